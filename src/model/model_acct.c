// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model: what pinning pages costs
 * (pages.c:iopt_pages_update_pinned). Not counted up and down but read off
 * the state, as the kernel's counters would settle: an area's pages are
 * pinned while its IOAS has a domain (iopt_area_fill_domains(); a second
 * domain reads them from the first), once per iopt_pages however many
 * areas share it (COPY), and unpinned when the last area or domain that
 * needs them goes. Every pinned page counts in mm->pinned_vm (VmPin); a
 * page of a MAP made without CAP_IPC_LOCK is also charged to the user's
 * locked_vm (RLIMIT_MODE 0) or the process's (RLIMIT_MODE 1, VmLck),
 * against RLIMIT_MEMLOCK at the time it is pinned. An emulated access's
 * pins (IOAS-17, IOAS-22) pin the pages under them the same way.
 */
#include <errno.h>
#include <stdlib.h>

#include "model_int.h"

/* One area's pinned page numbers [first, last] (of its user address). */
struct span {
	uint32_t key; /* the iopt_pages */
	uint8_t acct;
	uint64_t first, last;
};

#define M_MAX_SPAN ((M_MAX_IOAS + 1 + M_MAX_PIN) * M_MAX_AREA)

/* Pages pinned, and charged to the user and to the process. */
struct charge {
	uint64_t pinned, user, mm;
};

uint8_t model_acct_mode(const struct model *m, unsigned ctx)
{
	if (!m->no_ipc_lock)
		return M_ACCT_NONE; /* capable(CAP_IPC_LOCK) */
	/* MB_MM_MODE_CHARGES_USER: iopt_map_pages() does not switch the
	 * pages to the context's mode (IOAS-20) */
	if (ctx < T_MAX_CTX && m->rlimit_mm[ctx] &&
	    !bug(m, MB_MM_MODE_CHARGES_USER))
		return M_ACCT_MM;
	return M_ACCT_USER;
}

static void add_span(const struct model *m, const struct m_area *ar,
		     struct span *sp, unsigned *n)
{
	if (!ar->len || !ar->uva || *n == M_MAX_SPAN)
		return;
	/* MB_PIN_PER_AREA: no sharing, each area pins its own (IOAS-18) */
	sp[*n].key = bug(m, MB_PIN_PER_AREA) ? 0x80000000u | *n : ar->pages_id;
	sp[*n].acct = ar->acct;
	sp[*n].first = ar->uva / M_PAGE;
	sp[*n].last = (ar->uva + ar->len - 1) / M_PAGE;
	(*n)++;
}

/* The pages of the areas of a under [iova, last], as spans. */
static void add_pin_spans(const struct model *m, const struct m_ioas *a,
			  uint64_t iova, uint64_t last, struct span *sp,
			  unsigned *n)
{
	for (unsigned i = 0; i < a->narea; i++) {
		struct m_area part = a->area[i];
		uint64_t al = part.iova + part.len - 1;
		uint64_t s = iova > part.iova ? iova : part.iova;
		uint64_t e = last < al ? last : al;

		if (s > e)
			continue;
		part.uva += (uintptr_t)(s - part.iova);
		part.len = e - s + 1;
		add_span(m, &part, sp, n);
	}
}

