// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_HWPT_ALLOC of paging HWPTs and their attach (HWPT-1..5).
 *
 * Flag support is per driver (VT-d, AMD and SMMUv3 each accept different
 * combinations): the cases read the device's capabilities, accept the
 * contract's allowed errno set and log what the driver did.
 * Kernel: drivers/iommu/iommufd/hw_pagetable.c (iommufd_hwpt_alloc,
 * iommufd_hwpt_paging_alloc).
 */
#include <linux/iommufd.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "sc_util.h"

#define NO_SUCH_ID T_ID_MAKE(0, 0x00fffff0u)
#define ALL_FLAGS (T_HWPT_NEST_PARENT | T_HWPT_DIRTY_TRACKING | \
		   T_HWPT_FAULT_ID_VALID | T_HWPT_PASID)



static const char *flag_names(uint32_t f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s", f ? "" : "none",
		 f & T_HWPT_NEST_PARENT ? "NEST_PARENT " : "",
		 f & T_HWPT_DIRTY_TRACKING ? "DIRTY " : "",
		 f & T_HWPT_FAULT_ID_VALID ? "FAULT_ID_VALID " : "",
		 f & T_HWPT_PASID ? "PASID " : "");
	return buf;
}

/* --- HWPT-1 ------------------------------------------------------------- */

SCENARIO(hwpt, unknown_flags_eopnotsupp,
	 .title = "HWPT_ALLOC with an unknown flag bit gives EOPNOTSUPP",
	 .invariants = "HWPT-1", .requires = REQ_HWPT_ALLOC)
{
	uint32_t ioas, hwpt = 0;

	REQUIRE(c, "HWPT-1", T_CALL(c->t, bind, 0, 0));
	ioas = new_ioas(c, "HWPT-1", 0);
	CHECK_RET(c, "HWPT-1", T_CALL(c->t, hwpt_alloc, 0, ioas, 1u << 4, 0,
				      NULL, 0, &hwpt), EOPNOTSUPP);
	CHECK_RET(c, "HWPT-1", T_CALL(c->t, hwpt_alloc, 0, ioas, 1u << 31, 0,
				      NULL, 0, &hwpt), EOPNOTSUPP);
	CHECK_RET(c, "HWPT-1", T_CALL(c->t, hwpt_alloc, 0, ioas,
				      T_HWPT_PASID | (1u << 9), 0, NULL, 0,
				      &hwpt), EOPNOTSUPP);
	/* Refused by the core whatever the driver supports. */
	CHECK_RET(c, "HWPT-1", T_CALL(c->t, hwpt_alloc, 0, ioas,
				      T_HWPT_FAULT_ID_VALID | T_HWPT_NEST_PARENT,
				      0, NULL, 0, &hwpt), EOPNOTSUPP);
	/* No HWPT was left holding the IOAS. */
	CHECK_OK(c, "HWPT-1", T_CALL(c->t, destroy, ioas));
}

/* --- HWPT-2 ------------------------------------------------------------- */

SCENARIO(hwpt, dirty_without_capability,
	 .title = "ALLOC_DIRTY_TRACKING on a device without the capability gives EOPNOTSUPP",
	 .invariants = "HWPT-2", .requires = REQ_HWPT_ALLOC)
{
	uint32_t ioas, hwpt = 0;
	int dev = -1;

	for (unsigned d = 0; d < c->caps->ndev; d++) {
		tc_log(c, "dev %u (%s): dirty tracking %s", d,
		       c->caps->dev[d].name,
		       c->caps->dev[d].dirty_tracking ? "reported" : "not reported");
		if (!c->caps->dev[d].dirty_tracking && dev < 0)
			dev = (int)d;
	}
	if (dev < 0)
		tc_skip(c, "every device reports IOMMU_HW_CAP_DIRTY_TRACKING");
	REQUIRE(c, "HWPT-2", T_CALL(c->t, bind, dev, 0));
	ioas = new_ioas(c, "HWPT-2", 0);
	CHECK_RET(c, "HWPT-2", T_CALL(c->t, hwpt_alloc, dev, ioas,
				      T_HWPT_DIRTY_TRACKING, 0, NULL, 0, &hwpt),
		  EOPNOTSUPP);
	CHECK_RET(c, "HWPT-2", T_CALL(c->t, hwpt_alloc, dev, ioas,
				      T_HWPT_DIRTY_TRACKING | T_HWPT_PASID, 0,
				      NULL, 0, &hwpt), EOPNOTSUPP);
	CHECK_OK(c, "HWPT-2", T_CALL(c->t, destroy, ioas));
}

