// SPDX-License-Identifier: GPL-2.0
/*
 * The three rules of the seed discussion (docs/contract.md SEED-A/B/C):
 *  A. detaching the RID turns off only the non-PASID address space;
 *  B. once ownership is released the group's PASID table is empty;
 *  C. every RID has its own PASID mapping, even when RIDs share a domain.
 */
#include "fixture.h"

/*
 * SEED-A over a RID detach, with the PASID attached before it (and landing
 * before it too), or only after it. The one attached afterwards is the
 * device's top PASID, which no other case sends DMA with, so a translation
 * model that keeps per-PASID state cannot answer it from what an earlier
 * transfer left behind (QEMU's VT-d model checked every PASID against the
 * RID's PASID entry: docs/findings.md F3).
 */
struct rid_detach_case {
	struct scenario sc;
	bool pasid_after; /* attach the top PASID after the detach */
};

SCENARIO_VARIANTS(seed, rid_detach_keeps_pasid, struct rid_detach_case,
	{ VARIANT(seed, a_rid_detach_keeps_pasid,
		  .title = "RID->d1, PASID p->d2, detach the RID: p still lands through d2, RID DMA blocked",
		  .invariants = "SEED-A,ATTACH-6",
		  .requires = REQ_PASID | REQ_HWPT_ALLOC | REQ_DMA) },
	{ VARIANT(seed, a_pasid_after_rid_detach,
		  .title = "RID->d1 then detached; PASID p (the top one) attached afterwards lands through d2, RID DMA blocked",
		  .invariants = "SEED-A,ATTACH-6",
		  .requires = REQ_PASID | REQ_HWPT_ALLOC | REQ_DMA),
	  .pasid_after = true })
{
	struct mapped_hwpt d2;
	struct pasid_dev p;
	uint64_t iova2;
	uint32_t pasid;
	unsigned bits;

	pasid_dev_setup(c, "SEED-A", &p, PASID_DEV_NEED_DMA);
	bits = c->caps->dev[p.dev].max_pasid_log2;
	pasid = !variant->pasid_after ? p.p1 :
		bits >= 20 ? 0xfffff : (1u << bits) - 1;
	/* d2 maps another IOVA than the RID's d1: a PASID transfer that
	 * fell back to the RID's domain could not land. */
	iova2 = fresh_ioas_iova(c, "SEED-A", 1);
	mapped_hwpt_setup(c, "SEED-A", &d2, p.dev, T_HWPT_PASID, iova2);
	attach_rid(c, "SEED-A", p.dev, p.rid.hwpt);
	if (!variant->pasid_after)
		attach_pasid(c, "SEED-A", p.dev, pasid, d2.hwpt);
	/* The RID translates: the positive control of the blocked check. */
	tc_dma_write(c, "SEED-A", p.dev, T_NO_PASID, p.iova, p.rid.mem, DMA_LEN,
		     true);
	if (!variant->pasid_after)
		tc_dma_write(c, "SEED-A", p.dev, pasid, iova2, d2.mem, DMA_LEN,
			     true);
	if (!CHECK_OK(c, "SEED-A", T_CALL(c->t, detach, p.dev, T_NO_PASID))) {
		/* A refused detach leaves nothing to say about blocking. */
		if (variant->pasid_after)
			tc_log(c, "RID still attached: nothing to say about PASID 0x%x",
			       pasid);
		else
			tc_log(c, "RID still attached: RID-blocked check not applicable");
		tc_end(c);
	}
	if (variant->pasid_after) {
		tc_log(c, "RID detached; attaching PASID 0x%x", pasid);
		attach_pasid(c, "SEED-A", p.dev, pasid, d2.hwpt);
	}
	tc_dma_write(c, "SEED-A", p.dev, pasid, iova2, d2.mem, DMA_LEN, true);
	tc_dma_read(c, "SEED-A", p.dev, pasid, iova2 + 0x400, d2.mem + 0x400,
		    DMA_LEN, true);
	tc_dma_write(c, "ATTACH-6", p.dev, T_NO_PASID, p.iova, p.rid.mem,
		     DMA_LEN, false);
}

