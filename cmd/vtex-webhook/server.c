#include "server.h"
#include "buf.h"
#include "event.h"
#include "httpd.h"
#include "log.h"
#include "metrics.h"
#include "progress.h"
#include "secret.h"
#include "vtime.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum route { R_HOOK, R_HEALTH, R_METRICS, R_OTHER };
enum { CODE_OTHER = 0 };

/* A connection, for the request deadline: when the request it is reading
 * began (its accept, or the end of the one before on a kept-alive
 * connection, so never later than the request's first byte). */
typedef struct conn_clock {
	struct conn_clock *prev, *next;
	int fd;
	double since;
	bool suspended; /* its event is in the commit queue: answered within the write deadline */
} conn_clock;

typedef struct {
	struct MHD_Connection *conn;
	conn_clock *clock;
	double started;
	enum route route;
	bool too_big, waiting;
	int status; /* set by the queue before it resumes the connection */
	buf body;
} request;

struct server {
	server_config cfg;
	commitq *q;
	httpd *h;
	_Atomic unsigned active;
	_Atomic bool quiesced;
	metric *m_codes[8];
	metric *m_seconds, *m_last_ok, *m_pings, *m_rejected, *m_deadline;
	pthread_mutex_t clocks_mu;
	conn_clock *clocks;
	pthread_t watchdog;
	bool watchdog_on;
	_Atomic bool stopping;
};

static const int codes[] = { 200, 400, 401, 404, 405, 413, 503 };
#define NCODES (sizeof codes / sizeof *codes)

/* Error bodies say what kind of failure, nothing about the server or the secret. */
static const char *status_text(int status)
{
	switch (status) {
	case 200: return "{\"ok\":true}";
	case 400: return "{\"error\":\"bad request\"}";
	case 401: return "{\"error\":\"unauthorized\"}";
	case 404: return "{\"error\":\"not found\"}";
	case 405: return "{\"error\":\"method not allowed\"}";
	case 413: return "{\"error\":\"too large\"}";
	default: return "{\"error\":\"unavailable\"}";
	}
}

static metric *code_metric(server *s, int status)
{
	for (size_t i = 0; i < NCODES; i++)
		if (codes[i] == status)
			return s->m_codes[i];
	return s->m_codes[NCODES];
}

static enum MHD_Result reply_body(server *s, request *r, int status, const char *body, size_t len,
				  enum MHD_ResponseMemoryMode mode, const char *ctype)
{
	struct MHD_Response *rs = MHD_create_response_from_buffer(len, (void *)body, mode);
	if (!rs)
		return MHD_NO;
	MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	if (atomic_load(&s->quiesced))
		MHD_add_response_header(rs, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)status, rs);
	MHD_destroy_response(rs);
	if (r->route == R_HOOK) {
		metric_add(code_metric(s, status), 1);
		metric_observe(s->m_seconds, progress_now() - r->started);
		if (status == 200)
			metric_set(s->m_last_ok, (double)time(NULL));
	}
	return ok;
}

static enum MHD_Result reply(server *s, request *r, int status)
{
	const char *t = status_text(status);
	return reply_body(s, r, status, t, strlen(t), MHD_RESPMEM_PERSISTENT, "application/json");
}

static void client_ip(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, n, "?");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)n);
}

static enum MHD_Result refuse(server *s, request *r, int status, const char *why)
{
	char ip[64];
	client_ip(r->conn, ip, sizeof ip);
	metric_add(s->m_rejected, 1);
	log_warn("hook request refused", LI("status", status), LS("reason", why), LS("client", ip));
	return reply(s, r, status);
}

void server_answer(void *owner, int status, void *ctx)
{
	request *r = owner;
	(void)ctx;
	r->status = status;
	MHD_resume_connection(r->conn);
}

