// SPDX-License-Identifier: GPL-2.0
/*
 * Fixtures and the IOVA_RANGES helpers (fixture.h). Every set-up step is a
 * REQUIRE charged to the invariant the caller names: set-up that fails is
 * reported where it belongs, set-up that works proves nothing.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"

/* --- IOVA_RANGES ---------------------------------------------------------- */

int ranges_rc(struct tc *c, uint32_t ioas, struct ranges *out)
{
	unsigned n = T_MAX_RANGES;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = T_CALL(c->t, iova_ranges, ioas, out->r, &n, &out->align);
	out->truncated = n > T_MAX_RANGES;
	out->n = out->truncated ? T_MAX_RANGES : n;
	return ret;
}

void read_ranges(struct tc *c, const char *inv, uint32_t ioas,
		 struct ranges *out)
{
	REQUIRE(c, inv, ranges_rc(c, ioas, out));
}

bool same_ranges(const struct ranges *a, const struct ranges *b)
{
	return a->n == b->n && a->truncated == b->truncated &&
	       !memcmp(a->r, b->r, a->n * sizeof(a->r[0]));
}

bool ranges_touch(const struct ranges *r, uint64_t start, uint64_t last)
{
	for (unsigned i = 0; i < r->n; i++)
		if (start <= r->r[i].last && r->r[i].start <= last)
			return true;
	return false;
}

bool ranges_hold(const struct ranges *r, uint64_t start, uint64_t len)
{
	uint64_t last = start + len - 1;

	for (unsigned i = 0; i < r->n; i++)
		if (start >= r->r[i].start && last <= r->r[i].last &&
		    last >= start)
			return true;
	return false;
}

void log_ranges(struct tc *c, const char *what, const struct ranges *r)
{
	char line[768];
	size_t used = 0;

	line[0] = '\0';
	for (unsigned i = 0; i < r->n && used < sizeof(line); i++)
		used += snprintf(line + used, sizeof(line) - used,
				 "%s%llx-%llx", i ? ", " : "",
				 (unsigned long long)r->r[i].start,
				 (unsigned long long)r->r[i].last);
	tc_log(c, "%s: %u range(s)%s, alignment 0x%llx: %s", what, r->n,
	       r->truncated ? " (more not held)" : "",
	       (unsigned long long)r->align, r->n ? line : "(none)");
}

bool expect_ranges_unchanged(struct tc *c, const char *inv, uint32_t ioas,
			     const struct ranges *before, bool with_align,
			     const char *what)
{
	const struct iova_range none = { 0, 0 };
	const struct iova_range *was = before->n ? &before->r[0] : &none;
	struct ranges now;
	bool same;

	read_ranges(c, inv, ioas, &now);
	same = same_ranges(&now, before) &&
	       (!with_align || now.align == before->align);
	if (!same) {
		log_ranges(c, "before", before);
		log_ranges(c, "after", &now);
	}
	return tc_check(c, inv, same,
			"%s: IOVA_RANGES of IOAS %u changed: %u ranges (was %u), first 0x%llx-0x%llx (was 0x%llx-0x%llx), alignment 0x%llx (was 0x%llx)",
			what, ioas, now.n, before->n,
			now.n ? (unsigned long long)now.r[0].start : 0ull,
			now.n ? (unsigned long long)now.r[0].last : 0ull,
			(unsigned long long)was->start,
			(unsigned long long)was->last,
			(unsigned long long)now.align,
			(unsigned long long)before->align);
}

static void expect_one_outside(struct tc *c, const char *inv, unsigned dev,
			       const struct ranges *r, const char *what,
			       const struct iova_range *resv, const char *kind)
{
	tc_check(c, inv, !ranges_touch(r, resv->start, resv->last),
		 "%s: reserved region 0x%llx-0x%llx of dev %u (%s; %s) is inside a reported range",
		 what, (unsigned long long)resv->start,
		 (unsigned long long)resv->last, dev, c->caps->dev[dev].name,
		 kind);
}

unsigned expect_resv_outside(struct tc *c, const char *inv, unsigned dev,
			     const struct ranges *r, const char *what)
{
	const struct dev_caps *dc = &c->caps->dev[dev];

	/* The contract's regions are the claim; the driver's own report
	 * (sysfs) only shows iommufd applied what the driver said. */
	for (unsigned i = 0; i < dc->nresv_required; i++)
		expect_one_outside(c, inv, dev, r, what, &dc->resv_required[i],
				   dc->resv_required_why[i] ?
					   dc->resv_required_why[i] :
					   "required by the contract");
	for (unsigned i = 0; i < dc->nresv; i++)
		expect_one_outside(c, inv, dev, r, what, &dc->resv[i],
				   "reported by the driver");
	return dc->nresv_required + dc->nresv;
}

