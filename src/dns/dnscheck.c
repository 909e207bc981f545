/*
 * dnscheck.c - ask the system resolver or one DNS server about the expected
 * names, and say what the answers most likely mean.
 */
#include "config.h"

#include <sys/types.h>
#ifndef _WIN32
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dnscheck.h"
#include "hosts/hostsline.h"
#include "base/platform.h"
#ifdef _WIN32
#include <windns.h>
#endif

void
dnscheck_result_init(struct dnscheck_result *r, const char *target, const struct entry *e)
{
	memset(r, 0, sizeof *r);
	r->target = target;
	r->entry = e;
	r->status = DNSCHECK_NO_ANSWER;
	r->why = DNSCHECK_FAILED;
	r->hosts = DNSCHECK_HOSTS_UNKNOWN;
}

void
dnscheck_result_release(struct dnscheck_result *r)
{
	free(r->got);
	free(r->detail);
	r->got = NULL;
	r->ngot = 0;
	r->detail = NULL;
}

const char *
dnscheck_status_name(enum dnscheck_status s)
{
	switch (s) {
	case DNSCHECK_OK: return "ok";
	case DNSCHECK_WRONG: return "wrong";
	case DNSCHECK_NO_ANSWER: return "no answer";
	}
	return "?";
}

struct range {
	unsigned char base[16];
	unsigned prefix;
};

static int
in_range(const unsigned char *a, const struct range *r)
{
	unsigned full = r->prefix / 8, rest = r->prefix % 8;

	if (memcmp(a, r->base, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[full] ^ r->base[full]) & (unsigned char)(0xff << (8 - rest))) == 0;
}

/* IPv4 ranges that are not reachable on the Internet (RFC 6890). */
static const struct range v4_special[] = {
	{ { 0 }, 8 }, { { 10 }, 8 }, { { 100, 64 }, 10 }, { { 127 }, 8 },
	{ { 169, 254 }, 16 }, { { 172, 16 }, 12 }, { { 192, 0, 0 }, 24 },
	{ { 192, 0, 2 }, 24 }, { { 192, 168 }, 16 }, { { 198, 18 }, 15 },
	{ { 198, 51, 100 }, 24 }, { { 203, 0, 113 }, 24 }, { { 224 }, 3 },
};
static const struct range v6_special[] = {
	{ { 0 }, 96 },                        /* ::/96: unspecified, loopback, compatible */
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff }, 96 }, /* IPv4-mapped */
	{ { 0x01, 0x00 }, 64 },               /* discard */
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32 },   /* documentation */
	{ { 0xfc }, 7 },                      /* unique local */
	{ { 0xfe, 0x80 }, 10 },               /* link-local */
	{ { 0xff }, 8 },                      /* multicast */
};

int
dnscheck_ip_is_public(const struct ipaddr *a)
{
	size_t i;

	if (a->family == AF_INET) {
		for (i = 0; i < sizeof v4_special / sizeof v4_special[0]; i++)
			if (in_range(a->bytes, &v4_special[i]))
				return 0;
		return 1;
	}
	if (in_range(a->bytes, &v6_special[1])) {
		struct ipaddr v4 = { AF_INET, { 0 } };

		memcpy(v4.bytes, a->bytes + 12, 4);
		return dnscheck_ip_is_public(&v4);
	}
	for (i = 0; i < sizeof v6_special / sizeof v6_special[0]; i++)
		if (in_range(a->bytes, &v6_special[i]))
			return 0;
	/* Global unicast is 2000::/3; the rest is unassigned. */
	return (a->bytes[0] & 0xe0) == 0x20;
}

static void
add_answer(struct dnscheck_result *r, int family, const void *bytes)
{
	struct ipaddr a;
	size_t i;

	memset(&a, 0, sizeof a);
	a.family = family;
	memcpy(a.bytes, bytes, family == AF_INET ? 4 : 16);
	for (i = 0; i < r->ngot; i++)
		if (ip_compare(&r->got[i], &a) == 0)
			return;
	r->got = xreallocarray(r->got, r->ngot + 1, sizeof *r->got);
	r->got[r->ngot++] = a;
	if (dnscheck_ip_is_public(&a))
		r->got_public = 1;
}

