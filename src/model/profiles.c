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
#define VTD_IOMMU(aperture_bits, has_dirty, dirty_on_pasid_ok)              \
	{                                                                   \
		.aperture_start = 0, .aperture_end = BITS(aperture_bits),   \
		.dirty = (has_dirty), .pasid_paging = true,                 \
		.nest_parent = true, .dirty_with_pasid = true,              \
		.dirty_on_pasid = (dirty_on_pasid_ok),                      \
		.nested_data_type = IOMMU_HWPT_DATA_VTD_S1,                 \
		.nested_data_len = sizeof(struct iommu_hwpt_vtd_s1),        \
		.inv_data_type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,         \
		.hw_info_type = IOMMU_HW_INFO_TYPE_INTEL_VTD,               \
		.hw_info_len = sizeof(struct iommu_hw_info_vtd),            \
		.nresv = 1, .resv = { MSI_X86 },                            \
	}
#define X86_IOMMU0 VTD_IOMMU(48, true, true)
#define X86_IOMMU1 VTD_IOMMU(48, false, true)

/*
 * Six devices: two alone in their groups on IOMMU 0, a two-device group on
 * IOMMU 0 (behind a PCIe-to-PCI bridge, as the guests' edu pair: one bus,
 * one hot reset), two more on IOMMU 1 (the last one without PASID). Only
 * the pair has a bus reset; the rest sit on a root bus.
 */
#define SIX_DEVS(pasid)                                                     \
	.ndev = 6,                                                          \
	.dev = {                                                            \
		{ .group = 0, .iommu = 0, .max_pasid_log2 = (pasid) },      \
		{ .group = 1, .iommu = 0, .max_pasid_log2 = (pasid) },      \
		{ .group = 2, .iommu = 0, .max_pasid_log2 = (pasid),        \
		  .reset_domain = 1 },                                      \
		{ .group = 2, .iommu = 0, .max_pasid_log2 = (pasid),        \
		  .reset_domain = 1 },                                      \
		{ .group = 3, .iommu = 1, .max_pasid_log2 = (pasid) },      \
		{ .group = 4, .iommu = 1, .max_pasid_log2 = 0 },            \
	}

/*
 * SMMUv3-like instances (arm_smmu_get_resv_regions(): SW MSI at 0x8000000;
 * arm_smmu_domain_alloc_paging_flags(): NEST_PARENT only alone; nesting
 * through a vIOMMU of type ARM_SMMUV3, arm_vsmmu_init()). The vIOMMU's
 * events and cache invalidations (of type ARM_SMMUV3) are modelled in the
 * selftest formats (struct iommu_viommu_event_selftest,
 * iommu_viommu_invalidate_selftest: a device cache of four entries named
 * through the vDEVICE), and its HW queue is a Tegra241-CMDQV-style stand-in
 * with the mock's two queues: the core's rules (VIOMMU-3..8) are what is
 * checked.
 */
#define SMMU_IOMMU(has_dirty)                                               \
	{                                                                   \
		.aperture_end = BITS(48), .dirty = (has_dirty),             \
		.pasid_paging = true, .nest_parent = true,                  \
		.nest_parent_alone = true,                                  \
		.dirty_with_pasid = true, .dirty_on_pasid = true,           \
		.hw_info_type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3,              \
		.hw_info_len = sizeof(struct iommu_hw_info_arm_smmuv3),     \
		.viommu_type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3,                \
		.viommu_nested_type = IOMMU_HWPT_DATA_ARM_SMMUV3,           \
		.viommu_nested_len = sizeof(struct iommu_hwpt_arm_smmuv3),  \
		.veventq_type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3,              \
		.hw_queue_type = IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV,        \
		.hw_queue_max = 2, /* as the mock's; tegra241 varies */     \
		.viommu_inv_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,  \
		.user_pasid_table = true,                                   \
		.nresv = 1, .resv = { SW_MSI_ARM },                         \
	}

#define SMMU_BODY                                                           \
	.nctx = T_MAX_CTX, SIX_DEVS(20), .niommu = 2,                       \
	.iommu = { SMMU_IOMMU(true), SMMU_IOMMU(false) }

#define DEFAULT_BODY                                                        \
	.nctx = T_MAX_CTX, SIX_DEVS(20), .niommu = 2,                       \
	.iommu = { X86_IOMMU0, X86_IOMMU1 }

#define NEG(nm, desc, brk, b)                                             \
	{ .name = nm, .description = desc, .breaks = brk, DEFAULT_BODY,     \
	  .bug = b }
/* The same on the SMMUv3-like geometry (the one with a vIOMMU). */
#define NEG_SMMU(nm, desc, brk, b)                                        \
	{ .name = nm, .description = desc, .breaks = brk, SMMU_BODY,        \
	  .bug = b }

