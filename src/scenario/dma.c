// SPDX-License-Identifier: GPL-2.0
/*
 * Translation proven with DMA (DMA-1..10): the right page and offset,
 * permissions, unmap (after the device used the IOVA, so a cached
 * translation would show), remap churn, huge pages, the top of a range,
 * IOAS_COPY and one IOAS shared by two groups.
 */
#include <stdlib.h>
#include <string.h>

#include "sc_util.h"

#define LEN 256

/* Bind the DMA device to a fresh IOAS and map npages of fresh memory at
 * slot; returns the memory. */
static char *setup_mapped(struct tc *c, const char *inv, unsigned *dev,
			  uint32_t *ioas, uint64_t *iova, size_t npages,
			  uint32_t prot)
{
	char *mem = tc_alloc(c, npages * PG);

	*dev = need_dma_dev(c);
	*ioas = tc_bind_attach_new_ioas(c, inv, *dev);
	*iova = tc_pick_iova(c, *ioas, npages * PG, PG, 0);
	map_fixed(c, inv, *ioas, mem, npages * PG, *iova, prot);
	return mem;
}

SCENARIO(dma, translation_exact_page_offset,
	 .title = "a mapped IOVA reaches exactly the mapped page and offset, not a neighbour",
	 .invariants = "DMA-1",
	 .requires = REQ_DMA)
{
	unsigned d;
	uint32_t ioas, s_before, s_after;
	uint64_t iova, iova2;
	char *mem = setup_mapped(c, "DMA-1", &d, &ioas, &iova, 4, RW);
	char *lo = tc_alloc(c, PG), *hi = tc_alloc(c, PG);
	uint32_t slo, shi, s;
	size_t off = 2 * PG + 0x340;
	uint8_t *buf;
	char ev[160];
	int ret;

	/* Write into page 2 at an odd offset: pages 1 and 3, and the rest
	 * of page 2, must be untouched. */
	s_before = mem_mark(c, mem, off);
	s_after = mem_mark(c, mem + off + LEN, 4 * PG - off - LEN);
	tc_dma_write(c, "DMA-1", d, T_NO_PASID, iova + off, mem + off, LEN,
		     true);
	mem_unchanged(c, "DMA-1", mem, off, s_before,
		      "memory before the target offset");
	mem_unchanged(c, "DMA-1", mem + off + LEN, 4 * PG - off - LEN, s_after,
		      "memory after the target range");
	tc_dma_read(c, "DMA-1", d, T_NO_PASID, iova + PG + 0x100,
		    mem + PG + 0x100, LEN, true);

	/* Two single-page maps in reverse user order: a transfer across
	 * the IOVA page boundary splits between the two user pages. */
	iova2 = tc_pick_iova(c, ioas, 2 * PG, PG, 2);
	map_fixed(c, "DMA-1", ioas, hi, PG, iova2, RW);
	map_fixed(c, "DMA-1", ioas, lo, PG, iova2 + PG, RW);
	slo = mem_mark(c, lo + LEN / 2, PG - LEN / 2);
	shi = mem_mark(c, hi, PG - LEN / 2);
	buf = malloc(LEN);
	if (!buf)
		tc_skip(c, "out of memory");
	s = tc_new_seed(c);
	fill_pattern(buf, LEN, s);
	ret = T_CALL(c->t, dma, d, T_NO_PASID, DMA_TO_MEMORY,
		     iova2 + PG - LEN / 2, buf, LEN, ev, sizeof(ev));
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot run DMA");
	if (!tc_check(c, "DMA-1", ret == 0,
		      "cross-page dma write: the engine could not run it: %s",
		      errno_name(ret)))
		tc_end(c);
	tc_log(c, "dma write dev %u pasid rid iova 0x%llx len %d across two maps: %s",
	       d, (unsigned long long)(iova2 + PG - LEN / 2), LEN, ev);
	tc_check(c, "DMA-1",
		 !memcmp(hi + PG - LEN / 2, buf, LEN / 2) &&
		 !memcmp(lo, buf + LEN / 2, LEN / 2),
		 "a write across two single-page maps did not split between their pages");
	mem_unchanged(c, "DMA-1", hi, PG - LEN / 2, shi,
		      "the first page below the transfer");
	mem_unchanged(c, "DMA-1", lo + LEN / 2, PG - LEN / 2, slo,
		      "the second page above the transfer");
	free(buf);
	tc_end(c);
}

