// SPDX-License-Identifier: GPL-2.0
/*
 * Fault queues (FAULT-1): IOMMU_FAULT_QUEUE_ALLOC objects and the HWPTs
 * that name them with FAULT_ID_VALID; page requests through them (FAULT-2)
 * and their automatic response on detach and replace (FAULT-3).
 *
 * Kernel: drivers/iommu/iommufd/eventq.c (iommufd_fault_alloc),
 * hw_pagetable.c (iommufd_hwpt_alloc: iommufd_get_fault() and the user
 * reference the HWPT takes on the queue), main.c (iommufd_object_remove);
 * eventq.c (iommufd_fault_iopf_handler, iommufd_fault_fops_read/write,
 * iommufd_auto_response_faults), device.c (iommufd_hwpt_detach_device,
 * iommufd_hwpt_replace_device), selftest.c (iommufd_test_trigger_iopf).
 */
#include <string.h>

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
	CHECK_DESTROYED(c, "FAULT-1", hwpt, fault);
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

/* --- FAULT-2, FAULT-3: page requests through a fault queue ----------------- */

#define PGFAULT_LEN 40u	 /* sizeof(struct iommu_hwpt_pgfault) */
#define RESPONSE_LEN 8u	 /* sizeof(struct iommu_hwpt_page_response) */
#define PGFAULT_LAST_PAGE (1u << 1) /* IOMMU_PGFAULT_FLAGS_LAST_PAGE */
#define PGFAULT_PASID_VALID (1u << 0)
#define PERM_RW 3u	 /* IOMMU_PGFAULT_PERM_READ | _WRITE */
#define RESP_SUCCESS 0u	 /* IOMMUFD_PAGE_RESP_SUCCESS */
#define FAULT_ADDR 0x12345000ull

/* The fields of one struct iommu_hwpt_pgfault the suite judges. */
struct pgfault {
	uint32_t flags, pasid, grpid, perm, length, cookie;
	uint64_t addr;
};

static void pgfault_decode(const uint8_t *b, struct pgfault *f)
{
	memcpy(&f->flags, b, 4);
	memcpy(&f->pasid, b + 8, 4);
	memcpy(&f->grpid, b + 12, 4);
	memcpy(&f->perm, b + 16, 4);
	memcpy(&f->addr, b + 24, 8);
	memcpy(&f->length, b + 32, 4);
	memcpy(&f->cookie, b + 36, 4);
}

/* Read up to max records of len bytes: the bytes read, or -errno. */
static long read_faults(struct tc *c, uint32_t fault, size_t len,
			struct pgfault *out, unsigned max, unsigned *nrec)
{
	uint8_t buf[4 * PGFAULT_LEN];
	size_t n = 0;
	int ret = T_CALL(c->t, eventq_read, fault, buf,
			 len < sizeof(buf) ? len : sizeof(buf), &n);

	*nrec = 0;
	if (ret)
		return ret;
	for (size_t off = 0; off + PGFAULT_LEN <= n && *nrec < max;
	     off += PGFAULT_LEN)
		pgfault_decode(buf + off, &out[(*nrec)++]);
	tc_log(c, "fault queue read (%zu bytes asked): %zu bytes", len, n);
	return (long)n;
}

/* Write one response: 0 when the kernel took all 8 bytes, or -errno. */
static int respond(struct tc *c, uint32_t fault, uint32_t cookie,
		   uint32_t code)
{
	uint32_t r[2] = { cookie, code };
	size_t n = 0;
	int ret = T_CALL(c->t, eventq_write, fault, r, sizeof(r), &n);

	return ret ? ret : n == sizeof(r) ? 0 : -EIO;
}

/*
 * Dev 0 bound and attached to an HWPT (new IOAS) naming a fault queue the
 * target keeps open; SKIP where the target cannot raise page requests or
 * the driver takes no FAULT_ID_VALID.
 */
