/*
 * textenc.h - the text encodings Windows tools write, turned into the UTF-8
 * the rest of amlhosts works in: a UTF-8 byte order mark is dropped,
 * UTF-16LE/BE with a byte order mark (PowerShell 5.1's Out-File and
 * ConvertTo-Json > file) is transcoded. Shared by the JSON sources and the
 * configuration file, so both accept the same files.
 */
#ifndef AMLHOSTS_TEXTENC_H
#define AMLHOSTS_TEXTENC_H

#include <stddef.h>
#include "base/util.h"

/* The byte order mark a text starts with. */
enum text_bom {
	TEXT_BOM_NONE,
	TEXT_BOM_UTF8,
	TEXT_BOM_UTF16LE,
	TEXT_BOM_UTF16BE
};

enum text_bom text_bom(const char *p, size_t n);

/* Offset of the first byte of p that is not valid UTF-8 or is NUL; n when
 * all n bytes are valid UTF-8 text. */
size_t text_utf8_valid(const char *p, size_t n);

/* Append p's text to out as UTF-8 without a byte order mark: UTF-16 (with
 * its BOM) is transcoded, anything else must already be valid UTF-8. On
 * error sets *cause, naming the text by what, and returns -1. */
int text_to_utf8(const char *p, size_t n, struct buf *out, const char *what, char **cause);

#endif
