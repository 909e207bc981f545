/*
 * Unit tests of the output formats: names, the DNS-server formats byte for
 * byte (IPv4 and IPv6, a name two targets share, sorting), BIND's files,
 * the address parser of --to and --server, the forwarders, and each
 * format's wildcard record (or its absence).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/socket.h>
#endif

#include "hosts/format.h"
#include "base/platform.h"
#include "base/util.h"
#include "unit/cunit_main.h"

#define API "fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.api.azureml.ms"
#define CERT "fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.cert.api.azureml.ms"
#define NB "ml-myws-eastus-fb7e20a0-8891-458b-b969-55ddb3382f51.eastus.notebooks.azure.net"
#define V6 "v6ws.blob.core.windows.net"

static void
add(struct entry_list *l, const char *name, const char *ip)
{
	struct ipaddr a;

	CU_ASSERT_EQUAL_FATAL(ip_parse(ip, 0, &a, NULL), 0);
	entry_list_add(l, name, &a);
}

/* Two targets: "b" lists NB, V6 (IPv6) and API, "a" lists API again
 * (same address) and CERT; names come out once, sorted. */
struct fixture {
	struct entry_list a, b;
	struct resolved_target t[2];
};

static void
fixture_init(struct fixture *f)
{
	entry_list_init(&f->a);
	entry_list_init(&f->b);
	add(&f->b, NB, "10.1.0.6");
	add(&f->b, V6, "fd00:1::8");
	add(&f->b, API, "10.1.0.5");
	add(&f->a, API, "10.1.0.5");
	add(&f->a, CERT, "10.1.0.5");
	f->t[0].name = "b";
	f->t[0].entries = &f->b;
	f->t[1].name = "a";
	f->t[1].entries = &f->a;
	f->t[0].wildcards = f->t[1].wildcards = NULL;
}

static void
fixture_release(struct fixture *f)
{
	entry_list_release(&f->a);
	entry_list_release(&f->b);
}

static int
same_text(const char *what, const struct buf *got, const char *want)
{
	const char *g = got->data ? got->data : "";

	if (strcmp(g, want) == 0)
		return 1;
	fprintf(stderr, "\n--- %s expected:\n%s--- got:\n%s---\n", what, want, g);
	return 0;
}

static void
check_format(enum format f, const char *want)
{
	struct fixture fx;
	struct buf out = BUF_INIT;

	fixture_init(&fx);
	format_entries(f, fx.t, 2, &out);
	CU_ASSERT_TRUE(same_text(format_name(f), &out, want));
	buf_release(&out);
	fixture_release(&fx);
}

static void
test_names(void)
{
	static const char *const names[] = {
		"hosts", "json", "csv", "dnsmasq", "unbound", "bind", "coredns", "powershell",
	};
	enum format f;
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		CU_ASSERT_EQUAL(format_parse(names[i], &f), 0);
		CU_ASSERT_STRING_EQUAL(format_name(f), names[i]);
		CU_ASSERT_EQUAL(format_is_dns(f), i >= 3);
		CU_ASSERT_PTR_NOT_NULL(strstr(format_names(), names[i]));
	}
	CU_ASSERT_EQUAL(format_parse("yaml", &f), -1);
	CU_ASSERT_EQUAL(format_parse("BIND", &f), -1);
	CU_ASSERT_EQUAL(format_parse("", &f), -1);
}

static void
test_dnsmasq(void)
{
	check_format(FORMAT_DNSMASQ,
	    "# amlhosts: Azure Machine Learning private endpoint names for dnsmasq\n"
	    "# (targets: b, a). Put this file in /etc/dnsmasq.d/ and restart dnsmasq.\n"
	    "host-record=" API ",10.1.0.5\n"
	    "host-record=" CERT ",10.1.0.5\n"
	    "host-record=" NB ",10.1.0.6\n"
	    "host-record=" V6 ",fd00:1::8\n");
}

