// SPDX-License-Identifier: GPL-2.0
/*
 * Lockstep exploration of the target against the model oracle.
 *
 * The universe is small on purpose: up to X_DEVS devices chosen from the
 * target's capabilities (a lone device, when there is one a two-device
 * group, and a device behind another IOMMU instance when the target has
 * one, else any other device, a device without PASID when there is one),
 * X_IOAS IOAS slots, X_HWPT HWPT slots, the RID plus X_PASIDS
 * PASIDs, X_BUFS two-page buffers and X_IOVAS IOVA slots (slot 4 sits on a
 * reserved region when the device reports one; the memory-side slots, the
 * 2 MiB buffer, the memfd and the unpinnable hole are in explore_int.h and
 * explore_steps.c). Steps name slots, not
 * IDs, so a sequence means the same thing on both sides and survives the
 * removal of steps while shrinking.
 *
 * Compared per step: the return code; the bytes UNMAP reports; which IOVA
 * slots IOVA_RANGES admits; for DMA, which buffer page the transfer hit (or
 * that it was blocked), judged from memory contents.
 *
 * This file: running sequences in lockstep and the driver loop. The rest:
 * explore_steps.c (the universe, executing, formatting and parsing steps),
 * explore_gen.c (generating steps, exhaustive mode), explore_shrink.c
 * (shrinking, reporting); explore_int.h is what they share.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "../base/lines.h"
#include "../model/model.h"
#include "explore_int.h"
#include "mirror.h"

/* --- running sequences in lockstep -------------------------------------- */

static int open_side(struct lockstep *ls, struct side *x,
		     const struct target_config *cfg)
{
	bool skip;

	if (x->t && x->t->ops->reset && !x->t->ops->reset(x->t)) {
		memset(x->ioas, 0, sizeof(x->ioas));
		memset(x->hwpt, 0, sizeof(x->hwpt));
		memset(&x->obj, 0, sizeof(x->obj));
		return 0;
	}
	if (x->t)
		target_close(x->t);
	memset(x, 0, sizeof(*x));
	x->t = target_open(cfg, ls->why, ls->why_len, &skip);
	return x->t ? 0 : -1;
}

/* Fresh state on both sides: reset where the target can, reopen else. */
int explore_open_sides(struct lockstep *ls, struct side **a, struct side **b)
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
 * Discover the target once (unless its configuration carries a discovery
 * already): the universe comes from its caps, and every sequence's open
 * skips discovery. what names the command for the reason.
 */
static int lockstep_init(struct lockstep *ls,
			 const struct target_config *target, const char *what)
{
	const struct target_caps *caps;
	bool skip;

	ls->tcfg = target;
	if (!target->discovery) {
		ls->discovery = target_discover(target, ls->why, ls->why_len,
						&skip);
		if (!ls->discovery)
			return -1;
		ls->tcfg_discovered = *target;
		ls->tcfg_discovered.discovery = ls->discovery;
		ls->tcfg = &ls->tcfg_discovered;
	}
	caps = &ls->tcfg->discovery->caps;
	if (!explore_universe_init(&ls->u, caps)) {
		snprintf(ls->why, ls->why_len, "target has no device to %s with",
			 what);
		target_discovery_free(ls->discovery);
		ls->discovery = NULL;
		return -1;
	}
	ls->u.forget_destroyed = caps->hidden_objects;
	/* A mirror oracle lacks what the object- and memory-side steps
	 * compare, even against the model (tests/unit/test_mirror.c). */
	if (explore_oracle_is_mirror(ls->ocfg)) {
		ls->u.obj_ok = false;
		ls->u.rich = false;
	}
	return 0;
}

static void lockstep_end(struct lockstep *ls)
{
	close_sides(ls);
	explore_universe_free(&ls->u);
	target_discovery_free(ls->discovery);
	ls->discovery = NULL;
}

/*
 * Runs seq on fresh targets; fills *d. With g, each step is generated just
 * before it runs, from what the oracle has said exists so far. Returns -1
 * if a side can't be opened.
 */
int explore_run_lockstep(struct lockstep *ls, struct xseq *seq,
			 struct gen_state *g, struct divergence *d)
{
	struct side *a, *b;

