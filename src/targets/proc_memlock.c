// SPDX-License-Identifier: GPL-2.0
/*
 * pin_counters / memlock_set for the targets that judge the kernel from
 * this very process (mock, kernel): the pins iommufd makes for it are
 * charged to it, so its own /proc/self/status, capabilities and
 * RLIMIT_MEMLOCK are the ones that count.
 */
#include "../uapi/memlock.h"
#include "target.h"

int t_proc_pin_counters(struct target *t, uint64_t *pinned, uint64_t *locked)
{
	return memlock_counters(pinned, locked);
}

int t_proc_memlock_set(struct target *t, bool cap_ipc_lock, uint64_t limit)
{
	return memlock_set(cap_ipc_lock, limit == T_MEMLOCK_UNLIMITED
						 ? MEMLOCK_UNLIMITED
						 : limit);
}
