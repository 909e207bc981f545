/*
 * atomicfile.h - read a system file and replace it so that, whatever fails,
 * the file holds either its old bytes or its new bytes (SPEC 6.3).
 *
 * Calling sequence (the caller holds the state lock throughout):
 *
 *   struct atomicfile af;
 *   atomicfile_open(&af, "/etc/hosts", &content, &cause);   map + checks
 *   ... compute new bytes; save a backup; journal ...
 *   atomicfile_check_writable(&af, in_place, &cause);        before journaling
 *   atomicfile_prepare(&af, in_place, &cause);               the temp file, whose
 *                                                            inode the record names
 *   atomicfile_replace(&af, data, len, in_place, &cause);    write + verify
 *   atomicfile_release(&af);
 *
 * Replacement writes a temporary file next to the target (O_EXCL), gives it
 * the target's mode, owner and (with libselinux) label, fsyncs it, renames it
 * over the target and fsyncs the directory. A temporary file whose write or
 * fsync failed is removed and never renamed. Symlinks are followed, so the
 * real file is replaced and the link stays.
 *
 * The target's directory is resolved and opened once, by atomicfile_open()
 * (O_NOFOLLOW on its last component), and every later step (the temporary
 * file, the check before the rename, the rename, the directory fsync, the
 * read-back, the backup's link) goes relative to that descriptor with
 * *at() calls that follow no link: a directory on the way swapped for a
 * link after the trust walk (pathtrust.h) cannot send the write elsewhere.
 * Windows has no *at() calls: the paths are used there, as before. A bind-mounted file cannot be
 * renamed over (EBUSY/EXDEV): it is refused unless in_place is set, which
 * rewrites the file through its own descriptor instead.
 *
 * Errors: -1 and a message naming the file and what to do. errno-like detail
 * is in the message; af->failed_step tells which step of atomicfile_replace()
 * failed, so a caller can tell whether the new bytes are already in place
 * (ATOMICFILE_STEP_DIR_FSYNC, ATOMICFILE_STEP_READ_BACK) or not (any other).
 */
#ifndef AMLHOSTS_ATOMICFILE_H
#define AMLHOSTS_ATOMICFILE_H

#include <stddef.h>
#include <sys/stat.h>
#include "hosts/hostsfile.h"
#include "base/util.h"
#include "base/filemap.h"

/* Hosts files larger than this are refused. */
#define ATOMICFILE_MAX_BYTES (512u * 1024 * 1024)

/* Temporary files are named ".<base name of the target>" ATOMICFILE_TEMP_TAG
 * "XXXXXX" and live beside their target. */
#define ATOMICFILE_TEMP_TAG ".amlhosts-"

/* The steps of atomicfile_replace(), in the order they run. */
enum atomicfile_step {
	ATOMICFILE_STEP_NONE = 0,     /* nothing failed (yet) */
	ATOMICFILE_STEP_CREATE_TEMP,  /* create the temporary file */
	ATOMICFILE_STEP_OPEN,         /* in place: open the file for writing */
	ATOMICFILE_STEP_FCHOWN,       /* give the temporary file the owner */
	ATOMICFILE_STEP_FCHMOD,       /* and the mode */
	ATOMICFILE_STEP_SELINUX,      /* and the SELinux label */
	ATOMICFILE_STEP_WRITE,
	ATOMICFILE_STEP_FTRUNCATE,    /* in place: cut off the old tail */
	ATOMICFILE_STEP_FSYNC,
	ATOMICFILE_STEP_CLOSE,
	ATOMICFILE_STEP_CHANGED,      /* the file is no longer what was read */
	ATOMICFILE_STEP_RENAME,       /* the new file over the old one */
	ATOMICFILE_STEP_DIR_FSYNC,    /* the new file is in place from here on */
	ATOMICFILE_STEP_READ_BACK,    /* compare what the file now holds */
};

/* What -v prints for a step ("fsync", "directory fsync", ...); never NULL. */
const char *atomicfile_step_name(enum atomicfile_step step);

