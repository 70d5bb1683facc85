// SPDX-License-Identifier: GPL-2.0
/*
 * The edu engine against a software edu with a toy IOMMU: payloads land,
 * blocked transfers are seen as blocked, a write reports the bytes it
 * wrote when it could not load the payload and fails when it does not know
 * them, a transfer the engine cannot confirm is never a clean success, a
 * stuck device times out, the reach probe tells a wrapping DMA mask.
 */
#include <errno.h>
#include <string.h>

#include "../../src/dma/dma.h"
#include "edu_fake.h"
#include "engine_calls.h"
#include "unit.h"

#define F_BOUNCE_IOVA 0xfff000ull
#define F_NMAP 8
#define F_BOUNCE 7 /* the map slot of the bounce page */

struct fake {
	struct edu_fake hw; /* first: the registers' arg is the fake */
	bool bounce_ok;	    /* bounce_get succeeds */
	bool bounce_mapped; /* ...and really maps the page */
	bool bounce_wo;	    /* ...but the device cannot read it */
	uint64_t dma_mask;  /* 0: all bits */
	unsigned transfers;
	struct {
		uint64_t iova;
		unsigned char *p;
		size_t len;
	} map[F_NMAP];
	unsigned char bounce[4096];
};

static unsigned char *xlate(struct fake *f, uint64_t iova, bool dev_reads)
{
	if (f->dma_mask)
		iova &= f->dma_mask;
	for (unsigned i = 0; i < F_NMAP; i++)
		if (f->map[i].p && iova >= f->map[i].iova &&
		    iova < f->map[i].iova + f->map[i].len &&
		    !(i == F_BOUNCE && dev_reads && f->bounce_wo))
			return f->map[i].p + (iova - f->map[i].iova);
	return NULL;
}

/* Runs the pending transfer byte by byte: a fault reads as 0, drops a write. */
static void run_dma(struct edu_fake *hw)
{
	struct fake *f = (struct fake *)hw;
	bool to_ram = hw->cmd & 2;

	for (uint64_t i = 0; i < hw->cnt; i++) {
		unsigned char *p =
			xlate(f, (to_ram ? hw->dst : hw->src) + i, !to_ram);

		if (to_ram) {
			if (p)
				*p = hw->dbuf[hw->src - 0x40000 + i];
		} else {
			hw->dbuf[hw->dst - 0x40000 + i] = p ? *p : 0;
		}
	}
	edu_fake_done(hw);
}

/* The bounce page stays mapped (map[F_BOUNCE], set up by open_fake). */
static int f_bounce_get(void *arg, size_t len, void **uva, uint64_t *iova,
			char *why, size_t why_len)
{
	struct fake *f = arg;

	if (!f->bounce_ok) {
		snprintf(why, why_len, "device not attached");
		return -ENOLINK;
	}
	f->map[F_BOUNCE].p = f->bounce_mapped ? f->bounce : NULL;
	*uva = f->bounce;
	*iova = F_BOUNCE_IOVA;
	return 0;
}

static unsigned nput;
static void f_bounce_put(void *arg)
{
	struct fake *f = arg;

	nput++;
	f->bounce_ok = false;
}

static struct fake fk;

/* Memory the toy IOMMU translates iova to (map slot 0), filled with the
 * pattern seed. */
static void fake_map(uint64_t iova, unsigned char *p, size_t len,
		     unsigned char seed)
{
	edu_fake_fill(p, len, seed);
	fk.map[0].iova = iova;
	fk.map[0].p = p;
	fk.map[0].len = len;
}

/* Lends a translation only after the transfer under test ran. */
static unsigned late_seen_transfers;
static int f_bounce_get_late(void *arg, size_t len, void **uva,
			     uint64_t *iova, char *why, size_t why_len)
{
	struct fake *f = arg;

	late_seen_transfers = f->hw.transfers;
	f->bounce_ok = true;
	return f_bounce_get(arg, len, uva, iova, why, why_len);
}

static struct dma_engine *open_fake(void)
{
	struct dma_dev_io io;
	struct dma_bounce b = {
		.get = f_bounce_get,
		.put = f_bounce_put,
		.arg = &fk,
	};
	struct dma_engine *e = NULL;
	char why[128];

	memset(&fk, 0, sizeof(fk));
	fk.hw.run = run_dma;
	edu_fake_io(&fk.hw, &io);
	fk.hw.ids[0] = edu_driver.vendor;
	fk.hw.ids[1] = edu_driver.device;
	fk.bounce_ok = fk.bounce_mapped = true;
	fk.map[F_BOUNCE].iova = F_BOUNCE_IOVA;
	fk.map[F_BOUNCE].p = fk.bounce;
	fk.map[F_BOUNCE].len = sizeof(fk.bounce);
	nput = 0;
	EXPECT_EQ(dma_engine_probe(&io, "fake", &b, DMA_WAIT_AUTO, &e, why,
				   sizeof(why)),
		  0);
	return e;
}

