/*
 * Unit tests of the one hosts-line tokenizer (hostsline.h): each separator
 * glibc's files backend knows, a NUL ending the line, comments (also glued
 * to a field), blank lines, CRLF, addresses with and without an IPv6 zone,
 * and the name rule (case, one trailing dot).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/socket.h>
#endif

#include "hosts/hostsline.h"
#include "base/platform.h"
#include "base/util.h"
#include "unit/cunit_main.h"

/* The fields of p[0..n) as "f1|f2|..." into out (caller frees). */
static char *
fields(const char *p, size_t n)
{
	struct buf b = BUF_INIT;
	struct hostsline_field f;
	size_t pos = 0, count = 0;

	while (hostsline_next(p, n, &pos, &f)) {
		CU_ASSERT(f.len > 0);
		CU_ASSERT(f.off + f.len <= n);
		if (count++ > 0)
			buf_putc(&b, '|');
		buf_append(&b, p + f.off, f.len);
	}
	/* Once at the end, it stays there. */
	CU_ASSERT_EQUAL(hostsline_next(p, n, &pos, &f), 0);
	CU_ASSERT_EQUAL(pos, n);
	buf_putc(&b, '\0');
	return buf_detach(&b, NULL);
}

#define CHECK_FIELDS(lit, want) check_fields(lit, sizeof(lit) - 1, want, __LINE__)

