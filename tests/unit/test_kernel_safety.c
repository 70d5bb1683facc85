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

/* NICs: an 82574L at NIC bound to e1000e with interface eth1, alone in
 * IOMMU group 9; up (flags) or down, with /proc/net tables that name other
 * interfaces only. */
#define NIC "0000:02:00.0"
#define NIC_PEER "0000:02:00.1"

static void nic_tree(bool up)
{
	tree();
	mkdirs("sys/kernel/iommu_groups/9/devices");
	mkdirs("sys/bus/pci/devices/%s/net/eth1", NIC);
	mkdirs("proc/net");
	put("0x020000\n", "sys/bus/pci/devices/%s/class", NIC);
	put("", "sys/bus/pci/devices/%s/driver_override", NIC);
	put("", "sys/bus/pci/devices/%s/reset", NIC);
	put("", "sys/bus/pci/drivers/e1000e/unbind");
	lnk("../../../../kernel/iommu_groups/9",
	    "sys/bus/pci/devices/%s/iommu_group", NIC);
	lnk("../../../../bus/pci/devices/x",
	    "sys/kernel/iommu_groups/9/devices/%s", NIC);
	lnk("../../../../bus/pci/drivers/e1000e",
	    "sys/bus/pci/devices/%s/driver", NIC);
	put(up ? "0x1003\n" : "0x1002\n",
	    "sys/bus/pci/devices/%s/net/eth1/flags", NIC);
	put(up ? "up\n" : "down\n", "sys/bus/pci/devices/%s/net/eth1/operstate",
	    NIC);
	put("fe800000000000000000000000000001 02 40 20 80     eth10\n",
	    "proc/net/if_inet6");
	put("Iface\tDestination\tGateway "
	    "\tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
	    "eth10\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n",
	    "proc/net/route");
	put("fe800000000000000000000000000000 40 "
	    "00000000000000000000000000000000 00 "
	    "00000000000000000000000000000000 00000100 00000001 00000000 "
	    "00000001     eth10\n",
	    "proc/net/ipv6_route");
}

static int claim_nic(const char *const *named, unsigned n, char *why,
		     size_t len, bool *took)
{
	struct kt_rebound r;

	why[0] = '\0';
	return kt_claim_device(root, NIC, named, n, true, &r, took, why, len);
}

/* Refused before anything was written to the device. */
static void untouched(void)
{
	char buf[64];

	get(buf, sizeof(buf), "sys/bus/pci/devices/%s/driver_override", NIC);
	EXPECT_EQ(buf[0], 0);
	get(buf, sizeof(buf), "sys/bus/pci/drivers/e1000e/unbind");
	EXPECT_EQ(buf[0], 0);
}

UNIT_TEST(safety_refuses_nic_in_use)
{
	static const char *const named[] = {NIC};
	static const struct {
		const char *file, *text, *want;
	} u[] = {
		{"proc/net/if_inet6",
		 "fe800000000000000000000000000001 02 40 20 80     eth1\n",
		 "eth1 is up with an IPv6 address"},
		{"proc/net/route",
		 "Iface\tDestination\tGateway "
		 "\tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
		 "eth1\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0"
		 "\n",
		 "eth1 is up with an IPv4 route"},
		{"proc/net/ipv6_route",
		 "20010db8000000000000000000000000 40 "
		 "00000000000000000000000000000000 00 "
		 "00000000000000000000000000000000 00000100 00000001 00000000 "
		 "00000001     eth1\n",
		 "eth1 is up with an IPv6 route"},
	};
	char why[320];
	bool took;

	for (unsigned i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		nic_tree(true);
		put(u[i].text, "%s", u[i].file);
		EXPECT_EQ(claim_nic(named, 1, why, sizeof(why), &took), -EBUSY);
		if (!strstr(why, u[i].want) ||
		    !strstr(why, "network interface in use"))
			unit_fail(__FILE__, __LINE__, "case %u: %s", i, why);
		EXPECT(!took);
		untouched();
	}
	/* A bond or bridge port, even down. */
	nic_tree(false);
	mkdirs("sys/class/net/bond0");
	lnk("../../../../../../class/net/bond0",
	    "sys/bus/pci/devices/%s/net/eth1/master", NIC);
	EXPECT_EQ(claim_nic(named, 1, why, sizeof(why), &took), -EBUSY);
	EXPECT(strstr(why, "eth1 is enslaved to bond0"));
	untouched();
	/* Without --allow-rebind the driver alone refuses it. */
	nic_tree(false);
	{
		struct kt_rebound r;

		EXPECT_EQ(kt_claim_device(root, NIC, named, 1, false, &r, &took,
					  why, sizeof(why)),
			  -EBUSY);
		EXPECT(strstr(why, "bound to e1000e"));
	}
	rm_tree();
}

UNIT_TEST(safety_takes_an_idle_nic)
{
	static const char *const named[] = {NIC};
	char why[320], buf[64];
	bool took;

	/* Down with its addresses gone, or up with nothing configured: the
	 * tables name other interfaces only (eth10 is not eth1). Taken: in
	 * this fake no driver binds it, which it reports. */
	for (int up = 0; up < 2; up++) {
		nic_tree(up);
		EXPECT_EQ(claim_nic(named, 1, why, sizeof(why), &took),
			  -ENODEV);
		EXPECT(took);
		get(buf, sizeof(buf), "sys/bus/pci/drivers/e1000e/unbind");
		EXPECT(!strcmp(buf, NIC));
	}
	/* A down interface whose stale table lines name it: not in use. */
	nic_tree(false);
	put("fe800000000000000000000000000001 02 40 20 80     eth1\n",
	    "proc/net/if_inet6");
	EXPECT_EQ(claim_nic(named, 1, why, sizeof(why), &took), -ENODEV);
	EXPECT(took);
	rm_tree();
}

UNIT_TEST(safety_nic_group_members)
{
	static const char *const one[] = {NIC};
	static const char *const both[] = {NIC, NIC_PEER};
	char why[320];
	bool took;

	/* A second function in the group, on igb: refused unless the user
	 * named it too (then it is claimed in its own turn). */
	nic_tree(false);
	mkdirs("sys/bus/pci/devices/%s", NIC_PEER);
	mkdirs("sys/bus/pci/drivers/igb");
	lnk("../../../../bus/pci/drivers/igb", "sys/bus/pci/devices/%s/driver",
	    NIC_PEER);
	lnk("../../../../bus/pci/devices/x",
	    "sys/kernel/iommu_groups/9/devices/%s", NIC_PEER);
	EXPECT_EQ(claim_nic(one, 1, why, sizeof(why), &took), -EBUSY);
	EXPECT(strstr(why, NIC_PEER) && strstr(why, "igb"));
	untouched();
	EXPECT_EQ(claim_nic(both, 2, why, sizeof(why), &took), -ENODEV);
	EXPECT(took);
	/* Unbound: fine without naming it. */
	nic_tree(false);
	mkdirs("sys/bus/pci/devices/%s", NIC_PEER);
	lnk("../../../../bus/pci/devices/x",
	    "sys/kernel/iommu_groups/9/devices/%s", NIC_PEER);
	EXPECT_EQ(claim_nic(one, 1, why, sizeof(why), &took), -ENODEV);
	EXPECT(took);
	rm_tree();
}
