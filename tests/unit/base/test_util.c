#include "config.h"

#include <string.h>
#include <stdlib.h>

#include "base/util.h"
#include "unit/cunit_main.h"

static void
test_buf(void)
{
	struct buf b = BUF_INIT;
	size_t i, len;
	char *p;

	for (i = 0; i < 1000; i++)
		buf_printf(&b, "%zu,", i);
	CU_ASSERT_EQUAL(strncmp(b.data, "0,1,2,", 6), 0);
	CU_ASSERT_EQUAL(b.data[b.len], '\0');
	p = buf_detach(&b, &len);
	CU_ASSERT_EQUAL(strlen(p), len);
	CU_ASSERT_PTR_NULL(b.data);
	free(p);
}

static void
test_strlist_split(void)
{
	struct strlist l = STRLIST_INIT;
	char *j;

	strlist_split_commas(&l, " a, b ,,c  ,");
	CU_ASSERT_EQUAL(l.n, 3);
	j = strlist_join(&l, "|");
	CU_ASSERT_STRING_EQUAL(j, "a|b|c");
	CU_ASSERT_TRUE(strlist_contains(&l, "b"));
	CU_ASSERT_FALSE(strlist_contains(&l, "d"));
	free(j);
	strlist_release(&l);
}

static void
test_sha256(void)
{
	char hex[65];

	sha256_hex("abc", 3, hex);
	CU_ASSERT_STRING_EQUAL(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_set_error(void)
{
	char *cause = NULL;

	CU_ASSERT_EQUAL(set_error(&cause, "x %d", 1), -1);
	CU_ASSERT_STRING_EQUAL(cause, "x 1");
	set_error(&cause, "y");
	CU_ASSERT_STRING_EQUAL(cause, "y");
	free(cause);
	CU_ASSERT_EQUAL(set_error(NULL, "z"), -1);
}

static const struct unit_test util_tests[] = {
	{ "buf", test_buf },
	{ "strlist_split", test_strlist_split },
	{ "sha256", test_sha256 },
	{ "set_error", test_set_error },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "util", util_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
