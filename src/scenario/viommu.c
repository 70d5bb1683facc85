// SPDX-License-Identifier: GPL-2.0
/*
 * vIOMMU objects (VIOMMU-1..8): vDEVICEs, their tombstone when the device
 * goes, vEVENTQs, HW queues and their order, invalidation through the
 * vIOMMU, and the nested HWPTs on it.
 *
 * Kernel: drivers/iommu/iommufd/viommu.c (iommufd_vdevice_alloc_ioctl,
 * iommufd_vdevice_abort/destroy, iommufd_hw_queue_alloc_ioctl), device.c
 * (iommufd_device_remove_vdev), main.c (iommufd_object_remove,
 * REMOVE_OBJ_TOMBSTONE), eventq.c (iommufd_veventq_alloc,
 * iommufd_veventq_fops_read), driver.c (iommufd_viommu_report_event,
 * iommufd_viommu_get_vdev_id, iommufd_viommu_find_dev,
 * _iommufd_object_depend), hw_pagetable.c (iommufd_viommu_alloc_hwpt_nested,
 * iommufd_hwpt_invalidate), iommufd_private.h (iommufd_vevent_handler);
 * selftest.c (mock_viommu_*, mock_hw_queue_init_phys,
 * mock_domain_nop_attach, iommufd_test_trigger_vevent).
 */
#include <linux/iommufd.h>
#include <string.h>

#include "fixture.h"

/* iommufd_test.h: the mock's types and nested data. */
#define SELFTEST_HW_INFO 0xfeedbeefu
#define SELFTEST_VIOMMU 0xdeadbeefu
#define SELFTEST_VEVENTQ 0xbeefbeefu
#define SELFTEST_HWPT_DATA 0xdeadu
#define SELFTEST_IOTLB 0xbadbeefu
#define SELFTEST_HW_QUEUE 0xdeadbeefu
#define SELFTEST_VIOMMU_INV 0xdeadbeefu
#define SELFTEST_HW_QUEUE_MAX 2u /* IOMMU_TEST_HW_QUEUE_MAX */

void viommu_fmt(const struct dev_caps *dc, struct viommu_fmt *f)
{
	memset(f, 0, sizeof(*f));
	if (dc->hw_info_type == SELFTEST_HW_INFO) {
		f->type = SELFTEST_VIOMMU;
		f->nested_type = SELFTEST_HWPT_DATA;
		f->nested_len = 8; /* struct iommu_hwpt_selftest */
		f->nested[0] = SELFTEST_IOTLB;
		f->veventq_type = SELFTEST_VEVENTQ;
		f->hw_queue_type = SELFTEST_HW_QUEUE;
		f->hw_queue_max = SELFTEST_HW_QUEUE_MAX;
		f->inv_type = SELFTEST_VIOMMU_INV;
		f->inv_unknown_err = EINVAL;
	} else {
		/* arm-smmu-v3: an STE with V=0 (abort) */
		f->type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3;
		f->nested_type = IOMMU_HWPT_DATA_ARM_SMMUV3;
		f->nested_len = sizeof(struct iommu_hwpt_arm_smmuv3);
		f->veventq_type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3;
		f->hw_queue_type = IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV;
		f->inv_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3;
		f->inv_empty_err = EINVAL;
		f->inv_unknown_err = EIO;
	}
}

uint32_t new_viommu_on(struct tc *c, const char *inv,
		       const struct viommu_fmt *f, uint32_t *parent,
		       uint32_t *ioas_out)
{
	uint32_t ioas, viommu = 0;
	int ret;

	bind_dev(c, inv, 0, 0);
	ioas = new_ioas(c, inv, 0);
	if (ioas_out)
		*ioas_out = ioas;
	ret = T_CALL(c->t, hwpt_alloc, 0, ioas, T_HWPT_NEST_PARENT, 0, NULL, 0,
		     parent);
	if (ret)
		tc_skip(c,
			"dev 0 cannot be a nest parent (%s): driver capability",
			errno_name(ret));
	ret = T_CALL(c->t, viommu_alloc, 0, *parent, f->type, 0, &viommu);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot allocate vIOMMUs");
	if (ret == -ENOTTY)
		tc_skip(c, "kernel without IOMMU_VIOMMU_ALLOC (before 6.13)");
	if (ret == -EOPNOTSUPP)
		tc_skip(c,
			"dev 0 (%s) has no vIOMMU of type 0x%x: driver "
			"capability",
			c->caps->dev[0].name, f->type);
	REQUIRE(c, inv, ret);
	return viommu;
}

static uint32_t new_viommu(struct tc *c, const char *inv,
			   const struct viommu_fmt *f, uint32_t *parent)
{
	return new_viommu_on(c, inv, f, parent, NULL);
}

