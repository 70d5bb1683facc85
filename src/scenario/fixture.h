/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a scenario body builds on, in one header:
 *   - memory, fill patterns, device roles and IOVA choice (lib.c);
 *   - the ops in their three forms and the IOVA_RANGES helpers (fixture.c);
 *   - fixtures: a struct plus a set-up function that charges any set-up
 *     failure to the invariant the caller names (fixture.c);
 *   - the DMA oracle (lib.c).
 *
 * The three forms of an op, after tools/testing/selftests/iommu's
 * _test_cmd_x() / test_cmd_x() / test_err_x():
 *   raw      T_CALL(c->t, op, ...) or a *_rc() helper: returns 0 or the
 *            negative errno and judges nothing (probes, allowed differences)
 *   require  REQUIRE(c, inv, raw) or a helper below without a suffix
 *            (bind_dev, new_ioas, attach_rid, map_fixed, ...): an arrange
 *            step; a failure is charged to inv and ends the case, success
 *            is recorded as set-up and never makes inv pass
 *   expect   CHECK_OK / CHECK_RET(c, inv, raw, errno...): an assertion,
 *            what the scenario is about
 */
#ifndef IC_FIXTURE_H
#define IC_FIXTURE_H

#include "scenario.h"

#define PG 4096ull
#define RW (T_MAP_READABLE | T_MAP_WRITEABLE)
/* Bytes one oracle transfer moves: small, so a case stays fast on TCG. */
#define DMA_LEN 256

/* --- memory and patterns (lib.c) ------------------------------------------ */

/* The CPU page size (the unit of user memory pinning). */
size_t tc_page_size(void);
/* Page-aligned anonymous memory, populated; freed at case exit. */
void *tc_alloc(struct tc *c, size_t len);
/* Same, backed by a huge page when possible; NULL if none available. */
void *tc_alloc_huge(struct tc *c, size_t len);
/* A page of user address space that cannot be pinned: a hole just
 * unmapped where the target pins real memory, else NULL (the model has no
 * address space, and treats NULL as unpinnable). */
void *tc_unpinnable_page(struct tc *c);

/* Deterministic byte pattern; a fresh seed per call of tc_new_seed(). */
uint32_t tc_new_seed(struct tc *c);
void fill_pattern(void *buf, size_t len, uint32_t seed);
bool matches_pattern(const void *buf, size_t len, uint32_t seed);

/* Fill mem with a fresh pattern; returns the seed for mem_unchanged(). */
static inline uint32_t mem_mark(struct tc *c, void *mem, size_t len)
{
	uint32_t s = tc_new_seed(c);

	fill_pattern(mem, len, s);
	return s;
}

static inline bool mem_unchanged(struct tc *c, const char *inv,
				 const void *mem, size_t len, uint32_t seed,
				 const char *what)
{
	return tc_check(c, inv, matches_pattern(mem, len, seed),
			"%s changed: a DMA landed where the contract says nothing may",
			what);
}

/* --- device roles (lib.c) ------------------------------------------------- */

/* Devices by role, or -1 when the target has none. */
int dev_with_dma(const struct tc *c, int not_this);
int dev_with_pasid(const struct tc *c, int not_this);
/* Two devices in one group / in different groups on one IOMMU / behind
 * different IOMMU instances. */
bool dev_pair_same_group(const struct tc *c, unsigned *a, unsigned *b);
bool dev_pair_other_groups(const struct tc *c, unsigned *a, unsigned *b);
bool dev_pair_other_iommus(const struct tc *c, unsigned *a, unsigned *b);
/* A pair behind different IOMMU instances whose first device has a DMA
 * engine when any device has one; or skip. */
void need_pair_other_iommus(struct tc *c, unsigned *a, unsigned *b);

/* A page-aligned page of a reserved region of dev: one the contract
 * requires first (so a driver that forgot it is caught), else one the
 * driver reports. */
bool resv_page(const struct tc *c, unsigned dev, uint64_t *iova);
/* The first device with such a page (with a DMA engine when want_dma), or
 * -1. */
