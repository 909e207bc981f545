/*
 * hostsfile.c - index a hosts file and rewrite the blocks amlhosts manages.
 *
 * Nothing here reformats a line it does not own: lines are copied as byte
 * ranges of the original, and the only bytes amlhosts writes itself are its
 * blocks, the "#amlhosts:<target># " prefixes and the kept lines. That is
 * what makes remove and uninstall give back the original file exactly.
 */
#include "config.h"

#ifndef _WIN32
#include <arpa/inet.h>
#include <netinet/in.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/socket.h>
#endif

#include "hosts/hostsfile.h"
#include "hosts/hostsline.h"
#include "base/platform.h"
#include "base/quote.h"

#define BOM "\xef\xbb\xbf"
#define BOM_LEN 3
#define TARGET_MAX 64
/* Quoted file bytes in a message: a line of 80 with the "..." of a cut. */
#define LINE_QUOTE_MAX 77
#define LIT_LEN(s) (sizeof(s) - 1)

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int
is_target_char(char c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '-';
}

/*
 * Eight bytes at a time: a list of a million lines is 40 MB. eq_mask() has the high bit of each byte of w that equals c set,
 * and no other bit (exact: no borrow runs from one byte into the next).
 */
#define ONES UINT64_C(0x0101010101010101)
#define LOW7 UINT64_C(0x7f7f7f7f7f7f7f7f)

static uint64_t
eq_mask(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (ONES * c);

	return ~(((x & LOW7) + LOW7) | x | LOW7);
}

static size_t
count_byte(const char *p, size_t n, unsigned char c)
{
	size_t i = 0, count = 0;
	uint64_t w;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		/* one bit per match at the top of its byte: their sum */
		count += (size_t)(((eq_mask(w, c) >> 7) * ONES) >> 56);
	}
	for (; i < n; i++)
		count += (unsigned char)p[i] == c;
	return count;
}

