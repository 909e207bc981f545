/*
 * http.h - HTTPS requests for Azure, with libcurl's multi interface: the
 * requests of one round run concurrently over reused connections.
 *
 * Rules on the wire, enforced here for every caller: HTTPS only (a request
 * may allow plain HTTP only when it is flagged imds); TLS peer and host
 * verification always on; no redirects followed; responses larger than
 * HTTP_MAX_BYTES refused; connect and whole-request timeouts; 429 and 5xx
 * retried up to HTTP_MAX_TRIES times with a backoff that honours
 * Retry-After, and so are GETs whose connection dropped (reset, empty
 * reply, failed TLS handshake) or timed out, all within a deadline for the
 * whole run (http_opts.run_timeout_ms). Traces (-v) name the method, URL, status and size, never a
 * header or body, so tokens and secrets cannot leak into them.
 *
 *   struct http_client *hc;
 *   http_client_new(&hc, &opts, &cause);
 *   struct http_request *r = http_request_new("GET", url);
 *   http_request_header(r, "Authorization: Bearer ...");
 *   http_perform(hc, &r, 1);         fills r->status, r->body or r->error
 *   http_request_free(r);
 *   http_client_free(hc);
 */
#ifndef AMLHOSTS_HTTP_H
#define AMLHOSTS_HTTP_H

#include <stddef.h>
#include "base/util.h"

#define HTTP_MAX_BYTES (8u * 1024 * 1024)
#define HTTP_MAX_TRIES 3

struct http_client;

/* Why a request got no answer, decided from libcurl's result code: callers
 * act on this (a probe that timed out, say), never on the words of error,
 * which are for people and may change. */
enum http_failure {
	HTTP_FAIL_NONE = 0,   /* an answer came: see status */
	HTTP_FAIL_TIMEOUT,    /* no answer in time (connect or whole request) */
	HTTP_FAIL_TOO_BIG,    /* the answer was larger than HTTP_MAX_BYTES */
	HTTP_FAIL_PROTOCOL,   /* a URL scheme this request may not use */
	HTTP_FAIL_SETUP,      /* refused before anything was sent */
	HTTP_FAIL_TRANSPORT,  /* any other network or TLS failure */
};

typedef void (*http_trace_fn)(void *arg, const char *line);

struct http_opts {
	const char *ca_file;   /* extra CA bundle, or NULL */
	/* The same bundle's bytes (PEM), read by amlhosts and handed over on
	 * the helper's stdin, so that a helper running as another user opens
	 * no file of root's; used instead of ca_file when set. */
	const char *ca_pem;
	size_t ca_pem_len;
	long connect_timeout;  /* seconds */
	long request_timeout;  /* seconds */
	long run_timeout_ms;   /* every request and retry ends by then; 0: 3 request_timeouts */
	int verbose;           /* 1: trace requests, 2: with timings */
	http_trace_fn trace;   /* where traces go */
	void *trace_arg;
};

struct http_request {
	char *method;          /* "GET" or "POST" */
	char *url;
	struct strlist headers;
	char *body;            /* POST body (wiped when freed: it may hold a secret) */
	int imds;              /* plain HTTP allowed, short timeouts, no retries */
	long timeout_ms;       /* overrides request_timeout when > 0 */
	/* results */
	long status;           /* HTTP status, 0 when no response */
	struct buf response;
	char *error;           /* transport failure, one line; NULL if none */
	enum http_failure failure; /* its kind; HTTP_FAIL_NONE when error is NULL */
	int tries;
	int transient;         /* with error: it may pass (dropped, timed out); GETs are retried */
	void *user;            /* for the caller */
};

int http_client_new(struct http_client **out, const struct http_opts *o, char **cause);
void http_client_free(struct http_client *hc);

struct http_request *http_request_new(const char *method, const char *url);
void http_request_header(struct http_request *r, const char *header);
void http_request_free(struct http_request *r);
/* Make r ready to be performed again (results cleared). */
void http_request_reset(struct http_request *r);

/* Perform the requests concurrently, retrying as described above. Every
 * request ends with either a status or an error. Returns the number that
 * got a 2xx answer. */
size_t http_perform(struct http_client *hc, struct http_request **reqs, size_t n);

/* Number of requests and new connections made so far (benchmarks, -vv). */
void http_stats(const struct http_client *hc, unsigned long *requests, unsigned long *connections);

/* 1 if url is base or lies under it: same scheme, host (case aside) and
 * port, a default port (443 for https, 80 for http) written or not, and a
 * path that is base's or continues it after a "/" or "?". Azure writes
 * nextLinks with and without ":443". */
int http_url_under(const char *base, const char *url);

/* The host of an http(s) URL as written ("::1" for "http://[::1]:8080/x"),
 * new string; NULL when url has no host or an invalid port, or names user
 * information ("user@host": its host is not what it seems). */
char *http_url_host(const char *url);

/* "a=b&c=d" form encoding of one value (new string). */
char *http_urlencode(const char *s);

/* A copy of url without its trailing slashes, so that paths can be
 * appended with one "/" (endpoints come from configuration and the
 * environment, with or without one). */
char *http_url_trim(const char *url);

#endif
