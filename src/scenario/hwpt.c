// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_HWPT_ALLOC of paging HWPTs and their attach (HWPT-1..7).
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

#include "fixture.h"

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

/* --- HWPT-1 / HWPT-2: flags refused whatever the driver ------------------- */

/* HWPT_ALLOC on a fresh IOAS with each flag set fails EOPNOTSUPP. */
struct refused_flags_case {
	struct scenario sc;
	const char *inv;
	bool no_dirty_dev; /* on a device without dirty tracking, else dev 0 */
	uint32_t flags[4];
	unsigned nflags;
};

SCENARIO_VARIANTS(hwpt, refused_flags, struct refused_flags_case,
	{ VARIANT(hwpt, unknown_flags_eopnotsupp,
		  .title = "HWPT_ALLOC with an unknown flag bit gives EOPNOTSUPP",
		  .invariants = "HWPT-1", .requires = REQ_HWPT_ALLOC),
	  .inv = "HWPT-1", .nflags = 4,
	  /* The last one is refused by the core whatever the driver. */
	  .flags = { 1u << 4, 1u << 31, T_HWPT_PASID | (1u << 9),
		     T_HWPT_FAULT_ID_VALID | T_HWPT_NEST_PARENT } },
	{ VARIANT(hwpt, dirty_without_capability,
		  .title = "ALLOC_DIRTY_TRACKING on a device without the capability gives EOPNOTSUPP",
		  .invariants = "HWPT-2", .requires = REQ_HWPT_ALLOC),
	  .inv = "HWPT-2", .no_dirty_dev = true, .nflags = 2,
	  .flags = { T_HWPT_DIRTY_TRACKING,
		     T_HWPT_DIRTY_TRACKING | T_HWPT_PASID } })
{
	const char *inv = variant->inv;
	char names[80];
	uint32_t ioas;
	int dev = 0;

	if (variant->no_dirty_dev) {
		dev = -1;
		for (unsigned d = 0; d < c->caps->ndev; d++) {
			tc_log(c, "dev %u (%s): dirty tracking %s", d,
			       c->caps->dev[d].name,
			       c->caps->dev[d].dirty_tracking ? "reported" :
								"not reported");
			if (!c->caps->dev[d].dirty_tracking && dev < 0)
				dev = (int)d;
		}
		if (dev < 0)
			tc_skip(c, "every device reports IOMMU_HW_CAP_DIRTY_TRACKING");
	}
	bind_dev(c, inv, dev, 0);
	ioas = new_ioas(c, inv, 0);
	for (unsigned i = 0; i < variant->nflags; i++) {
		uint32_t hwpt = 0;
		int ret = T_CALL(c->t, hwpt_alloc, dev, ioas, variant->flags[i],
				 0, NULL, 0, &hwpt);

		if (ret == -T_UNSUPPORTED)
			tc_skip(c, "target cannot allocate HWPTs");
		snprintf(names, sizeof(names), "HWPT_ALLOC flags 0x%x",
			 variant->flags[i]);
		tc_check_ret(c, inv, names, ret, (const int[]){ EOPNOTSUPP }, 1);
	}
	/* No HWPT was left holding the IOAS. */
	CHECK_OK(c, inv, T_CALL(c->t, destroy, ioas));
}

/* --- HWPT-3 ------------------------------------------------------------- */