/* --- HWPT-3 ------------------------------------------------------------- */

SCENARIO(hwpt, bad_pt_id,
	 .title = "HWPT_ALLOC on a pt_id that is no IOAS or parent HWPT fails",
	 .invariants = "HWPT-3", .requires = REQ_HWPT_ALLOC)
{
	uint32_t ioas, hwpt = 0;

	REQUIRE(c, "HWPT-3", T_CALL(c->t, bind, 0, 0));
	ioas = new_ioas(c, "HWPT-3", 0);
	/* A missing pt_id is EINVAL here, not ENOENT (iommufd_hwpt_alloc). */
	CHECK_RET(c, "HWPT-3", T_CALL(c->t, hwpt_alloc, 0, NO_SUCH_ID, 0, 0,
				      NULL, 0, &hwpt), EINVAL);
	CHECK_RET(c, "HWPT-3", T_CALL(c->t, hwpt_alloc, 0, T_ID_MAKE(0, 0), 0,
				      0, NULL, 0, &hwpt), EINVAL);
	/* data_type NONE with a length is malformed. */
	{
		uint64_t data[4] = { 0 };

		CHECK_RET(c, "HWPT-3", T_CALL(c->t, hwpt_alloc, 0, ioas, 0,
					      IOMMU_HWPT_DATA_NONE, data,
					      sizeof(data), &hwpt), EINVAL);
	}
	/* A paging HWPT (here the auto one) as parent without data. */
	{
		uint32_t aut = 0;

		REQUIRE(c, "HWPT-3", T_CALL(c->t, attach, 0, T_NO_PASID, ioas,
					    &aut));
		CHECK_RET(c, "HWPT-3", T_CALL(c->t, hwpt_alloc, 0, aut, 0, 0,
					      NULL, 0, &hwpt), EOPNOTSUPP);
		REQUIRE(c, "HWPT-3", T_CALL(c->t, detach, 0, T_NO_PASID));
	}
	/* A destroyed IOAS is as good as missing (no allocation since). */
	REQUIRE(c, "HWPT-3", T_CALL(c->t, destroy, ioas));
	CHECK_RET(c, "HWPT-3", T_CALL(c->t, hwpt_alloc, 0, ioas, 0, 0, NULL, 0,
				      &hwpt), EINVAL);
}

/* --- HWPT-4 ------------------------------------------------------------- */

