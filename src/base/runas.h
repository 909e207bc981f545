/*
 * runas.h - who a program amlhosts starts runs as (SPEC 5.2; issue 12).
 *
 * amlhosts runs as root to rewrite the hosts file, but what talks to the
 * network (the Azure helper) must not: every HTTP answer would be parsed by
 * the process holding the lock on /etc/hosts. As apt fetches as _apt and
 * OpenSSH parses network input in an unprivileged child, the helper runs as
 * another user, picked here:
 *
 *   - not root: the caller itself, no switch (how == RUNAS_CALLER);
 *   - root started through sudo (SUDO_UID, SUDO_USER), doas (DOAS_USER) or
 *     pkexec (PKEXEC_UID): that user, with the supplementary groups and the
 *     HOME of the password database (never the HOME of the environment,
 *     which sudo may keep as root's), so that 'az' finds *their* login;
 *     a SUDO_UID of 0 (sudo run by root) means no sudo user;
 *     but not with RUNAS_NOT_CALLER, which the caller asks for when the
 *     child gets a secret of root's (a configured client_secret_file):
 *     the sudo caller may read what a process of theirs holds (ptrace,
 *     /proc), and root's secret is not theirs;
 *   - otherwise discovery_user (the [global] key; NULL or "" means
 *     "_amlhosts", the system user the packages create); where it does not
 *     exist, "nobody", with a note;
 *   - discovery_user = root: stays root, the last resort for a system where
 *     no other user may reach the network. A discovery_user whose uid is 0
 *     under another name is refused: root is only ever asked for by name.
 *
 * Calling sequence: runas_pick() once in the parent, put the result in
 * struct process_opts's user (process.h), process_run(); then
 * process_user_release(). The environment is the caller's to build
 * (process_opts.envp): set HOME, USER and LOGNAME from home and name, and
 * pass on only what the child needs.
 *
 * In the child, between fork and exec, process.c calls runas_child(), which
 * uses only async-signal-safe calls: setgroups, setresgid, setresuid, then
 * checks the switch stuck (setuid(0) must fail), sets PR_SET_NO_NEW_PRIVS
 * (Linux; so no set-user-ID program can give root back), changes to the
 * home (or "/") and marks every descriptor above 2 close-on-exec.
 *
 * Errors: runas_pick() returns 0, or -1 with *cause (a SUDO_UID that is not
 * a number or names no user, no nobody either, a discovery_user that is
 * root under another name). Windows: always the caller (RUNAS_CALLER); the
 * helper runs as the same user there.
 */
#ifndef AMLHOSTS_RUNAS_H
#define AMLHOSTS_RUNAS_H

#include <stddef.h>
#include <sys/types.h>

#include "base/util.h"

#ifdef _WIN32
typedef unsigned long runas_uid_t;
typedef unsigned long runas_gid_t;
#else
typedef uid_t runas_uid_t;
typedef gid_t runas_gid_t;
#endif

#define RUNAS_DEFAULT_USER "_amlhosts"

enum runas_how {
	RUNAS_CALLER = 0, /* not root (or Windows): no switch */
	RUNAS_SUDO,       /* SUDO_UID */
	RUNAS_DOAS,       /* DOAS_USER */
	RUNAS_PKEXEC,     /* PKEXEC_UID */
	RUNAS_DISCOVERY,  /* discovery_user */
	RUNAS_NOBODY,     /* discovery_user does not exist: nobody */
	RUNAS_ROOT        /* discovery_user = root: no switch, stays root */
};

struct process_user {
	enum runas_how how;
	int change;         /* 1: switch to uid/gid/groups in the child */
	runas_uid_t uid;
	runas_gid_t gid;
	runas_gid_t *groups; /* supplementary groups, gid included */
	size_t ngroups;
	char *name;         /* NULL when the caller has no passwd entry */
	char *home;         /* from passwd; NULL: none (the child uses "/") */
};

/* runas_pick()'s flags. */
#define RUNAS_NOT_CALLER 0x1u /* never the sudo, doas or pkexec caller */

/* Decide who the child runs as (see above). notes gets what the user
 * should know (the fallback to nobody). out is filled on success and must
 * be released with process_user_release() either way. */
int runas_pick(const char *discovery_user, unsigned flags, struct process_user *out,
    struct strlist *notes, char **cause);
void process_user_release(struct process_user *u);

/* "alice (uid 1000)", for messages; a new string. */
char *runas_describe(const struct process_user *u);

/* In the child only, between fork and exec (async-signal-safe). u NULL:
 * only the descriptor sweep. Otherwise switch to u (when u->change),
 * check it stuck, set no-new-privileges, and when go_home, chdir to the
 * home or "/". 0, or -1 with errno set. */
int runas_child(const struct process_user *u, int go_home);

#endif
