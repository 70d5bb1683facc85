/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to src/explore: the universe, the two sides and the lockstep
 * state that the explorer's pieces (explore.c, explore_steps.c,
 * explore_gen.c, explore_shrink.c) share. The public API stays in explore.h.
 */
#ifndef IC_EXPLORE_INT_H
#define IC_EXPLORE_INT_H

#include "explore.h"

#define X_DEVS 5
#define X_IOAS 3
#define X_HWPT 3
#define X_PASIDS 2 /* the everyday PASIDs 1 and 2 */
/* memory-side steps: PASID slots 3 and 4 are the width's edge */
#define X_PASID_MAX 3  /* 2^w - 1, w the smallest universe width */
#define X_PASID_OVER 4 /* 2^w, w the largest */
#define X_PASID_SLOTS 5
#define X_BUFS 4
/* memory-side steps: buffer slots past the ordinary ones */
#define X_BUF_HUGE 4 /* 2 MiB, 2 MiB aligned */
#define X_BUF_HOLE 5 /* user memory that cannot be pinned */
#define X_BUF_SLOTS 6
#define X_IOVAS 7
/* memory-side steps: the named IOVA slots */
#define X_IOVA_RESV 4 /* on a reserved region */
#define X_IOVA_TOP 5  /* the last page of the first device's aperture */
#define X_IOVA_WRAP 6 /* the last page below 2^64 */
#define X_HUGE (2ull << 20)
/* Pages whose windows the memory oracle watches: the buffers, the huge
 * buffer's first two, the memfd's two. */
#define X_WPAGES (X_BUFS * X_BUF_PAGES + 4)
#define X_PAGE 4096ull
#define X_BUF_PAGES 2
#define X_DMA_OFF 0x40
#define X_DMA_LEN 64
/* Inside the mock driver's aperture (16 MiB..2 GiB) and every real one. */
#define X_IOVA_BASE 0x1000000ull
#define X_IOVA_STRIDE 0x200000ull

#define OUT_BLOCKED (-1)
#define OUT_OTHER (-2)

struct universe {
	unsigned ndev;
	unsigned dev[X_DEVS]; /* target device index of each universe device */
	uint64_t iova[X_IOVAS];
	bool pasid_ok;	      /* some universe device has PASIDs */
	bool dma_ok;
	bool dma_real;	      /* a device engine (edu) moves the bytes */
	uint8_t *buf;	      /* X_BUFS * X_BUF_PAGES pages, shared by sides */
	/* memory-side steps */
	uint8_t *huge;	      /* X_HUGE bytes, X_HUGE aligned */
	uint8_t *huge_map;    /* its mapping (2 * X_HUGE) */
	uint8_t *hole;	      /* two unmapped pages (pinning targets) */
	int file_fd;	      /* a two-page memfd, -1 none */
	uint8_t *file;	      /* its pages, mapped shared */
	uint32_t pasid_val[X_PASID_SLOTS];
	uint64_t dma_limit;   /* the engine reaches IOVAs below this */
	/* The device's DMA works (dev_caps.dma): a failed discovery probe
	 * turns it off, and the explorer drives no DMA from it. */
	bool dev_dma[X_DEVS];
	/* Each window's background (see explore_steps.c), made once. */
	uint8_t bg[X_WPAGES][3][X_DMA_LEN];
	/*
	 * The target is the reference model and the oracle a model profile,
	 * not a mirror of caps: the steps whose expectation the
	 * mirror profile of a kernel or mock target does not carry yet (GET_
	 * HW_INFO's blob and length, the IOVA allocator, a dirty log fed by
	 * DMA, 2 MiB and adjacent IOPTEs, the mock's 2 KiB IOPTE) run only
	 * there; elsewhere they are -T_UNSUPPORTED on both sides.
	 */
	bool rich;
	/*
	 * After a destroy, the slot names nothing (ID 0) instead of the stale
	 * ID. Set against targets with objects of their own (caps
	 * hidden_objects: kernel, mock): which object reuses a freed ID there
	 * depends on objects the model does not have, and the order of ID
	 * reuse is not contract. Between two models the stale ID is kept: it
	 * finds use-after-destroy bugs.
	 */
	bool forget_destroyed;
	/* object-side steps are run (else both sides skip them): the target
	 * is the model itself and the oracle a named profile. The mirror oracle of a kernel or mock target
	 * has none of the mock's selftest nested/vIOMMU formats and no second
	 * context's lifetime to follow, and the kernel target lacks most of
	 * the ops (vIOMMU events, page requests, accesses). */
	bool obj_ok;
	unsigned obj_nctx; /* contexts the context steps name */
};

/* object-side steps: the slots of the objects they make (one side). */
#define X_OBJ_SLOTS 2
#define X_COOKIES 4
enum xobj_type { XO_FAULT, XO_VIOMMU, XO_VDEV, XO_VEVQ, XO_HWQ, XO_PIN,
		 XO_NTYPES };
struct xobj_side {
	uint32_t id[XO_NTYPES][X_OBJ_SLOTS];
	/* cookies of requests read from each fault queue, not answered */
	uint32_t cookie[X_OBJ_SLOTS][X_COOKIES];
	unsigned ncookie[X_OBJ_SLOTS];
};

struct side {
	struct target *t;
	uint32_t ioas[X_IOAS];
	uint32_t hwpt[X_HWPT];
	struct xobj_side obj; /* object-side steps */
};