static const char *
family_rr(const struct dnscheck_result *r)
{
	return r->entry->addr.family == AF_INET6 ? "AAAA" : "A";
}

/* The answers are in: ok when the expected address is the only one. */
static void
classify(struct dnscheck_result *r)
{
	if (r->ngot == 0) {
		r->status = DNSCHECK_NO_ANSWER;
		r->why = DNSCHECK_NO_DATA;
		if (r->detail == NULL)
			r->detail = xasprintf("no %s record", family_rr(r));
		return;
	}
	r->why = DNSCHECK_ANSWERED;
	r->status = r->ngot == 1 && ip_compare(&r->got[0], &r->entry->addr) == 0 ?
	    DNSCHECK_OK : DNSCHECK_WRONG;
}

/* Before a query to one server: a failure until an answer says otherwise,
 * and no query at all to a server that already timed out (each would wait
 * out the same timeout). 1 when r is final without asking. */
static int
server_skip(const struct dnscheck_server *s, struct dnscheck_result *r, const char *where)
{
	r->status = DNSCHECK_NO_ANSWER;
	r->why = DNSCHECK_FAILED;
	if (!s->no_reply_seen)
		return 0;
	r->why = DNSCHECK_NO_REPLY;
	r->detail = xasprintf("not asked: %s did not answer an earlier query", where);
	return 1;
}

/* A server's answer is in: with no address, say whether a CNAME came. */
static void
server_answered(struct dnscheck_result *r, int cname)
{
	if (r->ngot == 0)
		r->detail = xasprintf("no %s record%s", family_rr(r), cname ? " (a CNAME without one)" : "");
	classify(r);
}

/* An error code of the server's answer (RFC 1035 4.1.1): NXDOMAIN says the
 * name is not there, the others that the server could not tell. */
static void
server_rcode(struct dnscheck_result *r, int nxdomain, const char *name)
{
	r->why = nxdomain ? DNSCHECK_NOT_FOUND : DNSCHECK_FAILED;
	r->detail = xstrdup(name);
}

void
dnscheck_system(struct dnscheck_result *r)
{
	struct addrinfo hints, *res = NULL, *ai;
	int rc;

	platform_net_init();
	memset(&hints, 0, sizeof hints);
	hints.ai_family = r->entry->addr.family;
	hints.ai_socktype = SOCK_STREAM; /* one answer per address, not per socket type */
	rc = getaddrinfo(r->entry->name, NULL, &hints, &res);
	if (rc != 0) {
		r->status = DNSCHECK_NO_ANSWER;
		switch (rc) {
		case EAI_NONAME:
			r->why = DNSCHECK_NOT_FOUND;
			r->detail = xstrdup("name not found");
			break;
#ifdef EAI_NODATA
		case EAI_NODATA:
#endif
#ifdef EAI_ADDRFAMILY
		case EAI_ADDRFAMILY:
#endif
#if defined(EAI_NODATA) || defined(EAI_ADDRFAMILY)
			r->why = DNSCHECK_NO_DATA;
			r->detail = xasprintf("no %s address", r->entry->addr.family == AF_INET6 ?
			    "IPv6" : "IPv4");
			break;
#endif
#ifdef EAI_SYSTEM
		case EAI_SYSTEM:
			r->why = DNSCHECK_FAILED;
			r->detail = xstrdup(strerror(errno));
			break;
#endif
		default:
			r->why = DNSCHECK_FAILED;
			r->detail = xstrdup(gai_strerror(rc));
			break;
		}
		return;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof(struct sockaddr_in))
			add_answer(r, AF_INET, &((const struct sockaddr_in *)(const void *)ai->ai_addr)->sin_addr);
		else if (ai->ai_family == AF_INET6 && ai->ai_addrlen >= sizeof(struct sockaddr_in6))
			add_answer(r, AF_INET6, &((const struct sockaddr_in6 *)(const void *)ai->ai_addr)->sin6_addr);
	}
	freeaddrinfo(res);
	classify(r);
}

