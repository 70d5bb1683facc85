// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl ABI of /dev/iommu, modelled for OBJ-1..3: the dispatcher's rules
 * (iommufd_fops_ioctl(): unknown numbers, the leading size field with
 * copy_struct_from_user(), iommufd_ucmd_respond()) and each handler's
 * reserved-field and flag checks, then the handler runs on the model.
 *
 * IDs inside the structs are raw kernel IDs of the context the ioctl is sent
 * on (the top byte the model adds elsewhere is not there).
 *
 * MB_LAX_ABI (lax-abi) ignores a non-zero size tail and reserved fields.
 */
#include <errno.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>

#include "model.h"

#define OFFSETOFEND(t, f) (offsetof(t, f) + sizeof(((t *)0)->f))
#define RAW_MAX_RANGES 64

union abi_buf {
	struct iommu_destroy destroy;
	struct iommu_ioas_alloc ioas_alloc;
	struct iommu_ioas_iova_ranges ranges;
	struct iommu_ioas_allow_iovas allow;
	struct iommu_ioas_map map;
	struct iommu_ioas_unmap unmap;
	struct iommu_ioas_copy copy;
	struct iommu_option option;
	struct iommu_hwpt_alloc hwpt_alloc;
	struct iommu_hw_info hw_info;
	struct iommu_hwpt_set_dirty_tracking set_dirty;
	struct iommu_hwpt_get_dirty_bitmap get_dirty;
	struct iommu_hwpt_invalidate invalidate;
	struct iommu_ioas_change_process change_process;
	uint8_t bytes[128];
};

struct abi_ctx {
	struct model *m;
	unsigned ctx;
	bool lax;
};

typedef int (*abi_exec)(struct abi_ctx *x, union abi_buf *b);

struct abi_op {
	unsigned long cmd;
	uint32_t size, min_size;
	abi_exec exec; /* NULL: decoded, not executed (-T_UNSUPPORTED) */
};

/* A raw ID of this context as the model's encoded ID. */
static uint32_t enc(const struct abi_ctx *x, uint32_t raw)
{
	return raw > 0xffffff ? T_ID_MAKE(x->ctx, 0) : T_ID_MAKE(x->ctx, raw);
}

static uint32_t dec(uint32_t id)
{
	return id & 0xffffff;
}

static bool rsv(const struct abi_ctx *x, uint64_t v)
{
	return v && !x->lax;
}

static int x_destroy(struct abi_ctx *x, union abi_buf *b)
{
	return model_destroy(x->m, enc(x, b->destroy.id));
}

/* iommufd_ioas_alloc_ioctl() */
static int x_ioas_alloc(struct abi_ctx *x, union abi_buf *b)
{
	uint32_t id;
	int rc;

	if (rsv(x, b->ioas_alloc.flags))
		return -EOPNOTSUPP;
	rc = model_ioas_alloc(x->m, x->ctx, &id);
	if (!rc)
		b->ioas_alloc.out_ioas_id = dec(id);
	return rc;
}

/* iommufd_ioas_iova_ranges(): the header is written back even with
 * EMSGSIZE. */
static int x_ranges(struct abi_ctx *x, union abi_buf *b)
{
	struct iova_range r[RAW_MAX_RANGES];
	struct iommu_iova_range *out =
		(void *)(uintptr_t)b->ranges.allowed_iovas;
	unsigned n = RAW_MAX_RANGES, want = b->ranges.num_iovas;
	uint64_t align = 0;
	int rc;

	if (rsv(x, b->ranges.__reserved))
		return -EOPNOTSUPP;
	rc = model_iova_ranges(x->m, enc(x, b->ranges.ioas_id), r, &n, &align);
	if (rc && rc != -EMSGSIZE)
		return rc;
	if (!out && n && want)
		return -EFAULT;
	for (unsigned i = 0; i < n && i < want && i < RAW_MAX_RANGES; i++) {
		out[i].start = r[i].start;
		out[i].last = r[i].last;
	}
	b->ranges.num_iovas = n;
	b->ranges.out_iova_alignment = align;
	return n > want ? -EMSGSIZE : 0;
}

/* iommufd_ioas_allow_iovas() */
static int x_allow(struct abi_ctx *x, union abi_buf *b)
{
	const struct iommu_iova_range *in =
		(const void *)(uintptr_t)b->allow.allowed_iovas;
	struct iova_range r[T_MAX_RANGES];

	if (rsv(x, b->allow.__reserved))
		return -EOPNOTSUPP;
	if (b->allow.num_iovas > T_MAX_RANGES)
		return -ENOMEM;
	if (b->allow.num_iovas && !in)
		return -EFAULT;
	for (unsigned i = 0; i < b->allow.num_iovas; i++) {
		r[i].start = in[i].start;
		r[i].last = in[i].last;
	}
	return model_allow_iovas(x->m, enc(x, b->allow.ioas_id), r,
				 b->allow.num_iovas);
}

