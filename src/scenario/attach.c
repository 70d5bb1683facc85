// SPDX-License-Identifier: GPL-2.0
/*
 * RID attach, replace and detach (ATTACH-1..13): what the returned IDs are,
 * what a replace switches, what a failed one keeps, and what reserved
 * regions an attachment adds to its IOAS.
 */
#include <stdlib.h>
#include <string.h>

#include "sc_util.h"

#define LEN 256

static int get_ranges(struct tc *c, uint32_t ioas, struct iova_range *r,
		      unsigned *n)
{
	uint64_t align = 0;

	*n = T_MAX_RANGES;
	return T_CALL(c->t, iova_ranges, ioas, r, n, &align);
}

static bool same_ranges(const struct iova_range *a, unsigned na,
			const struct iova_range *b, unsigned nb)
{
	if (na != nb)
		return false;
	for (unsigned i = 0; i < na && i < T_MAX_RANGES; i++)
		if (a[i].start != b[i].start || a[i].last != b[i].last)
			return false;
	return true;
}

/* Does any reported range intersect [start, last]? */
static bool ranges_touch(const struct iova_range *r, unsigned n,
			 uint64_t start, uint64_t last)
{
	for (unsigned i = 0; i < n && i < T_MAX_RANGES; i++)
		if (start <= r[i].last && r[i].start <= last)
			return true;
	return false;
}

static void log_ranges(struct tc *c, const char *what,
		       const struct iova_range *r, unsigned n)
{
	char buf[512];
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n && i < T_MAX_RANGES && used < sizeof(buf);
	     i++)
		used += snprintf(buf + used, sizeof(buf) - used, "%s%llx-%llx",
				 i ? ", " : "",
				 (unsigned long long)r[i].start,
				 (unsigned long long)r[i].last);
	tc_log(c, "%s: %u range(s): %s", what, n, buf);
}

/* First reserved region of dev with a page-aligned page inside it. */
static bool resv_page(const struct tc *c, unsigned dev, uint64_t *iova)
{
	const struct dev_caps *d = &c->caps->dev[dev];

	for (unsigned i = 0; i < d->nresv; i++) {
		uint64_t s = (d->resv[i].start + PG - 1) & ~(PG - 1);

		if (s > d->resv[i].start || d->resv[i].start % PG == 0)
			if (s + PG - 1 <= d->resv[i].last && s + PG - 1 > s) {
				*iova = s;
				return true;
			}
	}
	return false;
}

static int dev_with_resv(const struct tc *c, bool want_dma)
{
	uint64_t iova;

	for (unsigned i = 0; i < c->caps->ndev; i++) {
		if (want_dma && (dev_with_dma(c, -1) < 0 || !c->caps->dev[i].dma))
			continue;
		if (resv_page(c, i, &iova))
			return (int)i;
	}
	return -1;
}

SCENARIO(attach, ioas_returns_auto_hwpt,
	 .title = "attaching to an IOAS returns an automatic HWPT ID distinct from the IOAS",
	 .invariants = "ATTACH-1,OBJ-6")
{
	uint32_t ioas, pt = 0;

	bind_dev(c, "ATTACH-1", 0, 0);
	ioas = new_ioas(c, "ATTACH-1", 0);
	CHECK_OK(c, "ATTACH-1", T_CALL(c->t, attach, 0, T_NO_PASID, ioas, &pt));
	tc_log(c, "IOAS %u -> HWPT %u", ioas, pt);
	tc_check(c, "ATTACH-1", pt != ioas && pt != 0,
		 "attach to IOAS %u returned pt_id %u: the contract says a distinct HWPT ID",
		 ioas, pt);
	/* The auto HWPT is a real object: destroying it while attached is
	 * refused as busy, not as missing. */
	CHECK_RET(c, "OBJ-6", T_CALL(c->t, destroy, pt), EBUSY);
	tc_end(c);
}

SCENARIO(attach, two_devs_one_ioas,
	 .title = "two devices in different groups both attach to one IOAS",
	 .invariants = "ATTACH-2",
	 .requires = REQ_2GROUPS, .min_devs = 2)
{
	unsigned a, b;
	uint32_t ioas, pa = 0, pb = 0;

	if (!dev_pair_other_groups(c, &a, &b))
		tc_skip(c, "no two devices in different groups on one IOMMU");
	bind_dev(c, "ATTACH-2", a, 0);
	bind_dev(c, "ATTACH-2", b, 0);
	ioas = new_ioas(c, "ATTACH-2", 0);
	CHECK_OK(c, "ATTACH-2", T_CALL(c->t, attach, a, T_NO_PASID, ioas, &pa));
	CHECK_OK(c, "ATTACH-2", T_CALL(c->t, attach, b, T_NO_PASID, ioas, &pb));
	/* Sharing the auto HWPT is typical but an allowed difference. */
	tc_log(c, "dev %u -> HWPT %u, dev %u -> HWPT %u (%s)", a, pa, b, pb,
	       pa == pb ? "shared auto HWPT" : "separate auto HWPTs");
	tc_check(c, "ATTACH-2", pa != ioas && pb != ioas,
		 "attach returned the IOAS ID itself (%u/%u)", pa, pb);
	tc_end(c);
}

