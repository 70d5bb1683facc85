// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel target's ops appended for issue 15 (target.h, "Appended"):
 * the newer iommufd objects and options. Kept apart from kernel.c so the
 * engine and discovery code can change without touching these.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../uapi/iommufd.h"
#include "../uapi/vfio_cdev.h"
#include "kernel_int.h"

int kt_fault_queue_alloc(struct target *t, unsigned ctx, uint32_t *fault_id)
{
	struct kt *k = KT(t);
	uint32_t raw;
	int fd, ret;

	if (ctx >= KT_NCTX)
		return -EINVAL;
	ret = ufd_fault_queue_alloc(k->ufd[ctx], &raw, &fd);
	if (ret)
		return ret;
	close(fd);
	*fault_id = T_ID_MAKE(ctx, raw);
	return 0;
}

int kt_hwpt_alloc_fault(struct target *t, unsigned dev, uint32_t pt_id,
			uint32_t flags, uint32_t fault_id, uint32_t *hwpt_id)
{
	struct kt *k = KT(t);
	uint32_t raw, fraw, out, ioas;
	unsigned ctx;
	int ret;

	if (dev >= k->ndev || k->dev[dev].fd < 0)
		return -T_UNSUPPORTED;
	ctx = k->dev[dev].ctx;
	kt_id_fd(k, pt_id, &raw, NULL);
	kt_id_fd(k, fault_id, &fraw, NULL);
	ret = ufd_hwpt_alloc(k->ufd[ctx], flags, k->dev[dev].devid, raw,
			     IOMMU_HWPT_DATA_NONE, NULL, 0, fraw, &out);
	if (ret)
		return ret;
	*hwpt_id = T_ID_MAKE(ctx, out);
	/* The DMA engine's bounce buffer follows the HWPT's IOAS. */
	ioas = raw;
	for (unsigned i = 0; i < k->nhwpt; i++)
		if (k->hwpt[i].ctx == ctx && k->hwpt[i].id == raw)
			ioas = k->hwpt[i].ioas;
	if (k->nhwpt < KT_MAX_HWPT)
		k->hwpt[k->nhwpt++] =
			(struct khwpt){ .ctx = ctx, .id = out, .ioas = ioas };
	return 0;
}

int kt_option_rlimit_mode(struct target *t, unsigned ctx, bool set,
			  uint64_t *val)
{
	if (ctx >= KT_NCTX)
		return -EINVAL;
	return ufd_option(KT(t)->ufd[ctx], IOMMU_OPTION_RLIMIT_MODE,
			  set ? IOMMU_OPTION_OP_SET : IOMMU_OPTION_OP_GET, 0,
			  val);
}

int kt_ioas_map_file(struct target *t, uint32_t ioas_id, uint32_t flags,
		     int fd, uint64_t start, uint64_t len, uint64_t *iova)
{
	uint32_t raw;
	int ufd = kt_id_fd(KT(t), ioas_id, &raw, NULL);

	return ufd_ioas_map_file(ufd, raw, flags, fd, start, len, iova);
}

int kt_ioas_change_process(struct target *t, unsigned ctx, bool in_child)
{
	int fd;

	if (ctx >= KT_NCTX)
		return -EINVAL;
	fd = KT(t)->ufd[ctx];
	return in_child ? ufd_ioas_change_process_in_child(fd) :
			  ufd_ioas_change_process(fd);
}

int kt_viommu_alloc(struct target *t, unsigned dev, uint32_t hwpt_id,
		    uint32_t type, uint32_t flags, uint32_t *viommu_id)
{
	struct kt *k = KT(t);
	uint32_t raw, out;
	int ret;

	if (dev >= k->ndev || k->dev[dev].fd < 0)
		return -T_UNSUPPORTED;
	kt_id_fd(k, hwpt_id, &raw, NULL);
	ret = ufd_viommu_alloc_flags(k->ufd[k->dev[dev].ctx], flags, type,
				     k->dev[dev].devid, raw, &out);
	if (!ret)
		*viommu_id = T_ID_MAKE(k->dev[dev].ctx, out);
	return ret;
}

int kt_change_process_handoff(struct target *t, unsigned ctx,
			      uint64_t child_limit, int64_t *to_child,
			      int64_t *from_parent, int *back)
{
	if (ctx >= KT_NCTX)
		return -EINVAL;
	return ufd_ioas_change_process_handoff(KT(t)->ufd[ctx], child_limit,
					       to_child, from_parent, back);
}

/* --- the VFIO cdev part --------------------------------------------------- */

