/*
 * textenc.c - UTF-8 validation and UTF-16 (with a byte order mark) to UTF-8
 * conversion for text files users hand in (see textenc.h).
 */
#include "config.h"

#include "base/textenc.h"

/* Offset of the first byte that is not valid UTF-8 (or is NUL), or n. */
size_t
text_utf8_valid(const char *text, size_t n)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, k, more;
	unsigned char c, lo, hi;

	while (i < n) {
		c = p[i];
		lo = 0x80;
		hi = 0xbf;
		if (c == 0)
			return i;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			more = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			more = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed) /* no UTF-16 surrogates */
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			more = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else
			return i;
		if (n - i <= more)
			return i;
		for (k = 1; k <= more; k++) {
			unsigned char d = p[i + k];

			if (k == 1 ? (d < lo || d > hi) : (d < 0x80 || d > 0xbf))
				return i;
		}
		i += more + 1;
	}
	return n;
}

static void
put_utf8(struct buf *b, unsigned long cp)
{
	char s[4];
	size_t n;

	if (cp < 0x80) {
		s[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		s[0] = (char)(0xc0 | (cp >> 6));
		s[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		s[0] = (char)(0xe0 | (cp >> 12));
		s[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		s[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		s[0] = (char)(0xf0 | (cp >> 18));
		s[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		s[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		s[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_append(b, s, n);
}

/* UTF-16 after its byte order mark; off is where p starts in the file. */
static int
utf16_to_utf8(const unsigned char *p, size_t n, int big, size_t off, struct buf *out,
    const char *what, char **cause)
{
	size_t i;
	unsigned long u, v;

	if (n % 2 != 0)
		return set_error(cause, "'%s' is not UTF-16 text: it has an odd number of bytes",
		    what);
	for (i = 0; i < n; i += 2) {
		u = big ? (unsigned long)p[i] << 8 | p[i + 1] : (unsigned long)p[i + 1] << 8 | p[i];
		if (u == 0)
			return set_error(cause, "'%s' holds a NUL character at byte offset %zu",
			    what, off + i);
		if (u >= 0xdc00 && u <= 0xdfff)
			return set_error(cause, "'%s' is not UTF-16 text: an unpaired surrogate "
			    "at byte offset %zu", what, off + i);
		if (u >= 0xd800 && u <= 0xdbff) {
			if (i + 3 >= n)
				return set_error(cause, "'%s' is not UTF-16 text: an unpaired "
				    "surrogate at byte offset %zu", what, off + i);
			v = big ? (unsigned long)p[i + 2] << 8 | p[i + 3] :
			    (unsigned long)p[i + 3] << 8 | p[i + 2];
			if (v < 0xdc00 || v > 0xdfff)
				return set_error(cause, "'%s' is not UTF-16 text: an unpaired "
				    "surrogate at byte offset %zu", what, off + i);
			u = 0x10000 + ((u - 0xd800) << 10) + (v - 0xdc00);
			i += 2;
		}
		put_utf8(out, u);
	}
	return 0;
}

enum text_bom
text_bom(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;

	if (n >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		return TEXT_BOM_UTF8;
	if (n >= 2 && u[0] == 0xff && u[1] == 0xfe)
		return TEXT_BOM_UTF16LE;
	if (n >= 2 && u[0] == 0xfe && u[1] == 0xff)
		return TEXT_BOM_UTF16BE;
	return TEXT_BOM_NONE;
}

int
text_to_utf8(const char *p, size_t n, struct buf *out, const char *what, char **cause)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t off = 0, bad;

	switch (text_bom(p, n)) {
	case TEXT_BOM_UTF16LE:
		return utf16_to_utf8(u + 2, n - 2, 0, 2, out, what, cause);
	case TEXT_BOM_UTF16BE:
		return utf16_to_utf8(u + 2, n - 2, 1, 2, out, what, cause);
	case TEXT_BOM_UTF8:
		off = 3;
		break;
	case TEXT_BOM_NONE:
		break;
	}
	bad = off + text_utf8_valid(p + off, n - off);
	if (bad < n) {
		if (u[bad] == 0)
			return set_error(cause, "'%s' is not UTF-8 text: a NUL byte at offset %zu "
			    "(UTF-16 needs a byte order mark)", what, bad);
		return set_error(cause, "'%s' is not UTF-8 text: byte 0x%02x at offset %zu",
		    what, u[bad], bad);
	}
	buf_append(out, p + off, n - off);
	return 0;
}
