// SPDX-License-Identifier: GPL-2.0
/*
 * Translation proven with DMA (DMA-1..10): the right page and offset,
 * permissions, unmap (after the device used the IOVA, so a cached
 * translation would show), remap churn, huge pages, the top of a range,
 * IOAS_COPY and one IOAS shared by two groups.
 */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

SCENARIO(dma, translation_exact_page_offset,
	 .title = "a mapped IOVA reaches exactly the mapped page and offset, not a neighbour",
	 .invariants = "DMA-1", .requires = REQ_DMA)
{
	struct attached f;
	char *lo = tc_alloc(c, PG), *hi = tc_alloc(c, PG);
	uint32_t s_before, s_after, slo, shi, s;
	const size_t off = 2 * PG + 0x340;
	uint64_t iova2;
	uint8_t *buf;
	char ev[160];
	int ret;

	attached_setup(c, "DMA-1", &f, need_dma_dev(c),
		       &(struct attached_opts){ .len = 4 * PG });
	/* Write into page 2 at an odd offset: pages 1 and 3, and the rest
	 * of page 2, must be untouched. */
	s_before = mem_mark(c, f.mem, off);
	s_after = mem_mark(c, f.mem + off + DMA_LEN, f.len - off - DMA_LEN);
	tc_dma_write(c, "DMA-1", f.dev, T_NO_PASID, f.iova + off, f.mem + off,
		     DMA_LEN, true);
	mem_unchanged(c, "DMA-1", f.mem, off, s_before,
		      "memory before the target offset");
	mem_unchanged(c, "DMA-1", f.mem + off + DMA_LEN, f.len - off - DMA_LEN,
		      s_after, "memory after the target range");
	tc_dma_read(c, "DMA-1", f.dev, T_NO_PASID, f.iova + PG + 0x100,
		    f.mem + PG + 0x100, DMA_LEN, true);

	/* Two single-page maps in reverse user order: a transfer across
	 * the IOVA page boundary splits between the two user pages. */
	iova2 = tc_pick_iova(c, f.ioas, 2 * PG, PG, 2);
	map_fixed(c, "DMA-1", f.ioas, hi, PG, iova2, RW);
	map_fixed(c, "DMA-1", f.ioas, lo, PG, iova2 + PG, RW);
	slo = mem_mark(c, lo + DMA_LEN / 2, PG - DMA_LEN / 2);
	shi = mem_mark(c, hi, PG - DMA_LEN / 2);
	buf = malloc(DMA_LEN);
	if (!buf)
		tc_skip(c, "out of memory");
	s = tc_new_seed(c);
	fill_pattern(buf, DMA_LEN, s);
	ret = T_CALL(c->t, dma, f.dev, T_NO_PASID, DMA_TO_MEMORY,
		     iova2 + PG - DMA_LEN / 2, buf, DMA_LEN, ev, sizeof(ev));
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot run DMA");
	if (!tc_check(c, "DMA-1", ret == 0,
		      "cross-page dma write: the engine could not run it: %s",
		      errno_name(ret)))
		tc_end(c);
	tc_log(c, "dma write dev %u pasid rid iova 0x%llx len %d across two maps: %s",
	       f.dev, (unsigned long long)(iova2 + PG - DMA_LEN / 2), DMA_LEN,
	       ev);
	tc_check(c, "DMA-1",
		 !memcmp(hi + PG - DMA_LEN / 2, buf, DMA_LEN / 2) &&
		 !memcmp(lo, buf + DMA_LEN / 2, DMA_LEN / 2),
		 "a write across two single-page maps did not split between their pages");
	mem_unchanged(c, "DMA-1", hi, PG - DMA_LEN / 2, shi,
		      "the first page below the transfer");
	mem_unchanged(c, "DMA-1", lo + DMA_LEN / 2, PG - DMA_LEN / 2, slo,
		      "the second page above the transfer");
	free(buf);
}

/* What one transfer through a mapping with given rights may do. */
enum perm_want {
	PERM_LANDS,
	PERM_BLOCKED,
	PERM_ALL_OR_NOTHING, /* a driver capability: either, never partial */
};

