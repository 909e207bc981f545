/*
 * source.h - turn a configured target into its validated entries: read the
 * source it names and derive every name a client needs (SPEC 2, 5).
 *
 * Errors come in two kinds, which the command line maps to exit codes: bad
 * input (a malformed or hostile file, a bad setting: SOURCE_BAD_INPUT) and
 * failures of the world (a file that cannot be read: SOURCE_FAILED).
 */
#ifndef AMLHOSTS_SOURCE_H
#define AMLHOSTS_SOURCE_H

#include "conf.h"
#include "entries.h"
#include "util.h"

enum source_error { SOURCE_OK = 0, SOURCE_FAILED = 1, SOURCE_BAD_INPUT = 2 };

/* Resolve one target. Notes worth telling the user (names left out and why)
 * are appended to notes, prefixed with nothing. */
enum source_error source_resolve_target(const struct config *c, const struct target_conf *t,
    struct entry_list *out, struct strlist *notes, char **cause);

#endif
