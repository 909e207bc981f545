/*
 * atomicfile.c - safe replacement of a file others read at any moment.
 *
 * The order of operations is the whole point: nothing touches the target
 * until a complete, synced copy of the new bytes exists beside it, and the
 * only step that changes what readers see is rename(2), which is atomic.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#ifndef _WIN32
#include <sys/statvfs.h>
#include <sys/uio.h>
#endif
#include <unistd.h>
#ifdef HAVE_SYS_IOCTL_H
#include <sys/ioctl.h>
#endif
#ifdef HAVE_LINUX_FS_H
#include <linux/fs.h>
#endif
#ifdef HAVE_SELINUX
#include <selinux/selinux.h>
#endif

#include "state/atomicfile.h"
#include "base/fileread.h"
#include "base/platform.h"

#ifdef _WIN32
/* New files in the state directory inherit its ACL. */
#define FCHMOD(fd, mode) ((void)(fd), (void)(mode), 0)
#else
#define FCHMOD(fd, mode) fchmod((fd), (mode))
#endif

/*
 * open(2) may fail with EINTR (NFS, FUSE, a signal handler without
 * SA_RESTART); that is no reason to give up a change half way, so every
 * open on the write path is retried.
 */
int
open_retry(const char *path, int flags, mode_t mode)
{
	int fd;

	do {
		fd = open(path, flags, mode);
	} while (fd < 0 && errno == EINTR);
	return fd;
}

#ifndef _WIN32
int
openat_retry(int dirfd, const char *name, int flags, mode_t mode)
{
	int fd;

	do {
		fd = openat(dirfd, name, flags | O_NOFOLLOW, mode);
	} while (fd < 0 && errno == EINTR);
	return fd;
}
#endif

/*
 * "cannot DOING 'path': why" for errno err. On Windows the platform layer
 * (platform_open, platform_replace) gives the hosts file's own reasons
 * errno values of their own: EBUSY another program holds it open (waited
 * for lock_timeout), EROFS the read-only attribute, EPERM not elevated,
 * EACCES denied although elevated.
 */
static int
file_error(char **cause, const char *doing, const char *path, int err)
{
#ifdef _WIN32
	switch (err) {
	case EBUSY:
		return set_error(cause, "cannot %s '%s': another program (an antivirus "
		    "scanner, the DNS Client service, an editor) holds it open without "
		    "sharing; waited %d s (lock_timeout), try again once it lets go",
		    doing, path, platform_share_wait());
	case EROFS:
		return set_error(cause, "cannot %s '%s': it has the read-only attribute; "
		    "amlhosts never clears it, run 'attrib -r \"%s\"' yourself if the "
		    "change is wanted", doing, path, path);
	case EPERM:
		return set_error(cause, "cannot %s '%s': access denied; run amlhosts "
		    "from an elevated prompt (Run as administrator), or as a scheduled "
		    "task with highest privileges", doing, path);
	case EACCES:
		return set_error(cause, "cannot %s '%s': access denied although elevated: "
		    "its ACL, or an antivirus or endpoint protection product guarding "
		    "it, refuses", doing, path);
	default:
		break;
	}
#endif
	return set_error(cause, "cannot %s '%s': %s", doing, path, strerror(err));
}

const char *
atomicfile_step_name(enum atomicfile_step step)
{
	switch (step) {
	case ATOMICFILE_STEP_NONE: return "none";
	case ATOMICFILE_STEP_CREATE_TEMP: return "create temporary file";
	case ATOMICFILE_STEP_OPEN: return "open";
	case ATOMICFILE_STEP_FCHOWN: return "fchown";
	case ATOMICFILE_STEP_FCHMOD: return "fchmod";
	case ATOMICFILE_STEP_SELINUX: return "selinux label";
	case ATOMICFILE_STEP_WRITE: return "write";
	case ATOMICFILE_STEP_FTRUNCATE: return "ftruncate";
	case ATOMICFILE_STEP_FSYNC: return "fsync";
	case ATOMICFILE_STEP_CLOSE: return "close";
	case ATOMICFILE_STEP_CHANGED: return "check unchanged";
	case ATOMICFILE_STEP_RENAME: return "rename";
	case ATOMICFILE_STEP_DIR_FSYNC: return "directory fsync";
	case ATOMICFILE_STEP_READ_BACK: return "read back";
	}
	return "unknown";
}

void
atomicfile_init(struct atomicfile *af)
{
	memset(af, 0, sizeof *af);
	af->dirfd = -1;
	af->tmpfd = -1;
}

static void drop_temp(struct atomicfile *af);

void
atomicfile_release(struct atomicfile *af)
{
	/* A temporary file prepared for a change that stopped before its
	 * rename: in the directory still held. */
	drop_temp(af);
	if (af->dirfd >= 0)
		close(af->dirfd);
	free(af->path);
	free(af->real);
	free(af->dir);
	atomicfile_init(af);
}

/* The last path separator ('/', or on Windows '\\' too), or NULL. */
static const char *
last_sep(const char *path)
{
	const char *p, *slash = NULL;

	for (p = path; *p != '\0'; p++)
		if (PLATFORM_IS_SEP(*p))
			slash = p;
	return slash;
}

static char *
dir_of(const char *path)
{
	const char *slash = last_sep(path);

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
#ifdef _WIN32
	/* "C:\hosts": the directory is "C:\", not the drive's current one. */
	if (slash == path + 2 && path[1] == ':')
		return xstrndup(path, 3);
#endif
	return xstrndup(path, (size_t)(slash - path));
}

static const char *
base_of(const char *path)
{
	const char *slash = last_sep(path);

	return slash ? slash + 1 : path;
}

/*
 * A directory every step of a write goes through, as a descriptor opened
 * once (dir_open) and the *at() calls below, which resolve only the name
 * given relative to it and follow no link at it: no component of the
 * directory's path is looked up again between the trust walk and the
 * write. dir, the directory's path, is for messages. Windows has no *at()
 * calls: there the descriptor is never open (-1) and the helpers join dir
 * and the name as before; ACLs guard its directories.
 */
