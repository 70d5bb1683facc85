// SPDX-License-Identifier: GPL-2.0
/*
 * The explorer's sequences (see explore.c): random steps drawn from what the
 * oracle says exists, and the alphabet and state count of exhaustive mode.
 */
#include <stdlib.h>
#include <string.h>

#include "explore_int.h"

/* --- generating steps ---------------------------------------------------- */

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

/* memory-side steps: the edge slots, now and then (the reference model
 * only: elsewhere they are not compared). */
static void memory_operands(uint64_t *s, struct xop *op)
{
	if (op->pasid && rnd(s, 8) == 0)
		op->pasid = (uint8_t)(X_PASID_MAX + rnd(s, 2));
	if (rnd(s, 10) == 0)
		op->iova = (uint8_t)(X_IOVA_TOP + rnd(s, 2));
	if (rnd(s, 12) == 0)
		op->buf = (uint8_t)(X_BUF_HUGE + rnd(s, 2));
}

void explore_random_step(const struct universe *u, struct gen_state *g,
			 struct xop *op)
{
	static const uint8_t kinds[] = {
		X_BIND,	       X_BIND,	       X_UNBIND,      X_IOAS_ALLOC,
		X_IOAS_ALLOC,  X_DESTROY_IOAS, X_HWPT_ALLOC,  X_HWPT_ALLOC,
		X_DESTROY_HWPT, X_MAP,	       X_MAP,	      X_MAP,
		X_UNMAP,       X_UNMAP_ALL,    X_COPY,	      X_ATTACH_IOAS,
		X_ATTACH_IOAS, X_ATTACH_HWPT,  X_ATTACH_HWPT, X_ATTACH_HWPT,
		X_DETACH,      X_DETACH,       X_RANGES,      X_ABI,
		/* memory-side steps (the reference model only) */
		X_HW_INFO,     X_HUGE_PAGES,   X_SET_DIRTY,   X_SET_DIRTY,
		X_GET_DIRTY,   X_GET_DIRTY,    X_MARK_DIRTY,  X_ALLOW,
		X_MAP_FILE,
	};
	uint64_t *s = &g->rng;
	unsigned r;

