/* Unit tests of the path walker (base/pathtrust.h). The cases about other
 * owners chown to uid 65534 (nobody), so they need root; as another user
 * every file the test makes is simply not root's. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/pathtrust.h"
#include "base/util.h"
#include "unit/cunit_main.h"

#define OTHER_UID 65534

static char dir[64];

static char *
at(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void
make_file(const char *path, mode_t mode)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fclose(f), 0);
	CU_ASSERT_EQUAL(chmod(path, mode), 0);
}

/* pathtrust_check(path) is want; when cause_has, the message holds it. */
static void
expect(const char *path, enum pathtrust want, const char *cause_has)
{
	char *cause = NULL, *real = NULL;
	enum pathtrust got = pathtrust_check(path, &real, &cause);

	CU_ASSERT_EQUAL(got, want);
	if (got != want)
		fprintf(stderr, "\n%s: got %d, want %d: %s\n", path, (int)got, (int)want,
		    cause ? cause : "");
	if (want == PATHTRUST_OK) {
		CU_ASSERT_PTR_NOT_NULL(real);
	} else {
		CU_ASSERT_PTR_NULL(real);
	}
	if (cause_has != NULL) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(cause);
		CU_ASSERT_PTR_NOT_NULL(strstr(cause, cause_has));
	}
	free(cause);
	free(real);
}

static void
expect_write(const char *path, int beside, enum pathtrust want)
{
	char *cause = NULL;

	CU_ASSERT_EQUAL(pathtrust_check_write(path, beside, &cause), want);
	free(cause);
}

static void
test_root_dir(void)
{
	char *real = NULL;

	CU_ASSERT_EQUAL(pathtrust_check("/", &real, NULL), PATHTRUST_OK);
	CU_ASSERT_STRING_EQUAL(real, "/");
	free(real);
	expect("/no-such-dir-amlhosts/x", PATHTRUST_MISSING, "/no-such-dir-amlhosts");
}

/* Not root: what the test makes is not root's. */
static void
test_not_root(void)
{
	char *f;

	if (geteuid() == 0)
		return;
	f = at("file");
	make_file(f, 0644);
	expect(f, PATHTRUST_UNSAFE_OWNER, "not root");
	CU_ASSERT_EQUAL(unlink(f), 0);
	free(f);
}

static void
test_owner_and_mode(void)
{
	char *f, *sub, *subf, *real = NULL;

	if (geteuid() != 0)
		return;
	f = at("file");
	sub = at("sub");
	subf = at("sub/file");
	make_file(f, 0644);
	CU_ASSERT_EQUAL(pathtrust_check(f, &real, NULL), PATHTRUST_OK);
	CU_ASSERT_STRING_EQUAL(real, f);
	free(real);
	/* the file itself: another owner, then group- and world-writable */
	CU_ASSERT_EQUAL(chown(f, OTHER_UID, 0), 0);
	expect(f, PATHTRUST_UNSAFE_OWNER, "uid 65534");
	CU_ASSERT_EQUAL(chown(f, 0, 0), 0);
	CU_ASSERT_EQUAL(chmod(f, 0664), 0);
	expect(f, PATHTRUST_UNSAFE_MODE, "writable by its group");
	CU_ASSERT_EQUAL(chmod(f, 0646), 0);
	expect(f, PATHTRUST_UNSAFE_MODE, "writable by others");
	/* a directory on the way owned by someone else, named in the message */
	CU_ASSERT_EQUAL(mkdir(sub, 0755), 0);
	make_file(subf, 0644);
	CU_ASSERT_EQUAL(pathtrust_check(subf, NULL, NULL), PATHTRUST_OK);
	CU_ASSERT_EQUAL(chown(sub, OTHER_UID, 0), 0);
	expect(subf, PATHTRUST_UNSAFE_OWNER, sub);
	/* a non-sticky writable directory on the way */
	CU_ASSERT_EQUAL(chown(sub, 0, 0), 0);
	CU_ASSERT_EQUAL(chmod(sub, 0777), 0);
	expect(subf, PATHTRUST_UNSAFE_MODE, sub);
	/* sticky: fine on the way when the entry is root's, never as the last */
	CU_ASSERT_EQUAL(chmod(sub, 01777), 0);
	expect(subf, PATHTRUST_OK, NULL);
	expect(sub, PATHTRUST_UNSAFE_MODE, "creates no file");
	CU_ASSERT_EQUAL(chown(subf, OTHER_UID, 0), 0);
	expect(subf, PATHTRUST_UNSAFE_OWNER, subf);
	/* writing: beside a file in a sticky dir, or a missing one in it */
	CU_ASSERT_EQUAL(chown(subf, 0, 0), 0);
	expect_write(subf, 1, PATHTRUST_UNSAFE_MODE);
	expect_write(subf, 0, PATHTRUST_OK);
	CU_ASSERT_EQUAL(unlink(subf), 0);
	expect_write(subf, 0, PATHTRUST_UNSAFE_MODE);
	CU_ASSERT_EQUAL(chmod(sub, 0755), 0);
	expect_write(subf, 1, PATHTRUST_OK);
	CU_ASSERT_EQUAL(rmdir(sub), 0);
	CU_ASSERT_EQUAL(unlink(f), 0);
	free(f);
	free(sub);
	free(subf);
}

