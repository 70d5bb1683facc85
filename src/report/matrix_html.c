// SPDX-License-Identifier: GPL-2.0
/*
 * The matrix as one self-contained HTML page (matrix --html FILE): inline
 * CSS, no script, nothing fetched. The same rows, cells and verdicts as the
 * text matrix (matrix.c), and under it the evidence the cells stand on:
 *
 *   cell (row, configuration)  -> #e-F-R: the cases of that configuration
 *                                 that checked the row's invariant, each
 *                                 with its verdict for it
 *   case                       -> #c-F-I: its verdict, reason, invariants
 *                                 and log (DMA transfers: what landed where)
 *
 * (by scenario, a cell links to its case directly). Column heads link to
 * the configuration's KTAP and console files, relative to the page. A FAIL
 * cell whose failing cases are all known findings (vm/known-findings.txt,
 * judged as tests/vm/check-results.sh judges them) is marked "known" with
 * the finding; it is still a FAIL.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

static const char css[] =
	"body{font:14px/1.4 sans-serif;margin:16px;color:#111;"
	"background:#fff}\n"
	"h1{font-size:20px;margin:0 0 8px}\n"
	"h2{font-size:17px;margin:24px 0 8px}\n"
	"h3{font-size:15px;margin:16px 0 4px}\n"
	"h4{font-size:14px;margin:10px 0 2px}\n"
	"code,pre,.id{font-family:monospace}\n"
	"table.matrix{border-collapse:collapse}\n"
	".matrix th,.matrix td{border:1px solid #999;padding:2px 6px;"
	"text-align:center;white-space:nowrap}\n"
	".matrix th.row{text-align:left;font-family:monospace;"
	"font-weight:normal}\n"
	".matrix thead th{background:#263238;color:#fff;"
	"position:sticky;top:0}\n"
	".matrix thead th a{color:#fff}\n"
	".matrix td a{color:inherit;text-decoration:none;display:block}\n"
	".v-pass{background:#a5d6a7}\n"
	".v-fail{background:#c62828;color:#fff;font-weight:bold}\n"
	".v-fail.known{background:repeating-linear-gradient(135deg,"
	"#c62828 0 6px,#e57373 6px 12px)}\n"
	".v-inconclusive{background:#ef6c00;color:#fff;font-weight:bold}\n"
	".v-gap{background:#fff176}\n"
	".v-not-observable{background:#ce93d8}\n"
	".v-skip{background:#e0e0e0;color:#444}\n"
	".v-missing{background:#fff;color:#999}\n"
	".health-ok{background:#a5d6a7}\n"
	".health-bad{background:#c62828;color:#fff;font-weight:bold}\n"
	".badge{display:inline-block;padding:0 6px;border-radius:3px;"
	"min-width:3em;text-align:center}\n"
	"sup{font-size:10px;margin-left:2px}\n"
	"ul.failing li{margin:2px 0}\n"
	".ev,.case{border-left:4px solid #ccc;padding:2px 8px;"
	"margin:6px 0}\n"
	":target{outline:3px solid #1565c0;background:#e3f2fd}\n"
	"pre{background:#f5f5f5;padding:6px;overflow-x:auto;"
	"margin:4px 0;font-size:12px}\n"
	"pre .dma{color:#0d47a1}\n"
	"pre .bad{color:#b71c1c;font-weight:bold}\n"
	".legend td{padding:2px 8px}\n";

static void esc(FILE *f, const char *s)
{
	xml_escape(f, s); /* its entities are HTML's too */
}

/* A cell's CSS class is "v-" and its outcome's name (result.c), or
 * "v-missing". */
static const char *verdict_class(int cell)
{
	return cell < 0 || cell > OUT_INCONCLUSIVE ? "missing"
						   : outcome_name(cell);
}

static const char *verdict_text(int cell)
{
	return cell == CELL_MISSING ? "&#8211;" : outcome_upper(cell);
}

