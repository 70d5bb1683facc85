// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model (see model.c): the IOAS ops, MAP / UNMAP / COPY, IOVA
 * allocation, the allowed and reported ranges and the huge-pages option.
 */
#include <errno.h>
#include <string.h>

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/statfs.h>

#include "model_int.h"

/* --- public: IOAS ----------------------------------------------------------*/

static uint64_t roundup_pow2(uint64_t v)
{
	return v <= 1 ? 1 : 1ull << (64 - __builtin_clzll(v - 1));
}

/* __alloc_iova_check_range() */
static bool alloc_check_range(uint64_t *start, uint64_t last, uint64_t len,
			      uint64_t align, uint64_t page_off)
{
	uint64_t s;

	if (__builtin_add_overflow(*start, align - 1, &s))
		return false;
	s &= ~(align - 1);
	s |= page_off;
	if (s >= last || last - s < len - 1)
		return false;
	*start = s;
	return true;
}

/* iopt_alloc_iova(): first fit in the allowed spans, never IOVA 0. */
static int alloc_iova(const struct model *m, const struct m_ioas *a,
		      uintptr_t uva, uint64_t len, uint64_t *iova)
{
	struct iova_range used[M_MAX_USED], span[T_MAX_RANGES];
	uint64_t page_off = uva % M_PAGE, align;
	unsigned nused, nspan = 0;

	if (len == 0 || len >= UINT64_MAX / 2)
		return -EOVERFLOW;
	align = roundup_pow2(len);
	if (uva && (1ull << __builtin_ctzll(uva)) < align)
		align = 1ull << __builtin_ctzll(uva);
	if (align >= M_HPAGE)
		align = M_HPAGE;
	if (align < ioas_align(a))
		return -EINVAL;

	nused = model_collect_resv(m, a, used);
	for (unsigned i = 0; i < a->narea; i++)
		used[nused++] = (struct iova_range){
			a->area[i].iova, a->area[i].iova + a->area[i].len - 1 };
	model_sort_ranges(used, nused);

	/* allowed spans clipped to [PAGE_SIZE, ULONG_MAX - PAGE_SIZE];
	 * adjacent allowed ranges form one span */
	if (!a->nallowed) {
		/* MB_AUTO_IOVA_ZERO: the span starts at 0 (IOAS-5) */
		span[nspan++] = (struct iova_range){
			bug(m, MB_AUTO_IOVA_ZERO) ? 0 : M_PAGE,
			UINT64_MAX - M_PAGE };
	} else {
		for (unsigned i = 0; i < a->nallowed; i++) {
			struct iova_range r = a->allowed[i];

			if (nspan && span[nspan - 1].last != UINT64_MAX &&
			    span[nspan - 1].last + 1 == r.start) {
				span[nspan - 1].last = r.last;
				continue;
			}
			span[nspan++] = r;
		}
		for (unsigned i = 0; i < nspan; i++) {
			if (span[i].start < M_PAGE)
				span[i].start = M_PAGE;
			if (span[i].last > UINT64_MAX - M_PAGE)
				span[i].last = UINT64_MAX - M_PAGE;
		}
	}

	for (unsigned i = 0; i < nspan; i++) {
		uint64_t lo = span[i].start, hi = span[i].last, cur;
		bool done = false;

		if (lo > hi || !alloc_check_range(&lo, hi, len, align, page_off))
			continue;
		cur = lo;
		for (unsigned j = 0; j <= nused && !done; j++) {
			uint64_t hs = cur, hl;

			if (j < nused) {
				if (used[j].last < cur)
					continue;
				if (used[j].start <= cur) {
					if (used[j].last >= hi)
						done = true;
					else
						cur = used[j].last + 1;
					continue;
				}
				hl = used[j].start - 1 < hi ? used[j].start - 1
							     : hi;
			} else {
				hl = hi;
			}
			if (hs <= hl &&
			    alloc_check_range(&hs, hl, len, align, page_off)) {
				*iova = hs;
				return 0;
			}
			if (j < nused) {
				if (used[j].last >= hi)
					done = true;
				else
					cur = used[j].last + 1;
			}
		}
	}
	return -ENOSPC;
}

