/*
 * filemap.h - a file's bytes, mapped read-only where that works, read into
 * memory where it does not.
 *
 * Calling sequence:
 *
 *   struct file_bytes fb;
 *   file_bytes_init(&fb);
 *   file_bytes_load(&fb, fd, "/etc/hosts", size, max, FILE_BYTES_MAP, &cause);
 *   ... read fb.data[0 .. fb.len) (fd may be closed: the bytes stay) ...
 *   if (file_bytes_torn(&fb)) ... another program cut the file short ...
 *   file_bytes_release(&fb);
 *
 * A mapping (MAP_PRIVATE, PROT_READ) of a regular file costs no copy and no
 * memory of its own, but the file can be truncated under it by a program
 * that does not honour amlhosts' locks, and reading a page past the new end
 * raises SIGBUS, which would kill the run. The first mapping installs a
 * SIGBUS handler that, for a fault inside a mapping made here, maps a zero
 * page over the faulting page and marks that mapping torn: the read goes on
 * and sees zeros. A torn mapping's bytes are not the file's: whoever uses
 * them checks file_bytes_torn() before acting on anything computed from
 * them. Every other SIGBUS behaves as it would without the handler.
 *
 * The bytes are read instead of mapped (fb.data then points into a heap
 * copy) when the caller asks so (FILE_BYTES_READ), for an empty file, when
 * mmap fails, when all guard slots are in use, and always on Windows. The
 * mapping covers the size given (the size at fstat): bytes the file gains
 * later are not seen; a read copy holds what a read to the end found.
 *
 * Single-threaded use: the guard registry is not locked (a signal handler
 * could not take a lock anyway).
 */
#ifndef AMLHOSTS_FILEMAP_H
#define AMLHOSTS_FILEMAP_H

#include <stddef.h>
#include "base/util.h"

/* How file_bytes_load() gets the bytes. */
enum file_bytes_how {
	FILE_BYTES_MAP = 0, /* map where possible, else read */
	FILE_BYTES_READ,    /* always read: e.g. a file this run rewrites in
	                     * place, which a private mapping would show
	                     * changing under it */
};

struct file_bytes {
	const char *data; /* never NULL ("" when empty) */
	size_t len;
	/* Private. */
	void *map;        /* the mapping, or NULL */
	size_t map_len;
	int guard;        /* its guard slot, -1 if none */
	struct buf heap;  /* the read copy when not mapped */
};

void file_bytes_init(struct file_bytes *fb);

/* Load fb (released first) from fd, open for reading at offset 0, whose
 * fstat gave size: mapped, or read to the end up to max bytes (what names
 * the file in messages). 0, or -1 with cause. */
int file_bytes_load(struct file_bytes *fb, int fd, const char *what, size_t size,
    size_t max, enum file_bytes_how how, char **cause);

/* Is fb mapped (rather than a read copy)? */
int file_bytes_mapped(const struct file_bytes *fb);

/* 1 when the file shrank under fb's mapping and a read past its new end
 * saw zeros in place of bytes; 0 otherwise (and always for a read copy). */
int file_bytes_torn(const struct file_bytes *fb);

/* Unmap or free; fb is empty afterwards (data "", len 0). Safe to call
 * twice and on an initialized fb never loaded. */
void file_bytes_release(struct file_bytes *fb);

#endif
