/*
 * cred-azcli.c - the Azure CLI credential: 'az account get-access-token',
 * run with a time limit, its output captured in a buffer sized in advance.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#ifndef _WIN32
#include <poll.h>
#endif
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#ifndef _WIN32
#include <sys/wait.h>
#endif
#include <unistd.h>

#include "azure/auth-internal.h"
#include "base/platform.h"
#include "base/quote.h"
#include "base/util.h"

#ifndef _WIN32
extern char **environ;
#endif

#define CLI_OUT_MAX (1024u * 1024)      /* what 'az' may print */
#define CLI_ERR_MAX (64u * 1024)        /* what is kept of its stderr */
#define CLI_TIMEOUT_MS 10000L

static long cli_timeout_ms = CLI_TIMEOUT_MS;

void
auth_set_cli_timeout_ms(long ms)
{
	cli_timeout_ms = ms > 0 ? ms : CLI_TIMEOUT_MS;
}

#ifdef _WIN32
/* The Azure CLI on Windows is az.cmd, a batch file run through cmd.exe;
 * running it safely (quoting, a job object for the timeout) is not done
 * yet, so "auto" goes on to the next credential. */
int
cred_azure_cli(struct ctx *c, struct auth_token *out, char **reason)
{
	(void)c;
	(void)out;
	(void)wipe_buf; /* used by the POSIX side only */
	(void)now_ms;
	return cred_result(CRED_UNAVAILABLE, reason, "the Azure CLI credential is not "
	    "available in the Windows build; use a service principal (auth = env) or "
	    "a managed identity");
}
#else
/* name on PATH; empty and relative entries (the current directory) are
 * skipped, since we may run as root. */
static char *
find_program(const char *name)
{
	const char *path = getenv("PATH"), *p, *colon;
	struct stat st;
	size_t len;
	char *cand;

	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = colon + 1) {
		colon = strchr(p, ':');
		len = colon != NULL ? (size_t)(colon - p) : strlen(p);
		if (len > 0 && p[0] == '/') {
			cand = xasprintf("%.*s/%s", (int)len, p, name);
			if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
				return cand;
			free(cand);
		}
		if (colon == NULL)
			return NULL;
	}
}

/* Make fd become target in a child (async-signal-safe). */
static int
move_fd(int fd, int target)
{
	if (fd == target)
		return fcntl(fd, F_SETFD, 0);
	return dup2(fd, target) < 0 ? -1 : 0;
}

static _Noreturn void
child_exec(const char *path, char *const argv[], char *const envp[], int in, int out, int err)
{
	struct sigaction sa;
	sigset_t none;

	/* Its own process group, so that a timeout kills what it started. */
	setpgid(0, 0);
	if (move_fd(in, 0) < 0 || move_fd(out, 1) < 0 || move_fd(err, 2) < 0 || chdir("/") < 0)
		_exit(126);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(path, argv, envp);
	_exit(errno == ENOENT ? 127 : 126);
}

/*
 * Run path (for messages: what) with argv and envp, stdin from /dev/null, and collect stdout (up
 * to CLI_OUT_MAX, in a buffer sized in advance since it will hold a token)
 * and stderr (the first CLI_ERR_MAX bytes). Returns 0 with *status when it
 * ended in time, -1 with *reason when it could not run, printed too much or
 * was killed at the timeout.
 */
static int
run_capture(const char *what, const char *path, char *const argv[], char *const envp[],
    long timeout_ms, struct buf *out, struct buf *err, int *status, char **reason)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, nul = -1, st = 0, rc = -1;
	int timed_out = 0, too_big = 0, failed = 0, i, nfds;
	struct pollfd pfd[2];
	long long deadline, left;
	char chunk[4096];
	ssize_t n;
	pid_t pid, w;

	buf_reserve(out, CLI_OUT_MAX + 1);
	nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nul < 0 || pipe(outp) < 0 || pipe(errp) < 0) {
		set_error(reason, "cannot run '%s': %s", path, strerror(errno));
		goto out;
	}
	for (i = 0; i < 2; i++) {
		fcntl(outp[i], F_SETFD, FD_CLOEXEC);
		fcntl(errp[i], F_SETFD, FD_CLOEXEC);
	}
	pid = fork();
	if (pid < 0) {
		set_error(reason, "cannot run '%s': %s", path, strerror(errno));
		goto out;
	}
	if (pid == 0)
		child_exec(path, argv, envp, nul, outp[1], errp[1]);
	setpgid(pid, pid); /* also here: whichever runs first */
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;
	fcntl(outp[0], F_SETFL, O_NONBLOCK);
	fcntl(errp[0], F_SETFL, O_NONBLOCK);

	deadline = cred_now_ms() + timeout_ms;
	while (outp[0] >= 0 || errp[0] >= 0) {
		left = deadline - cred_now_ms();
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
		if (poll(pfd, (nfds_t)nfds, left > INT_MAX ? INT_MAX : (int)left) < 0) {
			if (errno == EINTR)
				continue;
			set_error(reason, "cannot run '%s': poll: %s", path, strerror(errno));
			failed = 1;
			break;
		}
		for (i = 0; i < nfds; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (pfd[i].fd == outp[0]) {
				n = read(outp[0], out->data + out->len, CLI_OUT_MAX + 1 - out->len);
				if (n > 0) {
					out->len += (size_t)n;
					out->data[out->len] = '\0';
					if (out->len > CLI_OUT_MAX)
						too_big = 1;
				}
				if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
					close(outp[0]);
					outp[0] = -1;
				}
			} else {
				n = read(errp[0], chunk, sizeof chunk);
				if (n > 0 && err->len < CLI_ERR_MAX)
					buf_append(err, chunk, (size_t)n);
				if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
					close(errp[0]);
					errp[0] = -1;
				}
			}
		}
		if (too_big)
			break;
	}
	/* Both pipes closed: wait for the exit, still within the time. */
	while (!timed_out && !too_big && !failed) {
		w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			set_error(reason, "cannot run '%s': waitpid: %s", path, strerror(errno));
			failed = 1;
			break;
		}
		if (cred_now_ms() >= deadline)
			timed_out = 1;
		else
			cred_sleep_ms(5);
	}
	if (timed_out || too_big || failed) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	if (timed_out && timeout_ms % 1000 == 0)
		set_error(reason, "'%s' did not finish within %ld s and was stopped", what,
		    timeout_ms / 1000);
	else if (timed_out)
		set_error(reason, "'%s' did not finish within %ld ms and was stopped", what,
		    timeout_ms);
	else if (too_big)
		set_error(reason, "'%s' printed more than %u bytes", what, CLI_OUT_MAX);
	else if (!failed) {
		*status = st;
		rc = 0;
	}
