/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The target interface: every operation the contract speaks of, as one ops
 * table. Scenarios and the explorer drive a target only through this table,
 * so the same case runs unchanged on the model, the mock driver and real
 * drivers.
 *
 * Conventions:
 *  - Every op returns 0 or a negative errno, exactly as the kernel returned
 *    it (the model returns what the contract says the kernel must return).
 *  - -T_UNSUPPORTED means "this target cannot express the operation"; the
 *    runner turns it into a SKIP with the op's name, never a FAIL.
 *  - Object IDs are opaque u32s. A target with several iommufd contexts
 *    encodes the context in the top byte (see T_ID_CTX), so an ID names its
 *    context on every op; context 0 is the default.
 *  - Devices are indexes 0..caps.ndev-1 into the target's device list, not
 *    iommufd IDs: a device exists before it is bound.
 */
#ifndef IC_TARGET_H
#define IC_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/vocab.h"

struct target;

struct target_ops {
	const char *name;

	/* Object lifetime. */
	int (*ioas_alloc)(struct target *t, unsigned ctx, uint32_t *ioas_id);
	int (*destroy)(struct target *t, uint32_t id);

	/* IOAS contents. *iova is in/out: input with T_MAP_FIXED_IOVA, output
	 * otherwise. */
	int (*ioas_map)(struct target *t, uint32_t ioas_id, uint32_t flags,
			void *uva, uint64_t len, uint64_t *iova);
	int (*ioas_unmap)(struct target *t, uint32_t ioas_id, uint64_t iova,
			  uint64_t len, uint64_t *unmapped);
	int (*ioas_copy)(struct target *t, uint32_t dst_ioas, uint32_t src_ioas,
			 uint32_t flags, uint64_t src_iova, uint64_t len,
			 uint64_t *dst_iova);
	/* *n in: capacity of ranges[]; out: how many the kernel has. */
	int (*iova_ranges)(struct target *t, uint32_t ioas_id,
			   struct iova_range *ranges, unsigned *n,
			   uint64_t *alignment);
	int (*allow_iovas)(struct target *t, uint32_t ioas_id,
			   const struct iova_range *ranges, unsigned n);

	/* HWPT. dev must be bound (its iommufd device ID is used). data_type
	 * (IOMMU_HWPT_DATA_*) with data/data_len is for nested HWPTs; pass
	 * 0/NULL/0 for a paging HWPT. */
	int (*hwpt_alloc)(struct target *t, unsigned dev, uint32_t pt_id,
			  uint32_t flags, uint32_t data_type, const void *data,
			  uint32_t data_len, uint32_t *hwpt_id);
	/* IOMMU_HWPT_INVALIDATE; *entry_num in: entries, out: handled. */
	int (*hwpt_invalidate)(struct target *t, uint32_t hwpt_id,
			       uint32_t data_type, const void *reqs,
			       uint32_t entry_len, uint32_t *entry_num);

	/* IOMMU_GET_HW_INFO. data may be NULL with *data_len 0; on return
	 * *data_len is the driver's length. caps/max_pasid_log2 may be NULL. */
	int (*hw_info)(struct target *t, unsigned dev, void *data,
		       uint32_t *data_len, uint64_t *caps,
		       uint8_t *max_pasid_log2);

	/* IOMMU_OPTION_HUGE_PAGES on an IOAS: set when *val is an input
	 * (set=true), read into *val otherwise. */
	int (*ioas_option_huge_pages)(struct target *t, uint32_t ioas_id,
				      bool set, uint64_t *val);

	/* Dirty tracking on a paging HWPT. bitmap has one bit per page_size
	 * page of [iova, iova+len). flags: IOMMU_HWPT_GET_DIRTY_BITMAP_*. */
	int (*set_dirty_tracking)(struct target *t, uint32_t hwpt_id,
				  bool enable);
	int (*get_dirty_bitmap)(struct target *t, uint32_t hwpt_id,
				uint64_t iova, uint64_t len, uint64_t page_size,
				uint32_t flags, uint64_t *bitmap);

