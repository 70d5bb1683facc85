// SPDX-License-Identifier: GPL-2.0
/*
 * IOAS contents: MAP, UNMAP, COPY and the huge-pages option (IOAS-1..13).
 *
 * Expected errnos are the contract's, checked against
 * drivers/iommu/iommufd/ioas.c (iommufd_ioas_map/copy/unmap) and
 * io_pagetable.c (iopt_check_iova, iopt_alloc_iova, iopt_insert_area,
 * iopt_unmap_iova_range, iopt_table_add_domain, iopt_disable_large_pages).
 */
#include <errno.h>
#include <linux/iommufd.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fixture.h"

/* --- IOAS-1: MAP argument checks ------------------------------------------ */

SCENARIO(ioas, map_argument_checks,
	 .title = "MAP needs READABLE or WRITEABLE and a non-zero length",
	 .invariants = "IOAS-1")
{
	uint64_t p = tc_page_size(), auto_iova = 0;
	struct bare_ioas b;

	bare_ioas_setup(c, "IOAS-1", &b, 1, 4);
	CHECK_RET(c, "IOAS-1", map_fixed_rc(c, b.ioas, b.buf, p, b.iova, 0),
		  EINVAL);
	CHECK_RET(c, "IOAS-1",
		  T_CALL(c->t, ioas_map, b.ioas, 0, b.buf, p, &auto_iova), EINVAL);
	CHECK_RET(c, "IOAS-1", map_fixed_rc(c, b.ioas, b.buf, 0, b.iova, RW),
		  EINVAL);
	expect_mapped_bytes(c, "IOAS-1", b.ioas, 0, "refused MAPs");
	/* The same call with a permission and a length is fine. */
	CHECK_OK(c, "IOAS-1", map_fixed_rc(c, b.ioas, b.buf, p, b.iova,
					   T_MAP_READABLE));
	CHECK_OK(c, "IOAS-1", map_fixed_rc(c, b.ioas, b.buf, p, b.iova + 2 * p,
					   T_MAP_WRITEABLE));
}

SCENARIO(ioas, map_bad_user_address,
	 .title = "MAP of an unmapped user address into an IOAS with a domain fails EFAULT",
	 .invariants = "IOAS-1")
{
	uint64_t p = tc_page_size(), iova;
	struct attached f;
	void *hole;

	/* With a domain attached the pages are pinned at MAP time. */
	attached_setup(c, "IOAS-1", &f, 0, NULL);
	iova = tc_pick_iova(c, f.ioas, p, 0, 0);
	hole = tc_unpinnable_page(c);
	/* Pinning fails: EFAULT in practice, ENOMEM allowed. Page 0 is
	 * never mapped (mmap_min_addr); a freshly unmapped page is a real
	 * hole only where the target pins real memory (not the model). */
	CHECK_RET(c, "IOAS-1", map_fixed_rc(c, f.ioas, NULL, p, iova, RW),
		  EFAULT, ENOMEM);
	if (c->caps->pins_user_memory)
		CHECK_RET(c, "IOAS-1",
			  map_fixed_rc(c, f.ioas, hole, p, iova, RW),
			  EFAULT, ENOMEM);
	else
		tc_log(c, "target pins no user memory: only the NULL page checked");
	expect_mapped_bytes(c, "IOAS-1", f.ioas, 0, "refused MAPs");
}

SCENARIO(ioas, map_bad_user_address_bare,
	 .title = "on a bare IOAS a bad user address maps, and the first attach that pins it fails",
	 .invariants = "IOAS-1")
{
	uint64_t p = tc_page_size(), iova;
	uint32_t ioas;
	void *hole;

	bind_dev(c, "IOAS-1", 0, 0);
	ioas = new_ioas(c, "IOAS-1", 0);
	iova = tc_pick_iova(c, ioas, p, 0, 0);
	hole = tc_unpinnable_page(c);
	/* Nothing is pinned without a domain: accepted. */
	CHECK_OK(c, "IOAS-1", map_fixed_rc(c, ioas, hole, p, iova, RW));
	CHECK_RET(c, "IOAS-1", T_CALL(c->t, attach, 0, T_NO_PASID, ioas, NULL),
		  EFAULT, ENOMEM);
	/* Without the bad mapping the same attach works. */
	unmap_exact(c, "IOAS-1", ioas, iova, p);
	CHECK_OK(c, "IOAS-1", T_CALL(c->t, attach, 0, T_NO_PASID, ioas, NULL));
}

/* --- IOAS-2: alignment ---------------------------------------------------- */

SCENARIO(ioas, map_alignment_after_attach,
	 .title = "after attach, MAP/COPY off the reported alignment fail EINVAL",
	 .invariants = "IOAS-2")
{
	uint64_t p = tc_page_size(), a, iova, src;
	uint8_t *buf = tc_alloc(c, 4 * p);
	struct attached f;
	struct ranges r;

	attached_setup(c, "IOAS-2", &f, 0, NULL);
	read_ranges(c, "IOAS-2", f.ioas, &r);
	a = r.align;
	tc_log(c, "dev 0 (%s): reported IOVA alignment 0x%llx after attach",
	       c->caps->dev[0].name, (unsigned long long)a);
	tc_check(c, "IOAS-2", a >= 1 && !(a & (a - 1)) && a <= p,
		 "reported alignment 0x%llx is not a power of two in [1, PAGE_SIZE]",
		 (unsigned long long)a);
	iova = tc_pick_iova(c, f.ioas, 4 * p, 0, 0);
	src = tc_pick_iova(c, f.ioas, 4 * p, 0, 1);
	if (a <= 1) {
		/* Alignment 1 promises byte granularity: an odd IOVA works. */
		tc_log(c, "alignment 1 with a domain attached: checking that byte-granular MAP works as promised");
		CHECK_OK(c, "IOAS-2",
			 map_fixed_rc(c, f.ioas, buf + 1, p, iova + 1, RW));
		return;
	}
	CHECK_RET(c, "IOAS-2",
		  map_fixed_rc(c, f.ioas, buf, p, iova + a / 2, RW), EINVAL);
	CHECK_RET(c, "IOAS-2",
		  map_fixed_rc(c, f.ioas, buf, a + a / 2, iova, RW), EINVAL);
	/* A user address whose page offset is off the alignment. */
	CHECK_RET(c, "IOAS-2",
		  map_fixed_rc(c, f.ioas, buf + a / 2, p, iova, RW), EINVAL);
	/* Automatic placement still needs an aligned length. */
	CHECK_RET(c, "IOAS-2", T_CALL(c->t, ioas_map, f.ioas, RW, buf, a / 2,
				      &iova), EINVAL);
	expect_mapped_bytes(c, "IOAS-2", f.ioas, 0, "refused MAPs");

	/* COPY follows the same rule at the destination. */
	map_fixed(c, "IOAS-2", f.ioas, buf, 2 * p, src, RW);
	CHECK_RET(c, "IOAS-2",
		  copy_fixed_rc(c, f.ioas, f.ioas, RW, src, p, iova + a / 2),
		  EINVAL);
	CHECK_RET(c, "IOAS-2",
		  copy_fixed_rc(c, f.ioas, f.ioas, RW, src, a / 2, iova),
		  EINVAL);
	/* Aligned, the same calls work. */
	CHECK_OK(c, "IOAS-2",
		 map_fixed_rc(c, f.ioas, buf + 2 * p, p, iova, RW));
	CHECK_OK(c, "IOAS-2",
		 copy_fixed_rc(c, f.ioas, f.ioas, RW, src, p, iova + 2 * p));
}

