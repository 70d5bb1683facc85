// SPDX-License-Identifier: GPL-2.0
/*
 * The nvme engine against a software NVMe admin queue behind a toy IOMMU:
 * every queue fetch, data transfer and completion post goes through it,
 * a refused data transfer completes with 02h + DNR (as QEMU's hw/nvme), a
 * refused fetch or post sets CSTS.CFS. Writes land or are refused and
 * report the controller's bytes; reads land or are refused; no doorbell
 * rings without the queues; CFS is reported and reset; only the allowed
 * opcodes are ever seen; class matching; limits; the reach probe.
 */
#include <errno.h>
#include <string.h>

#include "../../src/dma/dma.h"
#include "engine_calls.h"
#include "own_fake.h"
#include "unit.h"

#define N_OWN_IOVA 0x800000ull
#define N_OWN_LEN (4 * 4096)
#define N_MEM_IOVA 0x100000ull
#define N_MEM_LEN (2 * 4096)

struct nfake {
	struct cfg_fake cfg;
	uint32_t cc, csts, aqa, intms;
	uint64_t asq, acq;
	uint16_t sq_head, cq_tail;
	bool phase;
	unsigned doorbells, enables;
	unsigned char opcodes[64]; /* every opcode fetched, in order */
	unsigned nops;
	unsigned char hbs[512];
	bool own_mapped; /* the toy IOMMU translates the own region */
	bool mem_mapped; /* ...and the caller's memory */
	bool bounce_ok;	 /* the owner offers the region */
	/* Engine controls: commands complete but move no data; or data
	 * ignores the IOMMU (lands everywhere, as without translation). */
	bool never_moves, lands_all;
	unsigned char own[N_OWN_LEN] __attribute__((aligned(4096)));
	unsigned char mem[N_MEM_LEN];
};

static struct nfake nf;

static const unsigned char fw_log_head[16] = {
	1, 0, 0, 0, 0, 0, 0, 0, '1', '.', '0', ' ', ' ', ' ', ' ', ' '};

static unsigned char lands_all_sink[N_MEM_LEN];

static const struct toy_window nf_win[] = {
	{nf.own, N_OWN_IOVA, N_OWN_LEN, &nf.own_mapped},
	{nf.mem, N_MEM_IOVA, N_MEM_LEN, &nf.mem_mapped},
};

static unsigned char *xl(uint64_t iova)
{
	return toy_xl(nf_win, 2, iova);
}

/* Byte by byte through the PRPs: false when any byte is refused (a
 * refused device read gives 0, as QEMU's unassigned memory). */
static bool dma(uint64_t prp1, uint64_t prp2, unsigned char *dev, size_t len,
		bool to_mem)
{
	bool ok = true;

	for (size_t i = 0; i < len; i++) {
		size_t first = 4096 - (prp1 & 4095);
		uint64_t a = i < first ? prp1 + i : prp2 + (i - first);
		unsigned char *p = xl(a);

		if (nf.never_moves)
			continue;
		if (!p && nf.lands_all)
			p = (a >= N_MEM_IOVA && a < N_MEM_IOVA + N_MEM_LEN) ?
				    nf.mem + (a - N_MEM_IOVA) :
				    lands_all_sink;
		if (!p) {
			ok = false;
			if (!to_mem)
				dev[i] = 0;
			continue;
		}
		if (to_mem)
			*p = dev[i];
		else
			dev[i] = *p;
	}
	return ok;
}

