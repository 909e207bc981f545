/*
 * cmd-resolve.c - print the entries the targets resolve to, touching no
 * file: for a look before applying, for other tools (json, csv) and, with
 * --format json, as a source that --from-json reads back unchanged.
 */
#include "config.h"

#include "cmd.h"

static int
cmd_resolve_exec(struct cmd_ctx *ctx)
{
	struct resolved_set set;
	struct buf out = BUF_INIT;
	enum format f = ctx->format;
	int rc;

	if (ctx->json) {
		if ((ctx->used & CMDOPT_FORMAT) && f != FORMAT_JSON) {
			cmd_error(ctx, "--json and --format %s disagree", f == FORMAT_CSV ? "csv" : "hosts");
			return EXIT_USAGE;
		}
		f = FORMAT_JSON;
	}
	rc = cmd_resolve_targets(ctx, &set);
	if (rc != EXIT_OK)
		return rc;
	format_entries(f, set.v, set.n, &out);
	if (cmd_write_stdout(ctx, &out) != 0)
		rc = EXIT_FAIL;
	buf_release(&out);
	resolved_set_release(&set);
	return rc;
}

const struct cmd_entry cmd_resolve_entry = {
	"resolve", "[TARGET...]",
	"print the resolved entries (hosts, json or csv); change nothing",
	"      --format FORMAT    hosts (default), json or csv\n",
	CMDOPT_ADHOC | CMDOPT_FORMAT,
	CMDF_TARGETS,
	cmd_resolve_exec,
};
