/* Unit tests of the journal: records, backups, pruning, the lock. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/journal.h"
#include "base/fileread.h"
#include "state/statedir.h"
#include "base/platform.h"
#include "unit/cunit_main.h"
#include "unit/state/unit_tmp.h"

/* "<a new temporary directory>/state", not yet created. */
static char *
make_tempdir(void)
{
	char *tmp = unit_tempdir(), *state = xasprintf("%s/state", tmp);

	free(tmp);
	return state;
}

static void
remove_tree(const char *state)
{
	char *parent = xstrndup(state, strlen(state) - strlen("/state"));

	unit_remove_tree(parent);
	free(parent);
}

static void
record(struct state *s, const char *cmd, const char *before, const char *after,
    const char *blocks, long want_id)
{
	struct journal_record r;
	char *cause = NULL;

	memset(&r, 0, sizeof r);
	r.command = (char *)cmd;
	r.targets = (char *)"ws";
	r.hosts = (char *)"/tmp/hosts";
	r.blocks = (char *)blocks;
	sha256_hex(before, strlen(before), r.before);
	sha256_hex(after, strlen(after), r.after);
	CU_ASSERT_EQUAL(journal_record_change(s, &r, before, strlen(before), &cause), 0);
	CU_ASSERT_EQUAL(r.id, want_id);
	free(cause);
}

static void
test_record_and_read(void)
{
	struct state s;
	struct journal j;
	struct buf b = BUF_INIT;
	char *dir = make_tempdir(), *cause = NULL, hash[65];
	const struct journal_record *last;
	struct stat st;

	state_init(&s);
	CU_ASSERT_EQUAL_FATAL(state_open(&s, dir, &cause), 0);
	CU_ASSERT_EQUAL(stat(dir, &st), 0);
#ifndef _WIN32
	/* (On Windows the ACL decides; the mode bits say nothing.) */
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0700);
#endif
	CU_ASSERT_EQUAL(state_lock(&s, 1, &cause), 0);
	record(&s, "apply", "one\n", "two\n", "ws:" "0000000000000000000000000000000000000000000000000000000000000000", 1);
	record(&s, "remove", "two\n", "three\n", "-", 2);

	CU_ASSERT_EQUAL_FATAL(journal_read(dir, &j, &cause), 0);
	CU_ASSERT_EQUAL(j.n, 2);
	last = journal_last_for(&j, "/tmp/hosts");
	CU_ASSERT_PTR_NOT_NULL_FATAL(last);
	CU_ASSERT_EQUAL(last->id, 2);
	CU_ASSERT_STRING_EQUAL(last->command, "remove");
	CU_ASSERT_PTR_NULL(journal_last_for(&j, "/etc/other"));
	CU_ASSERT_EQUAL(journal_block_hash(&j.v[0], "ws", hash), 0);
	CU_ASSERT_EQUAL(hash[0], '0');
	CU_ASSERT_NOT_EQUAL(journal_block_hash(&j.v[1], "ws", hash), 0);

	CU_ASSERT_EQUAL(journal_load_backup(dir, &j.v[0], &b, &cause), 0);
	CU_ASSERT_STRING_EQUAL(b.data, "one\n");
	buf_release(&b);

	/* forgetting the last record takes back both line and backup */
	record(&s, "apply", "three\n", "four\n", "-", 3);
	journal_forget_change(&s, 3);
	journal_release(&j);
	CU_ASSERT_EQUAL(journal_read(dir, &j, &cause), 0);
	CU_ASSERT_EQUAL(j.n, 2);
	journal_release(&j);

	state_close(&s);
	remove_tree(dir);
	free(dir);
	free(cause);
}

#ifndef _WIN32
/* (Re)read hosts into af and content, as a run's atomicfile_open(). */
static void
read_hosts(struct atomicfile *af, const char *hosts, struct file_bytes *content)
{
	char *cause = NULL;

	atomicfile_release(af); /* atomicfile_open() releases content */
	CU_ASSERT_EQUAL_FATAL(atomicfile_open(af, hosts, content, &cause), 0);
	free(cause);
}

/* Record r as the change of the file af read (content), replaced by
 * rename; how the backup was made. */
static enum atomicfile_backup
record_of(struct state *s, struct journal_record *r, const struct atomicfile *af,
    const struct file_bytes *content)
{
	enum atomicfile_backup how = ATOMICFILE_BACKUP_COPY;
	char *cause = NULL;

	r->hosts = af->real;
	CU_ASSERT_EQUAL_FATAL(journal_record_change_of(s, r, af, content->data, content->len, 0,
	    &how, &cause), 0);
	free(cause);
	return how;
}

/* The backup of a file that will be replaced by rename is its old inode;
 * while the hosts file is still that inode, the change never landed, and
 * the record is taken back without hashing the file (here its "before"
 * hash is wrong on purpose: only the inode can have told). A file with a
 * second name gets a separate backup. */
static void
test_linked_backup(void)
{
	struct state s;
	struct atomicfile af;
	struct journal_record r;
	struct file_bytes content;
	struct buf b = BUF_INIT;
	char *dir = make_tempdir(), *cause = NULL, *hosts, *backup, *other;
	struct stat hs, bs;
	struct journal_recovery got;

	hosts = xasprintf("%.*s/hosts", (int)(strlen(dir) - strlen("/state")), dir);
	other = xasprintf("%s.other", hosts);
	CU_ASSERT_EQUAL_FATAL(atomicfile_write_new(hosts, "old\n", 4, 0644, &cause), 0);
	state_init(&s);
	CU_ASSERT_EQUAL_FATAL(state_open(&s, dir, &cause), 0);
	CU_ASSERT_EQUAL_FATAL(state_lock(&s, 1, &cause), 0);
	atomicfile_init(&af);
	file_bytes_init(&content);
	read_hosts(&af, hosts, &content);

	memset(&r, 0, sizeof r);
	r.command = (char *)"apply";
	r.targets = (char *)"ws";
	r.blocks = (char *)"-";
	sha256_hex("not these bytes", 15, r.before);
	sha256_hex("new\n", 4, r.after);
	CU_ASSERT_EQUAL(record_of(&s, &r, &af, &content), ATOMICFILE_BACKUP_LINK);
	backup = statedir_backup_path(dir, r.id);
	CU_ASSERT_EQUAL(stat(hosts, &hs), 0);
	CU_ASSERT_EQUAL(stat(backup, &bs), 0);
	CU_ASSERT_EQUAL(hs.st_ino, bs.st_ino);
	CU_ASSERT_EQUAL(journal_drop_unfinished(&s, &af, content.data, content.len,
	    &got, &cause), 0);
	CU_ASSERT_EQUAL(got.dropped, r.id);
	CU_ASSERT_NOT_EQUAL(access(backup, F_OK), 0);
	free(backup);

	/* Landed: the hosts file is a new inode, the backup is read-only. */
	sha256_hex("old\n", 4, r.before);
	CU_ASSERT_EQUAL(record_of(&s, &r, &af, &content), ATOMICFILE_BACKUP_LINK);
	CU_ASSERT_EQUAL_FATAL(atomicfile_replace(&af, "new\n", 4, 0, &cause), 0);
	journal_seal_backup(&s, r.id);
	backup = statedir_backup_path(dir, r.id);
	CU_ASSERT_EQUAL(stat(backup, &bs), 0);
	CU_ASSERT_EQUAL(bs.st_mode & 0777, ATOMICFILE_BACKUP_MODE);
	CU_ASSERT_EQUAL(stat(hosts, &hs), 0);
	CU_ASSERT_EQUAL(hs.st_mode & 0777, 0644);
	/* The next run reads the new inode. */
	read_hosts(&af, hosts, &content);
	CU_ASSERT(content.len == 4 && memcmp(content.data, "new\n", 4) == 0);
	CU_ASSERT_EQUAL(journal_drop_unfinished(&s, &af, content.data, content.len,
	    &got, &cause), 0);
	CU_ASSERT_EQUAL(got.dropped, 0);
	CU_ASSERT_EQUAL(file_read(backup, FILE_READ_REGULAR, 1024, &b, NULL, NULL, &cause), 0);
	CU_ASSERT_EQUAL(b.len, 4);
	CU_ASSERT(b.len == 4 && memcmp(b.data, "old\n", 4) == 0);
	free(backup);

	/* Two names: the old inode stays live under the other one. */
	CU_ASSERT_EQUAL_FATAL(link(hosts, other), 0);
	read_hosts(&af, hosts, &content);
	sha256_hex("new\n", 4, r.before);
	CU_ASSERT_NOT_EQUAL(record_of(&s, &r, &af, &content), ATOMICFILE_BACKUP_LINK);
	backup = statedir_backup_path(dir, r.id);
	CU_ASSERT_EQUAL(stat(backup, &bs), 0);
	CU_ASSERT_EQUAL(stat(other, &hs), 0);
	CU_ASSERT_NOT_EQUAL(hs.st_ino, bs.st_ino);
	CU_ASSERT_EQUAL(bs.st_mode & 0777, ATOMICFILE_BACKUP_MODE);
	free(backup);
	atomicfile_release(&af);

	state_close(&s);
	file_bytes_release(&content);
	buf_release(&b);
	remove_tree(dir);
	free(hosts);
	free(other);
	free(dir);
	free(cause);
}