SCENARIO(hwpt, bad_pt_id,
	 .title = "HWPT_ALLOC on a pt_id that is no IOAS or parent HWPT fails",
	 .invariants = "HWPT-3", .requires = REQ_HWPT_ALLOC)
{
	uint64_t data[4] = { 0 };
	uint32_t ioas, aut, fault, hwpt = 0;

	bind_dev(c, "HWPT-3", 0, 0);
	ioas = new_ioas(c, "HWPT-3", 0);
	/* A missing pt_id is EINVAL here, not ENOENT (iommufd_hwpt_alloc). */
	CHECK_RET(c, "HWPT-3", T_CALL(c->t, hwpt_alloc, 0, NO_SUCH_ID, 0, 0,
				      NULL, 0, &hwpt), EINVAL);
	CHECK_RET(c, "HWPT-3", T_CALL(c->t, hwpt_alloc, 0, T_ID_MAKE(0, 0), 0,
				      0, NULL, 0, &hwpt), EINVAL);
	/* data_type NONE with a length is malformed. */
	CHECK_RET(c, "HWPT-3", T_CALL(c->t, hwpt_alloc, 0, ioas, 0,
				      IOMMU_HWPT_DATA_NONE, data, sizeof(data),
				      &hwpt), EINVAL);
	/* A paging HWPT (here the auto one) as parent without data. */
	aut = attach_rid(c, "HWPT-3", 0, ioas);
	CHECK_RET(c, "HWPT-3", T_CALL(c->t, hwpt_alloc, 0, aut, 0, 0, NULL, 0,
				      &hwpt), EOPNOTSUPP);
	detach_rid(c, "HWPT-3", 0);
	/* An object of another type, a fault queue: iommufd_hwpt_alloc()'s
	 * last branch, also EINVAL. */
	if (c->t->ops->fault_queue_alloc &&
	    !T_CALL(c->t, fault_queue_alloc, 0, &fault)) {
		CHECK_RET(c, "HWPT-3",
			  T_CALL(c->t, hwpt_alloc, 0, fault, 0, 0, NULL, 0,
				 &hwpt),
			  EINVAL);
		CHECK_OK(c, "HWPT-3", T_CALL(c->t, destroy, fault));
	}
	/* A destroyed IOAS is as good as missing (no allocation since). */
	destroy_obj(c, "HWPT-3", ioas);
	CHECK_RET(c, "HWPT-3", T_CALL(c->t, hwpt_alloc, 0, ioas, 0, 0, NULL, 0,
				      &hwpt), EINVAL);
}

/* --- HWPT-4 ------------------------------------------------------------- */

/*
 * What the contract allows HWPT_ALLOC(flags) to answer on dc. res[] holds
 * the answers to the smaller flag values; fault says whether FAULT_ID_VALID
 * named a real fault queue.
 */
static void check_flags_answer(struct tc *c, const struct dev_caps *dc,
			       uint32_t f, const char *names, int ret,
			       const int *res, bool fault)
{
	const uint32_t base = f & ~T_HWPT_FAULT_ID_VALID;

	if ((f & T_HWPT_FAULT_ID_VALID) && (f & T_HWPT_NEST_PARENT)) {
		/* Refused by the core whatever the driver does. */
		tc_check_ret(c, "HWPT-1", names, ret,
			     (const int[]){ EOPNOTSUPP }, 1);
	} else if ((f & T_HWPT_DIRTY_TRACKING) && !dc->dirty_tracking) {
		tc_check_ret(c, "HWPT-2", names, ret,
			     (const int[]){ EOPNOTSUPP }, 1);
	} else if ((f & T_HWPT_FAULT_ID_VALID) && fault && base) {
		/* iommufd_hwpt_paging_alloc() hands the driver the flags
		 * without FAULT_ID_VALID, and the queue exists: the same
		 * answer as without the flag. */
		tc_check(c, "HWPT-4", ret == res[base],
			 "%swith a valid fault queue: %s, the same flags without FAULT_ID_VALID: %s",
			 names, errno_name(ret), errno_name(res[base]));
	} else if ((f & T_HWPT_FAULT_ID_VALID) && fault) {
		/* Alone it reaches the driver as flags 0 where it has
		 * domain_alloc_paging_flags, and is refused where not. */
		tc_check_ret(c, "HWPT-4", names, ret,
			     (const int[]){ 0, EOPNOTSUPP }, 2);
	} else if (f & T_HWPT_FAULT_ID_VALID) {
		/*
		 * The ops table cannot make a fault queue, so FAULT_ID_VALID
		 * names fault ID 0, which does not exist: a driver that takes
		 * the flags gets past allocation and the fault lookup fails
		 * ENOENT (OBJ-4; iommufd_hwpt_alloc -> iommufd_get_fault).
		 */
		tc_check_ret(c, "HWPT-4", names, ret,
			     (const int[]){ EOPNOTSUPP, EINVAL, ENOENT }, 3);
		if (ret == -ENOENT)
			tc_log(c, "  (ENOENT: the driver took %sand only the missing fault queue stopped it)",
			       names);
	} else {
		tc_check_ret(c, "HWPT-4", names, ret,
			     (const int[]){ 0, EOPNOTSUPP, EINVAL }, 3);
	}
}

