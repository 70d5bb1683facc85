// SPDX-License-Identifier: GPL-2.0
/*
 * IOVA_RANGES and ALLOW_IOVAS (RANGE-1..6).
 *
 * Expected values from the contract, checked against
 * drivers/iommu/iommufd/ioas.c (iommufd_ioas_iova_ranges,
 * iommufd_ioas_load_iovas) and io_pagetable.c (iopt_set_allow_iova,
 * iopt_reserve_iova, iopt_table_enforce_dev_resv_regions).
 *
 * Which regions are reserved differs per driver (vm-facts: intel, amd,
 * virtio, smmuv3 all differ); the cases read them from the device's
 * reported reserved regions (caps.dev[].resv) and log what they saw.
 */
#include <string.h>
#include <unistd.h>

#include "fixture.h"

/* All of an IOAS's ranges: a case about their shape needs every one. */
static void read_all_ranges(struct tc *c, const char *inv, uint32_t ioas,
			    struct ranges *r)
{
	read_ranges(c, inv, ioas, r);
	if (r->truncated)
		tc_skip(c, "IOAS reports more ranges than the %u this suite holds",
			T_MAX_RANGES);
}

/* A fresh IOAS and what it reports. */
static uint32_t fresh_ioas_ranges(struct tc *c, const char *inv,
				  struct ranges *r)
{
	uint32_t ioas = new_ioas(c, inv, 0);

	read_all_ranges(c, inv, ioas, r);
	log_ranges(c, "fresh IOAS", r);
	return ioas;
}

static bool is_full_space(const struct ranges *r)
{
	return r->n == 1 && r->r[0].start == 0 && r->r[0].last == UINT64_MAX;
}

/* Sorted, disjoint, not touching (holes are maximal) and aligned. */
static void check_shape(struct tc *c, const char *what, const struct ranges *rs)
{
	const struct iova_range *r = rs->r;
	const uint64_t a = rs->align;

	tc_check(c, "RANGE-6", a >= 1 && !(a & (a - 1)),
		 "%s: alignment 0x%llx is not a power of two", what,
		 (unsigned long long)a);
	for (unsigned i = 0; i < rs->n; i++) {
		tc_check(c, "RANGE-6", r[i].start <= r[i].last,
			 "%s: range %u is inverted", what, i);
		if (a > 1)
			tc_check(c, "RANGE-6",
				 !(r[i].start & (a - 1)) &&
				 (r[i].last == UINT64_MAX ||
				  !((r[i].last + 1) & (a - 1))),
				 "%s: range %u (0x%llx-0x%llx) is not aligned to 0x%llx",
				 what, i, (unsigned long long)r[i].start,
				 (unsigned long long)r[i].last,
				 (unsigned long long)a);
		if (i)
			tc_check(c, "RANGE-6",
				 r[i - 1].last != UINT64_MAX &&
				 r[i - 1].last + 1 < r[i].start,
				 "%s: ranges %u and %u are unsorted, overlapping or touching",
				 what, i - 1, i);
	}
}

/* --- RANGE-1 ------------------------------------------------------------ */

SCENARIO(range, fresh_ioas_full_space,
	 .title = "a fresh IOAS reports one range covering the whole IOVA space",
	 .invariants = "RANGE-1")
{
	struct ranges r;
	uint32_t ioas = fresh_ioas_ranges(c, "RANGE-1", &r);

	tc_check(c, "RANGE-1", is_full_space(&r),
		 "a fresh IOAS does not report exactly [0, 2^64-1]");
	tc_check(c, "RANGE-1", r.align == 1,
		 "a fresh IOAS reports alignment 0x%llx, not 1",
		 (unsigned long long)r.align);
	/* A bound but unattached device reserves nothing either. */
	bind_dev(c, "RANGE-1", 0, 0);
	read_all_ranges(c, "RANGE-1", ioas, &r);
	tc_check(c, "RANGE-1", is_full_space(&r),
		 "binding a device (no attach) changed a fresh IOAS's ranges");
}

/* --- RANGE-2 ------------------------------------------------------------ */

/* IOVA_RANGES with room for room entries: EMSGSIZE, and the full count. */
static void too_small(struct tc *c, uint32_t ioas, unsigned room,
		      unsigned total, struct iova_range *part)
{
	uint64_t a = 0;
	unsigned n = room;

	CHECK_RET(c, "RANGE-2", T_CALL(c->t, iova_ranges, ioas, part, &n, &a),
		  EMSGSIZE);
	tc_check(c, "RANGE-2", n == total,
		 "with room for %u of %u ranges the count was %u", room, total,
		 n);
}

