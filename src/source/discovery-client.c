/*
 * discovery-client.c - run amlhosts-azure and read its answer
 * (discovery-client.h, which describes the protocol).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "hosts/jsonsrc.h"
#include "source/discovery-client.h"
#include "base/pathtrust.h"
#include "base/platform.h" /* Windows: windows.h, after winsock2.h */
#include "base/fileread.h"
#include "base/process.h"
#include "base/quote.h"
#include "base/runas.h"
#include "base/secret.h"
#include "base/util.h"

#ifndef LIBEXECDIR
#define LIBEXECDIR "/usr/local/libexec"
#endif

#ifdef _WIN32
#define HELPER_FILE DISCOVERY_HELPER ".exe"
#else
#define HELPER_FILE DISCOVERY_HELPER
#endif

enum discovery_error
discovery_find_helper(char **path, char **cause)
{
	char *dir = platform_self_dir(), *p = NULL;
	struct stat st;
#ifndef _WIN32
	enum pathtrust trust;
	char *why = NULL;
#endif

	if (dir != NULL) {
		p = xasprintf("%s/%s", dir, HELPER_FILE);
		free(dir);
		if (stat(p, &st) != 0) {
			free(p);
			p = NULL;
		}
	}
	if (p == NULL)
		p = xstrdup(LIBEXECDIR "/amlhosts/" HELPER_FILE);
#ifndef _WIN32
	/* As root, the program we hand secrets to and take names from must
	 * be as safe from other users as the hosts file itself. */
	if (geteuid() == 0 && (trust = pathtrust_check(p, NULL, &why)) != PATHTRUST_OK &&
	    trust != PATHTRUST_MISSING) {

		set_error(cause, "refusing to run the discovery helper: %s", why);
		free(why);
		free(p);
		return DISCOVERY_BAD_INPUT;
	}
	/* (a missing helper is reported when it cannot be run) */
	free(why);
#endif
	*path = p;
	return DISCOVERY_OK;
}

/* What the credential chain and the programs it runs (az, through PATH)
 * read; everything else stays with us. */
static int
env_allowed(const char *kv)
{
	static const char *const exact[] = {
		"IDENTITY_ENDPOINT", "IDENTITY_HEADER", "IMDS_ENDPOINT", "MSI_ENDPOINT",
		"MSI_SECRET", "DEFAULT_IDENTITY_CLIENT_ID", "PATH", "LANG", "TZ",
		"SSL_CERT_FILE", "SSL_CERT_DIR", "http_proxy", "https_proxy", "no_proxy",
		"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "all_proxy", "ALL_PROXY",
		"AZURE_CONFIG_DIR", "SYSTEMROOT", "TEMP", "TMP", "USERPROFILE", NULL,
	};
	size_t i, len = strcspn(kv, "=");

	if (kv[len] != '=')
		return 0;
	if (strncmp(kv, "AZURE_", 6) == 0 || strncmp(kv, "LC_", 3) == 0)
		return 1;
	for (i = 0; exact[i] != NULL; i++)
		if (strlen(exact[i]) == len && strncmp(kv, exact[i], len) == 0)
			return 1;
	return 0;
}

#ifndef _WIN32
extern char **environ; /* (Windows: stdlib.h's) */
#endif

char **
discovery_env(const char *home, const char *user)
{
	struct strlist l = STRLIST_INIT;
	const char *h = home != NULL ? home : user != NULL ? "/" : getenv("HOME");
	char **env;
	size_t i;

	for (i = 0; environ != NULL && environ[i] != NULL; i++)
		if (env_allowed(environ[i]))
			strlist_push(&l, environ[i]);
	if (h != NULL)
		strlist_push_nocopy(&l, xasprintf("HOME=%s", h));
	if (user != NULL) {
		strlist_push_nocopy(&l, xasprintf("USER=%s", user));
		strlist_push_nocopy(&l, xasprintf("LOGNAME=%s", user));
	}
	env = xcalloc(l.n + 1, sizeof *env);
	memcpy(env, l.v, l.n * sizeof *env);
	free(l.v); /* the strings now belong to env */
	return env;
}

