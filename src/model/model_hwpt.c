// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model (see model.c): the HWPT ops, allocation (paging and
 * nested), invalidation, hardware info and dirty tracking.
 */
#include <errno.h>
#include <linux/iommufd.h>
#include <stddef.h>
#include <string.h>

#include "model_int.h"

/* --- public: HWPT ----------------------------------------------------------*/

static int dev_check(const struct model *m, unsigned d)
{
	if (d >= m->p->ndev)
		return -EINVAL;
	if (m->dev[d].ctx < 0)
		return -ENOENT; /* no iommufd device ID to name it by */
	return 0;
}

/* iommufd_hwpt_alloc() with FAULT_ID_VALID: iommufd_get_fault() after the
 * domain exists; ENOENT for a missing or wrong-typed ID. */
static int take_fault(struct model *m, struct m_hwpt *h, uint32_t fault_id)
{
	const struct m_obj *o = obj_get(m, h->ctx, fault_id & 0xffffff);

	if (!o || o->type != MO_FAULT)
		return -ENOENT;
	/* MB_FAULT_QUEUE_UNHELD: the HWPT takes no reference (FAULT-1) */
	if (bug(m, MB_FAULT_QUEUE_UNHELD))
		return 0;
	h->fault = &m->fault[o->idx];
	h->fault->users++;
	return 0;
}

/* iommufd_hwpt_nested_alloc() + the driver's domain_alloc_nested() */
static int nested_alloc(struct model *m, unsigned d, struct m_hwpt *parent,
			uint32_t flags, uint32_t data_type, const void *data,
			uint32_t data_len, uint32_t fault_id,
			uint32_t *hwpt_id)
{
	const struct model_iommu *io = iommu_of(m, d);
	unsigned ctx = (unsigned)m->dev[d].ctx;
	struct m_hwpt *h;
	int rc;

	/* MB_NEST_NODATA_EINVAL: no driver data refused as invalid (NEST-1) */
	if (!data_len && parent->nest_parent && bug(m, MB_NEST_NODATA_EINVAL))
		return -EINVAL;
	if ((flags & ~(IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID)) ||
	    !data_len || !io->nested_data_type)
		return -EOPNOTSUPP;
	/* MB_NEST_ANY_PARENT: any manual paging HWPT is a parent (NEST-1) */
	if (parent->auto_domain ||
	    (!parent->nest_parent && !bug(m, MB_NEST_ANY_PARENT)))
		return -EINVAL;
	rc = model_hwpt_new(m, ctx, MO_HWPT_NESTED, &h);
	if (rc)
		return rc;
	h->nested = true;
	h->iotlb_valid = 0xf;
	h->parent = parent;
	parent->children++;
	h->iommu = m->p->dev[d].iommu;
	h->pasid_compat = flags & IOMMU_HWPT_ALLOC_PASID;
	/* intel_iommu_domain_alloc_nested(): the data type, then
	 * iommu_copy_struct_from_user() */
	if (data_type != io->nested_data_type)
		rc = -EOPNOTSUPP;
	else if (data_len < io->nested_data_len)
		rc = -EINVAL;
	else if (!data)
		rc = -EFAULT;
	else if (parent->iommu != h->iommu)
		rc = -EINVAL;
	else if (should_fail(m))
		rc = M_INJ_RC;
	if (!rc && (flags & IOMMU_HWPT_FAULT_ID_VALID))
		rc = take_fault(m, h, fault_id);
	if (rc) {
		model_hwpt_free(m, h);
		return rc;
	}
	*hwpt_id = obj_id(ctx, h->raw);
	return 0;
}

