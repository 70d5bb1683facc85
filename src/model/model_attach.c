// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model (see model.c): HWPT lifetime, the core's attach /
 * replace / detach, device binding and group ownership, and the VFIO cdev
 * attach / detach on top of them.
 */
#include <errno.h>
#include <linux/iommufd.h>
#include <string.h>

#include "model_int.h"

/* --- HWPT lifetime -------------------------------------------------------- */

void model_hwpt_free(struct model *m, struct m_hwpt *h)
{
	if (h->fault)
		h->fault->users--;
	h->fault = NULL;
	if (h->viommu && h->viommu_held)
		h->viommu->users--;
	h->viommu = NULL;
	h->viommu_held = false;
	if (h->nested) {
		h->parent->children--;
	} else {
		if (h->linked) {
			h->ioas->nlinked--;
			/* iopt_calculate_iova_alignment() only lowers it */
		}
		h->ioas->nref--;
	}
	model_obj_free(m, h->ctx, h->raw);
	/* The page table stays in the slot until it is reused, so a broken
	 * profile's dangling hardware reference still translates. */
	h->used = false;
	h->linked = false;
}

/* iommufd_hw_pagetable_put(): an auto domain dies with its last user. */
static void hwpt_put(struct model *m, struct m_hwpt *h)
{
	/* MB_AUTO_HWPT_LEAK: the auto domain's last reference is never
	 * dropped (OBJ-8). */
	if (h->auto_domain && !h->users && !h->children &&
	    !bug(m, MB_AUTO_HWPT_LEAK))
		model_hwpt_free(m, h);
}

/* --- attach / replace / detach (drivers/iommu/iommufd/device.c) ----------- */

static struct m_pslot *pslot_find(struct m_group *g, uint32_t pasid)
{
	for (unsigned i = 0; i < M_MAX_PSLOT; i++)
		if (g->ps[i].sw && g->ps[i].pasid == pasid)
			return &g->ps[i];
	return NULL;
}

/* A slot for a new PASID attachment: reuse a dead ghost for the same PASID
 * (its hardware entry gets overwritten), else a fully free one. */
static struct m_pslot *pslot_new(struct m_group *g, uint32_t pasid)
{
	struct m_pslot *free_slot = NULL;

	for (unsigned i = 0; i < M_MAX_PSLOT; i++) {
		struct m_pslot *s = &g->ps[i];

		if (s->sw)
			continue;
		if (ref_live(&s->hw) && s->pasid == pasid)
			return s;
		if (!free_slot && !ref_live(&s->hw))
			free_slot = s;
	}
	return free_slot;
}

static bool group_has_pasids(const struct m_group *g)
{
	for (unsigned i = 0; i < M_MAX_PSLOT; i++)
		if (g->ps[i].sw)
			return true;
	return false;
}

/* iommufd_hwpt_pasid_compat() */
static int pasid_compat(struct model *m, struct m_group *g, struct m_hwpt *h,
			uint32_t pasid)
{
	/* MB_RID_REPLACE_IGNORES_PASIDS (PASID-2), MB_PASID_ANY_HWPT
	 * (PASID-1), MB_PASID_IGNORES_RID (PASID-3): one check missing. */
	if (pasid == T_NO_PASID)
		return !h->pasid_compat && group_has_pasids(g) &&
				       !bug(m, MB_RID_REPLACE_IGNORES_PASIDS) ?
			       -EINVAL :
			       0;
	if (!h->pasid_compat && !bug(m, MB_PASID_ANY_HWPT))
		return -EINVAL;
	if (g->rid_sw && !g->rid_sw->pasid_compat &&
	    !bug(m, MB_PASID_IGNORES_RID))
		return -EINVAL;
	return 0;
}

/* The driver's attach_dev / set_dev_pasid for one device: the compatibility
 * checks a driver reports as -EINVAL, and fault injection. */
static int drv_attach_dev(struct model *m, struct m_hwpt *h, unsigned d,
			  uint32_t pasid)
{
	const struct model_iommu *io = iommu_of(m, d);
	struct m_hwpt *pg = paging_of(h);

	/* e.g. intel paging_domain_compatible(): a domain of another IOMMU
	 * instance, or dirty tracking the IOMMU lacks. */
	if (h->iommu != m->p->dev[d].iommu)
		/* MB_INCOMPAT_ENODEV: refused with the wrong errno (HWPT-5) */
		return bug(m, MB_INCOMPAT_ENODEV) ? -ENODEV : -EINVAL;
	if (pg->dirty_cap && !io->dirty)
		return -EINVAL;
	if (pasid != T_NO_PASID && pg->dirty_cap && !io->dirty_on_pasid)
		return -EINVAL;
	/* mock_domain_nop_attach(), arm_smmu_attach_prepare_vmaster():
	 * iommufd_viommu_get_vdev_id() finds no vDEVICE of the device on the
	 * nested HWPT's vIOMMU; MB_NESTED_ATTACH_NO_VDEV (VIOMMU-8) */
	if (pasid == T_NO_PASID && h->nested && h->viommu &&
	    !model_vdev_of(m, d, h->viommu) &&
	    !bug(m, MB_NESTED_ATTACH_NO_VDEV))
		return -ENOENT;
	if (pasid == M_FAULT_PASID && m->pasid_fault[d]) {
		m->pasid_fault_next[d] = !m->pasid_fault_next[d];
		if (!m->pasid_fault_next[d])
			return -ENOMEM;
	}
	if (should_fail(m))
		return M_INJ_RC;
	return 0;
}

/* The set_dev_pasid op exists (iommu_attach_device_pasid()). */
static bool has_set_dev_pasid(const struct model *m, const struct m_hwpt *h)
{
	return h->nested || m->p->iommu[h->iommu].pasid_paging;
}

