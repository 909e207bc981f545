/*
 * platform-win32.c - the platform contract (platform.h) on Windows.
 *
 * Paths stay narrow strings in the ANSI code page inside the program;
 * every call that takes one widens it here, in widen_path() alone, and
 * gives it the \\?\ prefix when it is too long for MAX_PATH: CreateFileW
 * for the hosts file, ReplaceFileW, MoveFileExW, and the C runtime's
 * open(), mkdir(), rmdir(), access() and the directory listing that
 * platform.h maps here (_wopen, _wmkdir, ..., FindFirstFileW), so that a
 * hosts file or a state directory past MAX_PATH works. --syslog goes to
 * the Event Log (platform_openlog, platform_syslog).
 */
#include "config.h"

#ifdef _WIN32

/* rand_s, for temporary file names */
#define _CRT_RAND_S
#include <winsock2.h>
#include <windows.h>
#include <aclapi.h>
#include <bcrypt.h>
#include <sddl.h>
#include <shlobj.h>
#include <knownfolders.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/platform.h"
#include "base/process.h"

/* Paths this long or longer take the \\?\ form (widen_path): 248 is where
 * CreateDirectoryW stops already, MAX_PATH (260) the other calls. */
#define LONG_PATH_CHARS 248

/* How long an access denial another program may cause for a moment (an
 * antivirus scanner, a file pending deletion) is retried, when it is not
 * certainly for good (platform_replace). */
#define DENIED_RETRY_MS 5000
/* The first nap between two tries at a file another program holds open;
 * doubled after each try up to the longest. */
#define SHARE_NAP_FIRST_MS 10
#define SHARE_NAP_MAX_MS 250

/* How long a sharing violation is waited out (platform_set_share_wait):
 * lock_timeout's default until the configuration says otherwise. */
static int share_wait_s = 30;

/* The attributes a replaced hosts file keeps (platform_replace's fallback):
 * what a user or Windows may have set on it, not what describes its data. */
#define KEPT_ATTRIBUTES (FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN | \
	FILE_ATTRIBUTE_SYSTEM | FILE_ATTRIBUTE_ARCHIVE | FILE_ATTRIBUTE_NOT_CONTENT_INDEXED)

/* The Event Log entries --syslog writes, by kind; the message file that
 * the install steps register (.NET's EventLogMessages.dll) shows every ID
 * as its one string. */
#define EVENT_ID_INFO 1
#define EVENT_ID_WARNING 2
#define EVENT_ID_ERROR 3

struct platform_test_hooks platform_test_hooks;

static void fill_random(char *x, int tries);

/* Every file in binary mode, before main (the tests' too): the hosts
 * engine keeps CRLF and LF itself, byte for byte. */
__attribute__((constructor)) static void
binary_files(void)
{
	/* The C runtime's own default, which open() and fopen() consult. */
	*__p__fmode() = _O_BINARY;
}

