/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Thin wrappers for the VFIO device cdev (/dev/vfio/devices/vfioN): one per
 * ioctl, no policy, no retries, no printing. Each returns 0 or the negative
 * errno the kernel returned; outputs are written only on success.
 */
#ifndef IC_UAPI_VFIO_CDEV_H
#define IC_UAPI_VFIO_CDEV_H

#include <stddef.h>
#include <stdint.h>

#include <linux/vfio.h>

/* open(path, O_RDWR): the fd or -errno. */
int vfio_cdev_open(const char *path);

/* VFIO_DEVICE_BIND_IOMMUFD (no token). */
int vfio_bind_iommufd(int dfd, int iommufd, uint32_t *dev_id);
/* VFIO_DEVICE_ATTACH_IOMMUFD_PT of the RID. *pt_id in: IOAS or HWPT;
 * out: the HWPT attached. */
int vfio_attach_pt(int dfd, uint32_t *pt_id);
/* Same with VFIO_DEVICE_ATTACH_PASID. */
int vfio_attach_pasid_pt(int dfd, uint32_t pasid, uint32_t *pt_id);
int vfio_detach_pt(int dfd);
int vfio_detach_pasid_pt(int dfd, uint32_t pasid);
/* ATTACH / DETACH_IOMMUFD_PT with argsz, flags and pasid exactly as given
 * (the ABI checks): the struct sits at the start of a zeroed 64-byte
 * buffer, so an argsz up to 64 covers only zeros past the struct. *pt_id
 * of the attach is written back only on success. */
int vfio_attach_pt_raw(int dfd, uint32_t argsz, uint32_t flags,
		       uint32_t pasid, uint32_t *pt_id);
int vfio_detach_pt_raw(int dfd, uint32_t argsz, uint32_t flags,
		       uint32_t pasid);

int vfio_device_get_info(int dfd, struct vfio_device_info *info);
/* VFIO_DEVICE_GET_REGION_INFO of region index (no capability chain). */
int vfio_device_get_region_info(int dfd, uint32_t index,
				struct vfio_region_info *info);
int vfio_device_get_irq_info(int dfd, uint32_t index,
			     struct vfio_irq_info *info);
int vfio_device_reset(int dfd);
/* VFIO_DEVICE_GET_PCI_HOT_RESET_INFO with room for *n entries: *flags and
 * devs[0..*n) on success; *n gets the kernel's count (also on ENOSPC). */
int vfio_pci_hot_reset_info(int dfd, uint32_t *flags,
			    struct vfio_pci_dependent_device *devs,
			    uint32_t *n);
/* VFIO_DEVICE_PCI_HOT_RESET with count group fds (all -1) and flags. */
int vfio_pci_hot_reset(int dfd, uint32_t count, uint32_t flags);

/* VFIO_DEVICE_SET_IRQS, DATA_EVENTFD|ACTION_TRIGGER: fds[0..count) for
 * vectors start.. (an fd of -1 tears that vector down). */
int vfio_set_irqs_eventfd(int dfd, uint32_t index, uint32_t start,
			  const int32_t *fds, uint32_t count);
/* VFIO_DEVICE_SET_IRQS, DATA_NONE|ACTION_TRIGGER with count 0: disable. */
int vfio_set_irqs_disable(int dfd, uint32_t index);
/* VFIO_DEVICE_SET_IRQS, DATA_NONE with action (UNMASK, MASK). */
int vfio_set_irqs_action(int dfd, uint32_t index, uint32_t action);

/* pread/pwrite of len bytes at off inside a region that starts at
 * region_offset of the device fd. A short transfer is -EIO. */
int vfio_region_read(int dfd, uint64_t region_offset, uint64_t off,
		     void *buf, size_t len);
int vfio_region_write(int dfd, uint64_t region_offset, uint64_t off,
		      const void *buf, size_t len);

#endif
