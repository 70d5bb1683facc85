// SPDX-License-Identifier: GPL-2.0
/*
 * The e1000e and igb engines against a software NIC in loopback behind a
 * toy IOMMU: every descriptor fetch, buffer read, buffer write and write-back
 * goes through it. As QEMU's models: a transmit buffer that does not
 * translate drops the frame while its descriptor still completes; a receive
 * buffer write that does not translate is lost while the descriptor still
 * completes with the frame's length; igb takes advanced receive
 * descriptors only, with its queues enabled. Writes and reads land or are
 * refused (memory decides); no descriptor without the engine's region;
 * the limits and refused EtherTypes; the MAC loopback fallback; the reach
 * probe; and the engine-level controls (a NIC that never moves bytes, one
 * that lands everything) with the verdict the DMA oracle would draw.
 */
#include <errno.h>
#include <string.h>

#include "../../src/dma/dma.h"
#include "engine_calls.h"
#include "own_fake.h"
#include "unit.h"

#define X_OWN_IOVA 0x800000ull
#define X_OWN_LEN (3 * 4096)
#define X_MEM_IOVA 0x100000ull
#define X_MEM_LEN (2 * 4096)

struct xfake {
	struct cfg_fake cfg;
	bool adv; /* igb */
	uint32_t ctrl, status, rctl, tctl, mdic, bmcr, srrctl, rxdctl, txdctl;
	uint64_t rdba, tdba;
	uint32_t rdlen, tdlen, rdh, rdt, tdh, tdt;
	unsigned tail_writes, frames, dropped, starts, max_ndesc;
	bool mdic_broken;
	bool autoneg_links; /* link up only after an autoneg restart (igb) */
	bool own_mapped, mem_mapped, bounce_ok;
	bool never_moves, lands_all;
	unsigned char own[X_OWN_LEN] __attribute__((aligned(4096)));
	unsigned char mem[X_MEM_LEN];
};

static struct xfake xf;
static unsigned char xf_sink[4096];

static const struct toy_window xf_win[] = {
	{xf.own, X_OWN_IOVA, X_OWN_LEN, &xf.own_mapped},
	{xf.mem, X_MEM_IOVA, X_MEM_LEN, &xf.mem_mapped},
};

static unsigned char *xl(uint64_t iova)
{
	return toy_xl(xf_win, 2, iova);
}

/* Data through the IOMMU, or around it for lands_all. */
static unsigned char *xl_data(uint64_t iova)
{
	unsigned char *p = xl(iova);

	if (!p && xf.lands_all)
		p = iova >= X_MEM_IOVA && iova < X_MEM_IOVA + X_MEM_LEN
			    ? xf.mem + (iova - X_MEM_IOVA)
			    : xf_sink;
	return p;
}

static bool dma_rw(uint64_t iova, void *buf, size_t len, bool to_mem)
{
	unsigned char *b = buf;

	for (size_t i = 0; i < len; i++) {
		unsigned char *p = xl(iova + i);

		if (!p)
			return false;
		if (to_mem)
			*p = b[i];
		else
			b[i] = *p;
	}
	return true;
}

static void receive(const unsigned char *frame, size_t len)
{
	unsigned char d[16];
	uint64_t ba;
	uint16_t l = (uint16_t)len;

	if (!(xf.rctl & 2) || !(xf.status & 2) || xf.rdh == xf.rdt)
		return;
	if (xf.adv && (!(xf.rxdctl & (1u << 25)) ||
		       (xf.srrctl & 0x0e000000) != 0x02000000))
		return; /* igb: advanced one-buffer descriptors, enabled */
	if (!dma_rw(xf.rdba + 16 * xf.rdh, d, 16, false))
		return;
	memcpy(&ba, d, 8);
	for (size_t i = 0; i < len && !xf.never_moves; i++) {
		unsigned char *p = xl_data(ba + i);

		if (p) /* a refused write is lost */
			*p = frame[i];
	}
	memset(d, 0, 16);
	if (xf.adv) {
		d[8] = 3; /* DD | EOP in status_error */
		memcpy(d + 12, &l, 2);
	} else {
		memcpy(d + 8, &l, 2);
		d[12] = 3;
	}
	dma_rw(xf.rdba + 16 * xf.rdh, d, 16, true);
	xf.rdh = (xf.rdh + 1) % (xf.rdlen / 16);
	xf.frames++;
}

