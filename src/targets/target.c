// SPDX-License-Identifier: GPL-2.0
/* Pick a target implementation by name. */
#include <stdio.h>
#include <string.h>

#include "target.h"

struct target *target_open(const struct target_config *cfg, char *why,
			   size_t why_len, bool *skip)
{
	*skip = false;
	if (!cfg->target || !strcmp(cfg->target, "model"))
		return model_target_open(cfg, why, why_len, skip);
	if (!strcmp(cfg->target, "kernel"))
		return kernel_target_open(cfg, why, why_len, skip);
	if (!strcmp(cfg->target, "mock"))
		return mock_target_open(cfg, why, why_len, skip);
	snprintf(why, why_len, "unknown target '%s' (model, mock, kernel)",
		 cfg->target);
	return NULL;
}

void target_close(struct target *t)
{
	if (t)
		t->ops->close(t);
}
