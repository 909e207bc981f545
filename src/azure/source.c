/*
 * source.c - resolve a configured target into validated entries.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hosts/cloud.h"
#include "hosts/jsonsrc.h"
#include "hosts/names.h"
#include "azure/source.h"

void
source_ctx_init(struct source_ctx *sc, const struct config *c, int verbose,
    http_trace_fn trace, void *trace_arg)
{
	memset(sc, 0, sizeof *sc);
	sc->c = c;
	sc->verbose = verbose;
	sc->trace = trace;
	sc->trace_arg = trace_arg;
}

void
source_ctx_release(struct source_ctx *sc)
{
	if (sc->az_ready) {
		auth_token_release(&sc->az.token);
		http_client_free(sc->az.hc);
		free(sc->az.arm);
		free((char *)sc->az.auth.login_endpoint);
		free((char *)sc->az.auth.arm_resource);
	}
	memset(sc, 0, sizeof *sc);
}

/* One HTTP client and token for the run, for the cloud of the first target
 * that needs Azure. */
static int
azure_session_for(struct source_ctx *sc, const struct cloud *cl, struct azure_session **out,
    char **cause)
{
	const struct config *c = sc->c;
	struct http_opts ho;
	char *arm;

	arm = http_url_trim(c->arm_endpoint ? c->arm_endpoint : cl->arm_endpoint);
	if (sc->az_ready && strcmp(sc->az.arm, arm) != 0) {
		free(arm);
		return set_error(cause, "targets of different clouds cannot be resolved in one "
		    "run; name them separately");
	}
	if (!sc->az_ready) {
		if (strncmp(arm, "https://", 8) != 0) {
			set_error(cause, "arm_endpoint '%s' is not an https:// URL", arm);
			free(arm);
			return -1;
		}
		memset(&ho, 0, sizeof ho);
		ho.ca_file = c->ca_file;
		ho.connect_timeout = c->connect_timeout;
		ho.request_timeout = c->request_timeout;
		ho.verbose = sc->verbose;
		ho.trace = sc->trace;
		ho.trace_arg = sc->trace_arg;
		if (http_client_new(&sc->az.hc, &ho, cause) != 0) {
			free(arm);
			return -1;
		}
		sc->az.arm = arm;
		arm = NULL;
		sc->az.auth.method = c->auth;
		sc->az.auth.tenant_id = c->tenant_id;
		sc->az.auth.client_id = c->client_id;
		sc->az.auth.client_secret_file = c->client_secret_file;
		sc->az.auth.login_endpoint = http_url_trim(
		    c->login_endpoint ? c->login_endpoint : cl->login_endpoint);
		sc->az.auth.arm_endpoint = sc->az.arm;
		/* The audience az and managed identity ask for; an overridden
		 * ARM endpoint is its own audience. */
		sc->az.auth.arm_resource = c->arm_endpoint ? xasprintf("%s/", sc->az.arm) :
		    xstrdup(cl->arm_resource);
		sc->az_ready = 1;
	}
	free(arm);
	*out = &sc->az;
	return 0;
}

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
source_resolve_target(struct source_ctx *sc, const struct target_conf *t,
    struct entry_list *out, struct strlist *notes, char **cause)
{
	const struct config *c = sc->c;
	struct raw_list raw = RAW_LIST_INIT;
	struct azure_found found;
	struct azure_session *az = NULL;
	unsigned want = 0;
	int from_azure = 0;
	enum azure_error arc;
	size_t i;
	struct derive_opts o;
	struct cidr_list nets = { NULL, 0 };
	const char *cloudname = t->cloud ? t->cloud : c->cloud;
	enum source_error rc = SOURCE_BAD_INPUT;
	char *projects = NULL, *why = NULL;