/* --- the ops: require forms that skip ----------------------------------- */

uint32_t need_failing_pasid(struct tc *c, const char *inv, unsigned dev)
{
	uint32_t fp = 0;
	int ret = T_CALL(c->t, pasid_replace_fault, dev, &fp);

	if (ret == -T_UNSUPPORTED)
		tc_skip(c,
			"target cannot make the driver fail a PASID replace");
	REQUIRE(c, inv, ret);
	return fp;
}

/* --- what refused calls left behind --------------------------------------- */

bool expect_mapped_bytes(struct tc *c, const char *inv, uint32_t ioas,
			 uint64_t want, const char *what)
{
	uint64_t n = UINT64_MAX; /* no count written is no count */

	REQUIRE(c, inv, unmap_all_rc(c, ioas, &n));
	return tc_check(c, inv, n == want,
			"%s: unmap-all found 0x%llx bytes mapped, expected 0x%llx",
			what, (unsigned long long)n, (unsigned long long)want);
}

/* --- IOVA choice ---------------------------------------------------------- */

uint64_t fresh_ioas_iova(struct tc *c, const char *inv, unsigned slot)
{
	uint32_t ioas = new_ioas(c, inv, 0);
	uint64_t iova = tc_pick_iova(c, ioas, PG, PG, slot);

	/* A scratch object: whether it goes is not this case's business. */
	T_CALL(c->t, destroy, ioas);
	return iova;
}

/* --- fixtures ------------------------------------------------------------- */

static void attached_map(struct tc *c, const char *inv, struct attached *f,
			 const struct attached_opts *o)
{
	f->iova = tc_pick_iova(c, f->ioas, o->len, PG, 0);
	map_fixed(c, inv, f->ioas, f->mem, o->len, f->iova,
		  o->prot ? o->prot : RW);
}

void small_pages(struct tc *c, const char *inv, uint32_t ioas)
{
	uint64_t off = 0;

	REQUIRE(c, inv, T_CALL(c->t, ioas_option_huge_pages, ioas, true, &off));
}

void attached_setup(struct tc *c, const char *inv, struct attached *f,
		    unsigned dev, const struct attached_opts *opts)
{
	static const struct attached_opts nothing_mapped;
	const struct attached_opts *o = opts ? opts : &nothing_mapped;
	uint32_t out;

	memset(f, 0, sizeof(*f));
	f->dev = dev;
	f->dma = dev_has_dma(c, dev);
	f->len = o->len;
	if (o->len)
		f->mem = tc_alloc(c, o->len);
	bind_dev(c, inv, dev, 0);
	f->ioas = new_ioas(c, inv, 0);
	if (o->small_pages)
		small_pages(c, inv, f->ioas);
	if (o->len && o->map_first)
		attached_map(c, inv, f, o);
	if (o->manual_hwpt)
		f->pt = new_hwpt(c, inv, dev, f->ioas, o->hwpt_flags);
	out = attach_rid(c, inv, dev, o->manual_hwpt ? f->pt : f->ioas);
	/* A manual HWPT is known; the auto one is what ATTACH wrote back. */
	if (!o->manual_hwpt)
		f->pt = out;
	if (o->len && !o->map_first)
		attached_map(c, inv, f, o);
	if (o->len && o->warm && f->dma)
		tc_dma_write(c, "DMA-1", dev, T_NO_PASID, f->iova, f->mem,
			     DMA_LEN, true);
}

uint32_t mapped_ioas(struct tc *c, const char *inv, void *mem, uint64_t *iova)
{
	uint32_t ioas = new_ioas(c, inv, 0);

	*iova = tc_pick_iova(c, ioas, PG, PG, 0);
	map_fixed(c, inv, ioas, mem, PG, *iova, RW);
	return ioas;
}

void keep_old_setup(struct tc *c, const char *inv, struct keep_old *k,
		    unsigned dev)
{
	attached_setup(c, inv, &k->f, dev,
		       &(struct attached_opts){ .len = PG, .warm = true });
	k->inv = inv;
	read_ranges(c, inv, k->f.ioas, &k->r);
}

