/*
 * libFuzzer harness: hosts-file parser and block rewrite. Properties: a
 * parsed file rewrites to bytes that parse again with the block holding
 * exactly our entries, and everything amlhosts does not own is unchanged
 * (uninstalling before and after gives the same bytes, a missing final
 * newline included), and no live line outside the
 * blocks maps a managed name as hostsline.h (and so verify) reads it.
 *
 * A file amlhosts has not touched (no block, no "#amlhosts" anywhere), as
 * it is or behind an empty block: apply, apply of other names after it,
 * remove and uninstall give back its exact bytes (issue 11: a last line
 * without a line ending, disabled with a kept line below it), and so do
 * two targets applied together or one after the other and removed in any
 * order (issue 11, "Kept lines"), and three where the input names the
 * third's name, no step listing an edited kept line.
 *
 * The fast path of an unchanged apply (hostsfile_apply_unchanged()) says
 * "unchanged" only where the full path, parse and rewrite, succeeds, lists
 * no edited kept line and gives back the input byte for byte; and it does
 * say so for the common case: a file the full path just wrote, with no
 * disabled or kept line, no other block and no stray managed name. Checked
 * on the input and on the rewrite's output, with one target (both names)
 * and with two (a name each).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "hosts/hostsfile.h"
#include "hosts/hostsline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Does [p, p+n) lie inside [base, base+len)? */
static int
inside(const char *p, size_t n, const char *base, size_t len)
{
	return base != NULL && p >= base && n <= len && (size_t)(p - base) <= len - n;
}

/*
 * hostsfile_rewrite_out(), its bytes appended to out, with what the write
 * path takes on trust checked: every segment holds bytes and they add up;
 * each lies in the input (borrowed) or in side, and side holds nothing but
 * the bytes of its segments (cut_last_line() left none behind); the hash
 * and comparison the write path uses on segments agree with the bytes;
 * the output parses, and the blocks the rewrite lists (which the journal
 * hashes instead of parsing the new file) are the blocks it parses into,
 * same names, same bytes.
 */
static int
rewrite(const struct hostsfile *hf, const struct block_change *ch, size_t nch, int all,
    struct buf *out, struct hosts_kept_edits *ed)
{
	struct hosts_out o;
	struct hostsfile again;
	char want[65], got[65];
	size_t i, sum = 0, inside_side = 0, from = out->len;
	int rc;

	hosts_out_init(&o);
	rc = hostsfile_rewrite_out(hf, ch, nch, all, &o, ed, NULL);
	if (rc == 0) {
		for (i = 0; i < o.n; i++) {
			if (o.v[i].data == NULL || o.v[i].len == 0)
				abort();
			sum += o.v[i].len;
			if (inside(o.v[i].data, o.v[i].len, o.side.data, o.side.len))
				inside_side += o.v[i].len;
			else if (!inside(o.v[i].data, o.v[i].len, hf->data, hf->len))
				abort();
		}
		if (sum != o.len || inside_side != o.side.len || !o.blocks_known)
			abort();
		hosts_out_to_buf(&o, out);
		if (!hosts_out_equal(&o, out->data + from, out->len - from))
			abort();
		sha256_hex(out->data + from, out->len - from, want);
		hosts_out_hash(&o, got);
		if (strcmp(want, got) != 0)
			abort();
		if (hostsfile_parse(&again, out->data + from, out->len - from, NULL) != 0 ||
		    again.nblocks != o.nblocks)
			abort();
		for (i = 0; i < o.nblocks; i++) {
			hostsfile_block_hash(&again, i, want);
			hosts_out_block_hash(&o, i, got);
			if (strcmp(hosts_out_block_name(&o, i), again.blocks[i].name) != 0 ||
			    strcmp(want, got) != 0)
				abort();
		}
		hostsfile_release(&again);
	}
	hosts_out_release(&o);
	return rc;
}

static void
restore_all(const char *p, size_t n, struct buf *out)
{
	struct hostsfile hf;

	if (hostsfile_parse(&hf, p, n, NULL) != 0)
		abort();
	if (rewrite(&hf, NULL, 0, 1, out, NULL) != 0)
		abort();
	hostsfile_release(&hf);
}

