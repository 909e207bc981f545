/*
 * hostsedit.c - the one path by which amlhosts changes a hosts file.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/atomicfile.h"
#include "state/hostsedit.h"
#include "state/journal.h"
#include "state/statedir.h"
#include "base/fileread.h"
#include "base/process.h"
#include "base/platform.h"
#include "base/pathtrust.h"

#define K8S_HEADER "# Kubernetes-managed hosts file"

void
hostsedit_result_init(struct hostsedit_result *r)
{
	memset(r, 0, sizeof *r);
	file_bytes_init(&r->before);
	buf_init(&r->after);
	strlist_init(&r->warnings);
}

void
hostsedit_result_release(struct hostsedit_result *r)
{
	free(r->backup);
	free(r->real_path);
	file_bytes_release(&r->before);
	buf_release(&r->after);
	strlist_release(&r->warnings);
	memset(r, 0, sizeof *r);
}

static int
file_contains(const char *path, const char *needle)
{
	struct buf b = BUF_INIT;
	int found = 0;

	if (file_read(path, FILE_READ_REGULAR, 1024 * 1024, &b, NULL, NULL, NULL) == 0)
		found = strstr(b.data, needle) != NULL;
	buf_release(&b);
	return found;
}

int
hostsedit_check_managed_elsewhere(const char *real_path, const struct file_bytes *content,
    struct strlist *warnings, char **cause)
{
	const char *p = content->data;
	size_t n = content->len;

	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		n -= 3;
	}
	/* The kubelet rewrites this file whenever the pod restarts. Compared
	 * within the length: mapped bytes end with no NUL. */
	if (n >= strlen(K8S_HEADER) && memcmp(p, K8S_HEADER, strlen(K8S_HEADER)) == 0)
		return set_error(cause, "'%s' is managed by Kubernetes, which will overwrite "
		    "any change; add the names with the pod's hostAliases instead", real_path);
	if (strcmp(real_path, "/etc/hosts") != 0)
		return 0;
	if (file_contains("/etc/cloud/cloud.cfg", "manage_etc_hosts: true") ||
	    file_contains("/etc/cloud/cloud.cfg", "manage_etc_hosts: localhost"))
		strlist_push(warnings, "cloud-init manages /etc/hosts here "
		    "(manage_etc_hosts) and may rewrite it at boot; run amlhosts from a "
		    "timer or disable manage_etc_hosts");
	if (access("/proc/sys/fs/binfmt_misc/WSLInterop", F_OK) == 0 &&
	    !file_contains("/etc/wsl.conf", "generateHosts = false") &&
	    !file_contains("/etc/wsl.conf", "generateHosts=false"))
		strlist_push(warnings, "WSL regenerates /etc/hosts at start "
		    "(generateHosts); set 'generateHosts = false' in /etc/wsl.conf "
		    "or manage the Windows hosts file instead");
	return 0;
}

/* "name:sha256,..." of every block, as the journal keeps them. */
static char *
blocks_summary(const struct hosts_out *after)
{
	struct buf b = BUF_INIT;
	char hex[65];
	size_t i;

	for (i = 0; i < after->nblocks; i++) {
		hosts_out_block_hash(after, i, hex);
		buf_printf(&b, "%s%s:%s", i ? "," : "", hosts_out_block_name(after, i), hex);
	}
	if (b.len == 0)
		buf_puts(&b, "-");
	return buf_detach(&b, NULL);
}

/*
 * A block whose bytes differ from what the journal says amlhosts wrote was
 * edited by hand. It is still replaced (the configuration is the truth), but
 * the user is told, and the edited bytes are in the backup.
 */
static void
warn_hand_edits(const struct hostsfile *before, const struct hosts_out *after,
    const struct hostsfile *parsed, const struct journal_record *last, long id,
    struct strlist *warnings)
{
	struct journal_blocks recorded;
	const char *was;
	char now[65], later[65];
	size_t i, j = 0;
	long found;
	int kept;