static int
dir_open(const char *dir)
{
#ifdef _WIN32
	(void)dir;
	return -1;
#else
	/* O_NOFOLLOW: dir is resolved (realpath or a path the caller named);
	 * a link there now was put there since. */
	int fd = open_retry(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);

#ifdef O_PATH
	/* A directory we may search but not read (mode 0711) held all the
	 * same: reading the file in it (status) needs no more, and only the
	 * directory fsync of a write, which at_fsync_dir() opens for, does. */
	if (fd < 0 && errno == EACCES)
		fd = open_retry(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
#endif
	return fd;
#endif
}

#ifdef _WIN32
/* dir/name, without doubling a separator dir ends in ("C:\"). */
static char *
join(const char *dir, const char *name)
{
	size_t len = strlen(dir);

	return xasprintf("%s%s%s", dir, len > 0 && PLATFORM_IS_SEP(dir[len - 1]) ? "" : "/", name);
}
#endif

/* lstat of name in the directory. */
static int
at_stat(int dfd, const char *dir, const char *name, struct stat *st)
{
#ifndef _WIN32
	(void)dir;
	return fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW);
#else
	char *path = join(dir, name);
	int rc = stat(path, st);

	(void)dfd;
	free(path);
	return rc;
#endif
}

/* Replace to by from, both names in the directory. */
static int
at_rename(int dfd, const char *dir, const char *from, const char *to)
{
#ifdef _WIN32
	char *f = join(dir, from), *t = join(dir, to);
	int rc;

	(void)dfd;
	rc = platform_replace(f, t);
	free(f);
	free(t);
	return rc;
#else
	(void)dir;
	return renameat(dfd, from, dfd, to);
#endif
}

static void
at_unlink(int dfd, const char *dir, const char *name)
{
#ifdef _WIN32
	char *path = join(dir, name);

	(void)dfd;
	unlink(path);
	free(path);
#else
	(void)dir;
	unlinkat(dfd, name, 0);
#endif
}

/* fsync the directory itself (dir names it in messages). */
static int
at_fsync_dir(int dfd, const char *dir, char **cause)
{
#ifdef _WIN32
	/* A directory cannot be opened to sync it; MoveFileExW's
	 * MOVEFILE_WRITE_THROUGH and NTFS' journal make the rename durable. */
	(void)dfd;
	(void)dir;
	(void)cause;
	return 0;
#else
	int fd = dfd, rc = 0;

	while (fsync(fd) != 0) {
		if (errno == EINTR)
			continue;
		if (errno == EBADF && fd == dfd) {
			/* dfd is an O_PATH descriptor (dir_open): the directory
			 * itself, opened for reading now, if we may. */
			fd = openat_retry(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
			if (fd < 0)
				return set_error(cause, "cannot open directory '%s': %s", dir,
				    strerror(errno));
			continue;
		}
		/* Some filesystems cannot sync a directory; that is no failure. */
		if (errno != EINVAL && errno != ENOTSUP)
			rc = set_error(cause, "cannot sync directory '%s': %s", dir, strerror(errno));
		break;
	}
	if (fd != dfd)
		close(fd);
	return rc;
#endif
}

#ifndef _WIN32
/* "cannot open directory": the message of a dir_open() that failed. */
static int
dir_open_error(const char *dir, char **cause)
{
	if (errno == ELOOP || errno == ENOTDIR)
		return set_error(cause, "cannot open directory '%s': it is no longer a "
		    "directory (%s); it was replaced since its path was resolved",
		    dir, strerror(errno));
	return set_error(cause, "cannot open directory '%s': %s", dir, strerror(errno));
}
#endif

#ifndef _WIN32
/* Undo the octal escapes mountinfo uses for blanks in paths. */
static void
unescape_mountinfo(char *s)
{
	char *r = s, *w = s;

	while (*r != '\0') {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' &&
		    r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 4;
		} else
			*w++ = *r++;
	}
	*w = '\0';
}
#endif

/*
 * A file that is a mount point of its own (Docker and Podman bind-mount
 * /etc/hosts into containers) cannot be renamed over. A different device
 * than its directory tells in most cases; mountinfo also catches a bind
 * mount from the same filesystem. 1 if it is, 0 if not, -1 (errno set)
 * when mountinfo exists but cannot be read: guessing "no" there would
 * send an --in-place run to rename and tell it to use --in-place.
 */
static int
is_mount_point(const char *real, const struct stat *st, int dirfd)
{
#ifdef _WIN32
	/* No bind mounts, and ReplaceFileW works on any NTFS/ReFS file. */
	(void)real;
	(void)st;
	(void)dirfd;
	return 0;
#else
	struct stat dst;
	FILE *f;
	char *line = NULL, *save, *field, *mp;
	size_t cap = 0;
	int i, found = 0, err;

	if (fstat(dirfd, &dst) == 0 && dst.st_dev != st->st_dev)
		return 1;
	f = fopen("/proc/self/mountinfo", "re");
	if (f == NULL)
		/* No /proc here: the device test is all there is. */
		return errno == ENOENT || errno == EACCES || errno == EPERM ? 0 : -1;
	errno = 0;
	while (!found && getline(&line, &cap, f) > 0) {
		mp = NULL;
		field = strtok_r(line, " ", &save);
		for (i = 1; field != NULL && i < 5; i++)
			field = strtok_r(NULL, " ", &save);
		mp = field;
		if (mp != NULL) {
			unescape_mountinfo(mp);
			found = strcmp(mp, real) == 0;
		}
	}
	err = !found && (ferror(f) || errno == ENOMEM) ? (errno ? errno : EIO) : 0;
	free(line);
	fclose(f);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return found;
#endif
}