/* A device without translation, whose owner lends one for read-backs. */
static struct dma_engine *open_fake_detached(void)
{
	struct dma_engine *e = open_fake();

	e->bounce.get_late = f_bounce_get_late;
	fk.bounce_ok = false;
	return e;
}

/*
 * A test body run on a fresh fake edu engine (open_fake), e, which is closed
 * after it: the set-up every transfer test shares.
 */
#define EDU_TEST(fn)                                 \
	static void fn##_on(struct dma_engine *e);    \
	UNIT_TEST(fn)                                \
	{                                            \
		struct dma_engine *e = open_fake();  \
                                                     \
		fn##_on(e);                          \
		dma_engine_close(e);                 \
	}                                            \
	static void fn##_on(struct dma_engine *e)

/*
 * On a device without translation whose owner lends one late
 * (open_fake_detached), a transfer of buf at iova in direction dir
 * returns 0: it ran before the translation was lent, which was taken back.
 */
static void check_lent_late(struct dma_engine *e, enum dma_dir dir,
			    uint64_t iova, unsigned char *buf, size_t len)
{
	char ev[256];

	late_seen_transfers = 99;
	EXPECT_EQ(dir == DMA_TO_MEMORY
			  ? dma_engine_write(e, iova, buf, len, ev, sizeof(ev))
			  : dma_engine_read(e, iova, buf, len, ev, sizeof(ev)),
		  0);
	EXPECT_EQ(late_seen_transfers, 1);
	EXPECT_EQ(nput, 1);
	EXPECT(strstr(ev, "lent translation"));
}

EDU_TEST(dma_edu_probe)
{
	EXPECT(e);
	if (!e)
		return;
	EXPECT(fk.hw.pci_cmd & 0x4); /* bus master */
	EXPECT(fk.hw.pci_cmd & 0x2); /* memory decode */
	EXPECT_EQ(e->limits.max_len, 4095);
	EXPECT_EQ(e->limits.iova_limit, 1ull << 28);
	EXPECT(e->drv == &edu_driver);
	EXPECT(!e->drv->tags_pasid);
	EXPECT_EQ(e->wait, DMA_WAIT_POLL); /* the fake has no interrupt */
}

UNIT_TEST(dma_edu_probe_other_device)
{
	struct dma_dev_io io;
	struct dma_engine *e = (void *)1;
	char why[128] = "";

	memset(&fk, 0, sizeof(fk));
	fk.hw.run = run_dma;
	edu_fake_io(&fk.hw, &io);
	fk.hw.ids[0] = 0x8086;
	fk.hw.ids[1] = 0x100e;
	EXPECT_EQ(dma_engine_probe(&io, "nic", NULL, DMA_WAIT_POLL, &e, why,
				   sizeof(why)),
		  -ENODEV);
	EXPECT(e == NULL);
	EXPECT(strstr(why, "8086:100e"));
}

EDU_TEST(dma_edu_write_lands)
{
	unsigned char mem[8192], buf[4095], ref[8192];
	char ev[256];

	fake_map(0x200000, mem, sizeof(mem), 1);
	memcpy(ref, mem, sizeof(mem));
	edu_fake_fill(buf, sizeof(buf), 2);
	EXPECT_EQ(WRITE_ALL(e, 0x200800, buf, ev), 0);
	EXPECT(!memcmp(mem + 0x800, buf, sizeof(buf)));
	EXPECT(!memcmp(mem, ref, 0x800));
	EXPECT(!memcmp(mem + 0x800 + 4095, ref + 0x800 + 4095,
		       sizeof(mem) - 0x800 - 4095));
	EXPECT(strstr(ev, "payload verified"));
	EXPECT(strstr(ev, "iova=0x200800"));
	EXPECT_EQ(fk.hw.transfers, 3); /* load, transfer, check */
	EXPECT_EQ(nput, 0);	    /* nothing lent, nothing to take away */
}

EDU_TEST(dma_edu_write_blocked)
{
	unsigned char mem[4096], ref[4096], buf[512];
	char ev[256];

	edu_fake_fill(mem, sizeof(mem), 3);
	memcpy(ref, mem, sizeof(mem));
	edu_fake_fill(buf, sizeof(buf), 4);
	/* mem exists but nothing maps 0x200000 */
	EXPECT_EQ(WRITE_ALL(e, 0x200000, buf, ev), 0);
	EXPECT(!memcmp(mem, ref, sizeof(mem)));
	EXPECT(strstr(ev, "payload verified"));
}

/* The payload cannot go in and nothing says what the buffer holds: the
 * transfer runs (a leak would show), but the write does not return 0. */
