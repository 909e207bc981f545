/*
 * Unit tests of atomicfile: a replaced file has the new bytes and keeps its
 * mode and owner; a failed replacement leaves the old file and no temporary
 * file behind, and says which step failed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#ifndef _WIN32
#include <sys/time.h>
#include <sys/wait.h>
#endif

#ifdef HAVE_SELINUX
#include <selinux/selinux.h>
#endif

#include "state/atomicfile.h"
#include "base/fileread.h"
#include "unit/cunit_main.h"
#include "unit/state/unit_tmp.h"

/* A fresh directory holding "hosts" with the given bytes and mode. */
struct fixture {
	struct unit_hosts t;
	struct atomicfile af;
	struct file_bytes content;
	char *cause;
};

static void
fixture_init(struct fixture *fx, const char *bytes, mode_t mode)
{
	unit_hosts_init(&fx->t, bytes);
	fx->cause = NULL;
	file_bytes_init(&fx->content);
	atomicfile_init(&fx->af);
	CU_ASSERT_EQUAL_FATAL(chmod(fx->t.hosts, mode), 0);
}

/* Open the hosts file as a change does; its bytes must read back. */
static void
fixture_open(struct fixture *fx, const char *want)
{
	CU_ASSERT_EQUAL_FATAL(atomicfile_open(&fx->af, fx->t.hosts, &fx->content, &fx->cause), 0);
	CU_ASSERT_EQUAL(fx->content.len, strlen(want));
	CU_ASSERT_TRUE(fx->content.len == strlen(want) &&
	    memcmp(fx->content.data, want, fx->content.len) == 0);
	CU_ASSERT_EQUAL(fx->af.failed_step, ATOMICFILE_STEP_NONE);
}

static int
replace(struct fixture *fx, const char *bytes, int in_place)
{
	return atomicfile_replace(&fx->af, bytes, strlen(bytes), in_place, &fx->cause);
}

static void
fixture_release(struct fixture *fx)
{
	atomicfile_release(&fx->af);
	file_bytes_release(&fx->content);
	unit_hosts_release(&fx->t);
	free(fx->cause);
}

static void
test_replace_bytes_mode_owner(void)
{
	struct fixture fx;
	struct stat before, after;
	/* root can hand the file to someone else; others keep their own */
	uid_t uid = geteuid() == 0 ? 4321 : geteuid();
	gid_t gid = geteuid() == 0 ? 4322 : getegid();

	fixture_init(&fx, "127.0.0.1\tlocalhost\n", 0640);
	CU_ASSERT_EQUAL_FATAL(chown(fx.t.hosts, uid, gid), 0);
	CU_ASSERT_EQUAL_FATAL(stat(fx.t.hosts, &before), 0);
	fixture_open(&fx, "127.0.0.1\tlocalhost\n");
	CU_ASSERT_EQUAL(atomicfile_check_writable(&fx.af, 0, &fx.cause), 0);
	CU_ASSERT_EQUAL(replace(&fx, "127.0.0.1\tlocalhost\n10.0.0.1\tws.example\n", 0), 0);

	CU_ASSERT_TRUE(unit_file_is(fx.t.hosts, "127.0.0.1\tlocalhost\n10.0.0.1\tws.example\n"));
	CU_ASSERT_EQUAL_FATAL(stat(fx.t.hosts, &after), 0);
	CU_ASSERT_EQUAL(after.st_mode & 07777, 0640);
	CU_ASSERT_EQUAL(after.st_uid, uid);
	CU_ASSERT_EQUAL(after.st_gid, gid);
	/* replaced by rename: a new inode, so readers never see half a file */
	CU_ASSERT_NOT_EQUAL(after.st_ino, before.st_ino);
	/* only the hosts file: the temporary copy became it */
	CU_ASSERT_EQUAL(unit_count_entries(fx.t.dir), 1);
	fixture_release(&fx);
}

