/*
 * conf.c - read amlhosts.conf with inih into struct config.
 *
 * The file is read here, not by inih, so its owner and mode can be checked
 * on the descriptor that is read (no race between check and use) and its
 * lines measured: inih cuts lines longer than its buffer silently.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef HAVE_INIH
#include <ini.h>
#endif

#include "hosts/cloud.h"
#include "hosts/conf.h"
#include "hosts/entries.h"
#include "hosts/hostsfile.h"
#include "base/fileread.h"
#include "base/pathtrust.h"
#include "base/runas.h"
#include "base/platform.h"
#include "base/textenc.h"

#define CONF_MAX_BYTES (1024u * 1024)
/* inih's default line buffer is 200 bytes including CR, LF and NUL. */
#define CONF_MAX_LINE 196

void
config_init(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->hosts_file = xstrdup(platform_default_hosts_file());
	c->state_dir = xstrdup(platform_default_state_dir());
	c->keep_backups = 20;
	c->cloud = xstrdup("AzureCloud");
	c->auth = xstrdup("auto");
	c->discovery_user = xstrdup(RUNAS_DEFAULT_USER);
	c->write_mode = WRITE_REPLACE;
	c->lock_timeout = 30;
	c->connect_timeout = 10;
	c->request_timeout = 60;
	strlist_init(&c->allowed_suffixes);
}

static void
target_release(struct target_conf *t)
{
	free(t->name);
	free(t->subscription);
	free(t->resource_group);
	free(t->workspace);
	free(t->json_file);
	free(t->cloud);
	free(t->private_endpoint);
	strlist_release(&t->private_endpoints);
	strlist_release(&t->extra_private_endpoints);
	strlist_release(&t->compute_instances);
	strlist_release(&t->online_endpoints);
	strlist_release(&t->projects);
}

void
config_release(struct config *c)
{
	size_t i;

	free(c->path);
	free(c->hosts_file);
	free(c->state_dir);
	free(c->cloud);
	free(c->auth);
	free(c->tenant_id);
	free(c->client_id);
	free(c->client_secret_file);
	free(c->arm_endpoint);
	free(c->login_endpoint);
	free(c->ca_file);
	free(c->discovery_user);
	strlist_release(&c->allowed_suffixes);
	free(c->allowed_networks);
	for (i = 0; i < c->ntargets; i++)
		target_release(&c->targets[i]);
	free(c->targets);
	memset(c, 0, sizeof *c);
}

struct target_conf *
config_find_target(struct config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->ntargets; i++)
		if (strcmp(c->targets[i].name, name) == 0)
			return &c->targets[i];
	return NULL;
}

struct target_conf *
config_add_target(struct config *c, const char *name)
{
	struct target_conf *t;

	c->targets = xreallocarray(c->targets, c->ntargets + 1, sizeof *c->targets);
	t = &c->targets[c->ntargets++];
	memset(t, 0, sizeof *t);
	t->name = xstrdup(name);
	return t;
}

/* "workspace  NAME" -> "NAME" */
static const char *
section_target(const char *section)
{
	const char *name = section + strlen("workspace ");

	while (*name == ' ')
		name++;
	return name;
}

/* Parser state handed to inih. */
struct parse_ctx {
	struct config *c;
	char *error;           /* first error, without the line prefix */
	struct strlist seen;   /* "section\nkey" of scalar keys already set */
	char *section;         /* last section name seen */
	struct target_conf *target;
};

static int
parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };
	int i;

	for (i = 0; yes[i] != NULL; i++)
		if (ascii_strcasecmp(v, yes[i]) == 0)
			return *out = 1, 0;
	for (i = 0; no[i] != NULL; i++)
		if (ascii_strcasecmp(v, no[i]) == 0)
			return *out = 0, 0;
	return -1;
}

static int
parse_int(const char *v, long min, long max, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < min || n > max)
		return -1;
	*out = (int)n;
	return 0;
}

static int
set_string(char **slot, const char *v)
{
	free(*slot);
	*slot = *v != '\0' ? xstrdup(v) : NULL;
	return 0;
}

