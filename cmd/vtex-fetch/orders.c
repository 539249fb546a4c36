#include "orders.h"
#include "barrier.h"
#include "exitcode.h"
#include "idset.h"
#include "json_path.h"
#include "lineq.h"
#include "log.h"
#include "metrics.h"
#include "ndjson_reader.h"
#include "responses.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The OMS list: at most 100 rows a page and 30 pages a query. */
enum { PER_PAGE = 100, MAX_PAGES = 30, LIST_CAP = PER_PAGE * MAX_PAGES };
/* Hook events read ahead of the free fetch slots: events of one order that
 * wait together are fetched once (fold_event). */
enum { READ_AHEAD = 256 };

typedef struct pending_id {
	char *id;
	cJSON *event;
	cJSON *also;         /* later events of the same order folded in (array; NULL: none) */
	bool after;          /* read after the barrier waiting to be passed on */
	struct pending_id *next;
} pending_id;

typedef struct slice {
	job j;
	orders *o;
	window w;
	int attempt;
	long total;          /* paging.total of page 1 */
	int pages_left;      /* page requests not answered yet */
	bool failed, inconsistent;
	idset seen;          /* distinct orderIds listed */
	pending_id *kept;    /* those created inside w */
	struct slice *next;
} slice;

struct orders {
	fetch *f;
	pending_id *ids_head, *ids_tail;
	size_t queued;       /* in ids_head..ids_tail */
	slice *slices;       /* waiting for their first page */
	size_t slices_open;  /* listing in progress */
	lineq *in;
	bool in_ended;
	/* Barriers (vtex-pipes(7)): the first read and not yet passed on (text
	 * NULL: none), and the next one, read while the first waits (input is
	 * not read further until the first is passed on). */
	lineq_line barrier, next_barrier;
	/* Events read after the waiting barrier are fetched at once, but their
	 * orders may not overtake it: they are held here until it goes out. */
	unsigned long long passed; /* barriers passed on */
	size_t after_jobs;   /* their fetches in flight */
	buf held;            /* their orders, whole lines */
	unsigned long long held_lines;
	metric *m_splits, *m_held, *m_folded;
};

struct order_job {
	job j;
	orders *o;
	char *id;
	cJSON *event, *also;
	unsigned long long gen; /* barriers passed on before it; one more if after */
};

typedef struct {
	slice *s;
	int page;
} page_req;

static void page_done(http_client *c, http_request *req, http_response *res, void *ctx);
typedef struct order_job order_job;
static void order_fail(fetch *f, order_job *oj, fetch_status st, const char *why, long status);
static void slice_fail_record(fetch *f, slice *s, fetch_status st, const char *why, long status);

orders *orders_new(fetch *f)
{
	orders *o = xcalloc(1, sizeof *o);
	o->f = f;
	o->m_splits = metrics_counter("vtex_pipes_fetch_order_window_splits_total",
				      "Order windows split because they held more than 3000 orders.",
				      "");
	o->m_held = metrics_counter("vtex_pipes_fetch_orders_held_total",
				    "Orders fetched while a barrier before them waited, held until it went out.",
				    "");
	o->m_folded = metrics_counter("vtex_pipes_fetch_events_folded_total",
				      "Hook events folded into a fetch of the same order that had not started yet.",
				      "");
	return o;
}

static void enqueue(orders *o, pending_id *p)
{
	p->next = NULL;
	if (o->ids_tail)
		o->ids_tail->next = p;
	else
		o->ids_head = p;
	o->ids_tail = p;
	o->queued++;
}

static pending_id *dequeue(orders *o)
{
	pending_id *p = o->ids_head;
	if (!p)
		return NULL;
	o->ids_head = p->next;
	if (!o->ids_head)
		o->ids_tail = NULL;
	o->queued--;
	return p;
}

static void free_pending(pending_id *p)
{
	while (p) {
		pending_id *n = p->next;
		free(p->id);
		cJSON_Delete(p->event);
		cJSON_Delete(p->also);
		free(p);
		p = n;
	}
}

