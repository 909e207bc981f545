/*
 * dependencies.c - which of a workspace's dependencies to follow and what
 * their answers say. See dependencies.h.
 *
 * The types and the fields read are ARM's: Microsoft.Storage/storageAccounts,
 * Microsoft.KeyVault/vaults and Microsoft.ContainerRegistry/registries all
 * carry properties.privateEndpointConnections[] with
 * properties.privateEndpoint.id and privateLinkServiceConnectionState.status,
 * the shape of a workspace's own connections (AZURE-REST.md).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "azure/armjson.h"
#include "azure/dependencies.h"

struct dep_type {
	const char *type;    /* provider/type, as in the resource id */
	const char *version; /* a stable (GA) api-version of that provider, as
	                      * listed for each type by the REST API reference
	                      * (learn.microsoft.com/rest/api) and Pulumi's
	                      * azure-native "available API versions" */
	const char *what;    /* for notes */
};

static const struct dep_type dep_types[] = {
	{ "Microsoft.Storage/storageAccounts", "2023-05-01", "storage account" },
	{ "Microsoft.KeyVault/vaults", "2023-07-01", "key vault" },
	{ "Microsoft.ContainerRegistry/registries", "2023-07-01", "container registry" },
};

/* The workspace keys naming dependencies: an ordinary workspace has single
 * ids; a hub lists arrays and leaves the single keys null or "". */
static const char *const dep_keys[] = {
	"storageAccount", "keyVault", "containerRegistry", "storageAccounts", "keyVaults",
};

static int
prefix_casecmp(const char *s, const char *prefix)
{
	size_t i;
	char a, b;

	for (i = 0; prefix[i] != '\0'; i++) {
		a = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
		b = prefix[i] >= 'A' && prefix[i] <= 'Z' ? (char)(prefix[i] - 'A' + 'a') : prefix[i];
		if (a != b)
			return 1;
	}
	return 0;
}

/* ARM ids are case-insensitive: ".../providers/microsoft.storage/..." too. */
static const struct dep_type *
type_of(const char *id)
{
	const char *p = NULL, *q;
	size_t i, n;

	for (q = id; (q = strstr(q, "/providers/")) != NULL; q++)
		p = q + strlen("/providers/");
	if (p == NULL)
		return NULL;
	for (i = 0; i < sizeof dep_types / sizeof dep_types[0]; i++) {
		n = strlen(dep_types[i].type);
		if (prefix_casecmp(p, dep_types[i].type) == 0 && p[n] == '/' && p[n + 1] != '\0' &&
		    strchr(p + n + 1, '/') == NULL)
			return &dep_types[i];
	}
	return NULL;
}

static void
add_id(struct strlist *ids, const char *id)
{
	size_t i;

	if (id == NULL || *id == '\0' || type_of(id) == NULL)
		return;
	for (i = 0; i < ids->n; i++)
		if (ascii_strcasecmp(ids->v[i], id) == 0)
			return;
	strlist_push(ids, id);
}

void
deps_collect(json_t *ws, struct strlist *ids)
{
	json_t *v, *item;
	size_t i, j;

	for (i = 0; i < sizeof dep_keys / sizeof dep_keys[0]; i++) {
		v = armjson_prop(ws, dep_keys[i]);
		if (json_is_string(v))
			add_id(ids, json_string_value(v));
		json_array_foreach(v, j, item)
			add_id(ids, json_string_value(item));
	}
}

const char *
deps_api_version(const char *id)
{
	const struct dep_type *t = type_of(id);

	return t != NULL ? t->version : NULL;
}

void
deps_endpoints(json_t *res, const char *target, const char *resource,
    struct strlist *pes, struct strlist *notes)
{
	json_t *conns = armjson_prop(res, "privateEndpointConnections"), *c, *props;
	const char *pe, *status;
	size_t i, before = pes->n;

	json_array_foreach(conns, i, c) {
		props = armjson_get(c, "properties") ? armjson_get(c, "properties") : c;
		pe = json_string_value(armjson_get(armjson_get(props, "privateEndpoint"), "id"));
		status = json_string_value(armjson_get(armjson_get(props,
		    "privateLinkServiceConnectionState"), "status"));
		if (pe == NULL)
			continue;
		/* Only an approved connection carries traffic. */
		if (status != NULL && ascii_strcasecmp(status, "Approved") != 0)
			strlist_push_nocopy(notes, xasprintf("target '%s': private endpoint %s of "
			    "%s is %s, not Approved; left out", target, pe, resource, status));
		else if (!strlist_contains(pes, pe))
			strlist_push(pes, pe);
	}
	if (pes->n == before)
		strlist_push_nocopy(notes, xasprintf("target '%s': the workspace's %s %s has no "
		    "approved private endpoint; its public name is left to DNS", target,
		    type_of(resource) ? type_of(resource)->what : "dependency", resource));
}

char *
deps_unreadable_note(const char *target, const char *resource, const char *line)
{
	const struct dep_type *t = type_of(resource);

	/* The resource is the dependency itself, or its endpoint or NIC. */
	return xasprintf("target '%s': cannot read %s%s %s (%s); its names are left out "
	    "(Reader on it allows the read)", target, t ? "the workspace's " : "",
	    t ? t->what : "a dependency's network resource", resource, line);
}
