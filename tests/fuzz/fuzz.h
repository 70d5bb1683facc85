/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libFuzzer targets of tests/fuzz/ (one NAME.c per input the
 * suite reads from elsewhere; `make fuzz` builds them, bench/fuzz.sh runs
 * them). A broken property is a crash: the fuzzer keeps the input.
 */
#ifndef IC_FUZZ_H
#define IC_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...)                                                 \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "fuzz: %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                         \
			fputc('\n', stderr);                                  \
			abort();                                              \
		}                                                             \
	} while (0)

/* A read-only stream over len bytes at p (the fuzzer's buffer). */
static inline FILE *fuzz_open(const char *p, size_t len)
{
	FILE *f = len ? fmemopen((void *)p, len, "r") : fopen("/dev/null", "r");

	if (!f)
		abort();
	return f;
}

/* Is s[0..n) valid UTF-8 (no overlongs, surrogates, or past U+10FFFF)? */
static inline bool fuzz_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		unsigned len, cp;

		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0)
			len = 2, cp = *p & 0x1f;
		else if ((*p & 0xf0) == 0xe0)
			len = 3, cp = *p & 0x0f;
		else if ((*p & 0xf8) == 0xf0)
			len = 4, cp = *p & 0x07;
		else
			return false;
		if ((size_t)(end - p) < len)
			return false;
		for (unsigned i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += len;
	}
	return true;
}

#endif