static uint32_t iopf_setup(struct tc *c, const char *inv, uint32_t *ioas,
			   uint32_t *hwpt)
{
	uint32_t fault = 0;
	int ret;

	bind_dev(c, inv, 0, 0);
	*ioas = new_ioas(c, inv, 0);
	ret = T_CALL(c->t, fault_queue_open, 0, &fault);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot read fault queues");
	if (ret == -ENOTTY)
		tc_skip(c, "kernel without IOMMU_FAULT_QUEUE_ALLOC (before 6.11)");
	REQUIRE(c, inv, ret);
	ret = T_CALL(c->t, hwpt_alloc_fault, 0, *ioas, T_HWPT_FAULT_ID_VALID,
		     fault, hwpt);
	if (ret == -EOPNOTSUPP)
		tc_skip(c, "dev 0 (%s) takes no FAULT_ID_VALID: driver capability",
			c->caps->dev[0].name);
	REQUIRE(c, inv, ret);
	attach_rid(c, inv, 0, *hwpt);
	ret = T_CALL(c->t, trigger_iopf, 0, T_NO_PASID, 0, PERM_RW, 0);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot raise page requests (no PRI device)");
	REQUIRE(c, inv, ret);
	/* That request (group 0) is the queue's first: read and answer it
	 * as set-up, so every case starts from an empty queue. */
	{
		struct pgfault f;
		unsigned nrec;

		REQUIRE(c, inv, read_faults(c, fault, PGFAULT_LEN, &f, 1,
					    &nrec) == PGFAULT_LEN ?
					0 :
					-EIO);
		REQUIRE(c, inv, respond(c, fault, f.cookie, RESP_SUCCESS));
	}
	return fault;
}

SCENARIO(fault, iopf_read_and_respond,
	 .title = "a page request reaches the fault fd once, with its fields; only a SUCCESS/INVALID response to a read, unanswered cookie is taken",
	 .invariants = "FAULT-2", .requires = REQ_HWPT_ALLOC)
{
	uint32_t ioas, hwpt, fault = iopf_setup(c, "FAULT-2", &ioas, &hwpt);
	struct pgfault f[4];
	unsigned nrec;
	long got;

	tc_check(c, "FAULT-2", read_faults(c, fault, 2 * PGFAULT_LEN, f, 4,
					   &nrec) == 0,
		 "an empty fault queue reads 0 bytes");
	CHECK_OK(c, "FAULT-2", T_CALL(c->t, trigger_iopf, 0, T_NO_PASID, 7,
				      PERM_RW, FAULT_ADDR));
	/* A read length that is no multiple of the record is refused. */
	CHECK_RET(c, "FAULT-2", (int)read_faults(c, fault, PGFAULT_LEN + 1, f,
						 4, &nrec),
		  ESPIPE);
	got = read_faults(c, fault, 2 * PGFAULT_LEN, f, 4, &nrec);
	tc_check(c, "FAULT-2", got == PGFAULT_LEN && nrec == 1,
		 "one request raised: %ld bytes read (expected %u)", got,
		 PGFAULT_LEN);
	if (nrec != 1)
		tc_end(c);
	tc_check(c, "FAULT-2",
		 f[0].flags == PGFAULT_LAST_PAGE && f[0].pasid == 0 &&
			 f[0].grpid == 7 && f[0].perm == PERM_RW &&
			 f[0].addr == FAULT_ADDR && f[0].length == 0 &&
			 f[0].cookie,
		 "request: flags 0x%x pasid %u grpid %u perm 0x%x addr 0x%llx length %u cookie %u (expected LAST_PAGE, 0, 7, 0x%x, 0x%llx, 0, non-zero)",
		 f[0].flags, f[0].pasid, f[0].grpid, f[0].perm,
		 (unsigned long long)f[0].addr, f[0].length, f[0].cookie,
		 PERM_RW, FAULT_ADDR);
	tc_check(c, "FAULT-2", read_faults(c, fault, 2 * PGFAULT_LEN, f + 1, 3,
					   &nrec) == 0,
		 "a request is read once: the second read gives 0 bytes");
	/* iommufd_fault_fops_write(): the code, then the cookie */
	CHECK_RET(c, "FAULT-2", respond(c, fault, f[0].cookie, 0xff), EINVAL);
	CHECK_RET(c, "FAULT-2", respond(c, fault, f[0].cookie + 100,
					RESP_SUCCESS),
		  EINVAL);
	CHECK_OK(c, "FAULT-2", respond(c, fault, f[0].cookie, RESP_SUCCESS));
	CHECK_RET(c, "FAULT-2", respond(c, fault, f[0].cookie, RESP_SUCCESS),
		  EINVAL);
	{
		size_t n = 0;

		CHECK_RET(c, "FAULT-2", T_CALL(c->t, eventq_write, fault, f,
					       RESPONSE_LEN - 3, &n),
			  ESPIPE);
	}
	/* The HWPT and the open fd both hold the queue. */
	CHECK_RET(c, "FAULT-2", T_CALL(c->t, destroy, fault), EBUSY);
}

