/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Report writers (KTAP, JUnit XML, JSON) over a struct run_result, the KTAP
 * reader for our own KTAP files, and the matrix that sets several runs (one
 * per VM configuration) side by side.
 */
#ifndef IC_REPORT_H
#define IC_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "result.h"

#define IC_VERSION "0.1.0"

/* "none", "real", "modelled", "probed". */
const char *dma_kind_name(enum dma_kind k);

/* --- KTAP (kselftest flavour) --------------------------------------------- */

/* How GAP and not-observable cases read in a KTAP SKIP directive. */
#define KTAP_GAP_WORD "gap: "
#define KTAP_NOBS_WORD "not observable: "

/* "KTAP version 1", the run header, notes, the device list and "1..n". */
void ktap_header(FILE *f, const struct run_result *r, unsigned n);
/* One case: log lines from first_log on as "# ...", the per-case
 * "# invariant ID pass|fail" lines, then the ok / not ok line. */
void ktap_case(FILE *f, unsigned num, const struct case_result *c,
	       unsigned first_log);
/* The invariant roll-up and "# Totals: ...". */
void ktap_footer(FILE *f, const struct run_result *r);
/* All of the above from a finished run. */
void ktap_write(FILE *f, const struct run_result *r);

/*
 * Stable skip reasons (run --stable-reasons, the kselftest collection):
 * LKFT folds a SKIP directive's reason into the test name, so the directive
 * then carries a reason without what differs from machine to machine, and
 * the full one goes to a "# reason: ..." line above the result line.
 */
void ktap_set_stable_reasons(bool on);
/* The stable form of reason into out (always terminated): parenthesised
 * asides dropped (errno names, device and driver names go there), PCI
 * addresses made "a device", hex and free-standing decimal numbers "N"
 * (invariant IDs such as PASID-10 stay), blanks squeezed. Returns its
 * length. */
size_t ktap_stable_reason(const char *reason, char *out, size_t len);

/*
 * Streaming KTAP: hooks for the runner that print the header before the
 * first case, each case's log lines as the child writes them, and the
 * result line when the case ends (flushing each line), so that a guest that
 * dies mid-run leaves a KTAP file truncated at the case that killed it.
 * Call ktap_footer() after the run.
 */
struct ktap_stream {
	FILE *f;
	unsigned streamed; /* log lines of the current case already out */
};
void ktap_stream_hooks(struct ktap_stream *s, FILE *f, struct run_hooks *h);
/* The pieces of those hooks, for callers that chain their own. */
void ktap_stream_line(struct ktap_stream *s, char tag, const char *text);
void ktap_stream_end(struct ktap_stream *s, unsigned idx,
		     const struct case_result *c);

/* --- JUnit XML and JSON ---------------------------------------------------- */

void junit_write(FILE *f, const struct run_result *r);
void json_write(FILE *f, const struct run_result *r);

/* Escapers, exposed for the unit tests and the matrix. Invalid UTF-8 and
 * control characters never reach the output raw. */
void xml_escape(FILE *f, const char *s);
void json_string(FILE *f, const char *s); /* with the quotes */

/* --- reading our KTAP back ------------------------------------------------- */

struct ktap_case {
	char *id;
	enum outcome outcome;
	char *reason;
	struct inv_outcome *inv;
	unsigned ninv;
};

struct ktap_file {
	char *name; /* configuration name (matrix column) */
	char *path;
	char *header; /* the "# iommu-conformance ..." line, without "# " */
	bool has_version, has_plan, has_totals;
	unsigned plan;
	struct ktap_case *cases;
	unsigned ncases;
	struct inv_outcome *rollup; /* from the lines after the last case */
	unsigned nrollup;
	bool has_health;
	char health[24];    /* "ok", "splat", "hang", "panic", "boot-failure" */
	char *health_detail;
	unsigned npass, nfail, nskip;
};

/* Parse a KTAP stream written by ktap_write (possibly truncated, possibly
 * with a harness-appended "# vm: <status> <detail>" line). Returns 0, or -1
 * with why when the input is not KTAP at all. */
int ktap_parse(FILE *in, struct ktap_file *k, char *why, size_t why_len);
/* The run finished: a plan, that many results, and the Totals line. */
bool ktap_complete(const struct ktap_file *k);
void ktap_file_free(struct ktap_file *k);

/* --- the matrix ------------------------------------------------------------ */

enum matrix_by {
	MATRIX_BY_INVARIANT,
	MATRIX_BY_SCENARIO,
};

/*
 * Print the table of files[] to out and, when json is not NULL, the JSON
 * summary to json. Returns 1 when any cell FAILs or any configuration's
 * kernel health is not ok, else 0.
 */
int matrix_report(const struct ktap_file *files, unsigned n, enum matrix_by by,
		  FILE *out, FILE *json);

#endif
