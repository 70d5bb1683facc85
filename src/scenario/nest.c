// SPDX-License-Identifier: GPL-2.0
/*
 * Nesting (NEST-1..2): what a paging HWPT refuses to be.
 *
 * Kernel: drivers/iommu/iommufd/hw_pagetable.c: iommufd_hwpt_alloc()
 * (pt_id type dispatch), iommufd_hwpt_nested_alloc() (EOPNOTSUPP for a
 * driver without nesting or empty data, EINVAL for a parent that is auto,
 * not NEST_PARENT, or of another driver), iommufd_hwpt_invalidate()
 * (EINVAL for anything but a nested HWPT or a vIOMMU).
 */
#include <linux/iommufd.h>
#include <string.h>

#include "fixture.h"

/* The mock's GET_HW_INFO type (drivers/iommu/iommufd/iommufd_test.h). */
#define HW_INFO_TYPE_SELFTEST 0xfeedbeefu

/* The nested data type this device's driver would take; VT-d's otherwise. */
static uint32_t nested_type(const struct dev_caps *dc)
{
	switch (dc->hw_info_type) {
	case IOMMU_HW_INFO_TYPE_ARM_SMMUV3:
		return IOMMU_HWPT_DATA_ARM_SMMUV3;
	case IOMMU_HW_INFO_TYPE_AMD:
		return IOMMU_HWPT_DATA_AMD_GUEST;
	default:
		return IOMMU_HWPT_DATA_VTD_S1;
	}
}

/*
 * Whether the driver has domain_alloc_nested, which decides the errno of a
 * refused parent: iommufd_hwpt_nested_alloc() answers EOPNOTSUPP for a
 * driver without it before it looks at the parent. In 7.2 only intel-iommu
 * and the selftest mock have it; amd and arm-smmu-v3 nest through a vIOMMU
 * only, virtio-iommu not at all.
 */
static bool has_domain_alloc_nested(const struct dev_caps *dc)
{
	return dc->hw_info_type == IOMMU_HW_INFO_TYPE_INTEL_VTD ||
	       dc->hw_info_type == HW_INFO_TYPE_SELFTEST;
}

/* A nested allocation on a bad parent fails EINVAL, or EOPNOTSUPP on a
 * driver without domain_alloc_nested; either leaves no object. */
static void nested_on(struct tc *c, unsigned dev, uint32_t parent,
		      const char *what)
{
	uint64_t data[8];
	uint32_t type = nested_type(&c->caps->dev[dev]), hwpt = 0;
	const int want = has_domain_alloc_nested(&c->caps->dev[dev]) ?
				 EINVAL : EOPNOTSUPP;
	int ret;

	memset(data, 0, sizeof(data));
	ret = T_CALL(c->t, hwpt_alloc, dev, parent, 0, type, data,
		     sizeof(data), &hwpt);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot allocate nested HWPTs");
	tc_log(c, "nested alloc (data type %u) on %s %u: %s", type, what,
	       parent, ret ? errno_name(ret) : "0 (created)");
	tc_check_ret(c, "NEST-1", what, ret, &want, 1);
	if (!ret)
		T_CALL(c->t, destroy, hwpt);
}

SCENARIO(nest, parent_required,
	 .title = "a nested HWPT on a paging HWPT without NEST_PARENT, or on an auto HWPT, is refused",
	 .invariants = "NEST-1", .requires = REQ_HWPT_ALLOC)
{
	uint32_t ioas, plain, aut;

	bind_dev(c, "NEST-1", 0, 0);
	ioas = new_ioas(c, "NEST-1", 0);
	plain = new_hwpt(c, "NEST-1", 0, ioas, 0);
	nested_on(c, 0, plain, "plain paging HWPT");
	aut = attach_rid(c, "NEST-1", 0, ioas);
	nested_on(c, 0, aut, "automatic HWPT");
	/* The refusals took no reference on the parents. */
	CHECK_OK(c, "NEST-1", T_CALL(c->t, destroy, plain));
}

