// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <sys/types.h>

#include "lines.h"

int line_each(FILE *f, line_fn *fn, void *arg)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t got;
	unsigned lineno = 0;
	int rc = 0;

	while (!rc && (got = getline(&buf, &cap, f)) >= 0) {
		size_t n = (size_t)got;

		if (n && buf[n - 1] == '\n')
			buf[--n] = '\0';
		rc = fn(arg, buf, n, ++lineno);
	}
	free(buf);
	return rc;
}