static void run_cmd(const unsigned char *sqe, uint16_t *status)
{
	uint32_t cdw10;
	uint64_t prp1, prp2;
	unsigned char buf[4096] = {0};
	size_t len = 0;
	bool to_mem = true, ok;

	memcpy(&prp1, sqe + 24, 8);
	memcpy(&prp2, sqe + 32, 8);
	memcpy(&cdw10, sqe + 40, 4);
	nf.opcodes[nf.nops++ % 64] = sqe[0];
	switch (sqe[0]) {
	case 0x02: /* Get Log Page: firmware slot only */
		if ((cdw10 & 0xff) != 3) {
			*status = 0x02 | 1 << 14;
			return;
		}
		memcpy(buf, fw_log_head, sizeof(fw_log_head));
		len = ((cdw10 >> 16) + 1) * 4;
		break;
	case 0x06:
		memset(buf, 0x11, 4096);
		buf[0] = 0x36;
		len = 4096;
		break;
	case 0x09: /* Set Features HBS */
		len = 512;
		to_mem = false;
		break;
	case 0x0a:
		memcpy(buf, nf.hbs, 512);
		len = 512;
		break;
	default: *status = 0x01 | 1 << 14; return;
	}
	ok = dma(prp1, prp2, buf, len, to_mem);
	if (sqe[0] == 0x09)
		memcpy(nf.hbs, buf, 512);
	*status = ok ? 0 : (0x02 | 1 << 14);
}

static void process_sq(uint16_t tail)
{
	unsigned q = (nf.aqa & 0xfff) + 1;

	while (nf.sq_head != tail) {
		unsigned char sqe[64], cqe[16] = {0}, *p;
		uint16_t st, cid;

		for (unsigned i = 0; i < 64; i++) {
			p = xl(nf.asq + nf.sq_head * 64u + i);
			if (!p) {
				nf.csts |= 2; /* CFS */
				return;
			}
			sqe[i] = *p;
		}
		nf.sq_head = (uint16_t)((nf.sq_head + 1) % q);
		run_cmd(sqe, &st);
		memcpy(&cid, sqe + 2, 2);
		memcpy(cqe + 12, &cid, 2);
		st = (uint16_t)(st << 1 | nf.phase);
		memcpy(cqe + 14, &st, 2);
		for (unsigned i = 0; i < 16; i++) {
			p = xl(nf.acq + nf.cq_tail * 16u + i);
			if (!p) {
				nf.csts |= 2;
				return;
			}
			*p = cqe[i];
		}
		if (++nf.cq_tail == q) {
			nf.cq_tail = 0;
			nf.phase = !nf.phase;
		}
	}
}

static int nb_read(void *arg, unsigned bar, uint64_t off, void *buf, size_t len)
{
	uint32_t v = 0;

	if (bar || len != 4)
		return -EINVAL;
	switch (off) {
	case 0x00:
		v = 0x0f | 1u << 16 | 4u << 24; /* MQES 15, CQR, TO 2 s */
		break;
	case 0x04:
		v = 1u << 5 | 1u << 12; /* CSS NVM | admin-only, DSTRD 0 */
		break;
	case 0x14: v = nf.cc; break;
	case 0x1c: v = nf.csts; break;
	}
	memcpy(buf, &v, 4);
	return 0;
}

static int nb_write(void *arg, unsigned bar, uint64_t off, const void *buf,
		    size_t len)
{
	uint32_t v;

	if (bar || len != 4)
		return -EINVAL;
	memcpy(&v, buf, 4);
	switch (off) {
	case 0x0c: nf.intms = v; break;
	case 0x14:
		if ((v & 1) && !(nf.cc & 1)) {
			nf.enables++;
			nf.sq_head = nf.cq_tail = 0;
			nf.phase = true;
			nf.csts = 1;
		} else if (!(v & 1)) {
			nf.csts = 0; /* a reset clears CFS */
		}
		nf.cc = v;
		break;
	case 0x24: nf.aqa = v; break;
	case 0x28: nf.asq = (nf.asq & ~0xffffffffull) | v; break;
	case 0x2c: nf.asq = (nf.asq & 0xffffffffull) | (uint64_t)v << 32; break;
	case 0x30: nf.acq = (nf.acq & ~0xffffffffull) | v; break;
	case 0x34: nf.acq = (nf.acq & 0xffffffffull) | (uint64_t)v << 32; break;
	case 0x1000:
		nf.doorbells++;
		if ((nf.cc & 1) && !(nf.csts & 2))
			process_sq((uint16_t)v);
		break;
	}
	return 0;
}

static struct own_fake nf_own = {nf.own, N_OWN_IOVA, N_OWN_LEN, &nf.bounce_ok};