static void
test_unbound(void)
{
	check_format(FORMAT_UNBOUND,
	    "# amlhosts: Azure Machine Learning private endpoint names for Unbound\n"
	    "# (targets: b, a). Include this file in unbound.conf. Each name is a\n"
	    "# zone of its own, answered here; other names resolve as before.\n"
	    "server:\n"
	    "\tlocal-zone: \"" API ".\" transparent\n"
	    "\tlocal-data: \"" API ". 300 IN A 10.1.0.5\"\n"
	    "\tlocal-zone: \"" CERT ".\" transparent\n"
	    "\tlocal-data: \"" CERT ". 300 IN A 10.1.0.5\"\n"
	    "\tlocal-zone: \"" NB ".\" transparent\n"
	    "\tlocal-data: \"" NB ". 300 IN A 10.1.0.6\"\n"
	    "\tlocal-zone: \"" V6 ".\" transparent\n"
	    "\tlocal-data: \"" V6 ". 300 IN AAAA fd00:1::8\"\n");
}

static void
test_coredns(void)
{
	struct buf out = BUF_INIT;
	struct resolved_target none = { "empty", NULL, NULL };
	struct entry_list empty = ENTRY_LIST_INIT;

	check_format(FORMAT_COREDNS,
	    "# amlhosts: Azure Machine Learning private endpoint names for CoreDNS\n"
	    "# (targets: b, a). Add this server block to the Corefile: each name is a\n"
	    "# zone of its own, answered by the hosts plugin; other names go to the\n"
	    "# Corefile's other server blocks.\n"
	    API " " CERT " " NB " " V6 " {\n"
	    "\thosts {\n"
	    "\t\t10.1.0.5 " API "\n"
	    "\t\t10.1.0.5 " CERT "\n"
	    "\t\t10.1.0.6 " NB "\n"
	    "\t\tfd00:1::8 " V6 "\n"
	    "\t\tttl 300\n"
	    "\t\tno_reverse\n"
	    "\t}\n"
	    "}\n");
	/* No names: no server block without zones. */
	none.entries = &empty;
	format_entries(FORMAT_COREDNS, &none, 1, &out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "# (no names)\n"));
	CU_ASSERT_PTR_NULL(strchr(out.data, '{'));
	buf_release(&out);
}

static void
test_powershell(void)
{
	struct fixture fx;
	struct buf out = BUF_INIT;

	fixture_init(&fx);
	format_entries(FORMAT_POWERSHELL, fx.t, 2, &out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "\n$ErrorActionPreference = 'Stop'\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data,
	    "\nif (-not (Get-DnsServerZone -Name \"" API "\" -ErrorAction SilentlyContinue)) {\n"
	    "\tAdd-DnsServerPrimaryZone -Name \"" API "\" -ReplicationScope \"Forest\"\n"
	    "}\n"
	    "Get-DnsServerResourceRecord -ZoneName \"" API "\" -Name \"@\" -RRType A "
	    "-ErrorAction SilentlyContinue |\n"
	    "\tRemove-DnsServerResourceRecord -ZoneName \"" API "\" -Force\n"
	    "Add-DnsServerResourceRecordA -ZoneName \"" API "\" -Name \"@\" "
	    "-IPv4Address \"10.1.0.5\" -TimeToLive 00:05:00\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data,
	    "-RRType AAAA -ErrorAction SilentlyContinue |\n"
	    "\tRemove-DnsServerResourceRecord -ZoneName \"" V6 "\" -Force\n"
	    "Add-DnsServerResourceRecordAAAA -ZoneName \"" V6 "\" -Name \"@\" "
	    "-IPv6Address \"fd00:1::8\" -TimeToLive 00:05:00\n"));
	/* Once per name. */
	CU_ASSERT_PTR_NULL(strstr(strstr(out.data, "Add-DnsServerPrimaryZone -Name \"" API) + 1,
	    "Add-DnsServerPrimaryZone -Name \"" API));
	buf_release(&out);
	fixture_release(&fx);
}

