/*
 * Unit tests of the hosts-file engine: parsing real-world files, broken
 * blocks, and rewrites compared byte for byte (SPEC 6).
 */
#include "config.h"

#include <stdio.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/wait.h>
#endif
#include <time.h>
#include <unistd.h>

#include "hosts/entries.h"
#include "hosts/hostsfile.h"
#include "hosts/hostsline.h"
#include "base/fileread.h"
#include "base/platform.h"
#include "base/util.h"
#include "unit/cunit_main.h"

#define WS "fb7e20a0-8891-458b-b969-55ddb3382f51"
#define API WS ".workspace.eastus.api.azureml.ms"
#define CERT WS ".workspace.eastus.cert.api.azureml.ms"
#define NB "ml-myws-eastus-" WS ".eastus.notebooks.azure.net"
#define NOTICE HOSTS_NOTICE
#define BOM "\xef\xbb\xbf"

/* The block of "myws" with list_a(), as SPEC 6.1 shows it. */
#define BLOCK_A(nl) \
	"# BEGIN amlhosts myws" nl \
	NOTICE nl \
	"10.1.0.5\t" API nl \
	"10.1.0.5\t" CERT nl \
	"10.1.0.6\t" NB nl \
	"# END amlhosts myws" nl

/* A block of one name; end: "" or MARK, before its END line's ending. */
#define BLK(t, ip, name, nl, end) \
	"# BEGIN amlhosts " t nl NOTICE nl ip "\t" name nl "# END amlhosts " t end nl
#define MARK "\t" HOSTS_NOEOL_MARK

static const char *
testdata(void)
{
	const char *d = getenv("TESTDATA");

	return d != NULL && *d != '\0' ? d : "tests/data";
}

static void
load(const char *name, struct buf *b)
{
	char *path = xasprintf("%s/hosts/%s", testdata(), name);
	char *cause = NULL;

	buf_init(b);
	if (file_read(path, FILE_READ_REGULAR, 64u << 20, b, NULL, NULL, &cause) != 0) {
		fprintf(stderr, "\n%s: %s\n", path, cause);
		CU_FAIL_FATAL("cannot read test data");
	}
	free(cause);
	free(path);
}

/* Entries from "ip", "name", ..., NULL pairs. */
static void
list_of(struct entry_list *l, ...)
{
	struct ipaddr a;
	const char *ip, *name;
	va_list ap;

	entry_list_init(l);
	va_start(ap, l);
	while ((ip = va_arg(ap, const char *)) != NULL) {
		name = va_arg(ap, const char *);
		CU_ASSERT_EQUAL_FATAL(ip_parse(ip, 0, &a, NULL), 0);
		entry_list_add(l, name, &a);
	}
	va_end(ap);
}

static void
list_a(struct entry_list *l)
{
	list_of(l, "10.1.0.5", API, "10.1.0.5", CERT, "10.1.0.6", NB, NULL);
}

static void
show(const char *what, const char *p, size_t n)
{
	size_t i;

	fprintf(stderr, "\n--- %s (%zu bytes):\n", what, n);
	for (i = 0; i < n; i++) {
		if (p[i] == '\r')
			fputs("\\r", stderr);
		else if (p[i] == '\t')
			fputs("\\t", stderr);
		else if ((unsigned char)p[i] >= 0x80)
			fprintf(stderr, "\\x%02x", (unsigned char)p[i]);
		else
			fputc(p[i], stderr);
	}
}

#define ASSERT_BYTES(got, gotlen, exp, explen) \
	assert_bytes((got), (gotlen), (exp), (explen), __LINE__)

static void
assert_bytes(const char *got, size_t gotlen, const char *exp, size_t explen, int line)
{
	int same = gotlen == explen && memcmp(got, exp, explen) == 0;

	if (!same) {
		fprintf(stderr, "\nbytes differ at test_hostsfile.c:%d", line);
		show("expected", exp, explen);
		show("got", got, gotlen);
	}
	CU_ASSERT_TRUE(same);
}

/* The edited kept lines the last rewrite() reported. */
static struct hosts_kept_edits edited = HOSTS_KEPT_EDITS_INIT;

/* Does [p, p+n) lie inside [base, base+len)? */
static int
inside(const char *p, size_t n, const char *base, size_t len)
{
	return base != NULL && p >= base && n <= len && (size_t)(p - base) <= len - n;
}

/*
 * A rewrite's segments, out holding their bytes (hosts_out_to_buf()): every
 * segment holds bytes and the lengths add up; each lies in the input
 * (borrowed) or in side, and side holds exactly the bytes of its segments
 * (the lines amlhosts writes, nothing left over, nothing twice); the
 * comparison and the hash the write path does on segments agree with the
 * bytes; and the blocks it lists are the blocks the output parses into.
 */
static void
check_segments(const struct hostsfile *hf, const struct hosts_out *o, const struct buf *out)
{
	struct hostsfile again;
	char want[65], got[65];
	size_t i, sum = 0, in_side = 0;

	for (i = 0; i < o->n; i++) {
		CU_ASSERT_PTR_NOT_NULL(o->v[i].data);
		CU_ASSERT(o->v[i].len > 0);
		sum += o->v[i].len;
		if (inside(o->v[i].data, o->v[i].len, o->side.data, o->side.len))
			in_side += o->v[i].len;
		else
			CU_ASSERT(inside(o->v[i].data, o->v[i].len, hf->data, hf->len));
	}
	CU_ASSERT_EQUAL(sum, o->len);
	CU_ASSERT_EQUAL(in_side, o->side.len);
	CU_ASSERT_EQUAL(o->len, out->len);
	CU_ASSERT_TRUE(hosts_out_equal(o, out->data, out->len));
	sha256_hex(out->data, out->len, want);
	hosts_out_hash(o, got);
	CU_ASSERT_STRING_EQUAL(got, want);
	/* The blocks it lists are the blocks the output parses into. */
	CU_ASSERT_TRUE(o->blocks_known);
	if (hostsfile_parse(&again, out->data, out->len, NULL) == 0) {
		CU_ASSERT_EQUAL(o->nblocks, again.nblocks);
		for (i = 0; i < o->nblocks && i < again.nblocks; i++) {
			CU_ASSERT_STRING_EQUAL(hosts_out_block_name(o, i), again.blocks[i].name);
			hostsfile_block_hash(&again, i, want);
			hosts_out_block_hash(o, i, got);
			CU_ASSERT_STRING_EQUAL(got, want);
		}
		hostsfile_release(&again);
	}
}

/* hostsfile_rewrite_out() into out (emptied first), its segments checked. */
static int
rewrite_hf(const struct hostsfile *hf, const struct block_change *ch, size_t n, int all,
    struct buf *out, struct hosts_kept_edits *ed, char **cause)
{
	struct hosts_out o;
	int rc;

	out->len = 0;
	hosts_out_init(&o);
	rc = hostsfile_rewrite_out(hf, ch, n, all, &o, ed, cause);
	if (rc == 0) {
		hosts_out_to_buf(&o, out);
		check_segments(hf, &o, out);
	}
	hosts_out_release(&o);
	return rc;
}

/* One rewrite of text; the result in out (emptied first). */
static int
rewrite(const char *text, size_t len, const struct block_change *ch, size_t n,
    int all, struct buf *out, char **cause)
{
	struct hostsfile hf;
	int rc;

	buf_release(out);
	if (hostsfile_parse(&hf, text, len, cause) != 0)
		return -1;
	rc = rewrite_hf(&hf, ch, n, all, out, &edited, cause);
	hostsfile_release(&hf);
	return rc;
}

/* Apply (entries) or remove (NULL) one target; must succeed. */
static void
rewrite1(const char *text, size_t len, const char *target, const struct entry_list *l,
    struct buf *out)
{
	struct block_change ch = { target, l };
	char *cause = NULL;

	if (rewrite(text, len, &ch, 1, 0, out, &cause) != 0) {
		fprintf(stderr, "\nrewrite failed: %s\n", cause);
		CU_FAIL_FATAL("rewrite failed");
	}
}

static void
restore_all(const char *text, size_t len, struct buf *out)
{
	char *cause = NULL;

	if (rewrite(text, len, NULL, 0, 1, out, &cause) != 0) {
		fprintf(stderr, "\nuninstall failed: %s\n", cause);
		CU_FAIL_FATAL("uninstall failed");
	}
}

static const struct sample {
	const char *name;
	size_t nlines;
	int crlf, bom, final_eol;
} samples[] = {
	{ "debian", 7, 0, 0, 1 },
	{ "macos", 9, 0, 0, 1 },
	{ "windows", 21, 1, 0, 1 },
	{ "container", 7, 0, 0, 1 },
	{ "kubernetes", 11, 0, 0, 1 },
	{ "no-final-newline", 3, 0, 0, 0 },
	{ "bom-crlf", 5, 1, 1, 1 },
	{ "prior-entries", 12, 0, 0, 1 },
	{ NULL, 0, 0, 0, 0 }
};

static void
test_parse_samples(void)
{
	const struct sample *s;
	struct hostsfile hf;
	struct buf b;
	char *cause = NULL;
	size_t i, total;

	for (s = samples; s->name != NULL; s++) {
		load(s->name, &b);
		CU_ASSERT_EQUAL_FATAL(hostsfile_parse(&hf, b.data, b.len, &cause), 0);
		if (hf.nlines != s->nlines)
			fprintf(stderr, "\n%s: %zu lines\n", s->name, hf.nlines);
		CU_ASSERT_EQUAL(hf.nlines, s->nlines);
		CU_ASSERT_EQUAL(hf.crlf, s->crlf);
		CU_ASSERT_EQUAL(hf.bom, s->bom);
		CU_ASSERT_EQUAL(hf.nblocks, 0);
		CU_ASSERT_EQUAL(hf.lines[hf.nlines - 1].eol != 0, s->final_eol);
		for (i = 0, total = 0; i < hf.nlines; i++) {
			CU_ASSERT_EQUAL(hf.lines[i].off, total);
			CU_ASSERT_EQUAL(hf.lines[i].eol, hf.lines[i].len == 0 ? 0 :
			    i + 1 == hf.nlines && !s->final_eol ? 0 : s->crlf ? 2 : 1);
			total += hf.lines[i].len;
		}
		CU_ASSERT_EQUAL(total, b.len);
		hostsfile_release(&hf);
		buf_release(&b);
	}
}

/* A file with no line ending yet: CRLF on Windows (hostsfile.c). */
#ifdef _WIN32
#define NO_EOL_CRLF 1
#define NO_EOL_NL "\r\n"
#else
#define NO_EOL_CRLF 0
#define NO_EOL_NL "\n"
#endif

static void
test_parse_edges(void)
{
	static const char marked[] =
	    BOM "# BEGIN amlhosts my-ws.1 \t\r\nx\r\n# END amlhosts my-ws.1\t\r\n";
	struct hostsfile hf;
	char *cause = NULL;

	CU_ASSERT_EQUAL_FATAL(hostsfile_parse(&hf, "", 0, &cause), 0);
	CU_ASSERT_EQUAL(hf.nlines, 0);
	CU_ASSERT_EQUAL(hf.crlf, NO_EOL_CRLF);
	hostsfile_release(&hf);

	CU_ASSERT_EQUAL_FATAL(hostsfile_parse(&hf, "abc", 3, &cause), 0);
	CU_ASSERT_EQUAL(hf.nlines, 1);
	CU_ASSERT_EQUAL(hf.lines[0].eol, 0);
	CU_ASSERT_EQUAL(hf.crlf, NO_EOL_CRLF);
	hostsfile_release(&hf);

	/* The first line ending decides. */
	CU_ASSERT_EQUAL_FATAL(hostsfile_parse(&hf, "a\nb\r\n", 5, &cause), 0);
	CU_ASSERT_EQUAL(hf.crlf, 0);
	CU_ASSERT_EQUAL(hf.lines[1].eol, 2);
	hostsfile_release(&hf);
	CU_ASSERT_EQUAL_FATAL(hostsfile_parse(&hf, "a\r\nb\n\n", 6, &cause), 0);
	CU_ASSERT_EQUAL(hf.crlf, 1);
	CU_ASSERT_EQUAL(hf.nlines, 3);
	CU_ASSERT_EQUAL(hf.lines[1].eol, 1);
	CU_ASSERT_EQUAL(hf.lines[2].len, 1);
	hostsfile_release(&hf);

	CU_ASSERT_EQUAL_FATAL(hostsfile_parse(&hf, BOM, 3, &cause), 0);
	CU_ASSERT_EQUAL(hf.bom, 1);
	CU_ASSERT_EQUAL(hf.nlines, 1);
	hostsfile_release(&hf);

	/* Markers past a BOM, with trailing blanks, in a CRLF file. */
	CU_ASSERT_EQUAL_FATAL(hostsfile_parse(&hf, marked, sizeof marked - 1, &cause), 0);
	CU_ASSERT_EQUAL_FATAL(hf.nblocks, 1);
	CU_ASSERT_STRING_EQUAL(hf.blocks[0].name, "my-ws.1");
	CU_ASSERT_EQUAL(hf.blocks[0].begin, 0);
	CU_ASSERT_EQUAL(hf.blocks[0].end, 2);
	CU_ASSERT_EQUAL(hostsfile_find_block(&hf, "my-ws.1"), 0);
	CU_ASSERT_EQUAL(hostsfile_find_block(&hf, "my-ws"), -1);
	hostsfile_release(&hf);

	/* Not markers: no exact prefix. */
	{
		static const char text[] =
		    "#BEGIN amlhosts a\n"
		    " # BEGIN amlhosts a\n"
		    "# BEGIN amlhosts\n"
		    "# BEGIN amlhosts   \n"
		    "# begin amlhosts a\n"
		    "# BEGIN amlhostsa\n"
		    "#amlhosts:a# # END amlhosts a\n";

		CU_ASSERT_EQUAL_FATAL(hostsfile_parse(&hf, text, sizeof text - 1, &cause), 0);
		CU_ASSERT_EQUAL(hf.nblocks, 0);
		hostsfile_release(&hf);
	}
	free(cause);
}

