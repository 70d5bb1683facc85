// SPDX-License-Identifier: GPL-2.0
/*
 * Two devices in one iommu group (GROUP-1..5): the group has one
 * translation per RID, a replace from one member moves everyone, and it
 * stays in place while any member is attached. Every case stands on the
 * "group pair" fixture: a and b bound, b the one with DMA if only one is,
 * a page mapped on a fresh IOAS that some of them joined.
 */
#include "fixture.h"

SCENARIO(group, one_hwpt_per_group,
	 .title = "all attached members of a group use one HWPT; asking for another fails EINVAL",
	 .invariants = "GROUP-1", .requires = REQ_GROUP2, .min_devs = 2)
{
	struct group_pair g;
	uint32_t i2, hb = 0;

	group_pair_setup(c, "GROUP-1", &g, GROUP_ATTACH_A);
	i2 = new_ioas(c, "GROUP-1", 0);
	CHECK_RET(c, "GROUP-1", T_CALL(c->t, attach, g.b, T_NO_PASID, i2, NULL),
		  EINVAL);
	/* The refused attach left nothing behind in the other IOAS. */
	CHECK_OK(c, "GROUP-1", T_CALL(c->t, destroy, i2));
	/* Attached to the IOAS, b is told the group's auto HWPT. */
	CHECK_OK(c, "GROUP-1", T_CALL(c->t, attach, g.b, T_NO_PASID, g.ioas,
				      &hb));
	tc_check(c, "GROUP-1", hb == g.pt,
		 "the second member got HWPT %u, the group sits on %u", hb,
		 g.pt);
	if (c->caps->hwpt_alloc) {
		uint32_t i3 = new_ioas(c, "GROUP-1", 0);
		uint32_t m = new_hwpt(c, "GROUP-1", g.a, i3, 0);

		/* A replace from one member is fine (GROUP-2); an attach of
		 * a detached member to another HWPT is not. */
		detach_rid(c, "GROUP-1", g.b);
		CHECK_RET(c, "GROUP-1",
			  T_CALL(c->t, attach, g.b, T_NO_PASID, m, NULL),
			  EINVAL);
		CHECK_OK(c, "GROUP-1", T_CALL(c->t, destroy, m));
	}
}

SCENARIO(group, replace_moves_group,
	 .title = "a replace issued on one member moves the whole group (reservations and DMA)",
	 .invariants = "GROUP-2,ATTACH-5",
	 .requires = REQ_GROUP2, .min_devs = 2)
{
	struct group_pair g;
	uint32_t ib, hb = 0;
	uint64_t i2;
	char *mb;
	bool dma;

	group_pair_setup(c, "GROUP-2", &g, GROUP_ATTACH_A | GROUP_ATTACH_B);
	dma = dev_has_dma(c, g.b);
	/* IOAS B maps another IOVA, which IOAS A leaves unmapped. */
	ib = new_ioas(c, "GROUP-2", 0);
	i2 = tc_pick_iova(c, g.ioas, PG, PG, 1);
	mb = tc_alloc(c, PG);
	map_fixed(c, "GROUP-2", ib, mb, PG, i2, RW);
	if (dma) {
		tc_dma_write(c, "GROUP-2", g.b, T_NO_PASID, g.iova, g.mem,
			     DMA_LEN, true);
		tc_dma_write(c, "GROUP-2", g.b, T_NO_PASID, i2, mb, DMA_LEN,
			     false);
	}
	/* That the group may be moved by one member is the rule. */
	CHECK_OK(c, "GROUP-2", T_CALL(c->t, attach, g.a, T_NO_PASID, ib, &hb));
	if (dma) {
		/* Nothing left through the old domain: ATTACH-5's rule. */
		tc_dma_write(c, "ATTACH-5", g.b, T_NO_PASID, g.iova, g.mem,
			     DMA_LEN, false);
		tc_dma_write(c, "GROUP-2", g.b, T_NO_PASID, i2, mb, DMA_LEN,
			     true);
	}
	/* Nothing holds the old IOAS any more ... */
	CHECK_OK(c, "GROUP-2", T_CALL(c->t, destroy, g.ioas));
	/* ... and b went along: with a detached, b still holds the new
	 * auto HWPT (otherwise its last detach would have freed it). */
	detach_rid(c, "GROUP-2", g.a);
	CHECK_RET(c, "GROUP-2", T_CALL(c->t, destroy, hb), EBUSY);
}

