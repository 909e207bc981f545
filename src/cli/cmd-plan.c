/*
 * cmd-plan.c - show, as a unified diff, what apply would change.
 *
 * It is apply with the write left out (and no lock, so it runs without
 * privileges against any readable hosts file); --exit-code lets scripts
 * and monitoring ask "is the hosts file current?".
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cmd.h"
#include "cli/output.h"

static void
count_diff_lines(const struct buf *d, size_t *added, size_t *removed)
{
	const char *p = d->data, *end, *nl;

	*added = *removed = 0;
	/* An empty diff may have no buffer at all: NULL + 0 is undefined. */
	if (p == NULL)
		return;
	end = p + d->len;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (p[0] == '+' && strncmp(p, "+++ ", 4) != 0)
			(*added)++;
		else if (p[0] == '-' && strncmp(p, "--- ", 4) != 0)
			(*removed)++;
	}
}

int
cmd_plan_report(struct cmd_ctx *ctx, int rc, char *cause, struct hostsedit_result *r)
{
	struct buf d = BUF_INIT;
	size_t added, removed;
	json_error_t jerr;
	json_t *j;
	int out = 0;

	cmd_warnings(ctx, &r->warnings);
	if (rc != 0) {
		cmd_error(ctx, "%s", cause ? cause : "failed");
		return EXIT_FAIL;
	}
	cmd_diff(ctx, r, &d);
	if (ctx->json) {
		count_diff_lines(&d, &added, &removed);
		j = json_pack_ex(&jerr, 0, "{s:s, s:b, s:I, s:I, s:s}", "hosts_file",
		    r->real_path, "pending", r->changed, "lines_added", (json_int_t)added,
		    "lines_removed", (json_int_t)removed, "diff", d.data ? d.data : "");
		if (j == NULL) {
			out = output_json_refused(ctx, &jerr, "the hosts file's path or a line of it");
			buf_release(&d);
			return out;
		}
		out = output_json(ctx, j);
		json_decref(j);
	} else if (r->changed)
		out = output_buf(ctx, &d);
	else
		cmd_info(ctx, "'%s' is up to date: nothing to change", r->real_path);
	buf_release(&d);
	if (out != 0)
		return EXIT_FAIL;
	if (ctx->exit_code_opt && r->changed)
		return EXIT_PENDING;
	return EXIT_OK;
}

const struct cmd_entry cmd_plan_entry = {
	"plan", "[TARGET...]",
	"print the unified diff that apply would make; change nothing",
	"      --exit-code        exit 3 when changes are pending, 0 when none\n",
	CMDF_TARGETS,
	cmd_plan_exec,
};
