/*
 * process-win32.c - process_run() on Windows (process.h): CreateProcessW
 * with a command line quoted for the C runtime, only the three standard
 * handles inherited, a kill-on-close Job object for the time limit, and a
 * thread per pipe so that nothing deadlocks. The POSIX side, and what both
 * share, is in process.c. Empty elsewhere, so a build that compiles every
 * file still links.
 */
#include "config.h"

#ifdef _WIN32
/* winsock2.h (platform.h) before windows.h, which would bring winsock.h. */
#include <winsock2.h>
#include <windows.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/platform.h"
#include "base/process.h"
#include "base/util.h"

/* WriteFile gets stdin in pieces of this size; a pipe of this size keeps
 * the number of thread switches down for a large answer. */
#define PIPE_CHUNK 65536

static void
put_backslashes(struct buf *cmd, size_t n)
{
	while (n-- > 0)
		buf_putc(cmd, '\\');
}

int
process_win_command_line(char *const *argv, struct buf *cmd, char **cause)
{
	const char *p;
	size_t i, n;

	if (argv == NULL || argv[0] == NULL)
		return set_error(cause, "cannot run a program without a name (argv[0])");
	/* The runtime reads the program name up to the next quote, with no
	 * escapes: a quote in it cannot be passed. */
	if (strchr(argv[0], '"') != NULL)
		return set_error(cause, "cannot run '%s': a double quote in its name", argv[0]);
	buf_putc(cmd, '"');
	buf_puts(cmd, argv[0]);
	buf_putc(cmd, '"');
	for (i = 1; argv[i] != NULL; i++) {
		buf_putc(cmd, ' ');
		if (argv[i][0] != '\0' && strpbrk(argv[i], " \t\n\v\"") == NULL) {
			buf_puts(cmd, argv[i]); /* backslashes are literal here */
			continue;
		}
		buf_putc(cmd, '"');
		for (p = argv[i];; p++) {
			for (n = 0; *p == '\\'; p++)
				n++;
			if (*p == '\0') {
				/* Before the closing quote: each one escaped. */
				put_backslashes(cmd, 2 * n);
				break;
			}
			/* Before a quote: escaped, and the quote too. */
			put_backslashes(cmd, *p == '"' ? 2 * n + 1 : n);
			buf_putc(cmd, *p);
		}
		buf_putc(cmd, '"');
	}
	return 0;
}

/* The length of the name in "NAME=value" ("=C:=C:\dir", the runtime's
 * per-drive directories, has a name that starts with '='). */
static int
env_name_len(const wchar_t *v)
{
	const wchar_t *eq = wcschr(v[0] != L'\0' ? v + 1 : v, L'=');

	return (int)(eq != NULL ? (size_t)(eq - v) : wcslen(v));
}

static int
env_cmp(const void *a, const void *b)
{
	const wchar_t *x = *(const wchar_t *const *)a, *y = *(const wchar_t *const *)b;

	/* CSTR_LESS_THAN, CSTR_EQUAL, CSTR_GREATER_THAN are 1, 2, 3. */
	return CompareStringOrdinal(x, env_name_len(x), y, env_name_len(y), TRUE) - CSTR_EQUAL;
}

/* The environment block for envp: UTF-16 strings, each NUL-terminated,
 * sorted by name without regard to case (CreateProcessW's rule), and one
 * more NUL. NULL if a string is not text. */
static wchar_t *
env_block(char *const *envp)
{
	wchar_t **v, *block = NULL, *p;
	size_t n, i, len = 1;

	for (n = 0; envp[n] != NULL; n++)
		;
	v = xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++) {
		if ((v[i] = platform_widen(envp[i])) == NULL)
			goto out;
		len += wcslen(v[i]) + 1;
	}
	qsort(v, n, sizeof *v, env_cmp);
	/* An empty environment is two NULs. */
	block = xcalloc(len + 1, sizeof *block);
	for (p = block, i = 0; i < n; i++) {
		memcpy(p, v[i], (wcslen(v[i]) + 1) * sizeof *p);
		p += wcslen(v[i]) + 1;
	}
out:
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return block;
}

/* "cannot run 'path': <step><Windows' words for e>"; sets r->err. */
static void
fail_win(struct process_result *r, char **cause, const char *path, const char *step, DWORD e)
{
	char *text = NULL;
	DWORD n;

	r->err = platform_errno_of(e);
	n = FormatMessageA(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
	    FORMAT_MESSAGE_IGNORE_INSERTS, NULL, e, 0, (LPSTR)&text, 0, NULL);
	/* Windows' sentences end in ".\r\n"; ours end without a stop. */
	while (n > 0 && strchr(" .\r\n", text[n - 1]) != NULL)
		text[--n] = '\0';
	if (n > 0)
		set_error(cause, "cannot run '%s': %s%s", path, step, text);
	else
		set_error(cause, "cannot run '%s': %sWindows error %lu", path, step, (unsigned long)e);
	if (text != NULL)
		LocalFree(text);
}

