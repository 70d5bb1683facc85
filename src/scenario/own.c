// SPDX-License-Identifier: GPL-2.0
/*
 * Ownership (OWN-1..7): BIND, what an unbound fd may do, one owner per
 * group, blocked DMA between BIND and ATTACH, and a clean start after
 * unbind.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "sc_util.h"

#define LEN 256

/*
 * The IOVA at which an identity (pass-through) domain would let the device
 * reach mem: its physical address on a real machine (from pagemap, root
 * only), its user address on a modelled one. 0 when unknown.
 */
static uint64_t identity_iova(struct tc *c, void *mem)
{
	uint64_t ent = 0;
	long ps = sysconf(_SC_PAGESIZE);
	int fd;

	if (c->caps->dma == DMA_MODELLED)
		return (uint64_t)(uintptr_t)mem;
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return 0;
	if (pread(fd, &ent, sizeof(ent),
		  (off_t)((uintptr_t)mem / (uintptr_t)ps * sizeof(ent))) !=
	    (ssize_t)sizeof(ent))
		ent = 0;
	close(fd);
	/* Bit 63: present; bits 0-54: PFN (zero without CAP_SYS_ADMIN). */
	if (!(ent >> 63) || !(ent & ((1ull << 55) - 1)))
		return 0;
	return (ent & ((1ull << 55) - 1)) * (uint64_t)ps +
	       (uintptr_t)mem % (uintptr_t)ps;
}

/* DMA reads (never writes: an identity domain would scribble on RAM) at
 * the address an identity domain would resolve to mem. */
static void check_not_identity(struct tc *c, const char *inv, unsigned dev,
			       void *mem)
{
	uint64_t phys = identity_iova(c, mem);

	if (!phys) {
		tc_log(c, "identity probe skipped: the physical address of the buffer is unknown");
		return;
	}
	if (c->caps->dma_iova_limit && phys + LEN > c->caps->dma_iova_limit) {
		tc_log(c, "identity probe skipped: 0x%llx is beyond the engine's reach",
		       (unsigned long long)phys);
		return;
	}
	tc_dma_read(c, inv, dev, T_NO_PASID, phys, mem, LEN, false);
}

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
	tc_end(c);
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
	ioas = new_ioas(c, "OWN-2", 0);
	CHECK_OK(c, "OWN-2", T_CALL(c->t, bind, 0, 0));
	CHECK_OK(c, "OWN-2", T_CALL(c->t, attach, 0, T_NO_PASID, ioas, NULL));
	tc_end(c);
}

SCENARIO(own, group_single_owner,
	 .title = "all devices of a group are owned by one context; a sibling bound elsewhere fails EPERM",
	 .invariants = "OWN-3", .requires = REQ_GROUP2 | REQ_2CTX, .min_devs = 2)
{
	unsigned a, b;

	if (!dev_pair_same_group(c, &a, &b))
		tc_skip(c, "no two devices share an iommu group");
	bind_dev(c, "OWN-3", a, 0);
	CHECK_RET(c, "OWN-3", T_CALL(c->t, bind, b, 1), EPERM);
	CHECK_OK(c, "OWN-3", T_CALL(c->t, bind, b, 0));
	/* Once the group is free again the other context may own it. */
	REQUIRE(c, "OWN-3", T_CALL(c->t, unbind, a));
	REQUIRE(c, "OWN-3", T_CALL(c->t, unbind, b));
	CHECK_OK(c, "OWN-3", T_CALL(c->t, bind, b, 1));
	CHECK_RET(c, "OWN-3", T_CALL(c->t, bind, a, 0), EPERM);
	tc_end(c);
}

SCENARIO(own, bound_unattached_blocked,
	 .title = "after BIND and before ATTACH the device's DMA is blocked (not identity)",
	 .invariants = "OWN-4", .requires = REQ_DMA)
{
	unsigned d = need_dma_dev(c);
	char *mem = tc_alloc(c, PG);
	uint32_t ioas;
	uint64_t iova;

	bind_dev(c, "OWN-4", d, 0);
	/* A mapped but unattached IOAS gives the device nothing. */
	ioas = new_ioas(c, "OWN-4", 0);
	iova = tc_pick_iova(c, ioas, PG, PG, 0);
	map_fixed(c, "OWN-4", ioas, mem, PG, iova, RW);
	tc_dma_write(c, "OWN-4", d, T_NO_PASID, iova, mem, LEN, false);
	check_not_identity(c, "OWN-4", d, mem);
	tc_end(c);
}

SCENARIO(own, unbind_rebind_clean,
	 .title = "after unbind a new bind starts blocked: nothing of the old attachment is inherited",
	 .invariants = "OWN-5", .requires = REQ_DMA)
{
	unsigned d = need_dma_dev(c);
	char *mem = tc_alloc(c, 2 * PG);
	uint32_t ioas = tc_bind_attach_new_ioas(c, "OWN-5", d);
	uint64_t iova = tc_pick_iova(c, ioas, 2 * PG, PG, 0);

	map_fixed(c, "OWN-5", ioas, mem, 2 * PG, iova, RW);
	tc_dma_write(c, "OWN-5", d, T_NO_PASID, iova, mem, LEN, true);
	tc_dma_read(c, "OWN-5", d, T_NO_PASID, iova + PG, mem + PG, LEN, true);
	CHECK_OK(c, "OWN-5", T_CALL(c->t, unbind, d));
	/* The IOAS is free: its auto HWPT went with the unbind. */
	CHECK_OK(c, "OWN-5", T_CALL(c->t, bind, d, 0));
	tc_dma_write(c, "OWN-5", d, T_NO_PASID, iova, mem, LEN, false);
	tc_dma_read(c, "OWN-5", d, T_NO_PASID, iova + PG, mem + PG, LEN, false);
	CHECK_OK(c, "OWN-5", T_CALL(c->t, attach, d, T_NO_PASID, ioas, NULL));
	tc_dma_write(c, "OWN-5", d, T_NO_PASID, iova, mem, LEN, true);
	tc_end(c);
}

