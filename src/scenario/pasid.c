// SPDX-License-Identifier: GPL-2.0
/*
 * PASID attachments through VFIO (PASID-1..10): which HWPTs a PASID (and the
 * RID next to it) may take, replace and detach semantics per PASID, and the
 * PASID range. pasid.detach_unattached_ok (PASID-5) is the PASID variant of
 * attach.c's detach_unattached body.
 *
 * Most cases stand on the "PASID device ready" fixture and tell its HWPTs
 * apart by the page each maps at the same IOVA.
 */
#include "fixture.h"

/* A PASID transfer (or a RID one, pasid T_NO_PASID) of the fixture's
 * device at its IOVA, expected to reach the page of hwpt. */
static void pasid_dma(struct tc *c, const char *inv, const struct pasid_dev *p,
		      uint32_t pasid, const struct mapped_hwpt *hwpt, bool land)
{
	if (p->dma)
		tc_dma_write(c, inv, p->dev, pasid, p->iova, hwpt->mem, DMA_LEN,
			     land);
}

SCENARIO(pasid, needs_pasid_hwpt,
	 .title = "a PASID attach needs an HWPT allocated with ALLOC_PASID; an IOAS or plain HWPT is refused",
	 .invariants = "PASID-1", .requires = REQ_PASID | REQ_HWPT_ALLOC)
{
	struct pasid_dev p;

	pasid_dev_setup(c, "PASID-1", &p, 0);
	if (p.dma)
		tc_dma_control(c, "PASID-1", p.dev);
	CHECK_RET(c, "PASID-1",
		  T_CALL(c->t, attach, p.dev, p.p1, p.plain.ioas, NULL),
		  EINVAL);
	CHECK_RET(c, "PASID-1",
		  T_CALL(c->t, attach, p.dev, p.p1, p.plain.hwpt, NULL),
		  EINVAL);
	pasid_dma(c, "PASID-1", &p, p.p1, &p.plain, false);
	CHECK_OK(c, "PASID-1",
		 T_CALL(c->t, attach, p.dev, p.p1, p.pasid.hwpt, NULL));
	pasid_dma(c, "PASID-1", &p, p.p1, &p.pasid, true);
}

SCENARIO(pasid, rid_nonpasid_refused,
	 .title = "while a PASID is attached, replacing the RID with a non-PASID HWPT or IOAS fails EINVAL",
	 .invariants = "PASID-2", .requires = REQ_PASID | REQ_HWPT_ALLOC)
{
	struct pasid_dev p;

	pasid_dev_setup(c, "PASID-2", &p, PASID_DEV_ATTACHED);
	CHECK_RET(c, "PASID-2", T_CALL(c->t, attach, p.dev, T_NO_PASID,
				       p.plain.hwpt, NULL), EINVAL);
	CHECK_RET(c, "PASID-2", T_CALL(c->t, attach, p.dev, T_NO_PASID,
				       p.plain.ioas, NULL), EINVAL);
	/* The RID stayed on rid: it translates through it and holds it. */
	pasid_dma(c, "PASID-2", &p, T_NO_PASID, &p.rid, true);
	pasid_dma(c, "PASID-2", &p, p.p1, &p.pasid, true);
	CHECK_RET(c, "PASID-2", T_CALL(c->t, destroy, p.rid.hwpt), EBUSY);
	/* Once the PASID is gone the RID may take the plain HWPT, which
	 * lets go of rid. */
	detach_pasid(c, "PASID-2", p.dev, p.p1);
	CHECK_OK(c, "PASID-2", T_CALL(c->t, attach, p.dev, T_NO_PASID,
				      p.plain.hwpt, NULL));
	CHECK_OK(c, "PASID-2", T_CALL(c->t, destroy, p.rid.hwpt));
}

