/*
 * format.c - resolve output formats, and conditional forwarders.
 *
 * The DNS-server outputs give each name a zone of its own with the record at
 * the apex, as the Azure Machine Learning custom-DNS article recommends: a
 * server that held "api.azureml.ms" as one zone would answer NXDOMAIN for
 * every other workspace's names, while a zone per name answers exactly the
 * names listed and leaves the rest to ordinary resolution.
 */
#include "config.h"

#ifndef _WIN32
#include <arpa/inet.h>
#endif
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/socket.h>
#endif

#include <jansson.h>

#include "hosts/format.h"
#include "hosts/hostsfile.h"
#include "base/platform.h"
#include "base/quote.h"

static const struct {
	const char *name;
	enum format f;
} formats[] = {
	{ "hosts", FORMAT_HOSTS },
	{ "json", FORMAT_JSON },
	{ "csv", FORMAT_CSV },
	{ "dnsmasq", FORMAT_DNSMASQ },
	{ "unbound", FORMAT_UNBOUND },
	{ "bind", FORMAT_BIND },
	{ "coredns", FORMAT_COREDNS },
	{ "powershell", FORMAT_POWERSHELL },
};

int
format_parse(const char *s, enum format *out)
{
	size_t i;

	for (i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(s, formats[i].name) == 0) {
			*out = formats[i].f;
			return 0;
		}
	return -1;
}

