#include "config.h"

#ifndef _WIN32
#include <arpa/inet.h>
#endif
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/socket.h>
#endif

#include "hosts/entries.h"
#include "base/platform.h"
#include "base/util.h"
#include "unit/cunit_main.h"

/* name_normalize(in) succeeds with want, or fails (want NULL) with a
 * message containing why. */
static void
check_name(const char *in, int wildcard, const char *want, const char *why)
{
	char *out = NULL, *cause = NULL;
	int rc = name_normalize(in, wildcard, &out, &cause);

	if (want != NULL) {
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(out);
		CU_ASSERT_STRING_EQUAL(out, want);
		CU_ASSERT_PTR_NULL(cause);
	} else {
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_PTR_NULL(out);
		CU_ASSERT_PTR_NOT_NULL_FATAL(cause);
		CU_ASSERT_PTR_NOT_NULL(strstr(cause, "is not a valid host name"));
		if (why != NULL && strstr(cause, why) == NULL) {
			fprintf(stderr, "\n  '%s': message '%s' lacks '%s'\n", in, cause, why);
			CU_FAIL("message");
		}
		/* Whatever the input, the message is one line. */
		CU_ASSERT_PTR_NULL(strchr(cause, '\n'));
		CU_ASSERT_PTR_NULL(strchr(cause, '\r'));
	}
	free(out);
	free(cause);
}

