/*
 * Unit tests of dnscheck: public addresses, the hosts-file scan, the
 * summary and the causes, and a DNS server that is not there.
 */
#include "config.h"

#ifndef _WIN32
#include <arpa/inet.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/socket.h>
#endif

#include "dns/dnscheck.h"
#include "base/platform.h"
#include "base/util.h"
#include "unit/cunit_main.h"

static int
is_public(const char *ip)
{
	struct ipaddr a;

	memset(&a, 0, sizeof a);
	if (ip_parse(ip, 0, &a, NULL) != 0) {
		/* ip_parse refuses loopback, link-local...: build those by hand. */
		if (inet_pton(AF_INET, ip, a.bytes) == 1)
			a.family = AF_INET;
		else if (inet_pton(AF_INET6, ip, a.bytes) == 1)
			a.family = AF_INET6;
		else
			CU_FAIL_FATAL("bad test address");
	}
	return dnscheck_ip_is_public(&a);
}

static void
test_public(void)
{
	CU_ASSERT_TRUE(is_public("20.42.1.7"));
	CU_ASSERT_TRUE(is_public("52.168.1.1"));
	CU_ASSERT_TRUE(is_public("8.8.8.8"));
	CU_ASSERT_TRUE(is_public("2603:1030::5"));
	CU_ASSERT_TRUE(is_public("::ffff:20.42.1.7"));
	CU_ASSERT_FALSE(is_public("10.1.0.5"));
	CU_ASSERT_FALSE(is_public("172.16.0.1"));
	CU_ASSERT_FALSE(is_public("172.31.255.255"));
	CU_ASSERT_TRUE(is_public("172.32.0.1"));
	CU_ASSERT_FALSE(is_public("192.168.1.1"));
	CU_ASSERT_FALSE(is_public("100.64.0.1"));
	CU_ASSERT_TRUE(is_public("100.128.0.1"));
	CU_ASSERT_FALSE(is_public("127.0.0.1"));
	CU_ASSERT_FALSE(is_public("169.254.169.254"));
	CU_ASSERT_FALSE(is_public("0.0.0.0"));
	CU_ASSERT_FALSE(is_public("224.0.0.1"));
	CU_ASSERT_FALSE(is_public("255.255.255.255"));
	CU_ASSERT_FALSE(is_public("192.0.2.1"));
	CU_ASSERT_FALSE(is_public("fd00::5"));
	CU_ASSERT_FALSE(is_public("fe80::1"));
	CU_ASSERT_FALSE(is_public("::1"));
	CU_ASSERT_FALSE(is_public("ff02::1"));
	CU_ASSERT_FALSE(is_public("2001:db8::1"));
	CU_ASSERT_FALSE(is_public("::ffff:10.0.0.1"));
}

struct three {
	struct entry_list l;
	struct dnscheck_result r[3];
};

static void
three_init(struct three *t)
{
	struct ipaddr a;
	size_t i;

	entry_list_init(&t->l);
	CU_ASSERT_EQUAL_FATAL(ip_parse("10.1.0.5", 0, &a, NULL), 0);
	entry_list_add(&t->l, "a.workspace.eastus.api.azureml.ms", &a);
	entry_list_add(&t->l, "a.workspace.eastus.cert.api.azureml.ms", &a);
	CU_ASSERT_EQUAL_FATAL(ip_parse("fd00::6", 0, &a, NULL), 0);
	entry_list_add(&t->l, "nb.eastus.notebooks.azure.net", &a);
	for (i = 0; i < 3; i++)
		dnscheck_result_init(&t->r[i], "t", &t->l.v[i]);
}

static void
three_release(struct three *t)
{
	size_t i;

	for (i = 0; i < 3; i++)
		dnscheck_result_release(&t->r[i]);
	entry_list_release(&t->l);
}

