/*
 * hostsline.h - THE reading of one hosts-file line, shared by the hosts
 * engine (apply, plan, remove, status) and by verify, so that the two never
 * read one file differently. Nothing else in amlhosts splits a hosts line.
 *
 * Fields are split as glibc's files backend (nss_files) splits them:
 *
 *   - space, tab, \v (VT), \f (FF) and \r separate fields (isspace() in the
 *     C locale, \n being the line's end); runs of them count as one, and
 *     they may lead or trail;
 *   - a NUL byte ends the line's data: what follows it up to the line ending
 *     is never read (glibc's line is a C string);
 *   - '#' starts a comment wherever it stands, also right after a field
 *     ("10.0.0.1 name#x" maps "name"; "10.0.0.1#x name" maps nothing);
 *   - the first field is the address, each following field a name. A line
 *     with no field (blank, comment only) or with one field maps nothing.
 *
 * A line is the bytes before its '\n' (on the first line, after a UTF-8
 * BOM: hostsline_bom()). A CRLF line's '\r' needs no special
 * case: it is a separator, as it is to glibc.
 *
 * Fields are returned as offsets and lengths into the caller's bytes, which
 * are never copied or changed: the hosts engine copies every line it does
 * not own byte for byte (CRLF, BOM, comments, aliases and all).
 *
 * What counts as an address, and when a field names a given name, is one
 * policy here too. Where resolvers differ it takes the widest reading any
 * resolver amlhosts runs under has, so that apply disables every line that
 * could shadow a managed name and verify reports it:
 *
 *   - an address is an IPv4 or IPv6 address as inet_pton() reads it (no
 *     "010.1.1.1" or "10.1" forms: glibc 2.36 refuses them too). An IPv6
 *     address may carry a zone id, "fe80::1%eth0" (macOS writes such
 *     lines; glibc ignores them): the zone must not be empty and is not
 *     part of the address compared. An IPv4 address takes no zone;
 *   - names compare ASCII case-insensitively (as glibc does), and one
 *     trailing dot of a field is ignored: "Name.Example." names
 *     "name.example". glibc compares a trailing dot literally, but
 *     systemd-resolved drops it, and a lookup of "name.example." through
 *     glibc would still find such a line, never the block's.
 *
 * Nothing here allocates or fails; all functions take any bytes.
 */
#ifndef AMLHOSTS_HOSTSLINE_H
#define AMLHOSTS_HOSTSLINE_H

#include <stddef.h>
#include "hosts/entries.h"

struct hostsline_field {
	size_t off; /* offset of the first byte in the line */
	size_t len; /* > 0 */
};

/*
 * The next field of the line p[0..n) (n excluding the '\n'), starting the
 * search at *pos (0 for the first field). Returns 1 and fills *f, or 0 when
 * the line has no more fields (its end, a NUL or a '#' was reached).
 * *pos is advanced past the field; keep calling until 0:
 *
 *   size_t pos = 0;
 *   struct hostsline_field f;
 *   while (hostsline_next(p, n, &pos, &f))
 *       use p + f.off, f.len;   (the address first, then the names)
 */
int hostsline_next(const char *p, size_t n, size_t *pos, struct hostsline_field *f);

/*
 * Bytes of a UTF-8 byte order mark opening a file (3), or 0. The first line
 * is read after it, by the engine and by verify alike: Windows editors
 * write one, and a line's address is not to depend on it.
 */
size_t hostsline_bom(const char *data, size_t len);

/* Is the byte a field separator (space, \t, \v, \f, \r)? */
int hostsline_is_sep(char c);

/*
 * Is p[0..n) an address field, by the policy above? When out is not NULL
 * it receives the family and bytes (a zone id dropped).
 */
int hostsline_addr(const char *p, size_t n, struct ipaddr *out);

/* The length of a name field as compared: one trailing dot dropped. */
size_t hostsline_name_len(const char *p, size_t n);

/* ASCII lower case, as names compare (a locale's tolower() would not do). */
static inline char
hostsline_fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

/* Are a[0..n) and b[0..n) equal, ASCII case ignored? */
int hostsline_name_eq(const char *a, const char *b, size_t n);

/* Does the name field p[0..n) name `name` (a normalized entry name: lower
 * case, no trailing dot)? */
int hostsline_names(const char *p, size_t n, const char *name);

#endif
