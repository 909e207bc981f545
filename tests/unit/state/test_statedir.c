/* Unit tests of the state directory's layout (statedir.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "state/statedir.h"
#include "unit/cunit_main.h"

/* Compare a returned path and free it. */
static void
check_path(char *got, const char *want)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_STRING_EQUAL(got, want);
	free(got);
}

static void
test_paths(void)
{
	check_path(statedir_lock_path("/var/lib/amlhosts"), "/var/lib/amlhosts/lock");
	check_path(statedir_journal_path("/var/lib/amlhosts"), "/var/lib/amlhosts/journal");
	check_path(statedir_backups_dir("/var/lib/amlhosts"), "/var/lib/amlhosts/backups");
	check_path(statedir_backup_path("/var/lib/amlhosts", 1), "/var/lib/amlhosts/backups/1.hosts");
	check_path(statedir_backup_path("/s", 1234567890L), "/s/backups/1234567890.hosts");
}

/* A relative --state-dir stays relative: nothing is resolved here. */
static void
test_relative(void)
{
	check_path(statedir_journal_path("state"), "state/journal");
	check_path(statedir_backup_path("./s", 7), "./s/backups/7.hosts");
}

static void
test_backup_id(void)
{
	char *p;

	CU_ASSERT_EQUAL(statedir_backup_id("1.hosts"), 1);
	CU_ASSERT_EQUAL(statedir_backup_id("42.hosts"), 42);
	/* what is not "<id>.hosts" with id > 0 is no backup */
	CU_ASSERT_EQUAL(statedir_backup_id("0.hosts"), 0);
	CU_ASSERT_EQUAL(statedir_backup_id("-3.hosts"), 0);
	CU_ASSERT_EQUAL(statedir_backup_id("7.hosts.bak"), 0);
	CU_ASSERT_EQUAL(statedir_backup_id("7.host"), 0);
	CU_ASSERT_EQUAL(statedir_backup_id("x.hosts"), 0);
	CU_ASSERT_EQUAL(statedir_backup_id(".7.hosts.amlhosts-AbC123"), 0);
	CU_ASSERT_EQUAL(statedir_backup_id("99999999999999999999999.hosts"), 0);
	CU_ASSERT_EQUAL(statedir_backup_id("."), 0);
	CU_ASSERT_EQUAL(statedir_backup_id(""), 0);
	/* the name of a backup path is read back as its id */
	p = statedir_backup_path("/s", 31);
	CU_ASSERT_EQUAL(statedir_backup_id(strrchr(p, '/') + 1), 31);
	free(p);
}

static void
test_backup_temp(void)
{
	CU_ASSERT_TRUE(statedir_is_backup_temp(".7.hosts.amlhosts-AbC123"));
	CU_ASSERT_TRUE(statedir_is_backup_temp(".123.hosts.amlhosts-zzzzzz"));
	CU_ASSERT_FALSE(statedir_is_backup_temp("7.hosts"));
	CU_ASSERT_FALSE(statedir_is_backup_temp(".hosts.amlhosts-AbC123"));   /* no id */
	CU_ASSERT_FALSE(statedir_is_backup_temp("7.hosts.amlhosts-AbC123"));  /* not hidden */
	CU_ASSERT_FALSE(statedir_is_backup_temp(".7.hosts.amlhosts-AbC12"));  /* 5 random */
	CU_ASSERT_FALSE(statedir_is_backup_temp(".7.hostz.amlhosts-AbC123"));
	CU_ASSERT_FALSE(statedir_is_backup_temp(".journal.amlhosts-AbC123"));
	CU_ASSERT_FALSE(statedir_is_backup_temp("."));
	CU_ASSERT_FALSE(statedir_is_backup_temp(".."));
	CU_ASSERT_FALSE(statedir_is_backup_temp(""));
}

#ifndef _WIN32
/* The mode bits of path, or -1. */
static int
mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

