/*
 * options.c - the command line's option table: which commands take each
 * option (options.h). main.c parses and checks with it; completion.c and
 * "did you mean" read it.
 */
#include "config.h"

#include <getopt.h>
#include <string.h>

#include "cli/options.h"

/*
 * The options, and which commands take each: NULL for every command. This
 * table is the one place that says so; main() checks it once, before the
 * command runs, so an option that does not apply is exit 2 everywhere
 * instead of being ignored by one command and refused by another. The
 * completions (completion.c) and "did you mean" read it too.
 */
#define ADHOC_COMMANDS "apply plan resolve verify"
#define WRITING_COMMANDS "apply remove uninstall rollback"
const struct cli_option cli_options[] = {
	{ "config", 'c', required_argument, 'c', NULL },
	/* The files are global like -c: an alias or wrapper that names them
	 * ("amlhosts -H scratch --state-dir dir") serves every command. */
	{ "hosts-file", 'H', required_argument, 'H', NULL },
	{ "state-dir", 0, required_argument, OPT_STATE_DIR, NULL },
	{ "dry-run", 'n', no_argument, 'n', WRITING_COMMANDS },
	{ "quiet", 'q', no_argument, 'q', NULL },
	{ "verbose", 'v', no_argument, 'v', NULL },
	{ "json", 0, no_argument, OPT_JSON, "resolve status history plan verify" },
	{ "syslog", 0, no_argument, OPT_SYSLOG, NULL },
	{ "help", 'h', no_argument, 'h', NULL },
	{ "version", 'V', no_argument, 'V', NULL },
	{ "name", 0, required_argument, OPT_NAME, ADHOC_COMMANDS },
	{ "from-json", 0, required_argument, OPT_FROM_JSON, ADHOC_COMMANDS },
	{ "subscription", 0, required_argument, OPT_SUBSCRIPTION, ADHOC_COMMANDS " discover" },
	{ "resource-group", 0, required_argument, OPT_RESOURCE_GROUP, ADHOC_COMMANDS " discover" },
	{ "workspace", 0, required_argument, OPT_WORKSPACE, ADHOC_COMMANDS },
	{ "cloud", 0, required_argument, OPT_CLOUD, ADHOC_COMMANDS " forwarders" },
	{ "online-endpoint", 0, required_argument, OPT_ONLINE_ENDPOINT, ADHOC_COMMANDS },
	{ "allow-empty", 0, no_argument, OPT_ALLOW_EMPTY, ADHOC_COMMANDS },
	{ "strict", 0, no_argument, OPT_STRICT, ADHOC_COMMANDS },
	{ "exit-code", 0, no_argument, OPT_EXIT_CODE, "plan" },
	{ "format", 0, required_argument, OPT_FORMAT, "resolve forwarders" },
	{ "purge", 0, no_argument, OPT_PURGE, "uninstall" },
	{ "to", 0, required_argument, OPT_TO, "rollback forwarders" },
	{ "whole-file", 0, no_argument, OPT_WHOLE_FILE, "rollback" },
	/* Every command that writes: the bind-mount error suggests it to each. */
	{ "in-place", 0, no_argument, OPT_IN_PLACE, WRITING_COMMANDS },
	{ "server", 0, required_argument, OPT_SERVER, "verify" },
	{ "output-dir", 0, required_argument, OPT_OUTPUT_DIR, "resolve" },
	{ NULL, 0, 0, 0, NULL }
};
_Static_assert(sizeof cli_options / sizeof cli_options[0] == CLI_NOPTIONS + 1,
    "CLI_NOPTIONS in options.h counts the options of cli_options");

int
cli_option_applies(const struct cli_option *o, const char *command)
{
	const char *p = o->commands;
	size_t n = strlen(command);

	if (p == NULL)
		return 1;
	while ((p = strstr(p, command)) != NULL) {
		if ((p == o->commands || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}
