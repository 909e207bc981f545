/*
 * discovery-client.h - run amlhosts-azure, the program that asks Azure, and
 * read its answer. This header is the protocol's contract; both programs
 * follow it (src/helper/amlhosts-azure.c is the other side).
 *
 * Why a second program: the process that locks and rewrites the hosts file
 * (often as root) neither links libcurl nor parses a byte from the network,
 * as git keeps its transports in git-remote-https. It runs the helper only
 * when a target of the run asks Azure, once for all of them, so they share
 * its connections and its token.
 *
 * Finding it: amlhosts-azure beside the running amlhosts (the build tree, the
 * Windows zip) when it exists there, else LIBEXECDIR/amlhosts/amlhosts-azure;
 * never through PATH. As root, the helper and every directory above it must
 * be root's and not writable by others (base/pathtrust), else bad input.
 *
 * Running it: argv is just its name; the environment is an allowlist (what
 * the credential chain reads: discovery_env()); nothing secret is in either.
 *
 * stdin, one JSON object (DISCOVERY_PROTOCOL = 1):
 *   {"protocol": 1, "verbose": N,
 *    "cloud", "auth", "tenant_id", "client_id", "arm_endpoint",
 *    "login_endpoint", "ca_file": string or null,
 *    "connect_timeout", "request_timeout": seconds,
 *    "allowed_suffixes": [string...], "allowed_networks": string or null,
 *    "targets": [{"name", "subscription", "resource_group", "workspace",
 *                 "cloud": string or null, "private_endpoints",
 *                 "extra_private_endpoints", "compute_instances",
 *                 "online_endpoints", "projects": [string...],
 *                 "ssh_names", "allow_empty": bool,
 *                 "dependencies": bool (false: dependencies = none),
 *                 "private_endpoint": string or null}...],
 *    and the secrets this process read, each only when there is one:
 *    "client_secret" (client_secret_file, or systemd's azure-client-secret
 *    credential), "client_secret_error" (why that file could not be read),
 *    "federated_token", "federated_token_error" (AZURE_FEDERATED_TOKEN_FILE),
 *    "ca_pem" (ca_file's bytes)}
 * Given any of them, the helper opens no secret file itself. Under sudo,
 * doas or pkexec, where the environment and the helper are the caller's,
 * the files the environment names (CREDENTIALS_DIRECTORY,
 * AZURE_FEDERATED_TOKEN_FILE) are not read here: the helper reads them
 * with the caller's rights. With a client_secret_file, which is root's,
 * the helper does not run as that caller (base/runas.h: RUNAS_NOT_CALLER).
 *
 * Discover mode ("amlhosts discover"): the request also has "mode":
 * "discover", "subscription" and "resource_group" (string or null), and no
 * targets; stdout is {"amlhosts": 1, "workspaces": [{"name",
 * "resource_group", "location", "private_endpoints": [resource id...]}...],
 * "without_endpoint": N}: the workspaces of that scope the identity can
 * read that have an approved private endpoint (N: those left out). The
 * same stderr lines and exit statuses.
 *
 * stdout: what "amlhosts resolve --format json" prints for the targets,
 * {"amlhosts": 1, "entries": [{"target", "fqdn", "ip"}...]}, at most
 * DISCOVERY_MAX_OUTPUT bytes.
 *
 * stderr: lines "KIND\tFIELD...", which this side prints with its own prefix:
 *   note\tTARGET\tTEXT                  a note about that target
 *   partial\tTARGET\tTEXT               a note that an optional read was refused
 *                                      or missing (403/404): names are missing,
 *                                      so with strict this side fails the run
 *   trace\tTEXT                         an HTTP trace line (-v)
 *   stats\tREQUESTS\tCONNECTIONS\tTOKEN_SOURCE    (-v; source may be empty)
 *   error\tbad-input|failed\tTEXT       why it stopped
 * Any other line is shown as the helper's own words.
 *
 * Exit status: 0 answered; 1 Azure, the network or a credential failed; 2 a
 * target's settings are unusable. 1 maps to SOURCE_FAILED, 2 to
 * SOURCE_BAD_INPUT; a crash, a signal, the time limit (4 x request_timeout
 * per target), too much output or an answer that is not the shape above is
 * SOURCE_FAILED with a message, and nothing is written.
 *
 * What it answers is validated here as a JSON file is (hosts/targetplan:
 * names, suffixes, addresses, networks): a compromised helper can do no more
 * than a hostile JSON file.
 */
#ifndef AMLHOSTS_DISCOVERY_CLIENT_H
#define AMLHOSTS_DISCOVERY_CLIENT_H

#include <stddef.h>

#include "hosts/conf.h"
#include "hosts/names.h"
#include "base/util.h"

#define DISCOVERY_PROTOCOL 1
#define DISCOVERY_HELPER "amlhosts-azure"
#define DISCOVERY_MAX_INPUT (1024u * 1024)       /* what the helper reads */
#define DISCOVERY_MAX_OUTPUT (16u * 1024 * 1024) /* what we read back */
#define DISCOVERY_SECRET_MAX (64u * 1024)        /* a secret file */

/* How a helper run ended; the values are source.h's. */
enum discovery_error { DISCOVERY_OK = 0, DISCOVERY_FAILED = 1, DISCOVERY_BAD_INPUT = 2 };

/* A trace line's consumer (-v): "GET https://... 200 ...". */
typedef void (*discovery_line_fn)(void *arg, const char *line);

struct discovery_result {
	size_t n;                 /* targets asked about */
	struct raw_list *raw;     /* per target: the pairs the helper answered */
	struct strlist *notes;    /* per target */
	size_t *partial;          /* per target: how many of its notes are "partial" */
	int have_stats;
	unsigned long requests, connections;
	char *token_source;       /* NULL if none */
};

/* The helper's path (a new string): beside this program or in libexecdir,
 * judged as described above when running as root. */
enum discovery_error discovery_find_helper(char **path, char **cause);

/* The environment the helper gets: the allowlist above from ours, HOME set
 * to home, and USER and LOGNAME set to user, when the helper runs as
 * another user (user not NULL; home NULL then means "/"); with both NULL,
 * HOME is ours. NULL-terminated; free with discovery_env_free(). */
char **discovery_env(const char *home, const char *user);
void discovery_env_free(char **env);

/* Ask the helper about targets t[0..n-1] (all Azure targets). trace gets the
 * helper's trace lines when verbose. On success r holds, per target, its
 * pairs and notes; otherwise *cause says why (r is still filled as far as
 * it got: the notes of earlier targets). */
enum discovery_error discovery_run(const struct config *c, const struct target_conf *const *t,
    size_t n, int verbose, discovery_line_fn trace, void *trace_arg,
    struct discovery_result *r, char **cause);
void discovery_result_release(struct discovery_result *r);

/* Discover mode, validated here: names, resource groups and ids hold only
 * the characters Azure allows, so that they can be printed as a section. */
struct discovery_workspace {
	char *name;
	char *resource_group;
	char *location;
	struct strlist endpoints; /* approved private endpoints' resource ids */
};

struct discovery_workspaces {
	struct discovery_workspace *v;
	size_t n;
	size_t without;           /* workspaces left out: no approved endpoint */
	int have_stats;
	unsigned long requests, connections;
	char *token_source;       /* NULL if none */
};

enum discovery_error discovery_list_workspaces(const struct config *c, const char *subscription,
    const char *resource_group, int verbose, discovery_line_fn trace, void *trace_arg,
    struct discovery_workspaces *w, char **cause);
void discovery_workspaces_release(struct discovery_workspaces *w);

#endif
