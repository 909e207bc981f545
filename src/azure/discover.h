/*
 * discover.h - the workspaces an identity can read that have an approved
 * private endpoint, for "amlhosts discover" (onboarding): ARM's workspace
 * list at subscription or resource group scope, every page (nextLink).
 */
#ifndef AMLHOSTS_DISCOVER_H
#define AMLHOSTS_DISCOVER_H

#include <stddef.h>

#include "azure/azure.h"
#include "base/util.h"

/* Bounds a nextLink that keeps pointing at more pages. */
#define AZURE_LIST_MAX_PAGES 200

struct azure_ws {
	char *name;
	char *resource_group;
	char *location;           /* "" when ARM gives none */
	struct strlist endpoints; /* approved private endpoints' resource ids */
};

struct azure_ws_list {
	struct azure_ws *v;
	size_t n;
	size_t without;           /* listed with no approved endpoint (or unusable) */
};

/* The workspaces of subscription (of resource_group within it when not
 * NULL) with at least one approved private endpoint, in ARM's order.
 * AZURE_BAD_TARGET: a subscription or resource group that is not a name,
 * or a credential configured wrongly; AZURE_FAILED: Azure or the network,
 * with *cause naming the status and scope. */
enum azure_error azure_list_workspaces(struct azure_session *s, const char *subscription,
    const char *resource_group, struct azure_ws_list *out, char **cause);
void azure_ws_list_release(struct azure_ws_list *l);

#endif
