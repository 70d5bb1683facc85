// SPDX-License-Identifier: GPL-2.0
/*
 * Standalone reproducer for finding F5 (docs/findings.md):
 * IOMMU_HWPT_GET_DIRTY_BITMAP into a bitmap the kernel cannot write returns
 * 0 and clears the IOPTE dirty bits it never reported.
 *
 *   f5-dirty-unwritable-bitmap
 *
 * Runs on the iommufd selftest mock driver (CONFIG_IOMMUFD_TEST): the mock
 * device and the mock domain's record of a device write come from
 * IOMMU_TEST_CMD (iommufd_test.h of the kernel source, which the build
 * takes from IOMMUFD_TEST_INC). Everything else is the uAPI of
 * linux/iommufd.h. The bug itself is in the iommufd core
 * (iommu_read_and_clear_dirty(), iova_bitmap_set()), so a real driver with
 * dirty tracking behaves the same.
 *
 * Steps: IOAS with 8 pages mapped, a mock device on it, a paging HWPT with
 * IOMMU_HWPT_ALLOC_DIRTY_TRACKING, the device replaced onto it, dirty
 * tracking on; the mock marks page 2 written (IOMMU_TEST_OP_DIRTY). Then:
 *   1. GET_DIRTY_BITMAP with NO_CLEAR into a good bitmap: page 2 (control;
 *      a larger IOPTE around it shows its neighbours too)
 *   2. GET_DIRTY_BITMAP, flags 0, data = NULL: must fail (EFAULT) and clear
 *      nothing (the contract's DIRTY-4)
 *   3. GET_DIRTY_BITMAP with NO_CLEAR into a good bitmap: the bits of 1.
 * Exit: 0 as the contract says, 1 the bug showed, 2 set-up error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <iommufd_test.h>

#define NPAGES 8
#define DIRTY_PAGE 2

static int iommufd = -1;

static void die(const char *what)
{
	printf("f5: setup: %s: %s\n", what, strerror(errno));
	printf("f5: VERDICT: INCONCLUSIVE (set-up failed)\n");
	exit(2);
}

static int test_cmd(struct iommu_test_cmd *cmd, uint32_t op, uint32_t id)
{
	cmd->size = sizeof(*cmd);
	cmd->op = op;
	cmd->id = id;
	return ioctl(iommufd, IOMMU_TEST_CMD, cmd) ? -errno : 0;
}

/* -errno of GET_DIRTY_BITMAP over the NPAGES pages at iova into data. */
static int get_dirty(uint32_t hwpt, uint64_t iova, long pg, uint32_t flags,
		     uint64_t *data)
{
	struct iommu_hwpt_get_dirty_bitmap cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt,
		.flags = flags,
		.iova = iova,
		.length = NPAGES * pg,
		.page_size = pg,
		.data = (uintptr_t)data,
	};

	return ioctl(iommufd, IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd) ? -errno : 0;
}