static void slice_free(slice *s)
{
	idset_free(&s->seen);
	free_pending(s->kept);
	free(s);
}

static void orders_take_event(orders *o, const lineq_line *l);

static void release_held(orders *o)
{
	if (!o->held_lines)
		return;
	buf_put(ndjson_line_buf(o->f->out), o->held.data, o->held.len);
	fetch_end_records(o->f, o->held_lines);
	o->held.len = 0;
	o->held_lines = 0;
}

/* The run was stopped: input already read, and what keeps coming without a
 * pause, becomes failure records too (each event yields its order or one). */
static void drain_input(orders *o)
{
	enum { QUIET_MS = 200 };
	lineq_line l;
	while (o->in && !o->in_ended) {
		int got = lineq_pop_wait(o->in, &l, QUIET_MS);
		if (got != 1) {
			o->in_ended = got == -1;
			break;
		}
		/* Not passed on: what came before it was not all fetched. */
		if (l.reason || !barrier_is(l.text, l.len))
			orders_take_event(o, &l);
		free(l.text);
		free(l.reason);
	}
}

void orders_free(orders *o)
{
	drain_input(o);
	free(o->barrier.text);
	free(o->next_barrier.text);
	/* Orders fetched after a barrier that never went out: good records all
	 * the same (their source commits nothing for them). */
	release_held(o);
	buf_free(&o->held);
	/* Left over only when the run was stopped: each still gets its failure record. */
	pending_id *p;
	while ((p = dequeue(o))) {
		order_job oj = { .id = p->id, .event = p->event, .also = p->also };
		order_fail(o->f, &oj, FETCH_STOPPED, "not fetched: the run was stopped", 0);
		free(p->id);
		free(p);
	}
	while (o->slices) {
		slice *s = o->slices;
		o->slices = s->next;
		slice_fail_record(o->f, s, FETCH_STOPPED, "not fetched: the run was stopped", 0);
		slice_free(s);
	}
	lineq_free(o->in);
	free(o);
}

/* An event of an order whose fetch waits in the queue, on the same side of
 * the waiting barrier, joins that fetch: it has not started, so the order it
 * gets is at least as new as this event's change. (One in flight may have
 * started before the change: a new event then gets a fetch of its own.) The
 * event is kept for its failure record should the fetch fail. */
static bool fold_event(orders *o, const char *order_id, cJSON *event, bool after)
{
	for (pending_id *p = o->ids_head; p; p = p->next) {
		if (p->after != after || !p->event || strcmp(p->id, order_id) != 0)
			continue;
		if (!p->also)
			p->also = cJSON_CreateArray();
		cJSON_AddItemToArray(p->also, event);
		metric_add(o->m_folded, 1);
		return true;
	}
	return false;
}

void orders_add_id(orders *o, const char *order_id, cJSON *event)
{
	bool after = o->barrier.text != NULL;
	if (event && fold_event(o, order_id, event, after))
		return;
	pending_id *p = xcalloc(1, sizeof *p);
	p->id = xstrdup(order_id);
	p->event = event;
	p->after = after;
	enqueue(o, p);
}

/* ---- detail ---- */

static void order_job_free(order_job *oj)
{
	free(oj->id);
	cJSON_Delete(oj->event);
	cJSON_Delete(oj->also);
	free(oj);
}

static void order_fail_event(fetch *f, const char *id, cJSON *event, fetch_status st, const char *why, long status)
{
	cJSON *extra = cJSON_CreateObject();
	cJSON_AddStringToObject(extra, "orderId", id);
	if (event)
		cJSON_AddItemToObject(extra, "event", event);
	fetch_fail(f, "order", extra, st, why, status);
}

/* One failure record for each event the fetch stood for (the events are
 * taken from oj). */