wchar_t *
platform_widen(const char *s)
{
	/* Refused rather than patched with U+FFFD: a path that is not text
	 * in the code page would name some other file. */
	int n = MultiByteToWideChar(CP_ACP, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
	wchar_t *w;

	if (n <= 0)
		return NULL;
	w = xmalloc((size_t)n * sizeof *w);
	if (MultiByteToWideChar(CP_ACP, MB_ERR_INVALID_CHARS, s, -1, w, n) != n) {
		free(w);
		return NULL;
	}
	return w;
}

char *
platform_narrow(const wchar_t *w)
{
	int n = WideCharToMultiByte(CP_ACP, 0, w, -1, NULL, 0, NULL, NULL);
	char *s;

	if (n <= 0)
		return NULL;
	s = xmalloc((size_t)n);
	if (WideCharToMultiByte(CP_ACP, 0, w, -1, s, n, NULL, NULL) != n) {
		free(s);
		return NULL;
	}
	return s;
}

/* The absolute form of w (GetFullPathNameW, which has no MAX_PATH limit
 * in its wide form), malloc()ed; NULL if it has none. */
static wchar_t *
full_path(const wchar_t *w)
{
	DWORD n = GetFullPathNameW(w, 0, NULL, NULL), got;
	wchar_t *full;

	if (n == 0)
		return NULL;
	full = xmalloc((size_t)n * sizeof *full);
	got = GetFullPathNameW(w, n, full, NULL);
	if (got == 0 || got >= n) {
		free(full);
		return NULL;
	}
	return full;
}

/*
 * path for the ...W calls, malloc()ed, NULL (errno set) if it cannot be
 * converted. One of LONG_PATH_CHARS or more is made absolute and given the
 * \\?\ prefix (\\?\UNC\ for \\server\share), which the ...W calls take
 * past MAX_PATH on every Windows, with or without longPathAware and the
 * LongPathsEnabled switch; shorter ones stay as they are, so "NUL" or a
 * name with a trailing dot mean what they always meant.
 */
static wchar_t *
widen_path(const char *path)
{
	wchar_t *w = platform_widen(path), *full, *out;
	size_t len;

	if (w == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if (wcslen(w) < LONG_PATH_CHARS || wcsncmp(w, L"\\\\?\\", 4) == 0)
		return w;
	full = full_path(w);
	free(w);
	if (full == NULL) {
		errno = ENOENT;
		return NULL;
	}
	len = wcslen(full);
	out = xmalloc((len + 8) * sizeof *out);
	if (full[0] == L'\\' && full[1] == L'\\') {
		wcscpy(out, L"\\\\?\\UNC");
		wcscat(out, full + 1);
	} else {
		wcscpy(out, L"\\\\?\\");
		wcscat(out, full);
	}
	free(full);
	return out;
}

int
platform_errno_of(DWORD err)
{
	switch (err) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
		return ENOENT;
	case ERROR_ACCESS_DENIED:
	case ERROR_PRIVILEGE_NOT_HELD:
		return EACCES;
	case ERROR_SHARING_VIOLATION:
	case ERROR_LOCK_VIOLATION:
	case ERROR_UNABLE_TO_REMOVE_REPLACED:
	case ERROR_UNABLE_TO_MOVE_REPLACEMENT:
	case ERROR_UNABLE_TO_MOVE_REPLACEMENT_2:
		return EBUSY;
	case ERROR_NOT_SAME_DEVICE:
		return EXDEV;
	case ERROR_ALREADY_EXISTS:
	case ERROR_FILE_EXISTS:
		return EEXIST;
	case ERROR_DIR_NOT_EMPTY:
		return ENOTEMPTY;
	case ERROR_DIRECTORY:
		return ENOTDIR;
	case ERROR_DISK_FULL:
	case ERROR_HANDLE_DISK_FULL:
		return ENOSPC;
	case ERROR_WRITE_PROTECT:
		return EROFS;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY:
		return ENOMEM;
	default:
		return EIO;
	}
}

/* GetSystemDirectoryW and GetEnvironmentVariableW in one shape for
 * sized_string(): the characters written into buf (n long), or the size
 * it needs (with the NUL) when it is too short; 0 on failure. */
static DWORD
get_system_dir(const wchar_t *unused, wchar_t *buf, DWORD n)
{
	(void)unused;
	return GetSystemDirectoryW(buf, n);
}

static DWORD
get_env(const wchar_t *name, wchar_t *buf, DWORD n)
{
	return GetEnvironmentVariableW(name, buf, n);
}

/* The string get() gives for arg, narrowed and malloc()ed, in a buffer of
 * the size the API itself asks for (a system directory or %ProgramData%
 * may be longer than MAX_PATH); NULL if there is none. Asked again if it
 * grew in between. */
static char *
sized_string(DWORD (*get)(const wchar_t *, wchar_t *, DWORD), const wchar_t *arg)
{
	DWORD n = get(arg, NULL, 0), got;
	wchar_t *w;
	char *s;
	int tries;

	for (tries = 0; tries < 3 && n > 0; tries++) {
		w = xmalloc((size_t)n * sizeof *w);
		got = get(arg, w, n);
		s = got > 0 && got < n ? platform_narrow(w) : NULL;
		free(w);
		if (got < n)
			return s;
		n = got;
	}
	return NULL;
}

char *
platform_self_dir(void)
{
	DWORD cap = MAX_PATH + 1, n;
	wchar_t *w = NULL;
	char *path = NULL, *slash;

	/* GetModuleFileNameW truncates (n == cap) rather than saying how long
	 * the path is: grow until it fits. */
	for (;;) {
		w = xreallocarray(w, cap, sizeof *w);
		n = GetModuleFileNameW(NULL, w, cap);
		if (n == 0)
			goto out;
		if (n < cap)
			break;
		if (cap > 32768 * 2)
			goto out;
		cap *= 2;
	}
	w[n] = L'\0';
	path = platform_narrow(w);
	if (path != NULL && (slash = strrchr(path, '\\')) != NULL)
		*slash = '\0';
	else {
		free(path);
		path = NULL;
	}
out:
	free(w);
	return path;
}

const char *
platform_default_hosts_file(void)
{
	static char *path;
	char *s;

	if (path != NULL)
		return path;
	/* The system directory, not %SystemRoot%\System32 spelled out: it is
	 * where this process' view of drivers\etc lives. */
	s = sized_string(get_system_dir, NULL);
	path = xasprintf("%s\\drivers\\etc\\hosts", s ? s : "C:\\Windows\\System32");
	free(s);
	return path;
}

const char *
platform_default_state_dir(void)
{
	static char *path;
	PWSTR w = NULL;
	char *s = NULL;

	if (path != NULL)
		return path;
	if (SHGetKnownFolderPath(&FOLDERID_ProgramData, 0, NULL, &w) == S_OK)
		s = platform_narrow(w);
	CoTaskMemFree(w);
	if (s == NULL)
		s = sized_string(get_env, L"ProgramData");
	path = xasprintf("%s\\amlhosts", s ? s : "C:\\ProgramData");
	free(s);
	return path;
}

const char *
platform_default_config_file(void)
{
	static char *path;

	if (path == NULL)
		path = xasprintf("%s\\amlhosts.conf", platform_default_state_dir());
	return path;
}

int
platform_trylock(int fd)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	OVERLAPPED ov;
	DWORD err;

	if (h == INVALID_HANDLE_VALUE) {
		errno = EBADF;
		return -1;
	}
	memset(&ov, 0, sizeof ov);
	/* One byte at offset 0 stands for the whole state directory; the
	 * lock goes with the handle, so closing fd releases it. */
	if (LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ov))
		return 0;
	err = GetLastError();
	if (err == ERROR_LOCK_VIOLATION || err == ERROR_IO_PENDING)
		return 1;
	errno = platform_errno_of(err);
	return -1;
}

void
platform_set_share_wait(int seconds)
{
	share_wait_s = seconds < 0 ? 0 : seconds;
}

int
platform_share_wait(void)
{
	return share_wait_s;
}

/* Does this process run with an elevated (administrator) token? */
static int
is_elevated(void)
{
	HANDLE token;
	TOKEN_ELEVATION elev;
	DWORD len = 0;
	int yes = 0;

	if (platform_test_hooks.not_elevated)
		return 0;
	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
		return 0;
	if (GetTokenInformation(token, TokenElevation, &elev, sizeof elev, &len))
		yes = elev.TokenIsElevated != 0;
	CloseHandle(token);
	return yes;
}

/* Another program has the file open without sharing what we ask for:
 * over once it closes it. */
static int
sharing_violation(DWORD err)
{
	return err == ERROR_SHARING_VIOLATION || err == ERROR_LOCK_VIOLATION ||
	    err == ERROR_UNABLE_TO_REMOVE_REPLACED;
}

/* Backoff between tries at a file, up to a time limit from the first try. */
struct backoff {
	ULONGLONG start;
	DWORD nap;
};

static void
backoff_start(struct backoff *b)
{
	b->start = GetTickCount64();
	b->nap = SHARE_NAP_FIRST_MS;
}

/* Nap before the next try; 0 (no nap) when limit_ms have gone by. */
static int
backoff_again(struct backoff *b, ULONGLONG limit_ms)
{
	ULONGLONG spent = GetTickCount64() - b->start;
	DWORD nap = b->nap;

	if (spent >= limit_ms)
		return 0;
	if (nap > limit_ms - spent)
		nap = (DWORD)(limit_ms - spent);
	Sleep(nap);
	b->nap = b->nap * 2 > SHARE_NAP_MAX_MS ? SHARE_NAP_MAX_MS : b->nap * 2;
	return 1;
}

/*
 * errno for ERROR_ACCESS_DENIED on the file w, where the reason can be
 * told (platform.h): EROFS the read-only attribute (when writing), EPERM
 * not elevated, EACCES elevated all the same (its ACL, or a product
 * guarding it). A directory is plain EACCES, as the C runtime's open()
 * says for one: its caller tells it is no file.
 */
