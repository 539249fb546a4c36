/* Feed v3 (API.md §4.4): one feed per app key, configured with a §4.1 filter
 * and a queue (visibility timeout, retention); live mode's order events enter
 * every feed whose filter takes them, some twice, some held back so later ones
 * overtake them (the hook's --hook-dup-rate and --hook-reorder-rate); clients
 * receive them in lots of at most 10 and commit them by handle. The live
 * thread emits, HTTP threads receive and commit: one lock guards it all. The
 * clock is passed in (seconds, CLOCK_MONOTONIC in the server). */
#ifndef SB_FEED_H
#define SB_FEED_H

#include "buf.h"
#include "order_event.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	FEED_MAX_LOT = 10,
	FEED_VISIBILITY_MIN = 1, FEED_VISIBILITY_MAX = 43200, FEED_VISIBILITY_DEFAULT = 250,
	FEED_RETENTION_MIN = 345600, FEED_RETENTION_MAX = 1209600,
	FEED_MAX_MESSAGES = 500000, /* per feed; past it new events are dropped and counted */
};

struct feed_settings {
	size_t nkeys;         /* app keys, each with its feed */
	uint64_t seed;
	double dup_rate, reorder_rate;
	long min_retention;   /* FEED_RETENTION_MIN, lower only for tests */
};

struct feeds;

struct feeds *feeds_new(const struct feed_settings *s);
void feeds_free(struct feeds *f);

/* POST /api/orders/feed/config for app key `key`: returns the HTTP status,
 * with the configuration in out (200) or the reason in *msg. */
int feeds_configure(struct feeds *f, int key, const char *body, size_t len, double now, buf *out, const char **msg);
/* GET /api/orders/feed/config: false when the key has no feed. */
bool feeds_get_config(struct feeds *f, int key, double now, buf *out);
/* DELETE /api/orders/feed/config: the configuration and its queue; false when there was none. */
bool feeds_delete(struct feeds *f, int key);
/* GET /api/orders/feed?maxlot=N: up to maxlot events as a JSON array; false when the key has no feed. */
bool feeds_receive(struct feeds *f, int key, size_t maxlot, double now, buf *out);
/* POST /api/orders/feed: removes the messages whose latest handle is given;
 * other handles (unknown, stale, another key's) are ignored. Returns how many
 * were removed. */
size_t feeds_commit(struct feeds *f, int key, const char *const *handles, size_t n, double now);
/* An order event, into every feed that takes it. */
void feeds_emit(struct feeds *f, const struct order_event *ev, double now);

#endif
