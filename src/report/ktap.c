// SPDX-License-Identifier: GPL-2.0
/*
 * KTAP output in the kselftest style:
 *
 *   KTAP version 1
 *   # iommu-conformance target=model profile=conforming kernel=- dma=modelled
 *   # note: ...
 *   # device 0: model0 group=0 iommu=0 pasid=20 dirty=1 dma=1
 *   1..N
 *   # <case log line>                 (L lines: the DMA evidence)
 *   # FAIL <INV>: <message>           (F lines)
 *   # invariant <INV> <verdict>       (what the case observed, result.h)
 *   ok 1 <id> | not ok 1 <id> | ok 1 <id> # SKIP <reason>
 *   ok 1 <id> # SKIP gap: <reason> | ok 1 <id> # SKIP not observable: <reason>
 *   ...
 *   # invariant <INV> <verdict>       (the roll-up over the run)
 *   # Verdicts: pass:N fail:N skip:N gap:N not-observable:N inconclusive:N
 *   # Totals: pass:N fail:N xfail:0 xpass:0 skip:N error:0
 *     (Totals in kselftest's terms: gap and not-observable are skips,
 *      inconclusive is a fail)
 *
 * Every line is one line: text is folded at newlines.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "report.h"

static bool stable_reasons;

void ktap_set_stable_reasons(bool on)
{
	stable_reasons = on;
}

/* Part of a word: a digit next to one belongs to a name (PASID-10, log2). */
static bool word_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '-';
}

/* Length of a PCI address at s ([DDDD:]BB:DD.F), 0 if there is none. */
static size_t pci_address_len(const char *s)
{
	static const char *const forms[] = { "xxxx:xx:xx.x", "xx:xx.x" };

	for (unsigned i = 0; i < 2; i++) {
		size_t n = strlen(forms[i]), k;

		for (k = 0; k < n && s[k]; k++)
			if (forms[i][k] == 'x' ? !isxdigit((unsigned char)s[k]) :
						 s[k] != forms[i][k])
				break;
		if (k == n && !word_char(s[n]))
			return n;
	}
	return 0;
}

size_t ktap_stable_reason(const char *reason, char *out, size_t len)
{
	const char *s = reason ? reason : "";
	size_t o = 0;
	int depth = 0;

	if (!len)
		return 0;
#define PUT(ch)                                                          \
	do {                                                             \
		if ((ch) == ' ' && (!o || out[o - 1] == ' '))            \
			break;                                           \
		if (o + 1 < len)                                         \
			out[o++] = (ch);                                 \
	} while (0)
	while (*s) {
		bool word_start = s == reason || !word_char(s[-1]);
		size_t n;

		if (*s == '(' || *s == ')') {
			depth += *s == '(' ? 1 : depth > 0 ? -1 : 0;
			s++;
			continue;
		}
		if (depth) {
			s++;
			continue;
		}
		if (word_start && (n = pci_address_len(s))) {
			for (const char *w = "a device"; *w; w++)
				PUT(*w);
			s += n;
			continue;
		}
		if (word_start && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
		    isxdigit((unsigned char)s[2])) {
			for (n = 2; isxdigit((unsigned char)s[n]); n++)
				;
			if (!word_char(s[n])) {
				PUT('N');
				s += n;
				continue;
			}
		}
		if (word_start && isdigit((unsigned char)*s)) {
			for (n = 0; isdigit((unsigned char)s[n]); n++)
				;
			if (!word_char(s[n])) {
				PUT('N');
				s += n;
				continue;
			}
		}
		PUT(*s == '\n' || *s == '\r' || *s == '\t' ? ' ' : *s);
		s++;
	}
#undef PUT
	/* An aside dropped before a ':' or at the end leaves a blank. */
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	for (char *p; (p = strstr(out, " :")) || (p = strstr(out, " ,"));) {
		memmove(p, p + 1, strlen(p + 1) + 1);
		o--;
	}
	return o;
}

static void text(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
}

static void word(FILE *f, const char *s)
{
	if (!s || !*s) {
		fputc('-', f);
		return;
	}
	for (; *s; s++)
		fputc(*s == ' ' || *s == '\n' || *s == '\t' ? '_' : *s, f);
}

void ktap_header(FILE *f, const struct run_result *r, unsigned n)
{
	const struct target_caps *caps = &r->caps;

	fputs("KTAP version 1\n# iommu-conformance target=", f);
	word(f, r->target);
	fputs(" profile=", f);
	word(f, r->profile);
	fputs(" kernel=", f);
	word(f, caps->kernel_release);
	fprintf(f, " dma=%s version=%s\n", dma_kind_name(caps->dma), IC_VERSION);
	if (caps->notes[0]) {
		fputs("# note: ", f);
		text(f, caps->notes);
		fputc('\n', f);
	}
	for (unsigned i = 0; i < caps->ndev && i < T_MAX_DEVS; i++) {
		const struct dev_caps *d = &caps->dev[i];

		fprintf(f, "# device %u: ", i);
		word(f, d->name);
		fprintf(f, " group=%u iommu=%u pasid=%u dirty=%d dma=%d resv=%u\n",
			d->group, d->iommu, d->max_pasid_log2, d->dirty_tracking,
			d->dma, d->nresv);
	}
	fprintf(f, "1..%u\n", n);
	fflush(f);
}