static int ctx_error(struct parse_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
ctx_error(struct parse_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->error == NULL) {
		va_start(ap, fmt);
		ctx->error = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return 0; /* tells inih this line failed */
}

/* A yes/no key into *out: 1 (handled), or the error. */
static int
bool_key(struct parse_ctx *ctx, const char *key, const char *v, int *out)
{
	return parse_bool(v, out) == 0 ? 1 :
	    ctx_error(ctx, "'%s' must be yes or no, not '%s'", key, v);
}

/* A scalar key given twice is almost always a mistake worth reporting. */
static int
first_time(struct parse_ctx *ctx, const char *section, const char *key)
{
	char *id = xasprintf("%s\n%s", section, key);

	if (strlist_contains(&ctx->seen, id)) {
		free(id);
		return 0;
	}
	strlist_push_nocopy(&ctx->seen, id);
	return 1;
}

/* A user name as useradd takes it: letters, digits, '.', '_', '-' (not
 * first) and a final '$'; no blanks, nothing a passwd lookup would
 * misread. */
static int
user_name_ok(const char *v)
{
	size_t i, n = strlen(v);

	if (n == 0 || n > 64 || v[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-' ||
		    (ch == '$' && i == n - 1)))
			return 0;
	}
	return 1;
}

static int
global_key(struct parse_ctx *ctx, const char *key, const char *v)
{
	struct config *c = ctx->c;

	if (strcmp(key, "allowed_suffixes") == 0) {
		struct strlist items = STRLIST_INIT;
		char *norm = NULL, *why = NULL;
		size_t i;

		/* A suffix no valid name can end in (a typo, a stray blank) would
		 * pass silently and match nothing; a bare top-level domain ("com")
		 * would let every name in it through. Both are refused. */
		strlist_split_commas(&items, v);
		for (i = 0; i < items.n; i++) {
			const char *s = items.v[i][0] == '.' ? items.v[i] + 1 : items.v[i];

			if (name_normalize(s, 0, &norm, &why) != 0) {
				ctx_error(ctx, "allowed_suffixes: %s", why);
				free(why);
				strlist_release(&items);
				return 0;
			}
			free(norm);
		}
		strlist_release(&items);
		strlist_split_commas(&c->allowed_suffixes, v);
		return 1;
	}
	if (strcmp(key, "allowed_networks") == 0) {
		struct cidr_list nets;
		char *why = NULL, *joined;

		if (cidr_list_parse(v, &nets, &why) != 0) {
			ctx_error(ctx, "allowed_networks: %s", why);
			free(why);
			return 0;
		}
		cidr_list_release(&nets);
		/* A list: continuation lines add to it. */
		joined = c->allowed_networks && *v ?
		    xasprintf("%s, %s", c->allowed_networks, v) : xstrdup(v);
		set_string(&c->allowed_networks, joined);
		free(joined);
		return 1;
	}
	if (!first_time(ctx, "global", key))
		return ctx_error(ctx, "key '%s' in [%s] is set more than once", key, "global");
	if (strcmp(key, "hosts_file") == 0)
		return *v ? set_string(&c->hosts_file, v), 1 :
		    ctx_error(ctx, "'%s' in [%s] must not be empty", key, "global");
	if (strcmp(key, "state_dir") == 0)
		return *v ? set_string(&c->state_dir, v), 1 :
		    ctx_error(ctx, "'%s' in [%s] must not be empty", key, "global");
	if (strcmp(key, "keep_backups") == 0)
		return parse_int(v, 1, 100000, &c->keep_backups) == 0 ? 1 :
		    ctx_error(ctx, "'%s' must be a number from 1 to 100000, not '%s'", key, v);
	if (strcmp(key, "lock_timeout") == 0)
		return parse_int(v, 0, 86400, &c->lock_timeout) == 0 ? 1 :
		    ctx_error(ctx, "'%s' must be a number of seconds from 0 to 86400, not '%s'", key, v);
	if (strcmp(key, "connect_timeout") == 0)
		return parse_int(v, 1, 600, &c->connect_timeout) == 0 ? 1 :
		    ctx_error(ctx, "'%s' must be a number of seconds from 1 to 600, not '%s'", key, v);
	if (strcmp(key, "request_timeout") == 0)
		return parse_int(v, 1, 3600, &c->request_timeout) == 0 ? 1 :
		    ctx_error(ctx, "'%s' must be a number of seconds from 1 to 3600, not '%s'", key, v);
	if (strcmp(key, "cloud") == 0)
		return *v == '\0' || cloud_find(v) != NULL ?
		    (*v ? set_string(&c->cloud, v) : 0), 1 :
		    ctx_error(ctx, "unknown cloud '%s' (known: %s)", v, cloud_names());
	if (strcmp(key, "auth") == 0) {
		if (strcmp(v, "auto") && strcmp(v, "cli") && strcmp(v, "env") &&
		    strcmp(v, "managed-identity") && strcmp(v, "workload-identity"))
			return ctx_error(ctx, "'%s' must be auto, cli, env, managed-identity "
			    "or workload-identity, not '%s'", key, v);
		return set_string(&c->auth, v), 1;
	}
	if (strcmp(key, "tenant_id") == 0)
		return set_string(&c->tenant_id, v), 1;
	if (strcmp(key, "client_id") == 0)
		return set_string(&c->client_id, v), 1;
	if (strcmp(key, "client_secret_file") == 0)
		return set_string(&c->client_secret_file, v), 1;
	/* Tokens and answers that decide a system file travel only over TLS. */
	if (strcmp(key, "arm_endpoint") == 0 || strcmp(key, "login_endpoint") == 0) {
		if (*v != '\0' && (strncmp(v, "https://", 8) != 0 || v[8] == '\0' ||
		    strpbrk(v, " \t?#") != NULL))
			return ctx_error(ctx, "'%s' must be an https:// URL, not '%s'", key, v);
		return set_string(strcmp(key, "arm_endpoint") == 0 ? &c->arm_endpoint :
		    &c->login_endpoint, v), 1;
	}
	if (strcmp(key, "ca_file") == 0)
		return set_string(&c->ca_file, v), 1;
	if (strcmp(key, "discovery_user") == 0)
		return user_name_ok(v) ? set_string(&c->discovery_user, v), 1 :
		    ctx_error(ctx, "'%s' must be a user name, not '%s'", key, v);
	if (strcmp(key, "write_mode") == 0) {
		if (strcmp(v, "replace") == 0)
			c->write_mode = WRITE_REPLACE;
		else if (strcmp(v, "in-place") == 0)
			c->write_mode = WRITE_IN_PLACE;
		else
			return ctx_error(ctx, "'%s' must be replace or in-place, not '%s'", key, v);
		return 1;
	}
	if (strcmp(key, "flush_dns") == 0)
		return bool_key(ctx, key, v, &c->flush_dns);
	if (strcmp(key, "strict") == 0)
		return bool_key(ctx, key, v, &c->strict);
	return ctx_error(ctx, "unknown key '%s' in [%s]", key, "global");
}

