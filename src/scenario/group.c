// SPDX-License-Identifier: GPL-2.0
/*
 * Two devices in one iommu group (GROUP-1..5): the group has one
 * translation per RID, a replace from one member moves everyone, and it
 * stays in place while any member is attached.
 */
#include "sc_util.h"

#define LEN 256

static void need_pair(struct tc *c, unsigned *a, unsigned *b)
{
	if (!dev_pair_same_group(c, a, b))
		tc_skip(c, "no two devices share an iommu group");
}

static bool has_dma(const struct tc *c, unsigned dev)
{
	return dev_with_dma(c, -1) >= 0 && c->caps->dev[dev].dma;
}

SCENARIO(group, one_hwpt_per_group,
	 .title = "all attached members of a group use one HWPT; asking for another fails EINVAL",
	 .invariants = "GROUP-1", .requires = REQ_GROUP2, .min_devs = 2)
{
	unsigned a, b;
	uint32_t i1, i2, h1 = 0, hb = 0;

	need_pair(c, &a, &b);
	bind_dev(c, "GROUP-1", a, 0);
	bind_dev(c, "GROUP-1", b, 0);
	i1 = new_ioas(c, "GROUP-1", 0);
	i2 = new_ioas(c, "GROUP-1", 0);
	REQUIRE(c, "GROUP-1", T_CALL(c->t, attach, a, T_NO_PASID, i1, &h1));
	CHECK_RET(c, "GROUP-1", T_CALL(c->t, attach, b, T_NO_PASID, i2, NULL),
		  EINVAL);
	/* The refused attach left nothing behind in the other IOAS. */
	CHECK_OK(c, "GROUP-1", T_CALL(c->t, destroy, i2));
	CHECK_OK(c, "GROUP-1", T_CALL(c->t, attach, b, T_NO_PASID, i1, &hb));
	tc_check(c, "GROUP-1", hb == h1,
		 "the second member got HWPT %u, the group sits on %u", hb, h1);
	if (c->caps->hwpt_alloc) {
		uint32_t i3 = new_ioas(c, "GROUP-1", 0);
		uint32_t m = new_hwpt(c, "GROUP-1", a, i3, 0);

		/* A replace from one member is fine (GROUP-2); an attach of
		 * a detached member to another HWPT is not. */
		REQUIRE(c, "GROUP-1", T_CALL(c->t, detach, b, T_NO_PASID));
		CHECK_RET(c, "GROUP-1",
			  T_CALL(c->t, attach, b, T_NO_PASID, m, NULL), EINVAL);
		CHECK_OK(c, "GROUP-1", T_CALL(c->t, destroy, m));
	}
	tc_end(c);
}

SCENARIO(group, replace_moves_group,
	 .title = "a replace issued on one member moves the whole group (reservations and DMA)",
	 .invariants = "GROUP-2,ATTACH-5", .requires = REQ_GROUP2, .min_devs = 2)
{
	unsigned a, b;
	uint32_t ia, ib, hb = 0, hb2 = 0;
	uint64_t i1, i2;
	void *ma = tc_alloc(c, PG), *mb = tc_alloc(c, PG);
	bool dma;

	need_pair(c, &a, &b);
	/* Let b be the one with DMA when only one has it. */
	if (!has_dma(c, b) && has_dma(c, a)) {
		unsigned t = a;

		a = b;
		b = t;
	}
	dma = has_dma(c, b);
	bind_dev(c, "GROUP-2", a, 0);
	bind_dev(c, "GROUP-2", b, 0);
	ia = new_ioas(c, "GROUP-2", 0);
	ib = new_ioas(c, "GROUP-2", 0);
	attach_rid(c, "GROUP-2", a, ia);
	attach_rid(c, "GROUP-2", b, ia);
	i1 = tc_pick_iova(c, ia, PG, PG, 0);
	i2 = tc_pick_iova(c, ia, PG, PG, 1);
	map_fixed(c, "GROUP-2", ia, ma, PG, i1, RW);
	map_fixed(c, "GROUP-2", ib, mb, PG, i2, RW);
	if (dma) {
		tc_dma_write(c, "GROUP-2", b, T_NO_PASID, i1, ma, LEN, true);
		tc_dma_write(c, "GROUP-2", b, T_NO_PASID, i2, mb, LEN, false);
	}
	CHECK_OK(c, "GROUP-2", T_CALL(c->t, attach, a, T_NO_PASID, ib, &hb));
	if (dma) {
		/* Nothing left through the old domain: ATTACH-5's rule. */
		tc_dma_write(c, "ATTACH-5", b, T_NO_PASID, i1, ma, LEN, false);
		tc_dma_write(c, "GROUP-2", b, T_NO_PASID, i2, mb, LEN, true);
	}
	/* b is on the new HWPT: asking for it is a no-op replace. */
	CHECK_OK(c, "GROUP-2", T_CALL(c->t, attach, b, T_NO_PASID, hb, &hb2));
	tc_check(c, "GROUP-2", hb2 == hb,
		 "b's replace onto the group's new HWPT %u returned %u", hb,
		 hb2);
	/* Nothing holds the old IOAS any more. */
	CHECK_OK(c, "GROUP-2", T_CALL(c->t, destroy, ia));
	tc_end(c);
}

