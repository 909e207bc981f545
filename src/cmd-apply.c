/*
 * cmd-apply.c - resolve the targets and write each one's block.
 *
 * Every target is resolved before the lock is taken and anything is
 * written: a source that fails or comes back empty stops the run, so a
 * missing VPN or a bad export never removes entries that are there.
 */
#include "config.h"

#include <stdlib.h>

#include "cmd.h"

struct apply_arg {
	const struct resolved_set *set;
};

static int
apply_compute(const struct hostsfile *hf, const char *real_path, const char *state_dir,
    struct buf *out, void *varg, char **cause)
{
	struct apply_arg *arg = varg;
	struct block_change *changes;
	size_t i;
	int rc;

	(void)real_path;
	(void)state_dir;
	changes = xcalloc(arg->set->n, sizeof *changes);
	for (i = 0; i < arg->set->n; i++) {
		changes[i].target = arg->set->v[i].name;
		changes[i].entries = arg->set->v[i].entries;
	}
	rc = hostsfile_rewrite(hf, changes, arg->set->n, 0, out, cause);
	free(changes);
	return rc;
}

int
cmd_apply_or_plan(struct cmd_ctx *ctx, int plan)
{
	struct resolved_set set;
	struct strlist names = STRLIST_INIT;
	struct hostsedit_opts o;
	struct hostsedit_result r;
	struct apply_arg arg;
	char *cause = NULL;
	size_t i;
	int rc;

	rc = cmd_resolve_targets(ctx, &set);
	if (rc != EXIT_OK)
		return rc;
	for (i = 0; i < set.n; i++)
		strlist_push(&names, set.v[i].name);
	arg.set = &set;
	cmd_hostsedit_opts(ctx, "apply", &names, &o);
	if (plan)
		o.dry_run = 1;
	hostsedit_result_init(&r);
	rc = hostsedit_run(&o, apply_compute, &arg, &r, &cause);
	if (plan)
		rc = cmd_plan_report(ctx, rc, cause, &r);
	else {
		rc = cmd_report_edit(ctx, rc, cause, &r, "updated");
		if (rc == EXIT_OK && r.changed && !ctx->dry_run)
			for (i = 0; i < set.n; i++)
				cmd_info(ctx, "  %s: %zu entries", set.v[i].name, set.lists[i].n);
	}
	hostsedit_result_release(&r);
	free(cause);
	strlist_release(&names);
	resolved_set_release(&set);
	return rc;
}

static int
cmd_apply_exec(struct cmd_ctx *ctx)
{
	return cmd_apply_or_plan(ctx, 0);
}

const struct cmd_entry cmd_apply_entry = {
	"apply", "[TARGET...]",
	"resolve the targets' names and write their blocks into the hosts file",
	"      --in-place         rewrite a bind-mounted hosts file in place\n",
	CMDOPT_ADHOC | CMDOPT_IN_PLACE,
	CMDF_TARGETS,
	cmd_apply_exec,
};
