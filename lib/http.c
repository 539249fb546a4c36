#include "http.h"
#include "epoll_set.h"
#include "http_ratelimit.h"
#include "log.h"
#include "progress.h"
#include "metrics.h"

#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

enum { STATUS_SERIES = 600, IDLE_POLL_MS = 1000, MAX_EVENTS = 64 };

struct http_request {
	char *method, *url, *label;
	struct curl_slist *headers;      /* the request's own, then the client's defaults (first start) */
	bool defaults_added;
	buf body;
	bool has_body;
	http_done_fn done;
	void *ctx;
	http_check_fn check;
	CURL *easy;
	http_response res;
	double started, not_before;
	char errbuf[CURL_ERROR_SIZE];
	size_t max_body;
	bool too_large;       /* the body passed max_body: the transfer was ended */
	http_request *next;
};

static size_t max_body = HTTP_MAX_BODY_DEFAULT;

void http_set_max_body(size_t bytes)
{
	max_body = bytes ? bytes : HTTP_MAX_BODY_DEFAULT;
}

struct http_client {
	http_options o;
	char *user_agent, *cacert, *unix_socket;
	CURLM *multi;
	/* libcurl's socket interface: the sockets it names (on_socket), wake_fd
	 * (an eventfd, http_client_wakeup) and the feed's fd in one epoll set,
	 * its timer (on_timer) a deadline; only the transfers whose sockets
	 * are ready are driven, where curl_multi_perform went over every one
	 * of them with a poll of its own (about a tenth of vtex-gateway's CPU,
	 * flooded). */
	epoll_set set;
	int wake_fd;
	int watched_fd;                        /* the feed's fd in the set, or -1 */
	double timer_at;                       /* progress_now() seconds; < 0: none */
	CURL **idle;  /* easy handles of finished attempts, reset, for the next starts */
	size_t nidle; /* at most concurrency */
	struct curl_slist *defaults;
	http_request *queue_head, *queue_tail; /* ready to start, FIFO */
	http_request *waiting;                 /* backing off, sorted by not_before */
	http_request *inflight;                /* transfers attached to the multi handle */
	bool stopping;
	int feed_fd, feed_wait_ms;             /* http_client_feed_wait */
	size_t running, pending;
	token_bucket bucket;
	double paused_until;
	uint64_t rng;
	metric *by_status[STATUS_SERIES], *net_errors, *retries, *gave_up, *fatal, *latency, *bytes;
};


void http_options_default(http_options *o)
{
	*o = (http_options){
		.concurrency = 8,
		.connect_timeout_s = 10,
		.timeout_s = 60,
		.retry = { .max_attempts = 7, .base_s = 0.5, .max_s = 30, .retry_after_max_s = 120 },
		.pause_on_429 = true,
		.max_body = max_body,
	};
}

static metric *series(http_client *c, const char *name, const char *help, const char *extra)
{
	buf labels = { 0 };
	(void)c; /* the tool label comes from cli_init (metrics_const_label) */
	buf_printf(&labels, "%s", extra ? extra : "");
	metric *m = metrics_counter(name, help, buf_cstr(&labels));
	buf_free(&labels);
	return m;
}

/* libcurl says which events a socket of its waits for (CURL_POLL_*); a
 * socket it no longer waits on (CURL_POLL_REMOVE: 0) stays in the set for
 * the connection's next transfer (epoll_set.h). */