/*
 * The core's group attach/replace: __iommu_group_set_domain_internal() for
 * the RID, __iommu_set_group_pasid() for a PASID. All or nothing: on a
 * driver failure every member goes back to the old domain, except with
 * MB_NON_ATOMIC_REPLACE where the hardware is left blocked.
 */
static int core_set_group(struct model *m, struct m_group *g,
			  struct m_pslot *slot, struct m_hwpt *h,
			  uint32_t pasid, bool replace)
{
	for (unsigned d = 0; d < m->p->ndev; d++) {
		int rc;

		if (!(g->members & (1u << d)))
			continue;
		/* __iommu_set_group_pasid(): members without PASID support
		 * are skipped. */
		if (pasid != T_NO_PASID && !m->p->dev[d].max_pasid_log2)
			continue;
		rc = drv_attach_dev(m, h, d, pasid);
		if (rc) {
			if (replace && bug(m, MB_NON_ATOMIC_REPLACE)) {
				if (pasid == T_NO_PASID)
					g->rid_hw = ref_of(NULL);
				else
					slot->hw = ref_of(NULL);
			}
			return rc;
		}
	}
	return 0;
}

/* iommu_attach_device_pasid() / iommu_replace_device_pasid() checks before
 * the driver runs. */
static int core_pasid_checks(struct model *m, struct m_group *g, unsigned d,
			     struct m_hwpt *h, uint32_t pasid, bool replace)
{
	/* MB_PASID_NOSUPPORT_EINVAL: the missing op reported as a bad
	 * argument (PASID-10) */
	if (!has_set_dev_pasid(m, h))
		return bug(m, MB_PASID_NOSUPPORT_EINVAL) ? -EINVAL :
							   -EOPNOTSUPP;
	if (pasid == 0)
		return -EINVAL;
	if (replace)
		return 0;
	for (unsigned i = 0; i < m->p->ndev; i++) {
		uint8_t w = m->p->dev[i].max_pasid_log2;

		/* MB_PASID_RANGE_UNCHECKED: max_pasids ignored (PASID-6) */
		if ((g->members & (1u << i)) && w && pasid >= (1u << w) &&
		    !bug(m, MB_PASID_RANGE_UNCHECKED))
			return -EINVAL;
	}
	/*
	 * Contract (PASID-9), stricter than 7.2: the kernel skips members
	 * without PASID support, so a group of only such devices "attaches"
	 * without effect; the calling device must support the PASID.
	 */
	if (!m->p->dev[d].max_pasid_log2)
		return -EINVAL;
	return 0;
}

/* iommufd_hw_pagetable_attach() */
static int hwpt_attach(struct model *m, struct m_hwpt *h, unsigned d,
		       uint32_t pasid)
{
	struct m_group *g = &m->group[m->dev[d].gi];
	struct m_hwpt *pg = paging_of(h);
	bool rid = pasid == T_NO_PASID;
	struct m_hwpt *old = rid ? g->rid_sw : NULL;
	uint32_t devmask = rid ? g->rid_devmask : 0;
	struct m_pslot *slot = NULL;
	bool resv_added = false;
	int rc;

	if (!rid) {
		slot = pslot_find(g, pasid);
		if (slot) {
			old = slot->sw;
			devmask = slot->devmask;
		}
	}
	if (devmask & (1u << d))
		return -EBUSY;
	if (old && old != h)
		/* MB_GROUP_SPLIT_EBUSY: the wrong errno (GROUP-1) */
		return bug(m, MB_GROUP_SPLIT_EBUSY) ? -EBUSY : -EINVAL;
	if (rid && pg) {
		rc = model_enforce_dev_resv(m, pg->ioas, d);
		if (rc)
			return rc;
		resv_added = true;
	}
	if (!old) {
		/* iommufd_hwpt_attach_device() */
		rc = pasid_compat(m, g, h, pasid);
		if (!rc && !rid)
			rc = core_pasid_checks(m, g, d, h, pasid, false);
		if (!rc && !rid) {
			slot = pslot_new(g, pasid);
			if (!slot)
				rc = -ENOSPC;
		}
		if (!rc)
			rc = core_set_group(m, g, slot, h, pasid, false);
		if (rc) {
			if (resv_added)
				pg->ioas->resv_devs &= ~(1u << d);
			return rc;
		}
		if (rid) {
			g->rid_sw = h;
			g->rid_hw = ref_of(h);
			g->rid_hw_old = ref_of(NULL);
			/* MB_SHARED_DOMAIN_NOT_INSTALLED: a domain that
			 * already has users is not programmed for a new group
			 * (DMA-10). */
			if (bug(m, MB_SHARED_DOMAIN_NOT_INSTALLED) && h->users)
				g->rid_hw = ref_of(NULL);
			m->identity[m->dev[d].gi] = false;
		} else {
			slot->pasid = pasid;
			slot->sw = h;
			slot->devmask = 0;
			slot->hw = ref_of(h);
			slot->seq = ++m->seq;
		}
	}
	if (rid)
		g->rid_devmask |= 1u << d;
	else
		slot->devmask |= 1u << d;
	h->users++;
	return 0;
}

/* The hardware side of a detach that empties a slot (blocked domain). */
static void hw_detach_rid(struct model *m, struct m_group *g)
{
	if (bug(m, MB_DETACH_DROPS_PASIDS)) {
		for (unsigned i = 0; i < M_MAX_PSLOT; i++)
			g->ps[i].hw = ref_of(NULL);
	}
	g->rid_hw_old = ref_of(NULL);
	/* MB_DETACH_IDENTITY: the blocked domain is never installed. */
	if (!bug(m, MB_DETACH_IDENTITY))
		g->rid_hw = ref_of(NULL);
}

