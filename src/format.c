/*
 * format.c - resolve output formats.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "format.h"
#include "hostsfile.h"

static const struct {
	const char *name;
	enum format f;
} formats[] = {
	{ "hosts", FORMAT_HOSTS },
	{ "json", FORMAT_JSON },
	{ "csv", FORMAT_CSV },
};

int
format_parse(const char *s, enum format *out)
{
	size_t i;

	for (i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(s, formats[i].name) == 0) {
			*out = formats[i].f;
			return 0;
		}
	return -1;
}

const char *
format_names(void)
{
	return "hosts, json, csv";
}

static void
format_json(const struct resolved_target *t, size_t n, struct buf *out)
{
	json_t *root, *list;
	char *text;
	size_t i, j;

	root = json_object();
	list = json_array();
	if (root == NULL || list == NULL)
		goto oom;
	if (json_object_set_new(root, "amlhosts", json_integer(1)) != 0)
		goto oom;
	for (i = 0; i < n; i++)
		for (j = 0; j < t[i].entries->n; j++) {
			json_t *e = json_pack("{s:s, s:s, s:s}", "target", t[i].name,
			    "fqdn", t[i].entries->v[j].name, "ip", t[i].entries->v[j].ip);

			if (e == NULL || json_array_append_new(list, e) != 0)
				goto oom;
		}
	if (json_object_set_new(root, "entries", list) != 0) {
		list = NULL;
		goto oom;
	}
	list = NULL;
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (text == NULL)
		goto oom;
	buf_puts(out, text);
	buf_putc(out, '\n');
	free(text);
	json_decref(root);
	return;
oom:
	/* jansson fails only when memory is exhausted. */
	json_decref(list);
	json_decref(root);
	out_of_memory();
}

void
format_entries(enum format f, const struct resolved_target *t, size_t n, struct buf *out)
{
	size_t i, j;

	switch (f) {
	case FORMAT_HOSTS:
		for (i = 0; i < n; i++)
			hostsfile_render_block(t[i].name, t[i].entries, 0, out);
		break;
	case FORMAT_JSON:
		format_json(t, n, out);
		break;
	case FORMAT_CSV:
		/* Names and targets are validated: nothing needs quoting. */
		buf_puts(out, "fqdn,ip,target\n");
		for (i = 0; i < n; i++)
			for (j = 0; j < t[i].entries->n; j++)
				buf_printf(out, "%s,%s,%s\n", t[i].entries->v[j].name,
				    t[i].entries->v[j].ip, t[i].name);
		break;
	}
}