static void
test_target_names(void)
{
	char longname[70];

	CU_ASSERT_TRUE(hosts_target_name_valid("myws"));
	CU_ASSERT_TRUE(hosts_target_name_valid("My_WS.prod-2"));
	CU_ASSERT_TRUE(hosts_target_name_valid("9"));
	CU_ASSERT_FALSE(hosts_target_name_valid(""));
	CU_ASSERT_FALSE(hosts_target_name_valid("-x"));
	CU_ASSERT_FALSE(hosts_target_name_valid(".x"));
	CU_ASSERT_FALSE(hosts_target_name_valid("a b"));
	CU_ASSERT_FALSE(hosts_target_name_valid("a#"));
	CU_ASSERT_FALSE(hosts_target_name_valid("a\n"));
	CU_ASSERT_FALSE(hosts_target_name_valid(NULL));
	memset(longname, 'a', 64);
	longname[64] = '\0';
	CU_ASSERT_TRUE(hosts_target_name_valid(longname));
	longname[64] = 'a';
	longname[65] = '\0';
	CU_ASSERT_FALSE(hosts_target_name_valid(longname));
}

static const struct broken {
	const char *text;
	const char *cause;
} broken[] = {
	{ "127.0.0.1 localhost\n# BEGIN amlhosts a\n10.1.0.5\tx.example\n",
	  "line 2: '# BEGIN amlhosts a' has no matching END" },
	{ "x\n\n# END amlhosts a\n",
	  "line 3: '# END amlhosts a' has no matching BEGIN" },
	{ "# BEGIN amlhosts a\n# END amlhosts a\n# END amlhosts a\n",
	  "line 3: '# END amlhosts a' has no matching BEGIN" },
	{ "x\n\n# BEGIN amlhosts a\n1\n2\n3\n4\n5\n# BEGIN amlhosts a\n# END amlhosts a\n",
	  "lines 3 and 9: two BEGIN lines for 'a'" },
	{ "# BEGIN amlhosts a\n\n# BEGIN amlhosts b\n# END amlhosts b\n# END amlhosts a\n",
	  "lines 1 and 3: block 'a' has no END before '# BEGIN amlhosts b'" },
	{ "# BEGIN amlhosts a\nx\n# END amlhosts b\n",
	  "lines 1 and 3: block 'a' ends with '# END amlhosts b'" },
	{ "# BEGIN amlhosts a\n# END amlhosts a\nx\n# BEGIN amlhosts a\n# END amlhosts a\n",
	  "lines 1 and 4: two blocks named 'a'" },
	{ "x\n# BEGIN amlhosts -bad  \n",
	  "line 2: '# BEGIN amlhosts -bad' does not name a valid block" },
	{ "# END amlhosts a b\n",
	  "line 1: '# END amlhosts a b' does not name a valid block" },
	{ "# BEGIN amlhosts a\x01\x7f\xc3\xa9\n",
	  "line 1: '# BEGIN amlhosts a\\x01\\x7f\xc3\xa9' does not name a valid block" },
	{ BOM "# BEGIN amlhosts a\r\nx\r\n",
	  "line 1: '# BEGIN amlhosts a' has no matching END" },
	{ "a\r\nb\r\n# BEGIN amlhosts a \r\n# END amlhosts a\r\n# BEGIN amlhosts b\r\n",
	  "line 5: '# BEGIN amlhosts b' has no matching END" },
	{ NULL, NULL }
};

static void
test_broken_blocks(void)
{
	const struct broken *t;
	struct hostsfile hf;
	char *cause = NULL;

	for (t = broken; t->text != NULL; t++) {
		CU_ASSERT_EQUAL(hostsfile_parse(&hf, t->text, strlen(t->text), &cause), -1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(cause);
		if (strcmp(cause, t->cause) != 0)
			fprintf(stderr, "\nexpected: %s\ngot:      %s\n", t->cause, cause);
		CU_ASSERT_STRING_EQUAL(cause, t->cause);
		CU_ASSERT_EQUAL(hf.nblocks, 0);
		hostsfile_release(&hf); /* safe after a failure */
		free(cause);
		cause = NULL;
	}
}

static void
test_render(void)
{
	struct entry_list l;
	struct buf b = BUF_INIT;
	static const char lf[] = BLOCK_A("\n");
	static const char crlf[] = BLOCK_A("\r\n");

	list_a(&l);
	hostsfile_render_block("myws", &l, 0, &b);
	ASSERT_BYTES(b.data, b.len, lf, sizeof lf - 1);
	buf_release(&b);
	hostsfile_render_block("myws", &l, 1, &b);
	ASSERT_BYTES(b.data, b.len, crlf, sizeof crlf - 1);
	buf_release(&b);
	hostsfile_render_block("e", NULL, 0, &b);
	CU_ASSERT_STRING_EQUAL(b.data, "# BEGIN amlhosts e\n" NOTICE "\n# END amlhosts e\n");
	buf_release(&b);
	entry_list_release(&l);
}

/* Apply to every sample without prior lines: bytes outside the block are
 * untouched, the block uses the file's line ending, remove and uninstall
 * give the original back. */
static void
test_apply_samples(void)
{
	const struct sample *s;
	struct entry_list l;
	struct buf in, out = BUF_INIT, again = BUF_INIT, exp = BUF_INIT;
	struct hostsfile hf;
	struct entry_list got;
	char *cause = NULL, hex[65], want[65];
	size_t skipped, n;
	const char *nl;

	list_a(&l);
	for (s = samples; s->name != NULL; s++) {
		if (strcmp(s->name, "prior-entries") == 0)
			continue;
		load(s->name, &in);
		nl = s->crlf ? "\r\n" : "\n";
		buf_release(&exp);
		buf_append(&exp, in.data, in.len);
		if (!s->final_eol)
			buf_puts(&exp, nl);
		n = exp.len;
		if (s->crlf)
			buf_puts(&exp, BLOCK_A("\r\n"));
		else
			buf_puts(&exp, BLOCK_A("\n"));
		/* A file without a final newline says so on the END line. */
		if (!s->final_eol) {
			exp.len -= strlen(nl);
			buf_puts(&exp, "\t" HOSTS_NOEOL_MARK);
			buf_puts(&exp, nl);
		}

		rewrite1(in.data, in.len, "myws", &l, &out);
		ASSERT_BYTES(out.data, out.len, exp.data, exp.len);

		/* The block reads back as written. */
		CU_ASSERT_EQUAL_FATAL(hostsfile_parse(&hf, out.data, out.len, &cause), 0);
		CU_ASSERT_EQUAL_FATAL(hf.nblocks, 1);
		entry_list_init(&got);
		CU_ASSERT_EQUAL(hostsfile_block_entries(&hf, 0, &got, &skipped, &cause), 0);
		CU_ASSERT_EQUAL(skipped, 0);
		CU_ASSERT_EQUAL_FATAL(got.n, 3);
		CU_ASSERT_STRING_EQUAL(got.v[0].name, API);
		CU_ASSERT_STRING_EQUAL(got.v[2].ip, "10.1.0.6");
		entry_list_release(&got);
		hostsfile_block_hash(&hf, 0, hex);
		sha256_hex(exp.data + n, exp.len - n, want);
		CU_ASSERT_STRING_EQUAL(hex, want);
		hostsfile_release(&hf);

		/* Idempotent. */
		rewrite1(out.data, out.len, "myws", &l, &again);
		ASSERT_BYTES(again.data, again.len, out.data, out.len);

		/* Remove and uninstall restore the original exactly, a
		 * missing final newline included. */
		rewrite1(out.data, out.len, "myws", NULL, &again);
		ASSERT_BYTES(again.data, again.len, in.data, in.len);
		restore_all(out.data, out.len, &again);
		ASSERT_BYTES(again.data, again.len, in.data, in.len);
		buf_release(&in);
	}
	buf_release(&out);
	buf_release(&again);
	buf_release(&exp);
	entry_list_release(&l);
	free(cause);
}

static void
test_empty_file(void)
{
	struct entry_list l;
	struct buf out = BUF_INIT, back = BUF_INIT;
	static const char block[] = BLOCK_A(NO_EOL_NL);
	static const char bomblock[] = BOM BLOCK_A(NO_EOL_NL);

	list_a(&l);
	rewrite1("", 0, "myws", &l, &out);
	ASSERT_BYTES(out.data, out.len, block, sizeof block - 1);
	rewrite1(out.data, out.len, "myws", NULL, &back);
	CU_ASSERT_EQUAL(back.len, 0);
	/* A file holding only a BOM has no line to end. */
	rewrite1(BOM, 3, "myws", &l, &out);
	ASSERT_BYTES(out.data, out.len, bomblock, sizeof bomblock - 1);
	rewrite1(out.data, out.len, "myws", NULL, &back);
	ASSERT_BYTES(back.data, back.len, BOM, 3);
	/* Removing what is not there changes nothing. */
	rewrite1("a\nb", 3, "myws", NULL, &back);
	ASSERT_BYTES(back.data, back.len, "a\nb", 3);
	buf_release(&out);
	buf_release(&back);
	entry_list_release(&l);
}

static void
test_replace_in_place(void)
{
	struct entry_list l, old;
	struct buf out = BUF_INIT;
	static const char before[] =
	    "127.0.0.1 localhost\r\n"
	    "# BEGIN amlhosts other\r\n"
	    "10.2.0.1\tfoo.privatelink.example   # hand edit kept verbatim\r\n"
	    "# END amlhosts other\r\n"
	    "# BEGIN amlhosts myws  \r\n"
	    NOTICE "\r\n"
	    "10.1.0.4\t" API "\r\n"
	    "# END amlhosts myws\r\n"
	    "# user line after the block\r\n"
	    "192.168.1.5 nas";
	static const char after[] =
	    "127.0.0.1 localhost\r\n"
	    "# BEGIN amlhosts other\r\n"
	    "10.2.0.1\tfoo.privatelink.example   # hand edit kept verbatim\r\n"
	    "# END amlhosts other\r\n"
	    BLOCK_A("\r\n")
	    "# user line after the block\r\n"
	    "192.168.1.5 nas";
	static const char removed[] =
	    "127.0.0.1 localhost\r\n"
	    "# BEGIN amlhosts other\r\n"
	    "10.2.0.1\tfoo.privatelink.example   # hand edit kept verbatim\r\n"
	    "# END amlhosts other\r\n"
	    "# user line after the block\r\n"
	    "192.168.1.5 nas";

	list_a(&l);
	rewrite1(before, sizeof before - 1, "myws", &l, &out);
	ASSERT_BYTES(out.data, out.len, after, sizeof after - 1);
	rewrite1(after, sizeof after - 1, "myws", NULL, &out);
	ASSERT_BYTES(out.data, out.len, removed, sizeof removed - 1);
	/* An empty list still writes the (empty) block. */
	list_of(&old, NULL);
	rewrite1(before, sizeof before - 1, "myws", &old, &out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "# BEGIN amlhosts myws\r\n" NOTICE
	    "\r\n# END amlhosts myws\r\n# user"));
	entry_list_release(&old);
	buf_release(&out);
	entry_list_release(&l);
}

/* What apply makes of tests/data/hosts/prior-entries with list_a(). */
static const char prior_applied[] =
    "127.0.0.1\tlocalhost\n"
    "::1\tlocalhost ip6-localhost ip6-loopback\n"
    "\n"
    "# AML names pasted by hand last year\n"
    "#amlhosts:myws# 10.9.9.9 " API " myalias.internal   # old manual line\n"
    "10.9.9.9\tmyalias.internal\t#amlhosts-kept:myws\n"
    "#amlhosts:myws# 10.9.9.9\t" CERT "\n"
    "#amlhosts:myws#   10.9.9.10   ML-MYWS-EASTUS-FB7E20A0-8891-458B-B969-55DDB3382F51"
    ".EASTUS.NOTEBOOKS.AZURE.NET.   \n"
    "# 10.9.9.9 " API "\n"
    "10.9.9.9\n"
    "not-an-ip " API "\n"
    "10.9.9.9#" API "\n"
    "192.168.1.5\tnas.home nas\n"
    BLOCK_A("\n");

static void
test_prior_lines(void)
{
	struct entry_list l;
	struct buf in, out = BUF_INIT, back = BUF_INIT;
	struct hostsfile hf;
	char *cause = NULL;

	load("prior-entries", &in);
	list_a(&l);
	rewrite1(in.data, in.len, "myws", &l, &out);
	ASSERT_BYTES(out.data, out.len, prior_applied, sizeof prior_applied - 1);

	CU_ASSERT_EQUAL_FATAL(hostsfile_parse(&hf, out.data, out.len, &cause), 0);
	CU_ASSERT_EQUAL(hostsfile_count_disabled(&hf, "myws"), 3);
	CU_ASSERT_EQUAL(hostsfile_count_disabled(&hf, "other"), 0);
	hostsfile_release(&hf);

	rewrite1(out.data, out.len, "myws", &l, &back);
	ASSERT_BYTES(back.data, back.len, out.data, out.len);
	rewrite1(out.data, out.len, "myws", NULL, &back);
	ASSERT_BYTES(back.data, back.len, in.data, in.len);
	restore_all(out.data, out.len, &back);
	ASSERT_BYTES(back.data, back.len, in.data, in.len);

	buf_release(&in);
	buf_release(&out);
	buf_release(&back);
	entry_list_release(&l);
}

