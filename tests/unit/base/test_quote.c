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

/* Default options: what is escaped and what is kept. */
static const struct {
	const char *in, *want;
} plain[] = {
	/* C0 controls and DEL */
	{ "a\tb\x01\x1f", "a\\x09b\\x01\\x1f" },
	{ "\x7f", "\\x7f" },
	{ "del\x7fx", "del\\x7fx" },
	{ "", "" },
	{ "plain text, ok", "plain text, ok" },
	/* invalid UTF-8, byte by byte */
	{ "\xff", "\\xff" },
	{ "caf\xc3", "caf\\xc3" },                     /* cut short */
	{ "\x80x", "\\x80x" },                         /* stray continuation */
	{ "\xc0\xaf", "\\xc0\\xaf" },                  /* overlong '/' */
	{ "\xe0\x80\xaf", "\\xe0\\x80\\xaf" },         /* overlong '/' */
	{ "\xed\xa0\x80", "\\xed\\xa0\\x80" },         /* a surrogate */
	{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" }, /* > U+10FFFF */
	{ "\xc3(", "\\xc3(" },
	/* a C1 control is valid UTF-8 but a terminal may obey it */
	{ "a\xc2\x9b" "31m", "a\\xc2\\x9b31m" },
	/* valid UTF-8 is kept */
	{ "caf\xc3\xa9", "caf\xc3\xa9" },
	{ "\xe2\x82\xac 5", "\xe2\x82\xac 5" },
	{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
	{ "\xc2\xa0nbsp", "\xc2\xa0nbsp" },
};

static void
test_plain(void)
{
	size_t i;

	for (i = 0; i < sizeof plain / sizeof plain[0]; i++)
		check(plain[i].in, 0, 0, plain[i].want);
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
	{ "controls_and_utf8", test_plain },
	{ "nul_inside", test_nul_inside },
	{ "backslash", test_backslash },
	{ "newline_injection", test_newline_injection },
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
