/*
 * journal.c - lock, backups and the change journal in the state directory.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/file.h>
#endif
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "state/atomicfile.h"
#include "state/journal.h"
#include "state/statedir.h"
#include "base/fileread.h"
#include "base/platform.h"

#define JOURNAL_MAX_BYTES (64u * 1024 * 1024)

void
state_init(struct state *s)
{
	s->dir = NULL;
	s->lockfd = -1;
	s->dirlockfd = -1;
	s->dirfd = -1;
	s->backupsfd = -1;
	s->journal_size = 0;
}

int
state_open(struct state *s, const char *dir, char **cause)
{
	s->dir = xstrdup(dir);
#ifdef _WIN32
	{
		/* Owner and ACL, not mode bits: platform-win32.c. */
		char *backups = statedir_backups_dir(dir);
		int rc = platform_private_dir(dir, cause) != 0 ? -1 :
		    platform_private_dir(backups, cause);

		free(backups);
		return rc;
	}
#else
	/* Held from here: the lock, the journal and the backups are reached
	 * relative to these, not again by the path the trust walk judged. */
	return statedir_open(dir, &s->dirfd, &s->backupsfd, cause);
#endif
}

/* Wait up to timeout seconds for the exclusive lock on fd (what names the
 * lock in messages). */
static int
lock_wait(int fd, int timeout, const char *what, char **cause)
{
	struct timespec start, now, nap = { 0, 50 * 1000 * 1000 };
	int locked;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		locked = platform_trylock(fd);
		if (locked == 0)
			return 0;
		if (locked < 0)
			return set_error(cause, "cannot lock '%s': %s", what, strerror(errno));
		clock_gettime(CLOCK_MONOTONIC, &now);
		/* Milliseconds, not whole seconds: a second counter that ticks
		 * just after start would give up a 1 s wait at once. */
		if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >=
		    (long long)timeout * 1000)
			return set_error(cause, "busy: another amlhosts run holds the lock '%s' "
			    "(waited %d s; see lock_timeout)", what, timeout);
		nanosleep(&nap, NULL);
	}
}

/* open name in the state directory held (Windows: path), never through a
 * link at name. */
static int
open_in_state(const struct state *s, const char *name, const char *path, int flags, mode_t mode)
{
#ifdef _WIN32
	(void)name;
	return open_retry(path, flags, mode);
#else
	(void)path;
	return openat_retry(s->dirfd, name, flags, mode);
#endif
}

/* unlink name in the directory held as dfd (Windows: path); 0 or -1 with
 * errno. */
static int
unlink_in(int dfd, const char *name, const char *path)
{
#ifdef _WIN32
	(void)dfd;
	(void)name;
	return unlink(path);
#else
	(void)path;
	return unlinkat(dfd, name, 0);
#endif
}

/* Remove the backup of change id from the backups directory held. */
static int
unlink_backup(const struct state *s, long id)
{
	char *name = statedir_backup_name(id), *path = statedir_backup_path(s->dir, id);
	int rc = unlink_in(s->backupsfd, name, path);

	free(name);
	free(path);
	return rc;
}

/* lstat the backup of change id in the backups directory held. */
static int
stat_backup(const struct state *s, long id, struct stat *st)
{
#ifdef _WIN32
	char *path = statedir_backup_path(s->dir, id);
	int rc = stat(path, st);

	free(path);
	return rc;
#else
	char *name = statedir_backup_name(id);
	int rc = fstatat(s->backupsfd, name, st, AT_SYMLINK_NOFOLLOW);

	free(name);
	return rc;
#endif
}

int
state_lock(struct state *s, int timeout, char **cause)
{
	char *path = statedir_lock_path(s->dir);
	int rc = -1;

	s->lockfd = open_in_state(s, STATEDIR_LOCK, path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->lockfd < 0) {
		set_error(cause, "cannot open lock file '%s': %s", path, strerror(errno));
		goto out;
	}
	rc = lock_wait(s->lockfd, timeout, path, cause);
out:
	if (rc != 0 && s->lockfd >= 0) {
		close(s->lockfd);
		s->lockfd = -1;
	}
	free(path);
	return rc;
}

