#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "azure/auth.h"
#include "base/fileread.h"
#include "base/util.h"
#include "unit/azure/listen-local.h"
#include "unit/cunit_main.h"

#define CLIENT "11111111-2222-3333-4444-555555555555"
#define TENANT "contoso.onmicrosoft.com"
#define RESOURCE "https://management.core.windows.net/"
#define RESOURCE_ENC "https%3A%2F%2Fmanagement.core.windows.net%2F"

static char workdir[64];

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
remove_workdir(void)
{
	if (workdir[0] != '\0')
		nftw(workdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A scratch directory for the whole run, removed at exit. */
static const char *
scratch(void)
{
	if (workdir[0] == '\0') {
		snprintf(workdir, sizeof workdir, "/tmp/test_auth.XXXXXX");
		if (mkdtemp(workdir) == NULL) {
			perror("mkdtemp");
			exit(1);
		}
		atexit(remove_workdir);
	}
	return workdir;
}

/* A new path in the scratch directory (free it). */
static char *
scratch_path(const char *name)
{
	return xasprintf("%s/%s", scratch(), name);
}

static char *
write_file(const char *name, const char *text, mode_t mode)
{
	char *path = scratch_path(name);
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write_all(fd, text, strlen(text)) == 0);
	close(fd);
	chmod(path, mode);
	return path;
}

static char *
slurp(const char *path)
{
	struct buf b = BUF_INIT;

	if (file_read(path, FILE_READ_REGULAR, 1 << 20, &b, NULL, NULL, NULL) != 0) {
		buf_release(&b);
		return xstrdup("");
	}
	return buf_detach(&b, NULL);
}

/* No credential of any kind in the environment; PATH without az. */
static void
clear_env(void)
{
	static const char *const vars[] = {
		"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET",
		"AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST", "CREDENTIALS_DIRECTORY",
		"IDENTITY_ENDPOINT", "IDENTITY_HEADER", "IDENTITY_SERVER_THUMBPRINT",
		"IMDS_ENDPOINT", "MSI_ENDPOINT", "MSI_SECRET", "AZURE_POD_IDENTITY_AUTHORITY_HOST",
		/* the local test servers must be reached directly */
		"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
		NULL,
	};
	char *empty = scratch_path("empty-bin");
	size_t i;

	for (i = 0; vars[i] != NULL; i++)
		unsetenv(vars[i]);
	mkdir(empty, 0700);
	setenv("PATH", empty, 1);
	/* Nothing answers on port 1: the IMDS probe fails at once. */
	setenv("AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:1", 1);
	free(empty);
	auth_set_cli_timeout_ms(0);
}

static void
opts_init(struct auth_opts *o, const char *method)
{
	memset(o, 0, sizeof *o);
	o->method = method;
	o->login_endpoint = "https://login.microsoftonline.com/";
	o->arm_endpoint = "https://management.azure.com/";
	o->arm_resource = RESOURCE;
}

static struct http_client *
client(void)
{
	struct http_opts ho;
	struct http_client *hc = NULL;
	char *cause = NULL;

	memset(&ho, 0, sizeof ho);
	ho.connect_timeout = 5;
	ho.request_timeout = 10;
	CU_ASSERT_FATAL(http_client_new(&hc, &ho, &cause) == 0);
	free(cause);
	return hc;
}

/* --- a plain-HTTP server for the managed identity endpoints --------------- */

struct canned {
	int status;
	const char *body;
};

struct server {
	pid_t pid;
	int port;
	char *log; /* every request, raw, each followed by "\n--\n" */
};

static void
serve(int ls, const char *log, const struct canned *resp, size_t nresp)
{
	char req[65536], out[70000];
	size_t i, len;
	ssize_t r;
	const char *end, *cl;
	long want;
	int fd, lf;

	for (i = 0;; i++) {
		fd = accept(ls, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		len = 0;
		end = NULL;
		want = -1;
		while (len < sizeof req - 1) {
			r = read(fd, req + len, sizeof req - 1 - len);
			if (r <= 0)
				break;
			len += (size_t)r;
			req[len] = '\0';
			if (end == NULL && (end = strstr(req, "\r\n\r\n")) != NULL) {
				cl = strcasestr(req, "\r\ncontent-length:");
				want = cl != NULL && cl < end ? strtol(cl + 17, NULL, 10) : 0;
			}
			if (end != NULL && (long)(len - (size_t)(end + 4 - req)) >= want)
				break;
		}
		lf = open(log, O_WRONLY | O_APPEND | O_CREAT, 0600);
		if (lf >= 0) {
			write_all(lf, req, len);
			write_all(lf, "\n--\n", 4);
			close(lf);
		}
		{
			const struct canned *c = &resp[i < nresp ? i : nresp - 1];
			int n = snprintf(out, sizeof out, "HTTP/1.1 %d X\r\nContent-Type: "
			    "application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
			    c->status, strlen(c->body), c->body);

			write_all(fd, out, (size_t)n);
		}
		close(fd);
	}
}

static void
server_start(struct server *s, const struct canned *resp, size_t nresp)
{
	int ls = listen_local(16, &s->port);

	s->log = scratch_path("server.log");
	unlink(s->log);
	fflush(NULL);
	s->pid = fork();
	CU_ASSERT_FATAL(s->pid >= 0);
	if (s->pid == 0)
		serve(ls, s->log, resp, nresp);
	close(ls);
}

static char *
server_stop(struct server *s)
{
	char *log;

	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	log = slurp(s->log);
	free(s->log);
	return log;
}

/* --- pure helpers ---------------------------------------------------------- */

static void
test_form_encode(void)
{
	const char *kv[] = {
		"client_id", CLIENT, "client_secret", "a b&c=d/+%",
		"grant_type", "client_credentials", "scope", "https://management.azure.com/.default",
		NULL,
	};
	const char *none[] = { NULL };
	char *form, *secret, *scope, *want;

	form = auth_form_encode(kv);
	secret = http_urlencode("a b&c=d/+%");
	scope = http_urlencode("https://management.azure.com/.default");
	want = xasprintf("client_id=%s&client_secret=%s&grant_type=client_credentials&scope=%s",
	    CLIENT, secret, scope);
	CU_ASSERT_STRING_EQUAL(form, want);
	/* the value cannot add a field */
	CU_ASSERT_PTR_NULL(strpbrk(secret, " &="));
	CU_ASSERT_PTR_NULL(strpbrk(scope, "/:"));
	free(form);
	free(want);
	free(secret);
	free(scope);

	form = auth_form_encode(none);
	CU_ASSERT_STRING_EQUAL(form, "");
	free(form);
}

static void
test_expires_on(void)
{
	long long t = 0;

	CU_ASSERT_EQUAL(auth_parse_expires_on("1700000000", &t), 0);
	CU_ASSERT_EQUAL(t, 1700000000LL);
	CU_ASSERT_EQUAL(auth_parse_expires_on("06/19/2019 23:42:01 +00:00", &t), 0);
	CU_ASSERT_EQUAL(t, 1560987721LL);
	CU_ASSERT_EQUAL(auth_parse_expires_on("06/19/2019 11:42:01 PM +00:00", &t), 0);
	CU_ASSERT_EQUAL(t, 1560987721LL);
	CU_ASSERT_EQUAL(auth_parse_expires_on("12/31/2019 12:00:00 AM +00:00", &t), 0);
	CU_ASSERT_EQUAL(t, 1577750400LL);
	CU_ASSERT_EQUAL(auth_parse_expires_on("2/29/2020 12:00:00 PM +00:00", &t), 0);
	CU_ASSERT_EQUAL(t, 1582977600LL);
	CU_ASSERT_EQUAL(auth_parse_expires_on("06/20/2019 01:42:01 +02:00", &t), 0);
	CU_ASSERT_EQUAL(t, 1560987721LL);
	CU_ASSERT_EQUAL(auth_parse_expires_on("06/19/2019 23:42:01", &t), 0);
	CU_ASSERT_EQUAL(t, 1560987721LL);

	CU_ASSERT_NOT_EQUAL(auth_parse_expires_on("", &t), 0);
	CU_ASSERT_NOT_EQUAL(auth_parse_expires_on("soon", &t), 0);
	CU_ASSERT_NOT_EQUAL(auth_parse_expires_on("1700000000x", &t), 0);
	CU_ASSERT_NOT_EQUAL(auth_parse_expires_on("-5", &t), 0);
	CU_ASSERT_NOT_EQUAL(auth_parse_expires_on("13/01/2019 00:00:00 +00:00", &t), 0);
	CU_ASSERT_NOT_EQUAL(auth_parse_expires_on("02/29/2019 00:00:00 +00:00", &t), 0);
	CU_ASSERT_NOT_EQUAL(auth_parse_expires_on("06/19/2019 13:00:00 PM +00:00", &t), 0);
	CU_ASSERT_NOT_EQUAL(auth_parse_expires_on("06/19/2019 23:42:01 +00:00 junk", &t), 0);
	CU_ASSERT_NOT_EQUAL(auth_parse_expires_on("99999999999999999999999", &t), 0);
	CU_ASSERT_NOT_EQUAL(auth_parse_expires_on(NULL, &t), 0);
}

static void
test_cli_expires_on(void)
{
	char *tz = getenv("TZ") != NULL ? xstrdup(getenv("TZ")) : NULL;
	long long t = 0;

	setenv("TZ", "UTC", 1);
	tzset();
	CU_ASSERT_EQUAL(auth_parse_cli_expires_on("2024-01-02 03:04:05.123456", &t), 0);
	CU_ASSERT_EQUAL(t, 1704164645LL);
	CU_ASSERT_EQUAL(auth_parse_cli_expires_on("2024-01-02 03:04:05", &t), 0);
	CU_ASSERT_EQUAL(t, 1704164645LL);
	setenv("TZ", "EST5", 1);
	tzset();
	CU_ASSERT_EQUAL(auth_parse_cli_expires_on("2024-01-01 22:04:05.000000", &t), 0);
	CU_ASSERT_EQUAL(t, 1704164645LL);
	CU_ASSERT_NOT_EQUAL(auth_parse_cli_expires_on("2024-01-02T03:04:05Z", &t), 0);
	CU_ASSERT_NOT_EQUAL(auth_parse_cli_expires_on("2024-13-02 03:04:05", &t), 0);
	CU_ASSERT_NOT_EQUAL(auth_parse_cli_expires_on("2024-01-02 03:04:05.", &t), 0);
	CU_ASSERT_NOT_EQUAL(auth_parse_cli_expires_on("", &t), 0);
	if (tz != NULL)
		setenv("TZ", tz, 1);
	else
		unsetenv("TZ");
	tzset();
	free(tz);
}

static void
test_token_ok(void)
{
	CU_ASSERT_TRUE(auth_token_ok("eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJ4In0.c2ln-_~+/="));
	CU_ASSERT_FALSE(auth_token_ok(""));
	CU_ASSERT_FALSE(auth_token_ok(NULL));
	CU_ASSERT_FALSE(auth_token_ok("a b"));
	CU_ASSERT_FALSE(auth_token_ok("abc\r\nX-Evil: 1"));
	CU_ASSERT_FALSE(auth_token_ok("abc\n"));
	CU_ASSERT_FALSE(auth_token_ok("caf\xc3\xa9"));
}

/* --- secrets ----------------------------------------------------------- */

static void
test_secret_file(void)
{
	char *path, *secret = NULL, *cause = NULL, *want;
	struct http_client *hc;
	struct auth_opts o;
	struct auth_token tok;

	path = write_file("secret", "s3cr3t~value\n", 0600);
	CU_ASSERT_EQUAL(auth_read_secret(path, 4096, 1, &secret, &cause), 0);
	CU_ASSERT_STRING_EQUAL(secret, "s3cr3t~value");
	free(secret);
	free(path);

	path = write_file("secret-crlf", "abc\r\n", 0400);
	CU_ASSERT_EQUAL(auth_read_secret(path, 4096, 1, &secret, &cause), 0);
	CU_ASSERT_STRING_EQUAL(secret, "abc");
	free(secret);
	free(path);

	path = write_file("secret-644", "abc\n", 0644);
	CU_ASSERT_EQUAL(auth_read_secret(path, 4096, 1, &secret, &cause), AUTH_ERR_CONFIG);
	CU_ASSERT_PTR_NULL(secret);
	want = xasprintf("'%s' is readable by group or others; chmod 600 it", path);
	CU_ASSERT_STRING_EQUAL(cause, want);
	free(want);
	/* without the check (systemd credentials) it is read */
	CU_ASSERT_EQUAL(auth_read_secret(path, 4096, 0, &secret, &cause), 0);
	free(secret);

	/* the env credential refuses it, and "auto" stops there */
	clear_env();
	hc = client();
	opts_init(&o, "auto");
	o.client_secret_file = path;
	o.tenant_id = TENANT;
	o.client_id = CLIENT;
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), AUTH_ERR_CONFIG);
	CU_ASSERT_PTR_NULL(tok.token);
	want = xasprintf("environment: '%s' is readable by group or others; chmod 600 it", path);
	CU_ASSERT_STRING_EQUAL(cause, want);
	free(want);
	free(path);

	path = write_file("secret-620", "abc\n", 0620);
	CU_ASSERT_EQUAL(auth_read_secret(path, 4096, 1, &secret, &cause), AUTH_ERR_CONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(cause, "writable by group or others; chmod 600 it"));
	free(path);

	path = write_file("secret-empty", "\n", 0600);
	CU_ASSERT_EQUAL(auth_read_secret(path, 4096, 1, &secret, &cause), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(cause, "is empty"));
	free(path);

	path = write_file("secret-big", "0123456789\n", 0600);
	CU_ASSERT_EQUAL(auth_read_secret(path, 5, 1, &secret, &cause), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(cause, "larger than"));
	free(path);

	CU_ASSERT_EQUAL(auth_read_secret(scratch(), 4096, 1, &secret, &cause), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(cause, "not a regular file"));
	path = scratch_path("no-such-secret");
	CU_ASSERT_EQUAL(auth_read_secret(path, 4096, 1, &secret, &cause), AUTH_ERR_CONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(cause, "cannot open"));
	free(path);
	free(cause);
	http_client_free(hc);
}

