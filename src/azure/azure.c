/*
 * azure.c - workspace discovery over ARM.
 *
 * A queue of pending fetches is run round by round; each answer may queue
 * more (endpoints after the workspace, NICs after an endpoint, the next page
 * of a list). The rounds are what keeps discovery to a few round trips.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "azure/armjson.h"
#include "azure/azure.h"
#include "azure/dependencies.h"
#include "hosts/jsonsrc.h"
#include "base/quote.h"

/* The start of a gateway's HTML or text answer shown in a message. */
#define GATEWAY_QUOTE_MAX 200

enum fetch_kind {
	F_WORKSPACE,  /* the target's workspace */
	F_HUB,        /* the hub of a project workspace */
	F_PE,         /* a private endpoint */
	F_NIC,        /* a network interface of an endpoint */
	F_COMPUTES,   /* a page of the compute list */
	F_ENDPOINTS,  /* a page of the online endpoint list */
	F_WORKSPACES, /* a page of the subscription's workspaces */
	F_DEP,        /* a dependency: storage account, key vault, registry */
};

struct fetch {
	enum fetch_kind kind;
	char *url;
	char *resource; /* for messages: the ARM id or path */
	int dep;        /* a dependency's read: a 403 or 404 is a note */
	long pe;        /* the workspace endpoint (d->pes) it serves, or -1 */
};

/* One of the workspace's approved private endpoints: its pairs are kept
 * apart until all are in, to tell endpoints in different VNets apart. */
struct ws_endpoint {
	char *id;
	char *subnet;         /* its subnet's id, for messages; NULL if unknown */
	struct raw_list pairs;
};

struct discovery {
	struct azure_session *s;
	const struct target_conf *t;
	unsigned want;
	struct azure_found *out;
	struct fetch *q;   /* pending */
	size_t nq;
	struct strlist seen; /* URLs already fetched */
	char *hub_id;      /* the workspace whose endpoints and projects count */
	char *target_id;   /* the target's own workspace: its computes, endpoints */
	int lists_queued;  /* computes and endpoints asked for with the workspace */
	char *ws_name;
	char *ws_guid;
	int is_project;
	int dep_ctx;       /* the answer being handled is a dependency's */
	struct ws_endpoint *pes; /* the workspace's approved endpoints */
	size_t npes;
	long tag;                /* what queue() records as fetch.pe */
	int bad_target;          /* a failure that is the configuration's to fix */
};

#define FOUND_LISTS 7

/* The found string lists, for init and release alike. */
static void
found_lists(struct azure_found *f, struct strlist **l)
{
	struct strlist *all[FOUND_LISTS] = { &f->computes, &f->endpoints, &f->projects,
	    &f->instance_hosts, &f->endpoint_hosts, &f->notes, &f->partial };

	memcpy(l, all, sizeof all);
}

void
azure_found_init(struct azure_found *f)
{
	struct strlist *l[FOUND_LISTS];
	size_t i;

	raw_list_init(&f->pairs);
	found_lists(f, l);
	for (i = 0; i < FOUND_LISTS; i++)
		strlist_init(l[i]);
}

void
azure_found_release(struct azure_found *f)
{
	struct strlist *l[FOUND_LISTS];
	size_t i;

	raw_list_release(&f->pairs);
	found_lists(f, l);
	for (i = 0; i < FOUND_LISTS; i++)
		strlist_release(l[i]);
}

char *
azure_error_line(long status, const char *body, size_t len)
{
	struct armjson_error e;
	char *said, *line;

	/* One line, printable: the message goes to a terminal and syslog. */
	armjson_error_decode(body, len, &e);
	if (e.code != NULL || e.message != NULL) {
		said = xasprintf("%s%s%s", e.code ? e.code : "", e.code && e.message ? ": " : "",
		    e.message ? e.message : "");
		line = quote_mem(said, strlen(said), 0, 0);
		free(said);
	} else if (body != NULL && len > 0)
		/* Gateways answer in HTML or text: show its start. */
		line = quote_mem(body, len, GATEWAY_QUOTE_MAX, 0);
	else
		line = xstrdup("(empty answer)");
	armjson_error_release(&e);
	said = xasprintf("%ld %s", status, line);
	free(line);
	return said;
}