	/* An ioctl on context ctx's /dev/iommu exactly as given, for the
	 * ABI rules (size field, reserved fields, unknown numbers). A target
	 * without a file descriptor decodes the few commands it models. */
	int (*raw_ioctl)(struct target *t, unsigned ctx, unsigned long cmd,
			 void *arg);

	/* Ownership: bind the device to context ctx (VFIO cdev open + BIND),
	 * unbind closes the cdev. */
	int (*bind)(struct target *t, unsigned dev, unsigned ctx);
	int (*unbind)(struct target *t, unsigned dev);

	/* Attach/replace/detach of the RID (pasid == T_NO_PASID) or a PASID.
	 * Attach on an attached RID/PASID is a replace, as through VFIO.
	 * *out_pt (may be NULL) receives the HWPT actually attached. */
	int (*attach)(struct target *t, unsigned dev, uint32_t pasid,
		      uint32_t pt_id, uint32_t *out_pt);
	int (*detach)(struct target *t, unsigned dev, uint32_t pasid);

	/* One DMA of len bytes from dev (tagged with pasid unless T_NO_PASID)
	 * at iova. DMA_TO_MEMORY writes to memory the bytes buf holds after
	 * the call: buf's own, or those the engine reports it wrote instead
	 * (src/dma/dma.h, dma_engine_write). DMA_FROM_MEMORY reads memory
	 * into buf. The return value only says whether the engine ran the
	 * transfer and knows what it moved: whether translation let it
	 * through is judged by the caller from memory contents (a blocked
	 * read leaves buf untouched, so fill it first). evidence (may be
	 * NULL) receives a short text for the case log (e.g. engine, timing,
	 * fault seen). */
	int (*dma)(struct target *t, unsigned dev, uint32_t pasid,
		   enum dma_dir dir, uint64_t iova, void *buf, size_t len,
		   char *evidence, size_t evidence_len);

	/* Optional ops may be NULL: the inline wrappers below then return
	 * -T_UNSUPPORTED, which the runner reports as SKIP. */

	/* Close context ctx's /dev/iommu fd (OBJ-10). Its IDs become
	 * unusable (ops on them fail, EBADF); devices bound to it keep their
	 * attachments and keep translating until they are unbound. When no
	 * device holds the old context any more (at once if none is bound),
	 * it is torn down and ctx names a freshly opened, empty context.
	 * Optional. */
	int (*close_ctx)(struct target *t, unsigned ctx);

	/* Open a second cdev fd of dev, BIND it to context ctx, close it
	 * again; returns what the BIND returned (OWN-7). dev's own binding,
	 * if any, is left as it is. Optional. */
	int (*bind_second_fd)(struct target *t, unsigned dev, unsigned ctx);

	/* Fault injection: make the nth next kernel allocation or driver
	 * call inside the following op fail (0 disables). Optional. */
	int (*inject_fail_nth)(struct target *t, unsigned nth);

	/* Raw escape for target-specific checks (mock: PASID_CHECK_HWPT,
	 * MD_CHECK_MAP). Optional; op codes in the target's header. */
	int (*probe)(struct target *t, unsigned op, unsigned dev, uint32_t a,
		     uint64_t b, uint64_t c);

	/* Optional: back to the state right after open (everything released),
	 * cheaper than close + open. The explorer uses it between sequences. */
	int (*reset)(struct target *t);

	void (*close)(struct target *t);

	/* Appended for issue 15 (all optional). */