EDU_TEST(dma_edu_write_unknown_bytes_refused)
{
	unsigned char mem[4096], buf[256], ref[256];
	char ev[256];

	fk.bounce_ok = false;
	fake_map(0x200000, mem, sizeof(mem), 5);
	edu_fake_fill(buf, sizeof(buf), 6);
	memcpy(ref, buf, sizeof(buf));
	memset(fk.hw.dbuf, 0xee, sizeof(fk.hw.dbuf));
	EXPECT_EQ(WRITE_ALL(e, 0x200000, buf, ev), -ENOLINK);
	EXPECT_EQ(fk.hw.transfers, 1);
	EXPECT(!memcmp(buf, ref, sizeof(buf)));
	EXPECT(strstr(ev, "unknown"));
	EXPECT(strstr(ev, "device not attached"));
}

/* After a confirmed load the buffer is known: detached, the device writes
 * it again, and the engine says so by handing those bytes back. */
EDU_TEST(dma_edu_write_reports_known_bytes)
{
	unsigned char mem[4096], first[256], buf[256];
	char ev[256];

	fake_map(0x200000, mem, sizeof(mem), 14);
	edu_fake_fill(first, sizeof(first), 13);
	EXPECT_EQ(WRITE_ALL(e, 0x200000, first, ev), 0);
	fk.bounce_ok = false; /* detached */
	edu_fake_fill(mem, sizeof(mem), 14);
	edu_fake_fill(buf, sizeof(buf), 15);
	EXPECT_EQ(dma_engine_write(e, 0x200000, buf, 128, ev, sizeof(ev)), 0);
	EXPECT(!memcmp(buf, first, 128));  /* reported: the known bytes */
	EXPECT(!memcmp(mem, first, 128));  /* and that is what landed */
	EXPECT(strstr(ev, "last confirmed load"));
	/* Longer than what is known: not known. */
	EXPECT_EQ(dma_engine_write(e, 0x200000, buf, 512, ev, sizeof(ev)),
		  -ENOLINK);
}

/* Unknown buffer, but a translation is lent after the transfer under test:
 * the read-back tells what the device wrote. */
UNIT_TEST(dma_edu_write_reports_bytes_read_back_late)
{
	struct dma_engine *e = open_fake_detached();
	unsigned char mem[4096], buf[256];

	fake_map(0x200000, mem, sizeof(mem), 16);
	memset(fk.hw.dbuf, 0xee, sizeof(fk.hw.dbuf));
	edu_fake_fill(buf, sizeof(buf), 17);
	check_lent_late(e, DMA_TO_MEMORY, 0x200000, buf, sizeof(buf));
	EXPECT_EQ(buf[0], 0xee);
	EXPECT_EQ(buf[255], 0xee);
	EXPECT_EQ(mem[0], 0xee);
	dma_engine_close(e);
}

EDU_TEST(dma_edu_write_bounce_blocked_is_refused)
{
	unsigned char buf[64];
	char ev[256];

	fk.bounce_mapped = false; /* the owner thinks it mapped; it did not */
	edu_fake_fill(buf, sizeof(buf), 7);
	EXPECT_EQ(WRITE_ALL(e, 0x200000, buf, ev), -EIO);
	EXPECT(strstr(ev, "NOT confirmed"));
	EXPECT(!strstr(ev, "verified"));
}

/* The load is blocked but the read-back lands: what the device wrote is
 * what it held, and that is reported. */
EDU_TEST(dma_edu_write_load_blocked_reports_what_it_wrote)
{
	unsigned char mem[4096], buf[64];
	char ev[256];

	fk.bounce_wo = true;
	fake_map(0x200000, mem, sizeof(mem), 18);
	edu_fake_fill(buf, sizeof(buf), 19);
	EXPECT_EQ(WRITE_ALL(e, 0x200000, buf, ev), 0);
	EXPECT_EQ(buf[0], 0); /* the fake reads a fault as 0 */
	EXPECT(!memcmp(mem, buf, sizeof(buf)));
	EXPECT(strstr(ev, "NOT loaded"));
}

EDU_TEST(dma_edu_read_lands_and_blocked)
{
	unsigned char mem[4096], buf[1024];
	char ev[256];

	fake_map(0x300000, mem, sizeof(mem), 8);
	edu_fake_fill(buf, sizeof(buf), 9);
	EXPECT_EQ(READ_ALL(e, 0x300400, buf, ev), 0);
	EXPECT(!memcmp(buf, mem + 0x400, sizeof(buf)));

	/* Unmapped: the device reads what the bus returns, never memory. */
	fk.map[0].p = NULL;
	edu_fake_fill(buf, sizeof(buf), 9);
	EXPECT_EQ(READ_ALL(e, 0x300400, buf, ev), 0);
	EXPECT(memcmp(buf, mem + 0x400, sizeof(buf)));
	EXPECT_EQ(buf[0], 0);
}