/* Overwrite hosts through its own inode, as an in-place write torn by a
 * kill leaves it. */
static void
write_inode(const char *hosts, const char *bytes)
{
	FILE *f = fopen(hosts, "r+");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fputs(bytes, f) >= 0, 1);
	CU_ASSERT_EQUAL(fclose(f), 0);
}

/* The number of records in dir's journal. */
static size_t
records_in(const char *dir)
{
	struct journal j;
	char *cause = NULL;
	size_t n;

	CU_ASSERT_EQUAL_FATAL(journal_read(dir, &j, &cause), 0);
	n = j.n;
	journal_release(&j);
	free(cause);
	return n;
}

/* A record names the inode its change lands as (the temporary file,
 * created before the record): a file that is that inode is a change that
 * landed, even holding the record's "before" bytes again (written back in
 * place), which the hashing rule would take for a change that never
 * happened. A change whose temporary file never replaced the file (the
 * run killed before the rename: the file still the backup's inode) is
 * taken back, as before. */
static void
test_new_inode(void)
{
	struct state s;
	struct atomicfile af, next;
	struct journal_record r;
	struct journal j;
	struct journal_recovery got;
	struct file_bytes content, content2;
	struct stat ts, hs;
	char *dir = make_tempdir(), *cause = NULL, *hosts, *journal, *backup;

	hosts = xasprintf("%.*s/hosts", (int)(strlen(dir) - strlen("/state")), dir);
	journal = statedir_journal_path(dir);
	CU_ASSERT_EQUAL_FATAL(atomicfile_write_new(hosts, "old\n", 4, 0644, &cause), 0);
	state_init(&s);
	CU_ASSERT_EQUAL_FATAL(state_open(&s, dir, &cause), 0);
	CU_ASSERT_EQUAL_FATAL(state_lock(&s, 1, &cause), 0);
	atomicfile_init(&af);
	atomicfile_init(&next);
	file_bytes_init(&content);
	file_bytes_init(&content2);
	read_hosts(&af, hosts, &content);

	memset(&r, 0, sizeof r);
	r.command = (char *)"apply";
	r.targets = (char *)"ws";
	r.blocks = (char *)"-";
	sha256_hex("old\n", 4, r.before);
	sha256_hex("new\n", 4, r.after);
	/* The temporary file first: its inode goes into the record. */
	CU_ASSERT_EQUAL_FATAL(atomicfile_prepare(&af, 0, &cause), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(af.tmp);
	CU_ASSERT_EQUAL_FATAL(fstatat(af.dirfd, af.tmp, &ts, AT_SYMLINK_NOFOLLOW), 0);
	CU_ASSERT_EQUAL(af.tmp_ino, (unsigned long long)ts.st_ino);
	CU_ASSERT_EQUAL(af.tmp_dev, (unsigned long long)ts.st_dev);
	CU_ASSERT_EQUAL(ts.st_mode & 0777, 0644);
	r.new_dev = af.tmp_dev;
	r.new_ino = af.tmp_ino;
	record_of(&s, &r, &af, &content);
	{
		char *item = xasprintf("\t-,inode=%llu.%llu\n", r.new_dev, r.new_ino);
		struct buf b = BUF_INIT;

		CU_ASSERT_EQUAL(file_read(journal, FILE_READ_REGULAR, 4096, &b, NULL, NULL,
		    &cause), 0);
		CU_ASSERT_PTR_NOT_NULL(b.data != NULL ? strstr(b.data, item) : NULL);
		buf_release(&b);
		free(item);
	}
	/* Read back: the item is taken out of blocks, which is as before. */
	CU_ASSERT_EQUAL_FATAL(journal_read(dir, &j, &cause), 0);
	CU_ASSERT_EQUAL_FATAL(j.n, 1);
	CU_ASSERT_STRING_EQUAL(j.v[0].blocks, "-");
	CU_ASSERT_EQUAL(j.v[0].new_dev, r.new_dev);
	CU_ASSERT_EQUAL(j.v[0].new_ino, r.new_ino);
	journal_release(&j);

	/* Landed (the prepared temporary file renamed over the file), then
	 * the old bytes written back through the new inode. */
	CU_ASSERT_EQUAL_FATAL(atomicfile_replace(&af, "new\n", 4, 0, &cause), 0);
	CU_ASSERT_EQUAL(stat(hosts, &hs), 0);
	CU_ASSERT_EQUAL((unsigned long long)hs.st_ino, r.new_ino);
	write_inode(hosts, "old\n");
	read_hosts(&af, hosts, &content);
	CU_ASSERT(content.len == 4 && memcmp(content.data, "old\n", 4) == 0);
	CU_ASSERT_EQUAL(journal_drop_unfinished(&s, &af, content.data, content.len,
	    &got, &cause), 0);
	CU_ASSERT_EQUAL(got.dropped, 0);
	CU_ASSERT_EQUAL(records_in(dir), 1);
	backup = statedir_backup_path(dir, r.id);
	CU_ASSERT_EQUAL(access(backup, F_OK), 0);
	free(backup);

	/* Killed between the record and the rename: the temporary file is
	 * left (the next run removes it), the file is the backup's inode. */
	CU_ASSERT_EQUAL_FATAL(atomicfile_prepare(&af, 0, &cause), 0);
	r.new_dev = af.tmp_dev;
	r.new_ino = af.tmp_ino;
	CU_ASSERT_EQUAL(record_of(&s, &r, &af, &content), ATOMICFILE_BACKUP_LINK);
	CU_ASSERT_EQUAL(records_in(dir), 2);
	read_hosts(&next, hosts, &content2);
	atomicfile_remove_stale(&next);
	CU_ASSERT_NOT_EQUAL(fstatat(af.dirfd, af.tmp, &ts, AT_SYMLINK_NOFOLLOW), 0);
	CU_ASSERT_EQUAL(journal_drop_unfinished(&s, &next, content2.data, content2.len,
	    &got, &cause), 0);
	CU_ASSERT_EQUAL(got.dropped, r.id);
	CU_ASSERT_EQUAL(records_in(dir), 1);
	backup = statedir_backup_path(dir, r.id);
	CU_ASSERT_NOT_EQUAL(access(backup, F_OK), 0);
	free(backup);
	CU_ASSERT_TRUE(unit_file_is(hosts, "old\n"));
	/* Released after the next run removed it: nothing else goes. */
	atomicfile_release(&af);
	CU_ASSERT_TRUE(unit_file_is(hosts, "old\n"));

	atomicfile_release(&next);
	state_close(&s);
	file_bytes_release(&content);
	file_bytes_release(&content2);
	remove_tree(dir);
	free(hosts);
	free(journal);
	free(dir);
	free(cause);
}

/* A record of an earlier version (no inode item) parses as it did and is
 * judged by hashing: a change that landed is kept while the file holds
 * other bytes, and taken back once it holds the "before" bytes again.
 * An item that only looks like the inode's stays in blocks, unknown. */
static void
test_old_record(void)
{
	struct state s;
	struct atomicfile af;
	struct journal j;
	struct journal_recovery got;
	struct file_bytes content;
	char *dir = make_tempdir(), *cause = NULL, *hosts, *journal, *backup, *line;
	char before[65], after[65];
	const char *hash64 = "ws:0000000000000000000000000000000000000000000000000000000000000000";

	hosts = xasprintf("%.*s/hosts", (int)(strlen(dir) - strlen("/state")), dir);
	journal = statedir_journal_path(dir);
	backup = statedir_backup_path(dir, 1);
	CU_ASSERT_EQUAL_FATAL(atomicfile_write_new(hosts, "new\n", 4, 0644, &cause), 0);
	state_init(&s);
	CU_ASSERT_EQUAL_FATAL(state_open(&s, dir, &cause), 0);
	CU_ASSERT_EQUAL_FATAL(state_lock(&s, 1, &cause), 0);
	/* As an earlier version left them: change 1 old -> new landed. */
	sha256_hex("old\n", 4, before);
	sha256_hex("new\n", 4, after);
	line = xasprintf("1\t1700000000\tapply\tws\t%s\t%s\t%s\t%s\n"
	    "2\t1700000001\tapply\tws\t/elsewhere\t%s\t%s\t%s,inode=x.1\n"
	    "3\t1700000002\tapply\tws\t/elsewhere\t%s\t%s\t-,inode=5.0\n",
	    hosts, before, after, hash64, before, after, hash64, before, after);
	unit_write_file(journal, line);
	free(line);
	unit_write_file(backup, "old\n");
	CU_ASSERT_EQUAL_FATAL(journal_read(dir, &j, &cause), 0);
	CU_ASSERT_EQUAL_FATAL(j.n, 3);
	CU_ASSERT_STRING_EQUAL(j.v[0].blocks, hash64);
	CU_ASSERT_EQUAL(j.v[0].new_ino, 0);
	CU_ASSERT_EQUAL(j.v[0].new_dev, 0);
	CU_ASSERT_TRUE(strcmp(j.v[1].blocks, hash64) != 0 &&
	    strncmp(j.v[1].blocks, hash64, strlen(hash64)) == 0);
	CU_ASSERT_EQUAL(j.v[1].new_ino, 0);
	CU_ASSERT_STRING_EQUAL(j.v[2].blocks, "-,inode=5.0");
	CU_ASSERT_EQUAL(j.v[2].new_ino, 0);
	journal_release(&j);
	/* Only the last record is judged: the first alone, for this file. */
	line = xasprintf("1\t1700000000\tapply\tws\t%s\t%s\t%s\t%s\n", hosts, before, after,
	    hash64);
	unit_write_file(journal, line);
	free(line);

	atomicfile_init(&af);
	file_bytes_init(&content);
	read_hosts(&af, hosts, &content);
	CU_ASSERT_EQUAL(journal_drop_unfinished(&s, &af, content.data, content.len,
	    &got, &cause), 0);
	CU_ASSERT_EQUAL(got.dropped, 0);
	CU_ASSERT_EQUAL(records_in(dir), 1);
	/* The "before" bytes again: by hashing, a change that never landed. */
	write_inode(hosts, "old\n");
	read_hosts(&af, hosts, &content);
	CU_ASSERT_EQUAL(journal_drop_unfinished(&s, &af, content.data, content.len,
	    &got, &cause), 0);
	CU_ASSERT_EQUAL(got.dropped, 1);
	CU_ASSERT_EQUAL(records_in(dir), 0);
	CU_ASSERT_NOT_EQUAL(access(backup, F_OK), 0);
	atomicfile_release(&af);

	state_close(&s);
	file_bytes_release(&content);
	remove_tree(dir);
	free(hosts);
	free(journal);
	free(backup);
	free(dir);
	free(cause);
}

/* Record the change old -> new of hosts as an in-place write (af taken
 * for a bind mount: the backup is a copy) and mark it under way. */
static void
begin_in_place(struct state *s, struct journal_record *r, struct atomicfile *af,
    const char *hosts, struct file_bytes *content)
{
	/* The new bytes as a rewrite hands them over: in pieces (an empty one
	 * too), kept joined; a finished change gives back "new bytes\n". */
	static const struct hosts_seg segs[] = {
		{ "new ", 0, 4 }, { "", 0, 0 }, { "by", 0, 2 }, { "tes\n", 0, 4 },
	};
	enum atomicfile_backup how;
	char *cause = NULL;

	read_hosts(af, hosts, content);
	af->bind_mount = 1;
	r->hosts = af->real;
	CU_ASSERT_EQUAL_FATAL(journal_record_change_of(s, r, af, content->data, content->len,
	    1, &how, &cause), 0);
	CU_ASSERT_EQUAL(how == ATOMICFILE_BACKUP_LINK, 0);
	CU_ASSERT_EQUAL_FATAL(journal_begin_in_place(s, r->id, af, segs,
	    sizeof segs / sizeof segs[0], &cause), 0);
	free(cause);
}

/* What a kill during an in-place write leaves is taken back when the file
 * is still old, finished when it is torn, left alone when the path is now
 * another file, and refused when the saved new bytes are damaged. */
static void
test_in_place_recovery(void)
{
	struct state s;
	struct atomicfile af;
	struct journal_record r;
	struct journal j;
	struct journal_recovery got;
	struct file_bytes content;
	char *dir = make_tempdir(), *cause = NULL, *hosts, *mark, *data;

	hosts = xasprintf("%.*s/hosts", (int)(strlen(dir) - strlen("/state")), dir);
	mark = xasprintf("%s/in-place", dir);
	data = xasprintf("%s/in-place.new", dir);
	CU_ASSERT_EQUAL_FATAL(atomicfile_write_new(hosts, "old\n", 4, 0644, &cause), 0);
	state_init(&s);
	CU_ASSERT_EQUAL_FATAL(state_open(&s, dir, &cause), 0);
	CU_ASSERT_EQUAL_FATAL(state_lock(&s, 1, &cause), 0);
	atomicfile_init(&af);
	file_bytes_init(&content);
	memset(&r, 0, sizeof r);
	r.command = (char *)"apply";
	r.targets = (char *)"ws";
	r.blocks = (char *)"-";
	sha256_hex("old\n", 4, r.before);
	sha256_hex("new bytes\n", 10, r.after);

	/* Killed before the first byte: taken back like any change. */
	begin_in_place(&s, &r, &af, hosts, &content);
	CU_ASSERT_EQUAL(access(mark, F_OK), 0);
	CU_ASSERT_EQUAL(journal_drop_unfinished(&s, &af, content.data, content.len,
	    &got, &cause), 0);
	CU_ASSERT_EQUAL(got.dropped, r.id);
	CU_ASSERT_EQUAL(got.in_place, 1);
	CU_ASSERT_EQUAL(got.completed, 0);
	CU_ASSERT_NOT_EQUAL(access(mark, F_OK), 0);
	CU_ASSERT_NOT_EQUAL(access(data, F_OK), 0);

	/* Torn: finished from the saved bytes, the record kept. */
	begin_in_place(&s, &r, &af, hosts, &content);
	write_inode(hosts, "new");
	read_hosts(&af, hosts, &content);
	af.bind_mount = 1;
	CU_ASSERT_EQUAL(journal_drop_unfinished(&s, &af, content.data, content.len,
	    &got, &cause), 0);
	CU_ASSERT_EQUAL(got.completed, r.id);
	CU_ASSERT_EQUAL(got.dropped, 0);
	read_hosts(&af, hosts, &content);
	CU_ASSERT(content.len == 10 && memcmp(content.data, "new bytes\n", 10) == 0);
	CU_ASSERT_NOT_EQUAL(access(mark, F_OK), 0);
	CU_ASSERT_EQUAL_FATAL(journal_read(dir, &j, &cause), 0);
	CU_ASSERT(j.n == 1 && j.v[0].id == r.id);
	journal_release(&j);

	/* The saved bytes damaged: refused, the torn file left as it is. */
	CU_ASSERT_EQUAL_FATAL(atomicfile_write_new(hosts, "old\n", 4, 0644, &cause), 0);
	begin_in_place(&s, &r, &af, hosts, &content);
	write_inode(hosts, "new");
	CU_ASSERT_EQUAL_FATAL(atomicfile_write_new(data, "new bytez\n", 10, 0600, &cause), 0);
	read_hosts(&af, hosts, &content);
	CU_ASSERT_EQUAL(journal_drop_unfinished(&s, &af, content.data, content.len,
	    &got, &cause), -1);
	CU_ASSERT_PTR_NOT_NULL(cause != NULL ? strstr(cause, "back by hand") : NULL);
	free(cause);
	cause = NULL;
	read_hosts(&af, hosts, &content);
	CU_ASSERT(content.len == 4 && memcmp(content.data, "new\n", 4) == 0);
	journal_end_in_place(&s);

	/* Another file at the path now: never written over. */
	CU_ASSERT_EQUAL_FATAL(atomicfile_write_new(hosts, "old\n", 4, 0644, &cause), 0);
	begin_in_place(&s, &r, &af, hosts, &content);
	CU_ASSERT_EQUAL_FATAL(atomicfile_write_new(hosts, "other\n", 6, 0644, &cause), 0);
	read_hosts(&af, hosts, &content);
	CU_ASSERT_EQUAL(journal_drop_unfinished(&s, &af, content.data, content.len,
	    &got, &cause), 0);
	CU_ASSERT_EQUAL(got.abandoned, r.id);
	CU_ASSERT_EQUAL(got.completed, 0);
	read_hosts(&af, hosts, &content);
	CU_ASSERT(content.len == 6 && memcmp(content.data, "other\n", 6) == 0);
	CU_ASSERT_NOT_EQUAL(access(mark, F_OK), 0);

	/* A marker that does not parse (an id past LONG_MAX, a size past the
	 * largest file, junk): nothing written, and it goes, or status would
	 * warn of it for ever. */
	{
		static const char *const bad[] = {
			"99999999999999999999 1 2 3\n", "1 2 3 99999999999999999999\n",
			"1 2 3 -1\n", "0 1 2 3\n", "1 2 3\n", "junk", "",
		};
		size_t i;

		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			CU_ASSERT_EQUAL_FATAL(atomicfile_write_new(data, "new bytes\n", 10, 0600,
			    &cause), 0);
			CU_ASSERT_EQUAL_FATAL(atomicfile_write_new(mark, bad[i], strlen(bad[i]),
			    0600, &cause), 0);
			CU_ASSERT_EQUAL(journal_in_place_pending(dir), 1);
			CU_ASSERT_EQUAL(journal_drop_unfinished(&s, &af, content.data,
			    content.len, &got, &cause), 0);
			CU_ASSERT_EQUAL(got.completed + got.abandoned, 0);
			CU_ASSERT_EQUAL(journal_in_place_pending(dir), 0);
			CU_ASSERT_NOT_EQUAL(access(data, F_OK), 0);
			read_hosts(&af, hosts, &content);
			CU_ASSERT(content.len == 6 && memcmp(content.data, "other\n", 6) == 0);
		}
	}
	atomicfile_release(&af);

	state_close(&s);
	file_bytes_release(&content);
	remove_tree(dir);
	free(hosts);
	free(mark);
	free(data);
	free(dir);
	free(cause);
}
#endif

