/*
 * statedir.h - where things live in the state directory (SPEC 6.3). This is
 * the only place that spells these names; journal.c, hostsedit.c and the
 * command line ask here.
 *
 *   <state_dir>/                       0700, owned by the user running amlhosts
 *   <state_dir>/lock                   flock()ed around every read-modify-write
 *   <state_dir>/journal                one line per change (append + fsync)
 *   <state_dir>/backups/               0700
 *   <state_dir>/backups/<id>.hosts     the hosts file's bytes before change <id>
 *   <state_dir>/backups/.<id>.hosts.amlhosts-XXXXXX
 *                                      a backup being written (atomicfile's
 *                                      temporary file); only a killed run
 *                                      leaves one behind
 *
 * The path functions return new strings (free them); they only join names
 * and never touch the disk; statedir_mkdir creates the directory.
 */
#ifndef AMLHOSTS_STATEDIR_H
#define AMLHOSTS_STATEDIR_H

/* What every backup file name ends in. */
#define STATEDIR_BACKUP_SUFFIX ".hosts"

char *statedir_lock_path(const char *dir);
char *statedir_journal_path(const char *dir);
char *statedir_backups_dir(const char *dir);
/* <dir>/backups/<id>.hosts */
char *statedir_backup_path(const char *dir, long id);

#ifndef _WIN32
/* Create dir (0700) and those of its parents that are missing (0755), as
 * mkdir -p would; an existing dir is no error (the caller checks its owner
 * and mode). -1 with *cause set on failure; a permission error as a user
 * other than root says to run as root. A path that goes back up ("..")
 * out of a directory that does not exist yet is refused before anything is
 * created (the trust walk could not have judged where it leads). Windows:
 * platform_private_dir. */
int statedir_mkdir(const char *dir, char **cause);
#endif

/* The names inside the state directory (for the *at() calls made relative
 * to the descriptors statedir_open() gives). */
#define STATEDIR_LOCK "lock"
#define STATEDIR_JOURNAL "journal"
#define STATEDIR_BACKUPS "backups"

#ifndef _WIN32
/*
 * Create dir and dir/backups if missing (statedir_mkdir, then mkdirat
 * 0700), and open both once (O_DIRECTORY, O_NOFOLLOW; backups relative to
 * dir), so that what a run writes in them goes where the trust walk looked
 * even if a directory on the path is swapped afterwards. Each must be a
 * directory (not a link) owned by the effective user that group and others
 * cannot write. 0 with *dirfd and *backupsfd open (close them), or -1 with
 * *cause set and nothing open. Windows: platform_private_dir.
 */
int statedir_open(const char *dir, int *dirfd, int *backupsfd, char **cause);
/* statedir_open() for a command that only reads (history, status, a dry
 * run): nothing is created. 1 when dir does not exist (nothing open); 0
 * with *dirfd open and *backupsfd open, or -1 when dir has no backups/; -1
 * with *cause set and nothing open. The same checks of owner and mode,
 * except that a directory of root's is trusted too, so that a user may
 * read what root's runs recorded where root lets them. As root, a
 * directory another user owns (or a link in its place) is refused: its
 * journal and backups could be anyone's. */
int statedir_open_read(const char *dir, int *dirfd, int *backupsfd, char **cause);
#endif

/* <id>.hosts, the name of a backup inside backups/ */
char *statedir_backup_name(long id);

/* The id of a backups/ entry named "<id>.hosts" (id > 0), else 0. */
long statedir_backup_id(const char *name);
/* Is a backups/ entry the temporary file of a backup being written? */
int statedir_is_backup_temp(const char *name);

#endif
