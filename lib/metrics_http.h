/* /metrics over HTTP for long-running tools without a server of their own
 * (kafka-cat -C): a libmicrohttpd daemon on its own thread answering
 * GET/HEAD /metrics (metrics_render, Prometheus text) and /healthz ("ok").
 * Also the ADDR:PORT parsing every listener shares (vtex-webhook's too). */
#ifndef VP_METRICS_HTTP_H
#define VP_METRICS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* "ADDR:PORT" or "[ADDR6]:PORT" (numeric addresses, port 0 to 65535) into
 * a socket address. false when spec is neither. */
bool listen_addr_parse(const char *spec, struct sockaddr_storage *ss, socklen_t *len);
/* "scheme://ADDR:PORT" for spec's address and the port actually bound. */
void listen_url(char *url, size_t urlsz, const char *scheme, const char *spec, unsigned port);

typedef struct metrics_http metrics_http;

/* Listens on spec (port 0: a free one) and serves the metrics registry.
 * url (may be NULL) gets http://ADDR:PORT. NULL, with the reason logged,
 * when spec is malformed or the address cannot be bound. */
metrics_http *metrics_http_start(const char *spec, char *url, size_t urlsz);
/* Closes the listener and every connection. NULL is fine. */
void metrics_http_stop(metrics_http *m);

#endif
