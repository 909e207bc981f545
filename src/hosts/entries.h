/*
 * entries.h - the entry model (name -> IP) and the validation every entry
 * passes before it may reach a hosts file (SPEC 7).
 *
 * A name or address is validated once, when it enters the model: the rest of
 * the program may then write it into a system file without further checks.
 * Everything that refuses input returns -1 with a one-line cause.
 */
#ifndef AMLHOSTS_ENTRIES_H
#define AMLHOSTS_ENTRIES_H

#include <stddef.h>
#include <stdint.h>

struct ipaddr {
	int family;              /* AF_INET or AF_INET6 */
	unsigned char bytes[16]; /* network order; 4 used for AF_INET */
};

struct entry {
	char *name; /* lower case, no trailing dot, validated */
	char *ip;   /* canonical text form (inet_ntop) */
	struct ipaddr addr;
};

struct entry_list {
	struct entry *v;
	size_t n;
	size_t cap;
};
#define ENTRY_LIST_INIT { NULL, 0, 0 }
void entry_list_init(struct entry_list *l);
void entry_list_release(struct entry_list *l);
/* Append a copy of an already validated name and parsed address. */
void entry_list_add(struct entry_list *l, const char *name, const struct ipaddr *addr);
/* Index of name, or -1. Linear; lists are small. */
long entry_list_find(const struct entry_list *l, const char *name);
/* Index of name's address of family (AF_INET, AF_INET6; AF_UNSPEC: any), or
 * -1: a name has at most one of each, its A and AAAA records. */
long entry_list_find_family(const struct entry_list *l, const char *name, int family);
/* Sort by address (IPv4 before IPv6, numerically) and then by name, drop
 * exact duplicates; the same name at two addresses of one family is an
 * error naming both (one IPv4 and one IPv6 address are fine). */
int entry_list_normalize(struct entry_list *l, char **cause);

/*
 * Names. name_normalize() lower-cases, drops one trailing dot and checks RFC
 * 1123 syntax: <= 253 characters, labels of 1-63 [a-z0-9-] without a leading
 * or trailing hyphen. With allow_wildcard, a single leading "*" label is
 * accepted (Azure lists the inference name that way).
 */
int name_normalize(const char *in, int allow_wildcard, char **out, char **cause);
int name_is_wildcard(const char *name);
/* Is s a single valid label (1-63 of [a-z0-9-], no hyphen at either end)? */
int label_is_valid(const char *s, size_t n);
/* Does name end in suffix on a label boundary (or equal it)? */
int name_has_suffix(const char *name, const char *suffix);

/*
 * Addresses. Only inet_pton spellings are accepted: no "010.1.1.1" octal,
 * "0x0a.1.1.1" hex or "10.1" short forms. A "/len" prefix length (how a NIC
 * may report privateIPAddress) is accepted only with allow_prefix.
 * Loopback, link-local, unspecified, multicast, IPv4-mapped/compatible and
 * broadcast addresses are refused here, whatever the allowed networks are.
 */
int ip_parse(const char *in, int allow_prefix, struct ipaddr *out, char **cause);
/* Does dotted-decimal s spell a number with a leading zero ("010.0.0.1")?
 * inet_pton reads it as ten, other parsers as octal eight: refused. */
int ipv4_has_leading_zero(const char *s);
void ip_format(const struct ipaddr *a, char out[64]);
int ip_compare(const struct ipaddr *a, const struct ipaddr *b);

struct cidr {
	struct ipaddr base;
	unsigned prefix;
};
struct cidr_list {
	struct cidr *v;
	size_t n;
};
/* Parse "10.0.0.0/8, fc00::/7"; NULL or "" gives the default list
 * (RFC 1918, RFC 6598 and fc00::/7). */
int cidr_list_parse(const char *s, struct cidr_list *out, char **cause);
void cidr_list_release(struct cidr_list *l);
int cidr_list_contains(const struct cidr_list *l, const struct ipaddr *a);
/* "10.0.0.0/8, fc00::/7" for messages; new string. */
char *cidr_list_format(const struct cidr_list *l);

#endif
