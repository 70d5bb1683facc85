// SPDX-License-Identifier: GPL-2.0
/*
 * iommu-conformance: the command line.
 *
 * Exit status: 0 nothing failed, 1 a case failed (or, for matrix, a cell
 * failed or a guest was unhealthy), 2 bad usage or environment, always with
 * a one-line "error: ..." on stderr.
 *
 * When the target itself cannot be opened in the parent (unknown target,
 * /dev/iommu missing, no usable device, ...), `run` exits 2 with the
 * target's one-line reason and writes no report, whether or not the reason
 * is a missing kernel feature: a run without a target has nothing to report,
 * and a harness must not mistake it for a clean pass. A case whose own
 * target_open() reports a missing feature is a SKIP.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../dma/dma.h"
#include "../explore/explore.h"
#include "../explore/mirror.h"
#include "../report/report.h"
#include "../run/run.h"
#include "../scenario/scenario.h"
#include "configs.h"

#if __has_include("../model/model.h")
#include "../model/model.h"
#ifndef HAVE_MODEL_PROFILES
#define HAVE_MODEL_PROFILES 1
#endif
#endif

#define PROG "iommu-conformance"

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

/* A target's reason, once prefixed: some targets already say "error: ". */
static int reason_error(const char *why)
{
	if (!strncmp(why, "error: ", 7))
		why += 7;
	return usage_error("%s", why[0] ? why : "target unavailable");
}

/* --- option parsing ---------------------------------------------------------
 * Long options only, "--opt VALUE" or "--opt=VALUE". */

struct opt {
	const char *name;
	bool has_arg;
	int key;
};

enum {
	O_TARGET = 1, O_PROFILE, O_DEVICE, O_MOCK_DEVICES, O_ALLOW_REBIND,
	O_FILTER, O_FORMAT, O_OUTPUT, O_TIMEOUT, O_VERBOSE, O_HELP, O_PROFILES,
	O_JSON, O_HTML, O_KNOWN, O_BY, O_ORACLE, O_SEED, O_SEQUENCES, O_LENGTH,
	O_SECONDS, O_DMA_PERMILLE, O_EXHAUSTIVE, O_DEPTH, O_PROGRESS,
	O_REPLAY_OUT, O_EXPLORE, O_STABLE_REASONS, O_DMA_ENGINE,
};

struct optstate {
	int argc;
	char **argv;
	int i;
	const char *arg;      /* value of the option just returned */
	const char *operand;  /* set when a non-option is returned (key 0) */
};

/* Returns the option's key, 0 for an operand, -1 at the end, -2 on error
 * (already reported). */
static int next_opt(struct optstate *s, const struct opt *opts)
{
	const char *a, *eq;
	size_t n;

	if (s->i >= s->argc)
		return -1;
	a = s->argv[s->i++];
	s->arg = NULL;
	if (strncmp(a, "--", 2) || !a[2]) {
		if (!strcmp(a, "-h"))
			return O_HELP;
		if (a[0] == '-' && a[1] && strcmp(a, "--")) {
			usage_error("unknown option %s", a);
			return -2;
		}
		s->operand = a;
		return 0;
	}
	eq = strchr(a, '=');
	n = eq ? (size_t)(eq - a) : strlen(a);
	for (const struct opt *o = opts; o->name; o++) {
		if (strlen(o->name) != n || strncmp(o->name, a, n))
			continue;
		if (!o->has_arg) {
			if (eq) {
				usage_error("option %s takes no value", o->name);
				return -2;
			}
			return o->key;
		}
		if (eq) {
			s->arg = eq + 1;
		} else if (s->i < s->argc) {
			s->arg = s->argv[s->i++];
		} else {
			usage_error("option %s needs a value", o->name);
			return -2;
		}
		return o->key;
	}
	usage_error("unknown option %.*s", (int)n, a);
	return -2;
}

static bool parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static const char *target_name(unsigned i)
{
	unsigned n;

	return target_kinds(&n)[i].name;
}

static const char *engine_name(unsigned i)
{
	unsigned n;

	return dma_engine_drivers(&n)[i]->name;
}

/* "a, b, c": the n names of a table (targets, DMA engines). */
static void join_names(char *buf, size_t len, unsigned n,
		       const char *(*name)(unsigned i))
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
				 name(i));
}

