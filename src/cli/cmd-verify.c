/*
 * cmd-verify.c - ask the resolver every name the targets expect and say,
 * per name, whether the answer is right ("ok"), another address ("wrong",
 * noting public ones: the classic sign of a client that asks public DNS), or
 * absent ("no answer"); then a summary and the likely causes. Exit 4 on any
 * problem, so scripts and monitoring can use it.
 *
 * By default it asks the system resolver, as any program on this machine
 * would (hosts file, nsswitch, caches, DNS servers), and reads the hosts
 * file only to tell "not applied" from "not used". With --server it asks
 * that DNS server directly instead (dnscheck.c). It changes nothing and
 * takes no lock, so it runs unprivileged.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifndef _WIN32
#include <sys/socket.h>
#endif

#include <jansson.h>

#include "state/atomicfile.h"
#include "cli/cmd.h"
#include "cli/output.h"
#include "dns/dnscheck.h"
#include "base/fileread.h"
#include "base/platform.h"

static char *
answers_text(const struct dnscheck_result *r)
{
	struct buf b = BUF_INIT;
	char ip[64];
	size_t i;

	for (i = 0; i < r->ngot; i++) {
		ip_format(&r->got[i], ip);
		buf_printf(&b, "%s%s", i > 0 ? ", " : "", ip);
	}
	return buf_detach(&b, NULL);
}

static void
report_text(struct cmd_ctx *ctx, const struct dnscheck_result *r, size_t n,
    const struct dnscheck_summary *sum, const struct strlist *causes, const char *resolver,
    struct buf *out)
{
	size_t i, width = 0;
	char *got;

	for (i = 0; i < n; i++)
		if (strlen(r[i].entry->name) > width)
			width = strlen(r[i].entry->name);
	for (i = 0; i < n; i++) {
		if (ctx->quiet && r[i].status == DNSCHECK_OK)
			continue;
		buf_printf(out, "%-9s  %-*s  ", dnscheck_status_name(r[i].status), (int)width,
		    r[i].entry->name);
		switch (r[i].status) {
		case DNSCHECK_OK:
			buf_printf(out, "%s\n", r[i].entry->ip);
			break;
		case DNSCHECK_WRONG:
			got = answers_text(&r[i]);
			buf_printf(out, "%s%s, expected %s\n", got,
			    !r[i].got_public ? "" : r[i].ngot == 1 ? " (a public address)" :
			    " (a public address among them)", r[i].entry->ip);
			free(got);
			break;
		case DNSCHECK_NO_ANSWER:
			buf_printf(out, "%s, expected %s\n", r[i].detail ? r[i].detail : "no answer",
			    r[i].entry->ip);
			break;
		}
	}
	if (!ctx->quiet)
		buf_printf(out, "\n%zu %s: %zu ok, %zu wrong, %zu no answer (%s)\n", n,
		    n == 1 ? "name" : "names", sum->ok, sum->wrong, sum->no_answer, resolver);
	if (causes->n > 0) {
		buf_puts(out, ctx->quiet ? "likely causes:\n" : "\nlikely causes:\n");
		for (i = 0; i < causes->n; i++)
			buf_printf(out, "  - %s\n", causes->v[i]);
	}
}

static const char *
hosts_state(enum dnscheck_hosts h)
{
	switch (h) {
	case DNSCHECK_HOSTS_ABSENT: return "absent";
	case DNSCHECK_HOSTS_RIGHT: return "right";
	case DNSCHECK_HOSTS_OTHER: return "other";
	case DNSCHECK_HOSTS_UNKNOWN: break;
	}
	return NULL;
}

/* A JSON string, or NULL with *err saying why (jansson refuses text that is
 * not UTF-8, which a path or a resolver's message in another encoding is). */
static json_t *
json_text(const char *s, json_error_t *err)
{
	return json_pack_ex(err, 0, "s", s);
}

/* Returns 0, or the exit code of a report JSON cannot hold. */
static int
report_json(struct cmd_ctx *ctx, const struct dnscheck_result *r, size_t n,
    const struct dnscheck_summary *sum, const struct strlist *causes, const char *server,
    struct buf *out)
{
	json_t *root, *names, *list, *o;
	json_error_t err;
	char ip[64];
	size_t i, j;
	int rc = 0;