static void
test_replace_through_symlink(void)
{
	struct fixture fx;
	struct stat st;
	char *link;

	fixture_init(&fx, "old\n", 0644);
	link = xasprintf("%s/link", fx.t.dir);
	CU_ASSERT_EQUAL_FATAL(symlink("hosts", link), 0);
	CU_ASSERT_EQUAL_FATAL(atomicfile_open(&fx.af, link, &fx.content, &fx.cause), 0);
	CU_ASSERT_EQUAL(replace(&fx, "new\n", 0), 0);
	/* the link stays a link; the file it names has the new bytes */
	CU_ASSERT_EQUAL(lstat(link, &st), 0);
	CU_ASSERT_TRUE(S_ISLNK(st.st_mode));
	CU_ASSERT_TRUE(unit_file_is(fx.t.hosts, "new\n"));
	CU_ASSERT_EQUAL(unit_count_entries(fx.t.dir), 2);
	free(link);
	fixture_release(&fx);
}

/* The directory disappears between reading and replacing (the file
 * removed, the directory too): nothing can be created there. */
static void
test_fail_missing_directory(void)
{
	struct fixture fx;
	char *sub;

	fixture_init(&fx, "unused\n", 0644);
	sub = xasprintf("%s/sub", fx.t.dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(sub, 0755), 0);
	free(fx.t.hosts);
	fx.t.hosts = xasprintf("%s/hosts", sub);
	unit_write_file(fx.t.hosts, "old\n");
	fixture_open(&fx, "old\n");
	CU_ASSERT_EQUAL_FATAL(unlink(fx.t.hosts), 0);
	CU_ASSERT_EQUAL_FATAL(rmdir(sub), 0);

	CU_ASSERT_NOT_EQUAL(replace(&fx, "new\n", 0), 0);
	CU_ASSERT_EQUAL(fx.af.failed_step, ATOMICFILE_STEP_CREATE_TEMP);
	CU_ASSERT_STRING_EQUAL(atomicfile_step_name(fx.af.failed_step), "create temporary file");
	CU_ASSERT_TRUE(fx.cause != NULL && strstr(fx.cause, "cannot create a temporary file") != NULL);
	CU_ASSERT_EQUAL(access(sub, F_OK), -1);
	free(sub);
	fixture_release(&fx);
}

/* fx's hosts file in a directory sub of its own, opened, then sub renamed
 * to sub.gone and a link to another directory (holding a "hosts" of its
 * own) put in its place; the paths are in sw (swap_release frees them). */
struct swap {
	char *sub, *gone, *other, *other_hosts, *hosts_gone;
};

