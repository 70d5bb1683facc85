// SPDX-License-Identifier: GPL-2.0
/* The KTAP, JUnit and JSON writers over a hand-built run result. */
#include <stdlib.h>
#include <string.h>

#include "../../src/report/report.h"
#include "unit.h"

static char *log_pass[] = { "dma: wrote 4096 bytes at iova 0x10000, landed" };
static char *log_fail[] = { "FAIL OBJ-1: got \"E2BIG\" <want> EINVAL & more",
			    "bad byte \xff and ctl \x01 end" };
static struct inv_outcome inv_pass[] = { { "DMA-1", OUT_PASS } };
static struct inv_outcome inv_fail[] = { { "OBJ-1", OUT_FAIL },
					 { "OBJ-2", OUT_PASS } };
static char reason_fail[] = "OBJ-1: got \"E2BIG\" <want> EINVAL & more";
static char reason_skip[] = "needs a PASID-capable device\nsecond line";

static struct case_result cases[] = {
	{ "dma.map_basic", "map & DMA", "DMA-1", OUT_PASS, NULL, log_pass, 1,
	  inv_pass, 1, 0.25 },
	{ "obj.size<field>", "size \"field\"", "OBJ-1,OBJ-2", OUT_FAIL,
	  reason_fail, log_fail, 2, inv_fail, 2, 0.5 },
	{ "pasid.attach", "pasid", "PASID-1", OUT_SKIP, reason_skip, NULL, 0,
	  NULL, 0, 0 },
};
static struct inv_outcome rollup[] = {
	{ "OBJ-1", OUT_FAIL }, { "OBJ-2", OUT_PASS }, { "DMA-1", OUT_PASS },
	{ "PASID-1", OUT_SKIP },
};

static void make_result(struct run_result *r)
{
	memset(r, 0, sizeof(*r));
	r->target = "model";
	r->profile = "conforming";
	r->caps.target = r->target;
	r->caps.profile = r->profile;
	r->caps.dma = DMA_MODELLED;
	r->caps.ndev = 1;
	snprintf(r->caps.dev[0].name, sizeof(r->caps.dev[0].name), "model0");
	snprintf(r->caps.notes, sizeof(r->caps.notes), "no \"real\" DMA\nhere");
	snprintf(r->started, sizeof(r->started), "2025-01-01T00:00:00Z");
	snprintf(r->hostname, sizeof(r->hostname), "host<1>");
	r->cases = cases;
	r->ncases = 3;
	r->rollup = rollup;
	r->nrollup = 4;
	r->npass = 1;
	r->nfail = 1;
	r->nskip = 1;
	r->duration = 0.75;
}

static char *render(void (*fn)(FILE *, const struct run_result *))
{
	struct run_result r;
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	make_result(&r);
	fn(f, &r);
	fclose(f);
	return buf;
}

static const char ktap_expected[] =
	"KTAP version 1\n"
	"# iommu-conformance target=model profile=conforming kernel=- dma=modelled version=" IC_VERSION "\n"
	"# note: no \"real\" DMA here\n"
	"# device 0: model0 group=0 iommu=0 pasid=0 dirty=0 dma=0 resv=0\n"
	"1..3\n"
	"# dma: wrote 4096 bytes at iova 0x10000, landed\n"
	"# invariant DMA-1 pass\n"
	"ok 1 dma.map_basic\n"
	"# FAIL OBJ-1: got \"E2BIG\" <want> EINVAL & more\n"
	"# bad byte \xff and ctl \x01 end\n"
	"# invariant OBJ-1 fail\n"
	"# invariant OBJ-2 pass\n"
	"not ok 2 obj.size<field>\n"
	"ok 3 pasid.attach # SKIP needs a PASID-capable device second line\n"
	"# invariant OBJ-1 fail\n"
	"# invariant OBJ-2 pass\n"
	"# invariant DMA-1 pass\n"
	"# invariant PASID-1 skip\n"
	"# Verdicts: pass:1 fail:1 skip:1 gap:0 not-observable:0 inconclusive:0\n"
	"# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0\n";

UNIT_TEST(report_ktap_exact)
{
	char *s = render(ktap_write);

	EXPECT(s && !strcmp(s, ktap_expected));
	if (s && strcmp(s, ktap_expected))
		printf("%s", s);
	free(s);
}

/* Stable reasons: what differs between machines leaves the directive. */
UNIT_TEST(report_ktap_stable_reason)
{
	static const char *const reasons[][2] = {
		{ "dev 0 (0000:00:10.0) cannot be a nest parent (EOPNOTSUPP): driver capability",
		  "dev N cannot be a nest parent: driver capability" },
		{ "max_pasid_log2 20 leaves no PASID out of range",
		  "max_pasid_log2 N leaves no PASID out of range" },
		{ "PASID-10: the driver's paging domains take no PASID",
		  "PASID-10: the driver's paging domains take no PASID" },
		{ "no room for IOVA slot 3 (len 0x2000, align 0x1000) in the reported ranges below the DMA limit 0xfffffff",
		  "no room for IOVA slot N in the reported ranges below the DMA limit N" },
		{ "device 0000:00:11.0 and 00:12.1 share a group, 64-bit",
		  "device a device and a device share a group, 64-bit" },
		{ "needs two devices behind different IOMMU instances (all 1 share one)",
		  "needs two devices behind different IOMMU instances" },
		{ "(only an aside)", "" },
	};
	char out[128], tiny[8];

	for (unsigned i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		size_t n = ktap_stable_reason(reasons[i][0], out, sizeof(out));

		EXPECT(!strcmp(out, reasons[i][1]));
		EXPECT_EQ(n, strlen(reasons[i][1]));
		if (strcmp(out, reasons[i][1]))
			printf("stable reason of '%s': '%s'\n", reasons[i][0], out);
	}
	EXPECT_EQ(ktap_stable_reason("a long reason here", tiny, sizeof(tiny)), 6);
	EXPECT(!strcmp(tiny, "a long"));
	EXPECT_EQ(ktap_stable_reason(NULL, out, sizeof(out)), 0);
}

