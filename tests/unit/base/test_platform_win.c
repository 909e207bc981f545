/*
 * test_platform_win.c - platform_open() and platform_replace() on Windows
 * (platform-win32.c), run under Wine by packaging/windows/test: a file
 * another handle holds open sharing nothing (share mode 0) is waited for
 * up to platform_share_wait() and then EBUSY; the read-only attribute
 * stops a replace at once with EROFS instead of a 5 s retry.
 */
#include "config.h"

/* platform.h brings winsock2.h, which must come before windows.h. */
#include "base/platform.h"
#include <windows.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "unit/cunit_main.h"

static char *dir;

/* dir\name holding text; malloc()ed path. */
static char *
make_file(const char *name, const char *text)
{
	char *path = xasprintf("%s\\%s", dir, name);
	FILE *f = fopen(path, "wb");

	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_FATAL(fputs(text, f) >= 0);
	CU_ASSERT_FATAL(fclose(f) == 0);
	return path;
}

/* Does path hold exactly text? */
static int
holds(const char *path, const char *text)
{
	char got[256];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return 0;
	n = fread(got, 1, sizeof got - 1, f);
	fclose(f);
	got[n] = '\0';
	return strcmp(got, text) == 0;
}

/* path opened sharing nothing, as an editor or a scanner may hold it. */
static HANDLE
hold(const char *path)
{
	HANDLE h = CreateFileA(path, GENERIC_READ, 0, NULL, OPEN_EXISTING,
	    FILE_ATTRIBUTE_NORMAL, NULL);

	CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
	return h;
}

static DWORD WINAPI
close_later(void *h)
{
	Sleep(300);
	CloseHandle(h);
	return 0;
}

/* hold(path), let go after 300 ms from another thread. */
static HANDLE
hold_briefly(const char *path)
{
	HANDLE t = CreateThread(NULL, 0, close_later, hold(path), 0, NULL);

	CU_ASSERT_FATAL(t != NULL);
	return t;
}

static void
test_open_waits(void)
{
	char *path = make_file("held", "old\r\n"), got[16];
	ULONGLONG start;
	HANDLE t = hold_briefly(path);
	int fd, n;

	platform_set_share_wait(10);
	start = GetTickCount64();
	fd = platform_open(path, O_RDONLY);
	CU_ASSERT(GetTickCount64() - start >= 200);
	CU_ASSERT(GetTickCount64() - start < 5000);
	CU_ASSERT_FATAL(fd >= 0);
	n = read(fd, got, sizeof got);
	CU_ASSERT(n == 5 && memcmp(got, "old\r\n", 5) == 0);
	close(fd);
	WaitForSingleObject(t, INFINITE);
	CloseHandle(t);
	free(path);
}

static void
test_open_gives_up(void)
{
	char *path = make_file("kept", "old\r\n");
	HANDLE h = hold(path);
	ULONGLONG start, took;
	int fd;

	platform_set_share_wait(1);
	CU_ASSERT(platform_share_wait() == 1);
	start = GetTickCount64();
	fd = platform_open(path, O_RDONLY);
	took = GetTickCount64() - start;
	CU_ASSERT(fd < 0 && errno == EBUSY);
	CU_ASSERT(took >= 900 && took < 4000);
	if (fd >= 0)
		close(fd);
	CloseHandle(h);
	/* Nothing to wait for once it is closed. */
	fd = platform_open(path, O_RDONLY);
	CU_ASSERT(fd >= 0);
	if (fd >= 0)
		close(fd);
	free(path);
}

static void
test_open_missing(void)
{
	char *path = xasprintf("%s\\missing", dir);

	platform_set_share_wait(10);
	CU_ASSERT(platform_open(path, O_RDONLY) < 0 && errno == ENOENT);
	CU_ASSERT(platform_open(path, O_RDONLY | O_CREAT) < 0 && errno == EINVAL);
	free(path);
}

