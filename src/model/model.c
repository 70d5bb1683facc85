// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model. See model.h for what it covers. Each rule names the
 * 7.2 kernel function it follows (drivers/iommu/iommufd/, drivers/iommu/
 * iommu.c, drivers/vfio/); where the contract asks for more than the kernel
 * does, the comment says so.
 *
 * Everything lives in fixed arrays inside struct model: no allocation per
 * op, so the explorer can run millions of ops per second.
 */
#include <errno.h>
#include <linux/iommufd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define M_PAGE 4096ull		/* PAGE_SIZE and the smallest IOPTE */
#define M_HPAGE (2ull << 20)	/* HPAGE_SIZE (iopt_alloc_iova) */
#define M_MAX_OBJ 64		/* per context; raw IDs 1..63 */
#define M_MAX_IOAS 16
#define M_MAX_HWPT 24
#define M_MAX_AREA 64
#define M_MAX_PTE 96
#define M_MAX_DIRTY 256
#define M_MAX_PSLOT 8		/* PASID attachments per group */
#define M_MAX_USED (M_MAX_AREA + 2 * M_MAX_HWPT + T_MAX_DEVS * MODEL_MAX_RESV)
#define M_INJ_RC (-ENOMEM)	/* what a failed kernel allocation returns */

enum { MO_FREE, MO_IOAS, MO_HWPT_PAGING, MO_HWPT_NESTED, MO_DEVICE };

struct m_area {
	uint64_t iova, len;
	uintptr_t uva;
	uint32_t prot;	     /* T_MAP_READABLE | T_MAP_WRITEABLE */
	bool pages_writable; /* iopt_pages->writable of the original MAP */
};

struct m_pte {
	uint64_t iova, len;
	uintptr_t uva;
	uint32_t prot;
	bool stale; /* MB_STALE_UNMAP: left behind by an unmap */
};

struct m_ioas {
	bool used;
	unsigned ctx;
	uint32_t raw;
	unsigned narea; /* sorted by iova, disjoint */
	struct m_area area[M_MAX_AREA];
	unsigned nallowed; /* sorted, disjoint */
	struct iova_range allowed[T_MAX_RANGES];
	uint32_t resv_devs; /* devices whose reserved regions are in here */
	bool no_large;	    /* IOMMU_OPTION_HUGE_PAGES = 0 */
	unsigned nref;	    /* HWPTs referencing it (obj.users) */
	unsigned nlinked;   /* HWPTs in iopt->domains */
};

struct m_hwpt {
	bool used;
	bool nested;
	bool linked; /* paging: iopt_table_add_domain() done */
	bool auto_domain;
	bool pasid_compat, nest_parent, dirty_cap, dirty_on;
	unsigned ctx;
	uint32_t raw;
	uint32_t gen; /* bumped on every allocation of this slot */
	uint32_t seq; /* creation order (ioas->hwpt_list order) */
	unsigned iommu;
	struct m_ioas *ioas;	 /* paging */
	struct m_hwpt *parent; /* nested */
	unsigned users;	   /* device attachments (RID and PASID) */
	unsigned children; /* nested HWPTs on it */
	unsigned npte;
	struct m_pte pte[M_MAX_PTE];
	unsigned ndirty;
	uint64_t dirty[M_MAX_DIRTY]; /* dirty IOMMU pages (iova) */
};

/* What the hardware translates through: a slot plus its generation, so a
 * reference to a destroyed and reused HWPT is seen as gone. */
struct m_ref {
	struct m_hwpt *h;
	uint32_t gen;
};

struct m_pslot {
	uint32_t pasid;
	struct m_hwpt *sw; /* igroup->pasid_attach; NULL = not attached */
	uint32_t devmask;  /* attach->device_array */
	struct m_ref hw;
	uint32_t seq; /* when hw was last set (MB_SHARED_PASID_TABLE) */
};

struct m_group {
	uint32_t num;
	uint32_t members;
	int owner; /* context owning DMA, -1: none (default domain) */
	unsigned nbound;
	struct m_hwpt *rid_sw;
	uint32_t rid_devmask;
	struct m_ref rid_hw;
	struct m_ref rid_hw_old; /* MB_REPLACE_KEEPS_OLD */
	struct m_pslot ps[M_MAX_PSLOT];
};

struct m_dev {
	unsigned gi;
	int ctx; /* bound to, -1: not bound */
	uint32_t raw;
	bool rid_attached; /* vdev->iommufd_attached */
	unsigned npasid;   /* vdev->pasids */
	uint32_t pasid[M_MAX_PSLOT];
};

struct m_obj {
	uint8_t type;
	uint8_t idx;
};

struct model {
	const struct model_profile *p;
	unsigned ngroup;
	struct m_group group[T_MAX_DEVS];
	struct m_dev dev[T_MAX_DEVS];
	struct m_obj obj[T_MAX_CTX][M_MAX_OBJ];
	struct m_ioas ioas[M_MAX_IOAS];
	struct m_hwpt hwpt[M_MAX_HWPT];
	bool tomb[T_MAX_CTX][M_MAX_OBJ]; /* freed IDs (MB_DESTROY_TWICE_OK) */
	bool identity[T_MAX_DEVS];	  /* per group: MB_BIND_IDENTITY */
	/* The context's /dev/iommu fd was closed while devices held it
	 * (OBJ-10): its IDs answer EBADF until the last one unbinds. */
	bool closed[T_MAX_CTX];
	unsigned fail_nth; /* armed fault injection, 0: off */
	uint32_t seq;
};

static bool bug(const struct model *m, enum model_bug b)
{
	return m->p->bug == b;
}

/* MB_WRAP_EINVAL: an overflow check that reports EINVAL (IOAS-11). */
static int e_overflow(const struct model *m)
{
	return bug(m, MB_WRAP_EINVAL) ? -EINVAL : -EOVERFLOW;
}

static const struct model_iommu *iommu_of(const struct model *m, unsigned d)
{
	return &m->p->iommu[m->p->dev[d].iommu];
}

static unsigned popcount(uint32_t v)
{
	return (unsigned)__builtin_popcount(v);
}

static bool overlaps(uint64_t s1, uint64_t l1, uint64_t s2, uint64_t l2)
{
	return s1 <= l2 && s2 <= l1;
}

/* Fault injection: each kernel allocation / driver call is one point. */
static bool should_fail(struct model *m)
{
	if (!m->fail_nth)
		return false;
	if (--m->fail_nth)
		return false;
	return true;
}

/* --- objects -------------------------------------------------------------- */

static uint32_t obj_id(unsigned ctx, uint32_t raw)
{
	return T_ID_MAKE(ctx, raw);
}

