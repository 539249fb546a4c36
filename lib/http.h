/* HTTP client shared by the tools that talk to web APIs (vtex-fetch, bq-load,
 * ...): libcurl multi with kept-alive connections, a bounded number of
 * parallel transfers, a token-bucket request rate, retries with exponential
 * backoff and full jitter on 429, 5xx and network errors (honouring
 * Retry-After), timeouts, TLS always verified, one debug log line per attempt
 * (no header values, secret-looking query values masked) and metrics.
 *
 * Single-threaded event loop: build requests, http_submit() them, and
 * http_client_run() until everything is done. Each request's done callback
 * runs on the loop and may submit more requests; a feed callback lets the
 * caller hand out work lazily (backpressure) or from another thread
 * (http_client_wakeup()).
 *
 *   http_request *r = http_request_new("GET", url);
 *   http_request_on_done(r, got_order, ctx);
 *   http_submit(client, r);
 *   http_client_run(client, NULL, NULL);
 */
#ifndef VP_HTTP_H
#define VP_HTTP_H

#include "buf.h"
#include "http_retry.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct http_client http_client;
typedef struct http_request http_request;

typedef struct {
	const char *user_agent;    /* NULL: "vtex-pipes/<version>" */
	const char *cacert;        /* PEM file of a private CA; NULL: the system store */
	int concurrency;           /* parallel transfers (>= 1) */
	double rps;                /* requests started per second; <= 0: no limit */
	double burst;              /* token bucket size; <= 0: default (see http_ratelimit.h) */
	double connect_timeout_s;
	double timeout_s;          /* whole transfer, per attempt */
	http_retry_policy retry;
	bool pause_on_429;         /* a 429 with Retry-After holds every new start that long */
	size_t max_body;           /* a longer response body ends the transfer: HTTP_ERR_TOO_LARGE */
} http_options;

/* The PATH of "unix:PATH" (a Unix socket, for a server's listen address or
 * the URL of a local service), or NULL when spec is not one. */
const char *http_unix_socket_path(const char *spec);

/* The default maximum response body: 64 MiB (a VTEX page or a BigQuery
 * answer is at most a few MiB), or what http_set_max_body set (cli_init:
 * VTEX_PIPES_MAX_RESPONSE). */
#define HTTP_MAX_BODY_DEFAULT ((size_t)64 << 20)
void http_set_max_body(size_t bytes);

/* Fills o with the defaults: 8 transfers, no rate limit, 10 s connect, 60 s
 * per attempt, 7 attempts, backoff 0.5 s doubling up to 30 s, Retry-After up
 * to 120 s, pause_on_429 on, the maximum response body. */
void http_options_default(http_options *o);

/* What became of a request, given to its done callback. */
typedef enum {
	HTTP_OUTCOME_OK,         /* a response the request's check accepted (any status) */
	HTTP_OUTCOME_GAVE_UP,    /* still failing (429, 5xx, network, check) after every attempt */
	HTTP_OUTCOME_FATAL,      /* failure no retry can fix: bad URL, TLS peer not trusted, ... */
} http_outcome;

/* Why the last attempt failed. */
typedef enum {
	HTTP_ERR_NONE,
	HTTP_ERR_STATUS,       /* a retryable status (429, 5xx) */
	HTTP_ERR_CHECK,        /* the request's check refused the response */
	HTTP_ERR_NETWORK,      /* connect, DNS, timeout, reset, ... */
	HTTP_ERR_TLS_TRUST,    /* the peer's certificate is not trusted (see cacert) */
	HTTP_ERR_REQUEST,      /* the request itself cannot work: bad URL, protocol, memory */
	HTTP_ERR_TOO_LARGE,    /* the response body passed max_body (not retried) */
} http_error_kind;

typedef struct {
	http_outcome outcome;
	http_error_kind error_kind;
	long status;             /* HTTP status of the last attempt; 0 when there was no response */
	const char *error;       /* why the last attempt failed (network or check), or NULL */
	int attempts;
	buf body;                /* the last response body (NUL-terminated via buf_cstr) */
	buf headers;             /* its header lines, "Name: value\r\n" each */
	double seconds;          /* duration of the last attempt */
} http_response;