static int
denied_errno(const wchar_t *w, int writing)
{
	DWORD attr = GetFileAttributesW(w);

	if (attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY) != 0)
		return EACCES;
	if (writing && attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_READONLY) != 0)
		return EROFS;
	return is_elevated() ? EACCES : EPERM;
}

int
platform_open(const char *path, int flags)
{
	wchar_t *w;
	DWORD access, err = ERROR_SUCCESS;
	HANDLE h;
	struct backoff b;
	int fd, acc = flags & (O_RDONLY | O_WRONLY | O_RDWR);

	/* An existing file only: creating one is platform_open_path()'s. */
	if ((flags & (O_CREAT | O_TRUNC | O_EXCL)) != 0) {
		errno = EINVAL;
		return -1;
	}
	if ((w = widen_path(path)) == NULL)
		return -1;
	access = acc == O_RDWR ? GENERIC_READ | GENERIC_WRITE :
	    acc == O_WRONLY ? GENERIC_WRITE : GENERIC_READ;
	backoff_start(&b);
	for (;;) {
		/* Sharing all a reader can: it is the other program's share
		 * mode that decides. */
		h = CreateFileW(w, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
		    NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
		if (h != INVALID_HANDLE_VALUE)
			break;
		err = GetLastError();
		if (!sharing_violation(err) || !backoff_again(&b, (ULONGLONG)share_wait_s * 1000))
			break;
	}
	if (h == INVALID_HANDLE_VALUE) {
		errno = err == ERROR_ACCESS_DENIED ? denied_errno(w, acc != O_RDONLY) :
		    platform_errno_of(err);
		free(w);
		return -1;
	}
	free(w);
	fd = _open_osfhandle((intptr_t)h, (flags & (O_WRONLY | O_RDWR | O_APPEND)) | _O_BINARY);
	if (fd < 0) {
		err = (DWORD)errno;
		CloseHandle(h);
		errno = (int)err;
	}
	return fd;
}

/*
 * ReplaceFileW's backup name for target: ".<name>.amlhosts-XXXXXX" beside
 * it, widened; NULL (errno set) if it cannot be converted. Given, rather
 * than none, so that where ReplaceFileW moves the old file away and then
 * fails (ERROR_UNABLE_TO_MOVE_REPLACEMENT_2) the old file is where we can
 * put it back, not under a name Windows chose. The form is atomicfile's
 * temporary files' (ATOMICFILE_TEMP_TAG), so one a failed delete left is
 * swept by the next run.
 */
static wchar_t *
backup_name(const char *target)
{
	const char *base = target + strlen(target);
	char *name;
	wchar_t *w;

	while (base > target && !PLATFORM_IS_SEP(base[-1]) && base[-1] != ':')
		base--;
	name = xasprintf("%.*s.%s.amlhosts-XXXXXX", (int)(base - target), target, base);
	fill_random(name + strlen(name) - 6, 0);
	w = widen_path(name);
	free(name);
	return w;
}

/* Turn privilege name on or off in this process' token (by its wide
 * name: mingw-w64's SE_RESTORE_NAME is narrow); *was (if not NULL) gets
 * whether it was on. Nonzero if done. */
static int
set_privilege(const wchar_t *name, int on, int *was)
{
	HANDLE token;
	TOKEN_PRIVILEGES tp, prev;
	DWORD len = 0;
	int done;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &token))
		return 0;
	tp.PrivilegeCount = 1;
	tp.Privileges[0].Attributes = on ? SE_PRIVILEGE_ENABLED : 0;
	done = LookupPrivilegeValueW(NULL, name, &tp.Privileges[0].Luid) &&
	    AdjustTokenPrivileges(token, FALSE, &tp, sizeof prev, &prev, &len) &&
	    GetLastError() == ERROR_SUCCESS;
	if (done && was != NULL)
		*was = prev.PrivilegeCount == 0 ||
		    (prev.Privileges[0].Attributes & SE_PRIVILEGE_ENABLED) != 0;
	CloseHandle(token);
	return done;
}

/*
 * Give to the DACL (protected or inheriting, as it is), owner and
 * attributes of from: the hosts file's, which a plain move would swap for
 * those the temporary file got from drivers\etc. An owner other than
 * ourselves (the hosts file's is SYSTEM or TrustedInstaller) takes
 * SeRestorePrivilege, which an elevated token has but not enabled: on for
 * this call only. A Windows error code, ERROR_SUCCESS when done.
 */
static DWORD
copy_security(const wchar_t *from, const wchar_t *to)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	SECURITY_DESCRIPTOR_CONTROL ctl;
	SECURITY_INFORMATION si = OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION;
	PSID owner = NULL;
	PACL dacl = NULL;
	DWORD err, rev, attr = GetFileAttributesW(from);
	int restore = 0, was = 1;

	if (attr == INVALID_FILE_ATTRIBUTES)
		return GetLastError();
	err = GetNamedSecurityInfoW(from, SE_FILE_OBJECT, si, &owner, NULL, &dacl, NULL, &sd);
	if (err != ERROR_SUCCESS)
		return err;
	if (!GetSecurityDescriptorControl(sd, &ctl, &rev)) {
		err = GetLastError();
		goto out;
	}
	si |= (ctl & SE_DACL_PROTECTED) != 0 ? PROTECTED_DACL_SECURITY_INFORMATION :
	    UNPROTECTED_DACL_SECURITY_INFORMATION;
	restore = set_privilege(L"SeRestorePrivilege", 1, &was) && !was;
	err = SetNamedSecurityInfoW((wchar_t *)to, SE_FILE_OBJECT, si, owner, NULL, dacl, NULL);
	if (restore)
		set_privilege(L"SeRestorePrivilege", 0, NULL);
	if (err == ERROR_SUCCESS && !SetFileAttributesW(to, attr & KEPT_ATTRIBUTES))
		err = GetLastError();
out:
	LocalFree(sd);
	return err;
}

/* ReplaceFileW, or for the tests (platform_test_hooks.replace_error) its
 * failure as Windows gives it: for _2 the old file has gone to the backup
 * name. */
static BOOL
replace_file(const wchar_t *wtarget, const wchar_t *wtmp, const wchar_t *wbackup)
{
	DWORD fail = platform_test_hooks.replace_error;

	if (fail == 0)
		return ReplaceFileW(wtarget, wtmp, wbackup, REPLACEFILE_IGNORE_MERGE_ERRORS, NULL, NULL);
	if (fail == ERROR_UNABLE_TO_MOVE_REPLACEMENT_2 && !MoveFileExW(wtarget, wbackup, 0))
		return FALSE;
	SetLastError(fail);
	return FALSE;
}

