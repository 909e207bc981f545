/*
 * echo-child.c - the program tests/unit/base/test_process_win runs through
 * process_run() on Windows (built by packaging/windows/build, run under
 * Wine). Plain Win32 calls, no stdio buffering, so what it writes is
 * exactly what the test sees. Wide main: the arguments arrive as Windows
 * parsed the command line, and are printed back in the ANSI code page,
 * as a narrow main() would get them (the code page of the test, which
 * runs without a manifest too: what it passed must come back as it was).
 *
 *   echo          copy stdin to stdout until it ends
 *   args A...     each argument, each followed by a NUL byte
 *   exit N        "bye" on stderr, exit status N
 *   sleep MS      sleep, exit 0
 *   flood N       N bytes on stdout and N on stderr, interleaved
 *   spawn MS      start "echo-child sleep MS" with our standard handles,
 *                 print "<its pid>\n", then sleep MS too
 *   cwd           the current directory
 *   env NAME      the value of NAME ("(unset)" when it is not set)
 *   setevent H    SetEvent on the handle value H (decimal): an event the
 *                 parent made inheritable reaches us only if leaked
 */
#include <windows.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static void
put(DWORD which, const void *p, size_t n)
{
	DWORD done;
	const char *c = p;

	while (n > 0 && WriteFile(GetStdHandle(which), c, (DWORD)n, &done, NULL) && done > 0) {
		c += done;
		n -= done;
	}
}

/* w in the ANSI code page, with its terminating NUL when with_nul. */
static void
put_wide(const wchar_t *w, int with_nul)
{
	char s[4096];
	int n = WideCharToMultiByte(CP_ACP, 0, w, -1, s, sizeof s, NULL, NULL);

	if (n > 0)
		put(STD_OUTPUT_HANDLE, s, (size_t)n - (with_nul ? 0 : 1));
}

static int
spawn(const wchar_t *ms)
{
	wchar_t self[MAX_PATH], cmd[MAX_PATH + 64];
	STARTUPINFOW si;
	PROCESS_INFORMATION pi;
	char line[32];

	if (GetModuleFileNameW(NULL, self, MAX_PATH) == 0)
		return 2;
	_snwprintf(cmd, sizeof cmd / sizeof cmd[0], L"\"%ls\" sleep %ls", self, ms);
	cmd[sizeof cmd / sizeof cmd[0] - 1] = L'\0';
	memset(&si, 0, sizeof si);
	si.cb = sizeof si;
	si.dwFlags = STARTF_USESTDHANDLES;
	si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
	si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
	si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
	if (!CreateProcessW(self, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
		return 2;
	snprintf(line, sizeof line, "%lu\n", (unsigned long)pi.dwProcessId);
	put(STD_OUTPUT_HANDLE, line, strlen(line));
	CloseHandle(pi.hThread);
	CloseHandle(pi.hProcess);
	Sleep((DWORD)_wtol(ms));
	return 0;
}

int
wmain(int argc, wchar_t **argv)
{
	static char chunk[65536];
	wchar_t v[32767];
	DWORD n;
	long left;
	int i;

	if (argc < 2)
		return 2;
	if (wcscmp(argv[1], L"echo") == 0) {
		while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), chunk, sizeof chunk, &n, NULL) && n > 0)
			put(STD_OUTPUT_HANDLE, chunk, n);
	} else if (wcscmp(argv[1], L"args") == 0) {
		for (i = 2; i < argc; i++)
			put_wide(argv[i], 1);
	} else if (wcscmp(argv[1], L"exit") == 0 && argc > 2) {
		put(STD_ERROR_HANDLE, "bye\n", 4);
		return _wtoi(argv[2]);
	} else if (wcscmp(argv[1], L"sleep") == 0 && argc > 2) {
		Sleep((DWORD)_wtol(argv[2]));
	} else if (wcscmp(argv[1], L"flood") == 0 && argc > 2) {
		for (left = _wtol(argv[2]); left > 0; left -= 4096) {
			memset(chunk, 'x', 4096);
			put(STD_OUTPUT_HANDLE, chunk, left < 4096 ? (size_t)left : 4096);
			memset(chunk, 'e', 4096);
			put(STD_ERROR_HANDLE, chunk, left < 4096 ? (size_t)left : 4096);
		}
	} else if (wcscmp(argv[1], L"spawn") == 0 && argc > 2) {
		return spawn(argv[2]);
	} else if (wcscmp(argv[1], L"cwd") == 0) {
		if (GetCurrentDirectoryW(sizeof v / sizeof v[0], v) == 0)
			return 2;
		put_wide(v, 0);
	} else if (wcscmp(argv[1], L"env") == 0 && argc > 2) {
		if (GetEnvironmentVariableW(argv[2], v, sizeof v / sizeof v[0]) == 0)
			put(STD_OUTPUT_HANDLE, "(unset)", 7);
		else
			put_wide(v, 0);
	} else if (wcscmp(argv[1], L"setevent") == 0 && argc > 2) {
		if (SetEvent((HANDLE)(uintptr_t)wcstoull(argv[2], NULL, 10)))
			put(STD_OUTPUT_HANDLE, "set", 3);
	} else {
		return 2;
	}
	return 0;
}
