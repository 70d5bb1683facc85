/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scenarios: one case each, written as arrange / act / assert against the
 * target ops table. Every assertion names the contract invariant it checks,
 * so a run reports per invariant, and a negative-control profile can be
 * shown to fail exactly the invariants it breaks.
 *
 * A case runs in its own forked child (see src/run); a check that fails
 * records the failure and continues, REQUIRE/skip end the case at once.
 */
#ifndef IC_SCENARIO_H
#define IC_SCENARIO_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../targets/target.h"

/* What a scenario needs from the target; unmet -> SKIP with the reason. */
enum {
	REQ_DMA = 1 << 0,	 /* a DMA engine (real or modelled) */
	REQ_PASID = 1 << 1,	 /* a PASID-capable device + PASID uAPI */
	REQ_GROUP2 = 1 << 2,	 /* two devices sharing one iommu group */
	REQ_2GROUPS = 1 << 3,	 /* two devices in different groups, same IOMMU */
	REQ_HWPT_ALLOC = 1 << 4, /* IOMMU_HWPT_ALLOC */
	REQ_2CTX = 1 << 5,	 /* two iommufd contexts */
	REQ_FAULT_INJECT = 1 << 6,
	REQ_DIRTY = 1 << 7,	 /* a dirty-tracking capable device */
	REQ_2PASID_DEVS = 1 << 8, /* two PASID-capable devices, different groups */
	REQ_REAL_DMA = 1 << 9,	 /* a real DMA master, not a modelled one */
	/* DMA the IOMMU itself sees (real or modelled), not a translation
	 * probe: e.g. dirty bits are set by the access, never by a query. */
	REQ_BUS_DMA = 1 << 10,
};

struct tc;

struct scenario {
	const char *id;		/* "attach.replace_same_hwpt" */
	const char *title;	/* one line */
	const char *invariants; /* "ATTACH-3,ATTACH-4": what it may check */
	unsigned requires;	/* REQ_* */
	unsigned min_devs;	/* devices needed (default 1) */
	void (*run)(struct tc *c);
};

/* The case context handed to a scenario. */
struct tc {
	struct target *t;
	const struct target_caps *caps;
	const struct scenario *sc;
	FILE *out;	  /* line protocol to the runner, see tc.c */
	unsigned nfail;
	uint32_t pattern_seq; /* distinct fill patterns per case */
	/* Devices (bit per index) that landed a verified transfer in this
	 * case: a "blocked" DMA proves something only on those. */
	uint32_t dma_proven;
};

void scenario_register(const struct scenario *sc);
/* All registered scenarios, sorted by id. */
const struct scenario *const *scenario_all(unsigned *n);
/* NULL when the target meets sc's requirements, else the reason. */
const char *scenario_unmet(const struct scenario *sc,
			   const struct target_caps *caps);

/*
 * SCENARIO(section, name, fields...) { body }: one case with the id
 * "section.name" whose body is the function section__name, so the id and
 * the code run under it cannot drift apart. fields are the rest of struct
 * scenario (.title, .invariants, .requires, .min_devs); an .id among them
 * is an error (-Woverride-init).
 */
