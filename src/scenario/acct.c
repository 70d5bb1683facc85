// SPDX-License-Identifier: GPL-2.0
/*
 * What pinning costs (IOAS-18..23, OBJ-12): every page iommufd pins
 * counts in the process's mm->pinned_vm (VmPin); a MAP made without
 * CAP_IPC_LOCK is also charged, to the user (RLIMIT_MODE 0) or the
 * process (RLIMIT_MODE 1, VmLck), against RLIMIT_MEMLOCK at the time its
 * pages are pinned; an emulated access's pins likewise.
 *
 * Expected values are the contract's, checked against
 * drivers/iommu/iommufd/pages.c (iopt_alloc_pages, incr_user_locked_vm,
 * update_mm_locked_vm, iopt_pages_update_pinned) and io_pagetable.c
 * (iopt_map_common: the context's mode reaches new pages).
 */
#include <errno.h>
#include <linux/iommufd.h>

#include "fixture.h"

/* The counters the checks measure from. */
struct pin_base {
	uint64_t pinned, locked;
};

static void read_pins(struct tc *c, const char *inv, struct pin_base *b)
{
	int ret = T_CALL(c->t, pin_counters, &b->pinned, &b->locked);

	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target has no pinned-page counters");
	REQUIRE(c, inv, ret);
}

/* The MAPs that follow with or without CAP_IPC_LOCK, their pins charged
 * against limit (bytes, or T_MEMLOCK_UNLIMITED). */
static void memlock(struct tc *c, const char *inv, bool cap_ipc_lock,
		    uint64_t limit)
{
	int ret = T_CALL(c->t, memlock_set, cap_ipc_lock, limit);

	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot change CAP_IPC_LOCK or RLIMIT_MEMLOCK");
	if (ret == -EPERM)
		tc_skip(c, "CAP_IPC_LOCK is not in the suite's permitted set");
	REQUIRE(c, inv, ret);
}

/* Since b, want_pin more pages are pinned and (want_lck >= 0) want_lck
 * more charged to the process. */
static void expect_pins(struct tc *c, const char *inv, const struct pin_base *b,
			int64_t want_pin, int64_t want_lck, const char *after)
{
	const int64_t p = (int64_t)tc_page_size();
	struct pin_base now;
	int64_t pin, lck;

	read_pins(c, inv, &now);
	pin = ((int64_t)now.pinned - (int64_t)b->pinned) / p;
	lck = ((int64_t)now.locked - (int64_t)b->locked) / p;
	if (want_lck < 0)
		tc_check(c, inv, pin == want_pin,
			 "after %s: %lld more pages pinned (VmPin), expected %lld",
			 after, (long long)pin, (long long)want_pin);
	else
		tc_check(c, inv, pin == want_pin && lck == want_lck,
			 "after %s: %lld more pages pinned (VmPin), %lld charged to the process (VmLck); expected %lld and %lld",
			 after, (long long)pin, (long long)lck,
			 (long long)want_pin, (long long)want_lck);
}

/*
 * Pages of the suite's own that any domain of a fresh IOAS pins: the kernel
 * target's DMA window (caps.dma_window, mapped with CAP_IPC_LOCK into every
 * IOAS it allocates: counted, never charged); none on the mock and the
 * model. Known from the suite's own set-up, not measured, so a domain that
 * pins more than its IOAS holds shows.
 */
static int64_t own_window_pages(const struct tc *c)
{
	const struct iova_range *w = &c->caps->dma_window;

	if (!w->last)
		return 0;
	return (int64_t)((w->last - w->start + 1) / tc_page_size());
}

/* --- IOAS-18: a page is counted while it is pinned, once ------------------ */

