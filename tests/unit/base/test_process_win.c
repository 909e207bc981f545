/*
 * test_process_win.c - process_run() on Windows (process-win32.c), run
 * under Wine by packaging/windows/test: the command-line quoting, then
 * tests/helpers/echo-child.exe (its path in AMLHOSTS_ECHO_CHILD) for
 * stdin, argv, exit codes, the time limit, the output limits, the working
 * directory, the environment and a program that is not there.
 */
#include "config.h"

#include <windows.h>

#include <direct.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/process.h"
#include "base/util.h"
#include "unit/cunit_main.h"

static const char *child_exe;

/* Run echo-child with args (NULL-terminated, after argv[0]); stdout
 * captured up to out_max, stderr up to 16 bytes. */
static int
run_child(char *const *args, const void *in, size_t in_len, long timeout_ms, size_t out_max,
    struct process_result *r, char **cause)
{
	char *argv[16];
	struct process_opts o;
	size_t i;

	argv[0] = "echo-child";
	for (i = 0; args[i] != NULL && i < 14; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	memset(&o, 0, sizeof o);
	o.path = child_exe;
	o.argv = argv;
	o.what = "echo-child";
	o.timeout_ms = timeout_ms;
	o.in = in;
	o.in_len = in_len;
	o.out = PROCESS_CAPTURE;
	o.out_max = out_max;
	o.err = PROCESS_CAPTURE;
	o.err_max = 16;
	process_result_init(r);
	return process_run(&o, r, cause);
}

/* The command line for argv, or "(error)". */
static char *
cmdline(char *const *argv)
{
	struct buf b = BUF_INIT;

	if (process_win_command_line(argv, &b, NULL) < 0) {
		buf_release(&b);
		return xstrdup("(error)");
	}
	return buf_detach(&b, NULL);
}

static void
check_cmdline(const char *arg, const char *want)
{
	char *argv[] = { "C:\\dir x\\prog.exe", (char *)arg, NULL };
	char *got = cmdline(argv);
	char *full = xasprintf("\"C:\\dir x\\prog.exe\" %s", want);

	CU_ASSERT_STRING_EQUAL(got, full);
	if (strcmp(got, full) != 0)
		fprintf(stderr, "\n  arg [%s]: got [%s], want [%s]\n", arg, got, full);
	free(got);
	free(full);
}

static void
test_command_line(void)
{
	char *quote0[] = { "a\"b.exe", NULL };
	char *none[] = { NULL };
	char *only0[] = { "prog", NULL };
	char *got;

	check_cmdline("plain", "plain");
	check_cmdline("", "\"\"");
	check_cmdline("two words", "\"two words\"");
	check_cmdline("tab\there", "\"tab\there\"");
	check_cmdline("say \"hi\"", "\"say \\\"hi\\\"\"");
	/* Backslashes are literal unless a quote follows them. */
	check_cmdline("C:\\a\\b", "C:\\a\\b");
	check_cmdline("C:\\a b\\c", "\"C:\\a b\\c\"");
	check_cmdline("trail\\", "trail\\");
	check_cmdline("trail space\\", "\"trail space\\\\\"");
	check_cmdline("a\\\\\"b", "\"a\\\\\\\\\\\"b\"");
	check_cmdline("\\\"", "\"\\\\\\\"\"");
	got = cmdline(only0);
	CU_ASSERT_STRING_EQUAL(got, "\"prog\"");
	free(got);
	got = cmdline(quote0);
	CU_ASSERT_STRING_EQUAL(got, "(error)");
	free(got);
	got = cmdline(none);
	CU_ASSERT_STRING_EQUAL(got, "(error)");
	free(got);
}

/* Every argument arrives as it was, whatever quoting it needed. */
static void
test_argv_round_trip(void)
{
	char *args[] = { "args", "plain", "with space", "", "q\"uote", "back\\slash", "tail\\",
		"sp tail\\", "\\\\\"", "tab\there", "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93",
		"\"\"", NULL };
	struct process_result r;
	struct buf want = BUF_INIT;
	char *cause = NULL;
	size_t i;

	for (i = 1; args[i] != NULL; i++)
		buf_append(&want, args[i], strlen(args[i]) + 1);
	CU_ASSERT_EQUAL(run_child(args, NULL, 0, 10000, 4096, &r, &cause), 0);
	CU_ASSERT_EQUAL(r.end, PROCESS_EXITED);
	CU_ASSERT_EQUAL(r.code, 0);
	CU_ASSERT_EQUAL(r.out.len, want.len);
	CU_ASSERT(r.out.len == want.len && memcmp(r.out.data, want.data, want.len) == 0);
	buf_release(&want);
	process_result_release(&r);
	free(cause);
}

/* 1 MiB in and out at once: the child writes while we still write its
 * input, which deadlocks unless both sides are served concurrently. */
static void
test_stdin_round_trip(void)
{
	char *args[] = { "echo", NULL };
	size_t n = 1024 * 1024, i;
	char *in = xmalloc(n);
	struct process_result r;
	char *cause = NULL;

	for (i = 0; i < n; i++)
		in[i] = (char)(i * 7 + i / 251);
	CU_ASSERT_EQUAL(run_child(args, in, n, 20000, n, &r, &cause), 0);
	CU_ASSERT_EQUAL(r.end, PROCESS_EXITED);
	CU_ASSERT_EQUAL(r.out.len, n);
	CU_ASSERT(r.out.len == n && memcmp(r.out.data, in, n) == 0);
	if (cause != NULL)
		fprintf(stderr, "\n  %s\n", cause);
	process_result_release(&r);
	free(cause);
	free(in);
}

/* Without input the child's stdin is NUL: it reads end of file at once. */
static void
test_no_stdin(void)
{
	char *args[] = { "echo", NULL };
	struct process_result r;
	char *cause = NULL;

	CU_ASSERT_EQUAL(run_child(args, NULL, 0, 10000, 100, &r, &cause), 0);
	CU_ASSERT_EQUAL(r.end, PROCESS_EXITED);
	CU_ASSERT_EQUAL(r.out.len, 0);
	process_result_release(&r);
	free(cause);
}

/* Input the child never reads (more than a pipe holds): its exit breaks
 * the pipe and ends the feeding; the exit code is what counts. */
static void
test_exit_code_and_stderr(void)
{
	char *args[] = { "exit", "7", NULL };
	size_t n = 1024 * 1024;
	char *unread = xcalloc(n, 1);
	struct process_result r;
	char *cause = NULL;

	CU_ASSERT_EQUAL(run_child(args, unread, n, 10000, 100, &r, &cause), 0);
	free(unread);
	CU_ASSERT_EQUAL(r.end, PROCESS_EXITED);
	CU_ASSERT_EQUAL(r.code, 7);
	CU_ASSERT_STRING_EQUAL(r.errout.data, "bye\n");
	process_result_release(&r);
	free(cause);
}

/* The limit ends the child and what it started (the Job object): the
 * grandchild holds stdout open, so without the job the run would wait for
 * its 30 s. */
static void
test_timeout_kills_the_tree(void)
{
	char *args[] = { "spawn", "30000", NULL };
	struct process_result r;
	char *cause = NULL;
	ULONGLONG start = GetTickCount64(), took;
	unsigned long pid;
	HANDLE h;

	CU_ASSERT_EQUAL(run_child(args, NULL, 0, 1000, 100, &r, &cause), -1);
	took = GetTickCount64() - start;
	CU_ASSERT_EQUAL(r.end, PROCESS_TIMED_OUT);
	CU_ASSERT(cause != NULL && strcmp(cause, "'echo-child' did not finish within 1 s "
	    "and was stopped") == 0);
	CU_ASSERT(took < 2000); /* the limit and a second */
	if (took >= 2000)
		fprintf(stderr, "\n  took %llu ms\n", (unsigned long long)took);
	pid = strtoul(r.out.data != NULL ? r.out.data : "0", NULL, 10);
	CU_ASSERT(pid != 0);
	h = OpenProcess(SYNCHRONIZE, FALSE, (DWORD)pid);
	if (h != NULL) {
		CU_ASSERT_EQUAL(WaitForSingleObject(h, 1000), WAIT_OBJECT_0);
		CloseHandle(h);
	}
	process_result_release(&r);
	free(cause);
}

static void
test_too_much_output(void)
{
	char *args[] = { "flood", "1000000", NULL };
	struct process_result r;
	char *cause = NULL;

	CU_ASSERT_EQUAL(run_child(args, NULL, 0, 20000, 1000, &r, &cause), -1);
	CU_ASSERT_EQUAL(r.end, PROCESS_TOO_MUCH_OUTPUT);
	CU_ASSERT(cause != NULL && strcmp(cause, "'echo-child' printed more than 1000 bytes") == 0);
	process_result_release(&r);
	free(cause);
}

/* Much on both streams at once, stdout within its limit: all of stdout,
 * the first err_max bytes of stderr. */
static void
test_both_streams(void)
{
	char *args[] = { "flood", "300000", NULL };
	struct process_result r;
	char *cause = NULL;

	CU_ASSERT_EQUAL(run_child(args, NULL, 0, 20000, 300000, &r, &cause), 0);
	CU_ASSERT_EQUAL(r.end, PROCESS_EXITED);
	CU_ASSERT_EQUAL(r.out.len, 300000);
	CU_ASSERT_EQUAL(r.errout.len, 16);
	CU_ASSERT_STRING_EQUAL(r.errout.data, "eeeeeeeeeeeeeeee");
	process_result_release(&r);
	free(cause);
}

/* An inheritable handle of ours that is not one of the three does not
 * reach the child (the handle list): the child's SetEvent on its value
 * fails, or hits a handle of its own, never our event. */
static void
test_no_handle_leaks(void)
{
	SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, TRUE };
	HANDLE ev = CreateEventW(&sa, TRUE, FALSE, NULL);
	char value[32];
	char *args[] = { "setevent", value, NULL };
	struct process_result r;
	char *cause = NULL;

