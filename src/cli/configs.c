// SPDX-License-Identifier: GPL-2.0
/* vm/configs.cfg: stanzas of "key = value" lines (configs.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../base/lines.h"
#include "../base/xalloc.h"
#include "configs.h"

/* The keys vm/configs.cfg's header documents. */
static const char *const known_keys[] = {
	"arch",	   "qemu",	   "machine",	   "qemu_min", "qemu_patches",
	"accel",   "cpu",	   "smp",	   "memory",   "viommu",
	"devices", "shared_group", "base_cmdline", "cmdline",  "args",
	"cmd",	   "files",	   "matrix",	   "timeout",  "stall",
	"ktap",	   "ktap_dev",	   "note",	   "optin",
};

const char *const *cfg_keys(unsigned *n)
{
	*n = sizeof(known_keys) / sizeof(*known_keys);
	return known_keys;
}

int cfg_known_key(const char *key)
{
	for (unsigned i = 0; i < sizeof(known_keys) / sizeof(*known_keys); i++)
		if (!strcmp(key, known_keys[i]))
			return 1;
	return 0;
}

static int all_of(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr(set, s[i]))
			return 0;
	return 1;
}

#define NAME_CHARS                                                       \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" \
	"._-"
#define KEY_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_"
#define BLANKS " \t"

const struct cfg_stanza *cfg_stanza(const struct cfg_file *c, const char *name)
{
	for (unsigned i = 0; i < c->n; i++)
		if (!strcmp(c->s[i].name, name))
			return &c->s[i];
	return NULL;
}

static const char *stanza_value(const struct cfg_stanza *s, const char *key)
{
	for (unsigned i = 0; s && i < s->n; i++)
		if (!strcmp(s->e[i].key, key))
			return s->e[i].value;
	return NULL;
}

const char *cfg_get(const struct cfg_file *c, const char *stanza,
		    const char *key)
{
	const char *v = stanza_value(cfg_stanza(c, stanza), key);

	return v ? v : stanza_value(cfg_stanza(c, CFG_DEFAULTS), key);
}

static int fail(char *why, size_t why_len, const char *name, unsigned line,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(char *why, size_t why_len, const char *name, unsigned line,
		const char *fmt, ...)
{
	int n = snprintf(why, why_len, "%s:%u: ", name, line);
	va_list ap;

	if (n >= 0 && (size_t)n < why_len) {
		va_start(ap, fmt);
		vsnprintf(why + n, why_len - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* "[name]" (blanks may follow): the stanza, or -1 with why. */
static int stanza_line(struct cfg_file *c, const char *p, size_t len,
		       const char *name, unsigned line, char *why,
		       size_t why_len)
{
	size_t n = strspn(p + 1, NAME_CHARS);
	struct cfg_stanza *s;

	if (!n || p[1 + n] != ']' || !all_of(p + 2 + n, len - 2 - n, BLANKS))
		return fail(why, why_len, name, line,
			    "not a stanza line (want [NAME], NAME of letters, "
			    "digits, '.', '_', '-'): %.40s",
			    p);
	for (unsigned i = 0; i < c->n; i++)
		if (strlen(c->s[i].name) == n &&
		    !strncmp(c->s[i].name, p + 1, n))
			return fail(why, why_len, name, line,
				    "stanza [%.*s] again (first at line %u)",
				    (int)n, p + 1, c->s[i].line);
	c->s = xrealloc(c->s, (c->n + 1) * sizeof(*c->s));
	s = &c->s[c->n++];
	memset(s, 0, sizeof(*s));
	s->name = xstrndup(p + 1, n);
	s->line = line;
	return 0;
}

/* "key = value" inside a stanza, or -1 with why. */
static int key_line(struct cfg_file *c, const char *p, size_t len,
		    const char *name, unsigned line, char *why, size_t why_len)
{
	const char *eq = memchr(p, '=', len), *k = p + strspn(p, BLANKS), *v;
	size_t kn, vn;
	struct cfg_stanza *s = c->n ? &c->s[c->n - 1] : NULL;
	struct cfg_entry *e;

	if (!eq)
		return fail(
			why, why_len, name, line,
			"neither a stanza, a comment nor key = value: %.40s",
			p);
	kn = (size_t)(eq - k);
	while (kn && strchr(BLANKS, k[kn - 1]))
		kn--;
	if (!kn || !all_of(k, kn, KEY_CHARS))
		return fail(
			why, why_len, name, line,
			"not a key (lower-case letters, digits, '_'): '%.*s'",
			(int)(kn < 40 ? kn : 40), k);
	if (!s)
		return fail(why, why_len, name, line,
			    "key %.*s outside a stanza", (int)kn, k);
	v = eq + 1 + strspn(eq + 1, BLANKS);
	vn = len - (size_t)(v - p);
	while (vn && strchr(BLANKS, v[vn - 1]))
		vn--;
	for (unsigned i = 0; i < s->n; i++)
		if (strlen(s->e[i].key) == kn && !strncmp(s->e[i].key, k, kn))
			return fail(why, why_len, name, line,
				    "[%s] sets %.*s again (first at line %u)",
				    s->name, (int)kn, k, s->e[i].line);
	s->e = xrealloc(s->e, (s->n + 1) * sizeof(*s->e));
	e = &s->e[s->n++];
	e->key = xstrndup(k, kn);
	e->value = xstrndup(v, vn);
	e->line = line;
	if (!cfg_known_key(e->key))
		return fail(why, why_len, name, line,
			    "unknown key '%s' (the keys are listed at the top "
			    "of vm/configs.cfg)",
			    e->key);
	return 0;
}

struct cfg_read {
	struct cfg_file *c;
	const char *name;
	char *why;
	size_t why_len;
	unsigned lineno; /* the last line read */
};

static int cfg_line(void *arg, char *buf, size_t len, unsigned lineno)
{
	struct cfg_read *rd = arg;
	size_t lead = strspn(buf, BLANKS);

	rd->lineno = lineno;
	if (strlen(buf) != len)
		return fail(rd->why, rd->why_len, rd->name, lineno,
			    "a NUL byte");
	if (memchr(buf, '\r', len))
		return fail(rd->why, rd->why_len, rd->name, lineno,
			    "a carriage return (CRLF line endings?)");
	if (lead == len || buf[lead] == '#')
		return 0;
	if (buf[0] == '[')
		return stanza_line(rd->c, buf, len, rd->name, lineno, rd->why,
				   rd->why_len);
	return key_line(rd->c, buf, len, rd->name, lineno, rd->why,
			rd->why_len);
}

int cfg_parse(FILE *in, const char *name, struct cfg_file *c, char *why,
	      size_t why_len)
{
	struct cfg_read rd = {c, name, why, why_len, 0};

	memset(c, 0, sizeof(*c));
	if (line_each(in, cfg_line, &rd))
		return -1;
	if (ferror(in))
		return fail(why, why_len, name, rd.lineno, "read error");
	return 0;
}

void cfg_free(struct cfg_file *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		for (unsigned j = 0; j < c->s[i].n; j++) {
			free(c->s[i].e[j].key);
			free(c->s[i].e[j].value);
		}
		free(c->s[i].e);
		free(c->s[i].name);
	}
	free(c->s);
	memset(c, 0, sizeof(*c));
}
