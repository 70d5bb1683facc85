// SPDX-License-Identifier: GPL-2.0
/*
 * Model profiles: the conforming geometries (each mirrors what a real driver
 * reports, within what the contract allows) and the negative controls, each
 * breaking the contract the way a real driver could. A negative control's
 * `breaks` names exactly the invariants a run with it must fail.
 */
#include <linux/iommufd.h>
#include <string.h>

#include "model.h"

#define MSI_X86 { 0xfee00000ull, 0xfeefffffull }
#define SW_MSI_ARM { 0x8000000ull, 0x80fffffull }
#define AMD_HT_HOLE { 0xfd00000000ull, 0xffffffffffull }
#define BITS(n) ((1ull << (n)) - 1)

/*
 * x86-like IOMMU instances. Instance 0: VT-d style with dirty tracking and
 * nesting; instance 1: same driver, no dirty tracking (so HWPT-2 and the
 * dirty/instance compatibility rules have a subject).
 */
#define X86_IOMMU0                                                          \
	{                                                                   \
		.aperture_start = 0, .aperture_end = BITS(48), .dirty = true, \
		.pasid_paging = true, .nest_parent = true,                  \
		.dirty_with_pasid = true, .dirty_on_pasid = true,           \
		.nested_data_type = IOMMU_HWPT_DATA_VTD_S1,                 \
		.nested_data_len = sizeof(struct iommu_hwpt_vtd_s1),        \
		.inv_data_type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,         \
		.hw_info_type = IOMMU_HW_INFO_TYPE_INTEL_VTD,               \
		.hw_info_len = sizeof(struct iommu_hw_info_vtd),            \
		.nresv = 1, .resv = { MSI_X86 },                            \
	}
#define X86_IOMMU1                                                          \
	{                                                                   \
		.aperture_start = 0, .aperture_end = BITS(48),              \
		.dirty = false, .pasid_paging = true, .nest_parent = true,  \
		.dirty_with_pasid = true, .dirty_on_pasid = true,           \
		.nested_data_type = IOMMU_HWPT_DATA_VTD_S1,                 \
		.nested_data_len = sizeof(struct iommu_hwpt_vtd_s1),        \
		.inv_data_type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,         \
		.hw_info_type = IOMMU_HW_INFO_TYPE_INTEL_VTD,               \
		.hw_info_len = sizeof(struct iommu_hw_info_vtd),            \
		.nresv = 1, .resv = { MSI_X86 },                            \
	}

/*
 * Six devices: two alone in their groups on IOMMU 0, a two-device group on
 * IOMMU 0, two more on IOMMU 1 (the last one without PASID).
 */
#define SIX_DEVS(pasid)                                                     \
	.ndev = 6,                                                          \
	.dev = {                                                            \
		{ .group = 0, .iommu = 0, .max_pasid_log2 = (pasid) },      \
		{ .group = 1, .iommu = 0, .max_pasid_log2 = (pasid) },      \
		{ .group = 2, .iommu = 0, .max_pasid_log2 = (pasid) },      \
		{ .group = 2, .iommu = 0, .max_pasid_log2 = (pasid) },      \
		{ .group = 3, .iommu = 1, .max_pasid_log2 = (pasid) },      \
		{ .group = 4, .iommu = 1, .max_pasid_log2 = 0 },            \
	}

#define DEFAULT_BODY                                                        \
	.nctx = T_MAX_CTX, SIX_DEVS(20), .niommu = 2,                       \
	.iommu = { X86_IOMMU0, X86_IOMMU1 }

#define NEG(nm, desc, brk, bug)                                             \
	{ .name = nm, .description = desc, .breaks = brk, DEFAULT_BODY,     \
	  .bugs = bug }

