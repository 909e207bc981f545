/*
 * auth.c - an access token for Azure Resource Manager.
 *
 * Each credential ends one of three ways: it gives a token; it is not set
 * up here (CRED_UNAVAILABLE: "auto" goes on to the next one); or it is set
 * up but fails (CRED_FAILED: "auto" stops and reports that reason, as
 * azure-identity's ChainedTokenCredential does, so that a wrong client
 * secret is reported as such and not hidden behind "'az' is not installed").
 * Managed identity found by probing IMDS is never "set up" by the user, so
 * whatever goes wrong there lets the chain go on.
 *
 * Secrets (client secrets, federated tokens, identity headers) and tokens
 * are held only in buffers sized in advance, so no reallocation leaves a
 * copy behind, and are wiped before they are freed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#ifndef _WIN32
#include <poll.h>
#endif
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#ifndef _WIN32
#include <sys/wait.h>
#endif
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "azure/auth.h"
#include "hosts/cloud.h"
#include "base/platform.h"
#include "base/util.h"

#ifndef _WIN32
extern char **environ;
#endif

enum { CRED_OK, CRED_UNAVAILABLE, CRED_FAILED };

#define SECRET_MAX (64u * 1024)         /* client secret, federated token */
#define CLI_OUT_MAX (1024u * 1024)      /* what 'az' may print */
#define CLI_ERR_MAX (64u * 1024)        /* what is kept of its stderr */
#define REASON_MAX 300                  /* a service's words in a message */
#define CLI_TIMEOUT_MS 10000L
#define IMDS_PROBE_MS 300L
#define MI_TIMEOUT_MS 10000L
#define MI_TRIES 3
#define JWT_BEARER "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

static long cli_timeout_ms = CLI_TIMEOUT_MS;

struct ctx {
	struct http_client *hc;
	const struct auth_opts *o;
	char *login;             /* login endpoint, no trailing slash */
	char *scope;             /* ARM endpoint + "/.default" */
	char *resource;          /* for managed identity and az */
	const char *tenant;      /* NULL if neither configured nor in the environment */
	const char *tenant_from; /* "tenant_id" or "AZURE_TENANT_ID" */
	const char *client;
	const char *client_from;
};

typedef int (*cred_fn)(struct ctx *c, struct auth_token *out, char **reason);

void
auth_set_cli_timeout_ms(long ms)
{
	cli_timeout_ms = ms > 0 ? ms : CLI_TIMEOUT_MS;
}

static int cred_result(int rc, char **reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Store a reason and return rc: "return cred_result(CRED_UNAVAILABLE, ...)". */
static int
cred_result(int rc, char **reason, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	free(*reason);
	*reason = msg;
	return rc;
}

static const char *
nonempty(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

static const char *
env(const char *name)
{
	return nonempty(getenv(name));
}

static char *
without_trailing_slashes(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == '/')
		n--;
	return xstrndup(s, n);
}

static void
wipe_free(char *s)
{
	if (s == NULL)
		return;
	secure_wipe(s, strlen(s));
	free(s);
}

static void
wipe_buf(struct buf *b)
{
	if (b->data != NULL)
		secure_wipe(b->data, b->cap);
	buf_release(b);
}

/* Wipe what a request carried and got (headers may hold a secret, the
 * answer a token), then free it. */
static void
request_free(struct http_request *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->headers.n; i++)
		secure_wipe(r->headers.v[i], strlen(r->headers.v[i]));
	if (r->response.data != NULL)
		secure_wipe(r->response.data, r->response.len);
	http_request_free(r);
}

static void
sleep_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A tenant or client ID goes into a URL path, a form and az's argv: a GUID
 * or a domain name ("contoso.onmicrosoft.com"), nothing that could add a
 * path segment, a query, a form field or an option.
 */
static int
safe_id(const char *s)
{
	size_t n;

	if (s == NULL || *s == '-' || *s == '.')
		return 0;
	for (n = 0; s[n] != '\0'; n++) {
		char ch = s[n];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.'))
			return 0;
		if (ch == '.' && s[n + 1] == '.')
			return 0;
	}
	return n > 0 && n <= 253;
}

int
auth_token_ok(const char *t)
{
	if (t == NULL || *t == '\0')
		return 0;
	for (; *t != '\0'; t++)
		if ((unsigned char)*t <= 0x20 || (unsigned char)*t >= 0x7f)
			return 0;
	return 1;
}

/* The first non-blank line of [s, s+n), control characters blanked and cut
 * to REASON_MAX bytes on a character boundary; NULL if there is none. */
static char *
one_line(const char *s, size_t n)
{
	const char *e = s + n;
	struct buf b = BUF_INIT;
	size_t cut;

	while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		s++;
	for (; s < e && *s != '\r' && *s != '\n' && *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == 0x1b && s + 1 < e && s[1] == '[') {
			/* a terminal colour (az colours its errors) */
			for (s += 2; s < e && !(*s >= 0x40 && *s <= 0x7e); s++)
				;
			if (s == e)
				break;
			continue; /* past its final byte */
		}
		buf_putc(&b, ch < 0x20 || ch == 0x7f ? ' ' : (char)ch);
	}
	while (b.len > 0 && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	if (b.len == 0) {
		buf_release(&b);
		return NULL;
	}
	if (b.len > REASON_MAX) {
		cut = REASON_MAX;
		while (cut > 0 && ((unsigned char)b.data[cut] & 0xc0) == 0x80)
			cut--;
		b.len = cut;
		b.data[cut] = '\0';
		buf_puts(&b, "...");
	}
	return buf_detach(&b, NULL);
}

