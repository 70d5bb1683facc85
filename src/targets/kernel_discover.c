// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel target's discovery at open: the named devices from sysfs
 * (group, IOMMU instance, reserved regions, VFIO cdev), bound to vfio-pci if
 * allowed; then, each bound on a private iommufd, what only a bound device
 * can tell (HW_INFO, the PASID uAPI, HWPT_ALLOC, its DMA engine and how far
 * it reaches).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../uapi/iommufd.h"
#include "../model/model.h"
#include "../uapi/fail_nth.h"
#include "../uapi/vfio_cdev.h"
#include "kernel_int.h"

#define SYS_PCI "/sys/bus/pci/devices"
#define PROBE_PASID 1

/* --- small helpers ------------------------------------------------------ */

/* Copy a string, truncating quietly. */
static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

static int write_text(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* Basename of a symlink's target into out; -errno if no link. */
static int link_base(const char *path, char *out, size_t len)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	const char *b;

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	b = strrchr(buf, '/');
	copy_str(out, len, b ? b + 1 : buf);
	return 0;
}

/* --- open: discovery ------------------------------------------------------ */

static const char *driver_profile(const char *iommu, uint32_t hw_type)
{
	if (!strncmp(iommu, "dmar", 4) || hw_type == IOMMU_HW_INFO_TYPE_INTEL_VTD)
		return "intel-vtd";
	if (!strncmp(iommu, "ivhd", 4) || hw_type == IOMMU_HW_INFO_TYPE_AMD)
		return "amd-vi";
	if (!strncmp(iommu, "smmu3", 5) || hw_type == IOMMU_HW_INFO_TYPE_ARM_SMMUV3)
		return "arm-smmu-v3";
	if (!strncmp(iommu, "smmu", 4))
		return "arm-smmu";
	return NULL;
}

static void parent_driver(const char *iommu, char *out, size_t len);

/* What the contract requires of each device's driver (reserved regions,
 * GET_HW_INFO type and length) by the driver's name only: the expectation,
 * never the driver's own report. */
static void contract_expectations(struct kt *k, struct target_caps *caps)
{
	for (unsigned i = 0; i < caps->ndev; i++) {
		struct dev_caps *dc = &caps->dev[i];
		const char *iommu = dc->iommu < k->niommu ?
					    k->iommu_names[dc->iommu] : "?";
		const char *drv = driver_profile(iommu, 0);
		char pname[64];

		if (!drv) {
			parent_driver(iommu, pname, sizeof(pname));
			drv = pname;
		}
		dc->nresv_required = model_contract_resv(
			drv, dc->resv_required, dc->resv_required_why,
			T_MAX_RESV_REQUIRED);
		dc->hw_info_known = model_contract_hw_info(
			drv, &dc->hw_info_type_expected,
			&dc->hw_info_len_expected);
	}
}

/* Name of the driver behind an iommu class device we do not recognise by
 * name: the driver bound to its parent (virtio_iommu -> virtio-iommu). */
static void parent_driver(const char *iommu, char *out, size_t len)
{
	char path[PATH_MAX], drv[64];

	snprintf(path, sizeof(path), "/sys/class/iommu/%s/device/driver", iommu);
	if (link_base(path, drv, sizeof(drv))) {
		copy_str(out, len, iommu);
		return;
	}
	for (char *p = drv; *p; p++)
		if (*p == '_')
			*p = '-';
	copy_str(out, len, drv);
}

static void normalise_bdf(const char *in, char *out, size_t len)
{
	unsigned a, b, c, f;

	if (sscanf(in, "%x:%x:%x.%x", &a, &b, &c, &f) == 4)
		snprintf(out, len, "%04x:%02x:%02x.%x", a, b, c, f);
	else if (sscanf(in, "%x:%x.%x", &b, &c, &f) == 3)
		snprintf(out, len, "0000:%02x:%02x.%x", b, c, f);
	else
		snprintf(out, len, "%s", in);
}