	root = json_pack_ex(&err, 0, "{s:s, s:[], s:[]}", "resolver", server ? server : "system",
	    "names", "causes");
	if (root == NULL)
		goto refused;
	names = json_object_get(root, "names");
	for (i = 0; i < n; i++) {
		list = json_array();
		if (list == NULL)
			out_of_memory();
		for (j = 0; j < r[i].ngot; j++) {
			ip_format(&r[i].got[j], ip);
			if (json_array_append_new(list, json_string(ip)) != 0)
				out_of_memory(); /* an address is ASCII */
		}
		o = json_pack_ex(&err, 0, "{s:s, s:s, s:s, s:s, s:o, s:b, s:s?, s:s?}",
		    "target", r[i].target, "fqdn", r[i].entry->name, "expected", r[i].entry->ip,
		    "status", dnscheck_status_name(r[i].status), "addresses", list,
		    "public", r[i].got_public, "detail", r[i].detail,
		    "hosts_file", server ? NULL : hosts_state(r[i].hosts));
		if (o == NULL)
			goto refused;
		if (json_array_append_new(names, o) != 0)
			out_of_memory();
	}
	o = json_pack("{s:I, s:I, s:I, s:I}", "total", (json_int_t)n, "ok", (json_int_t)sum->ok,
	    "wrong", (json_int_t)sum->wrong, "no_answer", (json_int_t)sum->no_answer);
	if (o == NULL || json_object_set_new(root, "summary", o) != 0)
		out_of_memory();
	list = json_object_get(root, "causes");
	for (i = 0; i < causes->n; i++) {
		if ((o = json_text(causes->v[i], &err)) == NULL)
			goto refused;
		if (json_array_append_new(list, o) != 0)
			out_of_memory();
	}
	format_json_text(root, out);
	goto out;
refused:
	rc = output_json_refused(ctx, &err, "a target, a resolver's message or a path in the report");
out:
	json_decref(root);
	return rc;
}

/* Is path the file the system resolver reads (the same file, whatever its
 * name: a bind mount or a link)? Where inodes mean nothing (0, Windows),
 * only the same name is. */
