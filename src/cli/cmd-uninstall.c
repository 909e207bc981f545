/*
 * cmd-uninstall.c - remove every managed block, restore every line amlhosts
 * disabled, and with --purge delete the state directory too: the hosts file
 * is left as if amlhosts had never run (less a newline it may have added to
 * a last line that had none).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "state/statedir.h"

static int
uninstall_compute(const struct hostsfile *hf, const char *real_path, const char *state_dir,
    struct buf *out, void *arg, char **cause)
{
	(void)real_path;
	(void)state_dir;
	(void)arg;
	return hostsfile_rewrite(hf, NULL, 0, 1, out, NULL, cause);
}

/* Delete only what amlhosts puts in its state directory, never a tree. */
static int
purge_state(const char *dir, char **cause)
{
	char *backups = statedir_backups_dir(dir), *p;
	DIR *d;
	struct dirent *de;
	size_t len, slen = strlen(STATEDIR_BACKUP_SUFFIX);
	int rc = 0;

	d = opendir(backups);
	if (d != NULL) {
		while ((de = readdir(d)) != NULL) {
			len = strlen(de->d_name);
			/* Any visible "*.hosts", not only "<id>.hosts": a stray
			 * one would keep rmdir from removing the directory. */
			if (de->d_name[0] == '.' || len <= slen ||
			    strcmp(de->d_name + len - slen, STATEDIR_BACKUP_SUFFIX) != 0)
				continue;
			p = xasprintf("%s/%s", backups, de->d_name);
			if (unlink(p) != 0)
				rc = set_error(cause, "cannot remove '%s': %s", p, strerror(errno));
			free(p);
		}
		closedir(d);
	}
	if (rc == 0 && rmdir(backups) != 0 && errno != ENOENT)
		rc = set_error(cause, "cannot remove '%s': %s", backups, strerror(errno));
	free(backups);
	if (rc != 0)
		return rc;
	p = statedir_journal_path(dir);
	if (unlink(p) != 0 && errno != ENOENT)
		rc = set_error(cause, "cannot remove '%s': %s", p, strerror(errno));
	free(p);
	p = statedir_lock_path(dir);
	if (rc == 0 && unlink(p) != 0 && errno != ENOENT)
		rc = set_error(cause, "cannot remove '%s': %s", p, strerror(errno));
	free(p);
	if (rc == 0 && rmdir(dir) != 0 && errno != ENOENT)
		rc = set_error(cause, "cannot remove '%s': %s", dir, strerror(errno));
	return rc;
}

static int
cmd_uninstall_exec(struct cmd_ctx *ctx)
{
	struct hostsedit_opts o;
	struct hostsedit_result r;
	char *cause = NULL;
	int rc;

	cmd_hostsedit_opts(ctx, "uninstall", NULL, &o);
	hostsedit_result_init(&r);
	rc = hostsedit_run(&o, uninstall_compute, NULL, &r, &cause);
	rc = cmd_report_edit(ctx, rc, cause, &r, "removed every amlhosts block from");
	if (rc == EXIT_OK && ctx->purge && !ctx->dry_run) {
		if (purge_state(ctx->conf.state_dir, &cause) != 0) {
			cmd_error(ctx, "%s", cause);
			rc = EXIT_FAIL;
		} else
			cmd_info(ctx, "removed state directory '%s'", ctx->conf.state_dir);
	}
	hostsedit_result_release(&r);
	free(cause);
	return rc;
}

const struct cmd_entry cmd_uninstall_entry = {
	"uninstall", "",
	"remove every managed block and restore all disabled lines",
	"      --purge            also delete the state directory (backups, journal)\n",
	CMDOPT_PURGE,
	0,
	cmd_uninstall_exec,
};
