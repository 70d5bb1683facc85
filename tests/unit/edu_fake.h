/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A software edu (and edu-pasid) register block for the engine tests:
 * the registers of src/dma/edu_hw.h behind a struct dma_dev_io. The test
 * supplies the transfer itself (run: a toy IOMMU between the device buffer
 * and its memory), called when a status read finds RUN set.
 */
#ifndef IC_TEST_EDU_FAKE_H
#define IC_TEST_EDU_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../src/dma/dma.h"

struct edu_fake {
	uint16_t ids[2];
	uint16_t pci_cmd;
	uint32_t live;
	uint64_t src, dst, cnt, cmd;
	/* edu-pasid: the PASID and result registers, and the device buffer
	 * in BAR0 at 0x40000 (drop_buf_writes: CPU writes to it are lost). */
	bool pasid;
	bool drop_buf_writes;
	uint32_t pasid_reg, result;
	bool stuck; /* a transfer never completes */
	unsigned char dbuf[4096];
	unsigned transfers;
	/* Runs the pending transfer; clears RUN and counts it. */
	void (*run)(struct edu_fake *f);
};

/* io over f: BAR0 and the config space's IDs and command register. */
void edu_fake_io(struct edu_fake *f, struct dma_dev_io *io);
/* The end of a transfer, for run. */
void edu_fake_done(struct edu_fake *f);

/* Test data: p[i] = i * 7 + seed. */
void edu_fake_fill(unsigned char *p, size_t n, unsigned char seed);

#endif