	CU_ASSERT_FATAL(ev != NULL);
	snprintf(value, sizeof value, "%llu", (unsigned long long)(uintptr_t)ev);
	CU_ASSERT_EQUAL(run_child(args, NULL, 0, 10000, 100, &r, &cause), 0);
	CU_ASSERT_EQUAL(r.end, PROCESS_EXITED);
	CU_ASSERT_EQUAL(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);
	CloseHandle(ev);
	process_result_release(&r);
	free(cause);
}

static void
test_not_found(void)
{
	const char *prefix = "cannot run 'C:\\no\\such\\dir\\nothing.exe': ";
	char *argv[] = { "nothing", NULL };
	struct process_opts o;
	struct process_result r;
	char *cause = NULL;

	memset(&o, 0, sizeof o);
	o.path = "C:\\no\\such\\dir\\nothing.exe";
	o.argv = argv;
	process_result_init(&r);
	CU_ASSERT_EQUAL(process_run(&o, &r, &cause), -1);
	CU_ASSERT_EQUAL(r.end, PROCESS_NOT_FOUND);
	CU_ASSERT_EQUAL(r.err, ENOENT);
	CU_ASSERT(cause != NULL && strncmp(cause, prefix, strlen(prefix)) == 0);
	process_result_release(&r);
	free(cause);
}