int
state_lock_dir(struct state *s, const char *dir, int timeout, char **cause)
{
#ifdef _WIN32
	/* A directory handle cannot be locked with LockFileEx; the state lock
	 * alone serializes runs there. */
	(void)s;
	(void)dir;
	(void)timeout;
	(void)cause;
	return 0;
#else
	int rc;

	s->dirlockfd = open_retry(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (s->dirlockfd < 0)
		return set_error(cause, "cannot open '%s' to lock it: %s", dir, strerror(errno));
	rc = lock_wait(s->dirlockfd, timeout, dir, cause);
	if (rc != 0) {
		close(s->dirlockfd);
		s->dirlockfd = -1;
	}
	return rc;
#endif
}

int
state_locked_dir_is(const struct state *s, int dirfd)
{
#ifdef _WIN32
	(void)s;
	(void)dirfd;
	return 1;
#else
	struct stat locked, held;

	if (s->dirlockfd < 0 || dirfd < 0 || fstat(s->dirlockfd, &locked) != 0 ||
	    fstat(dirfd, &held) != 0)
		return 0;
	return locked.st_dev == held.st_dev && locked.st_ino == held.st_ino;
#endif
}

int
state_lock_stale(const struct state *s)
{
#ifdef _WIN32
	/* The lock file open here cannot be deleted (state_purge_held lets
	 * its own lock go first, and fails on one another run holds). */
	(void)s;
	return 0;
#else
	struct stat held, now;

	if (s->lockfd < 0 || s->dirfd < 0 || fstat(s->lockfd, &held) != 0)
		return 0;
	if (held.st_nlink == 0)
		return 1;
	if (fstatat(s->dirfd, STATEDIR_LOCK, &now, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT;
	return now.st_dev != held.st_dev || now.st_ino != held.st_ino;
#endif
}

void
state_close(struct state *s)
{
	if (s->dirlockfd >= 0)
		close(s->dirlockfd);
	if (s->lockfd >= 0)
		close(s->lockfd); /* releases the flock */
	if (s->backupsfd >= 0)
		close(s->backupsfd);
	if (s->dirfd >= 0)
		close(s->dirfd);
	free(s->dir);
	state_init(s);
}

static void
record_release(struct journal_record *r)
{
	free(r->command);
	free(r->targets);
	free(r->hosts);
	free(r->blocks);
}

void
journal_release(struct journal *j)
{
	size_t i;

	for (i = 0; i < j->n; i++)
		record_release(&j->v[i]);
	free(j->v);
	j->v = NULL;
	j->n = 0;
}

static int
is_hex64(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

/* The item that ends a record's blocks field when the record names the
 * inode its change lands as (journal.h: new_dev, new_ino). */
#define INODE_ITEM ",inode="

/* Take a last ",inode=<dev>.<ino>" item out of r->blocks into r->new_dev,
 * r->new_ino. Anything else stays in blocks, and the inode unknown. */
static void
take_inode(struct journal_record *r)
{
	char *item = strrchr(r->blocks, ','), *p, *end;
	unsigned long long dev, ino;

	if (item == NULL || strncmp(item, INODE_ITEM, strlen(INODE_ITEM)) != 0)
		return;
	p = item + strlen(INODE_ITEM);
	if (*p < '0' || *p > '9')
		return;
	errno = 0;
	dev = strtoull(p, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return;
	ino = strtoull(end + 1, &end, 10);
	if (*end != '\0' || errno != 0 || ino == 0)
		return;
	r->new_dev = dev;
	r->new_ino = ino;
	*item = '\0';
}

/* One line: id time command targets hosts before after blocks, tab-separated
 * (blocks may end in INODE_ITEM). */
static int
parse_record(char *line, struct journal_record *r)
{
	char *f[8], *p = line, *tab, *end;
	int i;

	for (i = 0; i < 8; i++) {
		f[i] = p;
		tab = strchr(p, '\t');
		if (i < 7) {
			if (tab == NULL)
				return -1;
			*tab = '\0';
			p = tab + 1;
		} else if (tab != NULL)
			return -1;
	}
	memset(r, 0, sizeof *r);
	errno = 0;
	r->id = strtol(f[0], &end, 10);
	if (errno != 0 || *end != '\0' || r->id <= 0)
		return -1;
	r->time = strtoll(f[1], &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	if (!is_hex64(f[5]) || !is_hex64(f[6]))
		return -1;
	memcpy(r->before, f[5], 65);
	memcpy(r->after, f[6], 65);
	r->command = xstrdup(f[2]);
	r->targets = xstrdup(f[3]);
	r->hosts = xstrdup(f[4]);
	r->blocks = xstrdup(f[7]);
	take_inode(r);
	return 0;
}

/*
 * Read name, a regular file of the state directory (path names it in
 * messages), into out (appended), at most max bytes: relative to dfd, the
 * directory held (statedir_open, statedir_open_read); -1 there is no such
 * directory, so no such file. Windows, which holds no descriptors: by
 * path. Never through a link at name: amlhosts puts none there, so one is
 * someone's trick, and reading through it would show another file's bytes
 * as the journal or a backup. 0; 1 when there is no such file (nothing
 * read, no message); -1 with *cause set (cause may be NULL).
 */
static int
read_at(int dfd, const char *name, const char *path, size_t max, struct buf *out, char **cause)
{
	const unsigned flags = FILE_READ_REGULAR | FILE_READ_NOFOLLOW;
	enum file_read_error kind = FILE_READ_OK;
	struct file_info info;
	int rc;

#ifdef _WIN32
	(void)dfd;
	(void)name;
	rc = file_read(path, flags, max, out, &info, &kind, cause);
#else
	if (dfd < 0)
		return 1;
	rc = file_read_at(dfd, name, path, flags, max, out, &info, &kind, cause);
#endif
	/* ENOENT only: a state directory that is a file (ENOTDIR, by path)
	 * is an error, not an empty one. */
	if (rc != 0 && kind == FILE_READ_NOT_FOUND && info.err == ENOENT) {
		if (cause != NULL) {
			free(*cause);
			*cause = NULL;
		}
		return 1;
	}
	return rc;
}

/* Open the state directory dir for reading only (state_open_read) into
 * tmp, unless s holds one (state_open, state_open_read): *held is what to
 * read in. 0, or -1 with *cause set (tmp then holds nothing). */
static int
held_state(const struct state *s, const char *dir, struct state *tmp, const struct state **held,
    char **cause)
{
	state_init(tmp);
	*held = s;
	if (s != NULL && s->dir != NULL)
		return 0;
	*held = tmp;
	return state_open_read(tmp, dir, cause) < 0 ? -1 : 0;
}

int
journal_read_held(const struct state *s, const char *dir, struct journal *j, char **cause)
{
	struct buf b = BUF_INIT;
	struct state tmp;
	const struct state *held;
	int rc = -1, got;
	char *path = NULL, *line, *nl;
	size_t cap = 0, lineno = 0;

	j->v = NULL;
	j->n = 0;
	if (held_state(s, dir, &tmp, &held, cause) != 0)
		goto out;
	path = statedir_journal_path(held->dir);
	got = read_at(held->dirfd, STATEDIR_JOURNAL, path, JOURNAL_MAX_BYTES, &b, cause);
	if (got != 0) {
		/* No journal yet is an empty one. */
		rc = got > 0 ? 0 : -1;
		goto out;
	}
	for (line = b.data; line < b.data + b.len; line = nl + 1) {
		nl = strchr(line, '\n');
		lineno++;
		if (nl == NULL) {
			/* A run killed mid-append leaves a partial last line; it
			 * named no change that happened, so it is ignored. */
			break;
		}
		*nl = '\0';
		if (*line == '\0')
			continue;
		j->v = xgrow(j->v, j->n, &cap, sizeof *j->v, 16);
		if (parse_record(line, &j->v[j->n]) != 0) {
			set_error(cause, "'%s' line %zu: malformed journal record", path, lineno);
			goto out;
		}
		j->n++;
	}
	rc = 0;
out:
	if (rc != 0)
		journal_release(j);
	buf_release(&b);
	free(path);
	state_close(&tmp);
	return rc;
}

int
journal_read(const char *dir, struct journal *j, char **cause)
{
	return journal_read_held(NULL, dir, j, cause);
}

const struct journal_record *
journal_last_for(const struct journal *j, const char *hosts)
{
	size_t i;

	for (i = j->n; i > 0; i--)
		if (strcmp(j->v[i - 1].hosts, hosts) == 0)
			return &j->v[i - 1];
	return NULL;
}

const struct journal_record *
journal_find(const struct journal *j, long id)
{
	size_t i;

	for (i = 0; i < j->n; i++)
		if (j->v[i].id == id)
			return &j->v[i];
	return NULL;
}

/* The next "name:hash" item of a record's blocks field at *p; 0 at the end.
 * An item without a full hash (or the "-" of no blocks) is skipped. */
static int
next_block_item(const char **p, struct journal_block_item *it)
{
	const char *s = *p, *colon, *end;

	while (s != NULL && *s != '\0') {
		end = strchr(s, ',');
		if (end == NULL)
			end = s + strlen(s);
		colon = memchr(s, ':', (size_t)(end - s));
		*p = *end == ',' ? end + 1 : end;
		if (colon != NULL && end - (colon + 1) >= 64) {
			it->name = s;
			it->nlen = (size_t)(colon - s);
			it->hash = colon + 1;
			return 1;
		}
		s = *p;
	}
	return 0;
}

int
journal_block_hash(const struct journal_record *r, const char *target, char out[65])
{
	struct journal_block_item it;
	const char *p = r->blocks;
	size_t tlen = strlen(target);

	while (next_block_item(&p, &it))
		if (it.nlen == tlen && memcmp(it.name, target, tlen) == 0) {
			memcpy(out, it.hash, 64);
			out[64] = '\0';
			return 0;
		}
	return -1;
}

void
journal_blocks_index(struct journal_blocks *jb, const struct journal_record *r)
{
	struct journal_block_item it;
	const char *p = r->blocks;
	size_t cap = 0, i, k, mask;

	memset(jb, 0, sizeof *jb);
	while (next_block_item(&p, &it)) {
		jb->v = xgrow(jb->v, jb->n, &cap, sizeof *jb->v, 16);
		jb->v[jb->n++] = it;
	}
	jb->nslots = hash_slots(jb->n);
	jb->slots = xcalloc(jb->nslots, sizeof *jb->slots);
	mask = jb->nslots - 1;
	for (k = 0; k < jb->n; k++) {
		for (i = (size_t)hash_bytes(jb->v[k].name, jb->v[k].nlen, 0) & mask;
		    jb->slots[i] != 0; i = (i + 1) & mask)
			;
		jb->slots[i] = k + 1;
	}
}

const char *
journal_blocks_get(const struct journal_blocks *jb, const char *target)
{
	size_t tlen = strlen(target), i, k, mask, best = 0;

	if (jb->nslots == 0)
		return NULL;
	mask = jb->nslots - 1;
	/* The whole probe chain: of two items with one name the first wins, as
	 * in journal_block_hash's scan. */
	for (i = (size_t)hash_bytes(target, tlen, 0) & mask; (k = jb->slots[i]) != 0;
	    i = (i + 1) & mask)
		if (jb->v[k - 1].nlen == tlen && memcmp(jb->v[k - 1].name, target, tlen) == 0 &&
		    (best == 0 || k < best))
			best = k;
	return best != 0 ? jb->v[best - 1].hash : NULL;
}

void
journal_blocks_release(struct journal_blocks *jb)
{
	free(jb->v);
	free(jb->slots);
	memset(jb, 0, sizeof *jb);
}

static long
next_id(const struct state *s, char **cause)
{
	struct journal j;
	long id = 0;
	size_t i;

	/* The journal of the directory held, which the record is appended to. */
	if (journal_read_held(s, s->dir, &j, cause) != 0)
		return -1;
	for (i = 0; i < j.n; i++)
		if (j.v[i].id > id)
			id = j.v[i].id;
	journal_release(&j);
	/* Checked before the addition: a tampered or corrupt journal must not
	 * make the next ID wrap (undefined behaviour, then a record no later
	 * run can read). Nothing is written, so history and the earlier
	 * records stay as they were. */
	if (id >= LONG_MAX) {
		char *path = statedir_journal_path(s->dir);

		set_error(cause, "'%s' already holds change ID %ld, the largest there can be; "
		    "no change can be recorded (the journal is corrupt or was edited)", path, id);
		free(path);
		return -1;
	}
	return id + 1;
}

/* The length of the journal up to and including its last newline: what
 * journal_read takes for records (a partial last line is no record); -1 if
 * it cannot be read. Read through fd, the journal opened for the append
 * (for reading too), at offset 0 and size bytes long: the very file the
 * record goes to, not another lookup of its name. */
static off_t
complete_length(int fd, const char *path, off_t size)
{
	struct buf b = BUF_INIT;
	off_t len = -1;
	size_t i;
	char last = 0;

	/* The common case: the last byte is a newline. */
	if (pread(fd, &last, 1, size - 1) == 1 && last == '\n')
		return size;
	/* From the start (pread may have moved the offset on Windows); the
	 * append that follows goes to the end whatever the offset. */
	if (lseek(fd, 0, SEEK_SET) == 0 &&
	    file_read_fd(fd, path, 0, JOURNAL_MAX_BYTES, &b, NULL, NULL) == 0) {
		for (i = b.len; i > 0 && b.data[i - 1] != '\n'; i--)
			;
		len = (off_t)i;
	}
	buf_release(&b);
	return len;
}

/* Cut the journal back to size bytes, synced. */
static int
truncate_journal(const struct state *s, off_t size)
{
	char *path = statedir_journal_path(s->dir);
	int fd, rc = -1;

	fd = open_in_state(s, STATEDIR_JOURNAL, path, O_WRONLY | O_CLOEXEC, 0);
	if (fd >= 0) {
		while ((rc = ftruncate(fd, size)) != 0 && errno == EINTR)
			;
		if (rc == 0)
			rc = fsync_retry(fd);
		close(fd);
	}
	free(path);
	return rc;
}

static int
field_ok(const char *s)
{
	return s != NULL && *s != '\0' && strpbrk(s, "\t\n\r") == NULL;
}

int
journal_record_change(struct state *s, struct journal_record *rec,
    const void *before, size_t len, char **cause)
{
	enum atomicfile_backup how;

	return journal_record_change_of(s, rec, NULL, before, len, 0, &how, cause);
}

int
journal_record_change_of(struct state *s, struct journal_record *rec,
    const struct atomicfile *af, const void *before, size_t len, int in_place,
    enum atomicfile_backup *how, char **cause)
{
	char *path = NULL, *backup = NULL, *line = NULL, *inode = NULL;
	struct stat st;
	off_t complete;
	int fd = -1, rc = -1;

	if (!field_ok(rec->command) || !field_ok(rec->targets) ||
	    !field_ok(rec->hosts) || !field_ok(rec->blocks))
		return set_error(cause, "cannot journal a path or name holding a tab or newline");
	rec->id = next_id(s, cause);
	if (rec->id < 0)
		return -1;
	rec->time = (long long)time(NULL);
	backup = statedir_backup_path(s->dir, rec->id);
	/* A failure after the rename (syncing the directory) leaves the backup
	 * in place: the fail path removes it, so no backup lacks its record. */
	if (atomicfile_save_backup_at(af, s->backupsfd, backup, before, len, in_place, how,
	    cause) != 0)
		goto fail;

	path = statedir_journal_path(s->dir);
	fd = open_in_state(s, STATEDIR_JOURNAL, path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || fstat(fd, &st) != 0) {
		set_error(cause, "cannot open journal '%s': %s", path, strerror(errno));
		goto fail;
	}
	s->journal_size = st.st_size;
	/* A partial last line (a crash or a full disk mid-append) would run
	 * into this record and make the journal unreadable: cut it off first
	 * (journal_read already ignores it). */
	if (st.st_size > 0 && (complete = complete_length(fd, path, st.st_size)) != st.st_size) {
		if (complete < 0 || ftruncate(fd, complete) != 0) {
			set_error(cause, "cannot repair journal '%s': %s", path, strerror(errno));
			goto fail;
		}
		s->journal_size = complete;
	}
	/* The inode the change lands as, where there is one, as a last item
	 * of blocks that earlier versions skip (journal.h). */
	if (rec->new_ino != 0)
		inode = xasprintf(INODE_ITEM "%llu.%llu", rec->new_dev, rec->new_ino);
	line = xasprintf("%ld\t%lld\t%s\t%s\t%s\t%s\t%s\t%s%s\n", rec->id, rec->time,
	    rec->command, rec->targets, rec->hosts, rec->before, rec->after, rec->blocks,
	    inode != NULL ? inode : "");
	if (write_all(fd, line, strlen(line)) != 0 || fsync_retry(fd) != 0) {
		set_error(cause, "cannot write journal '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (close(fd) != 0 && errno != EINTR) {
		/* The descriptor is gone, but the record is not: take it back
		 * through the path, or it would name a backup removed below. */
		fd = -1;
		set_error(cause, "cannot write journal '%s': %s", path, strerror(errno));
		(void)truncate_journal(s, s->journal_size);
		goto fail;
	}
	fd = -1;
	rc = 0;
	goto out;
fail:
	if (fd >= 0) {
		while (ftruncate(fd, s->journal_size) != 0 && errno == EINTR)
			;
		/* if that failed, journal_read ignores a partial last line */
		close(fd);
	}
	(void)unlink_backup(s, rec->id);
out:
	free(inode);
	free(line);
	free(path);
	free(backup);
	return rc;
}

void
journal_seal_backup(struct state *s, long id)
{
	/* Best effort: the backup's bytes are right whatever its mode. Only
	 * a backup that is now the inode's one name: anything else would
	 * change the mode of a file someone still uses. */
#ifdef _WIN32
	/* No read-only attribute, which would make its delete (prune) fail:
	 * the state directory's DACL instead, which the link did not inherit.
	 * The link count is checked there, through the handle that changes it
	 * (the C runtime's st_nlink is not to be relied on). */
	char *backup = statedir_backup_path(s->dir, id);

	(void)platform_seal_backup(backup);
	free(backup);
#else
	char *name = statedir_backup_name(id);
	struct file_info info;
	int fd;

	/* Through its own descriptor, in the backups directory held: what
	 * is checked is what changes mode. */
	fd = file_open_at(s->backupsfd, name, name, FILE_READ_REGULAR | FILE_READ_NOFOLLOW,
	    SIZE_MAX, &info, NULL, NULL);
	free(name);
	if (fd < 0)
		return;
	if (info.st.st_nlink == 1)
		(void)fchmod(fd, ATOMICFILE_BACKUP_MODE);
	close(fd);
#endif
}

void
journal_forget_change(struct state *s, long id)
{
	(void)truncate_journal(s, s->journal_size);
	(void)unlink_backup(s, id);
}

/* The in-place rewrite under way (journal.h): its marker and the new bytes,
 * beside the journal. Their temporary files start with IN_PLACE_MARK too. */
#define IN_PLACE_MARK "in-place"
#define IN_PLACE_DATA IN_PLACE_MARK ".new"

static char *
in_place_path(const struct state *s, const char *name)
{
	return xasprintf("%s/%s", s->dir, name);
}

/* unlink name in the state directory held (Windows: by its path); 0 or
 * -1 with errno. */
static int
unlink_in_state(const struct state *s, const char *name)
{
	char *path = in_place_path(s, name);
	int rc = unlink_in(s->dirfd, name, path);

	free(path);
	return rc;
}

int
journal_begin_in_place(struct state *s, long id, const struct atomicfile *af,
    const struct hosts_seg *v, size_t n, char **cause)
{
	char *data_path = in_place_path(s, IN_PLACE_DATA);
	char *mark_path = in_place_path(s, IN_PLACE_MARK), *mark;
	size_t i, len = 0;
	int rc;

	for (i = 0; i < n; i++)
		len += v[i].len;
	/* The bytes first: a marker is never there without them. Both in
	 * the state directory held, as the journal and the backups. */
	rc = atomicfile_write_new_segs_at(s->dirfd, data_path, v, n, 0600, cause);
	if (rc == 0) {
		mark = xasprintf("%ld %llu %llu %llu\n", id,
		    (unsigned long long)af->st.st_dev, (unsigned long long)af->st.st_ino,
		    (unsigned long long)len);
		rc = atomicfile_write_new_at(s->dirfd, mark_path, mark, strlen(mark), 0600, cause);
		free(mark);
	}
	if (rc != 0)
		(void)unlink_in_state(s, IN_PLACE_DATA);
	free(data_path);
	free(mark_path);
	return rc;
}

void
journal_end_in_place(struct state *s)
{
	/* The marker first: bytes without a marker are ignored and removed.
	 * Best effort: a marker that outlives this (an unlink lost in a power
	 * cut) only makes the next run write the same bytes again. */
	if (unlink_in_state(s, IN_PLACE_MARK) == 0)
		(void)fsync_dir_at(s->dirfd, s->dir, NULL);
	else if (errno != ENOENT)
		return; /* a marker that stays keeps its bytes */
	(void)unlink_in_state(s, IN_PLACE_DATA);
}

int
journal_in_place_pending_held(const struct state *s, const char *dir)
{
	struct state tmp;
	const struct state *held;
	struct stat st;
	int pending = 0;

	/* In the directory held, as the journal is read: a marker at a path
	 * swapped for another directory (a link, or a user's own) is no
	 * change of this state's, and a state directory that cannot be
	 * trusted has no marker to tell of. */
	if (held_state(s, dir, &tmp, &held, NULL) == 0) {
#ifdef _WIN32
		char *path = in_place_path(held, IN_PLACE_MARK);

		pending = lstat(path, &st) == 0;
		free(path);
#else
		pending = held->dirfd >= 0 &&
		    fstatat(held->dirfd, IN_PLACE_MARK, &st, AT_SYMLINK_NOFOLLOW) == 0;
#endif
	}
	state_close(&tmp);
	return pending;
}

int
journal_in_place_pending(const char *dir)
{
	return journal_in_place_pending_held(NULL, dir);
}

/* Read name, a regular file of at most max bytes, from the state directory
 * held (Windows: by its path) into out: 0, or -1. */
static int
read_in_state(const struct state *s, const char *name, size_t max, struct buf *out)
{
	char *path = in_place_path(s, name);
	int rc = read_at(s->dirfd, name, path, max, out, NULL) == 0 ? 0 : -1;

	free(path);
	return rc;
}

struct in_place_mark {
	long id;
	unsigned long long dev, ino;
	size_t len;
};

/* The marker of an in-place rewrite, if there is one that parses; 1 if so. */
static int
read_in_place_mark(struct state *s, struct in_place_mark *m)
{
	char *p, *end;
	struct buf b = BUF_INIT;
	unsigned long long len;
	int ok = 0;

	if (read_in_state(s, IN_PLACE_MARK, 256, &b) != 0)
		goto out;
	p = b.data;
	errno = 0;
	m->id = strtol(p, &end, 10);
	if (end == p || *end != ' ' || m->id <= 0)
		goto out;
	m->dev = strtoull(p = end + 1, &end, 10);
	if (end == p || *end != ' ')
		goto out;
	m->ino = strtoull(p = end + 1, &end, 10);
	if (end == p || *end != ' ')
		goto out;
	len = strtoull(p = end + 1, &end, 10);
	if (end == p || strcmp(end, "\n") != 0 || errno != 0 || len > ATOMICFILE_MAX_BYTES)
		goto out;
	m->len = (size_t)len;
	ok = 1;
out:
	buf_release(&b);
	return ok;
}

/* Write the saved new bytes of change r in place again (the marker m says
 * the rewrite was under way and the file no longer holds its old bytes). */
static int
complete_in_place(struct state *s, struct atomicfile *af, const struct journal_record *r,
    const struct in_place_mark *m, char **cause)
{
	char *path = in_place_path(s, IN_PLACE_DATA), *backup = statedir_backup_path(s->dir, r->id);
	struct buf b = BUF_INIT;
	char sha256[65];
	int rc = -1;

	if (read_in_state(s, IN_PLACE_DATA, ATOMICFILE_MAX_BYTES, &b) == 0) {
		sha256_hex(b.data ? b.data : "", b.len, sha256);
		if (b.len == m->len && strcmp(sha256, r->after) == 0)
			rc = 0;
	}
	/* Without its bytes the change cannot be finished; the torn file is
	 * left for the user, and the backup says what it was. */
	if (rc != 0) {
		set_error(cause, "'%s' was left part-written by an interrupted in-place "
		    "change %ld, and the copy of its new bytes ('%s') is missing or damaged: "
		    "copy '%s' back by hand", af->path, r->id, path, backup);
		goto out;
	}
	if (atomicfile_replace(af, b.data ? b.data : "", b.len, 1, cause) != 0) {
		set_error(cause, "cannot complete the interrupted in-place change %ld: %s; "
		    "the previous contents are in '%s'", r->id, *cause, backup);
		rc = -1;
	}
out:
	buf_release(&b);
	free(path);
	free(backup);
	return rc;
}

/*
 * A run killed (or out of memory) after appending its record but before
 * the hosts file was replaced leaves a record of a change that never
 * landed: the file still holds that record's "before" bytes. Left in place
 * it would be the change "rollback" undoes (to no effect) and would make
 * every block look edited by hand. The caller holds the lock; the record is
 * taken back as journal_forget_change does after a failure seen in-process.
 * An in-place rewrite that had begun is finished instead (journal.h).
 */
int
journal_drop_unfinished(struct state *s, struct atomicfile *af, const void *content,
    size_t len, struct journal_recovery *out, char **cause)
{
	struct journal j;
	const struct journal_record *last;
	struct in_place_mark m;
	struct buf b = BUF_INIT;
	struct stat st;
	char *path = NULL, sha256[65];
	off_t end, start;
	int rc = 0, have, marked;

	memset(out, 0, sizeof *out);
	/* (Set by read_in_place_mark() when marked: cleared for the compiler,
	 * which cannot always see that through the inlined reads.) */
	memset(&m, 0, sizeof m);
	if (journal_read_held(s, s->dir, &j, NULL) != 0)
		return 0; /* a broken journal gets its own error where it is used */
	marked = read_in_place_mark(s, &m);
	last = j.n > 0 ? &j.v[j.n - 1] : NULL;
	/* A marker of another change (its record taken back, or a marker
	 * that survived its removal) or of another file says nothing now. */
	if (marked && (last == NULL || m.id != last->id || strcmp(last->hosts, af->real) != 0))
		marked = 0;
	if (marked && (m.dev != (unsigned long long)af->st.st_dev ||
	    m.ino != (unsigned long long)af->st.st_ino)) {
		/* Another file at the path now (a container recreated with a
		 * new bind mount): never write its bytes over it. */
		out->abandoned = m.id;
		marked = 0;
	}
	/* A marker that says nothing now, or does not parse (which status
	 * would warn of for ever), goes with its bytes; the bytes of a run
	 * killed before its marker go too. */
	if (!marked)
		journal_end_in_place(s);
	if (last == NULL || strcmp(last->hosts, af->real) != 0)
		goto out;
	/* Every run reads this far; hashing a file of hundreds of thousands of
	 * lines each time costs more than the rest of an unchanged apply.
	 * The file read is the inode the change was written to (its temporary
	 * file, created before the record): only the rename puts that inode at
	 * the path, so the change landed, whatever bytes it holds now. (A run
	 * killed before its rename left that inode a temporary file beside the
	 * old one, which is still at the path.) */
	if (last->new_ino != 0 && af->st.st_ino != 0 &&
	    (unsigned long long)af->st.st_ino == last->new_ino &&
	    (unsigned long long)af->st.st_dev == last->new_dev)
		goto torn;
	/* The backup holds exactly the "before" bytes: a file of another size
	 * cannot be them. */
	have = stat_backup(s, last->id, &st) == 0 && S_ISREG(st.st_mode);
	if (have && (uintmax_t)st.st_size != len)
		goto torn;
	/* A backup linked to the old inode (atomicfile_save_backup) that is
	 * the inode content was read from: the rename, the one step that lands
	 * a change, never happened. No hashing needed, and no second stat of
	 * the hosts file: af->st is the version read, the one that matters. */
	if (!(have && af->st.st_ino == st.st_ino && af->st.st_dev == st.st_dev &&
	    af->st.st_ino != 0)) {
		sha256_hex(content, len, sha256);
		if (strcmp(last->before, sha256) != 0 || strcmp(last->after, sha256) == 0)
			goto torn;
	}
	/* The last record is the last complete line. */
	path = statedir_journal_path(s->dir);
	if (read_at(s->dirfd, STATEDIR_JOURNAL, path, JOURNAL_MAX_BYTES, &b, cause) != 0) {
		rc = -1;
		goto out;
	}
	for (end = (off_t)b.len; end > 0 && b.data[end - 1] != '\n'; end--)
		;
	if (end == 0)
		goto out;
	for (start = end - 1; start > 0 && b.data[start - 1] != '\n'; start--)
		;
	if (truncate_journal(s, start) != 0) {
		rc = set_error(cause, "cannot take back the unfinished change %ld in "
		    "'%s': %s", last->id, path, strerror(errno));
		goto out;
	}
	(void)unlink_backup(s, last->id);
	journal_end_in_place(s);
	out->dropped = last->id;
	out->in_place = marked;
	goto out;
torn:
	/* Not the old bytes: an in-place rewrite under way is finished. */
	if (marked) {
		if (complete_in_place(s, af, last, &m, cause) != 0) {
			rc = -1;
			goto out;
		}
		journal_end_in_place(s);
		out->completed = last->id;
	}
out:
	free(path);
	buf_release(&b);
	journal_release(&j);
	return rc;
}

/* ".in-place.amlhosts-XXXXXX", ".in-place.new.amlhosts-XXXXXX". */
static int
is_in_place_temp(const char *name, const void *arg)
{
	(void)arg;
	return strncmp(name, "." IN_PLACE_MARK, strlen("." IN_PLACE_MARK)) == 0 &&
	    strstr(name, ATOMICFILE_TEMP_TAG) != NULL;
}

static int
is_backup_temp(const char *name, const void *arg)
{
	(void)arg;
	return statedir_is_backup_temp(name);
}

void
journal_remove_stale(struct state *s)
{
	char *dirpath = statedir_backups_dir(s->dir);

	/* atomicfile_write_new's temporary files, which only a run killed
	 * while writing a backup, or the in-place marker and bytes beside the
	 * journal, leaves; in the directories held. */
	atomicfile_remove_temps_at(s->backupsfd, dirpath, is_backup_temp, NULL);
	atomicfile_remove_temps_at(s->dirfd, s->dir, is_in_place_temp, NULL);
	free(dirpath);
}

static int
cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* opendir() of the directory held as dfd (path: Windows, where there is
 * none), so that the backups listed are those of the directory the
 * backups are then removed from. NULL with errno set. */
static DIR *
opendir_held(int dfd, const char *path)
{
#ifdef _WIN32
	(void)dfd;
	return opendir(path);
#else
	/* A descriptor of its own: closedir() closes it, dfd stays open. */
	int fd = openat_retry(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	DIR *d;

	(void)path;
	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (d == NULL) {
		int err = errno;

		close(fd);
		errno = err;
	}
	return d;
#endif
}

int
journal_prune(struct state *s, int keep, char **cause)
{
	char *dirpath = statedir_backups_dir(s->dir), *p;
	DIR *d;
	struct dirent *de;
	long *ids = NULL, id;
	size_t n = 0, cap = 0, i;
	int rc = 0;

	d = opendir_held(s->backupsfd, dirpath);
	if (d == NULL) {
		rc = set_error(cause, "cannot read '%s': %s", dirpath, strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		id = statedir_backup_id(de->d_name);
		if (id == 0)
			continue;
		ids = xgrow(ids, n, &cap, sizeof *ids, 32);
		ids[n++] = id;
	}
	closedir(d);
	if (keep < 1)
		keep = 1;
	if (n <= (size_t)keep)
		goto out;
	qsort(ids, n, sizeof *ids, cmp_long);
	for (i = 0; i < n - (size_t)keep; i++) {
		if (unlink_backup(s, ids[i]) != 0 && errno != ENOENT) {
			p = statedir_backup_path(s->dir, ids[i]);
			rc = set_error(cause, "cannot remove old backup '%s': %s", p, strerror(errno));
			free(p);
		}
	}
out:
	free(ids);
	free(dirpath);
	return rc;
}

/* Windows, which holds no descriptors: whether the path exists. */
int
state_open_read(struct state *s, const char *dir, char **cause)
{
	s->dir = xstrdup(dir);
#ifdef _WIN32
	{
		struct stat st;

		if (stat(dir, &st) == 0)
			return 0;
		if (errno == ENOENT)
			return 1;
		return set_error(cause, "cannot stat state directory '%s': %s", dir, strerror(errno));
	}
#else
	return statedir_open_read(dir, &s->dirfd, &s->backupsfd, cause);
#endif
}

/* Remove the empty directory name (relative to at, or a path with at
 * -1) only while the name still leads to the directory held as
 * heldfd: a link put in its place gives ENOTDIR as it stands, and another
 * directory renamed into its place is not removed either. 0, or -1 with
 * errno (ENOENT: gone already). Windows: rmdir(path). */
static int
rmdir_held(int at, const char *name, int heldfd, const char *path)
{
#ifdef _WIN32
	(void)at;
	(void)name;
	(void)heldfd;
	return rmdir(path);
#else
	struct stat now, held;

	(void)path;
	if (at < 0)
		at = AT_FDCWD;
	if (fstatat(at, name, &now, AT_SYMLINK_NOFOLLOW) != 0 || fstat(heldfd, &held) != 0)
		return -1;
	if (!S_ISDIR(now.st_mode) || now.st_dev != held.st_dev || now.st_ino != held.st_ino) {
		errno = ENOTDIR;
		return -1;
	}
	return unlinkat(at, name, AT_REMOVEDIR);
#endif
}

/* Every visible "*.hosts" in the backups directory held, then the
 * directory itself. */
static int
purge_backups(struct state *s, struct state_purged *done, char **cause)
{
	char *dirpath = statedir_backups_dir(s->dir), *p;
	size_t len, slen = strlen(STATEDIR_BACKUP_SUFFIX);
	struct dirent *de;
	DIR *d;
	int rc = 0;

#ifndef _WIN32
	if (s->backupsfd < 0)
		goto out; /* there is none */
#endif
	d = opendir_held(s->backupsfd, dirpath);
	if (d == NULL) {
		if (errno != ENOENT)
			rc = set_error(cause, "cannot read '%s': %s", dirpath, strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		/* Any visible "*.hosts", not only "<id>.hosts": a stray one
		 * would keep the directory from being removed. */
		if (de->d_name[0] == '.' || len <= slen ||
		    strcmp(de->d_name + len - slen, STATEDIR_BACKUP_SUFFIX) != 0)
			continue;
		p = xasprintf("%s/%s", dirpath, de->d_name);
		if (unlink_in(s->backupsfd, de->d_name, p) != 0)
			rc = set_error(cause, "cannot remove '%s': %s", p, strerror(errno));
		else
			done->backups++;
		free(p);
	}
	closedir(d);
	if (rc == 0 && rmdir_held(s->dirfd, STATEDIR_BACKUPS, s->backupsfd, dirpath) != 0 &&
	    errno != ENOENT)
		rc = set_error(cause, "cannot remove '%s': %s", dirpath, strerror(errno));
out:
	free(dirpath);
	return rc;
}

int
state_purge_held(struct state *s, struct state_purged *done, char **cause)
{
	char *p;
	int rc = 0;

	done->backups = 0;
	done->journal = done->dir = 0;
	if (purge_backups(s, done, cause) != 0)
		return -1;
	p = statedir_journal_path(s->dir);
	if (unlink_in(s->dirfd, STATEDIR_JOURNAL, p) == 0)
		done->journal = 1;
	else if (errno != ENOENT)
		rc = set_error(cause, "cannot remove '%s': %s", p, strerror(errno));
	free(p);
	if (rc != 0)
		return rc;
#ifdef _WIN32
	/* A file open there cannot be deleted: the lock is let go first. */
	close(s->lockfd);
	s->lockfd = -1;
#endif
	/* The lock's name goes while the lock is held (POSIX); the descriptor
	 * stays open until state_close(), which only closes it: nothing is
	 * created again. A run that opened the lock file before and waits on
	 * it gets the lock of an unlinked file in a removed directory, where
	 * it can create nothing (its write fails, nothing is lost). */
	p = statedir_lock_path(s->dir);
	if (unlink_in(s->dirfd, STATEDIR_LOCK, p) != 0 && errno != ENOENT)
		rc = set_error(cause, "cannot remove '%s': %s", p, strerror(errno));
	free(p);
	if (rc != 0)
		return rc;
	/* By its path, which the descriptor has no name for: only while
	 * the path still leads to the directory emptied. */
	if (rmdir_held(-1, s->dir, s->dirfd, s->dir) == 0)
		done->dir = 1;
	else if (errno != ENOENT)
		rc = set_error(cause, "cannot remove '%s': %s", s->dir, strerror(errno));
	return rc;
}

int
state_backup_kept(const struct state *s, long id)
{
	struct stat st;

#ifndef _WIN32
	/* No backups/ (or no state directory): nothing was kept. */
	if (s->backupsfd < 0)
		return 0;
#endif
	/* lstat: a link in the backup's place is no backup (and rollback
	 * refuses to read through it). */
	return stat_backup(s, id, &st) == 0 && S_ISREG(st.st_mode);
}

int
journal_load_backup_held(const struct state *s, const char *dir, const struct journal_record *r,
    struct buf *out, char **cause)
{
	struct state tmp;
	const struct state *held;
	char *path = NULL, *name = statedir_backup_name(r->id);
	char hex[65];
	int rc = -1, got;

	if (held_state(s, dir, &tmp, &held, cause) != 0)
		goto out;
	path = statedir_backup_path(held->dir, r->id);
	/* Relative to the backups directory held (statedir_open() opens the
	 * state directory and backups/ together), never through a link put
	 * in the place of the backup. */
	got = read_at(held->backupsfd, name, path, ATOMICFILE_MAX_BYTES, out, cause);
	if (got > 0)
		set_error(cause, "the backup of change %ld is gone (only the newest "
		    "keep_backups are kept)", r->id);
	if (got != 0)
		goto out;
	sha256_hex(out->data, out->len, hex);
	if (strcmp(hex, r->before) != 0) {
		set_error(cause, "backup '%s' does not match the journal (sha256 %s, "
		    "expected %s)", path, hex, r->before);
		goto out;
	}
	rc = 0;
out:
	free(name);
	free(path);
	state_close(&tmp);
	return rc;
}

int
journal_load_backup(const char *dir, const struct journal_record *r, struct buf *out, char **cause)
{
	return journal_load_backup_held(NULL, dir, r, out, cause);
}

void
journal_format_time(long long t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "%lld", t);
}