static void
test_bind_files(void)
{
	struct fixture fx;
	struct format_files files;
	struct buf stream = BUF_INIT;

	fixture_init(&fx);
	format_bind_files(fx.t, 2, "/var/lib/amlhosts-bind", &files);
	CU_ASSERT_EQUAL_FATAL(files.n, 5);
	CU_ASSERT_STRING_EQUAL(files.v[0].name, FORMAT_BIND_CONF);
	CU_ASSERT_STRING_EQUAL(files.v[1].name, "db." API);
	CU_ASSERT_STRING_EQUAL(files.v[4].name, "db." V6);
	CU_ASSERT_PTR_NOT_NULL(strstr(files.v[0].data.data,
	    "zone \"" API "\" {\n\ttype master;\n"
	    "\tfile \"/var/lib/amlhosts-bind/db." API "\";\n\tnotify no;\n};\n"));
	CU_ASSERT_TRUE(same_text("zone file", &files.v[4].data,
	    "; amlhosts: zone " V6 "\n"
	    "$ORIGIN " V6 ".\n"
	    "$TTL 300\n"
	    "@\tIN\tSOA\tlocalhost. root.localhost. 1 3600 600 86400 300\n"
	    "@\tIN\tNS\tlocalhost.\n"
	    "@\tIN\tAAAA\tfd00:1::8\n"));
	format_files_release(&files);

	/* A directory given with its slash gets no second one. */
	format_bind_files(fx.t, 2, "/srv/bind/", &files);
	CU_ASSERT_PTR_NOT_NULL(strstr(files.v[0].data.data, "\"/srv/bind/db." CERT "\""));
	format_files_release(&files);

	/* The stream: each file after its separator, in its own syntax. */
	format_entries(FORMAT_BIND, fx.t, 2, &stream);
	CU_ASSERT_EQUAL(strncmp(stream.data, "// ---- file " FORMAT_BIND_CONF " ----\n",
	    strlen("// ---- file " FORMAT_BIND_CONF " ----\n")), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(stream.data, "\tfile \"db." NB "\";\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(stream.data, "\n; ---- file db." NB " ----\n; amlhosts: zone "
	    NB "\n$ORIGIN " NB ".\n"));
	buf_release(&stream);
	fixture_release(&fx);

	CU_ASSERT_TRUE(format_bind_dir_ok("/etc/bind/amlhosts"));
	CU_ASSERT_FALSE(format_bind_dir_ok("/tmp/a\"b"));
	CU_ASSERT_FALSE(format_bind_dir_ok("/tmp/a\\b"));
	CU_ASSERT_FALSE(format_bind_dir_ok("/tmp/a\nb"));
}

static void
check_addr(const char *in, int family, const char *ip, unsigned port, const char *back)
{
	struct dns_addr a;
	char *cause = NULL, *text;

	if (ip == NULL) {
		CU_ASSERT_EQUAL(dns_addr_parse(in, &a, &cause), -1);
		CU_ASSERT_PTR_NOT_NULL(cause);
		if (cause != NULL)
			CU_ASSERT_PTR_NULL(strchr(cause, '\n'));
		free(cause);
		return;
	}
	CU_ASSERT_EQUAL_FATAL(dns_addr_parse(in, &a, &cause), 0);
	CU_ASSERT_EQUAL(a.family, family);
	CU_ASSERT_STRING_EQUAL(a.ip, ip);
	CU_ASSERT_EQUAL(a.port, port);
	text = dns_addr_format(&a);
	CU_ASSERT_STRING_EQUAL(text, back);
	free(text);
}