struct perm_probe {
	bool write;
	uint32_t off; /* into the mapped page */
	enum perm_want want;
};

struct perm_case {
	struct scenario sc;
	uint32_t prot;
	const char *inv;
	struct perm_probe probe[3];
	unsigned nprobe;
};

SCENARIO_VARIANTS(dma, mapping_permission, struct perm_case,
	{ VARIANT(dma, ro_mapping,
		  .title = "a read-only mapping refuses device writes and allows device reads",
		  .invariants = "DMA-2", .requires = REQ_DMA),
	  .prot = T_MAP_READABLE, .inv = "DMA-2", .nprobe = 3,
	  .probe = { { false, 0x80, PERM_LANDS }, { true, 0x80, PERM_BLOCKED },
		     { true, 0xe00, PERM_BLOCKED } } },
	{ VARIANT(dma, wo_mapping,
		  .title = "a write-only mapping allows device writes (reads are a driver capability)",
		  .invariants = "DMA-3", .requires = REQ_DMA),
	  .prot = T_MAP_WRITEABLE, .inv = "DMA-3", .nprobe = 2,
	  .probe = { { true, 0x200, PERM_LANDS },
		     { false, 0x200, PERM_ALL_OR_NOTHING } } })
{
	struct attached f;

	attached_setup(c, variant->inv, &f, need_dma_dev(c),
		       &(struct attached_opts){ .len = PG,
						.prot = variant->prot });
	for (unsigned i = 0; i < variant->nprobe; i++) {
		const struct perm_probe *p = &variant->probe[i];
		const char *what = p->write ? "write" : "read";
		enum dma_outcome o;

		if (p->want != PERM_ALL_OR_NOTHING) {
			(p->write ? tc_dma_write : tc_dma_read)(c, variant->inv,
				f.dev, T_NO_PASID, f.iova + p->off,
				f.mem + p->off, DMA_LEN, p->want == PERM_LANDS);
			continue;
		}
		o = tc_dma_try(c, f.dev, T_NO_PASID, p->write, f.iova + p->off,
			       f.mem + p->off, DMA_LEN);
		tc_log(c, "device %s of a mapping without that right: %s (allowed: landed or blocked)",
		       what, dma_outcome_name(o));
		tc_check(c, variant->inv, o == DMA_LANDED || o == DMA_BLOCKED,
			 "device %s of a mapping without that right: %s", what,
			 dma_outcome_name(o));
	}
}

/* The device uses two IOVAs just before one UNMAP covers both. */
struct used_probe {
	bool write;
	unsigned page; /* 0: the first mapped page, 1: the second */
	uint64_t off;
};

struct unmap_used_case {
	struct scenario sc;
	bool two_maps;	/* page 1 is a map of its own at IOVA slot 4 */
	bool unmap_all; /* UNMAP the whole space, not just the two pages */
	struct used_probe used[2];
};

SCENARIO_VARIANTS(dma, unmap_stops_used_iovas, struct unmap_used_case,
	{ VARIANT(dma, unmap_stops_dma,
		  .title = "unmap stops DMA at IOVAs the device used just before",
		  .invariants = "DMA-4,DMA-1", .requires = REQ_DMA),
	  .used = { { true, 0, 0x10 }, { false, 1, 0x10 } } },
	{ VARIANT(dma, unmap_all_stops_dma,
		  .title = "unmap-all stops DMA at every IOVA the device used",
		  .invariants = "DMA-4,DMA-1", .requires = REQ_DMA),
	  .two_maps = true, .unmap_all = true,
	  .used = { { true, 0, 0 }, { true, 1, 0x400 } } })
{
	struct dma_probe used[2];
	uint64_t iova1, done;
	struct attached f;
	char *mem1;

	attached_setup(c, "DMA-4", &f, need_dma_dev(c),
		       &(struct attached_opts){
			       .len = variant->two_maps ? PG : 2 * PG });
	if (variant->two_maps) {
		mem1 = tc_alloc(c, PG);
		iova1 = tc_pick_iova(c, f.ioas, PG, PG, 4);
		map_fixed(c, "DMA-4", f.ioas, mem1, PG, iova1, RW);
	} else {
		mem1 = f.mem + PG;
		iova1 = f.iova + PG;
	}
	for (unsigned i = 0; i < 2; i++) {
		const struct used_probe *u = &variant->used[i];

		used[i].write = u->write;
		used[i].iova = (u->page ? iova1 : f.iova) + u->off;
		used[i].mem = (u->page ? mem1 : f.mem) + u->off;
	}
	dma_probes(c, "DMA-1", f.dev, T_NO_PASID, used, 2, true);
	if (variant->unmap_all)
		REQUIRE(c, "DMA-4", unmap_all_rc(c, f.ioas, &done));
	else
		unmap_exact(c, "DMA-4", f.ioas, f.iova, f.len);
	dma_probes(c, "DMA-4", f.dev, T_NO_PASID, used, 2, false);
}

