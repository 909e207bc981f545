/*
 * options.h - the command line's option table (options.c), which commands
 * take each option, and the shell completions generated from it and from
 * the command table (completion.c), so that neither can drift from what
 * the binary accepts.
 */
#ifndef AMLHOSTS_OPTIONS_H
#define AMLHOSTS_OPTIONS_H

#include "cli/cmd.h"
#include "base/util.h"

/* getopt_long values of the options without a short form. */
enum {
	OPT_STATE_DIR = 256,
	OPT_JSON,
	OPT_SYSLOG,
	OPT_NAME,
	OPT_FROM_JSON,
	OPT_EXIT_CODE,
	OPT_FORMAT,
	OPT_PURGE,
	OPT_TO,
	OPT_WHOLE_FILE,
	OPT_IN_PLACE,
	OPT_SUBSCRIPTION,
	OPT_RESOURCE_GROUP,
	OPT_WORKSPACE,
	OPT_CLOUD,
	OPT_SERVER,
	OPT_OUTPUT_DIR,
	OPT_ONLINE_ENDPOINT,
	OPT_ALLOW_EMPTY,
	OPT_STRICT,
};

struct cli_option {
	const char *name;     /* long name, without "--" */
	int short_name;       /* 0: none */
	int has_arg;          /* getopt's no_argument / required_argument */
	int val;              /* what getopt_long returns */
	const char *commands; /* space-separated command names; NULL: every one */
};

/* NULL-terminated (name == NULL): CLI_NOPTIONS options, then the end. */
#define CLI_NOPTIONS 27
extern const struct cli_option cli_options[];

/* Whether command takes option o. */
int cli_option_applies(const struct cli_option *o, const char *command);

/* The completion script for shell ("bash" or "zsh"), appended to out:
 * 0, or -1 for another shell. */
int completion_script(const char *shell, struct buf *out);

#endif