SCENARIO(attach, replace_same_hwpt_noop,
	 .title = "ATTACH on an attached device with its current HWPT (or IOAS) is a no-op success",
	 .invariants = "ATTACH-3,DMA-1")
{
	uint32_t ioas, pt = 0, pt2 = 0, pt3 = 0;
	int dev = dev_with_dma(c, -1);
	unsigned d = dev < 0 ? 0 : (unsigned)dev;
	void *mem = NULL;
	uint64_t iova = 0;

	bind_dev(c, "ATTACH-3", d, 0);
	ioas = new_ioas(c, "ATTACH-3", 0);
	REQUIRE(c, "ATTACH-3", T_CALL(c->t, attach, d, T_NO_PASID, ioas, &pt));
	if (dev >= 0) {
		mem = tc_alloc(c, PG);
		iova = tc_pick_iova(c, ioas, PG, PG, 0);
		map_fixed(c, "ATTACH-3", ioas, mem, PG, iova, RW);
		tc_dma_write(c, "DMA-1", d, T_NO_PASID, iova, mem, LEN, true);
	}
	CHECK_OK(c, "ATTACH-3", T_CALL(c->t, attach, d, T_NO_PASID, pt, &pt2));
	tc_check(c, "ATTACH-3", pt2 == pt,
		 "replace with the current HWPT %u returned %u", pt, pt2);
	CHECK_OK(c, "ATTACH-3", T_CALL(c->t, attach, d, T_NO_PASID, ioas, &pt3));
	tc_check(c, "ATTACH-3", pt3 == pt,
		 "replace with the current IOAS returned HWPT %u, the device sits on %u",
		 pt3, pt);
	if (dev >= 0)
		tc_dma_write(c, "ATTACH-3", d, T_NO_PASID, iova, mem, LEN,
			     true);
	tc_end(c);
}

/* Arrange A (attached, mapped, used) for the failed-replace scenarios. */
struct keep_old {
	unsigned dev;
	bool dma;
	uint32_t ioas;
	void *mem;
	uint64_t iova;
	struct iova_range r[T_MAX_RANGES];
	unsigned n;
};

static void keep_old_arrange(struct tc *c, struct keep_old *k, unsigned dev)
{
	k->dev = dev;
	k->dma = dev_with_dma(c, -1) >= 0 && c->caps->dev[dev].dma;
	bind_dev(c, "ATTACH-4", dev, 0);
	k->ioas = new_ioas(c, "ATTACH-4", 0);
	attach_rid(c, "ATTACH-4", dev, k->ioas);
	k->mem = tc_alloc(c, PG);
	k->iova = tc_pick_iova(c, k->ioas, PG, PG, 0);
	map_fixed(c, "ATTACH-4", k->ioas, k->mem, PG, k->iova, RW);
	REQUIRE(c, "ATTACH-4", get_ranges(c, k->ioas, k->r, &k->n));
	if (k->dma)
		tc_dma_write(c, "DMA-1", dev, T_NO_PASID, k->iova, k->mem, LEN,
			     true);
}

static void keep_old_assert(struct tc *c, struct keep_old *k)
{
	struct iova_range r[T_MAX_RANGES];
	unsigned n;

	if (CHECK_OK(c, "ATTACH-4", get_ranges(c, k->ioas, r, &n)) &&
	    !tc_check(c, "ATTACH-4", same_ranges(r, n, k->r, k->n),
		      "the old IOAS's IOVA ranges changed after a failed replace")) {
		log_ranges(c, "before", k->r, k->n);
		log_ranges(c, "after", r, n);
	}
	if (k->dma)
		tc_dma_write(c, "ATTACH-4", k->dev, T_NO_PASID, k->iova,
			     k->mem, LEN, true);
	/* The old HWPT is still in use: its IOAS cannot go away. */
	CHECK_RET(c, "ATTACH-4", T_CALL(c->t, destroy, k->ioas), EBUSY);
}

SCENARIO(attach, replace_failed_keeps_old,
	 .title = "a replace onto an IOAS mapped over the device's reserved region fails EADDRINUSE and keeps the old IOAS",
	 .invariants = "ATTACH-4,ATTACH-10,DMA-1")
{
	struct keep_old k;
	struct iova_range rb[T_MAX_RANGES], rb2[T_MAX_RANGES];
	unsigned nb, nb2;
	uint32_t iob;
	uint64_t resv;
	void *m;
	int dev = dev_with_resv(c, true);

	if (dev < 0)
		dev = dev_with_resv(c, false);
	if (dev < 0)
		tc_skip(c, "no device reports a reserved region to collide with");
	REQUIRE(c, "ATTACH-4", resv_page(c, dev, &resv) ? 0 : -EINVAL);
	keep_old_arrange(c, &k, (unsigned)dev);
	iob = new_ioas(c, "ATTACH-4", 0);
	m = tc_alloc(c, PG);
	/* B has no device yet, so a fixed map over the reserved page works. */
	map_fixed(c, "ATTACH-4", iob, m, PG, resv, RW);
	REQUIRE(c, "ATTACH-4", get_ranges(c, iob, rb, &nb));
	/* That the reservation cannot land is ATTACH-10's rule; what a
	 * failed replace keeps is ATTACH-4's. */
	if (!CHECK_RET(c, "ATTACH-10",
		       T_CALL(c->t, attach, k.dev, T_NO_PASID, iob, NULL),
		       EADDRINUSE))
		tc_end(c);
	keep_old_assert(c, &k);
	if (CHECK_OK(c, "ATTACH-4", get_ranges(c, iob, rb2, &nb2)))
		tc_check(c, "ATTACH-4", same_ranges(rb, nb, rb2, nb2),
			 "the failed replace left reservations in the target IOAS");
	tc_end(c);
}

