// SPDX-License-Identifier: GPL-2.0
/*
 * The runner against test-only scenarios and a fake target. The scenarios
 * are never registered: they are handed to run_cases() as an explicit list,
 * so they cannot appear in the real suite (their ids start "selftest.").
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/report/report.h"
#include "../../src/run/run.h"
#include "unit.h"

static pid_t parent_pid;
static bool child_open_skips;
static bool child_open_fails;

static void fake_close(struct target *t)
{
}

static const struct target_ops fake_ops = {
	.name = "fake",
	.close = fake_close,
};

static struct target fake_target = {
	.ops = &fake_ops,
	.caps = {
		.target = "fake",
		.profile = "selftest",
		.ndev = 1,
		.dev = { { .name = "fake0", .dma = true } },
		.dma = DMA_MODELLED,
		.nctx = 1,
		.notes = "a fake target for the runner's unit tests",
	},
};

static struct target *fake_open(const struct target_config *cfg, char *why,
				size_t why_len, bool *skip)
{
	if (getpid() != parent_pid && (child_open_skips || child_open_fails)) {
		snprintf(why, why_len, "fake feature missing");
		*skip = child_open_skips;
		return NULL;
	}
	return &fake_target;
}

/*
 * A test-only scenario "selftest.NAME": s_NAME runs the body that follows,
 * one name for id, case and body as SCENARIO() gives the real ones; never
 * registered.
 */
#define SELFTEST(name, title, invs, req)                                    \
	static void sc_##name(struct tc *c);                                \
	static const struct scenario s_##name = {                           \
		"selftest." #name, title, invs, req, 0, sc_##name           \
	};                                                                  \
	static void sc_##name(struct tc *c)

SELFTEST(pass, "passes", "T-1", 0)
{
	tc_log(c, "evidence: wrote %d bytes", 64);
	tc_check(c, "T-1", true, "fine");
	printf("stdout noise must not reach the report\n");
}

SELFTEST(fail, "fails a check", "T-1,T-2,T-10", 0)
{
	tc_check(c, "T-1", true, "fine");
	tc_check(c, "T-2", false, "boom %d", 7);
	tc_check(c, "T-2", false, "again");
	tc_check(c, "T-10", true, "fine");
}

SELFTEST(crash, "dies", "T-4", 0)
{
	tc_log(c, "about to crash");
	kill(getpid(), SIGKILL);
}

SELFTEST(exit, "odd exit", "T-4", 0)
{
	exit(42);
}

SELFTEST(hang, "hangs", "T-5", 0)
{
	pid_t pid;

	tc_log(c, "hanging");
	/* A grandchild keeping the pipe open must not stall the runner. */
	pid = fork();
	if (pid == 0)
		for (;;)
			pause();
	tc_log(c, "grandchild %d", (int)pid);
	for (;;)
		pause();
}

SELFTEST(skip, "skips", "T-1", 0)
{
	tc_check(c, "T-1", true, "fine");
	tc_skip(c, "no widget here");
}

SELFTEST(fail_skip, "fails then skips", "T-3", 0)
{
	tc_check(c, "T-3", false, "seen");
	tc_skip(c, "gave up");
}

SELFTEST(unmet, "needs PASID", "T-6", REQ_PASID)
{
	exit(99); /* must not run: requirements unmet */
}

/* Verdict rules (issue 11): set-up proves nothing, a skip voids passes. */
SELFTEST(arrange_only, "set-up only", "V-1", 0)
{
	REQUIRE(c, "V-1", 0);
}

SELFTEST(gap, "allowed difference", "V-2", 0)
{
	tc_check(c, "V-2", true, "the refusal is EOPNOTSUPP");
	tc_gap(c, "V-2", "the driver takes the allowed other branch");
}

SELFTEST(nobs, "not observable", "V-3", 0)
{
	tc_not_observable(c, "V-3", "nothing here can show it");
}

SELFTEST(inconclusive, "no positive control", "V-4,V-5", 0)
{
	tc_check(c, "V-5", true, "fine");
	tc_inconclusive(c, "V-4", "blocked, but nothing ever landed");
}

