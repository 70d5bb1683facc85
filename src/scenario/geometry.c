// SPDX-License-Identifier: GPL-2.0
/*
 * Address-space geometry (QEMU 10 columns: intel first-stage tables,
 * virtio-iommu aw-bits / granule): a huge-page mapping placed at the very
 * top of the highest reported range the DMA engine reaches, so the large
 * IOPTE sits in the last entry of every page-table level (DMA-7 + DMA-8).
 *
 * dma.huge_page_every_offset (DMA-7) maps its huge page low, and
 * dma.top_of_range (DMA-8) maps single 4 KiB pages at the top; neither puts
 * a large IOPTE at the top of a narrow (aw-bits 39) or first-stage
 * (x-flts, 48-bit) address space.
 *
 * The oversized granule itself (virtio-iommu granule=64k, smallest page
 * larger than PAGE_SIZE, IOAS-12) never reaches a scenario: the driver makes
 * no paging domain, BIND fails ENODEV and the kernel target leaves such
 * devices out with a note (src/targets/kernel.c), so every case SKIPs with
 * that note as its reason.
 */
#include "fixture.h"

#define HUGE (2ull << 20)

SCENARIO(geometry, huge_page_at_range_top,
	 .title = "a 2 MiB huge-page mapping at the top of the highest reachable range translates at every page",
	 .invariants = "DMA-7,DMA-8", .requires = REQ_DMA)
{
	static const uint64_t offs[] = { 0x0, 0x1010, 0x100200, 0x1fe800 };
	uint64_t limit = c->caps->dma_iova_limit, iova = 0;
	bool found = false, at_top = false, lower_ok = true;
	unsigned d = need_dma_dev(c);
	char *mem = tc_alloc_huge(c, HUGE);
	const struct iova_range *r;
	const char *top_inv;
	struct attached f;
	struct ranges rs;

	if (!mem)
		tc_skip(c, "no huge page available (MAP_HUGETLB failed)");
	attached_setup(c, "DMA-7", &f, d, NULL);
	read_ranges(c, "DMA-8", f.ioas, &rs);
	r = rs.r;
	/* Ranges are sorted (RANGE-6): the highest first. The slot is the
	 * highest 2 MiB-aligned one whose last byte the engine reaches. */
	for (unsigned i = rs.n; i-- > 0 && !found;) {
		uint64_t last = r[i].last, top;

		if (limit && last > limit - 1)
			last = limit - 1;
		if (last < r[i].start || last - r[i].start < HUGE - 1)
			continue;
		top = (last - (HUGE - 1)) & ~(HUGE - 1);
		if (top < r[i].start)
			continue;
		iova = top;
		at_top = top + HUGE - 1 == r[i].last;
		found = true;
		tc_log(c, "range %u [0x%llx, 0x%llx]: huge mapping at 0x%llx%s", i,
		       (unsigned long long)r[i].start,
		       (unsigned long long)r[i].last, (unsigned long long)top,
		       at_top ? ", its last byte is the range's last byte" :
				", below the range's top (the engine reaches only that far)");
	}
	if (!found)
		tc_skip(c, "no reported range holds a 2 MiB-aligned slot the engine reaches");
	/* The top page is DMA-8 only when the mapping ends at the range's
	 * last byte; otherwise it is one more page of the huge mapping. */
	top_inv = at_top ? "DMA-8" : "DMA-7";
	/* At a range's top, that the map is accepted is DMA-8's rule too. */
	if (!CHECK_OK(c, top_inv, map_fixed_rc(c, f.ioas, mem, HUGE, iova, RW)))
		tc_end(c);
	for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		lower_ok &= tc_dma_write(c, "DMA-7", d, T_NO_PASID,
					 iova + offs[i], mem + offs[i], DMA_LEN,
					 true);
	lower_ok &= tc_dma_read(c, "DMA-7", d, T_NO_PASID, iova + 0xabc00,
				mem + 0xabc00, DMA_LEN, true);
	/* A top page that misses after lower pages already missed says
	 * nothing about the top (DMA-8): the huge mapping itself is broken. */
	if (!lower_ok) {
		tc_log(c, "top page not checked: lower pages of the huge mapping already failed");
		tc_end(c);
	}
	tc_dma_write(c, top_inv, d, T_NO_PASID, iova + HUGE - DMA_LEN,
		     mem + HUGE - DMA_LEN, DMA_LEN, true);
	tc_dma_read(c, top_inv, d, T_NO_PASID, iova + HUGE - PG + 0x10,
		    mem + HUGE - PG + 0x10, DMA_LEN, true);
}