/* A path as a relative URL: unreserved bytes as they are, others %XX. */
static void url_path(FILE *f, const char *p)
{
	for (; *p; p++) {
		unsigned char c = *p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~/", c))
			fputc(c, f);
		else
			fprintf(f, "%%%02X", c);
	}
}

/* href to path from the folder dir: "../vm/x.ktap". */
static void href(FILE *f, const char *dir, const char *path)
{
	char *a = dir ? realpath(dir, NULL) : NULL, *b = realpath(path, NULL);
	size_t i = 0, common = 0;
	const char *rest;

	if (!a || !b) {
		url_path(f, path);
		goto out;
	}
	while (a[i] && a[i] == b[i]) {
		if (a[i] == '/')
			common = i;
		i++;
	}
	if (!a[i] && b[i] == '/')
		common = i;
	/* One ".." per component of dir below the common folder. */
	rest = a + common;
	for (const char *s = rest; *s;) {
		s += strspn(s, "/");
		if (!*s)
			break;
		fputs("../", f);
		s += strcspn(s, "/");
	}
	url_path(f, b + common + (b[common] == '/'));
out:
	free(a);
	free(b);
}

/* The console file next to a KTAP file (x.ktap -> x.console), if any. */
static char *console_of(const char *ktap)
{
	size_t n = strlen(ktap);
	char *c;

	if (n < 5 || strcmp(ktap + n - 5, ".ktap"))
		return NULL;
	if (asprintf(&c, "%.*s.console", (int)(n - 5), ktap) < 0)
		return NULL;
	if (access(c, R_OK)) {
		free(c);
		return NULL;
	}
	return c;
}

static const struct inv_outcome *case_inv(const struct ktap_case *c,
					  const char *id)
{
	for (unsigned j = 0; j < c->ninv; j++)
		if (!strcmp(c->inv[j].id, id))
			return &c->inv[j];
	return NULL;
}

/* The case decides the cell: by scenario it is the row, by invariant it
 * checked the row's invariant. */
static bool case_in_cell(const struct ktap_case *c, enum matrix_by by,
			 const char *row)
{
	return by == MATRIX_BY_SCENARIO ? !strcmp(c->id, row)
					: case_inv(c, row) != NULL;
}

static bool failed_in_cell(const struct ktap_case *c, enum matrix_by by,
			   const char *row)
{
	const struct inv_outcome *io;

	if (by == MATRIX_BY_SCENARIO)
		return !strcmp(c->id, row) && outcome_failed(c->outcome);
	io = case_inv(c, row);
	return io && outcome_failed(io->outcome);
}

/* The finding that explains every failing case of the cell, or NULL when
 * one of them is not a known finding (or no case line failed). */
static const struct known_finding *
cell_known(const struct ktap_file *k, enum matrix_by by, const char *row,
	   const struct known_findings *known)
{
	const struct known_finding *found = NULL;

	for (unsigned i = 0; i < k->ncases; i++) {
		const struct ktap_case *c = &k->cases[i];
		const struct known_finding *kf;

		if (!failed_in_cell(c, by, row))
			continue;
		kf = known_finding_of(known, k->name, c->id);
		if (!known_finding_matches(kf, c))
			return NULL;
		found = found ? found : kf;
	}
	return found;
}

/* The anchor a cell links to: its evidence block, or by scenario the case. */
static void cell_anchor(FILE *f, const struct ktap_file *k, unsigned fi,
			unsigned ri, enum matrix_by by, const char *row)
{
	if (by == MATRIX_BY_SCENARIO) {
		for (unsigned i = 0; i < k->ncases; i++)
			if (!strcmp(k->cases[i].id, row)) {
				fprintf(f, "#c-%u-%u", fi, i);
				return;
			}
	}
	fprintf(f, "#e-%u-%u", fi, ri);
}