/* A changed list gives the same bytes as applying it to the original: a
 * name no longer managed gets its line back, a kept line is not doubled. */
static void
test_reapply_changed(void)
{
	struct entry_list l, l2;
	struct buf in, a1 = BUF_INIT, a2 = BUF_INIT, fresh = BUF_INIT;

	load("prior-entries", &in);
	list_a(&l);
	list_of(&l2, "10.1.0.5", API, "10.1.0.7", NB, "10.1.0.8", "nas.home", NULL);
	rewrite1(in.data, in.len, "myws", &l, &a1);
	rewrite1(a1.data, a1.len, "myws", &l2, &a2);
	rewrite1(in.data, in.len, "myws", &l2, &fresh);
	ASSERT_BYTES(a2.data, a2.len, fresh.data, fresh.len);
	/* The cert line is live again, exactly as it was. */
	CU_ASSERT_PTR_NOT_NULL(strstr(a2.data, "\n10.9.9.9\t" CERT "\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a2.data, "\n#amlhosts:myws# 192.168.1.5\tnas.home nas\n"
	    "192.168.1.5\tnas\t#amlhosts-kept:myws\n"));
	CU_ASSERT_PTR_NULL(strstr(strstr(a2.data, "kept:myws") + 1,
	    "myalias.internal\t#amlhosts-kept"));
	/* And back. */
	rewrite1(a2.data, a2.len, "myws", &l, &fresh);
	ASSERT_BYTES(fresh.data, fresh.len, a1.data, a1.len);
	rewrite1(a2.data, a2.len, "myws", NULL, &fresh);
	ASSERT_BYTES(fresh.data, fresh.len, in.data, in.len);
	buf_release(&in);
	buf_release(&a1);
	buf_release(&a2);
	buf_release(&fresh);
	entry_list_release(&l);
	entry_list_release(&l2);
}

