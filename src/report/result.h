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

/*
 * Verdicts. Per case and per invariant:
 *   PASS          an assertion (not a set-up step) of it ran and held, in a
 *                 case that did not skip
 *   FAIL          an assertion failed, or the case crashed
 *   SKIP          not checked: requirements unmet, or the case skipped
 *   GAP           a difference the contract allows was observed (the cell
 *                 is not a PASS: drivers legitimately differ here)
 *   NOBS          not observable on this target, with the measured reason
 *   INCONCLUSIVE  a "blocked" DMA without a landed, verified transfer of the
 *                 same device before it in the case: proves nothing, and the
 *                 case fails with that word
 * A case is PASS only with at least one PASS assertion and no FAIL or
 * INCONCLUSIVE; a case that ends with set-up steps only is a FAIL.
 */
enum outcome {
	OUT_PASS,
	OUT_FAIL,
	OUT_SKIP,
	OUT_GAP,
	OUT_NOBS,
	OUT_INCONCLUSIVE,
};

/* "pass", "fail", "skip", "gap", "not-observable", "inconclusive". */
const char *outcome_name(enum outcome o);
/* "PASS", "FAIL", "SKIP", "GAP", "N-O", "INCONCLUSIVE": for cells and people. */
const char *outcome_upper(enum outcome o);
/* The inverse of outcome_name; false for a word that is none of them. */
bool outcome_parse(const char *s, enum outcome *o);
/* Which of two outcomes of one invariant wins in a roll-up: FAIL, then
 * INCONCLUSIVE, GAP, PASS, NOBS, SKIP. */
enum outcome outcome_merge(enum outcome a, enum outcome b);
/* The case or invariant failed (FAIL or INCONCLUSIVE). */
static inline bool outcome_failed(enum outcome o)
{
	return o == OUT_FAIL || o == OUT_INCONCLUSIVE;
}

#define INV_ID_LEN 24

struct inv_outcome {
	char id[INV_ID_LEN];
	enum outcome outcome;
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
	char hostname[64];	 /* where the run ran; "" if unknown */
	double duration;
	struct case_result *cases;
	unsigned ncases;
	struct inv_outcome *rollup; /* every declared or checked invariant */
	unsigned nrollup;
	unsigned npass, nfail, nskip; /* cases; GAP and NOBS count as skip */
	unsigned ngap, nnobs, ninconclusive; /* cases, also in nskip/nfail */
};

/* Add c's outcome to r's case totals. */
void run_result_count(struct run_result *r, const struct case_result *c);

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