SCENARIO(group, detach_one_keeps_group,
	 .title = "detaching one member leaves the group's translation for the others",
	 .invariants = "GROUP-3", .requires = REQ_GROUP2, .min_devs = 2)
{
	struct group_pair g;
	bool dma;

	group_pair_setup(c, "GROUP-3", &g, GROUP_ATTACH_A | GROUP_ATTACH_B);
	dma = dev_has_dma(c, g.b);
	if (dma)
		tc_dma_write(c, "GROUP-3", g.b, T_NO_PASID, g.iova, g.mem,
			     DMA_LEN, true);
	/* The detach is the act; what b keeps is the rule. */
	detach_rid(c, "GROUP-3", g.a);
	if (dma) {
		tc_dma_write(c, "GROUP-3", g.b, T_NO_PASID, g.iova, g.mem,
			     DMA_LEN, true);
		tc_dma_read(c, "GROUP-3", g.b, T_NO_PASID, g.iova + 0x800,
			    g.mem + 0x800, DMA_LEN, true);
	}
	/* b still holds the group's HWPT. */
	CHECK_RET(c, "GROUP-3", T_CALL(c->t, destroy, g.pt), EBUSY);
}

/* Each member with DMA writes at an offset of its own in the page. */
static void members_dma(struct tc *c, const char *inv,
			const struct group_pair *g, bool land)
{
	if (dev_has_dma(c, g->a))
		tc_dma_write(c, inv, g->a, T_NO_PASID, g->iova, g->mem,
			     DMA_LEN, land);
	if (dev_has_dma(c, g->b))
		tc_dma_write(c, inv, g->b, T_NO_PASID, g->iova + 0x400,
			     g->mem + 0x400, DMA_LEN, land);
}

SCENARIO(group, last_detach_blocks_all,
	 .title = "when the last member detaches, DMA from every member is blocked",
	 .invariants = "GROUP-4,GROUP-3",
	 .requires = REQ_GROUP2 | REQ_DMA, .min_devs = 2)
{
	struct group_pair g;

	group_pair_setup(c, "GROUP-4", &g, GROUP_ATTACH_A | GROUP_ATTACH_B);
	if (!dev_has_dma(c, g.a) && !dev_has_dma(c, g.b))
		tc_skip(c, "no member of the group has a DMA engine");
	members_dma(c, "GROUP-4", &g, true);
	/* The detaches are the acts; the DMA after each is the rule. */
	detach_rid(c, "GROUP-4", g.a);
	if (dev_has_dma(c, g.b))
		tc_dma_write(c, "GROUP-3", g.b, T_NO_PASID, g.iova + 0x400,
			     g.mem + 0x400, DMA_LEN, true);
	detach_rid(c, "GROUP-4", g.b);
	members_dma(c, "GROUP-4", &g, false);
	expect_not_identity(c, "GROUP-4", dev_has_dma(c, g.a) ? g.a : g.b,
			    g.mem);
	CHECK_OK(c, "GROUP-4", T_CALL(c->t, destroy, g.ioas));
}

SCENARIO(group, unattached_member_translates,
	 .title = "a bound member that never attached (or detached) translates through its sibling's HWPT",
	 .invariants = "GROUP-5",
	 .requires = REQ_GROUP2 | REQ_DMA, .min_devs = 2)
{
	struct group_pair g;

	/* b is the member that never attaches: it needs the DMA engine. */
	group_pair_setup(c, "GROUP-5", &g, GROUP_ATTACH_A);
	if (!dev_has_dma(c, g.b))
		tc_skip(c, "no member of the group has a DMA engine");
	tc_log(c, "dev %u attached, dev %u bound only", g.a, g.b);
	tc_dma_write(c, "GROUP-5", g.b, T_NO_PASID, g.iova, g.mem, DMA_LEN,
		     true);
	tc_dma_read(c, "GROUP-5", g.b, T_NO_PASID, g.iova + 0x800,
		    g.mem + 0x800, DMA_LEN, true);
	/* The same for a member that attached and detached again while
	 * its sibling stays attached. */
	attach_rid(c, "GROUP-5", g.b, g.ioas);
	detach_rid(c, "GROUP-5", g.b);
	tc_log(c, "dev %u attached and detached, dev %u still attached", g.b,
	       g.a);
	tc_dma_write(c, "GROUP-5", g.b, T_NO_PASID, g.iova + 0x400,
		     g.mem + 0x400, DMA_LEN, true);
}
