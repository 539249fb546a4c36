#include "sched.h"
#include "http_ratelimit.h"
#include "http_retry.h"
#include "log.h"
#include "metrics.h"
#include "progress.h"
#include "vtex_api.h"

#include <curl/curl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

enum { MAX_ENDPOINTS = 64, STATUS_503_RETRY_AFTER = 5 };

static const char *const prio_names[GW__PRIORITIES] = { "realtime", "batch", "backfill" };
/* The weighted share (see sched.h): a cycle of 10 starts. */
static const int share[10] = { GW_REALTIME, GW_REALTIME, GW_REALTIME, GW_REALTIME, GW_REALTIME,
			       GW_REALTIME, GW_REALTIME, GW_BATCH, GW_BATCH, GW_BACKFILL };

const char *gw_priority_name(int p)
{
	return p >= 0 && p < GW__PRIORITIES ? prio_names[p] : "batch";
}

int gw_priority_parse(const char *s)
{
	for (int p = 0; p < GW__PRIORITIES; p++)
		if (strcasecmp(s, prio_names[p]) == 0)
			return p;
	return -1;
}

struct endpoint {
	char key[160];
	token_bucket b;
};

/* A class's state, shared by the loops under its lock. */
typedef struct klass {
	gw_sched *s;
	int id;
	gw_class_cfg cfg;
	pthread_mutex_t lock;
	gw_job *head[GW__PRIORITIES], *tail[GW__PRIORITIES];
	size_t queued[GW__PRIORITIES];
	gw_job *retry; /* sorted by not_before */
	unsigned cycle;
	size_t inflight; /* attempts at VTEX */
	token_bucket bucket;
	struct endpoint eps[MAX_ENDPOINTS];
	size_t neps;
	double paused_until, win_start, used;
	uint64_t rng;
	metric *m_queued[GW__PRIORITIES], *m_wait[GW__PRIORITIES], *m_used, *m_left, *m_window, *m_throttled,
		*m_retries, *m_upstream;
} klass;

/* A thread: its callers (serve) and its libcurl multi client, where it
 * starts whatever class's queued jobs it finds room for. */
typedef struct loop {
	gw_sched *s;
	http_client *hc;
	gw_serve_fn serve;
	void *serve_ctx;
	pthread_t thread;
	bool started;
} loop;

struct gw_sched {
	gw_sched_cfg cfg;
	klass cls[GW__CLASSES];
	loop *loops;
	unsigned nloops;
	atomic_bool stopping;
};


/* At most n starts in any window of w seconds: see sched.h. */
static void bucket_for(token_bucket *b, double n, double w, double now)
{
	double burst = n / w / 10 < 1 ? 1 : floor(n / w / 10); /* a tenth of a second's worth */
	if (burst > n - 1 && n >= 2)
		burst = floor(n / 2);
	double rate = (n - burst) / w;
	token_bucket_init(b, rate > 0 ? rate : n / w, burst, now);
}

void gw_job_free(gw_job *j)
{
	if (!j)
		return;
	free(j->method);
	free(j->url);
	curl_slist_free_all(j->headers);
	buf_free(&j->body);
	buf_free(&j->resp_body);
	buf_free(&j->resp_headers);
	free(j);
}

/* The series of answers by class, priority and status, cached: the registry
 * lookup (a lock and a walk) would cost more than the rest of an answer. */
static _Atomic(metric *) answer_series[GW__CLASSES][GW__PRIORITIES][600];

static metric *answers(int cls, int prio, int status)
{
	_Atomic(metric *) *slot = status >= 0 && status < 600 ? &answer_series[cls][prio][status] : NULL;
	metric *m = slot ? atomic_load_explicit(slot, memory_order_acquire) : NULL;
	if (m)
		return m;
	char labels[96];
	snprintf(labels, sizeof labels, "class=\"%s\",priority=\"%s\",code=\"%d\"", gw_class_name(cls),
		 gw_priority_name(prio), status);
	m = metrics_counter("vtex_pipes_gateway_requests_total", "Requests answered to callers, by class, priority and status.",
			    labels);
	if (slot)
		atomic_store_explicit(slot, m, memory_order_release);
	return m;
}

