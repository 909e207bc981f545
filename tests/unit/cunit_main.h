/*
 * cunit_main.h - the shared main() of every CUnit test program.
 *
 * A test file defines "static const struct unit_suite suites[]" and then
 * includes this header, which runs them and turns failures into the exit
 * status. CU_basic_run_tests() alone returns success even when tests fail,
 * so the status comes from CU_get_number_of_tests_failed().
 */
#ifndef AMLHOSTS_CUNIT_MAIN_H
#define AMLHOSTS_CUNIT_MAIN_H

#include <stdio.h>
#include <stdlib.h>
#include <CUnit/Basic.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};
struct unit_suite {
	const char *name;
	const struct unit_test *tests; /* terminated by { NULL, NULL } */
};

static int
unit_run(const struct unit_suite *suites)
{
	const struct unit_suite *s;
	const struct unit_test *t;
	CU_pSuite cs;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	for (s = suites; s->name != NULL; s++) {
		cs = CU_add_suite(s->name, NULL, NULL);
		if (cs == NULL)
			goto fail;
		for (t = s->tests; t->name != NULL; t++)
			if (CU_add_test(cs, t->name, t->fn) == NULL)
				goto fail;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS)
		goto fail;
	failed = CU_get_number_of_tests_failed() + CU_get_number_of_failures();
	if (CU_get_number_of_tests_run() == 0)
		failed = 1;
	CU_cleanup_registry();
	return failed ? 1 : 0;
fail:
	fprintf(stderr, "CUnit error: %s\n", CU_get_error_msg());
	CU_cleanup_registry();
	return 1;
}

#define UNIT_MAIN(suites) \
	int main(void) { return unit_run(suites); }

#endif
