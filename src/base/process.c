/*
 * process.c - run a program with a time limit and captured output
 * (process.h). POSIX fork/exec here; Windows in process-win32.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifndef _WIN32
#include <poll.h>
#include <sys/types.h>
#include <sys/wait.h>
#endif
#include <unistd.h>

#include "base/platform.h"
#include "base/process.h"
#include "base/util.h"

void
process_result_init(struct process_result *r)
{
	r->end = PROCESS_EXITED;
	r->code = 0;
	r->err = 0;
	buf_init(&r->out);
	buf_init(&r->errout);
}

void
process_result_release(struct process_result *r)
{
	/* stdout may have held a token. */
	secure_wipe(r->out.data, r->out.cap);
	buf_release(&r->out);
	buf_release(&r->errout);
}

void
process_stopped_cause(const struct process_opts *o, enum process_end end, char **cause)
{
	const char *what = o->what != NULL ? o->what : o->path;

	if (end == PROCESS_TOO_MUCH_OUTPUT)
		set_error(cause, "'%s' printed more than %zu bytes", what, o->out_max);
	else if (o->timeout_ms % 1000 == 0)
		set_error(cause, "'%s' did not finish within %ld s and was stopped", what,
		    o->timeout_ms / 1000);
	else
		set_error(cause, "'%s' did not finish within %ld ms and was stopped", what,
		    o->timeout_ms);
}

#ifndef _WIN32
/* Windows: process-win32.c. */
extern char **environ;

static long long
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* A pipe whose both ends are close-on-exec (pipe2 is not everywhere). */
static int
cloexec_pipe(int p[2])
{
	if (pipe(p) < 0)
		return -1;
	if (fcntl(p[0], F_SETFD, FD_CLOEXEC) < 0 || fcntl(p[1], F_SETFD, FD_CLOEXEC) < 0) {
		close_fd(&p[0]);
		close_fd(&p[1]);
		return -1;
	}
	return 0;
}

/* Make fd become target in the child (async-signal-safe); fd < 0 leaves
 * target as it is (inherited). */
static int
move_fd(int fd, int target)
{
	if (fd < 0)
		return 0;
	if (fd == target)
		return fcntl(fd, F_SETFD, 0);
	return dup2(fd, target) < 0 ? -1 : 0;
}

/* In the child, between fork and exec: only async-signal-safe calls. An
 * exec failure's errno goes up the close-on-exec pipe report. */
static _Noreturn void
child_exec(const struct process_opts *o, int in, int out, int err, int report)
{
	struct sigaction sa;
	sigset_t none;
	int e;

	/* Its own process group, so that a timeout kills what it started. */
	if (o->timeout_ms > 0)
		setpgid(0, 0);
	if (move_fd(in, 0) < 0 || move_fd(out, 1) < 0 || move_fd(err, 2) < 0 ||
	    (o->cwd != NULL && chdir(o->cwd) < 0) || runas_child(o->user, o->cwd == NULL) < 0)
		goto fail;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (o->exec_fd != NULL)
		fexecve(*o->exec_fd, o->argv, o->envp != NULL ? o->envp : environ);
	else
		execve(o->path, o->argv, o->envp != NULL ? o->envp : environ);
fail:
	e = errno;
	if (write(report, &e, sizeof e) < 0) {
		/* the parent then sees exit status 127 */
	}
	_exit(127);
}

/* The child's stdout or stderr: the descriptor it gets, or -1 to inherit. */
static int
child_end(enum process_output mode, int nul, const int p[2])
{
	if (mode == PROCESS_DISCARD)
		return nul;
	if (mode == PROCESS_CAPTURE)
		return p[1];
	return -1;
}

/* Read what is there on fd into r (stdout: into the buffer sized in
 * advance; stderr: the first err_max bytes). Sets *too_big when stdout
 * holds more than out_max; closes *fd at the end of the stream. */
static void
drain(const struct process_opts *o, struct process_result *r, int *fd, int is_out,
    char *chunk, size_t chunk_size, int *too_big)
{
	ssize_t n;
	size_t keep;

	if (is_out) {
		n = read(*fd, r->out.data + r->out.len, o->out_max + 1 - r->out.len);
		if (n > 0) {
			r->out.len += (size_t)n;
			r->out.data[r->out.len] = '\0';
			if (r->out.len > o->out_max)
				*too_big = 1;
		}
	} else {
		n = read(*fd, chunk, chunk_size);
		if (n > 0 && r->errout.len < o->err_max) {
			keep = o->err_max - r->errout.len;
			buf_append(&r->errout, chunk, (size_t)n < keep ? (size_t)n : keep);
		}
	}
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		close_fd(fd);
}

/* Write what the child's stdin can take of o->in; close it when all is
 * written, or when the child will read no more (EPIPE and other errors:
 * its exit status tells the rest). */
static void
feed(const struct process_opts *o, int *fd, size_t *done)
{
	ssize_t n;

	n = write(*fd, (const char *)o->in + *done, o->in_len - *done);
	if (n > 0)
		*done += (size_t)n;
	if (*done == o->in_len || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR))
		close_fd(fd);
}

