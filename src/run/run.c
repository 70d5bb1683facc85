// SPDX-License-Identifier: GPL-2.0
/*
 * The runner. Each case runs in a forked child that leads its own process
 * group, opens its own target and writes the tc.c line protocol into a
 * pipe; the parent reads it with a deadline and judges the case:
 *
 *   PASS  exit 0 and no F line
 *   FAIL  any F line, or a crash: a signal, an exit code other than
 *         TC_EXIT_DONE/TC_EXIT_SKIP, or the timeout (the whole process
 *         group is killed); the reason is also added to the case log
 *   SKIP  exit TC_EXIT_SKIP (reason from the S line), the scenario's
 *         requirements unmet, or target_open() failing with skip set
 *
 * An F line outranks a later skip: a violation seen is a violation.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../base/xalloc.h"
#include "../scenario/tc_protocol.h"
#include "run.h"

/* Child exit code: its own target_open() failed (not a missing feature). */
#define CHILD_EXIT_OPEN 4
#define MAX_LINE 4096

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct inv_outcome *inv_find(struct inv_outcome *v, unsigned n,
				    const char *id)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(v[i].id, id))
			return &v[i];
	return NULL;
}

/* Record an outcome of id in c; several merge (outcome_merge). */
static void case_mark(struct case_result *c, const char *id, enum outcome o)
{
	struct inv_outcome *io = inv_find(c->inv, c->ninv, id);

	if (!io) {
		c->inv = xrealloc(c->inv, (c->ninv + 1) * sizeof(*c->inv));
		io = &c->inv[c->ninv++];
		snprintf(io->id, sizeof(io->id), "%s", id);
		io->outcome = o;
	}
	io->outcome = outcome_merge(io->outcome, o);
}

