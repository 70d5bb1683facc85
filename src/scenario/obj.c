// SPDX-License-Identifier: GPL-2.0
/*
 * Object model and ioctl ABI: OBJ-1..11 (OBJ-10: closing /dev/iommu).
 *
 * The ABI cases go through the raw_ioctl op with the uAPI structs, so the
 * size field, reserved fields and unknown flag bits reach the target exactly
 * as a user would send them. Expected errnos come from docs/contract.md,
 * checked against drivers/iommu/iommufd/main.c (iommufd_fops_ioctl,
 * iommufd_object_remove) and the per-ioctl handlers.
 */
#include <linux/iommufd.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fixture.h"

/* A raw ID nothing in a fresh context owns. */
#define NO_SUCH_ID T_ID_MAKE(0, 0x00fffff0u)

/*
 * One raw ioctl checked against a single expected errno. A target that
 * cannot decode the command is logged and counted, not skipped, so one
 * undecoded command does not hide the others; *ran counts real checks.
 * Returns true only when the command was sent and the check passed.
 */
static bool raw_expect(struct tc *c, const char *inv, const char *what,
		       unsigned long cmd, void *arg, int want, unsigned *ran)
{
	int ret = T_CALL(c->t, raw_ioctl, 0, cmd, arg);

	if (ret == -T_UNSUPPORTED) {
		tc_log(c, "target cannot send raw %s: not checked", what);
		return false;
	}
	(*ran)++;
	return tc_check_ret(c, inv, what, ret, &want, 1);
}

static void skip_if_none(struct tc *c, unsigned ran)
{
	if (!ran)
		tc_skip(c, "target decodes none of the raw ioctls this case sends");
}

/* An IOAS_MAP at a fixed IOVA, of len bytes of buf, as the uAPI has it. */
static struct iommu_ioas_map map_cmd(uint32_t ioas, uint32_t flags, void *buf,
				     uint64_t len, uint64_t iova)
{
	struct iommu_ioas_map m;

	memset(&m, 0, sizeof(m));
	m.size = sizeof(m);
	m.flags = IOMMU_IOAS_MAP_FIXED_IOVA | flags;
	m.ioas_id = ioas;
	m.user_va = (uintptr_t)buf;
	m.length = len;
	m.iova = iova;
	return m;
}

/* An IOMMU_OPTION op on the huge-pages option of ioas. */
static struct iommu_option huge_pages_cmd(uint32_t ioas, uint16_t op)
{
	struct iommu_option o;

	option_cmd(&o, IOMMU_OPTION_HUGE_PAGES, op, ioas);
	return o;
}

/* --- OBJ-1: the size field ------------------------------------------------ */

SCENARIO(obj, size_too_short_einval,
	 .title = "a size below the struct's last mandatory field is EINVAL",
	 .invariants = "OBJ-1")
{
	struct iommu_ioas_alloc a;
	struct iommu_destroy d;
	unsigned ran = 0;

	memset(&a, 0, sizeof(a));
	a.size = 4;
	raw_expect(c, "OBJ-1", "IOAS_ALLOC size=4", IOMMU_IOAS_ALLOC, &a,
		   EINVAL, &ran);
	a.size = offsetof(struct iommu_ioas_alloc, out_ioas_id);
	raw_expect(c, "OBJ-1", "IOAS_ALLOC size=8 (no out_ioas_id)",
		   IOMMU_IOAS_ALLOC, &a, EINVAL, &ran);
	memset(&d, 0, sizeof(d));
	d.size = 4;
	d.id = NO_SUCH_ID;
	raw_expect(c, "OBJ-1", "DESTROY size=4", IOMMU_DESTROY, &d, EINVAL,
		   &ran);
	skip_if_none(c, ran);
}

SCENARIO(obj, size_longer_zero_tail,
	 .title = "a longer struct is accepted with a zero tail, E2BIG with a non-zero one",
	 .invariants = "OBJ-1")
{
	struct {
		struct iommu_ioas_alloc a;
		uint8_t tail[8];
	} __attribute__((packed)) big;
	struct iommu_ioas_alloc exact;
	unsigned ran = 0;

	memset(&exact, 0, sizeof(exact));
	exact.size = sizeof(exact);
	if (raw_expect(c, "OBJ-1", "IOAS_ALLOC size=sizeof", IOMMU_IOAS_ALLOC,
		       &exact, 0, &ran))
		CHECK_OK(c, "OBJ-1", T_CALL(c->t, destroy, exact.out_ioas_id));

	memset(&big, 0, sizeof(big));
	big.a.size = sizeof(big);
	if (raw_expect(c, "OBJ-1", "IOAS_ALLOC size=sizeof+8, zero tail",
		       IOMMU_IOAS_ALLOC, &big, 0, &ran)) {
		tc_check(c, "OBJ-1", big.a.out_ioas_id != 0,
			 "IOAS_ALLOC with a zero tail returned ID 0");
		/* The object is a real IOAS: it answers IOVA_RANGES. */
		struct iova_range r[T_MAX_RANGES];
		unsigned n = T_MAX_RANGES;
		uint64_t al;

		CHECK_OK(c, "OBJ-1", T_CALL(c->t, iova_ranges, big.a.out_ioas_id,
					    r, &n, &al));
		CHECK_OK(c, "OBJ-1", T_CALL(c->t, destroy, big.a.out_ioas_id));
	}

	memset(&big, 0, sizeof(big));
	big.a.size = sizeof(big);
	big.tail[5] = 1;
	raw_expect(c, "OBJ-1", "IOAS_ALLOC size=sizeof+8, non-zero tail",
		   IOMMU_IOAS_ALLOC, &big, E2BIG, &ran);
	skip_if_none(c, ran);
}

