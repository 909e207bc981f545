/*
 * cred-managed-identity.c - managed identity: App Service and Azure ML
 * compute endpoints, Cloud Shell, else IMDS after a short probe.
 */
#include "config.h"

#ifndef _WIN32
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "azure/auth-internal.h"
#include "base/platform.h" /* Windows: inet_pton's ws2tcpip.h */
#include "base/quote.h"
#include "hosts/entries.h"
#include "base/util.h"

#define IMDS_PROBE_MS 300L
#define MI_TIMEOUT_MS 10000L
#define MI_TRIES 3

/* base plus a query, whether or not base already has one. */
static char *
with_query(const char *base, const char *query)
{
	return xasprintf("%s%c%s", base, strchr(base, '?') != NULL ? '&' : '?', query);
}

/* IMDS and local identity endpoints are plain HTTP, which the HTTP client
 * allows only to requests flagged imds, and does not retry: retry here 429
 * and 5xx (and 404 and 410, which IMDS answers while a VM starts). */
static void
mi_perform(struct ctx *c, struct http_request *r, int imds_host)
{
	int i;

	for (i = 1;; i++) {
		http_perform(c->hc, &r, 1);
		if (!r->imds || i >= MI_TRIES || r->error != NULL)
			break;
		if (!(r->status == 429 || r->status >= 500 ||
		    (imds_host && (r->status == 404 || r->status == 410))))
			break;
		cred_sleep_ms(500L << (i - 1));
		if (r->response.data != NULL)
			secure_wipe(r->response.data, r->response.len);
		http_request_reset(r);
	}
}

/*
 * Plain http:// carries the identity secret (X-IDENTITY-HEADER, MSI_SECRET)
 * and the token in clear text, so it is allowed only where the traffic
 * never leaves the machine or the host's link (Azure's documented
 * endpoints): a loopback address (127.0.0.0/8, ::1, localhost) or IMDS at
 * 169.254.169.254. Judged on the URL's host as written, before anything
 * is sent: no name is resolved (a name could resolve anywhere) and a URL
 * with user information is refused (its host is not what it seems to be).
 * https:// is always allowed. 1 allowed, 0 refused.
 */
