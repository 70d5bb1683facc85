// SPDX-License-Identifier: GPL-2.0
/* VFIO device cdev ioctl wrappers: see vfio_cdev.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vfio_cdev.h"

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

int vfio_cdev_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int vfio_bind_iommufd(int dfd, int iommufd, uint32_t *dev_id)
{
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = iommufd,
	};
	int ret = xioctl(dfd, VFIO_DEVICE_BIND_IOMMUFD, &bind);

	if (!ret && dev_id)
		*dev_id = bind.out_devid;
	return ret;
}

static int attach(int dfd, uint32_t flags, uint32_t pasid, uint32_t *pt_id)
{
	struct vfio_device_attach_iommufd_pt at = {
		.argsz = sizeof(at),
		.flags = flags,
		.pt_id = *pt_id,
	};
	int ret;

#ifdef VFIO_DEVICE_ATTACH_PASID
	at.pasid = pasid;
#endif
	ret = xioctl(dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
	if (!ret)
		*pt_id = at.pt_id;
	return ret;
}

int vfio_attach_pt(int dfd, uint32_t *pt_id)
{
	return attach(dfd, 0, 0, pt_id);
}

/* Headers older than 6.14 have no PASID flags: the wrappers then say the
 * uAPI is missing rather than fail to build. */
int vfio_attach_pasid_pt(int dfd, uint32_t pasid, uint32_t *pt_id)
{
#ifdef VFIO_DEVICE_ATTACH_PASID
	return attach(dfd, VFIO_DEVICE_ATTACH_PASID, pasid, pt_id);
#else
	return -EOPNOTSUPP;
#endif
}

int vfio_detach_pt(int dfd)
{
	struct vfio_device_detach_iommufd_pt de = { .argsz = sizeof(de) };

	return xioctl(dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &de);
}

int vfio_detach_pasid_pt(int dfd, uint32_t pasid)
{
#ifdef VFIO_DEVICE_DETACH_PASID
	struct vfio_device_detach_iommufd_pt de = {
		.argsz = sizeof(de),
		.flags = VFIO_DEVICE_DETACH_PASID,
		.pasid = pasid,
	};

	return xioctl(dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &de);
#else
	return -EOPNOTSUPP;
#endif
}

/* The ABI cases pass argsz up to the buffer's size; the kernel reads at
 * most the struct. */
#define PT_RAW_BUF 64

int vfio_attach_pt_raw(int dfd, uint32_t argsz, uint32_t flags,
		       uint32_t pasid, uint32_t *pt_id)
{
	union {
		struct vfio_device_attach_iommufd_pt at;
		uint8_t bytes[PT_RAW_BUF];
	} u;
	int ret;

	if (argsz > PT_RAW_BUF)
		return -E2BIG;
	memset(&u, 0, sizeof(u));
	u.at.argsz = argsz;
	u.at.flags = flags;
	u.at.pt_id = *pt_id;
#ifdef VFIO_DEVICE_ATTACH_PASID
	u.at.pasid = pasid;
#else
	(void)pasid;
#endif
	ret = xioctl(dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &u);
	if (!ret)
		*pt_id = u.at.pt_id;
	return ret;
}

int vfio_detach_pt_raw(int dfd, uint32_t argsz, uint32_t flags,
		       uint32_t pasid)
{
	union {
		struct vfio_device_detach_iommufd_pt de;
		uint8_t bytes[PT_RAW_BUF];
	} u;

	if (argsz > PT_RAW_BUF)
		return -E2BIG;
	memset(&u, 0, sizeof(u));
	u.de.argsz = argsz;
	u.de.flags = flags;
#ifdef VFIO_DEVICE_DETACH_PASID
	u.de.pasid = pasid;
#else
	(void)pasid;
#endif
	return xioctl(dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &u);
}

/* A GET_*_INFO ioctl on a copy IN of LEN bytes: the caller's OUT is written
 * only when the kernel answered. */
