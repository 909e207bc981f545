/*
 * cmd-discover.c - onboarding: list the workspaces of a subscription (or
 * resource group) that the identity can read and that have an approved
 * private endpoint, each as a ready-to-paste [workspace NAME] section. The
 * helper asks Azure (discovery-client.h, discover mode); this side prints.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/output.h"
#include "source/discovery-client.h"

/* The last part of a resource id: the private endpoint's name. */
static const char *
id_name(const char *id)
{
	const char *slash = strrchr(id, '/');

	return slash != NULL ? slash + 1 : id;
}

static void
print_section(struct buf *b, const char *subscription, const struct discovery_workspace *w)
{
	size_t i;

	buf_printf(b, "[workspace %s]\nsubscription = %s\nresource_group = %s\nworkspace = %s\n",
	    w->name, subscription, w->resource_group, w->name);
	if (w->endpoints.n < 2)
		return;
	/* Several approved endpoints (one per VNet, say): discovery needs to be
	 * told which one this machine reaches. The first is a guess. */
	buf_printf(b, "; %zu approved private endpoints; keep the one this machine reaches:\n",
	    w->endpoints.n);
	for (i = 0; i < w->endpoints.n; i++)
		buf_printf(b, ";   %s  %s\n", id_name(w->endpoints.v[i]), w->endpoints.v[i]);
	buf_printf(b, "private_endpoint = %s\n", w->endpoints.v[0]);
}

static int
cmd_discover_exec(struct cmd_ctx *ctx)
{
	struct discovery_workspaces w;
	struct buf text = BUF_INIT;
	char *cause = NULL;
	const char *scope_word;
	enum discovery_error err;
	size_t i;
	int rc;

	if (ctx->adhoc_sub == NULL) {
		cmd_error(ctx, "discover needs --subscription ID (and may take --resource-group RG)");
		return EXIT_USAGE;
	}
	scope_word = ctx->adhoc_rg != NULL ? "resource group" : "subscription";
	err = discovery_list_workspaces(&ctx->conf, ctx->adhoc_sub, ctx->adhoc_rg, ctx->verbose,
	    ctx->verbose ? cmd_trace_http : NULL, ctx, &w, &cause);
	if (ctx->verbose && w.have_stats)
		cmd_note(ctx, "Azure: %lu requests over %lu connections%s%s", w.requests,
		    w.connections, w.token_source ? ", token from " : "",
		    w.token_source ? w.token_source : "");
	if (err != DISCOVERY_OK) {
		cmd_error(ctx, "%s", cause);
		free(cause);
		discovery_workspaces_release(&w);
		return err == DISCOVERY_BAD_INPUT ? EXIT_USAGE : EXIT_FAIL;
	}
	if (w.n == 0)
		cmd_note(ctx, "no workspace of %s %s has an approved private endpoint that "
		    "this identity can read%s", scope_word,
		    ctx->adhoc_rg != NULL ? ctx->adhoc_rg : ctx->adhoc_sub,
		    w.without > 0 ? " (some have none)" : "");
	else if (w.without > 0 && !ctx->quiet)
		cmd_note(ctx, "%zu workspace%s without an approved private endpoint left out",
		    w.without, w.without == 1 ? "" : "s");
	for (i = 0; i < w.n; i++) {
		if (i > 0)
			buf_putc(&text, '\n');
		print_section(&text, ctx->adhoc_sub, &w.v[i]);
	}
	rc = text.len > 0 && output_buf(ctx, &text) != 0 ? EXIT_FAIL : EXIT_OK;
	buf_release(&text);
	discovery_workspaces_release(&w);
	return rc;
}

const struct cmd_entry cmd_discover_entry = {
	"discover", "--subscription ID [--resource-group RG]",
	"print a [workspace] section for each workspace with a private endpoint",
	"      --subscription ID  the subscription to look in\n"
	"      --resource-group RG  only this resource group of it\n",
	0,
	cmd_discover_exec,
};