/* The verdict's text, with the known finding's name raised after it. */
static void verdict_mark(FILE *f, int cell, const struct known_finding *kf)
{
	fputs(verdict_text(cell), f);
	if (kf) {
		fputs("<sup>", f);
		esc(f, kf->finding);
		fputs("</sup>", f);
	}
}

static void badge(FILE *f, int cell, const struct known_finding *kf)
{
	fprintf(f, "<span class=\"badge v-%s%s\">", verdict_class(cell),
		kf ? " known" : "");
	verdict_mark(f, cell, kf);
	fputs("</span>", f);
}

struct html {
	FILE *f;
	const struct ktap_file *files;
	unsigned n;
	enum matrix_by by;
	const struct known_findings *known;
	const char *dir;
	struct matrix_rows rows;
};

static void head_row(const struct html *h)
{
	FILE *f = h->f;

	fprintf(f, "<thead><tr><th>%s</th>",
		h->by == MATRIX_BY_INVARIANT ? "invariant" : "scenario");
	for (unsigned fi = 0; fi < h->n; fi++) {
		const struct ktap_file *k = &h->files[fi];

		fprintf(f, "<th class=\"config\" id=\"col-%u\" data-config=\"",
			fi);
		esc(f, k->name);
		fputs("\" title=\"", f);
		esc(f, k->header ? k->header : k->path);
		fputs("\"><a href=\"", f);
		href(f, h->dir, k->path);
		fputs("\">", f);
		esc(f, k->name);
		fputs("</a></th>", f);
	}
	fputs("</tr></thead>\n", f);
}

/* The cell of row ri and configuration fi, and in *kf the known finding
 * that explains it when it fails as one. */
static int cell_verdict(const struct html *h, unsigned fi, unsigned ri,
			const struct known_finding **kf)
{
	const struct ktap_file *k = &h->files[fi];
	int c = matrix_cell(k, h->by, h->rows.id[ri]);

	*kf = NULL;
	if (c != CELL_MISSING && outcome_failed(c))
		*kf = cell_known(k, h->by, h->rows.id[ri], h->known);
	return c;
}

static void cell(const struct html *h, unsigned fi, unsigned ri)
{
	const struct ktap_file *k = &h->files[fi];
	const char *row = h->rows.id[ri];
	const struct known_finding *kf;
	int c = cell_verdict(h, fi, ri, &kf);
	FILE *f = h->f;

	fprintf(f, "<td class=\"cell v-%s%s\" data-config=\"", verdict_class(c),
		kf ? " known" : "");
	esc(f, k->name);
	fputs("\" data-row=\"", f);
	esc(f, row);
	fprintf(f, "\" data-verdict=\"%s\"",
		c == CELL_MISSING ? "missing" : outcome_name(c));
	if (kf) {
		fputs(" data-finding=\"", f);
		esc(f, kf->finding);
		fputc('"', f);
	}
	fputs(" title=\"", f);
	esc(f, row);
	fputs(" on ", f);
	esc(f, k->name);
	fputc('"', f);
	if (c == CELL_MISSING) { /* no result: nothing to link to */
		fprintf(f, ">%s</td>", verdict_text(c));
		return;
	}
	fputs("><a href=\"", f);
	cell_anchor(f, k, fi, ri, h->by, row);
	fputs("\">", f);
	verdict_mark(f, c, kf);
	fputs("</a></td>", f);
}

