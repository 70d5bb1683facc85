/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The explorer: sequences of operations over a small universe, run on a
 * target and on the model oracle in lockstep through the same ops table.
 * Any difference in a result (errno, unmapped length, which IOVAs the
 * reported ranges admit, where a DMA landed) is a divergence; it is shrunk
 * to a minimal sequence and written as a replayable text file.
 */
#ifndef IC_EXPLORE_H
#define IC_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../targets/target.h"

#define X_MAX_OPS 256

enum xop_kind {
	X_BIND,
	X_UNBIND,
	X_IOAS_ALLOC,
	X_DESTROY_IOAS,
	X_HWPT_ALLOC,
	X_DESTROY_HWPT,
	X_MAP,
	X_UNMAP,
	X_UNMAP_ALL,
	X_COPY,
	X_ATTACH_IOAS,
	X_ATTACH_HWPT,
	X_DETACH,
	X_RANGES,
	X_DMA_WRITE,
	X_DMA_READ,
	X_ABI, /* a raw /dev/iommu ioctl breaking a size/reserved rule */
	/* memory-side steps */
	X_HW_INFO,    /* GET_HW_INFO of dev, data_len by arg (enum xhw) */
	X_HUGE_PAGES, /* IOMMU_OPTION_HUGE_PAGES := arg on an IOAS */
	X_SET_DIRTY,  /* SET_DIRTY_TRACKING := arg on an HWPT */
	X_GET_DIRTY,  /* GET_DIRTY_BITMAP of two pages at an IOVA slot */
	X_MARK_DIRTY, /* the IOMMU logs a device write to a slot's page */
	X_ALLOW,      /* ALLOW_IOVAS of the ranges arg names (enum xallow) */
	X_MAP_FILE,   /* MAP_FILE of the universe memfd from its second page */
	/* object-side steps (explore_steps_obj.c): a second context, nesting,
	 * fault queues, vIOMMU objects, emulated accesses */
	X_BIND_CTX,	/* BIND to context arg */
	X_BIND_2FD,	/* BIND through a second cdev fd, to context arg */
	X_CLOSE_CTX,	/* close context arg's /dev/iommu */
	X_IOAS_CTX,	/* IOAS_ALLOC on context arg */
	X_PARENT_ALLOC, /* HWPT_ALLOC with NEST_PARENT */
	X_NEST_ALLOC,	/* a nested HWPT on HWPT slot buf (or vIOMMU slot buf) */
	X_INVALIDATE,	/* HWPT_INVALIDATE; out: entry_num */
	X_IOTLB,	/* a nested HWPT's IOTLB entries; out: valid mask */
	X_FAULT_ALLOC,	/* FAULT_QUEUE_ALLOC, fd kept open or closed */
	X_HWPT_FAULT,	/* HWPT_ALLOC with FAULT_ID_VALID naming queue buf */
	X_IOPF,		/* the IOMMU reports a page request of dev */
	X_FAULT_READ,	/* read() of a fault queue; out: records */
	X_FAULT_RESPOND, /* write() of one response to a read request */
	X_VIOMMU_ALLOC, /* VIOMMU_ALLOC on HWPT slot hwpt */
	X_VDEV_ALLOC,	/* VDEVICE_ALLOC of dev on a vIOMMU */
	X_VEVQ_ALLOC,	/* VEVENTQ_ALLOC of depth 1 on a vIOMMU */
	X_VEVENT,	/* the IOMMU reports an event of dev to its vIOMMU */
	X_VEVQ_READ,	/* read() of a vEVENTQ; out: bytes, lost records */
	X_HWQ_ALLOC,	/* HW_QUEUE_ALLOC over one page at IOVA slot iova */
	X_ACCESS_PIN,	/* an emulated access pins one page at iova */
	X_ACCESS_UNPIN, /* ... and drops that pin */
	X_DESTROY_OBJ,	/* DESTROY of an object-side slot */
	X_FD_CLOSE,	/* close() of a fault queue's or vEVENTQ's fd */
	X_DMA_AT_VA,	/* RID DMA at a buffer's own address (IOVA == "PA") */
	X_NKINDS
};
#define X_OBJ_FIRST X_BIND_CTX

/* Raw ABI probes (X_ABI), each against one rule of docs/contract.md OBJ-*. */
enum xabi {
	XA_TAIL,       /* IOAS_ALLOC, size + 8 with a non-zero tail: E2BIG */
	XA_ZERO_TAIL,  /* IOAS_ALLOC, size + 8 with a zero tail: accepted */
	XA_FLAGS,      /* IOAS_ALLOC with an unknown flag: EOPNOTSUPP */
	XA_RANGES_RSV, /* IOAS_IOVA_RANGES, __reserved set: EOPNOTSUPP */
	XA_UNKNOWN,    /* an ioctl number iommufd does not have: ENOTTY */
	XA_RANGES_SHORT, /* IOVA_RANGES with room for none: EMSGSIZE */
	XA_UNKNOWN_NULL, /* a number past the table, NULL argument: ENOTTY */
	XA_WRONG_ENC_NULL, /* a table number, wrong encoding, NULL: EFAULT */
	XA_RLIMIT_SET,	   /* OPTION RLIMIT_MODE SET 0: EBUSY once objects exist */
	XA_CHANGE_PROCESS, /* IOAS_CHANGE_PROCESS: EINVAL with a user-VA map */
	XA_INVALIDATE_BIG, /* HWPT_INVALIDATE, entry_len > PAGE_SIZE: EINVAL */
	XA_NCASES
};

