/*
 * test_platform_win.c - platform_open() and platform_replace() on Windows
 * (platform-win32.c), run under Wine by packaging/windows/test: a file
 * another handle holds open sharing nothing (share mode 0) is waited for
 * up to platform_share_wait() and then EBUSY; the read-only attribute
 * stops a replace at once with EROFS instead of a 5 s retry; the fallback
 * after ReplaceFileW's ERROR_UNABLE_TO_MOVE_REPLACEMENT(_2) (forced through
 * platform_test_hooks: Wine's ReplaceFileW does not fail that way) keeps
 * the old file's DACL, owner and attributes and leaves no file behind.
 * platform_private_dir: a new state directory's DACL (SYSTEM and
 * Administrators, protected), and none made by a run that is not elevated.
 * platform_link: the backup of a change as a second name of the old file
 * (the same file index), which the replace leaves alone; refused for a
 * file with two names already or without hard links; platform_seal_backup
 * gives it the state directory's DACL and clears read-only.
 * Long paths: open(), mkdir(), access(), opendir() and rmdir() on a
 * directory past MAX_PATH (platform.h maps them to the platform layer).
 */
#include "config.h"

/* platform.h brings winsock2.h, which must come before windows.h. */
#include "base/platform.h"
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>

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

/* The owner and DACL of path in SDDL (with "P" when protected),
 * LocalAlloc()ed; NULL if they cannot be read. */
static wchar_t *
sddl_of(const char *path)
{
	wchar_t *w = platform_widen(path), *text = NULL;
	PSECURITY_DESCRIPTOR sd = NULL;
	SECURITY_INFORMATION si = OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION;

	if (w != NULL && GetNamedSecurityInfoW(w, SE_FILE_OBJECT, si, NULL, NULL, NULL, NULL,
	    &sd) == ERROR_SUCCESS &&
	    !ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, SDDL_REVISION_1, si, &text, NULL))
		text = NULL;
	LocalFree(sd);
	free(w);
	return text;
}

/* Set path's DACL, protected, from sddl ("D:P..."). */
static int
set_dacl(const char *path, const wchar_t *sddl)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	PACL dacl = NULL;
	BOOL present = FALSE, dflt = FALSE;
	wchar_t *w = platform_widen(path);
	DWORD err = ERROR_INVALID_DATA;

	if (w != NULL && ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1,
	    &sd, NULL) && GetSecurityDescriptorDacl(sd, &present, &dacl, &dflt))
		err = SetNamedSecurityInfoW(w, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION |
		    PROTECTED_DACL_SECURITY_INFORMATION, NULL, NULL, dacl, NULL);
	LocalFree(sd);
	free(w);
	return err == ERROR_SUCCESS;
}

/* Does the SDDL text end with the DACL dacl? */
static int
dacl_is(const wchar_t *text, const wchar_t *dacl)
{
	const wchar_t *d = text != NULL ? wcsstr(text, L"D:") : NULL;

	return d != NULL && wcscmp(d, dacl) == 0;
}

/* Wine (8) keeps no DACL: it derives one from the Unix mode bits (the
 * owner, SYSTEM, Everyone) and maps a DACL that is set onto them. */
static void
say_no_dacls(const char *what)
{
	fprintf(stderr, "\n  SKIP (part): %s: this system does not keep a DACL as set "
	    "(Wine derives it from Unix mode bits), so it is not compared\n", what);
}

/* How many entries of dir but "." and ".." start with prefix. */
static int
count_prefixed(const char *prefix)
{
	WIN32_FIND_DATAA fd;
	char *glob = xasprintf("%s\\%s*", dir, prefix);
	HANDLE f = FindFirstFileA(glob, &fd);
	int n = 0;

	free(glob);
	if (f == INVALID_HANDLE_VALUE)
		return 0;
	do
		n += strcmp(fd.cFileName, ".") != 0 && strcmp(fd.cFileName, "..") != 0;
	while (FindNextFileA(f, &fd));
	FindClose(f);
	return n;
}