SCENARIO(group, detach_one_keeps_group,
	 .title = "detaching one member leaves the group's translation for the others",
	 .invariants = "GROUP-3", .requires = REQ_GROUP2, .min_devs = 2)
{
	unsigned a, b;
	uint32_t ioas, h = 0, h2 = 0;
	uint64_t iova;
	void *m = tc_alloc(c, PG);

	need_pair(c, &a, &b);
	if (!has_dma(c, b) && has_dma(c, a)) {
		unsigned t = a;

		a = b;
		b = t;
	}
	bind_dev(c, "GROUP-3", a, 0);
	bind_dev(c, "GROUP-3", b, 0);
	ioas = new_ioas(c, "GROUP-3", 0);
	REQUIRE(c, "GROUP-3", T_CALL(c->t, attach, a, T_NO_PASID, ioas, &h));
	attach_rid(c, "GROUP-3", b, ioas);
	iova = tc_pick_iova(c, ioas, PG, PG, 0);
	map_fixed(c, "GROUP-3", ioas, m, PG, iova, RW);
	if (has_dma(c, b))
		tc_dma_write(c, "GROUP-3", b, T_NO_PASID, iova, m, LEN, true);
	CHECK_OK(c, "GROUP-3", T_CALL(c->t, detach, a, T_NO_PASID));
	if (has_dma(c, b)) {
		tc_dma_write(c, "GROUP-3", b, T_NO_PASID, iova, m, LEN, true);
		tc_dma_read(c, "GROUP-3", b, T_NO_PASID, iova + 0x800,
			    (char *)m + 0x800, LEN, true);
	}
	/* b still holds the group's HWPT. */
	CHECK_RET(c, "GROUP-3", T_CALL(c->t, destroy, h), EBUSY);
	CHECK_OK(c, "GROUP-3", T_CALL(c->t, attach, b, T_NO_PASID, h, &h2));
	tc_check(c, "GROUP-3", h2 == h, "b answers as on %u, not %u", h2, h);
	tc_end(c);
}

SCENARIO(group, last_detach_blocks_all,
	 .title = "when the last member detaches, DMA from every member is blocked",
	 .invariants = "GROUP-4,GROUP-3", .requires = REQ_GROUP2 | REQ_DMA, .min_devs = 2)
{
	unsigned a, b;
	uint32_t ioas;
	uint64_t iova;
	char *m = tc_alloc(c, PG);

	need_pair(c, &a, &b);
	if (!has_dma(c, a) && !has_dma(c, b))
		tc_skip(c, "no member of the group has a DMA engine");
	bind_dev(c, "GROUP-4", a, 0);
	bind_dev(c, "GROUP-4", b, 0);
	ioas = new_ioas(c, "GROUP-4", 0);
	attach_rid(c, "GROUP-4", a, ioas);
	attach_rid(c, "GROUP-4", b, ioas);
	iova = tc_pick_iova(c, ioas, PG, PG, 0);
	map_fixed(c, "GROUP-4", ioas, m, PG, iova, RW);
	if (has_dma(c, a))
		tc_dma_write(c, "GROUP-4", a, T_NO_PASID, iova, m, LEN, true);
	if (has_dma(c, b))
		tc_dma_write(c, "GROUP-4", b, T_NO_PASID, iova + 0x400,
			     m + 0x400, LEN, true);
	CHECK_OK(c, "GROUP-4", T_CALL(c->t, detach, a, T_NO_PASID));
	if (has_dma(c, b))
		tc_dma_write(c, "GROUP-3", b, T_NO_PASID, iova + 0x400,
			     m + 0x400, LEN, true);
	CHECK_OK(c, "GROUP-4", T_CALL(c->t, detach, b, T_NO_PASID));
	if (has_dma(c, a))
		tc_dma_write(c, "GROUP-4", a, T_NO_PASID, iova, m, LEN, false);
	if (has_dma(c, b))
		tc_dma_write(c, "GROUP-4", b, T_NO_PASID, iova + 0x400,
			     m + 0x400, LEN, false);
	CHECK_OK(c, "GROUP-4", T_CALL(c->t, destroy, ioas));
	tc_end(c);
}

SCENARIO(group, unattached_member_translates,
	 .title = "a bound member that never attached (or detached) translates through its sibling's HWPT",
	 .invariants = "GROUP-5", .requires = REQ_GROUP2 | REQ_DMA, .min_devs = 2)
{
	unsigned a, b;
	uint32_t ioas;
	uint64_t iova;
	char *m = tc_alloc(c, PG);

	need_pair(c, &a, &b);
	/* b is the member that never attaches: it needs the DMA engine. */
	if (!has_dma(c, b) && has_dma(c, a)) {
		unsigned t = a;

		a = b;
		b = t;
	}
	if (!has_dma(c, b))
		tc_skip(c, "no member of the group has a DMA engine");
	bind_dev(c, "GROUP-5", a, 0);
	bind_dev(c, "GROUP-5", b, 0);
	ioas = new_ioas(c, "GROUP-5", 0);
	attach_rid(c, "GROUP-5", a, ioas);
	iova = tc_pick_iova(c, ioas, PG, PG, 0);
	map_fixed(c, "GROUP-5", ioas, m, PG, iova, RW);
	tc_log(c, "dev %u attached, dev %u bound only", a, b);
	tc_dma_write(c, "GROUP-5", b, T_NO_PASID, iova, m, LEN, true);
	tc_dma_read(c, "GROUP-5", b, T_NO_PASID, iova + 0x800, m + 0x800, LEN,
		    true);
	/* The same for a member that attached and detached again while
	 * its sibling stays attached. */
	attach_rid(c, "GROUP-5", b, ioas);
	REQUIRE(c, "GROUP-5", T_CALL(c->t, detach, b, T_NO_PASID));
	tc_log(c, "dev %u attached and detached, dev %u still attached", b, a);
	tc_dma_write(c, "GROUP-5", b, T_NO_PASID, iova + 0x400, m + 0x400,
		     LEN, true);
	tc_end(c);
}
