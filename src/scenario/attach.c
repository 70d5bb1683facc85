// SPDX-License-Identifier: GPL-2.0
/*
 * RID attach, replace and detach (ATTACH-1..13): what the returned IDs are,
 * what a replace switches, what a failed one keeps, and what reserved
 * regions an attachment adds to its IOAS.
 */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

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
}

SCENARIO(attach, two_devs_one_ioas,
	 .title = "two devices in different groups both attach to one IOAS",
	 .invariants = "ATTACH-2", .requires = REQ_2GROUPS, .min_devs = 2)
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
}

SCENARIO(attach, replace_same_hwpt_noop,
	 .title = "ATTACH on an attached device with its current HWPT (or IOAS) is a no-op success",
	 .invariants = "ATTACH-3,DMA-1")
{
	const unsigned d = dma_dev_or_first(c);
	const struct attached_opts page = { .len = PG, .warm = true };
	struct attached f;
	uint32_t again = 0;

	attached_setup(c, "ATTACH-3", &f, d, dev_has_dma(c, d) ? &page : NULL);
	CHECK_OK(c, "ATTACH-3",
		 T_CALL(c->t, attach, d, T_NO_PASID, f.pt, NULL));
	/* Attached to an IOAS, ATTACH names the HWPT the device sits on. */
	CHECK_OK(c, "ATTACH-3", T_CALL(c->t, attach, d, T_NO_PASID, f.ioas,
				       &again));
	tc_check(c, "ATTACH-3", again == f.pt,
		 "replace with the current IOAS returned HWPT %u, the device sits on %u",
		 again, f.pt);
	if (f.dma)
		tc_dma_write(c, "ATTACH-3", d, T_NO_PASID, f.iova, f.mem,
			     DMA_LEN, true);
	/* Still on its HWPT: the auto HWPT is held, not gone or free. */
	CHECK_RET(c, "ATTACH-3", T_CALL(c->t, destroy, f.pt), EBUSY);
}

SCENARIO(attach, replace_failed_keeps_old,
	 .title = "a replace onto an IOAS mapped over the device's reserved region fails EADDRINUSE and keeps the old IOAS",
	 .invariants = "ATTACH-4,ATTACH-10,DMA-1")
{
	struct keep_old k;
	uint64_t resv;
	const unsigned dev = need_resv_dev(c, "ATTACH-4", &resv);
	uint32_t iob;

	keep_old_setup(c, "ATTACH-4", &k, dev);
	iob = new_ioas(c, "ATTACH-4", 0);
	/* B has no device yet, so a fixed map over the reserved page works. */
	map_fixed(c, "ATTACH-4", iob, tc_alloc(c, PG), PG, resv, RW);
	/* That the reservation cannot land is ATTACH-10's rule; what a
	 * failed replace keeps is ATTACH-4's. */
	expect_replace_refused(c, "ATTACH-10", &k, iob, EADDRINUSE);
}

SCENARIO(attach, replace_unpinnable_keeps_old,
	 .title = "a replace onto an IOAS whose lazy mapping cannot be pinned fails EFAULT and keeps the old IOAS",
	 .invariants = "ATTACH-4,DMA-1")
{
	struct keep_old k;
	uint64_t iova;
	uint32_t iob;

	keep_old_setup(c, "ATTACH-4", &k, dma_dev_or_first(c));
	iob = new_ioas(c, "ATTACH-4", 0);
	iova = tc_pick_iova(c, iob, PG, PG, 1);
	/* B has no domain, so nothing is pinned yet: the MAP succeeds. */
	map_fixed(c, "ATTACH-4", iob, tc_unpinnable_page(c), PG, iova, RW);
	/* iopt_table_add_domain() -> iopt_fill_domain() pins B's pages for
	 * the new domain, and that fails. */
	expect_replace_refused(c, "ATTACH-4", &k, iob, EFAULT);
	/* B took no reference: nothing is attached to it. */
	CHECK_OK(c, "ATTACH-4", T_CALL(c->t, destroy, iob));
}

