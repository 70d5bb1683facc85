// SPDX-License-Identifier: GPL-2.0
/*
 * The oracle for a kernel or mock target: a conforming model profile built
 * from that target's discovered capabilities (devices, groups, IOMMU
 * instances, PASID width, dirty tracking, reserved regions), so expected
 * results follow the contract under the target's own geometry rather than
 * what the target returned.
 */
#include <string.h>

#include "mirror.h"

void mirror_profile(struct model_profile *p, const struct target_caps *caps)
{
	uint32_t iommu_ids[MODEL_MAX_IOMMU];

	memset(p, 0, sizeof(*p));
	p->name = "mirror";
	p->description = "conforming model with the target's geometry";
	p->breaks = "";
	p->nctx = caps->nctx ? caps->nctx : 1;
	for (unsigned i = 0; i < caps->ndev && p->ndev < T_MAX_DEVS; i++) {
		const struct dev_caps *d = &caps->dev[i];
		unsigned k;

		for (k = 0; k < p->niommu; k++)
			if (iommu_ids[k] == d->iommu)
				break;
		if (k == p->niommu) {
			struct model_iommu *mi;

			if (p->niommu == MODEL_MAX_IOMMU)
				k = MODEL_MAX_IOMMU - 1;
			else
				iommu_ids[p->niommu++] = d->iommu;
			mi = &p->iommu[k];
			/* The aperture is not part of the caps; explorer
			 * IOVA slots sit far below every driver's top. */
			mi->aperture_end = (1ull << 48) - 1;
			/* The mock driver's fixed aperture (iommufd selftest
			 * MOCK_APERTURE_START/LAST). */
			if (caps->target && !strcmp(caps->target, "mock")) {
				mi->aperture_start = 1ull << 24;
				mi->aperture_end = (1ull << 31) - 1;
			}
			mi->dirty = d->dirty_tracking;
			mi->pasid_paging = d->max_pasid_log2 > 0;
			mi->dirty_with_pasid = true;
			mi->dirty_on_pasid = true;
			mi->hw_info_type = d->hw_info_type;
			mi->nresv = d->nresv < MODEL_MAX_RESV ? d->nresv : MODEL_MAX_RESV;
			memcpy(mi->resv, d->resv, mi->nresv * sizeof(mi->resv[0]));
		}
		p->dev[p->ndev].group = d->group;
		p->dev[p->ndev].iommu = k;
		p->dev[p->ndev].max_pasid_log2 = d->max_pasid_log2;
		p->ndev++;
	}
}
