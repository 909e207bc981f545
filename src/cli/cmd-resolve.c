/*
 * cmd-resolve.c - print the entries the targets resolve to, touching no
 * file: for a look before applying, for other tools (json, csv) and, with
 * --format json, as a source that --from-json reads back unchanged. The
 * DNS-server formats give the same entries as configuration for dnsmasq,
 * Unbound, BIND, CoreDNS or Windows DNS Server (format.c); BIND's, being a
 * named.conf fragment plus a zone file per name, can also be written as
 * files into --output-dir.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/atomicfile.h"
#include "cli/cmd.h"
#include "cli/output.h"
#include "base/fileread.h"
#include "base/platform.h"

#define ZONE_MARK "; amlhosts: zone "

/* Zone files an earlier run wrote for names that are gone: named no longer
 * loads them (the fragment does not name them), and keeping them would make
 * the directory lie. Only files that carry amlhosts' first line go. */
static void
remove_stale_zones(struct cmd_ctx *ctx, const char *dir, const struct format_files *files)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct buf b = BUF_INIT;
	char *path;
	size_t i;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "db.", 3) != 0)
			continue;
		for (i = 0; i < files->n; i++)
			if (strcmp(files->v[i].name, de->d_name) == 0)
				break;
		if (i < files->n)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		buf_release(&b);
		if (file_read(path, FILE_READ_REGULAR, 1u << 20, &b, NULL, NULL, NULL) == 0 && b.len >= strlen(ZONE_MARK) &&
		    memcmp(b.data, ZONE_MARK, strlen(ZONE_MARK)) == 0) {
			if (unlink(path) != 0)
				cmd_warn(ctx, "cannot remove the old zone file '%s': %s", path,
				    strerror(errno));
			else if (ctx->verbose)
				cmd_note(ctx, "removed the old zone file '%s'", path);
		}
		free(path);
	}
	buf_release(&b);
	closedir(d);
}

/* BIND into a directory: the zone files first, then the fragment that
 * names them, so that named never reads a fragment whose files are not
 * there yet. Each file is replaced atomically. */
static int
write_bind_dir(struct cmd_ctx *ctx, const struct resolved_set *set)
{
	struct format_files files = { NULL, 0 };
	struct stat st;
	char *real = NULL, *path, *cause = NULL;
	size_t i;
	int rc = EXIT_FAIL;

	if (mkdir(ctx->output_dir, 0755) == 0) {
		/* named reads the files as its own user, whatever our umask. */
		if (chmod(ctx->output_dir, 0755) != 0)
			cmd_warn(ctx, "cannot make '%s' readable by named: %s", ctx->output_dir,
			    strerror(errno));
	} else if (errno != EEXIST) {
		cmd_error(ctx, "cannot create the directory '%s': %s", ctx->output_dir, strerror(errno));
		return EXIT_FAIL;
	}
	if (stat(ctx->output_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		cmd_error(ctx, "--output-dir '%s' is not a directory", ctx->output_dir);
		return EXIT_USAGE;
	}
	/* named runs in its own directory: the fragment names files by
	 * absolute path. */
	real = realpath(ctx->output_dir, NULL);
	if (real == NULL) {
		cmd_error(ctx, "cannot resolve '%s': %s", ctx->output_dir, strerror(errno));
		return EXIT_FAIL;
	}
	if (!format_bind_dir_ok(real)) {
		cmd_error(ctx, "'%s' cannot be named in named.conf (it contains a quote, a "
		    "backslash or a control character); choose another --output-dir", real);
		rc = EXIT_USAGE;
		goto out;
	}
	format_bind_files(set->v, set->n, real, &files);
	for (i = files.n; i-- > 0;) {
		path = xasprintf("%s/%s", real, files.v[i].name);
		if (atomicfile_write_new(path, files.v[i].data.data ? files.v[i].data.data : "",
		    files.v[i].data.len, 0644, &cause) != 0) {
			cmd_error(ctx, "%s", cause);
			free(path);
			goto out;
		}
		free(path);
	}
	remove_stale_zones(ctx, real, &files);
	cmd_info(ctx, "wrote %zu zone %s and '%s/%s'; add 'include \"%s/%s\";' to "
	    "named.conf, check with 'named-checkconf -z' and run 'rndc reload'",
	    files.n - 1, files.n == 2 ? "file" : "files", real, FORMAT_BIND_CONF, real,
	    FORMAT_BIND_CONF);
	rc = EXIT_OK;
out:
	format_files_release(&files);
	free(cause);
	free(real);
	return rc;
}

static int
cmd_resolve_exec(struct cmd_ctx *ctx)
{
	struct resolved_set set;
	struct buf out = BUF_INIT;
	enum format f = ctx->format;
	int rc;

	if (ctx->json) {
		if ((ctx->used & CMDOPT_FORMAT) && f != FORMAT_JSON) {
			cmd_error(ctx, "--json and --format %s disagree", format_name(f));
			return EXIT_USAGE;
		}
		f = FORMAT_JSON;
	}
	if (ctx->output_dir != NULL && f != FORMAT_BIND) {
		cmd_error(ctx, "--output-dir is for --format bind (a named.conf fragment and "
		    "zone files); other formats are one file: redirect standard output");
		return EXIT_USAGE;
	}
	rc = cmd_resolve_targets(ctx, &set);
	if (rc != EXIT_OK)
		return rc;
	if (ctx->output_dir != NULL) {
		rc = write_bind_dir(ctx, &set);
		resolved_set_release(&set);
		return rc;
	}
	format_entries(f, set.v, set.n, &out);
	if (output_buf(ctx, &out) != 0)
		rc = EXIT_FAIL;
	buf_release(&out);
	resolved_set_release(&set);
	return rc;
}

const struct cmd_entry cmd_resolve_entry = {
	"resolve", "[TARGET...]",
	"print the resolved entries, for hosts files, tools or DNS servers",
	"      --format FORMAT    hosts (default), json, csv, or for a DNS server:\n"
	"                         dnsmasq, unbound, bind, coredns, powershell\n"
	"      --output-dir DIR   bind: write named.conf.amlhosts and the zone files\n"
	"                         into DIR instead of printing them\n",
	CMDF_TARGETS,
	cmd_resolve_exec,
};
