// SPDX-License-Identifier: GPL-2.0
/*
 * The three rules of the seed discussion (docs/contract.md SEED-A/B/C):
 *  A. detaching the RID turns off only the non-PASID address space;
 *  B. once ownership is released the group's PASID table is empty;
 *  C. every RID has its own PASID mapping, even when RIDs share a domain.
 */
#include "sc_util.h"

#define LEN 256

/* A fresh IOAS mapping one page of fresh memory at iova, and an HWPT. */
static uint32_t space(struct tc *c, const char *inv, unsigned dev,
		      uint32_t hflags, void **mem, uint64_t iova)
{
	uint32_t ioas = new_ioas(c, inv, 0);

	*mem = tc_alloc(c, PG);
	map_fixed(c, inv, ioas, *mem, PG, iova, RW);
	return new_hwpt(c, inv, dev, ioas, hflags);
}

static uint64_t low_iova(struct tc *c, unsigned slot)
{
	uint32_t ioas = new_ioas(c, "SEED-A", 0);
	uint64_t iova = tc_pick_iova(c, ioas, PG, PG, slot);

	T_CALL(c->t, destroy, ioas);
	return iova;
}

static bool pasid_dma_dev(const struct tc *c, unsigned dev)
{
	return dev_with_dma(c, -1) >= 0 && c->caps->dev[dev].dma;
}

SCENARIO(seed_a_rid_detach_keeps_pasid,
	 .id = "seed.a_rid_detach_keeps_pasid",
	 .title = "RID->d1, PASID p->d2, detach the RID: p still lands through d2, RID DMA blocked",
	 .invariants = "SEED-A,ATTACH-6",
	 .requires = REQ_PASID | REQ_HWPT_ALLOC | REQ_DMA)
{
	unsigned d = need_pasid_dev(c, true);
	uint64_t iova = low_iova(c, 0), iova2 = low_iova(c, 1);
	uint32_t d1, d2;
	void *m1, *m2;
	const uint32_t p = 1;

	bind_dev(c, "SEED-A", d, 0);
	need_pasid_attach(c, "SEED-A", d);
	d1 = space(c, "SEED-A", d, T_HWPT_PASID, &m1, iova);
	d2 = space(c, "SEED-A", d, T_HWPT_PASID, &m2, iova2);
	attach_rid(c, "SEED-A", d, d1);
	attach_pasid(c, "SEED-A", d, p, d2);
	tc_dma_write(c, "SEED-A", d, T_NO_PASID, iova, m1, LEN, true);
	tc_dma_write(c, "SEED-A", d, p, iova2, m2, LEN, true);
	if (!CHECK_OK(c, "SEED-A", T_CALL(c->t, detach, d, T_NO_PASID))) {
		/* A refused detach leaves nothing to say about blocking. */
		tc_log(c, "RID still attached: RID-blocked check not applicable");
		tc_end(c);
	}
	tc_dma_write(c, "SEED-A", d, p, iova2, m2, LEN, true);
	tc_dma_read(c, "SEED-A", d, p, iova2 + 0x400, (char *)m2 + 0x400, LEN,
		    true);
	tc_dma_write(c, "ATTACH-6", d, T_NO_PASID, iova, m1, LEN, false);
	tc_end(c);
}

/*
 * The PASID attached after the RID went away. It is the device's top one,
 * which no other case sends DMA with, so a translation model that keeps
 * per-PASID state cannot answer it from what an earlier transfer left
 * behind (QEMU's VT-d model checked every PASID against the RID's PASID
 * entry: docs/findings.md F3).
 */
