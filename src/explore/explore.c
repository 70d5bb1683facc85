// SPDX-License-Identifier: GPL-2.0
/*
 * Lockstep exploration of the target against the model oracle.
 *
 * The universe is small on purpose: up to X_DEVS devices chosen from the
 * target's capabilities (a lone device, when there is one a two-device
 * group, and a device behind another IOMMU instance when the target has
 * one, else any other device), X_IOAS IOAS slots, X_HWPT HWPT slots, the RID plus X_PASIDS
 * PASIDs, X_BUFS two-page buffers and X_IOVAS IOVA slots (the last one sits
 * on a reserved region when the device reports one). Steps name slots, not
 * IDs, so a sequence means the same thing on both sides and survives the
 * removal of steps while shrinking.
 *
 * Compared per step: the return code; the bytes UNMAP reports; which IOVA
 * slots IOVA_RANGES admits; for DMA, which buffer page the transfer hit (or
 * that it was blocked), judged from memory contents.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/iommufd.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "explore.h"

#define X_DEVS 4
#define X_IOAS 3
#define X_HWPT 3
#define X_PASIDS 2
#define X_BUFS 4
#define X_IOVAS 5
#define X_PAGE 4096ull
#define X_BUF_PAGES 2
#define X_DMA_OFF 0x40
#define X_DMA_LEN 64
/* Inside the mock driver's aperture (16 MiB..2 GiB) and every real one. */
#define X_IOVA_BASE 0x1000000ull
#define X_IOVA_STRIDE 0x200000ull

#define OUT_BLOCKED (-1)
#define OUT_OTHER (-2)

struct universe {
	unsigned ndev;
	unsigned dev[X_DEVS]; /* target device index of each universe device */
	uint64_t iova[X_IOVAS];
	bool pasid_ok;	      /* some universe device has PASIDs */
	bool dma_ok;
	bool dma_real;	      /* a device engine (edu) moves the bytes */
	uint8_t *buf;	      /* X_BUFS * X_BUF_PAGES pages, shared by sides */
	/*
	 * After a destroy, the slot names nothing (ID 0) instead of the stale
	 * ID. Set against kernel and mock targets: which object reuses a freed
	 * ID there depends on objects the model does not have (the mock's bind
	 * makes some), and the order of ID reuse is not contract. Between two
	 * models the stale ID is kept: it finds use-after-destroy bugs.
	 */
	bool forget_destroyed;
};

struct side {
	struct target *t;
	uint32_t ioas[X_IOAS];
	uint32_t hwpt[X_HWPT];
};

struct xres {
	int ret;
	int64_t out; /* meaning depends on the step, see exec_step() */
};

static const char *const kind_names[X_NKINDS] = {
	[X_BIND] = "bind",	     [X_UNBIND] = "unbind",
	[X_IOAS_ALLOC] = "ioas_alloc", [X_DESTROY_IOAS] = "destroy_ioas",
	[X_HWPT_ALLOC] = "hwpt_alloc", [X_DESTROY_HWPT] = "destroy_hwpt",
	[X_MAP] = "map",	     [X_UNMAP] = "unmap",
	[X_UNMAP_ALL] = "unmap_all", [X_COPY] = "copy",
	[X_ATTACH_IOAS] = "attach_ioas", [X_ATTACH_HWPT] = "attach_hwpt",
	[X_DETACH] = "detach",	     [X_RANGES] = "ranges",
	[X_DMA_WRITE] = "dma_write", [X_DMA_READ] = "dma_read",
	[X_ABI] = "abi",
};

static const char *const abi_names[XA_NCASES] = {
	[XA_TAIL] = "tail", [XA_ZERO_TAIL] = "zero-tail",
	[XA_FLAGS] = "flags", [XA_RANGES_RSV] = "ranges-rsv",
	[XA_UNKNOWN] = "unknown-ioctl", [XA_RANGES_SHORT] = "ranges-short",
};

/* Cases naming an IOAS slot. */
static bool abi_has_ioas(uint8_t c)
{
	return c == XA_RANGES_RSV || c == XA_RANGES_SHORT;
}

/* --- the universe -------------------------------------------------------- */