/* The loop running on this thread. */
static _Thread_local loop *this_loop;

/* Hands j back to its caller, and wakes the loop that read it when that is
 * another: libmicrohttpd's own wakeup of a daemon resumed from another
 * thread left answers waiting for that loop's next turn, up to a second. */
static void finish(gw_job *j, int status)
{
	loop *home = j->home; /* j may be gone once done returns */
	j->status = status;
	metric_add(answers(j->cls, j->prio, status), 1);
	j->done(j->ctx);
	if (home != this_loop)
		http_client_wakeup(home->hc);
}

static void answer_unavailable(gw_job *j, unsigned retry_after)
{
	j->resp_body.len = 0;
	j->resp_headers.len = 0;
	buf_printf(&j->resp_headers, "Retry-After: %u\r\n", retry_after);
	buf_puts(&j->resp_body, "{\"error\":{\"code\":\"503\",\"message\":\"vtex-gateway: not now, try again\",\"exception\":null}}");
	finish(j, 503);
}

/* Response headers that describe the content, not the hop, go back to the caller. */
static void pass_headers(gw_job *j, const buf *h)
{
	static const char *const hop[] = { "connection", "keep-alive", "transfer-encoding", "content-length",
					   "content-encoding", "date", "server", "set-cookie", "retry-after" };
	const char *p = h->data, *end = p + h->len;
	while (p && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *colon = memchr(p, ':', (size_t)(eol - p));
		bool keep = colon && strncmp(p, "HTTP/", 5) != 0;
		for (size_t i = 0; keep && i < sizeof hop / sizeof *hop; i++)
			if ((size_t)(colon - p) == strlen(hop[i]) && strncasecmp(p, hop[i], strlen(hop[i])) == 0)
				keep = false;
		if (keep) {
			size_t n = (size_t)(eol - p);
			while (n && (p[n - 1] == '\r' || p[n - 1] == '\n'))
				n--;
			buf_put(&j->resp_headers, p, n);
			buf_puts(&j->resp_headers, "\r\n");
		}
		p = eol + 1;
	}
}

static void retry_insert(klass *k, gw_job *j)
{
	gw_job **pp = &k->retry;
	while (*pp && (*pp)->not_before <= j->not_before)
		pp = &(*pp)->next;
	j->next = *pp;
	*pp = j;
}

static void attempt_done(http_client *c, http_request *req, http_response *res, void *ctx)
{
	gw_job *j = ctx;
	klass *k = j->owner;
	double now = progress_now();
	(void)c;
	(void)req;
	j->attempts++;
	j->upstream_s += res->seconds;
	metric_observe(k->m_upstream, res->seconds);
	bool retryable = res->outcome == HTTP_OUTCOME_GAVE_UP;
	bool retry = retryable && j->attempts < k->s->cfg.retry.max_attempts && !atomic_load(&k->s->stopping);
	double ra = -1;
	if (res->status == 429) {
		char v[128];
		if (!http_response_header(res, "Retry-After", v, sizeof v) || !http_parse_retry_after(v, time(NULL), &ra))
			ra = k->cfg.pause;
		if (ra > k->s->cfg.retry.retry_after_max_s)
			ra = k->s->cfg.retry.retry_after_max_s;
		metric_add(k->m_throttled, 1);
	}
	pthread_mutex_lock(&k->lock);
	k->inflight--;
	bool fresh = res->status == 429 && k->paused_until <= now;
	if (res->status == 429 && now + ra > k->paused_until)
		k->paused_until = now + ra;
	if (retry) {
		j->not_before = now + http_retry_wait(&k->s->cfg.retry, j->attempts, http_jitter_u(&k->rng), ra);
		retry_insert(k, j);
	}
	pthread_mutex_unlock(&k->lock);
	if (fresh)
		log_warn("VTEX throttled the class: paused for every caller", LS("class", gw_class_name(k->id)),
			 LD("seconds", ra));
	if (retry) {
		metric_add(k->m_retries, 1);
		return;
	}
	if (res->status == 429) { /* never a 429 to a caller: the pause is the gateway's */
		answer_unavailable(j, (unsigned)ceil(ra > 1 ? ra : 1));
		return;
	}
	if (res->outcome != HTTP_OUTCOME_OK && res->status == 0) {
		log_warn("VTEX unreachable", LS("class", gw_class_name(k->id)), LS("error", res->error ? res->error : ""),
			 LI("attempts", j->attempts));
		answer_unavailable(j, STATUS_503_RETRY_AFTER);
		return;
	}
	j->resp_body = res->body; /* moved: the client frees an empty buf */
	res->body = (buf){ 0 };
	pass_headers(j, &res->headers);
	finish(j, (int)res->status);
}

