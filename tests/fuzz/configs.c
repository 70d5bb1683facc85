// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the vm/configs.cfg reader (src/cli/configs.c,
 * `iommu-conformance configs`), differentially against vm/cfg.sh.
 *
 * The harness reads the file with awk (cfg_names, cfg_get in vm/cfg.sh);
 * awk_names() and awk_get() below are those two programs transcribed line
 * by line. Beyond the sanitizers, for every file the reader accepts:
 *  - its stanzas other than [defaults] are cfg_names' output, in order;
 *  - for every stanza and every documented key (the reader accepts no
 *    other), cfg_get() is what awk's cfg_get prints, none for nothing;
 *  - a refusal carries a one-line "NAME:LINE: " reason.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/cli/configs.h"
#include "fuzz.h"

/* Lines of the input, as awk splits records (RS = "\n"). */
struct lines {
	const char **p;
	size_t *len;
	unsigned n;
};

static void split(const char *d, size_t size, struct lines *l)
{
	const char *end = d + size;

	l->n = 0;
	l->p = malloc((size + 1) * sizeof(*l->p));
	l->len = malloc((size + 1) * sizeof(*l->len));
	if (!l->p || !l->len)
		abort();
	while (d < end) {
		const char *nl = memchr(d, '\n', (size_t)(end - d));
		const char *e = nl ? nl : end;

		l->p[l->n] = d;
		l->len[l->n++] = (size_t)(e - d);
		d = nl ? nl + 1 : end;
	}
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* /^\[[^]]+\]/: the name between '[' and the first ']', or 0. */
static size_t awk_stanza(const char *p, size_t n, const char **name)
{
	const char *close;

	if (n < 3 || p[0] != '[' || p[1] == ']')
		return 0;
	close = memchr(p + 1, ']', n - 1);
	if (!close)
		return 0;
	*name = p + 1;
	return (size_t)(close - p - 1);
}

/* cfg_names: each stanza name but defaults, one per entry of out. */
static unsigned awk_names(const struct lines *l, const char **out,
			  size_t *outlen)
{
	unsigned n = 0;

	for (unsigned i = 0; i < l->n; i++) {
		const char *name;
		size_t len = awk_stanza(l->p[i], l->len[i], &name);

		if (len && !(len == 8 && !memcmp(name, "defaults", 8))) {
			out[n] = name;
			outlen[n++] = len;
		}
	}
	return n;
}

/*
 * cfg_get WANT KEY for every stanza of c as WANT at once (one pass per key,
 * not per stanza and key): val[i] is what awk prints for c->s[i] (without
 * the newline; NULL: nothing).
 */
struct val {
	const char *p;
	size_t n;
};

static void awk_get(const struct lines *l, const struct cfg_file *c,
		    const char *key, struct val *val)
{
	const char *sect = "";
	size_t sectlen = 0;
	struct val dv = {NULL, 0};

	for (unsigned i = 0; i < c->n; i++)
		val[i].p = NULL;
	for (unsigned i = 0; i < l->n; i++) {
		const char *p = l->p[i], *eq, *s, *a, *b;
		size_t n = l->len[i], j = 0, kn = 0, sn;
		char k[64];

		while (j < n && is_blank(p[j]))
			j++;
		if (j == n || p[j] == '#')
			continue; /* /^[ \t]*#/ || /^[ \t]*$/ */
		sn = awk_stanza(p, n, &s);
		if (sn) {
			sect = s;
			sectlen = sn;
			continue;
		}
		eq = memchr(p, '=', n);
		if (!eq)
			continue;
		/* k = substr($0, 1, eq - 1); gsub(/[ \t]+/, "", k) */
		for (const char *ch = p; ch < eq && kn + 1 < sizeof(k); ch++)
			if (!is_blank(*ch))
				k[kn++] = *ch;
		k[kn] = '\0';
		if (strcmp(k, key))
			continue;
		a = eq + 1;
		b = p + n;
		while (a < b && is_blank(*a))
			a++;
		while (b > a && is_blank(b[-1]))
			b--;
		for (unsigned w = 0; w < c->n; w++)
			if (strlen(c->s[w].name) == sectlen &&
			    !memcmp(c->s[w].name, sect, sectlen))
				val[w] = (struct val){a, (size_t)(b - a)};
		if (sectlen == 8 && !memcmp(sect, "defaults", 8))
			dv = (struct val){a, (size_t)(b - a)};
	}
	for (unsigned i = 0; i < c->n; i++)
		if (!val[i].p)
			val[i] = dv;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	struct cfg_file c;
	struct lines l;
	char why[256] = "";
	FILE *in = fuzz_open(d, size);
	int rc = cfg_parse(in, "fuzz", &c, why, sizeof(why));

	fclose(in);
	if (rc) {
		FUZZ_CHECK(rc == -1, "cfg_parse returned %d", rc);
		FUZZ_CHECK(!strncmp(why, "fuzz:", 5) && !strchr(why, '\n'),
			   "refused without a one-line reason: '%s'", why);
		cfg_free(&c);
		return 0;
	}
	split(d, size, &l);
	{
		const char **names = malloc((l.n + 1) * sizeof(*names));
		size_t *lens = malloc((l.n + 1) * sizeof(*lens));
		unsigned n = awk_names(&l, names, lens), j = 0;

		if (!names || !lens)
			abort();
		for (unsigned i = 0; i < c.n; i++) {
			if (!strcmp(c.s[i].name, CFG_DEFAULTS))
				continue;
			FUZZ_CHECK(
				j < n && lens[j] == strlen(c.s[i].name) &&
					!memcmp(names[j], c.s[i].name, lens[j]),
				"stanza %u [%s] is not cfg_names' %u-th", i,
				c.s[i].name, j);
			j++;
		}
		FUZZ_CHECK(j == n, "cfg_names has %u names, the reader %u", n,
			   j);
		free(names);
		free(lens);
	}
	{
		struct val *val = malloc((c.n + 1) * sizeof(*val));
		unsigned nk;
		const char *const *keys = cfg_keys(&nk);

		if (!val)
			abort();
		for (unsigned k = 0; k < nk; k++) {
			awk_get(&l, &c, keys[k], val);
			for (unsigned i = 0; i < c.n; i++) {
				const char *got =
					cfg_get(&c, c.s[i].name, keys[k]);
				size_t gn = got ? strlen(got) : 0;

				FUZZ_CHECK(!got == !val[i].p &&
						   gn == val[i].n &&
						   (!gn ||
						    !memcmp(got, val[i].p, gn)),
					   "[%s] %s: cfg.sh reads '%.*s', the "
					   "reader '%s'",
					   c.s[i].name, keys[k], (int)val[i].n,
					   val[i].p ? val[i].p : "",
					   got ? got : "(none)");
			}
		}
		free(val);
	}
	free(l.p);
	free(l.len);
	cfg_free(&c);
	return 0;
}
