// SPDX-License-Identifier: GPL-2.0
/*
 * The nvme engine: an NVMe controller's admin queue, and nothing else
 * (QEMU's 1b36:0010, or any controller of class 01:08:02).
 *
 * Allowed commands only, each with the save bit clear: Identify
 * (Controller), Get Log Page LID 03h (Firmware Slot Information), Get
 * Features and Set Features Host Behavior Support (16h, QEMU's 1b36:0010
 * only: it stores the 512 bytes verbatim; a real controller may refuse
 * non-zero reserved bytes). Never I/O queues, NVM commands, Format,
 * Sanitize, firmware, namespace management or security commands.
 *
 * Every access of the controller goes through the IOMMU: the submission
 * queue fetch, the PRPs' data, the completion post. A data transfer the
 * IOMMU refuses completes normally (QEMU 7.2, measured on intel-nvme:
 * status 0, memory untouched) or with an error status (newer QEMU checks
 * the transfer's result: 02h Invalid Field + DNR; real controllers: 04h
 * Data Transfer Error); either way memory contents decide, never the
 * status. A refused queue fetch or completion post sets CSTS.CFS, which
 * only a reset clears. So
 * the admin queues sit in a region the engine owns (own_len bytes) that
 * the owner keeps mapped in every translation it gives the device (the
 * kernel target's bounce window), and the engine never rings a doorbell
 * while the owner cannot say the queues are reachable: a controller that
 * fetched commands from an identity-mapped or stale page could run bytes
 * it found there.
 *
 * Writes (device to memory) are bytes of the controller's own, which the
 * engine reports: len <= 512 is Get Log Page LID 03h for exactly len
 * bytes, len == 4096 is Identify Controller. After the transfer under
 * test the same command runs into the engine's own page, and those bytes
 * are reported (constant for a controller). Reads (memory to device):
 * the controller's Host Behavior Support value is set from the engine's
 * page (the caller's pre-fill), then from iova (the transfer under test),
 * then read back by Get Features; the feature is 512 bytes, so the device
 * reads 512 - len bytes beyond the caller's range, from the same page or,
 * past its end, from the engine's own page. Set Features Timestamp reads
 * 8 bytes too, but Get Features returns it plus the milliseconds elapsed
 * and rewrites its attribute byte, so it cannot tell what was read: not
 * used. A controller without HBS reads nothing (-EOPNOTSUPP: the case skips).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dma.h"

#define NVME_VENDOR_QEMU 0x1b36
#define NVME_DEVICE_QEMU 0x0010
#define NVME_CLASS 0x010802 /* mass storage, NVM, NVM Express */

/* Controller registers (BAR0). */
#define REG_CAP 0x00
#define REG_INTMS 0x0c
#define REG_CC 0x14
#define REG_CSTS 0x1c
#define REG_AQA 0x24
#define REG_ASQ 0x28
#define REG_ACQ 0x30
#define REG_DBL 0x1000
#define CC_EN 0x1u
#define CC_CSS_SHIFT 4
#define CC_CSS_ADMIN_ONLY 0x7u
#define CC_IOSQES (6u << 16)
#define CC_IOCQES (4u << 20)
#define CSTS_RDY 0x1u
#define CSTS_CFS 0x2u
#define CAP_CSS_NVM (1ull << 37)
#define CAP_CSS_ADMIN_ONLY (1ull << 44)

/* Admin opcodes: the only ones this file ever puts in a queue entry. */
#define OPC_GET_LOG_PAGE 0x02
#define OPC_IDENTIFY 0x06
#define OPC_SET_FEATURES 0x09
#define OPC_GET_FEATURES 0x0a
#define LID_FW_SLOT 0x03
#define CNS_CONTROLLER 0x01
#define FID_HOST_BEHAVIOR 0x16
#define HBS_LEN 512
#define LOG_MAX 512
#define IDENTIFY_LEN 4096

/* Status field (completion dword 3 bits 31:17). */
#define SC(st) ((st)&0xff)
#define SCT(st) (((st) >> 8) & 0x7)
#define SC_INVALID_FIELD 0x02
#define SC_DATA_XFER_ERROR 0x04

