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
	char **log; /* its "# " lines but the invariant ones, without "# " */
	unsigned nlog;
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

/* The rows: every invariant (natural order) or scenario id (sorted) that
 * any file has. The ids point into files[]; free(rows->id) when done. */
struct matrix_rows {
	const char **id;
	unsigned n;
};
void matrix_rows(const struct ktap_file *files, unsigned n, enum matrix_by by,
		 struct matrix_rows *rows);

/* A cell: an outcome (result.h), or CELL_MISSING when the file has none. An
 * invariant's cell is the run's roll-up when the file is complete, else the
 * merge of the per-case lines that made it out. */
#define CELL_MISSING (-1)
int matrix_cell(const struct ktap_file *k, enum matrix_by by, const char *id);
/* The kernel health cell text ("ok", "panic", "truncated", "-", ...); *ok
 * says whether it counts as healthy (finished, and "# vm: ok" if any). */
const char *matrix_health(const struct ktap_file *k, bool *ok);

/*
 * Print the table of files[] to out and, when json is not NULL, the JSON
 * summary to json. Returns 1 when any cell FAILs or any configuration's
 * kernel health is not ok, else 0.
 */
int matrix_report(const struct ktap_file *files, unsigned n, enum matrix_by by,
		  FILE *out, FILE *json);

/* --- known findings (vm/known-findings.txt) ------------------------------ */

struct known_finding {
	char *config, *case_id, *finding;
	char *invariants; /* "A-1,B-2" the case fails, or "" (any) */
};
struct known_findings {
	struct known_finding *v;
	unsigned n;
};
/* Reads "CONFIG CASE FINDING [INVARIANTS]" lines ('#' comments). Returns 0,
 * or -1 with why (kf is then empty). */
int known_findings_parse(FILE *in, struct known_findings *kf, char *why,
			 size_t why_len);
void known_findings_free(struct known_findings *kf);
/* The line for config and case, or NULL (kf may be NULL). */
const struct known_finding *known_finding_of(const struct known_findings *kf,
					     const char *config,
					     const char *case_id);
/* c fails as kf says: it failed, and if kf names invariants, exactly those
 * failed (as tests/vm/check-results.sh judges). false for kf NULL. */
bool known_finding_matches(const struct known_finding *kf,
			   const struct ktap_case *c);

/* --- the HTML matrix ------------------------------------------------------ */

/*
 * One self-contained HTML page (inline CSS, no script, no external asset):
 * the matrix of files[] with a cell per row x configuration (a class per
 * verdict: v-pass, v-fail, v-skip, v-gap, v-not-observable, v-inconclusive,
 * v-missing; FAIL cells of known findings also "known" with the finding),
 * kernel health and totals rows, and the evidence: each cell links to the
 * cases that decided it, each case shows its log (the DMA transfers and what
 * they hit). Links to the KTAP files are relative to html_dir (the page's
 * folder; NULL: the paths as given). known may be NULL.
 */
void matrix_html(const struct ktap_file *files, unsigned n, enum matrix_by by,
		 const struct known_findings *known, const char *html_dir,
		 FILE *out);

#endif
