/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the kernel target: kernel.c (the ops, the cheap open),
 * kernel_dma.c (DMA engines and their bounce window), kernel_discover.c
 * (what an open needs, learnt once: devices, caps, engines).
 */
#ifndef IC_KERNEL_INT_H
#define IC_KERNEL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../dma/dma.h"
#include "kernel_safety.h"
#include "target.h"

#define KT_MAX_HWPT 256
#define KT_MAX_IOAS 256
#define KT_NCTX 2

/* What discovery learnt of one device. */
struct kdev_facts {
	char bdf[32];
	char cdev[64];
	/* Its engine (NULL: no working DMA) and how far it reaches. */
	const struct dma_engine_driver *engine;
	uint64_t reach;
	/* The driver matched by PCI ID, and whether its discovery probe
	 * landed (at the top page or its alias) or ran and landed nowhere
	 * (engine is then NULL); neither when it moved nothing. */
	const struct dma_engine_driver *matched;
	bool probe_landed, landed_nowhere;
	unsigned slot; /* its bounce page in the window */
};

/* Everything discovery learnt that the ops need besides the caps. */
struct kernel_facts {
	unsigned ndev;
	struct kdev_facts dev[T_MAX_DEVS];
	char profile[32];
	/*
	 * The bounce window: a page per DMA device, mapped at the same IOVAs
	 * in every IOAS the target allocates and kept until the IOAS goes,
	 * so no DMA op maps or unmaps anything of its own. Inside every
	 * device's IOVA ranges, so no attach trips over it. last == 0: none.
	 */
	struct iova_range window;
	size_t slot_len; /* bytes per device in the window */
	/* Devices discovery unbound from their driver (allow_rebind): given
	 * back when the facts are freed, at the end of the run. */
	struct kt_rebound rebound[T_MAX_DEVS];
	unsigned nrebound;
};

/* What we know of an HWPT we allocated: where its mappings come from. */
struct khwpt {
	unsigned ctx;
	uint32_t id;   /* raw */
	uint32_t ioas; /* raw IOAS its mappings follow; 0: none (nested) */
};

/* An IOAS we allocated, and whether it holds the bounce window. */
struct kioas {
	unsigned ctx;
	uint32_t id; /* raw */
	bool window;
};

struct kt;

struct kdev {
	const struct kdev_facts *f;
	int fd; /* -1: not bound */
	unsigned ctx;
	uint32_t devid;
	/* The RID's translation, for the DMA engine's bounce page. */
	bool attached;
	unsigned att_ctx;
	uint32_t att_ioas; /* raw; 0 when it has no IOAS (nested) */
	bool have_io;
	struct dma_dev_io io;
	struct dma_engine *eng;
	/* A private IOAS lent for a read-back after the transfer under
	 * test (bounce get_late), taken away by put. */
	bool lent;
	uint32_t lent_ioas;
	struct kt *kt;
};

struct kt {
	struct target t;
	struct kernel_facts facts;
	int ufd[KT_NCTX];
	unsigned ndev;
	struct kdev dev[T_MAX_DEVS];
	struct khwpt hwpt[KT_MAX_HWPT];
	unsigned nhwpt;
	struct kioas ioas[KT_MAX_IOAS];
	unsigned nioas;
	/* close_ctx: ufd[c] closed while devices still hold the context;
	 * reopened fresh when the last of them unbinds. */
	bool ctx_closed[KT_NCTX];
	void *win_mem; /* the bounce pages, window-sized */
	size_t win_len;
	int win_fd;    /* the memfd behind win_mem; -1: anonymous memory */
	int fail_nth_fd;
	/* allow_unsafe_interrupts as found before set_unsafe_interrupts
	 * first changed it: -1 untouched, else 0/1, restored at close. */
	int unsafe_found;
};

static inline struct kt *KT(struct target *t)
{
	return (struct kt *)t;
}

