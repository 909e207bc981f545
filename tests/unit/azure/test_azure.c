/* Unit tests of the Azure helpers that need no server. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

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
	    "401 invalid_client: AADSTS7000215: Invalid client secret provided.  Trace ID: 1");
	check_line(502, "<html>Bad Gateway</html>\n", "502 <html>Bad Gateway</html> ");
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
	http_request_free(r);
	/* A closed port is a transport error, not a status. */
	r = http_request_new("GET", "https://127.0.0.1:1/x");
	CU_ASSERT_EQUAL(http_perform(hc, &r, 1), 0);
	CU_ASSERT_PTR_NOT_NULL(r->error);
	CU_ASSERT_EQUAL(r->tries, 1);
	http_request_free(r);
	http_client_free(hc);
	free(cause);
}

static const struct unit_test azure_tests[] = {
	{ "error_line", test_error_line },
	{ "urlencode", test_urlencode },
	{ "https_only", test_https_only },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "azure", azure_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