#define SCENARIO(sect, name, ...)                                           \
	static void sect##__##name(struct tc *c);                           \
	static const struct scenario sect##__##name##_case = {              \
		.id = #sect "." #name, __VA_ARGS__, .run = sect##__##name    \
	};                                                                  \
	__attribute__((constructor)) static void sect##__##name##_reg(void) \
	{                                                                   \
		scenario_register(&sect##__##name##_case);                  \
	}                                                                   \
	static void sect##__##name(struct tc *c)

/*
 * Variants (kselftest's FIXTURE_VARIANT): one body, one case per entry of a
 * table, for scenarios that are the same steps with a different parameter.
 * type starts with the case it describes (struct scenario sc), then what the
 * body varies on; each entry names its case with VARIANT(section, name,
 * fields...), which gives it the id "section.name":
 *
 *	struct perm_case { struct scenario sc; uint32_t prot; };
 *
 *	SCENARIO_VARIANTS(dma, mapping_permission, struct perm_case,
 *		{ VARIANT(dma, ro_mapping, .title = "...", .invariants = "DMA-2"),
 *		  .prot = T_MAP_READABLE },
 *		{ VARIANT(dma, wo_mapping, .title = "...", .invariants = "DMA-3"),
 *		  .prot = T_MAP_WRITEABLE })
 *	{
 *		... variant->prot ...
 *	}
 */
#define VARIANT(sect, name, ...) .sc = { .id = #sect "." #name, __VA_ARGS__ }

#define SCENARIO_VARIANTS(sect, body, type, ...)                            \
	static void sect##__##body(struct tc *c, const type *variant);      \
	_Static_assert(offsetof(type, sc) == 0,                             \
		       #type " must start with its struct scenario sc");    \
	static void sect##__##body##_run(struct tc *c)                      \
	{                                                                   \
		/* c->sc is the sc at the start of this case's entry. */    \
		sect##__##body(c, (const type *)(const void *)c->sc);       \
	}                                                                   \
	static type sect##__##body##_variants[] = { __VA_ARGS__ };          \
	__attribute__((constructor)) static void sect##__##body##_reg(void) \
	{                                                                   \
		type *v_ = sect##__##body##_variants;                       \
		size_t n_ = sizeof(sect##__##body##_variants) / sizeof(*v_); \
                                                                            \
		for (size_t i_ = 0; i_ < n_; i_++) {                        \
			v_[i_].sc.run = sect##__##body##_run;               \
			scenario_register(&v_[i_].sc);                      \
		}                                                           \
	}                                                                   \
	static void sect##__##body(struct tc *c, const type *variant)

/* --- recording (tc.c) --------------------------------------------------- */

/* Free-form line for the case log (evidence, what was done). */
void tc_log(struct tc *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Record a check of invariant inv; returns ok. Never ends the case. */
bool tc_check(struct tc *c, const char *inv, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/*
 * Verdicts other than pass/fail, each for invariant inv and never ending the
 * case. tc_gap: a difference docs/contract.md allows was observed (name it in
 * the text). tc_not_observable: this target cannot show inv (the measured
 * reason). tc_inconclusive: an observation that would prove inv has no
 * positive control (a blocked DMA with no landed one before it); the case
 * fails with that word.
 */
void tc_gap(struct tc *c, const char *inv, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tc_not_observable(struct tc *c, const char *inv, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tc_inconclusive(struct tc *c, const char *inv, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* End the case now as SKIP (the reason is one line). */
_Noreturn void tc_skip(struct tc *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* End the case now; failures recorded so far decide the outcome. */
_Noreturn void tc_end(struct tc *c);

/* "EINVAL" for 22, "0" for 0, "T_UNSUPPORTED" for -T_UNSUPPORTED. */
const char *errno_name(int err);

/*
 * CHECK_RET(c, inv, expr, want...): expr returns 0 or -errno; the check
 * passes when -ret is one of want (0 for success). Several wants form the
 * allowed errno set the contract gives.
 */
bool tc_check_ret(struct tc *c, const char *inv, const char *expr, int ret,
		  const int *want, unsigned nwant);
#define CHECK_RET(c, inv, expr, ...)                                        \
	({                                                                  \
		const int want_[] = { __VA_ARGS__ };                        \
		int r_ = (expr);                                            \
		if (r_ == -T_UNSUPPORTED)                                   \
			tc_skip(c, "target cannot do: %s", t_last_op());     \
		tc_check_ret(c, inv, #expr, r_, want_,                      \
			     sizeof(want_) / sizeof(want_[0]));             \
	})
#define CHECK_OK(c, inv, expr) CHECK_RET(c, inv, expr, 0)

/*
 * REQUIRE(c, inv, expr): an arrange step the contract says must succeed.
 * It is not an assertion: success is recorded as set-up ("A INV"), which
 * never makes inv PASS; failure is recorded against inv and ends the case;
 * -T_UNSUPPORTED skips.
 */
bool tc_arrange_ret(struct tc *c, const char *inv, const char *expr, int ret);
#define REQUIRE(c, inv, expr)                                               \
	do {                                                                \
		int r_ = (expr);                                            \
		if (r_ == -T_UNSUPPORTED)                                   \
			tc_skip(c, "target cannot do: %s", t_last_op());     \
		if (!tc_arrange_ret(c, inv, #expr, r_))                     \
			tc_end(c);                                          \
	} while (0)

/* Skip unless the condition holds (capability-dependent branches). */
#define SKIP_UNLESS(c, cond, ...)                                           \
	do {                                                                \
		if (!(cond))                                                \
			tc_skip(c, __VA_ARGS__);                            \
	} while (0)

#endif