/*
 * A project is found twice when the target is itself a project: once as the
 * target, once in its hub's list. The GUID is what identifies it.
 */
static void
add_project(struct discovery *d, const char *name, const char *guid)
{
	size_t i, gl = strlen(guid), l;

	for (i = 0; i < d->out->projects.n; i++) {
		l = strlen(d->out->projects.v[i]);
		if (l > gl && d->out->projects.v[i][l - gl - 1] == ':' &&
		    ascii_strcasecmp(d->out->projects.v[i] + l - gl, guid) == 0)
			return;
	}
	strlist_push_nocopy(&d->out->projects, xasprintf("%s:%s", name, guid));
}

static void
queue(struct discovery *d, enum fetch_kind kind, const char *url, const char *resource)
{
	if (strlist_contains(&d->seen, url))
		return;
	strlist_push(&d->seen, url);
	d->q = xreallocarray(d->q, d->nq + 1, sizeof *d->q);
	d->q[d->nq].kind = kind;
	d->q[d->nq].url = xstrdup(url);
	d->q[d->nq].resource = xstrdup(resource);
	/* What a dependency's answer leads to is optional too. */
	d->q[d->nq].dep = d->dep_ctx;
	d->q[d->nq].pe = d->tag;
	d->nq++;
}

/* GET {arm}{id}?api-version=V */
static void
queue_resource(struct discovery *d, enum fetch_kind kind, const char *id, const char *suffix,
    const char *version)
{
	char *url = xasprintf("%s%s%s%s?api-version=%s", d->s->arm, *id == '/' ? "" : "/",
	    id, suffix, version);
	char *res = xasprintf("%s%s", id, suffix);

	queue(d, kind, url, res);
	free(url);
	free(res);
}

int
azure_id_is_safe(const char *id)
{
	const char *p;

	if (id == NULL || id[0] != '/' || strstr(id, "..") != NULL)
		return 0;
	for (p = id; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/-_.()", *p) != NULL))
			return 0;
	return 1;
}

static int
name_is_safe(const char *s)
{
	return s != NULL && *s != '\0' && strpbrk(s, "/?#%& \t\r\n") == NULL && strstr(s, "..") == NULL;
}

/* A private endpoint given by name (in the target's resource group) or id. */
static int
queue_endpoint(struct discovery *d, const char *pe, char **cause)
{
	char *id;

	if (pe[0] == '/') {
		if (!azure_id_is_safe(pe))
			return set_error(cause, "target '%s': '%s' is not a resource id", d->t->name, pe);
		queue_resource(d, F_PE, pe, "", AZURE_NETWORK_API_VERSION);
		return 0;
	}
	if (!name_is_safe(pe) || d->t->subscription == NULL || d->t->resource_group == NULL)
		return set_error(cause, "target '%s': private endpoint '%s' needs a full "
		    "resource id, or subscription and resource_group", d->t->name, pe);
	id = xasprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/"
	    "privateEndpoints/%s", d->t->subscription, d->t->resource_group, pe);
	queue_resource(d, F_PE, id, "", AZURE_NETWORK_API_VERSION);
	free(id);
	return 0;
}

static int
follow_next(struct discovery *d, json_t *root, enum fetch_kind kind, const char *resource,
    char **cause)
{
	const char *next = armjson_str(root, "nextLink");

	if (next == NULL || *next == '\0')
		return 0;
	/* A nextLink must lead back to the same ARM endpoint (":443" or not). */
	if (!http_url_under(d->s->arm, next))
		return set_error(cause, "Azure's nextLink for %s leads to another host ('%.80s')",
		    resource, next);
	queue(d, kind, next, resource);
	return 0;
}

/* The workspace's storage, key vault and registry: asked for in the round
 * of its private endpoints, so they add no round of their own. */
static void
queue_dependencies(struct discovery *d, json_t *ws)
{
	struct strlist ids = STRLIST_INIT;
	size_t i;

	deps_collect(ws, &ids);
	d->dep_ctx = 1;
	for (i = 0; i < ids.n; i++)
		if (azure_id_is_safe(ids.v[i]))
			queue_resource(d, F_DEP, ids.v[i], "", deps_api_version(ids.v[i]));
	d->dep_ctx = 0;
	strlist_release(&ids);
}