#ifndef _WIN32
/* The state directory swapped for a link to another one after state_open:
 * taking a change back, sealing, pruning and removing what a killed run
 * left go to the directory held, and the other one's journal and backups
 * stay as they were. */
static void
test_state_dir_held(void)
{
	struct state s;
	char *dir = make_tempdir(), *cause = NULL, *gone, *other, *other_journal, *other_b1;
	char *held_b1, *held_b2;

	gone = xasprintf("%s.gone", dir);
	other = xasprintf("%s.other", dir);
	other_journal = xasprintf("%s/journal", other);
	other_b1 = xasprintf("%s/backups/1.hosts", other);
	held_b1 = xasprintf("%s/backups/1.hosts", gone);
	held_b2 = xasprintf("%s/backups/2.hosts", gone);
	state_init(&s);
	CU_ASSERT_EQUAL_FATAL(state_open(&s, other, &cause), 0);
	state_close(&s);
	unit_write_file(other_journal, "other journal\n");
	unit_write_file(other_b1, "other backup\n");
	CU_ASSERT_EQUAL_FATAL(state_open(&s, dir, &cause), 0);
	CU_ASSERT_EQUAL_FATAL(state_lock(&s, 1, &cause), 0);
	record(&s, "apply", "one\n", "two\n", "-", 1);
	record(&s, "apply", "two\n", "three\n", "-", 2);
	CU_ASSERT_EQUAL_FATAL(rename(dir, gone), 0);
	CU_ASSERT_EQUAL_FATAL(symlink(other, dir), 0);

	journal_forget_change(&s, 2);
	journal_seal_backup(&s, 1);
	CU_ASSERT_EQUAL(journal_prune(&s, 0, &cause), 0);
	CU_ASSERT_TRUE(unit_file_is(other_journal, "other journal\n"));
	CU_ASSERT_TRUE(unit_file_is(other_b1, "other backup\n"));
	/* What a killed run leaves: removed from the directories held only
	 * (the backup's and the in-place bytes' temporary files), and a file
	 * of another name kept. */
	{
		static const char *const temps[] = {
			"backups/.3.hosts.amlhosts-AbC123", ".in-place.amlhosts-AbC123",
			".in-place.new.amlhosts-AbC123",
		};
		char *p;
		size_t i;

		for (i = 0; i < sizeof temps / sizeof temps[0]; i++) {
			p = xasprintf("%s/%s", gone, temps[i]);
			unit_write_file(p, "x");
			free(p);
			p = xasprintf("%s/%s", other, temps[i]);
			unit_write_file(p, "x");
			free(p);
		}
		p = xasprintf("%s/.keep.amlhosts-AbC123", gone);
		unit_write_file(p, "x");
		journal_remove_stale(&s);
		CU_ASSERT_EQUAL(access(p, F_OK), 0);
		free(p);
		for (i = 0; i < sizeof temps / sizeof temps[0]; i++) {
			p = xasprintf("%s/%s", gone, temps[i]);
			CU_ASSERT_NOT_EQUAL(access(p, F_OK), 0);
			free(p);
			p = xasprintf("%s/%s", other, temps[i]);
			CU_ASSERT_EQUAL(access(p, F_OK), 0);
			free(p);
		}
	}
	/* Held: record 2 taken back (its backup gone, the journal one line),
	 * record 1's backup kept as the newest. */
	CU_ASSERT_TRUE(unit_file_is(held_b1, "one\n"));
	CU_ASSERT_NOT_EQUAL(access(held_b2, F_OK), 0);
	{
		struct journal j;

		CU_ASSERT_EQUAL_FATAL(journal_read(gone, &j, &cause), 0);
		CU_ASSERT(j.n == 1 && j.v[0].id == 1);
		journal_release(&j);
	}
	state_close(&s);
	CU_ASSERT_EQUAL(unlink(dir), 0);
	remove_tree(dir);
	free(dir);
	free(gone);
	free(other);
	free(other_journal);
	free(other_b1);
	free(held_b1);
	free(held_b2);
	free(cause);
}
#endif

