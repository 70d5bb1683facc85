// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_TEST_CMD wrappers (see mock_cmd.h). iommufd_test.h is included from
 * the kernel source tree named by IOMMUFD_TEST_INC at build time.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>

#include "../base/vocab.h"
#include "mock_cmd.h"

#ifdef HAVE_IOMMUFD_TEST_H
#include <iommufd_test.h>

_Static_assert(MOCK_DEV_NO_DIRTY == MOCK_FLAGS_DEVICE_NO_DIRTY, "flags");
_Static_assert(MOCK_DEV_PASID == MOCK_FLAGS_DEVICE_PASID, "flags");
_Static_assert(MOCK_HW_INFO_TYPE == IOMMU_HW_INFO_TYPE_SELFTEST, "type");
_Static_assert(MOCK_HW_INFO_LEN == sizeof(struct iommu_test_hw_info), "len");
_Static_assert(MOCK_IOVA_START == MOCK_APERTURE_START, "aperture");
_Static_assert(MOCK_IOVA_LAST == MOCK_APERTURE_LAST, "aperture");
_Static_assert(MOCK_IOTLB_DEFAULT == IOMMU_TEST_IOTLB_DEFAULT, "iotlb");
_Static_assert(MOCK_DEV_CACHE_DEFAULT == IOMMU_TEST_DEV_CACHE_DEFAULT,
	       "dev cache");

bool mock_cmd_available(void)
{
	return true;
}

static int test_cmd(int fd, struct iommu_test_cmd *cmd, uint32_t op,
		    uint32_t id)
{
	cmd->size = sizeof(*cmd);
	cmd->op = op;
	cmd->id = id;
	return ioctl(fd, IOMMU_TEST_CMD, cmd) ? -errno : 0;
}

int mock_cmd_domain(int fd, uint32_t pt_id, uint32_t dev_flags,
		    uint32_t *stdev_id, uint32_t *hwpt_id, uint32_t *idev_id)
{
	struct iommu_test_cmd cmd = {
		.mock_domain_flags = { .dev_flags = dev_flags },
	};
	int ret = test_cmd(fd, &cmd, IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS, pt_id);

	if (ret)
		return ret;
	if (stdev_id)
		*stdev_id = cmd.mock_domain_flags.out_stdev_id;
	if (hwpt_id)
		*hwpt_id = cmd.mock_domain_flags.out_hwpt_id;
	if (idev_id)
		*idev_id = cmd.mock_domain_flags.out_idev_id;
	return 0;
}

int mock_cmd_domain_replace(int fd, uint32_t stdev_id, uint32_t *pt_id)
{
	struct iommu_test_cmd cmd = {
		.mock_domain_replace = { .pt_id = *pt_id },
	};
	int ret = test_cmd(fd, &cmd, IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
			   stdev_id);

	if (!ret)
		*pt_id = cmd.mock_domain_replace.pt_id;
	return ret;
}

int mock_cmd_check_map(int fd, uint32_t hwpt_id, uint64_t iova, uint64_t len,
		       const void *uptr)
{
	struct iommu_test_cmd cmd = {
		.check_map = { .iova = iova, .length = len,
			       .uptr = (uintptr_t)uptr },
	};

	return test_cmd(fd, &cmd, IOMMU_TEST_OP_MD_CHECK_MAP, hwpt_id);
}

int mock_cmd_check_refs(int fd, const void *uptr, uint64_t len, uint32_t refs)
{
	struct iommu_test_cmd cmd = {
		.check_refs = { .length = len, .uptr = (uintptr_t)uptr,
				.refs = refs },
	};

	return test_cmd(fd, &cmd, IOMMU_TEST_OP_MD_CHECK_REFS, 0);
}

int mock_cmd_add_reserved(int fd, uint32_t ioas_id, uint64_t start,
			  uint64_t len)
{
	struct iommu_test_cmd cmd = {
		.add_reserved = { .start = start, .length = len },
	};

	return test_cmd(fd, &cmd, IOMMU_TEST_OP_ADD_RESERVED, ioas_id);
}

