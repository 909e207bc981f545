/*
 * util.h - small helpers shared by every module: growable buffers, string
 * lists and error messages (whole-file reads: fileread.h).
 *
 * Ownership: a function that returns char * returns a new string the caller
 * frees. Memory exhaustion is not recoverable in a short-lived tool: the x*
 * allocators print "out of memory" and exit 1 (as git's xmalloc does). This is
 * the only place a module may exit, and it never happens between creating a
 * temporary file and renaming it (atomicfile allocates before it starts).
 *
 * Errors: functions return 0 on success and -1 on failure. Where they take a
 * "char **cause", a failure stores a new, lower-case message without a final
 * full stop (git style) that the caller prints and frees. cause may be NULL.
 */
#ifndef AMLHOSTS_UTIL_H
#define AMLHOSTS_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Print "out of memory" and exit 1. */
_Noreturn void out_of_memory(void);
/* fn (NULL: none) is called by out_of_memory() before it exits: what must
 * not outlive a run that stops there, such as a temporary file beside the
 * hosts file (atomicfile.c). It must not allocate. One at a time. */
void out_of_memory_cleanup(void (*fn)(void));
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
/* Room for one more element in the growable array p of n elements of size
 * bytes, with room for *cap: when full, *cap doubles (from first when 0) and
 * the moved array is returned; otherwise p itself. The one growth rule of
 * every list: "l->v = xgrow(l->v, l->n, &l->cap, sizeof *l->v, 16);". */
void *xgrow(void *p, size_t n, size_t *cap, size_t size, size_t first);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Store a formatted message in *cause (if cause is not NULL); returns -1 so
 * callers can write "return set_error(cause, ...)". An existing message is
 * replaced, and the new one may quote it. */
int set_error(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A growable byte buffer; data is always NUL-terminated (not counted in len)
 * so it can be used as a string when it holds text. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};
#define BUF_INIT { NULL, 0, 0 }
void buf_init(struct buf *b);
void buf_release(struct buf *b);
void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Take the data out; the buffer is left empty. Never NULL. */
char *buf_detach(struct buf *b, size_t *len);

/* A list of owned strings. */
struct strlist {
	char **v;
	size_t n;
	size_t cap;
};
#define STRLIST_INIT { NULL, 0, 0 }
void strlist_init(struct strlist *l);
void strlist_release(struct strlist *l);
void strlist_push(struct strlist *l, const char *s);
void strlist_push_nocopy(struct strlist *l, char *s);
int strlist_contains(const struct strlist *l, const char *s);
/* Split "a, b ,c" on commas, trimming blanks; empty items are skipped. */
void strlist_split_commas(struct strlist *l, const char *s);
/* Join with a separator; new string. */
char *strlist_join(const struct strlist *l, const char *sep);

/* Write all of [p, p+n) to fd, retrying EINTR and short writes. */
int write_all(int fd, const void *p, size_t n);

/* ASCII-only helpers: the hosts file and JSON keys are not locale text. */
int ascii_strcasecmp(const char *a, const char *b);
void ascii_lower(char *s);
char *trim_blanks(char *s);

/* For open-addressing hash tables. hash_bytes: FNV-1a of [p, p+n), ASCII
 * letters folded to lower case when fold_case, then mixed so the low bits
 * that pick a slot depend on every byte. hash_slots: a power of two, at
 * least 16, at least twice n, so a table of n keys stays half empty. */
uint64_t hash_bytes(const void *p, size_t n, int fold_case);
size_t hash_slots(size_t n);

/* SHA-256 of [p, p+n) as 64 lowercase hex digits plus NUL in out. */
void sha256_hex(const void *p, size_t n, char out[65]);
/* The same of the bytes of v[0..nv) one after the other (platform.h). */
struct sha256_piece;
void sha256_hex_pieces(const struct sha256_piece *v, size_t nv, char out[65]);

/* Wipe a secret before freeing it. */
void secure_wipe(void *p, size_t n);

#endif
