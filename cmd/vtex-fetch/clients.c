#include "clients.h"
#include "exitcode.h"
#include "idset.h"
#include "log.h"
#include "metrics.h"
#include "responses.h"
#include "window.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SCROLL_SIZE = 1000 };

/* One scroll over a window. It walks the entity sorted by id; a "chain" is a
 * walk from the first id, continued after an expired token (or a page that
 * failed for good) by a new scroll of the ids after the last one seen. A
 * chain that ends short of the total it announced lost a page (the cursor
 * moved on under a failed answer): a new chain starts from the first id, and
 * the ids already written are skipped. */
typedef struct scroll {
	job j;
	struct clients *c;
	bool has_window;
	vtime_t since, until;
	char *token;          /* NULL: the next request starts a scroll */
	char *after;          /* continue the chain after this id; NULL: from the first */
	long total;           /* REST-Content-Total of the chain's first scroll; -1: unknown */
	size_t new_since_restart;
	int idle_restarts;    /* restarts in a row that wrote nothing new */
	idset written;
	bool in_flight, queued;
	struct scroll *next;
} scroll;
struct clients {
	fetch *f;
	char *fields;
	scroll *scrolls;
	metric *m_restarts;
};

clients *clients_new(fetch *f, const char *fields)
{
	clients *c = xcalloc(1, sizeof *c);
	c->f = f;
	c->fields = xstrdup(fields);
	c->m_restarts = metrics_counter("vtex_pipes_fetch_scroll_restarts_total",
					"Master Data scrolls started again (token expired, page lost).",
					"");
	return c;
}

static void scroll_record(fetch *f, scroll *s, fetch_status st, const char *why, long status)
{
	cJSON *extra = cJSON_CreateObject();
	if (s->has_window) {
		char a[VTIME_FORMAT_SIZE], b[VTIME_FORMAT_SIZE];
		vtime_format(s->since, a);
		vtime_format(s->until, b);
		cJSON_AddStringToObject(extra, "since", a);
		cJSON_AddStringToObject(extra, "until", b);
	}
	fetch_fail(f, "clients", extra, st, why, status);
}

static void scroll_free(scroll *s)
{
	free(s->token);
	free(s->after);
	idset_free(&s->written);
	free(s);
}

static void scroll_cut(fetch *f, job *j, const char *reason)
{
	scroll *s = (scroll *)j;
	s->in_flight = false;
	scroll_record(f, s, FETCH_STOPPED, reason, 0);
	/* stays in c->scrolls; clients_free frees it */
}

void clients_free(clients *c)
{
	while (c->scrolls) {
		scroll *s = c->scrolls;
		c->scrolls = s->next;
		if (s->queued) /* never started: the run was stopped */
			scroll_record(c->f, s, FETCH_STOPPED, "not fetched: the run was stopped", 0);
		scroll_free(s);
	}
	free(c->fields);
	free(c);
}

void clients_add(clients *c, bool has_window, vtime_t since, vtime_t until)
{
	scroll *s = xcalloc(1, sizeof *s);
	s->c = c;
	s->has_window = has_window;
	s->since = since;
	s->until = until;
	s->total = -1;
	s->queued = true;
	s->next = c->scrolls;
	c->scrolls = s;
}

static void unlink_scroll(clients *c, scroll *s)
{
	scroll **pp = &c->scrolls;
	while (*pp != s)
		pp = &(*pp)->next;
	*pp = s->next;
}

static void scroll_done(http_client *hc, http_request *req, http_response *res, void *ctx);

static void submit(scroll *s)
{
	clients *c = s->c;
	buf path = { 0 };
	buf_puts(&path, "/api/dataentities/CL/scroll?");
	if (s->token) {
		buf_puts(&path, "_token=");
		fetch_urlencode(&path, s->token);
	} else {
		buf where = { 0 };
		if (s->has_window) {
			char a[VTIME_FORMAT_SIZE], b[VTIME_FORMAT_SIZE];
			window_format_ms(s->since, a, sizeof a);
			window_format_ms(s->until, b, sizeof b);
			buf_printf(&where, "((updatedIn between %s AND %s) OR (createdIn between %s AND %s))", a,
				   b, a, b);
		}
		if (s->after)
			buf_printf(&where, "%sid>\"%s\"", where.len ? " AND " : "", s->after);
		buf_printf(&path, "_size=%d&_sort=", SCROLL_SIZE);
		fetch_urlencode(&path, "id ASC");
		buf_puts(&path, "&_fields=");
		fetch_urlencode(&path, c->fields);
		if (where.len) {
			buf_puts(&path, "&_where=");
			fetch_urlencode(&path, buf_cstr(&where));
		}
		buf_free(&where);
	}
	http_request *r = fetch_get(c->f, buf_cstr(&path));
	buf_free(&path);
	/* Master Data v1's own media type. */
	http_request_header(r, "Accept: application/vnd.vtex.ds.v10+json");
	http_request_label(r, "scroll");
	http_request_on_done(r, scroll_done, s);
	s->in_flight = true;
	http_submit(c->f->http, r);
}