/* A case whose result line carries a reason: the skips, GAP and N-O. */
static bool reason_shown(const struct case_result *c)
{
	return (c->outcome == OUT_SKIP || c->outcome == OUT_GAP ||
		c->outcome == OUT_NOBS) &&
	       c->reason;
}

void ktap_case(FILE *f, unsigned num, const struct case_result *c,
	       unsigned first_log)
{
	const char *reason = c->reason;
	char stable[256];

	for (unsigned i = first_log; i < c->nlog; i++) {
		fputs("# ", f);
		text(f, c->log[i]);
		fputc('\n', f);
	}
	for (unsigned i = 0; i < c->ninv; i++)
		fprintf(f, "# invariant %s %s\n", c->inv[i].id,
			outcome_name(c->inv[i].outcome));
	if (stable_reasons && reason_shown(c)) {
		ktap_stable_reason(c->reason, stable, sizeof(stable));
		if (!stable[0])
			strcpy(stable, "skipped");
		if (strcmp(stable, c->reason)) {
			fputs("# reason: ", f);
			text(f, c->reason);
			fputc('\n', f);
		}
		reason = stable;
	}
	fprintf(f, "%s %u %s", outcome_failed(c->outcome) ? "not ok" : "ok",
		num, c->id);
	/* GAP and not-observable are skips to KTAP readers; the reason's first
	 * words say which, and ktap_parse() reads them back. */
	if (c->outcome == OUT_SKIP || c->outcome == OUT_GAP ||
	    c->outcome == OUT_NOBS) {
		fputs(c->outcome == OUT_GAP    ? " # SKIP " KTAP_GAP_WORD :
		      c->outcome == OUT_NOBS ? " # SKIP " KTAP_NOBS_WORD :
						 " # SKIP ", f);
		text(f, reason ? reason : "skipped");
	}
	fputc('\n', f);
	fflush(f);
}

void ktap_footer(FILE *f, const struct run_result *r)
{
	for (unsigned i = 0; i < r->nrollup; i++)
		fprintf(f, "# invariant %s %s\n", r->rollup[i].id,
			outcome_name(r->rollup[i].outcome));
	fprintf(f, "# Verdicts: pass:%u fail:%u skip:%u gap:%u not-observable:%u inconclusive:%u\n",
		r->npass, r->nfail - r->ninconclusive,
		r->nskip - r->ngap - r->nnobs, r->ngap, r->nnobs,
		r->ninconclusive);
	fprintf(f, "# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0\n",
		r->npass, r->nfail, r->nskip);
	fflush(f);
}

void ktap_write(FILE *f, const struct run_result *r)
{
	ktap_header(f, r, r->ncases);
	for (unsigned i = 0; i < r->ncases; i++)
		ktap_case(f, i + 1, &r->cases[i], 0);
	ktap_footer(f, r);
}

/* --- streaming ------------------------------------------------------------- */

static void st_plan(void *arg, const struct run_result *r, unsigned n)
{
	struct ktap_stream *s = arg;

	ktap_header(s->f, r, n);
}

static void st_begin(void *arg, unsigned idx, const struct scenario *sc)
{
	struct ktap_stream *s = arg;

	s->streamed = 0;
}

/* Each L, F, G, N, I or unknown line becomes exactly one case log entry (run.c), so
 * counting them here tells ktap_case() where the unprinted rest starts. */
void ktap_stream_line(struct ktap_stream *s, char tag, const char *line)
{
	switch (tag) {
	case 'P':
	case 'A':
	case 'S':
		return;
	case 'F':
	case 'G':
	case 'N':
	case 'I': {
		size_t n = strcspn(line, " ");

		/* As run.c logs them, so a streamed file equals a written one. */
		fprintf(s->f, "# %s %.*s: ",
			tag == 'F' ? "FAIL" : tag == 'G' ? "GAP" :
			tag == 'N' ? "NOT OBSERVABLE" : "INCONCLUSIVE", (int)n, line);
		text(s->f, line[n] ? line + n + 1 : "");
		break;
	}
	case 'L':
		fputs("# ", s->f);
		text(s->f, line);
		break;
	default:
		fprintf(s->f, "# %c", tag ? tag : ' ');
		text(s->f, line);
		break;
	}
	fputc('\n', s->f);
	fflush(s->f);
	s->streamed++;
}

static void st_line(void *arg, unsigned idx, char tag, const char *line)
{
	ktap_stream_line(arg, tag, line);
}

void ktap_stream_end(struct ktap_stream *s, unsigned idx,
		     const struct case_result *c)
{
	ktap_case(s->f, idx + 1, c, s->streamed < c->nlog ? s->streamed : c->nlog);
	s->streamed = 0;
}

static void st_end(void *arg, unsigned idx, const struct case_result *c)
{
	ktap_stream_end(arg, idx, c);
}

void ktap_stream_hooks(struct ktap_stream *s, FILE *f, struct run_hooks *h)
{
	s->f = f;
	s->streamed = 0;
	h->plan = st_plan;
	h->case_begin = st_begin;
	h->case_line = st_line;
	h->case_end = st_end;
	h->arg = s;
}