static int on_socket(CURL *e, curl_socket_t fd, int what, void *cp, void *sockp)
{
	http_client *c = cp;
	(void)e;
	(void)sockp;
	uint32_t events = what == CURL_POLL_REMOVE ? 0u
			  : (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
	return epoll_set_watch(&c->set, fd, events) ? 0 : -1;
}

/* libcurl closes a connection's socket: the set forgets it (epoll_set.h). */
static int on_close_socket(void *cp, curl_socket_t fd)
{
	epoll_set_forget(&((http_client *)cp)->set, fd);
	return close(fd);
}

/* libcurl wants curl_multi_socket_action(CURL_SOCKET_TIMEOUT) in ms (-1: never). */
static int on_timer(CURLM *m, long ms, void *cp)
{
	http_client *c = cp;
	(void)m;
	c->timer_at = ms < 0 ? -1 : progress_now() + (double)ms / 1000;
	return 0;
}

http_client *http_client_new(const http_options *o)
{
	http_client *c = xcalloc(1, sizeof *c);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	c->o = *o;
	if (c->o.concurrency < 1)
		c->o.concurrency = 1;
	if (c->o.retry.max_attempts < 1)
		c->o.retry.max_attempts = 1;
	c->user_agent = xstrdup(o->user_agent ? o->user_agent : "vtex-pipes/" VP_VERSION);
	c->cacert = o->cacert ? xstrdup(o->cacert) : NULL;
	c->feed_fd = -1;
	c->feed_wait_ms = IDLE_POLL_MS;
	c->idle = xcalloc((size_t)c->o.concurrency, sizeof *c->idle);
	c->multi = curl_multi_init();
	c->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!epoll_set_init(&c->set) || !c->multi || c->wake_fd < 0 || !epoll_set_watch(&c->set, c->wake_fd, EPOLLIN)) {
		log_error("cannot start libcurl", LS("error", strerror(errno)));
		abort();
	}
	c->timer_at = -1;
	c->watched_fd = -1;
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)c->o.concurrency);
	curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)c->o.concurrency * 2);
	token_bucket_init(&c->bucket, o->rps, o->burst, progress_now());
	c->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)c;
	if (!c->rng)
		c->rng = 88172645463325252ULL;
	c->net_errors = series(c, "vtex_pipes_http_requests_total", "HTTP attempts by status code.",
			       "code=\"network_error\"");
	c->retries = series(c, "vtex_pipes_http_retries_total", "HTTP attempts that were retried.", NULL);
	c->gave_up = series(c, "vtex_pipes_http_failures_total", "HTTP requests that failed for good.",
			    "reason=\"retries_exhausted\"");
	c->fatal = series(c, "vtex_pipes_http_failures_total", "HTTP requests that failed for good.",
			  "reason=\"not_retryable\"");
	c->bytes = series(c, "vtex_pipes_http_response_bytes_total", "Response body bytes received.", NULL);
	c->latency = metrics_histogram("vtex_pipes_http_request_duration_seconds",
				       "Duration of HTTP attempts.", "",
				       metrics_latency_buckets, metrics_latency_nbuckets);
	return c;
}

void http_client_default_header(http_client *c, const char *line)
{
	c->defaults = curl_slist_append(c->defaults, line);
}

void http_client_unix_socket(http_client *c, const char *path)
{
	free(c->unix_socket);
	c->unix_socket = xstrdup(path);
}

size_t http_client_pending(const http_client *c)
{
	return c->pending;
}

void http_client_wakeup(http_client *c)
{
	uint64_t one = 1;
	if (write(c->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
		log_warn("cannot wake the HTTP client's loop", LS("error", strerror(errno)));
}

void http_client_feed_wait(http_client *c, int fd, int max_wait_ms)
{
	c->feed_fd = fd;
	c->feed_wait_ms = max_wait_ms < 0 ? 0 : max_wait_ms;
}

http_request *http_request_new(const char *method, const char *url)
{
	http_request *r = xcalloc(1, sizeof *r);
	r->method = xstrdup(method);
	r->url = xstrdup(url);
	return r;
}

void http_request_header(http_request *r, const char *line)
{
	r->headers = curl_slist_append(r->headers, line);
}

void http_request_body(http_request *r, const void *data, size_t len)
{
	r->body.len = 0;
	buf_put(&r->body, data, len);
	r->has_body = true;
}

void http_request_on_done(http_request *r, http_done_fn fn, void *ctx)
{
	r->done = fn;
	r->ctx = ctx;
}

void http_request_check(http_request *r, http_check_fn fn)
{
	r->check = fn;
}

void http_request_label(http_request *r, const char *label)
{
	free(r->label);
	r->label = xstrdup(label);
}

const char *http_request_url(const http_request *r)
{
	return r->url;
}

const char *http_request_method(const http_request *r)
{
	return r->method;
}

static void request_free(http_request *r)
{
	if (r->easy)
		curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->headers);
	buf_free(&r->body);
	buf_free(&r->res.body);
	buf_free(&r->res.headers);
	free(r->method);
	free(r->url);
	free(r->label);
	free(r);
}

static void enqueue(http_client *c, http_request *r, bool front)
{
	r->next = NULL;
	if (!c->queue_head) {
		c->queue_head = c->queue_tail = r;
	} else if (front) {
		r->next = c->queue_head;
		c->queue_head = r;
	} else {
		c->queue_tail->next = r;
		c->queue_tail = r;
	}
}

void http_submit(http_client *c, http_request *r)
{
	c->pending++;
	enqueue(c, r, false);
}

bool http_response_header(const http_response *res, const char *name, char *out, size_t outsz)
{
	size_t nlen = strlen(name);
	const char *p = res->headers.data, *end = p + res->headers.len;
	while (p && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > nlen && p[nlen] == ':' && strncasecmp(p, name, nlen) == 0) {
			const char *v = p + nlen + 1, *ve = eol;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			size_t n = (size_t)(ve - v);
			if (outsz) {
				if (n >= outsz)
					n = outsz - 1;
				memcpy(out, v, n);
				out[n] = '\0';
			}
			return true;
		}
		p = eol + 1;
	}
	return false;
}

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
	http_request *r = ud;
	if (size * n > r->max_body - r->res.body.len) {
		r->too_large = true;
		return 0; /* ends the transfer (CURLE_WRITE_ERROR) */
	}
	buf_put(&r->res.body, data, size * n);
	return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
	http_request *r = ud;
	/* A new status line (after a 100 Continue, say): keep only the last block. */
	if (size * n >= 5 && memcmp(data, "HTTP/", 5) == 0)
		r->res.headers.len = 0;
	buf_put(&r->res.headers, data, size * n);
	return size * n;
}

