// SPDX-License-Identifier: GPL-2.0
/* The vm/configs.cfg reader (src/cli/configs.c). */
#include <stdio.h>
#include <string.h>

#include "../../src/cli/configs.h"
#include "unit.h"

static int parse(const char *text, struct cfg_file *c, char *why, size_t len)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	if (!f) {
		unit_fail(__FILE__, __LINE__, "fmemopen");
		return 0;
	}
	why[0] = '\0';
	rc = cfg_parse(f, "t", c, why, len);
	fclose(f);
	return rc;
}

UNIT_TEST(configs_defaults_and_stanzas)
{
	static const char text[] =
		"# header = not a key\n"
		"[defaults]\n"
		"arch = x86_64\n"
		"  cmdline =  \n"
		"[intel]\n"
		"viommu =  -device intel-iommu,caching-mode=on \t\n"
		"\n"
		"[smmuv3]\n"
		"arch=arm64\n";
	struct cfg_file c;
	char why[128];

	EXPECT_EQ(parse(text, &c, why, sizeof(why)), 0);
	EXPECT_EQ(c.n, 3);
	EXPECT(!strcmp(cfg_get(&c, "intel", "viommu"),
		       "-device intel-iommu,caching-mode=on"));
	EXPECT(!strcmp(cfg_get(&c, "intel", "arch"), "x86_64"));
	EXPECT(!strcmp(cfg_get(&c, "smmuv3", "arch"), "arm64"));
	EXPECT(!strcmp(cfg_get(&c, "smmuv3", "cmdline"), ""));
	EXPECT(cfg_get(&c, "smmuv3", "note") == NULL);
	EXPECT(cfg_stanza(&c, "amd") == NULL);
	cfg_free(&c);
}

UNIT_TEST(configs_refuses_what_awk_misreads)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{"[a]\nviomu = x\n", "t:2: unknown key 'viomu'"},
		{"[a]\nviommu = x\nviommu = y\n", "t:3: [a] sets viommu again"},
		{"[a]\n[a]\n", "t:2: stanza [a] again"},
		{"arch = x\n", "t:1: key arch outside a stanza"},
		{"[a]\nnothing here\n", "t:2: neither a stanza"},
		{"[a]\r\n", "t:1: a carriage return"},
		{"[a] b\n", "t:1: not a stanza line"},
		{"[a/b]\n", "t:1: not a stanza line"},
		{"[a]\nvi ommu = x\n", "t:2: not a key"},
	};
	char why[256];

	for (unsigned i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct cfg_file c;

		EXPECT_EQ(parse(bad[i].text, &c, why, sizeof(why)), -1);
		if (strncmp(why, bad[i].why, strlen(bad[i].why)))
			unit_fail(__FILE__, __LINE__,
				  "case %u: '%s', want '%s...'", i, why,
				  bad[i].why);
		cfg_free(&c);
	}
}