#define NAME_X "x.workspace.eastus.api.azureml.ms"
#define NAME_Y "y.workspace.eastus.api.azureml.ms"
/* The third target's name, "fw": only the inputs that name it run the
 * three-target round trip. */
#define NAME_W "w.workspace.eastus.api.azureml.ms"

/* The next line outside the blocks, from line *i on (*j: the next block),
 * without its BOM and line ending: 1, or 0 past the last line. */
static int
next_outside(const struct hostsfile *hf, size_t *i, size_t *j, const char **p, size_t *n)
{
	size_t skip;

	while (*i < hf->nlines && *j < hf->nblocks && hf->blocks[*j].begin == *i)
		*i = hf->blocks[(*j)++].end + 1;
	if (*i >= hf->nlines)
		return 0;
	skip = *i == 0 ? hostsline_bom(hf->data, hf->len) : 0;
	*p = hf->data + hf->lines[*i].off + skip;
	*n = hf->lines[*i].len - hf->lines[*i].eol - skip;
	(*i)++;
	return 1;
}

static void
check_none_live(const struct hostsfile *hf)
{
	struct hostsline_field f;
	const char *p;
	size_t i = 0, j = 0, n, pos;

	while (next_outside(hf, &i, &j, &p, &n)) {
		pos = 0;
		if (!hostsline_next(p, n, &pos, &f) || !hostsline_addr(p + f.off, f.len, NULL))
			continue;
		while (hostsline_next(p, n, &pos, &f))
			if (hostsline_names(p + f.off, f.len, NAME_X) ||
			    hostsline_names(p + f.off, f.len, NAME_Y))
				abort();
	}
}

/* Does p[0..n) hold "#amlhosts" anywhere? */
static int
has_mark(const char *p, size_t n)
{
	size_t pos;

	for (pos = 0; pos + 9 <= n; pos++)
		if (memcmp(p + pos, "#amlhosts", 9) == 0)
			return 1;
	return 0;
}

/* Does the file hold NAME_W anywhere (any case)? */
static int
has_name_w(const struct hostsfile *hf)
{
	size_t pos, len = sizeof NAME_W - 1;

	for (pos = 0; pos + len <= hf->len; pos++)
		if (hostsline_name_eq(hf->data + pos, NAME_W, len))
			return 1;
	return 0;
}

/* Is any "#amlhosts" outside the blocks, or a field naming a managed name
 * (whatever its place on the line)? Then the fast path may leave the
 * answer to the full path. */
static int
has_stray(const struct hostsfile *hf)
{
	struct hostsline_field f;
	const char *p;
	size_t i = 0, j = 0, n, pos;

	while (next_outside(hf, &i, &j, &p, &n)) {
		if (has_mark(p, n))
			return 1;
		pos = 0;
		while (hostsline_next(p, n, &pos, &f))
			if (hostsline_names(p + f.off, f.len, NAME_X) ||
			    hostsline_names(p + f.off, f.len, NAME_Y))
				return 1;
	}
	return 0;
}

/* The fast path against the full one on p[0..n); out gets the rewrite. */
static void
check_fast(const char *p, size_t n, const struct block_change *ch, size_t nch,
    struct buf *out)
{
	struct hostsfile hf;
	struct hosts_kept_edits ed = HOSTS_KEPT_EDITS_INIT;
	size_t i;
	int fast = hostsfile_apply_unchanged(p, n, ch, nch), same, known;

	out->len = 0;
	if (hostsfile_parse(&hf, p, n, NULL) != 0) {
		if (fast)
			abort();
		return;
	}
	if (rewrite(&hf, ch, nch, 0, out, &ed) != 0) {
		if (fast)
			abort();
		out->len = 0;
		hostsfile_release(&hf);
		return;
	}
	same = out->len == n && memcmp(out->data, p, n) == 0 && ed.n == 0;
	/* Only blocks of these targets: no other for the command to judge. */
	known = 1;
	for (i = 0; i < hf.nblocks; i++) {
		size_t k;

		for (k = 0; k < nch && strcmp(ch[k].target, hf.blocks[i].name) != 0; k++)
			;
		known &= k < nch;
	}
	if (fast && (!same || !known))
		abort();
	if (!fast && same && known && hf.nblocks == nch && !has_stray(&hf))
		abort();
	hosts_kept_edits_clear(&ed);
	hostsfile_release(&hf);
}