int dev_with_resv(const struct tc *c, bool want_dma);
/* A device with a reserved page, one with a DMA engine when there is one,
 * and that page in *resv; or skip. */
unsigned need_resv_dev(struct tc *c, const char *inv, uint64_t *resv);

/* Is dev driven by a DMA engine (a real or modelled one)? */
static inline bool dev_has_dma(const struct tc *c, unsigned dev)
{
	return dev_with_dma(c, -1) >= 0 && c->caps->dev[dev].dma;
}

/* The DMA device when there is one, else device 0: for cases whose DMA
 * part is extra evidence. */
static inline unsigned dma_dev_or_first(const struct tc *c)
{
	int d = dev_with_dma(c, -1);

	return d < 0 ? 0 : (unsigned)d;
}

/* A DMA-capable device, or skip. */
static inline unsigned need_dma_dev(struct tc *c)
{
	int d = dev_with_dma(c, -1);

	if (d < 0)
		tc_skip(c, "no device is driven by a DMA engine");
	return (unsigned)d;
}

/* A PASID-capable device (with DMA when dma), or skip. */
static inline unsigned need_pasid_dev(struct tc *c, bool dma)
{
	for (unsigned i = 0; i < c->caps->ndev; i++)
		if (c->caps->dev[i].max_pasid_log2 &&
		    (!dma || dev_has_dma(c, i)))
			return i;
	tc_skip(c, dma ? "no PASID-capable device with a DMA engine" :
			 "no PASID-capable device");
}

/* --- the ops: require forms ----------------------------------------------- */

static inline void bind_dev(struct tc *c, const char *inv, unsigned dev,
			    unsigned ctx)
{
	REQUIRE(c, inv, T_CALL(c->t, bind, dev, ctx));
}

static inline void unbind_dev(struct tc *c, const char *inv, unsigned dev)
{
	REQUIRE(c, inv, T_CALL(c->t, unbind, dev));
}

static inline uint32_t new_ioas(struct tc *c, const char *inv, unsigned ctx)
{
	uint32_t id = 0;

	REQUIRE(c, inv, T_CALL(c->t, ioas_alloc, ctx, &id));
	return id;
}

/* A paging HWPT for dev on pt (an IOAS), allocated with flags. */
static inline uint32_t new_hwpt(struct tc *c, const char *inv, unsigned dev,
				uint32_t pt, uint32_t flags)
{
	uint32_t id = 0;

	REQUIRE(c, inv, T_CALL(c->t, hwpt_alloc, dev, pt, flags, 0, NULL, 0,
			       &id));
	return id;
}

static inline void destroy_obj(struct tc *c, const char *inv, uint32_t id)
{
	REQUIRE(c, inv, T_CALL(c->t, destroy, id));
}

/* Attach (or replace) the RID; returns the pt_id ATTACH wrote back. */
static inline uint32_t attach_rid(struct tc *c, const char *inv, unsigned dev,
				  uint32_t pt)
{
	uint32_t out = 0;

	REQUIRE(c, inv, T_CALL(c->t, attach, dev, T_NO_PASID, pt, &out));
	return out;
}

static inline void attach_pasid(struct tc *c, const char *inv, unsigned dev,
				uint32_t pasid, uint32_t pt)
{
	REQUIRE(c, inv, T_CALL(c->t, attach, dev, pasid, pt, NULL));
}

static inline void detach_rid(struct tc *c, const char *inv, unsigned dev)
{
	REQUIRE(c, inv, T_CALL(c->t, detach, dev, T_NO_PASID));
}

static inline void detach_pasid(struct tc *c, const char *inv, unsigned dev,
				uint32_t pasid)
{
	REQUIRE(c, inv, T_CALL(c->t, detach, dev, pasid));
}

/* A PASID of dev whose replace the driver fails (the mock's PASID 1024),
 * or skip when the target cannot make one. */
uint32_t need_failing_pasid(struct tc *c, const char *inv, unsigned dev);

/* --- the ops: raw forms that carry an argument convention ----------------- */