SCENARIO(dma, ro_mapping,
	 .title = "a read-only mapping refuses device writes and allows device reads",
	 .invariants = "DMA-2",
	 .requires = REQ_DMA)
{
	unsigned d;
	uint32_t ioas;
	uint64_t iova;
	char *mem = setup_mapped(c, "DMA-2", &d, &ioas, &iova, 1,
				 T_MAP_READABLE);

	tc_dma_read(c, "DMA-2", d, T_NO_PASID, iova + 0x80, mem + 0x80, LEN,
		    true);
	tc_dma_write(c, "DMA-2", d, T_NO_PASID, iova + 0x80, mem + 0x80, LEN,
		     false);
	tc_dma_write(c, "DMA-2", d, T_NO_PASID, iova + 0xe00, mem + 0xe00, LEN,
		     false);
	tc_end(c);
}

SCENARIO(dma, wo_mapping,
	 .title = "a write-only mapping allows device writes (reads are a driver capability)",
	 .invariants = "DMA-3",
	 .requires = REQ_DMA)
{
	unsigned d;
	uint32_t ioas;
	uint64_t iova;
	char *mem = setup_mapped(c, "DMA-3", &d, &ioas, &iova, 1,
				 T_MAP_WRITEABLE);
	enum dma_outcome o;

	tc_dma_write(c, "DMA-3", d, T_NO_PASID, iova + 0x200, mem + 0x200, LEN,
		     true);
	o = tc_dma_try(c, d, T_NO_PASID, false, iova + 0x200, mem + 0x200, LEN);
	/* Allowed difference: readable or not, but all or nothing. */
	tc_log(c, "device read of a write-only mapping: %s (allowed: landed or blocked)",
	       dma_outcome_name(o));
	tc_check(c, "DMA-3", o == DMA_LANDED || o == DMA_BLOCKED,
		 "device read of a write-only mapping: %s",
		 dma_outcome_name(o));
	tc_end(c);
}

SCENARIO(dma, unmap_stops_dma,
	 .title = "unmap stops DMA at IOVAs the device used just before",
	 .invariants = "DMA-4,DMA-1",
	 .requires = REQ_DMA)
{
	unsigned d;
	uint32_t ioas;
	uint64_t iova, done = 0;
	char *mem = setup_mapped(c, "DMA-4", &d, &ioas, &iova, 2, RW);

	tc_dma_write(c, "DMA-1", d, T_NO_PASID, iova + 0x10, mem + 0x10, LEN,
		     true);
	tc_dma_read(c, "DMA-1", d, T_NO_PASID, iova + PG + 0x10,
		    mem + PG + 0x10, LEN, true);
	REQUIRE(c, "DMA-4", T_CALL(c->t, ioas_unmap, ioas, iova, 2 * PG, &done));
	tc_dma_write(c, "DMA-4", d, T_NO_PASID, iova + 0x10, mem + 0x10, LEN,
		     false);
	tc_dma_read(c, "DMA-4", d, T_NO_PASID, iova + PG + 0x10,
		    mem + PG + 0x10, LEN, false);
	tc_end(c);
}

SCENARIO(dma, unmap_all_stops_dma,
	 .title = "unmap-all stops DMA at every IOVA the device used",
	 .invariants = "DMA-4,DMA-1",
	 .requires = REQ_DMA)
{
	unsigned d;
	uint32_t ioas;
	uint64_t iova, iova2, done = 0;
	char *mem = setup_mapped(c, "DMA-4", &d, &ioas, &iova, 1, RW);
	char *m2 = tc_alloc(c, PG);

	iova2 = tc_pick_iova(c, ioas, PG, PG, 4);
	map_fixed(c, "DMA-4", ioas, m2, PG, iova2, RW);
	tc_dma_write(c, "DMA-1", d, T_NO_PASID, iova, mem, LEN, true);
	tc_dma_write(c, "DMA-1", d, T_NO_PASID, iova2 + 0x400, m2 + 0x400, LEN,
		     true);
	REQUIRE(c, "DMA-4", T_CALL(c->t, ioas_unmap, ioas, 0, UINT64_MAX, &done));
	tc_dma_write(c, "DMA-4", d, T_NO_PASID, iova, mem, LEN, false);
	tc_dma_write(c, "DMA-4", d, T_NO_PASID, iova2 + 0x400, m2 + 0x400, LEN,
		     false);
	tc_end(c);
}

