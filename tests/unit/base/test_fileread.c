#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "base/fileread.h"
#include "base/platform.h"
#include "base/util.h"
#include "unit/cunit_main.h"

static char *tmpdir;

/* A scratch directory of our own, made on first use and removed at exit
 * (every test removes what it makes inside). */
static const char *
scratch(void)
{
	if (tmpdir == NULL) {
		const char *t = getenv("TMPDIR");
		char *tmpl = xasprintf("%s/test_fileread.XXXXXX", t != NULL && *t ? t : "/tmp");

		tmpdir = mkdtemp(tmpl);
		if (tmpdir == NULL) {
			perror("mkdtemp");
			exit(1);
		}
	}
	return tmpdir;
}

/* Write n bytes to a new file in the scratch directory with mode. */
static char *
make_file(const char *name, const void *p, size_t n, int mode)
{
	char *path = xasprintf("%s/%s", scratch(), name);
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write_all(fd, p, n) == 0);
	CU_ASSERT_FATAL(close(fd) == 0);
	/* chmod after the umask had its say */
	CU_ASSERT_FATAL(chmod(path, (mode_t)mode) == 0);
	return path;
}

static void
test_exact_bytes(void)
{
	static const char data[] = "a\0b\r\n\0\xff" "end";
	struct buf b = BUF_INIT;
	struct file_info info;
	enum file_read_error kind = FILE_READ_IO;
	char *path = make_file("bytes", data, sizeof data - 1, 0644), *cause = NULL;

	CU_ASSERT_EQUAL(file_read(path, FILE_READ_REGULAR, 1024, &b, &info, &kind, &cause), 0);
	CU_ASSERT_EQUAL(kind, FILE_READ_OK);
	CU_ASSERT_PTR_NULL(cause);
	CU_ASSERT_EQUAL(b.len, sizeof data - 1);
	CU_ASSERT_EQUAL(memcmp(b.data, data, sizeof data - 1), 0);
	CU_ASSERT_EQUAL(b.data[b.len], '\0');
	CU_ASSERT_EQUAL((size_t)info.st.st_size, sizeof data - 1);
	buf_release(&b);

	/* exactly max bytes is not too big; an empty file is "" */
	CU_ASSERT_EQUAL(file_read(path, FILE_READ_REGULAR, sizeof data - 1, &b, NULL, NULL,
	    NULL), 0);
	CU_ASSERT_EQUAL(b.len, sizeof data - 1);
	buf_release(&b);
	unlink(path);
	free(path);
	path = make_file("empty", "", 0, 0644);
	CU_ASSERT_EQUAL(file_read(path, FILE_READ_REGULAR, 10, &b, NULL, NULL, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b.data);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_STRING_EQUAL(b.data, "");
	buf_release(&b);
	unlink(path);
	free(path);
}

static void
test_not_found(void)
{
	struct buf b = BUF_INIT;
	struct file_info info;
	enum file_read_error kind = FILE_READ_OK;
	char *path = xasprintf("%s/no-such-file", scratch()), *cause = NULL, *want;

	CU_ASSERT_EQUAL(file_read(path, FILE_READ_REGULAR, 10, &b, &info, &kind, &cause), -1);
	CU_ASSERT_EQUAL(kind, FILE_READ_NOT_FOUND);
	CU_ASSERT_EQUAL(info.err, ENOENT);
	want = xasprintf("cannot open '%s': %s", path, strerror(ENOENT));
	CU_ASSERT_TRUE(cause != NULL && strcmp(cause, want) == 0);
	free(want);
	free(cause);
	buf_release(&b);
	free(path);
}

static void
test_too_big(void)
{
	struct buf b = BUF_INIT;
	enum file_read_error kind = FILE_READ_OK;
	char *path = make_file("big", "0123456789", 10, 0644), *cause = NULL, *want;

	CU_ASSERT_EQUAL(file_read(path, FILE_READ_REGULAR, 9, &b, NULL, &kind, &cause), -1);
	CU_ASSERT_EQUAL(kind, FILE_READ_TOO_BIG);
	want = xasprintf("'%s' is larger than 9 bytes", path);
	CU_ASSERT_TRUE(cause != NULL && strcmp(cause, want) == 0);
	free(want);
	free(cause);
	buf_release(&b);
	unlink(path);
	free(path);
}

static void
test_directory(void)
{
	struct buf b = BUF_INIT;
	struct file_info info;
	enum file_read_error kind = FILE_READ_OK;
	char *cause = NULL, *want;

	CU_ASSERT_EQUAL(file_read(scratch(), FILE_READ_REGULAR, 10, &b, &info, &kind, &cause),
	    -1);
	CU_ASSERT_EQUAL(kind, FILE_READ_NOT_REGULAR);
	CU_ASSERT_EQUAL(info.err, 0);
	CU_ASSERT_TRUE(S_ISDIR(info.st.st_mode));
	want = xasprintf("'%s' is a directory, not a file", scratch());
	CU_ASSERT_TRUE(cause != NULL && strcmp(cause, want) == 0);
	free(want);
	free(cause);
	buf_release(&b);
}

static void
test_secret(void)
{
	struct buf b = BUF_INIT;
	enum file_read_error kind = FILE_READ_OK;
	char *path, *cause = NULL;

	path = make_file("secret", "s3cr3t", 6, 0644);
#ifndef _WIN32
	/* 0644: others may read it (on Windows the ACL decides) */
	char *want;

	CU_ASSERT_EQUAL(file_read(path, FILE_READ_REGULAR | FILE_READ_OWNER_ONLY |
	    FILE_READ_SECRET, 64, &b, NULL, &kind, &cause), -1);
	CU_ASSERT_EQUAL(kind, FILE_READ_UNSAFE_MODE);
	CU_ASSERT_PTR_NULL(b.data);
	want = xasprintf("'%s' is readable by group or others; chmod 600 it", path);
	CU_ASSERT_TRUE(cause != NULL && strcmp(cause, want) == 0);
	free(want);
	/* 0620: the group may write it */
	CU_ASSERT_EQUAL(chmod(path, 0620), 0);
	CU_ASSERT_EQUAL(file_read(path, FILE_READ_REGULAR | FILE_READ_OWNER_ONLY, 64, &b,
	    NULL, &kind, &cause), -1);
	CU_ASSERT_EQUAL(kind, FILE_READ_UNSAFE_MODE);
	want = xasprintf("'%s' is writable by group or others; chmod 600 it", path);
	CU_ASSERT_TRUE(cause != NULL && strcmp(cause, want) == 0);
	free(want);
	buf_release(&b);
#endif
	/* 0600: read, in one allocation of max + 2 bytes */
	CU_ASSERT_EQUAL(chmod(path, 0600), 0);
	CU_ASSERT_EQUAL(file_read(path, FILE_READ_REGULAR | FILE_READ_OWNER_ONLY |
	    FILE_READ_SECRET, 64, &b, NULL, &kind, &cause), 0);
	CU_ASSERT_EQUAL(kind, FILE_READ_OK);
	CU_ASSERT_EQUAL(b.len, 6);
	CU_ASSERT_STRING_EQUAL(b.data, "s3cr3t");
	CU_ASSERT_EQUAL(b.cap, 66);
	file_read_wipe(&b);
	CU_ASSERT_PTR_NULL(b.data);
	/* appended to what out held, all of it in the secret's buffer */
	buf_puts(&b, "k=");
	CU_ASSERT_EQUAL(file_read(path, FILE_READ_REGULAR | FILE_READ_SECRET, 64, &b, NULL,
	    &kind, &cause), 0);
	CU_ASSERT_STRING_EQUAL(b.data, "k=s3cr3t");
	CU_ASSERT_EQUAL(b.cap, 68);
	file_read_wipe(&b);
	/* too big as a secret: wiped and released */
	CU_ASSERT_EQUAL(file_read(path, FILE_READ_REGULAR | FILE_READ_SECRET, 5, &b, NULL,
	    &kind, &cause), -1);
	CU_ASSERT_EQUAL(kind, FILE_READ_TOO_BIG);
	CU_ASSERT_PTR_NULL(b.data);
	free(cause);
	unlink(path);
	free(path);
}

#ifndef _WIN32
static void
test_nofollow(void)
{
	struct buf b = BUF_INIT;
	enum file_read_error kind = FILE_READ_OK;
	char *target = make_file("target", "x", 1, 0644), *link, *cause = NULL;

	link = xasprintf("%s/link", scratch());
	unlink(link);
	CU_ASSERT_FATAL(symlink(target, link) == 0);
	CU_ASSERT_EQUAL(file_read(link, FILE_READ_REGULAR | FILE_READ_NOFOLLOW, 10, &b, NULL,
	    &kind, &cause), -1);
	CU_ASSERT_EQUAL(kind, FILE_READ_SYMLINK);
	CU_ASSERT_EQUAL(b.len, 0);
	/* without the flag it is followed */
	CU_ASSERT_EQUAL(file_read(link, FILE_READ_REGULAR, 10, &b, NULL, &kind, &cause), 0);
	CU_ASSERT_STRING_EQUAL(b.data, "x");
	buf_release(&b);
	free(cause);
	unlink(link);
	unlink(target);
	free(link);
	free(target);
}

static void
test_fifo(void)
{
	struct buf b = BUF_INIT;
	struct file_info info;
	enum file_read_error kind = FILE_READ_OK;
	char *path = xasprintf("%s/fifo", scratch()), *cause = NULL, *want;
	time_t start = time(NULL);

	unlink(path);
	CU_ASSERT_FATAL(mkfifo(path, 0644) == 0);
	/* No writer ever comes: without O_NONBLOCK this would hang. */
	CU_ASSERT_EQUAL(file_read(path, FILE_READ_REGULAR, 10, &b, &info, &kind, &cause), -1);
	CU_ASSERT_EQUAL(kind, FILE_READ_NOT_REGULAR);
	CU_ASSERT_TRUE(S_ISFIFO(info.st.st_mode));
	CU_ASSERT_TRUE(time(NULL) - start < 5);
	want = xasprintf("'%s' is not a regular file", path);
	CU_ASSERT_TRUE(cause != NULL && strcmp(cause, want) == 0);
	free(want);
	free(cause);
	buf_release(&b);
	unlink(path);
	free(path);
}

static void
test_root_owned(void)
{
	struct buf b = BUF_INIT;
	enum file_read_error kind = FILE_READ_OK;
	char *path = make_file("conf", "k = v\n", 6, 0644), *cause = NULL, *want;
	const unsigned fl = FILE_READ_REGULAR | FILE_READ_ROOT_OWNED;

	if (geteuid() != 0) {
		/* Not root: the check does not apply, whoever owns the file. */
		CU_ASSERT_EQUAL(chmod(path, 0666), 0);
		CU_ASSERT_EQUAL(file_read(path, fl, 64, &b, NULL, &kind, &cause), 0);
		buf_release(&b);
		unlink(path);
		free(path);
		return;
	}
	/* root-owned 0644: read */
	CU_ASSERT_EQUAL(file_read(path, fl, 64, &b, NULL, &kind, &cause), 0);
	CU_ASSERT_STRING_EQUAL(b.data, "k = v\n");
	buf_release(&b);
	want = xasprintf("'%s' must be owned by root and not writable by group or others",
	    path);
	/* 0666: others may write it */
	CU_ASSERT_EQUAL(chmod(path, 0666), 0);
	CU_ASSERT_EQUAL(file_read(path, fl, 64, &b, NULL, &kind, &cause), -1);
	CU_ASSERT_EQUAL(kind, FILE_READ_UNSAFE_MODE);
	CU_ASSERT_TRUE(cause != NULL && strcmp(cause, want) == 0);
	buf_release(&b);
	/* 0660: the group may */
	CU_ASSERT_EQUAL(chmod(path, 0660), 0);
	CU_ASSERT_EQUAL(file_read(path, fl, 64, &b, NULL, &kind, &cause), -1);
	CU_ASSERT_EQUAL(kind, FILE_READ_UNSAFE_MODE);
	buf_release(&b);
	/* owned by nobody, 0644 */
	CU_ASSERT_EQUAL(chmod(path, 0644), 0);
	CU_ASSERT_EQUAL(chown(path, 65534, 65534), 0);
	CU_ASSERT_EQUAL(file_read(path, fl, 64, &b, NULL, &kind, &cause), -1);
	CU_ASSERT_EQUAL(kind, FILE_READ_UNSAFE_OWNER);
	CU_ASSERT_TRUE(cause != NULL && strcmp(cause, want) == 0);
	buf_release(&b);
	/* without the flag, read */
	CU_ASSERT_EQUAL(file_read(path, FILE_READ_REGULAR, 64, &b, NULL, &kind, &cause), 0);
	buf_release(&b);
	free(want);
	free(cause);
	unlink(path);
	free(path);
}

/* file_read_at() of name in the directory held as dfd (path names it):
 * the kind it fails with (FILE_READ_OK: read, and out holds the bytes) and
 * the message "'<path>' <what>", or with what NULL "cannot open '<path>':
 * <strerror(want_err)>"; want_err is the errno of a failed open, else 0. */
static void
read_at_is(int dfd, const char *name, const char *path, unsigned flags,
    enum file_read_error want, int want_err, const char *what, struct buf *out)
{
	struct file_info info;
	enum file_read_error kind = FILE_READ_IO;
	char *cause = NULL, *msg;
	int rc = file_read_at(dfd, name, path, flags, 64, out, &info, &kind, &cause);

	CU_ASSERT_EQUAL(rc, want == FILE_READ_OK ? 0 : -1);
	CU_ASSERT_EQUAL(kind, want);
	CU_ASSERT_EQUAL(info.err, want_err);
	if (want == FILE_READ_OK) {
		CU_ASSERT_PTR_NULL(cause);
		CU_ASSERT_EQUAL((size_t)info.st.st_size, out->len);
		return;
	}
	msg = what == NULL ? xasprintf("cannot open '%s': %s", path, strerror(want_err)) :
	    xasprintf("'%s' %s", path, what);
	CU_ASSERT_TRUE(cause != NULL && strcmp(cause, msg) == 0);
	free(msg);
	free(cause);
	buf_release(out);
}

/* file_open_at()/file_read_at(): file_open()'s checks, kinds and messages,
 * for a name in a directory held open, whatever happens to the
 * directory's path since (here: it is moved away). */
static void
test_open_at(void)
{
	const unsigned reg = FILE_READ_REGULAR | FILE_READ_NOFOLLOW;
	struct buf b = BUF_INIT;
	struct file_info info;
	char *dir = xasprintf("%s/held", scratch()), *moved = xasprintf("%s/moved", scratch());
	char *p, *target = make_file("target", "x", 1, 0644);
	int dfd, fd;

	CU_ASSERT_FATAL(mkdir(dir, 0700) == 0);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CU_ASSERT_FATAL(dfd >= 0);
	CU_ASSERT_FATAL(rename(dir, moved) == 0);
	p = xasprintf("%s/file", moved);
	free(make_file("moved/file", "held\n", 5, 0644));
	CU_ASSERT_FATAL(symlinkat(target, dfd, "link") == 0);
	CU_ASSERT_FATAL(mkdirat(dfd, "dir", 0700) == 0);

	/* a regular file: its bytes, and the descriptor file_open_at gives */
	read_at_is(dfd, "file", "shown", reg, FILE_READ_OK, 0, NULL, &b);
	CU_ASSERT_TRUE(b.len == 5 && memcmp(b.data, "held\n", 5) == 0);
	buf_release(&b);
	fd = file_open_at(dfd, "file", "shown", reg, 64, &info, NULL, NULL);
	CU_ASSERT_TRUE(fd >= 0 && S_ISREG(info.st.st_mode));
	if (fd >= 0)
		CU_ASSERT_EQUAL(close(fd), 0);
	/* refused: a link (not followed), a directory, a missing name */
	read_at_is(dfd, "link", "shown", reg, FILE_READ_SYMLINK, ELOOP,
	    "is a symbolic link, which is not followed", &b);
	read_at_is(dfd, "link", "shown", FILE_READ_REGULAR, FILE_READ_OK, 0, NULL, &b);
	CU_ASSERT_TRUE(b.len == 1 && b.data[0] == 'x');
	buf_release(&b);
	read_at_is(dfd, "dir", "shown", reg, FILE_READ_NOT_REGULAR, 0,
	    "is a directory, not a file", &b);
	read_at_is(dfd, "none", "shown", reg, FILE_READ_NOT_FOUND, ENOENT, NULL, &b);
	/* the mode and owner checks, as file_open() makes them */
	read_at_is(dfd, "file", "shown", reg | FILE_READ_OWNER_ONLY, FILE_READ_UNSAFE_MODE, 0,
	    "is readable by group or others; chmod 600 it", &b);
	CU_ASSERT_EQUAL(chmod(p, 0600), 0);
	read_at_is(dfd, "file", "shown", reg | FILE_READ_OWNER_ONLY, FILE_READ_OK, 0, NULL, &b);
	buf_release(&b);
	if (geteuid() == 0) {
		CU_ASSERT_EQUAL(chown(p, 65534, 65534), 0);
		read_at_is(dfd, "file", "shown", reg | FILE_READ_ROOT_OWNED,
		    FILE_READ_UNSAFE_OWNER, 0, "must be owned by root and not writable by "
		    "group or others", &b);
	} else {
		fprintf(stderr, "note: not root: file_read_at's ROOT_OWNED refusal not tried\n");
	}
	read_at_is(dfd, "file", "shown", reg, FILE_READ_OK, 0, NULL, &b);
	buf_release(&b);

	CU_ASSERT_EQUAL(close(dfd), 0);
	CU_ASSERT_EQUAL(unlinkat(AT_FDCWD, p, 0), 0);
	free(p);
	p = xasprintf("%s/link", moved);
	CU_ASSERT_EQUAL(unlink(p), 0);
	free(p);
	p = xasprintf("%s/dir", moved);
	CU_ASSERT_EQUAL(rmdir(p), 0);
	free(p);
	CU_ASSERT_EQUAL(rmdir(moved), 0);
	unlink(target);
	free(target);
	free(moved);
	free(dir);
}
#endif

static void
test_read_fd(void)
{
	struct buf b = BUF_INIT;
	enum file_read_error kind = FILE_READ_OK;
	char *path = make_file("fd", "hello\0world", 11, 0644), *cause = NULL;
	int fd;

	fd = open(path, O_RDONLY);
	CU_ASSERT_FATAL(fd >= 0);
	buf_puts(&b, ">");
	CU_ASSERT_EQUAL(file_read_fd(fd, "standard input", 0, 11, &b, &kind, &cause), 0);
	CU_ASSERT_EQUAL(b.len, 12);
	CU_ASSERT_EQUAL(memcmp(b.data, ">hello\0world", 12), 0);
	close(fd);
	buf_release(&b);

	/* max counts what this call appends */
	fd = open(path, O_RDONLY);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(file_read_fd(fd, "standard input", 0, 10, &b, &kind, &cause), -1);
	CU_ASSERT_EQUAL(kind, FILE_READ_TOO_BIG);
	CU_ASSERT_STRING_EQUAL(cause, "'standard input' is larger than 10 bytes");
	close(fd);
	buf_release(&b);

	/* a read error */
	fd = open(path, O_WRONLY);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(file_read_fd(fd, "standard input", 0, 10, &b, &kind, &cause), -1);
	CU_ASSERT_EQUAL(kind, FILE_READ_IO);
	CU_ASSERT_PTR_NOT_NULL(strstr(cause, "cannot read 'standard input': "));
	close(fd);
	buf_release(&b);
	free(cause);
	unlink(path);
	free(path);
}

/* Last: every test removed its files, so the directory is empty. */
static void
test_cleanup(void)
{
	CU_ASSERT_EQUAL(rmdir(scratch()), 0);
	free(tmpdir);
	tmpdir = NULL;
}

static const struct unit_test fileread_tests[] = {
	{ "exact_bytes", test_exact_bytes },
	{ "not_found", test_not_found },
	{ "too_big", test_too_big },
	{ "directory", test_directory },
	{ "secret", test_secret },
#ifndef _WIN32
	{ "nofollow", test_nofollow },
	{ "fifo", test_fifo },
	{ "root_owned", test_root_owned },
	{ "open_at", test_open_at },
#endif
	{ "read_fd", test_read_fd },
	{ "cleanup", test_cleanup },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "fileread", fileread_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
