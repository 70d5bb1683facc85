// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel target: real IOMMU drivers through /dev/iommu and the VFIO
 * device cdev, every operation through src/uapi, DMA through src/dma.
 *
 * Devices are the BDFs the user named; they must be bound to vfio-pci (with
 * allow_rebind we may bind a named device there through driver_override;
 * we never touch a device that was not named). What the target is and can
 * do is learnt once (kernel_discover.c); an open from that discovery only
 * opens the two iommufd contexts the target keeps for its life. IDs handed
 * out carry the context in their top byte (T_ID_MAKE).
 *
 * This file: the ops and the open. kernel_dma.c: DMA engines and the
 * bounce window every IOAS carries for them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../uapi/fail_nth.h"
#include "../uapi/iommufd.h"
#include "../uapi/vfio_cdev.h"
#include "kernel_int.h"

_Static_assert(sizeof(struct iova_range) == sizeof(struct iommu_iova_range),
	       "struct iova_range mirrors struct iommu_iova_range");

/* --- small helpers ------------------------------------------------------ */

void kt_say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

/* Context and raw kernel ID of a target ID. An ID whose top byte names no
 * context goes to context 0 unchanged, so the kernel judges it. */
int kt_id_fd(struct kt *k, uint32_t id, uint32_t *raw, unsigned *ctx)
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

struct kioas *kt_ioas_find(struct kt *k, unsigned ctx, uint32_t raw)
{
	for (unsigned i = 0; i < k->nioas; i++)
		if (k->ioas[i].ctx == ctx && k->ioas[i].id == raw)
			return &k->ioas[i];
	return NULL;
}

/* --- ops ----------------------------------------------------------------- */

static int k_ioas_alloc(struct target *t, unsigned ctx, uint32_t *ioas_id)
{
	uint32_t raw;
	int ret;

	if (ctx >= KT_NCTX)
		return -EINVAL;
	ret = kt_ioas_alloc(KT(t), ctx, &raw);
	if (!ret)
		*ioas_id = out_id(ctx, raw);
	return ret;
}

static int k_destroy(struct target *t, uint32_t id)
{
	struct kt *k = KT(t);
	unsigned ctx;
	uint32_t raw;
	int fd = kt_id_fd(k, id, &raw, &ctx), ret;
	struct khwpt *h;
	struct kioas *io;

	ret = ufd_destroy(fd, raw);
	if (!ret && (h = hwpt_find(k, ctx, raw)))
		*h = k->hwpt[--k->nhwpt];
	if (!ret && (io = kt_ioas_find(k, ctx, raw)))
		*io = k->ioas[--k->nioas];
	return ret;
}

static int k_ioas_map(struct target *t, uint32_t ioas_id, uint32_t flags,
		      void *uva, uint64_t len, uint64_t *iova)
{
	uint32_t raw;
	int fd = kt_id_fd(KT(t), ioas_id, &raw, NULL);

	return ufd_ioas_map(fd, raw, flags, uva, len, iova);
}

static int k_ioas_unmap(struct target *t, uint32_t ioas_id, uint64_t iova,
			uint64_t len, uint64_t *unmapped)
{
	unsigned ctx;
	uint32_t raw;

	kt_id_fd(KT(t), ioas_id, &raw, &ctx);
	return kt_ioas_unmap(KT(t), ctx, raw, iova, len, unmapped);
}

static int k_ioas_copy(struct target *t, uint32_t dst_ioas, uint32_t src_ioas,
		       uint32_t flags, uint64_t src_iova, uint64_t len,
		       uint64_t *dst_iova)
{
	uint32_t draw, sraw;
	int fd = kt_id_fd(KT(t), dst_ioas, &draw, NULL);

	kt_id_fd(KT(t), src_ioas, &sraw, NULL);
	return ufd_ioas_copy(fd, draw, sraw, flags, src_iova, len, dst_iova);
}

static int k_iova_ranges(struct target *t, uint32_t ioas_id,
			 struct iova_range *ranges, unsigned *n,
			 uint64_t *alignment)
{
	uint32_t raw, num = *n;
	int fd = kt_id_fd(KT(t), ioas_id, &raw, NULL), ret;

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
	int fd = kt_id_fd(KT(t), ioas_id, &raw, NULL);

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
	int fd = kt_id_fd(k, pt_id, &raw, &ctx), ret;

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
	int fd = kt_id_fd(KT(t), hwpt_id, &raw, NULL);

	return ufd_hwpt_invalidate(fd, raw, data_type, reqs, entry_len,
				   entry_num);
}

