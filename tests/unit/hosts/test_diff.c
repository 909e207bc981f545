/*
 * Unit tests of the unified diff: fixed cases, and random edits compared
 * with GNU "diff -u" byte for byte.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/wait.h>
#endif
#include <time.h>
#include <unistd.h>

#include "hosts/diff.h"
#include "base/platform.h"
#include "base/util.h"
#include "unit/cunit_main.h"

static void
show(const char *what, const char *p, size_t n)
{
	size_t i;

	fprintf(stderr, "\n--- %s (%zu bytes):\n", what, n);
	for (i = 0; i < n; i++) {
		if (p[i] == '\r')
			fputs("\\r", stderr);
		else
			fputc(p[i], stderr);
	}
}

static int
same_bytes(const char *got, size_t gotlen, const char *exp, size_t explen)
{
	if (gotlen == explen && memcmp(got, exp, explen) == 0)
		return 1;
	show("expected", exp, explen);
	show("got", got, gotlen);
	return 0;
}

static void
check(const char *a, const char *b, const char *want, size_t hunks)
{
	struct buf out = BUF_INIT;
	size_t n;

	n = diff_unified(a, strlen(a), b, strlen(b), "a", "b", &out);
	CU_ASSERT_EQUAL(n, hunks);
	CU_ASSERT_TRUE(same_bytes(out.data ? out.data : "", out.len, want, strlen(want)));
	buf_release(&out);
}

static void
test_fixed(void)
{
	check("", "", "", 0);
	check("a\nb\n", "a\nb\n", "", 0);
	check("", "x\n", "--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n", 1);
	check("x\ny\n", "", "--- a\n+++ b\n@@ -1,2 +0,0 @@\n-x\n-y\n", 1);
	check("a\nb\nc\n", "a\nB\nc\n", "--- a\n+++ b\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n", 1);
	check("1\n2\n3\n4\n5\n", "1\n2\n3\n4\n5\n6\n",
	    "--- a\n+++ b\n@@ -3,3 +3,4 @@\n 3\n 4\n 5\n+6\n", 1);
	check("1\n2\n3\n4\n5\n", "0\n1\n2\n3\n4\n5\n",
	    "--- a\n+++ b\n@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n", 1);
	/* The newline at the end counts, and is reported. */
	check("a\nb", "a\nb\n", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n"
	    "\\ No newline at end of file\n+b\n", 1);
	check("a\nb\n", "a\nb", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n"
	    "\\ No newline at end of file\n", 1);
	check("x", "y", "--- a\n+++ b\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n"
	    "+y\n\\ No newline at end of file\n", 1);
	/* Line endings are part of the line. */
	check("a\r\nb\r\n", "a\r\nb\n", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+b\n", 1);
	/* Seven equal lines between changes: two hunks; six: one. */
	check("x\n1\n2\n3\n4\n5\n6\n7\ny\n", "X\n1\n2\n3\n4\n5\n6\n7\nY\n",
	    "--- a\n+++ b\n@@ -1,4 +1,4 @@\n-x\n+X\n 1\n 2\n 3\n"
	    "@@ -6,4 +6,4 @@\n 5\n 6\n 7\n-y\n+Y\n", 2);
	check("x\n1\n2\n3\n4\n5\n6\ny\n", "X\n1\n2\n3\n4\n5\n6\nY\n",
	    "--- a\n+++ b\n@@ -1,8 +1,8 @@\n-x\n+X\n 1\n 2\n 3\n 4\n 5\n 6\n-y\n+Y\n", 1);
}

/* Apply a unified diff to a, to prove the diff right without diff(1). */
static int
patch(const char *a, size_t alen, const char *d, size_t dlen, struct buf *out)
{
	const char *ap = a, *aend = a + alen, *p = d, *end = d + dlen, *nl, *text;
	long l0, s0, l1, s1, line = 1;
	size_t n, tlen;
	char mark;
	int k;

	buf_release(out);
	for (k = 0; k < 2 && p < end; k++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return -1;
		p = nl + 1;
	}
	while (p < end) {
		s0 = s1 = 1;
		if (sscanf(p, "@@ -%ld,%ld +%ld,%ld @@", &l0, &s0, &l1, &s1) != 4 &&
		    sscanf(p, "@@ -%ld +%ld,%ld @@", &l0, &l1, &s1) != 3 &&
		    sscanf(p, "@@ -%ld,%ld +%ld @@", &l0, &s0, &l1) != 3 &&
		    sscanf(p, "@@ -%ld +%ld @@", &l0, &l1) != 2)
			return -1;
		if (s0 == 0)
			l0++;
		for (; line < l0; line++) {
			nl = memchr(ap, '\n', (size_t)(aend - ap));
			n = nl ? (size_t)(nl - ap) + 1 : (size_t)(aend - ap);
			buf_append(out, ap, n);
			ap += n;
		}
		p = (const char *)memchr(p, '\n', (size_t)(end - p)) + 1;
		while (p < end && *p != '@') {
			mark = *p;
			nl = memchr(p, '\n', (size_t)(end - p));
			if (nl == NULL)
				return -1;
			text = p + 1;
			tlen = (size_t)(nl + 1 - text);
			p = nl + 1;
			if (p < end && *p == '\\') {
				tlen--;
				p = (const char *)memchr(p, '\n', (size_t)(end - p)) + 1;
			}
			if (mark == '+') {
				buf_append(out, text, tlen);
				continue;
			}
			if (mark != ' ' && mark != '-')
				return -1;
			nl = memchr(ap, '\n', (size_t)(aend - ap));
			n = nl ? (size_t)(nl - ap) + 1 : (size_t)(aend - ap);
			if (n != tlen || memcmp(ap, text, n) != 0)
				return -1;
			if (mark == ' ')
				buf_append(out, ap, n);
			ap += n;
			line++;
		}
	}
	buf_append(out, ap, (size_t)(aend - ap));
	return 0;
}