static void transmit(void)
{
	static unsigned char frame[2048];
	size_t flen = 0;
	bool drop = false;
	unsigned ndesc = 0;

	if (!(xf.tctl & 2) || (xf.adv && !(xf.txdctl & (1u << 25))))
		return;
	while (xf.tdh != xf.tdt && xf.tdlen) {
		unsigned char d[16];
		uint64_t ba;
		uint32_t cmd;
		size_t len;

		if (!dma_rw(xf.tdba + 16 * xf.tdh, d, 16, false))
			return;
		memcpy(&ba, d, 8);
		memcpy(&cmd, d + 8, 4);
		len = cmd & 0xffff;
		ndesc++;
		for (size_t i = 0; i < len && !xf.never_moves; i++) {
			unsigned char *p = xl_data(ba + i);

			if (!p || flen + i >= sizeof(frame))
				drop = true;
			else
				frame[flen + i] = *p;
		}
		flen += len;
		if (cmd & (1u << 27)) { /* RS: DD */
			d[12] |= 1;
			dma_rw(xf.tdba + 16 * xf.tdh + 12, d + 12, 4, true);
		}
		xf.tdh = (xf.tdh + 1) % (xf.tdlen / 16);
		if (!(cmd & (1u << 24)))
			continue;
		if (ndesc > xf.max_ndesc)
			xf.max_ndesc = ndesc;
		ndesc = 0;
		if (drop)
			xf.dropped++;
		else if ((xf.bmcr & 0x4000) || (xf.rctl & 0xc0) == 0x40)
			receive(frame, flen);
		drop = false;
		flen = 0;
	}
}

static uint32_t *reg(uint64_t off)
{
	uint64_t rq = xf.adv ? 0xc000 : 0x2800, tq = xf.adv ? 0xe000 : 0x3800;

	switch (off) {
	case 0x0000: return &xf.ctrl;
	case 0x0008: return &xf.status;
	case 0x0020: return &xf.mdic;
	case 0x0100: return &xf.rctl;
	case 0x0400: return &xf.tctl;
	}
	if (off == rq + 0x08)
		return &xf.rdlen;
	if (off == rq + 0x0c && xf.adv)
		return &xf.srrctl;
	if (off == rq + 0x10)
		return &xf.rdh;
	if (off == rq + 0x18)
		return &xf.rdt;
	if (off == rq + 0x28 && xf.adv)
		return &xf.rxdctl;
	if (off == tq + 0x08)
		return &xf.tdlen;
	if (off == tq + 0x10)
		return &xf.tdh;
	if (off == tq + 0x18)
		return &xf.tdt;
	if (off == tq + 0x28 && xf.adv)
		return &xf.txdctl;
	return NULL;
}

static int xb_read(void *arg, unsigned bar, uint64_t off, void *buf, size_t len)
{
	uint32_t *r = reg(off), v = r ? *r : 0;

	if (bar || len != 4)
		return -EINVAL;
	memcpy(buf, &v, 4);
	return 0;
}

static void set_base(uint64_t *b, bool hi, uint32_t v)
{
	*b = hi ? (*b & 0xffffffffull) | (uint64_t)v << 32
		: (*b & ~0xffffffffull) | v;
}

