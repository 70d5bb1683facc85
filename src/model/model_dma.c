// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model (see model.c): DMA, resolved in software through the
 * HWPT the hardware translates through, against memory of this process.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "model_int.h"

/* --- public: DMA ----------------------------------------------------------- */

/* The HWPT (dev, pasid) translates through in hardware; NULL = blocked. */
void model_hw_resolve(const struct model *m, unsigned dev, uint32_t pasid,
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
	/* MB_PASID_NEEDS_RID: every PASID is checked against the RID's
	 * entry, as QEMU's VT-d model did (docs/findings.md F3) */
	if (bug(m, MB_PASID_NEEDS_RID) && !ref_live(&g->rid_hw))
		return;
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

/* MB_ENGINE_LANDS_ALL: any entry of any page table, live or stale, that
 * ever mapped iova, else any IOAS area at iova: an engine that ignores
 * what the IOMMU says and reaches whatever memory user space put there. */
static const struct m_pte *any_pte(const struct model *m, uint64_t iova)
{
	static __thread struct m_pte from_area;

	for (unsigned i = 0; i < M_MAX_HWPT; i++) {
		const struct m_hwpt *h = &m->hwpt[i];

		for (unsigned j = h->nested ? 0 : h->npte; j--;)
			if (iova >= h->pte[j].iova &&
			    iova - h->pte[j].iova < h->pte[j].len)
				return &h->pte[j];
	}
	for (unsigned i = 0; i < M_MAX_IOAS; i++)
		for (unsigned k = 0; k < m->ioas[i].narea; k++) {
			const struct m_area *a = &m->ioas[i].area[k];

			if (a->uva && iova >= a->iova && iova - a->iova < a->len) {
				from_area = (struct m_pte){ .iova = a->iova,
							    .len = a->len,
							    .uva = a->uva,
							    .prot = a->prot };
				return &from_area;
			}
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
	if (bug(m, MB_ENGINE_TIMES_OUT))
		return op_end(m, -ETIMEDOUT);
	if (bug(m, MB_DEV_DMA_UNTRANSLATED) && dev == m->p->ndev - 1) {
		if (evidence && evidence_len)
			snprintf(evidence, evidence_len,
				 "model: dev %u's DMA never translates", dev);
		return op_end(m, 0);
	}
	if (bug(m, MB_ENGINE_NEVER_MOVES)) {
		if (evidence && evidence_len)
			snprintf(evidence, evidence_len,
				 "model: engine reports the transfer done, moved nothing");
		return op_end(m, 0);
	}
	model_hw_resolve(m, dev, pasid, &h, &fb);
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
		if (!p && bug(m, MB_ENGINE_LANDS_ALL))
			p = any_pte(m, at);
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
		if (bug(m, MB_ENGINE_LANDS_ALL))
			ok = p != NULL;
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
				if (via)
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

/* Whether dev's RID translates through a paging (not nested) HWPT now: an
 * IOAS behind it, so a DMA engine's bounce page mapped in every IOAS (the
 * kernel target's window) would translate. */
bool model_rid_on_paging(const struct model *m, unsigned dev)
{
	struct m_hwpt *h, *fb;

	if (dev >= m->p->ndev)
		return false;
	model_hw_resolve(m, dev, T_NO_PASID, &h, &fb);
	return h && !h->nested;
}

/* The optional target op mark_dirty: pages of [iova, iova+len) mapped in
 * the HWPT are logged dirty as a device write would log them. */
int model_mark_dirty(struct model *m, uint32_t hwpt_id, uint64_t iova,
		     uint64_t len)
{
	struct m_hwpt *h = get_hwpt_paging(m, hwpt_id);

	if (!h)
		return -ENOENT;
	/* iommufd_test_dirty(): tracking must be on */
	if (!h->dirty_on)
		return -EINVAL;
	for (uint64_t a = iova & ~(M_PAGE - 1); a < iova + len; a += M_PAGE)
		mark_dirty(m, h, a);
	return 0;
}