/* --- OBJ-2: unknown ioctl numbers ----------------------------------------- */

SCENARIO(obj, unknown_ioctl_enotty,
	 .title = "ioctl numbers iommufd does not implement give ENOTTY",
	 .invariants = "OBJ-2")
{
	struct iommu_ioas_alloc a;
	unsigned ran = 0;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	/* Past the end of the command table (and not a VFIO compat one). */
	raw_expect(c, "OBJ-2", "_IO(';', 0xff)", _IO(IOMMUFD_TYPE, 0xff), &a,
		   ENOTTY, &ran);
	/* A known command number with the wrong direction/size encoding. */
	raw_expect(c, "OBJ-2", "_IOWR(';', IOAS_ALLOC nr, struct)",
		   _IOWR(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOC,
			 struct iommu_ioas_alloc), &a, ENOTTY, &ran);
	skip_if_none(c, ran);
}

SCENARIO(obj, unknown_ioctl_null_arg,
	 .title = "a number outside iommufd's table is ENOTTY before the argument is read; inside it the size is read first",
	 .invariants = "OBJ-2")
{
	unsigned ran = 0;

	/* iommufd_fops_ioctl() hands numbers past the table to
	 * iommufd_vfio_ioctl() before get_user() of the size, so even a
	 * NULL argument is "not a typewriter". */
	raw_expect(c, "OBJ-2", "_IO(';', 0xff), NULL argument",
		   _IO(IOMMUFD_TYPE, 0xff), NULL, ENOTTY, &ran);
	/* A number inside the table reads the size before it compares
	 * the encoding: the NULL argument faults first. */
	raw_expect(c, "OBJ-2", "_IOWR(';', IOAS_ALLOC nr, struct), NULL argument",
		   _IOWR(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOC,
			 struct iommu_ioas_alloc), NULL, EFAULT, &ran);
	skip_if_none(c, ran);
}

/* --- OBJ-3: reserved fields and unknown flags ----------------------------- */

SCENARIO(obj, reserved_fields_ioas,
	 .title = "non-zero __reserved in IOAS ioctls gives EOPNOTSUPP and changes nothing",
	 .invariants = "OBJ-3")
{
	const uint64_t p = tc_page_size();
	struct iommu_iova_range range[T_MAX_RANGES] = {
		{ .start = 0x40000000, .last = 0x40000000 + 16 * p - 1 },
	};
	struct iommu_ioas_map m;
	struct iommu_option o;
	struct bare_ioas b;
	unsigned ran = 0;

	bare_ioas_setup(c, "OBJ-3", &b, 1, 1);
	raw_expect(c, "OBJ-3", "IOVA_RANGES __reserved=1",
		   IOMMU_IOAS_IOVA_RANGES,
		   &(struct iommu_ioas_iova_ranges){
			   .size = sizeof(struct iommu_ioas_iova_ranges),
			   .ioas_id = b.ioas,
			   .num_iovas = T_MAX_RANGES,
			   .allowed_iovas = (uintptr_t)range,
			   .__reserved = 1 },
		   EOPNOTSUPP, &ran);
	raw_expect(c, "OBJ-3", "ALLOW_IOVAS __reserved=1",
		   IOMMU_IOAS_ALLOW_IOVAS,
		   &(struct iommu_ioas_allow_iovas){
			   .size = sizeof(struct iommu_ioas_allow_iovas),
			   .ioas_id = b.ioas,
			   .num_iovas = 1,
			   .allowed_iovas = (uintptr_t)range,
			   .__reserved = 1 },
		   EOPNOTSUPP, &ran);
	m = map_cmd(b.ioas, IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
		    b.buf, p, b.iova);
	m.__reserved = 1;
	/* Refused, and nothing of it installed. */
	if (raw_expect(c, "OBJ-3", "IOAS_MAP __reserved=1", IOMMU_IOAS_MAP, &m,
		       EOPNOTSUPP, &ran))
		expect_mapped_bytes(c, "OBJ-3", b.ioas, 0, "a refused MAP");
	o = huge_pages_cmd(b.ioas, IOMMU_OPTION_OP_GET);
	o.__reserved = 1;
	raw_expect(c, "OBJ-3", "OPTION __reserved=1", IOMMU_OPTION, &o,
		   EOPNOTSUPP, &ran);
	skip_if_none(c, ran);
}