void kt_say(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct kioas *kt_ioas_find(struct kt *k, unsigned ctx, uint32_t raw);

/* kernel_dma.c */
int kt_window_alloc(struct kt *k);
int kt_ioas_alloc(struct kt *k, unsigned ctx, uint32_t *raw);
int kt_ioas_unmap(struct kt *k, unsigned ctx, uint32_t raw, uint64_t iova,
		  uint64_t len, uint64_t *unmapped);
int kt_option_huge_pages(struct kt *k, unsigned ctx, uint32_t raw, bool set,
			 uint64_t *val);
int kt_dma(struct target *t, unsigned dev, uint32_t pasid, enum dma_dir dir,
	   uint64_t iova, void *buf, size_t len, char *ev, size_t evlen);
/*
 * The Max PASID Width of a PCI device's PASID capability, from the n bytes
 * of its config space (what pci_max_pasids() reads, not the IOMMU
 * driver): 0 when it has none (256 bytes: a conventional PCI device has no
 * extended capabilities at all), -1 when the extended space was not read
 * (sysfs gives 64 bytes to non-root).
 */
int kt_pci_pasid_width(const uint8_t *cfg, size_t n);
/* kt_pci_pasid_width() of the device at bdf as sysfs under root ("": the
 * real one) shows it; a VF's is its PF's (physfn), as pci_max_pasids()
 * reads it. -1 when the config space cannot be read. */
int kt_pci_pasid_width_at(const char *root, const char *bdf);
/*
 * kt_dma's answer to an engine's: -ENOLINK from a device whose RID is
 * attached to an IOAS holding the window (window_attached) is a
 * translation failure (-EIO, said in ev); any other -ENOLINK, and
 * -EOPNOTSUPP, a limit (-T_UNSUPPORTED); the rest as the engine said.
 * Shared with the engine controls (tests/unit/test_engine_controls.c).
 */
int kt_dma_verdict(int ret, bool window_attached, char *ev, size_t evlen);
void kt_engine_drop(struct kdev *d);

/* kernel_uapi2.c: the ops appended for issue 15 */
int kt_fault_queue_alloc(struct target *t, unsigned ctx, uint32_t *fault_id);
int kt_hwpt_alloc_fault(struct target *t, unsigned dev, uint32_t pt_id,
			uint32_t flags, uint32_t fault_id, uint32_t *hwpt_id);
int kt_option_rlimit_mode(struct target *t, unsigned ctx, bool set,
			  uint64_t *val);
int kt_viommu_alloc(struct target *t, unsigned dev, uint32_t hwpt_id,
		    uint32_t type, uint32_t flags, uint32_t *viommu_id);
int kt_ioas_change_process(struct target *t, unsigned ctx, bool in_child);
int kt_change_process_handoff(struct target *t, unsigned ctx,
			      uint64_t child_limit, int64_t *to_child,
			      int64_t *from_parent, int *back);
int kt_ioas_map_file(struct target *t, uint32_t ioas_id, uint32_t flags,
		     int fd, uint64_t start, uint64_t len, uint64_t *iova);

int kt_vfio_pt_raw(struct target *t, unsigned dev, bool detach,
		   uint32_t argsz, uint32_t flags, uint32_t pasid,
		   uint32_t *pt_id);
int kt_set_unsafe_interrupts(struct target *t, bool allow, bool *was);
void kt_unsafe_interrupts_restore(struct kt *k);
int kt_hot_reset_info(struct target *t, unsigned dev, uint32_t *flags,
		      struct t_reset_dep *deps, unsigned *n);
int kt_hot_reset(struct target *t, unsigned dev, uint32_t count,
		 uint32_t flags);

/* kernel.c: the bookkeeping of a successful attach of pasid (T_NO_PASID:
 * the RID) to the raw pt of dev's context, and of a detach. */
void kt_note_attach(struct kt *k, unsigned dev, uint32_t pasid, uint32_t raw);
void kt_note_detach(struct kt *k, unsigned dev, uint32_t pasid);

/* The iommufd of the context an object ID belongs to; *raw: the kernel's
 * ID, *ctx (may be NULL): the context. */
int kt_id_fd(struct kt *k, uint32_t id, uint32_t *raw, unsigned *ctx);

#endif