void
discovery_env_free(char **env)
{
	size_t i;

	for (i = 0; env != NULL && env[i] != NULL; i++)
		free(env[i]);
	free(env);
}

static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
jlist(const struct strlist *l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

/* The request without its secrets (json_dumps grows its buffer as it goes:
 * nothing secret may pass through it); run_helper() adds the rest. */
static json_t *
request_json(const struct config *c, const struct target_conf *const *t, size_t n, int verbose)
{
	json_t *o = json_object(), *ts = json_array(), *x;
	size_t i;

	json_object_set_new(o, "protocol", json_integer(DISCOVERY_PROTOCOL));
	json_object_set_new(o, "verbose", json_integer(verbose));
	json_object_set_new(o, "cloud", jstr(c->cloud));
	json_object_set_new(o, "auth", jstr(c->auth));
	json_object_set_new(o, "tenant_id", jstr(c->tenant_id));
	json_object_set_new(o, "client_id", jstr(c->client_id));
	json_object_set_new(o, "arm_endpoint", jstr(c->arm_endpoint));
	json_object_set_new(o, "login_endpoint", jstr(c->login_endpoint));
	json_object_set_new(o, "ca_file", jstr(c->ca_file));
	json_object_set_new(o, "connect_timeout", json_integer(c->connect_timeout));
	json_object_set_new(o, "request_timeout", json_integer(c->request_timeout));
	json_object_set_new(o, "allowed_suffixes", jlist(&c->allowed_suffixes));
	json_object_set_new(o, "allowed_networks", jstr(c->allowed_networks));
	for (i = 0; i < n; i++) {
		x = json_object();
		json_object_set_new(x, "name", jstr(t[i]->name));
		json_object_set_new(x, "subscription", jstr(t[i]->subscription));
		json_object_set_new(x, "resource_group", jstr(t[i]->resource_group));
		json_object_set_new(x, "workspace", jstr(t[i]->workspace));
		json_object_set_new(x, "cloud", jstr(t[i]->cloud));
		json_object_set_new(x, "private_endpoints", jlist(&t[i]->private_endpoints));
		json_object_set_new(x, "extra_private_endpoints",
		    jlist(&t[i]->extra_private_endpoints));
		json_object_set_new(x, "compute_instances", jlist(&t[i]->compute_instances));
		json_object_set_new(x, "online_endpoints", jlist(&t[i]->online_endpoints));
		json_object_set_new(x, "projects", jlist(&t[i]->projects));
		json_object_set_new(x, "ssh_names", json_boolean(t[i]->ssh_names));
		json_object_set_new(x, "dependencies", json_boolean(!t[i]->no_dependencies));
		/* hints name options for a command-line target, keys otherwise */
		json_object_set_new(x, "adhoc", json_boolean(t[i]->line == 0));
		json_object_set_new(x, "allow_empty", json_boolean(t[i]->allow_empty));
		json_object_set_new(x, "private_endpoint", jstr(t[i]->private_endpoint));
		json_array_append_new(ts, x);
	}
	json_object_set_new(o, "targets", ts);
	return o;
}

/* A message as a JSON string: one that is not UTF-8 (a path's bytes) is
 * quoted, which makes it so, rather than dropped. */
static json_t *
jmessage(const char *s)
{
	json_t *v = json_string(s);
	char *q;

	if (v != NULL)
		return v;
	q = quote_str(s);
	v = json_string(q);
	free(q);
	return v;
}

/* The secrets, read here so that the helper (perhaps another user) opens
 * none: key, value pairs, each value a secret_read_file() buffer. A value
 * that could not be read becomes the request's member KEY_error with the
 * reason instead (no secret: it goes through json_dumps). */
struct secrets {
	const char *key[2];
	char *val[2];
	size_t n;
	/* client_secret_file named wrongly (missing, mode or owner unsafe):
	 * the configuration's fault, exit 2 before any helper runs. */
	char *bad_config;
};

static void
secret_add(struct secrets *s, json_t *req, const char *key, const char *path, int owner_only)
{
	char *v = NULL, *why = NULL;
	int rc;

	rc = secret_read_file(path, DISCOVERY_SECRET_MAX, owner_only, &v, &why);
	if (rc == SECRET_BAD_CONFIG && strcmp(key, "client_secret") == 0 && owner_only) {
		s->bad_config = xasprintf("client_secret_file: %s", why);
		free(why);
		return;
	}
	if (rc == 0) {
		s->key[s->n] = key;
		s->val[s->n++] = v;
	} else {
		json_object_set_new(req, strcmp(key, "client_secret") == 0 ?
		    "client_secret_error" : "federated_token_error", jmessage(why));
		free(why);
	}
}

/* as: who the helper runs as (runas_pick()). */
static void
secrets_read(const struct config *c, const struct process_user *as, struct secrets *s,
    json_t *req)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY"), *fed = getenv("AZURE_FEDERATED_TOKEN_FILE");
	struct stat st;
	char *path;

	memset(s, 0, sizeof *s);
	/* Under sudo, doas or pkexec the environment is the caller's (sudo -E,
	 * env_keep), and so is the helper: a file the environment names is
	 * the helper's to open with the caller's rights (it does, given none),
	 * never root's to open on the caller's say and hand over. */
	if (as->how == RUNAS_SUDO || as->how == RUNAS_DOAS || as->how == RUNAS_PKEXEC)
		dir = fed = NULL;
	if (c->client_secret_file != NULL && c->client_secret_file[0] != '\0') {
		secret_add(s, req, "client_secret", c->client_secret_file, 1);
	} else if (dir != NULL && dir[0] != '\0') {
		/* systemd's LoadCredential=: the directory is private to the
		 * service and systemd chooses the mode, so no mode check. */
		path = xasprintf("%s/azure-client-secret", dir);
		if (stat(path, &st) == 0)
			secret_add(s, req, "client_secret", path, 0);
		free(path);
	}
	if (fed != NULL && fed[0] != '\0')
		secret_add(s, req, "federated_token", fed, 0);
}