/* The NUL device, for the child (inheritable). */
static HANDLE
nul_device(DWORD access)
{
	SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, TRUE };
	HANDLE h = CreateFileW(L"NUL", access, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa,
	    OPEN_EXISTING, 0, NULL);

	return h == INVALID_HANDLE_VALUE ? NULL : h;
}

/* A pipe whose child end (the read end when child_reads) is inheritable
 * and ours is not, so no other child of ours can hold it open. */
static int
child_pipe(HANDLE *ours, HANDLE *theirs, int child_reads)
{
	HANDLE rd, wr;

	if (!CreatePipe(&rd, &wr, NULL, PIPE_CHUNK))
		return -1;
	*theirs = child_reads ? rd : wr;
	*ours = child_reads ? wr : rd;
	if (!SetHandleInformation(*theirs, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT)) {
		CloseHandle(rd);
		CloseHandle(wr);
		*ours = *theirs = NULL;
		return -1;
	}
	return 0;
}

/* The child's stdout or stderr (which: STD_OUTPUT_HANDLE or STD_ERROR_
 * HANDLE) for mode: a pipe to us, NUL, or an inheritable copy of ours
 * (NUL when we have none). */
static int
child_output(enum process_output mode, DWORD which, HANDLE *ours, HANDLE *theirs)
{
	HANDLE h;

	*ours = *theirs = NULL;
	if (mode == PROCESS_CAPTURE)
		return child_pipe(ours, theirs, 0);
	h = GetStdHandle(which);
	if (mode == PROCESS_DISCARD || h == NULL || h == INVALID_HANDLE_VALUE)
		*theirs = nul_device(GENERIC_WRITE);
	else if (!DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), theirs, 0, TRUE,
	    DUPLICATE_SAME_ACCESS))
		*theirs = NULL;
	return *theirs != NULL ? 0 : -1;
}

/* A Job object that ends every process in it when its last handle
 * closes (ours: not inheritable), so even amlhosts' own death ends them. */
static HANDLE
kill_on_close_job(void)
{
	JOBOBJECT_EXTENDED_LIMIT_INFORMATION li;
	HANDLE job = CreateJobObjectW(NULL, NULL);

	if (job == NULL)
		return NULL;
	memset(&li, 0, sizeof li);
	li.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
	if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &li, sizeof li)) {
		CloseHandle(job);
		return NULL;
	}
	return job;
}

/* One thread's share of the work: feed stdin, or read stdout or stderr. */
struct stream {
	HANDLE pipe;                  /* our end; the thread closes a stdin pipe */
	const struct process_opts *o;
	struct buf *b;
	int too_big;                  /* stdout: more than out_max arrived */
};

static DWORD WINAPI
feed_stdin(void *arg)
{
	struct stream *s = arg;
	const char *p = s->o->in;
	size_t left = s->o->in_len;
	DWORD n;

	/* A child that exits without reading it all breaks the pipe: the
	 * rest is not wanted, the exit code says how it went. */
	while (left > 0 && WriteFile(s->pipe, p, left < PIPE_CHUNK ? (DWORD)left : PIPE_CHUNK,
	    &n, NULL) && n > 0) {
		p += n;
		left -= n;
	}
	CloseHandle(s->pipe); /* end of input */
	s->pipe = NULL;
	return 0;
}

/* stdout into the buffer sized in advance (nothing of a token is left
 * behind by a reallocation); stops at the first byte past out_max. */
static DWORD WINAPI
read_stdout(void *arg)
{
	struct stream *s = arg;
	size_t max = s->o->out_max;
	DWORD n;

	while (s->b->len <= max &&
	    ReadFile(s->pipe, s->b->data + s->b->len, (DWORD)(max + 1 - s->b->len < PIPE_CHUNK ?
	    max + 1 - s->b->len : PIPE_CHUNK), &n, NULL) && n > 0) {
		s->b->len += n;
		s->b->data[s->b->len] = '\0';
	}
	s->too_big = s->b->len > max;
	return 0;
}

/* stderr: the first err_max bytes kept, the rest read and dropped. */
static DWORD WINAPI
read_stderr(void *arg)
{
	struct stream *s = arg;
	size_t max = s->o->err_max;
	char chunk[4096];
	DWORD n;

	while (ReadFile(s->pipe, chunk, sizeof chunk, &n, NULL) && n > 0)
		if (s->b->len < max)
			buf_append(s->b, chunk, n < max - s->b->len ? n : max - s->b->len);
	secure_wipe(chunk, sizeof chunk);
	return 0;
}

