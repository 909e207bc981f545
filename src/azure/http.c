/*
 * http.c - libcurl with the rules SPEC 5.2 sets, in one place.
 *
 * All requests of a round go into one multi handle, so they run at once and
 * share its connection cache: discovery costs a few round trips, not one
 * per resource. Retries re-run only the requests that need it, after the
 * longest delay any of them asked for.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "azure/http.h"
#include "base/platform.h"

struct http_client {
	struct http_opts o;
	char *ca_file;
	struct buf ca_pem;
	CURLM *multi;
	CURLSH *share;
	long long deadline_ms; /* on the monotonic clock: no request runs past it */
	unsigned long requests;
	unsigned long connections;
};

/* Per transfer, while it runs. */
struct transfer {
	struct http_request *r;
	CURL *easy;
	struct curl_slist *headers;
	char errbuf[CURL_ERROR_SIZE];
	char *retry_after;
	int too_big;
};

static int curl_ready;

/* Now on the monotonic clock, in milliseconds; -1 when it cannot be read. */
static long long
now_ms(void)
{
	struct timespec now;

	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		return -1;
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Milliseconds left before the run's deadline; negative once it has
 * passed, and when the clock cannot be read: better a run cut short than
 * one without an end. */
static long long
ms_left(const struct http_client *hc)
{
	long long now = now_ms();

	return now < 0 ? -1 : hc->deadline_ms - now;
}

int
http_client_new(struct http_client **out, const struct http_opts *o, char **cause)
{
	struct http_client *hc;

	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return set_error(cause, "cannot initialise libcurl");
		curl_ready = 1;
	}
	hc = xcalloc(1, sizeof *hc);
	hc->o = *o;
	if (hc->o.connect_timeout <= 0)
		hc->o.connect_timeout = 10;
	if (hc->o.request_timeout <= 0)
		hc->o.request_timeout = 60;
	hc->ca_file = o->ca_file ? xstrdup(o->ca_file) : NULL;
	hc->o.ca_file = hc->ca_file;
	buf_init(&hc->ca_pem);
	if (o->ca_pem != NULL)
		buf_append(&hc->ca_pem, o->ca_pem, o->ca_pem_len);
	hc->o.ca_pem = NULL;
	/* The parent ends a helper that runs longer than 4 request timeouts
	 * per target: 3 leave it the time to say why it gave up. */
	if (hc->o.run_timeout_ms <= 0)
		hc->o.run_timeout_ms = 3 * 1000 * hc->o.request_timeout;
	hc->deadline_ms = now_ms() + hc->o.run_timeout_ms;
	hc->multi = curl_multi_init();
	hc->share = curl_share_init();
	if (hc->multi == NULL || hc->share == NULL) {
		http_client_free(hc);
		return set_error(cause, "cannot initialise libcurl");
	}
	/* Reuse DNS answers and TLS sessions across rounds and retries. */
	curl_share_setopt(hc->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(hc->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	curl_multi_setopt(hc->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 8L);
	/* A connection a round opened is kept for the next round: the default
	 * cache (4 per added handle, shrunk when handles leave) closed some. */
	curl_multi_setopt(hc->multi, CURLMOPT_MAXCONNECTS, 16L);
	*out = hc;
	return 0;
}

void
http_client_free(struct http_client *hc)
{
	if (hc == NULL)
		return;
	if (hc->multi != NULL)
		curl_multi_cleanup(hc->multi);
	if (hc->share != NULL)
		curl_share_cleanup(hc->share);
	free(hc->ca_file);
	buf_release(&hc->ca_pem);
	free(hc);
}

void
http_stats(const struct http_client *hc, unsigned long *requests, unsigned long *connections)
{
	*requests = hc->requests;
	*connections = hc->connections;
}

struct http_request *
http_request_new(const char *method, const char *url)
{
	struct http_request *r = xcalloc(1, sizeof *r);

	r->method = xstrdup(method);
	r->url = xstrdup(url);
	strlist_init(&r->headers);
	buf_init(&r->response);
	return r;
}

void
http_request_header(struct http_request *r, const char *header)
{
	strlist_push(&r->headers, header);
}

void
http_request_reset(struct http_request *r)
{
	r->status = 0;
	buf_release(&r->response);
	free(r->error);
	r->error = NULL;
	r->failure = HTTP_FAIL_NONE;
	r->tries = 0;
}

void
http_request_free(struct http_request *r)
{
	size_t i;

	if (r == NULL)
		return;
	/* Headers carry the bearer token, bodies may carry a client secret. */
	for (i = 0; i < r->headers.n; i++)
		secure_wipe(r->headers.v[i], strlen(r->headers.v[i]));
	strlist_release(&r->headers);
	if (r->body != NULL)
		secure_wipe(r->body, strlen(r->body));
	free(r->body);
	if (r->response.data != NULL)
		secure_wipe(r->response.data, r->response.len);
	buf_release(&r->response);
	free(r->error);
	free(r->method);
	free(r->url);
	free(r);
}

char *
http_url_trim(const char *url)
{
	size_t n = strlen(url);

	while (n > 0 && url[n - 1] == '/')
		n--;
	return xstrndup(url, n);
}

/* Splits "scheme://host[:port][/path...]"; 0 if url is not of that form.
 * The port is the scheme's default when not written. */
struct origin {
	const char *scheme, *host, *path;
	size_t scheme_len, host_len;
	long port;
};

static int
parse_origin(const char *url, struct origin *o)
{
	const char *p = strstr(url, "://"), *h, *end;
	char *e;

	if (p == NULL)
		return 0;
	o->scheme = url;
	o->scheme_len = (size_t)(p - url);
	h = p + 3;
	end = h + strcspn(h, "/?#");
	o->path = end;
	o->host = h;
	/* An IPv6 literal holds colons: the port follows its "]". */
	p = h[0] == '[' ? memchr(h, ']', (size_t)(end - h)) : h;
	if (p == NULL)
		return 0;
	p = memchr(p, ':', (size_t)(end - p));
	o->host_len = (size_t)((p != NULL ? p : end) - h);
	if (o->host_len == 0)
		return 0;
	if (p == NULL || p + 1 == end) {
		if (o->scheme_len == 5 && strncasecmp(url, "https", 5) == 0)
			o->port = 443;
		else if (o->scheme_len == 4 && strncasecmp(url, "http", 4) == 0)
			o->port = 80;
		else
			return 0;
		return 1;
	}
	if (!isdigit((unsigned char)p[1]))
		return 0;
	errno = 0;
	o->port = strtol(p + 1, &e, 10);
	return errno == 0 && e == end && o->port > 0 && o->port <= 65535;
}

int
http_url_under(const char *base, const char *url)
{
	struct origin b, u;
	size_t blen;

	if (!parse_origin(base, &b) || !parse_origin(url, &u))
		return 0;
	if (b.scheme_len != u.scheme_len || strncasecmp(b.scheme, u.scheme, b.scheme_len) != 0 ||
	    b.host_len != u.host_len || strncasecmp(b.host, u.host, b.host_len) != 0 ||
	    b.port != u.port)
		return 0;
	/* base's path, without its trailing "/", then nothing, "/" or "?". */
	blen = strcspn(b.path, "?#");
	while (blen > 0 && b.path[blen - 1] == '/')
		blen--;
	if (strncmp(b.path, u.path, blen) != 0)
		return 0;
	return u.path[blen] == '\0' || u.path[blen] == '/' || u.path[blen] == '?';
}

char *
http_url_host(const char *url)
{
	struct origin o;
	const char *h;
	size_t n;

	if (!parse_origin(url, &o) || memchr(o.host, '@', (size_t)(o.path - o.host)) != NULL)
		return NULL;
	h = o.host;
	n = o.host_len;
	if (h[0] == '[') {
		if (n < 3 || h[n - 1] != ']')
			return NULL;
		h++;
		n -= 2;
	}
	return xstrndup(h, n);
}

char *
http_urlencode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b = BUF_INIT;
	unsigned char c;

	/* Sized once: a secret passes through here, and a growing buffer
	 * would leave copies of it in freed memory. */
	buf_reserve(&b, 3 * strlen(s));
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~')
			buf_putc(&b, (char)c);
		else {
			buf_putc(&b, '%');
			buf_putc(&b, hex[c >> 4]);
			buf_putc(&b, hex[c & 15]);
		}
	}
	return buf_detach(&b, NULL);
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t len = size * n;

	if (t->r->response.len + len > HTTP_MAX_BYTES) {
		t->too_big = 1;
		return 0; /* makes curl fail the transfer */
	}
	buf_append(&t->r->response, p, len);
	return len;
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t len = size * n;

	if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
		free(t->retry_after);
		t->retry_after = xstrndup(p + 12, len - 12);
	}
	return len;
}