/* Another user cannot be switched to here: refused, not run as us. */
static void
test_other_user_refused(void)
{
	char *argv[] = { "echo-child", "args", "ran", NULL };
	struct process_user u;
	struct process_opts o;
	struct process_result r;
	char *cause = NULL;

	memset(&u, 0, sizeof u);
	u.change = 1;
	memset(&o, 0, sizeof o);
	o.path = child_exe;
	o.argv = argv;
	o.user = &u;
	o.out = PROCESS_CAPTURE;
	o.out_max = 100;
	process_result_init(&r);
	CU_ASSERT_EQUAL(process_run(&o, &r, &cause), -1);
	CU_ASSERT_EQUAL(r.end, PROCESS_CANNOT_RUN);
	CU_ASSERT_EQUAL(r.err, EINVAL);
	CU_ASSERT_EQUAL(r.out.len, 0);
	CU_ASSERT(cause != NULL && strstr(cause, "as another user on Windows") != NULL);
	process_result_release(&r);
	free(cause);
}

/* The program run is the file its path names to the C runtime and the
 * ...A calls (the ANSI code page), not another one: a directory whose
 * name's bytes also read as UTF-8 ("\xc3\xa9": "\u00c3\u00a9" in
 * Windows-1252, the code page of a test without the manifest, or "\u00e9"). */
