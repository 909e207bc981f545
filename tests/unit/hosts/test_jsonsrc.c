#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "hosts/cloud.h"
#include "hosts/entries.h"
#include "hosts/jsonsrc.h"
#include "hosts/names.h"
#include "base/textenc.h"
#include "base/util.h"
#include "unit/cunit_main.h"

#define WSID "fb7e20a0-8891-458b-b969-55ddb3382f51"
#define API WSID ".workspace.eastus.api.azureml.ms"
#define CERT WSID ".workspace.eastus.cert.api.azureml.ms"
#define NB "ml-myws-eastus-" WSID ".eastus.notebooks.azure.net"
#define INF "*.eastus.inference.ml.azure.com"
#define NICID "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml/" \
	"providers/Microsoft.Network/networkInterfaces/myws-pe.nic.3c8f1e2a-7d4b-4a61-9b0e-5f2d8c9a1b47"

/* The workspace private endpoint every sample describes. */
#define WS_PAIRS \
	API " 10.1.0.5\n" CERT " 10.1.0.5\n" NB " 10.1.0.6\n" INF " 10.1.0.7\n"

static char *
data_path(const char *rel)
{
	const char *d = getenv("TESTDATA");

	if (d == NULL || *d == '\0')
		d = "tests/data";
	return xasprintf("%s/%s", d, rel);
}

/* "fqdn ip" lines, in the order found. */
static char *
pairs_text(const struct raw_list *l)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < l->n; i++)
		buf_printf(&b, "%s %s\n", l->v[i].fqdn, l->v[i].ip);
	return buf_detach(&b, NULL);
}

static void
same_text(const char *got, const char *want, const char *what)
{
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "\n%s\n--- want\n%s--- got\n%s---\n", what, want, got);
		CU_FAIL("pairs differ");
	}
}

static void
contains(const char *msg, const char *part)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	if (strstr(msg, part) == NULL) {
		fprintf(stderr, "\n  message '%s' lacks '%s'\n", msg, part);
		CU_FAIL("message");
	}
	CU_ASSERT_PTR_NULL(strchr(msg, '\n'));
}

/* Load json/<name>: 0 and the pairs, or -1 and the message. */
static int
load(const char *name, char **text, char **cause)
{
	struct raw_list l = RAW_LIST_INIT;
	char *path = xasprintf("json/%s", name), *full = data_path(path);
	int rc;

	*cause = NULL;
	rc = jsonsrc_load(full, &l, cause);
	*text = pairs_text(&l);
	raw_list_release(&l);
	free(full);
	free(path);
	return rc;
}

static void
expect_pairs(const char *name, const char *want)
{
	char *text, *cause;

	if (load(name, &text, &cause) != 0) {
		fprintf(stderr, "\n  %s: %s\n", name, cause);
		CU_FAIL("load failed");
	} else
		same_text(text, want, name);
	free(text);
	free(cause);
}

static void
expect_error(const char *name, const char *part1, const char *part2)
{
	char *text, *cause;

	CU_ASSERT_NOT_EQUAL(load(name, &text, &cause), JSONSRC_OK);
	CU_ASSERT_STRING_EQUAL(text, "");
	contains(cause, part1);
	if (part2 != NULL)
		contains(cause, part2);
	free(text);
	free(cause);
}

/* Parse text given inline. */
static int
parse(const char *s, size_t n, char **text, char **cause)
{
	struct raw_list l = RAW_LIST_INIT;
	int rc;

	*cause = NULL;
	rc = jsonsrc_parse(s, n, "t.json", &l, cause);
	*text = pairs_text(&l);
	raw_list_release(&l);
	return rc;
}

static void
expect_inline(const char *s, const char *want)
{
	char *text, *cause;

	if (parse(s, strlen(s), &text, &cause) != 0) {
		fprintf(stderr, "\n  %s: %s\n", s, cause);
		CU_FAIL("parse failed");
	} else
		same_text(text, want, s);
	free(text);
	free(cause);
}

/* n is the length of s, or (size_t)-1 for strlen(s). */
static void
expect_inline_error(const char *s, size_t n, const char *part)
{
	char *text, *cause;

	if (n == (size_t)-1)
		n = strlen(s);
	CU_ASSERT_EQUAL(parse(s, n, &text, &cause), -1);
	CU_ASSERT_STRING_EQUAL(text, "");
	contains(cause, part);
	free(text);
	free(cause);
}