/* --- IOAS-3: overlap ------------------------------------------------------ */

SCENARIO(ioas, map_overlap_eexist,
	 .title = "a fixed MAP or COPY overlapping an existing mapping fails EEXIST",
	 .invariants = "IOAS-3")
{
	/* Overlaps of [x, x+2p): the same, its second page, straddling the
	 * start, covering it. In pages: length, start relative to x. */
	static const struct {
		unsigned len;
		int at;
	} over[] = { { 2, 0 }, { 1, 1 }, { 2, -1 }, { 4, -1 } };
	uint64_t p = tc_page_size(), x;
	struct bare_ioas b;

	bare_ioas_setup(c, "IOAS-3", &b, 4, 8);
	x = b.iova + 2 * p;
	map_fixed(c, "IOAS-3", b.ioas, b.buf, 2 * p, x, RW);
	for (unsigned i = 0; i < sizeof(over) / sizeof(over[0]); i++)
		CHECK_RET(c, "IOAS-3",
			  map_fixed_rc(c, b.ioas, b.buf, over[i].len * p,
				       x + over[i].at * (int64_t)p, RW),
			  EEXIST);
	CHECK_RET(c, "IOAS-3",
		  copy_fixed_rc(c, b.ioas, b.ioas, RW, x, p, x + p), EEXIST);
	/* Adjacent on either side is no overlap. */
	CHECK_OK(c, "IOAS-3", map_fixed_rc(c, b.ioas, b.buf, p, x - p, RW));
	CHECK_OK(c, "IOAS-3", map_fixed_rc(c, b.ioas, b.buf, p, x + 2 * p, RW));
	/* The refused calls changed nothing: exactly 4 pages are mapped. */
	expect_mapped_bytes(c, "IOAS-3", b.ioas, 4 * p, "after the refusals");
}

/* --- IOAS-4: reserved regions --------------------------------------------- */

SCENARIO(ioas, map_into_reserved,
	 .title = "after attach, a fixed MAP into a reserved region or outside the aperture fails",
	 .invariants = "IOAS-4")
{
	uint64_t p = tc_page_size(), sx;
	const struct dev_caps *dc = &c->caps->dev[0];
	void *buf = tc_alloc(c, 2 * p);
	unsigned tried = 0;
	struct attached f;
	struct ranges r;
	uint32_t src;

	attached_setup(c, "IOAS-4", &f, 0, NULL);
	read_ranges(c, "IOAS-4", f.ioas, &r);
	/* A COPY source on a bare IOAS. */
	src = new_ioas(c, "IOAS-4", 0);
	sx = tc_pick_iova(c, src, p, 0, 0);
	map_fixed(c, "IOAS-4", src, buf, p, sx, RW);

	/* Holes between reported ranges and above the last one. */
	for (unsigned i = 0; i < r.n; i++) {
		uint64_t hole;

		if (r.r[i].last == UINT64_MAX)
			continue;
		hole = r.r[i].last + 1;
		if (hole & (p - 1))
			continue;
		tc_log(c, "reserved IOVA at 0x%llx (after range %u)",
		       (unsigned long long)hole, i);
		CHECK_RET(c, "IOAS-4",
			  map_fixed_rc(c, f.ioas, buf, p, hole, RW), EINVAL);
		CHECK_RET(c, "IOAS-4",
			  copy_fixed_rc(c, f.ioas, src, RW, sx, p, hole),
			  EINVAL);
		/* Straddling: the last allowed page plus the first reserved. */
		if (hole >= r.r[i].start + p)
			CHECK_RET(c, "IOAS-4",
				  map_fixed_rc(c, f.ioas, buf, 2 * p, hole - p,
					       RW), EINVAL);
		tried++;
	}
	/* The regions the device reports, page by page at their start. */
	for (unsigned i = 0; i < dc->nresv; i++) {
		uint64_t s = dc->resv[i].start & ~(p - 1);

		tc_log(c, "dev 0 reports reserved 0x%llx-0x%llx",
		       (unsigned long long)dc->resv[i].start,
		       (unsigned long long)dc->resv[i].last);
		CHECK_RET(c, "IOAS-4", map_fixed_rc(c, f.ioas, buf, p, s, RW),
			  EINVAL);
		tried++;
	}
	if (!tried)
		tc_skip(c, "dev 0 reserves nothing and its domain covers all 64 bits");
	expect_mapped_bytes(c, "IOAS-4", f.ioas, 0, "refused MAPs");
}

/* --- IOAS-5: automatic IOVA ----------------------------------------------- */

SCENARIO(ioas, auto_iova_placement,
	 .title = "automatic IOVAs are non-zero, inside the reported ranges, aligned and free",
	 .invariants = "IOAS-5")
{
	static const unsigned pages[] = { 1, 3, 16, 1, 2 };
	uint64_t p = tc_page_size(), fixed, got[5] = { 0 };
	uint8_t *buf = tc_alloc(c, 16 * p);
	struct attached f;
	struct ranges r;

	attached_setup(c, "IOAS-5", &f, 0, NULL);
	read_ranges(c, "IOAS-5", f.ioas, &r);
	fixed = tc_pick_iova(c, f.ioas, 4 * p, 0, 0);
	map_fixed(c, "IOAS-5", f.ioas, buf, 4 * p, fixed, RW);

	for (unsigned i = 0; i < 5; i++) {
		uint64_t len = pages[i] * p, iova = 0;

		/* The MAP is the act; where it went is the rule. */
		REQUIRE(c, "IOAS-5", T_CALL(c->t, ioas_map, f.ioas, RW, buf,
					    len, &iova));
		got[i] = iova;
		tc_log(c, "auto MAP of 0x%llx bytes -> IOVA 0x%llx",
		       (unsigned long long)len, (unsigned long long)iova);
		tc_check(c, "IOAS-5", iova != 0, "automatic IOVA 0");
		tc_check(c, "IOAS-5", ranges_hold(&r, iova, len),
			 "automatic IOVA 0x%llx+0x%llx is not inside one reported range",
			 (unsigned long long)iova, (unsigned long long)len);
		tc_check(c, "IOAS-5", !(iova & (r.align - 1)),
			 "automatic IOVA 0x%llx is off the alignment 0x%llx",
			 (unsigned long long)iova, (unsigned long long)r.align);
		tc_check(c, "IOAS-5", iova + len <= fixed || iova >= fixed + 4 * p,
			 "automatic IOVA 0x%llx+0x%llx overlaps the fixed map at 0x%llx",
			 (unsigned long long)iova, (unsigned long long)len,
			 (unsigned long long)fixed);
		for (unsigned j = 0; j < i; j++)
			tc_check(c, "IOAS-5", !got[j] ||
				 iova + len <= got[j] ||
				 iova >= got[j] + pages[j] * p,
				 "automatic IOVAs %u and %u overlap", j, i);
		/* It really is taken by this mapping now. */
		CHECK_RET(c, "IOAS-5",
			  map_fixed_rc(c, f.ioas, buf, p, iova, RW), EEXIST);
	}
}

