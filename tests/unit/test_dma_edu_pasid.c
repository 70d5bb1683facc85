// SPDX-License-Identifier: GPL-2.0
/*
 * The edu-pasid engine against a software edu-pasid with a toy IOMMU that
 * translates the RID and each PASID in its own table: a tagged transfer
 * goes through its PASID's table only, an untagged one through the RID's,
 * a blocked one leaves memory alone, a refused one is an engine error
 * (never a blocked verdict), and the payload travels through BAR0.
 */
#include <errno.h>
#include <string.h>

#include "../../src/dma/dma.h"
#include "edu_fake.h"
#include "engine_calls.h"
#include "unit.h"

#define NO_TAG 0xffffffffu

struct fp_map {
	uint32_t pasid; /* NO_TAG: the RID */
	uint64_t iova;
	unsigned char *p;
	size_t len;
};

struct fp {
	struct edu_fake hw; /* first: the registers' arg is the fake */
	bool pasid_enabled; /* the PASID capability's Enable bit */
	struct fp_map map[4];
	unsigned nmap;
	unsigned transfers;
	uint32_t last_tag;
};

static struct fp fk;

static unsigned char *xlate(struct fp *f, uint32_t tag, uint64_t iova)
{
	for (unsigned i = 0; i < f->nmap; i++)
		if (f->map[i].p && f->map[i].pasid == tag &&
		    iova >= f->map[i].iova &&
		    iova < f->map[i].iova + f->map[i].len)
			return f->map[i].p + (iova - f->map[i].iova);
	return NULL;
}

static void run_dma(struct edu_fake *hw)
{
	struct fp *f = (struct fp *)hw;
	bool to_ram = hw->cmd & 2;
	uint32_t tag = (hw->pasid_reg >> 31) ? (hw->pasid_reg & 0xfffff) :
					       NO_TAG;

	hw->result = 0;
	f->last_tag = tag;
	if (tag != NO_TAG && !f->pasid_enabled) {
		hw->result = 2;
	} else {
		for (uint64_t i = 0; i < hw->cnt; i++) {
			unsigned char *p =
				xlate(f, tag, (to_ram ? hw->dst : hw->src) + i);

			if (!p)
				hw->result = 1;
			if (to_ram) {
				if (p)
					*p = hw->dbuf[hw->src - 0x40000 + i];
			} else {
				hw->dbuf[hw->dst - 0x40000 + i] = p ? *p : 0;
			}
		}
	}
	edu_fake_done(hw);
}

/* The fake with drv's IDs (and, for edu-pasid, its PASID registers and
 * the PASID capability enabled), probed as name with wait. */
static struct dma_engine *open_as(const struct dma_engine_driver *drv,
				  const char *name, enum dma_wait wait)
{
	struct dma_dev_io io;
	struct dma_engine *e = NULL;
	char why[128];

	memset(&fk, 0, sizeof(fk));
	fk.hw.run = run_dma;
	edu_fake_io(&fk.hw, &io);
	fk.hw.ids[0] = drv->vendor;
	fk.hw.ids[1] = drv->device;
	fk.hw.pasid = fk.pasid_enabled = drv == &edu_pasid_driver;
	EXPECT_EQ(dma_engine_probe(&io, name, NULL, wait, &e, why, sizeof(why)),
		  0);
	return e;
}

static struct dma_engine *open_fp(void)
{
	return open_as(&edu_pasid_driver, "fake", DMA_WAIT_AUTO);
}

static void tag(struct dma_engine *e, uint32_t pasid)
{
	e->tag_pasid = pasid != NO_TAG;
	e->pasid = e->tag_pasid ? pasid : 0;
}

UNIT_TEST(dma_edu_pasid_probe)
{
	struct dma_engine *e = open_fp();

	EXPECT(e);
	if (!e)
		return;
	EXPECT(e->drv->tags_pasid);
	EXPECT(!e->tag_pasid);
	EXPECT_EQ(e->limits.max_len, 4096);
	EXPECT(fk.hw.pci_cmd & 0x4);
	EXPECT(strstr(e->drv->name, "edu-pasid"));
	dma_engine_close(e);
}

UNIT_TEST(dma_edu_plain_is_not_pasid_capable)
{
	struct dma_engine *e = open_as(&edu_driver, "edu", DMA_WAIT_POLL);

	EXPECT(e && !e->drv->tags_pasid);
	dma_engine_close(e);
}

/* The RID and PASID 5 map the same IOVA to different memory. */
static unsigned char rid_mem[8192], p5_mem[8192];

static void two_tables(void)
{
	edu_fake_fill(rid_mem, sizeof(rid_mem), 1);
	edu_fake_fill(p5_mem, sizeof(p5_mem), 2);
	fk.map[0] = (struct fp_map){ NO_TAG, 0x100000, rid_mem,
				     sizeof(rid_mem) };
	fk.map[1] = (struct fp_map){ 5, 0x100000, p5_mem, sizeof(p5_mem) };
	fk.nmap = 2;
}

/*
 * A write of len bytes (pattern seed) tagged with pasid (NO_TAG: untagged)
 * at 0x100000 + off over two_tables(): it is the one transfer, it lands in
 * the table lands_in (NULL: blocked, nowhere) and nowhere else, and ev says
 * says (and says_too, unless NULL).
 */
