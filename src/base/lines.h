/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Line-at-a-time reading for the parsers of files that come from elsewhere
 * (replay files, vm/configs.cfg): no length limit, each line's length known
 * (so a NUL byte inside a line is seen, not taken as its end), and the line
 * number counted for messages.
 */
#ifndef IC_BASE_LINES_H
#define IC_BASE_LINES_H

#include <stddef.h>
#include <stdio.h>

/* One line without its '\n' (writable), its length with any NUL bytes, and
 * its number from 1. Non-zero stops the reading. */
typedef int line_fn(void *arg, char *line, size_t len, unsigned lineno);

/* Calls fn on each line of f in turn; returns fn's first non-zero, else 0
 * (ferror(f) tells a read error from the end of the file). */
int line_each(FILE *f, line_fn *fn, void *arg);

#endif
