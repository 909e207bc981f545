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

/* Convert a file's bytes to UTF-8 text: strip a UTF-8 BOM, transcode
 * UTF-16LE/BE with a BOM; anything else must already be valid UTF-8. */
int jsonsrc_to_utf8(const char *p, size_t n, struct buf *out, const char *what, char **cause);

/* Parse text (any of the encodings above) and append the pairs it holds.
 * what names the source in messages ("nic.json", "standard input"). */
int jsonsrc_parse(const char *p, size_t n, const char *what, struct raw_list *out, char **cause);

/* Read path ("-" is standard input) and parse it. */
int jsonsrc_load(const char *path, struct raw_list *out, char **cause);

#endif