#ifdef _WIN32
/*
 * No libresolv on Windows: DnsQuery_A asks the one server given, past the
 * hosts file and the DNS Client's cache. Its server list (IP4_ARRAY) holds
 * IPv4 addresses on port 53 only, so other servers are refused up front.
 */
int
dnscheck_server_init(struct dnscheck_server *s, const char *spec, char **cause)
{
	memset(s, 0, sizeof *s);
	if (dns_addr_parse(spec, &s->addr, cause) != 0)
		return -1;
	if (s->addr.family != AF_INET || s->addr.port != 53)
		return set_error(cause, "verify --server on Windows asks an IPv4 server on "
		    "port 53 only (DnsQuery), not '%s'", spec);
	return 0;
}

void
dnscheck_server_release(struct dnscheck_server *s)
{
	(void)s;
}

/* The answer's error code, as DnsQuery reports it. */
static const char *
rcode_name(DNS_STATUS st)
{
	switch (st) {
	case DNS_ERROR_RCODE_FORMAT_ERROR: return "FORMERR";
	case DNS_ERROR_RCODE_SERVER_FAILURE: return "SERVFAIL";
	case DNS_ERROR_RCODE_NAME_ERROR: return "NXDOMAIN";
	case DNS_ERROR_RCODE_NOT_IMPLEMENTED: return "NOTIMP";
	case DNS_ERROR_RCODE_REFUSED: return "REFUSED";
	}
	return NULL;
}

void
dnscheck_server_query(struct dnscheck_server *s, struct dnscheck_result *r)
{
	IP4_ARRAY servers;
	PDNS_RECORDA rec = NULL, p;
	WORD type = r->entry->addr.family == AF_INET6 ? DNS_TYPE_AAAA : DNS_TYPE_A;
	DNS_STATUS st;
	char *where = dns_addr_format(&s->addr);
	int cname = 0;

	if (server_skip(s, r, where))
		goto out;
	memset(&servers, 0, sizeof servers);
	servers.AddrCount = 1;
	memcpy(&servers.AddrArray[0], s->addr.bytes, 4); /* network order, as IP4_ADDRESS is */
	st = DnsQuery_A(r->entry->name, type, DNS_QUERY_BYPASS_CACHE | DNS_QUERY_NO_HOSTS_FILE |
	    DNS_QUERY_WIRE_ONLY, &servers, (PDNS_RECORD *)(void *)&rec, NULL);
	if (rcode_name(st) != NULL) {
		server_rcode(r, st == DNS_ERROR_RCODE_NAME_ERROR, rcode_name(st));
		goto out;
	}
	switch (st) {
	case ERROR_SUCCESS:
	case DNS_INFO_NO_RECORDS:
		break;
	case ERROR_TIMEOUT:
		r->why = DNSCHECK_NO_REPLY;
		s->no_reply_seen = 1;
		r->detail = xasprintf("%s did not answer (timed out)", where);
		goto out;
	default:
		r->detail = xasprintf("%s: DnsQuery failed (error %ld)", where, (long)st);
		goto out;
	}
	for (p = rec; p != NULL; p = p->pNext) {
		if (p->Flags.S.Section != DnsSectionAnswer)
			continue;
		if (p->wType == DNS_TYPE_CNAME)
			cname = 1;
		else if (p->wType == type && type == DNS_TYPE_A && p->wDataLength >= 4)
			add_answer(r, AF_INET, &p->Data.A.IpAddress);
		else if (p->wType == type && type == DNS_TYPE_AAAA && p->wDataLength >= 16)
			add_answer(r, AF_INET6, &p->Data.AAAA.Ip6Address);
	}
	server_answered(r, cname);
out:
	if (rec != NULL)
		DnsRecordListFree((PDNS_RECORD)rec, DnsFreeRecordList);
	free(where);
}
#else
int
dnscheck_server_init(struct dnscheck_server *s, const char *spec, char **cause)
{
	struct __res_state *st;
	struct sockaddr_in sin;

	memset(s, 0, sizeof *s);
	if (dns_addr_parse(spec, &s->addr, cause) != 0)
		return -1;
	if (s->addr.family != AF_INET)
		return set_error(cause, "--server takes an IPv4 address, not '%s'", s->addr.ip);
	st = xcalloc(1, sizeof *st);
	if (res_ninit(st) != 0) {
		free(st);
		return set_error(cause, "cannot initialize the resolver library");
	}
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)s->addr.port);
	memcpy(&sin.sin_addr, s->addr.bytes, 4);
	/* The classic way to choose the server: one entry in nsaddr_list.
	 * The count res_ninit() found is put back before res_nclose(), which
	 * frees what it allocated for each of them. */
	s->saved_nscount = st->nscount;
	st->nscount = 1;
	st->nsaddr_list[0] = sin;
	st->retrans = DNSCHECK_TIMEOUT;
	st->retry = DNSCHECK_TRIES;
	st->options &= ~(unsigned long)(RES_DNSRCH | RES_DEFNAMES);
	st->options |= RES_RECURSE;
	/* res_nsend() treats SERVFAIL, REFUSED and NOTIMP as "try the next
	 * server" and, with none left, fails as if nothing had answered;
	 * with a print code set (as dig does) it returns such answers, and
	 * the rcode is what tells the user what is wrong. */
	st->pfcode = RES_PRF_REPLY;
	s->res = st;
	return 0;
}

