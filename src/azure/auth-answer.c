/*
 * auth-answer.c - what the token services answer: expiry times in their
 * several spellings, tokens out of JSON, the services' own words about a
 * failure.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "azure/armjson.h"
#include "azure/auth-internal.h"
#include "base/platform.h"
#include "base/quote.h"
#include "base/util.h"

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

/* --- answers ------------------------------------------------------------- */

/* A token out of a JSON answer; key is "access_token" (Entra ID, managed
 * identity) or "accessToken" (az). *why says what was wrong, if anything. */
int
cred_token_from_json(const char *data, size_t len, const char *key, struct auth_token *out,
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
char *
cred_service_message(const struct http_request *r)
{
	struct armjson_error e;
	const char *msg;
	char *line;

	if (r->response.data == NULL || r->response.len == 0)
		return NULL;
	if (armjson_error_decode(r->response.data, r->response.len, &e) != 0)
		return quote_mem(r->response.data, r->response.len, QUOTE_MAX, QUOTE_FIRST_LINE | QUOTE_STRIP_ANSI);
	msg = e.message != NULL ? e.message : e.text != NULL ? e.text : e.code;
	line = msg != NULL ? quote_mem(msg, strlen(msg), QUOTE_MAX, QUOTE_FIRST_LINE | QUOTE_STRIP_ANSI) : NULL;
	armjson_error_release(&e);
	return line;
}

/* Why request r, sent to what (for the message), gave no answer or not a
 * good one. */
static void
describe_failure(const struct http_request *r, const char *what, char **reason)
{
	char *said;

	if (r->error != NULL) {
		said = quote_mem(r->error, strlen(r->error), QUOTE_MAX, QUOTE_FIRST_LINE | QUOTE_STRIP_ANSI);
		set_error(reason, "request to %s failed: %s", what, said != NULL ? said : "no answer");
		free(said);
		return;
	}
	said = cred_service_message(r);
	if (said != NULL)
		set_error(reason, "%s answered HTTP %ld: %s", what, r->status, said);
	else
		set_error(reason, "%s answered HTTP %ld", what, r->status);
	free(said);
}

/* A 2xx answer with a token, or why not. */
int
cred_take_token(const struct http_request *r, const char *what, struct auth_token *out,
    char **reason)
{
	char *why = NULL;

	if (r->error != NULL || r->status < 200 || r->status > 299) {
		describe_failure(r, what, reason);
		return CRED_FAILED;
	}
	if (cred_token_from_json(r->response.data, r->response.len, "access_token", out, &why) != 0) {
		set_error(reason, "%s answered HTTP %ld but %s", what, r->status, why);
		free(why);
		return CRED_FAILED;
	}
	return CRED_OK;
}

/* POST a client-credentials form to {authority}/{tenant}/oauth2/v2.0/token;
 * form is taken (it is wiped and freed with the request). */
int
cred_post_token_form(struct ctx *c, const char *authority, char *form, struct auth_token *out,
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
	rc = cred_take_token(r, what, out, reason);
	free(what);
	http_request_free(r);
	free(url);
	return rc;
}
