// SPDX-License-Identifier: GPL-2.0
/*
 * The edu-pasid engine: edu's DMA engine on a PCI Express endpoint that
 * can tag its DMA with a PASID (1234:11e9). QEMU has no such device; the
 * patched QEMU of vm/qemu-build.sh adds it (vm/qemu-patches/0002-*).
 *
 * BAR0: edu's 0x00 ID, 0x04 liveness, 0x24 interrupt status, 0x64
 * acknowledge, 0x80 DMA source, 0x88 destination, 0x90 count, 0x98
 * command (bit0 run/busy, bit1 direction 0 RAM->device 1 device->RAM,
 * bit2 interrupt 0x100 on completion), plus 0xa0 PASID (bit 31 tag the
 * DMA, bits 19:0 the PASID; latched at the start command) and 0xa8 the
 * result of the last transfer (0 ok, 1 the bus failed an access, e.g. an
 * IOMMU fault, 2 refused: tagged without PASID translation, 3 outside the
 * buffer, 4 bus mastering off). The 4 KiB device buffer (device address
 * 0x40000) is also at BAR0 + 0x40000 for the CPU, in 4- or 8-byte words.
 *
 * So every DMA the engine runs is the transfer under test: it loads the
 * device buffer and checks it through BAR0, runs the one transfer, and
 * reads the buffer back through BAR0. No bounce buffer, and nothing
 * depends on another translation of the device (its RID's or another
 * PASID's). The device completes a transfer about 100 us after the start.
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

#define EP_REG_ID 0x00
#define EP_REG_LIVE 0x04
#define EP_REG_IRQ_ACK 0x64
#define EP_REG_DMA_SRC 0x80
#define EP_REG_DMA_DST 0x88
#define EP_REG_DMA_CNT 0x90
#define EP_REG_DMA_CMD 0x98
#define EP_REG_PASID 0xa0
#define EP_REG_RESULT 0xa8
#define EP_CMD_RUN 0x1
#define EP_CMD_TO_RAM 0x2
#define EP_CMD_IRQ 0x4
#define EP_IRQ_DMA 0x100
#define EP_PASID_EN 0x80000000u
#define EP_PASID_MAX 0xfffffu
#define EP_BUF 0x40000ull
#define EP_BUF_SIZE 4096u
#define EP_ID_MAGIC 0xed


#define EP_TIMEOUT_MS 5000

struct edu_pasid {
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

static const char *result_name(uint32_t r)
{
	switch (r) {
	case 0: return "ok";
	case 1: return "bus error (an access failed, e.g. an IOMMU fault)";
	case 2: return "refused: no translation for the PASID (PASID Enable clear, PASID too wide or no PASID-aware IOMMU)";
	case 3: return "refused: outside the device buffer";
	case 4: return "refused: bus mastering off";
	}
	return "unknown";
}

/* The device buffer through BAR0, in 8-byte words (len rounded up). */
static int buf_store(struct dma_engine *e, const void *src, size_t len)
{
	unsigned char tmp[EP_BUF_SIZE] = { 0 };

	memcpy(tmp, src, len);
	return e->io.bar_write(e->io.arg, 0, EP_BUF, tmp, (len + 7) & ~7ul);
}

static int buf_load(struct dma_engine *e, void *dst, size_t len)
{
	unsigned char tmp[EP_BUF_SIZE];
	int ret;

	ret = e->io.bar_read(e->io.arg, 0, EP_BUF, tmp, (len + 7) & ~7ul);
	if (!ret)
		memcpy(dst, tmp, len);
	return ret;
}

/* Wait until the command register drops RUN. */
static int ep_wait(struct dma_engine *e, uint64_t start, bool *by_irq)
{
	struct edu_pasid *d = e->priv;
	uint64_t deadline = start + (uint64_t)e->timeout_ms * 1000000ull;
	uint64_t cmd;
	int ret;

	*by_irq = false;
	for (;;) {
		if (d->efd >= 0) {
			struct pollfd p = { .fd = d->efd, .events = POLLIN };
			uint64_t cnt;

			if (poll(&p, 1, 20) > 0 &&
			    read(d->efd, &cnt, sizeof(cnt)) == sizeof(cnt))
				*by_irq = true;
		} else {
			struct timespec ts = { 0, 100000 };

			nanosleep(&ts, NULL);
		}
		ret = rd64(e, EP_REG_DMA_CMD, &cmd);
		if (ret)
			return ret;
		if (!(cmd & EP_CMD_RUN))
			return 0;
		if (now_ns() > deadline)
			return -ETIMEDOUT;
		*by_irq = false;
	}
}