/* ReplaceFileW fails with err (the old file at the target, or for _2
 * moved to the backup name): the new bytes land with the old file's owner,
 * protected DACL and attributes, and nothing else is left beside it. */
static void
replace_fallback(const char *name, DWORD err)
{
	/* The hosts file's on Windows 10. */
	static const wchar_t locked[] = L"D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x1200a9;;;BU)";
	char *target = make_file(name, "old\r\n"), *tmp = make_file("fallback-new", "new\r\n");
	char *others = xasprintf(".%s", name);
	wchar_t *before, *after;
	DWORD attr;
	int kept;

	CU_ASSERT_FATAL(set_dacl(target, locked));
	CU_ASSERT_FATAL(SetFileAttributesA(target, FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE));
	before = sddl_of(target);
	CU_ASSERT_FATAL(before != NULL);
	/* The temporary file's own are not those: else nothing is shown. */
	kept = dacl_is(before, locked);
	after = sddl_of(tmp);
	CU_ASSERT_FATAL(after != NULL);
	if (kept) {
		CU_ASSERT(wcscmp(before, after) != 0);
	} else {
		say_no_dacls("the replaced file's DACL and owner");
	}
	LocalFree(after);
	platform_set_share_wait(10);
	platform_test_hooks.replace_error = err;
	CU_ASSERT(platform_replace(tmp, target) == 0);
	platform_test_hooks.replace_error = 0;
	CU_ASSERT(holds(target, "new\r\n"));
	after = sddl_of(target);
	CU_ASSERT(after != NULL && (!kept || wcscmp(before, after) == 0));
	if (after != NULL && wcscmp(before, after) != 0)
		fprintf(stderr, "\n  %s: %ls, was %ls\n", name, after, before);
	attr = GetFileAttributesA(target);
	CU_ASSERT(attr != INVALID_FILE_ATTRIBUTES &&
	    (attr & (FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE | FILE_ATTRIBUTE_READONLY)) ==
	    (FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE));
	/* The old file under no other name (ReplaceFileW's backup), the
	 * temporary file gone. */
	CU_ASSERT(count_prefixed(others) == 0);
	CU_ASSERT(GetFileAttributesA(tmp) == INVALID_FILE_ATTRIBUTES);
	LocalFree(before);
	LocalFree(after);
	free(others);
	free(target);
	free(tmp);
}

static void
test_replace_fallback(void)
{
	replace_fallback("fallback1", ERROR_UNABLE_TO_MOVE_REPLACEMENT);
}

static void
test_replace_fallback_2(void)
{
	replace_fallback("fallback2", ERROR_UNABLE_TO_MOVE_REPLACEMENT_2);
}

static void
test_replace_no_backup_left(void)
{
	char *target = make_file("plain", "old\r\n"), *tmp = make_file("plain-new", "new\r\n");

	platform_set_share_wait(10);
	CU_ASSERT(platform_replace(tmp, target) == 0);
	CU_ASSERT(holds(target, "new\r\n"));
	CU_ASSERT(count_prefixed(".plain") == 0);
	free(target);
	free(tmp);
}

