// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model. See model.h for what it covers. Each rule names the
 * 7.2 kernel function it follows (drivers/iommu/iommufd/, drivers/iommu/
 * iommu.c, drivers/vfio/); where the contract asks for more than the kernel
 * does, the comment says so.
 *
 * This file: objects, reserved ranges, page tables, lifetime, introspection.
 * The rest: model_attach.c (attach, replace, detach, ownership),
 * model_ioas.c, model_hwpt.c, model_dma.c; model_int.h is what they share.
 */
#include <errno.h>
#include <linux/iommufd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "model_int.h"

/* --- objects -------------------------------------------------------------- */

/* xa_alloc() in an XA_FLAGS_ALLOC1 array: the lowest free ID from 1. */
int model_obj_alloc(struct model *m, unsigned ctx, uint8_t type, unsigned idx,
		    uint32_t *raw)
{
	for (uint32_t i = 1; i < M_MAX_OBJ; i++) {
		if (m->obj[ctx][i].type == MO_FREE) {
			m->obj[ctx][i].type = type;
			m->obj[ctx][i].idx = (uint8_t)idx;
			m->tomb[ctx][i] = false;
			*raw = i;
			return 0;
		}
	}
	return -ENOMEM;
}

void model_obj_free(struct model *m, unsigned ctx, uint32_t raw)
{
	m->obj[ctx][raw].type = MO_FREE;
	m->tomb[ctx][raw] = true;
}

/* The errno of a typed lookup that failed: the object is missing or of
 * another type (iommufd_get_object(): ENOENT for both). */
int model_lookup_err(const struct model *m, uint32_t id)
{
	unsigned ctx = T_ID_CTX(id);
	uint32_t raw = id & 0xffffff;

	/* MB_LOOKUP_WRONG_TYPE_EINVAL: a lookup that finds the ID and then
	 * complains about its type (OBJ-4). */
	if (bug(m, MB_LOOKUP_WRONG_TYPE_EINVAL) && ctx < m->p->nctx &&
	    raw && raw < M_MAX_OBJ && m->obj[ctx][raw].type != MO_FREE)
		return -EINVAL;
	return -ENOENT;
}

static struct m_hwpt *hwpt_alloc_slot(struct model *m)
{
	for (unsigned i = 0; i < M_MAX_HWPT; i++) {
		struct m_hwpt *h = &m->hwpt[i];

		if (!h->used) {
			uint32_t gen = h->gen + 1;

			memset(h, 0, offsetof(struct m_hwpt, pte));
			h->npte = 0;
			h->ndirty = 0;
			h->gen = gen;
			h->used = true;
			h->seq = ++m->seq;
			return h;
		}
	}
	return NULL;
}

/*
 * A free HWPT slot registered as object `type` of context `ctx`: -ENOMEM
 * when no slot is free, or model_obj_alloc()'s error (the slot is released).
 */
int model_hwpt_new(struct model *m, unsigned ctx, uint8_t type,
		   struct m_hwpt **out)
{
	struct m_hwpt *h = hwpt_alloc_slot(m);
	int rc;

	if (!h)
		return -ENOMEM;
	rc = model_obj_alloc(m, ctx, type, hwpt_idx(m, h), &h->raw);
	if (rc) {
		h->used = false;
		return rc;
	}
	h->ctx = ctx;
	*out = h;
	return 0;
}

/* --- reserved ranges ------------------------------------------------------ */

static unsigned dev_resv(const struct model *m, unsigned d,
			 const struct iova_range **r)
{
	const struct model_iommu *io = iommu_of(m, d);

	/* MB_RESV_UNREPORTED: the driver's get_resv_regions() reports none.
	 * MB_RESV_FORGOTTEN: nor does sysfs (model_caps). */
	if (bug(m, MB_RESV_UNREPORTED) || bug(m, MB_RESV_FORGOTTEN)) {
		*r = NULL;
		return 0;
	}
	*r = io->resv;
	return io->nresv;
}

/* Collect reserved_itree: device regions plus the outside of every linked
 * domain's aperture (iopt_table_add_domain()). */
unsigned model_collect_resv(const struct model *m, const struct m_ioas *a,
			    struct iova_range *out)
{
	unsigned n = 0;