/* A secret in the environment without a tenant is "not set up": the chain
 * goes on. An unknown method is refused. Bad IDs are refused up front. */
static void
test_env_incomplete(void)
{
	struct http_client *hc;
	struct auth_opts o;
	struct auth_token tok;
	char *cause = NULL;

	clear_env();
	hc = client();
	setenv("AZURE_CLIENT_SECRET", "hunter2", 1);
	opts_init(&o, "env");
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "environment: AZURE_TENANT_ID is not set");
	setenv("AZURE_TENANT_ID", TENANT, 1);
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "environment: AZURE_CLIENT_ID is not set");

	setenv("AZURE_CLIENT_ID", CLIENT "/../x?y=1", 1);
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "AZURE_CLIENT_ID is not a client ID");
	o.client_id = CLIENT;
	o.tenant_id = "evil.com/x#";
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "tenant_id is not a tenant ID or domain name");
	CU_ASSERT_PTR_NULL(strstr(cause, "hunter2"));

	opts_init(&o, "password");
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(cause, "unknown auth method 'password'"));
	free(cause);
	http_client_free(hc);
}

/* A client secret is never sent over plain HTTP: the HTTP client refuses,
 * and "auto" stops at the credential that was set up. */
static void
test_env_https_only(void)
{
	static const struct canned ok[] = { { 200, "{\"access_token\":\"x\"}" } };
	struct server s;
	struct http_client *hc;
	struct auth_opts o;
	struct auth_token tok;
	char *cause = NULL, *login, *log;

	clear_env();
	hc = client();
	server_start(&s, ok, 1);
	login = xasprintf("http://127.0.0.1:%d", s.port);
	setenv("AZURE_TENANT_ID", TENANT, 1);
	setenv("AZURE_CLIENT_ID", CLIENT, 1);
	setenv("AZURE_CLIENT_SECRET", "hunter2", 1);
	opts_init(&o, "auto");
	o.login_endpoint = login;
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), -1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cause);
	CU_ASSERT_EQUAL(strncmp(cause, "environment: ", 13), 0);
	CU_ASSERT_PTR_NULL(strstr(cause, "hunter2"));
	CU_ASSERT_PTR_NULL(strstr(cause, "no Azure credential worked"));
	log = server_stop(&s);
	CU_ASSERT_STRING_EQUAL(log, "");
	free(log);
	free(login);
	free(cause);
	http_client_free(hc);
}

