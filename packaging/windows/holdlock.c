/*
 * holdlock.c - a helper for packaging/windows/test, built with mingw-w64
 * and run under Wine next to amlhosts.exe (never installed).
 *
 *   holdlock lock PATH SECONDS   LockFileEx on PATH, as another amlhosts
 *                                run holds the state lock
 *   holdlock open PATH SECONDS   keep PATH open for reading without
 *                                FILE_SHARE_DELETE, as an antivirus
 *                                scanner or the DNS Client service does
 *   holdlock excl PATH SECONDS   keep PATH open sharing nothing (share
 *                                mode 0), as an editor or a scanner may:
 *                                no one else can even read it
 *
 * SECONDS may have a fraction (1.5). Prints "held" once it holds, then
 * waits and lets go.
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
	double secs;
	int lock;

	if (argc != 4 || (strcmp(argv[1], "lock") != 0 && strcmp(argv[1], "open") != 0 &&
	    strcmp(argv[1], "excl") != 0) || (secs = atof(argv[3])) < 0 || secs > 3600) {
		fprintf(stderr, "usage: holdlock lock|open|excl PATH SECONDS\n");
		return 2;
	}
	lock = strcmp(argv[1], "lock") == 0;
	if (lock)
		h = CreateFileA(argv[2], GENERIC_READ | GENERIC_WRITE,
		    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
		    OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
	else
		h = CreateFileA(argv[2], GENERIC_READ,
		    strcmp(argv[1], "excl") == 0 ? 0 : FILE_SHARE_READ | FILE_SHARE_WRITE,
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
	Sleep((DWORD)(secs * 1000));
	CloseHandle(h);
	return 0;
}
