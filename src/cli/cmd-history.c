/*
 * cmd-history.c - list the recorded changes to the hosts file, with the IDs
 * rollback --to takes and whether each backup is still kept.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "state/atomicfile.h"
#include "cli/cmd.h"
#include "cli/output.h"
#include "state/journal.h"
#include "state/statedir.h"
#include "base/platform.h"

/* The text table: header and rows share the columns. */
#define HISTORY_ROW "%-5s %-20s %-20s %-24s %s\n"

static int
cmd_history_exec(struct cmd_ctx *ctx)
{
	struct journal j = { NULL, 0 };
	struct state st;
	char *cause = NULL, *real, *backup, when[32], id[24];
	struct buf text = BUF_INIT;
	json_error_t jerr;
	json_t *arr = NULL;
	size_t i, shown = 0;
	int kept, rc = EXIT_FAIL;

	/* Records name the real file; a symlinked path must match them. */
	real = realpath(ctx->conf.hosts_file, NULL);
	if (real == NULL)
		real = xstrdup(ctx->conf.hosts_file);
	/* The state directory opened once, read-only and unlocked (history
	 * writes nothing): the journal and the kept column come from the same
	 * directory, whatever is swapped on its path meanwhile. None yet:
	 * no recorded changes. */
	state_init(&st);
	if (state_open_read(&st, ctx->conf.state_dir, &cause) < 0 ||
	    journal_read_held(&st, ctx->conf.state_dir, &j, &cause) != 0) {
		cmd_error(ctx, "%s", cause);
		goto out;
	}
	if (ctx->json && (arr = json_array()) == NULL)
		out_of_memory();
	else if (!ctx->json && !ctx->quiet)
		buf_printf(&text, HISTORY_ROW, "ID", "TIME (UTC)", "COMMAND", "TARGETS", "BACKUP");
	for (i = 0; i < j.n; i++) {
		const struct journal_record *r = &j.v[i];

		if (strcmp(r->hosts, real) != 0)
			continue;
		shown++;
		backup = statedir_backup_path(ctx->conf.state_dir, r->id);
		kept = state_backup_kept(&st, r->id);
		journal_format_time(r->time, when);
		if (ctx->json) {
			json_t *o = json_pack_ex(&jerr, 0, "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s?}",
			    "id", (json_int_t)r->id, "time", when, "command", r->command,
			    "targets", r->targets, "hosts_file", r->hosts,
			    "sha256_before", r->before, "sha256_after", r->after,
			    "backup", kept ? backup : NULL);

			if (o == NULL) {
				free(backup);
				rc = output_json_refused(ctx, &jerr, "a recorded path or target");
				goto out;
			}
			if (json_array_append_new(arr, o) != 0)
				out_of_memory();
		} else if (!ctx->quiet) {
			snprintf(id, sizeof id, "%ld", r->id);
			buf_printf(&text, HISTORY_ROW, id, when, r->command, r->targets,
			    kept ? "kept" : "pruned");
		}
		free(backup);
	}
	if ((ctx->json ? output_json(ctx, arr) : output_buf(ctx, &text)) != 0)
		goto out;
	if (!ctx->json && shown == 0)
		cmd_info(ctx, "no recorded changes to '%s'", real);
	rc = EXIT_OK;
out:
	buf_release(&text);
	json_decref(arr);
	journal_release(&j);
	state_close(&st);
	free(cause);
	free(real);
	return rc;
}

const struct cmd_entry cmd_history_entry = {
	"history", "",
	"list recorded changes with their IDs, time, command and targets",
	NULL,
	0,
	cmd_history_exec,
};