/* --- managed identity over plain HTTP --------------------------------------- */

static void
test_imds(void)
{
	static const struct canned resp[] = {
		{ 400, "{\"error\":\"invalid_request\",\"error_description\":"
		    "\"Required metadata header not specified\"}" },
		{ 200, "{\"access_token\":\"tok.imds.sig\",\"client_id\":\"" CLIENT "\","
		    "\"expires_in\":\"86399\",\"expires_on\":\"4070908800\",\"ext_expires_in\":"
		    "\"86399\",\"not_before\":\"1700000000\",\"resource\":\"" RESOURCE "\","
		    "\"token_type\":\"Bearer\"}" },
	};
	struct server s;
	struct http_client *hc;
	struct auth_opts o;
	struct auth_token tok;
	char *cause = NULL, *host, *log, *second;
	const char *want;

	clear_env();
	hc = client();
	server_start(&s, resp, 2);
	host = xasprintf("http://127.0.0.1:%d/", s.port);
	setenv("AZURE_POD_IDENTITY_AUTHORITY_HOST", host, 1);
	setenv("AZURE_CLIENT_ID", CLIENT, 1);
	opts_init(&o, "auto");
	CU_ASSERT_EQUAL_FATAL(auth_get_token(hc, &o, &tok, &cause), 0);
	CU_ASSERT_STRING_EQUAL(tok.token, "tok.imds.sig");
	CU_ASSERT_EQUAL(tok.expires, 4070908800LL);
	CU_ASSERT_STRING_EQUAL(tok.source, "managed identity");
	auth_token_release(&tok);
	CU_ASSERT_PTR_NULL(tok.token);
	log = server_stop(&s);
	/* the probe: no query, no Metadata header */
	CU_ASSERT_EQUAL(strncmp(log, "GET /metadata/identity/oauth2/token HTTP/1.1\r\n", 46), 0);
	second = strstr(log, "\n--\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(second);
	CU_ASSERT_PTR_NULL(strcasestr(log, "metadata: true") < second ?
	    strcasestr(log, "metadata: true") : NULL);
	second += 4;
	want = "GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource="
	    RESOURCE_ENC "&client_id=" CLIENT " HTTP/1.1\r\n";
	CU_ASSERT_EQUAL(strncmp(second, want, strlen(want)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(second, "\r\nMetadata: true\r\n"));
	free(log);
	free(host);
	free(cause);
	http_client_free(hc);
}

/* IMDS answers but no identity is assigned: "auto" goes on to az. */
static void
test_imds_no_identity(void)
{
	static const struct canned resp[] = {
		{ 400, "{\"error\":\"invalid_request\"}" },
		{ 400, "{\"error\":\"invalid_request\",\"error_description\":"
		    "\"Identity not found\"}" },
	};
	struct server s;
	struct http_client *hc;
	struct auth_opts o;
	struct auth_token tok;
	char *cause = NULL, *host, *log, *want;

	clear_env();
	hc = client();
	server_start(&s, resp, 2);
	host = xasprintf("http://127.0.0.1:%d", s.port);
	setenv("AZURE_POD_IDENTITY_AUTHORITY_HOST", host, 1);
	opts_init(&o, "auto");
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), -1);
	want = xasprintf("managed identity: no identity is assigned to this machine (IMDS at "
	    "127.0.0.1:%d answered HTTP 400: Identity not found); Azure CLI: 'az' is not "
	    "installed", s.port);
	CU_ASSERT_PTR_NOT_NULL(strstr(cause, want));
	log = server_stop(&s);
	free(log);
	free(want);
	free(host);
	free(cause);
	http_client_free(hc);
}

