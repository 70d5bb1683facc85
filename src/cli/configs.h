/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reader of vm/configs.cfg, the guest configurations of `make vm-check`
 * (`iommu-conformance configs`). The harness reads the file with vm/cfg.sh
 * (awk); this reader takes a value exactly as cfg_get there does (a
 * stanza's key, else [defaults]'s, else none) and refuses what cfg.sh would
 * silently misread: a line that is no stanza, comment or key = value (awk
 * skips it), a stanza or key given twice (the last one wins in awk), a key
 * outside a stanza or not in the documented set (a typo reads as unset),
 * a stanza name unfit for a file name, CRLF endings (awk keeps the '\r' in
 * the value) and NUL bytes.
 */
#ifndef IC_CONFIGS_H
#define IC_CONFIGS_H

#include <stddef.h>
#include <stdio.h>

#define CFG_DEFAULTS "defaults"

struct cfg_entry {
	char *key;
	char *value; /* trimmed of blanks at both ends, may be empty */
	unsigned line;
};

struct cfg_stanza {
	char *name;
	unsigned line;
	struct cfg_entry *e;
	unsigned n;
};

struct cfg_file {
	struct cfg_stanza *s; /* in file order, [defaults] among them */
	unsigned n;
};

/* Parse in (name: for messages) into c: 0, or -1 with why
 * ("NAME:LINE: ..."); c is to be freed with cfg_free() either way. */
int cfg_parse(FILE *in, const char *name, struct cfg_file *c, char *why,
	      size_t why_len);
const struct cfg_stanza *cfg_stanza(const struct cfg_file *c, const char *name);
/* The stanza's value of key, else [defaults]'s, else NULL. */
const char *cfg_get(const struct cfg_file *c, const char *stanza,
		    const char *key);
/* The documented keys (vm/configs.cfg's header), n of them. */
const char *const *cfg_keys(unsigned *n);
/* Is key one of them? */
int cfg_known_key(const char *key);
void cfg_free(struct cfg_file *c);

#endif
