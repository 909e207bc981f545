#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/filemap.h"
#include "base/util.h"
#include "unit/cunit_main.h"

static char *tmpdir;

/* A scratch directory of our own, made on first use and removed by the
 * last test (every test removes what it makes inside). */
static const char *
scratch(void)
{
	if (tmpdir == NULL) {
		const char *t = getenv("TMPDIR");
		char *tmpl = xasprintf("%s/test_filemap.XXXXXX", t != NULL && *t ? t : "/tmp");

		tmpdir = mkdtemp(tmpl);
		if (tmpdir == NULL) {
			perror("mkdtemp");
			exit(1);
		}
	}
	return tmpdir;
}

/* n bytes of a pattern with no zero byte in it: a zero read back is one
 * the mapping made up. */
static char *
pattern(size_t n)
{
	char *p = xmalloc(n + 1);
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (char)('a' + i % 23);
	return p;
}

/* A file of n pattern bytes in the scratch directory. */
static char *
make_file(const char *name, size_t n)
{
	char *path = xasprintf("%s/%s", scratch(), name), *p = pattern(n);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, p, n) == (ssize_t)n);
	CU_ASSERT_FATAL(close(fd) == 0);
	free(p);
	return path;
}

/* Load path as atomicfile_open() does: open, fstat, load. */
static int
load(struct file_bytes *fb, const char *path, enum file_bytes_how how)
{
	struct stat st;
	char *cause = NULL;
	int fd = open(path, O_RDONLY), rc;

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(fstat(fd, &st) == 0);
	rc = file_bytes_load(fb, fd, path, (size_t)st.st_size, 1u << 30, how, &cause);
	CU_ASSERT_EQUAL(close(fd), 0);
	CU_ASSERT_PTR_NULL(cause);
	free(cause);
	return rc;
}

static size_t
page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* Mapped bytes are the file's, and the mapping is whole. */
static void
test_mapped_equal(void)
{
	size_t n = 3 * page() + 100;
	char *path = make_file("mapped", n), *want = pattern(n);
	struct file_bytes fb;

	file_bytes_init(&fb);
	CU_ASSERT_EQUAL_FATAL(load(&fb, path, FILE_BYTES_MAP), 0);
	CU_ASSERT_TRUE(file_bytes_mapped(&fb));
	CU_ASSERT_EQUAL(fb.len, n);
	CU_ASSERT_TRUE(fb.len == n && memcmp(fb.data, want, n) == 0);
	CU_ASSERT_EQUAL(file_bytes_torn(&fb), 0);
	file_bytes_release(&fb);
	CU_ASSERT_EQUAL(fb.len, 0);
	CU_ASSERT_PTR_NOT_NULL(fb.data);
	file_bytes_release(&fb); /* twice is harmless */
	CU_ASSERT_EQUAL(unlink(path), 0);
	free(path);
	free(want);
}

/* The fallback: read, the same bytes, never torn. */
static void
test_read_equal(void)
{
	size_t n = 2 * page() + 7;
	char *path = make_file("read", n), *want = pattern(n);
	struct file_bytes fb;

	file_bytes_init(&fb);
	CU_ASSERT_EQUAL_FATAL(load(&fb, path, FILE_BYTES_READ), 0);
	CU_ASSERT_FALSE(file_bytes_mapped(&fb));
	CU_ASSERT_TRUE(fb.len == n && memcmp(fb.data, want, n) == 0);
	CU_ASSERT_EQUAL(file_bytes_torn(&fb), 0);
	file_bytes_release(&fb);
	CU_ASSERT_EQUAL(unlink(path), 0);
	free(path);
	free(want);
}

/* An empty file: nothing to map, "" of length 0. */
static void
test_empty(void)
{
	char *path = make_file("empty", 0);
	struct file_bytes fb;

	file_bytes_init(&fb);
	CU_ASSERT_EQUAL_FATAL(load(&fb, path, FILE_BYTES_MAP), 0);
	CU_ASSERT_EQUAL(fb.len, 0);
	CU_ASSERT_PTR_NOT_NULL(fb.data);
	CU_ASSERT_FALSE(file_bytes_mapped(&fb));
	CU_ASSERT_EQUAL(file_bytes_torn(&fb), 0);
	file_bytes_release(&fb);
	CU_ASSERT_EQUAL(unlink(path), 0);
	free(path);
}

