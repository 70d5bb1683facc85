// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the reference model, one rule family per test. */
#include <errno.h>
#include <linux/iommufd.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/model/model.h"
#include "unit.h"

#define PG 4096ull
#define MSI 0xfee00000ull
#define RW (T_MAP_READABLE | T_MAP_WRITEABLE)
#define FIX (T_MAP_FIXED_IOVA | RW)
#define RID T_NO_PASID

struct tm {
	struct model *m;
	uint8_t *mem; /* 64 pages */
};

static struct tm tm_new(const char *profile)
{
	struct tm t = { model_new(model_profile_find(profile)),
			aligned_alloc(PG, 64 * PG) };

	memset(t.mem, 0, 64 * PG);
	return t;
}

static void tm_free(struct tm *t)
{
	model_free(t->m);
	free(t->mem);
}

static int map_at(struct tm *t, uint32_t ioas, uint64_t iova, unsigned page,
		  unsigned npages, uint32_t flags)
{
	uint64_t at = iova;

	return model_ioas_map(t->m, ioas, flags | T_MAP_FIXED_IOVA,
			      t->mem + page * PG, npages * PG, &at);
}

/* Device write of a 4-byte value; true when it reached mem at page. */
static bool dma_w(struct tm *t, unsigned dev, uint32_t pasid, uint64_t iova,
		  unsigned page, uint32_t val)
{
	uint32_t got;

	memset(t->mem + page * PG, 0, 4);
	if (model_dma(t->m, dev, pasid, DMA_TO_MEMORY, iova, &val, 4, NULL, 0))
		return false;
	memcpy(&got, t->mem + page * PG, 4);
	return got == val;
}

static bool dma_r(struct tm *t, unsigned dev, uint32_t pasid, uint64_t iova,
		  unsigned page)
{
	uint32_t v = 0x5a5a5a5a, got = 0;

	memcpy(t->mem + page * PG, &v, 4);
	model_dma(t->m, dev, pasid, DMA_FROM_MEMORY, iova, &got, 4, NULL, 0);
	return got == v;
}

static uint32_t bind_attach(struct tm *t, unsigned dev, uint32_t ioas)
{
	uint32_t pt = ioas;

	EXPECT_EQ(model_bind(t->m, dev, 0), 0);
	EXPECT_EQ(model_attach(t->m, dev, RID, ioas, &pt), 0);
	return pt;
}

UNIT_TEST(model_ids_and_lifecycle)
{
	struct tm t = tm_new(NULL);
	uint32_t ioas, ioas2, hwpt, man, dev;

	EXPECT_EQ(model_ioas_alloc(t.m, 0, &ioas), 0);
	EXPECT_EQ(ioas, 1);		/* lowest free ID from 1 */
	EXPECT_EQ(model_ioas_alloc(t.m, 1, &ioas2), 0);
	EXPECT_EQ(ioas2, T_ID_MAKE(1, 1));
	EXPECT_EQ(model_destroy(t.m, ioas2), 0);
	EXPECT_EQ(model_destroy(t.m, ioas2), -ENOENT); /* OBJ-9 */
	EXPECT_EQ(model_ioas_alloc(t.m, 2, &ioas2), -EBADF);

	hwpt = bind_attach(&t, 0, ioas);
	dev = model_dev_id(t.m, 0);
	EXPECT_EQ(dev, 2);
	EXPECT_EQ(hwpt, 3); /* ATTACH-1: distinct from the IOAS */
	EXPECT_EQ(model_destroy(t.m, ioas), -EBUSY);  /* OBJ-5 */
	EXPECT_EQ(model_destroy(t.m, hwpt), -EBUSY);  /* OBJ-6 */
	EXPECT_EQ(model_destroy(t.m, dev), -EBUSY);   /* OBJ-7 */
	EXPECT_EQ(model_detach(t.m, 0, RID), 0);
	EXPECT_EQ(model_destroy(t.m, hwpt), -ENOENT); /* OBJ-8 auto */
	EXPECT_EQ(model_detach(t.m, 0, RID), 0);      /* ATTACH-7 */

	EXPECT_EQ(model_hwpt_alloc(t.m, 0, ioas, 0, 0, NULL, 0, &man), 0);
	EXPECT_EQ(model_destroy(t.m, ioas), -EBUSY);
	EXPECT_EQ(model_attach(t.m, 0, RID, man, NULL), 0);
	EXPECT_EQ(model_detach(t.m, 0, RID), 0);
	EXPECT_EQ(model_destroy(t.m, man), 0);	      /* OBJ-8 manual */
	EXPECT_EQ(model_destroy(t.m, ioas), 0);
	EXPECT_EQ(model_destroy(t.m, T_ID_MAKE(0, 40)), -ENOENT);
	tm_free(&t);
}

