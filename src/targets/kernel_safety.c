// SPDX-License-Identifier: GPL-2.0
/*
 * Bare-metal safety (kernel_safety.h): the kernel target takes only the
 * devices the user named, refuses one another driver holds unless told
 * it may rebind, refuses even then an NVMe controller whose storage is in
 * use and a NIC whose network interface is in use, wants every other
 * member of the IOMMU group on vfio-pci or unbound, and gives back at the
 * end what it unbound.
 *
 * All of it is sysfs and procfs reads under a root prefix, so the unit
 * tests run it against a fake tree and touch no device.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel_safety.h"

#define PCI_DEVS "/sys/bus/pci/devices"

static void say(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* The basename of the link at path ("" when there is none). */
static void link_name(const char *path, char *out, size_t len)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	const char *b;

	out[0] = '\0';
	if (n < 0)
		return;
	buf[n] = '\0';
	b = strrchr(buf, '/');
	say(out, len, "%s", b ? b + 1 : buf);
}

static void driver_of(const char *root, const char *bdf, char *out,
		      size_t len)
{
	char path[PATH_MAX];

	say(path, sizeof(path), "%s" PCI_DEVS "/%s/driver", root, bdf);
	link_name(path, out, len);
}

static bool is_named(const char *bdf, const char *const *named, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (named[i] && !strcmp(named[i], bdf))
			return true;
	return false;
}

/* Every other member of bdf's IOMMU group: vfio-pci, unbound, or named. */
static int group_ok(const char *root, const char *bdf,
		    const char *const *named, unsigned nnamed, char *why,
		    size_t why_len)
{
	char path[PATH_MAX], group[32], drv[64];
	struct dirent *de;
	DIR *d;

	say(path, sizeof(path), "%s" PCI_DEVS "/%s/iommu_group", root,
		 bdf);
	link_name(path, group, sizeof(group));
	say(path, sizeof(path), "%s" PCI_DEVS "/%s/iommu_group/devices",
		 root, bdf);
	d = opendir(path);
	if (!d)
		return 0; /* no group: discovery says so itself */
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, bdf) ||
		    is_named(de->d_name, named, nnamed))
			continue;
		driver_of(root, de->d_name, drv, sizeof(drv));
		if (drv[0] && strcmp(drv, "vfio-pci")) {
			say(why, why_len, "error: %s shares IOMMU group %s with %s, which %s drives (every member of the group must be bound to vfio-pci or unbound)",
			    bdf, group, de->d_name, drv);
			closedir(d);
			return -EBUSY;
		}
	}
	closedir(d);
	return 0;
}

/* Whether the block device name (dev "maj:min") is in use: said in why. */
static int block_in_use(const char *root, const char *dir, const char *name,
			char *why, size_t why_len)
{
	char path[PATH_MAX], dev[32] = "", line[1024];
	struct dirent *de;
	FILE *f;
	DIR *d;

	say(path, sizeof(path), "%s/dev", dir);
	read_line(path, dev, sizeof(dev));
	say(path, sizeof(path), "%s/holders", dir);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		say(why, why_len, "%s is held by %s (device-mapper, md or LVM)",
		    name, de->d_name);
		closedir(d);
		return -EBUSY;
	}
	if (d)
		closedir(d);
	say(path, sizeof(path), "%s/proc/self/mountinfo", root);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		char mdev[32], mnt[512], src[512] = "";
		const char *sep = strstr(line, " - ");
		bool hit;

		if (sscanf(line, "%*s %*s %31s %*s %511s", mdev, mnt) != 2)
			continue;
		if (sep)
			sscanf(sep + 3, "%*s %511s", src);
		hit = (dev[0] && !strcmp(mdev, dev)) ||
		      (!strncmp(src, "/dev/", 5) && !strcmp(src + 5, name));
		if (!hit)
			continue;
		if (!strcmp(mnt, "/") || !strcmp(mnt, "/boot"))
			say(why, why_len, "%s backs %s", name, mnt);
		else
			say(why, why_len, "%s is mounted at %s", name, mnt);
		fclose(f);
		return -EBUSY;
	}
	if (f)
		fclose(f);
	say(path, sizeof(path), "%s/proc/swaps", root);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		char src[512];

		if (sscanf(line, "%511s", src) == 1 &&
		    !strncmp(src, "/dev/", 5) && !strcmp(src + 5, name)) {
			say(why, why_len, "%s is in use as swap", name);
			fclose(f);
			return -EBUSY;
		}
	}
	if (f)
		fclose(f);
	return 0;
}