SCENARIO(nest, parent_without_data,
	 .title = "on a NEST_PARENT HWPT, a nested alloc without driver data is refused",
	 .invariants = "NEST-1", .requires = REQ_HWPT_ALLOC)
{
	uint32_t ioas, parent = 0, hwpt = 0;
	int ret;

	bind_dev(c, "NEST-1", 0, 0);
	ioas = new_ioas(c, "NEST-1", 0);
	ret = T_CALL(c->t, hwpt_alloc, 0, ioas, T_HWPT_NEST_PARENT, 0, NULL, 0,
		     &parent);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot allocate HWPTs");
	if (ret)
		tc_skip(c, "dev 0 (%s) cannot be a nest parent (%s): driver capability",
			c->caps->dev[0].name, errno_name(ret));
	tc_log(c, "dev 0 (%s): NEST_PARENT HWPT %u allocated",
	       c->caps->dev[0].name, parent);
	/* data_type NONE with no data passes iommufd_hwpt_alloc()'s
	 * type/length test and is refused by !user_data->len. */
	CHECK_RET(c, "NEST-1", T_CALL(c->t, hwpt_alloc, 0, parent, 0, 0, NULL,
				      0, &hwpt), EOPNOTSUPP);
	/* ... and none was: the parent, then the IOAS, are free. */
	CHECK_DESTROYED(c, "NEST-1", parent, ioas);
}

/* HWPT_INVALIDATE on hwpt with n entries fails EINVAL and handles none. */
static void invalidate_refused(struct tc *c, uint32_t hwpt, unsigned n)
{
	uint64_t req[4] = { 0 };
	uint32_t num = n;

	CHECK_RET(c, "NEST-2", T_CALL(c->t, hwpt_invalidate, hwpt,
				      IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
				      n ? req : NULL, n ? sizeof(req) : 0,
				      &num), EINVAL);
	if (n)
		tc_check(c, "NEST-2", num == 0,
			 "a refused invalidation reports %u entries handled",
			 num);
}

SCENARIO(nest, invalidate_paging_einval,
	 .title = "HWPT_INVALIDATE on a paging HWPT fails EINVAL and handles no entry",
	 .invariants = "NEST-2")
{
	uint32_t ioas, hwpt;

	bind_dev(c, "NEST-2", 0, 0);
	ioas = new_ioas(c, "NEST-2", 0);
	hwpt = attach_rid(c, "NEST-2", 0, ioas);
	invalidate_refused(c, hwpt, 0);
	invalidate_refused(c, hwpt, 1);
	if (!c->caps->hwpt_alloc)
		return;
	/* A manual paging HWPT is no better. */
	invalidate_refused(c, new_hwpt(c, "NEST-2", 0, ioas, 0), 1);
}

/* --- NEST-3: HWPT_INVALIDATE's bounds, before any lookup ------------------ */

/* HWPT_INVALIDATE of n entries of len bytes at reqs on id; entry_num
 * must read back 0 whatever the answer. */
static void invalidate_expect(struct tc *c, uint32_t id, const void *reqs,
			      uint32_t len, uint32_t n, int want,
			      const char *what)
{
	uint32_t num = n;
	int ret = T_CALL(c->t, hwpt_invalidate, id,
			 IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, reqs, len, &num);

	tc_check_ret(c, "NEST-3", what, ret, &want, 1);
	tc_check(c, "NEST-3", num == 0,
		 "%s: entry_num reads %u, no entry was handled", what, num);
}

SCENARIO(nest, invalidate_bounds_before_lookup,
	 .title = "HWPT_INVALIDATE refuses entry_len 0 or above PAGE_SIZE, entry_num above 2^19 and a NULL array EINVAL, before the ID is looked up",
	 .invariants = "NEST-3")
{
	const size_t big = 2 * tc_page_size();
	void *reqs = tc_alloc(c, big);
	uint32_t missing = T_ID_MAKE(0, 0x00fffff0u), ioas;

	/* With no entries the ID is looked up: a missing one is ENOENT. */
	invalidate_expect(c, missing, NULL, 0, 0, ENOENT,
			  "no entries, a missing ID");
	/* With entries the bounds come first, on any ID. */
	invalidate_expect(c, missing, reqs, tc_page_size() + 8, 1, EINVAL,
			  "entry_len PAGE_SIZE + 8, a missing ID");
	invalidate_expect(c, missing, reqs, 0, 1, EINVAL,
			  "entry_len 0, a missing ID");
	invalidate_expect(c, missing, reqs, 8, (1u << 19) + 1, EINVAL,
			  "entry_num 2^19 + 1, a missing ID");
	invalidate_expect(c, missing, NULL, 8, 1, EINVAL,
			  "a NULL array, a missing ID");
	/* An IOAS is no nested HWPT: within the bounds, EINVAL for the
	 * type; PAGE_SIZE itself is within them. */
	ioas = new_ioas(c, "NEST-3", 0);
	invalidate_expect(c, ioas, reqs, (uint32_t)tc_page_size(), 1, EINVAL,
			  "entry_len PAGE_SIZE on an IOAS");
	invalidate_expect(c, ioas, reqs, 8, 1u << 19, EINVAL,
			  "entry_num 2^19 on an IOAS");
}

