/*
 * changelog.c - --syslog: one line per change to the hosts file, whatever
 * -q hides from the terminal. The documented timer and cron line run
 * "apply --quiet --syslog": there the terminal gets nothing, and syslog
 * must still tell what changed, where, and under which change ID (for
 * 'amlhosts rollback ID').
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#ifdef HAVE_SYSLOG_H
#include <syslog.h>
#endif

#include "cli/cmd.h"
#include "base/platform.h" /* Windows: no syslog */
#include "base/quote.h"

/* The entries of block at of hf, or -1 when there is no such block (at < 0)
 * or they do not parse. */
static long
block_count(const struct hostsfile *hf, long at)
{
	struct entry_list l;
	long n = -1;

	if (at < 0)
		return -1;
	entry_list_init(&l);
	if (hostsfile_block_entries(hf, (size_t)at, &l, NULL, NULL) == 0)
		n = (long)l.n;
	entry_list_release(&l);
	return n;
}

/* Append " NAME: N entries (was M)," for a block whose bytes changed; the
 * entries are counted only then. */
static void
describe_block(struct buf *line, const char *name, const struct hostsfile *before,
    int have_before, const struct hostsfile *after, int have_after)
{
	long b = have_before ? hostsfile_find_block(before, name) : -1;
	long a = have_after ? hostsfile_find_block(after, name) : -1;
	long was, now;
	char hb[65], ha[65];

	if (b >= 0 && a >= 0) {
		hostsfile_block_hash(before, (size_t)b, hb);
		hostsfile_block_hash(after, (size_t)a, ha);
		if (strcmp(hb, ha) == 0)
			return;
	}
	was = block_count(before, b);
	now = block_count(after, a);
	if (now < 0)
		buf_printf(line, " %s: removed,", name);
	else if (was < 0)
		buf_printf(line, " %s: %ld entries (new),", name, now);
	else
		buf_printf(line, " %s: %ld entries (was %ld),", name, now, was);
}

void
cmd_log_change(struct cmd_ctx *ctx, const struct hostsedit_result *r)
{
	struct hostsfile before, after;
	struct buf line = BUF_INIT;
	char *msg;
	int have_before, have_after;
	size_t i;

	if (!ctx->use_syslog || !r->changed || ctx->dry_run)
		return;
	memset(&before, 0, sizeof before);
	memset(&after, 0, sizeof after);
	/* Both parsed before (hostsedit_run checked them); a failure here
	 * only leaves the counts out. */
	have_before = hostsfile_parse(&before, r->before.data ? r->before.data : "",
	    r->before.len, NULL) == 0;
	have_after = hostsfile_parse(&after, r->after.data ? r->after.data : "",
	    r->after.len, NULL) == 0;
	buf_printf(&line, "%s: changed '%s' (change %ld):", ctx->cmd_name,
	    r->real_path ? r->real_path : ctx->conf.hosts_file, r->id);
	for (i = 0; have_after && i < after.nblocks; i++)
		describe_block(&line, after.blocks[i].name, &before, have_before, &after, 1);
	for (i = 0; have_before && i < before.nblocks; i++)
		if (!have_after || hostsfile_find_block(&after, before.blocks[i].name) < 0)
			describe_block(&line, before.blocks[i].name, &before, 1, &after, have_after);
	if (line.data[line.len - 1] == ',')
		line.data[--line.len] = '\0';
	else
		buf_printf(&line, " lines outside the blocks");
	/* One line whatever the path holds, as cmd_msg() does. */
	msg = quote_mem(line.data, line.len, 0, QUOTE_KEEP_BACKSLASH);
	syslog(LOG_NOTICE, "%s", msg);
	free(msg);
	if (have_before)
		hostsfile_release(&before);
	if (have_after)
		hostsfile_release(&after);
	buf_release(&line);
}