/* iommufd_hw_pagetable_detach(); keep_hw: MB_RELEASE_KEEPS_PASIDS on unbind. */
static void hwpt_detach(struct model *m, unsigned d, uint32_t pasid,
			bool keep_hw)
{
	struct m_group *g = &m->group[m->dev[d].gi];
	struct m_hwpt *h, *pg;

	if (pasid == T_NO_PASID) {
		h = g->rid_sw;
		if (!h)
			return;
		g->rid_devmask &= ~(1u << d);
		if (!g->rid_devmask) {
			if (!keep_hw)
				hw_detach_rid(m, g);
			g->rid_sw = NULL;
		} else if (bug(m, MB_GROUP_DETACH_BLOCKS)) {
			/* the driver blocks the whole group although other
			 * members are still attached (GROUP-3) */
			g->rid_hw = ref_of(NULL);
		}
		pg = paging_of(h);
		if (pg)
			pg->ioas->resv_devs &= ~(1u << d);
	} else {
		struct m_pslot *s = pslot_find(g, pasid);

		if (!s)
			return;
		h = s->sw;
		s->devmask &= ~(1u << d);
		if (!s->devmask) {
			if (!keep_hw)
				s->hw = ref_of(NULL);
			s->sw = NULL;
			/* MB_PASID_DETACH_FLUSHES_ALL: the whole PASID table
			 * is cleared (PASID-8) */
			if (bug(m, MB_PASID_DETACH_FLUSHES_ALL))
				for (unsigned i = 0; i < M_MAX_PSLOT; i++)
					g->ps[i].hw = ref_of(NULL);
		}
	}
	h->users--;
	hwpt_put(m, h);
}

/* iommufd_device_do_replace(); *old_out gets the HWPT to put. */
static int hwpt_replace(struct model *m, struct m_hwpt *h, unsigned d,
			uint32_t pasid, struct m_hwpt **old_out)
{
	struct m_group *g = &m->group[m->dev[d].gi];
	struct m_hwpt *pg = paging_of(h), *old, *old_pg;
	bool rid = pasid == T_NO_PASID;
	struct m_pslot *slot = NULL;
	uint32_t devmask, added = 0;
	unsigned n;
	int rc;

	*old_out = NULL;
	if (rid) {
		old = g->rid_sw;
		devmask = g->rid_devmask;
	} else {
		slot = pslot_find(g, pasid);
		old = slot ? slot->sw : NULL;
		devmask = slot ? slot->devmask : 0;
	}
	if (!old || !(devmask & (1u << d)))
		return -EINVAL;
	if (h == old)
		/* MB_REPLACE_SAME_EBUSY: treated as a second attach
		 * (ATTACH-3) */
		return rid && bug(m, MB_REPLACE_SAME_EBUSY) ? -EBUSY : 0;
	/* MB_GROUP_REPLACE_EBUSY: refuses to move a group with other
	 * attached members (GROUP-2) */
	if (rid && bug(m, MB_GROUP_REPLACE_EBUSY) && popcount(devmask) > 1)
		return -EBUSY;
	old_pg = paging_of(old);

	/* iommufd_group_do_replace_reserved_iova() */
	if (rid && pg && (!old_pg || old_pg->ioas != pg->ioas)) {
		for (unsigned i = 0; i < m->p->ndev; i++) {
			if (!(devmask & (1u << i)))
				continue;
			rc = model_enforce_dev_resv(m, pg->ioas, i);
			if (rc) {
				pg->ioas->resv_devs &= ~added;
				return rc;
			}
			added |= 1u << i;
		}
	}

	/* iommufd_hwpt_replace_device() */
	rc = pasid_compat(m, g, h, pasid);
	if (!rc && !rid)
		rc = core_pasid_checks(m, g, d, h, pasid, true);
	if (!rc)
		rc = core_set_group(m, g, slot, h, pasid, true);
	if (rc) {
		/*
		 * Contract (ATTACH-4): nothing changes. 7.2's err_unresv path
		 * calls iommufd_group_remove_reserved_iova() on the new IOAS
		 * even when it is the old one, dropping the group's
		 * reservations there; the model only undoes what it added.
		 */
		pg = paging_of(h);
		if (pg)
			pg->ioas->resv_devs &= ~added;
		/* MB_REPLACE_FAIL_UNRESERVES: 7.2's err_unresv, which drops
		 * the group's reservations on the new IOAS even when it is the
		 * old one (ATTACH-4). */
		if (rid && pg && bug(m, MB_REPLACE_FAIL_UNRESERVES))
			pg->ioas->resv_devs &= ~devmask;
		return rc;
	}
	if (rid && old_pg && (!pg || pg->ioas != old_pg->ioas))
		old_pg->ioas->resv_devs &= ~devmask;

	if (rid) {
		if (bug(m, MB_REPLACE_KEEPS_OLD))
			g->rid_hw_old = g->rid_hw;
		g->rid_sw = h;
		g->rid_hw = ref_of(h);
	} else {
		slot->sw = h;
		slot->hw = ref_of(h);
		slot->seq = ++m->seq;
	}
	n = popcount(devmask);
	h->users += n;
	old->users -= n;
	*old_out = old;
	return 0;
}

typedef int (*attach_fn)(struct model *m, struct m_hwpt *h, unsigned d,
			 uint32_t pasid, struct m_hwpt **old);

static int do_attach(struct model *m, struct m_hwpt *h, unsigned d,
		     uint32_t pasid, struct m_hwpt **old)
{
	*old = NULL;
	return hwpt_attach(m, h, d, pasid);
}

