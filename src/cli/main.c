/*
 * main.c - parse the command line, load the configuration and run one
 * command. Everything a command needs arrives in struct cmd_ctx.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_SYSLOG_H
#include <syslog.h>
#endif
#include <unistd.h>

#include <jansson.h>

#include "cli/cmd.h"
#include "cli/output.h"
#include "hosts/hostsfile.h"
#include "base/platform.h"

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
};

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "hosts-file", required_argument, NULL, 'H' },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "syslog", no_argument, NULL, OPT_SYSLOG },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "from-json", required_argument, NULL, OPT_FROM_JSON },
	{ "exit-code", no_argument, NULL, OPT_EXIT_CODE },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "purge", no_argument, NULL, OPT_PURGE },
	{ "to", required_argument, NULL, OPT_TO },
	{ "whole-file", no_argument, NULL, OPT_WHOLE_FILE },
	{ "in-place", no_argument, NULL, OPT_IN_PLACE },
	{ "subscription", required_argument, NULL, OPT_SUBSCRIPTION },
	{ "resource-group", required_argument, NULL, OPT_RESOURCE_GROUP },
	{ "workspace", required_argument, NULL, OPT_WORKSPACE },
	{ "cloud", required_argument, NULL, OPT_CLOUD },
	{ "server", required_argument, NULL, OPT_SERVER },
	{ "output-dir", required_argument, NULL, OPT_OUTPUT_DIR },
	{ NULL, 0, NULL, 0 }
};

static const char global_help[] =
    "Global options:\n"
    "  -c, --config FILE      configuration file (default " DEFAULT_CONFIG_FILE ")\n"
    "  -H, --hosts-file FILE  hosts file to manage (default " DEFAULT_HOSTS_FILE ")\n"
    "      --state-dir DIR    backups, journal and lock (default " DEFAULT_STATE_DIR ")\n"
    "  -n, --dry-run          show what would change, change nothing\n"
    "  -q, --quiet            print errors and warnings only\n"
    "  -v, --verbose          say more (repeatable)\n"
    "      --json             machine-readable output (resolve, status, history, plan,\n"
    "                         verify)\n"
    "      --syslog           also log messages to syslog (for cron and timers)\n"
    "  -h, --help             show help (after a command: that command's help)\n"
    "  -V, --version          show the version\n";

static const char adhoc_help[] =
    "      --name NAME        an ad-hoc target, without a configuration file\n"
    "      --from-json FILE   its source: az/PowerShell/ARM JSON ('-' reads stdin)\n"
    "      --subscription ID  or from Azure: the workspace's subscription,\n"
    "      --resource-group RG  resource group\n"
    "      --workspace WS     and name\n";

/* The help texts, appended to out: --help prints them, a missing command
 * shows the general one on standard error. */
static void
usage_all(struct buf *f)
{
	size_t i;

	buf_printf(f, "Usage: amlhosts [OPTIONS] COMMAND [TARGET...] [OPTIONS]\n\n"
	    "Keep the private-endpoint names of Azure Machine Learning workspaces in a\n"
	    "fenced, restorable block of the hosts file.\n\nCommands:\n");
	for (i = 0; cmd_table[i] != NULL; i++)
		buf_printf(f, "  %-10s %s\n", cmd_table[i]->name, cmd_table[i]->summary);
	buf_printf(f, "\n%s\nAd-hoc target (apply, plan, resolve, verify):\n%s\n"
	    "Run 'amlhosts COMMAND --help' for a command's options; see amlhosts(1)\n"
	    "and amlhosts.conf(5).\n"
	    "Exit status: 0 ok, 1 failure, 2 usage or input error, 3 plan --exit-code\n"
	    "with changes pending, 4 verify found a problem.\n", global_help, adhoc_help);
}

static void
usage_cmd(struct buf *f, const struct cmd_entry *e)
{
	buf_printf(f, "Usage: amlhosts [OPTIONS] %s%s%s\n\n%s\n", e->name,
	    *e->args ? " " : "", e->args, e->summary);
	if (e->options != NULL || (e->allowed & CMDOPT_ADHOC))
		buf_printf(f, "\nOptions:\n%s%s", e->options ? e->options : "",
		    (e->allowed & CMDOPT_ADHOC) ? adhoc_help : "");
	buf_printf(f, "\n%s", global_help);
}

static const char *
option_name(unsigned bit)
{
	switch (bit) {
	case CMDOPT_EXIT_CODE: return "--exit-code";
	case CMDOPT_FORMAT: return "--format";
	case CMDOPT_PURGE: return "--purge";
	case CMDOPT_TO: return "--to";
	case CMDOPT_WHOLE_FILE: return "--whole-file";
	case CMDOPT_ADHOC: return "--name/--from-json/--subscription/--resource-group/--workspace";
	case CMDOPT_IN_PLACE: return "--in-place";
	case CMDOPT_CLOUD: return "--cloud";
	case CMDOPT_SERVER: return "--server";
	case CMDOPT_OUTPUT_DIR: return "--output-dir";
	}
	return "?";
}

