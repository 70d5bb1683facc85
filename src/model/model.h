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

#include "../base/vocab.h"

#define HAVE_MODEL_PROFILES 1

#define MODEL_MAX_IOMMU 2
#define MODEL_MAX_RESV 4

/*
 * Negative-control breakages: each value is one way a real driver (or the
 * core) could err. A profile carries at most one (model_profile.bug); 0 is
 * none. The comment names the invariants a run then fails.
 */
enum model_bug {
	MB_NONE = 0,
	MB_DETACH_DROPS_PASIDS,	  /* SEED-A */
	MB_DETACH_REFUSES_WITH_PASIDS, /* SEED-A */
	MB_SHARED_PASID_TABLE,	  /* SEED-C */
	MB_RELEASE_KEEPS_PASIDS,  /* SEED-B */
	MB_STALE_UNMAP,		  /* DMA-4, DMA-5 */
	MB_NON_ATOMIC_REPLACE,	  /* ATTACH-4, PASID-7 */
	MB_RO_WRITABLE,		  /* DMA-2 */
	MB_RESV_UNREPORTED,	  /* RANGE-3, IOAS-4, ATTACH-9/10/13, RANGE-5 */
	MB_RESV_FORGOTTEN,	  /* RANGE-3, ATTACH-9/10/13: nor does sysfs */
	MB_REPLACE_KEEPS_OLD,	  /* ATTACH-5 */
	MB_DETACH_IDENTITY,	  /* ATTACH-6, GROUP-4 */
	MB_LAX_ABI,		  /* OBJ-1, OBJ-3 */
	MB_UNMAP_SPLITS,	  /* IOAS-6 */
	MB_MAP_OVERLAP_OK,	  /* IOAS-3 */
	MB_DIRTY_STALE_ON_ENABLE, /* DIRTY-2 */
	MB_NO_CLEAR_IGNORED,	  /* DIRTY-3 */
	MB_DIRTY_WITHOUT_CAP,	  /* HWPT-2 */
	MB_AUTO_HWPT_LEAK,	  /* OBJ-8 */
	MB_EMSGSIZE_SILENT,	  /* RANGE-2 */
	MB_HUGE_PAGES_LAX,	  /* IOAS-13 */
	MB_UNKNOWN_IOCTL_EINVAL,  /* OBJ-2 */
	MB_LOOKUP_WRONG_TYPE_EINVAL, /* OBJ-4 */
	MB_DESTROY_BUSY_TEARDOWN, /* OBJ-5, OBJ-6 */
	MB_DESTROY_DEVICE_OK, /* OBJ-7 */
	MB_DESTROY_TWICE_OK,	  /* OBJ-9 */
	MB_HW_INFO_NO_ZERO_FILL,  /* OBJ-11 */
	MB_BIND_TWICE_EBUSY,	  /* OWN-1 */
	MB_PREBIND_ENODEV,	  /* OWN-2 */
	MB_OWNER_EBUSY,		  /* OWN-3 */
	MB_BIND_IDENTITY,	  /* OWN-4 */
	MB_RELEASE_KEEPS_RID,	  /* OWN-5 */
	MB_MSI_UNISOLATED,	  /* OWN-6 */
	MB_ATTACH_NO_PT_WRITEBACK, /* ATTACH-1 */
	MB_AUTO_DOMAIN_EXCLUSIVE, /* ATTACH-2 */
	MB_REPLACE_SAME_EBUSY,	  /* ATTACH-3 */
	MB_DETACH_UNATTACHED_EINVAL, /* ATTACH-7 */
	MB_ATTACH_MISSING_EINVAL, /* ATTACH-8 */
	MB_HWPT_NOT_PREFILLED,	  /* ATTACH-11 */
	MB_MAP_FIRST_DOMAIN_ONLY, /* ATTACH-12 */
	MB_DMA_CONTIG_ASSUMED,	  /* DMA-1 */
	MB_WO_NO_ACCESS,	  /* DMA-3 */
	MB_STALE_REMAP,		  /* DMA-6 */
	MB_HUGE_FIRST_PAGE,	  /* DMA-7 */
	MB_APERTURE_SHORT,	  /* DMA-8 */
	MB_COPY_AT_SOURCE_IOVA,	  /* DMA-9 */
	MB_SHARED_DOMAIN_NOT_INSTALLED, /* DMA-10 */
	MB_MAP_NOPROT_OK,	  /* IOAS-1 */
	MB_MAP_UNALIGNED_OK,	  /* IOAS-2 */
	MB_AUTO_IOVA_ZERO,	  /* IOAS-5 */
	MB_UNMAP_EMPTY_OK,	  /* IOAS-7 */
	MB_UNMAP_BYTES_ASKED,	  /* IOAS-8 */
	MB_COPY_PARTIAL_OK,	  /* IOAS-9 */
	MB_COPY_IGNORES_WRITABLE, /* IOAS-10 */
	MB_WRAP_EINVAL,		  /* IOAS-11 */
	MB_ATTACH_IGNORES_LIMITS, /* IOAS-12 */
	MB_FRESH_ALIGN_PAGE,	  /* RANGE-1 */
	MB_ALLOW_SINGLE_BYTE,	  /* RANGE-4 */
	MB_RANGES_UNSORTED,	  /* RANGE-6 */
	MB_HWPT_FLAGS_IGNORED,	  /* HWPT-1 */
	MB_PT_ID_ENOENT,	  /* HWPT-3 */
	MB_FLAG_COMBO_ENOMEM,	  /* HWPT-4 */
	MB_INCOMPAT_ENODEV,	  /* HWPT-5 */
	MB_PASID_ANY_HWPT,	  /* PASID-1 */
	MB_RID_REPLACE_IGNORES_PASIDS, /* PASID-2 */
	MB_PASID_IGNORES_RID,	  /* PASID-3 */
	MB_PASID_REATTACH_EBUSY,  /* PASID-4 */
	MB_PASID_DETACH_ENOENT,	  /* PASID-5 */
	MB_PASID_RANGE_UNCHECKED, /* PASID-6 */
	MB_PASID_DETACH_FLUSHES_ALL, /* PASID-8 */
	MB_PASID_ON_RID,	  /* PASID-9 */
	MB_GROUP_SPLIT_EBUSY,	  /* GROUP-1 */
	MB_GROUP_REPLACE_EBUSY,	  /* GROUP-2 */
	MB_GROUP_DETACH_BLOCKS,	  /* GROUP-3 */
	MB_DIRTY_NOCAP_OK,	  /* DIRTY-1 */
	MB_NEST_ANY_PARENT,	  /* NEST-1 */
	MB_INVALIDATE_PAGING_OK,  /* NEST-2 */
	MB_REPLACE_FAIL_UNRESERVES, /* ATTACH-4, IOAS-4 (7.2 err_unresv) */
	MB_ALLOW_LIMITS_FIXED,	  /* RANGE-7 */
	MB_DIRTY_UNALIGNED_OK,	  /* DIRTY-4 */
	MB_GROUP_UNATTACHED_BLOCKED, /* GROUP-5 */
	MB_PASID_NOSUPPORT_EINVAL, /* PASID-10 */
	MB_PASID_NEEDS_RID,	  /* SEED-A (QEMU VT-d without 0003, F3) */
	/* The engine controls: the DMA engine is broken, not the IOMMU (no
	 * DMA invariant may PASS with them: tests/engine-controls.sh). */
	MB_ENGINE_NEVER_MOVES,	  /* reports every transfer done, moves nothing */
	MB_ENGINE_LANDS_ALL,	  /* reaches any memory ever mapped at the IOVA */
	MB_ENGINE_TIMES_OUT,	  /* never completes */
	MB_SECOND_FD_BIND_OK,	  /* OWN-7 */
	MB_CLOSE_CTX_TEARDOWN,	  /* OBJ-10 */
	MB_DEV_DMA_UNTRANSLATED,  /* ATTACH-12: the last device's DMA never
				   * translates (F2), so its discovery probe
				   * lands nowhere */
	MB_UNKNOWN_IOCTL_READS_SIZE, /* OBJ-2 */
	MB_REPLACE_FAULT_BLOCKS,  /* ATTACH-4 */
	MB_NEST_NODATA_EINVAL,	  /* NEST-1 */
	MB_FAULT_FLAG_UNMASKED,	  /* HWPT-4 */
	MB_FAULT_QUEUE_UNHELD,	  /* FAULT-1 */
	MB_RLIMIT_MODE_LAX,	  /* IOAS-14 */
	MB_MAP_FILE_AT_ZERO,	  /* IOAS-15 */
	MB_CHANGE_PROCESS_USER_MAPS, /* IOAS-16 */
	MB_INVALIDATE_UNBOUNDED,  /* NEST-3 */
	MB_DIRTY_BITMAP_LOST,	  /* DIRTY-4 (F5) */
	MB_VIOMMU_PARENT_UNHELD,  /* NEST-4 */
	MB_INVALIDATE_COUNT_ASKED, /* NEST-5 */
	MB_HW_INFO_WRONG_TYPE,	  /* OBJ-11: another driver's type */
	MB_HW_INFO_SHORT_LEN,	  /* OBJ-11: data_len 8 bytes short */
	MB_HW_INFO_DIRTY_UNBACKED, /* OBJ-11: dirty cap, no dirty domain */
	MB_UNMAP_ALL_OVERFLOW,	  /* IOAS-11 */
	MB_VDEV_VIRT_ID_SHARED,	  /* VIOMMU-1 */
	MB_VDEV_NO_TOMBSTONE,	  /* VIOMMU-2 */
	MB_VEVENT_LOST_UNMARKED,  /* VIOMMU-3 */
	MB_FAULT_RESPONSE_ANY_CODE, /* FAULT-2 */
	MB_DETACH_KEEPS_FAULTS,	  /* FAULT-3 */
	MB_INVALIDATE_NOOP,	  /* NEST-6 */
	MB_HW_QUEUE_UNLOCKED,	  /* VIOMMU-4 */
	MB_ACCESS_PIN_BLOCKS,	  /* IOAS-17 */
	MB_PIN_PER_AREA,	  /* IOAS-18 */
	MB_MEMLOCK_UNENFORCED,	  /* IOAS-19 */
	MB_MM_MODE_CHARGES_USER,  /* IOAS-20 */
	MB_CHANGE_PROCESS_KEEPS_CHARGE, /* IOAS-21 */
	MB_DETACH_KEEPS_PINS,	  /* OBJ-12 */
	MB_ACCESS_PIN_UNCHARGED,  /* IOAS-22 */
	MB_CAP_AT_PIN_TIME,	  /* IOAS-23 */
	MB_PASID0_REFUSED,	  /* PASID-11 */
	MB_VFIO_PT_FLAGS_LAX,	  /* PASID-12 */
	MB_PASID_IDA_UNBOUNDED,	  /* PASID-13 */
	MB_UNSAFE_INTR_IGNORED,	  /* OWN-8 */
	MB_RESET_INFO_GROUP_UNOWNED, /* OWN-9 */
	MB_RESET_GROUP_UNOWNED,	  /* OWN-10 */
	MB_DIRTY_REENABLE_FIRST_ONLY, /* DIRTY-5 */
	MB_DIRTY_FIRST_AREA_ONLY, /* DIRTY-6 */
	MB_DIRTY_ONE_BIT,	  /* DIRTY-7 */
	MB_DIRTY_BITMAP_U64_ALIGNED, /* DIRTY-8 */
	MB_HWPT_DATA_LEN_UNCHECKED, /* HWPT-6 */
	MB_PAGING_DATA_IGNORED,	  /* HWPT-7 */
	MB_HW_INFO_TYPE_UNCLEARED, /* OBJ-14 */
	MB_VIOMMU_INV_SKIPS_UNKNOWN, /* VIOMMU-5 */
	MB_NESTED_VIOMMU_UNHELD,  /* VIOMMU-6 */
	MB_HW_QUEUE_NO_DEPEND,	  /* VIOMMU-7 */
	MB_NESTED_ATTACH_NO_VDEV, /* VIOMMU-8 */
	MB_IOPF_PASID_ANY_RID,	  /* FAULT-4 */
	MB_MMAP_ANY_LENGTH,	  /* VIOMMU-9 */
	MB_DETACH_ANSWERS_QUEUE,  /* FAULT-5 */
	MB_COUNT
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
	uint32_t viommu_type;	    /* IOMMU_VIOMMU_TYPE_*; 0: no vIOMMU */
	uint32_t viommu_nested_type; /* IOMMU_HWPT_DATA_* of a nested HWPT
				      * on the vIOMMU; 0: none */
	uint32_t viommu_nested_len;  /* its minimum length */
	uint32_t veventq_type;	    /* IOMMU_VEVENTQ_TYPE_* it reports */
	uint32_t hw_queue_type;	    /* IOMMU_HW_QUEUE_TYPE_*; 0: none */
	uint32_t hw_queue_max;	    /* queue indexes 0..max-1 */
	uint32_t viommu_inv_type;   /* IOMMU_VIOMMU_INVALIDATE_DATA_*; 0:
				     * the vIOMMU has no cache_invalidate */
	bool user_pasid_table;	    /* iommu_ops.user_pasid_table */
	unsigned nresv;		    /* reserved regions of its devices */
	struct iova_range resv[MODEL_MAX_RESV];
};