struct atomicfile {
	char *path;       /* as given */
	char *real;       /* symlinks resolved */
	char *dir;        /* directory of real */
	int dirfd;        /* dir, opened once by atomicfile_open() (-1: not open;
	                   * on Windows never open: dir is used by name) */
	struct stat st;   /* of real, when opened */
	int bind_mount;   /* real is a mount point of its own */
	int immutable;    /* chattr +i / +a */
	int readonly_fs;  /* the filesystem is mounted read-only */
	enum atomicfile_step failed_step; /* after a failed atomicfile_replace() */
	/* The temporary file atomicfile_prepare() created for the new bytes
	 * (its name in dir, and open; NULL and -1 when there is none), and
	 * the inode it is, which the rename makes the hosts file: a journal
	 * record names it, so the next run tells a change that landed by the
	 * live file's identity instead of hashing it (journal.c). tmp_ino 0:
	 * no temporary file (in place), or no inode numbers (Windows). */
	char *tmp;
	int tmpfd;
	unsigned long long tmp_dev, tmp_ino;
	/* The bytes atomicfile_open() loaded (the caller's, borrowed): a
	 * mapping torn by a truncation counts as a changed file. */
	const struct file_bytes *bytes;
};

void atomicfile_init(struct atomicfile *af);
void atomicfile_release(struct atomicfile *af);

/* Resolve, stat and load path into content (file_bytes_init()'ed; what it
 * held is released first): mapped (filemap.h), or read where mapping
 * fails and for a bind mount, which an in-place rewrite changes under a
 * mapping. Refuses anything but a regular file. content must stay where
 * it is, loaded, while af is used: af keeps a pointer to it. */
int atomicfile_open(struct atomicfile *af, const char *path, struct file_bytes *content,
    char **cause);

/* Is the file at af->real no longer the one atomicfile_open() read: another
 * inode (replaced by rename), or another size or mtime (written in place)?
 * 1 changed, 0 the same. Same inode, size and mtime is taken to mean the same
 * bytes without reading them again: an edit that keeps the size and lands in
 * the same mtime tick (nanoseconds on current filesystems) goes unseen. A
 * file that can no longer be stat'ed counts as changed; a path that is no
 * longer a regular file (a directory) does not, the rename refuses it.
 * Content whose mapping was torn (file_bytes_torn()) counts as changed
 * whatever the stat says: what was computed from it saw zeros. */
int atomicfile_changed(const struct atomicfile *af);

/* The directory of path with symlinks resolved (what atomicfile_open() will
 * put in af->dir), or NULL with errno set. */
char *atomicfile_real_dir(const char *path);

/* Can the file be replaced? Immutable, read-only filesystem and bind mount
 * without in_place each give their own message. */
int atomicfile_check_writable(struct atomicfile *af, int in_place, char **cause);

/* Create the temporary file a replacement by rename writes (nothing for
 * an in-place rewrite: rewrites the inode read), with the target's owner,
 * mode and label, before the change is journaled, so its record can name
 * af->tmp_dev, af->tmp_ino. On failure nothing is left and failed_step
 * says which step failed. atomicfile_replace_segs() uses it, or creates
 * one itself; atomicfile_release() removes one that was never renamed. */
int atomicfile_prepare(struct atomicfile *af, int in_place, char **cause);

/* Replace the file's contents with [data, data+len), then read it back and
 * compare. Replacing by rename checks atomicfile_changed() just before the
 * rename: when another program changed the file, nothing is renamed and
 * failed_step is ATOMICFILE_STEP_CHANGED. */
int atomicfile_replace(struct atomicfile *af, const void *data, size_t len, int in_place, char **cause);
/* The same with the new bytes as segments (hostsfile_rewrite_out()), written
 * with writev() in chunks of at most IOV_MAX (a write() each on Windows):
 * unchanged ranges go from where they lie, never copied. */
int atomicfile_replace_segs(struct atomicfile *af, const struct hosts_seg *v, size_t n,
    int in_place, char **cause);
/* Write the bytes of v[0..n) to fd, all of them: retried after EINTR and
 * a short write (resumed mid-segment). -1 with errno set. */