void
dnscheck_server_release(struct dnscheck_server *s)
{
	struct __res_state *st = s->res;

	if (st == NULL)
		return;
	if (s->saved_nscount > st->nscount)
		st->nscount = s->saved_nscount;
	res_nclose(st);
	free(st);
	s->res = NULL;
}

/* The answer's error code, as the header carries it. */
static const char *
rcode_name(int rcode)
{
	switch (rcode) {
	case ns_r_formerr: return "FORMERR";
	case ns_r_servfail: return "SERVFAIL";
	case ns_r_nxdomain: return "NXDOMAIN";
	case ns_r_notimpl: return "NOTIMP";
	case ns_r_refused: return "REFUSED";
	}
	return NULL;
}

#define DNSCHECK_ANSWER_MAX 65536

void
dnscheck_server_query(struct dnscheck_server *s, struct dnscheck_result *r)
{
	struct __res_state *st = s->res;
	unsigned char query[NS_PACKETSZ], *ans = NULL;
	ns_type type = r->entry->addr.family == AF_INET6 ? ns_t_aaaa : ns_t_a;
	int qlen, alen, rcode, i, cname = 0;
	char *where = dns_addr_format(&s->addr);
	ns_msg msg;
	ns_rr rr;

	if (server_skip(s, r, where))
		goto out;
	qlen = res_nmkquery(st, ns_o_query, r->entry->name, ns_c_in, type, NULL, 0, NULL,
	    query, sizeof query);
	if (qlen < 0) {
		r->detail = xstrdup("cannot build the query");
		goto out;
	}
	ans = xmalloc(DNSCHECK_ANSWER_MAX);
	errno = 0;
	alen = res_nsend(st, query, qlen, ans, DNSCHECK_ANSWER_MAX);
	if (alen < 0) {
		r->why = DNSCHECK_NO_REPLY;
		s->no_reply_seen = 1;
		if (errno == ECONNREFUSED)
			r->detail = xasprintf("%s refused the connection: no DNS server listens there", where);
		else
			r->detail = xasprintf("%s did not answer (timed out after %d tries of %d s)",
			    where, DNSCHECK_TRIES, DNSCHECK_TIMEOUT);
		goto out;
	}
	if (ns_initparse(ans, alen, &msg) != 0) {
		r->detail = xasprintf("%s sent an answer that does not parse", where);
		goto out;
	}
	rcode = ns_msg_getflag(msg, ns_f_rcode);
	if (rcode != ns_r_noerror) {
		if (rcode_name(rcode) != NULL)
			server_rcode(r, rcode == ns_r_nxdomain, rcode_name(rcode));
		else
			r->detail = xasprintf("rcode %d", rcode);
		goto out;
	}
	for (i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
		if (ns_parserr(&msg, ns_s_an, i, &rr) != 0)
			break;
		if (ns_rr_class(rr) != ns_c_in)
			continue;
		/* Through a CNAME chain, the addresses belong to its end. */
		if (ns_rr_type(rr) == ns_t_cname)
			cname = 1;
		else if (ns_rr_type(rr) == type && type == ns_t_a && ns_rr_rdlen(rr) == 4)
			add_answer(r, AF_INET, ns_rr_rdata(rr));
		else if (ns_rr_type(rr) == type && type == ns_t_aaaa && ns_rr_rdlen(rr) == 16)
			add_answer(r, AF_INET6, ns_rr_rdata(rr));
	}
	server_answered(r, cname);
out:
	free(ans);
	free(where);
}
#endif /* !_WIN32 */