SCENARIO(pasid, attach_while_rid_nonpasid,
	 .title = "a PASID attach while the RID sits on a non-PASID HWPT or auto domain fails EINVAL",
	 .invariants = "PASID-3,SEED-A", .requires = REQ_PASID | REQ_HWPT_ALLOC)
{
	struct pasid_dev p;

	pasid_dev_setup(c, "PASID-3", &p, 0);
	attach_rid(c, "PASID-3", p.dev, p.plain.ioas);
	CHECK_RET(c, "PASID-3", T_CALL(c->t, attach, p.dev, p.p1, p.pasid.hwpt,
				       NULL), EINVAL);
	attach_rid(c, "PASID-3", p.dev, p.plain.hwpt);
	CHECK_RET(c, "PASID-3", T_CALL(c->t, attach, p.dev, p.p1, p.pasid.hwpt,
				       NULL), EINVAL);
	/* The refusal left the RID translating through plain (and so the
	 * positive control of the blocked PASID DMA after it). */
	pasid_dma(c, "PASID-3", &p, T_NO_PASID, &p.plain, true);
	pasid_dma(c, "PASID-3", &p, p.p1, &p.pasid, false);
	attach_rid(c, "PASID-3", p.dev, p.rid.hwpt);
	CHECK_OK(c, "PASID-3",
		 T_CALL(c->t, attach, p.dev, p.p1, p.pasid.hwpt, NULL));
	/* Detached RID: a PASID attach has nothing to be compatible with.
	 * (The RID detach with a PASID attached is SEED-A's rule.) */
	CHECK_OK(c, "SEED-A", T_CALL(c->t, detach, p.dev, T_NO_PASID));
	CHECK_OK(c, "PASID-3",
		 T_CALL(c->t, attach, p.dev, p.p2, p.pasid.hwpt, NULL));
}

SCENARIO(pasid, second_attach_replaces,
	 .title = "a second PASID attach through VFIO replaces: the PASID then translates through the new HWPT only",
	 .invariants = "PASID-4", .requires = REQ_PASID | REQ_HWPT_ALLOC)
{
	struct pasid_dev p;
	uint64_t iova2;
	char *only1;
	uint32_t s1;

	pasid_dev_setup(c, "PASID-4", &p, 0);
	/* An IOVA only the first HWPT maps. */
	iova2 = fresh_ioas_iova(c, "PASID-4", 2);
	only1 = tc_alloc(c, PG);
	map_fixed(c, "PASID-4", p.pasid.ioas, only1, PG, iova2, RW);
	attach_pasid(c, "PASID-4", p.dev, p.p1, p.pasid.hwpt);
	pasid_dma(c, "PASID-4", &p, p.p1, &p.pasid, true);
	if (p.dma)
		tc_dma_write(c, "PASID-4", p.dev, p.p1, iova2, only1, DMA_LEN,
			     true);
	CHECK_OK(c, "PASID-4",
		 T_CALL(c->t, attach, p.dev, p.p1, p.pasid2.hwpt, NULL));
	CHECK_OK(c, "PASID-4",
		 T_CALL(c->t, attach, p.dev, p.p1, p.pasid2.hwpt, NULL));
	/* The first HWPT is unused now. */
	CHECK_OK(c, "PASID-4", T_CALL(c->t, destroy, p.pasid.hwpt));
	if (p.dma) {
		s1 = mem_mark(c, p.pasid.mem, PG);
		pasid_dma(c, "PASID-4", &p, p.p1, &p.pasid2, true);
		mem_unchanged(c, "PASID-4", p.pasid.mem, PG, s1,
			      "the old HWPT's page for the same IOVA");
		tc_dma_write(c, "PASID-4", p.dev, p.p1, iova2, only1, DMA_LEN,
			     false);
	}
	/* ... and the PASID holds the second. */
	CHECK_RET(c, "PASID-4", T_CALL(c->t, destroy, p.pasid2.hwpt), EBUSY);
}