static void
swap_dir_after_open(struct fixture *fx, struct swap *sw)
{
	fixture_init(fx, "unused\n", 0644);
	sw->sub = xasprintf("%s/sub", fx->t.dir);
	sw->gone = xasprintf("%s/sub.gone", fx->t.dir);
	sw->other = xasprintf("%s/other", fx->t.dir);
	sw->other_hosts = xasprintf("%s/hosts", sw->other);
	sw->hosts_gone = xasprintf("%s/hosts", sw->gone);
	CU_ASSERT_EQUAL_FATAL(mkdir(sw->sub, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(sw->other, 0755), 0);
	unit_write_file(sw->other_hosts, "other\n");
	free(fx->t.hosts);
	fx->t.hosts = xasprintf("%s/hosts", sw->sub);
	unit_write_file(fx->t.hosts, "old\n");
	fixture_open(fx, "old\n");
	CU_ASSERT_EQUAL_FATAL(rename(sw->sub, sw->gone), 0);
	CU_ASSERT_EQUAL_FATAL(symlink(sw->other, sw->sub), 0);
}

static void
swap_release(struct swap *sw)
{
	free(sw->sub);
	free(sw->gone);
	free(sw->other);
	free(sw->other_hosts);
	free(sw->hosts_gone);
}

/* The directory is swapped for a link to another one between reading and
 * replacing: the directory opened by atomicfile_open() is written (where
 * it now is), never the link's target. */
static void
test_directory_held(void)
{
	struct fixture fx;
	struct swap sw;

	swap_dir_after_open(&fx, &sw);
	CU_ASSERT_EQUAL(replace(&fx, "new\n", 0), 0);
	CU_ASSERT_TRUE(unit_file_is(sw.hosts_gone, "new\n"));
	CU_ASSERT_EQUAL(unit_count_entries(sw.gone), 1);
	CU_ASSERT_TRUE(unit_file_is(sw.other_hosts, "other\n"));
	CU_ASSERT_EQUAL(unit_count_entries(sw.other), 1);
	swap_release(&sw);
	fixture_release(&fx);
}

/* The check before journaling judges the file in the directory held, not
 * the one the path leads to after the swap: the path's file may be missing
 * while the held one is there (no refusal), and the other way round. */
static void
test_writable_held(void)
{
	struct fixture fx;
	struct swap sw;

	swap_dir_after_open(&fx, &sw);
	CU_ASSERT_EQUAL_FATAL(unlink(sw.other_hosts), 0);
	CU_ASSERT_EQUAL(atomicfile_check_writable(&fx.af, 0, &fx.cause), 0);
	unit_write_file(sw.other_hosts, "other\n");
	CU_ASSERT_EQUAL_FATAL(unlink(sw.hosts_gone), 0);
	CU_ASSERT_NOT_EQUAL(atomicfile_check_writable(&fx.af, 0, &fx.cause), 0);
	CU_ASSERT_TRUE(fx.cause != NULL && strstr(fx.cause, "No such file") != NULL);
	swap_release(&sw);
	fixture_release(&fx);
}

#ifdef HAVE_SELINUX
/*
 * libselinux stood in for (definitions in the program come before the
 * shared library's): SELinux "enabled", a file's label is its first bytes
 * (read through the descriptor or the path asked), and the label set on
 * the temporary file is kept in fake_label. Only in a --with-selinux build;
 * machines without SELinux could not run the label copy otherwise.
 */
static char *fake_label;

int
is_selinux_enabled(void)
{
	return 1;
}

static int
fake_con(int fd, char **con)
{
	char b[64];
	ssize_t n = pread(fd, b, sizeof b - 1, 0);

	if (n < 0)
		return -1;
	b[n] = '\0';
	*con = xstrdup(b);
	return 0;
}

int
fgetfilecon(int fd, char **con)
{
	return fake_con(fd, con);
}

int
getfilecon(const char *path, char **con)
{
	int fd = open(path, O_RDONLY), rc;

	if (fd < 0)
		return -1;
	rc = fake_con(fd, con);
	close(fd);
	return rc;
}

int
fsetfilecon(int fd, const char *con)
{
	(void)fd;
	free(fake_label);
	fake_label = xstrdup(con);
	return 0;
}

void
freecon(char *con)
{
	free(con);
}

/* The temporary file gets the label of the file read, in the directory
 * held, not of what the path leads to after the swap. */
static void
test_selinux_label_held(void)
{
	struct fixture fx;
	struct swap sw;

	swap_dir_after_open(&fx, &sw);
	CU_ASSERT_EQUAL(replace(&fx, "new\n", 0), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fake_label);
	CU_ASSERT_STRING_EQUAL(fake_label, "old\n");
	CU_ASSERT_TRUE(unit_file_is(sw.hosts_gone, "new\n"));
	free(fake_label);
	fake_label = NULL;
	swap_release(&sw);
	fixture_release(&fx);
}
#endif

/* A directory the user cannot write: root can, so only others test this. */
static void
test_fail_readonly_directory(void)
{
	struct fixture fx;

	if (geteuid() == 0)
		return;
	fixture_init(&fx, "old\n", 0644);
	fixture_open(&fx, "old\n");
	CU_ASSERT_EQUAL_FATAL(chmod(fx.t.dir, 0555), 0);
	CU_ASSERT_NOT_EQUAL(replace(&fx, "new\n", 0), 0);
	CU_ASSERT_EQUAL(fx.af.failed_step, ATOMICFILE_STEP_CREATE_TEMP);
	CU_ASSERT_TRUE(unit_file_is(fx.t.hosts, "old\n"));
	CU_ASSERT_EQUAL(unit_count_entries(fx.t.dir), 1);
	fixture_release(&fx);
}

/* The rename fails after the temporary copy was written and synced: that
 * copy must be removed, not left beside the target. */
static void
test_fail_rename_leaves_no_temp(void)
{
	struct fixture fx;
	char *keep;

	fixture_init(&fx, "old\n", 0644);
	fixture_open(&fx, "old\n");
	/* a directory where the file was: rename(2) cannot replace it */
	keep = xasprintf("%s/hosts.old", fx.t.dir);
	CU_ASSERT_EQUAL_FATAL(rename(fx.t.hosts, keep), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(fx.t.hosts, 0755), 0);

	CU_ASSERT_NOT_EQUAL(replace(&fx, "new\n", 0), 0);
	CU_ASSERT_EQUAL(fx.af.failed_step, ATOMICFILE_STEP_RENAME);
	CU_ASSERT_STRING_EQUAL(atomicfile_step_name(fx.af.failed_step), "rename");
	CU_ASSERT_TRUE(fx.cause != NULL && strstr(fx.cause, "cannot replace") != NULL);
	CU_ASSERT_TRUE(unit_file_is(keep, "old\n"));
	/* "hosts" (the directory) and "hosts.old": no ".hosts.amlhosts-*" */
	CU_ASSERT_EQUAL(unit_count_entries(fx.t.dir), 2);
	CU_ASSERT_EQUAL(unit_count_entries(fx.t.hosts), 0);
	free(keep);
	fixture_release(&fx);
}

/* atomicfile_prepare() creates the temporary file before anything is
 * journaled, with the target's mode, and says its inode: the one the
 * replacement then puts at the path. A prepared file never renamed (the
 * change stopped before its rename) goes with atomicfile_release(); an
 * in-place rewrite prepares nothing. */
static void
test_prepare(void)
{
	struct fixture fx;
	struct stat st;
	int entries;

	fixture_init(&fx, "old\n", 0640);
	fixture_open(&fx, "old\n");
	entries = unit_count_entries(fx.t.dir);
	CU_ASSERT_EQUAL_FATAL(atomicfile_prepare(&fx.af, 0, &fx.cause), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx.af.tmp);
	CU_ASSERT_EQUAL(unit_count_entries(fx.t.dir), entries + 1);
#ifndef _WIN32
	CU_ASSERT_EQUAL_FATAL(fstatat(fx.af.dirfd, fx.af.tmp, &st, AT_SYMLINK_NOFOLLOW), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0640);
	CU_ASSERT_EQUAL(fx.af.tmp_ino, (unsigned long long)st.st_ino);
	CU_ASSERT_NOT_EQUAL(fx.af.tmp_ino, 0);
#endif
	/* Twice is once. */
	CU_ASSERT_EQUAL(atomicfile_prepare(&fx.af, 0, &fx.cause), 0);
	CU_ASSERT_EQUAL(unit_count_entries(fx.t.dir), entries + 1);
	CU_ASSERT_EQUAL_FATAL(replace(&fx, "new\n", 0), 0);
	CU_ASSERT_TRUE(unit_file_is(fx.t.hosts, "new\n"));
	CU_ASSERT_EQUAL(stat(fx.t.hosts, &st), 0);
#ifndef _WIN32
	CU_ASSERT_EQUAL((unsigned long long)st.st_ino, fx.af.tmp_ino);
#endif
	CU_ASSERT_EQUAL(unit_count_entries(fx.t.dir), entries);
	CU_ASSERT_PTR_NULL(fx.af.tmp);

	/* Prepared, never renamed: removed by the release. */
	atomicfile_release(&fx.af);
	fixture_open(&fx, "new\n");
	CU_ASSERT_EQUAL_FATAL(atomicfile_prepare(&fx.af, 0, &fx.cause), 0);
	CU_ASSERT_EQUAL(unit_count_entries(fx.t.dir), entries + 1);
	atomicfile_release(&fx.af);
	CU_ASSERT_EQUAL(unit_count_entries(fx.t.dir), entries);
	CU_ASSERT_TRUE(unit_file_is(fx.t.hosts, "new\n"));

	/* In place (a bind mount): the inode read is rewritten, nothing is
	 * created. */
	fixture_open(&fx, "new\n");
	fx.af.bind_mount = 1;
	CU_ASSERT_EQUAL(atomicfile_prepare(&fx.af, 1, &fx.cause), 0);
	CU_ASSERT_PTR_NULL(fx.af.tmp);
	CU_ASSERT_EQUAL(fx.af.tmp_ino, 0);
	CU_ASSERT_EQUAL(unit_count_entries(fx.t.dir), entries);
	fixture_release(&fx);
}

/* A bind-mounted file is refused unless in_place, which rewrites it through
 * its own inode, cutting off what the new bytes do not cover. */
static void
test_in_place(void)
{
	struct fixture fx;
	struct stat before, after;

	fixture_init(&fx, "a much longer old content\n", 0600);
	CU_ASSERT_EQUAL_FATAL(stat(fx.t.hosts, &before), 0);
	fixture_open(&fx, "a much longer old content\n");
	fx.af.bind_mount = 1; /* as atomicfile_open finds in a container */
	CU_ASSERT_NOT_EQUAL(atomicfile_check_writable(&fx.af, 0, &fx.cause), 0);
	CU_ASSERT_TRUE(fx.cause != NULL && strstr(fx.cause, "--in-place") != NULL);
	CU_ASSERT_EQUAL(atomicfile_check_writable(&fx.af, 1, &fx.cause), 0);
	CU_ASSERT_EQUAL(replace(&fx, "short\n", 1), 0);
	CU_ASSERT_TRUE(unit_file_is(fx.t.hosts, "short\n"));
	CU_ASSERT_EQUAL_FATAL(stat(fx.t.hosts, &after), 0);
	CU_ASSERT_EQUAL(after.st_ino, before.st_ino);
	CU_ASSERT_EQUAL(after.st_mode & 07777, 0600);
	CU_ASSERT_EQUAL(unit_count_entries(fx.t.dir), 1);
	fixture_release(&fx);
}

/* In place, the inode read is rewritten where it was, in the directory
 * held: a directory swapped for a link sends nothing elsewhere, and a file
 * put at the name since is no rewrite of the one read. */
static void
test_in_place_held(void)
{
	struct fixture fx;
	struct swap sw;
	char *moved;

	swap_dir_after_open(&fx, &sw);
	fx.af.bind_mount = 1;
	CU_ASSERT_EQUAL(replace(&fx, "new\n", 1), 0);
	CU_ASSERT_TRUE(unit_file_is(sw.hosts_gone, "new\n"));
	CU_ASSERT_TRUE(unit_file_is(sw.other_hosts, "other\n"));

	/* Another file at the name: refused, both left as they are. */
	moved = xasprintf("%s/hosts.moved", sw.gone);
	CU_ASSERT_EQUAL_FATAL(rename(sw.hosts_gone, moved), 0);
	unit_write_file(sw.hosts_gone, "someone else's\n");
	CU_ASSERT_NOT_EQUAL(replace(&fx, "newer\n", 1), 0);
	CU_ASSERT_EQUAL(fx.af.failed_step, ATOMICFILE_STEP_OPEN);
	CU_ASSERT_TRUE(fx.cause != NULL && strstr(fx.cause, "was replaced") != NULL);
	CU_ASSERT_TRUE(unit_file_is(sw.hosts_gone, "someone else's\n"));
	CU_ASSERT_TRUE(unit_file_is(moved, "new\n"));
	free(moved);
	swap_release(&sw);
	fixture_release(&fx);
}

static void
test_open_refuses(void)
{
	struct fixture fx;
	char *missing;

	fixture_init(&fx, "x\n", 0644);
	missing = xasprintf("%s/nothing", fx.t.dir);
	CU_ASSERT_NOT_EQUAL(atomicfile_open(&fx.af, missing, &fx.content, &fx.cause), 0);
	CU_ASSERT_TRUE(fx.cause != NULL && strstr(fx.cause, "cannot open") != NULL);
	atomicfile_release(&fx.af);
	CU_ASSERT_NOT_EQUAL(atomicfile_open(&fx.af, fx.t.dir, &fx.content, &fx.cause), 0);
	CU_ASSERT_TRUE(fx.cause != NULL && strstr(fx.cause, "is a directory") != NULL);
	free(missing);
	fixture_release(&fx);
}

static void
test_write_new(void)
{
	char *dir = unit_tempdir(), *path = xasprintf("%s/1.hosts", dir);
	char *bad = xasprintf("%s/missing/1.hosts", dir), *cause = NULL;
	struct stat st;

	CU_ASSERT_EQUAL(atomicfile_write_new(path, "before\n", 7, 0600, &cause), 0);
	CU_ASSERT_TRUE(unit_file_is(path, "before\n"));
	CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
	/* over an existing file, which gets the mode asked for */
	CU_ASSERT_EQUAL(chmod(path, 0644), 0);
	CU_ASSERT_EQUAL(atomicfile_write_new(path, "again\n", 6, 0600, &cause), 0);
	CU_ASSERT_TRUE(unit_file_is(path, "again\n"));
	CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
	CU_ASSERT_EQUAL(unit_count_entries(dir), 1);
	/* a missing directory is an error, and nothing is created */
	CU_ASSERT_NOT_EQUAL(atomicfile_write_new(bad, "x", 1, 0600, &cause), 0);
	CU_ASSERT_TRUE(cause != NULL && strstr(cause, "cannot create a file") != NULL);
	CU_ASSERT_EQUAL(unit_count_entries(dir), 1);
	unit_remove_tree(dir);
	free(dir);
	free(path);
	free(bad);
	free(cause);
}

static void
test_remove_stale(void)
{
	struct fixture fx;
	char *stale, *other, *near;

	fixture_init(&fx, "x\n", 0644);
	stale = xasprintf("%s/.hosts" ATOMICFILE_TEMP_TAG "AbC123", fx.t.dir);
	near = xasprintf("%s/.hosts" ATOMICFILE_TEMP_TAG "AbC1234", fx.t.dir);
	other = xasprintf("%s/.other" ATOMICFILE_TEMP_TAG "AbC123", fx.t.dir);
	unit_write_file(stale, "half");
	unit_write_file(near, "not ours");
	unit_write_file(other, "another file's");
	fixture_open(&fx, "x\n");
	atomicfile_remove_stale(&fx.af);
	CU_ASSERT_EQUAL(access(stale, F_OK), -1);
	CU_ASSERT_EQUAL(access(near, F_OK), 0);
	CU_ASSERT_EQUAL(access(other, F_OK), 0);
	CU_ASSERT_TRUE(unit_file_is(fx.t.hosts, "x\n"));
	free(stale);
	free(near);
	free(other);
	fixture_release(&fx);
}

/* 3000 segments, more than IOV_MAX (1024 on Linux), some empty, the
 * bytes of each distinct: what the file and a reader see is their
 * concatenation. */
#define NSEGS 3000
struct many {
	struct hosts_seg v[NSEGS];
	struct buf all;
	char *bytes;
};

static void
many_init(struct many *m, size_t per)
{
	size_t i, k, off = 0;

	buf_init(&m->all);
	m->bytes = xmalloc(NSEGS * per + 1);
	for (i = 0; i < NSEGS; i++) {
		size_t len = i % 7 == 3 ? 0 : 1 + (i * 31) % per;

		for (k = 0; k < len; k++)
			m->bytes[off + k] = (char)('a' + (i + k) % 26);
		m->v[i].data = m->bytes + off;
		m->v[i].off = 0;
		m->v[i].len = len;
		buf_append(&m->all, m->bytes + off, len);
		off += len;
	}
}

static void
many_release(struct many *m)
{
	buf_release(&m->all);
	free(m->bytes);
}

static void
test_replace_segs(void)
{
	struct fixture fx;
	struct many m;
	struct buf got = BUF_INIT;

	many_init(&m, 5);
	fixture_init(&fx, "old\n", 0644);
	fixture_open(&fx, "old\n");
	CU_ASSERT_EQUAL(atomicfile_replace_segs(&fx.af, m.v, NSEGS, 0, &fx.cause), 0);
	CU_ASSERT_EQUAL(file_read(fx.t.hosts, FILE_READ_REGULAR, 1 << 20, &got, NULL, NULL, NULL), 0);
	CU_ASSERT_TRUE(got.len == m.all.len && memcmp(got.data, m.all.data, got.len) == 0);
	fixture_release(&fx);
	buf_release(&got);
	many_release(&m);
}

#ifndef _WIN32
static void
on_alarm(int sig)
{
	(void)sig;
}

/* A pipe read slowly while a timer interrupts the writer every
 * millisecond: writev() comes back short or with EINTR many times, and
 * every byte still arrives once, in order. */
static void
test_write_segs_interrupted(void)
{
	struct many m;
	struct sigaction sa, pipe_old;
	struct itimerval it, off;
	int fds[2], status = -1, rc;
	pid_t pid;

	many_init(&m, 700); /* about 1 MiB, 16 times a pipe's buffer */
	CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		char piece[4096];
		size_t done = 0;
		ssize_t r;

		close(fds[1]);
		while ((r = read(fds[0], piece, sizeof piece)) > 0) {
			if (done + (size_t)r > m.all.len ||
			    memcmp(piece, m.all.data + done, (size_t)r) != 0)
				_exit(1);
			done += (size_t)r;
			if (done % 65536 < sizeof piece)
				usleep(2000);
		}
		_exit(r == 0 && done == m.all.len ? 0 : 2);
	}
	close(fds[0]);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm; /* no SA_RESTART: writev() is interrupted */
	sigemptyset(&sa.sa_mask);
	CU_ASSERT_EQUAL(sigaction(SIGALRM, &sa, NULL), 0);
	/* A reader that stops at a wrong byte makes the write fail (EPIPE),
	 * not kill the test. */
	sa.sa_handler = SIG_IGN;
	CU_ASSERT_EQUAL(sigaction(SIGPIPE, &sa, &pipe_old), 0);
	memset(&it, 0, sizeof it);
	it.it_interval.tv_usec = 1000;
	it.it_value.tv_usec = 1000;
	memset(&off, 0, sizeof off);
	CU_ASSERT_EQUAL(setitimer(ITIMER_REAL, &it, NULL), 0);
	rc = atomicfile_write_segs(fds[1], m.v, NSEGS);
	CU_ASSERT_EQUAL(setitimer(ITIMER_REAL, &off, NULL), 0);
	/* The no-op handler stays: a tick raised just before the timer
	 * stopped can still be on its way (valgrind delivers signals late),
	 * and under the default action it would kill the test program. */
	CU_ASSERT_EQUAL(sigaction(SIGPIPE, &pipe_old, NULL), 0);
	CU_ASSERT_EQUAL(rc, 0);
	close(fds[1]);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	many_release(&m);
}
#endif