static void
check_fields(const char *p, size_t n, const char *want, int line)
{
	char *got = fields(p, n);

	if (strcmp(got, want) != 0)
		fprintf(stderr, "\ntest_hostsline.c:%d: got '%s', want '%s'", line, got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
	free(got);
}

static void
test_separators(void)
{
	CHECK_FIELDS("10.9.9.9 a.example", "10.9.9.9|a.example");
	CHECK_FIELDS("10.9.9.9\ta.example", "10.9.9.9|a.example");
	CHECK_FIELDS("10.9.9.9\va.example", "10.9.9.9|a.example");
	CHECK_FIELDS("10.9.9.9\fa.example", "10.9.9.9|a.example");
	CHECK_FIELDS("10.9.9.9\ra.example", "10.9.9.9|a.example");
	/* runs, leading and trailing separators of every kind */
	CHECK_FIELDS(" \t\v\f\r10.9.9.9 \t\v\f\ra.example\v\fb.example \t\r",
	    "10.9.9.9|a.example|b.example");
	/* '\n' is the line's end, never inside a line; other control bytes
	 * and non-ASCII bytes belong to the field */
	CHECK_FIELDS("10.9.9.9 a\x01" "b \xc3\xa9t\xc3\xa9", "10.9.9.9|a\x01" "b|\xc3\xa9t\xc3\xa9");
	CU_ASSERT(hostsline_is_sep(' ') && hostsline_is_sep('\t') && hostsline_is_sep('\v') &&
	    hostsline_is_sep('\f') && hostsline_is_sep('\r'));
	CU_ASSERT(!hostsline_is_sep('\n') && !hostsline_is_sep('\0') && !hostsline_is_sep('#') &&
	    !hostsline_is_sep('a') && !hostsline_is_sep('\xa0'));
}

static void
test_nul(void)
{
	CHECK_FIELDS("10.9.9.9 a.example\0b.example c.example", "10.9.9.9|a.example");
	CHECK_FIELDS("10.9.9.9 a.example \0 b.example", "10.9.9.9|a.example");
	CHECK_FIELDS("10.9.9.9\0a.example", "10.9.9.9");
	CHECK_FIELDS("\0" "10.9.9.9 a.example", "");
}

static void
test_comments(void)
{
	CHECK_FIELDS("# 10.9.9.9 a.example", "");
	CHECK_FIELDS("   # 10.9.9.9 a.example", "");
	CHECK_FIELDS("10.9.9.9 a.example # b.example", "10.9.9.9|a.example");
	/* glued to a field, as glibc cuts the line at the first '#' */
	CHECK_FIELDS("10.9.9.9 a.example#b.example c.example", "10.9.9.9|a.example");
	CHECK_FIELDS("10.9.9.9 a.ex#ample", "10.9.9.9|a.ex");
	CHECK_FIELDS("10.9.9.9#x a.example", "10.9.9.9");
	CHECK_FIELDS("10.9.9.9 a.example\t#amlhosts-kept:ws", "10.9.9.9|a.example");
}

static void
test_blank_lines(void)
{
	CHECK_FIELDS("", "");
	CHECK_FIELDS(" ", "");
	CHECK_FIELDS(" \t\v\f\r", "");
	CHECK_FIELDS("\r", "");
	CHECK_FIELDS("localhost", "localhost");
}

static void
test_crlf(void)
{
	/* A line is handed over without its '\n'; the CR of CRLF separates. */
	CHECK_FIELDS("10.9.9.9 a.example\r", "10.9.9.9|a.example");
	CHECK_FIELDS("10.9.9.9 a.example\r\r", "10.9.9.9|a.example");
	CHECK_FIELDS("10.9.9.9 a.example#c\r", "10.9.9.9|a.example");
}

/* Fields longer than a word, ending at every offset within one: the
 * eight-bytes-at-a-time search must stop exactly at each stop byte. */
static void
test_word_offsets(void)
{
	static const char stops[] = " \t\v\f\r#";
	char line[64], want[64];
	size_t i, len, k;
	char *got;

	for (k = 0; k < sizeof stops; k++)
		for (len = 1; len < 40; len++) {
			memset(line, 0, sizeof line);
			for (i = 0; i < len; i++)
				line[i] = (char)('a' + i % 26);
			line[len] = k < sizeof stops - 1 ? stops[k] : '\0';
			memcpy(line + len + 1, "zz", 2);
			memcpy(want, line, len);
			want[len] = '\0';
			if (line[len] != '#' && line[len] != '\0')
				strcat(want, "|zz");
			got = fields(line, len + 3);
			CU_ASSERT_STRING_EQUAL(got, want);
			free(got);
		}
}

static void
test_addr(void)
{
	struct ipaddr a;

#define ADDR(s, out) hostsline_addr(s, strlen(s), out)
	CU_ASSERT_EQUAL(ADDR("10.9.9.9", &a), 1);
	CU_ASSERT_EQUAL(a.family, AF_INET);
	CU_ASSERT_EQUAL(a.bytes[0], 10);
	CU_ASSERT_EQUAL(a.bytes[3], 9);
	CU_ASSERT_EQUAL(ADDR("fd00::1", &a), 1);
	CU_ASSERT_EQUAL(a.family, AF_INET6);
	CU_ASSERT_EQUAL(a.bytes[0], 0xfd);
	CU_ASSERT_EQUAL(a.bytes[15], 1);
	/* an IPv6 zone: accepted, not part of the address */
	memset(&a, 0xff, sizeof a);
	CU_ASSERT_EQUAL(ADDR("fe80::1%eth0", &a), 1);
	CU_ASSERT_EQUAL(a.family, AF_INET6);
	CU_ASSERT_EQUAL(a.bytes[0], 0xfe);
	CU_ASSERT_EQUAL(a.bytes[1], 0x80);
	CU_ASSERT_EQUAL(a.bytes[15], 1);
	CU_ASSERT_EQUAL(ADDR("fe80::1%lo0", NULL), 1);
	CU_ASSERT_EQUAL(ADDR("fe80::1%", NULL), 0);
	CU_ASSERT_EQUAL(ADDR("%eth0", NULL), 0);
	CU_ASSERT_EQUAL(ADDR("10.9.9.9%eth0", NULL), 0);
	/* inet_pton's spellings only, as glibc */
	CU_ASSERT_EQUAL(ADDR("10.1", NULL), 0);
	CU_ASSERT_EQUAL(ADDR("010.1.1.1", NULL), 0);
	CU_ASSERT_EQUAL(ADDR("0x0a.1.1.1", NULL), 0);
	CU_ASSERT_EQUAL(ADDR("localhost", NULL), 0);
	CU_ASSERT_EQUAL(ADDR("", NULL), 0);
	CU_ASSERT_EQUAL(ADDR("1111:2222:3333:4444:5555:6666:7777:8888:9999:0000", NULL), 0);
	CU_ASSERT_EQUAL(hostsline_addr("10.9.9.9\0", 9, NULL), 0);
	CU_ASSERT_EQUAL(hostsline_addr("10.9.9.9x", 8, NULL), 1); /* length, not NUL, ends it */
#undef ADDR
}

static void
test_names(void)
{
	CU_ASSERT(hostsline_names("a.example", 9, "a.example"));
	CU_ASSERT(hostsline_names("A.Example", 9, "a.example"));
	/* one trailing dot ignored, not two */
	CU_ASSERT(hostsline_names("a.example.", 10, "a.example"));
	CU_ASSERT(hostsline_names("A.EXAMPLE.", 10, "a.example"));
	CU_ASSERT(!hostsline_names("a.example..", 11, "a.example"));
	CU_ASSERT(!hostsline_names("a.example", 9, "a.example.com"));
	CU_ASSERT(!hostsline_names("a.exampl", 8, "a.example"));
	CU_ASSERT(!hostsline_names(".", 1, ""));
	CU_ASSERT_EQUAL(hostsline_name_len("a.", 2), 1);
	CU_ASSERT_EQUAL(hostsline_name_len("a", 1), 1);
	CU_ASSERT_EQUAL(hostsline_name_len("", 0), 0);
	CU_ASSERT(hostsline_name_eq("AbC-1", "aBc-1", 5));
	CU_ASSERT(!hostsline_name_eq("abc", "abd", 3));
	/* ASCII only: no locale folding of other bytes */
	CU_ASSERT(!hostsline_name_eq("\xc3\x89", "\xc3\xa9", 2));
	CU_ASSERT_EQUAL(hostsline_fold('Z'), 'z');
	CU_ASSERT_EQUAL(hostsline_fold('@'), '@');
	CU_ASSERT_EQUAL(hostsline_fold('['), '[');
}

static void
test_bom(void)
{
	CU_ASSERT_EQUAL(hostsline_bom("\xef\xbb\xbf" "10.9.9.9 a", 13), 3);
	CU_ASSERT_EQUAL(hostsline_bom("\xef\xbb", 2), 0);
	CU_ASSERT_EQUAL(hostsline_bom("10.9.9.9 a", 10), 0);
	CU_ASSERT_EQUAL(hostsline_bom("", 0), 0);
}

static const struct unit_test tests[] = {
	{ "each separator", test_separators },
	{ "NUL ends the line", test_nul },
	{ "comments", test_comments },
	{ "blank lines", test_blank_lines },
	{ "CRLF", test_crlf },
	{ "fields at every word offset", test_word_offsets },
	{ "addresses and zones", test_addr },
	{ "names: case and trailing dot", test_names },
	{ "byte order mark", test_bom },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "hostsline", tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