/* IOMMU_GET_HW_INFO on dev's context with flags and in_type as given. */
static int k_get_hw_info(struct target *t, unsigned dev, uint32_t flags,
			 uint32_t in_type, void *data, uint32_t *data_len,
			 struct ufd_hw_info *hi)
{
	struct kt *k = KT(t);
	struct kdev *d;

	if (!dev_ok(k, dev))
		return -T_UNSUPPORTED;
	d = &k->dev[dev];
	return ufd_get_hw_info(k->ufd[d->fd >= 0 ? d->ctx : 0],
			       d->fd >= 0 ? d->devid : 0, flags, in_type, data,
			       data_len, hi);
}

static int k_hw_info(struct target *t, unsigned dev, void *data,
		     uint32_t *data_len, uint64_t *caps,
		     uint8_t *max_pasid_log2)
{
	struct ufd_hw_info hi;
	int ret = k_get_hw_info(t, dev, 0, 0, data, data_len, &hi);

	if (ret)
		return ret;
	if (caps)
		*caps = hi.capabilities;
	if (max_pasid_log2)
		*max_pasid_log2 = hi.max_pasid_log2;
	return 0;
}

static int k_hw_info_type(struct target *t, unsigned dev, uint32_t flags,
			  uint32_t in_type, uint32_t *out_type)
{
	struct ufd_hw_info hi;
	uint32_t len = 0;
	int ret = k_get_hw_info(t, dev, flags, in_type, NULL, &len, &hi);

	if (!ret)
		*out_type = hi.data_type;
	return ret;
}

static int k_option_huge_pages(struct target *t, uint32_t ioas_id, bool set,
			       uint64_t *val)
{
	unsigned ctx;
	uint32_t raw;

	kt_id_fd(KT(t), ioas_id, &raw, &ctx);
	return kt_option_huge_pages(KT(t), ctx, raw, set, val);
}

static int k_set_dirty_tracking(struct target *t, uint32_t hwpt_id,
				bool enable)
{
	uint32_t raw;
	int fd = kt_id_fd(KT(t), hwpt_id, &raw, NULL);

	return ufd_hwpt_set_dirty_tracking(fd, raw, enable);
}

static int k_get_dirty_bitmap(struct target *t, uint32_t hwpt_id,
			      uint64_t iova, uint64_t len, uint64_t page_size,
			      uint32_t flags, uint64_t *bitmap)
{
	uint32_t raw;
	int fd = kt_id_fd(KT(t), hwpt_id, &raw, NULL);

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
	fd = vfio_cdev_open(d->f->cdev);
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
	n = 0;
	for (unsigned i = 0; i < k->nioas; i++)
		if (k->ioas[i].ctx != ctx)
			k->ioas[n++] = k->ioas[i];
	k->nioas = n;
}

/*
 * OBJ-10: close context ctx's /dev/iommu. Attached devices keep
 * translating through their IOAS, bounce window included, until unbound.
 */
static int k_close_ctx(struct target *t, unsigned ctx)
{
	struct kt *k = KT(t);

	if (ctx >= KT_NCTX)
		return -T_UNSUPPORTED;
	if (k->ufd[ctx] < 0)
		return -EBADF;
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
	fd = vfio_cdev_open(k->dev[dev].f->cdev);
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
	kt_engine_drop(d);
	close(d->fd);
	d->fd = -1;
	d->attached = false;
	ctx_reopen_if_free(k, d->ctx);
	return 0;
}

