// SPDX-License-Identifier: GPL-2.0
/*
 * Reads the KTAP that ktap.c writes, tolerating what a dying guest leaves:
 * a file cut anywhere (even mid-line), followed by the harness's
 * "# vm: <status> <detail>" line. "# invariant" lines before a result line
 * belong to that case; those after the last case (before "# Totals:") are
 * the run's roll-up. Other "# " lines after the plan are the log of the case
 * whose result follows (its evidence: DMA transfers and what they hit).
 * Lines of a case that never got its result are dropped.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/xalloc.h"
#include "report.h"

struct pending {
	struct inv_outcome *v;
	unsigned n;
	char **log; /* the case's "# " lines, without the "# " */
	unsigned nlog;
};

static void pending_log(struct pending *p, const char *line)
{
	p->log = xrealloc(p->log, (p->nlog + 1) * sizeof(*p->log));
	p->log[p->nlog++] = xstrdup(line + 2);
}

static void free_log(char **log, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		free(log[i]);
	free(log);
}

static void pending_drop_log(struct pending *p)
{
	free_log(p->log, p->nlog);
	p->log = NULL;
	p->nlog = 0;
}

static void pending_add(struct pending *p, const char *line)
{
	char id[INV_ID_LEN], res[24];
	enum outcome o;

	if (sscanf(line, "# invariant %23s %23s", id, res) != 2 ||
	    !outcome_parse(res, &o))
		return;
	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	memcpy(p->v[p->n].id, id, sizeof(id));
	p->v[p->n++].outcome = o;
}

/* "ok 3 some.id # SKIP why" / "not ok 3 some.id": true if a result line. */
static bool parse_result(struct ktap_file *k, const char *line,
			 struct pending *p)
{
	bool ok = true;
	const char *s = line, *hash;
	struct ktap_case *c;
	size_t idlen;
	char *end;

	if (!strncmp(s, "not ok ", 7)) {
		ok = false;
		s += 7;
	} else if (!strncmp(s, "ok ", 3)) {
		s += 3;
	} else {
		return false;
	}
	strtoul(s, &end, 10);
	if (end == s)
		return false;
	s = end + strspn(end, " ");
	hash = strstr(s, " #");
	idlen = hash ? (size_t)(hash - s) : strlen(s);
	while (idlen && s[idlen - 1] == ' ')
		idlen--;

	k->cases = xrealloc(k->cases, (k->ncases + 1) * sizeof(*k->cases));
	c = &k->cases[k->ncases++];
	memset(c, 0, sizeof(*c));
	c->id = strndup(s, idlen);
	if (!c->id)
		exit(2);
	if (!ok) {
		bool inconclusive = false, failed = false;

		for (unsigned i = 0; i < p->n; i++) {
			inconclusive |= p->v[i].outcome == OUT_INCONCLUSIVE;
			failed |= p->v[i].outcome == OUT_FAIL;
		}
		c->outcome = inconclusive && !failed ? OUT_INCONCLUSIVE : OUT_FAIL;
		k->nfail++;
	} else if (hash && !strncasecmp(hash + 2 + strspn(hash + 2, " "), "SKIP", 4)) {
		const char *why = hash + 2 + strspn(hash + 2, " ") + 4;

		why += strspn(why, " ");
		c->outcome = !strncmp(why, KTAP_GAP_WORD, strlen(KTAP_GAP_WORD)) ? OUT_GAP :
			     !strncmp(why, KTAP_NOBS_WORD, strlen(KTAP_NOBS_WORD)) ? OUT_NOBS :
			     OUT_SKIP;
		if (c->outcome == OUT_GAP)
			why += strlen(KTAP_GAP_WORD);
		else if (c->outcome == OUT_NOBS)
			why += strlen(KTAP_NOBS_WORD);
		c->reason = xstrdup(why);
		k->nskip++;
	} else {
		c->outcome = OUT_PASS;
		k->npass++;
	}
	c->inv = p->v;
	c->ninv = p->n;
	c->log = p->log;
	c->nlog = p->nlog;
	p->v = NULL;
	p->n = 0;
	p->log = NULL;
	p->nlog = 0;
	return true;
}

static void parse_health(struct ktap_file *k, const char *s)
{
	size_t n;

	s += strspn(s, " ");
	n = strcspn(s, " ");
	snprintf(k->health, sizeof(k->health), "%.*s", (int)n, s);
	s += n;
	s += strspn(s, " ");
	free(k->health_detail);
	k->health_detail = xstrdup(s);
	k->has_health = true;
}

int ktap_parse(FILE *in, struct ktap_file *k, char *why, size_t why_len)
{
	struct pending p = { NULL, 0, NULL, 0 };
	bool any_text = false;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	while ((len = getline(&line, &cap, in)) >= 0) {
		char *vm;
		unsigned plan;

		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len)
			any_text = true;
		/* The harness line may follow a cut-off line directly. */
		vm = strstr(line, "# vm:");
		if (vm) {
			parse_health(k, vm + 5);
			continue;
		}
		if (!strncmp(line, "KTAP version ", 13) ||
		    !strncmp(line, "TAP version ", 12)) {
			k->has_version = true;
		} else if (!k->header && !strncmp(line, "# iommu-conformance ", 20)) {
			k->header = xstrdup(line + 2);
		} else if (!k->has_plan && sscanf(line, "1..%u", &plan) == 1 &&
			   !strncmp(line, "1..", 3)) {
			k->has_plan = true;
			k->plan = plan;
		} else if (!strncmp(line, "# invariant ", 12)) {
			pending_add(&p, line);
		} else if (!strncmp(line, "# Totals:", 9)) {
			k->has_totals = true;
			free(k->rollup);
			k->rollup = p.v;
			k->nrollup = p.n;
			p.v = NULL;
			p.n = 0;
			pending_drop_log(&p); /* the roll-up's lines */
		} else if (k->has_plan && !strncmp(line, "# ", 2)) {
			pending_log(&p, line);
		} else {
			parse_result(k, line, &p);
		}
	}
	free(line);
	free(p.v); /* a case cut off before its result line */
	pending_drop_log(&p);
	if (ferror(in)) {
		snprintf(why, why_len, "read error");
		return -1;
	}
	if (any_text && !k->has_version && !k->has_plan && !k->ncases &&
	    !k->has_health) {
		snprintf(why, why_len, "not a KTAP file");
		return -1;
	}
	return 0;
}

bool ktap_complete(const struct ktap_file *k)
{
	return k->has_plan && k->ncases == k->plan && k->has_totals;
}

void ktap_file_free(struct ktap_file *k)
{
	for (unsigned i = 0; i < k->ncases; i++) {
		free(k->cases[i].id);
		free(k->cases[i].reason);
		free(k->cases[i].inv);
		free_log(k->cases[i].log, k->cases[i].nlog);
	}
	free(k->cases);
	free(k->rollup);
	free(k->header);
	free(k->health_detail);
	free(k->name);
	free(k->path);
	memset(k, 0, sizeof(*k));
}