/*
 * One transfer between device buffer offset 0 and iova, tagged as the
 * engine says; 0 once the device reported it complete, *result its result
 * register. *ns: start command to observed completion.
 */
static int ep_xfer(struct dma_engine *e, bool to_ram, uint64_t iova,
		   size_t len, uint32_t *result, uint64_t *ns)
{
	struct edu_pasid *d = e->priv;
	uint64_t cmd, start, cnt;
	bool by_irq;
	int ret;

	ret = rd64(e, EP_REG_DMA_CMD, &cmd);
	if (ret)
		return ret;
	if (cmd & EP_CMD_RUN) {
		ret = ep_wait(e, now_ns(), &by_irq);
		if (ret)
			return ret;
	}
	if (d->efd >= 0)
		while (read(d->efd, &cnt, sizeof(cnt)) == sizeof(cnt))
			;
	ret = wr32(e, EP_REG_PASID, e->tag_pasid ? EP_PASID_EN | e->pasid : 0);
	if (!ret)
		ret = wr64(e, EP_REG_DMA_SRC, to_ram ? EP_BUF : iova);
	if (!ret)
		ret = wr64(e, EP_REG_DMA_DST, to_ram ? iova : EP_BUF);
	if (!ret)
		ret = wr64(e, EP_REG_DMA_CNT, len);
	if (ret)
		return ret;
	cmd = EP_CMD_RUN | (to_ram ? EP_CMD_TO_RAM : 0) |
	      (d->efd >= 0 ? EP_CMD_IRQ : 0);
	start = now_ns();
	ret = wr64(e, EP_REG_DMA_CMD, cmd);
	if (ret)
		return ret;
	ret = ep_wait(e, start, &by_irq);
	*ns = now_ns() - start;
	if (!ret)
		ret = rd32(e, EP_REG_RESULT, result);
	if (ret)
		return ret;
	if (d->efd >= 0)
		wr32(e, EP_REG_IRQ_ACK, EP_IRQ_DMA);
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
	if (e->tag_pasid && e->pasid > EP_PASID_MAX) {
		snprintf(ev, evlen, "%s: PASID 0x%x wider than 20 bits",
			 e->name, e->pasid);
		return -EINVAL;
	}
	return 0;
}

static void tag_str(const struct dma_engine *e, char *s, size_t n)
{
	if (e->tag_pasid)
		snprintf(s, n, "pasid 0x%x", e->pasid);
	else
		snprintf(s, n, "no pasid");
}

/* One transfer under test with its payload staged and checked: for a
 * write, the device buffer holds buf before it; for a read, buf gets the
 * buffer after it (pre-filled with buf). */
static int ep_run(struct dma_engine *e, bool to_ram, uint64_t iova,
		  void *buf, size_t len, char *ev, size_t evlen)
{
	const char *what = to_ram ? "write" : "read";
	unsigned char chk[EP_BUF_SIZE];
	uint32_t result = 0;
	uint64_t t = 0;
	char tag[24];
	int ret;

	ev[0] = '\0';
	ret = check_args(e, iova, len, what, ev, evlen);
	if (ret)
		return ret;
	tag_str(e, tag, sizeof(tag));
	ret = buf_store(e, buf, len);
	if (!ret)
		ret = buf_load(e, chk, len);
	if (!ret && memcmp(chk, buf, len)) {
		snprintf(ev, evlen, "%s %s iova=0x%" PRIx64 " len=%zu %s: the device buffer did not take the payload",
			 e->name, what, iova, len, tag);
		return -EIO;
	}
	if (!ret)
		ret = ep_xfer(e, to_ram, iova, len, &result, &t);
	if (!ret && to_ram)
		ret = buf_load(e, chk, len);
	else if (!ret)
		ret = buf_load(e, buf, len);
	if (ret == -ETIMEDOUT) {
		snprintf(ev, evlen, "%s %s iova=0x%" PRIx64 " len=%zu %s: device did not complete within %u ms",
			 e->name, what, iova, len, tag, e->timeout_ms);
		return ret;
	}
	if (ret) {
		snprintf(ev, evlen, "%s %s iova=0x%" PRIx64 " len=%zu %s: device access failed (%d)",
			 e->name, what, iova, len, tag, ret);
		return ret;
	}
	if (result >= 2) {
		/* The device never issued it: not a verdict on translation. */
		snprintf(ev, evlen, "%s %s iova=0x%" PRIx64 " len=%zu %s: device %s",
			 e->name, what, iova, len, tag, result_name(result));
		return -EIO;
	}
	snprintf(ev, evlen, "%s %s iova=0x%" PRIx64 " len=%zu %s %.2fms %s; payload %s through BAR0; device result: %s",
		 e->name, what, iova, len, tag, t / 1e6,
		 ((struct edu_pasid *)e->priv)->efd >= 0 ? "irq" : "poll",
		 to_ram ? (memcmp(chk, buf, len) ? "changed in the device buffer" : "verified") : "read back",
		 result_name(result));
	return 0;
}