/* xa_alloc() in an XA_FLAGS_ALLOC1 array: the lowest free ID from 1. */
static int obj_alloc(struct model *m, unsigned ctx, uint8_t type, unsigned idx,
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

static void obj_free(struct model *m, unsigned ctx, uint32_t raw)
{
	m->obj[ctx][raw].type = MO_FREE;
	m->tomb[ctx][raw] = true;
}

/* The errno of a typed lookup that failed: the object is missing or of
 * another type (iommufd_get_object(): ENOENT for both). */
static int lookup_err(const struct model *m, uint32_t id)
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

/* iommufd_get_object(): ENOENT for a missing ID or a wrong type. */
static const struct m_obj *obj_get(const struct model *m, unsigned ctx,
				   uint32_t raw)
{
	if (ctx >= m->p->nctx || raw == 0 || raw >= M_MAX_OBJ ||
	    m->obj[ctx][raw].type == MO_FREE)
		return NULL;
	return &m->obj[ctx][raw];
}

/* An ID (or context) of a closed /dev/iommu: the fd is gone, EBADF. */
static bool ctx_closed(const struct model *m, unsigned ctx)
{
	return ctx < T_MAX_CTX && m->closed[ctx];
}

#define CLOSED_CHECK(m, id)                                                 \
	do {                                                                \
		if (ctx_closed(m, T_ID_CTX(id)))                            \
			return op_end(m, -EBADF);                           \
	} while (0)

static struct m_ioas *get_ioas(struct model *m, uint32_t id)
{
	const struct m_obj *o = obj_get(m, T_ID_CTX(id), id & 0xffffff);

	if (!o || o->type != MO_IOAS)
		return NULL;
	return &m->ioas[o->idx];
}

static struct m_hwpt *get_hwpt_paging(struct model *m, uint32_t id)
{
	const struct m_obj *o = obj_get(m, T_ID_CTX(id), id & 0xffffff);

	if (!o || o->type != MO_HWPT_PAGING)
		return NULL;
	return &m->hwpt[o->idx];
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

static unsigned hwpt_idx(const struct model *m, const struct m_hwpt *h)
{
	return (unsigned)(h - m->hwpt);
}

/* find_hwpt_paging(): a nested HWPT's paging side is its parent. */
static struct m_hwpt *paging_of(struct m_hwpt *h)
{
	return h && h->nested ? h->parent : h;
}

static bool ref_live(const struct m_ref *r)
{
	return r->h && r->h->gen == r->gen;
}

static struct m_ref ref_of(struct m_hwpt *h)
{
	struct m_ref r = { h, h ? h->gen : 0 };

	return r;
}

/* --- reserved ranges ------------------------------------------------------ */

static unsigned dev_resv(const struct model *m, unsigned d,
			 const struct iova_range **r)
{
	const struct model_iommu *io = iommu_of(m, d);

	/* MB_RESV_UNREPORTED: the driver's get_resv_regions() reports none. */
	if (bug(m, MB_RESV_UNREPORTED)) {
		*r = NULL;
		return 0;
	}
	*r = io->resv;
	return io->nresv;
}

/* Collect reserved_itree: device regions plus the outside of every linked
 * domain's aperture (iopt_table_add_domain()). */
static unsigned collect_resv(const struct model *m, const struct m_ioas *a,
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

static bool resv_hit(const struct model *m, const struct m_ioas *a,
		     uint64_t start, uint64_t last)
{
	struct iova_range r[M_MAX_USED];
	unsigned n = collect_resv(m, a, r);

	for (unsigned i = 0; i < n; i++)
		if (overlaps(start, last, r[i].start, r[i].last))
			return true;
	return false;
}

static bool area_hit(const struct m_ioas *a, uint64_t start, uint64_t last)
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
	if (area_hit(a, start, last) || allowed_hit(a, start, last))
		return -EADDRINUSE;
	return 0;
}

/* iopt_table_enforce_dev_resv_regions() */
static int enforce_dev_resv(struct model *m, struct m_ioas *a, unsigned d)
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

static uint64_t ioas_align(const struct m_ioas *a)
{
	/* iopt_calculate_iova_alignment(): every modelled domain has a 4K
	 * smallest page; disabling large pages forces PAGE_SIZE. */
	return (a->nlinked || a->no_large) ? M_PAGE : 1;
}

/* MB_FRESH_ALIGN_PAGE: reports PAGE_SIZE before any domain (RANGE-1);
 * only what IOVA_RANGES says, the IOAS still accepts byte alignment. */
static uint64_t ioas_align_reported(const struct model *m,
				    const struct m_ioas *a)
{
	if (bug(m, MB_FRESH_ALIGN_PAGE))
		return M_PAGE;
	return ioas_align(a);
}

static void sort_ranges(struct iova_range *r, unsigned n)
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
		if (bug(m, MB_STALE_UNMAP) || bug(m, MB_STALE_REMAP)) {
			p->stale = true;
			return;
		}
		memmove(p, p + 1, (h->npte - i - 1) * sizeof(*p));
		h->npte--;
		return;
	}
}

/* iopt_fill_domains_pages(): every domain of the IOAS. */
static void ioas_pte_add(struct model *m, struct m_ioas *a,
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

static void ioas_pte_del(struct model *m, struct m_ioas *a,
			 const struct m_area *ar)
{
	for (unsigned i = 0; i < M_MAX_HWPT; i++)
		if (m->hwpt[i].used && !m->hwpt[i].nested &&
		    m->hwpt[i].linked && m->hwpt[i].ioas == a)
			pte_del(m, &m->hwpt[i], ar);
}

/* iopt_table_add_domain() + iopt_fill_domain() */
static int add_domain(struct model *m, struct m_hwpt *h, bool skip_fill)
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
	for (unsigned i = 0; i < a->narea; i++)
		if (!a->area[i].uva)
			return -EFAULT;
	h->npte = 0;
	/* MB_HWPT_NOT_PREFILLED: a manual HWPT starts empty (ATTACH-11). */
	for (unsigned i = 0; i < a->narea && !skip_fill; i++)
		pte_add(h, &a->area[i]);
	h->linked = true;
	a->nlinked++;
	return 0;
}

/* --- HWPT lifetime -------------------------------------------------------- */