static void
test_private_dir_acl(void)
{
	/* Exactly SYSTEM and Administrators, full control, for what is made
	 * in it too; protected: nothing from the parent. */
	static const wchar_t want[] = L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)";
	char *state = xasprintf("%s\\state", dir), *probe = xasprintf("%s\\probe", dir);
	char *cause = NULL;
	wchar_t *got, *probed;
	SECURITY_ATTRIBUTES sa;
	PSECURITY_DESCRIPTOR sd = NULL;

	CU_ASSERT_FATAL(platform_private_dir(state, &cause) == 0);
	got = sddl_of(state);
	CU_ASSERT_FATAL(got != NULL);
	if (!dacl_is(got, want)) {
		/* Only a system that keeps a DACL as given can show it: a
		 * directory made with that DACL directly, read back. */
		CU_ASSERT_FATAL(ConvertStringSecurityDescriptorToSecurityDescriptorW(want,
		    SDDL_REVISION_1, &sd, NULL));
		sa.nLength = sizeof sa;
		sa.lpSecurityDescriptor = sd;
		sa.bInheritHandle = FALSE;
		CU_ASSERT_FATAL(CreateDirectoryA(probe, &sa));
		probed = sddl_of(probe);
		if (dacl_is(probed, want)) {
			CU_FAIL("the state directory's DACL is not SYSTEM and Administrators only");
			fprintf(stderr, "\n  state directory: %ls\n", got);
		} else
			say_no_dacls("the state directory's DACL");
		LocalFree(probed);
		LocalFree(sd);
		CU_ASSERT(RemoveDirectoryA(probe));
	}
	LocalFree(got);
	/* Its backups/ the same way; an existing one passes again. */
	free(state);
	state = xasprintf("%s\\state\\backups", dir);
	CU_ASSERT(platform_private_dir(state, &cause) == 0);
	CU_ASSERT(platform_private_dir(state, &cause) == 0);
	CU_ASSERT(RemoveDirectoryA(state));
	free(state);
	free(probe);
	free(cause);
}

static void
test_private_dir_not_elevated(void)
{
	char *state = xasprintf("%s\\user-state", dir), *cause = NULL;

	platform_test_hooks.not_elevated = 1;
	CU_ASSERT(platform_private_dir(state, &cause) != 0);
	CU_ASSERT(cause != NULL && strstr(cause, "not elevated") != NULL &&
	    strstr(cause, "elevated prompt") != NULL);
	/* Nothing made: the SYSTEM task will make it its way. */
	CU_ASSERT(GetFileAttributesA(state) == INVALID_FILE_ATTRIBUTES);
	platform_test_hooks.not_elevated = 0;
	free(state);
	free(cause);
}

/* path's file information (nonzero if read). */
static int
info_of(const char *path, BY_HANDLE_FILE_INFORMATION *fi)
{
	HANDLE h = CreateFileA(path, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE |
	    FILE_SHARE_DELETE, NULL, OPEN_EXISTING, 0, NULL);
	int ok;

	if (h == INVALID_HANDLE_VALUE)
		return 0;
	ok = GetFileInformationByHandle(h, fi);
	CloseHandle(h);
	return ok;
}

static int
same_file(const BY_HANDLE_FILE_INFORMATION *a, const BY_HANDLE_FILE_INFORMATION *b)
{
	return a->dwVolumeSerialNumber == b->dwVolumeSerialNumber &&
	    a->nFileIndexHigh == b->nFileIndexHigh && a->nFileIndexLow == b->nFileIndexLow;
}

/* The backup as a second name of the old file: the same file index, two
 * names; the replace leaves its bytes alone and it the one name; sealed,
 * it is deleted like any file. */
static void
test_link_then_replace(void)
{
	char *target = make_file("linked", "old\r\n"), *tmp = make_file("linked-new", "new\r\n");
	char *backup = xasprintf("%s\\linked-backup", dir);
	BY_HANDLE_FILE_INFORMATION t, b;

	CU_ASSERT_FATAL(platform_link(target, backup) == 0);
	CU_ASSERT_FATAL(info_of(target, &t) && info_of(backup, &b));
	CU_ASSERT(same_file(&t, &b));
	CU_ASSERT(t.nNumberOfLinks == 2 && b.nNumberOfLinks == 2);
	platform_set_share_wait(10);
	CU_ASSERT(platform_replace(tmp, target) == 0);
	CU_ASSERT(holds(target, "new\r\n"));
	CU_ASSERT(holds(backup, "old\r\n"));
	CU_ASSERT_FATAL(info_of(target, &t) && info_of(backup, &b));
	CU_ASSERT(!same_file(&t, &b));
	CU_ASSERT(b.nNumberOfLinks == 1);
	/* ReplaceFileW's own backup name of the old file is gone too. */
	CU_ASSERT(count_prefixed(".linked") == 0);
	CU_ASSERT(platform_seal_backup(backup) == 0);
	CU_ASSERT(DeleteFileA(backup));
	free(target);
	free(tmp);
	free(backup);
}