UNIT_TEST(model_map_errnos)
{
	struct tm t = tm_new(NULL);
	uint64_t iova = 0, n;
	uint32_t ioas;

	model_ioas_alloc(t.m, 0, &ioas);
	EXPECT_EQ(model_ioas_map(t.m, ioas, T_MAP_FIXED_IOVA, t.mem, PG, &iova),
		  -EINVAL);
	EXPECT_EQ(model_ioas_map(t.m, ioas, RW | (1 << 3), t.mem, PG, &iova),
		  -EOPNOTSUPP);
	EXPECT_EQ(model_ioas_map(t.m, ioas, RW, t.mem, 0, &iova), -EINVAL);
	iova = UINT64_MAX;
	EXPECT_EQ(model_ioas_map(t.m, ioas, FIX, t.mem, PG, &iova), -EOVERFLOW);
	iova = UINT64_MAX - PG + 1 - PG;
	EXPECT_EQ(model_ioas_map(t.m, ioas, FIX, t.mem, 4 * PG, &iova),
		  -EOVERFLOW); /* IOAS-11 */
	EXPECT_EQ(model_ioas_map(t.m, T_ID_MAKE(0, 9), RW, t.mem, PG, &iova),
		  -ENOENT);
	EXPECT_EQ(map_at(&t, ioas, 0x100000, 0, 2, RW), 0);
	EXPECT_EQ(map_at(&t, ioas, 0x101000, 2, 1, RW), -EEXIST); /* IOAS-3 */
	/* no domain: alignment 1, a sub-page map is fine */
	iova = 0x300001;
	EXPECT_EQ(model_ioas_map(t.m, ioas, FIX, t.mem + 1, PG, &iova), 0);
	/* automatic IOVA: non-zero, free (IOAS-5) */
	EXPECT_EQ(model_ioas_map(t.m, ioas, RW, t.mem, 2 * PG, &iova), 0);
	EXPECT(iova != 0);
	EXPECT(iova + 2 * PG <= 0x100000 || iova >= 0x102000);
	/* a domain cannot join with the unaligned mapping (IOAS-12) */
	EXPECT_EQ(model_bind(t.m, 0, 0), 0);
	EXPECT_EQ(model_attach(t.m, 0, RID, ioas, NULL), -EADDRINUSE);
	EXPECT_EQ(model_ioas_unmap(t.m, ioas, 0x300001, PG, &n), 0);
	EXPECT_EQ(n, PG);
	EXPECT_EQ(model_attach(t.m, 0, RID, ioas, NULL), 0);
	iova = 0x400800;
	EXPECT_EQ(model_ioas_map(t.m, ioas, FIX, t.mem, PG, &iova), -EINVAL);
	EXPECT_EQ(model_ioas_map(t.m, ioas, FIX, t.mem, PG + 1, &iova),
		  -EINVAL); /* IOAS-2 */
	iova = MSI;
	EXPECT_EQ(model_ioas_map(t.m, ioas, FIX, t.mem, PG, &iova),
		  -EINVAL); /* IOAS-4 */
	iova = 0;
	EXPECT_EQ(model_ioas_map(t.m, ioas, FIX, NULL, PG, &iova), -EFAULT);
	tm_free(&t);
}

UNIT_TEST(model_unmap_rules)
{
	struct tm t = tm_new(NULL);
	uint64_t n = 99;
	uint32_t ioas;

	model_ioas_alloc(t.m, 0, &ioas);
	EXPECT_EQ(model_ioas_unmap(t.m, ioas, 0, UINT64_MAX, &n), 0);
	EXPECT_EQ(n, 0); /* IOAS-7: unmap-all of nothing */
	EXPECT_EQ(model_ioas_unmap(t.m, ioas, 0x1000, PG, &n), -ENOENT);
	EXPECT_EQ(model_ioas_unmap(t.m, ioas, 0x1000, 0, &n), -EINVAL);
	EXPECT_EQ(model_ioas_unmap(t.m, ioas, 3, UINT64_MAX - 1, &n),
		  -EOVERFLOW);
	map_at(&t, ioas, 0x100000, 0, 4, RW);
	map_at(&t, ioas, 0x104000, 4, 4, RW);
	/* IOAS-6: cutting through the second: the first is gone anyway */
	EXPECT_EQ(model_ioas_unmap(t.m, ioas, 0x100000, 6 * PG, &n), -ENOENT);
	EXPECT_EQ(model_ioas_unmap(t.m, ioas, 0x100000, 4 * PG, &n), -ENOENT);
	EXPECT_EQ(model_ioas_unmap(t.m, ioas, 0x105000, PG, &n), -ENOENT);
	EXPECT_EQ(model_ioas_unmap(t.m, ioas, 0, 0x200000, &n), 0);
	EXPECT_EQ(n, 4 * PG); /* IOAS-8 */
	map_at(&t, ioas, 0x100000, 0, 1, RW);
	map_at(&t, ioas, 0x101000, 1, 1, RW);
	EXPECT_EQ(model_ioas_unmap(t.m, ioas, 0x100000, 2 * PG, &n), 0);
	EXPECT_EQ(n, 2 * PG);
	tm_free(&t);
}

/* IOAS-17 in the kernel's order (iopt_unmap_iova_range(), per area): an
 * UNMAP the arguments or a cut refuse leaves an emulated access's pins. */
UNIT_TEST(model_unmap_refused_keeps_access_pins)
{
	struct tm t = tm_new(NULL);
	uint64_t n = 0;
	uint32_t ioas, pin = 0;

	model_ioas_alloc(t.m, 0, &ioas);
	EXPECT_EQ(map_at(&t, ioas, 0x100000, 0, 2, RW), 0);
	EXPECT_EQ(model_access_pin(t.m, ioas, 0x100000, PG, &pin), 0);
	/* Wraps 2^64 (not unmap-all): EOVERFLOW, no notify. */
	EXPECT_EQ(model_ioas_unmap(t.m, ioas, 0x100000, UINT64_MAX, &n),
		  -EOVERFLOW);
	/* Cuts the pinned area: ENOENT before the accesses are told. */
	EXPECT_EQ(model_ioas_unmap(t.m, ioas, 0x100000, PG, &n), -ENOENT);
	EXPECT_EQ(model_access_unpin(t.m, pin), 0);
	/* A whole pinned area goes, and takes the pin with it. */
	EXPECT_EQ(model_access_pin(t.m, ioas, 0x100000, PG, &pin), 0);
	EXPECT_EQ(model_ioas_unmap(t.m, ioas, 0x100000, 2 * PG, &n), 0);
	EXPECT_EQ(n, 2 * PG);
	EXPECT_EQ(model_access_unpin(t.m, pin), -ENOENT);
	tm_free(&t);
}