static void
secrets_release(struct secrets *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		secret_free(s->val[i], DISCOVERY_SECRET_MAX);
	free(s->bad_config);
	memset(s, 0, sizeof *s);
}

/* A JSON string's body for s, written at out (when not NULL); returns its
 * length, so the caller can size the buffer first. */
static size_t
json_escape(const char *s, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	unsigned char ch;

	for (; *s != '\0'; s++) {
		ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\') {
			if (out) {
				out[n] = '\\';
				out[n + 1] = (char)ch;
			}
			n += 2;
		} else if (ch < 0x20) {
			if (out) {
				memcpy(out + n, "\\u00", 4);
				out[n + 4] = hex[ch >> 4];
				out[n + 5] = hex[ch & 15];
			}
			n += 6;
		} else {
			if (out)
				out[n] = (char)ch;
			n++;
		}
	}
	return n;
}

/* The whole request: text (which ends in '}') with the secrets added as
 * members, in one buffer sized in advance and wiped by the caller. */
static char *
request_with_secrets(const char *text, const struct secrets *s, size_t *len)
{
	size_t base = strlen(text) - 1, n = base, i, at;
	char *out;

	for (i = 0; i < s->n; i++)
		n += strlen(s->key[i]) + json_escape(s->val[i], NULL) + 6; /* ,"k":"v" */
	out = xmalloc(n + 2);
	memcpy(out, text, base);
	at = base;
	for (i = 0; i < s->n; i++) {
		at += (size_t)sprintf(out + at, ",\"%s\":\"", s->key[i]);
		at += json_escape(s->val[i], out + at);
		out[at++] = '"';
	}
	out[at++] = '}';
	out[at] = '\0';
	*len = at;
	return out;
}

/* Split the helper's stdout by target into r->raw, each part read by
 * jsonsrc_parse as a "resolve --format json" file would be. */
static int
split_answer(const struct buf *out, const struct target_conf *const *t, size_t n,
    struct discovery_result *r, char **cause)
{
	json_t *root, *entries, *e, *name, **parts;
	json_error_t jerr;
	size_t i, k;
	char *text, *why = NULL;
	int rc = -1;