	for (unsigned d = 0; d < m->p->ndev; d++) {
		const struct iova_range *r;
		unsigned nr;

		if (!(a->resv_devs & (1u << d)))
			continue;
		nr = dev_resv(m, d, &r);
		for (unsigned i = 0; i < nr; i++)
			out[n++] = r[i];
	}
	for (unsigned i = 0; i < M_MAX_HWPT; i++) {
		const struct m_hwpt *h = &m->hwpt[i];
		const struct model_iommu *io;

		if (!h->used || h->nested || !h->linked || h->ioas != a)
			continue;
		io = &m->p->iommu[h->iommu];
		if (io->aperture_start)
			out[n++] = (struct iova_range){ 0,
							io->aperture_start - 1 };
		if (io->aperture_end != UINT64_MAX)
			out[n++] = (struct iova_range){ io->aperture_end + 1,
							UINT64_MAX };
	}
	return n;
}

bool model_resv_hit(const struct model *m, const struct m_ioas *a,
		    uint64_t start, uint64_t last)
{
	struct iova_range r[M_MAX_USED];
	unsigned n = model_collect_resv(m, a, r);

	for (unsigned i = 0; i < n; i++)
		if (overlaps(start, last, r[i].start, r[i].last))
			return true;
	return false;
}

bool model_area_hit(const struct m_ioas *a, uint64_t start, uint64_t last)
{
	for (unsigned i = 0; i < a->narea; i++)
		if (overlaps(start, last, a->area[i].iova,
			     a->area[i].iova + a->area[i].len - 1))
			return true;
	return false;
}

static bool allowed_hit(const struct m_ioas *a, uint64_t start, uint64_t last)
{
	for (unsigned i = 0; i < a->nallowed; i++)
		if (overlaps(start, last, a->allowed[i].start,
			     a->allowed[i].last))
			return true;
	return false;
}

/* iopt_reserve_iova(): a reservation may not land on an area or an allowed
 * range. */
static int reserve_ok(const struct m_ioas *a, uint64_t start, uint64_t last)
{
	if (model_area_hit(a, start, last) || allowed_hit(a, start, last))
		return -EADDRINUSE;
	return 0;
}

/* iopt_table_enforce_dev_resv_regions() */
int model_enforce_dev_resv(struct model *m, struct m_ioas *a, unsigned d)
{
	const struct iova_range *r;
	unsigned nr = dev_resv(m, d, &r);

	for (unsigned i = 0; i < nr; i++) {
		int rc = reserve_ok(a, r[i].start, r[i].last);

		if (rc)
			return rc;
	}
	a->resv_devs |= 1u << d;
	return 0;
}

/* MB_FRESH_ALIGN_PAGE: reports PAGE_SIZE before any domain (RANGE-1);
 * only what IOVA_RANGES says, the IOAS still accepts byte alignment. */
uint64_t model_ioas_align_reported(const struct model *m,
				   const struct m_ioas *a)
{
	if (bug(m, MB_FRESH_ALIGN_PAGE))
		return M_PAGE;
	return ioas_align(a);
}

void model_sort_ranges(struct iova_range *r, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		struct iova_range k = r[i];
		unsigned j = i;

		while (j && r[j - 1].start > k.start) {
			r[j] = r[j - 1];
			j--;
		}
		r[j] = k;
	}
}

/* --- page tables ---------------------------------------------------------- */

static void pte_add(struct m_hwpt *h, const struct m_area *ar)
{
	if (h->npte == M_MAX_PTE) {
		/* Full: drop the oldest stale entry (only stale-unmap can get
		 * here, the IOAS itself holds at most M_MAX_AREA areas). */
		for (unsigned i = 0; i < h->npte; i++) {
			if (h->pte[i].stale) {
				memmove(&h->pte[i], &h->pte[i + 1],
					(h->npte - i - 1) * sizeof(h->pte[0]));
				h->npte--;
				break;
			}
		}
		if (h->npte == M_MAX_PTE)
			return;
	}
	h->pte[h->npte++] = (struct m_pte){ ar->iova, ar->len, ar->uva,
					    ar->prot, false };
}

