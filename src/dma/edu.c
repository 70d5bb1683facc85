// SPDX-License-Identifier: GPL-2.0
/*
 * The edu engine: QEMU's educational PCI device (1234:11e8).
 *
 * BAR0: 0x00 ID (0x010000ed), 0x04 liveness (reads back ~written),
 * 0x24 interrupt status, 0x64 interrupt acknowledge, 0x80 DMA source,
 * 0x88 destination, 0x90 count, 0x98 command (bit0 run/busy, bit1
 * direction: 0 RAM->device, 1 device->RAM; bit2 interrupt 0x100 on
 * completion). The device buffer sits at device address 0x40000 and is
 * reachable only by DMA, so loading a payload and reading back what the
 * device read both go through a bounce buffer in the device's current
 * translation (struct dma_bounce). QEMU completes a transfer on a 100 ms
 * virtual timer; a failed translation is invisible to the device (a read
 * fills the buffer with what the bus returns, a write is dropped).
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dma.h"

#define EDU_REG_ID 0x00
#define EDU_REG_LIVE 0x04
#define EDU_REG_IRQ_STATUS 0x24
#define EDU_REG_IRQ_ACK 0x64
#define EDU_REG_DMA_SRC 0x80
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_CNT 0x90
#define EDU_REG_DMA_CMD 0x98
#define EDU_CMD_RUN 0x1
#define EDU_CMD_TO_RAM 0x2
#define EDU_CMD_IRQ 0x4
#define EDU_IRQ_DMA 0x100
#define EDU_BUF 0x40000ull
#define EDU_ID_MAGIC 0xed


#define EDU_TIMEOUT_MS 5000

struct edu {
	int efd; /* completion eventfd, -1 when polling */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int rd32(struct dma_engine *e, uint64_t off, uint32_t *v)
{
	return e->io.bar_read(e->io.arg, 0, off, v, 4);
}

static int wr32(struct dma_engine *e, uint64_t off, uint32_t v)
{
	return e->io.bar_write(e->io.arg, 0, off, &v, 4);
}

static int rd64(struct dma_engine *e, uint64_t off, uint64_t *v)
{
	return e->io.bar_read(e->io.arg, 0, off, v, 8);
}

static int wr64(struct dma_engine *e, uint64_t off, uint64_t v)
{
	return e->io.bar_write(e->io.arg, 0, off, &v, 8);
}

/* Wait until the command register drops RUN. */
static int edu_wait(struct dma_engine *e, uint64_t start, bool *by_irq)
{
	struct edu *d = e->priv;
	uint64_t deadline = start + (uint64_t)e->timeout_ms * 1000000ull;
	uint64_t cmd;
	int ret;

	*by_irq = false;
	for (;;) {
		uint64_t now;

		if (d->efd >= 0) {
			struct pollfd p = { .fd = d->efd, .events = POLLIN };
			uint64_t cnt;

			/* Re-check the register now and then in case the
			 * interrupt never comes. */
			if (poll(&p, 1, 20) > 0 &&
			    read(d->efd, &cnt, sizeof(cnt)) == sizeof(cnt))
				*by_irq = true;
		} else {
			struct timespec ts = { 0, 1000000 };

			nanosleep(&ts, NULL);
		}
		ret = rd64(e, EDU_REG_DMA_CMD, &cmd);
		if (ret)
			return ret;
		if (!(cmd & EDU_CMD_RUN))
			return 0;
		now = now_ns();
		if (now > deadline)
			return -ETIMEDOUT;
		*by_irq = false;
	}
}

/*
 * One transfer between device buffer offset 0 and iova; 0 once the device
 * reported it complete. *ns: start command to observed completion.
 */
