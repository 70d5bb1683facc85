// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel target: real IOMMU drivers through /dev/iommu and the VFIO
 * device cdev, every operation through src/uapi, DMA through src/dma.
 *
 * Devices are the BDFs the user named; they must be bound to vfio-pci (with
 * allow_rebind we may bind a named device there through driver_override;
 * we never touch a device that was not named). Capabilities come from
 * sysfs and from a probe bind on a private iommufd at open. Two iommufd
 * contexts are open for the target's life; IDs handed out carry the context
 * in their top byte (T_ID_MAKE).
 *
 * DMA (edu) needs a bounce page in the device's current translation to load
 * a payload and to read back what the device read (src/dma/dma.h). It is
 * mapped into the IOAS behind the RID's attachment (or a group sibling's)
 * at a free IOVA near the top of the engine's reach, only for the length of
 * one dma op, and unmapped before the op returns: scenarios never see it in
 * IOVA_RANGES, UNMAP counts or dirty bitmaps outside the op. Its map and
 * unmap cause invalidations of that page only (page-selective on VT-d and
 * AMD-Vi), after the scenario's own change, so a stale IOTLB entry for a
 * scenario IOVA is still seen. A device without translation gets no payload
 * (the write runs with whatever the device buffer holds, which still shows
 * a leak), and a read by such a device is read back through a private IOAS
 * attached only after the read under test, then detached again.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../dma/dma.h"
#include "../uapi/iommufd.h"
#include "../uapi/vfio_cdev.h"
#include "target.h"

#define KT_MAX_HWPT 256
#define KT_NCTX 2
#define SYS_PCI "/sys/bus/pci/devices"
#define PROBE_PASID 1

_Static_assert(sizeof(struct iova_range) == sizeof(struct iommu_iova_range),
	       "struct iova_range mirrors struct iommu_iova_range");

/* What we know of an HWPT we allocated: where its mappings come from. */
struct khwpt {
	unsigned ctx;
	uint32_t id;   /* raw */
	uint32_t ioas; /* raw IOAS its mappings follow; 0: none (nested) */
};

struct kdev {
	char bdf[32];
	char cdev[64];
	int fd; /* -1: not bound */
	unsigned ctx;
	uint32_t devid;
	/* The RID's translation, for the DMA engine's bounce buffer. */
	bool attached;
	unsigned att_ctx;
	uint32_t att_ioas; /* raw; 0 when it has no IOAS (nested) */
	bool has_engine; /* the open-time probe found one */
	uint64_t dma_limit; /* the engine reaches IOVAs below this */
	bool have_io;
	struct dma_dev_io io;
	struct dma_engine *eng;
	/* Bounce buffer: engine-owned memory, mapped per operation. */
	void *bmem;
	size_t blen;
	bool bmapped;
	bool btemp; /* bioas is a private IOAS attached for a read-back */
	/* The bounce page stays mapped because the context's /dev/iommu was
	 * closed (close_ctx): nothing can map or unmap in it any more. */
	bool bparked;
	void *buva;
	unsigned bctx;
	uint32_t bioas;
	uint64_t biova, bmaplen;
	struct kt *kt;
};

struct kt {
	struct target t;
	int ufd[KT_NCTX];
	unsigned ndev;
	struct kdev dev[T_MAX_DEVS];
	struct khwpt hwpt[KT_MAX_HWPT];
	unsigned nhwpt;
	/* close_ctx: ufd[c] closed while devices still hold the context;
	 * reopened fresh when the last of them unbinds. */
	bool ctx_closed[KT_NCTX];
	char profile[32];
	char iommu_names[T_MAX_DEVS][32];
	unsigned niommu;
	int fail_nth_fd;
};

static struct kt *KT(struct target *t)
{
	return (struct kt *)t;
}

/* --- small helpers ------------------------------------------------------ */

