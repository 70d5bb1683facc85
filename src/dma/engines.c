// SPDX-License-Identifier: GPL-2.0
/*
 * The table of DMA engine drivers, and picking one for a device by its PCI
 * vendor:device. A new engine is one more file like edu.c and one more line
 * here; the CLI's --dma-engine and its usage text come from this table.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dma.h"

static const struct dma_engine_driver *const drivers[] = {
	&edu_driver,
	&edu_pasid_driver,
	&nvme_driver,
	&e1000e_driver,
	&igb_driver,
};

const struct dma_engine_driver *const *dma_engine_drivers(unsigned *n)
{
	*n = sizeof(drivers) / sizeof(drivers[0]);
	return drivers;
}

const struct dma_engine_driver *dma_engine_driver_find(const char *name)
{
	for (unsigned i = 0; name && i < sizeof(drivers) / sizeof(drivers[0]);
	     i++)
		if (!strcmp(drivers[i]->name, name))
			return drivers[i];
	return NULL;
}

int dma_engine_match(const struct dma_dev_io *io, const char *devname,
		     const struct dma_engine_driver *only,
		     const struct dma_engine_driver **drv, char *why,
		     size_t why_len)
{
	uint32_t rev_class = 0;
	uint16_t ids[2];
	int ret;

	*drv = NULL;
	ret = io->cfg_read(io->arg, 0, ids, sizeof(ids));
	if (!ret)
		ret = io->cfg_read(io->arg, 8, &rev_class, sizeof(rev_class));
	if (ret) {
		snprintf(why, why_len, "%s: config space read failed (%d)",
			 devname, ret);
		return ret;
	}
	for (unsigned i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		const struct dma_engine_driver *d = drivers[i];

		if ((!only || d == only) &&
		    ((d->vendor == ids[0] && d->device == ids[1]) ||
		     (d->pci_class && d->pci_class == rev_class >> 8))) {
			*drv = d;
			return 0;
		}
	}
	if (only)
		snprintf(why, why_len, "%s: %04x:%04x is not a device the %s engine drives (%04x:%04x)",
			 devname, ids[0], ids[1], only->name, only->vendor,
			 only->device);
	else
		snprintf(why, why_len, "%s: %04x:%04x is not a device with a DMA engine here",
			 devname, ids[0], ids[1]);
	return -ENODEV;
}

int dma_engine_probe(const struct dma_dev_io *io, const char *devname,
		     const struct dma_bounce *bounce, enum dma_wait wait,
		     struct dma_engine **out, char *why, size_t why_len)
{
	const struct dma_engine_driver *drv;
	int ret;

	*out = NULL;
	ret = dma_engine_match(io, devname, NULL, &drv, why, why_len);
	if (ret)
		return ret;
	return dma_engine_open(drv, io, devname, bounce, wait, 0, out, why,
			       why_len);
}