/* A nested HWPT for dev 0 on the vIOMMU with the driver's data; SKIP
 * where the driver makes none. */
static uint32_t nested_on_viommu(struct tc *c, const struct viommu_fmt *f,
				 uint32_t viommu)
{
	uint32_t nested = 0;
	int ret = T_CALL(c->t, hwpt_alloc, 0, viommu, 0, f->nested_type,
			 f->nested, f->nested_len, &nested);

	if (ret)
		tc_skip(c,
			"dev 0 (%s) makes no nested HWPT on its vIOMMU (%s): "
			"driver capability",
			c->caps->dev[0].name, errno_name(ret));
	return nested;
}

/* The driver's format into f, a vIOMMU (returned) over a new NEST_PARENT
 * HWPT (*parent) and a nested HWPT on the vIOMMU (*nested); or SKIP. */
static uint32_t viommu_with_nested(struct tc *c, const char *inv,
				   struct viommu_fmt *f, uint32_t *parent,
				   uint32_t *nested)
{
	uint32_t viommu;

	viommu_fmt(&c->caps->dev[0], f);
	viommu = new_viommu(c, inv, f, parent);
	*nested = nested_on_viommu(c, f, viommu);
	return viommu;
}

int vdev_rc(struct tc *c, uint32_t viommu, unsigned dev, uint64_t virt_id,
	    uint32_t *vdev)
{
	int ret = T_CALL(c->t, vdevice_alloc, viommu, dev, virt_id, vdev);

	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot allocate vDEVICEs");
	if (ret == -ENOTTY)
		tc_skip(c, "kernel without IOMMU_VDEVICE_ALLOC (before 6.13)");
	return ret;
}

/* Another device behind dev 0's IOMMU instance, bound; or SKIP. */
static unsigned second_dev_same_iommu(struct tc *c, const char *inv)
{
	for (unsigned i = 1; i < c->caps->ndev; i++) {
		if (c->caps->dev[i].iommu != c->caps->dev[0].iommu)
			continue;
		bind_dev(c, inv, i, 0);
		return i;
	}
	tc_skip(c, "no second device behind dev 0's IOMMU instance");
}

SCENARIO(viommu, vdevice_one_per_device_and_virt_id,
	 .title = "VDEVICE_ALLOC: one vDEVICE per device and one device per "
		  "virt_id on a vIOMMU (EEXIST), a vIOMMU ID required "
		  "(ENOENT), the vIOMMU held",
	 .invariants = "VIOMMU-1", .requires = REQ_HWPT_ALLOC, .min_devs = 2)
{
	struct viommu_fmt f;
	uint32_t parent = 0, viommu, d0 = 0, d1 = 0, x = 0;
	unsigned b;

	viommu_fmt(&c->caps->dev[0], &f);
	viommu = new_viommu(c, "VIOMMU-1", &f, &parent);
	b = second_dev_same_iommu(c, "VIOMMU-1");
	CHECK_OK(c, "VIOMMU-1", vdev_rc(c, viommu, 0, 0x10, &d0));
	/* idev->vdev: the device has one already */
	CHECK_RET(c, "VIOMMU-1", vdev_rc(c, viommu, 0, 0x11, &x), EEXIST);
	/* xa_insert() into viommu->vdevs: the virt_id is taken */
	CHECK_RET(c, "VIOMMU-1", vdev_rc(c, viommu, b, 0x10, &x), EEXIST);
	CHECK_OK(c, "VIOMMU-1", vdev_rc(c, viommu, b, 0x11, &d1));
	/* The parent HWPT is no vIOMMU: the typed lookup fails. */
	CHECK_RET(c, "VIOMMU-1", vdev_rc(c, parent, b, 0x12, &x), ENOENT);
	/* Each vDEVICE holds the vIOMMU. */
	CHECK_RET(c, "VIOMMU-1", T_CALL(c->t, destroy, viommu), EBUSY);
	/* A destroyed vDEVICE gives its virt_id back; dev b keeps its own. */
	CHECK_OK(c, "VIOMMU-1", T_CALL(c->t, destroy, d0));
	CHECK_RET(c, "VIOMMU-1", vdev_rc(c, viommu, b, 0x10, &x), EEXIST);
	CHECK_OK(c, "VIOMMU-1", vdev_rc(c, viommu, 0, 0x10, &d0));
	CHECK_DESTROYED(c, "VIOMMU-1", d0, d1, viommu);
}

