/*
 * source.c - resolve a configured target into validated entries.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hosts/jsonsrc.h"
#include "hosts/targetplan.h"
#include "source/source.h"

void
source_ctx_init(struct source_ctx *sc, const struct config *c, int verbose,
    discovery_line_fn trace, void *trace_arg)
{
	memset(sc, 0, sizeof *sc);
	sc->c = c;
	sc->verbose = verbose;
	sc->trace = trace;
	sc->trace_arg = trace_arg;
}

void
source_ctx_targets(struct source_ctx *sc, struct target_conf *const *t, size_t n)
{
	size_t i;

	free(sc->azure);
	sc->azure = xcalloc(n + 1, sizeof *sc->azure);
	sc->nazure = 0;
	for (i = 0; i < n; i++)
		if (t[i]->json_file == NULL)
			sc->azure[sc->nazure++] = t[i];
}

void
source_ctx_release(struct source_ctx *sc)
{
	free(sc->azure);
	free(sc->helper_cause);
	discovery_result_release(&sc->found);
	memset(sc, 0, sizeof *sc);
}

int
source_azure_stats(const struct source_ctx *sc, unsigned long *requests,
    unsigned long *connections, const char **token_source)
{
	*requests = sc->found.requests;
	*connections = sc->found.connections;
	*token_source = sc->found.token_source;
	return sc->found.have_stats;
}

/* Which of the run's Azure targets t is; -1 when the run did not name it
 * (then it is asked about alone). */
static long
azure_index(const struct source_ctx *sc, const struct target_conf *t)
{
	size_t i;

	for (i = 0; i < sc->nazure; i++)
		if (sc->azure[i] == t)
			return (long)i;
	return -1;
}

/* The helper's answer for t: its pairs, after its notes went to notes. */
static enum source_error
ask_azure(struct source_ctx *sc, const struct target_conf *t, const struct raw_list **raw,
    struct strlist *notes, char **cause)
{
	long at = azure_index(sc, t);
	size_t i, j;

	if (at < 0 || !sc->asked) {
		if (at < 0) {
			/* Not among the run's targets: ask about it alone. */
			discovery_result_release(&sc->found);
			free(sc->helper_cause);
			sc->helper_cause = NULL;
			free(sc->azure);
			sc->azure = xcalloc(1, sizeof *sc->azure);
			sc->azure[0] = t;
			sc->nazure = 1;
			at = 0;
		}
		sc->helper_err = (enum source_error)discovery_run(sc->c, sc->azure, sc->nazure,
		    sc->verbose, sc->trace, sc->trace_arg, &sc->found, &sc->helper_cause);
		sc->asked = 1;
		if (sc->helper_err != SOURCE_OK) {
			/* What it said before it stopped, about any target. */
			for (i = 0; i < sc->found.n; i++)
				for (j = 0; j < sc->found.notes[i].n; j++)
					strlist_push(notes, sc->found.notes[i].v[j]);
		}
	}
	if (sc->helper_err != SOURCE_OK) {
		set_error(cause, "%s", sc->helper_cause);
		return sc->helper_err;
	}
	for (j = 0; j < sc->found.notes[at].n; j++)
		strlist_push(notes, sc->found.notes[at].v[j]);
	/* The notes above say what is missing; strict makes that a failure
	 * (cron users who would rather hear of it than write less). */
	if (sc->c->strict && sc->found.partial[at] > 0) {
		set_error(cause, "target '%s': Azure refused %zu optional read%s (see the notes "
		    "above) and strict is set; the hosts file was left as it was", t->name,
		    sc->found.partial[at], sc->found.partial[at] > 1 ? "s" : "");
		return SOURCE_FAILED;
	}
	*raw = &sc->found.raw[at];
	return SOURCE_OK;
}

enum source_error
source_resolve_target(struct source_ctx *sc, const struct target_conf *t,
    struct entry_list *out, struct strlist *notes, char **cause)
{
	return source_resolve_target_wildcards(sc, t, out, NULL, notes, cause);
}

enum source_error
source_resolve_target_wildcards(struct source_ctx *sc, const struct target_conf *t,
    struct entry_list *out, struct entry_list *wildcards, struct strlist *notes, char **cause)
{
	struct raw_list file = RAW_LIST_INIT;
	const struct raw_list *raw = &file;
	struct target_plan p;
	enum source_error rc = SOURCE_BAD_INPUT;

	/* Azure's answer is checked as a file's is; its messages name "Azure". */
	if (target_plan_init(&p, sc->c, t, t->json_file == NULL ? "Azure" :
	    strcmp(t->json_file, "-") == 0 ? "standard input" : t->json_file, cause) != 0)
		return SOURCE_BAD_INPUT;
	if (p.from_azure) {
		if ((rc = ask_azure(sc, t, &raw, notes, cause)) != SOURCE_OK)
			goto out;
		rc = SOURCE_BAD_INPUT;
	} else {
		switch (jsonsrc_load(t->json_file, &file, cause)) {
		case JSONSRC_OK:
			break;
		case JSONSRC_UNREADABLE:
			/* A file we could not read is the world's fault; one we
			 * could read but not accept is the input's. */
			rc = SOURCE_FAILED;
			goto out;
		case JSONSRC_BAD_INPUT:
		default:
			goto out;
		}
	}
	p.o.wildcards = wildcards;
	if (target_plan_finish(&p, t, raw, out, notes, cause) != 0)
		goto out;
	rc = SOURCE_OK;
out:
	raw_list_release(&file);
	target_plan_release(&p);
	return rc;
}
