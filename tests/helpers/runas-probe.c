/*
 * runas-probe - the test driver of base/runas.h (tests/integration/runas.sh).
 *
 *   runas-probe DISCOVERY_USER PROGRAM [ARG...]
 *
 * Picks the user with runas_pick() as amlhosts does (the sudo, doas and
 * pkexec variables are read from our environment), prints "runas: WHO how=N"
 * on stdout and each note as "note: ..." on stderr, then runs PROGRAM as that
 * user through process_run() with only HOME, USER, LOGNAME (from the password
 * database) and PATH in its environment, its output reaching ours. A
 * descriptor that is not close-on-exec is left open on purpose, so that the
 * script can check the child gets none beyond 0-2. Exit status: the
 * program's; 2 when runas_pick() refuses; 3 when it could not be run.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/process.h"
#include "base/runas.h"
#include "base/util.h"

int
main(int argc, char **argv)
{
	struct process_user u;
	struct process_opts o;
	struct process_result r;
	struct strlist notes = STRLIST_INIT, env = STRLIST_INIT;
	char *cause = NULL, *who;
	size_t i;
	int leak, rc;

	if (argc < 3) {
		fprintf(stderr, "usage: runas-probe DISCOVERY_USER PROGRAM [ARG...]\n");
		return 2;
	}
	if (runas_pick(argv[1], 0, &u, &notes, &cause) != 0) {
		fprintf(stderr, "runas-probe: %s\n", cause);
		free(cause);
		process_user_release(&u);
		return 2;
	}
	for (i = 0; i < notes.n; i++)
		fprintf(stderr, "note: %s\n", notes.v[i]);
	who = runas_describe(&u);
	printf("runas: %s how=%d\n", who, (int)u.how);
	free(who);
	if (fflush(stdout) != 0)
		return 3;
	/* Deliberately inheritable: runas_child() must keep it from the child. */
	leak = open("/dev/null", O_RDONLY);

	strlist_push_nocopy(&env, xasprintf("HOME=%s", u.home != NULL ? u.home : "/"));
	strlist_push_nocopy(&env, xasprintf("USER=%s", u.name != NULL ? u.name : ""));
	strlist_push_nocopy(&env, xasprintf("LOGNAME=%s", u.name != NULL ? u.name : ""));
	strlist_push(&env, "PATH=/usr/local/bin:/usr/bin:/bin");
	strlist_push_nocopy(&env, NULL);

	memset(&o, 0, sizeof o);
	o.path = argv[2];
	o.argv = argv + 2;
	o.envp = env.v;
	o.out = PROCESS_INHERIT;
	o.err = PROCESS_INHERIT;
	o.user = &u;
	process_result_init(&r);
	if (process_run(&o, &r, &cause) != 0) {
		fprintf(stderr, "runas-probe: %s\n", cause);
		rc = 3;
	} else
		rc = r.end == PROCESS_EXITED ? r.code : 128 + r.code;
	process_result_release(&r);
	if (leak >= 0)
		close(leak);
	free(cause);
	strlist_release(&env);
	strlist_release(&notes);
	process_user_release(&u);
	return rc;
}