/* With stable reasons on, the full reason moves to a diagnostic line. */
UNIT_TEST(report_ktap_stable_reason_line)
{
	static char machine_reason[] = "needs 2 devices (0000:00:10.0 only)";
	char *s;

	cases[2].reason = machine_reason;
	ktap_set_stable_reasons(true);
	s = render(ktap_write);
	ktap_set_stable_reasons(false);
	cases[2].reason = reason_skip;
	EXPECT(s && strstr(s, "# reason: needs 2 devices (0000:00:10.0 only)\n"
			      "ok 3 pasid.attach # SKIP needs N devices\n"));
	free(s);
}

UNIT_TEST(report_junit_escaping)
{
	char *s = render(junit_write);

	EXPECT(s && !strncmp(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39));
	EXPECT(s && strstr(s, "tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\""));
	EXPECT(s && strstr(s, "<testcase classname=\"iommu-conformance.obj\" name=\"obj.size&lt;field&gt;\""));
	EXPECT(s && strstr(s, "<failure message=\"OBJ-1: got &quot;E2BIG&quot; &lt;want&gt; EINVAL &amp; more\" type=\"fail\">"));
	EXPECT(s && strstr(s, "<skipped message=\"needs a PASID-capable device&#10;second line\"/>"));
	/* Invalid UTF-8 becomes U+FFFD, a control character '?'. */
	EXPECT(s && strstr(s, "bad byte \xef\xbf\xbd and ctl ? end"));
	EXPECT(s && !strchr(s, '\x01') && !strstr(s, "\xff"));
	EXPECT(s && strstr(s, "<property name=\"invariant.PASID-1\" value=\"skip\"/>"));
	/* The Ant form: one suite in <testsuites>, with id, package and
	 * hostname, a zoneless timestamp, logs and stderr after the cases. */
	EXPECT(s &&
	       strstr(s,
		      "<testsuites>\n  <testsuite name=\"iommu-conformance\" "
		      "id=\"0\" package=\"iommu-conformance\" "
		      "hostname=\"host&lt;1&gt;\" "
		      "timestamp=\"2025-01-01T00:00:00\" "));
	EXPECT(s &&
	       strstr(s, "<property name=\"timestamp.zone\" value=\"UTC\"/>"));
	EXPECT(s && strstr(s, "<testcase classname=\"iommu-conformance.dma\" "
			      "name=\"dma.map_basic\" time=\"0.250\"/>\n"));
	EXPECT(s &&
	       strstr(s, "</testcase>\n    <system-out>== dma.map_basic\ndma: "
			 "wrote 4096 bytes at iova 0x10000, landed\ninvariant "
			 "DMA-1 pass\n== obj.size&lt;field&gt;\n"));
	EXPECT(s && strstr(s, "</system-out>\n    <system-err></system-err>\n  "
			      "</testsuite>\n</testsuites>\n"));
	/* A testcase has no output of its own in the Ant format. */
	EXPECT(s && strstr(s, "<system-out>") &&
	       !strstr(strstr(s, "<system-out>") + 1, "<system-out>"));
	/* Exactly one <testcase per case. */
	{
		unsigned n = 0;

		for (const char *p = s; p && (p = strstr(p, "<testcase")); p++)
			n++;
		EXPECT_EQ(n, 3);
	}
	free(s);
}

UNIT_TEST(report_json_escaping)
{
	char *s = render(json_write);

	EXPECT(s && s[0] == '{');
	EXPECT(s && strstr(s, "\"notes\": \"no \\\"real\\\" DMA\\nhere\""));
	EXPECT(s && strstr(s, "\"reason\": \"OBJ-1: got \\\"E2BIG\\\" <want> EINVAL & more\""));
	EXPECT(s && strstr(s, "\"bad byte \\ufffd and ctl \\u0001 end\""));
	EXPECT(s && strstr(s, "\"outcome\": \"skip\", \"reason\": \"needs a PASID-capable device\\nsecond line\""));
	EXPECT(s && strstr(s, "\"declared\": [\"OBJ-1\", \"OBJ-2\"]"));
	EXPECT(s && strstr(s, "\"invariants\": {\"OBJ-1\": \"fail\", \"OBJ-2\": \"pass\"}"));
	EXPECT(s && strstr(s, "\"reason\": null"));
	EXPECT(s && strstr(s, "\"totals\": {\"pass\": 1, \"fail\": 1, \"skip\": 1}"));
	EXPECT(s && strstr(s, "\"PASID-1\": \"skip\""));
	free(s);
}

UNIT_TEST(report_escape_utf8)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	/* Valid multibyte passes; overlong, surrogate and truncated do not. */
	json_string(f, "\xc3\xa9|\xc0\xaf|\xed\xa0\x80|\xe2\x82");
	fclose(f);
	EXPECT(buf && !strcmp(buf, "\"\xc3\xa9|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd\""));
	free(buf);
}