SCENARIO(hwpt, flag_sweep,
	 .title = "every combination of the four paging flags works or fails EOPNOTSUPP/EINVAL",
	 .invariants = "HWPT-1,HWPT-2,HWPT-4", .requires = REQ_HWPT_ALLOC)
{
	const struct dev_caps *dc = &c->caps->dev[0];
	char names[80], works[512] = "";
	int res[ALL_FLAGS + 1];
	bool any_flag_works = false;
	uint32_t ioas, fault = 0;
	size_t used = 0;
	int fret;

	bind_dev(c, "HWPT-4", 0, 0);
	ioas = new_ioas(c, "HWPT-4", 0);
	/* A real fault queue for FAULT_ID_VALID, where the target has one. */
	fret = T_CALL(c->t, fault_queue_alloc, 0, &fault);
	if (fret && fret != -T_UNSUPPORTED)
		tc_skip(c, "IOMMU_FAULT_QUEUE_ALLOC failed (%s): kernel without fault queues",
			errno_name(fret));
	tc_log(c, "FAULT_ID_VALID names %s", fret ? "fault ID 0 (no fault queue op)" :
						   "a fault queue");
	for (uint32_t f = 0; f <= ALL_FLAGS; f++) {
		uint32_t hwpt = 0, probe, again;
		int ret;

		/* The next free ID, to see whether a refusal leaves one
		 * taken (IDs are lowest-free-first). */
		probe = new_ioas(c, "HWPT-4", 0);
		destroy_obj(c, "HWPT-4", probe);
		if (!fret && (f & T_HWPT_FAULT_ID_VALID))
			ret = T_CALL(c->t, hwpt_alloc_fault, 0, ioas, f, fault,
				     &hwpt);
		else
			ret = T_CALL(c->t, hwpt_alloc, 0, ioas, f, 0, NULL, 0,
				     &hwpt);
		if (ret == -T_UNSUPPORTED)
			tc_skip(c, "target cannot allocate HWPTs");
		res[f] = ret;
		if (!ret && f && !(f & T_HWPT_FAULT_ID_VALID))
			any_flag_works = true;
		tc_log(c, "dev 0 (%s) flags %s: %s", dc->name,
		       flag_names(f, names, sizeof(names)),
		       ret ? errno_name(ret) : "works");
		check_flags_answer(c, dc, f, names, ret, res, !fret);
		if (ret) {
			again = new_ioas(c, "HWPT-4", 0);
			tc_check(c, "HWPT-4", again == probe,
				 "after the refused %sthe next ID is %u, before it was %u: an object was left behind",
				 names, again, probe);
			destroy_obj(c, "HWPT-4", again);
			continue;
		}
		used += snprintf(works + used, sizeof(works) - used, "[%s] ",
				 names);
		if (used >= sizeof(works))
			used = sizeof(works) - 1;
		destroy_obj(c, "HWPT-4", hwpt);
	}
	tc_log(c, "dev 0 (%s) accepts paging flags: %s", dc->name,
	       works[0] ? works : "(none)");
	/* FAULT_ID_VALID alone is refused only by a driver without
	 * domain_alloc_paging_flags, which refuses every other flag too. */
	if (!fret)
		tc_check(c, "HWPT-4",
			 !(res[T_HWPT_FAULT_ID_VALID] && any_flag_works),
			 "FAULT_ID_VALID alone refused (%s) while other paging flags work",
			 errno_name(res[T_HWPT_FAULT_ID_VALID]));
	/* Every refused combination left nothing on the IOAS. */
	CHECK_OK(c, "HWPT-4", T_CALL(c->t, destroy, ioas));
}

/* --- HWPT-5 ------------------------------------------------------------- */

