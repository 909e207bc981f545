/*
 * hostsedit.h - one change to the hosts file, done the safe way: lock, read,
 * compute, back up, journal, replace, verify (SPEC 6.3). Every command that
 * writes goes through hostsedit_run(); the commands only say how the new
 * bytes follow from the old ones.
 *
 *   struct hostsedit_opts o = { ... };
 *   struct hostsedit_result r;
 *   hostsedit_result_init(&r);
 *   rc = hostsedit_run(&o, compute, arg, &r, &cause);
 *   ... r.changed, r.id, r.before/r.after for a diff, r.warnings ...
 *   (r.after only with want_after: see struct hostsedit_opts)
 *   hostsedit_result_release(&r);
 *
 * compute() runs with the lock held (unless dry_run) and gets the parsed
 * current file and the state directory held (NULL when dry_run, when what
 * it reads it reads through state_open_read(): one directory held, not
 * locked): what it reads there it reads relative to the descriptors opened once
 * (journal_read_held, journal_load_backup_held), so a directory on the
 * state directory's path swapped after the lock cannot feed it another
 * journal or backup. It writes the new bytes as segments
 * (hostsfile_rewrite_out(), or hosts_out_take() of a whole buffer): the new
 * file is written from them, unchanged ranges from the bytes read, and
 * never rendered whole unless asked (want_after).
 *
 * Before compute(), under the lock, what a killed run left is cleared: the
 * record of a change that never landed is taken back, an in-place rewrite
 * it had begun is completed (journal.h), each with a warning in r.warnings;
 * the second changes the file, which is then read again (even when this
 * run's own change turns out to be nothing).
 *
 * Nothing is written when the new bytes equal the old: same inode, same
 * mtime, no backup, no journal record. With dry_run the state directory is
 * neither created nor locked, so plans work unprivileged.
 */
#ifndef AMLHOSTS_HOSTSEDIT_H
#define AMLHOSTS_HOSTSEDIT_H

#include "hosts/hostsfile.h"
#include "state/atomicfile.h"
#include "base/util.h"

struct state;

struct hostsedit_opts {
	const char *hosts_file;
	const char *state_dir;
	const char *command;          /* journal: "apply", "remove", ... */
	const struct strlist *targets; /* journal: what the change is about */
	int lock_timeout;
	int keep_backups;
	int in_place;
	int dry_run;
	int flush_dns;
	/* Optional: a check that the edit would change nothing, on the bytes
	 * as read (apply's hostsfile_apply_unchanged()). When it answers 1,
	 * the file is left alone without parsing it or calling compute(), and
	 * r->after stays empty: only for callers that read r->after when
	 * r->changed. 0 means "compute as usual", never "changed". */
	int (*unchanged)(const char *data, size_t len, void *arg);
	/* Fill r->after with the new bytes, for a command that shows or
	 * reads them (a diff, a plan, the syslog line); otherwise it stays
	 * empty and the new file is written from the segments alone. */
	int want_after;
	/* Optional: called once the run succeeded (changed or not; never
	 * with dry_run), with the state directory still held and locked,
	 * before the locks are released. uninstall --purge deletes the state
	 * directory there (state_purge_held), so no other run can record a
	 * change in between whose backup the purge would delete. Its own
	 * failure it keeps in held_arg: the run's result stays the edit's,
	 * which has landed. */
	void (*held)(struct state *st, void *held_arg);
	void *held_arg;
};

/* Why a run failed, where the command line maps it to its own exit code. */
enum hostsedit_error {
	HOSTSEDIT_ERR_FAILED = 0, /* anything else (I/O, lock, compute()...) */
	/* Running as root, the hosts file, the state directory or a parent
	 * could be swapped or written by a non-root user, or a file would be
	 * created in a world-writable directory (base/pathtrust.h): refused
	 * before anything was locked or written. */
	HOSTSEDIT_ERR_UNTRUSTED_PATH,
};

struct hostsedit_result {
	int changed;
	long id;             /* journal id of the change, 0 if none */
	char *backup;        /* path of the backup of the old bytes */
	char *real_path;     /* the hosts file with symlinks resolved */
	/* The hosts file as read: mapped (base/filemap.h), valid until
	 * hostsedit_result_release(). */
	struct file_bytes before;
	struct buf after; /* only with want_after, when changed */
	struct strlist warnings;
	/* The step of replacing the file that failed; ATOMICFILE_STEP_NONE
	 * when the run failed elsewhere (or did not fail). */
	enum atomicfile_step failed_step;
	enum hostsedit_error error; /* when the run failed */
};

void hostsedit_result_init(struct hostsedit_result *r);
void hostsedit_result_release(struct hostsedit_result *r);

typedef int (*hostsedit_fn)(const struct hostsfile *hf, const char *real_path,
    const struct state *st, struct hosts_out *out, void *arg, char **cause);

/* Returns 0, or -1 with cause. A failure of compute() is returned as is, so
 * its caller can tell bad input from a failed write through its own arg. */
int hostsedit_run(const struct hostsedit_opts *o, hostsedit_fn compute, void *arg,
    struct hostsedit_result *r, char **cause);

/* Hosts files that something else regenerates: refused or warned about. */
int hostsedit_check_managed_elsewhere(const char *real_path, const struct file_bytes *content,
    struct strlist *warnings, char **cause);

#endif
