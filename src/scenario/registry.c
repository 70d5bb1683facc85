// SPDX-License-Identifier: GPL-2.0
/* The scenario registry: filled by constructors, read sorted by id. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

#define MAX_SCENARIOS 1024

static const struct scenario *registry[MAX_SCENARIOS];
static unsigned nregistered;
static bool sorted;

void scenario_register(const struct scenario *sc)
{
	if (nregistered == MAX_SCENARIOS) {
		fprintf(stderr, "error: more than %d scenarios\n", MAX_SCENARIOS);
		exit(2);
	}
	registry[nregistered++] = sc;
	sorted = false;
}

static int by_id(const void *a, const void *b)
{
	const struct scenario *const *x = a, *const *y = b;

	return strcmp((*x)->id, (*y)->id);
}

const struct scenario *const *scenario_all(unsigned *n)
{
	if (!sorted) {
		qsort(registry, nregistered, sizeof(registry[0]), by_id);
		sorted = true;
	}
	*n = nregistered;
	return registry;
}

static unsigned count_pasid_devs(const struct target_caps *caps)
{
	unsigned n = 0;

	for (unsigned i = 0; i < caps->ndev; i++)
		n += caps->dev[i].max_pasid_log2 > 0;
	return n;
}

static bool has_pair(const struct target_caps *caps, bool same_group,
		     bool need_pasid)
{
	for (unsigned a = 0; a < caps->ndev; a++)
		for (unsigned b = a + 1; b < caps->ndev; b++) {
			const struct dev_caps *x = &caps->dev[a], *y = &caps->dev[b];

			if (need_pasid && (!x->max_pasid_log2 || !y->max_pasid_log2))
				continue;
			if (same_group ? x->group == y->group
				       : x->group != y->group && x->iommu == y->iommu)
				return true;
		}
	return false;
}

const char *scenario_unmet(const struct scenario *sc,
			   const struct target_caps *caps)
{
	static char why[160];
	unsigned need = sc->min_devs ? sc->min_devs : 1;
	unsigned r = sc->requires;

	if (caps->ndev < need) {
		/* The notes say which devices the target left out. */
		bool say = caps->notes[0] && caps->ndev_left_out;

		snprintf(why, sizeof(why), "needs %u device(s), target has %u%s%.100s%s",
			 need, caps->ndev, say ? " (" : "", say ? caps->notes : "",
			 say ? ")" : "");
		return why;
	}
	if ((r & REQ_DMA) && caps->dma != DMA_REAL && caps->dma != DMA_MODELLED)
		return caps->dma == DMA_PROBED ?
			"needs a DMA engine (this target only has a translation probe)" :
			"needs a DMA engine";
	if ((r & REQ_REAL_DMA) && caps->dma != DMA_REAL)
		return "needs a real DMA master";
	if ((r & REQ_PASID) && (!caps->pasid_uapi || !count_pasid_devs(caps)))
		return caps->pasid_uapi ? "needs a PASID-capable device" :
			"kernel lacks the VFIO PASID attach uAPI";
	if ((r & REQ_2PASID_DEVS) && !has_pair(caps, false, true))
		return "needs two PASID-capable devices in different groups";
	if ((r & REQ_GROUP2) && !has_pair(caps, true, false))
		return "needs two devices sharing one iommu group";
	if ((r & REQ_2GROUPS) && !has_pair(caps, false, false))
		return "needs two devices in different groups on one IOMMU";
	if ((r & REQ_HWPT_ALLOC) && !caps->hwpt_alloc)
		return "kernel lacks IOMMU_HWPT_ALLOC";
	if ((r & REQ_2CTX) && caps->nctx < 2)
		return "needs two iommufd contexts";
	if ((r & REQ_FAULT_INJECT) && !caps->fault_inject)
		return "needs fault injection (fail-nth)";
	if (r & REQ_DIRTY) {
		bool any = false;

		for (unsigned i = 0; i < caps->ndev; i++)
			any |= caps->dev[i].dirty_tracking;
		if (!any)
			return "no device reports IOMMU_HW_CAP_DIRTY_TRACKING";
	}
	return NULL;
}
