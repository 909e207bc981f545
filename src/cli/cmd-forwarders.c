/*
 * cmd-forwarders.c - print conditional forwarders that send a cloud's Azure
 * Machine Learning zones to Azure DNS (or to --to), for a DNS server that
 * runs inside the virtual network: the other way, besides a zone per name,
 * that the custom-DNS article gives for resolving private endpoints.
 *
 * It needs no target and no configuration: the zones are facts of the cloud
 * (cloud.c), so that a team can generate them before any workspace exists.
 * The cloud is --cloud, else the configuration's "cloud", else AzureCloud.
 */
#include "config.h"

#include <stdlib.h>

#include "cli/cmd.h"
#include "cli/output.h"

static int
cmd_forwarders_exec(struct cmd_ctx *ctx)
{
	const char *name = ctx->cloud_name ? ctx->cloud_name : ctx->conf.cloud;
	const struct cloud *c = cloud_find(name);
	struct dns_addr to;
	struct buf out = BUF_INIT;
	char *cause = NULL;
	int rc = EXIT_USAGE;

	if (!(ctx->used & CMDOPT_FORMAT) || !format_is_dns(ctx->format)) {
		cmd_error(ctx, "'forwarders' needs --format with a DNS server: %s", format_dns_names());
		return EXIT_USAGE;
	}
	if (c == NULL) {
		cmd_error(ctx, "unknown cloud '%s' (known: %s)", name ? name : "", cloud_names());
		return EXIT_USAGE;
	}
	if (dns_addr_parse(ctx->to_text ? ctx->to_text : FORMAT_AZURE_DNS, &to, &cause) != 0) {
		cmd_error(ctx, "--to: %s", cause);
		goto out;
	}
	if (format_forwarders(ctx->format, c, &to, &out, &cause) != 0) {
		cmd_error(ctx, "%s", cause);
		goto out;
	}
	rc = output_buf(ctx, &out) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	free(cause);
	buf_release(&out);
	return rc;
}

const struct cmd_entry cmd_forwarders_entry = {
	"forwarders", "",
	"print conditional forwarders of the cloud's zones for a DNS server",
	"      --format FORMAT    dnsmasq, unbound, bind, coredns or powershell (required)\n"
	"      --to IP[:PORT]     where to forward (default " FORMAT_AZURE_DNS ", Azure DNS;\n"
	"                         an IPv6 address with a port as [IP]:PORT)\n"
	"      --cloud NAME       AzureCloud, AzureChinaCloud or AzureUSGovernment\n"
	"                         (default: the configuration's cloud)\n",
	CMDF_TO_ADDRESS,
	cmd_forwarders_exec,
};
