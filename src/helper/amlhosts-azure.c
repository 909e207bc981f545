/*
 * amlhosts-azure.c - the discovery helper: asks Azure Resource Manager for
 * the names and private addresses of the targets amlhosts names on its
 * stdin, and prints them on stdout. The protocol is written down in
 * source/discovery-client.h; amlhosts starts this program, people do not.
 *
 * It is the only program that links libcurl and parses what the network
 * says, so that the process that locks and rewrites the hosts file does
 * neither. It writes no file. Whatever it prints is validated again by
 * amlhosts as a JSON file would be.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "azure/azure.h"
#include "azure/discover.h"
#include "hosts/cloud.h"
#include "hosts/conf.h"
#include "hosts/format.h"
#include "hosts/targetplan.h"
#include "source/discovery-client.h"
#include "base/fileread.h"
#include "base/quote.h"
#include "base/util.h"

/* One run: the settings, the targets, and the session they share. */
struct helper {
	struct config c;
	int verbose;
	struct auth_opts secrets; /* only the four secret fields are used */
	char *secret_text[4];     /* what they point to, wiped at the end */
	struct azure_session az;
	int az_ready;
	char *ca_pem;             /* ca_file's bytes, read by amlhosts */
	/* "mode": "discover": list the workspaces of a scope instead */
	int discover;
	char *discover_sub, *discover_rg;
};

/* A protocol line on stderr: fields joined by tabs, each one quoted so that
 * no tab or newline inside it can start a field or a line of its own. */
static void
say(const char *kind, const char *a, const char *b)
{
	char *qa = quote_mem(a, strlen(a), 0, QUOTE_KEEP_BACKSLASH);
	char *qb = b != NULL ? quote_mem(b, strlen(b), 0, QUOTE_KEEP_BACKSLASH) : NULL;

	if (qb != NULL)
		fprintf(stderr, "%s\t%s\t%s\n", kind, qa, qb);
	else
		fprintf(stderr, "%s\t%s\n", kind, qa);
	free(qa);
	free(qb);
}

static void
trace(void *arg, const char *line)
{
	(void)arg;
	say("trace", line, NULL);
}

/* The last line: why it stopped. Returns the exit status. */
static int
stop(int code, char *cause)
{
	say("error", code == DISCOVERY_BAD_INPUT ? "bad-input" : "failed",
	    cause != NULL ? cause : "failed");
	free(cause);
	return code;
}

/* A string member or NULL, copied. */
static char *
get_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

static void
get_list(json_t *o, const char *key, struct strlist *l)
{
	json_t *v = json_object_get(o, key), *e;
	size_t i;

	json_array_foreach(v, i, e)
		if (json_is_string(e))
			strlist_push(l, json_string_value(e));
}

/* A time limit in seconds, within conf.c's range; missing or out of range
 * leaves config_init's default. */
static void
get_seconds(json_t *o, const char *key, int *out)
{
	json_int_t v = json_integer_value(json_object_get(o, key));

	if (v > 0 && v <= 3600)
		*out = (int)v;
}

/* A secret member: kept in its own exact copy, wiped at the end. jansson's
 * own copy is wiped here, before json_decref() frees it unwiped. */
static const char *
get_secret(struct helper *h, json_t *o, const char *key, size_t slot)
{
	json_t *v = json_object_get(o, key);

	h->secret_text[slot] = get_str(o, key);
	if (json_is_string(v))
		secure_wipe((char *)json_string_value(v), json_string_length(v));
	return h->secret_text[slot];
}