/* p[0..n) with the changes' blocks appended as rendered (a line ending
 * first where the last line has none): whatever the fuzzer put around
 * them (disabled, kept, stray lines) meets blocks the fast path takes. */
static void
with_blocks(const char *p, size_t n, int crlf, const struct block_change *ch, size_t nch,
    struct buf *out)
{
	size_t i;

	out->len = 0;
	buf_append(out, p, n);
	if (n > 0 && p[n - 1] != '\n')
		buf_puts(out, crlf ? "\r\n" : "\n");
	for (i = 0; i < nch; i++)
		hostsfile_render_block(ch[i].target, ch[i].entries, crlf, out);
}

static void
fast_path(const char *p, size_t n, int crlf, const struct entry_list *both,
    const struct entry_list *x, const struct entry_list *y)
{
	struct block_change one = { "fz", NULL }, two[2] = { { "fz", NULL }, { "fy", NULL } };
	struct buf out = BUF_INIT, again = BUF_INIT, joined = BUF_INIT;

	one.entries = both;
	two[0].entries = x;
	two[1].entries = y;
	check_fast(p, n, &one, 1, &out);
	if (out.len > 0)
		check_fast(out.data, out.len, &one, 1, &again);
	with_blocks(p, n, crlf, &one, 1, &joined);
	check_fast(joined.data, joined.len, &one, 1, &again);
	check_fast(p, n, two, 2, &out);
	if (out.len > 0)
		check_fast(out.data, out.len, two, 2, &again);
	with_blocks(p, n, crlf, two, 2, &joined);
	check_fast(joined.data, joined.len, two, 2, &again);
	buf_release(&out);
	buf_release(&again);
	buf_release(&joined);
}

/* One rewrite of p[0..n) that must succeed and, every kept line being
 * amlhosts' own (the files this is called on had no "#amlhosts" before
 * amlhosts wrote them), list no edited kept line. */
static void
rewrite_changes(const char *p, size_t n, const struct block_change *ch, size_t nch, int all,
    struct buf *out)
{
	struct hostsfile hf;
	struct hosts_kept_edits ed = HOSTS_KEPT_EDITS_INIT;

	out->len = 0;
	if (hostsfile_parse(&hf, p, n, NULL) != 0)
		abort();
	if (rewrite(&hf, ch, nch, all, out, &ed) != 0 || ed.n != 0)
		abort();
	hostsfile_release(&hf);
}

/* Target "fz" applied (entries) or removed (NULL), or uninstall (all). */
static void
rewrite_must(const char *p, size_t n, const struct entry_list *entries, int all,
    struct buf *out)
{
	struct block_change ch = { "fz", NULL };

	ch.entries = entries;
	rewrite_changes(p, n, &ch, 1, all, out);
}

/* Does out hold want[0..wlen)? */
static void
must_equal(const struct buf *out, const char *want, size_t wlen)
{
	if (out->len != wlen || memcmp(out->data, want, wlen) != 0)
		abort();
}

static const char *const multi_names[3] = { NAME_X, NAME_Y, NAME_W };

/* Bit k set: name k of multi_names is alive on a line outside the blocks
 * of p[0..n) (as check_none_live() reads lines). */
static unsigned
names_alive(const char *p, size_t n)
{
	struct hostsfile hf;
	struct hostsline_field f;
	const char *l;
	size_t i = 0, j = 0, ln, pos, k;
	unsigned alive = 0;

	if (hostsfile_parse(&hf, p, n, NULL) != 0)
		abort();
	while (next_outside(&hf, &i, &j, &l, &ln)) {
		pos = 0;
		if (!hostsline_next(l, ln, &pos, &f) || !hostsline_addr(l + f.off, f.len, NULL))
			continue;
		while (hostsline_next(l, ln, &pos, &f))
			for (k = 0; k < 3; k++)
				if (hostsline_names(l + f.off, f.len, multi_names[k]))
					alive |= 1u << k;
	}
	hostsfile_release(&hf);
	return alive;
}

/* With the targets of mask applied: is every name of theirs dead, and
 * every other one alive exactly where it was in the original (orig)? */
static void
check_alive(const struct buf *b, unsigned mask, unsigned orig)
{
	if (names_alive(b->data, b->len) != (orig & ~mask))
		abort();
}

