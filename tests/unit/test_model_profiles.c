// SPDX-License-Identifier: GPL-2.0
/*
 * Each model profile's specific behaviour: the conforming geometries and
 * exactly the breakage of each negative control (and that the same sequence
 * conforms on the default profile).
 */
#include <errno.h>
#include <linux/iommufd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/model/model.h"
#include "unit.h"

#define PG 4096ull
#define MSI 0xfee00000ull
#define RW (T_MAP_READABLE | T_MAP_WRITEABLE)
#define RID T_NO_PASID
#define APASID IOMMU_HWPT_ALLOC_PASID

static uint8_t *mem;

static struct model *mk(const char *name)
{
	if (!mem)
		mem = aligned_alloc(PG, 16 * PG);
	memset(mem, 0, 16 * PG);
	return model_new(model_profile_find(name));
}

static void map_at(struct model *m, uint32_t ioas, uint64_t iova,
		   unsigned page, uint32_t prot)
{
	EXPECT_EQ(model_ioas_map(m, ioas, prot | T_MAP_FIXED_IOVA,
				 mem + page * PG, PG, &iova), 0);
}

static bool lands(struct model *m, unsigned dev, uint32_t pasid,
		  uint64_t iova, unsigned page)
{
	uint32_t v = 0xc0ffee00u + page, got;

	memset(mem + page * PG, 0, 4);
	model_dma(m, dev, pasid, DMA_TO_MEMORY, iova, &v, 4, NULL, 0);
	memcpy(&got, mem + page * PG, 4);
	return got == v;
}

/* Dev 0: RID and PASID 5 on PASID-compatible HWPTs over one IOAS. */
static uint32_t rid_and_pasid(struct model *m, uint32_t *ioas)
{
	uint32_t r, p;

	model_ioas_alloc(m, 0, ioas);
	map_at(m, *ioas, 0x100000, 0, RW);
	EXPECT_EQ(model_bind(m, 0, 0), 0);
	model_hwpt_alloc(m, 0, *ioas, APASID, 0, NULL, 0, &r);
	model_hwpt_alloc(m, 0, *ioas, APASID, 0, NULL, 0, &p);
	EXPECT_EQ(model_attach(m, 0, RID, r, NULL), 0);
	EXPECT_EQ(model_attach(m, 0, 5, p, NULL), 0);
	return p;
}

UNIT_TEST(model_prof_detach_drops_pasids)
{
	const char *names[] = { "default", "detach-drops-pasids" };

	for (unsigned i = 0; i < 2; i++) {
		struct model *m = mk(names[i]);
		uint32_t a;

		rid_and_pasid(m, &a);
		EXPECT_EQ(model_detach(m, 0, RID), 0);
		EXPECT_EQ(lands(m, 0, 5, 0x100000, 0), i == 0); /* SEED-A */
		model_free(m);
	}
}

UNIT_TEST(model_prof_detach_refuses)
{
	struct model *m = mk("detach-refuses-with-pasids");
	uint32_t a;

	rid_and_pasid(m, &a);
	EXPECT_EQ(model_detach(m, 0, RID), -EBUSY);
	EXPECT(lands(m, 0, RID, 0x100000, 0));
	EXPECT_EQ(model_detach(m, 0, 5), 0);
	EXPECT_EQ(model_detach(m, 0, RID), 0);
	model_free(m);
}

UNIT_TEST(model_prof_shared_pasid_table)
{
	const char *names[] = { "default", "shared-pasid-table" };

	for (unsigned i = 0; i < 2; i++) {
		struct model *m = mk(names[i]);
		uint32_t a, h, x;

		model_ioas_alloc(m, 0, &a);
		map_at(m, a, 0x100000, 0, RW);
		model_bind(m, 0, 0);
		model_bind(m, 1, 0);
		model_hwpt_alloc(m, 0, a, APASID, 0, NULL, 0, &h);
		model_hwpt_alloc(m, 0, a, APASID, 0, NULL, 0, &x);
		model_attach(m, 0, RID, h, NULL);
		model_attach(m, 1, RID, h, NULL);
		EXPECT_EQ(model_attach(m, 0, 7, x, NULL), 0);
		/* SEED-C: device 1 never attached PASID 7 */
		EXPECT_EQ(lands(m, 1, 7, 0x100000, 0), i == 1);
		EXPECT(lands(m, 0, 7, 0x100000, 0));
		model_free(m);
	}
}

UNIT_TEST(model_prof_release_keeps_pasids)
{
	const char *names[] = { "default", "release-keeps-pasids" };

	for (unsigned i = 0; i < 2; i++) {
		struct model *m = mk(names[i]);
		uint32_t a, p;

		p = rid_and_pasid(m, &a);
		EXPECT_EQ(model_unbind(m, 0), 0);
		/* the bookkeeping is released in both */
		EXPECT_EQ(model_destroy(m, p), 0);
		EXPECT_EQ(model_bind(m, 0, 1), 0);
		EXPECT_EQ(lands(m, 0, 5, 0x100000, 0), i == 1); /* SEED-B */
		EXPECT(!lands(m, 0, RID, 0x100000, 0));
		model_free(m);
	}
}