/* memory-side steps: the arg bits and cases of the steps above. */
#define XM_PAGES 0x3	    /* MAP: 1 or 2 pages */
#define XM_PLUS_PAGE 0x4    /* MAP: at the slot + 1 page (an adjacent IOPTE) */
#define XM_AUTO 0x40	    /* MAP: the kernel picks the IOVA */
#define XM_UNALIGNED 0x80   /* MAP: the length 0x100 short of the pages */
#define XC_SLOT 0x7	    /* COPY: the source IOVA slot */
#define XC_TWO_PAGES 0x8    /* COPY: two pages, not one */
#define XD_NO_CLEAR 0x1	    /* GET_DIRTY: IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR */
#define XD_UNALIGNED 0x2    /* GET_DIRTY: from the slot + 0x100 */
#define XD_NO_BITMAP 0x4    /* GET_DIRTY: a bitmap that cannot be written */
enum xdma_at { /* DMA: where in the slot the 64 bytes go */
	XT_MID,	  /* the slot + 0x40 */
	XT_PAGE1, /* the slot + 1 page + 0x40 (2 MiB maps) */
	XT_CROSS, /* the slot + 1 page - 0x20: across a page boundary */
	XT_N
};
enum xhw { XH_NONE, XH_SHORT, XH_EXACT, XH_LONG, XH_N }; /* 0, 8, 64, 256 */
enum xallow {
	XW_NONE,   /* no ranges: back to everything */
	XW_LOW,	   /* slots 0 and 1 only */
	XW_BYTE,   /* one single-byte range (RANGE-4: EINVAL) */
	XW_N
};

/* One step. Operands are universe slots, not IDs (see explore.c). */
struct xop {
	uint8_t kind;
	uint8_t dev;   /* universe device */
	uint8_t pasid; /* 0 = RID, 1..X_PASIDS */
	uint8_t ioas;  /* IOAS slot (COPY: destination) */
	uint8_t hwpt;  /* HWPT slot */
	uint8_t iova;  /* IOVA slot (COPY: destination) */
	uint8_t buf;   /* buffer (COPY: source IOAS slot) */
	uint8_t arg;   /* MAP: pages | prot << 4 | XM_*; HWPT: flags; COPY:
			* src IOVA slot | XC_*; ABI: which rule (enum xabi);
			* DMA: enum xdma_at; memory-side steps: see above;
			* object-side steps: see explore_steps_obj.c */
};

struct xseq {
	unsigned n;
	struct xop op[X_MAX_OPS];
};

struct explore_opts {
	uint64_t seed;
	unsigned max_seqs;     /* 0: no limit (then max_seconds bounds it) */
	unsigned seq_len;      /* ops per random sequence */
	double max_seconds;    /* 0: no limit */
	unsigned dma_permille; /* share of DMA steps in random sequences */
	bool exhaustive;       /* all canonical sequences up to depth */
	unsigned depth;
	bool progress;	       /* a status line on stderr while running */
	bool quiet;	       /* no divergence report on out */
	const char *replay_out; /* write the shrunk divergence here */
};

struct explore_stats {
	uint64_t seqs;
	uint64_t ops;	  /* steps executed on the target under test */
	uint64_t dma_ops; /* of which DMA steps */
	uint64_t divergences;
	uint64_t states;  /* exhaustive: distinct observable states */
	double seconds;
	unsigned shrunk_len; /* length of the first shrunk divergence */
	double shrink_seconds;
};

/*
 * Run the explorer. target and oracle are opened afresh for each sequence
 * from their configs. Returns 0 when no divergence was found, 1 when one
 * was (reported on out), 2 when a target could not be opened (why filled).
 */
int explore_run(const struct target_config *target,
		const struct target_config *oracle,
		const struct explore_opts *o, struct explore_stats *st,
		FILE *out, char *why, size_t why_len);

/* Replay a file written by explore_run: 0 agree, 1 diverge, 2 bad file. */
int explore_replay(const char *path, const struct target_config *target,
		   const struct target_config *oracle, FILE *out, char *why,
		   size_t why_len);

/* The steps of a replay file read from f (name: for messages) into seq:
 * 0, or 2 with why ("NAME:LINE: not a step: ...") on a malformed line. */
int explore_replay_read(FILE *f, const char *name, struct xseq *seq, char *why,
			size_t why_len);

/* Text form of one step, as in replay files. */
void xop_format(const struct xop *op, char *buf, size_t len);
/* Parse one replay line; false on a malformed line. */
bool xop_parse(const char *line, struct xop *op);

#endif
