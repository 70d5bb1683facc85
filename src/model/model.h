/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reference model: the iommu core + iommufd + VFIO cdev contract as user
 * space sees it, small enough to be obviously right. It is the oracle the
 * scenarios and the explorer compare real targets against.
 *
 * What is modelled: contexts (T_MAX_CTX iommufd files), objects with the
 * kernel's ID allocation (lowest free ID from 1 per context), IOAS areas,
 * allowed and reserved ranges, paging/nested HWPTs each holding its own page
 * table, devices in groups behind IOMMU instances, group ownership, RID and
 * per-group PASID attachments with both the iommufd bookkeeping ("sw") and
 * what the hardware translates through ("hw"), which only differ in the
 * negative-control profiles. DMA is resolved in software against real memory
 * of this process.
 *
 * IDs: every ID handed out is T_ID_MAKE(ctx, raw) with raw the ID the kernel
 * would give; an ID given back is looked up by its raw part in the context
 * its top byte names (device ops: the device's context, as VFIO does).
 *
 * Every op returns 0 or -errno, errno-exact to the 7.2 kernel unless a
 * comment says the contract asks for more than the kernel does.
 *
 * The model knows nothing about ioctls, except model_raw_ioctl() (abi.c),
 * which decodes a few /dev/iommu commands for the ABI invariants.
 */
#ifndef IC_MODEL_H
#define IC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../target/target.h"

#define HAVE_MODEL_PROFILES 1

#define MODEL_MAX_IOMMU 2
#define MODEL_MAX_RESV 4

/* Negative-control breakages: each bit is one way a real driver could err. */
enum model_bug {
	MB_DETACH_DROPS_PASIDS = 1 << 0,
	MB_DETACH_REFUSES_WITH_PASIDS = 1 << 1,
	MB_SHARED_PASID_TABLE = 1 << 2,
	MB_RELEASE_KEEPS_PASIDS = 1 << 3,
	MB_STALE_UNMAP = 1 << 4,
	MB_NON_ATOMIC_REPLACE = 1 << 5,
	MB_RO_WRITABLE = 1 << 6,
	MB_RESV_UNREPORTED = 1 << 7,
	MB_REPLACE_KEEPS_OLD = 1 << 8,
	MB_DETACH_IDENTITY = 1 << 9,
	MB_LAX_ABI = 1 << 10,
};

/* One IOMMU instance: geometry and what its driver accepts. */
struct model_iommu {
	uint64_t aperture_start, aperture_end; /* inclusive */
	bool dirty;		/* IOMMU_CAP_DIRTY_TRACKING */
	bool pasid_paging;	/* paging domains have set_dev_pasid */
	bool nest_parent;	/* NEST_PARENT allocation works */
	bool nest_parent_alone; /* NEST_PARENT refuses any other flag */
	bool dirty_with_pasid;	/* DIRTY|PASID may be combined at alloc */
	bool dirty_on_pasid;	/* a dirty-tracking domain may go on a PASID */
	uint32_t nested_data_type;  /* IOMMU_HWPT_DATA_*; 0: no nesting */
	uint32_t nested_data_len;   /* minimum user data length */
	uint32_t inv_data_type;	    /* IOMMU_HWPT_INVALIDATE_DATA_* */
	uint32_t hw_info_type;	    /* IOMMU_HW_INFO_TYPE_* */
	uint32_t hw_info_len;	    /* driver blob length */
	unsigned nresv;		    /* reserved regions of its devices */
	struct iova_range resv[MODEL_MAX_RESV];
};

struct model_dev_desc {
	uint32_t group;
	unsigned iommu;
	uint8_t max_pasid_log2;
};

struct model_profile {
	const char *name;
	const char *description; /* one line */
	/* Comma list of the invariant IDs this profile violates; "" for a
	 * conforming profile. */
	const char *breaks;
	unsigned nctx;
	unsigned ndev;
	struct model_dev_desc dev[T_MAX_DEVS];
	unsigned niommu;
	struct model_iommu iommu[MODEL_MAX_IOMMU];
	unsigned bugs; /* enum model_bug */
};

/* The profile table (profiles.c); [0] is "default". */
const struct model_profile *model_profiles(unsigned *n);
/* NULL name: the default profile; unknown name: NULL. */
const struct model_profile *model_profile_find(const char *name);

struct model;

/* NULL profile: default. Returns NULL only when out of memory. */
struct model *model_new(const struct model_profile *p);
void model_free(struct model *m);
/* Back to the freshly created state (no contexts used, nothing bound). */
void model_reset(struct model *m);
const struct model_profile *model_profile_of(const struct model *m);
/* Capabilities as a target reports them (target "model"). */
void model_caps(const struct model *m, struct target_caps *caps);

/* Operations: the semantics of the same-named target ops (target.h). */
int model_ioas_alloc(struct model *m, unsigned ctx, uint32_t *ioas_id);
int model_destroy(struct model *m, uint32_t id);
int model_ioas_map(struct model *m, uint32_t ioas_id, uint32_t flags,
		   void *uva, uint64_t len, uint64_t *iova);
int model_ioas_unmap(struct model *m, uint32_t ioas_id, uint64_t iova,
		     uint64_t len, uint64_t *unmapped);
int model_ioas_copy(struct model *m, uint32_t dst_ioas, uint32_t src_ioas,
		    uint32_t flags, uint64_t src_iova, uint64_t len,
		    uint64_t *dst_iova);
int model_iova_ranges(struct model *m, uint32_t ioas_id,
		      struct iova_range *ranges, unsigned *n,
		      uint64_t *alignment);
int model_allow_iovas(struct model *m, uint32_t ioas_id,
		      const struct iova_range *ranges, unsigned n);
int model_hwpt_alloc(struct model *m, unsigned dev, uint32_t pt_id,
		     uint32_t flags, uint32_t data_type, const void *data,
		     uint32_t data_len, uint32_t *hwpt_id);
int model_hwpt_invalidate(struct model *m, uint32_t hwpt_id,
			  uint32_t data_type, const void *reqs,
			  uint32_t entry_len, uint32_t *entry_num);
int model_hw_info(struct model *m, unsigned dev, void *data,
		  uint32_t *data_len, uint64_t *caps, uint8_t *max_pasid_log2);
int model_ioas_option_huge_pages(struct model *m, uint32_t ioas_id, bool set,
				 uint64_t *val);
int model_set_dirty_tracking(struct model *m, uint32_t hwpt_id, bool enable);
int model_get_dirty_bitmap(struct model *m, uint32_t hwpt_id, uint64_t iova,
			   uint64_t len, uint64_t page_size, uint32_t flags,
			   uint64_t *bitmap);
int model_bind(struct model *m, unsigned dev, unsigned ctx);
int model_unbind(struct model *m, unsigned dev);
int model_attach(struct model *m, unsigned dev, uint32_t pasid,
		 uint32_t pt_id, uint32_t *out_pt);
int model_detach(struct model *m, unsigned dev, uint32_t pasid);
int model_dma(struct model *m, unsigned dev, uint32_t pasid, enum dma_dir dir,
	      uint64_t iova, void *buf, size_t len, char *evidence,
	      size_t evidence_len);
int model_inject_fail_nth(struct model *m, unsigned nth);
/* abi.c: a few /dev/iommu commands decoded with the size/reserved rules. */
int model_raw_ioctl(struct model *m, unsigned ctx, unsigned long cmd,
		    void *arg);

/* Introspection for tests and the explorer. */
/* The iommufd device ID of a bound device, 0 when unbound. */
uint32_t model_dev_id(const struct model *m, unsigned dev);
/* The HWPT ID the hardware translates (dev, pasid) through, 0 = blocked. */
uint32_t model_hw_hwpt(const struct model *m, unsigned dev, uint32_t pasid);
/* The device index bound to ctx with raw device ID raw, -1 if none. */
int model_dev_by_id(const struct model *m, unsigned ctx, uint32_t raw);
bool model_ctx_empty(const struct model *m, unsigned ctx);
bool model_ioas_exists(const struct model *m, uint32_t id);
uint32_t model_hw_info_type(const struct model *m, unsigned dev);
/* Internal consistency (refcounts, object table, areas, and for conforming
 * profiles hardware == bookkeeping); NULL when consistent, else what is
 * wrong. For tests and the explorer's self-checks. */
const char *model_check(const struct model *m);

#endif
