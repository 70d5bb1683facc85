// SPDX-License-Identifier: GPL-2.0
/* Runs the registered unit tests; each in-process, in name order. */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#define MAX_UNIT_TESTS 512

static const struct unit_test *tests[MAX_UNIT_TESTS];
static unsigned ntests;
static unsigned current_failures;
static char current_skip[160];

void unit_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(current_skip, sizeof(current_skip), fmt, ap);
	va_end(ap);
	if (!current_skip[0])
		snprintf(current_skip, sizeof(current_skip), "skipped");
}

void unit_register(const struct unit_test *t)
{
	if (ntests < MAX_UNIT_TESTS)
		tests[ntests++] = t;
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	current_failures++;
	fprintf(stdout, "    %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(const struct unit_test *const *)a)->name,
		      (*(const struct unit_test *const *)b)->name);
}

int main(int argc, char **argv)
{
	unsigned passed = 0, failed = 0, skipped = 0;

	qsort(tests, ntests, sizeof(tests[0]), by_name);
	for (unsigned i = 0; i < ntests; i++) {
		if (argc > 1 && fnmatch(argv[1], tests[i]->name, 0))
			continue;
		current_failures = 0;
		current_skip[0] = '\0';
		tests[i]->fn();
		if (current_failures) {
			printf("FAIL %s\n", tests[i]->name);
			failed++;
		} else if (current_skip[0]) {
			printf("skip %s: %s\n", tests[i]->name, current_skip);
			skipped++;
		} else {
			printf("ok   %s\n", tests[i]->name);
			passed++;
		}
	}
	printf("unit: %u passed, %u failed, %u skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
