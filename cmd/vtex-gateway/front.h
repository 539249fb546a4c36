/* The gateway's HTTP side (libmicrohttpd): authenticates callers, turns each
 * request into a job for its class's scheduler, holds the connection
 * (suspended, no thread) until the job is done, answers it and writes one
 * access-log line; serves /metrics and /healthz. */
#ifndef GW_FRONT_H
#define GW_FRONT_H

#include "sched.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct {
	const char *listen;       /* ADDR:PORT, [ADDR6]:PORT or unix:PATH */
	mode_t socket_mode;       /* unix:PATH's */
	unsigned threads, max_connections;
	char *tls_cert, *tls_key; /* PEM text, or NULL: plain HTTP */
	char *token;              /* callers' bearer token, or NULL (loopback or Unix socket only) */
	const char *base_url, *pricing_url;
	size_t max_body;
} gw_front_cfg;

typedef struct gw_front gw_front;

/* NULL (logged) when it cannot listen; url gets the base URL callers use. */
gw_front *gw_front_start(const gw_front_cfg *cfg, gw_sched *s, char *url, size_t urlsz);
/* After gw_sched_stop, which answered every held connection. */
void gw_front_stop(gw_front *f);

#endif
