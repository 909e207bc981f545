#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "base/process.h"
#include "base/util.h"
#include "unit/cunit_main.h"

/* Run /bin/sh -c script with the output captured. */
static int
run_sh(const char *script, long timeout_ms, char *const *envp, size_t out_max,
    struct process_result *r, char **cause)
{
	char *argv[] = { "sh", "-c", (char *)script, NULL };
	struct process_opts o;

	memset(&o, 0, sizeof o);
	o.path = "/bin/sh";
	o.argv = argv;
	o.envp = envp;
	o.what = "the script";
	o.timeout_ms = timeout_ms;
	o.out = PROCESS_CAPTURE;
	o.out_max = out_max;
	o.err = PROCESS_CAPTURE;
	o.err_max = 8;
	process_result_init(r);
	return process_run(&o, r, cause);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
nap_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

static void
test_exit_and_capture(void)
{
	struct process_result r;
	char *cause = NULL;

	CU_ASSERT_EQUAL(run_sh("printf 'out\\0put'; printf 'err' >&2; exit 3", 0, NULL, 100,
	    &r, &cause), 0);
	CU_ASSERT_PTR_NULL(cause);
	CU_ASSERT_EQUAL(r.end, PROCESS_EXITED);
	CU_ASSERT_EQUAL(r.code, 3);
	CU_ASSERT_EQUAL(r.out.len, 7);
	CU_ASSERT_EQUAL(memcmp(r.out.data, "out\0put", 7), 0);
	CU_ASSERT_STRING_EQUAL(r.errout.data, "err");
	process_result_release(&r);

	/* stdin is /dev/null: cat ends at once */
	CU_ASSERT_EQUAL(run_sh("cat; echo done", 5000, NULL, 100, &r, &cause), 0);
	CU_ASSERT_EQUAL(r.code, 0);
	CU_ASSERT_STRING_EQUAL(r.out.data, "done\n");
	process_result_release(&r);

	/* stderr keeps its first err_max bytes, and the rest does not block */
	CU_ASSERT_EQUAL(run_sh("i=0; while [ $i -lt 2000 ]; do echo 0123456789 >&2; "
	    "i=$((i+1)); done", 5000, NULL, 100, &r, &cause), 0);
	CU_ASSERT_EQUAL(r.end, PROCESS_EXITED);
	CU_ASSERT_EQUAL(r.errout.len, 8);
	CU_ASSERT_STRING_EQUAL(r.errout.data, "01234567");
	process_result_release(&r);
	free(cause);
}

static void
test_signal(void)
{
	struct process_result r;
	char *cause = NULL;

	CU_ASSERT_EQUAL(run_sh("kill -TERM $$", 0, NULL, 100, &r, &cause), 0);
	CU_ASSERT_EQUAL(r.end, PROCESS_SIGNALED);
	CU_ASSERT_EQUAL(r.code, SIGTERM);
	process_result_release(&r);
	free(cause);
}

static void
test_timeout(void)
{
	struct process_result r;
	char *cause = NULL;
	long long start = now_ms();
	pid_t grandchild;
	int i;

	/* The sleep is a grandchild holding the pipes open: the whole group
	 * must die for this to end. */
	CU_ASSERT_EQUAL(run_sh("sleep 30; echo late", 300, NULL, 100, &r, &cause), -1);
	CU_ASSERT_EQUAL(r.end, PROCESS_TIMED_OUT);
	CU_ASSERT_TRUE(now_ms() - start < 10000);
	CU_ASSERT_TRUE(now_ms() - start >= 300);
	CU_ASSERT_STRING_EQUAL(cause, "'the script' did not finish within 300 ms and was stopped");
	process_result_release(&r);

	/* What it started dies with it: its process group is killed. */
	CU_ASSERT_EQUAL(run_sh("sleep 30 & echo $!; wait", 300, NULL, 100, &r, &cause), -1);
	CU_ASSERT_EQUAL(r.end, PROCESS_TIMED_OUT);
	grandchild = (pid_t)atol(r.out.data != NULL ? r.out.data : "0");
	CU_ASSERT_TRUE_FATAL(grandchild > 1);
	/* init reaps the orphan soon after */
	for (i = 0; i < 200 && kill(grandchild, 0) == 0; i++)
		nap_ms(10);
	CU_ASSERT_EQUAL(kill(grandchild, 0), -1);
	process_result_release(&r);

	CU_ASSERT_EQUAL(run_sh("exec sleep 30", 1000, NULL, 100, &r, &cause), -1);
	CU_ASSERT_EQUAL(r.end, PROCESS_TIMED_OUT);
	CU_ASSERT_STRING_EQUAL(cause, "'the script' did not finish within 1 s and was stopped");
	process_result_release(&r);
	free(cause);
}

static void
test_too_much_output(void)
{
	struct process_result r;
	char *cause = NULL;

	CU_ASSERT_EQUAL(run_sh("printf 0123456789", 5000, NULL, 10, &r, &cause), 0);
	CU_ASSERT_EQUAL(r.out.len, 10);
	process_result_release(&r);
	CU_ASSERT_EQUAL(run_sh("while :; do echo 0123456789; done", 5000, NULL, 10, &r,
	    &cause), -1);
	CU_ASSERT_EQUAL(r.end, PROCESS_TOO_MUCH_OUTPUT);
	CU_ASSERT_STRING_EQUAL(cause, "'the script' printed more than 10 bytes");
	process_result_release(&r);
	free(cause);
}

static void
test_missing_program(void)
{
	char *argv[] = { "no-such-program", NULL }, *cause = NULL, *want;
	struct process_opts o;
	struct process_result r;

	memset(&o, 0, sizeof o);
	o.path = "/nonexistent/no-such-program";
	o.argv = argv;
	o.timeout_ms = 5000;
	process_result_init(&r);
	CU_ASSERT_EQUAL(process_run(&o, &r, &cause), -1);
	CU_ASSERT_EQUAL(r.end, PROCESS_NOT_FOUND);
	CU_ASSERT_EQUAL(r.err, ENOENT);
	want = xasprintf("cannot run '/nonexistent/no-such-program': %s", strerror(ENOENT));
	CU_ASSERT_TRUE(cause != NULL && strcmp(cause, want) == 0);
	free(want);
	process_result_release(&r);

	/* a directory cannot be run either, but it is there */
	o.path = "/";
	CU_ASSERT_EQUAL(process_run(&o, &r, &cause), -1);
	CU_ASSERT_EQUAL(r.end, PROCESS_CANNOT_RUN);
	CU_ASSERT_EQUAL(r.err, EACCES);
	process_result_release(&r);
	free(cause);
}

static void
test_environment(void)
{
	char *env[] = { "AMLHOSTS_TEST_VAR=hello there", "PATH=/usr/bin:/bin", NULL };
	struct process_result r;
	char *cause = NULL;

	CU_ASSERT_EQUAL(run_sh("printf '%s|%s' \"$AMLHOSTS_TEST_VAR\" \"${HOME-unset}\"", 5000,
	    env, 100, &r, &cause), 0);
	CU_ASSERT_STRING_EQUAL(r.out.data, "hello there|unset");
	process_result_release(&r);

	/* NULL: ours is inherited */
	CU_ASSERT_EQUAL(setenv("AMLHOSTS_TEST_VAR", "inherited", 1), 0);
	CU_ASSERT_EQUAL(run_sh("printf %s \"$AMLHOSTS_TEST_VAR\"", 5000, NULL, 100, &r,
	    &cause), 0);
	CU_ASSERT_STRING_EQUAL(r.out.data, "inherited");
	process_result_release(&r);
	unsetenv("AMLHOSTS_TEST_VAR");
	free(cause);
}

static void
test_discard_and_cwd(void)
{
	char *argv[] = { "sh", "-c", "pwd >&2; echo gone", NULL }, *cause = NULL;
	struct process_opts o;
	struct process_result r;

	memset(&o, 0, sizeof o);
	o.path = "/bin/sh";
	o.argv = argv;
	o.cwd = "/";
	o.out = PROCESS_DISCARD;
	o.err = PROCESS_CAPTURE;
	o.err_max = 100;
	process_result_init(&r);
	CU_ASSERT_EQUAL(process_run(&o, &r, &cause), 0);
	CU_ASSERT_EQUAL(r.code, 0);
	CU_ASSERT_EQUAL(r.out.len, 0);
	CU_ASSERT_STRING_EQUAL(r.errout.data, "/\n");
	process_result_release(&r);
	free(cause);
}

static const struct unit_test process_tests[] = {
	{ "exit_and_capture", test_exit_and_capture },
	{ "signal", test_signal },
	{ "timeout", test_timeout },
	{ "too_much_output", test_too_much_output },
	{ "missing_program", test_missing_program },
	{ "environment", test_environment },
	{ "discard_and_cwd", test_discard_and_cwd },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "process", process_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