/* iopt_check_iova() */
static int check_iova(const struct model *m, const struct m_ioas *a,
		      uint64_t iova, uint64_t len)
{
	uint64_t last;

	/* MB_MAP_UNALIGNED_OK (IOAS-2), MB_MAP_OVERLAP_OK (IOAS-3): one
	 * check missing */
	if ((iova & (ioas_align(a) - 1)) && !bug(m, MB_MAP_UNALIGNED_OK))
		return -EINVAL;
	if (__builtin_add_overflow(iova, len - 1, &last))
		return e_overflow(m);
	if (model_resv_hit(m, a, iova, last))
		return -EINVAL;
	/* MB_ALLOW_LIMITS_FIXED: allowed ranges also fence fixed maps
	 * (RANGE-7); iopt_check_iova() does not look at them. */
	if (bug(m, MB_ALLOW_LIMITS_FIXED) && a->nallowed) {
		bool inside = false;

		for (unsigned i = 0; i < a->nallowed; i++)
			inside |= iova >= a->allowed[i].start &&
				  last <= a->allowed[i].last;
		if (!inside)
			return -EINVAL;
	}
	if (model_area_hit(a, iova, last) && !bug(m, MB_MAP_OVERLAP_OK))
		return -EEXIST;
	return 0;
}

static void area_insert(struct model *m, struct m_ioas *a,
			const struct m_area *ar)
{
	unsigned i = a->narea;

	while (i && a->area[i - 1].iova > ar->iova) {
		a->area[i] = a->area[i - 1];
		i--;
	}
	a->area[i] = *ar;
	a->narea++;
	model_ioas_pte_add(m, a, ar);
}

/*
 * iopt_alloc_area_pages() + iopt_insert_area() + iopt_fill_domains_pages()
 * for a list of pieces (one for MAP, one per source area for COPY).
 */
static int map_pieces(struct model *m, struct m_ioas *a, struct m_area *pc,
		      unsigned npc, uint64_t len, bool fixed, uint64_t *iova,
		      const uint64_t *place)
{
	uint64_t at;
	int rc;

	if (((len & (ioas_align(a) - 1)) && !bug(m, MB_MAP_UNALIGNED_OK)) ||
	    !len)
		return -EINVAL;
	if (a->narea + npc > M_MAX_AREA)
		return -ENOMEM;
	if (!fixed)
		rc = alloc_iova(m, a,
				pc[0].file ? (uintptr_t)pc[0].file_start :
					     pc[0].uva,
				len, iova);
	else
		rc = check_iova(m, a, *iova, len);
	if (rc)
		return rc;
	for (unsigned i = 0; i < npc; i++) {
		if ((pc[i].prot & T_MAP_WRITEABLE) && !pc[i].pages_writable)
			return -EPERM;
		if (((pc[i].uva % M_PAGE) & (ioas_align(a) - 1)) &&
		    !bug(m, MB_MAP_UNALIGNED_OK))
			return -EINVAL;
		/* pinning for the domains: a bad user VA faults */
		if (a->nlinked && pc[i].pin_err)
			return pc[i].pin_err;
		if (a->nlinked && !pc[i].uva)
			return -EFAULT;
	}
	/* the pins are charged (IOAS-19, IOAS-20) */
	if (a->nlinked) {
		rc = model_pin_charge(m, NULL, pc, npc);
		if (rc)
			return rc;
	}
	if (a->nlinked && should_fail(m))
		return M_INJ_RC;
	/* place: MB_COPY_AT_SOURCE_IOVA inserts at the source IOVA */
	at = place ? *place : *iova;
	for (unsigned i = 0; i < npc; i++) {
		pc[i].iova = at;
		area_insert(m, a, &pc[i]);
		at += pc[i].len;
	}
	return 0;
}