static void
test_dns_addr(void)
{
	check_addr("168.63.129.16", AF_INET, "168.63.129.16", 53, "168.63.129.16");
	check_addr("127.0.0.1:5353", AF_INET, "127.0.0.1", 5353, "127.0.0.1:5353");
	check_addr("10.0.0.4:53", AF_INET, "10.0.0.4", 53, "10.0.0.4");
	check_addr("fd00:0::1", AF_INET6, "fd00::1", 53, "fd00::1");
	check_addr("[fd00::1]:5353", AF_INET6, "fd00::1", 5353, "[fd00::1]:5353");
	check_addr("::1", AF_INET6, "::1", 53, "::1");
	check_addr("", 0, NULL, 0, NULL);
	check_addr("dns.example.com", 0, NULL, 0, NULL);
	check_addr("010.1.1.1", 0, NULL, 0, NULL);
	check_addr("10.01.1.1:53", 0, NULL, 0, NULL);
	check_addr("10.1", 0, NULL, 0, NULL);
	check_addr("1.2.3.4:", 0, NULL, 0, NULL);
	check_addr("1.2.3.4:0", 0, NULL, 0, NULL);
	check_addr("1.2.3.4:053", 0, NULL, 0, NULL);
	check_addr("1.2.3.4:65536", 0, NULL, 0, NULL);
	check_addr("1.2.3.4:53x", 0, NULL, 0, NULL);
	check_addr("1.2.3.4#53", 0, NULL, 0, NULL);
	check_addr("0.0.0.0", 0, NULL, 0, NULL);
	check_addr("224.0.0.251", 0, NULL, 0, NULL);
	check_addr("255.255.255.255", 0, NULL, 0, NULL);
	check_addr("::", 0, NULL, 0, NULL);
	check_addr("ff02::fb", 0, NULL, 0, NULL);
	check_addr("::ffff:10.0.0.1", 0, NULL, 0, NULL);
	check_addr("[fd00::1]", 0, NULL, 0, NULL);
	check_addr("[10.0.0.1]:53", 0, NULL, 0, NULL);
	check_addr("fd00::1:53:", 0, NULL, 0, NULL);
	check_addr("1.2.3.4\n5.6.7.8", 0, NULL, 0, NULL);
}

static void
forwarders(enum format f, const char *to, const char *cloud, struct buf *out, int want_rc)
{
	struct dns_addr a;
	char *cause = NULL;

	CU_ASSERT_EQUAL_FATAL(dns_addr_parse(to, &a, NULL), 0);
	CU_ASSERT_EQUAL(format_forwarders(f, cloud_find(cloud), &a, out, &cause), want_rc);
	if (want_rc != 0)
		CU_ASSERT_PTR_NOT_NULL(cause);
	free(cause);
}

static void
test_forwarders(void)
{
	struct buf out = BUF_INIT;
	const char *const *z;

	forwarders(FORMAT_DNSMASQ, "168.63.129.16", "AzureCloud", &out, 0);
	for (z = cloud_find("AzureCloud")->forward_zones; *z != NULL; z++) {
		char *line = xasprintf("\nserver=/%s/168.63.129.16\n", *z);

		CU_ASSERT_PTR_NOT_NULL(strstr(out.data, line));
		free(line);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "\nrebind-domain-ok=/api.azureml.ms/"
	    "notebooks.azure.net/instances.azureml.ms/aznbcontent.net/inference.ml.azure.com/\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "(Azure DNS)"));
	buf_release(&out);

	forwarders(FORMAT_DNSMASQ, "127.0.0.1:5353", "AzureCloud", &out, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "\nserver=/api.azureml.ms/127.0.0.1#5353\n"));
	CU_ASSERT_PTR_NULL(strstr(out.data, "Azure DNS"));
	buf_release(&out);

	forwarders(FORMAT_UNBOUND, "127.0.0.1:5353", "AzureChinaCloud", &out, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "\nforward-zone:\n\tname: \"api.ml.azure.cn.\"\n"
	    "\tforward-addr: 127.0.0.1@5353\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "\tprivate-domain: \"notebooks.chinacloudapi.cn.\"\n"));
	CU_ASSERT_PTR_NULL(strstr(out.data, "azureml.ms"));
	buf_release(&out);

	forwarders(FORMAT_BIND, "[fd00::53]:5353", "AzureUSGovernment", &out, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "\nzone \"api.ml.azure.us\" {\n\ttype forward;\n"
	    "\tforward only;\n\tforwarders { fd00::53 port 5353; };\n};\n"));
	buf_release(&out);

	forwarders(FORMAT_COREDNS, "10.0.0.4", "AzureCloud", &out, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "\napi.azureml.ms notebooks.azure.net "
	    "instances.azureml.ms aznbcontent.net inference.ml.azure.com {\n"
	    "\tforward . 10.0.0.4\n}\n"));
	buf_release(&out);
	forwarders(FORMAT_COREDNS, "[fd00::53]:5353", "AzureCloud", &out, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "\tforward . [fd00::53]:5353\n"));
	buf_release(&out);

	forwarders(FORMAT_POWERSHELL, "168.63.129.16", "AzureCloud", &out, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "\tAdd-DnsServerConditionalForwarderZone "
	    "-Name \"aznbcontent.net\" -MasterServers 168.63.129.16 -ReplicationScope \"Forest\"\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "\tSet-DnsServerConditionalForwarderZone "
	    "-Name \"aznbcontent.net\" -MasterServers 168.63.129.16\n"));
	buf_release(&out);

	/* Windows DNS forwards to port 53 only; hosts/json/csv are no server. */
	forwarders(FORMAT_POWERSHELL, "10.0.0.4:5353", "AzureCloud", &out, -1);
	forwarders(FORMAT_HOSTS, "10.0.0.4", "AzureCloud", &out, -1);
	forwarders(FORMAT_CSV, "10.0.0.4", "AzureCloud", &out, -1);
	CU_ASSERT_EQUAL(out.len, 0);
	buf_release(&out);
}

