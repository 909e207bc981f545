/*
 * cmd-rollback.c - undo the last change (or every change back to and
 * including --to ID).
 *
 * When the file is still exactly what amlhosts last wrote, the backup is
 * the answer, byte for byte. When it was edited since, only the managed
 * parts go back: the blocks are made what they were before the change, on
 * top of the file as it is now, so the unrelated edit survives.
 * --whole-file restores the exact bytes of the backup in any case. Either way the rollback
 * is itself a recorded change, and so can be rolled back.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "state/journal.h"

struct rollback_arg {
	long to_id;
	int whole_file;
	const char *state_dir;
	long undone; /* the change rolled back */
	char *undone_desc;
};

/* Blocks as they were in old, applied over the current file. */
static int
managed_parts_of(const struct hostsfile *cur, const struct hostsfile *old,
    struct hosts_out *out, char **cause)
{
	struct block_change *changes;
	struct entry_list *lists;
	size_t i, n = 0, nchanges = cur->nblocks + old->nblocks;
	int rc = -1;

	changes = xcalloc(nchanges + 1, sizeof *changes);
	lists = xcalloc(old->nblocks + 1, sizeof *lists);
	for (i = 0; i < cur->nblocks; i++)
		if (hostsfile_find_block(old, cur->blocks[i].name) < 0) {
			changes[n].target = cur->blocks[i].name;
			changes[n++].entries = NULL;
		}
	for (i = 0; i < old->nblocks; i++) {
		entry_list_init(&lists[i]);
		if (hostsfile_block_entries(old, i, &lists[i], NULL, cause) != 0)
			goto out;
		changes[n].target = old->blocks[i].name;
		changes[n++].entries = &lists[i];
	}
	rc = hostsfile_rewrite_out(cur, changes, n, 0, out, NULL, cause);
out:
	for (i = 0; i < old->nblocks; i++)
		entry_list_release(&lists[i]);
	free(lists);
	free(changes);
	return rc;
}

static int
rollback_compute(const struct hostsfile *hf, const char *real_path, const struct state *st,
    struct hosts_out *out, void *varg, char **cause)
{
	struct rollback_arg *arg = varg;
	struct journal j = { NULL, 0 };
	const struct journal_record *rec;
	struct buf old = BUF_INIT;
	struct hostsfile oldhf;
	struct state mine;
	const struct journal_record *newest;
	char when[32], now[65], *why = NULL;
	int rc = -1, parsed = 0;

	memset(&oldhf, 0, sizeof oldhf);
	/* Under the lock, the journal and the backup are read relative to
	 * the state directory held, so a parent swapped since cannot hand
	 * us a decoy to write over the hosts file. st is NULL in a dry run,
	 * which writes nothing and takes no lock: the state directory is
	 * opened here, once and read-only, for the journal and the backup
	 * alike (a directory swapped between the two reads cannot bring in
	 * another backup). */
	state_init(&mine);
	if (st == NULL) {
		if (state_open_read(&mine, arg->state_dir, cause) < 0)
			goto out;
		st = &mine;
	}
	if (journal_read_held(st, arg->state_dir, &j, cause) != 0)
		goto out;
	if (arg->to_id > 0) {
		rec = journal_find(&j, arg->to_id);
		if (rec == NULL) {
			set_error(cause, "no change %ld in the journal; 'amlhosts history' "
			    "lists them", arg->to_id);
			goto out;
		}
		if (strcmp(rec->hosts, real_path) != 0) {
			set_error(cause, "change %ld was made to '%s', not '%s'", arg->to_id,
			    rec->hosts, real_path);
			goto out;
		}
	} else {
		rec = journal_last_for(&j, real_path);
		if (rec == NULL) {
			set_error(cause, "no recorded change to '%s' to roll back", real_path);
			goto out;
		}
	}
	arg->undone = rec->id;
	journal_format_time(rec->time, when);
	/* A retry (another program changed the file) computes again. */
	free(arg->undone_desc);
	arg->undone_desc = xasprintf("%s %s of %s", rec->command,
	    strcmp(rec->targets, "-") ? rec->targets : "(all)", when);
	if (journal_load_backup_held(st, arg->state_dir, rec, &old, cause) != 0)
		goto out;
	/* Untouched since our last write: nothing unrelated to keep. */
	newest = journal_last_for(&j, real_path);
	sha256_hex(hf->data, hf->len, now);
	if (arg->whole_file || (newest != NULL && strcmp(now, newest->after) == 0)) {
		/* The backup is the answer: moved, not copied (big files). */
		hosts_out_take(out, &old);
		rc = 0;
		goto out;
	}
	if (hostsfile_parse(&oldhf, old.data, old.len, &why) != 0) {
		set_error(cause, "the backup of change %ld has broken blocks (%s); use "
		    "--whole-file to restore it as it is", rec->id, why);
		goto out;
	}
	parsed = 1;
	rc = managed_parts_of(hf, &oldhf, out, cause);
out:
	free(why);
	if (parsed)
		hostsfile_release(&oldhf);
	buf_release(&old);
	journal_release(&j);
	state_close(&mine);
	return rc;
}

static int
cmd_rollback_exec(struct cmd_ctx *ctx)
{
	struct rollback_arg arg;
	struct hostsedit_opts o;
	struct hostsedit_result r;
	char *cause = NULL, *what;
	int rc;

	memset(&arg, 0, sizeof arg);
	arg.to_id = ctx->to_id;
	arg.whole_file = ctx->whole_file;
	arg.state_dir = ctx->conf.state_dir;
	cmd_hostsedit_opts(ctx, ctx->whole_file ? "rollback-whole-file" : "rollback", NULL, &o);
	hostsedit_result_init(&r);
	rc = hostsedit_run(&o, rollback_compute, &arg, &r, &cause);
	what = xasprintf("rolled back change %ld (%s) in", arg.undone,
	    arg.undone_desc ? arg.undone_desc : "?");
	rc = cmd_report_edit(ctx, rc, cause, &r, what);
	free(what);
	hostsedit_result_release(&r);
	free(arg.undone_desc);
	free(cause);
	return rc;
}

const struct cmd_entry cmd_rollback_entry = {
	"rollback", "",
	"undo the last change to the managed lines, keeping unrelated edits",
	"      --to ID            undo change ID and every later one\n"
	"      --whole-file       restore the exact bytes from before the change\n"
	"      --in-place         rewrite a bind-mounted hosts file in place\n",
	0,
	cmd_rollback_exec,
};
