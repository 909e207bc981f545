/*
 * pathtrust.h - may root trust a path? (SPEC 6.3, 7)
 *
 * Run as root, amlhosts rewrites a system file and keeps its state next to
 * it. If a non-root user owns or can write any directory on the way to
 * them, or a symbolic link on the way, that user can swap what the path
 * names between our check and our write, and root ends up writing where the
 * user chose. So, as OpenSSH's safe_path() and sudo do, every component is
 * judged from "/" down: it must be owned by root and not writable by group
 * or others. A directory with the sticky bit (/tmp) is the one exception on
 * the way: others may create in it, but only the owner of an entry may
 * rename or remove it, and the entry below it must be root's. The last
 * component gets no such exception: a file created directly in /tmp could
 * be raced by anyone (nothing is ever created in a world-writable
 * directory).
 *
 * Symbolic links are followed only when the link itself is owned by root,
 * and the components of their target are judged too.
 *
 * The caller decides when to ask (amlhosts asks when running as root). On
 * Windows the answer is always PATHTRUST_OK: the ACL decides there.
 */
#ifndef AMLHOSTS_PATHTRUST_H
#define AMLHOSTS_PATHTRUST_H

enum pathtrust {
	PATHTRUST_OK = 0,
	PATHTRUST_UNSAFE_OWNER, /* a component is not owned by root */
	PATHTRUST_UNSAFE_MODE,  /* a component is writable by group or others */
	PATHTRUST_UNSAFE_LINK,  /* a symbolic link not owned by root */
	PATHTRUST_MISSING,      /* a component does not exist */
	PATHTRUST_ERROR         /* lstat/readlink/getcwd failed, a loop, ENOTDIR */
};

/* Judge path (relative paths against the current directory). On
 * PATHTRUST_OK, *resolved (if resolved is not NULL) gets the absolute path
 * with every symbolic link resolved (free it); otherwise *cause names the
 * component and, for UNSAFE_*, its owner ("'/srv/h' is owned by alice (uid
 * 1001), not root"). */
enum pathtrust pathtrust_check(const char *path, char **resolved, char **cause);

/* For a path amlhosts writes. beside: the file is replaced by creating a
 * temporary file next to it (the hosts file), so the directory it resolves
 * into is judged too, as a last component: writable by others, even when
 * sticky, is refused. Otherwise (the state directory) files are created
 * inside it and the path itself is that last component. A missing path is
 * judged by its nearest existing ancestor, where it would be created. */
enum pathtrust pathtrust_check_write(const char *path, int beside, char **cause);

#endif
