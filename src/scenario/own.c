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
	ioas = mapped_ioas(c, "OWN-8", mem, &iova);
	ret = T_CALL(c->t, attach, d, T_NO_PASID, ioas, NULL);
	REQUIRE(c, "OWN-8", T_CALL(c->t, set_unsafe_interrupts, was, NULL));
	CHECK_OK(c, "OWN-8", ret);
	if (dma && !ret)
		tc_dma_write(c, "OWN-8", d, T_NO_PASID, iova, mem, DMA_LEN,
			     true);
}

/* --- PCI hot reset through the cdev (OWN-9, OWN-10) ----------------------- */

/* Two devices one hot reset resets together, or skip; *root (may be NULL):
 * a device without hot reset, or -1. */
static void need_reset_pair(struct tc *c, unsigned *a, unsigned *b, int *root)
{
	const struct target_caps *k = c->caps;
	bool found = false;

	if (root)
		*root = -1;
	for (unsigned i = 0; i < k->ndev; i++) {
		if (!k->dev[i].reset_domain) {
			if (root && *root < 0)
				*root = (int)i;
			continue;
		}
		for (unsigned j = i + 1; j < k->ndev && !found; j++)
			if (k->dev[j].reset_domain == k->dev[i].reset_domain) {
				/* the DMA device first, when one has DMA */
				bool swap = !dev_has_dma(c, i) &&
					    dev_has_dma(c, j);

				*a = swap ? j : i;
				*b = swap ? i : j;
				found = true;
			}
	}
	if (!found)
		tc_skip(c, "no two devices share a PCI hot reset (a bus behind a bridge)");
}

/* How many of the target's devices a hot reset of dev resets. */
static unsigned reset_domain_size(const struct tc *c, unsigned dev)
{
	unsigned n = 0;

	for (unsigned i = 0; i < c->caps->ndev; i++)
		n += c->caps->dev[i].reset_domain ==
		     c->caps->dev[dev].reset_domain;
	return n;
}

/*
 * Expect form: HOT_RESET_INFO of dev (bound to ctx 0) lists exactly its
 * reset domain, with DEV_ID set; each device bound to ctx 0 under its own
 * ID, each other one OWNED when its group holds a device bound to ctx 0
 * (bound[] says which are), NOT_OWNED otherwise; DEV_ID_OWNED iff none is
 * NOT_OWNED.
 */
static void expect_reset_info(struct tc *c, unsigned dev, const bool *bound)
{
	const struct target_caps *k = c->caps;
	struct t_reset_dep deps[T_MAX_DEVS * 2];
	unsigned n = T_MAX_DEVS * 2, want = reset_domain_size(c, dev);
	uint32_t flags = 0, want_flags = T_RESET_DEV_ID | T_RESET_DEV_ID_OWNED;
	bool seen[T_MAX_DEVS] = { false };

	if (!CHECK_OK(c, "OWN-9", T_CALL(c->t, hot_reset_info, dev, &flags,
					 deps, &n)))
		return;
	tc_check(c, "OWN-9", n == want,
		 "HOT_RESET_INFO of dev %u lists %u devices; its reset domain has %u",
		 dev, n, want);
	for (unsigned i = 0; i < n && i < T_MAX_DEVS * 2; i++) {
		const struct t_reset_dep *e = &deps[i];
		bool grp_owned = false;

		if (!tc_check(c, "OWN-9",
			      e->dev >= 0 && !seen[e->dev] &&
			      k->dev[e->dev].reset_domain ==
				      k->dev[dev].reset_domain,
			      "entry %u is not a distinct device of dev %u's reset domain (dev %d)",
			      i, dev, e->dev))
			continue;
		seen[e->dev] = true;
		for (unsigned j = 0; j < k->ndev; j++)
			grp_owned |= bound[j] &&
				     k->dev[j].group == k->dev[e->dev].group;
		if (bound[e->dev]) {
			tc_check(c, "OWN-9", e->devid > 0 && e->devid_dev == e->dev,
				 "dev %d, bound to the context, reported devid %d (the ID of dev %d)",
				 e->dev, e->devid, e->devid_dev);
		} else {
			int32_t w = grp_owned ? T_DEVID_OWNED :
						T_DEVID_NOT_OWNED;

			tc_check(c, "OWN-9", e->devid == w,
				 "dev %d, unbound, reported devid %d; expected %d (%s)",
				 e->dev, e->devid, w,
				 grp_owned ? "OWNED: its group is the context's" :
					     "NOT_OWNED");
			if (w == T_DEVID_NOT_OWNED)
				want_flags &= ~T_RESET_DEV_ID_OWNED;
		}
	}
	tc_check(c, "OWN-9", flags == want_flags,
		 "HOT_RESET_INFO flags 0x%x, expected 0x%x", flags, want_flags);
}

