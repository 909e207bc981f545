/*
 * unit_tmp.h - temporary directories for the state layer's unit tests
 * (made with mkdtemp under $TMPDIR or /tmp, removed with everything in
 * them) and the file checks the tests share. Each test program includes it
 * once, so the functions are static inline (unused ones cost nothing).
 */
#ifndef AMLHOSTS_UNIT_TMP_H
#define AMLHOSTS_UNIT_TMP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <CUnit/CUnit.h>

#include "base/fileread.h"
#include "base/util.h"

/* A new empty directory (new string); the test stops if it cannot be made. */
static inline char *
unit_tempdir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/amlhosts-unit.XXXXXX", tmp && *tmp ? tmp : "/tmp");

	if (mkdtemp(tmpl) == NULL) {
		free(tmpl);
		CU_FAIL_FATAL("mkdtemp failed");
		return NULL;
	}
	return tmpl;
}

#ifdef _WIN32

/* No rm there: the trees the tests make are a few levels deep at most. */
static inline int
unit_remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct stat st;
	char *p;
	int rc = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rc |= unit_remove_dir(p);
		else
			rc |= unlink(p);
		free(p);
	}
	closedir(d);
	return rc | rmdir(dir);
}
#endif

/* Create (or truncate) path holding s; the test stops if it cannot. */
static inline void
unit_write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "wb");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(s, 1, strlen(s), f), strlen(s));
	CU_ASSERT_EQUAL_FATAL(fclose(f), 0);
}

/* Does path hold exactly the bytes of want? */
static inline int
unit_file_is(const char *path, const char *want)
{
	struct buf b = BUF_INIT;
	int same;

	same = file_read(path, FILE_READ_REGULAR, 1024 * 1024, &b, NULL, NULL, NULL) == 0 && b.len == strlen(want) &&
	    memcmp(b.data ? b.data : "", want, b.len) == 0;
	buf_release(&b);
	return same;
}

/* The number of entries of dir besides "." and ".."; -1 if unreadable. */
static inline int
unit_count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Remove a directory made by unit_tempdir() and everything in it. */
static inline void
unit_remove_tree(const char *dir)
{
#ifdef _WIN32
	if (unit_remove_dir(dir) != 0)
		fprintf(stderr, "cannot clean %s\n", dir);
#else
	/* Directories a test made read-only must be writable to be emptied. */
	char *cmd = xasprintf("chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", dir, dir);

	if (system(cmd) != 0)
		fprintf(stderr, "cannot clean %s\n", dir);
	free(cmd);
#endif
}

/* A temporary directory holding a file "hosts". */
struct unit_hosts {
	char *dir;
	char *hosts; /* <dir>/hosts */
};

static inline void
unit_hosts_init(struct unit_hosts *u, const char *bytes)
{
	u->dir = unit_tempdir();
	u->hosts = xasprintf("%s/hosts", u->dir);
	unit_write_file(u->hosts, bytes);
}

/* Remove the directory and everything in it. */
static inline void
unit_hosts_release(struct unit_hosts *u)
{
	unit_remove_tree(u->dir);
	free(u->dir);
	free(u->hosts);
}

#endif