static void pte_del(struct model *m, struct m_hwpt *h, const struct m_area *ar)
{
	for (unsigned i = 0; i < h->npte; i++) {
		struct m_pte *p = &h->pte[i];

		if (p->stale || p->iova != ar->iova || p->len != ar->len)
			continue;
		if (bug(m, MB_STALE_UNMAP) || bug(m, MB_STALE_REMAP) ||
		    bug(m, MB_ENGINE_LANDS_ALL)) {
			p->stale = true;
			return;
		}
		memmove(p, p + 1, (h->npte - i - 1) * sizeof(*p));
		h->npte--;
		return;
	}
}

/* iopt_fill_domains_pages(): every domain of the IOAS. */
void model_ioas_pte_add(struct model *m, struct m_ioas *a,
			const struct m_area *ar)
{
	for (unsigned i = 0; i < M_MAX_HWPT; i++)
		if (m->hwpt[i].used && !m->hwpt[i].nested &&
		    m->hwpt[i].linked && m->hwpt[i].ioas == a) {
			pte_add(&m->hwpt[i], ar);
			/* MB_MAP_FIRST_DOMAIN_ONLY: the fill stops after the
			 * first domain of the list (ATTACH-12). */
			if (bug(m, MB_MAP_FIRST_DOMAIN_ONLY))
				break;
		}
}

void model_ioas_pte_del(struct model *m, struct m_ioas *a,
			const struct m_area *ar)
{
	for (unsigned i = 0; i < M_MAX_HWPT; i++)
		if (m->hwpt[i].used && !m->hwpt[i].nested &&
		    m->hwpt[i].linked && m->hwpt[i].ioas == a)
			pte_del(m, &m->hwpt[i], ar);
}

/* iopt_table_add_domain() + iopt_fill_domain() */
int model_add_domain(struct model *m, struct m_hwpt *h, bool skip_fill)
{
	struct m_ioas *a = h->ioas;
	const struct model_iommu *io = &m->p->iommu[h->iommu];

	/* MB_ATTACH_IGNORES_LIMITS: the domain's alignment and aperture
	 * are not checked against existing areas (IOAS-12). */
	if (ioas_align(a) < M_PAGE && !bug(m, MB_ATTACH_IGNORES_LIMITS)) {
		/* iopt_check_iova_alignment() */
		for (unsigned i = 0; i < a->narea; i++) {
			const struct m_area *ar = &a->area[i];

			if ((ar->iova | ar->len | ar->uva) & (M_PAGE - 1))
				return -EADDRINUSE;
		}
	}
	if (io->aperture_start && !bug(m, MB_ATTACH_IGNORES_LIMITS) &&
	    reserve_ok(a, 0, io->aperture_start - 1))
		return -EADDRINUSE;
	if (io->aperture_end != UINT64_MAX &&
	    !bug(m, MB_ATTACH_IGNORES_LIMITS) &&
	    reserve_ok(a, io->aperture_end + 1, UINT64_MAX))
		return -EADDRINUSE;
	/* Filling pins the user pages: a bad user VA faults here. */
	for (unsigned i = 0; i < a->narea; i++) {
		if (a->area[i].pin_err)
			return a->area[i].pin_err;
		if (!a->area[i].uva)
			return -EFAULT;
	}
	/* the first domain pins the areas, and charges them */
	if (!a->nlinked) {
		int rc = model_pin_charge(m, a, NULL, 0);

		if (rc)
			return rc;
	}
	h->npte = 0;
	/* MB_HWPT_NOT_PREFILLED: a manual HWPT starts empty (ATTACH-11). */
	for (unsigned i = 0; i < a->narea && !skip_fill; i++)
		pte_add(h, &a->area[i]);
	h->linked = true;
	a->nlinked++;
	a->was_linked = true;
	return 0;
}

/* --- public: lifetime ----------------------------------------------------- */

static void fmaps_release(struct model *m)
{
	for (unsigned i = 0; i < m->nfmap && i < M_MAX_FMAP; i++)
		munmap(m->fmap[i].p, m->fmap[i].len);
	m->nfmap = 0;
}