static bool start(http_client *c, http_request *r, double now)
{
	CURL *e = c->nidle ? c->idle[--c->nidle] : curl_easy_init();
	if (!e)
		return false;
	if (!r->defaults_added) {
		for (struct curl_slist *h = c->defaults; h; h = h->next)
			r->headers = curl_slist_append(r->headers, h->data);
		r->defaults_added = true;
	}
	r->res.body.len = 0;
	r->res.headers.len = 0;
	r->errbuf[0] = '\0';
	r->max_body = c->o.max_body ? c->o.max_body : HTTP_MAX_BODY_DEFAULT;
	r->too_large = false;
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	if (strcmp(r->method, "GET") == 0) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(r->method, "HEAD") == 0) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
		if (r->has_body || strcmp(r->method, "POST") == 0) {
			curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body.len);
			curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body.len ? r->body.data : "");
		}
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
	curl_easy_setopt(e, CURLOPT_USERAGENT, c->user_agent);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
	curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, c);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	/* Credentials go in headers: never follow a redirect to another host. */
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)(c->o.connect_timeout_s * 1000));
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(c->o.timeout_s * 1000));
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->cacert)
		curl_easy_setopt(e, CURLOPT_CAINFO, c->cacert);
	if (c->unix_socket)
		curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, c->unix_socket);
	r->easy = e;
	r->started = now;
	if (curl_multi_add_handle(c->multi, e) != CURLM_OK) {
		curl_easy_cleanup(e);
		r->easy = NULL;
		return false;
	}
	c->running++;
	r->next = c->inflight;
	c->inflight = r;
	return true;
}

/* What a libcurl failure means: most are worth another try. */
static http_error_kind curl_error_kind(CURLcode code)
{
	switch (code) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return HTTP_ERR_TLS_TRUST;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_NOT_BUILT_IN:
	case CURLE_OUT_OF_MEMORY:
	case CURLE_BAD_FUNCTION_ARGUMENT:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
		return HTTP_ERR_REQUEST;
	default:
		return HTTP_ERR_NETWORK;
	}
}

static bool contains_ci(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (strncasecmp(s + i, needle, k) == 0)
			return true;
	return false;
}

/* The URL for a log line: query values whose name holds "token" or "key" masked. */
static void url_for_log(buf *out, const char *url)
{
	const char *p = strchr(url, '?');
	if (!p) {
		buf_puts(out, url);
		return;
	}
	buf_put(out, url, (size_t)(p - url));
	while (*p) { /* p is at '?' or '&' */
		size_t name = strcspn(p + 1, "=&");
		bool secret = contains_ci(p + 1, name, "token") || contains_ci(p + 1, name, "key");
		buf_put(out, p, 1 + name);
		p += 1 + name;
		if (*p == '=') {
			size_t vlen = strcspn(p + 1, "&");
			if (secret)
				buf_puts(out, "=***");
			else
				buf_put(out, p, 1 + vlen);
			p += 1 + vlen;
		}
	}
}

