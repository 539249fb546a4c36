/* Orders: full detail per order, from ids, from hook events on standard
 * input, or from every order created in a window (the OMS list, split until
 * each slice fits under its 30-page cap and checked against its totals). */
#ifndef VF_ORDERS_H
#define VF_ORDERS_H

#include "fetch.h"
#include "lineq.h"
#include "window.h"

typedef struct orders orders;

orders *orders_new(fetch *f);
void orders_free(orders *o);
/* Queues one order's detail; event (may be NULL) is the hook event or
 * failure record it came from, kept for the failure record; o takes it. */
void orders_add_id(orders *o, const char *order_id, cJSON *event);
/* Queues every order created in w. */
void orders_add_window(orders *o, window w);
/* Takes hook events (or failure records of kind "order") from fd as they
 * come, on a reader thread. A barrier line (barrier.h) among them is passed
 * on once every fetch of the events before it has ended and the side files
 * are synced; the events after it wait for that. */
void orders_follow(orders *o, int fd);

/* http_feed_fn-like: submits queued work; false when nothing more will come. */
bool orders_feed(orders *o, size_t room);

#endif
