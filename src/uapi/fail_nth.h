/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's fail-nth fault injection (Documentation/fault-injection),
 * set up as the kernel's own iommufd_fail_nth selftest does: every slab and
 * page allocation may be failed (by default failslab and fail_page_alloc
 * skip GFP_KERNEL, i.e. nearly everything iommufd and the drivers
 * allocate), and the log stays quiet.
 */
#ifndef IC_UAPI_FAIL_NTH_H
#define IC_UAPI_FAIL_NTH_H

#include <stdbool.h>

/* Set the knobs (best effort: debugfs may be absent) and open the calling
 * thread's fail-nth file. need_attr: the debugfs attribute directory that
 * must exist (e.g. "fail_iommufd"), or NULL. Returns the fd or -1. */
int fail_nth_open(const char *need_attr);

#endif