SCENARIO(ioas, auto_iova_in_allowed,
	 .title = "with ALLOW_IOVAS set, automatic IOVAs stay inside the allowed ranges",
	 .invariants = "IOAS-5")
{
	uint64_t p = tc_page_size(), iova = 0;
	uint32_t ioas = new_ioas(c, "IOAS-5", 0);
	struct ranges win = { .n = 2 };
	uint8_t *buf = tc_alloc(c, 4 * p);

	win.r[0] = (struct iova_range){ 0x40000000, 0x40000000 + 8 * p - 1 };
	win.r[1] = (struct iova_range){ 0x80000000, 0x80000000 + 8 * p - 1 };
	REQUIRE(c, "IOAS-5", T_CALL(c->t, allow_iovas, ioas, win.r, win.n));
	/* 2-page maps, 4 fit in each 8-page window; then nothing fits. */
	for (unsigned i = 0; i < 8; i++) {
		iova = 0;
		REQUIRE(c, "IOAS-5", T_CALL(c->t, ioas_map, ioas, RW, buf,
					    2 * p, &iova));
		tc_log(c, "auto MAP %u -> IOVA 0x%llx", i,
		       (unsigned long long)iova);
		tc_check(c, "IOAS-5", iova != 0 && ranges_hold(&win, iova, 2 * p),
			 "automatic IOVA 0x%llx+0x%llx is outside the allowed ranges",
			 (unsigned long long)iova, (unsigned long long)(2 * p));
	}
	iova = 0;
	CHECK_RET(c, "IOAS-5", T_CALL(c->t, ioas_map, ioas, RW, buf, 2 * p,
				      &iova), ENOSPC);
}

/* --- IOAS-6..8: UNMAP ----------------------------------------------------- */

/* UNMAP of exactly [iova, iova+len), a measurement: its byte count is
 * checked against want. */
static void unmap_expect_bytes(struct tc *c, const char *inv, uint32_t ioas,
			       uint64_t iova, uint64_t len, uint64_t want,
			       const char *what)
{
	uint64_t n = 0;

	REQUIRE(c, inv, T_CALL(c->t, ioas_unmap, ioas, iova, len, &n));
	tc_check(c, inv, n == want,
		 "%s: UNMAP of 0x%llx+0x%llx reported 0x%llx bytes, expected 0x%llx",
		 what, (unsigned long long)iova, (unsigned long long)len,
		 (unsigned long long)n, (unsigned long long)want);
}

SCENARIO(ioas, unmap_cannot_split,
	 .title = "UNMAP cutting through a mapping fails ENOENT and leaves it mapped",
	 .invariants = "IOAS-6")
{
	uint64_t p = tc_page_size(), x, n = 0;
	struct bare_ioas b;
	int ret;

	bare_ioas_setup(c, "IOAS-6", &b, 4, 8);
	x = b.iova;
	map_fixed(c, "IOAS-6", b.ioas, b.buf, 2 * p, x, RW);
	CHECK_RET(c, "IOAS-6", T_CALL(c->t, ioas_unmap, b.ioas, x, p, &n),
		  ENOENT);
	CHECK_RET(c, "IOAS-6", T_CALL(c->t, ioas_unmap, b.ioas, x + p, p, &n),
		  ENOENT);
	CHECK_RET(c, "IOAS-6",
		  T_CALL(c->t, ioas_unmap, b.ioas, x + p, 4 * p, &n), ENOENT);
	/* Intact: still occupied, and a whole unmap takes both pages. */
	CHECK_RET(c, "IOAS-6", map_fixed_rc(c, b.ioas, b.buf, p, x + p, RW),
		  EEXIST);
	unmap_expect_bytes(c, "IOAS-6", b.ioas, x, 2 * p, 2 * p,
			   "the whole mapping after refused splits");

	/* A=[x, x+p), B=[x+p, x+3p): a range that cuts B fails. */
	map_fixed(c, "IOAS-6", b.ioas, b.buf, p, x, RW);
	map_fixed(c, "IOAS-6", b.ioas, b.buf, 2 * p, x + p, RW);
	CHECK_RET(c, "IOAS-6", T_CALL(c->t, ioas_unmap, b.ioas, x, 2 * p, &n),
		  ENOENT);
	/* Not atomic: whether A survived is an observation (Open questions). */
	ret = T_CALL(c->t, ioas_unmap, b.ioas, x, p, &n);
	tc_log(c, "observation: after the refused cut of B, unmapping A alone gives %s (7.2: ENOENT, A already gone)",
	       ret ? errno_name(ret) : "0 (A was still mapped)");
	/* B is intact either way. */
	unmap_expect_bytes(c, "IOAS-6", b.ioas, x + p, 2 * p, 2 * p,
			   "B after the refused cut");
}

SCENARIO(ioas, unmap_empty_and_all,
	 .title = "UNMAP of an empty range is ENOENT; unmap-all always succeeds",
	 .invariants = "IOAS-7")
{
	uint64_t p = tc_page_size(), x, n = 1;
	struct bare_ioas b;

	bare_ioas_setup(c, "IOAS-7", &b, 4, 8);
	x = b.iova;
	CHECK_RET(c, "IOAS-7", T_CALL(c->t, ioas_unmap, b.ioas, x, p, &n),
		  ENOENT);
	CHECK_RET(c, "IOAS-7", T_CALL(c->t, ioas_unmap, b.ioas, x, 0, &n),
		  EINVAL);
	/* Unmap-all succeeding is the rule itself here, on an empty IOAS,
	 * on a full one, and again on the emptied one. */
	n = 1;
	CHECK_OK(c, "IOAS-7", unmap_all_rc(c, b.ioas, &n));
	tc_check(c, "IOAS-7", n == 0,
		 "unmap-all of an empty IOAS reported 0x%llx bytes",
		 (unsigned long long)n);
	map_fixed(c, "IOAS-7", b.ioas, b.buf, p, x, RW);
	map_fixed(c, "IOAS-7", b.ioas, b.buf, 2 * p, x + 4 * p, RW);
	/* A hole between two mappings is still empty. */
	CHECK_RET(c, "IOAS-7",
		  T_CALL(c->t, ioas_unmap, b.ioas, x + p, 3 * p, &n), ENOENT);
	n = 0;
	CHECK_OK(c, "IOAS-7", unmap_all_rc(c, b.ioas, &n));
	tc_check(c, "IOAS-7", n == 3 * p,
		 "unmap-all reported 0x%llx bytes, 0x%llx were mapped",
		 (unsigned long long)n, (unsigned long long)(3 * p));
	CHECK_RET(c, "IOAS-7", T_CALL(c->t, ioas_unmap, b.ioas, x, p, &n),
		  ENOENT);
	n = 1;
	CHECK_OK(c, "IOAS-7", unmap_all_rc(c, b.ioas, &n));
	tc_check(c, "IOAS-7", n == 0,
		 "second unmap-all reported 0x%llx bytes", (unsigned long long)n);
}