UNIT_TEST(model_copy_rules)
{
	struct tm t = tm_new(NULL);
	uint32_t a, b, pt;
	uint64_t dst = 0x200000, n;

	model_ioas_alloc(t.m, 0, &a);
	model_ioas_alloc(t.m, 0, &b);
	map_at(&t, a, 0x100000, 0, 2, RW);
	map_at(&t, a, 0x102000, 2, 2, T_MAP_READABLE);
	map_at(&t, a, 0x105000, 5, 1, RW);
	/* IOAS-9: a hole in the source */
	EXPECT_EQ(model_ioas_copy(t.m, b, a, FIX, 0x100000, 6 * PG, &dst),
		  -ENOENT);
	/* IOAS-10: write on a read-only source */
	EXPECT_EQ(model_ioas_copy(t.m, b, a, FIX, 0x100000, 4 * PG, &dst),
		  -EPERM);
	EXPECT_EQ(model_ioas_copy(t.m, b, a, T_MAP_FIXED_IOVA | T_MAP_READABLE,
				  0x101000, 2 * PG, &dst), 0);
	/* two source areas gave two destination areas */
	EXPECT_EQ(model_ioas_unmap(t.m, b, 0x200000, PG, &n), 0);
	EXPECT_EQ(model_ioas_unmap(t.m, b, 0x201000, PG, &n), 0);
	/* the destination follows MAP: reserved after attach (DMA-9) */
	pt = bind_attach(&t, 0, b);
	EXPECT(pt != 0);
	dst = MSI;
	EXPECT_EQ(model_ioas_copy(t.m, b, a, FIX, 0x100000, PG, &dst), -EINVAL);
	dst = 0x300000;
	EXPECT_EQ(model_ioas_copy(t.m, b, a, FIX, 0x100000, 2 * PG, &dst), 0);
	EXPECT(dma_w(&t, 0, RID, 0x301000, 1, 0x1234));
	tm_free(&t);
}

UNIT_TEST(model_ranges_and_allow)
{
	struct tm t = tm_new(NULL);
	struct iova_range r[4], bad[2];
	uint64_t align;
	unsigned n = 4;
	uint32_t ioas;

	model_ioas_alloc(t.m, 0, &ioas);
	EXPECT_EQ(model_iova_ranges(t.m, ioas, r, &n, &align), 0);
	EXPECT_EQ(n, 1); /* RANGE-1 */
	EXPECT_EQ(r[0].start, 0);
	EXPECT(r[0].last == UINT64_MAX);
	EXPECT_EQ(align, 1);
	bind_attach(&t, 0, ioas);
	n = 1;
	EXPECT_EQ(model_iova_ranges(t.m, ioas, r, &n, &align), -EMSGSIZE);
	EXPECT_EQ(n, 2); /* RANGE-2 */
	n = 4;
	EXPECT_EQ(model_iova_ranges(t.m, ioas, r, &n, &align), 0);
	EXPECT_EQ(n, 2);
	EXPECT_EQ(align, PG);
	EXPECT_EQ(r[0].last, MSI - 1); /* RANGE-3 */
	EXPECT_EQ(r[1].start, 0xfef00000ull);
	EXPECT_EQ(r[1].last, (1ull << 48) - 1);
	/* RANGE-4 */
	bad[0] = (struct iova_range){ 0x2000, 0x1000 };
	EXPECT_EQ(model_allow_iovas(t.m, ioas, bad, 1), -EINVAL);
	bad[0] = (struct iova_range){ 0x1000, 0x3fff };
	bad[1] = (struct iova_range){ 0x3000, 0x4fff };
	EXPECT_EQ(model_allow_iovas(t.m, ioas, bad, 2), -EINVAL);
	/* RANGE-5: over a reservation, or an attach into an allowed one */
	bad[0] = (struct iova_range){ MSI, MSI + PG - 1 };
	EXPECT_EQ(model_allow_iovas(t.m, ioas, bad, 1), -EADDRINUSE);
	EXPECT_EQ(model_detach(t.m, 0, RID), 0);
	n = 4;
	model_iova_ranges(t.m, ioas, r, &n, &align);
	EXPECT_EQ(n, 1); /* ATTACH-9: gone again */
	EXPECT_EQ(align, 1);
	EXPECT_EQ(model_allow_iovas(t.m, ioas, bad, 1), 0);
	EXPECT_EQ(model_attach(t.m, 0, RID, ioas, NULL), -EADDRINUSE);
	EXPECT_EQ(model_allow_iovas(t.m, ioas, NULL, 0), 0);
	/* ATTACH-10: a mapping in the MSI window blocks the attach */
	EXPECT_EQ(map_at(&t, ioas, MSI, 0, 1, RW), 0);
	EXPECT_EQ(model_attach(t.m, 0, RID, ioas, NULL), -EADDRINUSE);
	EXPECT_EQ(model_hw_hwpt(t.m, 0, RID), 0);
	tm_free(&t);
}

UNIT_TEST(model_auto_iova_in_allowed)
{
	struct tm t = tm_new(NULL);
	struct iova_range al[2] = { { 0x40000000, 0x4000ffff },
				    { 0x80000000, 0x8fffffff } };
	uint64_t iova;
	uint32_t ioas;

	model_ioas_alloc(t.m, 0, &ioas);
	EXPECT_EQ(model_allow_iovas(t.m, ioas, al, 2), 0);
	EXPECT_EQ(model_ioas_map(t.m, ioas, RW, t.mem, 8 * PG, &iova), 0);
	EXPECT_EQ(iova, 0x40000000);
	EXPECT_EQ(model_ioas_map(t.m, ioas, RW, t.mem, 16 * PG, &iova), 0);
	EXPECT_EQ(iova, 0x80000000); /* does not fit in the first range */
	EXPECT_EQ(model_ioas_map(t.m, ioas, RW, t.mem, 8 * PG, &iova), 0);
	EXPECT_EQ(iova, 0x40008000);
	/* a fixed map outside the allowed ranges still works */
	EXPECT_EQ(map_at(&t, ioas, 0x10000, 0, 1, RW), 0);
	tm_free(&t);
}