static bool universe_init(struct universe *u, const struct target_caps *caps)
{
	unsigned lone = caps->ndev, ga = caps->ndev, gb = caps->ndev;

	memset(u, 0, sizeof(*u));
	/* Prefer a device alone in its group, then a same-group pair. */
	for (unsigned i = 0; i < caps->ndev; i++) {
		bool shared = false;

		for (unsigned j = 0; j < caps->ndev; j++)
			if (j != i && caps->dev[j].group == caps->dev[i].group) {
				shared = true;
				if (ga == caps->ndev && j > i) {
					ga = i;
					gb = j;
				}
			}
		if (!shared && lone == caps->ndev)
			lone = i;
	}
	if (lone < caps->ndev)
		u->dev[u->ndev++] = lone;
	if (ga < caps->ndev) {
		u->dev[u->ndev++] = ga;
		u->dev[u->ndev++] = gb;
	}
	/* A device of another IOMMU instance: a replace onto its HWPT is one
	 * the driver refuses (ATTACH-4 / non-atomic-replace). */
	for (unsigned i = 0; u->ndev && i < caps->ndev && u->ndev < X_DEVS; i++) {
		bool used = false;

		for (unsigned k = 0; k < u->ndev; k++)
			used |= u->dev[k] == i;
		if (!used && caps->dev[i].iommu != caps->dev[u->dev[0]].iommu) {
			u->dev[u->ndev++] = i;
			break;
		}
	}
	for (unsigned i = 0; i < caps->ndev && u->ndev < X_DEVS; i++) {
		bool used = false;

		for (unsigned k = 0; k < u->ndev; k++)
			used |= u->dev[k] == i;
		if (!used)
			u->dev[u->ndev++] = i;
	}
	if (!u->ndev)
		return false;
	for (unsigned k = 0; k < u->ndev; k++)
		u->pasid_ok |= caps->dev[u->dev[k]].max_pasid_log2 > 0;
	u->pasid_ok &= caps->pasid_uapi;
	u->dma_real = caps->dma == DMA_REAL;
	u->dma_ok = caps->dma == DMA_REAL || caps->dma == DMA_MODELLED ||
		    caps->dma == DMA_PROBED;
	for (unsigned v = 0; v < X_IOVAS; v++)
		u->iova[v] = X_IOVA_BASE + v * X_IOVA_STRIDE;
	/* The last slot probes a reserved region of the first device. */
	if (caps->dev[u->dev[0]].nresv)
		u->iova[X_IOVAS - 1] = caps->dev[u->dev[0]].resv[0].start &
				       ~(X_PAGE - 1);
	u->buf = mmap(NULL, X_BUFS * X_BUF_PAGES * X_PAGE,
		      PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (u->buf == MAP_FAILED)
		return false;
	memset(u->buf, 0, X_BUFS * X_BUF_PAGES * X_PAGE);
	return true;
}

static uint8_t *page_of(const struct universe *u, unsigned page)
{
	return u->buf + page * X_PAGE;
}

/* A window's background: distinct per page, never equal to a DMA pattern. */
static void window_fill(uint8_t *w, uint32_t seed)
{
	for (unsigned i = 0; i < X_DMA_LEN; i++) {
		seed = seed * 1103515245u + 12345u;
		w[i] = (uint8_t)(seed >> 16);
	}
}

static void windows_reset(const struct universe *u)
{
	for (unsigned p = 0; p < X_BUFS * X_BUF_PAGES; p++)
		window_fill(page_of(u, p) + X_DMA_OFF, 0x51ed270bu + p * 977u);
}

static int windows_find(const struct universe *u, const uint8_t *pattern)
{
	uint8_t expect[X_DMA_LEN];
	int hit = OUT_BLOCKED;

	for (unsigned p = 0; p < X_BUFS * X_BUF_PAGES; p++) {
		const uint8_t *w = page_of(u, p) + X_DMA_OFF;

		window_fill(expect, 0x51ed270bu + p * 977u);
		if (!memcmp(w, expect, X_DMA_LEN))
			continue;
		if (hit != OUT_BLOCKED || memcmp(w, pattern, X_DMA_LEN))
			return OUT_OTHER;
		hit = (int)p;
	}
	return hit;
}

static int which_window(const struct universe *u, const uint8_t *seen,
			const uint8_t *sentinel)
{
	uint8_t expect[X_DMA_LEN];

	if (!memcmp(seen, sentinel, X_DMA_LEN))
		return OUT_BLOCKED;
	for (unsigned p = 0; p < X_BUFS * X_BUF_PAGES; p++) {
		window_fill(expect, 0x51ed270bu + p * 977u);
		if (!memcmp(seen, expect, X_DMA_LEN))
			return (int)p;
	}
	return OUT_OTHER;
}

/* --- executing one step on one side --------------------------------------- */

static uint32_t pasid_of(uint8_t p)
{
	return p ? p : T_NO_PASID;
}

static uint32_t map_prot(uint8_t arg)
{
	static const uint32_t prot[] = { T_MAP_READABLE | T_MAP_WRITEABLE,
					 T_MAP_READABLE, T_MAP_WRITEABLE, 0 };

	return prot[(arg >> 4) % 4];
}

static unsigned map_pages(uint8_t arg)
{
	return (arg & 0xf) ? (arg & 0xf) : 1;
}

/*
 * One raw ioctl breaking (or, for XA_ZERO_TAIL, honouring) an ABI rule.
 * An IOAS it creates is destroyed at once, so the step leaves no state.
 */
static int exec_abi(struct side *s, const struct xop *op)
{
	struct target *t = s->t;
	union {
		struct iommu_ioas_alloc alloc;
		struct iommu_ioas_iova_ranges ranges;
		uint8_t bytes[64];
	} b;
	unsigned long cmd = IOMMU_IOAS_ALLOC;
	int ret;

	memset(&b, 0, sizeof(b));
	b.alloc.size = sizeof(b.alloc);
	switch (op->arg % XA_NCASES) {
	case XA_TAIL:
		b.alloc.size += 8;
		b.bytes[sizeof(b.alloc) + 3] = 0x5a;
		break;
	case XA_ZERO_TAIL:
		b.alloc.size += 8;
		break;
	case XA_FLAGS:
		b.alloc.flags = 1u << 31;
		break;
	case XA_RANGES_RSV:
		cmd = IOMMU_IOAS_IOVA_RANGES;
		b.ranges.size = sizeof(b.ranges);
		b.ranges.ioas_id = s->ioas[op->ioas] & 0xffffff;
		b.ranges.__reserved = 1;
		break;
	case XA_UNKNOWN:
		/* Past the iommufd range: the VFIO compat handler does not
		 * know it either (ENOIOCTLCMD, ENOTTY to user space). */
		cmd = _IO(IOMMUFD_TYPE, 0xfe);
		break;
	case XA_RANGES_SHORT: {
		struct iova_range rg[1];
		unsigned n = 0;
		uint64_t align;

		return T_CALL(t, iova_ranges, s->ioas[op->ioas], rg, &n, &align);
	}
	}
	ret = T_CALL(t, raw_ioctl, 0, cmd, &b);
	if (!ret && cmd == IOMMU_IOAS_ALLOC)
		T_CALL(t, destroy, T_ID_MAKE(0, b.alloc.out_ioas_id));
	return ret;
}

static void exec_step(const struct universe *u, struct side *s,
		      const struct xop *op, struct xres *r)
{
	struct target *t = s->t;
	unsigned dev = u->dev[op->dev % u->ndev];
	uint32_t id = 0;
	uint64_t val = 0;

	r->out = 0;
	switch (op->kind) {
	case X_BIND:
		r->ret = T_CALL(t, bind, dev, 0);
		break;
	case X_UNBIND:
		/* Unbind closes the VFIO cdev: the close has no result of
		 * its own in the contract (an unbound device has no fd to
		 * close; the targets answer that differently), its effects
		 * show in the steps after it. */
		T_CALL(t, unbind, dev);
		r->ret = 0;
		break;
	case X_IOAS_ALLOC:
		r->ret = T_CALL(t, ioas_alloc, 0, &id);
		if (!r->ret)
			s->ioas[op->ioas] = id;
		break;
	case X_DESTROY_IOAS:
		r->ret = T_CALL(t, destroy, s->ioas[op->ioas]);
		if (!r->ret && u->forget_destroyed)
			s->ioas[op->ioas] = 0;
		break;
	case X_HWPT_ALLOC:
		r->ret = T_CALL(t, hwpt_alloc, dev, s->ioas[op->ioas], op->arg,
				0, NULL, 0, &id);
		if (!r->ret)
			s->hwpt[op->hwpt] = id;
		break;
	case X_DESTROY_HWPT:
		r->ret = T_CALL(t, destroy, s->hwpt[op->hwpt]);
		if (!r->ret && u->forget_destroyed)
			s->hwpt[op->hwpt] = 0;
		break;
	case X_MAP:
		val = u->iova[op->iova];
		r->ret = T_CALL(t, ioas_map, s->ioas[op->ioas],
				T_MAP_FIXED_IOVA | map_prot(op->arg),
				page_of(u, op->buf * X_BUF_PAGES),
				map_pages(op->arg) * X_PAGE, &val);
		break;
	case X_UNMAP:
		r->ret = T_CALL(t, ioas_unmap, s->ioas[op->ioas],
				u->iova[op->iova], map_pages(op->arg) * X_PAGE,
				&val);
		r->out = r->ret ? 0 : (int64_t)val;
		break;
	case X_UNMAP_ALL:
		r->ret = T_CALL(t, ioas_unmap, s->ioas[op->ioas], 0, UINT64_MAX,
				&val);
		r->out = r->ret ? 0 : (int64_t)val;
		break;
	case X_COPY:
		val = u->iova[op->iova];
		r->ret = T_CALL(t, ioas_copy, s->ioas[op->ioas],
				s->ioas[op->buf % X_IOAS],
				T_MAP_FIXED_IOVA | T_MAP_READABLE |
					T_MAP_WRITEABLE,
				u->iova[op->arg % X_IOVAS], X_PAGE, &val);
		break;
	case X_ATTACH_IOAS:
		/* out: whether the auto HWPT's ID came back (ATTACH-1). */
		r->ret = T_CALL(t, attach, dev, pasid_of(op->pasid),
				s->ioas[op->ioas], &id);
		r->out = !r->ret && id && id != s->ioas[op->ioas];
		break;
	case X_ATTACH_HWPT:
		r->ret = T_CALL(t, attach, dev, pasid_of(op->pasid),
				s->hwpt[op->hwpt], NULL);
		break;
	case X_DETACH:
		r->ret = T_CALL(t, detach, dev, pasid_of(op->pasid));
		break;
	case X_RANGES: {
		struct iova_range rg[T_MAX_RANGES];
		unsigned n = T_MAX_RANGES;

		r->ret = T_CALL(t, iova_ranges, s->ioas[op->ioas], rg, &n,
				&val);
		if (r->ret)
			break;
		/* Which IOVA slots the reported ranges admit. */
		for (unsigned v = 0; v < X_IOVAS; v++)
			for (unsigned i = 0; i < n && i < T_MAX_RANGES; i++)
				if (u->iova[v] >= rg[i].start &&
				    u->iova[v] + X_PAGE - 1 <= rg[i].last)
					r->out |= 1 << v;
		/* and whether they come sorted, lowest first (RANGE-6) */
		for (unsigned i = 1; i < n && i < T_MAX_RANGES; i++)
			if (rg[i].start <= rg[i - 1].last)
				r->out |= 1 << 30;
		break;
	}
	case X_DMA_WRITE: {
		uint8_t pattern[X_DMA_LEN];

		window_fill(pattern, 0xd00df00du);
		windows_reset(u);
		r->ret = T_CALL(t, dma, dev, pasid_of(op->pasid), DMA_TO_MEMORY,
				u->iova[op->iova] + X_DMA_OFF, pattern,
				X_DMA_LEN, NULL, 0);
		r->out = r->ret ? 0 : windows_find(u, pattern);
		windows_reset(u);
		break;
	}
	case X_DMA_READ: {
		uint8_t seen[X_DMA_LEN], sentinel[X_DMA_LEN];

		window_fill(sentinel, 0x5e471e1u);
		memcpy(seen, sentinel, sizeof(seen));
		windows_reset(u);
		r->ret = T_CALL(t, dma, dev, pasid_of(op->pasid),
				DMA_FROM_MEMORY, u->iova[op->iova] + X_DMA_OFF,
				seen, X_DMA_LEN, NULL, 0);
		r->out = r->ret ? 0 : which_window(u, seen, sentinel);
		/* A blocked read on edu hands back the engine's buffer as the
		 * last transfer left it: foreign bytes mean blocked there. */
		if (u->dma_real && r->out == OUT_OTHER)
			r->out = OUT_BLOCKED;
		break;
	}
	case X_ABI:
		r->ret = exec_abi(s, op);
		break;
	default:
		r->ret = -EINVAL;
	}
}

/* --- formatting and parsing steps ---------------------------------------- */

static const char *pasid_name(uint8_t p)
{
	static const char *const names[] = { "rid", "pasid1", "pasid2" };

	return names[p % (X_PASIDS + 1)];
}

static const char *prot_name(uint8_t arg)
{
	static const char *const names[] = { "rw", "r", "w", "none" };

	return names[(arg >> 4) % 4];
}

void xop_format(const struct xop *op, char *b, size_t len)
{
	const char *k = op->kind < X_NKINDS ? kind_names[op->kind] : "?";

	switch (op->kind) {
	case X_BIND:
	case X_UNBIND:
		snprintf(b, len, "%s d%u", k, op->dev);
		break;
	case X_IOAS_ALLOC:
	case X_DESTROY_IOAS:
	case X_UNMAP_ALL:
	case X_RANGES:
		snprintf(b, len, "%s i%u", k, op->ioas);
		break;
	case X_HWPT_ALLOC:
		snprintf(b, len, "%s h%u d%u i%u flags=0x%x", k, op->hwpt,
			 op->dev, op->ioas, op->arg);
		break;
	case X_DESTROY_HWPT:
		snprintf(b, len, "%s h%u", k, op->hwpt);
		break;
	case X_MAP:
		snprintf(b, len, "%s i%u v%u b%u pages=%u prot=%s", k, op->ioas,
			 op->iova, op->buf, map_pages(op->arg),
			 prot_name(op->arg));
		break;
	case X_UNMAP:
		snprintf(b, len, "%s i%u v%u pages=%u", k, op->ioas, op->iova,
			 map_pages(op->arg));
		break;
	case X_COPY:
		snprintf(b, len, "%s i%u v%u from i%u v%u", k, op->ioas,
			 op->iova, op->buf, op->arg);
		break;
	case X_ATTACH_IOAS:
		snprintf(b, len, "%s d%u %s i%u", k, op->dev,
			 pasid_name(op->pasid), op->ioas);
		break;
	case X_ATTACH_HWPT:
		snprintf(b, len, "%s d%u %s h%u", k, op->dev,
			 pasid_name(op->pasid), op->hwpt);
		break;
	case X_DETACH:
		snprintf(b, len, "%s d%u %s", k, op->dev, pasid_name(op->pasid));
		break;
	case X_DMA_WRITE:
	case X_DMA_READ:
		snprintf(b, len, "%s d%u %s v%u", k, op->dev,
			 pasid_name(op->pasid), op->iova);
		break;
	case X_ABI:
		if (abi_has_ioas(op->arg % XA_NCASES))
			snprintf(b, len, "%s %s i%u", k,
				 abi_names[op->arg % XA_NCASES], op->ioas);
		else
			snprintf(b, len, "%s %s", k, abi_names[op->arg % XA_NCASES]);
		break;
	default:
		snprintf(b, len, "?");
	}
}

/* Reads "<letter><number>" into *v, bounded by max. */
static bool slot(const char *tok, char letter, unsigned max, uint8_t *v)
{
	char *end;
	unsigned long n;

	if (!tok || tok[0] != letter)
		return false;
	n = strtoul(tok + 1, &end, 10);
	if (*end || end == tok + 1 || n >= max)
		return false;
	*v = (uint8_t)n;
	return true;
}

static bool pasid_tok(const char *tok, uint8_t *p)
{
	for (uint8_t i = 0; i <= X_PASIDS; i++)
		if (tok && !strcmp(tok, pasid_name(i))) {
			*p = i;
			return true;
		}
	return false;
}

static bool kv(const char *tok, const char *key, unsigned long *v)
{
	size_t n = strlen(key);
	char *end;

	if (!tok || strncmp(tok, key, n) || tok[n] != '=')
		return false;
	*v = strtoul(tok + n + 1, &end, 0);
	return !*end && end != tok + n + 1;
}

bool xop_parse(const char *line, struct xop *op)
{
	char copy[256], *tok[8] = { 0 }, *save = NULL;
	unsigned n = 0, kind;
	unsigned long v;

	snprintf(copy, sizeof(copy), "%s", line);
	for (char *p = strtok_r(copy, " \t\r\n", &save); p && n < 8;
	     p = strtok_r(NULL, " \t\r\n", &save))
		tok[n++] = p;
	if (!n)
		return false;
	for (kind = 0; kind < X_NKINDS; kind++)
		if (!strcmp(tok[0], kind_names[kind]))
			break;
	memset(op, 0, sizeof(*op));
	op->kind = (uint8_t)kind;
	switch (kind) {
	case X_BIND:
	case X_UNBIND:
		return n == 2 && slot(tok[1], 'd', X_DEVS, &op->dev);
	case X_IOAS_ALLOC:
	case X_DESTROY_IOAS:
	case X_UNMAP_ALL:
	case X_RANGES:
		return n == 2 && slot(tok[1], 'i', X_IOAS, &op->ioas);
	case X_HWPT_ALLOC:
		if (n != 5 || !slot(tok[1], 'h', X_HWPT, &op->hwpt) ||
		    !slot(tok[2], 'd', X_DEVS, &op->dev) ||
		    !slot(tok[3], 'i', X_IOAS, &op->ioas) ||
		    !kv(tok[4], "flags", &v) || v > 0xff)
			return false;
		op->arg = (uint8_t)v;
		return true;
	case X_DESTROY_HWPT:
		return n == 2 && slot(tok[1], 'h', X_HWPT, &op->hwpt);
	case X_MAP: {
		unsigned long pages;
		unsigned prot;

		if (n != 6 || !slot(tok[1], 'i', X_IOAS, &op->ioas) ||
		    !slot(tok[2], 'v', X_IOVAS, &op->iova) ||
		    !slot(tok[3], 'b', X_BUFS, &op->buf) ||
		    !kv(tok[4], "pages", &pages) || !pages ||
		    pages > X_BUF_PAGES || strncmp(tok[5], "prot=", 5))
			return false;
		for (prot = 0; prot < 4; prot++)
			if (!strcmp(tok[5] + 5, prot_name((uint8_t)(prot << 4))))
				break;
		if (prot == 4)
			return false;
		op->arg = (uint8_t)(pages | prot << 4);
		return true;
	}
	case X_UNMAP: {
		unsigned long pages;

		if (n != 4 || !slot(tok[1], 'i', X_IOAS, &op->ioas) ||
		    !slot(tok[2], 'v', X_IOVAS, &op->iova) ||
		    !kv(tok[3], "pages", &pages) || !pages || pages > 15)
			return false;
		op->arg = (uint8_t)pages;
		return true;
	}
	case X_COPY:
		return n == 6 && slot(tok[1], 'i', X_IOAS, &op->ioas) &&
		       slot(tok[2], 'v', X_IOVAS, &op->iova) &&
		       !strcmp(tok[3], "from") &&
		       slot(tok[4], 'i', X_IOAS, &op->buf) &&
		       slot(tok[5], 'v', X_IOVAS, &op->arg);
	case X_ATTACH_IOAS:
		return n == 4 && slot(tok[1], 'd', X_DEVS, &op->dev) &&
		       pasid_tok(tok[2], &op->pasid) &&
		       slot(tok[3], 'i', X_IOAS, &op->ioas);
	case X_ATTACH_HWPT:
		return n == 4 && slot(tok[1], 'd', X_DEVS, &op->dev) &&
		       pasid_tok(tok[2], &op->pasid) &&
		       slot(tok[3], 'h', X_HWPT, &op->hwpt);
	case X_DETACH:
		return n == 3 && slot(tok[1], 'd', X_DEVS, &op->dev) &&
		       pasid_tok(tok[2], &op->pasid);
	case X_DMA_WRITE:
	case X_DMA_READ:
		return n == 4 && slot(tok[1], 'd', X_DEVS, &op->dev) &&
		       pasid_tok(tok[2], &op->pasid) &&
		       slot(tok[3], 'v', X_IOVAS, &op->iova);
	case X_ABI:
		for (unsigned c = 0; c < XA_NCASES; c++) {
			if (n < 2 || strcmp(tok[1], abi_names[c]))
				continue;
			op->arg = (uint8_t)c;
			if (abi_has_ioas((uint8_t)c))
				return n == 3 && slot(tok[2], 'i', X_IOAS, &op->ioas);
			return n == 2;
		}
		return false;
	}
	return false;
}

/* --- running sequences in lockstep -------------------------------------- */

struct lockstep {
	const struct target_config *tcfg, *ocfg;
	struct universe u;
	struct explore_stats *st;
	char *why;
	size_t why_len;
	struct side a, b; /* kept open between sequences when both reset */
	bool open;
};

/* What the oracle says exists, so generated steps mostly name live slots. */
struct gen_state {
	uint64_t rng;
	bool ioas_live[X_IOAS];
	bool hwpt_live[X_HWPT];
	bool iova_mapped[X_IOVAS]; /* in some IOAS */
	bool pasid_used[X_PASIDS + 1]; /* attached on some device once */
	uint8_t focus_dev;	   /* most steps act on one device */
	unsigned dma_permille;
	/* Swarm testing: each sequence leaves out a random subset of step
	 * kinds and draws its own PASID share and second device, so some
	 * sequences build deep states no uniform mix would reach. */
	bool kind_on[X_NKINDS];
	uint8_t pair_dev;	   /* the other device a sequence favours */
	unsigned pasid_per8;	   /* PASID (not RID) share, in eighths */
	unsigned len_mult;	   /* sequence length, in --length units */
};

/* Where and how a sequence diverged. */
struct divergence {
	int step; /* -1: none */
	struct xres target, oracle;
};

static int open_side(struct lockstep *ls, struct side *x,
		     const struct target_config *cfg)
{
	bool skip;

	if (x->t && x->t->ops->reset && !x->t->ops->reset(x->t)) {
		memset(x->ioas, 0, sizeof(x->ioas));
		memset(x->hwpt, 0, sizeof(x->hwpt));
		return 0;
	}
	if (x->t)
		target_close(x->t);
	memset(x, 0, sizeof(*x));
	x->t = target_open(cfg, ls->why, ls->why_len, &skip);
	return x->t ? 0 : -1;
}

/* Fresh state on both sides: reset where the target can, reopen else. */
static int open_sides(struct lockstep *ls, struct side **a, struct side **b)
{
	if (open_side(ls, &ls->a, ls->tcfg) || open_side(ls, &ls->b, ls->ocfg))
		return -1;
	*a = &ls->a;
	*b = &ls->b;
	return 0;
}

static void close_sides(struct lockstep *ls)
{
	target_close(ls->a.t);
	target_close(ls->b.t);
	ls->a.t = ls->b.t = NULL;
}

/*
 * x is the target's result, y the oracle's. A step the target cannot
 * express (-T_UNSUPPORTED: e.g. DMA or attach through a device the kernel
 * or mock target has not opened) is not compared, as the runner SKIPs it.
 */
static bool same(const struct xres *x, const struct xres *y)
{
	if (x->ret == -T_UNSUPPORTED)
		return true;
	return x->ret == y->ret && x->out == y->out;
}

static void random_step(const struct universe *u, struct gen_state *g,
			struct xop *op);
static void gen_learn(struct gen_state *g, const struct xop *op,
		      const struct xres *oracle);

/*
 * Runs seq on fresh targets; fills *d. With g, each step is generated just
 * before it runs, from what the oracle has said exists so far. Returns -1
 * if a side can't be opened.
 */
static int run_lockstep(struct lockstep *ls, struct xseq *seq,
			struct gen_state *g, struct divergence *d)
{
	struct side *a, *b;

	d->step = -1;
	if (open_sides(ls, &a, &b))
		return -1;
	for (unsigned i = 0; i < seq->n; i++) {
		struct xres ra, rb;

		if (g)
			random_step(&ls->u, g, &seq->op[i]);
		exec_step(&ls->u, a, &seq->op[i], &ra);
		exec_step(&ls->u, b, &seq->op[i], &rb);
		if (g)
			gen_learn(g, &seq->op[i], &rb);
		if (ls->st) {
			ls->st->ops++;
			ls->st->dma_ops += seq->op[i].kind == X_DMA_WRITE ||
					   seq->op[i].kind == X_DMA_READ;
		}
		if (!same(&ra, &rb)) {
			d->step = (int)i;
			d->target = ra;
			d->oracle = rb;
			break;
		}
	}
	return 0;
}

/* --- generating steps ---------------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
	/* xorshift64*: deterministic from the seed on every machine. */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static unsigned rnd(uint64_t *s, unsigned n)
{
	return (unsigned)(rng_next(s) % n);
}

/* A live slot most of the time, any slot sometimes (to reach errors). */
static uint8_t pick_slot(uint64_t *s, const bool *live, unsigned n)
{
	unsigned nlive = 0, k;

	for (unsigned i = 0; i < n; i++)
		nlive += live[i];
	if (!nlive || rnd(s, 8) == 0)
		return (uint8_t)rnd(s, n);
	k = rnd(s, nlive);
	for (unsigned i = 0; i < n; i++)
		if (live[i] && k-- == 0)
			return (uint8_t)i;
	return 0;
}

static void random_step(const struct universe *u, struct gen_state *g,
			struct xop *op)
{
	static const uint8_t kinds[] = {
		X_BIND,	       X_BIND,	       X_UNBIND,      X_IOAS_ALLOC,
		X_IOAS_ALLOC,  X_DESTROY_IOAS, X_HWPT_ALLOC,  X_HWPT_ALLOC,
		X_DESTROY_HWPT, X_MAP,	       X_MAP,	      X_MAP,
		X_UNMAP,       X_UNMAP_ALL,    X_COPY,	      X_ATTACH_IOAS,
		X_ATTACH_IOAS, X_ATTACH_HWPT,  X_ATTACH_HWPT, X_ATTACH_HWPT,
		X_DETACH,      X_DETACH,       X_RANGES,      X_ABI,
	};
	uint64_t *s = &g->rng;
	unsigned r;

	memset(op, 0, sizeof(*op));
	if (u->dma_ok && rnd(s, 1000) < g->dma_permille) {
		op->kind = rnd(s, 2) ? X_DMA_WRITE : X_DMA_READ;
	} else {
		/* The swarm's subset; bind is always in it. */
		do
			op->kind = kinds[rnd(s, sizeof(kinds))];
		while (!g->kind_on[op->kind]);
	}
	r = rnd(s, 8);
	op->dev = r < 5 ? g->focus_dev % u->ndev :
		  r < 7 ? g->pair_dev % u->ndev : (uint8_t)rnd(s, u->ndev);
	op->pasid = u->pasid_ok && rnd(s, 8) < g->pasid_per8 ?
			    (uint8_t)(1 + rnd(s, X_PASIDS)) : 0;
	op->ioas = op->kind == X_IOAS_ALLOC ? (uint8_t)rnd(s, X_IOAS) :
		   pick_slot(s, g->ioas_live, X_IOAS);
	op->hwpt = op->kind == X_HWPT_ALLOC ? (uint8_t)rnd(s, X_HWPT) :
		   pick_slot(s, g->hwpt_live, X_HWPT);
	op->iova = (uint8_t)rnd(s, X_IOVAS);
	op->buf = (uint8_t)rnd(s, X_BUFS);
	switch (op->kind) {
	case X_DMA_WRITE:
	case X_DMA_READ:
		/* Never DMA into the reserved slot: on x86 it is the MSI
		 * doorbell, and a real device would raise an interrupt.
		 * Mostly aim at IOVAs that were mapped somewhere. */
		op->iova = rnd(s, 4) ? pick_slot(s, g->iova_mapped, X_IOVAS - 1) :
				       (uint8_t)rnd(s, X_IOVAS - 1);
		/* Probe PASIDs that were attached somewhere, from any device:
		 * the PASID-isolation bugs (SEED-B/C) show only there. */
		if (u->pasid_ok && rnd(s, 2)) {
			for (uint8_t p = 1; p <= X_PASIDS; p++)
				if (g->pasid_used[p])
					op->pasid = p;
			op->dev = (uint8_t)rnd(s, u->ndev);
		}
		break;
	case X_MAP:
		/* Mostly read-write; read-only, write-only and (rarely) no
		 * permission at all, which MAP must refuse (IOAS-1). */
		r = rnd(s, 16);
		op->arg = (uint8_t)((1 + rnd(s, X_BUF_PAGES)) |
				    (r < 12 ? 0 : r < 14 ? 1 : r < 15 ? 2 : 3) << 4);
		break;
	case X_UNMAP:
		op->arg = (uint8_t)(1 + rnd(s, X_BUF_PAGES));
		break;
	case X_HWPT_ALLOC:
		op->arg = u->pasid_ok && rnd(s, 2) ? T_HWPT_PASID : 0;
		/* Now and then a flag no kernel has: EOPNOTSUPP (HWPT-1). */
		if (rnd(s, 16) == 0)
			op->arg |= 0x80;
		break;
	case X_ABI:
		op->arg = (uint8_t)rnd(s, XA_NCASES);
		break;
	case X_COPY:
		op->buf = pick_slot(s, g->ioas_live, X_IOAS);
		op->arg = (uint8_t)rnd(s, X_IOVAS);
		break;
	}
}

/* Per-sequence swarm parameters, all drawn from the sequence's seed. */
static void gen_init(struct gen_state *g, const struct universe *u,
		     uint64_t seq_seed, unsigned dma_permille)
{
	uint64_t *s = &g->rng;

	memset(g, 0, sizeof(*g));
	g->rng = seq_seed | 1;
	g->dma_permille = dma_permille;
	g->focus_dev = (uint8_t)rnd(s, u->ndev);
	g->pair_dev = (uint8_t)rnd(s, u->ndev);
	g->pasid_per8 = rnd(s, 5); /* 0..4 eighths */
	/* Each kind is in with probability 3/4; one sequence in four uses
	 * every kind (the plain mix). */
	for (unsigned k = 0; k < X_NKINDS; k++)
		g->kind_on[k] = rnd(s, 4) != 0;
	if (rnd(s, 4) == 0)
		for (unsigned k = 0; k < X_NKINDS; k++)
			g->kind_on[k] = true;
	g->kind_on[X_BIND] = true;
	/* Half the sequences are --length long, the rest two or three
	 * times that: deep states need long set-ups. */
	g->len_mult = rnd(s, 2) ? 1 : 2 + rnd(s, 2);
}

static void gen_learn(struct gen_state *g, const struct xop *op,
		      const struct xres *oracle)
{
	if (oracle->ret)
		return;
	switch (op->kind) {
	case X_IOAS_ALLOC:
		g->ioas_live[op->ioas] = true;
		break;
	case X_DESTROY_IOAS:
		g->ioas_live[op->ioas] = false;
		break;
	case X_HWPT_ALLOC:
		g->hwpt_live[op->hwpt] = true;
		break;
	case X_MAP:
	case X_COPY:
		g->iova_mapped[op->iova] = true;
		break;
	case X_ATTACH_IOAS:
	case X_ATTACH_HWPT:
		g->pasid_used[op->pasid] = true;
		break;
	case X_DESTROY_HWPT:
		g->hwpt_live[op->hwpt] = false;
		break;
	}
}

/* --- shrinking ----------------------------------------------------------- */

static bool diverges(struct lockstep *ls, struct xseq *seq)
{
	struct divergence d;

	return run_lockstep(ls, seq, NULL, &d) == 0 && d.step >= 0;
}

/*
 * Lower operands (devices, slots) where the divergence survives it: a
 * reproducer that names d0, i0, h0 reads better, and lowering often lets
 * another removal pass drop steps (two devices become one).
 */
static bool lower_operands(struct lockstep *ls, struct xseq *seq)
{
	bool changed = false;

	for (unsigned i = 0; i < seq->n; i++) {
		uint8_t *field[] = { &seq->op[i].dev, &seq->op[i].ioas,
				     &seq->op[i].hwpt, &seq->op[i].buf };

		for (unsigned f = 0; f < sizeof(field) / sizeof(*field); f++)
			for (uint8_t v = 0; v < *field[f]; v++) {
				struct xseq trial = *seq;
				uint8_t *tf = (uint8_t *)&trial.op[i] +
					      (field[f] - (uint8_t *)&seq->op[i]);

				*tf = v;
				if (diverges(ls, &trial)) {
					*seq = trial;
					changed = true;
					break;
				}
			}
	}
	return changed;
}

/* The IOAS slot fields of a step (COPY names its source IOAS in buf). */
static void ioas_fields(struct xop *op, uint8_t **f, unsigned *n)
{
	*n = 0;
	f[(*n)++] = &op->ioas;
	if (op->kind == X_COPY)
		f[(*n)++] = &op->buf;
}

/*
 * Merge one slot into a lower one everywhere in the sequence (i2 -> i0 on
 * every step at once), which per-step lowering cannot do when the slot is
 * allocated and used: afterwards one of the two allocations often drops.
 */
static bool merge_slots(struct lockstep *ls, struct xseq *seq)
{
	bool changed = false;

	for (unsigned what = 0; what < 2; what++)
		for (uint8_t from = 1; from < X_IOAS; from++)
			for (uint8_t to = 0; to < from; to++) {
				struct xseq trial = *seq;
				bool used = false;

				for (unsigned i = 0; i < trial.n; i++) {
					uint8_t *f[2];
					unsigned nf;

					if (what == 1) {
						f[0] = &trial.op[i].hwpt;
						nf = 1;
					} else {
						ioas_fields(&trial.op[i], f, &nf);
					}
					for (unsigned k = 0; k < nf; k++)
						if (*f[k] == from) {
							*f[k] = to;
							used = true;
						}
				}
				if (used && diverges(ls, &trial)) {
					*seq = trial;
					changed = true;
				}
			}
	return changed;
}

/*
 * Attach to the IOAS instead of the HWPT allocated on it (an auto domain
 * instead of an explicit one): the HWPT_ALLOC and the bind it needed may
 * then drop.
 */
static bool simplify_attach(struct lockstep *ls, struct xseq *seq)
{
	for (unsigned i = 0; i < seq->n; i++) {
		struct xseq trial = *seq;
		int alloc = -1;

		if (seq->op[i].kind != X_ATTACH_HWPT)
			continue;
		for (unsigned k = 0; k < i; k++)
			if (seq->op[k].kind == X_HWPT_ALLOC &&
			    seq->op[k].hwpt == seq->op[i].hwpt)
				alloc = (int)k;
		if (alloc < 0)
			continue;
		trial.op[i].kind = X_ATTACH_IOAS;
		trial.op[i].ioas = seq->op[alloc].ioas;
		trial.op[i].hwpt = 0;
		if (diverges(ls, &trial)) {
			*seq = trial;
			return true;
		}
	}
	return false;
}

/* Drop two steps at once, anywhere: an allocation and its only use go
 * together, which halving chunks miss when they are not adjacent. */
static bool drop_pairs(struct lockstep *ls, struct xseq *seq)
{
	for (unsigned i = 0; i + 1 < seq->n; i++)
		for (unsigned j = i + 1; j < seq->n; j++) {
			struct xseq trial = { 0 };

			for (unsigned k = 0; k < seq->n; k++)
				if (k != i && k != j)
					trial.op[trial.n++] = seq->op[k];
			if (trial.n && diverges(ls, &trial)) {
				*seq = trial;
				return true;
			}
		}
	return false;
}

static void drop_steps(struct lockstep *ls, struct xseq *seq);

/*
 * Delta debugging to a fixpoint of removal, operand lowering, slot merging
 * and pair removal. Every candidate is one lockstep run on the model, so
 * the whole shrink takes milliseconds there.
 */
static void shrink(struct lockstep *ls, struct xseq *seq, int first_step)
{
	seq->n = (unsigned)first_step + 1;
	for (;;) {
		drop_steps(ls, seq);
		if (lower_operands(ls, seq) || merge_slots(ls, seq) ||
		    simplify_attach(ls, seq))
			continue;
		if (seq->n > 16 || !drop_pairs(ls, seq))
			break;
	}
}

/* Drop chunks, then single steps, while it still diverges. */
static void drop_steps(struct lockstep *ls, struct xseq *seq)
{
	struct xseq trial;

	for (unsigned chunk = seq->n / 2; chunk >= 1; chunk /= 2) {
		bool progress = true;

		while (progress) {
			progress = false;
			for (unsigned at = 0; at + chunk <= seq->n && seq->n > 1;) {
				trial.n = 0;
				for (unsigned i = 0; i < seq->n; i++)
					if (i < at || i >= at + chunk)
						trial.op[trial.n++] = seq->op[i];
				if (trial.n && diverges(ls, &trial)) {
					*seq = trial;
					progress = true;
				} else {
					at += chunk;
				}
			}
		}
		if (chunk == 1)
			break;
	}
}

/* --- reporting ----------------------------------------------------------- */

static void describe(char *b, size_t len, const struct xop *op,
		     const struct xres *r)
{
	if (r->ret) {
		snprintf(b, len, "-%d", -r->ret);
		return;
	}
	switch (op->kind) {
	case X_UNMAP:
	case X_UNMAP_ALL:
		snprintf(b, len, "0 unmapped=%" PRId64, r->out);
		break;
	case X_RANGES:
		snprintf(b, len, "0 admits-slots=0x%" PRIx64 "%s",
			 r->out & 0xff, r->out >> 30 ? " unsorted" : "");
		break;
	case X_ATTACH_IOAS:
		snprintf(b, len, "0%s", r->out ? "" : " no-hwpt-id");
		break;
	case X_DMA_WRITE:
	case X_DMA_READ:
		if (r->out == OUT_BLOCKED)
			snprintf(b, len, "0 blocked");
		else if (r->out == OUT_OTHER)
			snprintf(b, len, "0 landed-elsewhere");
		else
			snprintf(b, len, "0 hit b%" PRId64 " page %" PRId64,
				 r->out / X_BUF_PAGES, r->out % X_BUF_PAGES);
		break;
	default:
		snprintf(b, len, "0");
	}
}

static void write_replay(FILE *f, const struct lockstep *ls,
			 const struct xseq *seq, uint64_t seed)
{
	char line[128];

	fprintf(f, "# iommu-conformance replay v1\n");
	fprintf(f, "# found with: explore --target %s%s%s --seed %" PRIu64 "\n",
		ls->tcfg->target ? ls->tcfg->target : "model",
		ls->tcfg->profile ? " --profile " : "",
		ls->tcfg->profile ? ls->tcfg->profile : "", seed);
	for (unsigned i = 0; i < seq->n; i++) {
		xop_format(&seq->op[i], line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
}

/* The sequence as a scenario body a developer can paste and tag. */
static void write_scenario(FILE *f, const struct xseq *seq,
			   const struct xres *expect, uint64_t seed)
{
	char line[128];

	fprintf(f, "/* Found by the explorer (seed %" PRIu64 "); set the invariant. */\n", seed);
	fprintf(f, "SCENARIO(explore_%" PRIx64 ", .id = \"explore.repro_%" PRIx64 "\",\n", seed, seed);
	fprintf(f, "\t .title = \"explorer reproducer\", .invariants = \"TODO\",\n");
	fprintf(f, "\t .min_devs = %d)\n{\n", X_DEVS);
	fprintf(f, "\t/* Replay with: iommu-conformance replay FILE; steps and the model's results: */\n");
	for (unsigned i = 0; i < seq->n; i++) {
		char res[64];

		xop_format(&seq->op[i], line, sizeof(line));
		describe(res, sizeof(res), &seq->op[i], &expect[i]);
		fprintf(f, "\t/* %-40s -> %s */\n", line, res);
	}
	fprintf(f, "}\n");
}

static void report(struct lockstep *ls, const struct xseq *seq, uint64_t seed,
		   const struct explore_opts *o, FILE *out)
{
	struct side *a, *b;
	struct xres ra[X_MAX_OPS], rb[X_MAX_OPS];
	char line[128], x[64], y[64];

	if (open_sides(ls, &a, &b))
		return;
	for (unsigned i = 0; i < seq->n; i++) {
		exec_step(&ls->u, a, &seq->op[i], &ra[i]);
		exec_step(&ls->u, b, &seq->op[i], &rb[i]);
	}

	fprintf(out, "# divergence (seed %" PRIu64 "), shrunk to %u steps:\n",
		seed, seq->n);
	for (unsigned i = 0; i < seq->n; i++) {
		xop_format(&seq->op[i], line, sizeof(line));
		describe(x, sizeof(x), &seq->op[i], &ra[i]);
		describe(y, sizeof(y), &seq->op[i], &rb[i]);
		fprintf(out, "#  %2u %-40s target %-22s model %s%s\n", i + 1,
			line, x, y, same(&ra[i], &rb[i]) ? "" : "   <-- differs");
	}
	if (o->replay_out) {
		FILE *f = fopen(o->replay_out, "w");

		if (f) {
			write_replay(f, ls, seq, seed);
			fclose(f);
			fprintf(out, "# replay file: %s\n", o->replay_out);
		} else {
			fprintf(out, "# cannot write %s: %s\n", o->replay_out,
				strerror(errno));
		}
	}
	fprintf(out, "# as a scenario:\n");
	write_scenario(out, seq, rb, seed);
}

/* --- exhaustive mode ----------------------------------------------------- */

/*
 * Canonical form for symmetry reduction: IOAS and HWPT slots are
 * interchangeable, so a step may name slot k only once slot k-1 has been
 * named before. Devices are not (their groups differ), nor IOVA slots (one
 * is reserved).
 */
static bool canonical_ok(const struct xseq *seq)
{
	unsigned ioas_hi = 0, hwpt_hi = 0;

	for (unsigned i = 0; i < seq->n; i++) {
		const struct xop *op = &seq->op[i];

		if (op->ioas > ioas_hi || op->hwpt > hwpt_hi)
			return false;
		if (op->ioas == ioas_hi)
			ioas_hi++;
		if (op->kind == X_HWPT_ALLOC || op->kind == X_ATTACH_HWPT ||
		    op->kind == X_DESTROY_HWPT)
			if (op->hwpt == hwpt_hi)
				hwpt_hi++;
	}
	return true;
}

/* A small alphabet: enough to reach attach/replace/detach/PASID states. */
static unsigned alphabet(const struct universe *u, struct xop *a, unsigned max)
{
	unsigned n = 0;

	for (uint8_t d = 0; d < u->ndev && d < 2; d++) {
		a[n++] = (struct xop){ .kind = X_BIND, .dev = d };
		a[n++] = (struct xop){ .kind = X_UNBIND, .dev = d };
		for (uint8_t i = 0; i < 2; i++) {
			a[n++] = (struct xop){ .kind = X_ATTACH_IOAS, .dev = d, .ioas = i };
			a[n++] = (struct xop){ .kind = X_HWPT_ALLOC, .dev = d, .ioas = i,
					       .arg = u->pasid_ok ? T_HWPT_PASID : 0 };
		}
		a[n++] = (struct xop){ .kind = X_ATTACH_HWPT, .dev = d };
		a[n++] = (struct xop){ .kind = X_DETACH, .dev = d };
		if (u->pasid_ok) {
			a[n++] = (struct xop){ .kind = X_ATTACH_HWPT, .dev = d, .pasid = 1 };
			a[n++] = (struct xop){ .kind = X_DETACH, .dev = d, .pasid = 1 };
		}
	}
	for (uint8_t i = 0; i < 2; i++) {
		a[n++] = (struct xop){ .kind = X_IOAS_ALLOC, .ioas = i };
		a[n++] = (struct xop){ .kind = X_DESTROY_IOAS, .ioas = i };
		a[n++] = (struct xop){ .kind = X_MAP, .ioas = i, .arg = 1 };
		a[n++] = (struct xop){ .kind = X_UNMAP, .ioas = i, .arg = 1 };
	}
	a[n++] = (struct xop){ .kind = X_DESTROY_HWPT };
	return n < max ? n : max;
}

/* Observable state of the oracle after a sequence, for counting states. */
static uint64_t observe(const struct universe *u, struct side *s)
{
	uint64_t h = 1469598103934665603ull;
	struct xres r;

	for (uint8_t i = 0; i < 2; i++) {
		struct xop q = { .kind = X_RANGES, .ioas = i };

		exec_step(u, s, &q, &r);
		h = (h ^ (uint64_t)(r.ret * 31 + r.out)) * 1099511628211ull;
	}
	for (uint8_t d = 0; d < u->ndev && d < 2; d++)
		for (uint8_t p = 0; p <= (u->pasid_ok ? 1 : 0); p++) {
			struct xop q = { .kind = X_DMA_READ, .dev = d, .pasid = p };

			exec_step(u, s, &q, &r);
			h = (h ^ (uint64_t)(r.ret * 31 + r.out)) * 1099511628211ull;
		}
	return h;
}

struct hashset {
	uint64_t *v;
	size_t cap, n;
};

static void hs_add(struct hashset *hs, uint64_t x)
{
	if (!x)
		x = 1;
	if (hs->n * 2 >= hs->cap) {
		struct hashset bigger = { calloc(hs->cap ? hs->cap * 2 : 1024, 8),
					  hs->cap ? hs->cap * 2 : 1024, 0 };

		for (size_t i = 0; i < hs->cap; i++)
			if (hs->v[i])
				hs_add(&bigger, hs->v[i]);
		free(hs->v);
		*hs = bigger;
	}
	for (size_t i = x % hs->cap;; i = (i + 1) % hs->cap) {
		if (hs->v[i] == x)
			return;
		if (!hs->v[i]) {
			hs->v[i] = x;
			hs->n++;
			return;
		}
	}
}

/* --- the driver loop ----------------------------------------------------- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool out_of_budget(const struct explore_opts *o,
			  const struct explore_stats *st, double t0)
{
	return (o->max_seqs && st->seqs >= o->max_seqs) ||
	       (o->max_seconds > 0 && now() - t0 >= o->max_seconds);
}

static void progress(const struct explore_opts *o,
		     const struct explore_stats *st, double t0, bool final)
{
	if (!o->progress)
		return;
	fprintf(stderr, "\rexplore: %" PRIu64 " sequences, %" PRIu64
			" steps (%" PRIu64 " DMA), %.1f s%s",
		st->seqs, st->ops, st->dma_ops, now() - t0, final ? "\n" : "");
}

static int found(struct lockstep *ls, struct xseq *seq,
		 const struct divergence *d, uint64_t seed,
		 const struct explore_opts *o, FILE *out)
{
	double t = now();

	ls->st->divergences++;
	shrink(ls, seq, d->step);
	ls->st->shrink_seconds = now() - t;
	ls->st->shrunk_len = seq->n;
	if (!o->quiet)
		report(ls, seq, seed, o, out);
	return 1;
}

static int explore_exhaustive(struct lockstep *ls, const struct explore_opts *o,
			      FILE *out, double t0)
{
	struct xop alpha[64];
	unsigned na = alphabet(&ls->u, alpha, 64);
	unsigned idx[X_MAX_OPS] = { 0 };
	struct hashset states = { 0 };
	struct xseq seq;
	int rc = 0;

	for (unsigned len = 1; len <= o->depth && !rc; len++) {
		memset(idx, 0, sizeof(idx));
		for (;;) {
			struct divergence d;
			struct side *a, *b;

			seq.n = len;
			for (unsigned i = 0; i < len; i++)
				seq.op[i] = alpha[idx[i]];
			if (canonical_ok(&seq)) {
				if (open_sides(ls, &a, &b))
					return 2;
				d.step = -1;
				for (unsigned i = 0; i < len; i++) {
					struct xres ra, rb;

					exec_step(&ls->u, a, &seq.op[i], &ra);
					exec_step(&ls->u, b, &seq.op[i], &rb);
					ls->st->ops++;
					if (!same(&ra, &rb) && d.step < 0) {
						d.step = (int)i;
						break;
					}
				}
				if (d.step < 0)
					hs_add(&states, observe(&ls->u, b));
				ls->st->seqs++;
				if (d.step >= 0) {
					rc = found(ls, &seq, &d, len, o, out);
					break;
				}
				if ((ls->st->seqs & 1023) == 0)
					progress(o, ls->st, t0, false);
			}
			/* Next tuple in lexicographic order. */
			unsigned k = len;

			while (k > 0 && ++idx[k - 1] == na)
				idx[--k] = 0;
			if (k == 0 || out_of_budget(o, ls->st, t0))
				break;
		}
		if (out_of_budget(o, ls->st, t0))
			break;
	}
	ls->st->states = states.n;
	free(states.v);
	return rc;
}