static const struct case_result *find(const struct run_result *r,
				      const char *id)
{
	for (unsigned i = 0; i < r->ncases; i++)
		if (!strcmp(r->cases[i].id, id))
			return &r->cases[i];
	return NULL;
}

static enum outcome inv_of(const struct inv_outcome *v, unsigned n,
			   const char *id, bool *found)
{
	*found = false;
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(v[i].id, id)) {
			*found = true;
			return v[i].outcome;
		}
	return OUT_SKIP;
}

static bool log_has(const struct case_result *c, const char *s)
{
	for (unsigned i = 0; i < c->nlog; i++)
		if (strstr(c->log[i], s))
			return true;
	return false;
}

static int setup(struct run_options *o, struct run_result *r)
{
	char why[128];
	bool skip;

	memset(o, 0, sizeof(*o));
	memset(r, 0, sizeof(*r));
	parent_pid = getpid();
	o->open = fake_open;
	o->timeout_sec = 1;
	return run_discover(o, r, why, sizeof(why), &skip);
}

/* setup(), then the cases of list (an array) run on the fake target. */
#define RUN_LIST(o, r, list) run_list(o, r, list, sizeof(list) / sizeof(*list))
static int run_list(struct run_options *o, struct run_result *r,
		    const struct scenario *const *list, unsigned n)
{
	char why[128];

	if (setup(o, r))
		return -1;
	return run_cases(o, list, n, r, why, sizeof(why));
}

UNIT_TEST(run_classifies_cases)
{
	static const struct scenario *const list[] = {
		&s_pass, &s_fail, &s_crash, &s_exit,
		&s_skip, &s_fail_skip, &s_unmet,
	};
	struct run_options o;
	struct run_result r;
	const struct case_result *c;
	bool found;

	EXPECT_EQ(RUN_LIST(&o, &r, list), 0);
	EXPECT_EQ(r.ncases, 7);
	EXPECT(!strcmp(r.target, "fake"));
	EXPECT(!strcmp(r.caps.profile, "selftest"));

	c = find(&r, "selftest.pass");
	EXPECT(c && c->outcome == OUT_PASS && !c->reason);
	EXPECT(c && log_has(c, "evidence: wrote 64 bytes"));
	EXPECT(c && c->ninv == 1 && c->inv[0].outcome == OUT_PASS);

	c = find(&r, "selftest.fail");
	EXPECT(c && c->outcome == OUT_FAIL);
	EXPECT(c && c->reason && !strcmp(c->reason, "T-2: boom 7 (and 1 more)"));
	EXPECT(c && log_has(c, "FAIL T-2: boom 7"));
	EXPECT(c && inv_of(c->inv, c->ninv, "T-1", &found) == OUT_PASS && found);
	EXPECT(c && inv_of(c->inv, c->ninv, "T-2", &found) == OUT_FAIL && found);

	c = find(&r, "selftest.crash");
	EXPECT(c && c->outcome == OUT_FAIL && c->reason &&
	       strstr(c->reason, "killed by signal 9"));
	EXPECT(c && log_has(c, "about to crash") && log_has(c, "crashed"));

	c = find(&r, "selftest.exit");
	EXPECT(c && c->outcome == OUT_FAIL && c->reason &&
	       strstr(c->reason, "exited with code 42"));

	c = find(&r, "selftest.skip");
	EXPECT(c && c->outcome == OUT_SKIP && c->reason &&
	       !strcmp(c->reason, "no widget here"));

	c = find(&r, "selftest.fail_skip");
	EXPECT(c && c->outcome == OUT_FAIL);

	c = find(&r, "selftest.unmet");
	EXPECT(c && c->outcome == OUT_SKIP && c->reason &&
	       strstr(c->reason, "PASID"));

	EXPECT_EQ(r.npass, 1);
	EXPECT_EQ(r.nfail, 4);
	EXPECT_EQ(r.nskip, 2);

	/* Roll-up: failed anywhere -> fail; checked -> pass; else skip; in
	 * natural order. */
	EXPECT(inv_of(r.rollup, r.nrollup, "T-1", &found) == OUT_PASS && found);
	EXPECT(inv_of(r.rollup, r.nrollup, "T-2", &found) == OUT_FAIL && found);
	EXPECT(inv_of(r.rollup, r.nrollup, "T-3", &found) == OUT_FAIL && found);
	EXPECT(inv_of(r.rollup, r.nrollup, "T-4", &found) == OUT_SKIP && found);
	EXPECT(inv_of(r.rollup, r.nrollup, "T-6", &found) == OUT_SKIP && found);
	EXPECT(inv_of(r.rollup, r.nrollup, "T-10", &found) == OUT_PASS && found);
	EXPECT_EQ(r.nrollup, 6);
	EXPECT(r.nrollup == 6 && !strcmp(r.rollup[5].id, "T-10"));
	run_result_free(&r);
}