SCENARIO(attach, replace_other_iommu_keeps_old,
	 .title = "a replace onto an HWPT of another IOMMU instance fails EINVAL and keeps the old IOAS",
	 .invariants = "ATTACH-4,DMA-1,HWPT-5",
	 .requires = REQ_HWPT_ALLOC, .min_devs = 2)
{
	struct keep_old k;
	unsigned a = 0, b = 0;
	bool found = false;
	uint32_t iob, h;

	for (unsigned x = 0; x < c->caps->ndev && !found; x++)
		for (unsigned y = 0; y < c->caps->ndev && !found; y++)
			if (c->caps->dev[x].iommu != c->caps->dev[y].iommu) {
				a = x;
				b = y;
				found = c->caps->dev[x].dma || dev_with_dma(c, -1) < 0;
			}
	if (!found)
		tc_skip(c, "all devices sit behind one IOMMU instance");
	keep_old_arrange(c, &k, a);
	bind_dev(c, "ATTACH-4", b, 0);
	iob = new_ioas(c, "ATTACH-4", 0);
	h = new_hwpt(c, "ATTACH-4", b, iob, 0);
	CHECK_RET(c, "ATTACH-4", T_CALL(c->t, attach, a, T_NO_PASID, h, NULL),
		  EINVAL);
	keep_old_assert(c, &k);
	/* The foreign HWPT is unused: destroying it works. */
	CHECK_OK(c, "ATTACH-4", T_CALL(c->t, destroy, h));
	tc_end(c);
}

SCENARIO(attach, replace_fault_inject_keeps_old,
	 .title = "a replace failed by fault injection at every step keeps the old IOAS working",
	 .invariants = "ATTACH-4,ATTACH-5,DMA-1",
	 .requires = REQ_FAULT_INJECT)
{
	struct keep_old k;
	uint32_t iob;
	void *mb;
	uint64_t iob_iova;
	unsigned nfailed = 0, ndma = 0;
	int ret = -1;

	int dev = dev_with_dma(c, -1);

	keep_old_arrange(c, &k, dev < 0 ? 0 : (unsigned)dev);
	iob = new_ioas(c, "ATTACH-4", 0);
	mb = tc_alloc(c, PG);
	iob_iova = tc_pick_iova(c, iob, PG, PG, 1);
	map_fixed(c, "ATTACH-4", iob, mb, PG, iob_iova, RW);
	for (unsigned nth = 1; nth <= 64; nth++) {
		REQUIRE(c, "ATTACH-4", T_CALL(c->t, inject_fail_nth, nth));
		ret = T_CALL(c->t, attach, k.dev, T_NO_PASID, iob, NULL);
		T_CALL(c->t, inject_fail_nth, 0);
		if (!ret)
			break;
		nfailed++;
		tc_log(c, "replace with fail-nth %u: %s", nth, errno_name(ret));
		/* Keep DMA modest: full check on the first few failures. */
		if (ndma < 3) {
			keep_old_assert(c, &k);
			ndma++;
		} else {
			k.dma = false;
			keep_old_assert(c, &k);
			k.dma = c->caps->dev[k.dev].dma && dev_with_dma(c, -1) >= 0;
		}
	}
	tc_log(c, "%u injected failures before the replace succeeded", nfailed);
	tc_check(c, "ATTACH-4", ret == 0,
		 "replace never succeeded with injection off: %s",
		 errno_name(ret));
	if (k.dma && ret == 0)
		tc_dma_write(c, "ATTACH-5", k.dev, T_NO_PASID, iob_iova, mb,
			     LEN, true);
	tc_end(c);
}

