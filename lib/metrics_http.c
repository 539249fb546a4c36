#include "metrics_http.h"

#include "buf.h"
#include "log.h"
#include "metrics.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct metrics_http {
	struct MHD_Daemon *d;
};

bool listen_addr_parse(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *colon = spec ? strrchr(spec, ':') : NULL;
	if (!colon || colon == spec || (size_t)(colon - spec) >= sizeof host)
		return false;
	size_t hl = (size_t)(colon - spec);
	memcpy(host, spec, hl);
	host[hl] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || colon[1] == '-' || colon[1] == '+' || colon[1] == ' ' || port < 0 || port > 65535)
		return false;
	memset(ss, 0, sizeof *ss);
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		host[hl - 1] = '\0';
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof *s6;
		return inet_pton(AF_INET6, host + 1, &s6->sin6_addr) == 1;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	*len = sizeof *s4;
	return inet_pton(AF_INET, host, &s4->sin_addr) == 1;
}

void listen_url(char *url, size_t urlsz, const char *scheme, const char *spec, unsigned port)
{
	const char *colon = strrchr(spec, ':');
	int hl = colon ? (int)(colon - spec) : (int)strlen(spec);
	snprintf(url, urlsz, "%s://%.*s:%u", scheme, hl, spec, port);
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *body, size_t len,
			     enum MHD_ResponseMemoryMode mode, const char *ctype)
{
	struct MHD_Response *rs = MHD_create_response_from_buffer(len, (void *)body, mode);
	if (!rs)
		return MHD_NO;
	MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	enum MHD_Result ok = MHD_queue_response(conn, status, rs);
	MHD_destroy_response(rs);
	return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	static const char text[] = "text/plain";
	(void)cls;
	(void)version;
	(void)upload_data;
	if (!*con_cls) { /* headers only: answer on the next call */
		*con_cls = (void *)1;
		return MHD_YES;
	}
	if (*upload_size) { /* a body nobody asked for: dropped */
		*upload_size = 0;
		return MHD_YES;
	}
	bool known = strcmp(url, "/metrics") == 0 || strcmp(url, "/healthz") == 0;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return known ? reply(conn, 405, "method not allowed\n", 19, MHD_RESPMEM_PERSISTENT, text)
			     : reply(conn, 404, "not found\n", 10, MHD_RESPMEM_PERSISTENT, text);
	if (strcmp(url, "/healthz") == 0)
		return reply(conn, 200, "ok\n", 3, MHD_RESPMEM_PERSISTENT, text);
	if (strcmp(url, "/metrics") == 0) {
		size_t len;
		char *body = metrics_render(&len);
		return reply(conn, 200, body, len, MHD_RESPMEM_MUST_FREE, "text/plain; version=0.0.4");
	}
	return reply(conn, 404, "not found\n", 10, MHD_RESPMEM_PERSISTENT, text);
}

static void on_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("libmicrohttpd", LS("detail", msg));
}

metrics_http *metrics_http_start(const char *spec, char *url, size_t urlsz)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	if (!listen_addr_parse(spec, &ss, &sl)) {
		log_error("metrics listener: want ADDR:PORT or [ADDR6]:PORT", LS("listen", spec ? spec : ""));
		return NULL;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	metrics_http *m = xcalloc(1, sizeof *m);
	/* Scrapers are few: a small connection limit, a short timeout. */
	m->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
				MHD_OPTION_EXTERNAL_LOGGER, on_log, NULL,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)32,
				MHD_OPTION_END);
	if (!m->d) {
		log_error("metrics listener: cannot listen (address in use or not local?)", LS("listen", spec));
		free(m);
		return NULL;
	}
	if (url) {
		const union MHD_DaemonInfo *info = MHD_get_daemon_info(m->d, MHD_DAEMON_INFO_BIND_PORT);
		listen_url(url, urlsz, "http", spec, info ? (unsigned)info->port : 0);
	}
	return m;
}

void metrics_http_stop(metrics_http *m)
{
	if (!m)
		return;
	MHD_stop_daemon(m->d);
	free(m);
}