/* iommufd_hwpt_alloc() */
static int hwpt_alloc(struct model *m, unsigned dev, uint32_t pt_id,
		      uint32_t flags, uint32_t data_type, const void *data,
		      uint32_t data_len, uint32_t fault_id, uint32_t *hwpt_id)
{
	const struct m_obj *o;
	struct m_hwpt *h;
	unsigned ctx;
	int rc;

	CLOSED_CHECK(m, pt_id);
	/* MB_HWPT_DATA_LEN_UNCHECKED: a data type without data passes, and
	 * the allocation goes on without driver data (HWPT-6) */
	if ((data_type == IOMMU_HWPT_DATA_NONE && data_len) ||
	    (data_type != IOMMU_HWPT_DATA_NONE && !data_len &&
	     !bug(m, MB_HWPT_DATA_LEN_UNCHECKED)))
		return op_end(m, -EINVAL);
	rc = dev_check(m, dev);
	if (rc)
		return op_end(m, rc);
	ctx = (unsigned)m->dev[dev].ctx;
	o = obj_get(m, ctx, pt_id & 0xffffff);
	if (!o)
		/* the pt_id exception (OBJ-4); MB_PT_ID_ENOENT (HWPT-3) */
		return op_end(m, bug(m, MB_PT_ID_ENOENT) ? -ENOENT : -EINVAL);
	if (o->type == MO_IOAS) {
		rc = model_paging_alloc(m, &m->ioas[o->idx], dev, T_NO_PASID,
					flags, false, data_len != 0, &h);
		if (rc)
			return op_end(m, rc);
		if (flags & IOMMU_HWPT_FAULT_ID_VALID) {
			rc = take_fault(m, h, fault_id);
			if (rc) {
				model_hwpt_free(m, h);
				return op_end(m, rc);
			}
		}
		*hwpt_id = obj_id(ctx, h->raw);
		return op_end(m, 0);
	}
	if (o->type == MO_HWPT_PAGING)
		return op_end(m, nested_alloc(m, dev, &m->hwpt[o->idx], flags,
					      data_type, data, data_len,
					      fault_id, hwpt_id));
	if (o->type == MO_VIOMMU) {
		rc = model_nested_on_viommu(m, dev, o->idx, flags, data_type,
					    data, data_len, hwpt_id);
		if (rc || !(flags & IOMMU_HWPT_FAULT_ID_VALID))
			return op_end(m, rc);
		/* iommufd_get_fault() after the domain, as on an IOAS */
		h = &m->hwpt[obj_get(m, ctx, *hwpt_id & 0xffffff)->idx];
		rc = take_fault(m, h, fault_id);
		if (rc)
			model_hwpt_free(m, h);
		return op_end(m, rc);
	}
	return op_end(m, bug(m, MB_PT_ID_ENOENT) ? -ENOENT : -EINVAL);
}

int model_hwpt_alloc(struct model *m, unsigned dev, uint32_t pt_id,
		     uint32_t flags, uint32_t data_type, const void *data,
		     uint32_t data_len, uint32_t *hwpt_id)
{
	/* fault_id 0 is never an object */
	return hwpt_alloc(m, dev, pt_id, flags, data_type, data, data_len, 0,
			  hwpt_id);
}

int model_hwpt_alloc_fault(struct model *m, unsigned dev, uint32_t pt_id,
			   uint32_t flags, uint32_t fault_id,
			   uint32_t *hwpt_id)
{
	return hwpt_alloc(m, dev, pt_id, flags, IOMMU_HWPT_DATA_NONE, NULL, 0,
			  fault_id, hwpt_id);
}

int model_hwpt_alloc_nested_fault(struct model *m, unsigned dev,
				  uint32_t pt_id, uint32_t flags,
				  uint32_t fault_id, uint32_t data_type,
				  const void *data, uint32_t data_len,
				  uint32_t *hwpt_id)
{
	return hwpt_alloc(m, dev, pt_id, flags, data_type, data, data_len,
			  fault_id, hwpt_id);
}

/* iommufd_fault_alloc() */
int model_fault_queue_alloc(struct model *m, unsigned ctx, uint32_t *fault_id)
{
	struct m_fault *f;
	int rc;

	if (ctx >= m->p->nctx || ctx_closed(m, ctx))
		return op_end(m, -EBADF);
	rc = NEW_SLOT(m, ctx, m->fault, MO_FAULT, f);
	if (rc)
		return op_end(m, rc);
	f->users = 0;
	f->fd_open = false;
	f->n = 0;
	*fault_id = obj_id(ctx, f->raw);
	return op_end(m, 0);
}

