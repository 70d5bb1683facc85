// SPDX-License-Identifier: GPL-2.0
/*
 * Engine controls on real code (issue 11): the DMA scenarios run on a
 * target whose DMA is the real edu engine (src/dma/edu.c) driving a
 * software edu (edu_fake.c), judged by the kernel target's own verdict
 * (kt_dma_verdict, src/targets/kernel_dma.c). Underneath, the reference
 * model is the IOMMU: the fake device's transfers translate through the
 * model's page tables (model_dma). As on the kernel target, each device
 * has a bounce page in a window that every IOAS holds, so it translates
 * exactly while the device's RID is on an IOAS (model_rid_on_paging), or
 * while a translation is lent to it for a read-back.
 *
 * Four engines: one that works (DMA invariants pass, none fails), one that
 * reports every transfer done and moves nothing, one that never completes
 * (no DMA invariant may PASS with either), and one that lands everything,
 * whatever the IOMMU says (every check of a blocked DMA fails). Then the
 * -ENOLINK rule: a read-back the engine could not do while the RID is on
 * an IOAS holding the window is a translation failure (-EIO), a device
 * without translation a limit (-T_UNSUPPORTED).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/dma/dma.h"
#include "../../src/model/model.h"
#include "../../src/run/run.h"
#include "../../src/targets/kernel_int.h"
#include "edu_fake.h"
#include "unit.h"

/* The bounce window where the kernel target would put it for edu's 28-bit
 * reach: 4 MiB and a 64 KiB window below the top (kernel_discover.c). */
#define WIN ((1ull << 28) - (4ull << 20) - 0x10000)
#define SLOT 4096u
#define EDU_BUF 0x40000ull
#define MAX_HIST 512

enum ec_kind { EC_WORKS, EC_NEVER_MOVES, EC_LANDS_ALL, EC_TIMES_OUT };

struct ec_dev {
	struct edu_fake hw; /* first: the registers' arg is the device */
	unsigned idx;
	bool lent; /* a translation lent for a read-back (bounce_get_late) */
	struct dma_engine *eng;
};

/* One target per process (each case runs in its own child). */
static struct {
	enum ec_kind kind;
	bool window_broken; /* the driver does not translate the window */
	bool no_lend;	    /* no translation to lend for a read-back */
	struct target *t;   /* the model target, ops replaced */
	const struct target_ops *inner;
	struct target_ops ops;
	struct ec_dev dev[T_MAX_DEVS];
	unsigned char win[T_MAX_DEVS][SLOT];
	/* Every mapping ever made: what an engine that ignores the IOMMU
	 * reaches. */
	struct {
		uint64_t iova, len;
		unsigned char *uva;
	} hist[MAX_HIST];
	unsigned nhist;
} ec;

static struct model *ec_model(void)
{
	return ec.t->priv;
}

static unsigned char *ever_mapped(uint64_t iova, size_t len)
{
	for (unsigned i = ec.nhist; i--;)
		if (iova >= ec.hist[i].iova &&
		    iova + len <= ec.hist[i].iova + ec.hist[i].len)
			return ec.hist[i].uva + (iova - ec.hist[i].iova);
	return NULL;
}

/* The device's transfer: its window page (when it has a translation), else
 * memory through the model's IOMMU. A fault drops a write, reads as 0. */