SCENARIO(seed_a_pasid_after_rid_detach,
	 .id = "seed.a_pasid_after_rid_detach",
	 .title = "RID->d1 then detached; PASID p (the top one) attached afterwards lands through d2, RID DMA blocked",
	 .invariants = "SEED-A,ATTACH-6",
	 .requires = REQ_PASID | REQ_HWPT_ALLOC | REQ_DMA)
{
	unsigned d = need_pasid_dev(c, true);
	uint64_t iova = low_iova(c, 0), iova2 = low_iova(c, 1);
	unsigned bits = c->caps->dev[d].max_pasid_log2;
	uint32_t d1, d2, p;
	void *m1, *m2;

	p = bits >= 20 ? 0xfffff : (1u << bits) - 1;
	bind_dev(c, "SEED-A", d, 0);
	need_pasid_attach(c, "SEED-A", d);
	d1 = space(c, "SEED-A", d, T_HWPT_PASID, &m1, iova);
	d2 = space(c, "SEED-A", d, T_HWPT_PASID, &m2, iova2);
	attach_rid(c, "SEED-A", d, d1);
	tc_dma_write(c, "SEED-A", d, T_NO_PASID, iova, m1, LEN, true);
	if (!CHECK_OK(c, "SEED-A", T_CALL(c->t, detach, d, T_NO_PASID)))
		tc_end(c);
	tc_log(c, "RID detached; attaching PASID 0x%x", p);
	attach_pasid(c, "SEED-A", d, p, d2);
	tc_dma_write(c, "SEED-A", d, p, iova2, m2, LEN, true);
	tc_dma_read(c, "SEED-A", d, p, iova2 + 0x400, (char *)m2 + 0x400, LEN,
		    true);
	tc_dma_write(c, "ATTACH-6", d, T_NO_PASID, iova, m1, LEN, false);
	tc_end(c);
}

SCENARIO(seed_a_pasid_survives_rid_detach,
	 .id = "seed.a_pasid_survives_rid_detach",
	 .title = "after a RID detach the PASID attachment still exists: a non-PASID RID attach fails until p is detached",
	 .invariants = "SEED-A,PASID-2",
	 .requires = REQ_PASID | REQ_HWPT_ALLOC)
{
	unsigned d = need_pasid_dev(c, false);
	uint64_t iova = low_iova(c, 0);
	uint32_t d1, d2, plain, out = 0;
	void *m1, *m2, *m0;
	const uint32_t p = 1;

	bind_dev(c, "SEED-A", d, 0);
	need_pasid_attach(c, "SEED-A", d);
	d1 = space(c, "SEED-A", d, T_HWPT_PASID, &m1, iova);
	d2 = space(c, "SEED-A", d, T_HWPT_PASID, &m2, iova);
	plain = space(c, "SEED-A", d, 0, &m0, iova);
	attach_rid(c, "SEED-A", d, d1);
	attach_pasid(c, "SEED-A", d, p, d2);
	CHECK_OK(c, "SEED-A", T_CALL(c->t, detach, d, T_NO_PASID));
	/* d2 is still in use by p; d1 is free. */
	CHECK_RET(c, "SEED-A", T_CALL(c->t, destroy, d2), EBUSY);
	CHECK_OK(c, "SEED-A", T_CALL(c->t, destroy, d1));
	CHECK_RET(c, "SEED-A", T_CALL(c->t, attach, d, T_NO_PASID, plain, NULL),
		  EINVAL);
	/* p answers as attached to d2: a replace onto d2 is a no-op. */
	CHECK_OK(c, "SEED-A", T_CALL(c->t, attach, d, p, d2, &out));
	tc_check(c, "SEED-A", out == d2, "p answers as on %u, not %u", out, d2);
	CHECK_OK(c, "SEED-A", T_CALL(c->t, detach, d, p));
	CHECK_OK(c, "PASID-2", T_CALL(c->t, attach, d, T_NO_PASID, plain, NULL));
	tc_end(c);
}

