// SPDX-License-Identifier: GPL-2.0
/*
 * vm/known-findings.txt, as tests/vm/check-results.sh reads it: '#' starts a
 * comment line; each other line is "CONFIG CASE FINDING [INV,INV...]". A
 * failing case is a known finding when its line exists and, if the line
 * names invariants, the case fails exactly those.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"
#include "report.h"

int known_findings_parse(FILE *in, struct known_findings *kf, char *why,
			 size_t why_len)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;

	memset(kf, 0, sizeof(*kf));
	while (getline(&line, &cap, in) >= 0) {
		/* Blank-separated fields of any length, as awk splits them:
		 * a long one is never cut into two. */
		char *tok[5], *save = NULL;
		struct known_finding *k;
		unsigned n = 0;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[strspn(line, " \t")] == '#' ||
		    !line[strspn(line, " \t")])
			continue;
		for (char *t = strtok_r(line, " \t", &save); t && n < 5;
		     t = strtok_r(NULL, " \t", &save))
			tok[n++] = t;
		if (n < 3 || n > 4) {
			snprintf(why, why_len,
				 "line %u: want CONFIG CASE FINDING "
				 "[INVARIANTS]",
				 lineno);
			free(line);
			known_findings_free(kf);
			return -1;
		}
		kf->v = xrealloc(kf->v, (kf->n + 1) * sizeof(*kf->v));
		k = &kf->v[kf->n++];
		k->config = xstrdup(tok[0]);
		k->case_id = xstrdup(tok[1]);
		k->finding = xstrdup(tok[2]);
		k->invariants = xstrdup(n == 4 ? tok[3] : "");
	}
	free(line);
	if (ferror(in)) {
		snprintf(why, why_len, "read error");
		known_findings_free(kf);
		return -1;
	}
	return 0;
}

void known_findings_free(struct known_findings *kf)
{
	for (unsigned i = 0; i < kf->n; i++) {
		free(kf->v[i].config);
		free(kf->v[i].case_id);
		free(kf->v[i].finding);
		free(kf->v[i].invariants);
	}
	free(kf->v);
	memset(kf, 0, sizeof(*kf));
}

const struct known_finding *known_finding_of(const struct known_findings *kf,
					     const char *config,
					     const char *case_id)
{
	for (unsigned i = 0; kf && i < kf->n; i++)
		if (!strcmp(kf->v[i].config, config) &&
		    !strcmp(kf->v[i].case_id, case_id))
			return &kf->v[i];
	return NULL;
}

/* Whether id is one of the comma-separated list. */
static bool in_list(const char *list, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && !strncmp(p, id, n))
			return true;
		p += len;
		p += *p == ',';
	}
	return false;
}

bool known_finding_matches(const struct known_finding *kf,
			   const struct ktap_case *c)
{
	if (!kf || !outcome_failed(c->outcome))
		return false;
	if (!kf->invariants[0])
		return true;
	/* Exactly the listed invariants fail: each failed one is listed ... */
	for (unsigned i = 0; i < c->ninv; i++)
		if (outcome_failed(c->inv[i].outcome) &&
		    !in_list(kf->invariants, c->inv[i].id))
			return false;
	/* ... and each listed one failed. */
	for (const char *p = kf->invariants; *p;) {
		size_t len = strcspn(p, ",");
		bool failed = false;

		for (unsigned i = 0; i < c->ninv; i++)
			failed |= outcome_failed(c->inv[i].outcome) &&
				  strlen(c->inv[i].id) == len &&
				  !strncmp(c->inv[i].id, p, len);
		if (!failed)
			return false;
		p += len;
		p += *p == ',';
	}
	return true;
}