	/* IOMMU_FAULT_QUEUE_ALLOC on context ctx. The target closes the
	 * fault fd at once (nothing reads faults through it), so only the
	 * HWPTs naming the queue hold it until DESTROY. */
	int (*fault_queue_alloc)(struct target *t, unsigned ctx,
				 uint32_t *fault_id);
	/* HWPT_ALLOC of a paging HWPT (no driver data) with fault_id in
	 * the command; it counts with T_HWPT_FAULT_ID_VALID in flags. */
	int (*hwpt_alloc_fault)(struct target *t, unsigned dev, uint32_t pt_id,
				uint32_t flags, uint32_t fault_id,
				uint32_t *hwpt_id);
	/* IOMMU_OPTION_RLIMIT_MODE of context ctx (object_id 0): set when
	 * *val is an input (set=true), read into *val otherwise. */
	int (*option_rlimit_mode)(struct target *t, unsigned ctx, bool set,
				  uint64_t *val);
	/* IOMMU_IOAS_MAP_FILE: map [start, start+len) of the file fd (a
	 * memfd); flags and *iova as for ioas_map. */
	int (*ioas_map_file)(struct target *t, uint32_t ioas_id,
			     uint32_t flags, int fd, uint64_t start,
			     uint64_t len, uint64_t *iova);
	/* IOMMU_IOAS_CHANGE_PROCESS on context ctx, sent by this process or,
	 * with in_child, by a forked child that inherited the fd (the way a
	 * VMM hands a device to its successor); returns what it returned. */
	int (*ioas_change_process)(struct target *t, unsigned ctx,
				   bool in_child);
	/* A PASID of dev on which the driver fails the replace that follows
	 * an attach (ENOMEM): the mock's PASID 1024, whose set_dev_pasid
	 * fakes an error on every second call. Optional. */
	int (*pasid_replace_fault)(struct target *t, unsigned dev,
				   uint32_t *pasid);
	/* The IOMMU's own record of a device write to [iova, iova+len) of a
	 * dirty-tracking HWPT, as its hardware would log it: the mock's
	 * IOMMU_TEST_OP_DIRTY, the model's dirty log. Not a DMA (nothing is
	 * written), so it proves no translation. Optional: a real IOMMU
	 * logs only real DMA. */
	int (*mark_dirty)(struct target *t, uint32_t hwpt_id, uint64_t iova,
			  uint64_t len);
	/* IOMMU_VIOMMU_ALLOC of type (IOMMU_VIOMMU_TYPE_*) for dev (bound)
	 * on the paging HWPT hwpt_id, no driver data. */
	int (*viommu_alloc)(struct target *t, unsigned dev, uint32_t hwpt_id,
			    uint32_t type, uint32_t flags, uint32_t *viommu_id);

	/* Appended for issue 15, second part (all optional). */