/* A name with an IPv4 and an IPv6 address: one zone (or record set) with an
 * A and an AAAA record in every DNS format. */
static void
test_dual_stack(void)
{
	static const struct {
		enum format f;
		const char *want;
	} cases[] = {
		{ FORMAT_DNSMASQ, "\nhost-record=" API ",10.1.0.5,fd00:1::5\n" },
		{ FORMAT_UNBOUND, "\tlocal-zone: \"" API ".\" transparent\n"
		    "\tlocal-data: \"" API ". 300 IN A 10.1.0.5\"\n"
		    "\tlocal-data: \"" API ". 300 IN AAAA fd00:1::5\"\n" },
		{ FORMAT_COREDNS, "\n" API " {\n\thosts {\n\t\t10.1.0.5 " API "\n\t\tfd00:1::5 " API "\n" },
		{ FORMAT_BIND, "@\tIN\tA\t10.1.0.5\n@\tIN\tAAAA\tfd00:1::5\n" },
		{ FORMAT_POWERSHELL, "-RRType AAAA -ErrorAction SilentlyContinue |\n"
		    "\tRemove-DnsServerResourceRecord -ZoneName \"" API "\" -Force\n"
		    "Add-DnsServerResourceRecordAAAA -ZoneName \"" API "\" -Name \"@\" "
		    "-IPv6Address \"fd00:1::5\"" },
	};
	struct entry_list l = ENTRY_LIST_INIT;
	struct resolved_target t = { "ds", &l, NULL };
	struct buf out = BUF_INIT;
	const char *zone_once[] = { "host-record=", "local-zone:", API " {", "zone \"", "Add-DnsServerPrimaryZone" };
	const char *p;
	size_t i, n;

	add(&l, API, "fd00:1::5");
	add(&l, API, "10.1.0.5");
	CU_ASSERT_EQUAL_FATAL(entry_list_normalize(&l, NULL), 0);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		buf_release(&out);
		format_entries(cases[i].f, &t, 1, &out);
		CU_ASSERT_PTR_NOT_NULL_FATAL(out.data);
		if (strstr(out.data, cases[i].want) == NULL)
			fprintf(stderr, "\n--- %s lacks:\n%s\n--- in:\n%s---\n",
			    format_name(cases[i].f), cases[i].want, out.data);
		CU_ASSERT_PTR_NOT_NULL(strstr(out.data, cases[i].want));
		/* The name's zone or record is declared once. */
		for (n = 0, p = out.data; (p = strstr(p, zone_once[i])) != NULL; p++)
			n++;
		CU_ASSERT_EQUAL(n, 1);
	}
	buf_release(&out);
	entry_list_release(&l);
}

#define WZONE "eastus.inference.ml.azure.com"
#define WILD "*." WZONE

/* Target "w" lists API and the wildcard WILD (IPv4 and IPv6); each format
 * that holds a wildcard writes it as its server's wildcard record, the
 * others leave it out (the caller notes it). */
