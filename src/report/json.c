// SPDX-License-Identifier: GPL-2.0
/*
 * JSON report:
 *   { "tool", "version", "started", "duration",
 *     "target": { name, profile, kernel, dma, ..., notes, devices: [...] },
 *     "totals": { pass, fail, skip },
 *     "cases": [ { id, title, declared: [...], outcome, reason, duration,
 *                  log: [...], invariants: { ID: "pass"|"fail" } } ],
 *     "invariants": { ID: "pass"|"fail"|"skip" } }
 */
#include <inttypes.h>

#include "report.h"

static void key(FILE *f, const char *k)
{
	json_string(f, k);
	fputs(": ", f);
}

static void kstr(FILE *f, const char *k, const char *v, bool comma)
{
	key(f, k);
	json_string(f, v);
	fputs(comma ? ", " : "", f);
}

struct list_ctx {
	FILE *f;
	unsigned n;
};

static void declared_one(void *arg, const char *id)
{
	struct list_ctx *l = arg;

	fputs(l->n++ ? ", " : "", l->f);
	json_string(l->f, id);
}

static void declared(FILE *f, const char *list)
{
	struct list_ctx l = { f, 0 };

	fputc('[', f);
	inv_list_for_each(list, declared_one, &l);
	fputc(']', f);
}

static void device(FILE *f, const struct dev_caps *d)
{
	fputs("{", f);
	kstr(f, "name", d->name, true);
	fprintf(f, "\"group\": %" PRIu32 ", \"iommu\": %" PRIu32
		", \"max_pasid_log2\": %u, \"dirty_tracking\": %s, \"dma\": %s"
		", \"hw_info_type\": %" PRIu32 ", \"reserved\": [",
		d->group, d->iommu, d->max_pasid_log2,
		d->dirty_tracking ? "true" : "false", d->dma ? "true" : "false",
		d->hw_info_type);
	for (unsigned i = 0; i < d->nresv && i < T_MAX_RANGES; i++)
		fprintf(f, "%s{\"start\": \"0x%" PRIx64 "\", \"last\": \"0x%" PRIx64
			"\"}", i ? ", " : "", d->resv[i].start, d->resv[i].last);
	fputs("]}", f);
}

void json_write(FILE *f, const struct run_result *r)
{
	const struct target_caps *caps = &r->caps;

	fputs("{\n  ", f);
	kstr(f, "tool", "iommu-conformance", true);
	kstr(f, "version", IC_VERSION, true);
	kstr(f, "started", r->started, true);
	fprintf(f, "\"duration\": %.3f,\n  \"target\": {", r->duration);
	kstr(f, "name", r->target, true);
	kstr(f, "profile", r->profile, true);
	kstr(f, "kernel", caps->kernel_release, true);
	kstr(f, "dma", dma_kind_name(caps->dma), true);
	fprintf(f, "\"dma_max_len\": %zu, \"dma_iova_limit\": \"0x%" PRIx64
		"\", \"nctx\": %u, \"pasid_uapi\": %s, \"hwpt_alloc\": %s"
		", \"fault_inject\": %s, \"unsafe_interrupts\": %s, ",
		caps->dma_max_len, caps->dma_iova_limit, caps->nctx,
		caps->pasid_uapi ? "true" : "false",
		caps->hwpt_alloc ? "true" : "false",
		caps->fault_inject ? "true" : "false",
		caps->unsafe_interrupts ? "true" : "false");
	kstr(f, "notes", caps->notes, true);
	fputs("\"devices\": [", f);
	for (unsigned i = 0; i < caps->ndev && i < T_MAX_DEVS; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		device(f, &caps->dev[i]);
	}
	fprintf(f, "]},\n  \"totals\": {\"pass\": %u, \"fail\": %u, \"skip\": %u},\n"
		"  \"cases\": [", r->npass, r->nfail, r->nskip);

	for (unsigned i = 0; i < r->ncases; i++) {
		const struct case_result *c = &r->cases[i];

		fputs(i ? ",\n    {" : "\n    {", f);
		kstr(f, "id", c->id, true);
		kstr(f, "title", c->title, true);
		key(f, "declared");
		declared(f, c->invariants);
		fputs(", ", f);
		kstr(f, "outcome", outcome_name(c->outcome), true);
		key(f, "reason");
		if (c->reason)
			json_string(f, c->reason);
		else
			fputs("null", f);
		fprintf(f, ", \"duration\": %.3f, \"log\": [", c->duration);
		for (unsigned j = 0; j < c->nlog; j++) {
			fputs(j ? ", " : "", f);
			json_string(f, c->log[j]);
		}
		fputs("], \"invariants\": {", f);
		for (unsigned j = 0; j < c->ninv; j++) {
			fputs(j ? ", " : "", f);
			kstr(f, c->inv[j].id, outcome_name(c->inv[j].outcome),
			     false);
		}
		fputs("}}", f);
	}
	fputs(r->ncases ? "\n  ],\n  \"invariants\": {" : "],\n  \"invariants\": {", f);
	for (unsigned i = 0; i < r->nrollup; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		kstr(f, r->rollup[i].id, outcome_name(r->rollup[i].outcome),
		     false);
	}
	fputs(r->nrollup ? "\n  }\n}\n" : "}\n}\n", f);
	fflush(f);
}