	/* IOMMU_VDEVICE_ALLOC: dev (bound: its iommufd device ID) as the
	 * guest's device virt_id on the vIOMMU viommu_id. */
	int (*vdevice_alloc)(struct target *t, uint32_t viommu_id,
			     unsigned dev, uint64_t virt_id,
			     uint32_t *vdev_id);
	/* IOMMU_VEVENTQ_ALLOC of type and depth on viommu_id. The target
	 * keeps the queue's fd open for eventq_read; the open fd holds the
	 * queue (DESTROY answers EBUSY until eventq_close). */
	int (*veventq_alloc)(struct target *t, uint32_t viommu_id,
			     uint32_t type, uint32_t depth,
			     uint32_t *veventq_id);
	/* IOMMU_FAULT_QUEUE_ALLOC on context ctx, keeping the fd open for
	 * eventq_read/eventq_write (fault_queue_alloc closes it). */
	int (*fault_queue_open)(struct target *t, unsigned ctx,
				uint32_t *fault_id);
	/* read() / write() on the fd of eventq_id (a queue veventq_alloc or
	 * fault_queue_open made): 0 with *n the bytes moved, or the -errno
	 * read/write failed with. An empty queue reads 0 bytes (no wait). */
	int (*eventq_read)(struct target *t, uint32_t eventq_id, void *buf,
			   size_t len, size_t *n);
	int (*eventq_write)(struct target *t, uint32_t eventq_id,
			    const void *buf, size_t len, size_t *n);
	/* close() of that fd. */
	int (*eventq_close)(struct target *t, uint32_t eventq_id);
	/* The IOMMU reports a page request of dev (pasid T_NO_PASID: no
	 * PASID), the last of group grpid, as PRI hardware would: the mock's
	 * IOMMU_TEST_OP_TRIGGER_IOPF. Not a DMA. */
	int (*trigger_iopf)(struct target *t, unsigned dev, uint32_t pasid,
			    uint32_t grpid, uint32_t perm, uint64_t addr);
	/* The IOMMU reports an event of dev on the vIOMMU of the nested
	 * HWPT dev is attached to, its data the device's virt_id: the
	 * mock's IOMMU_TEST_OP_TRIGGER_VEVENT (struct
	 * iommu_viommu_event_selftest). */
	int (*trigger_vevent)(struct target *t, unsigned dev);
	/* Whether entry (0..3) of the nested HWPT's IOTLB is still valid
	 * (valid) or invalidated (!valid): 0 when it is, -EINVAL when not.
	 * The mock's IOMMU_TEST_OP_MD_CHECK_IOTLB (valid: the default tag
	 * the HWPT was allocated with, IOMMU_TEST_IOTLB_DEFAULT). */
	int (*nested_cache_check)(struct target *t, uint32_t hwpt_id,
				  unsigned entry, bool valid);
	/* IOMMU_HW_QUEUE_ALLOC of type at index on viommu_id, its memory
	 * [iova, iova+len) of the vIOMMU's nesting parent IOAS. */
	int (*hw_queue_alloc)(struct target *t, uint32_t viommu_id,
			      uint32_t type, uint32_t index, uint64_t iova,
			      uint64_t len, uint32_t *hw_queue_id);
	/* An emulated access (an in-kernel user of the IOAS, as an mdev
	 * driver is) pins [iova, iova+len) of ioas_id, the pages under uva;
	 * *pin names the pin. access_unpin drops it: ENOENT when the access
	 * has already dropped it (iommufd asked it to, on UNMAP). The
	 * mock's CREATE_ACCESS / ACCESS_PAGES / DESTROY_ACCESS_PAGES. */
	int (*access_pin)(struct target *t, uint32_t ioas_id, uint64_t iova,
			  uint64_t len, const void *uva, uint32_t *pin);
	int (*access_unpin)(struct target *t, uint32_t pin);

	/* Appended for issue 15, memlock accounting (all optional). */

	/* What the pins of this process cost, in bytes: *pinned the pages
	 * iommufd holds pinned for domains and accesses (VmPin), *locked
	 * what RLIMIT_MODE 1 charged to the process (VmLck). Only
	 * differences mean something: the kernel's counters start where
	 * the process left them, the model's at 0. */
	int (*pin_counters)(struct target *t, uint64_t *pinned,
			    uint64_t *locked);
	/* Whether the MAPs that follow hold CAP_IPC_LOCK (its holder's
	 * pages are not charged), and the RLIMIT_MEMLOCK (bytes, or
	 * T_MEMLOCK_UNLIMITED) the pins that follow are charged against. */
	int (*memlock_set)(struct target *t, bool cap_ipc_lock,
			   uint64_t limit);
	/* IOMMU_IOAS_CHANGE_PROCESS on ctx by a forked child whose
	 * RLIMIT_MEMLOCK is child_limit bytes above what it has locked
	 * (T_MEMLOCK_UNLIMITED: none but the hard limit), then by this
	 * process again while the child lives, taking the mappings back.
	 * *to_child: bytes the child was charged (VmLck); *from_parent:
	 * bytes this process's VmLck moved by meanwhile; *back: the
	 * take-back's result. Returns the child's result. */
	int (*change_process_handoff)(struct target *t, unsigned ctx,
				      uint64_t child_limit, int64_t *to_child,
				      int64_t *from_parent, int *back);
	/* Appended for issue 15, VFIO cdev part (all optional). */