static int
is_system_hosts(const char *path)
{
	const char *sys = platform_default_hosts_file();
	struct stat a, b;

	if (strcmp(path, sys) == 0)
		return 1;
	if (stat(path, &a) != 0 || stat(sys, &b) != 0)
		return 0;
	return a.st_ino != 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * -H names a file the resolver never reads (a scratch copy): say so, and
 * check what can be checked. Its own entries are compared with the
 * targets' (a note); the system's file then explains the resolver's
 * answers, so that nothing blames nsswitch.conf for not reading a file it
 * was never meant to read. Returns the file to explain with, or NULL.
 */
static const char *
other_hosts_file(struct cmd_ctx *ctx, struct dnscheck_result *res, size_t n, struct buf *hosts)
{
	const char *sys = platform_default_hosts_file();
	size_t i, right = 0;

	if (file_read(ctx->conf.hosts_file, FILE_READ_REGULAR, ATOMICFILE_MAX_BYTES, hosts,
	    NULL, NULL, NULL) == 0) {
		dnscheck_hosts_scan(hosts->data ? hosts->data : "", hosts->len, res, n);
		for (i = 0; i < n; i++)
			right += res[i].hosts == DNSCHECK_HOSTS_RIGHT;
		cmd_note(ctx, "'%s' maps %zu of the %zu expected names as the targets do; it is "
		    "not the system's hosts file, and the system resolver reads '%s' instead: "
		    "the answers below are the system's (give --server IP to ask a DNS server)",
		    ctx->conf.hosts_file, right, n, sys);
	} else
		cmd_note(ctx, "the system resolver reads '%s', not '%s': the answers below are "
		    "the system's", sys, ctx->conf.hosts_file);
	buf_release(hosts);
	if (file_read(sys, FILE_READ_REGULAR, ATOMICFILE_MAX_BYTES, hosts, NULL, NULL, NULL) != 0)
		return NULL;
	dnscheck_hosts_scan(hosts->data ? hosts->data : "", hosts->len, res, n);
	return sys;
}

static int
cmd_verify_exec(struct cmd_ctx *ctx)
{
	struct resolved_set set;
	struct dnscheck_server srv;
	struct dnscheck_result *res = NULL;
	struct dnscheck_summary sum;
	struct strlist causes = STRLIST_INIT;
	struct buf hosts = BUF_INIT, out = BUF_INIT;
	char *cause = NULL, *server = NULL, *resolver;
	const char *hosts_file = NULL;
	size_t n = 0, total = 0, i, j, k;
	int rc;

	memset(&srv, 0, sizeof srv);
	if (ctx->server != NULL) {
		if (dnscheck_server_init(&srv, ctx->server, &cause) != 0) {
			cmd_error(ctx, "--server: %s", cause);
			free(cause);
			return EXIT_USAGE;
		}
		server = dns_addr_format(&srv.addr);
	}
	rc = cmd_resolve_targets(ctx, &set);
	if (rc != EXIT_OK)
		goto out;
	for (i = 0; i < set.n; i++)
		total += set.lists[i].n;
	res = xcalloc(total + 1, sizeof *res);
	for (i = 0; i < set.n; i++)
		for (j = 0; j < set.lists[i].n; j++) {
			/* A name two targets list is asked once (per family: a
			 * name's A and AAAA records are two questions). */
			for (k = 0; k < n; k++)
				if (strcmp(res[k].entry->name, set.lists[i].v[j].name) == 0 &&
				    res[k].entry->addr.family == set.lists[i].v[j].addr.family)
					break;
			if (k < n)
				continue;
			dnscheck_result_init(&res[n], set.v[i].name, &set.lists[i].v[j]);
			if (ctx->server != NULL)
				dnscheck_server_query(&srv, &res[n]);
			else
				dnscheck_system(&res[n]);
			n++;
		}
	if (n == 0) {
		cmd_info(ctx, "nothing to verify: the targets have no entries");
		rc = EXIT_OK;
		goto out;
	}
	/* What the hosts file says tells "not applied" from "not used". */
	if (ctx->server == NULL && !is_system_hosts(ctx->conf.hosts_file))
		hosts_file = other_hosts_file(ctx, res, n, &hosts);
	else if (ctx->server == NULL &&
	    file_read(ctx->conf.hosts_file, FILE_READ_REGULAR, ATOMICFILE_MAX_BYTES, &hosts, NULL, NULL, NULL) == 0) {
		dnscheck_hosts_scan(hosts.data ? hosts.data : "", hosts.len, res, n);
		hosts_file = ctx->conf.hosts_file;
	}
	dnscheck_summarize(res, n, &sum);
	dnscheck_causes(res, n, server, hosts_file, &causes);
	resolver = server ? xasprintf("asked %s", server) : xstrdup("system resolver");
	rc = sum.ok == n ? EXIT_OK : EXIT_PROBLEM;
	if (!ctx->json)
		report_text(ctx, res, n, &sum, &causes, resolver, &out);
	else if (report_json(ctx, res, n, &sum, &causes, server, &out) != 0)
		rc = EXIT_FAIL;
	free(resolver);
	if (output_buf(ctx, &out) != 0)
		rc = EXIT_FAIL;
out:
	for (i = 0; i < n; i++)
		dnscheck_result_release(&res[i]);
	free(res);
	resolved_set_release(&set);
	dnscheck_server_release(&srv);
	strlist_release(&causes);
	buf_release(&hosts);
	buf_release(&out);
	free(server);
	return rc;
}

const struct cmd_entry cmd_verify_entry = {
	"verify", "[TARGET...]",
	"check that every expected name resolves to its address here; exit 4 if not",
	"      --server IP[:PORT] ask this DNS server (IPv4) instead of the system resolver\n",
	CMDF_TARGETS,
	cmd_verify_exec,
};