#ifndef _WIN32
/* A state directory held (dir, opened, locked, with nrecords changes
 * "a\n" -> "b\n") and then swapped: moved to gone, and a link to other put
 * in its place. other is a state directory of its own whose journal does
 * not parse, whose backup 1 is a decoy ("decoy\n") and whose backups 7-9
 * are others ("other backup\n"). */
struct swapped {
	struct state s;
	char *dir, *gone, *other;
};

/* The link goes, then the directory that held them all. */
static void
swapped_teardown(struct swapped *w)
{
	state_close(&w->s);
	CU_ASSERT_EQUAL(unlink(w->dir), 0);
	remove_tree(w->dir);
	free(w->dir);
	free(w->gone);
	free(w->other);
}

static void
swapped_setup(struct swapped *w, long nrecords)
{
	char *cause = NULL, *p;
	long i;

	w->dir = make_tempdir();
	w->gone = xasprintf("%s.gone", w->dir);
	w->other = xasprintf("%s.other", w->dir);
	state_init(&w->s);
	CU_ASSERT_EQUAL_FATAL(state_open(&w->s, w->other, &cause), 0);
	state_close(&w->s);
	p = statedir_journal_path(w->other);
	unit_write_file(p, "other journal\n");
	free(p);
	for (i = 1; i <= 9; i += i == 1 ? 6 : 1) {
		p = statedir_backup_path(w->other, i);
		unit_write_file(p, i == 1 ? "decoy\n" : "other backup\n");
		free(p);
	}
	CU_ASSERT_EQUAL_FATAL(state_open(&w->s, w->dir, &cause), 0);
	CU_ASSERT_EQUAL_FATAL(state_lock(&w->s, 1, &cause), 0);
	for (i = 1; i <= nrecords; i++)
		record(&w->s, "apply", "a\n", "b\n", "-", i);
	CU_ASSERT_EQUAL_FATAL(rename(w->dir, w->gone), 0);
	CU_ASSERT_EQUAL_FATAL(symlink(w->other, w->dir), 0);
	free(cause);
}