void expect_old_kept(struct tc *c, const struct keep_old *k, bool with_dma)
{
	expect_ranges_unchanged(c, k->inv, k->f.ioas, &k->r, false,
				"a failed replace (the old IOAS)");
	if (with_dma && k->f.dma)
		tc_dma_write(c, k->inv, k->f.dev, T_NO_PASID, k->f.iova,
			     k->f.mem, DMA_LEN, true);
	CHECK_RET(c, k->inv, T_CALL(c->t, destroy, k->f.ioas), EBUSY);
}

void expect_replace_refused(struct tc *c, const char *refusal_inv,
			    const struct keep_old *k, uint32_t iob, int err)
{
	struct ranges rb;

	read_ranges(c, k->inv, iob, &rb);
	if (!CHECK_RET(c, refusal_inv,
		       T_CALL(c->t, attach, k->f.dev, T_NO_PASID, iob, NULL),
		       err))
		tc_end(c);
	expect_old_kept(c, k, true);
	expect_ranges_unchanged(c, k->inv, iob, &rb, false,
				"a failed replace (the target IOAS)");
}

void bare_ioas_setup(struct tc *c, const char *inv, struct bare_ioas *b,
		     unsigned bufpages, unsigned iovapages)
{
	const uint64_t p = tc_page_size();

	b->ioas = new_ioas(c, inv, 0);
	b->buf = tc_alloc(c, bufpages * p);
	b->iova = tc_pick_iova(c, b->ioas, iovapages * p, 0, 0);
}

void mapped_hwpt_setup(struct tc *c, const char *inv, struct mapped_hwpt *s,
		       unsigned dev, uint32_t flags, uint64_t iova)
{
	s->ioas = new_ioas(c, inv, 0);
	s->mem = tc_alloc(c, PG);
	map_fixed(c, inv, s->ioas, s->mem, PG, iova, RW);
	s->hwpt = new_hwpt(c, inv, dev, s->ioas, flags);
}

void need_pasid_attach(struct tc *c, const char *inv, unsigned dev)
{
	uint32_t ioas = new_ioas(c, inv, 0), h = 0;
	int ret;

	ret = T_CALL(c->t, hwpt_alloc, dev, ioas, T_HWPT_PASID, 0, NULL, 0, &h);
	if (ret == -EOPNOTSUPP)
		tc_skip(c, "the driver cannot allocate PASID-capable HWPTs (EOPNOTSUPP)");
	REQUIRE(c, inv, ret);
	ret = T_CALL(c->t, attach, dev, 1, h, NULL);
	if (ret == -EOPNOTSUPP) {
		tc_gap(c, "PASID-10", "the driver's paging domains take no PASID");
		tc_skip(c, "the driver's paging domains take no PASID (EOPNOTSUPP: allowed difference, PASID-10)");
	}
	/* A fresh ALLOC_PASID HWPT, RID unattached, PASID 1 of a PASID
	 * device: the driver takes it or says EOPNOTSUPP (PASID-10). */
	if (ret && ret != -T_UNSUPPORTED) {
		tc_check(c, "PASID-10", false,
			 "probe PASID attach returned %s: a driver takes a fresh PASID HWPT or answers EOPNOTSUPP",
			 errno_name(ret));
		tc_end(c);
	}
	REQUIRE(c, inv, ret);
	detach_pasid(c, inv, dev, 1);
	destroy_obj(c, inv, h);
	destroy_obj(c, inv, ioas);
}

void pasid_dev_setup(struct tc *c, const char *inv, struct pasid_dev *f,
		     unsigned how)
{
	bool need_dma = how & PASID_DEV_NEED_DMA;
	int with_dma = -1;

	for (unsigned i = 0; i < c->caps->ndev && !(how & PASID_DEV_FIRST);
	     i++)
		if (c->caps->dev[i].max_pasid_log2 && dev_has_dma(c, i)) {
			with_dma = (int)i;
			break;
		}
	f->dev = with_dma >= 0 ? (unsigned)with_dma :
				 need_pasid_dev(c, need_dma);
	f->dma = dev_has_dma(c, f->dev);
	f->p1 = 1;
	f->p2 = 2;
	if (c->caps->dev[f->dev].max_pasid_log2 < 2)
		tc_skip(c, "device has a 1-bit PASID space only");
	f->iova = fresh_ioas_iova(c, inv, 0);
	bind_dev(c, inv, f->dev, 0);
	need_pasid_attach(c, inv, f->dev);
	mapped_hwpt_setup(c, inv, &f->rid, f->dev, T_HWPT_PASID, f->iova);
	mapped_hwpt_setup(c, inv, &f->pasid, f->dev, T_HWPT_PASID, f->iova);
	mapped_hwpt_setup(c, inv, &f->pasid2, f->dev, T_HWPT_PASID, f->iova);
	mapped_hwpt_setup(c, inv, &f->plain, f->dev, 0, f->iova);
	if (how & PASID_DEV_ATTACHED) {
		attach_rid(c, inv, f->dev, f->rid.hwpt);
		attach_pasid(c, inv, f->dev, f->p1, f->pasid.hwpt);
	}
}