	root = json_loadb(out->data ? out->data : "", out->len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return set_error(cause, "the discovery helper's answer is not JSON: %s "
		    "(line %d)", jerr.text, jerr.line);
	entries = json_object_get(root, "entries");
	if (!json_is_object(root) || json_integer_value(json_object_get(root, "amlhosts")) != 1 ||
	    !json_is_array(entries)) {
		json_decref(root);
		return set_error(cause, "the discovery helper's answer is not "
		    "{\"amlhosts\": 1, \"entries\": [...]}");
	}
	parts = xcalloc(n, sizeof *parts);
	for (i = 0; i < n; i++)
		parts[i] = json_array();
	json_array_foreach(entries, k, e) {
		name = json_object_get(e, "target");
		for (i = 0; json_is_string(name) && i < n; i++)
			if (strcmp(json_string_value(name), t[i]->name) == 0)
				break;
		if (!json_is_string(name) || i == n) {
			set_error(cause, "the discovery helper answered for a target it was "
			    "not asked about");
			goto out;
		}
		json_array_append(parts[i], e);
	}
	for (i = 0; i < n; i++) {
		json_t *one = json_pack("{s:i, s:O}", "amlhosts", 1, "entries", parts[i]);

		text = one != NULL ? json_dumps(one, JSON_COMPACT) : NULL;
		json_decref(one);
		if (text == NULL)
			out_of_memory();
		if (jsonsrc_parse(text, strlen(text), "the discovery helper's answer",
		    &r->raw[i], &why) != 0) {
			free(text);
			set_error(cause, "%s", why);
			goto out;
		}
		free(text);
	}
	rc = 0;
out:
	free(why);
	for (i = 0; i < n; i++)
		json_decref(parts[i]);
	free(parts);
	json_decref(root);
	return rc;
}

/* Its stderr, line by line (protocol above). The last error line's text
 * goes to *err_text. */
static void
read_lines(struct buf *errout, const struct target_conf *const *t, size_t n,
    discovery_line_fn trace, void *trace_arg, struct discovery_result *r, char **err_text)
{
	char *p = errout->data, *nl, *f[4];
	size_t i, nf;

	if (p == NULL)
		return;
	for (; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p) - 1; /* a last line cut short: still shown */
		else
			*nl = '\0';
		for (nf = 0, f[0] = p; nf < 3 && (f[nf + 1] = strchr(f[nf], '\t')) != NULL; nf++)
			*f[nf + 1]++ = '\0';
		nf++;
		if ((strcmp(f[0], "note") == 0 || strcmp(f[0], "partial") == 0) && nf == 3) {
			for (i = 0; i < n && strcmp(t[i]->name, f[1]) != 0; i++)
				;
			if (i < n) {
				strlist_push(&r->notes[i], f[2]);
				if (f[0][0] == 'p')
					r->partial[i]++;
				continue;
			}
		} else if (strcmp(f[0], "trace") == 0 && nf == 2) {
			if (trace != NULL)
				trace(trace_arg, f[1]);
			continue;
		} else if (strcmp(f[0], "stats") == 0 && nf == 4) {
			r->have_stats = 1;
			r->requests = strtoul(f[1], NULL, 10);
			r->connections = strtoul(f[2], NULL, 10);
			free(r->token_source);
			r->token_source = f[3][0] != '\0' ? xstrdup(f[3]) : NULL;
			continue;
		} else if (strcmp(f[0], "error") == 0 && nf == 3) {
			free(*err_text);
			*err_text = xstrdup(f[2]);
			continue;
		}
		/* Anything else: the helper's own words (a crash report, say),
		 * put back together and shown with the first note. */
		for (i = 1; i < nf; i++)
			f[i][-1] = ' ';
		if (n > 0)
			strlist_push_nocopy(&r->notes[0], xasprintf(DISCOVERY_HELPER ": %s", p));
	}
}

