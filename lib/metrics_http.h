/* /metrics over HTTP for long-running tools without a server of their own
 * (kafka-cat -C): a libmicrohttpd daemon on its own thread answering
 * GET/HEAD /metrics (metrics_render, Prometheus text) and /healthz ("ok"),
 * started through lib/httpd. */
#ifndef VP_METRICS_HTTP_H
#define VP_METRICS_HTTP_H

#include <stddef.h>

typedef struct metrics_http metrics_http;

/* Listens on spec (port 0: a free one) and serves the metrics registry.
 * url (may be NULL) gets http://ADDR:PORT. NULL, with the reason logged,
 * when spec is malformed or the address cannot be bound. */
metrics_http *metrics_http_start(const char *spec, char *url, size_t urlsz);
/* Closes the listener and every connection. NULL is fine. */
void metrics_http_stop(metrics_http *m);

#endif
