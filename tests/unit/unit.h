/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal unit-test harness: UNIT_TEST(name) registers a test from a
 * constructor; EXPECT* record failures and go on. main.c runs every test
 * (or those matching argv[1] as a glob) and ends with "N passed, N failed".
 */
#ifndef IC_UNIT_H
#define IC_UNIT_H

#include <stdbool.h>
#include <stdio.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};

void unit_register(const struct unit_test *t);
/* Marks the running test skipped (the environment lacks what it needs);
 * a skipped test never counts as passed. */
void unit_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Records a failed expectation of the running test. */
void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define UNIT_TEST(fn)                                                       \
	static void fn(void);                                               \
	static const struct unit_test ut_##fn = { #fn, fn };                \
	__attribute__((constructor)) static void unit_reg_##fn(void)        \
	{                                                                   \
		unit_register(&ut_##fn);                                    \
	}                                                                   \
	static void fn(void)

#define EXPECT(cond)                                                        \
	do {                                                                \
		if (!(cond))                                                \
			unit_fail(__FILE__, __LINE__, "expected %s", #cond); \
	} while (0)

#define EXPECT_EQ(a, b)                                                     \
	do {                                                                \
		long long a_ = (long long)(a), b_ = (long long)(b);         \
		if (a_ != b_)                                               \
			unit_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", \
				  #a, a_, #b, b_);                          \
	} while (0)

#endif