/* -v prints these after "failed step: "; the text is what it always was. */
static void
test_step_names(void)
{
	static const struct {
		enum atomicfile_step step;
		const char *name;
	} names[] = {
		{ ATOMICFILE_STEP_CREATE_TEMP, "create temporary file" },
		{ ATOMICFILE_STEP_OPEN, "open" },
		{ ATOMICFILE_STEP_FCHOWN, "fchown" },
		{ ATOMICFILE_STEP_FCHMOD, "fchmod" },
		{ ATOMICFILE_STEP_SELINUX, "selinux label" },
		{ ATOMICFILE_STEP_WRITE, "write" },
		{ ATOMICFILE_STEP_FTRUNCATE, "ftruncate" },
		{ ATOMICFILE_STEP_FSYNC, "fsync" },
		{ ATOMICFILE_STEP_CLOSE, "close" },
		{ ATOMICFILE_STEP_RENAME, "rename" },
		{ ATOMICFILE_STEP_DIR_FSYNC, "directory fsync" },
		{ ATOMICFILE_STEP_READ_BACK, "read back" },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		CU_ASSERT_STRING_EQUAL(atomicfile_step_name(names[i].step), names[i].name);
	CU_ASSERT_PTR_NOT_NULL(atomicfile_step_name(ATOMICFILE_STEP_NONE));
}

static const struct unit_test atomicfile_tests[] = {
	{ "replace_bytes_mode_owner", test_replace_bytes_mode_owner },
	{ "replace_through_symlink", test_replace_through_symlink },
	{ "fail_missing_directory", test_fail_missing_directory },
	{ "directory_held", test_directory_held },
	{ "writable_held", test_writable_held },
#ifdef HAVE_SELINUX
	{ "selinux_label_held", test_selinux_label_held },
#endif
	{ "fail_readonly_directory", test_fail_readonly_directory },
	{ "fail_rename_leaves_no_temp", test_fail_rename_leaves_no_temp },
	{ "prepare", test_prepare },
	{ "in_place", test_in_place },
	{ "in_place_held", test_in_place_held },
	{ "open_refuses", test_open_refuses },
	{ "write_new", test_write_new },
	{ "remove_stale", test_remove_stale },
	{ "step_names", test_step_names },
	{ "replace_segs", test_replace_segs },
#ifndef _WIN32
	{ "write_segs_interrupted", test_write_segs_interrupted },
#endif
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "atomicfile", atomicfile_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