/* An address that accepts connections and never answers. */
static void
test_imds_probe_timeout(void)
{
	struct http_client *hc;
	struct auth_opts o;
	struct auth_token tok;
	char *cause = NULL, *host, *want;
	int port, ls;
	long long t0;
	struct timespec ts;

	clear_env();
	hc = client();
	ls = listen_local(16, &port);
	host = xasprintf("http://127.0.0.1:%d", port);
	setenv("AZURE_POD_IDENTITY_AUTHORITY_HOST", host, 1);
	opts_init(&o, "managed-identity");
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), -1);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	CU_ASSERT(ts.tv_sec * 1000LL + ts.tv_nsec / 1000000 - t0 < 3000);
	want = xasprintf("managed identity: no endpoint answered at 127.0.0.1:%d "
	    "(probe timed out)", port);
	CU_ASSERT_STRING_EQUAL(cause, want);
	close(ls);
	free(want);
	free(host);
	free(cause);
	http_client_free(hc);
}

/* Azure ML compute: MSI_ENDPOINT + MSI_SECRET. */
static void
test_msi_endpoint(void)
{
	static const struct canned resp[] = {
		{ 200, "{\"access_token\":\"tok.ml\",\"expires_on\":\"06/19/2099 23:42:01 +00:00\","
		    "\"resource\":\"" RESOURCE "\",\"token_type\":\"Bearer\"}" },
	};
	struct server s;
	struct http_client *hc;
	struct auth_opts o;
	struct auth_token tok;
	char *cause = NULL, *ep, *log;
	const char *want;

	clear_env();
	hc = client();
	server_start(&s, resp, 1);
	ep = xasprintf("http://127.0.0.1:%d/MSI/auth", s.port);
	setenv("MSI_ENDPOINT", ep, 1);
	setenv("MSI_SECRET", "msi-s3cret", 1);
	setenv("AZURE_CLIENT_ID", CLIENT, 1);
	opts_init(&o, "auto");
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), 0);
	CU_ASSERT_STRING_EQUAL(tok.token, "tok.ml");
	CU_ASSERT_EQUAL(tok.expires, 4085595721LL);
	CU_ASSERT_STRING_EQUAL(tok.source, "managed identity");
	auth_token_release(&tok);
	log = server_stop(&s);
	want = "GET /MSI/auth?api-version=2017-09-01&resource=" RESOURCE_ENC "&clientid=" CLIENT
	    " HTTP/1.1\r\n";
	CU_ASSERT_EQUAL(strncmp(log, want, strlen(want)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(log, "\r\nsecret: msi-s3cret\r\n"));
	free(log);
	free(ep);
	free(cause);
	http_client_free(hc);
}

