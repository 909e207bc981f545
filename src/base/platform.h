/*
 * platform.h - what differs between POSIX systems and Windows, behind one
 * contract. src/base/platform-posix.c implements it for Linux, macOS and the
 * BSDs, src/base/platform-win32.c for Windows (configure picks one by host; each
 * file is empty on the other side, so a build that compiles every file in
 * src/, as the fuzz harnesses do, still links).
 *
 * The POSIX side keeps what the core always did (rename(2), flock(2),
 * nscd, "run as root"); the rest of the core calls these functions only
 * where Windows needs something else, so POSIX behaviour is unchanged.
 *
 * The second half of this header, for Windows only, maps the few POSIX
 * names the core uses onto the C runtime (fsync onto _commit, lstat onto
 * stat, ...) so that the shared code compiles unchanged there.
 */
#ifndef AMLHOSTS_PLATFORM_H
#define AMLHOSTS_PLATFORM_H

#include <stddef.h>
#include "base/util.h"

/* The default paths as shown by --help and the man pages (configure sets
 * SYSCONFDIR and LOCALSTATEDIR). */
#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif
#ifdef _WIN32
/* For --help only: the paths themselves come from platform.h's
 * platform_default_*() (the system and ProgramData folders). */
#define DEFAULT_CONFIG_FILE "%ProgramData%\\amlhosts\\amlhosts.conf"
#define DEFAULT_HOSTS_FILE "%SystemRoot%\\System32\\drivers\\etc\\hosts"
#define DEFAULT_STATE_DIR "%ProgramData%\\amlhosts"
#else
#define DEFAULT_CONFIG_FILE SYSCONFDIR "/amlhosts.conf"
#define DEFAULT_HOSTS_FILE "/etc/hosts"
#define DEFAULT_STATE_DIR LOCALSTATEDIR "/lib/amlhosts"
#endif

/* Defaults, computed once (static storage, never freed): POSIX the
 * configure-time paths; Windows <GetSystemDirectoryW>\drivers\etc\hosts,
 * %ProgramData%\amlhosts and %ProgramData%\amlhosts\amlhosts.conf. */
const char *platform_default_hosts_file(void);
const char *platform_default_state_dir(void);
const char *platform_default_config_file(void);

/* The directory of the running program (/proc/self/exe; Windows:
 * GetModuleFileNameW, no MAX_PATH limit), malloc()ed; NULL where it cannot
 * be known. The discovery helper is looked for beside it. */
char *platform_self_dir(void);

/* One non-blocking try at the exclusive lock on the open lock file fd:
 * 0 taken, 1 held by another process, -1 error (errno set). POSIX flock(2),
 * Windows LockFileEx. Closing fd releases it. */
int platform_trylock(int fd);

/* Put the complete, synced file tmp in place of target in one step.
 * POSIX rename(2) (the caller syncs the directory); Windows ReplaceFileW,
 * which keeps the target's ACL and attributes, or MoveFileExW(REPLACE_
 * EXISTING | WRITE_THROUGH) where the target is gone, and where ReplaceFileW
 * cannot move tmp into place (ERROR_UNABLE_TO_MOVE_REPLACEMENT(_2)) after
 * copying the old file's DACL, owner and attributes onto tmp; the old file
 * is never left under a name of Windows' choosing (ReplaceFileW is given a
 * backup name beside the target, deleted after). -1 with errno set on
 * failure. On Windows, sharing violations (antivirus, the DNS Client
 * service, an editor holding the file open) are retried as platform_open()
 * does, then EBUSY; an access denial is EROFS (the read-only attribute) or
 * EPERM (not elevated) at once, else retried for up to 5 s, then EACCES. */
int platform_replace(const char *tmp, const char *target);

#ifdef _WIN32
/* Can target be opened for writing? 0 if so; else -1 and a message that
 * says how to get the right ("run from an elevated prompt" when the token
 * is not elevated). */
int platform_check_writable(const char *shown, const char *target, char **cause);
#else
/* Can name, in the directory held as dirfd, be opened for writing by the
 * effective user? 0 if so (or if a read-only filesystem is what stops it,
 * or if name is now a link: it is not the file read); else -1 and a
 * message that says "run as root, e.g. with sudo". Windows has no *at()
 * calls: platform_check_writable() by path. */
int platform_check_writable_at(const char *shown, int dirfd, const char *name, char **cause);
#endif

/* Windows only: create the state directory dir (or a directory in it) if
 * missing, with an ACL of its own (SYSTEM and Administrators, full control,
 * inherited by what is made in it; protected: nothing inherited from
 * %ProgramData%, where every user may add files), and only from an elevated
 * run: one that is not elevated is told so and creates nothing (a directory
 * it made would be its own, which the SYSTEM task refuses). Refuse an
 * existing one owned by someone else or that an ACL entry lets others
 * write. (POSIX: mode 0700 and owner, in journal.c.) */
#ifdef _WIN32
int platform_private_dir(const char *dir, char **cause);
#endif