struct xres {
	int ret;
	int64_t out; /* meaning depends on the step, see explore_exec_step() */
};

struct lockstep {
	const struct target_config *tcfg, *ocfg;
	/* tcfg with a discovery, when the caller's had none: every
	 * sequence's open then skips discovery. */
	struct target_config tcfg_discovered;
	struct target_discovery *discovery;
	struct universe u;
	struct explore_stats *st;
	char *why;
	size_t why_len;
	struct side a, b; /* kept open between sequences when both reset */
	bool open;
};

/* What the oracle says exists, so generated steps mostly name live slots. */
struct gen_state {
	uint64_t rng;
	bool ioas_live[X_IOAS];
	bool hwpt_live[X_HWPT];
	bool iova_mapped[X_IOVAS]; /* in some IOAS */
	bool pasid_used[X_PASID_SLOTS]; /* attached on some device once */
	bool pasid_live[X_PASID_SLOTS]; /* and not detached since */
	uint8_t pasid_dev[X_PASID_SLOTS]; /* the device of its last attach */
	uint8_t focus_dev;	   /* most steps act on one device */
	unsigned dma_permille;
	/* Swarm testing: each sequence leaves out a random subset of step
	 * kinds and draws its own PASID share and second device, so some
	 * sequences build deep states no uniform mix would reach. */
	bool kind_on[X_NKINDS];
	uint8_t pair_dev;	   /* the other device a sequence favours */
	unsigned pasid_per8;	   /* PASID (not RID) share, in eighths */
	unsigned len_mult;	   /* sequence length, in --length units */
	/* object-side steps: their share (eighths) and live slots */
	unsigned obj_per8;
	unsigned obj_chain; /* 0 a free mix; 1, 2 the vIOMMU, fault chain */
	bool obj_live[XO_NTYPES][X_OBJ_SLOTS];
	bool nested_live[X_HWPT];
	/* memory-side steps and operands in this sequence (half of them,
	 * where they run): the other half explores as before issue 15. */
	bool memory_on;
};

/* Where and how a sequence diverged. */
struct divergence {
	int step; /* -1: none */
	struct xres target, oracle;
};

/* Exhaustive mode: the distinct observable states seen so far. */
struct hashset {
	uint64_t *v;
	size_t cap, n;
};

/* Small helpers several pieces use: inline here rather than exported. */

/*
 * x is the target's result, y the oracle's. A step the target cannot
 * express (-T_UNSUPPORTED: e.g. DMA or attach through a device the kernel
 * or mock target has not opened) is not compared, as the runner SKIPs it.
 */
static inline bool same(const struct xres *x, const struct xres *y)
{
	if (x->ret == -T_UNSUPPORTED)
		return true;
	return x->ret == y->ret && x->out == y->out;
}

static inline uint64_t rng_next(uint64_t *s)
{
	/* xorshift64*: deterministic from the seed on every machine. */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* Defined in one piece, used by others. */

/* explore_steps.c */
bool explore_universe_init(struct universe *u, const struct target_caps *caps);
void explore_exec_step(const struct universe *u, struct side *s,
		       const struct xop *op, struct xres *r);
void explore_universe_free(struct universe *u);
/* "0 hit ..." for a DMA step's out (a page, or the regions it touched). */
void explore_describe_hit(char *b, size_t len, int64_t out);

/* explore.c: running sequences in lockstep */
int explore_open_sides(struct lockstep *ls, struct side **a, struct side **b);
int explore_run_lockstep(struct lockstep *ls, struct xseq *seq,
			 struct gen_state *g, struct divergence *d);

/* explore_gen.c: generating steps */
void explore_random_step(const struct universe *u, struct gen_state *g,
			 struct xop *op);
void explore_gen_init(struct gen_state *g, const struct universe *u,
		      uint64_t seq_seed, unsigned dma_permille);
void explore_gen_learn(struct gen_state *g, const struct xop *op,
		       const struct xres *oracle);

/* explore_gen.c: exhaustive mode */
bool explore_canonical_ok(const struct xseq *seq);
unsigned explore_alphabet(const struct universe *u, struct xop *a,
			  unsigned max);
uint64_t explore_observe(const struct universe *u, struct side *s);
void explore_hashset_add(struct hashset *hs, uint64_t x);

/* explore_steps_obj.c: the object-side steps */
void explore_obj_universe(struct universe *u, const struct target_caps *caps);
void explore_obj_exec(const struct universe *u, struct side *s,
		      const struct xop *op, struct xres *r);
void explore_obj_format(const struct xop *op, char *buf, size_t len);
bool explore_obj_parse(char **tok, unsigned n, struct xop *op);
bool explore_obj_describe(char *b, size_t len, const struct xop *op,
			  const struct xres *r);
uint8_t explore_obj_kind(const struct universe *u, struct gen_state *g);
void explore_obj_operands(const struct universe *u, struct gen_state *g,
			  struct xop *op);
void explore_obj_learn(struct gen_state *g, const struct xop *op);
bool explore_obj_names_hwpt(const struct xop *op);
unsigned explore_obj_alphabet(const struct universe *u, struct xop *a,
			      unsigned n, unsigned max);
uint64_t explore_obj_observe(const struct universe *u, struct side *s,
			     uint64_t h);

/* explore_shrink.c */
void explore_shrink(struct lockstep *ls, struct xseq *seq, int first_step);
void explore_report(struct lockstep *ls, const struct xseq *seq, uint64_t seed,
		    const struct explore_opts *o, FILE *out);

#endif