/* The first call, on headers: route, method, secret, declared size. */
static enum MHD_Result on_headers(server *s, request *r, const char *url, const char *method)
{
	if (strcmp(url, s->cfg.path) == 0) {
		r->route = R_HOOK;
		if (strcmp(method, "POST") != 0)
			return refuse(s, r, 405, "method is not POST");
		const char *given = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, s->cfg.secret_header);
		if (!given)
			return refuse(s, r, 401, "secret header missing");
		if (!secret_equal(given, s->cfg.secret))
			return refuse(s, r, 401, "secret header wrong");
		const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > s->cfg.max_body)
			return refuse(s, r, 413, "body larger than --max-body");
		if (atomic_load(&s->quiesced) || commitq_closed(s->q))
			return reply(s, r, 503);
		return MHD_YES;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		r->route = R_OTHER;
		return reply(s, r, strcmp(url, "/healthz") == 0 || strcmp(url, "/metrics") == 0 ? 405 : 404);
	}
	if (strcmp(url, "/healthz") == 0) {
		r->route = R_HEALTH;
		bool ok = !commitq_closed(s->q) && !atomic_load(&s->quiesced);
		const char *t = ok ? "ok\n" : "unavailable\n";
		return reply_body(s, r, ok ? 200 : 503, t, strlen(t), MHD_RESPMEM_PERSISTENT, "text/plain");
	}
	if (strcmp(url, "/metrics") == 0) {
		r->route = R_METRICS;
		size_t len;
		char *text = metrics_render(&len);
		return reply_body(s, r, 200, text, len, MHD_RESPMEM_MUST_FREE, "text/plain; version=0.0.4");
	}
	r->route = R_OTHER;
	return reply(s, r, 404);
}

/* The last call, with the whole body: validate, then hand the event on. */
static enum MHD_Result on_body(server *s, request *r)
{
	if (r->too_big)
		return refuse(s, r, 413, "body larger than --max-body");
	const char *why;
	switch (event_check(r->body.data ? r->body.data : "", r->body.len, &why)) {
	case EVENT_BAD:
		return refuse(s, r, 400, why);
	case EVENT_PING:
		metric_add(s->m_pings, 1);
		log_info("ping answered");
		return reply(s, r, 200);
	case EVENT_ORDER:
		break;
	}
	char at[VTIME_FORMAT_SIZE];
	buf line = { 0 };
	event_line(&line, r->body.data, r->body.len, vtime_format(vtime_now(), at));
	/* Suspended before the hand-off: the answer may come from another thread at once. */
	r->waiting = true;
	if (r->clock) {
		pthread_mutex_lock(&s->clocks_mu);
		r->clock->suspended = true;
		pthread_mutex_unlock(&s->clocks_mu);
	}
	MHD_suspend_connection(r->conn);
	bool queued = commitq_submit(s->q, line.data, line.len, r);
	buf_free(&line);
	if (!queued) {
		r->status = 503;
		MHD_resume_connection(r->conn);
	}
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	server *s = cls;
	request *r = *con_cls;
	(void)version;

	if (!r) {
		r = xcalloc(1, sizeof *r);
		r->conn = conn;
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		r->clock = ci ? ci->socket_context : NULL;
		r->started = progress_now();
		*con_cls = r;
		atomic_fetch_add(&s->active, 1);
		return on_headers(s, r, url, method);
	}
	if (*upload_size) {
		if (r->body.len + *upload_size > s->cfg.max_body)
			r->too_big = true;
		else if (!r->too_big)
			buf_put(&r->body, upload_data, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->waiting) {
		r->waiting = false;
		return reply(s, r, r->status);
	}
	return on_body(s, r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode why)
{
	server *s = cls;
	request *r = *con_cls;
	(void)conn;
	if (!r)
		return;
	if (why == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED && r->route == R_HOOK)
		log_warn("hook request timed out (slow client)");
	if (r->clock) { /* the next request on this connection starts its clock now */
		pthread_mutex_lock(&s->clocks_mu);
		r->clock->since = progress_now();
		r->clock->suspended = false;
		pthread_mutex_unlock(&s->clocks_mu);
	}
	buf_free(&r->body);
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&s->active, 1);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	server *s = cls;
	conn_clock *k = *socket_context;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		k = xcalloc(1, sizeof *k);
		k->fd = ci ? ci->connect_fd : -1;
		k->since = progress_now();
		pthread_mutex_lock(&s->clocks_mu);
		k->next = s->clocks;
		if (s->clocks)
			s->clocks->prev = k;
		s->clocks = k;
		pthread_mutex_unlock(&s->clocks_mu);
		*socket_context = k;
	} else if (k) { /* closed: called before libmicrohttpd closes the socket */
		pthread_mutex_lock(&s->clocks_mu);
		if (k->prev)
			k->prev->next = k->next;
		else
			s->clocks = k->next;
		if (k->next)
			k->next->prev = k->prev;
		pthread_mutex_unlock(&s->clocks_mu);
		free(k);
		*socket_context = NULL;
	}
}