static void nf_io(struct dma_dev_io *io)
{
	*io = (struct dma_dev_io){nb_read,	  nb_write, cfg_fake_read,
				  cfg_fake_write, NULL,	    NULL,
				  &nf.cfg};
}

static void nf_reset(uint16_t vendor, uint16_t device)
{
	memset(&nf, 0, sizeof(nf));
	nf.cfg.ids[0] = vendor;
	nf.cfg.ids[1] = device;
	nf.cfg.rev_class = 0x01080200;
	nf.own_mapped = nf.mem_mapped = nf.bounce_ok = true;
}

/* The fake as vendor:device, probed; host memory then pre-filled with 0xa5,
 * so a landed write shows. */
static struct dma_engine *nf_open(uint16_t vendor, uint16_t device)
{
	struct dma_bounce b = {.get = own_fake_get, .arg = &nf_own};
	struct dma_dev_io io;
	struct dma_engine *e = NULL;
	char why[160];

	nf_reset(vendor, device);
	nf_io(&io);
	EXPECT_EQ(dma_engine_probe(&io, "nvme0", &b, DMA_WAIT_AUTO, &e, why,
				   sizeof(why)),
		  0);
	memset(nf.mem, 0xa5, sizeof(nf.mem));
	return e;
}

/* QEMU's NVMe controller (1b36:0010), the one that keeps Host Behavior
 * Support verbatim. */
static struct dma_engine *nf_open_qemu(void)
{
	return nf_open(0x1b36, 0x0010);
}

static bool only_allowed_opcodes(void)
{
	for (unsigned i = 0; i < nf.nops && i < 64; i++)
		if (nf.opcodes[i] != 0x02 && nf.opcodes[i] != 0x06 &&
		    nf.opcodes[i] != 0x09 && nf.opcodes[i] != 0x0a)
			return false;
	return true;
}

UNIT_TEST(dma_nvme_matches_by_id_and_class)
{
	struct dma_engine *e = nf_open_qemu();
	const struct dma_engine_driver *drv;
	struct dma_dev_io io;
	char why[160];

	EXPECT(e && !strcmp(e->drv->name, "nvme"));
	EXPECT(nf.cfg.cmd & 0x4); /* bus master */
	EXPECT_EQ(nf.enables, 0); /* nothing until the first command */
	dma_engine_close(e);
	nf_reset(0x144d, 0xa808); /* another vendor's controller */
	nf_io(&io);
	EXPECT_EQ(dma_engine_match(&io, "x", NULL, &drv, why, sizeof(why)), 0);
	EXPECT(drv == &nvme_driver);
	nf.cfg.rev_class = 0x01060100; /* SATA AHCI: not ours */
	EXPECT_EQ(dma_engine_match(&io, "x", NULL, &drv, why, sizeof(why)),
		  -ENODEV);
}

UNIT_TEST(dma_nvme_write_lands_and_reports)
{
	struct dma_engine *e = nf_open_qemu();
	unsigned char buf[256];
	char ev[256];

	memset(buf, 0xcc, sizeof(buf));
	EXPECT_EQ(WRITE_ALL(e, N_MEM_IOVA + 0x100, buf, ev), 0);
	EXPECT(!memcmp(buf, fw_log_head, sizeof(fw_log_head)));
	EXPECT(!memcmp(nf.mem + 0x100, buf, 256));
	EXPECT_EQ(nf.mem[0xff], 0xa5);
	EXPECT_EQ(nf.mem[0x200], 0xa5); /* exactly len bytes */
	EXPECT(strstr(ev, "status 0x000"));
	/* Across a page: PRP2 is the next page. */
	memset(nf.mem, 0xa5, sizeof(nf.mem));
	EXPECT_EQ(WRITE_ALL(e, N_MEM_IOVA + 4096 - 128, buf, ev), 0);
	EXPECT(!memcmp(nf.mem + 4096 - 128, buf, 256));
	/* Identify: 4 KiB. */
	{
		static unsigned char id[4096];

		EXPECT_EQ(dma_engine_write(e, N_MEM_IOVA, id, 4096, ev,
					   sizeof(ev)),
			  0);
		EXPECT_EQ(id[0], 0x36);
		EXPECT(!memcmp(nf.mem, id, 4096));
	}
	EXPECT_EQ(nf.enables, 1);
	EXPECT(only_allowed_opcodes());
	dma_engine_close(e);
	EXPECT_EQ(nf.cc & 1, 0); /* stopped */
}