static void
on_dependency(struct discovery *d, const struct fetch *f, json_t *res)
{
	struct strlist pes = STRLIST_INIT;
	size_t i;

	deps_endpoints(res, d->t->name, f->resource, &pes, &d->out->notes);
	for (i = 0; i < pes.n; i++)
		if (azure_id_is_safe(pes.v[i]))
			queue_resource(d, F_PE, pes.v[i], "", AZURE_NETWORK_API_VERSION);
	strlist_release(&pes);
}

/* The last segment of an ARM id: a resource's name. */
static const char *
id_name(const char *id)
{
	const char *slash = strrchr(id, '/');

	return slash != NULL ? slash + 1 : id;
}

/*
 * A project is a workspace that names a hub, whatever its kind: older
 * api-versions report a hub's project as kind "Lean" with hubResourceId
 * set. A "Project" without a hub is still a project (and an error).
 */
static int
workspace_is_project(const char *kind, const char *hub)
{
	if (kind != NULL && ascii_strcasecmp(kind, "Project") == 0)
		return 1;
	if (kind != NULL && ascii_strcasecmp(kind, "Hub") == 0)
		return 0;
	return hub != NULL && *hub != '\0';
}

/*
 * The name that, put into names_notebooks_label(), gives the notebooks
 * label Azure chose: the middle of properties.notebookInfo.fqdn
 * ("ml-<name>-<region>-<guid>.<region>.<notebooks>") when the workspace has
 * it, since Azure's own mapping of '_' and of long names is not documented;
 * else the workspace's name. New string.
 */
static char *
notebooks_name(json_t *ws, const char *name, const char *guid)
{
	const char *fqdn = json_string_value(armjson_get(armjson_prop(ws, "notebookInfo"), "fqdn"));
	const char *dot, *p, *q;
	size_t len, gl = strlen(guid);
	char *tail, *mid;

	if (fqdn == NULL || strncmp(fqdn, "ml-", 3) != 0 || (dot = strchr(fqdn, '.')) == NULL)
		return xstrdup(name);
	len = (size_t)(dot - fqdn);
	if (len < 3 + gl + 3)
		return xstrdup(name);
	tail = xstrndup(dot - gl, gl);
	if (dot[-(long)gl - 1] != '-' || ascii_strcasecmp(tail, guid) != 0) {
		free(tail);
		return xstrdup(name);
	}
	free(tail);
	/* Back over "-<region>": regions have no '-'. */
	for (p = dot - gl - 1; p > fqdn + 3 && p[-1] != '-'; p--)
		;
	if (p <= fqdn + 4)
		return xstrdup(name);
	mid = xstrndup(fqdn + 3, (size_t)(p - 1 - (fqdn + 3)));
	for (q = mid; *q != '\0'; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		    (*q >= '0' && *q <= '9') || (*q == '-' && q > mid)))
			break;
	if (*q != '\0' || strlen(mid) < 3 || strlen(mid) > 33) {
		free(mid);
		return xstrdup(name);
	}
	return mid;
}

/* Fetch the workspace's approved endpoints, or the one private_endpoint
 * names: each keeps its pairs apart (d->pes) until all are in. */
static int
queue_workspace_endpoints(struct discovery *d, const struct strlist *approved, char **cause)
{
	const char *want = d->t->private_endpoint;
	struct ws_endpoint *e;
	size_t i, picked = 0;
	char *names;

	for (i = 0; i < approved->n; i++) {
		if (want != NULL && ascii_strcasecmp(approved->v[i], want) != 0 &&
		    ascii_strcasecmp(id_name(approved->v[i]), want) != 0)
			continue;
		d->pes = xreallocarray(d->pes, d->npes + 1, sizeof *d->pes);
		e = &d->pes[d->npes];
		e->id = xstrdup(approved->v[i]);
		e->subnet = NULL;
		raw_list_init(&e->pairs);
		d->tag = (long)d->npes++;
		queue_resource(d, F_PE, approved->v[i], "", AZURE_NETWORK_API_VERSION);
		d->tag = -1;
		picked++;
	}
	if (want == NULL || picked > 0)
		return 0;
	d->bad_target = 1;
	names = strlist_join(approved, ", ");
	set_error(cause, "target '%s': private_endpoint = %s names none of the workspace's "
	    "approved private endpoints (%s)", d->t->name, want, approved->n ? names : "none");
	free(names);
	return -1;
}