int mock_cmd_dirty(int fd, uint32_t hwpt_id, uint64_t iova, uint64_t len,
		   uint64_t page_size, const uint64_t *bitmap,
		   uint64_t *nr_dirty)
{
	struct iommu_test_cmd cmd = {
		.dirty = { .iova = iova, .length = len, .page_size = page_size,
			   .uptr = (uintptr_t)bitmap },
	};
	int ret = test_cmd(fd, &cmd, IOMMU_TEST_OP_DIRTY, hwpt_id);

	if (!ret && nr_dirty)
		*nr_dirty = cmd.dirty.out_nr_dirty;
	return ret;
}

/*
 * PASID_ATTACH and PASID_REPLACE take the same { pasid, pt_id } payload and
 * return the attached pt_id in it; one body serves both ops.
 */
#define SAME_OFFSET(f)                                      \
	(offsetof(struct iommu_test_cmd, pasid_attach.f) == \
	 offsetof(struct iommu_test_cmd, pasid_replace.f))
_Static_assert(SAME_OFFSET(pasid) && SAME_OFFSET(pt_id), "pasid payloads");
#undef SAME_OFFSET

static int pasid_set(int fd, uint32_t op, uint32_t stdev_id, uint32_t pasid,
		     uint32_t *pt_id)
{
	struct iommu_test_cmd cmd = {
		.pasid_attach = { .pasid = pasid, .pt_id = *pt_id },
	};
	int ret = test_cmd(fd, &cmd, op, stdev_id);

	if (!ret)
		*pt_id = cmd.pasid_attach.pt_id;
	return ret;
}

int mock_cmd_pasid_attach(int fd, uint32_t stdev_id, uint32_t pasid,
			  uint32_t *pt_id)
{
	return pasid_set(fd, IOMMU_TEST_OP_PASID_ATTACH, stdev_id, pasid,
			 pt_id);
}

int mock_cmd_pasid_replace(int fd, uint32_t stdev_id, uint32_t pasid,
			   uint32_t *pt_id)
{
	return pasid_set(fd, IOMMU_TEST_OP_PASID_REPLACE, stdev_id, pasid,
			 pt_id);
}

int mock_cmd_pasid_detach(int fd, uint32_t stdev_id, uint32_t pasid)
{
	struct iommu_test_cmd cmd = {
		.pasid_detach = { .pasid = pasid },
	};

	return test_cmd(fd, &cmd, IOMMU_TEST_OP_PASID_DETACH, stdev_id);
}

int mock_cmd_pasid_check_hwpt(int fd, uint32_t stdev_id, uint32_t pasid,
			      uint32_t hwpt_id)
{
	struct iommu_test_cmd cmd = {
		.pasid_check = { .pasid = pasid, .hwpt_id = hwpt_id },
	};

	return test_cmd(fd, &cmd, IOMMU_TEST_OP_PASID_CHECK_HWPT, stdev_id);
}

int mock_cmd_trigger_iopf(int fd, uint32_t idev_id, uint32_t pasid,
			  uint32_t grpid, uint32_t perm, uint64_t addr)
{
	struct iommu_test_cmd cmd = {
		.trigger_iopf = { .dev_id = idev_id, .pasid = pasid,
				  .grpid = grpid, .perm = perm, .addr = addr },
	};

	return test_cmd(fd, &cmd, IOMMU_TEST_OP_TRIGGER_IOPF, 0);
}

int mock_cmd_trigger_vevent(int fd, uint32_t idev_id)
{
	struct iommu_test_cmd cmd = {
		.trigger_vevent = { .dev_id = idev_id },
	};

	return test_cmd(fd, &cmd, IOMMU_TEST_OP_TRIGGER_VEVENT, 0);
}

int mock_cmd_check_iotlb(int fd, uint32_t hwpt_id, uint32_t iotlb_id,
			 uint32_t value)
{
	struct iommu_test_cmd cmd = {
		.check_iotlb = { .id = iotlb_id, .iotlb = value },
	};

	return test_cmd(fd, &cmd, IOMMU_TEST_OP_MD_CHECK_IOTLB, hwpt_id);
}

int mock_cmd_check_dev_cache(int fd, uint32_t idev_id, uint32_t cache_id,
			     uint32_t value)
{
	struct iommu_test_cmd cmd = {
		.check_dev_cache = { .id = cache_id, .cache = value },
	};

	return test_cmd(fd, &cmd, IOMMU_TEST_OP_DEV_CHECK_CACHE, idev_id);
}

