/*
 * journal.h - the state directory: the lock that serializes every writer,
 * the backups of each earlier hosts file and the journal of changes
 * (SPEC 6.3). Where each of them lives: statedir.h.
 *
 * Calling sequence for a change, as hostsedit_run() makes it (hostsedit.c;
 * af is the hosts file's struct atomicfile):
 *
 *   state_open(&s, dir, &cause);          creates the directory (0700)
 *   state_lock(&s, timeout, &cause);      waits, then fails "busy"
 *   ... atomicfile_open(&af, ...): read the hosts file ...
 *   journal_remove_stale(&s);             what a killed run left
 *   journal_drop_unfinished(&s, &af, content, len, &recovery, &cause);
 *   ... compute the new bytes; unchanged: stop here, nothing is written ...
 *   journal_read_held(&s, s.dir, &j, NULL); the last record, for hand edits
 *   atomicfile_prepare(&af, in_place, &cause); rec.new_dev, rec.new_ino =
 *       af.tmp_dev, af.tmp_ino: the inode the change will land as
 *   journal_record_change_of(&s, &rec, &af, before, len, ...);   sets rec.id
 *   in place only: journal_begin_in_place(&s, rec.id, &af, out.v, out.n, &cause);
 *   ... atomicfile_replace(&af, ...) ...
 *   in place only: journal_end_in_place(&s);
 *   on failure before the new file is in place:
 *       journal_forget_change(&s, rec.id);   the record never happened
 *   journal_prune(&s, keep_backups, &cause);
 *   journal_release(&j);
 *   uninstall --purge only: state_purge_held(&s, &done, &cause);
 *   state_close(&s);                      releases the lock
 *
 * The backup is saved and synced before the journal line names it, and
 * both before the hosts file changes, so every state the file was ever in
 * stays restorable.
 *
 * Recovery, by the next run that takes the lock (any command that writes):
 * a kill before the hosts file changed leaves the last record's "before"
 * bytes in it, and the record is taken back (the change never happened).
 * A kill during an in-place rewrite (the in-place marker is there, the file
 * is the marked inode and no longer holds the "before" bytes: torn, or new
 * but perhaps not synced) is rolled forward: once the record, the backup
 * and the new bytes are synced the change is committed, and rewriting the
 * new bytes again is idempotent. Either way a warning says what was done.
 */
#ifndef AMLHOSTS_JOURNAL_H
#define AMLHOSTS_JOURNAL_H

#include <stddef.h>
#include <sys/types.h>
#include "base/util.h"
#include "state/atomicfile.h"

struct state {
	char *dir;
	int lockfd;
	int dirlockfd;      /* the hosts file's directory, see state_lock_dir() */
	int dirfd;          /* dir and its backups/, opened once by state_open() */
	int backupsfd;      /* (statedir_open); -1 on Windows, where paths are used */
	off_t journal_size; /* before the last record appended, for forgetting it */
};

void state_init(struct state *s);
/* Open (creating if needed) the state directory. It must be a directory
 * owned by us that group and others cannot write. */
int state_open(struct state *s, const char *dir, char **cause);
/* Take the exclusive lock, waiting up to timeout seconds. */
int state_lock(struct state *s, int timeout, char **cause);
/* Also lock the directory that holds the hosts file (flock on the
 * directory itself), so runs with different state directories on one hosts
 * file take turns too. The directory, not the file: the file is replaced by
 * rename, and a lock on the old inode would not stop a run that opens the
 * new one. Released by state_close(). Nothing on Windows. */
int state_lock_dir(struct state *s, const char *dir, int timeout, char **cause);
/* Is the directory state_lock_dir() holds locked the one held as dirfd
 * (atomicfile's dirfd): the same device and inode, whatever paths led to
 * each, so two paths to one directory are one and a directory swapped for
 * another of the same name is not? 1 if so; 0 if not, if nothing is
 * locked or if either cannot be looked at. Windows, which locks no
 * directory: 1. */
int state_locked_dir_is(const struct state *s, int dirfd);
/* Open the state directory dir to read it only (history, status, a dry
 * run): neither created nor locked, never through a link, and judged as
 * statedir_open_read() says (as root, only a directory of root's). 0 with
 * dir held; 1 when dir does not exist (s holds no directory, and what is
 * read in it is not there); -1 with *cause set. Release with
 * state_close() in every case. Windows: whether dir exists; reads there
 * go by path. */