static char *
repeat(char c, size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void
test_name_valid(void)
{
	char *l63 = repeat('a', 63), *l64 = repeat('a', 64), *s;

	check_name("x.blob.core.windows.net", 0, "x.blob.core.windows.net", NULL);
	check_name("X.Blob.Core.Windows.NET", 0, "x.blob.core.windows.net", NULL);
	check_name("x.blob.core.windows.net.", 0, "x.blob.core.windows.net", NULL);
	check_name("a-b.c0", 0, "a-b.c0", NULL);
	check_name("0a.b", 0, "0a.b", NULL);
	check_name("*.eastus.inference.ml.azure.com", 1, "*.eastus.inference.ml.azure.com", NULL);

	s = xasprintf("%s.com", l63);
	check_name(s, 0, s, NULL);
	free(s);
	s = xasprintf("%s.com", l64);
	check_name(s, 0, NULL, "longer than 63");
	free(s);
	/* 253 characters: 3 x 63 + 61 + 3 dots. */
	s = xasprintf("%s.%s.%s.%.61s", l63, l63, l63, l63);
	CU_ASSERT_EQUAL(strlen(s), 253);
	check_name(s, 0, s, NULL);
	free(s);
	s = xasprintf("%s.%s.%s.%.62s", l63, l63, l63, l63);
	CU_ASSERT_EQUAL(strlen(s), 254);
	check_name(s, 0, NULL, "longer than 253");
	free(s);
	/* ... but 253 plus the one trailing dot is fine. */
	s = xasprintf("%s.%s.%s.%.61s.", l63, l63, l63, l63);
	{
		char *out = NULL;

		CU_ASSERT_EQUAL(name_normalize(s, 0, &out, NULL), 0);
		CU_ASSERT_EQUAL(out ? strlen(out) : 0, 253);
		free(out);
	}
	free(s);
	free(l63);
	free(l64);
}

static void
test_name_invalid(void)
{
	check_name("", 0, NULL, "empty");
	check_name(".", 0, NULL, "empty");
	check_name("localhost", 0, NULL, "two labels");
	check_name("com.", 0, NULL, "two labels");
	check_name("a..b", 0, NULL, "empty label");
	check_name(".a.b", 0, NULL, "empty label");
	check_name("a.b..", 0, NULL, "empty label");
	check_name("-a.b", 0, NULL, "hyphen");
	check_name("a-.b", 0, NULL, "hyphen");
	check_name("a.-b", 0, NULL, "hyphen");
	check_name("a b.blob.core.windows.net", 0, NULL, "space");
	check_name("a#b.blob.core.windows.net", 0, NULL, "'#'");
	check_name("a_b.blob.core.windows.net", 0, NULL, "'_'");
	check_name("a\tb.blob.core.windows.net", 0, NULL, "\\x09");
	check_name("evil\n10.0.0.1 login.microsoftonline.com", 0, NULL, "\\x0a");
	check_name("a\rb.c", 0, NULL, "\\x0d");
	check_name("caf\xc3\xa9.blob.core.windows.net", 0, NULL, "\\xc3");
	check_name("a/b.c", 0, NULL, "'/'");
	check_name("a\\b.c", 0, NULL, "\\x5c");
	/* Wildcards: only the whole first label, only when allowed. */
	check_name("*.eastus.inference.ml.azure.com", 0, NULL, "not allowed");
	check_name("x.*.blob.core.windows.net", 1, NULL, "whole first label");
	check_name("*x.blob.core.windows.net", 1, NULL, "whole first label");
	check_name("x*.blob.core.windows.net", 1, NULL, "whole first label");
	check_name("*.*.blob.core.windows.net", 1, NULL, "whole first label");
	check_name("**.blob.core.windows.net", 1, NULL, "whole first label");
	check_name("*", 1, NULL, "whole first label");
	check_name("*.com", 1, NULL, "two labels");
	check_name("*.blob.core.windows.net.x*", 1, NULL, "whole first label");
}

static void
test_name_message_quoting(void)
{
	char *out = NULL, *cause = NULL, *big;

	CU_ASSERT_EQUAL(name_normalize("a\x1b[31mred.b", 0, &out, &cause), -1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cause);
	CU_ASSERT_STRING_EQUAL(cause, "'a\\x1b[31mred.b' is not a valid host name: "
	    "it contains the byte \\x1b");
	free(cause);
	cause = NULL;
	/* A huge name is cut in the message. */
	big = repeat('a', 5000);
	CU_ASSERT_EQUAL(name_normalize(big, 0, &out, &cause), -1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cause);
	CU_ASSERT_TRUE(strlen(cause) < 400);
	CU_ASSERT_PTR_NOT_NULL(strstr(cause, "...'"));
	free(cause);
	free(big);
}

static void
test_name_suffix(void)
{
	CU_ASSERT_TRUE(name_has_suffix("x.blob.core.windows.net", "blob.core.windows.net"));
	CU_ASSERT_TRUE(name_has_suffix("blob.core.windows.net", "blob.core.windows.net"));
	CU_ASSERT_TRUE(name_has_suffix("x.blob.core.windows.net", ".blob.core.windows.net"));
	CU_ASSERT_TRUE(name_has_suffix("x.blob.core.windows.net", "Blob.Core.Windows.NET."));
	CU_ASSERT_FALSE(name_has_suffix("xblob.core.windows.net", "blob.core.windows.net"));
	CU_ASSERT_FALSE(name_has_suffix("core.windows.net", "blob.core.windows.net"));
	CU_ASSERT_FALSE(name_has_suffix("x.blob.core.windows.net.evil.com", "blob.core.windows.net"));
	CU_ASSERT_FALSE(name_has_suffix("x.blob.core.windows.net", ""));
	CU_ASSERT_FALSE(name_has_suffix("x.blob.core.windows.net", "."));
	CU_ASSERT_TRUE(name_is_wildcard("*.a.b"));
	CU_ASSERT_FALSE(name_is_wildcard("a.b"));
	CU_ASSERT_TRUE(label_is_valid("alice-ci", 8));
	CU_ASSERT_FALSE(label_is_valid("Alice", 5));
	CU_ASSERT_FALSE(label_is_valid("-a", 2));
	CU_ASSERT_FALSE(label_is_valid("", 0));
}

/* ip_parse(in) gives the canonical want, or fails with why in the message. */
static void
check_ip(const char *in, int prefix, const char *want, const char *why)
{
	struct ipaddr a;
	char text[64], *cause = NULL;
	int rc = ip_parse(in, prefix, &a, &cause);

	if (want != NULL) {
		CU_ASSERT_EQUAL(rc, 0);
		if (rc == 0) {
			ip_format(&a, text);
			CU_ASSERT_STRING_EQUAL(text, want);
		} else
			fprintf(stderr, "\n  '%s': %s\n", in, cause);
	} else {
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(cause);
		if (why != NULL && strstr(cause, why) == NULL) {
			fprintf(stderr, "\n  '%s': message '%s' lacks '%s'\n", in, cause, why);
			CU_FAIL("message");
		}
		CU_ASSERT_PTR_NULL(strchr(cause, '\n'));
	}
	free(cause);
}

static void
test_ip_valid(void)
{
	check_ip("10.1.0.5", 0, "10.1.0.5", NULL);
	check_ip("192.168.0.4", 0, "192.168.0.4", NULL);
	check_ip("8.8.8.8", 0, "8.8.8.8", NULL); /* refused later, by the network list */
	check_ip("fd00::0001", 0, "fd00::1", NULL);
	check_ip("FD00:0:0:0::1", 0, "fd00::1", NULL);
	check_ip("fd12:3456:789a:1::10", 0, "fd12:3456:789a:1::10", NULL);
	check_ip("fec0::1", 0, "fec0::1", NULL);
	check_ip("172.20.2.16/28", 1, "172.20.2.16", NULL);
	check_ip("10.1.0.5/0", 1, "10.1.0.5", NULL);
	check_ip("10.1.0.5/32", 1, "10.1.0.5", NULL);
	check_ip("fd00::5/64", 1, "fd00::5", NULL);
	check_ip("fd00::5/128", 1, "fd00::5", NULL);
}

static void
test_ip_invalid(void)
{
	char *long_ip = repeat('1', 80);

	check_ip("127.0.0.1", 0, NULL, "'127.0.0.1' is a loopback address");
	check_ip("127.1.2.3", 0, NULL, "loopback");
	check_ip("::1", 0, NULL, "'::1' is a loopback address");
	check_ip("169.254.1.1", 0, NULL, "link-local");
	check_ip("fe80::1", 0, NULL, "link-local");
	check_ip("febf::1", 0, NULL, "link-local");
	check_ip("224.0.0.1", 0, NULL, "multicast");
	check_ip("239.255.255.250", 0, NULL, "multicast");
	check_ip("ff02::1", 0, NULL, "multicast");
	check_ip("0.0.0.0", 0, NULL, "unspecified");
	check_ip("0.1.2.3", 0, NULL, "unspecified");
	check_ip("::", 0, NULL, "unspecified");
	check_ip("255.255.255.255", 0, NULL, "broadcast");
	check_ip("::ffff:10.1.0.4", 0, NULL, "IPv4-mapped");
	check_ip("::ffff:a01:4", 0, NULL, "IPv4-mapped");
	check_ip("::10.1.0.4", 0, NULL, "IPv4-compatible");
	/* Spellings inet_aton takes but inet_pton does not. */
	check_ip("010.1.1.1", 0, NULL, "not an IP address");
	check_ip("10.01.1.1", 0, NULL, "not an IP address");
	check_ip("0x0a.1.1.1", 0, NULL, "not an IP address");
	check_ip("0xa010005", 0, NULL, "not an IP address");
	check_ip("167837701", 0, NULL, "not an IP address");
	check_ip("10.1", 0, NULL, "not an IP address");
	check_ip("10.1.0", 0, NULL, "not an IP address");
	check_ip("1.2.3.4.5", 0, NULL, "not an IP address");
	check_ip("256.1.1.1", 0, NULL, "not an IP address");
	check_ip(" 10.1.0.5", 0, NULL, "not an IP address");
	check_ip("10.1.0.5 ", 0, NULL, "not an IP address");
	check_ip("10.1.0.4\n1.2.3.4 evil", 0, NULL, "\\x0a");
	check_ip("fe80::1%eth0", 0, NULL, "not an IP address");
	check_ip("", 0, NULL, "not an IP address");
	check_ip("abc", 0, NULL, "not an IP address");
	check_ip(long_ip, 0, NULL, "not an IP address");
	/* Prefix lengths. */
	check_ip("172.20.2.16/28", 0, NULL, "prefix length is not allowed");
	check_ip("10.1.0.5/33", 1, NULL, "bad prefix length");
	check_ip("fd00::5/129", 1, NULL, "bad prefix length");
	check_ip("10.1.0.5/", 1, NULL, "bad prefix length");
	check_ip("10.1.0.5/2x", 1, NULL, "bad prefix length");
	check_ip("10.1.0.5/-1", 1, NULL, "bad prefix length");
	check_ip("10.1.0.5/+8", 1, NULL, "bad prefix length");
	check_ip("10.1.0.5/0028", 1, NULL, "bad prefix length");
	check_ip("10.1.0.5/28/28", 1, NULL, "bad prefix length");
	check_ip("/28", 1, NULL, "not an IP address");
	/* The address is judged first, then whether a length may follow. */
	check_ip("010.1.0.5/99", 0, NULL, "not an IP address");
	check_ip("10.1.0.5/99", 0, NULL, "prefix length is not allowed");
	check_ip("fd00::5/128", 1, "fd00::5", NULL);
	check_ip("10.1.0.5/32", 1, "10.1.0.5", NULL);
	check_ip("127.0.0.1/8", 1, NULL, "loopback");
	free(long_ip);
}

static void
parse_ok(const char *s, struct ipaddr *a)
{
	CU_ASSERT_EQUAL_FATAL(ip_parse(s, 0, a, NULL), 0);
}

static void
test_ip_compare(void)
{
	struct ipaddr a, b;

	parse_ok("10.1.0.9", &a);
	parse_ok("10.1.0.10", &b);
	CU_ASSERT_TRUE(ip_compare(&a, &b) < 0); /* numerically, not as text */
	parse_ok("fc00::1", &b);
	CU_ASSERT_TRUE(ip_compare(&a, &b) < 0); /* IPv4 first */
	CU_ASSERT_TRUE(ip_compare(&b, &a) > 0);
	parse_ok("192.168.0.1", &b);
	CU_ASSERT_TRUE(ip_compare(&a, &b) < 0);
	CU_ASSERT_EQUAL(ip_compare(&a, &a), 0);
}

static int
contains(const struct cidr_list *l, const char *ip)
{
	struct ipaddr a;

	if (ip_parse(ip, 0, &a, NULL) != 0)
		return -1;
	return cidr_list_contains(l, &a);
}

static void
test_cidr_default(void)
{
	struct cidr_list l = { NULL, 0 };
	char *text;

	CU_ASSERT_EQUAL_FATAL(cidr_list_parse(NULL, &l, NULL), 0);
	CU_ASSERT_EQUAL(l.n, 5);
	text = cidr_list_format(&l);
	CU_ASSERT_STRING_EQUAL(text,
	    "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7");
	free(text);
	CU_ASSERT_EQUAL(contains(&l, "10.1.0.5"), 1);
	CU_ASSERT_EQUAL(contains(&l, "10.255.255.254"), 1);
	CU_ASSERT_EQUAL(contains(&l, "172.16.0.1"), 1);
	CU_ASSERT_EQUAL(contains(&l, "172.31.255.254"), 1);
	CU_ASSERT_EQUAL(contains(&l, "172.32.0.1"), 0);
	CU_ASSERT_EQUAL(contains(&l, "172.15.255.254"), 0);
	CU_ASSERT_EQUAL(contains(&l, "192.168.0.4"), 1);
	CU_ASSERT_EQUAL(contains(&l, "192.169.0.4"), 0);
	CU_ASSERT_EQUAL(contains(&l, "100.64.0.1"), 1);
	CU_ASSERT_EQUAL(contains(&l, "100.127.255.254"), 1);
	CU_ASSERT_EQUAL(contains(&l, "100.128.0.1"), 0);
	CU_ASSERT_EQUAL(contains(&l, "8.8.8.8"), 0);
	CU_ASSERT_EQUAL(contains(&l, "11.0.0.1"), 0);
	CU_ASSERT_EQUAL(contains(&l, "fd00::1"), 1);
	CU_ASSERT_EQUAL(contains(&l, "fc00::1"), 1);
	CU_ASSERT_EQUAL(contains(&l, "fe00::1"), 0);
	CU_ASSERT_EQUAL(contains(&l, "2001:db8::1"), 0);
	cidr_list_release(&l);
	CU_ASSERT_EQUAL_FATAL(cidr_list_parse("", &l, NULL), 0);
	CU_ASSERT_EQUAL(l.n, 5);
	cidr_list_release(&l);
	CU_ASSERT_EQUAL_FATAL(cidr_list_parse(" , ", &l, NULL), 0);
	CU_ASSERT_EQUAL(l.n, 5);
	cidr_list_release(&l);
}

static void
check_cidr_error(const char *s, const char *why)
{
	struct cidr_list l = { NULL, 0 };
	char *cause = NULL;

	CU_ASSERT_EQUAL(cidr_list_parse(s, &l, &cause), -1);
	CU_ASSERT_PTR_NULL(l.v);
	CU_ASSERT_EQUAL(l.n, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cause);
	if (strstr(cause, why) == NULL) {
		fprintf(stderr, "\n  '%s': message '%s' lacks '%s'\n", s, cause, why);
		CU_FAIL("message");
	}
	free(cause);
}

static void
test_cidr_custom(void)
{
	struct cidr_list l = { NULL, 0 };
	char *text;

	CU_ASSERT_EQUAL_FATAL(cidr_list_parse("192.168.0.0/16, 20.1.2.0/23,fd12::/16, 30.0.0.7, 0.0.0.0/0", &l, NULL), 0);
	CU_ASSERT_EQUAL(l.n, 5);
	text = cidr_list_format(&l);
	CU_ASSERT_STRING_EQUAL(text, "192.168.0.0/16, 20.1.2.0/23, fd12::/16, 30.0.0.7/32, 0.0.0.0/0");
	free(text);
	CU_ASSERT_EQUAL(contains(&l, "20.1.3.255"), 1);
	CU_ASSERT_EQUAL(contains(&l, "fd12:ffff::1"), 1);
	CU_ASSERT_EQUAL(contains(&l, "fd13::1"), 0);
	CU_ASSERT_EQUAL(contains(&l, "8.8.8.8"), 1); /* 0.0.0.0/0 */
	cidr_list_release(&l);

	CU_ASSERT_EQUAL_FATAL(cidr_list_parse("10.1.0.0/24", &l, NULL), 0);
	CU_ASSERT_EQUAL(contains(&l, "10.1.0.5"), 1);
	CU_ASSERT_EQUAL(contains(&l, "10.1.1.5"), 0);
	CU_ASSERT_EQUAL(contains(&l, "fd00::1"), 0);
	cidr_list_release(&l);

	check_cidr_error("10.1.0.5/8", "host bits");
	check_cidr_error("10.0.0.0/8, fd00::1/7", "host bits");
	check_cidr_error("10.0.0.0/33", "bad prefix length");
	check_cidr_error("10.0.0.0/", "bad prefix length");
	check_cidr_error("10.0.0.0/8x", "bad prefix length");
	check_cidr_error("bogus", "'bogus' is not a network");
	check_cidr_error("010.0.0.0/8", "not a network");
	check_cidr_error("10/8", "not a network");
}

static void
add(struct entry_list *l, const char *name, const char *ip)
{
	struct ipaddr a;

	CU_ASSERT_EQUAL_FATAL(ip_parse(ip, 0, &a, NULL), 0);
	entry_list_add(l, name, &a);
}

static void
test_normalize(void)
{
	struct entry_list l = ENTRY_LIST_INIT;
	char *cause = NULL;

	add(&l, "b.api.azureml.ms", "fd00::5");
	add(&l, "z.api.azureml.ms", "10.1.0.10");
	add(&l, "c.api.azureml.ms", "10.1.0.9");
	add(&l, "a.api.azureml.ms", "10.1.0.9");
	add(&l, "c.api.azureml.ms", "10.1.0.9");
	add(&l, "y.api.azureml.ms", "192.168.0.1");
	CU_ASSERT_EQUAL_FATAL(entry_list_normalize(&l, &cause), 0);
	CU_ASSERT_EQUAL_FATAL(l.n, 5);
	CU_ASSERT_STRING_EQUAL(l.v[0].name, "a.api.azureml.ms");
	CU_ASSERT_STRING_EQUAL(l.v[0].ip, "10.1.0.9");
	CU_ASSERT_STRING_EQUAL(l.v[1].name, "c.api.azureml.ms");
	CU_ASSERT_STRING_EQUAL(l.v[2].name, "z.api.azureml.ms");
	CU_ASSERT_STRING_EQUAL(l.v[2].ip, "10.1.0.10");
	CU_ASSERT_STRING_EQUAL(l.v[3].name, "y.api.azureml.ms");
	CU_ASSERT_STRING_EQUAL(l.v[4].name, "b.api.azureml.ms");
	CU_ASSERT_STRING_EQUAL(l.v[4].ip, "fd00::5");
	CU_ASSERT_EQUAL(entry_list_find(&l, "y.api.azureml.ms"), 3);
	CU_ASSERT_EQUAL(entry_list_find(&l, "q.api.azureml.ms"), -1);
	/* Idempotent. */
	CU_ASSERT_EQUAL(entry_list_normalize(&l, &cause), 0);
	CU_ASSERT_EQUAL(l.n, 5);

	add(&l, "x.api.azureml.ms", "10.1.0.9");
	add(&l, "x.api.azureml.ms", "10.1.0.5");
	CU_ASSERT_EQUAL(entry_list_normalize(&l, &cause), -1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cause);
	CU_ASSERT_STRING_EQUAL(cause, "'x.api.azureml.ms' maps to both 10.1.0.5 and 10.1.0.9");
	free(cause);
	entry_list_release(&l);
	CU_ASSERT_EQUAL(entry_list_normalize(&l, NULL), 0);
}

/* A name may have one address of each family (its A and AAAA records);
 * two of one family stay a conflict. */
static void
test_dual_stack(void)
{
	struct entry_list l = ENTRY_LIST_INIT;
	char *cause = NULL;

	add(&l, "x.api.azureml.ms", "fd00::5");
	add(&l, "x.api.azureml.ms", "10.1.0.5");
	add(&l, "y.api.azureml.ms", "10.1.0.6");
	CU_ASSERT_EQUAL_FATAL(entry_list_normalize(&l, &cause), 0);
	CU_ASSERT_EQUAL_FATAL(l.n, 3);
	CU_ASSERT_EQUAL(entry_list_find_family(&l, "x.api.azureml.ms", AF_INET), 0);
	CU_ASSERT_EQUAL(entry_list_find_family(&l, "x.api.azureml.ms", AF_INET6), 2);
	CU_ASSERT_EQUAL(entry_list_find_family(&l, "y.api.azureml.ms", AF_INET6), -1);
	add(&l, "x.api.azureml.ms", "fd00::6");
	CU_ASSERT_EQUAL(entry_list_normalize(&l, &cause), -1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cause);
	CU_ASSERT_STRING_EQUAL(cause, "'x.api.azureml.ms' maps to both fd00::5 and fd00::6");
	free(cause);
	entry_list_release(&l);
}

static const struct unit_test entries_tests[] = {
	{ "dual stack", test_dual_stack },
	{ "name valid", test_name_valid },
	{ "name invalid", test_name_invalid },
	{ "name message quoting", test_name_message_quoting },
	{ "name suffix", test_name_suffix },
	{ "ip valid", test_ip_valid },
	{ "ip invalid", test_ip_invalid },
	{ "ip compare", test_ip_compare },
	{ "cidr default", test_cidr_default },
	{ "cidr custom", test_cidr_custom },
	{ "normalize", test_normalize },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "entries", entries_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
