// SPDX-License-Identifier: GPL-2.0
/*
 * The oracle for a kernel or mock target: a conforming model profile built
 * from that target's discovered capabilities, so expected results follow
 * the contract under the target's own geometry rather than what the target
 * returned. From the target: devices, groups, IOMMU instances and their
 * apertures (the contract lets those differ), the reserved regions it adds
 * on top of the contract's. From the contract or the platform, never from
 * GET_HW_INFO: the PASID width (dev_caps.max_pasid_log2_expected) and the
 * dirty capability (dirty_expected). Where neither has a source (a PASID-
 * capable PCI device's IOMMU width, a driver whose dirty bit is the
 * hardware's) the reported value is taken, and the profile's description
 * says which.
 */
#include <stdio.h>
#include <string.h>

#include "mirror.h"

static uint8_t pasid_width(const struct dev_caps *d, bool *taken)
{
	if (d->pasid_known)
		return d->max_pasid_log2_expected;
	*taken = true;
	return d->max_pasid_log2;
}

static bool dirty_cap(const struct dev_caps *d, bool *taken)
{
	if (d->dirty_known)
		return d->dirty_expected;
	*taken = true;
	return d->dirty_tracking;
}

#define MIRROR_NAME "mirror"

void mirror_profile(struct model_profile *p, const struct target_caps *caps)
{
	uint32_t iommu_ids[MODEL_MAX_IOMMU];
	bool pasid_taken = false, dirty_taken = false;

	memset(p, 0, sizeof(*p));
	p->name = MIRROR_NAME;
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
			/* The target's aperture for the instance when it
			 * knows one; else one the explorer's IOVA slots sit
			 * far below, as under every driver's top. */
			mi->aperture_end = (1ull << 48) - 1;
			if (d->iommu < T_MAX_DEVS &&
			    caps->iommu_aperture[d->iommu].last) {
				mi->aperture_start =
					caps->iommu_aperture[d->iommu].start;
				mi->aperture_end =
					caps->iommu_aperture[d->iommu].last;
			}
			mi->dirty = dirty_cap(d, &dirty_taken);
			mi->pasid_paging = pasid_width(d, &pasid_taken) > 0;
			mi->dirty_with_pasid = true;
			mi->dirty_on_pasid = true;
			mi->hw_info_type = d->hw_info_type;
			/* The contract's regions first, so a driver that
			 * forgot one differs from its oracle; then what it
			 * reports on top (RMRR and the like are allowed). */
			mi->nresv = 0;
			for (unsigned r = 0; r < d->nresv_required &&
					     mi->nresv < MODEL_MAX_RESV; r++)
				mi->resv[mi->nresv++] = d->resv_required[r];
			for (unsigned r = 0;
			     r < d->nresv && mi->nresv < MODEL_MAX_RESV; r++)
				mi->resv[mi->nresv++] = d->resv[r];
		}
		p->dev[p->ndev].group = d->group;
		p->dev[p->ndev].iommu = k;
		p->dev[p->ndev].max_pasid_log2 = pasid_width(d, &pasid_taken);
		p->ndev++;
	}
	if (pasid_taken && dirty_taken)
		p->description = "conforming model with the target's geometry; PASID width and dirty bit of some devices as the target reports them (no independent source)";
	else if (pasid_taken)
		p->description = "conforming model with the target's geometry; PASID width of some devices as the target reports it (no independent source)";
	else if (dirty_taken)
		p->description = "conforming model with the target's geometry; dirty bit of some devices as the target reports it (no independent source)";
	else
		p->description = "conforming model with the target's geometry; PASID width and dirty bit from the contract";
}

/* The conforming profile with p's geometry: a negative control's oracle
 * differs from it only by the bug; NULL when none has it. */
static const char *conforming_twin(const struct model_profile *p)
{
	unsigned n;
	const struct model_profile *all = model_profiles(&n);

	for (unsigned i = 0; i < n; i++) {
		const struct model_profile *q = &all[i];

		if (q->breaks && q->breaks[0])
			continue;
		if (q->nctx == p->nctx && q->ndev == p->ndev &&
		    q->niommu == p->niommu &&
		    !memcmp(q->dev, p->dev, sizeof(q->dev)) &&
		    !memcmp(q->iommu, p->iommu, sizeof(q->iommu)))
			return q->name;
	}
	return NULL;
}

int explore_oracle(const struct target_caps *caps, const char *oracle,
		   struct target_config *ocfg, struct model_profile *mirror,
		   char *why, size_t why_len)
{
	const char *name = oracle ? oracle : caps->profile;
	const struct model_profile *p;

	memset(ocfg, 0, sizeof(*ocfg));
	ocfg->target = "model";
	if (!oracle && !caps->reference_model) {
		mirror_profile(mirror, caps);
		ocfg->model_profile = mirror;
		return 0;
	}
	p = model_profile_find(name);
	if (!p) {
		snprintf(why, why_len, "unknown model profile '%s' (see list --profiles)",
			 name);
		return -1;
	}
	if (oracle || !p->breaks || !p->breaks[0]) {
		ocfg->profile = p->name;
		return 0;
	}
	ocfg->profile = conforming_twin(p);
	if (!ocfg->profile) {
		/* No conforming profile has its geometry: the same profile
		 * without its bug, so only the bug can diverge. */
		*mirror = *p;
		mirror->bug = MB_NONE;
		mirror->breaks = "";
		mirror->description = "the negative control's own geometry without its bug (no conforming profile has it)";
		ocfg->model_profile = mirror;
	}
	return 0;
}

bool explore_oracle_is_mirror(const struct target_config *ocfg)
{
	return ocfg->model_profile &&
	       !strcmp(ocfg->model_profile->name, MIRROR_NAME);
}
