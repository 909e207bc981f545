/*
 * diff.c - "diff -u" for the plan command.
 *
 * Myers' O(ND) search in its linear-space form: the greedy search runs from
 * both ends at once, and where the two frontiers meet lies a piece of a
 * shortest edit script that splits the problem in two. Memory stays a few
 * words per line, and the equal ends of the files (most of a big hosts file
 * when a plan changes a block) are set aside before the search. On files
 * with almost nothing in common, a cost cap trades minimality for time, as
 * GNU diff does. Among equally short scripts, runs of inserted or deleted
 * lines are slid as far down as equal lines allow, which is where diff(1)
 * puts them too.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hosts/diff.h"

#define CONTEXT 3

typedef ptrdiff_t lin;
#define LIN_MAX PTRDIFF_MAX
/* Past this edit cost, settle for a good split rather than the best one. */
#define COST_LIMIT 1024

static int
is_odd(lin v)
{
	return v % 2 != 0;
}

struct line {
	const char *p;
	size_t len; /* with the line ending */
};

struct text {
	struct line *line;
	lin n;
	lin *id;       /* equivalence class of each line */
	char *changed; /* deleted (a) or inserted (b); changed[n] stays 0 */
};

/*
 * One search: class ids of the two sides, their change flags, and the
 * furthest points reached on each diagonal k = x - y by the forward and
 * the backward search (indexed from -m - 1 to n + 1 for any part searched).
 */
struct search {
	const lin *a, *b;
	char *adel, *bins;
	lin *fwd, *bwd;
	lin limit; /* edit cost after which a good split will do */
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
	t->changed = xcalloc((size_t)t->n + 1, 1);
}