UNIT_TEST(model_attach_replace_detach)
{
	struct tm t = tm_new(NULL);
	uint32_t a, b, h0, h4, hb, pt;

	model_ioas_alloc(t.m, 0, &a);
	model_ioas_alloc(t.m, 0, &b);
	map_at(&t, a, 0x100000, 0, 1, RW);
	map_at(&t, b, 0x200000, 1, 1, RW);
	h0 = bind_attach(&t, 0, a);
	EXPECT(dma_w(&t, 0, RID, 0x100000, 0, 1)); /* DMA-1 */
	EXPECT(!dma_w(&t, 0, RID, 0x200000, 1, 2));
	/* ATTACH-3: same HWPT is a no-op */
	EXPECT_EQ(model_attach(t.m, 0, RID, h0, &pt), 0);
	EXPECT_EQ(pt, h0);
	/* ATTACH-8 */
	EXPECT_EQ(model_attach(t.m, 0, RID, T_ID_MAKE(0, 50), NULL), -ENOENT);
	EXPECT_EQ(model_attach(t.m, 0, RID, model_dev_id(t.m, 0), NULL),
		  -EINVAL);
	/* HWPT-5 / ATTACH-4: an HWPT of IOMMU 1 is refused, nothing moves */
	EXPECT_EQ(model_bind(t.m, 4, 0), 0);
	EXPECT_EQ(model_hwpt_alloc(t.m, 4, b, 0, 0, NULL, 0, &h4), 0);
	EXPECT_EQ(model_attach(t.m, 0, RID, h4, NULL), -EINVAL);
	EXPECT_EQ(model_hw_hwpt(t.m, 0, RID), h0);
	EXPECT(dma_w(&t, 0, RID, 0x100000, 0, 3));
	/* fault injection makes the driver refuse: nothing moves */
	EXPECT_EQ(model_hwpt_alloc(t.m, 0, b, 0, 0, NULL, 0, &hb), 0);
	model_inject_fail_nth(t.m, 1);
	EXPECT_EQ(model_attach(t.m, 0, RID, hb, NULL), -ENOMEM);
	EXPECT(dma_w(&t, 0, RID, 0x100000, 0, 4));
	/* injection covers only the next op */
	model_inject_fail_nth(t.m, 1);
	model_ioas_unmap(t.m, b, 0x900000, PG, NULL);
	/* ATTACH-5 + OBJ-8: replace; the old auto HWPT is gone */
	EXPECT_EQ(model_attach(t.m, 0, RID, hb, &pt), 0);
	EXPECT_EQ(pt, hb);
	EXPECT_EQ(model_destroy(t.m, h0), -ENOENT);
	EXPECT(!dma_w(&t, 0, RID, 0x100000, 0, 5));
	EXPECT(dma_w(&t, 0, RID, 0x200000, 1, 6));
	/* ATTACH-12 */
	map_at(&t, b, 0x300000, 2, 1, RW);
	EXPECT(dma_w(&t, 0, RID, 0x300000, 2, 7));
	/* ATTACH-6 */
	EXPECT_EQ(model_detach(t.m, 0, RID), 0);
	EXPECT(!dma_w(&t, 0, RID, 0x200000, 1, 8));
	EXPECT_EQ(model_destroy(t.m, hb), 0);
	tm_free(&t);
}

UNIT_TEST(model_replace_moves_reservations)
{
	struct tm t = tm_new(NULL);
	struct iova_range r[4];
	unsigned n;
	uint32_t a, b;

	model_ioas_alloc(t.m, 0, &a);
	model_ioas_alloc(t.m, 0, &b);
	bind_attach(&t, 0, a);
	map_at(&t, b, MSI, 0, 1, RW);
	/* ATTACH-4: replace onto an IOAS mapped in the window fails */
	EXPECT_EQ(model_attach(t.m, 0, RID, b, NULL), -EADDRINUSE);
	n = 4;
	model_iova_ranges(t.m, a, r, &n, NULL);
	EXPECT_EQ(n, 2);
	model_ioas_unmap(t.m, b, 0, UINT64_MAX, NULL);
	EXPECT_EQ(model_attach(t.m, 0, RID, b, NULL), 0); /* ATTACH-13 */
	n = 4;
	model_iova_ranges(t.m, a, r, &n, NULL);
	EXPECT_EQ(n, 1);
	n = 4;
	model_iova_ranges(t.m, b, r, &n, NULL);
	EXPECT_EQ(n, 2);
	tm_free(&t);
}

UNIT_TEST(model_group_rules)
{
	struct tm t = tm_new(NULL);
	uint32_t a, b, ha, pt;

	model_ioas_alloc(t.m, 0, &a);
	model_ioas_alloc(t.m, 0, &b);
	map_at(&t, a, 0x100000, 0, 1, RW);
	map_at(&t, b, 0x100000, 1, 1, RW);
	/* OWN-3 */
	EXPECT_EQ(model_bind(t.m, 2, 0), 0);
	EXPECT_EQ(model_bind(t.m, 3, 1), -EPERM);
	EXPECT_EQ(model_bind(t.m, 3, 0), 0);
	EXPECT_EQ(model_bind(t.m, 3, 0), -EINVAL); /* OWN-1 */
	EXPECT_EQ(model_attach(t.m, 2, RID, a, &ha), 0);
	/* an unattached sibling already translates through the group */
	EXPECT(dma_w(&t, 3, RID, 0x100000, 0, 1));
	/* GROUP-1 */
	EXPECT_EQ(model_attach(t.m, 3, RID, b, NULL), -EINVAL);
	EXPECT_EQ(model_attach(t.m, 3, RID, a, &pt), 0);
	EXPECT_EQ(pt, ha);
	/* GROUP-2: replace on one moves both; old auto HWPT freed */
	EXPECT_EQ(model_attach(t.m, 2, RID, b, &pt), 0);
	EXPECT(pt != ha);
	EXPECT_EQ(model_destroy(t.m, ha), -ENOENT);
	EXPECT(dma_w(&t, 3, RID, 0x100000, 1, 2));
	/* GROUP-3 then GROUP-4 */
	EXPECT_EQ(model_detach(t.m, 2, RID), 0);
	EXPECT(dma_w(&t, 2, RID, 0x100000, 1, 3));
	EXPECT_EQ(model_detach(t.m, 3, RID), 0);
	EXPECT(!dma_w(&t, 2, RID, 0x100000, 1, 4));
	EXPECT(!dma_w(&t, 3, RID, 0x100000, 1, 5));
	tm_free(&t);
}