/* A namespace (dir/name) and its partitions (subdirectories with dev). */
static int namespace_in_use(const char *root, const char *dir,
			    const char *name, char *why, size_t why_len)
{
	char path[PATH_MAX], head[64];
	const char *c = strchr(name + 4, 'c');
	struct dirent *de;
	int ret = block_in_use(root, dir, name, why, why_len);
	DIR *d;

	/* A multipath path (nvme0c1n1): the block device is its head. */
	if (!ret && c && strchr(c, 'n')) {
		say(head, sizeof(head), "%.*s%s", (int)(c - name), name,
			 strchr(c, 'n'));
		say(path, sizeof(path), "%s/sys/block/%s", root, head);
		ret = block_in_use(root, path, head, why, why_len);
	}
	d = ret ? NULL : opendir(dir);
	while (d && (de = readdir(d))) {
		char sub[PATH_MAX];

		if (strncmp(de->d_name, name, strlen(name)) ||
		    !de->d_name[strlen(name)])
			continue;
		say(sub, sizeof(sub), "%s/%s/partition", dir, de->d_name);
		if (access(sub, F_OK))
			continue;
		say(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		ret = block_in_use(root, sub, de->d_name, why, why_len);
		if (ret)
			break;
	}
	if (d)
		closedir(d);
	return ret;
}

/* Any namespace of the NVMe controller at bdf in use: -EBUSY + why. */
static int nvme_in_use(const char *root, const char *bdf, char *why,
		       size_t why_len)
{
	char path[PATH_MAX], ctrl[PATH_MAX];
	struct dirent *c, *ns;
	DIR *dc, *dn;
	int ret = 0;

	say(path, sizeof(path), "%s" PCI_DEVS "/%s/nvme", root, bdf);
	dc = opendir(path);
	while (dc && !ret && (c = readdir(dc))) {
		if (strncmp(c->d_name, "nvme", 4))
			continue;
		say(ctrl, sizeof(ctrl), "%s/%s", path, c->d_name);
		dn = opendir(ctrl);
		while (dn && !ret && (ns = readdir(dn))) {
			char dir[PATH_MAX];
			size_t l = strlen(c->d_name);

			/* nvme0n1, or nvme0c0n1 for a multipath path */
			if (strncmp(ns->d_name, c->d_name, l) ||
			    (ns->d_name[l] != 'n' && ns->d_name[l] != 'c'))
				continue;
			say(dir, sizeof(dir), "%s/%s", ctrl, ns->d_name);
			ret = namespace_in_use(root, dir, ns->d_name, why,
					       why_len);
		}
		if (dn)
			closedir(dn);
	}
	if (dc)
		closedir(dc);
	return ret;
}

/* Whether a line of a /proc/net table names ifname in field col (0-based,
 * blank separated); col -1: the last field. */
static bool names_iface(const char *line, int col, const char *ifname)
{
	char f[64] = "", *save = NULL, copy[512];
	int i = 0;

	snprintf(copy, sizeof(copy), "%s", line);
	for (char *t = strtok_r(copy, " \t\n", &save); t;
	     t = strtok_r(NULL, " \t\n", &save), i++) {
		if (col < 0 || i == col)
			snprintf(f, sizeof(f), "%s", t);
		if (i == col)
			break;
	}
	return !strcmp(f, ifname);
}

/* The first line of root/file (after skip header lines) naming ifname in
 * field col, copied to hit; false when none. */
static bool proc_net_names(const char *root, const char *file, int skip,
			   int col, const char *ifname, char *hit,
			   size_t hit_len)
{
	char path[PATH_MAX], line[512];
	bool found = false;
	FILE *f;

	say(path, sizeof(path), "%s/proc/net/%s", root, file);
	f = fopen(path, "re");
	while (f && !found && fgets(line, sizeof(line), f)) {
		if (skip > 0) {
			skip--;
			continue;
		}
		found = names_iface(line, col, ifname);
		if (found) {
			line[strcspn(line, "\n")] = '\0';
			say(hit, hit_len, "%s", line);
		}
	}
	if (f)
		fclose(f);
	return found;
}

/*
 * One network interface of a NIC in use: enslaved to a bond, bridge or
 * team (a master link), or up (IFF_UP, or operstate "up") with an IPv6
 * address (/proc/net/if_inet6, link-local included), an IPv4 route
 * (/proc/net/route: every IPv4 address with a prefix brings one) or an
 * IPv6 route (/proc/net/ipv6_route). Files only, no netlink: an IPv4 /32
 * address with no route and IPv6 off is not seen, the interface being up
 * without it. -EBUSY + why.
 */
static int iface_in_use(const char *root, const char *dir, const char *ifname,
			char *why, size_t why_len)
{
	char path[PATH_MAX], buf[64] = "", hit[512];
	unsigned long flags;
	bool up;

	say(path, sizeof(path), "%s/%s/master", dir, ifname);
	link_name(path, buf, sizeof(buf));
	if (buf[0]) {
		say(why, why_len, "%s is enslaved to %s", ifname, buf);
		return -EBUSY;
	}
	say(path, sizeof(path), "%s/%s/flags", dir, ifname);
	read_line(path, buf, sizeof(buf));
	flags = strtoul(buf, NULL, 16);
	say(path, sizeof(path), "%s/%s/operstate", dir, ifname);
	buf[0] = '\0';
	read_line(path, buf, sizeof(buf));
	up = (flags & 0x1) || !strcmp(buf, "up");
	if (!up)
		return 0;
	if (proc_net_names(root, "if_inet6", 0, -1, ifname, hit, sizeof(hit))) {
		say(why, why_len, "%s is up with an IPv6 address (%.40s)",
		    ifname, hit);
		return -EBUSY;
	}
	if (proc_net_names(root, "route", 1, 0, ifname, hit, sizeof(hit))) {
		say(why, why_len, "%s is up with an IPv4 route (%.60s)", ifname,
		    hit);
		return -EBUSY;
	}
	if (proc_net_names(root, "ipv6_route", 0, -1, ifname, hit,
			   sizeof(hit))) {
		say(why, why_len, "%s is up with an IPv6 route", ifname);
		return -EBUSY;
	}
	return 0;
}

/* Any network interface of the device at bdf in use: -EBUSY + why. */
static int nic_in_use(const char *root, const char *bdf, char *why,
		      size_t why_len)
{
	char path[PATH_MAX];
	struct dirent *de;
	int ret = 0;
	DIR *d;

	say(path, sizeof(path), "%s" PCI_DEVS "/%s/net", root, bdf);
	d = opendir(path);
	while (d && !ret && (de = readdir(d)))
		if (de->d_name[0] != '.')
			ret = iface_in_use(root, path, de->d_name, why,
					   why_len);
	if (d)
		closedir(d);
	return ret;
}

static bool is_nvme(const char *root, const char *bdf)
{
	char path[PATH_MAX], cls[32] = "";

	say(path, sizeof(path), "%s" PCI_DEVS "/%s/class", root, bdf);
	read_line(path, cls, sizeof(cls));
	return strtoul(cls, NULL, 16) >> 8 == 0x0108;
}

int kt_claim_device(const char *root, const char *bdf,
		    const char *const *named, unsigned nnamed,
		    bool allow_rebind, struct kt_rebound *r, bool *took,
		    char *why, size_t why_len)
{
	char path[PATH_MAX], drv[64], use[256] = "";
	int ret;

	*took = false;
	ret = group_ok(root, bdf, named, nnamed, why, why_len);
	if (ret)
		return ret;
	driver_of(root, bdf, drv, sizeof(drv));
	if (!strcmp(drv, "vfio-pci"))
		return 0;
	if (!allow_rebind) {
		if (drv[0])
			say(why, why_len, "error: %s is bound to %s, not vfio-pci (bind it to vfio-pci, or allow rebinding)",
			    bdf, drv);
		else
			say(why, why_len, "error: %s is not bound to vfio-pci (bind it, or allow rebinding)",
			    bdf);
		return -EBUSY;
	}
	if (drv[0] && is_nvme(root, bdf) &&
	    nvme_in_use(root, bdf, use, sizeof(use))) {
		say(why, why_len, "error: %s: NVMe in use, not taking it: %s",
		    bdf, use);
		return -EBUSY;
	}
	if (drv[0] && nic_in_use(root, bdf, use, sizeof(use))) {
		say(why, why_len,
		    "error: %s: network interface in use, not taking it: %s "
		    "(take it down and remove its addresses first)",
		    bdf, use);
		return -EBUSY;
	}
	say(r->bdf, sizeof(r->bdf), "%s", bdf);
	say(r->driver, sizeof(r->driver), "%s", drv);
	say(path, sizeof(path), "%s" PCI_DEVS "/%s/driver_override", root,
		 bdf);
	ret = write_str(path, "vfio-pci");
	if (!ret && drv[0]) {
		say(path, sizeof(path), "%s" PCI_DEVS "/%s/driver/unbind",
			 root, bdf);
		ret = write_str(path, bdf);
	}
	/* From here on it is ours to give back, bound or not. */
	*took = true;
	if (!ret) {
		say(path, sizeof(path), "%s/sys/bus/pci/drivers_probe",
			 root);
		ret = write_str(path, bdf);
	}
	driver_of(root, bdf, drv, sizeof(drv));
	if (strcmp(drv, "vfio-pci")) {
		say(why, why_len, "error: could not bind %s to vfio-pci (%s; is CONFIG_VFIO_PCI on?)",
		    bdf, ret ? strerror(-ret) : "no driver took it");
		return ret ? ret : -ENODEV;
	}
	return 0;
}

void kt_release_device(const char *root, const struct kt_rebound *r)
{
	char path[PATH_MAX], drv[64];

	driver_of(root, r->bdf, drv, sizeof(drv));
	if (!strcmp(drv, "vfio-pci")) {
		say(path, sizeof(path), "%s/sys/bus/pci/drivers/vfio-pci/unbind",
			 root);
		write_str(path, r->bdf);
	}
	say(path, sizeof(path), "%s" PCI_DEVS "/%s/reset", root, r->bdf);
	write_str(path, "1");
	say(path, sizeof(path), "%s" PCI_DEVS "/%s/driver_override", root,
		 r->bdf);
	write_str(path, "\n");
	if (r->driver[0]) {
		say(path, sizeof(path), "%s/sys/bus/pci/drivers/%s/bind",
			 root, r->driver);
		write_str(path, r->bdf);
	} else {
		say(path, sizeof(path), "%s/sys/bus/pci/drivers_probe",
			 root);
		write_str(path, r->bdf);
	}
}
