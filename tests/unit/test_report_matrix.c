// SPDX-License-Identifier: GPL-2.0
/* The KTAP reader, the matrix (text, JSON, HTML) and known findings, with
 * complete, truncated and crashed runs. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../src/report/report.h"
#include "unit.h"

static const char good[] =
	"KTAP version 1\n"
	"# iommu-conformance target=kernel profile=intel-vtd kernel=6.15 dma=real version=0.1.0\n"
	"# note: edu device at 00:03.0\n"
	"1..3\n"
	"# dma: wrote 64 bytes, landed\n"
	"# invariant DMA-1 pass\n"
	"ok 1 dma.map_basic\n"
	"# FAIL OBJ-1: got E2BIG\n"
	"# invariant OBJ-1 fail\n"
	"# invariant OBJ-2 pass\n"
	"not ok 2 obj.size\n"
	"ok 3 pasid.attach # SKIP needs a PASID-capable device\n"
	"# invariant OBJ-1 fail\n"
	"# invariant OBJ-2 pass\n"
	"# invariant DMA-1 pass\n"
	"# invariant PASID-1 skip\n"
	"# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0\n"
	"# vm: ok clean shutdown\n";

/* The guest died inside case 2: cut mid-line, then the harness's line. */
static const char crashed[] =
	"KTAP version 1\n"
	"# iommu-conformance target=kernel profile=amd kernel=6.15 dma=real version=0.1.0\n"
	"1..3\n"
	"# invariant DMA-1 pass\n"
	"ok 1 dma.map_basic\n"
	"# invariant OBJ-2 pass\n"
	"# dma: wr"
	"\n# vm: panic Kernel panic - not syncing: Fatal exception\n";

static const char clean[] =
	"KTAP version 1\n"
	"1..2\n"
	"# invariant DMA-1 pass\n"
	"ok 1 dma.map_basic\n"
	"# invariant OBJ-1 pass\n"
	"# invariant OBJ-2 pass\n"
	"ok 2 obj.size\n"
	"# invariant OBJ-1 pass\n"
	"# invariant OBJ-2 pass\n"
	"# invariant DMA-1 pass\n"
	"# invariant PASID-1 skip\n"
	"# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:0 error:0\n";

static int parse(const char *text, const char *name, struct ktap_file *k)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	char why[64];
	int ret;

	memset(k, 0, sizeof(*k));
	k->name = strdup(name);
	k->path = strdup(name);
	ret = ktap_parse(f, k, why, sizeof(why));
	fclose(f);
	return ret;
}

UNIT_TEST(matrix_parse_complete)
{
	struct ktap_file k;

	EXPECT_EQ(parse(good, "vtd", &k), 0);
	EXPECT(ktap_complete(&k));
	EXPECT_EQ(k.plan, 3);
	EXPECT_EQ(k.ncases, 3);
	EXPECT(k.ncases == 3 && !strcmp(k.cases[1].id, "obj.size") &&
	       k.cases[1].outcome == OUT_FAIL && k.cases[1].ninv == 2);
	EXPECT(k.ncases == 3 && k.cases[2].outcome == OUT_SKIP &&
	       !strcmp(k.cases[2].reason, "needs a PASID-capable device"));
	EXPECT_EQ(k.nrollup, 4);
	EXPECT(k.has_health && !strcmp(k.health, "ok") &&
	       !strcmp(k.health_detail, "clean shutdown"));
	EXPECT(k.header && !strncmp(k.header, "iommu-conformance target=kernel", 31));
	EXPECT_EQ(k.npass, 1);
	EXPECT_EQ(k.nfail, 1);
	EXPECT_EQ(k.nskip, 1);
	ktap_file_free(&k);
}

UNIT_TEST(matrix_parse_truncated)
{
	struct ktap_file k;

	EXPECT_EQ(parse(crashed, "amd", &k), 0);
	EXPECT(!ktap_complete(&k));
	EXPECT_EQ(k.ncases, 1);
	EXPECT_EQ(k.nrollup, 0); /* the cut case's lines are dropped */
	EXPECT(k.has_health && !strcmp(k.health, "panic"));
	EXPECT(k.health_detail &&
	       !strcmp(k.health_detail, "Kernel panic - not syncing: Fatal exception"));
	ktap_file_free(&k);
}

