/*
 * cmd-uninstall.c - remove every managed block, restore every line amlhosts
 * disabled, and with --purge delete the state directory too: the hosts file
 * is left as if amlhosts had never run (less a newline it may have added to
 * a last line that had none).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/pathtrust.h"
#include "base/platform.h"
#include "cli/cmd.h"
#include "state/journal.h"

static int
uninstall_compute(const struct hostsfile *hf, const char *real_path, const struct state *st,
    struct hosts_out *out, void *arg, char **cause)
{
	(void)real_path;
	(void)st;
	(void)arg;
	return hostsfile_rewrite_out(hf, NULL, 0, 1, out, NULL, cause);
}

/* --purge: what state_purge_held() did, under the lock the removal took
 * (hostsedit_opts.held): no other run can record a change (and a backup)
 * between the two that the purge would then delete. */
struct purge {
	int ran;
	int failed;
	struct state_purged done;
	char *cause;
};

static void
purge_held(struct state *st, void *arg)
{
	struct purge *p = arg;

	/* Only what amlhosts puts there, never a tree, never through a link
	 * (the state layer, relative to the directories it holds). */
	p->ran = 1;
	p->failed = state_purge_held(st, &p->done, &p->cause) != 0;
}

/* After the removal reported rc: say what the purge deleted, if it ran
 * (only after a removal that succeeded), and forget its cause. */
static int
purge_report(struct cmd_ctx *ctx, int rc, struct purge *p)
{
	if (rc == EXIT_OK && p->ran && p->failed) {
		cmd_error(ctx, "%s", p->cause ? p->cause : "failed");
		rc = EXIT_FAIL;
	}
	free(p->cause);
	p->cause = NULL;
	if (rc != EXIT_OK || !p->ran)
		return rc;
	if (!p->done.dir)
		cmd_info(ctx, "no state directory '%s': nothing to delete", ctx->conf.state_dir);
	else
		cmd_info(ctx, "deleted state directory '%s' (%zu backup%s%s)", ctx->conf.state_dir,
		    p->done.backups, p->done.backups == 1 ? "" : "s",
		    p->done.journal ? " and the journal of changes" : ", no journal");
	return EXIT_OK;
}

/* With no state directory yet, a hosts file without amlhosts lines is left
 * as it is without creating one: a dry run first, and the real run (which
 * creates, locks and journals) only when it would change something. As
 * root, paths another user controls go to the real run, which refuses
 * them. 1 when there is nothing to do, 0 to go on, -1 on failure (*rc). */
static int
nothing_to_do(struct cmd_ctx *ctx, const struct hostsedit_opts *o, int *rc)
{
	struct hostsedit_opts dry = *o;
	struct hostsedit_result r;
	struct stat st;
	char *cause = NULL;
	int ret;

	if (o->dry_run || stat(o->state_dir, &st) == 0 || errno != ENOENT)
		return 0;
#ifndef _WIN32
	if (geteuid() == 0) {
		enum pathtrust t = pathtrust_check_write(o->hosts_file, 1, &cause);

		free(cause);
		cause = NULL;
		if (t != PATHTRUST_OK)
			return 0;
		t = pathtrust_check_write(o->state_dir, 0, &cause);
		free(cause);
		cause = NULL;
		if (t != PATHTRUST_OK && t != PATHTRUST_MISSING)
			return 0;
	}
#endif
	dry.dry_run = 1;
	hostsedit_result_init(&r);
	if (hostsedit_run(&dry, uninstall_compute, NULL, &r, &cause) != 0) {
		*rc = cmd_report_edit(ctx, -1, cause, &r, "");
		ret = -1;
	} else if (r.changed) {
		ret = 0;
	} else {
		cmd_warnings(ctx, &r.warnings);
		cmd_info(ctx, "'%s' has no amlhosts lines: nothing to uninstall", ctx->conf.hosts_file);
		*rc = EXIT_OK;
		ret = 1;
	}
	hostsedit_result_release(&r);
	free(cause);
	return ret;
}

static int
cmd_uninstall_exec(struct cmd_ctx *ctx)
{
	struct hostsedit_opts o;
	struct hostsedit_result r;
	struct purge p;
	char *cause = NULL;
	int rc;

	cmd_hostsedit_opts(ctx, "uninstall", NULL, &o);
	switch (nothing_to_do(ctx, &o, &rc)) {
	case 1:
		/* There was no state directory when it was looked at: one a
		 * run has made since holds that run's change, which came
		 * after this one and is not this purge's to delete. */
		if (ctx->purge)
			cmd_info(ctx, "no state directory '%s': nothing to delete",
			    ctx->conf.state_dir);
		return rc;
	case -1:
		return rc;
	}
	memset(&p, 0, sizeof p);
	if (ctx->purge && !ctx->dry_run) {
		o.held = purge_held;
		o.held_arg = &p;
	}
	hostsedit_result_init(&r);
	rc = hostsedit_run(&o, uninstall_compute, NULL, &r, &cause);
	if (rc == 0 && r.changed && ctx->purge && !ctx->dry_run) {
		/* The backup the usual message names is about to be deleted. */
		cmd_warnings(ctx, &r.warnings);
		cmd_info(ctx, "removed every amlhosts block from '%s' (change %ld)",
		    r.real_path, r.id);
		cmd_log_change(ctx, &r);
		rc = EXIT_OK;
	} else
		rc = cmd_report_edit(ctx, rc, cause, &r, "removed every amlhosts block from");
	hostsedit_result_release(&r);
	free(cause);
	return purge_report(ctx, rc, &p);
}

const struct cmd_entry cmd_uninstall_entry = {
	"uninstall", "",
	"remove every managed block and restore all disabled lines",
	"      --purge            also delete the state directory (backups, journal)\n"
	"      --in-place         rewrite a bind-mounted hosts file in place\n",
	0,
	cmd_uninstall_exec,
};
