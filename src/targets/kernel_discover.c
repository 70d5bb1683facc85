// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel target's discovery, done once per run (target_discover) and
 * handed to every open: the named devices from sysfs (group, IOMMU
 * instance, reserved regions, VFIO cdev), bound to vfio-pci if allowed;
 * then, each bound on a private iommufd, what only a bound device can tell
 * (HW_INFO, the PASID uAPI, HWPT_ALLOC), the IOVA ranges a fresh IOAS has
 * for it, and its DMA engine: the driver for its vendor:device
 * (src/dma/engines.c), and how far it reaches, from DMA into that fresh
 * IOAS. A device whose engine fails that probe has no working DMA, and the
 * notes say why. Last, where the engines' bounce window goes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#define MiB (1ull << 20)
/*
 * Where the bounce window may go: below 4 GiB, inside every domain
 * aperture the drivers give (VT-d 2^39, an Arm SMMUv3 stage 2 2^40 and up)
 * and above every RAM page of a 1 GiB guest, so an identity-mapping probe
 * never reads it; 4 MiB under the top of the engines' reach, clear of a
 * 2 MiB huge mapping at the top; above the explorer's IOVA slots.
 */
#define WINDOW_CEILING (4096 * MiB)
#define WINDOW_GAP (4 * MiB)
#define WINDOW_FLOOR (32 * MiB)
#define WINDOW_ALIGN (64 * 1024ull) /* any IOMMU page size up to 64 KiB */

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

static void add_note(struct target_caps *caps, const char *s)
{
	size_t n = strlen(caps->notes);

	snprintf(caps->notes + n, sizeof(caps->notes) - n, "%s%s",
		 n ? "; " : "", s);
}

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* --- sysfs ---------------------------------------------------------------- */

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
struct iommu_names {
	char name[T_MAX_DEVS][32];
	unsigned n;
};

static void contract_expectations(const struct iommu_names *in,
				  struct target_caps *caps)
{
	for (unsigned i = 0; i < caps->ndev; i++) {
		struct dev_caps *dc = &caps->dev[i];
		const char *iommu = dc->iommu < in->n ? in->name[dc->iommu] :
							"?";
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
			&dc->hw_info_len_expected, &dc->hw_info_gated_by);
		dc->dirty_known =
			model_contract_dirty(drv, &dc->dirty_expected);
	}
}

int kt_pci_pasid_width(const uint8_t *cfg, size_t n)
{
	unsigned off = 0x100;

	if (n == 256)
		return 0;
	if (n != 4096)
		return -1;
	for (unsigned hops = 0; hops < 64 && off >= 0x100 && off <= 4092;
	     hops++) {
		uint32_t h = (uint32_t)cfg[off] | (uint32_t)cfg[off + 1] << 8 |
			     (uint32_t)cfg[off + 2] << 16 |
			     (uint32_t)cfg[off + 3] << 24;

		if (!h || h == UINT32_MAX)
			break;
		/* PCI_EXT_CAP_ID_PASID: 8 bytes, the width in bits 12:8 of
		 * the word at +4; a header in the last dword has no room. */
		if ((h & 0xffff) == 0x1b)
			return off + 8 <= n ? cfg[off + 5] & 0x1f : 0;
		off = (h >> 20) & 0xffc;
	}
	return 0;
}

int kt_pci_pasid_width_at(const char *root, const char *bdf)
{
	char path[PATH_MAX], pf[256]; /* a physfn link: "../BDF" */
	const char *base;
	uint8_t cfg[4096];
	ssize_t n;
	int fd;

	/* pci_max_pasids(): a VF answers with its PF's PASID capability
	 * (a VF has none of its own). */
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/%s/physfn", root,
		 bdf);
	n = readlink(path, pf, sizeof(pf) - 1);
	if (n > 0) {
		pf[n] = '\0';
		base = strrchr(pf, '/');
		bdf = base ? base + 1 : pf;
	}
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/%s/config", root,
		 bdf);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pread(fd, cfg, sizeof(cfg), 0);
	close(fd);
	return n < 0 ? -1 : kt_pci_pasid_width(cfg, (size_t)n);
}

