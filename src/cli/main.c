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
#include "cli/options.h"
#include "cli/output.h"
#include "hosts/hostsfile.h"
#include "base/platform.h"


#define NOPTIONS CLI_NOPTIONS

static const char global_help[] =
    "Global options:\n"
    "  -c, --config FILE      configuration file (default " DEFAULT_CONFIG_FILE ")\n"
    "  -H, --hosts-file FILE  hosts file to manage (default " DEFAULT_HOSTS_FILE ")\n"
    "      --state-dir DIR    backups, journal and lock (default " DEFAULT_STATE_DIR ")\n"
    "  -n, --dry-run          show what would change, change nothing (apply, remove,\n"
    "                         uninstall, rollback)\n"
    "  -q, --quiet            print errors and warnings only\n"
    "  -v, --verbose          say more (repeatable)\n"
    "      --json             machine-readable output (resolve, status, history, plan,\n"
    "                         verify)\n"
    "      --syslog           also log messages to syslog (for cron and timers)\n"
    "      --strict           fail (exit 1, nothing written) when Azure refuses an\n"
    "                         optional read (apply, plan, resolve, verify; the key\n"
    "                         'strict')\n"
    "  -h, --help             show help (after a command: that command's help)\n"
    "  -V, --version          show the version\n";

static const char adhoc_help[] =
    "      --name NAME        an ad-hoc target, without a configuration file\n"
    "      --from-json FILE   its source: az/PowerShell/ARM JSON ('-' reads stdin)\n"
    "      --subscription ID  or from Azure: the workspace's subscription,\n"
    "      --resource-group RG  resource group\n"
    "      --workspace WS     and name\n"
    "      --cloud NAME       its cloud: AzureCloud (default), AzureChinaCloud or\n"
    "                         AzureUSGovernment (the key 'cloud')\n"
    "      --online-endpoint NAME  an online endpoint's name (repeatable, or\n"
    "                         NAME,NAME; the key 'online_endpoints')\n"
    "      --allow-empty      write an empty block if the source lists no names\n"
    "                         (the key 'allow_empty')\n";

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
	    "Run 'amlhosts help COMMAND' (or 'amlhosts COMMAND --help') for a command's\n"
	    "options; see amlhosts(1) and amlhosts.conf(5).\n"
	    "Exit status: 0 ok, 1 failure, 2 usage or input error, 3 plan --exit-code\n"
	    "with changes pending, 4 verify found a problem.\n", global_help, adhoc_help);
}

static const struct cli_option *option_by_val(int val);

static void
usage_cmd(struct buf *f, const struct cmd_entry *e)
{
	/* The ad-hoc options are shown where the option table takes them. */
	int adhoc = cli_option_applies(option_by_val(OPT_NAME), e->name);

	buf_printf(f, "Usage: amlhosts [OPTIONS] %s%s%s\n\n%s\n", e->name,
	    *e->args ? " " : "", e->args, e->summary);
	if (e->options != NULL || adhoc)
		buf_printf(f, "\nOptions:\n%s%s", e->options ? e->options : "",
		    adhoc ? adhoc_help : "");
	buf_printf(f, "\n%s", global_help);
}


/* The optimal string alignment distance (Levenshtein plus the swap of two
 * neighbours, the typo "aplpy"), as git's "did you mean" measures it. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d;
	size_t *prev2 = xcalloc(lb + 1, sizeof *prev2);
	size_t *prev = xcalloc(lb + 1, sizeof *prev);
	size_t *cur = xcalloc(lb + 1, sizeof *cur), *t;

	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			d = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < d)
				d = prev2[j - 2] + 1;
			cur[j] = d;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	d = prev[lb];
	free(prev2);
	free(prev);
	free(cur);
	return d;
}

/* How far word is from candidate: a prefix of two or more letters counts as
 * a near miss ("rem" for remove), which exact matching refuses on purpose;
 * more than 2 edits, or as many as the word has letters, is no suggestion. */
static size_t
suggest_distance(const char *word, const char *cand)
{
	size_t n = strlen(word), d;

	if (n >= 2 && strncmp(cand, word, n) == 0)
		return 1;
	d = edit_distance(word, cand);
	return d <= 2 && d < n ? d : (size_t)-1;
}

/* "; did you mean 'x'?" (or "one of 'x', 'y'"), the closest of cands
 * (prefixed with prefix), appended to out; nothing if none is close. */
static void
suggest(struct buf *out, const char *word, const char *prefix, const char *const *cands,
    size_t n)
{
	size_t i, d, best = (size_t)-1, count = 0;

	for (i = 0; i < n; i++) {
		d = suggest_distance(word, cands[i]);
		if (d < best) {
			best = d;
			count = 0;
		}
		if (d == best)
			count++;
	}
	if (best == (size_t)-1)
		return;
	buf_printf(out, "; did you mean %s", count > 1 ? "one of " : "");
	for (i = 0, count = 0; i < n; i++)
		if (suggest_distance(word, cands[i]) == best)
			buf_printf(out, "%s'%s%s'", count++ ? ", " : "", prefix, cands[i]);
	buf_printf(out, "?");
}