/* iommufd_hwpt_paging_alloc() checks and driver allocation, before any
 * object exists. */
static int paging_flag_checks(struct model *m, unsigned d, uint32_t flags)
{
	const uint32_t valid = IOMMU_HWPT_ALLOC_NEST_PARENT |
			       IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
			       IOMMU_HWPT_FAULT_ID_VALID |
			       IOMMU_HWPT_ALLOC_PASID;
	const struct model_iommu *io = iommu_of(m, d);

	/* MB_HWPT_FLAGS_IGNORED (HWPT-1), MB_DIRTY_WITHOUT_CAP (HWPT-2) */
	if ((flags & ~valid) && !bug(m, MB_HWPT_FLAGS_IGNORED))
		return -EOPNOTSUPP;
	if ((flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) && !io->dirty &&
	    !bug(m, MB_DIRTY_WITHOUT_CAP))
		return -EOPNOTSUPP;
	if ((flags & IOMMU_HWPT_FAULT_ID_VALID) &&
	    (flags & IOMMU_HWPT_ALLOC_NEST_PARENT))
		return -EOPNOTSUPP;
	return 0;
}

/* The driver's domain_alloc_paging_flags(). */
static int drv_alloc_paging(struct model *m, unsigned d, uint32_t flags,
			    bool user_data)
{
	const struct model_iommu *io = iommu_of(m, d);

	/* MB_FAULT_FLAG_UNMASKED: the core hands FAULT_ID_VALID to the
	 * driver, which refuses a flag it does not know (HWPT-4) */
	if (!bug(m, MB_FAULT_FLAG_UNMASKED))
		flags &= ~IOMMU_HWPT_FAULT_ID_VALID;
	else if (flags & IOMMU_HWPT_FAULT_ID_VALID)
		return -EOPNOTSUPP;
	/* No modelled driver takes data for a paging domain (intel, amd,
	 * smmuv3: any user_data is EOPNOTSUPP; the mock takes only its own
	 * IOMMU_HWPT_DATA_SELFTEST). MB_PAGING_DATA_IGNORED: the core drops
	 * the data and the driver allocates a plain domain (HWPT-7). */
	if (user_data && !bug(m, MB_PAGING_DATA_IGNORED))
		return -EOPNOTSUPP;
	if ((flags & IOMMU_HWPT_ALLOC_NEST_PARENT) && !io->nest_parent)
		return -EOPNOTSUPP;
	if (io->nest_parent_alone && (flags & IOMMU_HWPT_ALLOC_NEST_PARENT) &&
	    flags != IOMMU_HWPT_ALLOC_NEST_PARENT)
		return -EOPNOTSUPP;
	if (!io->dirty_with_pasid && (flags & IOMMU_HWPT_ALLOC_PASID) &&
	    (flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING))
		return -EOPNOTSUPP;
	/* MB_FLAG_COMBO_ENOMEM: an unsupported combination reported as an
	 * allocation failure (HWPT-4) */
	if (bug(m, MB_FLAG_COMBO_ENOMEM) &&
	    (flags & IOMMU_HWPT_ALLOC_NEST_PARENT) &&
	    (flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING))
		return -ENOMEM;
	if (should_fail(m))
		return M_INJ_RC;
	return 0;
}

/* iommufd_hwpt_paging_alloc(); immediate: attach d before filling. */
int model_paging_alloc(struct model *m, struct m_ioas *a, unsigned d,
		       uint32_t pasid, uint32_t flags, bool immediate,
		       bool user_data, struct m_hwpt **out)
{
	unsigned ctx = (unsigned)m->dev[d].ctx;
	struct m_hwpt *h;
	int rc;

	rc = paging_flag_checks(m, d, flags);
	if (rc)
		return rc;
	rc = model_hwpt_new(m, ctx, MO_HWPT_PAGING, &h);
	if (rc)
		return rc;
	h->iommu = m->p->dev[d].iommu;
	h->ioas = a;
	a->nref++;
	h->pasid_compat = flags & IOMMU_HWPT_ALLOC_PASID;
	h->nest_parent = flags & IOMMU_HWPT_ALLOC_NEST_PARENT;
	h->dirty_cap = flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING;

	rc = drv_alloc_paging(m, d, flags, user_data);
	if (rc)
		goto abort;
	if (immediate) {
		rc = hwpt_attach(m, h, d, pasid);
		if (rc)
			goto abort;
	}
	rc = model_add_domain(m, h,
			      !immediate && bug(m, MB_HWPT_NOT_PREFILLED));
	if (rc) {
		if (immediate) {
			/* hwpt_detach() would put (destroy) it: undo by hand */
			h->auto_domain = false;
			hwpt_detach(m, d, pasid, false);
		}
		goto abort;
	}
	*out = h;
	return 0;
abort:
	model_hwpt_free(m, h);
	return rc;
}

/* iommufd_device_auto_get_domain() */
static int auto_get_domain(struct model *m, unsigned d, uint32_t pasid,
			   struct m_ioas *a, attach_fn fn, uint32_t *pt_id,
			   struct m_hwpt **old)
{
	bool immediate = fn == do_attach;
	struct m_hwpt *order[M_MAX_HWPT], *h;
	unsigned n = 0;
	int rc;