static int
target_valid_n(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > TARGET_MAX || !is_alnum(s[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!is_target_char(s[i]))
			return 0;
	return 1;
}

int
hosts_target_name_valid(const char *s)
{
	return s != NULL && target_valid_n(s, strnlen(s, TARGET_MAX + 1));
}

/* A line's text: without the BOM on line 0 (so markers and prefixes are
 * seen there too) and without its line ending. */
static const char *
line_text(const struct hostsfile *hf, size_t i, size_t *n)
{
	const struct hosts_line *l = &hf->lines[i];
	size_t skip = i == 0 && hf->bom ? BOM_LEN : 0;

	*n = l->len - l->eol - skip;
	return hf->data + l->off + skip;
}

enum marker { MARK_NONE, MARK_BEGIN, MARK_END };

/* Returns the marker kind; *name is NULL when the marker's name is invalid.
 * *noeol (if not NULL) is set when an END line carries "\t"
 * HOSTS_NOEOL_MARK, which is not part of the name. */
static enum marker
marker_of(const char *p, size_t n, const char **name, size_t *namelen, int *noeol)
{
	enum marker kind;
	size_t plen, mlen = LIT_LEN(HOSTS_NOEOL_MARK) + 1;

	if (noeol != NULL)
		*noeol = 0;
	if (n == 0 || p[0] != '#')
		return MARK_NONE;
	while (n > 0 && is_blank(p[n - 1]))
		n--;
	if (n > LIT_LEN(HOSTS_END) + mlen && memcmp(p, HOSTS_END, LIT_LEN(HOSTS_END)) == 0 &&
	    p[n - mlen] == '\t' && memcmp(p + n - mlen + 1, HOSTS_NOEOL_MARK, mlen - 1) == 0) {
		n -= mlen;
		if (noeol != NULL)
			*noeol = 1;
	}
	if (n > LIT_LEN(HOSTS_BEGIN) && memcmp(p, HOSTS_BEGIN, LIT_LEN(HOSTS_BEGIN)) == 0) {
		kind = MARK_BEGIN;
		plen = LIT_LEN(HOSTS_BEGIN);
	} else if (n > LIT_LEN(HOSTS_END) && memcmp(p, HOSTS_END, LIT_LEN(HOSTS_END)) == 0) {
		kind = MARK_END;
		plen = LIT_LEN(HOSTS_END);
	} else
		return MARK_NONE;
	*name = p + plen;
	*namelen = n - plen;
	if (!target_valid_n(*name, *namelen))
		*name = NULL;
	return kind;
}

/*
 * Length of a leading "#amlhosts:<target># ", or 0. amlhosts never disables
 * a marker line, so a prefix in front of one was written by someone else;
 * taking it for ours would restore a stray marker and break the file's
 * blocks. Such a line is a plain comment.
 */
static size_t
disabled_prefix(const char *p, size_t n, const char **target, size_t *tlen)
{
	size_t j = LIT_LEN(HOSTS_DISABLED_PREFIX), start, nl;
	const char *nm;

	if (n < j || p[0] != '#' || memcmp(p, HOSTS_DISABLED_PREFIX, j) != 0)
		return 0;
	start = j;
	while (j < n && j - start <= TARGET_MAX && is_target_char(p[j]))
		j++;
	if (j + 2 > n || p[j] != '#' || p[j + 1] != ' ' || !target_valid_n(p + start, j - start))
		return 0;
	if (marker_of(p + j + 2, n - j - 2, &nm, &nl, NULL) != MARK_NONE)
		return 0;
	*target = p + start;
	*tlen = j - start;
	return j + 2;
}

/* The target of a line amlhosts wrote as "<ip>\t<names>\t#amlhosts-kept:<target>"
 * (trailing blanks or a stray CR allowed), or NULL. Only that exact form
 * counts: uninstall deletes these lines, so a user's line that merely ends
 * in the mark must not look like one. */
static const char *
kept_target(const char *p, size_t n, size_t *tlen)
{
	size_t end = n, j, pos = 0, mark = LIT_LEN(HOSTS_KEPT_MARK);
	struct hostsline_field f;

	/* Most lines of a big file have no '#' at all: one memchr rules them out. */
	if (n <= mark || memchr(p, '#', n) == NULL)
		return NULL;
	while (end > 0 && (is_blank(p[end - 1]) || p[end - 1] == '\r'))
		end--;
	j = end;
	while (j > 0 && end - j <= TARGET_MAX && is_target_char(p[j - 1]))
		j--;
	if (j < mark + 1 || !target_valid_n(p + j, end - j) ||
	    memcmp(p + j - mark, HOSTS_KEPT_MARK, mark) != 0 || p[j - mark - 1] != '\t')
		return NULL;
	/* amlhosts writes the address first, as the line it came from had it. */
	if (!hostsline_next(p, n, &pos, &f) || f.off != 0 || !hostsline_addr(p, f.len, NULL))
		return NULL;
	*tlen = end - j;
	return p + j;
}

static void
split_lines(struct hostsfile *hf)
{
	const char *nl;
	size_t off, end, count;
	struct hosts_line *l;

	count = count_byte(hf->data, hf->len, '\n') + 1;
	hf->lines = xcalloc(count, sizeof *hf->lines);
	for (off = 0; off < hf->len; off = end) {
		l = &hf->lines[hf->nlines++];
		l->off = off;
		nl = memchr(hf->data + off, '\n', hf->len - off);
		if (nl == NULL) {
			end = hf->len;
			l->eol = 0;
		} else {
			end = (size_t)(nl - hf->data) + 1;
			l->eol = end - off >= 2 && hf->data[end - 2] == '\r' ? 2 : 1;
		}
		l->len = end - off;
	}
}

static void
release_blocks(struct hostsfile *hf)
{
	size_t i;

	for (i = 0; i < hf->nblocks; i++)
		free(hf->blocks[i].name);
	free(hf->blocks);
	hf->blocks = NULL;
	hf->nblocks = 0;
	free(hf->block_slots);
	hf->block_slots = NULL;
	hf->nslots = 0;
}

/* Is the string s exactly p[0..n)? Block names and targets are compared
 * with the bytes of a marker line, which has no NUL of its own. */
static int
str_is(const char *s, const char *p, size_t n)
{
	return strlen(s) == n && memcmp(s, p, n) == 0;
}

static long
find_block_n(const struct hostsfile *hf, const char *name, size_t n)
{
	size_t mask, i, b;

	if (hf->nslots == 0)
		return -1;
	mask = hf->nslots - 1;
	for (i = (size_t)hash_bytes(name, n, 0) & mask; (b = hf->block_slots[i]) != 0;
	    i = (i + 1) & mask)
		if (str_is(hf->blocks[b - 1].name, name, n))
			return (long)(b - 1);
	return -1;
}

/* Index block bi (its name is set); the table is at most half full. */
static void
index_block(struct hostsfile *hf, size_t bi)
{
	const char *name;
	size_t mask, i, k;

	if (hf->nslots / 2 < bi + 1) {
		free(hf->block_slots);
		hf->nslots = hash_slots(2 * (bi + 1));
		hf->block_slots = xcalloc(hf->nslots, sizeof *hf->block_slots);
		for (k = 0; k < bi; k++)
			index_block(hf, k);
	}
	name = hf->blocks[bi].name;
	mask = hf->nslots - 1;
	for (i = (size_t)hash_bytes(name, strlen(name), 0) & mask; hf->block_slots[i] != 0;
	    i = (i + 1) & mask)
		;
	hf->block_slots[i] = bi + 1;
}

int
hostsfile_parse(struct hostsfile *hf, const char *data, size_t len, char **cause)
{
	const char *p, *name;
	size_t i, n, nlen, cap = 0;
	long open = -1, dup;
	enum marker kind;
	struct hosts_block *b;
	char *q;
	int rc = -1;

	memset(hf, 0, sizeof *hf);
	hf->data = data;
	hf->len = len;
	if (len > UINT32_MAX) {
		set_error(cause, "the file is larger than 4 GiB");
		goto out;
	}
	hf->bom = hostsline_bom(data, len) != 0;
	split_lines(hf);
#ifdef _WIN32
	/* A file with no line ending yet (new, or one line) gets Windows' own. */
	hf->crlf = 1;
#endif
	for (i = 0; i < hf->nlines; i++)
		if (hf->lines[i].eol != 0) {
			hf->crlf = hf->lines[i].eol == 2;
			break;
		}

	for (i = 0; i < hf->nlines; i++) {
		p = line_text(hf, i, &n);
		kind = marker_of(p, n, &name, &nlen, NULL);
		if (kind == MARK_NONE)
			continue;
		if (name == NULL) {
			while (n > 0 && is_blank(p[n - 1]))
				n--;
			q = quote_mem(p, n, LINE_QUOTE_MAX, 0);
			set_error(cause, "line %zu: '%s' does not name a valid block", i + 1, q);
			free(q);
			goto out;
		}
		if (kind == MARK_END) {
			if (open < 0) {
				set_error(cause, "line %zu: '%s%.*s' has no matching BEGIN", i + 1,
				    HOSTS_END, (int)nlen, name);
				goto out;
			}
			b = &hf->blocks[open];
			if (!str_is(b->name, name, nlen)) {
				set_error(cause, "lines %zu and %zu: block '%s' ends with '%s%.*s'",
				    b->begin + 1, i + 1, b->name, HOSTS_END, (int)nlen, name);
				goto out;
			}
			b->end = i;
			open = -1;
			continue;
		}
		if (open >= 0) {
			b = &hf->blocks[open];
			if (str_is(b->name, name, nlen))
				set_error(cause, "lines %zu and %zu: two BEGIN lines for '%s'",
				    b->begin + 1, i + 1, b->name);
			else
				set_error(cause, "lines %zu and %zu: block '%s' has no END before '%s%.*s'",
				    b->begin + 1, i + 1, b->name, HOSTS_BEGIN, (int)nlen, name);
			goto out;
		}
		dup = find_block_n(hf, name, nlen);
		if (dup >= 0) {
			set_error(cause, "lines %zu and %zu: two blocks named '%s'",
			    hf->blocks[dup].begin + 1, i + 1, hf->blocks[dup].name);
			goto out;
		}
		hf->blocks = xgrow(hf->blocks, hf->nblocks, &cap, sizeof *hf->blocks, 4);
		b = &hf->blocks[hf->nblocks];
		b->name = xstrndup(name, nlen);
		b->begin = i;
		b->end = i;
		index_block(hf, hf->nblocks);
		open = (long)hf->nblocks++;
	}
	if (open >= 0) {
		b = &hf->blocks[open];
		set_error(cause, "line %zu: '%s%s' has no matching END", b->begin + 1, HOSTS_BEGIN,
		    b->name);
		goto out;
	}
	rc = 0;
out:
	if (rc != 0) {
		hostsfile_release(hf);
		hf->data = data;
		hf->len = len;
	}
	return rc;
}

void
hostsfile_release(struct hostsfile *hf)
{
	if (hf == NULL)
		return;
	release_blocks(hf);
	free(hf->lines);
	memset(hf, 0, sizeof *hf);
}

long
hostsfile_find_block(const struct hostsfile *hf, const char *target)
{
	return find_block_n(hf, target, strlen(target));
}

/* "ip name... [# comment]" into out, all or nothing: a line with one bad
 * name is not what amlhosts wrote, so none of it is trusted. */
static int
parse_block_line(const char *p, size_t n, struct entry_list *out)
{
	struct strlist toks = STRLIST_INIT, names = STRLIST_INIT;
	struct hostsline_field f;
	struct ipaddr addr;
	size_t i = 0;
	char *norm;
	int rc = -1;

	while (hostsline_next(p, n, &i, &f))
		strlist_push_nocopy(&toks, xstrndup(p + f.off, f.len));
	if (toks.n < 2 || ip_parse(toks.v[0], 0, &addr, NULL) != 0)
		goto out;
	for (i = 1; i < toks.n; i++) {
		if (name_normalize(toks.v[i], 0, &norm, NULL) != 0)
			goto out;
		strlist_push_nocopy(&names, norm);
	}
	for (i = 0; i < names.n; i++)
		entry_list_add(out, names.v[i], &addr);
	rc = 0;
out:
	strlist_release(&toks);
	strlist_release(&names);
	return rc;
}

int
hostsfile_block_entries(const struct hostsfile *hf, size_t block,
    struct entry_list *out, size_t *skipped, char **cause)
{
	const struct hosts_block *b = &hf->blocks[block];
	const char *p;
	size_t i, n, count = 0;

	(void)cause;
	for (i = b->begin + 1; i < b->end; i++) {
		p = line_text(hf, i, &n);
		while (n > 0 && is_blank(p[n - 1]))
			n--;
		while (n > 0 && is_blank(*p)) {
			p++;
			n--;
		}
		if (n == 0 || (n == LIT_LEN(HOSTS_NOTICE) && memcmp(p, HOSTS_NOTICE, n) == 0))
			continue;
		if (parse_block_line(p, n, out) != 0)
			count++;
	}
	if (skipped != NULL)
		*skipped = count;
	return 0;
}

void
hostsfile_block_hash(const struct hostsfile *hf, size_t block, char out[65])
{
	const struct hosts_block *b = &hf->blocks[block];
	const struct hosts_line *last = &hf->lines[b->end];
	size_t n, start;

	start = (size_t)(line_text(hf, b->begin, &n) - hf->data);
	sha256_hex(hf->data + start, last->off + last->len - start, out);
}

size_t
hostsfile_count_disabled(const struct hostsfile *hf, const char *target)
{
	const char *p, *t;
	size_t i, n, tlen, bi = 0, count = 0, want = strlen(target);

	for (i = 0; i < hf->nlines; i++) {
		if (bi < hf->nblocks && hf->blocks[bi].begin == i) {
			i = hf->blocks[bi++].end;
			continue;
		}
		p = line_text(hf, i, &n);
		if (disabled_prefix(p, n, &t, &tlen) > 0 && tlen == want && memcmp(t, target, tlen) == 0)
			count++;
	}
	return count;
}

void
hostsfile_count_disabled_blocks(const struct hostsfile *hf, size_t *counts)
{
	const char *p, *t;
	size_t i, n, tlen, bi = 0;
	long b;

	memset(counts, 0, hf->nblocks * sizeof *counts);
	for (i = 0; i < hf->nlines; i++) {
		if (bi < hf->nblocks && hf->blocks[bi].begin == i) {
			i = hf->blocks[bi++].end;
			continue;
		}
		p = line_text(hf, i, &n);
		if (disabled_prefix(p, n, &t, &tlen) > 0 && (b = find_block_n(hf, t, tlen)) >= 0)
			counts[b]++;
	}
}

void
hostsfile_render_block(const char *target, const struct entry_list *entries,
    int crlf, struct buf *out)
{
	const char *nl = crlf ? "\r\n" : "\n";
	size_t i;

	buf_printf(out, "%s%s%s%s%s", HOSTS_BEGIN, target, nl, HOSTS_NOTICE, nl);
	for (i = 0; entries != NULL && i < entries->n; i++)
		buf_printf(out, "%s\t%s%s", entries->v[i].ip, entries->v[i].name, nl);
	buf_printf(out, "%s%s%s", HOSTS_END, target, nl);
}

/*
 * The names the new file's blocks manage, for one lookup per name on each
 * of possibly 200,000 lines: open addressing, keys compared the way a
 * line names a name by hostsline.h's rule (ASCII case-insensitively, one
 * trailing dot ignored).
 */
struct managed {
	const char *name; /* NULL: empty slot */
	size_t len;
	const struct entry *e[2]; /* its IPv4 and IPv6 address (A and AAAA), or NULL */
	const char *target;
	int applied; /* from a change being applied, not a block that stays */
};

struct nameset {
	struct managed *slot;
	size_t mask;
	uint64_t lens[4]; /* bit n: some name is n bytes long (255: 255 or more) */
};

static size_t
len_bit(size_t n)
{
	return n < 255 ? n : 255;
}

static void
nameset_init(struct nameset *s, size_t n)
{
	size_t cap = hash_slots(n);

	s->slot = xcalloc(cap, sizeof *s->slot);
	s->mask = cap - 1;
	memset(s->lens, 0, sizeof s->lens);
}

/* The slot holding name, or the empty slot where it would go. */
static struct managed *
nameset_slot(const struct nameset *s, const char *p, size_t n)
{
	size_t i = (size_t)hash_bytes(p, n, 1) & s->mask;
	struct managed *m;

	for (;; i = (i + 1) & s->mask) {
		m = &s->slot[i];
		if (m->name == NULL)
			return m;
		if (m->len == n && hostsline_name_eq(p, m->name, n))
			return m;
	}
}

static const struct managed *
nameset_find(const struct nameset *s, const char *p, size_t n)
{
	const struct managed *m;

	n = hostsline_name_len(p, n);
	/* Most names of a big file have a length no managed name has. */
	if (n == 0 || (s->lens[len_bit(n) >> 6] & (UINT64_C(1) << (len_bit(n) & 63))) == 0)
		return NULL;
	m = nameset_slot(s, p, n);
	return m->name != NULL ? m : NULL;
}

/* Add a list's names; a name already there at another address is an error
 * unless neither side is being applied (two blocks that both stay are the
 * user's business). */
static int
nameset_add(struct nameset *s, const struct entry_list *l, const char *target, int applied,
    char **cause)
{
	struct managed *m;
	size_t i;
	int f;

	for (i = 0; l != NULL && i < l->n; i++) {
		m = nameset_slot(s, l->v[i].name, strlen(l->v[i].name));
		/* One address of each family: a name's A and AAAA records. */
		f = l->v[i].addr.family == AF_INET6;
		if (m->name != NULL && m->e[f] == NULL) {
			m->e[f] = &l->v[i];
			continue;
		}
		if (m->name == NULL) {
			m->name = l->v[i].name;
			m->len = strlen(m->name);
			m->e[f] = &l->v[i];
			m->target = target;
			m->applied = applied;
			s->lens[len_bit(m->len) >> 6] |= UINT64_C(1) << (len_bit(m->len) & 63);
			continue;
		}
		if ((m->applied || applied) && ip_compare(&m->e[f]->addr, &l->v[i].addr) != 0)
			return set_error(cause, "name '%s' is %s in block '%s' but %s in block '%s'",
			    m->name, m->e[f]->ip, m->target, l->v[i].ip, target);
	}
	return 0;
}

void
hosts_out_init(struct hosts_out *o)
{
	memset(o, 0, sizeof *o);
	buf_init(&o->side);
}

void
hosts_out_release(struct hosts_out *o)
{
	free(o->v);
	buf_release(&o->side);
	free(o->blocks);
	buf_release(&o->names);
	hosts_out_init(o);
}

void
hosts_out_clear(struct hosts_out *o)
{
	o->n = 0;
	o->len = 0;
	o->side.len = 0;
	o->side_mark = 0;
	o->nblocks = 0;
	o->names.len = 0;
	o->blocks_known = 0;
}

/* A block written at [start, end) of the output. Its name is copied: it
 * may live in a hostsfile freed before the output is used. */
static void
note_block(struct hosts_out *o, const char *name, size_t start, size_t end)
{
	o->blocks = xgrow(o->blocks, o->nblocks, &o->capblocks, sizeof *o->blocks, 8);
	o->blocks[o->nblocks].name = o->names.len;
	o->blocks[o->nblocks].start = start;
	o->blocks[o->nblocks].end = end;
	o->nblocks++;
	buf_append(&o->names, name, strlen(name) + 1);
}

void
hosts_out_note_blocks(struct hosts_out *o, const struct hostsfile *hf)
{
	const struct hosts_line *last;
	size_t i, n, start;

	o->nblocks = 0;
	o->names.len = 0;
	for (i = 0; i < hf->nblocks; i++) {
		start = (size_t)(line_text(hf, hf->blocks[i].begin, &n) - hf->data);
		last = &hf->lines[hf->blocks[i].end];
		note_block(o, hf->blocks[i].name, start, last->off + last->len);
	}
	o->blocks_known = 1;
}

const char *
hosts_out_block_name(const struct hosts_out *o, size_t i)
{
	return o->names.data + o->blocks[i].name;
}

/* SHA-256 of bytes [start, end) of finished o. */
static void
range_hash(const struct hosts_out *o, size_t start, size_t end, char out[65])
{
	struct sha256_piece *pv;
	size_t k, np = 0, at = 0, from, to;

	pv = xcalloc(o->n + 1, sizeof *pv);
	/* The parts of the segments that fall in [start, end). */
	for (k = 0; k < o->n && at < end; at += o->v[k].len, k++) {
		if (at + o->v[k].len <= start)
			continue;
		from = start > at ? start - at : 0;
		to = end < at + o->v[k].len ? end - at : o->v[k].len;
		pv[np].p = o->v[k].data + from;
		pv[np].n = to - from;
		np++;
	}
	sha256_hex_pieces(pv, np, out);
	free(pv);
}

void
hosts_out_block_hash(const struct hosts_out *o, size_t i, char out[65])
{
	range_hash(o, o->blocks[i].start, o->blocks[i].end, out);
}

void
hosts_out_hash(const struct hosts_out *o, char out[65])
{
	range_hash(o, 0, o->len, out);
}

void
hosts_out_take(struct hosts_out *o, struct buf *b)
{
	if (o->n == 0 && o->side.len == 0) {
		buf_release(&o->side);
		o->side = *b;
		buf_init(b);
		return;
	}
	hosts_out_copy(o, b->data, b->len);
	buf_release(b);
}

int
hosts_out_equal(const struct hosts_out *o, const char *data, size_t len)
{
	size_t k, at = 0;

	if (o->len != len)
		return 0;
	for (k = 0; k < o->n; at += o->v[k].len, k++)
		if (memcmp(o->v[k].data, data + at, o->v[k].len) != 0)
			return 0;
	return 1;
}

static void
push_seg(struct hosts_out *o, const char *data, size_t off, size_t len)
{
	o->v = xgrow(o->v, o->n, &o->cap, sizeof *o->v, 16);
	o->v[o->n].data = data;
	o->v[o->n].off = off;
	o->v[o->n].len = len;
	o->n++;
	o->len += len;
}

/* The side bytes appended since the last segment become one. */
static void
close_side(struct hosts_out *o)
{
	if (o->side.len > o->side_mark)
		push_seg(o, NULL, o->side_mark, o->side.len - o->side_mark);
	o->side_mark = o->side.len;
}

void
hosts_out_borrow(struct hosts_out *o, const char *p, size_t n)
{
	struct hosts_seg *last;

	if (n == 0)
		return;
	close_side(o);
	last = o->n > 0 ? &o->v[o->n - 1] : NULL;
	if (last != NULL && last->data != NULL && last->data + last->len == p) {
		last->len += n;
		o->len += n;
		return;
	}
	push_seg(o, p, 0, n);
}

void
hosts_out_copy(struct hosts_out *o, const char *p, size_t n)
{
	buf_append(&o->side, p, n);
}

void
hosts_out_finish(struct hosts_out *o)
{
	size_t i;

	close_side(o);
	for (i = 0; i < o->n; i++)
		if (o->v[i].data == NULL)
			o->v[i].data = o->side.data + o->v[i].off;
}

void
hosts_out_to_buf(const struct hosts_out *o, struct buf *b)
{
	size_t i;

	buf_reserve(b, o->len);
	for (i = 0; i < o->n; i++)
		buf_append(b, o->v[i].data, o->v[i].len);
}

/* Bytes so far, the side bytes not yet in a segment included. */
static size_t
out_len(const struct hosts_out *o)
{
	return o->len + o->side.len - o->side_mark;
}

/* The last byte so far (out_len() > 0). */
static char
out_last(const struct hosts_out *o)
{
	const struct hosts_seg *s;

	if (o->side.len > o->side_mark)
		return o->side.data[o->side.len - 1];
	s = &o->v[o->n - 1];
	return s->data != NULL ? s->data[s->len - 1] : o->side.data[s->off + s->len - 1];
}

static const char *
seg_bytes(const struct hosts_out *o, const struct hosts_seg *s)
{
	return s->data != NULL ? s->data : o->side.data + s->off;
}

/*
 * Take the last line off o (from after the last line ending before its
 * final one, or from body) into tail, when o ends with a line ending: the
 * one line finish_eol() may rewrite, so that only that line is ever copied.
 */
static void
cut_last_line(struct hosts_out *o, size_t body, struct buf *tail)
{
	const char *b;
	size_t total, end, start, segstart, i, k, keep;

	close_side(o);
	total = o->len;
	if (total == body || out_last(o) != '\n')
		return;
	/* Where the last line starts: the segments walked from the end. */
	start = body;
	end = total;
	for (i = o->n; i-- > 0; end = segstart) {
		segstart = end - o->v[i].len;
		b = seg_bytes(o, &o->v[i]);
		k = (end == total ? end - 1 : end);
		while (k > segstart && k > body && b[k - 1 - segstart] != '\n')
			k--;
		if (k > body && k > segstart) {
			start = k;
			break;
		}
		if (segstart <= body)
			break;
	}
	/* Copied out, then cut off: v[i] is the segment start falls in. */
	segstart = total;
	for (i = o->n; i-- > 0;) {
		segstart -= o->v[i].len;
		if (segstart <= start)
			break;
	}
	for (k = i; k < o->n; k++) {
		size_t from = k == i ? start - segstart : 0;

		buf_append(tail, seg_bytes(o, &o->v[k]) + from, o->v[k].len - from);
	}
	keep = start - segstart;
	o->n = i;
	o->len = segstart;
	if (keep > 0)
		push_seg(o, o->v[i].data, o->v[i].off, keep);
	/* The side bytes past the last segment kept are in tail now. */
	o->side.len = 0;
	for (k = o->n; k-- > 0;)
		if (o->v[k].data == NULL) {
			o->side.len = o->v[k].off + o->v[k].len;
			break;
		}
	o->side_mark = o->side.len;
}

struct token {
	size_t off, len;
	const struct managed *m;
};

struct rewriter {
	const struct hostsfile *hf;
	const struct block_change *changes;
	size_t nchanges;
	struct nameset set;
	struct nameset old; /* the names of every block of the file as read */
	struct hosts_kept_edits *edited; /* NULL: not wanted */
	struct buf scratch; /* a kept line as amlhosts would write it */
	size_t keep_kept; /* index + 1 of an edited kept line still to come */
	int keep_strip; /* it loses its mark (its target is removed) */
	size_t drop_kept; /* index + 1 of a kept line written anew above it */
	size_t skip_to; /* lines before it: of a chain written anew (regen_chain()) */
	int added_eol; /* the last line, which had none, got a line ending */
	/* A kept line ends the output without a line ending: the one a block
	 * appended after it adds, that of the line above it (kept_edited()
	 * expects the two alike). tail_eollen 0: none. */
	const char *tail_eol;
	size_t tail_eollen;
	const char *nl;
	struct hosts_out *o;
	struct buf *out; /* o's side: where rendered lines go */
	struct token *tok;
	size_t ntok, captok;
	const char *span; /* original bytes not yet appended to out */
	size_t span_len;
	char addr[INET6_ADDRSTRLEN + 1]; /* the last address field seen, if it fits */
	size_t addr_len;
};

/*
 * Lines copied unchanged are contiguous bytes of the original: they are
 * gathered into one span and become one segment pointing at them, not a
 * copy. Everything else written to out flushes the span first.
 */
static void
flush_span(struct rewriter *rw)
{
	if (rw->span_len > 0)
		hosts_out_borrow(rw->o, rw->span, rw->span_len);
	rw->span_len = 0;
}

static void
emit_orig(struct rewriter *rw, const char *p, size_t n)
{
	if (rw->span_len > 0 && rw->span + rw->span_len == p) {
		rw->span_len += n;
		return;
	}
	flush_span(rw);
	rw->span = p;
	rw->span_len = n;
}

static long
change_of(const struct block_change *changes, size_t nchanges, const char *t, size_t n)
{
	size_t i;

	for (i = 0; i < nchanges; i++)
		if (str_is(changes[i].target, t, n))
			return (long)i;
	return -1;
}

static long
change_index(const struct rewriter *rw, const char *t, size_t n)
{
	return change_of(rw->changes, rw->nchanges, t, n);
}

static void
push_token(struct rewriter *rw, size_t off, size_t len)
{
	rw->tok = xgrow(rw->tok, rw->ntok, &rw->captok, sizeof *rw->tok, 16);
	rw->tok[rw->ntok].off = off;
	rw->tok[rw->ntok].len = len;
	rw->tok[rw->ntok].m = NULL;
	rw->ntok++;
}

/* The line's fields into rw->tok, the address first (hostsline.h); 0 if
 * it maps no name. */
static int
tokenize_live(struct rewriter *rw, const char *p, size_t n)
{
	struct hostsline_field f;
	size_t i = 0;

	rw->ntok = 0;
	while (hostsline_next(p, n, &i, &f))
		push_token(rw, f.off, f.len);
	if (rw->ntok < 2)
		return 0;
	/* Big lists repeat one address ("0.0.0.0") on every line. */
	p += rw->tok[0].off;
	n = rw->tok[0].len;
	if (n != 0 && n == rw->addr_len && memcmp(p, rw->addr, n) == 0)
		return 1;
	if (!hostsline_addr(p, n, NULL))
		return 0;
	/* A zone id can make an address longer than the cache. */
	if (n < sizeof rw->addr) {
		memcpy(rw->addr, p, n);
		rw->addr_len = n;
	}
	return 1;
}

static void
emit_kept_line(struct rewriter *rw, struct buf *out, const char *p, const char *target,
    size_t tlen, const char *eol, size_t eollen)
{
	const char *sep = "\t";
	size_t k;

	buf_append(out, p + rw->tok[0].off, rw->tok[0].len);
	for (k = 1; k < rw->ntok; k++) {
		if (rw->tok[k].m != NULL)
			continue;
		buf_puts(out, sep);
		buf_append(out, p + rw->tok[k].off, rw->tok[k].len);
		sep = " ";
	}
	buf_printf(out, "\t%s", HOSTS_KEPT_MARK);
	buf_append(out, target, tlen);
	buf_append(out, eol, eollen);
}

/*
 * Write line p disabled for target, its fields in rw->tok matched against
 * the new names (rw->set), with a kept line below it when kept names no
 * block manages remain. A last line without a line ending that needs a
 * kept line below it gets a line ending (the kept line starts a line of
 * its own), but the kept line gets none: the file still ends without a
 * final newline, and the kept line, last, says so (see ends_without_eol()).
 * kept_noeol: the kept line this one replaces was such a last line.
 */
static void
disable_line(struct rewriter *rw, const char *p, size_t n, const char *eol, size_t eollen,
    const char *target, size_t tlen, size_t kept, int kept_noeol)
{
	const char *keol = eol;
	size_t keollen = kept_noeol ? 0 : eollen;

	flush_span(rw);
	if (kept > 0 && eollen == 0) {
		/* After a lone CR, CR LF whatever the file's style, as where a
		 * block is appended: finish_eol() takes back two bytes where a
		 * CR precedes the LF, and the CR is the user's. */
		eol = n > 0 && p[n - 1] == '\r' ? "\r\n" : rw->nl;
		eollen = strlen(eol);
	}
	if (kept > 0 && keollen == 0) {
		rw->tail_eol = eol;
		rw->tail_eollen = eollen;
	}
	buf_puts(rw->out, HOSTS_DISABLED_PREFIX);
	buf_append(rw->out, target, tlen);
	buf_puts(rw->out, "# ");
	buf_append(rw->out, p, n);
	buf_append(rw->out, eol, eollen);
	if (kept > 0)
		emit_kept_line(rw, rw->out, p, target, tlen, keol, keollen);
}

/*
 * A live line (or one just restored): disable it if it maps a name a block
 * manages. The target named in the prefix is the first applied one that
 * manages a name of the line, so that re-applying the same change gives
 * the same bytes; a restored line that only maps names of blocks that stay
 * is disabled for them, as it would have been had it been live when they
 * were applied.
 */
static void
check_line(struct rewriter *rw, const char *p, size_t n, const char *eol, size_t eollen,
    int restored)
{
	const char *target = NULL;
	size_t k, kept = 0;

	if (!tokenize_live(rw, p, n))
		goto verbatim;
	for (k = 1; k < rw->ntok; k++) {
		rw->tok[k].m = nameset_find(&rw->set, p + rw->tok[k].off, rw->tok[k].len);
		if (rw->tok[k].m == NULL)
			kept++;
		else if (target == NULL && rw->tok[k].m->applied)
			target = rw->tok[k].m->target;
	}
	for (k = 1; restored && target == NULL && k < rw->ntok; k++)
		if (rw->tok[k].m != NULL)
			target = rw->tok[k].m->target;
	if (target == NULL)
		goto verbatim;
	disable_line(rw, p, n, eol, eollen, target, strlen(target), kept, 0);
	return;
verbatim:
	emit_orig(rw, p, n);
	emit_orig(rw, eol, eollen);
}

void
hosts_kept_edits_clear(struct hosts_kept_edits *l)
{
	while (l->n > 0)
		free(l->v[--l->n].target);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* The target of a kept line as rewrite_line() reads the line: behind any
 * disabled prefixes ("#amlhosts:<t># "), *prefixed telling if there were. */
static const char *
kept_target_behind(const char *p, size_t n, size_t *tlen, int *prefixed)
{
	const char *t;
	size_t plen;

	*prefixed = 0;
	while ((plen = disabled_prefix(p, n, &t, tlen)) > 0) {
		p += plen;
		n -= plen;
		*prefixed = 1;
	}
	return kept_target(p, n, tlen);
}

/* Is line i + 1 a kept line of target t: 1, as amlhosts wrote it; 2,
 * disabled since for another target (behind "#amlhosts:<other># ")? */
static int
kept_below(const struct rewriter *rw, size_t i, const char *t, size_t tlen)
{
	const char *k, *kt;
	size_t kn, klen;
	int prefixed;

	if (i + 1 >= rw->hf->nlines)
		return 0;
	k = line_text(rw->hf, i + 1, &kn);
	kt = kept_target_behind(k, kn, &klen, &prefixed);
	return kt != NULL && klen == tlen && memcmp(kt, t, tlen) == 0 ? 1 + prefixed : 0;
}

/*
 * Line i is disabled for target t (p, n: the original line, eol its
 * ending). Is line i + 1 its kept line, edited by hand? Judged against the
 * names of the file as read, not this change's, so that the answer is the
 * same whatever is being applied. A kept line without a line ending (the
 * file's last, written so by check_line() for a last line that had none)
 * is expected without one; older versions gave it the disabled line's.
 */
static int
kept_edited(struct rewriter *rw, size_t i, const char *p, size_t n, const char *t,
    size_t tlen, const char *eol, size_t eollen)
{
	const char *k;
	size_t kn, j, kept = 0;

	if (kept_below(rw, i, t, tlen) != 1)
		return 0;
	k = line_text(rw->hf, i + 1, &kn);
	/* Without the target's block (deleted by hand) its names are unknown:
	 * the kept line is taken as amlhosts wrote it, as before. */
	if (find_block_n(rw->hf, t, tlen) < 0)
		return 0;
	if (tokenize_live(rw, p, n))
		for (j = 1; j < rw->ntok; j++) {
			rw->tok[j].m = nameset_find(&rw->old, p + rw->tok[j].off, rw->tok[j].len);
			if (rw->tok[j].m == NULL)
				kept++;
		}
	/* Where amlhosts writes no kept line, the one there is the user's. */
	if (kept == 0)
		return 1;
	rw->scratch.len = 0;
	emit_kept_line(rw, &rw->scratch, p, t, tlen, eol,
	    rw->hf->lines[i + 1].eol == 0 ? 0 : eollen);
	kn += rw->hf->lines[i + 1].eol;
	return kn != rw->scratch.len || memcmp(k, rw->scratch.data, kn) != 0;
}

/* Remember the edited kept line after line i and how to write it. */
static void
note_kept_edit(struct rewriter *rw, size_t i, const char *t, size_t tlen, int strip)
{
	struct hosts_kept_edits *l = rw->edited;

	rw->keep_kept = i + 2;
	rw->keep_strip = strip;
	if (l == NULL)
		return;
	l->v = xgrow(l->v, l->n, &l->cap, sizeof *l->v, 4);
	l->v[l->n].line = i + 2;
	l->v[l->n].target = xstrndup(t, tlen);
	l->n++;
}

/* An edited kept line: as it is, or without its mark (and then checked
 * like a restored line, which it now is). */
static void
emit_edited_kept(struct rewriter *rw, const char *p, size_t n, const char *eol,
    size_t eollen, int restore_all)
{
	const char *kt;
	size_t klen, end;

	kt = kept_target(p, n, &klen);
	if (!rw->keep_strip || kt == NULL) {
		emit_orig(rw, p, n + eollen);
		return;
	}
	end = (size_t)(kt - p) - LIT_LEN(HOSTS_KEPT_MARK) - 1; /* the '\t' before the mark */
	if (restore_all) {
		emit_orig(rw, p, end);
		emit_orig(rw, eol, eollen);
	} else
		check_line(rw, p, end, eol, eollen, 1);
}

/*
 * Line i is disabled, behind one prefix, for t, a target this rewrite
 * leaves alone; p, n is the line behind the prefix. Where a change frees a
 * name of it (one a block of the file as read manages and no block does
 * now: a removed block's, or one a changed block no longer lists), that
 * name must come alive again, on the line's kept line, as if the line had
 * been disabled with the names managed now: the kept line below it is
 * dropped and written anew, or one is written where amlhosts wrote none,
 * the disabled line itself staying as it is (its line ending added where
 * it is last without one and now gets a kept line, as check_line() does).
 * Without this the freed name stayed disabled, and the kept line, no
 * longer what amlhosts writes for that line, was later taken for one
 * edited by hand. A kept line edited by hand (kept_edited(), judged
 * against the file as read), a missing kept line where amlhosts wrote one,
 * or one itself disabled for another target (whose own change rewrites
 * it) is left as it is. 1: line i written (and line i + 1 to be dropped).
 */
static int
refresh_kept(struct rewriter *rw, size_t i, const char *p, size_t n, const char *t,
    size_t tlen, const char *eol, size_t eollen)
{
	const struct managed *was;
	size_t j, freed = 0, kept = 0, waskept = 0;
	int below;

	if (rw->nchanges == 0 || find_block_n(rw->hf, t, tlen) < 0)
		return 0;
	below = kept_below(rw, i, t, tlen);
	if (below == 2 || !tokenize_live(rw, p, n))
		return 0;
	for (j = 1; j < rw->ntok; j++) {
		was = nameset_find(&rw->old, p + rw->tok[j].off, rw->tok[j].len);
		rw->tok[j].m = nameset_find(&rw->set, p + rw->tok[j].off, rw->tok[j].len);
		waskept += was == NULL;
		kept += rw->tok[j].m == NULL;
		freed += was != NULL && rw->tok[j].m == NULL;
	}
	/* Most disabled lines free nothing: decided before kept_edited()
	 * renders the kept line to compare it. */
	if (freed == 0 || (!below && waskept > 0))
		return 0;
	if (below) {
		if (kept_edited(rw, i, p, n, t, tlen, eol, eollen))
			return 0;
		/* kept_edited() matched the same fields against the names of
		 * the file as read: matched again against those managed now. */
		for (j = 1; j < rw->ntok; j++)
			rw->tok[j].m = nameset_find(&rw->set, p + rw->tok[j].off, rw->tok[j].len);
	}
	if (below)
		rw->drop_kept = i + 2;
	/* The prefix disabled_prefix() accepted is the one written. */
	disable_line(rw, p, n, eol, eollen, t, tlen, kept,
	    below && rw->hf->lines[i + 1].eol == 0);
	return 1;
}

/* May a chain naming target t be written anew: t is changed, or its
 * block is in the file (a line disabled for a block deleted by hand is
 * left as it is: its names are unknown). */
static int
chain_target_known(const struct rewriter *rw, const char *t, size_t tlen)
{
	return change_index(rw, t, tlen) >= 0 || find_block_n(rw->hf, t, tlen) >= 0;
}

/*
 * Line i is disabled, behind one prefix, for t; p, n is the original line
 * behind it (not a kept line), eol its ending: the root of a chain. Below
 * it amlhosts wrote its kept line (naming t), and where that kept line was
 * disabled since for another target (older versions, one target applied
 * after the other), the kept line of that one below it, and so on:
 *
 *   #amlhosts:A# 10.9.9.9 a b c alias
 *   #amlhosts:B# 10.9.9.9\tb c alias\t#amlhosts-kept:A
 *   #amlhosts:C# 10.9.9.9\tc alias\t#amlhosts-kept:B
 *   10.9.9.9\talias\t#amlhosts-kept:C
 *
 * Every line below the root came from it and the names managed when it
 * was written; so where this rewrite touches the chain (a target it names
 * is changed, a name of the root is freed, or one is being applied), the
 * whole chain is written anew from the root as check_line() writes a line
 * today: the root disabled behind one prefix with one kept line, or the
 * root restored where no block manages a name of it. The prefix keeps
 * naming t while t manages a name of the line (so that applying a target
 * after another, or again, moves no prefix), else the first applied
 * target that does, else the first block that stays that does. So a chain
 * has the shape of the two targets applied in one run, whatever the order
 * of the runs, and removal in any order gives back the root.
 *
 * Left to rewrite_line() (0 returned): a chain naming a target neither
 * changed nor in the file; one whose last kept line was edited by hand
 * (kept_edited(), against the file as read); one whose last line is
 * disabled with names no block of the file as read manages (the kept line
 * amlhosts wrote for them is gone); one this rewrite does not touch. 1: the
 * chain written, its lines below the root to be skipped.
 */
static int
regen_chain(struct rewriter *rw, size_t i, const char *p, size_t n, const char *t,
    size_t tlen, const char *eol, size_t eollen)
{
	const struct hostsfile *hf = rw->hf;
	const struct managed *was, *now;
	const char *k, *pt, *ct = t, *above = p, *kt, *target = NULL, *aeol;
	size_t j, last = i, kn, plen, ptlen, klen, ctlen = tlen, an = n, aeollen, kept = 0;
	int touched, live = 0;

	if (!chain_target_known(rw, t, tlen))
		return 0;
	touched = change_index(rw, t, tlen) >= 0;
	/* The chain: each line a kept line of the target the line above it
	 * is disabled for; it ends at a live one. */
	for (j = i + 1; j < hf->nlines && !live; j++) {
		k = line_text(hf, j, &kn);
		plen = disabled_prefix(k, kn, &pt, &ptlen);
		kt = kept_target(k + plen, kn - plen, &klen);
		if (kt == NULL || klen != ctlen || memcmp(kt, ct, klen) != 0)
			break;
		last = j;
		live = plen == 0;
		if (live)
			break;
		if (!chain_target_known(rw, pt, ptlen))
			return 0;
		touched |= change_index(rw, pt, ptlen) >= 0;
		above = k + plen;
		an = kn - plen;
		ct = pt;
		ctlen = ptlen;
	}
	if (live) {
		/* above: the line above the last, behind its prefix; its
		 * ending follows it */
		k = line_text(hf, last - 1, &kn);
		aeol = k + kn;
		aeollen = hf->lines[last - 1].eol;
		if (kept_edited(rw, last - 1, above, an, ct, ctlen, aeol, aeollen))
			return 0;
	} else if (tokenize_live(rw, above, an)) {
		/* Disabled last: amlhosts wrote a kept line below it if any of
		 * its names was not managed; one that is not there is gone. */
		for (j = 1; j < rw->ntok; j++)
			if (nameset_find(&rw->old, above + rw->tok[j].off, rw->tok[j].len) == NULL)
				return 0;
	}
	if (!tokenize_live(rw, p, n))
		return 0;
	for (j = 1; j < rw->ntok; j++) {
		was = nameset_find(&rw->old, p + rw->tok[j].off, rw->tok[j].len);
		now = rw->tok[j].m = nameset_find(&rw->set, p + rw->tok[j].off, rw->tok[j].len);
		touched |= (was != NULL && now == NULL) || (now != NULL && now->applied);
		if (now == NULL)
			kept++;
		else if (str_is(now->target, t, tlen))
			target = now->target;
	}
	if (!touched)
		return 0;
	for (j = 1; target == NULL && j < rw->ntok; j++)
		if (rw->tok[j].m != NULL && rw->tok[j].m->applied)
			target = rw->tok[j].m->target;
	for (j = 1; target == NULL && j < rw->ntok; j++)
		if (rw->tok[j].m != NULL)
			target = rw->tok[j].m->target;
	rw->skip_to = last + 1;
	if (target == NULL) {
		emit_orig(rw, p, n);
		emit_orig(rw, eol, eollen);
		return 1;
	}
	/* A chain that ends the file without a line ending: the root had
	 * none (check_line() gave it one), and the new kept line gets none. */
	disable_line(rw, p, n, eol, eollen, target, strlen(target), kept,
	    last > i && last == hf->nlines - 1 && hf->lines[last].eol == 0);
	return 1;
}

static void
rewrite_line(struct rewriter *rw, size_t i, int restore_all)
{
	const char *p, *q, *t, *t0 = NULL, *kt;
	size_t n, m, plen, tlen, t0len = 0, plen0 = 0, klen = 0, depth = 0, eollen;
	const char *eol;
	long ci;

	p = line_text(rw->hf, i, &n);
	eol = p + n;
	eollen = rw->hf->lines[i].eol;
	if (rw->keep_kept == i + 1) {
		rw->keep_kept = 0;
		emit_edited_kept(rw, p, n, eol, eollen, restore_all);
		return;
	}
	if (rw->drop_kept == i + 1) {
		rw->drop_kept = 0;
		return;
	}
	if (i < rw->skip_to)
		return;
	q = p;
	m = n;
	while ((plen = disabled_prefix(q, m, &t, &tlen)) > 0) {
		if (depth++ == 0) {
			t0 = t;
			t0len = tlen;
			plen0 = plen;
		}
		q += plen;
		m -= plen;
	}
	kt = kept_target(q, m, &klen);
	if (depth == 1 && kt == NULL && !restore_all &&
	    regen_chain(rw, i, q, m, t0, t0len, eol, eollen))
		return;
	ci = depth > 0 && !restore_all ? change_index(rw, t0, t0len) : -1;
	if (depth > 0 && (restore_all || ci >= 0) &&
	    kept_edited(rw, i, p + plen0, n - plen0, t0, t0len, eol, eollen)) {
		if (ci >= 0 && rw->changes[ci].entries != NULL) {
			/* The user's kept line goes with its disabled line: both stay. */
			note_kept_edit(rw, i, t0, t0len, 0);
			emit_orig(rw, p, n + eollen);
			return;
		}
		note_kept_edit(rw, i, t0, t0len, 1);
	}
	if (restore_all) {
		if (kt == NULL) {
			emit_orig(rw, q, m);
			emit_orig(rw, eol, eollen);
		}
		return;
	}
	if (kt != NULL && change_index(rw, kt, klen) >= 0) {
		/* A kept line of a changed target goes; if it was disabled for
		 * a target left alone, the kept line amlhosts wrote below it
		 * for that one came from it and goes with it. */
		if (depth == 1 && ci < 0 && kept_below(rw, i, t0, t0len) == 1 &&
		    !kept_edited(rw, i, q, m, t0, t0len, eol, eollen))
			rw->drop_kept = i + 2;
		return;
	}
	if (depth == 0)
		check_line(rw, p, n, eol, eollen, 0);
	else if (ci >= 0)
		check_line(rw, p + plen0, n - plen0, eol, eollen, 1);
	else if (depth > 1 || !refresh_kept(rw, i, q, m, t0, t0len, eol, eollen))
		emit_orig(rw, p, n + eollen);
}

/* Is the file's last line a kept line (as rewrite_line() reads it, behind
 * any disabled prefixes) without a line ending, below another line? Then
 * it carries the file's missing final newline (check_line()), and
 * *eol, *eollen are the line ending of the line above it. */
static int
kept_last(const struct hostsfile *hf, const char **eol, size_t *eollen)
{
	const struct hosts_line *above;
	const char *p;
	size_t n, tlen;
	int prefixed;

	if (hf->nlines < 2 || hf->lines[hf->nlines - 1].eol != 0)
		return 0;
	p = line_text(hf, hf->nlines - 1, &n);
	if (kept_target_behind(p, n, &tlen, &prefixed) == NULL)
		return 0;
	above = &hf->lines[hf->nlines - 2];
	*eol = hf->data + above->off + above->len - above->eol;
	*eollen = above->eol;
	return 1;
}

/* Did the file end without a line ending of its own: amlhosts appended
 * blocks after such a line (the last block's END carries HOSTS_NOEOL_MARK;
 * *marked tells this case), the file ends with a kept line without a line
 * ending (kept_last(); *marked too: where the rewrite drops that line, the
 * line ending of the line above is amlhosts' and is cut), or this rewrite
 * appended a block after a last line without one (added_eol)? A last kept
 * line that has a line ending was written by an older version, which gave
 * both it and the line above one: nothing says any more that the file had
 * none. A last END line without a line ending and without the mark is not
 * taken as a missing final newline either: nothing says what preceded the
 * block. */
static int
ends_without_eol(const struct hostsfile *hf, int added_eol, int *marked)
{
	const char *p, *name, *eol;
	size_t n, nlen;

	*marked = 0;
	if (hf->nlines == 0)
		return 0;
	p = line_text(hf, hf->nlines - 1, &n);
	if (marker_of(p, n, &name, &nlen, marked) == MARK_END)
		return *marked;
	if (kept_last(hf, &eol, &nlen)) {
		*marked = 1;
		return 1;
	}
	return added_eol;
}

/*
 * The end of a rewritten file (out, from body on: after any BOM), so that
 * remove and uninstall give back a missing final newline (SPEC 6.1: one is
 * added only where a block is appended). The one bit needed lives in the
 * file itself, not the state directory, so it survives pruned backups, a
 * lost state directory and another --state-dir: when the file ends with a
 * block, its END line carries the mark exactly when the file had no final
 * newline (noeol); when no block is left at the end and the input said
 * the line ending now last was ours (was_marked: the mark of the blocks
 * that followed it, or a last kept line without a line ending that was
 * dropped, whose line above got one), it is cut.
 */
static void
finish_eol(struct hosts_out *out, size_t body, int noeol, int was_marked)
{
	struct buf line = BUF_INIT;
	const char *name;
	size_t eol, nlen;
	int marked;

	/* Only the last line can change: taken off out, put back as it
	 * should end. */
	cut_last_line(out, body, &line);
	if (line.len == 0)
		return; /* no final line ending: nothing to give back */
	eol = line.len >= 2 && line.data[line.len - 2] == '\r' ? 2 : 1;
	if (marker_of(line.data, line.len - eol, &name, &nlen, &marked) == MARK_END &&
	    name != NULL) {
		if (marked != noeol) {
			hosts_out_copy(out, HOSTS_END, LIT_LEN(HOSTS_END));
			hosts_out_copy(out, name, nlen);
			if (noeol)
				hosts_out_copy(out, "\t" HOSTS_NOEOL_MARK,
				    LIT_LEN("\t" HOSTS_NOEOL_MARK));
			hosts_out_copy(out, line.data + line.len - eol, eol);
			goto out;
		}
	} else if (noeol && was_marked)
		line.len -= eol;
	hosts_out_copy(out, line.data, line.len);
out:
	buf_release(&line);
}

/*
 * Copy block b, which no change names, as it is, but for a
 * HOSTS_NOEOL_MARK on its END line (and the blanks after it): only the
 * last line may carry the mark, and finish_eol() writes it there again
 * when this END line is still last. Without this, a block appended after
 * it left the mark on both END lines. Returns the bytes copied.
 */
static size_t
emit_block_unmarked(struct rewriter *rw, const struct hosts_block *b)
{
	const struct hosts_line *last = &rw->hf->lines[b->end];
	const char *p, *q, *name;
	size_t n, m, nlen, start;
	int marked;

	p = line_text(rw->hf, b->begin, &n);
	start = (size_t)(p - rw->hf->data);
	n = last->off + last->len - start;
	q = line_text(rw->hf, b->end, &m);
	if (marker_of(q, m, &name, &nlen, &marked) != MARK_END || !marked) {
		emit_orig(rw, p, n);
		return n;
	}
	m = (size_t)(name + nlen - p);
	emit_orig(rw, p, m);
	emit_orig(rw, rw->hf->data + last->off + last->len - last->eol, last->eol);
	return m + last->eol;
}

int
hostsfile_rewrite_out(const struct hostsfile *hf, const struct block_change *changes,
    size_t nchanges, int restore_all, struct hosts_out *out, struct hosts_kept_edits *edited,
    char **cause)
{
	struct rewriter rw;
	struct entry_list *stay = NULL;
	long *bchange = NULL;
	unsigned char *written = NULL;
	const struct hosts_block *b;
	size_t i, j, n, total = 0, all = 0, body, at;
	int rc = -1, eol_checked = 0, noeol, was_marked;
	char *q;

	hosts_out_clear(out);
	memset(&rw, 0, sizeof rw);
	rw.hf = hf;
	/* An input's last kept line copied as it is; check_line() overrides. */
	if (!kept_last(hf, &rw.tail_eol, &rw.tail_eollen))
		rw.tail_eollen = 0;
	rw.o = out;
	rw.out = &out->side;
	rw.nl = hf->crlf ? "\r\n" : "\n";
	rw.edited = edited;
	if (edited != NULL)
		hosts_kept_edits_clear(edited);
	if (!restore_all) {
		rw.changes = changes;
		rw.nchanges = nchanges;
	}
	for (i = 0; i < rw.nchanges; i++) {
		if (!hosts_target_name_valid(changes[i].target)) {
			q = quote_mem(changes[i].target, strlen(changes[i].target), LINE_QUOTE_MAX, 0);
			set_error(cause, "invalid block name '%s'", q);
			free(q);
			goto out;
		}
		for (j = 0; j < i; j++)
			if (strcmp(changes[i].target, changes[j].target) == 0) {
				set_error(cause, "block '%s' is changed twice", changes[i].target);
				goto out;
			}
	}

	bchange = xcalloc(hf->nblocks + 1, sizeof *bchange);
	stay = xcalloc(hf->nblocks + 1, sizeof *stay);
	written = xcalloc(rw.nchanges + 1, 1);
	for (i = 0; i < hf->nblocks; i++) {
		entry_list_init(&stay[i]);
		bchange[i] = change_index(&rw, hf->blocks[i].name, strlen(hf->blocks[i].name));
		/* Every block's names, for telling an edited kept line; only
		 * those of the blocks that stay are managed after this run. */
		if (hostsfile_block_entries(hf, i, &stay[i], NULL, cause) != 0)
			goto out;
		all += stay[i].n;
		if (!restore_all && bchange[i] < 0)
			total += stay[i].n;
	}
	for (i = 0; i < rw.nchanges; i++)
		if (changes[i].entries != NULL)
			total += changes[i].entries->n;
	nameset_init(&rw.set, total);
	/* Applied names first: they own a name both sides list. */
	for (i = 0; i < rw.nchanges; i++)
		if (nameset_add(&rw.set, changes[i].entries, changes[i].target, 1, cause) != 0)
			goto out;
	for (i = 0; i < hf->nblocks; i++)
		if (!restore_all && bchange[i] < 0 &&
		    nameset_add(&rw.set, &stay[i], hf->blocks[i].name, 0, cause) != 0)
			goto out;
	nameset_init(&rw.old, all);
	/* Never fails: no name of it is being applied. */
	for (i = 0; i < hf->nblocks; i++)
		(void)nameset_add(&rw.old, &stay[i], hf->blocks[i].name, 0, NULL);

	/* Nothing can fail from here on: out only grows. The BOM is the
	 * input's own, and joins the span of its first line if unchanged. */
	if (hf->bom)
		emit_orig(&rw, hf->data, BOM_LEN);
	body = hf->bom ? BOM_LEN : 0;
	for (i = 0, j = 0; i < hf->nlines; i++) {
		if (j < hf->nblocks && hf->blocks[j].begin == i) {
			b = &hf->blocks[j];
			if (restore_all) {
				/* every block goes */
			} else if (bchange[j] >= 0) {
				if (changes[bchange[j]].entries != NULL) {
					flush_span(&rw);
					at = out_len(out);
					hostsfile_render_block(b->name, changes[bchange[j]].entries,
					    hf->crlf, rw.out);
					note_block(out, b->name, at, out_len(out));
					written[bchange[j]] = 1;
				}
			} else {
				/* Where it lands: after what is written and pending. */
				at = out_len(out) + rw.span_len;
				n = emit_block_unmarked(&rw, b);
				note_block(out, b->name, at, at + n);
			}
			i = b->end;
			j++;
			continue;
		}
		rewrite_line(&rw, i, restore_all);
	}
	flush_span(&rw);
	for (i = 0; i < rw.nchanges; i++) {
		if (changes[i].entries == NULL || written[i])
			continue;
		/* A line ending is added after a last line that has none
		 * (besides check_line()'s, above a kept line). */
		if (!eol_checked && out_len(out) > body && out_last(out) != '\n') {
			/* After a lone CR, CR LF whatever the file's style:
			 * finish_eol() takes back two bytes where a CR precedes
			 * the LF, so it must find one it added. */
			if (out_last(out) == '\r')
				buf_puts(rw.out, "\r\n");
			else if (rw.tail_eollen > 0)
				buf_append(rw.out, rw.tail_eol, rw.tail_eollen);
			else
				buf_puts(rw.out, rw.nl);
			rw.added_eol = 1;
		}
		eol_checked = 1;
		at = out_len(out);
		hostsfile_render_block(changes[i].target, changes[i].entries, hf->crlf, rw.out);
		note_block(out, changes[i].target, at, out_len(out));
	}
	noeol = ends_without_eol(hf, rw.added_eol, &was_marked);
	at = out_len(out);
	finish_eol(out, body, noeol, was_marked);
	/* finish_eol() rewrites only the last line: a block that ended the
	 * file ends it still, its END line given or rid of the mark. */
	if (out->nblocks > 0 && out->blocks[out->nblocks - 1].end == at)
		out->blocks[out->nblocks - 1].end = out_len(out);
	hosts_out_finish(out);
	out->blocks_known = 1;
	rc = 0;
out:
	for (i = 0; stay != NULL && i < hf->nblocks; i++)
		entry_list_release(&stay[i]);
	free(stay);
	free(bchange);
	free(written);
	free(rw.set.slot);
	free(rw.old.slot);
	buf_release(&rw.scratch);
	free(rw.tok);
	return rc;
}

/* Does line p[0..n) carry "#amlhosts" anywhere? Every line the rewrite
 * treats as its own outside the blocks (a disabled line, a kept line, one
 * a user wrote to look like either) does; a NUL does not hide it. */
static int
has_amlhosts_mark(const char *p, size_t n)
{
	const char *h, *end = p + n;
	size_t mark = LIT_LEN(HOSTS_DISABLED_PREFIX) - 1; /* "#amlhosts" */

	for (h = p; (h = memchr(h, '#', (size_t)(end - h))) != NULL; h++)
		if ((size_t)(end - h) >= mark && memcmp(h, HOSTS_DISABLED_PREFIX, mark) == 0)
			return 1;
	return 0;
}

/* Does any field of the line (the address included, wider than
 * check_line(), which disables on a name) name a name of set? */
static int
maps_any(const struct nameset *set, const char *p, size_t n)
{
	struct hostsline_field f;
	size_t pos = 0;

	while (hostsline_next(p, n, &pos, &f))
		if (nameset_find(set, p + f.off, f.len) != NULL)
			return 1;
	return 0;
}

/*
 * Are the block's bytes p[0..n) what the rewrite gives back for it, want
 * being hostsfile_render_block()'s? As the last line of the file (last),
 * an END line may carry "\t" HOSTS_NOEOL_MARK before its line ending:
 * finish_eol() writes that mark again, the input's last line saying so.
 */
static int
block_is(const char *p, size_t n, const struct buf *want, int last)
{
	size_t e = want->data[want->len - 2] == '\r' ? 2 : 1, body = want->len - e;
	size_t mark = 1 + LIT_LEN(HOSTS_NOEOL_MARK);

	if (n == want->len)
		return memcmp(p, want->data, n) == 0;
	return last && n == want->len + mark && memcmp(p, want->data, body) == 0 &&
	    p[body] == '\t' && memcmp(p + body + 1, HOSTS_NOEOL_MARK, mark - 1) == 0 &&
	    memcmp(p + body + mark, want->data + body, e) == 0;
}

/*
 * Read with hostsfile_rewrite_out() in mind, this is what makes its output the
 * input itself when no change removes a block:
 *  - no error: valid, distinct targets, no name at two addresses among
 *    them, a block structure hostsfile_parse() takes, and no other block
 *    (whose names could clash with the applied ones, and which a
 *    caller may judge apart, like cmd-apply's check_other_blocks());
 *  - every block is a changed target's and holds exactly what
 *    hostsfile_render_block() writes for it, in the file's line ending
 *    (HOSTS_NOEOL_MARK only on the file's last line, which finish_eol()
 *    writes back; nothing is appended: every target has its block);
 *  - no line outside the blocks carries "#amlhosts" (disabled and kept
 *    lines are re-judged by the rewrite: left to it, as are the hand-edit
 *    warnings about kept lines), or names an applied name in any field
 *    (check_line() would disable it).
 * Everything is read in place: the allocations are the changes' names
 * and one rendered block at a time.
 */
int
hostsfile_apply_unchanged(const char *data, size_t len, const struct block_change *changes,
    size_t nchanges)
{
	struct nameset set;
	struct buf want = BUF_INIT;
	unsigned char *seen;
	const char *nl, *line, *name;
	size_t off, end, n, nlen, i, j, total = 0, block_start = 0, minlen = SIZE_MAX;
	long open = -1, ci;
	int crlf = 0, eol, rc = 0;
	enum marker kind;

	if (len > UINT32_MAX || (len > 0 && data == NULL))
		return 0;
	for (i = 0; i < nchanges; i++) {
		if (changes[i].entries == NULL || !hosts_target_name_valid(changes[i].target))
			return 0;
		for (j = 0; j < i; j++)
			if (strcmp(changes[i].target, changes[j].target) == 0)
				return 0;
		total += changes[i].entries->n;
		for (j = 0; j < changes[i].entries->n; j++)
			if (strlen(changes[i].entries->v[j].name) < minlen)
				minlen = strlen(changes[i].entries->v[j].name);
	}
#ifdef _WIN32
	crlf = 1;
#endif
	/* The file's line ending, as hostsfile_parse() takes it: its first. */
	if (len > 0 && (nl = memchr(data, '\n', len)) != NULL)
		crlf = nl > data && nl[-1] == '\r';
	seen = xcalloc(nchanges + 1, 1);
	nameset_init(&set, total);
	for (i = 0; i < nchanges; i++)
		if (nameset_add(&set, changes[i].entries, changes[i].target, 1, NULL) != 0)
			goto out;
	for (off = 0; off < len; off = end) {
		nl = memchr(data + off, '\n', len - off);
		end = nl == NULL ? len : (size_t)(nl - data) + 1;
		eol = nl == NULL ? 0 : end - off >= 2 && data[end - 2] == '\r' ? 2 : 1;
		/* line_text(): the first line is read after a BOM */
		line = data + off + (off == 0 ? hostsline_bom(data, len) : 0);
		n = (size_t)(data + end - eol - line);
		kind = marker_of(line, n, &name, &nlen, NULL);
		if (open >= 0) {
			if (kind == MARK_NONE)
				continue;
			if (kind != MARK_END || name == NULL ||
			    !str_is(changes[open].target, name, nlen))
				goto out;
			want.len = 0;
			hostsfile_render_block(changes[open].target, changes[open].entries, crlf,
			    &want);
			if (!block_is(data + block_start, end - block_start, &want, end == len))
				goto out;
			open = -1;
			continue;
		}
		if (kind != MARK_NONE) {
			if (kind != MARK_BEGIN || name == NULL ||
			    (ci = change_of(changes, nchanges, name, nlen)) < 0 || seen[ci])
				goto out;
			seen[ci] = 1;
			open = ci;
			block_start = (size_t)(line - data);
			continue;
		}
		/* A field names a name only if it is at least as long: most
		 * lines are shorter than any private-endpoint name. */
		if (has_amlhosts_mark(line, n) || (n >= minlen && maps_any(&set, line, n)))
			goto out;
	}
	if (open >= 0)
		goto out;
	for (i = 0; i < nchanges; i++)
		if (!seen[i])
			goto out;
	rc = 1;
out:
	free(seen);
	free(set.slot);
	buf_release(&want);
	return rc;
}
