/*
 * cmd-status.c - list the managed blocks of the hosts file: entries,
 * disabled prior lines, the last change and whether the block was edited
 * by hand since. Read-only and lock-free, so it works unprivileged.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "state/atomicfile.h"
#include "cli/cmd.h"
#include "cli/output.h"
#include "state/journal.h"

struct block_status {
	const char *name;
	size_t entries;
	size_t disabled;
	const struct journal_record *last; /* last change to this block */
	const char *edited;                /* "yes", "no", "unknown" */
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Did record r set out to change block name? A record of named targets
 * (apply, remove) changes only those; one of the whole file ("-":
 * uninstall, rollback) may change any. *sorted holds r's targets once
 * asked for, sorted for bsearch: an apply of every target of a large file
 * names them all. */
static int
record_names(const struct journal_record *r, struct strlist *sorted, const char *name)
{
	if (strcmp(r->targets, "-") == 0)
		return 1;
	if (sorted->n == 0) {
		strlist_split_commas(sorted, r->targets);
		if (sorted->n > 1)
			qsort(sorted->v, sorted->n, sizeof *sorted->v, cmp_str);
	}
	return bsearch(&name, sorted->v, sorted->n, sizeof *sorted->v, cmp_str) != NULL;
}

/*
 * For every block: the newest record after which its recorded hash changed
 * and which was about the block (a block another target's apply found in the
 * file is in that record's list, unchanged or not: that was no change to
 * it), and the hash last recorded (empty if none). One pass over the
 * records, each record's block list indexed once, so a file with many
 * blocks and a journal whose records list them all stays linear.
 */
static void
last_changes(const struct journal *j, const char *hosts, struct block_status *bs,
    size_t nblocks, char (*hash)[65])
{
	struct journal_blocks jb;
	struct strlist targets = STRLIST_INIT;
	const char *cur;
	size_t i, b;

	for (b = 0; b < nblocks; b++)
		hash[b][0] = '\0';
	for (i = 0; i < j->n; i++) {
		if (strcmp(j->v[i].hosts, hosts) != 0)
			continue;
		journal_blocks_index(&jb, &j->v[i]);
		for (b = 0; b < nblocks; b++) {
			cur = journal_blocks_get(&jb, bs[b].name);
			if (cur == NULL ? hash[b][0] != '\0' :
			    hash[b][0] == '\0' || memcmp(cur, hash[b], 64) != 0) {
				if (record_names(&j->v[i], &targets, bs[b].name))
					bs[b].last = &j->v[i];
				if (cur == NULL)
					hash[b][0] = '\0';
				else {
					memcpy(hash[b], cur, 64);
					hash[b][64] = '\0';
				}
			}
		}
		journal_blocks_release(&jb);
		strlist_release(&targets);
	}
}

/* The text table: header and rows share the columns. */
#define STATUS_ROW "%-24s %7s %8s  %-30s %s\n"

static int
status_text(struct cmd_ctx *ctx, const char *hosts, const struct block_status *bs, size_t n)
{
	struct buf out = BUF_INIT;
	char entries[24], disabled[24], last[64], when[32];
	size_t i;
	int rc;

	if (n == 0)
		buf_printf(&out, "no amlhosts blocks in '%s'\n", hosts);
	else
		buf_printf(&out, STATUS_ROW, "TARGET", "ENTRIES", "DISABLED", "LAST CHANGE",
		    "EDITED");
	for (i = 0; i < n; i++) {
		snprintf(entries, sizeof entries, "%zu", bs[i].entries);
		snprintf(disabled, sizeof disabled, "%zu", bs[i].disabled);
		snprintf(last, sizeof last, "unknown");
		if (bs[i].last != NULL) {
			journal_format_time(bs[i].last->time, when);
			snprintf(last, sizeof last, "%s (#%ld)", when, bs[i].last->id);
		}
		buf_printf(&out, STATUS_ROW, bs[i].name, entries, disabled, last, bs[i].edited);
	}
	rc = output_buf(ctx, &out);
	buf_release(&out);
	return rc;
}

static int
status_json(struct cmd_ctx *ctx, const char *hosts, const struct block_status *bs, size_t n)
{
	json_error_t jerr;
	json_t *root = json_pack_ex(&jerr, 0, "{s:s, s:[]}", "hosts_file", hosts, "blocks");
	json_t *arr = root ? json_object_get(root, "blocks") : NULL;
	char when[32];
	size_t i;
	int rc;

	if (root == NULL)
		return output_json_refused(ctx, &jerr, "the hosts file's path");
	if (arr == NULL)
		out_of_memory();
	for (i = 0; i < n; i++) {
		json_t *b = json_pack_ex(&jerr, 0, "{s:s, s:I, s:I, s:s}", "target", bs[i].name,
		    "entries", (json_int_t)bs[i].entries,
		    "disabled_lines", (json_int_t)bs[i].disabled, "edited", bs[i].edited);

		if (b == NULL) {
			json_decref(root);
			return output_json_refused(ctx, &jerr, "a block's target name");
		}
		if (bs[i].last != NULL) {
			journal_format_time(bs[i].last->time, when);
			json_object_set_new(b, "last_change_id", json_integer(bs[i].last->id));
			json_object_set_new(b, "last_change_time", json_string(when));
		}
		if (json_array_append_new(arr, b) != 0)
			out_of_memory();
	}
	rc = output_json(ctx, root);
	json_decref(root);
	return rc;
}