static void hwpt_free(struct model *m, struct m_hwpt *h)
{
	if (h->nested) {
		h->parent->children--;
	} else {
		if (h->linked) {
			h->ioas->nlinked--;
			/* iopt_calculate_iova_alignment() only lowers it */
		}
		h->ioas->nref--;
	}
	obj_free(m, h->ctx, h->raw);
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
		hwpt_free(m, h);
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
		rc = enforce_dev_resv(m, pg->ioas, d);
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
			rc = enforce_dev_resv(m, pg->ioas, i);
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

	flags &= ~IOMMU_HWPT_FAULT_ID_VALID;
	if (user_data)
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
static int paging_alloc(struct model *m, struct m_ioas *a, unsigned d,
			uint32_t pasid, uint32_t flags, bool immediate,
			bool user_data, struct m_hwpt **out)
{
	unsigned ctx = (unsigned)m->dev[d].ctx;
	struct m_hwpt *h;
	int rc;

	rc = paging_flag_checks(m, d, flags);
	if (rc)
		return rc;
	h = hwpt_alloc_slot(m);
	if (!h)
		return -ENOMEM;
	rc = obj_alloc(m, ctx, MO_HWPT_PAGING, hwpt_idx(m, h), &h->raw);
	if (rc) {
		h->used = false;
		return rc;
	}
	h->ctx = ctx;
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
	rc = add_domain(m, h, !immediate && bug(m, MB_HWPT_NOT_PREFILLED));
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
	hwpt_free(m, h);
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
	rc = paging_alloc(m, a, d, pasid, 0, immediate, false, &h);
	if (rc)
		return rc;
	if (!immediate) {
		rc = fn(m, h, d, pasid, old);
		if (rc) {
			hwpt_free(m, h);
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

/* --- public: lifetime ----------------------------------------------------- */

void model_reset(struct model *m)
{
	const struct model_profile *p = m->p;

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
}

struct model *model_new(const struct model_profile *p)
{
	struct model *m = malloc(sizeof(*m));

	if (!m)
		return NULL;
	m->p = p ? p : model_profile_find(NULL);
	model_reset(m);
	return m;
}

void model_free(struct model *m)
{
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
		dc->iommu = p->dev[d].iommu;
		dc->max_pasid_log2 = p->dev[d].max_pasid_log2;
		dc->dirty_tracking = io->dirty;
		dc->dma = true;
		dc->hw_info_type = io->hw_info_type;
		/* What sysfs reserved_regions shows, even when the driver
		 * hides it from iommufd (resv-unreported). */
		dc->nresv = io->nresv;
		memcpy(dc->resv, io->resv, io->nresv * sizeof(io->resv[0]));
	}
	caps->dma = DMA_MODELLED;
	caps->dma_max_len = 4u << 20;
	caps->dma_iova_limit = UINT64_MAX;
	caps->nctx = p->nctx;
	caps->pasid_uapi = true;
	caps->hwpt_alloc = true;
	caps->fault_inject = true;
	snprintf(caps->kernel_release, sizeof(caps->kernel_release),
		 "model (7.2 rules)");
	snprintf(caps->notes, sizeof(caps->notes), "%s", p->description);
}

int model_inject_fail_nth(struct model *m, unsigned nth)
{
	m->fail_nth = nth;
	return 0;
}

/* Fault injection covers only the op that follows inject_fail_nth. */
static int op_end(struct model *m, int rc)
{
	m->fail_nth = 0;
	return rc;
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
	rc = obj_alloc(m, ctx, MO_IOAS, (unsigned)(a - m->ioas), &a->raw);
	if (rc)
		return op_end(m, rc);
	a->used = true;
	a->ctx = ctx;
	*ioas_id = obj_id(ctx, a->raw);
	return op_end(m, 0);
}

static void area_remove(struct model *m, struct m_ioas *a, unsigned i);

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
					area_remove(m, a, 0);
			return op_end(m, -EBUSY);
		}
		obj_free(m, ctx, a->raw);
		a->used = false;
		return op_end(m, 0);
	}
	case MO_HWPT_PAGING:
	case MO_HWPT_NESTED: {
		struct m_hwpt *h = &m->hwpt[o->idx];

		if (h->users || h->children) {
			/* MB_DESTROY_BUSY_TEARDOWN: the page table is torn
			 * down before the refcount check fails (OBJ-6) */
			if (bug(m, MB_DESTROY_BUSY_TEARDOWN) && !h->nested)
				h->npte = 0;
			return op_end(m, -EBUSY);
		}
		hwpt_free(m, h);
		return op_end(m, 0);
	}
	default:
		/* iommufd_device_bind() holds a user reference (OBJ-7);
		 * MB_DESTROY_DEVICE_OK: reports success, removes nothing */
		return op_end(m, bug(m, MB_DESTROY_DEVICE_OK) ? 0 : -EBUSY);
	}
}

/* --- public: IOAS ----------------------------------------------------------*/

static uint64_t roundup_pow2(uint64_t v)
{
	return v <= 1 ? 1 : 1ull << (64 - __builtin_clzll(v - 1));
}

/* __alloc_iova_check_range() */
static bool alloc_check_range(uint64_t *start, uint64_t last, uint64_t len,
			      uint64_t align, uint64_t page_off)
{
	uint64_t s;

	if (__builtin_add_overflow(*start, align - 1, &s))
		return false;
	s &= ~(align - 1);
	s |= page_off;
	if (s >= last || last - s < len - 1)
		return false;
	*start = s;
	return true;
}

/* iopt_alloc_iova(): first fit in the allowed spans, never IOVA 0. */
static int alloc_iova(const struct model *m, const struct m_ioas *a,
		      uintptr_t uva, uint64_t len, uint64_t *iova)
{
	struct iova_range used[M_MAX_USED], span[T_MAX_RANGES];
	uint64_t page_off = uva % M_PAGE, align;
	unsigned nused, nspan = 0;

	if (len == 0 || len >= UINT64_MAX / 2)
		return -EOVERFLOW;
	align = roundup_pow2(len);
	if (uva && (1ull << __builtin_ctzll(uva)) < align)
		align = 1ull << __builtin_ctzll(uva);
	if (align >= M_HPAGE)
		align = M_HPAGE;
	if (align < ioas_align(a))
		return -EINVAL;

	nused = collect_resv(m, a, used);
	for (unsigned i = 0; i < a->narea; i++)
		used[nused++] = (struct iova_range){
			a->area[i].iova, a->area[i].iova + a->area[i].len - 1 };
	sort_ranges(used, nused);

	/* allowed spans clipped to [PAGE_SIZE, ULONG_MAX - PAGE_SIZE];
	 * adjacent allowed ranges form one span */
	if (!a->nallowed) {
		/* MB_AUTO_IOVA_ZERO: the span starts at 0 (IOAS-5) */
		span[nspan++] = (struct iova_range){
			bug(m, MB_AUTO_IOVA_ZERO) ? 0 : M_PAGE,
			UINT64_MAX - M_PAGE };
	} else {
		for (unsigned i = 0; i < a->nallowed; i++) {
			struct iova_range r = a->allowed[i];

			if (nspan && span[nspan - 1].last != UINT64_MAX &&
			    span[nspan - 1].last + 1 == r.start) {
				span[nspan - 1].last = r.last;
				continue;
			}
			span[nspan++] = r;
		}
		for (unsigned i = 0; i < nspan; i++) {
			if (span[i].start < M_PAGE)
				span[i].start = M_PAGE;
			if (span[i].last > UINT64_MAX - M_PAGE)
				span[i].last = UINT64_MAX - M_PAGE;
		}
	}

	for (unsigned i = 0; i < nspan; i++) {
		uint64_t lo = span[i].start, hi = span[i].last, cur;
		bool done = false;

		if (lo > hi || !alloc_check_range(&lo, hi, len, align, page_off))
			continue;
		cur = lo;
		for (unsigned j = 0; j <= nused && !done; j++) {
			uint64_t hs = cur, hl;

			if (j < nused) {
				if (used[j].last < cur)
					continue;
				if (used[j].start <= cur) {
					if (used[j].last >= hi)
						done = true;
					else
						cur = used[j].last + 1;
					continue;
				}
				hl = used[j].start - 1 < hi ? used[j].start - 1
							     : hi;
			} else {
				hl = hi;
			}
			if (hs <= hl &&
			    alloc_check_range(&hs, hl, len, align, page_off)) {
				*iova = hs;
				return 0;
			}
			if (j < nused) {
				if (used[j].last >= hi)
					done = true;
				else
					cur = used[j].last + 1;
			}
		}
	}
	return -ENOSPC;
}