/* iommufd_hwpt_invalidate() */
int model_hwpt_invalidate(struct model *m, uint32_t hwpt_id,
			  uint32_t data_type, const void *reqs,
			  uint32_t entry_len, uint32_t *entry_num)
{
	const struct m_obj *o;
	uint32_t num = *entry_num;
	struct m_hwpt *h;

	*entry_num = 0;
	CLOSED_CHECK(m, hwpt_id);
	/* MB_INVALIDATE_UNBOUNDED: no cap on entry_len (NEST-3) */
	if (num && (!reqs || !entry_len ||
		    (entry_len > M_PAGE && !bug(m, MB_INVALIDATE_UNBOUNDED)) ||
		    num > (1u << 19)))
		return op_end(m, -EINVAL);
	o = obj_get(m, T_ID_CTX(hwpt_id), hwpt_id & 0xffffff);
	if (!o)
		return op_end(m, -ENOENT);
	/* MB_INVALIDATE_PAGING_OK: a paging HWPT "invalidates" (NEST-2) */
	if (o->type == MO_HWPT_PAGING && bug(m, MB_INVALIDATE_PAGING_OK)) {
		*entry_num = num;
		return op_end(m, 0);
	}
	if (o->type == MO_VIOMMU)
		return op_end(m, model_viommu_invalidate(m, o->idx, data_type,
							 reqs, entry_len, num,
							 entry_num));
	if (o->type != MO_HWPT_NESTED)
		return op_end(m, -EINVAL);
	h = &m->hwpt[o->idx];
	/* intel_nested_cache_invalidate_user(): wrong type is EINVAL */
	if (data_type != m->p->iommu[h->iommu].inv_data_type)
		return op_end(m, -EINVAL);
	/* Entry by entry, stopping at the first refused one; entry_num
	 * says how many were handled (iommu_copy_struct_from_user_array():
	 * an entry shorter than its last field is EINVAL). */
	for (uint32_t i = 0; i < num; i++) {
		struct iommu_hwpt_vtd_s1_invalidate e;

		memset(&e, 0, sizeof(e));
		if (entry_len < offsetof(struct iommu_hwpt_vtd_s1_invalidate,
					 __reserved) + sizeof(e.__reserved)) {
			*entry_num = i;
			return op_end(m, -EINVAL);
		}
		memcpy(&e, (const uint8_t *)reqs + (size_t)i * entry_len,
		       entry_len < sizeof(e) ? entry_len : sizeof(e));
		/* copy_struct_from_user(): a longer entry has a zero tail */
		for (uint32_t k = sizeof(e); k < entry_len; k++)
			if (((const uint8_t *)reqs)[(size_t)i * entry_len + k]) {
				*entry_num = i;
				return op_end(m, -E2BIG);
			}
		if ((e.flags & ~IOMMU_VTD_INV_FLAGS_LEAF) || e.__reserved) {
			/* MB_INVALIDATE_COUNT_ASKED: entry_num echoes the
			 * request on a partial failure (NEST-5) */
			*entry_num = bug(m, MB_INVALIDATE_COUNT_ASKED) ? num : i;
			return op_end(m, -EOPNOTSUPP);
		}
		if (e.addr & (M_PAGE - 1) ||
		    (e.npages == UINT64_MAX && e.addr)) {
			*entry_num = bug(m, MB_INVALIDATE_COUNT_ASKED) ? num : i;
			return op_end(m, -EINVAL);
		}
		/* The entry is handled: its pages leave the IOTLB.
		 * MB_INVALIDATE_NOOP: reported handled, nothing dropped
		 * (NEST-6). */
		for (uint64_t p = 0; p < 4 && !bug(m, MB_INVALIDATE_NOOP); p++)
			if (p >= e.addr / M_PAGE &&
			    (e.npages == UINT64_MAX ||
			     p - e.addr / M_PAGE < e.npages))
				h->iotlb_valid &= (uint8_t)~(1u << p);
	}
	*entry_num = num;
	return op_end(m, 0);
}