static const struct model_profile profiles[] = {
	{
		.name = "default",
		.description = "x86-like: 48-bit aperture, MSI window, 20-bit PASID, dirty tracking, 2 IOMMUs, 6 devices",
		.breaks = "",
		DEFAULT_BODY,
	},
	{
		/* intel_iommu_domain_alloc_paging_flags(): 39-bit second
		 * stage; a dirty domain cannot go on a PASID
		 * (intel_iommu_set_dev_pasid -> EINVAL). */
		.name = "intel-like",
		.description = "VT-d-like: 39-bit aperture, MSI window, no dirty tracking on PASIDs",
		.breaks = "",
		.nctx = T_MAX_CTX,
		SIX_DEVS(20),
		.niommu = 2,
		.iommu = {
			{
				.aperture_end = BITS(39), .dirty = true,
				.pasid_paging = true, .nest_parent = true,
				.dirty_with_pasid = true,
				.dirty_on_pasid = false,
				.nested_data_type = IOMMU_HWPT_DATA_VTD_S1,
				.nested_data_len = sizeof(struct iommu_hwpt_vtd_s1),
				.inv_data_type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
				.hw_info_type = IOMMU_HW_INFO_TYPE_INTEL_VTD,
				.hw_info_len = sizeof(struct iommu_hw_info_vtd),
				.nresv = 1, .resv = { MSI_X86 },
			},
			{
				.aperture_end = BITS(39), .dirty = false,
				.pasid_paging = true, .nest_parent = true,
				.dirty_with_pasid = true,
				.dirty_on_pasid = false,
				.nested_data_type = IOMMU_HWPT_DATA_VTD_S1,
				.nested_data_len = sizeof(struct iommu_hwpt_vtd_s1),
				.inv_data_type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
				.hw_info_type = IOMMU_HW_INFO_TYPE_INTEL_VTD,
				.hw_info_len = sizeof(struct iommu_hw_info_vtd),
				.nresv = 1, .resv = { MSI_X86 },
			},
		},
	},
	{
		/* amd_iommu_domain_alloc_paging_flags(): no NEST_PARENT,
		 * DIRTY|PASID refused; paging domains have no set_dev_pasid
		 * so PASID attach is EOPNOTSUPP (iommu_attach_device_pasid);
		 * amd_iommu_get_resv_regions(): MSI + HyperTransport hole. */
		.name = "amd-like",
		.description = "AMD-like: MSI window + HT hole, no PASID attach on paging domains, no NEST_PARENT",
		.breaks = "",
		.nctx = T_MAX_CTX,
		SIX_DEVS(16),
		.niommu = 2,
		.iommu = {
			{
				.aperture_end = BITS(48), .dirty = true,
				.pasid_paging = false, .nest_parent = false,
				.dirty_with_pasid = false,
				.hw_info_type = IOMMU_HW_INFO_TYPE_AMD,
				.hw_info_len = sizeof(struct iommu_hw_info_amd),
				.nresv = 2, .resv = { MSI_X86, AMD_HT_HOLE },
			},
			{
				.aperture_end = BITS(48), .dirty = false,
				.pasid_paging = false, .nest_parent = false,
				.dirty_with_pasid = false,
				.hw_info_type = IOMMU_HW_INFO_TYPE_AMD,
				.hw_info_len = sizeof(struct iommu_hw_info_amd),
				.nresv = 2, .resv = { MSI_X86, AMD_HT_HOLE },
			},
		},
	},
	{
		/* arm_smmu_get_resv_regions(): SW MSI at 0x8000000;
		 * arm_smmu_domain_alloc_paging_flags(): NEST_PARENT only
		 * alone; nesting goes through a vIOMMU (not modelled). */
		.name = "smmuv3-like",
		.description = "SMMUv3-like: SW MSI 0x8000000-0x80fffff, NEST_PARENT alone, nesting only via vIOMMU",
		.breaks = "",
		.nctx = T_MAX_CTX,
		SIX_DEVS(20),
		.niommu = 2,
		.iommu = {
			{
				.aperture_end = BITS(48), .dirty = true,
				.pasid_paging = true, .nest_parent = true,
				.nest_parent_alone = true,
				.dirty_with_pasid = true, .dirty_on_pasid = true,
				.hw_info_type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3,
				.hw_info_len = sizeof(struct iommu_hw_info_arm_smmuv3),
				.nresv = 1, .resv = { SW_MSI_ARM },
			},
			{
				.aperture_end = BITS(48), .dirty = false,
				.pasid_paging = true, .nest_parent = true,
				.nest_parent_alone = true,
				.dirty_with_pasid = true, .dirty_on_pasid = true,
				.hw_info_type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3,
				.hw_info_len = sizeof(struct iommu_hw_info_arm_smmuv3),
				.nresv = 1, .resv = { SW_MSI_ARM },
			},
		},
	},
	{
		/* viommu_domain_alloc_paging(): 64-bit input range, no
		 * dirty, no PASID, no nesting, no hw_info op. */
		.name = "virtio-like",
		.description = "virtio-iommu-like: 64-bit input range, MSI window, no PASID, no dirty tracking, no nesting",
		.breaks = "",
		.nctx = T_MAX_CTX,
		SIX_DEVS(0),
		.niommu = 2,
		.iommu = {
			{
				.aperture_end = UINT64_MAX,
				.hw_info_type = IOMMU_HW_INFO_TYPE_NONE,
				.nresv = 1, .resv = { MSI_X86 },
			},
			{
				.aperture_end = UINT64_MAX,
				.hw_info_type = IOMMU_HW_INFO_TYPE_NONE,
				.nresv = 1, .resv = { MSI_X86 },
			},
		},
	},
	NEG("detach-drops-pasids",
	    "negative control: RID detach also tears down the PASID attachments",
	    "SEED-A", MB_DETACH_DROPS_PASIDS),
	NEG("detach-refuses-with-pasids",
	    "negative control: RID detach fails EBUSY while PASIDs are attached",
	    "SEED-A", MB_DETACH_REFUSES_WITH_PASIDS),
	NEG("shared-pasid-table",
	    "negative control: one PASID table per domain, shared by every device on it",
	    "SEED-C", MB_SHARED_PASID_TABLE),
	NEG("release-keeps-pasids",
	    "negative control: unbind leaves PASIDs translating; the next owner inherits them",
	    "SEED-B", MB_RELEASE_KEEPS_PASIDS),
	NEG("stale-unmap",
	    "negative control: unmap leaves the translation in the HWPT page table",
	    "DMA-4,DMA-5", MB_STALE_UNMAP),
	/* Not HWPT-5: the contract files a refused incompatible *replace*
	 * under ATTACH-4, and hwpt.attach_incompatible tags it so. */
	NEG("non-atomic-replace",
	    "negative control: a replace the driver refuses leaves the device blocked",
	    "ATTACH-4,PASID-7", MB_NON_ATOMIC_REPLACE),
	NEG("ro-writable",
	    "negative control: read-only mappings accept device writes",
	    "DMA-2", MB_RO_WRITABLE),
	NEG("resv-unreported",
	    "negative control: the driver reports no reserved regions to iommufd (sysfs still lists them)",
	    "RANGE-3,IOAS-4,ATTACH-9,ATTACH-10,ATTACH-13,RANGE-5",
	    MB_RESV_UNREPORTED),
	NEG("replace-keeps-old",
	    "negative control: after a replace, IOVAs mapped only in the old domain still translate",
	    "ATTACH-5", MB_REPLACE_KEEPS_OLD),
	NEG("detach-identity",
	    "negative control: detach leaves DMA translating through the old domain instead of blocked",
	    "ATTACH-6,GROUP-4", MB_DETACH_IDENTITY),
	NEG("lax-abi",
	    "negative control: ignores the size tail and reserved fields of ioctl structs",
	    "OBJ-1,OBJ-3", MB_LAX_ABI),
};

const struct model_profile *model_profiles(unsigned *n)
{
	*n = sizeof(profiles) / sizeof(profiles[0]);
	return profiles;
}

const struct model_profile *model_profile_find(const char *name)
{
	if (!name)
		return &profiles[0];
	for (unsigned i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (!strcmp(profiles[i].name, name))
			return &profiles[i];
	return NULL;
}