int
atomicfile_open(struct atomicfile *af, const char *path, struct file_bytes *content,
    char **cause)
{
	struct file_info info;
	enum file_read_error kind;
	int fd = -1, rc = -1;
	char *real;

	af->path = xstrdup(path);
	real = realpath(path, NULL);
	if (real == NULL) {
		int err = errno;
#ifndef _WIN32
		struct stat lst;

		/* The link itself is there, so "No such file" alone would puzzle. */
		if (err == ENOENT && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
			return set_error(cause, "cannot open '%s': it is a symbolic link "
			    "to a file that does not exist (a dangling link)", path);
#endif
		return set_error(cause, "cannot open '%s': %s", path, strerror(err));
	}
	af->real = xstrdup(real);
	free(real);
	af->dir = dir_of(af->real);
#ifndef _WIN32
	af->dirfd = dir_open(af->dir);
	if (af->dirfd < 0)
		return dir_open_error(af->dir, cause);
#endif

	/* Messages name the path as given, not where it leads. */
	fd = file_open(af->real, FILE_READ_REGULAR, ATOMICFILE_MAX_BYTES, &info, &kind, NULL);
	if (fd < 0) {
		if (kind != FILE_READ_IO && info.err != 0)
			file_error(cause, "open", path, info.err);
		else if (kind == FILE_READ_IO)
			set_error(cause, "cannot stat '%s': %s", path, strerror(info.err));
		else if (kind == FILE_READ_NOT_REGULAR && S_ISDIR(info.st.st_mode))
			set_error(cause, "'%s' is a directory, not a hosts file", path);
		else if (kind == FILE_READ_NOT_REGULAR)
			set_error(cause, "'%s' is not a regular file", path);
		else
			set_error(cause, "'%s' is larger than %u bytes", path, ATOMICFILE_MAX_BYTES);
		goto out;
	}
	af->st = info.st;
#ifndef _WIN32
	{
		struct stat here;

		/* The file read must be the one in the directory held: every
		 * later step goes there, whatever its path now leads to. */
		if (at_stat(af->dirfd, af->dir, base_of(af->real), &here) != 0 ||
		    here.st_dev != af->st.st_dev || here.st_ino != af->st.st_ino) {
			set_error(cause, "'%s' was replaced while amlhosts opened it; try again", path);
			goto out;
		}
	}
#endif
#if defined(FS_IOC_GETFLAGS) && defined(FS_IMMUTABLE_FL)
	{
		int flags = 0;

		if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0 &&
		    (flags & (FS_IMMUTABLE_FL | FS_APPEND_FL)) != 0)
			af->immutable = 1;
	}
#endif
#ifndef _WIN32
	{
		struct statvfs vfs;

		if (fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY) != 0)
			af->readonly_fs = 1;
	}
#endif
	af->bind_mount = is_mount_point(af->real, &af->st, af->dirfd);
	if (af->bind_mount < 0) {
		set_error(cause, "cannot read '/proc/self/mountinfo' to tell whether '%s' "
		    "is a bind mount: %s", path, strerror(errno));
		goto out;
	}
	/* A bind mount may be rewritten in place by this very run, and a
	 * private mapping shows the file's new bytes on pages it has not
	 * copied: the segments borrowed from it would change while they
	 * are written. Read. */
	if (file_bytes_load(content, fd, path, (size_t)af->st.st_size, ATOMICFILE_MAX_BYTES,
	    af->bind_mount ? FILE_BYTES_READ : FILE_BYTES_MAP, cause) != 0)
		goto out;
	af->bytes = content;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Is now another version of the file than was: another inode, size or
 * mtime? */
static int
stat_differs(const struct stat *now, const struct stat *was)
{
#ifdef _WIN32
	/* The C runtime's stat has no inode (st_ino is 0) and its st_dev is
	 * the drive where fstat's is the descriptor: size and time only. */
	return now->st_size != was->st_size || now->st_mtime != was->st_mtime;
#else
	if (now->st_ino != was->st_ino || now->st_dev != was->st_dev ||
	    now->st_size != was->st_size)
		return 1;
#if defined(__APPLE__)
	return now->st_mtimespec.tv_sec != was->st_mtimespec.tv_sec ||
	    now->st_mtimespec.tv_nsec != was->st_mtimespec.tv_nsec;
#else
	return now->st_mtim.tv_sec != was->st_mtim.tv_sec ||
	    now->st_mtim.tv_nsec != was->st_mtim.tv_nsec;
#endif
#endif
}

int
atomicfile_changed(const struct atomicfile *af)
{
	struct stat now;

	/* Bytes read as zeros past a truncation: whatever the stat says
	 * now (the file may have grown back), they were not the file's. */
	if (af->bytes != NULL && file_bytes_torn(af->bytes))
		return 1;
	/* In the directory held, as the rename will be. */
	if (at_stat(af->dirfd, af->dir, base_of(af->real), &now) != 0)
		return 1;
#ifndef _WIN32
	/* A link put in the file's place: reading again follows it anew. */
	if (S_ISLNK(now.st_mode))
		return 1;
#endif
	/* Not an edit to read again and redo: the rename refuses to replace
	 * a directory on its own, in its own words. */
	if (!S_ISREG(now.st_mode))
		return 0;
	return stat_differs(&now, &af->st);
}

char *
atomicfile_real_dir(const char *path)
{
	char *real = realpath(path, NULL), *dir;

	if (real == NULL)
		return NULL;
	dir = dir_of(real);
	free(real);
	return dir;
}

