/*
 * cmd.h - the command line: one struct cmd_entry per command (cmd-*.c), the
 * options they share and the helpers they call. Only files of the command
 * line print or choose exit codes; the core modules return messages.
 */
#ifndef AMLHOSTS_CMD_H
#define AMLHOSTS_CMD_H

#include <stdio.h>

#include "hosts/conf.h"
#include "hosts/entries.h"
#include "hosts/format.h"
#include "state/hostsedit.h"
#include "base/util.h"

/* Exit codes (SPEC 3), documented in amlhosts(1). */
enum exit_code {
	EXIT_OK = 0,       /* success, including "nothing to change" */
	EXIT_FAIL = 1,     /* runtime failure: I/O, lock busy, broken block */
	EXIT_USAGE = 2,    /* usage, configuration or input error */
	EXIT_PENDING = 3,  /* plan --exit-code: changes pending */
	EXIT_PROBLEM = 4,  /* verify found a problem */
};

/* Options a command accepts besides the global ones. */
#define CMDOPT_EXIT_CODE  0x0001u
#define CMDOPT_FORMAT     0x0002u
#define CMDOPT_PURGE      0x0004u
#define CMDOPT_TO         0x0008u
#define CMDOPT_WHOLE_FILE 0x0010u
#define CMDOPT_ADHOC      0x0020u /* --name, --from-json */
#define CMDOPT_IN_PLACE   0x0040u
#define CMDOPT_CLOUD      0x0080u /* forwarders --cloud */
#define CMDOPT_SERVER     0x0100u /* verify --server */
#define CMDOPT_OUTPUT_DIR 0x0200u /* resolve --format bind --output-dir */
#define CMDOPT_LAST       CMDOPT_OUTPUT_DIR /* main.c checks bits up to here */

/* What a command does, checked in one place (main.c, before exec). */
#define CMDF_TARGETS      0x01u /* takes TARGET arguments */
#define CMDF_NEEDS_TARGET 0x02u /* at least one TARGET */
#define CMDF_TO_ADDRESS   0x04u /* --to is a DNS server address, not a change ID */

struct cmd_ctx {
	struct config conf;
	struct strlist args; /* TARGET arguments */
	const char *argv0;
	const char *cmd_name;
	int verbose;
	int quiet;
	int json;
	int dry_run;
	int use_syslog;
	unsigned used;       /* CMDOPT_* given */
	int exit_code_opt;
	enum format format;
	int purge;
	long to_id;
	int whole_file;
	int in_place;
	const char *adhoc_name;
	const char *adhoc_json;
	const char *adhoc_sub;
	const char *adhoc_rg;
	const char *adhoc_ws;
	const char *to_text;    /* --to as given (forwarders: an address) */
	const char *cloud_name; /* --cloud */
	const char *server;     /* --server */
	const char *output_dir; /* --output-dir */
};

struct cmd_entry {
	const char *name;
	const char *args;    /* "[TARGET...]" */
	const char *summary; /* one line for the command list */
	const char *options; /* help text of its own options, or NULL */
	unsigned allowed;    /* CMDOPT_* */
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

/* The table, NULL-terminated; exact names only (remove and rollback are
 * destructive, so no prefix matching). */
extern const struct cmd_entry *const cmd_table[];
const struct cmd_entry *cmd_find(const char *name);

/* Messages: "amlhosts: ..." on stderr, and to syslog with --syslog. */
void cmd_error(struct cmd_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cmd_warn(struct cmd_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cmd_note(struct cmd_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Progress for people on stdout; silent with -q. */
void cmd_info(struct cmd_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cmd_warnings(struct cmd_ctx *ctx, const struct strlist *warnings);

/* The targets a resolving command works on: the ad-hoc one, the named
 * ones, or every configured one. */
struct resolved_set {
	struct resolved_target *v; /* name points into the config */
	struct entry_list *lists;
	size_t n;
};
void resolved_set_release(struct resolved_set *s);
/* Resolve them; returns an exit code (EXIT_OK on success) after printing
 * what went wrong. */
int cmd_resolve_targets(struct cmd_ctx *ctx, struct resolved_set *out);

/* hostsedit options from the configuration and the command line. */
void cmd_hostsedit_opts(struct cmd_ctx *ctx, const char *command,
    const struct strlist *targets, struct hostsedit_opts *o);
/* Report a hostsedit_run() outcome: exit code. */
int cmd_report_edit(struct cmd_ctx *ctx, int rc, char *cause, struct hostsedit_result *r,
    const char *what);
/* Print the unified diff of a change (plan, --dry-run). */
void cmd_print_diff(struct cmd_ctx *ctx, const struct hostsedit_result *r);

/* cmd-apply.c: resolve the targets and write their blocks; with plan set,
 * compute the change only and let cmd_plan_report() (cmd-plan.c) show it. */
int cmd_apply_or_plan(struct cmd_ctx *ctx, int plan);
int cmd_plan_report(struct cmd_ctx *ctx, int rc, char *cause, struct hostsedit_result *r);

/* Write a buffer to stdout; 0 or -1 (the error is reported). */
int cmd_write_stdout(struct cmd_ctx *ctx, const struct buf *b);

#endif
