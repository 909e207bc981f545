/*
 * ctx.h - a run as the command line and the configuration set it up
 * (main.c): the context every command (cmd.h) works from and that output
 * (output.h) prints by, and the exit codes. A header of its own so that
 * output, which the commands call, needs nothing of theirs.
 */
#ifndef AMLHOSTS_CTX_H
#define AMLHOSTS_CTX_H

#include "hosts/conf.h"
#include "hosts/format.h"
#include "base/util.h"

/* Exit codes (SPEC 3), documented in amlhosts(1). */
enum exit_code {
	EXIT_OK = 0,       /* success, including "nothing to change" */
	EXIT_FAIL = 1,     /* runtime failure: I/O, lock busy, broken block */
	EXIT_USAGE = 2,    /* usage, configuration or input error */
	EXIT_PENDING = 3,  /* plan --exit-code: changes pending */
	EXIT_PROBLEM = 4,  /* verify found a problem */
};

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
	int output_failed;      /* a write to standard output failed (output.c) */
};

#endif