SCENARIO(pasid, out_of_range,
	 .title = "a PASID at or above 2^max_pasid_log2 is refused EINVAL; the largest valid one works",
	 .invariants = "PASID-6", .requires = REQ_PASID | REQ_HWPT_ALLOC)
{
	struct pasid_dev p;
	unsigned bits;
	uint32_t h;

	pasid_dev_setup(c, "PASID-6", &p, 0);
	bits = c->caps->dev[p.dev].max_pasid_log2;
	if (bits >= 32)
		tc_skip(c, "max_pasid_log2 %u leaves no PASID out of range", bits);
	h = p.pasid.hwpt;
	CHECK_RET(c, "PASID-6",
		  T_CALL(c->t, attach, p.dev, 1u << bits, h, NULL), EINVAL);
	if (bits < 31)
		CHECK_RET(c, "PASID-6", T_CALL(c->t, attach, p.dev,
					       (1u << bits) + 1, h, NULL),
			  EINVAL);
	CHECK_OK(c, "PASID-6",
		 T_CALL(c->t, attach, p.dev, (1u << bits) - 1, h, NULL));
}

/* Refusals by the driver rather than by iommufd's checks: a PASID HWPT of
 * another IOMMU instance. */
static void refused_other_iommu(struct tc *c, const struct pasid_dev *p)
{
	for (unsigned o = 0; o < c->caps->ndev; o++) {
		struct mapped_hwpt other;

		if (c->caps->dev[o].iommu == c->caps->dev[p->dev].iommu ||
		    !c->caps->dev[o].max_pasid_log2)
			continue;
		bind_dev(c, "PASID-7", o, 0);
		mapped_hwpt_setup(c, "PASID-7", &other, o, T_HWPT_PASID,
				  p->iova);
		CHECK_RET(c, "PASID-7", T_CALL(c->t, attach, p->dev, p->p1,
					       other.hwpt, NULL), EINVAL);
		pasid_dma(c, "PASID-7", p, p->p1, &p->pasid, true);
		return;
	}
}

/* ... and injected failures of a replace onto pasid2; leaves p1 on pasid. */
static void refused_by_injection(struct tc *c, const struct pasid_dev *p)
{
	int ret = -1;

	for (unsigned nth = 1; nth <= 8 && ret; nth++) {
		REQUIRE(c, "PASID-7", T_CALL(c->t, inject_fail_nth, nth));
		ret = T_CALL(c->t, attach, p->dev, p->p1, p->pasid2.hwpt, NULL);
		T_CALL(c->t, inject_fail_nth, 0);
		tc_log(c, "PASID replace with fail-nth %u: %s", nth,
		       errno_name(ret));
		if (ret && nth <= 2)
			pasid_dma(c, "PASID-7", p, p->p1, &p->pasid, true);
	}
	if (!ret)
		attach_pasid(c, "PASID-7", p->dev, p->p1, p->pasid.hwpt);
}

SCENARIO(pasid, failed_replace_keeps_old,
	 .title = "a failed PASID replace keeps the old domain on that PASID",
	 .invariants = "PASID-7", .requires = REQ_PASID | REQ_HWPT_ALLOC)
{
	struct pasid_dev p;

	pasid_dev_setup(c, "PASID-7", &p, 0);
	attach_pasid(c, "PASID-7", p.dev, p.p1, p.pasid.hwpt);
	pasid_dma(c, "PASID-7", &p, p.p1, &p.pasid, true);
	CHECK_RET(c, "PASID-7", T_CALL(c->t, attach, p.dev, p.p1, p.plain.hwpt,
				       NULL), EINVAL);
	CHECK_RET(c, "PASID-7", T_CALL(c->t, attach, p.dev, p.p1, p.plain.ioas,
				       NULL), EINVAL);
	pasid_dma(c, "PASID-7", &p, p.p1, &p.pasid, true);
	refused_other_iommu(c, &p);
	if (c->caps->fault_inject)
		refused_by_injection(c, &p);
	/* p1 still holds its HWPT, and only p1 did: detached, it can go. */
	CHECK_RET(c, "PASID-7", T_CALL(c->t, destroy, p.pasid.hwpt), EBUSY);
	detach_pasid(c, "PASID-7", p.dev, p.p1);
	CHECK_OK(c, "PASID-7", T_CALL(c->t, destroy, p.pasid.hwpt));
}