/* The commands that are not in the table: they run before any
 * configuration is read (builtin_command()). */
static const char *const builtin_names[] = { "help", "completion" };
#define NBUILTINS (sizeof builtin_names / sizeof builtin_names[0])

/* The names a user can type as COMMAND: the table's and the built-in ones. */
static size_t
command_names(const char ***out)
{
	size_t n = 0, i;
	const char **v;

	while (cmd_table[n] != NULL)
		n++;
	v = xcalloc(n + NBUILTINS, sizeof *v);
	for (i = 0; i < n; i++)
		v[i] = cmd_table[i]->name;
	for (i = 0; i < NBUILTINS; i++)
		v[n + i] = builtin_names[i];
	*out = v;
	return n + NBUILTINS;
}

/* The help of word, any command a user can type, appended to f ("amlhosts
 * help WORD" and "amlhosts WORD --help" alike): 0, or -1 if it is none. */
static int
command_help(struct buf *f, const char *word)
{
	const struct cmd_entry *e = cmd_find(word);

	if (e != NULL)
		usage_cmd(f, e);
	else if (strcmp(word, "help") == 0)
		usage_all(f);
	else if (strcmp(word, "completion") == 0)
		buf_printf(f, "Usage: amlhosts completion bash|zsh\n\nprint the shell's "
		    "completion script for amlhosts (see amlhosts(1))\n");
	else
		return -1;
	return 0;
}

/* "unknown command 'aply'; did you mean 'apply'?" */
static void
unknown_command(struct cmd_ctx *ctx, const char *word)
{
	struct buf b = BUF_INIT;
	const char **names;
	size_t n = command_names(&names);

	suggest(&b, word, "", names, n);
	cmd_error(ctx, "unknown command '%s'%s%s", word, b.len ? b.data : "",
	    b.len ? "" : "; see 'amlhosts --help'");
	free(names);
	buf_release(&b);
}

static void
unknown_option(struct cmd_ctx *ctx, const char *arg)
{
	struct buf b = BUF_INIT;
	const char *names[NOPTIONS];
	char *word = xstrdup(arg), *eq;
	size_t i;

	if ((eq = strchr(word, '=')) != NULL)
		*eq = '\0';
	for (i = 0; i < NOPTIONS; i++)
		names[i] = cli_options[i].name;
	if (strncmp(word, "--", 2) == 0)
		suggest(&b, word + 2, "--", names, NOPTIONS);
	cmd_error(ctx, "unknown option '%s'%s%s", word, b.len ? b.data : "",
	    b.len ? "" : "; see 'amlhosts --help'");
	free(word);
	buf_release(&b);
}

