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
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

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

/*
 * Runs a check on the default profile (broken false) and on the negative
 * control `profile` (broken true), each on a fresh model.
 */
static void against_default(const char *profile,
			    void (*check)(struct model *m, bool broken))
{
	const char *names[] = { "default", profile };

	for (unsigned i = 0; i < 2; i++) {
		struct model *m = mk(names[i]);

		check(m, i == 1);
		model_free(m);
	}
}

/* A fresh IOAS with page 0 mapped read-write at IOVA 0x100000. */
static uint32_t ioas_with_page0(struct model *m)
{
	uint32_t ioas;

	model_ioas_alloc(m, 0, &ioas);
	map_at(m, ioas, 0x100000, 0, RW);
	return ioas;
}

/* Devs 2 and 3, the two-device group, bound to context 0. */
static void bind_group2(struct model *m)
{
	model_bind(m, 2, 0);
	model_bind(m, 3, 0);
}

/* A fresh IOAS and dev 0 bound (not attached). */
static uint32_t ioas_and_dev0(struct model *m)
{
	uint32_t ioas;

	model_ioas_alloc(m, 0, &ioas);
	model_bind(m, 0, 0);
	return ioas;
}

/* A fresh IOAS with dev 0 bound and its RID attached to it. */
static uint32_t dev0_on_new_ioas(struct model *m)
{
	uint32_t ioas;

	model_ioas_alloc(m, 0, &ioas);
	EXPECT_EQ(model_bind(m, 0, 0), 0);
	EXPECT_EQ(model_attach(m, 0, RID, ioas, NULL), 0);
	return ioas;
}