static void ec_run(struct edu_fake *hw)
{
	struct ec_dev *d = (struct ec_dev *)hw;
	bool to_ram = hw->cmd & 2;
	uint64_t at = to_ram ? hw->dst : hw->src;
	unsigned char *dbuf =
		hw->dbuf + ((to_ram ? hw->src : hw->dst) - EDU_BUF);
	size_t n = hw->cnt;
	unsigned char *p = NULL;
	bool lands_all = ec.kind == EC_LANDS_ALL;

	if (ec.kind == EC_NEVER_MOVES) {
		edu_fake_done(hw);
		return;
	}
	if (at >= WIN && at + n <= WIN + T_MAX_DEVS * (uint64_t)SLOT) {
		if (lands_all ||
		    ((d->lent || model_rid_on_paging(ec_model(), d->idx)) &&
		     !ec.window_broken))
			p = &ec.win[0][0] + (at - WIN);
	} else if (lands_all) {
		p = ever_mapped(at, n);
	}
	if (p) {
		if (to_ram)
			memcpy(p, dbuf, n);
		else
			memcpy(dbuf, p, n);
	} else if (at < WIN || at >= WIN + T_MAX_DEVS * (uint64_t)SLOT) {
		unsigned char tmp[SLOT] = {0};

		if (to_ram)
			memcpy(tmp, dbuf, n);
		model_dma(ec_model(), d->idx, T_NO_PASID,
			  to_ram ? DMA_TO_MEMORY : DMA_FROM_MEMORY, at, tmp, n,
			  NULL, 0);
		if (!to_ram)
			memcpy(dbuf, tmp, n);
	} else if (!to_ram) {
		memset(dbuf, 0, n);
	}
	edu_fake_done(hw);
}

/* As the kernel target's bounce_get: the window page while the RID is on
 * an IOAS, -ENOLINK otherwise. Maps nothing. */
static int ec_bounce_get(void *arg, size_t len, void **uva, uint64_t *iova,
			 char *why, size_t why_len)
{
	struct ec_dev *d = arg;

	if (!model_rid_on_paging(ec_model(), d->idx)) {
		snprintf(why, why_len, "device not attached: no translation");
		return -ENOLINK;
	}
	if (len > SLOT) {
		snprintf(why, why_len, "bounce page too short");
		return -ENOLINK;
	}
	*uva = ec.win[d->idx];
	*iova = WIN + d->idx * (uint64_t)SLOT;
	return 0;
}

/* As bounce_get_late: after the transfer under test, a device without
 * translation borrows one for the read-back (the kernel target attaches it
 * to a private IOAS holding the window), until ec_bounce_put. */
static int ec_bounce_get_late(void *arg, size_t len, void **uva, uint64_t *iova,
			      char *why, size_t why_len)
{
	struct ec_dev *d = arg;
	int ret = ec_bounce_get(arg, len, uva, iova, why, why_len);

	if (ret != -ENOLINK || len > SLOT || ec.no_lend)
		return ret;
	d->lent = true;
	*uva = ec.win[d->idx];
	*iova = WIN + d->idx * (uint64_t)SLOT;
	return 0;
}

static void ec_bounce_put(void *arg)
{
	((struct ec_dev *)arg)->lent = false;
}

static int ec_engine(struct ec_dev *d, char *ev, size_t evlen)
{
	struct dma_bounce b = {ec_bounce_get, ec_bounce_get_late, ec_bounce_put,
			       d};
	struct dma_dev_io io;
	int ret;

	if (d->eng)
		return 0;
	d->hw = (struct edu_fake){.ids = {0x1234, 0x11e8},
				  .stuck = ec.kind == EC_TIMES_OUT,
				  .run = ec_run};
	edu_fake_io(&d->hw, &io);
	ret = dma_engine_open(dma_engine_driver_find("edu"), &io, "edu fake",
			      &b, DMA_WAIT_POLL, 0, &d->eng, ev, evlen);
	if (!ret)
		d->eng->timeout_ms = 5;
	return ret;
}

/* kt_dma without the VFIO device: the engine's transfer, then the kernel
 * target's verdict on it. edu tags no PASID. */
