/*
 * fileread.c - whole-file reads with the checks fileread.h describes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "base/fileread.h"
#include "base/platform.h"
#include "base/util.h"

/* What is read per call when the size is not known in advance. */
#define READ_CHUNK 65536

static int
failed_with(enum file_read_error *kind, enum file_read_error k)
{
	if (kind != NULL)
		*kind = k;
	return -1;
}

/* What file_open() passes for at: name is a path. Windows has no *at()
 * calls, and there at is ignored. */
#ifdef _WIN32
#define AT_HERE (-100)
#else
#define AT_HERE AT_FDCWD
#endif

/*
 * The kind of a failed open(2) of name (relative to at), from its errno
 * and, where the file is there but could not be opened (no permission, a
 * socket), from what it is: a directory or a file too large would be
 * refused even if it were readable, and callers that blame the input for
 * those (jsonsrc) should here too. st is filled when the file could be
 * looked at.
 */
static enum file_read_error
open_failure_kind(int at, const char *name, unsigned flags, size_t max, int err,
    struct stat *st)
{
	int looked;

	if (err == ENOENT || err == ENOTDIR)
		return FILE_READ_NOT_FOUND;
#ifdef _WIN32
	(void)at;
	looked = stat(name, st);
#else
	/* O_NOFOLLOW fails with ELOOP on a link (EMLINK on FreeBSD); ELOOP
	 * alone may also be a loop further up the path, so look. */
	if ((flags & FILE_READ_NOFOLLOW) != 0 && (err == ELOOP || err == EMLINK)) {
		struct stat lst;

		if (fstatat(at, name, &lst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(lst.st_mode))
			return FILE_READ_SYMLINK;
	}
	looked = fstatat(at, name, st, 0);
#endif
	if (looked != 0) {
		memset(st, 0, sizeof *st);
		return FILE_READ_UNREADABLE;
	}
	if ((flags & FILE_READ_REGULAR) != 0 && !S_ISREG(st->st_mode))
		return FILE_READ_NOT_REGULAR;
	if (S_ISREG(st->st_mode) && (unsigned long long)st->st_size > max)
		return FILE_READ_TOO_BIG;
	return FILE_READ_UNREADABLE;
}

/* The checks of flags on an open file's status; -1 with kind and cause. */
static int
check_status(const char *path, unsigned flags, size_t max, const struct stat *st,
    enum file_read_error *kind, char **cause)
{
	if ((flags & FILE_READ_REGULAR) != 0 && S_ISDIR(st->st_mode)) {
		set_error(cause, "'%s' is a directory, not a file", path);
		return failed_with(kind, FILE_READ_NOT_REGULAR);
	}
	if ((flags & FILE_READ_REGULAR) != 0 && !S_ISREG(st->st_mode)) {
		set_error(cause, "'%s' is not a regular file", path);
		return failed_with(kind, FILE_READ_NOT_REGULAR);
	}
#ifndef _WIN32
	/* (On Windows the file's ACL decides; the mode bits and st_uid say
	 * nothing there.) */
	if ((flags & FILE_READ_OWNER_ONLY) != 0 && (st->st_mode & (S_IRGRP | S_IROTH)) != 0) {
		set_error(cause, "'%s' is readable by group or others; chmod 600 it", path);
		return failed_with(kind, FILE_READ_UNSAFE_MODE);
	}
	if ((flags & FILE_READ_OWNER_ONLY) != 0 && (st->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		set_error(cause, "'%s' is writable by group or others; chmod 600 it", path);
		return failed_with(kind, FILE_READ_UNSAFE_MODE);
	}
	if ((flags & FILE_READ_ROOT_OWNED) != 0 && geteuid() == 0 &&
	    (st->st_uid != 0 || (st->st_mode & (S_IWGRP | S_IWOTH)) != 0)) {
		set_error(cause, "'%s' must be owned by root and not writable by group or "
		    "others", path);
		return failed_with(kind,
		    st->st_uid != 0 ? FILE_READ_UNSAFE_OWNER : FILE_READ_UNSAFE_MODE);
	}
#endif
	if (S_ISREG(st->st_mode) && (unsigned long long)st->st_size > max) {
		set_error(cause, "'%s' is larger than %zu bytes", path, max);
		return failed_with(kind, FILE_READ_TOO_BIG);
	}
	return 0;
}

/* file_open() of name relative to at (AT_HERE: a path); path names it in
 * messages. */
static int
open_checked(int at, const char *name, const char *path, unsigned flags, size_t max,
    struct file_info *info, enum file_read_error *kind, char **cause)
{
	struct file_info scratch;
	int fd, oflags = O_RDONLY | O_CLOEXEC | O_NOCTTY;

	if (info == NULL)
		info = &scratch;
	memset(info, 0, sizeof *info);
	if (kind != NULL)
		*kind = FILE_READ_OK;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer (fstat then
	 * refuses it). */
	if ((flags & FILE_READ_REGULAR) != 0)
		oflags |= O_NONBLOCK;
	if ((flags & FILE_READ_NOFOLLOW) != 0)
		oflags |= O_NOFOLLOW;
	/* EINTR (NFS, FUSE) is no reason to fail: retried. */
	do {
#ifdef _WIN32
		/* Waits out another program holding the file open. */
		(void)at;
		fd = platform_open(name, oflags);
#else
		fd = openat(at, name, oflags);
#endif
	} while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		enum file_read_error k;

