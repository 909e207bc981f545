/*
 * filemap.c - map a file's bytes, guarded against truncation (filemap.h).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#ifndef _WIN32
#include <sys/mman.h>
#endif

#include "base/filemap.h"
#include "base/fileread.h"
#include "base/util.h"

#ifndef _WIN32
/*
 * The live mappings the SIGBUS handler may repair. A fixed table, but not
 * one input can overflow: a run maps one file at a time (the hosts file;
 * two at most while a recovery reads it again), and a mapping that finds no
 * free slot is read into memory instead of going unguarded. Written only
 * outside the handler, with live set last and cleared first, so the handler
 * never sees a half-made entry.
 */
#define GUARD_SLOTS 4

static struct guard {
	volatile uintptr_t start;
	volatile size_t len;        /* rounded up to whole pages */
	volatile sig_atomic_t live;
	volatile sig_atomic_t torn;
} guards[GUARD_SLOTS];

static volatile sig_atomic_t handler_installed;
static struct sigaction previous_action;
static uintptr_t page_size;

/*
 * A read past the end of a file that shrank under its mapping. When it hits
 * a guarded mapping, a private anonymous page (zeros) is put over the page
 * that faulted and the read, retried on return, sees zeros; the mapping is
 * marked torn for its owner to find. mmap is not on POSIX's list of
 * async-signal-safe calls, but it is a plain system call that touches no
 * user-space state (this is how GC runtimes and JVMs handle the same
 * fault), and the fault is synchronous: the code it interrupted is a read,
 * not an allocator.
 */
static void
on_sigbus(int sig, siginfo_t *si, void *context)
{
	uintptr_t at = (uintptr_t)si->si_addr;
	int saved = errno, i;

	(void)context;
	for (i = 0; i < GUARD_SLOTS; i++) {
		if (!guards[i].live || at < guards[i].start || at - guards[i].start >= guards[i].len)
			continue;
		if (mmap((void *)(at & ~(page_size - 1)), (size_t)page_size, PROT_READ,
		    MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED) {
			guards[i].torn = 1;
			errno = saved;
			return;
		}
		break;
	}
	/* Not ours: as if the handler had never been there. Returning runs
	 * the faulting instruction again, which now meets the previous
	 * disposition (by default: killed by SIGBUS, a core dump). A SIGBUS
	 * that was sent, not raised by a fault, would not come again:
	 * raised anew, to be delivered when this handler returns. */
	sigaction(SIGBUS, &previous_action, NULL);
	handler_installed = 0;
	if (si->si_code <= 0)
		raise(sig);
	errno = saved;
}

static int
install_handler(void)
{
	struct sigaction sa;
	long ps;

	if (handler_installed)
		return 0;
	ps = sysconf(_SC_PAGESIZE);
	if (ps <= 0 || (ps & (ps - 1)) != 0)
		return -1;
	page_size = (uintptr_t)ps;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &previous_action) != 0)
		return -1;
	handler_installed = 1;
	return 0;
}

/* A free guard slot, the handler installed; -1 when there is none (the
 * caller reads instead: unguarded, a truncation would kill the run). */
static int
guard_take(void)
{
	int i;

	if (install_handler() != 0)
		return -1;
	for (i = 0; i < GUARD_SLOTS; i++)
		if (!guards[i].live)
			return i;
	return -1;
}

/* Map size (> 0) bytes of fd into fb under a guard; -1 when it cannot be
 * done, fb untouched. */
static int
map_guarded(struct file_bytes *fb, int fd, size_t size)
{
	int slot = guard_take();
	void *p;

	if (slot < 0)
		return -1;
	p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	guards[slot].start = (uintptr_t)p;
	guards[slot].len = (size + page_size - 1) & ~(page_size - 1);
	guards[slot].torn = 0;
	guards[slot].live = 1;
	fb->map = p;
	fb->map_len = size;
	fb->guard = slot;
	fb->data = p;
	fb->len = size;
	return 0;
}
#endif /* !_WIN32 */

void
file_bytes_init(struct file_bytes *fb)
{
	fb->data = "";
	fb->len = 0;
	fb->map = NULL;
	fb->map_len = 0;
	fb->guard = -1;
	buf_init(&fb->heap);
}

int
file_bytes_load(struct file_bytes *fb, int fd, const char *what, size_t size,
    size_t max, enum file_bytes_how how, char **cause)
{
	file_bytes_release(fb);
	if (size > max)
		return set_error(cause, "'%s' is larger than %zu bytes", what, max);
#ifndef _WIN32
	/* An empty file has nothing to map (mmap refuses a length of 0). */
	if (how == FILE_BYTES_MAP && size > 0 && map_guarded(fb, fd, size) == 0)
		return 0;
#else
	(void)how;
#endif
	/* mmap leaves the offset alone: the read starts at 0 all the same. */
	buf_reserve(&fb->heap, size);
	if (file_read_fd(fd, what, 0, max, &fb->heap, NULL, cause) != 0) {
		buf_release(&fb->heap);
		return -1;
	}
	fb->data = fb->heap.data != NULL ? fb->heap.data : "";
	fb->len = fb->heap.len;
	return 0;
}

int
file_bytes_mapped(const struct file_bytes *fb)
{
	return fb->map != NULL;
}

int
file_bytes_torn(const struct file_bytes *fb)
{
#ifndef _WIN32
	return fb->guard >= 0 && guards[fb->guard].torn != 0;
#else
	(void)fb;
	return 0;
#endif
}

void
file_bytes_release(struct file_bytes *fb)
{
#ifndef _WIN32
	if (fb->guard >= 0)
		guards[fb->guard].live = 0;
	/* The pages the handler put over a torn mapping go with it: they
	 * lie inside its range. munmap fails only for a range that is not
	 * a mapping, which this one is: nothing to report. */
	if (fb->map != NULL)
		(void)munmap(fb->map, fb->map_len);
#endif
	buf_release(&fb->heap);
	file_bytes_init(fb);
}