static int
plain_http_allowed(const char *url)
{
	static const unsigned char lo6[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	unsigned char a[16];
	char *host;
	int ok;

	if (strncmp(url, "http://", 7) != 0)
		return 1;
	if ((host = http_url_host(url)) == NULL)
		return 0;
	/* IPv6 (it was in brackets); dotted decimal without leading zeros
	 * ("0177.0.0.1" is octal to some parsers). */
	if (ascii_strcasecmp(host, "localhost") == 0)
		ok = 1;
	else if (strchr(host, ':') != NULL)
		ok = inet_pton(AF_INET6, host, a) == 1 && memcmp(a, lo6, sizeof lo6) == 0;
	else
		ok = inet_pton(AF_INET, host, a) == 1 && !ipv4_has_leading_zero(host) &&
		    (a[0] == 127 || (a[0] == 169 && a[1] == 254 && a[2] == 169 && a[3] == 254));
	free(host);
	return ok;
}

/* The reason a plain-http endpoint in var is refused. */
static int
plain_http_refused(int rc, const char *var, const char *url, char **reason)
{
	char *shown = quote_mem(url, strlen(url), 120, 0);

	rc = cred_result(rc, reason, "%s '%s' is plain http:// to a host that is neither a "
	    "loopback address nor 169.254.169.254; refused, so that no secret or token "
	    "crosses the network unencrypted (use https://)", var, shown);
	free(shown);
	return rc;
}

/* A header "Name: value" whose value comes from the environment: one line. */
static int
header_value_ok(const char *v)
{
	return strpbrk(v, "\r\n") == NULL;
}

/* How the two platform endpoints differ beyond their URL and header. */
enum {
	MI_METADATA = 1,        /* send "Metadata: true" as well */
	MI_DEFAULT_CLIENT = 2,  /* no client id configured: DEFAULT_IDENTITY_CLIENT_ID's */
};

/* App Service (IDENTITY_ENDPOINT) and Azure ML compute (MSI_ENDPOINT): set
 * up by the platform, so a failure stops the chain. */
static int
mi_endpoint(struct ctx *c, const char *var, const char *endpoint, const char *api,
    const char *client_key, const char *header, const char *secret, unsigned flags,
    struct auth_token *out, char **reason)
{
	struct http_request *r;
	char *res = http_urlencode(c->resource), *cid = NULL, *query, *url, *h;
	const char *client = c->client;
	int rc;

	/* Azure ML compute names its system identity's client id in
	 * DEFAULT_IDENTITY_CLIENT_ID and wants it as clientid (msal-node
	 * ManagedIdentitySources/MachineLearning.ts, createRequest:
	 * "System-assigned: Uses the DEFAULT_IDENTITY_CLIENT_ID environment
	 * variable"). A configured client id (a user-assigned identity) wins. */
	if (client == NULL && (flags & MI_DEFAULT_CLIENT) != 0) {
		client = cred_getenv("DEFAULT_IDENTITY_CLIENT_ID");
		if (client != NULL && !cred_safe_id(client)) {
			free(res);
			return cred_result(CRED_FAILED, reason,
			    "DEFAULT_IDENTITY_CLIENT_ID is not a client ID");
		}
	}

	if (strncmp(endpoint, "http://", 7) != 0 && strncmp(endpoint, "https://", 8) != 0) {
		set_error(reason, "%s is not an http(s) URL", var);
		free(res);
		return CRED_FAILED;
	}
	if (!plain_http_allowed(endpoint)) {
		free(res);
		return plain_http_refused(CRED_FAILED, var, endpoint, reason);
	}
	if (client != NULL) {
		cid = http_urlencode(client);
		query = xasprintf("api-version=%s&resource=%s&%s=%s", api, res, client_key, cid);
	} else
		query = xasprintf("api-version=%s&resource=%s", api, res);
	url = with_query(endpoint, query);
	r = http_request_new("GET", url);
	r->imds = strncmp(endpoint, "http://", 7) == 0;
	r->timeout_ms = MI_TIMEOUT_MS;
	h = xasprintf("%s: %s", header, secret);
	http_request_header(r, h);
	cred_wipe_free(h);
	/* Azure Automation's App Service-style endpoint refuses a request
	 * without it; App Service ignores it (issue 13, item 7). */
	if ((flags & MI_METADATA) != 0)
		http_request_header(r, "Metadata: true");
	mi_perform(c, r, 0);
	rc = cred_take_token(r, var, out, reason);
	http_request_free(r);
	free(url);
	free(query);
	free(cid);
	free(res);
	return rc;
}

/* Cloud Shell: MSI_ENDPOINT alone, a POST with the resource. */
static int
mi_cloud_shell(struct ctx *c, const char *endpoint, struct auth_token *out, char **reason)
{
	const char *kv[] = { "resource", c->resource, NULL, NULL, NULL };
	struct http_request *r;
	int rc;

	if (strncmp(endpoint, "http://", 7) != 0 && strncmp(endpoint, "https://", 8) != 0)
		return cred_result(CRED_FAILED, reason, "MSI_ENDPOINT is not an http(s) URL");
	if (!plain_http_allowed(endpoint))
		return plain_http_refused(CRED_FAILED, "MSI_ENDPOINT", endpoint, reason);
	if (c->client != NULL) {
		kv[2] = "client_id";
		kv[3] = c->client;
	}
	r = http_request_new("POST", endpoint);
	r->imds = strncmp(endpoint, "http://", 7) == 0;
	r->timeout_ms = MI_TIMEOUT_MS;
	http_request_header(r, "Metadata: true");
	http_request_header(r, "Content-Type: application/x-www-form-urlencoded");
	r->body = auth_form_encode(kv);
	mi_perform(c, r, 0);
	rc = cred_take_token(r, "MSI_ENDPOINT", out, reason);
	http_request_free(r);
	return rc;
}

/* IMDS, after a short probe so that a laptop does not wait on an address
 * nothing answers. Never set up by the user, so never stops the chain. */
static int
mi_imds(struct ctx *c, struct auth_token *out, char **reason)
{
	const char *hostvar = cred_getenv("AZURE_POD_IDENTITY_AUTHORITY_HOST"), *shown;
	char *host, *url = NULL, *res = NULL, *cid = NULL, *said = NULL;
	struct http_request *r;
	int rc = CRED_UNAVAILABLE;

	host = http_url_trim(hostvar != NULL ? hostvar : "http://169.254.169.254");
	if (strncmp(host, "http://", 7) != 0 && strncmp(host, "https://", 8) != 0) {
		set_error(reason, "AZURE_POD_IDENTITY_AUTHORITY_HOST is not an http(s) URL");
		free(host);
		return CRED_UNAVAILABLE;
	}
	if (!plain_http_allowed(host)) {
		rc = plain_http_refused(CRED_UNAVAILABLE, "AZURE_POD_IDENTITY_AUTHORITY_HOST",
		    host, reason);
		free(host);
		return rc;
	}
	shown = strstr(host, "://") + 3;

	/* The probe: no Metadata header, so a real IMDS answers 400 at once. */
	url = xasprintf("%s/metadata/identity/oauth2/token", host);
	r = http_request_new("GET", url);
	r->imds = 1;
	r->timeout_ms = IMDS_PROBE_MS;
	http_perform(c->hc, &r, 1);
	if (r->status == 0) {
		if (r->error == NULL || r->failure == HTTP_FAIL_TIMEOUT)
			set_error(reason, "no endpoint answered at %s (probe timed out)", shown);
		else {
			said = quote_mem(r->error, strlen(r->error), QUOTE_MAX, QUOTE_FIRST_LINE | QUOTE_STRIP_ANSI);
			set_error(reason, "no endpoint answered at %s (probe failed: %s)", shown,
			    said != NULL ? said : "no answer");
		}
		goto out;
	}
	http_request_free(r);
	free(url);

	res = http_urlencode(c->resource);
	if (c->client != NULL) {
		cid = http_urlencode(c->client);
		url = xasprintf("%s/metadata/identity/oauth2/token?api-version=2018-02-01"
		    "&resource=%s&client_id=%s", host, res, cid);
	} else
		url = xasprintf("%s/metadata/identity/oauth2/token?api-version=2018-02-01"
		    "&resource=%s", host, res);
	r = http_request_new("GET", url);
	r->imds = 1;
	r->timeout_ms = MI_TIMEOUT_MS;
	http_request_header(r, "Metadata: true");
	mi_perform(c, r, 1);
	if (r->error == NULL && r->status == 400) {
		said = cred_service_message(r);
		if (c->client != NULL)
			set_error(reason, "no identity with client ID %s is assigned to this machine "
			    "(IMDS at %s answered HTTP 400%s%s)", c->client, shown,
			    said != NULL ? ": " : "", said != NULL ? said : "");
		else
			set_error(reason, "no identity is assigned to this machine "
			    "(IMDS at %s answered HTTP 400%s%s)", shown,
			    said != NULL ? ": " : "", said != NULL ? said : "");
		goto out;
	}
	{
		char *what = xasprintf("IMDS at %s", shown);

		rc = cred_take_token(r, what, out, reason) == CRED_OK ? CRED_OK : CRED_UNAVAILABLE;
		free(what);
	}
out:
	http_request_free(r);
	free(said);
	free(cid);
	free(res);
	free(url);
	free(host);
	return rc;
}

int
cred_managed_identity(struct ctx *c, struct auth_token *out, char **reason)
{
	const char *ie = cred_getenv("IDENTITY_ENDPOINT"), *ih = cred_getenv("IDENTITY_HEADER");
	const char *me = cred_getenv("MSI_ENDPOINT"), *ms = cred_getenv("MSI_SECRET");

	if (ie != NULL && ih != NULL && cred_getenv("IDENTITY_SERVER_THUMBPRINT") != NULL)
		return cred_result(CRED_UNAVAILABLE, reason, "Service Fabric managed identity "
		    "(IDENTITY_SERVER_THUMBPRINT) is not supported");
	if (ie != NULL && ih != NULL) {
		if (!header_value_ok(ih))
			return cred_result(CRED_FAILED, reason,
			    "IDENTITY_HEADER holds a line break");
		return mi_endpoint(c, "IDENTITY_ENDPOINT", ie, "2019-08-01", "client_id",
		    "X-IDENTITY-HEADER", ih, MI_METADATA, out, reason);
	}
	if (ie != NULL && cred_getenv("IMDS_ENDPOINT") != NULL)
		return cred_result(CRED_UNAVAILABLE, reason, "Azure Arc managed identity "
		    "(IDENTITY_ENDPOINT with IMDS_ENDPOINT) is not supported");
	if (me != NULL && ms != NULL) {
		if (!header_value_ok(ms))
			return cred_result(CRED_FAILED, reason, "MSI_SECRET holds a line break");
		return mi_endpoint(c, "MSI_ENDPOINT", me, "2017-09-01", "clientid", "secret", ms,
		    MI_DEFAULT_CLIENT, out, reason);
	}
	if (me != NULL)
		return mi_cloud_shell(c, me, out, reason);
	return mi_imds(c, out, reason);
}