/* Load the configuration and apply the command line over it. */
static int
setup_config(struct cmd_ctx *ctx, const char *config_path, const char *hosts,
    const char *state_dir, const struct strlist *online, int allow_empty)
{
	struct target_conf *t;
	char *cause = NULL;
	size_t i;
	int must_exist = config_path != NULL;

	config_init(&ctx->conf);
	if (config_load(&ctx->conf, config_path ? config_path : platform_default_config_file(),
	    must_exist, &cause) != 0) {
		cmd_error(ctx, "%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
#ifdef _WIN32
	/* lock_timeout also bounds the wait for a hosts file that another
	 * program holds open (platform_open, platform_replace). */
	platform_set_share_wait(ctx->conf.lock_timeout);
#endif
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
		/* What a section's keys would say, for a target without one. */
		if (ctx->cloud_name != NULL)
			t->cloud = xstrdup(ctx->cloud_name);
		for (i = 0; i < online->n; i++)
			strlist_push(&t->online_endpoints, online->v[i]);
		t->allow_empty = allow_empty;
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

/* getopt_long's table, from cli_options. */
static void
build_long_options(struct option *lo)
{
	size_t i;

	for (i = 0; i < NOPTIONS; i++) {
		lo[i].name = cli_options[i].name;
		lo[i].has_arg = cli_options[i].has_arg;
		lo[i].flag = NULL;
		lo[i].val = cli_options[i].val;
	}
	memset(&lo[NOPTIONS], 0, sizeof lo[NOPTIONS]);
}

static const struct cli_option *
option_by_val(int val)
{
	size_t i;

	for (i = 0; i < NOPTIONS; i++)
		if (cli_options[i].val == val)
			return &cli_options[i];
	return NULL;
}

/* "amlhosts help [COMMAND]" and "amlhosts completion SHELL", which are not
 * in the command table: they run before any configuration is read. rc is
 * set when word is one of them. */
static int
builtin_command(struct cmd_ctx *ctx, const char *word, int argc, char **argv, int *rc)
{
	struct buf text = BUF_INIT;

	if (strcmp(word, "help") == 0) {
		if (argc > 1) {
			cmd_error(ctx, "'help' takes one COMMAND at most");
			*rc = EXIT_USAGE;
			return 1;
		}
		if (command_help(&text, argc == 1 ? argv[0] : "help") != 0) {
			unknown_command(ctx, argv[0]);
			*rc = EXIT_USAGE;
			return 1;
		}
	} else if (strcmp(word, "completion") == 0) {
		if (argc != 1 || completion_script(argv[0], &text) != 0) {
			cmd_error(ctx, "'completion' takes one SHELL: bash or zsh");
			*rc = EXIT_USAGE;
			buf_release(&text);
			return 1;
		}
	} else
		return 0;
	*rc = output_buf(ctx, &text) == 0 ? EXIT_OK : EXIT_FAIL;
	buf_release(&text);
	return 1;
}

int
main(int argc, char **argv)
{
	struct cmd_ctx ctx;
	struct buf text = BUF_INIT;
	const struct cmd_entry *e = NULL;
	const char *config_path = NULL, *hosts = NULL, *state_dir = NULL;
	struct option long_options[NOPTIONS + 1];
	unsigned char given[NOPTIONS];
	struct strlist online = STRLIST_INIT;
	const struct cli_option *o;
	int ch, help = 0, version = 0, rc = EXIT_USAGE, i, allow_empty = 0, strict = 0;
	size_t k;

	memset(&ctx, 0, sizeof ctx);
	strlist_init(&ctx.args);
	ctx.argv0 = argv[0];
	memset(given, 0, sizeof given);
	build_long_options(long_options);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":c:H:nqvhV", long_options, NULL)) != -1) {
		if ((o = option_by_val(ch)) != NULL)
			given[o - cli_options] = 1;
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
		case OPT_EXIT_CODE: ctx.exit_code_opt = 1; break;
		case OPT_FORMAT:
			ctx.used |= CMDOPT_FORMAT;
			if (format_parse(optarg, &ctx.format) != 0) {
				cmd_error(&ctx, "unknown format '%s' (known: %s)", optarg, format_names());
				goto out;
			}
			break;
		case OPT_PURGE: ctx.purge = 1; break;
		case OPT_TO:
			/* A change ID, or an address (forwarders): parsed below,
			 * once the command is known. */
			ctx.used |= CMDOPT_TO;
			ctx.to_text = optarg;
			break;
		case OPT_WHOLE_FILE: ctx.whole_file = 1; break;
		case OPT_IN_PLACE: ctx.in_place = 1; break;
		case OPT_CLOUD: ctx.cloud_name = optarg; break;
		case OPT_ONLINE_ENDPOINT: strlist_split_commas(&online, optarg); break;
		case OPT_ALLOW_EMPTY: allow_empty = 1; break;
		case OPT_STRICT: strict = 1; break;
		case OPT_SERVER: ctx.server = optarg; break;
		case OPT_OUTPUT_DIR: ctx.output_dir = optarg; break;
		case ':':
			cmd_error(&ctx, "option '%s' needs a value", argv[optind - 1]);
			goto out;
		default:
			if (optopt != 0)
				cmd_error(&ctx, "unknown option '-%c'; see 'amlhosts --help'", optopt);
			else
				unknown_option(&ctx, argv[optind - 1]);
			goto out;
		}
	}
	if (version) {
		buf_printf(&text, "amlhosts %s\n", PACKAGE_VERSION);
		output_buf(&ctx, &text);
		rc = EXIT_OK;
		goto out;
	}
	if (optind < argc && !help &&
	    builtin_command(&ctx, argv[optind], argc - optind - 1, argv + optind + 1, &rc))
		goto out;
	if (optind < argc) {
		e = cmd_find(argv[optind]);
		if (e == NULL && help && command_help(&text, argv[optind]) == 0) {
			rc = output_buf(&ctx, &text) == 0 ? EXIT_OK : EXIT_FAIL;
			goto out;
		}
		if (e == NULL) {
			unknown_command(&ctx, argv[optind]);
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
	for (k = 0; k < NOPTIONS; k++)
		if (given[k] && !cli_option_applies(&cli_options[k], e->name)) {
			cmd_error(&ctx, "option --%s does not apply to '%s'; see 'amlhosts %s --help'",
			    cli_options[k].name, e->name, e->name);
			goto out;
		}
	/* forwarders takes --cloud alone; where --name applies, they are parts of
	 * the ad-hoc target's description. */
	if ((online.n > 0 || allow_empty || ctx.cloud_name != NULL) &&
	    cli_option_applies(option_by_val(OPT_NAME), e->name) && !(ctx.used & CMDOPT_ADHOC)) {
		cmd_error(&ctx, "--cloud, --online-endpoint and --allow-empty describe an ad-hoc "
		    "target: give --name with them (a configured target takes 'cloud', "
		    "'online_endpoints' and 'allow_empty' keys in its section)");
		goto out;
	}
	/* The ad-hoc options make a target only where --name applies (discover's
	 * --subscription and --resource-group name where to look). */
	if (!cli_option_applies(option_by_val(OPT_NAME), e->name))
		ctx.used &= ~CMDOPT_ADHOC;
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
	rc = setup_config(&ctx, config_path, hosts, state_dir, &online, allow_empty);
	if (strict)
		ctx.conf.strict = 1; /* --strict over the key 'strict' */
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
	strlist_release(&online);
	return rc;
}