void model_reset(struct model *m)
{
	const struct model_profile *p = m->p;

	fmaps_release(m);
	memset(m, 0, sizeof(*m));
	m->p = p;
	for (unsigned d = 0; d < p->ndev; d++) {
		unsigned gi;

		for (gi = 0; gi < m->ngroup; gi++)
			if (m->group[gi].num == p->dev[d].group)
				break;
		if (gi == m->ngroup) {
			m->ngroup++;
			m->group[gi].num = p->dev[d].group;
			m->group[gi].owner = -1;
		}
		m->group[gi].members |= 1u << d;
		m->dev[d].gi = gi;
		m->dev[d].ctx = -1;
	}
	m->allow_unsafe = p->msi_unisolated;
}

struct model *model_new(const struct model_profile *p)
{
	struct model *m = malloc(sizeof(*m));

	if (!m)
		return NULL;
	m->p = p ? p : model_profile_find(NULL);
	m->nfmap = 0;
	model_reset(m);
	return m;
}

void model_free(struct model *m)
{
	if (m)
		fmaps_release(m);
	free(m);
}

const struct model_profile *model_profile_of(const struct model *m)
{
	return m->p;
}

void model_caps(const struct model *m, struct target_caps *caps)
{
	const struct model_profile *p = m->p;

	memset(caps, 0, sizeof(*caps));
	caps->target = "model";
	caps->profile = p->name;
	caps->ndev = p->ndev;
	for (unsigned d = 0; d < p->ndev; d++) {
		struct dev_caps *dc = &caps->dev[d];
		const struct model_iommu *io = iommu_of(m, d);

		snprintf(dc->name, sizeof(dc->name), "model%u", d);
		dc->group = p->dev[d].group;
		dc->reset_domain = p->dev[d].reset_domain;
		dc->iommu = p->dev[d].iommu;
		dc->max_pasid_log2 = p->dev[d].max_pasid_log2;
		dc->dirty_tracking = io->dirty;
		/* The profile is the device's specification. */
		dc->pasid_known = dc->dirty_known = true;
		dc->max_pasid_log2_expected = p->dev[d].max_pasid_log2;
		dc->dirty_expected = io->dirty;
		/* As a kernel target's discovery probe would find it. */
		snprintf(dc->dma_engine, sizeof(dc->dma_engine), "model");
		dc->dma_probe_landed_nowhere =
			p->bug == MB_DEV_DMA_UNTRANSLATED && d == p->ndev - 1;
		dc->dma = !dc->dma_probe_landed_nowhere;
		dc->dma_probe_landed = dc->dma;
		dc->hw_info_type = model_hw_info_type(m, d);
		dc->hw_info_known = true;
		dc->hw_info_type_expected = io->hw_info_type;
		dc->hw_info_len_expected = io->hw_info_len;
		/* What sysfs reserved_regions shows, even when the driver
		 * hides it from iommufd (resv-unreported). */
		dc->nresv = bug(m, MB_RESV_FORGOTTEN) ? 0 : io->nresv;
		memcpy(dc->resv, io->resv, dc->nresv * sizeof(io->resv[0]));
		/* The contract's expectation is the profile's own regions,
		 * whatever the (possibly broken) driver reports. */
		for (unsigned i = 0;
		     i < io->nresv && i < T_MAX_RESV_REQUIRED; i++) {
			dc->resv_required[i] = io->resv[i];
			dc->resv_required_why[i] = "the profile's reserved region";
			dc->nresv_required = i + 1;
		}
	}
	caps->dma = DMA_MODELLED;
	caps->dma_max_len = 4u << 20;
	caps->dma_iova_limit = UINT64_MAX;
	caps->nctx = p->nctx;
	caps->pasid_uapi = true;
	caps->hwpt_alloc = true;
	caps->fault_inject = true;
	caps->unsafe_interrupts = p->msi_unisolated;
	caps->msi_isolation = p->msi_unisolated ? -1 : 1;
	snprintf(caps->kernel_release, sizeof(caps->kernel_release),
		 "model (7.2 rules)");
	snprintf(caps->notes, sizeof(caps->notes), "%s", p->description);
}

int model_inject_fail_nth(struct model *m, unsigned nth)
{
	m->fail_nth = nth;
	return 0;
}