/*
 * Windows only: the backup of a change as a second name of the old hosts
 * file, no byte copied (POSIX: linkat, in atomicfile.c). platform_link
 * makes newpath a hard link (CreateHardLinkW) of existing. That file is
 * never written again: platform_replace() puts a new file under its name,
 * and ReplaceFileW opens the replaced file for GENERIC_READ, DELETE and
 * SYNCHRONIZE only, then moves it (to a name beside it, deleted after), so
 * the backup keeps the old bytes. Refused, with what the caller copies
 * instead: EMLINK the file has another name already (it would stay live
 * there), EXDEV another volume, ENOTSUP no hard links (FAT, exFAT, or
 * platform_test_hooks.no_links); else errno as platform_errno_of().
 *
 * platform_seal_backup, once the change landed and path is the file's one
 * name: the state directory's protected DACL (SYSTEM and Administrators;
 * the link kept the hosts file's, which lets Users read) and no read-only,
 * hidden or system attribute (read-only would make deleting it, in prune,
 * fail). A file with another name still is left alone (EMLINK). 0, or -1
 * with errno set.
 */
#ifdef _WIN32
int platform_link(const char *existing, const char *newpath);
int platform_seal_backup(const char *path);
#endif

/* Windows only: flush the DNS Client's cache after the hosts file changed
 * (flush_dns = yes): DnsFlushResolverCache from dnsapi.dll, else
 * "ipconfig /flushdns". Failures become warnings. (The POSIX flush, nscd
 * and macOS' mDNSResponder, stays in hostsedit.c.) */
#ifdef _WIN32
void platform_flush_dns(struct strlist *warnings);
#endif

/* SHA-256 of the bytes of v[0..nv) one after the other (what a file
 * written from pieces holds, without joining them first): POSIX libcrypto,
 * Windows CNG (bcrypt.dll). */
struct sha256_piece {
	const void *p;
	size_t n;
};
void platform_sha256_pieces(const struct sha256_piece *v, size_t nv, unsigned char md[32]);

/* Is --syslog available? 0 if so; else -1 and why. */
int platform_syslog_available(char **cause);

/* Before the first getaddrinfo(): Windows starts Winsock (once); POSIX
 * has nothing to do. */
void platform_net_init(void);

#ifdef _WIN32
/* Winsock: inet_pton, inet_ntop, getaddrinfo, struct in6_addr. windows.h
 * without GDI and min/max, whose macros clash with ordinary names. */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef NOGDI
#define NOGDI
#endif
#include <winsock2.h>
#include <ws2tcpip.h>

/*
 * The C runtime mingw-w64 links against has most of POSIX' file calls
 * (read, write, close, ftruncate); what it lacks, and those that take a
 * path (which stop at MAX_PATH there), are mapped here. Files are opened in
 * binary mode throughout (platform-win32.c sets _fmode before main): the hosts engine
 * decides about CRLF itself, byte for byte.
 */
#include <direct.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif
#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0
#endif
#ifndef O_NOCTTY
#define O_NOCTTY 0
#endif
#ifndef O_NONBLOCK
#define O_NONBLOCK 0
#endif
#ifndef O_DIRECTORY
#define O_DIRECTORY 0
#endif
#ifndef S_ISLNK
#define S_ISLNK(m) 0
#endif
#ifndef EWOULDBLOCK
#define EWOULDBLOCK EAGAIN
#endif

/* Owners and modes are ACLs on Windows: st_uid is always 0 there, and so is
 * the effective user, so ownership checks pass and the ACL decides. */
#define geteuid() 0
#define getegid() 0
#define lstat(p, st) stat((p), (st))
#define fsync(fd) _commit(fd)

/* For the Windows side of base (platform-win32.c, process-win32.c): our
 * strings in UTF-16 for the ...W calls, and back, malloc()ed, NULL when
 * they cannot be converted. Always the ANSI code page, the one the C
 * runtime's open() and stat() and the ...A calls use (UTF-8 under the
 * manifest's activeCodePage), so that a string names the same file or
 * says the same thing whichever call it goes to. */
wchar_t *platform_widen(const char *s);
char *platform_narrow(const wchar_t *w);
/* errno for a Windows error code (GetLastError()), so that strerror()
 * messages still say what happened: ENOENT, EACCES, EBUSY, EXDEV, ENOSPC,
 * EROFS, ENOMEM, else EIO. */
int platform_errno_of(DWORD err);

/*
 * Open the existing file path (flags: O_RDONLY, O_WRONLY or O_RDWR, maybe
 * O_APPEND; the rest are ignored, O_CREAT/O_TRUNC/O_EXCL refused with
 * EINVAL) as open() would, sharing read, write and delete with others.
 * Every read of the hosts file comes here (file_open, the read-back): a
 * sharing violation (another program has it open without sharing) is
 * retried with backoff for up to platform_share_wait() seconds, then
 * EBUSY. ERROR_ACCESS_DENIED says why where it can: EROFS the read-only
 * attribute (when writing), EPERM the token is not elevated, EACCES
 * elevated all the same (an ACL, or a product guarding the file).
 */
int platform_open(const char *path, int flags);