/* App Service: IDENTITY_ENDPOINT + IDENTITY_HEADER; a failure there stops
 * "auto" with the endpoint's words. */
static void
test_identity_endpoint(void)
{
	static const struct canned ok[] = {
		{ 200, "{\"access_token\":\"tok.app\",\"expires_on\":\"4070908800\","
		    "\"resource\":\"" RESOURCE "\",\"token_type\":\"Bearer\",\"client_id\":\""
		    CLIENT "\"}" },
	};
	static const struct canned refused[] = {
		{ 403, "{\"statusCode\":403,\"message\":\"The header is wrong.\"}" },
	};
	/* Entra ID's shape: the first line of error_description is shown */
	static const struct canned aad[] = {
		{ 401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: "
		    "Invalid client secret provided.\\r\\nTrace ID: 1\\r\\nCorrelation ID: 2\","
		    "\"error_codes\":[7000215]}" },
	};
	struct server s;
	struct http_client *hc;
	struct auth_opts o;
	struct auth_token tok;
	char *cause = NULL, *ep, *log, *want;

	clear_env();
	hc = client();
	server_start(&s, ok, 1);
	ep = xasprintf("http://127.0.0.1:%d/msi/token", s.port);
	setenv("IDENTITY_ENDPOINT", ep, 1);
	setenv("IDENTITY_HEADER", "hdr-s3cret", 1);
	opts_init(&o, "managed-identity");
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), 0);
	CU_ASSERT_STRING_EQUAL(tok.token, "tok.app");
	CU_ASSERT_EQUAL(tok.expires, 4070908800LL);
	auth_token_release(&tok);
	log = server_stop(&s);
	want = xasprintf("GET /msi/token?api-version=2019-08-01&resource=%s HTTP/1.1\r\n",
	    RESOURCE_ENC);
	CU_ASSERT_EQUAL(strncmp(log, want, strlen(want)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(log, "\r\nX-IDENTITY-HEADER: hdr-s3cret\r\n"));
	free(want);
	free(log);
	free(ep);

	server_start(&s, refused, 1);
	ep = xasprintf("http://127.0.0.1:%d/msi/token", s.port);
	setenv("IDENTITY_ENDPOINT", ep, 1);
	opts_init(&o, "auto");
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "managed identity: IDENTITY_ENDPOINT answered HTTP 403: "
	    "The header is wrong.");
	log = server_stop(&s);
	free(log);
	free(ep);

	server_start(&s, aad, 1);
	ep = xasprintf("http://127.0.0.1:%d/msi/token", s.port);
	setenv("IDENTITY_ENDPOINT", ep, 1);
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "managed identity: IDENTITY_ENDPOINT answered HTTP 401: "
	    "AADSTS7000215: Invalid client secret provided.");
	log = server_stop(&s);
	free(log);
	free(ep);

	setenv("IDENTITY_HEADER", "a\r\nX-Evil: 1", 1);
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "managed identity: IDENTITY_HEADER holds a line break");
	free(cause);
	http_client_free(hc);
}

