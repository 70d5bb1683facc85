// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the KTAP reader (src/report/ktap_parse.c) and the matrix
 * over what it read (src/report/matrix.c), as `iommu-conformance matrix`
 * runs them on KTAP files from guests and from other people.
 *
 * The input is up to three KTAP files separated by a form-feed line
 * ("\n\f\n"); each is parsed, then the matrix is printed by invariant and by
 * scenario with its JSON summary. Beyond the sanitizers, it checks:
 *  - the reader's counts agree with its cases (pass + fail + skip = cases,
 *    every outcome one of result.h's) and an error comes with a reason;
 *  - the matrix returns 0 or 1 and its JSON is one well-formed JSON value.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/report/report.h"
#include "fuzz.h"

#define MAX_FILES 3

/* --- a strict JSON syntax check (RFC 8259, no extensions) ----------------- */

struct js {
	const char *p, *end;
	unsigned depth;
};

static void js_ws(struct js *j)
{
	while (j->p < j->end && strchr(" \t\n\r", *j->p) && *j->p)
		j->p++;
}

static int js_lit(struct js *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n))
		return 0;
	j->p += n;
	return 1;
}

static int js_string(struct js *j)
{
	if (j->p >= j->end || *j->p != '"')
		return 0;
	for (j->p++; j->p < j->end; j->p++) {
		unsigned char c = (unsigned char)*j->p;

		if (c == '"') {
			j->p++;
			return 1;
		}
		if (c < 0x20)
			return 0;
		if (c == '\\') {
			if (++j->p >= j->end)
				return 0;
			if (*j->p == 'u') {
				for (int i = 0; i < 4; i++)
					if (++j->p >= j->end ||
					    !strchr("0123456789abcdefABCDEF",
						    *j->p) ||
					    !*j->p)
						return 0;
			} else if (!strchr("\"\\/bfnrt", *j->p) || !*j->p) {
				return 0;
			}
		}
	}
	return 0;
}

static int js_number(struct js *j)
{
	const char *s = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return 0;
	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s;
}

static int js_value(struct js *j)
{
	int ok = 1;

	if (++j->depth > 64)
		return 0;
	js_ws(j);
	if (j->p >= j->end)
		return 0;
	if (*j->p == '{' || *j->p == '[') {
		char close = *j->p == '{' ? '}' : ']';
		int obj = close == '}';

		j->p++;
		js_ws(j);
		if (j->p < j->end && *j->p == close) {
			j->p++;
		} else {
			for (;;) {
				js_ws(j);
				if (obj) {
					if (!js_string(j))
						return 0;
					js_ws(j);
					if (j->p >= j->end || *j->p++ != ':')
						return 0;
				}
				if (!js_value(j))
					return 0;
				js_ws(j);
				if (j->p >= j->end)
					return 0;
				if (*j->p == close) {
					j->p++;
					break;
				}
				if (*j->p++ != ',')
					return 0;
			}
		}
	} else if (*j->p == '"') {
		ok = js_string(j);
	} else if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) {
		ok = js_number(j);
	} else {
		ok = js_lit(j, "true") || js_lit(j, "false") ||
		     js_lit(j, "null");
	}
	j->depth--;
	return ok;
}

static void check_json(const char *s, size_t n)
{
	struct js j = {s, s + n, 0};

	FUZZ_CHECK(js_value(&j), "matrix JSON is not well-formed");
	js_ws(&j);
	FUZZ_CHECK(j.p == j.end, "matrix JSON has trailing bytes");
	FUZZ_CHECK(fuzz_utf8_valid(s, n), "matrix JSON is not valid UTF-8");
}

/* --- the target ------------------------------------------------------------
 */

static void check_file(const struct ktap_file *k)
{
	unsigned np = 0, nf = 0, ns = 0;

	for (unsigned i = 0; i < k->ncases; i++) {
		const struct ktap_case *c = &k->cases[i];

		FUZZ_CHECK(c->id, "case without an id");
		np += c->outcome == OUT_PASS;
		nf += outcome_failed(c->outcome);
		ns += c->outcome == OUT_SKIP || c->outcome == OUT_GAP ||
		      c->outcome == OUT_NOBS;
		FUZZ_CHECK(strcmp(outcome_name(c->outcome), "?"),
			   "case outcome out of range");
		for (unsigned v = 0; v < c->ninv; v++)
			FUZZ_CHECK(strcmp(outcome_name(c->inv[v].outcome), "?"),
				   "invariant outcome out of range");
	}
	FUZZ_CHECK(np == k->npass && nf == k->nfail && ns == k->nskip,
		   "pass/fail/skip counts disagree with the cases");
	FUZZ_CHECK(memchr(k->health, 0, sizeof(k->health)),
		   "health not terminated");
}

static void matrix(const struct ktap_file *files, unsigned n, enum matrix_by by)
{
	char *table = NULL, *json = NULL;
	size_t tn = 0, jn = 0;
	FILE *out = open_memstream(&table, &tn);
	FILE *js = open_memstream(&json, &jn);
	int rc;

	if (!out || !js)
		abort();
	rc = matrix_report(files, n, by, out, js);
	fclose(out);
	fclose(js);
	FUZZ_CHECK(rc == 0 || rc == 1, "matrix_report returned %d", rc);
	check_json(json, jn);
	free(table);
	free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n\f\n";
	struct ktap_file files[MAX_FILES];
	const char *p = (const char *)data, *end = p + size;
	unsigned n = 0;

	memset(files, 0, sizeof(files));
	while (n < MAX_FILES) {
		const char *cut =
			n + 1 < MAX_FILES
				? memmem(p, (size_t)(end - p), sep, strlen(sep))
				: NULL;
		size_t len = cut ? (size_t)(cut - p) : (size_t)(end - p);
		struct ktap_file *k = &files[n];
		char why[128] = "", name[16];
		FILE *in = fuzz_open(p, len);

		snprintf(name, sizeof(name), "cfg%u", n);
		k->name = strdup(name);
		k->path = strdup(name);
		if (ktap_parse(in, k, why, sizeof(why)))
			FUZZ_CHECK(why[0],
				   "ktap_parse failed without a reason");
		fclose(in);
		check_file(k);
		n++;
		if (!cut)
			break;
		p = cut + strlen(sep);
	}
	matrix(files, n, MATRIX_BY_INVARIANT);
	matrix(files, n, MATRIX_BY_SCENARIO);
	for (unsigned i = 0; i < n; i++)
		ktap_file_free(&files[i]);
	return 0;
}