static void case_log(struct case_result *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void case_log(struct case_result *c, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	c->log = xrealloc(c->log, (c->nlog + 1) * sizeof(*c->log));
	c->log[c->nlog++] = s;
}

static void set_reason(struct case_result *c, const char *s)
{
	free(c->reason);
	c->reason = xstrdup(s);
}

/* --- selection and discovery ---------------------------------------------- */

const struct scenario **run_select(const struct scenario *const *list,
				   unsigned n, const char *glob,
				   unsigned *nsel)
{
	const struct scenario **sel = xrealloc(NULL, n * sizeof(*sel));

	*nsel = 0;
	for (unsigned i = 0; i < n; i++)
		if (!glob || !fnmatch(glob, list[i]->id, 0))
			sel[(*nsel)++] = list[i];
	return sel;
}

static struct target *do_open(const struct run_options *o, char *why,
			      size_t why_len, bool *skip)
{
	*skip = false;
	why[0] = '\0';
	return (o->open ? o->open : target_open)(&o->cfg, why, why_len, skip);
}

int run_discover(struct run_options *o, struct run_result *r, char *why,
		 size_t why_len, bool *skip)
{
	time_t wall = time(NULL);
	struct target *t = NULL;
	struct tm tm;

	run_options_release(o);
	if (o->open) {
		t = do_open(o, why, why_len, skip);
	} else {
		why[0] = '\0';
		o->discovery = target_discover(&o->cfg, why, why_len, skip);
	}
	if (!t && !o->discovery) {
		if (!why[0])
			snprintf(why, why_len, "cannot open target '%s'",
				 o->cfg.target ? o->cfg.target : "model");
		return -1;
	}
	r->caps = t ? t->caps : o->discovery->caps;
	r->target = xstrdup(r->caps.target ? r->caps.target :
			    o->cfg.target ? o->cfg.target : "model");
	r->profile = xstrdup(r->caps.profile ? r->caps.profile :
			     o->cfg.profile ? o->cfg.profile : "");
	r->caps.target = r->target;
	r->caps.profile = r->profile;
	target_close(t);
	o->cfg.discovery = o->discovery;
	gmtime_r(&wall, &tm);
	strftime(r->started, sizeof(r->started), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (gethostname(r->hostname, sizeof(r->hostname)))
		r->hostname[0] = '\0';
	r->hostname[sizeof(r->hostname) - 1] = '\0';
	return 0;
}

void run_options_release(struct run_options *o)
{
	target_discovery_free(o->discovery);
	o->discovery = NULL;
	o->cfg.discovery = NULL;
}

/* --- the child ------------------------------------------------------------ */

static struct target *child_target;

static void child_close_target(void)
{
	struct target *t = child_target;

	child_target = NULL;
	target_close(t);
}

static _Noreturn void child_main(const struct run_options *o,
				 const struct scenario *sc, int wfd)
{
	char why[256];
	struct tc tc;
	struct target *t;
	bool skip;
	FILE *out;

	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	/* Whatever a case prints must not corrupt a report on stdout. */
	dup2(STDERR_FILENO, STDOUT_FILENO);
	out = fdopen(wfd, "w");
	if (!out)
		_exit(CHILD_EXIT_OPEN);
	t = do_open(o, why, sizeof(why), &skip);
	if (!t) {
		const char *w = strncmp(why, "error: ", 7) ? why : why + 7;

		fprintf(out, "%c target_open: %s\n",
			skip ? TC_TAG_SKIP : TC_TAG_LOG, w[0] ? w : "failed");
		fflush(out);
		_exit(skip ? TC_EXIT_SKIP : CHILD_EXIT_OPEN);
	}
	child_target = t;
	atexit(child_close_target);
	memset(&tc, 0, sizeof(tc));
	tc.t = t;
	tc.caps = &t->caps;
	tc.sc = sc;
	tc.out = out;
	sc->run(&tc);
	tc_end(&tc);
}

/* --- the parent ----------------------------------------------------------- */

/* The case running now: an interrupted runner takes its group down too
 * (the child leads its own process group, so ^C does not reach it). */
static volatile sig_atomic_t current_child;

static void on_fatal_signal(int sig)
{
	pid_t pid = current_child;

	if (pid > 0)
		kill(-pid, SIGKILL);
	signal(sig, SIG_DFL);
	raise(sig);
}

struct reader {
	const struct run_options *o;
	unsigned idx;
	struct case_result *c;
	char buf[MAX_LINE];
	size_t len;
	bool overlong;	/* discarding the rest of a too-long line */
	unsigned nfail;
	bool skipped;
	char *skip_reason;
	char *first_fail;
	char *last_log;
	unsigned npass, ngap, nnobs, ninconclusive;
	char *first_gap, *first_nobs;
};

static void handle_line(struct reader *rd, char *line)
{
	struct case_result *c = rd->c;
	char tag = line[0];
	char *text = line[0] ? line + 1 : line;

	if (*text == ' ')
		text++;
	if (rd->o->hooks.case_line)
		rd->o->hooks.case_line(rd->o->hooks.arg, rd->idx, tag, text);
	switch (tag) {
	case TC_TAG_LOG:
		case_log(c, "%s", text);
		free(rd->last_log);
		rd->last_log = xstrdup(text);
		break;
	case TC_TAG_ARRANGE:
		/* Set-up proves nothing: no outcome for the invariant. */
		break;
	case TC_TAG_PASS:
		text[strcspn(text, " ")] = '\0';
		if (*text) {
			case_mark(c, text, OUT_PASS);
			rd->npass++;
		}
		break;
	case TC_TAG_FAIL:
	case TC_TAG_INCONCLUSIVE:
	case TC_TAG_GAP:
	case TC_TAG_NOBS: {
		size_t n = strcspn(text, " ");
		const char *msg = text[n] ? text + n + 1 : "";
		enum outcome o = tag == TC_TAG_FAIL ? OUT_FAIL :
				 tag == TC_TAG_GAP  ? OUT_GAP :
				 tag == TC_TAG_NOBS ? OUT_NOBS :
						      OUT_INCONCLUSIVE;
		const char *word = tag == TC_TAG_FAIL ? "FAIL" :
				   tag == TC_TAG_GAP  ? "GAP" :
				   tag == TC_TAG_NOBS ? "NOT OBSERVABLE" :
							"INCONCLUSIVE";
		char **first = tag == TC_TAG_GAP  ? &rd->first_gap :
			       tag == TC_TAG_NOBS ? &rd->first_nobs :
						    &rd->first_fail;
		char *r;

		if (text[n])
			text[n] = '\0';
		if (!*text)
			text = "?";
		case_mark(c, text, o);
		case_log(c, "%s %s: %s", word, text, msg);
		if (outcome_failed(o))
			rd->nfail++;
		rd->ngap += o == OUT_GAP;
		rd->nnobs += o == OUT_NOBS;
		rd->ninconclusive += o == OUT_INCONCLUSIVE;
		/* The first failure names the case, an INCONCLUSIVE with its word. */
		if (!*first && asprintf(&r, "%s%s: %s",
					o == OUT_INCONCLUSIVE ? "INCONCLUSIVE " : "",
					text, msg) >= 0)
			*first = r;
		break;
	}
	case TC_TAG_SKIP:
		rd->skipped = true;
		free(rd->skip_reason);
		rd->skip_reason = xstrdup(text);
		break;
	default:
		/* Not protocol: keep it, it may explain a crash. */
		case_log(c, "%s", line);
		break;
	}
}

static void feed(struct reader *rd, const char *data, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (data[i] == '\n') {
			rd->buf[rd->len] = '\0';
			if (rd->len || !rd->overlong)
				handle_line(rd, rd->buf);
			rd->len = 0;
			rd->overlong = false;
			continue;
		}
		if (rd->len < sizeof(rd->buf) - 1) {
			rd->buf[rd->len++] = data[i];
		} else if (!rd->overlong) {
			/* Hand on what fits; drop the rest of the line. */
			rd->buf[rd->len] = '\0';
			handle_line(rd, rd->buf);
			rd->len = 0;
			rd->overlong = true;
		}
	}
}

static void describe_status(int st, char *s, size_t n)
{
	if (WIFSIGNALED(st))
		snprintf(s, n, "crashed: killed by signal %d (%s)",
			 WTERMSIG(st), strsignal(WTERMSIG(st)));
	else if (WIFEXITED(st))
		snprintf(s, n, "crashed: exited with code %d", WEXITSTATUS(st));
	else
		snprintf(s, n, "crashed: wait status 0x%x", st);
}

static void kill_group(pid_t pid)
{
	if (kill(-pid, SIGKILL) && errno == ESRCH)
		kill(pid, SIGKILL);
}

/* Run one case in a child; fills c. Returns -1 with why on runner failure. */
static int run_child(const struct run_options *o, unsigned idx,
		     const struct scenario *sc, struct case_result *c,
		     char *why, size_t why_len)
{
	unsigned timeout = o->timeout_sec ? o->timeout_sec : RUN_DEFAULT_TIMEOUT;
	double deadline = now() + timeout;
	struct reader *rd;
	bool timed_out = false, eof = false;
	int pfd[2], st = 0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC)) {
		snprintf(why, why_len, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(why, why_len, "fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		close(pfd[0]);
		child_main(o, sc, pfd[1]);
	}
	setpgid(pid, pid); /* also in the child: whichever runs first */
	current_child = pid;
	close(pfd[1]);

	rd = xrealloc(NULL, sizeof(*rd));
	memset(rd, 0, sizeof(*rd));
	rd->o = o;
	rd->idx = idx;
	rd->c = c;

	while (!eof) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		double left = deadline - now();
		char data[4096];
		ssize_t n;
		int ms;

		if (left <= 0) {
			timed_out = true;
			break;
		}
		ms = left * 1000 + 1;
		n = poll(&p, 1, ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			continue;
		n = read(pfd[0], data, sizeof(data));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			eof = true;
		else
			feed(rd, data, n);
	}
	close(pfd[0]);
	if (rd->len) {
		rd->buf[rd->len] = '\0';
		handle_line(rd, rd->buf);
	}

	/* The pipe closed; the child should exit at once. */
	while (!timed_out) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			snprintf(why, why_len, "waitpid: %s", strerror(errno));
			kill_group(pid);
			current_child = 0;
			return -1;
		}
		if (now() >= deadline) {
			timed_out = true;
			break;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 2000000 }, NULL);
	}
	if (timed_out) {
		kill_group(pid);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	} else {
		/* Leftovers the case may have forked. */
		kill(-pid, SIGKILL);
	}
	current_child = 0;

	if (timed_out) {
		char s[64];

		snprintf(s, sizeof(s), "timed out after %u s", timeout);
		c->outcome = OUT_FAIL;
		set_reason(c, s);
		case_log(c, "case %s (process group killed)", s);
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == CHILD_EXIT_OPEN) {
		char s[320];

		snprintf(s, sizeof(s), "%s",
			 rd->last_log ? rd->last_log : "target_open failed");
		c->outcome = OUT_FAIL;
		set_reason(c, s);
	} else if (!WIFEXITED(st) ||
		   (WEXITSTATUS(st) != TC_EXIT_DONE &&
		    WEXITSTATUS(st) != TC_EXIT_SKIP)) {
		char s[128];

		describe_status(st, s, sizeof(s));
		c->outcome = OUT_FAIL;
		set_reason(c, s);
		case_log(c, "case %s", s);
	} else if (rd->nfail) {
		char s[64];

		c->outcome = rd->ninconclusive == rd->nfail ? OUT_INCONCLUSIVE :
							      OUT_FAIL;
		if (rd->nfail == 1) {
			set_reason(c, rd->first_fail ? rd->first_fail : "check failed");
		} else {
			char *r;

			snprintf(s, sizeof(s), " (and %u more)", rd->nfail - 1);
			if (asprintf(&r, "%s%s", rd->first_fail ? rd->first_fail :
				     "check failed", s) >= 0) {
				free(c->reason);
				c->reason = r;
			}
		}
	} else if (WEXITSTATUS(st) == TC_EXIT_SKIP || rd->skipped) {
		c->outcome = OUT_SKIP;
		set_reason(c, rd->skip_reason ? rd->skip_reason : "skipped");
	} else if (rd->npass) {
		c->outcome = OUT_PASS;
	} else if (rd->ngap) {
		c->outcome = OUT_GAP;
		set_reason(c, rd->first_gap);
	} else if (rd->nnobs) {
		c->outcome = OUT_NOBS;
		set_reason(c, rd->first_nobs);
	} else {
		c->outcome = OUT_FAIL;
		set_reason(c, "no assertion ran: the case ended with set-up steps only, which prove nothing");
		case_log(c, "FAIL: %s", c->reason);
	}
	/* A skipped case proves nothing of what it asserted before skipping. */
	if (c->outcome == OUT_SKIP)
		for (unsigned i = 0; i < c->ninv; i++)
			if (c->inv[i].outcome == OUT_PASS)
				c->inv[i].outcome = OUT_SKIP;
	free(rd->skip_reason);
	free(rd->first_fail);
	free(rd->first_gap);
	free(rd->first_nobs);
	free(rd->last_log);
	free(rd);
	return 0;
}

