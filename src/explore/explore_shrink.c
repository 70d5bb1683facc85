// SPDX-License-Identifier: GPL-2.0
/*
 * The explorer's findings (see explore.c): a divergent sequence shrunk to a
 * minimal one, then reported as a table, a replay file and a scenario body.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "explore_int.h"

/* --- shrinking ----------------------------------------------------------- */

static bool diverges(struct lockstep *ls, struct xseq *seq)
{
	struct divergence d;

	return explore_run_lockstep(ls, seq, NULL, &d) == 0 && d.step >= 0;
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

	/* IOAS slots, HWPT slots, devices (one device doing what two did),
	 * buf (buffers, object-side slots) */
	static const uint8_t nslots[] = { X_IOAS, X_HWPT, X_DEVS, X_BUFS };

	for (unsigned what = 0; what < 4; what++)
		for (uint8_t from = 1; from < nslots[what]; from++)
			for (uint8_t to = 0; to < from; to++) {
				struct xseq trial = *seq;
				bool used = false;

				for (unsigned i = 0; i < trial.n; i++) {
					uint8_t *f[2];
					unsigned nf = 1;

					if (what == 1)
						f[0] = &trial.op[i].hwpt;
					else if (what == 2)
						f[0] = &trial.op[i].dev;
					else if (what == 3 &&
						 trial.op[i].kind != X_COPY)
						f[0] = &trial.op[i].buf;
					else if (what == 3)
						nf = 0; /* an IOAS slot there */
					else
						ioas_fields(&trial.op[i], f, &nf);
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
 * Merge one IOVA slot into another everywhere (v3 -> v0 on every step at
 * once): a COPY to a second IOVA that a later DMA reads then has nothing
 * left to do, and drops. Never into the reserved slot, where a real
 * device's DMA would hit the MSI doorbell.
 */
static bool merge_iovas(struct lockstep *ls, struct xseq *seq)
{
	bool changed = false;

	for (uint8_t from = 0; from < X_IOVAS; from++)
		for (uint8_t to = 0; to < X_IOVAS - 1; to++) {
			struct xseq trial = *seq;
			bool used = false;

			if (to == from)
				continue;
			for (unsigned i = 0; i < trial.n; i++) {
				struct xop *op = &trial.op[i];

				if (op->iova == from) {
					op->iova = to;
					used = true;
				}
				if (op->kind == X_COPY && op->arg == from) {
					op->arg = to;
					used = true;
				}
			}
			if (used && diverges(ls, &trial)) {
				*seq = trial;
				changed = true;
				break;
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
		/* Every attach to that HWPT at once: a group's members must
		 * all move to the auto domain together. */
		for (unsigned k = i + 1; k < trial.n; k++)
			if (trial.op[k].kind == X_ATTACH_HWPT &&
			    trial.op[k].hwpt == seq->op[i].hwpt) {
				trial.op[k].kind = X_ATTACH_IOAS;
				trial.op[k].ioas = seq->op[alloc].ioas;
				trial.op[k].hwpt = 0;
			}
		if (diverges(ls, &trial)) {
			*seq = trial;
			return true;
		}
	}
	/* Every attach to one allocated HWPT at once: two devices sharing
	 * it share the auto domain of its IOAS just the same. */
	for (unsigned k = 0; k < seq->n; k++) {
		struct xseq trial = *seq;
		unsigned moved = 0;

		if (seq->op[k].kind != X_HWPT_ALLOC)
			continue;
		for (unsigned i = k + 1; i < seq->n; i++) {
			struct xop *op = &trial.op[i];

			if (op->hwpt != seq->op[k].hwpt)
				continue;
			if (op->kind == X_HWPT_ALLOC)
				break;
			if (op->kind != X_ATTACH_HWPT)
				continue;
			op->kind = X_ATTACH_IOAS;
			op->ioas = seq->op[k].ioas;
			op->hwpt = 0;
			moved++;
		}
		if (moved > 1 && diverges(ls, &trial)) {
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

/* Three steps at once, in a short sequence: an ID reused after an unbind
 * shows only through two allocations and a use, none of which goes
 * alone (at most C(12,3) = 220 candidates). */
static bool drop_triples(struct lockstep *ls, struct xseq *seq)
{
	if (seq->n > 12)
		return false;
	for (unsigned i = 0; i + 2 < seq->n; i++)
		for (unsigned j = i + 1; j + 1 < seq->n; j++)
			for (unsigned k = j + 1; k < seq->n; k++) {
				struct xseq trial = { 0 };

				for (unsigned x = 0; x < seq->n; x++)
					if (x != i && x != j && x != k)
						trial.op[trial.n++] = seq->op[x];
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
void explore_shrink(struct lockstep *ls, struct xseq *seq, int first_step)
{
	seq->n = (unsigned)first_step + 1;
	for (;;) {
		drop_steps(ls, seq);
		if (lower_operands(ls, seq) || merge_slots(ls, seq) ||
		    simplify_attach(ls, seq))
			continue;
		/* A merge of IOVA slots only counts when a step drops after
		 * it: merged slots alone are no simpler. */
		{
			struct xseq before = *seq;

			if (merge_iovas(ls, seq)) {
				drop_steps(ls, seq);
				if (seq->n < before.n)
					continue;
				*seq = before;
			}
		}
		if (seq->n > 16 ||
		    (!drop_pairs(ls, seq) && !drop_triples(ls, seq)))
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
	if (explore_obj_describe(b, len, op, r))
		return;
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
			explore_describe_hit(b, len, r->out);
		break;
	default:
		snprintf(b, len, r->out ? "0 out=0x%" PRIx64 : "0",
			 (uint64_t)r->out);
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
	fprintf(f, "SCENARIO(explore, repro_%" PRIx64 ",\n", seed);
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

void explore_report(struct lockstep *ls, const struct xseq *seq, uint64_t seed,
		    const struct explore_opts *o, FILE *out)
{
	struct side *a, *b;
	struct xres ra[X_MAX_OPS], rb[X_MAX_OPS];
	char line[128], x[64], y[64];

	if (explore_open_sides(ls, &a, &b))
		return;
	for (unsigned i = 0; i < seq->n; i++) {
		explore_exec_step(&ls->u, a, &seq->op[i], &ra[i]);
		explore_exec_step(&ls->u, b, &seq->op[i], &rb[i]);
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
