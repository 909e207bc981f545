/*
 * diff.c - "diff -u" for the plan command.
 *
 * The search is Myers' O(ND) algorithm in its linear-space form (find the
 * middle snake, recurse on both halves), the way GNU diff's diffseq.h does
 * it, followed by GNU's shift_boundaries pass: taking the same decisions
 * as diff makes the output match what users compare it with. Memory is a
 * few words per line; a cost cap (as in GNU diff) bounds the time on
 * files that have almost nothing in common, at the price of a diff that
 * is correct but not minimal.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

#define CONTEXT 3

typedef ptrdiff_t lin;
#define LIN_MAX PTRDIFF_MAX

struct line {
	const char *p;
	size_t len; /* with the line ending */
};

struct text {
	struct line *line;
	lin n;
	lin *id;      /* equivalence class of each line */
	char *changed; /* n + 2 flags; changed[-1] and changed[n] stay 0 */
};

struct ctx {
	const lin *xv, *yv;
	char *xchg, *ychg;
	lin *fdiag, *bdiag;
	lin too_expensive;
};

struct partition {
	lin xmid, ymid;
	int lo_minimal, hi_minimal;
};

static void
split(const char *s, size_t n, struct text *t)
{
	const char *nl;
	size_t off, end, count = 1;

	for (off = 0; off < n; off = (size_t)(nl - s) + 1) {
		nl = memchr(s + off, '\n', n - off);
		if (nl == NULL)
			break;
		count++;
	}
	t->line = xcalloc(count, sizeof *t->line);
	t->n = 0;
	for (off = 0; off < n; off = end) {
		nl = memchr(s + off, '\n', n - off);
		end = nl != NULL ? (size_t)(nl - s) + 1 : n;
		t->line[t->n].p = s + off;
		t->line[t->n].len = end - off;
		t->n++;
	}
	t->id = xcalloc((size_t)t->n + 1, sizeof *t->id);
	t->changed = xcalloc((size_t)t->n + 2, 1);
	t->changed++;
}

static void
text_release(struct text *t)
{
	free(t->line);
	free(t->id);
	if (t->changed != NULL)
		free(t->changed - 1);
}

static uint64_t
line_hash(const struct line *l)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < l->len; i++) {
		h ^= (unsigned char)l->p[i];
		h *= 1099511628211ULL;
	}
	/* FNV's low bits, which pick the slot, mix poorly on their own. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static int
line_eq(const struct line *x, const struct line *y)
{
	return x->len == y->len && memcmp(x->p, y->p, x->len) == 0;
}

/* Number equal lines of [from, to) alike, so the search compares integers. */
static void
classify(struct text *a, struct text *b, lin from, lin suffix)
{
	struct slot {
		const struct line *l;
		uint64_t h;
		lin id;
	} *tab;
	struct text *t;
	size_t cap = 16, mask, k;
	lin i, next = 0;
	uint64_t h;
	int f;

	while (cap / 2 < (size_t)(a->n + b->n - 2 * (from + suffix)))
		cap *= 2;
	mask = cap - 1;
	tab = xcalloc(cap, sizeof *tab);
	for (f = 0; f < 2; f++) {
		t = f == 0 ? a : b;
		for (i = from; i < t->n - suffix; i++) {
			h = line_hash(&t->line[i]);
			for (k = (size_t)h & mask; tab[k].l != NULL; k = (k + 1) & mask)
				if (tab[k].h == h && line_eq(tab[k].l, &t->line[i]))
					break;
			if (tab[k].l == NULL) {
				tab[k].l = &t->line[i];
				tab[k].h = h;
				tab[k].id = next++;
			}
			t->id[i] = tab[k].id;
		}
	}
	free(tab);
}

/*
 * Find the midpoint of the shortest edit script for x[xoff, xlim) and
 * y[yoff, ylim): extend the forward and backward searches one edit at a
 * time until they overlap. fdiag and bdiag are indexed by diagonal x - y.
 */
static void
diag(lin xoff, lin xlim, lin yoff, lin ylim, int find_minimal, struct partition *part,
    struct ctx *c)
{
	lin *const fd = c->fdiag, *const bd = c->bdiag;
	const lin *const xv = c->xv, *const yv = c->yv;
	const lin dmin = xoff - ylim, dmax = xlim - yoff;
	const lin fmid = xoff - yoff, bmid = xlim - ylim;
	lin fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid;
	lin cost, d, x, y, x0, tlo, thi;
	const int odd = (fmid - bmid) & 1;