SCENARIO(hwpt, attach_manual,
	 .title = "a manual HWPT attaches to the device it was allocated for",
	 .invariants = "HWPT-5", .requires = REQ_HWPT_ALLOC)
{
	unsigned dev = dma_dev_or_first(c);
	uint32_t ioas, hwpt;
	uint64_t iova;
	void *buf = tc_alloc(c, PG);

	bind_dev(c, "HWPT-5", dev, 0);
	ioas = new_ioas(c, "HWPT-5", 0);
	hwpt = new_hwpt(c, "HWPT-5", dev, ioas, 0);
	tc_check(c, "HWPT-5", hwpt != ioas, "HWPT_ALLOC returned the IOAS ID");
	CHECK_OK(c, "HWPT-5",
		 T_CALL(c->t, attach, dev, T_NO_PASID, hwpt, NULL));
	iova = tc_pick_iova(c, ioas, PG, 0, 0);
	map_fixed(c, "HWPT-5", ioas, buf, PG, iova, RW);
	if (dev_has_dma(c, dev))
		tc_dma_write(c, "HWPT-5", dev, T_NO_PASID, iova, buf, DMA_LEN,
			     true);
	/* The device holds the HWPT, and only the device does. */
	CHECK_RET(c, "HWPT-5", T_CALL(c->t, destroy, hwpt), EBUSY);
	detach_rid(c, "HWPT-5", dev);
	CHECK_OK(c, "HWPT-5", T_CALL(c->t, destroy, hwpt));
}

SCENARIO(hwpt, attach_incompatible,
	 .title = "an HWPT of another IOMMU instance is refused EINVAL; as a replace the old attachment stays",
	 .invariants = "HWPT-5,ATTACH-4",
	 .requires = REQ_HWPT_ALLOC, .min_devs = 2)
{
	uint32_t ioas_a, ioas_b, hwpt_a, hwpt_b;
	struct ranges before;
	unsigned a, b;
	uint64_t iova;
	void *buf = tc_alloc(c, PG);

	if (!dev_pair_other_iommus(c, &a, &b))
		tc_skip(c, "needs two devices behind different IOMMU instances (all %u share one)",
			c->caps->ndev);
	/* b on its own IOAS; prefer a b that can show DMA. */
	if (!c->caps->dev[b].dma && c->caps->dev[a].dma) {
		unsigned t = a;

		a = b;
		b = t;
	}
	bind_dev(c, "HWPT-5", a, 0);
	bind_dev(c, "HWPT-5", b, 0);
	ioas_a = new_ioas(c, "HWPT-5", 0);
	ioas_b = new_ioas(c, "HWPT-5", 0);
	hwpt_a = new_hwpt(c, "HWPT-5", a, ioas_a, 0);
	/* A first attach of b: refused, nothing attached. */
	tc_log(c, "dev %u (iommu %u) onto HWPT %u of dev %u (iommu %u)", b,
	       c->caps->dev[b].iommu, hwpt_a, a, c->caps->dev[a].iommu);
	CHECK_RET(c, "HWPT-5",
		  T_CALL(c->t, attach, b, T_NO_PASID, hwpt_a, NULL), EINVAL);
	CHECK_OK(c, "HWPT-5", T_CALL(c->t, destroy, hwpt_a));
	hwpt_a = new_hwpt(c, "HWPT-5", a, ioas_a, 0);
	/* The same as a replace: ATTACH-4 says nothing changes. */
	hwpt_b = attach_rid(c, "HWPT-5", b, ioas_b);
	iova = tc_pick_iova(c, ioas_b, PG, 0, 0);
	map_fixed(c, "HWPT-5", ioas_b, buf, PG, iova, RW);
	read_ranges(c, "HWPT-5", ioas_b, &before);
	CHECK_RET(c, "HWPT-5",
		  T_CALL(c->t, attach, b, T_NO_PASID, hwpt_a, NULL), EINVAL);
	/* Unchanged: same ranges, hwpt_a unused, b still on hwpt_b. */
	expect_ranges_unchanged(c, "ATTACH-4", ioas_b, &before, true,
				"the refused replace (the old IOAS)");
	CHECK_RET(c, "ATTACH-4", T_CALL(c->t, destroy, hwpt_b), EBUSY);
	if (dev_has_dma(c, b))
		tc_dma_write(c, "ATTACH-4", b, T_NO_PASID, iova, buf, DMA_LEN,
			     true);
	CHECK_OK(c, "HWPT-5", T_CALL(c->t, destroy, hwpt_a));
}

/* --- HWPT-6 / HWPT-7: driver data on HWPT_ALLOC -------------------------- */

