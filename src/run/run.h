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

#include "../report/result.h"
#include "../scenario/scenario.h"
#include "../targets/target.h"

/* target_open() or a stand-in with its signature (the unit tests' fake). */
typedef struct target *(*run_open_fn)(const struct target_config *cfg,
				      char *why, size_t why_len, bool *skip);

struct run_options {
	struct target_config cfg; /* run_discover() sets cfg.discovery */
	run_open_fn open;     /* NULL = target_open */
	const char *filter;   /* fnmatch glob on scenario id; NULL = all */
	unsigned timeout_sec; /* per case; 0 = RUN_DEFAULT_TIMEOUT */
	struct run_hooks hooks;
	/* run_discover()'s, freed by run_options_release(). */
	struct target_discovery *discovery;
};

#define RUN_DEFAULT_TIMEOUT 60

/* Scenarios of list matching glob (NULL = all), into a malloc'd array. */
const struct scenario **run_select(const struct scenario *const *list,
				   unsigned n, const char *glob,
				   unsigned *nsel);

/*
 * Discover the target in this process (target_discover(); with o->open, one
 * open), copy its capabilities into r and hand the discovery to every
 * case's open through o->cfg.discovery, so a case opens without
 * discovering again. On failure writes the target's one-line reason to
 * why, sets *skip as target_open() does, and returns -1.
 */
int run_discover(struct run_options *o, struct run_result *r, char *why,
		 size_t why_len, bool *skip);

/* Release what run_discover() keeps in o. */
void run_options_release(struct run_options *o);

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
int run_suite(struct run_options *o, struct run_result *r, char *why,
	      size_t why_len, bool *skip);

void run_result_free(struct run_result *r);

#endif