static int
on_workspace(struct discovery *d, const struct fetch *f, json_t *ws, char **cause)
{
	json_t *conns, *c;
	const char *kind = armjson_str(ws, "kind"), *id = armjson_str(ws, "id"), *guid, *hub, *status, *pe;
	struct strlist approved = STRLIST_INIT;
	size_t i;
	int rc;

	guid = json_string_value(armjson_prop(ws, "workspaceId"));
	if (!azure_id_is_safe(id) || guid == NULL)
		return set_error(cause, "Azure's answer for %s has no id or workspaceId", f->resource);
	if (f->kind == F_WORKSPACE)
		d->target_id = xstrdup(id);
	hub = json_string_value(armjson_prop(ws, "hubResourceId"));
	if (f->kind == F_WORKSPACE && workspace_is_project(kind, hub)) {
		/* Private link lives on the hub: its endpoints serve the project. */
		if (!azure_id_is_safe(hub))
			return set_error(cause, "project workspace %s names no hub (hubResourceId)", id);
		d->is_project = 1;
		d->ws_name = notebooks_name(ws, armjson_str(ws, "name") ? armjson_str(ws, "name") :
		    d->t->workspace, guid);
		d->ws_guid = xstrdup(guid);
		queue_resource(d, F_HUB, hub, "", AZURE_ML_API_VERSION);
		return 0;
	}
	free(d->hub_id);
	d->hub_id = xstrdup(id);
	if (!d->t->no_dependencies)
		queue_dependencies(d, ws);
	/* A workspace without connections has no such key at all. */
	conns = armjson_prop(ws, "privateEndpointConnections");
	json_array_foreach(conns, i, c) {
		pe = json_string_value(armjson_get(armjson_prop(c, "privateEndpoint"), "id"));
		status = json_string_value(armjson_get(armjson_prop(c, "privateLinkServiceConnectionState"), "status"));
		if (!azure_id_is_safe(pe))
			continue;
		if (status != NULL && ascii_strcasecmp(status, "Approved") != 0) {
			strlist_push_nocopy(&d->out->notes, xasprintf("target '%s': private "
			    "endpoint %s is %s, not Approved; left out", d->t->name, pe, status));
			continue;
		}
		if (!strlist_contains(&approved, pe))
			strlist_push(&approved, pe);
	}
	rc = queue_workspace_endpoints(d, &approved, cause);
	strlist_release(&approved);
	if (rc != 0)
		return -1;
	if ((d->want & AZURE_WANT_COMPUTES) && !d->lists_queued)
		queue_resource(d, F_COMPUTES, d->target_id, "/computes", AZURE_ML_API_VERSION);
	if ((d->want & AZURE_WANT_ENDPOINTS) && !d->lists_queued)
		queue_resource(d, F_ENDPOINTS, d->target_id, "/onlineEndpoints", AZURE_ML_API_VERSION);
	if ((d->want & AZURE_WANT_PROJECTS) && kind != NULL && ascii_strcasecmp(kind, "Hub") == 0 &&
	    d->t->subscription != NULL && name_is_safe(d->t->subscription)) {
		char *list = xasprintf("/subscriptions/%s/providers/Microsoft.MachineLearningServices/"
		    "workspaces", d->t->subscription);

		queue_resource(d, F_WORKSPACES, list, "", AZURE_ML_API_VERSION);
		free(list);
	}
	if (d->is_project)
		add_project(d, d->ws_name, d->ws_guid);
	return 0;
}

/* Does a customDnsConfigs list give every name an address? */
static int
dns_configs_complete(json_t *configs)
{
	json_t *c, *ips;
	size_t i;

	if (json_array_size(configs) == 0)
		return 0;
	json_array_foreach(configs, i, c) {
		ips = armjson_get(c, "ipAddresses");
		if (armjson_str(c, "fqdn") == NULL || json_array_size(ips) == 0)
			return 0;
	}
	return 1;
}

static int
add_pairs(struct discovery *d, const struct fetch *f, const struct buf *body, char **cause)
{
	char *what = xasprintf("Azure's answer for %s", f->resource);
	int rc = jsonsrc_parse(body->data, body->len, what,
	    f->pe >= 0 ? &d->pes[f->pe].pairs : &d->out->pairs, cause);

	free(what);
	return rc;
}

