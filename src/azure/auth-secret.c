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
	struct stat st;
	char *data = NULL;
	size_t len = 0;
	ssize_t r;
	int fd, rc = -1;

	*out = NULL;
	/* O_NONBLOCK: a FIFO must not hang us; fstat below refuses it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return set_error(cause, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		set_error(cause, "cannot stat '%s': %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		set_error(cause, "'%s' is not a regular file", path);
		goto out;
	}
#ifndef _WIN32
	/* (On Windows the file's ACL decides; the mode bits say nothing.) */
	if (owner_only && (st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
		set_error(cause, "'%s' is readable by group or others; chmod 600 it", path);
		goto out;
	}
	if (owner_only && (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		set_error(cause, "'%s' is writable by group or others; chmod 600 it", path);
		goto out;
	}
#endif
	if ((unsigned long long)st.st_size > max) {
		set_error(cause, "'%s' is larger than %zu bytes", path, max);
		goto out;
	}
	/* One buffer of the final size: nothing is copied by a reallocation. */
	data = xmalloc(max + 2);
	for (;;) {
		r = read(fd, data + len, max + 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			set_error(cause, "cannot read '%s': %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > max) {
			set_error(cause, "'%s' is larger than %zu bytes", path, max);
			goto out;
		}
	}
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	data[len] = '\0';
	if (len == 0) {
		set_error(cause, "'%s' is empty", path);
		goto out;
	}
	if (memchr(data, '\0', len) != NULL) {
		set_error(cause, "'%s' holds a NUL byte", path);
		goto out;
	}
	*out = data;
	data = NULL;
	rc = 0;
out:
	cred_secret_free(data, max);
	close(fd);
	return rc;
}

void
cred_secret_free(char *s, size_t max)
{
	if (s == NULL)
		return;
	secure_wipe(s, max + 2); /* the size auth_read_secret() allocated */
	free(s);
}
