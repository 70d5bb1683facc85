// SPDX-License-Identifier: GPL-2.0
/*
 * The explorer's steps (see explore.c): the universe they act on, running
 * one step on one side, and their text form in replay files.
 */
#include <errno.h>
#include <linux/iommufd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "explore_int.h"

static const char *const kind_names[X_OBJ_FIRST] = {
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
	[XA_UNKNOWN_NULL] = "unknown-ioctl-null",
	[XA_WRONG_ENC_NULL] = "wrong-encoding-null",
	[XA_RLIMIT_SET] = "rlimit-set", [XA_CHANGE_PROCESS] = "change-process",
	[XA_INVALIDATE_BIG] = "invalidate-big",
};

/* Cases naming an IOAS slot. */
static bool abi_has_ioas(uint8_t c)
{
	return c == XA_RANGES_RSV || c == XA_RANGES_SHORT;
}

/* --- the universe -------------------------------------------------------- */

bool explore_universe_init(struct universe *u, const struct target_caps *caps)
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
	 * the driver refuses (ATTACH-4 / non-atomic-replace). One without
	 * PASIDs first, when there is one: the PASID refusals (PASID-on-RID)
	 * and the last device of the model's geometries (MSI isolation,
	 * OWN-6) then have a subject. */
	for (unsigned pass = 0; pass < 2 && u->ndev && u->ndev < X_DEVS; pass++) {
		unsigned had = u->ndev;

		for (unsigned i = 0; i < caps->ndev; i++) {
			bool used = false;

			for (unsigned k = 0; k < u->ndev; k++)
				used |= u->dev[k] == i;
			if (!used && (pass || !caps->dev[i].max_pasid_log2) &&
			    caps->dev[i].iommu != caps->dev[u->dev[0]].iommu) {
				u->dev[u->ndev++] = i;
				break;
			}
		}
		if (u->ndev > had)
			break;
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
	/* The last slot probes a reserved region of the first device: one
	 * the contract requires when there is one, else one it reports. */
	if (caps->dev[u->dev[0]].nresv_required)
		u->iova[X_IOVAS - 1] =
			caps->dev[u->dev[0]].resv_required[0].start &
			~(X_PAGE - 1);
	else if (caps->dev[u->dev[0]].nresv)
		u->iova[X_IOVAS - 1] = caps->dev[u->dev[0]].resv[0].start &
				       ~(X_PAGE - 1);
	u->buf = mmap(NULL, X_BUFS * X_BUF_PAGES * X_PAGE,
		      PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (u->buf == MAP_FAILED)
		return false;
	memset(u->buf, 0, X_BUFS * X_BUF_PAGES * X_PAGE);
	explore_obj_universe(u, caps);
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
		struct iommu_option option;
		struct iommu_ioas_change_process change;
		struct iommu_hwpt_invalidate inv;
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
	case XA_UNKNOWN_NULL:
		/* Past the table nothing is read from the argument. */
		return T_CALL(t, raw_ioctl, 0, _IO(IOMMUFD_TYPE, 0xfe), NULL);
	case XA_WRONG_ENC_NULL:
		/* In the table the size is read before the encoding test. */
		return T_CALL(t, raw_ioctl, 0,
			      _IOWR(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOC,
				    struct iommu_ioas_alloc),
			      NULL);
	case XA_RLIMIT_SET:
	case XA_CHANGE_PROCESS:
		/* Both answers depend on every object and mapping of the
		 * context: not comparable where the target has its own. */
		if (t->caps.hidden_objects)
			return -T_UNSUPPORTED;
		if (op->arg % XA_NCASES == XA_CHANGE_PROCESS) {
			cmd = IOMMU_IOAS_CHANGE_PROCESS;
			b.change.size = sizeof(b.change);
			break;
		}
		cmd = IOMMU_OPTION;
		b.option.size = sizeof(b.option);
		b.option.option_id = IOMMU_OPTION_RLIMIT_MODE;
		b.option.op = IOMMU_OPTION_OP_SET;
		break;
	case XA_INVALIDATE_BIG: {
		/* The bounds come before the lookup: ID 0 names nothing. */
		static uint8_t reqs[8192];

		cmd = IOMMU_HWPT_INVALIDATE;
		b.inv.size = sizeof(b.inv);
		b.inv.data_uptr = (uintptr_t)reqs;
		b.inv.entry_len = 4096 + 8;
		b.inv.entry_num = 1;
		break;
	}
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

/* Destroys the object in *slot, and forgets its ID where the universe
 * says so (forget_destroyed: a freed ID's reuse is not contract). */
static int destroy_slot(const struct universe *u, struct target *t,
			uint32_t *slot)
{
	int ret = T_CALL(t, destroy, *slot);

	if (!ret && u->forget_destroyed)
		*slot = 0;
	return ret;
}

void explore_exec_step(const struct universe *u, struct side *s,
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
		r->ret = destroy_slot(u, t, &s->ioas[op->ioas]);
		break;
	case X_HWPT_ALLOC:
		r->ret = T_CALL(t, hwpt_alloc, dev, s->ioas[op->ioas], op->arg,
				0, NULL, 0, &id);
		if (!r->ret)
			s->hwpt[op->hwpt] = id;
		break;
	case X_DESTROY_HWPT:
		r->ret = destroy_slot(u, t, &s->hwpt[op->hwpt]);
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

		/* A device whose DMA failed its discovery probe has none to
		 * judge (ATTACH-12 is judged from that probe). */
		if (!t->caps.dev[dev].dma) {
			r->ret = -T_UNSUPPORTED;
			break;
		}

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

		if (!t->caps.dev[dev].dma) {
			r->ret = -T_UNSUPPORTED;
			break;
		}

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
		explore_obj_exec(u, s, op, r);
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
	const char *k = op->kind < X_OBJ_FIRST ? kind_names[op->kind] : "?";

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
		explore_obj_format(op, b, len);
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

	/* A step is a few words: a longer line is none (never cut short). */
	if (strlen(line) >= sizeof(copy))
		return false;
	snprintf(copy, sizeof(copy), "%s", line);
	for (char *p = strtok_r(copy, " \t\r\n", &save); p && n < 8;
	     p = strtok_r(NULL, " \t\r\n", &save))
		tok[n++] = p;
	if (!n)
		return false;
	for (kind = 0; kind < X_OBJ_FIRST; kind++)
		if (!strcmp(tok[0], kind_names[kind]))
			break;
	memset(op, 0, sizeof(*op));
	op->kind = (uint8_t)kind;
	if (kind == X_OBJ_FIRST)
		return explore_obj_parse(tok, n, op);
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