	derive_opts_init(&o);
	azure_found_init(&found);
	o.cloud = cloud_find(cloudname);
	if (o.cloud == NULL) {
		set_error(cause, "target '%s': unknown cloud '%s' (known: %s)", t->name,
		    cloudname, cloud_names());
		goto out;
	}
	if (t->json_file == NULL && t->workspace == NULL && t->private_endpoints.n == 0) {
		set_error(cause, "target '%s' names no source: set workspace (with "
		    "subscription and resource_group), private_endpoints, or json_file",
		    t->name);
		goto out;
	}
	from_azure = t->json_file == NULL;
	if (cidr_list_parse(c->allowed_networks, &nets, &why) != 0) {
		set_error(cause, "allowed_networks: %s", why);
		goto out;
	}
	copy_names(&o.compute_instances, &t->compute_instances);
	copy_names(&o.online_endpoints, &t->online_endpoints);
	/* A target without a section (line 0) came from the command line. */
	o.adhoc = t->line == 0;
	o.endpoints_none = t->online_endpoints.n == 1 && strcmp(t->online_endpoints.v[0], "none") == 0;
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
	if (from_azure) {
		o.source = "Azure";
		if (list_is_auto(&t->compute_instances))
			want |= AZURE_WANT_COMPUTES;
		if (list_is_auto(&t->online_endpoints))
			want |= AZURE_WANT_ENDPOINTS;
		if (list_is_auto(&t->projects))
			want |= AZURE_WANT_PROJECTS;
		if (azure_session_for(sc, o.cloud, &az, cause) != 0) {
			rc = SOURCE_FAILED;
			goto out;
		}
		arc = azure_discover(az, t, want, &found, cause);
		if (arc != AZURE_OK) {
			rc = arc == AZURE_BAD_TARGET ? SOURCE_BAD_INPUT : SOURCE_FAILED;
			goto out;
		}
		for (i = 0; i < found.notes.n; i++)
			strlist_push(notes, found.notes.v[i]);
		for (i = 0; i < found.pairs.n; i++)
			raw_list_add(&raw, found.pairs.v[i].fqdn, found.pairs.v[i].ip);
		if (want & AZURE_WANT_COMPUTES)
			copy_names(&o.compute_instances, &found.computes);
		if (want & AZURE_WANT_ENDPOINTS)
			copy_names(&o.online_endpoints, &found.endpoints);
		/* A project target finds itself here: its names are the point. */
		if (found.projects.n > 0 && (list_is_auto(&t->projects) || list_is_word(&t->projects))) {
			free(projects);
			projects = strlist_join(&found.projects, ",");
			if (derive_parse_projects(&o, projects, &why) != 0) {
				set_error(cause, "target '%s': projects from Azure: %s", t->name, why);
				rc = SOURCE_FAILED;
				goto out;
			}
		}
		if (raw.n == 0) {
			set_error(cause, "target '%s': Azure lists no private-endpoint names for "
			    "it; the hosts file was left as it was", t->name);
			rc = SOURCE_FAILED;
			goto out;
		}
	} else {
		o.source = strcmp(t->json_file, "-") == 0 ? "standard input" : t->json_file;
		switch (jsonsrc_load(t->json_file, &raw, cause)) {
		case JSONSRC_OK:
			break;
		case JSONSRC_UNREADABLE:
			/* A file we could not read is the world's fault; one we
			 * could read but not accept is the input's. */
			rc = SOURCE_FAILED;
			goto out;
		case JSONSRC_BAD_INPUT:
		default:
			rc = SOURCE_BAD_INPUT;
			goto out;
		}
	}
	if (names_derive(&raw, &o, out, notes, cause) != 0)
		goto out;
	if (out->n == 0 && !t->allow_empty) {
		set_error(cause, "target '%s': '%s' lists no names; refusing to write an "
		    "empty block, which would remove its entries (%s if that is intended)",
		    t->name, o.source, o.adhoc ? "give --allow-empty" :
		    "set allow_empty = yes in its section");
		goto out;
	}
	rc = SOURCE_OK;
out:
	free(why);
	free(projects);
	cidr_list_release(&nets);
	raw_list_release(&raw);
	azure_found_release(&found);
	derive_opts_release(&o);
	return rc;
}
