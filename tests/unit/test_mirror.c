// SPDX-License-Identifier: GPL-2.0
/*
 * The explorer's oracle for a kernel or mock target (src/explore/mirror.c)
 * takes the PASID width and the dirty bit from the contract or the
 * platform (dev_caps.*_expected), not from the driver's GET_HW_INFO: a
 * driver that reports and acts on a PASID width its device does not have
 * diverges from its oracle. Without an independent source the reported
 * value is taken, and the oracle's description says so.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/explore/explore.h"
#include "../../src/explore/mirror.h"
#include "../../src/targets/kernel_int.h"
#include "unit.h"

static void caps_of(const char *profile, struct target_caps *caps)
{
	struct target_config cfg = {.target = "model", .profile = profile};
	char why[160];
	bool skip;
	struct target *t = model_target_open(&cfg, why, sizeof(why), &skip);

	EXPECT(t != NULL);
	if (!t)
		return;
	*caps = t->caps;
	t->ops->close(t);
	/* As a kernel target's caps: the oracle is then the mirror. */
	caps->reference_model = false;
}

UNIT_TEST(mirror_takes_expectations)
{
	struct target_caps caps;
	struct model_profile p;

	caps_of("default", &caps);
	/* The driver reports PASIDs and dirty tracking on device 0; the
	 * platform says it has neither. */
	caps.dev[0].max_pasid_log2 = 20;
	caps.dev[0].dirty_tracking = true;
	caps.dev[0].pasid_known = caps.dev[0].dirty_known = true;
	caps.dev[0].max_pasid_log2_expected = 0;
	caps.dev[0].dirty_expected = false;
	mirror_profile(&p, &caps);
	EXPECT_EQ(p.dev[0].max_pasid_log2, 0);
	EXPECT(!p.iommu[p.dev[0].iommu].dirty);
	EXPECT(!p.iommu[p.dev[0].iommu].pasid_paging);
	EXPECT(strstr(p.description, "from the contract") != NULL);

	/* No independent source: the reported values, and it says so. */
	caps.dev[0].pasid_known = caps.dev[0].dirty_known = false;
	mirror_profile(&p, &caps);
	EXPECT_EQ(p.dev[0].max_pasid_log2, 20);
	EXPECT(p.iommu[p.dev[0].iommu].dirty);
	EXPECT(strstr(p.description, "as the target reports them") != NULL);
}

/* The explorer, the default model as the target under test, against the
 * oracle explore_oracle() builds from caps: 1 on a divergence. */
static int explore_against_mirror(const struct target_caps *caps)
{
	struct target_config tcfg = {.target = "model", .profile = "default"};
	struct explore_opts o = {.seed = 1,
				 .seq_len = 24,
				 .max_seqs = 3000,
				 .max_seconds = 30,
				 .quiet = true};
	struct explore_stats st;
	struct target_config ocfg;
	struct model_profile mirror;
	char why[256] = "";
	FILE *out = fopen("/dev/null", "w");
	int rc;

	EXPECT(out != NULL);
	EXPECT_EQ(explore_oracle(caps, NULL, &ocfg, &mirror, why, sizeof(why)),
		  0);
	EXPECT(ocfg.model_profile == &mirror);
	rc = explore_run(&tcfg, &ocfg, &o, &st, out, why, sizeof(why));
	if (out)
		fclose(out);
	return rc;
}

UNIT_TEST(mirror_catches_claimed_pasid_width)
{
	struct target_caps caps;

	caps_of("default", &caps);
	/* The target reports, and honours, 20 PASID bits on every device but
	 * the last; its oracle, copying that, agrees with it. */
	for (unsigned i = 0; i < caps.ndev; i++)
		caps.dev[i].pasid_known = false;
	EXPECT_EQ(explore_against_mirror(&caps), 0);
	/* The platform says no device has a PASID capability (a kernel
	 * target reads it from PCI config space): the PASID attaches the
	 * target accepts are a divergence. */
	for (unsigned i = 0; i < caps.ndev; i++) {
		caps.dev[i].pasid_known = true;
		caps.dev[i].max_pasid_log2_expected = 0;
	}
	EXPECT_EQ(explore_against_mirror(&caps), 1);
}