static void
test_patch_helper(void)
{
	struct buf out = BUF_INIT, res = BUF_INIT;
	static const char a[] = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\nend";
	static const char b[] = "0\n1\n2\n3\n4\n5\nsix\n7\n8\n9\n10\n11\n12\nend\n";

	diff_unified(a, sizeof a - 1, b, sizeof b - 1, "a", "b", &out);
	CU_ASSERT_EQUAL(patch(a, sizeof a - 1, out.data, out.len, &res), 0);
	CU_ASSERT_TRUE(same_bytes(res.data, res.len, b, sizeof b - 1));
	buf_release(&out);
	buf_release(&res);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)((rng >> 11) % n);
}

struct lines {
	char **v;
	size_t n;
};

static unsigned fresh;

static char *
new_line(int dups, int crlf)
{
	static const char *const common[] = { "", "#", "0.0.0.0 a", "x", "10.1.0.5\tname" };
	const char *eol = crlf && rnd(3) == 0 ? "\r\n" : "\n";

	if (dups && rnd(2) == 0)
		return xasprintf("%s%s", common[rnd(5)], eol);
	return xasprintf("line %u%s", fresh++, eol);
}

static void
lines_insert(struct lines *l, size_t at, char *s)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	memmove(l->v + at + 1, l->v + at, (l->n - at) * sizeof *l->v);
	l->v[at] = s;
	l->n++;
}

static void
lines_delete(struct lines *l, size_t at)
{
	free(l->v[at]);
	memmove(l->v + at, l->v + at + 1, (l->n - at - 1) * sizeof *l->v);
	l->n--;
}

static void
lines_join(const struct lines *l, int final_eol, struct buf *out)
{
	size_t i, n;

	buf_release(out);
	buf_append(out, "", 0);
	for (i = 0; i < l->n; i++) {
		n = strlen(l->v[i]);
		if (i + 1 == l->n && !final_eol)
			n -= n >= 2 && l->v[i][n - 2] == '\r' ? 2 : 1;
		buf_append(out, l->v[i], n);
	}
}