/* The helper, opened by us: a child that has switched to another user runs
 * it through this descriptor, so a build tree the user cannot reach (under
 * /root) still works, and what runs is the file we checked. Only for a
 * binary (ELF): a script cannot be run from a close-on-exec descriptor, so
 * a script (the tests' stand-ins) is run by its path as before. */
static int
helper_fd(const char *path, int *fd)
{
#ifdef _WIN32
	(void)path;
	(void)fd;
	return 0;
#else
	unsigned char magic[4];

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return 0;
	if (pread(*fd, magic, sizeof magic, 0) == (ssize_t)sizeof magic &&
	    memcmp(magic, "\177ELF", 4) == 0)
		return 1;
	close(*fd);
	*fd = -1;
	return 0;
#endif
}

/* ca_file's bytes, carried in the request as "ca_pem" (the helper opens no
 * file of ours): a PEM bundle is text, 1 MiB is plenty. A file the
 * configuration names but we cannot read is the configuration's fault. */
static int
ca_add(const struct config *c, json_t *req, char **cause)
{
	struct buf b = BUF_INIT;
	struct file_info info;
	enum file_read_error kind;
	char *why = NULL;
	json_t *pem;

	if (c->ca_file == NULL || c->ca_file[0] == '\0')
		return 0;
	if (file_read(c->ca_file, FILE_READ_REGULAR, 1024 * 1024, &b, &info, &kind, &why) != 0) {
		set_error(cause, "ca_file: %s", why != NULL ? why : c->ca_file);
		free(why);
		buf_release(&b);
		return -1;
	}
	/* (json_stringn() takes a NUL, and refuses what is not UTF-8) */
	pem = memchr(b.data, '\0', b.len) == NULL ? json_stringn(b.data, b.len) : NULL;
	buf_release(&b);
	if (pem == NULL)
		return set_error(cause, "ca_file '%s' is not text (a NUL byte, or not UTF-8): "
		    "not a PEM bundle", c->ca_file);
	json_object_set_new(req, "ca_pem", pem);
	return 0;
}

/* Run the helper with request (no secrets in it: they, ca_file's bytes and
 * why a secret could not be read are added here) and read its stderr into
 * r; on DISCOVERY_OK its stdout is in pr->out. timeout_n: how many
 * targets' worth of time it may take. */
static enum discovery_error
run_helper(const struct config *c, json_t *request, size_t timeout_n,
    const struct target_conf *const *t, size_t n, discovery_line_fn trace, void *trace_arg,
    struct discovery_result *r, struct process_result *pr, char **cause)
{
	struct process_opts po;
	struct secrets sec;
	char *path = NULL, *text, *req = NULL, *err_text = NULL;
	char *argv[] = { DISCOVERY_HELPER, NULL };
	char **env = NULL;
	size_t req_len = 0, i;
	enum discovery_error rc;
	struct process_user as;
	struct strlist who_notes = STRLIST_INIT;
	int exec_fd = -1;