/* The state directory swapped after state_open: the next change ID, the
 * journal read under the lock and the backups pruned are those of the
 * directory held; a read that holds none opens the path without following
 * the link, so it never shows the other journal. */
static void
test_state_reads_held(void)
{
	struct swapped w;
	struct journal j;
	char *cause = NULL, *p;
	int i;

	swapped_setup(&w, 3);
	/* the next ID follows the held journal's last (by path: malformed) */
	record(&w.s, "apply", "b\n", "c\n", "-", 4);
	CU_ASSERT_EQUAL(journal_read_held(&w.s, w.dir, &j, &cause), 0);
	CU_ASSERT(j.n == 4 && j.v[3].id == 4);
	journal_release(&j);
	/* by path, the link is refused, not followed to the other journal */
	CU_ASSERT_NOT_EQUAL(journal_read(w.dir, &j, &cause), 0);
	CU_ASSERT_TRUE(cause != NULL && strstr(cause, "is not a directory") != NULL);
	/* the held backups are listed and pruned, the other's stay */
	CU_ASSERT_EQUAL(journal_prune(&w.s, 1, &cause), 0);
	for (i = 1; i <= 4; i++) {
		p = statedir_backup_path(w.gone, i);
		CU_ASSERT_EQUAL(access(p, F_OK) == 0, i == 4);
		free(p);
	}
	for (i = 7; i <= 9; i++) {
		p = statedir_backup_path(w.other, i);
		CU_ASSERT_TRUE(unit_file_is(p, "other backup\n"));
		free(p);
	}
	swapped_teardown(&w);
	free(cause);
}

/* rollback's read of a backup under the lock: relative to the backups
 * directory held, so the state directory swapped for a link to another
 * (with a decoy backup of the same id) after state_open shows the real
 * backup, where the read by path refuses the link; a link or a directory
 * in the backup's place is refused. */
