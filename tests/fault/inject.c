/*
 * inject.c - an LD_PRELOAD library that makes one chosen system call fail,
 * to prove that amlhosts leaves the hosts file old or new, never anything
 * else, whatever call fails (issue #4; after jq's src/inject_errors.c).
 * Built only for the tests (tests/fault/libinject.so), never installed.
 *
 *   INJECT_CALL=write INJECT_N=3 INJECT_ERRNO=ENOSPC \
 *       LD_PRELOAD=tests/fault/libinject.so amlhosts ... apply
 *
 * makes the third write(2) the program makes fail with ENOSPC. Calls are
 * grouped in kinds, counted from 1 from the moment main() starts (the
 * dynamic loader, libc and library constructors are left alone, so the
 * numbering does not depend on them):
 *
 *   open       open, open64, openat, openat64, __open_2, mkostemp, mkstemp
 *              (glibc's mkostemp opens through an internal alias that no
 *              preload library can reach, so the call itself stands for it)
 *   read       read, __read_chk
 *   write      write, pwrite, pwrite64, writev
 *   fsync      fsync, fdatasync
 *   rename     rename, renameat, renameat2
 *   ftruncate  ftruncate, ftruncate64
 *   close      close (the descriptor is closed even when close "fails",
 *              as Linux does)
 *   flock      flock
 *   unlink     unlink, unlinkat
 *   link       link, linkat (a backup as a hard link of the old inode)
 *   clone      ioctl(FICLONE) only (a backup as a reflink); other ioctls
 *              pass through uncounted
 *   malloc     malloc, calloc, realloc (ENOMEM whatever INJECT_ERRNO says)
 *   mmap       mmap, mmap64 of a file (the engine maps the hosts file);
 *              anonymous mappings (malloc's) pass through uncounted
 *
 * Environment:
 *   INJECT_CALL    kind to fail
 *   INJECT_N       which call of that kind fails (1 = the first)
 *   INJECT_ERRNO   EIO (default), ENOSPC, EDQUOT, EINTR, ENOMEM, EBUSY,
 *                  EXDEV, EACCES, EPERM, EROFS, ENOLCK, EFBIG, EMFILE or a
 *                  number
 *   INJECT_PERSIST =1: fail call N and every later call of the kind (a disk
 *                  that stays full)
 *   INJECT_KILL    =1: instead of failing call N, die of SIGKILL just before
 *                  making it: a crash at an exact point
 *   INJECT_TORN    BYTES: with INJECT_KILL on a write, make the first BYTES
 *                  of it (fewer if it is shorter), then die: a crash in the
 *                  middle of a write, as a short write then a kill leaves it
 *   INJECT_PREFIX  count only calls on paths under this prefix (for calls
 *                  on a descriptor: the path /proc/self/fd says it has);
 *                  malloc is always counted
 *   INJECT_SKIP_CALLERS  comma list: allocations made directly by a shared
 *                  object whose path contains one of these (say
 *                  "libcrypto.so") are neither counted nor failed, to leave
 *                  out a library known not to survive a failed malloc
 *   INJECT_COUNT   FILE: at exit, write "KIND COUNT" lines, one per kind
 *   INJECT_TRACE   FILE: append one line per counted call ("write 3 PATH"),
 *                  and "INJECT write 3 ENOSPC" for the one made to fail
 *   INJECT_DELAY_US  sleep this long before each counted call of the kinds
 *                  in INJECT_DELAY_CALLS (default "write,fsync,rename"):
 *                  a slow disk, so that a kill -9 lands inside the write
 *                  sequence
 *   INJECT_APPEND_CALL, INJECT_APPEND_N  before counted call N of this kind
 *                  (which is made as usual), append INJECT_APPEND_TEXT to
 *                  INJECT_APPEND_FILE: another program editing a file at an
 *                  exact point; INJECT_APPEND_EVERY=1: before every later
 *                  call of the kind too (a program that keeps editing)
 *   INJECT_SWAP_STEPS, INJECT_SWAP_MATCH, INJECT_SWAP_DIR, INJECT_SWAP_AWAY,
 *   INJECT_SWAP_LINK  a directory swapped under a run (issue 11): STEPS is a
 *                  comma list of kinds among open, close, rename, link and
 *                  flock; at the first call of the first kind whose path
 *                  (for rename, the source; for link, the new name; for
 *                  close and flock, the descriptor's) contains MATCH, and
 *                  so on down the list (a step "kind@N": at the Nth such
 *                  call, not the first), before
 *                  the call is made: when DIR is a directory it is renamed
 *                  to AWAY and a symbolic link to LINK put in its place,
 *                  when it is that link it goes and AWAY comes back. The
 *                  steps are taken whatever INJECT_PREFIX says
 *   INJECT_CUT_MMAP_N, INJECT_CUT_FILE, INJECT_CUT_TEXT  right after counted
 *                  mmap N succeeds, rewrite INJECT_CUT_FILE in place (the
 *                  same inode, O_TRUNC) to hold INJECT_CUT_TEXT (may be
 *                  empty): another program cutting the file short under the
 *                  mapping, which a read past its new end meets as SIGBUS
 *   INJECT_SWAP_RENAME =1: LINK is a directory that takes DIR's place (a
 *                  directory of the same name, no link); the next step
 *                  puts it back at LINK and AWAY back at DIR
 *
 * The *at() calls are counted and traced under the path they reach: a
 * relative name is joined to the path /proc/self/fd gives for the directory
 * descriptor, so that INJECT_PREFIX covers a write made relative to one.
 *
 * The interposed malloc resolves the real one with dlsym(), which may
 * itself allocate: while that happens, allocations come from a static
 * bootstrap buffer that free() recognises and ignores. Nothing in this file
 * allocates; trace lines are formatted on the stack and written with the
 * real write().
 *
 * mmap passes through as the system call itself, never through dlsym():
 * the loader and dlsym() may map memory while the real function is being
 * looked up, and a lookup from inside mmap could recurse.
 *
 * An AddressSanitizer build must not be run under this library (ASan wants
 * to be first and owns malloc): the tests check for that and skip.
 */