SCENARIO(fault, iopf_auto_response_on_detach,
	 .title = "detach or replace answers the HWPT's page requests: unread ones leave the queue, read ones take no response (EINVAL)",
	 .invariants = "FAULT-2,FAULT-3", .requires = REQ_HWPT_ALLOC)
{
	uint32_t ioas, hwpt, fault = iopf_setup(c, "FAULT-3", &ioas, &hwpt);
	uint32_t plain;
	struct pgfault f[4];
	unsigned nrec;
	long got;

	CHECK_OK(c, "FAULT-3", T_CALL(c->t, trigger_iopf, 0, T_NO_PASID, 1,
				      PERM_RW, FAULT_ADDR));
	CHECK_OK(c, "FAULT-3", T_CALL(c->t, trigger_iopf, 0, T_NO_PASID, 2,
				      PERM_RW, FAULT_ADDR + PG));
	/* A read of one record's length takes the first request only. */
	got = read_faults(c, fault, PGFAULT_LEN, f, 1, &nrec);
	tc_check(c, "FAULT-2", got == PGFAULT_LEN && nrec == 1 &&
				       f[0].grpid == 1,
		 "two requests, one record read: %ld bytes, grpid %u (expected the first, grpid 1)",
		 got, nrec ? f[0].grpid : 0);
	if (nrec != 1)
		tc_end(c);
	detach_rid(c, "FAULT-3", 0);
	got = read_faults(c, fault, 4 * PGFAULT_LEN, f + 1, 3, &nrec);
	tc_check(c, "FAULT-3", got == 0,
		 "after detach the unread request is answered by the kernel: %ld bytes read (expected 0)",
		 got);
	CHECK_RET(c, "FAULT-3", respond(c, fault, f[0].cookie, RESP_SUCCESS),
		  EINVAL);
	/* The same for a replace, and the queue still delivers. */
	attach_rid(c, "FAULT-3", 0, hwpt);
	CHECK_OK(c, "FAULT-3", T_CALL(c->t, trigger_iopf, 0, T_NO_PASID, 3,
				      PERM_RW, FAULT_ADDR));
	got = read_faults(c, fault, PGFAULT_LEN, f, 1, &nrec);
	tc_check(c, "FAULT-3", got == PGFAULT_LEN && nrec == 1 &&
				       f[0].grpid == 3,
		 "re-attached: the next request is delivered (%ld bytes, grpid %u)",
		 got, nrec ? f[0].grpid : 0);
	CHECK_OK(c, "FAULT-3", T_CALL(c->t, trigger_iopf, 0, T_NO_PASID, 4,
				      PERM_RW, FAULT_ADDR));
	plain = new_hwpt(c, "FAULT-3", 0, ioas, 0);
	attach_rid(c, "FAULT-3", 0, plain);
	got = read_faults(c, fault, 4 * PGFAULT_LEN, f + 1, 3, &nrec);
	tc_check(c, "FAULT-3", got == 0,
		 "after a replace the unread request is answered by the kernel: %ld bytes read (expected 0)",
		 got);
	if (f[0].grpid == 3)
		CHECK_RET(c, "FAULT-3", respond(c, fault, f[0].cookie,
						RESP_SUCCESS),
			  EINVAL);
}

/* --- FAULT-4: where a PASID's page requests go ----------------------------- */

/* Trigger one request of dev 0 (pasid, grpid) and read the queue: the
 * record when exactly one came, else false. */
static bool iopf_roundtrip(struct tc *c, uint32_t fault, uint32_t pasid,
			   uint32_t grpid, struct pgfault *f, long *got)
{
	unsigned nrec;

	CHECK_OK(c, "FAULT-4", T_CALL(c->t, trigger_iopf, 0, pasid, grpid,
				      PERM_RW, FAULT_ADDR));
	*got = read_faults(c, fault, 4 * PGFAULT_LEN, f, 1, &nrec);
	return *got == PGFAULT_LEN && nrec == 1;
}