/* MB_LAX_ABI: MAP and COPY drop unknown flag bits instead of refusing them. */
static uint32_t lax_map_flags(const struct abi_ctx *x, uint32_t flags)
{
	if (x->lax)
		flags &= T_MAP_FIXED_IOVA | T_MAP_WRITEABLE | T_MAP_READABLE;
	return flags;
}

/* iommufd_ioas_map() */
static int x_map(struct abi_ctx *x, union abi_buf *b)
{
	uint64_t iova = b->map.iova;
	uint32_t flags = lax_map_flags(x, b->map.flags);
	int rc;

	if (!x->lax && b->map.__reserved)
		return -EOPNOTSUPP;
	rc = model_ioas_map(x->m, enc(x, b->map.ioas_id), flags,
			    (void *)(uintptr_t)b->map.user_va, b->map.length,
			    &iova);
	if (!rc)
		b->map.iova = iova;
	return rc;
}

static int x_unmap(struct abi_ctx *x, union abi_buf *b)
{
	uint64_t len = 0;
	int rc = model_ioas_unmap(x->m, enc(x, b->unmap.ioas_id),
				  b->unmap.iova, b->unmap.length, &len);

	if (!rc)
		b->unmap.length = len;
	return rc;
}

static int x_copy(struct abi_ctx *x, union abi_buf *b)
{
	uint64_t iova = b->copy.dst_iova;
	uint32_t flags = lax_map_flags(x, b->copy.flags);
	int rc;

	rc = model_ioas_copy(x->m, enc(x, b->copy.dst_ioas_id),
			     enc(x, b->copy.src_ioas_id), flags,
			     b->copy.src_iova, b->copy.length, &iova);
	if (!rc)
		b->copy.dst_iova = iova;
	return rc;
}

/* iommufd_option() */
static int x_option(struct abi_ctx *x, union abi_buf *b)
{
	struct iommu_option *o = &b->option;

	if (rsv(x, o->__reserved))
		return -EOPNOTSUPP;
	switch (o->option_id) {
	case IOMMU_OPTION_RLIMIT_MODE:
		/* iommufd_option_rlimit_mode(); the model runs as root */
		if (o->object_id)
			return -EOPNOTSUPP;
		if (o->op != IOMMU_OPTION_OP_GET &&
		    o->op != IOMMU_OPTION_OP_SET)
			return -EOPNOTSUPP;
		{
			uint64_t val = o->val64;
			int rc = model_option_rlimit_mode(
				x->m, x->ctx, o->op == IOMMU_OPTION_OP_SET,
				&val);

			o->val64 = val;
			return rc;
		}
	case IOMMU_OPTION_HUGE_PAGES: {
		uint64_t val = o->val64;
		uint32_t id = enc(x, o->object_id);
		int rc;

		/* iommufd_ioas_option(): the IOAS before the op */
		if (!model_ioas_exists(x->m, id))
			return -ENOENT;
		if (o->op != IOMMU_OPTION_OP_GET &&
		    o->op != IOMMU_OPTION_OP_SET)
			return -EOPNOTSUPP;
		rc = model_ioas_option_huge_pages(x->m, id,
						  o->op == IOMMU_OPTION_OP_SET,
						  &val);
		if (!rc)
			o->val64 = val;
		return rc;
	}
	default:
		return -EOPNOTSUPP;
	}
}

/* iommufd_hwpt_alloc() */
static int x_hwpt_alloc(struct abi_ctx *x, union abi_buf *b)
{
	struct iommu_hwpt_alloc *h = &b->hwpt_alloc;
	uint32_t id;
	int dev, rc;

	if (rsv(x, h->__reserved))
		return -EOPNOTSUPP;
	if ((h->data_type == IOMMU_HWPT_DATA_NONE && h->data_len) ||
	    (h->data_type != IOMMU_HWPT_DATA_NONE && !h->data_len))
		return -EINVAL;
	dev = model_dev_by_id(x->m, x->ctx, h->dev_id);
	if (dev < 0)
		return -ENOENT;
	rc = model_hwpt_alloc(x->m, (unsigned)dev, enc(x, h->pt_id), h->flags,
			      h->data_type, (const void *)(uintptr_t)h->data_uptr,
			      h->data_len, &id);
	if (!rc)
		h->out_hwpt_id = dec(id);
	return rc;
}

