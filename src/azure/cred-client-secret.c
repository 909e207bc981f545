/*
 * cred-client-secret.c - the "environment" credential: a service principal
 * with a client secret (client_secret_file, systemd's LoadCredential=, or
 * AZURE_CLIENT_SECRET), as azure-identity's EnvironmentCredential.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "azure/auth-internal.h"
#include "base/platform.h"
#include "base/util.h"

/* The client secret: client_secret_file, else systemd's LoadCredential=,
 * else AZURE_CLIENT_SECRET. *from_file tells whether the user named a file
 * (then the credential counts as set up). */
static int
client_secret(char **secret, int *from_file, char **reason)
{
	const char *dir;
	char *path;
	struct stat st;
	int rc;

	*secret = NULL;
	*from_file = 0;
	if ((dir = cred_getenv("CREDENTIALS_DIRECTORY")) != NULL) {
		path = xasprintf("%s/azure-client-secret", dir);
		if (stat(path, &st) == 0) {
			*from_file = 1;
			/* The directory is private to the service and systemd
			 * chooses the file's mode: no mode check. */
			rc = auth_read_secret(path, SECRET_MAX, 0, secret, reason);
			free(path);
			return rc == 0 ? CRED_OK : CRED_FAILED;
		}
		free(path);
	}
	if (cred_getenv("AZURE_CLIENT_SECRET") == NULL)
		return cred_result(CRED_UNAVAILABLE, reason, "AZURE_CLIENT_SECRET is not set");
	*secret = xstrdup(getenv("AZURE_CLIENT_SECRET"));
	return CRED_OK;
}

int
cred_environment(struct ctx *c, struct auth_token *out, char **reason)
{
	const char *file = cred_nonempty(c->o->client_secret_file);
	char *secret = NULL, *form;
	int rc, from_file = 1;

	if (c->o->client_secret_error != NULL)
		rc = cred_result(CRED_FAILED, reason, "%s", c->o->client_secret_error);
	else if (c->o->client_secret != NULL) {
		/* handed over by amlhosts, sized exactly: wiped like a file's */
		secret = xstrdup(c->o->client_secret);
		rc = CRED_OK;
	} else if (file != NULL) {
		rc = auth_read_secret(file, SECRET_MAX, 1, &secret, reason);
		rc = rc == 0 ? CRED_OK : rc == AUTH_ERR_CONFIG ? CRED_BAD_CONFIG : CRED_FAILED;
	} else
		rc = client_secret(&secret, &from_file, reason);
	if (rc != CRED_OK)
		goto out;
	/* As EnvironmentCredential: a secret in the environment without the
	 * IDs is "not set up"; a secret in a file is. */
	if (c->tenant == NULL) {
		rc = cred_result(from_file ? CRED_FAILED : CRED_UNAVAILABLE, reason,
		    "AZURE_TENANT_ID is not set%s", from_file ? " (nor tenant_id)" : "");
		goto out;
	}
	if (c->client == NULL) {
		rc = cred_result(from_file ? CRED_FAILED : CRED_UNAVAILABLE, reason,
		    "AZURE_CLIENT_ID is not set%s", from_file ? " (nor client_id)" : "");
		goto out;
	}
	{
		const char *kv[] = {
			"client_id", c->client, "client_secret", secret,
			"grant_type", "client_credentials", "scope", c->scope, NULL,
		};

		form = auth_form_encode(kv);
	}
	rc = cred_post_token_form(c, c->login, form, out, reason);
out:
	cred_wipe_free(secret);
	return rc;
}