/* iopt_check_iova() */
static int check_iova(const struct model *m, const struct m_ioas *a,
		      uint64_t iova, uint64_t len)
{
	uint64_t last;

	/* MB_MAP_UNALIGNED_OK (IOAS-2), MB_MAP_OVERLAP_OK (IOAS-3): one
	 * check missing */
	if ((iova & (ioas_align(a) - 1)) && !bug(m, MB_MAP_UNALIGNED_OK))
		return -EINVAL;
	if (__builtin_add_overflow(iova, len - 1, &last))
		return e_overflow(m);
	if (resv_hit(m, a, iova, last))
		return -EINVAL;
	/* MB_ALLOW_LIMITS_FIXED: allowed ranges also fence fixed maps
	 * (RANGE-7); iopt_check_iova() does not look at them. */
	if (bug(m, MB_ALLOW_LIMITS_FIXED) && a->nallowed) {
		bool inside = false;

		for (unsigned i = 0; i < a->nallowed; i++)
			inside |= iova >= a->allowed[i].start &&
				  last <= a->allowed[i].last;
		if (!inside)
			return -EINVAL;
	}
	if (area_hit(a, iova, last) && !bug(m, MB_MAP_OVERLAP_OK))
		return -EEXIST;
	return 0;
}

static void area_insert(struct model *m, struct m_ioas *a,
			const struct m_area *ar)
{
	unsigned i = a->narea;

	while (i && a->area[i - 1].iova > ar->iova) {
		a->area[i] = a->area[i - 1];
		i--;
	}
	a->area[i] = *ar;
	a->narea++;
	ioas_pte_add(m, a, ar);
}

/*
 * iopt_alloc_area_pages() + iopt_insert_area() + iopt_fill_domains_pages()
 * for a list of pieces (one for MAP, one per source area for COPY).
 */
static int map_pieces(struct model *m, struct m_ioas *a, struct m_area *pc,
		      unsigned npc, uint64_t len, bool fixed, uint64_t *iova,
		      const uint64_t *place)
{
	uint64_t at;
	int rc;

	if (((len & (ioas_align(a) - 1)) && !bug(m, MB_MAP_UNALIGNED_OK)) ||
	    !len)
		return -EINVAL;
	if (a->narea + npc > M_MAX_AREA)
		return -ENOMEM;
	if (!fixed)
		rc = alloc_iova(m, a, pc[0].uva, len, iova);
	else
		rc = check_iova(m, a, *iova, len);
	if (rc)
		return rc;
	for (unsigned i = 0; i < npc; i++) {
		if ((pc[i].prot & T_MAP_WRITEABLE) && !pc[i].pages_writable)
			return -EPERM;
		if (((pc[i].uva % M_PAGE) & (ioas_align(a) - 1)) &&
		    !bug(m, MB_MAP_UNALIGNED_OK))
			return -EINVAL;
		/* pinning for the domains: a bad user VA faults */
		if (a->nlinked && !pc[i].uva)
			return -EFAULT;
	}
	if (a->nlinked && should_fail(m))
		return M_INJ_RC;
	/* place: MB_COPY_AT_SOURCE_IOVA inserts at the source IOVA */
	at = place ? *place : *iova;
	for (unsigned i = 0; i < npc; i++) {
		pc[i].iova = at;
		area_insert(m, a, &pc[i]);
		at += pc[i].len;
	}
	return 0;
}

/* iommufd_ioas_map() */
int model_ioas_map(struct model *m, uint32_t ioas_id, uint32_t flags,
		   void *uva, uint64_t len, uint64_t *iova)
{
	const uint32_t valid = T_MAP_FIXED_IOVA | T_MAP_WRITEABLE |
			       T_MAP_READABLE;
	struct m_ioas *a;
	struct m_area pc;
	uint64_t end;

	CLOSED_CHECK(m, ioas_id);
	if (flags & ~valid)
		return op_end(m, -EOPNOTSUPP);
	if (((flags & T_MAP_FIXED_IOVA) && *iova >= UINT64_MAX) ||
	    len >= UINT64_MAX)
		return op_end(m, e_overflow(m));
	/* MB_MAP_NOPROT_OK: a mapping without access accepted (IOAS-1) */
	if (!(flags & (T_MAP_WRITEABLE | T_MAP_READABLE)) &&
	    !bug(m, MB_MAP_NOPROT_OK))
		return op_end(m, -EINVAL);
	a = get_ioas(m, ioas_id);
	if (!a)
		return op_end(m, lookup_err(m, ioas_id));
	/* iopt_alloc_user_pages() / iopt_alloc_pages() */
	if (__builtin_add_overflow((uint64_t)(uintptr_t)uva, len, &end))
		return op_end(m, e_overflow(m));
	if (len == 0 || len > UINT64_MAX - M_PAGE)
		return op_end(m, -EINVAL);
	pc = (struct m_area){ 0, len, (uintptr_t)uva,
			      flags & (T_MAP_READABLE | T_MAP_WRITEABLE),
			      (flags & T_MAP_WRITEABLE) != 0 };
	return op_end(m, map_pieces(m, a, &pc, 1, len,
				    flags & T_MAP_FIXED_IOVA, iova, NULL));
}

static void area_remove(struct model *m, struct m_ioas *a, unsigned i)
{
	struct m_area ar = a->area[i];

	memmove(&a->area[i], &a->area[i + 1],
		(a->narea - i - 1) * sizeof(a->area[0]));
	a->narea--;
	ioas_pte_del(m, a, &ar);
}

/* iopt_unmap_iova_range(): not atomic; whole areas before the one that
 * would be cut are already gone when ENOENT comes back. */
static int unmap_range(struct model *m, struct m_ioas *a, uint64_t start,
		       uint64_t last, uint64_t *unmapped)
{
	uint64_t bytes = 0;
	unsigned i = 0;
	int rc = 0;

	while (i < a->narea) {
		struct m_area *ar = &a->area[i];
		uint64_t al = ar->iova + ar->len - 1;

		if (!overlaps(ar->iova, al, start, last)) {
			i++;
			continue;
		}
		if ((ar->iova < start || al > last) &&
		    bug(m, MB_UNMAP_SPLITS)) {
			/* MB_UNMAP_SPLITS: the area is cut at the range's
			 * ends (IOAS-6) */
			struct m_area head = *ar, tail = *ar;
			uint64_t cs = ar->iova < start ? start : ar->iova;
			uint64_t ce = al > last ? last : al;

			head.len = cs - ar->iova;
			tail.iova = ce + 1;
			tail.len = al - ce;
			tail.uva = ar->uva + (uintptr_t)(ce + 1 - ar->iova);
			bytes += ce - cs + 1;
			area_remove(m, a, i);
			if (head.len) {
				area_insert(m, a, &head);
				i++;
			}
			if (tail.len) {
				area_insert(m, a, &tail);
				i++;
			}
			continue;
		}
		if (ar->iova < start || al > last) {
			rc = -ENOENT;
			break;
		}
		bytes += ar->len;
		area_remove(m, a, i);
	}
	*unmapped = bytes;
	return rc;
}

