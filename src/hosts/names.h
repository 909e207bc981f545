/*
 * names.h - derivation of the complete set of names a client of an Azure
 * Machine Learning workspace needs, from the (name, address) pairs a source
 * lists (SPEC 2).
 *
 * Sources list what Azure knows: the workspace API name, sometimes its cert
 * name, the notebooks name, an inference wildcard and dependency services.
 * Clients also need the cert name, one name per compute instance (and its
 * -22 SSH name), one per online endpoint and, for hub workspaces, the names
 * of every project. These all live at addresses the source already gives, so
 * they are derived here rather than asked of Azure.
 */
#ifndef AMLHOSTS_NAMES_H
#define AMLHOSTS_NAMES_H

#include "hosts/cloud.h"
#include "hosts/entries.h"
#include "base/util.h"

/* A raw pair as a source lists it: not yet validated. */
struct raw_pair {
	char *fqdn;
	char *ip;
};
struct raw_list {
	struct raw_pair *v;
	size_t n;
	size_t cap;
};
#define RAW_LIST_INIT { NULL, 0, 0 }
void raw_list_init(struct raw_list *l);
void raw_list_release(struct raw_list *l);
void raw_list_add(struct raw_list *l, const char *fqdn, const char *ip);

struct project {
	char *name;
	char *guid; /* lower case */
};

struct derive_opts {
	const struct cloud *cloud;
	struct strlist compute_instances; /* names */
	int ssh_names;                    /* add <instance>-22 names */
	struct strlist online_endpoints;  /* names */
	struct project *projects;
	size_t nprojects;
	const struct strlist *allowed_suffixes; /* may be NULL */
	const struct cidr_list *allowed_networks;
	const char *source;                     /* for messages: file name */
	/* How the user describes the target, so that a message suggests what
	 * they can type: options (--online-endpoint) for a target given on
	 * the command line, keys (online_endpoints = ...) for a section. */
	int adhoc;
	/* online_endpoints = none: the user knows the wildcard is left out. */
	int endpoints_none;
	/* Full names Azure hands out in its own fields, placed like the
	 * derived ones: compute applications' endpointUri hosts
	 * (<ci>-<port>.<region>.<instances>) at the workspace's address,
	 * online endpoints' scoringUri hosts at the inference address. One
	 * that does not fit is left out with a note. */
	struct strlist instance_hosts;
	struct strlist endpoint_hosts;
	/* The pairs come from Azure's discovery: a name outside the known
	 * private-link zones (and allowed_suffixes) is left out with a note
	 * rather than failing the target, since Azure, not the user, chose it. */
	int from_azure;
	/* Where the wildcards no online endpoint name replaced go, so that the
	 * caller can say them once for all targets and DNS-server formats can
	 * write them as wildcard records; NULL: each is left out with a note.
	 * Nothing is added with endpoints_none or with endpoints named. */
	struct entry_list *wildcards;
};
void derive_opts_init(struct derive_opts *o);
void derive_opts_release(struct derive_opts *o);
/* Parse "NAME:GUID, NAME:GUID" into o->projects. */
int derive_parse_projects(struct derive_opts *o, const char *s, char **cause);

/*
 * Validate raw pairs and derive the final, sorted entry list.
 * - names are normalized; a "privatelink" label is removed
 *   (x.privatelink.blob.core.windows.net -> x.blob.core.windows.net);
 * - every name must lie in the cloud's zones or allowed_suffixes, every
 *   address in allowed_networks (prefix lengths are dropped);
 * - the wildcard inference name is expanded with online_endpoints, or
 *   appended to o->wildcards (sorted; when NULL, left out with a note);
 * - the same name at two addresses is an error.
 * Notes for the user (things left out, and why) are appended to notes
 * (which may be NULL).
 * The entries are appended to out, which is then normalized; on error out
 * is left as it was unless the conflict lies between its old and new entries.
 */
int names_derive(const struct raw_list *raw, const struct derive_opts *o,
    struct entry_list *out, struct strlist *notes, char **cause);

/*
 * The notebooks host label "ml-<name>-<region>-<guid>", dropping '_' from
 * the workspace name (as Azure does) and then truncating it so the label
 * fits in 63 characters. Lower case; new string.
 */
char *names_notebooks_label(const char *workspace, const char *region, const char *guid);

/* Find "<guid>.workspace.<region>.<api>" in list; fills new guid/region
 * and returns 0, or returns -1 when the list has no such name. */
int names_find_workspace(const struct entry_list *l, const struct cloud *c,
    char **guid, char **region, struct ipaddr *addr);

#endif