/* --- public: objects ------------------------------------------------------ */

int model_ioas_alloc(struct model *m, unsigned ctx, uint32_t *ioas_id)
{
	struct m_ioas *a = NULL;
	int rc;

	if (ctx >= m->p->nctx || ctx_closed(m, ctx))
		return op_end(m, -EBADF);
	for (unsigned i = 0; i < M_MAX_IOAS; i++) {
		if (!m->ioas[i].used) {
			a = &m->ioas[i];
			break;
		}
	}
	if (!a || should_fail(m))
		return op_end(m, -ENOMEM);
	memset(a, 0, sizeof(*a));
	rc = model_obj_alloc(m, ctx, MO_IOAS, (unsigned)(a - m->ioas), &a->raw);
	if (rc)
		return op_end(m, rc);
	a->used = true;
	a->ctx = ctx;
	*ioas_id = obj_id(ctx, a->raw);
	return op_end(m, 0);
}

/* iommufd_destroy() -> iommufd_object_remove(): EBUSY unless unused. */
int model_destroy(struct model *m, uint32_t id)
{
	unsigned ctx = T_ID_CTX(id);
	const struct m_obj *o = obj_get(m, ctx, id & 0xffffff);

	CLOSED_CHECK(m, id);
	if (!o) {
		/* MB_DESTROY_TWICE_OK: a freed ID still "destroys" (OBJ-9) */
		if (bug(m, MB_DESTROY_TWICE_OK) && ctx < m->p->nctx &&
		    (id & 0xffffff) < M_MAX_OBJ && m->tomb[ctx][id & 0xffffff])
			return op_end(m, 0);
		return op_end(m, -ENOENT);
	}
	switch (o->type) {
	case MO_IOAS: {
		struct m_ioas *a = &m->ioas[o->idx];

		if (a->nref) {
			/* MB_DESTROY_BUSY_TEARDOWN: the IOAS is emptied
			 * before the refcount check fails (OBJ-5) */
			if (bug(m, MB_DESTROY_BUSY_TEARDOWN))
				while (a->narea)
					model_area_remove(m, a, 0);
			return op_end(m, -EBUSY);
		}
		model_obj_free(m, ctx, a->raw);
		a->used = false;
		return op_end(m, 0);
	}
	case MO_HWPT_PAGING:
	case MO_HWPT_NESTED: {
		struct m_hwpt *h = &m->hwpt[o->idx];

		if (h->users || h->children || h->viommus) {
			/* MB_DESTROY_BUSY_TEARDOWN: the page table is torn
			 * down before the refcount check fails (OBJ-6) */
			if (bug(m, MB_DESTROY_BUSY_TEARDOWN) && !h->nested)
				h->npte = 0;
			return op_end(m, -EBUSY);
		}
		model_hwpt_free(m, h);
		return op_end(m, 0);
	}
	case MO_VIOMMU:
		return op_end(m, model_viommu_destroy(m, &m->viommu[o->idx]));
	case MO_VDEVICE:
	case MO_VEVENTQ:
	case MO_HW_QUEUE:
		return op_end(m, model_event_obj_destroy(m, o));
	case MO_FAULT: {
		struct m_fault *f = &m->fault[o->idx];

		/* an HWPT holds a user reference (iommufd_hwpt_alloc()), and
		 * so does the open fd (iommufd_eventq_init()) */
		if (f->users || f->fd_open)
			return op_end(m, -EBUSY);
		model_obj_free(m, ctx, f->raw);
		f->used = false;
		return op_end(m, 0);
	}
	default:
		/* iommufd_device_bind() holds a user reference (OBJ-7);
		 * MB_DESTROY_DEVICE_OK: reports success, removes nothing */
		return op_end(m, bug(m, MB_DESTROY_DEVICE_OK) ? 0 : -EBUSY);
	}
}

/* --- introspection --------------------------------------------------------- */

uint32_t model_dev_id(const struct model *m, unsigned dev)
{
	if (dev >= m->p->ndev || m->dev[dev].ctx < 0)
		return 0;
	return obj_id((unsigned)m->dev[dev].ctx, m->dev[dev].raw);
}

