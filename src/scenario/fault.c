// SPDX-License-Identifier: GPL-2.0
/*
 * Fault queues (FAULT-1): IOMMU_FAULT_QUEUE_ALLOC objects and the HWPTs
 * that name them with FAULT_ID_VALID.
 *
 * Kernel: drivers/iommu/iommufd/eventq.c (iommufd_fault_alloc),
 * hw_pagetable.c (iommufd_hwpt_alloc: iommufd_get_fault() and the user
 * reference the HWPT takes on the queue), main.c (iommufd_object_remove).
 */
#include "fixture.h"

/* A fault queue on context 0, or SKIP when the target or kernel has none. */
static uint32_t new_fault_queue(struct tc *c, const char *inv)
{
	uint32_t fault = 0;
	int ret = T_CALL(c->t, fault_queue_alloc, 0, &fault);

	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot allocate fault queues");
	if (ret == -ENOTTY)
		tc_skip(c, "kernel without IOMMU_FAULT_QUEUE_ALLOC (before 6.11)");
	REQUIRE(c, inv, ret);
	return fault;
}

/*
 * Dev 0 bound, a new IOAS and fault queue, and an HWPT over the IOAS naming
 * the queue with FAULT_ID_VALID; SKIP when the driver takes no such flag.
 */
static uint32_t new_fault_hwpt(struct tc *c, uint32_t *ioas, uint32_t *fault)
{
	uint32_t hwpt = 0;
	int ret;

	bind_dev(c, "FAULT-1", 0, 0);
	*ioas = new_ioas(c, "FAULT-1", 0);
	*fault = new_fault_queue(c, "FAULT-1");
	ret = T_CALL(c->t, hwpt_alloc_fault, 0, *ioas, T_HWPT_FAULT_ID_VALID,
		     *fault, &hwpt);
	if (ret == -EOPNOTSUPP)
		tc_skip(c, "dev 0 (%s) takes no FAULT_ID_VALID (no domain_alloc_paging_flags): driver capability",
			c->caps->dev[0].name);
	REQUIRE(c, "FAULT-1", ret);
	return hwpt;
}

SCENARIO(fault, queue_held_by_hwpt,
	 .title = "a fault queue named by an HWPT cannot be destroyed until the HWPT is gone",
	 .invariants = "FAULT-1", .requires = REQ_HWPT_ALLOC)
{
	uint32_t ioas, fault, hwpt = new_fault_hwpt(c, &ioas, &fault);

	/* The HWPT holds a user reference on the queue. */
	CHECK_RET(c, "FAULT-1", T_CALL(c->t, destroy, fault), EBUSY);
	CHECK_OK(c, "FAULT-1", T_CALL(c->t, destroy, hwpt));
	CHECK_OK(c, "FAULT-1", T_CALL(c->t, destroy, fault));
	CHECK_RET(c, "FAULT-1", T_CALL(c->t, destroy, fault), ENOENT);
}

SCENARIO(fault, fault_id_must_name_a_queue,
	 .title = "FAULT_ID_VALID with an ID that is no fault queue fails ENOENT and leaves nothing",
	 .invariants = "FAULT-1", .requires = REQ_HWPT_ALLOC)
{
	/* The driver must take the flag at all, or ENOENT is never reached. */
	uint32_t ioas, fault, hwpt = new_fault_hwpt(c, &ioas, &fault);

	destroy_obj(c, "FAULT-1", hwpt);
	/* An IOAS is no fault queue: the typed lookup fails. */
	CHECK_RET(c, "FAULT-1", T_CALL(c->t, hwpt_alloc_fault, 0, ioas,
				       T_HWPT_FAULT_ID_VALID, ioas, &hwpt),
		  ENOENT);
	/* Nor is a destroyed queue. */
	destroy_obj(c, "FAULT-1", fault);
	CHECK_RET(c, "FAULT-1", T_CALL(c->t, hwpt_alloc_fault, 0, ioas,
				       T_HWPT_FAULT_ID_VALID, fault, &hwpt),
		  ENOENT);
	/* The refusals left no HWPT on the IOAS. */
	CHECK_OK(c, "FAULT-1", T_CALL(c->t, destroy, ioas));
}