static void log_attempt(http_request *r, const char *error)
{
	if (!log_enabled(LOG_LVL_DEBUG))
		return;
	buf u = { 0 };
	url_for_log(&u, r->url);
	log_debug("http", LS("label", r->label ? r->label : ""), LS("method", r->method),
		  LS("url", buf_cstr(&u)), LI("status", r->res.status), LI("attempt", r->res.attempts),
		  LD("seconds", r->res.seconds), LI("bytes", r->res.body.len), LS("error", error ? error : ""));
	buf_free(&u);
}

static void wait_for_retry(http_client *c, http_request *r, double now)
{
	double ra = -1;
	char v[128];
	if ((r->res.status == 429 || r->res.status == 503) &&
	    http_response_header(&r->res, "Retry-After", v, sizeof v) &&
	    !http_parse_retry_after(v, time(NULL), &ra))
		ra = -1;
	double wait = http_retry_wait(&c->o.retry, r->res.attempts, http_jitter_u(&c->rng), ra);
	r->not_before = now + wait;
	if (r->res.status == 429 && ra >= 0 && c->o.pause_on_429) {
		double until = now + (ra > c->o.retry.retry_after_max_s ? c->o.retry.retry_after_max_s : ra);
		if (until > c->paused_until)
			c->paused_until = until;
	}
	metric_add(c->retries, 1);
	http_request **pp = &c->waiting;
	while (*pp && (*pp)->not_before <= r->not_before)
		pp = &(*pp)->next;
	r->next = *pp;
	*pp = r;
}

/* A finished attempt's easy handle, kept for the next start: creating and
 * freeing one per attempt (its state, its buffers) took about 5% of
 * vtex-gateway's CPU, flooded (perf). curl_easy_reset clears every option;
 * connections stay in the multi handle's pool. */
static void recycle(http_client *c, CURL *e)
{
	if (c->nidle < (size_t)c->o.concurrency) {
		curl_easy_reset(e);
		c->idle[c->nidle++] = e;
	} else {
		curl_easy_cleanup(e);
	}
}

static void finish(http_client *c, http_request *r, CURLcode code, double now)
{
	long status = 0;
	curl_off_t size = 0;
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(r->easy, CURLINFO_SIZE_DOWNLOAD_T, &size);
	curl_multi_remove_handle(c->multi, r->easy);
	recycle(c, r->easy);
	r->easy = NULL;
	c->running--;
	http_request **pp = &c->inflight;
	while (*pp != r)
		pp = &(*pp)->next;
	*pp = r->next;
	r->next = NULL;

	http_response *res = &r->res;
	res->attempts++;
	res->seconds = now - r->started;
	res->status = code == CURLE_OK ? status : 0;
	metric_observe(c->latency, res->seconds);
	metric_add(c->bytes, (double)size);

	bool retryable = false;
	const char *error = NULL;
	res->error_kind = HTTP_ERR_NONE;
	if (r->too_large) {
		snprintf(r->errbuf, sizeof r->errbuf, "response body larger than the maximum of %zu bytes", r->max_body);
		error = r->errbuf;
		res->error_kind = HTTP_ERR_TOO_LARGE;
		res->body.len = 0; /* never half a body */
	} else if (code != CURLE_OK) {
		metric_add(c->net_errors, 1);
		error = r->errbuf[0] ? r->errbuf : curl_easy_strerror(code);
		res->error_kind = curl_error_kind(code);
		retryable = res->error_kind == HTTP_ERR_NETWORK;
	} else {
		if (status >= 0 && status < STATUS_SERIES) {
			if (!c->by_status[status]) {
				char label[32];
				snprintf(label, sizeof label, "code=\"%ld\"", status);
				c->by_status[status] = series(c, "vtex_pipes_http_requests_total",
							      "HTTP attempts by status code.", label);
			}
			metric_add(c->by_status[status], 1);
		}
		if (http_status_retryable(status)) {
			snprintf(r->errbuf, sizeof r->errbuf, "HTTP %ld", status);
			error = r->errbuf;
			res->error_kind = HTTP_ERR_STATUS;
			retryable = true;
		} else if (r->check && (error = r->check(r, res, r->ctx))) {
			res->error_kind = HTTP_ERR_CHECK;
			retryable = true;
		}
	}
	log_attempt(r, error);
	if (retryable && res->attempts < c->o.retry.max_attempts) {
		wait_for_retry(c, r, now);
		return;
	}
	res->error = error;
	res->outcome = !error ? HTTP_OUTCOME_OK : retryable ? HTTP_OUTCOME_GAVE_UP : HTTP_OUTCOME_FATAL;
	if (res->outcome == HTTP_OUTCOME_GAVE_UP)
		metric_add(c->gave_up, 1);
	else if (res->outcome == HTTP_OUTCOME_FATAL)
		metric_add(c->fatal, 1);
	buf_cstr(&res->body);
	c->pending--;
	if (r->done)
		r->done(c, r, res, r->ctx);
	request_free(r);
}