/* MAP at a fixed IOVA (flags gets T_MAP_FIXED_IOVA added). */
static inline int map_fixed_rc(struct tc *c, uint32_t ioas, void *mem,
			       uint64_t len, uint64_t iova, uint32_t flags)
{
	return T_CALL(c->t, ioas_map, ioas, T_MAP_FIXED_IOVA | flags, mem, len,
		      &iova);
}

/* COPY src_iova..+len of src to a fixed dst_iova of dst. */
static inline int copy_fixed_rc(struct tc *c, uint32_t dst, uint32_t src,
				uint32_t flags, uint64_t src_iova, uint64_t len,
				uint64_t dst_iova)
{
	return T_CALL(c->t, ioas_copy, dst, src, T_MAP_FIXED_IOVA | flags,
		      src_iova, len, &dst_iova);
}

/* UNMAP of the whole IOVA space; *bytes gets what went (left as it was
 * if the target does not say). */
static inline int unmap_all_rc(struct tc *c, uint32_t ioas, uint64_t *bytes)
{
	return T_CALL(c->t, ioas_unmap, ioas, 0, UINT64_MAX, bytes);
}

struct iommu_option;
/* An IOMMU_OPTION command for raw_ioctl: size set, option_id with op on
 * object_id, every other field zero (lib.c). */
void option_cmd(struct iommu_option *o, uint32_t option_id, uint16_t op,
		uint32_t object_id);

/* ... and their require forms. */
static inline void map_fixed(struct tc *c, const char *inv, uint32_t ioas,
			     void *mem, uint64_t len, uint64_t iova,
			     uint32_t prot)
{
	REQUIRE(c, inv, map_fixed_rc(c, ioas, mem, len, iova, prot));
}

static inline void unmap_exact(struct tc *c, const char *inv, uint32_t ioas,
			       uint64_t iova, uint64_t len)
{
	uint64_t done = 0;

	REQUIRE(c, inv, T_CALL(c->t, ioas_unmap, ioas, iova, len, &done));
}

/* Expect form for what refused calls left behind: an unmap-all (a
 * measurement, so required) finds exactly want bytes. */
bool expect_mapped_bytes(struct tc *c, const char *inv, uint32_t ioas,
			 uint64_t want, const char *what);

/* --- IOVA_RANGES (fixture.c) ---------------------------------------------- */

/* One IOVA_RANGES answer, at most T_MAX_RANGES entries held. */
struct ranges {
	unsigned n;	 /* entries held in r */
	bool truncated;	 /* the target reported more than it could hold */
	uint64_t align;
	struct iova_range r[T_MAX_RANGES];
};

/* Raw and require forms. */
int ranges_rc(struct tc *c, uint32_t ioas, struct ranges *out);
void read_ranges(struct tc *c, const char *inv, uint32_t ioas,
		 struct ranges *out);

/* The same list of ranges (the alignment is not compared). */
bool same_ranges(const struct ranges *a, const struct ranges *b);
/* Does any range intersect [start, last]? */
bool ranges_touch(const struct ranges *r, uint64_t start, uint64_t last);
/* Does one range hold all of [start, start + len)? */
bool ranges_hold(const struct ranges *r, uint64_t start, uint64_t len);
void log_ranges(struct tc *c, const char *what, const struct ranges *r);

/* Expect form: no reserved region the contract requires of dev, and none
 * it reports, touches r; returns how many regions were checked. */
unsigned expect_resv_outside(struct tc *c, const char *inv, unsigned dev,
			     const struct ranges *r, const char *what);

/* Expect form: ioas still reports before's ranges (and, when with_align,
 * its alignment); logs both lists when not. */
bool expect_ranges_unchanged(struct tc *c, const char *inv, uint32_t ioas,
			     const struct ranges *before, bool with_align,
			     const char *what);

/* --- memfds (lib.c) ------------------------------------------------------- */

/* A memfd of npages pages, or SKIP; its fd is closed at case exit with
 * the process. */
int new_memfd(struct tc *c, unsigned npages);
/* The file's pages as this process sees them (SKIP if it cannot map). */
uint8_t *memfd_view(struct tc *c, int fd, unsigned npages);

/* --- IOVA choice (lib.c) -------------------------------------------------- */

