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

#include "scenario.h"
#include "sc_util.h"




static unsigned get_ranges(struct tc *c, const char *inv, uint32_t ioas,
			   struct iova_range *r, uint64_t *align)
{
	unsigned n = T_MAX_RANGES;

	REQUIRE(c, inv, T_CALL(c->t, iova_ranges, ioas, r, &n, align));
	if (n > T_MAX_RANGES)
		tc_skip(c, "IOAS reports %u ranges, more than the %u this suite holds",
			n, T_MAX_RANGES);
	return n;
}

static void log_ranges(struct tc *c, const char *what,
		       const struct iova_range *r, unsigned n, uint64_t a)
{
	char line[768];
	size_t used = 0;

	for (unsigned i = 0; i < n && used < sizeof(line); i++)
		used += snprintf(line + used, sizeof(line) - used, "%s%llx-%llx",
				 i ? ", " : "", (unsigned long long)r[i].start,
				 (unsigned long long)r[i].last);
	tc_log(c, "%s: %u range(s), alignment 0x%llx: %s", what, n,
	       (unsigned long long)a, n ? line : "(none)");
}

static bool overlaps(const struct iova_range *r, unsigned n, uint64_t s,
		     uint64_t l)
{
	for (unsigned i = 0; i < n; i++)
		if (s <= r[i].last && r[i].start <= l)
			return true;
	return false;
}

