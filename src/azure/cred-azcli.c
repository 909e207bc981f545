/*
 * cred-azcli.c - the Azure CLI credential: 'az account get-access-token',
 * run with a time limit, its output captured in a buffer sized in advance.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "azure/auth-internal.h"
#include "base/platform.h"
#include "base/quote.h"
#include "base/process.h"
#include "base/util.h"

#ifndef _WIN32
extern char **environ;
#endif

#define CLI_OUT_MAX (1024u * 1024)      /* what 'az' may print */
#define CLI_ERR_MAX (64u * 1024)        /* what is kept of its stderr */
#define CLI_TIMEOUT_MS 10000L

static long cli_timeout_ms = CLI_TIMEOUT_MS;

void
auth_set_cli_timeout_ms(long ms)
{
	cli_timeout_ms = ms > 0 ? ms : CLI_TIMEOUT_MS;
}

#ifdef _WIN32
/* The Azure CLI on Windows is az.cmd, a batch file run through cmd.exe;
 * running it safely (quoting, a job object for the timeout) is not done
 * yet, so "auto" goes on to the next credential. */
int
cred_azure_cli(struct ctx *c, struct auth_token *out, char **reason)
{
	(void)c;
	(void)out;
	return cred_result(CRED_UNAVAILABLE, reason, "the Azure CLI credential is not "
	    "available in the Windows build; use a service principal (auth = env) or "
	    "a managed identity");
}
#else
/* name on PATH; empty and relative entries (the current directory) are
 * skipped, since we may run as root. */
static char *
find_program(const char *name)
{
	const char *path = getenv("PATH"), *p, *colon;
	struct stat st;
	size_t len;
	char *cand;

	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = colon + 1) {
		colon = strchr(p, ':');
		len = colon != NULL ? (size_t)(colon - p) : strlen(p);
		if (len > 0 && p[0] == '/') {
			cand = xasprintf("%.*s/%s", (int)len, p, name);
			if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
				return cand;
			free(cand);
		}
		if (colon == NULL)
			return NULL;
	}
}

int
cred_azure_cli(struct ctx *c, struct auth_token *out, char **reason)
{
	static char no_color[] = "AZURE_CORE_NO_COLOR=true";
	const char *argv[12], *tenant = cred_nonempty(c->o->tenant_id);
	struct process_opts po;
	struct process_result pr;
	char *az, **envp, **e, *why = NULL, *said = NULL, *msg;
	size_t n = 0, k = 0;
	int rc = CRED_FAILED;

	if (tenant != NULL && !cred_safe_id(tenant))
		return cred_result(CRED_FAILED, reason,
		    "tenant_id is not a tenant ID or domain name");
	if ((az = find_program("az")) == NULL)
		return cred_result(CRED_UNAVAILABLE, reason, "'az' is not installed");
	argv[n++] = "az";
	argv[n++] = "account";
	argv[n++] = "get-access-token";
	argv[n++] = "--output";
	argv[n++] = "json";
	argv[n++] = "--resource";
	argv[n++] = c->resource;
	if (tenant != NULL) {
		argv[n++] = "--tenant";
		argv[n++] = tenant;
	}
	argv[n] = NULL;
	for (e = environ; *e != NULL; e++)
		k++;
	envp = xcalloc(k + 2, sizeof *envp);
	k = 0;
	for (e = environ; *e != NULL; e++)
		if (strncmp(*e, "AZURE_CORE_NO_COLOR=", 20) != 0)
			envp[k++] = *e;
	envp[k++] = no_color;
	envp[k] = NULL;

	memset(&po, 0, sizeof po);
	po.path = az;
	po.argv = (char *const *)argv;
	po.envp = envp;
	po.what = "az account get-access-token";
	po.cwd = "/";
	po.timeout_ms = cli_timeout_ms;
	po.out = PROCESS_CAPTURE;
	po.out_max = CLI_OUT_MAX;
	po.err = PROCESS_CAPTURE;
	po.err_max = CLI_ERR_MAX;
	process_result_init(&pr);
	if (process_run(&po, &pr, reason) != 0) {
		/* Gone between the PATH search and the exec. */
		if (pr.end == PROCESS_NOT_FOUND) {
			set_error(reason, "'az' is not installed");
			rc = CRED_UNAVAILABLE;
		}
		goto out;
	}
	if (pr.end == PROCESS_EXITED && pr.code == 0) {
		if (cred_token_from_json(pr.out.data, pr.out.len, "accessToken", out, &why) == 0)
			rc = CRED_OK;
		else
			set_error(reason, "'az account get-access-token' printed no token: %s", why);
		goto out;
	}
	if (pr.end == PROCESS_EXITED && pr.code == 127) {
		set_error(reason, "'az' is not installed");
		rc = CRED_UNAVAILABLE;
		goto out;
	}
	if (pr.errout.data != NULL && (strstr(pr.errout.data, "az login") != NULL ||
	    strstr(pr.errout.data, "az account set") != NULL)) {
		if (tenant != NULL)
			set_error(reason, "not logged in to tenant %s (run 'az login --tenant %s')",
			    tenant, tenant);
		else
			set_error(reason, "not logged in (run 'az login')");
		rc = CRED_UNAVAILABLE;
		goto out;
	}
	said = pr.errout.data != NULL ? quote_mem(pr.errout.data, pr.errout.len, QUOTE_MAX,
	    QUOTE_FIRST_LINE | QUOTE_STRIP_ANSI) : NULL;
	msg = said;
	if (msg != NULL && strncmp(msg, "ERROR: ", 7) == 0)
		msg += 7;
	if (pr.end == PROCESS_EXITED)
		set_error(reason, "'az account get-access-token' failed (exit status %d)%s%s",
		    pr.code, msg != NULL ? ": " : "", msg != NULL ? msg : "");
	else
		set_error(reason, "'az account get-access-token' was killed by signal %d",
		    pr.code);
out:
	process_result_release(&pr);
	free(said);
	free(why);
	free(envp);
	free(az);
	return rc;
}
#endif /* !_WIN32 */
