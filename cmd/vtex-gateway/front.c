#include "front.h"
#include "httpd.h"
#include "log.h"
#include "metrics.h"
#include "progress.h"
#include "secret.h"

#include <curl/curl.h>
#include <microhttpd.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

enum { ST_NEW, ST_BODY, ST_WAITING, ST_ANSWERED, STOP_DRAIN_MS = 2000 };

/* One loop's share of the callers: a daemon on the common listening socket. */
typedef struct {
	gw_front *f;
	httpd *h;
	int epfd;       /* the daemon's */
	size_t waiting; /* exchanges whose job is out and not yet answered */
} server;

struct gw_front {
	gw_front_cfg cfg;
	gw_sched *s;
	server *srv;
	unsigned nsrv;
};

/* One exchange with a caller. */
typedef struct {
	char *uri;      /* as sent: path and query */
	int state;
	bool too_big;
	double t0;
	gw_job *job;
	struct MHD_Connection *conn;
	char run_id[80], flow[80];
} exchange;

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	exchange *x = xcalloc(1, sizeof *x);
	x->uri = xstrdup(uri);
	x->conn = conn;
	x->t0 = progress_now();
	return x;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode why)
{
	server *sv = cls;
	exchange *x = *con_cls;
	(void)conn;
	(void)why;
	if (!x)
		return;
	if (x->state == ST_WAITING)
		sv->waiting--;
	gw_job_free(x->job);
	free(x->uri);
	free(x);
	*con_cls = NULL;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *body)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
	enum MHD_Result ok = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result reply_error(struct MHD_Connection *conn, unsigned status, const char *message)
{
	char body[256];
	snprintf(body, sizeof body, "{\"error\":{\"code\":\"%u\",\"message\":\"vtex-gateway: %s\",\"exception\":null}}", status,
		 message);
	metric_add(metrics_counter("vtex_pipes_gateway_refused_total", "Requests refused before any queue, by status.",
				   status == 401 ? "code=\"401\"" : status == 413 ? "code=\"413\"" : "code=\"400\""),
		   1);
	return reply(conn, status, body);
}

static enum MHD_Result serve_metrics(struct MHD_Connection *conn)
{
	size_t len;
	char *text = metrics_render(&len);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; version=0.0.4");
	enum MHD_Result ok = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ok;
}

/* Request headers that are the caller's own or the hop's stay here; the
 * gateway's credentials replace any the caller sent. */
static enum MHD_Result copy_header(void *cls, enum MHD_ValueKind kind, const char *name, const char *value)
{
	static const char *const drop[] = { "host", "authorization", "connection", "content-length", "transfer-encoding",
					    "accept-encoding", "expect", "user-agent", "keep-alive", "te", "upgrade",
					    "cookie", "vtexidclientautcookie", "x-vtex-api-appkey", "x-vtex-api-apptoken" };
	gw_job *j = cls;
	(void)kind;
	if (!value || strncasecmp(name, "x-vtex-pipes-", 13) == 0 || strncasecmp(name, "proxy-", 6) == 0)
		return MHD_YES;
	for (size_t i = 0; i < sizeof drop / sizeof *drop; i++)
		if (strcasecmp(name, drop[i]) == 0)
			return MHD_YES;
	buf h = { 0 };
	buf_printf(&h, "%s: %s", name, value);
	j->headers = curl_slist_append(j->headers, buf_cstr(&h));
	buf_free(&h);
	return MHD_YES;
}

static void job_done(void *ctx)
{
	exchange *x = ctx;
	MHD_resume_connection(x->conn);
}

static void header_copy(char *out, size_t n, struct MHD_Connection *conn, const char *name)
{
	const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
	snprintf(out, n, "%s", v ? v : "");
}

