/*
 * runas.c - pick the user a child runs as, and become it in the child
 * (runas.h). POSIX; on Windows the child runs as the caller.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifndef _WIN32
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/resource.h>
#endif
#ifdef __linux__
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

#include "base/runas.h"
#include "base/util.h"

void
process_user_release(struct process_user *u)
{
	if (u == NULL)
		return;
	free(u->groups);
	free(u->name);
	free(u->home);
	memset(u, 0, sizeof *u);
}

char *
runas_describe(const struct process_user *u)
{
	if (u->name != NULL)
		return xasprintf("%s (uid %lu)", u->name, (unsigned long)u->uid);
	return xasprintf("uid %lu", (unsigned long)u->uid);
}

#ifdef _WIN32

int
runas_pick(const char *discovery_user, unsigned flags, struct process_user *out,
    struct strlist *notes, char **cause)
{
	(void)discovery_user;
	(void)flags;
	(void)notes;
	(void)cause;
	memset(out, 0, sizeof *out);
	out->how = RUNAS_CALLER;
	return 0;
}

int
runas_child(const struct process_user *u, int go_home)
{
	(void)u;
	(void)go_home;
	return 0;
}

#else

/* A uid from the environment: decimal digits only, no sign, no blanks. */
static int
parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || *out != (unsigned long)(uid_t)*out)
		return -1;
	return 0;
}

/* The supplementary groups of pw, its primary group included. getgrouplist
 * says how many there are when the array is too small: grow and ask again. */
static void
fill_groups(const struct passwd *pw, struct process_user *out)
{
	int n = 16, tries;

	for (tries = 0; tries < 8; tries++) {
		int want = n;

		free(out->groups);
		out->groups = xreallocarray(NULL, (size_t)want, sizeof *out->groups);
		if (getgrouplist(pw->pw_name, pw->pw_gid, out->groups, &n) >= 0) {
			out->ngroups = (size_t)n;
			return;
		}
		/* n is now the number needed (glibc); elsewhere it stays: double. */
		if (n <= want)
			n = want * 2;
	}
	/* Not to be reached; the primary group alone is still a safe set. */
	out->groups[0] = pw->pw_gid;
	out->ngroups = 1;
}

/* Fill out from pw: the user to switch to. */
static void
take_user(const struct passwd *pw, enum runas_how how, struct process_user *out)
{
	out->how = how;
	out->change = 1;
	out->uid = pw->pw_uid;
	out->gid = pw->pw_gid;
	out->name = xstrdup(pw->pw_name);
	/* A home that is not an absolute path is no home (nobody's is often
	 * "/nonexistent", which runas_child() cannot enter: then "/"). */
	out->home = pw->pw_dir != NULL && pw->pw_dir[0] == '/' ? xstrdup(pw->pw_dir) : NULL;
	fill_groups(pw, out);
}

/* The user behind SUDO_UID or PKEXEC_UID: 1 found (out filled), 0 not set
 * or 0 (root ran sudo: no sudo user), -1 an error. */
static int
from_uid_var(const char *var, enum runas_how how, struct process_user *out, char **cause)
{
	const char *v = getenv(var);
	unsigned long id;
	struct passwd *pw;

	if (v == NULL || *v == '\0')
		return 0;
	if (parse_id(v, &id) != 0)
		return set_error(cause, "%s='%s' is not a user id", var, v);
	if (id == 0)
		return 0;
	errno = 0;
	pw = getpwuid((uid_t)id);
	if (pw == NULL)
		return set_error(cause, "%s=%lu names no user in the password database", var, id);
	if (how == RUNAS_SUDO) {
		/* sudo sets both; a SUDO_USER that is another uid's is not sudo's. */
		const char *name = getenv("SUDO_USER");
		struct passwd *byname;

		if (name != NULL && *name != '\0' && strcmp(name, pw->pw_name) != 0) {
			uid_t uid = pw->pw_uid;

			byname = getpwnam(name);
			if (byname == NULL || byname->pw_uid != uid)
				return set_error(cause, "SUDO_USER='%s' is not the user of "
				    "SUDO_UID=%lu", name, id);
			pw = getpwuid((uid_t)id);
			if (pw == NULL)
				return set_error(cause, "SUDO_UID=%lu names no user in the "
				    "password database", id);
		}
	}
	take_user(pw, how, out);
	return 1;
}

/* The user behind DOAS_USER (a name): as from_uid_var(). */
static int
from_doas(struct process_user *out, char **cause)
{
	const char *v = getenv("DOAS_USER");
	struct passwd *pw;

	if (v == NULL || *v == '\0')
		return 0;
	pw = getpwnam(v);
	if (pw == NULL)
		return set_error(cause, "DOAS_USER='%s' names no user in the password database", v);
	if (pw->pw_uid == 0)
		return 0;
	take_user(pw, RUNAS_DOAS, out);
	return 1;
}