/* --- NEST-4: vIOMMU allocation --------------------------------------------- */

/* The vIOMMU type of dev's driver (7.2); another non-default type where
 * it has none, which such a driver refuses as unsupported. */
#define VIOMMU_TYPE_SELFTEST 0xdeadbeefu /* iommufd_test.h */
static uint32_t viommu_type(const struct dev_caps *dc)
{
	return dc->hw_info_type == HW_INFO_TYPE_SELFTEST ?
		       VIOMMU_TYPE_SELFTEST :
		       IOMMU_VIOMMU_TYPE_ARM_SMMUV3;
}

SCENARIO(nest, viommu_needs_nest_parent,
	 .title = "VIOMMU_ALLOC: flags and the default type refused, a NEST_PARENT paging HWPT required, and held while the vIOMMU lives",
	 .invariants = "NEST-4", .requires = REQ_HWPT_ALLOC)
{
	const uint32_t type = viommu_type(&c->caps->dev[0]);
	uint32_t ioas, plain, parent = 0, viommu = 0;
	int ret;

	bind_dev(c, "NEST-4", 0, 0);
	ioas = new_ioas(c, "NEST-4", 0);
	plain = new_hwpt(c, "NEST-4", 0, ioas, 0);
	/* Refused before the device or the driver is looked at. */
	ret = T_CALL(c->t, viommu_alloc, 0, plain, type, 1, &viommu);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot allocate vIOMMUs");
	if (ret == -ENOTTY)
		tc_skip(c, "kernel without IOMMU_VIOMMU_ALLOC (before 6.13)");
	CHECK_RET(c, "NEST-4", ret, EOPNOTSUPP);
	CHECK_RET(c, "NEST-4", T_CALL(c->t, viommu_alloc, 0, plain,
				      IOMMU_VIOMMU_TYPE_DEFAULT, 0, &viommu),
		  EOPNOTSUPP);
	/* A driver without this vIOMMU type answers before the HWPT. */
	ret = T_CALL(c->t, viommu_alloc, 0, plain, type, 0, &viommu);
	if (ret == -EOPNOTSUPP)
		tc_skip(c, "dev 0 (%s) has no vIOMMU of type 0x%x: driver capability",
			c->caps->dev[0].name, type);
	CHECK_RET(c, "NEST-4", ret, EINVAL);
	/* An IOAS is no paging HWPT: the typed lookup fails. */
	CHECK_RET(c, "NEST-4", T_CALL(c->t, viommu_alloc, 0, ioas, type, 0,
				      &viommu), ENOENT);
	ret = T_CALL(c->t, hwpt_alloc, 0, ioas, T_HWPT_NEST_PARENT, 0, NULL, 0,
		     &parent);
	if (ret)
		tc_skip(c, "dev 0 cannot be a nest parent (%s): driver capability",
			errno_name(ret));
	CHECK_OK(c, "NEST-4", T_CALL(c->t, viommu_alloc, 0, parent, type, 0,
				     &viommu));
	/* The vIOMMU holds its parent. */
	CHECK_RET(c, "NEST-4", T_CALL(c->t, destroy, parent), EBUSY);
	CHECK_DESTROYED(c, "NEST-4", viommu, parent, plain);
}

/* --- NEST-5: invalidation stops at the first refused entry ---------------- */

/* iommufd_test.h: the mock's nested data and invalidation formats. */
#define HWPT_DATA_SELFTEST 0xdeadu
#define INVALIDATE_DATA_SELFTEST 0xdeadbeefu
#define TEST_IOTLB_DEFAULT 0xbadbeefu