/* SEED-B, the new owner being ctx (0: the same context). */
static void seed_b(struct tc *c, unsigned ctx)
{
	unsigned d = need_pasid_dev(c, false);
	bool dma = pasid_dma_dev(c, d);
	uint64_t iova = low_iova(c, 0);
	uint32_t hr, hp, hp2, ioas2;
	void *mr, *mp, *mp2;
	const uint32_t p = 1, q = 2;

	bind_dev(c, "SEED-B", d, 0);
	need_pasid_attach(c, "SEED-B", d);
	hr = space(c, "SEED-B", d, T_HWPT_PASID, &mr, iova);
	hp = space(c, "SEED-B", d, T_HWPT_PASID, &mp, iova);
	attach_rid(c, "SEED-B", d, hr);
	attach_pasid(c, "SEED-B", d, p, hp);
	attach_pasid(c, "SEED-B", d, q, hp);
	if (dma) {
		tc_dma_write(c, "SEED-B", d, p, iova, mp, LEN, true);
		tc_dma_write(c, "SEED-B", d, q, iova + 0x800, (char *)mp + 0x800,
			     LEN, true);
	}
	/* Release with both PASIDs and the RID attached. */
	CHECK_OK(c, "SEED-B", T_CALL(c->t, unbind, d));
	/* The old HWPTs are no longer used by anything. */
	CHECK_OK(c, "SEED-B", T_CALL(c->t, destroy, hr));
	REQUIRE(c, "SEED-B", T_CALL(c->t, bind, d, ctx));
	if (dma) {
		tc_dma_write(c, "SEED-B", d, p, iova, mp, LEN, false);
		tc_dma_write(c, "SEED-B", d, q, iova + 0x800, (char *)mp + 0x800,
			     LEN, false);
	}
	/* A fresh device: the RID takes a non-PASID domain (impossible
	 * with a PASID still attached) ... */
	ioas2 = new_ioas(c, "SEED-B", ctx);
	mp2 = tc_alloc(c, PG);
	map_fixed(c, "SEED-B", ioas2, mp2, PG, iova, RW);
	CHECK_OK(c, "SEED-B", T_CALL(c->t, attach, d, T_NO_PASID, ioas2, NULL));
	CHECK_OK(c, "SEED-B", T_CALL(c->t, detach, d, T_NO_PASID));
	/* ... and p takes a new HWPT as a first attach. */
	hp2 = new_hwpt(c, "SEED-B", d, ioas2, T_HWPT_PASID);
	CHECK_OK(c, "SEED-B", T_CALL(c->t, attach, d, p, hp2, NULL));
	if (dma) {
		uint32_t s = mem_mark(c, mp, PG);

		tc_dma_write(c, "SEED-B", d, p, iova, mp2, LEN, true);
		mem_unchanged(c, "SEED-B", mp, PG, s,
			      "the previous owner's PASID page");
	}
	if (ctx == 0)
		CHECK_OK(c, "SEED-B", T_CALL(c->t, destroy, hp));
	tc_end(c);
}

SCENARIO(seed_b_release_clears_pasids,
	 .id = "seed.b_release_clears_pasids",
	 .title = "unbind with PASIDs attached, bind again in the same context: nothing of the PASIDs is inherited",
	 .invariants = "SEED-B",
	 .requires = REQ_PASID | REQ_HWPT_ALLOC)
{
	seed_b(c, 0);
}

SCENARIO(seed_b_release_clears_pasids_other_ctx,
	 .id = "seed.b_release_clears_pasids_other_ctx",
	 .title = "unbind with PASIDs attached, bind in another context: the new owner sees no PASID translation",
	 .invariants = "SEED-B",
	 .requires = REQ_PASID | REQ_HWPT_ALLOC | REQ_2CTX)
{
	seed_b(c, 1);
}

/* Two PASID devices in different groups on one IOMMU, A with DMA if any. */
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
			score = pasid_dma_dev(c, x) + pasid_dma_dev(c, y);
			if (score > best) {
				best = score;
				*a = x;
				*b = y;
			}
		}
	if (best < 0)
		tc_skip(c, "needs two PASID-capable devices in different groups on one IOMMU");
}