/* The whole request is in: a job for its class, the connection held meanwhile. */
static enum MHD_Result queue_job(server *sv, exchange *x, const char *method)
{
	gw_front *f = sv->f;
	gw_job *j = x->job;
	size_t plen = strcspn(x->uri, "?");
	char path[1024];
	snprintf(path, sizeof path, "%.*s", (int)(plen < sizeof path ? plen : sizeof path - 1), x->uri);
	j->cls = gw_class_of(path);
	gw_endpoint_of(path, j->endpoint, sizeof j->endpoint);
	j->method = xstrdup(method);
	const char *base = j->cls == GW_PRICING ? f->cfg.pricing_url : f->cfg.base_url;
	size_t blen = strlen(base), ulen = strlen(x->uri);
	j->url = xmalloc(blen + ulen + 1);
	memcpy(j->url, base, blen);
	memcpy(j->url + blen, x->uri, ulen + 1);
	MHD_get_connection_values(x->conn, MHD_HEADER_KIND, copy_header, j);
	j->done = job_done;
	j->ctx = x;
	x->state = ST_WAITING;
	sv->waiting++;
	MHD_suspend_connection(x->conn);
	gw_sched_submit(f->s, j);
	return MHD_YES;
}

static enum MHD_Result answer_job(server *sv, exchange *x, const char *method)
{
	gw_job *j = x->job;
	x->state = ST_ANSWERED;
	sv->waiting--;
	struct MHD_Response *r = MHD_create_response_from_buffer(j->resp_body.len, j->resp_body.data, MHD_RESPMEM_MUST_FREE);
	if (!r)
		return MHD_NO;
	size_t bytes = j->resp_body.len;
	j->resp_body = (buf){ 0 };
	/* "Name: value\r\n" lines, cut into strings where they lie (the
	 * buffer is the job's, freed with it). */
	char *p = j->resp_headers.len ? (char *)buf_cstr(&j->resp_headers) : NULL, *end = p + j->resp_headers.len;
	while (p && p < end) {
		char *eol = strstr(p, "\r\n"), *colon = memchr(p, ':', (size_t)(eol - p));
		if (colon) {
			char *v = colon + 1;
			while (*v == ' ')
				v++;
			*colon = *eol = '\0';
			MHD_add_response_header(r, p, v);
		}
		p = eol + 2;
	}
	enum MHD_Result ok = MHD_queue_response(x->conn, (unsigned)j->status, r);
	MHD_destroy_response(r);
	size_t plen = strcspn(x->uri, "?");
	char path[512];
	snprintf(path, sizeof path, "%.*s", (int)(plen < sizeof path ? plen : sizeof path - 1), x->uri);
	log_info("request", LS("run_id", x->run_id), LS("flow", x->flow), LS("class", gw_class_name(j->cls)),
		 LS("priority", gw_priority_name(j->prio)), LS("method", method), LS("path", path), LI("status", j->status),
		 LI("attempts", j->attempts), LD("queue_seconds", j->queued_s), LD("upstream_seconds", j->upstream_s),
		 LD("seconds", progress_now() - x->t0), LI("bytes", bytes));
	return ok;
}