static void
test_two_targets(void)
{
	struct entry_list la, lb;
	struct buf in, s1 = BUF_INIT, s2 = BUF_INIT, s3 = BUF_INIT, s4 = BUF_INIT;
	struct block_change both[2];
	char *cause = NULL;
	static const char after_remove_a[] =
	    "#amlhosts:proj# 10.9.9.9 " API " myalias.internal   # old manual line\n"
	    "10.9.9.9\t" API "\t#amlhosts-kept:proj\n"
	    "10.9.9.9\t" CERT "\n";

	load("prior-entries", &in);
	list_a(&la);
	/* proj manages a name myws left on its kept line: the line's chain
	 * is written anew (still disabled for myws, which manages a name of
	 * it), no kept line left, as when both are applied in one run. */
	list_of(&lb, "10.3.0.1", "myalias.internal", "10.3.0.2", "proj.example", NULL);
	rewrite1(in.data, in.len, "myws", &la, &s1);
	rewrite1(s1.data, s1.len, "proj", &lb, &s2);
	CU_ASSERT_PTR_NOT_NULL(strstr(s2.data, "\n#amlhosts:myws# 10.9.9.9 " API
	    " myalias.internal   # old manual line\n#amlhosts:myws# 10.9.9.9\t" CERT "\n"));
	CU_ASSERT_PTR_NULL(strstr(s2.data, "kept:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s2.data, "# END amlhosts myws\n# BEGIN amlhosts proj\n"));

	/* Removing myws brings its line back, which proj then disables. */
	rewrite1(s2.data, s2.len, "myws", NULL, &s3);
	CU_ASSERT_PTR_NOT_NULL(strstr(s3.data, after_remove_a));
	CU_ASSERT_PTR_NULL(strstr(s3.data, "kept:myws"));
	CU_ASSERT_PTR_NULL(strstr(s3.data, "amlhosts myws"));
	rewrite1(s3.data, s3.len, "proj", NULL, &s4);
	ASSERT_BYTES(s4.data, s4.len, in.data, in.len);

	/* The other order. */
	rewrite1(s2.data, s2.len, "proj", NULL, &s3);
	ASSERT_BYTES(s3.data, s3.len, s1.data, s1.len);
	rewrite1(s3.data, s3.len, "myws", NULL, &s4);
	ASSERT_BYTES(s4.data, s4.len, in.data, in.len);
	restore_all(s2.data, s2.len, &s4);
	ASSERT_BYTES(s4.data, s4.len, in.data, in.len);

	/* Both in one rewrite: appended in the order given. */
	both[0].target = "proj";
	both[0].entries = &lb;
	both[1].target = "myws";
	both[1].entries = &la;
	CU_ASSERT_EQUAL_FATAL(rewrite(in.data, in.len, both, 2, 0, &s3, &cause), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(s3.data, "# END amlhosts proj\n# BEGIN amlhosts myws\n"));
	/* myalias.internal is proj's now: no kept line. */
	CU_ASSERT_PTR_NOT_NULL(strstr(s3.data, "#amlhosts:myws# 10.9.9.9 " API
	    " myalias.internal   # old manual line\n#amlhosts:myws# 10.9.9.9\t" CERT "\n"));
	/* The sequential result converges to it (blocks stay where they are). */
	CU_ASSERT_EQUAL_FATAL(rewrite(s2.data, s2.len, both, 2, 0, &s1, &cause), 0);
	ASSERT_BYTES(s1.data, (size_t)(strstr(s1.data, "# BEGIN") - s1.data),
	    s3.data, (size_t)(strstr(s3.data, "# BEGIN") - s3.data));
	both[0].entries = NULL;
	both[1].entries = NULL;
	CU_ASSERT_EQUAL_FATAL(rewrite(s3.data, s3.len, both, 2, 0, &s4, &cause), 0);
	ASSERT_BYTES(s4.data, s4.len, in.data, in.len);

	buf_release(&in);
	buf_release(&s1);
	buf_release(&s2);
	buf_release(&s3);
	buf_release(&s4);
	entry_list_release(&la);
	entry_list_release(&lb);
	free(cause);
}

static void
test_conflict(void)
{
	struct entry_list l, same, other;
	struct buf out = BUF_INIT;
	struct block_change two[2];
	char *cause = NULL;
	static const char text[] =
	    "# BEGIN amlhosts stays\n"
	    NOTICE "\n"
	    "10.1.0.9\t" API "\n"
	    "# END amlhosts stays\n";

	list_a(&l);
	CU_ASSERT_EQUAL(rewrite(text, sizeof text - 1, &(struct block_change){ "myws", &l }, 1,
	    0, &out, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "name '" API "' is 10.1.0.5 in block 'myws' but "
	    "10.1.0.9 in block 'stays'");
	/* Replacing or removing the other block lifts the conflict. */
	two[0].target = "stays";
	two[0].entries = NULL;
	two[1].target = "myws";
	two[1].entries = &l;
	CU_ASSERT_EQUAL(rewrite(text, sizeof text - 1, two, 2, 0, &out, &cause), 0);
	CU_ASSERT_PTR_NULL(strstr(out.data, "stays"));
	/* The same address in both is fine. */
	list_of(&same, "10.1.0.9", API, NULL);
	CU_ASSERT_EQUAL(rewrite(text, sizeof text - 1, &(struct block_change){ "x", &same }, 1,
	    0, &out, &cause), 0);
	/* Two blocks applied at once. */
	list_of(&other, "10.1.0.8", CERT, NULL);
	two[0].target = "other";
	two[0].entries = &other;
	CU_ASSERT_EQUAL(rewrite("", 0, two, 2, 0, &out, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "name '" CERT "' is 10.1.0.8 in block 'other' but "
	    "10.1.0.5 in block 'myws'");
	/* Uninstall ignores everything. */
	CU_ASSERT_EQUAL(rewrite(text, sizeof text - 1, two, 2, 1, &out, &cause), 0);
	CU_ASSERT_EQUAL(out.len, 0);

	/* Bad changes. */
	two[0].target = "myws";
	CU_ASSERT_EQUAL(rewrite("", 0, two, 2, 0, &out, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "block 'myws' is changed twice");
	two[0].target = "bad name\n";
	CU_ASSERT_EQUAL(rewrite("", 0, two, 1, 0, &out, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "invalid block name 'bad name\\x0a'");
	buf_release(&out);
	entry_list_release(&l);
	entry_list_release(&same);
	entry_list_release(&other);
	free(cause);
}

/* Lines that are not "ip name..." are never touched, whatever they hold. */
static void
test_malformed_left_alone(void)
{
	struct entry_list l;
	struct buf out = BUF_INIT;
	static const char text[] =
	    "10.9.9.9\n"
	    "   10.9.9.9   \n"
	    "garbage\n"
	    API "\n"
	    "999.1.1.1 " API "\n"
	    "10.9.9 " API "\n"
	    "10.9.9.9 # " API "\n"
	    "\t# 10.9.9.9 " API "\n"
	    "10.9.9.9 x#" API "\n"
	    "10.9.9.9#" API "\n"
	    "10.9.9.9\0 " API "\n"
	    "10.9.9.9 x\0 " API "\n"
	    "fe80::1% " API "\n"
	    "#amlhosts:myws#10.9.9.9 " API "\n"
	    "#amlhosts:bad name# 10.9.9.9 " API "\n"
	    /* amlhosts never disables a marker: restoring these would break
	     * the file's blocks (found by fuzzing). */
	    "#amlhosts:myws# # END amlhosts other\n"
	    "#amlhosts:myws# # BEGIN amlhosts myws\n"
	    "\n";

	list_a(&l);
	rewrite1(text, sizeof text - 1, "myws", &l, &out);
	CU_ASSERT_EQUAL_FATAL(out.len, sizeof text - 1 + sizeof BLOCK_A("\n") - 1);
	ASSERT_BYTES(out.data, sizeof text - 1, text, sizeof text - 1);
	restore_all(text, sizeof text - 1, &out);
	ASSERT_BYTES(out.data, out.len, text, sizeof text - 1);
	buf_release(&out);
	entry_list_release(&l);
}

/* Lines that do parse: every spelling a resolver accepts. */
static void
test_live_spellings(void)
{
	struct entry_list l;
	struct buf out = BUF_INIT, back = BUF_INIT;
	static const char text[] =
	    "fe80::1%lo0 " API "\n"
	    "127.0.0.1\t" CERT "#comment\n"
	    "::ffff:10.1.1.1 " API ".\n"
	    "0.0.0.0 \tNB.example " NB " other\t\n";
	static const char want[] =
	    "#amlhosts:myws# fe80::1%lo0 " API "\n"
	    "#amlhosts:myws# 127.0.0.1\t" CERT "#comment\n"
	    "#amlhosts:myws# ::ffff:10.1.1.1 " API ".\n"
	    "#amlhosts:myws# 0.0.0.0 \tNB.example " NB " other\t\n"
	    "0.0.0.0\tNB.example other\t#amlhosts-kept:myws\n"
	    BLOCK_A("\n");

	list_a(&l);
	rewrite1(text, sizeof text - 1, "myws", &l, &out);
	ASSERT_BYTES(out.data, out.len, want, sizeof want - 1);
	rewrite1(out.data, out.len, "myws", NULL, &back);
	ASSERT_BYTES(back.data, back.len, text, sizeof text - 1);
	buf_release(&out);
	buf_release(&back);
	entry_list_release(&l);
}

/*
 * Every separator glibc's files backend splits on (\v, \f, \r besides
 * blanks) and a NUL ending the line: such a line maps the name for
 * getent, so apply disables it like any other, a kept line carries its
 * other names, and remove gives every byte back.
 */
static void
test_glibc_separators(void)
{
	struct entry_list l;
	struct buf out = BUF_INIT, back = BUF_INIT;
	static const char text[] =
	    "10.9.9.9\v" API "\n"
	    "10.9.9.9\f" CERT "\fother.example\n"
	    "10.9.9.9\r" NB "\r\r\n"
	    "10.9.9.9 " API "\0junk\n"
	    "10.9.9.9 " API "#glued comment\n"
	    "10.9.9.9 ok.example\v\f\r\n";
	static const char want[] =
	    "#amlhosts:myws# 10.9.9.9\v" API "\n"
	    "#amlhosts:myws# 10.9.9.9\f" CERT "\fother.example\n"
	    "10.9.9.9\tother.example\t#amlhosts-kept:myws\n"
	    "#amlhosts:myws# 10.9.9.9\r" NB "\r\r\n"
	    "#amlhosts:myws# 10.9.9.9 " API "\0junk\n"
	    "#amlhosts:myws# 10.9.9.9 " API "#glued comment\n"
	    "10.9.9.9 ok.example\v\f\r\n"
	    BLOCK_A("\n");

	list_a(&l);
	rewrite1(text, sizeof text - 1, "myws", &l, &out);
	ASSERT_BYTES(out.data, out.len, want, sizeof want - 1);
	/* idempotent */
	rewrite1(out.data, out.len, "myws", &l, &back);
	ASSERT_BYTES(back.data, back.len, want, sizeof want - 1);
	buf_release(&back);
	rewrite1(out.data, out.len, "myws", NULL, &back);
	ASSERT_BYTES(back.data, back.len, text, sizeof text - 1);
	buf_release(&back);
	restore_all(out.data, out.len, &back);
	ASSERT_BYTES(back.data, back.len, text, sizeof text - 1);
	buf_release(&out);
	buf_release(&back);
	entry_list_release(&l);
}

/*
 * A last line without a line ending: disabled alone, it keeps having none;
 * with a kept line below it, it takes the file's line ending and the kept
 * line has none, so that a second apply gives the same bytes and remove
 * and uninstall give back the line without one (issue 11).
 */
static void
test_no_eol_last_line(void)
{
	struct entry_list l;
	struct buf out = BUF_INIT, back = BUF_INIT;
	static const char mid[] =
	    "a\r\n"
	    BLOCK_A("\r\n")
	    "10.9.9.9 " API;
	static const char mid_applied[] =
	    "a\r\n"
	    BLOCK_A("\r\n")
	    "#amlhosts:myws# 10.9.9.9 " API;
	static const char mid_kept[] =
	    "a\r\n"
	    BLOCK_A("\r\n")
	    "10.9.9.9 " API " alias";
	static const char mid_kept_applied[] =
	    "a\r\n"
	    BLOCK_A("\r\n")
	    "#amlhosts:myws# 10.9.9.9 " API " alias\r\n"
	    "10.9.9.9\talias\t#amlhosts-kept:myws";
	static const char end_kept[] =
	    "a\n"
	    "10.9.9.9 " API " alias";
	static const char end_kept_applied[] =
	    "a\n"
	    "#amlhosts:myws# 10.9.9.9 " API " alias\n"
	    "10.9.9.9\talias\t#amlhosts-kept:myws\n"
	    "# BEGIN amlhosts myws\n"
	    NOTICE "\n"
	    "10.1.0.5\t" API "\n"
	    "10.1.0.5\t" CERT "\n"
	    "10.1.0.6\t" NB "\n"
	    "# END amlhosts myws\t" HOSTS_NOEOL_MARK "\n";

	list_a(&l);
	rewrite1(mid, sizeof mid - 1, "myws", &l, &out);
	ASSERT_BYTES(out.data, out.len, mid_applied, sizeof mid_applied - 1);
	rewrite1(out.data, out.len, "myws", &l, &back);
	ASSERT_BYTES(back.data, back.len, mid_applied, sizeof mid_applied - 1);
	rewrite1(out.data, out.len, "myws", NULL, &back);
	ASSERT_BYTES(back.data, back.len, "a\r\n10.9.9.9 " API, strlen("a\r\n10.9.9.9 " API));

	rewrite1(mid_kept, sizeof mid_kept - 1, "myws", &l, &out);
	ASSERT_BYTES(out.data, out.len, mid_kept_applied, sizeof mid_kept_applied - 1);
	rewrite1(out.data, out.len, "myws", &l, &back);
	ASSERT_BYTES(back.data, back.len, mid_kept_applied, sizeof mid_kept_applied - 1);
	CU_ASSERT_EQUAL(edited.n, 0);
	restore_all(out.data, out.len, &back);
	ASSERT_BYTES(back.data, back.len, "a\r\n10.9.9.9 " API " alias",
	    strlen("a\r\n10.9.9.9 " API " alias"));

	rewrite1(end_kept, sizeof end_kept - 1, "myws", &l, &out);
	ASSERT_BYTES(out.data, out.len, end_kept_applied, sizeof end_kept_applied - 1);
	rewrite1(out.data, out.len, "myws", &l, &back);
	ASSERT_BYTES(back.data, back.len, end_kept_applied, sizeof end_kept_applied - 1);
	rewrite1(out.data, out.len, "myws", NULL, &back);
	ASSERT_BYTES(back.data, back.len, end_kept, sizeof end_kept - 1);
	/* The mark goes with a line written after the block: its line
	 * ending is the user's. */
	out.len = 0;
	buf_append(&out, end_kept_applied, sizeof end_kept_applied - 1);
	buf_puts(&out, "10.0.0.1 later\n");
	rewrite1(out.data, out.len, "myws", NULL, &back);
	ASSERT_BYTES(back.data, back.len, "a\n10.9.9.9 " API " alias\n10.0.0.1 later\n",
	    strlen("a\n10.9.9.9 " API " alias\n10.0.0.1 later\n"));
	buf_release(&out);
	buf_release(&back);
	entry_list_release(&l);
}

/*
 * The mark follows the line ending the rewrite added, where uninstall
 * keeps the line: a line disabled for another target, without a line
 * ending, comes back restored and still without one, even a bare prefix
 * (restored to nothing); a bare prefix of the applied target is restored
 * by the apply itself, so no line ending is added before the block, no
 * mark is written, and the line ending before it stays.
 */
static void
test_no_eol_disabled_last(void)
{
	struct entry_list l;
	struct buf out = BUF_INIT, back = BUF_INIT;
	static const char other[] = "a\n#amlhosts:other# 10.9.9.9 other.example";
	static const char other_back[] = "a\n10.9.9.9 other.example";
	static const char bare[] = "a\n#amlhosts:myws# ";
	static const char bare_other[] = "a\n#amlhosts:other# ";
	static const char bare_applied[] = "a\n" BLOCK_A("\n");

	list_a(&l);
	rewrite1(other, sizeof other - 1, "myws", &l, &out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "# END amlhosts myws\t" HOSTS_NOEOL_MARK "\n"));
	restore_all(out.data, out.len, &back);
	ASSERT_BYTES(back.data, back.len, other_back, sizeof other_back - 1);
	rewrite1(out.data, out.len, "myws", NULL, &back);
	ASSERT_BYTES(back.data, back.len, other, sizeof other - 1);

	rewrite1(bare_other, sizeof bare_other - 1, "myws", &l, &out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "# END amlhosts myws\t" HOSTS_NOEOL_MARK "\n"));
	restore_all(out.data, out.len, &back);
	ASSERT_BYTES(back.data, back.len, "a\n", 2);
	rewrite1(out.data, out.len, "myws", NULL, &back);
	ASSERT_BYTES(back.data, back.len, bare_other, sizeof bare_other - 1);

	rewrite1(bare, sizeof bare - 1, "myws", &l, &out);
	ASSERT_BYTES(out.data, out.len, bare_applied, sizeof bare_applied - 1);
	restore_all(out.data, out.len, &back);
	ASSERT_BYTES(back.data, back.len, "a\n", 2);
	buf_release(&out);
	buf_release(&back);
	entry_list_release(&l);
}

/*
 * A file without a final newline whose last line is disabled (issue 11):
 * every shape gives back its exact bytes through apply -> remove, apply ->
 * uninstall, apply -> apply of other names -> remove/uninstall; a second
 * apply writes the same bytes and finds no edited kept line. applied, if
 * not NULL, is what the first apply writes.
 */
#define NOEOL_BLOCK(nl) \
	"# BEGIN amlhosts myws" nl NOTICE nl "10.1.0.5\t" API nl "# END amlhosts myws" nl
#define NOEOL_EMPTY(nl) "# BEGIN amlhosts myws" nl "# END amlhosts myws" nl
#define NOEOL_END_MARKED(nl) \
	"# BEGIN amlhosts myws" nl NOTICE nl "10.1.0.5\t" API nl \
	"# END amlhosts myws\t" HOSTS_NOEOL_MARK nl

static const struct noeol_case {
	const char *text, *back, *applied;
} noeol_cases[] = {
	/* the fuzzer's: the block before the line, a kept line */
	{ NOEOL_EMPTY("\n") "10.9.9.9\t" API " alias", "10.9.9.9\t" API " alias",
	  NOEOL_BLOCK("\n") "#amlhosts:myws# 10.9.9.9\t" API " alias\n"
	  "10.9.9.9\talias\t#amlhosts-kept:myws" },
	{ "a\r\n" NOEOL_EMPTY("\r\n") "10.9.9.9 " API " alias",
	  "a\r\n10.9.9.9 " API " alias",
	  "a\r\n" NOEOL_BLOCK("\r\n") "#amlhosts:myws# 10.9.9.9 " API " alias\r\n"
	  "10.9.9.9\talias\t#amlhosts-kept:myws" },
	{ BOM NOEOL_EMPTY("\n") "10.9.9.9 " API " alias", BOM "10.9.9.9 " API " alias",
	  NULL },
	/* the line alone, behind a BOM: the block is appended */
	{ BOM "10.9.9.9 " API " alias", BOM "10.9.9.9 " API " alias",
	  BOM "#amlhosts:myws# 10.9.9.9 " API " alias" NO_EOL_NL
	  "10.9.9.9\talias\t#amlhosts-kept:myws" NO_EOL_NL NOEOL_END_MARKED(NO_EOL_NL) },
	{ "a\r\n10.9.9.9 " API " alias", "a\r\n10.9.9.9 " API " alias", NULL },
	/* no kept line */
	{ NOEOL_EMPTY("\n") "10.9.9.9 " API, "10.9.9.9 " API,
	  NOEOL_BLOCK("\n") "#amlhosts:myws# 10.9.9.9 " API },
	{ "a\r\n" NOEOL_EMPTY("\r\n") "10.9.9.9 " API, "a\r\n10.9.9.9 " API, NULL },
	{ "a\n10.9.9.9 " API, "a\n10.9.9.9 " API, NULL },
	/* a lone CR at the end is the user's: the line ending added after it
	 * is CR LF, which remove takes back whole */
	{ NOEOL_EMPTY("\n") "a\n10.9.9.9 " API " alias\r", "a\n10.9.9.9 " API " alias\r",
	  NOEOL_BLOCK("\n") "a\n#amlhosts:myws# 10.9.9.9 " API " alias\r\r\n"
	  "10.9.9.9\talias\t#amlhosts-kept:myws" },
	/* and the block appended after the kept line: the kept line takes
	 * the line ending of the line above it, as kept_edited() expects */
	{ "a\n10.9.9.9 " API " alias\r", "a\n10.9.9.9 " API " alias\r",
	  "a\n#amlhosts:myws# 10.9.9.9 " API " alias\r\r\n"
	  "10.9.9.9\talias\t#amlhosts-kept:myws\r\n" NOEOL_END_MARKED("\n") },
};

static void
test_no_eol_roundtrip(void)
{
	struct entry_list l, other;
	struct buf out = BUF_INIT, back = BUF_INIT, moved = BUF_INIT;
	const struct noeol_case *c;
	size_t i;

	list_of(&l, "10.1.0.5", API, NULL);
	list_of(&other, "10.1.0.6", CERT, NULL);
	for (i = 0; i < sizeof noeol_cases / sizeof noeol_cases[0]; i++) {
		c = &noeol_cases[i];
		rewrite1(c->text, strlen(c->text), "myws", &l, &out);
		if (c->applied != NULL)
			ASSERT_BYTES(out.data, out.len, c->applied, strlen(c->applied));
		rewrite1(out.data, out.len, "myws", &l, &back);
		ASSERT_BYTES(back.data, back.len, out.data, out.len);
		CU_ASSERT_EQUAL(edited.n, 0);
		rewrite1(out.data, out.len, "myws", NULL, &back);
		ASSERT_BYTES(back.data, back.len, c->back, strlen(c->back));
		CU_ASSERT_EQUAL(edited.n, 0);
		restore_all(out.data, out.len, &back);
		ASSERT_BYTES(back.data, back.len, c->back, strlen(c->back));
		/* other names: the line comes back live, still without an ending */
		rewrite1(out.data, out.len, "myws", &other, &moved);
		CU_ASSERT_PTR_NULL(strstr(moved.data, "#amlhosts:"));
		rewrite1(moved.data, moved.len, "myws", NULL, &back);
		ASSERT_BYTES(back.data, back.len, c->back, strlen(c->back));
		restore_all(moved.data, moved.len, &back);
		ASSERT_BYTES(back.data, back.len, c->back, strlen(c->back));
		rewrite1(moved.data, moved.len, "myws", &l, &back);
		ASSERT_BYTES(back.data, back.len, out.data, out.len);
	}
	buf_release(&out);
	buf_release(&back);
	buf_release(&moved);
	entry_list_release(&l);
	entry_list_release(&other);
	hosts_kept_edits_clear(&edited);
}

/*
 * Two targets on one line (issue 11, "Kept lines"): applied together or
 * one after the other (either first), then removed in either order, both
 * at once, or uninstalled, with one removal and then an uninstall: no step
 * reports a kept line amlhosts wrote as edited, the end gives back the
 * exact bytes, and removing one target leaves the file as applying the
 * other alone would have (its names live again on the kept line, no line
 * still disabled for it). Lines with and without names no block manages,
 * the last with and without a line ending, LF and CRLF, the blocks
 * appended after the lines or already in the file before them.
 */
#define TWO_BODY(nl) "a" nl "10.9.9.9 " API " " CERT " alias" nl "10.9.9.8 " CERT " " API
#define TWO_BODY2(nl) "10.9.9.8 " API " " CERT nl "10.9.9.9 " CERT " alias " API
#define TWO_BLOCKS(nl) \
	"# BEGIN amlhosts myws" nl "# END amlhosts myws" nl \
	"# BEGIN amlhosts other" nl "# END amlhosts other" nl

static const char *const two_texts[] = {
	TWO_BODY("\n"), TWO_BODY("\n") "\n", TWO_BODY("\r\n"), TWO_BODY("\r\n") "\r\n",
	TWO_BODY2("\n"), TWO_BODY2("\n") "\n", TWO_BODY2("\r\n") "\r\n",
	TWO_BODY("\n") " extra", /* last line with no managed name */
	BOM TWO_BODY("\r\n"),
	TWO_BLOCKS("\n") TWO_BODY("\n"), TWO_BLOCKS("\n") TWO_BODY("\n") "\n",
	TWO_BLOCKS("\r\n") TWO_BODY2("\r\n") "\r\n",
};

/* rewrite() that must succeed and report no edited kept line. */
static void
two_step(const char *text, size_t len, const struct block_change *ch, size_t n, int all,
    struct buf *out)
{
	char *cause = NULL;

	if (rewrite(text, len, ch, n, all, out, &cause) != 0) {
		fprintf(stderr, "\nrewrite failed: %s\n", cause);
		free(cause);
		CU_FAIL_FATAL("rewrite failed");
	}
	if (edited.n != 0)
		show("kept line reported edited in", text, len);
	CU_ASSERT_EQUAL(edited.n, 0);
}

static void
test_two_targets_kept(void)
{
	static const char *const names[2] = { "myws", "other" };
	struct entry_list l[2];
	struct block_change ch[2], rm[2];
	struct buf out = BUF_INIT, step = BUF_INIT, back = BUF_INIT, alone = BUF_INIT;
	const char *text, *orig;
	size_t t, len, olen, k;
	int how, gone, blocks;

	list_of(&l[0], "10.1.0.5", API, NULL);
	list_of(&l[1], "10.1.0.6", CERT, NULL);
	for (k = 0; k < 2; k++) {
		ch[k].target = rm[k].target = names[k];
		ch[k].entries = &l[k];
		rm[k].entries = NULL;
	}
	for (t = 0; t < sizeof two_texts / sizeof two_texts[0]; t++)
		for (how = 0; how < 3; how++) {
			text = two_texts[t];
			len = strlen(text);
			/* what remove and uninstall give back: the text without
			 * the empty blocks it had */
			orig = strstr(text, "# END amlhosts other");
			blocks = orig != NULL;
			orig = blocks ? strchr(orig, '\n') + 1 : text;
			olen = len - (size_t)(orig - text);
			/* how 2: both in one run; 0, 1: that one first */
			if (how == 2) {
				two_step(text, len, ch, 2, 0, &out);
			} else {
				two_step(text, len, &ch[how], 1, 0, &step);
				two_step(step.data, step.len, &ch[!how], 1, 0, &out);
			}
			CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "#amlhosts:"));
			/* the last step again: the same bytes (both applied at
			 * once to a file of one after the other converges to
			 * the first shape instead: test_two_targets) */
			two_step(out.data, out.len, how == 2 ? ch : &ch[!how], how == 2 ? 2 : 1, 0,
			    &back);
			ASSERT_BYTES(back.data, back.len, out.data, out.len);
			two_step(out.data, out.len, NULL, 0, 1, &back);
			ASSERT_BYTES(back.data, back.len, orig, olen);
			two_step(out.data, out.len, rm, 2, 0, &back);
			ASSERT_BYTES(back.data, back.len, orig, olen);
			for (gone = 0; gone < 2; gone++) {
				two_step(out.data, out.len, &rm[gone], 1, 0, &step);
				CU_ASSERT_PTR_NULL(strstr(step.data, gone ? "#amlhosts:other#" :
				    "#amlhosts:myws#"));
				if (!blocks) {
					two_step(text, len, &ch[!gone], 1, 0, &alone);
					ASSERT_BYTES(step.data, step.len, alone.data, alone.len);
				}
				/* and the one left applied again: nothing changes */
				two_step(step.data, step.len, &ch[!gone], 1, 0, &back);
				ASSERT_BYTES(back.data, back.len, step.data, step.len);
				two_step(step.data, step.len, &rm[!gone], 1, 0, &back);
				ASSERT_BYTES(back.data, back.len, orig, olen);
				two_step(step.data, step.len, NULL, 0, 1, &back);
				ASSERT_BYTES(back.data, back.len, orig, olen);
			}
		}
	buf_release(&out);
	buf_release(&step);
	buf_release(&back);
	buf_release(&alone);
	entry_list_release(&l[0]);
	entry_list_release(&l[1]);
	hosts_kept_edits_clear(&edited);
}

/*
 * Three targets whose names share one line (issue 11, "Kept lines"):
 * every interleaving of applying each of myws (API), other (CERT) and
 * third (NB) once and removing it once, all three applied in one run and
 * then removed in any order, and the chains older versions wrote (one
 * target applied after the other) removed in any order. After every step:
 * no kept line reported edited, every name no target manages alive on a
 * line outside the blocks (and no managed one), uninstall gives back the
 * original bytes, and so does the end of every sequence. With the same
 * targets applied the lines outside the blocks have one shape (as many
 * lines), whatever the order, only the target the prefix names may
 * differ: chains do not grow. Then sequences that apply a target again
 * after removing it. LF and CRLF, with and without a final newline,
 * either line last.
 */
#define THREE_L1 "10.9.9.9 " API " " CERT " " NB " alias"
#define THREE_L2 "10.9.9.8 " NB " " CERT " " API
#define THREE_BODY(nl) "a" nl THREE_L1 nl THREE_L2
#define THREE_BODY2(nl) "a" nl THREE_L2 nl THREE_L1
/* The chain older versions wrote: myws, other, third one after the other. */
#define THREE_OLD(nl, end) \
	"a" nl "#amlhosts:myws# " THREE_L1 nl \
	"#amlhosts:other# 10.9.9.9\t" CERT " " NB " alias\t#amlhosts-kept:myws" nl \
	"#amlhosts:third# 10.9.9.9\t" NB " alias\t#amlhosts-kept:other" nl \
	"10.9.9.9\talias\t#amlhosts-kept:third" end

static const char *const three_texts[] = {
	THREE_BODY("\n"), THREE_BODY("\n") "\n", THREE_BODY("\r\n"), THREE_BODY("\r\n") "\r\n",
	THREE_BODY2("\n"), THREE_BODY2("\n") "\n", THREE_BODY2("\r\n"),
	THREE_BODY2("\r\n") "\r\n",
};

static const char *const three_names[3] = { "myws", "other", "third" };
static struct entry_list three_lists[3];

struct three_run {
	const char *orig; /* what the end of every sequence gives back */
	size_t olen;
	size_t shape[8]; /* lines outside the blocks with targets mask applied; 0: unknown */
	int old_shape; /* the next text with all three applied is an older chain */
	size_t paths;
};

/* Lines of text outside its blocks, and a check of the names on the live
 * ones: each of the three names alive exactly when its target is not in
 * mask, "alias" always. */
static size_t
three_check_live(const char *text, size_t len, unsigned mask)
{
	static const char *const names[3] = { API, CERT, NB };
	struct hostsfile hf;
	struct hostsline_field f;
	const char *p;
	size_t i, j = 0, n, pos, k, lines = 0;
	int alive[4] = { 0, 0, 0, 0 };

	CU_ASSERT_EQUAL_FATAL(hostsfile_parse(&hf, text, len, NULL), 0);
	for (i = 0; i < hf.nlines; i++) {
		if (j < hf.nblocks && hf.blocks[j].begin == i) {
			i = hf.blocks[j++].end;
			continue;
		}
		lines++;
		p = hf.data + hf.lines[i].off;
		n = hf.lines[i].len - hf.lines[i].eol;
		pos = 0;
		if (!hostsline_next(p, n, &pos, &f) || !hostsline_addr(p + f.off, f.len, NULL))
			continue;
		while (hostsline_next(p, n, &pos, &f)) {
			for (k = 0; k < 3; k++)
				alive[k] |= hostsline_names(p + f.off, f.len, names[k]);
			alive[3] |= hostsline_names(p + f.off, f.len, "alias");
		}
	}
	for (k = 0; k < 3; k++)
		CU_ASSERT_EQUAL(alive[k], !(mask & (1u << k)));
	CU_ASSERT_TRUE(alive[3]);
	if (alive[3] == 0 || alive[0] != !(mask & 1u) || alive[1] != !(mask & 2u) ||
	    alive[2] != !(mask & 4u))
		show("names alive wrong in", text, len);
	hostsfile_release(&hf);
	return lines;
}

/* From text (targets in mask applied, those in used applied once
 * already): check it, then every next step, depth first. */
static void
three_walk(struct three_run *r, const char *text, size_t len, unsigned mask, unsigned used)
{
	struct block_change ch;
	struct buf next = BUF_INIT;
	size_t lines;
	unsigned k;

	lines = three_check_live(text, len, mask);
	if (mask == 7 && r->old_shape)
		r->old_shape = 0;
	else {
		if (r->shape[mask] == 0)
			r->shape[mask] = lines;
		CU_ASSERT_EQUAL(lines, r->shape[mask]);
	}
	two_step(text, len, NULL, 0, 1, &next);
	ASSERT_BYTES(next.data, next.len, r->orig, r->olen);
	if (used == 7 && mask == 0) {
		ASSERT_BYTES(text, len, r->orig, r->olen);
		r->paths++;
	}
	for (k = 0; k < 3; k++) {
		if ((used & (1u << k)) && !(mask & (1u << k)))
			continue;
		ch.target = three_names[k];
		ch.entries = (mask & (1u << k)) ? NULL : &three_lists[k];
		two_step(text, len, &ch, 1, 0, &next);
		if (ch.entries != NULL) {
			struct buf again = BUF_INIT;

			/* applied again: the same bytes */
			two_step(next.data, next.len, &ch, 1, 0, &again);
			ASSERT_BYTES(again.data, again.len, next.data, next.len);
			buf_release(&again);
		}
		three_walk(r, next.data, next.len, mask ^ (1u << k), used | (1u << k));
	}
	buf_release(&next);
}

/*
 * Sequences three_walk() does not take: a target applied again after its
 * removal, 40 of 12 steps each (a fixed LCG: the same ones every run),
 * then all removed; every step checked as there.
 */
static void
three_random(struct three_run *r)
{
	struct block_change ch;
	struct buf cur = BUF_INIT, next = BUF_INIT, tmp;
	uint32_t seed = 12345;
	unsigned mask, k;
	size_t seq, step;

	for (seq = 0; seq < 40; seq++) {
		cur.len = 0;
		buf_append(&cur, r->orig, r->olen);
		mask = 0;
		for (step = 0; step < 12 + 3; step++) {
			seed = seed * 1103515245u + 12345u;
			k = (seed >> 16) % 3;
			if (step >= 12) /* the end: every target still applied removed */
				k = step - 12;
			if (step >= 12 && !(mask & (1u << k)))
				continue;
			ch.target = three_names[k];
			ch.entries = (mask & (1u << k)) ? NULL : &three_lists[k];
			two_step(cur.data, cur.len, &ch, 1, 0, &next);
			tmp = cur;
			cur = next;
			next = tmp;
			mask ^= 1u << k;
			if (r->shape[mask] == 0)
				r->shape[mask] = three_check_live(cur.data, cur.len, mask);
			CU_ASSERT_EQUAL(three_check_live(cur.data, cur.len, mask), r->shape[mask]);
			two_step(cur.data, cur.len, NULL, 0, 1, &next);
			ASSERT_BYTES(next.data, next.len, r->orig, r->olen);
		}
		ASSERT_BYTES(cur.data, cur.len, r->orig, r->olen);
	}
	buf_release(&cur);
	buf_release(&next);
}

static void
test_three_targets_kept(void)
{
	static const char *const old[][2] = {
		{ THREE_OLD("\n", "\n") BLK("myws", "10.1.0.5", API, "\n", "")
		  BLK("other", "10.1.0.6", CERT, "\n", "") BLK("third", "10.1.0.7", NB, "\n", ""),
		  "a\n" THREE_L1 "\n" },
		{ THREE_OLD("\r\n", "\r\n") BLK("myws", "10.1.0.5", API, "\r\n", "")
		  BLK("other", "10.1.0.6", CERT, "\r\n", "")
		  BLK("third", "10.1.0.7", NB, "\r\n", MARK),
		  "a\r\n" THREE_L1 },
		/* the mark on every END line, as older versions left it */
		{ THREE_OLD("\n", "\n") BLK("myws", "10.1.0.5", API, "\n", MARK)
		  BLK("other", "10.1.0.6", CERT, "\n", MARK) BLK("third", "10.1.0.7", NB, "\n", MARK),
		  "a\n" THREE_L1 },
	};
	struct block_change all[3];
	struct three_run r;
	struct buf out = BUF_INIT;
	size_t t, k, len;

	list_of(&three_lists[0], "10.1.0.5", API, NULL);
	list_of(&three_lists[1], "10.1.0.6", CERT, NULL);
	list_of(&three_lists[2], "10.1.0.7", NB, NULL);
	for (k = 0; k < 3; k++) {
		all[k].target = three_names[k];
		all[k].entries = &three_lists[k];
	}
	for (t = 0; t < sizeof three_texts / sizeof three_texts[0]; t++) {
		memset(&r, 0, sizeof r);
		r.orig = three_texts[t];
		r.olen = strlen(r.orig);
		/* all three in one run first: the shape the others must have */
		two_step(r.orig, r.olen, all, 3, 0, &out);
		three_walk(&r, out.data, out.len, 7, 7);
		three_walk(&r, r.orig, r.olen, 0, 0);
		/* 6 orders of removal after the run, 90 interleavings */
		CU_ASSERT_EQUAL(r.paths, 96);
		three_random(&r);
	}
	for (t = 0; t < sizeof old / sizeof old[0]; t++) {
		memset(&r, 0, sizeof r);
		r.orig = old[t][1];
		r.olen = strlen(r.orig);
		len = strlen(old[t][0]);
		/* all three applied again: one chain of the usual shape */
		two_step(old[t][0], len, all, 3, 0, &out);
		CU_ASSERT_PTR_NULL(strstr(out.data, "#amlhosts:other# 10.9.9.9\t"));
		three_walk(&r, out.data, out.len, 7, 7);
		/* the old chain as it is */
		r.old_shape = 1;
		three_walk(&r, old[t][0], len, 7, 7);
		CU_ASSERT_EQUAL(r.paths, 12);
	}
	buf_release(&out);
	for (k = 0; k < 3; k++)
		entry_list_release(&three_lists[k]);
	hosts_kept_edits_clear(&edited);
}

/*
 * A file an older version wrote, its last kept line with a line ending:
 * it stays as it is, its kept line not edited, and remove leaves the line
 * ended (nothing says any more that it had no line ending).
 */
static void
test_no_eol_older_file(void)
{
	static const char older[] =
	    NOEOL_BLOCK("\n") "#amlhosts:myws# 10.9.9.9 " API " alias\n"
	    "10.9.9.9\talias\t#amlhosts-kept:myws\n";
	static const char back_want[] = "10.9.9.9 " API " alias\n";
	struct entry_list l;
	struct buf out = BUF_INIT;

	list_of(&l, "10.1.0.5", API, NULL);
	rewrite1(older, sizeof older - 1, "myws", &l, &out);
	ASSERT_BYTES(out.data, out.len, older, sizeof older - 1);
	CU_ASSERT_EQUAL(edited.n, 0);
	rewrite1(older, sizeof older - 1, "myws", NULL, &out);
	ASSERT_BYTES(out.data, out.len, back_want, sizeof back_want - 1);
	restore_all(older, sizeof older - 1, &out);
	ASSERT_BYTES(out.data, out.len, back_want, sizeof back_want - 1);
	buf_release(&out);
	entry_list_release(&l);
	hosts_kept_edits_clear(&edited);
}

/*
 * A second target applied in a later run to a file that had no final
 * newline (issue 11): the mark moves to the END line that now ends the
 * file, the first block's END line losing it (hostsfile.h: only the last
 * line carries it); removing either block, both, or uninstalling gives
 * back the exact bytes of the step before. LF and CRLF, a line without
 * managed names and one whose names both targets share (kept lines).
 */

/* rewrite1() that lists no edited kept line and gives want (a string). */
#define STEP_TO(text, len, target, l, out, want) \
	step_to((text), (len), (target), (l), (out), (want), __LINE__)

static void
step_to(const char *text, size_t len, const char *target, const struct entry_list *l,
    struct buf *out, const char *want, int line)
{
	rewrite1(text, len, target, l, out);
	assert_bytes(out->data, out->len, want, strlen(want), line);
	CU_ASSERT_EQUAL(edited.n, 0);
}

/* Removing the n changes at once (if n > 0), and uninstalling, give want. */
static void
gives_back(const char *text, size_t len, const struct block_change *rm, size_t n,
    const char *want)
{
	struct buf out = BUF_INIT;

	if (n > 0) {
		two_step(text, len, rm, n, 0, &out);
		ASSERT_BYTES(out.data, out.len, want, strlen(want));
	}
	two_step(text, len, NULL, 0, 1, &out);
	ASSERT_BYTES(out.data, out.len, want, strlen(want));
	buf_release(&out);
}

static const struct noeol_later {
	const char *text, *a, *ab, *b; /* b: A removed from ab */
} noeol_later[] = {
	/* No line ending anywhere: the platform's (CRLF on Windows). */
	{ "10.9.9.9 x.example",
	  "10.9.9.9 x.example" NO_EOL_NL BLK("myws", "10.1.0.5", API, NO_EOL_NL, MARK),
	  "10.9.9.9 x.example" NO_EOL_NL BLK("myws", "10.1.0.5", API, NO_EOL_NL, "")
	  BLK("other", "10.1.0.6", CERT, NO_EOL_NL, MARK),
	  "10.9.9.9 x.example" NO_EOL_NL BLK("other", "10.1.0.6", CERT, NO_EOL_NL, MARK) },
	{ "a\r\n10.9.9.9 x.example",
	  "a\r\n10.9.9.9 x.example\r\n" BLK("myws", "10.1.0.5", API, "\r\n", MARK),
	  "a\r\n10.9.9.9 x.example\r\n" BLK("myws", "10.1.0.5", API, "\r\n", "")
	  BLK("other", "10.1.0.6", CERT, "\r\n", MARK),
	  "a\r\n10.9.9.9 x.example\r\n" BLK("other", "10.1.0.6", CERT, "\r\n", MARK) },
	{ "a\n10.9.9.9 " API " " CERT " alias",
	  "a\n#amlhosts:myws# 10.9.9.9 " API " " CERT " alias\n"
	  "10.9.9.9\t" CERT " alias\t#amlhosts-kept:myws\n"
	  BLK("myws", "10.1.0.5", API, "\n", MARK),
	  "a\n#amlhosts:myws# 10.9.9.9 " API " " CERT " alias\n"
	  "10.9.9.9\talias\t#amlhosts-kept:myws\n"
	  BLK("myws", "10.1.0.5", API, "\n", "")
	  BLK("other", "10.1.0.6", CERT, "\n", MARK),
	  "a\n#amlhosts:other# 10.9.9.9 " API " " CERT " alias\n"
	  "10.9.9.9\t" API " alias\t#amlhosts-kept:other\n"
	  BLK("other", "10.1.0.6", CERT, "\n", MARK) },
};

static void
test_no_eol_later_target(void)
{
	struct entry_list la, lb;
	struct block_change rm[2] = { { "myws", NULL }, { "other", NULL } };
	struct buf a = BUF_INIT, ab = BUF_INIT, back = BUF_INIT, b = BUF_INIT;
	const struct noeol_later *c, *end = noeol_later + sizeof noeol_later / sizeof *c;

	list_of(&la, "10.1.0.5", API, NULL);
	list_of(&lb, "10.1.0.6", CERT, NULL);
	for (c = noeol_later; c < end; c++) {
		STEP_TO(c->text, strlen(c->text), "myws", &la, &a, c->a);
		STEP_TO(a.data, a.len, "other", &lb, &ab, c->ab);
		/* B, then A, removed */
		STEP_TO(ab.data, ab.len, "other", NULL, &back, c->a);
		STEP_TO(back.data, back.len, "myws", NULL, &b, c->text);
		/* A, then B */
		STEP_TO(ab.data, ab.len, "myws", NULL, &b, c->b);
		STEP_TO(b.data, b.len, "other", NULL, &back, c->text);
		/* uninstall after A's removal; both at once, and uninstall */
		gives_back(b.data, b.len, NULL, 0, c->text);
		gives_back(ab.data, ab.len, rm, 2, c->text);
		/* B applied again changes nothing */
		STEP_TO(ab.data, ab.len, "other", &lb, &back, c->ab);
	}
	buf_release(&a);
	buf_release(&ab);
	buf_release(&b);
	buf_release(&back);
	entry_list_release(&la);
	entry_list_release(&lb);
	hosts_kept_edits_clear(&edited);
}

/* The BOM stays first: the prefix goes after it, a block at line 0 is
 * replaced or removed behind it. */
static void
test_bom_line0(void)
{
	struct entry_list l;
	struct buf out = BUF_INIT, back = BUF_INIT;
	static const char text[] = BOM "10.9.9.9 " API " x\r\nb\r\n";
	static const char want[] =
	    BOM "#amlhosts:myws# 10.9.9.9 " API " x\r\n"
	    "10.9.9.9\tx\t#amlhosts-kept:myws\r\n"
	    "b\r\n"
	    BLOCK_A("\r\n");
	static const char block0[] = BOM "# BEGIN amlhosts myws\r\nold\r\n# END amlhosts myws\r\nb";
	static const char block0_applied[] = BOM BLOCK_A("\r\n") "b";
	struct hostsfile hf;
	char *cause = NULL, hex[65], exp[65];

	list_a(&l);
	rewrite1(text, sizeof text - 1, "myws", &l, &out);
	ASSERT_BYTES(out.data, out.len, want, sizeof want - 1);
	CU_ASSERT_EQUAL_FATAL(hostsfile_parse(&hf, out.data, out.len, &cause), 0);
	CU_ASSERT_EQUAL(hostsfile_count_disabled(&hf, "myws"), 1);
	hostsfile_release(&hf);
	rewrite1(out.data, out.len, "myws", NULL, &back);
	ASSERT_BYTES(back.data, back.len, text, sizeof text - 1);
	restore_all(out.data, out.len, &back);
	ASSERT_BYTES(back.data, back.len, text, sizeof text - 1);

	rewrite1(block0, sizeof block0 - 1, "myws", &l, &out);
	ASSERT_BYTES(out.data, out.len, block0_applied, sizeof block0_applied - 1);
	rewrite1(block0, sizeof block0 - 1, "myws", NULL, &out);
	ASSERT_BYTES(out.data, out.len, BOM "b", 4);
	restore_all(block0, sizeof block0 - 1, &out);
	ASSERT_BYTES(out.data, out.len, BOM "b", 4);
	/* The hash does not cover the BOM. */
	CU_ASSERT_EQUAL_FATAL(hostsfile_parse(&hf, block0, sizeof block0 - 1, &cause), 0);
	hostsfile_block_hash(&hf, 0, hex);
	sha256_hex(block0 + 3, sizeof block0 - 1 - 4, exp);
	CU_ASSERT_STRING_EQUAL(hex, exp);
	hostsfile_release(&hf);
	buf_release(&out);
	buf_release(&back);
	entry_list_release(&l);
}

static void
test_block_entries(void)
{
	struct hostsfile hf;
	struct entry_list l;
	size_t skipped = 99;
	char *cause = NULL, hex[65], exp[65];
	static const char text[] =
	    "x\n"
	    "# BEGIN amlhosts a\n"
	    NOTICE "\n"
	    "10.1.0.5\t" API "\n"
	    "  10.1.0.6 One.Example. two.example   # two names\r\n"
	    "\n"
	    "# a comment\n"
	    "garbage\n"
	    "10.1.0.7\n"
	    "10.1.0.7 bad_name.example good.example\n"
	    "127.0.0.1 loopback.example\n"
	    "# END amlhosts a\n"
	    "y\n";

	CU_ASSERT_EQUAL_FATAL(hostsfile_parse(&hf, text, sizeof text - 1, &cause), 0);
	entry_list_init(&l);
	CU_ASSERT_EQUAL(hostsfile_block_entries(&hf, 0, &l, &skipped, &cause), 0);
	CU_ASSERT_EQUAL(skipped, 5);
	CU_ASSERT_EQUAL_FATAL(l.n, 3);
	CU_ASSERT_STRING_EQUAL(l.v[0].name, API);
	CU_ASSERT_STRING_EQUAL(l.v[1].name, "one.example");
	CU_ASSERT_STRING_EQUAL(l.v[1].ip, "10.1.0.6");
	CU_ASSERT_STRING_EQUAL(l.v[2].name, "two.example");
	entry_list_release(&l);
	hostsfile_block_hash(&hf, 0, hex);
	sha256_hex(text + 2, sizeof text - 1 - 4, exp);
	CU_ASSERT_STRING_EQUAL(hex, exp);
	hostsfile_release(&hf);
	free(cause);
}

/* text with its one occurrence of from replaced by to, into out. */
static void
replaced(const char *text, size_t len, const char *from, const char *to, struct buf *out)
{
	const char *at = strstr(text, from);

	buf_release(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	buf_append(out, text, (size_t)(at - text));
	buf_puts(out, to);
	buf_puts(out, at + strlen(from));
	buf_append(out, "", 0);
	out->len = strlen(out->data);
	CU_ASSERT_EQUAL(out->len, len - strlen(from) + strlen(to));
}

#define KEPT_LINE "10.9.9.9\tmyalias.internal\t#amlhosts-kept:myws\n"
#define KEPT_EDITED "10.9.9.9\tmyalias.internal extra.internal\t#amlhosts-kept:myws\n"

static void
assert_one_edit(size_t line, const char *target)
{
	CU_ASSERT_EQUAL_FATAL(edited.n, 1);
	CU_ASSERT_EQUAL(edited.v[0].line, line);
	CU_ASSERT_STRING_EQUAL(edited.v[0].target, target);
}

/* A kept line edited by hand survives an apply that changes the target and
 * one that does not, byte for byte, and is reported; an unedited one is
 * regenerated as before and not reported. */
static void
test_kept_edited(void)
{
	static const char *const edits[] = {
		KEPT_EDITED,
		"10.9.9.8\tmyalias.internal\t#amlhosts-kept:myws\n", /* address */
		"10.9.9.9\t#amlhosts-kept:myws\n",                   /* name removed */
		"10.9.9.9 myalias.internal\t#amlhosts-kept:myws\n",  /* blank */
		"10.9.9.9\tmyalias.internal\t#amlhosts-kept:myws\r\n", /* ending */
	};
	struct entry_list l, l2;
	struct buf ed = BUF_INIT, out = BUF_INIT, a2 = BUF_INIT, want = BUF_INIT;
	size_t i;

	list_a(&l);
	list_of(&l2, "10.1.0.5", API, "10.1.0.7", NB, "10.1.0.8", "nas.home", NULL);
	rewrite1(prior_applied, sizeof prior_applied - 1, "myws", &l, &out);
	CU_ASSERT_EQUAL(edited.n, 0);
	rewrite1(prior_applied, sizeof prior_applied - 1, "myws", &l2, &a2);
	CU_ASSERT_EQUAL(edited.n, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(a2.data, KEPT_LINE));
	for (i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		replaced(prior_applied, sizeof prior_applied - 1, KEPT_LINE, edits[i], &ed);
		rewrite1(ed.data, ed.len, "myws", &l, &out);
		ASSERT_BYTES(out.data, out.len, ed.data, ed.len);
		assert_one_edit(6, "myws");
		rewrite1(ed.data, ed.len, "myws", &l2, &out);
		replaced(a2.data, a2.len, KEPT_LINE, edits[i], &want);
		ASSERT_BYTES(out.data, out.len, want.data, want.len);
		assert_one_edit(6, "myws");
	}
	buf_release(&ed);
	buf_release(&out);
	buf_release(&a2);
	buf_release(&want);
	entry_list_release(&l);
	entry_list_release(&l2);
	hosts_kept_edits_clear(&edited);
}

/* Removing the target, or uninstalling, restores the disabled line and
 * keeps the edited kept line without its mark: an ordinary line, which a
 * later apply leaves alive beside a freshly generated kept line. */
static void
test_kept_edited_remove(void)
{
	struct entry_list l;
	struct buf in, ed = BUF_INIT, out = BUF_INIT, want = BUF_INIT, again = BUF_INIT;
#define ORIG "10.9.9.9 " API " myalias.internal   # old manual line\n"

	load("prior-entries", &in);
	list_a(&l);
	replaced(prior_applied, sizeof prior_applied - 1, KEPT_LINE, KEPT_EDITED, &ed);
	replaced(in.data, in.len, ORIG,
	    ORIG "10.9.9.9\tmyalias.internal extra.internal\n", &want);

	rewrite1(ed.data, ed.len, "myws", NULL, &out);
	ASSERT_BYTES(out.data, out.len, want.data, want.len);
	assert_one_edit(6, "myws");
	restore_all(ed.data, ed.len, &out);
	ASSERT_BYTES(out.data, out.len, want.data, want.len);
	assert_one_edit(6, "myws");

	rewrite1(want.data, want.len, "myws", &l, &again);
	CU_ASSERT_EQUAL(edited.n, 0);
	replaced(prior_applied, sizeof prior_applied - 1, KEPT_LINE,
	    KEPT_LINE "10.9.9.9\tmyalias.internal extra.internal\n", &out);
	ASSERT_BYTES(again.data, again.len, out.data, out.len);

	buf_release(&in);
	buf_release(&ed);
	buf_release(&out);
	buf_release(&want);
	buf_release(&again);
	entry_list_release(&l);
	hosts_kept_edits_clear(&edited);
#undef ORIG
}

/* A kept line of the target left alone that was edited by hand is not
 * written anew when the other target is removed: it stays byte for byte
 * (the freed name with it, disabled), and removing its own target later
 * reports it and keeps it without its mark. */
static void
test_two_targets_kept_edited(void)
{
	static const char text[] = "a\n10.9.9.9 " API " " CERT " alias\n";
	static const char kept[] = "10.9.9.9\talias\t#amlhosts-kept:myws\n";
	static const char mine[] = "10.9.9.9\talias mine\t#amlhosts-kept:myws\n";
	static const char back[] = "a\n10.9.9.9 " API " " CERT " alias\n"
	    "10.9.9.9\talias mine\n";
	struct entry_list l[2];
	struct block_change ch[2];
	struct buf out = BUF_INIT, ed = BUF_INIT, step = BUF_INIT, want = BUF_INIT;
	char *cause = NULL;

	list_of(&l[0], "10.1.0.5", API, NULL);
	list_of(&l[1], "10.1.0.6", CERT, NULL);
	ch[0].target = "myws";
	ch[0].entries = &l[0];
	ch[1].target = "other";
	ch[1].entries = &l[1];
	CU_ASSERT_EQUAL_FATAL(rewrite(text, sizeof text - 1, ch, 2, 0, &out, &cause), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(out.data, kept));
	replaced(out.data, out.len, kept, mine, &ed);
	rewrite1(ed.data, ed.len, "other", NULL, &step);
	CU_ASSERT_EQUAL(edited.n, 0);
	/* the same bytes up to the blocks: other's block gone, nothing else */
	CU_ASSERT_PTR_NOT_NULL(strstr(step.data, "\n#amlhosts:myws# 10.9.9.9 " API " " CERT
	    " alias\n" "10.9.9.9\talias mine\t#amlhosts-kept:myws\n# BEGIN amlhosts myws\n"));
	CU_ASSERT_PTR_NULL(strstr(step.data, "amlhosts other"));
	rewrite1(step.data, step.len, "myws", NULL, &want);
	ASSERT_BYTES(want.data, want.len, back, sizeof back - 1);
	assert_one_edit(3, "myws");
	buf_release(&out);
	buf_release(&ed);
	buf_release(&step);
	buf_release(&want);
	entry_list_release(&l[0]);
	entry_list_release(&l[1]);
	hosts_kept_edits_clear(&edited);
	free(cause);
}

/* Disabled lines of a target that is not being changed stay as they are;
 * removing that target (even without a block) restores them. */
static void
test_orphan_disabled(void)
{
	struct entry_list l;
	struct buf out = BUF_INIT;
	static const char text[] =
	    "#amlhosts:gone# 10.9.9.9 " API " keep.example\n"
	    "10.9.9.9\tkeep.example\t#amlhosts-kept:gone   \n"
	    "#amlhosts:gone# #amlhosts:older# 10.9.9.8 z.example\n";
	static const char applied[] =
	    "#amlhosts:gone# 10.9.9.9 " API " keep.example\n"
	    "10.9.9.9\tkeep.example\t#amlhosts-kept:gone   \n"
	    "#amlhosts:gone# #amlhosts:older# 10.9.9.8 z.example\n"
	    BLOCK_A("\n");
	static const char removed[] =
	    "10.9.9.9 " API " keep.example\n"
	    "#amlhosts:older# 10.9.9.8 z.example\n";
	static const char uninstalled[] =
	    "10.9.9.9 " API " keep.example\n"
	    "10.9.9.8 z.example\n";
	struct hostsfile hf;
	char *cause = NULL;

	list_a(&l);
	rewrite1(text, sizeof text - 1, "myws", &l, &out);
	ASSERT_BYTES(out.data, out.len, applied, sizeof applied - 1);
	CU_ASSERT_EQUAL_FATAL(hostsfile_parse(&hf, out.data, out.len, &cause), 0);
	CU_ASSERT_EQUAL(hostsfile_count_disabled(&hf, "gone"), 2);
	CU_ASSERT_EQUAL(hostsfile_count_disabled(&hf, "myws"), 0);
	CU_ASSERT_EQUAL(hostsfile_count_disabled(&hf, "older"), 0);
	hostsfile_release(&hf);
	rewrite1(text, sizeof text - 1, "gone", NULL, &out);
	ASSERT_BYTES(out.data, out.len, removed, sizeof removed - 1);
	restore_all(text, sizeof text - 1, &out);
	ASSERT_BYTES(out.data, out.len, uninstalled, sizeof uninstalled - 1);
	buf_release(&out);
	entry_list_release(&l);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
run_generator(const char *n, const char *path)
{
#ifdef _WIN32
	/* The generator is a shell script: there is no sh to run it. */
	(void)n;
	(void)path;
	return -1;
#else
	char *script = xasprintf("%s/hosts/make-adblock.sh", testdata());
	int status = -1;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		execlp("sh", "sh", script, n, path, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	free(script);
	return pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
#endif
}

static void
test_large_file(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir, *path, *cause = NULL;
	struct buf in = BUF_INIT, out = BUF_INIT, back = BUF_INIT;
	struct entry_list l;
	struct hostsfile hf;
	double t0, t1, t2;

#ifdef _WIN32
	/* Its input comes from a shell script (run_generator). */
	return;
#endif
	dir = xasprintf("%s/amlhosts-test-XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	path = xasprintf("%s/hosts", dir);
	CU_ASSERT_EQUAL(run_generator("200000", path), 0);
	CU_ASSERT_EQUAL(file_read(path, FILE_READ_REGULAR, 64u << 20, &in, NULL, NULL, &cause), 0);
	unlink(path);
	rmdir(dir);
	free(dir);
	if (in.len == 0) {
		free(path);
		free(cause);
		CU_FAIL_FATAL("cannot generate the large file");
	}

	/* One managed name is also an ad-block line in the middle. */
	list_of(&l, "10.1.0.5", API, "10.1.0.6", "adserver100000.example.com", NULL);
	t0 = now();
	CU_ASSERT_EQUAL_FATAL(hostsfile_parse(&hf, in.data, in.len, &cause), 0);
	CU_ASSERT_EQUAL(hf.nlines, 200000);
	{
		/* In segments: the file's 7 MiB are borrowed in three runs (before
		 * the disabled line, after it, the rest), only the lines amlhosts
		 * writes are copied. */
		struct hosts_out o;
		size_t i;

		hosts_out_init(&o);
		CU_ASSERT_EQUAL(hostsfile_rewrite_out(&hf, &(struct block_change){ "myws", &l },
		    1, 0, &o, NULL, &cause), 0);
		hosts_out_to_buf(&o, &out);
		t1 = now();
		check_segments(&hf, &o, &out);
		CU_ASSERT(o.n <= 5);
		CU_ASSERT(o.side.len < 512);
		for (i = 0; i < o.n; i++)
			CU_ASSERT(o.v[i].len < 512 ||
			    (o.v[i].data >= in.data && o.v[i].data + o.v[i].len <= in.data + in.len));
		hosts_out_release(&o);
	}
	hostsfile_release(&hf);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data,
	    "\n#amlhosts:myws# 0.0.0.0 adserver100000.example.com\n"
	    "0.0.0.0 adserver100001.example.com\n"));
	CU_ASSERT_EQUAL(out.len, in.len + strlen("#amlhosts:myws# ") +
	    strlen("# BEGIN amlhosts myws\n" NOTICE "\n10.1.0.5\t" API
	    "\n10.1.0.6\tadserver100000.example.com\n# END amlhosts myws\n"));
	rewrite1(out.data, out.len, "myws", &l, &back);
	ASSERT_BYTES(back.data, back.len, out.data, out.len);
	t2 = now();
	rewrite1(out.data, out.len, "myws", NULL, &back);
	CU_ASSERT_TRUE(back.len == in.len && memcmp(back.data, in.data, in.len) == 0);
	printf("\n    200,000 lines: apply %.0f ms, re-apply %.0f ms ", (t1 - t0) * 1e3,
	    (t2 - t1) * 1e3);
	buf_release(&in);
	buf_release(&out);
	buf_release(&back);
	entry_list_release(&l);
	free(path);
	free(cause);
}

static const struct unit_test parse_tests[] = {
	{ "samples", test_parse_samples },
	{ "edges", test_parse_edges },
	{ "target names", test_target_names },
	{ "broken blocks", test_broken_blocks },
	{ "block entries", test_block_entries },
	{ NULL, NULL }
};
/*
 * Names ending at every offset around the 8-byte words the scanner reads,
 * after each separator: only whole names outside comments are matched.
 */
static void
test_scan_offsets(void)
{
	static const char *const seps[] = { " ", "\t", " \t" };
	struct buf in = BUF_INIT, want = BUF_INIT, out = BUF_INIT;
	struct entry_list l;
	struct hostsfile hf;
	char *cause = NULL, filler[24];
	const char *sp;
	size_t k, s;

	list_of(&l, "10.1.0.5", "m.example.com", NULL);
	for (k = 0; k < 20; k++) {
		memset(filler, 'a' + (int)k, k);
		filler[k] = '\0';
		for (s = 0; s < 3; s++) {
			sp = seps[s];
			buf_printf(&in, "0.0.0.0%s%s%sm.example.com\n", sp, filler, k ? sp : "");
			buf_printf(&want, "#amlhosts:t# 0.0.0.0%s%s%sm.example.com\n", sp, filler,
			    k ? sp : "");
			if (k > 0)
				buf_printf(&want, "0.0.0.0\t%s\t#amlhosts-kept:t\n", filler);
			buf_printf(&in, "0.0.0.0%sx%s%s#m.example.com\n", sp, filler, sp);
			buf_printf(&want, "0.0.0.0%sx%s%s#m.example.com\n", sp, filler, sp);
			buf_printf(&in, "0.0.0.0%sx%sm.example.com%s# c\n", sp, filler, sp);
			buf_printf(&want, "0.0.0.0%sx%sm.example.com%s# c\n", sp, filler, sp);
			buf_printf(&in, "0.0.0.0%s%sM.Example.COM.\n", filler, sp);
			if (k == 0)
				buf_printf(&want, "#amlhosts:t# 0.0.0.0%sM.Example.COM.\n", sp);
			else
				buf_printf(&want, "0.0.0.0%s%sM.Example.COM.\n", filler, sp);
		}
	}
	buf_puts(&want, "# BEGIN amlhosts t\n" NOTICE "\n10.1.0.5\tm.example.com\n"
	    "# END amlhosts t\n");
	CU_ASSERT_EQUAL_FATAL(hostsfile_parse(&hf, in.data, in.len, &cause), 0);
	CU_ASSERT_EQUAL(rewrite_hf(&hf, &(struct block_change){ "t", &l }, 1, 0,
	    &out, NULL, &cause), 0);
	ASSERT_BYTES(out.data, out.len, want.data, want.len);
	hostsfile_release(&hf);
	buf_release(&in);
	buf_release(&want);
	buf_release(&out);
	entry_list_release(&l);
	free(cause);
}

/* Many blocks: every one found by name, the duplicate check still names the
 * first two lines of a repeated block, and the disabled lines of every block
 * counted in one pass agree with counting them one target at a time. */
static void
test_many_blocks(void)
{
	struct buf b = BUF_INIT;
	struct hostsfile hf;
	char *cause = NULL, name[48];
	size_t i, n = 3000, *counts, first, lines;

	for (i = 0; i < n; i++) {
		if (i % 7 == 0)
			buf_printf(&b, "#amlhosts:t%zu# 10.9.9.9 n%zu.example\n", i, i);
		if (i % 11 == 0)
			buf_printf(&b, "#amlhosts:t%zu# 10.9.9.8 m%zu.example\n", i, i);
		buf_printf(&b, "# BEGIN amlhosts t%zu\n10.1.0.5\tn%zu.example\n# END amlhosts t%zu\n",
		    i, i, i);
	}
	memset(&hf, 0, sizeof hf);
	CU_ASSERT_FATAL(hostsfile_parse(&hf, b.data, b.len, &cause) == 0);
	CU_ASSERT_EQUAL(hf.nblocks, n);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "t%zu", i);
		CU_ASSERT_EQUAL(hostsfile_find_block(&hf, name), (long)i);
	}
	CU_ASSERT_EQUAL(hostsfile_find_block(&hf, "t3000"), -1);
	CU_ASSERT_EQUAL(hostsfile_find_block(&hf, "T1"), -1);
	counts = xcalloc(n, sizeof *counts);
	hostsfile_count_disabled_blocks(&hf, counts);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "t%zu", i);
		CU_ASSERT_EQUAL(counts[i], hostsfile_count_disabled(&hf, name));
		CU_ASSERT_EQUAL(counts[i], (size_t)(i % 7 == 0) + (size_t)(i % 11 == 0));
	}
	free(counts);
	hostsfile_release(&hf);

	/* A second t1234 after all the others: the first two lines named. */
	buf_puts(&b, "# BEGIN amlhosts t1234\n# END amlhosts t1234\n");
	memset(&hf, 0, sizeof hf);
	CU_ASSERT(hostsfile_parse(&hf, b.data, b.len, &cause) != 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cause);
	for (i = 0, first = 0, lines = 0; i < n; i++) {
		lines += 3 + (i % 7 == 0) + (i % 11 == 0);
		if (i == 1234)
			first = lines - 2; /* its BEGIN line, 1-based */
	}
	snprintf(name, sizeof name, "lines %zu and %zu:", first, lines + 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(cause, name));
	CU_ASSERT_PTR_NOT_NULL(strstr(cause, "two blocks named 't1234'"));
	free(cause);
	buf_release(&b);
}