SCENARIO(seed_c_shared_domain_own_pasids,
	 .id = "seed.c_shared_domain_own_pasids",
	 .title = "one HWPT on two RIDs: a PASID attached on A does not translate on B; each keeps its own",
	 .invariants = "SEED-C",
	 .requires = REQ_2PASID_DEVS | REQ_PASID | REQ_HWPT_ALLOC | REQ_DMA,
	 .min_devs = 2)
{
	unsigned a = 0, b = 0;
	uint64_t iova = low_iova(c, 0);
	uint32_t hr, hx, hy;
	void *mr, *mx, *my;
	const uint32_t p = 1;

	seed_c_pair(c, &a, &b);
	if (!pasid_dma_dev(c, a) || !pasid_dma_dev(c, b))
		tc_skip(c, "needs DMA on both PASID devices");
	bind_dev(c, "SEED-C", a, 0);
	bind_dev(c, "SEED-C", b, 0);
	need_pasid_attach(c, "SEED-C", a);
	need_pasid_attach(c, "SEED-C", b);
	hr = space(c, "SEED-C", a, T_HWPT_PASID, &mr, iova);
	hx = space(c, "SEED-C", a, T_HWPT_PASID, &mx, iova);
	hy = space(c, "SEED-C", b, T_HWPT_PASID, &my, iova);
	attach_rid(c, "SEED-C", a, hr);
	attach_rid(c, "SEED-C", b, hr);
	/* Both RIDs translate through the shared domain. */
	tc_dma_write(c, "SEED-C", a, T_NO_PASID, iova, mr, LEN, true);
	tc_dma_write(c, "SEED-C", b, T_NO_PASID, iova, mr, LEN, true);
	attach_pasid(c, "SEED-C", a, p, hx);
	tc_dma_write(c, "SEED-C", a, p, iova, mx, LEN, true);
	tc_dma_write(c, "SEED-C", b, p, iova, mx, LEN, false);
	CHECK_OK(c, "SEED-C", T_CALL(c->t, attach, b, p, hy, NULL));
	tc_dma_write(c, "SEED-C", a, p, iova, mx, LEN, true);
	tc_dma_write(c, "SEED-C", b, p, iova, my, LEN, true);
	CHECK_OK(c, "SEED-C", T_CALL(c->t, detach, a, p));
	tc_dma_write(c, "SEED-C", a, p, iova, mx, LEN, false);
	tc_dma_write(c, "SEED-C", b, p, iova, my, LEN, true);
	/* The shared RID domain is untouched by all of it. */
	tc_dma_write(c, "SEED-C", b, T_NO_PASID, iova, mr, LEN, true);
	tc_end(c);
}

SCENARIO(seed_c_pasid_not_shared,
	 .id = "seed.c_pasid_not_shared",
	 .title = "one HWPT on two RIDs, PASID p on A only: B has no PASID (its RID may take a non-PASID HWPT)",
	 .invariants = "SEED-C",
	 .requires = REQ_2PASID_DEVS | REQ_PASID | REQ_HWPT_ALLOC,
	 .min_devs = 2)
{
	unsigned a = 0, b = 0;
	uint64_t iova = low_iova(c, 0);
	uint32_t hr, hx, hy, plain, out = 0;
	void *mr, *mx, *my, *m0;
	const uint32_t p = 1;

	seed_c_pair(c, &a, &b);
	bind_dev(c, "SEED-C", a, 0);
	bind_dev(c, "SEED-C", b, 0);
	need_pasid_attach(c, "SEED-C", a);
	need_pasid_attach(c, "SEED-C", b);
	hr = space(c, "SEED-C", a, T_HWPT_PASID, &mr, iova);
	hx = space(c, "SEED-C", a, T_HWPT_PASID, &mx, iova);
	hy = space(c, "SEED-C", b, T_HWPT_PASID, &my, iova);
	plain = space(c, "SEED-C", b, 0, &m0, iova);
	attach_rid(c, "SEED-C", a, hr);
	attach_rid(c, "SEED-C", b, hr);
	attach_pasid(c, "SEED-C", a, p, hx);
	/* B has no PASID attached: detaching p on B is a no-op and its RID
	 * may move to a non-PASID HWPT. */
	CHECK_OK(c, "SEED-C", T_CALL(c->t, detach, b, p));
	CHECK_OK(c, "SEED-C", T_CALL(c->t, attach, b, T_NO_PASID, plain, NULL));
	/* A's p survived B's moves. */
	CHECK_OK(c, "SEED-C", T_CALL(c->t, attach, a, p, hx, &out));
	tc_check(c, "SEED-C", out == hx, "A's p answers as on %u, not %u", out,
		 hx);
	CHECK_RET(c, "SEED-C", T_CALL(c->t, destroy, hx), EBUSY);
	/* B back on the shared domain, p on B to its own HWPT. */
	CHECK_OK(c, "SEED-C", T_CALL(c->t, attach, b, T_NO_PASID, hr, NULL));
	CHECK_OK(c, "SEED-C", T_CALL(c->t, attach, b, p, hy, NULL));
	CHECK_OK(c, "SEED-C", T_CALL(c->t, detach, a, p));
	/* B's p still holds hy; A's released hx. */
	CHECK_RET(c, "SEED-C", T_CALL(c->t, destroy, hy), EBUSY);
	CHECK_OK(c, "SEED-C", T_CALL(c->t, destroy, hx));
	tc_end(c);
}