SCENARIO(viommu, vdevice_tombstone_on_unbind,
	 .title = "unbinding a device destroys its vDEVICE and tombstones the "
		  "ID: DESTROY gives ENOENT, no new object takes the ID, the "
		  "vIOMMU is free",
	 .invariants = "VIOMMU-2", .requires = REQ_HWPT_ALLOC)
{
	struct viommu_fmt f;
	uint32_t parent = 0, viommu, vdev = 0, fresh[12];
	unsigned n = 0;
	bool reused = false;

	viommu_fmt(&c->caps->dev[0], &f);
	viommu = new_viommu(c, "VIOMMU-2", &f, &parent);
	REQUIRE(c, "VIOMMU-2", vdev_rc(c, viommu, 0, 0x20, &vdev));
	unbind_dev(c, "VIOMMU-2", 0);
	/* xa_alloc() hands out the lowest free ID: allocate until past the
	 * vDEVICE's; a tombstone is never handed out. */
	while (n < 12) {
		if (T_CALL(c->t, ioas_alloc, 0, &fresh[n]))
			break;
		reused |= fresh[n] == vdev;
		if (fresh[n++] > vdev)
			break;
	}
	tc_check(c, "VIOMMU-2", !reused,
		 "after unbind, %u new objects: %s the vDEVICE's ID %u", n,
		 reused ? "one took" : "none took", vdev);
	tc_check(c, "VIOMMU-2", n && fresh[n - 1] > vdev,
		 "allocation reached past the tombstone (last ID %u, tombstone "
		 "%u)",
		 n ? fresh[n - 1] : 0, vdev);
	if (!reused)
		CHECK_RET(c, "VIOMMU-2", T_CALL(c->t, destroy, vdev), ENOENT);
	/* The vDEVICE is gone, so it no longer holds the vIOMMU. */
	CHECK_OK(c, "VIOMMU-2", T_CALL(c->t, destroy, viommu));
	for (unsigned i = 0; i < n; i++)
		CHECK_OK(c, "VIOMMU-2", T_CALL(c->t, destroy, fresh[i]));
	CHECK_OK(c, "VIOMMU-2", T_CALL(c->t, destroy, parent));
}

/* One vEVENT as read: the header and, unless it is the lost-events
 * record, the selftest event (the virt_id). */
struct vevent {
	uint32_t flags, sequence, virt_id;
};

/* Read the queue into ev[] (at most max); the bytes read, or -errno. */
static long read_vevents(struct tc *c, uint32_t q, struct vevent *ev,
			 unsigned max, unsigned *nev)
{
	uint8_t buf[256];
	size_t n = 0, off = 0;
	int ret = T_CALL(c->t, eventq_read, q, buf, sizeof(buf), &n);

	*nev = 0;
	if (ret)
		return ret;
	while (off + 8 <= n && *nev < max) {
		struct vevent *e = &ev[(*nev)++];

		memcpy(&e->flags, buf + off, 4);
		memcpy(&e->sequence, buf + off + 4, 4);
		off += 8;
		e->virt_id = 0;
		if (!(e->flags & IOMMU_VEVENTQ_FLAG_LOST_EVENTS) &&
		    off + 4 <= n) {
			memcpy(&e->virt_id, buf + off, 4);
			off += 4;
		}
	}
	tc_log(c, "vEVENTQ read: %zu bytes, %u records", n, *nev);
	return (long)n;
}

static void expect_vevent(struct tc *c, const struct vevent *e, bool lost,
			  uint32_t seq, uint32_t virt_id)
{
	tc_check(c, "VIOMMU-3",
		 !!(e->flags & IOMMU_VEVENTQ_FLAG_LOST_EVENTS) == lost &&
			 e->sequence == seq && (lost || e->virt_id == virt_id),
		 "vEVENT flags 0x%x sequence %u data 0x%x (expected %s, "
		 "sequence %u%s)",
		 e->flags, e->sequence, e->virt_id,
		 lost ? "the lost-events record" : "an event", seq,
		 lost ? "" : ", data = the virt_id");
}

