/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the edu engines (edu.c, edu_pasid.c) share: QEMU's edu register
 * block in BAR0 and one transfer through it. Private to src/dma.
 *
 * BAR0: 0x00 ID (low byte 0xed), 0x04 liveness (reads back ~written),
 * 0x24 interrupt status, 0x64 interrupt acknowledge, 0x80 DMA source,
 * 0x88 destination, 0x90 count, 0x98 command (bit0 run/busy, bit1
 * direction: 0 RAM->device, 1 device->RAM; bit2 interrupt 0x100 on
 * completion). The device buffer sits at device address 0x40000.
 * edu-pasid adds 0xa0 PASID (bit 31 tag the DMA, bits 19:0 the PASID;
 * latched at the start command) and 0xa8 the result of the last transfer.
 */
#ifndef IC_EDU_HW_H
#define IC_EDU_HW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dma.h"

#define EDU_VENDOR 0x1234
#define EDU_BUF 0x40000ull
#define EDU_BUF_LEN 4096
#define EDU_REG_PASID 0xa0
#define EDU_REG_RESULT 0xa8

/* The first member of each edu driver's priv. */
struct edu_hw {
	int efd;	     /* completion eventfd, -1 when polling */
	long poll_ns;	     /* sleep between status polls */
	bool pasid_regs;     /* edu-pasid: PASID and result registers */
	uint32_t result;     /* the result register after the last transfer */
};

static inline struct edu_hw *edu_hw(const struct dma_engine *e)
{
	return e->priv;
}

int edu_rd32(struct dma_engine *e, uint64_t off, uint32_t *v);
int edu_wr32(struct dma_engine *e, uint64_t off, uint32_t v);
const char *edu_wait_name(const struct dma_engine *e);

/*
 * e->priv = a zeroed priv_size struct headed by struct edu_hw; then check
 * the registers answer, enable bus mastering and arm the completion
 * interrupt as e->wait asks. 0, or -errno + why with e->priv freed.
 */
int edu_hw_open(struct dma_engine *e, size_t priv_size, long poll_ns,
		bool pasid_regs, char *why, size_t why_len);
void edu_hw_close(struct dma_engine *e); /* frees e->priv */

/*
 * One transfer between device buffer offset 0 and iova (tagged with
 * e->pasid while e->tag_pasid, on edu-pasid); 0 once the device reported
 * it complete (edu-pasid: its result in edu_hw(e)->result). *ns: start
 * command to observed completion.
 */
int edu_hw_xfer(struct dma_engine *e, bool to_ram, uint64_t iova,
		size_t len, uint64_t *ns);

#endif