static void
test_shapes(void)
{
	expect_pairs("az-nic-query.json", WS_PAIRS);
	expect_pairs("az-nic-show.json", WS_PAIRS);
	/* The prefix length stays: names.c drops it. */
	expect_pairs("arm-nic.json",
	    API " 10.1.0.5\n" CERT " 10.1.0.5\n" NB " 10.1.0.6/28\n" INF " 10.1.0.7\n");
	expect_pairs("az-pe-show.json", WS_PAIRS);
	expect_pairs("arm-pe.json", WS_PAIRS);
	expect_pairs("ps-pe.json", WS_PAIRS);
	expect_pairs("dns-zone-group.json",
	    WSID ".workspace.eastus.privatelink.api.azureml.ms 10.1.0.5\n"
	    WSID ".workspace.eastus.cert.privatelink.api.azureml.ms 10.1.0.5\n"
	    "ml-myws-eastus-" WSID ".eastus.privatelink.notebooks.azure.net 10.1.0.6\n"
	    "mywsstorage7f3a.privatelink.blob.core.windows.net 10.1.0.8\n");
	expect_pairs("amlhosts.json", API " 10.1.0.5\n" CERT " 10.1.0.5\n" NB " 10.1.0.6\n");
	expect_pairs("mixed-array.json",
	    API " 10.1.0.5\n" NB " 10.1.0.6\n" INF " 10.1.0.7\n"
	    "mywsstorage7f3a.blob.core.windows.net 10.1.0.8\n"
	    "myws-kv-7f3a.vault.azure.net 10.1.0.9\n");
	expect_pairs("arm-list.json", WS_PAIRS "mywsstorage7f3a.blob.core.windows.net 10.1.0.8\n");
	expect_pairs("ps-pe-depth2-text.json", WS_PAIRS);
}

static void
test_encodings(void)
{
	expect_pairs("ps-pe-utf16le.json", WS_PAIRS);
	expect_pairs("ps-pe-utf16be.json", WS_PAIRS);
	expect_pairs("az-pe-utf8bom-crlf.json", WS_PAIRS);
}

static void
test_bad_files(void)
{
	char *p = data_path("json/truncated.json"), *want = xasprintf("'%s' line ", p);

	expect_error("truncated.json", want, NULL);
	free(want);
	free(p);
	expect_error("not-json.txt", "not-json.txt' line 1 column 4: '[' or '{' expected near 'Fqdn'",
	    NULL);
	expect_error("unknown-shape.json", "no private-endpoint names found (top-level keys: id, "
	    "name, type, location, kind, sku, identity, properties); expected az network nic show, "
	    "az network private-endpoint show, Get-AzPrivateEndpoint | ConvertTo-Json -Depth 10, "
	    "a private DNS zone group, or amlhosts resolve --format json output", NULL);
	expect_error("dup-keys.json", "duplicate object key", NULL);
	expect_error("number-fqdn.json", "number-fqdn.json': 'fqdn' is a number, not a string", NULL);
	expect_error("ps-pe-depth2.json", "ps-pe-depth2.json' was written by ConvertTo-Json with "
	    "its default depth of 2, which cut off IpAddresses; export it again with "
	    "'ConvertTo-Json -Depth 10'", NULL);
	expect_error("pe-empty-dns.json", "private endpoint 'myws-pe' lists no customDnsConfigs",
	    "export the NIC instead with 'az network nic show --ids " NICID "'");
	expect_error("no-such-file.json", "cannot open", "no-such-file.json");
}

/* Files that parse but whose pairs names_derive must refuse. */
static int
derive_file(const char *name, char **cause)
{
	struct raw_list l = RAW_LIST_INIT;
	struct entry_list out = ENTRY_LIST_INIT;
	struct strlist notes = STRLIST_INIT;
	struct derive_opts o;
	struct cidr_list nets;
	char *path = xasprintf("json/%s", name), *full = data_path(path);
	int rc;

	*cause = NULL;
	derive_opts_init(&o);
	CU_ASSERT_EQUAL(cidr_list_parse(NULL, &nets, NULL), 0);
	o.cloud = cloud_default();
	o.allowed_networks = &nets;
	o.source = name;
	rc = jsonsrc_load(full, &l, cause);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc == 0)
		rc = names_derive(&l, &o, &out, &notes, cause);
	entry_list_release(&out);
	strlist_release(&notes);
	raw_list_release(&l);
	cidr_list_release(&nets);
	derive_opts_release(&o);
	free(full);
	free(path);
	return rc;
}