SCENARIO(viommu, veventq_events_and_overflow,
	 .title = "vEVENTQ: one queue per type (EEXIST); events read in order "
		  "with sequence numbers; past the depth one lost-events "
		  "record; the open fd holds the queue",
	 .invariants = "VIOMMU-3", .requires = REQ_HWPT_ALLOC)
{
	const uint32_t virt = 0x30;
	struct viommu_fmt f;
	struct vevent ev[8];
	uint32_t parent = 0, viommu, vdev = 0, nested = 0, q = 0, x = 0;
	unsigned nev;
	long got;
	uint8_t small[4];
	size_t n;
	int ret;

	viommu_fmt(&c->caps->dev[0], &f);
	viommu = new_viommu(c, "VIOMMU-3", &f, &parent);
	REQUIRE(c, "VIOMMU-3", vdev_rc(c, viommu, 0, virt, &vdev));
	nested = nested_on_viommu(c, &f, viommu);
	attach_rid(c, "VIOMMU-3", 0, nested);
	ret = T_CALL(c->t, trigger_vevent, 0);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot make its IOMMU report a vEVENT");
	/* iommufd_viommu_report_event(): no queue of that type */
	CHECK_RET(c, "VIOMMU-3", ret, EOPNOTSUPP);
	CHECK_RET(c, "VIOMMU-3",
		  T_CALL(c->t, veventq_alloc, viommu,
			 IOMMU_VEVENTQ_TYPE_DEFAULT, 2, &x),
		  EOPNOTSUPP);
	CHECK_RET(c, "VIOMMU-3",
		  T_CALL(c->t, veventq_alloc, viommu, f.veventq_type, 0, &x),
		  EINVAL);
	ret = T_CALL(c->t, veventq_alloc, viommu, f.veventq_type, 2, &q);
	if (ret == -ENOTTY)
		tc_skip(c, "kernel without IOMMU_VEVENTQ_ALLOC (before 6.15)");
	REQUIRE(c, "VIOMMU-3", ret);
	CHECK_RET(c, "VIOMMU-3",
		  T_CALL(c->t, veventq_alloc, viommu, f.veventq_type, 4, &x),
		  EEXIST);
	tc_check(c, "VIOMMU-3", read_vevents(c, q, ev, 8, &nev) == 0,
		 "an empty vEVENTQ reads 0 bytes");
	/* Depth 2: the third event is lost, and says so. */
	for (unsigned i = 0; i < 3; i++)
		CHECK_OK(c, "VIOMMU-3", T_CALL(c->t, trigger_vevent, 0));
	CHECK_RET(c, "VIOMMU-3",
		  T_CALL(c->t, eventq_read, q, small, sizeof(small), &n),
		  EINVAL);
	got = read_vevents(c, q, ev, 8, &nev);
	tc_check(c, "VIOMMU-3", got == 32 && nev == 3,
		 "3 events on a queue of depth 2: %ld bytes, %u records "
		 "(expected 2 events + the lost-events record, 32 bytes)",
		 got, nev);
	if (nev == 3) {
		expect_vevent(c, &ev[0], false, 0, virt);
		expect_vevent(c, &ev[1], false, 1, virt);
		expect_vevent(c, &ev[2], true, 2, 0);
	}
	/* Read empty again; the sequence goes on. */
	CHECK_OK(c, "VIOMMU-3", T_CALL(c->t, trigger_vevent, 0));
	got = read_vevents(c, q, ev, 8, &nev);
	tc_check(c, "VIOMMU-3", got == 12 && nev == 1,
		 "one more event: %ld bytes, %u records (expected 1, 12 bytes)",
		 got, nev);
	if (nev == 1)
		expect_vevent(c, &ev[0], false, 3, virt);
	/* The queue holds the vIOMMU; its open fd holds the queue. */
	CHECK_RET(c, "VIOMMU-3", T_CALL(c->t, destroy, viommu), EBUSY);
	CHECK_RET(c, "VIOMMU-3", T_CALL(c->t, destroy, q), EBUSY);
	REQUIRE(c, "VIOMMU-3", T_CALL(c->t, eventq_close, q));
	CHECK_OK(c, "VIOMMU-3", T_CALL(c->t, destroy, q));
}