const char *
format_name(enum format f)
{
	size_t i;

	for (i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (formats[i].f == f)
			return formats[i].name;
	return "?";
}

const char *
format_names(void)
{
	return "hosts, json, csv, dnsmasq, unbound, bind, coredns, powershell";
}

int
format_is_dns(enum format f)
{
	return f == FORMAT_DNSMASQ || f == FORMAT_UNBOUND || f == FORMAT_BIND ||
	    f == FORMAT_COREDNS || f == FORMAT_POWERSHELL;
}

int
format_holds_wildcards(enum format f)
{
	/* CoreDNS's hosts plugin answers exact names only; JSON marks them
	 * ("wildcard": true) and reads them back. */
	return f == FORMAT_JSON || (format_is_dns(f) && f != FORMAT_COREDNS);
}

const char *
format_dns_names(void)
{
	return "dnsmasq, unbound, bind, coredns, powershell";
}

void
format_json_text(const json_t *root, struct buf *out)
{
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	/* jansson fails only when memory is exhausted. */
	if (text == NULL)
		out_of_memory();
	buf_puts(out, text);
	buf_putc(out, '\n');
	free(text);
}

/* l's entries as {"target", "fqdn", "ip"} objects at the end of list; -1
 * when out of memory. wildcard marks each ("wildcard": true). */
static int
json_append_entries(json_t *list, const char *target, const struct entry_list *l,
    int wildcard)
{
	json_t *e;
	size_t j;

	for (j = 0; l != NULL && j < l->n; j++) {
		e = json_pack("{s:s, s:s, s:s}", "target", target, "fqdn", l->v[j].name,
		    "ip", l->v[j].ip);
		if (e != NULL && wildcard && json_object_set_new(e, "wildcard", json_true()) != 0) {
			json_decref(e);
			return -1;
		}
		if (e == NULL || json_array_append_new(list, e) != 0)
			return -1;
	}
	return 0;
}

static void
format_json(const struct resolved_target *t, size_t n, struct buf *out)
{
	json_t *root, *list;
	size_t i;

	root = json_object();
	list = json_array();
	if (root == NULL || list == NULL)
		goto oom;
	if (json_object_set_new(root, "amlhosts", json_integer(1)) != 0)
		goto oom;
	/* The wildcards too, marked for programs that take every fqdn for a
	 * host name: --from-json reads them back as the wildcard Azure listed
	 * (SPEC 5.1 shape 6 round-trips), and so does the writer in
	 * amlhosts-azure's answer. */
	for (i = 0; i < n; i++)
		if (json_append_entries(list, t[i].name, t[i].entries, 0) != 0 ||
		    json_append_entries(list, t[i].name, t[i].wildcards, 1) != 0)
			goto oom;
	if (json_object_set_new(root, "entries", list) != 0) {
		list = NULL;
		goto oom;
	}
	list = NULL;
	format_json_text(root, out);
	json_decref(root);
	return;
oom:
	/* jansson fails only when memory is exhausted. */
	json_decref(list);
	json_decref(root);
	out_of_memory();
}

/* The names of all targets, each once, sorted: what a DNS server holds. */
struct name_set {
	const struct entry **v;
	size_t n;
	char *targets; /* "a, b" for the header */
};

static int
entry_name_cmp(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a;
	const struct entry *y = *(const struct entry *const *)b;

	int c = strcmp(x->name, y->name);

	return c != 0 ? c : x->addr.family - y->addr.family;
}

/* The names, and with wildcards the targets' "*.ZONE" names too. */
static void
name_set_init(struct name_set *s, const struct resolved_target *t, size_t n, int wildcards)
{
	struct strlist names = STRLIST_INIT;
	size_t i, j, total = 0, k;

	for (i = 0; i < n; i++)
		total += t[i].entries->n + (wildcards && t[i].wildcards ? t[i].wildcards->n : 0);
	s->v = xcalloc(total + 1, sizeof *s->v);
	s->n = 0;
	for (i = 0; i < n; i++) {
		strlist_push(&names, t[i].name);
		for (j = 0; j < t[i].entries->n; j++)
			s->v[s->n++] = &t[i].entries->v[j];
		for (j = 0; wildcards && t[i].wildcards && j < t[i].wildcards->n; j++)
			s->v[s->n++] = &t[i].wildcards->v[j];
	}
	qsort(s->v, s->n, sizeof *s->v, entry_name_cmp);
	/* A name two targets list is the same entry (cmd.c refuses two
	 * addresses of one family): keep the first. A name's IPv4 and IPv6
	 * addresses, its A and AAAA records, stay side by side, A first. */
	for (i = 0, k = 0; i < s->n; i++)
		if (k == 0 || entry_name_cmp(&s->v[k - 1], &s->v[i]) != 0)
			s->v[k++] = s->v[i];
	s->n = k;
	s->targets = names.n > 0 ? strlist_join(&names, ", ") : xstrdup("none");
	strlist_release(&names);
}

static void
name_set_release(struct name_set *s)
{
	free(s->v);
	free(s->targets);
	memset(s, 0, sizeof *s);
}

/* Is s->v[i] the second record (AAAA) of the name before it? Formats that
 * declare a zone or a record set per name do it at the first. */
static int
same_name(const struct name_set *s, size_t i)
{
	return i > 0 && strcmp(s->v[i - 1]->name, s->v[i]->name) == 0;
}

static const char *
rr_type(const struct entry *e)
{
	return e->addr.family == AF_INET6 ? "AAAA" : "A";
}

/* The zone that holds e: the name itself, or for "*.ZONE" the ZONE whose
 * wildcard record answers every name below it. */
static const char *
zone_of(const struct entry *e)
{
	return name_is_wildcard(e->name) ? e->name + 2 : e->name;
}

/* e's owner name in its zone file: the apex, or the wildcard. */
static const char *
owner_of(const struct entry *e)
{
	return name_is_wildcard(e->name) ? "*" : "@";
}

static void
format_dnsmasq(const struct name_set *s, struct buf *out)
{
	size_t i;

	buf_printf(out, "# amlhosts: Azure Machine Learning private endpoint names for dnsmasq\n"
	    "# (targets: %s). Put this file in /etc/dnsmasq.d/ and restart dnsmasq.\n",
	    s->targets);
	/* One host-record per name, with its IPv4 and IPv6 address; a
	 * wildcard's address= line per address answers its zone and all
	 * below it. */
	for (i = 0; i < s->n; i++)
		if (name_is_wildcard(s->v[i]->name))
			buf_printf(out, "%saddress=/%s/%s", i > 0 ? "\n" : "", zone_of(s->v[i]),
			    s->v[i]->ip);
		else if (same_name(s, i))
			buf_printf(out, ",%s", s->v[i]->ip);
		else
			buf_printf(out, "%shost-record=%s,%s", i > 0 ? "\n" : "", s->v[i]->name,
			    s->v[i]->ip);
	if (s->n > 0)
		buf_puts(out, "\n");
}

static void
format_unbound(const struct name_set *s, struct buf *out)
{
	size_t i;

	buf_printf(out, "# amlhosts: Azure Machine Learning private endpoint names for Unbound\n"
	    "# (targets: %s). Include this file in unbound.conf. Each name is a\n"
	    "# zone of its own, answered here; other names resolve as before.\n"
	    "server:\n", s->targets);
	/* A redirect zone answers every name below it with its apex data:
	 * the wildcard's record. */
	for (i = 0; i < s->n; i++) {
		if (!same_name(s, i))
			buf_printf(out, "\tlocal-zone: \"%s.\" %s\n", zone_of(s->v[i]),
			    name_is_wildcard(s->v[i]->name) ? "redirect" : "transparent");
		buf_printf(out, "\tlocal-data: \"%s. %d IN %s %s\"\n", zone_of(s->v[i]),
		    FORMAT_DNS_TTL, rr_type(s->v[i]), s->v[i]->ip);
	}
}

static void
format_coredns(const struct name_set *s, struct buf *out)
{
	size_t i;

	buf_printf(out, "# amlhosts: Azure Machine Learning private endpoint names for CoreDNS\n"
	    "# (targets: %s). Add this server block to the Corefile: each name is a\n"
	    "# zone of its own, answered by the hosts plugin; other names go to the\n"
	    "# Corefile's other server blocks.\n", s->targets);
	if (s->n == 0) {
		buf_puts(out, "# (no names)\n");
		return;
	}
	for (i = 0; i < s->n; i++)
		if (!same_name(s, i))
			buf_printf(out, "%s%s", i > 0 ? " " : "", s->v[i]->name);
	buf_puts(out, " {\n\thosts {\n");
	for (i = 0; i < s->n; i++)
		buf_printf(out, "\t\t%s %s\n", s->v[i]->ip, s->v[i]->name);
	buf_printf(out, "\t\tttl %d\n\t\tno_reverse\n\t}\n}\n", FORMAT_DNS_TTL);
}

static void
format_powershell(const struct name_set *s, struct buf *out)
{
	const struct entry *e;
	size_t i;

	buf_printf(out, "# amlhosts: Azure Machine Learning private endpoint names for Windows DNS\n"
	    "# Server (targets: %s). Run in an elevated PowerShell on the DNS server\n"
	    "# (DnsServer module). Each name becomes a primary zone of its own, stored in\n"
	    "# Active Directory and replicated to the forest, with the address at its\n"
	    "# apex (\"@\"). On a DNS server that is not a domain controller, use\n"
	    "# -ZoneFile \"NAME.dns\" instead of -ReplicationScope \"Forest\". Running the\n"
	    "# script again replaces the addresses.\n"
	    "$ErrorActionPreference = 'Stop'\n", s->targets);
	/* A wildcard "*.ZONE" is the record "*" in the zone ZONE. */
	for (i = 0; i < s->n; i++) {
		e = s->v[i];
		if (!same_name(s, i))
			buf_printf(out, "\nif (-not (Get-DnsServerZone -Name \"%s\" -ErrorAction "
			    "SilentlyContinue)) {\n"
			    "\tAdd-DnsServerPrimaryZone -Name \"%s\" -ReplicationScope \"Forest\"\n"
			    "}\n", zone_of(e), zone_of(e));
		buf_printf(out, "Get-DnsServerResourceRecord -ZoneName \"%s\" -Name \"%s\" -RRType %s -ErrorAction SilentlyContinue |\n"
		    "\tRemove-DnsServerResourceRecord -ZoneName \"%s\" -Force\n",
		    zone_of(e), owner_of(e), rr_type(e), zone_of(e));
		if (e->addr.family == AF_INET6)
			buf_printf(out, "Add-DnsServerResourceRecordAAAA -ZoneName \"%s\" -Name \"%s\" "
			    "-IPv6Address \"%s\" -TimeToLive 00:05:00\n", zone_of(e), owner_of(e), e->ip);
		else
			buf_printf(out, "Add-DnsServerResourceRecordA -ZoneName \"%s\" -Name \"%s\" "
			    "-IPv4Address \"%s\" -TimeToLive 00:05:00\n", zone_of(e), owner_of(e), e->ip);
	}
}

int
format_bind_dir_ok(const char *dir)
{
	const unsigned char *p;

	for (p = (const unsigned char *)dir; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
			return 0;
	return 1;
}

static struct format_file *
files_add(struct format_files *f, const char *name)
{
	struct format_file *ff;

	f->v = xreallocarray(f->v, f->n + 1, sizeof *f->v);
	ff = &f->v[f->n++];
	ff->name = xstrdup(name);
	buf_init(&ff->data);
	return ff;
}

void
format_bind_files(const struct resolved_target *t, size_t n, const char *zone_dir,
    struct format_files *out)
{
	struct name_set s;
	struct format_file *zf;
	struct buf conf = BUF_INIT;
	char *file;
	size_t i;

	memset(out, 0, sizeof *out);
	name_set_init(&s, t, n, 1);
	/* The fragment is the first file: files_add() moves the array. */
	files_add(out, FORMAT_BIND_CONF);
	buf_printf(&conf, "// amlhosts: Azure Machine Learning private endpoint names for BIND\n"
	    "// (targets: %s): one zone per name, its address at the zone's apex.\n"
	    "// Include this file in named.conf; check with named-checkconf -z.\n", s.targets);
	for (i = 0; i < s.n; i++) {
		if (same_name(&s, i)) {
			/* The name's AAAA record, in the zone of its A record. */
			buf_printf(&out->v[out->n - 1].data, "%s\tIN\t%s\t%s\n", owner_of(s.v[i]),
			    rr_type(s.v[i]), s.v[i]->ip);
			continue;
		}
		/* A wildcard "*.ZONE" is the zone ZONE with a "*" record. */
		file = xasprintf("db.%s", zone_of(s.v[i]));
		buf_printf(&conf, "zone \"%s\" {\n\ttype master;\n\tfile \"%s%s%s\";\n"
		    "\tnotify no;\n};\n", zone_of(s.v[i]), zone_dir ? zone_dir : "",
		    zone_dir && *zone_dir && zone_dir[strlen(zone_dir) - 1] != '/' ? "/" : "", file);
		/* The server itself is the only name server (NS localhost, as
		 * Debian's db.local): these zones are never delegated. The
		 * serial stays 1 so that the output is deterministic; "rndc
		 * reload" reloads a primary zone whose file changed. */
		zf = files_add(out, file);
		buf_printf(&zf->data, "; amlhosts: zone %s\n"
		    "$ORIGIN %s.\n"
		    "$TTL %d\n"
		    "@\tIN\tSOA\tlocalhost. root.localhost. 1 3600 600 86400 %d\n"
		    "@\tIN\tNS\tlocalhost.\n"
		    "%s\tIN\t%s\t%s\n", zone_of(s.v[i]), zone_of(s.v[i]), FORMAT_DNS_TTL,
		    FORMAT_DNS_TTL, owner_of(s.v[i]), rr_type(s.v[i]), s.v[i]->ip);
		free(file);
	}
	out->v[0].data = conf;
	name_set_release(&s);
}

void
format_files_release(struct format_files *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].name);
		buf_release(&f->v[i].data);
	}
	free(f->v);
	memset(f, 0, sizeof *f);
}