static void
test_hostile_files(void)
{
	char *cause;

	CU_ASSERT_EQUAL(derive_file("foreign-domain.json", &cause), -1);
	contains(cause, "'login.microsoftonline.com' in 'foreign-domain.json' is not an Azure "
	    "private-link name of AzureCloud");
	free(cause);
	CU_ASSERT_EQUAL(derive_file("public-ip.json", &cause), -1);
	contains(cause, "is at 8.8.8.8, outside allowed_networks");
	free(cause);
	CU_ASSERT_EQUAL(derive_file("injection-newline.json", &cause), -1);
	contains(cause, "'mywsstorage7f3a.blob.core.windows.net\\x0a10.1.0.4 login.microsoftonline.com'"
	    " is not a valid host name");
	free(cause);
	/* Every good sample passes the whole way. */
	CU_ASSERT_EQUAL(derive_file("az-nic-show.json", &cause), 0);
	free(cause);
	CU_ASSERT_EQUAL(derive_file("dns-zone-group.json", &cause), 0);
	free(cause);
	CU_ASSERT_EQUAL(derive_file("mixed-array.json", &cause), 0);
	free(cause);
}

/* The body of an Azure REST API example, as ARM would send it. */
static char *
fixture_body(const char *name)
{
	char *rel = xasprintf("fixtures/azure-rest-api-specs/network/2025-03-01/%s", name);
	char *path = data_path(rel), *text = NULL;
	json_error_t err;
	json_t *root, *body;

	root = json_load_file(path, 0, &err);
	CU_ASSERT_PTR_NOT_NULL(root);
	body = json_object_get(json_object_get(json_object_get(root, "responses"), "200"), "body");
	CU_ASSERT_PTR_NOT_NULL(body);
	if (body != NULL)
		text = json_dumps(body, 0);
	json_decref(root);
	free(path);
	free(rel);
	return text;
}

static void
expect_fixture(const char *name, const char *want)
{
	char *body = fixture_body(name), *text, *cause;

	if (body == NULL)
		return;
	if (parse(body, strlen(body), &text, &cause) != 0) {
		fprintf(stderr, "\n  %s: %s\n", name, cause);
		CU_FAIL("fixture failed");
	} else
		same_text(text, want, name);
	free(text);
	free(cause);
	free(body);
}

static void
test_fixtures(void)
{
	/* A plain NIC: recognised, no private-link names. */
	expect_fixture("NetworkInterfaceGet.json", "");
	/* Its ipConfigurations list static addresses, not names. */
	expect_fixture("PrivateEndpointGet.json",
	    "abc.cosmos.com 192.168.0.4\nabc2.cosmos.com 192.168.0.5\n");
	expect_fixture("PrivateEndpointGetForManualApproval.json",
	    "abc.cosmos.com 192.168.0.4\nabc2.cosmos.com 192.168.0.5\n");
	expect_fixture("PrivateEndpointDnsZoneGroupGet.json",
	    "abc.zone1.com 10.0.0.4\nabc2.zone1.com 10.0.0.5\n"
	    "abc.zone2.com 10.0.0.6\nabc2.zone2.com 10.0.0.7\n");
}

