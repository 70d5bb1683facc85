// SPDX-License-Identifier: GPL-2.0
/*
 * Ownership (OWN-1..7): BIND, what an unbound fd may do, one owner per
 * group, blocked DMA between BIND and ATTACH, and a clean start after
 * unbind.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "fixture.h"

SCENARIO(own, bind_twice_fails,
	 .title = "a second BIND on a bound device fails EINVAL and keeps the first",
	 .invariants = "OWN-1")
{
	uint32_t ioas;

	CHECK_OK(c, "OWN-1", T_CALL(c->t, bind, 0, 0));
	CHECK_RET(c, "OWN-1", T_CALL(c->t, bind, 0, 0), EINVAL);
	/* The first binding still works. */
	ioas = new_ioas(c, "OWN-1", 0);
	CHECK_OK(c, "OWN-1", T_CALL(c->t, attach, 0, T_NO_PASID, ioas, NULL));
}

SCENARIO(own, pre_bind_refuses,
	 .title = "before BIND the device refuses attach and detach (EINVAL)",
	 .invariants = "OWN-2")
{
	uint32_t ioas = new_ioas(c, "OWN-2", 0);
	int ret = T_CALL(c->t, attach, 0, T_NO_PASID, ioas, NULL);

	/* A target that opens the cdev only at BIND has no unbound fd to
	 * ask: it says so with EBADF. */
	if (ret == -EBADF)
		tc_skip(c, "target has no open-but-unbound cdev fd (EBADF)");
	CHECK_RET(c, "OWN-2", ret, EINVAL);
	CHECK_RET(c, "OWN-2", T_CALL(c->t, detach, 0, T_NO_PASID), EINVAL);
	/* Nothing got attached: the IOAS is free. */
	CHECK_OK(c, "OWN-2", T_CALL(c->t, destroy, ioas));
	/* Once bound, the same attach works. */
	ioas = new_ioas(c, "OWN-2", 0);
	bind_dev(c, "OWN-2", 0, 0);
	CHECK_OK(c, "OWN-2", T_CALL(c->t, attach, 0, T_NO_PASID, ioas, NULL));
}

SCENARIO(own, group_single_owner,
	 .title = "all devices of a group are owned by one context; a sibling bound elsewhere fails EPERM",
	 .invariants = "OWN-3",
	 .requires = REQ_GROUP2 | REQ_2CTX, .min_devs = 2)
{
	unsigned a, b;

	if (!dev_pair_same_group(c, &a, &b))
		tc_skip(c, "no two devices share an iommu group");
	bind_dev(c, "OWN-3", a, 0);
	CHECK_RET(c, "OWN-3", T_CALL(c->t, bind, b, 1), EPERM);
	CHECK_OK(c, "OWN-3", T_CALL(c->t, bind, b, 0));
	/* Once the group is free again the other context may own it. */
	unbind_dev(c, "OWN-3", a);
	unbind_dev(c, "OWN-3", b);
	CHECK_OK(c, "OWN-3", T_CALL(c->t, bind, b, 1));
	CHECK_RET(c, "OWN-3", T_CALL(c->t, bind, a, 0), EPERM);
}

SCENARIO(own, bound_unattached_blocked,
	 .title = "after BIND and before ATTACH the device's DMA is blocked (not identity)",
	 .invariants = "OWN-4", .requires = REQ_DMA)
{
	unsigned d = need_dma_dev(c);
	char *mem = tc_alloc(c, PG);
	uint32_t ioas;
	uint64_t iova;

	/* The positive control needs an attachment; a fresh bind after it is
	 * again "bound, never attached" (the case's state). */
	bind_dev(c, "OWN-4", d, 0);
	tc_dma_control(c, "OWN-4", d);
	REQUIRE(c, "OWN-4", T_CALL(c->t, unbind, d));
	bind_dev(c, "OWN-4", d, 0);
	ioas = new_ioas(c, "OWN-4", 0);
	iova = tc_pick_iova(c, ioas, PG, PG, 0);
	map_fixed(c, "OWN-4", ioas, mem, PG, iova, RW);
	/* Identity first, while nothing has faulted the engine since its
	 * control: not even the buffer's physical address is reached. */
	expect_not_identity(c, "OWN-4", d, mem);
	/* A mapped but unattached IOAS gives the device nothing. */
	tc_dma_write(c, "OWN-4", d, T_NO_PASID, iova, mem, DMA_LEN, false);
}