/* Larger than max: refused, in fileread's words. */
static void
test_too_big(void)
{
	char *path = make_file("big", 100), *cause = NULL;
	struct file_bytes fb;
	int fd = open(path, O_RDONLY);

	CU_ASSERT_FATAL(fd >= 0);
	file_bytes_init(&fb);
	CU_ASSERT_EQUAL(file_bytes_load(&fb, fd, "big", 100, 99, FILE_BYTES_MAP, &cause), -1);
	CU_ASSERT_TRUE(cause != NULL && strcmp(cause, "'big' is larger than 99 bytes") == 0);
	CU_ASSERT_EQUAL(fb.len, 0);
	file_bytes_release(&fb);
	CU_ASSERT_EQUAL(close(fd), 0);
	CU_ASSERT_EQUAL(unlink(path), 0);
	free(path);
	free(cause);
}

/* Cut the file at path to cut bytes through a descriptor of its own, as
 * another program would. */
static void
cut(const char *path, off_t cut)
{
	int fd = open(path, O_WRONLY);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(ftruncate(fd, cut) == 0);
	CU_ASSERT_EQUAL(close(fd), 0);
}

/*
 * The file truncated under the mapping, to cut bytes: every byte can be
 * read (no SIGBUS), the bytes before the cut are the file's, those past it
 * zeros, and the mapping says it is torn; another mapping, untouched, says
 * it is not. Without the guard this test dies of SIGBUS.
 */
static void
check_cut(size_t cut_at)
{
	size_t n = 4 * page() + 100, i, bad = 0;
	char *path = make_file("torn", n), *other = make_file("whole", n), *want = pattern(n);
	struct file_bytes fb, ok;

	file_bytes_init(&fb);
	file_bytes_init(&ok);
	CU_ASSERT_EQUAL_FATAL(load(&fb, path, FILE_BYTES_MAP), 0);
	CU_ASSERT_EQUAL_FATAL(load(&ok, other, FILE_BYTES_MAP), 0);
	CU_ASSERT_TRUE_FATAL(file_bytes_mapped(&fb));
	cut(path, (off_t)cut_at);
	for (i = 0; i < fb.len; i++)
		if (fb.data[i] != (i < cut_at ? want[i] : 0))
			bad++;
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(file_bytes_torn(&fb), 1);
	CU_ASSERT_TRUE(memcmp(ok.data, want, n) == 0);
	CU_ASSERT_EQUAL(file_bytes_torn(&ok), 0);
	file_bytes_release(&fb);
	CU_ASSERT_EQUAL(file_bytes_torn(&fb), 0);
	file_bytes_release(&ok);
	CU_ASSERT_EQUAL(unlink(path), 0);
	CU_ASSERT_EQUAL(unlink(other), 0);
	free(path);
	free(other);
	free(want);
}

static void
test_truncated_to_zero(void)
{
	check_cut(0);
}

static void
test_truncated_mid_page(void)
{
	check_cut(page() + 1000);
}

/* A load after a torn one is guarded afresh: torn again, flagged again. */
static void
test_tear_twice(void)
{
	check_cut(0);
	check_cut(2 * page());
}

/* More mappings at once than there are guard slots: each beyond them is
 * read instead, never left unguarded; every one holds the file's bytes. */
static void
test_many(void)
{
	enum { MANY = 12 };
	size_t n = page() + 10;
	char *path = make_file("many", n), *want = pattern(n);
	struct file_bytes fb[MANY];
	int i, mapped = 0;

	for (i = 0; i < MANY; i++) {
		file_bytes_init(&fb[i]);
		CU_ASSERT_EQUAL_FATAL(load(&fb[i], path, FILE_BYTES_MAP), 0);
		CU_ASSERT_TRUE(fb[i].len == n && memcmp(fb[i].data, want, n) == 0);
		mapped += file_bytes_mapped(&fb[i]);
	}
	CU_ASSERT_TRUE(mapped > 0 && mapped < MANY);
	for (i = 0; i < MANY; i++)
		file_bytes_release(&fb[i]);
	CU_ASSERT_EQUAL(unlink(path), 0);
	free(path);
	free(want);
}