/* --- numbers and times --------------------------------------------------- */

static int
parse_decimal(const char *s, long long *out)
{
	long long v = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (LLONG_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

/* 1 to maxd decimal digits. */
static int
digits(const char **p, int maxd, int *out)
{
	int v = 0, n = 0;

	while (n < maxd && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if (n == 0)
		return -1;
	*out = v;
	return 0;
}

static int
expect(const char **p, char ch)
{
	if (**p != ch)
		return -1;
	(*p)++;
	return 0;
}

static int
days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

static int
valid_date(int y, int mo, int d, int h, int mi, int s)
{
	return y >= 1970 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 &&
	    d <= days_in_month(y, mo) && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 &&
	    s >= 0 && s <= 60;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static long long
days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
auth_parse_expires_on(const char *s, long long *out)
{
	const char *p = s;
	int mo, d, y, h, mi, sec, oh = 0, om = 0, sign = 1;

	if (s == NULL)
		return -1;
	if (parse_decimal(s, out) == 0)
		return 0;
	/* "06/19/2019 23:42:01 +00:00", or with " PM" before the offset. */
	if (digits(&p, 2, &mo) || expect(&p, '/') || digits(&p, 2, &d) || expect(&p, '/') ||
	    digits(&p, 4, &y) || expect(&p, ' ') || digits(&p, 2, &h) ||
	    expect(&p, ':') || digits(&p, 2, &mi) || expect(&p, ':') || digits(&p, 2, &sec))
		return -1;
	if ((p[0] == ' ') && (p[1] == 'A' || p[1] == 'P' || p[1] == 'a' || p[1] == 'p') &&
	    (p[2] == 'M' || p[2] == 'm')) {
		if (h < 1 || h > 12)
			return -1;
		h = h % 12 + (p[1] == 'P' || p[1] == 'p' ? 12 : 0);
		p += 3;
	}
	if (p[0] == ' ' && (p[1] == '+' || p[1] == '-')) {
		sign = p[1] == '-' ? -1 : 1;
		p += 2;
		if (digits(&p, 2, &oh) || expect(&p, ':') || digits(&p, 2, &om) || oh > 14 ||
		    om > 59)
			return -1;
	}
	if (*p != '\0' || !valid_date(y, mo, d, h, mi, sec))
		return -1;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	    sign * (oh * 3600 + om * 60);
	return 0;
}

int
auth_parse_cli_expires_on(const char *s, long long *out)
{
	const char *p = s;
	int y, mo, d, h, mi, sec, frac;
	struct tm tm;
	time_t t;

	if (s == NULL)
		return -1;
	if (digits(&p, 4, &y) || p - s != 4 || expect(&p, '-') || digits(&p, 2, &mo) ||
	    expect(&p, '-') || digits(&p, 2, &d) || expect(&p, ' ') || digits(&p, 2, &h) ||
	    expect(&p, ':') || digits(&p, 2, &mi) || expect(&p, ':') || digits(&p, 2, &sec))
		return -1;
	if (*p == '.' && (p++, digits(&p, 9, &frac) != 0))
		return -1;
	if (*p != '\0' || !valid_date(y, mo, d, h, mi, sec))
		return -1;
	/* az writes local time (azure-identity's AzureCliCredential agrees). */
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = (long long)t;
	return 0;
}

/* An integer, or a number in a string (IMDS sends numbers as strings). */
static int
json_count(json_t *v, long long *out)
{
	double r;

	if (json_is_integer(v)) {
		*out = (long long)json_integer_value(v);
		return *out >= 0 ? 0 : -1;
	}
	if (json_is_real(v)) {
		r = json_real_value(v);
		if (r < 0 || r > 1e15)
			return -1;
		*out = (long long)r;
		return 0;
	}
	return parse_decimal(json_string_value(v), out);
}

/* --- forms and files ----------------------------------------------------- */

char *
auth_form_encode(const char *const *kv)
{
	size_t n, i, len = 0, at = 0, l;
	char **enc, *form;

	for (n = 0; kv[2 * n] != NULL; n++)
		;
	enc = xcalloc(n + 1, sizeof *enc);
	for (i = 0; i < n; i++) {
		enc[i] = http_urlencode(kv[2 * i + 1] != NULL ? kv[2 * i + 1] : "");
		len += strlen(kv[2 * i]) + 1 + strlen(enc[i]) + 1;
	}
	form = xmalloc(len + 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			form[at++] = '&';
		l = strlen(kv[2 * i]);
		memcpy(form + at, kv[2 * i], l);
		at += l;
		form[at++] = '=';
		l = strlen(enc[i]);
		memcpy(form + at, enc[i], l);
		at += l;
		wipe_free(enc[i]);
	}
	form[at] = '\0';
	free(enc);
	return form;
}

int
auth_read_secret(const char *path, size_t max, int owner_only, char **out, char **cause)
{
	struct stat st;
	char *data = NULL;
	size_t len = 0;
	ssize_t r;
	int fd, rc = -1;

	*out = NULL;
	/* O_NONBLOCK: a FIFO must not hang us; fstat below refuses it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return set_error(cause, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		set_error(cause, "cannot stat '%s': %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		set_error(cause, "'%s' is not a regular file", path);
		goto out;
	}
#ifndef _WIN32
	/* (On Windows the file's ACL decides; the mode bits say nothing.) */
	if (owner_only && (st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
		set_error(cause, "'%s' is readable by group or others; chmod 600 it", path);
		goto out;
	}
	if (owner_only && (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		set_error(cause, "'%s' is writable by group or others; chmod 600 it", path);
		goto out;
	}
#endif
	if ((unsigned long long)st.st_size > max) {
		set_error(cause, "'%s' is larger than %zu bytes", path, max);
		goto out;
	}
	/* One buffer of the final size: nothing is copied by a reallocation. */
	data = xmalloc(max + 2);
	for (;;) {
		r = read(fd, data + len, max + 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			set_error(cause, "cannot read '%s': %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > max) {
			set_error(cause, "'%s' is larger than %zu bytes", path, max);
			goto out;
		}
	}
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	data[len] = '\0';
	if (len == 0) {
		set_error(cause, "'%s' is empty", path);
		goto out;
	}
	if (memchr(data, '\0', len) != NULL) {
		set_error(cause, "'%s' holds a NUL byte", path);
		goto out;
	}
	*out = data;
	data = NULL;
	rc = 0;
out:
	if (data != NULL) {
		secure_wipe(data, max + 2);
		free(data);
	}
	close(fd);
	return rc;
}

/* --- answers ------------------------------------------------------------- */

/* A token out of a JSON answer; key is "access_token" (Entra ID, managed
 * identity) or "accessToken" (az). *why says what was wrong, if anything. */
static int
token_from_json(const char *data, size_t len, const char *key, struct auth_token *out,
    char **why)
{
	json_error_t je;
	json_t *root, *v, *tok;
	long long n;
	int rc = -1;

	root = json_loadb(data != NULL ? data : "", len, 0, &je);
	if (!json_is_object(root)) {
		set_error(why, "the answer is not a JSON object");
		goto out;
	}
	tok = json_object_get(root, key);
	if (!json_is_string(tok) || json_string_length(tok) == 0) {
		set_error(why, "the answer has no \"%s\"", key);
		goto out;
	}
	if (!auth_token_ok(json_string_value(tok))) {
		set_error(why, "the answer's \"%s\" is not a usable token "
		    "(it must be printable ASCII without blanks)", key);
		goto out;
	}
	out->token = xstrdup(json_string_value(tok));
	out->expires = 0;
	if ((v = json_object_get(root, "expires_on")) != NULL &&
	    (json_is_string(v) ? auth_parse_expires_on(json_string_value(v), &n) :
	    json_count(v, &n)) == 0)
		out->expires = n;
	else if ((v = json_object_get(root, "expiresOn")) != NULL &&
	    auth_parse_cli_expires_on(json_string_value(v), &n) == 0)
		out->expires = n;
	else if ((v = json_object_get(root, "expires_in")) != NULL && json_count(v, &n) == 0 &&
	    n <= 100LL * 365 * 86400)
		out->expires = (long long)time(NULL) + n;
	rc = 0;
out:
	/* jansson's copy of the token, before it goes back to malloc. */
	if (json_is_object(root) && json_is_string(tok = json_object_get(root, key)))
		secure_wipe((char *)json_string_value(tok), json_string_length(tok));
	json_decref(root);
	return rc;
}

/* The service's own words about a failure, in one line, or NULL: Entra ID's
 * error_description, ARM-style {"error":{"code","message"}}, App Service's
 * {"message"}, else the first line of the text. */
static char *
service_message(const struct http_request *r)
{
	json_error_t je;
	json_t *root, *v, *e;
	const char *msg = NULL, *code = NULL;
	char *line = NULL;

	if (r->response.data == NULL || r->response.len == 0)
		return NULL;
	root = json_loadb(r->response.data, r->response.len, 0, &je);
	if (root == NULL)
		return one_line(r->response.data, r->response.len);
	if (json_is_object(root)) {
		e = json_object_get(root, "error");
		if ((v = json_object_get(root, "error_description")) != NULL && json_is_string(v))
			msg = json_string_value(v);
		else if (json_is_object(e)) {
			msg = json_string_value(json_object_get(e, "message"));
			code = json_string_value(json_object_get(e, "code"));
		} else if ((v = json_object_get(root, "message")) != NULL ||
		    (v = json_object_get(root, "Message")) != NULL)
			msg = json_string_value(v);
		if (msg == NULL && json_is_string(e))
			msg = json_string_value(e);
		if (msg == NULL)
			msg = code;
	}
	if (msg != NULL)
		line = one_line(msg, strlen(msg));
	json_decref(root);
	return line;
}

/* Why request r, sent to what (for the message), gave no answer or not a
 * good one. */
static void
describe_failure(const struct http_request *r, const char *what, char **reason)
{
	char *said;

	if (r->error != NULL) {
		said = one_line(r->error, strlen(r->error));
		set_error(reason, "request to %s failed: %s", what, said != NULL ? said : "no answer");
		free(said);
		return;
	}
	said = service_message(r);
	if (said != NULL)
		set_error(reason, "%s answered HTTP %ld: %s", what, r->status, said);
	else
		set_error(reason, "%s answered HTTP %ld", what, r->status);
	free(said);
}

/* A 2xx answer with a token, or why not. */
static int
take_token(const struct http_request *r, const char *what, struct auth_token *out,
    char **reason)
{
	char *why = NULL;

	if (r->error != NULL || r->status < 200 || r->status > 299) {
		describe_failure(r, what, reason);
		return CRED_FAILED;
	}
	if (token_from_json(r->response.data, r->response.len, "access_token", out, &why) != 0) {
		set_error(reason, "%s answered HTTP %ld but %s", what, r->status, why);
		free(why);
		return CRED_FAILED;
	}
	return CRED_OK;
}

/* POST a client-credentials form to {authority}/{tenant}/oauth2/v2.0/token;
 * form is taken (it is wiped and freed with the request). */
static int
post_token_form(struct ctx *c, const char *authority, char *form, struct auth_token *out,
    char **reason)
{
	struct http_request *r;
	char *url, *what;
	int rc;

	url = xasprintf("%s/%s/oauth2/v2.0/token", authority, c->tenant);
	r = http_request_new("POST", url);
	http_request_header(r, "Content-Type: application/x-www-form-urlencoded");
	r->body = form;
	http_perform(c->hc, &r, 1);
	what = xasprintf("'%s'", url);
	rc = take_token(r, what, out, reason);
	free(what);
	request_free(r);
	free(url);
	return rc;
}

/* --- environment: a service principal with a client secret --------------- */

/* The client secret: client_secret_file, else systemd's LoadCredential=,
 * else AZURE_CLIENT_SECRET. *from_file tells whether the user named a file
 * (then the credential counts as set up). */
static int
client_secret(char **secret, int *from_file, char **reason)
{
	const char *dir;
	char *path;
	struct stat st;
	int rc;

	*secret = NULL;
	*from_file = 0;
	if ((dir = env("CREDENTIALS_DIRECTORY")) != NULL) {
		path = xasprintf("%s/azure-client-secret", dir);
		if (stat(path, &st) == 0) {
			*from_file = 1;
			/* The directory is private to the service and systemd
			 * chooses the file's mode: no mode check. */
			rc = auth_read_secret(path, SECRET_MAX, 0, secret, reason);
			free(path);
			return rc == 0 ? CRED_OK : CRED_FAILED;
		}
		free(path);
	}
	if (env("AZURE_CLIENT_SECRET") == NULL)
		return cred_result(CRED_UNAVAILABLE, reason, "AZURE_CLIENT_SECRET is not set");
	*secret = xstrdup(getenv("AZURE_CLIENT_SECRET"));
	return CRED_OK;
}

static int
cred_env(struct ctx *c, struct auth_token *out, char **reason)
{
	const char *file = nonempty(c->o->client_secret_file);
	char *secret = NULL, *form;
	int rc, from_file = 1;

	if (file != NULL)
		rc = auth_read_secret(file, SECRET_MAX, 1, &secret, reason) == 0 ? CRED_OK :
		    CRED_FAILED;
	else
		rc = client_secret(&secret, &from_file, reason);
	if (rc != CRED_OK)
		goto out;
	/* As EnvironmentCredential: a secret in the environment without the
	 * IDs is "not set up"; a secret in a file is. */
	if (c->tenant == NULL) {
		rc = cred_result(from_file ? CRED_FAILED : CRED_UNAVAILABLE, reason,
		    "AZURE_TENANT_ID is not set%s", from_file ? " (nor tenant_id)" : "");
		goto out;
	}
	if (c->client == NULL) {
		rc = cred_result(from_file ? CRED_FAILED : CRED_UNAVAILABLE, reason,
		    "AZURE_CLIENT_ID is not set%s", from_file ? " (nor client_id)" : "");
		goto out;
	}
	{
		const char *kv[] = {
			"client_id", c->client, "client_secret", secret,
			"grant_type", "client_credentials", "scope", c->scope, NULL,
		};

		form = auth_form_encode(kv);
	}
	rc = post_token_form(c, c->login, form, out, reason);
out:
	wipe_free(secret);
	return rc;
}

/* --- workload identity (a federated token file, as on AKS) --------------- */

static int
cred_workload(struct ctx *c, struct auth_token *out, char **reason)
{
	const char *file = env("AZURE_FEDERATED_TOKEN_FILE"), *host;
	char *assertion = NULL, *authority = NULL, *form;
	int rc = CRED_UNAVAILABLE;

	if (file == NULL)
		return cred_result(CRED_UNAVAILABLE, reason,
		    "AZURE_FEDERATED_TOKEN_FILE is not set");
	if (c->tenant == NULL)
		return cred_result(CRED_UNAVAILABLE, reason, "AZURE_TENANT_ID is not set");
	if (c->client == NULL)
		return cred_result(CRED_UNAVAILABLE, reason, "AZURE_CLIENT_ID is not set");
	rc = CRED_FAILED;
	if (auth_read_secret(file, SECRET_MAX, 0, &assertion, reason) != 0)
		goto out;
	if ((host = env("AZURE_AUTHORITY_HOST")) == NULL)
		authority = xstrdup(c->login);
	else if (strstr(host, "://") == NULL) {
		/* azure-identity takes a bare host name as https */
		char *h = without_trailing_slashes(host);

		authority = xasprintf("https://%s", h);
		free(h);
	} else
		authority = without_trailing_slashes(host);
	{
		const char *kv[] = {
			"client_assertion", trim_blanks(assertion),
			"client_assertion_type", JWT_BEARER,
			"client_id", c->client, "grant_type", "client_credentials",
			"scope", c->scope, NULL,
		};

		form = auth_form_encode(kv);
	}
	rc = post_token_form(c, authority, form, out, reason);
out:
	if (assertion != NULL) {
		secure_wipe(assertion, SECRET_MAX + 2);
		free(assertion);
	}
	free(authority);
	return rc;
}

/* --- managed identity ---------------------------------------------------- */

/* base plus a query, whether or not base already has one. */
static char *
with_query(const char *base, const char *query)
{
	return xasprintf("%s%c%s", base, strchr(base, '?') != NULL ? '&' : '?', query);
}

/* IMDS and local identity endpoints are plain HTTP, which the HTTP client
 * allows only to requests flagged imds, and does not retry: retry here 429
 * and 5xx (and 404 and 410, which IMDS answers while a VM starts). */
static void
mi_perform(struct ctx *c, struct http_request *r, int imds_host)
{
	int i;

	for (i = 1;; i++) {
		http_perform(c->hc, &r, 1);
		if (!r->imds || i >= MI_TRIES || r->error != NULL)
			break;
		if (!(r->status == 429 || r->status >= 500 ||
		    (imds_host && (r->status == 404 || r->status == 410))))
			break;
		sleep_ms(500L << (i - 1));
		if (r->response.data != NULL)
			secure_wipe(r->response.data, r->response.len);
		http_request_reset(r);
	}
}

/* A header "Name: value" whose value comes from the environment: one line. */
static int
header_value_ok(const char *v)
{
	return strpbrk(v, "\r\n") == NULL;
}

/* App Service (IDENTITY_ENDPOINT) and Azure ML compute (MSI_ENDPOINT): set
 * up by the platform, so a failure stops the chain. */
static int
mi_endpoint(struct ctx *c, const char *var, const char *endpoint, const char *api,
    const char *client_key, const char *header, const char *secret, struct auth_token *out,
    char **reason)
{
	struct http_request *r;
	char *res = http_urlencode(c->resource), *cid = NULL, *query, *url, *h;
	int rc;

	if (strncmp(endpoint, "http://", 7) != 0 && strncmp(endpoint, "https://", 8) != 0) {
		set_error(reason, "%s is not an http(s) URL", var);
		free(res);
		return CRED_FAILED;
	}
	if (c->client != NULL) {
		cid = http_urlencode(c->client);
		query = xasprintf("api-version=%s&resource=%s&%s=%s", api, res, client_key, cid);
	} else
		query = xasprintf("api-version=%s&resource=%s", api, res);
	url = with_query(endpoint, query);
	r = http_request_new("GET", url);
	r->imds = strncmp(endpoint, "http://", 7) == 0;
	r->timeout_ms = MI_TIMEOUT_MS;
	h = xasprintf("%s: %s", header, secret);
	http_request_header(r, h);
	wipe_free(h);
	mi_perform(c, r, 0);
	rc = take_token(r, var, out, reason);
	request_free(r);
	free(url);
	free(query);
	free(cid);
	free(res);
	return rc;
}

/* Cloud Shell: MSI_ENDPOINT alone, a POST with the resource. */
static int
mi_cloud_shell(struct ctx *c, const char *endpoint, struct auth_token *out, char **reason)
{
	const char *kv[] = { "resource", c->resource, NULL, NULL, NULL };
	struct http_request *r;
	int rc;

	if (strncmp(endpoint, "http://", 7) != 0 && strncmp(endpoint, "https://", 8) != 0)
		return cred_result(CRED_FAILED, reason, "MSI_ENDPOINT is not an http(s) URL");
	if (c->client != NULL) {
		kv[2] = "client_id";
		kv[3] = c->client;
	}
	r = http_request_new("POST", endpoint);
	r->imds = strncmp(endpoint, "http://", 7) == 0;
	r->timeout_ms = MI_TIMEOUT_MS;
	http_request_header(r, "Metadata: true");
	http_request_header(r, "Content-Type: application/x-www-form-urlencoded");
	r->body = auth_form_encode(kv);
	mi_perform(c, r, 0);
	rc = take_token(r, "MSI_ENDPOINT", out, reason);
	request_free(r);
	return rc;
}

/* IMDS, after a short probe so that a laptop does not wait on an address
 * nothing answers. Never set up by the user, so never stops the chain. */
static int
mi_imds(struct ctx *c, struct auth_token *out, char **reason)
{
	const char *hostvar = env("AZURE_POD_IDENTITY_AUTHORITY_HOST"), *shown;
	char *host, *url = NULL, *res = NULL, *cid = NULL, *said = NULL;
	struct http_request *r;
	int rc = CRED_UNAVAILABLE;

	host = without_trailing_slashes(hostvar != NULL ? hostvar : "http://169.254.169.254");
	if (strncmp(host, "http://", 7) != 0 && strncmp(host, "https://", 8) != 0) {
		set_error(reason, "AZURE_POD_IDENTITY_AUTHORITY_HOST is not an http(s) URL");
		free(host);
		return CRED_UNAVAILABLE;
	}
	shown = strstr(host, "://") + 3;

	/* The probe: no Metadata header, so a real IMDS answers 400 at once. */
	url = xasprintf("%s/metadata/identity/oauth2/token", host);
	r = http_request_new("GET", url);
	r->imds = 1;
	r->timeout_ms = IMDS_PROBE_MS;
	http_perform(c->hc, &r, 1);
	if (r->status == 0) {
		if (r->error == NULL || strstr(r->error, "timed out") != NULL ||
		    strstr(r->error, "Timeout") != NULL || strstr(r->error, "timeout") != NULL)
			set_error(reason, "no endpoint answered at %s (probe timed out)", shown);
		else {
			said = one_line(r->error, strlen(r->error));
			set_error(reason, "no endpoint answered at %s (probe failed: %s)", shown,
			    said != NULL ? said : "no answer");
		}
		goto out;
	}
	request_free(r);
	free(url);

	res = http_urlencode(c->resource);
	if (c->client != NULL) {
		cid = http_urlencode(c->client);
		url = xasprintf("%s/metadata/identity/oauth2/token?api-version=2018-02-01"
		    "&resource=%s&client_id=%s", host, res, cid);
	} else
		url = xasprintf("%s/metadata/identity/oauth2/token?api-version=2018-02-01"
		    "&resource=%s", host, res);
	r = http_request_new("GET", url);
	r->imds = 1;
	r->timeout_ms = MI_TIMEOUT_MS;
	http_request_header(r, "Metadata: true");
	mi_perform(c, r, 1);
	if (r->error == NULL && r->status == 400) {
		said = service_message(r);
		if (c->client != NULL)
			set_error(reason, "no identity with client ID %s is assigned to this machine "
			    "(IMDS at %s answered HTTP 400%s%s)", c->client, shown,
			    said != NULL ? ": " : "", said != NULL ? said : "");
		else
			set_error(reason, "no identity is assigned to this machine "
			    "(IMDS at %s answered HTTP 400%s%s)", shown,
			    said != NULL ? ": " : "", said != NULL ? said : "");
		goto out;
	}
	{
		char *what = xasprintf("IMDS at %s", shown);

		rc = take_token(r, what, out, reason) == CRED_OK ? CRED_OK : CRED_UNAVAILABLE;
		free(what);
	}
out:
	request_free(r);
	free(said);
	free(cid);
	free(res);
	free(url);
	free(host);
	return rc;
}

static int
cred_managed(struct ctx *c, struct auth_token *out, char **reason)
{
	const char *ie = env("IDENTITY_ENDPOINT"), *ih = env("IDENTITY_HEADER");
	const char *me = env("MSI_ENDPOINT"), *ms = env("MSI_SECRET");

	if (ie != NULL && ih != NULL && env("IDENTITY_SERVER_THUMBPRINT") != NULL)
		return cred_result(CRED_UNAVAILABLE, reason, "Service Fabric managed identity "
		    "(IDENTITY_SERVER_THUMBPRINT) is not supported");
	if (ie != NULL && ih != NULL) {
		if (!header_value_ok(ih))
			return cred_result(CRED_FAILED, reason,
			    "IDENTITY_HEADER holds a line break");
		return mi_endpoint(c, "IDENTITY_ENDPOINT", ie, "2019-08-01", "client_id",
		    "X-IDENTITY-HEADER", ih, out, reason);
	}
	if (ie != NULL && env("IMDS_ENDPOINT") != NULL)
		return cred_result(CRED_UNAVAILABLE, reason, "Azure Arc managed identity "
		    "(IDENTITY_ENDPOINT with IMDS_ENDPOINT) is not supported");
	if (me != NULL && ms != NULL) {
		if (!header_value_ok(ms))
			return cred_result(CRED_FAILED, reason, "MSI_SECRET holds a line break");
		return mi_endpoint(c, "MSI_ENDPOINT", me, "2017-09-01", "clientid", "secret", ms,
		    out, reason);
	}
	if (me != NULL)
		return mi_cloud_shell(c, me, out, reason);
	return mi_imds(c, out, reason);
}

/* --- Azure CLI ----------------------------------------------------------- */

#ifdef _WIN32
/* The Azure CLI on Windows is az.cmd, a batch file run through cmd.exe;
 * running it safely (quoting, a job object for the timeout) is not done
 * yet, so "auto" goes on to the next credential. */
static int
cred_cli(struct ctx *c, struct auth_token *out, char **reason)
{
	(void)c;
	(void)out;
	(void)wipe_buf; /* used by the POSIX side only */
	(void)now_ms;
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

/* Make fd become target in a child (async-signal-safe). */
static int
move_fd(int fd, int target)
{
	if (fd == target)
		return fcntl(fd, F_SETFD, 0);
	return dup2(fd, target) < 0 ? -1 : 0;
}

static _Noreturn void
child_exec(const char *path, char *const argv[], char *const envp[], int in, int out, int err)
{
	struct sigaction sa;
	sigset_t none;

	/* Its own process group, so that a timeout kills what it started. */
	setpgid(0, 0);
	if (move_fd(in, 0) < 0 || move_fd(out, 1) < 0 || move_fd(err, 2) < 0 || chdir("/") < 0)
		_exit(126);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(path, argv, envp);
	_exit(errno == ENOENT ? 127 : 126);
}

/*
 * Run path (for messages: what) with argv and envp, stdin from /dev/null, and collect stdout (up
 * to CLI_OUT_MAX, in a buffer sized in advance since it will hold a token)
 * and stderr (the first CLI_ERR_MAX bytes). Returns 0 with *status when it
 * ended in time, -1 with *reason when it could not run, printed too much or
 * was killed at the timeout.
 */
static int
run_capture(const char *what, const char *path, char *const argv[], char *const envp[],
    long timeout_ms, struct buf *out, struct buf *err, int *status, char **reason)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, nul = -1, st = 0, rc = -1;
	int timed_out = 0, too_big = 0, failed = 0, i, nfds;
	struct pollfd pfd[2];
	long long deadline, left;
	char chunk[4096];
	ssize_t n;
	pid_t pid, w;

	buf_reserve(out, CLI_OUT_MAX + 1);
	nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nul < 0 || pipe(outp) < 0 || pipe(errp) < 0) {
		set_error(reason, "cannot run '%s': %s", path, strerror(errno));
		goto out;
	}
	for (i = 0; i < 2; i++) {
		fcntl(outp[i], F_SETFD, FD_CLOEXEC);
		fcntl(errp[i], F_SETFD, FD_CLOEXEC);
	}
	pid = fork();
	if (pid < 0) {
		set_error(reason, "cannot run '%s': %s", path, strerror(errno));
		goto out;
	}
	if (pid == 0)
		child_exec(path, argv, envp, nul, outp[1], errp[1]);
	setpgid(pid, pid); /* also here: whichever runs first */
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;
	fcntl(outp[0], F_SETFL, O_NONBLOCK);
	fcntl(errp[0], F_SETFL, O_NONBLOCK);

	deadline = now_ms() + timeout_ms;
	while (outp[0] >= 0 || errp[0] >= 0) {
		left = deadline - now_ms();
		if (left <= 0) {
			timed_out = 1;
			break;
		}
		nfds = 0;
		if (outp[0] >= 0) {
			pfd[nfds].fd = outp[0];
			pfd[nfds++].events = POLLIN;
		}
		if (errp[0] >= 0) {
			pfd[nfds].fd = errp[0];
			pfd[nfds++].events = POLLIN;
		}
		if (poll(pfd, (nfds_t)nfds, left > INT_MAX ? INT_MAX : (int)left) < 0) {
			if (errno == EINTR)
				continue;
			set_error(reason, "cannot run '%s': poll: %s", path, strerror(errno));
			failed = 1;
			break;
		}
		for (i = 0; i < nfds; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (pfd[i].fd == outp[0]) {
				n = read(outp[0], out->data + out->len, CLI_OUT_MAX + 1 - out->len);
				if (n > 0) {
					out->len += (size_t)n;
					out->data[out->len] = '\0';
					if (out->len > CLI_OUT_MAX)
						too_big = 1;
				}
				if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
					close(outp[0]);
					outp[0] = -1;
				}
			} else {
				n = read(errp[0], chunk, sizeof chunk);
				if (n > 0 && err->len < CLI_ERR_MAX)
					buf_append(err, chunk, (size_t)n);
				if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
					close(errp[0]);
					errp[0] = -1;
				}
			}
		}
		if (too_big)
			break;
	}
	/* Both pipes closed: wait for the exit, still within the time. */
	while (!timed_out && !too_big && !failed) {
		w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			set_error(reason, "cannot run '%s': waitpid: %s", path, strerror(errno));
			failed = 1;
			break;
		}
		if (now_ms() >= deadline)
			timed_out = 1;
		else
			sleep_ms(5);
	}
	if (timed_out || too_big || failed) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	if (timed_out && timeout_ms % 1000 == 0)
		set_error(reason, "'%s' did not finish within %ld s and was stopped", what,
		    timeout_ms / 1000);
	else if (timed_out)
		set_error(reason, "'%s' did not finish within %ld ms and was stopped", what,
		    timeout_ms);
	else if (too_big)
		set_error(reason, "'%s' printed more than %u bytes", what, CLI_OUT_MAX);
	else if (!failed) {
		*status = st;
		rc = 0;
	}
out:
	secure_wipe(chunk, sizeof chunk);
	if (outp[0] >= 0)
		close(outp[0]);
	if (outp[1] >= 0)
		close(outp[1]);
	if (errp[0] >= 0)
		close(errp[0]);
	if (errp[1] >= 0)
		close(errp[1]);
	if (nul >= 0)
		close(nul);
	return rc;
}

static int
cred_cli(struct ctx *c, struct auth_token *out, char **reason)
{
	static char no_color[] = "AZURE_CORE_NO_COLOR=true";
	const char *argv[12], *tenant = nonempty(c->o->tenant_id);
	struct buf sout = BUF_INIT, serr = BUF_INIT;
	char *az, **envp, **e, *why = NULL, *said = NULL, *msg;
	size_t n = 0, k = 0;
	int st = 0, rc = CRED_FAILED;

	if (tenant != NULL && !safe_id(tenant))
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

	if (run_capture("az account get-access-token", az, (char *const *)argv, envp,
	    cli_timeout_ms, &sout, &serr, &st, reason) != 0)
		goto out;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		if (token_from_json(sout.data, sout.len, "accessToken", out, &why) == 0)
			rc = CRED_OK;
		else
			set_error(reason, "'az account get-access-token' printed no token: %s", why);
		goto out;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
		set_error(reason, "'az' is not installed");
		rc = CRED_UNAVAILABLE;
		goto out;
	}
	if (serr.data != NULL && (strstr(serr.data, "az login") != NULL ||
	    strstr(serr.data, "az account set") != NULL)) {
		if (tenant != NULL)
			set_error(reason, "not logged in to tenant %s (run 'az login --tenant %s')",
			    tenant, tenant);
		else
			set_error(reason, "not logged in (run 'az login')");
		rc = CRED_UNAVAILABLE;
		goto out;
	}
	said = serr.data != NULL ? one_line(serr.data, serr.len) : NULL;
	msg = said;
	if (msg != NULL && strncmp(msg, "ERROR: ", 7) == 0)
		msg += 7;
	if (WIFEXITED(st))
		set_error(reason, "'az account get-access-token' failed (exit status %d)%s%s",
		    WEXITSTATUS(st), msg != NULL ? ": " : "", msg != NULL ? msg : "");
	else
		set_error(reason, "'az account get-access-token' was killed by signal %d",
		    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
out:
	wipe_buf(&sout);
	buf_release(&serr);
	free(said);
	free(why);
	free(envp);
	free(az);
	return rc;
}
#endif /* !_WIN32 */

/* --- the chain ----------------------------------------------------------- */

static const struct method {
	const char *name;   /* auth = ... */
	const char *label;  /* in messages and auth_token.source */
	cred_fn fn;
	int needs_http;
} methods[] = {
	{ "env", "environment", cred_env, 1 },
	{ "workload-identity", "workload identity", cred_workload, 1 },
	{ "managed-identity", "managed identity", cred_managed, 1 },
	{ "cli", "Azure CLI", cred_cli, 0 },
};
#define NMETHODS (sizeof methods / sizeof methods[0])

static int
ctx_init(struct ctx *c, struct http_client *hc, const struct auth_opts *o, char **cause)
{
	const struct cloud *cl = cloud_default();
	const char *arm = nonempty(o->arm_endpoint) ? o->arm_endpoint : cl->arm_endpoint;
	char *a;

	memset(c, 0, sizeof *c);
	c->hc = hc;
	c->o = o;
	if ((c->tenant = nonempty(o->tenant_id)) != NULL)
		c->tenant_from = "tenant_id";
	else if ((c->tenant = env("AZURE_TENANT_ID")) != NULL)
		c->tenant_from = "AZURE_TENANT_ID";
	if ((c->client = nonempty(o->client_id)) != NULL)
		c->client_from = "client_id";
	else if ((c->client = env("AZURE_CLIENT_ID")) != NULL)
		c->client_from = "AZURE_CLIENT_ID";
	/* Refused before anything runs: these end up in URLs, forms and argv. */
	if (c->tenant != NULL && !safe_id(c->tenant))
		return set_error(cause, "%s is not a tenant ID or domain name", c->tenant_from);
	if (c->client != NULL && !safe_id(c->client))
		return set_error(cause, "%s is not a client ID", c->client_from);
	c->login = without_trailing_slashes(nonempty(o->login_endpoint) ? o->login_endpoint :
	    cl->login_endpoint);
	a = without_trailing_slashes(arm);
	c->scope = xasprintf("%s/.default", a);
	if (nonempty(o->arm_resource) != NULL)
		c->resource = xstrdup(o->arm_resource);
	else if (nonempty(o->arm_endpoint) != NULL)
		c->resource = xasprintf("%s/", a);
	else
		c->resource = xstrdup(cl->arm_resource);
	free(a);
	return 0;
}

static void
ctx_release(struct ctx *c)
{
	free(c->login);
	free(c->scope);
	free(c->resource);
}

int
auth_get_token(struct http_client *hc, const struct auth_opts *o, struct auth_token *out,
    char **cause)
{
	const char *name = nonempty(o != NULL ? o->method : NULL);
	struct buf tried = BUF_INIT;
	struct ctx c;
	char *reason = NULL;
	size_t i, first = 0, last = NMETHODS;
	int rc = -1, r;

	memset(&c, 0, sizeof c);
	out->token = NULL;
	out->expires = 0;
	out->source = NULL;
	if (o == NULL)
		return set_error(cause, "no Azure credential options");
	if (name != NULL && strcmp(name, "auto") != 0) {
		for (i = 0; i < NMETHODS; i++)
			if (strcmp(name, methods[i].name) == 0)
				break;
		if (i == NMETHODS)
			return set_error(cause, "unknown auth method '%s' (use auto, env, "
			    "workload-identity, managed-identity or cli)", name);
		first = i;
		last = i + 1;
	}
	if (ctx_init(&c, hc, o, cause) != 0)
		goto out;
	for (i = first; i < last; i++) {
		if (methods[i].needs_http && hc == NULL) {
			set_error(&reason, "no HTTP client");
			r = CRED_FAILED;
		} else
			r = methods[i].fn(&c, out, &reason);
		if (r == CRED_OK) {
			if (!auth_token_ok(out->token)) {
				/* each credential checks; this is the last guard */
				auth_token_release(out);
				set_error(&reason, "the token is not usable");
				r = CRED_FAILED;
			} else {
				out->source = methods[i].label;
				rc = 0;
				goto out;
			}
		}
		if (r == CRED_FAILED || last - first == 1) {
			set_error(cause, "%s: %s", methods[i].label, reason != NULL ? reason : "failed");
			goto out;
		}
		buf_printf(&tried, "%s%s: %s", tried.len > 0 ? "; " : "", methods[i].label,
		    reason != NULL ? reason : "not available");
		free(reason);
		reason = NULL;
	}
	set_error(cause, "no Azure credential worked: %s \xe2\x80\x94 set up one of them "
	    "(see amlhosts(1), \"Using Azure\")", tried.data != NULL ? tried.data : "");
out:
	ctx_release(&c);
	buf_release(&tried);
	free(reason);
	return rc;
}

void
auth_token_release(struct auth_token *t)
{
	if (t == NULL)
		return;
	wipe_free(t->token);
	t->token = NULL;
	t->expires = 0;
	t->source = NULL;
}
