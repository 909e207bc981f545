/*
 * util.c - allocation, buffers and string lists (whole-file reads are in
 * fileread.c).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/platform.h"
#include "base/util.h"

static void (*oom_cleanup)(void);

void
out_of_memory_cleanup(void (*fn)(void))
{
	oom_cleanup = fn;
}

_Noreturn void
out_of_memory(void)
{
	static const char msg[] = "amlhosts: out of memory\n";

	if (oom_cleanup != NULL)
		oom_cleanup();

	/* Nothing that allocates: we are here because allocation failed. */
	if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) {
		/* nothing more can be done */
	}
	_exit(1);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		out_of_memory();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		out_of_memory();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		out_of_memory();
	return q;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		out_of_memory();
	return xrealloc(p, n * size);
}

void *
xgrow(void *p, size_t n, size_t *cap, size_t size, size_t first)
{
	if (n < *cap)
		return p;
	/* Doubling keeps n pushes O(n); a capacity that cannot double is
	 * beyond any allocation anyway. */
	if (*cap > SIZE_MAX / 2)
		out_of_memory();
	*cap = *cap ? *cap * 2 : first;
	return xreallocarray(p, *cap, size);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		out_of_memory();
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

int
set_error(char **cause, const char *fmt, ...)
{
	va_list ap;

	char *msg;

	if (cause == NULL)
		return -1;
	/* Format first: the new message may quote the old one. */
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	free(*cause);
	*cause = msg;
	return -1;
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
buf_release(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reserve(struct buf *b, size_t extra)
{
	size_t want;

	if (extra > SIZE_MAX - b->len - 1)
		out_of_memory();
	want = b->len + extra + 1;
	if (want <= b->cap)
		return;
	if (b->cap < 64)
		b->cap = 64;
	while (b->cap < want)
		b->cap = b->cap > SIZE_MAX / 2 ? want : b->cap * 2;
	b->data = xrealloc(b->data, b->cap);
}

void
buf_append(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void
buf_putc(struct buf *b, char c)
{
	buf_append(b, &c, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		out_of_memory();
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *
buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (b->data == NULL)
		buf_reserve(b, 0);
	p = b->data;
	p[b->len] = '\0';
	if (len != NULL)
		*len = b->len;
	buf_init(b);
	return p;
}

void
strlist_init(struct strlist *l)
{
	l->v = NULL;
	l->n = 0;
	l->cap = 0;
}

void
strlist_release(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	strlist_init(l);
}

void
strlist_push_nocopy(struct strlist *l, char *s)
{
	l->v = xgrow(l->v, l->n, &l->cap, sizeof *l->v, 8);
	l->v[l->n++] = s;
}

void
strlist_push(struct strlist *l, const char *s)
{
	strlist_push_nocopy(l, xstrdup(s));
}

int
strlist_contains(const struct strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

void
strlist_split_commas(struct strlist *l, const char *s)
{
	const char *p = s, *comma;
	char *item;

	if (s == NULL)
		return;
	for (;;) {
		comma = strchr(p, ',');
		item = comma ? xstrndup(p, (size_t)(comma - p)) : xstrdup(p);
		if (*trim_blanks(item) != '\0')
			strlist_push(l, trim_blanks(item));
		free(item);
		if (comma == NULL)
			break;
		p = comma + 1;
	}
}

char *
strlist_join(const struct strlist *l, const char *sep)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (i > 0)
			buf_puts(&b, sep);
		buf_puts(&b, l->v[i]);
	}
	return buf_detach(&b, NULL);
}

int
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int
ascii_strcasecmp(const char *a, const char *b)
{
	unsigned char ca, cb;

	do {
		ca = (unsigned char)*a++;
		cb = (unsigned char)*b++;
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
	} while (ca != '\0' && ca == cb);
	return (int)ca - (int)cb;
}

void
ascii_lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
}

uint64_t
hash_bytes(const void *p, size_t n, int fold_case)
{
	const unsigned char *s = p;
	uint64_t h = 14695981039346656037ULL;
	unsigned char c;
	size_t i;

	for (i = 0; i < n; i++) {
		c = s[i];
		if (fold_case && c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		h ^= c;
		h *= 1099511628211ULL;
	}
	/* FNV's low bits, which pick the slot, mix poorly on their own. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

size_t
hash_slots(size_t n)
{
	size_t cap = 16;

	while (cap / 2 < n) {
		if (cap > SIZE_MAX / 2)
			out_of_memory();
		cap *= 2;
	}
	return cap;
}

char *
trim_blanks(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

void
sha256_hex(const void *p, size_t n, char out[65])
{
	struct sha256_piece one = { p, n };

	sha256_hex_pieces(&one, 1, out);
}

void
sha256_hex_pieces(const struct sha256_piece *v, size_t nv, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int i;

	platform_sha256_pieces(v, nv, md);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

void
secure_wipe(void *p, size_t n)
{
	if (p == NULL)
		return;
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(p, n);
#else
	{
		volatile unsigned char *v = p;

		while (n--)
			*v++ = 0;
	}
#endif
}