/* Plain http:// only to loopback and 169.254.169.254: every other host is
 * refused before a byte is sent. The refused URLs all reach the local
 * server once parsed by curl (127.1 is 127.0.0.1, 0177 is octal), so a
 * missing check shows as a request, secret header included, in its log. */
/* var = "http://127.1:PORT" PATH, a server listening there: the managed
 * identity is refused, naming var, and the server hears nothing. */
static void
check_plain_refused(struct http_client *hc, const struct canned *ok, const char *var,
    const char *path)
{
	struct server s;
	struct auth_opts o;
	struct auth_token tok;
	char *cause = NULL, *ep, *log, *named;

	server_start(&s, ok, 1);
	ep = xasprintf("http://127.1:%d%s", s.port, path);
	setenv(var, ep, 1);
	opts_init(&o, "managed-identity");
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), -1);
	named = xasprintf("%s '", var);
	CU_ASSERT_PTR_NOT_NULL(strstr(cause != NULL ? cause : "", named));
	CU_ASSERT_PTR_NOT_NULL(strstr(cause != NULL ? cause : "", "is plain http://"));
	log = server_stop(&s);
	CU_ASSERT_TRUE(log == NULL || log[0] == '\0');
	free(log);
	free(named);
	free(ep);
	free(cause);
}

static void
test_plain_http_refused(void)
{
	static const struct canned ok[] = {
		{ 200, "{\"access_token\":\"tok.app\",\"expires_on\":\"4070908800\","
		    "\"resource\":\"" RESOURCE "\",\"token_type\":\"Bearer\"}" },
	};
	static const char *const refused[] = {
		"http://127.1", "http://0177.0.0.1", "http://169.254.169.254@127.0.0.1",
		"http://[::ffff:127.0.0.1]",
	};
	struct server s;
	struct http_client *hc;
	struct auth_opts o;
	struct auth_token tok;
	char *cause = NULL, *ep, *log, *want;
	size_t i;

	clear_env();
	hc = client();
	setenv("IDENTITY_HEADER", "hdr-s3cret", 1);
	for (i = 0; i < sizeof refused / sizeof *refused; i++) {
		server_start(&s, ok, 1);
		ep = xasprintf("%s:%d/msi/token", refused[i], s.port);
		setenv("IDENTITY_ENDPOINT", ep, 1);
		opts_init(&o, "managed-identity");
		CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), -1);
		want = xasprintf("managed identity: IDENTITY_ENDPOINT '%s' is plain http:// to a "
		    "host that is neither a loopback address nor 169.254.169.254; refused, so "
		    "that no secret or token crosses the network unencrypted (use https://)", ep);
		CU_ASSERT_STRING_EQUAL(cause != NULL ? cause : "", want);
		log = server_stop(&s);
		/* nothing reached the server, the secret least of all */
		CU_ASSERT_TRUE(log == NULL || log[0] == '\0');
		CU_ASSERT_TRUE(log == NULL || strstr(log, "hdr-s3cret") == NULL);
		free(log);
		free(want);
		free(ep);
	}

	/* MSI_ENDPOINT + MSI_SECRET and the IMDS host: the same rule */
	clear_env();
	setenv("MSI_SECRET", "msi-s3cret", 1);
	check_plain_refused(hc, ok, "MSI_ENDPOINT", "/msi/token");
	clear_env();
	check_plain_refused(hc, ok, "AZURE_POD_IDENTITY_AUTHORITY_HOST", "");

	/* localhost is loopback: allowed, the secret goes to it */
	clear_env();
	server_start(&s, ok, 1);
	ep = xasprintf("http://localhost:%d/msi/token", s.port);
	setenv("IDENTITY_ENDPOINT", ep, 1);
	setenv("IDENTITY_HEADER", "hdr-s3cret", 1);
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), 0);
	auth_token_release(&tok);
	log = server_stop(&s);
	CU_ASSERT_PTR_NOT_NULL(log != NULL ? strstr(log, "X-IDENTITY-HEADER: hdr-s3cret") : NULL);
	free(log);
	free(ep);
	free(cause);
	http_client_free(hc);
}

/* --- Azure CLI ----------------------------------------------------------- */

/* Put a fake az first on PATH. */
static void
fake_az(const char *script)
{
	char *bin = scratch_path("bin"), *path, *az, *text;

	mkdir(bin, 0700);
	text = xasprintf("#!/bin/sh\n%s", script);
	az = write_file("bin/az", text, 0700);
	path = xasprintf("%s:/usr/bin:/bin", bin);
	setenv("PATH", path, 1);
	free(text);
	free(az);
	free(path);
	free(bin);
}