int kt_vfio_pt_raw(struct target *t, unsigned dev, bool detach,
		   uint32_t argsz, uint32_t flags, uint32_t pasid,
		   uint32_t *pt_id)
{
	struct kt *k = KT(t);
	struct kdev *d;
	uint32_t raw = 0, pt;
	int ret;

	if (dev >= k->ndev || k->dev[dev].fd < 0)
		return -T_UNSUPPORTED;
	d = &k->dev[dev];
	if (detach) {
		ret = vfio_detach_pt_raw(d->fd, argsz, flags, pasid);
		/* Only the flag VFIO knows says which one went. */
		if (!ret)
			kt_note_detach(k, dev, flags & 1 ? pasid : T_NO_PASID);
		return ret;
	}
	kt_id_fd(k, *pt_id, &raw, NULL);
	pt = raw; /* the kernel writes back the HWPT it attached */
	ret = vfio_attach_pt_raw(d->fd, argsz, flags, pasid, &pt);
	if (ret)
		return ret;
	*pt_id = T_ID_MAKE(d->ctx, pt);
	kt_note_attach(k, dev, flags & 1 ? pasid : T_NO_PASID, raw);
	return 0;
}

#define UNSAFE_PARAM "/sys/module/iommufd/parameters/allow_unsafe_interrupts"

static int unsafe_read(bool *on)
{
	char c = 0;
	int fd = open(UNSAFE_PARAM, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (read(fd, &c, 1) != 1)
		ret = -EIO;
	close(fd);
	*on = c == 'Y' || c == '1';
	return ret;
}

static int unsafe_write(bool on)
{
	int fd = open(UNSAFE_PARAM, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, on ? "Y" : "N", 1) != 1)
		ret = -errno;
	close(fd);
	return ret;
}

int kt_set_unsafe_interrupts(struct target *t, bool allow, bool *was)
{
	struct kt *k = KT(t);
	bool now = false;
	int ret = unsafe_read(&now);

	/* No such parameter (iommufd not built, or not readable here):
	 * the target cannot express the operation. */
	if (ret)
		return -T_UNSUPPORTED;
	if (was)
		*was = now;
	if (k->unsafe_found < 0)
		k->unsafe_found = now;
	return unsafe_write(allow);
}

void kt_unsafe_interrupts_restore(struct kt *k)
{
	if (k->unsafe_found >= 0)
		(void)unsafe_write(k->unsafe_found);
}

/* The device of ours at PCI address seg:bus:devfn, or -1. */
static int dev_at(const struct kt *k, unsigned seg, unsigned bus,
		  unsigned devfn)
{
	char bdf[32];

	snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x", seg, bus, devfn >> 3,
		 devfn & 7);
	for (unsigned i = 0; i < k->ndev; i++)
		if (!strcmp(k->facts.dev[i].bdf, bdf))
			return (int)i;
	return -1;
}

int kt_hot_reset_info(struct target *t, unsigned dev, uint32_t *flags,
		      struct t_reset_dep *deps, unsigned *n)
{
	struct vfio_pci_dependent_device devs[T_MAX_DEVS * 4];
	struct kt *k = KT(t);
	struct kdev *d;
	uint32_t cnt = *n, fl = 0;
	int ret;

	if (dev >= k->ndev || k->dev[dev].fd < 0)
		return -T_UNSUPPORTED;
	if (cnt > sizeof(devs) / sizeof(devs[0]))
		cnt = sizeof(devs) / sizeof(devs[0]);
	d = &k->dev[dev];
	ret = vfio_pci_hot_reset_info(d->fd, &fl, devs, &cnt);
	if (ret && ret != -ENOSPC)
		return ret;
	if (!ret) {
		*flags = fl;
		for (uint32_t i = 0; i < cnt && i < *n; i++) {
			struct t_reset_dep *o = &deps[i];

			o->dev = dev_at(k, devs[i].segment, devs[i].bus,
					devs[i].devfn);
			o->devid = (int32_t)devs[i].devid;
			o->devid_dev = -1;
			for (unsigned j = 0; o->devid > 0 && j < k->ndev; j++)
				if (k->dev[j].fd >= 0 &&
				    k->dev[j].ctx == d->ctx &&
				    k->dev[j].devid == devs[i].devid)
					o->devid_dev = (int)j;
		}
	}
	*n = cnt;
	return ret;
}

int kt_hot_reset(struct target *t, unsigned dev, uint32_t count,
		 uint32_t flags)
{
	struct kt *k = KT(t);

	if (dev >= k->ndev || k->dev[dev].fd < 0)
		return -T_UNSUPPORTED;
	return vfio_pci_hot_reset(k->dev[dev].fd, count, flags);
}
