#include "feed.h"
#include "cli.h"
#include "exitcode.h"
#include "log.h"
#include "metrics.h"
#include "responses.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* VTEX's largest lot; handles named by one commit (VTEX states no limit: a
 * handle is about 1.5 KB, so a commit body stays near 150 KB). */
enum { MAXLOT = 10, COMMIT_MAX = 100 };
/* Warn when the oldest handle not yet committed has been out this share of
 * the visibility timeout: past it, VTEX hands the event out again. */
#define SLOW_SHARE 0.8

/* Handles in the order their events were written. */
typedef struct batch {
	char **h;
	size_t n, cap;
	double first_at; /* when the oldest was read: its visibility clock runs from there */
	struct batch *next;
} batch;

typedef struct {
	batch *head, *tail;
} batch_list;

typedef enum { STARTING, RUNNING, DRAINING, COMMITTING } phase;

typedef struct {
	fetch *f;
	const feed_options *o;
	ack_source *ack;
	const char *account, *key;
	long visibility_s;
	phase phase;
	double stop_at, drain_since, next_get, last_slow_warn;
	bool request_out;       /* the config GET or a lot GET is in flight */
	bool abandoned;         /* ... and its answer is to be ignored (the run is ending) */
	struct commit_req *commit_out; /* the commit in flight */
	batch *open;            /* with --ack-from: handles written since the last barrier */
	batch_list sent;        /* given to barriers, not acknowledged yet */
	batch_list to_commit;
	size_t commit_off;      /* handles of to_commit.head already in a commit */
	metric *m_events, *m_lots[3], *m_committed, *m_commit_failures;
} reader;

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static batch *batch_new(double now)
{
	batch *b = xcalloc(1, sizeof *b);
	b->first_at = now;
	return b;
}

static void batch_add(batch *b, char *handle)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 16;
		b->h = xrealloc(b->h, b->cap * sizeof *b->h);
	}
	b->h[b->n++] = handle;
}

static void batch_free(batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->h[i]);
	free(b->h);
	free(b);
}

static void list_push(batch_list *l, batch *b)
{
	b->next = NULL;
	if (l->tail)
		l->tail->next = b;
	else
		l->head = b;
	l->tail = b;
}

static batch *list_pop(batch_list *l)
{
	batch *b = l->head;
	if (b && !(l->head = b->next))
		l->tail = NULL;
	return b;
}

static void list_free(batch_list *l)
{
	batch *b;
	while ((b = list_pop(l)))
		batch_free(b);
}

static size_t list_handles(const batch_list *l)
{
	size_t n = 0;
	for (const batch *b = l->head; b; b = b->next)
		n += b->n;
	return n;
}

/* ---- commits ---- */

typedef struct commit_req {
	reader *r;
	batch *b;
} commit_req;

static void committed(http_client *c, http_request *req, http_response *res, void *ctx)
{
	(void)c;
	commit_req *cr = ctx;
	reader *r = cr->r;
	const char *why;
	fetch_status st = fetch_classify(r->f, req, res, NULL, &why);
	r->commit_out = NULL;
	if (st == FETCH_OK) {
		metric_add(r->m_committed, (double)cr->b->n);
		log_debug("feed handles committed", LI("handles", cr->b->n));
	} else if (st != FETCH_STOPPED) {
		/* Not fatal: VTEX hands the events out again after the visibility
		 * timeout, and the pipe's sinks absorb the duplicates. */
		metric_add(r->m_commit_failures, 1);
		log_warn("feed commit failed: these events come back after the visibility timeout",
			 LI("handles", cr->b->n), LS("reason", why ? why : "failed"), LI("status", res->status));
	}
	batch_free(cr->b);
	free(cr);
}

/* One POST /api/orders/feed with the oldest handles to commit, at most
 * COMMIT_MAX of them. */
