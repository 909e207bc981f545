/*
 * process.h - the one way amlhosts runs another program: 'az account
 * get-access-token' (its output captured, within a time limit) and the DNS
 * cache flush (nscd -i hosts, best effort).
 *
 * Calling sequence: fill a struct process_opts, process_result_init(),
 * process_run(), look at the result, process_result_release().
 *
 * The child gets stdin from /dev/null (a program that asks a question must
 * not wait for an answer nobody gives), no descriptor of ours but 0-2
 * (everything is opened close-on-exec), default SIGPIPE handling and an
 * empty signal mask. An exec failure is reported through a close-on-exec
 * pipe, so "not installed" is known for certain rather than guessed from
 * exit status 127.
 *
 * Errors: 0 when the program ran and ended (exited or was killed by a
 * signal: look at r->end and r->code); -1 otherwise, r->end saying why
 * and *cause a message. POSIX only: on Windows process_run() fails with
 * PROCESS_UNSUPPORTED (the callers are POSIX-only).
 */
#ifndef AMLHOSTS_PROCESS_H
#define AMLHOSTS_PROCESS_H

#include <stddef.h>

#include "base/runas.h"
#include "base/util.h"

/* What becomes of the child's stdout or stderr. */
enum process_output {
	PROCESS_INHERIT = 0, /* ours: what the program says reaches the user */
	PROCESS_DISCARD,     /* /dev/null */
	PROCESS_CAPTURE      /* into the result's buffer, see the maxima */
};

struct process_opts {
	const char *path;        /* the program, an absolute path (no PATH search) */
	char *const *argv;       /* argv[0] included, NULL-terminated */
	char *const *envp;       /* NULL: inherit ours */
	const char *what;        /* names it in messages; NULL: path */
	const char *cwd;         /* NULL: inherit ours */
	/* > 0: kill it (and its process group) when it has not ended within
	 * this many milliseconds. With a limit the child gets a process group
	 * of its own, so that what it started dies with it; without one it
	 * stays in ours, so that ^C reaches it as it always did. */
	long timeout_ms;
	enum process_output out, err;
	/* stdout is the answer: more than out_max bytes of it is an error
	 * (PROCESS_TOO_MUCH_OUTPUT, the child is killed). Its buffer is
	 * allocated once at out_max + 1 bytes, since it may hold a token:
	 * nothing is left behind by a reallocation; wipe it with
	 * process_result_release(). stderr is for messages: the first
	 * err_max bytes are kept, the rest is read and dropped. */
	size_t out_max, err_max;
	/* Who it runs as (runas.h: runas_pick()); the child switches user
	 * before exec and, with no cwd, starts in that user's home or "/". */
	const struct process_user *user; /* NULL: run as we are */
};

enum process_end {
	PROCESS_EXITED = 0,      /* code is the exit status */
	PROCESS_SIGNALED,        /* code is the signal number */
	PROCESS_TIMED_OUT,       /* killed at timeout_ms */
	PROCESS_TOO_MUCH_OUTPUT, /* killed: more than out_max on stdout */
	PROCESS_NOT_FOUND,       /* exec: no such program (ENOENT) */
	PROCESS_CANNOT_RUN,      /* pipe, fork, exec, poll or wait failed */
	PROCESS_UNSUPPORTED      /* not on this platform (Windows) */
};

struct process_result {
	enum process_end end;
	int code;       /* exit status or signal number */
	int err;        /* errno of what failed (PROCESS_NOT_FOUND, CANNOT_RUN) */
	struct buf out; /* captured stdout */
	struct buf errout; /* captured stderr */
};

void process_result_init(struct process_result *r);
/* Wipes the captured stdout before freeing it; both buffers released. */
void process_result_release(struct process_result *r);

int process_run(const struct process_opts *o, struct process_result *r, char **cause);

#endif
