/*
 * Unit tests of the edit transaction (hostsedit_run), driven as the
 * commands drive it (cmd.c): a change writes the new hosts bytes, a backup
 * of the old ones and a journal record; an unchanged file writes nothing;
 * another process holding the lock makes the run fail "busy"; a replacement
 * that fails takes its record back.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "state/hostsedit.h"
#include "state/journal.h"
#include "state/statedir.h"
#include "unit/cunit_main.h"
#include "unit/state/unit_tmp.h"

#define OLD "127.0.0.1\tlocalhost\n"
#define BLOCK "# BEGIN amlhosts ws\n10.0.0.4\tws.api.azureml.ms\n# END amlhosts ws\n"

struct env {
	struct unit_hosts t;
	char *state;  /* <t.dir>/state */
	struct strlist targets;
	struct hostsedit_opts o;
};

/* What compute() is told to produce, and what it saw. */
struct compute_arg {
	const char *next;       /* the new bytes */
	int calls;
	int had_state_dir;      /* compute got a state directory (the lock is held) */
	int sabotage;           /* put a directory where the hosts file is */
};

static int
compute(const struct hostsfile *hf, const char *real_path, const struct state *st,
    struct hosts_out *out, void *varg, char **cause)
{
	struct compute_arg *arg = varg;

	(void)hf;
	(void)cause;
	arg->calls++;
	arg->had_state_dir = st != NULL;
	if (arg->sabotage) {
		/* After the file was read and before it is replaced: rename(2)
		 * cannot put a file over a directory, so the replacement fails
		 * once the backup and the record exist. */
		CU_ASSERT_EQUAL(unlink(real_path), 0);
		CU_ASSERT_EQUAL(mkdir(real_path, 0755), 0);
	}
	hosts_out_copy(out, arg->next, strlen(arg->next));
	return 0;
}

static void
env_init(struct env *e, const char *hosts_bytes)
{
	unit_hosts_init(&e->t, hosts_bytes);
	e->state = xasprintf("%s/state", e->t.dir);
	strlist_init(&e->targets);
	strlist_push(&e->targets, "ws");
	strlist_push(&e->targets, "other");
	/* as cmd_hostsedit_opts() fills them */
	memset(&e->o, 0, sizeof e->o);
	e->o.hosts_file = e->t.hosts;
	e->o.state_dir = e->state;
	e->o.command = "apply";
	e->o.targets = &e->targets;
	e->o.lock_timeout = 1;
	e->o.keep_backups = 10;
}

static void
env_release(struct env *e)
{
	strlist_release(&e->targets);
	unit_hosts_release(&e->t);
	free(e->state);
}

static int
run(struct env *e, struct compute_arg *arg, struct hostsedit_result *r, char **cause)
{
	hostsedit_result_init(r);
	return hostsedit_run(&e->o, compute, arg, r, cause);
}

