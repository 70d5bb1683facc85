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
 *
 * Its quirks live here: at most 4095 bytes per transfer (QEMU 7.2 aborts
 * the VM on one ending at the buffer's end), no PASID, and DMA addresses
 * masked to its dma_mask property (28 bits unless the VM raised it), which
 * edu_probe_reach measures. The engine keeps a copy of what its buffer is
 * known to hold, so a write without a translation for the payload still
 * knows, and reports, the bytes it wrote.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

#define PCI_CMD 0x04
#define PCI_CMD_MEM 0x2
#define PCI_CMD_MASTER 0x4

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_BUF_LEN 4096
#define EDU_MAX_LEN (EDU_BUF_LEN - 1) /* QEMU 7.2: see above */
#define EDU_DMA_MASK_BITS 28	      /* QEMU's default dma_mask */

struct edu {
	int efd; /* completion eventfd, -1 when polling */
	/* The device buffer's first `known` bytes, as last confirmed. */
	unsigned char shadow[EDU_BUF_LEN];
	size_t known;
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

/* The device buffer's first len bytes are now these (confirmed). */
static void buffer_known(struct dma_engine *e, const void *bytes, size_t len)
{
	struct edu *d = e->priv;

	memcpy(d->shadow, bytes, len);
	if (len > d->known)
		d->known = len;
}

static void buffer_unknown(struct dma_engine *e)
{
	((struct edu *)e->priv)->known = 0;
}

/*
 * Copy the device buffer's first len bytes to the bounce page b at biova
 * (device to RAM: the buffer itself is unchanged). b is pre-filled with
 * guess inverted, so a read-back that did not land is seen; with no guess,
 * two pre-fills tell it from a buffer that holds the pre-fill.
 * Returns 0 with b holding the bytes, -ENOLINK if the read-back was
 * blocked, or the transfer's error.
 */
static int unload(struct dma_engine *e, unsigned char *b, uint64_t biova,
		  size_t len, const unsigned char *guess, uint64_t *ns)
{
	int ret;

	if (guess)
		invert(b, guess, len);
	else
		memset(b, 0x5a, len);
	ret = edu_xfer(e, true, biova, len, ns);
	if (ret)
		return ret;
	if (guess)
		return all_inverted(b, guess, len) ? -ENOLINK : 0;
	for (size_t i = 0; i < len; i++)
		if (b[i] != 0x5a)
			return 0;
	memset(b, 0xa5, len);
	ret = edu_xfer(e, true, biova, len, ns);
	if (ret)
		return ret;
	for (size_t i = 0; i < len; i++)
		if (b[i] != 0xa5)
			return 0;
	return -ENOLINK;
}

static int failed(struct dma_engine *e, int ret, const char *what,
		  uint64_t iova, size_t len, char *ev, size_t evlen)
{
	buffer_unknown(e);
	if (ret == -ETIMEDOUT)
		snprintf(ev, evlen, "%s %s iova=0x%" PRIx64 " len=%zu: device did not complete within %u ms",
			 e->name, what, iova, len, e->timeout_ms);
	else
		snprintf(ev, evlen, "%s %s iova=0x%" PRIx64 " len=%zu: device access failed (%d)",
			 e->name, what, iova, len, ret);
	return ret;
}

/* unload() after the transfer under test `what` at iova, with its failure
 * said in ev: the buffer is unknown then. -ENOLINK: read-back blocked. */
static int unload_after(struct dma_engine *e, const char *what,
			uint64_t iova, unsigned char *b, uint64_t biova,
			size_t len, const unsigned char *guess, char *ev,
			size_t evlen)
{
	uint64_t t = 0;
	int ret = unload(e, b, biova, len, guess, &t);

	if (ret == -ENOLINK) {
		buffer_unknown(e);
		snprintf(ev, evlen, "%s %s iova=0x%" PRIx64 " len=%zu: read-back through bounce 0x%" PRIx64 " blocked",
			 e->name, what, iova, len, biova);
	} else if (ret) {
		failed(e, ret, what, iova, len, ev, evlen);
	}
	return ret;
}

/*
 * A write without a translation for the payload: the transfer under test
 * runs with what the buffer holds. Those bytes are known from the last
 * confirmed load, or read back afterwards through a lent translation;
 * either way they are reported in buf. Unknown: -ENOLINK.
 */
static int write_unloaded(struct dma_engine *e, uint64_t iova,
			  unsigned char *buf, size_t len, const char *no_load,
			  char *ev, size_t evlen)
{
	struct edu *d = e->priv;
	char why[96] = "";
	uint64_t biova, t = 0;
	void *uva;
	int ret;

	ret = edu_xfer(e, true, iova, len, &t);
	if (ret)
		return failed(e, ret, "write", iova, len, ev, evlen);
	if (d->known >= len) {
		memcpy(buf, d->shadow, len);
		snprintf(ev, evlen, "%s write iova=0x%" PRIx64 " len=%zu %.1fms %s; payload not loadable (%s): wrote and reports the buffer's bytes from its last confirmed load",
			 e->name, iova, len, t / 1e6, wait_name(e), no_load);
		return 0;
	}
	ret = e->bounce.get_late ?
		      e->bounce.get_late(e->bounce.arg, len, &uva, &biova, why,
					 sizeof(why)) :
		      -ENOLINK;
	if (ret) {
		snprintf(ev, evlen, "%s write iova=0x%" PRIx64 " len=%zu: ran, but the bytes it wrote are unknown (payload not loadable: %s; no translation lent for a read-back: %s)",
			 e->name, iova, len, no_load,
			 why[0] ? why : "none offered");
		return -ENOLINK;
	}
	ret = unload_after(e, "write", iova, uva, biova, len, NULL, ev, evlen);
	if (e->bounce.put)
		e->bounce.put(e->bounce.arg);
	if (ret)
		return ret; /* -ENOLINK: still unknown */
	memcpy(buf, uva, len);
	buffer_known(e, buf, len);
	snprintf(ev, evlen, "%s write iova=0x%" PRIx64 " len=%zu %.1fms %s; payload not loadable (%s): reports the buffer's bytes, read back through a lent translation (bounce 0x%" PRIx64 ")",
		 e->name, iova, len, t / 1e6, wait_name(e), no_load, biova);
	return 0;
}

/*
 * The device writes buf at iova: load buf into the device buffer from the
 * bounce page, run the transfer under test, then copy the device buffer
 * back to the (re-filled) bounce page to confirm what it held throughout.
 */
static int edu_write(struct dma_engine *e, uint64_t iova, void *buf,
		     size_t len, char *ev, size_t evlen)
{
	char why[96] = "";
	uint64_t biova, t_load = 0, t = 0;
	unsigned char *b;
	void *uva;
	int ret;

	ret = e->bounce.get ? e->bounce.get(e->bounce.arg, len, &uva, &biova,
					    why, sizeof(why)) :
			      -ENOLINK;
	if (ret)
		return write_unloaded(e, iova, buf, len,
				      why[0] ? why : "no bounce", ev, evlen);
	b = uva;
	memcpy(b, buf, len);
	ret = edu_xfer(e, false, biova, len, &t_load);
	if (!ret)
		ret = edu_xfer(e, true, iova, len, &t);
	if (ret)
		return failed(e, ret, "write", iova, len, ev, evlen);
	ret = unload_after(e, "write", iova, b, biova, len, buf, ev, evlen);
	if (ret == -ENOLINK) {
		size_t n = strlen(ev);

		snprintf(ev + n, evlen - n, ": payload NOT confirmed");
		return -EIO;
	}
	if (ret)
		return ret;
	if (memcmp(b, buf, len)) {
		/* The load did not land; the read-back shows what the
		 * device held, and so wrote. */
		memcpy(buf, b, len);
		buffer_known(e, buf, len);
		snprintf(ev, evlen, "%s write iova=0x%" PRIx64 " len=%zu %.1fms %s; payload NOT loaded (bounce 0x%" PRIx64 " load blocked): reports the buffer's bytes, read back",
			 e->name, iova, len, t / 1e6, wait_name(e), biova);
		return 0;
	}
	buffer_known(e, buf, len);
	snprintf(ev, evlen, "%s write iova=0x%" PRIx64 " len=%zu %.1fms %s; payload verified (bounce 0x%" PRIx64 ")",
		 e->name, iova, len, t / 1e6, wait_name(e), biova);
	return 0;
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
	uint64_t biova, t_load = 0, t = 0;
	bool late = false;
	const char *pre;
	unsigned char *b;
	void *uva;
	int ret;

	ret = e->bounce.get ? e->bounce.get(e->bounce.arg, len, &uva, &biova,
					    why, sizeof(why)) :
			      -ENOLINK;
	if (ret && e->bounce.get_late) {
		/* No translation to pre-load through: run the read as it is,
		 * then let the owner lend a translation for the read-back. */
		late = true;
		ret = edu_xfer(e, false, iova, len, &t);
		if (ret)
			return failed(e, ret, "read", iova, len, ev, evlen);
		why[0] = '\0';
		ret = e->bounce.get_late(e->bounce.arg, len, &uva, &biova, why,
					 sizeof(why));
	}
	if (ret) {
		if (late)
			buffer_unknown(e);
		snprintf(ev, evlen, "%s read iova=0x%" PRIx64 " len=%zu: cannot read back the device buffer (%s)",
			 e->name, iova, len, why[0] ? why : "no bounce");
		return -ENOLINK;
	}
	b = uva;
	if (!late) {
		memcpy(b, buf, len);
		ret = edu_xfer(e, false, biova, len, &t_load);
		if (!ret)
			ret = edu_xfer(e, false, iova, len, &t);
		if (ret)
			return failed(e, ret, "read", iova, len, ev, evlen);
	}
	/* -ENOLINK: what the device read never reached us; do not pretend. */
	ret = unload_after(e, "read", iova, b, biova, len, buf, ev, evlen);
	if (late && e->bounce.put)
		e->bounce.put(e->bounce.arg);
	if (ret)
		return ret;
	pre = late ? ", read back through a lent translation" :
	      memcmp(b, buf, len) ? "" : ", device buffer kept its pre-fill";
	memcpy(buf, b, len);
	buffer_known(e, buf, len);
	snprintf(ev, evlen, "%s read iova=0x%" PRIx64 " len=%zu %.1fms %s (bounce 0x%" PRIx64 "%s)",
		 e->name, iova, len, t / 1e6, wait_name(e), biova, pre);
	return 0;
}

/*
 * How far the device reaches: edu masks DMA addresses with its dma_mask
 * and wraps silently. With a payload loaded from a low page, one write to
 * the highest page H (below 2^48) of env's ranges, with H's alias under
 * the default mask mapped too, tells which page the device really hit:
 * H (it reaches H + a page), the alias (the default limit), or neither
 * (0: its DMA does not get through a fresh translation at all).
 */
static int edu_probe_reach(struct dma_engine *e,
			   const struct dma_reach_env *env, uint64_t *reach,
			   char *why, size_t why_len)
{
	const uint64_t low = 1ull << EDU_DMA_MASK_BITS, cap = 1ull << 48;
	const size_t plen = 64;
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE), hi = 0, lo, src = 0, t;
	unsigned char *m, payload[64];
	bool lo_ok = false, hit_hi, hit_lo;
	int ret;

	*reach = low;
	for (unsigned i = 0; i < env->nranges; i++) {
		const struct iova_range *r = &env->ranges[i];
		uint64_t top = r->last < cap - 1 ? r->last : cap - 1;

		if (top < r->start || top - r->start + 1 < pg)
			continue;
		if (((top + 1) & ~(pg - 1)) - pg > hi)
			hi = ((top + 1) & ~(pg - 1)) - pg;
	}
	lo = hi & (low - 1) & ~(pg - 1);
	/* The payload's page: low, unaliased, apart from lo. */
	for (uint64_t c = 0x100000; c < low && !src; c += 0x100000)
		for (unsigned i = 0; i < env->nranges; i++)
			if (c != lo && c >= env->ranges[i].start &&
			    c + pg - 1 <= env->ranges[i].last)
				src = c;
	for (unsigned i = 0; i < env->nranges; i++)
		if (lo >= env->ranges[i].start &&
		    lo + pg - 1 <= env->ranges[i].last)
			lo_ok = true;
	if (hi < low || !lo_ok || !src)
		return 0; /* nothing above the default mask to tell apart */
	m = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (m == MAP_FAILED)
		return -ENOMEM;
	memset(m, 0xa5, 2 * pg);
	for (size_t i = 0; i < plen; i++)
		payload[i] = (unsigned char)(0x3c + 7 * i);
	memcpy(m + 2 * pg, payload, plen);
	ret = env->map(env->arg, m, pg, hi);
	if (!ret)
		ret = env->map(env->arg, m + pg, pg, lo);
	if (!ret)
		ret = env->map(env->arg, m + 2 * pg, pg, src);
	if (ret) {
		snprintf(why, why_len, "%s: mapping the reach probe's pages: %d",
			 e->name, ret);
		goto out;
	}
	ret = edu_xfer(e, false, src, plen, &t);
	if (!ret)
		ret = edu_xfer(e, true, hi, plen, &t);
	if (ret) {
		snprintf(why, why_len, "%s: reach probe transfer failed (%d)",
			 e->name, ret);
		goto out;
	}
	hit_hi = !memcmp(m, payload, plen);
	hit_lo = !memcmp(m + pg, payload, plen);
	if (hit_hi && !hit_lo)
		*reach = hi + pg;
	else if (!hit_hi && !hit_lo)
		*reach = 0;
out:
	munmap(m, 3 * pg);
	return ret;
}

static void edu_close(struct dma_engine *e)
{
	struct edu *d = e->priv;

	if (d->efd >= 0 && e->io.irq_disarm)
		e->io.irq_disarm(e->io.arg);
	free(d);
}

static int edu_open(struct dma_engine *e, char *why, size_t why_len)
{
	const struct dma_dev_io *io = &e->io;
	struct edu *d = calloc(1, sizeof(*d));
	uint32_t id = 0, live;
	uint16_t cmd;
	int ret;

	if (!d)
		return -ENOMEM;
	d->efd = -1;
	e->priv = d;
	ret = rd32(e, EDU_REG_ID, &id);
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
			 e->name, id, ret);
		goto fail;
	}
	/* Memory decoding and bus mastering, through the config region. */
	ret = io->cfg_read(io->arg, PCI_CMD, &cmd, sizeof(cmd));
	if (!ret && (cmd & (PCI_CMD_MEM | PCI_CMD_MASTER)) !=
			    (PCI_CMD_MEM | PCI_CMD_MASTER)) {
		cmd |= PCI_CMD_MEM | PCI_CMD_MASTER;
		ret = io->cfg_write(io->arg, PCI_CMD, &cmd, sizeof(cmd));
		if (!ret)
			ret = io->cfg_read(io->arg, PCI_CMD, &cmd, sizeof(cmd));
		if (!ret && !(cmd & PCI_CMD_MASTER))
			ret = -EIO;
	}
	if (ret) {
		snprintf(why, why_len, "%s: cannot enable bus mastering (%d)",
			 e->name, ret);
		goto fail;
	}
	if (e->wait != DMA_WAIT_POLL && io->irq_arm) {
		int fd = io->irq_arm(io->arg);

		if (fd >= 0) {
			d->efd = fd;
			wr32(e, EDU_REG_IRQ_ACK, ~0u);
		} else if (e->wait == DMA_WAIT_IRQ) {
			ret = fd;
			snprintf(why, why_len, "%s: cannot route the completion interrupt to an eventfd (%d)",
				 e->name, ret);
			goto fail;
		}
	}
	e->wait = d->efd >= 0 ? DMA_WAIT_IRQ : DMA_WAIT_POLL;
	return 0;
fail:
	free(d);
	e->priv = NULL;
	return ret;
}

const struct dma_engine_driver edu_driver = {
	.name = "edu",
	.description = "QEMU's educational device (1234:11e8), 1..4095 B per transfer, no PASID",
	.vendor = EDU_VENDOR,
	.device = EDU_DEVICE,
	.limits = {
		.max_len = EDU_MAX_LEN,
		.min_len = 1,
		.granularity = 1,
		.iova_limit = 1ull << EDU_DMA_MASK_BITS,
	},
	.payload = DMA_WRITES_CALLER_BYTES,
	.tags_pasid = false,
	.open = edu_open,
	.probe_reach = edu_probe_reach,
	.write = edu_write,
	.read = edu_read,
	.close = edu_close,
};
