// SPDX-License-Identifier: GPL-2.0
/* Pinned-page counters and the memlock knobs (see memlock.h). */
#include <errno.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "memlock.h"

int memlock_counters(uint64_t *pinned, uint64_t *locked)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned seen = 0;
	uint64_t kb;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VmPin: %" SCNu64, &kb) == 1) {
			*pinned = kb * 1024;
			seen |= 1;
		} else if (sscanf(line, "VmLck: %" SCNu64, &kb) == 1) {
			*locked = kb * 1024;
			seen |= 2;
		}
	}
	fclose(f);
	return seen == 3 ? 0 : -ENOENT;
}

static int set_cap_ipc_lock(bool on)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	const unsigned word = CAP_IPC_LOCK / 32;
	const uint32_t bit = 1u << (CAP_IPC_LOCK % 32);

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	if (on && !(data[word].permitted & bit))
		return -EPERM;
	if (on)
		data[word].effective |= bit;
	else
		data[word].effective &= ~bit;
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

int memlock_set(bool cap_ipc_lock, uint64_t limit)
{
	struct rlimit r;
	int ret = set_cap_ipc_lock(cap_ipc_lock);

	if (ret)
		return ret;
	if (getrlimit(RLIMIT_MEMLOCK, &r))
		return -errno;
	r.rlim_cur = limit == MEMLOCK_UNLIMITED || limit > r.rlim_max
			     ? r.rlim_max
			     : (rlim_t)limit;
	if (setrlimit(RLIMIT_MEMLOCK, &r))
		return -errno;
	return 0;
}