static int k_attach(struct target *t, unsigned dev, uint32_t pasid,
		    uint32_t pt_id, uint32_t *out_pt)
{
	struct kt *k = KT(t);
	struct kdev *d;
	unsigned ctx;
	uint32_t raw, pt;
	int ret;

	if (!dev_ok(k, dev))
		return -T_UNSUPPORTED;
	d = &k->dev[dev];
	kt_id_fd(k, pt_id, &raw, &ctx);
	pt = raw;
	if (d->fd < 0) {
		/* Not bound: ask through a cdev fd opened without BIND, as
		 * user space would; closing it undoes anything it did. */
		int fd = vfio_cdev_open(d->f->cdev);

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
	kt_note_attach(k, dev, pasid, raw);
	return 0;
}

/* iommufd takes VFIO's PASID 0 for IOMMU_NO_PASID (PASID-11): what it
 * attaches is the RID's translation, the one the bounce page follows. */
static bool is_rid_translation(uint32_t pasid)
{
	return pasid == T_NO_PASID || pasid == 0;
}

void kt_note_attach(struct kt *k, unsigned dev, uint32_t pasid, uint32_t raw)
{
	struct target *t = &k->t;
	struct kdev *d = &k->dev[dev];
	struct khwpt *h;

	if (is_rid_translation(pasid)) {
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
}

void kt_note_detach(struct kt *k, unsigned dev, uint32_t pasid)
{
	if (is_rid_translation(pasid))
		k->dev[dev].attached = false;
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
		int fd = vfio_cdev_open(d->f->cdev);

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
	if (!ret)
		kt_note_detach(k, dev, pasid);
	return ret;
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

		kt_engine_drop(d);
		if (d->fd >= 0)
			close(d->fd);
	}
	if (k->win_mem)
		munmap(k->win_mem, k->win_len);
	if (k->win_fd >= 0)
		close(k->win_fd);
	for (unsigned c = 0; c < KT_NCTX; c++)
		if (k->ufd[c] >= 0)
			close(k->ufd[c]);
	if (k->fail_nth_fd >= 0)
		close(k->fail_nth_fd);
	kt_unsafe_interrupts_restore(k);
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
	.hw_info_type = k_hw_info_type,
	.ioas_option_huge_pages = k_option_huge_pages,
	.set_dirty_tracking = k_set_dirty_tracking,
	.get_dirty_bitmap = k_get_dirty_bitmap,
	.raw_ioctl = k_raw_ioctl,
	.bind = k_bind,
	.unbind = k_unbind,
	.attach = k_attach,
	.detach = k_detach,
	.dma = kt_dma,
	.close_ctx = k_close_ctx,
	.bind_second_fd = k_bind_second_fd,
	.inject_fail_nth = k_inject_fail_nth,
	.close = k_close,
	.fault_queue_alloc = kt_fault_queue_alloc,
	.hwpt_alloc_fault = kt_hwpt_alloc_fault,
	.option_rlimit_mode = kt_option_rlimit_mode,
	.ioas_map_file = kt_ioas_map_file,
	.ioas_change_process = kt_ioas_change_process,
	.viommu_alloc = kt_viommu_alloc,
	.pin_counters = t_proc_pin_counters,
	.memlock_set = t_proc_memlock_set,
	.change_process_handoff = kt_change_process_handoff,
	.vfio_pt_raw = kt_vfio_pt_raw,
	.set_unsafe_interrupts = kt_set_unsafe_interrupts,
	.hot_reset_info = kt_hot_reset_info,
	.hot_reset = kt_hot_reset,
};


/* --- open, from a discovery ----------------------------------------------- */

static struct target *open_discovered(const struct target_discovery *disc,
				      char *why, size_t why_len)
{
	const struct kernel_facts *f = disc->facts;
	struct kt *k = calloc(1, sizeof(*k));

	if (!k) {
		kt_say(why, why_len, "out of memory");
		return NULL;
	}
	k->t.ops = &kernel_ops;
	k->t.priv = k;
	k->t.caps = disc->caps;
	k->facts = *f;
	k->t.caps.profile = k->facts.profile;
	k->fail_nth_fd = -1;
	k->unsafe_found = -1;
	k->win_fd = -1;
	for (unsigned c = 0; c < KT_NCTX; c++)
		k->ufd[c] = -1;
	k->ndev = f->ndev;
	for (unsigned i = 0; i < T_MAX_DEVS; i++) {
		k->dev[i].fd = -1;
		k->dev[i].f = &k->facts.dev[i];
		k->dev[i].kt = k;
	}
	for (unsigned c = 0; c < KT_NCTX; c++) {
		k->ufd[c] = ufd_open();
		if (k->ufd[c] < 0) {
			kt_say(why, why_len, "error: open /dev/iommu: %s",
			       strerror(-k->ufd[c]));
			goto fail;
		}
	}
	if (kt_window_alloc(k)) {
		kt_say(why, why_len, "out of memory for the bounce window");
		goto fail;
	}
	if (k->t.caps.fault_inject)
		k->fail_nth_fd = fail_nth_open(NULL);
	k->t.caps.fault_inject = k->fail_nth_fd >= 0;
	return &k->t;
fail:
	k_close(&k->t);
	return NULL;
}

/*
 * With cfg->discovery (made for this target) the open only opens the
 * contexts: no sysfs, no BIND, no engine probe, no DMA. Without it, it
 * discovers first, for this open alone.
 */
struct target *kernel_target_open(const struct target_config *cfg, char *why,
				  size_t why_len, bool *skip)
{
	struct target_discovery own = { 0 };
	struct target *t;

	*skip = false;
	if (cfg->discovery && cfg->discovery->kind->open == kernel_target_open)
		return open_discovered(cfg->discovery, why, why_len);
	if (kernel_target_discover(cfg, &own, why, why_len, skip))
		return NULL;
	t = open_discovered(&own, why, why_len);
	/* The devices stay vfio-pci's while this target is open. */
	((struct kernel_facts *)own.facts)->nrebound = 0;
	own.free_facts(own.facts);
	return t;
}