/*
 * AMD-like instances (amd_iommu_domain_alloc_paging_flags(): no NEST_PARENT,
 * DIRTY|PASID refused; paging domains have no set_dev_pasid;
 * amd_iommu_get_resv_regions(): MSI + HyperTransport hole); instance 1
 * without dirty tracking, as for x86.
 */
#define AMD_IOMMU(has_dirty)                                                \
	{                                                                   \
		.aperture_end = BITS(48), .dirty = (has_dirty),             \
		.pasid_paging = false, .nest_parent = false,                \
		.dirty_with_pasid = false,                                  \
		.hw_info_type = IOMMU_HW_INFO_TYPE_AMD,                     \
		.hw_info_len = sizeof(struct iommu_hw_info_amd),            \
		.nresv = 2, .resv = { MSI_X86, AMD_HT_HOLE },               \
	}
/* virtio-iommu-like instance: 64-bit input range, no dirty, PASID, nesting
 * or hw_info op. */
#define VIRTIO_IOMMU                                                        \
	{                                                                   \
		.aperture_end = UINT64_MAX,                                 \
		.hw_info_type = IOMMU_HW_INFO_TYPE_NONE,                    \
		.nresv = 1, .resv = { MSI_X86 },                            \
	}
#define AMD_BODY                                                            \
	.nctx = T_MAX_CTX, SIX_DEVS(16), .niommu = 2,                       \
	.iommu = { AMD_IOMMU(true), AMD_IOMMU(false) }

#define INTEL_BODY                                                          \
	.nctx = T_MAX_CTX, SIX_DEVS(20), .niommu = 2,                       \
	.iommu = { VTD_IOMMU(39, true, false), VTD_IOMMU(39, false, false) }
#define VIRTIO_BODY                                                         \
	.nctx = T_MAX_CTX, SIX_DEVS(0), .niommu = 2,                        \
	.iommu = { VIRTIO_IOMMU, VIRTIO_IOMMU }, .msi_unisolated = true

/* A negative control on the virtio-like geometry (no MSI isolation). */
#define NEG_VIRTIO(nm, desc, brk, b)                                      \
	{ .name = nm, .description = desc, .breaks = brk, VIRTIO_BODY,      \
	  .bug = b }

/* A conforming profile: it must break nothing. */
#define CONFORMING(nm, desc, body)                                          \
	{ .name = nm, .description = desc, .breaks = "", body }

