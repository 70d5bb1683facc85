// SPDX-License-Identifier: GPL-2.0
/* Text escaping for the XML and JSON writers, and small shared helpers. */
#include <string.h>

#include "report.h"

const char *dma_kind_name(enum dma_kind k)
{
	switch (k) {
	case DMA_NONE: return "none";
	case DMA_REAL: return "real";
	case DMA_MODELLED: return "modelled";
	case DMA_PROBED: return "probed";
	}
	return "?";
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static unsigned utf8_len(const unsigned char *s)
{
	unsigned n, cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (unsigned i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF. */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* How one output format escapes text. */
struct escape_rules {
	const char *bad; /* written for a byte of no valid UTF-8 sequence */
	const char *named[0x80]; /* ASCII bytes with an escape of their own */
	const char *control; /* other control bytes: a format taking the byte */
};

/* XML 1.0 cannot represent most control characters at all, even escaped. */
static const struct escape_rules xml_rules = {
	.bad = "\xef\xbf\xbd" /* U+FFFD */,
	.named = { ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
		   ['"'] = "&quot;", ['\''] = "&apos;", ['\t'] = "&#9;",
		   ['\n'] = "&#10;", ['\r'] = "&#13;" },
	.control = "?",
};

static const struct escape_rules json_rules = {
	.bad = "\\ufffd",
	.named = { ['"'] = "\\\"", ['\\'] = "\\\\", ['\b'] = "\\b",
		   ['\f'] = "\\f", ['\n'] = "\\n", ['\r'] = "\\r",
		   ['\t'] = "\\t" },
	.control = "\\u%04x",
};

/* Writes s to f as valid UTF-8, escaped by the rules r. */
static void write_escaped(FILE *f, const char *s, const struct escape_rules *r)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		unsigned n = utf8_len(p);

		if (!n) {
			fputs(r->bad, f);
			p++;
		} else if (n == 1 && r->named[*p]) {
			fputs(r->named[*p++], f);
		} else if (n == 1 && (*p < 0x20 || *p == 0x7f)) {
			fprintf(f, r->control, *p++);
		} else {
			fwrite(p, 1, n, f);
			p += n;
		}
	}
}

void xml_escape(FILE *f, const char *s)
{
	write_escaped(f, s, &xml_rules);
}

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	write_escaped(f, s, &json_rules);
	fputc('"', f);
}