SCENARIO(viommu, hw_queue_locks_its_memory,
	 .title = "HW_QUEUE_ALLOC: type, length, wrap and an unmapped queue refused; the queue's memory cannot be unmapped (EBUSY) until the queue is destroyed; the queue holds its vIOMMU",
	 .invariants = "VIOMMU-4", .requires = REQ_HWPT_ALLOC)
{
	struct viommu_fmt f;
	uint32_t parent = 0, ioas = 0, viommu, q = 0, x = 0;
	uint64_t iova = 0, unmapped = 0;
	void *mem = tc_alloc(c, PG);
	int ret;

	viommu_fmt(&c->caps->dev[0], &f);
	viommu = new_viommu_on(c, "VIOMMU-4", &f, &parent, &ioas);
	REQUIRE(c, "VIOMMU-4",
		T_CALL(c->t, ioas_map, ioas, RW, mem, PG, &iova));
	ret = T_CALL(c->t, hw_queue_alloc, viommu, IOMMU_HW_QUEUE_TYPE_DEFAULT,
		     0, iova, PG, &x);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot allocate HW queues");
	if (ret == -ENOTTY)
		tc_skip(c, "kernel without IOMMU_HW_QUEUE_ALLOC (before 6.17)");
	CHECK_RET(c, "VIOMMU-4", ret, EOPNOTSUPP);
	ret = T_CALL(c->t, hw_queue_alloc, viommu, f.hw_queue_type, 0, iova,
		     PG, &q);
	if (ret == -EOPNOTSUPP)
		tc_skip(c, "dev 0 (%s) has no HW queue of type 0x%x: driver capability",
			c->caps->dev[0].name, f.hw_queue_type);
	/* The refusals come before the queue: free it to see them. */
	REQUIRE(c, "VIOMMU-4", ret);
	destroy_obj(c, "VIOMMU-4", q);
	CHECK_RET(c, "VIOMMU-4", T_CALL(c->t, hw_queue_alloc, viommu,
					f.hw_queue_type, 0, iova, 0, &x),
		  EINVAL);
	CHECK_RET(c, "VIOMMU-4", T_CALL(c->t, hw_queue_alloc, viommu,
					f.hw_queue_type, 0, UINT64_MAX - PG + 1,
					2 * PG, &x),
		  EOVERFLOW);
	/* iommufd_access_pin_pages(): the queue must be mapped */
	CHECK_RET(c, "VIOMMU-4", T_CALL(c->t, hw_queue_alloc, viommu,
					f.hw_queue_type, 0, iova + PG, PG, &x),
		  ENOENT);
	CHECK_OK(c, "VIOMMU-4", T_CALL(c->t, hw_queue_alloc, viommu,
				       f.hw_queue_type, 0, iova, PG, &q));
	/* The internal access locks the area. */
	CHECK_RET(c, "VIOMMU-4", T_CALL(c->t, ioas_unmap, ioas, iova, PG,
					&unmapped),
		  EBUSY);
	CHECK_RET(c, "VIOMMU-4", T_CALL(c->t, destroy, viommu), EBUSY);
	CHECK_OK(c, "VIOMMU-4", T_CALL(c->t, destroy, q));
	CHECK_OK(c, "VIOMMU-4", T_CALL(c->t, ioas_unmap, ioas, iova, PG,
				       &unmapped));
	tc_check(c, "VIOMMU-4", unmapped == PG,
		 "after the queue is gone UNMAP takes the page: %llu bytes",
		 (unsigned long long)unmapped);
	CHECK_OK(c, "VIOMMU-4", T_CALL(c->t, destroy, viommu));
}

/* --- VIOMMU-5: invalidation through the vIOMMU ----------------------------- */

/* One vIOMMU invalidation entry in the selftest layout (iommufd_test.h:
 * struct iommu_viommu_invalidate_selftest), which the model uses too. */
struct viommu_inv {
	uint32_t flags, vdev_id, cache_id;
};

#define VIOMMU_INV_ALL 1u /* IOMMU_TEST_INVALIDATE_FLAG_ALL */

/* HWPT_INVALIDATE of n entries on the vIOMMU; *done the entry_num read
 * back. */
static int viommu_inv_rc(struct tc *c, uint32_t viommu, uint32_t type,
			 const struct viommu_inv *e, uint32_t n, uint32_t *done)
{
	*done = n;
	return T_CALL(c->t, hwpt_invalidate, viommu, type, n ? e : NULL,
		      sizeof(*e), done);
}

/* Expect dev's cache: entry i valid when bit i of valid_mask is set. */
static void expect_dev_cache(struct tc *c, unsigned dev, unsigned valid_mask,
			     const char *when)
{
	for (unsigned i = 0; i < 4; i++) {
		bool valid = valid_mask & (1u << i);

		tc_check(c, "VIOMMU-5",
			 T_CALL(c->t, dev_cache_check, dev, i, valid) == 0,
			 "%s: dev %u cache entry %u %s", when, dev, i,
			 valid ? "valid" : "invalidated");
	}
}

