/*
 * hostsline.c - split a hosts line into its address and names as glibc's
 * files backend does; the rules are in hostsline.h.
 */
#include "config.h"

#ifndef _WIN32
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#endif
#include <stdint.h>
#include <string.h>

#include "hosts/hostsline.h"
#include "base/platform.h"

enum { FIELD = 0, SEP = 1, END = 2 };

/* What each byte does to a field: the C locale's isspace() less '\n'
 * separates; NUL and '#' end the line's data. */
static const unsigned char byte_class[256] = {
	[' '] = SEP, ['\t'] = SEP, ['\v'] = SEP, ['\f'] = SEP, ['\r'] = SEP,
	['\0'] = END, ['#'] = END,
};

size_t
hostsline_bom(const char *data, size_t len)
{
	return len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

int
hostsline_is_sep(char c)
{
	return byte_class[(unsigned char)c] == SEP;
}

/*
 * A list of a million lines is 40 MB, most of it names: the end of a field
 * is looked for eight bytes at a time. Every byte that is not FIELD is below
 * 0x21 or is '#', so a word with neither holds none; a word that has one
 * (or a harmless other control byte) is looked at byte by byte.
 */
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)
#define LOW7 UINT64_C(0x7f7f7f7f7f7f7f7f)

static uint64_t
maybe_stop(uint64_t w)
{
	uint64_t x = w ^ (ONES * '#');
	uint64_t below = (w - ONES * 0x21) & ~w & HIGHS; /* some byte < 0x21 */
	uint64_t hash = ~(((x & LOW7) + LOW7) | x | LOW7); /* some byte == '#' */

	return below | hash;
}

/* Offset of the first byte of p[i..n) that is not FIELD, or n. */
static size_t
field_end(const char *p, size_t i, size_t n)
{
	uint64_t w;
	size_t lim;

	for (;;) {
		for (; i + 8 <= n; i += 8) {
			memcpy(&w, p + i, 8);
			if (maybe_stop(w) != 0)
				break;
		}
		lim = i + 8 < n ? i + 8 : n;
		for (; i < lim; i++)
			if (byte_class[(unsigned char)p[i]] != FIELD)
				return i;
		if (i == n)
			return n;
	}
}

int
hostsline_next(const char *p, size_t n, size_t *pos, struct hostsline_field *f)
{
	size_t i = *pos;

	while (i < n && byte_class[(unsigned char)p[i]] == SEP)
		i++;
	if (i >= n || byte_class[(unsigned char)p[i]] == END) {
		*pos = n;
		return 0;
	}
	f->off = i;
	i = field_end(p, i, n);
	f->len = i - f->off;
	/* A '#' or NUL right after the field ends the line as well. */
	*pos = i < n && byte_class[(unsigned char)p[i]] == END ? n : i;
	return 1;
}

int
hostsline_addr(const char *p, size_t n, struct ipaddr *out)
{
	char s[INET6_ADDRSTRLEN + 1];
	struct ipaddr a;
	const char *zone = memchr(p, '%', n);

	if (zone != NULL) {
		if (zone + 1 == p + n)
			return 0;
		n = (size_t)(zone - p);
	}
	/* Longer text cannot be an address; a NUL would cut it short. */
	if (n == 0 || n >= sizeof s || memchr(p, '\0', n) != NULL)
		return 0;
	memcpy(s, p, n);
	s[n] = '\0';
	memset(&a, 0, sizeof a);
	if (zone == NULL && inet_pton(AF_INET, s, a.bytes) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, s, a.bytes) == 1)
		a.family = AF_INET6;
	else
		return 0;
	if (out != NULL)
		*out = a;
	return 1;
}

size_t
hostsline_name_len(const char *p, size_t n)
{
	return n > 0 && p[n - 1] == '.' ? n - 1 : n;
}

int
hostsline_name_eq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (hostsline_fold(a[i]) != hostsline_fold(b[i]))
			return 0;
	return 1;
}

int
hostsline_names(const char *p, size_t n, const char *name)
{
	n = hostsline_name_len(p, n);
	return n > 0 && strlen(name) == n && hostsline_name_eq(p, name, n);
}