/* The IOVA ranges of ioas into r (room for 4): how many it reports. */
static unsigned ranges4(struct model *m, uint32_t ioas, struct iova_range *r)
{
	unsigned n = 4;

	model_iova_ranges(m, ioas, r, &n, NULL);
	return n;
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

static void detach_drops_pasids_check(struct model *m, bool broken)
{
	uint32_t a;

	rid_and_pasid(m, &a);
	EXPECT_EQ(model_detach(m, 0, RID), 0);
	EXPECT_EQ(lands(m, 0, 5, 0x100000, 0), !broken); /* SEED-A */
}

UNIT_TEST(model_prof_detach_drops_pasids)
{
	against_default("detach-drops-pasids", detach_drops_pasids_check);
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

static void shared_pasid_table_check(struct model *m, bool broken)
{
	uint32_t a, h, x;

	a = ioas_with_page0(m);
	model_bind(m, 0, 0);
	model_bind(m, 1, 0);
	model_hwpt_alloc(m, 0, a, APASID, 0, NULL, 0, &h);
	model_hwpt_alloc(m, 0, a, APASID, 0, NULL, 0, &x);
	model_attach(m, 0, RID, h, NULL);
	model_attach(m, 1, RID, h, NULL);
	EXPECT_EQ(model_attach(m, 0, 7, x, NULL), 0);
	/* SEED-C: device 1 never attached PASID 7 */
	EXPECT_EQ(lands(m, 1, 7, 0x100000, 0), broken);
	EXPECT(lands(m, 0, 7, 0x100000, 0));
}

UNIT_TEST(model_prof_shared_pasid_table)
{
	against_default("shared-pasid-table", shared_pasid_table_check);
}

static void release_keeps_pasids_check(struct model *m, bool broken)
{
	uint32_t a, p;

	p = rid_and_pasid(m, &a);
	EXPECT_EQ(model_unbind(m, 0), 0);
	/* the bookkeeping is released in both */
	EXPECT_EQ(model_destroy(m, p), 0);
	EXPECT_EQ(model_bind(m, 0, 1), 0);
	EXPECT_EQ(lands(m, 0, 5, 0x100000, 0), broken); /* SEED-B */
	EXPECT(!lands(m, 0, RID, 0x100000, 0));
}

UNIT_TEST(model_prof_release_keeps_pasids)
{
	against_default("release-keeps-pasids", release_keeps_pasids_check);
}

static void stale_unmap_check(struct model *m, bool broken)
{
	uint32_t a;
	uint64_t n;

	a = dev0_on_new_ioas(m);
	map_at(m, a, 0x100000, 0, RW);
	EXPECT(lands(m, 0, RID, 0x100000, 0));
	EXPECT_EQ(model_ioas_unmap(m, a, 0x100000, PG, &n), 0);
	EXPECT_EQ(lands(m, 0, RID, 0x100000, 0), broken); /* DMA-4 */
	/* a remap overwrites the stale entry (DMA-6 holds) */
	map_at(m, a, 0x100000, 1, RW);
	EXPECT(lands(m, 0, RID, 0x100000, 1));
}

UNIT_TEST(model_prof_stale_unmap)
{
	against_default("stale-unmap", stale_unmap_check);
}

static void non_atomic_replace_check(struct model *m, bool broken)
{
	uint32_t a, h, h4, p2;

	p2 = rid_and_pasid(m, &a);
	(void)p2;
	model_bind(m, 4, 0);
	model_hwpt_alloc(m, 4, a, APASID, 0, NULL, 0, &h4);
	/* ATTACH-4: the driver refuses another instance's domain */
	EXPECT_EQ(model_attach(m, 0, RID, h4, NULL), -EINVAL);
	EXPECT_EQ(lands(m, 0, RID, 0x100000, 0), !broken);
	/* PASID-7 */
	EXPECT_EQ(model_attach(m, 0, 5, h4, NULL), -EINVAL);
	EXPECT_EQ(lands(m, 0, 5, 0x100000, 0), !broken);
	/* a refusal before the driver (PASID compat) is atomic */
	model_hwpt_alloc(m, 0, a, 0, 0, NULL, 0, &h);
}

UNIT_TEST(model_prof_non_atomic_replace)
{
	against_default("non-atomic-replace", non_atomic_replace_check);
}

static void ro_writable_check(struct model *m, bool broken)
{
	uint32_t a;

	a = dev0_on_new_ioas(m);
	map_at(m, a, 0x100000, 0, T_MAP_READABLE);
	EXPECT_EQ(lands(m, 0, RID, 0x100000, 0), broken); /* DMA-2 */
}

UNIT_TEST(model_prof_ro_writable)
{
	against_default("ro-writable", ro_writable_check);
}

static void resv_unreported_check(struct model *m, bool broken)
{
	struct target_caps caps;
	struct iova_range r[4];
	unsigned n = 4;
	uint32_t a;
	uint64_t iova = MSI;

	model_caps(m, &caps);
	EXPECT_EQ(caps.dev[0].nresv, 1); /* sysfs still shows it */
	a = dev0_on_new_ioas(m);
	model_iova_ranges(m, a, r, &n, NULL);
	EXPECT_EQ(n, !broken ? 2 : 1); /* RANGE-3 */
	EXPECT_EQ(model_ioas_map(m, a, RW | T_MAP_FIXED_IOVA, mem, PG,
				 &iova), !broken ? -EINVAL : 0);
}

UNIT_TEST(model_prof_resv_unreported)
{
	against_default("resv-unreported", resv_unreported_check);
}

static void replace_keeps_old_check(struct model *m, bool broken)
{
	uint32_t a, b;

	model_ioas_alloc(m, 0, &a);
	model_ioas_alloc(m, 0, &b);
	map_at(m, a, 0x100000, 0, RW);
	map_at(m, b, 0x200000, 1, RW);
	model_bind(m, 0, 0);
	model_attach(m, 0, RID, a, NULL);
	EXPECT_EQ(model_attach(m, 0, RID, b, NULL), 0);
	EXPECT(lands(m, 0, RID, 0x200000, 1));
	EXPECT_EQ(lands(m, 0, RID, 0x100000, 0), broken); /* ATTACH-5 */
}

UNIT_TEST(model_prof_replace_keeps_old)
{
	against_default("replace-keeps-old", replace_keeps_old_check);
}

static void detach_identity_check(struct model *m, bool broken)
{
	uint32_t a;

	a = ioas_with_page0(m);
	model_bind(m, 0, 0);
	model_attach(m, 0, RID, a, NULL);
	EXPECT_EQ(model_detach(m, 0, RID), 0);
	EXPECT_EQ(lands(m, 0, RID, 0x100000, 0), broken); /* ATTACH-6 */
	/* ownership release still blocks (OWN-5 holds) */
	model_unbind(m, 0);
	model_bind(m, 0, 0);
	EXPECT(!lands(m, 0, RID, 0x100000, 0));
}

UNIT_TEST(model_prof_detach_identity)
{
	against_default("detach-identity", detach_identity_check);
}

UNIT_TEST(model_prof_geometries)
{
	struct model *m;
	struct iova_range r[4];
	uint32_t a, h;

	m = mk("amd-like");
	a = ioas_and_dev0(m);
	EXPECT_EQ(model_hwpt_alloc(m, 0, a, IOMMU_HWPT_ALLOC_NEST_PARENT, 0,
				   NULL, 0, &h), -EOPNOTSUPP);
	EXPECT_EQ(model_hwpt_alloc(m, 0, a, APASID |
				   IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0, NULL,
				   0, &h), -EOPNOTSUPP);
	EXPECT_EQ(model_hwpt_alloc(m, 0, a, APASID, 0, NULL, 0, &h), 0);
	EXPECT_EQ(model_attach(m, 0, RID, h, NULL), 0);
	EXPECT_EQ(model_attach(m, 0, 3, h, NULL), -EOPNOTSUPP);
	EXPECT_EQ(ranges4(m, a, r), 3); /* MSI and the HT hole */
	EXPECT_EQ(r[1].last, 0xfcffffffffull);
	model_free(m);

	m = mk("smmuv3-like");
	a = dev0_on_new_ioas(m);
	EXPECT_EQ(ranges4(m, a, r), 2);
	EXPECT_EQ(r[0].last, 0x7ffffffull);
	EXPECT_EQ(model_hwpt_alloc(m, 0, a, IOMMU_HWPT_ALLOC_NEST_PARENT |
				   APASID, 0, NULL, 0, &h), -EOPNOTSUPP);
	model_free(m);

	m = mk("intel-like");
	a = dev0_on_new_ioas(m);
	ranges4(m, a, r);
	EXPECT_EQ(r[1].last, (1ull << 39) - 1);
	EXPECT_EQ(model_hwpt_alloc(m, 0, a, APASID |
				   IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0, NULL,
				   0, &h), 0);
	EXPECT_EQ(model_attach(m, 0, RID, h, NULL), 0);
	EXPECT_EQ(model_attach(m, 0, 3, h, NULL), -EINVAL); /* dirty on PASID */
	model_free(m);

	m = mk("virtio-like");
	a = dev0_on_new_ioas(m);
	EXPECT_EQ(ranges4(m, a, r), 2);
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

/*
 * The narrow negative controls: one probe per profile, run on "default"
 * and on the profile; each returns what it observed (an errno or a flag),
 * which must differ exactly as the row says.
 */
static uint32_t hwpt(struct model *m, unsigned dev, uint32_t ioas,
		     uint32_t flags)
{
	uint32_t h = 0;

	EXPECT_EQ(model_hwpt_alloc(m, dev, ioas, flags, 0, NULL, 0, &h), 0);
	return h;
}

static long p_unmap_splits(struct model *m)
{
	uint32_t a;
	uint64_t iova = 0x100000, n;

	model_ioas_alloc(m, 0, &a);
	model_ioas_map(m, a, RW | T_MAP_FIXED_IOVA, mem, 2 * PG, &iova);
	return model_ioas_unmap(m, a, 0x100000, PG, &n);
}

static long p_map_overlap(struct model *m)
{
	uint32_t a;
	uint64_t iova = 0x100000;

	a = ioas_with_page0(m);
	return model_ioas_map(m, a, RW | T_MAP_FIXED_IOVA, mem + PG, PG, &iova);
}

static long dirty_setup(struct model *m, uint32_t *h)
{
	uint32_t a;

	a = ioas_and_dev0(m);
	*h = hwpt(m, 0, a, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	model_attach(m, 0, RID, *h, NULL);
	map_at(m, a, 0x100000, 0, RW);
	return 0;
}

static long p_dirty_stale(struct model *m)
{
	uint32_t h;
	uint64_t bm = 0;

	dirty_setup(m, &h);
	lands(m, 0, RID, 0x100000, 0);
	model_set_dirty_tracking(m, h, true);
	model_get_dirty_bitmap(m, h, 0x100000, PG, PG, 0, &bm);
	return (long)bm;
}

static long p_no_clear(struct model *m)
{
	uint32_t h;
	uint64_t bm = 0;

	dirty_setup(m, &h);
	model_set_dirty_tracking(m, h, true);
	lands(m, 0, RID, 0x100000, 0);
	model_get_dirty_bitmap(m, h, 0x100000, PG, PG,
			       IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, &bm);
	bm = 0;
	model_get_dirty_bitmap(m, h, 0x100000, PG, PG,
			       IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, &bm);
	return (long)bm;
}

static long p_dirty_without_cap(struct model *m)
{
	uint32_t a, h;

	model_ioas_alloc(m, 0, &a);
	model_bind(m, 4, 0);
	return model_hwpt_alloc(m, 4, a, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0,
				NULL, 0, &h);
}

static long p_auto_leak(struct model *m)
{
	uint32_t a;

	a = dev0_on_new_ioas(m);
	model_detach(m, 0, RID);
	return model_destroy(m, a);
}

static long p_emsgsize(struct model *m)
{
	uint32_t a;
	struct iova_range r[1];
	unsigned n = 1;

	a = dev0_on_new_ioas(m);
	return model_iova_ranges(m, a, r, &n, NULL);
}

static long p_huge_lax(struct model *m)
{
	uint32_t a;
	uint64_t v = 0;

	a = dev0_on_new_ioas(m);
	map_at(m, a, 0x100000, 0, RW);
	return model_ioas_option_huge_pages(m, a, true, &v);
}

static long p_unknown_ioctl(struct model *m)
{
	uint32_t buf[16] = { sizeof(buf) };

	return model_raw_ioctl(m, 0, _IO(IOMMUFD_TYPE, 0xff), buf);
}

static long p_lookup_type(struct model *m)
{
	uint32_t a, h = 0;
	uint64_t iova = 0x100000;

	a = ioas_and_dev0(m);
	model_attach(m, 0, RID, a, &h);
	return model_ioas_map(m, h, RW | T_MAP_FIXED_IOVA, mem, PG, &iova);
}

static long p_destroy_busy(struct model *m)
{
	uint32_t a, h;

	a = ioas_and_dev0(m);
	h = hwpt(m, 0, a, 0);
	model_attach(m, 0, RID, h, NULL);
	map_at(m, a, 0x100000, 0, RW);
	EXPECT_EQ(model_destroy(m, h), -EBUSY);
	return lands(m, 0, RID, 0x100000, 0);
}

static long p_destroy_device(struct model *m)
{
	model_bind(m, 0, 0);
	return model_destroy(m, model_dev_id(m, 0));
}

static long p_destroy_twice(struct model *m)
{
	uint32_t a;

	model_ioas_alloc(m, 0, &a);
	model_destroy(m, a);
	return model_destroy(m, a);
}

static long p_hw_info(struct model *m)
{
	uint8_t buf[256];
	uint32_t len = sizeof(buf);

	memset(buf, 0xff, sizeof(buf));
	model_bind(m, 0, 0);
	model_hw_info(m, 0, buf, &len, NULL, NULL);
	return buf[sizeof(buf) - 1];
}

/* The data_len of a length query. */
static long p_hw_info_len(struct model *m)
{
	uint32_t len = 0;

	model_bind(m, 0, 0);
	model_hw_info(m, 0, NULL, &len, NULL, NULL);
	return len;
}

static long p_hw_info_type(struct model *m)
{
	return model_hw_info_type(m, 0);
}

/* A reported dirty bit must be honoured: the DIRTY_TRACKING allocation. */
static long p_hw_info_dirty(struct model *m)
{
	uint64_t caps = 0;
	uint32_t len = 0, a, h;

	model_ioas_alloc(m, 0, &a);
	model_bind(m, 0, 0);
	model_hw_info(m, 0, NULL, &len, &caps, NULL);
	if (!(caps & IOMMU_HW_CAP_DIRTY_TRACKING))
		return 1;
	return model_hwpt_alloc(m, 0, a, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0,
				NULL, 0, &h);
}

static long p_bind_twice(struct model *m)
{
	model_bind(m, 0, 0);
	return model_bind(m, 0, 0);
}

static long p_prebind(struct model *m)
{
	return model_detach(m, 0, RID);
}

static long p_owner(struct model *m)
{
	model_bind(m, 2, 0);
	return model_bind(m, 3, 1);
}

static long p_bind_identity(struct model *m)
{
	ioas_with_page0(m);
	model_bind(m, 0, 0);
	return lands(m, 0, RID, (uintptr_t)mem, 0);
}

static long p_release_keeps_rid(struct model *m)
{
	uint32_t a;

	a = dev0_on_new_ioas(m);
	map_at(m, a, 0x100000, 0, RW);
	model_unbind(m, 0);
	model_bind(m, 0, 0);
	return lands(m, 0, RID, 0x100000, 0);
}

static long p_msi(struct model *m)
{
	return model_bind(m, 5, 0);
}

static long p_pt_writeback(struct model *m)
{
	uint32_t a, out = 0;

	a = ioas_and_dev0(m);
	model_attach(m, 0, RID, a, &out);
	return out == a;
}

static long p_auto_exclusive(struct model *m)
{
	uint32_t a;

	a = dev0_on_new_ioas(m);
	model_bind(m, 1, 0);
	return model_attach(m, 1, RID, a, NULL);
}

static long p_replace_same(struct model *m)
{
	uint32_t a, h;

	a = ioas_and_dev0(m);
	h = hwpt(m, 0, a, 0);
	model_attach(m, 0, RID, h, NULL);
	return model_attach(m, 0, RID, h, NULL);
}

static long p_detach_unattached(struct model *m)
{
	model_bind(m, 0, 0);
	return model_detach(m, 0, RID);
}

static long p_attach_missing(struct model *m)
{
	model_bind(m, 0, 0);
	return model_attach(m, 0, RID, T_ID_MAKE(0, 40), NULL);
}

static long p_not_prefilled(struct model *m)
{
	uint32_t a, h;

	a = ioas_with_page0(m);
	model_bind(m, 0, 0);
	h = hwpt(m, 0, a, 0);
	model_attach(m, 0, RID, h, NULL);
	return lands(m, 0, RID, 0x100000, 0);
}

static long p_first_domain(struct model *m)
{
	uint32_t a, h0, h1;

	a = ioas_and_dev0(m);
	model_bind(m, 1, 0);
	h0 = hwpt(m, 0, a, 0);
	h1 = hwpt(m, 1, a, 0);
	model_attach(m, 0, RID, h0, NULL);
	model_attach(m, 1, RID, h1, NULL);
	map_at(m, a, 0x100000, 0, RW);
	return lands(m, 0, RID, 0x100000, 0) && lands(m, 1, RID, 0x100000, 0);
}

static long p_contig(struct model *m)
{
	uint32_t a, v = 0x12345678, got;

	a = dev0_on_new_ioas(m);
	map_at(m, a, 0x100000, 1, RW); /* IOVA page 0 -> user page 1 */
	map_at(m, a, 0x101000, 0, RW); /* IOVA page 1 -> user page 0 */
	memset(mem, 0, 2 * PG);
	model_dma(m, 0, RID, DMA_TO_MEMORY, 0x101000 - 2, &v, 4, NULL, 0);
	memcpy(&got, mem + PG - 2, 4);
	return mem[0] == 0x34 && mem[1] == 0x12; /* upper half in page 0 */
}

static long p_wo(struct model *m)
{
	uint32_t a;

	a = dev0_on_new_ioas(m);
	map_at(m, a, 0x100000, 0, T_MAP_WRITEABLE);
	return lands(m, 0, RID, 0x100000, 0);
}

static long p_stale_remap(struct model *m)
{
	uint32_t a;
	uint64_t n;

	a = dev0_on_new_ioas(m);
	map_at(m, a, 0x100000, 0, RW);
	model_ioas_unmap(m, a, 0x100000, PG, &n);
	map_at(m, a, 0x100000, 1, RW);
	return lands(m, 0, RID, 0x100000, 1);
}

static long p_huge_first(struct model *m)
{
	const uint64_t H = 2ull << 20;
	uint8_t *big = aligned_alloc(H, H);
	uint32_t a, v = 0xabcdef01, got = 0;
	uint64_t iova = 0x40000000;

	memset(big, 0, H);
	a = dev0_on_new_ioas(m);
	model_ioas_map(m, a, RW | T_MAP_FIXED_IOVA, big, H, &iova);
	model_dma(m, 0, RID, DMA_TO_MEMORY, 0x40000000 + 5 * PG, &v, 4, NULL,
		  0);
	memcpy(&got, big + 5 * PG, 4);
	free(big);
	return got == v;
}

static long p_aperture(struct model *m)
{
	uint32_t a;

	a = dev0_on_new_ioas(m);
	map_at(m, a, (1ull << 48) - PG, 0, RW);
	return lands(m, 0, RID, (1ull << 48) - PG, 0);
}

static long p_copy_at_src(struct model *m)
{
	uint32_t a, b;
	uint64_t dst = 0x100000;

	a = dev0_on_new_ioas(m);
	model_ioas_alloc(m, 0, &b);
	map_at(m, b, 0x500000, 0, RW);
	model_ioas_copy(m, a, b, RW | T_MAP_FIXED_IOVA, 0x500000, PG, &dst);
	return lands(m, 0, RID, 0x100000, 0);
}

static long p_shared_not_installed(struct model *m)
{
	uint32_t a;

	a = dev0_on_new_ioas(m);
	model_bind(m, 1, 0);
	model_attach(m, 1, RID, a, NULL);
	map_at(m, a, 0x100000, 0, RW);
	return lands(m, 1, RID, 0x100000, 0);
}

static long p_noprot(struct model *m)
{
	uint32_t a;
	uint64_t iova = 0x100000;

	model_ioas_alloc(m, 0, &a);
	return model_ioas_map(m, a, T_MAP_FIXED_IOVA, mem, PG, &iova);
}

static long p_unaligned(struct model *m)
{
	uint32_t a;
	uint64_t iova = 0x100800;

	a = dev0_on_new_ioas(m);
	return model_ioas_map(m, a, RW | T_MAP_FIXED_IOVA, mem, PG, &iova);
}

static long p_iova_zero(struct model *m)
{
	uint32_t a;
	uint64_t iova = 1;

	model_ioas_alloc(m, 0, &a);
	model_ioas_map(m, a, RW, mem, PG, &iova);
	return iova == 0;
}

static long p_unmap_empty(struct model *m)
{
	uint32_t a;
	uint64_t n;

	model_ioas_alloc(m, 0, &a);
	return model_ioas_unmap(m, a, 0x100000, PG, &n);
}

static long p_unmap_bytes(struct model *m)
{
	uint32_t a;
	uint64_t n = 0;

	a = ioas_with_page0(m);
	model_ioas_unmap(m, a, 0x100000, 2 * PG, &n);
	return (long)n;
}

/* COPY (RW) of len from 0x500000 of a source IOAS, where one page is mapped
 * with src_prot, to 0x100000 of another. */
static long copy_probe(struct model *m, uint32_t src_prot, uint64_t len)
{
	uint32_t a, b;
	uint64_t dst = 0x100000;

	model_ioas_alloc(m, 0, &a);
	model_ioas_alloc(m, 0, &b);
	map_at(m, b, 0x500000, 0, src_prot);
	return model_ioas_copy(m, a, b, RW | T_MAP_FIXED_IOVA, 0x500000, len,
			       &dst);
}

static long p_copy_partial(struct model *m)
{
	return copy_probe(m, RW, 2 * PG);
}

static long p_copy_writable(struct model *m)
{
	return copy_probe(m, T_MAP_READABLE, PG);
}

static long p_wrap(struct model *m)
{
	uint32_t a;
	uint64_t iova = UINT64_MAX - PG + 1;

	model_ioas_alloc(m, 0, &a);
	return model_ioas_map(m, a, RW | T_MAP_FIXED_IOVA, mem, 2 * PG, &iova);
}

static long p_ignores_limits(struct model *m)
{
	uint32_t a;
	uint64_t iova = 0x100800;

	model_ioas_alloc(m, 0, &a);
	model_ioas_map(m, a, RW | T_MAP_FIXED_IOVA, mem, 0x800, &iova);
	model_bind(m, 0, 0);
	return model_attach(m, 0, RID, a, NULL);
}

static long p_fresh_align(struct model *m)
{
	uint32_t a;
	struct iova_range r[4];
	unsigned n = 4;
	uint64_t al = 0;

	model_ioas_alloc(m, 0, &a);
	model_iova_ranges(m, a, r, &n, &al);
	return (long)al;
}

static long p_single_byte(struct model *m)
{
	uint32_t a;
	struct iova_range r = { 0x80000000, 0x80000000 };

	model_ioas_alloc(m, 0, &a);
	return model_allow_iovas(m, a, &r, 1);
}

static long p_unsorted(struct model *m)
{
	uint32_t a;
	struct iova_range r[4];

	a = dev0_on_new_ioas(m);
	ranges4(m, a, r);
	return r[0].start == 0;
}

static long p_flags_ignored(struct model *m)
{
	uint32_t a, h;

	a = ioas_and_dev0(m);
	return model_hwpt_alloc(m, 0, a, 1u << 30, 0, NULL, 0, &h);
}

static long p_pt_id(struct model *m)
{
	uint32_t h;

	model_bind(m, 0, 0);
	return model_hwpt_alloc(m, 0, T_ID_MAKE(0, 40), 0, 0, NULL, 0, &h);
}

static long p_combo(struct model *m)
{
	uint32_t a, h;

	a = ioas_and_dev0(m);
	return model_hwpt_alloc(m, 0, a, IOMMU_HWPT_ALLOC_NEST_PARENT |
				IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0, NULL, 0,
				&h);
}

static long p_incompat(struct model *m)
{
	uint32_t a, h4;

	a = ioas_and_dev0(m);
	model_bind(m, 4, 0);
	h4 = hwpt(m, 4, a, 0);
	return model_attach(m, 0, RID, h4, NULL);
}

static long p_pasid_any(struct model *m)
{
	uint32_t a, h;

	a = ioas_and_dev0(m);
	h = hwpt(m, 0, a, 0);
	return model_attach(m, 0, 5, h, NULL);
}

static long p_rid_ignores_pasids(struct model *m)
{
	uint32_t a, h;

	rid_and_pasid(m, &a);
	h = hwpt(m, 0, a, 0);
	return model_attach(m, 0, RID, h, NULL);
}

static long p_pasid_ignores_rid(struct model *m)
{
	uint32_t a, h, p;

	a = ioas_and_dev0(m);
	h = hwpt(m, 0, a, 0);
	p = hwpt(m, 0, a, APASID);
	model_attach(m, 0, RID, h, NULL);
	return model_attach(m, 0, 5, p, NULL);
}

static long p_reattach(struct model *m)
{
	uint32_t a, p2;

	rid_and_pasid(m, &a);
	p2 = hwpt(m, 0, a, APASID);
	return model_attach(m, 0, 5, p2, NULL);
}

static long p_pasid_detach(struct model *m)
{
	model_bind(m, 0, 0);
	return model_detach(m, 0, 5);
}

static long p_pasid_range(struct model *m)
{
	uint32_t a, p;

	a = ioas_and_dev0(m);
	p = hwpt(m, 0, a, APASID);
	return model_attach(m, 0, 1u << 20, p, NULL);
}

static long p_flush_all(struct model *m)
{
	uint32_t a, p;

	p = rid_and_pasid(m, &a);
	model_attach(m, 0, 6, p, NULL);
	model_detach(m, 0, 6);
	return lands(m, 0, 5, 0x100000, 0);
}

static long p_pasid_on_rid(struct model *m)
{
	uint32_t a, h;

	model_ioas_alloc(m, 0, &a);
	model_bind(m, 5, 0);
	h = hwpt(m, 5, a, APASID);
	return model_attach(m, 5, 1, h, NULL);
}

static long p_group_split(struct model *m)
{
	uint32_t a, h1, h2;

	model_ioas_alloc(m, 0, &a);
	bind_group2(m);
	h1 = hwpt(m, 2, a, 0);
	h2 = hwpt(m, 2, a, 0);
	model_attach(m, 2, RID, h1, NULL);
	return model_attach(m, 3, RID, h2, NULL);
}

static long p_group_replace(struct model *m)
{
	uint32_t a, b;

	model_ioas_alloc(m, 0, &a);
	model_ioas_alloc(m, 0, &b);
	bind_group2(m);
	model_attach(m, 2, RID, a, NULL);
	model_attach(m, 3, RID, a, NULL);
	return model_attach(m, 2, RID, b, NULL);
}

static long p_group_detach(struct model *m)
{
	uint32_t a;

	a = ioas_with_page0(m);
	bind_group2(m);
	model_attach(m, 2, RID, a, NULL);
	model_attach(m, 3, RID, a, NULL);
	model_detach(m, 2, RID);
	return lands(m, 3, RID, 0x100000, 0);
}

static long p_dirty_nocap(struct model *m)
{
	uint32_t a, h;

	a = ioas_and_dev0(m);
	h = hwpt(m, 0, a, 0);
	return model_set_dirty_tracking(m, h, true);
}

static long p_nest_any(struct model *m)
{
	struct iommu_hwpt_vtd_s1 d = { 0 };
	uint32_t a, h, n;

	a = ioas_and_dev0(m);
	h = hwpt(m, 0, a, 0);
	return model_hwpt_alloc(m, 0, h, 0, IOMMU_HWPT_DATA_VTD_S1, &d,
				sizeof(d), &n);
}

static long p_invalidate(struct model *m)
{
	uint32_t a, h, num = 0;

	a = ioas_and_dev0(m);
	h = hwpt(m, 0, a, 0);
	return model_hwpt_invalidate(m, h, IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
				     NULL, 0, &num);
}

static long p_fail_unreserves(struct model *m)
{
	uint32_t a, ha, hb;
	uint64_t iova = MSI;

	a = ioas_and_dev0(m);
	model_bind(m, 4, 0);
	ha = hwpt(m, 0, a, 0);
	model_attach(m, 0, RID, ha, NULL);
	hb = hwpt(m, 4, a, 0);
	EXPECT_EQ(model_attach(m, 0, RID, hb, NULL), -EINVAL);
	return model_ioas_map(m, a, RW | T_MAP_FIXED_IOVA, mem, PG, &iova);
}

static long p_allow_fixed(struct model *m)
{
	uint32_t a;
	struct iova_range r = { 0x40000000, 0x40000000 + 4 * PG - 1 };
	uint64_t iova = 0x100000;

	model_ioas_alloc(m, 0, &a);
	model_allow_iovas(m, a, &r, 1);
	return model_ioas_map(m, a, RW | T_MAP_FIXED_IOVA, mem, PG, &iova);
}

static long p_dirty_unaligned(struct model *m)
{
	uint32_t h;
	uint64_t bm[2] = { 0 };

	dirty_setup(m, &h);
	model_set_dirty_tracking(m, h, true);
	return model_get_dirty_bitmap(m, h, 0x100000 + 512, PG - 512, PG, 0,
				      bm);
}

static long p_group_unattached(struct model *m)
{
	uint32_t a;

	a = ioas_with_page0(m);
	bind_group2(m);
	model_attach(m, 2, RID, a, NULL);
	return lands(m, 3, RID, 0x100000, 0);
}

/* PASID-10 needs a driver without PASID on its paging domains: run on
 * amd-like in place of default (the profile itself has that geometry). */
static long p_pasid_nosupport(struct model *m)
{
	struct model *x = NULL;
	uint32_t a, h = 0;
	long rc;

	if (!strcmp(model_profile_of(m)->name, "default"))
		m = x = model_new(model_profile_find("amd-like"));
	a = ioas_and_dev0(m);
	EXPECT_EQ(model_hwpt_alloc(m, 0, a, APASID, 0, NULL, 0, &h), 0);
	rc = model_attach(m, 0, 1, h, NULL);
	if (x)
		model_free(x);
	return rc;
}

static long p_second_fd(struct model *m)
{
	EXPECT_EQ(model_bind(m, 0, 0), 0);
	return model_bind_second_fd(m, 0, 0);
}

static long p_close_ctx(struct model *m)
{
	uint32_t a;

	a = dev0_on_new_ioas(m);
	map_at(m, a, 0x100000, 0, RW);
	EXPECT_EQ(model_close_ctx(m, 0), 0);
	return lands(m, 0, RID, 0x100000, 0);
}

static long p_unknown_null(struct model *m)
{
	return model_raw_ioctl(m, 0, _IO(IOMMUFD_TYPE, 0xff), NULL);
}

/* A replace onto an IOAS holding an unpinnable (NULL) lazy mapping. */
static long p_replace_fault(struct model *m)
{
	uint32_t a, b;
	uint64_t iova = 0x200000;

	a = dev0_on_new_ioas(m);
	map_at(m, a, 0x100000, 0, RW);
	model_ioas_alloc(m, 0, &b);
	EXPECT_EQ(model_ioas_map(m, b, RW | T_MAP_FIXED_IOVA, NULL, PG, &iova),
		  0);
	EXPECT_EQ(model_attach(m, 0, RID, b, NULL), -EFAULT);
	return lands(m, 0, RID, 0x100000, 0);
}

/* A nested allocation without data on a NEST_PARENT HWPT. */
static long p_nest_nodata(struct model *m)
{
	uint32_t a, parent, h;

	model_ioas_alloc(m, 0, &a);
	EXPECT_EQ(model_bind(m, 0, 0), 0);
	parent = hwpt(m, 0, a, IOMMU_HWPT_ALLOC_NEST_PARENT);
	return model_hwpt_alloc(m, 0, parent, 0, 0, NULL, 0, &h);
}

/* DIRTY_TRACKING with FAULT_ID_VALID naming a real fault queue. */
static long p_fault_unmasked(struct model *m)
{
	uint32_t a, f, h;

	model_ioas_alloc(m, 0, &a);
	EXPECT_EQ(model_bind(m, 0, 0), 0);
	EXPECT_EQ(model_fault_queue_alloc(m, 0, &f), 0);
	return model_hwpt_alloc_fault(m, 0, a,
				      IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
					      IOMMU_HWPT_FAULT_ID_VALID,
				      f, &h);
}

/* DESTROY of a fault queue an HWPT names. */
static long p_fault_unheld(struct model *m)
{
	uint32_t a, f, h;

	model_ioas_alloc(m, 0, &a);
	EXPECT_EQ(model_bind(m, 0, 0), 0);
	EXPECT_EQ(model_fault_queue_alloc(m, 0, &f), 0);
	EXPECT_EQ(model_hwpt_alloc_fault(m, 0, a, IOMMU_HWPT_FAULT_ID_VALID, f,
					 &h),
		  0);
	return model_destroy(m, f);
}

/* RLIMIT_MODE SET on a context holding an IOAS. */
static long p_rlimit_lax(struct model *m)
{
	uint64_t one = 1;
	uint32_t a;

	model_ioas_alloc(m, 0, &a);
	return model_option_rlimit_mode(m, 0, true, &one);
}

/* A DMA to a MAP_FILE of the second page of a memfd: does it land there? */
static long p_map_file_zero(struct model *m)
{
	int fd = memfd_create("probe", MFD_CLOEXEC);
	uint64_t iova = 0x300000;
	uint32_t a, v = 0x5a5a5a5a, got = 0;
	long ret;

	EXPECT(fd >= 0 && !ftruncate(fd, 2 * PG));
	a = dev0_on_new_ioas(m);
	EXPECT_EQ(model_ioas_map_file(m, a, RW | T_MAP_FIXED_IOVA, fd, PG, PG,
				      &iova),
		  0);
	model_dma(m, 0, RID, DMA_TO_MEMORY, iova, &v, 4, NULL, 0);
	ret = pread(fd, &got, 4, PG) == 4 && got == v;
	close(fd);
	return ret;
}

/* CHANGE_PROCESS with an anonymous mapping in an IOAS of the context. */
static long p_change_process(struct model *m)
{
	ioas_with_page0(m);
	return model_ioas_change_process(m, 0);
}

/* HWPT_INVALIDATE with an entry of 2 pages on a missing ID. */
static long p_invalidate_unbounded(struct model *m)
{
	uint32_t num = 1;

	return model_hwpt_invalidate(m, 0x00fffff0u, 0, mem, 2 * PG, &num);
}

/* GET_DIRTY_BITMAP into NULL on a tracked HWPT. */
static long p_dirty_lost(struct model *m)
{
	uint32_t a, h;

	model_ioas_alloc(m, 0, &a);
	EXPECT_EQ(model_bind(m, 0, 0), 0);
	h = hwpt(m, 0, a, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	EXPECT_EQ(model_set_dirty_tracking(m, h, true), 0);
	return model_get_dirty_bitmap(m, h, 0, PG, PG, 0, NULL);
}

/* DESTROY of the parent of a vIOMMU (SMMUv3-like geometry). */
static long p_viommu_unheld(struct model *m)
{
	uint32_t a, parent, v;

	model_ioas_alloc(m, 0, &a);
	EXPECT_EQ(model_bind(m, 0, 0), 0);
	parent = hwpt(m, 0, a, IOMMU_HWPT_ALLOC_NEST_PARENT);
	EXPECT_EQ(model_viommu_alloc(m, 0, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
				     0, &v),
		  0);
	return model_destroy(m, parent);
}

/* Three VT-d invalidation entries, the second with an unknown flag: how
 * many does entry_num say were handled? */
static long p_invalidate_count(struct model *m)
{
	struct iommu_hwpt_vtd_s1 s1 = { 0 };
	struct iommu_hwpt_vtd_s1_invalidate e[3] = { { .npages = 1 },
						     { .npages = 1, .flags = 1u << 30 },
						     { .npages = 1 } };
	uint32_t a, parent, n, num = 3;

	model_ioas_alloc(m, 0, &a);
	EXPECT_EQ(model_bind(m, 0, 0), 0);
	parent = hwpt(m, 0, a, IOMMU_HWPT_ALLOC_NEST_PARENT);
	EXPECT_EQ(model_hwpt_alloc(m, 0, parent, 0, IOMMU_HWPT_DATA_VTD_S1, &s1,
				   sizeof(s1), &n),
		  0);
	EXPECT_EQ(model_hwpt_invalidate(m, n, IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
					e, sizeof(e[0]), &num),
		  -EOPNOTSUPP);
	return num;
}

/* IOAS-11: iova 0, length ~0 is unmap-all, not an overflow. */
static long p_unmap_all(struct model *m)
{
	uint64_t n = 0;
	uint32_t a = ioas_with_page0(m);
	long ret = model_ioas_unmap(m, a, 0, UINT64_MAX, &n);

	return ret ? ret : (long)n;
}

static const struct probe {
	const char *profile;
	long (*fn)(struct model *m);
	long conforming, broken;
} probes[] = {
	{ "unmap-splits", p_unmap_splits, -ENOENT, 0 },		 /* IOAS-6 */
	{ "map-overlap-ok", p_map_overlap, -EEXIST, 0 },	 /* IOAS-3 */
	{ "dirty-stale-on-enable", p_dirty_stale, 0, 1 },	 /* DIRTY-2 */
	{ "no-clear-ignored", p_no_clear, 1, 0 },		 /* DIRTY-3 */
	{ "dirty-without-cap", p_dirty_without_cap, -EOPNOTSUPP, 0 }, /* HWPT-2 */
	{ "auto-hwpt-leak", p_auto_leak, 0, -EBUSY },		 /* OBJ-8 */
	{ "emsgsize-silent", p_emsgsize, -EMSGSIZE, 0 },	 /* RANGE-2 */
	{ "huge-pages-lax", p_huge_lax, -EINVAL, 0 },		 /* IOAS-13 */
	{ "unknown-ioctl-einval", p_unknown_ioctl, -ENOTTY, -EINVAL }, /* OBJ-2 */
	{ "lookup-wrong-type-einval", p_lookup_type, -ENOENT, -EINVAL }, /* OBJ-4 */
	{ "destroy-busy-teardown", p_destroy_busy, 1, 0 },	 /* OBJ-6 */
	{ "destroy-device-ok", p_destroy_device, -EBUSY, 0 },	 /* OBJ-7 */
	{ "destroy-twice-ok", p_destroy_twice, -ENOENT, 0 },	 /* OBJ-9 */
	{ "hw-info-no-zero-fill", p_hw_info, 0, 0xff },		 /* OBJ-11 */
	{ "hw-info-short-len", p_hw_info_len,
	  sizeof(struct iommu_hw_info_vtd),
	  sizeof(struct iommu_hw_info_vtd) - 8 },		 /* OBJ-11 */
	{ "hw-info-wrong-type", p_hw_info_type, IOMMU_HW_INFO_TYPE_INTEL_VTD,
	  IOMMU_HW_INFO_TYPE_AMD },				 /* OBJ-11 */
	{ "hw-info-dirty-unbacked", p_hw_info_dirty, 0, -EOPNOTSUPP }, /* OBJ-11 */
	{ "bind-twice-ebusy", p_bind_twice, -EINVAL, -EBUSY },	 /* OWN-1 */
	{ "prebind-enodev", p_prebind, -EINVAL, -ENODEV },	 /* OWN-2 */
	{ "owner-ebusy", p_owner, -EPERM, -EBUSY },		 /* OWN-3 */
	{ "bind-identity", p_bind_identity, 0, 1 },		 /* OWN-4 */
	{ "release-keeps-rid", p_release_keeps_rid, 0, 1 },	 /* OWN-5 */
	{ "msi-unisolated", p_msi, 0, -EPERM },			 /* OWN-6 */
	{ "attach-no-pt-writeback", p_pt_writeback, 0, 1 },	 /* ATTACH-1 */
	{ "auto-domain-exclusive", p_auto_exclusive, 0, -EBUSY }, /* ATTACH-2 */
	{ "replace-same-ebusy", p_replace_same, 0, -EBUSY },	 /* ATTACH-3 */
	{ "detach-unattached-einval", p_detach_unattached, 0, -EINVAL }, /* ATTACH-7 */
	{ "attach-missing-einval", p_attach_missing, -ENOENT, -EINVAL }, /* ATTACH-8 */
	{ "hwpt-not-prefilled", p_not_prefilled, 1, 0 },	 /* ATTACH-11 */
	{ "map-first-domain-only", p_first_domain, 1, 0 },	 /* ATTACH-12 */
	{ "dma-contig-assumed", p_contig, 1, 0 },		 /* DMA-1 */
	{ "wo-no-access", p_wo, 1, 0 },				 /* DMA-3 */
	{ "stale-remap", p_stale_remap, 1, 0 },			 /* DMA-6 */
	{ "huge-first-page", p_huge_first, 1, 0 },		 /* DMA-7 */
	{ "aperture-short", p_aperture, 1, 0 },			 /* DMA-8 */
	{ "copy-at-source-iova", p_copy_at_src, 1, 0 },		 /* DMA-9 */
	{ "shared-domain-not-installed", p_shared_not_installed, 1, 0 }, /* DMA-10 */
	{ "map-noprot-ok", p_noprot, -EINVAL, 0 },		 /* IOAS-1 */
	{ "map-unaligned-ok", p_unaligned, -EINVAL, 0 },	 /* IOAS-2 */
	{ "auto-iova-zero", p_iova_zero, 0, 1 },		 /* IOAS-5 */
	{ "unmap-empty-ok", p_unmap_empty, -ENOENT, 0 },	 /* IOAS-7 */
	{ "unmap-bytes-asked", p_unmap_bytes, (long)PG, 2 * (long)PG }, /* IOAS-8 */
	{ "copy-partial-ok", p_copy_partial, -ENOENT, 0 },	 /* IOAS-9 */
	{ "copy-ignores-writable", p_copy_writable, -EPERM, 0 }, /* IOAS-10 */
	{ "wrap-einval", p_wrap, -EOVERFLOW, -EINVAL },		 /* IOAS-11 */
	{ "attach-ignores-limits", p_ignores_limits, -EADDRINUSE, 0 }, /* IOAS-12 */
	{ "fresh-align-page", p_fresh_align, 1, (long)PG },	 /* RANGE-1 */
	{ "allow-single-byte", p_single_byte, -EINVAL, 0 },	 /* RANGE-4 */
	{ "ranges-unsorted", p_unsorted, 1, 0 },		 /* RANGE-6 */
	{ "hwpt-flags-ignored", p_flags_ignored, -EOPNOTSUPP, 0 }, /* HWPT-1 */
	{ "pt-id-enoent", p_pt_id, -EINVAL, -ENOENT },		 /* HWPT-3 */
	{ "flag-combo-enomem", p_combo, 0, -ENOMEM },		 /* HWPT-4 */
	{ "incompat-enodev", p_incompat, -EINVAL, -ENODEV },	 /* HWPT-5 */
	{ "pasid-any-hwpt", p_pasid_any, -EINVAL, 0 },		 /* PASID-1 */
	{ "rid-replace-ignores-pasids", p_rid_ignores_pasids, -EINVAL, 0 }, /* PASID-2 */
	{ "pasid-ignores-rid", p_pasid_ignores_rid, -EINVAL, 0 }, /* PASID-3 */
	{ "pasid-reattach-ebusy", p_reattach, 0, -EBUSY },	 /* PASID-4 */
	{ "pasid-detach-enoent", p_pasid_detach, 0, -ENOENT },	 /* PASID-5 */
	{ "pasid-range-unchecked", p_pasid_range, -EINVAL, 0 },	 /* PASID-6 */
	{ "pasid-detach-flushes-all", p_flush_all, 1, 0 },	 /* PASID-8 */
	{ "pasid-on-rid", p_pasid_on_rid, -EINVAL, 0 },		 /* PASID-9 */
	{ "group-split-ebusy", p_group_split, -EINVAL, -EBUSY },  /* GROUP-1 */
	{ "group-replace-ebusy", p_group_replace, 0, -EBUSY },	 /* GROUP-2 */
	{ "group-detach-blocks", p_group_detach, 1, 0 },	 /* GROUP-3 */
	{ "dirty-nocap-ok", p_dirty_nocap, -EOPNOTSUPP, 0 },	 /* DIRTY-1 */
	{ "nest-any-parent", p_nest_any, -EINVAL, 0 },		 /* NEST-1 */
	{ "invalidate-paging-ok", p_invalidate, -EINVAL, 0 },	 /* NEST-2 */
	{ "replace-fail-unreserves", p_fail_unreserves, -EINVAL, 0 }, /* ATTACH-4 */
	{ "allow-limits-fixed", p_allow_fixed, 0, -EINVAL },	 /* RANGE-7 */
	{ "dirty-unaligned-ok", p_dirty_unaligned, -EINVAL, 0 }, /* DIRTY-4 */
	{ "group-unattached-blocked", p_group_unattached, 1, 0 }, /* GROUP-5 */
	{ "pasid-nosupport-einval", p_pasid_nosupport, -EOPNOTSUPP, -EINVAL }, /* PASID-10 */
	{ "second-fd-bind-ok", p_second_fd, -EINVAL, 0 },	 /* OWN-7 */
	{ "close-ctx-teardown", p_close_ctx, 1, 0 },		 /* OBJ-10 */
	{ "unknown-ioctl-reads-size", p_unknown_null, -ENOTTY, -EFAULT }, /* OBJ-2 */
	{ "replace-fault-blocks", p_replace_fault, 1, 0 },	 /* ATTACH-4 */
	{ "nest-nodata-einval", p_nest_nodata, -EOPNOTSUPP, -EINVAL }, /* NEST-1 */
	{ "fault-flag-unmasked", p_fault_unmasked, 0, -EOPNOTSUPP }, /* HWPT-4 */
	{ "fault-queue-unheld", p_fault_unheld, -EBUSY, 0 },	 /* FAULT-1 */
	{ "rlimit-mode-lax", p_rlimit_lax, -EBUSY, 0 },	 /* IOAS-14 */
	{ "map-file-at-zero", p_map_file_zero, 1, 0 },	 /* IOAS-15 */
	{ "change-process-user-maps", p_change_process, -EINVAL, 0 }, /* IOAS-16 */
	{ "invalidate-unbounded", p_invalidate_unbounded, -EINVAL, -ENOENT }, /* NEST-3 */
	{ "dirty-bitmap-lost", p_dirty_lost, -EFAULT, 0 },	 /* DIRTY-4 */
	{ "invalidate-count-asked", p_invalidate_count, 1, 3 },	 /* NEST-5 */
	{ "unmap-all-overflow", p_unmap_all, (long)PG, -EOVERFLOW }, /* IOAS-11 */
};

/* pr's probe on a fresh model of profile (called on) gives want. */
static void expect_probe(const struct probe *pr, const char *profile,
			 const char *on, long want)
{
	struct model *m = mk(profile);
	long got = pr->fn(m);

	if (got != want)
		unit_fail(__FILE__, __LINE__,
			  "%s probe on %s: %ld, expected %ld", pr->profile, on,
			  got, want);
	model_free(m);
}

UNIT_TEST(model_prof_narrow_controls)
{
	unsigned np, covered = 0;
	const struct model_profile *p = model_profiles(&np);

	for (unsigned i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		const struct probe *pr = &probes[i];

		if (!model_profile_find(pr->profile)) {
			unit_fail(__FILE__, __LINE__, "no profile %s",
				  pr->profile);
			continue;
		}
		expect_probe(pr, "default", "default", pr->conforming);
		expect_probe(pr, pr->profile, "the profile", pr->broken);
	}
	/* Every negative control has a unit test (above or here). */
	for (unsigned i = 0; i < np; i++) {
		bool found = false;

		for (unsigned k = 0; k < sizeof(probes) / sizeof(probes[0]); k++)
			found |= !strcmp(probes[k].profile, p[i].name);
		covered += found;
	}
	EXPECT_EQ(covered, sizeof(probes) / sizeof(probes[0]));
}

/* NEST-4's control needs a geometry with a vIOMMU: SMMUv3-like. */
UNIT_TEST(model_prof_viommu_parent_unheld)
{
	struct model *m = mk("smmuv3-like");

	EXPECT_EQ(p_viommu_unheld(m), -EBUSY);
	model_free(m);
	m = mk("viommu-parent-unheld");
	EXPECT_EQ(p_viommu_unheld(m), 0);
	model_free(m);
}