static int
target_key(struct parse_ctx *ctx, struct target_conf *t, const char *key, const char *v)
{
	struct strlist *list = NULL;
	char **str = NULL;

	if (strcmp(key, "private_endpoints") == 0)
		list = &t->private_endpoints;
	else if (strcmp(key, "extra_private_endpoints") == 0)
		list = &t->extra_private_endpoints;
	else if (strcmp(key, "compute_instances") == 0)
		list = &t->compute_instances;
	else if (strcmp(key, "online_endpoints") == 0)
		list = &t->online_endpoints;
	else if (strcmp(key, "projects") == 0)
		list = &t->projects;
	if (list != NULL) {
		/* The lists that Azure can fill: "auto" and "none" are whole
		 * values, so "auto, foo" (also by a continuation line or a
		 * repeated key) is an error, not a compute named "auto". */
		int has_words = list == &t->compute_instances ||
		    list == &t->online_endpoints || list == &t->projects;
		size_t i;

		strlist_split_commas(list, v);
		for (i = 0; has_words && list->n > 1 && i < list->n; i++)
			if (strcmp(list->v[i], "auto") == 0 || strcmp(list->v[i], "none") == 0)
				return ctx_error(ctx, "'%s' in '%s' must stand alone, not in a list "
				    "of names", list->v[i], key);
		return 1;
	}
	if (!first_time(ctx, ctx->section, key))
		return ctx_error(ctx, "key '%s' in [%s] is set more than once", key, ctx->section);
	if (strcmp(key, "subscription") == 0)
		str = &t->subscription;
	else if (strcmp(key, "resource_group") == 0)
		str = &t->resource_group;
	else if (strcmp(key, "workspace") == 0)
		str = &t->workspace;
	else if (strcmp(key, "json_file") == 0)
		str = &t->json_file;
	else if (strcmp(key, "cloud") == 0)
		str = &t->cloud;
	else if (strcmp(key, "private_endpoint") == 0)
		str = &t->private_endpoint;
	if (str == &t->cloud && *v != '\0' && cloud_find(v) == NULL)
		return ctx_error(ctx, "unknown cloud '%s' (known: %s)", v, cloud_names());
	if (str != NULL)
		return set_string(str, v), 1;
	if (strcmp(key, "ssh_names") == 0)
		return bool_key(ctx, key, v, &t->ssh_names);
	if (strcmp(key, "allow_empty") == 0)
		return bool_key(ctx, key, v, &t->allow_empty);
	if (strcmp(key, "dependencies") == 0) {
		if (strcmp(v, "auto") != 0 && strcmp(v, "none") != 0)
			return ctx_error(ctx, "'%s' must be auto or none, not '%s'", key, v);
		t->no_dependencies = strcmp(v, "none") == 0;
		return 1;
	}
	return ctx_error(ctx, "unknown key '%s' in [%s]", key, ctx->section);
}

