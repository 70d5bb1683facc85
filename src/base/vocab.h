/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shared vocabulary, at the bottom of every layer: object IDs and
 * contexts, IOVA ranges, the uAPI flags as the ops spell them, DMA kinds
 * and directions, and what a target reports about itself (its caps). The
 * model, the uAPI wrappers, the targets and the reports all speak it; it
 * includes nothing of the project.
 */
#ifndef IC_BASE_VOCAB_H
#define IC_BASE_VOCAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define T_UNSUPPORTED 4095 /* returned negated */
#define T_MAX_DEVS 8
#define T_MAX_RANGES 16
#define T_MAX_RESV_REQUIRED 4
#define T_MAX_CTX 2
#define T_ID_CTX(id) ((id) >> 24)
#define T_ID_MAKE(ctx, raw) (((uint32_t)(ctx) << 24) | (raw))
#define T_NO_PASID 0xffffffffu /* "the RID", for ops taking a pasid */

/* VFIO_DEVICE_GET_PCI_HOT_RESET_INFO's flags and devid markers, as the
 * uAPI spells them. */
enum {
	T_RESET_DEV_ID = 1 << 0,
	T_RESET_DEV_ID_OWNED = 1 << 1,
};
#define T_DEVID_OWNED 0
#define T_DEVID_NOT_OWNED (-1)

/* One device a hot reset of some device would reset too. */
struct t_reset_dep {
	int dev;	/* the target's device index at that address; -1: none */
	int32_t devid;	/* as reported: T_DEVID_*, or an iommufd device ID */
	int devid_dev;	/* the bound device whose ID devid is, in the asking
			 * device's context; -1: none */
};

struct iova_range {
	uint64_t start;
	uint64_t last; /* inclusive */
};

/* IOMMU_IOAS_MAP / HWPT_ALLOC flags, as the uAPI spells them. */
enum {
	T_MAP_FIXED_IOVA = 1 << 0,
	T_MAP_WRITEABLE = 1 << 1,
	T_MAP_READABLE = 1 << 2,
};
enum {
	T_HWPT_NEST_PARENT = 1 << 0,
	T_HWPT_DIRTY_TRACKING = 1 << 1,
	T_HWPT_FAULT_ID_VALID = 1 << 2,
	T_HWPT_PASID = 1 << 3,
};

enum dma_kind {
	DMA_NONE,     /* no engine: DMA scenarios SKIP */
	DMA_REAL,     /* a device really moves bytes through the IOMMU */
	DMA_MODELLED, /* the model resolves the access in software */
	DMA_PROBED,   /* a test-driver translation query (mock), not a DMA */
};

enum dma_dir {
	DMA_TO_MEMORY,	 /* device writes host memory at an IOVA */
	DMA_FROM_MEMORY, /* device reads host memory at an IOVA */
};

/* What one device is and can do, discovered once when the target opens. */
struct dev_caps {
	char name[32];	     /* BDF on kernel targets, "mockN"/"modelN" else */
	uint32_t group;	     /* iommu group number; equal means same group */
	/* Devices a PCI hot reset resets together share it, from the PCI
	 * topology (a bus behind a bridge), not from VFIO; 0: the device
	 * has no slot or bus reset (on a root bus). */
	uint32_t reset_domain;
	uint32_t iommu;	     /* IOMMU instance; equal means same instance */
	uint8_t max_pasid_log2; /* 0: no PASID */
	bool dirty_tracking; /* IOMMU_HW_CAP_DIRTY_TRACKING */
	/* The PASID width and dirty capability the contract or the platform
	 * says the device has, independent of GET_HW_INFO (the two fields
	 * above are what the driver reports): the explorer's oracle takes
	 * these. *_known false: no independent source here; the oracle then
	 * takes the reported value and says so. */
	bool pasid_known, dirty_known;
	uint8_t max_pasid_log2_expected;
	bool dirty_expected;
	bool dma;	     /* a DMA engine drives this device */
	bool dma_pasid;	     /* ...and it can tag its DMA with a PASID */
	/* The DMA engine that drives its kind of device ("": none), even
	 * when dma is false because the engine's discovery probe, a write
	 * through a mapping of a fresh IOAS attached to the device, landed
	 * nowhere (dma_probe_landed_nowhere). dma_probe_landed: that write
	 * ran and landed, so the engine is shown to work. */
	char dma_engine[16];
	bool dma_probe_landed_nowhere;
	bool dma_probe_landed;
	uint32_t hw_info_type; /* IOMMU_HW_INFO_TYPE_* */
	/* Reserved regions the device reports (sysfs reserved_regions on a
	 * kernel target), not counting direct-relaxable ones. */
	unsigned nresv;
	struct iova_range resv[T_MAX_RANGES];
	/* Reserved regions the contract requires for this device's driver
	 * on this platform (never read from the driver): the expectation
	 * RANGE-3, ATTACH-9/10 and the explorer's oracle judge by. */
	unsigned nresv_required;
	struct iova_range resv_required[T_MAX_RESV_REQUIRED];
	const char *resv_required_why[T_MAX_RESV_REQUIRED];
	/* What GET_HW_INFO must say, by the driver's identity (its iommu
	 * class name, the test driver, the model profile), not by asking
	 * GET_HW_INFO: OBJ-11's expectation. */
	bool hw_info_known;
	uint32_t hw_info_type_expected;
	uint32_t hw_info_len_expected;
	/* Kconfig option without which the driver reports NONE, 0 (a GAP). */
	const char *hw_info_gated_by;
};

struct target_caps {
	const char *target;  /* "model", "mock", "kernel" */
	const char *profile; /* model profile, kernel driver name, ... */
	unsigned ndev;
	struct dev_caps dev[T_MAX_DEVS];
	enum dma_kind dma;
	size_t dma_max_len;   /* largest single transfer the engine takes */
	uint64_t dma_iova_limit; /* engine can address IOVAs below this */
	unsigned nctx;	      /* iommufd contexts the target can open */
	bool pasid_uapi;      /* kernel has VFIO_DEVICE_{ATTACH,DETACH}_PASID */
	bool hwpt_alloc;      /* IOMMU_HWPT_ALLOC works */
	bool fault_inject;    /* fail-nth style injection is available */
	bool unsafe_interrupts; /* allow_unsafe_interrupts was needed */
	/* What the contract says of MSI isolation on this platform, by the
	 * IOMMU driver's identity (never by asking BIND): 1 the platform
	 * isolates MSIs, -1 it cannot (virtio-iommu on x86: no interrupt
	 * remapping), 0 not known here (OWN-8). */
	int msi_isolation;
	/* IOVAs the DMA engines keep mapped for themselves in every IOAS
	 * (their bounce pages): never hand them to a scenario. last == 0:
	 * none. */
	struct iova_range dma_window;
	/* IOAS_MAP pins real user pages, so a hole in the address space
	 * fails it (the model has no address space to check). */
	bool pins_user_memory;
	/* Some iommufd objects are the target's own (the mock's bind makes
	 * a park IOAS and domain, the kernel target's DMA read-back an
	 * IOAS): which object takes a freed ID is not the ops' to predict. */
	bool hidden_objects;
	/* The target is the reference model itself (profile: a model
	 * profile). */
	bool reference_model;
	/* Named devices the target could not use; notes say which and why. */
	unsigned ndev_left_out;
	/* Per IOMMU instance (dev_caps.iommu): the IOVAs its paging domains
	 * translate. last == 0: not known. */
	struct iova_range iommu_aperture[T_MAX_DEVS];
	char kernel_release[64];
	char notes[320];      /* shown in reports, e.g. why something is off */
};

#endif