UNIT_TEST(model_pasid_rules)
{
	struct tm t = tm_new(NULL);
	uint32_t a, plain, ph, ph2, np, pt;

	model_ioas_alloc(t.m, 0, &a);
	map_at(&t, a, 0x100000, 0, 1, RW);
	EXPECT_EQ(model_bind(t.m, 0, 0), 0);
	EXPECT_EQ(model_hwpt_alloc(t.m, 0, a, 0, 0, NULL, 0, &plain), 0);
	EXPECT_EQ(model_hwpt_alloc(t.m, 0, a, IOMMU_HWPT_ALLOC_PASID, 0, NULL,
				   0, &ph), 0);
	EXPECT_EQ(model_hwpt_alloc(t.m, 0, a, IOMMU_HWPT_ALLOC_PASID, 0, NULL,
				   0, &ph2), 0);
	EXPECT_EQ(model_hwpt_alloc(t.m, 0, a, IOMMU_HWPT_ALLOC_NEST_PARENT, 0,
				   NULL, 0, &np), 0);
	/* PASID-1: an IOAS, or an HWPT without ALLOC_PASID */
	EXPECT_EQ(model_attach(t.m, 0, 5, a, NULL), -EINVAL);
	EXPECT_EQ(model_attach(t.m, 0, 5, plain, NULL), -EINVAL);
	/* PASID-3 */
	EXPECT_EQ(model_attach(t.m, 0, RID, np, NULL), 0);
	EXPECT_EQ(model_attach(t.m, 0, 5, ph, NULL), -EINVAL);
	EXPECT_EQ(model_attach(t.m, 0, RID, ph, NULL), 0);
	/* PASID-6, and PASID 0: the RID's attach (PASID-11), busy while the
	 * RID is attached */
	EXPECT_EQ(model_attach(t.m, 0, 1u << 20, ph2, NULL), -EINVAL);
	EXPECT_EQ(model_attach(t.m, 0, 0, ph2, NULL), -EBUSY);
	EXPECT_EQ(model_attach(t.m, 0, 5, ph2, &pt), 0);
	EXPECT_EQ(pt, ph2);
	EXPECT(dma_w(&t, 0, 5, 0x100000, 0, 1));
	EXPECT(!dma_w(&t, 0, 6, 0x100000, 0, 2));
	/* PASID-2 */
	EXPECT_EQ(model_attach(t.m, 0, RID, np, NULL), -EINVAL);
	EXPECT_EQ(model_hw_hwpt(t.m, 0, RID), ph);
	/* PASID-4: a second attach replaces; PASID-7 failed replace */
	EXPECT_EQ(model_attach(t.m, 0, 5, ph, NULL), 0);
	EXPECT_EQ(model_attach(t.m, 0, 5, plain, NULL), -EINVAL);
	EXPECT_EQ(model_hw_hwpt(t.m, 0, 5), ph);
	/* OBJ-6 for a PASID attachment */
	EXPECT_EQ(model_destroy(t.m, ph), -EBUSY);
	/* SEED-A: RID detach leaves the PASID translating */
	EXPECT_EQ(model_detach(t.m, 0, RID), 0);
	EXPECT(dma_w(&t, 0, 5, 0x100000, 0, 3));
	EXPECT(!dma_w(&t, 0, RID, 0x100000, 0, 4));
	/* PASID-5 / PASID-8 */
	EXPECT_EQ(model_detach(t.m, 0, 77), 0);
	EXPECT_EQ(model_attach(t.m, 0, RID, ph2, NULL), 0);
	EXPECT_EQ(model_attach(t.m, 0, 9, ph2, NULL), 0);
	EXPECT_EQ(model_detach(t.m, 0, 5), 0);
	EXPECT(!dma_w(&t, 0, 5, 0x100000, 0, 5));
	EXPECT(dma_w(&t, 0, 9, 0x100000, 0, 6));
	EXPECT(dma_w(&t, 0, RID, 0x100000, 0, 7));
	/* PASID-9: device 5 has no PASID capability */
	EXPECT_EQ(model_bind(t.m, 5, 0), 0);
	EXPECT_EQ(model_hwpt_alloc(t.m, 5, a, IOMMU_HWPT_ALLOC_PASID, 0, NULL,
				   0, &pt), 0);
	EXPECT_EQ(model_attach(t.m, 5, 5, pt, NULL), -EINVAL);
	tm_free(&t);
}

UNIT_TEST(model_pasid_per_rid_seed_c)
{
	struct tm t = tm_new(NULL);
	uint32_t a, x, y, h, h1;

	model_ioas_alloc(t.m, 0, &a);
	map_at(&t, a, 0x100000, 0, 1, RW);
	map_at(&t, a, 0x200000, 1, 1, RW);
	model_bind(t.m, 0, 0);
	model_bind(t.m, 1, 0);
	model_hwpt_alloc(t.m, 0, a, IOMMU_HWPT_ALLOC_PASID, 0, NULL, 0, &h);
	EXPECT_EQ(model_attach(t.m, 0, RID, h, NULL), 0);
	EXPECT_EQ(model_attach(t.m, 1, RID, h, &h1), 0);
	EXPECT_EQ(h1, h);
	model_hwpt_alloc(t.m, 0, a, IOMMU_HWPT_ALLOC_PASID, 0, NULL, 0, &x);
	model_hwpt_alloc(t.m, 0, a, IOMMU_HWPT_ALLOC_PASID, 0, NULL, 0, &y);
	model_ioas_unmap(t.m, a, 0x200000, PG, NULL);
	EXPECT_EQ(model_attach(t.m, 0, 7, x, NULL), 0);
	EXPECT(!dma_w(&t, 1, 7, 0x100000, 0, 1)); /* no cross-talk */
	EXPECT_EQ(model_attach(t.m, 1, 7, y, NULL), 0);
	EXPECT_EQ(model_hw_hwpt(t.m, 0, 7), x);
	EXPECT_EQ(model_hw_hwpt(t.m, 1, 7), y);
	tm_free(&t);
}