static void submit_commit(reader *r)
{
	batch *b = batch_new(0);
	while (r->to_commit.head && b->n < COMMIT_MAX) {
		batch *h = r->to_commit.head;
		while (r->commit_off < h->n && b->n < COMMIT_MAX)
			batch_add(b, h->h[r->commit_off++]);
		if (r->commit_off == h->n) {
			list_pop(&r->to_commit);
			h->n = 0; /* its handles moved to b */
			batch_free(h);
			r->commit_off = 0;
		}
	}
	if (!b->n) {
		batch_free(b);
		return;
	}
	buf body = { 0 };
	buf_puts(&body, "{\"handles\":[");
	for (size_t i = 0; i < b->n; i++) {
		if (i)
			buf_putc(&body, ',');
		buf_json_string(&body, b->h[i], strlen(b->h[i]));
	}
	buf_puts(&body, "]}");
	http_request *req = fetch_post(r->f, "/api/orders/feed", &body);
	buf_free(&body);
	http_request_label(req, "feed-commit");
	commit_req *cr = xmalloc(sizeof *cr);
	*cr = (commit_req){ r, b };
	http_request_on_done(req, committed, cr);
	r->commit_out = cr;
	http_submit(r->f->http, req);
}

/* ---- barriers ---- */

static void emit_barrier(reader *r, double now)
{
	batch *b = r->open ? r->open : batch_new(now);
	r->open = NULL;
	char commit[48];
	snprintf(commit, sizeof commit, "{\"handles\":%zu}", b->n);
	list_push(&r->sent, b);
	ack_source_emit(r->ack, r->f->out, commit, b);
}

/* A barrier came back: its handles may be committed. Barriers come back
 * oldest first, so it is the head of the sent list. */
static void acknowledged(void *user, unsigned long long seq, void *ctx)
{
	(void)seq;
	reader *r = user;
	batch *b = ctx;
	list_pop(&r->sent); /* b */
	if (b->n)
		list_push(&r->to_commit, b);
	else
		batch_free(b);
}

/* ---- the end ---- */

/* Stops reading: the last barrier, standard output closed (so the pipe
 * drains and its sink acknowledges), then the acknowledgements are awaited
 * and the handles committed. */
static void begin_drain(reader *r, double now, int code)
{
	if (r->phase >= DRAINING)
		return;
	fetch_note_exit(r->f, code);
	r->phase = DRAINING;
	r->drain_since = now;
	r->abandoned = r->request_out;
	if (r->abandoned)
		log_info("a lot still in flight at the end is not written: its events come back after the "
			 "visibility timeout");
	/* (A run that wrote nothing, e.g. refused at start, has nothing to wait for.) */
	if (r->ack && (r->f->records || ack_source_pending(r->ack)))
		emit_barrier(r, now);
	ndjson_writer_flush(r->f->out);
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDOUT_FILENO);
		close(null);
	}
}

static void settle_drain(reader *r, double now)
{
	if (r->phase != DRAINING)
		return;
	size_t pending = r->ack ? ack_source_pending(r->ack) : 0;
	if (pending && ack_source_waiting(r->ack, r->drain_since, r->o->ack_timeout_s, now))
		return;
	if (pending)
		log_warn("no acknowledgement for --ack-timeout: those events are not committed and come back "
			 "after the visibility timeout",
			 LI("barriers", pending), LI("handles", list_handles(&r->sent)));
	r->phase = COMMITTING;
}

/* ---- lots ---- */

static void take_item(void *ctx, const cJSON *item, const char *handle)
{
	reader *r = ctx;
	fetch *f = r->f;
	metric_add(r->m_events, 1);
	/* Every event is written, even one the flow will ignore: each handle
	 * must be committed, and only what was written is. */
	if (resp_feed_hook_line(ndjson_line_buf(f->out), item, r->account, r->key)) {
		fetch_end_record(f);
		if (r->ack)
			ack_source_record(r->ack);
	} else {
		log_warn("feed event that is not a JSON object, not written");
	}
	if (!handle) {
		log_warn("feed event without a handle: it cannot be committed and comes back after the "
			 "visibility timeout");
		return;
	}
	/* With acknowledgements the handle waits for the next barrier; without,
	 * it joins its lot's batch, committed once the lot is out. */
	batch *b = r->to_commit.tail;
	if (r->ack) {
		if (!r->open)
			r->open = batch_new(progress_now());
		b = r->open;
	}
	batch_add(b, xstrdup(handle));
}

/* True when a feed answer is a success; otherwise logs why and begins the
 * drain with the exit status it calls for (404: no feed configured, 78). */