/* A data type no driver defines (uapi enum iommu_hwpt_data_type stops at
 * a handful; the mock's own is IOMMU_HWPT_DATA_SELFTEST 0xdead). */
#define NO_DRIVER_DATA_TYPE 0xbad0u

/* A refused HWPT_ALLOC left nothing behind: a leaked HWPT would hold the
 * IOAS (DESTROY EBUSY), and a wrongly made one is destroyed so the case
 * ends clean. */
static void expect_refused_alloc(struct tc *c, const char *inv, int ret,
				 int want, uint32_t hwpt, const char *what)
{
	if (!CHECK_RET(c, inv, ret, want) && !ret)
		CHECK_OK(c, inv, T_CALL(c->t, destroy, hwpt));
	tc_log(c, "%s: %s", what, errno_name(ret));
}

SCENARIO(hwpt, data_type_without_data,
	 .title = "HWPT_ALLOC with a data type but data_len 0 is EINVAL, on an IOAS and on a parent HWPT alike",
	 .invariants = "HWPT-6", .requires = REQ_HWPT_ALLOC)
{
	uint64_t data[4] = { 0 };
	uint32_t ioas, aut, hwpt = 0;
	int ret;

	bind_dev(c, "HWPT-6", 0, 0);
	ioas = new_ioas(c, "HWPT-6", 0);
	/* iommufd_hwpt_alloc() refuses it before looking at pt_id, so the
	 * answer is the same whatever pt_id names (a pointer to readable
	 * data, too: only data_len counts). */
	ret = T_CALL(c->t, hwpt_alloc, 0, ioas, 0, NO_DRIVER_DATA_TYPE, data,
		     0, &hwpt);
	expect_refused_alloc(c, "HWPT-6", ret, EINVAL, hwpt,
			     "pt_id an IOAS, a data type, data_len 0");
	/* A paging HWPT as pt_id would ask for a nested HWPT, whose
	 * missing data is otherwise EOPNOTSUPP (HWPT-3). */
	aut = attach_rid(c, "HWPT-6", 0, ioas);
	ret = T_CALL(c->t, hwpt_alloc, 0, aut, 0, NO_DRIVER_DATA_TYPE, data, 0,
		     &hwpt);
	expect_refused_alloc(c, "HWPT-6", ret, EINVAL, hwpt,
			     "pt_id a paging HWPT, a data type, data_len 0");
	detach_rid(c, "HWPT-6", 0);
	/* Nothing holds the IOAS. */
	CHECK_OK(c, "HWPT-6", T_CALL(c->t, destroy, ioas));
}

SCENARIO(hwpt, paging_unknown_data,
	 .title = "HWPT_ALLOC of a paging HWPT with driver data of a type the driver has not is EOPNOTSUPP and creates nothing",
	 .invariants = "HWPT-7", .requires = REQ_HWPT_ALLOC)
{
	uint64_t data[2] = { 0 };
	uint32_t ioas, hwpt = 0;
	int ret;

	bind_dev(c, "HWPT-7", 0, 0);
	ioas = new_ioas(c, "HWPT-7", 0);
	/* iommufd_hwpt_paging_alloc() hands the data to the driver's
	 * domain_alloc_paging_flags(); intel, amd and smmuv3 refuse any
	 * data, the mock every type but its own, and a driver without the
	 * op is refused by the core. */
	ret = T_CALL(c->t, hwpt_alloc, 0, ioas, 0, NO_DRIVER_DATA_TYPE, data,
		     sizeof(data), &hwpt);
	expect_refused_alloc(c, "HWPT-7", ret, EOPNOTSUPP, hwpt,
			     "paging HWPT with data of type 0xbad0");
	/* With a flag the driver takes, the data still decides. */
	ret = T_CALL(c->t, hwpt_alloc, 0, ioas, T_HWPT_NEST_PARENT,
		     NO_DRIVER_DATA_TYPE, data, sizeof(data), &hwpt);
	expect_refused_alloc(c, "HWPT-7", ret, EOPNOTSUPP, hwpt,
			     "NEST_PARENT paging HWPT with data of type 0xbad0");
	/* Nothing holds the IOAS. */
	CHECK_OK(c, "HWPT-7", T_CALL(c->t, destroy, ioas));
}
