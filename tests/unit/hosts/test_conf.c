/* Unit tests of the configuration reader. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosts/conf.h"
#include "base/platform.h"
#include "unit/cunit_main.h"

static int
parse(const char *text, struct config *c, char **cause)
{
	config_init(c);
	return config_parse_string(c, text, "test.conf", cause);
}

static void
test_full(void)
{
	struct config c;
	char *cause = NULL;
	struct target_conf *t;

	CU_ASSERT_EQUAL_FATAL(parse(
	    "[global]\n"
	    "hosts_file = /tmp/h   ; inline comment\n"
	    "state_dir = /tmp/s\n"
	    "keep_backups = 5\n"
	    "cloud = AzureChinaCloud\n"
	    "allowed_suffixes = corp.example, lab.example\n"
	    "allowed_networks = 10.0.0.0/8\n"
	    "write_mode = in-place\n"
	    "flush_dns = yes\n"
	    "lock_timeout = 3\n"
	    "tenant_id =\n"
	    "\n"
	    "[workspace myws]\n"
	    "json_file = /tmp/nic.json\n"
	    "compute_instances = ci-one, ci-two\n"
	    "  ci-three\n"
	    "ssh_names = yes\n"
	    "online_endpoints = ep1\n"
	    "projects = proj:fb7e20a0-8891-458b-b969-55ddb3382f51\n"
	    "[workspace other.ws]\n"
	    "json_file = -\n", &c, &cause), 0);
	CU_ASSERT_STRING_EQUAL(c.hosts_file, "/tmp/h");
	CU_ASSERT_STRING_EQUAL(c.state_dir, "/tmp/s");
	CU_ASSERT_EQUAL(c.keep_backups, 5);
	CU_ASSERT_STRING_EQUAL(c.cloud, "AzureChinaCloud");
	CU_ASSERT_EQUAL(c.allowed_suffixes.n, 2);
	CU_ASSERT_EQUAL(c.write_mode, WRITE_IN_PLACE);
	CU_ASSERT_EQUAL(c.flush_dns, 1);
	CU_ASSERT_EQUAL(c.lock_timeout, 3);
	CU_ASSERT_PTR_NULL(c.tenant_id);
	CU_ASSERT_EQUAL(c.ntargets, 2);
	t = config_find_target(&c, "myws");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(t->json_file, "/tmp/nic.json");
	CU_ASSERT_EQUAL(t->compute_instances.n, 3);
	CU_ASSERT_STRING_EQUAL(t->compute_instances.v[2], "ci-three");
	CU_ASSERT_EQUAL(t->ssh_names, 1);
	CU_ASSERT_EQUAL(t->projects.n, 1);
	CU_ASSERT_PTR_NOT_NULL(config_find_target(&c, "other.ws"));
	config_release(&c);

	/* An empty section is still a target; a network list continues. */
	CU_ASSERT_EQUAL_FATAL(parse("[global]\nallowed_networks = 10.0.0.0/8,\n"
	    "  192.168.0.0/16\n[workspace empty]\n", &c, &cause), 0);
	CU_ASSERT_PTR_NOT_NULL(config_find_target(&c, "empty"));
	CU_ASSERT_STRING_EQUAL(c.allowed_networks, "10.0.0.0/8,, 192.168.0.0/16");
	config_release(&c);
	free(cause);
}

static void
test_defaults(void)
{
	struct config c;
	char *cause = NULL;

	CU_ASSERT_EQUAL(parse("", &c, &cause), 0);
	/* The platform's own (Windows: under the system directory). */
	CU_ASSERT_STRING_EQUAL(c.hosts_file, platform_default_hosts_file());
	CU_ASSERT_EQUAL(c.keep_backups, 20);
	CU_ASSERT_EQUAL(c.lock_timeout, 30);
	CU_ASSERT_EQUAL(c.write_mode, WRITE_REPLACE);
	CU_ASSERT_STRING_EQUAL(c.cloud, "AzureCloud");
	CU_ASSERT_STRING_EQUAL(c.discovery_user, "_amlhosts");
	config_release(&c);
	CU_ASSERT_EQUAL(parse("[global]\ndiscovery_user = svc-aml.1\n", &c, &cause), 0);
	CU_ASSERT_STRING_EQUAL(c.discovery_user, "svc-aml.1");
	config_release(&c);
	free(cause);
}

struct bad_case {
	const char *text;
	const char *expect; /* substring of the message */
};