static int
on_endpoint(struct discovery *d, const struct fetch *f, json_t *pe, const struct buf *body,
    char **cause)
{
	json_t *nics, *n;
	const char *id;
	size_t i, queued = 0;

	if (f->pe >= 0 && d->pes[f->pe].subnet == NULL) {
		id = armjson_str(armjson_prop(pe, "subnet"), "id");
		d->pes[f->pe].subnet = id != NULL ? xstrdup(id) : NULL;
	}
	if (dns_configs_complete(armjson_prop(pe, "customDnsConfigs")))
		return add_pairs(d, f, body, cause);
	/* The NIC lists every address with its names. */
	nics = armjson_prop(pe, "networkInterfaces");
	d->tag = f->pe;
	json_array_foreach(nics, i, n) {
		id = armjson_str(n, "id");
		if (!azure_id_is_safe(id))
			continue;
		queue_resource(d, F_NIC, id, "", AZURE_NETWORK_API_VERSION);
		queued++;
	}
	d->tag = -1;
	if (queued == 0)
		strlist_push_nocopy(&d->out->notes, xasprintf("target '%s': private endpoint "
		    "%s lists no names and no network interface", d->t->name, f->resource));
	return 0;
}

/* The host of an https:// URL Azure gives (endpointUri, scoringUri) into l,
 * once; 1 when there was one. names_derive validates it. */
static int
push_host(struct strlist *l, const char *url)
{
	size_t n;
	char *host;

	if (url == NULL || strncmp(url, "https://", 8) != 0)
		return 0;
	url += 8;
	n = strcspn(url, "/:?#");
	if (n == 0)
		return 0;
	host = xstrndup(url, n);
	ascii_lower(host);
	if (strlist_contains(l, host))
		free(host);
	else
		strlist_push_nocopy(l, host);
	return 1;
}

static int
on_list(struct discovery *d, const struct fetch *f, json_t *root, char **cause)
{
	json_t *items = armjson_get(root, "value"), *it, *apps, *app;
	const char *name, *type, *kind, *hub, *guid, *id;
	size_t i, j;

	if (!json_is_array(items))
		return set_error(cause, "Azure's answer for %s is not a list", f->resource);
	json_array_foreach(items, i, it) {
		name = armjson_str(it, "name");
		if (name == NULL)
			continue;
		switch (f->kind) {
		case F_COMPUTES:
			type = json_string_value(armjson_prop(it, "computeType"));
			if (type == NULL || ascii_strcasecmp(type, "ComputeInstance") != 0)
				break;
			if (!strlist_contains(&d->out->computes, name))
				strlist_push(&d->out->computes, name);
			/* properties.properties.applications: RStudio and custom
			 * applications have names of their own (<ci>-<port>). */
			apps = armjson_get(armjson_prop(it, "properties"), "applications");
			json_array_foreach(apps, j, app)
				push_host(&d->out->instance_hosts, armjson_str(app, "endpointUri"));
			break;
		case F_ENDPOINTS:
			kind = armjson_str(it, "kind");
			if (kind != NULL && ascii_strcasecmp(kind, "Managed") != 0) {
				/* A Kubernetes endpoint is served by its cluster, not
				 * by the workspace's private endpoint. */
				strlist_push_nocopy(&d->out->notes, xasprintf("target '%s': online "
				    "endpoint '%s' is of kind %s, not Managed: it has no name at the "
				    "workspace's private endpoint; left out", d->t->name, name, kind));
				break;
			}
			if (!push_host(&d->out->endpoint_hosts, json_string_value(armjson_prop(it,
			    "scoringUri"))) && !strlist_contains(&d->out->endpoints, name))
				strlist_push(&d->out->endpoints, name);
			break;
		case F_WORKSPACES:
			id = armjson_str(it, "id");
			hub = json_string_value(armjson_prop(it, "hubResourceId"));
			guid = json_string_value(armjson_prop(it, "workspaceId"));
			/* Any kind: "Project", or "Lean" from older api-versions. */
			if (id && hub && guid && d->hub_id && ascii_strcasecmp(hub, d->hub_id) == 0 &&
			    ascii_strcasecmp(id, d->hub_id) != 0) {
				char *nb = notebooks_name(it, name, guid);

				add_project(d, nb, guid);
				free(nb);
			}
			break;
		default:
			break;
		}
	}
	return follow_next(d, root, f->kind, f->resource, cause);
}

