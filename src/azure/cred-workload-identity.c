/*
 * cred-workload-identity.c - workload identity: a federated token file (as
 * on AKS) exchanged for an access token.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "azure/auth-internal.h"
#include "base/platform.h"
#include "base/util.h"

#define JWT_BEARER "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

int
cred_workload_identity(struct ctx *c, struct auth_token *out, char **reason)
{
	const char *file = cred_getenv("AZURE_FEDERATED_TOKEN_FILE"), *host;
	char *assertion = NULL, *authority = NULL, *form;
	int rc = CRED_UNAVAILABLE;

	if (file == NULL)
		return cred_result(CRED_UNAVAILABLE, reason,
		    "AZURE_FEDERATED_TOKEN_FILE is not set");
	if (c->tenant == NULL)
		return cred_result(CRED_UNAVAILABLE, reason, "AZURE_TENANT_ID is not set");
	if (c->client == NULL)
		return cred_result(CRED_UNAVAILABLE, reason, "AZURE_CLIENT_ID is not set");
	rc = CRED_FAILED;
	if (c->o->federated_token_error != NULL) {
		cred_result(CRED_FAILED, reason, "%s", c->o->federated_token_error);
		goto out;
	}
	if (c->o->federated_token != NULL) {
		/* Handed over by amlhosts: into a buffer of the size
		 * cred_secret_free() wipes, as a file's would be. */
		if (strlen(c->o->federated_token) > SECRET_MAX) {
			cred_result(CRED_FAILED, reason, "the federated token is too long");
			goto out;
		}
		assertion = xcalloc(SECRET_MAX + 2, 1);
		strcpy(assertion, c->o->federated_token);
	} else if (auth_read_secret(file, SECRET_MAX, 0, &assertion, reason) != 0)
		goto out;
	if ((host = cred_getenv("AZURE_AUTHORITY_HOST")) == NULL)
		authority = xstrdup(c->login);
	else if (strstr(host, "://") == NULL) {
		/* azure-identity takes a bare host name as https */
		char *h = http_url_trim(host);

		authority = xasprintf("https://%s", h);
		free(h);
	} else
		authority = http_url_trim(host);
	{
		const char *kv[] = {
			"client_assertion", trim_blanks(assertion),
			"client_assertion_type", JWT_BEARER,
			"client_id", c->client, "grant_type", "client_credentials",
			"scope", c->scope, NULL,
		};

		form = auth_form_encode(kv);
	}
	rc = cred_post_token_form(c, authority, form, out, reason);
out:
	cred_secret_free(assertion, SECRET_MAX);
	free(authority);
	return rc;
}