	/* VFIO_DEVICE_ATTACH_IOMMUFD_PT (detach: DETACH_IOMMUFD_PT) on
	 * dev's bound cdev fd exactly as given: argsz, flags and pasid
	 * as the caller says, the rest of a buffer larger than argsz
	 * zero. *pt_id in/out as for attach (unused by a detach). */
	int (*vfio_pt_raw)(struct target *t, unsigned dev, bool detach,
			   uint32_t argsz, uint32_t flags, uint32_t pasid,
			   uint32_t *pt_id);
	/* Set iommufd's allow_unsafe_interrupts module parameter (read by
	 * every later BIND); *was (may be NULL) gets the value before.
	 * The target restores the value it found when it closes. */
	int (*set_unsafe_interrupts)(struct target *t, bool allow, bool *was);
	/* VFIO_DEVICE_GET_PCI_HOT_RESET_INFO on dev's bound cdev fd with
	 * room for *n entries: *flags and deps[0..*n) on success; *n out:
	 * the count the kernel reported (also with ENOSPC). */
	int (*hot_reset_info)(struct target *t, unsigned dev, uint32_t *flags,
			      struct t_reset_dep *deps, unsigned *n);
	/* VFIO_DEVICE_PCI_HOT_RESET on dev's bound cdev fd: count group
	 * fds (each -1; 0 is the cdev form) and flags as given. */
	int (*hot_reset)(struct target *t, unsigned dev, uint32_t count,
			 uint32_t flags);
	/* Appended for issue 15, dirty/HWPT/HW_INFO part (optional). */

	/* IOMMU_GET_HW_INFO with flags (IOMMU_HW_INFO_FLAG_*) and
	 * in_data_type as given, no data buffer (data_len 0): *out_type
	 * receives out_data_type (OBJ-14). */
	int (*hw_info_type)(struct target *t, unsigned dev, uint32_t flags,
			    uint32_t in_type, uint32_t *out_type);
	/* Appended for issue 15, third part (all optional). */

	/* HWPT_ALLOC with driver data and fault_id (with
	 * T_HWPT_FAULT_ID_VALID in flags): a nested HWPT on a NEST_PARENT
	 * HWPT or a vIOMMU that delivers page requests to a fault queue. */
	int (*hwpt_alloc_nested_fault)(struct target *t, unsigned dev,
				       uint32_t pt_id, uint32_t flags,
				       uint32_t fault_id, uint32_t data_type,
				       const void *data, uint32_t data_len,
				       uint32_t *hwpt_id);
	/* Whether entry (0..3) of dev's own cache, which a vIOMMU
	 * invalidation names through the device's vDEVICE, is still valid
	 * (valid) or invalidated (!valid): 0 when it is, -EINVAL when not.
	 * The mock's IOMMU_TEST_OP_DEV_CHECK_CACHE (valid: the tag the mock
	 * device is made with, IOMMU_TEST_DEV_CACHE_DEFAULT). */
	int (*dev_cache_check)(struct target *t, unsigned dev, unsigned entry,
			       bool valid);
	/* IOMMU_VIOMMU_ALLOC as viommu_alloc (no flags), with driver data
	 * of data_len bytes at data, which the driver may write back. */
	int (*viommu_alloc_data)(struct target *t, unsigned dev,
				 uint32_t hwpt_id, uint32_t type, void *data,
				 uint32_t data_len, uint32_t *viommu_id);
	/* mmap() of [offset, offset+len) of context ctx's /dev/iommu fd,
	 * readable and writable, MAP_SHARED unless !shared, with PROT_EXEC
	 * when exec: 0 with *addr the mapping, or the -errno. munmap() it
	 * again with ctx_munmap. */
	int (*ctx_mmap)(struct target *t, unsigned ctx, uint64_t offset,
			size_t len, bool shared, bool exec, void **addr);
	int (*ctx_munmap)(struct target *t, unsigned ctx, void *addr,
			  size_t len);
};

/* memlock_set's limit: none but the process's hard limit. */
#define T_MEMLOCK_UNLIMITED UINT64_MAX

/* pin_counters / memlock_set of the targets that judge the kernel from
 * this very process (mock, kernel): /proc/self/status, capset and
 * setrlimit. */
