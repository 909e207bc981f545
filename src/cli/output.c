/*
 * output.c - what amlhosts prints: messages on standard error and to
 * syslog, and command output on standard output, write errors checked.
 *
 * On Windows standard output is a byte stream like everywhere else when it
 * is a file or a pipe: the C runtime's text mode would turn the CRLF lines
 * of a Windows hosts file into CR CR LF ("amlhosts plan > file"). When it is
 * a console, the console is switched to UTF-8 for the run (messages on
 * standard error too), since everything amlhosts prints is UTF-8 and the
 * console's OEM code page (437, 850) would show "\xc3\xa9" as two signs.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_SYSLOG_H
#include <syslog.h>
#endif

#include "cli/output.h"
/* Windows: no syslog; and its winsock2.h must come before windows.h. */
#include "base/platform.h"
#include "base/quote.h"

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <windows.h>
#endif

#ifdef _WIN32
static UINT console_cp_before;

/* The console belongs to whoever started amlhosts: its code page is theirs
 * again when amlhosts exits. */
static void
console_cp_restore(void)
{
	if (console_cp_before != 0)
		(void)SetConsoleOutputCP(console_cp_before);
}

static int
is_console(DWORD which)
{
	DWORD mode;
	HANDLE h = GetStdHandle(which);

	return h != NULL && h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode) != 0;
}

/* Before main(): the mode must be set before the first byte is written
 * anywhere (stdio cannot change it afterwards), whichever command runs. */
__attribute__((constructor)) static void
output_setup(void)
{
	/* A failure leaves text mode: output still arrives, with CRs added. */
	if (!is_console(STD_OUTPUT_HANDLE))
		(void)_setmode(_fileno(stdout), _O_BINARY);
	if (is_console(STD_OUTPUT_HANDLE) || is_console(STD_ERROR_HANDLE)) {
		console_cp_before = GetConsoleOutputCP();
		if (console_cp_before != CP_UTF8 && SetConsoleOutputCP(CP_UTF8) != 0)
			(void)atexit(console_cp_restore);
		else
			console_cp_before = 0;
	}
}
#endif

/* What each kind of message is: its syslog priority, its prefix on standard
 * error, whether -q silences it; CMD_INFO goes to standard output. */
static const struct {
	int prio;
	const char *prefix;
	int quiet_hides;
} msg_kinds[] = {
	[CMD_MSG_ERROR] = { LOG_ERR, "", 0 },
	[CMD_MSG_WARN] = { LOG_WARNING, "warning: ", 0 },
	[CMD_MSG_NOTE] = { LOG_NOTICE, "note: ", 1 },
	[CMD_MSG_INFO] = { LOG_INFO, "", 1 },
};

void
cmd_msg(struct cmd_ctx *ctx, enum cmd_msg kind, const char *fmt, ...)
{
	va_list ap;
	char *raw, *msg;

	if (ctx->quiet && msg_kinds[kind].quiet_hides)
		return;
	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	if (kind == CMD_MSG_INFO) {
		/* progress for people: command output, as it was written */
		if (output_text(ctx, raw, strlen(raw)) == 0)
			output_text(ctx, "\n", 1);
		msg = raw;
	} else {
		/* A message is one line whatever it quotes: a control character
		 * from the command line or a file (a name with a newline) must
		 * not start a line of its own on the terminal or in syslog.
		 * Sources quote what they show; this is the net under what they
		 * do not, so it keeps the backslashes of their escapes. */
		msg = quote_mem(raw, strlen(raw), 0, QUOTE_KEEP_BACKSLASH);
		free(raw);
		fprintf(stderr, "amlhosts: %s%s\n", msg_kinds[kind].prefix, msg);
	}
	if (ctx->use_syslog)
		syslog(msg_kinds[kind].prio, "%s%s", msg_kinds[kind].prefix, msg);
	free(msg);
}

void
cmd_warnings(struct cmd_ctx *ctx, const struct strlist *warnings)
{
	size_t i;

	for (i = 0; i < warnings->n; i++)
		cmd_warn(ctx, "%s", warnings->v[i]);
}

/* -v traces of Azure requests (from the discovery helper): method, URL,
 * status; never headers. */
void
cmd_trace_http(void *arg, const char *line)
{
	struct cmd_ctx *ctx = arg;

	fprintf(stderr, "amlhosts: http: %s\n", line);
	if (ctx->use_syslog)
		syslog(LOG_DEBUG, "http: %s", line);
}

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
output_json_refused(struct cmd_ctx *ctx, const json_error_t *err, const char *what)
{
	/* jansson checks strings as they go in; memory is its only other
	 * failure. The code, not the text, decides (jansson >= 2.11). */
	if (json_error_code(err) != json_error_invalid_utf8)
		out_of_memory();
	cmd_error(ctx, "cannot write JSON: %s is not UTF-8 text (JSON holds only UTF-8)", what);
	return EXIT_FAIL;
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
