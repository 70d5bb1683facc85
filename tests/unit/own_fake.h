/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pieces the fakes of engines with a region of their own share
 * (test_dma_nvme.c, test_dma_nic.c): the config space, the owner offering
 * that region (bounce.get), the toy IOMMU's windows and the reach probe's
 * mappings, which it translates too while they are set.
 */
#ifndef IC_TEST_OWN_FAKE_H
#define IC_TEST_OWN_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A config space: IDs, command register, revision + class code. */
struct cfg_fake {
	uint16_t ids[2];
	uint16_t cmd;
	uint32_t rev_class;
};

/* dma_dev_io cfg_read/cfg_write over the struct cfg_fake at arg. */
int cfg_fake_read(void *arg, uint64_t off, void *buf, size_t len);
int cfg_fake_write(void *arg, uint64_t off, const void *buf, size_t len);

/* The owner's region: offered while *ok, for len bytes at most. */
struct own_fake {
	unsigned char *uva;
	uint64_t iova;
	size_t len;
	const bool *ok;
};

/* bounce.get over the struct own_fake at arg. */
int own_fake_get(void *arg, size_t len, void **uva, uint64_t *iova, char *why,
		 size_t why_len);

/* The reach probe's mappings (struct dma_reach_env map, arg unused). */
struct probe_maps {
	unsigned char *uva[8];
	uint64_t iova[8];
	size_t len[8];
	unsigned n;
};

extern struct probe_maps probe_maps;

int probe_maps_map(void *arg, void *uva, size_t len, uint64_t iova);
/* Where iova is in one of them; NULL when in none. */
unsigned char *probe_maps_xl(uint64_t iova);

struct dma_engine;
struct dma_engine_driver;
struct dma_dev_io;

/*
 * The reach probe's shared test: opens drv on io, clears the fake's
 * *own_mapped and *mem_mapped (the probe must map both into its fresh
 * 2^39-byte translation), runs the probe and expects the write to the top
 * page to land after four mappings, the last the engine's own_len region.
 * Returns the engine, open, for the caller's own checks; NULL when it did
 * not open.
 */
struct dma_engine *probe_reach_own(const struct dma_engine_driver *drv,
				   struct dma_dev_io *io, const char *name,
				   bool *own_mapped, bool *mem_mapped,
				   size_t own_len);

/* A window of a fake's toy IOMMU: len bytes at iova translate to uva
 * while *mapped. */
struct toy_window {
	unsigned char *uva;
	uint64_t iova;
	size_t len;
	const bool *mapped;
};

/* iova through the probe's mappings, then the n windows; NULL: refused. */
unsigned char *toy_xl(const struct toy_window *w, unsigned n, uint64_t iova);

#endif