static int
handle(struct discovery *d, const struct fetch *f, const struct buf *body, char **cause)
{
	json_error_t err;
	json_t *root;
	int rc = -1;

	root = json_loadb(body->data ? body->data : "", body->len, 0, &err);
	if (!json_is_object(root)) {
		set_error(cause, "Azure's answer for %s is not a JSON object", f->resource);
		goto out;
	}
	d->dep_ctx = f->dep;
	switch (f->kind) {
	case F_WORKSPACE:
	case F_HUB:
		rc = on_workspace(d, f, root, cause);
		break;
	case F_PE:
		rc = on_endpoint(d, f, root, body, cause);
		break;
	case F_NIC:
		rc = add_pairs(d, f, body, cause);
		break;
	case F_DEP:
		on_dependency(d, f, root);
		rc = 0;
		break;
	default:
		rc = on_list(d, f, root, cause);
		break;
	}
out:
	d->dep_ctx = 0;
	json_decref(root);
	return rc;
}

enum azure_error
azure_session_token(struct azure_session *s, char **cause)
{
	int rc;

	if (s->have_token)
		return AZURE_OK;
	rc = auth_get_token(s->hc, &s->auth, &s->token, cause);
	if (rc != 0) {
		s->bad_config = rc == AUTH_ERR_CONFIG;
		return s->bad_config ? AZURE_BAD_TARGET : AZURE_FAILED;
	}
	s->have_token = 1;
	return AZURE_OK;
}

/* 401 with these codes: a new token may help, once. The code is ARM's
 * error.code, so a message that merely mentions one does not count. */
static int
token_refused(const struct http_request *r)
{
	struct armjson_error e;
	int refused = 0;

	if (r->status != 401)
		return 0;
	armjson_error_decode(r->response.data, r->response.len, &e);
	refused = e.code != NULL && (strcmp(e.code, "ExpiredAuthenticationToken") == 0 ||
	    strcmp(e.code, "InvalidAuthenticationToken") == 0);
	armjson_error_release(&e);
	return refused;
}

static const char *
hint_for(long status)
{
	switch (status) {
	case 401: return " (the token was refused; check the credential)";
	case 403: return " (the identity needs read access: Reader on the workspace's resource "
	    "group, and on the private endpoint's if it lives in another)";
	case 404: return " (check subscription, resource_group and the names in the configuration)";
	case 429: return " (Azure is throttling; try again later)";
	}
	return status >= 500 ? " (Azure failed; try again later)" : "";
}

/*
 * A 403 or 404 on a read that only adds names (computes, online endpoints,
 * a hub's projects, a dependency and what it leads to): a "partial" note
 * naming the scope (and the role that would allow the read), which
 * --strict turns into a failure, and discovery goes on. 1 when it was one.
 */
static int
optional_refused(struct discovery *d, const struct fetch *f, const struct http_request *r)
{
	const char *what;
	char *line;

	if (r->status != 403 && r->status != 404)
		return 0;
	if (f->dep) {
		line = azure_error_line(r->status, r->response.data, r->response.len);
		strlist_push_nocopy(&d->out->partial, deps_unreadable_note(d->t->name,
		    f->resource, line));
		free(line);
		return 1;
	}
	switch (f->kind) {
	case F_COMPUTES: what = "compute instance names not discovered (name them with "
	    "'compute_instances = NAME, ...')"; break;
	case F_ENDPOINTS: what = "online endpoint names not discovered (name them with "
	    "'online_endpoints = NAME, ...')"; break;
	case F_WORKSPACES: what = "projects not discovered (name them with "
	    "'projects = NAME:GUID, ...')"; break;
	default: return 0;
	}
	if (r->status == 403)
		strlist_push_nocopy(&d->out->partial, xasprintf("target '%s': no read on %s (needs "
		    "Reader or AzureML Data Scientist at that scope): %s", d->t->name, f->resource,
		    what));
	else
		strlist_push_nocopy(&d->out->partial, xasprintf("target '%s': Azure has no %s "
		    "(404): %s", d->t->name, f->resource, what));
	return 1;
}