		info->err = errno;
		k = open_failure_kind(at, name, flags, max, info->err, &info->st);
		if (k == FILE_READ_SYMLINK)
			set_error(cause, "'%s' is a symbolic link, which is not followed", path);
		else
			set_error(cause, "cannot open '%s': %s", path, strerror(info->err));
		return failed_with(kind, k);
	}
	if (fstat(fd, &info->st) < 0) {
		info->err = errno;
		set_error(cause, "cannot stat '%s': %s", path, strerror(info->err));
		close(fd);
		return failed_with(kind, FILE_READ_IO);
	}
	if (check_status(path, flags, max, &info->st, kind, cause) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int
file_open(const char *path, unsigned flags, size_t max, struct file_info *info,
    enum file_read_error *kind, char **cause)
{
	return open_checked(AT_HERE, path, path, flags, max, info, kind, cause);
}

#ifndef _WIN32
int
file_open_at(int dirfd, const char *name, const char *path, unsigned flags, size_t max,
    struct file_info *info, enum file_read_error *kind, char **cause)
{
	return open_checked(dirfd, name, path, flags, max, info, kind, cause);
}
#endif

/*
 * Make room for what is still to come (up to limit bytes in all, plus one
 * to tell it is too much, plus the NUL). A secret's buffer is allocated
 * once at limit + 2, so it is never copied by a reallocation; one that
 * already holds something (not the contract, but not to be trusted with a
 * short read either) is moved into such a buffer and the old one wiped.
 */
static void
make_room(struct buf *out, unsigned flags, size_t limit)
{
	char *p;

	if ((flags & FILE_READ_SECRET) != 0) {
		if (out->data != NULL && out->cap >= limit + 2)
			return;
		p = xmalloc(limit + 2);
		if (out->data != NULL)
			memcpy(p, out->data, out->len);
		p[out->len] = '\0';
		secure_wipe(out->data, out->cap);
		free(out->data);
		out->data = p;
		out->cap = limit + 2;
		return;
	}
	if (out->data == NULL || out->cap - out->len < 2)
		buf_reserve(out, READ_CHUNK);
}

int
file_read_fd(int fd, const char *what, unsigned flags, size_t max, struct buf *out,
    enum file_read_error *kind, char **cause)
{
	size_t start = out->len, want;
	ssize_t r;
	int err;

	if (kind != NULL)
		*kind = FILE_READ_OK;
	if (max > (size_t)-1 - 2 - start)
		max = (size_t)-1 - 2 - start;
	for (;;) {
		make_room(out, flags, start + max);
		/* Never more than one byte past max: enough to tell it is too
		 * big, and a secret's buffer is max + 2 bytes. */
		want = out->cap - out->len - 1;
		if (want > start + max + 1 - out->len)
			want = start + max + 1 - out->len;
		r = read(fd, out->data + out->len, want);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			set_error(cause, "cannot read '%s': %s", what, strerror(err));
			failed_with(kind, FILE_READ_IO);
			goto failed;
		}
		if (r == 0)
			break;
		out->len += (size_t)r;
		out->data[out->len] = '\0';
		if (out->len - start > max) {
			set_error(cause, "'%s' is larger than %zu bytes", what, max);
			failed_with(kind, FILE_READ_TOO_BIG);
			goto failed;
		}
	}
	if (out->data == NULL)
		buf_reserve(out, 0);
	out->data[out->len] = '\0';
	return 0;
failed:
	if ((flags & FILE_READ_SECRET) != 0)
		file_read_wipe(out);
	return -1;
}

/* open_checked(), then file_read_fd() into out (appended), then close. */
static int
read_checked(int at, const char *name, const char *path, unsigned flags, size_t max,
    struct buf *out, struct file_info *info, enum file_read_error *kind, char **cause)
{
	struct file_info scratch;
	int fd, rc;

	if (info == NULL)
		info = &scratch;
	fd = open_checked(at, name, path, flags, max, info, kind, cause);
	if (fd < 0)
		return -1;
	/* The whole file in one allocation where its size is known. */
	if ((flags & FILE_READ_SECRET) == 0 && S_ISREG(info->st.st_mode))
		buf_reserve(out, (size_t)info->st.st_size);
	rc = file_read_fd(fd, path, flags, max, out, kind, cause);
	close(fd);
	return rc;
}

int
file_read(const char *path, unsigned flags, size_t max, struct buf *out,
    struct file_info *info, enum file_read_error *kind, char **cause)
{
	return read_checked(AT_HERE, path, path, flags, max, out, info, kind, cause);
}

#ifndef _WIN32
int
file_read_at(int dirfd, const char *name, const char *path, unsigned flags, size_t max,
    struct buf *out, struct file_info *info, enum file_read_error *kind, char **cause)
{
	return read_checked(dirfd, name, path, flags, max, out, info, kind, cause);
}
#endif

void
file_read_wipe(struct buf *b)
{
	secure_wipe(b->data, b->cap);
	buf_release(b);
}