SCENARIO(ioas, pin_count_once_per_pages,
	 .title = "Pages are pinned (VmPin) only under a domain, once per MAP however many COPYs share them, and unpinned with the last user",
	 .invariants = "IOAS-18")
{
	const uint64_t p = tc_page_size();
	uint64_t ia, ic, id, ie, ib;
	struct pin_base b;
	uint32_t ioas, bare;
	void *mem;

	bind_dev(c, "IOAS-18", 0, 0);
	ioas = new_ioas(c, "IOAS-18", 0);
	bare = new_ioas(c, "IOAS-18", 0);
	attach_rid(c, "IOAS-18", 0, ioas);
	mem = tc_alloc(c, 2 * p);
	ia = tc_pick_iova(c, ioas, 2 * p, 0, 0);
	ic = tc_pick_iova(c, ioas, 2 * p, 0, 1);
	id = tc_pick_iova(c, ioas, 2 * p, 0, 2);
	ie = tc_pick_iova(c, ioas, 2 * p, 0, 3);
	ib = tc_pick_iova(c, bare, 2 * p, 0, 0);
	read_pins(c, "IOAS-18", &b);
	/* No domain, nothing pinned. */
	CHECK_OK(c, "IOAS-18", map_fixed_rc(c, bare, mem, 2 * p, ib, RW));
	expect_pins(c, "IOAS-18", &b, 0, -1,
		    "a 2-page MAP into an IOAS without a domain");
	CHECK_OK(c, "IOAS-18", map_fixed_rc(c, ioas, mem, 2 * p, ia, RW));
	expect_pins(c, "IOAS-18", &b, 2, -1,
		    "a 2-page MAP into an attached IOAS");
	/* Each MAP has its own pages, even of the same memory. */
	CHECK_OK(c, "IOAS-18", map_fixed_rc(c, ioas, mem, p, ic, RW));
	expect_pins(c, "IOAS-18", &b, 3, -1,
		    "a second MAP of a page already mapped");
	/* A COPY shares its source's pages: pinned ones stay counted once,
	 * unpinned ones (the bare IOAS's) are pinned now. */
	CHECK_OK(c, "IOAS-18", copy_fixed_rc(c, ioas, ioas, RW, ia, 2 * p, id));
	expect_pins(c, "IOAS-18", &b, 3, -1,
		    "a COPY of the attached 2-page mapping");
	CHECK_OK(c, "IOAS-18", copy_fixed_rc(c, ioas, bare, RW, ib, 2 * p, ie));
	expect_pins(c, "IOAS-18", &b, 5, -1,
		    "a COPY of the bare IOAS's mapping into the attached one");
	/* Unpinned with the last area that needs them. */
	CHECK_OK(c, "IOAS-18", T_CALL(c->t, ioas_unmap, ioas, ia, 2 * p, NULL));
	expect_pins(c, "IOAS-18", &b, 5, -1,
		    "the UNMAP of a mapping its COPY still holds");
	CHECK_OK(c, "IOAS-18", T_CALL(c->t, ioas_unmap, ioas, id, 2 * p, NULL));
	expect_pins(c, "IOAS-18", &b, 3, -1, "the UNMAP of that COPY");
	CHECK_OK(c, "IOAS-18", T_CALL(c->t, ioas_unmap, ioas, ic, p, NULL));
	expect_pins(c, "IOAS-18", &b, 2, -1, "the UNMAP of the second MAP");
	CHECK_OK(c, "IOAS-18", T_CALL(c->t, ioas_unmap, ioas, ie, 2 * p, NULL));
	expect_pins(c, "IOAS-18", &b, 0, -1,
		    "the UNMAP of the bare IOAS's COPY");
}

/*
 * The set-up of the memlock cases: device 0 bound, an IOAS with no domain
 * yet, two pages of memory and two free one-page IOVAs in it, and the
 * counters before anything was pinned.
 */
struct two_pages {
	uint32_t ioas;
	uint64_t i0, i1;
	char *mem;
	struct pin_base b;
	int64_t window; /* own_window_pages() */
};

static void two_pages_setup(struct tc *c, const char *inv, struct two_pages *f)
{
	const uint64_t p = tc_page_size();

	bind_dev(c, inv, 0, 0);
	f->ioas = new_ioas(c, inv, 0);
	f->mem = tc_alloc(c, 2 * p);
	f->i0 = tc_pick_iova(c, f->ioas, p, 0, 0);
	f->i1 = tc_pick_iova(c, f->ioas, p, 0, 1);
	f->window = own_window_pages(c);
	read_pins(c, inv, &f->b);
}

/* --- IOAS-19: RLIMIT_MEMLOCK without CAP_IPC_LOCK (RLIMIT_MODE 0) --------- */