/* Options shared by list and run that describe the target. */
static int target_option(struct target_config *cfg, int key, const char *arg)
{
	unsigned v;

	char names[160];
	unsigned n;

	switch (key) {
	case O_TARGET:
		if (!target_kind_find(arg)) {
			target_kinds(&n);
			join_names(names, sizeof(names), n, target_name);
			return usage_error("unknown target '%s' (%s)", arg, names);
		}
		cfg->target = arg;
		return 0;
	case O_DMA_ENGINE:
		if (!dma_engine_driver_find(arg)) {
			dma_engine_drivers(&n);
			join_names(names, sizeof(names), n, engine_name);
			return usage_error("unknown DMA engine '%s' (%s)", arg,
					   names);
		}
		cfg->dma_engine = arg;
		return 0;
	case O_PROFILE:
		cfg->profile = arg;
		return 0;
	case O_DEVICE:
		if (cfg->ndevices == T_MAX_DEVS)
			return usage_error("at most %d --device options", T_MAX_DEVS);
		cfg->devices[cfg->ndevices++] = arg;
		return 0;
	case O_MOCK_DEVICES:
		if (!parse_uint(arg, T_MAX_DEVS, &v) || !v)
			return usage_error("--mock-devices wants 1..%d, not '%s'",
					   T_MAX_DEVS, arg);
		cfg->mock_devices = v;
		return 0;
	case O_ALLOW_REBIND:
		cfg->allow_rebind = true;
		return 0;
	}
	return usage_error("internal: option %d", key);
}

#define TARGET_OPTS                                                         \
	{ "--target", true, O_TARGET }, { "--profile", true, O_PROFILE },   \
	{ "--device", true, O_DEVICE },                                     \
	{ "--mock-devices", true, O_MOCK_DEVICES },                         \
	{ "--allow-rebind", false, O_ALLOW_REBIND },                        \
	{ "--dma-engine", true, O_DMA_ENGINE },                             \
	{ "--help", false, O_HELP }

static const char usage_text[] =
"usage: " PROG " <command> [options]\n"
"\n"
"Checks that a Linux IOMMU driver honours the iommu core's contract as user\n"
"space sees it through iommufd and the VFIO cdev.\n"
"\n"
"commands:\n"
"  list [--profiles] [TARGET OPTIONS]\n"
"      scenarios with the invariants they check and what they require;\n"
"      with a target, also whether each would run. --profiles: the model's\n"
"      profiles and the invariants each deliberately breaks.\n"
"  run [TARGET OPTIONS] [--filter GLOB] [--format ktap|junit|json]\n"
"      [--output FILE] [--timeout SEC] [--verbose] [--explore SEQS[,DMA]]\n"
"      [--stable-reasons]\n"
"      run the scenarios (each in its own process, default timeout 60 s)\n"
"      and write a report (default KTAP on stdout). --explore adds a\n"
"      bounded explorer pass as one more case, explore.lockstep.\n"
"      --stable-reasons: KTAP SKIP reasons without addresses, numbers or\n"
"      asides (the same on every machine; kselftest/), the full reason on\n"
"      a \"# reason:\" line above.\n"
"  explore [TARGET OPTIONS] [--oracle PROFILE] [--seed N] [--sequences N]\n"
"      [--length N] [--seconds S] [--dma-permille N] [--exhaustive --depth K]\n"
"      [--progress] [--replay-out FILE]\n"
"      run operation sequences on the target and the model in lockstep; on a\n"
"      divergence shrink it, print it and write a replay file. Exit 1 then.\n"
"  replay [TARGET OPTIONS] [--oracle PROFILE] FILE\n"
"      run a replay file in lockstep; exit 1 if target and model diverge.\n"
"  matrix [--json FILE] [--html FILE] [--known FILE] [--by invariant|scenario]\n"
"         NAME=KTAPFILE ...\n"
"      set KTAP reports of several configurations side by side; exits 1 if\n"
"      any cell FAILs or a guest's health (# vm: line) is not ok. --html\n"
"      also writes the matrix as one self-contained HTML page, each cell\n"
"      linked to its cases' logs; --known (vm/known-findings.txt) marks\n"
"      the FAIL cells that are known findings.\n"
"  configs FILE [NAME KEY]\n"
"      check a vm/configs.cfg file (exit 2 on its first error: unknown or\n"
"      repeated keys, stray lines, ...) and print its configuration names,\n"
"      or NAME's KEY ([defaults]'s when NAME sets none), as vm/cfg.sh reads.\n"
"\n"
"target options:\n"
"  --target NAME                default model; one of:\n";

static const char usage_target_opts[] =
"  --profile NAME               model profile (default: conforming)\n"
"  --device BDF                 kernel target: a device to use (repeatable)\n"
"  --mock-devices N             mock target: how many mock devices\n"
"  --allow-rebind               kernel target: may unbind another driver\n"
"  --dma-engine NAME            kernel target: drive only this DMA engine\n"
"                               (default: the one for the device); one of:\n";

static const char usage_tail[] =
"\n"
"  --help, --version\n"
"\n"
"exit status: 0 nothing failed, 1 a case failed, 2 bad usage or environment.\n"
"A target that cannot be opened (e.g. no /dev/iommu) is an environment\n"
"error: exit 2 with the reason, no report.\n";

