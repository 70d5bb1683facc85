/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Thin wrappers for the iommufd ioctls on /dev/iommu: one per command, no
 * policy, no retries, no printing. Each returns 0 or the negative errno the
 * kernel returned. Outputs are written only on success, except where the
 * kernel itself reports on failure (IOVA_RANGES' count on EMSGSIZE,
 * GET_HW_INFO's length). Output pointers may be NULL unless noted.
 *
 * IDs here are the kernel's raw object IDs.
 */
#ifndef IC_UAPI_IOMMUFD_H
#define IC_UAPI_IOMMUFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/iommufd.h>

/* open("/dev/iommu"): the fd or -errno. */
int ufd_open(void);

int ufd_destroy(int fd, uint32_t id);
int ufd_ioas_alloc(int fd, uint32_t *ioas_id);

/* IOMMU_IOAS_MAP. *iova: input with IOMMU_IOAS_MAP_FIXED_IOVA, output
 * (the kernel's choice) otherwise. */
int ufd_ioas_map(int fd, uint32_t ioas_id, uint32_t flags, const void *uva,
		 uint64_t len, uint64_t *iova);
/* IOMMU_IOAS_MAP_FILE: map [start, start+len) of the file mfd. */
int ufd_ioas_map_file(int fd, uint32_t ioas_id, uint32_t flags, int mfd,
		      uint64_t start, uint64_t len, uint64_t *iova);
/* IOMMU_IOAS_UNMAP; iova 0 / len UINT64_MAX unmaps everything. */
int ufd_ioas_unmap(int fd, uint32_t ioas_id, uint64_t iova, uint64_t len,
		   uint64_t *unmapped);
/* IOMMU_IOAS_COPY. *dst_iova as *iova for MAP. */
int ufd_ioas_copy(int fd, uint32_t dst_ioas, uint32_t src_ioas,
		  uint32_t flags, uint64_t src_iova, uint64_t len,
		  uint64_t *dst_iova);
/* IOMMU_IOAS_IOVA_RANGES. *num in: capacity of ranges; out: the kernel's
 * count, also on -EMSGSIZE. alignment may be NULL. */
int ufd_ioas_iova_ranges(int fd, uint32_t ioas_id,
			 struct iommu_iova_range *ranges, uint32_t *num,
			 uint64_t *alignment);
int ufd_ioas_allow_iovas(int fd, uint32_t ioas_id,
			 const struct iommu_iova_range *ranges, uint32_t num);

/* IOMMU_OPTION: op IOMMU_OPTION_OP_SET takes *val, OP_GET returns it. */
int ufd_option(int fd, uint32_t option_id, uint16_t op, uint32_t object_id,
	       uint64_t *val);

/* IOMMU_HWPT_ALLOC. data_type IOMMU_HWPT_DATA_NONE with data NULL/0 for a
 * paging HWPT. */
int ufd_hwpt_alloc(int fd, uint32_t flags, uint32_t dev_id, uint32_t pt_id,
		   uint32_t data_type, const void *data, uint32_t data_len,
		   uint32_t fault_id, uint32_t *hwpt_id);

struct ufd_hw_info {
	uint32_t data_len;  /* the driver's length (in: our buffer's) */
	uint32_t data_type; /* IOMMU_HW_INFO_TYPE_* */
	uint8_t max_pasid_log2;
	uint64_t capabilities;
};
/* IOMMU_GET_HW_INFO. flags: IOMMU_HW_INFO_FLAG_*; in_type is used with
 * IOMMU_HW_INFO_FLAG_INPUT_TYPE. data may be NULL with *data_len 0; on
 * success *data_len is the driver's length and out the rest. */
int ufd_get_hw_info(int fd, uint32_t dev_id, uint32_t flags,
		    uint32_t in_type, void *data, uint32_t *data_len,
		    struct ufd_hw_info *out);

int ufd_hwpt_set_dirty_tracking(int fd, uint32_t hwpt_id, bool enable);
int ufd_hwpt_get_dirty_bitmap(int fd, uint32_t hwpt_id, uint32_t flags,
			      uint64_t iova, uint64_t len, uint64_t page_size,
			      uint64_t *bitmap);
/* IOMMU_HWPT_INVALIDATE. *entry_num in: requests; out: the field as the
 * kernel left it, also on failure (handled so far; unchanged when the
 * ioctl was refused before the handler ran). */
int ufd_hwpt_invalidate(int fd, uint32_t hwpt_id, uint32_t data_type,
			const void *reqs, uint32_t entry_len,
			uint32_t *entry_num);
int ufd_viommu_alloc_flags(int fd, uint32_t flags, uint32_t type,
			   uint32_t dev_id, uint32_t hwpt_id,
			   uint32_t *viommu_id);
/* mmap() of [offset, offset+len) of the iommufd fd (PROT_READ|WRITE, plus
 * PROT_EXEC when exec; MAP_SHARED or MAP_PRIVATE): 0 with *addr, or
 * -errno. */
int ufd_mmap(int fd, uint64_t offset, size_t len, bool shared, bool exec,
	     void **addr);
int ufd_munmap(void *addr, size_t len);
int ufd_viommu_alloc(int fd, uint32_t type, uint32_t dev_id,
		     uint32_t hwpt_id, const void *data, uint32_t data_len,
		     uint32_t *viommu_id);

/* IOMMU_FAULT_QUEUE_ALLOC: the fault object's ID and its fd (the caller
 * closes it). */
int ufd_fault_queue_alloc(int fd, uint32_t *fault_id, int *fault_fd);

/* IOMMU_VDEVICE_ALLOC: dev_id as virt_id on viommu_id. */
int ufd_vdevice_alloc(int fd, uint32_t viommu_id, uint32_t dev_id,
		      uint64_t virt_id, uint32_t *vdev_id);
/* IOMMU_VEVENTQ_ALLOC: the queue's ID and its fd (the caller closes it). */
int ufd_veventq_alloc(int fd, uint32_t viommu_id, uint32_t type,
		      uint32_t depth, uint32_t *veventq_id, int *veventq_fd);
/* IOMMU_HW_QUEUE_ALLOC: a queue of type at index over [iova, iova+len) of
 * the vIOMMU's nesting parent IOAS. */
int ufd_hw_queue_alloc(int fd, uint32_t viommu_id, uint32_t type,
		       uint32_t index, uint64_t iova, uint64_t len,
		       uint32_t *hw_queue_id);
/* read()/write() on an event queue fd (fault or vEVENT): 0 with *n the
 * byte count, or -errno. */
int ufd_eventq_read(int efd, void *buf, size_t len, size_t *n);
int ufd_eventq_write(int efd, const void *buf, size_t len, size_t *n);

/* IOMMU_IOAS_CHANGE_PROCESS: the context's pinned-page charges move to the
 * calling process. */
int ufd_ioas_change_process(int fd);
/* The same, sent by a forked child that inherited fd; its result. */
int ufd_ioas_change_process_in_child(int fd);
/*
 * A hand-off and back: a forked child whose RLIMIT_MEMLOCK is extra bytes
 * above its own VmLck (UINT64_MAX: its hard limit) sends CHANGE_PROCESS;
 * then, while the child still lives, this process sends it again and
 * takes the mappings back. *to_child: what the child's VmLck grew by;
 * *from_parent: what this process's VmLck moved by while the child held
 * them; *back: the take-back's result (0 when the child's failed and
 * there was nothing to take back). Returns the child's result.
 */
int ufd_ioas_change_process_handoff(int fd, uint64_t extra, int64_t *to_child,
				    int64_t *from_parent, int *back);

/* Any ioctl on fd as given: 0 or -errno. */
int ufd_raw(int fd, unsigned long cmd, void *arg);

#endif
