/*
 * secret.c - secret files (secret.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/fileread.h"
#include "base/secret.h"
#include "base/util.h"

int
secret_read_file(const char *path, size_t max, int owner_only, char **out, char **cause)
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
		    kind == FILE_READ_UNSAFE_OWNER ? SECRET_BAD_CONFIG : -1;
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
	/* Handed over whole: secret_free() wipes the max + 2 bytes that
	 * FILE_READ_SECRET allocated. */
	*out = b.data;
	buf_init(&b);
	rc = 0;
out:
	file_read_wipe(&b);
	return rc;
}

void
secret_free(char *s, size_t max)
{
	if (s == NULL)
		return;
	secure_wipe(s, max + 2); /* the size file_read(FILE_READ_SECRET) allocated */
	free(s);
}