SCENARIO(ioas, unmap_reports_bytes,
	 .title = "UNMAP over several mappings and holes reports exactly the bytes unmapped",
	 .invariants = "IOAS-8")
{
	uint64_t p = tc_page_size(), x;
	struct bare_ioas b;

	bare_ioas_setup(c, "IOAS-8", &b, 4, 8);
	x = b.iova;
	map_fixed(c, "IOAS-8", b.ioas, b.buf, p, x, RW);
	map_fixed(c, "IOAS-8", b.ioas, b.buf, 2 * p, x + 2 * p, RW);
	map_fixed(c, "IOAS-8", b.ioas, b.buf, p, x + 5 * p, RW);
	unmap_expect_bytes(c, "IOAS-8", b.ioas, x, 4 * p, 3 * p,
			   "3 pages mapped in the range");
	unmap_expect_bytes(c, "IOAS-8", b.ioas, x + 4 * p, 4 * p, p,
			   "the last page");
}

/* --- IOAS-9 / IOAS-10: COPY ----------------------------------------------- */

SCENARIO(ioas, copy_rules,
	 .title = "COPY needs a fully mapped source and follows the MAP rules at the destination",
	 .invariants = "IOAS-9")
{
	uint64_t p = tc_page_size(), x, y, got = 0;
	uint32_t src = new_ioas(c, "IOAS-9", 0), dst = new_ioas(c, "IOAS-9", 0);
	uint8_t *buf = tc_alloc(c, 4 * p);

	x = tc_pick_iova(c, src, 16 * p, 0, 0);
	y = tc_pick_iova(c, dst, 16 * p, 0, 0);
	map_fixed(c, "IOAS-9", src, buf, 2 * p, x, RW);
	map_fixed(c, "IOAS-9", src, buf + 2 * p, p, x + 3 * p, RW);

	/* Sources that are not fully mapped. */
	CHECK_RET(c, "IOAS-9", copy_fixed_rc(c, dst, src, RW, x, 4 * p, y),
		  ENOENT);
	CHECK_RET(c, "IOAS-9", copy_fixed_rc(c, dst, src, RW, x + 8 * p, p, y),
		  ENOENT);
	CHECK_RET(c, "IOAS-9", copy_fixed_rc(c, dst, src, RW, x + p, 2 * p, y),
		  ENOENT);
	/* MAP rules at the destination. */
	CHECK_RET(c, "IOAS-9", copy_fixed_rc(c, dst, src, 0, x, p, y), EINVAL);
	CHECK_RET(c, "IOAS-9", copy_fixed_rc(c, dst, src, RW, x, 0, y), EINVAL);
	expect_mapped_bytes(c, "IOAS-9", dst, 0, "refused COPYs");

	CHECK_OK(c, "IOAS-9", copy_fixed_rc(c, dst, src, RW, x, 2 * p, y));
	CHECK_RET(c, "IOAS-9", copy_fixed_rc(c, dst, src, RW, x, 2 * p, y),
		  EEXIST);
	/* A fully mapped sub-range of one mapping is a valid source. */
	CHECK_OK(c, "IOAS-9",
		 copy_fixed_rc(c, dst, src, RW, x + p, p, y + 4 * p));
	/* Automatic placement at the destination: non-zero and free. */
	CHECK_OK(c, "IOAS-9", T_CALL(c->t, ioas_copy, dst, src, RW, x, p,
				     &got));
	tc_check(c, "IOAS-9", got != 0 && (got + p <= y || got >= y + 2 * p) &&
			      (got + p <= y + 4 * p || got >= y + 5 * p),
		 "automatic COPY destination 0x%llx is zero or overlaps",
		 (unsigned long long)got);
	expect_mapped_bytes(c, "IOAS-9", dst, 4 * p, "the destination");
	/* The source is untouched by all of this. */
	expect_mapped_bytes(c, "IOAS-9", src, 3 * p, "the source");
}

SCENARIO(ioas, copy_more_permission,
	 .title = "COPY asking for write on a read-only source fails; read-only succeeds",
	 .invariants = "IOAS-10")
{
	uint64_t p = tc_page_size(), x, y;
	uint32_t src = new_ioas(c, "IOAS-10", 0), dst = new_ioas(c, "IOAS-10", 0);
	uint8_t *buf = tc_alloc(c, 2 * p);

	x = tc_pick_iova(c, src, 4 * p, 0, 0);
	y = tc_pick_iova(c, dst, 8 * p, 0, 0);
	map_fixed(c, "IOAS-10", src, buf, 2 * p, x, T_MAP_READABLE);
	CHECK_RET(c, "IOAS-10",
		  copy_fixed_rc(c, dst, src, T_MAP_WRITEABLE, x, 2 * p, y),
		  EPERM);
	CHECK_RET(c, "IOAS-10", copy_fixed_rc(c, dst, src, RW, x, 2 * p, y),
		  EPERM);
	expect_mapped_bytes(c, "IOAS-10", dst, 0, "refused COPYs");
	CHECK_OK(c, "IOAS-10",
		 copy_fixed_rc(c, dst, src, T_MAP_READABLE, x, 2 * p, y));
	/* Read is not checked: READABLE from a write-only source is fine. */
	map_fixed(c, "IOAS-10", src, buf, 2 * p, x + 2 * p, T_MAP_WRITEABLE);
	CHECK_OK(c, "IOAS-10", copy_fixed_rc(c, dst, src, T_MAP_READABLE,
					     x + 2 * p, 2 * p, y + 4 * p));
}

/* --- IOAS-11: wrap-around ------------------------------------------------- */