uint32_t model_hw_hwpt(const struct model *m, unsigned dev, uint32_t pasid)
{
	struct m_hwpt *h, *fb;

	if (dev >= m->p->ndev)
		return 0;
	model_hw_resolve(m, dev, pasid, &h, &fb);
	return h ? obj_id(h->ctx, h->raw) : 0;
}

int model_dev_by_id(const struct model *m, unsigned ctx, uint32_t raw)
{
	for (unsigned d = 0; d < m->p->ndev; d++)
		if (m->dev[d].ctx == (int)ctx && m->dev[d].raw == raw)
			return (int)d;
	return -1;
}

bool model_ctx_empty(const struct model *m, unsigned ctx)
{
	if (ctx >= m->p->nctx)
		return true;
	for (unsigned i = 1; i < M_MAX_OBJ; i++)
		if (m->obj[ctx][i].type != MO_FREE)
			return false;
	return true;
}

bool model_ioas_exists(const struct model *m, uint32_t id)
{
	const struct m_obj *o = obj_get(m, T_ID_CTX(id), id & 0xffffff);

	return o && o->type == MO_IOAS;
}

/* The type the driver reports (GET_HW_INFO's out_data_type); the contract's
 * expectation is the profile's own (model_caps). MB_HW_INFO_WRONG_TYPE:
 * another driver's type (OBJ-11). */
uint32_t model_hw_info_type(const struct model *m, unsigned dev)
{
	if (dev >= m->p->ndev)
		return 0;
	if (bug(m, MB_HW_INFO_WRONG_TYPE))
		return IOMMU_HW_INFO_TYPE_AMD;
	return iommu_of(m, dev)->hw_info_type;
}