static void
test_backup_held(void)
{
	struct swapped w;
	struct journal j;
	struct buf b = BUF_INIT;
	char *cause = NULL, *backup, *moved;

	swapped_setup(&w, 1);
	backup = statedir_backup_path(w.gone, 1);
	moved = xasprintf("%s.real", backup);
	CU_ASSERT_EQUAL_FATAL(journal_read_held(&w.s, w.dir, &j, &cause), 0);
	CU_ASSERT_EQUAL_FATAL(j.n, 1);

	/* the swapped directory is not followed: the held backup is read */
	CU_ASSERT_EQUAL(journal_load_backup_held(&w.s, w.dir, &j.v[0], &b, &cause), 0);
	CU_ASSERT(b.len == 2 && memcmp(b.data, "a\n", 2) == 0);
	buf_release(&b);
	/* by path, the link in the state directory's place is refused */
	CU_ASSERT_NOT_EQUAL(journal_load_backup(w.dir, &j.v[0], &b, &cause), 0);
	CU_ASSERT_TRUE(cause != NULL && strstr(cause, "is not a directory") != NULL);
	buf_release(&b);
	free(cause);
	cause = NULL;
	CU_ASSERT_EQUAL(journal_load_backup_held(NULL, w.gone, &j.v[0], &b, &cause), 0);
	buf_release(&b);

	/* a link in the backup's place, in the directory held */
	CU_ASSERT_EQUAL_FATAL(rename(backup, moved), 0);
	CU_ASSERT_EQUAL_FATAL(symlink(moved, backup), 0);
	CU_ASSERT_NOT_EQUAL(journal_load_backup_held(&w.s, w.dir, &j.v[0], &b, &cause), 0);
	CU_ASSERT_TRUE(cause != NULL && strstr(cause, "symbolic link") != NULL);
	buf_release(&b);
	free(cause);
	cause = NULL;
	/* anything but a regular file */
	CU_ASSERT_EQUAL_FATAL(unlink(backup), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(backup, 0700), 0);
	CU_ASSERT_NOT_EQUAL(journal_load_backup_held(&w.s, w.dir, &j.v[0], &b, &cause), 0);
	CU_ASSERT_TRUE(cause != NULL && strstr(cause, "is a directory, not a file") != NULL);
	buf_release(&b);
	CU_ASSERT_EQUAL(rmdir(backup), 0);

	journal_release(&j);
	swapped_teardown(&w);
	free(backup);
	free(moved);
	free(cause);
}

/* A link in the journal's or a backup's place (inside the state
 * directory, which amlhosts never puts there) is refused, not followed:
 * by path, as the commands that read without the lock do, and in the
 * directory held. */
static void
test_links_not_followed(void)
{
	struct state s;
	struct journal j;
	struct buf b = BUF_INIT;
	char *dir = make_tempdir(), *cause = NULL, *journal, *real, *backup, *backup_real;

	journal = statedir_journal_path(dir);
	real = xasprintf("%s.real", journal);
	backup = statedir_backup_path(dir, 1);
	backup_real = xasprintf("%s.real", backup);
	state_init(&s);
	CU_ASSERT_EQUAL_FATAL(state_open(&s, dir, &cause), 0);
	CU_ASSERT_EQUAL_FATAL(state_lock(&s, 1, &cause), 0);
	record(&s, "apply", "a\n", "b\n", "-", 1);
	CU_ASSERT_EQUAL_FATAL(journal_read(dir, &j, &cause), 0);
	CU_ASSERT_EQUAL_FATAL(j.n, 1);

	CU_ASSERT_EQUAL_FATAL(rename(backup, backup_real), 0);
	CU_ASSERT_EQUAL_FATAL(symlink(backup_real, backup), 0);
	CU_ASSERT_NOT_EQUAL(journal_load_backup(dir, &j.v[0], &b, &cause), 0);
	CU_ASSERT_TRUE(cause != NULL && strstr(cause, "symbolic link") != NULL);
	buf_release(&b);
	journal_release(&j);

	CU_ASSERT_EQUAL_FATAL(rename(journal, real), 0);
	CU_ASSERT_EQUAL_FATAL(symlink(real, journal), 0);
	CU_ASSERT_NOT_EQUAL(journal_read(dir, &j, &cause), 0);
	CU_ASSERT_TRUE(cause != NULL && strstr(cause, "symbolic link") != NULL);
	free(cause);
	cause = NULL;
	CU_ASSERT_NOT_EQUAL(journal_read_held(&s, dir, &j, &cause), 0);
	CU_ASSERT_TRUE(cause != NULL && strstr(cause, "symbolic link") != NULL);
	/* a dangling one is no missing journal either */
	CU_ASSERT_EQUAL_FATAL(unlink(real), 0);
	CU_ASSERT_NOT_EQUAL(journal_read(dir, &j, &cause), 0);

	state_close(&s);
	remove_tree(dir);
	free(dir);
	free(journal);
	free(real);
	free(backup);
	free(backup_real);
	free(cause);
}
#endif