/*
 * ReplaceFileW could not move wtmp into place (err): the old file is still
 * at wtarget (ERROR_UNABLE_TO_MOVE_REPLACEMENT) or at wbackup (_2, given
 * a backup name). wtmp takes its DACL, owner and attributes, then its name
 * with a plain move; if that fails the old file goes back to wtarget, so
 * a retry starts over. A Windows error code, ERROR_SUCCESS when done.
 */
static DWORD
move_fallback(const wchar_t *wtmp, const wchar_t *wtarget, const wchar_t *wbackup, DWORD err)
{
	const wchar_t *old = err == ERROR_UNABLE_TO_MOVE_REPLACEMENT_2 ? wbackup : wtarget;
	DWORD rc = copy_security(old, wtmp);

	if (rc == ERROR_SUCCESS) {
		if (MoveFileExW(wtmp, wtarget, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
			if (old == wbackup)
				DeleteFileW(wbackup); /* else swept by the next run */
			return ERROR_SUCCESS;
		}
		rc = GetLastError();
	}
	/* Failing that, the atomicfile's backup in the state directory still
	 * holds these bytes, and the name is one the next run sweeps. */
	if (old == wbackup)
		MoveFileExW(wbackup, wtarget, MOVEFILE_WRITE_THROUGH);
	return rc;
}

/* platform_replace on the widened paths (target as given, for the backup
 * name). */
static int
replace_wide(const wchar_t *wtmp, const wchar_t *wtarget, const char *target)
{
	wchar_t *wbackup = backup_name(target);
	struct backoff b;
	DWORD err = ERROR_SUCCESS;
	int rc = -1, denied;

	if (wbackup == NULL)
		return -1;
	backoff_start(&b);
	for (;;) {
		/* ReplaceFileW keeps the target's ACL, owner, attributes and
		 * streams: the hosts file stays as locked down as it was. The
		 * old file, at the backup name once it succeeded, goes. */
		if (replace_file(wtarget, wtmp, wbackup)) {
			DeleteFileW(wbackup); /* else swept by the next run */
			rc = 0;
			break;
		}
		err = GetLastError();
		if (err == ERROR_FILE_NOT_FOUND) {
			/* No target (a new file): a plain move, written
			 * through, with nothing to keep. */
			err = MoveFileExW(wtmp, wtarget, MOVEFILE_REPLACE_EXISTING |
			    MOVEFILE_WRITE_THROUGH) ? ERROR_SUCCESS : GetLastError();
		} else if (err == ERROR_UNABLE_TO_MOVE_REPLACEMENT ||
		    err == ERROR_UNABLE_TO_MOVE_REPLACEMENT_2) {
			err = move_fallback(wtmp, wtarget, wbackup, err);
		}
		if (err == ERROR_SUCCESS) {
			rc = 0;
			break;
		}
		if (sharing_violation(err)) {
			if (!backoff_again(&b, (ULONGLONG)share_wait_s * 1000)) {
				errno = EBUSY;
				break;
			}
			continue;
		}
		if (err != ERROR_ACCESS_DENIED) {
			errno = platform_errno_of(err);
			break;
		}
		/* The read-only attribute and a token that is not elevated do
		 * not go away by waiting: said at once. An elevated run that
		 * is denied may meet a scanner's or a pending delete's moment. */
		denied = denied_errno(wtarget, 1);
		if (denied != EACCES || !backoff_again(&b, DENIED_RETRY_MS)) {
			errno = denied;
			break;
		}
	}
	free(wbackup);
	return rc;
}

int
platform_replace(const char *tmp, const char *target)
{
	wchar_t *wtmp = widen_path(tmp), *wtarget = widen_path(target);
	int rc = -1;

	if (wtmp != NULL && wtarget != NULL)
		rc = replace_wide(wtmp, wtarget, target);
	else
		errno = EINVAL;
	free(wtarget);
	free(wtmp);
	return rc;
}

/* The file information of the file w names (opened for its attributes
 * only, sharing everything: the hosts file stays usable meanwhile);
 * nonzero if read, else errno set. */
static int
handle_info(const wchar_t *w, BY_HANDLE_FILE_INFORMATION *fi)
{
	HANDLE h = CreateFileW(w, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE |
	    FILE_SHARE_DELETE, NULL, OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT, NULL);
	int ok;

	if (h == INVALID_HANDLE_VALUE) {
		errno = platform_errno_of(GetLastError());
		return 0;
	}
	ok = GetFileInformationByHandle(h, fi);
	if (!ok)
		errno = platform_errno_of(GetLastError());
	CloseHandle(h);
	return ok;
}

/* errno for CreateHardLinkW's failure err: the reasons the caller copies
 * instead told apart from the rest. */
static int
link_errno(DWORD err)
{
	switch (err) {
	case ERROR_TOO_MANY_LINKS:
		return EMLINK;
	case ERROR_INVALID_FUNCTION: /* FAT, exFAT: no hard links */
	case ERROR_NOT_SUPPORTED:
		return ENOTSUP;
	default:
		return platform_errno_of(err);
	}
}

static int
link_wide(const wchar_t *wexisting, const wchar_t *wnew)
{
	BY_HANDLE_FILE_INFORMATION was, now;

	if (platform_test_hooks.no_links) {
		errno = ENOTSUP;
		return -1;
	}
	/* A file with a name elsewhere already stays live under it after the
	 * replace: whatever wrote there would change the backup. Asked of
	 * the file itself: the C runtime's st_nlink (1 on FAT, a directory
	 * entry's for a path) is not to be relied on. */
	if (!handle_info(wexisting, &was))
		return -1;
	if (was.nNumberOfLinks != 1) {
		errno = EMLINK;
		return -1;
	}
	if (!CreateHardLinkW(wnew, wexisting, NULL)) {
		errno = link_errno(GetLastError());
		return -1;
	}
	/* Exactly two names of that very file: not one that took the
	 * existing name (or gained a name) between the two looks. */
	if (!handle_info(wnew, &now) || now.nNumberOfLinks != 2 ||
	    now.dwVolumeSerialNumber != was.dwVolumeSerialNumber ||
	    now.nFileIndexHigh != was.nFileIndexHigh || now.nFileIndexLow != was.nFileIndexLow) {
		DeleteFileW(wnew);
		errno = EMLINK;
		return -1;
	}
	return 0;
}

int
platform_link(const char *existing, const char *newpath)
{
	wchar_t *wexisting = widen_path(existing), *wnew = widen_path(newpath);
	int rc = -1;

	if (wexisting != NULL && wnew != NULL)
		rc = link_wide(wexisting, wnew);
	else
		errno = EINVAL;
	free(wexisting);
	free(wnew);
	return rc;
}

/* The attributes a sealed backup loses: read-only makes DeleteFileW (prune,
 * a dropped change) fail, and hidden or system are the hosts file's, not
 * a backup's. */
#define UNSEALED_ATTRIBUTES (FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN | \
	FILE_ATTRIBUTE_SYSTEM)