/* The engine's own region: SQ page, CQ page, data page, spare page. */
#define NPG 4096u
#define QDEPTH 16u
#define OWN_SQ 0
#define OWN_CQ (1 * NPG)
#define OWN_DATA (2 * NPG)
#define OWN_SPARE (3 * NPG)
#define OWN_LEN (4 * NPG)

struct sqe {
	uint8_t opc, flags;
	uint16_t cid;
	uint32_t nsid;
	uint64_t rsvd, mptr, prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};
_Static_assert(sizeof(struct sqe) == 64, "NVMe submission entry");

struct cqe {
	uint32_t dw0, dw1;
	uint16_t sq_head, sq_id, cid, status;
};
_Static_assert(sizeof(struct cqe) == 16, "NVMe completion entry");

struct nvme {
	bool hbs_verbatim; /* QEMU's 1b36:0010: HBS reads allowed */
	unsigned dstrd;	   /* doorbell stride: 4 << dstrd bytes */
	unsigned css;	   /* CC.CSS */
	unsigned ready_ms; /* CAP.TO */
	struct dma_own_at at; /* where the admin queues are (iova 0: disabled) */
	uint16_t sq_tail, cq_head, cid;
	bool phase;
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

/* 64-bit registers as two dwords, low first: every controller takes it. */
static int rd64(struct dma_engine *e, uint64_t off, uint64_t *v)
{
	uint32_t lo, hi;
	int ret = rd32(e, off, &lo);

	if (!ret)
		ret = rd32(e, off + 4, &hi);
	if (!ret)
		*v = (uint64_t)hi << 32 | lo;
	return ret;
}

static int wr64(struct dma_engine *e, uint64_t off, uint64_t v)
{
	int ret = wr32(e, off, (uint32_t)v);

	return ret ? ret : wr32(e, off + 4, (uint32_t)(v >> 32));
}

static void nap(void)
{
	struct timespec ts = {0, 20000};

	nanosleep(&ts, NULL);
}

/* Wait until CSTS.RDY is rdy; -EIO on CFS, -ETIMEDOUT. */
static int wait_ready(struct dma_engine *e, bool rdy)
{
	struct nvme *n = e->priv;
	uint64_t deadline = now_ns() + (uint64_t)n->ready_ms * 1000000ull;
	uint32_t csts;
	int ret;

	for (;;) {
		ret = rd32(e, REG_CSTS, &csts);
		if (ret)
			return ret;
		if (csts == ~0u)
			return -ENODEV;
		if (rdy && (csts & CSTS_CFS))
			return -EIO;
		if (!!(csts & CSTS_RDY) == rdy)
			return 0;
		if (now_ns() > deadline)
			return -ETIMEDOUT;
		nap();
	}
}

static int disable(struct dma_engine *e)
{
	struct nvme *n = e->priv;
	int ret = wr32(e, REG_CC, 0);

	n->at.iova = 0;
	return ret ? ret : wait_ready(e, false);
}

/* (Re)start the controller with its admin queues in own at iova. */
static int enable(struct dma_engine *e, unsigned char *own, uint64_t iova,
		  char *ev, size_t evlen)
{
	struct nvme *n = e->priv;
	uint32_t cc;
	int ret;

	ret = disable(e);
	memset(own, 0, 2 * NPG);
	if (!ret)
		ret = wr32(e, REG_AQA, (QDEPTH - 1) << 16 | (QDEPTH - 1));
	if (!ret)
		ret = wr64(e, REG_ASQ, iova + OWN_SQ);
	if (!ret)
		ret = wr64(e, REG_ACQ, iova + OWN_CQ);
	cc = CC_EN | n->css << CC_CSS_SHIFT | CC_IOSQES | CC_IOCQES;
	if (!ret)
		ret = wr32(e, REG_CC, cc);
	if (!ret)
		ret = wait_ready(e, true);
	if (ret) {
		snprintf(ev, evlen, "%s: controller did not become ready (%s)",
			 e->name, ret == -EIO ? "CSTS.CFS" : strerror(-ret));
		return ret;
	}
	/* No interrupts: completions are polled in memory. */
	wr32(e, REG_INTMS, ~0u);
	n->sq_tail = n->cq_head = 0;
	n->phase = true;
	return 0;
}

/*
 * The engine's region in the device's current translation, and the
 * controller running with its queues there. -ENOLINK when the owner
 * cannot say the queues are reachable: then no doorbell is rung.
 */
static int queues(struct dma_engine *e, char *ev, size_t evlen)
{
	struct nvme *n = e->priv;

	return dma_engine_own_ready(e, &n->at, enable, "admin queues",
				    "no command issued", ev, evlen);
}

/*
 * One admin command; *status its completion status. -EIO: the controller
 * failed (CSTS.CFS: a queue fetch or completion post was refused), and is
 * reset before the next command; -ETIMEDOUT likewise.
 */
static int submit(struct dma_engine *e, struct sqe *cmd, uint16_t *status,
		  uint64_t *ns)
{
	struct nvme *n = e->priv;
	volatile struct cqe *cq = (volatile struct cqe *)(n->at.uva + OWN_CQ);
	uint64_t start, deadline;
	uint32_t csts;
	unsigned spins = 0;
	int ret;

	cmd->cid = ++n->cid;
	memcpy(n->at.uva + OWN_SQ + (size_t)n->sq_tail * sizeof(*cmd), cmd,
	       sizeof(*cmd));
	n->sq_tail = (n->sq_tail + 1) % QDEPTH;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	start = now_ns();
	deadline = start + (uint64_t)e->timeout_ms * 1000000ull;
	ret = wr32(e, REG_DBL, n->sq_tail);
	if (ret)
		return ret;
	for (;;) {
		uint16_t st = cq[n->cq_head].status;

		if ((st & 1) == n->phase && cq[n->cq_head].cid == cmd->cid) {
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			*status = st >> 1;
			break;
		}
		if (++spins % 64 == 0) {
			ret = rd32(e, REG_CSTS, &csts);
			if (!ret && (csts & CSTS_CFS))
				ret = -EIO;
			if (!ret && now_ns() > deadline)
				ret = -ETIMEDOUT;
			if (ret) {
				n->at.iova = 0; /* reset before reuse */
				return ret;
			}
		}
		nap();
	}
	*ns = now_ns() - start;
	if (++n->cq_head == QDEPTH) {
		n->cq_head = 0;
		n->phase = !n->phase;
	}
	e->ntransfers++;
	e->busy_ns += *ns;
	return wr32(e, REG_DBL + (4u << n->dstrd), n->cq_head);
}

/* PRP1 at iova; PRP2 the next NVMe page when a transfer of len crosses
 * into it (spill: where bytes beyond the caller's own len go instead). */
static void set_prps(struct sqe *c, uint64_t iova, size_t len, size_t xfer,
		     uint64_t spill)
{
	size_t first = NPG - (iova & (NPG - 1));

	c->prp1 = iova;
	if (xfer <= first)
		c->prp2 = 0;
	else if (len > first)
		c->prp2 = (iova & ~(uint64_t)(NPG - 1)) + NPG;
	else
		c->prp2 = spill;
}

/* The write command for len bytes at iova (len checked by the caller). */
static void write_cmd(struct sqe *c, uint64_t iova, size_t len)
{
	memset(c, 0, sizeof(*c));
	if (len == IDENTIFY_LEN) {
		c->opc = OPC_IDENTIFY;
		c->cdw10 = CNS_CONTROLLER;
	} else {
		c->opc = OPC_GET_LOG_PAGE;
		c->nsid = 0xffffffffu;
		c->cdw10 = LID_FW_SLOT | (uint32_t)(len / 4 - 1) << 16;
	}
	set_prps(c, iova, len, len, 0);
}

static void hbs_cmd(struct sqe *c, uint8_t opc, uint64_t iova, size_t len,
		    uint64_t spill)
{
	memset(c, 0, sizeof(*c));
	c->opc = opc;
	c->cdw10 = FID_HOST_BEHAVIOR; /* save bit (31) clear, select current */
	set_prps(c, iova, len, HBS_LEN, spill);
}

/*
 * Run c, whose data goes to the engine's data page, and tell whether the
 * controller wrote its len bytes there: two pre-fills, as one of them
 * could match what it wrote. 0 (also with an error *st), -ENOLINK when it
 * wrote nothing, or submit's error.
 */
static int run_own(struct dma_engine *e, struct sqe *c, size_t len,
		   uint16_t *st)
{
	struct nvme *n = e->priv;
	unsigned char *d = n->at.uva + OWN_DATA;
	uint64_t t;
	int ret;

	for (unsigned pass = 0; pass < 2; pass++) {
		unsigned char fill = pass ? 0xa5 : 0x5a;
		size_t i;

		memset(d, fill, len);
		ret = submit(e, c, st, &t);
		if (ret || *st)
			return ret;
		for (i = 0; i < len && d[i] == fill; i++)
			;
		if (i < len)
			return 0;
	}
	return -ENOLINK;
}

/* A transfer the IOMMU refused ends with one of these. */
static bool data_refused(uint16_t st)
{
	return SCT(st) == 0 &&
	       (SC(st) == SC_INVALID_FIELD || SC(st) == SC_DATA_XFER_ERROR);
}

static int check_shape(struct dma_engine *e, bool write, uint64_t iova,
		       size_t len, char *ev, size_t evlen)
{
	struct nvme *n = e->priv;

	if (iova & 3) {
		snprintf(ev, evlen,
			 "%s: iova 0x%" PRIx64 " not dword aligned (PRP)",
			 e->name, iova);
		return -EINVAL;
	}
	if (write && len > LOG_MAX && len != IDENTIFY_LEN) {
		snprintf(ev, evlen,
			 "%s: a write is 4..%u B (Get Log Page) or %u B "
			 "(Identify), not %zu",
			 e->name, LOG_MAX, IDENTIFY_LEN, len);
		return -EINVAL;
	}
	if (!write && len > HBS_LEN) {
		snprintf(ev, evlen,
			 "%s: a read is at most %u B (Host Behavior Support), "
			 "not %zu",
			 e->name, HBS_LEN, len);
		return -EINVAL;
	}
	if (!write && !n->hbs_verbatim) {
		snprintf(ev, evlen,
			 "%s: reads need Host Behavior Support kept verbatim "
			 "(QEMU's 1b36:0010 only)",
			 e->name);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* One transfer under test: what it is, where, its completion status and
 * time once submitted, and where its evidence goes. */
struct xfer {
	struct dma_engine *e;
	const char *what; /* "write", "read" */
	uint64_t iova;
	size_t len;
	uint16_t st;
	uint64_t t;
	char *ev;
	size_t evlen;
};

/* A command of x (step: NULL for the transfer itself) was not completed. */
static int failed(struct xfer *x, int ret, const char *step)
{
	snprintf(x->ev, x->evlen, "%s %s%s%s%s iova=0x%" PRIx64 " len=%zu: %s",
		 x->e->name, x->what, step ? " (" : "", step ? step : "",
		 step ? ")" : "", x->iova, x->len,
		 ret == -EIO ? "controller fatal status (CSTS.CFS: a queue "
			       "fetch or completion post was refused); reset"
		 : ret == -ETIMEDOUT ? "no completion in time; reset"
				     : "device access failed");
	return ret;
}

static const char *status_word(uint16_t st)
{
	return !st		  ? "ok"
	       : data_refused(st) ? "data transfer refused"
				  : "error";
}

/* The engine can do a transfer of this shape, and its queues are up. */
static int transfer_ready(struct xfer *x, bool to_memory)
{
	int ret =
		check_shape(x->e, to_memory, x->iova, x->len, x->ev, x->evlen);

	return ret ? ret : queues(x->e, x->ev, x->evlen);
}

/*
 * Submit c, the transfer under test: 0 when it completed, its status in
 * x->st being 0 or a refused data transfer (the IOMMU's answer, judged by
 * the caller from memory); otherwise the error, with its evidence.
 */
static int submit_under_test(struct xfer *x, struct sqe *c)
{
	int ret = submit(x->e, c, &x->st, &x->t);

	if (ret)
		return failed(x, ret, NULL);
	if (x->st && !data_refused(x->st)) {
		/* The command itself was wrong. */
		snprintf(x->ev, x->evlen,
			 "%s %s iova=0x%" PRIx64
			 " len=%zu: command failed, status 0x%03x",
			 x->e->name, x->what, x->iova, x->len, x->st);
		return -EIO;
	}
	return 0;
}

/*
 * After the transfer under test, c (cmd, a command into the engine's own
 * page, len bytes) tells what it moved: 0 when it wrote that page and
 * completed with status 0; otherwise the error (status_err for a status
 * of its own), with its evidence (unknown: what is not known then).
 */
static int own_page_after(struct xfer *x, struct sqe *c, size_t len,
			  const char *cmd, const char *step,
			  const char *unknown, int status_err)
{
	char what_c_did[48] = "wrote nothing into its own page";
	uint16_t st;
	int ret = run_own(x->e, c, len, &st);

	if (ret && ret != -ENOLINK)
		return failed(x, ret, step);
	if (!ret && !st)
		return 0;
	if (!ret)
		snprintf(what_c_did, sizeof(what_c_did),
			 "into its own page failed (0x%03x)", st);
	snprintf(x->ev, x->evlen,
		 "%s %s iova=0x%" PRIx64 " len=%zu: status 0x%03x (%s), but %s "
		 "%s: %s",
		 x->e->name, x->what, x->iova, x->len, x->st,
		 status_word(x->st), cmd, what_c_did, unknown);
	return ret ? -EIO : status_err;
}

/*
 * The device writes its own bytes (see the top) at iova; buf gets them,
 * from the same command run into the engine's data page afterwards.
 */
static int nvme_write(struct dma_engine *e, uint64_t iova, void *buf,
		      size_t len, char *ev, size_t evlen)
{
	struct xfer x = {e, "write", iova, len, 0, 0, ev, evlen};
	struct nvme *n = e->priv;
	struct sqe c;
	int ret;

	ret = transfer_ready(&x, true);
	if (ret)
		return ret;
	write_cmd(&c, iova, len);
	ret = submit_under_test(&x, &c);
	if (ret)
		return ret;
	write_cmd(&c, n->at.iova + OWN_DATA, len);
	ret = own_page_after(&x, &c, len, "the same command", "report",
			     "bytes unknown", -EIO);
	if (ret)
		return ret;
	memcpy(buf, n->at.uva + OWN_DATA, len);
	snprintf(ev, evlen,
		 "%s write iova=0x%" PRIx64
		 " len=%zu %.3fms status 0x%03x (%s); %s bytes reported (same "
		 "command into its own page)",
		 e->name, iova, len, x.t / 1e6, x.st, status_word(x.st),
		 len == IDENTIFY_LEN ? "Identify" : "firmware slot log");
	return 0;
}

/* Set or get HBS through the engine's own pages; 0 only with status 0. */
static int hbs_own(struct dma_engine *e, uint8_t opc, uint16_t *st)
{
	struct nvme *n = e->priv;
	struct sqe c;
	uint64_t t;

	hbs_cmd(&c, opc, n->at.iova + OWN_DATA, HBS_LEN, 0);
	return submit(e, &c, st, &t);
}

/* The device reads len bytes at iova (with HBS_LEN - len beyond, see the
 * top); buf gets what it read, as the controller gives it back. */
static int nvme_read(struct dma_engine *e, uint64_t iova, void *buf, size_t len,
		     char *ev, size_t evlen)
{
	struct xfer x = {e, "read", iova, len, 0, 0, ev, evlen};
	struct nvme *n = e->priv;
	uint16_t pst = 0;
	unsigned char *d;
	struct sqe c;
	int ret;

	ret = transfer_ready(&x, false);
	if (ret)
		return ret;
	/* The queues are up: the engine's pages are known. */
	d = n->at.uva + OWN_DATA;
	/* Pre-load the caller's pre-fill, so a refused read shows. */
	memset(d, 0, HBS_LEN);
	memcpy(d, buf, len);
	ret = hbs_own(e, OPC_SET_FEATURES, &pst);
	if (!ret && pst) {
		snprintf(ev, evlen,
			 "%s read: Set Features HBS from its own page failed "
			 "(0x%03x): feature not kept",
			 e->name, pst);
		return -EOPNOTSUPP;
	}
	if (ret)
		return failed(&x, ret, NULL);
	hbs_cmd(&c, OPC_SET_FEATURES, iova, len, n->at.iova + OWN_SPARE);
	ret = submit_under_test(&x, &c);
	if (ret)
		return ret;
	hbs_cmd(&c, OPC_GET_FEATURES, n->at.iova + OWN_DATA, HBS_LEN, 0);
	ret = own_page_after(&x, &c, HBS_LEN, "Get Features", "read-back",
			     "what it read is unknown", -ENOLINK);
	if (ret)
		return ret;
	memcpy(buf, d, len);
	snprintf(ev, evlen,
		 "%s read iova=0x%" PRIx64
		 " len=%zu %.3fms status 0x%03x (%s); Host Behavior Support "
		 "read back",
		 e->name, iova, len, x.t / 1e6, x.st, status_word(x.st));
	return 0;
}

/* The reach probe: the firmware slot log to dst (src's payload unused). */
static int nvme_probe_write(struct dma_engine *e, const void *payload,
			    size_t len, uint64_t src, uint64_t dst)
{
	unsigned char b[LOG_MAX];
	char ev[160];

	(void)payload;
	(void)src;
	return nvme_write(e, dst, b, len < LOG_MAX ? len : LOG_MAX, ev,
			  sizeof(ev));
}

static int nvme_open(struct dma_engine *e, char *why, size_t why_len)
{
	struct nvme *n = calloc(1, sizeof(*n));
	uint16_t ids[2] = {0};
	uint64_t cap = 0;
	int ret;

	if (!n)
		return -ENOMEM;
	e->priv = n;
	ret = e->io.cfg_read(e->io.arg, 0, ids, sizeof(ids));
	if (!ret)
		ret = rd64(e, REG_CAP, &cap);
	if (!ret && (cap == ~0ull || (cap >> 48 & 0xf) > 0))
		ret = -ENODEV; /* no answer, or no 4 KiB pages */
	if (!ret && !(cap & (CAP_CSS_NVM | CAP_CSS_ADMIN_ONLY)))
		ret = -ENODEV;
	if (ret) {
		snprintf(why, why_len,
			 "%s: NVMe registers do not answer as a controller "
			 "with 4 KiB pages (CAP 0x%016" PRIx64 ", %d)",
			 e->name, cap, ret);
		goto fail;
	}
	n->hbs_verbatim =
		ids[0] == NVME_VENDOR_QEMU && ids[1] == NVME_DEVICE_QEMU;
	n->dstrd = (unsigned)(cap >> 32 & 0xf);
	n->css = cap & CAP_CSS_NVM ? 0 : CC_CSS_ADMIN_ONLY;
	n->ready_ms = (unsigned)(cap >> 24 & 0xff) * 500 + 500;
	ret = dma_enable_bus_master(&e->io);
	if (ret) {
		snprintf(why, why_len, "%s: cannot enable bus mastering (%d)",
			 e->name, ret);
		goto fail;
	}
	e->wait = DMA_WAIT_POLL; /* the completion queue, in memory */
	return 0;
fail:
	free(n);
	e->priv = NULL;
	return ret;
}

static void nvme_close(struct dma_engine *e)
{
	struct nvme *n = e->priv;

	if (!n)
		return;
	/* Stop it: its queues' IOVAs mean nothing to the next owner. */
	if (n->at.iova)
		disable(e);
	free(n);
	e->priv = NULL;
}

const struct dma_engine_driver nvme_driver = {
	.name = "nvme",
	.description = "NVMe admin queue (1b36:0010, class 010802): writes "
		       "4..512 B (log page) or 4096 B (Identify) it reports; "
		       "reads <=512 B on 1b36:0010",
	.vendor = NVME_VENDOR_QEMU,
	.device = NVME_DEVICE_QEMU,
	.pci_class = NVME_CLASS,
	.limits =
		{
			.max_len = IDENTIFY_LEN,
			.min_len = 4,
			.granularity = 4,
			/* 64-bit DMA: this low claim makes the reach probe run
			 * (and show the DMA lands) and measure the rest. */
			.iova_limit = 1ull << 32,
		},
	.payload = DMA_WRITES_REPORTED_BYTES,
	.tags_pasid = false,
	.own_len = OWN_LEN,
	.open = nvme_open,
	.probe_write = nvme_probe_write,
	.write = nvme_write,
	.read = nvme_read,
	.close = nvme_close,
};