/* The platform fact a kernel target's PASID expectation comes from. */
UNIT_TEST(mirror_pci_pasid_width)
{
	static uint8_t cfg[4096];

	EXPECT_EQ(kt_pci_pasid_width(cfg, 64), -1);  /* not root */
	EXPECT_EQ(kt_pci_pasid_width(cfg, 256), 0);  /* conventional PCI */
	EXPECT_EQ(kt_pci_pasid_width(cfg, 4096), 0); /* no extended caps */
	/* AER (0x0001) at 0x100 -> PASID (0x001b) at 0x140, 20 bits. */
	cfg[0x100] = 0x01;
	cfg[0x102] = 0x01; /* version 1 */
	cfg[0x103] = 0x14; /* next 0x140 (bits 31:20) */
	cfg[0x140] = 0x1b;
	cfg[0x142] = 0x01;
	cfg[0x145] = 20;
	EXPECT_EQ(kt_pci_pasid_width(cfg, 4096), 20);
	/* The same chain without the PASID capability. */
	cfg[0x103] = 0;
	EXPECT_EQ(kt_pci_pasid_width(cfg, 4096), 0);
	/* A PASID header in the last dword (0xffc) has no capability word
	 * after it: none, and nothing read past the 4096 bytes (ASan). */
	cfg[0x103] = 0xff;
	cfg[0x102] = 0xc1; /* next 0xffc */
	cfg[0xffc] = 0x1b;
	cfg[0xffe] = 0x01;
	EXPECT_EQ(kt_pci_pasid_width(cfg, 4096), 0);
}

/* Write n bytes of cfg as root/sys/bus/pci/devices/bdf/config. */
static void fake_config(const char *root, const char *bdf, const uint8_t *cfg,
			size_t n)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "mkdir -p '%s/sys/bus/pci/devices/%s'", root,
		 bdf);
	EXPECT_EQ(system(p), 0);
	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/%s/config", root, bdf);
	f = fopen(p, "w");
	EXPECT(f && fwrite(cfg, 1, n, f) == n);
	if (f)
		fclose(f);
}

/* A VF has no PASID capability of its own: pci_max_pasids() reads its
 * PF's, so the expectation must come from the PF's config space. */
UNIT_TEST(mirror_pci_pasid_width_of_vf)
{
	static uint8_t pf[4096], vf[4096];
	char root[] = "/tmp/ic-unit-vf-XXXXXX", p[PATH_MAX];

	EXPECT(mkdtemp(root) != NULL);
	pf[0x100] = 0x1b; /* PASID at 0x100, 20 bits */
	pf[0x102] = 0x01;
	pf[0x105] = 20;
	fake_config(root, "0000:01:00.0", pf, sizeof(pf));
	fake_config(root, "0000:01:00.1", vf, sizeof(vf));
	fake_config(root, "0000:02:00.0", vf, sizeof(vf));
	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/0000:01:00.1/physfn",
		 root);
	EXPECT_EQ(symlink("../0000:01:00.0", p), 0);
	EXPECT_EQ(kt_pci_pasid_width_at(root, "0000:01:00.0"), 20);
	EXPECT_EQ(kt_pci_pasid_width_at(root, "0000:01:00.1"), 20); /* VF */
	EXPECT_EQ(kt_pci_pasid_width_at(root, "0000:02:00.0"), 0);
	EXPECT_EQ(kt_pci_pasid_width_at(root, "0000:03:00.0"), -1);
	snprintf(p, sizeof(p), "rm -rf '%s'", root);
	EXPECT_EQ(system(p), 0);
}
