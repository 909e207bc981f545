/*
 * entries.c - entry lists and the validation of names and addresses.
 *
 * Everything here is strict on purpose: a name or address that passes is
 * later written into /etc/hosts verbatim, so "close enough" input (a name
 * with a space, an address in octal) must never pass.
 */
#include "config.h"

#ifndef _WIN32
#include <arpa/inet.h>
#include <netinet/in.h>
#endif
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/socket.h>
#endif

#include "hosts/entries.h"
#include "base/platform.h"
#include "base/quote.h"
#include "base/util.h"

#define NAME_MAX_LEN 253
#define LABEL_MAX_LEN 63

void
entry_list_init(struct entry_list *l)
{
	l->v = NULL;
	l->n = 0;
	l->cap = 0;
}

void
entry_list_release(struct entry_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].ip);
	}
	free(l->v);
	entry_list_init(l);
}

void
entry_list_add(struct entry_list *l, const char *name, const struct ipaddr *addr)
{
	char text[64];
	struct entry *e;

	l->v = xgrow(l->v, l->n, &l->cap, sizeof *l->v, 16);
	ip_format(addr, text);
	e = &l->v[l->n++];
	e->name = xstrdup(name);
	e->ip = xstrdup(text);
	e->addr = *addr;
}

long
entry_list_find_family(const struct entry_list *l, const char *name, int family)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if ((family == AF_UNSPEC || l->v[i].addr.family == family) &&
		    strcmp(l->v[i].name, name) == 0)
			return (long)i;
	return -1;
}

long
entry_list_find(const struct entry_list *l, const char *name)
{
	return entry_list_find_family(l, name, AF_UNSPEC);
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = ip_compare(&x->addr, &y->addr);

	return c != 0 ? c : strcmp(x->name, y->name);
}

static int
entry_ptr_name_cmp(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a;
	const struct entry *y = *(const struct entry *const *)b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : ip_compare(&x->addr, &y->addr);
}

int
entry_list_normalize(struct entry_list *l, char **cause)
{
	const struct entry **byname = NULL;
	size_t i, j;
	int rc = -1;

	if (l->n == 0)
		return 0;
	qsort(l->v, l->n, sizeof *l->v, entry_cmp);
	/* Equal entries are now adjacent. */
	for (i = 1, j = 1; i < l->n; i++) {
		if (entry_cmp(&l->v[i], &l->v[j - 1]) == 0) {
			free(l->v[i].name);
			free(l->v[i].ip);
			continue;
		}
		l->v[j++] = l->v[i];
	}
	l->n = j;

	/* A second order by name puts conflicting entries side by side without
	 * disturbing the address order the hosts block is written in. */
	byname = xreallocarray(NULL, l->n, sizeof *byname);
	for (i = 0; i < l->n; i++)
		byname[i] = &l->v[i];
	qsort(byname, l->n, sizeof *byname, entry_ptr_name_cmp);
	/* One address of each family is a name's A and AAAA record, as DNS
	 * has them; two of one family would make the answer depend on line
	 * order. (ip_compare orders IPv4 first, so a family's are adjacent.) */
	for (i = 1; i < l->n; i++)
		if (strcmp(byname[i]->name, byname[i - 1]->name) == 0 &&
		    byname[i]->addr.family == byname[i - 1]->addr.family) {
			set_error(cause, "'%s' maps to both %s and %s", byname[i]->name,
			    byname[i - 1]->ip, byname[i]->ip);
			goto out;
		}
	rc = 0;
out:
	free(byname);
	return rc;
}

int
label_is_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > LABEL_MAX_LEN || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

/* Why the lower-cased, dot-trimmed name s is not acceptable, or NULL. */
static char *
name_problem(const char *s, int allow_wildcard)
{
	const char *p, *label, *dot;
	size_t len = strlen(s), n;
	unsigned nlabels = 0;
	int wildcard = 0;

	if (len == 0)
		return xstrdup("it is empty");
	if (len > NAME_MAX_LEN)
		return xasprintf("it is longer than %d characters", NAME_MAX_LEN);
	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '.' || c == '*')
			continue;
		if (c == ' ')
			return xstrdup("it contains a space");
		if (c > 0x20 && c < 0x7f && c != '\\')
			return xasprintf("it contains '%c'", c);
		return xasprintf("it contains the byte \\x%02x", c);
	}
	if (s[0] == '*') {
		if (s[1] != '.')
			return xstrdup("'*' may only be the whole first label");
		if (!allow_wildcard)
			return xstrdup("a wildcard is not allowed here");
		wildcard = 1;
		s += 2;
	}
	for (label = s;; label = dot + 1) {
		dot = strchr(label, '.');
		n = dot ? (size_t)(dot - label) : strlen(label);
		if (n == 0)
			return xstrdup("it has an empty label");
		if (memchr(label, '*', n) != NULL)
			return xstrdup("'*' may only be the whole first label");
		if (n > LABEL_MAX_LEN)
			return xasprintf("a label is longer than %d characters", LABEL_MAX_LEN);
		if (label[0] == '-' || label[n - 1] == '-')
			return xstrdup("a label starts or ends with a hyphen");
		nlabels++;
		if (dot == NULL)
			break;
	}
	if (nlabels < 2)
		return xstrdup(wildcard ? "a wildcard needs at least two labels after '*'" :
		    "it needs at least two labels");
	return NULL;
}