	d->step = -1;
	if (explore_open_sides(ls, &a, &b))
		return -1;
	for (unsigned i = 0; i < seq->n; i++) {
		struct xres ra, rb;

		if (g)
			explore_random_step(&ls->u, g, &seq->op[i]);
		explore_exec_step(&ls->u, a, &seq->op[i], &ra);
		explore_exec_step(&ls->u, b, &seq->op[i], &rb);
		if (g)
			explore_gen_learn(g, &seq->op[i], &rb);
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
	explore_shrink(ls, seq, d->step);
	ls->st->shrink_seconds = now() - t;
	ls->st->shrunk_len = seq->n;
	if (!o->quiet)
		explore_report(ls, seq, seed, o, out);
	return 1;
}

static int explore_exhaustive(struct lockstep *ls, const struct explore_opts *o,
			      FILE *out, double t0)
{
	struct xop alpha[64];
	unsigned na = explore_alphabet(&ls->u, alpha, 64);
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
			if (explore_canonical_ok(&seq)) {
				if (explore_open_sides(ls, &a, &b))
					return 2;
				d.step = -1;
				for (unsigned i = 0; i < len; i++) {
					struct xres ra, rb;

					explore_exec_step(&ls->u, a, &seq.op[i],
							  &ra);
					explore_exec_step(&ls->u, b, &seq.op[i],
							  &rb);
					ls->st->ops++;
					if (!same(&ra, &rb) && d.step < 0) {
						d.step = (int)i;
						break;
					}
				}
				if (d.step < 0)
					explore_hashset_add(
						&states,
						explore_observe(&ls->u, b));
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
	double t0 = now();
	uint64_t rng = o->seed ? o->seed : 1;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	if (lockstep_init(&ls, target, "explore"))
		return 2;

	if (o->exhaustive) {
		rc = explore_exhaustive(&ls, o, out, t0);
	} else {
		while (!out_of_budget(o, st, t0)) {
			struct xseq seq;
			struct divergence d;
			uint64_t seq_seed = rng_next(&rng);
			struct gen_state g;

			explore_gen_init(&g, &ls.u, seq_seed, o->dma_permille);

			seq.n = (o->seq_len ? o->seq_len : 24) * g.len_mult;
			if (seq.n > X_MAX_OPS)
				seq.n = X_MAX_OPS;
			if (explore_run_lockstep(&ls, &seq, &g, &d)) {
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
	lockstep_end(&ls);
	return rc;
}

struct replay_read {
	const char *name;
	struct xseq *seq;
	char *why;
	size_t why_len;
};

/*
 * A replay file is lines ending at '\n' (or "\r\n"); a line that is blank
 * or whose first non-blank byte is '#' is skipped, every other one is one
 * step (xop_parse). Lines have no length limit, and a NUL byte in a step
 * line makes it no step (so nothing after it is silently dropped).
 */
static int replay_line(void *arg, char *line, size_t n, unsigned lineno)
{
	struct replay_read *rd = arg;
	struct xseq *seq = rd->seq;
	const char *what = NULL;
	size_t skip;
	char *p;

	if (n && line[n - 1] == '\r')
		line[--n] = '\0';
	skip = strspn(line, " \t");
	p = line + skip;
	n -= skip;
	if (*p == '#' || strspn(p, " \t\r") == n)
		return 0;
	if (strlen(p) != n)
		what = "a NUL byte in a step";
	else if (seq->n == X_MAX_OPS)
		what = "too many steps";
	else if (!xop_parse(p, &seq->op[seq->n]))
		what = "not a step";
	if (what) {
		snprintf(rd->why, rd->why_len, "%s:%u: %s: %.60s", rd->name,
			 lineno, what, p);
		return 2;
	}
	seq->n++;
	return 0;
}

int explore_replay_read(FILE *f, const char *name, struct xseq *seq, char *why,
			size_t why_len)
{
	struct replay_read rd = {name, seq, why, why_len};

	seq->n = 0;
	return line_each(f, replay_line, &rd);
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
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		snprintf(why, why_len, "cannot open %s: %s", path, strerror(errno));
		return 2;
	}
	rc = explore_replay_read(f, path, &seq, why, why_len);
	fclose(f);
	if (rc)
		return rc;
	if (lockstep_init(&ls, target, "replay"))
		return 2;
	if (explore_run_lockstep(&ls, &seq, NULL, &d)) {
		lockstep_end(&ls);
		return 2;
	}
	if (d.step < 0) {
		fprintf(out, "# replay: %u steps, target and model agree\n", seq.n);
		rc = 0;
	} else {
		seq.n = (unsigned)d.step + 1;
		explore_report(&ls, &seq, 0, &o, out);
		rc = 1;
	}
	lockstep_end(&ls);
	return rc;
}