SCENARIO(range, too_small_emsgsize,
	 .title = "IOVA_RANGES with too small an array fails EMSGSIZE and reports the count",
	 .invariants = "RANGE-2")
{
	struct iova_range part[T_MAX_RANGES];
	uint32_t ioas = new_ioas(c, "RANGE-2", 0);
	uint64_t a = 0;
	struct ranges full;
	unsigned n;

	too_small(c, ioas, 0, 1, part);
	bind_dev(c, "RANGE-2", 0, 0);
	attach_rid(c, "RANGE-2", 0, ioas);
	read_all_ranges(c, "RANGE-2", ioas, &full);
	log_ranges(c, "after attach", &full);
	too_small(c, ioas, 0, full.n, part);
	if (full.n > 1) {
		memset(part, 0xee, sizeof(part));
		too_small(c, ioas, full.n - 1, full.n, part);
		tc_check(c, "RANGE-2",
			 !memcmp(part, full.r, (full.n - 1) * sizeof(part[0])),
			 "with room for %u the entries given differ from a full read",
			 full.n - 1);
	}
	n = full.n;
	CHECK_OK(c, "RANGE-2", T_CALL(c->t, iova_ranges, ioas, part, &n, &a));
	tc_check(c, "RANGE-2", n == full.n,
		 "an exact-size read reported %u ranges, not %u", n, full.n);
}

/* --- RANGE-3 ------------------------------------------------------------ */

SCENARIO(range, attach_excludes_resv,
	 .title = "after attach, no reported range touches any reserved region of the device",
	 .invariants = "RANGE-3")
{
	unsigned checked = 0;

	for (unsigned d = 0; d < c->caps->ndev; d++) {
		const struct dev_caps *dc = &c->caps->dev[d];
		uint32_t ioas;
		struct ranges r;

		/* Each device on its own IOAS; a group sibling may be refused
		 * a second HWPT (GROUP-1), which is not this case's business. */
		if (T_CALL(c->t, bind, d, 0)) {
			tc_log(c, "dev %u (%s): bind refused, not checked", d,
			       dc->name);
			continue;
		}
		ioas = new_ioas(c, "RANGE-3", 0);
		if (T_CALL(c->t, attach, d, T_NO_PASID, ioas, NULL)) {
			tc_log(c, "dev %u (%s): attach to a fresh IOAS refused, not checked",
			       d, dc->name);
			continue;
		}
		read_all_ranges(c, "RANGE-3", ioas, &r);
		log_ranges(c, dc->name, &r);
		tc_log(c, "dev %u (%s): %u reserved region(s) the contract requires, %u reported by the %s target (sysfs reserved_regions on a kernel target)",
		       d, dc->name, dc->nresv_required, dc->nresv,
		       c->caps->target);
		for (unsigned i = 0; i < dc->nresv_required; i++)
			tc_log(c, "  required 0x%llx-0x%llx (%s)",
			       (unsigned long long)dc->resv_required[i].start,
			       (unsigned long long)dc->resv_required[i].last,
			       dc->resv_required_why[i]);
		for (unsigned i = 0; i < dc->nresv; i++)
			tc_log(c, "  reserved 0x%llx-0x%llx",
			       (unsigned long long)dc->resv[i].start,
			       (unsigned long long)dc->resv[i].last);
		checked += expect_resv_outside(c, "RANGE-3", d, &r, "attached");
	}
	if (!checked)
		tc_skip(c, "no device reports a reserved region: nothing to exclude");
}

/* --- RANGE-4 ------------------------------------------------------------ */