/* --- the run -------------------------------------------------------------- */

static void rollup_add(void *arg, const char *id)
{
	struct run_result *r = arg;

	if (inv_find(r->rollup, r->nrollup, id))
		return;
	r->rollup = xrealloc(r->rollup, (r->nrollup + 1) * sizeof(*r->rollup));
	snprintf(r->rollup[r->nrollup].id, INV_ID_LEN, "%s", id);
	r->rollup[r->nrollup++].outcome = OUT_SKIP;
}

static int by_inv(const void *a, const void *b)
{
	return inv_cmp(((const struct inv_outcome *)a)->id,
		       ((const struct inv_outcome *)b)->id);
}

static void compute_rollup(struct run_result *r)
{
	for (unsigned i = 0; i < r->ncases; i++) {
		struct case_result *c = &r->cases[i];

		inv_list_for_each(c->invariants, rollup_add, r);
		for (unsigned j = 0; j < c->ninv; j++)
			rollup_add(r, c->inv[j].id);
	}
	for (unsigned i = 0; i < r->ncases; i++) {
		struct case_result *c = &r->cases[i];

		for (unsigned j = 0; j < c->ninv; j++) {
			struct inv_outcome *io =
				inv_find(r->rollup, r->nrollup, c->inv[j].id);

			io->outcome = outcome_merge(io->outcome, c->inv[j].outcome);
		}
	}
	if (r->nrollup)
		qsort(r->rollup, r->nrollup, sizeof(*r->rollup), by_inv);
}

