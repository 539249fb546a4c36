#include "server.h"
#include "delay.h"
#include "faults.h"
#include "http.h"
#include "httpd.h"
#include "limits.h"
#include "log.h"
#include "metrics.h"
#include "progress.h"
#include "routes.h"

#include <microhttpd.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PHASE_NEW, PHASE_WAITED };
enum { MAX_BODY = 1 << 20 };

static _Atomic int stopping;

/* Request counters by route and status, cached so the hot path never walks the registry. */
static const int tracked_codes[] = { 200, 206, 400, 401, 403, 404, 405, 409, 413, 429, 500, 502, 503, 504 };
#define NCODES (sizeof tracked_codes / sizeof *tracked_codes)
static _Atomic(metric *) req_counters[R__COUNT][NCODES + 1];
static _Atomic(metric *) latency_hist;

static void count_request(int route, int status, double seconds)
{
	size_t c = 0;
	while (c < NCODES && tracked_codes[c] != status)
		c++;
	metric *m = atomic_load_explicit(&req_counters[route][c], memory_order_acquire);
	if (!m) {
		char labels[96];
		snprintf(labels, sizeof labels, "route=\"%s\",code=\"%d\"", route_name((enum route_id)route),
			 c < NCODES ? status : 0);
		m = metrics_counter("vtex_sandbox_requests_total", "HTTP requests served, by route and status.", labels);
		atomic_store_explicit(&req_counters[route][c], m, memory_order_release);
	}
	metric_add(m, 1);
	metric *h = atomic_load_explicit(&latency_hist, memory_order_acquire);
	if (!h) {
		h = metrics_histogram("vtex_sandbox_request_seconds", "Time from request to response.", "",
				      metrics_latency_buckets, metrics_latency_nbuckets);
		atomic_store_explicit(&latency_hist, h, memory_order_release);
	}
	metric_observe(h, seconds);
}

static void count_fault(enum fault_kind k)
{
	char labels[48];
	snprintf(labels, sizeof labels, "fault=\"%s\"", fault_name(k));
	metric_add(metrics_counter("vtex_sandbox_faults_total", "Faults injected, by kind.", labels), 1);
}

struct truncation {
	char *data;
	size_t len, cut;
};

static ssize_t truncated_reader(void *cls, uint64_t pos, char *out, size_t max)
{
	struct truncation *t = cls;
	if (pos >= t->cut)
		return MHD_CONTENT_READER_END_WITH_ERROR; /* MHD closes the connection mid-body */
	size_t n = t->cut - (size_t)pos < max ? t->cut - (size_t)pos : max;
	memcpy(out, t->data + pos, n);
	return (ssize_t)n;
}

static void truncation_free(void *cls)
{
	struct truncation *t = cls;
	free(t->data);
	free(t);
}

static enum MHD_Result send_response(request *rq, response *rs)
{
	struct MHD_Response *r;
	size_t len = rs->body.len;

	if (rq->fault == FAULT_TRUNCATE && len > 1) {
		size_t cut = (size_t)(rq->fault_draw % (len - 1)) + 1;
		if (rq->fault_draw & (1ULL << 63)) {
			/* Content-Length says the whole body; the connection closes after part of it. */
			struct truncation *t = xmalloc(sizeof *t);
			t->data = rs->body.data;
			t->len = len;
			t->cut = cut;
			r = MHD_create_response_from_callback(len, 16384, truncated_reader, t, truncation_free);
		} else {
			/* A complete HTTP answer whose JSON stops short. */
			r = MHD_create_response_from_buffer(cut, rs->body.data, MHD_RESPMEM_MUST_FREE);
		}
		rs->body.data = NULL;
	} else if (len) {
		r = MHD_create_response_from_buffer(len, rs->body.data, MHD_RESPMEM_MUST_FREE);
		rs->body.data = NULL;
	} else {
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	buf_free(&rs->body);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				rs->content_type ? rs->content_type : "application/json; charset=utf-8");
	for (int i = 0; i < rs->nheaders; i++)
		MHD_add_response_header(r, rs->headers[i].name, rs->headers[i].value);
	enum MHD_Result ok = MHD_queue_response(rq->conn, (unsigned)rs->status, r);
	MHD_destroy_response(r);
	count_request(rq->route, rs->status, progress_now() - rq->started);
	if (log_enabled(LOG_LVL_DEBUG))
		log_debug("request", LS("method", rq->method), LS("url", rq->url), LI("status", rs->status),
			  LS("fault", fault_name((enum fault_kind)rq->fault)));
	return ok;
}

static void retry_after(app *a, response *rs)
{
	resp_header(rs, "Retry-After", "%lld", a->cfg->retry_after);
	resp_text(rs, 429, "{\"error\":{\"code\":\"429\",\"message\":\"Too Many Requests\",\"exception\":null}}");
}

