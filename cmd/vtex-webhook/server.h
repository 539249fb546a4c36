/* The HTTP side of vtex-webhook: libmicrohttpd, routes (the hook path,
 * /healthz, /metrics), limits, the secret header, and the hand-off of each
 * event to the group-commit queue. */
#ifndef VW_SERVER_H
#define VW_SERVER_H

#include "commit.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
	const char *listen;       /* ADDR:PORT, [ADDR6]:PORT */
	const char *path;         /* the hook's path, e.g. /hook */
	const char *secret_header;
	const char *secret;
	char *tls_cert, *tls_key; /* PEM text (not file names), or NULL */
	size_t max_body, max_header;
	unsigned timeout_s, max_connections, max_per_ip, threads;
	double request_deadline_s; /* a request, from its first byte to its answer */
} server_config;

typedef struct server server;

/* Starts listening; NULL (logged) when it cannot. url gets http(s)://host:port. */
server *server_start(const server_config *cfg, commitq *q, char *url, size_t urlsz);
/* The queue's answer callback (see commit.h); ctx is the server. */
void server_answer(void *owner, int status, void *ctx);
/* Stops accepting connections; requests already started go on. */
void server_quiesce(server *s);
/* Requests started and not yet completed. */
unsigned server_active(server *s);
/* Closes every connection and frees the server. */
void server_stop(server *s);

#endif