UNIT_TEST(matrix_parse_rejects_garbage)
{
	struct ktap_file k;

	EXPECT_EQ(parse("hello\nworld\n", "x", &k), -1);
	ktap_file_free(&k);
	/* An empty file is a run that printed nothing: truncated, not bad. */
	EXPECT_EQ(parse("", "x", &k), 0);
	EXPECT(!ktap_complete(&k));
	ktap_file_free(&k);
	/* A boot failure leaves only the harness line. */
	EXPECT_EQ(parse("# vm: boot-failure no init\n", "x", &k), 0);
	EXPECT(k.has_health && !strcmp(k.health, "boot-failure"));
	ktap_file_free(&k);
}

/* One matrix_report() over n configurations: its table, its JSON and its
 * exit status; matrix_out_free() frees it. */
struct matrix_out {
	char *table, *json;
	int ret;
};

static void run_matrix(struct matrix_out *m, struct ktap_file *k, unsigned n,
		       enum matrix_by by)
{
	size_t len, jlen;
	FILE *f, *j;

	m->table = m->json = NULL;
	f = open_memstream(&m->table, &len);
	j = open_memstream(&m->json, &jlen);
	m->ret = matrix_report(k, n, by, f, j);
	fclose(f);
	fclose(j);
}

static void matrix_out_free(struct matrix_out *m)
{
	free(m->table);
	free(m->json);
}