SCENARIO(pasid, driver_failed_replace_keeps_old,
	 .title = "a PASID replace the driver fails (mock PASID 1024) keeps the old domain on that PASID",
	 .invariants = "PASID-7", .requires = REQ_PASID | REQ_HWPT_ALLOC)
{
	struct pasid_dev p;
	uint32_t fp;

	pasid_dev_setup(c, "PASID-7", &p, 0);
	fp = need_failing_pasid(c, "PASID-7", p.dev);
	attach_pasid(c, "PASID-7", p.dev, fp, p.pasid.hwpt);
	pasid_dma(c, "PASID-7", &p, fp, &p.pasid, true);
	/* The driver's own error comes back, and nothing moved. */
	CHECK_RET(c, "PASID-7", T_CALL(c->t, attach, p.dev, fp, p.pasid2.hwpt,
				       NULL), ENOMEM);
	pasid_dma(c, "PASID-7", &p, fp, &p.pasid, true);
	/* The old HWPT is still held by that PASID, the new one by none. */
	CHECK_RET(c, "PASID-7", T_CALL(c->t, destroy, p.pasid.hwpt), EBUSY);
	CHECK_OK(c, "PASID-7", T_CALL(c->t, destroy, p.pasid2.hwpt));
	detach_pasid(c, "PASID-7", p.dev, fp);
	CHECK_OK(c, "PASID-7", T_CALL(c->t, destroy, p.pasid.hwpt));
}

SCENARIO(pasid, detach_one_pasid_only,
	 .title = "detaching a PASID blocks that PASID only; the RID and other PASIDs keep translating",
	 .invariants = "PASID-8", .requires = REQ_PASID | REQ_HWPT_ALLOC)
{
	struct pasid_dev p;

	pasid_dev_setup(c, "PASID-8", &p, PASID_DEV_ATTACHED);
	attach_pasid(c, "PASID-8", p.dev, p.p2, p.pasid2.hwpt);
	pasid_dma(c, "PASID-8", &p, T_NO_PASID, &p.rid, true);
	pasid_dma(c, "PASID-8", &p, p.p1, &p.pasid, true);
	pasid_dma(c, "PASID-8", &p, p.p2, &p.pasid2, true);
	/* The detach is the act; PASID-8 is what it leaves translating. */
	detach_pasid(c, "PASID-8", p.dev, p.p1);
	pasid_dma(c, "PASID-8", &p, p.p1, &p.pasid, false);
	pasid_dma(c, "PASID-8", &p, T_NO_PASID, &p.rid, true);
	pasid_dma(c, "PASID-8", &p, p.p2, &p.pasid2, true);
	CHECK_OK(c, "PASID-8", T_CALL(c->t, destroy, p.pasid.hwpt));
	CHECK_RET(c, "PASID-8", T_CALL(c->t, destroy, p.pasid2.hwpt), EBUSY);
	CHECK_RET(c, "PASID-8", T_CALL(c->t, destroy, p.rid.hwpt), EBUSY);
}