/* Give the open file h the sealed DACL and take UNSEALED_ATTRIBUTES out
 * of its attributes attr: 0, or an errno value. */
static int
seal_handle(HANDLE h, DWORD attr)
{
	/* The state directory's own (platform_private_dir), protected: a
	 * link kept the hosts file's DACL, which lets Users read. */
	static const wchar_t sealed[] = L"D:P(A;;FA;;;SY)(A;;FA;;;BA)";
	PSECURITY_DESCRIPTOR sd;
	FILE_BASIC_INFO basic;
	BOOL present, defaulted;
	PACL dacl = NULL;
	DWORD err;

	if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sealed, SDDL_REVISION_1, &sd, NULL))
		return platform_errno_of(GetLastError());
	if (GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted))
		err = SetSecurityInfo(h, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION |
		    PROTECTED_DACL_SECURITY_INFORMATION, NULL, NULL, dacl, NULL);
	else
		err = GetLastError();
	LocalFree(sd);
	if (err != ERROR_SUCCESS)
		return platform_errno_of(err);
	if ((attr & UNSEALED_ATTRIBUTES) == 0)
		return 0;
	/* Zero times leave them as they are; FILE_ATTRIBUTE_NORMAL where
	 * nothing else is left (zero would mean "unchanged"). */
	memset(&basic, 0, sizeof basic);
	basic.FileAttributes = attr & ~(DWORD)UNSEALED_ATTRIBUTES;
	if (basic.FileAttributes == 0)
		basic.FileAttributes = FILE_ATTRIBUTE_NORMAL;
	if (!SetFileInformationByHandle(h, FileBasicInfo, &basic, sizeof basic))
		return platform_errno_of(GetLastError());
	return 0;
}

int
platform_seal_backup(const char *path)
{
	BY_HANDLE_FILE_INFORMATION fi;
	wchar_t *w = widen_path(path);
	HANDLE h;
	int err;

	if (w == NULL)
		return -1;
	h = CreateFileW(w, READ_CONTROL | WRITE_DAC | FILE_READ_ATTRIBUTES |
	    FILE_WRITE_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
	    NULL, OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT, NULL);
	free(w);
	if (h == INVALID_HANDLE_VALUE) {
		errno = platform_errno_of(GetLastError());
		return -1;
	}
	/* Only the file's one name: else another name of it is live (the
	 * hosts file itself, the replace not done), and its DACL is that
	 * file's. Checked and changed through the one handle. */
	if (!GetFileInformationByHandle(h, &fi))
		err = platform_errno_of(GetLastError());
	else if ((fi.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0)
		err = EISDIR;
	else if (fi.nNumberOfLinks != 1)
		err = EMLINK;
	else
		err = seal_handle(h, fi.dwFileAttributes);
	CloseHandle(h);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

int
platform_check_writable(const char *shown, const char *target, char **cause)
{
	wchar_t *w = widen_path(target);
	HANDLE h;
	DWORD attr, err;
	int rc = 0;

	if (w == NULL)
		return set_error(cause, "cannot change '%s': the path cannot be converted", shown);
	attr = GetFileAttributesW(w);
	if (attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_READONLY) != 0) {
		rc = set_error(cause, "cannot change '%s': it has the read-only attribute; "
		    "amlhosts never clears it, run 'attrib -r \"%s\"' yourself if the "
		    "change is wanted", shown, target);
		goto out;
	}
	h = CreateFileW(w, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
	    NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h != INVALID_HANDLE_VALUE) {
		CloseHandle(h);
		goto out;
	}
	err = GetLastError();
	/* Someone has it open without sharing: the replace retries that. */
	if (err == ERROR_SHARING_VIOLATION || err == ERROR_LOCK_VIOLATION)
		goto out;
	if (err == ERROR_ACCESS_DENIED && !is_elevated())
		rc = set_error(cause, "cannot change '%s': access denied; run amlhosts "
		    "from an elevated prompt (Run as administrator), or as a scheduled "
		    "task with highest privileges", shown);
	else if (err == ERROR_ACCESS_DENIED)
		rc = set_error(cause, "cannot change '%s': access denied although elevated; "
		    "an antivirus or endpoint protection product may guard the hosts file", shown);
	else
		rc = set_error(cause, "cannot change '%s': %s", shown,
		    strerror(platform_errno_of(err)));
out:
	free(w);
	return rc;
}

/* The SID of the user running this process, in a malloc()ed TOKEN_USER
 * (*buf, to be freed); NULL if it cannot be read. */
static PSID
current_user(void **buf)
{
	HANDLE token;
	DWORD len = 0;
	PSID sid = NULL;

	*buf = NULL;
	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
		return NULL;
	GetTokenInformation(token, TokenUser, NULL, 0, &len);
	if (len > 0) {
		*buf = xmalloc(len);
		if (GetTokenInformation(token, TokenUser, *buf, len, &len))
			sid = ((TOKEN_USER *)*buf)->User.Sid;
	}
	CloseHandle(token);
	return sid;
}

/* May sid own, or write to, the state directory? */
static int
trusted_sid(PSID sid, PSID me)
{
	return IsWellKnownSid(sid, WinLocalSystemSid) ||
	    IsWellKnownSid(sid, WinBuiltinAdministratorsSid) ||
	    IsWellKnownSid(sid, WinCreatorOwnerSid) ||
	    (me != NULL && EqualSid(sid, me));
}

#define DIR_WRITE_RIGHTS (FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA | \
	FILE_DELETE_CHILD | FILE_WRITE_ATTRIBUTES | DELETE | WRITE_DAC | WRITE_OWNER | \
	GENERIC_WRITE | GENERIC_ALL)