/* The exec's verdict: 0 if it ran, else the errno it failed with. */
static int
exec_error(int report)
{
	ssize_t n;
	int e = 0;

	do {
		n = read(report, &e, sizeof e);
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof e ? (e != 0 ? e : ECHILD) : 0;
}

int
process_run(const struct process_opts *o, struct process_result *r, char **cause)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, report[2] = { -1, -1 };
	int inp[2] = { -1, -1 };
	size_t in_done = 0;
	struct sigaction ign, old_pipe;
	int pipe_ignored = 0;
	int nul = -1, st = 0, rc = -1, timed_out = 0, too_big = 0, failed = 0, i, nfds;
	struct pollfd pfd[3];
	long long deadline = 0, left;
	char chunk[4096];
	pid_t pid = -1, w;

	r->end = PROCESS_CANNOT_RUN;
	r->code = 0;
	r->err = 0;
	if (o->out == PROCESS_CAPTURE)
		buf_reserve(&r->out, o->out_max + 1);
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (nul < 0 || cloexec_pipe(report) < 0 ||
	    (o->out == PROCESS_CAPTURE && cloexec_pipe(outp) < 0) ||
	    (o->err == PROCESS_CAPTURE && cloexec_pipe(errp) < 0) ||
	    (o->in != NULL && cloexec_pipe(inp) < 0)) {
		r->err = errno;
		set_error(cause, "cannot run '%s': %s", o->path, strerror(r->err));
		goto out;
	}
	if (o->in != NULL) {
		/* A child that exits without reading all of its input must not
		 * kill us with SIGPIPE: the write then fails with EPIPE, and
		 * what the child did is judged by how it ended. */
		memset(&ign, 0, sizeof ign);
		ign.sa_handler = SIG_IGN;
		sigemptyset(&ign.sa_mask);
		pipe_ignored = sigaction(SIGPIPE, &ign, &old_pipe) == 0;
	}
	pid = fork();
	if (pid < 0) {
		r->err = errno;
		set_error(cause, "cannot run '%s': %s", o->path, strerror(r->err));
		goto out;
	}
	if (pid == 0)
		child_exec(o, inp[0] >= 0 ? inp[0] : nul, child_end(o->out, nul, outp),
		    child_end(o->err, nul, errp), report[1]);
	if (o->timeout_ms > 0) {
		setpgid(pid, pid); /* also here: whichever runs first */
		deadline = now_ms() + o->timeout_ms;
	}
	close_fd(&outp[1]);
	close_fd(&errp[1]);
	close_fd(&report[1]);
	close_fd(&inp[0]);
	if ((r->err = exec_error(report[0])) != 0) {
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		r->end = r->err == ENOENT ? PROCESS_NOT_FOUND : PROCESS_CANNOT_RUN;
		set_error(cause, "cannot run '%s': %s", o->path, strerror(r->err));
		goto out;
	}
	if (outp[0] >= 0)
		fcntl(outp[0], F_SETFL, O_NONBLOCK);
	if (errp[0] >= 0)
		fcntl(errp[0], F_SETFL, O_NONBLOCK);
	if (inp[1] >= 0) {
		fcntl(inp[1], F_SETFL, O_NONBLOCK);
		if (o->in_len == 0)
			close_fd(&inp[1]);
	}

	while (outp[0] >= 0 || errp[0] >= 0 || inp[1] >= 0) {
		left = o->timeout_ms > 0 ? deadline - now_ms() : INT_MAX;
		if (left <= 0) {
			timed_out = 1;
			break;
		}
		nfds = 0;
		if (outp[0] >= 0) {
			pfd[nfds].fd = outp[0];
			pfd[nfds++].events = POLLIN;
		}
		if (errp[0] >= 0) {
			pfd[nfds].fd = errp[0];
			pfd[nfds++].events = POLLIN;
		}
		if (inp[1] >= 0) {
			pfd[nfds].fd = inp[1];
			pfd[nfds++].events = POLLOUT;
		}
		if (poll(pfd, (nfds_t)nfds, left > INT_MAX ? INT_MAX : (int)left) < 0) {
			if (errno == EINTR)
				continue;
			r->err = errno;
			set_error(cause, "cannot run '%s': poll: %s", o->path, strerror(r->err));
			failed = 1;
			break;
		}
		for (i = 0; i < nfds; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (pfd[i].fd == inp[1])
				feed(o, &inp[1], &in_done);
			else if (pfd[i].fd == outp[0])
				drain(o, r, &outp[0], 1, chunk, sizeof chunk, &too_big);
			else
				drain(o, r, &errp[0], 0, chunk, sizeof chunk, &too_big);
		}
		if (too_big)
			break;
	}
	/* Both pipes closed: wait for the exit, within the time if there is
	 * a limit. */
	while (!timed_out && !too_big && !failed) {
		w = waitpid(pid, &st, o->timeout_ms > 0 ? WNOHANG : 0);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			r->err = errno;
			set_error(cause, "cannot run '%s': waitpid: %s", o->path, strerror(r->err));
			failed = 1;
			break;
		}
		if (w == 0 && now_ms() >= deadline)
			timed_out = 1;
		else if (w == 0)
			nap_ms(5);
	}
	if (timed_out || too_big || failed) {
		if (o->timeout_ms > 0)
			kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	if (timed_out || too_big) {
		r->end = timed_out ? PROCESS_TIMED_OUT : PROCESS_TOO_MUCH_OUTPUT;
		process_stopped_cause(o, r->end, cause);
	} else if (!failed) {
		r->end = WIFEXITED(st) ? PROCESS_EXITED : PROCESS_SIGNALED;
		r->code = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? WTERMSIG(st) : 0;
		rc = 0;
	}
out:
	if (pipe_ignored)
		sigaction(SIGPIPE, &old_pipe, NULL);
	close_fd(&inp[0]);
	close_fd(&inp[1]);
	secure_wipe(chunk, sizeof chunk);
	close_fd(&outp[0]);
	close_fd(&outp[1]);
	close_fd(&errp[0]);
	close_fd(&errp[1]);
	close_fd(&report[0]);
	close_fd(&report[1]);
	close_fd(&nul);
	return rc;
}
#endif /* !_WIN32 */