	fd[fmid] = xoff;
	bd[bmid] = xlim;
	for (cost = 1;; cost++) {
		if (fmin > dmin)
			fd[--fmin - 1] = -1;
		else
			++fmin;
		if (fmax < dmax)
			fd[++fmax + 1] = -1;
		else
			--fmax;
		for (d = fmax; d >= fmin; d -= 2) {
			tlo = fd[d - 1];
			thi = fd[d + 1];
			x0 = tlo < thi ? thi : tlo + 1;
			for (x = x0, y = x0 - d; x < xlim && y < ylim && xv[x] == yv[y]; x++, y++)
				;
			fd[d] = x;
			if (odd && bmin <= d && d <= bmax && bd[d] <= x) {
				part->xmid = x;
				part->ymid = y;
				part->lo_minimal = part->hi_minimal = 1;
				return;
			}
		}

		if (bmin > dmin)
			bd[--bmin - 1] = LIN_MAX;
		else
			++bmin;
		if (bmax < dmax)
			bd[++bmax + 1] = LIN_MAX;
		else
			--bmax;
		for (d = bmax; d >= bmin; d -= 2) {
			tlo = bd[d - 1];
			thi = bd[d + 1];
			x0 = tlo < thi ? tlo : thi - 1;
			for (x = x0, y = x0 - d; xoff < x && yoff < y && xv[x - 1] == yv[y - 1];
			    x--, y--)
				;
			bd[d] = x;
			if (!odd && fmin <= d && d <= fmax && x <= fd[d]) {
				part->xmid = x;
				part->ymid = y;
				part->lo_minimal = part->hi_minimal = 1;
				return;
			}
		}

		if (find_minimal || cost < c->too_expensive)
			continue;

		/* Too costly: split at the furthest point either search reached. */
		{
			lin fxybest = -1, fxbest = 0, bxybest = LIN_MAX, bxbest = 0;

			for (d = fmax; d >= fmin; d -= 2) {
				x = fd[d] < xlim ? fd[d] : xlim;
				y = x - d;
				if (ylim < y) {
					x = ylim + d;
					y = ylim;
				}
				if (fxybest < x + y) {
					fxybest = x + y;
					fxbest = x;
				}
			}
			for (d = bmax; d >= bmin; d -= 2) {
				x = bd[d] > xoff ? bd[d] : xoff;
				y = x - d;
				if (y < yoff) {
					x = yoff + d;
					y = yoff;
				}
				if (x + y < bxybest) {
					bxybest = x + y;
					bxbest = x;
				}
			}
			if ((xlim + ylim) - bxybest < fxybest - (xoff + yoff)) {
				part->xmid = fxbest;
				part->ymid = fxybest - fxbest;
				part->lo_minimal = 1;
				part->hi_minimal = 0;
			} else {
				part->xmid = bxbest;
				part->ymid = bxybest - bxbest;
				part->lo_minimal = 0;
				part->hi_minimal = 1;
			}
			return;
		}
	}
}

static void
compareseq(lin xoff, lin xlim, lin yoff, lin ylim, int find_minimal, struct ctx *c)
{
	struct partition part;

	while (xoff < xlim && yoff < ylim && c->xv[xoff] == c->yv[yoff]) {
		xoff++;
		yoff++;
	}
	while (xoff < xlim && yoff < ylim && c->xv[xlim - 1] == c->yv[ylim - 1]) {
		xlim--;
		ylim--;
	}
	if (xoff == xlim) {
		while (yoff < ylim)
			c->ychg[yoff++] = 1;
	} else if (yoff == ylim) {
		while (xoff < xlim)
			c->xchg[xoff++] = 1;
	} else {
		diag(xoff, xlim, yoff, ylim, find_minimal, &part, c);
		compareseq(xoff, part.xmid, yoff, part.ymid, part.lo_minimal, c);
		compareseq(part.xmid, xlim, part.ymid, ylim, part.hi_minimal, c);
	}
}

/*
 * GNU diff's shift_boundaries: slide each run of changed lines as far as
 * equal lines allow, merging it with neighbouring runs, then back to line
 * up with a run in the other file. Among equally short scripts this picks
 * the one diff prints.
 */
static void
shift_boundaries(struct text *t[2], lin from, lin suffix)
{
	int f;

	/* The lines around [from, n - suffix) are unchanged: sentinels. */
	for (f = 0; f < 2; f++) {
		char *changed = t[f]->changed + from;
		const char *other = t[1 - f]->changed + from;
		const lin *equivs = t[f]->id + from;
		lin i = 0, j = 0, i_end = t[f]->n - from - suffix, runlength, start, corresponding;

		for (;;) {
			while (i < i_end && !changed[i]) {
				while (other[j++])
					;
				i++;
			}
			if (i == i_end)
				break;
			start = i;
			while (changed[++i])
				;
			while (other[j])
				j++;
			do {
				runlength = i - start;
				while (start != 0 && equivs[start - 1] == equivs[i - 1]) {
					changed[--start] = 1;
					changed[--i] = 0;
					while (changed[start - 1])
						start--;
					while (other[--j])
						;
				}
				corresponding = other[j - 1] ? i : i_end;
				while (i != i_end && equivs[start] == equivs[i]) {
					changed[start++] = 0;
					changed[i++] = 1;
					while (changed[i])
						i++;
					while (other[++j])
						corresponding = i;
				}
			} while (runlength != i - start);
			while (corresponding < i) {
				changed[--start] = 1;
				changed[--i] = 0;
				while (other[--j])
					;
			}
		}
	}
}

struct change {
	lin line0, deleted, line1, inserted;
};