static void
test_inline_shapes(void)
{
	/* The AML docs' own query, and bare customDnsConfigs/record set items. */
	expect_inline("[{\"FQDN\": \"a.api.azureml.ms\", \"IPAddress\": \"10.1.0.5\"}]",
	    "a.api.azureml.ms 10.1.0.5\n");
	expect_inline("[{\"fqdn\": \"a.api.azureml.ms\", \"ipAddresses\": [\"10.1.0.5\", \"fd00::5\"]}]",
	    "a.api.azureml.ms 10.1.0.5\na.api.azureml.ms fd00::5\n");
	/* A NIC configuration without private link, and az's null FQDNs. */
	expect_inline("[{\"IPAddress\": \"10.1.0.4\", \"FQDNs\": null}]", "");
	/* A private endpoint whose NIC is in the same file. */
	expect_inline("[{\"name\": \"pe\", \"customDnsConfigs\": [], \"networkInterfaces\": "
	    "[{\"id\": \"/x/NIC1\"}]}, {\"id\": \"/x/nic1\", \"ipConfigurations\": "
	    "[{\"privateIpAddress\": \"10.1.0.5\", \"privateLinkConnectionProperties\": "
	    "{\"fqdns\": [\"a.api.azureml.ms\"]}}]}]", "a.api.azureml.ms 10.1.0.5\n");
	/* A private endpoint without NICs or names: nothing, not an error. */
	expect_inline("{\"type\": \"Microsoft.Network/privateEndpoints\", \"properties\": {}}", "");
	/* Empty lists are lists of nothing. */
	expect_inline("[]", "");
	expect_inline("{\"value\": []}", "");
	expect_inline("{\"value\": [], \"nextLink\": null}", "");
	/* Nested lists, and ARM lists inside arrays. */
	expect_inline("[[{\"value\": [{\"fqdn\": \"a.api.azureml.ms\", \"ipAddress\": \"10.1.0.5\"}]}]]",
	    "a.api.azureml.ms 10.1.0.5\n");
	/* Record sets other than A/AAAA are not host entries. */
	expect_inline("{\"privateDnsZoneConfigs\": [{\"recordSets\": [{\"recordType\": \"CNAME\", "
	    "\"fqdn\": \"c.x\", \"ipAddresses\": []}, {\"recordType\": \"A\", \"fqdn\": "
	    "\"a.api.azureml.ms\", \"ipAddresses\": [\"10.1.0.5\"]}]}]}", "a.api.azureml.ms 10.1.0.5\n");
	/* CRLF is whitespace. */
	expect_inline("{\r\n\"amlhosts\": 1,\r\n\"entries\": []\r\n}\r\n", "");
}

static void
test_inline_errors(void)
{
	char *deep;
	size_t i;

	expect_inline_error("", 0, "'t.json' line 1 column 0:");
	expect_inline_error("{}", (size_t)-1, "(top level: an empty object)");
	expect_inline_error("42", (size_t)-1, "'t.json' line 1 column 2: '[' or '{' expected");
	expect_inline_error("[42]", (size_t)-1, "(top level: an array of 1 item, none of them recognised)");
	expect_inline_error("[1, \"x\"]", (size_t)-1, "(top level: an array of 2 items, none of them recognised)");
	expect_inline_error("{\"a\": 1, \"b\\n\\u001b[31m\": 2}", (size_t)-1, "(top-level keys: a, b\\x0a\\x1b[31m)");
	expect_inline_error("{\"k1\":1,\"k2\":1,\"k3\":1,\"k4\":1,\"k5\":1,\"k6\":1,\"k7\":1,\"k8\":1,"
	    "\"k9\":1,\"k10\":1,\"k11\":1}", (size_t)-1, "k9, k10, ...)");
	expect_inline_error("{\"fqdn\": \"a.b\", \"FQDN\": \"c.d\", \"ipAddress\": \"10.1.0.5\"}", (size_t)-1,
	    "'t.json': keys 'fqdn' and 'FQDN' differ only in case");
	expect_inline_error("{\"fqdn\": \"a.b\\u0000c\", \"ipAddress\": \"10.1.0.5\"}", (size_t)-1, "line 1");
	expect_inline_error("{\"amlhosts\": 2, \"entries\": []}", (size_t)-1, "reads format 1 of its own output");
	expect_inline_error("{\"amlhosts\": 1, \"entries\": [{\"fqdn\": \"a.b\"}]}", (size_t)-1, "entry 1 has no 'ip'");
	expect_inline_error("{\"amlhosts\": 1}", (size_t)-1, "'entries' is missing");
	expect_inline_error("{\"customDnsConfigs\": [{\"fqdn\": \"a.b\", \"ipAddresses\": [5]}]}", (size_t)-1,
	    "'ipAddresses' is a number, not a string");
	expect_inline_error("{\"customDnsConfigs\": [{\"fqdn\": \"a.b\", \"ipAddresses\": []}]}", (size_t)-1,
	    "'a.b' is listed without an address");
	expect_inline_error("{\"customDnsConfigs\": {}}", (size_t)-1, "'customDnsConfigs' is an object, not an array");
	expect_inline_error("{\"ipConfigurations\": [{\"privateIPAddress\": 7, "
	    "\"privateLinkConnectionProperties\": {\"fqdns\": [\"a.b\"]}}]}", (size_t)-1,
	    "'privateIPAddress' is a number, not a string");
	/* PowerShell cut deeper values into type names. */
	expect_inline_error("[{\"CustomDnsConfigs\": [\"Microsoft.Azure.Commands.Network.Models."
	    "PSPrivateEndpointCustomDnsConfig\"], \"NetworkInterfaces\": []}]", (size_t)-1,
	    "which cut off CustomDnsConfigs");
	expect_inline_error("{\"IpConfigurations\": [{\"PrivateIpAddress\": \"10.1.0.5\", "
	    "\"PrivateLinkConnectionProperties\": \"Microsoft.Azure.Commands.Network.Models."
	    "PSIpConfigurationConnectivityInformation\"}]}", (size_t)-1,
	    "which cut off PrivateLinkConnectionProperties");
	/* Nesting beyond jansson's limit is a parse error, not a crash. */
	deep = xmalloc(100001);
	for (i = 0; i < 100000; i++)
		deep[i] = i < 50000 ? '[' : ']';
	deep[100000] = '\0';
	expect_inline_error(deep, 100000, "maximum parsing depth");
	free(deep);
}

