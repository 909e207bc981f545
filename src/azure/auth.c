/*
 * auth.c - an access token for Azure Resource Manager: the chain that picks
 * a credential, and the small helpers the credentials share. Each kind of
 * credential has its own file (cred-*.c); what they share is declared in
 * auth-internal.h, the public contract is auth.h.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "azure/auth-internal.h"
#include "hosts/cloud.h"
#include "base/platform.h"
#include "base/util.h"

/* Store a reason and return rc: "return cred_result(CRED_UNAVAILABLE, ...)". */
int
cred_result(int rc, char **reason, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	free(*reason);
	*reason = msg;
	return rc;
}

const char *
cred_nonempty(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

const char *
cred_getenv(const char *name)
{
	return cred_nonempty(getenv(name));
}

void
cred_wipe_free(char *s)
{
	if (s == NULL)
		return;
	secure_wipe(s, strlen(s));
	free(s);
}

void
cred_wipe_buf(struct buf *b)
{
	if (b->data != NULL)
		secure_wipe(b->data, b->cap);
	buf_release(b);
}

void
cred_sleep_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

long long
cred_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A tenant or client ID goes into a URL path, a form and az's argv: a GUID
 * or a domain name ("contoso.onmicrosoft.com"), nothing that could add a
 * path segment, a query, a form field or an option.
 */
int
cred_safe_id(const char *s)
{
	size_t n;

	if (s == NULL || *s == '-' || *s == '.')
		return 0;
	for (n = 0; s[n] != '\0'; n++) {
		char ch = s[n];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.'))
			return 0;
		if (ch == '.' && s[n + 1] == '.')
			return 0;
	}
	return n > 0 && n <= 253;
}

int
auth_token_ok(const char *t)
{
	if (t == NULL || *t == '\0')
		return 0;
	for (; *t != '\0'; t++)
		if ((unsigned char)*t <= 0x20 || (unsigned char)*t >= 0x7f)
			return 0;
	return 1;
}

/* --- the chain ----------------------------------------------------------- */

static const struct method {
	const char *name;   /* auth = ... */
	const char *label;  /* in messages and auth_token.source */
	cred_fn fn;
	int needs_http;
} methods[] = {
	{ "env", "environment", cred_environment, 1 },
	{ "workload-identity", "workload identity", cred_workload_identity, 1 },
	{ "managed-identity", "managed identity", cred_managed_identity, 1 },
	{ "cli", "Azure CLI", cred_azure_cli, 0 },
};
#define NMETHODS (sizeof methods / sizeof methods[0])

static int
ctx_init(struct ctx *c, struct http_client *hc, const struct auth_opts *o, char **cause)
{
	const struct cloud *cl = cloud_default();
	const char *arm = cred_nonempty(o->arm_endpoint) ? o->arm_endpoint : cl->arm_endpoint;
	char *a;

	memset(c, 0, sizeof *c);
	c->hc = hc;
	c->o = o;
	if ((c->tenant = cred_nonempty(o->tenant_id)) != NULL)
		c->tenant_from = "tenant_id";
	else if ((c->tenant = cred_getenv("AZURE_TENANT_ID")) != NULL)
		c->tenant_from = "AZURE_TENANT_ID";
	if ((c->client = cred_nonempty(o->client_id)) != NULL)
		c->client_from = "client_id";
	else if ((c->client = cred_getenv("AZURE_CLIENT_ID")) != NULL)
		c->client_from = "AZURE_CLIENT_ID";
	/* Refused before anything runs: these end up in URLs, forms and argv. */
	if (c->tenant != NULL && !cred_safe_id(c->tenant))
		return set_error(cause, "%s is not a tenant ID or domain name", c->tenant_from);
	if (c->client != NULL && !cred_safe_id(c->client))
		return set_error(cause, "%s is not a client ID", c->client_from);
	c->login = http_url_trim(cred_nonempty(o->login_endpoint) ? o->login_endpoint :
	    cl->login_endpoint);
	a = http_url_trim(arm);
	c->scope = xasprintf("%s/.default", a);
	if (cred_nonempty(o->arm_resource) != NULL)
		c->resource = xstrdup(o->arm_resource);
	else if (cred_nonempty(o->arm_endpoint) != NULL)
		c->resource = xasprintf("%s/", a);
	else
		c->resource = xstrdup(cl->arm_resource);
	free(a);
	return 0;
}

static void
ctx_release(struct ctx *c)
{
	free(c->login);
	free(c->scope);
	free(c->resource);
}

int
auth_get_token(struct http_client *hc, const struct auth_opts *o, struct auth_token *out,
    char **cause)
{
	const char *name = cred_nonempty(o != NULL ? o->method : NULL);
	struct buf tried = BUF_INIT;
	struct ctx c;
	char *reason = NULL;
	size_t i, first = 0, last = NMETHODS;
	int rc = -1, r;

	memset(&c, 0, sizeof c);
	out->token = NULL;
	out->expires = 0;
	out->source = NULL;
	if (o == NULL)
		return set_error(cause, "no Azure credential options");
	if (name != NULL && strcmp(name, "auto") != 0) {
		for (i = 0; i < NMETHODS; i++)
			if (strcmp(name, methods[i].name) == 0)
				break;
		if (i == NMETHODS)
			return set_error(cause, "unknown auth method '%s' (use auto, env, "
			    "workload-identity, managed-identity or cli)", name);
		first = i;
		last = i + 1;
	}
	if (ctx_init(&c, hc, o, cause) != 0)
		goto out;
	for (i = first; i < last; i++) {
		if (methods[i].needs_http && hc == NULL) {
			set_error(&reason, "no HTTP client");
			r = CRED_FAILED;
		} else
			r = methods[i].fn(&c, out, &reason);
		if (r == CRED_OK) {
			if (!auth_token_ok(out->token)) {
				/* each credential checks; this is the last guard */
				auth_token_release(out);
				set_error(&reason, "the token is not usable");
				r = CRED_FAILED;
			} else {
				out->source = methods[i].label;
				rc = 0;
				goto out;
			}
		}
		if (r == CRED_FAILED || r == CRED_BAD_CONFIG || last - first == 1) {
			set_error(cause, "%s: %s", methods[i].label, reason != NULL ? reason : "failed");
			if (r == CRED_BAD_CONFIG)
				rc = AUTH_ERR_CONFIG;
			goto out;
		}
		buf_printf(&tried, "%s%s: %s", tried.len > 0 ? "; " : "", methods[i].label,
		    reason != NULL ? reason : "not available");
		free(reason);
		reason = NULL;
	}
	set_error(cause, "no Azure credential worked: %s \xe2\x80\x94 set up one of them "
	    "(see amlhosts(1), \"Using Azure\")", tried.data != NULL ? tried.data : "");
out:
	ctx_release(&c);
	buf_release(&tried);
	free(reason);
	return rc;
}

void
auth_token_release(struct auth_token *t)
{
	if (t == NULL)
		return;
	cred_wipe_free(t->token);
	t->token = NULL;
	t->expires = 0;
	t->source = NULL;
}