/*
 * The checks MAP, MAP_FILE and COPY open with, in the kernel's order:
 * unknown flags (EOPNOTSUPP); an IOVA or length past the 64-bit space, the
 * fixed *iova, len, or what `other_overflow` says (EOVERFLOW); no access
 * asked (EINVAL; MB_MAP_NOPROT_OK lets it pass where `noprot_bug_applies`,
 * IOAS-1); then the lookup of IOAS `ioas_id` into *a. 0 when all pass.
 */
static int map_checks(struct model *m, uint32_t flags, const uint64_t *iova,
		      uint64_t len, bool other_overflow,
		      bool noprot_bug_applies, uint32_t ioas_id,
		      struct m_ioas **a)
{
	const uint32_t valid = T_MAP_FIXED_IOVA | T_MAP_WRITEABLE |
			       T_MAP_READABLE;

	if (flags & ~valid)
		return -EOPNOTSUPP;
	if (other_overflow || len >= UINT64_MAX ||
	    ((flags & T_MAP_FIXED_IOVA) && *iova >= UINT64_MAX))
		return e_overflow(m);
	if (!(flags & (T_MAP_WRITEABLE | T_MAP_READABLE)) &&
	    !(noprot_bug_applies && bug(m, MB_MAP_NOPROT_OK)))
		return -EINVAL;
	*a = get_ioas(m, ioas_id);
	if (!*a)
		return model_lookup_err(m, ioas_id);
	return 0;
}

/* *last of a non-empty start..+len: EINVAL when empty, the overflow error
 * when it wraps. */
static int last_of(struct model *m, uint64_t start, uint64_t len,
		   uint64_t *last)
{
	if (!len)
		return -EINVAL;
	if (__builtin_add_overflow(start, len - 1, last))
		return e_overflow(m);
	return 0;
}

/* iommufd_ioas_map() */
int model_ioas_map(struct model *m, uint32_t ioas_id, uint32_t flags,
		   void *uva, uint64_t len, uint64_t *iova)
{
	struct m_ioas *a;
	struct m_area pc;
	uint64_t end;
	int ret;

	CLOSED_CHECK(m, ioas_id);
	ret = map_checks(m, flags, iova, len, false, true, ioas_id, &a);
	if (ret)
		return op_end(m, ret);
	/* iopt_alloc_user_pages() / iopt_alloc_pages() */
	if (__builtin_add_overflow((uint64_t)(uintptr_t)uva, len, &end))
		return op_end(m, e_overflow(m));
	if (len == 0 || len > UINT64_MAX - M_PAGE)
		return op_end(m, -EINVAL);
	pc = (struct m_area){ .len = len, .uva = (uintptr_t)uva,
			      .prot = flags & (T_MAP_READABLE | T_MAP_WRITEABLE),
			      .pages_writable = (flags & T_MAP_WRITEABLE) != 0,
			      .pages_id = ++m->pages_seq,
			      .acct = model_acct_mode(m, a->ctx) };
	return op_end(m, map_pieces(m, a, &pc, 1, len,
				    flags & T_MAP_FIXED_IOVA, iova, NULL));
}

void model_area_remove(struct model *m, struct m_ioas *a, unsigned i)
{
	struct m_area ar = a->area[i];

	memmove(&a->area[i], &a->area[i + 1],
		(a->narea - i - 1) * sizeof(a->area[0]));
	a->narea--;
	model_ioas_pte_del(m, a, &ar);
}

/* iopt_unmap_iova_range(): not atomic; whole areas before the one that
 * would be cut (ENOENT) or is locked (EBUSY) are already gone when the
 * error comes back. Per area, in IOVA order: a HW queue's lock (EBUSY),
 * then a cut (ENOENT), then the emulated accesses are told to drop their
 * pins (iommufd_access_notify_unmap()) and the area goes. */