SCENARIO(ioas, iova_wrap_eoverflow,
	 .title = "MAP/UNMAP/COPY ranges that wrap the 64-bit space fail EOVERFLOW",
	 .invariants = "IOAS-11")
{
	uint64_t p = tc_page_size(), top = UINT64_MAX & ~(p - 1), n = 0, x, got;
	uint32_t dst = new_ioas(c, "IOAS-11", 0);
	struct bare_ioas b;

	bare_ioas_setup(c, "IOAS-11", &b, 2, 2);

	CHECK_RET(c, "IOAS-11", map_fixed_rc(c, b.ioas, b.buf, 2 * p, top, RW),
		  EOVERFLOW);
	CHECK_RET(c, "IOAS-11",
		  map_fixed_rc(c, b.ioas, b.buf, p, UINT64_MAX, RW), EOVERFLOW);
	CHECK_RET(c, "IOAS-11",
		  map_fixed_rc(c, b.ioas, b.buf, UINT64_MAX, 0, RW), EOVERFLOW);
	/* A user range that wraps (never dereferenced: refused first). */
	CHECK_RET(c, "IOAS-11", map_fixed_rc(c, b.ioas, (void *)(uintptr_t)top,
					     2 * p, 0x100000, RW), EOVERFLOW);
	CHECK_RET(c, "IOAS-11",
		  T_CALL(c->t, ioas_unmap, b.ioas, top, 2 * p, &n), EOVERFLOW);
	CHECK_RET(c, "IOAS-11", T_CALL(c->t, ioas_unmap, b.ioas, UINT64_MAX, p,
				       &n), EOVERFLOW);

	x = b.iova;
	map_fixed(c, "IOAS-11", b.ioas, b.buf, 2 * p, x, RW);
	CHECK_RET(c, "IOAS-11",
		  copy_fixed_rc(c, dst, b.ioas, RW, top, 2 * p, x), EOVERFLOW);
	CHECK_RET(c, "IOAS-11",
		  copy_fixed_rc(c, dst, b.ioas, RW, x, 2 * p, top), EOVERFLOW);
	CHECK_RET(c, "IOAS-11",
		  copy_fixed_rc(c, dst, b.ioas, RW, UINT64_MAX, p, x),
		  EOVERFLOW);
	got = x;
	CHECK_RET(c, "IOAS-11", T_CALL(c->t, ioas_copy, dst, b.ioas,
				       RW | T_MAP_FIXED_IOVA, x, UINT64_MAX,
				       &got), EOVERFLOW);
	/* A length of ~0 overflows from any IOVA but 0: iova 0 with
	 * U64_MAX is unmap-all, tested before the overflow rule. */
	CHECK_RET(c, "IOAS-11", T_CALL(c->t, ioas_unmap, b.ioas, p, UINT64_MAX,
				       &n), EOVERFLOW);
	n = 0;
	CHECK_OK(c, "IOAS-11",
		 T_CALL(c->t, ioas_unmap, b.ioas, 0, UINT64_MAX, &n));
	tc_check(c, "IOAS-11", n == 2 * p,
		 "UNMAP iova 0 length ~0 (unmap-all) reported %llu bytes, %llu were mapped",
		 (unsigned long long)n, (unsigned long long)(2 * p));
	expect_mapped_bytes(c, "IOAS-11", b.ioas, 0, "unmap-all");
	/* Last: this count is itself an unmap-all. */
	expect_mapped_bytes(c, "IOAS-11", dst, 0, "refused wrapping COPYs");
}

/* --- IOAS-12: a mapping a new domain cannot honour ------------------------ */

/* The attach is refused while the mapping at iova..+len is there, and
 * works once it is unmapped. */
static void attach_blocked_until_unmapped(struct tc *c, uint32_t ioas,
					  uint64_t iova, uint64_t len)
{
	unmap_exact(c, "IOAS-12", ioas, iova, len);
	CHECK_OK(c, "IOAS-12", T_CALL(c->t, attach, 0, T_NO_PASID, ioas, NULL));
}

SCENARIO(ioas, unaligned_map_blocks_attach,
	 .title = "a byte-aligned mapping made before attach blocks a page-aligned domain (EADDRINUSE)",
	 .invariants = "IOAS-12")
{
	uint64_t p = tc_page_size(), x;
	uint8_t *buf = tc_alloc(c, 2 * p);
	uint32_t ioas, hwpt = 0;
	struct ranges r;
	int ret;

	bind_dev(c, "IOAS-12", 0, 0);
	ioas = new_ioas(c, "IOAS-12", 0);
	read_ranges(c, "IOAS-12", ioas, &r);
	if (r.align != 1)
		tc_skip(c, "a fresh IOAS reports alignment 0x%llx, so no unaligned mapping can be made",
			(unsigned long long)r.align);
	x = tc_pick_iova(c, ioas, 2 * p, 0, 0);
	map_fixed(c, "IOAS-12", ioas, buf + 1, p, x + 1, RW);

	CHECK_RET(c, "IOAS-12", T_CALL(c->t, attach, 0, T_NO_PASID, ioas, NULL),
		  EADDRINUSE);
	if (c->caps->hwpt_alloc) {
		ret = T_CALL(c->t, hwpt_alloc, 0, ioas, 0, 0, NULL, 0, &hwpt);
		if (ret != -T_UNSUPPORTED)
			tc_check_ret(c, "IOAS-12", "hwpt_alloc on the IOAS", ret,
				     (const int[]){ EADDRINUSE }, 1);
	}
	/* Nothing joined: ranges and alignment as before. */
	expect_ranges_unchanged(c, "IOAS-12", ioas, &r, true,
				"the refused attach");
	attach_blocked_until_unmapped(c, ioas, x + 1, p);
}

SCENARIO(ioas, map_above_aperture_blocks_attach,
	 .title = "a mapping above the domain's aperture, made before attach, blocks it (EADDRINUSE)",
	 .invariants = "IOAS-12")
{
	uint64_t p = tc_page_size(), top;
	struct attached probe;
	struct ranges r;
	uint32_t ioas;

	/* Learn the aperture from a probe attach. */
	attached_setup(c, "IOAS-12", &probe, 0, NULL);
	read_ranges(c, "IOAS-12", probe.ioas, &r);
	detach_rid(c, "IOAS-12", 0);
	if (!r.n || r.r[r.n - 1].last == UINT64_MAX)
		tc_skip(c, "dev 0's domain covers the top of the 64-bit space");
	top = r.r[r.n - 1].last + 1;
	tc_log(c, "dev 0: the domain ends at 0x%llx", (unsigned long long)(top - 1));
	if (top & (p - 1))
		tc_skip(c, "aperture end 0x%llx is not page aligned",
			(unsigned long long)top);

	ioas = new_ioas(c, "IOAS-12", 0);
	map_fixed(c, "IOAS-12", ioas, tc_alloc(c, p), p, top, RW);
	CHECK_RET(c, "IOAS-12", T_CALL(c->t, attach, 0, T_NO_PASID, ioas, NULL),
		  EADDRINUSE);
	attach_blocked_until_unmapped(c, ioas, top, p);
}

/* --- IOAS-13: IOMMU_OPTION_HUGE_PAGES ------------------------------------- */