SCENARIO(pasid, non_pasid_device,
	 .title = "a PASID attach on a device without PASID capability fails",
	 .invariants = "PASID-9", .requires = REQ_HWPT_ALLOC)
{
	uint32_t ioas, h;
	uint64_t iova;
	int d = -1;
	int ret;

	if (!c->caps->pasid_uapi)
		tc_skip(c, "kernel lacks the VFIO PASID attach uAPI");
	for (unsigned i = 0; i < c->caps->ndev && d < 0; i++)
		if (!c->caps->dev[i].max_pasid_log2)
			d = (int)i;
	if (d < 0)
		tc_skip(c, "every device is PASID-capable");
	bind_dev(c, "PASID-9", (unsigned)d, 0);
	ioas = new_ioas(c, "PASID-9", 0);
	iova = tc_pick_iova(c, ioas, PG, PG, 0);
	map_fixed(c, "PASID-9", ioas, tc_alloc(c, PG), PG, iova, RW);
	ret = T_CALL(c->t, hwpt_alloc, (unsigned)d, ioas, T_HWPT_PASID, 0, NULL,
		     0, &h);
	if (ret) {
		/* The driver already refuses PASID domains for it. */
		tc_log(c, "HWPT_ALLOC(PASID) for dev %d: %s", d,
		       errno_name(ret));
		tc_check(c, "PASID-9", ret == -EOPNOTSUPP || ret == -EINVAL,
			 "HWPT_ALLOC(PASID) on a non-PASID device returned %s",
			 errno_name(ret));
		tc_end(c);
	}
	/* The contract: refused, or (7.2, the core skips devices without
	 * PASID support) accepted without effect. */
	ret = T_CALL(c->t, attach, (unsigned)d, 1, h, NULL);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot attach a PASID");
	tc_log(c, "PASID attach on non-PASID dev %d: %s", d, errno_name(ret));
	if (ret == -EOPNOTSUPP) {
		/* The driver-level refusal of PASID-10 comes first in the
		 * core: a device-level refusal cannot be told from it. */
		tc_not_observable(c, "PASID-9",
				  "EOPNOTSUPP: the driver takes no PASID at all (PASID-10), so the device-level rule cannot be seen");
		tc_end(c);
	}
	if (!ret)
		tc_gap(c, "PASID-9",
		       "accepted (0) with nothing to program: docs/contract.md allows it in 7.2 (open question), not a refusal");
	else
		CHECK_RET(c, "PASID-9", ret, EINVAL);
	/* Undo whatever it did; then nothing holds the HWPT: neither the
	 * PASID nor the RID. */
	detach_pasid(c, "PASID-9", (unsigned)d, 1);
	CHECK_OK(c, "PASID-9", T_CALL(c->t, destroy, h));
}

/*
 * PASID-10: whether a driver's paging domains take a PASID is an allowed
 * difference, but a driver that cannot must say EOPNOTSUPP (the core,
 * when set_dev_pasid is missing), after PASID-1/3's EINVAL checks, which a
 * fresh ALLOC_PASID HWPT on an unattached RID passes. A PASID-capable
 * device is used when there is one; otherwise the core's op check comes
 * before anything looks at the device (a non-PASID device on a PASID
 * driver answers PASID-9's way instead, and the case skips).
 */
SCENARIO(pasid, unsupported_driver_eopnotsupp,
	 .title = "a PASID attach through a driver whose paging domains take no PASID fails EOPNOTSUPP and changes nothing",
	 .invariants = "PASID-10", .requires = REQ_HWPT_ALLOC)
{
	uint32_t ioas, h = 0;
	uint64_t iova;
	void *m = tc_alloc(c, PG);
	int d = dev_with_pasid(c, -1);
	int ret;

	if (!c->caps->pasid_uapi)
		tc_skip(c, "kernel lacks the VFIO PASID attach uAPI");
	if (d < 0)
		d = 0;
	bind_dev(c, "PASID-10", (unsigned)d, 0);
	ioas = new_ioas(c, "PASID-10", 0);
	iova = tc_pick_iova(c, ioas, PG, PG, 0);
	map_fixed(c, "PASID-10", ioas, m, PG, iova, RW);
	ret = T_CALL(c->t, hwpt_alloc, (unsigned)d, ioas, T_HWPT_PASID, 0, NULL,
		     0, &h);
	if (ret == -EOPNOTSUPP)
		tc_skip(c, "the driver cannot allocate ALLOC_PASID HWPTs (EOPNOTSUPP): no PASID HWPT to attach");
	REQUIRE(c, "PASID-10", ret);
	ret = T_CALL(c->t, attach, (unsigned)d, 1, h, NULL);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot attach a PASID");
	tc_log(c, "PASID 1 attach on dev %d (%s PASID) to HWPT %u: %s", d,
	       c->caps->dev[d].max_pasid_log2 ? "with" : "without", h,
	       errno_name(ret));
	if (!ret)
		tc_skip(c, "the driver's paging domains take a PASID: PASID-10 does not apply");
	if (ret == -EINVAL && !c->caps->dev[d].max_pasid_log2)
		tc_skip(c, "EINVAL on a device without PASID (PASID-9): cannot tell whether the driver supports PASID");
	if (tc_check(c, "PASID-10", ret == -EOPNOTSUPP,
		     "PASID attach through the driver returned %s, expected 0 (supported) or EOPNOTSUPP",
		     errno_name(ret)))
		tc_gap(c, "PASID-10",
		       "the driver's paging domains take no PASID (allowed difference): its PASID rules are not exercised");
	/* The refusal is stable. */
	CHECK_RET(c, "PASID-10", T_CALL(c->t, attach, (unsigned)d, 1, h, NULL),
		  EOPNOTSUPP);
	detach_pasid(c, "PASID-10", (unsigned)d, 1);
	/* It changed nothing: the same HWPT still serves the RID, which
	 * then holds it until detached. */
	CHECK_OK(c, "PASID-10",
		 T_CALL(c->t, attach, (unsigned)d, T_NO_PASID, h, NULL));
	if (dev_has_dma(c, (unsigned)d))
		tc_dma_write(c, "PASID-10", (unsigned)d, T_NO_PASID, iova, m,
			     DMA_LEN, true);
	CHECK_RET(c, "PASID-10", T_CALL(c->t, destroy, h), EBUSY);
	detach_rid(c, "PASID-10", (unsigned)d);
	CHECK_OK(c, "PASID-10", T_CALL(c->t, destroy, h));
}