static int
read_request(struct helper *h, char **cause)
{
	struct buf in = BUF_INIT;
	json_t *o, *ts, *t;
	json_error_t jerr;
	struct target_conf *tc;
	size_t i;
	int rc = -1;

	/* FILE_READ_SECRET: sized once, as the request holds the secrets and a
	 * reallocation would leave a copy behind; wiped on failure. */
	if (file_read_fd(0, "standard input", FILE_READ_SECRET, DISCOVERY_MAX_INPUT, &in, NULL,
	    cause) != 0)
		return -1;
	o = json_loadb(in.data, in.len, 0, &jerr);
	if (!json_is_object(o) ||
	    json_integer_value(json_object_get(o, "protocol")) != DISCOVERY_PROTOCOL) {
		set_error(cause, "the request on standard input is not protocol %d of "
		    "amlhosts (this program is started by amlhosts)", DISCOVERY_PROTOCOL);
		json_decref(o);
		goto out;
	}
	h->verbose = (int)json_integer_value(json_object_get(o, "verbose"));
	free(h->c.cloud);
	h->c.cloud = get_str(o, "cloud");
	if (h->c.cloud == NULL)
		h->c.cloud = xstrdup("AzureCloud");
	if (json_is_string(json_object_get(o, "auth"))) {
		free(h->c.auth);
		h->c.auth = get_str(o, "auth");
	}
	h->c.tenant_id = get_str(o, "tenant_id");
	h->c.client_id = get_str(o, "client_id");
	h->c.arm_endpoint = get_str(o, "arm_endpoint");
	h->c.login_endpoint = get_str(o, "login_endpoint");
	h->c.ca_file = get_str(o, "ca_file");
	h->ca_pem = get_str(o, "ca_pem");
	get_seconds(o, "connect_timeout", &h->c.connect_timeout);
	get_seconds(o, "request_timeout", &h->c.request_timeout);
	strlist_release(&h->c.allowed_suffixes);
	get_list(o, "allowed_suffixes", &h->c.allowed_suffixes);
	h->c.allowed_networks = get_str(o, "allowed_networks");
	h->secrets.client_secret = get_secret(h, o, "client_secret", 0);
	h->secrets.client_secret_error = get_secret(h, o, "client_secret_error", 1);
	h->secrets.federated_token = get_secret(h, o, "federated_token", 2);
	h->secrets.federated_token_error = get_secret(h, o, "federated_token_error", 3);
	if (json_is_string(json_object_get(o, "mode"))) {
		if (strcmp(json_string_value(json_object_get(o, "mode")), "discover") != 0) {
			set_error(cause, "the request's mode is not one this program knows");
			json_decref(o);
			goto out;
		}
		h->discover = 1;
		h->discover_sub = get_str(o, "subscription");
		h->discover_rg = get_str(o, "resource_group");
	}
	ts = json_object_get(o, "targets");
	json_array_foreach(ts, i, t) {
		char *name = get_str(t, "name");

		if (name == NULL)
			continue;
		tc = config_add_target(&h->c, name);
		free(name);
		tc->subscription = get_str(t, "subscription");
		tc->resource_group = get_str(t, "resource_group");
		tc->workspace = get_str(t, "workspace");
		tc->cloud = get_str(t, "cloud");
		tc->private_endpoint = get_str(t, "private_endpoint");
		get_list(t, "private_endpoints", &tc->private_endpoints);
		get_list(t, "extra_private_endpoints", &tc->extra_private_endpoints);
		get_list(t, "compute_instances", &tc->compute_instances);
		get_list(t, "online_endpoints", &tc->online_endpoints);
		get_list(t, "projects", &tc->projects);
		tc->ssh_names = json_is_true(json_object_get(t, "ssh_names"));
		tc->no_dependencies = json_is_false(json_object_get(t, "dependencies"));
		tc->allow_empty = json_is_true(json_object_get(t, "allow_empty"));
		tc->line = json_is_true(json_object_get(t, "adhoc")) ? 0 : 1;
	}
	json_decref(o);
	rc = 0;
out:
	file_read_wipe(&in);
	return rc;
}

/* One HTTP client and token for the run, for the cloud of the first target
 * that needs Azure. */
static int
session_for(struct helper *h, const struct cloud *cl, char **cause)
{
	const struct config *c = &h->c;
	struct http_opts ho;
	char *arm;

	arm = http_url_trim(c->arm_endpoint ? c->arm_endpoint : cl->arm_endpoint);
	if (h->az_ready && strcmp(h->az.arm, arm) != 0) {
		free(arm);
		return set_error(cause, "targets of different clouds cannot be resolved in one "
		    "run; name them separately");
	}
	if (h->az_ready) {
		free(arm);
		return 0;
	}
	if (strncmp(arm, "https://", 8) != 0) {
		set_error(cause, "arm_endpoint '%s' is not an https:// URL", arm);
		free(arm);
		return -1;
	}
	memset(&ho, 0, sizeof ho);
	ho.ca_file = c->ca_file;
	if (h->ca_pem != NULL) {
		ho.ca_pem = h->ca_pem;
		ho.ca_pem_len = strlen(h->ca_pem);
	}
	ho.connect_timeout = c->connect_timeout;
	ho.request_timeout = c->request_timeout;
	ho.verbose = h->verbose;
	ho.trace = trace;
	if (http_client_new(&h->az.hc, &ho, cause) != 0) {
		free(arm);
		return -1;
	}
	h->az.arm = arm;
	h->az.auth = h->secrets;
	h->az.auth.method = c->auth;
	h->az.auth.tenant_id = c->tenant_id;
	h->az.auth.client_id = c->client_id;
	h->az.auth.client_secret_file = c->client_secret_file;
	h->az.auth.login_endpoint = http_url_trim(
	    c->login_endpoint ? c->login_endpoint : cl->login_endpoint);
	h->az.auth.arm_endpoint = h->az.arm;
	/* The audience az and managed identity ask for; an overridden ARM
	 * endpoint is its own audience. */
	h->az.auth.arm_resource = c->arm_endpoint ? xasprintf("%s/", h->az.arm) :
	    xstrdup(cl->arm_resource);
	h->az_ready = 1;
	return 0;
}