static int unmap_range(struct model *m, struct m_ioas *a, uint64_t start,
		       uint64_t last, uint64_t *unmapped)
{
	uint64_t bytes = 0;
	unsigned i = 0;
	int rc = 0;

	while (i < a->narea) {
		struct m_area *ar = &a->area[i];
		uint64_t al = ar->iova + ar->len - 1;

		if (!overlaps(ar->iova, al, start, last)) {
			i++;
			continue;
		}
		if (model_area_locked(m, a, ar->iova, al)) {
			rc = -EBUSY;
			break;
		}
		if ((ar->iova < start || al > last) &&
		    bug(m, MB_UNMAP_SPLITS)) {
			/* MB_UNMAP_SPLITS: the area is cut at the range's
			 * ends (IOAS-6) */
			struct m_area head = *ar, tail = *ar;
			uint64_t cs = ar->iova < start ? start : ar->iova;
			uint64_t ce = al > last ? last : al;

			head.len = cs - ar->iova;
			tail.iova = ce + 1;
			tail.len = al - ce;
			tail.uva = ar->uva + (uintptr_t)(ce + 1 - ar->iova);
			tail.file_start = ar->file_start + (ce + 1 - ar->iova);
			bytes += ce - cs + 1;
			model_area_remove(m, a, i);
			if (head.len) {
				area_insert(m, a, &head);
				i++;
			}
			if (tail.len) {
				area_insert(m, a, &tail);
				i++;
			}
			continue;
		}
		if (ar->iova < start || al > last) {
			rc = -ENOENT;
			break;
		}
		/* MB_ACCESS_PIN_BLOCKS: the pins refuse it (IOAS-17) */
		if (model_access_notify_unmap(m, a, ar->iova, al)) {
			rc = -EBUSY;
			break;
		}
		bytes += ar->len;
		model_area_remove(m, a, i);
	}
	*unmapped = bytes;
	return rc;
}

/* iommufd_ioas_unmap() */
int model_ioas_unmap(struct model *m, uint32_t ioas_id, uint64_t iova,
		     uint64_t len, uint64_t *unmapped)
{
	struct m_ioas *a = get_ioas(m, ioas_id);
	uint64_t bytes = 0, last;
	int rc;

	CLOSED_CHECK(m, ioas_id);
	if (!a)
		return op_end(m, model_lookup_err(m, ioas_id));
	/* MB_UNMAP_ALL_OVERFLOW (IOAS-11): the overflow rule before the
	 * unmap-all exception, as the contract once read. */
	if (iova == 0 && len == UINT64_MAX && !bug(m, MB_UNMAP_ALL_OVERFLOW)) {
		/* iopt_unmap_all(): succeeds even when empty; a locked area
		 * refuses it (EBUSY) as any UNMAP */
		rc = unmap_range(m, a, 0, UINT64_MAX, &bytes);
		if (rc)
			return op_end(m, rc);
		if (unmapped)
			*unmapped = bytes;
		return op_end(m, 0);
	}
	if (iova >= UINT64_MAX || len >= UINT64_MAX)
		return op_end(m, e_overflow(m));
	if (!len)
		return op_end(m, -EINVAL);
	if (__builtin_add_overflow(iova, len - 1, &last))
		return op_end(m, e_overflow(m));
	rc = unmap_range(m, a, iova, last, &bytes);
	if (rc)
		return op_end(m, rc);
	/* MB_UNMAP_EMPTY_OK (IOAS-7) */
	if (!bytes && !bug(m, MB_UNMAP_EMPTY_OK))
		return op_end(m, -ENOENT);
	/* MB_UNMAP_BYTES_ASKED: echoes the request (IOAS-8) */
	if (bug(m, MB_UNMAP_BYTES_ASKED))
		bytes = len;
	if (unmapped)
		*unmapped = bytes;
	return op_end(m, 0);
}