struct inv_fmt {
	uint32_t data_type, inv_type;
	uint32_t data[8];	/* the nested HWPT's driver data */
	uint32_t data_len;
	uint32_t entry_len;
	unsigned flags_word;	/* u32 index of an entry's flags */
	unsigned valid_word;	/* u32 index that must be non-zero (VT-d npages) */
};

/* The driver's nested formats: the mock's, else VT-d's (the model's). */
static void inv_fmt(const struct dev_caps *dc, struct inv_fmt *f)
{
	memset(f, 0, sizeof(*f));
	if (dc->hw_info_type == HW_INFO_TYPE_SELFTEST) {
		f->data_type = HWPT_DATA_SELFTEST;
		f->inv_type = INVALIDATE_DATA_SELFTEST;
		f->data[0] = TEST_IOTLB_DEFAULT; /* struct iommu_hwpt_selftest */
		f->data_len = 8;
		f->entry_len = 8;   /* { flags, iotlb_id } */
		f->flags_word = 0;
		f->valid_word = 8;  /* none */
	} else {
		f->data_type = IOMMU_HWPT_DATA_VTD_S1;
		f->inv_type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1;
		f->data_len = sizeof(struct iommu_hwpt_vtd_s1);
		f->entry_len = sizeof(struct iommu_hwpt_vtd_s1_invalidate);
		f->flags_word = 4;  /* addr, npages, flags, __reserved */
		f->valid_word = 2;  /* npages = 1 */
	}
}

/*
 * Dev 0 bound, a new IOAS, a NEST_PARENT HWPT on it (*parent) and a nested
 * HWPT of the driver's format f on that; SKIP when the driver has neither.
 */
static uint32_t new_nested(struct tc *c, const char *inv, struct inv_fmt *f,
			   uint32_t *parent)
{
	uint32_t ioas, nested = 0;
	int ret;

	inv_fmt(&c->caps->dev[0], f);
	bind_dev(c, inv, 0, 0);
	ioas = new_ioas(c, inv, 0);
	ret = T_CALL(c->t, hwpt_alloc, 0, ioas, T_HWPT_NEST_PARENT, 0, NULL, 0,
		     parent);
	if (ret)
		tc_skip(c, "dev 0 cannot be a nest parent (%s): driver capability",
			errno_name(ret));
	ret = T_CALL(c->t, hwpt_alloc, 0, *parent, 0, f->data_type, f->data,
		     f->data_len, &nested);
	if (ret)
		tc_skip(c, "dev 0 (%s) makes no nested HWPT of type 0x%x (%s): driver capability",
			c->caps->dev[0].name, f->data_type, errno_name(ret));
	return nested;
}

/* HWPT_INVALIDATE of nested with *num entries of f's format from reqs;
 * *num gets how many the driver handled (raw form). */
static int invalidate_rc(struct tc *c, uint32_t nested,
			 const struct inv_fmt *f, uint32_t *reqs, uint32_t *num)
{
	return T_CALL(c->t, hwpt_invalidate, nested, f->inv_type, reqs,
		      f->entry_len, num);
}

SCENARIO(nest, invalidate_stops_at_bad_entry,
	 .title = "HWPT_INVALIDATE handles entries in order, stops at the first the driver refuses, and entry_num counts the handled ones",
	 .invariants = "NEST-5", .requires = REQ_HWPT_ALLOC)
{
	uint32_t reqs[3 * 8], parent = 0, nested, num;
	struct inv_fmt f;

	nested = new_nested(c, "NEST-5", &f, &parent);
	/* Entries sit entry_len bytes apart: word w of entry i is
	 * reqs[i * entry_len / 4 + w]. */
	memset(reqs, 0, sizeof(reqs));
	for (unsigned i = 0; i < 3; i++)
		if (f.valid_word < 8)
			reqs[i * f.entry_len / 4 + f.valid_word] = 1;
	/* The second entry carries a flag no driver knows. */
	reqs[f.entry_len / 4 + f.flags_word] = 1u << 30;
	num = 3;
	CHECK_RET(c, "NEST-5", invalidate_rc(c, nested, &f, reqs, &num),
		  EOPNOTSUPP);
	tc_check(c, "NEST-5", num == 1,
		 "entry 1 of 3 refused: entry_num reads %u, 1 entry was handled",
		 num);
	/* Without it, all three go through. */
	reqs[f.entry_len / 4 + f.flags_word] = 0;
	num = 3;
	CHECK_OK(c, "NEST-5", invalidate_rc(c, nested, &f, reqs, &num));
	tc_check(c, "NEST-5", num == 3,
		 "three valid entries: entry_num reads %u", num);
	/* A nested HWPT holds its parent. */
	CHECK_RET(c, "NEST-5", T_CALL(c->t, destroy, parent), EBUSY);
	CHECK_DESTROYED(c, "NEST-5", nested, parent);
}