UNIT_TEST(model_prof_stale_unmap)
{
	const char *names[] = { "default", "stale-unmap" };

	for (unsigned i = 0; i < 2; i++) {
		struct model *m = mk(names[i]);
		uint32_t a;
		uint64_t n;

		model_ioas_alloc(m, 0, &a);
		model_bind(m, 0, 0);
		model_attach(m, 0, RID, a, NULL);
		map_at(m, a, 0x100000, 0, RW);
		EXPECT(lands(m, 0, RID, 0x100000, 0));
		EXPECT_EQ(model_ioas_unmap(m, a, 0x100000, PG, &n), 0);
		EXPECT_EQ(lands(m, 0, RID, 0x100000, 0), i == 1); /* DMA-4 */
		/* a remap overwrites the stale entry (DMA-6 holds) */
		map_at(m, a, 0x100000, 1, RW);
		EXPECT(lands(m, 0, RID, 0x100000, 1));
		model_free(m);
	}
}

UNIT_TEST(model_prof_non_atomic_replace)
{
	const char *names[] = { "default", "non-atomic-replace" };

	for (unsigned i = 0; i < 2; i++) {
		struct model *m = mk(names[i]);
		uint32_t a, h, h4, p2;

		p2 = rid_and_pasid(m, &a);
		(void)p2;
		model_bind(m, 4, 0);
		model_hwpt_alloc(m, 4, a, APASID, 0, NULL, 0, &h4);
		/* ATTACH-4: the driver refuses another instance's domain */
		EXPECT_EQ(model_attach(m, 0, RID, h4, NULL), -EINVAL);
		EXPECT_EQ(lands(m, 0, RID, 0x100000, 0), i == 0);
		/* PASID-7 */
		EXPECT_EQ(model_attach(m, 0, 5, h4, NULL), -EINVAL);
		EXPECT_EQ(lands(m, 0, 5, 0x100000, 0), i == 0);
		/* a refusal before the driver (PASID compat) is atomic */
		model_hwpt_alloc(m, 0, a, 0, 0, NULL, 0, &h);
		model_free(m);
	}
}

UNIT_TEST(model_prof_ro_writable)
{
	const char *names[] = { "default", "ro-writable" };

	for (unsigned i = 0; i < 2; i++) {
		struct model *m = mk(names[i]);
		uint32_t a;

		model_ioas_alloc(m, 0, &a);
		model_bind(m, 0, 0);
		model_attach(m, 0, RID, a, NULL);
		map_at(m, a, 0x100000, 0, T_MAP_READABLE);
		EXPECT_EQ(lands(m, 0, RID, 0x100000, 0), i == 1); /* DMA-2 */
		model_free(m);
	}
}

UNIT_TEST(model_prof_resv_unreported)
{
	const char *names[] = { "default", "resv-unreported" };

	for (unsigned i = 0; i < 2; i++) {
		struct model *m = mk(names[i]);
		struct target_caps caps;
		struct iova_range r[4];
		unsigned n = 4;
		uint32_t a;
		uint64_t iova = MSI;

		model_caps(m, &caps);
		EXPECT_EQ(caps.dev[0].nresv, 1); /* sysfs still shows it */
		model_ioas_alloc(m, 0, &a);
		model_bind(m, 0, 0);
		model_attach(m, 0, RID, a, NULL);
		model_iova_ranges(m, a, r, &n, NULL);
		EXPECT_EQ(n, i == 0 ? 2 : 1); /* RANGE-3 */
		EXPECT_EQ(model_ioas_map(m, a, RW | T_MAP_FIXED_IOVA, mem, PG,
					 &iova), i == 0 ? -EINVAL : 0);
		model_free(m);
	}
}

UNIT_TEST(model_prof_replace_keeps_old)
{
	const char *names[] = { "default", "replace-keeps-old" };

	for (unsigned i = 0; i < 2; i++) {
		struct model *m = mk(names[i]);
		uint32_t a, b;

		model_ioas_alloc(m, 0, &a);
		model_ioas_alloc(m, 0, &b);
		map_at(m, a, 0x100000, 0, RW);
		map_at(m, b, 0x200000, 1, RW);
		model_bind(m, 0, 0);
		model_attach(m, 0, RID, a, NULL);
		EXPECT_EQ(model_attach(m, 0, RID, b, NULL), 0);
		EXPECT(lands(m, 0, RID, 0x200000, 1));
		EXPECT_EQ(lands(m, 0, RID, 0x100000, 0), i == 1); /* ATTACH-5 */
		model_free(m);
	}
}