/* Opens a new scroll: the chain goes on after its last id (fresh_chain
 * false) or starts again from the first. False when restarts stopped helping. */
static bool restart(scroll *s, bool fresh_chain, const char *why)
{
	fetch *f = s->c->f;
	s->idle_restarts = s->new_since_restart ? 0 : s->idle_restarts + 1;
	if (s->idle_restarts >= f->attempts)
		return false;
	log_info("restarting the client scroll", LS("reason", why),
		 LS("from", fresh_chain ? "the first id" : "the last id seen"), LI("written", s->written.len),
		 LI("total", s->total));
	metric_add(s->c->m_restarts, 1);
	free(s->token);
	s->token = NULL;
	if (fresh_chain) {
		free(s->after);
		s->after = NULL;
		s->total = -1;
	}
	s->new_since_restart = 0;
	submit(s);
	return true;
}

static void finish(scroll *s, fetch_status st, const char *why, long status)
{
	fetch *f = s->c->f;
	job_end(f, &s->j);
	s->in_flight = false;
	if (st != FETCH_OK)
		scroll_record(f, s, st, why, status);
	unlink_scroll(s->c, s);
	scroll_free(s);
}

static void scroll_done(http_client *hc, http_request *req, http_response *res, void *ctx)
{
	(void)hc;
	scroll *s = ctx;
	fetch *f = s->c->f;
	bool opening = s->token == NULL;
	cJSON *json;
	const char *why;
	fetch_status st = fetch_classify(f, req, res, &json, &why);
	if (st == FETCH_STOPPED) {
		finish(s, st, why, res->status);
		return;
	}
	if (st == FETCH_OK && !cJSON_IsArray(json)) {
		st = FETCH_PERMANENT;
		why = "scroll page is not a JSON array";
	}
	if (st != FETCH_OK) {
		cJSON_Delete(json);
		/* An expired token answers 400 ("Operation not found for this token"). */
		bool token_gone = !opening && res->status == 400;
		if ((token_gone || st == FETCH_TEMPORARY) &&
		    restart(s, false, token_gone ? "scroll token expired" : why))
			return;
		if (opening && (st == FETCH_PERMANENT || st == FETCH_NOT_FOUND))
			fetch_note_exit(f, VP_EXIT_UNAVAILABLE);
		finish(s, token_gone ? FETCH_TEMPORARY : st, why, res->status);
		return;
	}
	char v[4096];
	if (opening && !s->after)
		s->total = resp_content_total(http_response_header(res, "REST-Content-Total", v, sizeof v) ? v : NULL);
	if (http_response_header(res, "X-VTEX-MD-TOKEN", v, sizeof v) && *v) {
		free(s->token);
		s->token = xstrdup(v);
	}
	int rows = cJSON_GetArraySize(json);
	cJSON *doc;
	cJSON_ArrayForEach(doc, json) {
		const char *id = resp_client_id(doc);
		if (!id) {
			rejects_add(f->rejects, "scroll", 0, "client document without a usable id", NULL, 0, false);
			continue;
		}
		if (!s->after || strcmp(id, s->after) > 0) {
			free(s->after);
			s->after = xstrdup(id);
		}
		if (!idset_add(&s->written, id))
			continue;
		s->new_since_restart++;
		fetch_emit(f, doc);
	}
	cJSON_Delete(json);
	/* Complete once the ids written cover the total the chain announced
	 * (without waiting for the final []). */
	if (s->total >= 0 && (long)s->written.len >= s->total) {
		finish(s, FETCH_OK, NULL, 0);
		return;
	}
	if (rows > 0 && s->token) {
		submit(s);
		return;
	}
	if (s->total < 0) { /* no total announced: the end of the walk is the end */
		finish(s, FETCH_OK, NULL, 0);
		return;
	}
	char msg[128];
	snprintf(msg, sizeof msg, "scroll ended with %zu of %ld clients", s->written.len, s->total);
	if (!restart(s, true, msg))
		finish(s, FETCH_TEMPORARY, msg, 0);
}

bool clients_feed(clients *c, size_t room)
{
	if (c->f->stopped)
		return false;
	for (scroll *s = c->scrolls; s && room; s = s->next) {
		if (!s->queued)
			continue;
		s->queued = false;
		job_start(c->f, &s->j, scroll_cut);
		submit(s);
		room--;
	}
	for (scroll *s = c->scrolls; s; s = s->next)
		if (s->queued || s->in_flight)
			return true;
	return false;
}
