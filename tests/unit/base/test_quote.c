/* Unit tests of the one quoting policy (base/quote.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/quote.h"
#include "unit/cunit_main.h"

/* quote_mem() of the NUL-terminated s compared with want (NULL: none). */
static void
check(const char *s, size_t max, unsigned flags, const char *want)
{
	char *got = quote_mem(s, strlen(s), max, flags);

	if (want == NULL) {
		CU_ASSERT_PTR_NULL(got);
	} else {
		CU_ASSERT_PTR_NOT_NULL_FATAL(got);
		CU_ASSERT_STRING_EQUAL(got, want);
	}
	free(got);
}

static void
test_controls(void)
{
	check("a\tb\x01\x1f", 0, 0, "a\\x09b\\x01\\x1f");
	check("\x7f", 0, 0, "\\x7f");
	check("del\x7fx", 0, 0, "del\\x7fx");
	check("", 0, 0, "");
	check("plain text, ok", 0, 0, "plain text, ok");
}

static void
test_nul_inside(void)
{
	char *got = quote_mem("a\0b", 3, 0, 0);

	CU_ASSERT_STRING_EQUAL(got, "a\\x00b");
	free(got);
}

static void
test_backslash(void)
{
	check("C:\\Windows", 0, 0, "C:\\x5cWindows");
	/* the message net keeps escapes an earlier quote made */
	check("a\\x0ab\n", 0, QUOTE_KEEP_BACKSLASH, "a\\x0ab\\x0a");
}

static void
test_newline_injection(void)
{
	char *got = quote_str("a\nb\r\nfake: line");

	CU_ASSERT_STRING_EQUAL(got, "a\\x0ab\\x0d\\x0afake: line");
	CU_ASSERT_PTR_NULL(strchr(got, '\n'));
	CU_ASSERT_PTR_NULL(strchr(got, '\r'));
	free(got);
}

static void
test_invalid_utf8(void)
{
	check("\xff", 0, 0, "\\xff");
	check("caf\xc3", 0, 0, "caf\\xc3");             /* cut short */
	check("\x80x", 0, 0, "\\x80x");                 /* stray continuation */
	check("\xc0\xaf", 0, 0, "\\xc0\\xaf");          /* overlong '/' */
	check("\xe0\x80\xaf", 0, 0, "\\xe0\\x80\\xaf"); /* overlong '/' */
	check("\xed\xa0\x80", 0, 0, "\\xed\\xa0\\x80"); /* a surrogate */
	check("\xf4\x90\x80\x80", 0, 0, "\\xf4\\x90\\x80\\x80"); /* > U+10FFFF */
	check("\xc3(", 0, 0, "\\xc3(");
	/* a C1 control is valid UTF-8 but a terminal may obey it */
	check("a\xc2\x9b" "31m", 0, 0, "a\\xc2\\x9b31m");
}

static void
test_valid_utf8(void)
{
	check("caf\xc3\xa9", 0, 0, "caf\xc3\xa9");
	check("\xe2\x82\xac 5", 0, 0, "\xe2\x82\xac 5");
	check("\xf0\x9f\x98\x80", 0, 0, "\xf0\x9f\x98\x80");
	check("\xc2\xa0nbsp", 0, 0, "\xc2\xa0nbsp");
}

static void
test_cut(void)
{
	char long_s[QUOTE_MAX + 50];
	char *got;

	check("abcdef", 6, 0, "abcdef");
	check("abcdefg", 6, 0, "abcdef...");
	/* "é" is two bytes: it does not fit in the last byte */
	check("abcd\xc3\xa9", 5, 0, "abcd...");
	check("abcd\xc3\xa9", 6, 0, "abcd\xc3\xa9");
	check("ab\xe2\x82\xac", 4, 0, "ab...");
	/* nor is an escape split */
	check("abc\n", 5, 0, "abc...");
	check("abc\n", 7, 0, "abc\\x0a");
	memset(long_s, 'x', sizeof long_s - 1);
	long_s[sizeof long_s - 1] = '\0';
	got = quote_str(long_s);
	CU_ASSERT_EQUAL(strlen(got), QUOTE_MAX + 3);
	CU_ASSERT_STRING_EQUAL(got + QUOTE_MAX, "...");
	free(got);
}

static void
test_ansi(void)
{
	check("\x1b[31mERROR:\x1b[0m bad", 0, QUOTE_STRIP_ANSI, "ERROR: bad");
	check("\x1b[31mERROR", 0, 0, "\\x1b[31mERROR");
	check("x\x1b[31", 0, QUOTE_STRIP_ANSI, "x");     /* cut short */
	check("x\x1bY", 0, QUOTE_STRIP_ANSI, "x\\x1bY"); /* not a colour */
	check("\x1b[1;31m\x1b[0m", 0, QUOTE_STRIP_ANSI | QUOTE_FIRST_LINE, NULL);
}

static void
test_first_line(void)
{
	check("\n \r\n  first\tone  \nsecond\n", 0, QUOTE_FIRST_LINE, "first\\x09one");
	check("only\r\nnext", 0, QUOTE_FIRST_LINE, "only");
	check(" \n\t\r\n", 0, QUOTE_FIRST_LINE, NULL);
	check("", 0, QUOTE_FIRST_LINE, NULL);
	check("word \x1b[0m\n", 0, QUOTE_FIRST_LINE | QUOTE_STRIP_ANSI, "word");
	check("  abcdefgh\nx", 4, QUOTE_FIRST_LINE, "abcd...");
	/* without the option the lines stay, escaped */
	check("a\nb", 0, 0, "a\\x0ab");
}

static const struct unit_test quote_tests[] = {
	{ "controls", test_controls },
	{ "nul_inside", test_nul_inside },
	{ "backslash", test_backslash },
	{ "newline_injection", test_newline_injection },
	{ "invalid_utf8", test_invalid_utf8 },
	{ "valid_utf8", test_valid_utf8 },
	{ "cut", test_cut },
	{ "ansi", test_ansi },
	{ "first_line", test_first_line },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "quote", quote_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