struct model_dev_desc {
	uint32_t group;
	unsigned iommu;
	uint8_t max_pasid_log2;
	uint32_t reset_domain; /* dev_caps.reset_domain; 0: no hot reset */
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
	enum model_bug bug; /* MB_NONE for a conforming profile */
	/* No device's MSIs can be isolated (virtio-iommu on x86): BIND
	 * needs allow_unsafe_interrupts, which the model starts with set,
	 * as the guests boot (OWN-8). */
	bool msi_unisolated;
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

/* The reserved regions the contract requires of `driver` (a kernel target
 * profile name: "intel-vtd", "amd-vi", "arm-smmu-v3", "virtio-iommu", ...)
 * on this platform, whatever the driver reports; why[i] names the rule. */
unsigned model_contract_resv(const char *driver, struct iova_range *out,
			     const char **why, unsigned max);
/* The GET_HW_INFO type and data length the uAPI fixes for `driver`;
 * false when the suite does not know the driver. *gated_by: the Kconfig
 * option without which the driver has no hw_info op (NONE, 0), or NULL. */
/* Whether the contract knows driver's dirty capability independently of
 * the hardware (*dirty then says it), or not. */
bool model_contract_dirty(const char *driver, bool *dirty);
bool model_contract_hw_info(const char *driver, uint32_t *type, uint32_t *len,
			    const char **gated_by);
/* MSI isolation the contract knows of driver's groups on this platform:
 * -1 none (BIND needs allow_unsafe_interrupts), 0 not known by identity
 * (target_caps.msi_isolation, OWN-8). */
int model_contract_msi_isolation(const char *driver);
/* Capabilities as a target reports them (target "model"). */
void model_caps(const struct model *m, struct target_caps *caps);

/* Operations: the semantics of the same-named target ops (target.h). */
int model_ioas_alloc(struct model *m, unsigned ctx, uint32_t *ioas_id);
int model_destroy(struct model *m, uint32_t id);
int model_ioas_map(struct model *m, uint32_t ioas_id, uint32_t flags,
		   void *uva, uint64_t len, uint64_t *iova);
/* IOMMU_IOAS_MAP_FILE of [start, start+len) of the file fd. */
int model_ioas_map_file(struct model *m, uint32_t ioas_id, uint32_t flags,
			int fd, uint64_t start, uint64_t len, uint64_t *iova);
/* IOMMU_IOAS_CHANGE_PROCESS on ctx (the same answer from any process). */
int model_ioas_change_process(struct model *m, unsigned ctx);
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
/* IOMMU_FAULT_QUEUE_ALLOC (its fd closed at once) and HWPT_ALLOC naming a
 * fault queue (fault_id with T_HWPT_FAULT_ID_VALID in flags). */
int model_fault_queue_alloc(struct model *m, unsigned ctx,
			    uint32_t *fault_id);
int model_hwpt_alloc_fault(struct model *m, unsigned dev, uint32_t pt_id,
			   uint32_t flags, uint32_t fault_id,
			   uint32_t *hwpt_id);
/* The same with driver data: a nested HWPT naming a fault queue. */
int model_hwpt_alloc_nested_fault(struct model *m, unsigned dev,
				  uint32_t pt_id, uint32_t flags,
				  uint32_t fault_id, uint32_t data_type,
				  const void *data, uint32_t data_len,
				  uint32_t *hwpt_id);
/* IOMMU_OPTION_RLIMIT_MODE of context ctx (object_id 0): set when *val is
 * an input, read into *val otherwise. The model runs with
 * CAP_SYS_RESOURCE. */
int model_option_rlimit_mode(struct model *m, unsigned ctx, bool set,
			     uint64_t *val);
/* IOMMU_VIOMMU_ALLOC on the NEST_PARENT paging HWPT hwpt_id, for dev. */
int model_viommu_alloc(struct model *m, unsigned dev, uint32_t hwpt_id,
		       uint32_t type, uint32_t flags, uint32_t *viommu_id);
/* The vDEVICE and event-queue ops (target.h; model_event.c). */
int model_vdevice_alloc(struct model *m, uint32_t viommu_id, unsigned dev,
			uint64_t virt_id, uint32_t *vdev_id);
int model_veventq_alloc(struct model *m, uint32_t viommu_id, uint32_t type,
			uint32_t depth, uint32_t *veventq_id);
int model_fault_queue_open(struct model *m, unsigned ctx,
			   uint32_t *fault_id);
int model_eventq_read(struct model *m, uint32_t eventq_id, void *buf,
		      size_t len, size_t *n);
int model_eventq_write(struct model *m, uint32_t eventq_id, const void *buf,
		       size_t len, size_t *n);
int model_eventq_close(struct model *m, uint32_t eventq_id);
int model_trigger_iopf(struct model *m, unsigned dev, uint32_t pasid,
		       uint32_t grpid, uint32_t perm, uint64_t addr);
int model_trigger_vevent(struct model *m, unsigned dev);
/* The nested HWPT's IOTLB: entry i tags the IOVA page i (VT-d entries
 * invalidate by page range); 0 when its state is valid, -EINVAL else. */
int model_nested_cache_check(struct model *m, uint32_t hwpt_id,
			     unsigned entry, bool valid);
/* The device's cache (the mock's struct mock_dev cache[]) entry 0..3,
 * invalidated through its vIOMMU; 0 when its state is valid, -EINVAL
 * else. */
int model_dev_cache_check(struct model *m, unsigned dev, unsigned entry,
			  bool valid);
/* An emulated access pinning [iova, iova+len) of ioas_id (target.h). */
int model_access_pin(struct model *m, uint32_t ioas_id, uint64_t iova,
		     uint64_t len, uint32_t *pin);
int model_access_unpin(struct model *m, uint32_t pin);
/* Pinned-page accounting (target.h pin_counters / memlock_set): bytes
 * pinned and bytes charged to the process (RLIMIT_MODE 1), from 0. */
int model_pin_counters(struct model *m, uint64_t *pinned, uint64_t *locked);
int model_memlock_set(struct model *m, bool cap_ipc_lock, uint64_t limit);
int model_change_process_handoff(struct model *m, unsigned ctx,
				 uint64_t child_limit, int64_t *to_child,
				 int64_t *from_parent, int *back);
/* IOMMU_VIOMMU_ALLOC with driver data (in/out), and mmap/munmap of
 * context ctx's fd (target.h). */
int model_viommu_alloc_data(struct model *m, unsigned dev, uint32_t hwpt_id,
			    uint32_t type, void *data, uint32_t data_len,
			    uint32_t *viommu_id);
int model_ctx_mmap(struct model *m, unsigned ctx, uint64_t offset, size_t len,
		   bool shared, bool exec, void **addr);
int model_ctx_munmap(struct model *m, unsigned ctx, void *addr, size_t len);
int model_hw_queue_alloc(struct model *m, uint32_t viommu_id, uint32_t type,
			 uint32_t index, uint64_t iova, uint64_t len,
			 uint32_t *hw_queue_id);
int model_hw_info(struct model *m, unsigned dev, void *data,
		  uint32_t *data_len, uint64_t *caps, uint8_t *max_pasid_log2);
int model_hw_info_in_type(struct model *m, unsigned dev, uint32_t flags,
			  uint32_t in_type, uint32_t *out_type);
int model_ioas_option_huge_pages(struct model *m, uint32_t ioas_id, bool set,
				 uint64_t *val);
int model_set_dirty_tracking(struct model *m, uint32_t hwpt_id, bool enable);
int model_get_dirty_bitmap(struct model *m, uint32_t hwpt_id, uint64_t iova,
			   uint64_t len, uint64_t page_size, uint32_t flags,
			   uint64_t *bitmap);
int model_bind(struct model *m, unsigned dev, unsigned ctx);
int model_unbind(struct model *m, unsigned dev);
/* The optional target ops close_ctx and bind_second_fd (target.h). */
int model_close_ctx(struct model *m, unsigned ctx);
int model_bind_second_fd(struct model *m, unsigned dev, unsigned ctx);
int model_attach(struct model *m, unsigned dev, uint32_t pasid,
		 uint32_t pt_id, uint32_t *out_pt);
int model_detach(struct model *m, unsigned dev, uint32_t pasid);
/* VFIO_DEVICE_{ATTACH,DETACH}_IOMMUFD_PT with argsz/flags/pasid as given
 * (vfio_df_ioctl_attach_pt / _detach_pt checks, PASID-12). */
int model_vfio_pt_raw(struct model *m, unsigned dev, bool detach,
		      uint32_t argsz, uint32_t flags, uint32_t pasid,
		      uint32_t *pt_id);
/* VFIO_DEVICE_GET_PCI_HOT_RESET_INFO / _PCI_HOT_RESET, cdev form
 * (vfio_pci_ioctl_get_pci_hot_reset_info, vfio_pci_ioctl_pci_hot_reset;
 * OWN-9, OWN-10). */
int model_hot_reset_info(struct model *m, unsigned dev, uint32_t *flags,
			 struct t_reset_dep *deps, unsigned *n);
int model_hot_reset(struct model *m, unsigned dev, uint32_t count,
		    uint32_t flags);
/* iommufd's allow_unsafe_interrupts module parameter (OWN-8). */
int model_set_unsafe_interrupts(struct model *m, bool allow, bool *was);
int model_dma(struct model *m, unsigned dev, uint32_t pasid, enum dma_dir dir,
	      uint64_t iova, void *buf, size_t len, char *evidence,
	      size_t evidence_len);
/* dev's RID translates through a paging HWPT (an IOAS) now. */
bool model_rid_on_paging(const struct model *m, unsigned dev);
int model_inject_fail_nth(struct model *m, unsigned nth);
/* The optional target ops mark_dirty and pasid_replace_fault (target.h). */
int model_mark_dirty(struct model *m, uint32_t hwpt_id, uint64_t iova,
		     uint64_t len);
int model_pasid_replace_fault(struct model *m, unsigned dev, uint32_t *pasid);
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