static void
test_path_in_code_page(void)
{
	char tmp[MAX_PATH + 1], *dir, *exe;
	char *argv[] = { "echo-child", "args", "ok", NULL };
	struct process_opts o;
	struct process_result r;
	char *cause = NULL;
	DWORD n = GetTempPathA(sizeof tmp, tmp);

	CU_ASSERT_FATAL(n > 0 && n < sizeof tmp);
	dir = xasprintf("%samlhosts-test-\xc3\xa9-%lu", tmp, (unsigned long)GetCurrentProcessId());
	exe = xasprintf("%s\\echo-child.exe", dir);
	CU_ASSERT_FATAL(_mkdir(dir) == 0 && CopyFileA(child_exe, exe, FALSE));
	memset(&o, 0, sizeof o);
	o.path = exe;
	o.argv = argv;
	o.out = PROCESS_CAPTURE;
	o.out_max = 100;
	process_result_init(&r);
	CU_ASSERT_EQUAL(process_run(&o, &r, &cause), 0);
	CU_ASSERT_EQUAL(r.end, PROCESS_EXITED);
	CU_ASSERT(r.out.len == 3 && memcmp(r.out.data, "ok", 3) == 0);
	if (cause != NULL)
		fprintf(stderr, "\n  %s\n", cause);
	process_result_release(&r);
	free(cause);
	CU_ASSERT(DeleteFileA(exe) && _rmdir(dir) == 0);
	free(exe);
	free(dir);
}

static void
test_cwd_and_env(void)
{
	char *cwd_args[] = { "echo-child", "cwd", NULL };
	char *env_args[] = { "echo-child", "env", "alpha", NULL };
	char *env_utf8[] = { "echo-child", "env", "Mid", NULL };
	char *envp[] = { "ZED=last", "alpha=first", "Mid=\xc3\xa9t\xc3\xa9", NULL };
	struct process_opts o;
	struct process_result r;
	char *cause = NULL;

	memset(&o, 0, sizeof o);
	o.path = child_exe;
	o.argv = cwd_args;
	o.cwd = "C:\\";
	o.out = PROCESS_CAPTURE;
	o.out_max = 1000;
	process_result_init(&r);
	CU_ASSERT_EQUAL(process_run(&o, &r, &cause), 0);
	CU_ASSERT_STRING_EQUAL(r.out.data, "C:\\");
	process_result_release(&r);

	o.cwd = NULL;
	o.envp = envp;
	o.argv = env_args;
	process_result_init(&r);
	CU_ASSERT_EQUAL(process_run(&o, &r, &cause), 0);
	CU_ASSERT_STRING_EQUAL(r.out.data, "first");
	process_result_release(&r);
	o.argv = env_utf8;
	process_result_init(&r);
	CU_ASSERT_EQUAL(process_run(&o, &r, &cause), 0);
	CU_ASSERT_STRING_EQUAL(r.out.data, "\xc3\xa9t\xc3\xa9");
	process_result_release(&r);
	free(cause);
}

static const struct unit_test quoting_tests[] = {
	{ "command line", test_command_line },
	{ NULL, NULL }
};
static const struct unit_test run_tests[] = {
	{ "argv round trip", test_argv_round_trip },
	{ "stdin round trip, 1 MiB", test_stdin_round_trip },
	{ "no stdin", test_no_stdin },
	{ "exit code and stderr", test_exit_code_and_stderr },
	{ "timeout kills the tree", test_timeout_kills_the_tree },
	{ "too much output", test_too_much_output },
	{ "both streams", test_both_streams },
	{ "no handle leaks", test_no_handle_leaks },
	{ "not found", test_not_found },
	{ "path in the code page", test_path_in_code_page },
	{ "another user refused", test_other_user_refused },
	{ "cwd and env", test_cwd_and_env },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "process_win_command_line", quoting_tests },
	{ "process_run (Windows)", run_tests },
	{ NULL, NULL }
};

int
main(void)
{
	child_exe = getenv("AMLHOSTS_ECHO_CHILD");
	if (child_exe == NULL || child_exe[0] == '\0') {
		fprintf(stderr, "test_process_win: SKIP: AMLHOSTS_ECHO_CHILD is not set "
		    "(packaging/windows/test sets it to the echo-child.exe it built)\n");
		return 77;
	}
	return unit_run(suites);
}