void group_pair_setup(struct tc *c, const char *inv, struct group_pair *g,
		      unsigned attach)
{
	memset(g, 0, sizeof(*g));
	if (!dev_pair_same_group(c, &g->a, &g->b))
		tc_skip(c, "no two devices share an iommu group");
	/* Let b be the one with DMA when only one has it. */
	if (!dev_has_dma(c, g->b) && dev_has_dma(c, g->a)) {
		unsigned t = g->a;

		g->a = g->b;
		g->b = t;
	}
	g->mem = tc_alloc(c, PG);
	bind_dev(c, inv, g->a, 0);
	bind_dev(c, inv, g->b, 0);
	g->ioas = new_ioas(c, inv, 0);
	if (attach & GROUP_ATTACH_A)
		g->pt = attach_rid(c, inv, g->a, g->ioas);
	if (attach & GROUP_ATTACH_B) {
		uint32_t pt = attach_rid(c, inv, g->b, g->ioas);

		g->pt = g->pt ? g->pt : pt;
	}
	g->iova = tc_pick_iova(c, g->ioas, PG, PG, 0);
	map_fixed(c, inv, g->ioas, g->mem, PG, g->iova, RW);
}

/* --- DMA probes ----------------------------------------------------------- */

bool dma_probes(struct tc *c, const char *inv, unsigned dev, uint32_t pasid,
		const struct dma_probe *p, unsigned n, bool expect_land)
{
	bool ok = true;

	for (unsigned i = 0; i < n; i++)
		ok &= p[i].write ?
		      tc_dma_write(c, inv, dev, pasid, p[i].iova, p[i].mem,
				   DMA_LEN, expect_land) :
		      tc_dma_read(c, inv, dev, pasid, p[i].iova, p[i].mem,
				  DMA_LEN, expect_land);
	return ok;
}

/* --- identity ------------------------------------------------------------ */

/*
 * The IOVA at which an identity (pass-through) domain would let the device
 * reach mem: its physical address on a real machine (from pagemap, root
 * only), its user address on a modelled one. 0 when unknown.
 */
static uint64_t identity_iova(struct tc *c, void *mem)
{
	uint64_t ent = 0;
	long ps = sysconf(_SC_PAGESIZE);
	int fd;

	if (c->caps->dma == DMA_MODELLED)
		return (uint64_t)(uintptr_t)mem;
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return 0;
	if (pread(fd, &ent, sizeof(ent),
		  (off_t)((uintptr_t)mem / (uintptr_t)ps * sizeof(ent))) !=
	    (ssize_t)sizeof(ent))
		ent = 0;
	close(fd);
	/* Bit 63: present; bits 0-54: PFN (zero without CAP_SYS_ADMIN). */
	if (!(ent >> 63) || !(ent & ((1ull << 55) - 1)))
		return 0;
	return (ent & ((1ull << 55) - 1)) * (uint64_t)ps +
	       (uintptr_t)mem % (uintptr_t)ps;
}

void expect_not_identity(struct tc *c, const char *inv, unsigned dev,
			 void *mem)
{
	uint64_t phys = identity_iova(c, mem);

	if (!phys) {
		tc_not_observable(c, inv, "identity probe: the buffer's physical address is unknown (pagemap needs CAP_SYS_ADMIN)");
		return;
	}
	if (c->caps->dma_iova_limit &&
	    phys + DMA_LEN > c->caps->dma_iova_limit) {
		tc_not_observable(c, inv, "identity probe: physical address 0x%llx is beyond the engine's reach",
				  (unsigned long long)phys);
		return;
	}
	/* A read: an identity domain must not let a probe scribble on RAM. */
	tc_dma_read(c, inv, dev, T_NO_PASID, phys, mem, DMA_LEN, false);
}

void check_destroyed(struct tc *c, const char *inv, const uint32_t *ids,
		     unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		tc_log(c, "DESTROY %u (%u of %u)", ids[i], i + 1, n);
		CHECK_OK(c, inv, T_CALL(c->t, destroy, ids[i]));
	}
}