int
runas_pick(const char *discovery_user, unsigned flags, struct process_user *out,
    struct strlist *notes, char **cause)
{
	const char *want = discovery_user != NULL && *discovery_user != '\0' ?
	    discovery_user : RUNAS_DEFAULT_USER;
	struct passwd *pw;
	int rc;

	memset(out, 0, sizeof *out);
	if (geteuid() != 0) {
		out->how = RUNAS_CALLER;
		out->uid = geteuid();
		out->gid = getegid();
		pw = getpwuid(out->uid);
		if (pw != NULL) {
			out->name = xstrdup(pw->pw_name);
			if (pw->pw_dir != NULL && pw->pw_dir[0] == '/')
				out->home = xstrdup(pw->pw_dir);
		}
		return 0;
	}
	/* Under sudo, doas or pkexec the user's own login is the one meant. */
	if ((flags & RUNAS_NOT_CALLER) == 0 &&
	    ((rc = from_uid_var("SUDO_UID", RUNAS_SUDO, out, cause)) != 0 ||
	    (rc = from_doas(out, cause)) != 0 ||
	    (rc = from_uid_var("PKEXEC_UID", RUNAS_PKEXEC, out, cause)) != 0))
		return rc < 0 ? -1 : 0;
	if (strcmp(want, "root") == 0) {
		out->how = RUNAS_ROOT;
		out->name = xstrdup("root");
		out->home = NULL;
		return 0;
	}
	pw = getpwnam(want);
	if (pw != NULL && pw->pw_uid == 0)
		return set_error(cause, "discovery_user '%s' is root (uid 0); write "
		    "'discovery_user = root' if discovery is to run as root", want);
	if (pw != NULL) {
		take_user(pw, RUNAS_DISCOVERY, out);
		return 0;
	}
	pw = getpwnam("nobody");
	if (pw == NULL || pw->pw_uid == 0)
		return set_error(cause, "discovery_user '%s' does not exist, nor does 'nobody'; "
		    "create the user or set discovery_user", want);
	take_user(pw, RUNAS_NOBODY, out);
	if (notes != NULL)
		strlist_push_nocopy(notes, xasprintf("discovery_user '%s' does not exist; "
		    "discovery runs as 'nobody'", want));
	return 0;
}

/* Mark every descriptor above 2 close-on-exec: the child must get nothing
 * of ours, not even a descriptor our own caller let us inherit. Closing
 * would also close the pipe that reports a failed exec, so they are only
 * marked. close_range() does it in one call where the kernel has it. */
static void
sweep_fds(void)
{
	struct rlimit rl;
	long max = 65536, fd;

#if defined(__linux__) && defined(SYS_close_range)
	/* CLOSE_RANGE_CLOEXEC (Linux 5.11) is (1U << 2). */
	if (syscall(SYS_close_range, 3U, ~0U, 1U << 2) == 0)
		return;
#endif
	/* Bounded: a limit of millions would cost seconds for nothing. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < (rlim_t)max)
		max = (long)rl.rlim_cur;
	for (fd = 3; fd < max; fd++)
		fcntl((int)fd, F_SETFD, FD_CLOEXEC);
}

/* Real, effective and saved ids all become the user's. */
static int
set_ids(const struct process_user *u)
{
#if defined(__linux__) || defined(__FreeBSD__) || defined(__OpenBSD__)
	if (setresgid(u->gid, u->gid, u->gid) < 0 || setresuid(u->uid, u->uid, u->uid) < 0)
		return -1;
#else
	/* Run by root, setgid/setuid set all three ids (POSIX). */
	if (setgid(u->gid) < 0 || setuid(u->uid) < 0)
		return -1;
#endif
	return 0;
}

int
runas_child(const struct process_user *u, int go_home)
{
	sweep_fds();
	if (u == NULL)
		return 0;
	if (u->change) {
		if (setgroups(u->ngroups, u->groups) < 0 || set_ids(u) < 0)
			return -1;
		/* Verify it stuck: no id of ours is root's any more, and root
		 * cannot be had back. */
		if (getuid() != u->uid || geteuid() != u->uid || getgid() != u->gid ||
		    getegid() != u->gid) {
			errno = EPERM;
			return -1;
		}
		if (u->uid != 0 && setuid(0) == 0) {
			errno = EPERM;
			return -1;
		}
	}
#ifdef PR_SET_NO_NEW_PRIVS
	/* No set-user-ID program (sudo, su) may raise it again. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
#endif
	if (go_home && (u->home == NULL || chdir(u->home) < 0) && chdir("/") < 0)
		return -1;
	return 0;
}

#endif /* !_WIN32 */