int
atomicfile_check_writable(struct atomicfile *af, int in_place, char **cause)
{
	if (af->immutable)
		return set_error(cause, "cannot change '%s': the file is immutable or "
		    "append-only (chattr +i/+a); amlhosts never clears that flag, "
		    "run 'chattr -i %s' yourself if the change is wanted", af->path, af->real);
	if (af->readonly_fs)
		return set_error(cause, "cannot change '%s': its filesystem is mounted "
		    "read-only", af->path);
	if (af->bind_mount && !in_place)
		return set_error(cause, "cannot replace '%s': the file is a bind mount "
		    "(as in a container), which rename cannot replace; use --in-place "
		    "(write_mode = in-place) to rewrite it in place", af->path);
#ifdef _WIN32
	return platform_check_writable(af->path, af->real, cause);
#else
	/* The file in the directory held, which the write goes to, not what
	 * af->real leads to now. */
	return platform_check_writable_at(af->path, af->dirfd, base_of(af->real), cause);
#endif
}

int
fsync_dir_at(int dirfd, const char *dir, char **cause)
{
	return at_fsync_dir(dirfd, dir, cause);
}

int
fsync_dir(const char *dir, char **cause)
{
#ifdef _WIN32
	return at_fsync_dir(-1, dir, cause);
#else
	int fd, rc;

	fd = open_retry(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd < 0)
		return set_error(cause, "cannot open directory '%s': %s", dir, strerror(errno));
	rc = at_fsync_dir(fd, dir, cause);
	if (close(fd) != 0 && rc == 0 && errno != EINTR)
		rc = set_error(cause, "cannot sync directory '%s': %s", dir, strerror(errno));
	return rc;
#endif
}

int
fsync_retry(int fd)
{
	int r;

	do {
#ifdef F_FULLFSYNC
		/* macOS: fsync reaches the drive, not past its cache; F_FULLFSYNC
		 * does. Filesystems that cannot (SMB, FAT) get a plain fsync. */
		r = fcntl(fd, F_FULLFSYNC);
		if (r != 0 && errno != EINTR)
			r = fsync(fd);
#else
		r = fsync(fd);
#endif
	} while (r != 0 && errno == EINTR);
	return r;
}

/* Create ".<name>.amlhosts-XXXXXX" in the directory with O_EXCL, mode
 * 0600; *tmp gets its name (in the directory). */