/* Replace A -> B where B is an IOAS or a manual HWPT on IOAS B. */
static void replace_switches(struct tc *c, bool to_hwpt)
{
	unsigned d = need_dma_dev(c);
	uint32_t ia, ib, target;
	uint64_t i1, i2, i3;
	void *a1, *a2, *b2, *b3;
	uint32_t sa2;

	bind_dev(c, "ATTACH-5", d, 0);
	ia = new_ioas(c, "ATTACH-5", 0);
	ib = new_ioas(c, "ATTACH-5", 0);
	attach_rid(c, "ATTACH-5", d, ia);
	i1 = tc_pick_iova(c, ia, PG, PG, 0);
	i2 = tc_pick_iova(c, ia, PG, PG, 1);
	i3 = tc_pick_iova(c, ia, PG, PG, 2);
	a1 = tc_alloc(c, PG);
	a2 = tc_alloc(c, PG);
	b2 = tc_alloc(c, PG);
	b3 = tc_alloc(c, PG);
	map_fixed(c, "ATTACH-5", ia, a1, PG, i1, RW);
	map_fixed(c, "ATTACH-5", ia, a2, PG, i2, RW);
	map_fixed(c, "ATTACH-5", ib, b2, PG, i2, RW);
	map_fixed(c, "ATTACH-5", ib, b3, PG, i3, RW);
	target = to_hwpt ? new_hwpt(c, "ATTACH-5", d, ib, 0) : ib;
	/* Make the device use every IOVA checked after the replace. */
	tc_dma_write(c, "DMA-1", d, T_NO_PASID, i1, a1, LEN, true);
	tc_dma_write(c, "DMA-1", d, T_NO_PASID, i2, a2, LEN, true);
	tc_dma_write(c, "DMA-1", d, T_NO_PASID, i3, b3, LEN, false);
	CHECK_OK(c, "ATTACH-5", T_CALL(c->t, attach, d, T_NO_PASID, target,
				       NULL));
	tc_dma_write(c, "ATTACH-5", d, T_NO_PASID, i1, a1, LEN, false);
	sa2 = mem_mark(c, a2, PG);
	tc_dma_write(c, "ATTACH-5", d, T_NO_PASID, i2, b2, LEN, true);
	mem_unchanged(c, "ATTACH-5", a2, PG, sa2,
		      "the old IOAS's page for an IOVA mapped in both");
	tc_dma_write(c, "ATTACH-5", d, T_NO_PASID, i3, b3, LEN, true);
	tc_dma_read(c, "ATTACH-5", d, T_NO_PASID, i1, a1, LEN, false);
	tc_end(c);
}

SCENARIO(attach, replace_switches_ioas,
	 .title = "replace IOAS A -> IOAS B: IOVAs only in A blocked, B's pages used",
	 .invariants = "ATTACH-5,DMA-1",
	 .requires = REQ_DMA)
{
	replace_switches(c, false);
}

SCENARIO(attach, replace_switches_hwpt,
	 .title = "replace IOAS A -> manual HWPT on IOAS B: translation switches completely",
	 .invariants = "ATTACH-5,DMA-1",
	 .requires = REQ_DMA | REQ_HWPT_ALLOC)
{
	replace_switches(c, true);
}

SCENARIO(attach, detach_blocks_dma,
	 .title = "after DETACH the device's DMA is blocked, also at IOVAs it just used",
	 .invariants = "ATTACH-6,DMA-1",
	 .requires = REQ_DMA)
{
	unsigned d = need_dma_dev(c);
	uint32_t ioas = tc_bind_attach_new_ioas(c, "ATTACH-6", d);
	uint64_t iova = tc_pick_iova(c, ioas, 2 * PG, PG, 0);
	char *mem = tc_alloc(c, 2 * PG);

	map_fixed(c, "ATTACH-6", ioas, mem, 2 * PG, iova, RW);
	tc_dma_write(c, "DMA-1", d, T_NO_PASID, iova, mem, LEN, true);
	tc_dma_read(c, "DMA-1", d, T_NO_PASID, iova + PG + 0x80, mem + PG + 0x80,
		    LEN, true);
	CHECK_OK(c, "ATTACH-6", T_CALL(c->t, detach, d, T_NO_PASID));
	tc_dma_write(c, "ATTACH-6", d, T_NO_PASID, iova, mem, LEN, false);
	tc_dma_read(c, "ATTACH-6", d, T_NO_PASID, iova + PG + 0x80,
		    mem + PG + 0x80, LEN, false);
	/* Re-attaching restores translation: the mapping was never lost. */
	attach_rid(c, "ATTACH-6", d, ioas);
	tc_dma_write(c, "ATTACH-6", d, T_NO_PASID, iova, mem, LEN, true);
	tc_end(c);
}

SCENARIO(attach, detach_unattached_ok,
	 .title = "DETACH of a device that is not attached succeeds",
	 .invariants = "ATTACH-7")
{
	uint32_t ioas;

	bind_dev(c, "ATTACH-7", 0, 0);
	CHECK_OK(c, "ATTACH-7", T_CALL(c->t, detach, 0, T_NO_PASID));
	ioas = new_ioas(c, "ATTACH-7", 0);
	attach_rid(c, "ATTACH-7", 0, ioas);
	CHECK_OK(c, "ATTACH-7", T_CALL(c->t, detach, 0, T_NO_PASID));
	CHECK_OK(c, "ATTACH-7", T_CALL(c->t, detach, 0, T_NO_PASID));
	/* Nothing holds the IOAS any more. */
	CHECK_OK(c, "ATTACH-7", T_CALL(c->t, destroy, ioas));
	tc_end(c);
}

