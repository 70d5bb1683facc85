// SPDX-License-Identifier: GPL-2.0
/*
 * PASID attachments through VFIO (PASID-1..10): which HWPTs a PASID (and the
 * RID next to it) may take, replace and detach semantics per PASID, and the
 * PASID range.
 */
#include "sc_util.h"

#define LEN 256

/* A PASID-capable device bound to ctx 0, with DMA noted. */
struct pctx {
	unsigned dev;
	bool dma;
	uint32_t p1, p2;
};

static void pasid_setup(struct tc *c, struct pctx *p, const char *inv)
{
	int dma = -1;

	/* Prefer a PASID device that also has DMA. */
	for (unsigned i = 0; i < c->caps->ndev; i++)
		if (c->caps->dev[i].max_pasid_log2 && c->caps->dev[i].dma &&
		    dev_with_dma(c, -1) >= 0) {
			dma = (int)i;
			break;
		}
	p->dev = dma >= 0 ? (unsigned)dma : need_pasid_dev(c, false);
	p->dma = dma >= 0;
	p->p1 = 1;
	p->p2 = c->caps->dev[p->dev].max_pasid_log2 >= 2 ? 2 : 1;
	if (p->p1 == p->p2)
		tc_skip(c, "device has a 1-bit PASID space only");
	bind_dev(c, inv, p->dev, 0);
	need_pasid_attach(c, inv, p->dev);
}

/* A fresh IOAS with one page of fresh memory at iova, and a PASID-
 * compatible (or plain) HWPT on it. */
static uint32_t space(struct tc *c, const char *inv, unsigned dev,
		      uint32_t hflags, void **mem, uint64_t iova,
		      uint32_t *ioas_out)
{
	uint32_t ioas = new_ioas(c, inv, 0);

	*mem = tc_alloc(c, PG);
	map_fixed(c, inv, ioas, *mem, PG, iova, RW);
	if (ioas_out)
		*ioas_out = ioas;
	return new_hwpt(c, inv, dev, ioas, hflags);
}

/* An IOVA valid in any fresh IOAS (no reservations yet). */
static uint64_t common_iova(struct tc *c, unsigned slot)
{
	uint32_t ioas = new_ioas(c, "PASID-1", 0);
	uint64_t iova = tc_pick_iova(c, ioas, PG, PG, slot);

	T_CALL(c->t, destroy, ioas);
	return iova;
}

SCENARIO(pasid, needs_pasid_hwpt,
	 .title = "a PASID attach needs an HWPT allocated with ALLOC_PASID; an IOAS or plain HWPT is refused",
	 .invariants = "PASID-1",
	 .requires = REQ_PASID | REQ_HWPT_ALLOC)
{
	struct pctx p;
	uint64_t iova = common_iova(c, 0);
	uint32_t ioas, plain, hp;
	void *m, *m2;

	pasid_setup(c, &p, "PASID-1");
	plain = space(c, "PASID-1", p.dev, 0, &m, iova, &ioas);
	hp = space(c, "PASID-1", p.dev, T_HWPT_PASID, &m2, iova, NULL);
	CHECK_RET(c, "PASID-1", T_CALL(c->t, attach, p.dev, p.p1, ioas, NULL),
		  EINVAL);
	CHECK_RET(c, "PASID-1", T_CALL(c->t, attach, p.dev, p.p1, plain, NULL),
		  EINVAL);
	if (p.dma)
		tc_dma_write(c, "PASID-1", p.dev, p.p1, iova, m, LEN, false);
	CHECK_OK(c, "PASID-1", T_CALL(c->t, attach, p.dev, p.p1, hp, NULL));
	if (p.dma)
		tc_dma_write(c, "PASID-1", p.dev, p.p1, iova, m2, LEN, true);
	tc_end(c);
}