/* Sorted, disjoint, not touching (holes are maximal) and aligned. */
static void check_shape(struct tc *c, const char *what,
			const struct iova_range *r, unsigned n, uint64_t a)
{
	for (unsigned i = 0; i < n; i++) {
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
	struct iova_range r[T_MAX_RANGES];
	uint64_t a = 0;
	uint32_t ioas = new_ioas(c, "RANGE-1", 0);
	unsigned n = get_ranges(c, "RANGE-1", ioas, r, &a);

	log_ranges(c, "fresh IOAS", r, n, a);
	tc_check(c, "RANGE-1", n == 1 && r[0].start == 0 &&
				       r[0].last == UINT64_MAX,
		 "a fresh IOAS does not report exactly [0, 2^64-1]");
	tc_check(c, "RANGE-1", a == 1,
		 "a fresh IOAS reports alignment 0x%llx, not 1",
		 (unsigned long long)a);
	/* A bound but unattached device reserves nothing either. */
	REQUIRE(c, "RANGE-1", T_CALL(c->t, bind, 0, 0));
	n = get_ranges(c, "RANGE-1", ioas, r, &a);
	tc_check(c, "RANGE-1", n == 1 && r[0].start == 0 &&
				       r[0].last == UINT64_MAX,
		 "binding a device (no attach) changed a fresh IOAS's ranges");
}

/* --- RANGE-2 ------------------------------------------------------------ */

SCENARIO(range, too_small_emsgsize,
	 .title = "IOVA_RANGES with too small an array fails EMSGSIZE and reports the count",
	 .invariants = "RANGE-2")
{
	struct iova_range full[T_MAX_RANGES], part[T_MAX_RANGES];
	uint64_t a = 0;
	uint32_t ioas = new_ioas(c, "RANGE-2", 0);
	unsigned n, total;

	n = 0;
	CHECK_RET(c, "RANGE-2", T_CALL(c->t, iova_ranges, ioas, part, &n, &a),
		  EMSGSIZE);
	tc_check(c, "RANGE-2", n == 1,
		 "a fresh IOAS with no room reported %u ranges, not 1", n);

	REQUIRE(c, "RANGE-2", T_CALL(c->t, bind, 0, 0));
	REQUIRE(c, "RANGE-2", T_CALL(c->t, attach, 0, T_NO_PASID, ioas, NULL));
	total = get_ranges(c, "RANGE-2", ioas, full, &a);
	log_ranges(c, "after attach", full, total, a);

	n = 0;
	CHECK_RET(c, "RANGE-2", T_CALL(c->t, iova_ranges, ioas, part, &n, &a),
		  EMSGSIZE);
	tc_check(c, "RANGE-2", n == total,
		 "with no room the count was %u, a full read gives %u", n,
		 total);
	if (total > 1) {
		memset(part, 0xee, sizeof(part));
		n = total - 1;
		CHECK_RET(c, "RANGE-2", T_CALL(c->t, iova_ranges, ioas, part,
					       &n, &a), EMSGSIZE);
		tc_check(c, "RANGE-2", n == total,
			 "with room for %u the count was %u, not %u", total - 1,
			 n, total);
		tc_check(c, "RANGE-2",
			 !memcmp(part, full, (total - 1) * sizeof(full[0])),
			 "with room for %u the entries given differ from a full read",
			 total - 1);
	}
	n = total;
	CHECK_OK(c, "RANGE-2", T_CALL(c->t, iova_ranges, ioas, part, &n, &a));
	tc_check(c, "RANGE-2", n == total,
		 "an exact-size read reported %u ranges, not %u", n, total);
}

/* --- RANGE-3 ------------------------------------------------------------ */

SCENARIO(range, attach_excludes_resv,
	 .title = "after attach, no reported range touches any reserved region of the device",
	 .invariants = "RANGE-3")
{
	struct iova_range r[T_MAX_RANGES];
	uint64_t a = 0;
	unsigned checked = 0;

	for (unsigned d = 0; d < c->caps->ndev; d++) {
		const struct dev_caps *dc = &c->caps->dev[d];
		uint32_t ioas;
		unsigned n;

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
		n = get_ranges(c, "RANGE-3", ioas, r, &a);
		log_ranges(c, dc->name, r, n, a);
		tc_log(c, "dev %u (%s): %u reserved region(s) reported by the %s target (driver-specific; read from sysfs reserved_regions on a kernel target)",
		       d, dc->name, dc->nresv, c->caps->target);
		for (unsigned i = 0; i < dc->nresv; i++) {
			const struct iova_range *v = &dc->resv[i];

			tc_log(c, "  reserved 0x%llx-0x%llx",
			       (unsigned long long)v->start,
			       (unsigned long long)v->last);
			tc_check(c, "RANGE-3", !overlaps(r, n, v->start, v->last),
				 "dev %u (%s): reserved 0x%llx-0x%llx is inside a reported range",
				 d, dc->name, (unsigned long long)v->start,
				 (unsigned long long)v->last);
			checked++;
		}
	}
	if (!checked)
		tc_skip(c, "no device reports a reserved region: nothing to exclude");
}

/* --- RANGE-4 ------------------------------------------------------------ */

SCENARIO(range, allow_iovas_invalid,
	 .title = "ALLOW_IOVAS refuses overlapping or inverted ranges (EINVAL) and keeps the old list",
	 .invariants = "RANGE-4")
{
	uint64_t p = tc_page_size(), w = 0x40000000, iova = 0;
	uint32_t ioas = new_ioas(c, "RANGE-4", 0);
	struct iova_range good = { w, w + 4 * p - 1 }, bad[2];
	uint8_t *buf = tc_alloc(c, 4 * p);

	REQUIRE(c, "RANGE-4", T_CALL(c->t, allow_iovas, ioas, &good, 1));

	bad[0] = (struct iova_range){ 0x80000000, 0x80000000 + 2 * p - 1 };
	bad[1] = (struct iova_range){ 0x80000000 + p, 0x80000000 + 3 * p - 1 };
	CHECK_RET(c, "RANGE-4", T_CALL(c->t, allow_iovas, ioas, bad, 2), EINVAL);
	bad[1] = bad[0];
	CHECK_RET(c, "RANGE-4", T_CALL(c->t, allow_iovas, ioas, bad, 2), EINVAL);
	bad[0] = (struct iova_range){ 0x80000000 + p, 0x80000000 };
	CHECK_RET(c, "RANGE-4", T_CALL(c->t, allow_iovas, ioas, bad, 1), EINVAL);
	/* A single-byte range (start == last): iommufd_ioas_allow_iovas()
	 * refuses start >= last. */
	bad[0] = (struct iova_range){ 0x80000000, 0x80000000 };
	CHECK_RET(c, "RANGE-4", T_CALL(c->t, allow_iovas, ioas, bad, 1), EINVAL);

	/* The refused calls kept the old list: allocation stays inside it. */
	CHECK_OK(c, "RANGE-4", T_CALL(c->t, ioas_map, ioas, RW, buf, 4 * p,
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
	uint64_t p = tc_page_size(), a = 0, hole, iova = 0;
	struct iova_range r[T_MAX_RANGES], ask[2];
	uint32_t ioas;
	unsigned n, i;
	uint8_t *buf = tc_alloc(c, p);

	ioas = tc_bind_attach_new_ioas(c, "RANGE-5", 0);
	n = get_ranges(c, "RANGE-5", ioas, r, &a);
	log_ranges(c, "after attach", r, n, a);
	for (i = 0; i < n; i++)
		if (r[i].last != UINT64_MAX && r[i].last >= r[i].start + p)
			break;
	if (i == n)
		tc_skip(c, "dev 0 reserves no IOVA: one range covers all 64 bits");
	hole = r[i].last + 1;
	tc_log(c, "reserved IOVA at 0x%llx", (unsigned long long)hole);

	ask[0] = (struct iova_range){ hole - p, hole + p - 1 };
	CHECK_RET(c, "RANGE-5", T_CALL(c->t, allow_iovas, ioas, ask, 1),
		  EADDRINUSE);
	ask[0] = (struct iova_range){ hole, hole + p - 1 };
	CHECK_RET(c, "RANGE-5", T_CALL(c->t, allow_iovas, ioas, ask, 1),
		  EADDRINUSE);
	/* A good range next to a bad one: the whole list is refused. */
	ask[0] = (struct iova_range){ r[i].start, hole - 1 };
	ask[1] = (struct iova_range){ hole, hole + p - 1 };
	if (ask[1].start > ask[0].last)
		CHECK_RET(c, "RANGE-5", T_CALL(c->t, allow_iovas, ioas, ask, 2),
			  EADDRINUSE);
	/* Just below the hole is fine. */
	ask[0] = (struct iova_range){ hole - 2 * p, hole - 1 };
	if (hole - 2 * p >= r[i].start) {
		CHECK_OK(c, "RANGE-5", T_CALL(c->t, allow_iovas, ioas, ask, 1));
		CHECK_OK(c, "RANGE-5", T_CALL(c->t, ioas_map, ioas, RW, buf, p,
					      &iova));
		tc_check(c, "RANGE-5", iova >= ask[0].start &&
					       iova + p - 1 <= ask[0].last,
			 "auto MAP at 0x%llx, outside the accepted allowed range",
			 (unsigned long long)iova);
	}
}

SCENARIO(range, attach_reserving_allowed,
	 .title = "an attach that would reserve inside an allowed range fails EADDRINUSE and changes nothing",
	 .invariants = "RANGE-5")
{
	const struct dev_caps *dc = &c->caps->dev[0];
	struct iova_range r[T_MAX_RANGES], r2[T_MAX_RANGES], ask;
	uint64_t a = 0, a2 = 0;
	uint32_t ioas, hwpt = 0;
	unsigned n, n2;

	if (!dc->nresv)
		tc_skip(c, "dev 0 reports no reserved region to collide with");
	REQUIRE(c, "RANGE-5", T_CALL(c->t, bind, 0, 0));
	ioas = new_ioas(c, "RANGE-5", 0);
	ask = dc->resv[0];
	if (ask.start == ask.last)
		ask.last++;
	tc_log(c, "allowing dev 0's reserved 0x%llx-0x%llx before attach",
	       (unsigned long long)ask.start, (unsigned long long)ask.last);
	REQUIRE(c, "RANGE-5", T_CALL(c->t, allow_iovas, ioas, &ask, 1));
	n = get_ranges(c, "RANGE-5", ioas, r, &a);

	CHECK_RET(c, "RANGE-5", T_CALL(c->t, attach, 0, T_NO_PASID, ioas,
				       &hwpt), EADDRINUSE);
	n2 = get_ranges(c, "RANGE-5", ioas, r2, &a2);
	tc_check(c, "RANGE-5", n == n2 && a == a2 &&
				       !memcmp(r, r2, n * sizeof(r[0])),
		 "the refused attach changed the IOAS's ranges");
	/* Dropping the allowed list lets the same attach through. */
	CHECK_OK(c, "RANGE-5", T_CALL(c->t, allow_iovas, ioas, NULL, 0));
	CHECK_OK(c, "RANGE-5", T_CALL(c->t, attach, 0, T_NO_PASID, ioas, NULL));
}

SCENARIO(range, attach_into_allowed_space,
	 .title = "with [0, 2^64-2] allowed, an attach that reserves anything fails EADDRINUSE",
	 .invariants = "RANGE-5")
{
	struct iova_range r[T_MAX_RANGES], r2[T_MAX_RANGES], ask;
	uint64_t a = 0, a2 = 0;
	uint32_t probe, ioas;
	unsigned n, n2;

	/* Does attaching dev 0 reserve anything at all? */
	probe = tc_bind_attach_new_ioas(c, "RANGE-5", 0);
	n = get_ranges(c, "RANGE-5", probe, r, &a);
	log_ranges(c, "probe attach", r, n, a);
	REQUIRE(c, "RANGE-5", T_CALL(c->t, detach, 0, T_NO_PASID));
	if (n == 1 && r[0].start == 0 && r[0].last == UINT64_MAX)
		tc_skip(c, "attaching dev 0 reserves nothing");

	ioas = new_ioas(c, "RANGE-5", 0);
	ask = (struct iova_range){ 0, UINT64_MAX - 1 };
	REQUIRE(c, "RANGE-5", T_CALL(c->t, allow_iovas, ioas, &ask, 1));
	n = get_ranges(c, "RANGE-5", ioas, r, &a);
	CHECK_RET(c, "RANGE-5", T_CALL(c->t, attach, 0, T_NO_PASID, ioas, NULL),
		  EADDRINUSE);
	n2 = get_ranges(c, "RANGE-5", ioas, r2, &a2);
	tc_check(c, "RANGE-5", n == n2 && a == a2 &&
				       !memcmp(r, r2, n * sizeof(r[0])),
		 "the refused attach changed the IOAS's ranges");
}

/* --- RANGE-7 ------------------------------------------------------------ */

SCENARIO(range, allow_steers_only_auto,
	 .title = "ALLOW_IOVAS changes neither IOVA_RANGES nor what a fixed MAP may use",
	 .invariants = "RANGE-7")
{
	uint64_t p = tc_page_size(), a = 0, a2 = 0, w = 0x40000000, iova;
	struct iova_range r[T_MAX_RANGES], r2[T_MAX_RANGES], ask;
	uint32_t ioas;
	unsigned n, n2;
	uint8_t *buf = tc_alloc(c, p);

	ioas = tc_bind_attach_new_ioas(c, "RANGE-7", 0);
	n = get_ranges(c, "RANGE-7", ioas, r, &a);
	ask = (struct iova_range){ w, w + 16 * p - 1 };
	{
		bool inside = false;

		for (unsigned i = 0; i < n; i++)
			inside |= ask.start >= r[i].start && ask.last <= r[i].last;
		if (!inside)
			tc_skip(c, "0x%llx+16 pages is not inside one range on dev 0",
				(unsigned long long)w);
	}
	REQUIRE(c, "RANGE-7", T_CALL(c->t, allow_iovas, ioas, &ask, 1));
	n2 = get_ranges(c, "RANGE-7", ioas, r2, &a2);
	tc_check(c, "RANGE-7", n == n2 && a == a2 &&
				       !memcmp(r, r2, n * sizeof(r[0])),
		 "ALLOW_IOVAS changed what IOVA_RANGES reports");
	/* A fixed IOVA outside the allowed window but inside the ranges. */
	iova = tc_pick_iova(c, ioas, p, 0, 0);
	if (iova >= ask.start && iova <= ask.last)
		iova = tc_pick_iova(c, ioas, p, 0, 1);
	CHECK_OK(c, "RANGE-7", T_CALL(c->t, ioas_map, ioas,
				      T_MAP_FIXED_IOVA | RW, buf, p, &iova));
}

/* --- RANGE-6 ------------------------------------------------------------ */

SCENARIO(range, sorted_disjoint_aligned,
	 .title = "reported ranges are sorted, disjoint and aligned, before and after attach",
	 .invariants = "RANGE-6")
{
	struct iova_range r[T_MAX_RANGES];
	uint64_t a = 0;
	uint32_t ioas = new_ioas(c, "RANGE-6", 0);
	unsigned n;

	n = get_ranges(c, "RANGE-6", ioas, r, &a);
	tc_check(c, "RANGE-6", a >= 1 && !(a & (a - 1)),
		 "fresh IOAS alignment 0x%llx is not a power of two",
		 (unsigned long long)a);
	check_shape(c, "fresh IOAS", r, n, a);

	REQUIRE(c, "RANGE-6", T_CALL(c->t, bind, 0, 0));
	REQUIRE(c, "RANGE-6", T_CALL(c->t, attach, 0, T_NO_PASID, ioas, NULL));
	n = get_ranges(c, "RANGE-6", ioas, r, &a);
	log_ranges(c, "after attach", r, n, a);
	tc_check(c, "RANGE-6", a >= 1 && !(a & (a - 1)),
		 "alignment 0x%llx after attach is not a power of two",
		 (unsigned long long)a);
	tc_check(c, "RANGE-6", n >= 1, "no IOVA range left after attach");
	check_shape(c, "after attach", r, n, a);
}