/* The stream form: each file under a line naming it, in its own comment
 * syntax ("//" for named.conf, ";" for zone files). */
static void
format_bind_stream(const struct resolved_target *t, size_t n, struct buf *out)
{
	struct format_files files;
	size_t i;

	format_bind_files(t, n, NULL, &files);
	for (i = 0; i < files.n; i++) {
		buf_printf(out, "%s---- file %s ----\n", i == 0 ? "// " : "; ", files.v[i].name);
		buf_append(out, files.v[i].data.data, files.v[i].data.len);
	}
	format_files_release(&files);
}

void
format_entries(enum format f, const struct resolved_target *t, size_t n, struct buf *out)
{
	struct name_set s;
	size_t i, j;

	switch (f) {
	case FORMAT_HOSTS:
		for (i = 0; i < n; i++)
			hostsfile_render_block(t[i].name, t[i].entries, 0, out);
		return;
	case FORMAT_JSON:
		format_json(t, n, out);
		return;
	case FORMAT_CSV:
		/* Names and targets are validated: nothing needs quoting. */
		buf_puts(out, "fqdn,ip,target\n");
		for (i = 0; i < n; i++)
			for (j = 0; j < t[i].entries->n; j++)
				buf_printf(out, "%s,%s,%s\n", t[i].entries->v[j].name,
				    t[i].entries->v[j].ip, t[i].name);
		return;
	case FORMAT_BIND:
		format_bind_stream(t, n, out);
		return;
	case FORMAT_DNSMASQ:
	case FORMAT_UNBOUND:
	case FORMAT_COREDNS:
	case FORMAT_POWERSHELL:
		break;
	}
	name_set_init(&s, t, n, format_holds_wildcards(f));
	switch (f) {
	case FORMAT_DNSMASQ:
		format_dnsmasq(&s, out);
		break;
	case FORMAT_UNBOUND:
		format_unbound(&s, out);
		break;
	case FORMAT_COREDNS:
		format_coredns(&s, out);
		break;
	case FORMAT_POWERSHELL:
		format_powershell(&s, out);
		break;
	default:
		break;
	}
	name_set_release(&s);
}

