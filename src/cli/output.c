/*
 * output.c - command output on standard output, write errors checked.
 */
#include "config.h"

#include <stdio.h>

#include "cli/output.h"

int
output_text(struct cmd_ctx *ctx, const char *p, size_t n)
{
	if (ctx->output_failed)
		return -1;
	/* stdio buffers: an error may show here or only at output_finish() */
	if (n > 0 && (fwrite(p, 1, n, stdout) != n || ferror(stdout))) {
		cmd_error(ctx, "cannot write to standard output");
		ctx->output_failed = 1;
		return -1;
	}
	return 0;
}

int
output_buf(struct cmd_ctx *ctx, const struct buf *b)
{
	return output_text(ctx, b->data, b->len);
}

int
output_json(struct cmd_ctx *ctx, const json_t *root)
{
	struct buf b = BUF_INIT;
	int rc;

	format_json_text(root, &b);
	rc = output_buf(ctx, &b);
	buf_release(&b);
	return rc;
}

int
output_finish(struct cmd_ctx *ctx)
{
	if (fflush(stdout) == 0 && !ferror(stdout) && !ctx->output_failed)
		return 0;
	/* Syslog may be closed by now: standard error only. */
	if (!ctx->output_failed)
		fprintf(stderr, "amlhosts: cannot write to standard output\n");
	ctx->output_failed = 1;
	return -1;
}