int explore_run(const struct target_config *target,
		const struct target_config *oracle,
		const struct explore_opts *o, struct explore_stats *st,
		FILE *out, char *why, size_t why_len)
{
	struct lockstep ls = { .tcfg = target, .ocfg = oracle, .st = st,
			       .why = why, .why_len = why_len };
	struct target *probe;
	double t0 = now();
	uint64_t rng = o->seed ? o->seed : 1;
	bool skip;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	probe = target_open(target, why, why_len, &skip);
	if (!probe)
		return 2;
	if (!universe_init(&ls.u, &probe->caps)) {
		snprintf(why, why_len, "target has no device to explore with");
		target_close(probe);
		return 2;
	}
	target_close(probe);
	ls.u.forget_destroyed = target->target && strcmp(target->target, "model");

	if (o->exhaustive) {
		rc = explore_exhaustive(&ls, o, out, t0);
	} else {
		while (!out_of_budget(o, st, t0)) {
			struct xseq seq;
			struct divergence d;
			uint64_t seq_seed = rng_next(&rng);
			struct gen_state g;

			gen_init(&g, &ls.u, seq_seed, o->dma_permille);

			seq.n = (o->seq_len ? o->seq_len : 24) * g.len_mult;
			if (seq.n > X_MAX_OPS)
				seq.n = X_MAX_OPS;
			if (run_lockstep(&ls, &seq, &g, &d)) {
				rc = 2;
				break;
			}
			st->seqs++;
			if (d.step >= 0) {
				rc = found(&ls, &seq, &d, seq_seed, o, out);
				break;
			}
			if ((st->seqs & 255) == 0)
				progress(o, st, t0, false);
		}
	}
	st->seconds = now() - t0;
	progress(o, st, t0, true);
	close_sides(&ls);
	munmap(ls.u.buf, X_BUFS * X_BUF_PAGES * X_PAGE);
	return rc;
}