int
platform_private_dir(const char *dir, char **cause)
{
	SECURITY_ATTRIBUTES sa;
	PSECURITY_DESCRIPTOR sd = NULL, cur = NULL;
	PSID me, owner = NULL, sid;
	PACL dacl = NULL;
	ACE_HEADER *ace;
	void *tu;
	struct stat st;
	DWORD i, err;
	wchar_t *w = widen_path(dir);
	int rc = -1;

	me = current_user(&tu);
	if (w == NULL) {
		set_error(cause, "cannot use state directory '%s': the path cannot be converted", dir);
		goto out;
	}
	if (me == NULL) {
		set_error(cause, "cannot read the user running amlhosts (for the state directory's ACL)");
		goto out;
	}
	if (stat(dir, &st) != 0 && errno == ENOENT) {
		/* Made by a run that is not elevated it would be that user's,
		 * which the SYSTEM task refuses: said before anything is made. */
		if (!is_elevated()) {
			set_error(cause, "cannot create state directory '%s': amlhosts is not "
			    "elevated; run it from an elevated prompt (Run as administrator), or "
			    "as a scheduled task with highest privileges", dir);
			goto out;
		}
		/* SYSTEM and Administrators, for what is made in it too (OICI);
		 * protected (P): nothing inherited from %ProgramData%, which
		 * lets every user add files. */
		if (!ConvertStringSecurityDescriptorToSecurityDescriptorA(
		    "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)", SDDL_REVISION_1, &sd, NULL)) {
			sd = NULL;
			set_error(cause, "cannot build the state directory's ACL");
			goto out;
		}
		sa.nLength = sizeof sa;
		sa.lpSecurityDescriptor = sd;
		sa.bInheritHandle = FALSE;
		if (!CreateDirectoryW(w, &sa) && (err = GetLastError()) != ERROR_ALREADY_EXISTS) {
			set_error(cause, "cannot create state directory '%s': %s", dir,
			    strerror(platform_errno_of(err)));
			goto out;
		}
	}
	if (stat(dir, &st) != 0) {
		set_error(cause, "cannot stat state directory '%s': %s", dir, strerror(errno));
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		set_error(cause, "state directory '%s' is not a directory", dir);
		goto out;
	}
	/* Backups of a system file must not be replaceable by others: an
	 * existing directory may have been made by anyone, since every user
	 * may create folders in %ProgramData%. */
	err = GetNamedSecurityInfoW(w, SE_FILE_OBJECT,
	    OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, &owner, NULL, &dacl, NULL, &cur);
	if (err != ERROR_SUCCESS) {
		set_error(cause, "cannot read the ACL of state directory '%s': %s", dir,
		    strerror(platform_errno_of(err)));
		goto out;
	}
	if (owner == NULL || !trusted_sid(owner, me)) {
		set_error(cause, "state directory '%s' is not owned by Administrators, SYSTEM or "
		    "the user running amlhosts; remove it, or take it over with "
		    "'takeown /F \"%s\" /A /R'", dir, dir);
		goto out;
	}
	if (dacl == NULL) {
		set_error(cause, "state directory '%s' has no ACL, so everyone may change it", dir);
		goto out;
	}
	for (i = 0; i < dacl->AceCount; i++) {
		if (!GetAce(dacl, i, (void **)&ace) || ace->AceType != ACCESS_ALLOWED_ACE_TYPE ||
		    (ace->AceFlags & INHERIT_ONLY_ACE) != 0)
			continue;
		sid = (PSID)&((ACCESS_ALLOWED_ACE *)ace)->SidStart;
		if ((((ACCESS_ALLOWED_ACE *)ace)->Mask & DIR_WRITE_RIGHTS) != 0 && !trusted_sid(sid, me)) {
			set_error(cause, "state directory '%s' is writable by others; run "
			    "'icacls \"%s\" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F "
			    "*S-1-5-32-544:(OI)(CI)F' from an elevated prompt", dir, dir);
			goto out;
		}
	}
	rc = 0;
out:
	if (cur != NULL)
		LocalFree(cur);
	if (sd != NULL)
		LocalFree(sd);
	free(tu);
	free(w);
	return rc;
}

/* Run "<system>\ipconfig.exe /flushdns" without a window, its output
 * discarded, stopped (with anything it started) after 10 s. */
static int
run_ipconfig_flushdns(void)
{
	char *dir, *path, *argv[] = { "ipconfig", "/flushdns", NULL };
	struct process_opts po;
	struct process_result pr;
	int rc;

	if ((dir = sized_string(get_system_dir, NULL)) == NULL)
		return -1;
	path = xasprintf("%s\\ipconfig.exe", dir);
	memset(&po, 0, sizeof po);
	po.path = path;
	po.argv = argv;
	po.timeout_ms = 10000;
	po.out = PROCESS_DISCARD;
	po.err = PROCESS_DISCARD;
	process_result_init(&pr);
	rc = process_run(&po, &pr, NULL) == 0 && pr.end == PROCESS_EXITED && pr.code == 0 ? 0 : -1;
	process_result_release(&pr);
	free(path);
	free(dir);
	return rc;
}

void
platform_flush_dns(struct strlist *warnings)
{
	typedef BOOL (WINAPI *flush_fn)(void);
	HMODULE dnsapi;
	flush_fn flush = NULL;
	int done = 0;

	/* Not in the import library of every SDK: looked up at run time. */
	dnsapi = LoadLibraryW(L"dnsapi.dll");
	if (dnsapi != NULL) {
		flush = (flush_fn)(void (*)(void))GetProcAddress(dnsapi, "DnsFlushResolverCache");
		done = flush != NULL && flush();
		FreeLibrary(dnsapi);
	}
	if (!done && run_ipconfig_flushdns() != 0)
		strlist_push(warnings, "cannot flush the DNS Client cache (DnsFlushResolverCache "
		    "and 'ipconfig /flushdns' failed); cached answers may be stale for a while");
}