SCENARIO(attach, replace_other_iommu_keeps_old,
	 .title = "a replace onto an HWPT of another IOMMU instance fails EINVAL and keeps the old IOAS",
	 .invariants = "ATTACH-4,DMA-1,HWPT-5",
	 .requires = REQ_HWPT_ALLOC, .min_devs = 2)
{
	unsigned a, b;
	struct keep_old k;
	uint32_t h;

	/* The old attachment is shown by DMA when the target has any. */
	need_pair_other_iommus(c, &a, &b);
	keep_old_setup(c, "ATTACH-4", &k, a);
	bind_dev(c, "ATTACH-4", b, 0);
	h = new_hwpt(c, "ATTACH-4", b, new_ioas(c, "ATTACH-4", 0), 0);
	CHECK_RET(c, "ATTACH-4", T_CALL(c->t, attach, a, T_NO_PASID, h, NULL),
		  EINVAL);
	expect_old_kept(c, &k, true);
	/* The foreign HWPT is unused: destroying it works. */
	CHECK_OK(c, "ATTACH-4", T_CALL(c->t, destroy, h));
}

SCENARIO(attach, replace_fault_inject_keeps_old,
	 .title = "a replace failed by fault injection at every step keeps the old IOAS working",
	 .invariants = "ATTACH-4,ATTACH-5,DMA-1", .requires = REQ_FAULT_INJECT)
{
	unsigned nfailed = 0;
	struct keep_old k;
	uint64_t iob_iova;
	uint32_t iob;
	int ret = -1;
	void *mb;

	keep_old_setup(c, "ATTACH-4", &k, dma_dev_or_first(c));
	iob = new_ioas(c, "ATTACH-4", 0);
	mb = tc_alloc(c, PG);
	iob_iova = tc_pick_iova(c, iob, PG, PG, 1);
	map_fixed(c, "ATTACH-4", iob, mb, PG, iob_iova, RW);
	for (unsigned nth = 1; nth <= 64; nth++) {
		REQUIRE(c, "ATTACH-4", T_CALL(c->t, inject_fail_nth, nth));
		ret = T_CALL(c->t, attach, k.f.dev, T_NO_PASID, iob, NULL);
		T_CALL(c->t, inject_fail_nth, 0);
		if (!ret)
			break;
		tc_log(c, "replace with fail-nth %u: %s", nth, errno_name(ret));
		/* Keep DMA modest: full check on the first few failures. */
		expect_old_kept(c, &k, nfailed++ < 3);
	}
	tc_log(c, "%u injected failures before the replace succeeded", nfailed);
	if (!nfailed)
		/* A replace nothing failed proves no failure path. */
		tc_not_observable(c, "ATTACH-4", "fail-nth failed no step of the replace");
	tc_check(c, "ATTACH-4", ret == 0,
		 "replace never succeeded with injection off: %s",
		 errno_name(ret));
	if (k.f.dma && ret == 0)
		tc_dma_write(c, "ATTACH-5", k.f.dev, T_NO_PASID, iob_iova, mb,
			     DMA_LEN, true);
}

/* Replace IOAS A -> B, where B is an IOAS or a manual HWPT on IOAS B. */
struct replace_case {
	struct scenario sc;
	bool to_hwpt;
};

SCENARIO_VARIANTS(attach, replace_switches, struct replace_case,
	{ VARIANT(attach, replace_switches_ioas,
		  .title = "replace IOAS A -> IOAS B: IOVAs only in A blocked, B's pages used",
		  .invariants = "ATTACH-5,DMA-1", .requires = REQ_DMA) },
	{ VARIANT(attach, replace_switches_hwpt,
		  .title = "replace IOAS A -> manual HWPT on IOAS B: translation switches completely",
		  .invariants = "ATTACH-5,DMA-1",
		  .requires = REQ_DMA | REQ_HWPT_ALLOC),
	  .to_hwpt = true })
{
	unsigned d = need_dma_dev(c);
	uint32_t ia, ib, target, sa2;
	uint64_t i1, i2, i3;
	void *a1, *a2, *b2, *b3;

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
	target = variant->to_hwpt ? new_hwpt(c, "ATTACH-5", d, ib, 0) : ib;
	/* Make the device use every IOVA checked after the replace. */
	tc_dma_write(c, "DMA-1", d, T_NO_PASID, i1, a1, DMA_LEN, true);
	tc_dma_write(c, "DMA-1", d, T_NO_PASID, i2, a2, DMA_LEN, true);
	tc_dma_write(c, "DMA-1", d, T_NO_PASID, i3, b3, DMA_LEN, false);
	/* The replace is the act; ATTACH-5 is what the DMA shows after. */
	attach_rid(c, "ATTACH-5", d, target);
	tc_dma_write(c, "ATTACH-5", d, T_NO_PASID, i1, a1, DMA_LEN, false);
	sa2 = mem_mark(c, a2, PG);
	tc_dma_write(c, "ATTACH-5", d, T_NO_PASID, i2, b2, DMA_LEN, true);
	mem_unchanged(c, "ATTACH-5", a2, PG, sa2,
		      "the old IOAS's page for an IOVA mapped in both");
	tc_dma_write(c, "ATTACH-5", d, T_NO_PASID, i3, b3, DMA_LEN, true);
	tc_dma_read(c, "ATTACH-5", d, T_NO_PASID, i1, a1, DMA_LEN, false);
}