static void
test_wildcards(void)
{
	static const struct {
		enum format f;
		const char *want; /* a part of the output; NULL: no '*' at all */
	} cases[] = {
		{ FORMAT_DNSMASQ, "\naddress=/" WZONE "/10.1.0.7\naddress=/" WZONE "/fd00:1::7\n"
		    "host-record=" API ",10.1.0.5\n" },
		{ FORMAT_UNBOUND, "server:\n"
		    "\tlocal-zone: \"" WZONE ".\" redirect\n"
		    "\tlocal-data: \"" WZONE ". 300 IN A 10.1.0.7\"\n"
		    "\tlocal-data: \"" WZONE ". 300 IN AAAA fd00:1::7\"\n"
		    "\tlocal-zone: \"" API ".\" transparent\n" },
		{ FORMAT_BIND, "zone \"" WZONE "\" {\n\ttype master;\n\tfile \"db." WZONE "\";\n" },
		{ FORMAT_BIND, "; ---- file db." WZONE " ----\n; amlhosts: zone " WZONE "\n"
		    "$ORIGIN " WZONE ".\n$TTL 300\n"
		    "@\tIN\tSOA\tlocalhost. root.localhost. 1 3600 600 86400 300\n"
		    "@\tIN\tNS\tlocalhost.\n*\tIN\tA\t10.1.0.7\n*\tIN\tAAAA\tfd00:1::7\n" },
		{ FORMAT_POWERSHELL, "\tAdd-DnsServerPrimaryZone -Name \"" WZONE "\" "
		    "-ReplicationScope \"Forest\"\n}\n"
		    "Get-DnsServerResourceRecord -ZoneName \"" WZONE "\" -Name \"*\" -RRType A "
		    "-ErrorAction SilentlyContinue |\n"
		    "\tRemove-DnsServerResourceRecord -ZoneName \"" WZONE "\" -Force\n"
		    "Add-DnsServerResourceRecordA -ZoneName \"" WZONE "\" -Name \"*\" "
		    "-IPv4Address \"10.1.0.7\" -TimeToLive 00:05:00\n" },
		{ FORMAT_HOSTS, NULL },
		{ FORMAT_JSON, "{\n      \"target\": \"w\",\n      \"fqdn\": \"" WILD "\",\n"
		    "      \"ip\": \"10.1.0.7\",\n      \"wildcard\": true\n    }" },
		{ FORMAT_CSV, NULL },
		{ FORMAT_COREDNS, NULL },
	};
	struct entry_list l = ENTRY_LIST_INIT, w = ENTRY_LIST_INIT;
	struct resolved_target t = { "w", &l, &w };
	struct buf out = BUF_INIT;
	size_t i;

	add(&l, API, "10.1.0.5");
	add(&w, WILD, "10.1.0.7");
	add(&w, WILD, "fd00:1::7");
	CU_ASSERT_EQUAL_FATAL(entry_list_normalize(&w, NULL), 0);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int ok;

		buf_release(&out);
		format_entries(cases[i].f, &t, 1, &out);
		CU_ASSERT_EQUAL(format_holds_wildcards(cases[i].f), cases[i].want != NULL);
		ok = cases[i].want != NULL ? strstr(out.data, cases[i].want) != NULL :
		    strchr(out.data, '*') == NULL;
		if (!ok)
			fprintf(stderr, "\n--- %s: wanted %s in:\n%s---\n", format_name(cases[i].f),
			    cases[i].want ? cases[i].want : "no '*'", out.data);
		CU_ASSERT_TRUE(ok);
		CU_ASSERT_PTR_NOT_NULL(strstr(out.data, API));
	}
	buf_release(&out);
	entry_list_release(&w);
	entry_list_release(&l);
}

static const struct unit_test format_tests[] = {
	{ "names", test_names },
	{ "dual stack", test_dual_stack },
	{ "dnsmasq", test_dnsmasq },
	{ "unbound", test_unbound },
	{ "coredns", test_coredns },
	{ "powershell", test_powershell },
	{ "bind files", test_bind_files },
	{ "dns_addr", test_dns_addr },
	{ "forwarders", test_forwarders },
	{ "wildcards", test_wildcards },
	{ NULL, NULL }
};

static const struct unit_suite suites[] = {
	{ "format", format_tests },
	{ NULL, NULL }
};

UNIT_MAIN(suites)