static int by_key_first(const void *x, const void *y)
{
	const struct span *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

/* The charge of every IOAS with a domain (and `fill`, and `extra`),
 * of context ctx only when ctx >= 0. */
static void count(const struct model *m, int ctx, const struct m_ioas *fill,
		  const struct m_area *extra, unsigned nextra, struct charge *c)
{
	struct span *sp = malloc(M_MAX_SPAN * sizeof(*sp));
	unsigned n = 0;

	*c = (struct charge){0};
	if (!sp)
		return;
	for (unsigned i = 0; i < M_MAX_IOAS; i++) {
		const struct m_ioas *a = &m->ioas[i];

		/* MB_DETACH_KEEPS_PINS: the last domain's removal leaves
		 * the pages pinned (OBJ-12) */
		bool pinned = a->nlinked || a == fill ||
			      (a->was_linked && bug(m, MB_DETACH_KEEPS_PINS));

		if (!a->used || !pinned ||
		    (ctx >= 0 && a->ctx != (unsigned)ctx))
			continue;
		for (unsigned k = 0; k < a->narea; k++)
			add_span(m, &a->area[k], sp, &n);
	}
	for (unsigned k = 0; k < nextra; k++)
		add_span(m, &extra[k], sp, &n);
	for (unsigned k = 0; k < m->npin; k++) {
		if (m->pin[k].live && m->pin[k].counted &&
		    (ctx < 0 || m->pin[k].ioas->ctx == (unsigned)ctx))
			add_pin_spans(m, m->pin[k].ioas, m->pin[k].iova,
				      m->pin[k].last, sp, &n);
	}
	qsort(sp, n, sizeof(*sp), by_key_first);
	for (unsigned i = 0; i < n;) {
		uint64_t first = sp[i].first, last = sp[i].last, pages = 0;
		unsigned k = i;

		/* the union of one iopt_pages' spans */
		for (; k < n && sp[k].key == sp[i].key; k++) {
			if (sp[k].first > last) {
				pages += last - first + 1;
				first = sp[k].first;
			}
			if (sp[k].last > last)
				last = sp[k].last;
		}
		pages += last - first + 1;
		c->pinned += pages;
		if (sp[i].acct == M_ACCT_USER)
			c->user += pages;
		else if (sp[i].acct == M_ACCT_MM)
			c->mm += pages;
		i = k;
	}
	free(sp);
}

/* incr_user_locked_vm() / __account_locked_vm(): a charge that grows past
 * RLIMIT_MEMLOCK fails, and the pins it was for are undone. */
int model_pin_charge(const struct model *m, const struct m_ioas *fill,
		     const struct m_area *extra, unsigned nextra)
{
	const uint64_t limit = m->memlock_limit / M_PAGE;
	struct charge now, then;

	if (!m->memlock_limited)
		return 0;
	/* MB_CAP_AT_PIN_TIME: a pinning task holding CAP_IPC_LOCK is not
	 * charged, whatever the pages' mode (IOAS-23) */
	if (bug(m, MB_CAP_AT_PIN_TIME) && !m->no_ipc_lock)
		return 0;
	count(m, -1, NULL, NULL, 0, &now);
	count(m, -1, fill, extra, nextra, &then);
	/* MB_MEMLOCK_UNENFORCED: the per-user charge has no limit
	 * (IOAS-19) */
	if (then.user > now.user && then.user > limit &&
	    !bug(m, MB_MEMLOCK_UNENFORCED))
		return -ENOMEM;
	if (then.mm > now.mm && then.mm > limit)
		return -ENOMEM;
	return 0;
}

int model_pin_counters(struct model *m, uint64_t *pinned, uint64_t *locked)
{
	struct charge c;

	count(m, -1, NULL, NULL, 0, &c);
	*pinned = c.pinned * M_PAGE;
	*locked = c.mm * M_PAGE;
	return 0;
}

int model_memlock_set(struct model *m, bool cap_ipc_lock, uint64_t limit)
{
	m->no_ipc_lock = !cap_ipc_lock;
	m->memlock_limited = limit != UINT64_MAX;
	m->memlock_limit = limit;
	return 0;
}

/*
 * iommufd_ioas_change_process() from a child, then back: the child is
 * charged what the context's pages cost (charge_current(), against its
 * limit: ENOMEM and nothing moves) and the old process uncharged; the
 * take-back restores it all, so only the answers change.
 */
int model_change_process_handoff(struct model *m, unsigned ctx,
				 uint64_t child_limit, int64_t *to_child,
				 int64_t *from_parent, int *back)
{
	struct charge c;
	int rc;

	*to_child = *from_parent = 0;
	*back = 0;
	rc = model_ioas_change_process(m, ctx);
	if (rc)
		return rc;
	count(m, (int)ctx, NULL, NULL, 0, &c);
	if (child_limit != UINT64_MAX &&
	    (c.mm * M_PAGE > child_limit || c.user * M_PAGE > child_limit))
		return -ENOMEM;
	*to_child = (int64_t)(c.mm * M_PAGE);
	/* MB_CHANGE_PROCESS_KEEPS_CHARGE: the old process is not
	 * uncharged (IOAS-21) */
	if (!bug(m, MB_CHANGE_PROCESS_KEEPS_CHARGE))
		*from_parent = -(int64_t)(c.mm * M_PAGE);
	return 0;
}

/* iommufd_access_pin_pages() -> iopt_pages_fill_xarray(): the pins of a
 * new access on [iova, last] of a are charged as a domain's are. */
int model_access_pin_charge(const struct model *m, const struct m_ioas *a,
			    uint64_t iova, uint64_t last)
{
	struct m_area part[M_MAX_AREA];
	unsigned n = 0;

	for (unsigned i = 0; i < a->narea; i++) {
		uint64_t al = a->area[i].iova + a->area[i].len - 1;
		uint64_t s = iova > a->area[i].iova ? iova : a->area[i].iova;
		uint64_t e = last < al ? last : al;

		if (s > e)
			continue;
		part[n] = a->area[i];
		part[n].uva += (uintptr_t)(s - a->area[i].iova);
		part[n++].len = e - s + 1;
	}
	return model_pin_charge(m, NULL, part, n);
}