UNIT_TEST(model_prof_detach_identity)
{
	const char *names[] = { "default", "detach-identity" };

	for (unsigned i = 0; i < 2; i++) {
		struct model *m = mk(names[i]);
		uint32_t a;

		model_ioas_alloc(m, 0, &a);
		map_at(m, a, 0x100000, 0, RW);
		model_bind(m, 0, 0);
		model_attach(m, 0, RID, a, NULL);
		EXPECT_EQ(model_detach(m, 0, RID), 0);
		EXPECT_EQ(lands(m, 0, RID, 0x100000, 0), i == 1); /* ATTACH-6 */
		/* ownership release still blocks (OWN-5 holds) */
		model_unbind(m, 0);
		model_bind(m, 0, 0);
		EXPECT(!lands(m, 0, RID, 0x100000, 0));
		model_free(m);
	}
}

UNIT_TEST(model_prof_geometries)
{
	struct model *m;
	struct iova_range r[4];
	unsigned n;
	uint32_t a, h;

	m = mk("amd-like");
	model_ioas_alloc(m, 0, &a);
	model_bind(m, 0, 0);
	EXPECT_EQ(model_hwpt_alloc(m, 0, a, IOMMU_HWPT_ALLOC_NEST_PARENT, 0,
				   NULL, 0, &h), -EOPNOTSUPP);
	EXPECT_EQ(model_hwpt_alloc(m, 0, a, APASID |
				   IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0, NULL,
				   0, &h), -EOPNOTSUPP);
	EXPECT_EQ(model_hwpt_alloc(m, 0, a, APASID, 0, NULL, 0, &h), 0);
	EXPECT_EQ(model_attach(m, 0, RID, h, NULL), 0);
	EXPECT_EQ(model_attach(m, 0, 3, h, NULL), -EOPNOTSUPP);
	n = 4;
	model_iova_ranges(m, a, r, &n, NULL);
	EXPECT_EQ(n, 3); /* MSI and the HT hole */
	EXPECT_EQ(r[1].last, 0xfcffffffffull);
	model_free(m);

	m = mk("smmuv3-like");
	model_ioas_alloc(m, 0, &a);
	model_bind(m, 0, 0);
	model_attach(m, 0, RID, a, NULL);
	n = 4;
	model_iova_ranges(m, a, r, &n, NULL);
	EXPECT_EQ(n, 2);
	EXPECT_EQ(r[0].last, 0x7ffffffull);
	EXPECT_EQ(model_hwpt_alloc(m, 0, a, IOMMU_HWPT_ALLOC_NEST_PARENT |
				   APASID, 0, NULL, 0, &h), -EOPNOTSUPP);
	model_free(m);

	m = mk("intel-like");
	model_ioas_alloc(m, 0, &a);
	model_bind(m, 0, 0);
	model_attach(m, 0, RID, a, NULL);
	n = 4;
	model_iova_ranges(m, a, r, &n, NULL);
	EXPECT_EQ(r[1].last, (1ull << 39) - 1);
	EXPECT_EQ(model_hwpt_alloc(m, 0, a, APASID |
				   IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0, NULL,
				   0, &h), 0);
	EXPECT_EQ(model_attach(m, 0, RID, h, NULL), 0);
	EXPECT_EQ(model_attach(m, 0, 3, h, NULL), -EINVAL); /* dirty on PASID */
	model_free(m);

	m = mk("virtio-like");
	model_ioas_alloc(m, 0, &a);
	model_bind(m, 0, 0);
	model_attach(m, 0, RID, a, NULL);
	n = 4;
	model_iova_ranges(m, a, r, &n, NULL);
	EXPECT_EQ(n, 2);
	EXPECT(r[1].last == UINT64_MAX);
	EXPECT_EQ(model_hwpt_alloc(m, 0, a, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0,
				   NULL, 0, &h), -EOPNOTSUPP);
	model_free(m);
}

/* Not a benchmark, a guard: the explorer wants >= 1M ops/s. */
UNIT_TEST(model_throughput)
{
	struct model *m = mk(NULL);
	struct timespec t0, t1;
	unsigned long ops = 0;
	double s;
	uint32_t a, b;
	uint64_t iova;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned it = 0; it < 20000; it++) {
		model_reset(m);
		model_ioas_alloc(m, 0, &a);
		model_ioas_alloc(m, 0, &b);
		model_bind(m, 0, 0);
		model_attach(m, 0, RID, a, NULL);
		for (unsigned k = 0; k < 4; k++) {
			iova = 0x100000 + k * PG;
			model_ioas_map(m, a, RW | T_MAP_FIXED_IOVA, mem, PG,
				       &iova);
		}
		lands(m, 0, RID, 0x101000, 0);
		model_attach(m, 0, RID, b, NULL);
		model_ioas_unmap(m, a, 0, UINT64_MAX, NULL);
		model_detach(m, 0, RID);
		model_unbind(m, 0);
		ops += 14;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("    model: %.2f M ops/s (incl. one reset per 14 ops)\n",
	       ops / s / 1e6);
	EXPECT(ops / s > 1e5);
	model_free(m);
}
