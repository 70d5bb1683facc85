/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocation that cannot fail: the runner and the KTAP reader have no way
 * on without the memory, so they end the program ("error: out of memory",
 * exit 2) instead of checking every call.
 */
#ifndef IC_BASE_XALLOC_H
#define IC_BASE_XALLOC_H

#include <stddef.h>

/* realloc(p, n), a zero n taken as 1. */
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* The n bytes at s (no NUL among them), terminated. */
char *xstrndup(const char *s, size_t n);

#endif
