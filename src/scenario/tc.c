// SPDX-License-Identifier: GPL-2.0
/*
 * Recording side of a case. The child writes one line per event to c->out,
 * which the runner reads:
 *   L <text>         log / evidence
 *   P <INV>          a check (an assertion) of INV passed
 *   A <INV>          an arrange step of INV succeeded (proves nothing)
 *   F <INV> <text>   a check of INV failed
 *   S <text>         the case skipped
 *   G <INV> <text>   an allowed difference of INV was observed
 *   N <INV> <text>   INV is not observable here (why)
 *   I <INV> <text>   an observation of INV without its positive control
 * and exits 0 (done: the F lines decide) or TC_EXIT_SKIP. Anything else
 * (signal, other exit code, timeout) is a crash of the case.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "tc_protocol.h"

static void put_line(struct tc *c, char tag, const char *inv, const char *fmt,
		     va_list ap)
{
	char text[1024];

	vsnprintf(text, sizeof(text), fmt, ap);
	/* One event per line: fold newlines the message may carry. */
	for (char *p = text; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if (inv)
		fprintf(c->out, "%c %s %s\n", tag, inv, text);
	else
		fprintf(c->out, "%c %s\n", tag, text);
	fflush(c->out);
}

void tc_log(struct tc *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_line(c, 'L', NULL, fmt, ap);
	va_end(ap);
}

bool tc_check(struct tc *c, const char *inv, bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		fprintf(c->out, "P %s\n", inv);
		fflush(c->out);
		return true;
	}
	c->nfail++;
	va_start(ap, fmt);
	put_line(c, 'F', inv, fmt, ap);
	va_end(ap);
	return false;
}

#define TC_VERDICT(fn, tag, counts_as_failure)                              \
	void fn(struct tc *c, const char *inv, const char *fmt, ...)        \
	{                                                                   \
		va_list ap;                                                 \
                                                                            \
		c->nfail += (counts_as_failure);                            \
		va_start(ap, fmt);                                          \
		put_line(c, tag, inv, fmt, ap);                             \
		va_end(ap);                                                 \
	}
TC_VERDICT(tc_gap, TC_TAG_GAP, 0)
TC_VERDICT(tc_not_observable, TC_TAG_NOBS, 0)
TC_VERDICT(tc_inconclusive, TC_TAG_INCONCLUSIVE, 1)

_Noreturn void tc_skip(struct tc *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_line(c, 'S', NULL, fmt, ap);
	va_end(ap);
	exit(TC_EXIT_SKIP);
}

_Noreturn void tc_end(struct tc *c)
{
	fflush(c->out);
	exit(TC_EXIT_DONE);
}

const char *errno_name(int err)
{
	static __thread char buf[24];

	if (err < 0)
		err = -err;
	switch (err) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case ENOMEM: return "ENOMEM";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case ENOSYS: return "ENOSYS";
	case EOVERFLOW: return "EOVERFLOW";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EADDRINUSE: return "EADDRINUSE";
	case EMSGSIZE: return "EMSGSIZE";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ENXIO: return "ENXIO";
	case EAGAIN: return "EAGAIN";
	case EACCES: return "EACCES";
	case T_UNSUPPORTED: return "T_UNSUPPORTED";
	}
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

bool tc_check_ret(struct tc *c, const char *inv, const char *expr, int ret,
		  const int *want, unsigned nwant)
{
	char allowed[160] = "";
	size_t used = 0;

	for (unsigned i = 0; i < nwant; i++) {
		if (-ret == want[i] || (ret == 0 && want[i] == 0))
			return tc_check(c, inv, true, "%s", expr);
		used += snprintf(allowed + used, sizeof(allowed) - used, "%s%s",
				 i ? "|" : "", errno_name(want[i]));
		if (used >= sizeof(allowed))
			used = sizeof(allowed) - 1;
	}
	return tc_check(c, inv, false, "%s returned %s, contract allows %s",
			expr, ret ? errno_name(ret) : "0 (success)", allowed);
}

bool tc_arrange_ret(struct tc *c, const char *inv, const char *expr, int ret)
{
	if (!ret) {
		fprintf(c->out, "%c %s\n", TC_TAG_ARRANGE, inv);
		fflush(c->out);
		return true;
	}
	return tc_check(c, inv, false, "set-up step %s returned %s, contract says it succeeds",
			expr, errno_name(ret));
}