static void
check_utf8(const char *in, size_t n, const char *want, size_t wantn)
{
	struct buf b = BUF_INIT;
	char *cause = NULL;

	CU_ASSERT_EQUAL_FATAL(text_to_utf8(in, n, &b, "t.json", &cause), 0);
	CU_ASSERT_EQUAL(b.len, wantn);
	CU_ASSERT_EQUAL(memcmp(b.data ? b.data : "", want, wantn), 0);
	buf_release(&b);
	free(cause);
}

static void
check_utf8_error(const char *in, size_t n, const char *part)
{
	struct buf b = BUF_INIT;
	char *cause = NULL;

	CU_ASSERT_EQUAL(text_to_utf8(in, n, &b, "t.json", &cause), -1);
	contains(cause, part);
	buf_release(&b);
	free(cause);
}

static void
test_to_utf8(void)
{
	/* UTF-16 with a pair for U+1F600 and U+00E9. */
	static const char le[] = "\xff\xfe{\0\"\0=\xd8\0\xde\xe9\0\"\0}\0";
	static const char be[] = "\xfe\xff\0{\0\"\xd8=\xde\0\0\xe9\0\"\0}";
	static const char want[] = "{\"\xf0\x9f\x98\x80\xc3\xa9\"}";

	check_utf8("{}", 2, "{}", 2);
	check_utf8("\xef\xbb\xbf{}\r\n", 7, "{}\r\n", 4);
	check_utf8("\xef\xbb\xbf", 3, "", 0);
	check_utf8("caf\xc3\xa9 \xe2\x82\xac \xf4\x8f\xbf\xbf", 14,
	    "caf\xc3\xa9 \xe2\x82\xac \xf4\x8f\xbf\xbf", 14);
	check_utf8(le, sizeof le - 1, want, sizeof want - 1);
	check_utf8(be, sizeof be - 1, want, sizeof want - 1);
	check_utf8("\xff\xfe", 2, "", 0);

	check_utf8_error("{\0}", 3, "'t.json' is not UTF-8 text: a NUL byte at offset 1");
	check_utf8_error("{\xff}", 3, "'t.json' is not UTF-8 text: byte 0xff at offset 1");
	check_utf8_error("\xc0\xaf", 2, "is not UTF-8 text");       /* overlong */
	check_utf8_error("\xe0\x80\xaf", 3, "is not UTF-8 text");   /* overlong */
	check_utf8_error("\xed\xa0\x80", 3, "is not UTF-8 text");   /* a surrogate */
	check_utf8_error("\xf4\x90\x80\x80", 4, "is not UTF-8 text"); /* > U+10FFFF */
	check_utf8_error("ab\xc3", 3, "byte 0xc3 at offset 2");    /* cut short */
	check_utf8_error("\x80", 1, "is not UTF-8 text");
	check_utf8_error("\xff\xfe{", 3, "odd number of bytes");
	check_utf8_error("\xff\xfe\x3d\xd8{\0", 6, "unpaired surrogate at byte offset 2");
	check_utf8_error("\xff\xfe{\0\x3d\xd8", 6, "unpaired surrogate at byte offset 4");
	check_utf8_error("\xff\xfe\x00\xde", 4, "unpaired surrogate");
	check_utf8_error("\xfe\xff\0{\0\0", 6, "NUL character at byte offset 4");
	/* UTF-16 without a byte order mark. */
	check_utf8_error("{\0}\0", 4, "UTF-16 needs a byte order mark");
}