SCENARIO(dma, partial_unmap,
	 .title = "unmapping the middle one of three adjacent maps blocks exactly that page",
	 .invariants = "DMA-5,DMA-1",
	 .requires = REQ_DMA)
{
	unsigned d = need_dma_dev(c);
	uint32_t ioas = tc_bind_attach_new_ioas(c, "DMA-5", d);
	uint64_t iova = tc_pick_iova(c, ioas, 3 * PG, PG, 0);
	char *mem = tc_alloc(c, 3 * PG);

	for (unsigned i = 0; i < 3; i++)
		map_fixed(c, "DMA-5", ioas, mem + i * PG, PG, iova + i * PG, RW);
	for (unsigned i = 0; i < 3; i++)
		tc_dma_write(c, "DMA-1", d, T_NO_PASID, iova + i * PG + 0x100,
			     mem + i * PG + 0x100, LEN, true);
	unmap_exact(c, "DMA-5", ioas, iova + PG, PG);
	for (unsigned i = 0; i < 3; i++)
		tc_dma_write(c, "DMA-5", d, T_NO_PASID, iova + i * PG + 0x100,
			     mem + i * PG + 0x100, LEN, i != 1);
	tc_end(c);
}

SCENARIO(dma, unmap_spanning_maps,
	 .title = "one unmap over two of four adjacent maps blocks exactly those two",
	 .invariants = "DMA-5,DMA-1,IOAS-8",
	 .requires = REQ_DMA)
{
	unsigned d = need_dma_dev(c);
	uint32_t ioas = tc_bind_attach_new_ioas(c, "DMA-5", d);
	uint64_t iova = tc_pick_iova(c, ioas, 4 * PG, PG, 0), done = 0;
	char *mem = tc_alloc(c, 4 * PG);

	for (unsigned i = 0; i < 4; i++)
		map_fixed(c, "DMA-5", ioas, mem + i * PG, PG, iova + i * PG, RW);
	for (unsigned i = 0; i < 4; i++)
		tc_dma_write(c, "DMA-1", d, T_NO_PASID, iova + i * PG + 0x300,
			     mem + i * PG + 0x300, LEN, true);
	if (CHECK_OK(c, "DMA-5", T_CALL(c->t, ioas_unmap, ioas, iova + PG,
					2 * PG, &done)))
		tc_check(c, "IOAS-8", done == 2 * PG,
			 "unmap of two pages reported %llu bytes",
			 (unsigned long long)done);
	for (unsigned i = 0; i < 4; i++)
		tc_dma_write(c, "DMA-5", d, T_NO_PASID, iova + i * PG + 0x300,
			     mem + i * PG + 0x300, LEN, i == 0 || i == 3);
	tc_end(c);
}

SCENARIO(dma, remap_churn,
	 .title = "remapping one IOVA to different pages: the device always sees the current page",
	 .invariants = "DMA-6,DMA-1",
	 .requires = REQ_DMA)
{
	unsigned d = need_dma_dev(c);
	uint32_t ioas = tc_bind_attach_new_ioas(c, "DMA-6", d);
	uint64_t iova = tc_pick_iova(c, ioas, PG, PG, 0);
	char *pages[4];
	uint32_t seeds[4];

	for (unsigned i = 0; i < 4; i++)
		pages[i] = tc_alloc(c, PG);
	for (unsigned i = 0; i < 4; i++) {
		map_fixed(c, "DMA-6", ioas, pages[i], PG, iova, RW);
		for (unsigned j = 0; j < i; j++)
			seeds[j] = mem_mark(c, pages[j], PG);
		tc_dma_write(c, i ? "DMA-6" : "DMA-1", d, T_NO_PASID,
			     iova + 0x180, pages[i] + 0x180, LEN, true);
		for (unsigned j = 0; j < i; j++)
			mem_unchanged(c, "DMA-6", pages[j], PG, seeds[j],
				      "a page the IOVA was mapped to before");
		if (i == 3)
			tc_dma_read(c, "DMA-6", d, T_NO_PASID, iova + 0x180,
				    pages[i] + 0x180, LEN, true);
		unmap_exact(c, "DMA-6", ioas, iova, PG);
	}
	tc_end(c);
}