#define _GNU_SOURCE
#undef _FORTIFY_SOURCE

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/fs.h>

#define FICLONE_REQ ((unsigned long)FICLONE)

enum kind {
	K_OPEN, K_READ, K_WRITE, K_FSYNC, K_RENAME, K_FTRUNCATE, K_CLOSE,
	K_FLOCK, K_UNLINK, K_MALLOC, K_LINK, K_CLONE, K_MMAP, K_NKINDS
};

static const char *const kind_names[K_NKINDS] = {
	"open", "read", "write", "fsync", "rename", "ftruncate", "close",
	"flock", "unlink", "malloc", "link", "clone", "mmap",
};

static const struct {
	const char *name;
	int value;
} errno_names[] = {
	{ "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EDQUOT", EDQUOT },
	{ "EINTR", EINTR }, { "ENOMEM", ENOMEM }, { "EBUSY", EBUSY },
	{ "EXDEV", EXDEV }, { "EACCES", EACCES }, { "EPERM", EPERM },
	{ "EROFS", EROFS }, { "ENOLCK", ENOLCK }, { "EFBIG", EFBIG },
	{ "EMFILE", EMFILE }, { "EAGAIN", EAGAIN }, { "EMLINK", EMLINK },
	{ "EOPNOTSUPP", EOPNOTSUPP }, { "EINVAL", EINVAL },
};

/* Set once main() is reached; cleared again while the counts are written. */
static volatile int armed;
static int configured;
static int fail_kind = -1;
static unsigned long fail_n;
static int fail_errno = EIO;
static int persist;
static int kill_mode;
static long torn_bytes = -1;
/* The write being counted, for INJECT_TORN. */
static struct {
	int fd;
	const void *p;
	size_t n;
	off_t off;
	int positional;
	const struct iovec *iov; /* writev: its vector, iovcnt entries */
	int iovcnt;
} this_write;
static const char *prefix;
static size_t prefix_len;
static const char *count_path;
static const char *skip_callers;
static int trace_fd = -1;
static long delay_us;
static unsigned delay_mask = (1u << K_WRITE) | (1u << K_FSYNC) | (1u << K_RENAME);
static unsigned long counts[K_NKINDS];
static int append_kind = -1;
static unsigned long append_n;
static int append_every;
static const char *append_file;
static const char *append_text;
static const char *swap_steps;
static const char *swap_match;
static const char *swap_dir;
static const char *swap_away;
static const char *swap_link;
static int swap_rename;  /* INJECT_SWAP_RENAME=1 */
static int swap_swapped; /* with swap_rename: LINK is at DIR now */
static unsigned long swap_seen; /* matching calls seen for a "kind@N" step */
static unsigned long cut_n;     /* INJECT_CUT_MMAP_N, 0: none */
static const char *cut_file;
static const char *cut_text;

/* The real functions. */
static int (*real_open)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_mkostemp)(char *, int);
static int (*real_mkstemp)(char *);
static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_rename)(const char *, const char *);
static int (*real_renameat)(int, const char *, int, const char *);
static int (*real_renameat2)(int, const char *, int, const char *, unsigned int);
static int (*real_ftruncate)(int, off_t);
static int (*real_close)(int);
static int (*real_flock)(int, int);
static int (*real_unlink)(const char *);
static int (*real_unlinkat)(int, const char *, int);
static int (*real_link)(const char *, const char *);
static int (*real_linkat)(int, const char *, int, const char *, int);
static int (*real_ioctl)(int, unsigned long, ...);
static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);

