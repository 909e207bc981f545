/*
 * armjson.c - key lookups and error bodies of Azure's JSON answers.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "azure/armjson.h"
#include "base/util.h"

json_t *
armjson_get(json_t *o, const char *key)
{
	const char *k;
	json_t *v;

	if (!json_is_object(o))
		return NULL;
	if ((v = json_object_get(o, key)) != NULL)
		return v;
	json_object_foreach(o, k, v)
		if (ascii_strcasecmp(k, key) == 0)
			return v;
	return NULL;
}

const char *
armjson_str(json_t *o, const char *key)
{
	return json_string_value(armjson_get(o, key));
}

json_t *
armjson_prop(json_t *o, const char *key)
{
	json_t *v = armjson_get(armjson_get(o, "properties"), key);

	return v ? v : armjson_get(o, key);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

int
armjson_error_decode(const char *body, size_t len, struct armjson_error *out)
{
	json_error_t je;
	json_t *root, *e;

	memset(out, 0, sizeof *out);
	root = body != NULL && len > 0 ? json_loadb(body, len, 0, &je) : NULL;
	if (root == NULL)
		return -1;
	e = armjson_get(root, "error");
	if (json_is_object(e)) {
		out->code = dup_or_null(armjson_str(e, "code"));
		out->message = dup_or_null(armjson_str(e, "message"));
	} else {
		out->code = dup_or_null(json_string_value(e));
		out->message = dup_or_null(armjson_str(root, "error_description"));
		out->text = dup_or_null(armjson_str(root, "message"));
	}
	json_decref(root);
	return 0;
}

void
armjson_error_release(struct armjson_error *e)
{
	free(e->code);
	free(e->message);
	free(e->text);
	memset(e, 0, sizeof *e);
}
