/*
 * source.h - turn a configured target into its validated entries: read the
 * JSON file it names or ask Azure, then derive every name a client needs
 * (SPEC 2, 5).
 *
 * Errors come in two kinds, which the command line maps to exit codes: bad
 * input (a malformed or hostile file, a bad setting: SOURCE_BAD_INPUT) and
 * failures of the world (a file that cannot be read, Azure or the network
 * failing, an empty answer: SOURCE_FAILED).
 *
 * A struct source_ctx lives for one run: targets resolved from Azure share
 * its HTTP connections and its token.
 */
#ifndef AMLHOSTS_SOURCE_H
#define AMLHOSTS_SOURCE_H

#include "azure/azure.h"
#include "hosts/conf.h"
#include "hosts/entries.h"
#include "base/util.h"

enum source_error { SOURCE_OK = 0, SOURCE_FAILED = 1, SOURCE_BAD_INPUT = 2 };

struct source_ctx {
	const struct config *c;
	int verbose;
	http_trace_fn trace;
	void *trace_arg;
	struct azure_session az;
	int az_ready;
};

void source_ctx_init(struct source_ctx *sc, const struct config *c, int verbose,
    http_trace_fn trace, void *trace_arg);
void source_ctx_release(struct source_ctx *sc);

/* Resolve one target. Notes worth telling the user (names left out and why)
 * are appended to notes. */
enum source_error source_resolve_target(struct source_ctx *sc, const struct target_conf *t,
    struct entry_list *out, struct strlist *notes, char **cause);

#endif