out:
	secure_wipe(chunk, sizeof chunk);
	if (outp[0] >= 0)
		close(outp[0]);
	if (outp[1] >= 0)
		close(outp[1]);
	if (errp[0] >= 0)
		close(errp[0]);
	if (errp[1] >= 0)
		close(errp[1]);
	if (nul >= 0)
		close(nul);
	return rc;
}

int
cred_azure_cli(struct ctx *c, struct auth_token *out, char **reason)
{
	static char no_color[] = "AZURE_CORE_NO_COLOR=true";
	const char *argv[12], *tenant = cred_nonempty(c->o->tenant_id);
	struct buf sout = BUF_INIT, serr = BUF_INIT;
	char *az, **envp, **e, *why = NULL, *said = NULL, *msg;
	size_t n = 0, k = 0;
	int st = 0, rc = CRED_FAILED;

	if (tenant != NULL && !cred_safe_id(tenant))
		return cred_result(CRED_FAILED, reason,
		    "tenant_id is not a tenant ID or domain name");
	if ((az = find_program("az")) == NULL)
		return cred_result(CRED_UNAVAILABLE, reason, "'az' is not installed");
	argv[n++] = "az";
	argv[n++] = "account";
	argv[n++] = "get-access-token";
	argv[n++] = "--output";
	argv[n++] = "json";
	argv[n++] = "--resource";
	argv[n++] = c->resource;
	if (tenant != NULL) {
		argv[n++] = "--tenant";
		argv[n++] = tenant;
	}
	argv[n] = NULL;
	for (e = environ; *e != NULL; e++)
		k++;
	envp = xcalloc(k + 2, sizeof *envp);
	k = 0;
	for (e = environ; *e != NULL; e++)
		if (strncmp(*e, "AZURE_CORE_NO_COLOR=", 20) != 0)
			envp[k++] = *e;
	envp[k++] = no_color;
	envp[k] = NULL;

	if (run_capture("az account get-access-token", az, (char *const *)argv, envp,
	    cli_timeout_ms, &sout, &serr, &st, reason) != 0)
		goto out;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		if (cred_token_from_json(sout.data, sout.len, "accessToken", out, &why) == 0)
			rc = CRED_OK;
		else
			set_error(reason, "'az account get-access-token' printed no token: %s", why);
		goto out;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
		set_error(reason, "'az' is not installed");
		rc = CRED_UNAVAILABLE;
		goto out;
	}
	if (serr.data != NULL && (strstr(serr.data, "az login") != NULL ||
	    strstr(serr.data, "az account set") != NULL)) {
		if (tenant != NULL)
			set_error(reason, "not logged in to tenant %s (run 'az login --tenant %s')",
			    tenant, tenant);
		else
			set_error(reason, "not logged in (run 'az login')");
		rc = CRED_UNAVAILABLE;
		goto out;
	}
	said = serr.data != NULL ? quote_mem(serr.data, serr.len, QUOTE_MAX, QUOTE_FIRST_LINE | QUOTE_STRIP_ANSI) : NULL;
	msg = said;
	if (msg != NULL && strncmp(msg, "ERROR: ", 7) == 0)
		msg += 7;
	if (WIFEXITED(st))
		set_error(reason, "'az account get-access-token' failed (exit status %d)%s%s",
		    WEXITSTATUS(st), msg != NULL ? ": " : "", msg != NULL ? msg : "");
	else
		set_error(reason, "'az account get-access-token' was killed by signal %d",
		    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
out:
	cred_wipe_buf(&sout);
	buf_release(&serr);
	free(said);
	free(why);
	free(envp);
	free(az);
	return rc;
}
#endif /* !_WIN32 */