static void table(const struct html *h)
{
	FILE *f = h->f;

	fputs("<table class=\"matrix\">\n", f);
	head_row(h);
	fputs("<tbody>\n", f);
	for (unsigned ri = 0; ri < h->rows.n; ri++) {
		fprintf(f, "<tr id=\"r-%u\"><th class=\"row\">", ri);
		esc(f, h->rows.id[ri]);
		fputs("</th>", f);
		for (unsigned fi = 0; fi < h->n; fi++)
			cell(h, fi, ri);
		fputs("</tr>\n", f);
	}
	fputs("<tr class=\"health\"><th class=\"row\">kernel health</th>", f);
	for (unsigned fi = 0; fi < h->n; fi++) {
		bool ok;
		const char *s = matrix_health(&h->files[fi], &ok);

		fprintf(f, "<td class=\"%s\" data-config=\"",
			ok ? "health-ok" : "health-bad");
		esc(f, h->files[fi].name);
		fputs("\">", f);
		esc(f, s);
		fputs("</td>", f);
	}
	fputs("</tr>\n<tr class=\"totals\"><th class=\"row\">totals p/f/s</th>",
	      f);
	for (unsigned fi = 0; fi < h->n; fi++)
		fprintf(f, "<td>%u/%u/%u</td>", h->files[fi].npass,
			h->files[fi].nfail, h->files[fi].nskip);
	fputs("</tr>\n</tbody></table>\n", f);
}

/* The failing cells, listed at the top: a FAIL is never below the fold. */
static void failing(const struct html *h)
{
	FILE *f = h->f;
	unsigned nfail = 0, nknown = 0;

	for (unsigned ri = 0; ri < h->rows.n; ri++)
		for (unsigned fi = 0; fi < h->n; fi++) {
			const struct ktap_file *k = &h->files[fi];
			const char *row = h->rows.id[ri];
			const struct known_finding *kf;
			int c = cell_verdict(h, fi, ri, &kf);

			if (c == CELL_MISSING || !outcome_failed(c))
				continue;
			if (!nfail++)
				fputs("<ul class=\"failing\">\n", f);
			nknown += kf != NULL;
			fputs("<li>", f);
			badge(f, c, kf);
			fputs(" <a href=\"", f);
			cell_anchor(f, k, fi, ri, h->by, row);
			fputs("\"><code>", f);
			esc(f, row);
			fputs("</code> on <b>", f);
			esc(f, k->name);
			fprintf(f, "</b></a> %s</li>\n",
				kf ? "known finding" : "<b>new</b>");
		}
	if (nfail)
		fputs("</ul>\n", f);
	fprintf(f,
		"<p class=\"summary\" data-fail=\"%u\" data-known=\"%u\">"
		"%u failing cell(s): %u known finding(s), %u new.</p>\n",
		nfail, nknown, nfail, nknown, nfail - nknown);
}

/* What became of a listed known finding's case that does not match it. */
static const char *listed_status(const struct ktap_case *c)
{
	if (!c)
		return "did not run";
	if (outcome_failed(c->outcome))
		return "fails other invariants than listed";
	return "no longer fails: update vm/known-findings.txt";
}

/* One note item: "<li><b>NAME</b>: " then each text in turn, the odd ones
 * (counting from 0) escaped, then "</li>". */
static void note(FILE *f, const char *config, const char *const *text)
{
	fputs("<li><b>", f);
	esc(f, config);
	fputs("</b>: ", f);
	for (unsigned i = 0; text[i]; i++) {
		if (i % 2)
			esc(f, text[i]);
		else
			fputs(text[i], f);
	}
	fputs("</li>\n", f);
}

#define NOTE(f, config, ...) \
	note(f, config, (const char *const[]){__VA_ARGS__, NULL})