	if (last == NULL)
		return;
	journal_blocks_index(&recorded, last);
	for (i = 0; i < before->nblocks; i++) {
		/* A rewrite of before writes the blocks that stay in the order
		 * they were read (the rest are appended after them): the next
		 * one is this block, or this block is gone. Other output was
		 * parsed (parsed), and is looked up there. One pass either way. */
		if (parsed != NULL) {
			found = hostsfile_find_block(parsed, before->blocks[i].name);
			kept = found >= 0;
			j = kept ? (size_t)found + 1 : 0;
		} else {
			kept = j < after->nblocks &&
			    strcmp(hosts_out_block_name(after, j), before->blocks[i].name) == 0;
			if (kept)
				j++;
		}
		if ((was = journal_blocks_get(&recorded, before->blocks[i].name)) == NULL)
			continue;
		hostsfile_block_hash(before, i, now);
		if (memcmp(was, now, 64) == 0)
			continue;
		if (kept) {
			hosts_out_block_hash(after, j - 1, later);
			if (strcmp(later, now) == 0)
				continue;
		}
		if (id > 0)
			strlist_push_nocopy(warnings, xasprintf("block '%s' was edited by hand "
			    "since amlhosts wrote it; the edited lines are kept in the backup of "
			    "change %ld", before->blocks[i].name, id));
		else
			strlist_push_nocopy(warnings, xasprintf("block '%s' was edited by hand "
			    "since amlhosts wrote it; those edits will be replaced",
			    before->blocks[i].name));
	}
	journal_blocks_release(&recorded);
}

#ifdef _WIN32
static void
flush_dns_cache(struct strlist *warnings)
{
	platform_flush_dns(warnings);
}
#else
/*
 * Runs one cache-flushing command, if it is installed; a failure is only a
 * warning, since the hosts file itself is already right.
 */
static void
run_flush(struct strlist *warnings, const char *path, char *const argv[],
    const char *what, const char *cache)
{
	struct process_opts po;
	struct process_result pr;
	int rc;

	if (access(path, X_OK) != 0)
		return;
	/* What it says reaches the user, as it always did; no time limit. */
	memset(&po, 0, sizeof po);
	po.path = path;
	po.argv = argv;
	po.out = PROCESS_INHERIT;
	po.err = PROCESS_INHERIT;
	process_result_init(&pr);
	rc = process_run(&po, &pr, NULL);
	if (rc != 0 && pr.end == PROCESS_CANNOT_RUN && pr.err != 0)
		strlist_push_nocopy(warnings, xasprintf("cannot run %s to flush the "
		    "hosts cache: %s", argv[0], strerror(pr.err)));
	else if (rc != 0 || pr.end != PROCESS_EXITED || pr.code != 0)
		strlist_push_nocopy(warnings, xasprintf("'%s' failed; cached answers may "
		    "be stale until %s expires them", what, cache));
	process_result_release(&pr);
}

static void
flush_dns_cache(struct strlist *warnings)
{
#ifdef __APPLE__
	/* macOS answers from the directory service cache and mDNSResponder;
	 * both must drop what they hold. */
	static char *const dscacheutil[] = { "dscacheutil", "-flushcache", NULL };
	static char *const killall[] = { "killall", "-HUP", "mDNSResponder", NULL };

	run_flush(warnings, "/usr/bin/dscacheutil", dscacheutil,
	    "dscacheutil -flushcache", "the directory service");
	run_flush(warnings, "/usr/bin/killall", killall,
	    "killall -HUP mDNSResponder", "mDNSResponder");
#else
	/* systemd-resolved watches the hosts file itself; nscd must be told. */
	static char *const nscd[] = { "nscd", "-i", "hosts", NULL };

	run_flush(warnings, "/usr/sbin/nscd", nscd, "nscd -i hosts", "nscd");
#endif
}
#endif /* !_WIN32 */

/*
 * What a run killed mid-change leaves behind, cleared under the lock before
 * anything reads the journal, whether or not this run changes anything: its
 * temporary files, and the journal record of a change that never landed
 * (which rollback would otherwise "undo" to no effect), or the rest of an
 * in-place rewrite it had begun (journal.h says which). 1 when the hosts
 * file was written here: the caller reads it again.
 */
static int
recover_interrupted(struct state *st, struct atomicfile *af, const struct file_bytes *content,
    struct strlist *warnings, char **cause)
{
	struct journal_recovery rec;

	atomicfile_remove_stale(af);
	journal_remove_stale(st);
	if (journal_drop_unfinished(st, af, content->data, content->len, &rec, cause) != 0)
		return -1;
	if (rec.abandoned > 0)
		strlist_push_nocopy(warnings, xasprintf("an in-place write of change %ld "
		    "to '%s' was interrupted, but '%s' is now another file: it is left as "
		    "it is", rec.abandoned, af->path, af->path));
	if (rec.dropped > 0 && rec.in_place)
		strlist_push_nocopy(warnings, xasprintf("'%s' is as it was before change "
		    "%ld (its in-place write was interrupted before it began): its record "
		    "is taken back", af->path, rec.dropped));
	else if (rec.dropped > 0)
		strlist_push_nocopy(warnings, xasprintf("'%s' is as it was before change "
		    "%ld (the run that made it was interrupted, or the change was undone "
		    "by hand): its record is taken back", af->path, rec.dropped));
	if (rec.completed > 0)
		strlist_push_nocopy(warnings, xasprintf("the in-place write of change %ld "
		    "to '%s' was interrupted: it is completed from the copy of the new "
		    "contents kept in the state directory", rec.completed, af->path));
	return rec.completed > 0;
}