UNIT_TEST(model_unbind_releases)
{
	struct tm t = tm_new(NULL);
	uint32_t a, h, id;

	model_ioas_alloc(t.m, 0, &a);
	map_at(&t, a, 0x100000, 0, 1, RW);
	model_bind(t.m, 0, 0);
	model_hwpt_alloc(t.m, 0, a, IOMMU_HWPT_ALLOC_PASID, 0, NULL, 0, &h);
	model_attach(t.m, 0, RID, h, NULL);
	model_attach(t.m, 0, 3, h, NULL);
	model_attach(t.m, 0, 4, h, NULL);
	EXPECT_EQ(model_destroy(t.m, h), -EBUSY);
	id = model_dev_id(t.m, 0);
	EXPECT_EQ(model_unbind(t.m, 0), 0);
	EXPECT_EQ(model_unbind(t.m, 0), -EINVAL);
	EXPECT_EQ(model_destroy(t.m, id), -ENOENT);
	/* OWN-5 / SEED-B: a new owner inherits nothing */
	EXPECT_EQ(model_bind(t.m, 0, 1), 0);
	EXPECT(!dma_w(&t, 0, RID, 0x100000, 0, 1));
	EXPECT(!dma_w(&t, 0, 3, 0x100000, 0, 2));
	EXPECT_EQ(model_destroy(t.m, h), 0);
	/* OWN-2 */
	EXPECT_EQ(model_attach(t.m, 1, RID, a, NULL), -EINVAL);
	tm_free(&t);
}

UNIT_TEST(model_dma_permissions)
{
	struct tm t = tm_new(NULL);
	uint32_t a;
	uint8_t big[3 * PG];

	model_ioas_alloc(t.m, 0, &a);
	bind_attach(&t, 0, a);
	/* OWN-4: attached to an empty IOAS: nothing translates */
	EXPECT(!dma_w(&t, 0, RID, 0x100000, 0, 1));
	map_at(&t, a, 0x100000, 0, 1, T_MAP_READABLE);
	map_at(&t, a, 0x101000, 1, 1, T_MAP_WRITEABLE);
	EXPECT(!dma_w(&t, 0, RID, 0x100000, 0, 2)); /* DMA-2 */
	EXPECT(dma_r(&t, 0, RID, 0x100000, 0));
	EXPECT(dma_w(&t, 0, RID, 0x101000, 1, 3)); /* DMA-3 */
	EXPECT(!dma_r(&t, 0, RID, 0x101000, 1));
	/* a transfer over a mapped, then unmapped page: per page */
	map_at(&t, a, 0x102000, 2, 1, RW);
	memset(big, 0xab, sizeof(big));
	memset(t.mem + 2 * PG, 0, 2 * PG);
	model_dma(t.m, 0, RID, DMA_TO_MEMORY, 0x102000, big, 2 * PG, NULL, 0);
	EXPECT_EQ(t.mem[2 * PG], 0xab);
	EXPECT_EQ(t.mem[3 * PG], 0);
	/* DMA-4 */
	model_ioas_unmap(t.m, a, 0x102000, PG, NULL);
	EXPECT(!dma_w(&t, 0, RID, 0x102000, 2, 4));
	/* DMA-6: remap to another page */
	map_at(&t, a, 0x102000, 5, 1, RW);
	EXPECT(dma_w(&t, 0, RID, 0x102000, 5, 5));
	tm_free(&t);
}

UNIT_TEST(model_dirty_tracking)
{
	struct tm t = tm_new(NULL);
	uint64_t bm[1];
	uint32_t a, h, plain, h4;

	model_ioas_alloc(t.m, 0, &a);
	map_at(&t, a, 0x100000, 0, 8, RW);
	model_bind(t.m, 0, 0);
	model_bind(t.m, 4, 0);
	/* HWPT-2: IOMMU 1 has no dirty tracking */
	EXPECT_EQ(model_hwpt_alloc(t.m, 4, a, IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
				   0, NULL, 0, &h4), -EOPNOTSUPP);
	EXPECT_EQ(model_hwpt_alloc(t.m, 0, a, IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
				   0, NULL, 0, &h), 0);
	EXPECT_EQ(model_hwpt_alloc(t.m, 0, a, 0, 0, NULL, 0, &plain), 0);
	/* DIRTY-1 */
	EXPECT_EQ(model_set_dirty_tracking(t.m, plain, true), -EOPNOTSUPP);
	bm[0] = 0;
	EXPECT_EQ(model_get_dirty_bitmap(t.m, plain, 0x100000, 8 * PG, PG, 0,
					 bm), -EOPNOTSUPP);
	EXPECT_EQ(model_attach(t.m, 0, RID, h, NULL), 0);
	dma_w(&t, 0, RID, 0x101000, 1, 1);
	EXPECT_EQ(model_set_dirty_tracking(t.m, h, true), 0);
	EXPECT_EQ(model_get_dirty_bitmap(t.m, h, 0x100000, 8 * PG, PG, 0, bm),
		  0);
	EXPECT_EQ(bm[0], 0); /* DIRTY-2: starts clean */
	dma_w(&t, 0, RID, 0x103000, 3, 2);
	dma_w(&t, 0, RID, 0x106010, 6, 3);
	EXPECT_EQ(model_get_dirty_bitmap(t.m, h, 0x100000, 8 * PG, PG,
					 IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
					 bm), 0);
	EXPECT_EQ(bm[0], (1 << 3) | (1 << 6));
	bm[0] = 0;
	EXPECT_EQ(model_get_dirty_bitmap(t.m, h, 0x100000, 8 * PG, PG, 0, bm),
		  0);
	EXPECT_EQ(bm[0], (1 << 3) | (1 << 6)); /* DIRTY-3 */
	bm[0] = 0;
	model_get_dirty_bitmap(t.m, h, 0x100000, 8 * PG, PG, 0, bm);
	EXPECT_EQ(bm[0], 0);
	EXPECT_EQ(model_get_dirty_bitmap(t.m, h, 0x100800, 8 * PG, PG, 0, bm),
		  -EINVAL);
	EXPECT_EQ(model_get_dirty_bitmap(t.m, h, 0x100000, 8 * PG, 0, 0, bm),
		  -EINVAL);
	/* a bigger page_size folds pages */
	dma_w(&t, 0, RID, 0x105000, 5, 4);
	bm[0] = 0;
	model_get_dirty_bitmap(t.m, h, 0x100000, 8 * PG, 2 * PG, 0, bm);
	EXPECT_EQ(bm[0], 1 << 2);
	tm_free(&t);
}