/* An IOVA that the DMA engine can reach and that lies in the reported
 * ranges of ioas, aligned to align, with room for len bytes; chosen
 * deterministically from slot (0, 1, 2, ... give distinct IOVAs). */
uint64_t tc_pick_iova(struct tc *c, uint32_t ioas, uint64_t len,
		      uint64_t align, unsigned slot);

/* A page-sized IOVA of slot that any fresh IOAS admits (no reservations
 * yet), for cases that map one IOVA in several IOASes. */
uint64_t fresh_ioas_iova(struct tc *c, const char *inv, unsigned slot);

/* --- fixtures (fixture.c) ------------------------------------------------- */

/*
 * Fixture "attached": dev bound to context 0 and attached to a fresh IOAS,
 * directly (auto HWPT) or through a manual HWPT, with fresh memory mapped
 * at IOVA slot 0. Built by attached_setup(); opts NULL maps nothing.
 */
struct attached {
	unsigned dev;
	bool dma;	/* dev is driven by a DMA engine */
	uint32_t ioas;
	uint32_t pt;	/* the HWPT dev sits on: auto, or the manual one */
	char *mem;	/* the mapped memory, NULL when nothing is mapped */
	size_t len;
	uint64_t iova;
};

struct attached_opts {
	size_t len;	     /* bytes to map at slot 0; 0 maps nothing */
	uint32_t prot;	     /* of that mapping; 0 is read-write */
	bool manual_hwpt;    /* attach through HWPT_ALLOC(hwpt_flags) */
	uint32_t hwpt_flags;
	bool map_first;	     /* map before HWPT_ALLOC / ATTACH (prefill) */
	bool small_pages;    /* IOMMU_OPTION_HUGE_PAGES 0 before any map: an
			      * IOPTE per page whatever backs the memory
			      * (dirty bits are per IOPTE) */
	bool warm;	     /* a DMA device writes the mapping once (DMA-1),
			      * so a stale IOTLB entry would show later */
};

/* IOMMU_OPTION_HUGE_PAGES 0 on a fresh ioas (REQUIRE): memory that happens
 * to be a THP then still gets one IOPTE per page. */
void small_pages(struct tc *c, const char *inv, uint32_t ioas);

void attached_setup(struct tc *c, const char *inv, struct attached *f,
		    unsigned dev, const struct attached_opts *opts);

/* A fresh IOAS of context 0 with the page mem mapped read-write at IOVA
 * slot 0 (*iova), attached to nothing. */
uint32_t mapped_ioas(struct tc *c, const char *inv, void *mem, uint64_t *iova);

/*
 * Fixture "keep old": the "attached" fixture with one page mapped and
 * written once by DMA, and its IOAS's ranges as they were, for the cases
 * where a replace fails and must keep the old attachment (ATTACH-4).
 * keep_old_setup() remembers inv: the expect forms below charge to it.
 */
struct keep_old {
	struct attached f;
	const char *inv;
	struct ranges r; /* of the old IOAS before the replace */
};

void keep_old_setup(struct tc *c, const char *inv, struct keep_old *k,
		    unsigned dev);
/* Expect form: nothing changed: same ranges, still translating (checked
 * by DMA when with_dma and the device has it), the old IOAS still held. */
void expect_old_kept(struct tc *c, const struct keep_old *k, bool with_dma);
/* Expect form: a replace of k's device onto the IOAS iob is refused with
 * err (charged to refusal_inv; any other answer ends the case) and changes
 * nothing: the old attachment is kept and iob's ranges are as they were. */
void expect_replace_refused(struct tc *c, const char *refusal_inv,
			    const struct keep_old *k, uint32_t iob, int err);

/*
 * Fixture "bare IOAS": a fresh IOAS of context 0 with no device, bufpages
 * CPU pages of fresh user memory, and the start of iovapages free pages of
 * IOVA (slot 0), for the cases about MAP, UNMAP and COPY themselves.
 */
struct bare_ioas {
	uint32_t ioas;
	uint8_t *buf;
	uint64_t iova;
};

void bare_ioas_setup(struct tc *c, const char *inv, struct bare_ioas *b,
		     unsigned bufpages, unsigned iovapages);