	/* ioas->hwpt_list, in creation order */
	for (unsigned i = 0; i < M_MAX_HWPT; i++) {
		h = &m->hwpt[i];
		if (h->used && !h->nested && h->linked && h->ioas == a &&
		    h->auto_domain) {
			unsigned j = n++;

			while (j && order[j - 1]->seq > h->seq) {
				order[j] = order[j - 1];
				j--;
			}
			order[j] = h;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		h = order[i];
		/* MB_AUTO_DOMAIN_EXCLUSIVE: an auto domain in use by another
		 * group refuses the attach instead of being shared or passed
		 * over (ATTACH-2) */
		if (bug(m, MB_AUTO_DOMAIN_EXCLUSIVE) && h->users &&
		    pasid == T_NO_PASID &&
		    m->group[m->dev[d].gi].rid_sw != h)
			return -EBUSY;
		rc = fn(m, h, d, pasid, old);
		if (rc == -EINVAL)
			continue; /* incompatible: try the next one */
		if (rc)
			return rc;
		if (!bug(m, MB_ATTACH_NO_PT_WRITEBACK))
			*pt_id = obj_id(h->ctx, h->raw);
		return 0;
	}
	rc = model_paging_alloc(m, a, d, pasid, 0, immediate, false, &h);
	/* MB_REPLACE_FAULT_BLOCKS: a replace whose new domain cannot be
	 * filled leaves the RID blocked (ATTACH-4) */
	if (rc == -EFAULT && !immediate && pasid == T_NO_PASID &&
	    bug(m, MB_REPLACE_FAULT_BLOCKS))
		m->group[m->dev[d].gi].rid_hw = ref_of(NULL);
	if (rc)
		return rc;
	if (!immediate) {
		rc = fn(m, h, d, pasid, old);
		if (rc) {
			model_hwpt_free(m, h);
			return rc;
		}
	}
	h->auto_domain = true;
	/* MB_ATTACH_NO_PT_WRITEBACK: pt_id keeps the IOAS ID (ATTACH-1) */
	if (!bug(m, MB_ATTACH_NO_PT_WRITEBACK))
		*pt_id = obj_id(h->ctx, h->raw);
	return 0;
}

/* iommufd_device_change_pt() */
static int change_pt(struct model *m, unsigned d, uint32_t pasid,
		     uint32_t *pt_id, attach_fn fn)
{
	const struct m_obj *o;
	struct m_hwpt *old = NULL;
	unsigned ctx = (unsigned)m->dev[d].ctx;
	int rc;

	o = obj_get(m, ctx, *pt_id & 0xffffff);
	if (!o)
		/* MB_ATTACH_MISSING_EINVAL (ATTACH-8) */
		return bug(m, MB_ATTACH_MISSING_EINVAL) ? -EINVAL : -ENOENT;
	switch (o->type) {
	case MO_HWPT_PAGING:
	case MO_HWPT_NESTED:
		rc = fn(m, &m->hwpt[o->idx], d, pasid, &old);
		if (!rc)
			*pt_id = obj_id(ctx, *pt_id & 0xffffff);
		break;
	case MO_IOAS:
		rc = auto_get_domain(m, d, pasid, &m->ioas[o->idx], fn, pt_id,
				     &old);
		break;
	default:
		return -EINVAL;
	}
	if (!rc && old)
		hwpt_put(m, old);
	return rc;
}

static int dev_find_pasid(const struct m_dev *d, uint32_t pasid)
{
	for (unsigned i = 0; i < d->npasid; i++)
		if (d->pasid[i] == pasid)
			return (int)i;
	return -1;
}

bool model_dev_has_pasid0(const struct m_dev *d)
{
	return dev_find_pasid(d, 0) >= 0;
}

/*
 * The PASID iommufd is handed for a PASID in VFIO's IDA: PASID 0 is
 * IOMMU_NO_PASID to iommufd_device_attach() and _detach(), so VFIO's
 * PASID 0 attaches, replaces and detaches the RID (PASID-11).
 */
static uint32_t iommufd_pasid(uint32_t vfio_pasid)
{
	return vfio_pasid == 0 ? T_NO_PASID : vfio_pasid;
}

/* --- public: ownership ---------------------------------------------------- */

/* vfio_df_ioctl_bind_iommufd() -> iommufd_device_bind() */
int model_bind(struct model *m, unsigned dev, unsigned ctx)
{
	struct m_dev *d;
	struct m_group *g;
	int rc;

	if (dev >= m->p->ndev)
		return op_end(m, -EINVAL);
	d = &m->dev[dev];
	if (d->ctx >= 0)
		/* one device cannot be bound twice; MB_BIND_TWICE_EBUSY
		 * (OWN-1) */
		return op_end(m, bug(m, MB_BIND_TWICE_EBUSY) ? -EBUSY : -EINVAL);
	if (ctx >= m->p->nctx || ctx_closed(m, ctx))
		return op_end(m, -EBADF);
	g = &m->group[d->gi];
	/* iommu_device_claim_dma_owner(): one owner per group;
	 * MB_OWNER_EBUSY (OWN-3) */
	if (g->owner >= 0 && g->owner != (int)ctx)
		return op_end(m, bug(m, MB_OWNER_EBUSY) ? -EBUSY : -EPERM);
	/* MB_MSI_UNISOLATED: the last device's IOMMU cannot isolate MSIs and
	 * allow_unsafe_interrupts is off (iommufd_device_bind() -> EPERM,
	 * OWN-6) */
	if (bug(m, MB_MSI_UNISOLATED) && dev == m->p->ndev - 1)
		return op_end(m, -EPERM);
	/* The same check on a platform without MSI isolation, read at
	 * every BIND; MB_UNSAFE_INTR_IGNORED: never refused (OWN-8) */
	if (m->p->msi_unisolated && !m->allow_unsafe &&
	    !bug(m, MB_UNSAFE_INTR_IGNORED))
		return op_end(m, -EPERM);
	if (should_fail(m))
		return op_end(m, M_INJ_RC);
	rc = model_obj_alloc(m, ctx, MO_DEVICE, dev, &d->raw);
	if (rc)
		return op_end(m, rc);
	if (g->owner < 0) {
		/* __iommu_take_dma_ownership(): the blocking domain;
		 * MB_RELEASE_KEEPS_RID leaves whatever was there (OWN-5),
		 * MB_BIND_IDENTITY keeps the default identity domain until the
		 * first attach (OWN-4) */
		g->owner = (int)ctx;
		if (!bug(m, MB_RELEASE_KEEPS_RID))
			g->rid_hw = ref_of(NULL);
		g->rid_hw_old = ref_of(NULL);
		m->identity[d->gi] = bug(m, MB_BIND_IDENTITY);
	}
	g->nbound++;
	d->ctx = (int)ctx;
	d->rid_attached = false;
	d->npasid = 0;
	d->cache_valid = 0xf; /* mock_dev_create(): the default tags */
	return op_end(m, 0);
}

static void ctx_release(struct model *m, unsigned ctx);

/* vfio_iommufd_physical_unbind(): PASIDs first, then the RID (SEED-B). */
int model_unbind(struct model *m, unsigned dev)
{
	struct m_dev *d;
	struct m_group *g;
	unsigned ctx;

	if (dev >= m->p->ndev)
		return op_end(m, -EINVAL);
	d = &m->dev[dev];
	if (d->ctx < 0)
		return op_end(m, -EINVAL);
	g = &m->group[d->gi];
	while (d->npasid) {
		/* ida_find_first(): lowest PASID first */
		unsigned lo = 0;

		for (unsigned i = 1; i < d->npasid; i++)
			if (d->pasid[i] < d->pasid[lo])
				lo = i;
		hwpt_detach(m, dev, iommufd_pasid(d->pasid[lo]),
			    bug(m, MB_RELEASE_KEEPS_PASIDS));
		d->pasid[lo] = d->pasid[--d->npasid];
	}
	if (d->rid_attached) {
		hwpt_detach(m, dev, T_NO_PASID, bug(m, MB_RELEASE_KEEPS_RID));
		d->rid_attached = false;
	}
	model_event_sweep(m);
	model_event_unbind(m, dev);
	ctx = (unsigned)d->ctx;
	model_obj_free(m, ctx, d->raw);
	d->ctx = -1;
	d->raw = 0;
	if (ctx_closed(m, ctx))
		ctx_release(m, ctx); /* if that was the last holder */
	if (!--g->nbound) {
		/* __iommu_release_dma_ownership(): back to the default
		 * domain, which the model does not translate through. */
		g->owner = -1;
		if (!bug(m, MB_RELEASE_KEEPS_RID))
			g->rid_hw = ref_of(NULL);
		g->rid_hw_old = ref_of(NULL);
		if (!bug(m, MB_RELEASE_KEEPS_PASIDS))
			for (unsigned i = 0; i < M_MAX_PSLOT; i++)
				g->ps[i].hw = ref_of(NULL);
	}
	return op_end(m, 0);
}

/*
 * iommufd_fops_release(), once the user closed the fd and the last bound
 * device dropped its reference on the context: every object goes, leaf
 * first, and the slot becomes a fresh context. Nothing is attached by then
 * (the devices unbound first), so nothing reaches the hardware.
 */
static void ctx_release(struct model *m, unsigned ctx)
{
	for (unsigned d = 0; d < m->p->ndev; d++)
		if (m->dev[d].ctx == (int)ctx)
			return;
	model_event_ctx_release(m, ctx);
	for (unsigned i = 0; i < M_MAX_VIOMMU; i++)
		if (m->viommu[i].used && m->viommu[i].ctx == ctx) {
			if (m->viommu[i].parent)
				m->viommu[i].parent->viommus--;
			m->viommu[i].used = false;
			m->viommu[i].users = 0;
		}
	for (int pass = 0; pass < 2; pass++)
		for (unsigned i = 0; i < M_MAX_HWPT; i++) {
			struct m_hwpt *h = &m->hwpt[i];

			if (h->used && h->ctx == ctx && h->nested == !pass)
				model_hwpt_free(m, h);
		}
	RELEASE_CTX(m->ioas, ctx);
	RELEASE_CTX(m->fault, ctx);
	memset(m->obj[ctx], 0, sizeof(m->obj[ctx]));
	m->rlimit_mm[ctx] = false;
	memset(m->tomb[ctx], 0, sizeof(m->tomb[ctx]));
	m->closed[ctx] = false;
}

/*
 * close() of the context's /dev/iommu (OBJ-10): a bound device holds a
 * reference on the context (vfio_df_ioctl_bind_iommufd() ->
 * iommufd_ctx_from_fd()), so nothing is released while one is bound; the
 * IDs are just unreachable from user space.
 */
int model_close_ctx(struct model *m, unsigned ctx)
{
	if (ctx >= m->p->nctx || ctx_closed(m, ctx))
		return op_end(m, -EBADF);
	m->closed[ctx] = true;
	/* MB_CLOSE_CTX_TEARDOWN: the close blocks the devices bound to the
	 * context at once (OBJ-10) */
	if (bug(m, MB_CLOSE_CTX_TEARDOWN))
		for (unsigned d = 0; d < m->p->ndev; d++) {
			struct m_group *g = &m->group[m->dev[d].gi];

			if (m->dev[d].ctx != (int)ctx)
				continue;
			g->rid_hw = ref_of(NULL);
			g->rid_hw_old = ref_of(NULL);
			for (unsigned i = 0; i < M_MAX_PSLOT; i++)
				g->ps[i].hw = ref_of(NULL);
		}
	ctx_release(m, ctx);
	return op_end(m, 0);
}

/*
 * BIND through a second cdev fd of dev (OWN-7): vfio_df_open() refuses a
 * device already opened through the cdev path (open_count != 0 &&
 * !df->group) with EINVAL; the first binding is untouched. An unbound
 * device binds as through its first fd, and closing the second fd unbinds
 * it again.
 */
int model_bind_second_fd(struct model *m, unsigned dev, unsigned ctx)
{
	int rc;

	if (dev >= m->p->ndev)
		return op_end(m, -EINVAL);
	/* iommufd_ctx_from_fd() comes before vfio_df_open() */
	if (ctx >= m->p->nctx || ctx_closed(m, ctx))
		return op_end(m, -EBADF);
	if (m->dev[dev].ctx >= 0)
		/* MB_SECOND_FD_BIND_OK: open_count not checked (OWN-7) */
		return op_end(m, bug(m, MB_SECOND_FD_BIND_OK) ? 0 : -EINVAL);
	rc = model_bind(m, dev, ctx);
	if (!rc)
		model_unbind(m, dev);
	return op_end(m, rc);
}

/* --- public: attach / detach (drivers/vfio/iommufd.c) --------------------- */

/*
 * The bound device an ATTACH or DETACH names: EINVAL for no such device;
 * on a cdev fd before BIND EINVAL, or ENODEV with MB_PREBIND_ENODEV (OWN-2).
 */
static int bound_dev(struct model *m, unsigned dev, struct m_dev **d)
{
	if (dev >= m->p->ndev)
		return -EINVAL;
	*d = &m->dev[dev];
	if ((*d)->ctx < 0)
		return bug(m, MB_PREBIND_ENODEV) ? -ENODEV : -EINVAL;
	return 0;
}

int model_attach(struct model *m, unsigned dev, uint32_t pasid,
		 uint32_t pt_id, uint32_t *out_pt)
{
	struct m_dev *d;
	uint32_t id = pt_id;
	int rc;

	rc = bound_dev(m, dev, &d);
	if (rc)
		return op_end(m, rc);
	if (pasid != T_NO_PASID && !m->p->dev[dev].max_pasid_log2 &&
	    bug(m, MB_PASID_ON_RID)) {
		/* MB_PASID_ON_RID: a PASID attach on a device without PASID
		 * support lands on the RID (PASID-9) */
		pasid = T_NO_PASID;
	}
	if (pasid == T_NO_PASID) {
		/* vfio_iommufd_physical_attach_ioas() */
		rc = change_pt(m, dev, pasid, &id,
			       d->rid_attached ? hwpt_replace : do_attach);
		if (!rc)
			d->rid_attached = true;
	} else if (dev_find_pasid(d, pasid) >= 0) {
		/* vfio_iommufd_physical_pasid_attach_ioas(): a replace;
		 * MB_PASID_REATTACH_EBUSY refuses it (PASID-4) */
		if (bug(m, MB_PASID_REATTACH_EBUSY))
			return op_end(m, -EBUSY);
		rc = change_pt(m, dev, iommufd_pasid(pasid), &id,
			       hwpt_replace);
	} else {
		/* ida_alloc_range() before anything looks at pt_id;
		 * MB_PASID_IDA_UNBOUNDED: no such limit (PASID-13) */
		if (pasid > INT32_MAX && !bug(m, MB_PASID_IDA_UNBOUNDED))
			return op_end(m, -ENOSPC);
		if (d->npasid == M_MAX_PSLOT)
			return op_end(m, -ENOSPC);
		/* MB_PASID0_REFUSED: PASID 0 refused as the core's own
		 * PASID API does, not the RID (PASID-11) */
		if (pasid == 0 && bug(m, MB_PASID0_REFUSED))
			return op_end(m, -EINVAL);
		rc = change_pt(m, dev, iommufd_pasid(pasid), &id, do_attach);
		if (!rc)
			d->pasid[d->npasid++] = pasid;
	}
	if (!rc && out_pt)
		*out_pt = id;
	if (!rc)
		model_event_sweep(m);
	return op_end(m, rc);
}

int model_detach(struct model *m, unsigned dev, uint32_t pasid)
{
	struct m_dev *d;
	int i, rc;

	rc = bound_dev(m, dev, &d);
	if (rc)
		return op_end(m, rc);
	if (pasid == T_NO_PASID) {
		/* vfio_iommufd_physical_detach_ioas();
		 * MB_DETACH_UNATTACHED_EINVAL (ATTACH-7) */
		if (!d->rid_attached)
			return op_end(m, bug(m, MB_DETACH_UNATTACHED_EINVAL) ?
						 -EINVAL :
						 0);
		if (bug(m, MB_DETACH_REFUSES_WITH_PASIDS) &&
		    group_has_pasids(&m->group[d->gi]))
			return op_end(m, -EBUSY);
		hwpt_detach(m, dev, T_NO_PASID, false);
		d->rid_attached = false;
		model_event_sweep(m);
		return op_end(m, 0);
	}
	/* vfio_iommufd_physical_pasid_detach_ioas() */
	i = dev_find_pasid(d, pasid);
	if (i < 0)
		/* MB_PASID_DETACH_ENOENT (PASID-5) */
		return op_end(m, bug(m, MB_PASID_DETACH_ENOENT) ? -ENOENT : 0);
	hwpt_detach(m, dev, iommufd_pasid(pasid), false);
	d->pasid[i] = d->pasid[--d->npasid];
	model_event_sweep(m);
	return op_end(m, 0);
}

int model_pasid_replace_fault(struct model *m, unsigned dev, uint32_t *pasid)
{
	if (dev >= m->p->ndev || m->p->dev[dev].max_pasid_log2 <= 10)
		return -T_UNSUPPORTED;
	m->pasid_fault[dev] = true;
	m->pasid_fault_next[dev] = false;
	*pasid = M_FAULT_PASID;
	return 0;
}

/*
 * vfio_df_ioctl_attach_pt() / vfio_df_ioctl_detach_pt(): argsz must reach
 * pt_id (attach) or flags (detach), the only flag is ATTACH_PASID /
 * DETACH_PASID (1), and with it argsz must reach pasid; then the op as
 * through VFIO. MB_VFIO_PT_FLAGS_LAX: unknown flag bits ignored (PASID-12).
 */
int model_vfio_pt_raw(struct model *m, unsigned dev, bool detach,
		      uint32_t argsz, uint32_t flags, uint32_t pasid,
		      uint32_t *pt_id)
{
	const uint32_t minsz = detach ? 8 : 12, xend = detach ? 12 : 16;
	struct m_dev *d;
	int rc;

	/* vfio_device_fops_unl_ioctl(): an unbound fd refuses first */
	rc = bound_dev(m, dev, &d);
	if (rc)
		return op_end(m, rc);
	if (argsz < minsz)
		return op_end(m, -EINVAL);
	if (bug(m, MB_VFIO_PT_FLAGS_LAX))
		flags &= 1;
	if (flags & ~1u)
		return op_end(m, -EINVAL);
	if ((flags & 1) && argsz < xend)
		return op_end(m, -EINVAL);
	if (detach)
		return model_detach(m, dev, flags & 1 ? pasid : T_NO_PASID);
	return model_attach(m, dev, flags & 1 ? pasid : T_NO_PASID, *pt_id,
			    pt_id);
}

int model_set_unsafe_interrupts(struct model *m, bool allow, bool *was)
{
	if (was)
		*was = m->allow_unsafe;
	m->allow_unsafe = allow;
	return 0;
}

/* --- PCI hot reset, cdev form (drivers/vfio/pci/vfio_pci_core.c) ---------- */

/*
 * vfio_iommufd_get_dev_id(): the device's ID when it is bound to ctx, else
 * -ENOENT when its group is owned by ctx (it cannot be owned by another),
 * else -ENODEV. bug: the group's ownership not counted.
 */
static int reset_dev_id(const struct model *m, unsigned d, unsigned ctx,
			bool bug_unowned)
{
	const struct m_dev *md = &m->dev[d];

	if (md->ctx == (int)ctx)
		return (int)md->raw;
	if (!bug_unowned && m->group[md->gi].owner == (int)ctx)
		return -ENOENT;
	return -ENODEV;
}

int model_hot_reset_info(struct model *m, unsigned dev, uint32_t *flags,
			 struct t_reset_dep *deps, unsigned *n)
{
	uint32_t dom, fl = T_RESET_DEV_ID | T_RESET_DEV_ID_OWNED;
	unsigned cnt = 0, ctx;
	struct m_dev *d;
	int rc;