/* --- VFIO's own PASID rules, on any vfio-pci device (PASID-11..13) ------- */

/* VFIO's PASID uAPI on dev, or skip. */
static void need_vfio_pasid_uapi(struct tc *c)
{
	if (!c->caps->pasid_uapi)
		tc_skip(c, "no VFIO_DEVICE_ATTACH_PASID uAPI");
}

SCENARIO(pasid, zero_is_rid,
	 .title = "ATTACH_PASID with PASID 0 attaches the RID: RID DMA translates, a plain ATTACH fails EBUSY, DETACH_PASID(0) blocks, unbind releases",
	 .invariants = "PASID-11")
{
	unsigned d = dma_dev_or_first(c);
	bool dma = dev_has_dma(c, d);
	char *mem = tc_alloc(c, PG);
	uint32_t ioas, other, pt = 0;
	uint64_t iova;
	int ret;

	need_vfio_pasid_uapi(c);
	bind_dev(c, "PASID-11", d, 0);
	ioas = mapped_ioas(c, "PASID-11", mem, &iova);
	/* An IOAS is accepted although no auto HWPT is PASID-compatible
	 * (PASID-1): iommufd takes 0 for IOMMU_NO_PASID. */
	ret = T_CALL(c->t, attach, d, 0, ioas, &pt);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target has no VFIO PASID path for PASID 0");
	if (!CHECK_OK(c, "PASID-11", ret))
		tc_end(c);
	tc_check(c, "PASID-11", pt != 0 && pt != ioas,
		 "ATTACH_PASID(0) on IOAS %u wrote back pt_id %u, not an auto HWPT",
		 ioas, pt);
	/* The RID translates through it: a verified transfer. */
	if (dma)
		tc_dma_write(c, "PASID-11", d, T_NO_PASID, iova, mem, DMA_LEN,
			     true);
	/* VFIO does not count it as the RID attachment, iommufd does: a
	 * plain ATTACH is a first attach of an attached device. */
	other = new_ioas(c, "PASID-11", 0);
	CHECK_RET(c, "PASID-11", T_CALL(c->t, attach, d, T_NO_PASID, other,
					NULL), EBUSY);
	CHECK_RET(c, "PASID-11", T_CALL(c->t, destroy, ioas), EBUSY);
	/* ... and DETACH_PASID(0) is the RID's detach: blocked again. */
	CHECK_OK(c, "PASID-11", T_CALL(c->t, detach, d, 0));
	if (dma)
		tc_dma_write(c, "PASID-11", d, T_NO_PASID, iova, mem, DMA_LEN,
			     false);
	CHECK_OK(c, "PASID-11", T_CALL(c->t, destroy, other));
	/* Unbind walks VFIO's PASIDs, 0 among them: the IOAS is free. */
	CHECK_OK(c, "PASID-11", T_CALL(c->t, attach, d, 0, ioas, NULL));
	unbind_dev(c, "PASID-11", d);
	CHECK_OK(c, "PASID-11", T_CALL(c->t, destroy, ioas));
}

