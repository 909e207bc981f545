/*
 * format.h - print resolved entries for people, other programs and DNS
 * servers ("amlhosts resolve --format ..."), and the conditional forwarders
 * a DNS server needs for a cloud's zones ("amlhosts forwarders").
 *
 * Output is deterministic: the same entries always give the same bytes (no
 * time stamps, no serial numbers that change). Names and addresses were
 * validated when they entered the entry model (entries.h), so they are
 * written into configuration files without quoting.
 *
 * The DNS-server formats follow the Azure Machine Learning custom-DNS
 * guidance: one zone per FQDN with the record at the zone's apex, so a
 * server answers exactly these names and passes every other one on. A name
 * listed by two targets (at one address: cmd.c refuses two) appears once,
 * and the names are sorted. IPv6 entries become AAAA records.
 *
 * Ownership: output is appended to caller-owned buffers; struct
 * format_files owns its names and contents (format_files_release).
 */
#ifndef AMLHOSTS_FORMAT_H
#define AMLHOSTS_FORMAT_H

#include <stddef.h>

#include <jansson.h>

#include "hosts/cloud.h"
#include "hosts/entries.h"
#include "base/util.h"

enum format {
	FORMAT_HOSTS,
	FORMAT_JSON,
	FORMAT_CSV,
	FORMAT_DNSMASQ,
	FORMAT_UNBOUND,
	FORMAT_BIND,
	FORMAT_COREDNS,
	FORMAT_POWERSHELL,
};

struct resolved_target {
	const char *name;
	const struct entry_list *entries;
	/* "*.ZONE" names (names_derive's o->wildcards), or NULL. Only the
	 * formats that hold a wildcard (format_holds_wildcards) write them. */
	const struct entry_list *wildcards;
};

/* "hosts", "json", "csv", "dnsmasq", ...; -1 if unknown. */
int format_parse(const char *s, enum format *out);
/* The name of a format ("dnsmasq"). */
const char *format_name(enum format f);
/* The names accepted, for messages and --help. */
const char *format_names(void);
/* Is f one of the DNS-server formats (dnsmasq ... powershell)? */
int format_is_dns(enum format f);
/* Those names, for messages. */
const char *format_dns_names(void);
/* Does f write a target's wildcards (as the DNS server's wildcard record)?
 * The others leave them out: the caller says so. */
int format_holds_wildcards(enum format f);

/* Records written with a TTL get this one (seconds). */
#define FORMAT_DNS_TTL 300

/*
 * hosts:      the blocks as amlhosts writes them;
 * json:       {"amlhosts": 1, "entries": [{"target", "fqdn", "ip"}, ...]},
 *             which --from-json reads back (SPEC 5.1 shape 6); a wildcard
 *             is an entry with "fqdn": "*.ZONE" and "wildcard": true;
 * csv:        "fqdn,ip,target" and one row per entry;
 * dnsmasq:    "host-record=NAME,IP" lines; a wildcard "*.ZONE" is
 *             "address=/ZONE/IP", which answers ZONE and every name below;
 * unbound:    a server: clause with a transparent local-zone and its
 *             local-data per name (the name answers; other names, and names
 *             below it, are resolved as before); a wildcard "*.ZONE" is a
 *             redirect local-zone ZONE whose apex data answers every name
 *             below it;
 * bind:       the stream form of format_bind_files(): each file after a
 *             line "---- file NAME ----" in its own comment syntax ("// "
 *             before the named.conf fragment, "; " before a zone file), so
 *             that each part, cut at those lines, is the file;
 *             a wildcard "*.ZONE" is a zone ZONE with a "*" record;
 * coredns:    a Corefile server block for the names, with a hosts plugin
 *             (which cannot hold a wildcard: left out);
 * powershell: a DnsServer-module script that adds a primary zone per name
 *             (-ReplicationScope Forest) and sets its apex A/AAAA record,
 *             safe to run again after an address changed; a wildcard
 *             "*.ZONE" is a zone ZONE with a "*" record.
 */
void format_entries(enum format f, const struct resolved_target *t, size_t n, struct buf *out);

/* JSON as amlhosts prints it (resolve --format json, --json): indented by
 * two, keys in the order they were set, a final newline; appended to out. */
void format_json_text(const json_t *root, struct buf *out);

/*
 * BIND: named.conf fragment plus zone files. The first file is the
 * fragment, FORMAT_BIND_CONF; then one zone file "db.NAME" per name, in
 * name order. The fragment names each zone file as zone_dir/db.NAME, or as
 * the bare file name when zone_dir is NULL (relative to named's
 * "directory"). zone_dir is written into the fragment as given: it must
 * not contain '"' or a control character (format_bind_dir_ok()).
 */
#define FORMAT_BIND_CONF "named.conf.amlhosts"
struct format_file {
	char *name;    /* file name, no directory */
	struct buf data;
};
struct format_files {
	struct format_file *v;
	size_t n;
};
void format_bind_files(const struct resolved_target *t, size_t n, const char *zone_dir,
    struct format_files *out);
void format_files_release(struct format_files *f);
/* Can dir be written into a named.conf string? */
int format_bind_dir_ok(const char *dir);

/*
 * A DNS server's address as the user gives it: "IP" or, for a server on
 * another port, "IPv4:PORT" or "[IPv6]:PORT". Any unicast address is
 * accepted, loopback included (a local test server); "0.0.0.0", "::",
 * multicast and broadcast addresses are refused, and so are inet_pton's
 * spellings with leading zeros.
 */
struct dns_addr {
	int family;       /* AF_INET or AF_INET6 */
	unsigned char bytes[16];
	char ip[64];      /* canonical text (inet_ntop) */
	unsigned port;    /* 53 unless given */
};
int dns_addr_parse(const char *s, struct dns_addr *out, char **cause);
/* "IP", "IP:PORT" or "[IP]:PORT" as dns_addr_parse() reads it; new string. */
char *dns_addr_format(const struct dns_addr *a);

/* Azure DNS, which answers the private DNS zones linked to a virtual
 * network, for clients inside it. */
#define FORMAT_AZURE_DNS "168.63.129.16"

/*
 * Conditional forwarders: for each of the cloud's forward_zones, send the
 * zone's queries to `to` (dnsmasq, unbound, bind, coredns, powershell).
 * Fails for other formats, and for powershell with a port other than 53,
 * which Windows DNS cannot forward to.
 */
int format_forwarders(enum format f, const struct cloud *c, const struct dns_addr *to,
    struct buf *out, char **cause);

#endif
