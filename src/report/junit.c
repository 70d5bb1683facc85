// SPDX-License-Identifier: GPL-2.0
/*
 * JUnit XML: one <testsuite>, a <testcase> per scenario (classname is the
 * scenario's family, the id up to its first dot), <failure> or <skipped>
 * with the reason, the case log in <system-out>.
 */
#include <string.h>

#include "report.h"

static void attr(FILE *f, const char *name, const char *val)
{
	fprintf(f, " %s=\"", name);
	xml_escape(f, val);
	fputc('"', f);
}

static void prop(FILE *f, const char *name, const char *val)
{
	fputs("    <property", f);
	attr(f, "name", name);
	attr(f, "value", val);
	fputs("/>\n", f);
}

static void log_text(FILE *f, const struct case_result *c)
{
	for (unsigned i = 0; i < c->nlog; i++) {
		xml_escape(f, c->log[i]);
		fputs("&#10;", f);
	}
}

void junit_write(FILE *f, const struct run_result *r)
{
	char buf[64];

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite", f);
	attr(f, "name", "iommu-conformance");
	fprintf(f, " tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"%u\""
		" time=\"%.3f\"", r->ncases, r->nfail, r->nskip, r->duration);
	attr(f, "timestamp", r->started);
	fputs(">\n  <properties>\n", f);
	prop(f, "target", r->target);
	prop(f, "profile", r->profile);
	prop(f, "kernel", r->caps.kernel_release);
	prop(f, "dma", dma_kind_name(r->caps.dma));
	prop(f, "version", IC_VERSION);
	if (r->caps.notes[0])
		prop(f, "notes", r->caps.notes);
	for (unsigned i = 0; i < r->nrollup; i++) {
		snprintf(buf, sizeof(buf), "invariant.%s", r->rollup[i].id);
		prop(f, buf, outcome_name(r->rollup[i].outcome));
	}
	fputs("  </properties>\n", f);

	for (unsigned i = 0; i < r->ncases; i++) {
		const struct case_result *c = &r->cases[i];
		size_t fam = strcspn(c->id, ".");

		snprintf(buf, sizeof(buf), "iommu-conformance.%.*s", (int)fam,
			 c->id);
		fputs("  <testcase", f);
		attr(f, "classname", buf);
		attr(f, "name", c->id);
		fprintf(f, " time=\"%.3f\">\n", c->duration);
		if (outcome_failed(c->outcome)) {
			fputs("    <failure", f);
			attr(f, "message", c->reason ? c->reason : "failed");
			attr(f, "type", outcome_name(c->outcome));
			fputs(">", f);
			log_text(f, c);
			fputs("</failure>\n", f);
		} else if (c->outcome != OUT_PASS) {
			char msg[512];

			/* JUnit has no gap: a skip whose message says which. */
			snprintf(msg, sizeof(msg), "%s%s",
				 c->outcome == OUT_GAP ? KTAP_GAP_WORD :
				 c->outcome == OUT_NOBS ? KTAP_NOBS_WORD : "",
				 c->reason ? c->reason : "skipped");
			fputs("    <skipped", f);
			attr(f, "message", msg);
			fputs("/>\n", f);
		}
		if (c->nlog || c->ninv) {
			fputs("    <system-out>", f);
			log_text(f, c);
			for (unsigned j = 0; j < c->ninv; j++) {
				fprintf(f, "invariant %s %s", c->inv[j].id,
					outcome_name(c->inv[j].outcome));
				fputs("&#10;", f);
			}
			fputs("</system-out>\n", f);
		}
		fputs("  </testcase>\n", f);
	}
	fputs("</testsuite>\n", f);
	fflush(f);
}