/* The device's driver must be vfio-pci; with allow_rebind, make it so. */
static int ensure_vfio_pci(const struct target_config *cfg, const char *bdf,
			   char *why, size_t why_len)
{
	char path[PATH_MAX], drv[64] = "";
	int ret;

	snprintf(path, sizeof(path), SYS_PCI "/%s/driver", bdf);
	link_base(path, drv, sizeof(drv));
	if (!strcmp(drv, "vfio-pci"))
		return 0;
	if (!cfg->allow_rebind) {
		if (drv[0])
			kt_say(why, why_len, "error: %s is bound to %s, not vfio-pci (bind it to vfio-pci, or allow rebinding)",
			       bdf, drv);
		else
			kt_say(why, why_len, "error: %s is not bound to vfio-pci (bind it, or allow rebinding)",
			       bdf);
		return -EBUSY;
	}
	snprintf(path, sizeof(path), SYS_PCI "/%s/driver_override", bdf);
	ret = write_text(path, "vfio-pci");
	if (!ret && drv[0]) {
		snprintf(path, sizeof(path), SYS_PCI "/%s/driver/unbind", bdf);
		ret = write_text(path, bdf);
	}
	if (!ret)
		ret = write_text("/sys/bus/pci/drivers_probe", bdf);
	drv[0] = '\0';
	snprintf(path, sizeof(path), SYS_PCI "/%s/driver", bdf);
	link_base(path, drv, sizeof(drv));
	if (strcmp(drv, "vfio-pci")) {
		kt_say(why, why_len, "error: could not bind %s to vfio-pci (%s; is CONFIG_VFIO_PCI on?)",
		       bdf, ret ? strerror(-ret) : "no driver took it");
		return ret ? ret : -ENODEV;
	}
	return 0;
}

static void read_reserved(struct dev_caps *dc, unsigned group)
{
	char path[PATH_MAX], line[160], type[40];
	unsigned long long s, e;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%u/reserved_regions",
		 group);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && dc->nresv < T_MAX_RANGES) {
		if (sscanf(line, "%llx %llx %39s", &s, &e, type) != 3)
			continue;
		if (!strcmp(type, "direct-relaxable"))
			continue;
		dc->resv[dc->nresv].start = s;
		dc->resv[dc->nresv].last = e;
		dc->nresv++;
	}
	fclose(f);
}

/* sysfs facts about one named device; fills d->cdev and dc. */
static int discover(struct kt *k, const struct target_config *cfg,
		    unsigned i, char *why, size_t why_len, bool *skip)
{
	struct kdev *d = &k->dev[i];
	struct dev_caps *dc = &k->t.caps.dev[i];
	char path[PATH_MAX], name[64];
	struct dirent *de;
	unsigned j;
	DIR *dir;
	int ret;

	normalise_bdf(cfg->devices[i], d->bdf, sizeof(d->bdf));
	copy_str(dc->name, sizeof(dc->name), d->bdf);
	snprintf(path, sizeof(path), SYS_PCI "/%s", d->bdf);
	if (access(path, F_OK)) {
		kt_say(why, why_len, "error: PCI device %s does not exist",
		       cfg->devices[i]);
		return -ENODEV;
	}
	for (j = 0; j < i; j++)
		if (!strcmp(k->dev[j].bdf, d->bdf)) {
			kt_say(why, why_len, "error: device %s named twice", d->bdf);
			return -EINVAL;
		}
	snprintf(path, sizeof(path), SYS_PCI "/%s/iommu_group", d->bdf);
	if (link_base(path, name, sizeof(name))) {
		kt_say(why, why_len, "error: %s has no IOMMU group (no IOMMU enabled for it)",
		       d->bdf);
		*skip = true;
		return -ENODEV;
	}
	dc->group = strtoul(name, NULL, 10);
	ret = ensure_vfio_pci(cfg, d->bdf, why, why_len);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), SYS_PCI "/%s/vfio-dev", d->bdf);
	dir = opendir(path);
	if (!dir) {
		kt_say(why, why_len, "error: %s has no VFIO device cdev (kernel without CONFIG_VFIO_DEVICE_CDEV)",
		       d->bdf);
		*skip = true;
		return -ENODEV;
	}
	name[0] = '\0';
	while ((de = readdir(dir)))
		if (!strncmp(de->d_name, "vfio", 4))
			copy_str(name, sizeof(name), de->d_name);
	closedir(dir);
	snprintf(d->cdev, sizeof(d->cdev), "/dev/vfio/devices/%s", name);
	if (!name[0] || access(d->cdev, F_OK)) {
		kt_say(why, why_len, "error: %s: %s missing (is devtmpfs mounted?)",
		       d->bdf, name[0] ? d->cdev : "vfio-dev/vfioN");
		*skip = true;
		return -ENODEV;
	}
	snprintf(path, sizeof(path), SYS_PCI "/%s/iommu", d->bdf);
	if (link_base(path, name, sizeof(name)))
		snprintf(name, sizeof(name), "?");
	for (j = 0; j < k->niommu; j++)
		if (!strcmp(k->iommu_names[j], name))
			break;
	if (j == k->niommu)
		copy_str(k->iommu_names[k->niommu++],
			 sizeof(k->iommu_names[0]), name);
	dc->iommu = j;
	read_reserved(dc, dc->group);
	return 0;
}