/* Starts what may start now; returns the seconds until the next start could
 * happen, or a negative number when nothing is waiting on time. */
static double start_ready(http_client *c, double now)
{
	while (c->waiting && c->waiting->not_before <= now) {
		http_request *r = c->waiting;
		c->waiting = r->next;
		enqueue(c, r, true);
	}
	double next = c->waiting ? c->waiting->not_before - now : -1;
	while (c->queue_head && c->running < (size_t)c->o.concurrency) {
		double wait = 0;
		if (c->paused_until > now)
			wait = c->paused_until - now;
		else if (!token_bucket_take(&c->bucket, now, &wait))
			;
		else {
			http_request *r = c->queue_head;
			c->queue_head = r->next;
			if (!c->queue_head)
				c->queue_tail = NULL;
			if (!start(c, r, now)) {
				snprintf(r->errbuf, sizeof r->errbuf, "cannot start a transfer");
				r->res.error = r->errbuf;
				r->res.error_kind = HTTP_ERR_REQUEST;
				r->res.outcome = HTTP_OUTCOME_FATAL;
				c->pending--;
				if (r->done)
					r->done(c, r, &r->res, r->ctx);
				request_free(r);
			}
			continue;
		}
		if (next < 0 || wait < next)
			next = wait;
		break;
	}
	return next;
}