/* Line endings in b. */
static size_t
count_lines(const struct buf *b)
{
	size_t i, n = 0;

	for (i = 0; i < b->len; i++)
		n += b->data[i] == '\n';
	return n;
}

/* The orders of three targets; the first two of the first two orders
 * are those of two. */
static const unsigned char perms[6][3] = {
	{ 0, 1, 2 }, { 1, 0, 2 }, { 0, 2, 1 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 }
};

/* Remove the nt targets of a[0..n) one after the other in the order of
 * perm (an uninstall after each but the last), or all at once, or
 * uninstall: every end is want, exactly. */
static void
check_removals(const char *p, size_t n, const struct block_change *rm, size_t nt,
    const unsigned char *perm, const char *want, size_t wlen, unsigned orig)
{
	struct buf cur = BUF_INIT, next = BUF_INIT, tmp;
	unsigned mask = (1u << nt) - 1;
	size_t k;

	buf_append(&cur, p, n);
	for (k = 0; k < nt; k++) {
		rewrite_changes(cur.data, cur.len, &rm[perm[k]], 1, 0, &next);
		tmp = cur;
		cur = next;
		next = tmp;
		mask &= ~(1u << perm[k]);
		check_alive(&cur, mask, orig);
		rewrite_changes(cur.data, cur.len, NULL, 0, 1, &next);
		must_equal(&next, want, wlen);
	}
	must_equal(&cur, want, wlen);
	buf_release(&cur);
	buf_release(&next);
}

/*
 * nt (2 or 3) targets, "fz" (x), "fy" (y) and "fw" (w), a name each,
 * maybe on one line with names no block manages (issue 11, "Kept
 * lines"): applied together or one after the other in every order, then
 * uninstalled, removed all at once, or one after the other in every order
 * (with an uninstall after each step): every step lists no edited kept
 * line, leaves the names of the targets applied dead and every other one
 * of the three alive where it was alive in want, and the end is want,
 * exactly; with all applied, the file has as many lines whatever the
 * order, and again after one is removed and applied again (chains of
 * kept lines do not grow).
 */
static void
check_multi(const char *p, size_t n, const struct entry_list *const *lists, size_t nt,
    const char *want, size_t wlen)
{
	static const char *const names[3] = { "fz", "fy", "fw" };
	struct block_change ch[3], rm[3];
	struct buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT, tmp;
	size_t k, np = nt == 3 ? 6 : 2, how, gone;
	unsigned orig = names_alive(want, wlen), mask;
	size_t shape = 0;

	for (k = 0; k < nt; k++) {
		ch[k].target = rm[k].target = names[k];
		ch[k].entries = lists[k];
		rm[k].entries = NULL;
	}
	/* how np: all in one run; below it, one after the other */
	for (how = 0; how <= np; how++) {
		if (how == np)
			rewrite_changes(p, n, ch, nt, 0, &a);
		else {
			a.len = 0;
			buf_append(&a, p, n);
			for (k = 0, mask = 0; k < nt; k++) {
				rewrite_changes(a.data, a.len, &ch[perms[how][k]], 1, 0, &b);
				tmp = a;
				a = b;
				b = tmp;
				mask |= 1u << perms[how][k];
				check_alive(&a, mask, orig);
			}
		}
		check_alive(&a, (1u << nt) - 1, orig);
		/* One shape whatever the order: as many lines each time, and
		 * again after one target is removed and applied again. */
		if (how == 0)
			shape = count_lines(&a);
		if (count_lines(&a) != shape)
			abort();
		rewrite_changes(a.data, a.len, &rm[how % nt], 1, 0, &b);
		rewrite_changes(b.data, b.len, &ch[how % nt], 1, 0, &c);
		if (count_lines(&c) != shape)
			abort();
		check_alive(&c, (1u << nt) - 1, orig);
		rewrite_changes(a.data, a.len, NULL, 0, 1, &b);
		must_equal(&b, want, wlen);
		rewrite_changes(a.data, a.len, rm, nt, 0, &b);
		must_equal(&b, want, wlen);
		for (gone = 0; gone < np; gone++)
			check_removals(a.data, a.len, rm, nt, perms[gone], want, wlen, orig);
	}
	buf_release(&a);
	buf_release(&b);
	buf_release(&c);
}