static int get_info(int dfd, unsigned long cmd, void *in, void *out,
		    size_t len)
{
	int ret = xioctl(dfd, cmd, in);

	if (!ret)
		memcpy(out, in, len);
	return ret;
}

int vfio_device_get_info(int dfd, struct vfio_device_info *info)
{
	struct vfio_device_info in = { .argsz = sizeof(in) };

	return get_info(dfd, VFIO_DEVICE_GET_INFO, &in, info, sizeof(in));
}

int vfio_device_get_region_info(int dfd, uint32_t index,
				struct vfio_region_info *info)
{
	struct vfio_region_info in = { .argsz = sizeof(in), .index = index };

	return get_info(dfd, VFIO_DEVICE_GET_REGION_INFO, &in, info,
			sizeof(in));
}

int vfio_device_get_irq_info(int dfd, uint32_t index,
			     struct vfio_irq_info *info)
{
	struct vfio_irq_info in = { .argsz = sizeof(in), .index = index };

	return get_info(dfd, VFIO_DEVICE_GET_IRQ_INFO, &in, info, sizeof(in));
}

int vfio_pci_hot_reset_info(int dfd, uint32_t *flags,
			    struct vfio_pci_dependent_device *devs,
			    uint32_t *n)
{
	size_t len = sizeof(struct vfio_pci_hot_reset_info) +
		     (size_t)*n * sizeof(*devs);
	struct vfio_pci_hot_reset_info *info = calloc(1, len);
	int ret;

	if (!info)
		return -ENOMEM;
	info->argsz = (uint32_t)len;
	ret = xioctl(dfd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, info);
	if (!ret || ret == -ENOSPC) {
		if (!ret) {
			*flags = info->flags;
			memcpy(devs, info->devices,
			       (size_t)info->count * sizeof(*devs));
		}
		*n = info->count;
	}
	free(info);
	return ret;
}

int vfio_pci_hot_reset(int dfd, uint32_t count, uint32_t flags)
{
	size_t len = sizeof(struct vfio_pci_hot_reset) +
		     (size_t)count * sizeof(int32_t);
	struct vfio_pci_hot_reset *r = calloc(1, len);
	int ret;

	if (!r)
		return -ENOMEM;
	r->argsz = (uint32_t)len;
	r->flags = flags;
	r->count = count;
	for (uint32_t i = 0; i < count; i++)
		r->group_fds[i] = -1;
	ret = xioctl(dfd, VFIO_DEVICE_PCI_HOT_RESET, r);
	free(r);
	return ret;
}

int vfio_device_reset(int dfd)
{
	return ioctl(dfd, VFIO_DEVICE_RESET) ? -errno : 0;
}

int vfio_set_irqs_eventfd(int dfd, uint32_t index, uint32_t start,
			  const int32_t *fds, uint32_t count)
{
	size_t sz = sizeof(struct vfio_irq_set) + count * sizeof(int32_t);
	struct vfio_irq_set *set = calloc(1, sz);
	int ret;

	if (!set)
		return -ENOMEM;
	set->argsz = sz;
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = index;
	set->start = start;
	set->count = count;
	memcpy(set->data, fds, count * sizeof(int32_t));
	ret = xioctl(dfd, VFIO_DEVICE_SET_IRQS, set);
	free(set);
	return ret;
}

int vfio_set_irqs_disable(int dfd, uint32_t index)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = index,
	};

	return xioctl(dfd, VFIO_DEVICE_SET_IRQS, &set);
}

int vfio_set_irqs_action(int dfd, uint32_t index, uint32_t action)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | action,
		.index = index,
		.count = 1,
	};

	return xioctl(dfd, VFIO_DEVICE_SET_IRQS, &set);
}

int vfio_region_read(int dfd, uint64_t region_offset, uint64_t off,
		     void *buf, size_t len)
{
	ssize_t n = pread(dfd, buf, len, (off_t)(region_offset + off));

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int vfio_region_write(int dfd, uint64_t region_offset, uint64_t off,
		      const void *buf, size_t len)
{
	ssize_t n = pwrite(dfd, buf, len, (off_t)(region_offset + off));

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}