SCENARIO(obj, unknown_flags_ioas,
	 .title = "unknown flag bits in IOAS ioctls give EOPNOTSUPP and change nothing",
	 .invariants = "OBJ-3")
{
	const uint64_t p = tc_page_size();
	const uint32_t dst = new_ioas(c, "OBJ-3", 0);
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc), .flags = 1 };
	struct iommu_ioas_map m;
	struct iommu_option o;
	struct bare_ioas b;
	unsigned ran = 0;

	bare_ioas_setup(c, "OBJ-3", &b, 1, 1);
	raw_expect(c, "OBJ-3", "IOAS_ALLOC flags=1", IOMMU_IOAS_ALLOC, &alloc,
		   EOPNOTSUPP, &ran);
	m = map_cmd(b.ioas, IOMMU_IOAS_MAP_READABLE | (1u << 3), b.buf, p,
		    b.iova);
	raw_expect(c, "OBJ-3", "IOAS_MAP flags|=1<<3", IOMMU_IOAS_MAP, &m,
		   EOPNOTSUPP, &ran);
	m.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
		  (1u << 31);
	raw_expect(c, "OBJ-3", "IOAS_MAP flags|=1<<31", IOMMU_IOAS_MAP, &m,
		   EOPNOTSUPP, &ran);
	o = huge_pages_cmd(b.ioas, 7);
	raw_expect(c, "OBJ-3", "OPTION op=7", IOMMU_OPTION, &o, EOPNOTSUPP,
		   &ran);
	o.op = IOMMU_OPTION_OP_GET;
	o.option_id = 0x7777;
	raw_expect(c, "OBJ-3", "OPTION option_id=0x7777", IOMMU_OPTION, &o,
		   EOPNOTSUPP, &ran);
	/* A good source for a copy, then the copy with an unknown bit:
	 * refused, and nothing of it installed in the destination. */
	map_fixed(c, "OBJ-3", b.ioas, b.buf, p, b.iova, T_MAP_READABLE);
	if (raw_expect(c, "OBJ-3", "IOAS_COPY flags|=1<<3", IOMMU_IOAS_COPY,
		       &(struct iommu_ioas_copy){
			       .size = sizeof(struct iommu_ioas_copy),
			       .flags = IOMMU_IOAS_MAP_FIXED_IOVA |
					IOMMU_IOAS_MAP_READABLE | (1u << 3),
			       .dst_ioas_id = dst,
			       .src_ioas_id = b.ioas,
			       .length = p,
			       .src_iova = b.iova,
			       .dst_iova = b.iova },
		       EOPNOTSUPP, &ran))
		expect_mapped_bytes(c, "OBJ-3", dst, 0, "a refused COPY");
	skip_if_none(c, ran);
}

SCENARIO(obj, reserved_fields_hwpt,
	 .title = "reserved fields and unknown flags in HWPT, HW_INFO and dirty ioctls give EOPNOTSUPP",
	 .invariants = "OBJ-3")
{
	struct iommu_hwpt_alloc ha;
	struct iommu_hw_info hi;
	struct iommu_hwpt_set_dirty_tracking sd;
	struct iommu_hwpt_get_dirty_bitmap gd;
	struct iommu_hwpt_invalidate inv;
	uint64_t bitmap = 0;
	struct attached f;
	unsigned ran = 0;

	/* Real objects to name, so only the field under test is wrong. */
	attached_setup(c, "OBJ-3", &f, 0, NULL);

	/* The reserved fields are checked before dev_id is looked up. */
	memset(&ha, 0, sizeof(ha));
	ha.size = sizeof(ha);
	ha.pt_id = f.ioas;
	ha.__reserved = 1;
	raw_expect(c, "OBJ-3", "HWPT_ALLOC __reserved=1", IOMMU_HWPT_ALLOC,
		   &ha, EOPNOTSUPP, &ran);

	memset(&hi, 0, sizeof(hi));
	hi.size = sizeof(hi);
	hi.flags = 1u << 1;
	raw_expect(c, "OBJ-3", "GET_HW_INFO flags=1<<1", IOMMU_GET_HW_INFO,
		   &hi, EOPNOTSUPP, &ran);
	hi.flags = 0;
	hi.__reserved[1] = 1;
	raw_expect(c, "OBJ-3", "GET_HW_INFO __reserved[1]=1",
		   IOMMU_GET_HW_INFO, &hi, EOPNOTSUPP, &ran);

	memset(&sd, 0, sizeof(sd));
	sd.size = sizeof(sd);
	sd.flags = 1u << 1;
	sd.hwpt_id = f.pt;
	raw_expect(c, "OBJ-3", "SET_DIRTY_TRACKING flags=1<<1",
		   IOMMU_HWPT_SET_DIRTY_TRACKING, &sd, EOPNOTSUPP, &ran);

	memset(&gd, 0, sizeof(gd));
	gd.size = sizeof(gd);
	gd.hwpt_id = f.pt;
	gd.flags = 1u << 1;
	gd.iova = 0x100000;
	gd.length = tc_page_size();
	gd.page_size = tc_page_size();
	gd.data = (uintptr_t)&bitmap;
	raw_expect(c, "OBJ-3", "GET_DIRTY_BITMAP flags=1<<1",
		   IOMMU_HWPT_GET_DIRTY_BITMAP, &gd, EOPNOTSUPP, &ran);
	gd.flags = 0;
	gd.__reserved = 1;
	raw_expect(c, "OBJ-3", "GET_DIRTY_BITMAP __reserved=1",
		   IOMMU_HWPT_GET_DIRTY_BITMAP, &gd, EOPNOTSUPP, &ran);

	memset(&inv, 0, sizeof(inv));
	inv.size = sizeof(inv);
	inv.hwpt_id = f.pt;
	inv.__reserved = 1;
	raw_expect(c, "OBJ-3", "HWPT_INVALIDATE __reserved=1",
		   IOMMU_HWPT_INVALIDATE, &inv, EOPNOTSUPP, &ran);
	skip_if_none(c, ran);
}