static bool answer_ok(reader *r, fetch_status st, const http_response *res, const char *why, const char *what,
		     double now)
{
	if (st == FETCH_NOT_FOUND) {
		log_error("no order feed is configured for this app key (HTTP 404)",
			  LS("hint", "run `vtex-fetch feed --configure` once (vtex-fetch(1), feed)"));
		begin_drain(r, now, VP_EXIT_CONFIG);
		return false;
	}
	if (st != FETCH_OK) {
		log_error(what, LS("reason", why ? why : "failed"), LI("status", res->status));
		begin_drain(r, now, st == FETCH_TEMPORARY ? VP_EXIT_TEMPFAIL : VP_EXIT_UNAVAILABLE);
		return false;
	}
	return true;
}

static void lot_done(http_client *c, http_request *req, http_response *res, void *ctx)
{
	(void)c;
	reader *r = ctx;
	fetch *f = r->f;
	cJSON *json;
	const char *why;
	fetch_status st = fetch_classify(f, req, res, &json, &why);
	r->request_out = false;
	double now = progress_now();
	if (r->abandoned || st == FETCH_STOPPED) {
		cJSON_Delete(json);
		return;
	}
	if (answer_ok(r, st, res, why, "cannot read the order feed", now)) {
		int n = cJSON_GetArraySize(json);
		/* Without acknowledgements a lot is committed once it is out. */
		if (!r->ack)
			list_push(&r->to_commit, batch_new(now));
		if (!resp_feed_lot(json, take_item, r)) {
			log_error("the order feed answered something that is not a lot (a JSON array)");
			begin_drain(r, now, VP_EXIT_UNAVAILABLE);
		} else {
			metric_add(r->m_lots[n == 0 ? 0 : n < MAXLOT ? 1 : 2], 1);
			r->next_get = n == 0 ? now + r->o->poll_ms / 1000 : now;
			if (!r->ack)
				ndjson_writer_flush(f->out);
		}
	}
	cJSON_Delete(json);
}

static void submit_lot(reader *r)
{
	http_request *req = fetch_get(r->f, "/api/orders/feed?maxlot=10");
	http_request_label(req, "feed");
	http_request_on_done(req, lot_done, r);
	r->request_out = true;
	http_submit(r->f->http, req);
}

/* The configuration says how long a handed-out event stays invisible; a
 * 404 says there is none. */
static void config_done(http_client *c, http_request *req, http_response *res, void *ctx)
{
	(void)c;
	reader *r = ctx;
	cJSON *json;
	const char *why;
	fetch_status st = fetch_classify(r->f, req, res, &json, &why);
	r->request_out = false;
	double now = progress_now();
	if (r->abandoned || st == FETCH_STOPPED) {
		cJSON_Delete(json);
		return;
	}
	if (answer_ok(r, st, res, why, "cannot read the order feed's configuration", now)) {
		long v = resp_feed_visibility(json);
		if (v > 0)
			r->visibility_s = v;
		else
			log_warn("the feed configuration does not say its visibility timeout; assuming VTEX's 250 s");
		log_info("reading the order feed", LI("visibility_timeout_s", r->visibility_s),
			 LS("acknowledgements", r->ack ? r->o->ack_from : "none: each lot is committed once written"));
		r->phase = RUNNING;
	}
	cJSON_Delete(json);
}

/* ---- the loop ---- */

static double oldest_uncommitted(const reader *r)
{
	if (r->to_commit.head)
		return r->to_commit.head->first_at;
	if (r->sent.head)
		return r->sent.head->first_at;
	return r->open ? r->open->first_at : -1;
}

static void check_slow(reader *r, double now)
{
	double since = oldest_uncommitted(r);
	if (since < 0 || now - since < SLOW_SHARE * r->visibility_s || now - r->last_slow_warn < 60)
		return;
	r->last_slow_warn = now;
	log_warn("feed events are not committed yet close to the visibility timeout: VTEX hands them out "
		 "again past it (duplicates downstream); is the pipe or its acknowledgement slow?",
		 LD("oldest_s", now - since), LI("visibility_timeout_s", r->visibility_s));
}

/* Whether acknowledgements wait on the FIFO. ack_source_take is called only
 * then: before its first byte it hands memmove a NULL buffer, which UBSan
 * reports (lib/barrier.c). */
static bool ack_waiting(const reader *r)
{
	struct pollfd p = { .fd = ack_source_fd(r->ack), .events = POLLIN };
	return poll(&p, 1, 0) > 0;
}

static int ms_until(double t, double now)
{
	return t <= now ? 0 : (int)((t - now) * 1000) + 1;
}