static int
conf_ini_handler(void *user, const char *section, const char *key, const char *value)
{
	struct parse_ctx *ctx = user;

	if (ctx->error != NULL)
		return 0;
	if (ctx->section == NULL || strcmp(ctx->section, section) != 0) {
		free(ctx->section);
		ctx->section = xstrdup(section);
		/* Section headers were checked by check_sections(). */
		ctx->target = strncmp(section, "workspace ", 10) == 0 ?
		    config_find_target(ctx->c, section_target(section)) : NULL;
	}
	if (ctx->target != NULL)
		return target_key(ctx, ctx->target, key, value);
	return global_key(ctx, key, value);
}

/*
 * Check every section header and create the targets, before inih runs: inih
 * only reports key lines, so an empty or misspelt section would otherwise
 * pass unnoticed, and line numbers are exact here. Also refuse lines longer
 * than inih's buffer, which it would silently split in two, and a key
 * before any section.
 */
static int
check_sections(struct config *c, const char *text, const char *path, char **cause)
{
	const char *p, *nl, *s, *close, *eq;
	struct strlist seen = STRLIST_INIT;
	char *section = NULL;
	size_t lineno = 1;
	int rc = -1, header_seen = 0;

	for (p = text; *p != '\0'; p = nl + 1, lineno++) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if ((size_t)(nl - p) > CONF_MAX_LINE) {
			set_error(cause, "%s:%zu: line is longer than %d characters "
			    "(continue long lists on indented lines)", path, lineno, CONF_MAX_LINE);
			goto out;
		}
		for (s = p; s < nl && (*s == ' ' || *s == '\t'); s++)
			;
		/* inih gives a key above the first header the section "": the
		 * page says every key belongs to a section, and a target's key
		 * up there would be read as a global one. A line that opens a
		 * header, even a broken one, ends this (inih reports that).
		 * inih's key ends at the first '=' or ':'. */
		for (eq = s; !header_seen && eq < nl && *eq != '=' && *eq != ':'; eq++)
			;
		if (!header_seen && s < nl && *s != '[' && *s != ';' && *s != '#' && eq < nl) {
			while (eq > s && (eq[-1] == ' ' || eq[-1] == '\t'))
				eq--;
			set_error(cause, "%s:%zu: key '%.*s' comes before any section; put it "
			    "under [global] or a [workspace NAME]", path, lineno, (int)(eq - s), s);
			goto out;
		}
		if (s < nl && *s == '[')
			header_seen = 1;
		if (s < nl && *s == '[' && (close = memchr(s, ']', (size_t)(nl - s))) != NULL) {
			free(section);
			section = xstrndup(s + 1, (size_t)(close - s - 1));
			if (strncmp(section, "workspace ", 10) == 0) {
				if (!hosts_target_name_valid(section_target(section))) {
					set_error(cause, "%s:%zu: [%s]: '%s' is not a valid workspace "
					    "name (letters, digits, '.', '_', '-')", path, lineno,
					    section, section_target(section));
					goto out;
				}
			} else if (strcmp(section, "global") != 0) {
				set_error(cause, "%s:%zu: unknown section [%s]; expected [global] "
				    "or [workspace NAME]", path, lineno, section);
				goto out;
			}
			if (strlist_contains(&seen, section)) {
				set_error(cause, "%s:%zu: section [%s] appears twice", path,
				    lineno, section);
				goto out;
			}
			strlist_push(&seen, section);
			if (strncmp(section, "workspace ", 10) == 0) {
				if (config_find_target(c, section_target(section)) != NULL) {
					set_error(cause, "%s:%zu: [%s] names a target twice", path,
					    lineno, section);
					goto out;
				}
				config_add_target(c, section_target(section))->line = (int)lineno;
			}
		}
		if (*nl == '\0')
			break;
	}
	rc = 0;