static int huge_pages_set_rc(struct tc *c, uint32_t ioas, uint64_t v)
{
	return T_CALL(c->t, ioas_option_huge_pages, ioas, true, &v);
}

/* Expect form: HUGE_PAGES reads want (the GET is a measurement). */
static void expect_huge_pages(struct tc *c, uint32_t ioas, uint64_t want,
			      const char *when)
{
	uint64_t v = 7;

	REQUIRE(c, "IOAS-13",
		T_CALL(c->t, ioas_option_huge_pages, ioas, false, &v));
	tc_check(c, "IOAS-13", v == want, "HUGE_PAGES reads %llu %s, not %llu",
		 (unsigned long long)v, when, (unsigned long long)want);
}

/* Expect form: IOVA_RANGES reports alignment want. */
static void expect_alignment(struct tc *c, uint32_t ioas, uint64_t want,
			     const char *when)
{
	struct ranges r;

	read_ranges(c, "IOAS-13", ioas, &r);
	tc_check(c, "IOAS-13", r.align == want,
		 "alignment 0x%llx %s, expected 0x%llx",
		 (unsigned long long)r.align, when, (unsigned long long)want);
}

/* An unknown op on the option, sent raw (the op table has GET and SET). */
static void unknown_option_op_refused(struct tc *c, uint32_t ioas)
{
	struct iommu_option o = { .size = sizeof(o),
				  .option_id = IOMMU_OPTION_HUGE_PAGES,
				  .op = 3,
				  .object_id = ioas };
	int ret = T_CALL(c->t, raw_ioctl, 0, IOMMU_OPTION, &o);

	if (ret == -T_UNSUPPORTED)
		tc_log(c, "target cannot send a raw OPTION: op 3 not checked");
	else
		tc_check_ret(c, "IOAS-13", "OPTION HUGE_PAGES op=3", ret,
			     (const int[]){ EOPNOTSUPP }, 1);
}

SCENARIO(ioas, huge_pages_option_fresh,
	 .title = "HUGE_PAGES on a fresh IOAS: reads 1, can be cleared, then forces PAGE_SIZE alignment",
	 .invariants = "IOAS-13")
{
	const uint64_t p = tc_page_size();
	struct bare_ioas b;

	bare_ioas_setup(c, "IOAS-13", &b, 2, 2);
	expect_huge_pages(c, b.ioas, 1, "on a fresh IOAS");
	CHECK_RET(c, "IOAS-13", huge_pages_set_rc(c, b.ioas, 2), EINVAL);
	CHECK_OK(c, "IOAS-13", huge_pages_set_rc(c, b.ioas, 0));
	expect_huge_pages(c, b.ioas, 0, "after clearing");
	expect_alignment(c, b.ioas, p, "with huge pages off (PAGE_SIZE)");
	CHECK_RET(c, "IOAS-13",
		  map_fixed_rc(c, b.ioas, b.buf + 1, p, b.iova + 1, RW),
		  EINVAL);
	CHECK_OK(c, "IOAS-13", huge_pages_set_rc(c, b.ioas, 1));
	expect_alignment(c, b.ioas, 1,
			 "on a domain-less IOAS with huge pages back on");

	unknown_option_op_refused(c, b.ioas);
}

SCENARIO(ioas, huge_pages_misaligned_mapping,
	 .title = "clearing HUGE_PAGES over a byte-aligned mapping fails EADDRINUSE and changes nothing",
	 .invariants = "IOAS-13")
{
	const uint64_t p = tc_page_size();
	struct bare_ioas b;
	struct ranges r;

	bare_ioas_setup(c, "IOAS-13", &b, 2, 2);
	read_ranges(c, "IOAS-13", b.ioas, &r);
	if (r.align != 1)
		tc_skip(c, "a fresh IOAS reports alignment 0x%llx, no byte-aligned mapping possible",
			(unsigned long long)r.align);
	map_fixed(c, "IOAS-13", b.ioas, b.buf + 1, p, b.iova + 1, RW);
	CHECK_RET(c, "IOAS-13", huge_pages_set_rc(c, b.ioas, 0), EADDRINUSE);
	expect_huge_pages(c, b.ioas, 1, "after a refused clear");
	expect_alignment(c, b.ioas, 1, "after a refused clear");
}

SCENARIO(ioas, huge_pages_refused_in_use,
	 .title = "clearing HUGE_PAGES is refused once the IOAS has both a domain and mappings",
	 .invariants = "IOAS-13")
{
	uint64_t p = tc_page_size();
	struct attached f;

	attached_setup(c, "IOAS-13", &f, 0, NULL);
	/* A domain but no mapping: allowed. */
	CHECK_OK(c, "IOAS-13", huge_pages_set_rc(c, f.ioas, 0));
	CHECK_OK(c, "IOAS-13", huge_pages_set_rc(c, f.ioas, 1));
	map_fixed(c, "IOAS-13", f.ioas, tc_alloc(c, p), p,
		  tc_pick_iova(c, f.ioas, p, 0, 0), RW);
	CHECK_RET(c, "IOAS-13", huge_pages_set_rc(c, f.ioas, 0), EINVAL);
	expect_huge_pages(c, f.ioas, 1, "after a refused clear");
}

/* --- IOAS-14: IOMMU_OPTION_RLIMIT_MODE ------------------------------------ */

/* OPTION(RLIMIT_MODE) sent raw on context ctx with the given fields. */
static int rlimit_raw(struct tc *c, unsigned ctx, uint32_t object_id,
		      uint16_t op)
{
	struct iommu_option o;

	option_cmd(&o, IOMMU_OPTION_RLIMIT_MODE, op, object_id);
	return T_CALL(c->t, raw_ioctl, ctx, IOMMU_OPTION, &o);
}

/* The mode reads back as want. */
static void expect_rlimit_mode(struct tc *c, unsigned ctx, uint64_t want,
			       const char *after)
{
	uint64_t v = 0xdead;

	if (!CHECK_OK(c, "IOAS-14", T_CALL(c->t, option_rlimit_mode, ctx,
					   false, &v)))
		return;
	tc_check(c, "IOAS-14", v == want,
		 "RLIMIT_MODE reads %llu after %s, expected %llu",
		 (unsigned long long)v, after, (unsigned long long)want);
}

static int set_rlimit_mode(struct tc *c, unsigned ctx, uint64_t val)
{
	return T_CALL(c->t, option_rlimit_mode, ctx, true, &val);
}

