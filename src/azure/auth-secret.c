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
#include "base/fileread.h"
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
	struct buf b = BUF_INIT;
	struct file_info info;
	enum file_read_error kind;
	size_t len;
	int rc = -1;

	*out = NULL;
	if (file_read(path, FILE_READ_REGULAR | FILE_READ_SECRET |
	    (owner_only ? FILE_READ_OWNER_ONLY : 0), max, &b, &info, &kind, cause) != 0) {
		/* A directory that opened is "not a regular file" here, as it
		 * always was (a failed open keeps its "cannot open"). */
		if (kind == FILE_READ_NOT_REGULAR && info.err == 0)
			set_error(cause, "'%s' is not a regular file", path);
		return kind == FILE_READ_NOT_FOUND || kind == FILE_READ_UNSAFE_MODE ||
		    kind == FILE_READ_UNSAFE_OWNER ? AUTH_ERR_CONFIG : -1;
	}
	len = b.len;
	while (len > 0 && (b.data[len - 1] == '\n' || b.data[len - 1] == '\r'))
		len--;
	b.data[len] = '\0';
	b.len = len;
	if (len == 0) {
		set_error(cause, "'%s' is empty", path);
		goto out;
	}
	if (memchr(b.data, '\0', len) != NULL) {
		set_error(cause, "'%s' holds a NUL byte", path);
		goto out;
	}
	/* Handed over whole: cred_secret_free() wipes the max + 2 bytes that
	 * FILE_READ_SECRET allocated. */
	*out = b.data;
	buf_init(&b);
	rc = 0;
out:
	file_read_wipe(&b);
	return rc;
}

void
cred_secret_free(char *s, size_t max)
{
	if (s == NULL)
		return;
	secure_wipe(s, max + 2); /* the size file_read(FILE_READ_SECRET) allocated */
	free(s);
}