static int
write_bytes(const char *path, const char *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int rc;

	if (f == NULL)
		return -1;
	rc = fwrite(p, 1, n, f) == n ? 0 : -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

/* GNU diff's output for the two files, names as we print them. */
static int
gnu_diff(const char *dir, const struct buf *a, const struct buf *b, struct buf *out)
{
	char *pa = xasprintf("%s/a", dir), *pb = xasprintf("%s/b", dir);
	char *cmd = xasprintf("diff -u --label a --label b '%s' '%s'", pa, pb);
	char chunk[4096];
	FILE *f = NULL;
	size_t n;
	int rc = -1, status;

	buf_release(out);
	buf_append(out, "", 0);
	if (write_bytes(pa, a->data, a->len) != 0 || write_bytes(pb, b->data, b->len) != 0)
		goto out;
	f = popen(cmd, "r");
	if (f == NULL)
		goto out;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(out, chunk, n);
	status = pclose(f);
	rc = WIFEXITED(status) && WEXITSTATUS(status) <= 1 ? 0 : -1;
out:
	unlink(pa);
	unlink(pb);
	free(pa);
	free(pb);
	free(cmd);
	return rc;
}

/* The number of lines a diff deletes or inserts. */
static size_t
changed_lines(const struct buf *d)
{
	const char *p = d->data, *end, *nl;
	size_t n = 0, line = 0;

	if (p == NULL)
		return 0;
	for (end = p + d->len; p < end; p = nl + 1, line++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		if (line >= 2 && (*p == '+' || *p == '-'))
			n++;
	}
	return n;
}

static int
have_gnu_diff(void)
{
	return system("diff --version 2>/dev/null | grep -q 'GNU diffutils'") == 0;
}

/*
 * Random edits of random files. With distinct lines there is one shortest
 * diff and our output must be diff's exactly; with many equal lines there
 * can be several, so we check that ours applies and is no longer than
 * diff's, and count how often the bytes are the same.
 */
static void
random_round(const char *dir, int dups, int crlf, unsigned rounds)
{
	struct lines l = { NULL, 0 };
	struct buf a = BUF_INIT, b = BUF_INIT, mine = BUF_INIT, gnu = BUF_INIT, res = BUF_INIT;
	unsigned r, e, k, nedits, exact = 0;
	size_t i, at;
	int fa, fb, ok;

	for (r = 0; r < rounds; r++) {
		for (i = rnd(40); i > 0; i--)
			lines_insert(&l, l.n, new_line(dups, crlf));
		fa = rnd(6) != 0;
		fb = fa;
		lines_join(&l, fa, &a);
		nedits = 1 + rnd(5);
		for (e = 0; e < nedits; e++) {
			switch (rnd(5)) {
			case 0:
				for (k = 1 + rnd(3); k > 0 && l.n > 0; k--)
					lines_delete(&l, rnd((unsigned)l.n));
				break;
			case 1:
				at = rnd((unsigned)l.n + 1);
				for (k = 1 + rnd(3); k > 0; k--)
					lines_insert(&l, at, new_line(dups, crlf));
				break;
			case 2:
				if (l.n > 0) {
					at = rnd((unsigned)l.n);
					lines_delete(&l, at);
					lines_insert(&l, at, new_line(dups, crlf));
				}
				break;
			case 3:
				if (l.n > 0 && crlf) {
					at = rnd((unsigned)l.n);
					i = strlen(l.v[at]);
					if (i >= 2 && l.v[at][i - 2] == '\r') {
						l.v[at][i - 2] = '\n';
						l.v[at][i - 1] = '\0';
					} else {
						lines_insert(&l, at, xasprintf("%.*s\r\n", (int)i - 1, l.v[at]));
						lines_delete(&l, at + 1);
					}
				}
				break;
			default:
				fb = !fb;
				break;
			}
		}
		lines_join(&l, fb, &b);

		buf_release(&mine);
		diff_unified(a.data, a.len, b.data, b.len, "a", "b", &mine);
		ok = patch(a.data, a.len, mine.data ? mine.data : "", mine.len, &res) == 0 &&
		    res.len == b.len && memcmp(res.data, b.data, b.len) == 0;
		if (!ok) {
			show("a", a.data, a.len);
			show("b", b.data, b.len);
			show("diff", mine.data ? mine.data : "", mine.len);
		}
		CU_ASSERT_TRUE(ok);
		CU_ASSERT_EQUAL_FATAL(gnu_diff(dir, &a, &b, &gnu), 0);
		if (mine.len == gnu.len && memcmp(mine.data ? mine.data : "", gnu.data, gnu.len) == 0) {
			exact++;
		} else if (!dups) {
			CU_ASSERT_TRUE(same_bytes(mine.data ? mine.data : "", mine.len, gnu.data,
			    gnu.len));
		} else {
			CU_ASSERT_TRUE(changed_lines(&mine) <= changed_lines(&gnu));
		}
		while (l.n > 0)
			lines_delete(&l, l.n - 1);
	}
	printf("\n    %u/%u identical to GNU diff ", exact, rounds);
	free(l.v);
	buf_release(&a);
	buf_release(&b);
	buf_release(&mine);
	buf_release(&gnu);
	buf_release(&res);
}

static char *tmpdir;

static void
remove_workdir(void)
{
	rmdir(tmpdir);
	free(tmpdir);
}

/* Where GNU diff's input files go; made once, removed at exit. */
static const char *
workdir(void)
{
	const char *t = getenv("TMPDIR");

	if (tmpdir == NULL) {
		tmpdir = xasprintf("%s/amlhosts-diff-XXXXXX", t != NULL && *t != '\0' ? t : "/tmp");
		CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
		atexit(remove_workdir);
	}
	return tmpdir;
}

static void
test_random_unique(void)
{
	if (!have_gnu_diff()) {
		printf("(GNU diff not found: skipped) ");
		return;
	}
	random_round(workdir(), 0, 0, 300);
	random_round(workdir(), 0, 1, 300);
}

static void
test_random_dups(void)
{
	if (!have_gnu_diff()) {
		printf("(GNU diff not found: skipped) ");
		return;
	}
	random_round(workdir(), 1, 1, 500);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What a plan on an ad-block list looks like: a line disabled in the
 * middle, a block appended. */
static void
test_large(void)
{
	struct buf a = BUF_INIT, b = BUF_INIT, mine = BUF_INIT, gnu = BUF_INIT;
	size_t i, hunks;
	double t0;

	for (i = 0; i < 200000; i++) {
		buf_printf(&a, "0.0.0.0 adserver%06zu.example.com\n", i);
		if (i == 123456)
			buf_puts(&b, "#amlhosts:myws# ");
		if (i == 150000)
			continue;
		buf_printf(&b, "0.0.0.0 adserver%06zu.example.com\n", i);
	}
	buf_puts(&b, "# BEGIN amlhosts myws\n10.1.0.5\tx.example\n# END amlhosts myws\n");
	t0 = now();
	hunks = diff_unified(a.data, a.len, b.data, b.len, "a", "b", &mine);
	printf("\n    200,000 lines: %.0f ms ", (now() - t0) * 1e3);
	CU_ASSERT_EQUAL(hunks, 3);
	if (have_gnu_diff()) {
		CU_ASSERT_EQUAL_FATAL(gnu_diff(workdir(), &a, &b, &gnu), 0);
		CU_ASSERT_TRUE(same_bytes(mine.data, mine.len, gnu.data, gnu.len));
	}
	/* Completely different files still finish (not minimal, but right). */
	buf_release(&b);
	for (i = 0; i < 5000; i++)
		buf_printf(&b, "%zu\n", i % 7 == 0 ? i : 200000 + i);
	buf_release(&mine);
	t0 = now();
	diff_unified(a.data, 5000 * 35, b.data, b.len, "a", "b", &mine);
	printf("5,000 lines all changed: %.0f ms ", (now() - t0) * 1e3);
	buf_release(&gnu);
	CU_ASSERT_EQUAL(patch(a.data, 5000 * 35, mine.data, mine.len, &gnu), 0);
	CU_ASSERT_TRUE(gnu.len == b.len && memcmp(gnu.data, b.data, b.len) == 0);
	buf_release(&a);
	buf_release(&b);
	buf_release(&mine);
	buf_release(&gnu);
}

/* Shortest-script length by dynamic programming, for small inputs. */
static size_t
edit_distance(const char *a, size_t n, const char *b, size_t m)
{
	size_t *row = xcalloc((m + 1) * (n + 1), sizeof *row), i, j, d;

#define AT(i, j) row[(i) * (m + 1) + (j)]
	for (i = 0; i <= n; i++)
		for (j = 0; j <= m; j++)
			if (i == 0 || j == 0)
				AT(i, j) = i + j;
			else if (a[i - 1] == b[j - 1])
				AT(i, j) = AT(i - 1, j - 1);
			else
				AT(i, j) = 1 + (AT(i - 1, j) < AT(i, j - 1) ? AT(i - 1, j) : AT(i, j - 1));
	d = AT(n, m);
#undef AT
	free(row);
	return d;
}

/* Lines over a three-letter alphabet have many shortest scripts: ours must
 * be one of them, and must apply. */
static void
test_random_minimal(void)
{
	char sa[64], sb[64];
	struct buf a = BUF_INIT, b = BUF_INIT, mine = BUF_INIT, res = BUF_INIT;
	size_t n, m, i, bad = 0;
	unsigned r;

	for (r = 0; r < 3000; r++) {
		n = rnd(r < 2500 ? 20 : 60);
		m = rnd(r < 2500 ? 20 : 60);
		buf_release(&a);
		buf_release(&b);
		buf_append(&a, "", 0);
		buf_append(&b, "", 0);
		for (i = 0; i < n; i++) {
			sa[i] = (char)('a' + rnd(3));
			buf_printf(&a, "%c\n", sa[i]);
		}
		for (i = 0; i < m; i++) {
			sb[i] = i < n && rnd(3) ? sa[i] : (char)('a' + rnd(3));
			buf_printf(&b, "%c\n", sb[i]);
		}
		buf_release(&mine);
		diff_unified(a.data, a.len, b.data, b.len, "a", "b", &mine);
		if (patch(a.data, a.len, mine.data ? mine.data : "", mine.len, &res) != 0 ||
		    res.len != b.len || memcmp(res.data, b.data, b.len) != 0 ||
		    changed_lines(&mine) != edit_distance(sa, n, sb, m)) {
			if (bad++ == 0) {
				show("a", a.data, a.len);
				show("b", b.data, b.len);
				show("diff", mine.data ? mine.data : "", mine.len);
			}
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	buf_release(&a);
	buf_release(&b);
	buf_release(&mine);
	buf_release(&res);
}

static const struct unit_test diff_tests[] = {
	{ "fixed cases", test_fixed },
	{ "patch helper", test_patch_helper },
	{ "shortest scripts", test_random_minimal },
	{ "random edits, distinct lines", test_random_unique },
	{ "random edits, repeated lines", test_random_dups },
	{ "200,000 lines", test_large },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "diff", diff_tests },
	{ NULL, NULL }
};

UNIT_MAIN(suites)