static int ec_dma(struct target *t, unsigned dev, uint32_t pasid,
		  enum dma_dir dir, uint64_t iova, void *buf, size_t len,
		  char *ev, size_t evlen)
{
	char why[160];
	struct ec_dev *d;
	int ret;

	if (!ev || !evlen) {
		ev = why;
		evlen = sizeof(why);
	}
	ev[0] = '\0';
	if (dev >= t->caps.ndev || pasid != T_NO_PASID)
		return -T_UNSUPPORTED;
	d = &ec.dev[dev];
	ret = ec_engine(d, ev, evlen);
	if (ret)
		return ret;
	if (dir == DMA_TO_MEMORY)
		ret = dma_engine_write(d->eng, iova, buf, len, ev, evlen);
	else
		ret = dma_engine_read(d->eng, iova, buf, len, ev, evlen);
	return kt_dma_verdict(ret, model_rid_on_paging(ec_model(), dev), ev,
			      evlen);
}

static int ec_map(struct target *t, uint32_t ioas, uint32_t flags, void *uva,
		  uint64_t len, uint64_t *iova)
{
	int ret = ec.inner->ioas_map(t, ioas, flags, uva, len, iova);

	if (!ret && ec.nhist < MAX_HIST)
		ec.hist[ec.nhist++] = (typeof(ec.hist[0])){*iova, len, uva};
	return ret;
}

static void ec_close(struct target *t)
{
	for (unsigned i = 0; i < T_MAX_DEVS; i++)
		if (ec.dev[i].eng)
			dma_engine_close(ec.dev[i].eng);
	ec.inner->close(t);
}

static struct target *ec_open(const struct target_config *cfg, char *why,
			      size_t why_len, bool *skip)
{
	const struct dma_engine_driver *edu = dma_engine_driver_find("edu");
	struct target_config mc = {.profile = "default"};
	struct target *t = model_target_open(&mc, why, why_len, skip);

	(void)cfg;
	if (!t || !edu)
		return NULL;
	memset(ec.dev, 0, sizeof(ec.dev));
	ec.nhist = 0;
	ec.t = t;
	ec.inner = t->ops;
	ec.ops = *t->ops;
	ec.ops.name = "engine-control";
	ec.ops.dma = ec_dma;
	ec.ops.ioas_map = ec_map;
	ec.ops.close = ec_close;
	t->ops = &ec.ops;
	for (unsigned i = 0; i < t->caps.ndev; i++) {
		ec.dev[i].idx = i;
		snprintf(t->caps.dev[i].dma_engine,
			 sizeof(t->caps.dev[i].dma_engine), "edu");
	}
	t->caps.dma = DMA_REAL;
	t->caps.dma_max_len = edu->limits.max_len;
	t->caps.dma_iova_limit = edu->limits.iova_limit;
	t->caps.dma_window =
		(struct iova_range){WIN, WIN + T_MAX_DEVS * (uint64_t)SLOT - 1};
	return t;
}

/* The invariants that rest on DMA evidence (tests/engine-controls.sh). */
static bool dma_invariant(const char *id)
{
	static const char *const fam[] = {"DMA-", "GROUP-"};
	static const char *const one[] = {"OWN-4",     "OWN-5",	   "OBJ-10",
					  "ATTACH-5",  "ATTACH-6", "ATTACH-11",
					  "ATTACH-12", "SEED-A",   "SEED-C"};

	for (unsigned i = 0; i < sizeof(fam) / sizeof(fam[0]); i++)
		if (!strncmp(id, fam[i], strlen(fam[i])))
			return strcmp(id, "GROUP-1") != 0;
	for (unsigned i = 0; i < sizeof(one) / sizeof(one[0]); i++)
		if (!strcmp(id, one[i]))
			return true;
	return false;
}