/* Run fn in a child; how it ended. */
static int
child_status(void (*fn)(const char *), const char *path)
{
	int status = 0;
	pid_t pid = fork();

	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		struct rlimit none = { 0, 0 };

		/* Killed on purpose: no core file left behind. */
		if (setrlimit(RLIMIT_CORE, &none) != 0)
			_exit(3);
		/* A handler that swallowed the fault would retry it forever. */
		alarm(10);
		fn(path);
		_exit(0);
	}
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	return status;
}

/* Whether the children below map a file through filemap first (which
 * installs its handler), or not (how a SIGBUS ends without it). */
static int with_filemap;

/* A mapping of the process's own, not filemap's, read past a cut. */
static void
fault_elsewhere(const char *path)
{
	struct file_bytes fb;
	size_t n = 2 * page();
	volatile const char *p;
	int fd = open(path, O_RDWR);

	file_bytes_init(&fb);
	if (fd < 0 || (with_filemap && load(&fb, path, FILE_BYTES_MAP) != 0))
		_exit(3);
	p = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED || ftruncate(fd, 0) != 0)
		_exit(3);
	(void)p[page()];
	_exit(4);
}

/* A SIGBUS that is sent, not a fault. */
static void
sent(const char *path)
{
	struct file_bytes fb;

	file_bytes_init(&fb);
	if (with_filemap && load(&fb, path, FILE_BYTES_MAP) != 0)
		_exit(3);
	raise(SIGBUS);
	_exit(4);
}

/* How fn ends on a fresh file, with and without filemap's handler. */
static void
both_ways(void (*fn)(const char *), int *with, int *without)
{
	char *path;

	for (with_filemap = 0; with_filemap <= 1; with_filemap++) {
		path = make_file("other", 2 * page());
		*(with_filemap ? with : without) = child_status(fn, path);
		CU_ASSERT_EQUAL(unlink(path), 0);
		free(path);
	}
}

/* Any SIGBUS but one inside a guarded mapping ends the process as it did
 * without the handler: by default killed by SIGBUS (under ASan, its own
 * report and exit), never carried on from (exit 4) nor retried forever
 * (SIGALRM). */
static void
test_other_sigbus_as_before(void)
{
	int with, without;

	both_ways(fault_elsewhere, &with, &without);
	CU_ASSERT_EQUAL(with, without);
	CU_ASSERT_FALSE(WIFEXITED(with) && (WEXITSTATUS(with) == 4 || WEXITSTATUS(with) == 3));
	CU_ASSERT_FALSE(WIFSIGNALED(with) && WTERMSIG(with) == SIGALRM);
	both_ways(sent, &with, &without);
	CU_ASSERT_EQUAL(with, without);
	CU_ASSERT_FALSE(WIFEXITED(with) && (WEXITSTATUS(with) == 4 || WEXITSTATUS(with) == 3));
	CU_ASSERT_FALSE(WIFSIGNALED(with) && WTERMSIG(with) == SIGALRM);
}

/* Last: every test removed its files, so the directory is empty. */
static void
test_cleanup(void)
{
	CU_ASSERT_EQUAL(rmdir(scratch()), 0);
	free(tmpdir);
	tmpdir = NULL;
}

static const struct unit_test filemap_tests[] = {
	/* First: a child's "without" inherits the disposition from before
	 * any filemap use in this process (the handler is inherited). */
	{ "other_sigbus_as_before", test_other_sigbus_as_before },
	{ "mapped_equal", test_mapped_equal },
	{ "read_equal", test_read_equal },
	{ "empty", test_empty },
	{ "too_big", test_too_big },
	{ "truncated_to_zero", test_truncated_to_zero },
	{ "truncated_mid_page", test_truncated_mid_page },
	{ "tear_twice", test_tear_twice },
	{ "many", test_many },
	{ "cleanup", test_cleanup },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "filemap", filemap_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
