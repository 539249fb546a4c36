/* The gateway's HTTP side (libmicrohttpd, a daemon per loop of the
 * scheduler's, all on one listening socket, run by the loops: no thread of
 * their own): authenticates callers, turns each request into a job for its
 * class's scheduler, holds the connection (suspended) until the job is done,
 * answers it and writes one access-log line; serves /metrics and /healthz. */
#ifndef GW_FRONT_H
#define GW_FRONT_H

#include "sched.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct {
	const char *listen;       /* ADDR:PORT, [ADDR6]:PORT or unix:PATH */
	mode_t socket_mode;       /* unix:PATH's */
	unsigned threads;         /* the scheduler's loops */
	unsigned max_connections;
	char *tls_cert, *tls_key; /* PEM text, or NULL: plain HTTP */
	char *token;              /* callers' bearer token, or NULL (loopback or Unix socket only) */
	const char *base_url, *pricing_url;
	size_t max_body;
} gw_front_cfg;

typedef struct gw_front gw_front;

/* NULL (logged) when it cannot listen; url gets the base URL callers use. */
gw_front *gw_front_start(const gw_front_cfg *cfg, gw_sched *s, char *url, size_t urlsz);
/* Loop i's share of the callers, the ctx of gw_front_serve. */
void *gw_front_loop(gw_front *f, unsigned i);
/* A gw_serve_fn: serves the callers of one loop. */
int gw_front_serve(void *ctx, int *fd);
/* After gw_sched_stop, which answered every held connection: sends those
 * answers (for 2 s at most), then closes. */
void gw_front_stop(gw_front *f);

#endif