SCENARIO(range, allow_iovas_invalid,
	 .title = "ALLOW_IOVAS refuses overlapping or inverted ranges (EINVAL) and keeps the old list",
	 .invariants = "RANGE-4")
{
	const uint64_t p = tc_page_size(), w = 0x40000000, b = 0x80000000;
	/* Overlapping, duplicated, inverted, and single-byte (start ==
	 * last: iommufd_ioas_allow_iovas() refuses start >= last). */
	const struct iova_range bad[][2] = {
		{ { b, b + 2 * p - 1 }, { b + p, b + 3 * p - 1 } },
		{ { b, b + 2 * p - 1 }, { b, b + 2 * p - 1 } },
		{ { b + p, b } },
		{ { b, b } },
	};
	const unsigned nbad[] = { 2, 2, 1, 1 };
	uint32_t ioas = new_ioas(c, "RANGE-4", 0);
	struct iova_range good = { w, w + 4 * p - 1 };
	uint8_t *buf = tc_alloc(c, 4 * p);
	uint64_t iova = 0;

	REQUIRE(c, "RANGE-4", T_CALL(c->t, allow_iovas, ioas, &good, 1));
	for (unsigned i = 0; i < 4; i++)
		CHECK_RET(c, "RANGE-4", T_CALL(c->t, allow_iovas, ioas, bad[i],
					       nbad[i]), EINVAL);
	/* The refused calls kept the old list: allocation stays inside it. */
	REQUIRE(c, "RANGE-4", T_CALL(c->t, ioas_map, ioas, RW, buf, 4 * p,
				     &iova));
	tc_check(c, "RANGE-4", iova == w,
		 "after refused ALLOW_IOVAS a 4-page auto MAP went to 0x%llx, the only allowed window is 0x%llx",
		 (unsigned long long)iova, (unsigned long long)w);
}

/* --- RANGE-5 ------------------------------------------------------------ */

SCENARIO(range, allow_over_reserved,
	 .title = "after attach, ALLOW_IOVAS touching a reserved IOVA fails EADDRINUSE",
	 .invariants = "RANGE-5")
{
	const uint64_t p = tc_page_size();
	struct iova_range ask[2];
	uint64_t hole, iova = 0;
	struct attached f;
	struct ranges r;
	unsigned i;

	attached_setup(c, "RANGE-5", &f, 0, NULL);
	read_all_ranges(c, "RANGE-5", f.ioas, &r);
	log_ranges(c, "after attach", &r);
	for (i = 0; i < r.n; i++)
		if (r.r[i].last != UINT64_MAX &&
		    r.r[i].last >= r.r[i].start + p)
			break;
	if (i == r.n)
		tc_skip(c, "dev 0 reserves no IOVA: one range covers all 64 bits");
	hole = r.r[i].last + 1;
	tc_log(c, "reserved IOVA at 0x%llx", (unsigned long long)hole);

	ask[0] = (struct iova_range){ hole - p, hole + p - 1 };
	CHECK_RET(c, "RANGE-5", T_CALL(c->t, allow_iovas, f.ioas, ask, 1),
		  EADDRINUSE);
	ask[0] = (struct iova_range){ hole, hole + p - 1 };
	CHECK_RET(c, "RANGE-5", T_CALL(c->t, allow_iovas, f.ioas, ask, 1),
		  EADDRINUSE);
	/* A good range next to a bad one: the whole list is refused. */
	ask[0] = (struct iova_range){ r.r[i].start, hole - 1 };
	ask[1] = (struct iova_range){ hole, hole + p - 1 };
	if (ask[1].start > ask[0].last)
		CHECK_RET(c, "RANGE-5",
			  T_CALL(c->t, allow_iovas, f.ioas, ask, 2),
			  EADDRINUSE);
	/* Just below the hole is fine, and steers automatic IOVAs there. */
	ask[0] = (struct iova_range){ hole - 2 * p, hole - 1 };
	if (hole - 2 * p >= r.r[i].start) {
		CHECK_OK(c, "RANGE-5",
			 T_CALL(c->t, allow_iovas, f.ioas, ask, 1));
		REQUIRE(c, "RANGE-5", T_CALL(c->t, ioas_map, f.ioas, RW,
					     tc_alloc(c, p), p, &iova));
		tc_check(c, "RANGE-5", iova >= ask[0].start &&
				       iova + p - 1 <= ask[0].last,
			 "auto MAP at 0x%llx, outside the accepted allowed range",
			 (unsigned long long)iova);
	}
}

/* An attach that would reserve inside an allowed range is refused and
 * changes nothing. */
struct allowed_case {
	struct scenario sc;
	bool allow_resv; /* allow dev 0's first reserved region, else all */
};