SCENARIO(seed, a_pasid_survives_rid_detach,
	 .title = "after a RID detach the PASID attachment still exists: a non-PASID RID attach fails until p is detached",
	 .invariants = "SEED-A,PASID-2", .requires = REQ_PASID | REQ_HWPT_ALLOC)
{
	struct pasid_dev p;

	pasid_dev_setup(c, "SEED-A", &p, PASID_DEV_FIRST | PASID_DEV_ATTACHED);
	CHECK_OK(c, "SEED-A", T_CALL(c->t, detach, p.dev, T_NO_PASID));
	/* p still holds its HWPT; the RID's is free. */
	CHECK_RET(c, "SEED-A", T_CALL(c->t, destroy, p.pasid.hwpt), EBUSY);
	CHECK_OK(c, "SEED-A", T_CALL(c->t, destroy, p.rid.hwpt));
	CHECK_RET(c, "SEED-A", T_CALL(c->t, attach, p.dev, T_NO_PASID,
				      p.plain.hwpt, NULL), EINVAL);
	/* Once p goes, its HWPT is free and the RID may take a plain one. */
	detach_pasid(c, "SEED-A", p.dev, p.p1);
	CHECK_OK(c, "SEED-A", T_CALL(c->t, destroy, p.pasid.hwpt));
	CHECK_OK(c, "PASID-2", T_CALL(c->t, attach, p.dev, T_NO_PASID,
				      p.plain.hwpt, NULL));
}

/* SEED-B, the new owner being the same context or another one. */
struct release_case {
	struct scenario sc;
	unsigned ctx; /* of the new binding */
};

/* p1 and p2 share one PASID HWPT; each writes at its own offset. */
static void both_pasids_dma(struct tc *c, const struct pasid_dev *p,
			    bool land)
{
	tc_dma_write(c, "SEED-B", p->dev, p->p1, p->iova, p->pasid.mem,
		     DMA_LEN, land);
	tc_dma_write(c, "SEED-B", p->dev, p->p2, p->iova + 0x800,
		     p->pasid.mem + 0x800, DMA_LEN, land);
}

SCENARIO_VARIANTS(seed, release_then_rebind, struct release_case,
	{ VARIANT(seed, b_release_clears_pasids,
		  .title = "unbind with PASIDs attached, bind again in the same context: nothing of the PASIDs is inherited",
		  .invariants = "SEED-B",
		  .requires = REQ_PASID | REQ_HWPT_ALLOC) },
	{ VARIANT(seed, b_release_clears_pasids_other_ctx,
		  .title = "unbind with PASIDs attached, bind in another context: the new owner sees no PASID translation",
		  .invariants = "SEED-B",
		  .requires = REQ_PASID | REQ_HWPT_ALLOC | REQ_2CTX),
	  .ctx = 1 })
{
	const unsigned ctx = variant->ctx;
	struct pasid_dev p;
	uint32_t ioas2, hp2;
	bool p1_free, p2_free;
	char *mp2;

	pasid_dev_setup(c, "SEED-B", &p, PASID_DEV_FIRST | PASID_DEV_ATTACHED);
	attach_pasid(c, "SEED-B", p.dev, p.p2, p.pasid.hwpt);
	if (p.dma)
		both_pasids_dma(c, &p, true);
	/* Release with both PASIDs and the RID attached: the act. */
	unbind_dev(c, "SEED-B", p.dev);
	/* The old HWPTs are no longer used by anything. */
	CHECK_OK(c, "SEED-B", T_CALL(c->t, destroy, p.rid.hwpt));
	bind_dev(c, "SEED-B", p.dev, ctx);
	if (p.dma)
		both_pasids_dma(c, &p, false);
	/* A fresh device: the RID takes a non-PASID domain (impossible
	 * with a PASID still attached) ... */
	ioas2 = new_ioas(c, "SEED-B", ctx);
	mp2 = tc_alloc(c, PG);
	map_fixed(c, "SEED-B", ioas2, mp2, PG, p.iova, RW);
	CHECK_OK(c, "SEED-B", T_CALL(c->t, attach, p.dev, T_NO_PASID, ioas2,
				     NULL));
	detach_rid(c, "SEED-B", p.dev);
	/* ... and p1, p2 take first attaches. A PASID the old owner leaked
	 * stays in the group's table: the re-BIND to the same iommufd
	 * succeeds (same owner), this attach fails EBUSY. */
	hp2 = new_hwpt(c, "SEED-B", p.dev, ioas2, T_HWPT_PASID);
	p1_free = CHECK_OK(c, "SEED-B",
			   T_CALL(c->t, attach, p.dev, p.p1, hp2, NULL));
	p2_free = CHECK_OK(c, "SEED-B",
			   T_CALL(c->t, attach, p.dev, p.p2, hp2, NULL));
	if (!p1_free || !p2_free)
		tc_end(c);
	/* p1 translates through the new HWPT only. */
	if (p.dma) {
		uint32_t s = mem_mark(c, p.pasid.mem, PG);

		tc_dma_write(c, "SEED-B", p.dev, p.p1, p.iova, mp2, DMA_LEN,
			     true);
		mem_unchanged(c, "SEED-B", p.pasid.mem, PG, s,
			      "the previous owner's PASID page");
	}
	if (ctx == 0)
		CHECK_OK(c, "SEED-B", T_CALL(c->t, destroy, p.pasid.hwpt));
}

