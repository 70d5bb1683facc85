// SPDX-License-Identifier: GPL-2.0
/*
 * Seeded random op sequences on every model profile, with model_check()
 * after each op: the bookkeeping (refcounts, object table, reservations,
 * page tables, ownership) must stay consistent whatever the order of ops,
 * and nothing may crash (run under make asan too).
 */
#include <errno.h>
#include <linux/iommufd.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/model/model.h"
#include "unit.h"

#define PG 4096ull
#define NPAGES 16

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

struct fz {
	struct model *m;
	uint8_t *mem;
	uint64_t seed;
	uint32_t ids[16]; /* IOAS and HWPT IDs seen, some stale */
	unsigned nids;
};

static uint32_t pick_id(struct fz *f)
{
	if (!f->nids || rng(&f->seed) % 16 == 0)
		return T_ID_MAKE(rng(&f->seed) % 2, rng(&f->seed) % 12);
	return f->ids[rng(&f->seed) % f->nids];
}

static void keep_id(struct fz *f, uint32_t id)
{
	if (f->nids < 16)
		f->ids[f->nids++] = id;
	else
		f->ids[rng(&f->seed) % 16] = id;
}

static const uint64_t iovas[] = { 0x100000, 0x101000, 0x102000, 0x104000,
				  0xfee00000, 0x8000000, 0x7ffff000 };
static const uint32_t pasids[] = { T_NO_PASID, 3, 5, 0 };

/* A start that reaches deep states: IOASes, bound devices, HWPTs. */
static void preamble(struct fz *f)
{
	uint32_t id, ioas;
	uint64_t iova = 0x100000;

	model_ioas_alloc(f->m, 0, &ioas);
	keep_id(f, ioas);
	model_ioas_map(f->m, ioas, T_MAP_FIXED_IOVA | T_MAP_READABLE |
		       T_MAP_WRITEABLE, f->mem, 4 * PG, &iova);
	if (!model_ioas_alloc(f->m, 0, &id))
		keep_id(f, id);
	for (unsigned d = 0; d < 4; d++)
		model_bind(f->m, d, 0);
	if (!model_hwpt_alloc(f->m, 0, ioas, IOMMU_HWPT_ALLOC_PASID, 0, NULL,
			      0, &id)) {
		keep_id(f, id);
		model_attach(f->m, 0, T_NO_PASID, id, NULL);
	}
	if (!model_hwpt_alloc(f->m, 1, ioas, IOMMU_HWPT_ALLOC_PASID, 0, NULL,
			      0, &id))
		keep_id(f, id);
}