/* A device without a PASID capability (a VF: its PF without one) has no
 * PASID whatever its IOMMU driver reports; with one, the IOMMU may allow
 * fewer bits: no expectation then. */
static void pasid_expectations(const struct kernel_facts *f,
			       struct target_caps *caps)
{
	for (unsigned i = 0; i < f->ndev && i < caps->ndev; i++)
		if (kt_pci_pasid_width_at("", f->dev[i].bdf) == 0) {
			caps->dev[i].pasid_known = true;
			caps->dev[i].max_pasid_log2_expected = 0;
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

/*
 * The reset domain of bdf from the PCI topology (dev_caps.reset_domain): a
 * device on a root bus has no bus reset (pci_bus_reset() needs bus->self),
 * one behind a bridge is reset with its whole bus, numbered bus + 1. A slot
 * reset (pciehp) would be finer; no configuration here has one.
 */
static uint32_t pci_reset_domain(const char *bdf)
{
	char path[PATH_MAX], real[PATH_MAX], *slash;
	unsigned seg, bus, dev, fn;

	snprintf(path, sizeof(path), SYS_PCI "/%s", bdf);
	if (!realpath(path, real) || !(slash = strrchr(real, '/')))
		return 0;
	*slash = '\0';
	slash = strrchr(real, '/');
	if (!slash || !strncmp(slash + 1, "pci", 3))
		return 0;
	if (sscanf(bdf, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) != 4)
		return 0;
	return (seg << 8 | bus) + 1;
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

/* IOMMU instances seen so far, by sysfs name: dev_caps.iommu indexes it. */
/* sysfs facts about one named device; fills d->cdev and dc. */
static int discover_sysfs(struct kernel_facts *f, struct dev_caps *dc,
			  struct iommu_names *in,
			  const struct target_config *cfg, unsigned i,
			  char *why, size_t why_len, bool *skip)
{
	struct kdev_facts *d = &f->dev[i];
	char path[PATH_MAX], name[64], named_buf[T_MAX_DEVS][32];
	const char *named[T_MAX_DEVS];
	struct dirent *de;
	bool took;
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
		if (!strcmp(f->dev[j].bdf, d->bdf)) {
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
	dc->reset_domain = pci_reset_domain(d->bdf);
	for (j = 0; j < cfg->ndevices && j < T_MAX_DEVS; j++) {
		normalise_bdf(cfg->devices[j], named_buf[j],
			      sizeof(named_buf[j]));
		named[j] = named_buf[j];
	}
	ret = kt_claim_device("", d->bdf, named, j, cfg->allow_rebind,
			      &f->rebound[f->nrebound], &took, why, why_len);
	if (took)
		f->nrebound++;
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
	for (j = 0; j < in->n; j++)
		if (!strcmp(in->name[j], name))
			break;
	if (j == in->n)
		copy_str(in->name[in->n++], sizeof(in->name[0]), name);
	dc->iommu = j;
	read_reserved(dc, dc->group);
	return 0;
}


/* --- what a bound device tells ------------------------------------------ */

/* The IOVAs a fresh IOAS admits for one device (its aperture, less its
 * reserved regions): any IOAS the device attaches to must keep the bounce
 * window inside them. */
struct dev_space {
	bool known;
	unsigned n;
	struct iova_range r[T_MAX_RANGES];
	uint64_t align;
};

struct reach_stage {
	int ufd;
	uint32_t ioas;
};

static int stage_map(void *arg, void *uva, size_t len, uint64_t iova)
{
	struct reach_stage *s = arg;

	return ufd_ioas_map(s->ufd, s->ioas, IOMMU_IOAS_MAP_FIXED_IOVA |
			    IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
			    uva, len, &iova);
}

/*
 * The device's DMA engine, if a driver drives its vendor:device, and how
 * far it reaches, from transfers into the fresh IOAS ioas (attached to it,
 * ranges in sp). On a failure *broken says why: the device then has no
 * working DMA. No engine at all is not a failure.
 */
static void probe_engine(const struct target_config *cfg, int ufd, int fd,
			 uint32_t ioas, const struct dev_space *sp,
			 struct kdev_facts *d, char *broken, size_t blen)
{
	const struct dma_engine_driver *drv, *only = NULL;
	struct reach_stage st = { ufd, ioas };
	struct dma_reach_env env = { stage_map, sp->r, sp->n, &st };
	struct dma_dev_io io;
	struct dma_engine *e;
	char why[160];
	uint64_t reach = 0;

	if (cfg->dma_engine)
		only = dma_engine_driver_find(cfg->dma_engine);
	if (dma_vfio_io(fd, &io))
		return;
	if (dma_engine_match(&io, d->bdf, only, &drv, why, sizeof(why)))
		goto out_io;
	d->matched = drv;
	if (dma_engine_open(drv, &io, d->bdf, NULL, DMA_WAIT_POLL, 0, &e,
			    broken, blen))
		goto out_io;
	/* On an error broken already says why. */
	if (!dma_engine_probe_reach(e, &env, &reach, &d->probe_landed, broken,
				    blen)) {
		if (reach) {
			d->engine = drv;
			d->reach = reach;
		} else {
			d->landed_nowhere = true;
			snprintf(broken, blen, "its DMA through a fresh IOAS landed nowhere");
		}
	}
	dma_engine_close(e);
	ufd_ioas_unmap(ufd, ioas, 0, UINT64_MAX, NULL);
out_io:
	dma_vfio_io_free(&io);
}

/*
 * Bind the device on a private iommufd and ask what only a bound device
 * can tell: HW_INFO, PASID uAPI, HWPT_ALLOC (first only), the IOVA space of
 * a fresh IOAS attached to it, and its DMA engine. Everything is closed
 * again.
 */
static int probe_bound(const struct target_config *cfg, struct kdev_facts *d,
		       struct dev_caps *dc, struct target_caps *caps, bool first,
		       struct dev_space *sp, char *broken, size_t blen,
		       char *why, size_t why_len, bool *skip)
{
	struct ufd_hw_info hi;
	uint32_t devid, ioas, hwpt, pt, len = 0;
	int ufd, fd, ret;

	ufd = ufd_open();
	if (ufd < 0) {
		kt_say(why, why_len, "error: open /dev/iommu: %s",
		       strerror(-ufd));
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
	if (!ufd_ioas_alloc(ufd, &ioas)) {
		pt = ioas;
		ret = vfio_attach_pt(fd, &pt);
		if (!ret) {
			uint32_t n = T_MAX_RANGES;

			if (!ufd_ioas_iova_ranges(ufd, ioas,
						  (struct iommu_iova_range *)sp->r,
						  &n, &sp->align)) {
				sp->known = true;
				sp->n = n < T_MAX_RANGES ? n : T_MAX_RANGES;
				probe_engine(cfg, ufd, fd, ioas, sp, d, broken,
					     blen);
			}
			vfio_detach_pt(fd);
		} else {
			snprintf(broken, blen, "attaching a fresh IOAS: %s",
				 strerror(-ret));
		}
		ufd_destroy(ufd, ioas);
	}
	ret = 0;
out:
	close(fd);
	close(ufd);
	return ret;
}

/* --- the bounce window --------------------------------------------------- */

static bool inside_all(const struct dev_space *sp, unsigned ndev,
		       uint64_t start, uint64_t last)
{
	for (unsigned i = 0; i < ndev; i++) {
		bool in = !sp[i].known;

		for (unsigned j = 0; j < sp[i].n && !in; j++)
			in = start >= sp[i].r[j].start &&
			     last <= sp[i].r[j].last;
		if (!in)
			return false;
	}
	return true;
}

/*
 * A slot per DMA device (slot order = device order; each the largest of the
 * engines' transfers and own regions, page-rounded), WINDOW_GAP under the
 * lowest reach of the engines or WINDOW_CEILING, stepping down 2 MiB at a
 * time until it sits inside every device's IOVA space. 0 when there is no
 * room: then DMA is off.
 */
static int place_window(struct kernel_facts *f, const struct dev_space *sp,
			uint64_t reach)
{
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE), align = WINDOW_ALIGN;
	uint64_t len, top, start;
	unsigned ndma = 0;
	size_t max_len = 0;

	for (unsigned i = 0; i < f->ndev; i++) {
		struct kdev_facts *d = &f->dev[i];

		if (!d->engine)
			continue;
		d->slot = ndma++;
		if (d->engine->limits.max_len > max_len)
			max_len = d->engine->limits.max_len;
		if (d->engine->own_len > max_len)
			max_len = d->engine->own_len;
		if (sp[i].align > align)
			align = sp[i].align;
	}
	if (!ndma)
		return 0;
	f->slot_len = round_up(max_len, pg);
	len = round_up(ndma * f->slot_len, align);
	top = (reach < WINDOW_CEILING ? reach : WINDOW_CEILING) &
	      ~(2 * MiB - 1);
	for (; top >= WINDOW_FLOOR + WINDOW_GAP + len; top -= 2 * MiB) {
		start = (top - WINDOW_GAP - len) & ~(align - 1);
		if (inside_all(sp, f->ndev, start, start + len - 1)) {
			f->window = (struct iova_range){ start,
							 start + len - 1 };
			return 0;
		}
	}
	return -ENOSPC;
}

/* --- the discovery -------------------------------------------------------- */

/* Leave device i out: the core could not claim it for user DMA. */
static void drop_device(struct kernel_facts *f, struct target_caps *caps,
			struct dev_space *sp, unsigned i)
{
	unsigned rest = f->ndev - i - 1;

	memmove(&f->dev[i], &f->dev[i + 1], rest * sizeof(f->dev[0]));
	memmove(&caps->dev[i], &caps->dev[i + 1], rest * sizeof(caps->dev[0]));
	memmove(&sp[i], &sp[i + 1], rest * sizeof(sp[0]));
	f->ndev--;
	caps->ndev--;
	caps->ndev_left_out++;
}

/* Caps and notes for the DMA the devices have, once the window is set. */
static void dma_caps(struct kernel_facts *f, struct target_caps *caps,
		     const struct dev_space *sp, const char *broken)
{
	const struct dma_engine_driver *first = NULL;
	uint64_t reach = UINT64_MAX;
	char note[sizeof(caps->notes)];

	if (broken[0]) {
		snprintf(note, sizeof(note), "no working DMA:%s", broken);
		add_note(caps, note);
	}
	for (unsigned i = 0; i < f->ndev; i++) {
		const struct kdev_facts *d = &f->dev[i];

		if (d->matched)
			copy_str(caps->dev[i].dma_engine,
				 sizeof(caps->dev[i].dma_engine),
				 d->matched->name);
		caps->dev[i].dma_probe_landed_nowhere = d->landed_nowhere;
		caps->dev[i].dma_probe_landed = d->probe_landed;
	}
	for (unsigned i = 0; i < f->ndev; i++) {
		const struct kdev_facts *d = &f->dev[i];

		if (!d->engine)
			continue;
		if (!first)
			first = d->engine;
		if (d->reach < reach)
			reach = d->reach;
		if (!caps->dma_max_len ||
		    d->engine->limits.max_len < caps->dma_max_len)
			caps->dma_max_len = d->engine->limits.max_len;
	}
	if (!first)
		return;
	if (place_window(f, sp, reach)) {
		for (unsigned i = 0; i < f->ndev; i++)
			f->dev[i].engine = NULL;
		caps->dma_max_len = 0;
		snprintf(note, sizeof(note), "no working DMA: no room below 0x%" PRIx64 " for the engines' bounce window in every device's IOVA ranges",
			 reach);
		add_note(caps, note);
		return;
	}
	for (unsigned i = 0; i < f->ndev; i++) {
		caps->dev[i].dma = f->dev[i].engine != NULL;
		caps->dev[i].dma_pasid =
			f->dev[i].engine && f->dev[i].engine->tags_pasid;
	}
	caps->dma = DMA_REAL;
	caps->dma_iova_limit = reach;
	caps->dma_window = f->window;
	snprintf(note, sizeof(note), "DMA: %s, <=%zu B, IOVA < 0x%" PRIx64,
		 first->name, caps->dma_max_len, reach);
	add_note(caps, note);
}

/* The end of the run: give back what discovery unbound, then forget. */
static void free_facts(void *facts)
{
	struct kernel_facts *f = facts;

	for (unsigned i = 0; f && i < f->nrebound; i++)
		kt_release_device("", &f->rebound[i]);
	free(facts);
}

int kernel_target_discover(const struct target_config *cfg,
			   struct target_discovery *disc, char *why,
			   size_t why_len, bool *skip)
{
	struct target_caps *caps = &disc->caps;
	struct dev_space sp[T_MAX_DEVS] = { 0 };
	struct iommu_names in = { 0 };
	char buf[64], pname[32], dropped[T_MAX_DEVS * 10] = "";
	char broken[T_MAX_DEVS * 130] = "";
	struct kernel_facts *f;
	const char *prof;
	struct utsname u;
	int ret, fd;

	*skip = false;
	if (!cfg->ndevices) {
		kt_say(why, why_len, "error: the kernel target needs devices to test (PCI BDFs bound to vfio-pci)");
		return -EINVAL;
	}
	if (cfg->ndevices > T_MAX_DEVS) {
		kt_say(why, why_len, "error: at most %d devices", T_MAX_DEVS);
		return -EINVAL;
	}
	if (cfg->dma_engine && !dma_engine_driver_find(cfg->dma_engine)) {
		kt_say(why, why_len, "error: unknown DMA engine '%s'",
		       cfg->dma_engine);
		return -EINVAL;
	}
	if (access("/dev/iommu", F_OK)) {
		kt_say(why, why_len, "error: /dev/iommu not found (kernel without CONFIG_IOMMUFD)");
		*skip = true;
		return -ENODEV;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	memset(caps, 0, sizeof(*caps));
	caps->target = "kernel";
	caps->pins_user_memory = true;
	caps->hidden_objects = true;
	f->ndev = caps->ndev = cfg->ndevices;
	for (unsigned i = 0; i < f->ndev; i++) {
		ret = discover_sysfs(f, &caps->dev[i], &in, cfg, i, why,
				     why_len, skip);
		if (ret)
			goto fail;
	}
	for (unsigned i = 0; i < f->ndev;) {
		char b[120] = "";

		ret = probe_bound(cfg, &f->dev[i], &caps->dev[i], caps, i == 0,
				  &sp[i], b, sizeof(b), why, why_len, skip);
		if (ret == -ENODEV && strstr(why, "BIND_IOMMUFD")) {
			/* The core could not claim the device for user DMA:
			 * its IOMMU driver makes no paging domain for it
			 * (virtio-iommu with a granule above PAGE_SIZE,
			 * IOAS-12). Leave it out and say so; the cases that
			 * need it SKIP. */
			size_t l = strlen(dropped);

			snprintf(dropped + l, sizeof(dropped) - l, " %s",
				 f->dev[i].bdf + 5);
			drop_device(f, caps, sp, i);
			why[0] = '\0';
			continue;
		}
		if (ret)
			goto fail;
		if (b[0]) {
			size_t l = strlen(broken);

			snprintf(broken + l, sizeof(broken) - l, " %s (%s)",
				 f->dev[i].bdf + 5, b);
		}
		i++;
	}
	if (dropped[0]) {
		char note[T_MAX_DEVS * 10 + 64];

		snprintf(note, sizeof(note),
			 "left out, BIND ENODEV (no paging domain):%s", dropped);
		add_note(caps, note);
	}
	caps->nctx = KT_NCTX;
	prof = driver_profile(in.name[0], caps->dev[0].hw_info_type);
	if (!prof) {
		parent_driver(in.name[0], pname, sizeof(pname));
		prof = pname;
	}
	snprintf(f->profile, sizeof(f->profile), "%s", prof);
	caps->profile = f->profile;
	contract_expectations(&in, caps);
	pasid_expectations(f, caps);
	caps->msi_isolation = model_contract_msi_isolation(f->profile);
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
	if (!caps->pasid_uapi && f->ndev)
		add_note(caps, "kernel has no VFIO PASID attach");
	dma_caps(f, caps, sp, broken);
	fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	caps->fault_inject = fd >= 0;
	if (fd >= 0)
		close(fd);
	disc->facts = f;
	disc->free_facts = free_facts;
	return 0;
fail:
	free_facts(f);
	return ret;
}