/* iommufd_get_hw_info() */
static int x_hw_info(struct abi_ctx *x, union abi_buf *b)
{
	struct iommu_hw_info *h = &b->hw_info;
	uint32_t len = h->data_len, type = 0;
	uint64_t caps = 0;
	uint8_t pasid = 0;
	int dev, rc;

	if (rsv(x, h->flags & ~IOMMU_HW_INFO_FLAG_INPUT_TYPE))
		return -EOPNOTSUPP;
	if (rsv(x, h->__reserved[0] | h->__reserved[1] | h->__reserved[2]))
		return -EOPNOTSUPP;
	dev = model_dev_by_id(x->m, x->ctx, h->dev_id);
	if (dev < 0)
		return -ENOENT;
	/* The type handshake first: a driver refuses an input type it does
	 * not know. */
	rc = model_hw_info_in_type(x->m, (unsigned)dev, h->flags,
				   h->in_data_type, &type);
	if (rc)
		return rc;
	rc = model_hw_info(x->m, (unsigned)dev,
			   (void *)(uintptr_t)h->data_uptr, &len, &caps, &pasid);
	if (rc)
		return rc;
	h->data_len = len;
	h->out_data_type = type;
	h->out_capabilities = caps;
	h->out_max_pasid_log2 = pasid;
	return 0;
}

/* iommufd_hwpt_set_dirty_tracking(): checks flags, not __reserved */
static int x_set_dirty(struct abi_ctx *x, union abi_buf *b)
{
	if (rsv(x, b->set_dirty.flags & ~IOMMU_HWPT_DIRTY_TRACKING_ENABLE))
		return -EOPNOTSUPP;
	return model_set_dirty_tracking(
		x->m, enc(x, b->set_dirty.hwpt_id),
		b->set_dirty.flags & IOMMU_HWPT_DIRTY_TRACKING_ENABLE);
}

static int x_get_dirty(struct abi_ctx *x, union abi_buf *b)
{
	struct iommu_hwpt_get_dirty_bitmap *g = &b->get_dirty;

	if (rsv(x, g->flags & ~IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) ||
	    rsv(x, g->__reserved))
		return -EOPNOTSUPP;
	return model_get_dirty_bitmap(
		x->m, enc(x, g->hwpt_id), g->iova, g->length, g->page_size,
		g->flags & IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
		(uint64_t *)(uintptr_t)g->data);
}

static int x_invalidate(struct abi_ctx *x, union abi_buf *b)
{
	struct iommu_hwpt_invalidate *v = &b->invalidate;
	uint32_t num = v->entry_num;
	int rc;

	if (rsv(x, v->__reserved)) {
		v->entry_num = 0;
		return -EOPNOTSUPP;
	}
	rc = model_hwpt_invalidate(x->m, enc(x, v->hwpt_id), v->data_type,
				   (const void *)(uintptr_t)v->data_uptr,
				   v->entry_len, &num);
	v->entry_num = num;
	return rc;
}

/* iommufd_ioas_change_process() */
static int x_change_process(struct abi_ctx *x, union abi_buf *b)
{
	if (rsv(x, b->change_process.__reserved))
		return -EOPNOTSUPP;
	return model_ioas_change_process(x->m, x->ctx);
}

#define OP(c, t, last, fn) { c, sizeof(t), OFFSETOFEND(t, last), fn }

/* iommufd_ioctl_ops[] of drivers/iommu/iommufd/main.c */
static const struct abi_op abi_ops[] = {
	OP(IOMMU_DESTROY, struct iommu_destroy, id, x_destroy),
	OP(IOMMU_FAULT_QUEUE_ALLOC, struct iommu_fault_alloc, out_fault_fd,
	   NULL),
	OP(IOMMU_GET_HW_INFO, struct iommu_hw_info, __reserved, x_hw_info),
	OP(IOMMU_HW_QUEUE_ALLOC, struct iommu_hw_queue_alloc, length, NULL),
	OP(IOMMU_HWPT_ALLOC, struct iommu_hwpt_alloc, __reserved,
	   x_hwpt_alloc),
	OP(IOMMU_HWPT_GET_DIRTY_BITMAP, struct iommu_hwpt_get_dirty_bitmap,
	   data, x_get_dirty),
	OP(IOMMU_HWPT_INVALIDATE, struct iommu_hwpt_invalidate, __reserved,
	   x_invalidate),
	OP(IOMMU_HWPT_SET_DIRTY_TRACKING, struct iommu_hwpt_set_dirty_tracking,
	   __reserved, x_set_dirty),
	OP(IOMMU_IOAS_ALLOC, struct iommu_ioas_alloc, out_ioas_id,
	   x_ioas_alloc),
	OP(IOMMU_IOAS_ALLOW_IOVAS, struct iommu_ioas_allow_iovas,
	   allowed_iovas, x_allow),
	OP(IOMMU_IOAS_CHANGE_PROCESS, struct iommu_ioas_change_process,
	   __reserved, x_change_process),
	OP(IOMMU_IOAS_COPY, struct iommu_ioas_copy, src_iova, x_copy),
	OP(IOMMU_IOAS_IOVA_RANGES, struct iommu_ioas_iova_ranges,
	   out_iova_alignment, x_ranges),
	OP(IOMMU_IOAS_MAP, struct iommu_ioas_map, iova, x_map),
	OP(IOMMU_IOAS_MAP_FILE, struct iommu_ioas_map_file, iova, NULL),
	OP(IOMMU_IOAS_UNMAP, struct iommu_ioas_unmap, length, x_unmap),
	OP(IOMMU_OPTION, struct iommu_option, val64, x_option),
	OP(IOMMU_VDEVICE_ALLOC, struct iommu_vdevice_alloc, virt_id, NULL),
	OP(IOMMU_VEVENTQ_ALLOC, struct iommu_veventq_alloc, out_veventq_fd,
	   NULL),
	OP(IOMMU_VFIO_IOAS, struct iommu_vfio_ioas, __reserved, NULL),
	OP(IOMMU_VIOMMU_ALLOC, struct iommu_viommu_alloc, out_viommu_id,
	   NULL),
};