static void notes(const struct html *h)
{
	FILE *f = h->f;
	char buf[64];

	fputs("<ul class=\"notes\">\n", f);
	for (unsigned fi = 0; fi < h->n; fi++) {
		const struct ktap_file *k = &h->files[fi];

		if (k->has_health && k->health_detail && k->health_detail[0])
			NOTE(f, k->name, "vm ", k->health, ": ",
			     k->health_detail);
		if (!ktap_complete(k)) {
			snprintf(buf, sizeof(buf), "%u of %u results",
				 k->ncases, k->plan);
			NOTE(f, k->name, "incomplete (", buf, ")");
		}
		if (k->header && strstr(k->header, " dma=probed"))
			NOTE(f, k->name,
			     "DMA cells are translation probes (the mock's "
			     "MD_CHECK_MAP / PASID_CHECK_HWPT), not DMA");
		/* A listed finding that did not fail as listed. */
		for (unsigned i = 0; h->known && i < h->known->n; i++) {
			const struct known_finding *kf = &h->known->v[i];
			const struct ktap_case *c = NULL;

			if (strcmp(kf->config, k->name))
				continue;
			for (unsigned j = 0; j < k->ncases; j++)
				if (!strcmp(k->cases[j].id, kf->case_id))
					c = &k->cases[j];
			if (c && known_finding_matches(kf, c))
				continue;
			NOTE(f, k->name, "known finding ", kf->finding,
			     " (<code>", kf->case_id, "</code>) ",
			     listed_status(c));
		}
	}
	fputs("</ul>\n", f);
}

static void legend(FILE *f)
{
	static const struct {
		int cell;
		const char *what;
	} v[] = {
		{OUT_PASS, "an assertion of it ran and held"},
		{OUT_FAIL, "an assertion failed, or the case crashed "
			   "(striped, with the finding: a known finding)"},
		{OUT_INCONCLUSIVE, "a blocked DMA without a landed transfer "
				   "before it: proves nothing, fails"},
		{OUT_GAP, "a difference the contract allows was observed"},
		{OUT_NOBS, "not observable on this target (the reason is in "
			   "the case)"},
		{OUT_SKIP, "not checked: requirements unmet"},
		{CELL_MISSING, "no result (the run ended first)"},
	};

	fputs("<table class=\"legend\">\n", f);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		fprintf(f, "<tr><td class=\"v-%s\">%s</td><td>%s</td></tr>\n",
			verdict_class(v[i].cell), verdict_text(v[i].cell),
			v[i].what);
	}
	fputs("</table>\n", f);
}

static void log_block(FILE *f, const struct ktap_case *c)
{
	if (!c->nlog)
		return;
	fputs("<pre>", f);
	for (unsigned i = 0; i < c->nlog; i++) {
		const char *l = c->log[i];
		const char *cls = NULL;

		/* "dma write dev 0 ...: landed (expected landed); ..." */
		if (!strncmp(l, "dma", 3) && (l[3] == ' ' || l[3] == ':'))
			cls = "dma";
		else if (!strncmp(l, "FAIL", 4) || !strncmp(l, "INCONCL", 7))
			cls = "bad";

		if (cls)
			fprintf(f, "<span class=\"%s\">", cls);
		esc(f, l);
		fputs(cls ? "</span>\n" : "\n", f);
	}
	fputs("</pre>\n", f);
}

static void case_block(const struct html *h, unsigned fi, unsigned i)
{
	const struct ktap_file *k = &h->files[fi];
	const struct ktap_case *c = &k->cases[i];
	const struct known_finding *kf =
		known_finding_of(h->known, k->name, c->id);
	FILE *f = h->f;

	if (!known_finding_matches(kf, c))
		kf = NULL;
	fprintf(f, "<div class=\"case\" id=\"c-%u-%u\"><h4>", fi, i);
	badge(f, c->outcome, kf);
	fputs(" <span class=\"id\">", f);
	esc(f, c->id);
	fputs("</span></h4>\n", f);
	if (c->reason) {
		fputs("<p>", f);
		esc(f, c->reason);
		fputs("</p>\n", f);
	}
	if (c->ninv) {
		fputs("<p>", f);
		for (unsigned j = 0; j < c->ninv; j++) {
			fputs(j ? " " : "invariants: ", f);
			badge(f, c->inv[j].outcome, NULL);
			fputs("&#160;", f);
			esc(f, c->inv[j].id);
		}
		fputs("</p>\n", f);
	}
	log_block(f, c);
	fputs("</div>\n", f);
}

