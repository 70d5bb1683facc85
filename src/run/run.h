/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The runner: discovers the target's capabilities once, then runs each
 * selected scenario in its own forked child (its own process group, its own
 * target), reads the child's line protocol (tc_protocol.h) and classifies
 * the case as PASS, FAIL or SKIP. The core knows nothing of any particular
 * target: everything goes through target_open() and struct scenario.
 */
#ifndef IC_RUN_H
#define IC_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "../scenario/scenario.h"
#include "../target/target.h"

enum outcome {
	OUT_PASS,
	OUT_FAIL,
	OUT_SKIP,
};

/* "pass", "fail", "skip". */
const char *outcome_name(enum outcome o);

#define RUN_INV_LEN 24

struct inv_outcome {
	char id[RUN_INV_LEN];
	enum outcome outcome; /* OUT_PASS/OUT_FAIL per case; roll-up may SKIP */
};

struct case_result {
	const char *id;		/* point into the scenario (static storage) */
	const char *title;
	const char *invariants; /* declared, "A-1,A-2" */
	enum outcome outcome;
	char *reason;		/* skip or fail reason; NULL on PASS */
	char **log;		/* diagnostics, in order */
	unsigned nlog;
	struct inv_outcome *inv; /* checked invariants, first-check order */
	unsigned ninv;
	double duration;	/* seconds */
};

struct run_result {
	struct target_caps caps; /* copied from the parent's target_open */
	char *target;		 /* owned copies of caps.target/profile */
	char *profile;
	char started[32];	 /* UTC, ISO 8601 */
	double duration;
	struct case_result *cases;
	unsigned ncases;
	struct inv_outcome *rollup; /* every declared or checked invariant */
	unsigned nrollup;
	unsigned npass, nfail, nskip;
};

/* Progress hooks; any may be NULL. idx counts from 0 over the selection. */
struct run_hooks {
	void (*plan)(void *arg, const struct run_result *r, unsigned n);
	void (*case_begin)(void *arg, unsigned idx, const struct scenario *sc);
	/* One protocol line from the child, as it arrives (tag, text). */
	void (*case_line)(void *arg, unsigned idx, char tag, const char *text);
	void (*case_end)(void *arg, unsigned idx, const struct case_result *c);
	void *arg;
};

/* target_open() or a stand-in with its signature (the unit tests' fake). */
typedef struct target *(*run_open_fn)(const struct target_config *cfg,
				      char *why, size_t why_len, bool *skip);

struct run_options {
	struct target_config cfg;
	run_open_fn open;     /* NULL = target_open */
	const char *filter;   /* fnmatch glob on scenario id; NULL = all */
	unsigned timeout_sec; /* per case; 0 = RUN_DEFAULT_TIMEOUT */
	struct run_hooks hooks;
};

#define RUN_DEFAULT_TIMEOUT 60

/* Scenarios of list matching glob (NULL = all), into a malloc'd array. */
const struct scenario **run_select(const struct scenario *const *list,
				   unsigned n, const char *glob,
				   unsigned *nsel);

/*
 * Open the target in this process to learn its capabilities, copy them into
 * r, close it. On failure writes the target's one-line reason to why, sets
 * *skip as target_open() does, and returns -1.
 */
int run_discover(const struct run_options *o, struct run_result *r,
		 char *why, size_t why_len, bool *skip);

/*
 * Run the scenarios of list (already selected) against the capabilities in
 * r (run_discover() first), appending a case_result each and computing the
 * roll-up and totals. Returns 0, or -1 with why set when the runner itself
 * cannot work (pipe/fork failure).
 */
int run_cases(const struct run_options *o, const struct scenario *const *list,
	      unsigned n, struct run_result *r, char *why, size_t why_len);

/*
 * Everything at once: discover, select from the registry with o->filter,
 * run. Returns 0 when the run happened (cases may have failed), -1 with
 * why/skip set when the target cannot be opened or the runner failed.
 */
int run_suite(const struct run_options *o, struct run_result *r, char *why,
	      size_t why_len, bool *skip);

void run_result_free(struct run_result *r);

/*
 * Split "A-1, B-2" into invariant IDs: calls fn for each trimmed, non-empty
 * item. Shared with the reports and the CLI.
 */
void run_for_each_inv(const char *list, void (*fn)(void *arg, const char *id),
		      void *arg);

/* Natural order of invariant IDs: prefix, then the number ("OBJ-2" < "OBJ-10"). */
int inv_cmp(const char *a, const char *b);

#endif