/*
 * How far the engine reaches: edu masks DMA addresses with its dma_mask
 * property (28 bits unless the VM raised it) and wraps silently. One
 * device write to a high IOVA H, with H's 28-bit alias mapped too, tells
 * which page the device really hit (0: neither, the device's DMA does not
 * get through a fresh IOAS at all). Costs one transfer; the answer is
 * kept per BDF for the life of the process (forked cases inherit it).
 */
static struct {
	char bdf[32];
	uint64_t limit;
} limit_cache[T_MAX_DEVS];

static uint64_t dma_limit(const char *bdf, int ufd, int fd,
			  struct dma_engine *e)
{
	const uint64_t low = EDU_IOVA_LIMIT, cap = 1ull << 48;
	struct iommu_iova_range r[T_MAX_RANGES];
	uint32_t n = T_MAX_RANGES, ioas, pt;
	uint64_t limit = low, hi = 0, lo, top, io;
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char *m, payload[64] = { 0 };
	char ev[200];
	unsigned i, slot;
	bool lo_ok = false;

	for (i = 0; i < T_MAX_DEVS && limit_cache[i].bdf[0]; i++)
		if (!strcmp(limit_cache[i].bdf, bdf))
			return limit_cache[i].limit;
	slot = i;
	if (ufd_ioas_alloc(ufd, &ioas))
		return low;
	pt = ioas;
	if (vfio_attach_pt(fd, &pt))
		goto out_ioas;
	if (ufd_ioas_iova_ranges(ufd, ioas, r, &n, NULL))
		goto out_detach;
	if (n > T_MAX_RANGES)
		n = T_MAX_RANGES;
	/* The highest page of the highest range, below 2^48. */
	for (i = 0; i < n; i++) {
		top = r[i].last < cap - 1 ? r[i].last : cap - 1;
		if (top < r[i].start || top - r[i].start + 1 < (uint64_t)pg)
			continue;
		if ((((top + 1) & ~((uint64_t)pg - 1)) - pg) > hi)
			hi = ((top + 1) & ~((uint64_t)pg - 1)) - pg;
	}
	lo = hi & (low - 1) & ~((uint64_t)pg - 1);
	for (i = 0; i < n; i++)
		if (lo >= r[i].start && lo + pg - 1 <= r[i].last)
			lo_ok = true;
	if (hi < low || !lo_ok)
		goto out_detach;
	m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (m == MAP_FAILED)
		goto out_detach;
	memset(m, 0xa5, 2 * pg);
	io = hi;
	if (ufd_ioas_map(ufd, ioas, IOMMU_IOAS_MAP_FIXED_IOVA |
			 IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
			 m, pg, &io))
		goto out_mem;
	io = lo;
	if (ufd_ioas_map(ufd, ioas, IOMMU_IOAS_MAP_FIXED_IOVA |
			 IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
			 m + pg, pg, &io))
		goto out_unmap;
	/* Whatever the device buffer holds: only where it lands counts. */
	e->iova_limit = UINT64_MAX;
	if (!dma_engine_write(e, hi, payload, sizeof(payload), ev, sizeof(ev))) {
		bool hit_hi = false, hit_lo = false;

		for (i = 0; i < sizeof(payload); i++) {
			hit_hi |= m[i] != 0xa5;
			hit_lo |= m[pg + i] != 0xa5;
		}
		if (hit_hi && !hit_lo)
			limit = hi + pg;
		else if (!hit_hi && !hit_lo)
			limit = 0; /* reached neither: DMA does not translate */
	}
	e->iova_limit = low;
out_unmap:
	ufd_ioas_unmap(ufd, ioas, 0, UINT64_MAX, NULL);
out_mem:
	munmap(m, 2 * pg);
out_detach:
	vfio_detach_pt(fd);
out_ioas:
	ufd_destroy(ufd, ioas);
	if (slot < T_MAX_DEVS) {
		copy_str(limit_cache[slot].bdf, sizeof(limit_cache[slot].bdf),
			 bdf);
		limit_cache[slot].limit = limit;
	}
	return limit;
}