SCENARIO(attach, bad_pt_id,
	 .title = "ATTACH to an ID never handed out gives ENOENT and leaves the device as it was",
	 .invariants = "ATTACH-8")
{
	/* Never handed out: a freed ID could be reused by the next object. */
	const uint32_t unused = T_ID_MAKE(0, 0xfffff0);
	uint32_t ioas, pt = 0, pt2 = 0;

	bind_dev(c, "ATTACH-8", 0, 0);
	CHECK_RET(c, "ATTACH-8",
		  T_CALL(c->t, attach, 0, T_NO_PASID, unused, NULL), ENOENT);
	/* Nothing got attached: a later DETACH finds nothing to undo and an
	 * IOAS can still be attached. */
	ioas = new_ioas(c, "ATTACH-8", 0);
	REQUIRE(c, "ATTACH-8", T_CALL(c->t, attach, 0, T_NO_PASID, ioas, &pt));
	/* As a replace: the failure keeps the attachment. */
	CHECK_RET(c, "ATTACH-8",
		  T_CALL(c->t, attach, 0, T_NO_PASID, unused + 1, NULL),
		  ENOENT);
	CHECK_OK(c, "ATTACH-8", T_CALL(c->t, attach, 0, T_NO_PASID, pt, &pt2));
	tc_check(c, "ATTACH-8", pt2 == pt,
		 "after a failed replace the device answers as attached to %u, not %u",
		 pt2, pt);
	CHECK_RET(c, "ATTACH-8", T_CALL(c->t, destroy, ioas), EBUSY);
	tc_end(c);
}

SCENARIO(attach, resv_added_and_removed,
	 .title = "attach removes the device's reserved regions from the IOAS ranges; detach gives them back",
	 .invariants = "ATTACH-9")
{
	struct iova_range r0[T_MAX_RANGES], r1[T_MAX_RANGES], r2[T_MAX_RANGES];
	unsigned n0, n1, n2;
	int dev = dev_with_resv(c, false);
	unsigned d = dev < 0 ? 0 : (unsigned)dev;
	const struct dev_caps *dc = &c->caps->dev[d];
	uint32_t ioas;

	bind_dev(c, "ATTACH-9", d, 0);
	ioas = new_ioas(c, "ATTACH-9", 0);
	REQUIRE(c, "ATTACH-9", get_ranges(c, ioas, r0, &n0));
	attach_rid(c, "ATTACH-9", d, ioas);
	REQUIRE(c, "ATTACH-9", get_ranges(c, ioas, r1, &n1));
	log_ranges(c, "attached", r1, n1);
	for (unsigned i = 0; i < dc->nresv; i++)
		tc_check(c, "ATTACH-9",
			 !ranges_touch(r1, n1, dc->resv[i].start, dc->resv[i].last),
			 "reserved region %llx-%llx of dev %u is inside the reported ranges",
			 (unsigned long long)dc->resv[i].start,
			 (unsigned long long)dc->resv[i].last, d);
	if (!dc->nresv)
		tc_log(c, "dev %u reports no reserved region", d);
	CHECK_OK(c, "ATTACH-9", T_CALL(c->t, detach, d, T_NO_PASID));
	if (CHECK_OK(c, "ATTACH-9", get_ranges(c, ioas, r2, &n2)))
		tc_check(c, "ATTACH-9", same_ranges(r0, n0, r2, n2),
			 "after detach the ranges differ from the fresh IOAS's (%u vs %u ranges)",
			 n2, n0);
	tc_end(c);
}

SCENARIO(attach, resv_overlap_eaddrinuse,
	 .title = "attach to an IOAS mapped over the device's reserved region fails EADDRINUSE; nothing attached",
	 .invariants = "ATTACH-10,OWN-4")
{
	struct iova_range r0[T_MAX_RANGES], r1[T_MAX_RANGES];
	unsigned n0, n1;
	int dev = dev_with_resv(c, true);
	uint64_t resv, iova;
	uint32_t bad, good;
	void *m, *g;
	bool dma;

	if (dev < 0)
		dev = dev_with_resv(c, false);
	if (dev < 0)
		tc_skip(c, "no device reports a reserved region");
	dma = c->caps->dev[dev].dma && dev_with_dma(c, -1) >= 0;
	REQUIRE(c, "ATTACH-10", resv_page(c, dev, &resv) ? 0 : -EINVAL);
	bind_dev(c, "ATTACH-10", dev, 0);
	bad = new_ioas(c, "ATTACH-10", 0);
	m = tc_alloc(c, PG);
	map_fixed(c, "ATTACH-10", bad, m, PG, resv, RW);
	g = tc_alloc(c, PG);
	iova = tc_pick_iova(c, bad, PG, PG, 0);
	map_fixed(c, "ATTACH-10", bad, g, PG, iova, RW);
	REQUIRE(c, "ATTACH-10", get_ranges(c, bad, r0, &n0));
	CHECK_RET(c, "ATTACH-10", T_CALL(c->t, attach, dev, T_NO_PASID, bad,
					 NULL), EADDRINUSE);
	if (CHECK_OK(c, "ATTACH-10", get_ranges(c, bad, r1, &n1)))
		tc_check(c, "ATTACH-10", same_ranges(r0, n0, r1, n1),
			 "the refused attach changed the IOAS's ranges");
	/* Nothing attached: the IOAS is free and the device still blocked. */
	if (dma)
		tc_dma_write(c, "ATTACH-10", dev, T_NO_PASID, iova, g, LEN,
			     false);
	CHECK_OK(c, "ATTACH-10", T_CALL(c->t, destroy, bad));
	good = new_ioas(c, "ATTACH-10", 0);
	CHECK_OK(c, "ATTACH-10", T_CALL(c->t, attach, dev, T_NO_PASID, good,
					NULL));
	tc_end(c);
}

