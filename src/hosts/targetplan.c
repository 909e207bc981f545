/*
 * targetplan.c - a configured target's derive options and final entries
 * (targetplan.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hosts/cloud.h"
#include "hosts/targetplan.h"

/* Empty, or "auto": ask Azure. */
static int
list_is_auto(const struct strlist *l)
{
	return l->n == 0 || (l->n == 1 && strcmp(l->v[0], "auto") == 0);
}

/* "auto" asks Azure; "none" asks for nothing. A JSON source cannot discover,
 * so for it both mean: no names from this list. */
static int
list_is_word(const struct strlist *l)
{
	return l->n == 1 && (strcmp(l->v[0], "auto") == 0 || strcmp(l->v[0], "none") == 0);
}

void
target_plan_add_names(struct strlist *dst, const struct strlist *src)
{
	size_t i;

	if (list_is_word(src))
		return;
	for (i = 0; i < src->n; i++)
		strlist_push(dst, src->v[i]);
}

static int
parse_projects(struct target_plan *p, const struct strlist *l, char **why)
{
	char *s = strlist_join(l, ",");
	int rc = derive_parse_projects(&p->o, s, why);

	free(s);
	return rc;
}

int
target_plan_init(struct target_plan *p, const struct config *c, const struct target_conf *t,
    const char *source, char **cause)
{
	const char *cloudname = t->cloud ? t->cloud : c->cloud;
	char *why = NULL;

	memset(p, 0, sizeof *p);
	derive_opts_init(&p->o);
	p->o.source = source;
	p->o.cloud = cloud_find(cloudname);
	if (p->o.cloud == NULL) {
		set_error(cause, "target '%s': unknown cloud '%s' (known: %s)", t->name,
		    cloudname, cloud_names());
		goto fail;
	}
	if (t->json_file == NULL && t->workspace == NULL && t->private_endpoints.n == 0) {
		set_error(cause, "target '%s' names no source: set workspace (with "
		    "subscription and resource_group), private_endpoints, or json_file",
		    t->name);
		goto fail;
	}
	p->from_azure = t->json_file == NULL;
	p->o.from_azure = p->from_azure;
	if (cidr_list_parse(c->allowed_networks, &p->nets, &why) != 0) {
		set_error(cause, "allowed_networks: %s", why);
		goto fail;
	}
	target_plan_add_names(&p->o.compute_instances, &t->compute_instances);
	target_plan_add_names(&p->o.online_endpoints, &t->online_endpoints);
	p->o.ssh_names = t->ssh_names;
	/* A target without a section (line 0) came from the command line:
	 * hints then name options, not keys. */
	p->o.adhoc = t->line == 0;
	p->o.endpoints_none = t->online_endpoints.n == 1 &&
	    strcmp(t->online_endpoints.v[0], "none") == 0;
	if (!list_is_word(&t->projects) && t->projects.n > 0 &&
	    parse_projects(p, &t->projects, &why) != 0) {
		set_error(cause, "target '%s': projects: %s", t->name, why);
		goto fail;
	}
	p->o.allowed_suffixes = &c->allowed_suffixes;
	p->o.allowed_networks = &p->nets;
	if (p->from_azure) {
		if (list_is_auto(&t->compute_instances))
			p->ask |= TARGET_ASK_COMPUTES;
		if (list_is_auto(&t->online_endpoints))
			p->ask |= TARGET_ASK_ENDPOINTS;
		if (list_is_auto(&t->projects))
			p->ask |= TARGET_ASK_PROJECTS;
	}
	return 0;
fail:
	free(why);
	target_plan_release(p);
	return -1;
}

void
target_plan_release(struct target_plan *p)
{
	cidr_list_release(&p->nets);
	derive_opts_release(&p->o);
	memset(p, 0, sizeof *p);
}

int
target_plan_add_projects(struct target_plan *p, const struct target_conf *t,
    const struct strlist *found, char **cause)
{
	char *why = NULL;

	/* A project target finds itself here: its names are the point. */
	if (found->n == 0 || !(list_is_auto(&t->projects) || list_is_word(&t->projects)))
		return 0;
	/* (the configuration named none, so there is nothing to replace) */
	if (parse_projects(p, found, &why) != 0) {
		set_error(cause, "target '%s': projects from Azure: %s", t->name, why);
		free(why);
		return -1;
	}
	return 0;
}

int
target_plan_finish(struct target_plan *p, const struct target_conf *t,
    const struct raw_list *raw, struct entry_list *out, struct strlist *notes, char **cause)
{
	if (names_derive(raw, &p->o, out, notes, cause) != 0)
		return -1;
	if (out->n == 0 && !t->allow_empty)
		return set_error(cause, "target '%s': '%s' lists no names; refusing to write an "
		    "empty block, which would remove its entries (%s if that is intended)",
		    t->name, p->o.source, p->o.adhoc ? "give --allow-empty" :
		    "set allow_empty = yes in its section");
	return 0;
}
