// SPDX-License-Identifier: GPL-2.0
/*
 * The matrix: one column per configuration (a KTAP file), one row per
 * invariant or scenario, cells PASS / FAIL / skip / GAP / N-O / INCONCL / -
 * (the verdicts of result.h; - is missing: the file has no result for it,
 * e.g. the guest died first), then a "kernel health" row
 * from the harness's "# vm:" lines and a totals row (pass/fail/skip).
 *
 * An invariant's cell is the run's roll-up when the file is complete; for a
 * truncated file it is recomputed from the per-case lines that made it out
 * (merged as the roll-up merges them, else missing).
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

typedef int cell_t; /* an outcome (result.h), or CELL_MISSING */

static const char *cell_text(cell_t c)
{
	if (c == CELL_MISSING)
		return "-";
	/* Lower case for the quiet ones, so failures and gaps stand out. */
	return c == OUT_SKIP ? "skip" : c == OUT_INCONCLUSIVE ? "INCONCL" :
	       outcome_upper(c);
}

static const char *cell_json(cell_t c)
{
	return c == CELL_MISSING ? "missing" : outcome_name(c);
}

static void rows_add(struct matrix_rows *r, const char *id)
{
	for (unsigned i = 0; i < r->n; i++)
		if (!strcmp(r->id[i], id))
			return;
	r->id = realloc(r->id, (r->n + 1) * sizeof(*r->id));
	if (!r->id)
		exit(2);
	r->id[r->n++] = id;
}

