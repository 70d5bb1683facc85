// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty tracking (DIRTY-1..8).
 *
 * Kernel: drivers/iommu/iommufd/hw_pagetable.c
 * (iommufd_hwpt_set_dirty_tracking, iommufd_hwpt_get_dirty_bitmap) and
 * io_pagetable.c (iopt_set_dirty_tracking clears stale bits on enable,
 * iommu_read_and_clear_dirty refuses a domain without dirty ops).
 */
#include <linux/iommufd.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"

#define NPAGES 8

/* --- DIRTY-1 ------------------------------------------------------------ */

static void refuse_dirty_ops(struct tc *c, uint32_t hwpt, uint64_t iova,
			     uint64_t p, const char *what)
{
	uint64_t bitmap = 0;

	tc_log(c, "dirty ioctls on %s HWPT %u", what, hwpt);
	CHECK_RET(c, "DIRTY-1", T_CALL(c->t, set_dirty_tracking, hwpt, true),
		  EOPNOTSUPP);
	CHECK_RET(c, "DIRTY-1", T_CALL(c->t, set_dirty_tracking, hwpt, false),
		  EOPNOTSUPP);
	CHECK_RET(c, "DIRTY-1", T_CALL(c->t, get_dirty_bitmap, hwpt, iova, p, p,
				       0, &bitmap), EOPNOTSUPP);
	CHECK_RET(c, "DIRTY-1", T_CALL(c->t, get_dirty_bitmap, hwpt, iova, p, p,
				       IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
				       &bitmap), EOPNOTSUPP);
	tc_check(c, "DIRTY-1", bitmap == 0,
		 "a refused GET_DIRTY_BITMAP wrote the bitmap (0x%llx)",
		 (unsigned long long)bitmap);
}

SCENARIO(dirty, ioctls_on_auto_hwpt,
	 .title = "dirty ioctls on an automatic HWPT (no DIRTY_TRACKING) fail EOPNOTSUPP",
	 .invariants = "DIRTY-1")
{
	const uint64_t p = tc_page_size();
	struct attached f;

	attached_setup(c, "DIRTY-1", &f, 0, &(struct attached_opts){ .len = p });
	refuse_dirty_ops(c, f.pt, f.iova, p, "automatic");
}

SCENARIO(dirty, ioctls_on_plain_hwpt,
	 .title = "dirty ioctls on a manual HWPT allocated without DIRTY_TRACKING fail EOPNOTSUPP",
	 .invariants = "DIRTY-1", .requires = REQ_HWPT_ALLOC)
{
	const uint64_t p = tc_page_size();
	uint32_t ioas, hwpt;
	uint64_t iova;

	bind_dev(c, "DIRTY-1", 0, 0);
	ioas = new_ioas(c, "DIRTY-1", 0);
	iova = tc_pick_iova(c, ioas, p, 0, 0);
	map_fixed(c, "DIRTY-1", ioas, tc_alloc(c, p), p, iova, RW);
	hwpt = new_hwpt(c, "DIRTY-1", 0, ioas, 0);
	refuse_dirty_ops(c, hwpt, iova, p, "unattached plain");
	attach_rid(c, "DIRTY-1", 0, hwpt);
	refuse_dirty_ops(c, hwpt, iova, p, "attached plain");
}

/* --- DIRTY-2 / DIRTY-3 -------------------------------------------------- */

/* A device with dirty tracking and DMA on a DIRTY_TRACKING HWPT whose
 * IOAS maps NPAGES pages (mapped first, so the HWPT starts with them). */
static void dirty_setup(struct tc *c, const char *inv, struct attached *f)
{
	int dev = -1;

	for (unsigned d = 0; d < c->caps->ndev && dev < 0; d++)
		if (c->caps->dev[d].dirty_tracking && c->caps->dev[d].dma)
			dev = (int)d;
	if (dev < 0)
		tc_skip(c, "no device has both dirty tracking and a DMA engine");
	attached_setup(c, inv, f, (unsigned)dev,
		       &(struct attached_opts){
			       .len = NPAGES * tc_page_size(),
			       .manual_hwpt = true,
			       .hwpt_flags = T_HWPT_DIRTY_TRACKING,
			       .map_first = true,
			       .small_pages = true });
}