/* Set the three standard handles of the child up in child[]; ours in
 * s[] (NULL where there is no pipe). -1 with GetLastError() on failure. */
static int
std_handles(const struct process_opts *o, HANDLE child[3], struct stream s[3])
{
	if (o->in != NULL) {
		if (child_pipe(&s[0].pipe, &child[0], 1) < 0)
			return -1;
	} else if ((child[0] = nul_device(GENERIC_READ)) == NULL) {
		return -1;
	}
	if (child_output(o->out, STD_OUTPUT_HANDLE, &s[1].pipe, &child[1]) < 0 ||
	    child_output(o->err, STD_ERROR_HANDLE, &s[2].pipe, &child[2]) < 0)
		return -1;
	return 0;
}

/* Start the threads of the streams that have a pipe; -1 if one cannot
 * start (those started are in thread[]). */
static int
start_streams(struct stream s[3], HANDLE thread[3])
{
	static LPTHREAD_START_ROUTINE const fn[3] = { feed_stdin, read_stdout, read_stderr };
	int i;

	for (i = 0; i < 3; i++)
		if (s[i].pipe != NULL &&
		    (thread[i] = CreateThread(NULL, 0, fn[i], &s[i], 0, NULL)) == NULL)
			return -1;
	return 0;
}

/* The child, with only child[] inherited, suspended (so that it is in
 * the job before it can start anything). */
static int
create_child(wchar_t *path, wchar_t *cmdline, wchar_t *env,
    wchar_t *cwd, HANDLE child[3], PROCESS_INFORMATION *pi)
{
	STARTUPINFOEXW si;
	SIZE_T size = 0;
	DWORD e;
	int ok;

	memset(&si, 0, sizeof si);
	si.StartupInfo.cb = sizeof si;
	si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
	si.StartupInfo.hStdInput = child[0];
	si.StartupInfo.hStdOutput = child[1];
	si.StartupInfo.hStdError = child[2];
	InitializeProcThreadAttributeList(NULL, 1, 0, &size);
	si.lpAttributeList = xmalloc(size);
	if (!InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0, &size)) {
		e = GetLastError();
		free(si.lpAttributeList);
		SetLastError(e);
		return -1;
	}
	ok = UpdateProcThreadAttribute(si.lpAttributeList, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
	    child, 3 * sizeof child[0], NULL, NULL) &&
	    CreateProcessW(path, cmdline, NULL, NULL, TRUE, CREATE_NO_WINDOW | CREATE_SUSPENDED |
	    CREATE_UNICODE_ENVIRONMENT | EXTENDED_STARTUPINFO_PRESENT, env, cwd, &si.StartupInfo, pi);
	e = GetLastError();
	DeleteProcThreadAttributeList(si.lpAttributeList);
	free(si.lpAttributeList);
	SetLastError(e);
	return ok ? 0 : -1;
}

/* Wait for the child and the reading threads, up to the deadline (0:
 * none). 0 when all ended, 1 at the deadline, 2 when stdout overflowed,
 * -1 when the wait failed. */
static int
wait_all(HANDLE process, HANDLE thread[3], struct stream *out, ULONGLONG deadline)
{
	HANDLE h[3];
	DWORD n = 0, w, ms;
	ULONGLONG now;

	h[n++] = process;
	if (thread[1] != NULL)
		h[n++] = thread[1];
	if (thread[2] != NULL)
		h[n++] = thread[2];
	while (n > 0) {
		ms = INFINITE;
		if (deadline != 0) {
			now = GetTickCount64();
			if (now >= deadline)
				return 1;
			ms = deadline - now < INFINITE ? (DWORD)(deadline - now) : INFINITE - 1;
		}
		w = WaitForMultipleObjects(n, h, FALSE, ms);
		if (w == WAIT_TIMEOUT)
			return 1;
		if (w >= WAIT_OBJECT_0 + n)
			return -1;
		w -= WAIT_OBJECT_0;
		if (h[w] == thread[1] && out->too_big)
			return 2;
		h[w] = h[--n];
	}
	return 0;
}

