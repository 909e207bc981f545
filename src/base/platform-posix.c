/*
 * platform-posix.c - the platform contract (platform.h) on Linux, macOS and
 * the BSDs: what the core did before there was a Windows side.
 */
#include "config.h"

#ifndef _WIN32

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/platform.h"
#include "base/util.h"

const char *
platform_default_hosts_file(void)
{
	return DEFAULT_HOSTS_FILE;
}

const char *
platform_default_state_dir(void)
{
	return DEFAULT_STATE_DIR;
}

const char *
platform_default_config_file(void)
{
	return DEFAULT_CONFIG_FILE;
}

char *
platform_self_dir(void)
{
	struct buf b = BUF_INIT;
	ssize_t n;
	char *slash;

	/* readlink does not say how long the target is: grow until it fits. */
	for (;;) {
		buf_reserve(&b, b.cap + 256);
		n = readlink("/proc/self/exe", b.data, b.cap);
		if (n < 0) {
			buf_release(&b);
			return NULL;
		}
		if ((size_t)n < b.cap)
			break;
	}
	b.data[n] = '\0';
	b.len = (size_t)n;
	slash = strrchr(b.data, '/');
	if (slash == NULL) {
		buf_release(&b);
		return NULL;
	}
	*slash = '\0';
	return buf_detach(&b, NULL);
}

int
platform_trylock(int fd)
{
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		return errno == EWOULDBLOCK ? 1 : -1;
	}
}

int
platform_replace(const char *tmp, const char *target)
{
	return rename(tmp, target);
}

int
platform_check_writable_at(const char *shown, int dirfd, const char *name, char **cause)
{
	struct stat st;

	/* A link put in the file's place since it was read is not judged
	 * (faccessat would follow it): the check before the rename finds the
	 * change and the edit is read and done again. This lstat stands in
	 * for AT_SYMLINK_NOFOLLOW, which on a kernel without faccessat2
	 * (before Linux 5.8) glibc emulates from the mode bits, ACLs ignored. */
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		return 0;
	/* AT_EACCESS: the effective IDs, which the write will use. amlhosts
	 * is not setuid, so they are the real ones and libc hands the check
	 * to the kernel (ACLs, capabilities and read-only mounts count). */
	if (faccessat(dirfd, name, W_OK, AT_EACCESS) != 0 && errno != EROFS)
		return set_error(cause, "cannot change '%s': %s (run as root, e.g. with sudo)",
		    shown, strerror(errno));
	return 0;
}

void
platform_sha256_pieces(const struct sha256_piece *v, size_t nv, unsigned char md[32])
{
	unsigned char buf[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t i;
	int ok;

	ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
	for (i = 0; ok && i < nv; i++)
		ok = EVP_DigestUpdate(ctx, v[i].p, v[i].n) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, buf, &len) == 1 && len == 32;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		/* libcrypto cannot fail here short of memory exhaustion. */
		out_of_memory();
	}
	memcpy(md, buf, 32);
}

int
platform_syslog_available(char **cause)
{
	(void)cause;
	return 0;
}

void
platform_net_init(void)
{
}

#endif /* !_WIN32 */
