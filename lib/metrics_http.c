#include "metrics_http.h"

#include "buf.h"
#include "httpd.h"
#include "metrics.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

struct metrics_http {
	httpd *h;
};

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

metrics_http *metrics_http_start(const char *spec, char *url, size_t urlsz)
{
	char scratch[300];
	/* Scrapers are few: one thread, a small connection limit, a short timeout. */
	httpd_config c = { .listen = spec, .setting = "metrics listener", .handler = on_request,
			   .timeout_s = 10, .max_connections = 32 };
	httpd *h = httpd_start(&c, url ? url : scratch, url ? urlsz : sizeof scratch);
	if (!h)
		return NULL;
	metrics_http *m = xcalloc(1, sizeof *m);
	m->h = h;
	return m;
}

void metrics_http_stop(metrics_http *m)
{
	if (!m)
		return;
	httpd_stop(m->h);
	free(m);
}