static void expect_pasid_record(struct tc *c, const struct pgfault *f,
				uint32_t pasid, uint32_t grpid,
				const char *via)
{
	tc_check(c, "FAULT-4",
		 f->flags == (PGFAULT_LAST_PAGE | PGFAULT_PASID_VALID) &&
			 f->pasid == pasid && f->grpid == grpid,
		 "request on PASID %u %s: flags 0x%x pasid %u grpid %u (expected LAST_PAGE|PASID_VALID, %u, %u)",
		 pasid, via, f->flags, f->pasid, f->grpid, pasid, grpid);
}

SCENARIO(fault, iopf_pasid_routing,
	 .title = "a PASID's page request goes to the HWPT on that PASID with PASID_VALID; without one, to a nested HWPT on the RID (user PASID table) but never to a paging HWPT on the RID",
	 .invariants = "FAULT-4", .requires = REQ_HWPT_ALLOC)
{
	const uint32_t pasid = 5;
	struct viommu_fmt vf;
	struct pgfault f;
	uint32_t parent = 0, ioas = 0, viommu, fault = 0, hwpt = 0, nested = 0;
	uint32_t vdev = 0;
	long got;
	int ret;

	if (!c->caps->dev[0].max_pasid_log2)
		tc_skip(c, "dev 0 has no PASID capability");
	viommu_fmt(&c->caps->dev[0], &vf);
	viommu = new_viommu_on(c, "FAULT-4", &vf, &parent, &ioas);
	ret = T_CALL(c->t, fault_queue_open, 0, &fault);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot read fault queues");
	REQUIRE(c, "FAULT-4", ret);
	ret = T_CALL(c->t, hwpt_alloc_fault, 0, ioas,
		     T_HWPT_FAULT_ID_VALID | T_HWPT_PASID, fault, &hwpt);
	if (ret == -EOPNOTSUPP)
		tc_skip(c, "dev 0 (%s) takes no FAULT_ID_VALID|PASID: driver capability",
			c->caps->dev[0].name);
	REQUIRE(c, "FAULT-4", ret);
	attach_rid(c, "FAULT-4", 0, hwpt);
	ret = T_CALL(c->t, trigger_iopf, 0, T_NO_PASID, 1, PERM_RW, FAULT_ADDR);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot raise page requests (no PRI device)");
	REQUIRE(c, "FAULT-4", ret);
	/* The RID's own request, as set-up: the queue delivers. */
	REQUIRE(c, "FAULT-4",
		read_faults(c, fault, 4 * PGFAULT_LEN, &f, 1,
			    &(unsigned){ 0 }) == PGFAULT_LEN ? 0 : -EIO);
	/* find_fault_handler(): a PASID with no attachment, a paging HWPT
	 * on the RID: dropped. */
	iopf_roundtrip(c, fault, pasid, 2, &f, &got);
	tc_check(c, "FAULT-4", got == 0,
		 "request on unattached PASID %u with a paging HWPT on the RID: %ld bytes read (expected 0)",
		 pasid, got);
	attach_pasid(c, "FAULT-4", 0, pasid, hwpt);
	if (iopf_roundtrip(c, fault, pasid, 3, &f, &got))
		expect_pasid_record(c, &f, pasid, 3, "attached to the HWPT");
	else
		tc_check(c, "FAULT-4", false,
			 "request on PASID %u attached to a fault HWPT: %ld bytes read (expected one record)",
			 pasid, got);
	detach_pasid(c, "FAULT-4", 0, pasid);
	/* A nested HWPT on the RID takes the requests of every PASID. */
	REQUIRE(c, "FAULT-4", vdev_rc(c, viommu, 0, 0x70, &vdev));
	ret = T_CALL(c->t, hwpt_alloc_nested_fault, 0, viommu,
		     T_HWPT_FAULT_ID_VALID, fault, vf.nested_type, vf.nested,
		     vf.nested_len, &nested);
	if (ret == -T_UNSUPPORTED || ret == -EOPNOTSUPP)
		tc_skip(c, "no nested HWPT with a fault queue (%s)",
			errno_name(ret));
	REQUIRE(c, "FAULT-4", ret);
	attach_rid(c, "FAULT-4", 0, nested);
	if (iopf_roundtrip(c, fault, pasid + 1, 4, &f, &got))
		expect_pasid_record(c, &f, pasid + 1, 4,
				    "unattached, a nested HWPT on the RID");
	else
		tc_check(c, "FAULT-4", false,
			 "request on unattached PASID %u with a nested fault HWPT on the RID: %ld bytes read (expected one record)",
			 pasid + 1, got);
	detach_rid(c, "FAULT-4", 0);
	CHECK_DESTROYED(c, "FAULT-4", nested, vdev, viommu);
}

