/*
 * azure.h - discover a workspace's names and private addresses from Azure
 * Resource Manager (SPEC 5.2).
 *
 * Discovery runs in rounds; each round's requests go out together:
 *   1. the workspace (and any private endpoints named in the configuration);
 *      for a project, then its hub, whose rounds follow
 *   2. its private endpoints, compute list, online endpoint list, its
 *      dependencies (storage account, key vault, registry; dependencies.h)
 *      and, for a hub, the subscription's workspaces (to find its projects)
 *   3. network interfaces where an endpoint's customDnsConfigs lack names
 *      or addresses, the dependencies' private endpoints, and further pages
 *      (nextLink) of the lists
 *   4. the network interfaces of the dependencies' endpoints
 * so the wall time is a few round trips, whatever the number of resources.
 *
 * An expired or refused token is renewed once. A 403 or 404 on an optional
 * read (computes, online endpoints, a hub's projects, a dependency or its
 * endpoint or NIC) is a "partial" note naming the scope (the caller's
 * --strict makes it a failure); the names that could be read are still
 * found. Any other failure (on the workspace or its private endpoint, a
 * timeout, an empty answer) fails the whole discovery with one line naming
 * the status, ARM's error code and message and the resource: the caller
 * then leaves the hosts file alone.
 *
 * Several approved private endpoints that give the workspace's names
 * different addresses (one per VNet) need the target's private_endpoint to
 * pick one: AZURE_BAD_TARGET names them all otherwise.
 */
#ifndef AMLHOSTS_AZURE_H
#define AMLHOSTS_AZURE_H

#include "azure/auth.h"
#include "hosts/conf.h"
#include "azure/http.h"
#include "hosts/names.h"

#define AZURE_ML_API_VERSION "2025-09-01"
#define AZURE_NETWORK_API_VERSION "2024-05-01"

struct azure_session {
	struct http_client *hc;
	char *arm;                 /* no trailing slash */
	struct auth_opts auth;
	struct auth_token token;   /* fetched on first use */
	int have_token;
	int renewed;
	int bad_config;            /* the token failed by AUTH_ERR_CONFIG */
};

/* What one target's discovery found. */
struct azure_found {
	struct raw_list pairs;      /* names and addresses the endpoints list */
	struct strlist computes;    /* compute instance names (when asked) */
	struct strlist endpoints;   /* online endpoint names (when asked) */
	struct strlist projects;    /* "NAME:GUID" of a hub's projects (when asked) */
	struct strlist instance_hosts; /* compute applications' endpointUri hosts */
	struct strlist endpoint_hosts; /* online endpoints' scoringUri hosts */
	struct strlist notes;
	struct strlist partial;     /* notes on optional reads refused (403/404): --strict fails */
};

void azure_found_init(struct azure_found *f);
void azure_found_release(struct azure_found *f);

/* Which lists to discover: "auto" (or unset) asks Azure. */
#define AZURE_WANT_COMPUTES  0x1u
#define AZURE_WANT_ENDPOINTS 0x2u
#define AZURE_WANT_PROJECTS  0x4u

/* How a discovery ended: the caller maps the kind to an exit code. */
enum azure_error {
	AZURE_OK = 0,
	AZURE_FAILED,     /* Azure, the network or the credential failed */
	AZURE_BAD_TARGET, /* the target's settings are unusable */
};

enum azure_error azure_discover(struct azure_session *s, const struct target_conf *t, unsigned want,
    struct azure_found *out, char **cause);

/* The session's token, fetched on first use: AZURE_BAD_TARGET when the
 * credential's configuration is at fault (AUTH_ERR_CONFIG), else
 * AZURE_FAILED, with *cause. */
enum azure_error azure_session_token(struct azure_session *s, char **cause);

/* Is this a resource id fit to go into an ARM URL: "/" then only letters,
 * digits and "/-_.()", no ".."? Ids come from ARM's answers or the
 * configuration; these characters cannot change the URL's meaning. */
int azure_id_is_safe(const char *id);

/* One line from an ARM error body: "403 AuthorizationFailed: The client ...". */
char *azure_error_line(long status, const char *body, size_t len);

#endif
