/*
 * holdlock.c - a helper for packaging/windows/test, built with mingw-w64
 * and run under Wine next to amlhosts.exe (never installed).
 *
 *   holdlock lock PATH SECONDS   LockFileEx on PATH, as another amlhosts
 *                                run holds the state lock
 *   holdlock open PATH SECONDS   keep PATH open for reading without
 *                                FILE_SHARE_DELETE, as an antivirus
 *                                scanner or the DNS Client service does
 *
 * Prints "held" once it holds, then waits and lets go.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(int argc, char **argv)
{
	OVERLAPPED ov;
	HANDLE h;
	int lock;

	if (argc != 4 || (strcmp(argv[1], "lock") != 0 && strcmp(argv[1], "open") != 0)) {
		fprintf(stderr, "usage: holdlock lock|open PATH SECONDS\n");
		return 2;
	}
	lock = strcmp(argv[1], "lock") == 0;
	if (lock)
		h = CreateFileA(argv[2], GENERIC_READ | GENERIC_WRITE,
		    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
		    OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
	else
		h = CreateFileA(argv[2], GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
		    NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		fprintf(stderr, "holdlock: cannot open %s: error %lu\n", argv[2], GetLastError());
		return 1;
	}
	memset(&ov, 0, sizeof ov);
	if (lock && !LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ov)) {
		fprintf(stderr, "holdlock: cannot lock %s: error %lu\n", argv[2], GetLastError());
		return 1;
	}
	printf("held\n");
	fflush(stdout);
	Sleep((DWORD)atoi(argv[3]) * 1000);
	CloseHandle(h);
	return 0;
}