/* A file with another name already, or no hard links at all: refused with
 * the errno the caller copies on, nothing made. */
static void
test_link_refused(void)
{
	char *target = make_file("two-names", "x\r\n"), *other = xasprintf("%s\\two-names2", dir);
	char *backup = xasprintf("%s\\two-names-backup", dir);

	CU_ASSERT_FATAL(CreateHardLinkA(other, target, NULL));
	CU_ASSERT(platform_link(target, backup) != 0 && errno == EMLINK);
	CU_ASSERT(GetFileAttributesA(backup) == INVALID_FILE_ATTRIBUTES);
	CU_ASSERT(DeleteFileA(other));
	platform_test_hooks.no_links = 1;
	CU_ASSERT(platform_link(target, backup) != 0 && errno == ENOTSUP);
	platform_test_hooks.no_links = 0;
	CU_ASSERT(GetFileAttributesA(backup) == INVALID_FILE_ATTRIBUTES);
	free(target);
	free(other);
	free(backup);
}

/* Sealed: the state directory's DACL, no read-only, hidden or system
 * attribute; a file with another name still is left as it is. */
static void
test_seal(void)
{
	static const wchar_t sealed[] = L"D:P(A;;FA;;;SY)(A;;FA;;;BA)";
	char *path = make_file("seal", "old\r\n"), *other = xasprintf("%s\\seal2", dir);
	DWORD attr, flags = FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM;
	wchar_t *before, *after, *probed;

	CU_ASSERT_FATAL(SetFileAttributesA(path, flags | FILE_ATTRIBUTE_ARCHIVE));
	CU_ASSERT_FATAL(CreateHardLinkA(other, path, NULL));
	before = sddl_of(path);
	CU_ASSERT(platform_seal_backup(path) != 0 && errno == EMLINK);
	after = sddl_of(path);
	CU_ASSERT(before != NULL && after != NULL && wcscmp(before, after) == 0);
	CU_ASSERT((GetFileAttributesA(path) & flags) == flags);
	LocalFree(after);
	CU_ASSERT_FATAL(SetFileAttributesA(other, FILE_ATTRIBUTE_NORMAL));
	CU_ASSERT_FATAL(DeleteFileA(other));
	CU_ASSERT_FATAL(SetFileAttributesA(path, flags | FILE_ATTRIBUTE_ARCHIVE));

	CU_ASSERT(platform_seal_backup(path) == 0);
	attr = GetFileAttributesA(path);
	CU_ASSERT(attr != INVALID_FILE_ATTRIBUTES && (attr & flags) == 0);
	after = sddl_of(path);
	CU_ASSERT(after != NULL);
	if (!dacl_is(after, sealed)) {
		/* Only a system that keeps a DACL as set can show it: set
		 * directly, read back. */
		probed = set_dacl(path, sealed) ? sddl_of(path) : NULL;
		if (dacl_is(probed, sealed)) {
			CU_FAIL("the sealed backup's DACL is not SYSTEM and Administrators only");
			fprintf(stderr, "\n  sealed: %ls\n", after);
		} else
			say_no_dacls("the sealed backup's DACL");
		LocalFree(probed);
	}
	CU_ASSERT(holds(path, "old\r\n"));
	CU_ASSERT(DeleteFileA(path));
	LocalFree(before);
	LocalFree(after);
	free(path);
	free(other);
}

static const struct unit_test open_tests[] = {
	{ "sharing violation waited out", test_open_waits },
	{ "held past the wait: EBUSY", test_open_gives_up },
	{ "missing file, O_CREAT refused", test_open_missing },
	{ NULL, NULL }
};
/*
 * open(), mkdir(), access(), opendir() and rmdir() (platform.h maps them
 * to the platform layer) on a directory whose path is past MAX_PATH, as a
 * long --state-dir gives: the C runtime's own said ENOENT or listed
 * nothing.
 */