SCENARIO(viommu, invalidate_names_devices_by_virt_id,
	 .title = "HWPT_INVALIDATE on a vIOMMU: each entry names a device by its virt_id through a vDEVICE; one naming no vDEVICE is refused (mock EINVAL) and stops the array, entry_num counting the entries carried out",
	 .invariants = "VIOMMU-5", .requires = REQ_HWPT_ALLOC, .min_devs = 2)
{
	struct viommu_fmt f;
	uint32_t parent = 0, viommu, d0 = 0, d1 = 0, done = 0;
	unsigned b;
	int ret;

	viommu_fmt(&c->caps->dev[0], &f);
	viommu = new_viommu(c, "VIOMMU-5", &f, &parent);
	b = second_dev_same_iommu(c, "VIOMMU-5");
	ret = T_CALL(c->t, dev_cache_check, 0, 0, true);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot read a device's own cache");
	REQUIRE(c, "VIOMMU-5", vdev_rc(c, viommu, 0, 0x51, &d0));
	REQUIRE(c, "VIOMMU-5", vdev_rc(c, viommu, b, 0x52, &d1));
	expect_dev_cache(c, 0, 0xf, "fresh device");
	expect_dev_cache(c, b, 0xf, "fresh device");
	/* Two entries carried out, the third names no vDEVICE. */
	{
		const struct viommu_inv e[] = {
			{ 0, 0x51, 1 }, { 0, 0x52, 2 }, { 0, 0x53, 3 },
		};

		CHECK_RET(c, "VIOMMU-5", viommu_inv_rc(c, viommu, f.inv_type, e,
						       3, &done),
			  f.inv_unknown_err);
		tc_check(c, "VIOMMU-5", done == 2,
			 "entry_num after [0x51, 0x52, 0x53 (no vDEVICE)]: %u (expected 2)",
			 done);
	}
	expect_dev_cache(c, 0, 0xf & ~2u, "after virt_id 0x51 entry 1");
	expect_dev_cache(c, b, 0xf & ~4u, "after virt_id 0x52 entry 2");
	/* The driver checks the data type, even for no entries. */
	CHECK_RET(c, "VIOMMU-5", viommu_inv_rc(c, viommu, f.inv_type + 1, NULL,
					       0, &done),
		  EINVAL);
	CHECK_RET(c, "VIOMMU-5", viommu_inv_rc(c, viommu, f.inv_type, NULL, 0,
					       &done),
		  f.inv_empty_err);
	/* A destroyed vDEVICE no longer names its device ... */
	CHECK_OK(c, "VIOMMU-5", T_CALL(c->t, destroy, d0));
	{
		const struct viommu_inv e = { 0, 0x51, 0 };

		CHECK_RET(c, "VIOMMU-5", viommu_inv_rc(c, viommu, f.inv_type,
						       &e, 1, &done),
			  f.inv_unknown_err);
		tc_check(c, "VIOMMU-5", done == 0,
			 "entry_num for a destroyed vDEVICE's virt_id: %u (expected 0)",
			 done);
	}
	expect_dev_cache(c, 0, 0xf & ~2u, "after the destroyed virt_id");
	/* ... and a new one does again. */
	CHECK_OK(c, "VIOMMU-5", vdev_rc(c, viommu, 0, 0x51, &d0));
	{
		const struct viommu_inv e = { VIOMMU_INV_ALL, 0x51, 0 };

		CHECK_OK(c, "VIOMMU-5", viommu_inv_rc(c, viommu, f.inv_type,
						      &e, 1, &done));
		tc_check(c, "VIOMMU-5", done == 1,
			 "entry_num for one entry carried out: %u", done);
	}
	expect_dev_cache(c, 0, 0, "after invalidate-all of virt_id 0x51");
	expect_dev_cache(c, b, 0xf & ~4u, "after invalidate-all of virt_id 0x51");
	CHECK_DESTROYED(c, "VIOMMU-5", d0, d1, viommu);
}

/* --- VIOMMU-6: a nested HWPT holds its vIOMMU ------------------------------ */

SCENARIO(viommu, nested_hwpt_holds_viommu,
	 .title = "a nested HWPT on a vIOMMU holds it (DESTROY EBUSY) until the HWPT is destroyed; teardown goes nested HWPT, vDEVICE, vIOMMU, parent",
	 .invariants = "VIOMMU-6", .requires = REQ_HWPT_ALLOC)
{
	struct viommu_fmt f;
	uint32_t parent = 0, nested = 0, vdev = 0;
	uint32_t viommu = viommu_with_nested(c, "VIOMMU-6", &f, &parent, &nested);

	/* Nothing else holds the vIOMMU: no vDEVICE, queue or attach. The
	 * case ends here when it is freed, since the HWPT then points at a
	 * vIOMMU that is gone. */
	if (!CHECK_RET(c, "VIOMMU-6", T_CALL(c->t, destroy, viommu), EBUSY))
		tc_end(c);
	CHECK_RET(c, "VIOMMU-6", T_CALL(c->t, destroy, parent), EBUSY);
	REQUIRE(c, "VIOMMU-6", vdev_rc(c, viommu, 0, 0x40, &vdev));
	attach_rid(c, "VIOMMU-6", 0, nested);
	detach_rid(c, "VIOMMU-6", 0);
	CHECK_OK(c, "VIOMMU-6", T_CALL(c->t, destroy, vdev));
	/* The vDEVICE is gone; the HWPT still holds the vIOMMU. */
	if (!CHECK_RET(c, "VIOMMU-6", T_CALL(c->t, destroy, viommu), EBUSY))
		tc_end(c);
	CHECK_DESTROYED(c, "VIOMMU-6", nested, viommu, parent);
}

/* --- VIOMMU-7: HW queues in index order ------------------------------------ */

