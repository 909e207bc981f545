/*
 * statedir.c - the names of the files in the state directory.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/atomicfile.h"
#include "state/statedir.h"
#include "base/util.h"


#ifndef _WIN32
/* Why mkdir failed, and what to do when it is a matter of permissions: the
 * default state directory is a system one, so a user who is not root
 * should be told to be. */
static int
mkdir_error(const char *what, const char *path, int err, char **cause)
{
	if ((err == EACCES || err == EPERM) && geteuid() != 0)
		return set_error(cause, "cannot create %s '%s': %s; run as root "
		    "(or give a state directory of your own with --state-dir)",
		    what, path, strerror(err));
	return set_error(cause, "cannot create %s '%s': %s", what, path, strerror(err));
}

/*
 * Does path climb out of a directory that does not exist yet ("a/new/..")?
 * The trust walk judges a missing path by its nearest existing ancestor,
 * found by dropping components as text, so for "/root-dir/new/../../home/
 * alice/state" it judges /root-dir; creating "new" and then following the
 * ".." would put the state directory where nothing judged it (alice's
 * home). Checked before anything is created: the prefix up to the last
 * ".." must exist.
 */
static int
climbs_out_of_missing(char *p)
{
	struct stat st;
	char *s, *end = NULL, c;
	int missing;

	for (s = p; (s = strstr(s, "..")) != NULL; s += 2)
		if ((s == p || s[-1] == '/') && (s[2] == '/' || s[2] == '\0'))
			end = s + 2;
	if (end == NULL)
		return 0;
	c = *end;
	*end = '\0';
	missing = stat(p, &st) != 0 && errno == ENOENT;
	*end = c;
	return missing;
}

int
statedir_mkdir(const char *dir, char **cause)
{
	char *p = xstrdup(dir), *s;
	size_t len = strlen(p);
	int rc = 0;

	/* "a/b/" names b: the last component is the one after the last
	 * slash once trailing slashes are gone. */
	while (len > 1 && p[len - 1] == '/')
		p[--len] = '\0';
	/* Every run opens the state directory and its backups/: when they are
	 * there (or only the last one is missing) that is one system call,
	 * not one per component. */
	if (mkdir(p, 0700) == 0 || errno == EEXIST)
		goto out;
	if (errno != ENOENT) {
		rc = mkdir_error("state directory", p, errno, cause);
		goto out;
	}
	if (climbs_out_of_missing(p)) {
		rc = set_error(cause, "cannot create state directory '%s': it goes back up "
		    "('..') out of a directory that does not exist; give the path without '..'", p);
		goto out;
	}
	/* Parents first: "./configure" puts the state directory under
	 * /usr/local/var/lib, which a fresh machine does not have. They are
	 * 0755 whatever the umask (a systemd service runs with 0077), as
	 * mkdir -p would make them for others to traverse; only the state
	 * directory itself is private. */
	for (s = p + 1; rc == 0 && (s = strchr(s, '/')) != NULL; s++) {
		if (s[-1] == '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) == 0) {
			if (chmod(p, 0755) != 0)
				rc = set_error(cause, "cannot set the mode of '%s': %s", p, strerror(errno));
		} else if (errno != EEXIST) {
			rc = mkdir_error("the parent directory", p, errno, cause);
		}
		*s = '/';
	}
	if (rc == 0 && mkdir(p, 0700) != 0 && errno != EEXIST)
		rc = mkdir_error("state directory", p, errno, cause);
out:
	free(p);
	return rc;
}

/* How open_private() judges: a missing name is -2 and no error; a
 * directory of root's is trusted as well as one of the effective user's
 * (for reading only: root's directory is trusted by everyone). */
#define PRIVATE_MISSING_OK 0x1
#define PRIVATE_ROOT_OK    0x2

/* Open name (relative to at, or a path with at AT_FDCWD) as a private
 * directory of ours: the descriptor, or -1 with *cause set; shown names it
 * in messages. how: PRIVATE_* above. */