/* iommufd_ioas_unmap() */
int model_ioas_unmap(struct model *m, uint32_t ioas_id, uint64_t iova,
		     uint64_t len, uint64_t *unmapped)
{
	struct m_ioas *a = get_ioas(m, ioas_id);
	uint64_t bytes = 0, last;
	int rc;

	CLOSED_CHECK(m, ioas_id);
	if (!a)
		return op_end(m, lookup_err(m, ioas_id));
	if (iova == 0 && len == UINT64_MAX) {
		/* iopt_unmap_all(): succeeds even when empty */
		unmap_range(m, a, 0, UINT64_MAX, &bytes);
		if (unmapped)
			*unmapped = bytes;
		return op_end(m, 0);
	}
	if (iova >= UINT64_MAX || len >= UINT64_MAX)
		return op_end(m, e_overflow(m));
	if (!len)
		return op_end(m, -EINVAL);
	if (__builtin_add_overflow(iova, len - 1, &last))
		return op_end(m, e_overflow(m));
	rc = unmap_range(m, a, iova, last, &bytes);
	if (rc)
		return op_end(m, rc);
	/* MB_UNMAP_EMPTY_OK (IOAS-7) */
	if (!bytes && !bug(m, MB_UNMAP_EMPTY_OK))
		return op_end(m, -ENOENT);
	/* MB_UNMAP_BYTES_ASKED: echoes the request (IOAS-8) */
	if (bug(m, MB_UNMAP_BYTES_ASKED))
		bytes = len;
	if (unmapped)
		*unmapped = bytes;
	return op_end(m, 0);
}

/* iommufd_ioas_copy() -> iopt_get_pages() + iopt_map_pages() */
int model_ioas_copy(struct model *m, uint32_t dst_ioas, uint32_t src_ioas,
		    uint32_t flags, uint64_t src_iova, uint64_t len,
		    uint64_t *dst_iova)
{
	const uint32_t valid = T_MAP_FIXED_IOVA | T_MAP_WRITEABLE |
			       T_MAP_READABLE;
	struct m_area pc[M_MAX_AREA];
	struct m_ioas *src, *dst;
	uint64_t last, cur, covered = 0;
	unsigned npc = 0;

	CLOSED_CHECK(m, dst_ioas);
	CLOSED_CHECK(m, src_ioas);
	if (flags & ~valid)
		return op_end(m, -EOPNOTSUPP);
	if (len >= UINT64_MAX || src_iova >= UINT64_MAX ||
	    ((flags & T_MAP_FIXED_IOVA) && *dst_iova >= UINT64_MAX))
		return op_end(m, e_overflow(m));
	if (!(flags & (T_MAP_WRITEABLE | T_MAP_READABLE)) &&
	    !bug(m, MB_MAP_NOPROT_OK))
		return op_end(m, -EINVAL);
	src = get_ioas(m, src_ioas);
	if (!src)
		return op_end(m, lookup_err(m, src_ioas));
	if (!len)
		return op_end(m, -EINVAL);
	if (__builtin_add_overflow(src_iova, len - 1, &last))
		return op_end(m, e_overflow(m));
	/* iopt_for_each_contig_area(): contiguous areas from src_iova */
	cur = src_iova;
	for (unsigned i = 0; i < src->narea; i++) {
		const struct m_area *ar = &src->area[i];
		uint64_t al = ar->iova + ar->len - 1, pl;

		if (al < cur)
			continue;
		if (ar->iova > cur)
			break;
		pl = al < last ? al : last;
		pc[npc++] = (struct m_area){
			0, pl - cur + 1, ar->uva + (uintptr_t)(cur - ar->iova),
			flags & (T_MAP_READABLE | T_MAP_WRITEABLE),
			/* MB_COPY_IGNORES_WRITABLE (IOAS-10) */
			ar->pages_writable ||
				bug(m, MB_COPY_IGNORES_WRITABLE) };
		covered += pl - cur + 1;
		if (pl == last)
			break;
		cur = pl + 1;
	}
	/* MB_COPY_PARTIAL_OK: copies the mapped part (IOAS-9) */
	if (covered && covered != len && bug(m, MB_COPY_PARTIAL_OK))
		len = covered;
	if (covered != len)
		return op_end(m, -ENOENT);
	dst = get_ioas(m, dst_ioas);
	if (!dst)
		return op_end(m, lookup_err(m, dst_ioas));
	/* MB_COPY_AT_SOURCE_IOVA: the destination area lands at the source
	 * IOVA, checked at the destination one (DMA-9) */
	return op_end(m, map_pieces(m, dst, pc, npc, len,
				    flags & T_MAP_FIXED_IOVA, dst_iova,
				    bug(m, MB_COPY_AT_SOURCE_IOVA) &&
						    (flags & T_MAP_FIXED_IOVA) &&
						    !area_hit(dst, src_iova,
							      last) ?
					    &src_iova :
					    NULL));
}

/* iommufd_ioas_iova_ranges(): the holes of reserved_itree. */
int model_iova_ranges(struct model *m, uint32_t ioas_id,
		      struct iova_range *ranges, unsigned *n,
		      uint64_t *alignment)
{
	struct iova_range r[M_MAX_USED];
	struct m_ioas *a = get_ioas(m, ioas_id);
	unsigned nr, cnt = 0, max = *n;
	uint64_t cur = 0;
	bool end = false;

	CLOSED_CHECK(m, ioas_id);
	if (!a)
		return op_end(m, lookup_err(m, ioas_id));
	nr = collect_resv(m, a, r);
	sort_ranges(r, nr);
	for (unsigned i = 0; i <= nr && !end; i++) {
		uint64_t hl;

		if (i < nr) {
			if (r[i].last < cur)
				continue;
			if (r[i].start <= cur) {
				if (r[i].last == UINT64_MAX)
					end = true;
				else
					cur = r[i].last + 1;
				continue;
			}
			hl = r[i].start - 1;
		} else {
			hl = UINT64_MAX;
		}
		if (cnt < max)
			ranges[cnt] = (struct iova_range){ cur, hl };
		cnt++;
		if (i < nr) {
			if (r[i].last == UINT64_MAX)
				end = true;
			else
				cur = r[i].last + 1;
		}
	}
	/* MB_RANGES_UNSORTED: reported highest first (RANGE-6) */
	if (bug(m, MB_RANGES_UNSORTED)) {
		unsigned k = cnt < max ? cnt : max;

		for (unsigned i = 0; i < k / 2; i++) {
			struct iova_range t = ranges[i];

			ranges[i] = ranges[k - 1 - i];
			ranges[k - 1 - i] = t;
		}
	}
	*n = cnt;
	if (alignment)
		*alignment = ioas_align_reported(m, a);
	/* MB_EMSGSIZE_SILENT: a truncated array reported as success
	 * (RANGE-2) */
	return op_end(m, cnt > max && !bug(m, MB_EMSGSIZE_SILENT) ? -EMSGSIZE
								  : 0);
}