	memset(op, 0, sizeof(*op));
	if (u->dma_ok && rnd(s, 1000) < g->dma_permille) {
		op->kind = rnd(s, 2) ? X_DMA_WRITE : X_DMA_READ;
	} else if (g->obj_per8 && rnd(s, 8) < g->obj_per8) {
		op->kind = explore_obj_kind(u, g);
	} else {
		/* The swarm's subset; bind is always in it. */
		do
			op->kind = kinds[rnd(s, sizeof(kinds))];
		while (!g->kind_on[op->kind] ||
		       (op->kind >= X_HW_INFO && !g->memory_on));
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
	op->iova = (uint8_t)rnd(s, X_IOVA_TOP);
	op->buf = (uint8_t)rnd(s, X_BUFS);
	if (g->memory_on)
		memory_operands(s, op);
	switch (op->kind) {
	case X_DMA_WRITE:
	case X_DMA_READ:
		/* Never DMA into the reserved slot: on x86 it is the MSI
		 * doorbell, and a real device would raise an interrupt.
		 * Mostly aim at IOVAs that were mapped somewhere. */
		op->iova = rnd(s, 4) ? pick_slot(s, g->iova_mapped, X_IOVA_RESV) :
				       (uint8_t)rnd(s, X_IOVA_RESV);
		/* and now and then at the aperture's last page (DMA-8),
		 * one page in (2 MiB maps) or across a page boundary */
		if (g->memory_on && rnd(s, 8) == 0)
			op->iova = X_IOVA_TOP;
		if (g->memory_on && rnd(s, 4) == 0)
			op->arg = (uint8_t)(op->kind == X_DMA_READ ?
						    XT_PAGE1 :
						    1 + rnd(s, XT_N - 1));
		/* Probe PASIDs that were attached somewhere, from any device:
		 * the PASID-isolation bugs (SEED-B/C) show only there. */
		if (u->pasid_ok && rnd(s, 2)) {
			/* one still attached somewhere first (a detach of
			 * another must not have touched it, PASID-8) */
			for (uint8_t p = 1; p < X_PASID_SLOTS; p++)
				if (g->pasid_used[p])
					op->pasid = p;
			for (uint8_t p = 1; p < X_PASID_SLOTS; p++)
				if (g->pasid_live[p] && rnd(s, 2))
					op->pasid = p;
			/* from the device that attached it, or any */
			op->dev = rnd(s, 2) ? g->pasid_dev[op->pasid] :
					      (uint8_t)rnd(s, u->ndev);
		}
		break;
	case X_MAP:
		/* Mostly read-write; read-only, write-only and (rarely) no
		 * permission at all, which MAP must refuse (IOAS-1). */
		r = rnd(s, 16);
		op->arg = (uint8_t)((1 + rnd(s, X_BUF_PAGES)) |
				    (r < 12 ? 0 : r < 14 ? 1 : r < 15 ? 2 : 3) << 4);
		if (g->memory_on)
			op->arg |= (rnd(s, 6) == 0 ? XM_PLUS_PAGE : 0) |
				   (rnd(s, 16) == 0 ? XM_AUTO : 0) |
				   (rnd(s, 12) == 0 ? XM_UNALIGNED : 0);
		break;
	case X_UNMAP:
		op->arg = (uint8_t)(1 + rnd(s, X_BUF_PAGES));
		break;
	case X_HWPT_ALLOC:
		op->arg = u->pasid_ok && rnd(s, 2) ? T_HWPT_PASID : 0;
		/* Now and then a flag no kernel has: EOPNOTSUPP (HWPT-1). */
		if (rnd(s, 16) == 0)
			op->arg |= 0x80;
		if (g->memory_on)
			op->arg |= (rnd(s, 3) == 0 ? T_HWPT_DIRTY_TRACKING : 0) |
				   (rnd(s, 8) == 0 ? T_HWPT_NEST_PARENT : 0);
		break;
	case X_HW_INFO:
		op->arg = (uint8_t)rnd(s, XH_N);
		break;
	case X_HUGE_PAGES:
		op->arg = (uint8_t)rnd(s, 2);
		break;
	case X_SET_DIRTY:
		op->arg = rnd(s, 4) != 0;
		break;
	case X_GET_DIRTY:
		op->arg = (uint8_t)(rnd(s, 2) |
				    (rnd(s, 8) == 0 ? XD_UNALIGNED : 0) |
				    (rnd(s, 8) == 0 ? XD_NO_BITMAP : 0));
		op->iova = pick_slot(s, g->iova_mapped, X_IOVA_RESV);
		break;
	case X_MARK_DIRTY:
		op->iova = pick_slot(s, g->iova_mapped, X_IOVA_RESV);
		break;
	case X_ALLOW:
		op->arg = (uint8_t)rnd(s, XW_N);
		break;
	case X_ABI:
		op->arg = (uint8_t)rnd(s, XA_NCASES);
		break;
	case X_COPY:
		op->buf = pick_slot(s, g->ioas_live, X_IOAS);
		op->arg = (uint8_t)rnd(s, X_IOVA_TOP);
		if (g->memory_on && rnd(s, 4) == 0)
			op->arg |= XC_TWO_PAGES;
		break;
	default:
		if (op->kind >= X_OBJ_FIRST)
			explore_obj_operands(u, g, op);
	}
}

/* Per-sequence swarm parameters, all drawn from the sequence's seed. */
void explore_gen_init(struct gen_state *g, const struct universe *u,
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
	/* Half the sequences have no object-side steps, so the rest of the
	 * alphabet keeps its depth; drawn from a stream of their own, so such
	 * a sequence is the one the same seed drew before they existed. */
	{
		uint64_t o = seq_seed ^ 0x6f626a2d73746570ull;

		g->obj_per8 = u->obj_ok && rnd(&o, 2) ? 1 + rnd(&o, 3) : 0;
		g->obj_chain = rnd(&o, 3);
	}
	g->memory_on = u->rich && rnd(s, 2);
}

void explore_gen_learn(struct gen_state *g, const struct xop *op,
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
		if (!(op->arg & XM_AUTO))
			g->iova_mapped[op->iova] = true;
		break;
	case X_COPY:
	case X_MAP_FILE:
		g->iova_mapped[op->iova] = true;
		break;
	case X_ATTACH_IOAS:
	case X_ATTACH_HWPT:
		g->pasid_used[op->pasid] = true;
		g->pasid_live[op->pasid] = true;
		g->pasid_dev[op->pasid] = op->dev;
		break;
	case X_DETACH:
		g->pasid_live[op->pasid] = false;
		break;
	case X_DESTROY_HWPT:
		g->hwpt_live[op->hwpt] = false;
		break;
	}
	explore_obj_learn(g, op);
}

/* --- exhaustive mode ----------------------------------------------------- */

/*
 * Canonical form for symmetry reduction: IOAS and HWPT slots are
 * interchangeable, so a step may name slot k only once slot k-1 has been
 * named before. Devices are not (their groups differ), nor IOVA slots (one
 * is reserved).
 */