SCENARIO(own, unbind_releases_attachment,
	 .title = "unbind with an attachment releases it: the IOAS and a manual HWPT become free",
	 .invariants = "OWN-5")
{
	uint32_t ioas, i2, h = 0;

	ioas = tc_bind_attach_new_ioas(c, "OWN-5", 0);
	CHECK_RET(c, "OWN-5", T_CALL(c->t, destroy, ioas), EBUSY);
	CHECK_OK(c, "OWN-5", T_CALL(c->t, unbind, 0));
	CHECK_OK(c, "OWN-5", T_CALL(c->t, destroy, ioas));
	if (c->caps->hwpt_alloc) {
		bind_dev(c, "OWN-5", 0, 0);
		i2 = new_ioas(c, "OWN-5", 0);
		h = new_hwpt(c, "OWN-5", 0, i2, 0);
		attach_rid(c, "OWN-5", 0, h);
		CHECK_RET(c, "OWN-5", T_CALL(c->t, destroy, h), EBUSY);
		CHECK_OK(c, "OWN-5", T_CALL(c->t, unbind, 0));
		CHECK_OK(c, "OWN-5", T_CALL(c->t, destroy, h));
		CHECK_OK(c, "OWN-5", T_CALL(c->t, destroy, i2));
	}
	tc_end(c);
}

SCENARIO(own, rebind_other_ctx,
	 .title = "a device rebound to another context translates only through that context's IOAS",
	 .invariants = "OWN-5", .requires = REQ_DMA | REQ_2CTX)
{
	unsigned d = need_dma_dev(c);
	char *m0 = tc_alloc(c, PG), *m1 = tc_alloc(c, PG);
	uint32_t i0 = tc_bind_attach_new_ioas(c, "OWN-5", d), i1, s0;
	uint64_t iova = tc_pick_iova(c, i0, PG, PG, 0);

	map_fixed(c, "OWN-5", i0, m0, PG, iova, RW);
	tc_dma_write(c, "OWN-5", d, T_NO_PASID, iova, m0, LEN, true);
	CHECK_OK(c, "OWN-5", T_CALL(c->t, unbind, d));
	CHECK_OK(c, "OWN-5", T_CALL(c->t, bind, d, 1));
	tc_dma_write(c, "OWN-5", d, T_NO_PASID, iova, m0, LEN, false);
	i1 = new_ioas(c, "OWN-5", 1);
	map_fixed(c, "OWN-5", i1, m1, PG, iova, RW);
	CHECK_OK(c, "OWN-5", T_CALL(c->t, attach, d, T_NO_PASID, i1, NULL));
	s0 = mem_mark(c, m0, PG);
	tc_dma_write(c, "OWN-5", d, T_NO_PASID, iova, m1, LEN, true);
	mem_unchanged(c, "OWN-5", m0, PG, s0, "the old context's page");
	tc_end(c);
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
	tc_end(c);
}

SCENARIO(own, second_fd_bind_fails,
	 .title = "BIND through a second cdev fd of a bound device fails EINVAL; the first binding is unaffected",
	 .invariants = "OWN-7")
{
	char *mem = tc_alloc(c, PG);
	uint32_t ioas = tc_bind_attach_new_ioas(c, "OWN-7", 0);
	uint64_t iova = tc_pick_iova(c, ioas, PG, PG, 0);
	bool dma = c->caps->dev[0].dma && dev_with_dma(c, -1) >= 0;

	map_fixed(c, "OWN-7", ioas, mem, PG, iova, RW);
	CHECK_RET(c, "OWN-7", T_CALL(c->t, bind_second_fd, 0, 0), EINVAL);
	/* vfio_df_open() refuses before the iommufd is looked at further:
	 * another context makes no difference. */
	if (c->caps->nctx >= 2)
		CHECK_RET(c, "OWN-7", T_CALL(c->t, bind_second_fd, 0, 1),
			  EINVAL);
	/* The first fd still owns the device and its attachment. */
	if (dma)
		tc_dma_write(c, "OWN-7", 0, T_NO_PASID, iova, mem, LEN, true);
	CHECK_RET(c, "OWN-7", T_CALL(c->t, destroy, ioas), EBUSY);
	/* Once the first fd is closed, a new fd binds normally. */
	CHECK_OK(c, "OWN-7", T_CALL(c->t, unbind, 0));
	CHECK_OK(c, "OWN-7", T_CALL(c->t, bind_second_fd, 0, 0));
	CHECK_OK(c, "OWN-7", T_CALL(c->t, bind, 0, 0));
	tc_end(c);
}
