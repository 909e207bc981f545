/*
 * test_source.c - target resolution (source_resolve_target) from JSON
 * files: the entries it gives, and the kind of each failure, which decides
 * the exit code (SOURCE_FAILED: 1, SOURCE_BAD_INPUT: 2). Kinds travel as
 * enums: the same failure has the same kind whatever its message says, and
 * even when the caller asks for no message at all.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source/source.h"
#include "hosts/conf.h"
#include "hosts/entries.h"
#include "base/util.h"
#include "unit/cunit_main.h"

#define WSID "fb7e20a0-8891-458b-b969-55ddb3382f51"

static char *
dir_path(const char *var, const char *fallback, const char *rel)
{
	const char *d = getenv(var);

	if (d == NULL || *d == '\0')
		d = fallback;
	return xasprintf("%s/%s", d, rel);
}

static char *
data_path(const char *rel)
{
	return dir_path("TESTDATA", "tests/data", rel);
}

/* "name ip" lines, in order. */
static char *
entries_text(const struct entry_list *l)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < l->n; i++)
		buf_printf(&b, "%s %s\n", l->v[i].name, l->v[i].ip);
	return buf_detach(&b, NULL);
}

/* Resolve a target "t" reading json_file; *text gets its entries, *cause
 * the message (when cause is not NULL). */
static enum source_error
resolve(const char *json_file, int allow_empty, char **text, char **cause)
{
	struct config c;
	struct target_conf *t;
	struct source_ctx sc;
	struct entry_list out;
	struct strlist notes;
	enum source_error rc;

	entry_list_init(&out);
	config_init(&c);
	t = config_add_target(&c, "t");
	t->json_file = xstrdup(json_file);
	t->allow_empty = allow_empty;
	strlist_init(&notes);
	source_ctx_init(&sc, &c, 0, NULL, NULL);
	if (cause != NULL)
		*cause = NULL;
	rc = source_resolve_target(&sc, t, &out, &notes, cause);
	if (text != NULL)
		*text = entries_text(&out);
	entry_list_release(&out);
	strlist_release(&notes);
	source_ctx_release(&sc);
	config_release(&c);
	return rc;
}

static void
contains(const char *s, const char *part)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	if (strstr(s, part) == NULL) {
		fprintf(stderr, "\n  '%s' does not contain '%s'\n", s, part);
		CU_FAIL("message");
	}
}

static void
test_valid(void)
{
	char *path = dir_path("EXAMPLES", "examples", "workspace-nic.json"), *text, *cause;

	CU_ASSERT_EQUAL(resolve(path, 0, &text, &cause), SOURCE_OK);
	CU_ASSERT_PTR_NULL(cause);
	/* The names the NIC lists, and those derived from them. */
	contains(text, WSID ".workspace.eastus.api.azureml.ms 10.1.0.5\n");
	contains(text, WSID ".workspace.eastus.cert.api.azureml.ms 10.1.0.5\n");
	contains(text, "ml-myws-eastus-" WSID ".eastus.notebooks.azure.net 10.1.0.6\n");
	free(text);
	free(cause);
	free(path);
}

static void
test_unreadable(void)
{
	char *path = data_path("json/no-such-file.json"), *text, *cause;

	/* A file that is not there is a misspelt name: bad input (exit 2). */
	CU_ASSERT_EQUAL(resolve(path, 0, &text, &cause), SOURCE_BAD_INPUT);
	contains(cause, "cannot open");
	CU_ASSERT_STRING_EQUAL(text, "");
	free(text);
	free(cause);
	/* Without a message to read, the kind is the same: it never came
	 * from the message's words. */
	CU_ASSERT_EQUAL(resolve(path, 0, NULL, NULL), SOURCE_BAD_INPUT);
	free(path);
}

static void
test_bad_input(void)
{
	static const char *const bad[] = {
		"json/truncated.json",        /* not JSON */
		"json/not-json.txt",
		"json/unknown-shape.json",    /* JSON of no known shape */
		"json/injection-newline.json", /* hostile names */
		"json/public-ip.json",
		"json",                        /* a directory: readable, not a file */
		NULL,
	};
	char *path, *cause;
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		path = data_path(bad[i]);
		if (resolve(path, 0, NULL, &cause) != SOURCE_BAD_INPUT) {
			fprintf(stderr, "\n  %s: %s\n", bad[i], cause ? cause : "(no message)");
			CU_FAIL("not SOURCE_BAD_INPUT");
		}
		CU_ASSERT_PTR_NOT_NULL(cause);
		free(cause);
		CU_ASSERT_EQUAL(resolve(path, 0, NULL, NULL), SOURCE_BAD_INPUT);
		free(path);
	}
}

/* A file that lists no names: refused, unless the target allows it. */
static void
test_allow_empty(void)
{
	char path[] = "/tmp/amlhosts-test-source-XXXXXX", *text, *cause;
	static const char empty[] = "{\"amlhosts\": 1, \"entries\": []}\n";
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write_all(fd, empty, sizeof empty - 1) == 0);
	CU_ASSERT_FATAL(close(fd) == 0);
	CU_ASSERT_EQUAL(resolve(path, 0, &text, &cause), SOURCE_BAD_INPUT);
	contains(cause, "lists no names; refusing to write an empty block");
	free(text);
	free(cause);
	CU_ASSERT_EQUAL(resolve(path, 1, &text, &cause), SOURCE_OK);
	CU_ASSERT_STRING_EQUAL(text, "");
	free(text);
	free(cause);
	unlink(path);
}

/* Settings that cannot work are bad input, before any file is read. */
static void
test_bad_target(void)
{
	struct config c;
	struct target_conf *t;
	struct source_ctx sc;
	struct entry_list out;
	struct strlist notes;
	char *cause = NULL;

	entry_list_init(&out);
	config_init(&c);
	strlist_init(&notes);
	source_ctx_init(&sc, &c, 0, NULL, NULL);
	t = config_add_target(&c, "nosource");
	CU_ASSERT_EQUAL(source_resolve_target(&sc, t, &out, &notes, &cause), SOURCE_BAD_INPUT);
	contains(cause, "names no source");
	t = config_add_target(&c, "nocloud");
	t->json_file = xstrdup("/nonexistent.json");
	t->cloud = xstrdup("NoSuchCloud");
	CU_ASSERT_EQUAL(source_resolve_target(&sc, t, &out, &notes, &cause), SOURCE_BAD_INPUT);
	contains(cause, "unknown cloud 'NoSuchCloud'");
	CU_ASSERT_EQUAL(out.n, 0);
	free(cause);
	entry_list_release(&out);
	strlist_release(&notes);
	source_ctx_release(&sc);
	config_release(&c);
}

static const struct unit_test source_tests[] = {
	{ "valid", test_valid },
	{ "unreadable", test_unreadable },
	{ "bad input", test_bad_input },
	{ "allow_empty", test_allow_empty },
	{ "bad target", test_bad_target },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "source", source_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