static void
test_links(void)
{
	char *f, *link, *rel, *sub, *subf, *tolink, *real = NULL;

	if (geteuid() != 0)
		return;
	f = at("target");
	link = at("link");
	rel = at("rel");
	sub = at("sub");
	subf = at("sub/file");
	tolink = at("tosub");
	make_file(f, 0644);
	CU_ASSERT_EQUAL(symlink(f, link), 0);
	CU_ASSERT_EQUAL(pathtrust_check(link, &real, NULL), PATHTRUST_OK);
	CU_ASSERT_STRING_EQUAL(real, f);
	free(real);
	/* a relative link with ".." resolves against the link's directory */
	{
		char *target = xasprintf("../%s/target", strrchr(dir, '/') + 1);

		CU_ASSERT_EQUAL(symlink(target, rel), 0);
		free(target);
	}
	CU_ASSERT_EQUAL(pathtrust_check(rel, &real, NULL), PATHTRUST_OK);
	CU_ASSERT_STRING_EQUAL(real, f);
	free(real);
	/* a link someone else owns is not followed */
	CU_ASSERT_EQUAL(lchown(link, OTHER_UID, 0), 0);
	expect(link, PATHTRUST_UNSAFE_LINK, link);
	/* a root link into a directory someone else owns: the target's
	 * components are judged too */
	CU_ASSERT_EQUAL(mkdir(sub, 0755), 0);
	make_file(subf, 0644);
	CU_ASSERT_EQUAL(chown(sub, OTHER_UID, 0), 0);
	CU_ASSERT_EQUAL(symlink("sub/file", tolink), 0);
	expect(tolink, PATHTRUST_UNSAFE_OWNER, sub);
	/* a relative path is judged from the current directory */
	CU_ASSERT_EQUAL(chdir(dir), 0);
	CU_ASSERT_EQUAL(pathtrust_check("./target", &real, NULL), PATHTRUST_OK);
	CU_ASSERT_STRING_EQUAL(real, f);
	free(real);
	CU_ASSERT_EQUAL(chdir("/"), 0);
	CU_ASSERT_EQUAL(unlink(tolink), 0);
	CU_ASSERT_EQUAL(unlink(subf), 0);
	CU_ASSERT_EQUAL(rmdir(sub), 0);
	CU_ASSERT_EQUAL(unlink(rel), 0);
	CU_ASSERT_EQUAL(unlink(link), 0);
	CU_ASSERT_EQUAL(unlink(f), 0);
	free(f);
	free(link);
	free(rel);
	free(sub);
	free(subf);
	free(tolink);
}

static void
test_loop(void)
{
	char *a = at("a"), *b = at("b");

	CU_ASSERT_EQUAL(symlink(b, a), 0);
	CU_ASSERT_EQUAL(symlink(a, b), 0);
	if (geteuid() == 0)
		expect(a, PATHTRUST_ERROR, "too many symbolic links");
	CU_ASSERT_EQUAL(unlink(a), 0);
	CU_ASSERT_EQUAL(unlink(b), 0);
	free(a);
	free(b);
}

static const struct unit_test pathtrust_tests[] = {
	{ "root_dir", test_root_dir },
	{ "not_root", test_not_root },
	{ "owner_and_mode", test_owner_and_mode },
	{ "links", test_links },
	{ "loop", test_loop },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "pathtrust", pathtrust_tests },
	{ NULL, NULL }
};

/* A private directory under /tmp (root-owned 0700 when run as root). */
int
main(void)
{
	int rc;

	strcpy(dir, "/tmp/amlhosts-pathtrust.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	if (geteuid() != 0)
		printf("note: not root: the owner cases need root and are not run\n");
	rc = unit_run(suites);
	if (rmdir(dir) != 0)
		perror(dir);
	return rc;
}