static void order_fail(fetch *f, order_job *oj, fetch_status st, const char *why, long status)
{
	order_fail_event(f, oj->id, oj->event, st, why, status);
	oj->event = NULL;
	cJSON *e;
	while (oj->also && (e = cJSON_DetachItemFromArray(oj->also, 0)))
		order_fail_event(f, oj->id, e, st, why, status);
	cJSON_Delete(oj->also);
	oj->also = NULL;
}

static void order_job_cut(fetch *f, job *j, const char *reason)
{
	order_job *oj = (order_job *)j;
	order_fail(f, oj, FETCH_STOPPED, reason, 0);
	order_job_free(oj);
}

static void order_done(http_client *c, http_request *req, http_response *res, void *ctx)
{
	(void)c;
	order_job *oj = ctx;
	fetch *f = oj->o->f;
	cJSON *json;
	const char *why;
	fetch_status st = fetch_classify(f, req, res, &json, &why);
	job_end(f, &oj->j);
	bool after = oj->gen > oj->o->passed;
	if (after)
		oj->o->after_jobs--;
	if (st == FETCH_OK && !cJSON_IsObject(json)) {
		st = FETCH_PERMANENT;
		why = "order detail is not a JSON object";
	}
	/* A failure record goes out at once: that file is made durable at
	 * barriers, and one from after a barrier durable early does no harm. */
	if (st == FETCH_OK && after) {
		json_write(&oj->o->held, json);
		buf_putc(&oj->o->held, '\n');
		oj->o->held_lines++;
		metric_add(oj->o->m_held, 1);
	} else if (st == FETCH_OK)
		fetch_emit(f, json);
	else
		order_fail(f, oj, st, why, res->status);
	cJSON_Delete(json);
	order_job_free(oj);
}

static void submit_detail(orders *o, pending_id *p)
{
	order_job *oj = xcalloc(1, sizeof *oj);
	oj->o = o;
	oj->id = p->id;
	oj->event = p->event;
	oj->also = p->also;
	oj->gen = o->passed + p->after;
	if (p->after)
		o->after_jobs++;
	free(p);
	job_start(o->f, &oj->j, order_job_cut);
	buf path = { 0 };
	buf_puts(&path, "/api/oms/pvt/orders/");
	fetch_urlencode(&path, oj->id);
	http_request *r = fetch_get_transient(o->f, buf_cstr(&path));
	buf_free(&path);
	http_request_label(r, "order");
	http_request_on_done(r, order_done, oj);
	http_submit(o->f->http, r);
}

/* ---- window listing ---- */

static void slice_fail_record(fetch *f, slice *s, fetch_status st, const char *why, long status)
{
	char a[VTIME_FORMAT_SIZE], b[VTIME_FORMAT_SIZE];
	vtime_format(s->w.since, a);
	vtime_format(s->w.until, b);
	cJSON *extra = cJSON_CreateObject();
	cJSON_AddStringToObject(extra, "since", a);
	cJSON_AddStringToObject(extra, "until", b);
	fetch_fail(f, "orders-slice", extra, st, why, status);
}

/* The run was stopped: no page callback will come any more. */
static void slice_cut(fetch *f, job *j, const char *reason)
{
	slice *s = (slice *)j;
	if (!s->failed)
		slice_fail_record(f, s, FETCH_STOPPED, reason, 0);
	slice_free(s);
}

static void queue_slice(orders *o, window w, int attempt)
{
	slice *s = xcalloc(1, sizeof *s);
	s->o = o;
	s->w = w;
	s->attempt = attempt;
	s->next = o->slices;
	o->slices = s;
}

void orders_add_window(orders *o, window w)
{
	queue_slice(o, w, 1);
}

static void submit_page(slice *s, int page)
{
	fetch *f = s->o->f;
	char filter[128];
	window_filter(s->w, "creationDate", filter, sizeof filter);
	buf path = { 0 };
	buf_puts(&path, "/api/oms/pvt/orders?f_creationDate=");
	fetch_urlencode(&path, filter);
	buf_printf(&path, "&per_page=%d&page=%d&orderBy=creationDate,asc", PER_PAGE, page);
	http_request *r = fetch_get(f, buf_cstr(&path));
	buf_free(&path);
	http_request_label(r, "orders-list");
	page_req *pr = xmalloc(sizeof *pr);
	*pr = (page_req){ s, page };
	http_request_on_done(r, page_done, pr);
	s->pages_left++;
	http_submit(f->http, r);
}