static void start(klass *k, loop *l, gw_job *j, double now)
{
	http_request *r = http_request_new(j->method, j->url);
	for (struct curl_slist *h = j->headers; h; h = h->next)
		http_request_header(r, h->data);
	if (j->has_body)
		http_request_body(r, j->body.data, j->body.len);
	http_request_on_done(r, attempt_done, j);
	http_request_label(r, gw_class_name(k->id));
	if (j->attempts == 0) {
		j->queued_s = now - j->enqueued;
		metric_observe(k->m_wait[j->prio], j->queued_s);
	}
	k->used++;
	k->inflight++;
	http_submit(l->hc, r);
}

/* The priority whose turn it is (sched.h), or -1 when nothing waits. */
static int pick(klass *k)
{
	int p = share[k->cycle % 10];
	if (k->head[p])
		return p;
	for (p = 0; p < GW__PRIORITIES; p++)
		if (k->head[p])
			return p;
	return -1;
}

static gw_job *pop(klass *k, int p)
{
	gw_job *j = k->head[p];
	k->head[p] = j->next;
	if (!k->head[p])
		k->tail[p] = NULL;
	k->queued[p]--;
	j->next = NULL;
	return j;
}

static void push(klass *k, gw_job *j, bool front)
{
	int p = j->prio;
	j->next = NULL;
	if (!k->head[p]) {
		k->head[p] = k->tail[p] = j;
	} else if (front) {
		j->next = k->head[p];
		k->head[p] = j;
	} else {
		k->tail[p]->next = j;
		k->tail[p] = j;
	}
	k->queued[p]++;
}

static token_bucket *endpoint_bucket(klass *k, const char *key, double now)
{
	for (size_t i = 0; i < k->neps; i++)
		if (strcmp(k->eps[i].key, key) == 0)
			return &k->eps[i].b;
	if (k->neps == MAX_ENDPOINTS)
		return NULL; /* more endpoints than a store has: the class budget still holds */
	struct endpoint *e = &k->eps[k->neps++];
	snprintf(e->key, sizeof e->key, "%s", key);
	bucket_for(&e->b, k->cfg.endpoint_budget, k->cfg.window, now);
	return &e->b;
}

/* Queues add (when not NULL), then starts on l what the class's budget,
 * cap and pause allow; returns the seconds until it may start more (at most
 * 1). Under one lock, so that a request the class may start at once starts
 * on the loop that read it: another loop starting it would have to wake
 * that one to answer it. */