bool explore_canonical_ok(const struct xseq *seq)
{
	unsigned ioas_hi = 0, hwpt_hi = 0;

	for (unsigned i = 0; i < seq->n; i++) {
		const struct xop *op = &seq->op[i];

		if (op->ioas > ioas_hi || op->hwpt > hwpt_hi)
			return false;
		if (op->ioas == ioas_hi)
			ioas_hi++;
		if (op->kind == X_HWPT_ALLOC || op->kind == X_ATTACH_HWPT ||
		    op->kind == X_DESTROY_HWPT || op->kind == X_SET_DIRTY ||
		    op->kind == X_GET_DIRTY || op->kind == X_MARK_DIRTY ||
		    explore_obj_names_hwpt(op))
			if (op->hwpt == hwpt_hi)
				hwpt_hi++;
	}
	return true;
}

/* A small alphabet: enough to reach attach/replace/detach/PASID states. */
unsigned explore_alphabet(const struct universe *u, struct xop *a, unsigned max)
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
	/* memory-side steps, where they run (the reference model) */
	if (u->rich) {
		a[n++] = (struct xop){ .kind = X_HWPT_ALLOC,
				       .arg = T_HWPT_DIRTY_TRACKING };
		a[n++] = (struct xop){ .kind = X_SET_DIRTY, .arg = 1 };
		a[n++] = (struct xop){ .kind = X_MARK_DIRTY };
		a[n++] = (struct xop){ .kind = X_GET_DIRTY, .arg = XD_NO_CLEAR };
		a[n++] = (struct xop){ .kind = X_HW_INFO, .arg = XH_LONG };
		a[n++] = (struct xop){ .kind = X_ALLOW, .arg = XW_LOW };
		a[n++] = (struct xop){ .kind = X_HUGE_PAGES };
		a[n++] = (struct xop){ .kind = X_MAP, .arg = 1 | XM_UNALIGNED };
		a[n++] = (struct xop){ .kind = X_MAP, .iova = X_IOVA_TOP, .arg = 1 };
		a[n++] = (struct xop){ .kind = X_MAP, .iova = X_IOVA_WRAP, .arg = 2 };
		a[n++] = (struct xop){ .kind = X_MAP, .iova = 1, .arg = 1 | XM_AUTO };
		a[n++] = (struct xop){ .kind = X_COPY, .iova = 1,
				       .arg = XC_TWO_PAGES };
		a[n++] = (struct xop){ .kind = X_HWPT_ALLOC,
				       .arg = T_HWPT_DIRTY_TRACKING |
					      T_HWPT_NEST_PARENT };
		a[n++] = (struct xop){ .kind = X_ALLOW, .arg = XW_BYTE };
		a[n++] = (struct xop){ .kind = X_RANGES };
	}
	return explore_obj_alphabet(u, a, n < max ? n : max, max);
}

/* Observable state of the oracle after a sequence, for counting states. */
uint64_t explore_observe(const struct universe *u, struct side *s)
{
	uint64_t h = 1469598103934665603ull;
	struct xres r;

	for (uint8_t i = 0; i < 2; i++) {
		struct xop q = { .kind = X_RANGES, .ioas = i };

		explore_exec_step(u, s, &q, &r);
		h = (h ^ (uint64_t)(r.ret * 31 + r.out)) * 1099511628211ull;
	}
	for (uint8_t d = 0; d < u->ndev && d < 2; d++)
		for (uint8_t p = 0; p <= (u->pasid_ok ? 1 : 0); p++) {
			struct xop q = { .kind = X_DMA_READ, .dev = d, .pasid = p };

			explore_exec_step(u, s, &q, &r);
			h = (h ^ (uint64_t)(r.ret * 31 + r.out)) * 1099511628211ull;
		}
	/* memory-side: the first HWPT's dirty bits (not cleared) */
	if (u->rich) {
		struct xop q = { .kind = X_GET_DIRTY, .arg = XD_NO_CLEAR };

		explore_exec_step(u, s, &q, &r);
		h = (h ^ (uint64_t)(r.ret * 31 + r.out)) * 1099511628211ull;
	}
	return explore_obj_observe(u, s, h);
}

void explore_hashset_add(struct hashset *hs, uint64_t x)
{
	if (!x)
		x = 1;
	if (hs->n * 2 >= hs->cap) {
		struct hashset bigger = { calloc(hs->cap ? hs->cap * 2 : 1024, 8),
					  hs->cap ? hs->cap * 2 : 1024, 0 };

		for (size_t i = 0; i < hs->cap; i++)
			if (hs->v[i])
				explore_hashset_add(&bigger, hs->v[i]);
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
