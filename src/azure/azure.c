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
};

void
azure_found_init(struct azure_found *f)
{
	raw_list_init(&f->pairs);
	strlist_init(&f->computes);
	strlist_init(&f->endpoints);
	strlist_init(&f->projects);
	strlist_init(&f->notes);
}

void
azure_found_release(struct azure_found *f)
{
	raw_list_release(&f->pairs);
	strlist_release(&f->computes);
	strlist_release(&f->endpoints);
	strlist_release(&f->projects);
	strlist_release(&f->notes);
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

/* Resource ids come from ARM's answers or the configuration: keep them to
 * characters that cannot change the URL's meaning. */
static int
id_is_safe(const char *id)
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
		if (!id_is_safe(pe))
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
		if (id_is_safe(ids.v[i]))
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
		if (id_is_safe(pes.v[i]))
			queue_resource(d, F_PE, pes.v[i], "", AZURE_NETWORK_API_VERSION);
	strlist_release(&pes);
}

static int
on_workspace(struct discovery *d, const struct fetch *f, json_t *ws, char **cause)
{
	json_t *conns, *c;
	const char *kind = armjson_str(ws, "kind"), *id = armjson_str(ws, "id"), *guid, *hub, *status, *pe;
	size_t i;

	guid = json_string_value(armjson_prop(ws, "workspaceId"));
	if (!id_is_safe(id) || guid == NULL)
		return set_error(cause, "Azure's answer for %s has no id or workspaceId", f->resource);
	if (f->kind == F_WORKSPACE)
		d->target_id = xstrdup(id);
	if (f->kind == F_WORKSPACE && kind != NULL && ascii_strcasecmp(kind, "Project") == 0) {
		/* Private link lives on the hub: its endpoints serve the project. */
		hub = json_string_value(armjson_prop(ws, "hubResourceId"));
		if (!id_is_safe(hub))
			return set_error(cause, "project workspace %s names no hub (hubResourceId)", id);
		d->is_project = 1;
		d->ws_name = xstrdup(armjson_str(ws, "name") ? armjson_str(ws, "name") : d->t->workspace);
		d->ws_guid = xstrdup(guid);
		queue_resource(d, F_HUB, hub, "", AZURE_ML_API_VERSION);
		return 0;
	}
	free(d->hub_id);
	d->hub_id = xstrdup(id);
	if (!d->t->no_dependencies)
		queue_dependencies(d, ws);
	conns = armjson_prop(ws, "privateEndpointConnections");
	json_array_foreach(conns, i, c) {
		pe = json_string_value(armjson_get(armjson_prop(c, "privateEndpoint"), "id"));
		status = json_string_value(armjson_get(armjson_prop(c, "privateLinkServiceConnectionState"), "status"));
		if (!id_is_safe(pe))
			continue;
		if (status != NULL && ascii_strcasecmp(status, "Approved") != 0) {
			strlist_push_nocopy(&d->out->notes, xasprintf("target '%s': private "
			    "endpoint %s is %s, not Approved; left out", d->t->name, pe, status));
			continue;
		}
		queue_resource(d, F_PE, pe, "", AZURE_NETWORK_API_VERSION);
	}
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
	int rc = jsonsrc_parse(body->data, body->len, what, &d->out->pairs, cause);

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

	if (dns_configs_complete(armjson_prop(pe, "customDnsConfigs")))
		return add_pairs(d, f, body, cause);
	/* The NIC lists every address with its names. */
	nics = armjson_prop(pe, "networkInterfaces");
	json_array_foreach(nics, i, n) {
		id = armjson_str(n, "id");
		if (!id_is_safe(id))
			continue;
		queue_resource(d, F_NIC, id, "", AZURE_NETWORK_API_VERSION);
		queued++;
	}
	if (queued == 0)
		strlist_push_nocopy(&d->out->notes, xasprintf("target '%s': private endpoint "
		    "%s lists no names and no network interface", d->t->name, f->resource));
	return 0;
}

static int
on_list(struct discovery *d, const struct fetch *f, json_t *root, char **cause)
{
	json_t *items = armjson_get(root, "value"), *it;
	const char *name, *type, *kind, *hub, *guid;
	size_t i;

	if (!json_is_array(items))
		return set_error(cause, "Azure's answer for %s is not a list", f->resource);
	json_array_foreach(items, i, it) {
		name = armjson_str(it, "name");
		if (name == NULL)
			continue;
		switch (f->kind) {
		case F_COMPUTES:
			type = json_string_value(armjson_prop(it, "computeType"));
			if (type != NULL && ascii_strcasecmp(type, "ComputeInstance") == 0 &&
			    !strlist_contains(&d->out->computes, name))
				strlist_push(&d->out->computes, name);
			break;
		case F_ENDPOINTS:
			if (!strlist_contains(&d->out->endpoints, name))
				strlist_push(&d->out->endpoints, name);
			break;
		case F_WORKSPACES:
			kind = armjson_str(it, "kind");
			hub = json_string_value(armjson_prop(it, "hubResourceId"));
			guid = json_string_value(armjson_prop(it, "workspaceId"));
			if (kind && hub && guid && d->hub_id && ascii_strcasecmp(kind, "Project") == 0 &&
			    ascii_strcasecmp(hub, d->hub_id) == 0)
				add_project(d, name, guid);
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

static int
ensure_token(struct azure_session *s, char **cause)
{
	int rc;

	if (s->have_token)
		return 0;
	rc = auth_get_token(s->hc, &s->auth, &s->token, cause);
	if (rc != 0) {
		s->bad_config = rc == AUTH_ERR_CONFIG;
		return -1;
	}
	s->have_token = 1;
	return 0;
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
	case 403: return " (the identity needs read access: Reader on the resource group is enough)";
	case 404: return " (check subscription, resource_group and the names in the configuration)";
	case 429: return " (Azure is throttling; try again later)";
	}
	return status >= 500 ? " (Azure failed; try again later)" : "";
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
	if (ensure_token(d->s, cause) != 0)
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
		if (r->status < 200 || r->status > 299) {
			line = azure_error_line(r->status, r->response.data, r->response.len);
			if (batch[i].dep && (r->status == 403 || r->status == 404)) {
				strlist_push_nocopy(&d->out->notes, deps_unreadable_note(
				    d->t->name, batch[i].resource, line));
				free(line);
				continue;
			}
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
			if (s->bad_config)
				rc = AZURE_BAD_TARGET; /* the user's to fix: exit 2 */
			goto out;
		}
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
	return rc;
}