/* The value of a response header (case-insensitive name, first occurrence),
 * copied into out (cut to outsz - 1 bytes); false when absent. */
bool http_response_header(const http_response *res, const char *name, char *out, size_t outsz);

/* Called once per request at the end; the request and res are freed after it returns. */
typedef void (*http_done_fn)(http_client *c, http_request *req, http_response *res, void *ctx);
/* Optional: called on each attempt whose status the client would not retry by
 * itself (not 429, not 5xx, not a network error). Return NULL to accept it,
 * or a reason to treat it as a retryable failure (e.g. "truncated JSON"). */
typedef const char *(*http_check_fn)(http_request *req, http_response *res, void *ctx);
/* Optional: hands the caller room for `room` more requests (submitted and
 * not finished ones already counted). Return false once it will never submit
 * anything again; run then ends when the last request is done. */
typedef bool (*http_feed_fn)(http_client *c, size_t room, void *ctx);

http_client *http_client_new(const http_options *o);
/* Adds a header ("Name: value") to every request, e.g. credentials. The
 * value is never logged. */
void http_client_default_header(http_client *c, const char *line);
/* Every request of c over the Unix socket at path (its URLs then name the
 * host as http://localhost). */
void http_client_unix_socket(http_client *c, const char *path);
/* Runs until every request is done and feed (if any) returned false. Returns
 * false only if libcurl's multi interface itself failed. */
bool http_client_run(http_client *c, http_feed_fn feed, void *ctx);
/* Makes http_client_run return as soon as the current callback is over,
 * leaving unfinished requests undone (their callbacks are never called);
 * for an error that dooms the whole run, such as refused credentials. */
void http_client_stop(http_client *c);
/* Makes a running loop call feed soon; safe from any thread. */
void http_client_wakeup(http_client *c);
/* For a feed that waits on more than its requests (a FIFO, a clock): while
 * the loop would call feed, it also wakes when fd (-1: none) is readable, and
 * at the latest after max_wait_ms (default 1000). Callable from feed; fd
 * stays open until a later call names another (or -1). */
void http_client_feed_wait(http_client *c, int fd, int max_wait_ms);
/* Requests submitted and not yet done (queued, waiting to retry, or in flight). */
size_t http_client_pending(const http_client *c);
void http_client_free(http_client *c);

/* True when url is plain http:// to a host other than the loopback
 * (localhost, 127.0.0.0/8, [::1]): what it carries crosses a network in
 * clear. The tools refuse to send credentials that way without an explicit
 * option; the loopback never leaves the host, so it is allowed. */
bool http_url_plain_remote(const char *url);
/* Whether credentials may be sent to url: not when it is plain http:// to a
 * host other than the loopback (logged as an error naming `what`, the
 * setting that holds the URL), unless VTEX_PIPES_ALLOW_PLAIN_HTTP=1, which
 * takes it with a warning. */
bool http_url_credentials_allowed(const char *url, const char *what);
/* True when a header of that name carries a credential: Authorization,
 * Proxy-Authorization, Cookie, or a name holding "token", "secret",
 * "password", "apikey" or "api-key" (any case). */
bool http_header_is_secret(const char *name, size_t len);

/* method: "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", ... */
http_request *http_request_new(const char *method, const char *url);
void http_request_header(http_request *r, const char *line);
/* Copies the body; a Content-Type header is up to the caller. */
void http_request_body(http_request *r, const void *data, size_t len);
void http_request_on_done(http_request *r, http_done_fn fn, void *ctx);
void http_request_check(http_request *r, http_check_fn fn);
/* A short name for logs and failure messages ("order", "scroll", ...). */
void http_request_label(http_request *r, const char *label);
const char *http_request_url(const http_request *r);
const char *http_request_method(const http_request *r);
/* The client owns r from here on. */
void http_submit(http_client *c, http_request *r);

#endif