int main(void)
{
	struct iommu_ioas_alloc ioas_cmd = { .size = sizeof(ioas_cmd) };
	struct iommu_hwpt_alloc hwpt_cmd = { .size = sizeof(hwpt_cmd) };
	struct iommu_hwpt_set_dirty_tracking track = { .size = sizeof(track) };
	struct iommu_test_cmd cmd = { 0 };
	uint64_t iova = MOCK_APERTURE_START, mark = 1ull << DIRTY_PAGE;
	uint64_t control = 0, after = 0;
	long pg = sysconf(_SC_PAGESIZE);
	uint32_t ioas, stdev, idev, hwpt;
	int ret, bug = 0;
	void *buf;

	setvbuf(stdout, NULL, _IOLBF, 0);
	iommufd = open("/dev/iommu", O_RDWR);
	if (iommufd < 0)
		die("open /dev/iommu");
	if (ioctl(iommufd, IOMMU_IOAS_ALLOC, &ioas_cmd))
		die("IOMMU_IOAS_ALLOC");
	ioas = ioas_cmd.out_ioas_id;

	buf = mmap(NULL, NPAGES * pg, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED)
		die("mmap");
	{
		struct iommu_ioas_map map = {
			.size = sizeof(map),
			.flags = IOMMU_IOAS_MAP_FIXED_IOVA |
				 IOMMU_IOAS_MAP_READABLE |
				 IOMMU_IOAS_MAP_WRITEABLE,
			.ioas_id = ioas,
			.user_va = (uintptr_t)buf,
			.length = NPAGES * pg,
			.iova = iova,
		};

		if (ioctl(iommufd, IOMMU_IOAS_MAP, &map))
			die("IOMMU_IOAS_MAP");
	}

	/* A mock device attached to the IOAS (through an automatic domain). */
	ret = test_cmd(&cmd, IOMMU_TEST_OP_MOCK_DOMAIN, ioas);
	if (ret) {
		errno = -ret;
		die("IOMMU_TEST_OP_MOCK_DOMAIN (CONFIG_IOMMUFD_TEST?)");
	}
	stdev = cmd.mock_domain.out_stdev_id;
	idev = cmd.mock_domain.out_idev_id;

	hwpt_cmd.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	hwpt_cmd.dev_id = idev;
	hwpt_cmd.pt_id = ioas;
	if (ioctl(iommufd, IOMMU_HWPT_ALLOC, &hwpt_cmd))
		die("IOMMU_HWPT_ALLOC(DIRTY_TRACKING)");
	hwpt = hwpt_cmd.out_hwpt_id;
	memset(&cmd, 0, sizeof(cmd));
	cmd.mock_domain_replace.pt_id = hwpt;
	ret = test_cmd(&cmd, IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, stdev);
	if (ret) {
		errno = -ret;
		die("IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE");
	}
	track.flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
	track.hwpt_id = hwpt;
	if (ioctl(iommufd, IOMMU_HWPT_SET_DIRTY_TRACKING, &track))
		die("IOMMU_HWPT_SET_DIRTY_TRACKING");

	/* The device writes page DIRTY_PAGE: the mock sets its dirty bit. */
	memset(&cmd, 0, sizeof(cmd));
	cmd.dirty.iova = iova;
	cmd.dirty.length = NPAGES * pg;
	cmd.dirty.page_size = pg;
	cmd.dirty.uptr = (uintptr_t)&mark;
	ret = test_cmd(&cmd, IOMMU_TEST_OP_DIRTY, hwpt);
	if (ret) {
		errno = -ret;
		die("IOMMU_TEST_OP_DIRTY");
	}
	printf("f5: IOAS %u, mock device %u, dirty-tracking HWPT %u; %llu page(s) marked written (page %d of %d at 0x%llx)\n",
	       ioas, idev, hwpt, (unsigned long long)cmd.dirty.out_nr_dirty,
	       DIRTY_PAGE, NPAGES, (unsigned long long)iova);

	ret = get_dirty(hwpt, iova, pg, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
			&control);
	/* The driver reports whole IOPTEs: a larger page around page 2
	 * shows its neighbours too. What counts is that the bits stay. */
	printf("f5: 1. NO_CLEAR read into a good bitmap: %s, bitmap 0x%llx (must include 0x%llx)\n",
	       ret ? strerror(-ret) : "0", (unsigned long long)control,
	       (unsigned long long)mark);
	if (ret || !(control & mark)) {
		printf("f5: VERDICT: INCONCLUSIVE (the control read did not show page %d)\n",
		       DIRTY_PAGE);
		return 2;
	}

	ret = get_dirty(hwpt, iova, pg, 0, NULL);
	printf("f5: 2. read into data = NULL, flags 0: %s (the contract requires EFAULT)\n",
	       ret ? strerror(-ret) : "returned 0 (success)");
	if (ret != -EFAULT)
		bug = 1;

	ret = get_dirty(hwpt, iova, pg, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
			&after);
	printf("f5: 3. NO_CLEAR read into a good bitmap: %s, bitmap 0x%llx (expected 0x%llx, as in 1.)\n",
	       ret ? strerror(-ret) : "0", (unsigned long long)after,
	       (unsigned long long)control);
	if (ret)
		die("GET_DIRTY_BITMAP after the unwritable one");
	if (after != control) {
		printf("f5: dirty bits 0x%llx were cleared without being reported\n",
		       (unsigned long long)(control & ~after));
		bug = 1;
	}
	if (bug) {
		printf("f5: VERDICT: BUG: GET_DIRTY_BITMAP into an unwritable bitmap %s\n",
		       after != control ? "lost the dirty bits" :
					  "did not fail EFAULT");
		return 1;
	}
	printf("f5: VERDICT: OK: the unwritable bitmap was refused (EFAULT) and the dirty bit kept\n");
	return 0;
}