/* The usage text; the targets and DMA engines come from their tables. */
static void print_usage(FILE *f)
{
	const struct dma_engine_driver *const *d;
	const struct target_kind *k;
	unsigned n;

	fputs(usage_text, f);
	k = target_kinds(&n);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "      %-10s %s\n", k[i].name, k[i].description);
	fputs(usage_target_opts, f);
	d = dma_engine_drivers(&n);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "      %-10s %s\n", d[i]->name, d[i]->description);
	fputs(usage_tail, f);
}

static int help_only(const char *cmd)
{
	print_usage(stdout);
	return 0;
}

/*
 * The keys an option loop of a command without operands answers alike: a
 * bad option (-2: exit 2), an operand (0), --help. True with *ret the exit
 * status for one of them.
 */
static bool common_key(const struct optstate *s, int key, const char *cmd,
		       int *ret)
{
	if (key == -2)
		*ret = 2;
	else if (key == 0)
		*ret = usage_error("%s takes no operand '%s'", cmd, s->operand);
	else if (key == O_HELP)
		*ret = help_only(cmd);
	else
		return false;
	return true;
}

/* --- list ------------------------------------------------------------------ */

static const struct {
	unsigned bit;
	const char *name;
} req_names[] = {
	{ REQ_DMA, "dma" },
	{ REQ_REAL_DMA, "real-dma" },
	{ REQ_PASID, "pasid" },
	{ REQ_2PASID_DEVS, "2-pasid-devs" },
	{ REQ_GROUP2, "shared-group" },
	{ REQ_2GROUPS, "2-groups" },
	{ REQ_HWPT_ALLOC, "hwpt-alloc" },
	{ REQ_2CTX, "2-ctx" },
	{ REQ_FAULT_INJECT, "fault-inject" },
	{ REQ_DIRTY, "dirty" },
};

/* "devs>=2,dma,pasid" or "-". */
static void requires_text(char *buf, size_t len, const struct scenario *sc)
{
	unsigned devs = sc->min_devs ? sc->min_devs : 1;
	size_t used = 0;

	buf[0] = '\0';
	if (devs > 1)
		used += snprintf(buf, len, "devs>=%u", devs);
	for (unsigned i = 0; i < sizeof(req_names) / sizeof(*req_names); i++)
		if ((sc->requires & req_names[i].bit) && used < len)
			used += snprintf(buf + used, len - used, "%s%s",
					 used ? "," : "", req_names[i].name);
	if (!buf[0])
		snprintf(buf, len, "-");
}

static void print_inv(void *arg, const char *id)
{
	unsigned *n = arg;

	printf("%s%s", (*n)++ ? "," : "", id);
}

/* "NAME breaks=ID,ID" (or "breaks=-"), then the description indented. */
static int list_profiles(void)
{
#ifdef HAVE_MODEL_PROFILES
	unsigned n = 0;
	const struct model_profile *p = model_profiles(&n);

	for (unsigned i = 0; i < n; i++) {
		unsigned nb = 0;

		printf("%-28s breaks=", p[i].name);
		inv_list_for_each(p[i].breaks, print_inv, &nb);
		printf("%s\n    %s\n", nb ? "" : "-",
		       p[i].description ? p[i].description : "");
	}
	return 0;
#else
	return usage_error("this build has no model (src/model/model.h)");
#endif
}

static int cmd_list(int argc, char **argv)
{
	static const struct opt opts[] = {
		TARGET_OPTS, { "--profiles", false, O_PROFILES }, { NULL, 0, 0 },
	};
	struct optstate s = { argc, argv, 1, NULL, NULL };
	struct run_options ro = { 0 };
	struct run_result r = { 0 };
	const struct scenario *const *all;
	bool profiles = false, with_target = false, skip;
	size_t w = 8, rw = 1;
	char why[256];
	unsigned n;
	int key, done;

	while ((key = next_opt(&s, opts)) != -1) {
		if (common_key(&s, key, "list", &done))
			return done;
		if (key == O_PROFILES) {
			profiles = true;
			continue;
		}
		if (target_option(&ro.cfg, key, s.arg))
			return 2;
		with_target = true;
	}
	if (profiles)
		return list_profiles();
	if (with_target && run_discover(&ro, &r, why, sizeof(why), &skip))
		return reason_error(why);

	all = scenario_all(&n);
	for (unsigned i = 0; i < n; i++) {
		char req[160];

		if (strlen(all[i]->id) > w)
			w = strlen(all[i]->id);
		requires_text(req, sizeof(req), all[i]);
		if (strlen(req) > rw)
			rw = strlen(req);
	}
	for (unsigned i = 0; i < n; i++) {
		const struct scenario *sc = all[i];

		char req[160];

		requires_text(req, sizeof(req), sc);
		printf("%-*s  %-24s  %s", (int)w, sc->id,
		       sc->invariants && *sc->invariants ? sc->invariants : "-",
		       req);
		if (with_target) {
			const char *unmet = scenario_unmet(sc, &r.caps);

			printf("%*s  %s%s", (int)(rw - strlen(req)), "",
			       unmet ? "skip: " : "runs",
			       unmet ? unmet : "");
		}
		putchar('\n');
	}
	if (with_target) {
		run_result_free(&r);
		run_options_release(&ro);
	}
	return 0;
}

