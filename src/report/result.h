/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a run produces, below the runner and the writers alike: per-case
 * results with their per-invariant outcomes, the run's roll-up, and the
 * progress hooks a runner calls while cases stream in. The runner fills
 * these; KTAP, JUnit, JSON and the matrix read them.
 */
#ifndef IC_REPORT_RESULT_H
#define IC_REPORT_RESULT_H

#include <stdbool.h>

#include "../base/vocab.h"

struct scenario;

enum outcome {
	OUT_PASS,
	OUT_FAIL,
	OUT_SKIP,
};

/* "pass", "fail", "skip". */
const char *outcome_name(enum outcome o);

#define INV_ID_LEN 24

struct inv_outcome {
	char id[INV_ID_LEN];
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

/*
 * Split "A-1, B-2" into invariant IDs: calls fn for each trimmed, non-empty
 * item.
 */
void inv_list_for_each(const char *list, void (*fn)(void *arg, const char *id),
		       void *arg);

/* Natural order of invariant IDs: prefix, then the number ("OBJ-2" < "OBJ-10"). */
int inv_cmp(const char *a, const char *b);

#endif