/* iommufd_ioas_copy() -> iopt_get_pages() + iopt_map_pages() */
int model_ioas_copy(struct model *m, uint32_t dst_ioas, uint32_t src_ioas,
		    uint32_t flags, uint64_t src_iova, uint64_t len,
		    uint64_t *dst_iova)
{
	struct m_area pc[M_MAX_AREA];
	struct m_ioas *src, *dst;
	uint64_t last, cur, covered = 0;
	unsigned npc = 0;
	bool at_src;
	int ret;

	CLOSED_CHECK(m, dst_ioas);
	CLOSED_CHECK(m, src_ioas);
	ret = map_checks(m, flags, dst_iova, len, src_iova >= UINT64_MAX, true,
			 src_ioas, &src);
	if (ret)
		return op_end(m, ret);
	ret = last_of(m, src_iova, len, &last);
	if (ret)
		return op_end(m, ret);
	/* iopt_for_each_contig_area(): contiguous areas from src_iova */
	cur = src_iova;
	for (unsigned i = 0; i < src->narea; i++) {
		const struct m_area *ar = &src->area[i];
		uint64_t al = ar->iova + ar->len - 1, pl;

		if (al < cur)
			continue;
		if (ar->iova > cur)
			break;
		pl = al < last ? al : last;
		pc[npc++] = (struct m_area){
			0, pl - cur + 1, ar->uva + (uintptr_t)(cur - ar->iova),
			flags & (T_MAP_READABLE | T_MAP_WRITEABLE),
			/* MB_COPY_IGNORES_WRITABLE (IOAS-10) */
			ar->pages_writable ||
				bug(m, MB_COPY_IGNORES_WRITABLE),
			ar->pin_err, ar->file,
			ar->file_start + (cur - ar->iova), ar->pages_id,
			ar->acct };
		covered += pl - cur + 1;
		if (pl == last)
			break;
		cur = pl + 1;
	}
	/* MB_COPY_PARTIAL_OK: copies the mapped part (IOAS-9) */
	if (covered && covered != len && bug(m, MB_COPY_PARTIAL_OK))
		len = covered;
	if (covered != len)
		return op_end(m, -ENOENT);
	dst = get_ioas(m, dst_ioas);
	if (!dst)
		return op_end(m, model_lookup_err(m, dst_ioas));
	/* MB_COPY_AT_SOURCE_IOVA: the destination area lands at the source
	 * IOVA, checked at the destination one (DMA-9) */
	at_src = bug(m, MB_COPY_AT_SOURCE_IOVA) && (flags & T_MAP_FIXED_IOVA) &&
		 !model_area_hit(dst, src_iova, last);
	return op_end(m, map_pieces(m, dst, pc, npc, len,
				    flags & T_MAP_FIXED_IOVA, dst_iova,
				    at_src ? &src_iova : NULL));
}

/* iommufd_ioas_iova_ranges(): the holes of reserved_itree. */
int model_iova_ranges(struct model *m, uint32_t ioas_id,
		      struct iova_range *ranges, unsigned *n,
		      uint64_t *alignment)
{
	struct iova_range r[M_MAX_USED];
	struct m_ioas *a = get_ioas(m, ioas_id);
	unsigned nr, cnt = 0, max = *n;
	uint64_t cur = 0;
	bool end = false;

	CLOSED_CHECK(m, ioas_id);
	if (!a)
		return op_end(m, model_lookup_err(m, ioas_id));
	nr = model_collect_resv(m, a, r);
	model_sort_ranges(r, nr);
	for (unsigned i = 0; i <= nr && !end; i++) {
		uint64_t hl;

		if (i < nr) {
			if (r[i].last < cur)
				continue;
			if (r[i].start <= cur) {
				if (r[i].last == UINT64_MAX)
					end = true;
				else
					cur = r[i].last + 1;
				continue;
			}
			hl = r[i].start - 1;
		} else {
			hl = UINT64_MAX;
		}
		if (cnt < max)
			ranges[cnt] = (struct iova_range){ cur, hl };
		cnt++;
		if (i < nr) {
			if (r[i].last == UINT64_MAX)
				end = true;
			else
				cur = r[i].last + 1;
		}
	}
	/* MB_RANGES_UNSORTED: reported highest first (RANGE-6) */
	if (bug(m, MB_RANGES_UNSORTED)) {
		unsigned k = cnt < max ? cnt : max;

		for (unsigned i = 0; i < k / 2; i++) {
			struct iova_range t = ranges[i];

			ranges[i] = ranges[k - 1 - i];
			ranges[k - 1 - i] = t;
		}
	}
	*n = cnt;
	if (alignment)
		*alignment = model_ioas_align_reported(m, a);
	/* MB_EMSGSIZE_SILENT: a truncated array reported as success
	 * (RANGE-2) */
	return op_end(m, cnt > max && !bug(m, MB_EMSGSIZE_SILENT) ? -EMSGSIZE
								  : 0);
}