/* --- OBJ-4: lookups ------------------------------------------------------- */

/* The IOAS ops on an ID that names no IOAS each give ENOENT. */
static void ioas_ops_enoent(struct tc *c, uint32_t id, void *buf,
			    uint64_t iova)
{
	uint64_t p = tc_page_size(), n = 0, al, option = 1;
	struct iova_range r[T_MAX_RANGES];
	unsigned nr = T_MAX_RANGES;

	CHECK_RET(c, "OBJ-4", map_fixed_rc(c, id, buf, p, iova, T_MAP_READABLE),
		  ENOENT);
	CHECK_RET(c, "OBJ-4", T_CALL(c->t, ioas_unmap, id, iova, p, &n),
		  ENOENT);
	CHECK_RET(c, "OBJ-4", T_CALL(c->t, iova_ranges, id, r, &nr, &al),
		  ENOENT);
	CHECK_RET(c, "OBJ-4", T_CALL(c->t, ioas_option_huge_pages, id, false,
				     &option), ENOENT);
}

SCENARIO(obj, lookup_missing_enoent,
	 .title = "an ID that does not exist gives ENOENT on every IOAS op and DESTROY",
	 .invariants = "OBJ-4")
{
	uint64_t p = tc_page_size(), iova = 0x100000;
	struct iova_range win = { 0x40000000, 0x40000000 + 16 * p - 1 };
	uint32_t ioas = new_ioas(c, "OBJ-4", 0);
	void *buf = tc_alloc(c, p);

	CHECK_RET(c, "OBJ-4", T_CALL(c->t, destroy, NO_SUCH_ID), ENOENT);
	ioas_ops_enoent(c, NO_SUCH_ID, buf, iova);
	CHECK_RET(c, "OBJ-4", T_CALL(c->t, allow_iovas, NO_SUCH_ID, &win, 1),
		  ENOENT);
	/* COPY: a missing source, then a missing destination. */
	map_fixed(c, "OBJ-4", ioas, buf, p, iova, T_MAP_READABLE);
	CHECK_RET(c, "OBJ-4", copy_fixed_rc(c, ioas, NO_SUCH_ID, T_MAP_READABLE,
					    iova, p, iova), ENOENT);
	CHECK_RET(c, "OBJ-4", copy_fixed_rc(c, NO_SUCH_ID, ioas, T_MAP_READABLE,
					    iova, p, iova), ENOENT);
	CHECK_RET(c, "OBJ-4", T_CALL(c->t, set_dirty_tracking, NO_SUCH_ID,
				     false), ENOENT);
}

SCENARIO(obj, lookup_wrong_type_enoent,
	 .title = "an HWPT ID given to IOAS ops, or an IOAS ID to HWPT ops, gives ENOENT",
	 .invariants = "OBJ-4")
{
	uint64_t p = tc_page_size(), iova, bitmap = 0;
	void *buf = tc_alloc(c, p);
	struct attached f;

	attached_setup(c, "OBJ-4", &f, 0, NULL);
	iova = tc_pick_iova(c, f.ioas, p, 0, 0);
	ioas_ops_enoent(c, f.pt, buf, iova);
	map_fixed(c, "OBJ-4", f.ioas, buf, p, iova, T_MAP_READABLE);
	CHECK_RET(c, "OBJ-4", T_CALL(c->t, set_dirty_tracking, f.ioas, false),
		  ENOENT);
	CHECK_RET(c, "OBJ-4", T_CALL(c->t, get_dirty_bitmap, f.ioas, iova, p, p,
				     0, &bitmap), ENOENT);
}

/* --- OBJ-5 / OBJ-6: destroy of objects in use ----------------------------- */

SCENARIO(obj, destroy_ioas_in_use,
	 .title = "destroying an IOAS with an attached device fails EBUSY and leaves it usable",
	 .invariants = "OBJ-5")
{
	uint64_t p = tc_page_size(), iova, n;
	void *buf = tc_alloc(c, p);
	struct attached f;
	struct ranges r;

	attached_setup(c, "OBJ-5", &f, dma_dev_or_first(c), NULL);
	iova = tc_pick_iova(c, f.ioas, p, 0, 0);
	CHECK_RET(c, "OBJ-5", T_CALL(c->t, destroy, f.ioas), EBUSY);
	/* Intact: it still answers, maps, and translates. */
	CHECK_OK(c, "OBJ-5", ranges_rc(c, f.ioas, &r));
	CHECK_OK(c, "OBJ-5", map_fixed_rc(c, f.ioas, buf, p, iova, RW));
	if (f.dma)
		tc_dma_write(c, "OBJ-5", f.dev, T_NO_PASID, iova, buf, DMA_LEN,
			     true);
	else
		tc_log(c, "no DMA engine: intact checked by map/ranges only");
	/* Unused and empty, it goes. */
	detach_rid(c, "OBJ-5", f.dev);
	REQUIRE(c, "OBJ-5", unmap_all_rc(c, f.ioas, &n));
	CHECK_OK(c, "OBJ-5", T_CALL(c->t, destroy, f.ioas));
}