static int note_skipped_object(struct dl_phdr_info *info, size_t size, void *arg);

/* Memory handed out while dlsym() looks up the real malloc. */
static _Alignas(max_align_t) unsigned char boot[16384];
static size_t boot_used;
static int resolving;

static int
is_boot(const void *p)
{
	return (const unsigned char *)p >= boot && (const unsigned char *)p < boot + sizeof boot;
}

static void *
boot_alloc(size_t n)
{
	size_t a = _Alignof(max_align_t);
	void *p;

	n = (n + a - 1) / a * a;
	if (n > sizeof boot - boot_used)
		return NULL;
	p = boot + boot_used;
	boot_used += n;
	return p;
}

/* dlsym returns an object pointer; copying it is the POSIX-blessed way to
 * turn it into a function pointer without a cast ISO C frowns upon. */
#define RESOLVE(var, name) do { \
	void *sym_ = dlsym(RTLD_NEXT, name); \
	memcpy(&(var), &sym_, sizeof (var)); \
} while (0)

static void
resolve_all(void)
{
	if (real_free != NULL || resolving)
		return;
	resolving = 1;
	RESOLVE(real_malloc, "malloc");
	RESOLVE(real_calloc, "calloc");
	RESOLVE(real_realloc, "realloc");
	RESOLVE(real_free, "free");
	RESOLVE(real_open, "open");
	RESOLVE(real_openat, "openat");
	RESOLVE(real_mkostemp, "mkostemp");
	RESOLVE(real_mkstemp, "mkstemp");
	RESOLVE(real_read, "read");
	RESOLVE(real_write, "write");
	RESOLVE(real_pwrite, "pwrite");
	RESOLVE(real_writev, "writev");
	RESOLVE(real_fsync, "fsync");
	RESOLVE(real_fdatasync, "fdatasync");
	RESOLVE(real_rename, "rename");
	RESOLVE(real_renameat, "renameat");
	RESOLVE(real_renameat2, "renameat2");
	RESOLVE(real_ftruncate, "ftruncate");
	RESOLVE(real_close, "close");
	RESOLVE(real_flock, "flock");
	RESOLVE(real_unlink, "unlink");
	RESOLVE(real_unlinkat, "unlinkat");
	RESOLVE(real_link, "link");
	RESOLVE(real_linkat, "linkat");
	RESOLVE(real_ioctl, "ioctl");
	resolving = 0;
}

static int
kind_of(const char *name)
{
	static const struct {
		const char *alias;
		int kind;
	} aliases[] = {
		{ "open64", K_OPEN }, { "openat", K_OPEN }, { "openat64", K_OPEN },
		{ "mkostemp", K_OPEN }, { "mkstemp", K_OPEN }, { "pwrite", K_WRITE },
		{ "fdatasync", K_FSYNC }, { "renameat", K_RENAME },
		{ "unlinkat", K_UNLINK }, { "linkat", K_LINK },
		{ "calloc", K_MALLOC }, { "realloc", K_MALLOC }, { "mmap64", K_MMAP },
	};
	size_t i;

	for (i = 0; i < K_NKINDS; i++)
		if (strcmp(name, kind_names[i]) == 0)
			return (int)i;
	for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcmp(name, aliases[i].alias) == 0)
			return aliases[i].kind;
	return -1;
}

static void
say(const char *msg)
{
	if (real_write != NULL && real_write(STDERR_FILENO, msg, strlen(msg)) < 0) {
		/* nowhere else to say it */
	}
}