static bool authorized(gw_front *f, struct MHD_Connection *conn)
{
	if (!f->cfg.token)
		return true;
	const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	return h && strncasecmp(h, "Bearer ", 7) == 0 && secret_equal(h + 7, f->cfg.token);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	server *sv = cls;
	gw_front *f = sv->f;
	exchange *x = *con_cls;
	(void)version;
	if (x->state == ST_WAITING)
		return answer_job(sv, x, method);
	if (x->state == ST_NEW) {
		x->state = ST_BODY;
		if (strcmp(url, "/metrics") == 0 && x->uri[0] == '/' && strcmp(method, "GET") == 0)
			return serve_metrics(conn);
		if (strcmp(url, "/healthz") == 0)
			return reply(conn, MHD_HTTP_OK, "{\"status\":\"ok\"}");
		if (!authorized(f, conn))
			return reply_error(conn, MHD_HTTP_UNAUTHORIZED, "a valid Authorization: Bearer token is required");
		if (x->uri[0] != '/')
			return reply_error(conn, MHD_HTTP_BAD_REQUEST, "the request target must be a path");
		const char *prio = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-VTEX-Pipes-Priority");
		int p = prio ? gw_priority_parse(prio) : GW_BATCH;
		if (p < 0)
			return reply_error(conn, MHD_HTTP_BAD_REQUEST, "X-VTEX-Pipes-Priority is realtime, batch or backfill");
		x->job = xcalloc(1, sizeof *x->job);
		x->job->prio = p;
		header_copy(x->run_id, sizeof x->run_id, conn, "X-VTEX-Pipes-Run-Id");
		header_copy(x->flow, sizeof x->flow, conn, "X-VTEX-Pipes-Flow");
		return MHD_YES;
	}
	if (*upload_size) {
		if (x->job->body.len + *upload_size > f->cfg.max_body)
			x->too_big = true;
		else
			buf_put(&x->job->body, upload_data, *upload_size);
		x->job->has_body = true;
		*upload_size = 0;
		return MHD_YES;
	}
	if (x->too_big)
		return reply_error(conn, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");
	return queue_job(sv, x, method);
}

gw_front *gw_front_start(const gw_front_cfg *cfg, gw_sched *s, char *url, size_t urlsz)
{
	gw_front *f = xcalloc(1, sizeof *f);
	f->cfg = *cfg;
	f->s = s;
	f->srv = xcalloc(cfg->threads, sizeof *f->srv);
	for (unsigned i = 0; i < cfg->threads; i++) {
		server *sv = &f->srv[i];
		const struct MHD_OptionItem callbacks[] = {
			{ MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, NULL },
			{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, sv },
			{ MHD_OPTION_END, 0, NULL },
		};
		/* libmicrohttpd zeroes a connection's whole memory after every request:
		 * at 64 KiB that was the largest cost of an answer (perf, flooded). 16
		 * KiB holds a request line and headers of 14 KiB, VTEX's answer headers
		 * and the read buffer; the callers' are under 1 KiB. The connection
		 * limit is shared out between the loops, as libmicrohttpd's own
		 * thread pool does. */
		unsigned limit = cfg->max_connections / cfg->threads;
		httpd_config c = { .listen = cfg->listen, .setting = "--listen", .handler = on_request, .cls = sv,
				   .external = true, .share = i ? f->srv[0].h : NULL, .timeout_s = 300,
				   .max_connections = limit ? limit : 1, .memory_limit = 16 * 1024,
				   .tls_cert = cfg->tls_cert, .tls_key = cfg->tls_key, .socket_mode = cfg->socket_mode,
				   .options = callbacks };
		sv->f = f;
		if (!(sv->h = httpd_start(&c, url, urlsz))) {
			gw_front_stop(f);
			return NULL;
		}
		f->nsrv++;
		const union MHD_DaemonInfo *info = MHD_get_daemon_info(httpd_daemon(sv->h), MHD_DAEMON_INFO_EPOLL_FD);
		sv->epfd = info ? info->epoll_fd : -1;
	}
	return f;
}

void *gw_front_loop(gw_front *f, unsigned i)
{
	return &f->srv[i];
}

int gw_front_serve(void *ctx, int *fd)
{
	server *sv = ctx;
	struct MHD_Daemon *d = httpd_daemon(sv->h);
	MHD_UNSIGNED_LONG_LONG ms;
	MHD_run(d);
	*fd = sv->epfd;
	return MHD_get_timeout(d, &ms) == MHD_YES && ms < 1000 ? (int)ms : 1000;
}

void gw_front_stop(gw_front *f)
{
	if (!f)
		return;
	/* The answers the scheduler gave as it stopped go out before the
	 * connections close: the loops that served them have ended. */
	double until = progress_now() + STOP_DRAIN_MS / 1000.0;
	for (unsigned i = 0; i < f->nsrv; i++) {
		server *sv = &f->srv[i];
		while (sv->waiting && progress_now() < until) {
			struct pollfd p = { .fd = sv->epfd, .events = POLLIN };
			int fd, ms = gw_front_serve(sv, &fd);
			poll(&p, 1, ms < 100 ? ms : 100);
		}
		MHD_run(httpd_daemon(sv->h)); /* what the last answers left to write */
	}
	for (unsigned i = f->nsrv; i-- > 0;)
		httpd_stop(f->srv[i].h);
	free(f->srv);
	free(f);
}