static bool gone(pid_t pid)
{
	for (int i = 0; i < 100; i++) {
		char path[64], buf[256], *p;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		f = fopen(path, "r");
		if (!f)
			return true;
		p = fgets(buf, sizeof(buf), f);
		fclose(f);
		p = p ? strrchr(buf, ')') : NULL;
		if (p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'))
			return true;
		usleep(10000);
	}
	return false;
}

UNIT_TEST(run_timeout_kills_group)
{
	static const struct scenario *const list[] = { &s_hang };
	struct run_options o;
	struct run_result r;
	const struct case_result *c;
	bool seen = false;

	EXPECT_EQ(RUN_LIST(&o, &r, list), 0);
	c = find(&r, "selftest.hang");
	EXPECT(c && c->outcome == OUT_FAIL && c->reason &&
	       !strcmp(c->reason, "timed out after 1 s"));
	EXPECT(c && log_has(c, "hanging"));
	EXPECT(c && c->duration >= 0.9 && c->duration < 5);
	/* The whole process group died: the grandchild is gone (or a zombie
	 * waiting for whoever adopted it). */
	for (unsigned i = 0; c && i < c->nlog; i++) {
		int gc = 0;

		if (sscanf(c->log[i], "grandchild %d", &gc) == 1 && gc > 0) {
			EXPECT(gone(gc));
			seen = true;
		}
	}
	EXPECT(seen);
	run_result_free(&r);
}

UNIT_TEST(run_child_open_failure)
{
	static const struct scenario *const list[] = { &s_pass };
	struct run_options o;
	struct run_result r;

	/* Only a child's open fails: discovery in the parent works. */
	child_open_skips = true;
	EXPECT_EQ(RUN_LIST(&o, &r, list), 0);
	EXPECT(r.ncases == 1 && r.cases[0].outcome == OUT_SKIP &&
	       strstr(r.cases[0].reason, "fake feature missing"));
	run_result_free(&r);

	child_open_skips = false;
	child_open_fails = true;
	EXPECT_EQ(RUN_LIST(&o, &r, list), 0);
	EXPECT(r.ncases == 1 && r.cases[0].outcome == OUT_FAIL &&
	       strstr(r.cases[0].reason, "fake feature missing"));
	child_open_fails = false;
	run_result_free(&r);
}

UNIT_TEST(run_select_glob)
{
	static const struct scenario *const list[] = {
		&s_pass, &s_fail, &s_skip, &s_unmet,
	};
	const struct scenario **sel;
	unsigned n;

	sel = run_select(list, 4, "selftest.*a*", &n);
	EXPECT_EQ(n, 2); /* pass, fail */
	EXPECT(n == 2 && sel[0] == &s_pass && sel[1] == &s_fail);
	free(sel);
	sel = run_select(list, 4, NULL, &n);
	EXPECT_EQ(n, 4);
	free(sel);
	sel = run_select(list, 4, "nothing", &n);
	EXPECT_EQ(n, 0);
	free(sel);
}

UNIT_TEST(run_inv_order)
{
	EXPECT(inv_cmp("OBJ-2", "OBJ-10") < 0);
	EXPECT(inv_cmp("OBJ-10", "OWN-1") < 0);	   /* contract family order */
	EXPECT(inv_cmp("NEST-1", "OBJ-1") > 0);
	EXPECT(inv_cmp("SEED-A", "SEED-B") < 0);
	EXPECT(inv_cmp("ZZZ-1", "NEST-2") > 0);	   /* unknown families last */
	EXPECT_EQ(inv_cmp("DMA-3", "DMA-3"), 0);
}

/* The streamed KTAP is byte for byte what ktap_write() gives afterwards. */
UNIT_TEST(run_ktap_stream_matches_write)
{
	static const struct scenario *const list[] = {
		&s_pass, &s_fail, &s_crash, &s_skip, &s_unmet,
	};
	struct run_options o;
	struct run_result r;
	struct ktap_stream ks;
	char why[128], *a = NULL, *b = NULL;
	size_t alen, blen;
	FILE *fa = open_memstream(&a, &alen), *fb = open_memstream(&b, &blen);

	EXPECT_EQ(setup(&o, &r), 0);
	ktap_stream_hooks(&ks, fa, &o.hooks);
	EXPECT_EQ(run_cases(&o, list, sizeof(list) / sizeof(*list), &r, why,
			    sizeof(why)),
		  0);
	ktap_footer(fa, &r);
	ktap_write(fb, &r);
	fclose(fa);
	fclose(fb);
	EXPECT(a && b && !strcmp(a, b));
	EXPECT(a && !strstr(a, "stdout noise"));
	EXPECT(a && strstr(a, "\n# evidence: wrote 64 bytes\n# invariant T-1 pass\nok 1 selftest.pass\n"));
	if (a && b && strcmp(a, b))
		printf("--- streamed:\n%s--- written:\n%s", a, b);
	free(a);
	free(b);
	run_result_free(&r);
}

UNIT_TEST(run_verdict_rules)
{
	static const struct scenario *const list[] = {
		&s_arrange_only, &s_gap, &s_nobs, &s_inconclusive, &s_skip,
	};
	struct run_options o;
	struct run_result r;
	const struct case_result *c;
	bool found;

	EXPECT_EQ(RUN_LIST(&o, &r, list), 0);

	c = find(&r, "selftest.arrange_only");
	EXPECT(c && c->outcome == OUT_FAIL && c->reason &&
	       strstr(c->reason, "no assertion ran"));
	EXPECT(c && (inv_of(c->inv, c->ninv, "V-1", &found), !found));
	EXPECT_EQ(inv_of(r.rollup, r.nrollup, "V-1", &found), OUT_SKIP);

	c = find(&r, "selftest.gap");
	EXPECT(c && c->outcome == OUT_PASS);
	EXPECT_EQ(inv_of(r.rollup, r.nrollup, "V-2", &found), OUT_GAP);

	c = find(&r, "selftest.nobs");
	EXPECT(c && c->outcome == OUT_NOBS && c->reason &&
	       strstr(c->reason, "nothing here"));
	EXPECT_EQ(inv_of(r.rollup, r.nrollup, "V-3", &found), OUT_NOBS);

	c = find(&r, "selftest.inconclusive");
	EXPECT(c && c->outcome == OUT_INCONCLUSIVE && c->reason &&
	       !strncmp(c->reason, "INCONCLUSIVE V-4", 16));
	EXPECT_EQ(inv_of(r.rollup, r.nrollup, "V-4", &found), OUT_INCONCLUSIVE);
	EXPECT_EQ(inv_of(r.rollup, r.nrollup, "V-5", &found), OUT_PASS);

	/* T-1 passed before the skip: the skipped case proves nothing. */
	c = find(&r, "selftest.skip");
	EXPECT(c && c->outcome == OUT_SKIP);
	EXPECT_EQ(inv_of(r.rollup, r.nrollup, "T-1", &found), OUT_SKIP);
	EXPECT_EQ(r.npass, 1);
	EXPECT_EQ(r.nfail, 2);
	EXPECT_EQ(r.nskip, 2);
	EXPECT_EQ(r.nnobs, 1);
	EXPECT_EQ(r.ninconclusive, 1);
	run_result_free(&r);
}