static void
configure(void)
{
	const char *s;
	char *end;
	size_t i;

	if (configured)
		return;
	configured = 1;
	resolve_all();
	if ((s = getenv("INJECT_CALL")) != NULL && *s != '\0') {
		fail_kind = kind_of(s);
		if (fail_kind < 0) {
			say("libinject: unknown INJECT_CALL\n");
			_exit(99);
		}
		s = getenv("INJECT_N");
		fail_n = s != NULL ? strtoul(s, &end, 10) : 1;
		if (s != NULL && (*end != '\0' || fail_n == 0)) {
			say("libinject: INJECT_N must be a number from 1\n");
			_exit(99);
		}
	}
	if ((s = getenv("INJECT_ERRNO")) != NULL && *s != '\0') {
		fail_errno = 0;
		for (i = 0; i < sizeof errno_names / sizeof errno_names[0]; i++)
			if (strcmp(s, errno_names[i].name) == 0)
				fail_errno = errno_names[i].value;
		if (fail_errno == 0)
			fail_errno = (int)strtol(s, &end, 10);
		if (fail_errno <= 0) {
			say("libinject: unknown INJECT_ERRNO\n");
			_exit(99);
		}
	}
	if (fail_kind == K_MALLOC)
		fail_errno = ENOMEM;
	s = getenv("INJECT_PERSIST");
	persist = s != NULL && strcmp(s, "1") == 0;
	s = getenv("INJECT_KILL");
	kill_mode = s != NULL && strcmp(s, "1") == 0;
	if ((s = getenv("INJECT_TORN")) != NULL && *s != '\0') {
		torn_bytes = strtol(s, &end, 10);
		if (*end != '\0' || torn_bytes < 0 || !kill_mode) {
			say("libinject: INJECT_TORN must be a byte count, with INJECT_KILL=1\n");
			_exit(99);
		}
	}
	prefix = getenv("INJECT_PREFIX");
	if (prefix != NULL && *prefix == '\0')
		prefix = NULL;
	prefix_len = prefix ? strlen(prefix) : 0;
	count_path = getenv("INJECT_COUNT");
	skip_callers = getenv("INJECT_SKIP_CALLERS");
	if (skip_callers != NULL && *skip_callers == '\0')
		skip_callers = NULL;
	if ((s = getenv("INJECT_TRACE")) != NULL && *s != '\0')
		trace_fd = real_open(s, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if ((s = getenv("INJECT_DELAY_US")) != NULL)
		delay_us = strtol(s, NULL, 10);
	if ((s = getenv("INJECT_APPEND_CALL")) != NULL && *s != '\0') {
		append_kind = kind_of(s);
		append_file = getenv("INJECT_APPEND_FILE");
		append_text = getenv("INJECT_APPEND_TEXT");
		s = getenv("INJECT_APPEND_N");
		append_n = s != NULL ? strtoul(s, NULL, 10) : 1;
		s = getenv("INJECT_APPEND_EVERY");
		append_every = s != NULL && strcmp(s, "1") == 0;
		if (append_kind < 0 || append_file == NULL || append_text == NULL || append_n == 0) {
			say("libinject: INJECT_APPEND_CALL needs a kind, INJECT_APPEND_FILE, "
			    "INJECT_APPEND_TEXT and INJECT_APPEND_N from 1\n");
			_exit(99);
		}
	}
	if ((s = getenv("INJECT_SWAP_STEPS")) != NULL && *s != '\0') {
		swap_steps = s;
		swap_match = getenv("INJECT_SWAP_MATCH");
		swap_dir = getenv("INJECT_SWAP_DIR");
		swap_away = getenv("INJECT_SWAP_AWAY");
		swap_link = getenv("INJECT_SWAP_LINK");
		swap_rename = (s = getenv("INJECT_SWAP_RENAME")) != NULL && strcmp(s, "1") == 0;
		if (swap_match == NULL || swap_dir == NULL || swap_away == NULL || swap_link == NULL) {
			say("libinject: INJECT_SWAP_STEPS needs INJECT_SWAP_MATCH, "
			    "INJECT_SWAP_DIR, INJECT_SWAP_AWAY and INJECT_SWAP_LINK\n");
			_exit(99);
		}
	}
	if ((s = getenv("INJECT_CUT_MMAP_N")) != NULL && *s != '\0') {
		cut_n = strtoul(s, NULL, 10);
		cut_file = getenv("INJECT_CUT_FILE");
		cut_text = getenv("INJECT_CUT_TEXT");
		if (cut_n == 0 || cut_file == NULL || cut_text == NULL) {
			say("libinject: INJECT_CUT_MMAP_N needs a number from 1, "
			    "INJECT_CUT_FILE and INJECT_CUT_TEXT\n");
			_exit(99);
		}
	}
	if ((s = getenv("INJECT_DELAY_CALLS")) != NULL) {
		char name[32];
		const char *p = s, *comma;
		size_t len;
		int k;

		delay_mask = 0;
		while (*p != '\0') {
			comma = strchr(p, ',');
			len = comma ? (size_t)(comma - p) : strlen(p);
			if (len < sizeof name) {
				memcpy(name, p, len);
				name[len] = '\0';
				if ((k = kind_of(name)) >= 0)
					delay_mask |= 1u << k;
			}
			p += len;
			if (*p == ',')
				p++;
		}
	}
}

static int
under_prefix(const char *path)
{
	return prefix == NULL || (path != NULL && strncmp(path, prefix, prefix_len) == 0);
}

static const char *
fd_path(int fd, char *buf, size_t size)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, buf, size - 1);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	return buf;
}

/* The path an *at() call reaches: path itself when absolute or relative to
 * the current directory, else the directory descriptor's path, "/", path. */
static const char *
at_path(int dirfd, const char *path, char *buf, size_t size)
{
	size_t len;

	if (path == NULL || path[0] == '/' || dirfd == AT_FDCWD || (prefix == NULL && trace_fd < 0))
		return path;
	fd_path(dirfd, buf, size);
	len = strlen(buf);
	if (len == 0 || len + 1 + strlen(path) + 1 > size)
		return path;
	buf[len] = '/';
	memcpy(buf + len + 1, path, strlen(path) + 1);
	return buf;
}