/* --- FAULT-5: one queue, several attachments ------------------------------- */

SCENARIO(fault, iopf_shared_queue_per_attachment,
	 .title = "one fault queue behind two devices' HWPTs: a detach answers only the requests that came through that attachment; the other device's stay queued and answerable",
	 .invariants = "FAULT-5", .requires = REQ_HWPT_ALLOC, .min_devs = 2)
{
	uint32_t ioas, fault = 0, ha = 0, hb = 0;
	struct pgfault f[4];
	unsigned a, b, nrec;
	long got;
	int ret;

	if (!dev_pair_other_groups(c, &a, &b))
		tc_skip(c, "no two devices in different groups");
	bind_dev(c, "FAULT-5", a, 0);
	bind_dev(c, "FAULT-5", b, 0);
	ioas = new_ioas(c, "FAULT-5", 0);
	ret = T_CALL(c->t, fault_queue_open, 0, &fault);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot read fault queues");
	REQUIRE(c, "FAULT-5", ret);
	ret = T_CALL(c->t, hwpt_alloc_fault, a, ioas, T_HWPT_FAULT_ID_VALID,
		     fault, &ha);
	if (ret == -EOPNOTSUPP)
		tc_skip(c, "dev %u takes no FAULT_ID_VALID: driver capability", a);
	REQUIRE(c, "FAULT-5", ret);
	REQUIRE(c, "FAULT-5", T_CALL(c->t, hwpt_alloc_fault, b, ioas,
				     T_HWPT_FAULT_ID_VALID, fault, &hb));
	attach_rid(c, "FAULT-5", a, ha);
	attach_rid(c, "FAULT-5", b, hb);
	ret = T_CALL(c->t, trigger_iopf, a, T_NO_PASID, 10, PERM_RW, FAULT_ADDR);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot raise page requests (no PRI device)");
	REQUIRE(c, "FAULT-5", ret);
	REQUIRE(c, "FAULT-5", T_CALL(c->t, trigger_iopf, b, T_NO_PASID, 20,
				     PERM_RW, FAULT_ADDR));
	REQUIRE(c, "FAULT-5", T_CALL(c->t, trigger_iopf, a, T_NO_PASID, 11,
				     PERM_RW, FAULT_ADDR));
	/* The first request read (and left unanswered), two unread. */
	got = read_faults(c, fault, PGFAULT_LEN, f, 1, &nrec);
	tc_check(c, "FAULT-5", got == PGFAULT_LEN && nrec == 1 &&
				       f[0].grpid == 10,
		 "three requests on one queue, one record read: %ld bytes, grpid %u (expected dev %u's grpid 10)",
		 got, nrec ? f[0].grpid : 0, a);
	if (nrec != 1)
		tc_end(c);
	detach_rid(c, "FAULT-5", a);
	/* Dev a's requests are answered (before the next read: a cookie
	 * is the lowest free ID, so it would be handed out again) ... */
	CHECK_RET(c, "FAULT-5", respond(c, fault, f[0].cookie, RESP_SUCCESS),
		  EINVAL);
	/* ... dev b's stays. */
	got = read_faults(c, fault, 4 * PGFAULT_LEN, f + 1, 3, &nrec);
	tc_check(c, "FAULT-5", got == PGFAULT_LEN && nrec == 1 &&
				       f[1].grpid == 20,
		 "after dev %u's detach: %ld bytes, %u records, grpid %u (expected dev %u's grpid 20 alone)",
		 a, got, nrec, nrec ? f[1].grpid : 0, b);
	if (nrec == 1)
		CHECK_OK(c, "FAULT-5", respond(c, fault, f[1].cookie,
					       RESP_SUCCESS));
	detach_rid(c, "FAULT-5", b);
}