const char *model_check(const struct model *m)
{
	bool conforming = m->p->bug == MB_NONE;

	for (unsigned c = 0; c < T_MAX_CTX; c++)
		for (unsigned i = 1; i < M_MAX_OBJ; i++) {
			const struct m_obj *o = &m->obj[c][i];

			if (o->type == MO_IOAS &&
			    (!m->ioas[o->idx].used || m->ioas[o->idx].raw != i ||
			     m->ioas[o->idx].ctx != c))
				return "object table names a free IOAS";
			if ((o->type == MO_HWPT_PAGING ||
			     o->type == MO_HWPT_NESTED) &&
			    (!m->hwpt[o->idx].used || m->hwpt[o->idx].raw != i ||
			     m->hwpt[o->idx].ctx != c ||
			     m->hwpt[o->idx].nested !=
				     (o->type == MO_HWPT_NESTED)))
				return "object table names a free HWPT";
			if (o->type == MO_FAULT &&
			    (!m->fault[o->idx].used ||
			     m->fault[o->idx].raw != i ||
			     m->fault[o->idx].ctx != c))
				return "object table names a free fault queue";
			if (o->type == MO_DEVICE &&
			    (m->dev[o->idx].ctx != (int)c ||
			     m->dev[o->idx].raw != i))
				return "object table names an unbound device";
		}
	for (unsigned i = 0; i < M_MAX_IOAS; i++) {
		const struct m_ioas *a = &m->ioas[i];
		unsigned nref = 0, nlinked = 0;
		uint32_t resv = 0;

		if (!a->used)
			continue;
		if (m->obj[a->ctx][a->raw].type != MO_IOAS)
			return "IOAS without an object";
		for (unsigned k = 1; k < a->narea; k++)
			if (a->area[k - 1].iova + a->area[k - 1].len >
				    a->area[k].iova &&
			    !bug(m, MB_MAP_OVERLAP_OK) &&
			    !bug(m, MB_COPY_AT_SOURCE_IOVA))
				return "IOAS areas overlap or are unsorted";
		for (unsigned k = 0; k < M_MAX_HWPT; k++) {
			const struct m_hwpt *h = &m->hwpt[k];

			if (!h->used || h->nested || h->ioas != a)
				continue;
			nref++;
			nlinked += h->linked;
		}
		if (nref != a->nref || nlinked != a->nlinked)
			return "IOAS HWPT counts wrong";
		for (unsigned g = 0; g < m->ngroup; g++) {
			const struct m_hwpt *pg = m->group[g].rid_sw;

			if (pg && pg->nested)
				pg = pg->parent;
			if (pg && pg->ioas == a)
				resv |= m->group[g].rid_devmask;
		}
		if (resv != a->resv_devs &&
		    !bug(m, MB_REPLACE_FAIL_UNRESERVES))
			return "IOAS reservations do not match RID attachments";
	}
	for (unsigned k = 0; k < M_MAX_HWPT; k++) {
		const struct m_hwpt *h = &m->hwpt[k];
		unsigned users = 0, children = 0;

		if (!h->used)
			continue;
		for (unsigned g = 0; g < m->ngroup; g++) {
			const struct m_group *gr = &m->group[g];

			if (gr->rid_sw == h)
				users += popcount(gr->rid_devmask);
			for (unsigned s = 0; s < M_MAX_PSLOT; s++)
				if (gr->ps[s].sw == h)
					users += popcount(gr->ps[s].devmask);
		}
		for (unsigned j = 0; j < M_MAX_HWPT; j++)
			if (m->hwpt[j].used && m->hwpt[j].nested &&
			    m->hwpt[j].parent == h)
				children++;
		if (users != h->users || children != h->children)
			return "HWPT refcounts wrong";
		{
			unsigned nv = 0;

			for (unsigned j = 0; j < M_MAX_VIOMMU; j++)
				nv += m->viommu[j].used &&
				      m->viommu[j].parent == h;
			if (nv != h->viommus)
				return "HWPT vIOMMU count wrong";
		}
		if (h->auto_domain && !h->users && !bug(m, MB_AUTO_HWPT_LEAK))
			return "an unused auto HWPT survived";
		if (conforming && !h->nested && h->linked) {
			if (h->npte != h->ioas->narea)
				return "HWPT page table diverges from its IOAS";
			for (unsigned p = 0; p < h->npte; p++) {
				bool found = false;

				for (unsigned q = 0; q < h->ioas->narea; q++)
					found |= h->pte[p].iova ==
							 h->ioas->area[q].iova &&
						 h->pte[p].len ==
							 h->ioas->area[q].len &&
						 h->pte[p].uva ==
							 h->ioas->area[q].uva;
				if (!found)
					return "HWPT maps what its IOAS does not";
			}
		}
	}
	for (unsigned i = 0; i < M_MAX_FAULT; i++) {
		unsigned users = 0;

		for (unsigned k = 0; k < M_MAX_HWPT; k++)
			users += m->hwpt[k].used && m->hwpt[k].fault ==
							   &m->fault[i];
		if (users != m->fault[i].users)
			return "fault queue refcount wrong";
	}
	for (unsigned g = 0; g < m->ngroup; g++) {
		const struct m_group *gr = &m->group[g];
		unsigned nb = 0;

		for (unsigned d = 0; d < m->p->ndev; d++) {
			if (!(gr->members & (1u << d)) || m->dev[d].ctx < 0)
				continue;
			nb++;
			if (m->dev[d].ctx != gr->owner)
				return "a bound device outside its group's owner";
			/* VFIO's PASID 0 is the RID to iommufd (PASID-11) */
			if ((m->dev[d].rid_attached ||
			     model_dev_has_pasid0(&m->dev[d])) !=
			    !!(gr->rid_devmask & (1u << d)))
				return "VFIO attached flag disagrees with iommufd";
		}
		if (nb != gr->nbound || (!nb) != (gr->owner < 0))
			return "group ownership count wrong";
		if (!conforming)
			continue;
		if (gr->owner >= 0 &&
		    (ref_live(&gr->rid_hw) ? gr->rid_hw.h : NULL) != gr->rid_sw)
			return "RID hardware differs from the bookkeeping";
		for (unsigned s = 0; s < M_MAX_PSLOT; s++) {
			const struct m_pslot *ps = &gr->ps[s];

			if ((ref_live(&ps->hw) ? ps->hw.h : NULL) != ps->sw)
				return "PASID hardware differs from the bookkeeping";
			if (ps->sw && !ps->devmask)
				return "an attached PASID with no device";
		}
	}
	return NULL;
}