SCENARIO(own, hot_reset_info_devids,
	 .title = "HOT_RESET_INFO on a cdev-bound device reports iommufd device IDs: its own, OWNED for an unbound sibling of an owned group; ENOSPC names the count; ENODEV without a bus reset",
	 .invariants = "OWN-9")
{
	bool bound[T_MAX_DEVS] = { false };
	struct t_reset_dep deps[1];
	unsigned a, b, n;
	uint32_t flags;
	int root;

	need_reset_pair(c, &a, &b, &root);
	bind_dev(c, "OWN-9", a, 0);
	bound[a] = true;
	/* Too small an array: ENOSPC, and the count to retry with. */
	n = 0;
	CHECK_RET(c, "OWN-9", T_CALL(c->t, hot_reset_info, a, &flags, deps, &n),
		  ENOSPC);
	tc_check(c, "OWN-9", n == reset_domain_size(c, a),
		 "ENOSPC reported count %u; the reset domain has %u", n,
		 reset_domain_size(c, a));
	expect_reset_info(c, a, bound);
	bind_dev(c, "OWN-9", b, 0);
	bound[b] = true;
	expect_reset_info(c, a, bound);
	expect_reset_info(c, b, bound);
	if (root >= 0) {
		bind_dev(c, "OWN-9", (unsigned)root, 0);
		n = 1;
		CHECK_RET(c, "OWN-9",
			  T_CALL(c->t, hot_reset_info, (unsigned)root, &flags,
				 deps, &n), ENODEV);
	}
}

SCENARIO(own, hot_reset_cdev,
	 .title = "PCI_HOT_RESET with no group fds resets a cdev-bound device when its context owns every affected device (an unbound sibling through its group); the attachment translates after it",
	 .invariants = "OWN-10")
{
	unsigned a, b;
	bool dma;
	char *mem = tc_alloc(c, PG);
	uint32_t ioas;
	uint64_t iova;
	int root, ret;

	need_reset_pair(c, &a, &b, &root);
	dma = dev_has_dma(c, a);
	bind_dev(c, "OWN-10", a, 0);
	ioas = mapped_ioas(c, "OWN-10", mem, &iova);
	attach_rid(c, "OWN-10", a, ioas);
	if (dma)
		tc_dma_write(c, "OWN-10", a, T_NO_PASID, iova, mem, DMA_LEN,
			     true);
	/* The group-fd form is the legacy group path's; flags are none. */
	ret = T_CALL(c->t, hot_reset, a, 1, 0);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target has no PCI hot reset");
	CHECK_RET(c, "OWN-10", ret, EINVAL);
	CHECK_RET(c, "OWN-10", T_CALL(c->t, hot_reset, a, 0, 1), EINVAL);
	/* b is unbound, but its group is the context's. */
	if (c->caps->dev[b].group == c->caps->dev[a].group)
		CHECK_OK(c, "OWN-10", T_CALL(c->t, hot_reset, a, 0, 0));
	else
		CHECK_RET(c, "OWN-10", T_CALL(c->t, hot_reset, a, 0, 0),
			  EINVAL);
	/* The reset reached the devices, not the IOMMU: still attached,
	 * still translating. */
	CHECK_RET(c, "OWN-10", T_CALL(c->t, destroy, ioas), EBUSY);
	if (dma)
		tc_dma_write(c, "OWN-10", a, T_NO_PASID, iova, mem, DMA_LEN,
			     true);
	/* Both bound to the context: the reset through b works too. */
	bind_dev(c, "OWN-10", b, 0);
	CHECK_OK(c, "OWN-10", T_CALL(c->t, hot_reset, b, 0, 0));
	if (dma)
		tc_dma_write(c, "OWN-10", a, T_NO_PASID, iova, mem, DMA_LEN,
			     true);
	if (root >= 0) {
		bind_dev(c, "OWN-10", (unsigned)root, 0);
		CHECK_RET(c, "OWN-10",
			  T_CALL(c->t, hot_reset, (unsigned)root, 0, 0),
			  ENODEV);
	}
}
