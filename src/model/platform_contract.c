// SPDX-License-Identifier: GPL-2.0
/*
 * What the contract requires of a driver by its identity alone, independent
 * of anything the driver under test reports: its GET_HW_INFO type and
 * length, and the reserved regions it must have on this platform.
 *
 * The reserved regions: A driver that
 * forgets its MSI window still reports a consistent sysfs file and
 * IOVA_RANGES (both come from the same get_resv_regions()), so only this
 * table can turn that into a FAIL. Regions a driver may add on top (RMRR,
 * IVMD, RMR direct regions, the AMD HyperTransport hole unless the IOMMU
 * sets EFR HT_RANGE_IGNORE) are allowed differences, not requirements.
 */
#include <linux/iommufd.h>
#include <string.h>

#include "model.h"

struct resv_rule {
	const char *driver; /* kernel target profile name; NULL: any */
	bool x86;	    /* applies on x86 only / on arm64 only */
	struct iova_range range;
	const char *why;
};

static const struct resv_rule rules[] = {
	/* The x86 interrupt window is architectural: a DMA write there is an
	 * MSI, never memory (intel_iommu_get_resv_regions IOAPIC_RANGE_*,
	 * amd_iommu_get_resv_regions MSI_RANGE_*, virtio-iommu's probe). */
	{NULL,
	 true,
	 {0xfee00000ull, 0xfeefffffull},
	 "x86 MSI window (architectural)"},
	/* arm_smmu_get_resv_regions(): iommufd maps the MSI doorbell at the
	 * software MSI window itself (iommufd_sw_msi). */
	{"arm-smmu-v3",
	 false,
	 {0x8000000ull, 0x80fffffull},
	 "SMMU software MSI window (MSI_IOVA_BASE + 1 MiB)"},
	{"arm-smmu",
	 false,
	 {0x8000000ull, 0x80fffffull},
	 "SMMU software MSI window (MSI_IOVA_BASE + 1 MiB)"},
};

unsigned model_contract_resv(const char *driver, struct iova_range *out,
			     const char **why, unsigned max)
{
#if defined(__x86_64__) || defined(__i386__)
	const bool on_x86 = true;
#else
	const bool on_x86 = false;
#endif
	unsigned n = 0;

	if (!driver)
		return 0;
	for (unsigned i = 0; i < sizeof(rules) / sizeof(rules[0]) && n < max;
	     i++) {
		const struct resv_rule *r = &rules[i];

		if (r->x86 != on_x86)
			continue;
		if (r->driver && strcmp(r->driver, driver))
			continue;
		if (why)
			why[n] = r->why;
		out[n++] = r->range;
	}
	return n;
}

/*
 * The uAPI's one type per driver with a hw_info op, and its blob. Where the
 * op is built only with a Kconfig option (the driver's iommufd part), a
 * kernel without it reports NONE and length 0: an allowed difference
 * (GAP) that names the option, not a failure.
 */
static const struct {
	const char *driver;
	uint32_t type, len;
	const char *gated_by;
} hw_infos[] = {
	{ "intel-vtd", IOMMU_HW_INFO_TYPE_INTEL_VTD,
	  sizeof(struct iommu_hw_info_vtd), NULL },
	/* drivers/iommu/amd/iommufd.h: amd_iommufd_hw_info is NULL without
	 * it. */
	{ "amd-vi", IOMMU_HW_INFO_TYPE_AMD, sizeof(struct iommu_hw_info_amd),
	  "CONFIG_AMD_IOMMU_IOMMUFD" },
	/* arm_smmu_hw_info lives in arm-smmu-v3-iommufd.c. */
	{ "arm-smmu-v3", IOMMU_HW_INFO_TYPE_ARM_SMMUV3,
	  sizeof(struct iommu_hw_info_arm_smmuv3), "CONFIG_ARM_SMMU_V3_IOMMUFD" },
	/* No hw_info op: iommufd_get_hw_info() reports NONE and length 0. */
	{ "virtio-iommu", IOMMU_HW_INFO_TYPE_NONE, 0, NULL },
	{ "arm-smmu", IOMMU_HW_INFO_TYPE_NONE, 0, NULL },
};

/*
 * Drivers that cannot track dirty pages at all, whatever the hardware:
 * no IOMMU_CAP_DIRTY_TRACKING in their capable() op and no dirty_ops
 * (viommu_capable, arm_smmu_capable of the v2 driver). For the others the
 * bit is the hardware's (VT-d SSADS, AMD HD, SMMUv3 HTTU): no expectation.
 */
static const char *const never_dirty[] = {"virtio-iommu", "arm-smmu"};

bool model_contract_dirty(const char *driver, bool *dirty)
{
	for (unsigned i = 0;
	     driver && i < sizeof(never_dirty) / sizeof(never_dirty[0]); i++)
		if (!strcmp(never_dirty[i], driver)) {
			*dirty = false;
			return true;
		}
	return false;
}

bool model_contract_hw_info(const char *driver, uint32_t *type, uint32_t *len,
			    const char **gated_by)
{
	for (unsigned i = 0; driver && i < sizeof(hw_infos) / sizeof(hw_infos[0]);
	     i++)
		if (!strcmp(hw_infos[i].driver, driver)) {
			*type = hw_infos[i].type;
			*len = hw_infos[i].len;
			*gated_by = hw_infos[i].gated_by;
			return true;
		}
	return false;
}

/*
 * MSI isolation by the driver's identity (iommu_group_has_isolated_msi(),
 * OWN-8): on x86 only interrupt remapping isolates MSIs, and
 * virtio-iommu has none (viommu_capable() has no IOMMU_CAP_INTR_REMAP and
 * x86 has no MSI domain of its own for it), so no virtio-iommu group is
 * isolated. Whether VT-d or AMD-Vi remap interrupts depends on the
 * platform (the vIOMMU's intremap setting): not known by identity.
 */
int model_contract_msi_isolation(const char *driver)
{
#if defined(__x86_64__) || defined(__i386__)
	if (driver && !strcmp(driver, "virtio-iommu"))
		return -1;
#else
	(void)driver;
#endif
	return 0;
}
