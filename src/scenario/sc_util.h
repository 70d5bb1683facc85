/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small arrange helpers for the attach/DMA/group/ownership/PASID/seed
 * scenarios. Each REQUIREs its step against the invariant the caller names,
 * so a failing arrange step is reported where it belongs.
 */
#ifndef IC_SC_UTIL_H
#define IC_SC_UTIL_H

#include "scenario.h"

#define PG 4096ull
#define RW (T_MAP_READABLE | T_MAP_WRITEABLE)

/* Outcome of one DMA probed without judging it (tc_dma_try). */
enum dma_outcome {
	DMA_LANDED,  /* the transfer reached mem */
	DMA_BLOCKED, /* mem untouched / device saw nothing of mem */
	DMA_OTHER,   /* partial or corrupted */
	DMA_ERROR,   /* the engine could not run it (already logged) */
};

/* Run one transfer like tc_dma_write/read, log the evidence line, but
 * leave judging to the caller (for allowed differences). */
enum dma_outcome tc_dma_try(struct tc *c, unsigned dev, uint32_t pasid,
			    bool write, uint64_t iova, void *mem, size_t len);
const char *dma_outcome_name(enum dma_outcome o);

static inline void map_fixed(struct tc *c, const char *inv, uint32_t ioas,
			     void *mem, uint64_t len, uint64_t iova,
			     uint32_t prot)
{
	uint64_t io = iova;

	REQUIRE(c, inv, T_CALL(c->t, ioas_map, ioas, T_MAP_FIXED_IOVA | prot,
			       mem, len, &io));
}

static inline void unmap_exact(struct tc *c, const char *inv, uint32_t ioas,
			       uint64_t iova, uint64_t len)
{
	uint64_t done = 0;

	REQUIRE(c, inv, T_CALL(c->t, ioas_unmap, ioas, iova, len, &done));
}

static inline uint32_t new_ioas(struct tc *c, const char *inv, unsigned ctx)
{
	uint32_t id = 0;

	REQUIRE(c, inv, T_CALL(c->t, ioas_alloc, ctx, &id));
	return id;
}

static inline uint32_t new_hwpt(struct tc *c, const char *inv, unsigned dev,
				uint32_t ioas, uint32_t flags)
{
	uint32_t id = 0;

	REQUIRE(c, inv, T_CALL(c->t, hwpt_alloc, dev, ioas, flags, 0, NULL, 0,
			       &id));
	return id;
}

static inline void attach_rid(struct tc *c, const char *inv, unsigned dev,
			      uint32_t pt)
{
	REQUIRE(c, inv, T_CALL(c->t, attach, dev, T_NO_PASID, pt, NULL));
}

static inline void attach_pasid(struct tc *c, const char *inv, unsigned dev,
				uint32_t pasid, uint32_t pt)
{
	REQUIRE(c, inv, T_CALL(c->t, attach, dev, pasid, pt, NULL));
}

static inline void bind_dev(struct tc *c, const char *inv, unsigned dev,
			    unsigned ctx)
{
	REQUIRE(c, inv, T_CALL(c->t, bind, dev, ctx));
}

/* A DMA-capable device, or skip. */
static inline unsigned need_dma_dev(struct tc *c)
{
	int d = dev_with_dma(c, -1);

	if (d < 0)
		tc_skip(c, "no device is driven by a DMA engine");
	return (unsigned)d;
}

/* A PASID-capable device (with DMA when dma), or skip. */
static inline unsigned need_pasid_dev(struct tc *c, bool dma)
{
	for (unsigned i = 0; i < c->caps->ndev; i++)
		if (c->caps->dev[i].max_pasid_log2 &&
		    (!dma || (c->caps->dev[i].dma && dev_with_dma(c, -1) >= 0)))
			return i;
	tc_skip(c, dma ? "no PASID-capable device with a DMA engine" :
			 "no PASID-capable device");
}

/*
 * PASID support on paging domains is an allowed difference (AMD: none):
 * probe a PASID attach on the bound dev with a scratch HWPT and skip when
 * the driver answers EOPNOTSUPP. Leaves nothing behind.
 */
static inline void need_pasid_attach(struct tc *c, const char *inv,
				     unsigned dev)
{
	uint32_t ioas = 0, h = 0;
	int ret;

	REQUIRE(c, inv, T_CALL(c->t, ioas_alloc, 0, &ioas));
	ret = T_CALL(c->t, hwpt_alloc, dev, ioas, T_HWPT_PASID, 0, NULL, 0, &h);
	if (ret == -EOPNOTSUPP)
		tc_skip(c, "the driver cannot allocate PASID-capable HWPTs (EOPNOTSUPP)");
	REQUIRE(c, inv, ret);
	ret = T_CALL(c->t, attach, dev, 1, h, NULL);
	if (ret == -EOPNOTSUPP) {
		tc_gap(c, "PASID-10", "the driver's paging domains take no PASID");
		tc_skip(c, "the driver's paging domains take no PASID (EOPNOTSUPP: allowed difference, PASID-10)");
	}
	/* A fresh ALLOC_PASID HWPT, RID unattached, PASID 1 of a PASID
	 * device: the driver takes it or says EOPNOTSUPP (PASID-10). */
	if (ret && ret != -T_UNSUPPORTED) {
		tc_check(c, "PASID-10", false,
			 "probe PASID attach returned %s: a driver takes a fresh PASID HWPT or answers EOPNOTSUPP",
			 errno_name(ret));
		tc_end(c);
	}
	REQUIRE(c, inv, ret);
	REQUIRE(c, inv, T_CALL(c->t, detach, dev, 1));
	REQUIRE(c, inv, T_CALL(c->t, destroy, h));
	REQUIRE(c, inv, T_CALL(c->t, destroy, ioas));
}

/* Fill mem with a fresh pattern; returns the seed for mem_unchanged(). */
static inline uint32_t mem_mark(struct tc *c, void *mem, size_t len)
{
	uint32_t s = tc_new_seed(c);

	fill_pattern(mem, len, s);
	return s;
}

static inline bool mem_unchanged(struct tc *c, const char *inv,
				 const void *mem, size_t len, uint32_t seed,
				 const char *what)
{
	return tc_check(c, inv, matches_pattern(mem, len, seed),
			"%s changed: a DMA landed where the contract says nothing may",
			what);
}

#endif
