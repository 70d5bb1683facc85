// SPDX-License-Identifier: GPL-2.0
/* An engine's life and its limits, and device access through a VFIO
 * device fd. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../uapi/vfio_cdev.h"
#include "dma.h"

#define DEFAULT_TIMEOUT_MS 5000

int dma_engine_open(const struct dma_engine_driver *drv,
		    const struct dma_dev_io *io, const char *devname,
		    const struct dma_bounce *bounce, enum dma_wait wait,
		    uint64_t reach, struct dma_engine **out, char *why,
		    size_t why_len)
{
	struct dma_engine *e = calloc(1, sizeof(*e));
	int ret;

	*out = NULL;
	if (!e)
		return -ENOMEM;
	e->drv = drv;
	e->io = *io;
	if (bounce)
		e->bounce = *bounce;
	e->limits = drv->limits;
	if (reach)
		e->limits.iova_limit = reach;
	e->timeout_ms = DEFAULT_TIMEOUT_MS;
	e->wait = wait;
	snprintf(e->name, sizeof(e->name), "%s %s", drv->name, devname);
	ret = drv->open(e, why, why_len);
	if (ret) {
		free(e);
		return ret;
	}
	*out = e;
	return 0;
}

int dma_engine_probe_reach(struct dma_engine *e,
			   const struct dma_reach_env *env, uint64_t *reach,
			   char *why, size_t why_len)
{
	if (!e->drv->probe_reach) {
		*reach = e->limits.iova_limit;
		return 0;
	}
	return e->drv->probe_reach(e, env, reach, why, why_len);
}

/* The one place a transfer is held to the engine's declared limits. */
static int check_limits(const struct dma_engine *e, uint64_t iova,
			size_t len, const char *what, char *ev, size_t evlen)
{
	const struct dma_limits *l = &e->limits;

	if (len < l->min_len || len > l->max_len ||
	    (l->granularity > 1 && len % l->granularity)) {
		snprintf(ev, evlen, "%s: %s len %zu outside %zu..%zu (in steps of %zu)",
			 e->name, what, len, l->min_len, l->max_len,
			 l->granularity ? l->granularity : 1);
		return -EINVAL;
	}
	if (iova + len < iova || iova + len > l->iova_limit) {
		snprintf(ev, evlen,
			 "%s: %s iova 0x%" PRIx64 "+%zu beyond the device's DMA limit 0x%" PRIx64,
			 e->name, what, iova, len, l->iova_limit);
		return -ERANGE;
	}
	return 0;
}

static int transfer(struct dma_engine *e, bool write, uint64_t iova,
		    void *buf, size_t len, char *ev, size_t evlen)
{
	int ret;

	ev[0] = '\0';
	ret = check_limits(e, iova, len, write ? "write" : "read", ev, evlen);
	if (ret)
		return ret;
	return (write ? e->drv->write : e->drv->read)(e, iova, buf, len, ev,
						      evlen);
}

int dma_engine_write(struct dma_engine *e, uint64_t iova, void *buf,
		     size_t len, char *ev, size_t evlen)
{
	return transfer(e, true, iova, buf, len, ev, evlen);
}

int dma_engine_read(struct dma_engine *e, uint64_t iova, void *buf,
		    size_t len, char *ev, size_t evlen)
{
	return transfer(e, false, iova, buf, len, ev, evlen);
}

void dma_engine_close(struct dma_engine *e)
{
	if (!e)
		return;
	e->drv->close(e);
	free(e);
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