/* After unbind, a new binding in ctx starts blocked. */
struct rebind_case {
	struct scenario sc;
	unsigned ctx;	/* of the new binding */
	unsigned pages; /* mapped before; each is used once before unbind */
};

SCENARIO_VARIANTS(own, rebind_starts_blocked, struct rebind_case,
	{ VARIANT(own, unbind_rebind_clean,
		  .title = "after unbind a new bind starts blocked: nothing of the old attachment is inherited",
		  .invariants = "OWN-5", .requires = REQ_DMA),
	  .pages = 2 },
	{ VARIANT(own, rebind_other_ctx,
		  .title = "a device rebound to another context translates only through that context's IOAS",
		  .invariants = "OWN-5", .requires = REQ_DMA | REQ_2CTX),
	  .ctx = 1, .pages = 1 })
{
	struct attached f;
	uint32_t s0;

	attached_setup(c, "OWN-5", &f, need_dma_dev(c),
		       &(struct attached_opts){ .len = variant->pages * PG });
	{
		/* A write to the first page, a read of the second. */
		const struct dma_probe used[] = {
			{ true, f.iova, f.mem },
			{ false, f.iova + PG, f.mem + PG },
		};

		dma_probes(c, "OWN-5", f.dev, T_NO_PASID, used, variant->pages,
			   true);
		/* Unbind and bind again are the acts; OWN-5 is the DMA. */
		unbind_dev(c, "OWN-5", f.dev);
		bind_dev(c, "OWN-5", f.dev, variant->ctx);
		dma_probes(c, "OWN-5", f.dev, T_NO_PASID, used, variant->pages,
			   false);
		/* Not identity either (the unbind gave the group back to the
		 * kernel's domain for a moment). */
		expect_not_identity(c, "OWN-5", f.dev, f.mem);
	}
	if (variant->ctx == 0) {
		/* The old IOAS is free (its auto HWPT went with the unbind)
		 * and still maps the page. */
		attach_rid(c, "OWN-5", f.dev, f.ioas);
		tc_dma_write(c, "OWN-5", f.dev, T_NO_PASID, f.iova, f.mem,
			     DMA_LEN, true);
		return;
	}
	/* The new context's IOAS maps another page at the same IOVA: only
	 * that one is reached. */
	{
		uint32_t i1 = new_ioas(c, "OWN-5", variant->ctx);
		char *m1 = tc_alloc(c, PG);

		map_fixed(c, "OWN-5", i1, m1, PG, f.iova, RW);
		attach_rid(c, "OWN-5", f.dev, i1);
		s0 = mem_mark(c, f.mem, PG);
		tc_dma_write(c, "OWN-5", f.dev, T_NO_PASID, f.iova, m1, DMA_LEN,
			     true);
		mem_unchanged(c, "OWN-5", f.mem, PG, s0,
			      "the old context's page");
	}
}

SCENARIO(own, unbind_releases_attachment,
	 .title = "unbind with an attachment releases it: the IOAS and a manual HWPT become free",
	 .invariants = "OWN-5")
{
	static const struct attached_opts manual = { .manual_hwpt = true };

	/* Attached to the IOAS (its auto HWPT holds it), then to a manual
	 * HWPT on a second IOAS: what the device holds goes with unbind. */
	for (int i = 0; i < 2; i++) {
		bool is_manual = i == 1;
		struct attached f;
		uint32_t held;

		if (is_manual && !c->caps->hwpt_alloc)
			break;
		attached_setup(c, "OWN-5", &f, 0, is_manual ? &manual : NULL);
		held = is_manual ? f.pt : f.ioas;
		CHECK_RET(c, "OWN-5", T_CALL(c->t, destroy, held), EBUSY);
		unbind_dev(c, "OWN-5", 0);
		CHECK_OK(c, "OWN-5", T_CALL(c->t, destroy, held));
		if (is_manual)
			CHECK_OK(c, "OWN-5", T_CALL(c->t, destroy, f.ioas));
	}
}

SCENARIO(own, bind_msi_isolation,
	 .title = "BIND succeeds where MSIs are isolated or allow_unsafe_interrupts is set",
	 .invariants = "OWN-6")
{
	tc_log(c, "target: allow_unsafe_interrupts %s",
	       c->caps->unsafe_interrupts ? "was needed (no MSI isolation)" :
					    "not needed");
	for (unsigned i = 0; i < c->caps->ndev; i++) {
		int ret = T_CALL(c->t, bind, i, 0);

		if (ret == -T_UNSUPPORTED)
			tc_skip(c, "target cannot bind");
		/* A group sibling already bound to ctx 0 shares the owner. */
		tc_check(c, "OWN-6", ret == 0,
			 "BIND of dev %u (%s) returned %s%s", i,
			 c->caps->dev[i].name, errno_name(ret),
			 ret == -EPERM ? ": MSI isolation missing and allow_unsafe_interrupts off" : "");
	}
}