SCENARIO(obj, destroy_ioas_with_hwpt,
	 .title = "destroying an IOAS that a manual HWPT uses fails EBUSY until the HWPT goes",
	 .invariants = "OBJ-5", .requires = REQ_HWPT_ALLOC)
{
	uint64_t p = tc_page_size();
	uint32_t ioas, hwpt;

	bind_dev(c, "OBJ-5", 0, 0);
	ioas = new_ioas(c, "OBJ-5", 0);
	hwpt = new_hwpt(c, "OBJ-5", 0, ioas, 0);
	CHECK_RET(c, "OBJ-5", T_CALL(c->t, destroy, ioas), EBUSY);
	CHECK_OK(c, "OBJ-5", map_fixed_rc(c, ioas, tc_alloc(c, p), p,
					  tc_pick_iova(c, ioas, p, 0, 0),
					  T_MAP_READABLE));
	destroy_obj(c, "OBJ-5", hwpt);
	CHECK_OK(c, "OBJ-5", T_CALL(c->t, destroy, ioas));
}

/* DESTROY of the HWPT an attached device sits on: EBUSY, and the
 * attachment stays. What shows it stayed differs by kind of HWPT. */
enum hwpt_kind {
	AUTO_HWPT,
	MANUAL_HWPT,
};

struct busy_hwpt_case {
	struct scenario sc;
	enum hwpt_kind kind;
};

SCENARIO_VARIANTS(obj, destroy_attached_hwpt, struct busy_hwpt_case,
	{ VARIANT(obj, destroy_hwpt_in_use,
		  .title = "destroying an attached manual HWPT fails EBUSY; the attachment stays",
		  .invariants = "OBJ-6", .requires = REQ_HWPT_ALLOC),
	  .kind = MANUAL_HWPT },
	{ VARIANT(obj, destroy_auto_hwpt_in_use,
		  .title = "destroying the automatic HWPT of an attached device fails EBUSY",
		  .invariants = "OBJ-6"),
	  .kind = AUTO_HWPT })
{
	const struct attached_opts manual = { .len = tc_page_size(),
					      .manual_hwpt = true,
					      .map_first = true };
	uint32_t again = 0;
	struct attached f;

	if (variant->kind == MANUAL_HWPT)
		attached_setup(c, "OBJ-6", &f, dma_dev_or_first(c), &manual);
	else
		attached_setup(c, "OBJ-6", &f, 0, NULL);
	CHECK_RET(c, "OBJ-6", T_CALL(c->t, destroy, f.pt), EBUSY);
	if (variant->kind == AUTO_HWPT) {
		/* Still there: attaching the IOAS again names it. */
		CHECK_OK(c, "OBJ-6", T_CALL(c->t, attach, 0, T_NO_PASID, f.ioas,
					    &again));
		tc_check(c, "OBJ-6", again == f.pt,
			 "re-attach after the refused destroy gave HWPT %u, not %u",
			 again, f.pt);
		return;
	}
	/* Still translating, and still held until the device lets go. */
	if (f.dma)
		tc_dma_write(c, "OBJ-6", f.dev, T_NO_PASID, f.iova, f.mem,
			     DMA_LEN, true);
	CHECK_RET(c, "OBJ-6", T_CALL(c->t, destroy, f.pt), EBUSY);
	detach_rid(c, "OBJ-6", f.dev);
	CHECK_OK(c, "OBJ-6", T_CALL(c->t, destroy, f.pt));
}

/* --- OBJ-7: device objects ------------------------------------------------ */

