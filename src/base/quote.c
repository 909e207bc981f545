/*
 * quote.c - untrusted text as one printable line (the policy is in quote.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "base/quote.h"
#include "base/util.h"

/* Length of the valid UTF-8 sequence of 2 to 4 bytes at p (n bytes left),
 * or 0: overlong forms and surrogates are refused (RFC 3629 table). */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		if (p[0] == 0xe0)
			lo = 0xa0; /* overlong */
		else if (p[0] == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		if (p[0] == 0xf0)
			lo = 0x90; /* overlong */
		else if (p[0] == 0xf4)
			hi = 0x8f; /* beyond U+10FFFF */
	} else
		return 0;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Past the colour sequence ESC '[' ... at p: its final byte 0x40-0x7e ends
 * it; one cut short runs to e. */
static const char *
skip_ansi(const char *p, const char *e)
{
	for (p += 2; p < e; p++)
		if (*p >= 0x40 && *p <= 0x7e)
			return p + 1;
	return e;
}

char *
quote_mem(const char *s, size_t n, size_t max, unsigned flags)
{
	const char *e = s + n, *line;
	struct buf b = BUF_INIT;
	char unit[16];
	size_t len, ulen, i;
	int cut = 0;

	if (flags & QUOTE_FIRST_LINE) {
		while (s < e && is_blank(*s))
			s++;
		line = s;
		while (line < e && *line != '\r' && *line != '\n')
			line++;
		e = line;
		while (e > s && is_blank(e[-1]))
			e--;
	}
	buf_puts(&b, "");
	while (s < e) {
		const unsigned char *p = (const unsigned char *)s;

		if ((flags & QUOTE_STRIP_ANSI) && p[0] == 0x1b && s + 1 < e && s[1] == '[') {
			s = skip_ansi(s, e);
			continue;
		}
		len = p[0] < 0x80 ? 1 : utf8_len(p, (size_t)(e - s));
		if (len == 2 && p[0] == 0xc2 && p[1] < 0xa0)
			len = 0; /* a C1 control: both bytes escaped */
		if (len == 0 || p[0] < 0x20 || p[0] == 0x7f ||
		    (p[0] == '\\' && !(flags & QUOTE_KEEP_BACKSLASH))) {
			ulen = (size_t)snprintf(unit, sizeof unit, "\\x%02x", p[0]);
			len = 1;
		} else {
			for (ulen = 0; ulen < len; ulen++)
				unit[ulen] = s[ulen];
		}
		if (max > 0 && b.len + ulen > max) {
			cut = 1;
			break;
		}
		buf_append(&b, unit, ulen);
		s += len;
	}
	if (flags & QUOTE_FIRST_LINE) {
		/* a colour sequence stripped last can leave blanks before it */
		for (i = b.len; i > 0 && b.data[i - 1] == ' '; i--)
			;
		b.len = i;
		b.data[i] = '\0';
		if (b.len == 0) {
			buf_release(&b);
			return NULL;
		}
	}
	if (cut)
		buf_puts(&b, "...");
	return buf_detach(&b, NULL);
}

char *
quote_str(const char *s)
{
	return quote_mem(s, strlen(s), QUOTE_MAX, 0);
}