int mock_cmd_create_access(int fd, uint32_t ioas_id, int *access_fd)
{
	struct iommu_test_cmd cmd = {
		.create_access = {
			.flags = MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES },
	};
	int ret = test_cmd(fd, &cmd, IOMMU_TEST_OP_CREATE_ACCESS, ioas_id);

	if (!ret)
		*access_fd = (int)cmd.create_access.out_access_fd;
	return ret;
}

int mock_cmd_access_pages(int fd, int access_fd, uint64_t iova, uint64_t len,
			  const void *uptr, uint32_t *item)
{
	struct iommu_test_cmd cmd = {
		.access_pages = { .iova = iova, .length = len,
				  .uptr = (uintptr_t)uptr },
	};
	int ret = test_cmd(fd, &cmd, IOMMU_TEST_OP_ACCESS_PAGES,
			   (uint32_t)access_fd);

	if (!ret)
		*item = cmd.access_pages.out_access_pages_id;
	return ret;
}

int mock_cmd_destroy_access_pages(int fd, int access_fd, uint32_t item)
{
	struct iommu_test_cmd cmd = {
		.destroy_access_pages = { .access_pages_id = item },
	};

	return test_cmd(fd, &cmd, IOMMU_TEST_OP_DESTROY_ACCESS_PAGES,
			(uint32_t)access_fd);
}

#else /* !HAVE_IOMMUFD_TEST_H */

bool mock_cmd_available(void)
{
	return false;
}

int mock_cmd_domain(int fd, uint32_t pt_id, uint32_t dev_flags,
		    uint32_t *stdev_id, uint32_t *hwpt_id, uint32_t *idev_id)
{
	return -T_UNSUPPORTED;
}

int mock_cmd_domain_replace(int fd, uint32_t stdev_id, uint32_t *pt_id)
{
	return -T_UNSUPPORTED;
}

int mock_cmd_check_map(int fd, uint32_t hwpt_id, uint64_t iova, uint64_t len,
		       const void *uptr)
{
	return -T_UNSUPPORTED;
}

int mock_cmd_check_refs(int fd, const void *uptr, uint64_t len, uint32_t refs)
{
	return -T_UNSUPPORTED;
}

int mock_cmd_add_reserved(int fd, uint32_t ioas_id, uint64_t start,
			  uint64_t len)
{
	return -T_UNSUPPORTED;
}

int mock_cmd_dirty(int fd, uint32_t hwpt_id, uint64_t iova, uint64_t len,
		   uint64_t page_size, const uint64_t *bitmap,
		   uint64_t *nr_dirty)
{
	return -T_UNSUPPORTED;
}

int mock_cmd_pasid_attach(int fd, uint32_t stdev_id, uint32_t pasid,
			  uint32_t *pt_id)
{
	return -T_UNSUPPORTED;
}

int mock_cmd_pasid_replace(int fd, uint32_t stdev_id, uint32_t pasid,
			   uint32_t *pt_id)
{
	return -T_UNSUPPORTED;
}

int mock_cmd_pasid_detach(int fd, uint32_t stdev_id, uint32_t pasid)
{
	return -T_UNSUPPORTED;
}

int mock_cmd_pasid_check_hwpt(int fd, uint32_t stdev_id, uint32_t pasid,
			      uint32_t hwpt_id)
{
	return -T_UNSUPPORTED;
}

int mock_cmd_trigger_iopf(int fd, uint32_t idev_id, uint32_t pasid,
			  uint32_t grpid, uint32_t perm, uint64_t addr)
{
	return -T_UNSUPPORTED;
}

int mock_cmd_trigger_vevent(int fd, uint32_t idev_id)
{
	return -T_UNSUPPORTED;
}

int mock_cmd_check_iotlb(int fd, uint32_t hwpt_id, uint32_t iotlb_id,
			 uint32_t value)
{
	return -T_UNSUPPORTED;
}

int mock_cmd_check_dev_cache(int fd, uint32_t idev_id, uint32_t cache_id,
			     uint32_t value)
{
	return -T_UNSUPPORTED;
}

int mock_cmd_create_access(int fd, uint32_t ioas_id, int *access_fd)
{
	return -T_UNSUPPORTED;
}

int mock_cmd_access_pages(int fd, int access_fd, uint64_t iova, uint64_t len,
			  const void *uptr, uint32_t *item)
{
	return -T_UNSUPPORTED;
}

int mock_cmd_destroy_access_pages(int fd, int access_fd, uint32_t item)
{
	return -T_UNSUPPORTED;
}

#endif