static void
test_errors(void)
{
	static const struct bad_case cases[] = {
		{ "[global]\nbogus = 1\n", "test.conf:2: unknown key 'bogus' in [global]" },
		{ "[workspace a]\njson = x\n", "test.conf:2: unknown key 'json' in [workspace a]" },
		{ "[other]\nx = 1\n", "unknown section [other]" },
		{ "[global]\nkeep_backups = many\n", "test.conf:2: 'keep_backups' must be a number" },
		{ "[global]\nkeep_backups = 0\n", "'keep_backups' must be a number" },
		{ "[global]\nlock_timeout = -1\n", "'lock_timeout'" },
		{ "[global]\nwrite_mode = sometimes\n", "'write_mode' must be replace or in-place" },
		{ "[global]\nflush_dns = maybe\n", "'flush_dns' must be yes or no" },
		{ "[global]\nauth = magic\n", "'auth' must be" },
		{ "[global]\nhosts_file = /a\nhosts_file = /b\n", "test.conf:3: key 'hosts_file' in [global] is set more than once" },
		{ "[workspace a]\n[workspace a]\n", "appears twice" },
		{ "[workspace bad name!]\njson_file = x\n", "test.conf:1: [workspace bad name!]: 'bad name!' is not a valid workspace name" },
		{ "[global]\n[workspace empty]\n[bogus]\n", "test.conf:3: unknown section [bogus]" },
		{ "[workspace a]\njson_file = x\n[workspace a]\n", "test.conf:3: section [workspace a] appears twice" },
		{ "[global]\ncloud = Mars\n", "test.conf:2: unknown cloud 'Mars'" },
		{ "[global]\ndiscovery_user = a b\n", "test.conf:2: 'discovery_user' must be a user name, not 'a b'" },
		{ "[global]\ndiscovery_user = -x\n", "'discovery_user' must be a user name" },
		{ "[global]\ndiscovery_user =\n", "'discovery_user' must be a user name" },
		{ "[workspace a]\ncloud = Mars\n", "test.conf:2: unknown cloud 'Mars'" },
		{ "[global]\nallowed_networks = 10.0.0.0/33\n", "test.conf:2: allowed_networks:" },
		{ "[global\n", "test.conf:1: syntax error" },
		{ "just words\n", "test.conf:1: syntax error" },
		{ "[workspace a]\nssh_names = perhaps\n", "'ssh_names' must be yes or no" },
		{ "[workspace a]\ncompute_instances = auto, foo\n",
		  "test.conf:2: 'auto' in 'compute_instances' must stand alone, not in a list of names" },
		{ "[workspace a]\nonline_endpoints = ep1\n  none\n", "'none' in 'online_endpoints' must stand alone" },
		{ "[workspace a]\nprojects = p:1\nprojects = auto\n", "test.conf:3: 'auto' in 'projects' must stand alone" },
		{ "hosts_file = /x\n[global]\n",
		  "test.conf:1: key 'hosts_file' comes before any section; put it under [global] or a [workspace NAME]" },
		{ "\xef\xbb\xbfkeep_backups = 3\n", "test.conf:1: key 'keep_backups' comes before any section" },
		/* inih takes ':' for '=' too. */
		{ "keep_backups: 3\n[global]\n", "test.conf:1: key 'keep_backups' comes before any section" },
		{ NULL, NULL }
	};
	const struct bad_case *b;
	struct config c;
	char *cause;

	for (b = cases; b->text != NULL; b++) {
		cause = NULL;
		CU_ASSERT_NOT_EQUAL(parse(b->text, &c, &cause), 0);
		CU_ASSERT_PTR_NOT_NULL(cause);
		if (cause == NULL || strstr(cause, b->expect) == NULL) {
			fprintf(stderr, "\n  for %s  got: %s\n  want: %s\n", b->text,
			    cause ? cause : "(none)", b->expect);
			CU_FAIL("message");
		}
		config_release(&c);
		free(cause);
	}
}

/* A UTF-8 BOM is skipped whatever the first line is: a section header, a
 * comment or a key (of a section opened before it cannot be: see errors). */
static void
test_bom(void)
{
	static const char *const texts[] = {
		"\xef\xbb\xbf[workspace a]\njson_file = x.json\n",
		"\xef\xbb\xbf; comment\n[workspace a]\njson_file = x.json\n",
		"\xef\xbb\xbf\n[global]\n[workspace a]\njson_file = x.json\n",
		NULL
	};
	struct config c;
	char *cause;
	size_t i;

	for (i = 0; texts[i] != NULL; i++) {
		cause = NULL;
		CU_ASSERT_EQUAL(parse(texts[i], &c, &cause), 0);
		CU_ASSERT_PTR_NULL(cause);
		CU_ASSERT_EQUAL(c.ntargets, 1);
		if (c.ntargets == 1)
			CU_ASSERT_STRING_EQUAL(c.targets[0].json_file, "x.json");
		config_release(&c);
		free(cause);
	}
}

