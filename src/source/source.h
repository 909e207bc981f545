/*
 * source.h - turn a configured target into its validated entries: read the
 * JSON file it names or ask Azure through the discovery helper
 * (discovery-client.h), then derive every name a client needs (SPEC 2, 5).
 *
 * Errors come in two kinds, which the command line maps to exit codes: bad
 * input (a malformed or hostile file, a bad setting: SOURCE_BAD_INPUT) and
 * failures of the world (a file that cannot be read, Azure or the network
 * failing, an empty answer: SOURCE_FAILED).
 *
 * A struct source_ctx lives for one run: the helper runs once, at the first
 * target that asks Azure, for every such target of the run (named with
 * source_ctx_targets()), so that they share its connections and its token.
 */
#ifndef AMLHOSTS_SOURCE_H
#define AMLHOSTS_SOURCE_H

#include "hosts/conf.h"
#include "hosts/entries.h"
#include "source/discovery-client.h"
#include "base/util.h"

enum source_error { SOURCE_OK = 0, SOURCE_FAILED = 1, SOURCE_BAD_INPUT = 2 };

struct source_ctx {
	const struct config *c;
	int verbose;
	discovery_line_fn trace;
	void *trace_arg;
	const struct target_conf **azure; /* the run's targets that ask Azure */
	size_t nazure;
	int asked;                        /* the helper ran */
	enum source_error helper_err;
	char *helper_cause;
	struct discovery_result found;
};

void source_ctx_init(struct source_ctx *sc, const struct config *c, int verbose,
    discovery_line_fn trace, void *trace_arg);
/* The targets of this run, in order: those that ask Azure are asked about
 * together. Without it each Azure target gets a helper run of its own. */
void source_ctx_targets(struct source_ctx *sc, struct target_conf *const *t, size_t n);
void source_ctx_release(struct source_ctx *sc);

/* Resolve one target. Notes worth telling the user (names left out and why)
 * are appended to notes. */
enum source_error source_resolve_target(struct source_ctx *sc, const struct target_conf *t,
    struct entry_list *out, struct strlist *notes, char **cause);
/* The same, with the wildcards no online endpoint name replaced appended
 * to wildcards (names_derive's o->wildcards) instead of noted: the caller
 * says them once per run, or writes them where a DNS server holds them. */
enum source_error source_resolve_target_wildcards(struct source_ctx *sc,
    const struct target_conf *t, struct entry_list *out, struct entry_list *wildcards,
    struct strlist *notes, char **cause);

/* What the helper said about its requests (-v): 0 if it said nothing. */
int source_azure_stats(const struct source_ctx *sc, unsigned long *requests,
    unsigned long *connections, const char **token_source);

#endif