SCENARIO(pasid, rid_nonpasid_refused,
	 .title = "while a PASID is attached, replacing the RID with a non-PASID HWPT or IOAS fails EINVAL",
	 .invariants = "PASID-2",
	 .requires = REQ_PASID | REQ_HWPT_ALLOC)
{
	struct pctx p;
	uint64_t iova = common_iova(c, 0);
	uint32_t hr, hp, plain, ioas, out = 0;
	void *mr, *mp, *m0;

	pasid_setup(c, &p, "PASID-2");
	hr = space(c, "PASID-2", p.dev, T_HWPT_PASID, &mr, iova, NULL);
	hp = space(c, "PASID-2", p.dev, T_HWPT_PASID, &mp, iova, NULL);
	plain = space(c, "PASID-2", p.dev, 0, &m0, iova, &ioas);
	attach_rid(c, "PASID-2", p.dev, hr);
	attach_pasid(c, "PASID-2", p.dev, p.p1, hp);
	CHECK_RET(c, "PASID-2", T_CALL(c->t, attach, p.dev, T_NO_PASID, plain,
				       NULL), EINVAL);
	CHECK_RET(c, "PASID-2", T_CALL(c->t, attach, p.dev, T_NO_PASID, ioas,
				       NULL), EINVAL);
	/* The RID stayed on hr. */
	CHECK_OK(c, "PASID-2", T_CALL(c->t, attach, p.dev, T_NO_PASID, hr, &out));
	tc_check(c, "PASID-2", out == hr, "RID answers as on %u, not %u", out,
		 hr);
	if (p.dma) {
		tc_dma_write(c, "PASID-2", p.dev, T_NO_PASID, iova, mr, LEN, true);
		tc_dma_write(c, "PASID-2", p.dev, p.p1, iova, mp, LEN, true);
	}
	/* Once the PASID is gone the RID may take the plain HWPT. */
	CHECK_OK(c, "PASID-2", T_CALL(c->t, detach, p.dev, p.p1));
	CHECK_OK(c, "PASID-2", T_CALL(c->t, attach, p.dev, T_NO_PASID, plain,
				      NULL));
	tc_end(c);
}

SCENARIO(pasid, attach_while_rid_nonpasid,
	 .title = "a PASID attach while the RID sits on a non-PASID HWPT or auto domain fails EINVAL",
	 .invariants = "PASID-3,SEED-A",
	 .requires = REQ_PASID | REQ_HWPT_ALLOC)
{
	struct pctx p;
	uint64_t iova = common_iova(c, 0);
	uint32_t hp, hr, plain, ioas;
	void *mp, *mr, *m0;

	pasid_setup(c, &p, "PASID-3");
	hp = space(c, "PASID-3", p.dev, T_HWPT_PASID, &mp, iova, NULL);
	hr = space(c, "PASID-3", p.dev, T_HWPT_PASID, &mr, iova, NULL);
	plain = space(c, "PASID-3", p.dev, 0, &m0, iova, &ioas);
	attach_rid(c, "PASID-3", p.dev, ioas);
	CHECK_RET(c, "PASID-3", T_CALL(c->t, attach, p.dev, p.p1, hp, NULL),
		  EINVAL);
	attach_rid(c, "PASID-3", p.dev, plain);
	CHECK_RET(c, "PASID-3", T_CALL(c->t, attach, p.dev, p.p1, hp, NULL),
		  EINVAL);
	if (p.dma)
		tc_dma_write(c, "PASID-3", p.dev, p.p1, iova, mp, LEN, false);
	attach_rid(c, "PASID-3", p.dev, hr);
	CHECK_OK(c, "PASID-3", T_CALL(c->t, attach, p.dev, p.p1, hp, NULL));
	/* Detached RID: a PASID attach has nothing to be compatible with.
	 * (The RID detach with a PASID attached is SEED-A's rule.) */
	CHECK_OK(c, "SEED-A", T_CALL(c->t, detach, p.dev, T_NO_PASID));
	CHECK_OK(c, "PASID-3", T_CALL(c->t, attach, p.dev, p.p2, hp, NULL));
	tc_end(c);
}