SCENARIO(obj, destroy_device_id,
	 .title = "IOMMU_DESTROY never removes a bound device object",
	 .invariants = "OBJ-7")
{
	uint32_t id, dev_id = 0;
	struct attached f;
	unsigned busy = 0;
	int ret;

	/*
	 * The ops name devices by index, not by iommufd ID, so find the
	 * device's ID: in this case's fresh context the only objects are the
	 * device, the IOAS and its auto HWPT. Every other low ID either does
	 * not exist (ENOENT) or is the device, which must not be destroyed.
	 */
	attached_setup(c, "OBJ-7", &f, 0, NULL);
	for (uint32_t raw = 1; raw <= 64; raw++) {
		id = T_ID_MAKE(0, raw);
		if (id == f.ioas || id == f.pt)
			continue;
		ret = T_CALL(c->t, destroy, id);
		if (ret == -T_UNSUPPORTED)
			tc_skip(c, "target cannot destroy");
		if (ret == -EBUSY) {
			busy++;
			dev_id = id;
			tc_log(c, "ID %u: EBUSY (the device object)", id);
		}
		tc_check(c, "OBJ-7", ret == -ENOENT || ret == -EBUSY,
			 "DESTROY of ID %u (not the IOAS %u nor HWPT %u) returned %s",
			 id, f.ioas, f.pt,
			 ret ? errno_name(ret) : "0 (destroyed)");
	}
	if (!busy) {
		tc_log(c, "no ID in 1..64 answered EBUSY: the device's ID lies elsewhere on this target");
		dev_id = 0;
	}
	/* The device still works after the attempts, attached or not. */
	CHECK_OK(c, "OBJ-7", T_CALL(c->t, detach, 0, T_NO_PASID));
	if (dev_id)
		CHECK_RET(c, "OBJ-7", T_CALL(c->t, destroy, dev_id), EBUSY);
	CHECK_OK(c, "OBJ-7", T_CALL(c->t, attach, 0, T_NO_PASID, f.ioas, NULL));
	/* Unbind removes it; then the ID is gone (nothing allocated since). */
	unbind_dev(c, "OBJ-7", 0);
	if (dev_id)
		CHECK_RET(c, "OBJ-7", T_CALL(c->t, destroy, dev_id), ENOENT);
}

/* --- OBJ-8 / OBJ-9: lifetime ---------------------------------------------- */

SCENARIO(obj, auto_hwpt_dies_on_detach,
	 .title = "an automatic HWPT is gone after its last detach",
	 .invariants = "OBJ-8")
{
	struct attached f;

	attached_setup(c, "OBJ-8", &f, 0, NULL);
	tc_check(c, "OBJ-8", f.pt != f.ioas,
		 "attach returned the IOAS ID %u as the HWPT", f.pt);
	/* The detach is the act; what is left of the HWPT is the rule. */
	detach_rid(c, "OBJ-8", 0);
	CHECK_RET(c, "OBJ-8", T_CALL(c->t, destroy, f.pt), ENOENT);
	/* And it held no reference on the IOAS any more. */
	CHECK_OK(c, "OBJ-8", T_CALL(c->t, destroy, f.ioas));
}

SCENARIO(obj, manual_hwpt_outlives_detach,
	 .title = "a manual HWPT survives detach and is never picked as an auto domain",
	 .invariants = "OBJ-8", .requires = REQ_HWPT_ALLOC)
{
	static const struct attached_opts manual = { .manual_hwpt = true };
	struct attached f;
	uint32_t aut;

	attached_setup(c, "OBJ-8", &f, 0, &manual);
	detach_rid(c, "OBJ-8", 0);
	/* Attaching the IOAS builds an auto domain, not the manual one. */
	aut = attach_rid(c, "OBJ-8", 0, f.ioas);
	tc_check(c, "OBJ-8", aut != f.pt,
		 "attach to IOAS %u reused manual HWPT %u as its auto domain",
		 f.ioas, f.pt);
	/* The manual HWPT is unattached now: destroyable. */
	CHECK_OK(c, "OBJ-8", T_CALL(c->t, destroy, f.pt));
	detach_rid(c, "OBJ-8", 0);
	CHECK_RET(c, "OBJ-8", T_CALL(c->t, destroy, aut), ENOENT);
}

SCENARIO(obj, double_destroy_enoent,
	 .title = "a destroyed IOAS or HWPT is gone: a second destroy and any use give ENOENT",
	 .invariants = "OBJ-9")
{
	uint64_t p = tc_page_size();
	uint32_t ioas = new_ioas(c, "OBJ-9", 0), ioas2, hwpt = 0;
	int ret;

	/* Each first destroy is the act; what answers after is the rule. */
	destroy_obj(c, "OBJ-9", ioas);
	CHECK_RET(c, "OBJ-9", T_CALL(c->t, destroy, ioas), ENOENT);
	CHECK_RET(c, "OBJ-9", map_fixed_rc(c, ioas, tc_alloc(c, p), p, 0x100000,
					   T_MAP_READABLE), ENOENT);

	if (!c->caps->hwpt_alloc) {
		tc_log(c, "no IOMMU_HWPT_ALLOC: HWPT half not run");
		return;
	}
	bind_dev(c, "OBJ-9", 0, 0);
	ioas2 = new_ioas(c, "OBJ-9", 0);
	ret = T_CALL(c->t, hwpt_alloc, 0, ioas2, 0, 0, NULL, 0, &hwpt);
	if (ret == -T_UNSUPPORTED) {
		tc_log(c, "target cannot allocate HWPTs: HWPT half not run");
		return;
	}
	REQUIRE(c, "OBJ-9", ret);
	destroy_obj(c, "OBJ-9", hwpt);
	CHECK_RET(c, "OBJ-9", T_CALL(c->t, destroy, hwpt), ENOENT);
	CHECK_RET(c, "OBJ-9", T_CALL(c->t, attach, 0, T_NO_PASID, hwpt, NULL),
		  ENOENT);
	/* The HWPT's reference on the IOAS went with it. */
	CHECK_OK(c, "OBJ-9", T_CALL(c->t, destroy, ioas2));
}