/* iommufd_ioas_allow_iovas() + iopt_set_allow_iova() */
int model_allow_iovas(struct model *m, uint32_t ioas_id,
		      const struct iova_range *ranges, unsigned n)
{
	struct iova_range nr[T_MAX_RANGES];
	struct m_ioas *a = get_ioas(m, ioas_id);

	CLOSED_CHECK(m, ioas_id);
	if (!a)
		return op_end(m, lookup_err(m, ioas_id));
	for (unsigned i = 0; i < n; i++) {
		/* MB_ALLOW_SINGLE_BYTE: start == last accepted (RANGE-4) */
		if (ranges[i].start > ranges[i].last ||
		    (ranges[i].start == ranges[i].last &&
		     !bug(m, MB_ALLOW_SINGLE_BYTE)))
			return op_end(m, -EINVAL);
		for (unsigned j = 0; j < i; j++)
			if (overlaps(ranges[i].start, ranges[i].last,
				     nr[j].start, nr[j].last))
				return op_end(m, -EINVAL);
		if (i == T_MAX_RANGES)
			return op_end(m, -ENOMEM);
		nr[i] = ranges[i];
	}
	for (unsigned i = 0; i < n; i++)
		if (resv_hit(m, a, nr[i].start, nr[i].last))
			return op_end(m, -EADDRINUSE);
	sort_ranges(nr, n);
	memcpy(a->allowed, nr, n * sizeof(nr[0]));
	a->nallowed = n;
	return op_end(m, 0);
}

/* iommufd_ioas_option_huge_pages() */
int model_ioas_option_huge_pages(struct model *m, uint32_t ioas_id, bool set,
				 uint64_t *val)
{
	struct m_ioas *a = get_ioas(m, ioas_id);

	CLOSED_CHECK(m, ioas_id);
	if (!a)
		return op_end(m, lookup_err(m, ioas_id));
	if (!set) {
		*val = !a->no_large;
		return op_end(m, 0);
	}
	if (*val == 1) {
		a->no_large = false; /* iopt_enable_large_pages() */
		return op_end(m, 0);
	}
	if (*val != 0)
		return op_end(m, -EINVAL);
	/* iopt_disable_large_pages() */
	if (a->no_large)
		return op_end(m, 0);
	/* MB_HUGE_PAGES_LAX: accepted with domains and mappings (IOAS-13) */
	if (a->nlinked && a->narea && !bug(m, MB_HUGE_PAGES_LAX))
		return op_end(m, -EINVAL);
	if (ioas_align(a) < M_PAGE) {
		for (unsigned i = 0; i < a->narea; i++)
			if ((a->area[i].iova | a->area[i].len |
			     a->area[i].uva) & (M_PAGE - 1))
				return op_end(m, -EADDRINUSE);
	}
	a->no_large = true;
	return op_end(m, 0);
}

/* --- public: HWPT ----------------------------------------------------------*/

static int dev_check(const struct model *m, unsigned d)
{
	if (d >= m->p->ndev)
		return -EINVAL;
	if (m->dev[d].ctx < 0)
		return -ENOENT; /* no iommufd device ID to name it by */
	return 0;
}

/* iommufd_hwpt_nested_alloc() + the driver's domain_alloc_nested() */
static int nested_alloc(struct model *m, unsigned d, struct m_hwpt *parent,
			uint32_t flags, uint32_t data_type, const void *data,
			uint32_t data_len, uint32_t *hwpt_id)
{
	const struct model_iommu *io = iommu_of(m, d);
	unsigned ctx = (unsigned)m->dev[d].ctx;
	struct m_hwpt *h;
	int rc;

	if ((flags & ~(IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID)) ||
	    !data_len || !io->nested_data_type)
		return -EOPNOTSUPP;
	/* MB_NEST_ANY_PARENT: any manual paging HWPT is a parent (NEST-1) */
	if (parent->auto_domain ||
	    (!parent->nest_parent && !bug(m, MB_NEST_ANY_PARENT)))
		return -EINVAL;
	h = hwpt_alloc_slot(m);
	if (!h)
		return -ENOMEM;
	rc = obj_alloc(m, ctx, MO_HWPT_NESTED, hwpt_idx(m, h), &h->raw);
	if (rc) {
		h->used = false;
		return rc;
	}
	h->ctx = ctx;
	h->nested = true;
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
		rc = -ENOENT; /* no fault objects are modelled: fault_id 0 */
	if (rc) {
		hwpt_free(m, h);
		return rc;
	}
	*hwpt_id = obj_id(ctx, h->raw);
	return 0;
}

/* iommufd_hwpt_alloc() */
int model_hwpt_alloc(struct model *m, unsigned dev, uint32_t pt_id,
		     uint32_t flags, uint32_t data_type, const void *data,
		     uint32_t data_len, uint32_t *hwpt_id)
{
	const struct m_obj *o;
	struct m_hwpt *h;
	unsigned ctx;
	int rc;

	CLOSED_CHECK(m, pt_id);
	if ((data_type == IOMMU_HWPT_DATA_NONE && data_len) ||
	    (data_type != IOMMU_HWPT_DATA_NONE && !data_len))
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
		rc = paging_alloc(m, &m->ioas[o->idx], dev, T_NO_PASID, flags,
				  false, data_len != 0, &h);
		if (rc)
			return op_end(m, rc);
		if (flags & IOMMU_HWPT_FAULT_ID_VALID) {
			/* iommufd_get_fault(): no fault objects modelled */
			hwpt_free(m, h);
			return op_end(m, -ENOENT);
		}
		*hwpt_id = obj_id(ctx, h->raw);
		return op_end(m, 0);
	}
	if (o->type == MO_HWPT_PAGING)
		return op_end(m, nested_alloc(m, dev, &m->hwpt[o->idx], flags,
					      data_type, data, data_len,
					      hwpt_id));
	return op_end(m, bug(m, MB_PT_ID_ENOENT) ? -ENOENT : -EINVAL);
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
	if (num && (!reqs || !entry_len || entry_len > M_PAGE ||
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
	if (o->type != MO_HWPT_NESTED)
		return op_end(m, -EINVAL);
	h = &m->hwpt[o->idx];
	/* intel_nested_cache_invalidate_user(): wrong type is EINVAL */
	if (data_type != m->p->iommu[h->iommu].inv_data_type)
		return op_end(m, -EINVAL);
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
		if (io->dirty)
			*caps |= IOMMU_HW_CAP_DIRTY_TRACKING;
	}
	if (max_pasid_log2)
		*max_pasid_log2 = m->p->dev[dev].max_pasid_log2;
	return op_end(m, 0);
}