SCENARIO(pasid, second_attach_replaces,
	 .title = "a second PASID attach through VFIO replaces: the PASID then translates through the new HWPT only",
	 .invariants = "PASID-4",
	 .requires = REQ_PASID | REQ_HWPT_ALLOC)
{
	struct pctx p;
	uint64_t iova = common_iova(c, 0), iova2 = common_iova(c, 2);
	uint32_t h1, h2, ioas1, out = 0, s1;
	void *m1, *m2, *only1 = NULL;

	pasid_setup(c, &p, "PASID-4");
	h1 = space(c, "PASID-4", p.dev, T_HWPT_PASID, &m1, iova, &ioas1);
	h2 = space(c, "PASID-4", p.dev, T_HWPT_PASID, &m2, iova, NULL);
	only1 = tc_alloc(c, PG);
	map_fixed(c, "PASID-4", ioas1, only1, PG, iova2, RW);
	attach_pasid(c, "PASID-4", p.dev, p.p1, h1);
	if (p.dma) {
		tc_dma_write(c, "PASID-4", p.dev, p.p1, iova, m1, LEN, true);
		tc_dma_write(c, "PASID-4", p.dev, p.p1, iova2, only1, LEN, true);
	}
	CHECK_OK(c, "PASID-4", T_CALL(c->t, attach, p.dev, p.p1, h2, &out));
	tc_check(c, "PASID-4", out == h2, "replace returned %u, not %u", out,
		 h2);
	CHECK_OK(c, "PASID-4", T_CALL(c->t, attach, p.dev, p.p1, h2, NULL));
	/* h1 is unused now. */
	CHECK_OK(c, "PASID-4", T_CALL(c->t, destroy, h1));
	if (p.dma) {
		s1 = mem_mark(c, m1, PG);
		tc_dma_write(c, "PASID-4", p.dev, p.p1, iova, m2, LEN, true);
		mem_unchanged(c, "PASID-4", m1, PG, s1,
			      "the old HWPT's page for the same IOVA");
		tc_dma_write(c, "PASID-4", p.dev, p.p1, iova2, only1, LEN,
			     false);
	}
	tc_end(c);
}

/* pasid.detach_unattached_ok is a variant of attach.c's detach_unattached. */

SCENARIO(pasid, out_of_range,
	 .title = "a PASID at or above 2^max_pasid_log2 is refused EINVAL; the largest valid one works",
	 .invariants = "PASID-6",
	 .requires = REQ_PASID | REQ_HWPT_ALLOC)
{
	struct pctx p;
	uint64_t iova = common_iova(c, 0);
	unsigned bits;
	uint32_t hp;
	void *m;

	pasid_setup(c, &p, "PASID-6");
	bits = c->caps->dev[p.dev].max_pasid_log2;
	if (bits >= 32)
		tc_skip(c, "max_pasid_log2 %u leaves no PASID out of range", bits);
	hp = space(c, "PASID-6", p.dev, T_HWPT_PASID, &m, iova, NULL);
	CHECK_RET(c, "PASID-6", T_CALL(c->t, attach, p.dev, 1u << bits, hp,
				       NULL), EINVAL);
	if (bits < 31)
		CHECK_RET(c, "PASID-6", T_CALL(c->t, attach, p.dev,
					       (1u << bits) + 1, hp, NULL),
			  EINVAL);
	CHECK_OK(c, "PASID-6", T_CALL(c->t, attach, p.dev, (1u << bits) - 1,
				      hp, NULL));
	tc_end(c);
}