int
name_normalize(const char *in, int allow_wildcard, char **out, char **cause)
{
	char *s, *why = NULL, *q;
	size_t len;
	int rc = -1;

	s = xstrdup(in);
	ascii_lower(s);
	len = strlen(s);
	/* One trailing dot is the absolute form of the same name; more is junk. */
	if (len > 0 && s[len - 1] == '.')
		s[len - 1] = '\0';
	why = name_problem(s, allow_wildcard);
	if (why != NULL) {
		q = quote_str(in);
		set_error(cause, "'%s' is not a valid host name: %s", q, why);
		free(q);
		goto out;
	}
	*out = s;
	s = NULL;
	rc = 0;
out:
	free(why);
	free(s);
	return rc;
}

int
name_is_wildcard(const char *name)
{
	return name[0] == '*' && name[1] == '.';
}

int
name_has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), m, i;
	const char *tail;

	if (suffix[0] == '.')
		suffix++;
	m = strlen(suffix);
	if (m > 0 && suffix[m - 1] == '.')
		m--;
	if (m == 0 || m > n)
		return 0;
	tail = name + n - m;
	/* Configured suffixes may be written in capitals; names are lower case. */
	for (i = 0; i < m; i++) {
		char c = suffix[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (tail[i] != c)
			return 0;
	}
	return m == n || name[n - m - 1] == '.';
}

static const char *
ip_refusal(const struct ipaddr *a)
{
	const unsigned char *b = a->bytes;
	static const unsigned char zero[16];

	if (a->family == AF_INET) {
		if (b[0] == 0)
			return "an unspecified address";
		if (b[0] == 127)
			return "a loopback address";
		if (b[0] == 169 && b[1] == 254)
			return "a link-local address";
		if ((b[0] & 0xf0) == 224)
			return "a multicast address";
		if (b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255)
			return "the broadcast address";
		return NULL;
	}
	if (memcmp(b, zero, 16) == 0)
		return "an unspecified address";
	if (memcmp(b, zero, 15) == 0 && b[15] == 1)
		return "a loopback address";
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return "a link-local address";
	if (b[0] == 0xff)
		return "a multicast address";
	if (memcmp(b, zero, 10) == 0 && b[10] == 0xff && b[11] == 0xff)
		return "an IPv4-mapped address";
	if (memcmp(b, zero, 12) == 0)
		return "an IPv4-compatible address";
	return NULL;
}

/* Leading zeros are refused even where a platform's inet_pton would read
 * "010" as ten: elsewhere it means eight, and hosts files are read by many
 * resolvers. */
int
ipv4_has_leading_zero(const char *s)
{
	const char *p;

	for (p = s; *p != '\0'; p++)
		if (*p == '0' && (p == s || p[-1] == '.') && p[1] >= '0' && p[1] <= '9')
			return 1;
	return 0;
}

/* The address part p[0..n) of "address[/length]", into *a: dotted-decimal
 * IPv4 without leading zeros, or IPv6. 0, or -1 when it is neither. */
static int
addr_part_parse(const char *p, size_t n, struct ipaddr *a)
{
	char addr[INET6_ADDRSTRLEN + 1];

	memset(a, 0, sizeof *a);
	if (n == 0 || n >= sizeof addr)
		return -1;
	memcpy(addr, p, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, a->bytes) == 1 && !ipv4_has_leading_zero(addr))
		a->family = AF_INET;
	else if (strchr(addr, ':') != NULL && inet_pton(AF_INET6, addr, a->bytes) == 1)
		a->family = AF_INET6;
	else
		return -1;
	return 0;
}

/* The length after the slash: one to three decimal digits, at most max
 * (32 for IPv4, 128 for IPv6). 0, or -1 when it is not that. */