/* Everything after the wait: faults that answer, the rate limit, credentials, the handler. */
static void answer(app *a, request *rq, response *rs)
{
	bool method_ok;
	const struct route *rt = route_match(a, rq, rq->method, rq->url, &method_ok);

	rq->route = rt ? rt->id : R_NONE;
	if (rq->fault == FAULT_429) {
		retry_after(a, rs);
		return;
	}
	if (rq->fault == FAULT_5XX) {
		static const int codes[] = { 500, 502, 503, 504 };
		int code = codes[rq->fault_draw % 4];
		char msg[128];
		snprintf(msg, sizeof msg, "{\"error\":{\"code\":\"%d\",\"message\":\"Injected server error\",\"exception\":null}}", code);
		resp_text(rs, code, msg);
		return;
	}
	if (!rt) {
		resp_text(rs, 404, "{\"error\":{\"code\":\"404\",\"message\":\"Route not found\",\"exception\":null}}");
		return;
	}
	if (!rt->public) {
		if (!faults_rate_ok(a->faults)) {
			retry_after(a, rs);
			return;
		}
		unsigned wait;
		const char *class;
		if (!limiter_admit(a->limiter, rt->id, &wait, &class)) {
			char labels[48];
			snprintf(labels, sizeof labels, "class=\"%s\"", class);
			metric_add(metrics_counter("vtex_sandbox_throttled_total",
						   "Requests over an account limit (answered 429), by class.", labels), 1);
			resp_header(rs, "Retry-After", "%u", wait);
			resp_text(rs, 429, "{\"error\":{\"code\":\"429\",\"message\":\"Too Many Requests\",\"exception\":null}}");
			return;
		}
		const char *key = req_header(rq, "X-VTEX-API-AppKey"), *token = req_header(rq, "X-VTEX-API-AppToken");
		if (!key || !token || !*key || !*token) {
			resp_text(rs, 401, "{\"error\":{\"code\":\"401\",\"message\":\"Unauthorized: missing X-VTEX-API-AppKey or X-VTEX-API-AppToken\",\"exception\":null}}");
			return;
		}
		rq->key = keyring_find(&a->keys, key, token);
		if (rq->key < 0) {
			resp_text(rs, 403, "{\"error\":{\"code\":\"403\",\"message\":\"Forbidden: the credentials are not valid for this store\",\"exception\":null}}");
			return;
		}
	}
	if (!method_ok) {
		resp_text(rs, 405, "{\"error\":{\"code\":\"405\",\"message\":\"Method not allowed\",\"exception\":null}}");
		return;
	}
	if (rq->body_too_big) {
		resp_text(rs, 413, "{\"error\":{\"code\":\"413\",\"message\":\"Request body too large\",\"exception\":null}}");
		return;
	}
	rt->fn(a, rq, rs);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	app *a = cls;
	request *rq = *con_cls;
	(void)version;

	if (!rq) {
		rq = xcalloc(1, sizeof *rq);
		rq->conn = conn;
		rq->method = method;
		rq->url = url;
		rq->started = progress_now();
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_size) {
		if (rq->body.len + *upload_size > MAX_BODY)
			rq->body_too_big = true;
		else
			buf_put(&rq->body, upload_data, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->phase == PHASE_NEW && strcmp(url, "/metrics") != 0) {
		rq->fault = faults_pick(a->faults, &rq->fault_draw);
		if (rq->fault != FAULT_NONE)
			count_fault((enum fault_kind)rq->fault);
		if (rq->fault == FAULT_RESET)
			return MHD_NO; /* MHD closes the connection without an answer */
		unsigned ms = a->cfg->latency_ms + (rq->fault == FAULT_SLOW ? a->cfg->slow_ms : 0);
		if (ms && !atomic_load(&stopping)) {
			rq->phase = PHASE_WAITED;
			MHD_suspend_connection(conn);
			delayer_add(a->delayer, conn, progress_now() + ms / 1000.0);
			return MHD_YES;
		}
	}
	response rs = { .status = 200 };
	answer(a, rq, &rs);
	return send_response(rq, &rs);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode why)
{
	request *rq = *con_cls;
	(void)cls;
	(void)conn;
	(void)why;
	if (!rq)
		return;
	buf_free(&rq->body);
	free(rq);
	*con_cls = NULL;
}

bool server_start(app *a, char *base_url, size_t n)
{
	const struct MHD_OptionItem callbacks[] = {
		{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, a },
		{ MHD_OPTION_END, 0, NULL },
	};
	httpd_config c = { .listen = a->cfg->listen, .setting = "--listen", .handler = on_request, .cls = a,
			   .threads = a->cfg->threads, .timeout_s = 120, .max_connections = a->cfg->max_connections,
			   .memory_limit = 64 * 1024, .options = callbacks };
	a->delayer = delayer_start();
	if (!(a->server = httpd_start(&c, base_url, n))) {
		delayer_stop(a->delayer);
		delayer_free(a->delayer);
		a->delayer = NULL;
		return false;
	}
	return true;
}

void server_stop(app *a)
{
	if (!a->server)
		return;
	atomic_store(&stopping, 1);
	delayer_stop(a->delayer);
	httpd_stop(a->server);
	delayer_free(a->delayer);
	a->server = NULL;
	a->delayer = NULL;
}
