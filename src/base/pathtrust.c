/*
 * pathtrust.c - judge every component of a path as root would have to
 * trust it (see pathtrust.h).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#ifndef _WIN32
#include <pwd.h>
#endif

#include "base/pathtrust.h"
#include "base/util.h"

#ifdef _WIN32

enum pathtrust
pathtrust_check(const char *path, char **resolved, char **cause)
{
	(void)cause;
	if (resolved != NULL)
		*resolved = xstrdup(path);
	return PATHTRUST_OK;
}

enum pathtrust
pathtrust_check_write(const char *path, int beside, char **cause)
{
	(void)path;
	(void)beside;
	(void)cause;
	return PATHTRUST_OK;
}

#else

/* As many links as Linux follows (MAXSYMLINKS) before ELOOP. */
#define PATHTRUST_MAX_LINKS 40

/* "alice (uid 1001)", or "uid 1001" when the user has no name. */
static char *
owner_name(uid_t uid)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL && pw->pw_name != NULL)
		return xasprintf("%s (uid %lu)", pw->pw_name, (unsigned long)uid);
	return xasprintf("uid %lu", (unsigned long)uid);
}

/* The target of the link at path; a new string, or NULL with errno. */
static char *
read_link(const char *path, const struct stat *st)
{
	size_t cap = st->st_size > 0 ? (size_t)st->st_size + 1 : 256;
	char *s;
	ssize_t n;

	for (;;) {
		s = xmalloc(cap);
		n = readlink(path, s, cap);
		if (n < 0) {
			free(s);
			return NULL;
		}
		if ((size_t)n < cap) {
			s[n] = '\0';
			return s;
		}
		/* the link changed size under us: try again, larger */
		free(s);
		cap *= 2;
	}
}

/* Owner and mode of one component that is not a link. A directory on the
 * way (not last) may be writable by others when it is sticky: the entry
 * below it is judged next and must be root's. */
static enum pathtrust
judge(const char *path, const struct stat *st, int last, char **cause)
{
	char *who;
	int sticky_dir = S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX);

	if (st->st_uid != 0) {
		who = owner_name(st->st_uid);
		set_error(cause, "'%s' is owned by %s, not root: that user could replace "
		    "what amlhosts reads or writes there", path, who);
		free(who);
		return PATHTRUST_UNSAFE_OWNER;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) && !(sticky_dir && !last)) {
		set_error(cause, "'%s' (owner root) is writable by %s (mode %04lo)%s", path,
		    (st->st_mode & S_IWOTH) ? "others" : "its group",
		    (unsigned long)(st->st_mode & 07777),
		    !S_ISDIR(st->st_mode) ? ": they could change it" :
		    last ? ": amlhosts creates no file in a directory others can write" :
		    ": they could replace what it holds");
		return PATHTRUST_UNSAFE_MODE;
	}
	return PATHTRUST_OK;
}

/* Drop the last component of the resolved prefix ("" is "/"). */
static void
drop_last(struct buf *done)
{
	char *slash = done->len ? strrchr(done->data, '/') : NULL;

	if (slash != NULL) {
		done->len = (size_t)(slash - done->data);
		done->data[done->len] = '\0';
	}
}

enum pathtrust
pathtrust_check(const char *path, char **resolved, char **cause)
{
	struct buf done = BUF_INIT; /* resolved so far; "" is "/" */
	struct stat st;
	char *todo, *p, *target, *next, *cwd;
	size_t len;
	int links = 0, last;
	enum pathtrust rc;

	if (resolved != NULL)
		*resolved = NULL;
	if (path[0] == '/') {
		todo = xstrdup(path);
	} else {
		cwd = getcwd(NULL, 0);
		if (cwd == NULL) {
			set_error(cause, "cannot find the current directory to judge '%s': %s",
			    path, strerror(errno));
			return PATHTRUST_ERROR;
		}
		todo = xasprintf("%s/%s", cwd, path);
		free(cwd);
	}
	buf_reserve(&done, strlen(todo) + 1);
	if (lstat("/", &st) != 0) {
		set_error(cause, "cannot look at '/': %s", strerror(errno));
		rc = PATHTRUST_ERROR;
		goto out;
	}
	if ((rc = judge("/", &st, todo[strspn(todo, "/")] == '\0', cause)) != PATHTRUST_OK)
		goto out;
	p = todo;
	for (;;) {
		p += strspn(p, "/");
		if (*p == '\0')
			break;
		len = strcspn(p, "/");
		if (len == 1 && p[0] == '.') {
			p += len;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			/* done holds no links, so ".." is its parent */
			drop_last(&done);
			p += len;
			continue;
		}
		buf_putc(&done, '/');
		buf_append(&done, p, len);
		p += len;
		p += strspn(p, "/");
		last = *p == '\0';
		if (lstat(done.data, &st) != 0) {
			rc = errno == ENOENT ? PATHTRUST_MISSING : PATHTRUST_ERROR;
			set_error(cause, "cannot look at '%s': %s", done.data, strerror(errno));
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			if (st.st_uid != 0) {
				char *who = owner_name(st.st_uid);

				set_error(cause, "'%s' is a symbolic link owned by %s, not root: "
				    "that user could point it anywhere", done.data, who);
				free(who);
				rc = PATHTRUST_UNSAFE_LINK;
				goto out;
			}
			if (++links > PATHTRUST_MAX_LINKS) {
				set_error(cause, "too many symbolic links in '%s'", path);
				rc = PATHTRUST_ERROR;
				goto out;
			}
			target = read_link(done.data, &st);
			if (target == NULL) {
				set_error(cause, "cannot read the link '%s': %s", done.data,
				    strerror(errno));
				rc = PATHTRUST_ERROR;
				goto out;
			}
			/* the target replaces the link: judge its components too */
			if (target[0] == '/') {
				done.len = 0;
				done.data[0] = '\0';
			} else {
				drop_last(&done);
			}
			next = xasprintf("%s/%s", target, p);
			free(target);
			free(todo);
			todo = p = next;
			continue;
		}
		if ((rc = judge(done.data, &st, last, cause)) != PATHTRUST_OK)
			goto out;
		if (!last && !S_ISDIR(st.st_mode)) {
			set_error(cause, "'%s' is not a directory", done.data);
			rc = PATHTRUST_ERROR;
			goto out;
		}
	}
	rc = PATHTRUST_OK;
	if (resolved != NULL)
		*resolved = done.len ? buf_detach(&done, NULL) : xstrdup("/");
out:
	buf_release(&done);
	free(todo);
	return rc;
}

/* The directory part of path: "." for a bare name, "/" for "/x". */
static char *
parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

enum pathtrust
pathtrust_check_write(const char *path, int beside, char **cause)
{
	char *real = NULL, *cur, *up;
	enum pathtrust rc;

	rc = pathtrust_check(path, &real, cause);
	if (rc == PATHTRUST_OK && beside) {
		up = parent_of(real);
		rc = pathtrust_check(up, NULL, cause);
		free(up);
	}
	free(real);
	cur = xstrdup(path);
	while (rc == PATHTRUST_MISSING) {
		up = parent_of(cur);
		if (strcmp(up, cur) == 0) {
			free(up);
			break;
		}
		free(cur);
		cur = up;
		rc = pathtrust_check(cur, NULL, cause);
	}
	free(cur);
	return rc;
}

#endif