static void
trace(struct http_client *hc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
trace(struct http_client *hc, const char *fmt, ...)
{
	va_list ap;
	char *line;

	if (hc->o.verbose <= 0 || hc->o.trace == NULL)
		return;
	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	hc->o.trace(hc->o.trace_arg, line);
	free(line);
}

/* The URL without its query: what a trace shows. */
static char *
url_for_trace(const char *url)
{
	const char *q = strchr(url, '?');

	return q ? xstrndup(url, (size_t)(q - url)) : xstrdup(url);
}

#define SETUP_LATE (-2) /* setup_transfer: the run's deadline has passed */

static int
setup_transfer(struct http_client *hc, struct transfer *t, char **cause)
{
	struct http_request *r = t->r;
	CURL *e;
	size_t i;
	long timeout_ms;
	long long left = ms_left(hc);

	timeout_ms = r->timeout_ms > 0 ? r->timeout_ms : hc->o.request_timeout * 1000;
	if (left < timeout_ms)
		timeout_ms = (long)left;
	if (timeout_ms <= 0) {
		set_error(cause, "timed out (the run's time limit of %ld s was reached)",
		    hc->o.run_timeout_ms / 1000);
		return SETUP_LATE;
	}
	e = t->easy = curl_easy_init();
	if (e == NULL)
		return set_error(cause, "cannot initialise libcurl");
	for (i = 0; i < r->headers.n; i++)
		t->headers = curl_slist_append(t->headers, r->headers.v[i]);
	t->headers = curl_slist_append(t->headers, "Accept: application/json");
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, r->imds ? "http,https" : "https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS,
	    r->imds ? (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS) : (long)CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	/* Identity endpoints are local to the machine: never via a proxy. */
	if (r->imds)
		curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (hc->ca_pem.len > 0) {
		struct curl_blob blob;

		/* The bytes of ca_file (see http_opts): copied by libcurl. */
		blob.data = hc->ca_pem.data;
		blob.len = hc->ca_pem.len;
		blob.flags = CURL_BLOB_COPY;
		curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
		curl_easy_setopt(e, CURLOPT_CAPATH, "/etc/ssl/certs");
	} else if (hc->ca_file != NULL) {
		/* An extra bundle: the system's CAs stay trusted too. */
		curl_easy_setopt(e, CURLOPT_CAINFO, hc->ca_file);
		curl_easy_setopt(e, CURLOPT_CAPATH, "/etc/ssl/certs");
	}
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_SHARE, hc->share);
	/* Wait for a connection that may multiplex (HTTP/2) rather than open
	 * another one beside it; over HTTP/1.1 requests get their own. */
	curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "amlhosts/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)HTTP_MAX_BYTES);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    timeout_ms < hc->o.connect_timeout * 1000 ? timeout_ms : hc->o.connect_timeout * 1000);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
	curl_easy_setopt(e, CURLOPT_PRIVATE, t);
	if (strcmp(r->method, "POST") == 0) {
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body ? r->body : "");
	} else if (strcmp(r->method, "GET") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
	return 0;
}

