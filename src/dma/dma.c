// SPDX-License-Identifier: GPL-2.0
/* Engine probing, and device access through a VFIO device fd. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../uapi/vfio_cdev.h"
#include "dma.h"

int dma_engine_probe(const struct dma_dev_io *io, const char *devname,
		     const struct dma_bounce *bounce, enum dma_wait wait,
		     struct dma_engine **out, char *why, size_t why_len)
{
	uint16_t ids[2];

	/* The engine by PCI ID; edu's probe explains any other device. */
	*out = NULL;
	if (!io->cfg_read(io->arg, 0, ids, sizeof(ids)) &&
	    ids[0] == EDU_VENDOR && ids[1] == EDU_PASID_DEVICE)
		return edu_pasid_engine_probe(io, devname, bounce, wait, out,
					      why, why_len);
	return edu_engine_probe(io, devname, bounce, wait, out, why, why_len);
}

void dma_engine_close(struct dma_engine *e)
{
	if (e)
		e->ops->close(e);
}

/* --- struct dma_dev_io over a VFIO device fd ---------------------------- */

#define VIO_NBARS 6

struct vfio_io {
	int dfd;
	int efd;
	bool have_cfg;
	uint64_t cfg_off;
	uint64_t bar_off[VIO_NBARS];
	uint64_t bar_size[VIO_NBARS];
};

static int vio_bar_read(void *arg, unsigned bar, uint64_t off, void *buf,
			size_t len)
{
	struct vfio_io *v = arg;

	if (bar >= VIO_NBARS || off + len > v->bar_size[bar])
		return -EINVAL;
	return vfio_region_read(v->dfd, v->bar_off[bar], off, buf, len);
}

static int vio_bar_write(void *arg, unsigned bar, uint64_t off,
			 const void *buf, size_t len)
{
	struct vfio_io *v = arg;

	if (bar >= VIO_NBARS || off + len > v->bar_size[bar])
		return -EINVAL;
	return vfio_region_write(v->dfd, v->bar_off[bar], off, buf, len);
}

static int vio_cfg_read(void *arg, uint64_t off, void *buf, size_t len)
{
	struct vfio_io *v = arg;

	if (!v->have_cfg)
		return -ENODEV;
	return vfio_region_read(v->dfd, v->cfg_off, off, buf, len);
}

static int vio_cfg_write(void *arg, uint64_t off, const void *buf,
			 size_t len)
{
	struct vfio_io *v = arg;

	if (!v->have_cfg)
		return -ENODEV;
	return vfio_region_write(v->dfd, v->cfg_off, off, buf, len);
}

static int vio_irq_arm(void *arg)
{
	struct vfio_io *v = arg;
	struct vfio_irq_info info;
	int32_t fd;
	int ret;

	if (v->efd >= 0)
		return v->efd;
	ret = vfio_device_get_irq_info(v->dfd, VFIO_PCI_MSI_IRQ_INDEX, &info);
	if (ret)
		return ret;
	if (!info.count || !(info.flags & VFIO_IRQ_INFO_EVENTFD))
		return -ENODEV;
	fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = vfio_set_irqs_eventfd(v->dfd, VFIO_PCI_MSI_IRQ_INDEX, 0, &fd, 1);
	if (ret) {
		close(fd);
		return ret;
	}
	v->efd = fd;
	return fd;
}

static void vio_irq_disarm(void *arg)
{
	struct vfio_io *v = arg;

	if (v->efd < 0)
		return;
	vfio_set_irqs_disable(v->dfd, VFIO_PCI_MSI_IRQ_INDEX);
	close(v->efd);
	v->efd = -1;
}

int dma_vfio_io(int dfd, struct dma_dev_io *io)
{
	struct vfio_region_info ri;
	struct vfio_io *v = calloc(1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	v->dfd = dfd;
	v->efd = -1;
	if (!vfio_device_get_region_info(dfd, VFIO_PCI_CONFIG_REGION_INDEX,
					 &ri)) {
		v->have_cfg = true;
		v->cfg_off = ri.offset;
	}
	for (unsigned i = 0; i < VIO_NBARS; i++) {
		if (vfio_device_get_region_info(dfd, VFIO_PCI_BAR0_REGION_INDEX + i,
						&ri))
			continue;
		if (!(ri.flags & VFIO_REGION_INFO_FLAG_READ) ||
		    !(ri.flags & VFIO_REGION_INFO_FLAG_WRITE))
			continue;
		v->bar_off[i] = ri.offset;
		v->bar_size[i] = ri.size;
	}
	*io = (struct dma_dev_io){
		.bar_read = vio_bar_read,
		.bar_write = vio_bar_write,
		.cfg_read = vio_cfg_read,
		.cfg_write = vio_cfg_write,
		.irq_arm = vio_irq_arm,
		.irq_disarm = vio_irq_disarm,
		.arg = v,
	};
	return 0;
}

void dma_vfio_io_free(struct dma_dev_io *io)
{
	if (!io->arg)
		return;
	vio_irq_disarm(io->arg);
	free(io->arg);
	io->arg = NULL;
}

#define PCI_CMD 0x04
#define PCI_CMD_MEM 0x2
#define PCI_CMD_MASTER 0x4

int dma_enable_bus_master(const struct dma_dev_io *io)
{
	uint16_t cmd;
	int ret = io->cfg_read(io->arg, PCI_CMD, &cmd, sizeof(cmd));

	if (!ret && (cmd & (PCI_CMD_MEM | PCI_CMD_MASTER)) !=
			    (PCI_CMD_MEM | PCI_CMD_MASTER)) {
		cmd |= PCI_CMD_MEM | PCI_CMD_MASTER;
		ret = io->cfg_write(io->arg, PCI_CMD, &cmd, sizeof(cmd));
		if (!ret)
			ret = io->cfg_read(io->arg, PCI_CMD, &cmd, sizeof(cmd));
		if (!ret && !(cmd & PCI_CMD_MASTER))
			ret = -EIO;
	}
	return ret;
}