	memset(&as, 0, sizeof as);
	if ((rc = discovery_find_helper(&path, cause)) != DISCOVERY_OK)
		return rc;
	rc = DISCOVERY_BAD_INPUT;
	/* Who discovery runs as (SPEC 5.2): as root, the sudo (doas, pkexec)
	 * caller or discovery_user, never root unless configured so; not the
	 * caller when the helper gets root's client_secret_file, which the
	 * caller could read out of a process of theirs. */
	if (runas_pick(c->discovery_user, c->client_secret_file != NULL &&
	    c->client_secret_file[0] != '\0' ? RUNAS_NOT_CALLER : 0, &as, &who_notes, cause) != 0)
		goto out;
	for (i = 0; i < who_notes.n && n > 0; i++)
		strlist_push(&r->notes[0], who_notes.v[i]);
	secrets_read(c, &as, &sec, request);
	if (sec.bad_config != NULL) {
		set_error(cause, "%s", sec.bad_config);
		secrets_release(&sec);
		goto out;
	}
	if (ca_add(c, request, cause) != 0) {
		secrets_release(&sec);
		goto out;
	}
	rc = DISCOVERY_FAILED;
	text = json_dumps(request, JSON_COMPACT);
	if (text == NULL)
		out_of_memory();
	req = request_with_secrets(text, &sec, &req_len);
	free(text);
	secrets_release(&sec);
	/* (a user switched to always has a name: runas_pick() found it) */
	env = as.change ? discovery_env(as.home, as.name) : discovery_env(NULL, NULL);
	memset(&po, 0, sizeof po);
	po.path = path;
	po.argv = argv;
	po.envp = env;
	po.user = as.change ? &as : NULL;
	if (as.change && helper_fd(path, &exec_fd))
		po.exec_fd = &exec_fd;
	po.what = DISCOVERY_HELPER;
	/* Every round of every target may take request_timeout (retries,
	 * a token, az): a generous bound that still ends a hung helper. */
	po.timeout_ms = 4L * 1000 * (long)c->request_timeout * (long)(timeout_n > 0 ? timeout_n : 1);
	po.out = PROCESS_CAPTURE;
	po.err = PROCESS_CAPTURE;
	po.out_max = DISCOVERY_MAX_OUTPUT;
	po.err_max = DISCOVERY_MAX_OUTPUT;
	po.in = req;
	po.in_len = req_len;
	if (process_run(&po, pr, cause) != 0)
		goto out;
	read_lines(&pr->errout, t, n, trace, trace_arg, r, &err_text);
	if (pr->end == PROCESS_SIGNALED) {
		set_error(cause, "the discovery helper '%s' was killed by signal %d; "
		    "the hosts file was left as it was", path, pr->code);
	} else if (pr->code == DISCOVERY_FAILED || pr->code == DISCOVERY_BAD_INPUT) {
		set_error(cause, "%s", err_text != NULL ? err_text :
		    "the discovery helper failed and said nothing");
		rc = pr->code == DISCOVERY_BAD_INPUT ? DISCOVERY_BAD_INPUT : DISCOVERY_FAILED;
	} else if (pr->code != 0) {
		set_error(cause, "the discovery helper '%s' failed with exit status %d", path,
		    pr->code);
	} else
		rc = DISCOVERY_OK;
out:
	free(err_text);
	discovery_env_free(env);
	if (exec_fd >= 0)
		close(exec_fd);
	process_user_release(&as);
	strlist_release(&who_notes);
	if (req != NULL)
		secure_wipe(req, req_len);
	free(req);
	free(path);
	return rc;
}

enum discovery_error
discovery_run(const struct config *c, const struct target_conf *const *t, size_t n,
    int verbose, discovery_line_fn trace, void *trace_arg, struct discovery_result *r,
    char **cause)
{
	struct process_result pr;
	json_t *req;
	size_t i;
	enum discovery_error rc;

	memset(r, 0, sizeof *r);
	r->n = n;
	r->raw = xcalloc(n, sizeof *r->raw);
	r->notes = xcalloc(n, sizeof *r->notes);
	r->partial = xcalloc(n + 1, sizeof *r->partial);
	for (i = 0; i < n; i++) {
		raw_list_init(&r->raw[i]);
		strlist_init(&r->notes[i]);
	}
	process_result_init(&pr);
	req = request_json(c, t, n, verbose);
	rc = run_helper(c, req, n, t, n, trace, trace_arg, r, &pr, cause);
	json_decref(req);
	if (rc == DISCOVERY_OK && split_answer(&pr.out, t, n, r, cause) != 0)
		rc = DISCOVERY_FAILED;
	process_result_release(&pr);
	return rc;
}

/* What discover mode's answer may hold: its words go into a configuration
 * section, so only the characters of Azure names (and "/" in ids). */
static int
word_ok(const char *s, const char *extra, size_t max)
{
	size_t n;

	if (s == NULL)
		return 0;
	for (n = 0; s[n] != '\0'; n++)
		if (n >= max || !(((s[n] | 0x20) >= 'a' && (s[n] | 0x20) <= 'z') ||
		    (s[n] >= '0' && s[n] <= '9') || strchr(extra, s[n]) != NULL))
			return 0;
	return 1;
}