static void
trace(const char *tag, int kind, unsigned long n, const char *what)
{
	char line[8400];
	int len;

	if (trace_fd < 0)
		return;
	len = snprintf(line, sizeof line, "%s%s %lu %s\n", tag, kind_names[kind], n,
	    what ? what : "");
	if (len > 0 && real_write(trace_fd, line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1) < 0) {
		/* the trace is best effort */
	}
}

static const char *
errno_name(int e)
{
	size_t i;

	for (i = 0; i < sizeof errno_names / sizeof errno_names[0]; i++)
		if (errno_names[i].value == e)
			return errno_names[i].name;
	return "?";
}

/* INJECT_APPEND_TEXT to the end of INJECT_APPEND_FILE, as `>>` would. */
static void
append_now(void)
{
	size_t len = strlen(append_text);
	int fd = real_open(append_file, O_WRONLY | O_APPEND | O_CLOEXEC);

	if (fd < 0) {
		say("libinject: cannot open INJECT_APPEND_FILE\n");
		_exit(99);
	}
	if (real_write(fd, append_text, len) != (ssize_t)len) {
		say("libinject: cannot append to INJECT_APPEND_FILE\n");
		_exit(99);
	}
	real_close(fd);
}

/* The first INJECT_TORN bytes of the write being made. */
static void
write_part(void)
{
	size_t n = (size_t)torn_bytes < this_write.n ? (size_t)torn_bytes : this_write.n;
	ssize_t w;
	int i;

	if (this_write.iov != NULL) {
		/* The first bytes of the vector, element by element. */
		for (i = 0; i < this_write.iovcnt && n > 0; i++) {
			size_t m = this_write.iov[i].iov_len < n ? this_write.iov[i].iov_len : n;

			if (real_write(this_write.fd, this_write.iov[i].iov_base, m) != (ssize_t)m) {
				say("libinject: the torn write came out shorter still\n");
				return;
			}
			n -= m;
		}
		return;
	}
	if (this_write.positional)
		w = real_pwrite(this_write.fd, this_write.p, n, this_write.off);
	else
		w = real_write(this_write.fd, this_write.p, n);
	if (w != (ssize_t)n)
		say("libinject: the torn write came out shorter still\n");
}

/* The next step of INJECT_SWAP_STEPS, if it is a call of kind on a path
 * that contains INJECT_SWAP_MATCH (fd >= 0: the file fd refers to): swap
 * the directory, with the real calls, and move on to the next step. */
static void
swap_hook(int kind, const char *path, int fd)
{
	char name[32], buf[4096], *at;
	unsigned long nth = 1;
	size_t len;

	if (!armed || swap_steps == NULL || *swap_steps == '\0')
		return;
	len = strcspn(swap_steps, ",");
	if (len >= sizeof name)
		return;
	memcpy(name, swap_steps, len);
	name[len] = '\0';
	if ((at = strchr(name, '@')) != NULL) {
		*at = '\0';
		nth = strtoul(at + 1, NULL, 10);
	}
	if (kind_of(name) != kind)
		return;
	if (path == NULL && fd >= 0)
		path = fd_path(fd, buf, sizeof buf);
	if (path == NULL || strstr(path, swap_match) == NULL)
		return;
	if (++swap_seen < nth)
		return;
	swap_seen = 0;
	swap_steps += len;
	if (*swap_steps == ',')
		swap_steps++;
	if (swap_rename) {
		/* A directory for a directory: no link for O_NOFOLLOW to
		 * catch, the same path, another inode. */
		if (swap_swapped ? real_rename(swap_dir, swap_link) != 0 ||
		    real_rename(swap_away, swap_dir) != 0 :
		    real_rename(swap_dir, swap_away) != 0 || real_rename(swap_link, swap_dir) != 0) {
			say("libinject: cannot swap INJECT_SWAP_DIR for INJECT_SWAP_LINK\n");
			_exit(99);
		}
		swap_swapped = !swap_swapped;
		return;
	}
	if (real_unlink(swap_dir) == 0) {
		/* it was the link: the directory comes back */
		if (real_rename(swap_away, swap_dir) != 0) {
			say("libinject: cannot move INJECT_SWAP_AWAY back\n");
			_exit(99);
		}
	} else if (real_rename(swap_dir, swap_away) != 0 || symlink(swap_link, swap_dir) != 0) {
		say("libinject: cannot swap INJECT_SWAP_DIR for a link\n");
		_exit(99);
	}
}

/*
 * Count a call of kind on path (or, for fd >= 0, on the file fd refers to);
 * 1 when this is the call to fail (errno is then set).
 */