/* iommufd_vfio_ioctl(): the type1 compat commands on /dev/iommu. */
static bool vfio_compat_cmd(unsigned long cmd)
{
	switch (cmd) {
	case VFIO_GET_API_VERSION:
	case VFIO_CHECK_EXTENSION:
	case VFIO_SET_IOMMU:
	case VFIO_IOMMU_GET_INFO:
	case VFIO_IOMMU_MAP_DMA:
	case VFIO_IOMMU_UNMAP_DMA:
	case VFIO_IOMMU_DIRTY_PAGES:
		return true;
	}
	return false;
}

/* The numbers iommufd_ioctl_ops[] spans (without IOMMU_TEST_CMD, which a
 * CONFIG_IOMMUFD_TEST kernel adds at 0xa0): _IOC_NR only, any type. */
static bool in_cmd_table(unsigned long cmd)
{
	return _IOC_NR(cmd) >= IOMMUFD_CMD_BASE &&
	       _IOC_NR(cmd) <= IOMMUFD_CMD_HW_QUEUE_ALLOC;
}

/* iommufd_fops_ioctl() */
int model_raw_ioctl(struct model *m, unsigned ctx, unsigned long cmd,
		    void *arg)
{
	struct abi_ctx x = { m, ctx, model_profile_of(m)->bug == MB_LAX_ABI };
	const struct abi_op *op = NULL;
	union abi_buf b;
	uint32_t usize;
	int rc;

	if (ctx >= model_profile_of(m)->nctx)
		return -EBADF;
	for (unsigned i = 0; i < sizeof(abi_ops) / sizeof(abi_ops[0]); i++)
		if (abi_ops[i].cmd == cmd)
			op = &abi_ops[i];
	if (!op) {
		/* Outside the table: the compat handler, before anything
		 * is read, -ENOIOCTLCMD for what it does not know. In the
		 * table with the wrong encoding: the size is read first
		 * (get_user(): EFAULT), then -ENOIOCTLCMD. The VFS turns
		 * -ENOIOCTLCMD into -ENOTTY. */
		if (model_profile_of(m)->bug == MB_UNKNOWN_IOCTL_EINVAL)
			return -EINVAL; /* a handler that answers everything */
		/* MB_UNKNOWN_IOCTL_READS_SIZE: every number reads the size
		 * first (OBJ-2) */
		if (!arg && (in_cmd_table(cmd) ||
			     model_profile_of(m)->bug ==
				     MB_UNKNOWN_IOCTL_READS_SIZE))
			return -EFAULT;
		return vfio_compat_cmd(cmd) ? -T_UNSUPPORTED : -ENOTTY;
	}
	if (!arg)
		return -EFAULT;
	memcpy(&usize, arg, sizeof(usize));
	if (usize < op->min_size)
		return -EINVAL;
	/* copy_struct_from_user(): a longer struct needs a zero tail */
	memset(&b, 0, sizeof(b));
	memcpy(&b, arg, usize < op->size ? usize : op->size);
	if (usize > op->size && !x.lax) {
		const uint8_t *p = arg;

		for (uint32_t i = op->size; i < usize; i++)
			if (p[i])
				return -E2BIG;
	}
	if (!op->exec)
		return -T_UNSUPPORTED;
	rc = op->exec(&x, &b);
	/* iommufd_ucmd_respond(): min(user size, struct size) back */
	if (!rc || rc == -EMSGSIZE || op->exec == x_invalidate)
		memcpy(arg, &b, usize < op->size ? usize : op->size);
	return rc;
}
