/*
 * auth.h - an access token for Azure Resource Manager (SPEC 5.2).
 *
 * "auto" tries, in the order of azure-identity's DefaultAzureCredential:
 * environment service principal (AZURE_TENANT_ID, AZURE_CLIENT_ID,
 * AZURE_CLIENT_SECRET, or tenant_id/client_id/client_secret_file), workload
 * identity (AZURE_FEDERATED_TOKEN_FILE), managed identity (App Service's
 * IDENTITY_ENDPOINT/IDENTITY_HEADER, Azure ML compute's MSI_ENDPOINT/
 * MSI_SECRET, else IMDS after a short probe so laptops don't hang), then
 * the Azure CLI (az account get-access-token). When none works, the error
 * lists each one tried and why it failed. A named method tries only that.
 *
 * Secrets are read from files or the environment, never argv; a secret
 * file that group or others can read is refused; secrets and tokens are
 * wiped from memory when freed and never printed.
 */
#ifndef AMLHOSTS_AUTH_H
#define AMLHOSTS_AUTH_H

#include "azure/http.h"

struct auth_opts {
	const char *method;             /* auto|env|workload-identity|managed-identity|cli */
	const char *tenant_id;          /* config; environment overrides when unset */
	const char *client_id;
	const char *client_secret_file;
	/* Secrets the caller read (amlhosts-azure gets them on its stdin from
	 * amlhosts, which reads the files): when set, no secret file is opened
	 * here. A *_error is why the caller could not read the file; the
	 * credential then fails with it, as it would have here. */
	const char *client_secret, *client_secret_error;
	const char *federated_token, *federated_token_error;
	const char *login_endpoint;     /* "https://login.microsoftonline.com" */
	const char *arm_endpoint;       /* "https://management.azure.com"; scope = this + "/.default" */
	const char *arm_resource;       /* resource for MSI/CLI: "https://management.core.windows.net/" */
};

struct auth_token {
	char *token;      /* the bearer token; wipe with auth_token_release() */
	long long expires; /* epoch seconds, 0 if unknown */
	const char *source; /* "environment", "workload identity", ... */
};

/*
 * Get a token. hc may be NULL only for method "cli". On success *out holds a
 * new token (release it with auth_token_release()) and out->source names
 * the credential that worked. On failure *cause says why, in one line: for
 * "auto" either the reason of a credential that was set up but failed (a
 * wrong client secret stops the chain, as in DefaultAzureCredential), or
 * "no Azure credential worked: " and each credential with its reason.
 * Messages never hold a secret or a token.
 */
int auth_get_token(struct http_client *hc, const struct auth_opts *o, struct auth_token *out,
    char **cause);
/* What auth_get_token() and auth_read_secret() return, instead of -1, when
 * the user's configuration is at fault (a secret file others may read): the
 * command line exits 2 for it, as for any configuration error. */
#define AUTH_ERR_CONFIG (-2)
/* Wipe and free the token; t is left empty and may be reused. NULL is fine. */
void auth_token_release(struct auth_token *t);

/*
 * Internals, exposed for tests/unit/test_auth.c only.
 */
/* Limit the run time of 'az' (default 10000 ms); ms <= 0 restores it. */
void auth_set_cli_timeout_ms(long ms);
/* "k1=v1&k2=v2" from a NULL-terminated list of key, value, key, value...,
 * values encoded with http_urlencode(); sized exactly, so no copy of a
 * secret is left behind by a reallocation. Wipe it before freeing. */
char *auth_form_encode(const char *const *kv);
/* expires_on of a managed identity: seconds since the epoch as a number
 * string, or "MM/DD/YYYY HH:MM:SS [AM|PM] +00:00" (App Service, Azure ML). */
int auth_parse_expires_on(const char *s, long long *out);
/* expiresOn of 'az account get-access-token': "%Y-%m-%d %H:%M:%S[.%f]" in
 * local time. */
int auth_parse_cli_expires_on(const char *s, long long *out);
/* Read a secret file of at most max bytes, dropping trailing newlines. With
 * owner_only set, refuse a file that group or others may read or write. *out
 * is a new string: wipe it before freeing. -1 on failure, AUTH_ERR_CONFIG
 * when the file is not there or its mode or owner is refused: the
 * configuration's fault, not the world's. */
int auth_read_secret(const char *path, size_t max, int owner_only, char **out, char **cause);
/* Can this be sent as a bearer token: non-empty printable ASCII, no space? */
int auth_token_ok(const char *t);

#endif