/* One row of a page: kept unless listed already or created outside the
 * slice (rows on the millisecond edges of the filter may belong to a
 * neighbour slice). */
static void take_row(void *ctx, const char *order_id, const vtime_t *created)
{
	slice *s = ctx;
	if (!idset_add(&s->seen, order_id))
		return;
	if (created && !window_holds(s->w, *created))
		return;
	if (!created)
		log_warn("order row without a readable creationDate; kept", LS("orderId", order_id));
	pending_id *p = xcalloc(1, sizeof *p);
	p->id = xstrdup(order_id);
	p->next = s->kept;
	s->kept = p;
}

/* Every page answered: hand the orders on, list again, or give up. */
static void slice_settle(slice *s)
{
	orders *o = s->o;
	fetch *f = o->f;
	job_end(f, &s->j);
	o->slices_open--;
	if (s->failed) {
		slice_free(s);
		return;
	}
	if (s->inconsistent || (long)s->seen.len != s->total) {
		char why[160];
		snprintf(why, sizeof why, "listing incomplete: %zu distinct orders of %ld%s", s->seen.len,
			 s->total, s->inconsistent ? ", total changed between pages" : "");
		if (s->attempt < f->attempts) {
			log_info("order listing changed while paging; listing the slice again",
				 LS("reason", why), LI("attempt", s->attempt));
			queue_slice(o, s->w, s->attempt + 1);
		} else {
			slice_fail_record(f, s, FETCH_TEMPORARY, why, 0);
		}
		slice_free(s);
		return;
	}
	while (s->kept) {
		pending_id *p = s->kept;
		s->kept = p->next;
		enqueue(o, p);
	}
	slice_free(s);
}

static void page_done(http_client *c, http_request *req, http_response *res, void *ctx)
{
	(void)c;
	page_req *pr = ctx;
	slice *s = pr->s;
	int page = pr->page;
	free(pr);
	fetch *f = s->o->f;
	s->pages_left--;
	cJSON *json;
	const char *why;
	fetch_status st = fetch_classify(f, req, res, &json, &why);
	long total = 0;
	if (st == FETCH_OK && !resp_order_page(json, &total, take_row, s)) {
		st = FETCH_PERMANENT;
		why = "order list page is not shaped like {list:[{orderId}...],paging:{total}}";
	}
	cJSON_Delete(json);
	if (s->failed) {
		/* already recorded */
	} else if (st != FETCH_OK) {
		s->failed = true;
		slice_fail_record(f, s, st, why, res->status);
		/* A list that cannot be read is the service refusing us, not one bad record. */
		if (st == FETCH_PERMANENT || st == FETCH_NOT_FOUND)
			fetch_note_exit(f, VP_EXIT_UNAVAILABLE);
	} else if (page == 1) {
		s->total = total;
		if (total > LIST_CAP) {
			window l, r;
			s->failed = true; /* this slice is replaced by its halves */
			if (window_split(s->w, &l, &r)) {
				metric_add(s->o->m_splits, 1);
				log_debug("splitting order window", LI("total", total));
				queue_slice(s->o, l, 1);
				queue_slice(s->o, r, 1);
			} else {
				slice_fail_record(f, s, FETCH_TEMPORARY,
						  "more than 3000 orders within one millisecond", 0);
			}
		} else {
			int pages = (int)((total + PER_PAGE - 1) / PER_PAGE);
			for (int p = 2; p <= pages; p++)
				submit_page(s, p);
		}
	} else if (total != s->total) {
		s->inconsistent = true;
	}
	if (s->pages_left == 0 && !f->stopped)
		slice_settle(s);
}

/* ---- hook events ---- */

static void wake_http(void *ctx)
{
	http_client_wakeup(((orders *)ctx)->f->http);
}