UNIT_TEST(dma_nvme_write_refused_completes_with_error)
{
	struct dma_engine *e = nf_open_qemu();
	unsigned char buf[256];
	char ev[256];

	nf.mem_mapped = false;
	EXPECT_EQ(WRITE_ALL(e, N_MEM_IOVA, buf, ev), 0);
	EXPECT(strstr(ev, "refused"));
	EXPECT(!memcmp(buf, fw_log_head, sizeof(fw_log_head)));
	EXPECT_EQ(nf.mem[0], 0xa5);
	EXPECT_EQ(nf.csts & 2, 0); /* no fatal status for a data transfer */
	dma_engine_close(e);
}

/* A write and a read of 256 bytes at N_MEM_IOVA both fail with err, each
 * with evidence saying says. */
static void expect_no_transfer(struct dma_engine *e, int err, const char *says)
{
	unsigned char buf[256];
	char ev[256];

	memset(buf, 0xcc, sizeof(buf));
	EXPECT_EQ(WRITE_ALL(e, N_MEM_IOVA, buf, ev), err);
	EXPECT(strstr(ev, says));
	EXPECT_EQ(READ_ALL(e, N_MEM_IOVA, buf, ev), err);
	EXPECT(strstr(ev, says));
}

UNIT_TEST(dma_nvme_no_doorbell_without_queues)
{
	struct dma_engine *e = nf_open_qemu();

	nf.bounce_ok = false;
	expect_no_transfer(e, -ENOLINK, "admin queues not reachable");
	EXPECT_EQ(nf.doorbells, 0);
	EXPECT_EQ(nf.enables, 0);
	dma_engine_close(e);
}

UNIT_TEST(dma_nvme_fatal_status_resets)
{
	struct dma_engine *e = nf_open_qemu();
	unsigned char buf[256];
	char ev[256];

	e->timeout_ms = 200;
	EXPECT_EQ(WRITE_ALL(e, N_MEM_IOVA, buf, ev), 0);
	/* The region is offered but its translation is gone: the fetch is
	 * refused, CFS. */
	nf.own_mapped = false;
	EXPECT_EQ(WRITE_ALL(e, N_MEM_IOVA, buf, ev), -EIO);
	EXPECT(strstr(ev, "CSTS.CFS"));
	nf.own_mapped = true;
	EXPECT_EQ(WRITE_ALL(e, N_MEM_IOVA, buf, ev), 0);
	EXPECT_EQ(nf.enables, 2); /* reset and enabled again */
	dma_engine_close(e);
}

UNIT_TEST(dma_nvme_read_lands_and_refused)
{
	struct dma_engine *e = nf_open_qemu();
	unsigned char buf[256];
	char ev[256];

	for (unsigned i = 0; i < sizeof(nf.mem); i++)
		nf.mem[i] = (unsigned char)(i * 7 + 3);
	memset(buf, 0xee, sizeof(buf));
	EXPECT_EQ(
		READ_ALL(e, N_MEM_IOVA + 0x40, buf, ev),
		0);
	EXPECT(!memcmp(buf, nf.mem + 0x40, 256));
	/* Near a page end: the part past the caller's range comes from the
	 * engine's own page, the caller's bytes from its own. */
	memset(buf, 0xee, sizeof(buf));
	EXPECT_EQ(READ_ALL(e, N_MEM_IOVA + 2 * 4096 - 256, buf, ev), 0);
	EXPECT(!memcmp(buf, nf.mem + 2 * 4096 - 256, 256));
	nf.mem_mapped = false;
	memset(buf, 0xee, sizeof(buf));
	EXPECT_EQ(
		READ_ALL(e, N_MEM_IOVA + 0x40, buf, ev),
		0);
	EXPECT(strstr(ev, "refused"));
	for (unsigned i = 0; i < 256; i++)
		if (buf[i] == nf.mem[0x40 + i] && buf[i] != 0)
			EXPECT(!"memory's bytes in a refused read");
	EXPECT(only_allowed_opcodes());
	dma_engine_close(e);
}

