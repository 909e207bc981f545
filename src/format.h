/*
 * format.h - print resolved entries for people and other programs
 * ("amlhosts resolve --format ..."). Output is deterministic: the same
 * entries always give the same bytes.
 */
#ifndef AMLHOSTS_FORMAT_H
#define AMLHOSTS_FORMAT_H

#include <stddef.h>
#include "entries.h"
#include "util.h"

enum format { FORMAT_HOSTS, FORMAT_JSON, FORMAT_CSV };

struct resolved_target {
	const char *name;
	const struct entry_list *entries;
};

/* "hosts", "json", "csv"; -1 if unknown. */
int format_parse(const char *s, enum format *out);
/* The names accepted, for messages and --help. */
const char *format_names(void);

/*
 * hosts: the blocks as amlhosts writes them;
 * json:  {"amlhosts": 1, "entries": [{"target", "fqdn", "ip"}, ...]}, which
 *        --from-json reads back (SPEC 5.1 shape 6);
 * csv:   "fqdn,ip,target" and one row per entry.
 */
void format_entries(enum format f, const struct resolved_target *t, size_t n, struct buf *out);

#endif