SCENARIO(attach, hwpt_prefilled,
	 .title = "a manual HWPT carries the IOAS's existing mappings from HWPT_ALLOC on",
	 .invariants = "ATTACH-11,DMA-1",
	 .requires = REQ_DMA | REQ_HWPT_ALLOC)
{
	unsigned d = need_dma_dev(c);
	uint32_t ioas, h;
	uint64_t iova;
	char *mem = tc_alloc(c, 2 * PG);

	bind_dev(c, "ATTACH-11", d, 0);
	ioas = new_ioas(c, "ATTACH-11", 0);
	iova = tc_pick_iova(c, ioas, 2 * PG, PG, 0);
	map_fixed(c, "ATTACH-11", ioas, mem, 2 * PG, iova, RW);
	h = new_hwpt(c, "ATTACH-11", d, ioas, 0);
	attach_rid(c, "ATTACH-11", d, h);
	tc_dma_write(c, "ATTACH-11", d, T_NO_PASID, iova + PG + 0x200,
		     mem + PG + 0x200, LEN, true);
	tc_dma_read(c, "ATTACH-11", d, T_NO_PASID, iova + 0x40, mem + 0x40, LEN,
		    true);
	tc_end(c);
}

SCENARIO(attach, map_after_attach_visible,
	 .title = "a mapping added after attach is visible to every attached device",
	 .invariants = "ATTACH-12,DMA-10",
	 .requires = REQ_DMA)
{
	unsigned a = need_dma_dev(c);
	int b = -1;
	uint32_t ioas;
	uint64_t iova;
	void *mem = tc_alloc(c, PG);

	for (unsigned i = 0; i < c->caps->ndev; i++)
		if (i != a && c->caps->dev[i].dma &&
		    c->caps->dev[i].group != c->caps->dev[a].group &&
		    c->caps->dev[i].iommu == c->caps->dev[a].iommu)
			b = (int)i;
	ioas = tc_bind_attach_new_ioas(c, "ATTACH-12", a);
	if (b >= 0) {
		bind_dev(c, "ATTACH-12", (unsigned)b, 0);
		attach_rid(c, "ATTACH-12", (unsigned)b, ioas);
	} else {
		tc_log(c, "one DMA device only: checking it alone");
	}
	iova = tc_pick_iova(c, ioas, PG, PG, 3);
	map_fixed(c, "ATTACH-12", ioas, mem, PG, iova, RW);
	tc_dma_write(c, "ATTACH-12", a, T_NO_PASID, iova + 0x100, (char *)mem + 0x100,
		     LEN, true);
	if (b >= 0)
		tc_dma_write(c, "ATTACH-12", (unsigned)b, T_NO_PASID,
			     iova + 0x800, (char *)mem + 0x800, LEN, true);
	/* Two domains on the IOAS: b moves to a manual HWPT of it, then a
	 * new mapping must reach both (iopt_fill_domains_pages()). */
	if (b >= 0 && c->caps->hwpt_alloc) {
		uint32_t h = new_hwpt(c, "ATTACH-12", (unsigned)b, ioas, 0);
		void *m2 = tc_alloc(c, PG);
		uint64_t iova2 = tc_pick_iova(c, ioas, PG, PG, 5);

		attach_rid(c, "ATTACH-12", (unsigned)b, h);
		map_fixed(c, "ATTACH-12", ioas, m2, PG, iova2, RW);
		tc_dma_write(c, "ATTACH-12", a, T_NO_PASID, iova2 + 0x100,
			     (char *)m2 + 0x100, LEN, true);
		tc_dma_write(c, "ATTACH-12", (unsigned)b, T_NO_PASID,
			     iova2 + 0x800, (char *)m2 + 0x800, LEN, true);
	}
	tc_end(c);
}