SCENARIO_VARIANTS(range, attach_reserving_inside_allowed, struct allowed_case,
	{ VARIANT(range, attach_reserving_allowed,
		  .title = "an attach that would reserve inside an allowed range fails EADDRINUSE and changes nothing",
		  .invariants = "RANGE-5"),
	  .allow_resv = true },
	{ VARIANT(range, attach_into_allowed_space,
		  .title = "with [0, 2^64-2] allowed, an attach that reserves anything fails EADDRINUSE",
		  .invariants = "RANGE-5") })
{
	const struct dev_caps *dc = &c->caps->dev[0];
	struct iova_range ask = { 0, UINT64_MAX - 1 };
	struct ranges before;
	uint32_t ioas;

	if (variant->allow_resv) {
		if (!dc->nresv)
			tc_skip(c, "dev 0 reports no reserved region to collide with");
		ask = dc->resv[0];
		if (ask.start == ask.last)
			ask.last++;
		tc_log(c, "allowing dev 0's reserved 0x%llx-0x%llx before attach",
		       (unsigned long long)ask.start,
		       (unsigned long long)ask.last);
		bind_dev(c, "RANGE-5", 0, 0);
	} else {
		/* Does attaching dev 0 reserve anything at all? */
		struct attached probe;
		struct ranges r;

		attached_setup(c, "RANGE-5", &probe, 0, NULL);
		read_all_ranges(c, "RANGE-5", probe.ioas, &r);
		log_ranges(c, "probe attach", &r);
		detach_rid(c, "RANGE-5", 0);
		if (is_full_space(&r))
			tc_skip(c, "attaching dev 0 reserves nothing");
	}
	ioas = new_ioas(c, "RANGE-5", 0);
	REQUIRE(c, "RANGE-5", T_CALL(c->t, allow_iovas, ioas, &ask, 1));
	read_all_ranges(c, "RANGE-5", ioas, &before);
	CHECK_RET(c, "RANGE-5", T_CALL(c->t, attach, 0, T_NO_PASID, ioas, NULL),
		  EADDRINUSE);
	expect_ranges_unchanged(c, "RANGE-5", ioas, &before, true,
				"the refused attach");
	if (!variant->allow_resv)
		return;
	/* Dropping the allowed list lets the same attach through. */
	REQUIRE(c, "RANGE-5", T_CALL(c->t, allow_iovas, ioas, NULL, 0));
	CHECK_OK(c, "RANGE-5", T_CALL(c->t, attach, 0, T_NO_PASID, ioas, NULL));
}

/* --- RANGE-7 ------------------------------------------------------------ */

SCENARIO(range, allow_steers_only_auto,
	 .title = "ALLOW_IOVAS changes neither IOVA_RANGES nor what a fixed MAP may use",
	 .invariants = "RANGE-7")
{
	const uint64_t p = tc_page_size(), w = 0x40000000;
	struct iova_range ask = { w, w + 16 * p - 1 };
	struct attached f;
	struct ranges r;
	uint64_t iova;

	attached_setup(c, "RANGE-7", &f, 0, NULL);
	read_all_ranges(c, "RANGE-7", f.ioas, &r);
	if (!ranges_hold(&r, ask.start, ask.last - ask.start + 1))
		tc_skip(c, "0x%llx+16 pages is not inside one range on dev 0",
			(unsigned long long)w);
	REQUIRE(c, "RANGE-7", T_CALL(c->t, allow_iovas, f.ioas, &ask, 1));
	expect_ranges_unchanged(c, "RANGE-7", f.ioas, &r, true, "ALLOW_IOVAS");
	/* A fixed IOVA outside the allowed window but inside the ranges. */
	iova = tc_pick_iova(c, f.ioas, p, 0, 0);
	if (iova >= ask.start && iova <= ask.last)
		iova = tc_pick_iova(c, f.ioas, p, 0, 1);
	CHECK_OK(c, "RANGE-7", map_fixed_rc(c, f.ioas, tc_alloc(c, p), p, iova,
					    RW));
}

/* --- RANGE-6 ------------------------------------------------------------ */

SCENARIO(range, sorted_disjoint_aligned,
	 .title = "reported ranges are sorted, disjoint and aligned, before and after attach",
	 .invariants = "RANGE-6")
{
	struct ranges r;
	uint32_t ioas = fresh_ioas_ranges(c, "RANGE-6", &r);

	check_shape(c, "fresh IOAS", &r);
	bind_dev(c, "RANGE-6", 0, 0);
	attach_rid(c, "RANGE-6", 0, ioas);
	read_all_ranges(c, "RANGE-6", ioas, &r);
	log_ranges(c, "after attach", &r);
	tc_check(c, "RANGE-6", r.n >= 1, "no IOVA range left after attach");
	check_shape(c, "after attach", &r);
}