SCENARIO(ioas, memlock_limit_user_mode,
	 .title = "Without CAP_IPC_LOCK, pinning past RLIMIT_MEMLOCK fails ENOMEM (at ATTACH or MAP, whichever pins) and changes nothing; a CAP_IPC_LOCK MAP is not charged",
	 .invariants = "IOAS-19")
{
	const uint64_t p = tc_page_size();
	struct two_pages f;

	two_pages_setup(c, "IOAS-19", &f);
	memlock(c, "IOAS-19", false, 0);
	/* Nothing is pinned yet, so nothing is charged. */
	CHECK_OK(c, "IOAS-19", map_fixed_rc(c, f.ioas, f.mem, p, f.i0, RW));
	/* The attach pins the page: past the limit. */
	CHECK_RET(c, "IOAS-19", T_CALL(c->t, attach, 0, T_NO_PASID, f.ioas, NULL),
		  ENOMEM);
	expect_pins(c, "IOAS-19", &f.b, 0, 0, "an ATTACH refused ENOMEM");
	CHECK_OK(c, "IOAS-19", T_CALL(c->t, ioas_unmap, f.ioas, f.i0, p, NULL));
	CHECK_OK(c, "IOAS-19", T_CALL(c->t, attach, 0, T_NO_PASID, f.ioas, NULL));
	/* With a domain the MAP pins, and is refused. */
	CHECK_RET(c, "IOAS-19", map_fixed_rc(c, f.ioas, f.mem, p, f.i0, RW), ENOMEM);
	expect_mapped_bytes(c, "IOAS-19", f.ioas, 0, "a MAP refused ENOMEM");
	expect_pins(c, "IOAS-19", &f.b, f.window, 0, "a MAP refused ENOMEM");
	/* A MAP made with CAP_IPC_LOCK is not charged, only counted. */
	memlock(c, "IOAS-19", true, 0);
	CHECK_OK(c, "IOAS-19", map_fixed_rc(c, f.ioas, f.mem, p, f.i0, RW));
	expect_pins(c, "IOAS-19", &f.b, 1 + f.window, 0, "a CAP_IPC_LOCK MAP, limit 0");
	/* Within the limit it pins; RLIMIT_MODE 0 charges the user, not
	 * the process. */
	memlock(c, "IOAS-19", false, T_MEMLOCK_UNLIMITED);
	CHECK_OK(c, "IOAS-19",
		 map_fixed_rc(c, f.ioas, (char *)f.mem + p, p, f.i1, RW));
	expect_pins(
		c, "IOAS-19", &f.b, 2 + f.window, 0,
		"a MAP without CAP_IPC_LOCK within the limit, RLIMIT_MODE 0");
}

/* --- IOAS-20: RLIMIT_MODE 1 charges the process (VmLck) ------------------- */

/* An IOAS of context ctx, emptied and set to RLIMIT_MODE 1 (possible
 * only while it holds no object, IOAS-14), with device 0 attached. */
static uint32_t process_mode_ioas(struct tc *c, const char *inv, unsigned ctx)
{
	uint64_t mode = 1;
	uint32_t ioas;
	int ret = T_CALL(c->t, close_ctx, ctx);

	if (ret && ret != -T_UNSUPPORTED)
		REQUIRE(c, inv, ret);
	ret = T_CALL(c->t, option_rlimit_mode, ctx, true, &mode);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot reach IOMMU_OPTION_RLIMIT_MODE");
	REQUIRE(c, inv, ret);
	bind_dev(c, inv, 0, ctx);
	ioas = new_ioas(c, inv, ctx);
	attach_rid(c, inv, 0, ioas);
	return ioas;
}

