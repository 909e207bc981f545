/*
 * secret.h - read a secret file (a client secret, a federated token) into a
 * buffer sized in advance, so that no reallocation leaves a copy behind.
 *
 * In base because both sides of the discovery split read them: the writer
 * (src/source, which hands them to amlhosts-azure on its stdin) and the
 * credential chain itself (src/azure, when run on its own, as the unit tests
 * do).
 */
#ifndef AMLHOSTS_SECRET_H
#define AMLHOSTS_SECRET_H

#include <stddef.h>

/* Read a secret file of at most max bytes, dropping trailing newlines. With
 * owner_only set, refuse a file that group or others may read or write. *out
 * is a new string: free it with secret_free(*out, max).
 * Returns 0, SECRET_BAD_CONFIG for a file the configuration names wrongly
 * (missing, or a mode or owner that others could read or change: exit 2),
 * or -1 for any other failure; *cause says which. */
#define SECRET_BAD_CONFIG (-2)
int secret_read_file(const char *path, size_t max, int owner_only, char **out, char **cause);
/* Wipe the whole buffer secret_read_file() allocated (max + 2 bytes) and
 * free it. NULL is fine. */
void secret_free(char *s, size_t max);

#endif