/* The bitmap of all NPAGES pages: a measurement, so required to work. */
static uint64_t read_bits(struct tc *c, const char *inv,
			  const struct attached *f, uint32_t flags)
{
	const uint64_t p = tc_page_size();
	uint64_t bitmap = 0;

	REQUIRE(c, inv, T_CALL(c->t, get_dirty_bitmap, f->pt, f->iova,
			       NPAGES * p, p, flags, &bitmap));
	return bitmap;
}

/* A DMA write into page n of the tracked mapping. */
static void dirty_page(struct tc *c, const char *inv, const struct attached *f,
		       unsigned n)
{
	const uint64_t p = tc_page_size();

	tc_dma_write(c, inv, f->dev, T_NO_PASID, f->iova + n * p,
		     f->mem + n * p, DMA_LEN, true);
}

/*
 * Page n logged dirty by the IOMMU. The read rules (DIRTY-3, DIRTY-4) are
 * the core's, about bits the IOMMU logged: the mock logs them on request
 * (IOMMU_TEST_OP_DIRTY); elsewhere a DMA write the IOMMU sees does.
 */
static void log_dirty_page(struct tc *c, const char *inv,
			   const struct attached *f, unsigned n)
{
	const uint64_t p = tc_page_size();
	int ret = T_CALL(c->t, mark_dirty, f->pt, f->iova + n * p, p);

	if (ret != -T_UNSUPPORTED) {
		REQUIRE(c, inv, ret);
		return;
	}
	if (c->caps->dma != DMA_REAL && c->caps->dma != DMA_MODELLED)
		tc_skip(c, "needs DMA the IOMMU sees or a dirty-log op");
	dirty_page(c, inv, f, n);
}

SCENARIO(dirty, enable_clean_then_exact,
	 .title = "enabling dirty tracking starts clean; the bitmap shows exactly the pages DMA wrote",
	 .invariants = "DIRTY-2",
	 .requires = REQ_DIRTY | REQ_DMA | REQ_BUS_DMA | REQ_HWPT_ALLOC)
{
	const uint64_t p = tc_page_size();
	struct attached f;
	uint64_t bits;

	dirty_setup(c, "DIRTY-2", &f);
	/* Dirty a page before tracking is on: enable must forget it. */
	dirty_page(c, "DIRTY-2", &f, 1);
	REQUIRE(c, "DIRTY-2", T_CALL(c->t, set_dirty_tracking, f.pt, true));
	bits = read_bits(c, "DIRTY-2", &f, 0);
	tc_check(c, "DIRTY-2", bits == 0,
		 "right after enable the bitmap is 0x%llx, not clean",
		 (unsigned long long)bits);

	dirty_page(c, "DIRTY-2", &f, 2);
	dirty_page(c, "DIRTY-2", &f, 5);
	bits = read_bits(c, "DIRTY-2", &f, 0);
	tc_log(c, "after DMA writes to pages 2 and 5: bitmap 0x%llx",
	       (unsigned long long)bits);
	tc_check(c, "DIRTY-2", bits == ((1ull << 2) | (1ull << 5)),
		 "bitmap 0x%llx after DMA wrote pages 2 and 5 (expected 0x24)",
		 (unsigned long long)bits);
	/* The read cleared them. */
	bits = read_bits(c, "DIRTY-2", &f, 0);
	tc_check(c, "DIRTY-2", bits == 0,
		 "a second read without new writes gives 0x%llx, not clean",
		 (unsigned long long)bits);
	/* A device read dirties nothing. */
	tc_dma_read(c, "DIRTY-2", f.dev, T_NO_PASID, f.iova + 3 * p,
		    f.mem + 3 * p, DMA_LEN, true);
	bits = read_bits(c, "DIRTY-2", &f, 0);
	tc_check(c, "DIRTY-2", bits == 0,
		 "a DMA read of page 3 left bitmap 0x%llx",
		 (unsigned long long)bits);
	REQUIRE(c, "DIRTY-2", T_CALL(c->t, set_dirty_tracking, f.pt, false));
}