static void
test_size_limit(void)
{
	struct raw_list l = RAW_LIST_INIT;
	char path[] = "/tmp/amlhosts-test-XXXXXX", *cause = NULL;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(ftruncate(fd, (off_t)JSONSRC_MAX_BYTES + 1), 0);
	close(fd);
	CU_ASSERT_EQUAL(jsonsrc_load(path, &l, &cause), JSONSRC_BAD_INPUT);
	contains(cause, "is larger than");
	CU_ASSERT_EQUAL(l.n, 0);
	unlink(path);
	free(cause);
}

static void
test_stdin(void)
{
	struct raw_list l = RAW_LIST_INIT;
	char *path = data_path("json/az-nic-query.json"), *cause = NULL, *text;
	int saved = dup(0), fd = open(path, O_RDONLY);

	CU_ASSERT_FATAL(saved >= 0 && fd >= 0);
	CU_ASSERT_EQUAL_FATAL(dup2(fd, 0), 0);
	close(fd);
	CU_ASSERT_EQUAL(jsonsrc_load("-", &l, &cause), 0);
	text = pairs_text(&l);
	same_text(text, WS_PAIRS, "stdin");
	free(text);
	raw_list_release(&l);
	free(path);

	path = data_path("json/truncated.json");
	fd = open(path, O_RDONLY);
	CU_ASSERT_EQUAL_FATAL(dup2(fd, 0), 0);
	close(fd);
	CU_ASSERT_EQUAL(jsonsrc_load("-", &l, &cause), JSONSRC_BAD_INPUT);
	contains(cause, "'standard input' line ");
	free(cause);
	free(path);
	dup2(saved, 0);
	close(saved);
}

static void
test_appends(void)
{
	struct raw_list l = RAW_LIST_INIT;
	char *cause = NULL;
	static const char good[] = "[{\"fqdn\": \"a.api.azureml.ms\", \"ipAddress\": \"10.1.0.5\"}]";
	static const char bad[] = "[{\"fqdn\": \"b.api.azureml.ms\", \"ipAddress\": \"10.1.0.6\"}, "
	    "{\"fqdn\": 5, \"ipAddress\": \"10.1.0.6\"}]";

	CU_ASSERT_EQUAL(jsonsrc_parse(good, sizeof good - 1, "a", &l, &cause), 0);
	CU_ASSERT_EQUAL(jsonsrc_parse(good, sizeof good - 1, "b", &l, &cause), 0);
	CU_ASSERT_EQUAL(l.n, 2);
	/* A failed parse adds nothing, not even the pairs before the error. */
	CU_ASSERT_EQUAL(jsonsrc_parse(bad, sizeof bad - 1, "c", &l, &cause), -1);
	CU_ASSERT_EQUAL(l.n, 2);
	raw_list_release(&l);
	free(cause);
}

static const struct unit_test jsonsrc_tests[] = {
	{ "shapes", test_shapes },
	{ "encodings", test_encodings },
	{ "bad files", test_bad_files },
	{ "hostile files", test_hostile_files },
	{ "azure examples", test_fixtures },
	{ "inline shapes", test_inline_shapes },
	{ "inline errors", test_inline_errors },
	{ "to_utf8", test_to_utf8 },
	{ "size limit", test_size_limit },
	{ "stdin", test_stdin },
	{ "appends", test_appends },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "jsonsrc", jsonsrc_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