/*
 * The fast path of an unchanged apply against the full one on text: it
 * must answer fast, and where it says "unchanged" the full rewrite must
 * give back text byte for byte, warning about no kept line. unchanged
 * says what the full path does (1: text back, no warning).
 */
#define ASSERT_FAST(text, len, ch, n, fast, unchanged) \
	assert_fast((text), (len), (ch), (n), (fast), (unchanged), __LINE__)

static void
assert_fast(const char *text, size_t len, const struct block_change *ch, size_t n,
    int fast, int unchanged, int line)
{
	struct buf out = BUF_INIT;
	char *cause = NULL;
	int got = hostsfile_apply_unchanged(text, len, ch, n), same;

	same = rewrite(text, len, ch, n, 0, &out, &cause) == 0 && out.len == len &&
	    memcmp(out.data, text, len) == 0 && edited.n == 0;
	if (got != fast || same != unchanged)
		fprintf(stderr, "\ntest_hostsfile.c:%d: fast path %d (want %d), full path "
		    "unchanged %d (want %d)", line, got, fast, same, unchanged);
	CU_ASSERT_EQUAL(got, fast);
	CU_ASSERT_EQUAL(same, unchanged);
	/* The property itself, whatever the case expects. */
	CU_ASSERT(!got || same);
	free(cause);
	buf_release(&out);
}

