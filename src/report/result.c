// SPDX-License-Identifier: GPL-2.0
/* Names and order of outcomes and invariant IDs (result.h). */
#include <stdlib.h>
#include <string.h>

#include "result.h"

static const char *const outcome_names[] = {
	[OUT_PASS] = "pass",
	[OUT_FAIL] = "fail",
	[OUT_SKIP] = "skip",
	[OUT_GAP] = "gap",
	[OUT_NOBS] = "not-observable",
	[OUT_INCONCLUSIVE] = "inconclusive",
};
#define NOUTCOMES (sizeof(outcome_names) / sizeof(outcome_names[0]))

const char *outcome_name(enum outcome o)
{
	return (unsigned)o < NOUTCOMES ? outcome_names[o] : "?";
}

const char *outcome_upper(enum outcome o)
{
	static const char *const upper[] = {
		[OUT_PASS] = "PASS",	 [OUT_FAIL] = "FAIL",
		[OUT_SKIP] = "SKIP",	 [OUT_GAP] = "GAP",
		[OUT_NOBS] = "N-O",	 [OUT_INCONCLUSIVE] = "INCONCLUSIVE",
	};

	return (unsigned)o < NOUTCOMES ? upper[o] : "?";
}

bool outcome_parse(const char *s, enum outcome *o)
{
	for (unsigned i = 0; i < NOUTCOMES; i++)
		if (!strcmp(s, outcome_names[i])) {
			*o = i;
			return true;
		}
	return false;
}

enum outcome outcome_merge(enum outcome a, enum outcome b)
{
	static const enum outcome rank[] = {
		OUT_FAIL, OUT_INCONCLUSIVE, OUT_GAP, OUT_PASS, OUT_NOBS, OUT_SKIP,
	};

	for (unsigned i = 0; i < sizeof(rank) / sizeof(rank[0]); i++)
		if (a == rank[i] || b == rank[i])
			return rank[i];
	return OUT_SKIP;
}

void run_result_count(struct run_result *r, const struct case_result *c)
{
	r->npass += c->outcome == OUT_PASS;
	r->nfail += outcome_failed(c->outcome);
	r->nskip += c->outcome == OUT_SKIP || c->outcome == OUT_GAP ||
		    c->outcome == OUT_NOBS;
	r->ngap += c->outcome == OUT_GAP;
	r->nnobs += c->outcome == OUT_NOBS;
	r->ninconclusive += c->outcome == OUT_INCONCLUSIVE;
}

/* --- invariant IDs -------------------------------------------------------- */

void inv_list_for_each(const char *list, void (*fn)(void *arg, const char *id),
		      void *arg)
{
	const char *p = list;

	while (p && *p) {
		char id[INV_ID_LEN];
		size_t n = strcspn(p, ", \t");

		if (n && n < sizeof(id)) {
			memcpy(id, p, n);
			id[n] = '\0';
			fn(arg, id);
		}
		p += n;
		p += strspn(p, ", \t");
	}
}

/* Contract order of the invariant families (docs/contract.md). */
static const char *const families[] = {
	"OBJ", "OWN", "ATTACH", "DMA", "IOAS", "RANGE", "HWPT",
	"PASID", "SEED", "GROUP", "DIRTY", "NEST",
};

static int family_rank(const char *id, size_t len)
{
	for (unsigned i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (strlen(families[i]) == len && !strncmp(families[i], id, len))
			return i;
	return sizeof(families) / sizeof(families[0]);
}

int inv_cmp(const char *a, const char *b)
{
	const char *da = strrchr(a, '-'), *db = strrchr(b, '-');
	size_t la = da ? (size_t)(da - a) : strlen(a);
	size_t lb = db ? (size_t)(db - b) : strlen(b);
	int ra = family_rank(a, la), rb = family_rank(b, lb);
	char *ea, *eb;
	long na, nb;
	int d;

	if (ra != rb)
		return ra < rb ? -1 : 1;
	d = strncmp(a, b, la < lb ? la : lb);
	if (d || la != lb)
		return d ? d : (la < lb ? -1 : 1);
	if (!da || !db)
		return strcmp(a, b);
	na = strtol(da + 1, &ea, 10);
	nb = strtol(db + 1, &eb, 10);
	if (ea != da + 1 && eb != db + 1 && !*ea && !*eb && na != nb)
		return na < nb ? -1 : 1;
	return strcmp(a, b);
}