SCENARIO(ioas, memlock_limit_process_mode,
	 .title = "RLIMIT_MODE 1 charges pins to the process's locked_vm (VmLck) against RLIMIT_MEMLOCK; UNMAP uncharges, so a MAP refused ENOMEM fits afterwards",
	 .invariants = "IOAS-20", .requires = REQ_2CTX)
{
	const uint64_t p = tc_page_size();
	uint32_t ioas = process_mode_ioas(c, "IOAS-20", 1);
	struct pin_base b;
	uint64_t i0, i1;
	char *mem;

	mem = tc_alloc(c, 4 * p);
	i0 = tc_pick_iova(c, ioas, 2 * p, 0, 0);
	i1 = tc_pick_iova(c, ioas, 2 * p, 0, 1);
	read_pins(c, "IOAS-20", &b);
	memlock(c, "IOAS-20", false, T_MEMLOCK_UNLIMITED);
	CHECK_OK(c, "IOAS-20", map_fixed_rc(c, ioas, mem, 2 * p, i0, RW));
	expect_pins(c, "IOAS-20", &b, 2, 2, "a 2-page MAP in RLIMIT_MODE 1");
	/* Room for one page more: two do not fit. */
	memlock(c, "IOAS-20", false, b.locked + 3 * p);
	CHECK_RET(c, "IOAS-20",
		  map_fixed_rc(c, ioas, mem + 2 * p, 2 * p, i1, RW), ENOMEM);
	expect_pins(c, "IOAS-20", &b, 2, 2, "a MAP refused ENOMEM");
	/* The UNMAP gives the charge back... */
	CHECK_OK(c, "IOAS-20", T_CALL(c->t, ioas_unmap, ioas, i0, 2 * p, NULL));
	expect_pins(c, "IOAS-20", &b, 0, 0, "the UNMAP of the 2-page MAP");
	/* ...so the refused MAP fits now. */
	CHECK_OK(c, "IOAS-20",
		 map_fixed_rc(c, ioas, mem + 2 * p, 2 * p, i1, RW));
	expect_pins(c, "IOAS-20", &b, 2, 2, "the same MAP after the UNMAP");
	/* A CAP_IPC_LOCK MAP is not charged in this mode either. */
	memlock(c, "IOAS-20", true, b.locked + 3 * p);
	CHECK_OK(c, "IOAS-20", map_fixed_rc(c, ioas, mem, 2 * p, i0, RW));
	expect_pins(c, "IOAS-20", &b, 4, 2, "a CAP_IPC_LOCK MAP");
}

/* --- IOAS-21: CHANGE_PROCESS moves the charge ----------------------------- */

/* A hand-off to a forked child allowed child_limit bytes more than it has
 * locked, and back (target.h change_process_handoff). */
static int handoff(struct tc *c, unsigned ctx, uint64_t child_limit,
		   int64_t *to_child, int64_t *from_parent, int *back)
{
	int ret = T_CALL(c->t, change_process_handoff, ctx, child_limit,
			 to_child, from_parent, back);

	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot hand a context to a child");
	if (ret == -ENOTTY)
		tc_skip(c, "kernel without IOMMU_IOAS_CHANGE_PROCESS (before 6.14)");
	return ret;
}

