/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the kernel target: kernel.c (the ops, the open), kernel_dma.c
 * (the DMA engine and its bounce buffer), kernel_discover.c (what the
 * target is and can do, learnt at open).
 */
#ifndef IC_KERNEL_INT_H
#define IC_KERNEL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../dma/dma.h"
#include "target.h"

#define KT_MAX_HWPT 256
#define KT_NCTX 2

/* What we know of an HWPT we allocated: where its mappings come from. */
struct khwpt {
	unsigned ctx;
	uint32_t id;   /* raw */
	uint32_t ioas; /* raw IOAS its mappings follow; 0: none (nested) */
};

struct kdev {
	char bdf[32];
	char cdev[64];
	int fd; /* -1: not bound */
	unsigned ctx;
	uint32_t devid;
	/* The RID's translation, for the DMA engine's bounce buffer. */
	bool attached;
	unsigned att_ctx;
	uint32_t att_ioas; /* raw; 0 when it has no IOAS (nested) */
	bool has_engine; /* the open-time probe found one */
	uint64_t dma_limit; /* the engine reaches IOVAs below this */
	bool have_io;
	struct dma_dev_io io;
	struct dma_engine *eng;
	/* Bounce buffer: engine-owned memory, mapped per operation. */
	void *bmem;
	size_t blen;
	bool bmapped;
	bool btemp; /* bioas is a private IOAS attached for a read-back */
	/* The bounce page stays mapped because the context's /dev/iommu was
	 * closed (close_ctx): nothing can map or unmap in it any more. */
	bool bparked;
	void *buva;
	unsigned bctx;
	uint32_t bioas;
	uint64_t biova, bmaplen;
	struct kt *kt;
};

struct kt {
	struct target t;
	int ufd[KT_NCTX];
	unsigned ndev;
	struct kdev dev[T_MAX_DEVS];
	struct khwpt hwpt[KT_MAX_HWPT];
	unsigned nhwpt;
	/* close_ctx: ufd[c] closed while devices still hold the context;
	 * reopened fresh when the last of them unbinds. */
	bool ctx_closed[KT_NCTX];
	char profile[32];
	char iommu_names[T_MAX_DEVS][32];
	unsigned niommu;
	int fail_nth_fd;
};

static inline struct kt *KT(struct target *t)
{
	return (struct kt *)t;
}

void kt_say(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* kernel_dma.c */
bool kt_rid_ioas(struct kt *k, struct kdev *d, unsigned *ctx, uint32_t *ioas);
int kt_bounce_map(struct kdev *d, unsigned ctx, uint32_t ioas, size_t len,
		  uint64_t limit, void **uva, uint64_t *iova, char *why,
		  size_t why_len);
void kt_engine_drop(struct kdev *d);
int kt_dma(struct target *t, unsigned dev, uint32_t pasid, enum dma_dir dir,
	   uint64_t iova, void *buf, size_t len, char *ev, size_t evlen);

/* kernel_discover.c */
int kt_discover(struct kt *k, const struct target_config *cfg, char *why,
		size_t why_len, bool *skip);

/* kernel_uapi2.c: the ops appended for issue 15 */
int kt_fault_queue_alloc(struct target *t, unsigned ctx, uint32_t *fault_id);
int kt_hwpt_alloc_fault(struct target *t, unsigned dev, uint32_t pt_id,
			uint32_t flags, uint32_t fault_id, uint32_t *hwpt_id);
int kt_option_rlimit_mode(struct target *t, unsigned ctx, bool set,
			  uint64_t *val);
int kt_viommu_alloc(struct target *t, unsigned dev, uint32_t hwpt_id,
		    uint32_t type, uint32_t flags, uint32_t *viommu_id);
int kt_ioas_change_process(struct target *t, unsigned ctx, bool in_child);
int kt_ioas_map_file(struct target *t, uint32_t ioas_id, uint32_t flags,
		     int fd, uint64_t start, uint64_t len, uint64_t *iova);

#endif
