/*
 * source.c - resolve a configured target into validated entries.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cloud.h"
#include "jsonsrc.h"
#include "names.h"
#include "source.h"

/* "auto" asks Azure; "none" asks for nothing. A JSON source cannot discover,
 * so for it both mean: no names from this list. */
static int
list_is_word(const struct strlist *l)
{
	return l->n == 1 && (strcmp(l->v[0], "auto") == 0 || strcmp(l->v[0], "none") == 0);
}

static void
copy_names(struct strlist *dst, const struct strlist *src)
{
	size_t i;

	if (list_is_word(src))
		return;
	for (i = 0; i < src->n; i++)
		strlist_push(dst, src->v[i]);
}

enum source_error
source_resolve_target(const struct config *c, const struct target_conf *t,
    struct entry_list *out, struct strlist *notes, char **cause)
{
	struct raw_list raw = RAW_LIST_INIT;
	struct derive_opts o;
	struct cidr_list nets = { NULL, 0 };
	const char *cloudname = t->cloud ? t->cloud : c->cloud;
	enum source_error rc = SOURCE_BAD_INPUT;
	char *projects = NULL, *why = NULL;

	derive_opts_init(&o);
	o.cloud = cloud_find(cloudname);
	if (o.cloud == NULL) {
		set_error(cause, "target '%s': unknown cloud '%s' (known: %s)", t->name,
		    cloudname, cloud_names());
		goto out;
	}
	if (t->json_file == NULL) {
		if (t->subscription != NULL || t->workspace != NULL || t->private_endpoints.n > 0)
			set_error(cause, "target '%s': reading a workspace from Azure is not "
			    "part of this version; export it with 'az network nic show' "
			    "and set json_file", t->name);
		else
			set_error(cause, "target '%s' names no source: set json_file "
			    "(or use --from-json)", t->name);
		goto out;
	}
	if (cidr_list_parse(c->allowed_networks, &nets, &why) != 0) {
		set_error(cause, "allowed_networks: %s", why);
		goto out;
	}
	copy_names(&o.compute_instances, &t->compute_instances);
	copy_names(&o.online_endpoints, &t->online_endpoints);
	o.ssh_names = t->ssh_names;
	if (!list_is_word(&t->projects) && t->projects.n > 0) {
		projects = strlist_join(&t->projects, ",");
		if (derive_parse_projects(&o, projects, &why) != 0) {
			set_error(cause, "target '%s': projects: %s", t->name, why);
			goto out;
		}
	}
	o.allowed_suffixes = &c->allowed_suffixes;
	o.allowed_networks = &nets;
	o.source = strcmp(t->json_file, "-") == 0 ? "standard input" : t->json_file;

	if (jsonsrc_load(t->json_file, &raw, cause) != 0) {
		/* A file we could not read is the world's fault; one we could
		 * read but not accept is the input's. */
		rc = (cause && *cause && strncmp(*cause, "cannot ", 7) == 0) ?
		    SOURCE_FAILED : SOURCE_BAD_INPUT;
		goto out;
	}
	if (names_derive(&raw, &o, out, notes, cause) != 0)
		goto out;
	if (out->n == 0 && !t->allow_empty) {
		set_error(cause, "target '%s': '%s' lists no names; refusing to write an "
		    "empty block (set allow_empty = yes if that is intended)", t->name, o.source);
		goto out;
	}
	rc = SOURCE_OK;
out:
	free(why);
	free(projects);
	cidr_list_release(&nets);
	raw_list_release(&raw);
	derive_opts_release(&o);
	return rc;
}