SCENARIO(ioas, change_process_moves_charge,
	 .title = "CHANGE_PROCESS moves the RLIMIT_MODE 1 charge to the new process (VmLck) and off the old; past the new one's RLIMIT_MEMLOCK it fails ENOMEM and nothing moves",
	 .invariants = "IOAS-21", .requires = REQ_2CTX)
{
	const int64_t p = (int64_t)tc_page_size();
	const unsigned ctx = 1;
	uint32_t ioas = process_mode_ioas(c, "IOAS-21", ctx);
	int64_t to_child, from_parent;
	struct pin_base b;
	int fd, ret, back;
	uint64_t iova;

	fd = new_memfd(c, 2);
	iova = tc_pick_iova(c, ioas, 2 * p, 0, 0);
	read_pins(c, "IOAS-21", &b);
	/* Only MAP_FILE mappings can move (IOAS-16): 2 pages charged. */
	memlock(c, "IOAS-21", false, T_MEMLOCK_UNLIMITED);
	ret = T_CALL(c->t, ioas_map_file, ioas, RW | T_MAP_FIXED_IOVA, fd, 0,
		     2 * p, &iova);
	if (ret == -T_UNSUPPORTED || ret == -ENOTTY)
		tc_skip(c, "no IOMMU_IOAS_MAP_FILE (before 6.14)");
	REQUIRE(c, "IOAS-21", ret);
	expect_pins(c, "IOAS-21", &b, 2, 2,
		    "a 2-page MAP_FILE in RLIMIT_MODE 1");
	/* A successor with room for one page cannot take two. */
	CHECK_RET(c, "IOAS-21",
		  handoff(c, ctx, p, &to_child, &from_parent, &back), ENOMEM);
	tc_check(c, "IOAS-21", to_child == 0 && from_parent == 0,
		 "a CHANGE_PROCESS refused ENOMEM moved %lld bytes to the child and %lld on this process's VmLck (expected 0 and 0)",
		 (long long)to_child, (long long)from_parent);
	expect_pins(c, "IOAS-21", &b, 2, 2, "a CHANGE_PROCESS refused ENOMEM");
	/* One with room takes them: charged there, uncharged here. */
	CHECK_OK(c, "IOAS-21",
		 handoff(c, ctx, T_MEMLOCK_UNLIMITED, &to_child, &from_parent,
			 &back));
	tc_check(c, "IOAS-21", to_child == 2 * p && from_parent == -2 * p,
		 "CHANGE_PROCESS to a child: its VmLck grew by %lld bytes, this process's moved by %lld (expected %lld and %lld)",
		 (long long)to_child, (long long)from_parent,
		 (long long)(2 * p), (long long)(-2 * p));
	/* Taken back, the charge is here again, once. */
	CHECK_OK(c, "IOAS-21", back);
	expect_pins(c, "IOAS-21", &b, 2, 2, "the CHANGE_PROCESS back");
}

/* --- OBJ-12: the last domain's teardown unpins ---------------------------- */

SCENARIO(obj, domain_teardown_unpins,
	 .title = "DETACH of the last device, or DESTROY of the last HWPT, unpins the IOAS's pages (VmPin back); the mappings stay and the next domain pins them again",
	 .invariants = "OBJ-12")
{
	const uint64_t p = tc_page_size();
	const int64_t own_pages = own_window_pages(c);
	struct pin_base b;
	uint32_t ioas, hwpt;
	uint64_t iova;

	bind_dev(c, "OBJ-12", 0, 0);
	ioas = new_ioas(c, "OBJ-12", 0);
	iova = tc_pick_iova(c, ioas, 3 * p, 0, 0);
	read_pins(c, "OBJ-12", &b);
	map_fixed(c, "OBJ-12", ioas, tc_alloc(c, 3 * p), 3 * p, iova, RW);
	expect_pins(c, "OBJ-12", &b, 0, -1,
		    "a 3-page MAP into the IOAS without a domain");
	CHECK_OK(c, "OBJ-12", T_CALL(c->t, attach, 0, T_NO_PASID, ioas, NULL));
	expect_pins(c, "OBJ-12", &b, own_pages + 3, -1, "the ATTACH");
	CHECK_OK(c, "OBJ-12", T_CALL(c->t, detach, 0, T_NO_PASID));
	expect_pins(c, "OBJ-12", &b, 0, -1, "the DETACH of the only device");
	/* A manual HWPT is a domain of the IOAS from its allocation on. */
	CHECK_OK(c, "OBJ-12",
		 T_CALL(c->t, hwpt_alloc, 0, ioas, 0, 0, NULL, 0, &hwpt));
	expect_pins(c, "OBJ-12", &b, own_pages + 3, -1, "an HWPT_ALLOC");
	CHECK_OK(c, "OBJ-12", T_CALL(c->t, destroy, hwpt));
	expect_pins(c, "OBJ-12", &b, 0, -1, "the DESTROY of that HWPT");
	expect_mapped_bytes(c, "OBJ-12", ioas, 3 * p,
			    "the domains' teardown (the mapping stays)");
}

/* --- IOAS-22: an emulated access's pins are pins too ---------------------- */