static void
test_prune_and_tamper(void)
{
	struct state s;
	struct journal j;
	struct buf b = BUF_INIT;
	char *dir = make_tempdir(), *cause = NULL, *p;
	FILE *f;
	int i;

	state_init(&s);
	CU_ASSERT_EQUAL_FATAL(state_open(&s, dir, &cause), 0);
	for (i = 1; i <= 5; i++)
		record(&s, "apply", i % 2 ? "a\n" : "b\n", "x\n", "-", i);
	CU_ASSERT_EQUAL(journal_read(dir, &j, &cause), 0);
	CU_ASSERT_EQUAL(journal_prune(&s, 2, &cause), 0);
	for (i = 1; i <= 5; i++) {
		p = statedir_backup_path(dir, i);
		CU_ASSERT_EQUAL(access(p, F_OK) == 0, i >= 4);
		free(p);
	}
	/* a pruned backup is reported as gone */
	CU_ASSERT_NOT_EQUAL(journal_load_backup(dir, &j.v[0], &b, &cause), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(cause, "gone"));
	/* a backup that no longer matches its hash is refused */
	p = statedir_backup_path(dir, 5);
	f = fopen(p, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("tampered\n", f);
	fclose(f);
	free(p);
	buf_release(&b);
	CU_ASSERT_NOT_EQUAL(journal_load_backup(dir, &j.v[4], &b, &cause), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(cause, "does not match"));
	buf_release(&b);
	journal_release(&j);
	state_close(&s);
	remove_tree(dir);
	free(dir);
	free(cause);
}

static void
test_malformed_and_partial(void)
{
	struct state s;
	struct journal j;
	char *dir = make_tempdir(), *cause = NULL, *p;
	FILE *f;

	state_init(&s);
	CU_ASSERT_EQUAL_FATAL(state_open(&s, dir, &cause), 0);
	record(&s, "apply", "a\n", "b\n", "-", 1);
	p = statedir_journal_path(dir);
	/* a run killed mid-append leaves a partial line: ignored */
	f = fopen(p, "a");
	fputs("2\t17", f);
	fclose(f);
	CU_ASSERT_EQUAL(journal_read(dir, &j, &cause), 0);
	CU_ASSERT_EQUAL(j.n, 1);
	journal_release(&j);
	/* a complete but malformed line is an error naming the line */
	f = fopen(p, "a");
	fputs("\ngarbage\n", f);
	fclose(f);
	CU_ASSERT_NOT_EQUAL(journal_read(dir, &j, &cause), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(cause, "line 2"));
	free(p);
	state_close(&s);
	remove_tree(dir);
	free(dir);
	free(cause);
}

/* A record appended after a partial last line (a run killed mid-append)
 * first cuts that line off: the journal stays readable, the new record
 * follows the last complete one, and no byte of the partial line is left
 * (the next ID counts complete records only). */
static void
test_partial_cut(void)
{
	struct state s;
	struct journal j;
	struct buf b = BUF_INIT;
	char *dir = make_tempdir(), *cause = NULL, *p, *want;
	size_t len;
	FILE *f;

	state_init(&s);
	CU_ASSERT_EQUAL_FATAL(state_open(&s, dir, &cause), 0);
	record(&s, "apply", "a\n", "b\n", "-", 1);
	p = statedir_journal_path(dir);
	CU_ASSERT_EQUAL_FATAL(file_read(p, FILE_READ_REGULAR, 1 << 20, &b, NULL, NULL, NULL), 0);
	len = b.len;
	buf_release(&b);
	f = fopen(p, "a");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("2\t17", f);
	CU_ASSERT_EQUAL(fclose(f), 0);
	record(&s, "remove", "b\n", "c\n", "-", 2);
	CU_ASSERT_EQUAL(journal_read(dir, &j, &cause), 0);
	CU_ASSERT_EQUAL(j.n, 2);
	CU_ASSERT_FATAL(j.n == 2 && j.v[1].id == 2 && strcmp(j.v[1].command, "remove") == 0);
	/* right after the first record: "2\t<time>\tremove\t...", one line */
	want = xasprintf("2\t%lld\tremove\t", j.v[1].time);
	journal_release(&j);
	CU_ASSERT_EQUAL(file_read(p, FILE_READ_REGULAR, 1 << 20, &b, NULL, NULL, NULL), 0);
	CU_ASSERT(b.len > len + strlen(want) && strncmp(b.data + len, want, strlen(want)) == 0);
	CU_ASSERT(memchr(b.data + len, '\n', b.len - len) == b.data + b.len - 1);
	buf_release(&b);
	free(want);
	free(p);
	state_close(&s);
	remove_tree(dir);
	free(dir);
	free(cause);
}

static void
test_lock_busy(void)
{
	struct state a, b;
	char *dir = make_tempdir(), *cause = NULL;

	state_init(&a);
	state_init(&b);
	CU_ASSERT_EQUAL_FATAL(state_open(&a, dir, &cause), 0);
	CU_ASSERT_EQUAL_FATAL(state_open(&b, dir, &cause), 0);
	CU_ASSERT_EQUAL(state_lock(&a, 1, &cause), 0);
	CU_ASSERT_NOT_EQUAL(state_lock(&b, 0, &cause), 0);
	CU_ASSERT_TRUE(cause != NULL && strstr(cause, "busy") != NULL);
	state_close(&a);
	CU_ASSERT_EQUAL(state_lock(&b, 0, &cause), 0);
	state_close(&b);
	remove_tree(dir);
	free(dir);
	free(cause);
}

static void
test_unsafe_state_dir(void)
{
	struct state s;
	char *dir = make_tempdir(), *cause = NULL;

#ifdef _WIN32
	/* Mode bits say nothing on Windows; the ACL decides (journal.c). */
	free(dir);
	return;
#endif
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0777), 0);
	CU_ASSERT_EQUAL(chmod(dir, 0777), 0);
	state_init(&s);
	CU_ASSERT_NOT_EQUAL(state_open(&s, dir, &cause), 0);
	CU_ASSERT_TRUE(cause != NULL && strstr(cause, "writable by group or others") != NULL);
	state_close(&s);
	remove_tree(dir);
	free(dir);
	free(cause);
}

static void
test_time_format(void)
{
	char out[32];

	journal_format_time(0, out);
	CU_ASSERT_STRING_EQUAL(out, "1970-01-01T00:00:00Z");
	journal_format_time(1795000000LL, out);
	CU_ASSERT_STRING_EQUAL(out, "2026-11-18T11:06:40Z");
}

/* One record's block list indexed: every name found with its own hash, the
 * first of two items of one name wins (as journal_block_hash reads it), an
 * item without a full hash and the "-" of no blocks are no items. */
static void
test_block_index(void)
{
	struct journal_record r;
	struct journal_blocks jb;
	struct buf b = BUF_INIT;
	char name[32], want[65], got[65];
	const char *h;
	size_t i, n = 2000;

	memset(&r, 0, sizeof r);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%st%zu:%064zx", i ? "," : "", i, i);
	buf_printf(&b, ",t7:%064x,short:abc,t9", 0xbad);
	r.blocks = b.data;
	journal_blocks_index(&jb, &r);
	CU_ASSERT_EQUAL(jb.n, n + 1);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "t%zu", i);
		snprintf(want, sizeof want, "%064zx", i);
		h = journal_blocks_get(&jb, name);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		CU_ASSERT_NSTRING_EQUAL(h, want, 64);
		CU_ASSERT_EQUAL(journal_block_hash(&r, name, got), 0);
		CU_ASSERT_STRING_EQUAL(got, want);
	}
	CU_ASSERT_PTR_NULL(journal_blocks_get(&jb, "short"));
	CU_ASSERT_PTR_NULL(journal_blocks_get(&jb, "t2000"));
	CU_ASSERT_PTR_NULL(journal_blocks_get(&jb, "t"));
	journal_blocks_release(&jb);

	r.blocks = (char *)"-";
	journal_blocks_index(&jb, &r);
	CU_ASSERT_EQUAL(jb.n, 0);
	CU_ASSERT_PTR_NULL(journal_blocks_get(&jb, "-"));
	journal_blocks_release(&jb);
	buf_release(&b);
}

/* What uninstall --purge does: nothing when there is no state directory
 * (told without making one), else the state opened and locked as a change
 * does, and purged under that lock. */
static int
purge(const char *dir, int timeout, struct state_purged *done, char **cause)
{
	struct state s;
	int rc;

	memset(done, 0, sizeof *done);
	state_init(&s);
	rc = state_open_read(&s, dir, cause);
	state_close(&s);
	if (rc != 0)
		return rc > 0 ? 0 : -1;
	state_init(&s);
	rc = state_open(&s, dir, cause) != 0 || state_lock(&s, timeout, cause) != 0 ? -1 :
	    state_purge_held(&s, done, cause);
	state_close(&s);
	return rc;
}