static int
take_workspaces(const struct buf *out, struct discovery_workspaces *w, char **cause)
{
	json_t *root, *list, *e, *pes, *pe;
	json_error_t jerr;
	struct discovery_workspace *d;
	const char *name, *rg, *loc;
	json_int_t wo;
	size_t i, k;
	int rc = -1;

	root = json_loadb(out->data ? out->data : "", out->len, JSON_REJECT_DUPLICATES, &jerr);
	list = json_object_get(root, "workspaces");
	if (json_integer_value(json_object_get(root, "amlhosts")) != 1 || !json_is_array(list)) {
		set_error(cause, "the discovery helper's answer is not "
		    "{\"amlhosts\": 1, \"workspaces\": [...]}");
		goto out;
	}
	wo = json_integer_value(json_object_get(root, "without_endpoint"));
	w->without = wo > 0 ? (size_t)wo : 0;
	w->v = xcalloc(json_array_size(list) + 1, sizeof *w->v);
	json_array_foreach(list, i, e) {
		name = json_string_value(json_object_get(e, "name"));
		rg = json_string_value(json_object_get(e, "resource_group"));
		loc = json_string_value(json_object_get(e, "location"));
		pes = json_object_get(e, "private_endpoints");
		if (!word_ok(name, "_-", 33) || name[0] == '\0' || !word_ok(rg, "._()-", 90) ||
		    rg[0] == '\0' || !word_ok(loc, "", 64) || json_array_size(pes) == 0) {
			set_error(cause, "the discovery helper's answer lists a workspace that "
			    "is not a name, resource group and private endpoints");
			goto out;
		}
		d = &w->v[w->n++];
		d->name = xstrdup(name);
		d->resource_group = xstrdup(rg);
		d->location = xstrdup(loc);
		strlist_init(&d->endpoints);
		json_array_foreach(pes, k, pe) {
			if (!word_ok(json_string_value(pe), "/._()-", 512) ||
			    json_string_value(pe)[0] != '/') {
				set_error(cause, "the discovery helper's answer lists a private "
				    "endpoint that is not a resource id");
				goto out;
			}
			strlist_push(&d->endpoints, json_string_value(pe));
		}
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

enum discovery_error
discovery_list_workspaces(const struct config *c, const char *subscription,
    const char *resource_group, int verbose, discovery_line_fn trace, void *trace_arg,
    struct discovery_workspaces *w, char **cause)
{
	struct discovery_result r;
	struct process_result pr;
	json_t *o;
	enum discovery_error rc;

	memset(w, 0, sizeof *w);
	memset(&r, 0, sizeof r);
	process_result_init(&pr);
	/* The settings as for targets (none), with the mode and scope. */
	o = request_json(c, NULL, 0, verbose);
	json_object_set_new(o, "mode", json_string("discover"));
	json_object_set_new(o, "subscription", jstr(subscription));
	json_object_set_new(o, "resource_group", jstr(resource_group));
	rc = run_helper(c, o, 1, NULL, 0, trace, trace_arg, &r, &pr, cause);
	json_decref(o);
	if (rc == DISCOVERY_OK && take_workspaces(&pr.out, w, cause) != 0)
		rc = DISCOVERY_FAILED;
	w->have_stats = r.have_stats;
	w->requests = r.requests;
	w->connections = r.connections;
	w->token_source = r.token_source;
	r.token_source = NULL;
	discovery_result_release(&r);
	process_result_release(&pr);
	return rc;
}

void
discovery_workspaces_release(struct discovery_workspaces *w)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		free(w->v[i].name);
		free(w->v[i].resource_group);
		free(w->v[i].location);
		strlist_release(&w->v[i].endpoints);
	}
	free(w->v);
	free(w->token_source);
	memset(w, 0, sizeof *w);
}

void
discovery_result_release(struct discovery_result *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		raw_list_release(&r->raw[i]);
		strlist_release(&r->notes[i]);
	}
	free(r->raw);
	free(r->notes);
	free(r->partial);
	free(r->token_source);
	memset(r, 0, sizeof *r);
}