SCENARIO(pasid, failed_replace_keeps_old,
	 .title = "a failed PASID replace keeps the old domain on that PASID",
	 .invariants = "PASID-7",
	 .requires = REQ_PASID | REQ_HWPT_ALLOC)
{
	struct pctx p;
	uint64_t iova = common_iova(c, 0);
	uint32_t hp, plain, ioas, out = 0;
	void *mp, *m0;

	pasid_setup(c, &p, "PASID-7");
	hp = space(c, "PASID-7", p.dev, T_HWPT_PASID, &mp, iova, NULL);
	plain = space(c, "PASID-7", p.dev, 0, &m0, iova, &ioas);
	attach_pasid(c, "PASID-7", p.dev, p.p1, hp);
	if (p.dma)
		tc_dma_write(c, "PASID-7", p.dev, p.p1, iova, mp, LEN, true);
	CHECK_RET(c, "PASID-7", T_CALL(c->t, attach, p.dev, p.p1, plain, NULL),
		  EINVAL);
	CHECK_RET(c, "PASID-7", T_CALL(c->t, attach, p.dev, p.p1, ioas, NULL),
		  EINVAL);
	if (p.dma)
		tc_dma_write(c, "PASID-7", p.dev, p.p1, iova, mp, LEN, true);
	/* Refusals by the driver rather than by iommufd's checks: a PASID
	 * HWPT of another IOMMU instance, and injected failures. */
	for (unsigned o = 0; o < c->caps->ndev; o++) {
		uint32_t other_ioas, hother;
		void *mo;

		if (c->caps->dev[o].iommu == c->caps->dev[p.dev].iommu ||
		    !c->caps->dev[o].max_pasid_log2)
			continue;
		bind_dev(c, "PASID-7", o, 0);
		other_ioas = new_ioas(c, "PASID-7", 0);
		mo = tc_alloc(c, PG);
		map_fixed(c, "PASID-7", other_ioas, mo, PG, iova, RW);
		hother = new_hwpt(c, "PASID-7", o, other_ioas, T_HWPT_PASID);
		CHECK_RET(c, "PASID-7",
			  T_CALL(c->t, attach, p.dev, p.p1, hother, NULL),
			  EINVAL);
		if (p.dma)
			tc_dma_write(c, "PASID-7", p.dev, p.p1, iova, mp, LEN,
				     true);
		break;
	}
	if (c->caps->fault_inject) {
		uint32_t h2 = space(c, "PASID-7", p.dev, T_HWPT_PASID, &m0,
				    iova, NULL);
		int ret = -1;

		for (unsigned nth = 1; nth <= 8 && ret; nth++) {
			REQUIRE(c, "PASID-7",
				T_CALL(c->t, inject_fail_nth, nth));
			ret = T_CALL(c->t, attach, p.dev, p.p1, h2, NULL);
			T_CALL(c->t, inject_fail_nth, 0);
			tc_log(c, "PASID replace with fail-nth %u: %s", nth,
			       errno_name(ret));
			if (ret && p.dma && nth <= 2)
				tc_dma_write(c, "PASID-7", p.dev, p.p1, iova,
					     mp, LEN, true);
		}
		/* Back to hp for the checks below. */
		if (!ret)
			REQUIRE(c, "PASID-7",
				T_CALL(c->t, attach, p.dev, p.p1, hp, NULL));
	}
	CHECK_RET(c, "PASID-7", T_CALL(c->t, destroy, hp), EBUSY);
	CHECK_OK(c, "PASID-7", T_CALL(c->t, attach, p.dev, p.p1, hp, &out));
	tc_check(c, "PASID-7", out == hp, "PASID answers as on %u, not %u",
		 out, hp);
	tc_end(c);
}