SCENARIO(viommu, hw_queue_index_order,
	 .title = "HW queues: an index past the driver's count EINVAL, a taken one EEXIST, one whose previous index has no queue EIO; a queue holds the previous one (DESTROY EBUSY)",
	 .invariants = "VIOMMU-7", .requires = REQ_HWPT_ALLOC)
{
	struct viommu_fmt f;
	uint32_t parent = 0, ioas = 0, viommu, q0 = 0, q1 = 0, x = 0;
	uint64_t iova = 0;
	void *mem = tc_alloc(c, 2 * PG);
	int ret;

	viommu_fmt(&c->caps->dev[0], &f);
	viommu = new_viommu_on(c, "VIOMMU-7", &f, &parent, &ioas);
	REQUIRE(c, "VIOMMU-7",
		T_CALL(c->t, ioas_map, ioas, RW, mem, 2 * PG, &iova));
	/* Index 1 before index 0 */
	ret = T_CALL(c->t, hw_queue_alloc, viommu, f.hw_queue_type, 1,
		     iova + PG, PG, &x);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot allocate HW queues");
	if (ret == -ENOTTY)
		tc_skip(c, "kernel without IOMMU_HW_QUEUE_ALLOC (before 6.17)");
	if (ret == -EOPNOTSUPP)
		tc_skip(c, "dev 0 (%s) has no HW queue of type 0x%x: driver capability",
			c->caps->dev[0].name, f.hw_queue_type);
	CHECK_RET(c, "VIOMMU-7", ret, EIO);
	if (f.hw_queue_max)
		CHECK_RET(c, "VIOMMU-7",
			  T_CALL(c->t, hw_queue_alloc, viommu, f.hw_queue_type,
				 f.hw_queue_max, iova, PG, &x),
			  EINVAL);
	REQUIRE(c, "VIOMMU-7", T_CALL(c->t, hw_queue_alloc, viommu,
				      f.hw_queue_type, 0, iova, PG, &q0));
	CHECK_RET(c, "VIOMMU-7", T_CALL(c->t, hw_queue_alloc, viommu,
					f.hw_queue_type, 0, iova + PG, PG, &x),
		  EEXIST);
	CHECK_OK(c, "VIOMMU-7", T_CALL(c->t, hw_queue_alloc, viommu,
				       f.hw_queue_type, 1, iova + PG, PG, &q1));
	/* iommufd_hw_queue_depend(): queue 1 holds queue 0. */
	if (!CHECK_RET(c, "VIOMMU-7", T_CALL(c->t, destroy, q0), EBUSY))
		tc_end(c);
	CHECK_DESTROYED(c, "VIOMMU-7", q1, q0);
	/* No re-allocation after the teardown: 7.2's mock never sets
	 * mock_hw_queue->index, so mock_hw_queue_destroy() always frees
	 * slot 0 and index 1 stays taken (EEXIST) - a selftest defect, not
	 * a core rule (docs/contract.md VIOMMU-7). */
	CHECK_OK(c, "VIOMMU-7", T_CALL(c->t, destroy, viommu));
}

/* --- VIOMMU-8: attaching to a vIOMMU's nested HWPT needs a vDEVICE --------- */

SCENARIO(viommu, nested_attach_needs_vdevice,
	 .title = "ATTACH to a nested HWPT of a vIOMMU needs the device's vDEVICE on that vIOMMU (ENOENT without, also after the vDEVICE is destroyed)",
	 .invariants = "VIOMMU-8", .requires = REQ_HWPT_ALLOC)
{
	struct viommu_fmt f;
	uint32_t parent = 0, nested = 0, vdev = 0;
	uint32_t viommu = viommu_with_nested(c, "VIOMMU-8", &f, &parent, &nested);

	REQUIRE(c, "VIOMMU-8", vdev_rc(c, viommu, 0, 0x60, &vdev));
	CHECK_OK(c, "VIOMMU-8", T_CALL(c->t, attach, 0, T_NO_PASID, nested,
				       NULL));
	detach_rid(c, "VIOMMU-8", 0);
	CHECK_OK(c, "VIOMMU-8", T_CALL(c->t, destroy, vdev));
	/* iommufd_viommu_get_vdev_id(): the device has no vDEVICE there */
	if (!CHECK_RET(c, "VIOMMU-8",
		       T_CALL(c->t, attach, 0, T_NO_PASID, nested, NULL),
		       ENOENT))
		detach_rid(c, "VIOMMU-8", 0);
	CHECK_OK(c, "VIOMMU-8", vdev_rc(c, viommu, 0, 0x61, &vdev));
	CHECK_OK(c, "VIOMMU-8", T_CALL(c->t, attach, 0, T_NO_PASID, nested,
				       NULL));
	detach_rid(c, "VIOMMU-8", 0);
	CHECK_DESTROYED(c, "VIOMMU-8", vdev, nested, viommu);
}