static void
text_release(struct text *t)
{
	free(t->line);
	free(t->id);
	free(t->changed);
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
	size_t cap, mask, k;
	lin i, next = 0;
	uint64_t h;
	int f;

	cap = hash_slots((size_t)(a->n + b->n - 2 * (from + suffix)));
	mask = cap - 1;
	tab = xcalloc(cap, sizeof *tab);
	for (f = 0; f < 2; f++) {
		t = f == 0 ? a : b;
		for (i = from; i < t->n - suffix; i++) {
			h = hash_bytes(t->line[i].p, t->line[i].len, 0);
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
 * A point of a shortest script for a[0, n) -> b[0, m) (n, m > 0, first and
 * last lines different) other than its ends. Step d extends every
 * diagonal's furthest point by one edit and a run of equal lines, forward
 * from (0, 0) and backward from (n, m); points that would leave the grid
 * are not taken, and -1 / LIN_MAX mark diagonals no path reaches. The
 * frontiers meet at step d = ceil(D / 2) on a diagonal whose forward point
 * (odd D) or backward point (even D) lies on a shortest script.
 */
static void
middle(const struct search *s, lin ao, lin n, lin bo, lin m, lin *xmid, lin *ymid)
{
	const lin *a = s->a + ao, *b = s->b + bo;
	lin *f = s->fwd, *r = s->bwd;
	const lin delta = n - m;
	const int odd = is_odd(delta);
	lin d, k, x, y, lo, hi, blo, bhi, best, bestx;

	for (x = 0; x < n && x < m && a[x] == b[x]; x++)
		;
	f[0] = x;
	for (x = n, y = m; x > 0 && y > 0 && a[x - 1] == b[y - 1]; x--, y--)
		;
	r[delta] = x;
	for (d = 1;; d++) {
		/* Forward: diagonals -d..d that lie in the grid, -m..n. */
		lo = -d < -m ? -m + is_odd(d - m) : -d;
		hi = d > n ? n - is_odd(d - n) : d;
		for (k = lo; k <= hi; k += 2) {
			x = -1;
			/* One more line of b, from diagonal k + 1 ... */
			if (k + 1 <= d - 1 && k + 1 <= n && f[k + 1] >= 0 && f[k + 1] - k - 1 < m)
				x = f[k + 1];
			/* ... or one more line of a, from k - 1. */
			if (k - 1 >= -(d - 1) && k - 1 >= -m && f[k - 1] >= 0 && f[k - 1] < n &&
			    f[k - 1] + 1 > x)
				x = f[k - 1] + 1;
			if (x >= 0)
				for (y = x - k; x < n && y < m && a[x] == b[y]; x++, y++)
					;
			f[k] = x;
			blo = delta - (d - 1);
			bhi = delta + (d - 1);
			if (odd && x >= 0 && k >= blo && k <= bhi && r[k] != LIN_MAX && x >= r[k]) {
				*xmid = x;
				*ymid = x - k;
				return;
			}
		}
		/* Backward: diagonals delta-d..delta+d in the grid. */
		blo = delta - d < -m ? -m + is_odd(d - delta - m) : delta - d;
		bhi = delta + d > n ? n - is_odd(delta + d - n) : delta + d;
		for (k = blo; k <= bhi; k += 2) {
			x = LIN_MAX;
			/* One line of b less, from diagonal k - 1 ... */
			if (k - 1 >= delta - (d - 1) && k - 1 >= -m && r[k - 1] != LIN_MAX &&
			    r[k - 1] - k + 1 > 0)
				x = r[k - 1];
			/* ... or one line of a less, from k + 1. */
			if (k + 1 <= delta + (d - 1) && k + 1 <= n && r[k + 1] != LIN_MAX &&
			    r[k + 1] > 0 && r[k + 1] - 1 < x)
				x = r[k + 1] - 1;
			if (x != LIN_MAX)
				for (y = x - k; x > 0 && y > 0 && a[x - 1] == b[y - 1]; x--, y--)
					;
			r[k] = x;
			if (!odd && x != LIN_MAX && k >= lo && k <= hi && f[k] >= 0 && x <= f[k]) {
				*xmid = x;
				*ymid = x - k;
				return;
			}
		}
		if (d < s->limit)
			continue;
		/* Too costly: split where the forward search got furthest. */
		best = -1;
		bestx = 0;
		for (k = lo; k <= hi; k += 2)
			if (f[k] >= 0 && 2 * f[k] - k > best) {
				best = 2 * f[k] - k;
				bestx = f[k];
			}
		if (best > 0) {
			*xmid = bestx;
			*ymid = best - bestx;
			return;
		}
	}
}

/* Mark the lines of a[ao, an) and b[bo, bn) a shortest script changes. */
static void
compare(struct search *s, lin ao, lin an, lin bo, lin bn)
{
	lin xmid, ymid;

	for (;;) {
		while (ao < an && bo < bn && s->a[ao] == s->b[bo]) {
			ao++;
			bo++;
		}
		while (ao < an && bo < bn && s->a[an - 1] == s->b[bn - 1]) {
			an--;
			bn--;
		}
		if (ao == an || bo == bn)
			break;
		middle(s, ao, an - ao, bo, bn - bo, &xmid, &ymid);
		/* Recurse on one half, loop on the other. */
		compare(s, ao, ao + xmid, bo, bo + ymid);
		ao += xmid;
		bo += ymid;
	}
	while (ao < an)
		s->adel[ao++] = 1;
	while (bo < bn)
		s->bins[bo++] = 1;
}

/*
 * Slide each run of only deleted (or only inserted) lines down while the
 * line after it equals its first line: the script stays as short, and the
 * change lands where diff(1) shows it ("x x" -> "x" deletes the second x).
 */
static void
slide_down(struct text *ta, struct text *tb)
{
	lin i = 0, j = 0, i0, j0;

	while (i < ta->n || j < tb->n) {
		if (i < ta->n && j < tb->n && !ta->changed[i] && !tb->changed[j]) {
			i++;
			j++;
			continue;
		}
		i0 = i;
		j0 = j;
		while (i < ta->n && ta->changed[i])
			i++;
		while (j < tb->n && tb->changed[j])
			j++;
		if (j0 == j) {
			while (i < ta->n && !ta->changed[i] && !tb->changed[j] &&
			    line_eq(&ta->line[i0], &ta->line[i])) {
				ta->changed[i0++] = 0;
				ta->changed[i++] = 1;
				j++;
			}
		} else if (i0 == i) {
			while (j < tb->n && !tb->changed[j] && !ta->changed[i] &&
			    line_eq(&tb->line[j0], &tb->line[j])) {
				tb->changed[j0++] = 0;
				tb->changed[j++] = 1;
				i++;
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
	struct text ta, tb;
	struct search sr;
	struct change *ch = NULL;
	size_t nch = 0, cap = 0, k, first, hunks = 0;
	lin i, j, diags, a0, a1, b0, b1, x, pre = 0, suf = 0;
	lin *diagbuf;

	if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0))
		return 0;
	split(a, alen, &ta);
	split(b, blen, &tb);
	/* Plans change a few lines of big files: leave the equal ends out. */
	while (pre < ta.n && pre < tb.n && line_eq(&ta.line[pre], &tb.line[pre]))
		pre++;
	while (suf < ta.n - pre && suf < tb.n - pre &&
	    line_eq(&ta.line[ta.n - 1 - suf], &tb.line[tb.n - 1 - suf]))
		suf++;
	classify(&ta, &tb, pre, suf);

	diags = (ta.n - pre - suf) + (tb.n - pre - suf) + 3;
	diagbuf = xcalloc(2 * (size_t)diags, sizeof *diagbuf);
	sr.a = ta.id;
	sr.b = tb.id;
	sr.adel = ta.changed;
	sr.bins = tb.changed;
	sr.fwd = diagbuf + (tb.n - pre - suf) + 1;
	sr.bwd = sr.fwd + diags;
	sr.limit = COST_LIMIT;
	compare(&sr, pre, ta.n - suf, pre, tb.n - suf);
	free(diagbuf);
	slide_down(&ta, &tb);

	for (i = 0, j = 0; i < ta.n || j < tb.n;) {
		if (i < ta.n && j < tb.n && !ta.changed[i] && !tb.changed[j]) {
			i++;
			j++;
			continue;
		}
		ch = xgrow(ch, nch, &cap, sizeof *ch, 16);
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
