/*
 * output.h - the one place command output reaches standard output.
 *
 * Messages go to standard error (cmd_error() and friends); what a command
 * prints for people or scripts (tables, diffs, JSON, resolve's formats,
 * progress lines of cmd_info()) goes through here, so that a write error -
 * a full disk behind "amlhosts resolve > file" - is reported once and turns
 * the exit status into 1 instead of looking like success.
 */
#ifndef AMLHOSTS_OUTPUT_H
#define AMLHOSTS_OUTPUT_H

#include <stddef.h>

#include <jansson.h>

#include "cli/cmd.h"

/* Write [p, p+n) to standard output: 0, or -1 after reporting the error
 * (once per run; output_finish() then fails too). */
int output_text(struct cmd_ctx *ctx, const char *p, size_t n);
/* output_text() of a buffer's contents. */
int output_buf(struct cmd_ctx *ctx, const struct buf *b);
/* root as JSON (format_json_text()); root stays the caller's. */
int output_json(struct cmd_ctx *ctx, const json_t *root);
/* jansson returned NULL for json_pack_ex() (err) from strings not checked
 * before: it refuses text that is not UTF-8 (a path or a hosts file line in
 * another encoding), reported here as an encoding error naming what, and
 * EXIT_FAIL returned; any other failure is out of memory. */
int output_json_refused(struct cmd_ctx *ctx, const json_error_t *err, const char *what);
/* At exit: flush standard output; 0, or -1 if a write failed now or before
 * (reported on standard error if it was not yet). */
int output_finish(struct cmd_ctx *ctx);

#endif