/* --- run ------------------------------------------------------------------- */

enum format { FMT_KTAP, FMT_JUNIT, FMT_JSON };

struct progress {
	bool verbose;
	unsigned n;
	unsigned extra; /* cases after the scenarios (the explorer pass) */
	struct ktap_stream ktap;
	bool stream;
};

static void pr_plan(void *arg, const struct run_result *r, unsigned n)
{
	struct progress *p = arg;

	p->n = n;
	if (p->stream)
		ktap_header(p->ktap.f, r, n + p->extra);
	if (p->verbose)
		fprintf(stderr, "target=%s profile=%s dma=%s: %u case(s)\n",
			r->target, r->profile[0] ? r->profile : "-",
			dma_kind_name(r->caps.dma), n);
}

static void pr_begin(void *arg, unsigned idx, const struct scenario *sc)
{
	struct progress *p = arg;

	p->ktap.streamed = 0;
	if (p->verbose)
		fprintf(stderr, "[%3u/%u] %s\n", idx + 1, p->n, sc->id);
}

static void pr_line(void *arg, unsigned idx, char tag, const char *text)
{
	struct progress *p = arg;

	if (p->stream)
		ktap_stream_line(&p->ktap, tag, text);
	if (p->verbose && tag != 'P')
		fprintf(stderr, "        %c %s\n", tag, text);
}

static void pr_end(void *arg, unsigned idx, const struct case_result *c)
{
	struct progress *p = arg;

	if (p->stream)
		ktap_stream_end(&p->ktap, idx, c);
	p->ktap.streamed = 0;
	if (p->verbose)
		fprintf(stderr, "        %s (%.2f s)%s%s\n",
			outcome_upper(c->outcome),
			c->duration, c->reason ? ": " : "",
			c->reason ? c->reason : "");
}

/*
 * `run --explore SEQS[,DMA]`: a bounded explorer pass after the scenarios,
 * reported as one more case ("explore.lockstep") so it reaches the KTAP file,
 * the matrix and the JSON/JUnit reports like any scenario. The guest uses it:
 * one boot gives both the scenarios and the lockstep pass.
 */
static void explore_case(const struct target_config *tcfg,
			 const struct target_caps *caps, unsigned seqs,
			 unsigned dma_permille, struct case_result *c)
{
	struct explore_opts o = { .seed = 1, .seq_len = 24, .max_seqs = seqs,
				  .dma_permille = dma_permille,
				  .max_seconds = 120 };
	struct explore_stats st;
	struct target_config ocfg;
	struct model_profile mirror;
	char why[256] = "", *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *mem;
	int rc;

	memset(c, 0, sizeof(*c));
	c->id = "explore.lockstep";
	c->title = "bounded explorer pass: target and model in lockstep";
	c->invariants = "";
	mem = open_memstream(&buf, &len);
	if (!mem)
		return;
	if (explore_oracle(caps, NULL, &ocfg, &mirror, why, sizeof(why))) {
		rc = 2;
	} else {
		if (ocfg.model_profile)
			fprintf(mem, "oracle: %s\n",
				ocfg.model_profile->description);
		rc = explore_run(tcfg, &ocfg, &o, &st, mem, why, sizeof(why));
		fprintf(mem, "explore: %llu sequences, %llu steps (%llu DMA), "
			     "%.1f s, %.0f steps/s\n",
			(unsigned long long)st.seqs, (unsigned long long)st.ops,
			(unsigned long long)st.dma_ops, st.seconds,
			st.seconds > 0 ? st.ops / st.seconds : 0.0);
	}
	fclose(mem);
	c->log = calloc(4096, sizeof(*c->log));
	for (line = strtok_r(buf, "\n", &save); line && c->log && c->nlog < 4096;
	     line = strtok_r(NULL, "\n", &save))
		c->log[c->nlog++] = strdup(line[0] == '#' ? line + 1 + (line[1] == ' ') : line);
	free(buf);
	c->outcome = rc == 0 ? OUT_PASS : rc == 1 ? OUT_FAIL : OUT_SKIP;
	if (rc == 1)
		c->reason = strdup("target and model diverged (shrunk reproducer above)");
	else if (rc == 2)
		c->reason = strdup(why[0] ? why : "explorer could not run");
}

