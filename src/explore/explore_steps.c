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
#include <unistd.h>

#include "explore_int.h"

/* The memory oracle's windows per page, and the half a crossing DMA puts
 * on each side of the boundary (see region_of). */
#define X_REGIONS 3
#define X_HALF (X_DMA_LEN / 2)

static void window_fill(uint8_t *w, uint32_t seed, unsigned len);
static uint32_t window_seed(unsigned p, unsigned k);

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
	/* memory-side steps */
	[X_HW_INFO] = "hw_info", [X_HUGE_PAGES] = "huge_pages",
	[X_SET_DIRTY] = "set_dirty", [X_GET_DIRTY] = "get_dirty",
	[X_MARK_DIRTY] = "mark_dirty", [X_ALLOW] = "allow",
	[X_MAP_FILE] = "map_file",
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

static const char *const allow_names[XW_N] = {
	[XW_NONE] = "none", [XW_LOW] = "low", [XW_BYTE] = "byte",
};

/* Cases naming an IOAS slot. */
static bool abi_has_ioas(uint8_t c)
{
	return c == XA_RANGES_RSV || c == XA_RANGES_SHORT;
}

/* --- the universe -------------------------------------------------------- */

/*
 * memory-side steps: the slots at the edges (the aperture's last page, the
 * last page below 2^64, PASIDs at the width), and on the reference model
 * the 2 MiB buffer, the memfd and the unpinnable hole.
 */
