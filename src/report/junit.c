// SPDX-License-Identifier: GPL-2.0
/*
 * JUnit XML in the Ant format, as strict consumers read it (the schema is
 * tests/schema/ant-junit.xsd; tests/junit-schema.sh validates against it):
 *
 *   <testsuites>
 *     <testsuite name id package hostname timestamp tests failures errors
 *                skipped time>
 *       <properties> <property name value/>... </properties>
 *       <testcase classname name time> [<failure>|<skipped>] </testcase>...
 *       <system-out> every case's log </system-out>
 *       <system-err/>
 *     </testsuite>
 *   </testsuites>
 *
 * classname is the scenario's family (the id up to its first dot); a failure
 * carries the case log, a skip its reason. The timestamp has no zone (the
 * Ant pattern is YYYY-MM-DDTHH:MM:SS); it is UTC, and the property
 * "timestamp.zone" says so. A testcase has no <system-out> of its own in the
 * Ant format: the logs, DMA evidence included, are the suite's, each case's
 * under a "== <id>" line.
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
	fputs("      <property", f);
	attr(f, "name", name);
	attr(f, "value", val);
	fputs("/>\n", f);
}

/* Element text: one line per log line (a newline in text is kept). */
static void log_text(FILE *f, const struct case_result *c)
{
	for (unsigned i = 0; i < c->nlog; i++) {
		xml_escape(f, c->log[i]);
		fputc('\n', f);
	}
}

/* "2026-12-02T14:52:27Z" -> "2026-12-02T14:52:27": the Ant timestamp. */
static void ant_timestamp(const char *started, char *out, size_t len)
{
	size_t n = strcspn(started, "Z+");

	if (n == 19 && started[10] == 'T')
		snprintf(out, len, "%.19s", started);
	else /* not a time runner wrote: still a valid one, never invalid XML */
		snprintf(out, len, "1970-01-01T00:00:00");
}

static void testcase(FILE *f, const struct case_result *c)
{
	size_t fam = strcspn(c->id, ".");
	char buf[64];

	snprintf(buf, sizeof(buf), "iommu-conformance.%.*s", (int)fam, c->id);
	fputs("    <testcase", f);
	attr(f, "classname", buf);
	attr(f, "name", c->id);
	fprintf(f, " time=\"%.3f\"", c->duration);
	if (outcome_failed(c->outcome)) {
		fputs(">\n      <failure", f);
		attr(f, "message", c->reason ? c->reason : "failed");
		attr(f, "type", outcome_name(c->outcome));
		fputs(">", f);
		log_text(f, c);
		fputs("</failure>\n    </testcase>\n", f);
	} else if (c->outcome != OUT_PASS) {
		/* JUnit has no gap: a skip whose message says which. */
		const char *word = "";
		char msg[512];

		if (c->outcome == OUT_GAP)
			word = KTAP_GAP_WORD;
		else if (c->outcome == OUT_NOBS)
			word = KTAP_NOBS_WORD;
		snprintf(msg, sizeof(msg), "%s%s", word,
			 c->reason ? c->reason : "skipped");
		fputs(">\n      <skipped", f);
		attr(f, "message", msg);
		fputs("/>\n    </testcase>\n", f);
	} else {
		fputs("/>\n", f);
	}
}

void junit_write(FILE *f, const struct run_result *r)
{
	char buf[64];

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
	      "  <testsuite",
	      f);
	attr(f, "name", "iommu-conformance");
	fputs(" id=\"0\"", f);
	attr(f, "package", "iommu-conformance");
	attr(f, "hostname", r->hostname[0] ? r->hostname : "localhost");
	ant_timestamp(r->started, buf, sizeof(buf));
	attr(f, "timestamp", buf);
	fprintf(f,
		" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"%u\""
		" time=\"%.3f\">\n",
		r->ncases, r->nfail, r->nskip, r->duration);
	fputs("    <properties>\n", f);
	prop(f, "target", r->target);
	prop(f, "profile", r->profile);
	prop(f, "kernel", r->caps.kernel_release);
	prop(f, "dma", dma_kind_name(r->caps.dma));
	prop(f, "version", IC_VERSION);
	prop(f, "timestamp.zone", "UTC");
	if (r->caps.notes[0])
		prop(f, "notes", r->caps.notes);
	for (unsigned i = 0; i < r->nrollup; i++) {
		snprintf(buf, sizeof(buf), "invariant.%s", r->rollup[i].id);
		prop(f, buf, outcome_name(r->rollup[i].outcome));
	}
	fputs("    </properties>\n", f);

	for (unsigned i = 0; i < r->ncases; i++)
		testcase(f, &r->cases[i]);

	fputs("    <system-out>", f);
	for (unsigned i = 0; i < r->ncases; i++) {
		const struct case_result *c = &r->cases[i];

		if (!c->nlog && !c->ninv)
			continue;
		fputs("== ", f);
		xml_escape(f, c->id);
		fputc('\n', f);
		log_text(f, c);
		for (unsigned j = 0; j < c->ninv; j++)
			fprintf(f, "invariant %s %s\n", c->inv[j].id,
				outcome_name(c->inv[j].outcome));
	}
	fputs("</system-out>\n    <system-err></system-err>\n"
	      "  </testsuite>\n</testsuites>\n",
	      f);
	fflush(f);
}