/* Adjacent one-page maps, then one unmap over some of them. */
struct unmap_case {
	struct scenario sc;
	unsigned nmaps, first, count; /* unmap maps [first, first + count) */
	uint64_t off;		      /* where in each page the probe writes */
	bool count_bytes;	      /* also check what UNMAP reports */
};

SCENARIO_VARIANTS(dma, unmap_some_of_adjacent_maps, struct unmap_case,
	{ VARIANT(dma, partial_unmap,
		  .title = "unmapping the middle one of three adjacent maps blocks exactly that page",
		  .invariants = "DMA-5,DMA-1", .requires = REQ_DMA),
	  .nmaps = 3, .first = 1, .count = 1, .off = 0x100 },
	{ VARIANT(dma, unmap_spanning_maps,
		  .title = "one unmap over two of four adjacent maps blocks exactly those two",
		  .invariants = "DMA-5,DMA-1,IOAS-8", .requires = REQ_DMA),
	  .nmaps = 4, .first = 1, .count = 2, .off = 0x300,
	  .count_bytes = true })
{
	const unsigned n = variant->nmaps, first = variant->first;
	const unsigned end = first + variant->count;
	uint64_t iova, done = 0;
	struct attached f;
	char *mem;

	attached_setup(c, "DMA-5", &f, need_dma_dev(c), NULL);
	iova = tc_pick_iova(c, f.ioas, n * PG, PG, 0);
	mem = tc_alloc(c, n * PG);
	for (unsigned i = 0; i < n; i++)
		map_fixed(c, "DMA-5", f.ioas, mem + i * PG, PG, iova + i * PG,
			  RW);
	for (unsigned i = 0; i < n; i++)
		tc_dma_write(c, "DMA-1", f.dev, T_NO_PASID,
			     iova + i * PG + variant->off,
			     mem + i * PG + variant->off, DMA_LEN, true);
	REQUIRE(c, "DMA-5", T_CALL(c->t, ioas_unmap, f.ioas, iova + first * PG,
				   variant->count * PG, &done));
	if (variant->count_bytes)
		tc_check(c, "IOAS-8", done == variant->count * PG,
			 "unmap of %u pages reported %llu bytes",
			 variant->count, (unsigned long long)done);
	for (unsigned i = 0; i < n; i++)
		tc_dma_write(c, "DMA-5", f.dev, T_NO_PASID,
			     iova + i * PG + variant->off,
			     mem + i * PG + variant->off, DMA_LEN,
			     i < first || i >= end);
}