static int xb_write(void *arg, unsigned bar, uint64_t off, const void *buf,
		    size_t len)
{
	uint64_t rq = xf.adv ? 0xc000 : 0x2800, tq = xf.adv ? 0xe000 : 0x3800;
	uint32_t v, *r;

	if (bar || len != 4)
		return -EINVAL;
	memcpy(&v, buf, 4);
	if (off == rq || off == rq + 4) {
		set_base(&xf.rdba, off == rq + 4, v);
		return 0;
	}
	if (off == tq || off == tq + 4) {
		set_base(&xf.tdba, off == tq + 4, v);
		return 0;
	}
	if (off == 0x0020) { /* MDIC: PHY 1, BMCR write */
		if (xf.mdic_broken || ((v >> 21) & 31) != 1) {
			xf.mdic = v | 1u << 30 | 1u << 28;
			return 0;
		}
		if (((v >> 16) & 31) == 0 && (v & (1u << 26))) {
			xf.bmcr = v & 0xffff;
			if (xf.bmcr & 0x0200 && xf.autoneg_links) /* restart */
				xf.status |= 2;
		}
		xf.mdic = v | 1u << 28;
		return 0;
	}
	if (off == 0x0000)
		v &= ~(1u << 26); /* RST self-clears */
	r = reg(off);
	if (!r)
		return 0;
	*r = v;
	if (off == 0x0100 && (v & 2))
		xf.starts++;
	if (off == rq + 0x18 || off == tq + 0x18)
		xf.tail_writes++;
	if (off == tq + 0x18)
		transmit();
	return 0;
}

static struct own_fake xf_own = {xf.own, X_OWN_IOVA, X_OWN_LEN, &xf.bounce_ok};

static void xf_reset(uint16_t device)
{
	memset(&xf, 0, sizeof(xf));
	xf.cfg.ids[0] = 0x8086;
	xf.cfg.ids[1] = device;
	xf.adv = device == 0x10c9;
	xf.cfg.rev_class = 0x02000000;
	xf.status = 2; /* link up */
	xf.own_mapped = xf.mem_mapped = xf.bounce_ok = true;
}

static void xf_io(struct dma_dev_io *io)
{
	*io = (struct dma_dev_io){xb_read,	  xb_write, cfg_fake_read,
				  cfg_fake_write, NULL,	    NULL,
				  &xf.cfg};
}

static struct dma_engine *xf_open(uint16_t device)
{
	struct dma_bounce b = {.get = own_fake_get, .arg = &xf_own};
	struct dma_dev_io io;
	struct dma_engine *e = NULL;
	char why[160];

	xf_reset(device);
	xf_io(&io);
	EXPECT_EQ(dma_engine_probe(&io, "nic0", &b, DMA_WAIT_AUTO, &e, why,
				   sizeof(why)),
		  0);
	if (e)
		e->timeout_ms = 200;
	return e;
}

static void fill(unsigned char *p, size_t n, unsigned char seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + seed);
}

/* What the DMA oracle (scenario/lib.c) concludes from a write: landed when
 * memory holds what the engine reports, blocked when memory kept its
 * pre-fill, "error" when the engine could not say. */
static const char *verdict(int ret, const unsigned char *mem,
			   const unsigned char *buf, const unsigned char *pre,
			   size_t len)
{
	if (ret)
		return "error";
	if (!memcmp(mem, buf, len))
		return "landed";
	return memcmp(mem, pre, len) ? "other" : "blocked";
}

static const uint16_t models[] = {0x10d3, 0x10c9};

/* fn on an engine of each model (m: 0 e1000e, 1 igb), closed after. */
static void each_model(void (*fn)(struct dma_engine *e, unsigned m))
{
	for (unsigned m = 0; m < 2; m++) {
		struct dma_engine *e = xf_open(models[m]);

		EXPECT(e != NULL);
		if (e)
			fn(e, m);
		dma_engine_close(e);
	}
}

UNIT_TEST(dma_nic_matches_by_id)
{
	const struct dma_engine_driver *drv;
	struct dma_dev_io io;
	char why[160];

	for (unsigned m = 0; m < 2; m++) {
		struct dma_engine *e = xf_open(models[m]);

		EXPECT(e != NULL);
		if (!e)
			continue;
		EXPECT(!strcmp(e->drv->name, m ? "igb" : "e1000e"));
		EXPECT(xf.cfg.cmd & 0x4);     /* bus master */
		EXPECT_EQ(xf.bmcr, 0x4140);   /* PHY loopback */
		EXPECT_EQ(xf.tail_writes, 0); /* nothing until a transfer */
		EXPECT_EQ(e->limits.min_len, 60);
		EXPECT_EQ(e->limits.max_len, 1514);
		dma_engine_close(e);
	}
	xf_reset(0x100e); /* an e1000 (82540EM): not ours */
	xf_io(&io);
	EXPECT_EQ(dma_engine_match(&io, "x", NULL, &drv, why, sizeof(why)),
		  -ENODEV);
}