/* Hands each finished transfer to finish(); true when there was one. */
static bool collect(http_client *c)
{
	CURLMsg *m;
	int left;
	bool finished = false;
	while (!c->stopping && (m = curl_multi_info_read(c->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		char *priv;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
		finish(c, (http_request *)priv, m->data.result, progress_now());
		finished = true;
	}
	return finished;
}

/* The feed's fd in the epoll set while the loop would call feed, out of it
 * otherwise (fd -1): a readable fd the feed cannot serve would spin the loop.
 * Only a change costs a system call. */
static void watch_feed_fd(http_client *c, int fd)
{
	if (fd == c->watched_fd)
		return;
	if (c->watched_fd >= 0)
		epoll_set_remove(&c->set, c->watched_fd);
	c->watched_fd = fd >= 0 && epoll_set_watch(&c->set, fd, EPOLLIN) ? fd : -1;
}

/* Waits up to timeout_ms for libcurl's sockets, a wakeup or the feed's fd,
 * and lets libcurl act on what is ready. */
static bool wait_and_drive(http_client *c, int timeout_ms)
{
	struct epoll_event ev[MAX_EVENTS];
	int n = epoll_wait(c->set.fd, ev, MAX_EVENTS, timeout_ms);
	if (n < 0)
		return errno == EINTR;
	int still;
	for (int i = 0; i < n; i++) {
		int fd = ev[i].data.fd;
		if (fd == c->wake_fd) {
			uint64_t v;
			(void)!read(c->wake_fd, &v, sizeof v);
			continue;
		}
		if (fd == c->watched_fd || epoll_set_stray(&c->set, fd))
			continue; /* the feed's (it runs next), or a socket libcurl no longer waits on */
		int what = (ev[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) | (ev[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
			   (ev[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
		if (curl_multi_socket_action(c->multi, fd, what, &still) != CURLM_OK)
			return false;
	}
	return true;
}

bool http_client_run(http_client *c, http_feed_fn feed, void *ctx)
{
	bool feeding = feed != NULL;
	c->stopping = false;
	for (;;) {
		size_t want = (size_t)c->o.concurrency * 2;
		if (feeding && c->pending < want)
			feeding = feed(c, want - c->pending, ctx);
		double next = start_ready(c, progress_now());
		int still;
		if (c->timer_at >= 0 && c->timer_at <= progress_now()) {
			c->timer_at = -1;
			if (curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &still) != CURLM_OK)
				return false;
		}
		bool finished = collect(c);
		if (c->stopping || (!feeding && c->pending == 0))
			return true;
		if (finished)
			continue; /* callbacks may have queued work: start it before sleeping */
		/* The feed's own fd and clock count only while feed would be
		 * called: a readable fd it cannot serve would spin the loop. */
		bool fed = feeding && c->pending < want;
		int timeout_ms = fed ? c->feed_wait_ms : IDLE_POLL_MS;
		if (next >= 0 && next * 1000 < timeout_ms)
			timeout_ms = (int)(next * 1000) + 1;
		if (c->timer_at >= 0) {
			double t = ceil((c->timer_at - progress_now()) * 1000);
			if (t < timeout_ms)
				timeout_ms = t > 0 ? (int)t : 0;
		}
		watch_feed_fd(c, fed ? c->feed_fd : -1);
		if (!wait_and_drive(c, timeout_ms))
			return false;
	}
}

static void free_list(http_request *r)
{
	while (r) {
		http_request *next = r->next;
		request_free(r);
		r = next;
	}
}

void http_client_stop(http_client *c)
{
	c->stopping = true;
}

void http_client_free(http_client *c)
{
	if (!c)
		return;
	for (http_request *r = c->inflight; r; r = r->next)
		curl_multi_remove_handle(c->multi, r->easy);
	free_list(c->inflight);
	free_list(c->queue_head);
	free_list(c->waiting);
	while (c->nidle)
		curl_easy_cleanup(c->idle[--c->nidle]);
	free(c->idle);
	curl_multi_cleanup(c->multi); /* may still name sockets to forget: the epoll set goes after */
	epoll_set_free(&c->set);
	close(c->wake_fd);
	curl_slist_free_all(c->defaults);
	free(c->user_agent);
	free(c->cacert);
	free(c->unix_socket);
	free(c);
	curl_global_cleanup();
}

const char *http_unix_socket_path(const char *spec)
{
	return spec && strncmp(spec, "unix:", 5) == 0 && spec[5] ? spec + 5 : NULL;
}

bool http_url_plain_remote(const char *url)
{
	if (strncasecmp(url, "http://", 7) != 0)
		return false;
	const char *host = url + 7, *at = NULL;
	size_t n = strcspn(host, "/?#");
	for (const char *p = host; p < host + n; p++)
		if (*p == '@')
			at = p;
	if (at) { /* user:password@ */
		n -= (size_t)(at + 1 - host);
		host = at + 1;
	}
	if (*host == '[')
		return !(n >= 5 && strncmp(host, "[::1]", 5) == 0);
	size_t hl = strcspn(host, ":/?#");
	if (hl > n)
		hl = n;
	if (hl == 9 && strncasecmp(host, "localhost", 9) == 0)
		return false;
	return !(hl >= 4 && strncmp(host, "127.", 4) == 0 && strspn(host, "0123456789.") == hl);
}

bool http_url_credentials_allowed(const char *url, const char *what)
{
	if (!http_url_plain_remote(url))
		return true;
	const char *allow = getenv("VTEX_PIPES_ALLOW_PLAIN_HTTP");
	if (allow && strcmp(allow, "1") == 0) {
		log_warn("plain http:// to a host other than the loopback: credentials cross the network "
			 "in clear (allowed by VTEX_PIPES_ALLOW_PLAIN_HTTP=1)", LS("setting", what), LS("url", url));
		return true;
	}
	log_error("plain http:// to a host other than the loopback would send credentials in clear; "
		  "use https:// (or VTEX_PIPES_ALLOW_PLAIN_HTTP=1)", LS("setting", what), LS("url", url));
	return false;
}

bool http_header_is_secret(const char *name, size_t len)
{
	static const char *const exact[] = { "authorization", "proxy-authorization", "cookie" };
	static const char *const parts[] = { "token", "secret", "password", "apikey", "api-key" };
	char low[128];
	if (len >= sizeof low)
		return true; /* no honest header name is that long */
	for (size_t i = 0; i < len; i++)
		low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	low[len] = '\0';
	for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
		if (strcmp(low, exact[i]) == 0)
			return true;
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		if (strstr(low, parts[i]))
			return true;
	return false;
}