static double serve_class(klass *k, loop *l, double now, bool stopping, gw_job *add)
{
	gw_job *refused = NULL;
	double wait = 1;
	pthread_mutex_lock(&k->lock);
	if (add)
		push(k, add, false);
	for (int p = 0; p < GW__PRIORITIES; p++)
		while (k->head[p] && (stopping || now - k->head[p]->enqueued > k->s->cfg.max_queue_s)) {
			gw_job *j = pop(k, p);
			j->next = refused;
			refused = j;
		}
	while (k->retry && (stopping || k->retry->not_before <= now)) {
		gw_job *j = k->retry;
		k->retry = j->next;
		if (stopping) {
			j->next = refused;
			refused = j;
		} else {
			push(k, j, true);
		}
	}
	if (k->retry && k->retry->not_before - now < wait)
		wait = k->retry->not_before - now;
	if (now >= k->win_start + k->cfg.window) {
		k->win_start = now - fmod(now - k->win_start, k->cfg.window);
		k->used = 0;
	}
	while (!stopping && k->inflight < k->cfg.concurrency) {
		int p = pick(k);
		if (p < 0)
			break;
		if (k->paused_until > now) {
			if (k->paused_until - now < wait)
				wait = k->paused_until - now;
			break;
		}
		double w = 0;
		token_bucket *eb = k->cfg.endpoint_budget > 0 ? endpoint_bucket(k, k->head[p]->endpoint, now) : NULL;
		if (eb && !token_bucket_take(eb, now, &w)) {
			if (w < wait)
				wait = w;
			break;
		}
		if (k->cfg.budget > 0 && !token_bucket_take(&k->bucket, now, &w)) {
			if (eb)
				eb->tokens += 1; /* not started: the endpoint keeps its token */
			if (w < wait)
				wait = w;
			break;
		}
		k->cycle++;
		start(k, l, pop(k, p), now);
	}
	for (int p = 0; p < GW__PRIORITIES; p++)
		metric_set(k->m_queued[p], (double)k->queued[p]);
	if (k->m_used) {
		metric_set(k->m_used, k->used);
		metric_set(k->m_left, k->used < k->cfg.budget ? k->cfg.budget - k->used : 0);
	}
	pthread_mutex_unlock(&k->lock);
	while (refused) {
		gw_job *j = refused;
		refused = j->next;
		if (!stopping)
			log_warn("request waited too long in the queue", LS("class", gw_class_name(k->id)),
				 LS("priority", gw_priority_name(j->prio)));
		answer_unavailable(j, STATUS_503_RETRY_AFTER);
	}
	return wait;
}

/* A loop's feed: its callers first (their new requests are queued), then
 * every class's queues. */
static bool feed(http_client *c, size_t room, void *ctx)
{
	loop *l = ctx;
	int fd = -1, serve_ms = l->serve(l->serve_ctx, &fd);
	bool stopping = atomic_load(&l->s->stopping);
	double now = progress_now(), wait = 1;
	(void)room;
	for (int i = 0; i < GW__CLASSES; i++) {
		double w = serve_class(&l->s->cls[i], l, now, stopping, NULL);
		if (w < wait)
			wait = w;
	}
	int wait_ms = (int)(wait * 1000) + 1;
	http_client_feed_wait(c, fd, serve_ms < wait_ms ? serve_ms : wait_ms);
	return !stopping;
}

static void *run(void *arg)
{
	loop *l = arg;
	this_loop = l;
	if (!http_client_run(l->hc, feed, l))
		log_error("libcurl's multi interface failed");
	return NULL;
}

static void class_metrics(klass *k)
{
	char l[96];
	const char *name = gw_class_name(k->id);
	for (int p = 0; p < GW__PRIORITIES; p++) {
		snprintf(l, sizeof l, "class=\"%s\",priority=\"%s\"", name, prio_names[p]);
		k->m_queued[p] = metrics_gauge("vtex_pipes_gateway_queued_requests", "Requests waiting, by class and priority.", l);
		k->m_wait[p] = metrics_histogram("vtex_pipes_gateway_queue_wait_seconds",
						 "Time from arrival to the first attempt, by class and priority.", l,
						 metrics_latency_buckets, metrics_latency_nbuckets);
	}
	snprintf(l, sizeof l, "class=\"%s\"", name);
	if (k->cfg.budget > 0) {
		k->m_used = metrics_gauge("vtex_pipes_gateway_budget_used_requests",
					  "Requests started in the class's current budget window.", l);
		k->m_left = metrics_gauge("vtex_pipes_gateway_budget_left_requests",
					  "Requests the class's current budget window has left.", l);
		k->m_window = metrics_gauge("vtex_pipes_gateway_budget_window_seconds", "The class's budget window.", l);
		metric_set(k->m_window, k->cfg.window);
		metric_set(k->m_left, k->cfg.budget);
	}
	k->m_throttled = metrics_counter("vtex_pipes_gateway_throttled_total", "429 answers from VTEX, by class.", l);
	k->m_retries = metrics_counter("vtex_pipes_gateway_retries_total", "Attempts sent again, by class.", l);
	k->m_upstream = metrics_histogram("vtex_pipes_gateway_upstream_seconds", "Duration of attempts at VTEX, by class.", l,
					  metrics_latency_buckets, metrics_latency_nbuckets);
}