SCENARIO(hwpt, flag_sweep,
	 .title = "every combination of the four paging flags works or fails EOPNOTSUPP/EINVAL",
	 .invariants = "HWPT-1,HWPT-2,HWPT-4", .requires = REQ_HWPT_ALLOC)
{
	const struct dev_caps *dc = &c->caps->dev[0];
	char names[80], works[512] = "";
	size_t used = 0;
	uint32_t ioas;

	REQUIRE(c, "HWPT-4", T_CALL(c->t, bind, 0, 0));
	ioas = new_ioas(c, "HWPT-4", 0);
	for (uint32_t f = 0; f <= ALL_FLAGS; f++) {
		uint32_t hwpt = 0, probe = 0;
		int ret;

		REQUIRE(c, "HWPT-4", T_CALL(c->t, ioas_alloc, 0, &probe));
		REQUIRE(c, "HWPT-4", T_CALL(c->t, destroy, probe));
		ret = T_CALL(c->t, hwpt_alloc, 0, ioas, f, 0, NULL, 0, &hwpt);

		if (ret == -T_UNSUPPORTED)
			tc_skip(c, "target cannot allocate HWPTs");
		tc_log(c, "dev 0 (%s) flags %s: %s", dc->name,
		       flag_names(f, names, sizeof(names)),
		       ret ? errno_name(ret) : "works");
		if ((f & T_HWPT_FAULT_ID_VALID) && (f & T_HWPT_NEST_PARENT)) {
			/* Refused by the core whatever the driver does. */
			tc_check_ret(c, "HWPT-1", names, ret,
				     (const int[]){ EOPNOTSUPP }, 1);
		} else if ((f & T_HWPT_DIRTY_TRACKING) && !dc->dirty_tracking) {
			tc_check_ret(c, "HWPT-2", names, ret,
				     (const int[]){ EOPNOTSUPP }, 1);
		} else if (f & T_HWPT_FAULT_ID_VALID) {
			/*
			 * The ops table cannot make a fault queue, so
			 * FAULT_ID_VALID names fault ID 0, which does not
			 * exist: a driver that takes the flags gets past
			 * allocation and the fault lookup fails ENOENT
			 * (OBJ-4; iommufd_hwpt_alloc -> iommufd_get_fault).
			 */
			tc_check_ret(c, "HWPT-4", names, ret,
				     (const int[]){ EOPNOTSUPP, EINVAL, ENOENT },
				     3);
			if (ret == -ENOENT)
				tc_log(c, "  (ENOENT: the driver took %sand only the missing fault queue stopped it)",
				       names);
		} else {
			tc_check_ret(c, "HWPT-4", names, ret,
				     (const int[]){ 0, EOPNOTSUPP, EINVAL }, 3);
		}
		/* Nothing left behind: the next free ID is the one a probe
		 * took before the attempt (IDs are lowest-free-first). */
		if (ret) {
			uint32_t again = 0;

			REQUIRE(c, "HWPT-4", T_CALL(c->t, ioas_alloc, 0, &again));
			tc_check(c, "HWPT-4", again == probe,
				 "after the refused %sthe next ID is %u, before it was %u: an object was left behind",
				 names, again, probe);
			REQUIRE(c, "HWPT-4", T_CALL(c->t, destroy, again));
		}
		if (!ret) {
			used += snprintf(works + used, sizeof(works) - used,
					 "[%s] ", names);
			if (used >= sizeof(works))
				used = sizeof(works) - 1;
			CHECK_OK(c, "HWPT-4", T_CALL(c->t, destroy, hwpt));
		}
	}
	tc_log(c, "dev 0 (%s) accepts paging flags: %s", dc->name,
	       works[0] ? works : "(none)");
	/* Every refused combination left nothing on the IOAS. */
	CHECK_OK(c, "HWPT-4", T_CALL(c->t, destroy, ioas));
}

/* --- HWPT-5 ------------------------------------------------------------- */

SCENARIO(hwpt, attach_manual,
	 .title = "a manual HWPT attaches to the device it was allocated for",
	 .invariants = "HWPT-5", .requires = REQ_HWPT_ALLOC)
{
	uint64_t p = tc_page_size(), iova;
	int dma = dev_with_dma(c, -1);
	unsigned dev = dma >= 0 ? (unsigned)dma : 0;
	uint32_t ioas, hwpt = 0, out = 0;
	void *buf = tc_alloc(c, p);

	REQUIRE(c, "HWPT-5", T_CALL(c->t, bind, dev, 0));
	ioas = new_ioas(c, "HWPT-5", 0);
	REQUIRE(c, "HWPT-5", T_CALL(c->t, hwpt_alloc, dev, ioas, 0, 0, NULL, 0,
				    &hwpt));
	tc_check(c, "HWPT-5", hwpt != ioas, "HWPT_ALLOC returned the IOAS ID");
	CHECK_OK(c, "HWPT-5", T_CALL(c->t, attach, dev, T_NO_PASID, hwpt, &out));
	tc_check(c, "HWPT-5", out == hwpt,
		 "attach to manual HWPT %u reports HWPT %u", hwpt, out);
	iova = tc_pick_iova(c, ioas, p, 0, 0);
	REQUIRE(c, "HWPT-5", T_CALL(c->t, ioas_map, ioas,
				    T_MAP_FIXED_IOVA | RW, buf, p, &iova));
	if (dma >= 0)
		tc_dma_write(c, "HWPT-5", dev, T_NO_PASID, iova, buf, 256, true);
}

