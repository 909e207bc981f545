/* Unit tests of the Azure helpers that need no server. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#ifndef _WIN32
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include "azure/armjson.h"
#include "azure/azure.h"
#include "azure/http.h"
#include "unit/cunit_main.h"

static void
check_line(long status, const char *body, const char *want)
{
	char *line = azure_error_line(status, body, body ? strlen(body) : 0);

	CU_ASSERT_STRING_EQUAL(line, want);
	free(line);
}

static void
test_error_line(void)
{
	check_line(403, "{\"error\":{\"code\":\"AuthorizationFailed\",\"message\":\"The client 'x' "
	    "does not have authorization\"}}",
	    "403 AuthorizationFailed: The client 'x' does not have authorization");
	check_line(401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: "
	    "Invalid client secret provided.\\r\\nTrace ID: 1\"}",
	    "401 invalid_client: AADSTS7000215: Invalid client secret provided.\\x0d\\x0aTrace ID: 1");
	check_line(502, "<html>Bad Gateway</html>\n", "502 <html>Bad Gateway</html>\\x0a");
	check_line(500, NULL, "500 (empty answer)");
	check_line(404, "{\"error\":{\"message\":\"gone\"}}", "404 gone");
}

static void
test_urlencode(void)
{
	char *s = http_urlencode("https://management.azure.com/.default a&b=c~");

	CU_ASSERT_STRING_EQUAL(s, "https%3A%2F%2Fmanagement.azure.com%2F.default%20a%26b%3Dc~");
	free(s);
}

static void
test_https_only(void)
{
	struct http_client *hc = NULL;
	struct http_opts o;
	struct http_request *r;
	char *cause = NULL;

	memset(&o, 0, sizeof o);
	o.connect_timeout = 1;
	o.request_timeout = 2;
	CU_ASSERT_EQUAL_FATAL(http_client_new(&hc, &o, &cause), 0);
	/* Refused before any connection is tried: nothing listens there. */
	r = http_request_new("GET", "http://127.0.0.1:1/x");
	CU_ASSERT_EQUAL(http_perform(hc, &r, 1), 0);
	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_PTR_NOT_NULL(r->error);
	CU_ASSERT_TRUE(r->error != NULL && strstr(r->error, "only HTTPS") != NULL);
	CU_ASSERT_EQUAL(r->failure, HTTP_FAIL_PROTOCOL);
	http_request_free(r);
	/* A closed port is a transport error, not a status. */
	r = http_request_new("GET", "https://127.0.0.1:1/x");
	CU_ASSERT_EQUAL(http_perform(hc, &r, 1), 0);
	CU_ASSERT_PTR_NOT_NULL(r->error);
	CU_ASSERT_EQUAL(r->tries, 1);
	CU_ASSERT_EQUAL(r->failure, HTTP_FAIL_TRANSPORT);
	http_request_reset(r);
	CU_ASSERT_EQUAL(r->failure, HTTP_FAIL_NONE);
	http_request_free(r);
	http_client_free(hc);
	free(cause);
}

#ifndef _WIN32
/* A server that accepts the connection and never says a word: the request
 * ends as a timeout, told by its kind and not by libcurl's words. */
static void
test_timeout_kind(void)
{
	struct http_client *hc = NULL;
	struct http_opts o;
	struct http_request *r;
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	char *cause = NULL, *url;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	CU_ASSERT_FATAL(s >= 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CU_ASSERT_FATAL(bind(s, (struct sockaddr *)&sa, sizeof sa) == 0);
	CU_ASSERT_FATAL(listen(s, 4) == 0);
	CU_ASSERT_FATAL(getsockname(s, (struct sockaddr *)&sa, &len) == 0);
	memset(&o, 0, sizeof o);
	o.connect_timeout = 5;
	o.request_timeout = 5;
	CU_ASSERT_EQUAL_FATAL(http_client_new(&hc, &o, &cause), 0);
	url = xasprintf("https://127.0.0.1:%u/x", (unsigned)ntohs(sa.sin_port));
	r = http_request_new("GET", url);
	r->timeout_ms = 300;
	CU_ASSERT_EQUAL(http_perform(hc, &r, 1), 0);
	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_PTR_NOT_NULL(r->error);
	CU_ASSERT_EQUAL(r->failure, HTTP_FAIL_TIMEOUT);
	http_request_free(r);
	http_client_free(hc);
	free(url);
	free(cause);
	close(s);
}
#endif

/* Error bodies of every shape; decisions are taken on the code. */
static void
test_error_decode(void)
{
	struct armjson_error e;
	static const char arm[] = "{\"error\":{\"code\":\"AuthorizationFailed\","
	    "\"message\":\"not ExpiredAuthenticationToken\"}}";
	static const char aad[] = "{\"error\":\"invalid_client\","
	    "\"error_description\":\"AADSTS7000215: Invalid client secret.\"}";
	static const char app[] = "{\"Message\":\"No identity\"}";

	CU_ASSERT_EQUAL(armjson_error_decode(arm, strlen(arm), &e), 0);
	CU_ASSERT_STRING_EQUAL(e.code, "AuthorizationFailed");
	CU_ASSERT_STRING_EQUAL(e.message, "not ExpiredAuthenticationToken");
	CU_ASSERT_PTR_NULL(e.text);
	armjson_error_release(&e);
	CU_ASSERT_EQUAL(armjson_error_decode(aad, strlen(aad), &e), 0);
	CU_ASSERT_STRING_EQUAL(e.code, "invalid_client");
	CU_ASSERT_STRING_EQUAL(e.message, "AADSTS7000215: Invalid client secret.");
	armjson_error_release(&e);
	CU_ASSERT_EQUAL(armjson_error_decode(app, strlen(app), &e), 0);
	CU_ASSERT_PTR_NULL(e.code);
	CU_ASSERT_PTR_NULL(e.message);
	CU_ASSERT_STRING_EQUAL(e.text, "No identity");
	armjson_error_release(&e);
	CU_ASSERT_EQUAL(armjson_error_decode("<html>", 6, &e), -1);
	CU_ASSERT_PTR_NULL(e.code);
	armjson_error_release(&e);
	CU_ASSERT_EQUAL(armjson_error_decode(NULL, 0, &e), -1);
	armjson_error_release(&e);
}

static const struct unit_test azure_tests[] = {
	{ "error_line", test_error_line },
	{ "urlencode", test_urlencode },
	{ "https_only", test_https_only },
#ifndef _WIN32
	{ "timeout_kind", test_timeout_kind },
#endif
	{ "error_decode", test_error_decode },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "azure", azure_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
