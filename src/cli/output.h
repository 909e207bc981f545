/*
 * output.h - what amlhosts prints: messages on standard error (and syslog),
 * and the one place command output reaches standard output.
 *
 * Messages ("amlhosts: ...", cmd_error() and friends) say what happened;
 * what a command prints for people or scripts (tables, diffs, JSON,
 * resolve's formats, progress lines of cmd_info()) goes through output_*(),
 * so that a write error - a full disk behind "amlhosts resolve > file" - is
 * reported once and turns the exit status into 1 instead of looking like
 * success. The commands (cmd.h) call down to here; nothing here calls them.
 */
#ifndef AMLHOSTS_OUTPUT_H
#define AMLHOSTS_OUTPUT_H

#include <stddef.h>

#include <jansson.h>

#include "cli/ctx.h"

/* Messages: "amlhosts: ..." on stderr, and to syslog with --syslog;
 * CMD_MSG_INFO is progress for people on stdout. Notes and progress are
 * silent with -q. */
enum cmd_msg {
	CMD_MSG_ERROR,
	CMD_MSG_WARN,  /* "warning: " */
	CMD_MSG_NOTE,  /* "note: " */
	CMD_MSG_INFO,
};
void cmd_msg(struct cmd_ctx *ctx, enum cmd_msg kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define cmd_error(ctx, ...) cmd_msg((ctx), CMD_MSG_ERROR, __VA_ARGS__)
#define cmd_warn(ctx, ...) cmd_msg((ctx), CMD_MSG_WARN, __VA_ARGS__)
#define cmd_note(ctx, ...) cmd_msg((ctx), CMD_MSG_NOTE, __VA_ARGS__)
#define cmd_info(ctx, ...) cmd_msg((ctx), CMD_MSG_INFO, __VA_ARGS__)
void cmd_warnings(struct cmd_ctx *ctx, const struct strlist *warnings);
/* A -v trace line of the discovery helper ("http: GET ... -> 200"). */
void cmd_trace_http(void *arg, const char *line);

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
