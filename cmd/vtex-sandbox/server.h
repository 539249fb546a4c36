/* The HTTP server: libmicrohttpd with a thread pool on epoll. Per request it
 * applies, in order: the chosen fault, latency (suspended connections, no
 * thread held), the rate limit, credentials, routing, and truncation. */
#ifndef SB_SERVER_H
#define SB_SERVER_H

#include "app.h"

#include <stdbool.h>
#include <stddef.h>

/* Starts listening on cfg->listen (ADDR:PORT or [ADDR6]:PORT); writes
 * "http://ADDR:PORT" into base_url. */
bool server_start(app *a, char *base_url, size_t n);
/* Stops accepting, answers what is waiting, then stops. */
void server_stop(app *a);

#endif