static int
parse_port(const char *s, unsigned *out)
{
	unsigned long v = 0;
	const char *p;

	if (*s == '\0' || *s == '0' || strlen(s) > 5)
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int
dns_addr_parse(const char *s, struct dns_addr *out, char **cause)
{
	char host[INET6_ADDRSTRLEN + 1], *q = quote_str(s);
	const char *colon = strchr(s, ':'), *port = NULL, *end;
	size_t hlen;
	struct dns_addr a;
	int rc = -1;

	memset(&a, 0, sizeof a);
	a.port = 53;
	if (s[0] == '[') {
		/* [IPv6]:PORT */
		end = strchr(s, ']');
		if (end == NULL || end[1] != ':') {
			set_error(cause, "'%s' is not an address: write [IPv6]:PORT, or the "
			    "address alone for port 53", q);
			goto out;
		}
		hlen = (size_t)(end - s - 1);
		if (hlen >= sizeof host)
			goto bad;
		memcpy(host, s + 1, hlen);
		host[hlen] = '\0';
		port = end + 2;
		if (inet_pton(AF_INET6, host, a.bytes) != 1)
			goto bad;
		a.family = AF_INET6;
	} else if (colon != NULL && strchr(colon + 1, ':') == NULL) {
		/* IPv4:PORT */
		hlen = (size_t)(colon - s);
		if (hlen >= sizeof host)
			goto bad;
		memcpy(host, s, hlen);
		host[hlen] = '\0';
		port = colon + 1;
		if (inet_pton(AF_INET, host, a.bytes) != 1 || ipv4_has_leading_zero(host))
			goto bad;
		a.family = AF_INET;
	} else if (strlen(s) < sizeof host) {
		if (colon == NULL && inet_pton(AF_INET, s, a.bytes) == 1 && !ipv4_has_leading_zero(s))
			a.family = AF_INET;
		else if (colon != NULL && inet_pton(AF_INET6, s, a.bytes) == 1)
			a.family = AF_INET6;
		else
			goto bad;
	} else
		goto bad;
	if (port != NULL && parse_port(port, &a.port) != 0) {
		set_error(cause, "'%s': the port must be a number from 1 to 65535", q);
		goto out;
	}
	if (a.family == AF_INET) {
		if (a.bytes[0] == 0 || a.bytes[0] >= 224) {
			set_error(cause, "'%s' is not a unicast address", q);
			goto out;
		}
	} else {
		static const unsigned char zero[16], mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

		if (memcmp(a.bytes, zero, 16) == 0 || a.bytes[0] == 0xff) {
			set_error(cause, "'%s' is not a unicast address", q);
			goto out;
		}
		if (memcmp(a.bytes, mapped, 12) == 0) {
			set_error(cause, "'%s' is an IPv4-mapped address: give the IPv4 address", q);
			goto out;
		}
	}
	if (inet_ntop(a.family, a.bytes, a.ip, sizeof a.ip) == NULL)
		goto bad;
	*out = a;
	rc = 0;
	goto out;
bad:
	set_error(cause, "'%s' is not an IP address (IP, IPv4:PORT or [IPv6]:PORT)", q);
out:
	free(q);
	return rc;
}

char *
dns_addr_format(const struct dns_addr *a)
{
	if (a->port == 53)
		return xstrdup(a->ip);
	if (a->family == AF_INET6)
		return xasprintf("[%s]:%u", a->ip, a->port);
	return xasprintf("%s:%u", a->ip, a->port);
}

/* The address in each server's own syntax. */
static char *
forward_addr(enum format f, const struct dns_addr *to)
{
	if (to->port == 53)
		return xstrdup(to->ip);
	switch (f) {
	case FORMAT_DNSMASQ:
		return xasprintf("%s#%u", to->ip, to->port);
	case FORMAT_UNBOUND:
		return xasprintf("%s@%u", to->ip, to->port);
	case FORMAT_BIND:
		return xasprintf("%s port %u", to->ip, to->port);
	default:
		return dns_addr_format(to);
	}
}

static void
forwarders_dnsmasq(const struct cloud *c, const char *addr, struct buf *out)
{
	const char *const *z;

	for (z = c->forward_zones; *z != NULL; z++)
		buf_printf(out, "server=/%s/%s\n", *z, addr);
	/* The answers are private addresses, which --stop-dns-rebind drops. */
	buf_puts(out, "rebind-domain-ok=");
	for (z = c->forward_zones; *z != NULL; z++)
		buf_printf(out, "/%s", *z);
	buf_puts(out, "/\n");
}

static void
forwarders_unbound(const struct cloud *c, const char *addr, struct buf *out)
{
	const char *const *z;

	/* private-domain: the answers are private addresses, which
	 * private-address: settings would strip; domain-insecure: the private
	 * zones behind Azure DNS are not signed like the public ones. */
	buf_puts(out, "server:\n");
	for (z = c->forward_zones; *z != NULL; z++)
		buf_printf(out, "\tprivate-domain: \"%s.\"\n\tdomain-insecure: \"%s.\"\n", *z, *z);
	for (z = c->forward_zones; *z != NULL; z++)
		buf_printf(out, "forward-zone:\n\tname: \"%s.\"\n\tforward-addr: %s\n", *z, addr);
}

static void
forwarders_bind(const struct cloud *c, const char *addr, struct buf *out)
{
	const char *const *z;

	for (z = c->forward_zones; *z != NULL; z++)
		buf_printf(out, "zone \"%s\" {\n\ttype forward;\n\tforward only;\n"
		    "\tforwarders { %s; };\n};\n", *z, addr);
}

static void
forwarders_coredns(const struct cloud *c, const char *addr, struct buf *out)
{
	const char *const *z;

	for (z = c->forward_zones; *z != NULL; z++)
		buf_printf(out, "%s%s", z == c->forward_zones ? "" : " ", *z);
	buf_printf(out, " {\n\tforward . %s\n}\n", addr);
}

static void
forwarders_powershell(const struct cloud *c, const char *addr, struct buf *out)
{
	const char *const *z;

	buf_puts(out, "$ErrorActionPreference = 'Stop'\n");
	for (z = c->forward_zones; *z != NULL; z++)
		buf_printf(out, "\nif (Get-DnsServerZone -Name \"%s\" -ErrorAction SilentlyContinue) {\n"
		    "\tSet-DnsServerConditionalForwarderZone -Name \"%s\" -MasterServers %s\n"
		    "} else {\n"
		    "\tAdd-DnsServerConditionalForwarderZone -Name \"%s\" -MasterServers %s "
		    "-ReplicationScope \"Forest\"\n"
		    "}\n", *z, *z, addr, *z, addr);
}

int
format_forwarders(enum format f, const struct cloud *c, const struct dns_addr *to,
    struct buf *out, char **cause)
{
	char *where, *addr;
	const char *comment = f == FORMAT_BIND ? "//" : "#";
	int azure = to->port == 53 && strcmp(to->ip, FORMAT_AZURE_DNS) == 0;

	if (!format_is_dns(f))
		return set_error(cause, "forwarders are written for DNS servers: --format %s, "
		    "not %s", format_dns_names(), format_name(f));
	if (f == FORMAT_POWERSHELL && to->port != 53)
		return set_error(cause, "Windows DNS Server forwards to port 53 only, not to "
		    "port %u", to->port);
	where = dns_addr_format(to);
	addr = forward_addr(f, to);
	buf_printf(out, "%s amlhosts: conditional forwarders for %s.\n"
	    "%s The Azure Machine Learning zones of %s go to %s%s.\n", comment,
	    f == FORMAT_DNSMASQ ? "dnsmasq" : f == FORMAT_UNBOUND ? "Unbound" :
	    f == FORMAT_BIND ? "BIND" : f == FORMAT_COREDNS ? "CoreDNS" : "Windows DNS Server",
	    comment, c->name, where, azure ? " (Azure DNS)" : "");
	if (azure)
		buf_printf(out, "%s Azure DNS answers only inside a virtual network: run this server on\n"
		    "%s a VM there, or forward to an Azure DNS Private Resolver inbound endpoint.\n",
		    comment, comment);
	switch (f) {
	case FORMAT_DNSMASQ:
		buf_puts(out, "# Put this file in /etc/dnsmasq.d/ and restart dnsmasq.\n");
		forwarders_dnsmasq(c, addr, out);
		break;
	case FORMAT_UNBOUND:
		buf_puts(out, "# Include this file in unbound.conf.\n");
		forwarders_unbound(c, addr, out);
		break;
	case FORMAT_BIND:
		buf_puts(out, "// Include this file in named.conf.\n");
		forwarders_bind(c, addr, out);
		break;
	case FORMAT_COREDNS:
		buf_puts(out, "# Add this server block to the Corefile.\n");
		forwarders_coredns(c, addr, out);
		break;
	case FORMAT_POWERSHELL:
		buf_puts(out, "# Run in an elevated PowerShell on the DNS server (DnsServer module).\n"
		    "# The forwarders are stored in Active Directory and replicated to the\n"
		    "# forest; on a DNS server that is not a domain controller, leave out\n"
		    "# -ReplicationScope \"Forest\".\n");
		forwarders_powershell(c, addr, out);
		break;
	default:
		break;
	}
	free(addr);
	free(where);
	return 0;
}