/* --- VIOMMU-9: the vIOMMU's MMIO region through mmap ----------------------- */

/* The selftest vIOMMU data (iommufd_test.h: struct iommu_viommu_selftest). */
struct viommu_selftest_data {
	uint32_t in_data, out_data;
	uint64_t out_mmap_offset, out_mmap_length;
};

/* mmap of context 0's fd; a mapping made is unmapped again at once. */
static int mmap_rc(struct tc *c, uint64_t off, uint64_t len, bool shared,
		   bool exec)
{
	void *p = NULL;
	int ret = T_CALL(c->t, ctx_mmap, 0, off, len, shared, exec, &p);

	if (!ret)
		T_CALL(c->t, ctx_munmap, 0, p, len);
	return ret;
}

SCENARIO(viommu, mmio_mmap_exact_region,
	 .title = "a vIOMMU's MMIO region mmaps from /dev/iommu only whole and shared (EINVAL, EPERM for exec, ENXIO for a part or no region); the mapping shows the driver's page and holds the vIOMMU (DESTROY EBUSY)",
	 .invariants = "VIOMMU-9", .requires = REQ_HWPT_ALLOC)
{
	const uint32_t magic = 0x5eed1234u;
	struct viommu_selftest_data d = { .in_data = magic };
	struct viommu_fmt f;
	uint32_t parent = 0, viommu = 0, word = 0;
	uint64_t off, len;
	void *p = NULL;
	int ret;

	viommu_fmt(&c->caps->dev[0], &f);
	bind_dev(c, "VIOMMU-9", 0, 0);
	ret = T_CALL(c->t, hwpt_alloc, 0, new_ioas(c, "VIOMMU-9", 0),
		     T_HWPT_NEST_PARENT, 0, NULL, 0, &parent);
	if (ret)
		tc_skip(c, "dev 0 cannot be a nest parent (%s): driver capability",
			errno_name(ret));
	ret = T_CALL(c->t, viommu_alloc_data, 0, parent, f.type, &d, sizeof(d),
		     &viommu);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot allocate vIOMMUs with driver data");
	if (ret == -EOPNOTSUPP || ret == -EINVAL)
		tc_skip(c, "dev 0 (%s) has no vIOMMU of type 0x%x taking the selftest data (%s): driver capability",
			c->caps->dev[0].name, f.type, errno_name(ret));
	REQUIRE(c, "VIOMMU-9", ret);
	/* Where the region is, the driver says; what it may be, the core. */
	off = d.out_mmap_offset;
	len = d.out_mmap_length;
	tc_log(c, "vIOMMU MMIO region: offset 0x%llx, length 0x%llx",
	       (unsigned long long)off, (unsigned long long)len);
	if (!len)
		tc_skip(c, "dev 0 (%s) registers no MMIO region", c->caps->dev[0].name);
	tc_check(c, "VIOMMU-9", off && !(off % PG) && !(len % PG),
		 "region offset 0x%llx length 0x%llx: page multiples, never offset 0",
		 (unsigned long long)off, (unsigned long long)len);
	CHECK_RET(c, "VIOMMU-9", mmap_rc(c, off, len, false, false), EINVAL);
	CHECK_RET(c, "VIOMMU-9", mmap_rc(c, off, len, true, true), EPERM);
	CHECK_RET(c, "VIOMMU-9", mmap_rc(c, 0, PG, true, false), ENXIO);
	if (len > PG) {
		CHECK_RET(c, "VIOMMU-9", mmap_rc(c, off, len - PG, true, false),
			  ENXIO);
		CHECK_RET(c, "VIOMMU-9", mmap_rc(c, off + PG, len - PG, true,
						 false),
			  ENXIO);
	}
	CHECK_RET(c, "VIOMMU-9", mmap_rc(c, off, len + PG, true, false), ENXIO);
	REQUIRE(c, "VIOMMU-9",
		T_CALL(c->t, ctx_mmap, 0, off, len, true, false, &p));
	memcpy(&word, p, sizeof(word));
	/* mock_viommu_init(): the page starts with in_data (a loopback) */
	tc_check(c, "VIOMMU-9", word == magic,
		 "the mapped region's first word 0x%x (expected the in_data 0x%x)",
		 word, magic);
	CHECK_RET(c, "VIOMMU-9", T_CALL(c->t, destroy, viommu), EBUSY);
	REQUIRE(c, "VIOMMU-9", T_CALL(c->t, ctx_munmap, 0, p, len));
	CHECK_OK(c, "VIOMMU-9", T_CALL(c->t, destroy, viommu));
	/* The region went with its vIOMMU. */
	CHECK_RET(c, "VIOMMU-9", mmap_rc(c, off, len, true, false), ENXIO);
}
