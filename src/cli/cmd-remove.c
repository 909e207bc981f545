/*
 * cmd-remove.c - take the named blocks out of the hosts file and bring back
 * the lines they had disabled, byte for byte.
 *
 * The targets need not be in the configuration: a block written with an
 * ad-hoc --name, or by a configuration since changed, can still be removed.
 */
#include "config.h"

#include <stdlib.h>

#include "cli/cmd.h"

struct remove_arg {
	const struct strlist *targets;
	struct strlist missing;
	struct strlist known; /* the blocks the file has, for the error */
};

static int
remove_compute(const struct hostsfile *hf, const char *real_path, const struct state *st,
    struct hosts_out *out, void *varg, char **cause)
{
	struct remove_arg *arg = varg;
	struct block_change *changes;
	size_t i, n = 0;
	int rc;

	(void)real_path;
	(void)st;
	strlist_release(&arg->known); /* a retry reads the file again */
	strlist_release(&arg->missing);
	for (i = 0; i < hf->nblocks; i++)
		strlist_push(&arg->known, hf->blocks[i].name);
	changes = xcalloc(arg->targets->n, sizeof *changes);
	for (i = 0; i < arg->targets->n; i++) {
		const char *t = arg->targets->v[i];

		if (hostsfile_find_block(hf, t) < 0 && hostsfile_count_disabled(hf, t) == 0) {
			strlist_push(&arg->missing, t);
			continue;
		}
		changes[n].target = t;
		changes[n++].entries = NULL;
	}
	rc = hostsfile_rewrite_out(hf, changes, n, 0, out, NULL, cause);
	free(changes);
	return rc;
}

static int
cmd_remove_exec(struct cmd_ctx *ctx)
{
	struct remove_arg arg;
	struct hostsedit_opts o;
	struct hostsedit_result r;
	char *cause = NULL;
	size_t i;
	int rc;

	for (i = 0; i < ctx->args.n; i++)
		if (!hosts_target_name_valid(ctx->args.v[i])) {
			cmd_error(ctx, "'%s' is not a valid target name", ctx->args.v[i]);
			return EXIT_USAGE;
		}
	arg.targets = &ctx->args;
	strlist_init(&arg.missing);
	strlist_init(&arg.known);
	cmd_hostsedit_opts(ctx, "remove", &ctx->args, &o);
	hostsedit_result_init(&r);
	rc = hostsedit_run(&o, remove_compute, &arg, &r, &cause);
	if (rc == 0 && arg.missing.n == ctx->args.n) {
		char *names = strlist_join(&arg.missing, "', '");

		char *known = strlist_join(&arg.known, "', '");

		/* A name that is not there is the user's to correct, like
		 * any bad input: exit 2, with the names that are there. */
		cmd_warnings(ctx, &r.warnings);
		if (arg.known.n == 0)
			cmd_error(ctx, "no block '%s' in '%s': it has no amlhosts blocks",
			    names, ctx->conf.hosts_file);
		else
			cmd_error(ctx, "no block '%s' in '%s'; its blocks: '%s'",
			    names, ctx->conf.hosts_file, known);
		free(known);
		free(names);
		rc = EXIT_USAGE;
	} else {
		for (i = 0; rc == 0 && i < arg.missing.n; i++)
			cmd_warn(ctx, "no block '%s' in '%s'", arg.missing.v[i], ctx->conf.hosts_file);
		rc = cmd_report_edit(ctx, rc, cause, &r, "removed blocks from");
	}
	hostsedit_result_release(&r);
	strlist_release(&arg.missing);
	strlist_release(&arg.known);
	free(cause);
	return rc;
}

const struct cmd_entry cmd_remove_entry = {
	"remove", "TARGET...",
	"take the named blocks out and restore the lines they disabled",
	"      --in-place         rewrite a bind-mounted hosts file in place\n",
	CMDF_TARGETS | CMDF_NEEDS_TARGET,
	cmd_remove_exec,
};