/* iommufd_ioas_allow_iovas() + iopt_set_allow_iova() */
int model_allow_iovas(struct model *m, uint32_t ioas_id,
		      const struct iova_range *ranges, unsigned n)
{
	struct iova_range nr[T_MAX_RANGES];
	struct m_ioas *a = get_ioas(m, ioas_id);

	CLOSED_CHECK(m, ioas_id);
	if (!a)
		return op_end(m, model_lookup_err(m, ioas_id));
	for (unsigned i = 0; i < n; i++) {
		/* MB_ALLOW_SINGLE_BYTE: start == last accepted (RANGE-4) */
		if (ranges[i].start > ranges[i].last ||
		    (ranges[i].start == ranges[i].last &&
		     !bug(m, MB_ALLOW_SINGLE_BYTE)))
			return op_end(m, -EINVAL);
		for (unsigned j = 0; j < i; j++)
			if (overlaps(ranges[i].start, ranges[i].last,
				     nr[j].start, nr[j].last))
				return op_end(m, -EINVAL);
		if (i == T_MAX_RANGES)
			return op_end(m, -ENOMEM);
		nr[i] = ranges[i];
	}
	for (unsigned i = 0; i < n; i++)
		if (model_resv_hit(m, a, nr[i].start, nr[i].last))
			return op_end(m, -EADDRINUSE);
	model_sort_ranges(nr, n);
	memcpy(a->allowed, nr, n * sizeof(nr[0]));
	a->nallowed = n;
	return op_end(m, 0);
}

/* iommufd_ioas_option_huge_pages() */
int model_ioas_option_huge_pages(struct model *m, uint32_t ioas_id, bool set,
				 uint64_t *val)
{
	struct m_ioas *a = get_ioas(m, ioas_id);

	CLOSED_CHECK(m, ioas_id);
	if (!a)
		return op_end(m, model_lookup_err(m, ioas_id));
	if (!set) {
		*val = !a->no_large;
		return op_end(m, 0);
	}
	if (*val == 1) {
		a->no_large = false; /* iopt_enable_large_pages() */
		return op_end(m, 0);
	}
	if (*val != 0)
		return op_end(m, -EINVAL);
	/* iopt_disable_large_pages() */
	if (a->no_large)
		return op_end(m, 0);
	/* MB_HUGE_PAGES_LAX: accepted with domains and mappings (IOAS-13) */
	if (a->nlinked && a->narea && !bug(m, MB_HUGE_PAGES_LAX))
		return op_end(m, -EINVAL);
	if (ioas_align(a) < M_PAGE) {
		for (unsigned i = 0; i < a->narea; i++)
			if ((a->area[i].iova | a->area[i].len |
			     a->area[i].uva) & (M_PAGE - 1))
				return op_end(m, -EADDRINUSE);
	}
	a->no_large = true;
	return op_end(m, 0);
}