SCENARIO(attach, detach_blocks_dma,
	 .title = "after DETACH the device's DMA is blocked, also at IOVAs it just used",
	 .invariants = "ATTACH-6,DMA-1", .requires = REQ_DMA)
{
	struct attached f;

	attached_setup(c, "ATTACH-6", &f, need_dma_dev(c),
		       &(struct attached_opts){ .len = 2 * PG });
	{
		const struct dma_probe used[] = {
			{ true, f.iova, f.mem },
			{ false, f.iova + PG + 0x80, f.mem + PG + 0x80 },
		};

		dma_probes(c, "DMA-1", f.dev, T_NO_PASID, used, 2, true);
		detach_rid(c, "ATTACH-6", f.dev);
		dma_probes(c, "ATTACH-6", f.dev, T_NO_PASID, used, 2, false);
		/* Blocked, not identity: the pages' physical addresses are
		 * not reached either. */
		expect_not_identity(c, "ATTACH-6", f.dev, f.mem);
		/* Re-attaching restores translation: the mapping was never
		 * lost. */
		attach_rid(c, "ATTACH-6", f.dev, f.ioas);
		dma_probes(c, "ATTACH-6", f.dev, T_NO_PASID, used, 1, true);
	}
}

/*
 * DETACH of what is not attached succeeds, for the RID (ATTACH-7) and for a
 * PASID (PASID-5): before the first attach, after a detach, and (PASID) on
 * another PASID than the attached one.
 */
struct detach_case {
	struct scenario sc;
	bool pasid;
	const char *inv;
};

SCENARIO_VARIANTS(attach, detach_unattached, struct detach_case,
	{ VARIANT(attach, detach_unattached_ok,
		  .title = "DETACH of a device that is not attached succeeds",
		  .invariants = "ATTACH-7"),
	  .inv = "ATTACH-7" },
	{ VARIANT(pasid, detach_unattached_ok,
		  .title = "detaching a PASID that is not attached succeeds",
		  .invariants = "PASID-5",
		  .requires = REQ_PASID | REQ_HWPT_ALLOC),
	  .pasid = true, .inv = "PASID-5" })
{
	const char *inv = variant->inv;
	struct pasid_dev p;
	uint32_t where, pt;
	unsigned dev = 0;

	if (variant->pasid) {
		pasid_dev_setup(c, inv, &p, 0);
		dev = p.dev;
		where = p.p1;
		pt = p.pasid.hwpt;
	} else {
		bind_dev(c, inv, dev, 0);
		where = T_NO_PASID;
		pt = new_ioas(c, inv, 0);
	}
	CHECK_OK(c, inv, T_CALL(c->t, detach, dev, where));
	REQUIRE(c, inv, T_CALL(c->t, attach, dev, where, pt, NULL));
	if (variant->pasid)
		CHECK_OK(c, inv, T_CALL(c->t, detach, dev, p.p2));
	REQUIRE(c, inv, T_CALL(c->t, detach, dev, where));
	CHECK_OK(c, inv, T_CALL(c->t, detach, dev, where));
	/* Nothing holds pt any more. */
	CHECK_OK(c, inv, T_CALL(c->t, destroy, pt));
}

