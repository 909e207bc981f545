/*
 * conf.h - the configuration file (SPEC 4), read with inih.
 *
 * [global] holds the settings of the tool, each [workspace NAME] section one
 * target. Unknown keys and sections, repeated scalar keys and bad values are
 * errors naming the file, the line and the key. Long lists may continue on
 * indented lines (inih's multi-line values): each continuation adds items.
 *
 * Run as root, the file must be owned by root and not writable by group or
 * others (as doas does), since it decides what goes into a system file; a
 * file that names a secret must not be readable by them either. So must
 * every input file it names (json_file, client_secret_file, ca_file), and
 * every directory on the way to them (base/pathtrust.h): config_load()
 * refuses the configuration otherwise, naming the file and its owner. A
 * file that does not exist yet is judged by the directory it would be
 * created in, which must not be writable by others even when sticky; where
 * only root could create it, the reader reports it missing.
 */
#ifndef AMLHOSTS_CONF_H
#define AMLHOSTS_CONF_H

#include "base/util.h"

enum write_mode { WRITE_REPLACE, WRITE_IN_PLACE };

struct target_conf {
	char *name;
	int line; /* of its section header, for messages */
	char *subscription;
	char *resource_group;
	char *workspace;
	char *json_file;
	char *cloud;      /* NULL: the global one */
	struct strlist private_endpoints;
	struct strlist extra_private_endpoints;
	struct strlist compute_instances; /* "auto" and "none" kept as words */
	struct strlist online_endpoints;
	struct strlist projects;          /* NAME:GUID items, or "auto"/"none" */
	int ssh_names;
	int allow_empty;
	int no_dependencies; /* dependencies = none; 0 (auto) follows them */
	char *private_endpoint; /* NAME or ID: the one of several approved endpoints */
};

struct config {
	char *path; /* NULL when no file was read */
	char *hosts_file;
	char *state_dir;
	int keep_backups;
	char *cloud;
	char *auth;
	char *tenant_id;
	char *client_id;
	char *client_secret_file;
	char *arm_endpoint;
	char *login_endpoint;
	char *ca_file;
	/* Who the Azure helper runs as when amlhosts runs as root and no
	 * sudo, doas or pkexec user is known (base/runas.h); "root" keeps
	 * discovery in root's hands, the last resort. */
	char *discovery_user;
	struct strlist allowed_suffixes;
	char *allowed_networks; /* CIDR list text; NULL: the default */
	enum write_mode write_mode;
	int flush_dns;
	int strict;       /* a partial discovery (an optional read refused) fails */
	int lock_timeout;
	int connect_timeout; /* seconds, Azure requests */
	int request_timeout;
	struct target_conf *targets;
	size_t ntargets;
};

/* Defaults, as if an empty file had been read. */
void config_init(struct config *c);
void config_release(struct config *c);

/* Read path. With must_exist == 0, a missing file leaves the defaults. */
int config_load(struct config *c, const char *path, int must_exist, char **cause);
/* Parse text as if read from path (for tests and for the checks above). */
int config_parse_string(struct config *c, const char *text, const char *path, char **cause);

/* Add an ad-hoc target (from --name/--from-json); returns it. */
struct target_conf *config_add_target(struct config *c, const char *name);
struct target_conf *config_find_target(struct config *c, const char *name);

#endif
