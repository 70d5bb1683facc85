// SPDX-License-Identifier: GPL-2.0
/* The owner's region and the reach probe's mappings for the engine fakes
 * (own_fake.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../src/dma/dma.h"
#include "own_fake.h"
#include "unit.h"

struct probe_maps probe_maps;

int cfg_fake_read(void *arg, uint64_t off, void *buf, size_t len)
{
	struct cfg_fake *c = arg;

	if (off == 0)
		memcpy(buf, c->ids, len);
	else if (off == 4)
		memcpy(buf, &c->cmd, len);
	else if (off == 8)
		memcpy(buf, &c->rev_class, len);
	return 0;
}

int cfg_fake_write(void *arg, uint64_t off, const void *buf, size_t len)
{
	struct cfg_fake *c = arg;

	if (off == 4)
		memcpy(&c->cmd, buf, len);
	return 0;
}

int own_fake_get(void *arg, size_t len, void **uva, uint64_t *iova, char *why,
		 size_t why_len)
{
	const struct own_fake *o = arg;

	if (!*o->ok || len > o->len) {
		snprintf(why, why_len, "device not attached");
		return -ENOLINK;
	}
	*uva = o->uva;
	*iova = o->iova;
	return 0;
}

int probe_maps_map(void *arg, void *uva, size_t len, uint64_t iova)
{
	struct probe_maps *m = &probe_maps;

	if (m->n == sizeof(m->uva) / sizeof(m->uva[0]))
		return -ENOSPC;
	m->uva[m->n] = uva;
	m->iova[m->n] = iova;
	m->len[m->n++] = len;
	return 0;
}

unsigned char *probe_maps_xl(uint64_t iova)
{
	const struct probe_maps *m = &probe_maps;

	for (unsigned i = 0; i < m->n; i++)
		if (iova >= m->iova[i] && iova < m->iova[i] + m->len[i])
			return m->uva[i] + (iova - m->iova[i]);
	return NULL;
}

unsigned char *toy_xl(const struct toy_window *w, unsigned n, uint64_t iova)
{
	unsigned char *p = probe_maps_xl(iova);

	for (unsigned i = 0; !p && i < n; i++)
		if (*w[i].mapped && iova >= w[i].iova &&
		    iova < w[i].iova + w[i].len)
			p = w[i].uva + (iova - w[i].iova);
	return p;
}

struct dma_engine *probe_reach_own(const struct dma_engine_driver *drv,
				   struct dma_dev_io *io, const char *name,
				   bool *own_mapped, bool *mem_mapped,
				   size_t own_len)
{
	const struct iova_range r = {0, (1ull << 39) - 1};
	struct dma_reach_env env = {probe_maps_map, &r, 1, NULL};
	struct dma_engine *e = NULL;
	uint64_t reach = 0;
	bool landed = false;
	char why[160];

	probe_maps.n = 0;
	EXPECT_EQ(dma_engine_open(drv, io, name, NULL, DMA_WAIT_POLL, 0, &e,
				  why, sizeof(why)),
		  0);
	if (!e)
		return NULL;
	*own_mapped = *mem_mapped = false;
	EXPECT_EQ(dma_engine_probe_reach(e, &env, &reach, &landed, why,
					 sizeof(why)),
		  0);
	EXPECT(landed);
	EXPECT_EQ(probe_maps.n, 4);
	EXPECT_EQ(probe_maps.len[3], own_len);
	EXPECT_EQ(reach, 1ull << 39);
	return e;
}