/* The table line for row id, whitespace squeezed: "OBJ-1 FAIL - PASS". */
static bool row_is(const char *table, const char *want)
{
	size_t wl = strlen(want);
	const char *p = table;

	while (p && *p) {
		const char *e = strchr(p, '\n');
		char line[256];
		size_t o = 0;

		for (const char *q = p; q < (e ? e : p + strlen(p)) && o < 255; q++)
			if (*q != ' ' || (o && line[o - 1] != ' '))
				line[o++] = *q;
		while (o && line[o - 1] == ' ')
			o--;
		line[o] = '\0';
		if (o == wl && !strcmp(line, want))
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

/* Every one of the rows is a line of table (row_is). */
#define EXPECT_ROWS(table, ...)            \
	expect_rows(__FILE__, __LINE__, table, \
		    (const char *const[]){ __VA_ARGS__, NULL })

static void expect_rows(const char *file, int line, const char *table,
			const char *const *rows)
{
	for (; *rows; rows++)
		if (!row_is(table, *rows))
			unit_fail(file, line, "no row \"%s\" in the table",
				  *rows);
}

/* The configurations the matrix tests compare, the first n parsed into k:
 * vtd (a good run), amd (crashed), smmu (clean). */
static void parse_configs(struct ktap_file *k, unsigned n)
{
	static const struct {
		const char *text, *name;
	} cfg[] = { { good, "vtd" }, { crashed, "amd" }, { clean, "smmu" } };

	for (unsigned i = 0; i < n; i++)
		EXPECT_EQ(parse(cfg[i].text, cfg[i].name, &k[i]), 0);
}

static void free_configs(struct ktap_file *k, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		ktap_file_free(&k[i]);
}

/*
 * run_matrix() over n of those configurations from the first'th on, into m:
 * its exit code is ret and each of rows is a line of the table.
 */
#define EXPECT_MATRIX(m, first, n, by, ret, ...)                         \
	expect_matrix(__FILE__, __LINE__, m, first, n, by, ret,            \
		      (const char *const[]){ __VA_ARGS__, NULL })

static void expect_matrix(const char *file, int line, struct matrix_out *m,
			  unsigned first, unsigned n, enum matrix_by by,
			  int ret, const char *const *rows)
{
	struct ktap_file k[3];

	parse_configs(k, first + n);
	run_matrix(m, k + first, n, by);
	free_configs(k, first + n);
	if (m->ret != ret)
		unit_fail(file, line, "matrix exit %d, expected %d", m->ret,
			  ret);
	expect_rows(file, line, m->table, rows);
}

UNIT_TEST(matrix_by_invariant)
{
	struct matrix_out m;

	EXPECT_MATRIX(&m, 0, 3, MATRIX_BY_INVARIANT, 1, "invariant vtd amd smmu",
		      "OBJ-1 FAIL - PASS",
		      "OBJ-2 PASS - PASS",
		      "DMA-1 PASS PASS PASS",
		      "PASID-1 skip - skip",
		      "kernel health ok panic -",
		      "totals p/f/s 1/1/1 1/0/0 2/0/0");
	EXPECT(m.table && strstr(m.table, "# amd: vm panic: Kernel panic"));
	EXPECT(m.table &&
	       strstr(m.table, "# amd: incomplete (1 of 3 results)"));
	/* OBJ-1 before DMA-1: contract order. */
	EXPECT(m.table && strstr(m.table, "OBJ-1") < strstr(m.table, "DMA-1"));
	EXPECT(m.json && strstr(m.json, "\"ok\": false"));
	EXPECT(m.json && strstr(m.json, "{\"id\": \"OBJ-1\", \"cells\": {\"vtd\": \"fail\", \"amd\": \"missing\", \"smmu\": \"pass\"}}"));
	EXPECT(m.json && strstr(m.json, "\"health\": \"panic\""));
	if (m.ret != 1 || !row_is(m.table, "OBJ-1 FAIL - PASS"))
		printf("%s", m.table);
	matrix_out_free(&m);

	/* The clean configuration alone is all green. */
	EXPECT_MATRIX(&m, 2, 1, MATRIX_BY_SCENARIO, 0, "dma.map_basic PASS",
		      "obj.size PASS");
	EXPECT(m.json && strstr(m.json, "\"ok\": true"));
	matrix_out_free(&m);
}

UNIT_TEST(matrix_by_scenario)
{
	struct matrix_out m;

	EXPECT_MATRIX(&m, 0, 2, MATRIX_BY_SCENARIO, 1, "scenario vtd amd",
		      "dma.map_basic PASS PASS", "obj.size FAIL -",
		      "pasid.attach skip -");
	matrix_out_free(&m);
}

/* What the writer writes, the reader reads back. */
UNIT_TEST(matrix_roundtrip_writer)
{
	static char *log1[] = { "a log line" };
	static struct inv_outcome inv1[] = { { "IOAS-3", OUT_FAIL } };
	static struct case_result c[] = {
		{ "ioas.overlap", "t", "IOAS-3", OUT_FAIL, "IOAS-3: x", log1, 1,
		  inv1, 1, 0 },
		{ "ioas.skip", "t", "IOAS-4", OUT_SKIP, "why # not", NULL, 0,
		  NULL, 0, 0 },
	};
	static struct inv_outcome roll[] = { { "IOAS-3", OUT_FAIL },
					     { "IOAS-4", OUT_SKIP } };
	struct run_result r = { 0 };
	struct ktap_file k = { 0 };
	char *buf = NULL, why[64];
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	r.target = "model";
	r.profile = "p";
	r.cases = c;
	r.ncases = 2;
	r.rollup = roll;
	r.nrollup = 2;
	r.nfail = 1;
	r.nskip = 1;
	ktap_write(f, &r);
	fclose(f);
	f = fmemopen(buf, len, "r");
	EXPECT_EQ(ktap_parse(f, &k, why, sizeof(why)), 0);
	fclose(f);
	EXPECT(ktap_complete(&k));
	EXPECT(k.ncases == 2 && !strcmp(k.cases[0].id, "ioas.overlap") &&
	       k.cases[0].outcome == OUT_FAIL);
	EXPECT(k.ncases == 2 && !strcmp(k.cases[1].id, "ioas.skip") &&
	       k.cases[1].outcome == OUT_SKIP &&
	       !strcmp(k.cases[1].reason, "why # not"));
	EXPECT(k.nrollup == 2 && k.rollup[1].outcome == OUT_SKIP);
	ktap_file_free(&k);
	free(buf);
}

/* Each case keeps its own "# " lines, the invariant lines apart. */
UNIT_TEST(matrix_parse_case_logs)
{
	struct ktap_file k;

	EXPECT_EQ(parse(good, "vtd", &k), 0);
	EXPECT(k.ncases == 3 && k.cases[0].nlog == 1 &&
	       !strcmp(k.cases[0].log[0], "dma: wrote 64 bytes, landed"));
	EXPECT(k.ncases == 3 && k.cases[1].nlog == 1 &&
	       !strcmp(k.cases[1].log[0], "FAIL OBJ-1: got E2BIG"));
	EXPECT(k.ncases == 3 && k.cases[2].nlog == 0);
	ktap_file_free(&k);
	/* The cut case's lines are nobody's. */
	EXPECT_EQ(parse(crashed, "amd", &k), 0);
	EXPECT(k.ncases == 1 && k.cases[0].nlog == 0);
	ktap_file_free(&k);
}

static int parse_known(const char *text, struct known_findings *kf)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	char why[96];
	int ret = known_findings_parse(f, kf, why, sizeof(why));

	fclose(f);
	return ret;
}

UNIT_TEST(matrix_known_findings)
{
	struct known_findings kf;
	struct ktap_file k;

	EXPECT_EQ(parse_known("# comment\n\nvtd obj.size F7 OBJ-1\n"
			      "  # indented comment\nvtd dma.map_basic F8\n",
			      &kf),
		  0);
	EXPECT_EQ(kf.n, 2);
	EXPECT(kf.n == 2 && !strcmp(kf.v[0].invariants, "OBJ-1") &&
	       !kf.v[1].invariants[0]);
	EXPECT_EQ(parse(good, "vtd", &k), 0);
	/* obj.size fails OBJ-1 exactly: known. */
	EXPECT(known_finding_matches(known_finding_of(&kf, "vtd", "obj.size"),
				     &k.cases[1]));
	/* Listed, but it passed: not a reproduced finding. */
	EXPECT(!known_finding_matches(
		known_finding_of(&kf, "vtd", "dma.map_basic"), &k.cases[0]));
	EXPECT(!known_finding_of(&kf, "amd", "obj.size"));
	known_findings_free(&kf);
	/* Listed with other invariants than it fails: not known. */
	EXPECT_EQ(parse_known("vtd obj.size F7 OBJ-1,OBJ-2\n", &kf), 0);
	EXPECT(!known_finding_matches(&kf.v[0], &k.cases[1]));
	known_findings_free(&kf);
	EXPECT_EQ(parse_known("vtd obj.size F7 OBJ-3\n", &kf), 0);
	EXPECT(!known_finding_matches(&kf.v[0], &k.cases[1]));
	known_findings_free(&kf);
	ktap_file_free(&k);
	/* A line with two fields, or five, is refused. */
	EXPECT_EQ(parse_known("vtd obj.size\n", &kf), -1);
	EXPECT_EQ(parse_known("a b c d e\n", &kf), -1);
	EXPECT_EQ(kf.n, 0);
	/* A field longer than any fixed buffer stays one field (sscanf's
	 * %63s cut a 70-byte configuration name into CONFIG and CASE). */
	EXPECT_EQ(parse_known("c234567890123456789012345678901234567890"
			      "123456789012345678901234567890 obj.size F7\n",
			      &kf),
		  0);
	EXPECT(kf.n == 1 && strlen(kf.v[0].config) == 70 &&
	       !strcmp(kf.v[0].case_id, "obj.size") &&
	       !strcmp(kf.v[0].finding, "F7") && !kf.v[0].invariants[0]);
	known_findings_free(&kf);
}

static char *render_html(struct ktap_file *k, unsigned n, enum matrix_by by,
			 const struct known_findings *kf, const char *dir)
{
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	matrix_html(k, n, by, kf, dir, f);
	fclose(f);
	return out;
}

/* Every in-page link (href="#x") has its target (id="x"). */
static bool anchors_resolve(const char *html)
{
	unsigned nlinks = 0;

	for (const char *p = html; (p = strstr(p, "href=\"#")); p++) {
		char id[80];
		size_t n = strcspn(p + 7, "\"");

		if (n >= sizeof(id) - 6)
			return false;
		snprintf(id, sizeof(id), "id=\"%.*s\"", (int)n, p + 7);
		if (!strstr(html, id)) {
			printf("no %s\n", id);
			return false;
		}
		nlinks++;
	}
	return nlinks > 0;
}

static unsigned count(const char *s, const char *what)
{
	unsigned n = 0;

	for (const char *p = s; p && (p = strstr(p, what)); p++)
		n++;
	return n;
}

UNIT_TEST(matrix_html_page)
{
	static const char hostile[] =
		"KTAP version 1\n1..1\n"
		"# dma write dev 0 <script>alert(1)</script> & \"q\"\n"
		"# invariant DMA-1 gap\n"
		"ok 1 dma.x # SKIP gap: allowed\n"
		"# invariant DMA-1 gap\n"
		"# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0\n";
	struct ktap_file k[4];
	struct known_findings kf;
	char *s;

	parse_configs(k, 3);
	EXPECT_EQ(parse(hostile, "a<b", &k[3]), 0);
	s = render_html(k, 4, MATRIX_BY_INVARIANT, NULL, NULL);
	EXPECT(s && !strncmp(s, "<!DOCTYPE html>\n", 16));
	EXPECT(s && strstr(s, "</html>\n"));
	/* Self-contained: inline style, no script, nothing fetched. */
	EXPECT(s && strstr(s, "<style>") && !strstr(s, "<script") &&
	       !strstr(s, "src=") && !strstr(s, "://") && !strstr(s, "<link") &&
	       !strstr(s, "@import"));
	/* A column per configuration, names escaped. */
	EXPECT(s &&
	       strstr(s,
		      "<th class=\"config\" id=\"col-0\" data-config=\"vtd\""));
	EXPECT(s && strstr(s, "id=\"col-1\" data-config=\"amd\""));
	EXPECT(s && strstr(s, "id=\"col-2\" data-config=\"smmu\""));
	EXPECT(s && strstr(s, "id=\"col-3\" data-config=\"a&lt;b\""));
	/* The cells: a class per verdict, the FAIL linked to its evidence. */
	EXPECT(s && strstr(s, "<td class=\"cell v-fail\" data-config=\"vtd\" "
			      "data-row=\"OBJ-1\" data-verdict=\"fail\""));
	EXPECT(s &&
	       strstr(s, "<td class=\"cell v-missing\" data-config=\"amd\" "
			 "data-row=\"OBJ-1\" data-verdict=\"missing\""));
	EXPECT(s && strstr(s, "<td class=\"cell v-pass\" data-config=\"smmu\" "
			      "data-row=\"OBJ-1\""));
	EXPECT(s && strstr(s, "<td class=\"cell v-skip\" data-config=\"vtd\" "
			      "data-row=\"PASID-1\""));
	EXPECT(s && strstr(s, "<td class=\"cell v-gap\" data-config=\"a&lt;b\" "
			      "data-row=\"DMA-1\""));
	EXPECT_EQ(count(s, "<td class=\"cell v-fail"), 1);
	EXPECT(s && strstr(s, "data-fail=\"1\" data-known=\"0\""));
	/* Health: the panic is bad, and said. */
	EXPECT(s && strstr(s, "<td class=\"health-bad\" "
			      "data-config=\"amd\">panic</td>"));
	EXPECT(s &&
	       strstr(s,
		      "<td class=\"health-ok\" data-config=\"vtd\">ok</td>"));
	EXPECT(s && strstr(s, "vm panic: Kernel panic - not syncing"));
	EXPECT(s && strstr(s, "incomplete (1 of 3 results)"));
	/* Evidence: the case's log, its DMA line marked, escaped. */
	EXPECT(s && strstr(s, "<span class=\"dma\">dma: wrote 64 bytes, "
			      "landed</span>"));
	EXPECT(s &&
	       strstr(s, "<span class=\"bad\">FAIL OBJ-1: got E2BIG</span>"));
	EXPECT(s &&
	       strstr(s,
		      "dma write dev 0 &lt;script&gt;alert(1)&lt;/script&gt; "
		      "&amp; &quot;q&quot;"));
	EXPECT(s && anchors_resolve(s));
	free(s);

	/* A known finding marks the cell and its case, still a FAIL. */
	EXPECT_EQ(parse_known("vtd obj.size F7 OBJ-1\n"
			      "smmu obj.size F9 OBJ-1\n",
			      &kf),
		  0);
	s = render_html(k, 4, MATRIX_BY_INVARIANT, &kf, NULL);
	EXPECT(s && strstr(s, "<td class=\"cell v-fail known\" "
			      "data-config=\"vtd\" data-row=\"OBJ-1\" "
			      "data-verdict=\"fail\" data-finding=\"F7\""));
	EXPECT(s && strstr(s, "data-fail=\"1\" data-known=\"1\""));
	EXPECT(s && strstr(s, "known finding F9 (<code>obj.size</code>) no "
			      "longer fails"));
	EXPECT(s && anchors_resolve(s));
	free(s);
	known_findings_free(&kf);
	/* Listed for other invariants: a new failure. */
	EXPECT_EQ(parse_known("vtd obj.size F7 OBJ-2\n", &kf), 0);
	s = render_html(k, 4, MATRIX_BY_INVARIANT, &kf, NULL);
	EXPECT(s && strstr(s, "<td class=\"cell v-fail\" data-config=\"vtd\" "
			      "data-row=\"OBJ-1\""));
	EXPECT(s && strstr(s, "fails other invariants than listed"));
	free(s);

	/* By scenario, a cell links to its case. */
	s = render_html(k, 4, MATRIX_BY_SCENARIO, &kf, NULL);
	EXPECT(s &&
	       strstr(s,
		      "data-row=\"obj.size\" data-verdict=\"fail\" "
		      "title=\"obj.size on vtd\"><a href=\"#c-0-1\">FAIL</a>"));
	EXPECT(s && anchors_resolve(s));
	free(s);
	known_findings_free(&kf);
	free_configs(k, 4);
}

/* Links to the KTAP and console files are relative to the page's folder. */
UNIT_TEST(matrix_html_relative_links)
{
	char dir[] = "/tmp/ic-html-XXXXXX", path[256], page[256];
	struct ktap_file k;
	FILE *f;
	char *s;

	if (!mkdtemp(dir)) {
		unit_skip("mkdtemp failed");
		return;
	}
	snprintf(path, sizeof(path), "%s/vm", dir);
	mkdir(path, 0700);
	snprintf(page, sizeof(page), "%s/html", dir);
	mkdir(page, 0700);
	snprintf(path, sizeof(path), "%s/vm/in tel.console", dir);
	f = fopen(path, "w");
	fclose(f);
	snprintf(path, sizeof(path), "%s/vm/in tel.ktap", dir);
	f = fopen(path, "w");
	fputs(clean, f);
	fclose(f);
	EXPECT_EQ(parse(clean, "intel", &k), 0);
	free(k.path);
	k.path = strdup(path);
	s = render_html(&k, 1, MATRIX_BY_INVARIANT, NULL, page);
	EXPECT(s && strstr(s, "data-config=\"intel\" title=\"") &&
	       strstr(s, "\"><a href=\"../vm/in%20tel.ktap\">intel</a></th>"));
	EXPECT(s && strstr(s, "console: <a href=\"../vm/in%20tel.console\">"));
	free(s);
	/* The page in the same folder: the bare name. */
	snprintf(page, sizeof(page), "%s/vm", dir);
	s = render_html(&k, 1, MATRIX_BY_INVARIANT, NULL, page);
	EXPECT(s && strstr(s, "<a href=\"in%20tel.ktap\">intel</a>"));
	free(s);
	ktap_file_free(&k);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	EXPECT_EQ(system(path), 0);
}