static void
print_stats(struct helper *h)
{
	unsigned long nreq, nconn;
	char *line;

	if (!h->verbose || !h->az_ready)
		return;
	http_stats(h->az.hc, &nreq, &nconn);
	line = xasprintf("%lu\t%lu\t%s", nreq, nconn,
	    h->az.have_token && h->az.token.source ? h->az.token.source : "");
	fprintf(stderr, "stats\t%s\n", line);
	free(line);
}

/* Discover one target and derive its entries into out, and the wildcards
 * no online endpoint replaced into wild (the writer says them once for
 * the run): 0, or the exit status with *cause. */
static int
resolve(struct helper *h, const struct target_conf *t, struct entry_list *out,
    struct entry_list *wild, char **cause)
{
	struct target_plan p;
	struct azure_found found;
	struct raw_list raw = RAW_LIST_INIT;
	struct strlist notes = STRLIST_INIT;
	unsigned want = 0;
	enum azure_error arc;
	int rc = DISCOVERY_BAD_INPUT;
	size_t i;

	azure_found_init(&found);
	if (target_plan_init(&p, &h->c, t, "Azure", cause) != 0) {
		azure_found_release(&found);
		return DISCOVERY_BAD_INPUT;
	}
	if (p.ask & TARGET_ASK_COMPUTES)
		want |= AZURE_WANT_COMPUTES;
	if (p.ask & TARGET_ASK_ENDPOINTS)
		want |= AZURE_WANT_ENDPOINTS;
	if (p.ask & TARGET_ASK_PROJECTS)
		want |= AZURE_WANT_PROJECTS;
	if (session_for(h, p.o.cloud, cause) != 0) {
		rc = DISCOVERY_FAILED;
		goto out;
	}
	arc = azure_discover(&h->az, t, want, &found, cause);
	for (i = 0; i < found.notes.n; i++)
		say("note", t->name, found.notes.v[i]);
	for (i = 0; i < found.partial.n; i++)
		say("partial", t->name, found.partial.v[i]);
	if (arc != AZURE_OK) {
		rc = arc == AZURE_BAD_TARGET ? DISCOVERY_BAD_INPUT : DISCOVERY_FAILED;
		goto out;
	}
	for (i = 0; i < found.pairs.n; i++)
		raw_list_add(&raw, found.pairs.v[i].fqdn, found.pairs.v[i].ip);
	if (want & AZURE_WANT_COMPUTES) {
		target_plan_add_names(&p.o.compute_instances, &found.computes);
		target_plan_add_names(&p.o.instance_hosts, &found.instance_hosts);
	}
	if (want & AZURE_WANT_ENDPOINTS) {
		target_plan_add_names(&p.o.online_endpoints, &found.endpoints);
		target_plan_add_names(&p.o.endpoint_hosts, &found.endpoint_hosts);
	}
	if (target_plan_add_projects(&p, t, &found.projects, cause) != 0) {
		rc = DISCOVERY_FAILED;
		goto out;
	}
	if (raw.n == 0) {
		set_error(cause, "target '%s': Azure lists no private-endpoint names for "
		    "it; the hosts file was left as it was", t->name);
		rc = DISCOVERY_FAILED;
		goto out;
	}
	p.o.wildcards = wild;
	if (target_plan_finish(&p, t, &raw, out, &notes, cause) != 0)
		goto out;
	rc = 0;
out:
	for (i = 0; i < notes.n; i++)
		say("note", t->name, notes.v[i]);
	strlist_release(&notes);
	raw_list_release(&raw);
	azure_found_release(&found);
	target_plan_release(&p);
	return rc;
}

/* Discover mode: the workspaces of the scope that have an approved private
 * endpoint, printed as {"amlhosts": 1, "workspaces": [{"name",
 * "resource_group", "location", "private_endpoints": [id...]}...]}. */