static int
hit(int kind, const char *path, int fd)
{
	char buf[4096];
	unsigned long n;
	int fail;

	if (!armed)
		return 0;
	if (prefix != NULL || trace_fd >= 0) {
		if (path == NULL && fd >= 0)
			path = fd_path(fd, buf, sizeof buf);
		if (kind != K_MALLOC && !under_prefix(path))
			return 0;
	}
	n = __atomic_add_fetch(&counts[kind], 1, __ATOMIC_SEQ_CST);
	if (kind != K_MALLOC)
		trace("", kind, n, path);
	if (delay_us > 0 && (delay_mask & (1u << kind)) != 0) {
		struct timespec ts = { delay_us / 1000000, (delay_us % 1000000) * 1000 };

		nanosleep(&ts, NULL);
	}
	if (kind == append_kind && (n == append_n || (append_every && n > append_n)))
		append_now();
	fail = kind == fail_kind && (n == fail_n || (persist && n > fail_n));
	if (fail) {
		char what[4200];

		snprintf(what, sizeof what, "%s %s", kill_mode ? "KILL" : errno_name(fail_errno),
		    path ? path : "");
		trace("INJECT ", kind, n, what);
		if (kill_mode && kind == K_WRITE && torn_bytes >= 0)
			write_part();
		if (kill_mode)
			kill(getpid(), SIGKILL);
		errno = fail_errno;
	}
	return fail;
}

static void
write_counts(void)
{
	char line[64];
	int fd, i, len;

	armed = 0;
	if (count_path == NULL || *count_path == '\0')
		return;
	fd = real_open(count_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	for (i = 0; i < K_NKINDS; i++) {
		len = snprintf(line, sizeof line, "%s %lu\n", kind_names[i], counts[i]);
		if (real_write(fd, line, (size_t)len) < 0)
			break;
	}
	real_close(fd);
}

/* Arm on entry to main: what runs before it is not the program's doing. */
typedef int (*main_fn)(int, char **, char **);
static main_fn program_main;

static int
armed_main(int argc, char **argv, char **envp)
{
	configure();
	if (skip_callers != NULL)
		dl_iterate_phdr(note_skipped_object, NULL);
	if (atexit(write_counts) != 0)
		say("libinject: atexit failed; no counts will be written\n");
	armed = 1;
	return program_main(argc, argv, envp);
}

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
    void (*fini)(void), void (*rtld_fini)(void), void *stack_end);

int
__libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
    void (*fini)(void), void (*rtld_fini)(void), void *stack_end)
{
	int (*real)(main_fn, int, char **, void (*)(void), void (*)(void),
	    void (*)(void), void *);

	RESOLVE(real, "__libc_start_main");
	program_main = main;
	return real(armed_main, argc, argv, init, fini, rtld_fini, stack_end);
}

/* ---- open ---- */

static mode_t
mode_arg(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) != 0 ? (mode_t)va_arg(ap, unsigned int) : 0;
}

int
open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	resolve_all();
	swap_hook(K_OPEN, path, -1);
	if (hit(K_OPEN, path, -1))
		return -1;
	return real_open(path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	resolve_all();
	swap_hook(K_OPEN, path, -1);
	if (hit(K_OPEN, path, -1))
		return -1;
	return real_open(path, flags | O_LARGEFILE, mode);
}

int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);

int
__open_2(const char *path, int flags)
{
	resolve_all();
	swap_hook(K_OPEN, path, -1);
	if (hit(K_OPEN, path, -1))
		return -1;
	return real_open(path, flags);
}

int
__open64_2(const char *path, int flags)
{
	resolve_all();
	swap_hook(K_OPEN, path, -1);
	if (hit(K_OPEN, path, -1))
		return -1;
	return real_open(path, flags | O_LARGEFILE);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	char buf[4096];

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	resolve_all();
	swap_hook(K_OPEN, path, -1);
	if (hit(K_OPEN, at_path(dirfd, path, buf, sizeof buf), -1))
		return -1;
	return real_openat(dirfd, path, flags, mode);
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	char buf[4096];

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	resolve_all();
	swap_hook(K_OPEN, path, -1);
	if (hit(K_OPEN, at_path(dirfd, path, buf, sizeof buf), -1))
		return -1;
	return real_openat(dirfd, path, flags | O_LARGEFILE, mode);
}

int
mkostemp(char *template, int flags)
{
	resolve_all();
	swap_hook(K_OPEN, template, -1);
	if (hit(K_OPEN, template, -1))
		return -1;
	return real_mkostemp(template, flags);
}

int
mkostemp64(char *template, int flags)
{
	return mkostemp(template, flags);
}

int
mkstemp(char *template)
{
	resolve_all();
	swap_hook(K_OPEN, template, -1);
	if (hit(K_OPEN, template, -1))
		return -1;
	return real_mkstemp(template);
}

int
mkstemp64(char *template)
{
	return mkstemp(template);
}