/*
 * Fixture "mapped HWPT": a fresh IOAS with one page of fresh memory mapped
 * at iova and a paging HWPT (flags) for dev on it. Several of them at the
 * same iova tell by memory contents which one a transfer went through.
 */
struct mapped_hwpt {
	uint32_t ioas, hwpt;
	char *mem;
};

void mapped_hwpt_setup(struct tc *c, const char *inv, struct mapped_hwpt *s,
		       unsigned dev, uint32_t flags, uint64_t iova);

/*
 * Fixture "PASID device ready": a PASID-capable device bound to context 0
 * whose driver takes PASID attachments on paging domains (the case skips
 * with the reason otherwise: an allowed difference, PASID-10), and four
 * HWPTs for it, each on a fresh IOAS mapping a page of its own at iova:
 * rid, pasid and pasid2 allocated with ALLOC_PASID (for the RID next to
 * PASIDs, for p1, to move p1 to), plain without it.
 */
/* How pasid_dev_setup() picks the device (by default one with a DMA
 * engine if there is one) and what it attaches. */
enum {
	PASID_DEV_FIRST = 1 << 0,    /* the first PASID device, DMA or not */
	PASID_DEV_NEED_DMA = 1 << 1, /* one with a DMA engine, or skip */
	PASID_DEV_ATTACHED = 1 << 2, /* the RID on rid, p1 on pasid */
};

struct pasid_dev {
	unsigned dev;
	bool dma;	 /* dev is driven by a DMA engine */
	uint32_t p1, p2; /* two valid PASIDs */
	uint64_t iova;	 /* fresh_ioas_iova() slot 0 */
	struct mapped_hwpt rid, pasid, pasid2, plain;
};

void pasid_dev_setup(struct tc *c, const char *inv, struct pasid_dev *f,
		     unsigned how);

/*
 * PASID support on paging domains is an allowed difference (AMD: none):
 * probe a PASID attach on the bound dev with a scratch HWPT and skip when
 * the driver answers EOPNOTSUPP. Leaves nothing behind.
 */
void need_pasid_attach(struct tc *c, const char *inv, unsigned dev);

/*
 * Fixture "group pair": two devices of one iommu group, both bound to
 * context 0 (b the one with a DMA engine when only one has it), the
 * members named in attach attached to a fresh IOAS, and one page of fresh
 * memory mapped at its IOVA slot 0.
 */
enum {
	GROUP_ATTACH_A = 1 << 0,
	GROUP_ATTACH_B = 1 << 1,
};

struct group_pair {
	unsigned a, b;
	uint32_t ioas;
	uint32_t pt;	/* the group's auto HWPT; 0 when nobody attached */
	char *mem;	/* the mapped page */
	uint64_t iova;
};

void group_pair_setup(struct tc *c, const char *inv, struct group_pair *g,
		      unsigned attach);

/* --- the DMA oracle (lib.c) ----------------------------------------------- */

/*
 * The DMA oracle, judged by memory contents.
 *
 * tc_dma_write: the device writes a fresh pattern to iova. mem is the user
 * memory the contract says iova translates to (or would, if it were still
 * mapped). Checks inv: when expect_land, mem holds the pattern; otherwise mem
 * is unchanged (it is pre-filled with a distinct pattern first).
 *
 * tc_dma_read: the device reads iova; mem is pre-filled with a fresh pattern.
 * Checks inv: when expect_land, the device saw mem's pattern; otherwise it saw
 * nothing of it (its buffer kept its own pre-fill).
 *
 * Both log the evidence line. pasid is T_NO_PASID for RID DMA.
 *
 * The positive-control rule: a transfer judged "blocked" counts only when the
 * same device landed a verified transfer earlier in the same case (any
 * direction, any PASID: the engine and the device are shown to work). Without
 * one the blocked verdict is INCONCLUSIVE, never a PASS. A write is "blocked"
 * only when no other buffer of the case changed either.
 */
/*
 * The positive control, as set-up: bound dev with its RID unattached lands a
 * verified write through a scratch IOAS, which is then detached and
 * destroyed (dev is back to blocked). Failure is charged to inv and ends the
 * case. Use it before a "blocked" check that has no landed transfer of its
 * own in the flow; never between a warm-up and the transfer under test.
 */