SCENARIO(dma, remap_churn,
	 .title = "remapping one IOVA to different pages: the device always sees the current page",
	 .invariants = "DMA-6,DMA-1", .requires = REQ_DMA)
{
	struct attached f;
	char *pages[4];
	uint32_t seeds[4];
	uint64_t iova;

	attached_setup(c, "DMA-6", &f, need_dma_dev(c), NULL);
	iova = tc_pick_iova(c, f.ioas, PG, PG, 0);
	for (unsigned i = 0; i < 4; i++)
		pages[i] = tc_alloc(c, PG);
	for (unsigned i = 0; i < 4; i++) {
		map_fixed(c, "DMA-6", f.ioas, pages[i], PG, iova, RW);
		for (unsigned j = 0; j < i; j++)
			seeds[j] = mem_mark(c, pages[j], PG);
		tc_dma_write(c, i ? "DMA-6" : "DMA-1", f.dev, T_NO_PASID,
			     iova + 0x180, pages[i] + 0x180, DMA_LEN, true);
		for (unsigned j = 0; j < i; j++)
			mem_unchanged(c, "DMA-6", pages[j], PG, seeds[j],
				      "a page the IOVA was mapped to before");
		if (i == 3)
			tc_dma_read(c, "DMA-6", f.dev, T_NO_PASID, iova + 0x180,
				    pages[i] + 0x180, DMA_LEN, true);
		unmap_exact(c, "DMA-6", f.ioas, iova, PG);
	}
}

SCENARIO(dma, hugepage_map,
	 .title = "a huge-page-backed mapping translates correctly at every 4 KiB page",
	 .invariants = "DMA-7,DMA-4", .requires = REQ_DMA)
{
	const size_t huge = 2u << 20;
	static const size_t offs[] = { 0x0, 0x1010, 0x7f880, 0x100200,
				       0x1ff000 + 0x600 };
	unsigned d = need_dma_dev(c);
	char *mem = tc_alloc_huge(c, huge);
	struct attached f;
	uint64_t iova;

	if (!mem)
		tc_skip(c, "no huge page available (MAP_HUGETLB failed)");
	attached_setup(c, "DMA-7", &f, d, NULL);
	iova = tc_pick_iova(c, f.ioas, huge, huge, 0);
	map_fixed(c, "DMA-7", f.ioas, mem, huge, iova, RW);
	for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		tc_dma_write(c, "DMA-7", d, T_NO_PASID, iova + offs[i],
			     mem + offs[i], DMA_LEN, true);
	tc_dma_read(c, "DMA-7", d, T_NO_PASID, iova + 0xabc00, mem + 0xabc00,
		    DMA_LEN, true);
	unmap_exact(c, "DMA-4", f.ioas, iova, huge);
	tc_dma_write(c, "DMA-4", d, T_NO_PASID, iova + offs[3], mem + offs[3],
		     DMA_LEN, false);
}

SCENARIO(dma, top_of_range,
	 .title = "a mapping at the top of each reported range works (DMA where the engine reaches)",
	 .invariants = "DMA-8", .min_devs = 1)
{
	uint64_t limit = c->caps->dma_iova_limit, align;
	unsigned ndma = 0;
	struct attached f;
	struct ranges r;

	attached_setup(c, "DMA-8", &f, dma_dev_or_first(c), NULL);
	read_ranges(c, "DMA-8", f.ioas, &r);
	align = r.align < PG ? PG : r.align;
	for (unsigned i = 0; i < r.n; i++) {
		uint64_t top = ((r.r[i].last - PG + 1) / align) * align;
		char *mem;

		if (r.r[i].last - r.r[i].start + 1 < PG || top < r.r[i].start) {
			tc_log(c, "range %u too small for a page", i);
			continue;
		}
		mem = tc_alloc(c, PG);
		/* That the top page maps at all is DMA-8's first half. */
		if (!CHECK_OK(c, "DMA-8", map_fixed_rc(c, f.ioas, mem, PG, top,
						       RW)))
			continue;
		if (!f.dma) {
			tc_log(c, "range %u top 0x%llx mapped; DMA part skipped: no DMA engine",
			       i, (unsigned long long)top);
		} else if (limit && top > limit - PG) {
			tc_log(c, "range %u top 0x%llx mapped; DMA part skipped: the engine reaches only below 0x%llx",
			       i, (unsigned long long)top,
			       (unsigned long long)limit);
		} else if (ndma++ < 3) {
			tc_dma_write(c, "DMA-8", f.dev, T_NO_PASID,
				     top + PG - DMA_LEN, mem + PG - DMA_LEN,
				     DMA_LEN, true);
			tc_dma_read(c, "DMA-8", f.dev, T_NO_PASID, top, mem,
				    DMA_LEN, true);
		}
	}
}