static int cmd_run(int argc, char **argv)
{
	static const struct opt opts[] = {
		TARGET_OPTS,
		{ "--filter", true, O_FILTER },
		{ "--format", true, O_FORMAT },
		{ "--output", true, O_OUTPUT },
		{ "--timeout", true, O_TIMEOUT },
		{ "--verbose", false, O_VERBOSE },
		{ "--explore", true, O_EXPLORE },
		{ "--stable-reasons", false, O_STABLE_REASONS },
		{ NULL, 0, 0 },
	};
	struct optstate s = { argc, argv, 1, NULL, NULL };
	struct run_options ro = { 0 };
	struct run_result r = { 0 };
	unsigned explore_seqs = 0, explore_dma = 0;
	struct progress prog = { 0 };
	enum format fmt = FMT_KTAP;
	const char *output = NULL;
	FILE *out = stdout;
	char why[256];
	bool skip;
	int key, done;

	while ((key = next_opt(&s, opts)) != -1) {
		if (common_key(&s, key, "run", &done))
			return done;
		switch (key) {
		case O_FILTER:
			ro.filter = s.arg;
			break;
		case O_FORMAT:
			if (!strcmp(s.arg, "ktap"))
				fmt = FMT_KTAP;
			else if (!strcmp(s.arg, "junit"))
				fmt = FMT_JUNIT;
			else if (!strcmp(s.arg, "json"))
				fmt = FMT_JSON;
			else
				return usage_error("unknown format '%s' (ktap, junit, json)",
						   s.arg);
			break;
		case O_OUTPUT:
			output = s.arg;
			break;
		case O_TIMEOUT:
			if (!parse_uint(s.arg, 86400, &ro.timeout_sec) ||
			    !ro.timeout_sec)
				return usage_error("--timeout wants seconds (1..86400), not '%s'",
						   s.arg);
			break;
		case O_VERBOSE:
			prog.verbose = true;
			break;
		case O_STABLE_REASONS:
			ktap_set_stable_reasons(true);
			break;
		case O_EXPLORE: {
			char *comma = strchr(s.arg, ',');

			if (comma)
				*comma = '\0';
			if (!parse_uint(s.arg, 1000000, &explore_seqs) ||
			    !explore_seqs ||
			    (comma && !parse_uint(comma + 1, 1000, &explore_dma)))
				return usage_error("--explore wants SEQUENCES[,DMA_PERMILLE], not '%s'",
						   s.arg);
			prog.extra = 1;
			break;
		}
		default:
			if (target_option(&ro.cfg, key, s.arg))
				return 2;
		}
	}

	/* Discover first: an unusable target is exit 2, and leaves no
	 * (misleading, empty) report file behind. */
	if (run_discover(&ro, &r, why, sizeof(why), &skip))
		return reason_error(why);
	if (output) {
		out = fopen(output, "w");
		if (!out) {
			run_result_free(&r);
			run_options_release(&ro);
			return usage_error("cannot write %s: %s", output,
					   strerror(errno));
		}
	}
	prog.stream = fmt == FMT_KTAP;
	prog.ktap.f = out;
	ro.hooks = (struct run_hooks){ pr_plan, pr_begin, pr_line, pr_end, &prog };

	{
		const struct scenario *const *all;
		const struct scenario **sel;
		unsigned n, nsel;
		int ret;

		all = scenario_all(&n);
		sel = run_select(all, n, ro.filter, &nsel);
		if (!nsel && ro.filter)
			fprintf(stderr, "warning: no scenario matches '%s'\n",
				ro.filter);
		ret = run_cases(&ro, sel, nsel, &r, why, sizeof(why));
		free(sel);
		if (ret) {
			if (out != stdout)
				fclose(out);
			run_result_free(&r);
			run_options_release(&ro);
			return usage_error("%s", why);
		}
	}

	if (explore_seqs) {
		struct case_result *grown = realloc(r.cases, (r.ncases + 1) *
						    sizeof(*r.cases));

		if (grown) {
			struct case_result *c = &grown[r.ncases];

			r.cases = grown;
			explore_case(&ro.cfg, &r.caps, explore_seqs, explore_dma,
				     c);
			r.ncases++;
			run_result_count(&r, c);
			if (prog.stream)
				ktap_case(out, r.ncases, c, 0);
		}
	}

	switch (fmt) {
	case FMT_KTAP:
		ktap_footer(out, &r);
		break;
	case FMT_JUNIT:
		junit_write(out, &r);
		break;
	case FMT_JSON:
		json_write(out, &r);
		break;
	}
	if (fflush(out) || ferror(out) || (out != stdout && fclose(out))) {
		run_result_free(&r);
		run_options_release(&ro);
		return usage_error("writing %s failed", output ? output : "stdout");
	}
	fprintf(stderr, "%s: target=%s: %u passed, %u failed, %u skipped\n",
		PROG, r.target, r.npass, r.nfail, r.nskip);
	key = r.nfail ? 1 : 0;
	run_result_free(&r);
	run_options_release(&ro);
	return key;
}