/* Load the configuration and apply the command line over it. */
static int
setup_config(struct cmd_ctx *ctx, const char *config_path, const char *hosts,
    const char *state_dir)
{
	struct target_conf *t;
	char *cause = NULL;
	int must_exist = config_path != NULL;

	config_init(&ctx->conf);
	if (config_load(&ctx->conf, config_path ? config_path : platform_default_config_file(),
	    must_exist, &cause) != 0) {
		cmd_error(ctx, "%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (hosts != NULL) {
		free(ctx->conf.hosts_file);
		ctx->conf.hosts_file = xstrdup(hosts);
	}
	if (state_dir != NULL) {
		free(ctx->conf.state_dir);
		ctx->conf.state_dir = xstrdup(state_dir);
	}
	if (ctx->used & CMDOPT_ADHOC) {
		int azure = ctx->adhoc_sub || ctx->adhoc_rg || ctx->adhoc_ws;

		if (ctx->adhoc_name == NULL || (ctx->adhoc_json == NULL && !azure)) {
			cmd_error(ctx, "--name needs a source: --from-json FILE, or "
			    "--subscription, --resource-group and --workspace");
			return EXIT_USAGE;
		}
		if (ctx->adhoc_json != NULL && azure) {
			cmd_error(ctx, "--from-json and the Azure options are two sources; give one");
			return EXIT_USAGE;
		}
		if (azure && (!ctx->adhoc_sub || !ctx->adhoc_rg || !ctx->adhoc_ws)) {
			cmd_error(ctx, "--subscription, --resource-group and --workspace go together");
			return EXIT_USAGE;
		}
		if (!hosts_target_name_valid(ctx->adhoc_name)) {
			cmd_error(ctx, "'%s' is not a valid target name (1-64 letters, digits, "
			    "'.', '_', '-', starting with a letter or digit)", ctx->adhoc_name);
			return EXIT_USAGE;
		}
		if (ctx->args.n > 0) {
			cmd_error(ctx, "--name gives the target; do not name others");
			return EXIT_USAGE;
		}
		if (config_find_target(&ctx->conf, ctx->adhoc_name) != NULL) {
			cmd_error(ctx, "'%s' is also a target in %s; choose another --name",
			    ctx->adhoc_name, ctx->conf.path);
			return EXIT_USAGE;
		}
		t = config_add_target(&ctx->conf, ctx->adhoc_name);
		if (ctx->adhoc_json != NULL)
			t->json_file = xstrdup(ctx->adhoc_json);
		else {
			t->subscription = xstrdup(ctx->adhoc_sub);
			t->resource_group = xstrdup(ctx->adhoc_rg);
			t->workspace = xstrdup(ctx->adhoc_ws);
		}
	}
	return EXIT_OK;
}

/* jansson reports a failed allocation as a syntax error in the text it was
 * parsing, exit 2; through xmalloc it is what it is, out of memory, exit 1. */
static void *
json_xmalloc(size_t n)
{
	return xmalloc(n);
}

/*
 * Libraries that set themselves up on first use do it here, before anything
 * is locked or written. OpenSSL 3 does on the first digest (the SHA-256 of a
 * journal record, in the middle of a change) and may crash, rather than
 * fail, when an allocation fails meanwhile. libcurl is set up by the azure
 * layer, once, when a target first needs Azure (http_client_new), which is
 * before anything is locked.
 */
static void
init_libraries(void)
{
	char digest[65];

	json_set_alloc_funcs(json_xmalloc, free);
	sha256_hex("", 0, digest);
}

static int
parse_id(const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v <= 0)
		return -1;
	*out = v;
	return 0;
}