/* The first line that maps a name answers it: fields as hostsline.h reads
 * them, the same reading apply gives the file. */
void
dnscheck_hosts_scan(const char *data, size_t len, struct dnscheck_result *r, size_t n)
{
	const char *p, *end = data + len, *eol;
	struct hostsline_field f;
	struct ipaddr a;
	size_t i, pos, done = 0;

	for (i = 0; i < n; i++)
		r[i].hosts = DNSCHECK_HOSTS_ABSENT;
	for (p = data + hostsline_bom(data, len); p < end && done < n; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		pos = 0;
		if (!hostsline_next(p, (size_t)(eol - p), &pos, &f) ||
		    !hostsline_addr(p + f.off, f.len, &a))
			continue;
		while (hostsline_next(p, (size_t)(eol - p), &pos, &f))
			for (i = 0; i < n; i++) {
				if (r[i].hosts != DNSCHECK_HOSTS_ABSENT ||
				    a.family != r[i].entry->addr.family ||
				    !hostsline_names(p + f.off, f.len, r[i].entry->name))
					continue;
				r[i].hosts = ip_compare(&a, &r[i].entry->addr) == 0 ?
				    DNSCHECK_HOSTS_RIGHT : DNSCHECK_HOSTS_OTHER;
				r[i].hosts_addr = a;
				done++;
			}
	}
}

void
dnscheck_summarize(const struct dnscheck_result *r, size_t n, struct dnscheck_summary *out)
{
	size_t i;

	memset(out, 0, sizeof *out);
	for (i = 0; i < n; i++)
		switch (r[i].status) {
		case DNSCHECK_OK: out->ok++; break;
		case DNSCHECK_WRONG: out->wrong++; break;
		case DNSCHECK_NO_ANSWER: out->no_answer++; break;
		}
}