SCENARIO(dma, hugepage_map,
	 .title = "a huge-page-backed mapping translates correctly at every 4 KiB page",
	 .invariants = "DMA-7,DMA-4",
	 .requires = REQ_DMA)
{
	const size_t huge = 2u << 20;
	unsigned d = need_dma_dev(c);
	char *mem = tc_alloc_huge(c, huge);
	static const size_t offs[] = { 0x0, 0x1010, 0x7f880, 0x100200,
				       0x1ff000 + 0x600 };
	uint32_t ioas;
	uint64_t iova, done = 0;

	if (!mem)
		tc_skip(c, "no huge page available (MAP_HUGETLB failed)");
	ioas = tc_bind_attach_new_ioas(c, "DMA-7", d);
	iova = tc_pick_iova(c, ioas, huge, huge, 0);
	map_fixed(c, "DMA-7", ioas, mem, huge, iova, RW);
	for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		tc_dma_write(c, "DMA-7", d, T_NO_PASID, iova + offs[i],
			     mem + offs[i], LEN, true);
	tc_dma_read(c, "DMA-7", d, T_NO_PASID, iova + 0xabc00, mem + 0xabc00,
		    LEN, true);
	REQUIRE(c, "DMA-4", T_CALL(c->t, ioas_unmap, ioas, iova, huge, &done));
	tc_dma_write(c, "DMA-4", d, T_NO_PASID, iova + offs[3], mem + offs[3],
		     LEN, false);
	tc_end(c);
}

SCENARIO(dma, top_of_range,
	 .title = "a mapping at the top of each reported range works (DMA where the engine reaches)",
	 .invariants = "DMA-8",
	 .min_devs = 1)
{
	struct iova_range r[T_MAX_RANGES];
	unsigned n = T_MAX_RANGES, ndma = 0;
	uint64_t align = 0;
	int dev = dev_with_dma(c, -1);
	unsigned d = dev < 0 ? 0 : (unsigned)dev;
	uint32_t ioas = tc_bind_attach_new_ioas(c, "DMA-8", d);
	uint64_t limit = c->caps->dma_iova_limit;

	REQUIRE(c, "DMA-8", T_CALL(c->t, iova_ranges, ioas, r, &n, &align));
	if (n > T_MAX_RANGES)
		n = T_MAX_RANGES;
	if (align < PG)
		align = PG;
	for (unsigned i = 0; i < n; i++) {
		uint64_t top = ((r[i].last - PG + 1) / align) * align, io = top;
		char *mem;

		if (r[i].last - r[i].start + 1 < PG || top < r[i].start) {
			tc_log(c, "range %u too small for a page", i);
			continue;
		}
		mem = tc_alloc(c, PG);
		if (!CHECK_OK(c, "DMA-8",
			      T_CALL(c->t, ioas_map, ioas,
				     T_MAP_FIXED_IOVA | RW, mem, PG, &io)))
			continue;
		if (dev < 0) {
			tc_log(c, "range %u top 0x%llx mapped; DMA part skipped: no DMA engine",
			       i, (unsigned long long)top);
		} else if (limit && top > limit - PG) {
			tc_log(c, "range %u top 0x%llx mapped; DMA part skipped: the engine reaches only below 0x%llx",
			       i, (unsigned long long)top,
			       (unsigned long long)limit);
		} else if (ndma++ < 3) {
			tc_dma_write(c, "DMA-8", d, T_NO_PASID,
				     top + PG - LEN, mem + PG - LEN, LEN, true);
			tc_dma_read(c, "DMA-8", d, T_NO_PASID, top, mem, LEN,
				    true);
		}
	}
	tc_end(c);
}