static void
test_long_dir(void)
{
	char seg[101], *sub, *file;
	DIR *d;
	struct dirent *de;
	int fd, seen = 0, others = 0;

	memset(seg, 'd', sizeof seg - 1);
	seg[sizeof seg - 1] = '\0';
	sub = xasprintf("%s\\%s\\%s\\%s", dir, seg, seg, seg);
	file = xasprintf("%s/lock", sub);
	CU_ASSERT_FATAL(strlen(file) > MAX_PATH);
	/* Parents first: mkdir makes one directory, as _mkdir does. */
	sub[strlen(dir) + 1 + 100] = '\0';
	CU_ASSERT_FATAL(mkdir(sub, 0700) == 0);
	sub[strlen(dir) + 1 + 100] = '\\';
	sub[strlen(dir) + 1 + 201] = '\0';
	CU_ASSERT_FATAL(mkdir(sub, 0700) == 0);
	sub[strlen(dir) + 1 + 201] = '\\';
	CU_ASSERT_FATAL(mkdir(sub, 0700) == 0);
	CU_ASSERT(mkdir(sub, 0700) != 0 && errno == EEXIST);
	CU_ASSERT(access(file, F_OK) != 0 && errno == ENOENT);
	fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(write(fd, "x", 1) == 1);
	CU_ASSERT(close(fd) == 0);
	CU_ASSERT(access(file, F_OK) == 0);
	d = opendir(sub);
	CU_ASSERT_FATAL(d != NULL);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, "lock") == 0)
			seen++;
		else if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			others++;
	}
	CU_ASSERT(closedir(d) == 0);
	CU_ASSERT(seen == 1 && others == 0);
	/* Not empty: rmdir refuses, as POSIX does. */
	CU_ASSERT(rmdir(sub) != 0 && errno == ENOTEMPTY);
	CU_ASSERT(unlink(file) == 0);
	CU_ASSERT(rmdir(sub) == 0);
	CU_ASSERT(opendir(sub) == NULL && errno == ENOENT);
	sub[strlen(dir) + 1 + 201] = '\0';
	CU_ASSERT(rmdir(sub) == 0);
	sub[strlen(dir) + 1 + 100] = '\0';
	CU_ASSERT(rmdir(sub) == 0);
	free(file);
	free(sub);
}

static const struct unit_test long_path_tests[] = {
	{ "a directory past MAX_PATH: mkdir, open, access, opendir, rmdir", test_long_dir },
	{ NULL, NULL }
};
static const struct unit_test replace_tests[] = {
	{ "sharing violation waited out", test_replace_waits },
	{ "held past the wait: EBUSY", test_replace_gives_up },
	{ "read-only attribute: EROFS at once", test_replace_readonly },
	{ "UNABLE_TO_MOVE_REPLACEMENT: DACL, owner, attributes kept", test_replace_fallback },
	{ "UNABLE_TO_MOVE_REPLACEMENT_2: the same, old file not left", test_replace_fallback_2 },
	{ "no backup left after a replace", test_replace_no_backup_left },
	{ NULL, NULL }
};
static const struct unit_test link_tests[] = {
	{ "linked, then replaced: same file index, old bytes kept, sealed, deleted", test_link_then_replace },
	{ "another name already (EMLINK), no hard links (ENOTSUP): nothing made", test_link_refused },
	{ "seal: DACL, attributes cleared; a file with two names left alone", test_seal },
	{ NULL, NULL }
};
static const struct unit_test private_dir_tests[] = {
	{ "new: SYSTEM and Administrators only, protected", test_private_dir_acl },
	{ "not elevated: refused, nothing made", test_private_dir_not_elevated },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "platform_open", open_tests },
	{ "platform_replace", replace_tests },
	{ "platform_link, platform_seal_backup", link_tests },
	{ "platform_private_dir", private_dir_tests },
	{ "long paths", long_path_tests },
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
	{
		char *state = xasprintf("%s\\state", dir);

		RemoveDirectoryA(state);
		free(state);
	}
	RemoveDirectoryA(dir);
	free(tmpl);
	return rc;
}