	rc = bound_dev(m, dev, &d);
	if (rc)
		return op_end(m, rc);
	ctx = (unsigned)d->ctx;
	/* pci_probe_reset_slot() / pci_probe_reset_bus() */
	dom = m->p->dev[dev].reset_domain;
	if (!dom)
		return op_end(m, -ENODEV);
	for (unsigned i = 0; i < m->p->ndev; i++)
		cnt += m->p->dev[i].reset_domain == dom;
	if (cnt > *n) {
		*n = cnt;
		return op_end(m, -ENOSPC);
	}
	cnt = 0;
	/* vfio_pci_fill_devs(), the DEV_ID branch: every device of ours
	 * is in the dev_set */
	for (unsigned i = 0; i < m->p->ndev; i++) {
		struct t_reset_dep *o;
		int id;

		if (m->p->dev[i].reset_domain != dom)
			continue;
		o = &deps[cnt++];
		id = reset_dev_id(m, i, ctx,
				  bug(m, MB_RESET_INFO_GROUP_UNOWNED));
		o->dev = (int)i;
		o->devid = id > 0 ? id :
			   id == -ENOENT ? T_DEVID_OWNED : T_DEVID_NOT_OWNED;
		o->devid_dev = id > 0 ? (int)i : -1;
		if (o->devid == T_DEVID_NOT_OWNED)
			fl &= ~T_RESET_DEV_ID_OWNED;
	}
	*n = cnt;
	*flags = fl;
	return op_end(m, 0);
}

/*
 * vfio_pci_ioctl_pci_hot_reset(): flags must be 0, a cdev-opened device
 * takes only the zero-length array, a device without slot or bus reset
 * gets ENODEV; then vfio_pci_dev_set_hot_reset(): every device of the
 * domain owned by the context (bound to it, or in a group it owns), else
 * EINVAL. The reset reaches the devices only: every attachment stays.
 */
int model_hot_reset(struct model *m, unsigned dev, uint32_t count,
		    uint32_t flags)
{
	struct m_dev *d;
	uint32_t dom;
	int rc;

	rc = bound_dev(m, dev, &d);
	if (rc)
		return op_end(m, rc);
	if (flags || count)
		return op_end(m, -EINVAL);
	dom = m->p->dev[dev].reset_domain;
	if (!dom)
		return op_end(m, -ENODEV);
	for (unsigned i = 0; i < m->p->ndev; i++) {
		int id;

		if (m->p->dev[i].reset_domain != dom)
			continue;
		id = reset_dev_id(m, i, (unsigned)d->ctx,
				  bug(m, MB_RESET_GROUP_UNOWNED));
		if (id <= 0 && id != -ENOENT)
			return op_end(m, -EINVAL);
	}
	return op_end(m, 0);
}