int state_open_read(struct state *s, const char *dir, char **cause);
/* After state_lock(): is the lock now held no longer the state directory's
 * lock file (deleted, or another file in its place)? A purge deletes the
 * lock file and the directory while it holds the lock (state_purge_held),
 * and a run that opened them before and waited then holds the lock of a
 * deleted file in a deleted directory, where it can write nothing: it
 * closes the state and opens it again. 1 if so; 0 if not or if it cannot
 * be told. Windows: 0 (a lock file open cannot be deleted). */
int state_lock_stale(const struct state *s);
void state_close(struct state *s);

struct journal_record {
	long id;
	long long time;  /* seconds since the epoch, UTC */
	char *command;   /* "apply", "remove", ... */
	char *targets;   /* comma list; "-" for none */
	char *hosts;     /* real path of the hosts file */
	char before[65]; /* SHA-256 of the file before */
	char after[65];  /* and after */
	char *blocks;    /* "name:sha256,..." of the blocks after; "-" for none */
	/* The inode the change lands as: the temporary file renamed over the
	 * hosts file (atomicfile_prepare: af->tmp_dev, af->tmp_ino). 0 0 when
	 * not known: an in-place rewrite, Windows, or a record of an earlier
	 * version. In the line it is a last item of the blocks field,
	 * ",inode=<dev>.<ino>", which no block lookup matches (it has no
	 * ':'), so earlier versions read such records as they always did;
	 * parsing takes it out of blocks again. */
	unsigned long long new_dev, new_ino;
};

struct journal {
	struct journal_record *v;
	size_t n;
};

/* Read the journal of dir; a missing journal (or state directory) is an
 * empty one. Malformed lines are an error naming the line. The directory
 * is opened once for the read, without creating it, as state_open_read()
 * does, and the journal read relative to it; a link in the journal's place
 * is refused, never followed. For commands that hold no state directory. */
int journal_read(const char *dir, struct journal *j, char **cause);
/* journal_read() of the state directory s holds (state_open,
 * state_open_read), relative to its descriptor, so a directory on its path
 * swapped since cannot show another journal; when s is NULL or holds none
 * (state_init only: a dry run), of dir as journal_read() does. */
int journal_read_held(const struct state *s, const char *dir, struct journal *j, char **cause);
void journal_release(struct journal *j);
/* The newest record for this hosts file, or NULL. */
const struct journal_record *journal_last_for(const struct journal *j, const char *hosts);
const struct journal_record *journal_find(const struct journal *j, long id);
/* The hash recorded for target's block in r; 0 if found. */
int journal_block_hash(const struct journal_record *r, const char *target, char out[65]);

/* The blocks of one record ("name:hash,..."), indexed once: looking up every
 * block of a file with many blocks stays linear, where journal_block_hash
 * per block would read the whole list each time. */
struct journal_blocks {
	struct journal_block_item {
		const char *name; /* into the record's blocks field */
		size_t nlen;
		const char *hash; /* 64 hex digits, not NUL-terminated */
	} *v;
	size_t n;
	size_t *slots; /* open addressing: item index + 1, 0 is free */
	size_t nslots;
};
void journal_blocks_index(struct journal_blocks *jb, const struct journal_record *r);
/* The 64 hex digits recorded for target (not NUL-terminated), or NULL. */
const char *journal_blocks_get(const struct journal_blocks *jb, const char *target);
void journal_blocks_release(struct journal_blocks *jb);

/* Save before as the backup of a new change and append rec (its id and time
 * are assigned here and stored in *id). */
int journal_record_change(struct state *s, struct journal_record *rec,
    const void *before, size_t len, char **cause);
/* The same, the backup made from the file af read (before, len: its bytes)
 * as atomicfile_save_backup() can: a hard link to the old inode unless
 * in_place, else a reflink, else a copy; *how says which. */
int journal_record_change_of(struct state *s, struct journal_record *rec,
    const struct atomicfile *af, const void *before, size_t len, int in_place,
    enum atomicfile_backup *how, char **cause);
/* After the change landed: a linked backup gets the backups' read-only
 * mode (not before: until the rename its inode is the live hosts file). */
void journal_seal_backup(struct state *s, long id);
/* Take back the record just appended (the change failed before it landed). */
void journal_forget_change(struct state *s, long id);

/*
 * An in-place rewrite (a bind mount with --in-place) changes the live inode
 * byte by byte, so a kill in the middle would leave a torn file that is
 * neither the record's "before" nor its "after". Before the first byte is
 * written, journal_begin_in_place() saves the new bytes and then a marker
 * ("<id> <dev> <ino> <size>": change id is being written in place to that
 * inode, size new bytes) in the state directory, each synced; after the
 * rewrite is synced, journal_end_in_place() removes them. Until then the
 * marker is what tells a torn file from one edited by hand.
 */