SCENARIO(dirty, no_clear_keeps_bits,
	 .title = "GET_DIRTY_BITMAP with NO_CLEAR leaves the bits for the next read",
	 .invariants = "DIRTY-3",
	 .requires = REQ_DIRTY | REQ_DMA | REQ_HWPT_ALLOC)
{
	const uint32_t nc = IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR;
	uint64_t b1, b2, b3, b4;
	struct attached f;

	dirty_setup(c, "DIRTY-3", &f);
	REQUIRE(c, "DIRTY-3", T_CALL(c->t, set_dirty_tracking, f.pt, true));
	log_dirty_page(c, "DIRTY-3", &f, 4);
	b1 = read_bits(c, "DIRTY-3", &f, nc);
	b2 = read_bits(c, "DIRTY-3", &f, nc);
	b3 = read_bits(c, "DIRTY-3", &f, 0);
	b4 = read_bits(c, "DIRTY-3", &f, 0);
	tc_log(c, "NO_CLEAR, NO_CLEAR, clear, clear: 0x%llx 0x%llx 0x%llx 0x%llx",
	       (unsigned long long)b1, (unsigned long long)b2,
	       (unsigned long long)b3, (unsigned long long)b4);
	tc_check(c, "DIRTY-3", b1 == (1ull << 4) && b2 == b1,
		 "NO_CLEAR reads gave 0x%llx then 0x%llx, expected 0x10 both",
		 (unsigned long long)b1, (unsigned long long)b2);
	tc_check(c, "DIRTY-3", b3 == (1ull << 4),
		 "the clearing read after NO_CLEAR gave 0x%llx, expected 0x10",
		 (unsigned long long)b3);
	tc_check(c, "DIRTY-3", b4 == 0,
		 "the read after a clearing read gave 0x%llx, expected 0",
		 (unsigned long long)b4);
}

/* --- DIRTY-4 ------------------------------------------------------------ */

/*
 * iommufd_check_iova_range() runs before the domain's dirty ops are
 * looked at, so the range rules hold on any paging HWPT: a device without
 * dirty tracking is asked through a plain HWPT (the valid request then
 * answers DIRTY-1's EOPNOTSUPP instead of 0).
 */