static const char *
plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void
dnscheck_causes(const struct dnscheck_result *r, size_t n, const char *server,
    const char *hosts_file, struct strlist *out)
{
	size_t i, pub = 0, stale = 0, missing_file = 0, other_file = 0, ignored = 0,
	    not_found = 0, no_reply = 0, failed = 0, problems = 0;

	for (i = 0; i < n; i++) {
		if (r[i].status == DNSCHECK_OK)
			continue;
		problems++;
		if (r[i].status == DNSCHECK_WRONG) {
			/* An answer the hosts file gave is explained by the file
			 * (counted below), not by a DNS server. */
			if (server == NULL && r[i].hosts == DNSCHECK_HOSTS_OTHER &&
			    ip_compare(&r[i].got[0], &r[i].hosts_addr) == 0)
				;
			else if (r[i].got_public)
				pub++;
			else
				stale++;
		} else if (r[i].why == DNSCHECK_NO_REPLY)
			no_reply++;
		else if (r[i].why == DNSCHECK_FAILED)
			failed++;
		else
			not_found++;
		if (server == NULL) {
			if (r[i].hosts == DNSCHECK_HOSTS_ABSENT)
				missing_file++;
			else if (r[i].hosts == DNSCHECK_HOSTS_OTHER)
				other_file++;
			else if (r[i].hosts == DNSCHECK_HOSTS_RIGHT)
				ignored++;
		}
	}
	if (problems == 0)
		return;
	if (server != NULL) {
		if (no_reply > 0)
			strlist_push_nocopy(out, xasprintf("the DNS server %s did not answer: check "
			    "the address and port, that it listens on that address, and that a "
			    "firewall lets DNS (UDP and TCP) through", server));
		if (not_found > 0)
			strlist_push_nocopy(out, xasprintf("DNS server lacks the zone: %s has no "
			    "record for %zu %s; load 'amlhosts resolve --format "
			    "dnsmasq|unbound|bind|coredns|powershell' into it, or forward the zones "
			    "with 'amlhosts forwarders'", server, not_found,
			    plural(not_found, "name", "names")));
		if (pub > 0)
			strlist_push_nocopy(out, xasprintf("public answers: %s answers %zu %s with "
			    "a public address, the workspace's public endpoint: it has no zone for "
			    "them and resolves them on the Internet, or forwards them to Azure DNS "
			    "(168.63.129.16) from outside the virtual network, where Azure DNS "
			    "gives public answers", server, pub, plural(pub, "name", "names")));
		if (stale > 0)
			strlist_push_nocopy(out, xasprintf("old addresses: %s holds another private "
			    "address for %zu %s; regenerate its configuration with 'amlhosts resolve "
			    "--format ...' and reload it", server, stale,
			    plural(stale, "name", "names")));
		if (failed > 0)
			strlist_push_nocopy(out, xasprintf("server errors: %s failed %zu %s "
			    "(SERVFAIL, REFUSED): check that it allows recursion for this client and "
			    "that its forwarders are reachable", server, failed,
			    plural(failed, "query", "queries")));
		return;
	}
	if (hosts_file != NULL && (missing_file > 0 || other_file > 0)) {
		char *what;

		if (missing_file > 0 && other_file > 0)
			what = xasprintf("lacks %zu of these names and maps %zu to another address",
			    missing_file, other_file);
		else if (missing_file > 0)
			what = xasprintf("lacks %zu of these names", missing_file);
		else
			what = xasprintf("maps %zu of these names to another address", other_file);
		strlist_push_nocopy(out, xasprintf("hosts file not applied: '%s' %s; run "
		    "'amlhosts apply' (as root) if this machine should use the hosts file",
		    hosts_file, what));
		free(what);
	}
	if (hosts_file != NULL && ignored > 0)
		strlist_push_nocopy(out, xasprintf("resolver not using the hosts file: '%s' maps "
		    "%zu %s correctly, yet the resolver answered otherwise; check the 'hosts:' "
		    "line of /etc/nsswitch.conf ('files' first), flush a caching daemon (nscd, "
		    "systemd-resolved: 'resolvectl flush-caches'), and check that programs read "
		    "this file", hosts_file, ignored, plural(ignored, "name", "names")));
	if (pub > 0)
		strlist_push_nocopy(out, xasprintf("public answers: %zu %s resolved to a public "
		    "address, the workspace's public endpoint: this machine asks a DNS server "
		    "that does not hold the private zones; on a VPN, check that its DNS settings "
		    "name your DNS server (or an Azure DNS Private Resolver) and that the VPN "
		    "client does not override the hosts file", pub, plural(pub, "name", "names")));
	if (not_found > 0 || failed > 0 || no_reply > 0)
		strlist_push_nocopy(out, xasprintf("DNS server lacks the zone: %zu %s got no "
		    "answer; if this machine relies on a DNS server rather than the hosts file, "
		    "give that server the zones ('amlhosts resolve --format "
		    "dnsmasq|unbound|bind|coredns|powershell') or conditional forwarders "
		    "('amlhosts forwarders'), and check it with 'amlhosts verify --server IP'",
		    not_found + failed + no_reply, plural(not_found + failed + no_reply,
		    "name", "names")));
	if (stale > 0)
		strlist_push_nocopy(out, xasprintf("old addresses: %zu %s resolved to another "
		    "private address; a line outside the amlhosts block, or a DNS server, still "
		    "holds an old address", stale, plural(stale, "name", "names")));
}
