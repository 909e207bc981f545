/*
 * auth-secret.c - forms and secret files: secrets are read into buffers
 * sized in advance and wiped before they are freed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "azure/auth-internal.h"
#include "base/secret.h"
#include "base/platform.h"
#include "base/util.h"

char *
auth_form_encode(const char *const *kv)
{
	size_t n, i, len = 0, at = 0, l;
	char **enc, *form;

	for (n = 0; kv[2 * n] != NULL; n++)
		;
	enc = xcalloc(n + 1, sizeof *enc);
	for (i = 0; i < n; i++) {
		enc[i] = http_urlencode(kv[2 * i + 1] != NULL ? kv[2 * i + 1] : "");
		len += strlen(kv[2 * i]) + 1 + strlen(enc[i]) + 1;
	}
	form = xmalloc(len + 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			form[at++] = '&';
		l = strlen(kv[2 * i]);
		memcpy(form + at, kv[2 * i], l);
		at += l;
		form[at++] = '=';
		l = strlen(enc[i]);
		memcpy(form + at, enc[i], l);
		at += l;
		cred_wipe_free(enc[i]);
	}
	form[at] = '\0';
	free(enc);
	return form;
}

int
auth_read_secret(const char *path, size_t max, int owner_only, char **out, char **cause)
{
	/* A file the configuration names wrongly is the user's to fix (exit 2). */
	switch (secret_read_file(path, max, owner_only, out, cause)) {
	case 0:
		return 0;
	case SECRET_BAD_CONFIG:
		return AUTH_ERR_CONFIG;
	default:
		return -1;
	}
}

void
cred_secret_free(char *s, size_t max)
{
	secret_free(s, max);
}