/* The DMA scenarios, run with engine kind k; the roll-up in r. */
static void run_dma_cases(enum ec_kind k, struct run_result *r)
{
	struct run_options o = {.open = ec_open, .timeout_sec = 20};
	const struct scenario *const *all;
	const struct scenario **list;
	unsigned n, nsel = 0;
	char why[160];
	bool skip;

	ec.kind = k;
	ec.window_broken = ec.no_lend = false;
	memset(r, 0, sizeof(*r));
	all = scenario_all(&n);
	list = calloc(n, sizeof(*list));
	for (unsigned i = 0; list && i < n; i++)
		if (all[i]->requires & REQ_DMA)
			list[nsel++] = all[i];
	EXPECT(nsel > 10);
	EXPECT_EQ(run_discover(&o, r, why, sizeof(why), &skip), 0);
	EXPECT_EQ(run_cases(&o, list, nsel, r, why, sizeof(why)), 0);
	run_options_release(&o);
	free(list);
	if (getenv("EC_DEBUG"))
		for (unsigned i = 0; i < r->ncases; i++) {
			const struct case_result *c = &r->cases[i];

			fprintf(stderr, "%d %s %s %s\n", k, c->id,
				outcome_name(c->outcome),
				c->reason ? c->reason : "");
			for (unsigned j = 0;
			     c->outcome == OUT_FAIL && j < c->nlog; j++)
				fprintf(stderr, "    %s\n", c->log[j]);
		}
}

static enum outcome rolled_up(const struct run_result *r, const char *id)
{
	for (unsigned i = 0; i < r->nrollup; i++)
		if (!strcmp(r->rollup[i].id, id))
			return r->rollup[i].outcome;
	return OUT_SKIP;
}

static bool declares_dma_invariant(const char *invs)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", invs ? invs : "");
	for (char *id = strtok_r(buf, ",", &save); id;
	     id = strtok_r(NULL, ",", &save))
		if (dma_invariant(id))
			return true;
	return false;
}

/* No DMA invariant rolls up PASS, and no case that declares one passes;
 * returns how many DMA invariants failed. */
static unsigned no_dma_pass(const struct run_result *r, const char *what)
{
	unsigned nfail = 0;

	for (unsigned i = 0; i < r->ncases; i++)
		if (r->cases[i].outcome == OUT_PASS &&
		    declares_dma_invariant(r->cases[i].invariants))
			unit_fail(__FILE__, __LINE__, "%s: case %s passed",
				  what, r->cases[i].id);

	for (unsigned i = 0; i < r->nrollup; i++) {
		if (!dma_invariant(r->rollup[i].id))
			continue;
		if (r->rollup[i].outcome == OUT_PASS)
			unit_fail(__FILE__, __LINE__, "%s: %s rolled up PASS",
				  what, r->rollup[i].id);
		nfail += outcome_failed(r->rollup[i].outcome);
	}
	return nfail;
}

UNIT_TEST(engine_control_works)
{
	static const char *const must_pass[] = {"DMA-1", "DMA-2",    "DMA-4",
						"DMA-5", "ATTACH-6", "GROUP-4"};
	struct run_result r;

	run_dma_cases(EC_WORKS, &r);
	EXPECT(r.ncases > 10 && r.npass > 10);
	for (unsigned i = 0; i < r.nrollup; i++)
		if (outcome_failed(r.rollup[i].outcome))
			unit_fail(__FILE__, __LINE__,
				  "working engine: %s fails", r.rollup[i].id);
	for (unsigned i = 0; i < sizeof(must_pass) / sizeof(must_pass[0]); i++)
		if (rolled_up(&r, must_pass[i]) != OUT_PASS)
			unit_fail(__FILE__, __LINE__,
				  "working engine: %s is %s, not PASS",
				  must_pass[i],
				  outcome_name(rolled_up(&r, must_pass[i])));
	run_result_free(&r);
}

UNIT_TEST(engine_control_never_moves)
{
	struct run_result r;

	run_dma_cases(EC_NEVER_MOVES, &r);
	EXPECT(no_dma_pass(&r, "never-moving engine") > 0);
	run_result_free(&r);
}

UNIT_TEST(engine_control_times_out)
{
	struct run_result r;

	run_dma_cases(EC_TIMES_OUT, &r);
	EXPECT(no_dma_pass(&r, "engine that times out") > 0);
	run_result_free(&r);
}