static void say(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

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

/* Context and raw kernel ID of a target ID. An ID whose top byte names no
 * context goes to context 0 unchanged, so the kernel judges it. */
static int id_fd(struct kt *k, uint32_t id, uint32_t *raw, unsigned *ctx)
{
	unsigned c = T_ID_CTX(id);

	if (c < KT_NCTX) {
		*raw = id & 0xffffffu;
	} else {
		c = 0;
		*raw = id;
	}
	if (ctx)
		*ctx = c;
	return k->ufd[c];
}

static uint32_t out_id(unsigned ctx, uint32_t raw)
{
	return raw > 0xffffffu ? raw : T_ID_MAKE(ctx, raw);
}

static struct khwpt *hwpt_find(struct kt *k, unsigned ctx, uint32_t raw)
{
	for (unsigned i = 0; i < k->nhwpt; i++)
		if (k->hwpt[i].ctx == ctx && k->hwpt[i].id == raw)
			return &k->hwpt[i];
	return NULL;
}

static bool dev_ok(struct kt *k, unsigned dev)
{
	return dev < k->ndev;
}

/* --- bounce buffer for the DMA engine ------------------------------------ */

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

/* Map the bounce page into ioas at a free IOVA below limit. */
static int bounce_map(struct kdev *d, unsigned ctx, uint32_t ioas, size_t len,
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
		say(why, why_len, "IOVA_RANGES for the bounce page: %d", ret);
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
				say(why, why_len, "mapping the bounce page: %d",
				    ret);
				return ret;
			}
			if (cand < r[i].start + 0x100000)
				break;
			cand = (cand - 0x100000) / align * align;
		}
	}
	say(why, why_len, "no free IOVA for a bounce page below 0x%" PRIx64,
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
			say(why, why_len, "parked bounce page too short");
			return -ENOLINK;
		}
		*uva = d->buva;
		*iova = d->biova;
		return 0;
	}
	if (!rid_ioas(d->kt, d, &ctx, &ioas)) {
		say(why, why_len, "device not attached: no translation");
		return -ENOLINK;
	}
	if (!ioas) {
		say(why, why_len, "nested HWPT: no IOAS to map a bounce page");
		return -ENOLINK;
	}
	return bounce_map(d, ctx, ioas, len, limit, uva, iova, why, why_len);
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

	if (rid_ioas(d->kt, d, &ctx, &pt))
		return bounce_get(arg, len, limit, uva, iova, why, why_len);
	ret = ufd_ioas_alloc(fd, &ioas);
	if (ret) {
		say(why, why_len, "IOAS for the read-back: %d", ret);
		return ret;
	}
	pt = ioas;
	ret = vfio_attach_pt(d->fd, &pt);
	if (ret) {
		say(why, why_len, "attach for the read-back: %d", ret);
		ufd_destroy(fd, ioas);
		return -ENOLINK;
	}
	ret = bounce_map(d, d->ctx, ioas, len, limit, uva, iova, why,
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

static void engine_drop(struct kdev *d)
{
	dma_engine_close(d->eng);
	d->eng = NULL;
	if (d->have_io)
		dma_vfio_io_free(&d->io);
	d->have_io = false;
}

/* --- ops ----------------------------------------------------------------- */

static int k_ioas_alloc(struct target *t, unsigned ctx, uint32_t *ioas_id)
{
	struct kt *k = KT(t);
	uint32_t raw;
	int ret;

	if (ctx >= KT_NCTX)
		return -EINVAL;
	ret = ufd_ioas_alloc(k->ufd[ctx], &raw);
	if (!ret)
		*ioas_id = out_id(ctx, raw);
	return ret;
}

static int k_destroy(struct target *t, uint32_t id)
{
	struct kt *k = KT(t);
	unsigned ctx;
	uint32_t raw;
	int fd = id_fd(k, id, &raw, &ctx), ret;
	struct khwpt *h;

	ret = ufd_destroy(fd, raw);
	if (!ret && (h = hwpt_find(k, ctx, raw)))
		*h = k->hwpt[--k->nhwpt];
	return ret;
}

static int k_ioas_map(struct target *t, uint32_t ioas_id, uint32_t flags,
		      void *uva, uint64_t len, uint64_t *iova)
{
	uint32_t raw;
	int fd = id_fd(KT(t), ioas_id, &raw, NULL);

	return ufd_ioas_map(fd, raw, flags, uva, len, iova);
}

static int k_ioas_unmap(struct target *t, uint32_t ioas_id, uint64_t iova,
			uint64_t len, uint64_t *unmapped)
{
	uint32_t raw;
	int fd = id_fd(KT(t), ioas_id, &raw, NULL);

	return ufd_ioas_unmap(fd, raw, iova, len, unmapped);
}

static int k_ioas_copy(struct target *t, uint32_t dst_ioas, uint32_t src_ioas,
		       uint32_t flags, uint64_t src_iova, uint64_t len,
		       uint64_t *dst_iova)
{
	uint32_t draw, sraw;
	int fd = id_fd(KT(t), dst_ioas, &draw, NULL);

	id_fd(KT(t), src_ioas, &sraw, NULL);
	return ufd_ioas_copy(fd, draw, sraw, flags, src_iova, len, dst_iova);
}

static int k_iova_ranges(struct target *t, uint32_t ioas_id,
			 struct iova_range *ranges, unsigned *n,
			 uint64_t *alignment)
{
	uint32_t raw, num = *n;
	int fd = id_fd(KT(t), ioas_id, &raw, NULL), ret;

	ret = ufd_ioas_iova_ranges(fd, raw, (struct iommu_iova_range *)ranges,
				   &num, alignment);
	if (!ret || ret == -EMSGSIZE)
		*n = num;
	return ret;
}

static int k_allow_iovas(struct target *t, uint32_t ioas_id,
			 const struct iova_range *ranges, unsigned n)
{
	uint32_t raw;
	int fd = id_fd(KT(t), ioas_id, &raw, NULL);

	return ufd_ioas_allow_iovas(fd, raw,
				    (const struct iommu_iova_range *)ranges,
				    n);
}

static int k_hwpt_alloc(struct target *t, unsigned dev, uint32_t pt_id,
			uint32_t flags, uint32_t data_type, const void *data,
			uint32_t data_len, uint32_t *hwpt_id)
{
	struct kt *k = KT(t);
	struct khwpt *parent;
	unsigned ctx;
	uint32_t raw, out, devid = 0;
	int fd = id_fd(k, pt_id, &raw, &ctx), ret;

	if (!dev_ok(k, dev))
		return -T_UNSUPPORTED;
	/* An unbound device has no device ID: the kernel is asked with 0
	 * (no object) and judges. */
	if (k->dev[dev].fd >= 0) {
		ctx = k->dev[dev].ctx;
		fd = k->ufd[ctx];
		devid = k->dev[dev].devid;
	}
	ret = ufd_hwpt_alloc(fd, flags, devid, raw, data_type, data, data_len,
			     0, &out);
	if (ret)
		return ret;
	*hwpt_id = out_id(ctx, out);
	if (k->nhwpt < KT_MAX_HWPT) {
		parent = hwpt_find(k, ctx, raw);
		k->hwpt[k->nhwpt++] = (struct khwpt){
			.ctx = ctx,
			.id = out,
			.ioas = data_type ? 0 : parent ? parent->ioas : raw,
		};
	}
	return 0;
}

static int k_hwpt_invalidate(struct target *t, uint32_t hwpt_id,
			     uint32_t data_type, const void *reqs,
			     uint32_t entry_len, uint32_t *entry_num)
{
	uint32_t raw;
	int fd = id_fd(KT(t), hwpt_id, &raw, NULL);

	return ufd_hwpt_invalidate(fd, raw, data_type, reqs, entry_len,
				   entry_num);
}

static int k_hw_info(struct target *t, unsigned dev, void *data,
		     uint32_t *data_len, uint64_t *caps,
		     uint8_t *max_pasid_log2)
{
	struct kt *k = KT(t);
	struct ufd_hw_info hi;
	struct kdev *d;
	int ret;

	if (!dev_ok(k, dev))
		return -T_UNSUPPORTED;
	d = &k->dev[dev];
	ret = ufd_get_hw_info(k->ufd[d->fd >= 0 ? d->ctx : 0],
			      d->fd >= 0 ? d->devid : 0, 0, 0, data, data_len,
			      &hi);
	if (ret)
		return ret;
	if (caps)
		*caps = hi.capabilities;
	if (max_pasid_log2)
		*max_pasid_log2 = hi.max_pasid_log2;
	return 0;
}

static int k_option_huge_pages(struct target *t, uint32_t ioas_id, bool set,
			       uint64_t *val)
{
	uint32_t raw;
	int fd = id_fd(KT(t), ioas_id, &raw, NULL);

	return ufd_option(fd, IOMMU_OPTION_HUGE_PAGES,
			  set ? IOMMU_OPTION_OP_SET : IOMMU_OPTION_OP_GET, raw,
			  val);
}

static int k_set_dirty_tracking(struct target *t, uint32_t hwpt_id,
				bool enable)
{
	uint32_t raw;
	int fd = id_fd(KT(t), hwpt_id, &raw, NULL);

	return ufd_hwpt_set_dirty_tracking(fd, raw, enable);
}

static int k_get_dirty_bitmap(struct target *t, uint32_t hwpt_id,
			      uint64_t iova, uint64_t len, uint64_t page_size,
			      uint32_t flags, uint64_t *bitmap)
{
	uint32_t raw;
	int fd = id_fd(KT(t), hwpt_id, &raw, NULL);

	return ufd_hwpt_get_dirty_bitmap(fd, raw, flags, iova, len, page_size,
					 bitmap);
}

static int k_raw_ioctl(struct target *t, unsigned ctx, unsigned long cmd,
		       void *arg)
{
	if (ctx >= KT_NCTX)
		return -EINVAL;
	return ufd_raw(KT(t)->ufd[ctx], cmd, arg);
}

static int k_bind(struct target *t, unsigned dev, unsigned ctx)
{
	struct kt *k = KT(t);
	struct kdev *d;
	uint32_t devid;
	int fd, ret;

	if (!dev_ok(k, dev) || ctx >= KT_NCTX)
		return -T_UNSUPPORTED;
	if (k->ufd[ctx] < 0)
		return -EBADF; /* closed by close_ctx */
	d = &k->dev[dev];
	/* A second bind goes to the same cdev fd, as user space would. */
	if (d->fd >= 0)
		return vfio_bind_iommufd(d->fd, k->ufd[ctx], NULL);
	fd = vfio_cdev_open(d->cdev);
	if (fd < 0)
		return fd;
	ret = vfio_bind_iommufd(fd, k->ufd[ctx], &devid);
	if (ret) {
		close(fd);
		return ret;
	}
	d->fd = fd;
	d->ctx = ctx;
	d->devid = devid;
	d->attached = false;
	return 0;
}

/* The context closed by close_ctx, once no bound device holds it: the
 * kernel released it with the last device fd; open a fresh one. */
static void ctx_reopen_if_free(struct kt *k, unsigned ctx)
{
	unsigned n = 0;

	if (!k->ctx_closed[ctx])
		return;
	for (unsigned i = 0; i < k->ndev; i++)
		if (k->dev[i].fd >= 0 && k->dev[i].ctx == ctx)
			return;
	k->ufd[ctx] = ufd_open();
	if (k->ufd[ctx] < 0) {
		k->ufd[ctx] = -1; /* ops on the context keep failing EBADF */
		return;
	}
	k->ctx_closed[ctx] = false;
	for (unsigned i = 0; i < k->nhwpt; i++)
		if (k->hwpt[i].ctx != ctx)
			k->hwpt[n++] = k->hwpt[i];
	k->nhwpt = n;
}

/*
 * OBJ-10: close context ctx's /dev/iommu. Each bound, attached device with
 * a DMA engine first gets a bounce page parked in its IOAS, since no map
 * or unmap can reach the context afterwards; it goes with the context.
 */
static int k_close_ctx(struct target *t, unsigned ctx)
{
	struct kt *k = KT(t);

	if (ctx >= KT_NCTX)
		return -T_UNSUPPORTED;
	if (k->ufd[ctx] < 0)
		return -EBADF;
	for (unsigned i = 0; i < k->ndev; i++) {
		struct kdev *d = &k->dev[i];
		char why[160];
		uint32_t ioas;
		uint64_t iova;
		unsigned c;
		void *uva;

		if (d->fd < 0 || d->ctx != ctx || !d->has_engine ||
		    d->bmapped || !rid_ioas(k, d, &c, &ioas) || !ioas ||
		    c != ctx)
			continue;
		if (!bounce_map(d, ctx, ioas,
				d->eng ? d->eng->max_len : EDU_MAX_LEN,
				d->dma_limit ? d->dma_limit : EDU_IOVA_LIMIT,
				&uva, &iova, why, sizeof(why)))
			d->bparked = true;
	}
	close(k->ufd[ctx]);
	k->ufd[ctx] = -1;
	k->ctx_closed[ctx] = true;
	ctx_reopen_if_free(k, ctx);
	return 0;
}

/*
 * OWN-7: BIND through a second cdev fd of dev; the fd is closed again,
 * which undoes a BIND that succeeded.
 */
static int k_bind_second_fd(struct target *t, unsigned dev, unsigned ctx)
{
	struct kt *k = KT(t);
	uint32_t devid;
	int fd, ret;

	if (!dev_ok(k, dev) || ctx >= KT_NCTX)
		return -T_UNSUPPORTED;
	if (k->ufd[ctx] < 0)
		return -EBADF;
	fd = vfio_cdev_open(k->dev[dev].cdev);
	if (fd < 0)
		return fd;
	ret = vfio_bind_iommufd(fd, k->ufd[ctx], &devid);
	close(fd);
	return ret;
}

static int k_unbind(struct target *t, unsigned dev)
{
	struct kt *k = KT(t);
	struct kdev *d;

	if (!dev_ok(k, dev))
		return -T_UNSUPPORTED;
	d = &k->dev[dev];
	if (d->fd < 0)
		return -EBADF;
	engine_drop(d);
	close(d->fd);
	d->fd = -1;
	d->attached = false;
	if (d->bparked) /* released with the context */
		d->bparked = d->bmapped = false;
	ctx_reopen_if_free(k, d->ctx);
	return 0;
}

static int k_attach(struct target *t, unsigned dev, uint32_t pasid,
		    uint32_t pt_id, uint32_t *out_pt)
{
	struct kt *k = KT(t);
	struct khwpt *h;
	struct kdev *d;
	unsigned ctx;
	uint32_t raw, pt;
	int ret;

	if (!dev_ok(k, dev))
		return -T_UNSUPPORTED;
	d = &k->dev[dev];
	id_fd(k, pt_id, &raw, &ctx);
	pt = raw;
	if (d->fd < 0) {
		/* Not bound: ask through a cdev fd opened without BIND, as
		 * user space would; closing it undoes anything it did. */
		int fd = vfio_cdev_open(d->cdev);

		if (fd < 0)
			return fd;
		ret = pasid == T_NO_PASID ? vfio_attach_pt(fd, &pt) :
					    vfio_attach_pasid_pt(fd, pasid, &pt);
		close(fd);
		return ret;
	}
	if (pasid == T_NO_PASID)
		ret = vfio_attach_pt(d->fd, &pt);
	else
		ret = vfio_attach_pasid_pt(d->fd, pasid, &pt);
	if (ret)
		return ret;
	if (out_pt)
		*out_pt = out_id(d->ctx, pt);
	if (pasid == T_NO_PASID) {
		h = hwpt_find(k, d->ctx, raw);
		d->attached = true;
		d->att_ctx = d->ctx;
		d->att_ioas = h ? h->ioas : raw;
		/* A group has one translation: a replace through one member
		 * moves the attached siblings with it. */
		for (unsigned i = 0; i < k->ndev; i++) {
			struct kdev *o = &k->dev[i];

			if (o != d && o->fd >= 0 && o->attached &&
			    o->ctx == d->ctx &&
			    t->caps.dev[i].group == t->caps.dev[dev].group)
				o->att_ioas = d->att_ioas;
		}
	}
	return 0;
}

static int k_detach(struct target *t, unsigned dev, uint32_t pasid)
{
	struct kt *k = KT(t);
	struct kdev *d;
	int ret;

	if (!dev_ok(k, dev))
		return -T_UNSUPPORTED;
	d = &k->dev[dev];
	if (d->fd < 0) {
		int fd = vfio_cdev_open(d->cdev);

		if (fd < 0)
			return fd;
		ret = pasid == T_NO_PASID ? vfio_detach_pt(fd) :
					    vfio_detach_pasid_pt(fd, pasid);
		close(fd);
		return ret;
	}
	if (pasid == T_NO_PASID)
		ret = vfio_detach_pt(d->fd);
	else
		ret = vfio_detach_pasid_pt(d->fd, pasid);
	if (!ret && pasid == T_NO_PASID) {
		d->attached = false;
		/* A parked bounce page is no longer reachable; it stays
		 * mapped in the closed context until it is released. */
		d->bparked = false;
	}
	return ret;
}

static int k_dma(struct target *t, unsigned dev, uint32_t pasid,
		 enum dma_dir dir, uint64_t iova, void *buf, size_t len,
		 char *ev, size_t evlen)
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
	if (!dev_ok(k, dev) || !k->dev[dev].has_engine)
		return -T_UNSUPPORTED;
	d = &k->dev[dev];
	if (pasid != T_NO_PASID && !k->t.caps.dev[dev].dma_pasid) {
		snprintf(ev, evlen, "%s: its DMA engine cannot tag DMA with a PASID",
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
	d->eng->tag_pasid = pasid != T_NO_PASID;
	d->eng->pasid = d->eng->tag_pasid ? pasid : 0;
	if (dir == DMA_TO_MEMORY)
		ret = dma_engine_write(d->eng, iova, buf, len, ev, evlen);
	else
		ret = dma_engine_read(d->eng, iova, buf, len, ev, evlen);
	d->eng->tag_pasid = false;
	/* No way to see what the device read: not a verdict, a limit. */
	return ret == -ENOLINK ? -T_UNSUPPORTED : ret;
}

static int k_inject_fail_nth(struct target *t, unsigned nth)
{
	struct kt *k = KT(t);
	char s[16];
	int n;

	if (k->fail_nth_fd < 0)
		return -T_UNSUPPORTED;
	n = snprintf(s, sizeof(s), "%u", nth);
	if (pwrite(k->fail_nth_fd, s, n, 0) != n)
		return -errno;
	return 0;
}

static void k_close(struct target *t)
{
	struct kt *k = KT(t);

	for (unsigned i = 0; i < k->ndev; i++) {
		struct kdev *d = &k->dev[i];

		engine_drop(d);
		if (d->fd >= 0)
			close(d->fd);
		if (d->bmem)
			munmap(d->bmem, d->blen);
	}
	for (unsigned c = 0; c < KT_NCTX; c++)
		if (k->ufd[c] >= 0)
			close(k->ufd[c]);
	if (k->fail_nth_fd >= 0)
		close(k->fail_nth_fd);
	free(k);
}

static const struct target_ops kernel_ops = {
	.name = "kernel",
	.ioas_alloc = k_ioas_alloc,
	.destroy = k_destroy,
	.ioas_map = k_ioas_map,
	.ioas_unmap = k_ioas_unmap,
	.ioas_copy = k_ioas_copy,
	.iova_ranges = k_iova_ranges,
	.allow_iovas = k_allow_iovas,
	.hwpt_alloc = k_hwpt_alloc,
	.hwpt_invalidate = k_hwpt_invalidate,
	.hw_info = k_hw_info,
	.ioas_option_huge_pages = k_option_huge_pages,
	.set_dirty_tracking = k_set_dirty_tracking,
	.get_dirty_bitmap = k_get_dirty_bitmap,
	.raw_ioctl = k_raw_ioctl,
	.bind = k_bind,
	.unbind = k_unbind,
	.attach = k_attach,
	.detach = k_detach,
	.dma = k_dma,
	.close_ctx = k_close_ctx,
	.bind_second_fd = k_bind_second_fd,
	.inject_fail_nth = k_inject_fail_nth,
	.close = k_close,
};

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
			say(why, why_len, "error: %s is bound to %s, not vfio-pci (bind it to vfio-pci, or allow rebinding)",
			    bdf, drv);
		else
			say(why, why_len, "error: %s is not bound to vfio-pci (bind it, or allow rebinding)",
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
		say(why, why_len, "error: could not bind %s to vfio-pci (%s; is CONFIG_VFIO_PCI on?)",
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
		say(why, why_len, "error: PCI device %s does not exist",
		    cfg->devices[i]);
		return -ENODEV;
	}
	for (j = 0; j < i; j++)
		if (!strcmp(k->dev[j].bdf, d->bdf)) {
			say(why, why_len, "error: device %s named twice", d->bdf);
			return -EINVAL;
		}
	snprintf(path, sizeof(path), SYS_PCI "/%s/iommu_group", d->bdf);
	if (link_base(path, name, sizeof(name))) {
		say(why, why_len, "error: %s has no IOMMU group (no IOMMU enabled for it)",
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
		say(why, why_len, "error: %s has no VFIO device cdev (kernel without CONFIG_VFIO_DEVICE_CDEV)",
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
		say(why, why_len, "error: %s: %s missing (is devtmpfs mounted?)",
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
		say(why, why_len, "error: open /dev/iommu: %s", strerror(-ufd));
		return ufd;
	}
	fd = vfio_cdev_open(d->cdev);
	if (fd < 0) {
		say(why, why_len, "error: open %s (%s): %s", d->cdev, d->bdf,
		    strerror(-fd));
		close(ufd);
		return fd;
	}
	ret = vfio_bind_iommufd(fd, ufd, &devid);
	if (ret == -EPERM) {
		say(why, why_len, "error: VFIO_DEVICE_BIND_IOMMUFD on %s: EPERM (no MSI isolation; boot with iommufd.allow_unsafe_interrupts=1)",
		    d->bdf);
		*skip = true;
		goto out;
	}
	if (ret) {
		say(why, why_len, "error: VFIO_DEVICE_BIND_IOMMUFD on %s: %s",
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

struct target *kernel_target_open(const struct target_config *cfg, char *why,
				  size_t why_len, bool *skip)
{
	struct target_caps *caps;
	struct utsname u;
	char buf[64], pname[32], dropped[T_MAX_DEVS * 10] = "";
	const char *prof;
	struct kt *k;
	int ret;

	*skip = false;
	if (!cfg->ndevices) {
		say(why, why_len, "error: the kernel target needs devices to test (PCI BDFs bound to vfio-pci)");
		return NULL;
	}
	if (cfg->ndevices > T_MAX_DEVS) {
		say(why, why_len, "error: at most %d devices", T_MAX_DEVS);
		return NULL;
	}
	if (access("/dev/iommu", F_OK)) {
		say(why, why_len, "error: /dev/iommu not found (kernel without CONFIG_IOMMUFD)");
		*skip = true;
		return NULL;
	}
	k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->t.ops = &kernel_ops;
	k->t.priv = k;
	k->fail_nth_fd = -1;
	for (unsigned c = 0; c < KT_NCTX; c++)
		k->ufd[c] = -1;
	for (unsigned i = 0; i < T_MAX_DEVS; i++) {
		k->dev[i].fd = -1;
		k->dev[i].kt = k;
	}
	caps = &k->t.caps;
	caps->target = "kernel";
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
			say(why, why_len, "error: open /dev/iommu: %s",
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
	k->fail_nth_fd = open("/proc/thread-self/fail-nth",
			      O_RDWR | O_CLOEXEC);
	caps->fault_inject = k->fail_nth_fd >= 0;
	return &k->t;
fail:
	k_close(&k->t);
	return NULL;
}