/* How many times status reads a hosts file that another program keeps
 * changing (or cutting short under its mapping, base/filemap.h) while
 * status reads it, before it gives up. */
#define STATUS_TRIES 3

/*
 * One read of the hosts file: its blocks counted and judged against the
 * journal j (NULL: none to judge by), and printed. 0 printed; 1 the file
 * changed while it was read (its mapping torn, or written in place, or
 * replaced), so nothing was printed and it is to be read again; -1 failed,
 * with *cause set (or NULL: output reported it).
 */
static int
status_once(struct cmd_ctx *ctx, const struct journal *j, char **cause)
{
	struct atomicfile af;
	struct file_bytes content;
	struct hostsfile hf;
	struct entry_list el = ENTRY_LIST_INIT;
	struct block_status *bs = NULL;
	char (*recorded)[65] = NULL, now[65];
	int rc = -1, loaded = 0, parsed = 0;
	size_t i, *disabled = NULL;

	atomicfile_init(&af);
	file_bytes_init(&content);
	memset(&hf, 0, sizeof hf);
	if (atomicfile_open(&af, ctx->conf.hosts_file, &content, cause) != 0)
		goto judged;
	loaded = 1;
	if (hostsfile_parse(&hf, content.data, content.len, cause) != 0) {
		char *why = *cause;

		*cause = xasprintf("'%s': %s", ctx->conf.hosts_file, why);
		free(why);
		goto judged;
	}
	parsed = 1;
	bs = xcalloc(hf.nblocks + 1, sizeof *bs);
	disabled = xcalloc(hf.nblocks + 1, sizeof *disabled);
	hostsfile_count_disabled_blocks(&hf, disabled);
	recorded = xcalloc(hf.nblocks + 1, sizeof *recorded);
	for (i = 0; i < hf.nblocks; i++)
		bs[i].name = hf.blocks[i].name;
	if (j != NULL)
		last_changes(j, af.real, bs, hf.nblocks, recorded);
	for (i = 0; i < hf.nblocks; i++) {
		entry_list_init(&el);
		hostsfile_block_entries(&hf, i, &el, NULL, NULL);
		bs[i].entries = el.n;
		entry_list_release(&el);
		bs[i].disabled = disabled[i];
		bs[i].edited = "unknown";
		if (j != NULL && recorded[i][0] != '\0') {
			hostsfile_block_hash(&hf, i, now);
			bs[i].edited = strcmp(now, recorded[i]) == 0 ? "no" : "yes";
		}
	}
	rc = 0;
judged:
	/* Everything above that read the file's bytes read zeros past the
	 * cut if another program cut it short under the mapping (torn; or,
	 * within the last page, no fault at all but a smaller size now), or a
	 * mix of old and new bytes if it wrote in place: a parse error or a
	 * table, neither is the file's. Nothing below reads the bytes (block
	 * names are copies). */
	if (loaded && atomicfile_changed(&af)) {
		free(*cause);
		*cause = NULL;
		rc = 1;
	} else if (rc == 0 && (ctx->json ? status_json(ctx, af.real, bs, hf.nblocks) :
	    status_text(ctx, af.real, bs, hf.nblocks)) != 0)
		rc = -1;
	free(bs);
	free(disabled);
	free(recorded);
	if (parsed)
		hostsfile_release(&hf);
	file_bytes_release(&content);
	atomicfile_release(&af);
	return rc;
}

static int
cmd_status_exec(struct cmd_ctx *ctx)
{
	struct journal j = { NULL, 0 };
	struct state st;
	char *cause = NULL;
	int have_journal, opened, got = 1, try;

	/* The state directory is opened once and read only where it is
	 * held (never through a link; as root, only a directory of root's):
	 * one that cannot be trusted has no journal and no marker to tell
	 * of, as one that is not there. */
	state_init(&st);
	opened = state_open_read(&st, ctx->conf.state_dir, NULL) >= 0;
	/* status takes no lock, so it does not repair; before the parse,
	 * which a torn file may fail. */
	if (opened && journal_in_place_pending_held(&st, ctx->conf.state_dir))
		cmd_msg(ctx, CMD_MSG_WARN, "an in-place change to the hosts file was interrupted, so it "
		    "may be part-written: the next apply, remove, uninstall or rollback completes "
		    "or takes it back");
	/* Without read access to the state directory, say "unknown". */
	have_journal = opened && journal_read_held(&st, ctx->conf.state_dir, &j, NULL) == 0;
	state_close(&st);
	for (try = 1; try <= STATUS_TRIES && got == 1; try++)
		got = status_once(ctx, have_journal ? &j : NULL, &cause);
	if (got == 1)
		cause = xasprintf("another program kept changing '%s' while amlhosts read it "
		    "(%d tries): try again when it is done", ctx->conf.hosts_file, STATUS_TRIES);
	if (cause != NULL)
		cmd_error(ctx, "%s", cause);
	free(cause);
	journal_release(&j);
	return got == 0 ? EXIT_OK : EXIT_FAIL;
}

const struct cmd_entry cmd_status_entry = {
	"status", "",
	"list the managed blocks: entries, disabled lines, last change, hand edits",
	NULL,
	0,
	cmd_status_exec,
};
