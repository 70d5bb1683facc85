// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel target's DMA: one engine per bound device (src/dma), driven
 * through its VFIO device fd, and the bounce window the engines load their
 * payloads from and read back through.
 *
 * The window (kernel_facts.window) holds a page per DMA device. Every IOAS
 * the target allocates gets it mapped at IOAS_ALLOC time and keeps it until
 * the IOAS is destroyed, so a DMA op maps and unmaps nothing: between a
 * scenario's warm-up and its transfer under test the only IOMMU operation
 * is the scenario's own (a map can flush work a driver queued, an unmap can
 * flush a whole domain: QEMU's AMD-Vi drops every IOTLB entry of the domain
 * on any page invalidation). Scenarios never see the window: it lies inside
 * every device's IOVA ranges (so no attach trips over it), caps.dma_window
 * keeps the IOVA picker away from it, it is not reserved (IOVA_RANGES is
 * unchanged), an unmap over it is split around it so it stays and the
 * count is exact, and clearing HUGE_PAGES lifts it for the moment it would
 * be in the way.
 *
 * A device without a translation for the window (detached, nested HWPT)
 * gets no payload: its engine reports the bytes it wrote instead
 * (src/dma/dma.h). A read-back after a transfer under test may still go
 * through a private IOAS attached only then (bounce get_late).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../uapi/iommufd.h"
#include "../uapi/vfio_cdev.h"
#include "kernel_int.h"

#define MAP_RW (IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE | \
		IOMMU_IOAS_MAP_WRITEABLE)

/* --- the window in every IOAS ------------------------------------------- */

static bool have_window(const struct kt *k)
{
	return k->facts.window.last != 0;
}

static uint64_t window_len(const struct kt *k)
{
	return k->facts.window.last - k->facts.window.start + 1;
}