int
process_run(const struct process_opts *o, struct process_result *r, char **cause)
{
	struct buf cmd = BUF_INIT;
	wchar_t *wpath = NULL, *wcmd = NULL, *wcwd = NULL, *wenv = NULL;
	HANDLE child[3] = { NULL, NULL, NULL }, thread[3] = { NULL, NULL, NULL }, job = NULL;
	struct stream s[3];
	PROCESS_INFORMATION pi = { NULL, NULL, 0, 0 };
	ULONGLONG deadline = 0;
	DWORD e, code = 0;
	int i, rc = -1, ended = -1;

	r->end = PROCESS_CANNOT_RUN;
	r->code = 0;
	r->err = 0;
	memset(s, 0, sizeof s);
	for (i = 0; i < 3; i++)
		s[i].o = o;
	s[1].b = &r->out;
	s[2].b = &r->errout;
	if (o->out == PROCESS_CAPTURE)
		buf_reserve(&r->out, o->out_max + 1);
	/* runas_pick() never asks for another user here; running the child
	 * as ourselves instead would be what the caller did not want. */
	if (o->user != NULL && o->user->change) {
		r->err = EINVAL;
		set_error(cause, "cannot run '%s' as another user on Windows", o->path);
		goto out;
	}
	if (process_win_command_line(o->argv, &cmd, cause) < 0) {
		r->err = EINVAL;
		goto out;
	}
	wpath = platform_widen(o->path);
	wcmd = platform_widen(cmd.data);
	wcwd = o->cwd != NULL ? platform_widen(o->cwd) : NULL;
	wenv = o->envp != NULL ? env_block(o->envp) : NULL;
	if (wpath == NULL || wcmd == NULL || (o->cwd != NULL && wcwd == NULL) ||
	    (o->envp != NULL && wenv == NULL)) {
		r->err = EINVAL;
		set_error(cause, "cannot run '%s': its path, arguments or environment are not text",
		    o->path);
		goto out;
	}
	if (std_handles(o, child, s) < 0) {
		fail_win(r, cause, o->path, "pipe: ", GetLastError());
		goto out;
	}
	/* Without a job (a Windows 7 parent job that forbids nesting) the
	 * child alone is ended at the time limit. */
	job = kill_on_close_job();
	if (create_child(wpath, wcmd, wenv, wcwd, child, &pi) < 0) {
		e = GetLastError();
		fail_win(r, cause, o->path, "", e);
		if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND)
			r->end = PROCESS_NOT_FOUND;
		goto out;
	}
	for (i = 0; i < 3; i++) {
		CloseHandle(child[i]); /* its ends are its now: EOF when it ends */
		child[i] = NULL;
	}
	if (job != NULL && !AssignProcessToJobObject(job, pi.hProcess)) {
		CloseHandle(job);
		job = NULL;
	}
	if (start_streams(s, thread) < 0) {
		fail_win(r, cause, o->path, "thread: ", GetLastError());
		goto stop;
	}
	if (o->timeout_ms > 0)
		deadline = GetTickCount64() + (ULONGLONG)o->timeout_ms;
	if (ResumeThread(pi.hThread) == (DWORD)-1) {
		fail_win(r, cause, o->path, "resume: ", GetLastError());
		goto stop;
	}
	ended = wait_all(pi.hProcess, thread, &s[1], deadline);
	if (ended < 0)
		fail_win(r, cause, o->path, "wait: ", GetLastError());
stop:
	/* At the limit, on too much output or a failure: end it and all it
	 * started. Otherwise only a stdin still being fed keeps us: what it
	 * started holds the pipe without reading, and ends with the job. */
	if (ended != 0 || (thread[0] != NULL && WaitForSingleObject(thread[0], 0) != WAIT_OBJECT_0)) {
		if (job != NULL)
			TerminateJobObject(job, 1);
		if (ended != 0)
			TerminateProcess(pi.hProcess, 1);
		/* Without a job, what it started may hold a pipe open. */
		for (i = 0; job == NULL && i < 3; i++)
			if (thread[i] != NULL)
				CancelSynchronousIo(thread[i]);
	}
	for (i = 0; i < 3; i++)
		if (thread[i] != NULL)
			WaitForSingleObject(thread[i], INFINITE);
	if (ended == 1 || ended == 2) {
		r->end = ended == 1 ? PROCESS_TIMED_OUT : PROCESS_TOO_MUCH_OUTPUT;
		process_stopped_cause(o, r->end, cause);
	} else if (ended == 0) {
		if (!GetExitCodeProcess(pi.hProcess, &code)) {
			fail_win(r, cause, o->path, "exit code: ", GetLastError());
		} else {
			r->end = PROCESS_EXITED;
			r->code = (int)code;
			rc = 0;
		}
	}
out:
	for (i = 0; i < 3; i++) {
		if (thread[i] != NULL)
			CloseHandle(thread[i]);
		if (s[i].pipe != NULL)
			CloseHandle(s[i].pipe);
		if (child[i] != NULL)
			CloseHandle(child[i]);
	}
	if (pi.hThread != NULL)
		CloseHandle(pi.hThread);
	if (pi.hProcess != NULL)
		CloseHandle(pi.hProcess);
	if (job != NULL)
		CloseHandle(job);
	buf_release(&cmd);
	free(wpath);
	free(wcmd);
	free(wcwd);
	free(wenv);
	return rc;
}
#endif /* _WIN32 */