/* uninstall --purge: only what amlhosts puts there, under the lock. */
static void
test_purge(void)
{
	struct state s;
	struct state_purged done;
	struct stat st;
	char *dir = make_tempdir(), *cause = NULL, *p;
	FILE *f;

	/* no state directory: nothing to delete, nothing created */
	CU_ASSERT_EQUAL(purge(dir, 1, &done, &cause), 0);
	CU_ASSERT_EQUAL(done.dir, 0);
	CU_ASSERT_NOT_EQUAL(stat(dir, &st), 0);

	state_init(&s);
	CU_ASSERT_EQUAL_FATAL(state_open(&s, dir, &cause), 0);
	CU_ASSERT_EQUAL_FATAL(state_lock(&s, 1, &cause), 0);
	record(&s, "apply", "a\n", "b\n", "-", 1);
	record(&s, "apply", "b\n", "c\n", "-", 2);
	CU_ASSERT_TRUE(state_backup_kept(&s, 2));
	CU_ASSERT_FALSE(state_backup_kept(&s, 3));
	/* a stray "*.hosts" goes too (it would keep backups/ from going) */
	p = xasprintf("%s/backups/stray" STATEDIR_BACKUP_SUFFIX, dir);
	f = fopen(p, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fclose(f), 0);
	free(p);
	/* while another run holds the lock: busy, nothing deleted */
	CU_ASSERT_NOT_EQUAL(purge(dir, 0, &done, &cause), 0);
	CU_ASSERT_TRUE(cause != NULL && strstr(cause, "busy") != NULL);
	CU_ASSERT_TRUE(state_backup_kept(&s, 1));
	state_close(&s);

	CU_ASSERT_EQUAL(purge(dir, 1, &done, &cause), 0);
	CU_ASSERT_EQUAL(done.backups, 3);
	CU_ASSERT_EQUAL(done.journal, 1);
	CU_ASSERT_EQUAL(done.dir, 1);
	CU_ASSERT_NOT_EQUAL(stat(dir, &st), 0);
	remove_tree(dir);
	free(dir);
	free(cause);
}

#ifndef _WIN32
/* Links in the state directory: not followed by the purge, and not a kept
 * backup for history. */
static void
test_purge_links(void)
{
	struct state s;
	struct state_purged done;
	char *dir = make_tempdir(), *cause = NULL, *backups, *moved, *decoy, *backup, *real;
	FILE *f;

	state_init(&s);
	CU_ASSERT_EQUAL_FATAL(state_open(&s, dir, &cause), 0);
	record(&s, "apply", "a\n", "b\n", "-", 1);
	state_close(&s);

	/* a link in the backup's place, to a real file, is no kept backup */
	backup = statedir_backup_path(dir, 1);
	real = xasprintf("%s.real", dir);
	CU_ASSERT_EQUAL_FATAL(rename(backup, real), 0);
	CU_ASSERT_EQUAL_FATAL(symlink(real, backup), 0);
	CU_ASSERT_EQUAL_FATAL(state_open_read(&s, dir, &cause), 0);
	CU_ASSERT_FALSE(state_backup_kept(&s, 1));
	state_close(&s);
	CU_ASSERT_EQUAL_FATAL(unlink(backup), 0);

	/* backups/ a link to a directory of decoys: refused, they stay */
	backups = statedir_backups_dir(dir);
	moved = xasprintf("%s.moved", backups);
	decoy = xasprintf("%s/1" STATEDIR_BACKUP_SUFFIX, moved);
	CU_ASSERT_EQUAL_FATAL(rename(backups, moved), 0);
	f = fopen(decoy, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fclose(f), 0);
	CU_ASSERT_EQUAL_FATAL(symlink(moved, backups), 0);
	CU_ASSERT_NOT_EQUAL(purge(dir, 1, &done, &cause), 0);
	CU_ASSERT_TRUE(cause != NULL && strstr(cause, "not a directory") != NULL);
	CU_ASSERT_EQUAL(done.backups, 0);
	CU_ASSERT_EQUAL(done.dir, 0);
	CU_ASSERT_EQUAL(access(decoy, F_OK), 0);
	CU_ASSERT_EQUAL(access(dir, F_OK), 0);

	remove_tree(dir);
	free(dir);
	free(backups);
	free(moved);
	free(decoy);
	free(backup);
	free(real);
	free(cause);
}
#endif

#ifndef _WIN32
/* What the commands that only read (history, status, a dry run) open:
 * nothing is created for a missing state directory, which reads as an
 * empty journal with no backups; a link in its place is refused; as root,
 * so is a directory another user owns (its journal could be anyone's). */
static void
test_open_read(void)
{
	struct state s;
	struct journal j;
	struct stat st;
	char *dir = make_tempdir(), *cause = NULL, *real;

	state_init(&s);
	CU_ASSERT_EQUAL(state_open_read(&s, dir, &cause), 1);
	CU_ASSERT_FALSE(state_backup_kept(&s, 1));
	CU_ASSERT_EQUAL(journal_read_held(&s, dir, &j, &cause), 0);
	CU_ASSERT_EQUAL(j.n, 0);
	journal_release(&j);
	state_close(&s);
	CU_ASSERT_EQUAL(journal_read(dir, &j, &cause), 0);
	CU_ASSERT_EQUAL(j.n, 0);
	CU_ASSERT_NOT_EQUAL(stat(dir, &st), 0);

	CU_ASSERT_EQUAL_FATAL(state_open(&s, dir, &cause), 0);
	record(&s, "apply", "a\n", "b\n", "-", 1);
	state_close(&s);
	CU_ASSERT_EQUAL(state_open_read(&s, dir, &cause), 0);
	CU_ASSERT_TRUE(state_backup_kept(&s, 1));
	state_close(&s);

	real = xasprintf("%s.real", dir);
	CU_ASSERT_EQUAL_FATAL(rename(dir, real), 0);
	CU_ASSERT_EQUAL_FATAL(symlink(real, dir), 0);
	CU_ASSERT_EQUAL(state_open_read(&s, dir, &cause), -1);
	CU_ASSERT_TRUE(cause != NULL && strstr(cause, "is not a directory") != NULL);
	state_close(&s);
	CU_ASSERT_EQUAL_FATAL(unlink(dir), 0);
	CU_ASSERT_EQUAL_FATAL(rename(real, dir), 0);
	if (geteuid() == 0) {
		CU_ASSERT_EQUAL_FATAL(chown(dir, 65534, 65534), 0);
		CU_ASSERT_EQUAL(state_open_read(&s, dir, &cause), -1);
		CU_ASSERT_TRUE(cause != NULL && strstr(cause, "is not owned by") != NULL);
		state_close(&s);
		CU_ASSERT_NOT_EQUAL(journal_read(dir, &j, &cause), 0);
	} else {
		fprintf(stderr, "note: not root: a state directory of another user's is not tried\n");
	}
	remove_tree(dir);
	free(dir);
	free(real);
	free(cause);
}
#endif

static const struct unit_test journal_tests[] = {
	{ "record_and_read", test_record_and_read },
	{ "prune_and_tamper", test_prune_and_tamper },
	{ "malformed_and_partial", test_malformed_and_partial },
	{ "partial_cut", test_partial_cut },
	{ "lock_busy", test_lock_busy },
	{ "unsafe_state_dir", test_unsafe_state_dir },
	{ "time_format", test_time_format },
	{ "block_index", test_block_index },
	{ "purge", test_purge },
#ifndef _WIN32
	{ "purge_links", test_purge_links },
	{ "linked_backup", test_linked_backup },
	{ "new_inode", test_new_inode },
	{ "old_record", test_old_record },
	{ "in_place_recovery", test_in_place_recovery },
	{ "state_dir_held", test_state_dir_held },
	{ "state_reads_held", test_state_reads_held },
	{ "links_not_followed", test_links_not_followed },
	{ "backup_held", test_backup_held },
	{ "open_read", test_open_read },
#endif
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "journal", journal_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
