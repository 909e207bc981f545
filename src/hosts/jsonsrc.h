/*
 * jsonsrc.h - read (name, address) pairs from the JSON files users export
 * from az, Azure PowerShell or ARM, and from amlhosts' own "resolve --format
 * json" output (SPEC 5.1). The shape is detected, keys match without regard
 * to case, and Windows encodings (UTF-8 BOM, UTF-16LE/BE with BOM) are
 * converted before parsing.
 *
 * Errors name the file, say what was found and list the accepted shapes; a
 * PowerShell file cut at the default ConvertTo-Json depth gets its own hint.
 */
#ifndef AMLHOSTS_JSONSRC_H
#define AMLHOSTS_JSONSRC_H

#include <stddef.h>
#include "hosts/names.h"

/* Files larger than this are refused before parsing. */
#define JSONSRC_MAX_BYTES (16u * 1024 * 1024)

/* Parse text (UTF-8, with or without a BOM, or UTF-16LE/BE with one:
 * base/textenc.h) and append the pairs it holds.
 * what names the source in messages ("nic.json", "standard input"). */
int jsonsrc_parse(const char *p, size_t n, const char *what, struct raw_list *out, char **cause);

/* How jsonsrc_load() ended. The kind is decided where the failure happens,
 * from the file and the parser, so that callers (exit codes) never read it
 * out of the message's words. */
enum jsonsrc_error {
	JSONSRC_OK = 0,
	JSONSRC_UNREADABLE, /* could not be opened, stat'ed or read: the world's fault */
	JSONSRC_BAD_INPUT,  /* read, or readable, but not acceptable: a directory, a
	                     * FIFO, too large, not JSON, not a known shape */
};

/* Read path ("-" is standard input) and parse it; *cause says why not. */
enum jsonsrc_error jsonsrc_load(const char *path, struct raw_list *out, char **cause);

#endif