/* Missing parents are made 0755 whatever the umask, the state directory
 * 0700; a second call finds it all there. */
static void
test_mkdir(void)
{
	char tmpl[] = "/tmp/test_statedir.XXXXXX", path[256], *cause = NULL;
	mode_t old = umask(077);
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpl));
	snprintf(path, sizeof path, "%s/usr/local//var/lib/amlhosts/", tmpl);
	CU_ASSERT_EQUAL(statedir_mkdir(path, &cause), 0);
	CU_ASSERT_PTR_NULL(cause);
	CU_ASSERT_EQUAL(statedir_mkdir(path, &cause), 0);
	snprintf(path, sizeof path, "%s/usr/local/var/lib/amlhosts", tmpl);
	CU_ASSERT_EQUAL(mode_of(path), 0700);
	CU_ASSERT_EQUAL(rmdir(path), 0);
	snprintf(path, sizeof path, "%s/usr/local/var/lib", tmpl);
	CU_ASSERT_EQUAL(mode_of(path), 0755);
	CU_ASSERT_EQUAL(rmdir(path), 0);
	snprintf(path, sizeof path, "%s/usr/local/var", tmpl);
	CU_ASSERT_EQUAL(mode_of(path), 0755);
	CU_ASSERT_EQUAL(rmdir(path), 0);
	snprintf(path, sizeof path, "%s/usr/local", tmpl);
	CU_ASSERT_EQUAL(rmdir(path), 0);
	snprintf(path, sizeof path, "%s/usr", tmpl);
	CU_ASSERT_EQUAL(rmdir(path), 0);

	/* A parent that is a file: the error names it. */
	snprintf(path, sizeof path, "%s/file", tmpl);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fclose(f), 0);
	snprintf(path, sizeof path, "%s/file/state", tmpl);
	CU_ASSERT_EQUAL(statedir_mkdir(path, &cause), -1);
	CU_ASSERT_PTR_NOT_NULL(cause);
	if (cause != NULL)
		CU_ASSERT_PTR_NOT_NULL(strstr(cause, "file/state"));
	free(cause);
	snprintf(path, sizeof path, "%s/file", tmpl);
	CU_ASSERT_EQUAL(unlink(path), 0);

	/* Back up ("..") out of a directory that is not there yet: refused
	 * before anything is made (the trust walk judged another place);
	 * through existing ones it is a path like any other. */
	snprintf(path, sizeof path, "%s/new/../state", tmpl);
	cause = NULL;
	CU_ASSERT_EQUAL(statedir_mkdir(path, &cause), -1);
	CU_ASSERT_PTR_NOT_NULL(cause);
	if (cause != NULL)
		CU_ASSERT_PTR_NOT_NULL(strstr(cause, "'..'"));
	free(cause);
	cause = NULL;
	snprintf(path, sizeof path, "%s/new", tmpl);
	CU_ASSERT_EQUAL(mode_of(path), -1);
	snprintf(path, sizeof path, "%s/state", tmpl);
	CU_ASSERT_EQUAL(mode_of(path), -1);
	snprintf(path, sizeof path, "%s/../%s/state/", tmpl, strrchr(tmpl, '/') + 1);
	CU_ASSERT_EQUAL(statedir_mkdir(path, &cause), 0);
	CU_ASSERT_PTR_NULL(cause);
	snprintf(path, sizeof path, "%s/state", tmpl);
	CU_ASSERT_EQUAL(mode_of(path), 0700);
	CU_ASSERT_EQUAL(rmdir(path), 0);
	CU_ASSERT_EQUAL(rmdir(tmpl), 0);
	umask(old);
}
#endif

static const struct unit_test statedir_tests[] = {
#ifndef _WIN32
	{ "mkdir", test_mkdir },
#endif
	{ "paths", test_paths },
	{ "relative", test_relative },
	{ "backup_id", test_backup_id },
	{ "backup_temp", test_backup_temp },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "statedir", statedir_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