/* Only the answers that say someone else controls the path refuse it. A
 * path that cannot be walked (a link loop, a file used as a directory) is
 * left to the steps that open it, which say so in their own words. */
static int
untrusted(enum pathtrust t)
{
	return t == PATHTRUST_UNSAFE_OWNER || t == PATHTRUST_UNSAFE_MODE ||
	    t == PATHTRUST_UNSAFE_LINK;
}

/* As root, before anything is created, locked or written: the hosts file
 * (replaced by a temporary file beside it) and the state directory (files
 * created inside it) must be paths only root controls (SPEC 6.3, 7). Non-root
 * runs can only harm what their user may write anyway. */
static int
check_paths_trusted(const struct hostsedit_opts *o, struct hostsedit_result *r,
    char **cause)
{
	char *why = NULL;

	if (geteuid() != 0)
		return 0;
	if (untrusted(pathtrust_check_write(o->hosts_file, 1, &why)) ||
	    untrusted(pathtrust_check_write(o->state_dir, 0, &why))) {
		set_error(cause, "refusing to write as root: %s", why);
		free(why);
		r->error = HOSTSEDIT_ERR_UNTRUSTED_PATH;
		return -1;
	}
	free(why);
	return 0;
}

/*
 * Open and read the hosts file (atomicfile_open), then make sure its
 * directory is the one locked (locked_dir: state_lock_dir; NULL when
 * nothing is locked). A symlink retargeted, or the directory swapped for
 * another of the same name, between locking and reading puts the lock on
 * the wrong directory: *retry is set. Told by identity, not by name: the
 * directory held is what the write goes to. Every open under the lock
 * goes through here, the one after a recovery too.
 */
static int
open_locked(const struct hostsedit_opts *o, const struct state *st, const char *locked_dir,
    struct atomicfile *af, struct file_bytes *content, int *retry, char **cause)
{
	if (atomicfile_open(af, o->hosts_file, content, cause) != 0)
		return -1;
	if (locked_dir != NULL && !state_locked_dir_is(st, af->dirfd)) {
		*retry = 1;
		return set_error(cause, "'%s' now leads to another directory", o->hosts_file);
	}
	return 0;
}

/* Tries before a file another program keeps changing fails the run. */
#define EDIT_TRIES 3

/*
 * One read-compute-write. *retry is set when another program changed the
 * file between the read and the rename: nothing was written, the record and
 * backup are taken back, and the caller may read again.
 */
static int
edit_once(const struct hostsedit_opts *o, hostsedit_fn compute, void *arg,
    struct state *st, int locked, const char *locked_dir,
    struct hostsedit_result *r, int *retry, char **cause)
{
	struct atomicfile af;
	struct hostsfile before, after;
	struct hosts_out out;
	struct journal journal = { NULL, 0 };
	struct journal_record rec;
	char *why = NULL, *blocks = NULL, *targets = NULL;
	int rc = -1, have_after = 0, recovered, in_place = 0;
	enum atomicfile_backup how = ATOMICFILE_BACKUP_COPY;
	size_t nwarnings;

	atomicfile_init(&af);
	hosts_out_init(&out);
	memset(&before, 0, sizeof before);
	memset(&after, 0, sizeof after);
	memset(&rec, 0, sizeof rec);
	*retry = 0;