static void
put_line(struct buf *out, char mark, const struct line *l)
{
	buf_putc(out, mark);
	buf_append(out, l->p, l->len);
	if (l->len == 0 || l->p[l->len - 1] != '\n')
		buf_puts(out, "\n\\ No newline at end of file\n");
}

/* diff's convention: "l,n", "l" when n is 1, and the line before when empty. */
static void
put_range(struct buf *out, lin from, lin to)
{
	if (to - from == 1)
		buf_printf(out, "%td", from + 1);
	else
		buf_printf(out, "%td,%td", to > from ? from + 1 : from, to - from);
}

size_t
diff_unified(const char *a, size_t alen, const char *b, size_t blen,
    const char *aname, const char *bname, struct buf *out)
{
	struct text ta, tb, *t[2] = { &ta, &tb };
	struct ctx c;
	struct change *ch = NULL;
	size_t nch = 0, cap = 0, k, first, hunks = 0;
	lin i, j, diags, a0, a1, b0, b1, x, pre = 0, suf = 0;
	lin *diagbuf;

	if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0))
		return 0;
	split(a, alen, &ta);
	split(b, blen, &tb);
	/* Plans change a few lines of big files: leave the equal ends out of
	 * the search, all but CONTEXT lines that shift_boundaries may slide
	 * changes into (GNU diff's "horizon"). */
	while (pre < ta.n && pre < tb.n && line_eq(&ta.line[pre], &tb.line[pre]))
		pre++;
	while (suf < ta.n - pre && suf < tb.n - pre &&
	    line_eq(&ta.line[ta.n - 1 - suf], &tb.line[tb.n - 1 - suf]))
		suf++;
	pre = pre > CONTEXT ? pre - CONTEXT : 0;
	suf = suf > CONTEXT ? suf - CONTEXT : 0;
	classify(&ta, &tb, pre, suf);

	diags = ta.n + tb.n + 3;
	diagbuf = xcalloc(2 * (size_t)diags, sizeof *diagbuf);
	c.xv = ta.id;
	c.yv = tb.id;
	c.xchg = ta.changed;
	c.ychg = tb.changed;
	c.fdiag = diagbuf + tb.n + 1;
	c.bdiag = c.fdiag + diags;
	/* GNU diff's cap: about the square root of the size, at least 4096. */
	c.too_expensive = 1;
	for (x = diags; x != 0; x >>= 2)
		c.too_expensive <<= 1;
	if (c.too_expensive < 4096)
		c.too_expensive = 4096;
	compareseq(pre, ta.n - suf, pre, tb.n - suf, 0, &c);
	free(diagbuf);
	shift_boundaries(t, pre, suf);

	for (i = 0, j = 0; i < ta.n || j < tb.n;) {
		if (i < ta.n && j < tb.n && !ta.changed[i] && !tb.changed[j]) {
			i++;
			j++;
			continue;
		}
		if (nch == cap) {
			cap = cap ? 2 * cap : 16;
			ch = xreallocarray(ch, cap, sizeof *ch);
		}
		ch[nch].line0 = i;
		ch[nch].line1 = j;
		while (i < ta.n && ta.changed[i])
			i++;
		while (j < tb.n && tb.changed[j])
			j++;
		ch[nch].deleted = i - ch[nch].line0;
		ch[nch].inserted = j - ch[nch].line1;
		nch++;
	}
	if (nch > 0)
		buf_printf(out, "--- %s\n+++ %s\n", aname, bname);

	for (first = 0; first < nch; first = k) {
		/* Changes less than 2 * CONTEXT + 1 lines apart share a hunk. */
		for (k = first + 1; k < nch &&
		    ch[k].line0 - (ch[k - 1].line0 + ch[k - 1].deleted) < 2 * CONTEXT + 1; k++)
			;
		a0 = ch[first].line0 > CONTEXT ? ch[first].line0 - CONTEXT : 0;
		b0 = ch[first].line1 - (ch[first].line0 - a0);
		a1 = ch[k - 1].line0 + ch[k - 1].deleted + CONTEXT;
		if (a1 > ta.n)
			a1 = ta.n;
		b1 = ch[k - 1].line1 + ch[k - 1].inserted + (a1 - ch[k - 1].line0 - ch[k - 1].deleted);
		buf_puts(out, "@@ -");
		put_range(out, a0, a1);
		buf_puts(out, " +");
		put_range(out, b0, b1);
		buf_puts(out, " @@\n");
		for (i = a0; first < k; first++) {
			for (; i < ch[first].line0; i++)
				put_line(out, ' ', &ta.line[i]);
			for (x = 0; x < ch[first].deleted; x++)
				put_line(out, '-', &ta.line[i++]);
			for (x = 0; x < ch[first].inserted; x++)
				put_line(out, '+', &tb.line[ch[first].line1 + x]);
		}
		for (; i < a1; i++)
			put_line(out, ' ', &ta.line[i]);
		hunks++;
	}
	free(ch);
	text_release(&ta);
	text_release(&tb);
	return hunks;
}
