/*
 * dependencies.h - a workspace's own dependencies (SPEC 5.2, issue 13): its
 * storage account, key vault and container registry, whose private endpoints
 * a VPN user needs as much as the workspace's (studio data preview, job
 * snapshots, secrets, image pulls).
 *
 * azure.c does the fetching, in its rounds: the dependencies are asked for
 * with the workspace's private endpoints, their endpoints with the NICs, so
 * they add at most one round (their endpoints' NICs). What is read from
 * each answer is decided here.
 * Every read of a dependency is optional: a refusal is a "partial" note
 * (azure.h), not a failure, unless --strict.
 */
#ifndef AMLHOSTS_DEPENDENCIES_H
#define AMLHOSTS_DEPENDENCIES_H

#include <jansson.h>

#include "base/util.h"

/* Add to ids the ARM ids of workspace ws's dependencies of a known type
 * (single keys, and a hub's storageAccounts/keyVaults arrays), each once. */
void deps_collect(json_t *ws, struct strlist *ids);

/* The api-version to GET a dependency with; NULL for a type not followed. */
const char *deps_api_version(const char *id);

/* From a dependency resource's answer: the ids of its approved private
 * endpoints go to pes; a note to notes for each connection not approved
 * and when none is (its public name is then DNS's to answer). */
void deps_endpoints(json_t *res, const char *target, const char *resource,
    struct strlist *pes, struct strlist *notes);

/* The note for a dependency's read refused or missing (403, 404): line is
 * azure_error_line()'s "403 AuthorizationFailed: ...". */
char *deps_unreadable_note(const char *target, const char *resource, const char *line);

#endif
