/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What iommufd charges for the pages it pins, as the calling process sees
 * it, and the two knobs that decide whether it may: CAP_IPC_LOCK (a
 * holder's pages are not charged, pages.c:iopt_alloc_pages) and
 * RLIMIT_MEMLOCK (pages.c:incr_user_locked_vm, mm/util.c:
 * __account_locked_vm).
 */
#ifndef IC_UAPI_MEMLOCK_H
#define IC_UAPI_MEMLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* MEMLOCK_UNLIMITED as a limit: the hard limit the process started with. */
#define MEMLOCK_UNLIMITED UINT64_MAX

/* From /proc/self/status, in bytes: VmPin (mm->pinned_vm: every page
 * iommufd pins, whatever it charges) and VmLck (mm->locked_vm: what the
 * process-wide RLIMIT_MODE 1 charges). 0 or -errno. */
int memlock_counters(uint64_t *pinned, uint64_t *locked);

/* CAP_IPC_LOCK in (cap_ipc_lock) or out of the effective set (it stays
 * permitted, so it can come back), and RLIMIT_MEMLOCK's soft limit to
 * limit bytes. 0 or -errno. */
int memlock_set(bool cap_ipc_lock, uint64_t limit);

#endif
