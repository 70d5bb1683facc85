// SPDX-License-Identifier: GPL-2.0
/*
 * The ground every scenario stands on (fixture.h): memory, fill patterns,
 * device roles, IOVA choice and the DMA oracle. A case runs in its own
 * forked child, so memory handed out here is released when the child exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/iommufd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fixture.h"

#define HUGE_2M (2ul << 20)
/* Where tc_pick_iova starts looking: low, but not at IOVA 0. */
#define IOVA_BASE 0x100000ull

void option_cmd(struct iommu_option *o, uint32_t option_id, uint16_t op,
		uint32_t object_id)
{
	memset(o, 0, sizeof(*o));
	o->size = sizeof(*o);
	o->option_id = option_id;
	o->op = op;
	o->object_id = object_id;
}

size_t tc_page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? (size_t)ps : 4096;
}

static size_t round_up_sz(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

static uint64_t round_up64(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/*
 * Every buffer a case allocated: a DMA judged "blocked" must not have
 * landed in any of them (a write through the wrong translation lands in
 * another buffer of the case, which mem alone would not show). A case is
 * one child process, so these statics are per case.
 */
#define MAX_CASE_BUFS 64
static struct {
	void *p;
	size_t len;
} case_bufs[MAX_CASE_BUFS];
static unsigned ncase_bufs;

static void *case_buf(void *p, size_t len)
{
	if (ncase_bufs < MAX_CASE_BUFS)
		case_bufs[ncase_bufs++] = (typeof(case_bufs[0])){ p, len };
	return p;
}

void *tc_alloc(struct tc *c, size_t len)
{
	size_t sz = round_up_sz(len ? len : 1, tc_page_size());
	void *p = mmap(NULL, sz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED)
		tc_skip(c, "cannot allocate %zu bytes of memory", sz);
	/* Touch every page for writing so no page is the shared zero page. */
	for (size_t off = 0; off < sz; off += tc_page_size())
		((volatile char *)p)[off] = 0;
	return case_buf(p, sz);
}

void *tc_unpinnable_page(struct tc *c)
{
	size_t p = tc_page_size();
	void *hole;

	if (!c->caps->pins_user_memory)
		return NULL;
	hole = mmap(NULL, p, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hole == MAP_FAILED)
		tc_skip(c, "mmap failed");
	munmap(hole, p);
	return hole;
}

/* kB of anonymous huge pages backing the VMA that holds addr (smaps). */
static unsigned long thp_kb(const void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	unsigned long lo, hi, kb = 0;
	bool in = false;
	char line[256];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			in = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %lu kB", &kb) == 1)
			break;
	}
	fclose(f);
	return in ? kb : 0;
}

void *tc_alloc_huge(struct tc *c, size_t len)
{
	size_t sz = round_up_sz(len ? len : 1, HUGE_2M);
	char *p = mmap(NULL, sz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	char *raw, *al;

	if (p != MAP_FAILED) {
		/* Fault the huge pages in now: a missing one would SIGBUS
		 * here rather than fail the kernel's pin later. */
		if (!mlock(p, sz)) {
			munlock(p, sz);
			memset(p, 0, sz);
			tc_log(c, "huge memory: hugetlbfs, %zu bytes", sz);
			return case_buf(p, sz);
		}
		munmap(p, sz);
	}
	/* No hugetlbfs pages: try transparent huge pages on an aligned,
	 * advised region, and keep it only if the kernel really used them. */
	raw = mmap(NULL, sz + HUGE_2M, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	al = (char *)(((uintptr_t)raw + HUGE_2M - 1) & ~(uintptr_t)(HUGE_2M - 1));
	if (madvise(al, sz, MADV_HUGEPAGE)) {
		munmap(raw, sz + HUGE_2M);
		return NULL;
	}
	memset(al, 0, sz);
	if (thp_kb(al) * 1024 < sz) {
		munmap(raw, sz + HUGE_2M);
		return NULL;
	}
	tc_log(c, "huge memory: transparent huge pages, %zu bytes", sz);
	return case_buf(al, sz);
}

/* --- patterns ------------------------------------------------------------ */

uint32_t tc_new_seed(struct tc *c)
{
	uint32_t s;

	c->pattern_seq++;
	/* Mix the sequence so neighbouring seeds give unrelated patterns. */
	s = c->pattern_seq * 0x9e3779b1u + 0x7f4a7c15u;
	s ^= s >> 15;
	s *= 0x2c1b3c6du;
	s ^= s >> 12;
	return s ? s : 0x5eed;
}

/* The pattern word at word index i: depends on the position, so bytes that
 * land at the wrong offset never match. */
static uint32_t pattern_word(uint32_t seed, size_t i)
{
	uint32_t x = seed ^ (uint32_t)(i * 0x85ebca6bu) ^ (uint32_t)(i >> 32);

	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

static uint8_t pattern_byte(uint32_t seed, size_t off)
{
	return (uint8_t)(pattern_word(seed, off / 4) >> (8 * (off % 4)));
}

void fill_pattern(void *buf, size_t len, uint32_t seed)
{
	uint8_t *p = buf;

	for (size_t off = 0; off < len; off++)
		p[off] = pattern_byte(seed, off);
}

bool matches_pattern(const void *buf, size_t len, uint32_t seed)
{
	const uint8_t *p = buf;

	for (size_t off = 0; off < len; off++)
		if (p[off] != pattern_byte(seed, off))
			return false;
	return true;
}

/* Bytes of buf equal to the pattern at the same offset, in 4-byte words
 * (a stray single byte match is noise). */
static size_t pattern_words_seen(const void *buf, size_t len, uint32_t seed)
{
	const uint8_t *p = buf;
	size_t seen = 0;

	for (size_t off = 0; off + 4 <= len; off += 4) {
		bool same = true;

		for (size_t k = 0; k < 4; k++)
			same &= p[off + k] == pattern_byte(seed, off + k);
		seen += same;
	}
	return seen;
}

/* --- device roles -------------------------------------------------------- */

int dev_with_dma(const struct tc *c, int not_this)
{
	/* A translation probe counts: its evidence kind is in the reports. */
	if (c->caps->dma == DMA_NONE)
		return -1;
	for (unsigned i = 0; i < c->caps->ndev; i++)
		if ((int)i != not_this && c->caps->dev[i].dma)
			return (int)i;
	return -1;
}

int dev_with_pasid(const struct tc *c, int not_this)
{
	for (unsigned i = 0; i < c->caps->ndev; i++)
		if ((int)i != not_this && c->caps->dev[i].max_pasid_log2)
			return (int)i;
	return -1;
}

/* Does the pair (x, y) fit, at preference level pass (0 is the best)? */
typedef bool pair_fits(const struct tc *c, unsigned x, unsigned y, int pass);

/* The first pair that fits at the best level any pair reaches; with
 * ordered, only x < y is tried (the relation is symmetric). */
static bool find_pair(const struct tc *c, pair_fits *fits, int npass,
		      bool ordered, unsigned *a, unsigned *b)
{
	for (int pass = 0; pass < npass; pass++)
		for (unsigned x = 0; x < c->caps->ndev; x++)
			for (unsigned y = ordered ? x + 1 : 0;
			     y < c->caps->ndev; y++)
				if (x != y && fits(c, x, y, pass)) {
					*a = x;
					*b = y;
					return true;
				}
	return false;
}

static bool same_group(const struct tc *c, unsigned x, unsigned y, int pass)
{
	return c->caps->dev[x].group == c->caps->dev[y].group;
}

/* Prefer a pair where both have DMA, then one with PASID on both. */
static bool other_groups(const struct tc *c, unsigned x, unsigned y, int pass)
{
	const struct dev_caps *p = &c->caps->dev[x], *q = &c->caps->dev[y];

	if (p->group == q->group || p->iommu != q->iommu)
		return false;
	if (pass == 0)
		return p->dma && q->dma;
	if (pass == 1)
		return p->max_pasid_log2 && q->max_pasid_log2;
	return true;
}

/* Prefer a pair whose first device has DMA. */
static bool other_iommus(const struct tc *c, unsigned x, unsigned y, int pass)
{
	return c->caps->dev[x].iommu != c->caps->dev[y].iommu &&
	       (pass || dev_has_dma(c, x));
}

bool dev_pair_same_group(const struct tc *c, unsigned *a, unsigned *b)
{
	return find_pair(c, same_group, 1, true, a, b);
}

bool dev_pair_other_groups(const struct tc *c, unsigned *a, unsigned *b)
{
	return find_pair(c, other_groups, 3, true, a, b);
}

bool dev_pair_other_iommus(const struct tc *c, unsigned *a, unsigned *b)
{
	return find_pair(c, other_iommus, 2, false, a, b);
}

void need_pair_other_iommus(struct tc *c, unsigned *a, unsigned *b)
{
	if (!dev_pair_other_iommus(c, a, b))
		tc_skip(c, "all devices sit behind one IOMMU instance");
	else if (dev_with_dma(c, -1) >= 0 && !dev_has_dma(c, *a))
		tc_skip(c, "the pair behind two IOMMUs has no DMA engine");
}

/* A page-aligned page inside r, if there is one. */
static bool page_in(const struct iova_range *r, uint64_t *iova)
{
	uint64_t s = (r->start + PG - 1) & ~(PG - 1);

	if (s < r->start || s + PG - 1 > r->last || s + PG - 1 < s)
		return false;
	*iova = s;
	return true;
}

bool resv_page(const struct tc *c, unsigned dev, uint64_t *iova)
{
	const struct dev_caps *d = &c->caps->dev[dev];

	for (unsigned i = 0; i < d->nresv_required; i++)
		if (page_in(&d->resv_required[i], iova))
			return true;
	for (unsigned i = 0; i < d->nresv; i++)
		if (page_in(&d->resv[i], iova))
			return true;
	return false;
}

int dev_with_resv(const struct tc *c, bool want_dma)
{
	uint64_t iova;

	for (unsigned i = 0; i < c->caps->ndev; i++) {
		if (want_dma && !dev_has_dma(c, i))
			continue;
		if (resv_page(c, i, &iova))
			return (int)i;
	}
	return -1;
}

unsigned need_resv_dev(struct tc *c, const char *inv, uint64_t *resv)
{
	int dev = dev_with_resv(c, true);

	if (dev < 0)
		dev = dev_with_resv(c, false);
	if (dev < 0)
		tc_skip(c, "no device reports a reserved region");
	REQUIRE(c, inv, resv_page(c, dev, resv) ? 0 : -EINVAL);
	return (unsigned)dev;
}

/* --- IOVA choice --------------------------------------------------------- */

/* Reserved regions, and the IOVAs the target's DMA engines keep mapped. */
static bool hits_reserved(const struct target_caps *caps, uint64_t start,
			  uint64_t last)
{
	const struct iova_range *w = &caps->dma_window;

	if (w->last && start <= w->last && w->start <= last)
		return true;
	for (unsigned d = 0; d < caps->ndev; d++)
		for (unsigned i = 0; i < caps->dev[d].nresv; i++) {
			const struct iova_range *r = &caps->dev[d].resv[i];

			if (start <= r->last && r->start <= last)
				return true;
		}
	return false;
}

/* Slots sit SLOT_SPAN apart whatever their length, so slots picked with
 * different lengths in one case never overlap. */
#define SLOT_SPAN (4ull << 20)
#define MAX_SLOT_TRIES 4096

static bool fits_ranges(const struct iova_range *r, unsigned n,
			uint64_t start, uint64_t last)
{
	for (unsigned i = 0; i < n; i++)
		if (start >= r[i].start && last <= r[i].last)
			return true;
	return false;
}

uint64_t tc_pick_iova(struct tc *c, uint32_t ioas, uint64_t len,
		      uint64_t align, unsigned slot)
{
	struct iova_range ranges[T_MAX_RANGES];
	unsigned n = T_MAX_RANGES, seen = 0;
	uint64_t alignment = 0, a, span, limit = c->caps->dma_iova_limit;
	int ret;

	ret = T_CALL(c->t, iova_ranges, ioas, ranges, &n, &alignment);
	if (ret == -T_UNSUPPORTED)
		tc_skip(c, "target cannot report IOVA ranges");
	if (ret) {
		tc_check(c, "RANGE-1", false, "IOVA_RANGES on IOAS %u: %s",
			 ioas, errno_name(ret));
		tc_end(c);
	}
	if (n > T_MAX_RANGES)
		n = T_MAX_RANGES;
	a = tc_page_size();
	if (align > a)
		a = align;
	if (alignment > a)
		a = alignment;
	if (!len)
		len = 1;
	/* At least one aligned guard unit after each slot, so an
	 * off-by-a-page translation cannot land in a neighbour slot. */
	span = round_up64(len, a) + a;
	if (span < SLOT_SPAN)
		span = SLOT_SPAN;
	for (uint64_t k = 0; k < MAX_SLOT_TRIES; k++) {
		uint64_t cand = round_up64(IOVA_BASE + k * span, a);
		uint64_t last = cand + len - 1;

		if (last < cand || (limit && last >= limit))
			break;
		if (!fits_ranges(ranges, n, cand, last) ||
		    hits_reserved(c->caps, cand, last))
			continue;
		if (seen++ == slot)
			return cand;
	}
	tc_skip(c, "no room for IOVA slot %u (len 0x%llx, align 0x%llx) in the reported ranges below the DMA limit 0x%llx",
		slot, (unsigned long long)len, (unsigned long long)a,
		(unsigned long long)limit);
}

/* --- the DMA oracle ------------------------------------------------------ */

static const char *pasid_str(uint32_t pasid, char *buf, size_t len)
{
	if (pasid == T_NO_PASID)
		return "rid";
	snprintf(buf, len, "%u", pasid);
	return buf;
}

/* One transfer, chunked to the engine's limit. Returns 0 or the engine's
 * error; evidence of the first chunk is kept. */
static int run_dma(struct tc *c, unsigned dev, uint32_t pasid,
		   enum dma_dir dir, uint64_t iova, void *buf, size_t len,
		   char *ev, size_t evlen)
{
	size_t max = c->caps->dma_max_len ? c->caps->dma_max_len : len;
	size_t done = 0;

	ev[0] = '\0';
	while (done < len) {
		size_t n = len - done < max ? len - done : max;
		char more[160] = "";
		int ret;

		ret = T_CALL(c->t, dma, dev, pasid, dir, iova + done,
			     (char *)buf + done, n, done ? more : ev,
			     done ? sizeof(more) : evlen);
		if (ret)
			return ret;
		done += n;
	}
	return 0;
}

bool tc_dma_proven(const struct tc *c, unsigned dev)
{
	return dev < 32 && (c->dma_proven & (1u << dev));
}

const char *dma_outcome_name(enum dma_outcome o)
{
	switch (o) {
	case DMA_LANDED: return "landed";
	case DMA_BLOCKED: return "blocked";
	case DMA_OTHER: return "partial/corrupted";
	case DMA_ERROR: return "engine error";
	}
	return "?";
}

/* The case's other buffers before a write, to see it land elsewhere. */
static struct {
	uint8_t *copy;
	const void *skip;
	size_t skip_len;
} snap;

static void snapshot_take(const void *mem, size_t len)
{
	size_t total = 0, at = 0;

	for (unsigned i = 0; i < ncase_bufs; i++)
		total += case_bufs[i].len;
	snap.copy = malloc(total ? total : 1);
	snap.skip = mem;
	snap.skip_len = len;
	if (!snap.copy)
		return;
	for (unsigned i = 0; i < ncase_bufs; i++) {
		memcpy(snap.copy + at, case_bufs[i].p, case_bufs[i].len);
		at += case_bufs[i].len;
	}
}

/* NULL when nothing outside [skip, skip+len) changed, else where. */
static const char *snapshot_changed(void)
{
	static __thread char where[96];
	size_t at = 0;

	if (!snap.copy)
		return NULL;
	for (unsigned i = 0; i < ncase_bufs; i++) {
		const uint8_t *p = case_bufs[i].p;

		for (size_t k = 0; k < case_bufs[i].len; k++) {
			const uint8_t *b = p + k;

			if (b >= (const uint8_t *)snap.skip &&
			    b < (const uint8_t *)snap.skip + snap.skip_len)
				continue;
			if (*b != snap.copy[at + k]) {
				snprintf(where, sizeof(where),
					 "landed in another buffer of the case (%p+0x%zx)",
					 (void *)p, k);
				return where;
			}
		}
		at += case_bufs[i].len;
	}
	return NULL;
}

static void snapshot_drop(void)
{
	free(snap.copy);
	snap.copy = NULL;
}

/* Run and classify one transfer; log the evidence line. On an engine error
 * *err receives it; -T_UNSUPPORTED skips the case. */
static enum dma_outcome dma_run_classify(struct tc *c, unsigned dev,
					 uint32_t pasid, bool write,
					 uint64_t iova, void *mem, size_t len,
					 const char *expected, int *err)
{
	const char *what = write ? "write" : "read";
	uint32_t mem_seed = tc_new_seed(c), dev_seed = tc_new_seed(c);
	enum dma_outcome o;
	char ev[256], pb[16];
	const char *elsewhere = NULL;
	void *buf;
	int ret;

	*err = 0;
	buf = malloc(len ? len : 1);
	if (!buf)
		tc_skip(c, "out of memory");
	fill_pattern(mem, len, mem_seed);
	fill_pattern(buf, len, dev_seed);
	if (write)
		snapshot_take(mem, len);
	ret = run_dma(c, dev, pasid, write ? DMA_TO_MEMORY : DMA_FROM_MEMORY,
		      iova, buf, len, ev, sizeof(ev));
	if (ret == -T_UNSUPPORTED) {
		snapshot_drop();
		free(buf);
		tc_skip(c, "target cannot run DMA from dev %u pasid %s", dev,
			pasid_str(pasid, pb, sizeof(pb)));
	}
	if (ret) {
		tc_log(c, "dma %s dev %u pasid %s iova 0x%llx len %zu: engine failed: %s%s%s",
		       what, dev, pasid_str(pasid, pb, sizeof(pb)),
		       (unsigned long long)iova, len, errno_name(ret),
		       ev[0] ? "; " : "", ev);
		snapshot_drop();
		free(buf);
		*err = ret;
		return DMA_ERROR;
	}
	if (write && matches_pattern(buf, len, mem_seed)) {
		/* The engine reports it wrote memory's own pre-fill: landed
		 * and blocked look the same. */
		tc_log(c, "dma write dev %u pasid %s iova 0x%llx len %zu: the engine wrote bytes equal to memory's pre-fill; cannot judge%s%s",
		       dev, pasid_str(pasid, pb, sizeof(pb)),
		       (unsigned long long)iova, len, ev[0] ? "; " : "", ev);
		snapshot_drop();
		free(buf);
		*err = -EIO;
		return DMA_ERROR;
	}
	if (write) {
		/* Landed: memory holds the bytes the engine says it wrote
		 * (buf after the call: the payload, or what it reported). */
		if (!memcmp(mem, buf, len))
			o = DMA_LANDED;
		else if (matches_pattern(mem, len, mem_seed))
			o = DMA_BLOCKED;
		else
			o = DMA_OTHER;
		/* Blocked at mem, but landed in another buffer of the case. */
		if (o == DMA_BLOCKED && (elsewhere = snapshot_changed()))
			o = DMA_OTHER;
	} else {
		/* A blocked read may leave the engine's buffer as it was or
		 * fill it with what the bus returns for a fault: either way
		 * nothing of memory's pattern reaches it. */
		if (matches_pattern(buf, len, mem_seed))
			o = DMA_LANDED;
		else if (pattern_words_seen(buf, len, mem_seed) == 0)
			o = DMA_BLOCKED;
		else
			o = DMA_OTHER;
	}
	if (o == DMA_LANDED && dev < 32)
		c->dma_proven |= 1u << dev;
	tc_log(c, "dma %s dev %u pasid %s iova 0x%llx len %zu: %s (expected %s)%s%s%s%s",
	       what, dev, pasid_str(pasid, pb, sizeof(pb)),
	       (unsigned long long)iova, len, dma_outcome_name(o), expected,
	       elsewhere ? "; " : "", elsewhere ? elsewhere : "",
	       ev[0] ? "; " : "", ev);
	snapshot_drop();
	free(buf);
	return o;
}

enum dma_outcome tc_dma_try(struct tc *c, unsigned dev, uint32_t pasid,
			    bool write, uint64_t iova, void *mem, size_t len)
{
	int err;

	return dma_run_classify(c, dev, pasid, write, iova, mem, len,
				"either", &err);
}

static bool dma_judge(struct tc *c, const char *inv, unsigned dev,
		      uint32_t pasid, uint64_t iova, void *mem, size_t len,
		      bool expect_land, bool write)
{
	const char *want = expect_land ? "landed" : "blocked";
	enum dma_outcome o;
	char pb[16];
	int err;

	o = dma_run_classify(c, dev, pasid, write, iova, mem, len, want, &err);
	if (o == DMA_ERROR)
		return tc_check(c, inv, false,
				"dma %s dev %u pasid %s iova 0x%llx len %zu: the engine could not run it: %s",
				write ? "write" : "read", dev,
				pasid_str(pasid, pb, sizeof(pb)),
				(unsigned long long)iova, len,
				errno_name(err));
	if (!expect_land && o == DMA_BLOCKED && !tc_dma_proven(c, dev)) {
		tc_inconclusive(c, inv,
				"dma %s dev %u pasid %s iova 0x%llx len %zu: blocked, but dev %u landed no verified transfer before it in this case, so the engine is not shown to work",
				write ? "write" : "read", dev,
				pasid_str(pasid, pb, sizeof(pb)),
				(unsigned long long)iova, len, dev);
		return false;
	}
	return tc_check(c, inv, o == (expect_land ? DMA_LANDED : DMA_BLOCKED),
			"dma %s dev %u pasid %s iova 0x%llx len %zu: %s, contract says %s",
			write ? "write" : "read", dev,
			pasid_str(pasid, pb, sizeof(pb)),
			(unsigned long long)iova, len, dma_outcome_name(o),
			want);
}

void tc_dma_control(struct tc *c, const char *inv, unsigned dev)
{
	uint32_t ioas = 0;
	uint64_t iova, mapped;
	void *mem = tc_alloc(c, tc_page_size());
	enum dma_outcome o;
	size_t len = 256;

	REQUIRE(c, inv, T_CALL(c->t, ioas_alloc, 0, &ioas));
	iova = tc_pick_iova(c, ioas, tc_page_size(), tc_page_size(), 7);
	mapped = iova;
	REQUIRE(c, inv, T_CALL(c->t, ioas_map, ioas,
			       T_MAP_FIXED_IOVA | T_MAP_READABLE | T_MAP_WRITEABLE,
			       mem, tc_page_size(), &mapped));
	REQUIRE(c, inv, T_CALL(c->t, attach, dev, T_NO_PASID, ioas, NULL));
	o = tc_dma_try(c, dev, T_NO_PASID, true, iova, mem, len);
	if (o != DMA_LANDED) {
		tc_check(c, inv, false,
			 "positive control: dev %u on a fresh mapped IOAS did not land a write (%s)",
			 dev, dma_outcome_name(o));
		tc_end(c);
	}
	/* Set-up, not an assertion of inv: record it as such. */
	tc_arrange_ret(c, inv, "positive control DMA", 0);
	REQUIRE(c, inv, T_CALL(c->t, detach, dev, T_NO_PASID));
	REQUIRE(c, inv, T_CALL(c->t, destroy, ioas));
}

bool tc_dma_write(struct tc *c, const char *inv, unsigned dev, uint32_t pasid,
		  uint64_t iova, void *mem, size_t len, bool expect_land)
{
	return dma_judge(c, inv, dev, pasid, iova, mem, len, expect_land, true);
}

bool tc_dma_read(struct tc *c, const char *inv, unsigned dev, uint32_t pasid,
		 uint64_t iova, void *mem, size_t len, bool expect_land)
{
	return dma_judge(c, inv, dev, pasid, iova, mem, len, expect_land, false);
}

/* A memfd of npages pages, or SKIP; its fd is closed at case exit with
 * the process. */
int new_memfd(struct tc *c, unsigned npages)
{
	int fd = memfd_create("iommu-conformance", MFD_CLOEXEC);

	if (fd < 0)
		tc_skip(c, "memfd_create failed: %s", strerror(errno));
	if (ftruncate(fd, (off_t)(npages * PG)))
		tc_skip(c, "ftruncate of the memfd failed: %s", strerror(errno));
	return fd;
}

/* The file's pages as this process sees them. */
uint8_t *memfd_view(struct tc *c, int fd, unsigned npages)
{
	void *v = mmap(NULL, npages * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fd, 0);

	if (v == MAP_FAILED)
		tc_skip(c, "mmap of the memfd failed: %s", strerror(errno));
	return v;
}