/* One ATTACH/DETACH_IOMMUFD_PT argument block the cdev must refuse. */
struct vfio_pt_bad {
	bool detach;
	uint32_t argsz, flags;
	const char *what;
};

#define VFIO_PT_PASID_FLAG 1u /* VFIO_DEVICE_{ATTACH,DETACH}_PASID */
/* offsetofend(pt_id) / offsetofend(pasid) of the attach struct, and
 * offsetofend(flags) / offsetofend(pasid) of the detach struct. */
#define VFIO_AT_MINSZ 12u
#define VFIO_AT_PASID_END 16u
#define VFIO_DE_MINSZ 8u
#define VFIO_DE_PASID_END 12u

static const struct vfio_pt_bad vfio_pt_bad[] = {
	{ false, VFIO_AT_MINSZ - 4, 0, "attach, argsz short of pt_id" },
	{ false, VFIO_AT_PASID_END, 1u << 1, "attach, unknown flag bit 1" },
	{ false, VFIO_AT_PASID_END, 1u << 31, "attach, unknown flag bit 31" },
	{ false, VFIO_AT_MINSZ, VFIO_PT_PASID_FLAG,
	  "attach, ATTACH_PASID with argsz short of pasid" },
	{ true, VFIO_DE_MINSZ - 4, 0, "detach, argsz short of flags" },
	{ true, VFIO_DE_PASID_END, 1u << 1, "detach, unknown flag bit 1" },
	{ true, VFIO_DE_MINSZ, VFIO_PT_PASID_FLAG,
	  "detach, DETACH_PASID with argsz short of pasid" },
};

SCENARIO(pasid, vfio_pt_abi,
	 .title = "ATTACH/DETACH_IOMMUFD_PT refuse a short argsz, unknown flags and a PASID flag without the pasid field (EINVAL) and change nothing; a longer argsz is fine",
	 .invariants = "PASID-12")
{
	unsigned d = dma_dev_or_first(c);
	bool dma = dev_has_dma(c, d);
	char *mem = tc_alloc(c, PG);
	uint32_t ioas, pt;
	uint64_t iova;
	unsigned i;

	bind_dev(c, "PASID-12", d, 0);
	ioas = mapped_ioas(c, "PASID-12", mem, &iova);
	/* Refused attaches leave the device unattached: the IOAS is free
	 * and the device blocked. */
	for (i = 0; i < sizeof(vfio_pt_bad) / sizeof(vfio_pt_bad[0]); i++) {
		const struct vfio_pt_bad *b = &vfio_pt_bad[i];

		if (b->detach)
			continue;
		pt = ioas;
		tc_log(c, "%s", b->what);
		CHECK_RET(c, "PASID-12",
			  T_CALL(c->t, vfio_pt_raw, d, false, b->argsz,
				 b->flags, 1, &pt), EINVAL);
	}
	CHECK_OK(c, "PASID-12", T_CALL(c->t, destroy, ioas));
	ioas = mapped_ioas(c, "PASID-12", mem, &iova);
	/* An argsz past the struct, zeros beyond: a plain attach. */
	pt = ioas;
	CHECK_OK(c, "PASID-12", T_CALL(c->t, vfio_pt_raw, d, false,
				       VFIO_AT_PASID_END + 16, 0, 0, &pt));
	if (dma)
		tc_dma_write(c, "PASID-12", d, T_NO_PASID, iova, mem, DMA_LEN,
			     true);
	/* Refused detaches leave it attached. */
	for (i = 0; i < sizeof(vfio_pt_bad) / sizeof(vfio_pt_bad[0]); i++) {
		const struct vfio_pt_bad *b = &vfio_pt_bad[i];

		if (!b->detach)
			continue;
		tc_log(c, "%s", b->what);
		CHECK_RET(c, "PASID-12",
			  T_CALL(c->t, vfio_pt_raw, d, true, b->argsz,
				 b->flags, 0, NULL), EINVAL);
	}
	CHECK_RET(c, "PASID-12", T_CALL(c->t, destroy, ioas), EBUSY);
	if (dma)
		tc_dma_write(c, "PASID-12", d, T_NO_PASID, iova, mem, DMA_LEN,
			     true);
	/* The same argsz rule for a detach: past the struct is fine. */
	CHECK_OK(c, "PASID-12", T_CALL(c->t, vfio_pt_raw, d, true,
				       VFIO_DE_PASID_END + 16, 0, 0, NULL));
	if (dma)
		tc_dma_write(c, "PASID-12", d, T_NO_PASID, iova, mem, DMA_LEN,
			     false);
	CHECK_OK(c, "PASID-12", T_CALL(c->t, destroy, ioas));
}