UNIT_TEST(model_hwpt_alloc_rules)
{
	struct tm t = tm_new(NULL);
	struct iommu_hwpt_vtd_s1 s1 = { 0 };
	uint32_t a, h, np, n, n4, num;

	model_ioas_alloc(t.m, 0, &a);
	/* an unbound device has no ID */
	EXPECT_EQ(model_hwpt_alloc(t.m, 0, a, 0, 0, NULL, 0, &h), -ENOENT);
	model_bind(t.m, 0, 0);
	model_bind(t.m, 4, 0);
	EXPECT_EQ(model_hwpt_alloc(t.m, 0, a, 1u << 7, 0, NULL, 0, &h),
		  -EOPNOTSUPP); /* HWPT-1 */
	EXPECT_EQ(model_hwpt_alloc(t.m, 0, a, 0, 0, NULL, 8, &h), -EINVAL);
	EXPECT_EQ(model_hwpt_alloc(t.m, 0, T_ID_MAKE(0, 40), 0, 0, NULL, 0,
				   &h), -EINVAL); /* HWPT-3 */
	EXPECT_EQ(model_hwpt_alloc(t.m, 0, a,
				   IOMMU_HWPT_FAULT_ID_VALID |
					   IOMMU_HWPT_ALLOC_NEST_PARENT,
				   0, NULL, 0, &h), -EOPNOTSUPP);
	EXPECT_EQ(model_hwpt_alloc(t.m, 0, a, 0, 0, NULL, 0, &h), 0);
	/* NEST-1 */
	EXPECT_EQ(model_hwpt_alloc(t.m, 0, h, 0, IOMMU_HWPT_DATA_VTD_S1, &s1,
				   sizeof(s1), &n), -EINVAL);
	EXPECT_EQ(model_hwpt_alloc(t.m, 0, a, IOMMU_HWPT_ALLOC_NEST_PARENT, 0,
				   NULL, 0, &np), 0);
	EXPECT_EQ(model_hwpt_alloc(t.m, 0, np, 0, IOMMU_HWPT_DATA_VTD_S1, &s1,
				   sizeof(s1), &n), 0);
	EXPECT_EQ(model_hwpt_alloc(t.m, 4, np, 0, IOMMU_HWPT_DATA_VTD_S1, &s1,
				   sizeof(s1), &n4), -EINVAL);
	EXPECT_EQ(model_destroy(t.m, np), -EBUSY);
	/* NEST-2 */
	num = 1;
	EXPECT_EQ(model_hwpt_invalidate(t.m, h,
					IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, &s1,
					16, &num), -EINVAL);
	EXPECT_EQ(num, 0);
	/* An entry shorter than its last field: EINVAL, none handled
	 * (iommu_copy_struct_from_user_array()); a whole zero entry is
	 * valid. */
	num = 1;
	EXPECT_EQ(model_hwpt_invalidate(t.m, n,
					IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, &s1,
					16, &num), -EINVAL);
	EXPECT_EQ(num, 0);
	memset(&s1, 0, sizeof(s1));
	num = 1;
	EXPECT_EQ(model_hwpt_invalidate(t.m, n,
					IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, &s1,
					sizeof(struct iommu_hwpt_vtd_s1_invalidate),
					&num), 0);
	EXPECT_EQ(num, 1);
	EXPECT_EQ(model_destroy(t.m, n), 0);
	EXPECT_EQ(model_destroy(t.m, np), 0);
	tm_free(&t);
}

UNIT_TEST(model_option_and_hw_info)
{
	struct tm t = tm_new(NULL);
	uint8_t blob[64];
	uint32_t a, b, len;
	uint64_t val = 0, caps, align;
	struct iova_range r[2];
	unsigned n = 2;
	uint8_t w;

	model_ioas_alloc(t.m, 0, &a);
	model_ioas_alloc(t.m, 0, &b);
	EXPECT_EQ(model_ioas_option_huge_pages(t.m, a, true, &val), 0);
	model_iova_ranges(t.m, a, r, &n, &align);
	EXPECT_EQ(align, PG); /* IOAS-13 */
	val = 2;
	EXPECT_EQ(model_ioas_option_huge_pages(t.m, a, true, &val), -EINVAL);
	bind_attach(&t, 0, b);
	map_at(&t, b, 0x100000, 0, 1, RW);
	val = 0;
	EXPECT_EQ(model_ioas_option_huge_pages(t.m, b, true, &val), -EINVAL);
	EXPECT_EQ(model_ioas_option_huge_pages(t.m, b, false, &val), 0);
	EXPECT_EQ(val, 1);
	/* OBJ-11 */
	len = sizeof(blob);
	memset(blob, 0xff, sizeof(blob));
	EXPECT_EQ(model_hw_info(t.m, 0, blob, &len, &caps, &w), 0);
	EXPECT_EQ(len, sizeof(struct iommu_hw_info_vtd));
	EXPECT_EQ(blob[sizeof(blob) - 1], 0);
	EXPECT(caps & IOMMU_HW_CAP_DIRTY_TRACKING);
	EXPECT_EQ(w, 20);
	len = 0;
	EXPECT_EQ(model_hw_info(t.m, 0, NULL, &len, NULL, NULL), 0);
	EXPECT_EQ(len, sizeof(struct iommu_hw_info_vtd));
	tm_free(&t);
}