SCENARIO(ioas, rlimit_mode_option,
	 .title = "IOMMU_OPTION_RLIMIT_MODE: per-user by default, settable only on an empty context, 0 or 1",
	 .invariants = "IOAS-14", .requires = REQ_2CTX)
{
	const unsigned ctx = 1;
	uint64_t v;
	uint32_t ioas;
	int ret;

	/* A context nobody has used: closing it hands back a fresh one. */
	ret = T_CALL(c->t, close_ctx, ctx);
	if (ret && ret != -T_UNSUPPORTED)
		REQUIRE(c, "IOAS-14", ret);
	ret = T_CALL(c->t, option_rlimit_mode, ctx, false, &v);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot reach IOMMU_OPTION_RLIMIT_MODE");
	expect_rlimit_mode(c, ctx, 0, "open (a /dev/iommu context)");
	CHECK_OK(c, "IOAS-14", set_rlimit_mode(c, ctx, 1));
	expect_rlimit_mode(c, ctx, 1, "SET 1");
	CHECK_OK(c, "IOAS-14", set_rlimit_mode(c, ctx, 0));
	expect_rlimit_mode(c, ctx, 0, "SET 0");
	CHECK_RET(c, "IOAS-14", set_rlimit_mode(c, ctx, 2), EINVAL);
	expect_rlimit_mode(c, ctx, 0, "a refused SET 2");
	/* The option belongs to the context: object_id must be 0; an op
	 * other than GET/SET is unsupported. */
	ret = rlimit_raw(c, ctx, 1, IOMMU_OPTION_OP_GET);
	if (ret != -T_UNSUPPORTED)
		CHECK_RET(c, "IOAS-14", ret, EOPNOTSUPP);
	ret = rlimit_raw(c, ctx, 0, 3);
	if (ret != -T_UNSUPPORTED)
		CHECK_RET(c, "IOAS-14", ret, EOPNOTSUPP);
	/* Once the context holds an object the mode is fixed. */
	REQUIRE(c, "IOAS-14", T_CALL(c->t, ioas_alloc, ctx, &ioas));
	CHECK_RET(c, "IOAS-14", set_rlimit_mode(c, ctx, 1), EBUSY);
	expect_rlimit_mode(c, ctx, 0, "a SET refused EBUSY");
	destroy_obj(c, "IOAS-14", ioas);
	/* Empty again, it can change. */
	CHECK_OK(c, "IOAS-14", set_rlimit_mode(c, ctx, 1));
	expect_rlimit_mode(c, ctx, 1, "SET 1 on the emptied context");
	/* A bound device is an object of the context too. */
	bind_dev(c, "IOAS-14", 0, ctx);
	CHECK_RET(c, "IOAS-14", set_rlimit_mode(c, ctx, 0), EBUSY);
	expect_rlimit_mode(c, ctx, 1, "a SET refused with a bound device");
}

/* --- IOAS-15: IOMMU_IOAS_MAP_FILE ----------------------------------------- */

/* ret, after a SKIP when the target cannot send `ioctl` or the kernel
 * predates it (ENOTTY). */
static int skip_if_unsent(struct tc *c, int ret, const char *ioctl,
			  const char *since)
{
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot send %s", ioctl);
	if (ret == -ENOTTY)
		tc_skip(c, "kernel without %s (before %s)", ioctl, since);
	return ret;
}

static int map_file_rc(struct tc *c, uint32_t ioas, uint32_t flags, int fd,
		       uint64_t start, uint64_t len, uint64_t iova)
{
	return skip_if_unsent(c,
			      T_CALL(c->t, ioas_map_file, ioas,
				     flags | T_MAP_FIXED_IOVA, fd, start, len,
				     &iova),
			      "IOMMU_IOAS_MAP_FILE", "6.14");
}

SCENARIO(ioas, map_file_memfd_dma,
	 .title = "MAP_FILE of a memfd range translates to the file's pages at that offset",
	 .invariants = "IOAS-15,DMA-1", .requires = REQ_DMA)
{
	const uint64_t off = PG; /* file offset of the mapping */
	struct attached f;
	uint8_t *view;
	uint64_t iova;
	uint32_t seed;
	int fd;

	attached_setup(c, "IOAS-15", &f, need_dma_dev(c),
		       &(struct attached_opts){ .len = PG, .warm = true });
	fd = new_memfd(c, 3);
	view = memfd_view(c, fd, 3);
	iova = tc_pick_iova(c, f.ioas, PG, PG, 1);
	CHECK_OK(c, "IOAS-15", map_file_rc(c, f.ioas, RW, fd, off, PG, iova));
	/* The page before the mapped range must stay as it is. */
	seed = mem_mark(c, view, off);
	tc_dma_write(c, "IOAS-15", f.dev, T_NO_PASID, iova, view + off,
		     DMA_LEN, true);
	mem_unchanged(c, "IOAS-15", view, off, seed,
		      "the file page before the mapped offset");
	/* And the device reads what the file holds there. */
	tc_dma_read(c, "IOAS-15", f.dev, T_NO_PASID, iova, view + off,
		    DMA_LEN, true);
	expect_mapped_bytes(c, "IOAS-15", f.ioas, 2 * PG,
			    "a MAP and a MAP_FILE of a page each");
}

SCENARIO(ioas, map_file_argument_checks,
	 .title = "MAP_FILE follows MAP's argument rules and refuses a bad fd (EBADF)",
	 .invariants = "IOAS-15")
{
	struct bare_ioas b;
	int fd;

	bare_ioas_setup(c, "IOAS-15", &b, 1, 4);
	fd = new_memfd(c, 2);
	CHECK_RET(c, "IOAS-15", map_file_rc(c, b.ioas, 0, fd, 0, PG, b.iova),
		  EINVAL);
	CHECK_RET(c, "IOAS-15", map_file_rc(c, b.ioas, RW, fd, 0, 0, b.iova),
		  EINVAL);
	CHECK_RET(c, "IOAS-15",
		  map_file_rc(c, b.ioas, RW | (1u << 12), fd, 0, PG, b.iova),
		  EOPNOTSUPP);
	CHECK_RET(c, "IOAS-15", map_file_rc(c, b.ioas, RW, -1, 0, PG, b.iova),
		  EBADF);
	CHECK_RET(c, "IOAS-15",
		  map_file_rc(c, b.ioas, RW, fd, UINT64_MAX - PG + 1, 2 * PG,
			      b.iova),
		  EOVERFLOW);
	expect_mapped_bytes(c, "IOAS-15", b.ioas, 0, "refused MAP_FILEs");
	CHECK_OK(c, "IOAS-15", map_file_rc(c, b.ioas, RW, fd, 0, 2 * PG,
					   b.iova));
	expect_mapped_bytes(c, "IOAS-15", b.ioas, 2 * PG, "a 2-page MAP_FILE");
}

