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

/* Doubling from first, untouched while there is room, contents kept. */
static void
test_xgrow(void)
{
	int *v = NULL;
	size_t n, cap = 0, caps[40], ncaps = 0;

	for (n = 0; n < 33; n++) {
		size_t before = cap;

		v = xgrow(v, n, &cap, sizeof *v, 4);
		if (cap != before)
			caps[ncaps++] = cap;
		CU_ASSERT_TRUE(cap > n);
		v[n] = (int)n;
	}
	CU_ASSERT_EQUAL(ncaps, 5);
	CU_ASSERT_EQUAL(caps[0], 4);
	CU_ASSERT_EQUAL(caps[1], 8);
	CU_ASSERT_EQUAL(caps[4], 64);
	for (n = 0; n < 33; n++)
		CU_ASSERT_EQUAL(v[n], (int)n);
	free(v);
}

static void
test_hash(void)
{
	/* FNV-1a of "" is the offset basis, then the mixing steps. */
	uint64_t h = 14695981039346656037ULL;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	CU_ASSERT_EQUAL(hash_bytes("", 0, 0), h);
	CU_ASSERT_EQUAL(hash_bytes("Host.Example", 12, 1), hash_bytes("host.example", 12, 0));
	CU_ASSERT_NOT_EQUAL(hash_bytes("Host.Example", 12, 0), hash_bytes("host.example", 12, 0));
	/* Only ASCII letters fold. */
	CU_ASSERT_NOT_EQUAL(hash_bytes("[", 1, 1), hash_bytes("{", 1, 1));
	CU_ASSERT_EQUAL(hash_slots(0), 16);
	CU_ASSERT_EQUAL(hash_slots(8), 16);
	CU_ASSERT_EQUAL(hash_slots(9), 32);
	CU_ASSERT_EQUAL(hash_slots(1000), 2048);
}

static const struct unit_test util_tests[] = {
	{ "xgrow", test_xgrow },
	{ "hash", test_hash },
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