static void dma_nic_write_lands_exactly_on(struct dma_engine *e, unsigned m)
{
	unsigned char buf[256], want[256];
	char ev[256];

	memset(xf.mem, 0xa5, sizeof(xf.mem));
	fill(buf, sizeof(buf), 3);
	memcpy(want, buf, sizeof(buf));
	EXPECT_EQ(WRITE_ALL(e, X_MEM_IOVA + 0x100, buf, ev), 0);
	EXPECT(!memcmp(buf, want, sizeof(buf))); /* caller bytes */
	EXPECT(!memcmp(xf.mem + 0x100, buf, sizeof(buf)));
	EXPECT_EQ(xf.mem[0xff], 0xa5);
	EXPECT_EQ(xf.mem[0x200], 0xa5); /* exactly len bytes */
	EXPECT(strstr(ev, "frame received"));
	/* Across a page, the largest frame. */
	{
		static unsigned char big[1514];

		fill(big, sizeof(big), 9);
		EXPECT_EQ(WRITE_ALL(e, X_MEM_IOVA + 4096 - 700, big, ev), 0);
		EXPECT(!memcmp(xf.mem + 4096 - 700, big, sizeof(big)));
	}
	EXPECT_EQ(xf.starts, 1); /* the rings stay up */
}

UNIT_TEST(dma_nic_write_lands_exactly)
{
	each_model(dma_nic_write_lands_exactly_on);
}

static void dma_nic_write_refused_memory_decides_on(struct dma_engine *e,
						    unsigned m)
{
	unsigned char buf[128], pre[128];
	char ev[256];
	int ret;

	memset(xf.mem, 0xa5, sizeof(xf.mem));
	memcpy(pre, xf.mem, sizeof(pre));
	fill(buf, sizeof(buf), 1);
	xf.mem_mapped = false;
	ret = WRITE_ALL(e, X_MEM_IOVA, buf, ev);
	EXPECT_EQ(ret, 0); /* the descriptor completed */
	EXPECT(!strcmp(verdict(ret, xf.mem, buf, pre, sizeof(buf)), "blocked"));
}

UNIT_TEST(dma_nic_write_refused_memory_decides)
{
	each_model(dma_nic_write_refused_memory_decides_on);
}

static void dma_nic_read_lands_and_refused_on(struct dma_engine *e, unsigned m)
{
	unsigned char buf[300];
	char ev[256];

	fill(xf.mem, sizeof(xf.mem), 5);
	memset(buf, 0xee, sizeof(buf));
	EXPECT_EQ(READ_ALL(e, X_MEM_IOVA + 0x40, buf, ev), 0);
	EXPECT(!memcmp(buf, xf.mem + 0x40, sizeof(buf)));
	EXPECT_EQ(xf.max_ndesc, 1);
	/* Across a page: one transmit descriptor per page piece. */
	memset(buf, 0xee, sizeof(buf));
	EXPECT_EQ(READ_ALL(e, X_MEM_IOVA + 4096 - 100, buf, ev), 0);
	EXPECT(!memcmp(buf, xf.mem + 4096 - 100, sizeof(buf)));
	EXPECT_EQ(xf.max_ndesc, 2);
	/* Refused: the frame is dropped, the pre-fill stays. */
	xf.mem_mapped = false;
	memset(buf, 0xee, sizeof(buf));
	EXPECT_EQ(READ_ALL(e, X_MEM_IOVA + 0x40, buf, ev), 0);
	EXPECT(strstr(ev, "dropped"));
	for (unsigned i = 0; i < sizeof(buf); i++)
		if (buf[i] != 0xee)
			EXPECT(!"memory's bytes in a refused read");
	EXPECT_EQ(xf.dropped, 1);
	EXPECT_EQ(xf.starts, 2); /* its receive descriptor reclaimed */
	/* And the next transfer works. */
	xf.mem_mapped = true;
	EXPECT_EQ(READ_ALL(e, X_MEM_IOVA + 0x40, buf, ev), 0);
	EXPECT(!memcmp(buf, xf.mem + 0x40, sizeof(buf)));
}