static int
list_workspaces(struct helper *h, struct buf *out, char **cause)
{
	struct azure_ws_list l;
	const struct cloud *cl = cloud_find(h->c.cloud);
	json_t *o, *ws, *w, *pes;
	enum azure_error arc;
	char *text;
	size_t i, k;

	if (h->discover_sub == NULL || cl == NULL) {
		set_error(cause, h->discover_sub == NULL ? "discover: no subscription given" :
		    "the request names an unknown cloud");
		return DISCOVERY_BAD_INPUT;
	}
	if (session_for(h, cl, cause) != 0)
		return DISCOVERY_FAILED;
	arc = azure_list_workspaces(&h->az, h->discover_sub, h->discover_rg, &l, cause);
	if (arc != AZURE_OK)
		return arc == AZURE_BAD_TARGET ? DISCOVERY_BAD_INPUT : DISCOVERY_FAILED;
	ws = json_array();
	for (i = 0; i < l.n; i++) {
		pes = json_array();
		for (k = 0; k < l.v[i].endpoints.n; k++)
			json_array_append_new(pes, json_string(l.v[i].endpoints.v[k]));
		w = json_pack("{s:s, s:s, s:s, s:o}", "name", l.v[i].name, "resource_group",
		    l.v[i].resource_group, "location", l.v[i].location, "private_endpoints", pes);
		if (w == NULL)
			out_of_memory();
		json_array_append_new(ws, w);
	}
	o = json_pack("{s:i, s:o, s:I}", "amlhosts", 1, "workspaces", ws, "without_endpoint",
	    (json_int_t)l.without);
	text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	azure_ws_list_release(&l);
	if (text == NULL)
		out_of_memory();
	buf_append(out, text, strlen(text));
	buf_putc(out, '\n');
	free(text);
	return 0;
}

static void
helper_release(struct helper *h)
{
	size_t i;

	if (h->az_ready) {
		auth_token_release(&h->az.token);
		http_client_free(h->az.hc);
		free(h->az.arm);
		free((char *)h->az.auth.login_endpoint);
		free((char *)h->az.auth.arm_resource);
	}
	for (i = 0; i < 4; i++) {
		if (h->secret_text[i] != NULL)
			secure_wipe(h->secret_text[i], strlen(h->secret_text[i]));
		free(h->secret_text[i]);
	}
	free(h->discover_sub);
	free(h->discover_rg);
	config_release(&h->c);
	free(h->ca_pem);
}

int
main(int argc, char **argv)
{
	struct helper h;
	struct resolved_target *rt;
	struct entry_list *lists, *wild;
	struct buf out = BUF_INIT;
	char *cause = NULL;
	size_t i, n;
	int rc = 0;

	(void)argv;
	memset(&h, 0, sizeof h);
	config_init(&h.c);
	if (argc != 1 || isatty(0)) {
		fprintf(stderr, "error\tbad-input\t" DISCOVERY_HELPER " is started by amlhosts, "
		    "which writes its request on standard input\n");
		return DISCOVERY_BAD_INPUT;
	}
	if (read_request(&h, &cause) != 0) {
		helper_release(&h);
		return stop(DISCOVERY_BAD_INPUT, cause);
	}
	if (h.discover) {
		rc = list_workspaces(&h, &out, &cause);
		print_stats(&h);
		if (rc == 0 && write_all(1, out.data, out.len) != 0) {
			free(cause);
			cause = xstrdup("cannot write the answer on standard output");
			rc = DISCOVERY_FAILED;
		}
		buf_release(&out);
		helper_release(&h);
		return rc != 0 ? stop(rc, cause) : 0;
	}
	n = h.c.ntargets;
	rt = xcalloc(n + 1, sizeof *rt);
	lists = xcalloc(n + 1, sizeof *lists);
	wild = xcalloc(n + 1, sizeof *wild);
	for (i = 0; i < n && rc == 0; i++) {
		entry_list_init(&lists[i]);
		entry_list_init(&wild[i]);
		rt[i].name = h.c.targets[i].name;
		rt[i].entries = &lists[i];
		rt[i].wildcards = &wild[i];
		rc = resolve(&h, &h.c.targets[i], &lists[i], &wild[i], &cause);
	}
	print_stats(&h);
	if (rc == 0) {
		format_entries(FORMAT_JSON, rt, n, &out);
		if (write_all(1, out.data, out.len) != 0) {
			free(cause);
			cause = xstrdup("cannot write the answer on standard output");
			rc = DISCOVERY_FAILED;
		}
	}
	for (i = 0; i < n; i++) {
		entry_list_release(&lists[i]);
		entry_list_release(&wild[i]);
	}
	free(lists);
	free(wild);
	free(rt);
	buf_release(&out);
	helper_release(&h);
	if (rc != 0)
		return stop(rc, cause);
	free(cause);
	return 0;
}