static void step(struct fz *f)
{
	struct model *m = f->m;
	unsigned dev = rng(&f->seed) % 6, ctx = rng(&f->seed) % 8 == 0;
	uint32_t pasid = pasids[rng(&f->seed) % 4];
	uint64_t iova = iovas[rng(&f->seed) % 7], n;
	unsigned pg = rng(&f->seed) % (NPAGES - 4);
	uint32_t id = 0;
	uint8_t buf[64];

	switch (rng(&f->seed) % 16) {
	case 0:
		if (!model_ioas_alloc(m, ctx, &id))
			keep_id(f, id);
		break;
	case 1:
		model_destroy(m, pick_id(f));
		break;
	case 2:
	case 3: {
		static const uint32_t prot[] = { 1, 2, 4, 6 };
		uint32_t flags = prot[rng(&f->seed) % 4];

		if (rng(&f->seed) % 3)
			flags |= T_MAP_FIXED_IOVA;
		model_ioas_map(m, pick_id(f), flags | T_MAP_READABLE,
			       f->mem + pg * PG, (1 + rng(&f->seed) % 3) * PG,
			       &iova);
		break;
	}
	case 4:
		if (rng(&f->seed) % 4)
			model_ioas_unmap(m, pick_id(f), iova,
					 (1 + rng(&f->seed) % 4) * PG, &n);
		else
			model_ioas_unmap(m, pick_id(f), 0, UINT64_MAX, &n);
		break;
	case 5: {
		uint64_t dst = iovas[rng(&f->seed) % 7];

		model_ioas_copy(m, pick_id(f), pick_id(f),
				T_MAP_READABLE | (rng(&f->seed) % 2 ?
						  T_MAP_FIXED_IOVA : 0),
				iova, PG, &dst);
		break;
	}
	case 6: {
		static const uint32_t fl[] = { 0, IOMMU_HWPT_ALLOC_PASID,
					       IOMMU_HWPT_ALLOC_NEST_PARENT,
					       IOMMU_HWPT_ALLOC_DIRTY_TRACKING };
		struct iommu_hwpt_vtd_s1 s1 = { 0 };

		if (rng(&f->seed) % 4 == 0) {
			if (!model_hwpt_alloc(m, dev, pick_id(f), 0,
					      IOMMU_HWPT_DATA_VTD_S1, &s1,
					      sizeof(s1), &id))
				keep_id(f, id);
		} else if (!model_hwpt_alloc(m, dev, pick_id(f),
					     fl[rng(&f->seed) % 4], 0, NULL, 0,
					     &id)) {
			keep_id(f, id);
		}
		break;
	}
	case 7:
		model_bind(m, dev, ctx);
		break;
	case 8:
		model_unbind(m, dev);
		break;
	case 9:
	case 10:
		if (!model_attach(m, dev, pasid, pick_id(f), &id))
			keep_id(f, id);
		break;
	case 11:
		model_detach(m, dev, pasid);
		break;
	case 12:
		memset(buf, 0x11, sizeof(buf));
		model_dma(m, dev, pasid, rng(&f->seed) % 2 ? DMA_TO_MEMORY :
							    DMA_FROM_MEMORY,
			  iova + 0x800, buf, sizeof(buf), NULL, 0);
		break;
	case 13: {
		struct iova_range r[3];
		struct iova_range al = { iova, iova + 0xfffff };
		unsigned nr = 3;

		model_iova_ranges(m, pick_id(f), r, &nr, NULL);
		if (rng(&f->seed) % 4 == 0)
			model_allow_iovas(m, pick_id(f), &al,
					  rng(&f->seed) % 2);
		break;
	}
	case 14: {
		uint64_t bm[4] = { 0 };

		model_set_dirty_tracking(m, pick_id(f), rng(&f->seed) % 2);
		model_get_dirty_bitmap(m, pick_id(f), 0x100000, 16 * PG, PG,
				       0, bm);
		break;
	}
	default: {
		uint64_t v = rng(&f->seed) % 2;

		model_inject_fail_nth(m, 1 + rng(&f->seed) % 3);
		if (rng(&f->seed) % 2)
			model_attach(m, dev, pasid, pick_id(f), NULL);
		else
			model_ioas_option_huge_pages(m, pick_id(f), true, &v);
		break;
	}
	}
}

UNIT_TEST(model_fuzz_consistency)
{
	unsigned np;
	const struct model_profile *p = model_profiles(&np);
	uint8_t *mem = aligned_alloc(PG, NPAGES * PG);

	for (unsigned i = 0; i < np; i++) {
		struct fz f = { .m = model_new(&p[i]), .mem = mem,
				 .seed = 0x9e3779b97f4a7c15ull + i };
		const char *bad = NULL;
		unsigned k;

		for (unsigned seq = 0; seq < 200 && !bad; seq++) {
			model_reset(f.m);
			f.nids = 0;
			preamble(&f);
			bad = model_check(f.m);
			for (k = 0; k < 60 && !bad; k++) {
				step(&f);
				bad = model_check(f.m);
			}
		}
		if (bad)
			unit_fail(__FILE__, __LINE__, "profile %s: %s",
				  p[i].name, bad);
		model_free(f.m);
	}
	free(mem);
}