static void
test_replace_waits(void)
{
	char *target = make_file("target", "old\r\n"), *tmp = make_file("new", "new\r\n");
	HANDLE t = hold_briefly(target);
	ULONGLONG start = GetTickCount64();

	platform_set_share_wait(10);
	CU_ASSERT(platform_replace(tmp, target) == 0);
	CU_ASSERT(GetTickCount64() - start >= 200);
	CU_ASSERT(holds(target, "new\r\n"));
	WaitForSingleObject(t, INFINITE);
	CloseHandle(t);
	free(target);
	free(tmp);
}

static void
test_replace_gives_up(void)
{
	char *target = make_file("target2", "old\r\n"), *tmp = make_file("new2", "new\r\n");
	HANDLE h = hold(target);
	ULONGLONG start, took;

	platform_set_share_wait(1);
	start = GetTickCount64();
	CU_ASSERT(platform_replace(tmp, target) != 0 && errno == EBUSY);
	took = GetTickCount64() - start;
	CU_ASSERT(took >= 900 && took < 4000);
	CloseHandle(h);
	CU_ASSERT(holds(target, "old\r\n"));
	DeleteFileA(tmp);
	free(target);
	free(tmp);
}

static void
test_replace_readonly(void)
{
	char *target = make_file("ro", "old\r\n"), *tmp = make_file("new3", "new\r\n");
	ULONGLONG start;

	CU_ASSERT_FATAL(SetFileAttributesA(target, FILE_ATTRIBUTE_READONLY));
	platform_set_share_wait(10);
	start = GetTickCount64();
	CU_ASSERT(platform_replace(tmp, target) != 0 && errno == EROFS);
	/* Said at once: waiting does not clear an attribute. */
	CU_ASSERT(GetTickCount64() - start < 1000);
	CU_ASSERT(holds(target, "old\r\n"));
	SetFileAttributesA(target, FILE_ATTRIBUTE_NORMAL);
	DeleteFileA(tmp);
	free(target);
	free(tmp);
}

static const struct unit_test open_tests[] = {
	{ "sharing violation waited out", test_open_waits },
	{ "held past the wait: EBUSY", test_open_gives_up },
	{ "missing file, O_CREAT refused", test_open_missing },
	{ NULL, NULL }
};
static const struct unit_test replace_tests[] = {
	{ "sharing violation waited out", test_replace_waits },
	{ "held past the wait: EBUSY", test_replace_gives_up },
	{ "read-only attribute: EROFS at once", test_replace_readonly },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "platform_open", open_tests },
	{ "platform_replace", replace_tests },
	{ NULL, NULL }
};

int
main(void)
{
	char tmp[MAX_PATH + 1], *tmpl;
	DWORD n = GetTempPathA(sizeof tmp, tmp);
	int rc;

	if (n == 0 || n > MAX_PATH) {
		fprintf(stderr, "test_platform_win: no temporary directory\n");
		return 1;
	}
	tmpl = xasprintf("%samlhosts-test-XXXXXX", tmp);
	if ((dir = mkdtemp(tmpl)) == NULL) {
		fprintf(stderr, "test_platform_win: cannot create %s\n", tmpl);
		return 1;
	}
	rc = unit_run(suites);
	/* The files the tests left, then the directory. */
	{
		WIN32_FIND_DATAA fd;
		char *glob = xasprintf("%s\\*", dir), *p;
		HANDLE f = FindFirstFileA(glob, &fd);

		while (f != INVALID_HANDLE_VALUE) {
			if ((fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) == 0) {
				p = xasprintf("%s\\%s", dir, fd.cFileName);
				SetFileAttributesA(p, FILE_ATTRIBUTE_NORMAL);
				DeleteFileA(p);
				free(p);
			}
			if (!FindNextFileA(f, &fd)) {
				FindClose(f);
				break;
			}
		}
		free(glob);
	}
	RemoveDirectoryA(dir);
	free(tmpl);
	return rc;
}
