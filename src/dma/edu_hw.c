// SPDX-License-Identifier: GPL-2.0
/* The edu register block and one transfer through it (see edu_hw.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "edu_hw.h"

#define EDU_REG_ID 0x00
#define EDU_REG_LIVE 0x04
#define EDU_REG_IRQ_ACK 0x64
#define EDU_REG_DMA_SRC 0x80
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_CNT 0x90
#define EDU_REG_DMA_CMD 0x98
#define EDU_CMD_RUN 0x1
#define EDU_CMD_TO_RAM 0x2
#define EDU_CMD_IRQ 0x4
#define EDU_IRQ_DMA 0x100
#define EDU_ID_MAGIC 0xed
#define EDU_PASID_EN 0x80000000u

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int edu_rd32(struct dma_engine *e, uint64_t off, uint32_t *v)
{
	return e->io.bar_read(e->io.arg, 0, off, v, 4);
}

int edu_wr32(struct dma_engine *e, uint64_t off, uint32_t v)
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

const char *edu_wait_name(const struct dma_engine *e)
{
	return edu_hw(e)->efd >= 0 ? "irq" : "poll";
}

/* Wait until the command register drops RUN. */
static int edu_wait(struct dma_engine *e, uint64_t start, bool *by_irq)
{
	struct edu_hw *h = edu_hw(e);
	uint64_t deadline = start + (uint64_t)e->timeout_ms * 1000000ull;
	uint64_t cmd;
	int ret;

	*by_irq = false;
	for (;;) {
		if (h->efd >= 0) {
			struct pollfd p = { .fd = h->efd, .events = POLLIN };
			uint64_t cnt;

			/* Re-check the register now and then in case the
			 * interrupt never comes. */
			if (poll(&p, 1, 20) > 0 &&
			    read(h->efd, &cnt, sizeof(cnt)) == sizeof(cnt))
				*by_irq = true;
		} else {
			struct timespec ts = { 0, h->poll_ns };

			nanosleep(&ts, NULL);
		}
		ret = rd64(e, EDU_REG_DMA_CMD, &cmd);
		if (ret)
			return ret;
		if (!(cmd & EDU_CMD_RUN))
			return 0;
		if (now_ns() > deadline)
			return -ETIMEDOUT;
		*by_irq = false;
	}
}

int edu_hw_xfer(struct dma_engine *e, bool to_ram, uint64_t iova,
		size_t len, uint64_t *ns)
{
	struct edu_hw *h = edu_hw(e);
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
	if (h->efd >= 0)
		while (read(h->efd, &cnt, sizeof(cnt)) == sizeof(cnt))
			;
	if (h->pasid_regs)
		ret = edu_wr32(e, EDU_REG_PASID,
			       e->tag_pasid ? EDU_PASID_EN | e->pasid : 0);
	if (!ret)
		ret = wr64(e, EDU_REG_DMA_SRC, to_ram ? EDU_BUF : iova);
	if (!ret)
		ret = wr64(e, EDU_REG_DMA_DST, to_ram ? iova : EDU_BUF);
	if (!ret)
		ret = wr64(e, EDU_REG_DMA_CNT, len);
	if (ret)
		return ret;
	cmd = EDU_CMD_RUN | (to_ram ? EDU_CMD_TO_RAM : 0) |
	      (h->efd >= 0 ? EDU_CMD_IRQ : 0);
	start = now_ns();
	ret = wr64(e, EDU_REG_DMA_CMD, cmd);
	if (ret)
		return ret;
	ret = edu_wait(e, start, &by_irq);
	*ns = now_ns() - start;
	if (!ret && h->pasid_regs)
		ret = edu_rd32(e, EDU_REG_RESULT, &h->result);
	if (ret)
		return ret;
	if (h->efd >= 0)
		edu_wr32(e, EDU_REG_IRQ_ACK, EDU_IRQ_DMA);
	e->ntransfers++;
	e->busy_ns += *ns;
	if (by_irq)
		e->nirq++;
	return 0;
}

static int hw_open(struct dma_engine *e, char *why, size_t why_len)
{
	const struct dma_dev_io *io = &e->io;
	struct edu_hw *h = edu_hw(e);
	uint32_t id = 0, live = 0;
	int ret;

	ret = edu_rd32(e, EDU_REG_ID, &id);
	if (!ret && (id & 0xff) != EDU_ID_MAGIC)
		ret = -ENODEV;
	if (!ret)
		ret = edu_wr32(e, EDU_REG_LIVE, 0x5a5a0f0f);
	if (!ret)
		ret = edu_rd32(e, EDU_REG_LIVE, &live);
	if (!ret && live != ~0x5a5a0f0fu)
		ret = -EIO;
	if (ret) {
		snprintf(why, why_len, "%s: %s registers do not answer (id 0x%08x, %d)",
			 e->name, e->drv->name, id, ret);
		return ret;
	}
	ret = dma_enable_bus_master(io);
	if (ret) {
		snprintf(why, why_len, "%s: cannot enable bus mastering (%d)",
			 e->name, ret);
		return ret;
	}
	if (e->wait != DMA_WAIT_POLL && io->irq_arm) {
		int fd = io->irq_arm(io->arg);

		if (fd >= 0) {
			h->efd = fd;
			edu_wr32(e, EDU_REG_IRQ_ACK, ~0u);
		} else if (e->wait == DMA_WAIT_IRQ) {
			snprintf(why, why_len, "%s: cannot route the completion interrupt to an eventfd (%d)",
				 e->name, fd);
			return fd;
		}
	}
	e->wait = h->efd >= 0 ? DMA_WAIT_IRQ : DMA_WAIT_POLL;
	return 0;
}

int edu_hw_open(struct dma_engine *e, size_t priv_size, long poll_ns,
		bool pasid_regs, char *why, size_t why_len)
{
	struct edu_hw *h = calloc(1, priv_size);
	int ret;

	if (!h)
		return -ENOMEM;
	h->efd = -1;
	h->poll_ns = poll_ns;
	h->pasid_regs = pasid_regs;
	e->priv = h;
	ret = hw_open(e, why, why_len);
	if (ret)
		edu_hw_close(e);
	return ret;
}

void edu_hw_close(struct dma_engine *e)
{
	struct edu_hw *h = edu_hw(e);

	if (!h)
		return;
	if (h->efd >= 0 && e->io.irq_disarm)
		e->io.irq_disarm(e->io.arg);
	free(h);
	e->priv = NULL;
}