static void
test_hosts_scan(void)
{
	struct three t;
	static const char hosts[] =
	    "127.0.0.1 localhost\r\n"
	    "# 10.1.0.5 a.workspace.eastus.api.azureml.ms\n"
	    "20.1.2.3\tx A.Workspace.EastUS.cert.api.azureml.ms # wrong, mixed case\n"
	    "10.1.0.5 a.workspace.eastus.api.azureml.ms\n"
	    "10.1.0.5 a.workspace.eastus.cert.api.azureml.ms\n"
	    "10.1.0.6 nb.eastus.notebooks.azure.net\n"
	    "garbage nb.eastus.notebooks.azure.net\n"
	    "fd00::6 nb.eastus.notebooks.azure.net"; /* no final newline */

	three_init(&t);
	dnscheck_hosts_scan(hosts, strlen(hosts), t.r, 3);
	CU_ASSERT_EQUAL(t.r[0].hosts, DNSCHECK_HOSTS_RIGHT);
	/* The first mapping wins, as in glibc's files backend. */
	CU_ASSERT_EQUAL(t.r[1].hosts, DNSCHECK_HOSTS_OTHER);
	CU_ASSERT_EQUAL(t.r[1].hosts_addr.bytes[0], 20);
	/* An IPv4 line does not answer for an IPv6 entry. */
	CU_ASSERT_EQUAL(t.r[2].hosts, DNSCHECK_HOSTS_RIGHT);
	three_release(&t);

	three_init(&t);
	dnscheck_hosts_scan("", 0, t.r, 3);
	CU_ASSERT_EQUAL(t.r[0].hosts, DNSCHECK_HOSTS_ABSENT);
	three_release(&t);
}

/* The scan reads lines as apply does (hostsline.h): a BOM before the first
 * line, every separator, a NUL or a glued '#' ending the line, one trailing
 * dot, an IPv6 zone. */
static void
test_hosts_scan_rules(void)
{
	struct three t;
	static const char hosts[] =
	    "\xef\xbb\xbf" "10.1.0.5\va.workspace.eastus.api.azureml.ms\r\n"
	    "20.1.2.3 x\0 a.workspace.eastus.cert.api.azureml.ms\n"
	    "20.1.2.3#x a.workspace.eastus.cert.api.azureml.ms\n"
	    "20.1.2.3 y#a.workspace.eastus.cert.api.azureml.ms\n"
	    "20.1.2.4\fA.Workspace.EastUS.cert.api.azureml.ms.\r\n"
	    "fd00::7%eth0 nb.eastus.notebooks.azure.net\n"
	    "10.1.0.5 a.workspace.eastus.cert.api.azureml.ms\n";

	three_init(&t);
	dnscheck_hosts_scan(hosts, sizeof hosts - 1, t.r, 3);
	CU_ASSERT_EQUAL(t.r[0].hosts, DNSCHECK_HOSTS_RIGHT);
	CU_ASSERT_EQUAL(t.r[1].hosts, DNSCHECK_HOSTS_OTHER);
	CU_ASSERT_EQUAL(t.r[1].hosts_addr.family, AF_INET);
	CU_ASSERT_EQUAL(t.r[1].hosts_addr.bytes[3], 4);
	CU_ASSERT_EQUAL(t.r[2].hosts, DNSCHECK_HOSTS_OTHER);
	CU_ASSERT_EQUAL(t.r[2].hosts_addr.family, AF_INET6);
	CU_ASSERT_EQUAL(t.r[2].hosts_addr.bytes[0], 0xfd);
	CU_ASSERT_EQUAL(t.r[2].hosts_addr.bytes[15], 7);
	three_release(&t);
}

static int
has(const struct strlist *l, const char *what)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strstr(l->v[i], what) != NULL)
			return 1;
	return 0;
}