SCENARIO(attach, bad_pt_id,
	 .title = "ATTACH to an ID never handed out gives ENOENT and leaves the device as it was",
	 .invariants = "ATTACH-8")
{
	/* Never handed out: a freed ID could be reused by the next object. */
	const uint32_t unused = T_ID_MAKE(0, 0xfffff0);
	uint32_t ioas, pt;

	bind_dev(c, "ATTACH-8", 0, 0);
	CHECK_RET(c, "ATTACH-8",
		  T_CALL(c->t, attach, 0, T_NO_PASID, unused, NULL), ENOENT);
	/* Nothing got attached: a later DETACH finds nothing to undo and an
	 * IOAS can still be attached. */
	ioas = new_ioas(c, "ATTACH-8", 0);
	pt = attach_rid(c, "ATTACH-8", 0, ioas);
	/* As a replace: the failure keeps the attachment, so the auto HWPT
	 * is still held (a lost one would be gone: ENOENT) and so is the
	 * IOAS. */
	CHECK_RET(c, "ATTACH-8",
		  T_CALL(c->t, attach, 0, T_NO_PASID, unused + 1, NULL),
		  ENOENT);
	CHECK_RET(c, "ATTACH-8", T_CALL(c->t, destroy, pt), EBUSY);
	CHECK_RET(c, "ATTACH-8", T_CALL(c->t, destroy, ioas), EBUSY);
}

SCENARIO(attach, resv_added_and_removed,
	 .title = "attach removes the device's reserved regions from the IOAS ranges; detach gives them back",
	 .invariants = "ATTACH-9")
{
	const int with_resv = dev_with_resv(c, false);
	const unsigned d = with_resv < 0 ? 0 : (unsigned)with_resv;
	struct ranges fresh, attached;
	uint32_t ioas;

	bind_dev(c, "ATTACH-9", d, 0);
	ioas = new_ioas(c, "ATTACH-9", 0);
	read_ranges(c, "ATTACH-9", ioas, &fresh);
	attach_rid(c, "ATTACH-9", d, ioas);
	read_ranges(c, "ATTACH-9", ioas, &attached);
	log_ranges(c, "attached", &attached);
	if (!expect_resv_outside(c, "ATTACH-9", d, &attached, "attached"))
		tc_log(c, "dev %u reports no reserved region", d);
	detach_rid(c, "ATTACH-9", d);
	expect_ranges_unchanged(c, "ATTACH-9", ioas, &fresh, false,
				"an attach and its detach");
}

SCENARIO(attach, resv_overlap_eaddrinuse,
	 .title = "attach to an IOAS mapped over the device's reserved region fails EADDRINUSE; nothing attached",
	 .invariants = "ATTACH-10,OWN-4")
{
	uint64_t resv, iova;
	const unsigned dev = need_resv_dev(c, "ATTACH-10", &resv);
	uint32_t bad, good;
	struct ranges r0;
	void *g;

	bind_dev(c, "ATTACH-10", dev, 0);
	if (dev_has_dma(c, dev))
		tc_dma_control(c, "ATTACH-10", dev);
	bad = new_ioas(c, "ATTACH-10", 0);
	map_fixed(c, "ATTACH-10", bad, tc_alloc(c, PG), PG, resv, RW);
	g = tc_alloc(c, PG);
	iova = tc_pick_iova(c, bad, PG, PG, 0);
	map_fixed(c, "ATTACH-10", bad, g, PG, iova, RW);
	read_ranges(c, "ATTACH-10", bad, &r0);
	CHECK_RET(c, "ATTACH-10", T_CALL(c->t, attach, dev, T_NO_PASID, bad,
					 NULL), EADDRINUSE);
	expect_ranges_unchanged(c, "ATTACH-10", bad, &r0, false,
				"the refused attach");
	/* Nothing attached: the IOAS is free and the device still blocked. */
	if (dev_has_dma(c, dev))
		tc_dma_write(c, "ATTACH-10", dev, T_NO_PASID, iova, g, DMA_LEN,
			     false);
	CHECK_OK(c, "ATTACH-10", T_CALL(c->t, destroy, bad));
	good = new_ioas(c, "ATTACH-10", 0);
	CHECK_OK(c, "ATTACH-10", T_CALL(c->t, attach, dev, T_NO_PASID, good,
					NULL));
}

SCENARIO(attach, hwpt_prefilled,
	 .title = "a manual HWPT carries the IOAS's existing mappings from HWPT_ALLOC on",
	 .invariants = "ATTACH-11,DMA-1", .requires = REQ_DMA | REQ_HWPT_ALLOC)
{
	struct attached f;

	/* Mapped before HWPT_ALLOC: the HWPT must start with the mapping. */
	attached_setup(c, "ATTACH-11", &f, need_dma_dev(c),
		       &(struct attached_opts){ .len = 2 * PG,
						.manual_hwpt = true,
						.map_first = true });
	tc_dma_write(c, "ATTACH-11", f.dev, T_NO_PASID, f.iova + PG + 0x200,
		     f.mem + PG + 0x200, DMA_LEN, true);
	tc_dma_read(c, "ATTACH-11", f.dev, T_NO_PASID, f.iova + 0x40,
		    f.mem + 0x40, DMA_LEN, true);
}