/* --- OBJ-11: GET_HW_INFO -------------------------------------------------- */

#define HWI_SLACK 64
#define HWI_FILL 0xa5

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

SCENARIO(obj, hw_info_report,
	 .title = "GET_HW_INFO reports the driver's type and length and an honoured dirty bit, copies at most the user's, zero-fills the tail",
	 .invariants = "OBJ-11")
{
	uint32_t len = 0, full_len, half, type = 0, hwpt;
	uint64_t caps = 0;
	uint8_t pasid = 0;
	const struct dev_caps *dc = &c->caps->dev[0];
	uint8_t *full, *part;
	uint32_t ioas;
	bool ret;

	bind_dev(c, "OBJ-11", 0, 0);
	/* data_len 0 is a length query. */
	CHECK_OK(c, "OBJ-11", T_CALL(c->t, hw_info, 0, NULL, &len, &caps,
				     &pasid));
	full_len = len;
	tc_log(c, "dev 0: hw_info data_len %u, caps 0x%llx, max_pasid_log2 %u",
	       full_len, (unsigned long long)caps, pasid);
	/* The type and length the uAPI fixes for this driver, known from
	 * its identity, not from an earlier GET_HW_INFO. */
	if (dc->hw_info_known && dc->hw_info_gated_by &&
	    dc->hw_info_type == IOMMU_HW_INFO_TYPE_NONE && full_len == 0) {
		type = dc->hw_info_type;
		tc_gap(c, "OBJ-11", "the driver's hw_info op is not built (%s off): type NONE, length 0",
		       dc->hw_info_gated_by);
	} else if (dc->hw_info_known) {
		type = dc->hw_info_type;
		tc_check(c, "OBJ-11", full_len == dc->hw_info_len_expected,
			 "data_len %u, but this driver's blob is %u bytes",
			 full_len, dc->hw_info_len_expected);
		tc_check(c, "OBJ-11", type == dc->hw_info_type_expected,
			 "data type 0x%x, but this driver's is 0x%x", type,
			 dc->hw_info_type_expected);
	} else {
		tc_log(c, "dev 0: driver %s unknown to the contract table: type and length not judged",
		       c->caps->profile ? c->caps->profile : "?");
	}
	/* The dirty bit is a promise: DIRTY_TRACKING must then allocate
	 * (its absence refusing is HWPT-2's). */
	if ((caps & IOMMU_HW_CAP_DIRTY_TRACKING) && c->caps->hwpt_alloc) {
		ioas = new_ioas(c, "OBJ-11", 0);
		ret = CHECK_OK(c, "OBJ-11",
			       T_CALL(c->t, hwpt_alloc, 0, ioas,
				      T_HWPT_DIRTY_TRACKING, 0, NULL, 0,
				      &hwpt));
		if (ret)
			CHECK_OK(c, "OBJ-11", T_CALL(c->t, destroy, hwpt));
	}

	/* A bigger buffer: the driver's bytes, then zeros, same length. */
	full = tc_alloc(c, full_len + HWI_SLACK);
	memset(full, HWI_FILL, full_len + HWI_SLACK);
	len = full_len + HWI_SLACK;
	CHECK_OK(c, "OBJ-11", T_CALL(c->t, hw_info, 0, full, &len, NULL, NULL));
	tc_check(c, "OBJ-11", len == full_len,
		 "data_len %u with a big buffer, %u with a length query", len,
		 full_len);
	tc_check(c, "OBJ-11", all_bytes(full + full_len, HWI_SLACK, 0),
		 "the %u bytes past the driver's %u were not zero-filled",
		 HWI_SLACK, full_len);

	if (full_len < 2)
		return;
	/* A short buffer: exactly that many bytes written, none past it. */
	half = full_len / 2;
	part = tc_alloc(c, full_len + HWI_SLACK);
	memset(part, HWI_FILL, full_len + HWI_SLACK);
	len = half;
	CHECK_OK(c, "OBJ-11", T_CALL(c->t, hw_info, 0, part, &len, NULL, NULL));
	tc_check(c, "OBJ-11", len == full_len,
		 "data_len %u with a %u-byte buffer, driver length is %u", len,
		 half, full_len);
	tc_check(c, "OBJ-11", !memcmp(part, full, half),
		 "the first %u bytes differ from a full read", half);
	tc_check(c, "OBJ-11", all_bytes(part + half, full_len + HWI_SLACK - half,
					HWI_FILL),
		 "bytes past the user's data_len %u were written", half);
}

/* --- OBJ-14: GET_HW_INFO's input type ------------------------------------ */

/* A type value no driver has (enum iommu_hw_info_type stops at 4; the
 * mock's is 0xfeedbeef). */
#define NO_SUCH_HW_INFO_TYPE 0x5a5au

