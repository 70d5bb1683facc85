// SPDX-License-Identifier: GPL-2.0
/*
 * The table of targets: the one place that knows their names. The CLI's
 * --target check and usage text come from it; target_open() and
 * target_discover() pick from it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target.h"

static const struct target_kind kinds[] = {
	{ "model", "the reference model of the iommu core, in software (--profile)",
	  model_target_open, NULL },
	{ "mock", "the kernel's iommufd selftest driver (CONFIG_IOMMUFD_TEST)",
	  mock_target_open, NULL },
	{ "kernel", "real IOMMU drivers through /dev/iommu and VFIO cdevs (--device)",
	  kernel_target_open, kernel_target_discover },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

const struct target_kind *target_kinds(unsigned *n)
{
	*n = NKINDS;
	return kinds;
}

const struct target_kind *target_kind_find(const char *name)
{
	if (!name)
		return &kinds[0];
	for (unsigned i = 0; i < NKINDS; i++)
		if (!strcmp(kinds[i].name, name))
			return &kinds[i];
	return NULL;
}

static const struct target_kind *kind_of(const struct target_config *cfg,
					 char *why, size_t why_len)
{
	const struct target_kind *k = target_kind_find(cfg->target);
	size_t n;

	if (k)
		return k;
	n = snprintf(why, why_len, "unknown target '%s' (", cfg->target);
	for (unsigned i = 0; i < NKINDS && n < why_len; i++)
		n += snprintf(why + n, why_len - n, "%s%s", i ? ", " : "",
			      kinds[i].name);
	if (n < why_len)
		snprintf(why + n, why_len - n, ")");
	return NULL;
}

struct target *target_open(const struct target_config *cfg, char *why,
			   size_t why_len, bool *skip)
{
	const struct target_kind *k = kind_of(cfg, why, why_len);

	*skip = false;
	return k ? k->open(cfg, why, why_len, skip) : NULL;
}

void target_close(struct target *t)
{
	if (t)
		t->ops->close(t);
}

static const char *last_op = "?";

void t_note_op(const char *op)
{
	last_op = op;
}

const char *t_last_op(void)
{
	return last_op;
}

struct target_discovery *target_discover(const struct target_config *cfg,
					 char *why, size_t why_len,
					 bool *skip)
{
	const struct target_kind *k = kind_of(cfg, why, why_len);
	struct target_discovery *d;
	struct target *t;

	*skip = false;
	if (!k)
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	d->kind = k;
	if (k->discover) {
		if (!k->discover(cfg, d, why, why_len, skip))
			return d;
		free(d);
		return NULL;
	}
	t = k->open(cfg, why, why_len, skip);
	if (!t) {
		free(d);
		return NULL;
	}
	d->caps = t->caps;
	target_close(t);
	return d;
}

void target_discovery_free(struct target_discovery *d)
{
	if (!d)
		return;
	if (d->free_facts)
		d->free_facts(d->facts);
	free(d);
}