/* ---- read, write ---- */

ssize_t
read(int fd, void *p, size_t n)
{
	resolve_all();
	if (hit(K_READ, NULL, fd))
		return -1;
	return real_read(fd, p, n);
}

ssize_t __read_chk(int fd, void *p, size_t n, size_t size);

ssize_t
__read_chk(int fd, void *p, size_t n, size_t size)
{
	if (n > size)
		abort(); /* what glibc's own check does */
	return read(fd, p, n);
}

ssize_t
write(int fd, const void *p, size_t n)
{
	resolve_all();
	this_write.fd = fd;
	this_write.p = p;
	this_write.n = n;
	this_write.positional = 0;
	this_write.iov = NULL;
	if (hit(K_WRITE, NULL, fd))
		return -1;
	return real_write(fd, p, n);
}

/* One counted write, as write() is: the engine writes unchanged ranges
 * straight from the file read, a vector of them. */
ssize_t
writev(int fd, const struct iovec *iov, int iovcnt)
{
	size_t n = 0;
	int i;

	resolve_all();
	for (i = 0; i < iovcnt; i++)
		n += iov[i].iov_len;
	this_write.fd = fd;
	this_write.p = NULL;
	this_write.n = n;
	this_write.positional = 0;
	this_write.iov = iov;
	this_write.iovcnt = iovcnt;
	if (hit(K_WRITE, NULL, fd))
		return -1;
	return real_writev(fd, iov, iovcnt);
}

ssize_t
pwrite(int fd, const void *p, size_t n, off_t off)
{
	resolve_all();
	this_write.fd = fd;
	this_write.p = p;
	this_write.n = n;
	this_write.off = off;
	this_write.positional = 1;
	this_write.iov = NULL;
	if (hit(K_WRITE, NULL, fd))
		return -1;
	return real_pwrite(fd, p, n, off);
}

ssize_t
pwrite64(int fd, const void *p, size_t n, off_t off)
{
	return pwrite(fd, p, n, off);
}

/* ---- fsync, rename, ftruncate, close, flock, unlink ---- */

int
fsync(int fd)
{
	resolve_all();
	if (hit(K_FSYNC, NULL, fd))
		return -1;
	return real_fsync(fd);
}

int
fdatasync(int fd)
{
	resolve_all();
	if (hit(K_FSYNC, NULL, fd))
		return -1;
	return real_fdatasync(fd);
}

int
rename(const char *from, const char *to)
{
	resolve_all();
	swap_hook(K_RENAME, from, -1);
	if (hit(K_RENAME, to, -1))
		return -1;
	return real_rename(from, to);
}

int
renameat(int fromfd, const char *from, int tofd, const char *to)
{
	char buf[4096];

	resolve_all();
	swap_hook(K_RENAME, from, -1);
	if (hit(K_RENAME, at_path(tofd, to, buf, sizeof buf), -1))
		return -1;
	return real_renameat(fromfd, from, tofd, to);
}

int
renameat2(int fromfd, const char *from, int tofd, const char *to, unsigned int flags)
{
	char buf[4096];

	resolve_all();
	swap_hook(K_RENAME, from, -1);
	if (hit(K_RENAME, at_path(tofd, to, buf, sizeof buf), -1))
		return -1;
	return real_renameat2(fromfd, from, tofd, to, flags);
}

int
ftruncate(int fd, off_t len)
{
	resolve_all();
	if (hit(K_FTRUNCATE, NULL, fd))
		return -1;
	return real_ftruncate(fd, len);
}

int
ftruncate64(int fd, off_t len)
{
	return ftruncate(fd, len);
}

int
close(int fd)
{
	int saved;

	resolve_all();
	swap_hook(K_CLOSE, NULL, fd);
	if (hit(K_CLOSE, NULL, fd)) {
		/* Linux releases the descriptor whatever close returns. */
		saved = errno;
		real_close(fd);
		errno = saved;
		return -1;
	}
	return real_close(fd);
}

int
flock(int fd, int op)
{
	resolve_all();
	swap_hook(K_FLOCK, NULL, fd);
	if (hit(K_FLOCK, NULL, fd))
		return -1;
	return real_flock(fd, op);
}

int
unlink(const char *path)
{
	resolve_all();
	if (hit(K_UNLINK, path, -1))
		return -1;
	return real_unlink(path);
}

int
unlinkat(int dirfd, const char *path, int flags)
{
	char buf[4096];

	resolve_all();
	if (hit(K_UNLINK, at_path(dirfd, path, buf, sizeof buf), -1))
		return -1;
	return real_unlinkat(dirfd, path, flags);
}

/* ---- link, ioctl(FICLONE) ---- */

int
link(const char *from, const char *to)
{
	resolve_all();
	swap_hook(K_LINK, to, -1);
	if (hit(K_LINK, to, -1))
		return -1;
	return real_link(from, to);
}

