/*
 * dnscheck.h - ask a resolver what a name resolves to and compare it with
 * the entry amlhosts expects ("amlhosts verify").
 *
 * Two resolvers: the system's (getaddrinfo, so the hosts file, nsswitch,
 * nscd or systemd-resolved and the DNS servers of resolv.conf all play
 * their part, as for any program on the machine), or one DNS server asked
 * directly with libresolv (res_nmkquery + res_nsend: UDP, TCP when the
 * answer is truncated), for checking the server a team runs. Each name is
 * asked for the address family of its entry: A for IPv4, AAAA for IPv6.
 *
 * Then dnscheck_causes() turns a set of results into the likely causes,
 * worded for people: the classic failure is a client that gets the
 * workspace's public address because it does not use the hosts file or the
 * DNS server that holds the private zones.
 *
 * Calling sequence:
 *
 *   struct dnscheck_server srv;             (only to ask one server)
 *   dnscheck_server_init(&srv, "10.0.0.4:53", &cause);
 *   for each entry:
 *       dnscheck_result_init(&r, target, entry);
 *       dnscheck_system(&r);  or  dnscheck_server_query(&srv, &r);
 *   dnscheck_hosts_scan(...)  (system resolver: what the hosts file says)
 *   dnscheck_causes(results, n, ...);
 *   dnscheck_result_release(&r); dnscheck_server_release(&srv);
 *
 * Nothing here prints; results hold one-line details the caller shows.
 * Ownership: a result borrows target and entry, owns got[] and detail.
 */
#ifndef AMLHOSTS_DNSCHECK_H
#define AMLHOSTS_DNSCHECK_H

#include <stddef.h>

#include "hosts/entries.h"
#include "hosts/format.h"
#include "base/util.h"

enum dnscheck_status {
	DNSCHECK_OK,        /* the expected address, and only it */
	DNSCHECK_WRONG,     /* other addresses came back (maybe besides it) */
	DNSCHECK_NO_ANSWER, /* no address of the entry's family */
};

/* Why no answer came. */
enum dnscheck_why {
	DNSCHECK_ANSWERED,
	DNSCHECK_NOT_FOUND,   /* NXDOMAIN / EAI_NONAME */
	DNSCHECK_NO_DATA,     /* the name exists without an address of that family */
	DNSCHECK_FAILED,      /* SERVFAIL, REFUSED, a temporary failure */
	DNSCHECK_NO_REPLY,    /* the server did not answer (timeout, refused port) */
};

/* What the hosts file says about a name (system resolver only). */
enum dnscheck_hosts {
	DNSCHECK_HOSTS_UNKNOWN, /* not read */
	DNSCHECK_HOSTS_ABSENT,
	DNSCHECK_HOSTS_RIGHT,   /* first mapping is the expected address */
	DNSCHECK_HOSTS_OTHER,   /* first mapping is another address */
};

struct dnscheck_result {
	const char *target;        /* borrowed */
	const struct entry *entry; /* borrowed: name, expected address */
	enum dnscheck_status status;
	enum dnscheck_why why;
	struct ipaddr *got;        /* answers in the order they came, no duplicates */
	size_t ngot;
	int got_public;            /* one of them is a public address */
	char *detail;              /* one line, or NULL: "NXDOMAIN", "timed out", ... */
	enum dnscheck_hosts hosts;
	struct ipaddr hosts_addr;  /* with DNSCHECK_HOSTS_OTHER */
};

void dnscheck_result_init(struct dnscheck_result *r, const char *target, const struct entry *e);
void dnscheck_result_release(struct dnscheck_result *r);

/* Ask the system resolver (getaddrinfo, AI_ADDRCONFIG off). */
void dnscheck_system(struct dnscheck_result *r);

/*
 * One DNS server, asked directly. IPv4 only (the res_state interface that
 * chooses a server holds IPv4 addresses), any port. Each query waits at most
 * DNSCHECK_TIMEOUT seconds per try, DNSCHECK_TRIES tries; after a server has
 * not answered, the remaining names are not asked (no_reply_seen) so that a
 * dead server costs seconds, not minutes.
 */
#define DNSCHECK_TIMEOUT 2
#define DNSCHECK_TRIES 2
struct dnscheck_server {
	struct dns_addr addr;
	void *res;          /* struct __res_state, opaque here */
	int saved_nscount;
	int no_reply_seen;
};
int dnscheck_server_init(struct dnscheck_server *s, const char *spec, char **cause);
void dnscheck_server_query(struct dnscheck_server *s, struct dnscheck_result *r);
void dnscheck_server_release(struct dnscheck_server *s);

/* Is a a public (globally routed) address? Private, shared (RFC 6598),
 * loopback, link-local, unique local, documentation and multicast ranges
 * are not. */
int dnscheck_ip_is_public(const struct ipaddr *a);

/* Fill r->hosts from a hosts file's text: the first line that maps the
 * name (as glibc's files backend answers), fields, comments, addresses and
 * names read by hostsline.h's rules, as apply reads them. */
void dnscheck_hosts_scan(const char *data, size_t len, struct dnscheck_result *r, size_t n);

/* Summary counts. */
struct dnscheck_summary {
	size_t ok, wrong, no_answer;
};
void dnscheck_summarize(const struct dnscheck_result *r, size_t n, struct dnscheck_summary *out);

/*
 * The likely causes of the problems in r[0..n), one line each, appended to
 * out (nothing when every name is ok). server is NULL for the system
 * resolver; hosts_file names the file the results were scanned against
 * (NULL if it was not read).
 */
void dnscheck_causes(const struct dnscheck_result *r, size_t n, const char *server,
    const char *hosts_file, struct strlist *out);

/* "ok", "wrong", "no answer". */
const char *dnscheck_status_name(enum dnscheck_status s);

#endif