EDU_TEST(dma_edu_read_needs_read_back)
{
	unsigned char buf[128], ref[128];
	char ev[256];

	edu_fake_fill(buf, sizeof(buf), 10);
	memcpy(ref, buf, sizeof(buf));
	fk.bounce_ok = false;
	EXPECT_EQ(READ_ALL(e, 0x300000, buf, ev), -ENOLINK);
	EXPECT(!memcmp(buf, ref, sizeof(buf)));
	EXPECT(strstr(ev, "cannot read back"));

	fk.bounce_ok = true;
	fk.bounce_mapped = false;
	EXPECT_EQ(READ_ALL(e, 0x300000, buf, ev), -ENOLINK);
	EXPECT(!memcmp(buf, ref, sizeof(buf)));
	EXPECT(strstr(ev, "blocked"));
}

EDU_TEST(dma_edu_stuck_times_out)
{
	unsigned char buf[16] = { 0 };
	char ev[256];

	fk.hw.stuck = true;
	e->timeout_ms = 20;
	EXPECT_EQ(WRITE_ALL(e, 0x200000, buf, ev), -ETIMEDOUT);
	EXPECT(strstr(ev, "did not complete"));
	EXPECT_EQ(READ_ALL(e, 0x200000, buf, ev), -ETIMEDOUT);
}

EDU_TEST(dma_edu_limits)
{
	unsigned char buf[4096] = { 0 };
	char ev[256];

	EXPECT_EQ(dma_engine_write(e, 0x1000, buf, 4096, ev, sizeof(ev)),
		  -EINVAL);
	EXPECT_EQ(dma_engine_write(e, 0x1000, buf, 0, ev, sizeof(ev)),
		  -EINVAL);
	EXPECT_EQ(dma_engine_read(e, (1ull << 28) - 8, buf, 16, ev,
				  sizeof(ev)),
		  -ERANGE);
	EXPECT_EQ(dma_engine_write(e, ~0ull - 4, buf, 16, ev, sizeof(ev)),
		  -ERANGE);
	EXPECT_EQ(fk.hw.transfers, 0);
}

UNIT_TEST(dma_edu_read_back_late)
{
	struct dma_engine *e = open_fake_detached();
	unsigned char mem[4096], buf[256];

	fake_map(0x300000, mem, sizeof(mem), 11);
	edu_fake_fill(buf, sizeof(buf), 12);
	check_lent_late(e, DMA_FROM_MEMORY, 0x300100, buf, sizeof(buf));
	EXPECT_EQ(fk.hw.transfers, 2);
	EXPECT(!memcmp(buf, mem + 0x100, sizeof(buf)));
	dma_engine_close(e);
}

/* The reach probe's translation: whatever the engine maps, at slots 0-2. */
static unsigned nprobe_maps;
static int f_probe_map(void *arg, void *uva, size_t len, uint64_t iova)
{
	struct fake *f = arg;

	f->map[nprobe_maps].iova = iova;
	f->map[nprobe_maps].p = uva;
	f->map[nprobe_maps].len = len;
	nprobe_maps++;
	return 0;
}

static bool probe_landed;
static uint64_t probe_reach(uint64_t mask, const struct iova_range *r,
			    unsigned n)
{
	struct dma_engine *e = open_fake();
	struct dma_reach_env env = { f_probe_map, r, n, &fk };
	uint64_t reach = 7;
	char why[128] = "";

	nprobe_maps = 0;
	fk.dma_mask = mask;
	EXPECT_EQ(dma_engine_probe_reach(e, &env, &reach, &probe_landed, why,
					 sizeof(why)),
		  0);
	dma_engine_close(e);
	return reach;
}

UNIT_TEST(dma_edu_probe_reach)
{
	static const struct iova_range wide[] = {
		{ 0, 0xfedfffff }, { 0xfef00000, 0xffffffffffffull } };
	static const struct iova_range low[] = { { 0, 0x7ffffff } };

	/* dma_mask raised: the top page is hit, the reach is 2^48. */
	EXPECT_EQ(probe_reach(0, wide, 2), 1ull << 48);
	EXPECT(probe_landed);
	/* Default 28-bit mask: the write wraps to the alias. */
	EXPECT_EQ(probe_reach((1ull << 28) - 1, wide, 2), 1ull << 28);
	EXPECT(probe_landed);
	/* Nothing above the default mask to tell apart: its limit, and no
	 * transfer to show the engine works. */
	EXPECT_EQ(probe_reach(0, low, 1), 1ull << 28);
	EXPECT(!probe_landed);
	/* Nothing lands at all: 0 (the device has no working DMA). */
	EXPECT_EQ(probe_reach(0xfff, wide, 2), 0);
	EXPECT(!probe_landed);
}