UNIT_TEST(dma_nic_read_lands_and_refused)
{
	each_model(dma_nic_read_lands_and_refused_on);
}

UNIT_TEST(dma_nic_read_splits_at_pages)
{
	struct dma_engine *e = xf_open(0x10d3);
	unsigned char buf[300];
	char ev[256];

	if (!e)
		return;
	fill(xf.mem, sizeof(xf.mem), 5);
	/* A refused second page drops the whole frame. */
	xf.mem_mapped = true;
	EXPECT_EQ(READ_ALL(e, X_MEM_IOVA + 2 * 4096 - 100, buf, ev), 0);
	EXPECT(strstr(ev, "dropped"));
	dma_engine_close(e);
}

UNIT_TEST(dma_nic_no_descriptor_without_region)
{
	struct dma_engine *e = xf_open(0x10d3);
	unsigned char buf[128];
	char ev[256];

	if (!e)
		return;
	xf.bounce_ok = false;
	EXPECT_EQ(WRITE_ALL(e, X_MEM_IOVA, buf, ev), -ENOLINK);
	EXPECT_EQ(READ_ALL(e, X_MEM_IOVA, buf, ev), -ENOLINK);
	EXPECT_EQ(xf.tail_writes, 0);
	EXPECT_EQ(xf.starts, 0);
	dma_engine_close(e);
}

UNIT_TEST(dma_nic_limits_and_ethertypes)
{
	struct dma_engine *e = xf_open(0x10c9);
	static unsigned char buf[1600];
	char ev[256];

	if (!e)
		return;
	EXPECT_EQ(dma_engine_write(e, X_MEM_IOVA, buf, 59, ev, sizeof(ev)),
		  -EINVAL);
	EXPECT_EQ(dma_engine_read(e, X_MEM_IOVA, buf, 1515, ev, sizeof(ev)),
		  -EINVAL);
	fill(buf, 128, 2);
	buf[12] = 0x08; /* IPv4: QEMU would parse it */
	buf[13] = 0x00;
	EXPECT_EQ(dma_engine_write(e, X_MEM_IOVA, buf, 128, ev, sizeof(ev)),
		  -EOPNOTSUPP);
	EXPECT(strstr(ev, "EtherType 0x0800"));
	EXPECT_EQ(xf.tail_writes, 0);
	dma_engine_close(e);
}

UNIT_TEST(dma_nic_mac_loopback_fallback)
{
	struct dma_bounce b = {.get = own_fake_get, .arg = &xf_own};
	struct dma_dev_io io;
	struct dma_engine *e = NULL;
	unsigned char buf[64];
	char why[160], ev[256];

	xf_reset(0x10d3);
	xf.mdic_broken = true;
	xf_io(&io);
	EXPECT_EQ(dma_engine_open(&e1000e_driver, &io, "nic0", &b,
				  DMA_WAIT_POLL, 0, &e, why, sizeof(why)),
		  0);
	if (!e)
		return;
	fill(buf, sizeof(buf), 4);
	EXPECT_EQ(WRITE_ALL(e, X_MEM_IOVA, buf, ev), 0);
	EXPECT_EQ(xf.rctl & 0xc0, 0x40);
	EXPECT(strstr(ev, "MAC loopback"));
	EXPECT(!memcmp(xf.mem, buf, sizeof(buf)));
	dma_engine_close(e);
}

/* QEMU's igb after a reset: no link until an autonegotiation restart;
 * then loopback. */