/*
 * IC_KMSG_CASES=1 (set in the VM guests): each case's id goes to the kernel
 * log before the case runs, so a WARN on the console can be tied to the
 * case that caused it (vm/console-scan.sh).
 */
static void kmsg_case(const struct scenario *sc)
{
	static int fd = -2;
	char line[256];
	int n;

	if (fd == -2) {
		const char *e = getenv("IC_KMSG_CASES");

		fd = e && !strcmp(e, "1") ?
			     open("/dev/kmsg", O_WRONLY | O_CLOEXEC) : -1;
	}
	if (fd < 0)
		return;
	/* One write() per record; dprintf() fails here: glibc's FILE setup
	 * seeks, and /dev/kmsg answers EINVAL, not ESPIPE. */
	n = snprintf(line, sizeof(line), "ic-case: %s\n", sc->id);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	if (n > 0 && write(fd, line, (size_t)n) < 0)
		fd = -1;
}

int run_cases(const struct run_options *o, const struct scenario *const *list,
	      unsigned n, struct run_result *r, char *why, size_t why_len)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_fatal_signal }, old[3];
	double t0 = now();

	sigemptyset(&sa.sa_mask);
	for (unsigned i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	r->cases = xrealloc(r->cases, (r->ncases + n) * sizeof(*r->cases));
	if (o->hooks.plan)
		o->hooks.plan(o->hooks.arg, r, n);
	for (unsigned i = 0; i < n; i++) {
		const struct scenario *sc = list[i];
		struct case_result *c = &r->cases[r->ncases];
		const char *unmet = scenario_unmet(sc, &r->caps);
		double c0 = now();

		memset(c, 0, sizeof(*c));
		c->id = sc->id;
		c->title = sc->title ? sc->title : "";
		c->invariants = sc->invariants ? sc->invariants : "";
		if (o->hooks.case_begin)
			o->hooks.case_begin(o->hooks.arg, i, sc);
		if (unmet) {
			c->outcome = OUT_SKIP;
			set_reason(c, unmet);
		} else {
			kmsg_case(sc);
			if (run_child(o, i, sc, c, why, why_len)) {
				for (unsigned j = 0; j < 3; j++)
					sigaction(sigs[j], &old[j], NULL);
				return -1;
			}
		}
		c->duration = now() - c0;
		r->ncases++;
		run_result_count(r, c);
		if (o->hooks.case_end)
			o->hooks.case_end(o->hooks.arg, i, c);
	}
	for (unsigned i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	r->duration += now() - t0;
	free(r->rollup);
	r->rollup = NULL;
	r->nrollup = 0;
	compute_rollup(r);
	return 0;
}

int run_suite(struct run_options *o, struct run_result *r, char *why,
	      size_t why_len, bool *skip)
{
	const struct scenario *const *all;
	const struct scenario **sel;
	unsigned n, nsel;
	int ret;

	if (run_discover(o, r, why, why_len, skip))
		return -1;
	*skip = false;
	all = scenario_all(&n);
	sel = run_select(all, n, o->filter, &nsel);
	ret = run_cases(o, sel, nsel, r, why, why_len);
	free(sel);
	return ret;
}

void run_result_free(struct run_result *r)
{
	for (unsigned i = 0; i < r->ncases; i++) {
		struct case_result *c = &r->cases[i];

		for (unsigned j = 0; j < c->nlog; j++)
			free(c->log[j]);
		free(c->log);
		free(c->inv);
		free(c->reason);
	}
	free(r->cases);
	free(r->rollup);
	free(r->target);
	free(r->profile);
	memset(r, 0, sizeof(*r));
}