static bool universe_memory_init(struct universe *u,
				 const struct target_caps *caps)
{
	const struct dev_caps *d0 = &caps->dev[u->dev[0]];
	struct iova_range ap = d0->iommu < T_MAX_DEVS ?
				       caps->iommu_aperture[d0->iommu] :
				       (struct iova_range){ 0, 0 };
	unsigned wmin = 31, wmax = 0;
	uint64_t top;

	u->file_fd = -1;
	u->rich = caps->reference_model;
	u->dma_limit = caps->dma_iova_limit ? caps->dma_iova_limit : UINT64_MAX;
	for (unsigned k = 0; k < u->ndev; k++)
		u->dev_dma[k] = caps->dev[u->dev[k]].dma;
	top = (ap.last ? ap.last : (1ull << 48) - 1) - X_PAGE + 1;
	top &= ~(X_PAGE - 1);
	if (caps->dma_window.last && top <= caps->dma_window.last &&
	    top + X_PAGE - 1 >= caps->dma_window.start)
		top = (caps->dma_window.start & ~(X_PAGE - 1)) - X_PAGE;
	u->iova[X_IOVA_TOP] = top;
	u->iova[X_IOVA_WRAP] = 0ull - X_PAGE;
	for (unsigned k = 0; k < u->ndev; k++) {
		unsigned w = caps->dev[u->dev[k]].max_pasid_log2;

		if (w && w < wmin)
			wmin = w;
		if (w > wmax)
			wmax = w;
	}
	if (!wmax)
		wmin = wmax = 20;
	if (wmax > 30)
		wmax = 30;
	u->pasid_val[0] = T_NO_PASID;
	for (unsigned p = 1; p <= X_PASIDS; p++)
		u->pasid_val[p] = p;
	u->pasid_val[X_PASID_MAX] = (1u << wmin) - 1;
	u->pasid_val[X_PASID_OVER] = 1u << wmax;
	if (!u->rich)
		return true;
	u->huge_map = mmap(NULL, 2 * X_HUGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (u->huge_map == MAP_FAILED) {
		u->huge_map = NULL;
		return false;
	}
	u->huge = (uint8_t *)(((uintptr_t)u->huge_map + X_HUGE - 1) &
			      ~(uintptr_t)(X_HUGE - 1));
	memset(u->huge, 0, X_HUGE);
	/* A hole: an address just unmapped (see tc_unpinnable_page). */
	u->hole = mmap(NULL, 2 * X_PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (u->hole == MAP_FAILED)
		return false;
	munmap(u->hole, 2 * X_PAGE);
	u->file_fd = memfd_create("ic-explore", MFD_CLOEXEC);
	if (u->file_fd < 0 || ftruncate(u->file_fd, 2 * X_PAGE))
		return false;
	u->file = mmap(NULL, 2 * X_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       u->file_fd, 0);
	if (u->file == MAP_FAILED) {
		u->file = NULL;
		return false;
	}
	memset(u->file, 0, 2 * X_PAGE);
	return true;
}

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
	/* A device without PASID: a PASID attach on it must fail (PASID-9). */
	for (unsigned i = 0; u->ndev && i < caps->ndev && u->ndev < X_DEVS; i++) {
		bool used = false;

		for (unsigned k = 0; k < u->ndev; k++)
			used |= u->dev[k] == i;
		if (!used && !caps->dev[i].max_pasid_log2) {
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
	/* The last slot probes a reserved region of the first device: one
	 * the contract requires when there is one, else one it reports. */
	if (caps->dev[u->dev[0]].nresv_required)
		u->iova[X_IOVA_RESV] =
			caps->dev[u->dev[0]].resv_required[0].start &
			~(X_PAGE - 1);
	else if (caps->dev[u->dev[0]].nresv)
		u->iova[X_IOVA_RESV] = caps->dev[u->dev[0]].resv[0].start &
				       ~(X_PAGE - 1);
	u->buf = mmap(NULL, X_BUFS * X_BUF_PAGES * X_PAGE,
		      PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (u->buf == MAP_FAILED)
		return false;
	memset(u->buf, 0, X_BUFS * X_BUF_PAGES * X_PAGE);
	for (unsigned p = 0; p < X_WPAGES; p++)
		for (unsigned k = 0; k < X_REGIONS; k++)
			window_fill(u->bg[p][k], window_seed(p, k),
				    k ? X_HALF : X_DMA_LEN);
	if (!universe_memory_init(u, caps))
		return false;
	explore_obj_universe(u, caps);
	return true;
}

void explore_universe_free(struct universe *u)
{
	munmap(u->buf, X_BUFS * X_BUF_PAGES * X_PAGE);
	if (u->huge_map)
		munmap(u->huge_map, 2 * X_HUGE);
	if (u->file)
		munmap(u->file, 2 * X_PAGE);
	if (u->file_fd >= 0)
		close(u->file_fd);
	memset(u, 0, sizeof(*u));
	u->file_fd = -1;
}

/* Page p of the memory the oracle watches (X_WPAGES): the buffers, the
 * huge buffer's first two pages, the memfd's two; NULL where absent. */
static uint8_t *page_of(const struct universe *u, unsigned page)
{
	if (page < X_BUFS * X_BUF_PAGES)
		return u->buf + page * X_PAGE;
	page -= X_BUFS * X_BUF_PAGES;
	if (page < 2)
		return u->huge ? u->huge + page * X_PAGE : NULL;
	page -= 2;
	return u->file ? u->file + page * X_PAGE : NULL;
}

/*
 * The windows of a page: region 0 at X_DMA_OFF (X_DMA_LEN bytes, where
 * ordinary DMA goes), and for DMA across a page boundary region 1, the
 * page's first X_DMA_LEN / 2 bytes, and region 2, its last.
 */

static uint8_t *region_of(const struct universe *u, unsigned p, unsigned k,
			  unsigned *len)
{
	uint8_t *pg = page_of(u, p);

	*len = k ? X_HALF : X_DMA_LEN;
	if (!pg)
		return NULL;
	return k == 0 ? pg + X_DMA_OFF : k == 1 ? pg : pg + X_PAGE - X_HALF;
}

/* A window's background: distinct per page, never equal to a DMA pattern. */
static void window_fill(uint8_t *w, uint32_t seed, unsigned len)
{
	for (unsigned i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		w[i] = (uint8_t)(seed >> 16);
	}
}

static uint32_t window_seed(unsigned p, unsigned k)
{
	return 0x51ed270bu + p * 977u + k * 0x9e3779b9u;
}

static void windows_reset(const struct universe *u)
{
	for (unsigned p = 0; p < X_WPAGES; p++)
		for (unsigned k = 0; k < X_REGIONS; k++) {
			unsigned len;
			uint8_t *w = region_of(u, p, k, &len);

			if (w)
				memcpy(w, u->bg[p][k], len);
		}
}

/*
 * Where a written pattern landed: OUT_BLOCKED nowhere, the page index
 * when it filled one page's region 0 (the ordinary case), else
 * 0x10000 | first region | (second region + 1) << 8, a region being
 * page * X_REGIONS + k; OUT_OTHER when some region holds bytes that are
 * neither its background nor the pattern's piece for it.
 */
static int windows_find(const struct universe *u, const uint8_t *pattern)
{
	int hit[2], n = 0;

	for (unsigned p = 0; p < X_WPAGES; p++)
		for (unsigned k = 0; k < X_REGIONS; k++) {
			unsigned len;
			const uint8_t *w = region_of(u, p, k, &len);
			const uint8_t *piece = k == 1 ? pattern + X_HALF : pattern;

			if (!w || !memcmp(w, u->bg[p][k], len))
				continue;
			if (n == 2 || memcmp(w, piece, len))
				return OUT_OTHER;
			hit[n++] = (int)(p * X_REGIONS + k);
		}
	if (!n)
		return OUT_BLOCKED;
	if (n == 1 && hit[0] % X_REGIONS == 0)
		return hit[0] / X_REGIONS;
	return 0x10000 | hit[0] | (n == 2 ? (hit[1] + 1) << 8 : 0);
}

/* The region of kind k whose background seen holds: its index, -2 for
 * the sentinel (nothing read), -1 for neither. */
static int which_region(const struct universe *u, const uint8_t *seen,
			const uint8_t *sentinel, unsigned k)
{
	unsigned len = k ? X_HALF : X_DMA_LEN;

	if (!memcmp(seen, sentinel, len))
		return -2;
	for (unsigned p = 0; p < X_WPAGES; p++)
		if (page_of(u, p) && !memcmp(seen, u->bg[p][k], len))
			return (int)p;
	return -1;
}

static int which_window(const struct universe *u, const uint8_t *seen,
			const uint8_t *sentinel, bool cross)
{
	int a, b;

	if (!cross) {
		a = which_region(u, seen, sentinel, 0);
		return a == -2 ? OUT_BLOCKED : a == -1 ? OUT_OTHER : a;
	}
	/* Across a boundary: the first half from some page's end, the
	 * second from some page's start. */
	a = which_region(u, seen, sentinel, 2);
	b = which_region(u, seen + X_HALF, sentinel + X_HALF, 1);
	if (a == -2 && b == -2)
		return OUT_BLOCKED;
	return 0x10000 | (a & 0xff) | ((b + 1) & 0xff) << 8;
}

static int page_name(char *b, size_t len, unsigned p)
{
	if (p < X_BUFS * X_BUF_PAGES)
		return snprintf(b, len, "b%u page %u", p / X_BUF_PAGES,
				p % X_BUF_PAGES);
	p -= X_BUFS * X_BUF_PAGES;
	return snprintf(b, len, "%s page %u", p < 2 ? "huge" : "memfd", p % 2);
}

void explore_describe_hit(char *b, size_t len, int64_t out)
{
	static const char *const where[X_REGIONS] = { "", " head", " tail" };
	int n;

	if (!(out & 0x10000)) {
		n = snprintf(b, len, "0 hit ");
		page_name(b + n, len - (size_t)n, (unsigned)out);
		return;
	}
	n = snprintf(b, len, "0 hit");
	for (unsigned i = 0; i < 2 && (size_t)n < len; i++) {
		unsigned r = (unsigned)(out >> (8 * i)) & 0xff;

		if (i)
			r--; /* the second is stored + 1 */
		if (r >= X_WPAGES * X_REGIONS) {
			n += snprintf(b + n, len - (size_t)n, i ? "" : " -");
			continue;
		}
		n += snprintf(b + n, len - (size_t)n, " ");
		n += page_name(b + n, len - (size_t)n, r / X_REGIONS);
		n += snprintf(b + n, len - (size_t)n, "%s", where[r % X_REGIONS]);
	}
}

/* --- executing one step on one side --------------------------------------- */

static uint32_t pasid_of(const struct universe *u, uint8_t p)
{
	return u->pasid_val[p % X_PASID_SLOTS];
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

/* --- memory-side steps ---------------------------------------------------- */

/* Whether op uses a variant only the reference model runs (u->rich). */
static bool rich_variant(const struct xop *op)
{
	switch (op->kind) {
	case X_MAP:
		return op->buf >= X_BUFS || op->iova >= X_IOVA_TOP ||
		       (op->arg & (XM_PLUS_PAGE | XM_AUTO | XM_UNALIGNED));
	case X_UNMAP:
		return op->iova >= X_IOVA_TOP;
	case X_COPY:
		return op->iova >= X_IOVA_TOP || (op->arg & XC_SLOT) >= X_IOVA_TOP ||
		       (op->arg & XC_TWO_PAGES);
	case X_ATTACH_IOAS:
	case X_ATTACH_HWPT:
	case X_DETACH:
		return op->pasid > X_PASIDS;
	case X_DMA_WRITE:
	case X_DMA_READ:
		return op->pasid > X_PASIDS || op->iova >= X_IOVA_TOP ||
		       op->arg != XT_MID;
	case X_HWPT_ALLOC:
		return op->arg & (T_HWPT_DIRTY_TRACKING | T_HWPT_NEST_PARENT);
	}
	return op->kind >= X_HW_INFO;
}

/* The user memory of buffer slot b on side s, and its length. */
static void *buf_uva(const struct universe *u, const struct side *s,
		     const struct xop *op, uint64_t *len)
{
	*len = (op->arg & XM_PAGES ? op->arg & XM_PAGES : 1) * X_PAGE;
	if (op->arg & XM_UNALIGNED)
		*len -= 0x100;
	if (op->buf == X_BUF_HUGE) {
		*len = X_HUGE;
		return u->huge;
	}
	/* The model has no address space: NULL is what it cannot pin. */
	if (op->buf == X_BUF_HOLE)
		return s->t->caps.pins_user_memory ? u->hole : NULL;
	return page_of(u, (op->buf % X_BUFS) * X_BUF_PAGES);
}

static int exec_map(const struct universe *u, struct side *s,
		    const struct xop *op, struct xres *r)
{
	uint64_t len, val = u->iova[op->iova];
	void *uva = buf_uva(u, s, op, &len);
	uint32_t flags = map_prot(op->arg);
	int ret;

	if (op->arg & XM_PLUS_PAGE)
		val += X_PAGE;
	if (!(op->arg & XM_AUTO))
		flags |= T_MAP_FIXED_IOVA;
	ret = T_CALL(s->t, ioas_map, s->ioas[op->ioas], flags, uva, len, &val);
	/* out: whether the allocator handed out IOVA 0 (IOAS-5) */
	if (!ret && (op->arg & XM_AUTO))
		r->out = val ? 2 : 1;
	return ret;
}

/* GET_HW_INFO with a buffer of the length arg names: out packs the
 * length the driver reports, whether the tail past it reads zero
 * (OBJ-11), the dirty bit, the PASID width, the type the side's open
 * read, and a sum of the bytes copied. */
static int exec_hw_info(const struct universe *u, struct side *s,
			const struct xop *op, struct xres *r)
{
	static const uint32_t lens[XH_N] = { 0, 8, 64, 256 };
	unsigned dev = u->dev[op->dev % u->ndev];
	uint8_t data[256], pw = 0;
	uint32_t asked = lens[op->arg % XH_N], len = asked, sum = 0;
	uint64_t caps = 0;
	bool zero = true;
	int ret;

	memset(data, 0xa5, sizeof(data));
	ret = T_CALL(s->t, hw_info, dev, asked ? data : NULL, &len, &caps, &pw);
	if (ret)
		return ret;
	for (uint32_t i = 0; i < asked; i++) {
		if (i < len)
			sum += data[i] * (i + 1);
		else
			zero &= data[i] == 0;
	}
	r->out = (int64_t)(len & 0xfff) | (int64_t)zero << 12 |
		 (int64_t)!!(caps & IOMMU_HW_CAP_DIRTY_TRACKING) << 13 |
		 (int64_t)(pw & 0x3f) << 14 |
		 (int64_t)(s->t->caps.dev[dev].hw_info_type & 0xff) << 20 |
		 (int64_t)(sum & 0xffff) << 28;
	return 0;
}

/* GET_DIRTY_BITMAP of two pages from the slot: out the bits. */
static int exec_get_dirty(const struct universe *u, struct side *s,
			  const struct xop *op, struct xres *r)
{
	uint64_t bm = 0, iova = u->iova[op->iova];
	uint32_t flags = op->arg & XD_NO_CLEAR ?
				 IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR : 0;
	int ret;

	if (op->arg & XD_UNALIGNED)
		iova += 0x100;
	ret = T_CALL(s->t, get_dirty_bitmap, s->hwpt[op->hwpt], iova,
		     2 * X_PAGE, X_PAGE, flags,
		     op->arg & XD_NO_BITMAP ? NULL : &bm);
	r->out = ret ? 0 : (int64_t)bm;
	return ret;
}

static int exec_allow(const struct universe *u, struct side *s,
		      const struct xop *op)
{
	struct iova_range rg[1];
	unsigned n = 1;

	switch (op->arg % XW_N) {
	case XW_NONE:
		n = 0;
		break;
	case XW_LOW:
		rg[0] = (struct iova_range){ u->iova[0],
					     u->iova[1] + 2 * X_PAGE - 1 };
		break;
	case XW_BYTE:
		rg[0] = (struct iova_range){ u->iova[0], u->iova[0] };
		break;
	}
	return T_CALL(s->t, allow_iovas, s->ioas[op->ioas], rg, n);
}

/* The steps above; -T_UNSUPPORTED on both sides where !u->rich. */
static int exec_memory_step(const struct universe *u, struct side *s,
			    const struct xop *op, struct xres *r)
{
	struct target *t = s->t;
	uint64_t val;

	switch (op->kind) {
	case X_HW_INFO:
		return exec_hw_info(u, s, op, r);
	case X_HUGE_PAGES:
		val = op->arg & 1;
		return T_CALL(t, ioas_option_huge_pages, s->ioas[op->ioas], true,
			      &val);
	case X_SET_DIRTY:
		return T_CALL(t, set_dirty_tracking, s->hwpt[op->hwpt],
			      op->arg & 1);
	case X_GET_DIRTY:
		return exec_get_dirty(u, s, op, r);
	case X_MARK_DIRTY:
		return T_CALL(t, mark_dirty, s->hwpt[op->hwpt], u->iova[op->iova],
			      X_PAGE);
	case X_ALLOW:
		return exec_allow(u, s, op);
	case X_MAP_FILE:
		/* The memfd's second page: the mapping must show it, not
		 * the first (IOAS-15). */
		val = u->iova[op->iova];
		return T_CALL(t, ioas_map_file, s->ioas[op->ioas],
			      T_MAP_FIXED_IOVA | T_MAP_READABLE |
				      T_MAP_WRITEABLE,
			      u->file_fd, X_PAGE, X_PAGE, &val);
	}
	return -EINVAL;
}

/* Where in the slot a DMA goes (enum xdma_at). */
static uint64_t dma_offset(uint8_t at)
{
	return at == XT_PAGE1 ? X_PAGE + X_DMA_OFF :
	       at == XT_CROSS ? X_PAGE - X_HALF : X_DMA_OFF;
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
	/* A device whose DMA failed its discovery probe has none to judge
	 * (ATTACH-12 is judged from that probe): both sides skip it. */
	if ((!u->rich && rich_variant(op)) ||
	    ((op->kind == X_DMA_WRITE || op->kind == X_DMA_READ) &&
	     !u->dev_dma[op->dev % u->ndev])) {
		r->ret = -T_UNSUPPORTED;
		return;
	}
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
		r->ret = exec_map(u, s, op, r);
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
				u->iova[(op->arg & XC_SLOT) % X_IOVAS],
				(op->arg & XC_TWO_PAGES ? 2 : 1) * X_PAGE, &val);
		break;
	case X_ATTACH_IOAS:
		/* out: whether the auto HWPT's ID came back (ATTACH-1). */
		r->ret = T_CALL(t, attach, dev, pasid_of(u, op->pasid),
				s->ioas[op->ioas], &id);
		r->out = !r->ret && id && id != s->ioas[op->ioas];
		break;
	case X_ATTACH_HWPT:
		r->ret = T_CALL(t, attach, dev, pasid_of(u, op->pasid),
				s->hwpt[op->hwpt], NULL);
		break;
	case X_DETACH:
		r->ret = T_CALL(t, detach, dev, pasid_of(u, op->pasid));
		break;
	case X_RANGES: {
		struct iova_range rg[T_MAX_RANGES];
		unsigned n = T_MAX_RANGES;

		r->ret = T_CALL(t, iova_ranges, s->ioas[op->ioas], rg, &n,
				&val);
		if (r->ret)
			break;
		/* Which IOVA slots the reported ranges admit. */
		for (unsigned v = 0; v < (u->rich ? X_IOVAS : X_IOVA_TOP); v++)
			for (unsigned i = 0; i < n && i < T_MAX_RANGES; i++)
				if (u->iova[v] >= rg[i].start &&
				    u->iova[v] + X_PAGE - 1 <= rg[i].last)
					r->out |= 1 << v;
		/* and whether they come sorted, lowest first (RANGE-6) */
		for (unsigned i = 1; i < n && i < T_MAX_RANGES; i++)
			if (rg[i].start <= rg[i - 1].last)
				r->out |= 1 << 30;
		/* and whether the IOAS asks for any alignment (RANGE-1: byte
		 * alignment before any domain) */
		if (u->rich && val > 1)
			r->out |= 1 << 29;
		break;
	}
	case X_DMA_WRITE: {
		uint8_t pattern[X_DMA_LEN];
		uint64_t at = u->iova[op->iova] + dma_offset(op->arg);

		window_fill(pattern, 0xd00df00du, X_DMA_LEN);
		if (at + X_DMA_LEN > u->dma_limit || at + X_DMA_LEN < at) {
			r->ret = -T_UNSUPPORTED; /* past the engine's reach */
			break;
		}
		windows_reset(u);
		r->ret = T_CALL(t, dma, dev, pasid_of(u, op->pasid), DMA_TO_MEMORY,
				at, pattern, X_DMA_LEN, NULL, 0);
		r->out = r->ret ? 0 : windows_find(u, pattern);
		windows_reset(u);
		break;
	}
	case X_DMA_READ: {
		uint8_t seen[X_DMA_LEN], sentinel[X_DMA_LEN];
		uint64_t at = u->iova[op->iova] + dma_offset(op->arg);

		window_fill(sentinel, 0x5e471e1u, X_DMA_LEN);
		memcpy(seen, sentinel, sizeof(seen));
		if (at + X_DMA_LEN > u->dma_limit || at + X_DMA_LEN < at) {
			r->ret = -T_UNSUPPORTED;
			break;
		}
		windows_reset(u);
		r->ret = T_CALL(t, dma, dev, pasid_of(u, op->pasid),
				DMA_FROM_MEMORY, at, seen, X_DMA_LEN, NULL, 0);
		r->out = r->ret ? 0 :
				  which_window(u, seen, sentinel,
					       op->arg == XT_CROSS);
		/* A blocked read on edu hands back the engine's buffer as the
		 * last transfer left it: foreign bytes mean blocked there. */
		if (u->dma_real && r->out == OUT_OTHER)
			r->out = OUT_BLOCKED;
		break;
	}
	case X_ABI:
		r->ret = exec_abi(s, op);
		break;
	case X_HW_INFO:
	case X_HUGE_PAGES:
	case X_SET_DIRTY:
	case X_GET_DIRTY:
	case X_MARK_DIRTY:
	case X_ALLOW:
	case X_MAP_FILE:
		r->ret = exec_memory_step(u, s, op, r);
		break;
	default:
		explore_obj_exec(u, s, op, r);
	}
}

/* --- formatting and parsing steps ---------------------------------------- */

static const char *pasid_name(uint8_t p)
{
	static const char *const names[X_PASID_SLOTS] = {
		"rid", "pasid1", "pasid2", "pasid-max", "pasid-over"
	};

	return names[p % X_PASID_SLOTS];
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
		snprintf(b, len, "%s i%u v%u b%u pages=%u prot=%s%s%s%s", k,
			 op->ioas, op->iova, op->buf,
			 op->arg & XM_PAGES ? op->arg & XM_PAGES : 1,
			 prot_name(op->arg),
			 op->arg & XM_PLUS_PAGE ? " +page" : "",
			 op->arg & XM_AUTO ? " auto" : "",
			 op->arg & XM_UNALIGNED ? " unaligned" : "");
		break;
	case X_UNMAP:
		snprintf(b, len, "%s i%u v%u pages=%u", k, op->ioas, op->iova,
			 map_pages(op->arg));
		break;
	case X_COPY:
		snprintf(b, len, "%s i%u v%u from i%u v%u%s", k, op->ioas,
			 op->iova, op->buf, op->arg & XC_SLOT,
			 op->arg & XC_TWO_PAGES ? " pages=2" : "");
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
		snprintf(b, len, "%s d%u %s v%u%s", k, op->dev,
			 pasid_name(op->pasid), op->iova,
			 op->arg == XT_PAGE1 ? " at=page1" :
			 op->arg == XT_CROSS ? " at=cross" : "");
		break;
	case X_HW_INFO:
		snprintf(b, len, "%s d%u len=%u", k, op->dev,
			 (unsigned[]){ 0, 8, 64, 256 }[op->arg % XH_N]);
		break;
	case X_HUGE_PAGES:
		snprintf(b, len, "%s i%u set=%u", k, op->ioas, op->arg & 1);
		break;
	case X_SET_DIRTY:
		snprintf(b, len, "%s h%u %s", k, op->hwpt, op->arg & 1 ? "on" : "off");
		break;
	case X_GET_DIRTY:
		snprintf(b, len, "%s h%u v%u%s%s%s", k, op->hwpt, op->iova,
			 op->arg & XD_NO_CLEAR ? " no-clear" : "",
			 op->arg & XD_UNALIGNED ? " unaligned" : "",
			 op->arg & XD_NO_BITMAP ? " no-bitmap" : "");
		break;
	case X_MARK_DIRTY:
		snprintf(b, len, "%s h%u v%u", k, op->hwpt, op->iova);
		break;
	case X_ALLOW:
		snprintf(b, len, "%s i%u %s", k, op->ioas,
			 allow_names[op->arg % XW_N]);
		break;
	case X_MAP_FILE:
		snprintf(b, len, "%s i%u v%u", k, op->ioas, op->iova);
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
	for (uint8_t i = 0; i < X_PASID_SLOTS; i++)
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

/* The optional words after a step (memory-side variants), each setting
 * its bits in *arg once. */
struct flag_tok {
	const char *word;
	uint8_t bits;
};

static const struct flag_tok map_flags[] = {
	{ "+page", XM_PLUS_PAGE }, { "auto", XM_AUTO },
	{ "unaligned", XM_UNALIGNED }, { NULL, 0 }
};
static const struct flag_tok copy_flags[] = { { "pages=2", XC_TWO_PAGES },
					      { NULL, 0 } };
static const struct flag_tok dma_flags[] = { { "at=page1", XT_PAGE1 },
					     { "at=cross", XT_CROSS },
					     { NULL, 0 } };
static const struct flag_tok dirty_flags[] = {
	{ "no-clear", XD_NO_CLEAR }, { "unaligned", XD_UNALIGNED },
	{ "no-bitmap", XD_NO_BITMAP }, { NULL, 0 }
};

static bool flag_toks(char **tok, unsigned n, const struct flag_tok *f,
		      uint8_t *arg)
{
	uint8_t seen = 0;

	for (unsigned i = 0; i < n; i++) {
		const struct flag_tok *k = f;

		while (k->word && strcmp(tok[i], k->word))
			k++;
		if (!k->word || (seen & k->bits))
			return false;
		seen |= k->bits;
	}
	*arg |= seen;
	return true;
}

bool xop_parse(const char *line, struct xop *op)
{
	char copy[256], *tok[10] = { 0 }, *save = NULL;
	unsigned n = 0, kind;
	unsigned long v;

	/* A step is a few words: a longer line is none (never cut short). */
	if (strlen(line) >= sizeof(copy))
		return false;
	snprintf(copy, sizeof(copy), "%s", line);
	for (char *p = strtok_r(copy, " \t\r\n", &save); p && n < 10;
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

		if (n < 6 || !slot(tok[1], 'i', X_IOAS, &op->ioas) ||
		    !slot(tok[2], 'v', X_IOVAS, &op->iova) ||
		    !slot(tok[3], 'b', X_BUF_SLOTS, &op->buf) ||
		    !kv(tok[4], "pages", &pages) || !pages ||
		    pages > X_BUF_PAGES || strncmp(tok[5], "prot=", 5))
			return false;
		for (prot = 0; prot < 4; prot++)
			if (!strcmp(tok[5] + 5, prot_name((uint8_t)(prot << 4))))
				break;
		if (prot == 4)
			return false;
		op->arg = (uint8_t)(pages | prot << 4);
		return flag_toks(tok + 6, n - 6, map_flags, &op->arg);
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
		return n >= 6 && slot(tok[1], 'i', X_IOAS, &op->ioas) &&
		       slot(tok[2], 'v', X_IOVAS, &op->iova) &&
		       !strcmp(tok[3], "from") &&
		       slot(tok[4], 'i', X_IOAS, &op->buf) &&
		       slot(tok[5], 'v', X_IOVAS, &op->arg) &&
		       flag_toks(tok + 6, n - 6, copy_flags, &op->arg);
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
		return n >= 4 && slot(tok[1], 'd', X_DEVS, &op->dev) &&
		       pasid_tok(tok[2], &op->pasid) &&
		       slot(tok[3], 'v', X_IOVAS, &op->iova) &&
		       flag_toks(tok + 4, n - 4, dma_flags, &op->arg) &&
		       op->arg < XT_N;
	case X_HW_INFO:
		if (n != 3 || !slot(tok[1], 'd', X_DEVS, &op->dev) ||
		    !kv(tok[2], "len", &v))
			return false;
		for (uint8_t c = 0; c < XH_N; c++)
			if (v == (unsigned[]){ 0, 8, 64, 256 }[c]) {
				op->arg = c;
				return true;
			}
		return false;
	case X_HUGE_PAGES:
		if (n != 3 || !slot(tok[1], 'i', X_IOAS, &op->ioas) ||
		    !kv(tok[2], "set", &v) || v > 1)
			return false;
		op->arg = (uint8_t)v;
		return true;
	case X_SET_DIRTY:
		if (n != 3 || !slot(tok[1], 'h', X_HWPT, &op->hwpt) ||
		    (strcmp(tok[2], "on") && strcmp(tok[2], "off")))
			return false;
		op->arg = !strcmp(tok[2], "on");
		return true;
	case X_GET_DIRTY:
		return n >= 3 && slot(tok[1], 'h', X_HWPT, &op->hwpt) &&
		       slot(tok[2], 'v', X_IOVAS, &op->iova) &&
		       flag_toks(tok + 3, n - 3, dirty_flags, &op->arg);
	case X_MARK_DIRTY:
		return n == 3 && slot(tok[1], 'h', X_HWPT, &op->hwpt) &&
		       slot(tok[2], 'v', X_IOVAS, &op->iova);
	case X_ALLOW:
		if (n != 3 || !slot(tok[1], 'i', X_IOAS, &op->ioas))
			return false;
		for (uint8_t c = 0; c < XW_N; c++)
			if (!strcmp(tok[2], allow_names[c])) {
				op->arg = c;
				return true;
			}
		return false;
	case X_MAP_FILE:
		return n == 3 && slot(tok[1], 'i', X_IOAS, &op->ioas) &&
		       slot(tok[2], 'v', X_IOVAS, &op->iova);
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