/* --- matrix ---------------------------------------------------------------- */

/* The HTML matrix to path, its links relative to path's folder; a write
 * goes to a temporary file renamed into place. 0, or 2 after the error. */
static int write_html(const char *path, const struct ktap_file *files,
		      unsigned n, enum matrix_by by,
		      const struct known_findings *known)
{
	char *tmp = NULL, *dir = strdup(path), *slash;
	FILE *f;
	int ret = 0;

	if (!dir || asprintf(&tmp, "%s.tmp", path) < 0) {
		free(dir);
		return usage_error("out of memory");
	}
	slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir] = '\0';
	f = fopen(tmp, "w");
	if (!f) {
		ret = usage_error("cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	matrix_html(files, n, by, known, slash ? dir : ".", f);
	if (ferror(f) | fclose(f) || rename(tmp, path)) {
		ret = usage_error("writing %s failed", path);
		unlink(tmp);
	}
out:
	free(tmp);
	free(dir);
	return ret;
}

static int cmd_matrix(int argc, char **argv)
{
	static const struct opt opts[] = {
		{ "--json", true, O_JSON },
		{ "--html", true, O_HTML },
		{ "--known", true, O_KNOWN },
		{ "--by", true, O_BY },
		{ "--help", false, O_HELP },
		{ NULL, 0, 0 },
	};
	struct optstate s = { argc, argv, 1, NULL, NULL };
	enum matrix_by by = MATRIX_BY_INVARIANT;
	struct ktap_file *files;
	const char *json_path = NULL, *html_path = NULL, *known_path = NULL;
	struct known_findings known = { NULL, 0 };
	unsigned n = 0;
	FILE *json = NULL;
	int key, ret = 0;

	files = calloc(argc, sizeof(*files));
	if (!files)
		return usage_error("out of memory");
	while ((key = next_opt(&s, opts)) != -1) {
		const char *eq;
		FILE *in;
		char why[128];

		switch (key) {
		case -2:
			ret = 2;
			goto out;
		case O_HELP:
			ret = help_only("matrix");
			goto out;
		case O_JSON:
			json_path = s.arg;
			continue;
		case O_HTML:
			html_path = s.arg;
			continue;
		case O_KNOWN:
			known_path = s.arg;
			continue;
		case O_BY:
			if (!strcmp(s.arg, "invariant")) {
				by = MATRIX_BY_INVARIANT;
			} else if (!strcmp(s.arg, "scenario")) {
				by = MATRIX_BY_SCENARIO;
			} else {
				ret = usage_error("--by wants invariant or scenario, not '%s'",
						  s.arg);
				goto out;
			}
			continue;
		}
		eq = strchr(s.operand, '=');
		if (!eq || eq == s.operand || !eq[1]) {
			ret = usage_error("expected NAME=KTAPFILE, got '%s'", s.operand);
			goto out;
		}
		in = fopen(eq + 1, "r");
		if (!in) {
			ret = usage_error("cannot read %s: %s", eq + 1, strerror(errno));
			goto out;
		}
		files[n].name = strndup(s.operand, eq - s.operand);
		files[n].path = strdup(eq + 1);
		if (ktap_parse(in, &files[n++], why, sizeof(why))) {
			fclose(in);
			ret = usage_error("%s: %s", eq + 1, why);
			goto out;
		}
		fclose(in);
	}
	if (!n) {
		ret = usage_error("matrix needs at least one NAME=KTAPFILE");
		goto out;
	}
	if (json_path) {
		json = fopen(json_path, "w");
		if (!json) {
			ret = usage_error("cannot write %s: %s", json_path,
					  strerror(errno));
			goto out;
		}
	}
	if (known_path) {
		FILE *in = fopen(known_path, "r");
		char why[128];

		if (!in) {
			ret = usage_error("cannot read %s: %s", known_path,
					  strerror(errno));
			goto out;
		}
		if (known_findings_parse(in, &known, why, sizeof(why))) {
			fclose(in);
			ret = usage_error("%s: %s", known_path, why);
			goto out;
		}
		fclose(in);
	}
	ret = matrix_report(files, n, by, stdout, json);
	if (json && fclose(json))
		ret = usage_error("writing %s failed", json_path);
	if (html_path && ret != 2)
		ret = write_html(html_path, files, n, by, &known) ? 2 : ret;
out:
	for (unsigned i = 0; i < n; i++)
		ktap_file_free(&files[i]);
	free(files);
	known_findings_free(&known);
	return ret;
}

/* --- explore / replay ------------------------------------------------------ */

/* The conforming profile with p's geometry (devices, IOMMUs, contexts),
 * "default" when none has it. */
/*
 * explore and replay: the target is discovered once, here; the explorer
 * opens it from that discovery for every sequence, and the oracle follows
 * from its caps (explore_oracle).
 */
static int discover_for_explore(struct target_config *tcfg,
				const char *oracle, struct target_config *ocfg,
				struct model_profile *mirror,
				struct target_discovery **disc)
{
	char why[256] = "";
	bool skip;

	*disc = target_discover(tcfg, why, sizeof(why), &skip);
	if (!*disc)
		return reason_error(why);
	tcfg->discovery = *disc;
	if (explore_oracle(&(*disc)->caps, oracle, ocfg, mirror, why,
			   sizeof(why))) {
		target_discovery_free(*disc);
		return usage_error("%s", why);
	}
	return 0;
}

static int cmd_explore(int argc, char **argv)
{
	static const struct opt opts[] = {
		TARGET_OPTS,
		{ "--oracle", true, O_ORACLE },
		{ "--seed", true, O_SEED },
		{ "--sequences", true, O_SEQUENCES },
		{ "--length", true, O_LENGTH },
		{ "--seconds", true, O_SECONDS },
		{ "--dma-permille", true, O_DMA_PERMILLE },
		{ "--exhaustive", false, O_EXHAUSTIVE },
		{ "--depth", true, O_DEPTH },
		{ "--progress", false, O_PROGRESS },
		{ "--replay-out", true, O_REPLAY_OUT },
		{ NULL, 0, 0 },
	};
	struct optstate s = { argc, argv, 1, NULL, NULL };
	struct target_config tcfg = { 0 }, ocfg;
	struct explore_opts o = { .seed = 1, .seq_len = 24, .max_seqs = 2000,
				  .dma_permille = 100, .depth = 3 };
	struct target_discovery *disc;
	struct explore_stats st;
	struct model_profile mirror;
	const char *oracle = NULL;
	char why[256] = "";
	unsigned v;
	int key, ret, done;

	while ((key = next_opt(&s, opts)) != -1) {
		if (common_key(&s, key, "explore", &done))
			return done;
		switch (key) {
		case O_ORACLE:
			oracle = s.arg;
			break;
		case O_SEED:
			if (!parse_uint(s.arg, ~0u, &v))
				return usage_error("--seed wants a number, not '%s'", s.arg);
			o.seed = v;
			break;
		case O_SEQUENCES:
			if (!parse_uint(s.arg, ~0u, &o.max_seqs))
				return usage_error("--sequences wants a number, not '%s'", s.arg);
			break;
		case O_LENGTH:
			if (!parse_uint(s.arg, X_MAX_OPS, &o.seq_len) || !o.seq_len)
				return usage_error("--length wants 1..%d, not '%s'", X_MAX_OPS, s.arg);
			break;
		case O_SECONDS:
			if (!parse_uint(s.arg, 86400, &v))
				return usage_error("--seconds wants a number, not '%s'", s.arg);
			o.max_seconds = v;
			break;
		case O_DMA_PERMILLE:
			if (!parse_uint(s.arg, 1000, &o.dma_permille))
				return usage_error("--dma-permille wants 0..1000, not '%s'", s.arg);
			break;
		case O_EXHAUSTIVE:
			o.exhaustive = true;
			break;
		case O_DEPTH:
			if (!parse_uint(s.arg, 8, &o.depth) || !o.depth)
				return usage_error("--depth wants 1..8, not '%s'", s.arg);
			break;
		case O_PROGRESS:
			o.progress = true;
			break;
		case O_REPLAY_OUT:
			o.replay_out = s.arg;
			break;
		default:
			if (target_option(&tcfg, key, s.arg))
				return 2;
		}
	}
	if (!o.max_seqs && !o.max_seconds && !o.exhaustive)
		return usage_error("explore needs a bound: --sequences or --seconds");
	ret = discover_for_explore(&tcfg, oracle, &ocfg, &mirror, &disc);
	if (ret)
		return ret;
	ret = explore_run(&tcfg, &ocfg, &o, &st, stdout, why, sizeof(why));
	target_discovery_free(disc);
	if (ret == 2)
		return reason_error(why);
	printf("# explore: target=%s%s%s oracle=%s seed=%llu: %llu sequences, "
	       "%llu steps (%llu DMA), %.2f s, %.0f steps/s%s",
	       tcfg.target ? tcfg.target : "model",
	       tcfg.profile ? " profile=" : "", tcfg.profile ? tcfg.profile : "",
	       ocfg.profile ? ocfg.profile : "mirror",
	       (unsigned long long)o.seed, (unsigned long long)st.seqs,
	       (unsigned long long)st.ops, (unsigned long long)st.dma_ops,
	       st.seconds, st.seconds > 0 ? st.ops / st.seconds : 0.0,
	       o.exhaustive ? "" : "\n");
	if (o.exhaustive)
		printf(", %llu distinct observable states\n",
		       (unsigned long long)st.states);
	if (ocfg.model_profile)
		printf("# oracle: %s\n", ocfg.model_profile->description);
	if (st.divergences)
		printf("# divergence shrunk to %u steps in %.2f s\n",
		       st.shrunk_len, st.shrink_seconds);
	else
		printf("# no divergence\n");
	return ret;
}

static int cmd_replay(int argc, char **argv)
{
	static const struct opt opts[] = {
		TARGET_OPTS,
		{ "--oracle", true, O_ORACLE },
		{ NULL, 0, 0 },
	};
	struct optstate s = { argc, argv, 1, NULL, NULL };
	struct target_config tcfg = { 0 }, ocfg;
	struct target_discovery *disc;
	struct model_profile mirror;
	const char *oracle = NULL, *file = NULL;
	char why[256] = "";
	int key, ret;

	while ((key = next_opt(&s, opts)) != -1) {
		switch (key) {
		case -2:
			return 2;
		case 0:
			if (file)
				return usage_error("replay takes one FILE");
			file = s.operand;
			break;
		case O_HELP:
			return help_only("replay");
		case O_ORACLE:
			oracle = s.arg;
			break;
		default:
			if (target_option(&tcfg, key, s.arg))
				return 2;
		}
	}
	if (!file)
		return usage_error("replay needs a FILE");
	ret = discover_for_explore(&tcfg, oracle, &ocfg, &mirror, &disc);
	if (ret)
		return ret;
	ret = explore_replay(file, &tcfg, &ocfg, stdout, why, sizeof(why));
	target_discovery_free(disc);
	if (ret == 2)
		return reason_error(why);
	return ret;
}

/* --- configs --------------------------------------------------------------- */

static int cmd_configs(int argc, char **argv)
{
	static const struct opt opts[] = {
		{ "--help", false, O_HELP },
		{ NULL, 0, 0 },
	};
	struct optstate s = { argc, argv, 1, NULL, NULL };
	const char *arg[3] = { NULL, NULL, NULL };
	struct cfg_file c;
	unsigned n = 0;
	char why[256];
	FILE *in;
	int key, ret = 0;

	while ((key = next_opt(&s, opts)) != -1) {
		if (key == -2)
			return 2;
		if (key == O_HELP)
			return help_only("configs");
		if (n == 3)
			return usage_error("configs takes FILE [NAME KEY]");
		arg[n++] = s.operand;
	}
	if (n != 1 && n != 3)
		return usage_error("configs takes FILE [NAME KEY]");
	in = fopen(arg[0], "r");
	if (!in)
		return usage_error("cannot read %s: %s", arg[0], strerror(errno));
	if (cfg_parse(in, arg[0], &c, why, sizeof(why))) {
		ret = usage_error("%s", why);
	} else if (n == 1) {
		for (unsigned i = 0; i < c.n; i++)
			if (strcmp(c.s[i].name, CFG_DEFAULTS))
				printf("%s\n", c.s[i].name);
	} else if (!cfg_stanza(&c, arg[1])) {
		ret = usage_error("%s: no configuration [%s]", arg[0], arg[1]);
	} else if (!cfg_known_key(arg[2])) {
		ret = usage_error("unknown key '%s'", arg[2]);
	} else {
		const char *v = cfg_get(&c, arg[1], arg[2]);

		if (v)
			printf("%s\n", v);
	}
	fclose(in);
	cfg_free(&c);
	return ret;
}

/* --- dispatch -------------------------------------------------------------- */

struct subcommand {
	const char *name;
	/* argv[0] is the subcommand's name. */
	int (*main)(int argc, char **argv);
};

/* One line per subcommand (explore and replay come from src/explore). */
static const struct subcommand subcommands[] = {
	{ "list", cmd_list },
	{ "run", cmd_run },
	{ "matrix", cmd_matrix },
	{ "explore", cmd_explore },
	{ "replay", cmd_replay },
	{ "configs", cmd_configs },
};

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		print_usage(stderr);
		return usage_error("no command given");
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help"))
		return help_only(NULL);
	if (!strcmp(cmd, "--version")) {
		printf("%s %s\n", PROG, IC_VERSION);
		return 0;
	}
	for (unsigned i = 0; i < sizeof(subcommands) / sizeof(*subcommands); i++)
		if (!strcmp(cmd, subcommands[i].name))
			return subcommands[i].main(argc - 1, argv + 1);
	if (cmd[0] == '-')
		return usage_error("unknown option %s", cmd);
	return usage_error("unknown command '%s' (try --help)", cmd);
}