/* Two PASID devices in different groups on one IOMMU, with DMA if any;
 * each bound to context 0 and able to take PASID attachments. */
static void seed_c_pair(struct tc *c, unsigned *a, unsigned *b)
{
	const struct target_caps *caps = c->caps;
	int best = -1;

	for (unsigned x = 0; x < caps->ndev; x++)
		for (unsigned y = 0; y < caps->ndev; y++) {
			int score;

			if (x == y || caps->dev[x].group == caps->dev[y].group ||
			    caps->dev[x].iommu != caps->dev[y].iommu ||
			    !caps->dev[x].max_pasid_log2 ||
			    !caps->dev[y].max_pasid_log2)
				continue;
			score = dev_has_dma(c, x) + dev_has_dma(c, y);
			if (score > best) {
				best = score;
				*a = x;
				*b = y;
			}
		}
	if (best < 0)
		tc_skip(c, "needs two PASID-capable devices in different groups on one IOMMU");
}

/* The shared RID domain hr (of a) and one PASID HWPT each, hx for a and
 * hy for b, all mapping their own page at iova. */
struct shared_domain {
	unsigned a, b;
	uint64_t iova;
	struct mapped_hwpt hr, hx, hy;
};

static void shared_domain_setup(struct tc *c, struct shared_domain *s,
				bool need_dma)
{
	s->a = s->b = 0;
	s->iova = fresh_ioas_iova(c, "SEED-C", 0);
	seed_c_pair(c, &s->a, &s->b);
	if (need_dma && (!dev_has_dma(c, s->a) || !dev_has_dma(c, s->b)))
		tc_skip(c, "needs DMA on both PASID devices");
	bind_dev(c, "SEED-C", s->a, 0);
	bind_dev(c, "SEED-C", s->b, 0);
	need_pasid_attach(c, "SEED-C", s->a);
	need_pasid_attach(c, "SEED-C", s->b);
	mapped_hwpt_setup(c, "SEED-C", &s->hr, s->a, T_HWPT_PASID, s->iova);
	mapped_hwpt_setup(c, "SEED-C", &s->hx, s->a, T_HWPT_PASID, s->iova);
	mapped_hwpt_setup(c, "SEED-C", &s->hy, s->b, T_HWPT_PASID, s->iova);
	attach_rid(c, "SEED-C", s->a, s->hr.hwpt);
	attach_rid(c, "SEED-C", s->b, s->hr.hwpt);
}