SCENARIO(attach, map_after_attach_visible,
	 .title = "a mapping added after attach is visible to every attached device",
	 .invariants = "ATTACH-12,DMA-10", .requires = REQ_DMA)
{
	unsigned a = need_dma_dev(c);
	struct attached f;
	uint64_t iova;
	char *mem = tc_alloc(c, PG);
	int b = -1;

	for (unsigned i = 0; i < c->caps->ndev; i++)
		if (i != a && c->caps->dev[i].dma &&
		    c->caps->dev[i].group != c->caps->dev[a].group &&
		    c->caps->dev[i].iommu == c->caps->dev[a].iommu)
			b = (int)i;
	attached_setup(c, "ATTACH-12", &f, a, NULL);
	if (b >= 0) {
		bind_dev(c, "ATTACH-12", (unsigned)b, 0);
		attach_rid(c, "ATTACH-12", (unsigned)b, f.ioas);
	} else {
		tc_log(c, "one DMA device only: checking it alone");
	}
	iova = tc_pick_iova(c, f.ioas, PG, PG, 3);
	map_fixed(c, "ATTACH-12", f.ioas, mem, PG, iova, RW);
	tc_dma_write(c, "ATTACH-12", a, T_NO_PASID, iova + 0x100, mem + 0x100,
		     DMA_LEN, true);
	if (b >= 0)
		tc_dma_write(c, "ATTACH-12", (unsigned)b, T_NO_PASID,
			     iova + 0x800, mem + 0x800, DMA_LEN, true);
	/* Two domains on the IOAS: b moves to a manual HWPT of it, then a
	 * new mapping must reach both (iopt_fill_domains_pages()). */
	if (b >= 0 && c->caps->hwpt_alloc) {
		uint32_t h = new_hwpt(c, "ATTACH-12", (unsigned)b, f.ioas, 0);
		char *m2 = tc_alloc(c, PG);
		uint64_t iova2 = tc_pick_iova(c, f.ioas, PG, PG, 5);

		attach_rid(c, "ATTACH-12", (unsigned)b, h);
		map_fixed(c, "ATTACH-12", f.ioas, m2, PG, iova2, RW);
		tc_dma_write(c, "ATTACH-12", a, T_NO_PASID, iova2 + 0x100,
			     m2 + 0x100, DMA_LEN, true);
		tc_dma_write(c, "ATTACH-12", (unsigned)b, T_NO_PASID,
			     iova2 + 0x800, m2 + 0x800, DMA_LEN, true);
	}
}

/*
 * Discovery runs each device's engine once: a write through a mapping made
 * in a fresh IOAS after the device attached to it (ATTACH-12's own
 * observation). A device whose write landed nowhere has no DMA, so the DMA
 * cases that need it SKIP; here that stays a failure when an engine of the
 * same kind landed on another device (F2: aliased functions behind a
 * PCIe-to-PCI bridge), since then the engine is shown to work.
 */
SCENARIO(attach, discovery_dma_lands,
	 .title = "every DMA device's discovery write through a mapping of its fresh, attached IOAS landed where the same engine lands on another device",
	 .invariants = "ATTACH-12")
{
	const struct target_caps *caps = c->caps;
	unsigned nfailed = 0;

	for (unsigned i = 0; i < caps->ndev; i++) {
		const struct dev_caps *d = &caps->dev[i];
		int ok = -1;

		if (!d->dma_probe_landed_nowhere)
			continue;
		nfailed++;
		for (unsigned j = 0; j < caps->ndev && ok < 0; j++)
			if (caps->dev[j].dma_probe_landed &&
			    !strcmp(caps->dev[j].dma_engine, d->dma_engine))
				ok = (int)j;
		if (ok < 0) {
			tc_inconclusive(c, "ATTACH-12",
					"dev %u (%s): its %s engine's discovery write through a mapping of a fresh, attached IOAS landed nowhere, and no other device's %s engine landed its discovery write, so the engine is not shown to work",
					i, d->name, d->dma_engine, d->dma_engine);
			continue;
		}
		tc_check(c, "ATTACH-12", false,
			 "dev %u (%s): its %s engine's discovery write through a mapping of a fresh, attached IOAS landed nowhere, while dev %u (%s) landed the same engine's write",
			 i, d->name, d->dma_engine, ok, caps->dev[ok].name);
	}
	if (!nfailed)
		tc_skip(c, "no device's discovery DMA probe failed (ATTACH-12 is judged by DMA in attach.map_after_attach_visible)");
}