void orders_follow(orders *o, int fd)
{
	o->in = lineq_start(fd, "-", 1024, wake_http, o);
}

/* One line of orders_follow's input: an event to fetch, a ping to skip, or a reject. */
static void orders_take_event(orders *o, const lineq_line *l)
{
	const char *reason = NULL, *id;
	cJSON *ev;
	bool json_ok;
	size_t lineno = l->lineno;
	if (l->reason) { /* longer than --max-line */
		rejects_add(o->f->rejects, "-", lineno, l->reason, l->text, l->len, false);
		return;
	}
	switch (resp_hook_event(l->text, l->len, &ev, &id, &reason, &json_ok)) {
	case HOOK_BAD:
		rejects_add(o->f->rejects, "-", lineno, reason, l->text, l->len, json_ok);
		break;
	case HOOK_PING:
		log_info("skipped a hook ping event", LI("line", lineno));
		break;
	case HOOK_ORDER:
		orders_add_id(o, id, ev);
		break;
	}
}

/* Every fetch started for the events before the barrier has ended in its
 * order or its failure record: the side files go to disk, then the barrier
 * goes out as it came, flushed, then the orders held behind it; the next
 * barrier, if one was read, takes its place. */
static bool pass_barrier(orders *o)
{
	fetch *f = o->f;
	if (!fetch_sync_side_files(f)) {
		fetch_note_exit(f, VP_EXIT_IOERR);
		return false;
	}
	ndjson_write_line(f->out, o->barrier.text, o->barrier.len);
	ndjson_writer_flush(f->out);
	free(o->barrier.text);
	o->barrier = o->next_barrier;
	o->next_barrier = (lineq_line){ 0 };
	release_held(o);
	/* What was after the barrier is before the next one now. */
	o->passed++;
	o->after_jobs = 0;
	for (pending_id *p = o->ids_head; p; p = p->next)
		p->after = false;
	return true;
}

/* Nothing read before the waiting barrier is still to fetch or in flight. */
static bool barrier_free(const orders *o)
{
	return (!o->ids_head || o->ids_head->after) && o->f->njobs == o->after_jobs;
}

bool orders_feed(orders *o, size_t room)
{
	fetch *f = o->f;
	if (f->stopped)
		return false;
	for (;;) {
		/* A barrier goes out once the fetches of the events before it are
		 * over; those after it are fetched meanwhile, their orders held. */
		if (o->barrier.text && barrier_free(o)) {
			if (!pass_barrier(o))
				return false;
			continue;
		}
		/* Input is read ahead of the free slots (READ_AHEAD). */
		if (o->in && !o->in_ended && !o->next_barrier.text && o->queued < READ_AHEAD) {
			lineq_line l;
			int got = lineq_pop(o->in, &l);
			if (got == 1 && !l.reason && barrier_is(l.text, l.len)) {
				*(o->barrier.text ? &o->next_barrier : &o->barrier) = l;
				continue;
			}
			if (got == 1) {
				orders_take_event(o, &l);
				free(l.text);
				free(l.reason);
				continue;
			}
			if (got == -1) {
				o->in_ended = true;
				if (lineq_failed(o->in))
					fetch_note_exit(f, VP_EXIT_IOERR);
			}
		}
		if (!room)
			break;
		if (o->ids_head) {
			submit_detail(o, dequeue(o));
			room--;
			continue;
		}
		if (o->slices) {
			slice *s = o->slices;
			o->slices = s->next;
			s->next = NULL;
			job_start(f, &s->j, slice_cut);
			o->slices_open++;
			submit_page(s, 1);
			room--;
			continue;
		}
		break;
	}
	bool input_open = o->in && !o->in_ended;
	/* Waiting for input: what is done so far should reach the reader now. */
	if (input_open && !o->ids_head && http_client_pending(f->http) == 0)
		ndjson_writer_flush(f->out);
	return input_open || o->barrier.text || o->ids_head || o->slices || o->slices_open;
}
