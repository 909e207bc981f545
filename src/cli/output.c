/*
 * output.c - command output on standard output, write errors checked.
 *
 * On Windows standard output is a byte stream like everywhere else when it
 * is a file or a pipe: the C runtime's text mode would turn the CRLF lines
 * of a Windows hosts file into CR CR LF ("amlhosts plan > file"). When it is
 * a console, the console is switched to UTF-8 for the run (messages on
 * standard error too), since everything amlhosts prints is UTF-8 and the
 * console's OEM code page (437, 850) would show "\xc3\xa9" as two signs.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <windows.h>
#endif

#include "cli/output.h"

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