UNIT_TEST(dma_nvme_reads_only_on_qemu)
{
	struct dma_engine *e = nf_open(0x144d, 0xa808);
	unsigned char buf[256];
	char ev[256];

	EXPECT(e != NULL);
	if (!e)
		return;
	EXPECT_EQ(READ_ALL(e, N_MEM_IOVA, buf, ev), -EOPNOTSUPP);
	EXPECT_EQ(nf.doorbells, 0);
	EXPECT_EQ(WRITE_ALL(e, N_MEM_IOVA, buf, ev), 0);
	dma_engine_close(e);
}

UNIT_TEST(dma_nvme_limits)
{
	struct dma_engine *e = nf_open_qemu();
	static unsigned char buf[4096];
	char ev[256];

	EXPECT_EQ(dma_engine_write(e, N_MEM_IOVA, buf, 1000, ev, sizeof(ev)),
		  -EINVAL); /* neither a log page nor Identify */
	EXPECT_EQ(dma_engine_write(e, N_MEM_IOVA, buf, 6, ev, sizeof(ev)),
		  -EINVAL); /* not dwords */
	EXPECT_EQ(dma_engine_write(e, N_MEM_IOVA + 2, buf, 8, ev, sizeof(ev)),
		  -EINVAL); /* PRP offset */
	EXPECT_EQ(dma_engine_read(e, N_MEM_IOVA, buf, 1024, ev, sizeof(ev)),
		  -EINVAL);
	EXPECT_EQ(nf.doorbells, 0);
	dma_engine_close(e);
}

/* The reach probe with the engine's own region mapped by the probe. */

/* The probe maps its pages and the engine's region into a fresh
 * translation (the fake translates them); the write to the top page lands. */
UNIT_TEST(dma_nvme_probe_reach_maps_its_region)
{
	struct dma_dev_io io;
	struct dma_engine *e;

	nf_reset(0x1b36, 0x0010);
	nf_io(&io);
	e = probe_reach_own(&nvme_driver, &io, "nvme0", &nf.own_mapped,
			    &nf.mem_mapped, N_OWN_LEN);
	if (!e)
		return;
	EXPECT(probe_maps.iova[3] < (1ull << 32));
	EXPECT_EQ(nf.enables, 1);
	dma_engine_close(e);
	EXPECT_EQ(nf.cc & 1, 0); /* stopped before its region goes */
	probe_maps.n = 0;
}

/* Engine controls: a controller that completes every command but moves
 * nothing never yields a transfer the oracle could judge (an engine
 * error, so a check that needs it fails); one that ignores the IOMMU is
 * reported as landing where it landed, so a "blocked" check sees it. */
UNIT_TEST(dma_nvme_control_never_moves)
{
	struct dma_engine *e = nf_open_qemu();

	nf.never_moves = true;
	expect_no_transfer(e, -EIO, "wrote nothing");
	dma_engine_close(e);
}

UNIT_TEST(dma_nvme_control_lands_all)
{
	struct dma_engine *e = nf_open_qemu();
	unsigned char buf[256];
	char ev[256];

	nf.lands_all = true;
	nf.mem_mapped = false; /* "unmapped", but the device ignores it */
	EXPECT_EQ(WRITE_ALL(e, N_MEM_IOVA, buf, ev), 0);
	EXPECT(!memcmp(nf.mem, buf, 256)); /* memory shows it landed */
	for (unsigned i = 0; i < sizeof(nf.mem); i++)
		nf.mem[i] = (unsigned char)(i * 5 + 1);
	EXPECT_EQ(READ_ALL(e, N_MEM_IOVA + 0x80, buf, ev), 0);
	EXPECT(!memcmp(buf, nf.mem + 0x80, 256)); /* and the read saw it */
	dma_engine_close(e);
}