static bool dev_pair_other_iommus(const struct tc *c, unsigned *a,
				  unsigned *b)
{
	const struct target_caps *caps = c->caps;

	for (unsigned x = 0; x < caps->ndev; x++)
		for (unsigned y = 0; y < caps->ndev; y++)
			if (x != y && caps->dev[x].iommu != caps->dev[y].iommu) {
				*a = x;
				*b = y;
				return true;
			}
	return false;
}

SCENARIO(hwpt, attach_incompatible,
	 .title = "an HWPT of another IOMMU instance is refused EINVAL; as a replace the old attachment stays",
	 .invariants = "HWPT-5,ATTACH-4", .requires = REQ_HWPT_ALLOC,
	 .min_devs = 2)
{
	uint64_t p = tc_page_size(), iova, a1, a2;
	struct iova_range r1[T_MAX_RANGES], r2[T_MAX_RANGES];
	unsigned a, b, n1 = T_MAX_RANGES, n2 = T_MAX_RANGES;
	uint32_t ioas_a, ioas_b, hwpt_a = 0, hwpt_b = 0, out = 0;
	void *buf = tc_alloc(c, p);

	if (!dev_pair_other_iommus(c, &a, &b))
		tc_skip(c, "needs two devices behind different IOMMU instances (all %u share one)",
			c->caps->ndev);
	/* b on its own IOAS; prefer a b that can show DMA. */
	if (!c->caps->dev[b].dma && c->caps->dev[a].dma) {
		unsigned t = a;

		a = b;
		b = t;
	}
	REQUIRE(c, "HWPT-5", T_CALL(c->t, bind, a, 0));
	REQUIRE(c, "HWPT-5", T_CALL(c->t, bind, b, 0));
	ioas_a = new_ioas(c, "HWPT-5", 0);
	ioas_b = new_ioas(c, "HWPT-5", 0);
	REQUIRE(c, "HWPT-5", T_CALL(c->t, hwpt_alloc, a, ioas_a, 0, 0, NULL, 0,
				    &hwpt_a));
	/* A first attach of b: refused, nothing attached. */
	tc_log(c, "dev %u (iommu %u) onto HWPT %u of dev %u (iommu %u)", b,
	       c->caps->dev[b].iommu, hwpt_a, a, c->caps->dev[a].iommu);
	CHECK_RET(c, "HWPT-5", T_CALL(c->t, attach, b, T_NO_PASID, hwpt_a, &out),
		  EINVAL);
	CHECK_OK(c, "HWPT-5", T_CALL(c->t, destroy, hwpt_a));
	REQUIRE(c, "HWPT-5", T_CALL(c->t, hwpt_alloc, a, ioas_a, 0, 0, NULL, 0,
				    &hwpt_a));
	/* The same as a replace: ATTACH-4 says nothing changes. */
	REQUIRE(c, "HWPT-5", T_CALL(c->t, attach, b, T_NO_PASID, ioas_b,
				    &hwpt_b));
	iova = tc_pick_iova(c, ioas_b, p, 0, 0);
	REQUIRE(c, "HWPT-5", T_CALL(c->t, ioas_map, ioas_b,
				    T_MAP_FIXED_IOVA | RW, buf, p, &iova));
	REQUIRE(c, "HWPT-5", T_CALL(c->t, iova_ranges, ioas_b, r1, &n1, &a1));

	CHECK_RET(c, "HWPT-5", T_CALL(c->t, attach, b, T_NO_PASID, hwpt_a, &out),
		  EINVAL);
	/* Unchanged: same ranges, hwpt_a unused, b still on hwpt_b. */
	REQUIRE(c, "ATTACH-4", T_CALL(c->t, iova_ranges, ioas_b, r2, &n2, &a2));
	tc_check(c, "ATTACH-4", n1 == n2 && a1 == a2 &&
					!memcmp(r1, r2, n1 * sizeof(r1[0])),
		 "the refused replace changed the old IOAS's ranges");
	CHECK_RET(c, "ATTACH-4", T_CALL(c->t, destroy, hwpt_b), EBUSY);
	if (c->caps->dev[b].dma && dev_with_dma(c, -1) >= 0)
		tc_dma_write(c, "ATTACH-4", b, T_NO_PASID, iova, buf, 256,
			     true);
	CHECK_OK(c, "HWPT-5", T_CALL(c->t, destroy, hwpt_a));
}
