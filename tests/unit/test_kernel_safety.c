// SPDX-License-Identifier: GPL-2.0
/*
 * Bare-metal safety against a fake sysfs/procfs tree (a temporary
 * directory passed as the root prefix; no real device is touched): every
 * refusal of kt_claim_device, a device it may take, and the give-back.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/targets/kernel_safety.h"
#include "unit.h"

#define NVME "0000:01:00.0"
#define PEER "0000:01:00.1"

static char root[PATH_MAX];

static void pathf(char *out, const char *fmt, va_list ap)
{
	char rel[PATH_MAX];

	vsnprintf(rel, sizeof(rel), fmt, ap);
	if (snprintf(out, PATH_MAX, "%s/%s", root, rel) >= PATH_MAX)
		out[0] = '\0';
}

/* out = root/<fmt, ...>, from the arguments of the variadic caller. */
#define ROOT_PATH(out, fmt)           \
	do {                          \
		va_list ap_;          \
		va_start(ap_, fmt);   \
		pathf(out, fmt, ap_); \
		va_end(ap_);          \
	} while (0)

/* mkdir -p of root/<fmt> */
static void mkdirs(const char *fmt, ...)
{
	char p[PATH_MAX];

	ROOT_PATH(p, fmt);
	for (char *s = p + strlen(root) + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	mkdir(p, 0755);
}

static void put(const char *text, const char *fmt, ...)
{
	char p[PATH_MAX];
	FILE *f;

	ROOT_PATH(p, fmt);
	f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void get(char *buf, size_t len, const char *fmt, ...)
{
	char p[PATH_MAX];
	FILE *f;

	ROOT_PATH(p, fmt);
	buf[0] = '\0';
	f = fopen(p, "r");
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
}

static void lnk(const char *target, const char *fmt, ...)
{
	char p[PATH_MAX];

	ROOT_PATH(p, fmt);
	unlink(p);
	if (symlink(target, p))
		unit_fail(__FILE__, __LINE__, "symlink %s", p);
}

static void rm_tree(void)
{
	char cmd[PATH_MAX + 16];

	if (!root[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		unit_fail(__FILE__, __LINE__, "rm");
	root[0] = '\0';
}

/* An NVMe controller bound to nvme, one namespace with one partition, in
 * IOMMU group 7 with PEER (unbound); nothing mounted. */
static void tree(void)
{
	rm_tree();
	snprintf(root, sizeof(root), "/tmp/ic-safety-XXXXXX");
	if (!mkdtemp(root))
		unit_fail(__FILE__, __LINE__, "mkdtemp");
	mkdirs("sys/bus/pci/drivers/nvme");
	mkdirs("sys/bus/pci/drivers/vfio-pci");
	mkdirs("sys/bus/pci/drivers/e1000e");
	mkdirs("sys/kernel/iommu_groups/7/devices");
	mkdirs("proc/self");
	put("", "proc/self/mountinfo");
	put("Filename\tType\tSize\tUsed\tPriority\n", "proc/swaps");
	put("", "sys/bus/pci/drivers_probe");
	put("", "sys/bus/pci/drivers/nvme/bind");
	put("", "sys/bus/pci/drivers/vfio-pci/unbind");
	for (int i = 0; i < 2; i++) {
		const char *b = i ? PEER : NVME;

		mkdirs("sys/bus/pci/devices/%s", b);
		put("0x010802\n", "sys/bus/pci/devices/%s/class", b);
		put("", "sys/bus/pci/devices/%s/driver_override", b);
		put("", "sys/bus/pci/devices/%s/reset", b);
		lnk("../../../../kernel/iommu_groups/7",
		    "sys/bus/pci/devices/%s/iommu_group", b);
		lnk("../../../../bus/pci/devices/x",
		    "sys/kernel/iommu_groups/7/devices/%s", b);
	}
	lnk("../../../../bus/pci/drivers/nvme", "sys/bus/pci/devices/%s/driver",
	    NVME);
	put("", "sys/bus/pci/drivers/nvme/unbind");
	mkdirs("sys/bus/pci/devices/%s/nvme/nvme0/nvme0n1/holders", NVME);
	put("259:0\n", "sys/bus/pci/devices/%s/nvme/nvme0/nvme0n1/dev", NVME);
	mkdirs("sys/bus/pci/devices/%s/nvme/nvme0/nvme0n1/nvme0n1p1/holders",
	       NVME);
	put("259:1\n", "sys/bus/pci/devices/%s/nvme/nvme0/nvme0n1/nvme0n1p1/dev",
	    NVME);
	put("1\n",
	    "sys/bus/pci/devices/%s/nvme/nvme0/nvme0n1/nvme0n1p1/partition",
	    NVME);
}

static int claim(bool allow, char *why, size_t len, bool *took)
{
	static const char *const named[] = { NVME };
	struct kt_rebound r;

	why[0] = '\0';
	return kt_claim_device(root, NVME, named, 1, allow, &r, took, why,
			       len);
}

static void mount_line(const char *dev, const char *mnt, const char *src)
{
	char line[512];

	snprintf(line, sizeof(line),
		 "29 1 %s / %s rw,relatime shared:1 - ext4 %s rw\n", dev, mnt,
		 src);
	put(line, "proc/self/mountinfo");
}

UNIT_TEST(safety_refuses_other_driver_without_allow_rebind)
{
	char why[256];
	bool took;

	tree();
	EXPECT_EQ(claim(false, why, sizeof(why), &took), -EBUSY);
	EXPECT(strstr(why, "bound to nvme"));
	EXPECT(!took);
}

UNIT_TEST(safety_refuses_nvme_in_use)
{
	static const struct {
		const char *dev, *mnt, *src, *want;
	} m[] = {
		{ "259:1", "/", "/dev/root", "nvme0n1p1 backs /" },
		{ "259:1", "/boot", "/dev/nvme0n1p1", "backs /boot" },
		{ "259:0", "/srv", "/dev/nvme0n1", "mounted at /srv" },
		/* by source name only (btrfs: an anonymous st_dev) */
		{ "0:42", "/data", "/dev/nvme0n1p1", "mounted at /data" },
	};
	char why[256], buf[64];
	bool took;

	for (unsigned i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		tree();
		mount_line(m[i].dev, m[i].mnt, m[i].src);
		EXPECT_EQ(claim(true, why, sizeof(why), &took), -EBUSY);
		if (!strstr(why, m[i].want))
			unit_fail(__FILE__, __LINE__, "case %u: %s", i, why);
		EXPECT(!took);
		/* Refused before anything was written. */
		get(buf, sizeof(buf), "sys/bus/pci/devices/%s/driver_override",
		    NVME);
		EXPECT_EQ(buf[0], 0);
	}
	tree();
	put("Filename\tType\tSize\tUsed\tPriority\n/dev/nvme0n1p1 partition 1 0 -2\n",
	    "proc/swaps");
	EXPECT_EQ(claim(true, why, sizeof(why), &took), -EBUSY);
	EXPECT(strstr(why, "swap"));
	tree();
	mkdirs("sys/bus/pci/devices/%s/nvme/nvme0/nvme0n1/nvme0n1p1/holders/dm-0",
	       NVME);
	EXPECT_EQ(claim(true, why, sizeof(why), &took), -EBUSY);
	EXPECT(strstr(why, "held by dm-0"));
	tree();
	mkdirs("sys/bus/pci/devices/%s/nvme/nvme0/nvme0n1/holders/md127", NVME);
	EXPECT_EQ(claim(true, why, sizeof(why), &took), -EBUSY);
	EXPECT(strstr(why, "held by md127"));
}

UNIT_TEST(safety_refuses_group_member_on_another_driver)
{
	char why[256];
	bool took;

	tree();
	lnk("../../../../bus/pci/drivers/e1000e",
	    "sys/bus/pci/devices/%s/driver", PEER);
	EXPECT_EQ(claim(true, why, sizeof(why), &took), -EBUSY);
	EXPECT(strstr(why, PEER) && strstr(why, "e1000e"));
	/* On vfio-pci it is fine: then only the NVMe itself decides. */
	lnk("../../../../bus/pci/drivers/vfio-pci",
	    "sys/bus/pci/devices/%s/driver", PEER);
	EXPECT_EQ(claim(false, why, sizeof(why), &took), -EBUSY);
	EXPECT(strstr(why, "bound to nvme"));
}

UNIT_TEST(safety_takes_an_idle_nvme_and_gives_it_back)
{
	struct kt_rebound r;
	char why[256], buf[64];
	bool took;
	static const char *const named[] = { NVME };

	tree();
	/* Not in use: it writes the override and unbinds; in this fake no
	 * driver takes it, so it reports that, and it is still ours to give
	 * back. */
	EXPECT_EQ(kt_claim_device(root, NVME, named, 1, true, &r, &took, why,
				  sizeof(why)),
		  -ENODEV);
	EXPECT(took);
	EXPECT(!strcmp(r.driver, "nvme"));
	get(buf, sizeof(buf), "sys/bus/pci/devices/%s/driver_override", NVME);
	EXPECT(!strcmp(buf, "vfio-pci"));
	get(buf, sizeof(buf), "sys/bus/pci/drivers/nvme/unbind");
	EXPECT(!strcmp(buf, NVME));
	kt_release_device(root, &r);
	get(buf, sizeof(buf), "sys/bus/pci/devices/%s/reset", NVME);
	EXPECT(!strcmp(buf, "1"));
	get(buf, sizeof(buf), "sys/bus/pci/drivers/nvme/bind");
	EXPECT(!strcmp(buf, NVME));
	/* Already vfio-pci's: taken as it is, nothing to give back. */
	tree();
	lnk("../../../../bus/pci/drivers/vfio-pci",
	    "sys/bus/pci/devices/%s/driver", NVME);
	EXPECT_EQ(kt_claim_device(root, NVME, named, 1, false, &r, &took, why,
				  sizeof(why)),
		  0);
	EXPECT(!took);
	rm_tree();
}