SCENARIO(pasid, detach_one_pasid_only,
	 .title = "detaching a PASID blocks that PASID only; the RID and other PASIDs keep translating",
	 .invariants = "PASID-8",
	 .requires = REQ_PASID | REQ_HWPT_ALLOC)
{
	struct pctx p;
	uint64_t iova = common_iova(c, 0);
	uint32_t hr, h1, h2;
	void *mr, *m1, *m2;

	pasid_setup(c, &p, "PASID-8");
	hr = space(c, "PASID-8", p.dev, T_HWPT_PASID, &mr, iova, NULL);
	h1 = space(c, "PASID-8", p.dev, T_HWPT_PASID, &m1, iova, NULL);
	h2 = space(c, "PASID-8", p.dev, T_HWPT_PASID, &m2, iova, NULL);
	attach_rid(c, "PASID-8", p.dev, hr);
	attach_pasid(c, "PASID-8", p.dev, p.p1, h1);
	attach_pasid(c, "PASID-8", p.dev, p.p2, h2);
	if (p.dma) {
		tc_dma_write(c, "PASID-8", p.dev, T_NO_PASID, iova, mr, LEN, true);
		tc_dma_write(c, "PASID-8", p.dev, p.p1, iova, m1, LEN, true);
		tc_dma_write(c, "PASID-8", p.dev, p.p2, iova, m2, LEN, true);
	}
	CHECK_OK(c, "PASID-8", T_CALL(c->t, detach, p.dev, p.p1));
	if (p.dma) {
		tc_dma_write(c, "PASID-8", p.dev, p.p1, iova, m1, LEN, false);
		tc_dma_write(c, "PASID-8", p.dev, T_NO_PASID, iova, mr, LEN, true);
		tc_dma_write(c, "PASID-8", p.dev, p.p2, iova, m2, LEN, true);
	}
	CHECK_OK(c, "PASID-8", T_CALL(c->t, destroy, h1));
	CHECK_RET(c, "PASID-8", T_CALL(c->t, destroy, h2), EBUSY);
	CHECK_RET(c, "PASID-8", T_CALL(c->t, destroy, hr), EBUSY);
	tc_end(c);
}

SCENARIO(pasid, non_pasid_device,
	 .title = "a PASID attach on a device without PASID capability fails",
	 .invariants = "PASID-9",
	 .requires = REQ_HWPT_ALLOC)
{
	int d = -1;
	uint32_t ioas, h;
	uint64_t iova;
	void *m = tc_alloc(c, PG);
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
	map_fixed(c, "PASID-9", ioas, m, PG, iova, RW);
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
	tc_log(c, "PASID attach on non-PASID dev %d: %s", d, errno_name(ret));
	CHECK_RET(c, "PASID-9", ret, 0, EINVAL, EOPNOTSUPP);
	/* Whatever the answer, the RID is unaffected. */
	CHECK_OK(c, "PASID-9", T_CALL(c->t, detach, (unsigned)d, 1));
	/* Nothing holds the HWPT any more: neither the PASID nor the RID. */
	CHECK_OK(c, "PASID-9", T_CALL(c->t, destroy, h));
	tc_end(c);
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
	 .invariants = "PASID-10",
	 .requires = REQ_HWPT_ALLOC)
{
	int d = -1;
	uint32_t ioas, h = 0, got = 0;
	uint64_t iova;
	void *m = tc_alloc(c, PG);
	int ret;

	if (!c->caps->pasid_uapi)
		tc_skip(c, "kernel lacks the VFIO PASID attach uAPI");
	for (unsigned i = 0; i < c->caps->ndev && d < 0; i++)
		if (c->caps->dev[i].max_pasid_log2)
			d = (int)i;
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
	tc_check(c, "PASID-10", ret == -EOPNOTSUPP,
		 "PASID attach through the driver returned %s, expected 0 (supported) or EOPNOTSUPP",
		 errno_name(ret));
	/* The refusal is stable and left nothing behind. */
	CHECK_RET(c, "PASID-10", T_CALL(c->t, attach, (unsigned)d, 1, h, NULL),
		  EOPNOTSUPP);
	CHECK_OK(c, "PASID-10", T_CALL(c->t, detach, (unsigned)d, 1));
	/* The same HWPT still serves the RID. */
	CHECK_OK(c, "PASID-10",
		 T_CALL(c->t, attach, (unsigned)d, T_NO_PASID, h, &got));
	tc_check(c, "PASID-10", got == h, "the RID attached to %u, not %u",
		 got, h);
	if (c->caps->dev[d].dma && dev_with_dma(c, -1) >= 0)
		tc_dma_write(c, "PASID-10", (unsigned)d, T_NO_PASID, iova, m,
			     LEN, true);
	CHECK_OK(c, "PASID-10", T_CALL(c->t, detach, (unsigned)d, T_NO_PASID));
	CHECK_OK(c, "PASID-10", T_CALL(c->t, destroy, h));
	tc_end(c);
}