void
platform_sha256_pieces(const struct sha256_piece *v, size_t nv, unsigned char md[32])
{
	BCRYPT_ALG_HANDLE alg = NULL;
	BCRYPT_HASH_HANDLE hash = NULL;
	const unsigned char *c;
	size_t i, n;
	ULONG chunk;
	int ok;

	ok = BCRYPT_SUCCESS(BCryptOpenAlgorithmProvider(&alg, BCRYPT_SHA256_ALGORITHM, NULL, 0)) &&
	    BCRYPT_SUCCESS(BCryptCreateHash(alg, &hash, NULL, 0, NULL, 0, 0));
	for (i = 0; ok && i < nv; i++)
		for (c = v[i].p, n = v[i].n; ok && n > 0; c += chunk, n -= chunk) {
			chunk = n > 0x40000000u ? 0x40000000u : (ULONG)n;
			ok = BCRYPT_SUCCESS(BCryptHashData(hash, (PUCHAR)(uintptr_t)c, chunk, 0));
		}
	ok = ok && BCRYPT_SUCCESS(BCryptFinishHash(hash, md, 32, 0));
	if (hash != NULL)
		BCryptDestroyHash(hash);
	if (alg != NULL)
		BCryptCloseAlgorithmProvider(alg, 0);
	if (!ok) {
		/* CNG's SHA-256 cannot fail short of memory exhaustion. */
		out_of_memory();
	}
}

int
platform_syslog_available(char **cause)
{
	(void)cause;
	return 0;
}

/* The Event Log source of --syslog (platform_openlog); NULL before, or if
 * it cannot be had. */
static HANDLE event_source;

void
platform_openlog(const char *ident)
{
	wchar_t *w = platform_widen(ident);

	/* An unregistered source still logs, to Application, with a note
	 * that its message file is missing. NULL leaves --syslog silent, as
	 * syslog(3) is when no daemon listens. */
	if (event_source == NULL && w != NULL)
		event_source = RegisterEventSourceW(NULL, w);
	free(w);
}

void
platform_syslog(int prio, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	wchar_t *w;
	const wchar_t *strings[1];
	int n;
	WORD type = prio <= LOG_ERR ? EVENTLOG_ERROR_TYPE :
	    prio == LOG_WARNING ? EVENTLOG_WARNING_TYPE : EVENTLOG_INFORMATION_TYPE;
	DWORD id = prio <= LOG_ERR ? EVENT_ID_ERROR :
	    prio == LOG_WARNING ? EVENT_ID_WARNING : EVENT_ID_INFO;

	if (event_source == NULL)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	/* Without MB_ERR_INVALID_CHARS: a message naming a file whose name is
	 * not text is still logged, that name with U+FFFD. */
	n = MultiByteToWideChar(CP_ACP, 0, msg, -1, NULL, 0);
	if (n > 0) {
		w = xmalloc((size_t)n * sizeof *w);
		strings[0] = w;
		/* Like syslog(3), logging never fails the command: a full or
		 * stopped log is not a reason to leave the hosts file alone. */
		if (MultiByteToWideChar(CP_ACP, 0, msg, -1, w, n) == n)
			(void)ReportEventW(event_source, type, 0, id, NULL, 1, 0, strings, NULL);
		free(w);
	}
	free(msg);
}

void
platform_closelog(void)
{
	if (event_source != NULL)
		DeregisterEventSource(event_source);
	event_source = NULL;
}

void
platform_net_init(void)
{
	static int started;
	WSADATA wsa;

	/* Once per process; Winsock is torn down at exit. */
	if (!started && WSAStartup(MAKEWORD(2, 2), &wsa) == 0)
		started = 1;
}

char *
platform_realpath(const char *path)
{
	wchar_t *w = platform_widen(path), *full, *lw;
	DWORD attr;
	char *s;

	full = w != NULL ? full_path(w) : NULL;
	free(w);
	if (full == NULL) {
		errno = ENOENT;
		return NULL;
	}
	s = platform_narrow(full);
	free(full);
	/* realpath(3) fails for what does not exist; so does this. */
	lw = s != NULL ? widen_path(s) : NULL;
	attr = lw != NULL ? GetFileAttributesW(lw) : INVALID_FILE_ATTRIBUTES;
	if (attr == INVALID_FILE_ATTRIBUTES) {
		errno = lw != NULL ? platform_errno_of(GetLastError()) : ENOENT;
		free(s);
		s = NULL;
	}
	free(lw);
	return s;
}

