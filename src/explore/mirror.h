/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IC_MIRROR_H
#define IC_MIRROR_H

#include "../model/model.h"

/* Fill *p: a conforming model profile with caps' geometry. */
void mirror_profile(struct model_profile *p, const struct target_caps *caps);

#endif