int kt_window_alloc(struct kt *k)
{
	void *m;

	if (!have_window(k))
		return 0;
	/* A memfd, so the window can go in by IOAS_MAP_FILE: a context
	 * holding only file mappings may CHANGE_PROCESS (IOAS-16), and the
	 * suite's own pages must not change what a scenario observes. */
	k->win_fd = memfd_create("ic-dma-window", MFD_CLOEXEC);
	if (k->win_fd >= 0 && ftruncate(k->win_fd, (off_t)window_len(k))) {
		close(k->win_fd);
		k->win_fd = -1;
	}
	m = k->win_fd >= 0 ?
		    mmap(NULL, window_len(k), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, k->win_fd, 0) :
		    mmap(NULL, window_len(k), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (m == MAP_FAILED)
		return -ENOMEM;
	k->win_mem = m;
	k->win_len = window_len(k);
	return 0;
}

static int window_map(struct kt *k, unsigned ctx, uint32_t raw)
{
	uint64_t iova = k->facts.window.start;
	int ret = -EOPNOTSUPP;

	if (k->win_fd >= 0)
		ret = ufd_ioas_map_file(k->ufd[ctx], raw, MAP_RW, k->win_fd, 0,
					k->win_len, &iova);
	/* A kernel before IOAS_MAP_FILE (6.13): a user-VA mapping. */
	if (ret == -ENOTTY || ret == -EOPNOTSUPP)
		ret = ufd_ioas_map(k->ufd[ctx], raw, MAP_RW, k->win_mem,
				   k->win_len, &iova);
	return ret;
}

static int window_unmap(struct kt *k, unsigned ctx, uint32_t raw)
{
	return ufd_ioas_unmap(k->ufd[ctx], raw, k->facts.window.start,
			      k->win_len, NULL);
}

/* IOAS_ALLOC, then the window into the new IOAS. An IOAS the window could
 * not go into still works; its devices' DMA just carries no payload. */
int kt_ioas_alloc(struct kt *k, unsigned ctx, uint32_t *raw)
{
	int ret = ufd_ioas_alloc(k->ufd[ctx], raw);
	struct kioas *io;

	if (ret || k->nioas == KT_MAX_IOAS)
		return ret;
	io = &k->ioas[k->nioas++];
	*io = (struct kioas){ .ctx = ctx, .id = *raw };
	io->window = have_window(k) && !window_map(k, ctx, *raw);
	return 0;
}

/* One piece of a split unmap: 0 with its bytes added, ENOENT as nothing. */
static int unmap_piece(int fd, uint32_t raw, uint64_t start, uint64_t last,
		       uint64_t *total)
{
	uint64_t n = 0;
	int ret = ufd_ioas_unmap(fd, raw, start, last - start + 1, &n);

	if (ret == -ENOENT)
		return 0;
	*total += n;
	return ret;
}

/*
 * IOAS_UNMAP as the IOAS without the window would answer it: a range over
 * the window is unmapped in the pieces beside it (no mapping straddles the
 * window, and the kernel unmaps area by area anyway), so the window stays
 * and the count leaves it out. Nothing unmapped is ENOENT, except for
 * unmap-all, which the kernel lets succeed on an empty IOAS. A piece that
 * cuts a mapping (ENOENT) counts as nothing; no scenario cuts a mapping
 * with a range that also covers the window.
 */
int kt_ioas_unmap(struct kt *k, unsigned ctx, uint32_t raw, uint64_t iova,
		  uint64_t len, uint64_t *unmapped)
{
	const struct iova_range *w = &k->facts.window;
	struct kioas *io = kt_ioas_find(k, ctx, raw);
	int fd = k->ufd[ctx], ret = 0;
	bool all = iova == 0 && len == UINT64_MAX;
	uint64_t last = all ? UINT64_MAX : iova + len - 1, total = 0;

	if (!io || !io->window || fd < 0 ||
	    (!all && (!len || last < iova || iova >= UINT64_MAX ||
		      len >= UINT64_MAX)) ||
	    last < w->start || iova > w->last)
		return ufd_ioas_unmap(fd, raw, iova, len, unmapped);
	if (iova < w->start)
		ret = unmap_piece(fd, raw, iova, w->start - 1, &total);
	if (!ret && last > w->last)
		ret = unmap_piece(fd, raw, w->last + 1, last, &total);
	if (!ret && !total && !all)
		ret = -ENOENT;
	if (!ret && unmapped)
		*unmapped = total;
	return ret;
}

/*
 * IOMMU_OPTION_HUGE_PAGES. Clearing it fails EINVAL on an IOAS with a
 * domain and any mapping, the window included: then retry without the
 * window, so the answer is the one for the scenario's own mappings, and
 * put the window back. Only this op pays for it, never a DMA.
 */
int kt_option_huge_pages(struct kt *k, unsigned ctx, uint32_t raw, bool set,
			 uint64_t *val)
{
	struct kioas *io = kt_ioas_find(k, ctx, raw);
	int op = set ? IOMMU_OPTION_OP_SET : IOMMU_OPTION_OP_GET;
	int fd = k->ufd[ctx];
	int ret = ufd_option(fd, IOMMU_OPTION_HUGE_PAGES, op, raw, val);

	if (ret != -EINVAL || !set || *val || !io || !io->window)
		return ret;
	if (window_unmap(k, ctx, raw))
		return ret;
	ret = ufd_option(fd, IOMMU_OPTION_HUGE_PAGES, op, raw, val);
	io->window = !window_map(k, ctx, raw);
	return ret;
}

/* --- the bounce page of one device --------------------------------------- */

/* The IOAS the device's RID translates through now: its own attachment
 * or, iommu groups being attached as one, a group sibling's. */
static bool rid_ioas(struct kt *k, struct kdev *d, unsigned *ctx,
		     uint32_t *ioas)
{
	unsigned di = (unsigned)(d - k->dev);
	const struct dev_caps *c = &k->t.caps.dev[di];

	if (d->attached) {
		*ctx = d->att_ctx;
		*ioas = d->att_ioas;
		return true;
	}
	for (unsigned i = 0; i < k->ndev; i++) {
		struct kdev *o = &k->dev[i];

		if (i != di && o->fd >= 0 && o->attached && d->fd >= 0 &&
		    o->ctx == d->ctx && k->t.caps.dev[i].group == c->group) {
			*ctx = o->att_ctx;
			*ioas = o->att_ioas;
			return true;
		}
	}
	return false;
}

/* Is the RID attached to an IOAS that holds this target's bounce window? */
static bool window_in_attached_ioas(struct kt *k, struct kdev *d)
{
	struct kioas *io;
	uint32_t ioas;
	unsigned ctx;

	if (!rid_ioas(k, d, &ctx, &ioas) || !ioas)
		return false;
	io = kt_ioas_find(k, ctx, ioas);
	return io && io->window;
}

static void slot_of(struct kdev *d, void **uva, uint64_t *iova)
{
	struct kt *k = d->kt;
	size_t off = (size_t)d->f->slot * k->facts.slot_len;

	*uva = (char *)k->win_mem + off;
	*iova = k->facts.window.start + off;
}

static int bounce_get(void *arg, size_t len, void **uva, uint64_t *iova,
		      char *why, size_t why_len)
{
	struct kdev *d = arg;
	struct kioas *io;
	uint32_t ioas;
	unsigned ctx;

	if (!rid_ioas(d->kt, d, &ctx, &ioas)) {
		kt_say(why, why_len, "device not attached: no translation");
		return -ENOLINK;
	}
	if (!ioas) {
		kt_say(why, why_len, "nested HWPT: no IOAS holding the bounce page");
		return -ENOLINK;
	}
	io = kt_ioas_find(d->kt, ctx, ioas);
	if (!io || !io->window) {
		kt_say(why, why_len, "IOAS %u does not hold the bounce window",
		       ioas);
		return -ENOLINK;
	}
	if (len > d->kt->facts.slot_len) {
		kt_say(why, why_len, "bounce page too short");
		return -ENOLINK;
	}
	slot_of(d, uva, iova);
	return 0;
}

/*
 * After a transfer under test by a device without translation: attach it
 * to a private IOAS (window included) for the read-back, and detach again
 * in bounce_put. The device is blocked before and after, as it was.
 */
static int bounce_get_late(void *arg, size_t len, void **uva,
			   uint64_t *iova, char *why, size_t why_len)
{
	struct kdev *d = arg;
	struct kt *k = d->kt;
	int fd = k->ufd[d->ctx], ret;
	uint32_t ioas, pt;
	unsigned ctx;

	if (rid_ioas(k, d, &ctx, &pt))
		return bounce_get(arg, len, uva, iova, why, why_len);
	if (fd < 0 || !have_window(k)) {
		kt_say(why, why_len, "no context or window to lend a translation from");
		return -ENOLINK;
	}
	ret = ufd_ioas_alloc(fd, &ioas);
	if (ret) {
		kt_say(why, why_len, "IOAS for the read-back: %d", ret);
		return ret;
	}
	ret = window_map(k, d->ctx, ioas);
	pt = ioas;
	if (!ret)
		ret = vfio_attach_pt(d->fd, &pt);
	if (ret) {
		kt_say(why, why_len, "lending a translation for the read-back: %d",
		       ret);
		ufd_destroy(fd, ioas);
		return -ENOLINK;
	}
	d->lent = true;
	d->lent_ioas = ioas;
	slot_of(d, uva, iova);
	return 0;
}

static void bounce_put(void *arg)
{
	struct kdev *d = arg;
	int fd = d->kt->ufd[d->ctx];

	if (!d->lent)
		return;
	vfio_detach_pt(d->fd);
	ufd_destroy(fd, d->lent_ioas);
	d->lent = false;
}

/* --- the engine ---------------------------------------------------------- */

void kt_engine_drop(struct kdev *d)
{
	dma_engine_close(d->eng);
	d->eng = NULL;
	if (d->have_io)
		dma_vfio_io_free(&d->io);
	d->have_io = false;
}

/* The engine of a bound device, set up on its first DMA (no transfer). */
static int engine_of(struct kdev *d, char *ev, size_t evlen)
{
	struct dma_bounce b = { bounce_get, bounce_get_late, bounce_put, d };
	int ret;

	if (d->eng)
		return 0;
	if (!d->have_io) {
		ret = dma_vfio_io(d->fd, &d->io);
		if (ret)
			return ret;
		d->have_io = true;
	}
	return dma_engine_open(d->f->engine, &d->io, d->f->bdf, &b,
			       DMA_WAIT_AUTO, d->f->reach, &d->eng, ev, evlen);
}

int kt_dma(struct target *t, unsigned dev, uint32_t pasid, enum dma_dir dir,
	   uint64_t iova, void *buf, size_t len, char *ev, size_t evlen)
{
	struct kt *k = KT(t);
	char why[160];
	struct kdev *d;
	int ret;

	if (ev && evlen)
		ev[0] = '\0';
	if (!ev) {
		ev = why;
		evlen = sizeof(why);
	}
	if (dev >= k->ndev || !k->dev[dev].f->engine)
		return -T_UNSUPPORTED;
	d = &k->dev[dev];
	if (pasid != T_NO_PASID && !d->f->engine->tags_pasid) {
		snprintf(ev, evlen, "%s: the %s engine cannot tag DMA with a PASID",
			 d->f->bdf, d->f->engine->name);
		return -T_UNSUPPORTED;
	}
	if (d->fd < 0) {
		snprintf(ev, evlen, "%s: not bound, no device fd to drive DMA",
			 d->f->bdf);
		return -T_UNSUPPORTED;
	}
	ret = engine_of(d, ev, evlen);
	if (ret)
		return ret;
	d->eng->tag_pasid = pasid != T_NO_PASID;
	d->eng->pasid = d->eng->tag_pasid ? pasid : 0;
	if (dir == DMA_TO_MEMORY)
		ret = dma_engine_write(d->eng, iova, buf, len, ev, evlen);
	else
		ret = dma_engine_read(d->eng, iova, buf, len, ev, evlen);
	d->eng->tag_pasid = false;
	return kt_dma_verdict(ret, window_in_attached_ioas(k, d), ev, evlen);
}

int kt_dma_verdict(int ret, bool window_attached, char *ev, size_t evlen)
{
	if (ret == -ENOLINK && window_attached) {
		/* The engine's own page is mapped in the IOAS the RID is
		 * attached to, and still did not translate: that is a
		 * translation failure of the driver, not a limit. */
		size_t n = strlen(ev);

		snprintf(ev + n, evlen - n,
			 "%sthe engine's window page, mapped in the attached IOAS, did not translate",
			 n ? "; " : "");
		return -EIO;
	}
	/* Nothing ran, the engine cannot do this transfer (-EOPNOTSUPP), or
	 * what the device moved cannot be known here (no translation to load
	 * or read back through): a limit, not a verdict. */
	return ret == -ENOLINK || ret == -EOPNOTSUPP ? -T_UNSUPPORTED : ret;
}
