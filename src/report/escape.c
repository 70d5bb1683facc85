// SPDX-License-Identifier: GPL-2.0
/* Text escaping for the XML and JSON writers, and small shared helpers. */
#include <stdbool.h>
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

/*
 * Writes s to f as valid UTF-8: an invalid byte becomes BAD; every ASCII byte
 * goes to ESC first, which writes its escape and returns true, or returns
 * false for a byte that stands as it is.
 */
static void write_escaped(FILE *f, const char *s, const char *bad,
			  bool (*esc)(FILE *f, unsigned char c))
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		unsigned n = utf8_len(p);

		if (!n) {
			fputs(bad, f);
			p++;
			continue;
		}
		if (n > 1 || !esc(f, *p))
			fwrite(p, 1, n, f);
		p += n;
	}
}

static bool xml_char(FILE *f, unsigned char c)
{
	switch (c) {
	case '&': fputs("&amp;", f); break;
	case '<': fputs("&lt;", f); break;
	case '>': fputs("&gt;", f); break;
	case '"': fputs("&quot;", f); break;
	case '\'': fputs("&apos;", f); break;
	case '\t': fputs("&#9;", f); break;
	case '\n': fputs("&#10;", f); break;
	case '\r': fputs("&#13;", f); break;
	default:
		if (c >= 0x20 && c != 0x7f)
			return false;
		fputc('?', f); /* not representable in XML 1.0 */
	}
	return true;
}

void xml_escape(FILE *f, const char *s)
{
	write_escaped(f, s, "\xef\xbf\xbd" /* U+FFFD */, xml_char);
}

static bool json_char(FILE *f, unsigned char c)
{
	switch (c) {
	case '"': fputs("\\\"", f); break;
	case '\\': fputs("\\\\", f); break;
	case '\b': fputs("\\b", f); break;
	case '\f': fputs("\\f", f); break;
	case '\n': fputs("\\n", f); break;
	case '\r': fputs("\\r", f); break;
	case '\t': fputs("\\t", f); break;
	default:
		if (c >= 0x20 && c != 0x7f)
			return false;
		fprintf(f, "\\u%04x", c);
	}
	return true;
}

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	write_escaped(f, s, "\\ufffd", json_char);
	fputc('"', f);
}