/* Do removing "fz" from p[0..n), and uninstalling, give back want? */
static void
check_undo(const char *p, size_t n, const char *want, size_t wlen)
{
	struct buf back = BUF_INIT;
	int all;

	for (all = 0; all < 2; all++) {
		rewrite_must(p, n, NULL, all, &back);
		must_equal(&back, want, wlen);
	}
	buf_release(&back);
}

/* The exact round trip of a file amlhosts has not touched (hf parsed
 * from it, no block): as it is, and behind an empty block of "fz" (after
 * its BOM), which the apply then fills where it stands. */
static void
check_untouched(const struct hostsfile *hf, const struct entry_list *both,
    const struct entry_list *const *xyw)
{
	struct buf in = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
	const char *nl = hf->crlf ? "\r\n" : "\n";
	size_t bom = hostsline_bom(hf->data, hf->len);
	int blocked;

	if (hf->nblocks > 0 || has_mark(hf->data, hf->len))
		return;
	for (blocked = 0; blocked < 2; blocked++) {
		in.len = 0;
		if (blocked) {
			buf_append(&in, hf->data, bom);
			buf_printf(&in, "# BEGIN amlhosts fz%s# END amlhosts fz%s", nl, nl);
			buf_append(&in, hf->data + bom, hf->len - bom);
		} else
			buf_append(&in, hf->data, hf->len);
		rewrite_must(in.data, in.len, both, 0, &a);
		check_undo(a.data, a.len, hf->data, hf->len);
		rewrite_must(a.data, a.len, xyw[0], 0, &b);
		check_undo(b.data, b.len, hf->data, hf->len);
		check_multi(in.data, in.len, xyw, 2, hf->data, hf->len);
		/* Three only where the input names the third: every order of
		 * three is 240 rewrites. */
		if (has_name_w(hf))
			check_multi(in.data, in.len, xyw, 3, hf->data, hf->len);
	}
	buf_release(&in);
	buf_release(&a);
	buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hostsfile hf, again;
	struct entry_list el = ENTRY_LIST_INIT, back = ENTRY_LIST_INIT;
	struct ipaddr a;
	struct buf out = BUF_INIT, u1 = BUF_INIT, u2 = BUF_INIT;
	struct block_change ch = { "fz", NULL };
	char *cause = NULL;
	long b;

	if (hostsfile_parse(&hf, (const char *)data, size, &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
		return 0;
	}
	if (ip_parse("10.1.0.5", 0, &a, NULL) != 0)
		abort();
	entry_list_add(&el, NAME_X, &a);
	entry_list_add(&el, NAME_Y, &a);
	ch.entries = &el;
	{
		struct entry_list x = ENTRY_LIST_INIT, y = ENTRY_LIST_INIT, w = ENTRY_LIST_INIT;
		const struct entry_list *xyw[3];

		entry_list_add(&x, NAME_X, &a);
		entry_list_add(&y, NAME_Y, &a);
		entry_list_add(&w, NAME_W, &a);
		xyw[0] = &x;
		xyw[1] = &y;
		xyw[2] = &w;
		fast_path((const char *)data, size, hf.crlf, &el, &x, &y);
		check_untouched(&hf, &el, xyw);
		entry_list_release(&x);
		entry_list_release(&y);
		entry_list_release(&w);
	}
	if (rewrite(&hf, &ch, 1, 0, &out, NULL) == 0) {
		if (hostsfile_parse(&again, out.data, out.len, NULL) != 0)
			abort();
		b = hostsfile_find_block(&again, "fz");
		if (b < 0)
			abort();
		hostsfile_block_entries(&again, (size_t)b, &back, NULL, NULL);
		if (back.n != 2)
			abort();
		check_none_live(&again);
		hostsfile_release(&again);
		restore_all((const char *)data, size, &u1);
		restore_all(out.data, out.len, &u2);
		if (u1.len != u2.len || memcmp(u1.data, u2.data, u1.len) != 0)
			abort();
	}
	free(cause);
	buf_release(&out);
	buf_release(&u1);
	buf_release(&u2);
	entry_list_release(&el);
	entry_list_release(&back);
	hostsfile_release(&hf);
	return 0;
}