SCENARIO(attach, replace_moves_reservations,
	 .title = "a replace onto another IOAS moves the device's reservations with it",
	 .invariants = "ATTACH-13")
{
	int dev = dev_with_resv(c, false);
	struct ranges fresh, r;
	uint32_t ia, ib;
	uint64_t resv;
	unsigned d;

	if (dev < 0)
		tc_skip(c, "no device reports a reserved region");
	d = (unsigned)dev;
	bind_dev(c, "ATTACH-13", d, 0);
	ia = new_ioas(c, "ATTACH-13", 0);
	ib = new_ioas(c, "ATTACH-13", 0);
	read_ranges(c, "ATTACH-13", ia, &fresh);
	attach_rid(c, "ATTACH-13", d, ia);
	/* The replace is the act; where the reservations went is the rule. */
	attach_rid(c, "ATTACH-13", d, ib);
	read_ranges(c, "ATTACH-13", ib, &r);
	expect_resv_outside(c, "ATTACH-13", d, &r,
			    "the new IOAS after the replace");
	expect_ranges_unchanged(c, "ATTACH-13", ia, &fresh, false,
				"the replace away from it (the old IOAS still carries reservations)");
	/* The old IOAS is free again: a map over the reserved page works. */
	if (resv_page(c, d, &resv))
		CHECK_OK(c, "ATTACH-13",
			 map_fixed_rc(c, ia, tc_alloc(c, PG), PG, resv, RW));
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
	struct ranges r; /* before the failed replace */
};

/* After a failed replace: ranges as before, reserved region still refused. */
static void same_ioas_assert(struct tc *c, const struct same_ioas *s,
			     const char *how)
{
	const struct dev_caps *dc = &c->caps->dev[s->dev];
	char what[96];

	snprintf(what, sizeof(what),
		 "after a failed replace (%s) onto the same IOAS", how);
	expect_ranges_unchanged(c, "ATTACH-4", s->ioas, &s->r, true, what);
	if (dc->nresv) {
		uint64_t at = (dc->resv[0].start + PG - 1) & ~(PG - 1);

		if (at > dc->resv[0].start && at - 1 >= dc->resv[0].last) {
			tc_log(c, "reserved region too small for a page probe");
			return;
		}
		CHECK_RET(c, "IOAS-4",
			  map_fixed_rc(c, s->ioas, tc_alloc(c, PG), PG, at, RW),
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
	struct same_ioas s;
	uint32_t ha, hb;
	int ret;

	s.dev = dma_dev_or_first(c);
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
		read_ranges(c, "ATTACH-4", s.ioas, &s.r);
		CHECK_RET(c, "HWPT-5",
			  T_CALL(c->t, attach, s.dev, T_NO_PASID, hb, NULL),
			  EINVAL);
		same_ioas_assert(c, &s, "other IOMMU instance");
		detach_rid(c, "ATTACH-4", s.dev);
		destroy_obj(c, "ATTACH-4", hb);
		destroy_obj(c, "ATTACH-4", ha);
		destroy_obj(c, "ATTACH-4", s.ioas);
		unbind_dev(c, "ATTACH-4", b);
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
			read_ranges(c, "ATTACH-4", s.ioas, &s.r);
			CHECK_RET(c, "PASID-2",
				  T_CALL(c->t, attach, s.dev, T_NO_PASID, hb,
					 NULL),
				  EINVAL);
			same_ioas_assert(c, &s, "PASID attached, B not PASID-capable");
			detach_pasid(c, "ATTACH-4", s.dev, 1);
			detach_rid(c, "ATTACH-4", s.dev);
			destroy_obj(c, "ATTACH-4", hb);
			destroy_obj(c, "ATTACH-4", hp);
			destroy_obj(c, "ATTACH-4", ha);
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
		read_ranges(c, "ATTACH-4", s.ioas, &s.r);
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
}