/*
 * Bind the device on a private iommufd and ask what only a bound device
 * can tell: HW_INFO, PASID uAPI, HWPT_ALLOC, and whether a DMA engine
 * answers. Everything is closed again.
 */
static int probe_bound(struct kt *k, unsigned i, bool first, char *why,
		       size_t why_len, bool *skip)
{
	struct kdev *d = &k->dev[i];
	struct dev_caps *dc = &k->t.caps.dev[i];
	struct target_caps *caps = &k->t.caps;
	struct ufd_hw_info hi;
	struct dma_dev_io io;
	struct dma_engine *e;
	uint32_t devid, ioas, hwpt, len = 0;
	char ewhy[160];
	int ufd, fd, ret;

	ufd = ufd_open();
	if (ufd < 0) {
		kt_say(why, why_len, "error: open /dev/iommu: %s", strerror(-ufd));
		return ufd;
	}
	fd = vfio_cdev_open(d->cdev);
	if (fd < 0) {
		kt_say(why, why_len, "error: open %s (%s): %s", d->cdev, d->bdf,
		       strerror(-fd));
		close(ufd);
		return fd;
	}
	ret = vfio_bind_iommufd(fd, ufd, &devid);
	if (ret == -EPERM) {
		kt_say(why, why_len, "error: VFIO_DEVICE_BIND_IOMMUFD on %s: EPERM (no MSI isolation; boot with iommufd.allow_unsafe_interrupts=1)",
		       d->bdf);
		*skip = true;
		goto out;
	}
	if (ret) {
		kt_say(why, why_len, "error: VFIO_DEVICE_BIND_IOMMUFD on %s: %s",
		       d->bdf, strerror(-ret));
		goto out;
	}
	ret = ufd_get_hw_info(ufd, devid, 0, 0, NULL, &len, &hi);
	if (!ret) {
		dc->hw_info_type = hi.data_type;
		dc->max_pasid_log2 = hi.max_pasid_log2;
		dc->dirty_tracking =
			!!(hi.capabilities & IOMMU_HW_CAP_DIRTY_TRACKING);
	}
	if (first) {
		/* PASID uAPI at run time: detaching a PASID that is not
		 * attached succeeds where the uAPI exists, EINVAL before. */
		caps->pasid_uapi = !vfio_detach_pasid_pt(fd, PROBE_PASID);
		caps->hwpt_alloc = false;
		if (!ufd_ioas_alloc(ufd, &ioas)) {
			if (!ufd_hwpt_alloc(ufd, 0, devid, ioas, 0, NULL, 0, 0,
					    &hwpt)) {
				caps->hwpt_alloc = true;
				ufd_destroy(ufd, hwpt);
			}
			ufd_destroy(ufd, ioas);
		}
	}
	if (!dma_vfio_io(fd, &io)) {
		ret = dma_engine_probe(&io, d->bdf, NULL, DMA_WAIT_POLL, &e,
				       ewhy, sizeof(ewhy));
		if (!ret) {
			d->has_engine = dc->dma = true;
			dc->dma_pasid = e->pasid_capable;
			d->dma_limit = dma_limit(d->bdf, ufd, fd, e);
			dma_engine_close(e);
		}
		dma_vfio_io_free(&io);
	}
	ret = 0;
out:
	close(fd);
	close(ufd);
	return ret;
}

static void add_note(struct target_caps *caps, const char *s)
{
	size_t n = strlen(caps->notes);

	snprintf(caps->notes + n, sizeof(caps->notes) - n, "%s%s",
		 n ? "; " : "", s);
}

