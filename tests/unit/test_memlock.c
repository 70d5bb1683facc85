// SPDX-License-Identifier: GPL-2.0
/*
 * The memlock knobs and counters (src/uapi/memlock.h) do what the
 * accounting scenarios (IOAS-18..23) rely on, shown with mlock(), which
 * obeys the same CAP_IPC_LOCK and RLIMIT_MEMLOCK and is charged to VmLck:
 * without the capability and with limit 0 nothing can be locked; with the
 * capability back the limit is bypassed and VmLck grows by the page.
 * In a child, so the test process keeps its own capabilities and limits.
 * mlock() by its system call: ASan intercepts the libc call and makes it
 * a successful no-op.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/uapi/iommufd.h"
#include "../../src/uapi/memlock.h"
#include "unit.h"

/* 0 when every step behaved, else the number of the step that did not. */
static int knobs_bite(void)
{
	const size_t p = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t pin, before, after;
	void *page = mmap(NULL, p, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED)
		return 1;
	if (memlock_set(false, 0))
		return 2;
	if (!syscall(SYS_mlock, page, p))
		return 3; /* locked with neither the capability nor room */
	if (memlock_set(true, 0) || memlock_counters(&pin, &before))
		return 4;
	if (syscall(SYS_mlock, page, p))
		return 5; /* CAP_IPC_LOCK did not bypass the limit */
	if (memlock_counters(&pin, &after) || after - before != p)
		return 6;
	if (syscall(SYS_munlock, page, p) || memlock_set(true, MEMLOCK_UNLIMITED))
		return 7;
	return 0;
}

UNIT_TEST(uapi_memlock_knobs_bite)
{
	uint64_t pin = 1, lck = 1;
	int st = 0;
	pid_t pid;

	EXPECT_EQ(memlock_counters(&pin, &lck), 0);
	if (geteuid() != 0) {
		unit_skip("needs root (CAP_IPC_LOCK in the permitted set)");
		return;
	}
	pid = fork();
	EXPECT(pid >= 0);
	if (pid == 0)
		_exit(knobs_bite());
	EXPECT_EQ(waitpid(pid, &st, 0), pid);
	EXPECT(WIFEXITED(st));
	EXPECT_EQ(WEXITSTATUS(st), 0);
}

/* The hand-off's child answers with the kernel's errno, and nothing is
 * taken back after a refusal (CHANGE_PROCESS on a non-iommufd fd). */
UNIT_TEST(uapi_change_process_handoff_refused)
{
	int64_t to_child = 5, from_parent = 5;
	int fd = open("/dev/null", O_RDWR), back = 5;

	EXPECT(fd >= 0);
	EXPECT_EQ(ufd_ioas_change_process_handoff(fd, UINT64_MAX, &to_child,
						  &from_parent, &back),
		  -ENOTTY);
	EXPECT_EQ(to_child, 0);
	EXPECT_EQ(from_parent, 0);
	EXPECT_EQ(back, 0);
	close(fd);
}
