/*
 * test_process_stdin.c - process_run() with data for the child's stdin
 * (struct process_opts in/in_len): all of it arrives, even when it is far
 * larger than a pipe holds while the child's output is large too (no
 * deadlock), and a child that exits without reading it costs us neither
 * SIGPIPE nor a hang.
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/process.h"
#include "base/util.h"
#include "unit/cunit_main.h"

static int
run_with_input(const char *script, const void *in, size_t in_len, struct process_result *r,
    char **cause)
{
	char *argv[] = { "sh", "-c", (char *)script, NULL };
	struct process_opts o;

	memset(&o, 0, sizeof o);
	o.path = "/bin/sh";
	o.argv = argv;
	o.timeout_ms = 20000;
	o.out = PROCESS_CAPTURE;
	o.out_max = 4u * 1024 * 1024;
	o.err = PROCESS_CAPTURE;
	o.err_max = 100;
	o.in = in;
	o.in_len = in_len;
	process_result_init(r);
	return process_run(&o, r, cause);
}

/* 1 MiB through cat: every byte comes back, in order. cat writes as it
 * reads, so both pipes are full at once unless we feed and drain together. */
static void
test_echo_large(void)
{
	size_t n = 1024 * 1024, i;
	char *in = xmalloc(n), *cause = NULL;
	struct process_result r;

	for (i = 0; i < n; i++)
		in[i] = (char)('a' + i % 26);
	CU_ASSERT_EQUAL(run_with_input("cat", in, n, &r, &cause), 0);
	CU_ASSERT_EQUAL(r.end, PROCESS_EXITED);
	CU_ASSERT_EQUAL(r.code, 0);
	CU_ASSERT_EQUAL(r.out.len, n);
	CU_ASSERT(r.out.len == n && memcmp(r.out.data, in, n) == 0);
	process_result_release(&r);
	free(in);
	free(cause);
}

/* A child that reads nothing and exits: its status is the answer, and we
 * are still alive (SIGPIPE ignored during the run, restored after). */
static void
test_child_ignores_input(void)
{
	size_t n = 512 * 1024;
	char *in = xcalloc(n, 1), *cause = NULL;
	struct process_result r;
	struct sigaction sa;

	CU_ASSERT_EQUAL(run_with_input("exec 0<&-; exit 4", in, n, &r, &cause), 0);
	CU_ASSERT_EQUAL(r.end, PROCESS_EXITED);
	CU_ASSERT_EQUAL(r.code, 4);
	process_result_release(&r);
	CU_ASSERT_EQUAL(sigaction(SIGPIPE, NULL, &sa), 0);
	CU_ASSERT(sa.sa_handler == SIG_DFL);
	free(in);
	free(cause);
}

/* wc -c's count in r: -1 when it is not a number. */
static long
count_of(const struct process_result *r)
{
	char *end;
	long n;

	if (r->out.data == NULL)
		return -1;
	n = strtol(r->out.data, &end, 10);
	return end != r->out.data && strspn(end, " \n") == strlen(end) ? n : -1;
}

/* Without in the child's stdin is /dev/null, not ours (which here is a
 * pipe holding bytes): it reads end-of-file at once; with an empty input,
 * too. */
static void
test_no_input(void)
{
	struct process_result r;
	char *cause = NULL;
	int p[2], saved;

	CU_ASSERT_FATAL(pipe(p) == 0);
	CU_ASSERT_FATAL(write_all(p[1], "ours\n", 5) == 0);
	close(p[1]);
	saved = dup(0);
	CU_ASSERT_FATAL(saved >= 0 && dup2(p[0], 0) == 0);
	close(p[0]);
	CU_ASSERT_EQUAL(run_with_input("wc -c", NULL, 0, &r, &cause), 0);
	CU_ASSERT_EQUAL(count_of(&r), 0);
	process_result_release(&r);
	CU_ASSERT_EQUAL(run_with_input("wc -c", "", 0, &r, &cause), 0);
	CU_ASSERT_EQUAL(count_of(&r), 0);
	process_result_release(&r);
	CU_ASSERT_FATAL(dup2(saved, 0) == 0);
	close(saved);
	free(cause);
}

static const struct unit_test stdin_tests[] = {
	{ "1 MiB in and out", test_echo_large },
	{ "child ignores its input", test_child_ignores_input },
	{ "no input", test_no_input },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "process stdin", stdin_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