/* --timeout bounds idle time only: a client sending a byte now and then
 * could hold a connection for ever. Every half second, a connection whose
 * request began more than --request-deadline ago (and is not waiting for
 * its commit) is shut down; libmicrohttpd then closes it. */
static void *watchdog(void *arg)
{
	server *s = arg;
	while (!atomic_load(&s->stopping)) {
		struct timespec ts = { 0, 500 * 1000000L };
		nanosleep(&ts, NULL);
		double now = progress_now();
		unsigned cut = 0;
		pthread_mutex_lock(&s->clocks_mu);
		for (conn_clock *k = s->clocks; k; k = k->next)
			if (!k->suspended && k->fd >= 0 && now - k->since > s->cfg.request_deadline_s) {
				shutdown(k->fd, SHUT_RDWR);
				k->since = now; /* once is enough */
				cut++;
			}
		pthread_mutex_unlock(&s->clocks_mu);
		if (cut) {
			metric_add(s->m_deadline, cut);
			log_warn("connections past --request-deadline closed (slow clients)", LI("connections", cut));
		}
	}
	return NULL;
}

server *server_start(const server_config *cfg, commitq *q, char *url, size_t urlsz)
{
	server *s = xcalloc(1, sizeof *s);
	s->cfg = *cfg;
	s->q = q;
	const char *help = "Requests to the hook path, by status.";
	for (size_t i = 0; i <= NCODES; i++) {
		char labels[32];
		snprintf(labels, sizeof labels, "code=\"%d\"", i < NCODES ? codes[i] : CODE_OTHER);
		s->m_codes[i] = metrics_counter("vtex_pipes_webhook_requests_total", help, labels);
	}
	s->m_seconds = metrics_histogram("vtex_pipes_webhook_request_duration_seconds",
					 "Hook requests: time from headers to answer.", "", metrics_latency_buckets,
					 metrics_latency_nbuckets);
	s->m_last_ok = metrics_gauge("vtex_pipes_webhook_last_success_timestamp_seconds",
				     "Unix time of the last hook request answered 200.", "");
	s->m_pings = metrics_counter("vtex_pipes_webhook_pings_total", "VTEX pings answered.", "");
	s->m_rejected = metrics_counter("vtex_pipes_webhook_refused_total",
					"Hook requests refused (400, 401, 405, 413): nothing written.", "");
	s->m_deadline = metrics_counter("vtex_pipes_webhook_deadline_closed_total",
					"Connections closed for a request past --request-deadline.", "");
	pthread_mutex_init(&s->clocks_mu, NULL);

	const struct MHD_OptionItem callbacks[] = {
		{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s },
		{ MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, s },
		{ MHD_OPTION_END, 0, NULL },
	};
	httpd_config c = { .listen = cfg->listen, .setting = "--listen", .handler = on_request, .cls = s,
			   .threads = cfg->threads, .timeout_s = cfg->timeout_s, .max_connections = cfg->max_connections,
			   .max_per_ip = cfg->max_per_ip, .memory_limit = cfg->max_header, .tls_cert = cfg->tls_cert,
			   .tls_key = cfg->tls_key, .options = callbacks };
	if (!(s->h = httpd_start(&c, url, urlsz))) {
		pthread_mutex_destroy(&s->clocks_mu);
		free(s);
		return NULL;
	}
	s->watchdog_on = pthread_create(&s->watchdog, NULL, watchdog, s) == 0;
	return s;
}

void server_quiesce(server *s)
{
	atomic_store(&s->quiesced, true);
	MHD_socket fd = MHD_quiesce_daemon(httpd_daemon(s->h));
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
}

unsigned server_active(server *s)
{
	return atomic_load(&s->active);
}

void server_stop(server *s)
{
	if (!s)
		return;
	atomic_store(&s->stopping, true);
	if (s->watchdog_on)
		pthread_join(s->watchdog, NULL);
	httpd_stop(s->h);
	pthread_mutex_destroy(&s->clocks_mu);
	free(s);
}
