// SPDX-License-Identifier: GPL-2.0
/* fail-nth set-up (see fail_nth.h). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fail_nth.h"

int fail_nth_open(const char *need_attr)
{
	static const char *const knobs[][2] = {
		{ "failslab/ignore-gfp-wait", "N" },
		{ "fail_page_alloc/ignore-gfp-wait", "N" },
		{ "fail_page_alloc/ignore-gfp-highmem", "N" },
		{ "failslab/verbose", "0" },
		{ "fail_page_alloc/verbose", "0" },
		{ "fail_iommufd/verbose", "0" },
	};
	char path[128];

	if (need_attr) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/%s", need_attr);
		if (access(path, F_OK))
			return -1;
	}
	for (unsigned i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		int fd;

		snprintf(path, sizeof(path), "/sys/kernel/debug/%s",
			 knobs[i][0]);
		fd = open(path, O_WRONLY);
		if (fd < 0)
			continue;
		if (write(fd, knobs[i][1], strlen(knobs[i][1])) < 0) {
			/* best effort: a knob this kernel lacks */
		}
		close(fd);
	}
	/* The calling thread's: fail-nth counts that task's injection sites. */
	return open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
}