static int by_inv(const void *a, const void *b)
{
	return inv_cmp(*(const char *const *)a, *(const char *const *)b);
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void matrix_rows(const struct ktap_file *files, unsigned n, enum matrix_by by,
		 struct matrix_rows *rows)
{
	rows->id = NULL;
	rows->n = 0;
	for (unsigned f = 0; f < n; f++) {
		const struct ktap_file *k = &files[f];

		for (unsigned i = 0; i < k->ncases; i++) {
			if (by == MATRIX_BY_SCENARIO) {
				rows_add(rows, k->cases[i].id);
				continue;
			}
			for (unsigned j = 0; j < k->cases[i].ninv; j++)
				rows_add(rows, k->cases[i].inv[j].id);
		}
		if (by == MATRIX_BY_INVARIANT)
			for (unsigned i = 0; i < k->nrollup; i++)
				rows_add(rows, k->rollup[i].id);
	}
	if (rows->n)
		qsort(rows->id, rows->n, sizeof(*rows->id),
		      by == MATRIX_BY_INVARIANT ? by_inv : by_str);
}

static cell_t inv_cell(const struct ktap_file *k, const char *id)
{
	cell_t c = CELL_MISSING;

	if (ktap_complete(k))
		for (unsigned i = 0; i < k->nrollup; i++)
			if (!strcmp(k->rollup[i].id, id))
				return k->rollup[i].outcome;
	for (unsigned i = 0; i < k->ncases; i++)
		for (unsigned j = 0; j < k->cases[i].ninv; j++) {
			const struct inv_outcome *io = &k->cases[i].inv[j];

			if (!strcmp(io->id, id))
				c = c == CELL_MISSING ? (cell_t)io->outcome :
					(cell_t)outcome_merge(c, io->outcome);
		}
	return c;
}

static cell_t case_cell(const struct ktap_file *k, const char *id)
{
	for (unsigned i = 0; i < k->ncases; i++)
		if (!strcmp(k->cases[i].id, id))
			return k->cases[i].outcome;
	return CELL_MISSING;
}

int matrix_cell(const struct ktap_file *k, enum matrix_by by, const char *id)
{
	return by == MATRIX_BY_INVARIANT ? inv_cell(k, id) : case_cell(k, id);
}

const char *matrix_health(const struct ktap_file *k, bool *ok)
{
	bool complete = ktap_complete(k);

	if (k->has_health) {
		*ok = !strcmp(k->health, "ok") && complete;
		if (!strcmp(k->health, "ok") && !complete)
			return "truncated";
		return k->health[0] ? k->health : "?";
	}
	*ok = complete;
	return complete ? "-" : "truncated";
}

int matrix_report(const struct ktap_file *files, unsigned n, enum matrix_by by,
		  FILE *out, FILE *json)
{
	struct matrix_rows rows;
	size_t w0 = strlen("kernel health"), *w;
	bool bad = false;
	char buf[48];

	matrix_rows(files, n, by, &rows);

	w = calloc(n + 1, sizeof(*w));
	if (!w)
		exit(2);
	for (unsigned i = 0; i < rows.n; i++)
		if (strlen(rows.id[i]) > w0)
			w0 = strlen(rows.id[i]);
	for (unsigned f = 0; f < n; f++) {
		bool ok;

		w[f] = strlen(files[f].name);
		if (w[f] < 4)
			w[f] = 4;
		if (strlen(matrix_health(&files[f], &ok)) > w[f])
			w[f] = strlen(matrix_health(&files[f], &ok));
		snprintf(buf, sizeof(buf), "%u/%u/%u", files[f].npass,
			 files[f].nfail, files[f].nskip);
		if (strlen(buf) > w[f])
			w[f] = strlen(buf);
	}

	/* The table. */
	fprintf(out, "%-*s", (int)w0, by == MATRIX_BY_INVARIANT ? "invariant" :
		"scenario");
	for (unsigned f = 0; f < n; f++)
		fprintf(out, "  %-*s", f + 1 < n ? (int)w[f] : 0, files[f].name);
	fputc('\n', out);
	for (unsigned i = 0; i < rows.n; i++) {
		fprintf(out, "%-*s", (int)w0, rows.id[i]);
		for (unsigned f = 0; f < n; f++) {
			cell_t c = matrix_cell(&files[f], by, rows.id[i]);

			bad |= c != CELL_MISSING && outcome_failed(c);
			fprintf(out, "  %-*s", f + 1 < n ? (int)w[f] : 0, cell_text(c));
		}
		fputc('\n', out);
	}
	fprintf(out, "%-*s", (int)w0, "kernel health");
	for (unsigned f = 0; f < n; f++) {
		bool ok;
		const char *h = matrix_health(&files[f], &ok);

		bad |= !ok;
		fprintf(out, "  %-*s", f + 1 < n ? (int)w[f] : 0, h);
	}
	fputc('\n', out);
	fprintf(out, "%-*s", (int)w0, "totals p/f/s");
	for (unsigned f = 0; f < n; f++) {
		snprintf(buf, sizeof(buf), "%u/%u/%u", files[f].npass,
			 files[f].nfail, files[f].nskip);
		fprintf(out, "  %-*s", f + 1 < n ? (int)w[f] : 0, buf);
	}
	fputc('\n', out);
	for (unsigned f = 0; f < n; f++) {
		const struct ktap_file *k = &files[f];

		if (k->has_health && k->health_detail && k->health_detail[0])
			fprintf(out, "# %s: vm %s: %s\n", k->name, k->health,
				k->health_detail);
		if (!ktap_complete(k))
			fprintf(out, "# %s: incomplete (%u of %u results)\n",
				k->name, k->ncases, k->plan);
		if (k->header && strstr(k->header, " dma=probed"))
			fprintf(out, "# %s: DMA cells are translation probes (the mock's MD_CHECK_MAP / PASID_CHECK_HWPT), not DMA\n",
				k->name);
	}

	if (json) {
		fprintf(json, "{\n  \"by\": \"%s\",\n  \"configurations\": [",
			by == MATRIX_BY_INVARIANT ? "invariant" : "scenario");
		for (unsigned f = 0; f < n; f++) {
			const struct ktap_file *k = &files[f];
			bool ok;
			const char *h = matrix_health(k, &ok);

			fputs(f ? ",\n    {\"name\": " : "\n    {\"name\": ", json);
			json_string(json, k->name);
			fputs(", \"file\": ", json);
			json_string(json, k->path);
			fputs(", \"header\": ", json);
			if (k->header)
				json_string(json, k->header);
			else
				fputs("null", json);
			fprintf(json, ", \"complete\": %s, \"results\": %u, \"plan\": %u"
				", \"dma_evidence\": \"%s\", \"health\": ",
				ktap_complete(k) ? "true" : "false", k->ncases, k->plan,
				!k->header ? "unknown" :
				strstr(k->header, " dma=probed") ? "probe" :
				strstr(k->header, " dma=real") ? "dma" :
				strstr(k->header, " dma=modelled") ? "model" : "none");
			json_string(json, h);
			fputs(", \"health_detail\": ", json);
			json_string(json, k->health_detail ? k->health_detail : "");
			fprintf(json, ", \"healthy\": %s, \"totals\": {\"pass\": %u"
				", \"fail\": %u, \"skip\": %u}}", ok ? "true" : "false",
				k->npass, k->nfail, k->nskip);
		}
		fputs("\n  ],\n  \"rows\": [", json);
		for (unsigned i = 0; i < rows.n; i++) {
			fputs(i ? ",\n    {\"id\": " : "\n    {\"id\": ", json);
			json_string(json, rows.id[i]);
			fputs(", \"cells\": {", json);
			for (unsigned f = 0; f < n; f++) {
				cell_t c =
					matrix_cell(&files[f], by, rows.id[i]);

				fputs(f ? ", " : "", json);
				json_string(json, files[f].name);
				fprintf(json, ": \"%s\"", cell_json(c));
			}
			fputs("}}", json);
		}
		fprintf(json, "%s],\n  \"ok\": %s\n}\n", rows.n ? "\n  " : "",
			bad ? "false" : "true");
		fflush(json);
	}
	free(rows.id);
	free(w);
	fflush(out);
	return bad ? 1 : 0;
}