int journal_begin_in_place(struct state *s, long id, const struct atomicfile *af,
    const struct hosts_seg *v, size_t n, char **cause);
void journal_end_in_place(struct state *s);

/* Whether dir holds the marker of an in-place rewrite that has not ended
 * (read-only: for commands that take no lock, such as status, to say that
 * the file may be torn until the next writing command repairs it). */
int journal_in_place_pending(const char *dir);
/* The same in the state directory s holds (state_open_read), or, when s is
 * NULL or holds none, in dir opened as state_open_read() does: never
 * through a link, and (as root) only in a directory of root's. */
int journal_in_place_pending_held(const struct state *s, const char *dir);

/* What journal_drop_unfinished() found and did; each an id, or 0. */
struct journal_recovery {
	long dropped;   /* a change that never landed: record and backup taken back */
	int in_place;   /* dropped was an in-place rewrite that had not begun */
	long completed; /* a torn in-place rewrite, finished from the saved bytes */
	long abandoned; /* an in-place rewrite whose path is now another file: left */
};

/* With the lock held: when the journal's last record is a change to the
 * hosts file af that never landed (the version atomicfile_open() read, whose
 * bytes are content, still has the record's "before" bytes, or is the inode
 * of its linked backup: the run that wrote it was killed), take it back
 * and remove its backup (out->dropped). When an in-place rewrite of that
 * record was under way (its marker is there) and the file no longer holds
 * the "before" bytes, the rewrite is done again from the saved new bytes
 * (out->completed; the file changed: read it again). */
/* Told without hashing the file where identity tells: the file read is
 * the record's new inode (new_ino): landed; it is its backup's inode (a
 * linked backup): not landed; a size other than the backup's: not the
 * "before" bytes. Otherwise (another program replaced the file, an
 * in-place rewrite, a record of an earlier version) content is hashed. */
int journal_drop_unfinished(struct state *s, struct atomicfile *af, const void *content,
    size_t len, struct journal_recovery *out, char **cause);
/* With the lock held: remove temporary backup files a killed run left. */
void journal_remove_stale(struct state *s);
/* Keep the newest keep backups found in the backups directory; older ones
 * are deleted (their journal lines stay, so history still lists them). */
int journal_prune(struct state *s, int keep, char **cause);

/* What state_purge_held() deleted. */
struct state_purged {
	size_t backups; /* "*.hosts" files removed from backups/ */
	int journal;    /* the journal was there and is gone */
	int dir;        /* the state directory was there and is gone */
};

/* uninstall --purge: delete what amlhosts keeps in the state directory s
 * holds, opened (state_open) and locked (state_lock) by the caller, who
 * still holds the lock: every visible "*.hosts" in backups/, backups/, the
 * journal, the lock, and the directory itself, never a tree. They are
 * emptied relative to the descriptors held, never through a link, so a
 * directory swapped for a link after the lock leads nowhere; each
 * directory is removed only while its name still leads to the one
 * emptied. The purge follows a change under the lock that change took
 * (hostsedit_opts.held), so no run can record a change in between whose
 * backup it would then delete. On Windows the lock is let go just before
 * the lock file is deleted, and paths are used. state_close(s) after it,
 * as always. */
int state_purge_held(struct state *s, struct state_purged *done, char **cause);

/* Is the backup of change id still in the backups/ of the state directory
 * s holds (state_open, state_open_read): a regular file, not a link in its
 * place (which is not followed)? */
int state_backup_kept(const struct state *s, long id);

/* Load the backup of a record, checking it still has the recorded hash. A
 * link in the backup's place is refused, never followed, and so is anything
 * but a regular file. The state directory is opened for the read as
 * journal_read() does it: for commands that hold none. */
int journal_load_backup(const char *dir, const struct journal_record *r,
    struct buf *out, char **cause);
/* journal_load_backup() of the state directory s holds (state_open,
 * state_open_read), relative to its backups descriptor, so a directory on
 * its path swapped since it was opened (say, since the journal was read)
 * cannot show another file as the backup; when s is NULL or holds none
 * (state_init only), as journal_load_backup() does. */
int journal_load_backup_held(const struct state *s, const char *dir,
    const struct journal_record *r, struct buf *out, char **cause);

/* "2026-11-25T21:12:01Z" */
void journal_format_time(long long t, char out[32]);

#endif