static int
open_private(int at, const char *name, const char *shown, unsigned how, char **cause)
{
	struct stat st;
	int fd;

	do {
		fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0 && (how & PRIVATE_MISSING_OK) != 0 && errno == ENOENT)
		return -2;
	if (fd < 0) {
		/* A link (ELOOP) or a file (ENOTDIR) where the directory
		 * should be. */
		if (errno == ELOOP || errno == ENOTDIR)
			set_error(cause, "state directory '%s' is not a directory", shown);
		else
			set_error(cause, "cannot open state directory '%s': %s", shown, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		set_error(cause, "cannot stat state directory '%s': %s", shown, strerror(errno));
	} else if (st.st_uid != geteuid() && !((how & PRIVATE_ROOT_OK) != 0 && st.st_uid == 0)) {
		/* Backups of a system file must not be replaceable by others. */
		set_error(cause, "state directory '%s' is not owned by the user running "
		    "amlhosts", shown);
	} else if ((st.st_mode & 022) != 0) {
		set_error(cause, "state directory '%s' is writable by group or others; "
		    "run 'chmod go-w %s'", shown, shown);
	} else {
		return fd;
	}
	close(fd);
	return -1;
}

int
statedir_open(const char *dir, int *dirfd, int *backupsfd, char **cause)
{
	char *backups = statedir_backups_dir(dir);
	int rc = -1;

	*dirfd = *backupsfd = -1;
	if (statedir_mkdir(dir, cause) != 0 ||
	    (*dirfd = open_private(AT_FDCWD, dir, dir, 0, cause)) < 0)
		goto out;
	if (mkdirat(*dirfd, STATEDIR_BACKUPS, 0700) != 0 && errno != EEXIST) {
		mkdir_error("state directory", backups, errno, cause);
		goto out;
	}
	*backupsfd = open_private(*dirfd, STATEDIR_BACKUPS, backups, 0, cause);
	if (*backupsfd >= 0)
		rc = 0;
out:
	if (rc != 0 && *dirfd >= 0) {
		close(*dirfd);
		*dirfd = -1;
	}
	free(backups);
	return rc;
}

int
statedir_open_read(const char *dir, int *dirfd, int *backupsfd, char **cause)
{
	const unsigned how = PRIVATE_ROOT_OK | PRIVATE_MISSING_OK;
	char *backups;
	int fd;

	*backupsfd = -1;
	*dirfd = open_private(AT_FDCWD, dir, dir, how, cause);
	if (*dirfd == -2) {
		*dirfd = -1;
		return 1;
	}
	if (*dirfd < 0)
		return -1;
	backups = statedir_backups_dir(dir);
	fd = open_private(*dirfd, STATEDIR_BACKUPS, backups, how, cause);
	free(backups);
	if (fd == -1) {
		close(*dirfd);
		*dirfd = -1;
		return -1;
	}
	/* -2: no backups/ (nothing was ever changed), which is fine. */
	*backupsfd = fd < 0 ? -1 : fd;
	return 0;
}
#endif

char *
statedir_backup_name(long id)
{
	return xasprintf("%ld" STATEDIR_BACKUP_SUFFIX, id);
}

char *
statedir_lock_path(const char *dir)
{
	return xasprintf("%s/" STATEDIR_LOCK, dir);
}

char *
statedir_journal_path(const char *dir)
{
	return xasprintf("%s/" STATEDIR_JOURNAL, dir);
}

char *
statedir_backups_dir(const char *dir)
{
	return xasprintf("%s/" STATEDIR_BACKUPS, dir);
}

char *
statedir_backup_path(const char *dir, long id)
{
	return xasprintf("%s/" STATEDIR_BACKUPS "/%ld" STATEDIR_BACKUP_SUFFIX, dir, id);
}

long
statedir_backup_id(const char *name)
{
	char *end;
	long id;

	errno = 0;
	id = strtol(name, &end, 10);
	if (errno != 0 || id <= 0 || strcmp(end, STATEDIR_BACKUP_SUFFIX) != 0)
		return 0;
	return id;
}

int
statedir_is_backup_temp(const char *name)
{
	/* ".<id>.hosts.amlhosts-XXXXXX": a dot, at least one character of
	 * id, then the suffix, the tag and mkostemp's six characters. */
	static const char tail[] = STATEDIR_BACKUP_SUFFIX ATOMICFILE_TEMP_TAG;
	size_t len = strlen(name), tlen = sizeof tail - 1;

	return name[0] == '.' && len >= 1 + 1 + tlen + 6 &&
	    strncmp(name + len - tlen - 6, tail, tlen) == 0;
}