/* --- NEST-6: a handled entry has reached the IOTLB ------------------------ */

/*
 * Entry word array e (f->entry_len bytes) invalidating IOTLB entry idx, or
 * all of them (idx < 0), or carrying a flag no driver knows (bad). Mock:
 * { flags, iotlb_id } (IOMMU_TEST_INVALIDATE_FLAG_ALL = 1); VT-d (the
 * model): { addr, npages, flags, __reserved }, entry i = IOVA page i.
 */
static void inv_entry(const struct inv_fmt *f, uint32_t *e, int idx, bool bad)
{
	memset(e, 0, f->entry_len);
	if (f->data_type == HWPT_DATA_SELFTEST) {
		e[0] = idx < 0 ? 1 : 0;
		e[1] = idx < 0 ? 0 : (uint32_t)idx;
	} else {
		uint64_t addr = idx < 0 ? 0 : (uint64_t)idx * PG;
		uint64_t npages = idx < 0 ? UINT64_MAX : 1;

		memcpy(&e[0], &addr, 8);
		memcpy(&e[2], &npages, 8);
	}
	if (bad)
		e[f->flags_word] = 1u << 30;
}

/* Entries 0..3 of the nested IOTLB hold the states in mask (bit = valid). */
static void expect_iotlb(struct tc *c, uint32_t nested, unsigned mask,
			 const char *after)
{
	for (unsigned k = 0; k < 4; k++) {
		bool valid = mask & (1u << k);

		tc_check(c, "NEST-6",
			 !T_CALL(c->t, nested_cache_check, nested, k, valid),
			 "%s: IOTLB entry %u is %s", after, k,
			 valid ? "still valid (expected)" :
				 "invalidated (expected)");
	}
}

SCENARIO(nest, invalidate_reaches_iotlb,
	 .title = "a HWPT_INVALIDATE entry counted as handled has invalidated what it names; entries after a refused one are not applied",
	 .invariants = "NEST-6", .requires = REQ_HWPT_ALLOC)
{
	uint32_t reqs[3 * 8], parent = 0, nested, num;
	struct inv_fmt f;
	int ret;

	nested = new_nested(c, "NEST-6", &f, &parent);
	ret = T_CALL(c->t, nested_cache_check, nested, 0, true);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot read a nested HWPT's IOTLB");
	expect_iotlb(c, nested, 0xf, "fresh nested HWPT");
	/* One entry, for IOTLB entry 1. */
	inv_entry(&f, reqs, 1, false);
	num = 1;
	CHECK_OK(c, "NEST-6", invalidate_rc(c, nested, &f, reqs, &num));
	tc_check(c, "NEST-6", num == 1, "entry_num reads %u, 1 handled", num);
	expect_iotlb(c, nested, 0xd, "after invalidating entry 1");
	/* Entry 2, a refused entry, entry 3: only entry 2 is applied. */
	inv_entry(&f, reqs, 2, false);
	inv_entry(&f, reqs + f.entry_len / 4, 0, true);
	inv_entry(&f, reqs + 2 * f.entry_len / 4, 3, false);
	num = 3;
	CHECK_RET(c, "NEST-6", invalidate_rc(c, nested, &f, reqs, &num),
		  EOPNOTSUPP);
	expect_iotlb(c, nested, 0x9, "after entry 2 handled, entry 3 not");
	/* Invalidate everything. */
	inv_entry(&f, reqs, -1, false);
	num = 1;
	CHECK_OK(c, "NEST-6", invalidate_rc(c, nested, &f, reqs, &num));
	expect_iotlb(c, nested, 0, "after an invalidate-all entry");
}