/* iommufd_get_hw_info() */
int model_hw_info(struct model *m, unsigned dev, void *data,
		  uint32_t *data_len, uint64_t *caps, uint8_t *max_pasid_log2)
{
	const struct model_iommu *io;
	uint8_t blob[64] = { 0 };
	uint32_t copy, len;
	int rc = dev_check(m, dev);

	if (rc)
		return op_end(m, rc);
	/* IOMMU_GET_HW_INFO goes through the device's /dev/iommu fd */
	if (ctx_closed(m, (unsigned)m->dev[dev].ctx))
		return op_end(m, -EBADF);
	io = iommu_of(m, dev);
	len = io->hw_info_len;
	/* MB_HW_INFO_SHORT_LEN: the driver reports its blob 8 bytes short
	 * (OBJ-11) */
	if (bug(m, MB_HW_INFO_SHORT_LEN) && len >= 8)
		len -= 8;
	if (!data && *data_len)
		return op_end(m, -EFAULT); /* copy_to_user() */
	/* A fixed, recognisable driver blob: the first byte names the
	 * instance, the rest is zero. */
	blob[0] = (uint8_t)(0xa0 + m->p->dev[dev].iommu);
	copy = *data_len < len ? *data_len : len;
	if (copy)
		memcpy(data, blob, copy);
	/* MB_HW_INFO_NO_ZERO_FILL: the user tail is left as it was
	 * (OBJ-11) */
	if (copy < *data_len && !bug(m, MB_HW_INFO_NO_ZERO_FILL))
		memset((uint8_t *)data + copy, 0, *data_len - copy);
	*data_len = len;
	if (caps) {
		*caps = IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED;
		/* MB_HW_INFO_DIRTY_UNBACKED: the bit whatever the
		 * instance can do (OBJ-11) */
		if (io->dirty || bug(m, MB_HW_INFO_DIRTY_UNBACKED))
			*caps |= IOMMU_HW_CAP_DIRTY_TRACKING;
	}
	if (max_pasid_log2)
		*max_pasid_log2 = m->p->dev[dev].max_pasid_log2;
	return op_end(m, 0);
}

/*
 * iommufd_get_hw_info()'s type handshake: without IOMMU_HW_INFO_FLAG_INPUT_TYPE
 * the core clears in_data_type to DEFAULT; a driver with a hw_info op
 * refuses a type that is neither DEFAULT nor its own (intel_iommu_hw_info,
 * arm_smmu_hw_info, mock_domain_hw_info); without the op the core never
 * looks at it and reports NONE.
 */
int model_hw_info_in_type(struct model *m, unsigned dev, uint32_t flags,
			  uint32_t in_type, uint32_t *out_type)
{
	uint32_t type;
	int rc;

	if (flags & ~IOMMU_HW_INFO_FLAG_INPUT_TYPE)
		return op_end(m, -EOPNOTSUPP);
	rc = dev_check(m, dev);
	if (rc)
		return op_end(m, rc);
	if (ctx_closed(m, (unsigned)m->dev[dev].ctx))
		return op_end(m, -EBADF);
	/* MB_HW_INFO_TYPE_UNCLEARED: the input type is read whatever the
	 * flags say (OBJ-14) */
	if (!(flags & IOMMU_HW_INFO_FLAG_INPUT_TYPE) &&
	    !bug(m, MB_HW_INFO_TYPE_UNCLEARED))
		in_type = IOMMU_HW_INFO_TYPE_DEFAULT;
	type = model_hw_info_type(m, dev);
	if (type != IOMMU_HW_INFO_TYPE_NONE &&
	    in_type != IOMMU_HW_INFO_TYPE_DEFAULT && in_type != type)
		return op_end(m, -EOPNOTSUPP);
	*out_type = type;
	return op_end(m, 0);
}

/* MB_DIRTY_REENABLE_FIRST_ONLY: iopt_clear_dirty_data() stops after the
 * first mapping of the IOAS, so the others keep bits logged before the
 * enable (DIRTY-5). */
static void clear_first_area_dirty(struct m_hwpt *h)
{
	const struct m_area *first = NULL;
	const struct m_ioas *a = h->ioas;

	for (unsigned i = 0; i < a->narea; i++)
		if (!first || a->area[i].iova < first->iova)
			first = &a->area[i];
	for (unsigned k = 0; first && k < h->ndirty;) {
		if (h->dirty[k] >= first->iova &&
		    h->dirty[k] - first->iova < first->len) {
			h->dirty[k] = h->dirty[--h->ndirty];
			continue;
		}
		k++;
	}
}