static void
test_cli_ok(void)
{
	struct auth_opts o;
	struct auth_token tok;
	char *cause = NULL, *script, *dir = scratch_path("cli"), *args, *f;

	clear_env();
	mkdir(dir, 0700);
	script = xasprintf("echo \"$*\" > %s/args\npwd > %s/pwd\n"
	    "echo \"$AZURE_CORE_NO_COLOR\" > %s/nocolor\n"
	    "cat <<EOF\n{\n  \"accessToken\": \"eyJ0.cli.sig\",\n"
	    "  \"expiresOn\": \"2099-01-01 00:00:00.000000\",\n  \"expires_on\": 4070908800,\n"
	    "  \"subscription\": \"x\",\n  \"tenant\": \"t\",\n  \"tokenType\": \"Bearer\"\n}\n"
	    "EOF\n", dir, dir, dir);
	fake_az(script);
	opts_init(&o, "cli");
	o.tenant_id = TENANT;
	CU_ASSERT_EQUAL(auth_get_token(NULL, &o, &tok, &cause), 0);
	CU_ASSERT_STRING_EQUAL(tok.token, "eyJ0.cli.sig");
	CU_ASSERT_EQUAL(tok.expires, 4070908800LL);
	CU_ASSERT_STRING_EQUAL(tok.source, "Azure CLI");
	auth_token_release(&tok);
	f = xasprintf("%s/args", dir);
	args = slurp(f);
	CU_ASSERT_STRING_EQUAL(args, "account get-access-token --output json --resource "
	    RESOURCE " --tenant " TENANT "\n");
	free(args);
	free(f);
	f = xasprintf("%s/pwd", dir);
	args = slurp(f);
	CU_ASSERT_STRING_EQUAL(args, "/\n");
	free(args);
	free(f);
	f = xasprintf("%s/nocolor", dir);
	args = slurp(f);
	CU_ASSERT_STRING_EQUAL(args, "true\n");
	free(args);
	free(f);
	free(script);

	/* an older az: expiresOn only, in local time */
	fake_az("echo '{\"accessToken\": \"old.cli\", \"expiresOn\": \"2099-01-01 00:00:00.000000\"}'\n");
	opts_init(&o, "auto");
	CU_ASSERT_EQUAL(auth_get_token(NULL, &o, &tok, &cause), -1); /* auto needs HTTP */
	opts_init(&o, "cli");
	CU_ASSERT_EQUAL(auth_get_token(NULL, &o, &tok, &cause), 0);
	CU_ASSERT_STRING_EQUAL(tok.token, "old.cli");
	{
		long long want = 0;

		auth_parse_cli_expires_on("2099-01-01 00:00:00.000000", &want);
		CU_ASSERT_EQUAL(tok.expires, want);
	}
	auth_token_release(&tok);
	auth_token_release(&tok);
	auth_token_release(NULL);
	free(cause);
	free(dir);
}