SCENARIO(attach, replace_moves_reservations,
	 .title = "a replace onto another IOAS moves the device's reservations with it",
	 .invariants = "ATTACH-13")
{
	struct iova_range ra0[T_MAX_RANGES], r[T_MAX_RANGES];
	unsigned na0, n;
	int dev = dev_with_resv(c, false);
	unsigned d = dev < 0 ? 0 : (unsigned)dev;
	const struct dev_caps *dc = &c->caps->dev[d];
	uint32_t ia, ib;
	uint64_t resv;

	if (dev < 0)
		tc_skip(c, "no device reports a reserved region");
	bind_dev(c, "ATTACH-13", d, 0);
	ia = new_ioas(c, "ATTACH-13", 0);
	ib = new_ioas(c, "ATTACH-13", 0);
	REQUIRE(c, "ATTACH-13", get_ranges(c, ia, ra0, &na0));
	attach_rid(c, "ATTACH-13", d, ia);
	CHECK_OK(c, "ATTACH-13", T_CALL(c->t, attach, d, T_NO_PASID, ib, NULL));
	if (CHECK_OK(c, "ATTACH-13", get_ranges(c, ib, r, &n)))
		for (unsigned i = 0; i < dc->nresv; i++)
			tc_check(c, "ATTACH-13",
				 !ranges_touch(r, n, dc->resv[i].start,
					       dc->resv[i].last),
				 "the new IOAS does not reserve %llx-%llx",
				 (unsigned long long)dc->resv[i].start,
				 (unsigned long long)dc->resv[i].last);
	if (CHECK_OK(c, "ATTACH-13", get_ranges(c, ia, r, &n)))
		tc_check(c, "ATTACH-13", same_ranges(r, n, ra0, na0),
			 "the old IOAS still carries reservations after the replace");
	/* The old IOAS is free again: a map over the reserved page works. */
	if (resv_page(c, d, &resv)) {
		uint64_t io = resv;

		CHECK_OK(c, "ATTACH-13",
			 T_CALL(c->t, ioas_map, ia, T_MAP_FIXED_IOVA | RW,
				tc_alloc(c, PG), PG, &io));
	}
	tc_end(c);
}

/*
 * ATTACH-4 on one IOAS: 7.2's iommufd_device_do_replace() err_unresv path
 * calls iommufd_group_remove_reserved_iova() on the new HWPT's IOAS, also
 * when that is the IOAS the group already sits on (no reservation was
 * added for the replace), so a failed replace there would strip the
 * group's own reservations: IOVA_RANGES would report the reserved window
 * usable and a fixed MAP into it would succeed.
 */
struct same_ioas {
	unsigned dev;
	uint32_t ioas;
	unsigned n;
	struct iova_range r[T_MAX_RANGES];
	uint64_t align;
};

static void same_ioas_snapshot(struct tc *c, struct same_ioas *s)
{
	s->n = T_MAX_RANGES;
	REQUIRE(c, "ATTACH-4", T_CALL(c->t, iova_ranges, s->ioas, s->r, &s->n,
				      &s->align));
}

/* After a failed replace: ranges as before, reserved region still refused. */
static void same_ioas_assert(struct tc *c, const struct same_ioas *s,
			     const char *how)
{
	struct iova_range r[T_MAX_RANGES];
	unsigned n = T_MAX_RANGES;
	uint64_t align = 0;
	const struct dev_caps *dc = &c->caps->dev[s->dev];
	bool same;

	REQUIRE(c, "ATTACH-4", T_CALL(c->t, iova_ranges, s->ioas, r, &n,
				      &align));
	same = n == s->n && align == s->align &&
	       !memcmp(r, s->r, (n < T_MAX_RANGES ? n : T_MAX_RANGES) *
					sizeof(r[0]));
	tc_check(c, "ATTACH-4", same,
		 "after a failed replace (%s) onto the same IOAS, IOVA_RANGES changed: %u ranges (was %u), first 0x%llx-0x%llx (was 0x%llx-0x%llx)",
		 how, n, s->n, n ? (unsigned long long)r[0].start : 0ull,
		 n ? (unsigned long long)r[0].last : 0ull,
		 s->n ? (unsigned long long)s->r[0].start : 0ull,
		 s->n ? (unsigned long long)s->r[0].last : 0ull);
	if (dc->nresv) {
		uint64_t at = (dc->resv[0].start + PG - 1) & ~(PG - 1);
		void *mem = tc_alloc(c, PG);
		uint64_t iova = at;

		if (at > dc->resv[0].start && at - 1 >= dc->resv[0].last) {
			tc_log(c, "reserved region too small for a page probe");
			return;
		}
		CHECK_RET(c, "IOAS-4",
			  T_CALL(c->t, ioas_map, s->ioas,
				 T_MAP_FIXED_IOVA | RW, mem, PG, &iova),
			  EINVAL);
	} else {
		tc_log(c, "device %u reports no reserved region: IOAS-4 probe skipped",
		       s->dev);
	}
}

