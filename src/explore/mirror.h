/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IC_MIRROR_H
#define IC_MIRROR_H

#include <stddef.h>

#include "../model/model.h"
#include "../targets/target.h"

/* Fill *p: a conforming model profile with caps' geometry. */
void mirror_profile(struct model_profile *p, const struct target_caps *caps);

/*
 * The explorer's oracle for a target with caps, into *ocfg (a model): the
 * profile oracle when given; for the reference model its own profile when
 * that conforms, else the conforming profile of its geometry, else *mirror:
 * the same profile without its bug; for any other target *mirror, built
 * from its caps. Returns 0,
 * or -1 with why for an unknown oracle profile.
 */
/* Whether ocfg's oracle is a mirror built from caps by explore_oracle()
 * (it has no formats of the driver's own: nesting, vIOMMU, faults, and
 * none of what the memory-side steps compare). */
bool explore_oracle_is_mirror(const struct target_config *ocfg);

int explore_oracle(const struct target_caps *caps, const char *oracle,
		   struct target_config *ocfg, struct model_profile *mirror,
		   char *why, size_t why_len);

#endif