gw_sched *gw_sched_new(const gw_sched_cfg *cfg, unsigned loops, const char **why, const char **hint)
{
	gw_sched *s = xcalloc(1, sizeof *s);
	s->cfg = *cfg;
	double now = progress_now();
	http_options o;
	http_options_default(&o);
	o.cacert = cfg->cacert;
	o.concurrency = 0;
	o.timeout_s = cfg->timeout_s;
	o.connect_timeout_s = cfg->connect_timeout_s;
	o.retry.max_attempts = 1; /* the scheduler retries, through the budget */
	o.pause_on_429 = false;   /* the scheduler pauses the class */
	for (int c = 0; c < GW__CLASSES; c++) {
		klass *k = &s->cls[c];
		k->s = s;
		k->id = c;
		k->cfg = cfg->cls[c];
		k->win_start = now;
		k->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(c + 1) * 0x9E3779B97F4A7C15ULL;
		pthread_mutex_init(&k->lock, NULL);
		if (k->cfg.budget > 0)
			bucket_for(&k->bucket, k->cfg.budget, k->cfg.window, now);
		o.concurrency += (int)k->cfg.concurrency; /* each class keeps to its own cap */
	}
	s->nloops = loops;
	s->loops = xcalloc(loops, sizeof *s->loops);
	for (unsigned i = 0; i < loops; i++) {
		loop *l = &s->loops[i];
		l->s = s;
		l->hc = http_client_new(&o);
		if (!vtex_add_credentials(l->hc, why, hint)) {
			gw_sched_stop(s);
			return NULL;
		}
	}
	for (int c = 0; c < GW__CLASSES; c++)
		class_metrics(&s->cls[c]);
	return s;
}

void gw_sched_start(gw_sched *s, unsigned i, gw_serve_fn serve, void *ctx)
{
	loop *l = &s->loops[i];
	l->serve = serve;
	l->serve_ctx = ctx;
	l->started = true;
	pthread_create(&l->thread, NULL, run, l);
}

void gw_sched_submit(gw_sched *s, gw_job *j)
{
	klass *k = &s->cls[j->cls];
	j->owner = k;
	j->home = this_loop;
	if (atomic_load(&s->stopping)) {
		answer_unavailable(j, STATUS_503_RETRY_AFTER);
		return;
	}
	j->enqueued = progress_now();
	serve_class(k, this_loop, j->enqueued, false, j);
}

void gw_sched_stop(gw_sched *s)
{
	if (!s)
		return;
	atomic_store(&s->stopping, true);
	for (unsigned i = 0; i < s->nloops; i++)
		if (s->loops[i].started)
			http_client_wakeup(s->loops[i].hc);
	for (unsigned i = 0; i < s->nloops; i++)
		if (s->loops[i].started)
			pthread_join(s->loops[i].thread, NULL);
}

void gw_sched_free(gw_sched *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->nloops; i++) /* after every join: a loop may wake another till its end */
		http_client_free(s->loops[i].hc);
	for (int c = 0; c < GW__CLASSES; c++)
		pthread_mutex_destroy(&s->cls[c].lock);
	free(s->loops);
	free(s);
}