UNIT_TEST(model_raw_ioctl_abi)
{
	struct model *m = model_new(NULL);
	struct {
		struct iommu_ioas_alloc a;
		uint64_t tail;
	} big;
	struct iommu_destroy d = { .size = sizeof(d) };
	struct iommu_iova_range rr[2];
	struct iommu_ioas_iova_ranges r = { .size = sizeof(r) };

	memset(&big, 0, sizeof(big));
	big.a.size = 4;
	EXPECT_EQ(model_raw_ioctl(m, 0, IOMMU_IOAS_ALLOC, &big), -EINVAL);
	big.a.size = sizeof(big);
	EXPECT_EQ(model_raw_ioctl(m, 0, IOMMU_IOAS_ALLOC, &big), 0);
	EXPECT_EQ(big.a.out_ioas_id, 1);
	big.tail = 1;
	EXPECT_EQ(model_raw_ioctl(m, 0, IOMMU_IOAS_ALLOC, &big), -E2BIG);
	big.tail = 0;
	big.a.flags = 1;
	EXPECT_EQ(model_raw_ioctl(m, 0, IOMMU_IOAS_ALLOC, &big), -EOPNOTSUPP);
	EXPECT_EQ(model_raw_ioctl(m, 0, _IO(IOMMUFD_TYPE, 0xff), &big),
		  -ENOTTY);
	EXPECT_EQ(model_raw_ioctl(m, 0, _IOWR(IOMMUFD_TYPE, 0x81,
					      struct iommu_ioas_alloc), &big),
		  -ENOTTY);
	r.ioas_id = 1;
	r.allowed_iovas = (uintptr_t)rr;
	EXPECT_EQ(model_raw_ioctl(m, 0, IOMMU_IOAS_IOVA_RANGES, &r), -EMSGSIZE);
	EXPECT_EQ(r.num_iovas, 1);
	r.__reserved = 1;
	EXPECT_EQ(model_raw_ioctl(m, 0, IOMMU_IOAS_IOVA_RANGES, &r),
		  -EOPNOTSUPP);
	d.id = 1;
	EXPECT_EQ(model_raw_ioctl(m, 0, IOMMU_DESTROY, &d), 0);
	EXPECT_EQ(model_raw_ioctl(m, 0, IOMMU_DESTROY, &d), -ENOENT);
	model_free(m);

	m = model_new(model_profile_find("lax-abi"));
	big.a.size = sizeof(big);
	big.a.flags = 1;
	big.tail = 7;
	EXPECT_EQ(model_raw_ioctl(m, 0, IOMMU_IOAS_ALLOC, &big), 0);
	model_free(m);
}

UNIT_TEST(model_profiles_table)
{
	unsigned n;
	const struct model_profile *p = model_profiles(&n);

	EXPECT(n >= 16);
	EXPECT(!strcmp(p[0].name, "default"));
	EXPECT(model_profile_find(NULL) == &p[0]);
	EXPECT(!model_profile_find("nope"));
	for (unsigned i = 0; i < n; i++) {
		EXPECT(p[i].description && *p[i].description);
		EXPECT(p[i].breaks);
		EXPECT((p[i].bug == MB_NONE) == (*p[i].breaks == 0));
		EXPECT(p[i].ndev <= T_MAX_DEVS && p[i].nctx <= T_MAX_CTX);
	}
}

/*
 * A replace refused after the reservation step, onto another HWPT of the
 * same IOAS, leaves the IOAS's ranges alone (ATTACH-4). 7.2's err_unresv in
 * iommufd_device_do_replace() removes the group's reservations from that
 * IOAS here; the model follows the contract.
 */
UNIT_TEST(model_failed_replace_same_ioas_keeps_ranges)
{
	struct tm t = tm_new(NULL);
	struct iova_range r[4];
	uint32_t a, ph, plain;
	unsigned n = 4;
	uint64_t iova = MSI;

	model_ioas_alloc(t.m, 0, &a);
	model_bind(t.m, 0, 0);
	model_hwpt_alloc(t.m, 0, a, IOMMU_HWPT_ALLOC_PASID, 0, NULL, 0, &ph);
	model_hwpt_alloc(t.m, 0, a, 0, 0, NULL, 0, &plain);
	EXPECT_EQ(model_attach(t.m, 0, RID, ph, NULL), 0);
	EXPECT_EQ(model_attach(t.m, 0, 3, ph, NULL), 0);
	EXPECT_EQ(model_attach(t.m, 0, RID, plain, NULL), -EINVAL);
	model_inject_fail_nth(t.m, 1);
	model_detach(t.m, 0, 3);
	model_inject_fail_nth(t.m, 1);
	EXPECT_EQ(model_attach(t.m, 0, RID, plain, NULL), -ENOMEM);
	model_iova_ranges(t.m, a, r, &n, NULL);
	EXPECT_EQ(n, 2);
	EXPECT_EQ(r[0].last, MSI - 1);
	EXPECT_EQ(model_ioas_map(t.m, a, T_MAP_FIXED_IOVA | RW, t.mem, PG,
				 &iova), -EINVAL);
	tm_free(&t);
}

/* ATTACH-2 and iommufd_device_auto_get_domain(): a compatible auto domain
 * is shared; another IOMMU instance gets its own (the driver's -EINVAL is
 * a soft failure); a manual HWPT is never picked. */
UNIT_TEST(model_auto_domain_sharing)
{
	struct tm t = tm_new(NULL);
	uint32_t a, man, h0, h1, h4;

	model_ioas_alloc(t.m, 0, &a);
	model_bind(t.m, 0, 0);
	model_bind(t.m, 1, 0);
	model_bind(t.m, 4, 0);
	model_hwpt_alloc(t.m, 0, a, 0, 0, NULL, 0, &man);
	EXPECT_EQ(model_attach(t.m, 0, RID, a, &h0), 0);
	EXPECT(h0 != man);
	EXPECT_EQ(model_attach(t.m, 1, RID, a, &h1), 0);
	EXPECT_EQ(h1, h0);
	EXPECT_EQ(model_attach(t.m, 4, RID, a, &h4), 0);
	EXPECT(h4 != h0 && h4 != man);
	model_detach(t.m, 0, RID);
	EXPECT_EQ(model_destroy(t.m, h0), -EBUSY); /* dev 1 still on it */
	model_detach(t.m, 1, RID);
	EXPECT_EQ(model_destroy(t.m, h0), -ENOENT);
	tm_free(&t);
}