/* The longest wait for a file another program holds open (platform_open,
 * platform_replace), in seconds: lock_timeout (30 until set). */
void platform_set_share_wait(int seconds);
int platform_share_wait(void);

/* Paths may use either separator on Windows. */
#define PLATFORM_IS_SEP(c) ((c) == '/' || (c) == '\\')

/* Resolve path to an absolute one (no symlinks to follow for a hosts file
 * on Windows); malloc()ed, NULL with errno set. */
char *platform_realpath(const char *path);
#define realpath(p, r) platform_realpath(p)

/* stat() and unlink() for paths past MAX_PATH too (widened to the
 * \\?\ form); a shorter path goes to the C runtime's own, as before. */
int platform_stat(const char *path, struct stat *st);
int platform_unlink(const char *path);
#define stat(p, st) platform_stat((p), (st))
#define unlink(p) platform_unlink(p)

/*
 * open(), mkdir(), rmdir() and access() for paths past MAX_PATH too: the
 * path goes through the one conversion (widen_path: the \\?\ form when
 * long) to the C runtime's wide call (_wopen, _wmkdir, _wrmdir, _waccess),
 * which sets errno as the narrow one does. The state directory's lock,
 * journal and backups, and uninstall --purge, reach their files this way.
 */
int platform_open_path(const char *path, int flags, ...);
int platform_mkdir(const char *path);
int platform_rmdir(const char *path);
int platform_access(const char *path, int mode);
#define open(...) platform_open_path(__VA_ARGS__)
#define mkdir(p, mode) platform_mkdir(p)
#define rmdir(p) platform_rmdir(p)
#define access(p, mode) platform_access((p), (mode))

/*
 * opendir(), readdir() and closedir() over FindFirstFileW and
 * FindNextFileW, the path widened as above (the C runtime's opendir()
 * stops at MAX_PATH, so a listing beside a long path came back empty).
 * d_name is the entry's name in the code page of our strings ("." and
 * ".." included, as POSIX lists them), valid until the next readdir();
 * opendir() of a missing directory is NULL with errno ENOENT.
 */
struct platform_dirent {
	char *d_name;
};
typedef struct platform_dir platform_dir_t;
platform_dir_t *platform_opendir(const char *path);
struct platform_dirent *platform_readdir(platform_dir_t *d);
int platform_closedir(platform_dir_t *d);
#define DIR platform_dir_t
#define dirent platform_dirent
#define opendir(p) platform_opendir(p)
#define readdir(d) platform_readdir(d)
#define closedir(d) platform_closedir(d)

/* mkostemp: the name's trailing XXXXXX replaced, created O_EXCL, binary. */
int platform_mkostemp(char *tmpl, int flags);
#define mkostemp(t, f) platform_mkostemp((t), (f))

/* mkdtemp: the name's trailing XXXXXX replaced, the directory created. */
char *platform_mkdtemp(char *tmpl);
#define mkdtemp(t) platform_mkdtemp(t)

/* system() and pclose() return the exit code itself. */
#ifndef WIFEXITED
#define WIFEXITED(status) 1
#define WEXITSTATUS(status) (status)
#endif

ssize_t platform_pread(int fd, void *buf, size_t n, off_t off);
#define pread(fd, b, n, o) platform_pread((fd), (b), (n), (o))

/* Monotonic clock and sleep, without winpthreads. */
#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC 1
#endif
int platform_clock_gettime(int clock, struct timespec *ts);
int platform_nanosleep(const struct timespec *req, struct timespec *rem);
#define clock_gettime(c, ts) platform_clock_gettime((c), (ts))
#define nanosleep(req, rem) platform_nanosleep((req), (rem))
#define gmtime_r(t, tm) (gmtime_s((tm), (t)) == 0 ? (tm) : NULL)

/* No syslog: --syslog writes to the Windows Event Log instead, source
 * "amlhosts" in the Application log (the install steps register it):
 * LOG_ERR and worse as errors, LOG_WARNING as warnings, the rest as
 * information. */
#define LOG_PID 0
#define LOG_USER 0
#define LOG_ERR 3
#define LOG_WARNING 4
#define LOG_NOTICE 5
#define LOG_INFO 6
#define LOG_DEBUG 7
void platform_openlog(const char *ident);
void platform_syslog(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void platform_closelog(void);
#define openlog(ident, opt, fac) platform_openlog(ident)
#define closelog() platform_closelog()
#define syslog(...) platform_syslog(__VA_ARGS__)

/* Tests only (test_platform_win): not_elevated makes the run look not
 * elevated; replace_error, an ERROR_UNABLE_TO_MOVE_REPLACEMENT(_2), makes
 * platform_replace's ReplaceFileW fail that way, as Windows does (for _2
 * the old file already moved to the backup name), so that its fallback
 * runs; no_links makes platform_link fail as on FAT (ENOTSUP). Zero in the
 * programs. */
struct platform_test_hooks {
	int not_elevated;
	DWORD replace_error;
	int no_links;
};
extern struct platform_test_hooks platform_test_hooks;
#else
#define PLATFORM_IS_SEP(c) ((c) == '/')
#endif

#endif