SCENARIO(dma, ioas_copy_translates,
	 .title = "an IOAS_COPY range translates to the same pages as its source, with the source's rights",
	 .invariants = "DMA-9,DMA-2",
	 .requires = REQ_DMA)
{
	unsigned d = need_dma_dev(c);
	uint32_t src, dst;
	uint64_t siova, diova, ro_s, ro_d;
	char *mem = tc_alloc(c, 2 * PG), *ro = tc_alloc(c, PG);

	bind_dev(c, "DMA-9", d, 0);
	src = new_ioas(c, "DMA-9", 0);
	dst = new_ioas(c, "DMA-9", 0);
	siova = tc_pick_iova(c, src, 2 * PG, PG, 5);
	map_fixed(c, "DMA-9", src, mem, 2 * PG, siova, RW);
	attach_rid(c, "DMA-9", d, dst);
	diova = tc_pick_iova(c, dst, 2 * PG, PG, 1);
	REQUIRE(c, "DMA-9", T_CALL(c->t, ioas_copy, dst, src,
				   T_MAP_FIXED_IOVA | RW, siova, 2 * PG,
				   &diova));
	tc_dma_write(c, "DMA-9", d, T_NO_PASID, diova + PG + 0x20,
		     mem + PG + 0x20, LEN, true);
	tc_dma_read(c, "DMA-9", d, T_NO_PASID, diova + 0x700, mem + 0x700, LEN,
		    true);
	/* The source IOVA itself is not mapped in the attached IOAS. */
	if (siova != diova)
		tc_dma_write(c, "DMA-9", d, T_NO_PASID, siova + 0x20,
			     mem + 0x20, LEN, false);
	/* A read-only copy of a read-write source stays read-only. */
	ro_s = tc_pick_iova(c, src, PG, PG, 8);
	map_fixed(c, "DMA-9", src, ro, PG, ro_s, RW);
	ro_d = tc_pick_iova(c, dst, PG, PG, 4);
	REQUIRE(c, "DMA-9", T_CALL(c->t, ioas_copy, dst, src,
				   T_MAP_FIXED_IOVA | T_MAP_READABLE, ro_s, PG,
				   &ro_d));
	tc_dma_read(c, "DMA-9", d, T_NO_PASID, ro_d + 0x10, ro + 0x10, LEN, true);
	tc_dma_write(c, "DMA-2", d, T_NO_PASID, ro_d + 0x10, ro + 0x10, LEN,
		     false);
	tc_end(c);
}

SCENARIO(dma, two_groups_one_ioas,
	 .title = "two devices in different groups on one IOAS both translate through it",
	 .invariants = "DMA-10,ATTACH-2,ATTACH-6",
	 .requires = REQ_DMA | REQ_2GROUPS, .min_devs = 2)
{
	unsigned a, b;
	uint32_t ioas, pa = 0, pb = 0;
	uint64_t iova;
	char *mem = tc_alloc(c, 2 * PG);

	if (!dev_pair_other_groups(c, &a, &b) || !c->caps->dev[a].dma ||
	    !c->caps->dev[b].dma)
		tc_skip(c, "no two DMA devices in different groups on one IOMMU");
	bind_dev(c, "DMA-10", a, 0);
	bind_dev(c, "DMA-10", b, 0);
	ioas = new_ioas(c, "DMA-10", 0);
	REQUIRE(c, "ATTACH-2", T_CALL(c->t, attach, a, T_NO_PASID, ioas, &pa));
	REQUIRE(c, "ATTACH-2", T_CALL(c->t, attach, b, T_NO_PASID, ioas, &pb));
	tc_log(c, "auto HWPTs: dev %u -> %u, dev %u -> %u", a, pa, b, pb);
	iova = tc_pick_iova(c, ioas, 2 * PG, PG, 0);
	map_fixed(c, "DMA-10", ioas, mem, 2 * PG, iova, RW);
	tc_dma_write(c, "DMA-10", a, T_NO_PASID, iova + 0x40, mem + 0x40, LEN,
		     true);
	tc_dma_write(c, "DMA-10", b, T_NO_PASID, iova + PG + 0x40,
		     mem + PG + 0x40, LEN, true);
	tc_dma_read(c, "DMA-10", b, T_NO_PASID, iova + 0x40, mem + 0x40, LEN,
		    true);
	/* Detaching a leaves b's translation alone. */
	CHECK_OK(c, "ATTACH-6", T_CALL(c->t, detach, a, T_NO_PASID));
	tc_dma_write(c, "ATTACH-6", a, T_NO_PASID, iova + 0x40, mem + 0x40, LEN,
		     false);
	tc_dma_write(c, "DMA-10", b, T_NO_PASID, iova + 0x40, mem + 0x40, LEN,
		     true);
	tc_end(c);
}