int t_proc_pin_counters(struct target *t, uint64_t *pinned, uint64_t *locked);
int t_proc_memlock_set(struct target *t, bool cap_ipc_lock, uint64_t limit);

struct target {
	const struct target_ops *ops;
	struct target_caps caps;
	void *priv;
};

/* Calls through the table; a missing optional op is -T_UNSUPPORTED. The
 * op's name is kept for the reason of a skip (t_last_op()). */
#define T_CALL(t, op, ...)                                                  \
	(t_note_op(#op), (t)->ops->op ? (t)->ops->op((t), ##__VA_ARGS__) :  \
					-T_UNSUPPORTED)
void t_note_op(const char *op);
const char *t_last_op(void);

struct model_profile;
struct target_discovery;

/* Options a user gives on the command line, common to all targets. */
struct target_config {
	const char *target;  /* a target_kinds() name; NULL = "model" */
	const char *profile; /* model profile name; NULL = conforming */
	unsigned ndevices;
	const char *devices[T_MAX_DEVS]; /* BDFs for the kernel target */
	bool allow_rebind;   /* bare metal: may unbind another driver */
	unsigned mock_devices; /* mock: how many mock devices to create */
	/* kernel: drive only this DMA engine (a dma_engine_drivers() name);
	 * NULL: whichever drives the device's vendor:device. */
	const char *dma_engine;
	/* model: use this profile instead of looking up profile by name (the
	 * explorer builds one that mirrors another target's geometry). */
	const struct model_profile *model_profile;
	/* What target_discover() learnt for this configuration: an open with
	 * it skips discovery (no probing, no DMA). NULL: open discovers. */
	const struct target_discovery *discovery;
};

typedef struct target *(*target_open_fn)(const struct target_config *cfg,
					 char *why, size_t why_len,
					 bool *skip);

/* One kind of target; the table (target.c) gives the CLI its names. */
struct target_kind {
	const char *name;
	const char *description; /* one line, for the usage text */
	target_open_fn open;
	/* Optional: learn once what open needs into d (d->caps and the
	 * target's own facts); open then reads cfg->discovery. Without it a
	 * discovery is one open whose caps are kept. Same return and why/skip
	 * conventions as open (0 or -errno). */
	int (*discover)(const struct target_config *cfg,
			struct target_discovery *d, char *why, size_t why_len,
			bool *skip);
};

/*
 * A discovery, made once in the parent and read by every later open of
 * the same configuration (forked cases inherit it). Read-only once made.
 */
struct target_discovery {
	const struct target_kind *kind;
	struct target_caps caps;
	void *facts; /* the target's own */
	void (*free_facts)(void *facts);
};

const struct target_kind *target_kinds(unsigned *n);
/* NULL name: the model; an unknown name: NULL. */
const struct target_kind *target_kind_find(const char *name);

/*
 * Open a target. On error returns NULL and writes a one-line reason to
 * why, plus *skip = true when the reason is a missing kernel feature
 * (SKIP, not FAIL) rather than bad input.
 */
struct target *target_open(const struct target_config *cfg, char *why,
			   size_t why_len, bool *skip);
void target_close(struct target *t);

/* Discover cfg's target once (same errors as target_open); free with
 * target_discovery_free once no configuration points to it. */
struct target_discovery *target_discover(const struct target_config *cfg,
					 char *why, size_t why_len,
					 bool *skip);
void target_discovery_free(struct target_discovery *d);

/* Each target's constructor, used by target_open(). */
struct target *model_target_open(const struct target_config *cfg, char *why,
				 size_t why_len, bool *skip);
struct target *kernel_target_open(const struct target_config *cfg, char *why,
				  size_t why_len, bool *skip);
int kernel_target_discover(const struct target_config *cfg,
			   struct target_discovery *d, char *why,
			   size_t why_len, bool *skip);
struct target *mock_target_open(const struct target_config *cfg, char *why,
				size_t why_len, bool *skip);

#endif
