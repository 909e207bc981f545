/*
 * cmd-apply.c - resolve the targets and write each one's block.
 *
 * Every target is resolved before the lock is taken and anything is
 * written: a source that fails or comes back empty stops the run, so a
 * missing VPN or a bad export never removes entries that are there.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"

struct apply_arg {
	const struct resolved_set *set;
	int bad_input; /* the failure is the input's: exit 2 */
	struct hosts_kept_edits edited; /* kept lines edited by hand, kept as they are */
};

/* A name one target maps to an address another block in the file (one this
 * run does not rewrite) maps elsewhere: the input contradicts the file. */
static int
check_other_blocks(const struct hostsfile *hf, const struct resolved_set *set, char **cause)
{
	struct entry_list other = ENTRY_LIST_INIT;
	size_t b, i, k;
	long at;
	int rc = 0;

	for (b = 0; rc == 0 && b < hf->nblocks; b++) {
		for (i = 0; i < set->n; i++)
			if (strcmp(set->v[i].name, hf->blocks[b].name) == 0)
				break;
		if (i < set->n)
			continue;
		entry_list_init(&other);
		if (hostsfile_block_entries(hf, b, &other, NULL, NULL) == 0)
			for (i = 0; rc == 0 && i < set->n; i++)
				for (k = 0; rc == 0 && k < set->lists[i].n; k++) {
					at = entry_list_find_family(&other, set->lists[i].v[k].name,
					    set->lists[i].v[k].addr.family);
					if (at >= 0 && strcmp(other.v[at].ip, set->lists[i].v[k].ip) != 0)
						rc = set_error(cause, "'%s' maps to %s in target '%s' but "
						    "to %s in block '%s' of the hosts file; remove one of "
						    "them first", set->lists[i].v[k].name,
						    set->lists[i].v[k].ip, set->v[i].name, other.v[at].ip,
						    hf->blocks[b].name);
				}
		entry_list_release(&other);
	}
	return rc;
}

/* The blocks this run writes, one per target. */
static struct block_change *
apply_changes(const struct apply_arg *arg)
{
	struct block_change *changes = xcalloc(arg->set->n + 1, sizeof *changes);
	size_t i;

	for (i = 0; i < arg->set->n; i++) {
		changes[i].target = arg->set->v[i].name;
		changes[i].entries = arg->set->v[i].entries;
	}
	return changes;
}

static int
apply_compute(const struct hostsfile *hf, const char *real_path, const struct state *st,
    struct hosts_out *out, void *varg, char **cause)
{
	struct apply_arg *arg = varg;
	struct block_change *changes;
	int rc;

	(void)real_path;
	(void)st;
	if (check_other_blocks(hf, arg->set, cause) != 0) {
		arg->bad_input = 1;
		return -1;
	}
	changes = apply_changes(arg);
	rc = hostsfile_rewrite_out(hf, changes, arg->set->n, 0, out, &arg->edited, cause);
	free(changes);
	return rc;
}

/* hostsedit's fast path: the file as read already holds every target's
 * block as apply_compute() would write it, and nothing else would change
 * (then check_other_blocks() has no other block to look at either). */
static int
apply_unchanged(const char *data, size_t len, void *varg)
{
	struct apply_arg *arg = varg;
	struct block_change *changes = apply_changes(arg);
	int rc;

	rc = hostsfile_apply_unchanged(data, len, changes, arg->set->n);
	free(changes);
	return rc;
}

/* Resolve the targets and write their blocks; with plan set, compute the
 * change only and let cmd_plan_report() (cmd-plan.c) show it. */
static int
apply_or_plan(struct cmd_ctx *ctx, int plan)
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
	arg.bad_input = 0;
	arg.edited = (struct hosts_kept_edits)HOSTS_KEPT_EDITS_INIT;
	cmd_hostsedit_opts(ctx, "apply", &names, &o);
	if (plan) {
		o.dry_run = 1;
		o.want_after = 1; /* the plan is a diff */
	}
	else
		o.unchanged = apply_unchanged; /* plan shows r.after, even unchanged */
	hostsedit_result_init(&r);
	rc = hostsedit_run(&o, apply_compute, &arg, &r, &cause);
	/* The last computation is the one written (or planned). */
	for (i = 0; rc == 0 && i < arg.edited.n; i++)
		cmd_warn(ctx, "kept line %zu for '%s' was edited by hand; it is kept as it is",
		    arg.edited.v[i].line, arg.edited.v[i].target);
	if (plan)
		rc = cmd_plan_report(ctx, rc, cause, &r);
	else {
		rc = cmd_report_edit(ctx, rc, cause, &r, "updated");
		if (rc == EXIT_OK && r.changed && !ctx->dry_run)
			for (i = 0; i < set.n; i++)
				cmd_info(ctx, "  %s: %zu entries", set.v[i].name, set.lists[i].n);
	}
	if (arg.bad_input && rc == EXIT_FAIL)
		rc = EXIT_USAGE;
	hosts_kept_edits_clear(&arg.edited);
	hostsedit_result_release(&r);
	free(cause);
	strlist_release(&names);
	resolved_set_release(&set);
	return rc;
}

static int
cmd_apply_exec(struct cmd_ctx *ctx)
{
	return apply_or_plan(ctx, 0);
}

int
cmd_plan_exec(struct cmd_ctx *ctx)
{
	return apply_or_plan(ctx, 1);
}

const struct cmd_entry cmd_apply_entry = {
	"apply", "[TARGET...]",
	"resolve the targets' names and write their blocks into the hosts file",
	"      --in-place         rewrite a bind-mounted hosts file in place\n",
	CMDF_TARGETS,
	cmd_apply_exec,
};
