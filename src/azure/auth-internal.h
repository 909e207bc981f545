/*
 * auth-internal.h - what the credential files of the azure layer share
 * (auth.c, auth-answer.c, auth-secret.c, cred-*.c). Internal: nothing
 * outside src/azure/auth*.c and src/azure/cred-*.c includes it; the public
 * contract is azure/auth.h.
 *
 * Each credential ends one of three ways: it gives a token; it is not set
 * up here (CRED_UNAVAILABLE: "auto" goes on to the next one); or it is set
 * up but fails (CRED_FAILED: "auto" stops and reports that reason, as
 * azure-identity's ChainedTokenCredential does, so that a wrong client
 * secret is reported as such and not hidden behind "'az' is not installed").
 * Managed identity found by probing IMDS is never "set up" by the user, so
 * whatever goes wrong there lets the chain go on.
 *
 * Secrets (client secrets, federated tokens, identity headers) and tokens
 * are held only in buffers sized in advance, so no reallocation leaves a
 * copy behind, and are wiped before they are freed.
 */
#ifndef AMLHOSTS_AUTH_INTERNAL_H
#define AMLHOSTS_AUTH_INTERNAL_H

#include <stddef.h>

#include "azure/auth.h"
#include "azure/http.h"
#include "base/util.h"

/* CRED_BAD_CONFIG: CRED_FAILED, by the user's configuration (AUTH_ERR_CONFIG). */
enum { CRED_OK, CRED_UNAVAILABLE, CRED_FAILED, CRED_BAD_CONFIG };

#define SECRET_MAX (64u * 1024)         /* client secret, federated token */

/* What every credential is given: the options and what ctx_init (auth.c)
 * worked out from them and the environment. */
struct ctx {
	struct http_client *hc;
	const struct auth_opts *o;
	char *login;             /* login endpoint, no trailing slash */
	char *scope;             /* ARM endpoint + "/.default" */
	char *resource;          /* for managed identity and az */
	const char *tenant;      /* NULL if neither configured nor in the environment */
	const char *tenant_from; /* "tenant_id" or "AZURE_TENANT_ID" */
	const char *client;
	const char *client_from;
};

/* A credential: CRED_OK with *out filled, or another result with *reason. */
typedef int (*cred_fn)(struct ctx *c, struct auth_token *out, char **reason);

int cred_environment(struct ctx *c, struct auth_token *out, char **reason);       /* cred-client-secret.c */
int cred_workload_identity(struct ctx *c, struct auth_token *out, char **reason); /* cred-workload-identity.c */
int cred_managed_identity(struct ctx *c, struct auth_token *out, char **reason);  /* cred-managed-identity.c */
int cred_azure_cli(struct ctx *c, struct auth_token *out, char **reason);         /* cred-azcli.c */

/* --- auth.c: small shared helpers ---------------------------------------- */

/* Store a reason and return rc: "return cred_result(CRED_UNAVAILABLE, ...)". */
int cred_result(int rc, char **reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* s, or NULL when s is NULL or empty. */
const char *cred_nonempty(const char *s);
/* A non-empty environment variable, or NULL. */
const char *cred_getenv(const char *name);
/* Wipe a string (or a buffer) and free it; NULL is fine. */
void cred_wipe_free(char *s);
void cred_wipe_buf(struct buf *b);
void cred_sleep_ms(long ms);
long long cred_now_ms(void);
/* A tenant or client ID safe in a URL path, a form and argv. */
int cred_safe_id(const char *s);

/* --- auth-secret.c ------------------------------------------------------- */

/* Wipe and free a string from auth_read_secret(path, max, ...): the whole
 * buffer it was read into, trimmed newlines included. NULL is fine. */
void cred_secret_free(char *s, size_t max);

/* --- auth-answer.c: what the services answer ----------------------------- */

/* A token out of a JSON answer; key is "access_token" (Entra ID, managed
 * identity) or "accessToken" (az). *why says what was wrong, if anything. */
int cred_token_from_json(const char *data, size_t len, const char *key,
    struct auth_token *out, char **why);
/* The service's own words about a failed request, in one line, or NULL. */
char *cred_service_message(const struct http_request *r);
/* A 2xx answer with a token (CRED_OK), or CRED_FAILED and why not; what
 * names the endpoint in the message. */
int cred_take_token(const struct http_request *r, const char *what, struct auth_token *out,
    char **reason);
/* POST a client-credentials form to {authority}/{tenant}/oauth2/v2.0/token;
 * form is taken (it is wiped and freed with the request). */
int cred_post_token_form(struct ctx *c, const char *authority, char *form,
    struct auth_token *out, char **reason);

#endif