static void
test_change_writes_file_backup_record(void)
{
	struct env e;
	struct compute_arg arg = { OLD BLOCK, 0, 0, 0 };
	struct hostsedit_result r;
	struct journal j;
	char *cause = NULL, *backup, *real, sha[65], hash[65];

	env_init(&e, OLD);
	real = realpath(e.t.hosts, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(real);
	CU_ASSERT_EQUAL_FATAL(run(&e, &arg, &r, &cause), 0);
	CU_ASSERT_EQUAL(arg.calls, 1);
	CU_ASSERT_TRUE(arg.had_state_dir);
	CU_ASSERT_EQUAL(r.changed, 1);
	CU_ASSERT_EQUAL(r.id, 1);
	CU_ASSERT_EQUAL(r.failed_step, ATOMICFILE_STEP_NONE);
	CU_ASSERT_STRING_EQUAL(r.real_path, real);
	/* the hosts file has the new bytes, the backup the old ones */
	CU_ASSERT_TRUE(unit_file_is(e.t.hosts, OLD BLOCK));
	backup = statedir_backup_path(e.state, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.backup);
	CU_ASSERT_STRING_EQUAL(r.backup, backup);
	CU_ASSERT_TRUE(unit_file_is(backup, OLD));
	free(backup);
	/* and the journal says so */
	CU_ASSERT_EQUAL_FATAL(journal_read(e.state, &j, &cause), 0);
	CU_ASSERT_EQUAL_FATAL(j.n, 1);
	CU_ASSERT_EQUAL(j.v[0].id, 1);
	CU_ASSERT_STRING_EQUAL(j.v[0].command, "apply");
	CU_ASSERT_STRING_EQUAL(j.v[0].targets, "ws,other");
	CU_ASSERT_STRING_EQUAL(j.v[0].hosts, real);
	sha256_hex(OLD, strlen(OLD), sha);
	CU_ASSERT_STRING_EQUAL(j.v[0].before, sha);
	sha256_hex(OLD BLOCK, strlen(OLD BLOCK), sha);
	CU_ASSERT_STRING_EQUAL(j.v[0].after, sha);
	CU_ASSERT_EQUAL(journal_block_hash(&j.v[0], "ws", hash), 0);
	journal_release(&j);
	hostsedit_result_release(&r);

	/* a second change gets the next ID; its backup holds the first's result */
	arg.next = OLD;
	e.o.command = "remove";
	CU_ASSERT_EQUAL_FATAL(run(&e, &arg, &r, &cause), 0);
	CU_ASSERT_EQUAL(r.id, 2);
	CU_ASSERT_TRUE(unit_file_is(e.t.hosts, OLD));
	CU_ASSERT_TRUE(unit_file_is(r.backup, OLD BLOCK));
	CU_ASSERT_EQUAL_FATAL(journal_read(e.state, &j, &cause), 0);
	CU_ASSERT_EQUAL(j.n, 2);
	CU_ASSERT_TRUE(j.n == 2 && j.v[1].id == 2 && strcmp(j.v[1].command, "remove") == 0);
	CU_ASSERT_TRUE(j.n == 2 && strcmp(j.v[1].blocks, "-") == 0);
	journal_release(&j);
	hostsedit_result_release(&r);
	free(real);
	free(cause);
	env_release(&e);
}

static void
test_keep_backups_prunes(void)
{
	struct env e;
	struct compute_arg arg = { NULL, 0, 0, 0 };
	struct hostsedit_result r;
	struct journal j;
	char *cause = NULL, *backups;
	static const char *const steps[] = { OLD BLOCK, OLD, OLD BLOCK };
	size_t i;

	env_init(&e, OLD);
	e.o.keep_backups = 2;
	for (i = 0; i < 3; i++) {
		arg.next = steps[i];
		CU_ASSERT_EQUAL(run(&e, &arg, &r, &cause), 0);
		CU_ASSERT_EQUAL(r.id, (long)i + 1);
		hostsedit_result_release(&r);
	}
	/* the newest two backups stay; every record stays */
	backups = statedir_backups_dir(e.state);
	CU_ASSERT_EQUAL(unit_count_entries(backups), 2);
	free(backups);
	backups = statedir_backup_path(e.state, 1);
	CU_ASSERT_EQUAL(access(backups, F_OK), -1);
	free(backups);
	CU_ASSERT_EQUAL_FATAL(journal_read(e.state, &j, &cause), 0);
	CU_ASSERT_EQUAL(j.n, 3);
	journal_release(&j);
	free(cause);
	env_release(&e);
}

static void
test_unchanged_writes_nothing(void)
{
	struct env e;
	struct compute_arg arg = { OLD, 0, 0, 0 };
	struct hostsedit_result r;
	struct stat before, after;
	char *cause = NULL, *journal, *backups;

	env_init(&e, OLD);
	CU_ASSERT_EQUAL_FATAL(stat(e.t.hosts, &before), 0);
	CU_ASSERT_EQUAL(run(&e, &arg, &r, &cause), 0);
	CU_ASSERT_EQUAL(arg.calls, 1);
	CU_ASSERT_EQUAL(r.changed, 0);
	CU_ASSERT_EQUAL(r.id, 0);
	CU_ASSERT_PTR_NULL(r.backup);
	CU_ASSERT_EQUAL_FATAL(stat(e.t.hosts, &after), 0);
	CU_ASSERT_EQUAL(after.st_ino, before.st_ino);
	CU_ASSERT_EQUAL(after.st_mtime, before.st_mtime);
	CU_ASSERT_TRUE(unit_file_is(e.t.hosts, OLD));
	/* no journal, no backup (the directory and its lock exist) */
	journal = statedir_journal_path(e.state);
	backups = statedir_backups_dir(e.state);
	CU_ASSERT_EQUAL(access(journal, F_OK), -1);
	CU_ASSERT_EQUAL(unit_count_entries(backups), 0);
	free(journal);
	free(backups);
	hostsedit_result_release(&r);
	free(cause);
	env_release(&e);
}

static void
test_dry_run_creates_no_state(void)
{
	struct env e;
	struct compute_arg arg = { OLD BLOCK, 0, 0, 0 };
	struct hostsedit_result r;
	char *cause = NULL;

	env_init(&e, OLD);
	e.o.dry_run = 1;
	e.o.want_after = 1; /* as cmd_hostsedit_opts() sets it for a dry run */
	CU_ASSERT_EQUAL(run(&e, &arg, &r, &cause), 0);
	CU_ASSERT_EQUAL(r.changed, 1);
	CU_ASSERT_EQUAL(r.id, 0);
	CU_ASSERT_FALSE(arg.had_state_dir);
	CU_ASSERT_TRUE(r.after.len == strlen(OLD BLOCK) &&
	    memcmp(r.after.data, OLD BLOCK, r.after.len) == 0);
	CU_ASSERT_TRUE(unit_file_is(e.t.hosts, OLD));
	CU_ASSERT_EQUAL(access(e.state, F_OK), -1);
	hostsedit_result_release(&r);
	free(cause);
	env_release(&e);
}

static void
test_lock_held_by_other_process(void)
{
	struct env e;
	struct compute_arg arg = { OLD BLOCK, 0, 0, 0 };
	struct hostsedit_result r;
	char *cause = NULL, *journal, ready;
	int to_parent[2], to_child[2], status;
	pid_t pid;

	env_init(&e, OLD);
	e.o.lock_timeout = 0;
	CU_ASSERT_EQUAL_FATAL(pipe(to_parent), 0);
	CU_ASSERT_EQUAL_FATAL(pipe(to_child), 0);
	pid = fork();
	CU_ASSERT_TRUE_FATAL(pid >= 0);
	if (pid == 0) {
		/* The other amlhosts run: take the lock, say so, hold it until
		 * told to go. */
		struct state s;
		char *why = NULL;
		char c = 'x';

		close(to_parent[0]);
		close(to_child[1]);
		state_init(&s);
		if (state_open(&s, e.state, &why) != 0 || state_lock(&s, 5, &why) != 0)
			c = 'e';
		if (write(to_parent[1], &c, 1) != 1 || read(to_child[0], &c, 1) < 0)
			_exit(2);
		_exit(c == 'e' ? 1 : 0);
	}
	close(to_parent[1]);
	close(to_child[0]);
	CU_ASSERT_EQUAL_FATAL(read(to_parent[0], &ready, 1), 1);
	CU_ASSERT_EQUAL(ready, 'x');

	CU_ASSERT_NOT_EQUAL(run(&e, &arg, &r, &cause), 0);
	CU_ASSERT_TRUE(cause != NULL && strstr(cause, "busy") != NULL);
	CU_ASSERT_EQUAL(arg.calls, 0);
	CU_ASSERT_EQUAL(r.changed, 0);
	CU_ASSERT_EQUAL(r.failed_step, ATOMICFILE_STEP_NONE);
	CU_ASSERT_TRUE(unit_file_is(e.t.hosts, OLD));
	journal = statedir_journal_path(e.state);
	CU_ASSERT_EQUAL(access(journal, F_OK), -1);
	hostsedit_result_release(&r);

	/* once the other run is gone, the change goes through */
	CU_ASSERT_EQUAL(write(to_child[1], "q", 1), 1);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(to_parent[0]);
	close(to_child[1]);
	CU_ASSERT_EQUAL(run(&e, &arg, &r, &cause), 0);
	CU_ASSERT_EQUAL(r.id, 1);
	CU_ASSERT_TRUE(unit_file_is(e.t.hosts, OLD BLOCK));
	CU_ASSERT_EQUAL(access(journal, F_OK), 0);
	hostsedit_result_release(&r);
	free(journal);
	free(cause);
	env_release(&e);
}

/* The replacement fails before the new file is in place (rename): the run
 * fails naming that step, and the record and backup it made are taken
 * back, so the journal never names a change that did not happen. */
static void
test_failed_replace_takes_record_back(void)
{
	struct env e;
	struct compute_arg arg = { OLD BLOCK, 0, 0, 1 };
	struct hostsedit_result r;
	struct journal j;
	char *cause = NULL, *backups;

	env_init(&e, OLD);
	CU_ASSERT_NOT_EQUAL(run(&e, &arg, &r, &cause), 0);
	CU_ASSERT_EQUAL(r.failed_step, ATOMICFILE_STEP_RENAME);
	CU_ASSERT_TRUE(cause != NULL && strstr(cause, "cannot replace") != NULL);
	/* no "previous contents are in": that is said only when the new
	 * file landed */
	CU_ASSERT_TRUE(cause != NULL && strstr(cause, "previous contents") == NULL);
	CU_ASSERT_EQUAL(r.id, 0);
	CU_ASSERT_PTR_NULL(r.backup);
	CU_ASSERT_EQUAL_FATAL(journal_read(e.state, &j, &cause), 0);
	CU_ASSERT_EQUAL(j.n, 0);
	journal_release(&j);
	backups = statedir_backups_dir(e.state);
	CU_ASSERT_EQUAL(unit_count_entries(backups), 0);
	free(backups);
	hostsedit_result_release(&r);
	free(cause);
	env_release(&e);
}

static const struct unit_test hostsedit_tests[] = {
	{ "change_writes_file_backup_record", test_change_writes_file_backup_record },
	{ "keep_backups_prunes", test_keep_backups_prunes },
	{ "unchanged_writes_nothing", test_unchanged_writes_nothing },
	{ "dry_run_creates_no_state", test_dry_run_creates_no_state },
	{ "lock_held_by_other_process", test_lock_held_by_other_process },
	{ "failed_replace_takes_record_back", test_failed_replace_takes_record_back },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "hostsedit", hostsedit_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