SCENARIO(ioas, map_file_unpinnable_fails_at_attach,
	 .title = "MAP_FILE of a file memfd_pin_folios() refuses maps lazily; the attach that pins it fails EINVAL",
	 .invariants = "IOAS-15")
{
	uint32_t ioas;
	uint64_t iova;
	int p[2];

	if (pipe(p))
		tc_skip(c, "pipe failed");
	bind_dev(c, "IOAS-15", 0, 0);
	ioas = new_ioas(c, "IOAS-15", 0);
	iova = tc_pick_iova(c, ioas, PG, 0, 0);
	/* No domain: nothing is pinned, so a pipe maps. */
	CHECK_OK(c, "IOAS-15", map_file_rc(c, ioas, RW, p[0], 0, PG, iova));
	CHECK_RET(c, "IOAS-15", T_CALL(c->t, attach, 0, T_NO_PASID, ioas, NULL),
		  EINVAL);
	unmap_exact(c, "IOAS-15", ioas, iova, PG);
	CHECK_OK(c, "IOAS-15", T_CALL(c->t, attach, 0, T_NO_PASID, ioas, NULL));
	/* With the domain there, the same MAP_FILE fails at once. */
	CHECK_RET(c, "IOAS-15", map_file_rc(c, ioas, RW, p[0], 0, PG, iova),
		  EINVAL);
	expect_mapped_bytes(c, "IOAS-15", ioas, 0, "a refused MAP_FILE");
}

/* --- IOAS-16: IOMMU_IOAS_CHANGE_PROCESS ----------------------------------- */

static int change_process_rc(struct tc *c, unsigned ctx, bool in_child)
{
	return skip_if_unsent(c,
			      T_CALL(c->t, ioas_change_process, ctx, in_child),
			      "IOMMU_IOAS_CHANGE_PROCESS", "6.14");
}

SCENARIO(ioas, change_process_file_maps_only,
	 .title = "CHANGE_PROCESS moves a context holding only MAP_FILE mappings; a user-VA mapping anywhere refuses it EINVAL",
	 .invariants = "IOAS-16,DMA-1")
{
	const unsigned dev = dma_dev_or_first(c);
	const bool dma = dev_has_dma(c, dev);
	uint64_t iova, uiova;
	uint32_t ioas, other;
	uint8_t *view;
	int fd;

	bind_dev(c, "IOAS-16", dev, 0);
	ioas = new_ioas(c, "IOAS-16", 0);
	attach_rid(c, "IOAS-16", dev, ioas);
	/* An empty context's worth: nothing to move, nothing refused. */
	CHECK_OK(c, "IOAS-16", change_process_rc(c, 0, true));
	fd = new_memfd(c, 1);
	view = memfd_view(c, fd, 1);
	iova = tc_pick_iova(c, ioas, PG, PG, 1);
	REQUIRE(c, "IOAS-16", map_file_rc(c, ioas, RW, fd, 0, PG, iova));
	CHECK_OK(c, "IOAS-16", change_process_rc(c, 0, true));
	CHECK_OK(c, "IOAS-16", change_process_rc(c, 0, false));
	/* The moved mapping still translates to the file. */
	if (dma)
		tc_dma_write(c, "IOAS-16", dev, T_NO_PASID, iova, view,
			     DMA_LEN, true);
	/* A user-VA mapping in another IOAS of the context blocks it. */
	other = new_ioas(c, "IOAS-16", 0);
	uiova = tc_pick_iova(c, other, PG, 0, 0);
	map_fixed(c, "IOAS-16", other, tc_alloc(c, PG), PG, uiova, RW);
	CHECK_RET(c, "IOAS-16", change_process_rc(c, 0, true), EINVAL);
	CHECK_RET(c, "IOAS-16", change_process_rc(c, 0, false), EINVAL);
	if (dma)
		tc_dma_write(c, "IOAS-16", dev, T_NO_PASID, iova, view,
			     DMA_LEN, true);
	/* Gone again, the move works again. */
	unmap_exact(c, "IOAS-16", other, uiova, PG);
	CHECK_OK(c, "IOAS-16", change_process_rc(c, 0, true));
}

SCENARIO(ioas, change_process_reserved_field,
	 .title = "CHANGE_PROCESS with a non-zero __reserved gives EOPNOTSUPP",
	 .invariants = "IOAS-16")
{
	struct iommu_ioas_change_process cp = { .size = sizeof(cp),
						.__reserved = 1 };
	int ret = T_CALL(c->t, raw_ioctl, 0, IOMMU_IOAS_CHANGE_PROCESS, &cp);

	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot send raw IOMMU_IOAS_CHANGE_PROCESS");
	if (ret == -ENOTTY)
		tc_skip(c, "kernel without IOMMU_IOAS_CHANGE_PROCESS (before 6.14)");
	CHECK_RET(c, "IOAS-16", ret, EOPNOTSUPP);
	cp.__reserved = 0;
	CHECK_OK(c, "IOAS-16",
		 T_CALL(c->t, raw_ioctl, 0, IOMMU_IOAS_CHANGE_PROCESS, &cp));
}

/* --- IOAS-17: an emulated access's pins give way to UNMAP ----------------- */

SCENARIO(ioas, unmap_revokes_access_pins,
	 .title = "UNMAP of pages an emulated access has pinned succeeds: the access is made to drop its pins (unpin then ENOENT); an unmapped range cannot be pinned",
	 .invariants = "IOAS-17")
{
	void *mem = tc_alloc(c, 2 * PG);
	uint32_t ioas, pin = 0, pin2 = 0;
	uint64_t iova = 0, unmapped = 0;
	int ret;

	ioas = new_ioas(c, "IOAS-17", 0);
	REQUIRE(c, "IOAS-17",
		T_CALL(c->t, ioas_map, ioas, RW, mem, 2 * PG, &iova));
	ret = T_CALL(c->t, access_pin, ioas, iova, PG, mem, &pin);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target has no emulated access (mock only)");
	CHECK_OK(c, "IOAS-17", ret);
	/* A pin released by its owner is gone. */
	CHECK_OK(c, "IOAS-17", T_CALL(c->t, access_unpin, pin));
	CHECK_RET(c, "IOAS-17", T_CALL(c->t, access_unpin, pin), ENOENT);
	CHECK_OK(c, "IOAS-17", T_CALL(c->t, access_pin, ioas, iova, PG, mem,
				      &pin));
	CHECK_OK(c, "IOAS-17", T_CALL(c->t, access_pin, ioas, iova + PG, PG,
				      (char *)mem + PG, &pin2));
	/* The UNMAP is not refused: the accesses are told to unpin. */
	CHECK_OK(c, "IOAS-17", T_CALL(c->t, ioas_unmap, ioas, iova, 2 * PG,
				      &unmapped));
	tc_check(c, "IOAS-17", unmapped == 2 * PG,
		 "UNMAP over two pinned pages took %llu bytes (expected %llu)",
		 (unsigned long long)unmapped, 2 * PG);
	CHECK_RET(c, "IOAS-17", T_CALL(c->t, access_unpin, pin), ENOENT);
	CHECK_RET(c, "IOAS-17", T_CALL(c->t, access_unpin, pin2), ENOENT);
	/* iommufd_access_pin_pages(): nothing mapped there any more */
	CHECK_RET(c, "IOAS-17", T_CALL(c->t, access_pin, ioas, iova, PG, mem,
				       &pin),
		  ENOENT);
}