static bool tick(http_client *c, size_t room, void *ctx)
{
	(void)room;
	reader *r = ctx;
	double now = progress_now();
	/* Stopping: no new request; the one in flight (its events written) is
	 * waited for up to --ack-timeout, then left to come back. */
	if (stop_signal && r->phase < DRAINING) {
		if (!r->stop_at) {
			log_info("stopping", LS("signal", stop_signal == SIGINT ? "SIGINT" : "SIGTERM"));
			r->stop_at = now;
		}
		if (!r->request_out || now >= r->stop_at + r->o->ack_timeout_s)
			begin_drain(r, now, VP_EXIT_OK);
	}
	if (r->ack && ack_waiting(r) && ack_source_take(r->ack, acknowledged, r) < 0)
		begin_drain(r, now, VP_EXIT_IOERR);
	if (r->phase == STARTING && !r->request_out && !stop_signal) {
		http_request *req = fetch_get(r->f, "/api/orders/feed/config");
		http_request_label(req, "feed-config");
		http_request_on_done(req, config_done, r);
		r->request_out = true;
		http_submit(r->f->http, req);
	}
	if (r->phase == RUNNING && !r->request_out && now >= r->next_get && !stop_signal)
		submit_lot(r);
	if (r->phase == RUNNING && r->ack && ack_source_due(r->ack, now))
		emit_barrier(r, now);
	settle_drain(r, now);
	check_slow(r, now);
	if (!r->commit_out && r->to_commit.head)
		submit_commit(r);
	if (r->phase == COMMITTING && !r->commit_out && !r->to_commit.head) {
		http_client_stop(c); /* a lot in flight is abandoned */
		return false;
	}
	int wait = 1000;
	if (r->phase == RUNNING && !r->request_out && ms_until(r->next_get, now) < wait)
		wait = ms_until(r->next_get, now);
	if (r->phase == RUNNING && r->ack && ack_source_due_in_ms(r->ack, now) < wait)
		wait = ack_source_due_in_ms(r->ack, now);
	if (r->stop_at && r->phase < DRAINING && ms_until(r->stop_at + r->o->ack_timeout_s, now) < wait)
		wait = ms_until(r->stop_at + r->o->ack_timeout_s, now);
	if (r->phase == DRAINING && wait > 200) /* the wait's end is looked at this often */
		wait = 200;
	if (r->ack)
		ack_source_check_stalled(r->ack, now);
	http_client_feed_wait(c, r->ack ? ack_source_fd(r->ack) : -1, wait);
	return true;
}

void feed_run(fetch *f, const feed_options *o)
{
	reader r = {
		.f = f,
		.o = o,
		.account = cli_env("VTEX_ACCOUNT", NULL),
		.key = cli_env("VTEX_APP_KEY", NULL),
		.visibility_s = 250,
	};
	r.m_events = metrics_counter("vtex_pipes_fetch_feed_events_total", "Order feed events read.", "");
	static const char *const fills[] = { "fill=\"empty\"", "fill=\"partial\"", "fill=\"full\"" };
	for (int i = 0; i < 3; i++)
		r.m_lots[i] = metrics_counter("vtex_pipes_fetch_feed_lots_total", "Order feed lots read, by fill.", fills[i]);
	r.m_committed = metrics_counter("vtex_pipes_fetch_feed_handles_committed_total",
					"Order feed handles committed.", "");
	r.m_commit_failures = metrics_counter("vtex_pipes_fetch_feed_commit_failures_total",
					      "Order feed commits that failed for good (their events come back).", "");
	if (o->ack_from) {
		const char *err;
		r.ack = ack_source_open(o->ack_from, "vtex-fetch", o->policy, &err);
		if (!r.ack) {
			log_error(err, LS("path", o->ack_from));
			fetch_note_exit(f, VP_EXIT_CONFIG);
			return;
		}
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (!http_client_run(f->http, tick, &r)) {
		log_error("the HTTP event loop failed");
		fetch_note_exit(f, VP_EXIT_SOFTWARE);
	}
	if (r.commit_out) { /* the run was stopped (credentials refused) with a commit in flight */
		batch_free(r.commit_out->b);
		free(r.commit_out);
	}
	if (r.open)
		batch_free(r.open);
	list_free(&r.sent);
	list_free(&r.to_commit);
	ack_source_close(r.ack, NULL);
}