/* A PASID p transfer from dev, expected to land in (or miss) h's page. */
static void shared_dma(struct tc *c, const struct shared_domain *s,
		       unsigned dev, uint32_t pasid,
		       const struct mapped_hwpt *h, bool land)
{
	tc_dma_write(c, "SEED-C", dev, pasid, s->iova, h->mem, DMA_LEN, land);
}

SCENARIO(seed, c_shared_domain_own_pasids,
	 .title = "one HWPT on two RIDs: a PASID attached on A does not translate on B; each keeps its own",
	 .invariants = "SEED-C",
	 .requires = REQ_2PASID_DEVS | REQ_PASID | REQ_HWPT_ALLOC | REQ_DMA,
	 .min_devs = 2)
{
	const uint32_t p = 1;
	struct shared_domain s;

	shared_domain_setup(c, &s, true);
	/* Both RIDs translate through the shared domain: each device's
	 * positive control before its blocked checks. */
	shared_dma(c, &s, s.a, T_NO_PASID, &s.hr, true);
	shared_dma(c, &s, s.b, T_NO_PASID, &s.hr, true);
	attach_pasid(c, "SEED-C", s.a, p, s.hx.hwpt);
	shared_dma(c, &s, s.a, p, &s.hx, true);
	shared_dma(c, &s, s.b, p, &s.hx, false);
	/* Each attach and detach below is the act; the DMA is the rule. */
	attach_pasid(c, "SEED-C", s.b, p, s.hy.hwpt);
	shared_dma(c, &s, s.a, p, &s.hx, true);
	shared_dma(c, &s, s.b, p, &s.hy, true);
	detach_pasid(c, "SEED-C", s.a, p);
	shared_dma(c, &s, s.a, p, &s.hx, false);
	shared_dma(c, &s, s.b, p, &s.hy, true);
	/* The shared RID domain is untouched by all of it. */
	shared_dma(c, &s, s.b, T_NO_PASID, &s.hr, true);
}

SCENARIO(seed, c_pasid_not_shared,
	 .title = "one HWPT on two RIDs, PASID p on A only: B has no PASID (its RID may take a non-PASID HWPT)",
	 .invariants = "SEED-C",
	 .requires = REQ_2PASID_DEVS | REQ_PASID | REQ_HWPT_ALLOC,
	 .min_devs = 2)
{
	const uint32_t p = 1;
	struct shared_domain s;
	struct mapped_hwpt plain;

	shared_domain_setup(c, &s, false);
	mapped_hwpt_setup(c, "SEED-C", &plain, s.b, 0, s.iova);
	attach_pasid(c, "SEED-C", s.a, p, s.hx.hwpt);
	/* B has no PASID attached: detaching p on B is a no-op and its RID
	 * may move to a non-PASID HWPT. */
	CHECK_OK(c, "SEED-C", T_CALL(c->t, detach, s.b, p));
	CHECK_OK(c, "SEED-C", T_CALL(c->t, attach, s.b, T_NO_PASID, plain.hwpt,
				     NULL));
	/* A's p survived B's moves: it still holds hx. */
	CHECK_RET(c, "SEED-C", T_CALL(c->t, destroy, s.hx.hwpt), EBUSY);
	/* B back on the shared domain, p on B to its own HWPT; then A's p
	 * goes. */
	attach_rid(c, "SEED-C", s.b, s.hr.hwpt);
	attach_pasid(c, "SEED-C", s.b, p, s.hy.hwpt);
	detach_pasid(c, "SEED-C", s.a, p);
	/* B's p still holds hy; A's released hx. */
	CHECK_RET(c, "SEED-C", T_CALL(c->t, destroy, s.hy.hwpt), EBUSY);
	CHECK_OK(c, "SEED-C", T_CALL(c->t, destroy, s.hx.hwpt));
}