/* iommufd_hwpt_set_dirty_tracking() + iopt_set_dirty_tracking() */
int model_set_dirty_tracking(struct model *m, uint32_t hwpt_id, bool enable)
{
	struct m_hwpt *h = get_hwpt_paging(m, hwpt_id);

	CLOSED_CHECK(m, hwpt_id);
	if (!h)
		return op_end(m, lookup_err(m, hwpt_id));
	/* MB_DIRTY_NOCAP_OK: accepted and ignored (DIRTY-1) */
	if (!h->dirty_cap)
		return op_end(m, bug(m, MB_DIRTY_NOCAP_OK) ? 0 : -EOPNOTSUPP);
	/* iopt_clear_dirty_data(): clean snapshot; MB_DIRTY_STALE_ON_ENABLE
	 * skips it (DIRTY-2) */
	if (enable && !bug(m, MB_DIRTY_STALE_ON_ENABLE))
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
		return op_end(m, lookup_err(m, hwpt_id));
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
				uint64_t from = pg < iova ? iova : pg;
				uint64_t bit = (from - iova) / page_size;

				bitmap[bit / 64] |= 1ull << (bit % 64);
				if (!(flags &
				      IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR)) {
					h->dirty[k] = h->dirty[--h->ndirty];
					continue;
				}
			}
			k++;
		}
		if (al >= last)
			break;
		cur = al + 1;
	}
	return op_end(m, 0);
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
	if (should_fail(m))
		return op_end(m, M_INJ_RC);
	rc = obj_alloc(m, ctx, MO_DEVICE, dev, &d->raw);
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
		hwpt_detach(m, dev, d->pasid[lo],
			    bug(m, MB_RELEASE_KEEPS_PASIDS));
		d->pasid[lo] = d->pasid[--d->npasid];
	}
	if (d->rid_attached) {
		hwpt_detach(m, dev, T_NO_PASID, bug(m, MB_RELEASE_KEEPS_RID));
		d->rid_attached = false;
	}
	ctx = (unsigned)d->ctx;
	obj_free(m, ctx, d->raw);
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
	for (int pass = 0; pass < 2; pass++)
		for (unsigned i = 0; i < M_MAX_HWPT; i++) {
			struct m_hwpt *h = &m->hwpt[i];

			if (h->used && h->ctx == ctx && h->nested == !pass)
				hwpt_free(m, h);
		}
	for (unsigned i = 0; i < M_MAX_IOAS; i++)
		if (m->ioas[i].used && m->ioas[i].ctx == ctx)
			m->ioas[i].used = false;
	memset(m->obj[ctx], 0, sizeof(m->obj[ctx]));
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

static int dev_find_pasid(const struct m_dev *d, uint32_t pasid)
{
	for (unsigned i = 0; i < d->npasid; i++)
		if (d->pasid[i] == pasid)
			return (int)i;
	return -1;
}

int model_attach(struct model *m, unsigned dev, uint32_t pasid,
		 uint32_t pt_id, uint32_t *out_pt)
{
	struct m_dev *d;
	uint32_t id = pt_id;
	int rc;

	if (dev >= m->p->ndev)
		return op_end(m, -EINVAL);
	d = &m->dev[dev];
	if (d->ctx < 0)
		/* cdev fd before BIND; MB_PREBIND_ENODEV (OWN-2) */
		return op_end(m, bug(m, MB_PREBIND_ENODEV) ? -ENODEV : -EINVAL);
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
		rc = change_pt(m, dev, pasid, &id, hwpt_replace);
	} else {
		if (pasid > INT32_MAX)
			return op_end(m, -ENOSPC); /* ida_alloc_range() */
		if (d->npasid == M_MAX_PSLOT)
			return op_end(m, -ENOSPC);
		rc = change_pt(m, dev, pasid, &id, do_attach);
		if (!rc)
			d->pasid[d->npasid++] = pasid;
	}
	if (!rc && out_pt)
		*out_pt = id;
	return op_end(m, rc);
}

int model_detach(struct model *m, unsigned dev, uint32_t pasid)
{
	struct m_dev *d;
	int i;

	if (dev >= m->p->ndev)
		return op_end(m, -EINVAL);
	d = &m->dev[dev];
	if (d->ctx < 0)
		return op_end(m, bug(m, MB_PREBIND_ENODEV) ? -ENODEV : -EINVAL);
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
		return op_end(m, 0);
	}
	/* vfio_iommufd_physical_pasid_detach_ioas() */
	i = dev_find_pasid(d, pasid);
	if (i < 0)
		/* MB_PASID_DETACH_ENOENT (PASID-5) */
		return op_end(m, bug(m, MB_PASID_DETACH_ENOENT) ? -ENOENT : 0);
	hwpt_detach(m, dev, pasid, false);
	d->pasid[i] = d->pasid[--d->npasid];
	return op_end(m, 0);
}

/* --- public: DMA ----------------------------------------------------------- */

/* The HWPT (dev, pasid) translates through in hardware; NULL = blocked. */
static void hw_resolve(const struct model *m, unsigned dev, uint32_t pasid,
		       struct m_hwpt **h, struct m_hwpt **fallback)
{
	const struct m_group *g = &m->group[m->dev[dev].gi];

	*h = NULL;
	*fallback = NULL;
	if (g->owner < 0)
		return;
	if (pasid == T_NO_PASID) {
		/* MB_GROUP_UNATTACHED_BLOCKED: the domain is programmed only
		 * for members that attached themselves (GROUP-5) */
		if (bug(m, MB_GROUP_UNATTACHED_BLOCKED) &&
		    !m->dev[dev].rid_attached)
			return;
		if (ref_live(&g->rid_hw))
			*h = g->rid_hw.h;
		if (ref_live(&g->rid_hw_old))
			*fallback = g->rid_hw_old.h;
		return;
	}
	if (!m->p->dev[dev].max_pasid_log2)
		return; /* the device cannot emit a PASID */
	if (bug(m, MB_SHARED_PASID_TABLE) && ref_live(&g->rid_hw)) {
		/* the table hangs off the RID domain: the newest entry of
		 * any group on the same domain wins */
		uint32_t best = 0;

		for (unsigned gi = 0; gi < m->ngroup; gi++) {
			const struct m_group *o = &m->group[gi];

			if (!ref_live(&o->rid_hw) ||
			    o->rid_hw.h != g->rid_hw.h)
				continue;
			for (unsigned i = 0; i < M_MAX_PSLOT; i++) {
				const struct m_pslot *s = &o->ps[i];

				if (ref_live(&s->hw) && s->pasid == pasid &&
				    s->seq >= best) {
					best = s->seq;
					*h = s->hw.h;
				}
			}
		}
		return;
	}
	for (unsigned i = 0; i < M_MAX_PSLOT; i++) {
		const struct m_pslot *s = &g->ps[i];

		if (ref_live(&s->hw) && s->pasid == pasid) {
			*h = s->hw.h;
			return;
		}
	}
}