out:
	free(section);
	strlist_release(&seen);
	return rc;
}

int
config_parse_string(struct config *c, const char *text, const char *path, char **cause)
{
	struct parse_ctx ctx;
	int line;

	/* A UTF-8 BOM (Windows editors write one) is not part of the first
	 * line, whatever that line is: check_sections() would not see a
	 * section header behind it, though inih skips it. */
	if (text_bom(text, strnlen(text, 3)) == TEXT_BOM_UTF8)
		text += 3;
	if (check_sections(c, text, path, cause) != 0)
		return -1;
	memset(&ctx, 0, sizeof ctx);
	ctx.c = c;
	strlist_init(&ctx.seen);
#ifdef HAVE_INIH
	line = ini_parse_string(text, conf_ini_handler, &ctx);
#else
	/* Built --without-inih (packaging/windows/build-deps when Debian's
	 * libinih source cannot be had): no file is read, none is ignored. */
	(void)conf_ini_handler;
	line = -1;
	ctx.error = xstrdup("this amlhosts was built without inih and cannot read a "
	    "configuration file; name the target with --name and --from-json, "
	    "or --name with --subscription, --resource-group and --workspace");
#endif
	if (line != 0 || ctx.error != NULL) {
		if (line > 0 && ctx.error != NULL)
			set_error(cause, "%s:%d: %s", path, line, ctx.error);
		else if (line > 0)
			set_error(cause, "%s:%d: syntax error (expected [section] or key = value)",
			    path, line);
		else
			set_error(cause, "%s: %s", path, ctx.error ? ctx.error : "cannot parse");
	}
	free(ctx.error);
	free(ctx.section);
	strlist_release(&ctx.seen);
	return (line != 0 || ctx.error != NULL) ? -1 : 0;
}

/*
 * As root, an input file the configuration names decides what goes into a
 * system file as much as the configuration does: json_file lists the
 * addresses, ca_file says whom to believe, client_secret_file whose
 * secret is used. So each must pass the configuration's own rule, and
 * every directory on the way too (a user who may rename a directory may
 * swap the file). Judged by pathtrust's enum, never by its message.
 */