static const struct model_profile profiles[] = {
	CONFORMING("default",
		   "x86-like: 48-bit aperture, MSI window, 20-bit PASID, dirty tracking, 2 IOMMUs, 6 devices",
		   DEFAULT_BODY),
	/* intel_iommu_domain_alloc_paging_flags(): 39-bit second stage; a
	 * dirty domain cannot go on a PASID (intel_iommu_set_dev_pasid ->
	 * EINVAL). */
	CONFORMING("intel-like",
		   "VT-d-like: 39-bit aperture, MSI window, no dirty tracking on PASIDs",
		   INTEL_BODY),
	/* amd_iommu_domain_alloc_paging_flags(): no NEST_PARENT, DIRTY|PASID
	 * refused; paging domains have no set_dev_pasid so PASID attach is
	 * EOPNOTSUPP (iommu_attach_device_pasid); amd_iommu_get_resv_regions():
	 * MSI + HyperTransport hole. */
	CONFORMING("amd-like",
		   "AMD-like: MSI window + HT hole, no PASID attach on paging domains, no NEST_PARENT",
		   AMD_BODY),
	/* arm_smmu_get_resv_regions(): SW MSI at 0x8000000;
	 * arm_smmu_domain_alloc_paging_flags(): NEST_PARENT only alone;
	 * nesting goes through a vIOMMU (not modelled). */
	CONFORMING("smmuv3-like",
		   "SMMUv3-like: SW MSI 0x8000000-0x80fffff, NEST_PARENT alone, nesting only via vIOMMU",
		   SMMU_BODY),
	/* viommu_domain_alloc_paging(): 64-bit input range, no dirty, no
	 * PASID, no nesting, no hw_info op. */
	CONFORMING("virtio-like",
		   "virtio-iommu-like: 64-bit input range, MSI window, no PASID, no dirty tracking, no nesting",
		   VIRTIO_BODY),
	NEG("detach-drops-pasids",
	    "negative control: RID detach also tears down the PASID attachments",
	    "SEED-A", MB_DETACH_DROPS_PASIDS),
	NEG("detach-refuses-with-pasids",
	    "negative control: RID detach fails EBUSY while PASIDs are attached",
	    "SEED-A", MB_DETACH_REFUSES_WITH_PASIDS),
	NEG("pasid-needs-rid",
	    "negative control: PASID DMA translates only while the RID is attached (QEMU VT-d RID2PASID check, F3); cases that use PASIDs with no RID attached fail too",
	    "SEED-A", MB_PASID_NEEDS_RID),
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
	NEG("resv-forgotten",
	    "negative control: the driver forgets its MSI window: neither iommufd nor sysfs lists it",
	    "RANGE-3,ATTACH-9,ATTACH-10,ATTACH-13", MB_RESV_FORGOTTEN),
	NEG("replace-keeps-old",
	    "negative control: after a replace, IOVAs mapped only in the old domain still translate",
	    "ATTACH-5", MB_REPLACE_KEEPS_OLD),
	NEG("detach-identity",
	    "negative control: detach leaves DMA translating through the old domain instead of blocked",
	    "ATTACH-6,GROUP-4", MB_DETACH_IDENTITY),
	NEG("lax-abi",
	    "negative control: ignores the size tail and reserved fields of ioctl structs",
	    "OBJ-1,OBJ-3", MB_LAX_ABI),
	NEG("unmap-splits",
	    "negative control: UNMAP cuts through a mapping instead of failing ENOENT",
	    "IOAS-6", MB_UNMAP_SPLITS),
	NEG("map-overlap-ok",
	    "negative control: a fixed MAP over an existing mapping is accepted",
	    "IOAS-3,IOAS-5,IOAS-6,IOAS-9", MB_MAP_OVERLAP_OK),
	NEG("dirty-stale-on-enable",
	    "negative control: enabling dirty tracking keeps the dirty bits the hardware logged before",
	    "DIRTY-2", MB_DIRTY_STALE_ON_ENABLE),
	NEG("no-clear-ignored",
	    "negative control: GET_DIRTY_BITMAP clears the bits even with NO_CLEAR",
	    "DIRTY-3", MB_NO_CLEAR_IGNORED),
	NEG("dirty-without-cap",
	    "negative control: DIRTY_TRACKING allocation accepted on an IOMMU without the capability",
	    "HWPT-2", MB_DIRTY_WITHOUT_CAP),
	NEG("auto-hwpt-leak",
	    "negative control: an auto HWPT survives its last detach",
	    "OBJ-8,OBJ-5,OWN-5,ATTACH-7,ATTACH-9,ATTACH-13,GROUP-2,GROUP-4,HWPT-3", MB_AUTO_HWPT_LEAK),
	NEG("emsgsize-silent",
	    "negative control: IOVA_RANGES with too small an array truncates and returns 0",
	    "RANGE-2", MB_EMSGSIZE_SILENT),
	NEG("huge-pages-lax",
	    "negative control: IOMMU_OPTION_HUGE_PAGES=0 accepted while domains and mappings exist",
	    "IOAS-13", MB_HUGE_PAGES_LAX),
	NEG("unknown-ioctl-einval",
	    "negative control: an ioctl number iommufd does not implement gives EINVAL, not ENOTTY",
	    "OBJ-2", MB_UNKNOWN_IOCTL_EINVAL),
	NEG("lookup-wrong-type-einval",
	    "negative control: an ID of the wrong object type gives EINVAL instead of ENOENT",
	    "OBJ-4", MB_LOOKUP_WRONG_TYPE_EINVAL),
	NEG("destroy-busy-teardown",
	    "negative control: DESTROY of a busy IOAS/HWPT tears down its mappings before failing EBUSY",
	    "OBJ-6,ATTACH-4", MB_DESTROY_BUSY_TEARDOWN),
	NEG("destroy-device-ok",
	    "negative control: DESTROY of a device ID reports success (and removes nothing)",
	    "OBJ-7", MB_DESTROY_DEVICE_OK),
	NEG("destroy-twice-ok",
	    "negative control: DESTROY of an already destroyed ID succeeds again",
	    "OBJ-9,OBJ-7,OBJ-8", MB_DESTROY_TWICE_OK),
	NEG("hw-info-no-zero-fill",
	    "negative control: GET_HW_INFO leaves the user buffer past the driver data untouched",
	    "OBJ-11", MB_HW_INFO_NO_ZERO_FILL),
	NEG("bind-twice-ebusy",
	    "negative control: a second BIND on a bound device fails EBUSY instead of EINVAL",
	    "OWN-1", MB_BIND_TWICE_EBUSY),
	NEG("prebind-enodev",
	    "negative control: device ioctls before BIND fail ENODEV instead of EINVAL",
	    "OWN-2", MB_PREBIND_ENODEV),
	NEG("owner-ebusy",
	    "negative control: BIND of a group sibling owned by another context fails EBUSY instead of EPERM",
	    "OWN-3", MB_OWNER_EBUSY),
	NEG("bind-identity",
	    "negative control: BIND leaves the default identity domain until the first ATTACH",
	    "OWN-4", MB_BIND_IDENTITY),
	NEG("release-keeps-rid",
	    "negative control: unbind leaves the RID translating; the next owner inherits it",
	    "OWN-5", MB_RELEASE_KEEPS_RID),
	NEG("msi-unisolated",
	    "negative control: the last device's IOMMU cannot isolate MSIs, BIND fails EPERM",
	    "OWN-6,PASID-9", MB_MSI_UNISOLATED),
	NEG("attach-no-pt-writeback",
	    "negative control: ATTACH to an IOAS does not write back the auto HWPT ID",
	    "ATTACH-1,ATTACH-2,DIRTY-1,HWPT-3,OBJ-4,OBJ-7,OBJ-8", MB_ATTACH_NO_PT_WRITEBACK),
	NEG("auto-domain-exclusive",
	    "negative control: an auto HWPT in use by one group refuses another group (EBUSY)",
	    "ATTACH-2,ATTACH-12", MB_AUTO_DOMAIN_EXCLUSIVE),
	NEG("replace-same-ebusy",
	    "negative control: ATTACH to the HWPT already attached fails EBUSY",
	    "ATTACH-3,OBJ-6", MB_REPLACE_SAME_EBUSY),
	NEG("detach-unattached-einval",
	    "negative control: DETACH of a device that is not attached fails EINVAL",
	    "ATTACH-7", MB_DETACH_UNATTACHED_EINVAL),
	NEG("attach-missing-einval",
	    "negative control: ATTACH to a missing ID gives EINVAL instead of ENOENT",
	    "ATTACH-8,OBJ-9", MB_ATTACH_MISSING_EINVAL),
	NEG("hwpt-not-prefilled",
	    "negative control: a manual HWPT is not filled with the IOAS's existing mappings",
	    "ATTACH-11,ATTACH-5,DIRTY-2,GROUP-2,OBJ-6,PASID-1,PASID-2,PASID-4,PASID-7,PASID-8,SEED-A,SEED-B,SEED-C", MB_HWPT_NOT_PREFILLED),
	NEG("map-first-domain-only",
	    "negative control: a new mapping reaches only the first domain of the IOAS",
	    "ATTACH-12", MB_MAP_FIRST_DOMAIN_ONLY),
	NEG("dma-contig-assumed",
	    "negative control: a transfer crossing into another IOPTE keeps using the first one",
	    "DMA-1", MB_DMA_CONTIG_ASSUMED),
	NEG("wo-no-access",
	    "negative control: write-only mappings are not present (device writes refused)",
	    "DMA-3", MB_WO_NO_ACCESS),
	NEG("stale-remap",
	    "negative control: an unmapped IOVA's old IOTLB entry comes back when the IOVA is mapped again",
	    "DMA-6", MB_STALE_REMAP),
	NEG("huge-first-page",
	    "negative control: a 2 MiB IOPTE translates every 4 KiB page to the first one",
	    "DMA-7", MB_HUGE_FIRST_PAGE),
	NEG("aperture-short",
	    "negative control: the page table stops one page below the aperture it reports",
	    "DMA-8", MB_APERTURE_SHORT),
	NEG("copy-at-source-iova",
	    "negative control: IOAS_COPY maps the destination at the source IOVA",
	    "DMA-9", MB_COPY_AT_SOURCE_IOVA),
	NEG("shared-domain-not-installed",
	    "negative control: a domain already in use is not programmed for another group attaching to it",
	    "DMA-10,ATTACH-12,SEED-C", MB_SHARED_DOMAIN_NOT_INSTALLED),
	NEG("map-noprot-ok",
	    "negative control: MAP/COPY without READABLE or WRITEABLE accepted",
	    "IOAS-1,IOAS-9", MB_MAP_NOPROT_OK),
	NEG("map-unaligned-ok",
	    "negative control: MAP/COPY ignore the IOAS alignment",
	    "IOAS-2,IOAS-13", MB_MAP_UNALIGNED_OK),
	NEG("auto-iova-zero",
	    "negative control: the IOVA allocator may hand out IOVA 0",
	    "IOAS-5,IOAS-9", MB_AUTO_IOVA_ZERO),
	NEG("unmap-empty-ok",
	    "negative control: UNMAP of an empty range succeeds",
	    "IOAS-7", MB_UNMAP_EMPTY_OK),
	NEG("unmap-bytes-asked",
	    "negative control: UNMAP reports the length asked instead of the bytes unmapped",
	    "IOAS-8", MB_UNMAP_BYTES_ASKED),
	NEG("copy-partial-ok",
	    "negative control: IOAS_COPY of a partly mapped source copies the mapped part",
	    "IOAS-9", MB_COPY_PARTIAL_OK),
	NEG("copy-ignores-writable",
	    "negative control: IOAS_COPY grants write on a source that was mapped read-only",
	    "IOAS-10", MB_COPY_IGNORES_WRITABLE),
	NEG("wrap-einval",
	    "negative control: IOVA ranges that wrap the 64-bit space give EINVAL instead of EOVERFLOW",
	    "IOAS-11,DIRTY-4", MB_WRAP_EINVAL),
	NEG("attach-ignores-limits",
	    "negative control: attach ignores the new domain's alignment and aperture against existing mappings",
	    "IOAS-12", MB_ATTACH_IGNORES_LIMITS),
	NEG("fresh-align-page",
	    "negative control: a fresh IOAS reports PAGE_SIZE alignment before any domain",
	    "RANGE-1,IOAS-13", MB_FRESH_ALIGN_PAGE),
	NEG("allow-single-byte",
	    "negative control: ALLOW_IOVAS accepts single-byte ranges",
	    "RANGE-4", MB_ALLOW_SINGLE_BYTE),
	NEG("ranges-unsorted",
	    "negative control: IOVA_RANGES reports the ranges highest first",
	    "RANGE-6,RANGE-2", MB_RANGES_UNSORTED),
	NEG("hwpt-flags-ignored",
	    "negative control: HWPT_ALLOC ignores unknown flags",
	    "HWPT-1", MB_HWPT_FLAGS_IGNORED),
	NEG("pt-id-enoent",
	    "negative control: HWPT_ALLOC with a bad pt_id gives ENOENT instead of EINVAL",
	    "HWPT-3", MB_PT_ID_ENOENT),
	NEG("flag-combo-enomem",
	    "negative control: NEST_PARENT with DIRTY_TRACKING fails ENOMEM instead of working or EOPNOTSUPP",
	    "HWPT-4", MB_FLAG_COMBO_ENOMEM),
	NEG("incompat-enodev",
	    "negative control: the driver refuses another instance's domain with ENODEV instead of EINVAL",
	    "HWPT-5,ATTACH-4,PASID-7", MB_INCOMPAT_ENODEV),
	NEG("pasid-any-hwpt",
	    "negative control: a PASID attach accepts an HWPT allocated without ALLOC_PASID",
	    "PASID-1,PASID-7", MB_PASID_ANY_HWPT),
	NEG("rid-replace-ignores-pasids",
	    "negative control: the RID may move to a non-PASID HWPT while PASIDs are attached",
	    "PASID-2,SEED-A", MB_RID_REPLACE_IGNORES_PASIDS),
	NEG("pasid-ignores-rid",
	    "negative control: a PASID attach is accepted while the RID sits on a non-PASID HWPT",
	    "PASID-3", MB_PASID_IGNORES_RID),
	NEG("pasid-reattach-ebusy",
	    "negative control: a second PASID attach through VFIO fails EBUSY instead of replacing",
	    "PASID-4,PASID-7", MB_PASID_REATTACH_EBUSY),
	NEG("pasid-detach-enoent",
	    "negative control: DETACH_PASID of a PASID that is not attached fails ENOENT",
	    "PASID-5,PASID-9,SEED-C", MB_PASID_DETACH_ENOENT),
	NEG("pasid-range-unchecked",
	    "negative control: PASIDs at or above 2^max_pasid_log2 accepted",
	    "PASID-6", MB_PASID_RANGE_UNCHECKED),
	NEG("pasid-detach-flushes-all",
	    "negative control: detaching one PASID clears the whole PASID table",
	    "PASID-8", MB_PASID_DETACH_FLUSHES_ALL),
	NEG("pasid-on-rid",
	    "negative control: a PASID attach on a device without PASID lands on the RID",
	    "PASID-9", MB_PASID_ON_RID),
	NEG("group-split-ebusy",
	    "negative control: a group member asking for another HWPT gets EBUSY instead of EINVAL",
	    "GROUP-1", MB_GROUP_SPLIT_EBUSY),
	NEG("group-replace-ebusy",
	    "negative control: a replace refuses to move a group with other attached members",
	    "GROUP-2,ATTACH-5", MB_GROUP_REPLACE_EBUSY),
	NEG("group-detach-blocks",
	    "negative control: detaching one device blocks its whole group",
	    "GROUP-3,GROUP-5", MB_GROUP_DETACH_BLOCKS),
	NEG("dirty-nocap-ok",
	    "negative control: SET_DIRTY_TRACKING on an HWPT without DIRTY_TRACKING succeeds",
	    "DIRTY-1", MB_DIRTY_NOCAP_OK),
	NEG("nest-any-parent",
	    "negative control: a nested HWPT accepted on a paging HWPT without NEST_PARENT",
	    "NEST-1", MB_NEST_ANY_PARENT),
	NEG("invalidate-paging-ok",
	    "negative control: HWPT_INVALIDATE on a paging HWPT succeeds",
	    "NEST-2", MB_INVALIDATE_PAGING_OK),
	NEG("replace-fail-unreserves",
	    "negative control: a failed replace onto the same IOAS drops the group's reservations (7.2 err_unresv)",
	    "ATTACH-4,IOAS-4", MB_REPLACE_FAIL_UNRESERVES),
	NEG("allow-limits-fixed",
	    "negative control: ALLOW_IOVAS also refuses fixed maps outside the allowed ranges",
	    "RANGE-7", MB_ALLOW_LIMITS_FIXED),
	NEG("dirty-unaligned-ok",
	    "negative control: GET_DIRTY_BITMAP accepts a range not aligned to the IOAS or page_size",
	    "DIRTY-4", MB_DIRTY_UNALIGNED_OK),
	NEG("group-unattached-blocked",
	    "negative control: the group's domain is programmed only for members that attached; a bound sibling stays blocked",
	    "GROUP-5", MB_GROUP_UNATTACHED_BLOCKED),
	NEG("second-fd-bind-ok",
	    "negative control: BIND through a second cdev fd of an already bound device succeeds",
	    "OWN-7", MB_SECOND_FD_BIND_OK),
	NEG("close-ctx-teardown",
	    "negative control: closing /dev/iommu blocks the devices still bound to it at once",
	    "OBJ-10", MB_CLOSE_CTX_TEARDOWN),
	NEG("dev-dma-untranslated",
	    "negative control: the last device's DMA never translates, even through its attached IOAS (as docs/findings.md F2)",
	    "ATTACH-12", MB_DEV_DMA_UNTRANSLATED),
	NEG("unknown-ioctl-reads-size",
	    "negative control: every ioctl number reads the size field first, so an unknown number with a bad pointer gives EFAULT",
	    "OBJ-2", MB_UNKNOWN_IOCTL_READS_SIZE),
	NEG("replace-fault-blocks",
	    "negative control: a replace onto an IOAS whose mapping cannot be pinned fails EFAULT but leaves the device blocked",
	    "ATTACH-4", MB_REPLACE_FAULT_BLOCKS),
	NEG("nest-nodata-einval",
	    "negative control: a nested HWPT_ALLOC on a NEST_PARENT HWPT without driver data gives EINVAL, not EOPNOTSUPP",
	    "NEST-1", MB_NEST_NODATA_EINVAL),
	NEG("fault-flag-unmasked",
	    "negative control: HWPT_ALLOC hands FAULT_ID_VALID to the driver, which refuses it even with a valid fault queue",
	    "HWPT-4", MB_FAULT_FLAG_UNMASKED),
	NEG("fault-queue-unheld",
	    "negative control: an HWPT allocated with FAULT_ID_VALID takes no reference on its fault queue, so DESTROY of the queue succeeds",
	    "FAULT-1", MB_FAULT_QUEUE_UNHELD),
	NEG("rlimit-mode-lax",
	    "negative control: IOMMU_OPTION_RLIMIT_MODE can be changed while the context holds objects",
	    "IOAS-14", MB_RLIMIT_MODE_LAX),
	NEG("map-file-at-zero",
	    "negative control: IOMMU_IOAS_MAP_FILE maps the file from offset 0, ignoring start",
	    "IOAS-15", MB_MAP_FILE_AT_ZERO),
	NEG("change-process-user-maps",
	    "negative control: IOMMU_IOAS_CHANGE_PROCESS succeeds while a user-VA mapping exists",
	    "IOAS-16", MB_CHANGE_PROCESS_USER_MAPS),
	NEG("invalidate-unbounded",
	    "negative control: HWPT_INVALIDATE takes an entry_len above PAGE_SIZE",
	    "NEST-3", MB_INVALIDATE_UNBOUNDED),
	NEG("dirty-bitmap-lost",
	    "negative control (7.2's behaviour, F5): GET_DIRTY_BITMAP into an unwritable bitmap clears the bits and returns 0",
	    "DIRTY-4", MB_DIRTY_BITMAP_LOST),
	NEG("unmap-all-overflow",
	    "negative control: UNMAP with iova 0 and length ~0 fails EOVERFLOW instead of unmapping everything",
	    "IOAS-11,IOAS-7", MB_UNMAP_ALL_OVERFLOW),
	NEG("fault-response-any-code",
	    "negative control: a page response with a code other than SUCCESS/INVALID is taken",
	    "FAULT-2", MB_FAULT_RESPONSE_ANY_CODE),
	NEG("detach-keeps-faults",
	    "negative control: detaching an HWPT leaves its page requests queued and answerable (no automatic response)",
	    "FAULT-3", MB_DETACH_KEEPS_FAULTS),
	NEG("access-pin-blocks",
	    "negative control: UNMAP of a range an emulated access has pinned fails EBUSY instead of asking the access to unpin",
	    "IOAS-17", MB_ACCESS_PIN_BLOCKS),
	NEG("pin-charge-per-area",
	    "negative control: each area pins and charges its pages, so a COPY charges the source's pages again",
	    "IOAS-18", MB_PIN_PER_AREA),
	NEG("memlock-unenforced",
	    "negative control: a task without CAP_IPC_LOCK pins past RLIMIT_MEMLOCK (the per-user charge has no limit)",
	    "IOAS-19", MB_MEMLOCK_UNENFORCED),
	NEG("rlimit-mode-charges-user",
	    "negative control: RLIMIT_MODE 1 still charges the user, so the process's locked_vm (VmLck) never moves",
	    "IOAS-20", MB_MM_MODE_CHARGES_USER),
	NEG("change-process-keeps-charge",
	    "negative control: CHANGE_PROCESS charges the new process but leaves the old one charged too",
	    "IOAS-21", MB_CHANGE_PROCESS_KEEPS_CHARGE),
	NEG("detach-keeps-pins",
	    "negative control: when an IOAS loses its last domain its pages stay pinned (and counted) until they are unmapped",
	    "OBJ-12", MB_DETACH_KEEPS_PINS),
	NEG("access-pin-uncharged",
	    "negative control: an emulated access's pins are neither counted (VmPin) nor charged against RLIMIT_MEMLOCK",
	    "IOAS-22", MB_ACCESS_PIN_UNCHARGED),
	NEG("cap-ipc-lock-at-pin",
	    "negative control: CAP_IPC_LOCK is looked at when pages are pinned, not when they were mapped, so a holder's pins of pages mapped without it are not charged",
	    "IOAS-23", MB_CAP_AT_PIN_TIME),
	NEG("dirty-reenable-first-only",
	    "negative control: enabling dirty tracking clears the stale bits of the IOAS's first mapping only",
	    "DIRTY-5", MB_DIRTY_REENABLE_FIRST_ONLY),
	NEG("dirty-first-area-only",
	    "negative control: GET_DIRTY_BITMAP over several mappings reports the first one only",
	    "DIRTY-6", MB_DIRTY_FIRST_AREA_ONLY),
	NEG("dirty-one-bit",
	    "negative control: a dirty IOMMU page sets one bit of a finer bitmap, not every bit it covers",
	    "DIRTY-7", MB_DIRTY_ONE_BIT),
	NEG("dirty-bitmap-u64-aligned",
	    "negative control: GET_DIRTY_BITMAP writes the bits from the u64 boundary below the bitmap's address (its byte offset dropped)",
	    "DIRTY-8", MB_DIRTY_BITMAP_U64_ALIGNED),
	NEG("hwpt-data-len-unchecked",
	    "negative control: HWPT_ALLOC with a data type and data_len 0 goes on without driver data",
	    "HWPT-6", MB_HWPT_DATA_LEN_UNCHECKED),
	NEG("paging-data-ignored",
	    "negative control: driver data on a paging HWPT_ALLOC is dropped and a plain domain allocated",
	    "HWPT-7", MB_PAGING_DATA_IGNORED),
	NEG("hw-info-type-uncleared",
	    "negative control: GET_HW_INFO reads in_data_type without IOMMU_HW_INFO_FLAG_INPUT_TYPE",
	    "OBJ-14", MB_HW_INFO_TYPE_UNCLEARED),
	NEG("invalidate-noop",
	    "negative control: HWPT_INVALIDATE reports every entry handled and drops nothing from the IOTLB",
	    "NEST-6", MB_INVALIDATE_NOOP),
	NEG("invalidate-count-asked",
	    "negative control: a HWPT_INVALIDATE that stops at a refused entry reports every entry handled",
	    "NEST-5", MB_INVALIDATE_COUNT_ASKED),
	NEG("hw-info-short-len",
	    "negative control: GET_HW_INFO reports the driver's blob 8 bytes short",
	    "OBJ-11", MB_HW_INFO_SHORT_LEN),
	/* The engine controls: a broken DMA engine on a correct IOMMU. They
	 * break the evidence, not a rule, so every DMA invariant must lose
	 * its PASS (tests/engine-controls.sh); DMA-1 is the one declared. */
	NEG("engine-never-moves",
	    "engine control: every transfer reports done and moves nothing",
	    "DMA-1", MB_ENGINE_NEVER_MOVES),
	NEG("engine-lands-all",
	    "engine control: the engine reaches any memory ever mapped at an IOVA, whatever the IOMMU says",
	    "DMA-4", MB_ENGINE_LANDS_ALL),
	NEG("engine-times-out",
	    "engine control: no transfer ever completes",
	    "DMA-1", MB_ENGINE_TIMES_OUT),
	{
		/* AMD geometry (paging domains without set_dev_pasid), but
		 * the missing op is reported as EINVAL. */
		.name = "pasid-nosupport-einval",
		.description = "negative control: AMD-like, a PASID attach the driver cannot do fails EINVAL instead of EOPNOTSUPP",
		.breaks = "PASID-10",
		AMD_BODY,
		.bug = MB_PASID_NOSUPPORT_EINVAL,
	},
	/* virtio-like: a driver without a hw_info op whose GET_HW_INFO
	 * claims another driver's type; no nesting either way, so only the
	 * type is wrong. */
	{
		.name = "hw-info-wrong-type",
		.description = "negative control: virtio-like, GET_HW_INFO reports the AMD type instead of NONE",
		.breaks = "OBJ-11",
		VIRTIO_BODY,
		.bug = MB_HW_INFO_WRONG_TYPE,
	},
	/* Device 0 on the instance without dirty tracking, which still
	 * reports IOMMU_HW_CAP_DIRTY_TRACKING. */
	{
		.name = "hw-info-dirty-unbacked",
		.description = "negative control: GET_HW_INFO reports the dirty capability on an IOMMU whose DIRTY_TRACKING allocation fails",
		.breaks = "OBJ-11",
		.nctx = T_MAX_CTX, SIX_DEVS(20), .niommu = 2,
		.iommu = { X86_IOMMU1, X86_IOMMU0 },
		.bug = MB_HW_INFO_DIRTY_UNBACKED,
	},
	NEG_SMMU("viommu-parent-unheld",
		 "negative control: SMMUv3-like, a vIOMMU takes no reference on its NEST_PARENT HWPT",
		 "NEST-4", MB_VIOMMU_PARENT_UNHELD),
	NEG_SMMU("vdev-virt-id-shared",
		 "negative control: SMMUv3-like, VDEVICE_ALLOC gives a second device a virt_id the vIOMMU already has",
		 "VIOMMU-1", MB_VDEV_VIRT_ID_SHARED),
	NEG_SMMU("vdev-no-tombstone",
		 "negative control: SMMUv3-like, unbind destroys the device's vDEVICE and frees its ID for the next object",
		 "VIOMMU-2", MB_VDEV_NO_TOMBSTONE),
	NEG_SMMU("vevent-lost-unmarked",
		 "negative control: SMMUv3-like, an event past the vEVENTQ depth is dropped without the lost-events record",
		 "VIOMMU-3", MB_VEVENT_LOST_UNMARKED),
	NEG("pasid0-refused",
	    "negative control: VFIO's PASID 0 is refused EINVAL (the core PASID API's rule) instead of attaching the RID",
	    "PASID-11", MB_PASID0_REFUSED),
	NEG("vfio-pt-flags-lax",
	    "negative control: ATTACH/DETACH_IOMMUFD_PT ignore unknown flag bits",
	    "PASID-12", MB_VFIO_PT_FLAGS_LAX),
	NEG("pasid-ida-unbounded",
	    "negative control: VFIO's PASID IDA takes PASIDs at or above 2^31; the core then judges them",
	    "PASID-13", MB_PASID_IDA_UNBOUNDED),
	NEG("reset-info-group-unowned",
	    "negative control: HOT_RESET_INFO reports an unbound device whose group the context owns as NOT_OWNED",
	    "OWN-9", MB_RESET_INFO_GROUP_UNOWNED),
	NEG("hot-reset-group-unowned",
	    "negative control: the cdev hot reset refuses (EINVAL) while an affected device is owned only through its group",
	    "OWN-10", MB_RESET_GROUP_UNOWNED),
	NEG_VIRTIO("unsafe-interrupts-ignored",
		   "negative control: virtio-like, BIND succeeds without MSI isolation even with allow_unsafe_interrupts off",
		   "OWN-8", MB_UNSAFE_INTR_IGNORED),
	NEG_SMMU("hw-queue-unlocked",
		 "negative control: SMMUv3-like, a HW queue pins its memory without locking it, so UNMAP of the queue's memory succeeds",
		 "VIOMMU-4", MB_HW_QUEUE_UNLOCKED),
	NEG_SMMU("viommu-inv-skips-unknown",
		 "negative control: SMMUv3-like, a vIOMMU invalidation entry naming a virt_id without a vDEVICE is skipped and counted as handled",
		 "VIOMMU-5", MB_VIOMMU_INV_SKIPS_UNKNOWN),
	NEG_SMMU("nested-viommu-unheld",
		 "negative control: SMMUv3-like, a nested HWPT on a vIOMMU takes no reference on it, so the vIOMMU can be destroyed under it",
		 "VIOMMU-6", MB_NESTED_VIOMMU_UNHELD),
	NEG_SMMU("hw-queue-no-depend",
		 "negative control: SMMUv3-like, a HW queue does not hold the queue of the previous index, which can then be destroyed first",
		 "VIOMMU-7", MB_HW_QUEUE_NO_DEPEND),
	NEG_SMMU("nested-attach-no-vdev",
		 "negative control: SMMUv3-like, a device attaches to a nested HWPT of a vIOMMU on which it has no vDEVICE",
		 "VIOMMU-8", MB_NESTED_ATTACH_NO_VDEV),
	NEG_SMMU("iopf-pasid-any-rid",
		 "negative control: SMMUv3-like, a page request on an unattached PASID goes to the RID's HWPT even when that is a paging HWPT",
		 "FAULT-4", MB_IOPF_PASID_ANY_RID),
	NEG_SMMU("mmap-any-length",
		 "negative control: SMMUv3-like, mmap of a vIOMMU's MMIO region accepts any length from the region's start",
		 "VIOMMU-9", MB_MMAP_ANY_LENGTH),
	NEG("detach-answers-queue",
	    "negative control: a detach answers every unread page request of the HWPT's fault queue, also those of other devices' attachments",
	    "FAULT-5", MB_DETACH_ANSWERS_QUEUE),
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