static void check_write(uint32_t pasid, size_t off, size_t len,
			unsigned char seed, unsigned char *lands_in,
			const char *says, const char *says_too)
{
	struct dma_engine *e = open_fp();
	unsigned char buf[4096], rid_want[8192], p5_want[8192];
	char ev[256];

	two_tables();
	memcpy(rid_want, rid_mem, sizeof(rid_mem));
	memcpy(p5_want, p5_mem, sizeof(p5_mem));
	edu_fake_fill(buf, len, seed);
	if (lands_in)
		memcpy((lands_in == rid_mem ? rid_want : p5_want) + off, buf,
		       len);
	tag(e, pasid);
	EXPECT_EQ(dma_engine_write(e, 0x100000 + off, buf, len, ev, sizeof(ev)),
		  0);
	EXPECT_EQ(fk.hw.transfers, 1); /* the transfer under test only */
	EXPECT_EQ(fk.last_tag, pasid);
	EXPECT(!memcmp(rid_mem, rid_want, sizeof(rid_mem)));
	EXPECT(!memcmp(p5_mem, p5_want, sizeof(p5_mem)));
	EXPECT(strstr(ev, says));
	EXPECT(!says_too || strstr(ev, says_too));
	dma_engine_close(e);
}

UNIT_TEST(dma_edu_pasid_tagged_write_uses_its_table)
{
	check_write(5, 0x800, 4096, 9, p5_mem, "pasid 0x5", "verified");
}

UNIT_TEST(dma_edu_pasid_untagged_write_uses_the_rid)
{
	check_write(NO_TAG, 0, 256, 3, rid_mem, "no pasid", NULL);
}

UNIT_TEST(dma_edu_pasid_tagged_read)
{
	struct dma_engine *e = open_fp();
	unsigned char buf[300];
	char ev[256];

	two_tables();
	memset(buf, 0xee, sizeof(buf));
	tag(e, 5);
	EXPECT_EQ(READ_ALL(e, 0x100010, buf, ev), 0);
	EXPECT(!memcmp(buf, p5_mem + 0x10, sizeof(buf)));
	dma_engine_close(e);
}

UNIT_TEST(dma_edu_pasid_blocked_write_is_not_an_error)
{
	/* PASID 6 has no table: the IOMMU blocks it. */
	check_write(6, 0, 64, 4, NULL, "bus error", NULL);
}

/*
 * A 64-byte write tagged with pasid (NO_TAG: untagged) at 0x100000 over
 * two_tables() that the engine fails with err, its evidence saying says;
 * closes e and returns how many transfers the fake ran.
 */
static unsigned check_write_fails(struct dma_engine *e, uint32_t pasid, int err,
				  const char *says)
{
	unsigned char buf[64];
	char ev[256];

	two_tables();
	edu_fake_fill(buf, sizeof(buf), 4);
	tag(e, pasid);
	EXPECT_EQ(WRITE_ALL(e, 0x100000, buf, ev), err);
	EXPECT(strstr(ev, says));
	dma_engine_close(e);
	return fk.hw.transfers;
}

UNIT_TEST(dma_edu_pasid_refused_is_an_engine_error)
{
	struct dma_engine *e = open_fp();

	fk.pasid_enabled = false;
	check_write_fails(e, 5, -EIO, "refused");
}

UNIT_TEST(dma_edu_pasid_payload_not_taken)
{
	struct dma_engine *e = open_fp();

	fk.hw.drop_buf_writes = true;
	/* Nothing ran with a wrong payload. */
	EXPECT_EQ(check_write_fails(e, NO_TAG, -EIO, "did not take"), 0);
}

UNIT_TEST(dma_edu_pasid_too_wide)
{
	EXPECT_EQ(check_write_fails(open_fp(), 1u << 20, -EINVAL,
				    "wider than 20 bits"),
		  0);
}

/* The reach probe's pages in the RID's table, or (drop) nowhere. */
static bool probe_drop;
static int fp_probe_map(void *arg, void *uva, size_t len, uint64_t iova)
{
	struct fp *f = arg;

	if (!probe_drop && f->nmap < 4)
		f->map[f->nmap++] = (struct fp_map){ NO_TAG, iova, uva, len };
	return 0;
}

UNIT_TEST(dma_edu_pasid_probe_reach)
{
	static const struct iova_range wide[] = {
		{ 0, 0xfedfffff }, { 0xfef00000, 0xffffffffffffull } };

	for (int drop = 0; drop < 2; drop++) {
		struct dma_engine *e = open_fp();
		struct dma_reach_env env = { fp_probe_map, wide, 2, &fk };
		uint64_t reach = 7;
		bool landed = !drop;
		char why[128] = "";

		probe_drop = drop;
		EXPECT_EQ(dma_engine_probe_reach(e, &env, &reach, &landed, why,
						 sizeof(why)),
			  0);
		/* Its dma_mask is all 64 bits: the top page is hit. A
		 * translation that never comes: it landed nowhere. */
		EXPECT_EQ(reach, drop ? 0 : 1ull << 48);
		EXPECT(landed == !drop);
		dma_engine_close(e);
	}
}
