/*
 * process.h - the one way amlhosts runs another program: 'az account
 * get-access-token' (its output captured, within a time limit) and the DNS
 * cache flush (nscd -i hosts, best effort).
 *
 * Calling sequence: fill a struct process_opts, process_result_init(),
 * process_run(), look at the result, process_result_release().
 *
 * The child gets stdin from /dev/null (a program that asks a question must
 * not wait for an answer nobody gives) unless the caller gives it data (in,
 * written while its output is read, so neither side can block the other),
 * no descriptor of ours but 0-2
 * (everything is opened close-on-exec), default SIGPIPE handling and an
 * empty signal mask. An exec failure is reported through a close-on-exec
 * pipe, so "not installed" is known for certain rather than guessed from
 * exit status 127.
 *
 * Errors: 0 when the program ran and ended (exited or was killed by a
 * signal: look at r->end and r->code); -1 otherwise, r->end saying why
 * and *cause a message.
 *
 * Windows (process-win32.c), the same contract through CreateProcessW:
 * - path, argv, envp and cwd are in the ANSI code page, like every string
 *   of ours (platform_widen(): the code page the C runtime gives main()'s
 *   argv and opens our paths in, UTF-8 under the manifest's activeCodePage),
 *   so the program run is the file the same path names to open() and stat();
 *   a string that is not text in it is refused (EINVAL). argv becomes one
 *   command line quoted by the C runtime's rules (process_win_command_line),
 *   envp a UTF-16 block sorted by name as Windows requires.
 * - The child inherits only its three standard handles (a handle list),
 *   gets no console window (CREATE_NO_WINDOW), and runs in a Job object
 *   that kills on close: a timeout or too much output ends it and
 *   everything it started, and whatever of that is still running when
 *   process_run() returns (or amlhosts dies) ends too.
 * - stdin and the captured streams are served by threads, so a child that
 *   writes while we write its input cannot deadlock.
 * - exec_fd is POSIX's and ignored; a user that asks for a change of user
 *   is refused (EINVAL), since Windows' runas_pick() never picks one.
 * - r->code is the exit code (GetExitCodeProcess; a crash is an NTSTATUS
 *   such as 0xC0000005, seen as a negative int); PROCESS_SIGNALED never
 *   happens. r->err is an errno (platform_errno_of(): ENOENT, EACCES,
 *   ENOMEM, ..., else EIO) and *cause says Windows' own words.
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
	/* POSIX: not NULL: run the program this descriptor holds (fexecve)
	 * instead of opening path again, which a child that switched users
	 * might not be allowed to reach (a build tree under /root); path
	 * still names it in messages. A binary, not a script (the kernel
	 * cannot reopen a close-on-exec descriptor for the interpreter). */
	const int *exec_fd;
	/* > 0: kill it (and its process group) when it has not ended within
	 * this many milliseconds. With a limit the child gets a process group
	 * of its own, so that what it started dies with it; without one it
	 * stays in ours, so that ^C reaches it as it always did. */
	long timeout_ms;
	const void *in;          /* written to the child's stdin (then closed); NULL: /dev/null */
	size_t in_len;
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
	PROCESS_CANNOT_RUN       /* pipe, fork, exec, poll or wait failed */
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

/* For process.c and process-win32.c: the message of a run stopped at
 * its time limit (PROCESS_TIMED_OUT) or for PROCESS_TOO_MUCH_OUTPUT. */
void process_stopped_cause(const struct process_opts *o, enum process_end end, char **cause);

#ifdef _WIN32
/* The command line CreateProcessW gets for argv (UTF-8 in, UTF-8 out,
 * appended to *cmd), such that the C runtime's argv parsing in the child
 * gives back every argument as it was: an argument with a space, tab,
 * newline or quote (or an empty one) is quoted, a quote inside it escaped
 * with a backslash, and backslashes doubled only where they precede a
 * quote. argv[0] follows the runtime's simpler rule for the program name
 * (quoted, no escapes), so it may not contain a quote. 0, or -1 with
 * *cause when argv cannot be passed (empty, or a quote in argv[0]). */
int process_win_command_line(char *const *argv, struct buf *cmd, char **cause);
#endif

#endif