	if (open_locked(o, st, locked_dir, &af, &r->before, retry, cause) != 0)
		goto out;
	r->real_path = xstrdup(af.real);
	if (locked && (recovered = recover_interrupted(st, &af, &r->before, &r->warnings,
	    cause)) != 0) {
		if (recovered < 0)
			goto out;
		/* The interrupted change is in place now: that is the file. */
		atomicfile_release(&af);
		atomicfile_init(&af);
		file_bytes_release(&r->before);
		if (open_locked(o, st, locked_dir, &af, &r->before, retry, cause) != 0)
			goto out;
	}
	if (hostsedit_check_managed_elsewhere(af.real, &r->before, &r->warnings, cause) != 0)
		goto out;
	/* Nothing to change, told without indexing the file or rendering a
	 * new one: the common run (from a timer) stays cheap on a big file. */
	if (o->unchanged != NULL &&
	    o->unchanged(r->before.data, r->before.len, arg)) {
		rc = 0;
		goto out;
	}
	if (hostsfile_parse(&before, r->before.data, r->before.len, &why) != 0) {
		set_error(cause, "'%s': %s; fix the markers by hand (no change was made)",
		    o->hosts_file, why);
		goto out;
	}
	if (compute(&before, af.real, locked ? st : NULL, &out, arg, cause) != 0)
		goto out;
	hosts_out_finish(&out);
	if (hosts_out_equal(&out, r->before.data, r->before.len)) {
		rc = 0;
		goto out;
	}
	r->changed = 1;
	in_place = o->in_place && af.bind_mount && !o->dry_run;
	/* The new bytes whole only where something reads them so: the
	 * command (a diff, the syslog line), or output that is not a
	 * rewrite's (rollback --whole-file), whose blocks are found by
	 * parsing it. The copy an in-place rewrite keeps first (journal.h)
	 * is written from the segments too. */
	if (o->want_after || (!out.blocks_known && out.n > 1))
		hosts_out_to_buf(&out, &r->after);
	if (!out.blocks_known) {
		/* One segment (a whole buffer handed over) is parsed where it is. */
		if (hostsfile_parse(&after, out.n == 1 ? out.v[0].data :
		    r->after.data ? r->after.data : "", out.n == 1 ? out.v[0].len : r->after.len,
		    &why) != 0) {
			set_error(cause, "internal error: the new hosts file does not parse: %s", why);
			goto out;
		}
		have_after = 1;
		hosts_out_note_blocks(&out, &after);
	}
	if (journal_read_held(st, o->state_dir, &journal, NULL) != 0)
		journal.n = 0;
	if (o->dry_run) {
		warn_hand_edits(&before, &out, have_after ? &after : NULL,
		    journal_last_for(&journal, af.real), 0, &r->warnings);
		rc = 0;
		goto out;
	}
	if (atomicfile_check_writable(&af, o->in_place, cause) != 0)
		goto out;
	/* Checked here too, not only before the rename: an in-place rewrite
	 * has no later point to check at, and an early retry is cheaper. */
	if (atomicfile_changed(&af)) {
		*retry = 1;
		set_error(cause, "another program changed '%s'", o->hosts_file);
		goto out;
	}

	/* The new file's temporary file before the record, which names its
	 * inode: the next run tells that the change landed by the file's
	 * identity, without hashing it (journal.h). */
	if (atomicfile_prepare(&af, o->in_place, cause) != 0) {
		r->failed_step = af.failed_step;
		goto out;
	}

	blocks = blocks_summary(&out);
	targets = o->targets && o->targets->n ? strlist_join(o->targets, ",") : xstrdup("-");
	rec.command = (char *)o->command;
	rec.targets = targets;
	rec.hosts = af.real;
	rec.blocks = blocks;
	sha256_hex(r->before.data, r->before.len, rec.before);
	hosts_out_hash(&out, rec.after);
	rec.new_dev = af.tmp_dev;
	rec.new_ino = af.tmp_ino;
	if (journal_record_change_of(st, &rec, &af, r->before.data,
	    r->before.len, o->in_place, &how, cause) != 0)
		goto out;
	r->id = rec.id;
	r->backup = statedir_backup_path(st->dir, rec.id);
	/* An in-place rewrite can be torn by a kill: its new bytes are kept
	 * first, for the next run to finish it (journal.h). */
	if (in_place && journal_begin_in_place(st, rec.id, &af, out.v, out.n, cause) != 0) {
		journal_forget_change(st, rec.id);
		free(r->backup);
		r->backup = NULL;
		r->id = 0;
		goto out;
	}
	nwarnings = r->warnings.n;
	warn_hand_edits(&before, &out, have_after ? &after : NULL,
	    journal_last_for(&journal, af.real), rec.id, &r->warnings);