static int edu_xfer(struct dma_engine *e, bool to_ram, uint64_t iova,
		    size_t len, uint64_t *ns)
{
	struct edu *d = e->priv;
	uint64_t cmd, start, cnt;
	bool by_irq;
	int ret;

	/* A previous transfer that timed out may still be running: the
	 * device ignores register writes while it is. */
	ret = rd64(e, EDU_REG_DMA_CMD, &cmd);
	if (ret)
		return ret;
	if (cmd & EDU_CMD_RUN) {
		ret = edu_wait(e, now_ns(), &by_irq);
		if (ret)
			return ret;
	}
	if (d->efd >= 0)
		while (read(d->efd, &cnt, sizeof(cnt)) == sizeof(cnt))
			;
	ret = wr64(e, EDU_REG_DMA_SRC, to_ram ? EDU_BUF : iova);
	if (!ret)
		ret = wr64(e, EDU_REG_DMA_DST, to_ram ? iova : EDU_BUF);
	if (!ret)
		ret = wr64(e, EDU_REG_DMA_CNT, len);
	if (ret)
		return ret;
	cmd = EDU_CMD_RUN | (to_ram ? EDU_CMD_TO_RAM : 0) |
	      (d->efd >= 0 ? EDU_CMD_IRQ : 0);
	start = now_ns();
	ret = wr64(e, EDU_REG_DMA_CMD, cmd);
	if (ret)
		return ret;
	ret = edu_wait(e, start, &by_irq);
	*ns = now_ns() - start;
	if (ret)
		return ret;
	if (d->efd >= 0)
		wr32(e, EDU_REG_IRQ_ACK, EDU_IRQ_DMA);
	e->ntransfers++;
	e->busy_ns += *ns;
	if (by_irq)
		e->nirq++;
	return 0;
}

static int check_args(struct dma_engine *e, uint64_t iova, size_t len,
		      const char *what, char *ev, size_t evlen)
{
	if (!len || len > e->max_len) {
		snprintf(ev, evlen, "%s: %s len %zu outside 1..%zu", e->name,
			 what, len, e->max_len);
		return -EINVAL;
	}
	if (iova + len < iova || iova + len > e->iova_limit) {
		snprintf(ev, evlen,
			 "%s: %s iova 0x%" PRIx64 "+%zu beyond the device's DMA limit 0x%" PRIx64,
			 e->name, what, iova, len, e->iova_limit);
		return -ERANGE;
	}
	return 0;
}

static void invert(unsigned char *dst, const unsigned char *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		dst[i] = (unsigned char)~src[i];
}

static bool all_inverted(const unsigned char *a, const unsigned char *b,
			 size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)(a[i] ^ b[i]) != 0xff)
			return false;
	return true;
}

static const char *wait_name(const struct dma_engine *e)
{
	return ((struct edu *)e->priv)->efd >= 0 ? "irq" : "poll";
}

/*
 * The device writes buf at iova: load buf into the device buffer from the
 * bounce page, run the transfer under test, then copy the device buffer
 * back to the (re-filled) bounce page to confirm it held buf throughout.
 */