SCENARIO(pasid, vfio_ida_range,
	 .title = "ATTACH_PASID of a PASID at or above 2^31 fails ENOSPC in VFIO's PASID IDA, before pt_id is looked at, on any device",
	 .invariants = "PASID-13")
{
	static const uint32_t big[] = { 1u << 31, UINT32_MAX - 1 };
	struct attached f;
	uint32_t pt;
	int ret;

	need_vfio_pasid_uapi(c);
	attached_setup(c, "PASID-13", &f, dma_dev_or_first(c),
		       &(struct attached_opts){ .len = PG });
	for (unsigned i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		/* The RID's IOAS, then an ID that names nothing: VFIO's
		 * IDA answers first either way. */
		pt = f.ioas;
		CHECK_RET(c, "PASID-13",
			  T_CALL(c->t, vfio_pt_raw, f.dev, false,
				 VFIO_AT_PASID_END, VFIO_PT_PASID_FLAG,
				 big[i], &pt), ENOSPC);
		pt = 0xfffffe;
		CHECK_RET(c, "PASID-13",
			  T_CALL(c->t, vfio_pt_raw, f.dev, false,
				 VFIO_AT_PASID_END, VFIO_PT_PASID_FLAG,
				 big[i], &pt), ENOSPC);
		/* Nothing was recorded: its detach is the no-op. */
		CHECK_OK(c, "PASID-13",
			 T_CALL(c->t, vfio_pt_raw, f.dev, true, VFIO_DE_PASID_END,
				VFIO_PT_PASID_FLAG, big[i], NULL));
	}
	/*
	 * One PASID above 2^31 is special in 7.2: ida_exists() compares
	 * ida_find_first_range()'s answer with the ID, and for any ID at
	 * or above 2^31 that answer is -EINVAL, which equals the ID
	 * 0xffffffea. VFIO then takes it for an attached PASID and asks
	 * iommufd for a replace of nothing (EINVAL). A gap the contract
	 * names (Open questions), not a pass.
	 */
	pt = f.ioas;
	ret = T_CALL(c->t, vfio_pt_raw, f.dev, false, VFIO_AT_PASID_END,
		     VFIO_PT_PASID_FLAG, (uint32_t)-EINVAL, &pt);
	if (ret == -EINVAL)
		tc_gap(c, "PASID-13",
		       "PASID 0xffffffea ((u32)-EINVAL) gives EINVAL, not ENOSPC: 7.2's ida_exists() matches ida_find_first_range()'s -EINVAL, so VFIO tries a replace");
	else
		CHECK_RET(c, "PASID-13", ret, ENOSPC);
	CHECK_OK(c, "PASID-13",
		 T_CALL(c->t, vfio_pt_raw, f.dev, true, VFIO_DE_PASID_END,
			VFIO_PT_PASID_FLAG, (uint32_t)-EINVAL, NULL));
	/* The RID is untouched. */
	if (f.dma)
		tc_dma_write(c, "PASID-13", f.dev, T_NO_PASID, f.iova, f.mem,
			     DMA_LEN, true);
	detach_rid(c, "PASID-13", f.dev);
	CHECK_OK(c, "PASID-13", T_CALL(c->t, destroy, f.ioas));
}