SCENARIO(dirty, bitmap_range_checks,
	 .title = "GET_DIRTY_BITMAP refuses a misaligned range or page_size 0 (EINVAL) and a wrapping one (EOVERFLOW)",
	 .invariants = "DIRTY-4,DIRTY-1", .requires = REQ_HWPT_ALLOC)
{
	const uint64_t p = tc_page_size();
	uint64_t bitmap[4] = { 0 };
	uint32_t hflags = 0;
	struct attached f;
	unsigned dev = 0;
	int valid;

	for (unsigned d = 0; d < c->caps->ndev; d++)
		if (c->caps->dev[d].dirty_tracking) {
			dev = d;
			hflags = T_HWPT_DIRTY_TRACKING;
			break;
		}
	attached_setup(c, "DIRTY-4", &f, dev,
		       &(struct attached_opts){ .len = NPAGES * p,
						.manual_hwpt = true,
						.hwpt_flags = hflags,
						.map_first = true });
	tc_log(c, "dev %u, %s HWPT %u, %u pages at 0x%llx", dev,
	       hflags ? "dirty-tracking" : "plain (no dirty tracking)", f.pt,
	       NPAGES, (unsigned long long)f.iova);
	if (hflags)
		REQUIRE(c, "DIRTY-4",
			T_CALL(c->t, set_dirty_tracking, f.pt, true));
	/* The well-formed request, as the reference. */
	valid = T_CALL(c->t, get_dirty_bitmap, f.pt, f.iova, NPAGES * p, p, 0,
		       bitmap);
	if (hflags)
		CHECK_RET(c, "DIRTY-4", valid, 0);
	else
		CHECK_RET(c, "DIRTY-1", valid, EOPNOTSUPP);
	CHECK_RET(c, "DIRTY-4",
		  T_CALL(c->t, get_dirty_bitmap, f.pt, f.iova + 512,
			 (NPAGES - 1) * p, p, 0, bitmap), EINVAL);
	CHECK_RET(c, "DIRTY-4",
		  T_CALL(c->t, get_dirty_bitmap, f.pt, f.iova,
			 (NPAGES - 1) * p + 512, p, 0, bitmap), EINVAL);
	CHECK_RET(c, "DIRTY-4",
		  T_CALL(c->t, get_dirty_bitmap, f.pt, f.iova, NPAGES * p, 0, 0,
			 bitmap), EINVAL);
	/* iova + length - 1 wraps past 2^64 (the length is page-aligned). */
	CHECK_RET(c, "DIRTY-4",
		  T_CALL(c->t, get_dirty_bitmap, f.pt, f.iova, 0 - f.iova + p,
			 p, 0, bitmap), EOVERFLOW);
	/* A hole (two unmapped pages after the mapping): the contract wants
	 * a refusal, 7.2 answers 0 (Open questions); logged, not judged. */
	if (hflags) {
		int ret = T_CALL(c->t, get_dirty_bitmap, f.pt, f.iova,
				 (NPAGES + 2) * p, p, 0, bitmap);

		tc_log(c, "GET_DIRTY_BITMAP over a range with an unmapped tail: %s (gap: the contract wants an error, 7.2 gives 0)",
		       errno_name(ret));
	}
}

/*
 * F5 (docs/findings.md): a bitmap the kernel cannot write. 7.2 pins the
 * user bitmap lazily in iova_bitmap_set(), which returns silently when the
 * pin fails, after the driver's read_and_clear_dirty() has cleared the bit;
 * and iommu_read_and_clear_dirty() never looks at what
 * iova_bitmap_for_each() returned. The contract: the read fails EFAULT and
 * the dirty bits stay for the next read.
 */
