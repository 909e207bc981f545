/*
 * cmd.h - the command line: one struct cmd_entry per command (cmd-*.c), the
 * options they share and the helpers they call. Only files of the command
 * line print or choose exit codes; the core modules return messages.
 */
#ifndef AMLHOSTS_CMD_H
#define AMLHOSTS_CMD_H

#include <stdio.h>

#include "cli/ctx.h"    /* struct cmd_ctx, the exit codes */
#include "cli/output.h" /* messages (cmd_error() ...) and output */
#include "hosts/entries.h"
#include "state/hostsedit.h"

/* Options given (ctx.used) that a command or main.c's checks ask about;
 * which command takes which option is the option table (options.c) alone. */
#define CMDOPT_FORMAT     0x0001u
#define CMDOPT_TO         0x0002u
#define CMDOPT_ADHOC      0x0004u /* --name, --from-json, --subscription.. */

/* What a command does, checked in one place (main.c, before exec). */
#define CMDF_TARGETS      0x01u /* takes TARGET arguments */
#define CMDF_NEEDS_TARGET 0x02u /* at least one TARGET */
#define CMDF_TO_ADDRESS   0x04u /* --to is a DNS server address, not a change ID */

struct cmd_entry {
	const char *name;
	const char *args;    /* "[TARGET...]" */
	const char *summary; /* one line for the command list */
	const char *options; /* help text of its own options, or NULL */
	unsigned flags;      /* CMDF_* */
	int (*exec)(struct cmd_ctx *ctx);
};

extern const struct cmd_entry cmd_apply_entry;
extern const struct cmd_entry cmd_plan_entry;
extern const struct cmd_entry cmd_resolve_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_remove_entry;
extern const struct cmd_entry cmd_uninstall_entry;
extern const struct cmd_entry cmd_rollback_entry;
extern const struct cmd_entry cmd_history_entry;
extern const struct cmd_entry cmd_forwarders_entry;
extern const struct cmd_entry cmd_verify_entry;
extern const struct cmd_entry cmd_discover_entry;

/* The table, NULL-terminated; exact names only (remove and rollback are
 * destructive, so no prefix matching). */
extern const struct cmd_entry *const cmd_table[];
const struct cmd_entry *cmd_find(const char *name);

/* The targets a resolving command works on: the ad-hoc one, the named
 * ones, or every configured one. */
struct resolved_set {
	struct resolved_target *v; /* name points into the config */
	struct entry_list *lists;
	struct entry_list *wild; /* each target's wildcards (v[i].wildcards):
	                          * lists + n, freed with lists */
	size_t n;
};
void resolved_set_release(struct resolved_set *s);
/* Resolve them; returns an exit code (EXIT_OK on success) after printing
 * what went wrong. */
int cmd_resolve_targets(struct cmd_ctx *ctx, struct resolved_set *out);

/* hostsedit options from the configuration and the command line. */
void cmd_hostsedit_opts(struct cmd_ctx *ctx, const char *command,
    const struct strlist *targets, struct hostsedit_opts *o);
/* --syslog: log a change (command, file, change ID, the blocks it changed
 * and their entries), also with -q (changelog.c). */
void cmd_log_change(struct cmd_ctx *ctx, const struct hostsedit_result *r);
/* Report a hostsedit_run() outcome: exit code. */
int cmd_report_edit(struct cmd_ctx *ctx, int rc, char *cause, struct hostsedit_result *r,
    const char *what);
/* The unified diff of a change, appended to out: the file before and
 * "FILE (planned)" after (plan, --dry-run). */
void cmd_diff(struct cmd_ctx *ctx, const struct hostsedit_result *r, struct buf *out);
/* Print it. */
void cmd_print_diff(struct cmd_ctx *ctx, const struct hostsedit_result *r);

/* cmd-apply.c: plan is apply without the write; cmd_plan_report()
 * (cmd-plan.c) shows the change it computed. */
int cmd_plan_exec(struct cmd_ctx *ctx);
int cmd_plan_report(struct cmd_ctx *ctx, int rc, char *cause, struct hostsedit_result *r);

#endif