static int
run_round(struct discovery *d, char **cause)
{
	struct fetch *batch = d->q;
	size_t n = d->nq, i;
	struct http_request **reqs = xcalloc(n, sizeof *reqs);
	char *auth = NULL, *line;
	int rc = -1, retried = 0;

	d->q = NULL;
	d->nq = 0;
again:
	if (azure_session_token(d->s, cause) != AZURE_OK)
		goto out;
	auth = xasprintf("Authorization: Bearer %s", d->s->token.token);
	for (i = 0; i < n; i++) {
		http_request_free(reqs[i]);
		reqs[i] = http_request_new("GET", batch[i].url);
		http_request_header(reqs[i], auth);
	}
	secure_wipe(auth, strlen(auth));
	free(auth);
	auth = NULL;
	http_perform(d->s->hc, reqs, n);
	for (i = 0; i < n; i++)
		if (token_refused(reqs[i]) && !d->s->renewed && !retried) {
			auth_token_release(&d->s->token);
			d->s->have_token = 0;
			d->s->renewed = 1;
			retried = 1;
			goto again;
		}
	for (i = 0; i < n; i++) {
		struct http_request *r = reqs[i];

		if (r->error != NULL) {
			set_error(cause, "cannot reach Azure for %s: %s", batch[i].resource, r->error);
			goto out;
		}
		if ((r->status < 200 || r->status > 299) && optional_refused(d, &batch[i], r))
			continue;
		if (r->status < 200 || r->status > 299) {
			line = azure_error_line(r->status, r->response.data, r->response.len);
			set_error(cause, "Azure answered %s for %s%s", line, batch[i].resource,
			    hint_for(r->status));
			free(line);
			goto out;
		}
		if (handle(d, &batch[i], &r->response, cause) != 0)
			goto out;
	}
	rc = 0;
out:
	for (i = 0; i < n; i++) {
		http_request_free(reqs[i]);
		free(batch[i].url);
		free(batch[i].resource);
	}
	free(reqs);
	free(batch);
	return rc;
}

/* Do endpoints a and b give one name different addresses? */
static int
endpoints_disagree(const struct ws_endpoint *a, const struct ws_endpoint *b)
{
	size_t i, j;

	for (i = 0; i < a->pairs.n; i++)
		for (j = 0; j < b->pairs.n; j++)
			if (ascii_strcasecmp(a->pairs.v[i].fqdn, b->pairs.v[j].fqdn) == 0 &&
			    strcmp(a->pairs.v[i].ip, b->pairs.v[j].ip) != 0)
				return 1;
	return 0;
}

/* "myws-pe (VNet vnet-hub, subnet snet-ml: 10.1.0.5, 10.1.0.6)" into b. */
static void
describe_endpoint(struct buf *b, const struct ws_endpoint *e)
{
	const char *sub = e->subnet, *vnet = NULL, *p;
	struct strlist ips = STRLIST_INIT;
	char *list;
	size_t i;

	buf_printf(b, "%s (", id_name(e->id));
	/* .../virtualNetworks/VNET/subnets/SUBNET */
	if (sub != NULL && (p = strstr(sub, "/virtualNetworks/")) != NULL) {
		vnet = p + strlen("/virtualNetworks/");
		p = strchr(vnet, '/');
		buf_printf(b, "VNet %.*s, subnet %s: ", (int)(p ? p - vnet : (long)strlen(vnet)),
		    vnet, id_name(sub));
	}
	for (i = 0; i < e->pairs.n; i++)
		if (!strlist_contains(&ips, e->pairs.v[i].ip))
			strlist_push(&ips, e->pairs.v[i].ip);
	list = strlist_join(&ips, ", ");
	buf_printf(b, "%s)", ips.n > 0 ? list : "no addresses");
	free(list);
	strlist_release(&ips);
}

/*
 * The workspace's endpoints, all in: one (or several that agree) is its
 * answer; several in different networks leave no way to tell which this
 * machine reaches, so the user picks one with private_endpoint.
 */