static const struct m_pte *pt_lookup(const struct model *m,
				     const struct m_hwpt *h, uint64_t iova)
{
	const struct m_hwpt *pg = h && h->nested ? h->parent : h;

	if (!pg)
		return NULL;
	/* MB_STALE_REMAP: the unmap left an IOTLB entry behind that the
	 * walk ignores while the IOVA is unmapped, but that wins again once
	 * the IOVA is mapped (no flush on map): the oldest entry first. */
	if (bug(m, MB_STALE_REMAP)) {
		const struct m_pte *live = NULL;

		for (unsigned i = pg->npte; i--;) {
			const struct m_pte *p = &pg->pte[i];

			if (!p->stale && iova >= p->iova &&
			    iova - p->iova < p->len) {
				live = p;
				break;
			}
		}
		if (!live)
			return NULL;
		for (unsigned i = 0; i < pg->npte; i++) {
			const struct m_pte *p = &pg->pte[i];

			if (iova >= p->iova && iova - p->iova < p->len)
				return p;
		}
	}
	/* newest first: a remap overwrites a stale entry */
	for (unsigned i = pg->npte; i--;) {
		const struct m_pte *p = &pg->pte[i];

		if (iova >= p->iova && iova - p->iova < p->len)
			return p;
	}
	return NULL;
}

/* MB_BIND_IDENTITY: the default identity domain; only addresses of user
 * memory the model knows (some area of some IOAS) are "RAM". */
static bool identity_ram(const struct model *m, uint64_t pa, size_t len)
{
	for (unsigned i = 0; i < M_MAX_IOAS; i++) {
		const struct m_ioas *a = &m->ioas[i];

		if (!a->used)
			continue;
		for (unsigned k = 0; k < a->narea; k++)
			if (a->area[k].uva && pa >= a->area[k].uva &&
			    pa + len <= a->area[k].uva + a->area[k].len)
				return true;
	}
	return false;
}

static void mark_dirty(const struct model *m, struct m_hwpt *h, uint64_t iova)
{
	struct m_hwpt *pg = h->nested ? h->parent : h;
	uint64_t page = iova & ~(M_PAGE - 1);

	/* MB_DIRTY_STALE_ON_ENABLE: hardware that always logs */
	if (!pg->dirty_on && !(pg->dirty_cap && bug(m, MB_DIRTY_STALE_ON_ENABLE)))
		return;
	for (unsigned i = 0; i < pg->ndirty; i++)
		if (pg->dirty[i] == page)
			return;
	if (pg->ndirty < M_MAX_DIRTY)
		pg->dirty[pg->ndirty++] = page;
}

int model_dma(struct model *m, unsigned dev, uint32_t pasid, enum dma_dir dir,
	      uint64_t iova, void *buf, size_t len, char *evidence,
	      size_t evidence_len)
{
	struct m_hwpt *h, *fb;
	size_t done = 0, moved = 0;

	const struct m_pte *first = NULL;

	if (dev >= m->p->ndev || len > (4u << 20))
		return op_end(m, -EINVAL);
	hw_resolve(m, dev, pasid, &h, &fb);
	if (!h && pasid == T_NO_PASID && m->identity[m->dev[dev].gi] &&
	    m->group[m->dev[dev].gi].owner >= 0 &&
	    identity_ram(m, iova, len)) {
		/* MB_BIND_IDENTITY (OWN-4) */
		if (dir == DMA_TO_MEMORY)
			memcpy((void *)(uintptr_t)iova, buf, len);
		else
			memcpy(buf, (void *)(uintptr_t)iova, len);
		if (evidence && evidence_len)
			snprintf(evidence, evidence_len,
				 "model: %s %zu bytes at 0x%llx via identity",
				 dir == DMA_TO_MEMORY ? "wrote" : "read", len,
				 (unsigned long long)iova);
		return op_end(m, 0);
	}
	while (done < len) {
		uint64_t at = iova + done;
		size_t chunk = M_PAGE - (at & (M_PAGE - 1));
		const struct m_pte *p = pt_lookup(m, h, at);
		struct m_hwpt *via = h;
		uint64_t off;
		bool ok;

		if (!p && fb) {
			p = pt_lookup(m, fb, at);
			via = fb;
		}
		/* MB_APERTURE_SHORT: the page table is a page short of the
		 * aperture it reports (DMA-8) */
		if (p && bug(m, MB_APERTURE_SHORT) &&
		    at > m->p->iommu[via->iommu].aperture_end - M_PAGE)
			p = NULL;
		if (chunk > len - done)
			chunk = len - done;
		if (p && chunk > p->iova + p->len - at)
			chunk = p->iova + p->len - at;
		if (dir == DMA_TO_MEMORY)
			ok = p && ((p->prot & T_MAP_WRITEABLE) ||
				   bug(m, MB_RO_WRITABLE));
		else
			ok = p && (p->prot & T_MAP_READABLE);
		/* MB_WO_NO_ACCESS: a format without write-only entries makes
		 * them not present (DMA-3) */
		if (p && p->prot == T_MAP_WRITEABLE && bug(m, MB_WO_NO_ACCESS))
			ok = false;
		off = p ? at - p->iova : 0;
		/* MB_HUGE_FIRST_PAGE: a 2 MiB IOPTE built from the first 4 KiB
		 * page only (DMA-7) */
		if (p && bug(m, MB_HUGE_FIRST_PAGE) && p->len >= M_HPAGE &&
		    !((p->iova | p->uva) & (M_HPAGE - 1)))
			off &= M_PAGE - 1;
		/* MB_DMA_CONTIG_ASSUMED: a transfer crossing into another
		 * IOPTE continues after the first page's memory (DMA-1) */
		if (p && bug(m, MB_DMA_CONTIG_ASSUMED)) {
			if (!first) {
				first = p;
			} else if (p != first) {
				/* wraps inside the first IOPTE's memory */
				off = (at - first->iova) % first->len;
				if (chunk > first->len - off)
					chunk = first->len - off;
				p = first;
			}
		}
		if (ok) {
			uint8_t *mem = (uint8_t *)(p->uva + off);

			if (dir == DMA_TO_MEMORY) {
				memcpy(mem, (uint8_t *)buf + done, chunk);
				mark_dirty(m, via, at);
			} else {
				memcpy((uint8_t *)buf + done, mem, chunk);
			}
			moved += chunk;
		}
		done += chunk;
	}
	if (evidence && evidence_len)
		snprintf(evidence, evidence_len,
			 "model: %s %zu of %zu bytes at iova 0x%llx via %s%s",
			 dir == DMA_TO_MEMORY ? "wrote" : "read", moved, len,
			 (unsigned long long)iova,
			 h ? (h->nested ? "nested hwpt" : "hwpt") : "blocked",
			 moved < len ? " (rest blocked)" : "");
	return op_end(m, 0);
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
	hw_resolve(m, dev, pasid, &h, &fb);
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

uint32_t model_hw_info_type(const struct model *m, unsigned dev)
{
	return dev < m->p->ndev ? iommu_of(m, dev)->hw_info_type : 0;
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
	for (unsigned g = 0; g < m->ngroup; g++) {
		const struct m_group *gr = &m->group[g];
		unsigned nb = 0;

		for (unsigned d = 0; d < m->p->ndev; d++) {
			if (!(gr->members & (1u << d)) || m->dev[d].ctx < 0)
				continue;
			nb++;
			if (m->dev[d].ctx != gr->owner)
				return "a bound device outside its group's owner";
			if (m->dev[d].rid_attached !=
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
