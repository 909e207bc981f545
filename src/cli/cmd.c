/*
 * cmd.c - the command table and what commands share: target selection and
 * resolution, and reporting a change to the hosts file (messages and output:
 * output.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/output.h"
#include "hosts/diff.h"
#include "base/platform.h" /* DEFAULT_CONFIG_FILE */
#include "source/source.h"

const struct cmd_entry *const cmd_table[] = {
	&cmd_apply_entry,
	&cmd_plan_entry,
	&cmd_resolve_entry,
	&cmd_forwarders_entry,
	&cmd_status_entry,
	&cmd_verify_entry,
	&cmd_remove_entry,
	&cmd_uninstall_entry,
	&cmd_rollback_entry,
	&cmd_history_entry,
	&cmd_discover_entry,
	NULL
};

const struct cmd_entry *
cmd_find(const char *name)
{
	size_t i;

	for (i = 0; cmd_table[i] != NULL; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

void
resolved_set_release(struct resolved_set *s)
{
	size_t i;

	/* n counts the targets resolved so far: wild (the second half of
	 * lists' allocation) starts at the number selected, not at n. */
	for (i = 0; i < s->n; i++) {
		entry_list_release(&s->lists[i]);
		entry_list_release(&s->wild[i]);
	}
	free(s->lists);
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* One name at two addresses in two targets would make the hosts file answer
 * differently depending on line order: refuse it before writing anything. */
static int
check_across_targets(struct cmd_ctx *ctx, const struct resolved_set *s)
{
	size_t i, j, k;
	long at;

	for (i = 0; i < s->n; i++)
		for (j = i + 1; j < s->n; j++)
			for (k = 0; k < s->lists[j].n; k++) {
				at = entry_list_find_family(&s->lists[i], s->lists[j].v[k].name,
				    s->lists[j].v[k].addr.family);
				if (at >= 0 && strcmp(s->lists[i].v[at].ip, s->lists[j].v[k].ip) != 0) {
					cmd_error(ctx, "'%s' maps to %s in target '%s' and to %s in "
					    "target '%s'", s->lists[j].v[k].name, s->lists[i].v[at].ip,
					    s->v[i].name, s->lists[j].v[k].ip, s->v[j].name);
					return -1;
				}
			}
	return 0;
}

/*
 * The wildcards no online endpoint name replaced, said once for the run in
 * one line, where they are lost: the hosts file (apply, plan) and resolve
 * formats that cannot hold one. verify checks names, not wildcards.
 */
static void
wildcard_note(struct cmd_ctx *ctx, const struct resolved_set *s)
{
	struct buf w = BUF_INIT;
	char *where;
	size_t i, j, n = 0;

	if (ctx->cmd_name == cmd_verify_entry.name || format_holds_wildcards(ctx->format))
		return;
	for (i = 0; i < s->n; i++)
		for (j = 0; j < s->wild[i].n; j++)
			buf_printf(&w, "%s'%s' (%s)", n++ > 0 ? ", " : "", s->wild[i].v[j].name,
			    s->wild[i].v[j].ip);
	if (n > 0) {
		where = ctx->format == FORMAT_HOSTS ? xstrdup("a hosts file") :
		    xasprintf("--format %s", format_name(ctx->format));
		cmd_note(ctx, "%s %s a wildcard, which %s cannot hold; name your online "
		    "endpoints with %s", w.data, n > 1 ? "are each" : "is", where,
		    ctx->adhoc_name != NULL ? "--online-endpoint NAME" :
		    "'online_endpoints = NAME, ...' in the target's section");
		free(where);
	}
	buf_release(&w);
}

int
cmd_resolve_targets(struct cmd_ctx *ctx, struct resolved_set *out)
{
	struct config *c = &ctx->conf;
	struct source_ctx sc;
	struct target_conf **sel;
	struct strlist notes = STRLIST_INIT;
	char *cause = NULL;
	size_t i, n = 0, j;
	enum source_error err;
	int rc = EXIT_USAGE;

	memset(out, 0, sizeof *out);
	source_ctx_init(&sc, c, ctx->verbose, cmd_trace_http, ctx);
	sel = xcalloc(c->ntargets + ctx->args.n + 1, sizeof *sel);
	if (ctx->adhoc_name != NULL) {
		sel[n++] = config_find_target(c, ctx->adhoc_name);
	} else if (ctx->args.n > 0) {
		for (i = 0; i < ctx->args.n; i++) {
			struct target_conf *t = config_find_target(c, ctx->args.v[i]);

			if (t == NULL) {
				cmd_error(ctx, "no target '%s' in %s", ctx->args.v[i],
				    c->path ? c->path : "the configuration (no configuration file was read)");
				goto out;
			}
			for (j = 0; j < n; j++)
				if (sel[j] == t)
					break;
			if (j == n)
				sel[n++] = t;
		}
	} else {
		for (i = 0; i < c->ntargets; i++)
			sel[n++] = &c->targets[i];
	}
	/* One helper run for all the targets that ask Azure. */
	source_ctx_targets(&sc, sel, n);
	if (n == 0) {
		if (c->path != NULL)
			cmd_error(ctx, "no targets: %s has no [workspace NAME] section; "
			    "add one, or try 'amlhosts %s --name NAME --from-json FILE'",
			    c->path, ctx->cmd_name);
		else
			cmd_error(ctx, "no targets: no configuration file was read (default "
			    DEFAULT_CONFIG_FILE "); write one, or try 'amlhosts %s --name NAME "
			    "--from-json FILE'", ctx->cmd_name);
		goto out;
	}
	out->v = xcalloc(n, sizeof *out->v);
	out->lists = xcalloc(2 * n, sizeof *out->lists);
	out->wild = out->lists + n;
	for (i = 0; i < n; i++) {
		entry_list_init(&out->lists[i]);
		entry_list_init(&out->wild[i]);
		out->v[i].name = sel[i]->name;
		out->v[i].entries = &out->lists[i];
		out->v[i].wildcards = &out->wild[i];
		out->n++;
		err = source_resolve_target_wildcards(&sc, sel[i], &out->lists[i], &out->wild[i],
		    &notes, &cause);
		for (j = 0; j < notes.n; j++)
			cmd_note(ctx, "%s", notes.v[j]);
		strlist_release(&notes);
		if (err != SOURCE_OK) {
			cmd_error(ctx, "%s", cause);
			rc = err == SOURCE_FAILED ? EXIT_FAIL : EXIT_USAGE;
			goto out;
		}
		if (ctx->verbose)
			cmd_note(ctx, "target '%s': %zu entries", sel[i]->name, out->lists[i].n);
	}
	if (check_across_targets(ctx, out) != 0)
		goto out;
	wildcard_note(ctx, out);
	rc = EXIT_OK;
out:
	{
		unsigned long nreq, nconn;
		const char *token_from;

		if (ctx->verbose && source_azure_stats(&sc, &nreq, &nconn, &token_from))
			cmd_note(ctx, "Azure: %lu requests over %lu connections%s%s", nreq,
			    nconn, token_from ? ", token from " : "", token_from ? token_from : "");
	}
	source_ctx_release(&sc);
	if (rc != EXIT_OK)
		resolved_set_release(out);
	free(cause);
	free(sel);
	return rc;
}

void
cmd_hostsedit_opts(struct cmd_ctx *ctx, const char *command,
    const struct strlist *targets, struct hostsedit_opts *o)
{
	memset(o, 0, sizeof *o);
	o->hosts_file = ctx->conf.hosts_file;
	o->state_dir = ctx->conf.state_dir;
	o->command = command;
	o->targets = targets;
	o->lock_timeout = ctx->conf.lock_timeout;
	o->keep_backups = ctx->conf.keep_backups;
	o->in_place = ctx->in_place || ctx->conf.write_mode == WRITE_IN_PLACE;
	o->dry_run = ctx->dry_run;
	o->flush_dns = ctx->conf.flush_dns;
	/* The diff of a dry run and the syslog line read the new bytes. */
	o->want_after = ctx->dry_run || ctx->use_syslog;
}

void
cmd_diff(struct cmd_ctx *ctx, const struct hostsedit_result *r, struct buf *out)
{
	const char *path = r->real_path ? r->real_path : ctx->conf.hosts_file;
	char *newname = xasprintf("%s (planned)", path);

	diff_unified(r->before.data ? r->before.data : "", r->before.len,
	    r->after.data ? r->after.data : "", r->after.len, path, newname, out);
	free(newname);
}

void
cmd_print_diff(struct cmd_ctx *ctx, const struct hostsedit_result *r)
{
	struct buf d = BUF_INIT;

	cmd_diff(ctx, r, &d);
	output_buf(ctx, &d);
	buf_release(&d);
}

int
cmd_report_edit(struct cmd_ctx *ctx, int rc, char *cause, struct hostsedit_result *r,
    const char *what)
{
	cmd_warnings(ctx, &r->warnings);
	if (rc != 0) {
		if (ctx->verbose && r->failed_step != ATOMICFILE_STEP_NONE)
			cmd_note(ctx, "failed step: %s", atomicfile_step_name(r->failed_step));
		cmd_error(ctx, "%s", cause ? cause : "failed");
		/* a path root must not trust is the user's to fix, like bad input */
		return r->error == HOSTSEDIT_ERR_UNTRUSTED_PATH ? EXIT_USAGE : EXIT_FAIL;
	}
	if (!r->changed) {
		cmd_info(ctx, "'%s' is up to date: nothing to change", ctx->conf.hosts_file);
		return EXIT_OK;
	}
	if (ctx->dry_run) {
		cmd_print_diff(ctx, r);
		cmd_info(ctx, "dry run: '%s' was not changed", ctx->conf.hosts_file);
		return EXIT_OK;
	}
	cmd_info(ctx, "%s '%s' (change %ld; previous contents in '%s')", what,
	    r->real_path, r->id, r->backup);
	cmd_log_change(ctx, r);
	return EXIT_OK;
}