static int
merge_endpoints(struct discovery *d, char **cause)
{
	struct buf b = BUF_INIT;
	size_t i, j;
	int split = 0;

	for (i = 0; i < d->npes && !split; i++)
		for (j = i + 1; j < d->npes && !split; j++)
			split = endpoints_disagree(&d->pes[i], &d->pes[j]);
	if (split) {
		for (i = 0; i < d->npes; i++) {
			buf_puts(&b, i > 0 ? ", " : "");
			describe_endpoint(&b, &d->pes[i]);
		}
		set_error(cause, "target '%s': the workspace has %zu approved private endpoints "
		    "that give its names different addresses: %s; pick the one this machine "
		    "reaches with the line 'private_endpoint = %s' (or another's name) in "
		    "[workspace %s]", d->t->name, d->npes, b.data, id_name(d->pes[0].id),
		    d->t->name);
		buf_release(&b);
		d->bad_target = 1;
		return -1;
	}
	for (i = 0; i < d->npes; i++)
		for (j = 0; j < d->pes[i].pairs.n; j++)
			raw_list_add(&d->out->pairs, d->pes[i].pairs.v[j].fqdn, d->pes[i].pairs.v[j].ip);
	return 0;
}

enum azure_error
azure_discover(struct azure_session *s, const struct target_conf *t, unsigned want,
    struct azure_found *out, char **cause)
{
	struct discovery d;
	char *id;
	size_t i;
	enum azure_error rc = AZURE_FAILED;
	int rounds = 0;

	memset(&d, 0, sizeof d);
	d.s = s;
	d.t = t;
	d.want = want;
	d.out = out;
	d.tag = -1;
	strlist_init(&d.seen);
	if (t->workspace != NULL) {
		if (!name_is_safe(t->subscription) || !name_is_safe(t->resource_group) ||
		    !name_is_safe(t->workspace)) {
			rc = AZURE_BAD_TARGET;
			set_error(cause, "target '%s': subscription, resource_group and workspace "
			    "must all be set, without '/', '?', '#', '%%', '&' or blanks", t->name);
			goto out;
		}
		id = xasprintf("/subscriptions/%s/resourceGroups/%s/providers/"
		    "Microsoft.MachineLearningServices/workspaces/%s", t->subscription,
		    t->resource_group, t->workspace);
		queue_resource(&d, F_WORKSPACE, id, "", AZURE_ML_API_VERSION);
		/* The lists hang off the same id: ask for them in the same round
		 * rather than after the workspace answers. */
		if (want & AZURE_WANT_COMPUTES)
			queue_resource(&d, F_COMPUTES, id, "/computes", AZURE_ML_API_VERSION);
		if (want & AZURE_WANT_ENDPOINTS)
			queue_resource(&d, F_ENDPOINTS, id, "/onlineEndpoints", AZURE_ML_API_VERSION);
		d.lists_queued = 1;
		free(id);
	}
	for (i = 0; i < t->private_endpoints.n; i++)
		if (queue_endpoint(&d, t->private_endpoints.v[i], cause) != 0) {
			rc = AZURE_BAD_TARGET;
			goto out;
		}
	for (i = 0; i < t->extra_private_endpoints.n; i++)
		if (queue_endpoint(&d, t->extra_private_endpoints.v[i], cause) != 0) {
			rc = AZURE_BAD_TARGET;
			goto out;
		}
	while (d.nq > 0) {
		/* Pages point at pages: a bound keeps a looping nextLink finite. */
		if (++rounds > 64) {
			set_error(cause, "target '%s': Azure's lists do not end (more than 64 "
			    "rounds of nextLink)", t->name);
			goto out;
		}
		if (run_round(&d, cause) != 0) {
			if (s->bad_config || d.bad_target)
				rc = AZURE_BAD_TARGET; /* the user's to fix: exit 2 */
			goto out;
		}
	}
	if (merge_endpoints(&d, cause) != 0) {
		rc = AZURE_BAD_TARGET;
		goto out;
	}
	rc = AZURE_OK;
out:
	for (i = 0; i < d.nq; i++) {
		free(d.q[i].url);
		free(d.q[i].resource);
	}
	free(d.q);
	strlist_release(&d.seen);
	free(d.hub_id);
	free(d.target_id);
	free(d.ws_name);
	free(d.ws_guid);
	for (i = 0; i < d.npes; i++) {
		free(d.pes[i].id);
		free(d.pes[i].subnet);
		raw_list_release(&d.pes[i].pairs);
	}
	free(d.pes);
	return rc;
}