static int
input_trusted(const char *key, const char *target, const char *path, char **cause)
{
	char *why = NULL;
	enum pathtrust t;

	if (path == NULL || *path == '\0' || strcmp(path, "-") == 0)
		return 0;
	/* A file not there yet is judged where it would be created: its
	 * nearest existing directory, as a last component (no sticky-bit
	 * exception: in /tmp anyone could create it after this check). Where
	 * only root can create it, the reader says it is missing. */
	t = pathtrust_check_write(path, 0, &why);
	if (t == PATHTRUST_OK || t == PATHTRUST_MISSING) {
		free(why);
		return 0;
	}
	set_error(cause, "%s '%s'%s%s%s is refused: run as root, amlhosts reads only files "
	    "owned by root and not writable by group or others: %s", key, path,
	    target != NULL ? " of target '" : "", target != NULL ? target : "",
	    target != NULL ? "'" : "", why);
	free(why);
	return -1;
}

static int
inputs_trusted(const struct config *c, char **cause)
{
	size_t i;

	if (geteuid() != 0)
		return 0;
	if (input_trusted("client_secret_file", NULL, c->client_secret_file, cause) != 0 ||
	    input_trusted("ca_file", NULL, c->ca_file, cause) != 0)
		return -1;
	for (i = 0; i < c->ntargets; i++)
		if (input_trusted("json_file", c->targets[i].name, c->targets[i].json_file,
		    cause) != 0)
			return -1;
	return 0;
}

int
config_load(struct config *c, const char *path, int must_exist, char **cause)
{
	struct buf b = BUF_INIT, text = BUF_INIT;
	struct file_info info;
	enum file_read_error kind;
	enum text_bom bom;
	char *why = NULL;
	int rc = -1;

	/* The usual way to say "no configuration file". */
	if (strcmp(path, "/dev/null") == 0)
		return 0;
	/* It decides what goes into a system file: as root, trust only root
	 * (FILE_READ_ROOT_OWNED). */
	if (file_read(path, FILE_READ_REGULAR | FILE_READ_ROOT_OWNED, CONF_MAX_BYTES, &b,
	    &info, &kind, &why) != 0) {
		if (kind != FILE_READ_IO && info.err != 0) {
			/* open(2) failed */
			if (info.err == ENOENT && !must_exist)
				rc = 0;
			else
				set_error(cause, "cannot open configuration '%s': %s", path,
				    strerror(info.err));
		} else if (kind == FILE_READ_NOT_REGULAR)
			set_error(cause, "configuration '%s' is not a regular file", path);
		else if (kind == FILE_READ_UNSAFE_OWNER || kind == FILE_READ_UNSAFE_MODE)
			set_error(cause, "configuration '%s' must be owned by root and not "
			    "writable by group or others", path);
		else
			set_error(cause, "%s", why); /* cannot stat/read, too large */
		goto out;
	}
	/* UTF-16 with a byte order mark is what PowerShell 5.1's Out-File and
	 * redirections write on Windows: transcoded, so that such a file reads
	 * like the same text in UTF-8. Other bytes go to inih as they are. */
	bom = text_bom(b.data, b.len);
	if (bom == TEXT_BOM_UTF16LE || bom == TEXT_BOM_UTF16BE) {
		if (text_to_utf8(b.data, b.len, &text, path, cause) != 0)
			goto out;
		buf_release(&b);
		b = text;
		text = (struct buf)BUF_INIT;
		/* A file of only a BOM leaves no allocation: still a string. */
		buf_putc(&b, '\0');
		b.len--;
	}
	if (memchr(b.data, '\0', b.len) != NULL) {
		set_error(cause, "configuration '%s' holds a NUL byte; is it a text file?", path);
		goto out;
	}
	free(c->path);
	c->path = xstrdup(path);
	rc = config_parse_string(c, b.data, path, cause);
	if (rc == 0)
		rc = inputs_trusted(c, cause);
out:
	free(why);
	buf_release(&b);
	buf_release(&text);
	return rc;
}