SCENARIO(dma, ioas_copy_translates,
	 .title = "an IOAS_COPY range translates to the same pages as its source, with the source's rights",
	 .invariants = "DMA-9,DMA-2", .requires = REQ_DMA)
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
	REQUIRE(c, "DMA-9",
		copy_fixed_rc(c, dst, src, RW, siova, 2 * PG, diova));
	tc_dma_write(c, "DMA-9", d, T_NO_PASID, diova + PG + 0x20,
		     mem + PG + 0x20, DMA_LEN, true);
	tc_dma_read(c, "DMA-9", d, T_NO_PASID, diova + 0x700, mem + 0x700,
		    DMA_LEN, true);
	/* The source IOVA itself is not mapped in the attached IOAS. */
	if (siova != diova)
		tc_dma_write(c, "DMA-9", d, T_NO_PASID, siova + 0x20,
			     mem + 0x20, DMA_LEN, false);
	/* A read-only copy of a read-write source stays read-only. */
	ro_s = tc_pick_iova(c, src, PG, PG, 8);
	map_fixed(c, "DMA-9", src, ro, PG, ro_s, RW);
	ro_d = tc_pick_iova(c, dst, PG, PG, 4);
	REQUIRE(c, "DMA-9", copy_fixed_rc(c, dst, src, T_MAP_READABLE, ro_s, PG,
					  ro_d));
	tc_dma_read(c, "DMA-9", d, T_NO_PASID, ro_d + 0x10, ro + 0x10, DMA_LEN,
		    true);
	tc_dma_write(c, "DMA-2", d, T_NO_PASID, ro_d + 0x10, ro + 0x10, DMA_LEN,
		     false);
}

SCENARIO(dma, two_groups_one_ioas,
	 .title = "two devices in different groups on one IOAS both translate through it",
	 .invariants = "DMA-10,ATTACH-2,ATTACH-6",
	 .requires = REQ_DMA | REQ_2GROUPS, .min_devs = 2)
{
	unsigned a, b;
	uint32_t ioas, pa, pb;
	uint64_t iova;
	char *mem = tc_alloc(c, 2 * PG);

	if (!dev_pair_other_groups(c, &a, &b) || !c->caps->dev[a].dma ||
	    !c->caps->dev[b].dma)
		tc_skip(c, "no two DMA devices in different groups on one IOMMU");
	bind_dev(c, "DMA-10", a, 0);
	bind_dev(c, "DMA-10", b, 0);
	ioas = new_ioas(c, "DMA-10", 0);
	pa = attach_rid(c, "ATTACH-2", a, ioas);
	pb = attach_rid(c, "ATTACH-2", b, ioas);
	tc_log(c, "auto HWPTs: dev %u -> %u, dev %u -> %u", a, pa, b, pb);
	iova = tc_pick_iova(c, ioas, 2 * PG, PG, 0);
	map_fixed(c, "DMA-10", ioas, mem, 2 * PG, iova, RW);
	tc_dma_write(c, "DMA-10", a, T_NO_PASID, iova + 0x40, mem + 0x40,
		     DMA_LEN, true);
	tc_dma_write(c, "DMA-10", b, T_NO_PASID, iova + PG + 0x40,
		     mem + PG + 0x40, DMA_LEN, true);
	tc_dma_read(c, "DMA-10", b, T_NO_PASID, iova + 0x40, mem + 0x40,
		    DMA_LEN, true);
	/* Detaching a leaves b's translation alone. */
	detach_rid(c, "ATTACH-6", a);
	tc_dma_write(c, "ATTACH-6", a, T_NO_PASID, iova + 0x40, mem + 0x40,
		     DMA_LEN, false);
	tc_dma_write(c, "DMA-10", b, T_NO_PASID, iova + 0x40, mem + 0x40,
		     DMA_LEN, true);
}