/* Record dirty IOMMU page pg in the user bitmap of [iova, last], one bit
 * per page_size: every bit the page covers (iova_bitmap_set() sets the
 * IOPTE's whole range). bitmap may sit at any byte address; bits are set,
 * never cleared. MB_DIRTY_ONE_BIT sets only the first (DIRTY-7),
 * MB_DIRTY_BITMAP_U64_ALIGNED writes them from the u64 boundary below the
 * bitmap's address, as if its byte offset were dropped (DIRTY-8). */
static void record_dirty_bits(const struct model *m, uint64_t *bitmap,
			      uint64_t iova, uint64_t last, uint64_t page_size,
			      uint64_t pg)
{
	uint8_t *b = (uint8_t *)bitmap;
	uint64_t from = pg < iova ? iova : pg;
	uint64_t to = pg + M_PAGE - 1 > last ? last : pg + M_PAGE - 1;
	uint64_t first = (from - iova) / page_size, end = (to - iova) / page_size;

	if (bug(m, MB_DIRTY_ONE_BIT))
		end = first;
	if (bug(m, MB_DIRTY_BITMAP_U64_ALIGNED))
		b = (uint8_t *)((uintptr_t)bitmap & ~(uintptr_t)7);
	for (uint64_t bit = first; bit <= end; bit++)
		b[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

/* iommufd_hwpt_set_dirty_tracking() + iopt_set_dirty_tracking() */
int model_set_dirty_tracking(struct model *m, uint32_t hwpt_id, bool enable)
{
	struct m_hwpt *h = get_hwpt_paging(m, hwpt_id);

	CLOSED_CHECK(m, hwpt_id);
	if (!h)
		return op_end(m, model_lookup_err(m, hwpt_id));
	/* MB_DIRTY_NOCAP_OK: accepted and ignored (DIRTY-1) */
	if (!h->dirty_cap)
		return op_end(m, bug(m, MB_DIRTY_NOCAP_OK) ? 0 : -EOPNOTSUPP);
	/* iopt_clear_dirty_data(): clean snapshot; MB_DIRTY_STALE_ON_ENABLE
	 * skips it (DIRTY-2) */
	if (enable && bug(m, MB_DIRTY_REENABLE_FIRST_ONLY))
		clear_first_area_dirty(h);
	else if (enable && !bug(m, MB_DIRTY_STALE_ON_ENABLE))
		h->ndirty = 0;
	h->dirty_on = enable;
	return op_end(m, 0);
}

/* iommufd_hwpt_get_dirty_bitmap() -> iopt_read_and_clear_dirty_data() */
int model_get_dirty_bitmap(struct model *m, uint32_t hwpt_id, uint64_t iova,
			   uint64_t len, uint64_t page_size, uint32_t flags,
			   uint64_t *bitmap)
{
	struct m_hwpt *h;
	struct m_ioas *a;
	uint64_t last, align, cur;

	CLOSED_CHECK(m, hwpt_id);
	if (flags & ~IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR)
		return op_end(m, -EOPNOTSUPP);
	h = get_hwpt_paging(m, hwpt_id);
	if (!h)
		return op_end(m, model_lookup_err(m, hwpt_id));
	a = h->ioas;
	/* MB_NO_CLEAR_IGNORED: every read clears (DIRTY-3) */
	if (bug(m, MB_NO_CLEAR_IGNORED))
		flags &= ~IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR;
	/* iommufd_check_iova_range() */
	if (__builtin_add_overflow(iova, len - 1, &last))
		return op_end(m, e_overflow(m));
	align = ioas_align(a);
	/* MB_DIRTY_UNALIGNED_OK: the alignment checks are missing, a
	 * misaligned range is read from its first byte (DIRTY-4) */
	if (((iova & (align - 1)) || ((last + 1) & (align - 1))) &&
	    !bug(m, MB_DIRTY_UNALIGNED_OK))
		return op_end(m, -EINVAL);
	if (!page_size)
		return op_end(m, -EINVAL);
	/* the kernel works with __ffs(page_size): a power of two */
	if (page_size & (page_size - 1))
		return op_end(m, -EINVAL);
	if (((iova & (page_size - 1)) || ((last + 1) & (page_size - 1))) &&
	    !bug(m, MB_DIRTY_UNALIGNED_OK))
		return op_end(m, -EINVAL);
	if (!h->dirty_cap)
		return op_end(m, -EOPNOTSUPP);
	/* MB_DIRTY_BITMAP_LOST: 7.2's iommu_read_and_clear_dirty(): the
	 * bits are cleared, the unwritable bitmap is skipped silently and 0
	 * comes back (DIRTY-4, F4) */
	if (!bitmap && bug(m, MB_DIRTY_BITMAP_LOST)) {
		if (!(flags & IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR))
			h->ndirty = 0;
		return op_end(m, 0);
	}
	if (!bitmap)
		return op_end(m, -EFAULT); /* the bitmap cannot be pinned */
	/*
	 * __iommu_read_and_clear_dirty() walks the contiguous areas from
	 * iova and stops at the first hole; its -EINVAL is dropped by
	 * iommu_read_and_clear_dirty(), so a hole returns 0 with the bits
	 * before it. Bits are only set, never cleared, in the user bitmap.
	 */
	cur = iova;
	for (unsigned i = 0; i < a->narea && cur <= last; i++) {
		const struct m_area *ar = &a->area[i];
		uint64_t al = ar->iova + ar->len - 1;

		if (al < cur)
			continue;
		if (ar->iova > cur)
			break;
		for (unsigned k = 0; k < h->ndirty;) {
			uint64_t pg = h->dirty[k];

			if (pg + M_PAGE - 1 >= cur && pg <= al && pg <= last) {
				record_dirty_bits(m, bitmap, iova, last,
						  page_size, pg);
				if (!(flags &
				      IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR)) {
					h->dirty[k] = h->dirty[--h->ndirty];
					continue;
				}
			}
			k++;
		}
		/* MB_DIRTY_FIRST_AREA_ONLY: the walk ends after the first
		 * mapping of the range (DIRTY-6) */
		if (al >= last || bug(m, MB_DIRTY_FIRST_AREA_ONLY))
			break;
		cur = al + 1;
	}
	return op_end(m, 0);
}

/* iommufd_viommu_alloc_ioctl() */
int model_viommu_alloc(struct model *m, unsigned dev, uint32_t hwpt_id,
		       uint32_t type, uint32_t flags, uint32_t *viommu_id)
{
	const struct model_iommu *io;
	struct m_viommu *v;
	struct m_hwpt *h;
	unsigned ctx;
	int rc;

	CLOSED_CHECK(m, hwpt_id);
	if (flags || type == IOMMU_VIOMMU_TYPE_DEFAULT)
		return op_end(m, -EOPNOTSUPP);
	rc = dev_check(m, dev);
	if (rc)
		return op_end(m, rc);
	ctx = (unsigned)m->dev[dev].ctx;
	io = iommu_of(m, dev);
	/* ops->get_viommu_size() answers 0 for a type it does not have */
	if (!io->viommu_type || type != io->viommu_type)
		return op_end(m, -EOPNOTSUPP);
	h = get_hwpt_paging(m, hwpt_id);
	if (!h || h->ctx != ctx)
		return op_end(m, -ENOENT);
	if (!h->nest_parent)
		return op_end(m, -EINVAL);
	rc = NEW_SLOT(m, ctx, m->viommu, MO_VIOMMU, v);
	if (rc)
		return op_end(m, rc);
	/* MB_VIOMMU_PARENT_UNHELD: no reference on the parent (NEST-4) */
	v->parent = bug(m, MB_VIOMMU_PARENT_UNHELD) ? NULL : h;
	v->users = 0;
	v->mmio_off = 0; /* no data: mock_viommu_init() registers none */
	v->maps = 0;
	if (v->parent)
		h->viommus++;
	*viommu_id = obj_id(ctx, v->raw);
	return op_end(m, 0);
}

int model_nested_cache_check(struct model *m, uint32_t hwpt_id,
			     unsigned entry, bool valid)
{
	const struct m_obj *o = obj_get(m, T_ID_CTX(hwpt_id),
					hwpt_id & 0xffffff);

	if (!o || o->type != MO_HWPT_NESTED)
		return -ENOENT;
	if (entry > 3)
		return -EINVAL;
	return !!(m->hwpt[o->idx].iotlb_valid & (1u << entry)) == valid ?
		       0 :
		       -EINVAL;
}