static void
test_long_line(void)
{
	struct config c;
	struct buf b = BUF_INIT;
	char *cause = NULL;
	int i;

	buf_puts(&b, "[workspace a]\ncompute_instances = ");
	for (i = 0; i < 100; i++)
		buf_printf(&b, "ci%d, ", i);
	buf_puts(&b, "\n");
	CU_ASSERT_NOT_EQUAL(parse(b.data, &c, &cause), 0);
	CU_ASSERT_TRUE(cause != NULL && strstr(cause, "test.conf:2: line is longer than") != NULL);
	config_release(&c);
	buf_release(&b);
	free(cause);
}

/* Write n bytes to a file in the working directory (the build directory,
 * also under Wine) and load it as the configuration. */
static int
load_bytes(const char *bytes, size_t n, struct config *c, char **cause)
{
	static const char path[] = "test_conf.tmp.conf";
	FILE *f;
	int rc;

	config_init(c);
	f = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(bytes, 1, n, f), n);
	CU_ASSERT_EQUAL_FATAL(fclose(f), 0);
	rc = config_load(c, path, 1, cause);
	CU_ASSERT_EQUAL(remove(path), 0);
	return rc;
}

/* text (ASCII or UTF-8 up to U+FFFF) as UTF-16 with a byte order mark. */
static void
utf16(const char *text, int big, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)text;
	unsigned u;

	buf_append(out, big ? "\xfe\xff" : "\xff\xfe", 2);
	while (*p != '\0') {
		if (*p < 0x80)
			u = *p++;
		else if (*p < 0xe0) {
			u = (unsigned)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
			p += 2;
		} else {
			u = (unsigned)(p[0] & 0x0f) << 12 | (unsigned)(p[1] & 0x3f) << 6 |
			    (p[2] & 0x3f);
			p += 3;
		}
		buf_putc(out, (char)(big ? u >> 8 : u & 0xff));
		buf_putc(out, (char)(big ? u & 0xff : u >> 8));
	}
}

/* PowerShell 5.1's Out-File writes UTF-16LE with a BOM and CRLF: such a file
 * reads as the same text in UTF-8 would; so does UTF-16BE and UTF-8 with a
 * BOM, read from a file. */
static void
test_file_encodings(void)
{
	static const char text[] = "; caf\xc3\xa9 \xce\xa9 \xe2\x82\xac\r\n[global]\r\n"
	    "keep_backups = 7\r\n[workspace a]\r\njson_file = x.json\r\n";
	struct config c;
	struct buf b = BUF_INIT;
	char *cause;
	int big;

	for (big = 0; big <= 2; big++) {
		buf_release(&b);
		if (big == 2) {
			buf_puts(&b, "\xef\xbb\xbf");
			buf_puts(&b, text);
		} else
			utf16(text, big, &b);
		cause = NULL;
		CU_ASSERT_EQUAL(load_bytes(b.data, b.len, &c, &cause), 0);
		if (cause != NULL)
			fprintf(stderr, "\n%s\n", cause);
		CU_ASSERT_EQUAL(c.keep_backups, 7);
		CU_ASSERT_EQUAL(c.ntargets, 1);
		if (c.ntargets == 1)
			CU_ASSERT_STRING_EQUAL(c.targets[0].json_file, "x.json");
		config_release(&c);
		free(cause);
	}
	buf_release(&b);
}

/* Broken UTF-16 is refused with the file named, not parsed as bytes. */
static void
test_file_bad_utf16(void)
{
	static const struct { const char *bytes; size_t n; const char *expect; } cases[] = {
		{ "\xff\xfe[\0g\0]", 7, "odd number of bytes" },
		{ "\xff\xfe[\0\0\xd8]\0", 8, "unpaired surrogate" },
		{ "\xff\xfe[\0\0\0]\0", 8, "NUL character" },
	};
	struct config c;
	char *cause;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cause = NULL;
		CU_ASSERT_NOT_EQUAL(load_bytes(cases[i].bytes, cases[i].n, &c, &cause), 0);
		CU_ASSERT_TRUE(cause != NULL && strstr(cause, cases[i].expect) != NULL &&
		    strstr(cause, "test_conf.tmp.conf") != NULL);
		config_release(&c);
		free(cause);
	}
}

static const struct unit_test conf_tests[] = {
	{ "full", test_full },
	{ "defaults", test_defaults },
	{ "errors", test_errors },
	{ "long_line", test_long_line },
	{ "bom", test_bom },
	{ "file_encodings", test_file_encodings },
	{ "file_bad_utf16", test_file_bad_utf16 },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "conf", conf_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