int
platform_stat(const char *path, struct stat *st)
{
	BY_HANDLE_FILE_INFORMATION fi;
	wchar_t *w;
	HANDLE h;
	int fd, rc;

	/* The C runtime's stat() stops at MAX_PATH. */
	if (strlen(path) < LONG_PATH_CHARS)
		return (stat)(path, st);
	if ((w = widen_path(path)) == NULL)
		return -1;
	/* Attributes only (a file another program holds open sharing
	 * nothing still answers); BACKUP_SEMANTICS opens a directory too. */
	h = CreateFileW(w, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE |
	    FILE_SHARE_DELETE, NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
	free(w);
	if (h == INVALID_HANDLE_VALUE) {
		errno = platform_errno_of(GetLastError());
		return -1;
	}
	/* fstat() of the same file, so that its size and times compare with
	 * those of file_open()'s fstat() exactly. */
	if (!GetFileInformationByHandle(h, &fi) || (fd = _open_osfhandle((intptr_t)h, _O_RDONLY)) < 0) {
		CloseHandle(h);
		errno = EIO;
		return -1;
	}
	rc = fstat(fd, st);
	close(fd);
	if (rc == 0 && (fi.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0)
		st->st_mode = (unsigned short)((st->st_mode & ~S_IFMT) | S_IFDIR);
	return rc;
}

int
platform_unlink(const char *path)
{
	wchar_t *w;

	if (strlen(path) < LONG_PATH_CHARS)
		return (unlink)(path);
	if ((w = widen_path(path)) == NULL)
		return -1;
	if (!DeleteFileW(w)) {
		errno = platform_errno_of(GetLastError());
		free(w);
		return -1;
	}
	free(w);
	return 0;
}

/* The C runtime's wide calls behind platform_open_path() and the others
 * (platform.h), by one name each. */
enum wide_call {
	WIDE_OPEN,
	WIDE_MKDIR,
	WIDE_RMDIR,
	WIDE_ACCESS
};

/* call on path widened (widen_path), errno as the C runtime sets it. */
static int
wide_path_call(enum wide_call call, const char *path, int flags, int mode)
{
	wchar_t *w = widen_path(path);
	int rc, err;

	if (w == NULL)
		return -1;
	switch (call) {
	case WIDE_OPEN:
		rc = _wopen(w, flags, mode);
		break;
	case WIDE_MKDIR:
		rc = _wmkdir(w);
		break;
	case WIDE_RMDIR:
		rc = _wrmdir(w);
		break;
	default:
		rc = _waccess(w, flags);
		break;
	}
	err = errno;
	free(w);
	errno = err;
	return rc;
}

int
platform_open_path(const char *path, int flags, ...)
{
	va_list ap;
	int mode = 0;

	/* The mode argument is there only with O_CREAT, as for open(2). */
	if ((flags & O_CREAT) != 0) {
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	return wide_path_call(WIDE_OPEN, path, flags, mode);
}

int
platform_mkdir(const char *path)
{
	return wide_path_call(WIDE_MKDIR, path, 0, 0);
}

int
platform_rmdir(const char *path)
{
	return wide_path_call(WIDE_RMDIR, path, 0, 0);
}

int
platform_access(const char *path, int mode)
{
	return wide_path_call(WIDE_ACCESS, path, mode, 0);
}

struct platform_dir {
	HANDLE find;             /* INVALID_HANDLE_VALUE: nothing (more) to list */
	int pending;             /* data holds an entry not yet returned */
	WIN32_FIND_DATAW data;
	struct platform_dirent entry;
};

platform_dir_t *
platform_opendir(const char *path)
{
	size_t len = strlen(path);
	char *pattern = xasprintf("%s%s*", path, len > 0 && PLATFORM_IS_SEP(path[len - 1]) ? "" : "\\");
	wchar_t *w = widen_path(pattern);
	platform_dir_t *d;
	DWORD err;

	free(pattern);
	if (w == NULL)
		return NULL;
	d = xmalloc(sizeof *d);
	memset(d, 0, sizeof *d);
	d->find = FindFirstFileW(w, &d->data);
	free(w);
	if (d->find != INVALID_HANDLE_VALUE) {
		d->pending = 1;
		return d;
	}
	/* No entry at all (a drive's empty root has no "."): an empty list;
	 * a missing directory or a file: an error, as opendir() says. */
	err = GetLastError();
	if (err == ERROR_FILE_NOT_FOUND)
		return d;
	free(d);
	errno = platform_errno_of(err);
	return NULL;
}

struct platform_dirent *
platform_readdir(platform_dir_t *d)
{
	for (;;) {
		if (d->find == INVALID_HANDLE_VALUE)
			return NULL;
		if (!d->pending && !FindNextFileW(d->find, &d->data)) {
			/* ERROR_NO_MORE_FILES, or a failure readdir() would also
			 * end the listing at. */
			FindClose(d->find);
			d->find = INVALID_HANDLE_VALUE;
			return NULL;
		}
		d->pending = 0;
		free(d->entry.d_name);
		/* A name that cannot be narrowed names no file our strings
		 * could reach: skipped. */
		d->entry.d_name = platform_narrow(d->data.cFileName);
		if (d->entry.d_name != NULL)
			return &d->entry;
	}
}

int
platform_closedir(platform_dir_t *d)
{
	if (d->find != INVALID_HANDLE_VALUE)
		FindClose(d->find);
	free(d->entry.d_name);
	free(d);
	return 0;
}

/* Six random name characters for a temporary file or directory. */
static void
fill_random(char *x, int tries)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned int r;
	int i;

	for (i = 0; i < 6; i++) {
		if (rand_s(&r) != 0)
			r = (unsigned int)(GetTickCount64() * 2654435761u +
			    (ULONGLONG)i * 40503u + (ULONGLONG)tries);
		x[i] = chars[r % (sizeof chars - 1)];
	}
}

/* path created (CREATE_NEW) for reading and writing, as a descriptor;
 * -2 if it exists, -1 with errno on another failure. */
static int
create_new_long(const char *path)
{
	wchar_t *w = widen_path(path);
	HANDLE h;
	DWORD err;
	int fd;

	if (w == NULL)
		return -1;
	h = CreateFileW(w, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
	    NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
	free(w);
	if (h == INVALID_HANDLE_VALUE) {
		err = GetLastError();
		if (err == ERROR_FILE_EXISTS || err == ERROR_ALREADY_EXISTS)
			return -2;
		errno = platform_errno_of(err);
		return -1;
	}
	fd = _open_osfhandle((intptr_t)h, _O_RDWR | _O_BINARY);
	if (fd < 0)
		CloseHandle(h);
	return fd;
}

int
platform_mkostemp(char *tmpl, int flags)
{
	size_t len = strlen(tmpl);
	char *x;
	int fd, tries;

	if (len < 6 || strcmp(tmpl + len - 6, "XXXXXX") != 0) {
		errno = EINVAL;
		return -1;
	}
	x = tmpl + len - 6;
	for (tries = 0; tries < 100; tries++) {
		fill_random(x, tries);
		if (len >= LONG_PATH_CHARS) {
			/* Beside a hosts file with a long path: the C runtime's
			 * _open() stops at MAX_PATH. */
			fd = create_new_long(tmpl);
			if (fd == -2)
				continue;
		} else
			fd = _open(tmpl, _O_RDWR | _O_CREAT | _O_EXCL | _O_BINARY | _O_NOINHERIT |
			    (flags & ~O_CLOEXEC), _S_IREAD | _S_IWRITE);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

char *
platform_mkdtemp(char *tmpl)
{
	size_t len = strlen(tmpl);
	char *x;
	int tries;

	if (len < 6 || strcmp(tmpl + len - 6, "XXXXXX") != 0) {
		errno = EINVAL;
		return NULL;
	}
	x = tmpl + len - 6;
	for (tries = 0; tries < 100; tries++) {
		fill_random(x, tries);
		if (platform_mkdir(tmpl) == 0)
			return tmpl;
		if (errno != EEXIST)
			return NULL;
	}
	errno = EEXIST;
	return NULL;
}

ssize_t
platform_pread(int fd, void *buf, size_t n, off_t off)
{
	if (_lseeki64(fd, (long long)off, SEEK_SET) < 0)
		return -1;
	return read(fd, buf, n > 0x7fffffffu ? 0x7fffffffu : (unsigned int)n);
}

int
platform_clock_gettime(int clock, struct timespec *ts)
{
	ULONGLONG ms = GetTickCount64();

	(void)clock;
	ts->tv_sec = (time_t)(ms / 1000);
	ts->tv_nsec = (long)(ms % 1000) * 1000000L;
	return 0;
}

int
platform_nanosleep(const struct timespec *req, struct timespec *rem)
{
	ULONGLONG ms = (ULONGLONG)req->tv_sec * 1000 + (ULONGLONG)(req->tv_nsec + 999999) / 1000000;

	Sleep(ms > 0xfffffffeu ? 0xfffffffeu : (DWORD)ms);
	if (rem != NULL)
		rem->tv_sec = 0, rem->tv_nsec = 0;
	return 0;
}

#endif /* _WIN32 */