static int
create_temp(int dfd, const char *dir, const char *name, char **tmp)
{
#ifdef _WIN32
	char *prefix = join(dir, ""), *full;
	int fd;

	(void)dfd;
	full = xasprintf("%s.%s" ATOMICFILE_TEMP_TAG "XXXXXX", prefix, name);
	free(prefix);
	/* mkostemp retries only a name that exists, not an interrupted open. */
	do {
		memcpy(full + strlen(full) - 6, "XXXXXX", 6);
		fd = mkostemp(full, O_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	*tmp = xstrdup(base_of(full));
	free(full);
	return fd;
#else
	/* There is no mkostemp relative to a directory descriptor: the same
	 * six letters, drawn here. O_EXCL makes the create safe whatever
	 * the letters; they only need to differ between tries and runs. */
	static const char letters[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	static unsigned long long seq;
	struct timespec now = { 0, 0 };
	unsigned long long x;
	size_t len;
	int fd = -1, tries, i;

	*tmp = xasprintf(".%s" ATOMICFILE_TEMP_TAG "XXXXXX", name);
	len = strlen(*tmp);
	for (tries = 0; tries < 100; tries++) {
		/* A clock that fails leaves the pid and the count to differ. */
		(void)clock_gettime(CLOCK_REALTIME, &now);
		x = ((unsigned long long)now.tv_nsec << 20) ^ (unsigned long long)now.tv_sec ^
		    ((unsigned long long)getpid() << 40) ^ (++seq * 0x9E3779B97F4A7C15ull);
		for (i = 0; i < 6; i++) {
			(*tmp)[len - 6 + i] = letters[x % (sizeof letters - 1)];
			x /= sizeof letters - 1;
		}
		fd = openat_retry(dfd, *tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	return fd;
#endif
}

#ifndef _WIN32
#ifndef IOV_MAX
#define IOV_MAX 16 /* the least POSIX allows (_XOPEN_IOV_MAX) */
#endif
/* Segments handed to one writev(): IOV_MAX, and a bound on the stack. */
#define WRITEV_CHUNK (IOV_MAX < 1024 ? IOV_MAX : 1024)
#endif

int
atomicfile_write_segs(int fd, const struct hosts_seg *v, size_t n)
{
#ifdef _WIN32
	size_t i;

	/* No writev: one write per segment (few: the unchanged runs and
	 * the lines amlhosts writes between them). */
	for (i = 0; i < n; i++)
		if (write_all(fd, v[i].data, v[i].len) != 0)
			return -1;
	return 0;
#else
	struct iovec iov[WRITEV_CHUNK];
	size_t i = 0, skip = 0, k, left;
	ssize_t w;
	int cnt;

	/* v[i] from byte skip on is the next byte to write. */
	for (;;) {
		while (i < n && v[i].len == skip) {
			i++;
			skip = 0;
		}
		if (i == n)
			return 0;
		for (cnt = 0, k = i; k < n && cnt < WRITEV_CHUNK; k++) {
			if (v[k].len - (k == i ? skip : 0) == 0)
				continue;
			iov[cnt].iov_base = (void *)(v[k].data + (k == i ? skip : 0));
			iov[cnt].iov_len = v[k].len - (k == i ? skip : 0);
			cnt++;
		}
		w = writev(fd, iov, cnt);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		/* A short write resumes where it stopped, mid-segment if so. */
		for (left = (size_t)w; i < n && left >= v[i].len - skip; i++) {
			left -= v[i].len - skip;
			skip = 0;
		}
		skip += left;
	}
#endif
}

/* Does name in the directory hold the bytes of v[0..n), len in all? path
 * names it. */
static int
read_back_equal(int dfd, const char *dir, const char *name, const char *path,
    const struct hosts_seg *v, size_t n, size_t len, char **cause)
{
	/* Compared a piece at a time: a second copy of a file of a million
	 * lines would double the peak memory of the change. */
	char piece[65536];
	size_t done = 0, i = 0, skip = 0, at, m;
	ssize_t r;
	int fd, rc = 0;

#ifdef _WIN32
	/* Another program may open the new file the moment it is in place
	 * (the DNS Client service reads it): waited out like the first read. */
	(void)dfd;
	(void)dir;
	(void)name;
	fd = platform_open(path, O_RDONLY);
#else
	fd = openat_retry(dfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0);
#endif
	if (fd < 0)
		return file_error(cause, "open", path, errno);
	for (;;) {
		r = read(fd, piece, sizeof piece);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = set_error(cause, "cannot read '%s': %s", path, strerror(errno));
			break;
		}
		if (r == 0 || (size_t)r > len - done)
			break;
		/* The piece against the segments, from v[i] + skip on. */
		for (at = 0; at < (size_t)r; at += m) {
			while (v[i].len - skip == 0) {
				i++;
				skip = 0;
			}
			m = v[i].len - skip < (size_t)r - at ? v[i].len - skip : (size_t)r - at;
			if (memcmp(piece + at, v[i].data + skip, m) != 0)
				break;
			skip += m;
		}
		if (at < (size_t)r)
			break;
		done += (size_t)r;
	}
	if (rc == 0 && (r != 0 || done != len))
		rc = set_error(cause, "'%s' does not hold what was written (another "
		    "program rewrote it, or ignored the lock)", path);
	close(fd);
	return rc;
}

#ifdef _WIN32
/* Never called: there are no bind mounts on Windows (is_mount_point). */
static int
replace_in_place(struct atomicfile *af, const struct hosts_seg *v, size_t n, size_t len,
    char **cause)
{
	(void)v;
	(void)n;
	(void)len;
	return set_error(cause, "cannot rewrite '%s' in place on Windows", af->path);
}
#else
static int
replace_in_place(struct atomicfile *af, const struct hosts_seg *v, size_t n, size_t len,
    char **cause)
{
	int fd, rc = -1;
	struct stat now;

	af->failed_step = ATOMICFILE_STEP_OPEN;
	/* In the directory held, as every other step: the path may lead
	 * elsewhere by now. */
	fd = openat_retry(af->dirfd, base_of(af->real), O_WRONLY | O_CLOEXEC | O_NOCTTY, 0);
	if (fd < 0)
		return set_error(cause, "cannot open '%s' for writing: %s", af->path, strerror(errno));
	/* The inode read (and named in the in-place marker, journal.h), not
	 * whatever was put at its name since: an in-place write over another
	 * file is no rewrite of this one. */
	if (fstat(fd, &now) != 0 || now.st_dev != af->st.st_dev || now.st_ino != af->st.st_ino) {
		set_error(cause, "'%s' was replaced while amlhosts was editing it; try again",
		    af->path);
		goto out;
	}
	af->failed_step = ATOMICFILE_STEP_WRITE;
	/* From offset 0: the descriptor was just opened, without O_APPEND. */
	if (atomicfile_write_segs(fd, v, n) != 0) {
		set_error(cause, "cannot write '%s': %s", af->path, strerror(errno));
		goto out;
	}
	af->failed_step = ATOMICFILE_STEP_FTRUNCATE;
	while (ftruncate(fd, (off_t)len) != 0) {
		if (errno == EINTR)
			continue;
		set_error(cause, "cannot truncate '%s': %s", af->path, strerror(errno));
		goto out;
	}
	af->failed_step = ATOMICFILE_STEP_FSYNC;
	if (fsync_retry(fd) != 0) {
		set_error(cause, "cannot sync '%s': %s", af->path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (close(fd) != 0 && rc == 0 && errno != EINTR) {
		af->failed_step = ATOMICFILE_STEP_CLOSE;
		rc = set_error(cause, "cannot write '%s': %s", af->path, strerror(errno));
	}
	return rc;
}
#endif

#ifdef HAVE_SELINUX
/* Give the temporary file the label the hosts file has (net_conf_t), so a
 * rename does not leave it with the directory's default label. The label
 * is read from the file that was read, by descriptor in the directory
 * held: by its path it could be another file's, through a directory
 * swapped since. */
static int
copy_selinux_label(const struct atomicfile *af, int tofd, char **cause)
{
	char *con = NULL;
	struct stat st;
	int fd, rc = 0;

	if (is_selinux_enabled() <= 0)
		return 0;
	fd = openat_retry(af->dirfd, base_of(af->real), O_RDONLY | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC, 0);
	if (fd < 0 && errno != ENOENT && errno != ELOOP)
		return set_error(cause, "cannot open '%s' to read its SELinux label: %s",
		    af->path, strerror(errno));
	/* Gone, a link or another inode: no longer the file read. Nothing to
	 * copy from; the check before the rename finds the change, and the
	 * edit is read and done again. */
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) != 0)
		rc = set_error(cause, "cannot stat '%s': %s", af->path, strerror(errno));
	else if (st.st_dev != af->st.st_dev || st.st_ino != af->st.st_ino)
		rc = 0;
	else if (fgetfilecon(fd, &con) < 0) {
		if (errno != ENOTSUP && errno != ENODATA)
			rc = set_error(cause, "cannot read the SELinux label of '%s': %s",
			    af->path, strerror(errno));
	} else if (fsetfilecon(tofd, con) < 0)
		rc = set_error(cause, "cannot set the SELinux label '%s': %s", con, strerror(errno));
	if (con != NULL)
		freecon(con);
	close(fd);
	return rc;
}
#endif

/* Another program changed the file read: failed_step and the message
 * that send the edit back to be read and done again. */
static int
changed_error(struct atomicfile *af, char **cause)
{
	af->failed_step = ATOMICFILE_STEP_CHANGED;
	return set_error(cause, "another program changed '%s' while amlhosts was "
	    "editing it", af->path);
}

/*
 * The temporary file prepared and not yet renamed (atomicfile_prepare), for
 * out_of_memory(), which exits without returning through the paths that
 * remove it: the change is journaled while it exists, and allocations in
 * between must not leave it beside the hosts file. One at a time, as a run
 * writes one file at a time. Windows goes by path: built here, beforehand,
 * since the cleanup must not allocate.
 */
static const struct atomicfile *pending_temp;
#ifdef _WIN32
static char *pending_path;
#endif

static void
remove_pending_temp(void)
{
#ifdef _WIN32
	/* An open file cannot be deleted there: closed first (the run is
	 * exiting). */
	if (pending_temp != NULL && pending_temp->tmpfd >= 0)
		(void)close(pending_temp->tmpfd);
	if (pending_path != NULL)
		(void)unlink(pending_path);
#else
	if (pending_temp != NULL && pending_temp->tmp != NULL)
		(void)unlinkat(pending_temp->dirfd, pending_temp->tmp, 0);
#endif
}

static void
set_pending_temp(const struct atomicfile *af)
{
	pending_temp = af;
#ifdef _WIN32
	free(pending_path);
	pending_path = af != NULL ? join(af->dir, af->tmp) : NULL;
#endif
	out_of_memory_cleanup(af != NULL ? remove_pending_temp : NULL);
}

/* Close and remove the temporary file atomicfile_prepare() created, if
 * it was not renamed. */
static void
drop_temp(struct atomicfile *af)
{
	if (pending_temp == af)
		set_pending_temp(NULL);
	if (af->tmpfd >= 0)
		close(af->tmpfd);
	if (af->tmp != NULL)
		at_unlink(af->dirfd, af->dir, af->tmp);
	free(af->tmp);
	af->tmp = NULL;
	af->tmpfd = -1;
	af->tmp_dev = 0;
	af->tmp_ino = 0;
}

/* The temporary file of a replacement by rename, with the target's owner,
 * mode and label, and the inode it is (atomicfile_prepare). */
static int
create_new(struct atomicfile *af, char **cause)
{
	struct stat st;

	af->failed_step = ATOMICFILE_STEP_CREATE_TEMP;
	af->tmpfd = create_temp(af->dirfd, af->dir, base_of(af->real), &af->tmp);
	if (af->tmpfd < 0) {
		set_error(cause, "cannot create a temporary file in '%s': %s", af->dir, strerror(errno));
		free(af->tmp); /* named, not created: nothing to remove */
		af->tmp = NULL;
		return -1;
	}
	set_pending_temp(af);
	if (fstat(af->tmpfd, &st) != 0) {
		set_error(cause, "cannot stat a temporary copy of '%s': %s", af->path, strerror(errno));
		goto fail;
	}
	af->tmp_dev = (unsigned long long)st.st_dev;
	af->tmp_ino = (unsigned long long)st.st_ino;
#ifndef _WIN32
	/* On Windows the ACL is the target's own: ReplaceFileW keeps it. */
	af->failed_step = ATOMICFILE_STEP_FCHOWN;
	if ((af->st.st_uid != geteuid() || af->st.st_gid != getegid()) &&
	    fchown(af->tmpfd, af->st.st_uid, af->st.st_gid) != 0) {
		set_error(cause, "cannot give the new '%s' its owner: %s", af->path, strerror(errno));
		goto fail;
	}
	af->failed_step = ATOMICFILE_STEP_FCHMOD;
	if (fchmod(af->tmpfd, af->st.st_mode & 07777) != 0) {
		set_error(cause, "cannot give the new '%s' its mode: %s", af->path, strerror(errno));
		goto fail;
	}
#endif
#ifdef HAVE_SELINUX
	af->failed_step = ATOMICFILE_STEP_SELINUX;
	if (copy_selinux_label(af, af->tmpfd, cause) != 0)
		goto fail;
#endif
	af->failed_step = ATOMICFILE_STEP_NONE;
	return 0;
fail:
	drop_temp(af);
	return -1;
}

static int
replace_by_rename(struct atomicfile *af, const struct hosts_seg *v, size_t n, char **cause)
{
	int fd, err;

	if (af->tmp == NULL && create_new(af, cause) != 0)
		return -1;
	fd = af->tmpfd;
	af->failed_step = ATOMICFILE_STEP_WRITE;
	if (atomicfile_write_segs(fd, v, n) != 0) {
		/* Segments borrowed from a mapping of a file cut short since
		 * fail with EFAULT: the kernel's own copy raises no SIGBUS for
		 * filemap.c to repair. That is another program's edit, to be
		 * read again, not a failed disk. */
		if (errno == EFAULT && atomicfile_changed(af))
			changed_error(af, cause);
		else
			set_error(cause, "cannot write a temporary copy of '%s': %s", af->path,
			    strerror(errno));
		goto fail;
	}
	af->failed_step = ATOMICFILE_STEP_FSYNC;
	if (fsync_retry(fd) != 0) {
		set_error(cause, "cannot sync a temporary copy of '%s': %s", af->path, strerror(errno));
		goto fail;
	}
	af->failed_step = ATOMICFILE_STEP_CLOSE;
	err = close(fd);
	af->tmpfd = -1;
	if (err != 0 && errno != EINTR) {
		set_error(cause, "cannot write a temporary copy of '%s': %s", af->path, strerror(errno));
		goto fail;
	}
	/* As late as can be: an edit another program made since the read
	 * would be lost by the rename. */
	af->failed_step = ATOMICFILE_STEP_CHANGED;
	if (atomicfile_changed(af)) {
		changed_error(af, cause);
		goto fail;
	}
	af->failed_step = ATOMICFILE_STEP_RENAME;
	if (at_rename(af->dirfd, af->dir, af->tmp, base_of(af->real)) != 0) {
		err = errno;
#ifdef _WIN32
		/* No bind mounts there: EBUSY is a sharing violation that
		 * platform_replace() waited out for lock_timeout. */
		file_error(cause, "replace", af->path, err);
#else
		if (err == EBUSY || err == EXDEV)
			set_error(cause, "cannot replace '%s': the file is a bind mount (%s); "
			    "use --in-place (write_mode = in-place) to rewrite it in place",
			    af->path, strerror(err));
		else
			set_error(cause, "cannot replace '%s': %s", af->path, strerror(err));
#endif
		goto fail;
	}
	/* Renamed: the name is the hosts file's now, nothing to remove. */
	if (pending_temp == af)
		set_pending_temp(NULL);
	free(af->tmp);
	af->tmp = NULL;
	af->failed_step = ATOMICFILE_STEP_DIR_FSYNC;
	return at_fsync_dir(af->dirfd, af->dir, cause);
fail:
	drop_temp(af);
	return -1;
}

/* Will atomicfile_replace() rewrite the inode that was read, rather than
 * rename a new one over it? The one rule both it and the backup follow. */
static int
rewrites_inode(const struct atomicfile *af, int in_place)
{
	return af->bind_mount && in_place;
}

int
atomicfile_prepare(struct atomicfile *af, int in_place, char **cause)
{
	if (rewrites_inode(af, in_place) || af->tmp != NULL)
		return 0;
	return create_new(af, cause);
}

int
atomicfile_replace_segs(struct atomicfile *af, const struct hosts_seg *v, size_t n,
    int in_place, char **cause)
{
	size_t i, len = 0;
	int rc;

	for (i = 0; i < n; i++)
		len += v[i].len;
	if (rewrites_inode(af, in_place))
		rc = replace_in_place(af, v, n, len, cause);
	else
		rc = replace_by_rename(af, v, n, cause);
	if (rc != 0)
		return rc;
	af->failed_step = ATOMICFILE_STEP_READ_BACK;
	rc = read_back_equal(af->dirfd, af->dir, base_of(af->real), af->real, v, n, len, cause);
	/* Torn only now, after the check before the rename: the new file was
	 * written from whole bytes, but the compare met zeros where the old
	 * file, the segments' source, was cut short through a descriptor
	 * opened before the rename (the path leads to the new file). Not the
	 * written file's fault: said so rather than calling it damaged. */
	if (rc != 0 && af->bytes != NULL && file_bytes_torn(af->bytes)) {
		set_error(cause, "'%s' holds the new contents, but they could not be "
		    "checked: another program cut short the old file while amlhosts "
		    "compared them", af->path);
	}
	return rc;
}

int
atomicfile_replace(struct atomicfile *af, const void *data, size_t len, int in_place, char **cause)
{
	struct hosts_seg one = { data, 0, len };

	return atomicfile_replace_segs(af, &one, len > 0, in_place, cause);
}

void
atomicfile_remove_temps_at(int dirfd, const char *dir,
    int (*is_temp)(const char *name, const void *arg), const void *arg)
{
	DIR *d;
	struct dirent *de;
	struct stat st;
#ifndef _WIN32
	int fd;
#endif

#ifdef _WIN32
	d = opendir(dir);
#else
	/* A descriptor of its own for the listing (fdopendir takes it over),
	 * of the directory held. */
	fd = openat_retry(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (d == NULL && fd >= 0)
		close(fd);
#endif
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (is_temp(de->d_name, arg) && at_stat(dirfd, dir, de->d_name, &st) == 0 &&
		    S_ISREG(st.st_mode) && st.st_uid == geteuid())
			at_unlink(dirfd, dir, de->d_name);
	closedir(d);
}

/* ".<base>.amlhosts-XXXXXX", the prefix being arg. */
static int
is_temp_of(const char *name, const void *arg)
{
	const char *prefix = arg;
	size_t plen = strlen(prefix);

	return strncmp(name, prefix, plen) == 0 && strlen(name) == plen + 6;
}

void
atomicfile_remove_stale(struct atomicfile *af)
{
	char *prefix = xasprintf(".%s" ATOMICFILE_TEMP_TAG, base_of(af->real));

	atomicfile_remove_temps_at(af->dirfd, af->dir, is_temp_of, prefix);
	free(prefix);
}

/*
 * Make the temporary file a copy-on-write clone of the version of af that
 * was read (btrfs, XFS): no bytes written, and unlike a link a separate
 * inode, so an in-place rewrite of the live file leaves it alone. The
 * source is checked before and after the clone to be that version. A
 * failed clone leaves fd as it was (empty).
 */
static int
clone_into(int fd, const struct atomicfile *af)
{
#if defined(FICLONE) && !defined(_WIN32)
	struct stat st;
	int src, rc = -1;

	src = openat_retry(af->dirfd, base_of(af->real), O_RDONLY | O_CLOEXEC, 0);
	if (src < 0)
		return -1;
	if (fstat(src, &st) == 0 && !stat_differs(&st, &af->st) &&
	    ioctl(fd, FICLONE, src) == 0) {
		if (fstat(src, &st) == 0 && !stat_differs(&st, &af->st))
			rc = 0;
		else
			rc = ftruncate(fd, 0) == 0 ? -1 : -2;
	}
	close(src);
	return rc;
#else
	(void)fd;
	(void)af;
	return -1;
#endif
}

/* atomicfile_write_new() of name in the directory held as dfd (dir, path:
 * for messages), the bytes cloned from clone (if not NULL) where the
 * filesystem can. */
static int
write_new(int dfd, const char *dir, const char *name, const char *path,
    const struct atomicfile *clone, const struct hosts_seg *v, size_t n, mode_t mode,
    enum atomicfile_backup *how, char **cause)
{
	char *tmp = NULL;
	int fd, rc = -1, cloned = -1;

	*how = ATOMICFILE_BACKUP_COPY;
	fd = create_temp(dfd, dir, name, &tmp);
	if (fd < 0) {
		set_error(cause, "cannot create a file in '%s': %s", dir, strerror(errno));
		goto out;
	}
	if (clone != NULL && (cloned = clone_into(fd, clone)) == 0)
		*how = ATOMICFILE_BACKUP_REFLINK;
	if (cloned == -2 || FCHMOD(fd, mode) != 0 ||
	    (cloned != 0 && atomicfile_write_segs(fd, v, n) != 0) || fsync_retry(fd) != 0) {
		set_error(cause, "cannot write '%s': %s", path, strerror(errno));
		close(fd);
		at_unlink(dfd, dir, tmp);
		goto out;
	}
	if (close(fd) != 0 && errno != EINTR) {
		set_error(cause, "cannot write '%s': %s", path, strerror(errno));
		at_unlink(dfd, dir, tmp);
		goto out;
	}
	if (at_rename(dfd, dir, tmp, name) != 0) {
		set_error(cause, "cannot write '%s': %s", path, strerror(errno));
		at_unlink(dfd, dir, tmp);
		goto out;
	}
	rc = at_fsync_dir(dfd, dir, cause);
out:
	free(tmp);
	return rc;
}

/* path's directory, opened once (dir_open) for a write into it: 0 and
 * *dfd, *dir (free it), or -1 with *cause set. */
static int
open_dir_of(const char *path, int *dfd, char **dir, char **cause)
{
	*dir = dir_of(path);
	*dfd = dir_open(*dir);
#ifndef _WIN32
	if (*dfd < 0) {
		if (errno == ELOOP || errno == ENOTDIR)
			dir_open_error(*dir, cause);
		else
			set_error(cause, "cannot create a file in '%s': %s", *dir, strerror(errno));
		free(*dir);
		*dir = NULL;
		return -1;
	}
#else
	(void)cause;
#endif
	return 0;
}

static void
close_dir(int dfd, char *dir)
{
	if (dfd >= 0)
		close(dfd);
	free(dir);
}

int
atomicfile_write_new(const char *path, const void *data, size_t len, mode_t mode, char **cause)
{
	char *dir;
	int dfd, rc;

	if (open_dir_of(path, &dfd, &dir, cause) != 0)
		return -1;
	rc = atomicfile_write_new_at(dfd, path, data, len, mode, cause);
	close_dir(dfd, dir);
	return rc;
}

int
atomicfile_write_new_at(int dirfd, const char *path, const void *data, size_t len,
    mode_t mode, char **cause)
{
	struct hosts_seg one = { data, 0, len };

	return atomicfile_write_new_segs_at(dirfd, path, &one, 1, mode, cause);
}

int
atomicfile_write_new_segs_at(int dirfd, const char *path, const struct hosts_seg *v,
    size_t n, mode_t mode, char **cause)
{
	enum atomicfile_backup how;
	char *dir = dir_of(path);
	int rc;

	rc = write_new(dirfd, dir, base_of(path), path, NULL, v, n, mode, &how, cause);
	free(dir);
	return rc;
}

/*
 * The backup as a second name of the old inode. Safe only because that
 * inode is never written again: atomicfile_replace() writes the new bytes
 * to a temporary file and renames it over the old name, so after the
 * rename the inode is reachable only as the backup (Windows: the file
 * record; ReplaceFileW only reads and moves the replaced file, platform.h).
 * In place (a bind mount with --in-place: rewrites_inode()) the live inode
 * itself is rewritten, so the backup is never a link then. The name must
 * lead to the very version that was read (inode, size, mtime; Windows:
 * size and mtime): a file replaced or written since is not the backup of
 * these bytes.
 */
static int
link_backup(const struct atomicfile *af, int dfd, const char *dir, const char *name)
{
	struct stat st;

	/* A file with another name already (nlink > 1) stays live under it
	 * after the rename: whatever writes there would change the backup.
	 * Both ends relative to their directories held: flags 0 links the
	 * name itself, never what a link put there would lead to. (Windows:
	 * platform_link, which asks the file's link count through a handle:
	 * the C runtime's st_nlink is not to be relied on there.) */
#ifdef _WIN32
	char *path = join(dir, name);
	int linked = platform_link(af->real, path);

	free(path);
	if (linked != 0)
		return -1;
#else
	if (af->st.st_nlink != 1 ||
	    linkat(af->dirfd, base_of(af->real), dfd, name, 0) != 0)
		return -1;
#endif
	if (at_stat(dfd, dir, name, &st) != 0 || !S_ISREG(st.st_mode) ||
	    stat_differs(&st, &af->st)) {
		at_unlink(dfd, dir, name);
		return -1;
	}
	return 0;
}

int
atomicfile_save_backup_at(const struct atomicfile *af, int dirfd, const char *path,
    const void *data, size_t len, int in_place, enum atomicfile_backup *how, char **cause)
{
	char *dir = dir_of(path);
	int rc;

	/* A link that cannot be made (another filesystem: EXDEV; no hard
	 * links: EPERM, EMLINK, ENOTSUP) only means the next, costlier way:
	 * a clone (not on Windows), else a copy. */
	if (af != NULL && !rewrites_inode(af, in_place) &&
	    link_backup(af, dirfd, dir, base_of(path)) == 0) {
		*how = ATOMICFILE_BACKUP_LINK;
		rc = at_fsync_dir(dirfd, dir, cause);
		if (rc != 0)
			at_unlink(dirfd, dir, base_of(path));
		free(dir);
		return rc;
	}
	{
		struct hosts_seg one = { data, 0, len };

		rc = write_new(dirfd, dir, base_of(path), path, af, &one, 1,
		    ATOMICFILE_BACKUP_MODE, how, cause);
	}
	free(dir);
	return rc;
}

int
atomicfile_save_backup(const struct atomicfile *af, const char *path, const void *data,
    size_t len, int in_place, enum atomicfile_backup *how, char **cause)
{
	char *dir;
	int dfd, rc;

	if (open_dir_of(path, &dfd, &dir, cause) != 0)
		return -1;
	rc = atomicfile_save_backup_at(af, dfd, path, data, len, in_place, how, cause);
	close_dir(dfd, dir);
	return rc;
}