SCENARIO(own, second_fd_bind_fails,
	 .title = "BIND through a second cdev fd of a bound device fails EINVAL; the first binding is unaffected",
	 .invariants = "OWN-7")
{
	struct attached f;

	attached_setup(c, "OWN-7", &f, 0, &(struct attached_opts){ .len = PG });
	CHECK_RET(c, "OWN-7", T_CALL(c->t, bind_second_fd, 0, 0), EINVAL);
	/* vfio_df_open() refuses before the iommufd is looked at further:
	 * another context makes no difference. */
	if (c->caps->nctx >= 2)
		CHECK_RET(c, "OWN-7", T_CALL(c->t, bind_second_fd, 0, 1),
			  EINVAL);
	/* The first fd still owns the device and its attachment. */
	if (f.dma)
		tc_dma_write(c, "OWN-7", 0, T_NO_PASID, f.iova, f.mem, DMA_LEN,
			     true);
	CHECK_RET(c, "OWN-7", T_CALL(c->t, destroy, f.ioas), EBUSY);
	/* Once the first fd is closed, a new fd binds normally. */
	unbind_dev(c, "OWN-7", 0);
	CHECK_OK(c, "OWN-7", T_CALL(c->t, bind_second_fd, 0, 0));
	CHECK_OK(c, "OWN-7", T_CALL(c->t, bind, 0, 0));
}

SCENARIO(own, unsafe_interrupts_switch,
	 .title = "allow_unsafe_interrupts is read at each BIND: off, a device without MSI isolation fails EPERM and holds nothing; on, it binds; a binding outlives the switch",
	 .invariants = "OWN-8")
{
	unsigned d = dma_dev_or_first(c);
	bool dma = dev_has_dma(c, d), was = false;
	char *mem = tc_alloc(c, PG);
	int ret, off_ret;
	uint32_t ioas;
	uint64_t iova;

	ret = T_CALL(c->t, set_unsafe_interrupts, false, &was);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot set allow_unsafe_interrupts");
	REQUIRE(c, "OWN-8", ret);
	off_ret = T_CALL(c->t, bind, d, 0);
	/* Back on before anything is judged: a failed check must not
	 * leave later cases' BINDs refused. */
	REQUIRE(c, "OWN-8", T_CALL(c->t, set_unsafe_interrupts, true, NULL));
	tc_log(c, "allow_unsafe_interrupts was %s; BIND with it off: %s",
	       was ? "on" : "off", errno_name(off_ret));
	if (c->caps->msi_isolation < 0) {
		CHECK_RET(c, "OWN-8", off_ret, EPERM);
	} else if (c->caps->msi_isolation > 0) {
		/* An isolating platform never needs the parameter. */
		CHECK_OK(c, "OWN-8", off_ret);
	} else if (off_ret == 0) {
		tc_not_observable(c, "OWN-8",
				  "BIND succeeded with allow_unsafe_interrupts off: the platform isolates MSIs (not known by the driver's identity), so the switch has nothing to refuse");
	} else {
		CHECK_RET(c, "OWN-8", off_ret, EPERM);
	}
	if (off_ret == 0)
		unbind_dev(c, "OWN-8", d);
	/* The refused BIND held nothing: with the parameter on it binds. */
	CHECK_OK(c, "OWN-8", T_CALL(c->t, bind, d, 0));
	/* Turned off under a binding, it changes nothing of it: the check
	 * is BIND's alone. */
	REQUIRE(c, "OWN-8", T_CALL(c->t, set_unsafe_interrupts, false, NULL));
	ioas = new_ioas(c, "OWN-8", 0);
	iova = tc_pick_iova(c, ioas, PG, PG, 0);
	map_fixed(c, "OWN-8", ioas, mem, PG, iova, RW);
	ret = T_CALL(c->t, attach, d, T_NO_PASID, ioas, NULL);
	REQUIRE(c, "OWN-8", T_CALL(c->t, set_unsafe_interrupts, was, NULL));
	CHECK_OK(c, "OWN-8", ret);
	if (dma && !ret)
		tc_dma_write(c, "OWN-8", d, T_NO_PASID, iova, mem, DMA_LEN,
			     true);
}