/* The evidence block of an invariant cell: the cases that checked it. */
static void cell_block(const struct html *h, unsigned fi, unsigned ri)
{
	const struct ktap_file *k = &h->files[fi];
	const char *row = h->rows.id[ri];
	const struct known_finding *kf;
	int c = cell_verdict(h, fi, ri, &kf);
	unsigned ncases = 0;
	FILE *f = h->f;

	fprintf(f, "<div class=\"ev\" id=\"e-%u-%u\"><h4>", fi, ri);
	badge(f, c, kf);
	fputs(" <span class=\"id\">", f);
	esc(f, row);
	fputs("</span> on ", f);
	esc(f, k->name);
	fputs("</h4>\n<ul>\n", f);
	for (unsigned i = 0; i < k->ncases; i++) {
		const struct ktap_case *kc = &k->cases[i];

		if (!case_in_cell(kc, h->by, row))
			continue;
		ncases++;
		fputs("<li>", f);
		badge(f, case_inv(kc, row)->outcome, NULL);
		fprintf(f, " <a href=\"#c-%u-%u\" class=\"id\">", fi, i);
		esc(f, kc->id);
		fprintf(f, "</a> (%u log line(s))</li>\n", kc->nlog);
	}
	if (!ncases)
		fputs("<li>no case line checked it here: the cell is the run's "
		      "roll-up of the cases that declare it</li>\n",
		      f);
	fputs("</ul></div>\n", f);
}

static void evidence(const struct html *h)
{
	FILE *f = h->f;

	fputs("<h2 id=\"evidence\">Evidence</h2>\n", f);
	for (unsigned fi = 0; fi < h->n; fi++) {
		const struct ktap_file *k = &h->files[fi];
		char *console = console_of(k->path);

		fprintf(f,
			"<section class=\"config-evidence\" id=\"cfg-%u\" "
			"data-config=\"",
			fi);
		esc(f, k->name);
		fputs("\">\n<h3>", f);
		esc(f, k->name);
		fputs("</h3>\n<p><code>", f);
		esc(f, k->header ? k->header : "(no header line)");
		fputs("</code><br>KTAP: <a href=\"", f);
		href(f, h->dir, k->path);
		fputs("\">", f);
		esc(f, k->path);
		fputs("</a>", f);
		if (console) {
			fputs(", console: <a href=\"", f);
			href(f, h->dir, console);
			fputs("\">", f);
			esc(f, console);
			fputs("</a>", f);
			free(console);
		}
		fputs("</p>\n", f);
		if (h->by == MATRIX_BY_INVARIANT)
			for (unsigned ri = 0; ri < h->rows.n; ri++)
				if (matrix_cell(k, h->by, h->rows.id[ri]) !=
				    CELL_MISSING)
					cell_block(h, fi, ri);
		for (unsigned i = 0; i < k->ncases; i++)
			case_block(h, fi, i);
		fputs("</section>\n", f);
	}
}

void matrix_html(const struct ktap_file *files, unsigned n, enum matrix_by by,
		 const struct known_findings *known, const char *html_dir,
		 FILE *out)
{
	struct html h = {out, files, n, by, known, html_dir, {NULL, 0}};
	const char *what = by == MATRIX_BY_INVARIANT ? "invariant" : "scenario";

	matrix_rows(files, n, by, &h.rows);
	fprintf(out,
		"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		"<meta charset=\"utf-8\">\n"
		"<title>iommu-conformance: %s x configuration</title>\n"
		"<style>\n%s</style>\n</head>\n<body>\n"
		"<h1>iommu-conformance: %s x configuration</h1>\n"
		"<p>%u configuration(s), %u %s(s); each cell links to the "
		"cases that decided it and their logs (<a href=\"#evidence\">"
		"evidence</a>). Version " IC_VERSION ".</p>\n",
		what, css, what, n, h.rows.n, what);
	failing(&h);
	table(&h);
	notes(&h);
	legend(out);
	evidence(&h);
	fputs("</body>\n</html>\n", out);
	free(h.rows.id);
	fflush(out);
}