SCENARIO(obj, hw_info_input_type,
	 .title = "GET_HW_INFO reads in_data_type only with IOMMU_HW_INFO_FLAG_INPUT_TYPE; a type the driver has not is EOPNOTSUPP",
	 .invariants = "OBJ-14")
{
	const struct dev_caps *dc = &c->caps->dev[0];
	const uint32_t in = IOMMU_HW_INFO_FLAG_INPUT_TYPE;
	uint32_t want, out = 0;
	bool has_op;
	int ret;

	if (!dc->hw_info_known)
		tc_skip(c, "driver %s unknown to the contract table: its hw_info type is not known",
			c->caps->profile ? c->caps->profile : "?");
	bind_dev(c, "OBJ-14", 0, 0);
	/* The type the uAPI fixes for the driver; a driver whose hw_info op
	 * is not built (OBJ-11's GAP) has none and reports NONE. */
	want = dc->hw_info_type_expected;
	if (dc->hw_info_gated_by && dc->hw_info_type == IOMMU_HW_INFO_TYPE_NONE) {
		want = IOMMU_HW_INFO_TYPE_NONE;
		tc_log(c, "hw_info op not built (%s off): no op, type NONE",
		       dc->hw_info_gated_by);
	}
	has_op = want != IOMMU_HW_INFO_TYPE_NONE;
	/* Without the flag the field is cleared to DEFAULT first. */
	ret = T_CALL(c->t, hw_info_type, 0, 0, NO_SUCH_HW_INFO_TYPE, &out);
	if (CHECK_OK(c, "OBJ-14", ret))
		tc_check(c, "OBJ-14", out == want,
			 "without INPUT_TYPE (in_data_type 0x%x ignored) the type is 0x%x, expected 0x%x",
			 NO_SUCH_HW_INFO_TYPE, out, want);
	/* With it: DEFAULT and the driver's own type give the driver's. */
	out = 0;
	ret = T_CALL(c->t, hw_info_type, 0, in, IOMMU_HW_INFO_TYPE_DEFAULT, &out);
	if (CHECK_OK(c, "OBJ-14", ret))
		tc_check(c, "OBJ-14", out == want,
			 "INPUT_TYPE DEFAULT gave type 0x%x, expected 0x%x", out,
			 want);
	if (has_op) {
		out = 0;
		ret = T_CALL(c->t, hw_info_type, 0, in, want, &out);
		if (CHECK_OK(c, "OBJ-14", ret))
			tc_check(c, "OBJ-14", out == want,
				 "INPUT_TYPE 0x%x (the driver's) gave type 0x%x",
				 want, out);
	}
	/* A type the driver has not: its hw_info op refuses it; without
	 * an op the core never reads it. */
	out = 0;
	ret = T_CALL(c->t, hw_info_type, 0, in, NO_SUCH_HW_INFO_TYPE, &out);
	if (has_op)
		CHECK_RET(c, "OBJ-14", ret, EOPNOTSUPP);
	else if (CHECK_OK(c, "OBJ-14", ret))
		tc_check(c, "OBJ-14", out == IOMMU_HW_INFO_TYPE_NONE,
			 "a driver without hw_info gave type 0x%x for INPUT_TYPE 0x%x",
			 out, NO_SUCH_HW_INFO_TYPE);
}

/*
 * OBJ-10: a bound device holds a reference on its iommufd context, so
 * closing /dev/iommu destroys nothing while it is bound; closing the device
 * then tears everything down, and a new BIND starts blocked.
 */
SCENARIO(obj, close_iommufd_keeps_translation,
	 .title = "closing /dev/iommu while a device is bound keeps its translation until the device is closed",
	 .invariants = "OBJ-10,OWN-5", .requires = REQ_DMA)
{
	const uint64_t p = tc_page_size();
	uint32_t i2 = 0;
	struct attached f;
	int ret;

	attached_setup(c, "OBJ-10", &f, need_dma_dev(c),
		       &(struct attached_opts){ .len = 2 * p });
	{
		/* A write to the first page, a read of the second. */
		const struct dma_probe used[] = {
			{ true, f.iova, f.mem },
			{ false, f.iova + p, f.mem + p },
		};

		dma_probes(c, "OBJ-10", f.dev, T_NO_PASID, used, 1, true);
		/* The close is the act; OBJ-10 is what still translates. */
		REQUIRE(c, "OBJ-10", T_CALL(c->t, close_ctx, 0));
		tc_log(c, "closed context 0's /dev/iommu with dev %u bound and attached",
		       f.dev);
		dma_probes(c, "OBJ-10", f.dev, T_NO_PASID, used, 2, true);
	}
	/* Its IDs are out of user space's reach now (not judged). */
	ret = T_CALL(c->t, destroy, f.ioas);
	tc_log(c, "DESTROY of the old IOAS ID after the close: %s",
	       errno_name(ret));
	/* Closing the device drops the last reference: all gone. */
	unbind_dev(c, "OBJ-10", f.dev);
	bind_dev(c, "OBJ-10", f.dev, 0);
	/* OWN-5's rule: the new binding starts blocked. */
	tc_dma_write(c, "OWN-5", f.dev, T_NO_PASID, f.iova, f.mem, DMA_LEN,
		     false);
	CHECK_OK(c, "OBJ-10", T_CALL(c->t, ioas_alloc, 0, &i2));
}
