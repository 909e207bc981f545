/* Unit tests of the Azure helpers that need no server. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef _WIN32
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "azure/armjson.h"
#include "azure/azure.h"
#include "azure/http.h"
#ifndef _WIN32
#include "unit/azure/listen-local.h"
#endif
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
	char *cause = NULL, *url;
	int port, s = listen_local(4, &port);

	memset(&o, 0, sizeof o);
	o.connect_timeout = 5;
	o.request_timeout = 5;
	/* A timed-out GET is retried after 1 s: not within this deadline. */
	o.run_timeout_ms = 1000;
	CU_ASSERT_EQUAL_FATAL(http_client_new(&hc, &o, &cause), 0);
	url = xasprintf("https://127.0.0.1:%d/x", port);
	r = http_request_new("GET", url);
	r->timeout_ms = 300;
	CU_ASSERT_EQUAL(http_perform(hc, &r, 1), 0);
	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_PTR_NOT_NULL(r->error);
	CU_ASSERT_EQUAL(r->failure, HTTP_FAIL_TIMEOUT);
	CU_ASSERT_EQUAL(r->tries, 1);
	http_request_free(r);
	http_client_free(hc);
	free(url);
	free(cause);
	close(s);
}
#endif

#ifndef _WIN32
/* A server that closes every connection at once, before the TLS handshake
 * ends: a GET is tried HTTP_MAX_TRIES times, a POST (which may have been
 * done) once. */
static void
test_dropped_retried(void)
{
	struct http_client *hc = NULL;
	struct http_opts o;
	struct http_request *r;
	char *cause = NULL, *url;
	int port, s = listen_local(8, &port), c, status;
	pid_t pid;

	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		alarm(120); /* never outlives the test (killed at its end; slow under valgrind) */
		while ((c = accept(s, NULL, NULL)) >= 0)
			close(c);
		_exit(0);
	}
	close(s);
	memset(&o, 0, sizeof o);
	o.connect_timeout = 5;
	o.request_timeout = 5;
	CU_ASSERT_EQUAL_FATAL(http_client_new(&hc, &o, &cause), 0);
	url = xasprintf("https://127.0.0.1:%d/x", port);
	r = http_request_new("GET", url);
	CU_ASSERT_EQUAL(http_perform(hc, &r, 1), 0);
	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_PTR_NOT_NULL(r->error);
	CU_ASSERT_EQUAL(r->failure, HTTP_FAIL_TRANSPORT);
	CU_ASSERT_EQUAL(r->tries, HTTP_MAX_TRIES);
	http_request_free(r);
	r = http_request_new("POST", url);
	CU_ASSERT_EQUAL(http_perform(hc, &r, 1), 0);
	CU_ASSERT_PTR_NOT_NULL(r->error);
	CU_ASSERT_EQUAL(r->tries, 1);
	http_request_free(r);
	http_client_free(hc);
	kill(pid, SIGTERM);
	CU_ASSERT(waitpid(pid, &status, 0) == pid);
	free(url);
	free(cause);
}
#endif

/* The host of a URL as written, for the managed identity's plain-http rule. */
static void
test_url_host(void)
{
	static const struct { const char *url, *want; } cases[] = {
		{ "http://127.0.0.1:8080/msi/token", "127.0.0.1" },
		{ "http://localhost/x", "localhost" },
		{ "https://[::1]:8443/s", "::1" },
		{ "http://169.254.169.254", "169.254.169.254" },
		{ "http://169.254.169.254@10.0.0.1/x", NULL },
		{ "http://user:pw@127.0.0.1/x", NULL },
		{ "http://[::1/x", NULL },
		{ "http://[]/x", NULL },
		{ "http:///x", NULL },
		{ "http://127.0.0.1:x/", NULL },
		{ "127.0.0.1", NULL },
	};
	size_t i;
	char *h;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		h = http_url_host(cases[i].url);
		if (cases[i].want == NULL) {
			CU_ASSERT_PTR_NULL(h);
		} else {
			CU_ASSERT_STRING_EQUAL(h != NULL ? h : "(null)", cases[i].want);
		}
		free(h);
	}
}

/* nextLinks must stay on the ARM endpoint; Azure writes ":443" or not. */
static void
test_url_under(void)
{
	static const struct { const char *base, *url; int want; } cases[] = {
		{ "https://management.azure.com", "https://management.azure.com/subscriptions/x?a=1", 1 },
		{ "https://management.azure.com", "https://management.azure.com:443/subscriptions/x", 1 },
		{ "https://management.azure.com:443", "https://management.azure.com/s", 1 },
		{ "https://management.azure.com/", "https://MANAGEMENT.azure.com/s", 1 },
		{ "https://management.azure.com", "https://management.azure.com", 1 },
		{ "https://management.azure.com", "https://management.azure.com?x", 1 },
		{ "https://127.0.0.1:8443", "https://127.0.0.1:8443/s", 1 },
		{ "https://[::1]:8443", "https://[::1]:8443/s", 1 },
		{ "https://arm.example/prefix", "https://arm.example:443/prefix/s", 1 },
		{ "https://management.azure.com", "https://management.azure.com:8443/s", 0 },
		{ "https://management.azure.com", "https://management.azure.com:80/s", 0 },
		{ "https://management.azure.com", "http://management.azure.com/s", 0 },
		{ "https://management.azure.com", "https://management.azure.com.evil.example/s", 0 },
		{ "https://management.azure.com", "https://evil.example/?https://management.azure.com/", 0 },
		{ "https://management.azure.com", "https://management.azure.com@evil.example/s", 0 },
		{ "https://127.0.0.1:8443", "https://127.0.0.1:8444/s", 0 },
		{ "https://127.0.0.1:8443", "https://127.0.0.1/s", 0 },
		{ "https://127.0.0.1:8443", "https://127.0.0.1:08443x/s", 0 },
		{ "https://arm.example/prefix", "https://arm.example/prefixed/s", 0 },
		{ "https://management.azure.com", "/subscriptions/x", 0 },
		{ "https://management.azure.com", "https://:443/s", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int got = http_url_under(cases[i].base, cases[i].url);

		if (got != cases[i].want)
			fprintf(stderr, "http_url_under(%s, %s) = %d\n", cases[i].base, cases[i].url, got);
		CU_ASSERT_EQUAL(got, cases[i].want);
	}
}

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
	{ "dropped_retried", test_dropped_retried },
#endif
	{ "url_under", test_url_under },
	{ "url_host", test_url_host },
	{ "error_decode", test_error_decode },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "azure", azure_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
