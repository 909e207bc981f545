/*
 * diff.h - unified diff of two texts, line by line, for "amlhosts plan".
 *
 * Myers' O(ND) algorithm: a plan changes a few dozen lines of a file that
 * may hold 200,000, so the cost follows the size of the change, not the
 * product of the file sizes. Output is "diff -u" compatible (3 lines of
 * context, "\ No newline at end of file" where that applies).
 */
#ifndef AMLHOSTS_DIFF_H
#define AMLHOSTS_DIFF_H

#include <stddef.h>
#include "base/util.h"

/* Append the diff of a -> b to out; nothing when they are equal.
 * Returns the number of changed hunks. */
size_t diff_unified(const char *a, size_t alen, const char *b, size_t blen,
    const char *aname, const char *bname, struct buf *out);

#endif