void tc_dma_control(struct tc *c, const char *inv, unsigned dev);
/* dev landed a verified transfer earlier in this case. */
bool tc_dma_proven(const struct tc *c, unsigned dev);
bool tc_dma_write(struct tc *c, const char *inv, unsigned dev, uint32_t pasid,
		  uint64_t iova, void *mem, size_t len, bool expect_land);
bool tc_dma_read(struct tc *c, const char *inv, unsigned dev, uint32_t pasid,
		 uint64_t iova, void *mem, size_t len, bool expect_land);

/* Outcome of one DMA probed without judging it (tc_dma_try). */
enum dma_outcome {
	DMA_LANDED,  /* the transfer reached mem */
	DMA_BLOCKED, /* mem untouched / device saw nothing of mem */
	DMA_OTHER,   /* partial or corrupted */
	DMA_ERROR,   /* the engine could not run it (already logged) */
};

/* Run one transfer like tc_dma_write/read, log the evidence line, but
 * leave judging to the caller (for allowed differences). */
enum dma_outcome tc_dma_try(struct tc *c, unsigned dev, uint32_t pasid,
			    bool write, uint64_t iova, void *mem, size_t len);
const char *dma_outcome_name(enum dma_outcome o);

/* One transfer of DMA_LEN bytes: direction, IOVA and the memory the
 * contract says it reaches. */
struct dma_probe {
	bool write;
	uint64_t iova;
	void *mem;
};

/* Run each probe through tc_dma_write/read, all expected to land or all to
 * be blocked; true when every one did. */
bool dma_probes(struct tc *c, const char *inv, unsigned dev, uint32_t pasid,
		const struct dma_probe *p, unsigned n, bool expect_land);

/* Expect form: a DMA read by dev at the address an identity (pass-through)
 * domain would resolve mem to is blocked; N-O when that address is unknown
 * or out of the engine's reach. */
void expect_not_identity(struct tc *c, const char *inv, unsigned dev,
			 void *mem);

/* --- vIOMMUs (viommu.c) ---------------------------------------------------- */

/* What the device's driver takes for a vIOMMU: its type, the nested data
 * a HWPT on it needs, the vEVENTQ type it reports on, its HW queue type
 * and count (0: not known) and its invalidation type. */
struct viommu_fmt {
	uint32_t type, nested_type, nested_len, veventq_type, hw_queue_type;
	uint32_t hw_queue_max, inv_type;
	/* Its invalidation's answer to no entries of its type and to an
	 * entry naming no vDEVICE (mock 0 and EINVAL, arm-smmu-v3 EINVAL and
	 * EIO), positive errnos. */
	int inv_empty_err, inv_unknown_err;
	uint32_t nested[4];
};

void viommu_fmt(const struct dev_caps *dc, struct viommu_fmt *f);
/*
 * Dev 0 bound, a new IOAS (*ioas_out, may be NULL), a NEST_PARENT HWPT on it
 * (*parent) and a vIOMMU of the driver's type on that; SKIP where the
 * target, kernel or driver has no vIOMMU.
 */
uint32_t new_viommu_on(struct tc *c, const char *inv,
		       const struct viommu_fmt *f, uint32_t *parent,
		       uint32_t *ioas_out);
/* VDEVICE_ALLOC, raw; SKIP when the target or kernel has none. */
int vdev_rc(struct tc *c, uint32_t viommu, unsigned dev, uint64_t virt_id,
	    uint32_t *vdev);

/*
 * DESTROY of each ID in turn, each a checked step of inv: a teardown whose
 * order the contract gives (holders before what they hold).
 */
void check_destroyed(struct tc *c, const char *inv, const uint32_t *ids,
		     unsigned n);
#define CHECK_DESTROYED(c, inv, ...)                                      \
	check_destroyed(c, inv, (const uint32_t[]){ __VA_ARGS__ },          \
			sizeof((const uint32_t[]){ __VA_ARGS__ }) /          \
				sizeof(uint32_t))

#endif