int
main(int argc, char **argv)
{
	struct cmd_ctx ctx;
	struct buf text = BUF_INIT;
	const struct cmd_entry *e = NULL;
	const char *config_path = NULL, *hosts = NULL, *state_dir = NULL;
	int ch, help = 0, version = 0, rc = EXIT_USAGE, i;
	unsigned bit;

	memset(&ctx, 0, sizeof ctx);
	strlist_init(&ctx.args);
	ctx.argv0 = argv[0];
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":c:H:nqvhV", long_options, NULL)) != -1) {
		switch (ch) {
		case 'c': config_path = optarg; break;
		case 'H': hosts = optarg; break;
		case OPT_STATE_DIR: state_dir = optarg; break;
		case 'n': ctx.dry_run = 1; break;
		case 'q': ctx.quiet = 1; break;
		case 'v': ctx.verbose++; break;
		case OPT_JSON: ctx.json = 1; break;
		case OPT_SYSLOG: ctx.use_syslog = 1; break;
		case 'h': help = 1; break;
		case 'V': version = 1; break;
		case OPT_NAME: ctx.adhoc_name = optarg; ctx.used |= CMDOPT_ADHOC; break;
		case OPT_FROM_JSON: ctx.adhoc_json = optarg; ctx.used |= CMDOPT_ADHOC; break;
		case OPT_SUBSCRIPTION: ctx.adhoc_sub = optarg; ctx.used |= CMDOPT_ADHOC; break;
		case OPT_RESOURCE_GROUP: ctx.adhoc_rg = optarg; ctx.used |= CMDOPT_ADHOC; break;
		case OPT_WORKSPACE: ctx.adhoc_ws = optarg; ctx.used |= CMDOPT_ADHOC; break;
		case OPT_EXIT_CODE: ctx.exit_code_opt = 1; ctx.used |= CMDOPT_EXIT_CODE; break;
		case OPT_FORMAT:
			ctx.used |= CMDOPT_FORMAT;
			if (format_parse(optarg, &ctx.format) != 0) {
				cmd_error(&ctx, "unknown format '%s' (known: %s)", optarg, format_names());
				goto out;
			}
			break;
		case OPT_PURGE: ctx.purge = 1; ctx.used |= CMDOPT_PURGE; break;
		case OPT_TO:
			/* A change ID, or an address (forwarders): parsed below,
			 * once the command is known. */
			ctx.used |= CMDOPT_TO;
			ctx.to_text = optarg;
			break;
		case OPT_WHOLE_FILE: ctx.whole_file = 1; ctx.used |= CMDOPT_WHOLE_FILE; break;
		case OPT_IN_PLACE: ctx.in_place = 1; ctx.used |= CMDOPT_IN_PLACE; break;
		case OPT_CLOUD: ctx.cloud_name = optarg; ctx.used |= CMDOPT_CLOUD; break;
		case OPT_SERVER: ctx.server = optarg; ctx.used |= CMDOPT_SERVER; break;
		case OPT_OUTPUT_DIR: ctx.output_dir = optarg; ctx.used |= CMDOPT_OUTPUT_DIR; break;
		case ':':
			cmd_error(&ctx, "option '%s' needs a value", argv[optind - 1]);
			goto out;
		default:
			if (optopt != 0)
				cmd_error(&ctx, "unknown option '-%c'; see 'amlhosts --help'", optopt);
			else
				cmd_error(&ctx, "unknown option '%s'; see 'amlhosts --help'", argv[optind - 1]);
			goto out;
		}
	}
	if (version) {
		buf_printf(&text, "amlhosts %s\n", PACKAGE_VERSION);
		output_buf(&ctx, &text);
		rc = EXIT_OK;
		goto out;
	}
	if (optind < argc) {
		e = cmd_find(argv[optind]);
		if (e == NULL) {
			cmd_error(&ctx, "unknown command '%s'; see 'amlhosts --help'", argv[optind]);
			goto out;
		}
		for (i = optind + 1; i < argc; i++)
			strlist_push(&ctx.args, argv[i]);
	}
	if (help) {
		if (e != NULL)
			usage_cmd(&text, e);
		else
			usage_all(&text);
		output_buf(&ctx, &text);
		rc = EXIT_OK;
		goto out;
	}
	if (e == NULL) {
		usage_all(&text);
		/* nothing more to say if standard error fails */
		(void)fputs(text.data, stderr);
		goto out;
	}
	for (bit = 1; bit <= CMDOPT_LAST; bit <<= 1)
		if ((ctx.used & bit) && !(e->allowed & bit)) {
			cmd_error(&ctx, "option %s does not apply to '%s'; see 'amlhosts %s --help'",
			    option_name(bit), e->name, e->name);
			goto out;
		}
	if ((ctx.used & CMDOPT_TO) && !(e->flags & CMDF_TO_ADDRESS) &&
	    parse_id(ctx.to_text, &ctx.to_id) != 0) {
		cmd_error(&ctx, "--to takes a change ID from 'amlhosts history', not '%s'", ctx.to_text);
		goto out;
	}
	if (ctx.args.n > 0 && !(e->flags & CMDF_TARGETS)) {
		cmd_error(&ctx, "'%s' takes no TARGET arguments", e->name);
		goto out;
	}
	if ((e->flags & CMDF_NEEDS_TARGET) && ctx.args.n == 0) {
		cmd_error(&ctx, "'%s' needs at least one TARGET; see 'amlhosts %s --help'",
		    e->name, e->name);
		goto out;
	}
	if (ctx.use_syslog) {
		char *why = NULL;

		if (platform_syslog_available(&why) != 0) {
			ctx.use_syslog = 0;
			cmd_error(&ctx, "%s", why);
			free(why);
			goto out;
		}
	}
	ctx.cmd_name = e->name;
	init_libraries();
	if (ctx.use_syslog)
		openlog("amlhosts", LOG_PID, LOG_USER);
	rc = setup_config(&ctx, config_path, hosts, state_dir);
	if (rc == EXIT_OK)
		rc = e->exec(&ctx);
	if (ctx.use_syslog)
		closelog();
out:
	/* A full disk behind "resolve > file" must not look like success. */
	if (output_finish(&ctx) != 0 && rc == EXIT_OK)
		rc = EXIT_FAIL;
	buf_release(&text);
	config_release(&ctx.conf);
	strlist_release(&ctx.args);
	return rc;
}
