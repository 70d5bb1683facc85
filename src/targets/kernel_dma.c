// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel target's DMA: the engine of a bound device (src/dma), driven
 * through its VFIO device fd, and the bounce page it loads payloads from
 * and reads back through (see kernel.c's header for where it goes).
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

/* --- bounce buffer for the DMA engine ------------------------------------ */

/* The IOAS the device's RID translates through now: its own attachment
 * or, iommu groups being attached as one, a group sibling's. */
bool kt_rid_ioas(struct kt *k, struct kdev *d, unsigned *ctx, uint32_t *ioas)
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

/* Map the bounce page into ioas at a free IOVA below limit. */
int kt_bounce_map(struct kdev *d, unsigned ctx, uint32_t ioas, size_t len,
		  uint64_t limit, void **uva, uint64_t *iova, char *why,
		  size_t why_len)
{
	struct kt *k = d->kt;
	struct iommu_iova_range r[T_MAX_RANGES];
	uint32_t n = T_MAX_RANGES;
	uint64_t align = 0, maplen, cand;
	uintptr_t base;
	long pg = sysconf(_SC_PAGESIZE);
	int ret, fd;

	fd = k->ufd[ctx];
	ret = ufd_ioas_iova_ranges(fd, ioas, r, &n, &align);
	if (ret) {
		kt_say(why, why_len, "IOVA_RANGES for the bounce page: %d", ret);
		return ret;
	}
	if (n > T_MAX_RANGES)
		n = T_MAX_RANGES;
	if (align < (uint64_t)pg)
		align = pg;
	maplen = (len + align - 1) / align * align;
	if (d->blen < maplen) {
		void *m;

		if (d->bmem)
			munmap(d->bmem, d->blen);
		d->bmem = NULL;
		m = mmap(NULL, maplen + align, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (m == MAP_FAILED)
			return -ENOMEM;
		/* Keep the mapping simple: aligned start, whole length. */
		d->bmem = m;
		d->blen = maplen + align;
	}
	/* From the top of the engine's reach down, range by range: scenarios
	 * pick IOVAs from the bottom up, and a collision only costs a step. */
	base = ((uintptr_t)d->bmem + align - 1) & ~((uintptr_t)align - 1);
	for (unsigned i = n; i-- > 0;) {
		uint64_t top = r[i].last < limit - 1 ? r[i].last + 1 : limit;

		if (top < r[i].start + maplen)
			continue;
		cand = (top - maplen) / align * align;
		for (unsigned tries = 0; tries < 16 && cand >= r[i].start;
		     tries++) {
			uint64_t io = cand;

			ret = ufd_ioas_map(fd, ioas,
					   IOMMU_IOAS_MAP_FIXED_IOVA |
						   IOMMU_IOAS_MAP_READABLE |
						   IOMMU_IOAS_MAP_WRITEABLE,
					   (void *)base, maplen, &io);
			if (!ret) {
				d->bmapped = true;
				d->buva = (void *)base;
				d->bctx = ctx;
				d->bioas = ioas;
				d->biova = cand;
				d->bmaplen = maplen;
				*uva = (void *)base;
				*iova = cand;
				return 0;
			}
			if (ret != -EEXIST && ret != -EADDRINUSE &&
			    ret != -EINVAL) {
				kt_say(why, why_len, "mapping the bounce page: %d",
				       ret);
				return ret;
			}
			if (cand < r[i].start + 0x100000)
				break;
			cand = (cand - 0x100000) / align * align;
		}
	}
	kt_say(why, why_len, "no free IOVA for a bounce page below 0x%" PRIx64,
	       limit);
	return -ENOSPC;
}

static int bounce_get(void *arg, size_t len, uint64_t limit, void **uva,
		      uint64_t *iova, char *why, size_t why_len)
{
	struct kdev *d = arg;
	uint32_t ioas;
	unsigned ctx;

	if (d->bparked) {
		if (len > d->bmaplen) {
			kt_say(why, why_len, "parked bounce page too short");
			return -ENOLINK;
		}
		*uva = d->buva;
		*iova = d->biova;
		return 0;
	}
	if (!kt_rid_ioas(d->kt, d, &ctx, &ioas)) {
		kt_say(why, why_len, "device not attached: no translation");
		return -ENOLINK;
	}
	if (!ioas) {
		kt_say(why, why_len, "nested HWPT: no IOAS to map a bounce page");
		return -ENOLINK;
	}
	return kt_bounce_map(d, ctx, ioas, len, limit, uva, iova, why, why_len);
}

/*
 * After a read by a device without translation: attach it to a private
 * IOAS holding only the bounce page for the read-back, and detach again in
 * bounce_put. The device is blocked before and after, as it was.
 */
static int bounce_get_late(void *arg, size_t len, uint64_t limit,
			   void **uva, uint64_t *iova, char *why,
			   size_t why_len)
{
	struct kdev *d = arg;
	int fd = d->kt->ufd[d->ctx], ret;
	uint32_t ioas, pt;
	unsigned ctx;

	if (kt_rid_ioas(d->kt, d, &ctx, &pt))
		return bounce_get(arg, len, limit, uva, iova, why, why_len);
	ret = ufd_ioas_alloc(fd, &ioas);
	if (ret) {
		kt_say(why, why_len, "IOAS for the read-back: %d", ret);
		return ret;
	}
	pt = ioas;
	ret = vfio_attach_pt(d->fd, &pt);
	if (ret) {
		kt_say(why, why_len, "attach for the read-back: %d", ret);
		ufd_destroy(fd, ioas);
		return -ENOLINK;
	}
	ret = kt_bounce_map(d, d->ctx, ioas, len, limit, uva, iova, why,
			 why_len);
	if (ret) {
		vfio_detach_pt(d->fd);
		ufd_destroy(fd, ioas);
		return ret;
	}
	d->btemp = true;
	return 0;
}

static void bounce_put(void *arg)
{
	struct kdev *d = arg;
	int fd = d->kt->ufd[d->bctx];

	if (!d->bmapped || d->bparked)
		return;
	ufd_ioas_unmap(fd, d->bioas, d->biova, d->bmaplen, NULL);
	d->bmapped = false;
	if (d->btemp) {
		vfio_detach_pt(d->fd);
		ufd_destroy(fd, d->bioas);
		d->btemp = false;
	}
}

void kt_engine_drop(struct kdev *d)
{
	dma_engine_close(d->eng);
	d->eng = NULL;
	if (d->have_io)
		dma_vfio_io_free(&d->io);
	d->have_io = false;
}

int kt_dma(struct target *t, unsigned dev, uint32_t pasid, enum dma_dir dir,
	   uint64_t iova, void *buf, size_t len, char *ev, size_t evlen)
{
	struct kt *k = KT(t);
	struct dma_bounce b = { bounce_get, bounce_get_late, bounce_put,
				 NULL };
	char why[160];
	struct kdev *d;
	int ret;

	if (ev && evlen)
		ev[0] = '\0';
	if (!ev) {
		ev = why;
		evlen = sizeof(why);
	}
	if (dev >= k->ndev || !k->dev[dev].has_engine)
		return -T_UNSUPPORTED;
	d = &k->dev[dev];
	if (pasid != T_NO_PASID) {
		snprintf(ev, evlen, "%s: the edu engine cannot tag DMA with a PASID",
			 d->bdf);
		return -T_UNSUPPORTED;
	}
	if (d->fd < 0) {
		snprintf(ev, evlen, "%s: not bound, no device fd to drive DMA",
			 d->bdf);
		return -T_UNSUPPORTED;
	}
	if (!d->eng) {
		b.arg = d;
		if (!d->have_io) {
			ret = dma_vfio_io(d->fd, &d->io);
			if (ret)
				return ret;
			d->have_io = true;
		}
		ret = dma_engine_probe(&d->io, d->bdf, &b, DMA_WAIT_AUTO,
				       &d->eng, ev, evlen);
		if (ret)
			return ret;
		d->eng->iova_limit = d->dma_limit ? d->dma_limit :
						    EDU_IOVA_LIMIT;
	}
	if (dir == DMA_TO_MEMORY)
		ret = dma_engine_write(d->eng, iova, buf, len, ev, evlen);
	else
		ret = dma_engine_read(d->eng, iova, buf, len, ev, evlen);
	/* No way to see what the device read: not a verdict, a limit. */
	return ret == -ENOLINK ? -T_UNSUPPORTED : ret;
}