int explore_replay(const char *path, const struct target_config *target,
		   const struct target_config *oracle, FILE *out, char *why,
		   size_t why_len)
{
	struct lockstep ls = { .tcfg = target, .ocfg = oracle, .why = why,
			       .why_len = why_len };
	struct explore_opts o = { 0 };
	struct xseq seq = { 0 };
	struct divergence d;
	struct target *probe;
	char line[256];
	unsigned lineno = 0;
	bool skip;
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		snprintf(why, why_len, "cannot open %s: %s", path, strerror(errno));
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t");

		lineno++;
		if (*p == '#' || *p == '\n' || !*p)
			continue;
		p[strcspn(p, "\r\n")] = 0;
		if (seq.n == X_MAX_OPS || !xop_parse(p, &seq.op[seq.n])) {
			snprintf(why, why_len, "%s:%u: not a step: %.60s", path,
				 lineno, p);
			fclose(f);
			return 2;
		}
		seq.n++;
	}
	fclose(f);
	probe = target_open(target, why, why_len, &skip);
	if (!probe)
		return 2;
	if (!universe_init(&ls.u, &probe->caps)) {
		target_close(probe);
		snprintf(why, why_len, "target has no device to replay with");
		return 2;
	}
	target_close(probe);
	ls.u.forget_destroyed = target->target && strcmp(target->target, "model");
	if (run_lockstep(&ls, &seq, NULL, &d)) {
		close_sides(&ls);
		return 2;
	}
	if (d.step < 0) {
		fprintf(out, "# replay: %u steps, target and model agree\n", seq.n);
		rc = 0;
	} else {
		seq.n = (unsigned)d.step + 1;
		report(&ls, &seq, 0, &o, out);
		rc = 1;
	}
	close_sides(&ls);
	munmap(ls.u.buf, X_BUFS * X_BUF_PAGES * X_PAGE);
	return rc;
}