SCENARIO(dirty, unwritable_bitmap_keeps_bits,
	 .title = "GET_DIRTY_BITMAP into a bitmap the kernel cannot write fails EFAULT and clears nothing",
	 .invariants = "DIRTY-4", .requires = REQ_DIRTY | REQ_DMA | REQ_HWPT_ALLOC)
{
	const uint64_t p = tc_page_size();
	struct attached f;
	uint64_t bits;

	dirty_setup(c, "DIRTY-4", &f);
	REQUIRE(c, "DIRTY-4", T_CALL(c->t, set_dirty_tracking, f.pt, true));
	log_dirty_page(c, "DIRTY-4", &f, 2);
	/* The bit is there right before the read under test. */
	bits = read_bits(c, "DIRTY-4", &f, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	tc_log(c, "NO_CLEAR read before: bitmap 0x%llx", (unsigned long long)bits);
	if (bits != 1ull << 2)
		tc_skip(c, "page 2 was not logged dirty (bitmap 0x%llx): no positive control",
			(unsigned long long)bits);
	/* NULL: never mapped (mmap_min_addr), on every target. */
	CHECK_RET(c, "DIRTY-4", T_CALL(c->t, get_dirty_bitmap, f.pt, f.iova,
				       NPAGES * p, p, 0, NULL), EFAULT);
	bits = read_bits(c, "DIRTY-4", &f, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	tc_check(c, "DIRTY-4", bits == 1ull << 2,
		 "after a refused read into an unwritable bitmap the bitmap is 0x%llx, expected 0x4 (page 2 written): the dirty bit was lost",
		 (unsigned long long)bits);
}

/* --- DIRTY-5..8: two adjacent mappings under one dirty HWPT -------------- */

/*
 * A device with dirty tracking on a DIRTY_TRACKING HWPT whose IOAS holds
 * 2 * NPAGES pages at f->iova: with split, two adjacent mappings of NPAGES
 * pages each, A at f->iova and B right after it (two areas, so the core's
 * walks cross an area boundary); else one mapping. Tracking is on.
 */
static void tracked_maps_setup(struct tc *c, const char *inv, struct attached *f,
			   bool split)
{
	const uint64_t p = tc_page_size(), half = NPAGES * p;
	int dev = -1;

	for (unsigned d = 0; d < c->caps->ndev && dev < 0; d++)
		if (c->caps->dev[d].dirty_tracking)
			dev = (int)d;
	if (dev < 0)
		tc_skip(c, "no device has dirty tracking");
	memset(f, 0, sizeof(*f));
	f->dev = (unsigned)dev;
	f->dma = dev_has_dma(c, f->dev);
	f->len = 2 * half;
	f->mem = tc_alloc(c, f->len);
	bind_dev(c, inv, f->dev, 0);
	f->ioas = new_ioas(c, inv, 0);
	small_pages(c, inv, f->ioas);
	f->iova = tc_pick_iova(c, f->ioas, f->len, p, 0);
	if (split) {
		map_fixed(c, inv, f->ioas, f->mem, half, f->iova, RW);
		map_fixed(c, inv, f->ioas, f->mem + half, half, f->iova + half,
			  RW);
	} else {
		map_fixed(c, inv, f->ioas, f->mem, f->len, f->iova, RW);
	}
	f->pt = new_hwpt(c, inv, f->dev, f->ioas, T_HWPT_DIRTY_TRACKING);
	attach_rid(c, inv, f->dev, f->pt);
	REQUIRE(c, inv, T_CALL(c->t, set_dirty_tracking, f->pt, true));
}

/* The bitmap of npages pages from page first, one bit per page_size, into
 * bitmap (zeroed first: the kernel only sets bits). */
static void read_span(struct tc *c, const char *inv, const struct attached *f,
		      unsigned first, unsigned npages, uint64_t page_size,
		      uint32_t flags, uint64_t *bitmap, size_t words)
{
	const uint64_t p = tc_page_size();

	memset(bitmap, 0, words * sizeof(*bitmap));
	REQUIRE(c, inv, T_CALL(c->t, get_dirty_bitmap, f->pt,
			       f->iova + first * p, npages * p, page_size,
			       flags, bitmap));
}

/* The 2*NPAGES pages' bitmap at page granularity. */
static uint64_t read_both(struct tc *c, const char *inv,
			  const struct attached *f, uint32_t flags)
{
	uint64_t bits;

	read_span(c, inv, f, 0, 2 * NPAGES, tc_page_size(), flags, &bits, 1);
	return bits;
}

/* A clearing read of the 2*NPAGES pages at page granularity is want. */
static void expect_bits(struct tc *c, const char *inv, const struct attached *f,
			uint64_t want, const char *after)
{
	uint64_t bits = read_both(c, inv, f, 0);

	tc_check(c, inv, bits == want,
		 "after %s the bitmap is 0x%llx, expected 0x%llx", after,
		 (unsigned long long)bits, (unsigned long long)want);
}

/* Pages 2 (in A) and 12 (in B) logged dirty, shown by a NO_CLEAR read:
 * the positive control the later "gone" and "there" checks need. */
static void log_a_and_b(struct tc *c, const char *inv,
			const struct attached *f)
{
	const uint64_t want = (1ull << 2) | (1ull << 12);
	uint64_t bits;

	log_dirty_page(c, inv, f, 2);
	log_dirty_page(c, inv, f, 12);
	bits = read_both(c, inv, f, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	if (bits != want)
		tc_skip(c, "pages 2 and 12 were not logged dirty (bitmap 0x%llx): no positive control",
			(unsigned long long)bits);
}

SCENARIO(dirty, reenable_starts_clean,
	 .title = "every SET_DIRTY_TRACKING enable, after a disable or while on, drops the bits logged before it in every mapping",
	 .invariants = "DIRTY-5",
	 .requires = REQ_DIRTY | REQ_DMA | REQ_HWPT_ALLOC)
{
	struct attached f;

	tracked_maps_setup(c, "DIRTY-5", &f, true);
	log_a_and_b(c, "DIRTY-5", &f);
	/* Off and on again: iopt_clear_dirty_data() walks every area. */
	REQUIRE(c, "DIRTY-5", T_CALL(c->t, set_dirty_tracking, f.pt, false));
	REQUIRE(c, "DIRTY-5", T_CALL(c->t, set_dirty_tracking, f.pt, true));
	expect_bits(c, "DIRTY-5", &f, 0,
		    "disable + enable (pages 2 and 12 were dirty before)");
	/* Enable while on: still a clean snapshot (the core does not know
	 * the state; every enable clears). */
	log_a_and_b(c, "DIRTY-5", &f);
	REQUIRE(c, "DIRTY-5", T_CALL(c->t, set_dirty_tracking, f.pt, true));
	expect_bits(c, "DIRTY-5", &f, 0,
		    "an enable while tracking was on (pages 2 and 12 dirty before)");
	/* And it tracks from there. */
	log_dirty_page(c, "DIRTY-5", &f, 9);
	expect_bits(c, "DIRTY-5", &f, 1ull << 9,
		    "a write to page 9 since the re-enable");
}

SCENARIO(dirty, bitmap_spans_mappings,
	 .title = "GET_DIRTY_BITMAP over two adjacent mappings reports each one's pages at their own bits",
	 .invariants = "DIRTY-6",
	 .requires = REQ_DIRTY | REQ_DMA | REQ_HWPT_ALLOC)
{
	const uint64_t want = (1ull << 1) | (1ull << 7) | (1ull << 8) |
			      (1ull << 14);
	static const unsigned pages[] = { 1, 7, 8, 14 };
	struct attached f;
	uint64_t bits;

	tracked_maps_setup(c, "DIRTY-6", &f, true);
	for (unsigned i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		log_dirty_page(c, "DIRTY-6", &f, pages[i]);
	bits = read_both(c, "DIRTY-6", &f, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	tc_log(c, "pages 1, 7 (first mapping), 8, 14 (second) written: bitmap 0x%llx",
	       (unsigned long long)bits);
	tc_check(c, "DIRTY-6", bits == want,
		 "bitmap over both mappings 0x%llx, expected 0x%llx",
		 (unsigned long long)bits, (unsigned long long)want);
	/* A range from inside A to inside B: pages 6..9, bit 0 = page 6. */
	read_span(c, "DIRTY-6", &f, 6, 4, tc_page_size(), 0, &bits, 1);
	tc_check(c, "DIRTY-6", bits == ((1ull << 1) | (1ull << 2)),
		 "bitmap of pages 6..9 (across the boundary) 0x%llx, expected 0x6 (pages 7 and 8)",
		 (unsigned long long)bits);
	/* That read cleared 7 and 8 only. */
	expect_bits(c, "DIRTY-6", &f, (1ull << 1) | (1ull << 14),
		    "a clearing read of pages 6..9 (pages 1, 7, 8, 14 were dirty)");
}

SCENARIO(dirty, bitmap_granularity,
	 .title = "a bitmap finer than the IOMMU page gets every bit a dirty page covers; a coarser one a bit per page_size with any dirty page",
	 .invariants = "DIRTY-7",
	 .requires = REQ_DIRTY | REQ_DMA | REQ_HWPT_ALLOC)
{
	const uint32_t nc = IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR;
	const uint64_t p = tc_page_size();
	uint64_t fine[2], coarse;
	struct attached f;

	tracked_maps_setup(c, "DIRTY-7", &f, true);
	log_dirty_page(c, "DIRTY-7", &f, 2);
	log_dirty_page(c, "DIRTY-7", &f, 5);
	/* page_size p/4: 4 bits per page, pages 2 and 5 are bits 8..11 and
	 * 20..23 (iova_bitmap_set() sets the dirty IOPTE's whole range). */
	read_span(c, "DIRTY-7", &f, 0, NPAGES, p / 4, nc, fine, 2);
	tc_log(c, "page_size %llu: bitmap 0x%llx", (unsigned long long)(p / 4),
	       (unsigned long long)fine[0]);
	tc_check(c, "DIRTY-7", fine[0] == 0xf00f00ull && fine[1] == 0,
		 "with page_size %llu the bitmap is 0x%llx, expected 0xf00f00 (all 4 bits of pages 2 and 5)",
		 (unsigned long long)(p / 4), (unsigned long long)fine[0]);
	/* page_size 2p: one bit per two pages, set when either is dirty. */
	read_span(c, "DIRTY-7", &f, 0, 2 * NPAGES, 2 * p, nc, &coarse, 1);
	tc_check(c, "DIRTY-7", coarse == ((1ull << 1) | (1ull << 2)),
		 "with page_size %llu the bitmap is 0x%llx, expected 0x6 (pages 2 and 5 in bits 1 and 2)",
		 (unsigned long long)(2 * p), (unsigned long long)coarse);
	/* The NO_CLEAR reads left the page-granular view as it was. */
	expect_bits(c, "DIRTY-7", &f, (1ull << 2) | (1ull << 5),
		    "NO_CLEAR reads of other granularities (pages 2 and 5 dirty)");
}

/* The bytes of a (zeroed) buffer of len outside [at, at+n) are all 0. */
static bool zero_outside(const uint8_t *buf, size_t len, size_t at, size_t n)
{
	for (size_t i = 0; i < len; i++)
		if ((i < at || i >= at + n) && buf[i])
			return false;
	return true;
}

SCENARIO(dirty, bitmap_any_address,
	 .title = "GET_DIRTY_BITMAP writes the bits at the bitmap's own address: unaligned, across a page boundary, nothing around it",
	 .invariants = "DIRTY-8",
	 .requires = REQ_DIRTY | REQ_DMA | REQ_HWPT_ALLOC)
{
	const uint64_t p = tc_page_size();
	/* 16 pages = 2 bitmap bytes: at the end of a page (byte 1 on the
	 * next page) and at an address of no alignment at all. */
	const size_t offs[] = { (size_t)p - 1, 0x231 };
	const size_t blen = 2 * (size_t)p;
	struct attached f;
	uint8_t *buf;

	tracked_maps_setup(c, "DIRTY-8", &f, false);
	log_dirty_page(c, "DIRTY-8", &f, 3);
	log_dirty_page(c, "DIRTY-8", &f, 12);
	buf = tc_alloc(c, blen);
	for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		const size_t at = offs[i];

		memset(buf, 0, blen);
		CHECK_OK(c, "DIRTY-8",
			 T_CALL(c->t, get_dirty_bitmap, f.pt, f.iova,
				2 * NPAGES * p, p,
				IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
				(uint64_t *)(void *)(buf + at)));
		tc_log(c, "bitmap at offset 0x%zx: bytes 0x%02x 0x%02x", at,
		       buf[at], buf[at + 1]);
		tc_check(c, "DIRTY-8", buf[at] == 0x08 && buf[at + 1] == 0x10,
			 "bitmap at offset 0x%zx reads 0x%02x 0x%02x, expected 0x08 0x10 (pages 3 and 12)",
			 at, buf[at], buf[at + 1]);
		tc_check(c, "DIRTY-8", zero_outside(buf, blen, at, 2),
			 "GET_DIRTY_BITMAP with the bitmap at offset 0x%zx wrote bytes outside its 2 bytes",
			 at);
	}
}