static void
test_cli_failures(void)
{
	struct auth_opts o;
	struct auth_token tok;
	char *cause = NULL;

	clear_env();
	opts_init(&o, "cli");
	CU_ASSERT_EQUAL(auth_get_token(NULL, &o, &tok, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "Azure CLI: 'az' is not installed");

	fake_az("echo \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n");
	CU_ASSERT_EQUAL(auth_get_token(NULL, &o, &tok, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "Azure CLI: not logged in (run 'az login')");
	o.tenant_id = TENANT;
	CU_ASSERT_EQUAL(auth_get_token(NULL, &o, &tok, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "Azure CLI: not logged in to tenant " TENANT
	    " (run 'az login --tenant " TENANT "')");
	o.tenant_id = NULL;

	fake_az("exit 127\n");
	CU_ASSERT_EQUAL(auth_get_token(NULL, &o, &tok, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "Azure CLI: 'az' is not installed");

	fake_az("printf '\\n\\033[31mERROR: The subscription is gone\\n  more\\n' >&2\nexit 2\n");
	CU_ASSERT_EQUAL(auth_get_token(NULL, &o, &tok, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "Azure CLI: 'az account get-access-token' failed "
	    "(exit status 2): The subscription is gone");

	fake_az("echo '{\"accessToken\": \"two words\"}'\n");
	CU_ASSERT_EQUAL(auth_get_token(NULL, &o, &tok, &cause), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(cause, "not a usable token"));
	CU_ASSERT_PTR_NULL(strstr(cause, "two words"));

	fake_az("echo 'not json'\n");
	CU_ASSERT_EQUAL(auth_get_token(NULL, &o, &tok, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "Azure CLI: 'az account get-access-token' printed no "
	    "token: the answer is not a JSON object");

	fake_az("exec head -c 2000000 /dev/zero\n");
	CU_ASSERT_EQUAL(auth_get_token(NULL, &o, &tok, &cause), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(cause, "printed more than"));

	o.tenant_id = "--debug";
	CU_ASSERT_EQUAL(auth_get_token(NULL, &o, &tok, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "tenant_id is not a tenant ID or domain name");
	free(cause);
}

/* A hanging az is killed at the timeout, with what it started. */
static void
test_cli_timeout(void)
{
	struct auth_opts o;
	struct auth_token tok;
	struct timespec ts;
	char *cause = NULL, *script, *pidfile = scratch_path("sleep.pid"), *pidtext, *st;
	long long t0, t1;
	long pid;
	int i, alive = 1;

	clear_env();
	script = xasprintf("sleep 30 &\necho $! > %s\nwait\n", pidfile);
	fake_az(script);
	auth_set_cli_timeout_ms(300);
	opts_init(&o, "cli");
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
	CU_ASSERT_EQUAL(auth_get_token(NULL, &o, &tok, &cause), -1);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t1 = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
	CU_ASSERT(t1 - t0 >= 250 && t1 - t0 < 5000);
	CU_ASSERT_STRING_EQUAL(cause, "Azure CLI: 'az account get-access-token' did not finish "
	    "within 300 ms and was stopped");
	auth_set_cli_timeout_ms(0);

	/* the sleep it started is gone too (or a zombie waiting for init) */
	pidtext = slurp(pidfile);
	pid = strtol(pidtext, NULL, 10);
	CU_ASSERT(pid > 0);
	for (i = 0; i < 100 && alive && pid > 0; i++) {
		char *f = xasprintf("/proc/%ld/stat", pid);
		char *close_paren;

		st = slurp(f);
		close_paren = strrchr(st, ')');
		alive = close_paren != NULL && close_paren[1] == ' ' && close_paren[2] != 'Z';
		free(st);
		free(f);
		if (alive) {
			struct timespec nap = { 0, 10000000 };

			nanosleep(&nap, NULL);
		}
	}
	CU_ASSERT_FALSE(alive);
	free(pidtext);
	free(pidfile);
	free(script);
	free(cause);
}

/* --- the chain ------------------------------------------------------------ */

static void
test_auto_nothing(void)
{
	struct http_client *hc;
	struct auth_opts o;
	struct auth_token tok;
	char *cause = NULL;
	const char *tail;

	clear_env();
	hc = client();
	opts_init(&o, NULL);
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), -1);
	CU_ASSERT_PTR_NULL(tok.token);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cause);
	CU_ASSERT_EQUAL(strncmp(cause, "no Azure credential worked: environment: AZURE_CLIENT_SECRET "
	    "is not set; workload identity: AZURE_FEDERATED_TOKEN_FILE is not set; managed "
	    "identity: no endpoint answered at 127.0.0.1:1 (", 168), 0);
	tail = "; Azure CLI: 'az' is not installed \xe2\x80\x94 set up one of them (see amlhosts(1), "
	    "\"Using Azure\")";
	CU_ASSERT(strlen(cause) > strlen(tail) &&
	    strcmp(cause + strlen(cause) - strlen(tail), tail) == 0);
	CU_ASSERT_PTR_NULL(strchr(cause, '\n'));

	/* the same, through the workload identity's missing pieces */
	setenv("AZURE_FEDERATED_TOKEN_FILE", "/nonexistent/token", 1);
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(cause, "; workload identity: AZURE_TENANT_ID is not set; "));
	free(cause);
	http_client_free(hc);
}

/* A workload identity that is set up but whose file is missing stops the
 * chain; its token is not sent over plain HTTP either. */
static void
test_workload(void)
{
	static const struct canned ok[] = { { 200, "{\"access_token\":\"x\"}" } };
	struct server s;
	struct http_client *hc;
	struct auth_opts o;
	struct auth_token tok;
	char *cause = NULL, *file, *host, *log;

	clear_env();
	hc = client();
	setenv("AZURE_FEDERATED_TOKEN_FILE", "/nonexistent/token", 1);
	setenv("AZURE_TENANT_ID", TENANT, 1);
	setenv("AZURE_CLIENT_ID", CLIENT, 1);
	opts_init(&o, "auto");
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "workload identity: cannot open '/nonexistent/token': "
	    "No such file or directory");

	file = write_file("federated", "eyJhbGciOi.fed.sig\n", 0644);
	setenv("AZURE_FEDERATED_TOKEN_FILE", file, 1);
	server_start(&s, ok, 1);
	host = xasprintf("http://127.0.0.1:%d", s.port);
	setenv("AZURE_AUTHORITY_HOST", host, 1);
	CU_ASSERT_EQUAL(auth_get_token(hc, &o, &tok, &cause), -1);
	CU_ASSERT_EQUAL(strncmp(cause, "workload identity: ", 19), 0);
	CU_ASSERT_PTR_NULL(strstr(cause, "fed.sig"));
	log = server_stop(&s);
	CU_ASSERT_STRING_EQUAL(log, "");
	free(log);
	free(host);
	free(file);
	free(cause);
	http_client_free(hc);
}

static const struct unit_test helper_tests[] = {
	{ "form encoding", test_form_encode },
	{ "managed identity expires_on", test_expires_on },
	{ "az expiresOn", test_cli_expires_on },
	{ "token check", test_token_ok },
	{ "secret file", test_secret_file },
	{ NULL, NULL },
};

static const struct unit_test credential_tests[] = {
	{ "environment incomplete", test_env_incomplete },
	{ "environment HTTPS only", test_env_https_only },
	{ "workload identity", test_workload },
	{ "IMDS", test_imds },
	{ "IMDS without identity", test_imds_no_identity },
	{ "IMDS probe timeout", test_imds_probe_timeout },
	{ "Azure ML MSI_ENDPOINT", test_msi_endpoint },
	{ "App Service IDENTITY_ENDPOINT", test_identity_endpoint },
	{ "plain http:// only to loopback", test_plain_http_refused },
	{ "az", test_cli_ok },
	{ "az failures", test_cli_failures },
	{ "az timeout", test_cli_timeout },
	{ "auto without credentials", test_auto_nothing },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "auth helpers", helper_tests },
	{ "auth credentials", credential_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