/* iommufd_option_rlimit_mode() */
int model_option_rlimit_mode(struct model *m, unsigned ctx, bool set,
			     uint64_t *val)
{
	if (ctx >= m->p->nctx || ctx_closed(m, ctx))
		return op_end(m, -EBADF);
	if (!set) {
		*val = m->rlimit_mm[ctx];
		return op_end(m, 0);
	}
	/* MB_RLIMIT_MODE_LAX: the mode changes under existing objects, so
	 * their pages are charged in one mode and released in the other
	 * (IOAS-14) */
	if (!model_ctx_empty(m, ctx) && !bug(m, MB_RLIMIT_MODE_LAX))
		return op_end(m, -EBUSY);
	if (*val > 1)
		return op_end(m, -EINVAL);
	m->rlimit_mm[ctx] = *val;
	return op_end(m, 0);
}

/*
 * iommufd_ioas_map_file() + iopt_map_file_pages(). The file's pages are
 * reached through a shared mapping the model makes of it, so DMA lands in
 * the file as it does when the kernel pins its folios. Pinning is lazy:
 * a file memfd_pin_folios() refuses (not shmem or hugetlbfs) maps, and the
 * first domain that must be filled fails EINVAL.
 */
int model_ioas_map_file(struct model *m, uint32_t ioas_id, uint32_t flags,
			int fd, uint64_t start, uint64_t len, uint64_t *iova)
{
	const uint64_t start_byte = start % M_PAGE;
	struct m_ioas *a;
	struct m_area pc;
	struct statfs sfs;
	uint64_t last;
	void *map;
	int ret;

	CLOSED_CHECK(m, ioas_id);
	ret = map_checks(m, flags, iova, len, false, false, ioas_id, &a);
	if (ret)
		return op_end(m, ret);
	ret = last_of(m, start, len, &last);
	if (ret)
		return op_end(m, ret);
	if (fcntl(fd, F_GETFD) < 0)
		return op_end(m, -EBADF);
	pc = (struct m_area){ .len = len,
			      .prot = flags & (T_MAP_READABLE | T_MAP_WRITEABLE),
			      .pages_writable = (flags & T_MAP_WRITEABLE) != 0,
			      .file = true, .file_start = start,
			      .pages_id = ++m->pages_seq,
			      .acct = model_acct_mode(m, a->ctx) };
	if (fstatfs(fd, &sfs) ||
	    (sfs.f_type != TMPFS_MAGIC && sfs.f_type != HUGETLBFS_MAGIC)) {
		pc.pin_err = -EINVAL;
	} else {
		/* MB_MAP_FILE_AT_ZERO: the range starts at file offset 0,
		 * whatever start says (IOAS-15) */
		map = mmap(NULL, len + start_byte, PROT_READ | PROT_WRITE,
			   MAP_SHARED, fd,
			   bug(m, MB_MAP_FILE_AT_ZERO) ?
				   0 :
				   (off_t)(start - start_byte));
		if (map == MAP_FAILED) {
			pc.pin_err = -EINVAL;
		} else {
			pc.uva = (uintptr_t)map + start_byte;
			if (m->nfmap < M_MAX_FMAP)
				m->fmap[m->nfmap++] = (typeof(m->fmap[0])){
					map, len + start_byte };
		}
	}
	return op_end(m, map_pieces(m, a, &pc, 1, len,
				    flags & T_MAP_FIXED_IOVA, iova, NULL));
}

/* iommufd_ioas_change_process(): only MAP_FILE areas can move, in every
 * IOAS of the context; otherwise nothing changes. */
int model_ioas_change_process(struct model *m, unsigned ctx)
{
	if (ctx >= m->p->nctx || ctx_closed(m, ctx))
		return op_end(m, -EBADF);
	for (unsigned i = 0; i < M_MAX_IOAS; i++) {
		const struct m_ioas *a = &m->ioas[i];

		if (!a->used || a->ctx != ctx)
			continue;
		/* MB_CHANGE_PROCESS_USER_MAPS: user-VA maps are not
		 * refused (IOAS-16) */
		for (unsigned k = 0; k < a->narea; k++)
			if (!a->area[k].file &&
			    !bug(m, MB_CHANGE_PROCESS_USER_MAPS))
				return op_end(m, -EINVAL);
	}
	return op_end(m, 0);
}
