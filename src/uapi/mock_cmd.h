/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Thin wrappers for IOMMU_TEST_CMD, the iommufd selftest ("mock") driver's
 * test ioctl (CONFIG_IOMMUFD_TEST). One wrapper per test op; each returns 0
 * or the negative errno the kernel returned, nothing else. Output pointers
 * may be NULL. Built without iommufd_test.h (HAVE_IOMMUFD_TEST_H unset),
 * every wrapper returns -T_UNSUPPORTED.
 *
 * The interface does not expose iommufd_test.h: the few constants callers
 * need are repeated here and checked against the header in mock_cmd.c.
 */
#ifndef IC_MOCK_CMD_H
#define IC_MOCK_CMD_H

#include <stdbool.h>
#include <stdint.h>

/* MOCK_FLAGS_DEVICE_* of iommufd_test.h */
#define MOCK_DEV_NO_DIRTY (1u << 0)
#define MOCK_DEV_PASID (1u << 2)

/* IOMMU_HW_INFO_TYPE_SELFTEST, sizeof(struct iommu_test_hw_info) */
#define MOCK_HW_INFO_TYPE 0xfeedbeefu
#define MOCK_HW_INFO_LEN 8u

/* MOCK_PASID_WIDTH: pasid-num-bits of a MOCK_FLAGS_DEVICE_PASID device. */
#define MOCK_PASID_WIDTH_BITS 20u

/* The mock's default aperture (MOCK_APERTURE_START/LAST). */
#define MOCK_IOVA_START (1ull << 24)
#define MOCK_IOVA_LAST ((1ull << 31) - 1)

/* Op codes for the mock target's probe op (target_ops.probe). */
enum {
	/* a = hwpt ID, b = iova, c = user VA (length: one page) */
	MOCK_PROBE_CHECK_MAP = 1,
	/* dev, a = pasid (T_NO_PASID: the RID), b = hwpt ID (0: detached) */
	MOCK_PROBE_PASID_CHECK_HWPT,
	/* a = refs, b = user VA, c = length */
	MOCK_PROBE_CHECK_REFS,
	/* a = IOAS ID, b = start, c = length: IOMMU_TEST_OP_ADD_RESERVED */
	MOCK_PROBE_ADD_RESERVED,
};

/* true when built against iommufd_test.h. */
bool mock_cmd_available(void);

/* IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS: create a mock device, bind it to fd and
 * attach it to pt_id. stdev_id is the selftest object (IOMMU_DESTROY it to
 * detach, unbind and delete the device); idev_id the iommufd device. */
int mock_cmd_domain(int fd, uint32_t pt_id, uint32_t dev_flags,
		    uint32_t *stdev_id, uint32_t *hwpt_id, uint32_t *idev_id);
/* IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE: *pt_id in: IOAS/HWPT, out: HWPT. */
int mock_cmd_domain_replace(int fd, uint32_t stdev_id, uint32_t *pt_id);
/* IOMMU_TEST_OP_MD_CHECK_MAP: every page of [iova, iova+len) translates
 * in hwpt_id's mock domain to the page under uptr (EINVAL otherwise). */
int mock_cmd_check_map(int fd, uint32_t hwpt_id, uint64_t iova, uint64_t len,
		       const void *uptr);
/* IOMMU_TEST_OP_MD_CHECK_REFS: each page under uptr is pinned refs times. */
int mock_cmd_check_refs(int fd, const void *uptr, uint64_t len, uint32_t refs);
/* IOMMU_TEST_OP_ADD_RESERVED on an IOAS. */
int mock_cmd_add_reserved(int fd, uint32_t ioas_id, uint64_t start,
			  uint64_t len);
/* IOMMU_TEST_OP_DIRTY: set the dirty bit of each page whose bit is set in
 * bitmap, as the mock "hardware" would on a write. */
int mock_cmd_dirty(int fd, uint32_t hwpt_id, uint64_t iova, uint64_t len,
		   uint64_t page_size, const uint64_t *bitmap,
		   uint64_t *nr_dirty);
/* IOMMU_TEST_OP_PASID_{ATTACH,REPLACE,DETACH}. *pt_id as above. */
int mock_cmd_pasid_attach(int fd, uint32_t stdev_id, uint32_t pasid,
			  uint32_t *pt_id);
int mock_cmd_pasid_replace(int fd, uint32_t stdev_id, uint32_t pasid,
			   uint32_t *pt_id);
int mock_cmd_pasid_detach(int fd, uint32_t stdev_id, uint32_t pasid);
/* IOMMU_TEST_OP_PASID_CHECK_HWPT: 0 when pasid (0 = the RID) of the device
 * is attached to hwpt_id, or detached when hwpt_id is 0; EINVAL else. */
int mock_cmd_pasid_check_hwpt(int fd, uint32_t stdev_id, uint32_t pasid,
			      uint32_t hwpt_id);

/* IOMMU_TEST_OP_TRIGGER_IOPF: the mock device idev_id reports a page
 * request (last page of group grpid; PASID-tagged unless pasid is 0, as
 * IOMMU_NO_PASID) through iommu_report_device_fault(). */
int mock_cmd_trigger_iopf(int fd, uint32_t idev_id, uint32_t pasid,
			  uint32_t grpid, uint32_t perm, uint64_t addr);
/* IOMMU_TEST_OP_TRIGGER_VEVENT: the mock IOMMU reports a selftest vEVENT
 * (its data: the device's virt_id) on the vIOMMU of the nested domain
 * idev_id is attached to. */
int mock_cmd_trigger_vevent(int fd, uint32_t idev_id);
/* IOMMU_TEST_OP_MD_CHECK_IOTLB: 0 when entry iotlb_id of the nested mock
 * HWPT hwpt_id holds value, EINVAL else. */
int mock_cmd_check_iotlb(int fd, uint32_t hwpt_id, uint32_t iotlb_id,
			 uint32_t value);

/* IOMMU_TEST_OP_CREATE_ACCESS (with NEEDS_PIN_PAGES): an emulated access
 * (an in-kernel user such as an mdev driver) attached to ioas_id; its fd. */
int mock_cmd_create_access(int fd, uint32_t ioas_id, int *access_fd);
/* IOMMU_TEST_OP_ACCESS_PAGES: the access pins [iova, iova+len) (and checks
 * the pages are those under uptr); *item names the pin. */
int mock_cmd_access_pages(int fd, int access_fd, uint64_t iova, uint64_t len,
			  const void *uptr, uint32_t *item);
/* IOMMU_TEST_OP_DESTROY_ACCESS_PAGES: unpin item (ENOENT: no such pin). */
int mock_cmd_destroy_access_pages(int fd, int access_fd, uint32_t item);

/* IOMMU_TEST_IOTLB_DEFAULT: a fresh nested mock HWPT's IOTLB tags. */
#define MOCK_IOTLB_DEFAULT 0xbadbeefu
/* IOMMU_TEST_OP_DEV_CHECK_CACHE: 0 when entry cache_id of the mock
 * device idev_id's cache holds value, EINVAL else. */
int mock_cmd_check_dev_cache(int fd, uint32_t idev_id, uint32_t cache_id,
			     uint32_t value);
/* IOMMU_TEST_DEV_CACHE_DEFAULT: a fresh mock device's cache tags. */
#define MOCK_DEV_CACHE_DEFAULT 0xbaddadu

#endif