static void
test_causes(void)
{
	struct three t;
	struct strlist c = STRLIST_INIT;
	struct dnscheck_summary s;
	struct ipaddr pub;

	three_init(&t);
	CU_ASSERT_EQUAL_FATAL(ip_parse("20.1.2.3", 0, &pub, NULL), 0);
	/* ok; wrong (public); no answer */
	t.r[0].status = DNSCHECK_OK;
	t.r[1].status = DNSCHECK_WRONG;
	t.r[1].got = xcalloc(1, sizeof pub);
	t.r[1].got[0] = pub;
	t.r[1].ngot = 1;
	t.r[1].got_public = 1;
	t.r[2].status = DNSCHECK_NO_ANSWER;
	t.r[2].why = DNSCHECK_NOT_FOUND;
	t.r[1].hosts = DNSCHECK_HOSTS_OTHER;
	CU_ASSERT_EQUAL_FATAL(ip_parse("10.1.0.9", 0, &t.r[1].hosts_addr, NULL), 0);
	t.r[2].hosts = DNSCHECK_HOSTS_ABSENT;
	dnscheck_summarize(t.r, 3, &s);
	CU_ASSERT_EQUAL(s.ok, 1);
	CU_ASSERT_EQUAL(s.wrong, 1);
	CU_ASSERT_EQUAL(s.no_answer, 1);
	dnscheck_causes(t.r, 3, NULL, "/etc/hosts", &c);
	CU_ASSERT_TRUE(has(&c, "hosts file not applied: '/etc/hosts' lacks 1 of these names "
	    "and maps 1 to another address"));
	CU_ASSERT_TRUE(has(&c, "public answers"));
	CU_ASSERT_TRUE(has(&c, "VPN"));
	CU_ASSERT_TRUE(has(&c, "DNS server lacks the zone"));
	CU_ASSERT_FALSE(has(&c, "resolver not using the hosts file"));
	strlist_release(&c);

	/* The public address is the hosts file's own: the file explains it. */
	t.r[1].hosts_addr = pub;
	dnscheck_causes(t.r, 3, NULL, "/etc/hosts", &c);
	CU_ASSERT_TRUE(has(&c, "hosts file not applied"));
	CU_ASSERT_FALSE(has(&c, "public answers"));
	strlist_release(&c);

	/* The file is right, the resolver says otherwise. */
	t.r[1].hosts = DNSCHECK_HOSTS_RIGHT;
	t.r[2].hosts = DNSCHECK_HOSTS_RIGHT;
	dnscheck_causes(t.r, 3, NULL, "/etc/hosts", &c);
	CU_ASSERT_TRUE(has(&c, "resolver not using the hosts file"));
	CU_ASSERT_TRUE(has(&c, "nsswitch.conf"));
	CU_ASSERT_FALSE(has(&c, "hosts file not applied"));
	strlist_release(&c);

	/* A server: its own causes. */
	dnscheck_causes(t.r, 3, "10.0.0.4", NULL, &c);
	CU_ASSERT_TRUE(has(&c, "DNS server lacks the zone: 10.0.0.4 has no record for 1 name"));
	CU_ASSERT_TRUE(has(&c, "public answers: 10.0.0.4"));
	CU_ASSERT_FALSE(has(&c, "hosts file"));
	strlist_release(&c);

	/* All ok: no causes. */
	t.r[1].status = DNSCHECK_OK;
	t.r[2].status = DNSCHECK_OK;
	dnscheck_causes(t.r, 3, NULL, "/etc/hosts", &c);
	CU_ASSERT_EQUAL(c.n, 0);
	three_release(&t);
}

static void
test_no_server(void)
{
	struct dnscheck_server srv;
	struct three t;
	char *cause = NULL;

	CU_ASSERT_EQUAL(dnscheck_server_init(&srv, "fd00::53", &cause), -1);
	CU_ASSERT_PTR_NOT_NULL(cause);
	free(cause);
	cause = NULL;
	CU_ASSERT_EQUAL(dnscheck_server_init(&srv, "dns.example.com", &cause), -1);
	free(cause);
	cause = NULL;
#ifdef _WIN32
	/* DnsQuery takes IPv4 servers on port 53 only. */
	CU_ASSERT_EQUAL(dnscheck_server_init(&srv, "127.0.0.1:1", &cause), -1);
	CU_ASSERT_TRUE(cause != NULL && strstr(cause, "port 53") != NULL);
	free(cause);
	return;
#endif
	/* Nothing listens on port 1 of the loopback address: refused at once,
	 * and the other names are not asked. */
	CU_ASSERT_EQUAL_FATAL(dnscheck_server_init(&srv, "127.0.0.1:1", &cause), 0);
	three_init(&t);
	dnscheck_server_query(&srv, &t.r[0]);
	dnscheck_server_query(&srv, &t.r[2]);
	CU_ASSERT_EQUAL(t.r[0].status, DNSCHECK_NO_ANSWER);
	CU_ASSERT_EQUAL(t.r[0].why, DNSCHECK_NO_REPLY);
	CU_ASSERT_EQUAL(t.r[2].why, DNSCHECK_NO_REPLY);
	CU_ASSERT_PTR_NOT_NULL(t.r[2].detail);
	if (t.r[2].detail != NULL)
		CU_ASSERT_PTR_NOT_NULL(strstr(t.r[2].detail, "not asked"));
	three_release(&t);
	dnscheck_server_release(&srv);
	dnscheck_server_release(&srv); /* twice is harmless */
}

static const struct unit_test dnscheck_tests[] = {
	{ "public addresses", test_public },
	{ "hosts scan", test_hosts_scan },
	{ "hosts scan reads as apply", test_hosts_scan_rules },
	{ "causes", test_causes },
	{ "no server", test_no_server },
	{ NULL, NULL }
};

static const struct unit_suite suites[] = {
	{ "dnscheck", dnscheck_tests },
	{ NULL, NULL }
};

UNIT_MAIN(suites)