static int edu_write(struct dma_engine *e, uint64_t iova, const void *buf,
		     size_t len, char *ev, size_t evlen)
{
	char why[96] = "";
	const char *payload;
	uint64_t biova, t_load = 0, t = 0, t_check = 0;
	unsigned char *b;
	void *uva;
	int ret;

	ev[0] = '\0';
	ret = check_args(e, iova, len, "write", ev, evlen);
	if (ret)
		return ret;
	ret = e->bounce.get ? e->bounce.get(e->bounce.arg, len, e->iova_limit,
					    &uva, &biova, why, sizeof(why)) :
			      -ENOLINK;
	if (ret) {
		/* No way to load the payload: the device still runs the
		 * transfer (a blocked write must be seen to be blocked), with
		 * whatever its buffer holds. */
		ret = edu_xfer(e, true, iova, len, &t);
		payload = "payload NOT loaded";
		goto out;
	}
	b = uva;
	memcpy(b, buf, len);
	ret = edu_xfer(e, false, biova, len, &t_load);
	if (!ret)
		ret = edu_xfer(e, true, iova, len, &t);
	if (!ret) {
		invert(b, buf, len);
		ret = edu_xfer(e, true, biova, len, &t_check);
	}
	if (!ret && !memcmp(b, buf, len))
		payload = "payload verified";
	else if (!ret && all_inverted(b, buf, len))
		payload = "payload NOT confirmed (bounce read-back blocked)";
	else
		payload = "payload NOT loaded (bounce load blocked)";
	snprintf(why, sizeof(why), "bounce 0x%" PRIx64, biova);
	e->bounce.put(e->bounce.arg);
out:
	if (ret == -ETIMEDOUT)
		snprintf(ev, evlen, "%s write iova=0x%" PRIx64 " len=%zu: device did not complete within %u ms",
			 e->name, iova, len, e->timeout_ms);
	else if (ret)
		snprintf(ev, evlen, "%s write iova=0x%" PRIx64 " len=%zu: device access failed (%d)",
			 e->name, iova, len, ret);
	else
		snprintf(ev, evlen, "%s write iova=0x%" PRIx64 " len=%zu %.1fms %s; %s (%s)",
			 e->name, iova, len, t / 1e6, wait_name(e), payload,
			 why);
	return ret;
}

/*
 * The device reads iova: pre-load the device buffer with buf (the caller's
 * pre-fill), run the transfer under test, copy the device buffer to the
 * bounce page (pre-filled with buf inverted, so a read-back that did not
 * land is seen) and hand it to the caller.
 */
static int edu_read(struct dma_engine *e, uint64_t iova, void *buf,
		    size_t len, char *ev, size_t evlen)
{
	char why[96] = "";
	uint64_t biova, t_load = 0, t = 0, t_back = 0;
	bool late = false;
	const char *pre;
	unsigned char *b;
	void *uva;
	int ret;

	ev[0] = '\0';
	ret = check_args(e, iova, len, "read", ev, evlen);
	if (ret)
		return ret;
	ret = e->bounce.get ? e->bounce.get(e->bounce.arg, len, e->iova_limit,
					    &uva, &biova, why, sizeof(why)) :
			      -ENOLINK;
	if (ret && e->bounce.get_late) {
		/* No translation to pre-load through: run the read as it is,
		 * then let the owner lend a translation for the read-back. */
		late = true;
		ret = edu_xfer(e, false, iova, len, &t);
		if (ret)
			goto done;
		why[0] = '\0';
		ret = e->bounce.get_late(e->bounce.arg, len, e->iova_limit,
					 &uva, &biova, why, sizeof(why));
	}
	if (ret) {
		snprintf(ev, evlen, "%s read iova=0x%" PRIx64 " len=%zu: cannot read back the device buffer (%s)",
			 e->name, iova, len, why[0] ? why : "no bounce");
		return -ENOLINK;
	}
	b = uva;
	memcpy(b, buf, len);
	if (!late) {
		ret = edu_xfer(e, false, biova, len, &t_load);
		if (!ret)
			ret = edu_xfer(e, false, iova, len, &t);
	}
	if (!ret) {
		invert(b, buf, len);
		ret = edu_xfer(e, true, biova, len, &t_back);
	}
	e->bounce.put(e->bounce.arg);
done:
	if (ret == -ETIMEDOUT) {
		snprintf(ev, evlen, "%s read iova=0x%" PRIx64 " len=%zu: device did not complete within %u ms",
			 e->name, iova, len, e->timeout_ms);
		return ret;
	}
	if (ret) {
		snprintf(ev, evlen, "%s read iova=0x%" PRIx64 " len=%zu: device access failed (%d)",
			 e->name, iova, len, ret);
		return ret;
	}
	if (all_inverted(b, buf, len)) {
		/* What the device read never reached us: do not pretend. */
		snprintf(ev, evlen, "%s read iova=0x%" PRIx64 " len=%zu: read-back through bounce 0x%" PRIx64 " blocked",
			 e->name, iova, len, biova);
		return -ENOLINK;
	}
	pre = late ? ", read back through a lent translation" :
	      memcmp(b, buf, len) ? "" : ", device buffer kept its pre-fill";
	memcpy(buf, b, len);
	snprintf(ev, evlen, "%s read iova=0x%" PRIx64 " len=%zu %.1fms %s (bounce 0x%" PRIx64 "%s)",
		 e->name, iova, len, t / 1e6, wait_name(e), biova, pre);
	return 0;
}

