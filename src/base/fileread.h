/*
 * fileread.h - the one way amlhosts reads a whole file: the hosts file, the
 * configuration, JSON input, the journal and its backups, secret files.
 *
 * Every file the tool reads may be hostile (a FIFO that never gets a
 * writer, a symbolic link planted by another user, a file of gigabytes, a
 * configuration another user may edit). The checks each caller needs are
 * asked for with flags, so each call site says in one word what it trusts.
 *
 * Calling sequence: file_read() for a path, file_read_fd() for an open
 * descriptor (standard input). Where the caller needs the descriptor
 * between the checks and the read (atomicfile asks it for the immutable
 * flag and its filesystem), file_open() then file_read_fd(), then close().
 *
 * Errors: 0 on success; -1 with *kind (if kind is not NULL) saying what
 * went wrong, so callers map failures to exit codes without reading text,
 * and *cause (util.h) a message naming the path. On failure, out holds
 * whatever was read (unspecified: release it); with FILE_READ_SECRET it is
 * wiped and released.
 */
#ifndef AMLHOSTS_FILEREAD_H
#define AMLHOSTS_FILEREAD_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "base/util.h"

/* Refuse what is not a regular file: directories, FIFOs, sockets, devices.
 * The file is opened O_NONBLOCK and looked at with fstat before anything is
 * read, so a FIFO without a writer cannot hang the tool and /dev/zero
 * cannot feed it forever. Every caller today wants this. */
#define FILE_READ_REGULAR    0x01u
/* Refuse a symbolic link as the last component (O_NOFOLLOW): for files in
 * a directory the tool owns, where a link can only be someone's trick. */
#define FILE_READ_NOFOLLOW   0x02u
/* Refuse a file that group or others may read or write (POSIX mode bits):
 * a secret others can read is no longer a secret, and one others can write
 * is not the owner's. On Windows the file's ACL decides. */
#define FILE_READ_OWNER_ONLY 0x04u
/* When running as root (effective uid 0): refuse a file not owned by root
 * or writable by group or others. For the configuration, which decides
 * what goes into a system file: as root, trust only root (doas does the
 * same). Not checked on Windows, where the ACL decides. */
#define FILE_READ_ROOT_OWNED 0x08u
/* The content is a secret: the buffer is allocated once, at max + 2 bytes,
 * and never reallocated (so no copy is left behind in freed memory);
 * nothing is ever written past out->data[max + 1]. A failure wipes and
 * releases it; release a success with file_read_wipe(). Pass an empty out
 * (what it holds would be moved once into the secret's buffer). */
#define FILE_READ_SECRET     0x10u

enum file_read_error {
	FILE_READ_OK = 0,
	FILE_READ_NOT_FOUND,    /* no such file (ENOENT, ENOTDIR) */
	FILE_READ_UNREADABLE,   /* could not be opened: permissions, a loop... */
	FILE_READ_SYMLINK,      /* a symbolic link, with FILE_READ_NOFOLLOW */
	FILE_READ_NOT_REGULAR,  /* a directory, FIFO, socket or device */
	FILE_READ_TOO_BIG,      /* more than max bytes */
	FILE_READ_UNSAFE_OWNER, /* FILE_READ_ROOT_OWNED: not owned by root */
	FILE_READ_UNSAFE_MODE,  /* group or others may read/write it (flags) */
	FILE_READ_IO            /* fstat or read failed */
};

/* What is known about the file: st once it could be looked at (always on
 * success; on failure unless the kind is NOT_FOUND, SYMLINK or an
 * UNREADABLE whose stat failed too, where it is zeroed); err is the errno
 * of the system call that failed, 0 if none did. A failure of open(2)
 * has err set and a kind other than FILE_READ_IO (which is fstat or
 * read), so a caller can word it its own way ("cannot open configuration
 * '%s': %s"). When the file is there but cannot be opened, the kind says
 * what it is if that alone would refuse it (NOT_REGULAR, TOO_BIG). */
struct file_info {
	struct stat st;
	int err;
};

/* Open path for reading and make the checks flags ask for (the size check
 * against max included). Returns the descriptor, or -1. info and kind may
 * be NULL. */
int file_open(const char *path, unsigned flags, size_t max, struct file_info *info,
    enum file_read_error *kind, char **cause);

/* Append everything from fd to out, up to max bytes (FILE_READ_TOO_BIG
 * beyond that); what names the input in messages ("standard input"). Of
 * the flags only FILE_READ_SECRET matters here. EINTR is retried. */
int file_read_fd(int fd, const char *what, unsigned flags, size_t max, struct buf *out,
    enum file_read_error *kind, char **cause);

/* file_open(), then file_read_fd() into out (appended), then close. */
int file_read(const char *path, unsigned flags, size_t max, struct buf *out,
    struct file_info *info, enum file_read_error *kind, char **cause);

#ifndef _WIN32
/* file_open() and file_read() of name relative to the directory dirfd
 * (openat: a name of one component, as it is in that directory, however
 * the directory was reached); path names the file in messages, which are
 * file_open()'s. */
int file_open_at(int dirfd, const char *name, const char *path, unsigned flags, size_t max,
    struct file_info *info, enum file_read_error *kind, char **cause);
int file_read_at(int dirfd, const char *name, const char *path, unsigned flags, size_t max,
    struct buf *out, struct file_info *info, enum file_read_error *kind, char **cause);
#endif

/* Wipe all of b's allocation, then release it: for FILE_READ_SECRET. */
void file_read_wipe(struct buf *b);

#endif
