/*
 * discover.c - ARM's workspace list for "amlhosts discover" (discover.h).
 *
 * One request per page, one after the other: each page names the next. The
 * list items carry the workspace's privateEndpointConnections (ARM answers
 * a list with the same shape as a GET), so no request per workspace.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "azure/armjson.h"
#include "azure/discover.h"
#include "base/util.h"

/* A subscription id or resource group name, as it goes into a URL path:
 * Azure's resource group names are letters, digits and "._()-". */
static int
segment_ok(const char *s)
{
	size_t n = 0;

	if (s == NULL || s[0] == '\0' || s[0] == '.')
		return 0;
	for (; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
		    (s[n] >= '0' && s[n] <= '9') || strchr("._()-", s[n]) != NULL))
			return 0;
	return n <= 90;
}

/* ARM's workspace name rule: ^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$ (it becomes
 * a section name and a key's value in what discover prints). */
static int
workspace_name_ok(const char *s)
{
	size_t n;

	if (s == NULL || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
	    (s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (n = 1; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
		    (s[n] >= '0' && s[n] <= '9') || s[n] == '_' || s[n] == '-'))
			return 0;
	return n >= 3 && n <= 33;
}

/* A resource id fit to be printed in a configuration line and sent back
 * to ARM. */
static int
resource_id_ok(const char *id)
{
	return azure_id_is_safe(id) && strlen(id) <= 512;
}

/* The resource group an id names ("/subscriptions/S/resourceGroups/RG/..."),
 * new string, or NULL. */
static char *
id_resource_group(const char *id)
{
	static const char key[] = "/resourcegroups/";
	const char *p;
	size_t i;

	for (p = id; *p != '\0'; p++) {
		for (i = 0; key[i] != '\0' && p[i] != '\0' &&
		    (p[i] | 0x20) == key[i]; i++)
			;
		if (key[i] == '\0') {
			p += i;
			return xstrndup(p, strcspn(p, "/"));
		}
	}
	return NULL;
}

/* One list item: kept when it has an approved private endpoint. */
static void
take_workspace(struct azure_ws_list *out, json_t *item)
{
	const char *name = armjson_str(item, "name"), *id = armjson_str(item, "id");
	const char *loc = armjson_str(item, "location"), *pe, *status;
	json_t *conns = armjson_prop(item, "privateEndpointConnections"), *c;
	struct azure_ws w;
	size_t i;

	memset(&w, 0, sizeof w);
	strlist_init(&w.endpoints);
	if (!workspace_name_ok(name) || !resource_id_ok(id)) {
		out->without++;
		return;
	}
	json_array_foreach(conns, i, c) {
		pe = json_string_value(armjson_get(armjson_prop(c, "privateEndpoint"), "id"));
		status = json_string_value(armjson_get(
		    armjson_prop(c, "privateLinkServiceConnectionState"), "status"));
		/* As discovery does: no status is taken for approved. */
		if (resource_id_ok(pe) && (status == NULL || ascii_strcasecmp(status, "Approved") == 0))
			strlist_push(&w.endpoints, pe);
	}
	w.resource_group = id_resource_group(id);
	if (w.endpoints.n == 0 || !segment_ok(w.resource_group)) {
		out->without++;
		free(w.resource_group);
		strlist_release(&w.endpoints);
		return;
	}
	w.name = xstrdup(name);
	w.location = xstrdup(segment_ok(loc) ? loc : "");
	out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
	out->v[out->n++] = w;
}

/* GET one page with the session's token; 0 with *root, or an error kind. */
static enum azure_error
get_page(struct azure_session *s, const char *url, const char *scope, json_t **root, char **cause)
{
	struct http_request *r;
	json_error_t jerr;
	char *h, *line;
	enum azure_error rc;

	*root = NULL;
	rc = azure_session_token(s, cause);
	if (rc != AZURE_OK)
		return rc;
	rc = AZURE_FAILED;
	r = http_request_new("GET", url);
	h = xasprintf("Authorization: Bearer %s", s->token.token);
	http_request_header(r, h);
	secure_wipe(h, strlen(h));
	free(h);
	http_perform(s->hc, &r, 1);
	if (r->error != NULL) {
		set_error(cause, "cannot reach Azure for the workspaces of %s: %s", scope, r->error);
	} else if (r->status < 200 || r->status > 299) {
		line = azure_error_line(r->status, r->response.data, r->response.len);
		set_error(cause, "Azure answered %s for the workspaces of %s%s", line, scope,
		    r->status == 403 ? " (the identity needs Reader there)" : "");
		free(line);
	} else if ((*root = json_loadb(r->response.data ? r->response.data : "", r->response.len,
	    0, &jerr)) == NULL || !json_is_array(json_object_get(*root, "value"))) {
		set_error(cause, "Azure's list of the workspaces of %s is not "
		    "{\"value\": [...]}", scope);
		json_decref(*root);
		*root = NULL;
	} else
		rc = AZURE_OK;
	http_request_free(r);
	return rc;
}

enum azure_error
azure_list_workspaces(struct azure_session *s, const char *subscription,
    const char *resource_group, struct azure_ws_list *out, char **cause)
{
	json_t *root = NULL, *item;
	const char *next;
	char *url, *scope;
	enum azure_error rc = AZURE_OK;
	size_t i, pages = 0;

	memset(out, 0, sizeof *out);
	if (!segment_ok(subscription) || (resource_group != NULL && !segment_ok(resource_group))) {
		set_error(cause, "'%s' is not a %s", !segment_ok(subscription) ? subscription :
		    resource_group, !segment_ok(subscription) ? "subscription id" :
		    "resource group name");
		return AZURE_BAD_TARGET;
	}
	if (resource_group != NULL) {
		scope = xasprintf("resource group %s", resource_group);
		url = xasprintf("%s/subscriptions/%s/resourceGroups/%s/providers/"
		    "Microsoft.MachineLearningServices/workspaces?api-version=%s", s->arm,
		    subscription, resource_group, AZURE_ML_API_VERSION);
	} else {
		scope = xasprintf("subscription %s", subscription);
		url = xasprintf("%s/subscriptions/%s/providers/Microsoft.MachineLearningServices/"
		    "workspaces?api-version=%s", s->arm, subscription, AZURE_ML_API_VERSION);
	}
	while (url != NULL && rc == AZURE_OK) {
		if (++pages > AZURE_LIST_MAX_PAGES) {
			set_error(cause, "Azure's list of the workspaces of %s has more than %d "
			    "pages", scope, AZURE_LIST_MAX_PAGES);
			rc = AZURE_FAILED;
			break;
		}
		rc = get_page(s, url, scope, &root, cause);
		free(url);
		url = NULL;
		if (rc != AZURE_OK)
			break;
		json_array_foreach(json_object_get(root, "value"), i, item)
			take_workspace(out, item);
		next = armjson_str(root, "nextLink");
		if (next != NULL && next[0] != '\0') {
			/* Pages stay on the ARM endpoint (":443" written or not). */
			if (http_url_under(s->arm, next))
				url = xstrdup(next);
			else {
				set_error(cause, "Azure's nextLink for the workspaces of %s leads "
				    "to another host ('%.80s')", scope, next);
				rc = AZURE_FAILED;
			}
		}
		json_decref(root);
		root = NULL;
	}
	free(scope);
	if (rc != AZURE_OK)
		azure_ws_list_release(out);
	return rc;
}

void
azure_ws_list_release(struct azure_ws_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].resource_group);
		free(l->v[i].location);
		strlist_release(&l->v[i].endpoints);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}
