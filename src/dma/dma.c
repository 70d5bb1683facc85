// SPDX-License-Identifier: GPL-2.0
/* An engine's life and its limits, and device access through a VFIO
 * device fd. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

/* The highest page below 2^48 of the ranges; 0 when none. */
static uint64_t top_page(const struct dma_reach_env *env, uint64_t pg)
{
	const uint64_t cap = 1ull << 48;
	uint64_t hi = 0;

	for (unsigned i = 0; i < env->nranges; i++) {
		const struct iova_range *r = &env->ranges[i];
		uint64_t top = r->last < cap - 1 ? r->last : cap - 1;

		if (top < r->start || top - r->start + 1 < pg)
			continue;
		if (((top + 1) & ~(pg - 1)) - pg > hi)
			hi = ((top + 1) & ~(pg - 1)) - pg;
	}
	return hi;
}

static bool page_in(const struct dma_reach_env *env, uint64_t iova,
		    uint64_t pg)
{
	for (unsigned i = 0; i < env->nranges; i++)
		if (iova >= env->ranges[i].start &&
		    iova + pg - 1 <= env->ranges[i].last)
			return true;
	return false;
}

static bool changed(const unsigned char *m, unsigned char fill, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (m[i] != fill)
			return true;
	return false;
}

/* The driver's own region during the reach probe: one mapping made with
 * the probe's, as the owner keeps it mapped later. */
struct probe_own {
	void *uva;
	uint64_t iova;
	size_t len;
};

static int probe_own_get(void *arg, size_t len, void **uva, uint64_t *iova,
			 char *why, size_t why_len)
{
	struct probe_own *o = arg;

	if (len > o->len) {
		snprintf(why, why_len, "probe region too short");
		return -ENOLINK;
	}
	*uva = o->uva;
	*iova = o->iova;
	return 0;
}

/* A low range of len bytes inside env's ranges, clear of [a, a + pg) and
 * [b, b + pg); 0 when none. */
static uint64_t low_free(const struct dma_reach_env *env, uint64_t limit,
			 uint64_t len, uint64_t pg, uint64_t a, uint64_t b)
{
	for (uint64_t c = 0x100000; c + len <= limit; c += 0x100000) {
		bool in = true;

		for (uint64_t o = 0; o < len && in; o += pg)
			in = page_in(env, c + o, pg);
		if (in && (a + pg <= c || a >= c + len) &&
		    (b + pg <= c || b >= c + len))
			return c;
	}
	return 0;
}

int dma_engine_probe_reach(struct dma_engine *e,
			   const struct dma_reach_env *env, uint64_t *reach,
			   bool *landed, char *why, size_t why_len)
{
	const uint64_t low = e->drv->limits.iova_limit;
	const size_t plen = 64;
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE), hi, lo, src = 0;
	size_t own_len = (e->drv->own_len + pg - 1) / pg * pg;
	struct dma_bounce saved = e->bounce;
	struct probe_own own = { NULL, 0, own_len };
	unsigned char *m, payload[64];
	bool hit_hi, hit_lo;
	int ret;

	*reach = low;
	*landed = false;
	if (!e->drv->probe_write)
		return 0;
	hi = top_page(env, pg);
	lo = hi & (low - 1) & ~(pg - 1);
	/* The payload's page: low, unaliased, apart from lo. */
	for (uint64_t c = 0x100000; c < low && !src; c += 0x100000)
		if (c != lo && page_in(env, c, pg))
			src = c;
	if (own_len)
		own.iova = low_free(env, low, own_len, pg, lo, src);
	if (hi < low || !page_in(env, lo, pg) || !src ||
	    (own_len && !own.iova))
		return 0; /* nothing above the limit to tell apart */
	m = mmap(NULL, 3 * pg + own_len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (m == MAP_FAILED)
		return -ENOMEM;
	own.uva = m + 3 * pg;
	memset(m, 0xa5, 2 * pg);
	for (size_t i = 0; i < plen; i++)
		payload[i] = (unsigned char)(0x3c + 7 * i);
	memcpy(m + 2 * pg, payload, plen);
	ret = env->map(env->arg, m, pg, hi);
	if (!ret)
		ret = env->map(env->arg, m + pg, pg, lo);
	if (!ret)
		ret = env->map(env->arg, m + 2 * pg, pg, src);
	if (!ret && own_len)
		ret = env->map(env->arg, own.uva, own_len, own.iova);
	if (ret) {
		snprintf(why, why_len, "%s: mapping the reach probe's pages: %d",
			 e->name, ret);
		goto out;
	}
	if (own_len)
		e->bounce = (struct dma_bounce){ .get = probe_own_get,
						 .arg = &own };
	ret = e->drv->probe_write(e, payload, plen, src, hi);
	e->bounce = saved;
	if (ret) {
		snprintf(why, why_len, "%s: reach probe transfer failed (%d)",
			 e->name, ret);
		goto out;
	}
	/* Any change counts: a payload load that was blocked still lets a
	 * write that lands show. */
	hit_hi = changed(m, 0xa5, plen);
	hit_lo = changed(m + pg, 0xa5, plen);
	*landed = hit_hi || hit_lo;
	if (hit_hi && !hit_lo)
		*reach = hi + pg;
	else if (!hit_hi && !hit_lo)
		*reach = 0;
out:
	munmap(m, 3 * pg + own_len);
	return ret;
}

int dma_engine_own_ready(struct dma_engine *e, struct dma_own_at *at,
			 int (*start)(struct dma_engine *e, unsigned char *uva,
				      uint64_t iova, char *ev, size_t evlen),
			 const char *what, const char *nothing, char *ev,
			 size_t evlen)
{
	char why[96] = "";
	uint64_t iova;
	void *uva;
	int ret = -ENOLINK;

	if (e->bounce.get)
		ret = e->bounce.get(e->bounce.arg, e->drv->own_len, &uva, &iova,
				    why, sizeof(why));
	if (ret) {
		snprintf(ev, evlen, "%s: %s not reachable (%s): %s", e->name,
			 what, why[0] ? why : "no region of its own", nothing);
		return -ENOLINK;
	}
	if (at->iova == iova && at->uva == uva)
		return 0;
	ret = start(e, uva, iova, ev, evlen);
	if (!ret) {
		at->uva = uva;
		at->iova = iova;
	}
	return ret;
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