int kt_discover(struct kt *k, const struct target_config *cfg, char *why,
		size_t why_len, bool *skip)
{
	struct target_caps *caps;
	struct utsname u;
	char buf[64], pname[32], dropped[T_MAX_DEVS * 10] = "";
	const char *prof;
	int ret;

	caps = &k->t.caps;
	caps->target = "kernel";
	caps->pins_user_memory = true;
	caps->hidden_objects = true; /* the DMA read-back's own IOAS */
	k->ndev = caps->ndev = cfg->ndevices;
	for (unsigned i = 0; i < k->ndev; i++) {
		ret = discover(k, cfg, i, why, why_len, skip);
		if (ret)
			goto fail;
	}
	for (unsigned i = 0; i < k->ndev;) {
		ret = probe_bound(k, i, i == 0, why, why_len, skip);
		if (ret == -ENODEV && strstr(why, "BIND_IOMMUFD")) {
			/* The core could not claim the device for user DMA:
			 * its IOMMU driver makes no paging domain for it
			 * (virtio-iommu with a granule above PAGE_SIZE,
			 * IOAS-12). Leave it out and say so; the cases that
			 * need it SKIP. */
			size_t l = strlen(dropped);

			snprintf(dropped + l, sizeof(dropped) - l, " %s",
				 k->dev[i].bdf + 5);
			memmove(&k->dev[i], &k->dev[i + 1],
				(k->ndev - i - 1) * sizeof(k->dev[0]));
			memmove(&caps->dev[i], &caps->dev[i + 1],
				(k->ndev - i - 1) * sizeof(caps->dev[0]));
			k->ndev--;
			caps->ndev--;
			caps->ndev_left_out++;
			k->dev[k->ndev].fd = -1;
			why[0] = '\0';
			continue;
		}
		if (ret)
			goto fail;
		i++;
	}
	if (dropped[0]) {
		char note[T_MAX_DEVS * 10 + 64];

		snprintf(note, sizeof(note),
			 "left out, BIND ENODEV (no paging domain):%s", dropped);
		add_note(caps, note);
	}
	for (unsigned c = 0; c < KT_NCTX; c++) {
		k->ufd[c] = ufd_open();
		if (k->ufd[c] < 0) {
			kt_say(why, why_len, "error: open /dev/iommu: %s",
			       strerror(-k->ufd[c]));
			goto fail;
		}
	}
	caps->nctx = KT_NCTX;
	for (unsigned i = 0; i < k->ndev; i++)
		if (caps->dev[i].dma)
			caps->dma = DMA_REAL;
	if (caps->dma == DMA_REAL) {
		caps->dma_max_len = EDU_MAX_LEN;
		char bad[T_MAX_DEVS * 10] = "";

		caps->dma_iova_limit = UINT64_MAX;
		for (unsigned i = 0; i < k->ndev; i++) {
			struct kdev *d = &k->dev[i];

			if (!d->has_engine)
				continue;
			if (!d->dma_limit) {
				size_t l = strlen(bad);

				snprintf(bad + l, sizeof(bad) - l, " %s",
					 d->bdf + 5);
				continue;
			}
			if (d->dma_limit < caps->dma_iova_limit)
				caps->dma_iova_limit = d->dma_limit;
		}
		if (caps->dma_iova_limit == UINT64_MAX)
			caps->dma_iova_limit = EDU_IOVA_LIMIT;
		if (bad[0]) {
			char note[T_MAX_DEVS * 10 + 48];

			snprintf(note, sizeof(note),
				 "DMA probe blocked through a fresh IOAS:%s", bad);
			add_note(caps, note);
		}
	}
	prof = driver_profile(k->iommu_names[0], caps->dev[0].hw_info_type);
	if (!prof) {
		parent_driver(k->iommu_names[0], pname, sizeof(pname));
		prof = pname;
	}
	snprintf(k->profile, sizeof(k->profile), "%s", prof);
	caps->profile = k->profile;
	contract_expectations(k, caps);
	if (!uname(&u))
		copy_str(caps->kernel_release, sizeof(caps->kernel_release),
			 u.release);
	if (!read_text("/sys/module/iommufd/parameters/allow_unsafe_interrupts",
		       buf, sizeof(buf)) && buf[0] == 'Y') {
		caps->unsafe_interrupts = true;
		add_note(caps, "iommufd.allow_unsafe_interrupts=1");
	}
#ifndef VFIO_DEVICE_ATTACH_PASID
	caps->pasid_uapi = false;
	add_note(caps, "built without VFIO_DEVICE_ATTACH_PASID");
#endif
	if (!caps->pasid_uapi && k->ndev)
		add_note(caps, "kernel has no VFIO PASID attach");
	if (caps->dma == DMA_REAL) {
		snprintf(buf, sizeof(buf), "DMA: edu, <=4095 B, IOVA < 0x%llx",
			 (unsigned long long)caps->dma_iova_limit);
		add_note(caps, buf);
	}
	k->fail_nth_fd = fail_nth_open(NULL);
	caps->fault_inject = k->fail_nth_fd >= 0;
	return 0;
fail:
	return ret ? ret : -1;
}
