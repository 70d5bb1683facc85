// SPDX-License-Identifier: GPL-2.0
/*
 * The uapi wrappers hand back the kernel's errno untouched and write no
 * output on failure (except where the kernel itself reports on failure).
 * Exercised against file descriptors that are not /dev/iommu or a VFIO
 * device, so they run on any host.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/targets/target.h"
#include "../../src/uapi/iommufd.h"
#include "../../src/uapi/vfio_cdev.h"
#include "unit.h"

UNIT_TEST(uapi_iommufd_errno_passthrough)
{
	int fd = open("/dev/null", O_RDWR);
	uint32_t id = 0x1234, num = 7;
	uint64_t iova = 0x5000, unmapped = 99, align = 3;
	struct iommu_iova_range r[2];

	EXPECT(fd >= 0);
	EXPECT_EQ(ufd_destroy(fd, 1), -ENOTTY);
	EXPECT_EQ(ufd_ioas_alloc(fd, &id), -ENOTTY);
	EXPECT_EQ(id, 0x1234);
	EXPECT_EQ(ufd_ioas_map(fd, 1, 0, &id, 4096, &iova), -ENOTTY);
	EXPECT_EQ(iova, 0x5000);
	EXPECT_EQ(ufd_ioas_unmap(fd, 1, 0, 4096, &unmapped), -ENOTTY);
	EXPECT_EQ(unmapped, 99);
	EXPECT_EQ(ufd_ioas_iova_ranges(fd, 1, r, &num, &align), -ENOTTY);
	EXPECT_EQ(num, 7);
	EXPECT_EQ(align, 3);
	EXPECT_EQ(ufd_hwpt_alloc(fd, 0, 1, 2, 0, NULL, 0, 0, &id), -ENOTTY);
	EXPECT_EQ(ufd_get_hw_info(fd, 1, 0, 0, NULL, NULL, NULL), -ENOTTY);
	EXPECT_EQ(ufd_hwpt_set_dirty_tracking(fd, 1, true), -ENOTTY);
	EXPECT_EQ(ufd_option(fd, IOMMU_OPTION_HUGE_PAGES,
			     IOMMU_OPTION_OP_GET, 1, &iova),
		  -ENOTTY);
	EXPECT_EQ(ufd_raw(fd, IOMMU_IOAS_ALLOC, &id), -ENOTTY);
	close(fd);
	EXPECT_EQ(ufd_destroy(-1, 1), -EBADF);
	EXPECT_EQ(ufd_ioas_copy(-1, 1, 2, 0, 0, 4096, &iova), -EBADF);
}

UNIT_TEST(uapi_vfio_errno_passthrough)
{
	int fd = open("/dev/null", O_RDWR);
	uint32_t pt = 42, devid = 5;
	struct vfio_region_info ri;

	EXPECT(fd >= 0);
	EXPECT_EQ(vfio_bind_iommufd(fd, fd, &devid), -ENOTTY);
	EXPECT_EQ(devid, 5);
	EXPECT_EQ(vfio_attach_pt(fd, &pt), -ENOTTY);
	EXPECT_EQ(pt, 42);
	EXPECT_EQ(vfio_attach_pasid_pt(fd, 1, &pt), -ENOTTY);
	EXPECT_EQ(vfio_detach_pt(fd), -ENOTTY);
	EXPECT_EQ(vfio_detach_pasid_pt(fd, 1), -ENOTTY);
	EXPECT_EQ(vfio_device_get_region_info(fd, 0, &ri), -ENOTTY);
	EXPECT_EQ(vfio_device_reset(fd), -ENOTTY);
	/* The raw forms and the hot reset ones: errno untouched, outputs
	 * unwritten; an argsz past their buffer is refused before any
	 * ioctl. */
	EXPECT_EQ(vfio_attach_pt_raw(fd, 32, 1u << 1, 0, &pt), -ENOTTY);
	EXPECT_EQ(pt, 42);
	EXPECT_EQ(vfio_attach_pt_raw(fd, 65, 0, 0, &pt), -E2BIG);
	EXPECT_EQ(vfio_detach_pt_raw(fd, 28, 1, 7), -ENOTTY);
	EXPECT_EQ(vfio_detach_pt_raw(fd, 65, 0, 0), -E2BIG);
	{
		struct vfio_pci_dependent_device devs[2];
		uint32_t flags = 9, n = 2;

		EXPECT_EQ(vfio_pci_hot_reset_info(fd, &flags, devs, &n),
			  -ENOTTY);
		EXPECT_EQ(flags, 9);
		EXPECT_EQ(n, 2);
		EXPECT_EQ(vfio_pci_hot_reset(fd, 0, 0), -ENOTTY);
	}
	close(fd);
	EXPECT_EQ(vfio_cdev_open("/nonexistent/vfio0"), -ENOENT);
}

UNIT_TEST(uapi_region_io_short_is_eio)
{
	char path[] = "/tmp/ic-uapi-XXXXXX", buf[16];
	int fd = mkstemp(path);

	EXPECT(fd >= 0);
	if (fd < 0)
		return;
	unlink(path);
	EXPECT_EQ(vfio_region_write(fd, 0x100, 4, "abcd", 4), 0);
	EXPECT_EQ(vfio_region_read(fd, 0x100, 4, buf, 4), 0);
	EXPECT(!memcmp(buf, "abcd", 4));
	EXPECT_EQ(vfio_region_read(fd, 0x100, 4, buf, 8), -EIO);
	close(fd);
	EXPECT_EQ(vfio_region_read(fd, 0, 0, buf, 4), -EBADF);
}

UNIT_TEST(uapi_range_layout)
{
	/* The kernel target hands struct iova_range arrays to the kernel. */
	EXPECT_EQ(sizeof(struct iova_range), sizeof(struct iommu_iova_range));
	EXPECT_EQ(offsetof(struct iova_range, last),
		  offsetof(struct iommu_iova_range, last));
}