/* A connect the kernel gave up on (ETIMEDOUT) is a timeout too, though
 * libcurl reports it as a failure to connect. */
static int
connect_timed_out(CURL *e, CURLcode res)
{
	long os_errno = 0;

	if (res != CURLE_COULDNT_CONNECT)
		return 0;
	if (curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &os_errno) != CURLE_OK)
		return 0;
	return os_errno == ETIMEDOUT;
}

/* A failure a retry may cure: the connection dropped (reset, closed with
 * no or half an answer, TLS handshake cut) or the server was slow. */
static int
transient_failure(CURL *e, CURLcode res)
{
	switch (res) {
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return connect_timed_out(e, res);
	}
}

static void
finish_transfer(struct http_client *hc, struct transfer *t, CURLcode res)
{
	struct http_request *r = t->r;
	long status = 0, conns = 0;
	double total = 0;
	char *shown;

	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(t->easy, CURLINFO_NUM_CONNECTS, &conns);
	curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME, &total);
	hc->requests++;
	hc->connections += (unsigned long)conns;
	r->tries++;
	free(r->error);
	r->error = NULL;
	r->failure = HTTP_FAIL_NONE;
	r->transient = 0;
	if (res != CURLE_OK) {
		r->status = 0;
		r->transient = !t->too_big && transient_failure(t->easy, res);
		if (t->too_big || res == CURLE_FILESIZE_EXCEEDED) {
			r->failure = HTTP_FAIL_TOO_BIG;
			r->error = xasprintf("the response is larger than %u MiB", HTTP_MAX_BYTES >> 20);
		} else if (res == CURLE_UNSUPPORTED_PROTOCOL) {
			r->failure = HTTP_FAIL_PROTOCOL;
			r->error = xstrdup(r->imds ? "unsupported protocol" :
			    "only HTTPS is allowed for Azure endpoints");
		} else if (res == CURLE_OPERATION_TIMEDOUT) {
			r->failure = HTTP_FAIL_TIMEOUT;
			r->error = xasprintf("timed out (%s)", t->errbuf[0] ? t->errbuf : "no answer");
		} else {
			r->failure = connect_timed_out(t->easy, res) ? HTTP_FAIL_TIMEOUT :
			    HTTP_FAIL_TRANSPORT;
			r->error = xstrdup(t->errbuf[0] ? t->errbuf : curl_easy_strerror(res));
		}
	} else
		r->status = status;
	shown = url_for_trace(r->url);
	if (hc->o.verbose >= 2)
		trace(hc, "%s %s -> %ld (%zu bytes, %.3f s, %ld new connections)", r->method,
		    shown, r->status, r->response.len, total, conns);
	else
		trace(hc, "%s %s -> %ld", r->method, shown, r->status);
	if (r->error != NULL)
		trace(hc, "  %s", r->error);
	free(shown);
}