UNIT_TEST(engine_control_lands_all)
{
	static const char *const blocked[] = {"DMA-4",	 "DMA-5", "ATTACH-6",
					      "GROUP-4", "OWN-4", "OWN-5"};
	struct run_result r;

	run_dma_cases(EC_LANDS_ALL, &r);
	for (unsigned i = 0; i < sizeof(blocked) / sizeof(blocked[0]); i++)
		if (!outcome_failed(rolled_up(&r, blocked[i])))
			unit_fail(__FILE__, __LINE__,
				  "engine that lands everything: %s is %s, not "
				  "FAIL",
				  blocked[i],
				  outcome_name(rolled_up(&r, blocked[i])));
	run_result_free(&r);
}

/* One transfer on a fresh target, the device attached to a mapped IOAS
 * (or not): what ec_dma, the kernel target's verdict included, answers. */
static int one_read(bool attach, bool window_broken, bool lend, char *ev,
		    size_t evlen)
{
	struct target_config cfg = {0};
	unsigned char page[SLOT] __attribute__((aligned(4096))) = {0};
	unsigned char got[64];
	char why[160];
	uint32_t ioas;
	uint64_t iova = 0x100000;
	struct target *t;
	bool skip;
	int ret;

	ec.kind = EC_WORKS;
	t = ec_open(&cfg, why, sizeof(why), &skip);
	if (!t)
		return -ENODEV;
	ec.window_broken = window_broken;
	ec.no_lend = !lend;
	EXPECT_EQ(t->ops->bind(t, 0, 0), 0);
	EXPECT_EQ(t->ops->ioas_alloc(t, 0, &ioas), 0);
	EXPECT_EQ(t->ops->ioas_map(t, ioas,
				   T_MAP_FIXED_IOVA | T_MAP_READABLE |
					   T_MAP_WRITEABLE,
				   page, sizeof(page), &iova),
		  0);
	if (attach)
		EXPECT_EQ(t->ops->attach(t, 0, T_NO_PASID, ioas, NULL), 0);
	ret = t->ops->dma(t, 0, T_NO_PASID, DMA_FROM_MEMORY, iova, got,
			  sizeof(got), ev, evlen);
	t->ops->close(t);
	ec.window_broken = ec.no_lend = false;
	return ret;
}

UNIT_TEST(engine_control_enolink_rule)
{
	char ev[512];

	/* Attached, window translates: a clean read. */
	EXPECT_EQ(one_read(true, false, true, ev, sizeof(ev)), 0);
	/* Attached to an IOAS holding the window, which does not translate:
	 * the engine cannot read back (-ENOLINK), a translation failure,
	 * also when a translation could be lent (it is not asked for). */
	EXPECT_EQ(one_read(true, true, false, ev, sizeof(ev)), -EIO);
	EXPECT(strstr(ev, "did not translate") != NULL);
	EXPECT_EQ(one_read(true, true, true, ev, sizeof(ev)), -EIO);
	/* Not attached, a translation lent for the read-back: the blocked
	 * read is read back (the caller judges what it saw). */
	EXPECT_EQ(one_read(false, false, true, ev, sizeof(ev)), 0);
	/* Not attached, nothing to read back through: a limit. */
	EXPECT_EQ(one_read(false, false, false, ev, sizeof(ev)),
		  -T_UNSUPPORTED);
	/* The verdict alone. */
	ev[0] = '\0';
	EXPECT_EQ(kt_dma_verdict(-ENOLINK, true, ev, sizeof(ev)), -EIO);
	EXPECT_EQ(kt_dma_verdict(-ENOLINK, false, ev, sizeof(ev)),
		  -T_UNSUPPORTED);
	EXPECT_EQ(kt_dma_verdict(-EOPNOTSUPP, true, ev, sizeof(ev)),
		  -T_UNSUPPORTED);
	EXPECT_EQ(kt_dma_verdict(-ETIMEDOUT, true, ev, sizeof(ev)), -ETIMEDOUT);
	EXPECT_EQ(kt_dma_verdict(0, true, ev, sizeof(ev)), 0);
}