int
linkat(int fromfd, const char *from, int tofd, const char *to, int flags)
{
	char buf[4096];

	resolve_all();
	swap_hook(K_LINK, to, -1);
	if (hit(K_LINK, at_path(tofd, to, buf, sizeof buf), -1))
		return -1;
	return real_linkat(fromfd, from, tofd, to, flags);
}

/* Every ioctl request amlhosts makes takes one pointer or integer. */
int
ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	resolve_all();
	if (req == FICLONE_REQ && hit(K_CLONE, NULL, fd))
		return -1;
	return real_ioctl(fd, req, arg);
}

/* ---- mmap ---- */

/* The system call, as glibc's mmap makes it on a 64-bit system. */
static void *
sys_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

/* INJECT_CUT_TEXT in place of what INJECT_CUT_FILE held. */
static void
cut_now(void)
{
	size_t n = strlen(cut_text);
	int fd = real_open(cut_file, O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0) {
		say("libinject: cannot open INJECT_CUT_FILE\n");
		_exit(99);
	}
	if (real_write(fd, cut_text, n) != (ssize_t)n) {
		say("libinject: cannot write INJECT_CUT_FILE\n");
		_exit(99);
	}
	real_close(fd);
}

void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p;

	/* Memory, not a file, or before main: not the program's mapping. */
	if (fd < 0 || (flags & MAP_ANONYMOUS) != 0 || !armed)
		return sys_mmap(addr, len, prot, flags, fd, off);
	resolve_all();
	if (hit(K_MMAP, NULL, fd))
		return MAP_FAILED;
	p = sys_mmap(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED && cut_n != 0 && counts[K_MMAP] == cut_n)
		cut_now();
	return p;
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off);

void *
mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

/* ---- malloc ---- */

/*
 * The code of the shared objects INJECT_SKIP_CALLERS names, found once when
 * main() starts (libraries opened later are not looked for): a return
 * address in one of these ranges is an allocation by that library.
 */
static struct {
	uintptr_t start, end;
} skip_ranges[64];
static size_t nskip_ranges;

static int
note_skipped_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	const char *p, *comma;
	size_t len, i;
	int match = 0;

	(void)size;
	(void)arg;
	if (info->dlpi_name == NULL)
		return 0;
	for (p = skip_callers; !match && *p != '\0'; p += len + (comma != NULL)) {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		match = len > 0 && memmem(info->dlpi_name, strlen(info->dlpi_name), p, len) != NULL;
	}
	for (i = 0; match && i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_LOAD &&
		    nskip_ranges < sizeof skip_ranges / sizeof skip_ranges[0]) {
			skip_ranges[nskip_ranges].start = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
			skip_ranges[nskip_ranges].end = skip_ranges[nskip_ranges].start +
			    info->dlpi_phdr[i].p_memsz;
			nskip_ranges++;
		}
	return 0;
}

static int
skipped_caller(const void *ret)
{
	uintptr_t a = (uintptr_t)ret;
	size_t i;

	for (i = 0; i < nskip_ranges; i++)
		if (a >= skip_ranges[i].start && a < skip_ranges[i].end)
			return 1;
	return 0;
}

void *
malloc(size_t n)
{
	if (real_malloc == NULL) {
		if (resolving)
			return boot_alloc(n);
		resolve_all();
	}
	if (!skipped_caller(__builtin_return_address(0)) && hit(K_MALLOC, NULL, -1))
		return NULL;
	return real_malloc(n);
}

void *
calloc(size_t n, size_t size)
{
	if (real_calloc == NULL) {
		if (resolving)
			return size != 0 && n > (size_t)-1 / size ? NULL : boot_alloc(n * size);
		resolve_all();
	}
	if (!skipped_caller(__builtin_return_address(0)) && hit(K_MALLOC, NULL, -1))
		return NULL;
	return real_calloc(n, size);
}

void *
realloc(void *p, size_t n)
{
	void *q;

	if (real_realloc == NULL) {
		if (resolving)
			return NULL;
		resolve_all();
	}
	if (is_boot(p)) {
		/* Its size is unknown: copy what the buffer can hold. */
		size_t avail = (size_t)(boot + sizeof boot - (unsigned char *)p);

		q = malloc(n);
		if (q != NULL)
			memcpy(q, p, n < avail ? n : avail);
		return q;
	}
	if (!skipped_caller(__builtin_return_address(0)) && hit(K_MALLOC, NULL, -1))
		return NULL;
	return real_realloc(p, n);
}

void
free(void *p)
{
	if (p == NULL || is_boot(p))
		return;
	if (real_free == NULL) {
		if (resolving)
			return; /* a block dlsym freed mid-lookup: leak it */
		resolve_all();
	}
	real_free(p);
}