UNIT_TEST(dma_nic_link_after_autoneg)
{
	struct dma_dev_io io;
	struct dma_engine *e = NULL;
	char why[160];

	xf_reset(0x10c9);
	xf.status = 0;
	xf.autoneg_links = true;
	xf_io(&io);
	EXPECT_EQ(dma_engine_open(&igb_driver, &io, "nic0", NULL, DMA_WAIT_POLL,
				  0, &e, why, sizeof(why)),
		  0);
	if (!e)
		return;
	EXPECT_EQ(xf.bmcr, 0x4140); /* loopback after the autoneg */
	dma_engine_close(e);
}

UNIT_TEST(dma_nic_link_down_refuses_open)
{
	struct dma_dev_io io;
	struct dma_engine *e = NULL;
	char why[160];

	xf_reset(0x10d3);
	xf.status = 0;
	xf_io(&io);
	EXPECT_EQ(dma_engine_open(&e1000e_driver, &io, "nic0", NULL,
				  DMA_WAIT_POLL, 0, &e, why, sizeof(why)),
		  -ENOLINK);
	EXPECT(strstr(why, "link not up"));
}

UNIT_TEST(dma_nic_probe_reach_maps_its_region)
{
	struct dma_dev_io io;
	struct dma_engine *e;

	xf_reset(0x10c9);
	xf_io(&io);
	e = probe_reach_own(&igb_driver, &io, "nic0", &xf.own_mapped,
			    &xf.mem_mapped, X_OWN_LEN);
	if (!e)
		return;
	dma_engine_close(e);
	EXPECT_EQ(xf.rctl & 2, 0); /* stopped before its region goes */
	probe_maps.n = 0;
}

/* Engine controls. A NIC that completes every descriptor but moves no
 * bytes: the control frame does not arrive intact, so the engine reports
 * an error (the oracle's "could not run it") and never a blocked write a
 * check could take for isolation. A NIC that ignores the IOMMU lands the
 * "unmapped" write and the read sees memory: a check expecting "blocked"
 * fails. */
static void dma_nic_control_never_moves_on(struct dma_engine *e, unsigned m)
{
	unsigned char buf[128], pre[128];
	char ev[256];
	int ret;

	xf.never_moves = true;
	memset(xf.mem, 0xa5, sizeof(xf.mem));
	memcpy(pre, xf.mem, sizeof(pre));
	fill(buf, sizeof(buf), 7);
	ret = WRITE_ALL(e, X_MEM_IOVA, buf, ev);
	EXPECT_EQ(ret, -EIO);
	EXPECT(strstr(ev, "control frame"));
	EXPECT(!strcmp(verdict(ret, xf.mem, buf, pre, sizeof(buf)), "error"));
	EXPECT_EQ(READ_ALL(e, X_MEM_IOVA, buf, ev), -EIO);
}

UNIT_TEST(dma_nic_control_never_moves)
{
	each_model(dma_nic_control_never_moves_on);
}

static void dma_nic_control_lands_all_on(struct dma_engine *e, unsigned m)
{
	unsigned char buf[128], pre[128];
	char ev[256];
	int ret;

	xf.lands_all = true;
	xf.mem_mapped = false; /* "unmapped", but ignored */
	memset(xf.mem, 0xa5, sizeof(xf.mem));
	memcpy(pre, xf.mem, sizeof(pre));
	fill(buf, sizeof(buf), 8);
	ret = WRITE_ALL(e, X_MEM_IOVA, buf, ev);
	EXPECT_EQ(ret, 0);
	EXPECT(!strcmp(verdict(ret, xf.mem, buf, pre, sizeof(buf)), "landed"));
	fill(xf.mem, sizeof(xf.mem), 6);
	memset(buf, 0xee, sizeof(buf));
	EXPECT_EQ(READ_ALL(e, X_MEM_IOVA + 0x80, buf, ev), 0);
	EXPECT(!memcmp(buf, xf.mem + 0x80, sizeof(buf)));
}

UNIT_TEST(dma_nic_control_lands_all)
{
	each_model(dma_nic_control_lands_all_on);
}