int atomicfile_write_segs(int fd, const struct hosts_seg *v, size_t n);

/* Remove temporary files a killed run left next to the file. */
void atomicfile_remove_stale(struct atomicfile *af);
/* Remove the regular files of ours in the directory held as dirfd (dir:
 * on Windows, where dirfd is ignored) whose names is_temp(name, arg)
 * picks. */
void atomicfile_remove_temps_at(int dirfd, const char *dir,
    int (*is_temp)(const char *name, const void *arg), const void *arg);

/* Write data to path atomically (temp + fsync + rename + dir fsync), mode
 * 0600: used for backups in the state directory. path's directory is
 * opened once (O_NOFOLLOW on its last component) and the steps go relative
 * to it. */
int atomicfile_write_new(const char *path, const void *data, size_t len, mode_t mode, char **cause);
/* atomicfile_write_new() into the directory held as dirfd (opened once by
 * the caller: the state directory, statedir_open()): path names the file
 * in messages and its last component is created relative to dirfd. On
 * Windows dirfd is ignored and path used. */
int atomicfile_write_new_at(int dirfd, const char *path, const void *data, size_t len,
    mode_t mode, char **cause);
/* The same with the bytes as segments (finished, hosts_out_finish()), each
 * written from where it lies: the new bytes of an in-place rewrite are
 * kept (journal_begin_in_place()) without being rendered whole first. */
int atomicfile_write_new_segs_at(int dirfd, const char *path, const struct hosts_seg *v,
    size_t n, mode_t mode, char **cause);

/* Backups are read-only: nothing ever writes one again. */
#define ATOMICFILE_BACKUP_MODE 0400

/* How atomicfile_save_backup() kept the old bytes. */
enum atomicfile_backup {
	ATOMICFILE_BACKUP_COPY = 0, /* written out (the bytes read) */
	ATOMICFILE_BACKUP_LINK,     /* a hard link to the file's inode */
	ATOMICFILE_BACKUP_REFLINK,  /* a copy-on-write clone (FICLONE) */
};

/*
 * Save the old bytes of af (data, len: what atomicfile_open() read) at
 * path, synced, without copying them where possible: a hard link to the
 * inode that was read when the file will be replaced by rename (not a bind
 * mount rewritten in_place: that rewrites the inode), else a reflink, else
 * a copy of data,
 * mode ATOMICFILE_BACKUP_MODE. With af NULL, always a copy. A linked
 * backup has the hosts file's mode until the change lands (a chmod then
 * would change the live file's mode). Until the rename, the hosts file
 * is the backup's inode, which is how an interrupted change is told
 * without hashing (journal.c).
 */
int atomicfile_save_backup(const struct atomicfile *af, const char *path, const void *data,
    size_t len, int in_place, enum atomicfile_backup *how, char **cause);

/* atomicfile_save_backup() into the directory held as dirfd (opened once
 * by the caller: the state directory's backups/, statedir_open()): path
 * names the backup in messages and its last component is created relative
 * to dirfd. On Windows dirfd is ignored and path used. */
int atomicfile_save_backup_at(const struct atomicfile *af, int dirfd, const char *path,
    const void *data, size_t len, int in_place, enum atomicfile_backup *how, char **cause);

/* fsync a directory. */
int fsync_dir(const char *dir, char **cause);
/* fsync the directory held as dirfd (dir names it in messages; on Windows
 * dirfd is ignored: nothing to do there). */
int fsync_dir_at(int dirfd, const char *dir, char **cause);

/* open(2), retried while it fails with EINTR. */
int open_retry(const char *path, int flags, mode_t mode);
#ifndef _WIN32
/* openat(2) of name relative to dirfd, never through a link at name
 * (O_NOFOLLOW added), retried while it fails with EINTR. */
int openat_retry(int dirfd, const char *name, int flags, mode_t mode);
#endif

/* fsync(2) (F_FULLFSYNC on macOS), retried while it fails with EINTR. */
int fsync_retry(int fd);

#endif