/* Seconds a 429/5xx answer asks us to wait, bounded, or to wait after a
 * dropped GET; -1: do not retry. Only GETs are retried after a failure with
 * no answer: a POST may have been done. */
static long
retry_delay(const struct http_request *r, const char *retry_after)
{
	char *end;
	long s;

	if (r->imds || r->tries >= HTTP_MAX_TRIES || r->tries == 0)
		return -1;
	if (r->error != NULL)
		return r->transient && strcmp(r->method, "GET") == 0 ? r->tries : -1;
	if (r->status != 429 && r->status < 500)
		return -1;
	if (r->status == 501 || r->status == 505)
		return -1;
	if (retry_after != NULL) {
		errno = 0;
		s = strtol(retry_after, &end, 10);
		if (errno == 0 && end != retry_after && s >= 0)
			return s > 60 ? 60 : s;
	}
	return r->tries; /* 1 s, then 2 s */
}

static int
run_round(struct http_client *hc, struct http_request **reqs, size_t n, long *wait_s)
{
	struct transfer *ts = xcalloc(n ? n : 1, sizeof *ts);
	CURLMsg *msg;
	char *why = NULL;
	int running = 0, left, pending = 0;
	size_t i;
	long d;

	*wait_s = -1;
	for (i = 0; i < n; i++) {
		ts[i].r = reqs[i];
		int late = setup_transfer(hc, &ts[i], &why);

		if (late != 0) {
			free(reqs[i]->error);
			reqs[i]->error = why;
			reqs[i]->failure = late == SETUP_LATE ? HTTP_FAIL_TIMEOUT : HTTP_FAIL_SETUP;
			why = NULL;
			continue;
		}
		curl_multi_add_handle(hc->multi, ts[i].easy);
	}
	do {
		if (curl_multi_perform(hc->multi, &running) != CURLM_OK)
			break;
		while ((msg = curl_multi_info_read(hc->multi, &left)) != NULL) {
			struct transfer *t = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
			finish_transfer(hc, t, msg->data.result);
		}
		if (running > 0)
			curl_multi_poll(hc->multi, NULL, 0, 1000, NULL);
	} while (running > 0);
	for (i = 0; i < n; i++) {
		if (ts[i].easy != NULL) {
			curl_multi_remove_handle(hc->multi, ts[i].easy);
			curl_easy_cleanup(ts[i].easy);
		}
		curl_slist_free_all(ts[i].headers);
		d = ts[i].easy != NULL ? retry_delay(reqs[i], ts[i].retry_after) : -1;
		if (d >= 0) {
			pending++;
			if (d > *wait_s)
				*wait_s = d;
		}
		free(ts[i].retry_after);
	}
	free(ts);
	return pending;
}

size_t
http_perform(struct http_client *hc, struct http_request **reqs, size_t n)
{
	struct http_request **todo = xcalloc(n ? n : 1, sizeof *todo);
	struct timespec nap;
	size_t i, m = n, ok = 0, k;
	long wait_s;

	for (i = 0; i < n; i++) {
		http_request_reset(reqs[i]);
		todo[i] = reqs[i];
	}
	while (m > 0) {
		if (run_round(hc, todo, m, &wait_s) == 0)
			break;
		/* Keep only the ones a retry may help. */
		for (i = 0, k = 0; i < m; i++)
			if (retry_delay(todo[i], NULL) >= 0)
				todo[k++] = todo[i];
		m = k;
		if (m == 0)
			break;
		/* A retry that would start after the deadline: the requests
		 * keep the answer or failure they have. */
		if (wait_s * 1000 >= ms_left(hc)) {
			trace(hc, "not retrying %zu request%s: the run's time limit is near", m,
			    m == 1 ? "" : "s");
			break;
		}
		for (i = 0; i < m; i++)
			buf_release(&todo[i]->response);
		trace(hc, "retrying %zu request%s in %ld s", m, m == 1 ? "" : "s", wait_s);
		nap.tv_sec = wait_s;
		nap.tv_nsec = 0;
		while (nanosleep(&nap, &nap) != 0 && errno == EINTR)
			;
	}
	for (i = 0; i < n; i++)
		if (reqs[i]->error == NULL && reqs[i]->status >= 200 && reqs[i]->status < 300)
			ok++;
	free(todo);
	return ok;
}
