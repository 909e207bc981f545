/*
 * quote.h - the one way untrusted text (a name from a file, a service's
 * answer, a program's error output) becomes one printable line of a message.
 *
 * The policy, the same everywhere:
 *   - C0 controls (0x00-0x1f), DEL (0x7f) and the backslash are written as
 *     \xNN (two lower-case hex digits), so "a\nb" stays on one line and a
 *     quoted backslash cannot be mistaken for an escape;
 *   - a byte that does not start a valid UTF-8 sequence (stray continuation,
 *     overlong form, surrogate, beyond U+10FFFF, cut short) is written as
 *     \xNN, one byte at a time;
 *   - valid UTF-8 is kept as it is, except the C1 controls U+0080-U+009F,
 *     which some terminals obey like ESC sequences: their two bytes are
 *     written as \xNN\xNN;
 *   - a cut never splits a character or an escape, and ends with "...".
 */
#ifndef AMLHOSTS_QUOTE_H
#define AMLHOSTS_QUOTE_H

#include <stddef.h>

/* The default cut: room for an ARM resource id. */
#define QUOTE_MAX 300

/* Options of quote_mem(). */
enum quote_flags {
	/* The first non-blank line only: leading blank lines and blanks are
	 * skipped, the line ends at the first CR or LF, trailing blanks are
	 * dropped; quote_mem() returns NULL when there is no such line. */
	QUOTE_FIRST_LINE = 1u << 0,
	/* Drop terminal colour sequences (ESC '[' ... final byte 0x40-0x7e),
	 * as az writes around its errors, instead of escaping them. */
	QUOTE_STRIP_ANSI = 1u << 1,
	/* Keep backslashes: for text that already holds escapes from an
	 * earlier quote (the message net in the CLI), which escaping again
	 * would turn into "\x5cx0a". */
	QUOTE_KEEP_BACKSLASH = 1u << 2,
};

/* [s, s+n) quoted as above, at most max bytes before the "..." of a cut
 * (max 0: no cut), as a new string. NULL only with QUOTE_FIRST_LINE. */
char *quote_mem(const char *s, size_t n, size_t max, unsigned flags);

/* quote_mem(s, strlen(s), QUOTE_MAX, 0): a string for a message. */
char *quote_str(const char *s);

#endif