static void
test_fast_unchanged(void)
{
	struct entry_list la, lb, lc;
	struct block_change one = { "myws", NULL }, two[2] = { { "myws", NULL }, { "proj", NULL } };
	struct block_change other = { "other", NULL };
	struct buf s1 = BUF_INIT, s2 = BUF_INIT;
	char *t;
	static const char lf[] = "127.0.0.1 localhost\n" BLOCK_A("\n") "::1 localhost\n";
	static const char crlf[] = "127.0.0.1 localhost\r\n" BLOCK_A("\r\n");
	static const char crlf_lf_block[] = "127.0.0.1 localhost\r\n" BLOCK_A("\n");
	static const char bom0[] = BOM BLOCK_A("\r\n") "127.0.0.1 localhost\r\n";
	static const char bom1[] = BOM "127.0.0.1 localhost\n" BLOCK_A("\n");
	static const char noeol[] = "127.0.0.1 localhost";
	static const char mark_mid[] =
	    "# BEGIN amlhosts myws\n" NOTICE "\n"
	    "10.1.0.5\t" API "\n" "10.1.0.5\t" CERT "\n" "10.1.0.6\t" NB "\n"
	    "# END amlhosts myws\t" HOSTS_NOEOL_MARK "\n" "127.0.0.1 localhost";
	static const char end_no_eol[] =
	    "a\n# BEGIN amlhosts myws\n" NOTICE "\n"
	    "10.1.0.5\t" API "\n" "10.1.0.5\t" CERT "\n" "10.1.0.6\t" NB "\n"
	    "# END amlhosts myws";
	static const char end_blank[] =
	    "# BEGIN amlhosts myws\n" NOTICE "\n"
	    "10.1.0.5\t" API "\n" "10.1.0.5\t" CERT "\n" "10.1.0.6\t" NB "\n"
	    "# END amlhosts myws \n";
	static const char edited_ip[] =
	    "# BEGIN amlhosts myws\n" NOTICE "\n"
	    "10.1.0.7\t" API "\n" "10.1.0.5\t" CERT "\n" "10.1.0.6\t" NB "\n"
	    "# END amlhosts myws\n";
	static const char edited_extra[] =
	    "# BEGIN amlhosts myws\n" NOTICE "\n"
	    "10.1.0.5\t" API "\n" "10.1.0.5\t" CERT "\n" "10.1.0.6\t" NB "\n"
	    "10.9.9.9 mine.example\n"
	    "# END amlhosts myws\n";
	static const char live[] = "10.9.9.9 mine.example " API ".\n" BLOCK_A("\n");
	static const char live_upper[] = BLOCK_A("\n") "10.9.9.9\tFB7E20A0-8891-458B-B969-"
	    "55DDB3382F51.workspace.eastus.api.azureml.ms\n";
	static const char name_first[] = BLOCK_A("\n") API " 10.9.9.9\n";
	static const char comment[] = BLOCK_A("\n") "# 10.9.9.9 " API "\n";
	static const char unended[] = "a\n# BEGIN amlhosts myws\n" NOTICE "\n";
	static const char twice[] = BLOCK_A("\n") BLOCK_A("\n");
	static const char prior[] = "127.0.0.1 localhost\n10.9.9.9 " API " alias.example\n";

	list_a(&la);
	list_of(&lb, "10.3.0.1", "myalias.internal", "10.3.0.2", "proj.example", NULL);
	list_of(&lc, "10.4.0.1", "other.example", NULL);
	one.entries = &la;
	two[0].entries = &la;
	two[1].entries = &lb;
	other.entries = &lc;

	/* The common cases: the blocks as rendered, in the file's line ending. */
	ASSERT_FAST(lf, sizeof lf - 1, &one, 1, 1, 1);
	ASSERT_FAST(crlf, sizeof crlf - 1, &one, 1, 1, 1);
	ASSERT_FAST(bom0, sizeof bom0 - 1, &one, 1, 1, 1);
	ASSERT_FAST(bom1, sizeof bom1 - 1, &one, 1, 1, 1);
	/* A block in the other line ending is rewritten in the file's. */
	ASSERT_FAST(crlf_lf_block, sizeof crlf_lf_block - 1, &one, 1, 0, 0);
	/* No block yet, or another block beside: not this path's to judge. */
	ASSERT_FAST("127.0.0.1 localhost\n", 20, &one, 1, 0, 0);
	ASSERT_FAST("", 0, &one, 1, 0, 0);
	ASSERT_FAST(lf, sizeof lf - 1, &other, 1, 0, 0);
	ASSERT_FAST(lf, sizeof lf - 1, two, 2, 0, 0);

	/* A file without a final newline: its mark on the last END line. */
	rewrite1(noeol, sizeof noeol - 1, "myws", &la, &s1);
	CU_ASSERT_PTR_NOT_NULL(strstr(s1.data, HOSTS_NOEOL_MARK));
	ASSERT_FAST(s1.data, s1.len, &one, 1, 1, 1);
	/* The mark anywhere else, or an END line without an ending: rewritten. */
	ASSERT_FAST(mark_mid, sizeof mark_mid - 1, &one, 1, 0, 0);
	ASSERT_FAST(end_no_eol, sizeof end_no_eol - 1, &one, 1, 0, 0);
	buf_puts(&s1, "\n");
	ASSERT_FAST(s1.data, s1.len, &one, 1, 0, 0);

	/* Hand-edited blocks are rewritten (and warned about by hostsedit). */
	ASSERT_FAST(end_blank, sizeof end_blank - 1, &one, 1, 0, 0);
	ASSERT_FAST(edited_ip, sizeof edited_ip - 1, &one, 1, 0, 0);
	ASSERT_FAST(edited_extra, sizeof edited_extra - 1, &one, 1, 0, 0);
	/* Live lines naming a managed name (a trailing dot, another case). */
	ASSERT_FAST(live, sizeof live - 1, &one, 1, 0, 0);
	ASSERT_FAST(live_upper, sizeof live_upper - 1, &one, 1, 0, 0);
	/* Left to the full path although it changes nothing (the name is no
	 * address's name there; a comment maps nothing). */
	ASSERT_FAST(name_first, sizeof name_first - 1, &one, 1, 0, 1);
	ASSERT_FAST(comment, sizeof comment - 1, &one, 1, 1, 1);
	/* What the parse refuses. */
	ASSERT_FAST(unended, sizeof unended - 1, &one, 1, 0, 0);
	ASSERT_FAST(twice, sizeof twice - 1, &one, 1, 0, 0);

	/* Disabled and kept lines: left to the full path, which re-judges
	 * them; unchanged there, and an edited kept line is warned about. */
	rewrite1(prior, sizeof prior - 1, "myws", &la, &s1);
	CU_ASSERT_PTR_NOT_NULL(strstr(s1.data, HOSTS_KEPT_MARK "myws"));
	ASSERT_FAST(s1.data, s1.len, &one, 1, 0, 1);
	t = strstr(s1.data, "\t" HOSTS_KEPT_MARK "myws");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	s2.len = 0;
	buf_append(&s2, s1.data, (size_t)(t - s1.data));
	buf_puts(&s2, " mine.example");
	ASSERT_BYTES(s2.data, s2.len, "127.0.0.1 localhost\n#amlhosts:myws# 10.9.9.9 " API
	    " alias.example\n10.9.9.9\talias.example mine.example\t" HOSTS_KEPT_MARK "myws\n"
	    BLOCK_A("\n"), strlen(s2.data));
	buf_puts(&s2, t);
	ASSERT_FAST(s2.data, s2.len, &one, 1, 0, 0);
	CU_ASSERT_EQUAL(edited.n, 1);

	/* Two blocks, both applied; then one edited. */
	CU_ASSERT_EQUAL_FATAL(rewrite("a\n", 2, two, 2, 0, &s1, NULL), 0);
	ASSERT_FAST(s1.data, s1.len, two, 2, 1, 1);
	two[1].target = "myws";
	ASSERT_FAST(s1.data, s1.len, two, 2, 0, 0); /* a target twice: an error */
	two[1].target = "proj";
	t = strstr(s1.data, "10.3.0.2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	t[7] = '3';
	ASSERT_FAST(s1.data, s1.len, two, 2, 0, 0);

	buf_release(&s1);
	buf_release(&s2);
	entry_list_release(&la);
	entry_list_release(&lb);
	entry_list_release(&lc);
}

static const struct unit_test rewrite_tests[] = {
	{ "render", test_render },
	{ "apply samples", test_apply_samples },
	{ "empty file", test_empty_file },
	{ "replace in place", test_replace_in_place },
	{ "prior lines", test_prior_lines },
	{ "re-apply changed list", test_reapply_changed },
	{ "two targets", test_two_targets },
	{ "conflict", test_conflict },
	{ "malformed lines", test_malformed_left_alone },
	{ "live spellings", test_live_spellings },
	{ "glibc's separators", test_glibc_separators },
	{ "no line ending at end", test_no_eol_last_line },
	{ "no line ending, disabled last line", test_no_eol_disabled_last },
	{ "no line ending, every shape round-trips", test_no_eol_roundtrip },
	{ "two targets on one line, kept lines", test_two_targets_kept },
	{ "two targets on one line, kept line edited", test_two_targets_kept_edited },
	{ "no final newline, a second target later", test_no_eol_later_target },
	{ "three targets on one line, kept lines", test_three_targets_kept },
	{ "no line ending, a file an older version wrote", test_no_eol_older_file },
	{ "bom on line 0", test_bom_line0 },
	{ "orphan disabled lines", test_orphan_disabled },
	{ "edited kept line", test_kept_edited },
	{ "edited kept line removed", test_kept_edited_remove },
	{ "200,000 lines", test_large_file },
	{ "many blocks", test_many_blocks },
	{ "names at every word offset", test_scan_offsets },
	{ "unchanged apply's fast path", test_fast_unchanged },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "hostsfile parse", parse_tests },
	{ "hostsfile rewrite", rewrite_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
