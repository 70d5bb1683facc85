// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the explorer's replay file reader
 * (explore_replay_read() and xop_parse(), src/explore/), as
 * `iommu-conformance replay FILE` reads a file someone else wrote.
 *
 * Beyond the sanitizers, the reader is held to the grammar of a replay file,
 * computed here independently: lines end at '\n' (a trailing '\r' is part of
 * the line ending); a line that is empty or blank, or whose first non-blank
 * byte is '#', is skipped; every other line is one step. So:
 *  - when the reader accepts the file, it holds exactly that many steps, the
 *    i-th being the i-th step line; each step's text form (xop_format) reads
 *    back as the same step, with as many words as the line it came from;
 *  - when it refuses the file, the reason is one line, and the file has a
 *    step line that is not a step (a NUL byte, a bad word) or too many.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/explore/explore.h"
#include "fuzz.h"

static unsigned words(const char *s, size_t n)
{
	unsigned w = 0;
	bool in = false;

	for (size_t i = 0; i < n; i++) {
		bool blank = s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
			     s[i] == '\n';

		w += !blank && !in;
		in = !blank;
	}
	return w;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xseq seq;
	const char *p = (const char *)data, *end = p + size;
	char why[256] = "";
	unsigned nsteps = 0;
	bool bad_line = false;
	FILE *f = fuzz_open(p, size);
	int rc = explore_replay_read(f, "fuzz", &seq, why, sizeof(why));

	fclose(f);
	FUZZ_CHECK(rc == 0 || rc == 2, "explore_replay_read returned %d", rc);
	/* Walk the step lines as the grammar has them. */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *s = p;
		char text[512];
		struct xop op;
		size_t len;

		p = nl ? nl + 1 : end;
		if (e > s && e[-1] == '\r')
			e--;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		if (s == e || *s == '#')
			continue;
		if (words(s, (size_t)(e - s)) == 0)
			continue; /* blank but for a stray '\r' or so */
		len = (size_t)(e - s);
		if (memchr(s, '\0', len) || len >= sizeof(text)) {
			bad_line = true;
			nsteps++;
			continue;
		}
		memcpy(text, s, len);
		text[len] = '\0';
		if (!xop_parse(text, &op)) {
			bad_line = true;
		} else if (rc == 0 && nsteps < seq.n) {
			FUZZ_CHECK(!memcmp(&op, &seq.op[nsteps], sizeof(op)),
				   "step %u is not the step its line reads as",
				   nsteps);
		}
		if (!bad_line && xop_parse(text, &op)) {
			char back[128];
			struct xop again;

			xop_format(&op, back, sizeof(back));
			FUZZ_CHECK(xop_parse(back, &again) &&
					   !memcmp(&op, &again, sizeof(op)),
				   "'%s' formats as '%s', which reads back "
				   "differently",
				   text, back);
			FUZZ_CHECK(words(back, strlen(back)) ==
					   words(text, len),
				   "'%s' read as '%s' (words dropped)", text,
				   back);
		}
		nsteps++;
	}
	if (rc == 0) {
		FUZZ_CHECK(!bad_line,
			   "accepted a file with a line that is no step");
		FUZZ_CHECK(seq.n == nsteps, "read %u steps from a file of %u",
			   seq.n, nsteps);
	} else {
		FUZZ_CHECK(why[0] && !strchr(why, '\n'),
			   "refused without a one-line reason: '%s'", why);
		FUZZ_CHECK(bad_line || nsteps > X_MAX_OPS,
			   "refused a good file of %u steps: %s", nsteps, why);
	}
	return 0;
}