	if (atomicfile_replace_segs(&af, out.v, out.n, o->in_place, cause) != 0) {
		r->failed_step = af.failed_step;
		if (af.failed_step == ATOMICFILE_STEP_READ_BACK ||
		    af.failed_step == ATOMICFILE_STEP_DIR_FSYNC) {
			/* The new file is in place: the record stays true. Not
			 * to be written again: another program wrote since. */
			if (in_place)
				journal_end_in_place(st);
			if (how == ATOMICFILE_BACKUP_LINK)
				journal_seal_backup(st, rec.id);
			set_error(cause, "%s; the previous contents are in '%s'",
			    *cause, r->backup);
			goto out;
		}
		if (in_place && atomicfile_replace(&af, r->before.data,
		    r->before.len, 1, NULL) != 0) {
			/* The record and the new bytes stay: the next run
			 * finishes the change, or takes it back if the old
			 * bytes are still there. */
			set_error(cause, "%s; restoring the old contents failed too: the "
			    "next run repairs the file, or copy '%s' back by hand",
			    *cause, r->backup);
			goto out;
		}
		if (in_place)
			journal_end_in_place(st);
		journal_forget_change(st, rec.id);
		free(r->backup);
		r->backup = NULL;
		r->id = 0;
		*retry = af.failed_step == ATOMICFILE_STEP_CHANGED;
		/* The next try warns again, about the bytes it reads. */
		while (*retry && r->warnings.n > nwarnings)
			free(r->warnings.v[--r->warnings.n]);
		goto out;
	}
	if (in_place)
		journal_end_in_place(st);
	if (how == ATOMICFILE_BACKUP_LINK)
		journal_seal_backup(st, rec.id);
	if (journal_prune(st, o->keep_backups, &why) != 0)
		strlist_push_nocopy(&r->warnings, xasprintf("%s", why));
	if (o->flush_dns)
		flush_dns_cache(&r->warnings);
	rc = 0;
out:
	/* What this try decided from a torn mapping (base/filemap.h) it
	 * decided from zeros, whatever it decided: "unchanged", a parse
	 * error, a plan. Nothing of it stands unless a change has landed
	 * (r->id: recorded and not taken back; the check before its rename
	 * passed, so it was written from whole bytes). Read again. */
	if (r->id == 0 && file_bytes_torn(&r->before)) {
		rc = -1;
		*retry = 1;
		set_error(cause, "another program cut '%s' short while amlhosts read it",
		    o->hosts_file);
	}
	free(why);
	free(blocks);
	free(targets);
	journal_release(&journal);
	hostsfile_release(&before);
	hostsfile_release(&after); /* zeroed unless parsed */
	hosts_out_release(&out);
	atomicfile_release(&af);
	return rc;
}

/* Forget what a try that will be retried found, keeping its warnings. */
static void
reset_for_retry(struct hostsedit_result *r)
{
	struct strlist warnings = r->warnings;

	strlist_init(&r->warnings);
	hostsedit_result_release(r);
	hostsedit_result_init(r);
	strlist_release(&r->warnings);
	r->warnings = warnings;
}

/* Open the state directory (creating it) and take its lock. A purge that
 * held the lock while this waited deleted the lock file and the directory
 * (state_lock_stale): they are made again and locked, a few times at most
 * (a purge per try is no longer a race but a loop). */
static int
open_and_lock(const struct hostsedit_opts *o, struct state *st, char **cause)
{
	int try;

	for (try = 1; try <= EDIT_TRIES; try++) {
		if (state_open(st, o->state_dir, cause) != 0 ||
		    state_lock(st, o->lock_timeout, cause) != 0)
			return -1;
		if (!state_lock_stale(st))
			return 0;
		state_close(st);
	}
	return set_error(cause, "state directory '%s' was deleted each time its lock was "
	    "taken (%d tries): nothing was written", o->state_dir, EDIT_TRIES);
}

int
hostsedit_run(const struct hostsedit_opts *o, hostsedit_fn compute, void *arg,
    struct hostsedit_result *r, char **cause)
{
	struct state st;
	char *locked_dir = NULL;
	int rc = -1, locked = 0, retry = 0, try;

	state_init(&st);
	if (!o->dry_run) {
		if (check_paths_trusted(o, r, cause) != 0 || open_and_lock(o, &st, cause) != 0)
			goto out;
		locked = 1;
		/* The hosts file's own lock, held from before the read until
		 * after the rename and the journal record. A path that does
		 * not resolve is left to atomicfile_open() to report. */
#ifndef _WIN32
		locked_dir = atomicfile_real_dir(o->hosts_file);
		if (locked_dir != NULL &&
		    state_lock_dir(&st, locked_dir, o->lock_timeout, cause) != 0)
			goto out;
#endif
	}
	for (try = 1; try <= EDIT_TRIES; try++) {
		if (try > 1) {
			if (cause != NULL) {
				free(*cause);
				*cause = NULL;
			}
			reset_for_retry(r);
		}
		rc = edit_once(o, compute, arg, &st, locked, locked_dir, r, &retry, cause);
		if (rc == 0 || !retry)
			break;
	}
	if (rc != 0 && retry && cause != NULL) {
		r->failed_step = ATOMICFILE_STEP_CHANGED;
		set_error(cause, "%s; another program kept changing it (%d tries): "
		    "nothing was written, try again when it is done", *cause, EDIT_TRIES);
	}
	if (rc == 0 && locked && o->held != NULL)
		o->held(&st, o->held_arg);
out:
	free(locked_dir);
	state_close(&st);
	return rc;
}