SCENARIO(attach, replace_failed_same_ioas_keeps_ranges,
	 .title = "a replace onto another HWPT of the same IOAS that fails keeps the group's reserved ranges",
	 .invariants = "ATTACH-4,IOAS-4,HWPT-5,PASID-2",
	 .requires = REQ_HWPT_ALLOC)
{
	unsigned routes = 0;
	int a = dev_with_dma(c, -1);
	struct same_ioas s;
	uint32_t ha, hb;
	int ret;

	if (a < 0)
		a = 0;
	s.dev = (unsigned)a;
	bind_dev(c, "ATTACH-4", s.dev, 0);

	/* Route 1: B allocated for a device behind another IOMMU instance:
	 * the driver refuses it (HWPT-5). */
	for (unsigned b = 0; b < c->caps->ndev; b++) {
		if (c->caps->dev[b].iommu == c->caps->dev[s.dev].iommu ||
		    c->caps->dev[b].group == c->caps->dev[s.dev].group)
			continue;
		bind_dev(c, "ATTACH-4", b, 0);
		s.ioas = new_ioas(c, "ATTACH-4", 0);
		ha = new_hwpt(c, "ATTACH-4", s.dev, s.ioas, 0);
		attach_rid(c, "ATTACH-4", s.dev, ha);
		hb = new_hwpt(c, "ATTACH-4", b, s.ioas, 0);
		same_ioas_snapshot(c, &s);
		CHECK_RET(c, "HWPT-5",
			  T_CALL(c->t, attach, s.dev, T_NO_PASID, hb, NULL),
			  EINVAL);
		same_ioas_assert(c, &s, "other IOMMU instance");
		REQUIRE(c, "ATTACH-4", T_CALL(c->t, detach, s.dev, T_NO_PASID));
		REQUIRE(c, "ATTACH-4", T_CALL(c->t, destroy, hb));
		REQUIRE(c, "ATTACH-4", T_CALL(c->t, destroy, ha));
		REQUIRE(c, "ATTACH-4", T_CALL(c->t, destroy, s.ioas));
		REQUIRE(c, "ATTACH-4", T_CALL(c->t, unbind, b));
		routes++;
		break;
	}

	/* Route 2: a PASID is attached and B is not PASID-compatible
	 * (PASID-2). */
	if (c->caps->pasid_uapi && c->caps->dev[s.dev].max_pasid_log2) {
		uint32_t hp;

		s.ioas = new_ioas(c, "ATTACH-4", 0);
		ret = T_CALL(c->t, hwpt_alloc, s.dev, s.ioas, T_HWPT_PASID, 0,
			     NULL, 0, &ha);
		if (!ret)
			ret = T_CALL(c->t, hwpt_alloc, s.dev, s.ioas,
				     T_HWPT_PASID, 0, NULL, 0, &hp);
		if (!ret) {
			attach_rid(c, "ATTACH-4", s.dev, ha);
			ret = T_CALL(c->t, attach, s.dev, 1, hp, NULL);
		}
		if (ret) {
			tc_log(c, "PASID route unavailable: %s", errno_name(ret));
		} else {
			hb = new_hwpt(c, "ATTACH-4", s.dev, s.ioas, 0);
			same_ioas_snapshot(c, &s);
			CHECK_RET(c, "PASID-2",
				  T_CALL(c->t, attach, s.dev, T_NO_PASID, hb,
					 NULL),
				  EINVAL);
			same_ioas_assert(c, &s, "PASID attached, B not PASID-capable");
			REQUIRE(c, "ATTACH-4", T_CALL(c->t, detach, s.dev, 1));
			REQUIRE(c, "ATTACH-4",
				T_CALL(c->t, detach, s.dev, T_NO_PASID));
			REQUIRE(c, "ATTACH-4", T_CALL(c->t, destroy, hb));
			REQUIRE(c, "ATTACH-4", T_CALL(c->t, destroy, hp));
			REQUIRE(c, "ATTACH-4", T_CALL(c->t, destroy, ha));
			routes++;
		}
	}

	/* Route 3: fault injection in the driver's attach. */
	if (c->caps->fault_inject) {
		unsigned nfailed = 0;

		s.ioas = new_ioas(c, "ATTACH-4", 0);
		ha = new_hwpt(c, "ATTACH-4", s.dev, s.ioas, 0);
		attach_rid(c, "ATTACH-4", s.dev, ha);
		hb = new_hwpt(c, "ATTACH-4", s.dev, s.ioas, 0);
		same_ioas_snapshot(c, &s);
		ret = -1;
		for (unsigned nth = 1; nth <= 32; nth++) {
			REQUIRE(c, "ATTACH-4",
				T_CALL(c->t, inject_fail_nth, nth));
			ret = T_CALL(c->t, attach, s.dev, T_NO_PASID, hb, NULL);
			T_CALL(c->t, inject_fail_nth, 0);
			if (!ret)
				break;
			nfailed++;
			if (nfailed <= 4)
				same_ioas_assert(c, &s, "fault injection");
		}
		tc_log(c, "%u injected failures before the replace succeeded",
		       nfailed);
		tc_check(c, "ATTACH-4", ret == 0,
			 "replace never succeeded with injection off: %s",
			 errno_name(ret));
		if (nfailed)
			routes++;
	}
	if (!routes)
		tc_skip(c, "no way to make a same-IOAS replace fail: one IOMMU instance, no PASID, no fault injection");
	tc_end(c);
}