static int
prefix_part_parse(const char *p, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (*p == '\0' || strlen(p) > 3)
		return -1;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int
ip_parse(const char *in, int allow_prefix, struct ipaddr *out, char **cause)
{
	char *q = NULL;
	const char *slash, *why;
	unsigned long prefix;
	struct ipaddr a;
	int rc = -1;

	slash = strchr(in, '/');
	q = quote_str(in);
	if (addr_part_parse(in, slash ? (size_t)(slash - in) : strlen(in), &a) != 0) {
		set_error(cause, "'%s' is not an IP address", q);
		goto out;
	}
	if (slash != NULL) {
		if (!allow_prefix) {
			set_error(cause, "'%s': a prefix length is not allowed here", q);
			goto out;
		}
		if (prefix_part_parse(slash + 1, a.family == AF_INET ? 32 : 128, &prefix) != 0) {
			set_error(cause, "'%s' has a bad prefix length", q);
			goto out;
		}
	}
	why = ip_refusal(&a);
	if (why != NULL) {
		set_error(cause, "'%s' is %s", q, why);
		goto out;
	}
	*out = a;
	rc = 0;
out:
	free(q);
	return rc;
}

void
ip_format(const struct ipaddr *a, char out[64])
{
	if (inet_ntop(a->family, a->bytes, out, 64) == NULL)
		memcpy(out, "?", 2); /* cannot happen for a parsed address */
}

int
ip_compare(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	return memcmp(a->bytes, b->bytes, a->family == AF_INET ? 4 : 16);
}

static const char default_networks[] =
    "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7";

/*
 * A network with host bits set ("10.1.0.5/8") is refused rather than masked:
 * it is most likely a typo for something narrower or wider, and the list
 * decides what may be written into a system file.
 */
static int
cidr_parse(const char *item, struct cidr *out, char **cause)
{
	char *q;
	const char *slash;
	size_t i, full;
	unsigned long prefix, max;
	unsigned char mask;
	struct cidr c;
	int rc = -1;

	memset(&c, 0, sizeof c);
	q = quote_str(item);
	slash = strchr(item, '/');
	if (addr_part_parse(item, slash ? (size_t)(slash - item) : strlen(item), &c.base) != 0) {
		set_error(cause, "'%s' is not a network (address/length)", q);
		goto out;
	}
	max = c.base.family == AF_INET ? 32 : 128;
	if (slash == NULL)
		prefix = max;
	else if (prefix_part_parse(slash + 1, max, &prefix) != 0) {
		set_error(cause, "'%s' has a bad prefix length", q);
		goto out;
	}
	c.prefix = (unsigned)prefix;
	full = prefix / 8;
	for (i = full; i < max / 8; i++) {
		mask = i == full ? (unsigned char)(0xffu >> (prefix % 8)) : 0xff;
		if (c.base.bytes[i] & mask) {
			set_error(cause, "'%s' has host bits set after the prefix length", q);
			goto out;
		}
	}
	*out = c;
	rc = 0;
out:
	free(q);
	return rc;
}

int
cidr_list_parse(const char *s, struct cidr_list *out, char **cause)
{
	struct strlist items = STRLIST_INIT;
	struct cidr *v = NULL;
	size_t i;
	int rc = -1;

	out->v = NULL;
	out->n = 0;
	strlist_split_commas(&items, s);
	if (items.n == 0)
		strlist_split_commas(&items, default_networks);
	v = xreallocarray(NULL, items.n, sizeof *v);
	for (i = 0; i < items.n; i++)
		if (cidr_parse(items.v[i], &v[i], cause) != 0)
			goto out;
	out->v = v;
	out->n = items.n;
	v = NULL;
	rc = 0;
out:
	free(v);
	strlist_release(&items);
	return rc;
}

void
cidr_list_release(struct cidr_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
cidr_list_contains(const struct cidr_list *l, const struct ipaddr *a)
{
	size_t i, full;
	unsigned rest;
	unsigned char mask;

	for (i = 0; i < l->n; i++) {
		const struct cidr *c = &l->v[i];

		if (c->base.family != a->family)
			continue;
		full = c->prefix / 8;
		rest = c->prefix % 8;
		if (memcmp(c->base.bytes, a->bytes, full) != 0)
			continue;
		if (rest != 0) {
			mask = (unsigned char)(0xffu << (8 - rest));
			if ((c->base.bytes[full] & mask) != (a->bytes[full] & mask))
				continue;
		}
		return 1;
	}
	return 0;
}

char *
cidr_list_format(const struct cidr_list *l)
{
	struct buf b = BUF_INIT;
	char text[64];
	size_t i;

	for (i = 0; i < l->n; i++) {
		ip_format(&l->v[i].base, text);
		buf_printf(&b, "%s%s/%u", i ? ", " : "", text, l->v[i].prefix);
	}
	return buf_detach(&b, NULL);
}