SCENARIO(ioas, access_pins_counted_and_charged,
	 .title = "An emulated access's pins are counted (VmPin) and charged: past RLIMIT_MEMLOCK without CAP_IPC_LOCK they fail ENOMEM; the last unpin, or the UNMAP that revokes them, uncounts them",
	 .invariants = "IOAS-22")
{
	const uint64_t p = tc_page_size();
	uint32_t ioas, pin = 0, pin2 = 0;
	uint64_t iova = 0, unmapped = 0;
	struct pin_base b;
	char *mem;
	int ret;

	ioas = new_ioas(c, "IOAS-22", 0);
	mem = tc_alloc(c, 2 * p);
	read_pins(c, "IOAS-22", &b);
	/* Charged pages: mapped without CAP_IPC_LOCK; no domain. */
	memlock(c, "IOAS-22", false, 0);
	REQUIRE(c, "IOAS-22",
		T_CALL(c->t, ioas_map, ioas, RW, mem, 2 * p, &iova));
	ret = T_CALL(c->t, access_pin, ioas, iova, p, mem, &pin);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target has no emulated access (mock only)");
	CHECK_RET(c, "IOAS-22", ret, ENOMEM);
	expect_pins(c, "IOAS-22", &b, 0, 0, "an access pin refused ENOMEM");
	memlock(c, "IOAS-22", false, T_MEMLOCK_UNLIMITED);
	CHECK_OK(c, "IOAS-22",
		 T_CALL(c->t, access_pin, ioas, iova, p, mem, &pin));
	expect_pins(c, "IOAS-22", &b, 1, 0, "an access pinning page 0");
	/* A second access over both pages: page 0 is not pinned twice. */
	CHECK_OK(c, "IOAS-22",
		 T_CALL(c->t, access_pin, ioas, iova, 2 * p, mem, &pin2));
	expect_pins(c, "IOAS-22", &b, 2, 0,
		    "a second access pinning pages 0 and 1");
	CHECK_OK(c, "IOAS-22", T_CALL(c->t, access_unpin, pin));
	expect_pins(c, "IOAS-22", &b, 2, 0,
		    "the unpin of the first (the second still holds page 0)");
	/* The UNMAP makes the second access drop its pins (IOAS-17). */
	CHECK_OK(c, "IOAS-22",
		 T_CALL(c->t, ioas_unmap, ioas, iova, 2 * p, &unmapped));
	expect_pins(c, "IOAS-22", &b, 0, 0, "the UNMAP that revokes the pins");
}

/* --- IOAS-23: CAP_IPC_LOCK counts at MAP time, the limit at pin time ------ */

SCENARIO(ioas, memlock_cap_read_at_map,
	 .title = "Whether a MAP's pages are charged is fixed at MAP time by CAP_IPC_LOCK; the charge is made, against RLIMIT_MEMLOCK, when they are pinned, whatever the pinning task holds then",
	 .invariants = "IOAS-23")
{
	const uint64_t p = tc_page_size();
	struct two_pages f;

	two_pages_setup(c, "IOAS-23", &f);
	/* Two pages on an IOAS without a domain, nothing pinned yet: one
	 * mapped with CAP_IPC_LOCK, one without. */
	memlock(c, "IOAS-23", true, 0);
	CHECK_OK(c, "IOAS-23", map_fixed_rc(c, f.ioas, f.mem, p, f.i0, RW));
	memlock(c, "IOAS-23", false, 0);
	CHECK_OK(c, "IOAS-23", map_fixed_rc(c, f.ioas, f.mem + p, p, f.i1, RW));
	/* The attach pins both. Holding CAP_IPC_LOCK now does not exempt
	 * the page mapped without it. */
	memlock(c, "IOAS-23", true, 0);
	CHECK_RET(c, "IOAS-23", T_CALL(c->t, attach, 0, T_NO_PASID, f.ioas, NULL),
		  ENOMEM);
	expect_pins(c, "IOAS-23", &f.b, 0, 0, "an ATTACH refused ENOMEM");
	/* Lacking it now does not charge the page mapped with it. */
	CHECK_OK(c, "IOAS-23", T_CALL(c->t, ioas_unmap, f.ioas, f.i1, p, NULL));
	memlock(c, "IOAS-23", false, 0);
	CHECK_OK(c, "IOAS-23", T_CALL(c->t, attach, 0, T_NO_PASID, f.ioas, NULL));
	expect_pins(c, "IOAS-23", &f.b, 1 + f.window, 0,
		    "the ATTACH pinning the page mapped with CAP_IPC_LOCK");
}