static int ep_write(struct dma_engine *e, uint64_t iova, const void *buf,
		    size_t len, char *ev, size_t evlen)
{
	unsigned char tmp[EP_BUF_SIZE];

	if (len > sizeof(tmp))
		return check_args(e, iova, len, "write", ev, evlen);
	memcpy(tmp, buf, len);
	return ep_run(e, true, iova, tmp, len, ev, evlen);
}

static int ep_read(struct dma_engine *e, uint64_t iova, void *buf,
		   size_t len, char *ev, size_t evlen)
{
	return ep_run(e, false, iova, buf, len, ev, evlen);
}

static void ep_close(struct dma_engine *e)
{
	struct edu_pasid *d = e->priv;

	if (d->efd >= 0 && e->io.irq_disarm)
		e->io.irq_disarm(e->io.arg);
	free(d);
	free(e);
}

static const struct dma_engine_ops edu_pasid_ops = {
	.name = "edu-pasid",
	.write = ep_write,
	.read = ep_read,
	.close = ep_close,
};

int edu_pasid_engine_probe(const struct dma_dev_io *io, const char *devname,
			   const struct dma_bounce *bounce, enum dma_wait wait,
			   struct dma_engine **out, char *why, size_t why_len)
{
	struct dma_engine *e;
	struct edu_pasid *d;
	uint16_t ids[2];
	uint32_t id = 0, live = 0;
	int ret;

	*out = NULL;
	ret = io->cfg_read(io->arg, 0, ids, sizeof(ids));
	if (ret) {
		snprintf(why, why_len, "%s: config space read failed (%d)",
			 devname, ret);
		return ret;
	}
	if (ids[0] != EDU_VENDOR || ids[1] != EDU_PASID_DEVICE) {
		snprintf(why, why_len, "%s: %04x:%04x is not edu-pasid (%04x:%04x)",
			 devname, ids[0], ids[1], EDU_VENDOR, EDU_PASID_DEVICE);
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
	e->ops = &edu_pasid_ops;
	e->io = *io;
	if (bounce)
		e->bounce = *bounce; /* unused: the buffer is in BAR0 */
	e->priv = d;
	e->max_len = EP_BUF_SIZE;
	e->iova_limit = EDU_IOVA_LIMIT;
	e->timeout_ms = EP_TIMEOUT_MS;
	e->pasid_capable = true;
	snprintf(e->name, sizeof(e->name), "edu-pasid %s", devname);

	ret = rd32(e, EP_REG_ID, &id);
	if (!ret && (id & 0xff) != EP_ID_MAGIC)
		ret = -ENODEV;
	if (!ret)
		ret = wr32(e, EP_REG_LIVE, 0x5a5a0f0f);
	if (!ret)
		ret = rd32(e, EP_REG_LIVE, &live);
	if (!ret && live != ~0x5a5a0f0fu)
		ret = -EIO;
	if (ret) {
		snprintf(why, why_len, "%s: edu-pasid registers do not answer (id 0x%08x, %d)",
			 devname, id, ret);
		goto fail;
	}
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
			wr32(e, EP_REG_IRQ_ACK, ~0u);
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