static void edu_close(struct dma_engine *e)
{
	struct edu *d = e->priv;

	if (d->efd >= 0 && e->io.irq_disarm)
		e->io.irq_disarm(e->io.arg);
	free(d);
	free(e);
}

static const struct dma_engine_ops edu_ops = {
	.name = "edu",
	.write = edu_write,
	.read = edu_read,
	.close = edu_close,
};

int edu_engine_probe(const struct dma_dev_io *io, const char *devname,
		     const struct dma_bounce *bounce, enum dma_wait wait,
		     struct dma_engine **out, char *why, size_t why_len)
{
	struct dma_engine *e;
	struct edu *d;
	uint16_t ids[2];
	uint32_t id, live;
	int ret;

	*out = NULL;
	ret = io->cfg_read(io->arg, 0, ids, sizeof(ids));
	if (ret) {
		snprintf(why, why_len, "%s: config space read failed (%d)",
			 devname, ret);
		return ret;
	}
	if (ids[0] != EDU_VENDOR || ids[1] != EDU_DEVICE) {
		snprintf(why, why_len, "%s: %04x:%04x is not a device with a DMA engine here (edu is %04x:%04x)",
			 devname, ids[0], ids[1], EDU_VENDOR, EDU_DEVICE);
		return -ENODEV;
	}
	e = calloc(1, sizeof(*e));
	d = calloc(1, sizeof(*d));
	if (!e || !d) {
		free(e);
		free(d);
		return -ENOMEM;
	}
	d->efd = -1;
	e->ops = &edu_ops;
	e->io = *io;
	if (bounce)
		e->bounce = *bounce;
	e->priv = d;
	e->max_len = EDU_MAX_LEN;
	e->iova_limit = EDU_IOVA_LIMIT;
	e->timeout_ms = EDU_TIMEOUT_MS;
	snprintf(e->name, sizeof(e->name), "edu %s", devname);

	ret = e->io.bar_read(e->io.arg, 0, EDU_REG_ID, &id, 4);
	if (!ret && (id & 0xff) != EDU_ID_MAGIC)
		ret = -ENODEV;
	if (!ret)
		ret = wr32(e, EDU_REG_LIVE, 0x5a5a0f0f);
	if (!ret)
		ret = rd32(e, EDU_REG_LIVE, &live);
	if (!ret && live != ~0x5a5a0f0fu)
		ret = -EIO;
	if (ret) {
		snprintf(why, why_len, "%s: edu registers do not answer (id 0x%08x, %d)",
			 devname, id, ret);
		goto fail;
	}
	/* Memory decoding and bus mastering, through the config region. */
	ret = dma_enable_bus_master(io);
	if (ret) {
		snprintf(why, why_len, "%s: cannot enable bus mastering (%d)",
			 devname, ret);
		goto fail;
	}
	if (wait != DMA_WAIT_POLL && io->irq_arm) {
		int fd = io->irq_arm(io->arg);

		if (fd >= 0) {
			d->efd = fd;
			wr32(e, EDU_REG_IRQ_ACK, ~0u);
		} else if (wait == DMA_WAIT_IRQ) {
			ret = fd;
			snprintf(why, why_len, "%s: cannot route the completion interrupt to an eventfd (%d)",
				 devname, ret);
			goto fail;
		}
	}
	e->wait = d->efd >= 0 ? DMA_WAIT_IRQ : DMA_WAIT_POLL;
	*out = e;
	return 0;
fail:
	free(d);
	free(e);
	return ret;
}
