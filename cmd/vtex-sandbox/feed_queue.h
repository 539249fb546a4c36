/* One app key's feed queue (API.md §4.4) as plain data, the clock passed in:
 * messages in the order they entered; a message received stays invisible
 * until its visibility timeout ends, then is delivered again with a new
 * receipt; committing its latest receipt removes it; messages older than the
 * retention are dropped. Not thread-safe: feed.c holds a lock around it. */
#ifndef SB_FEED_QUEUE_H
#define SB_FEED_QUEUE_H

#include "order_event.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fq_msg {
	uint64_t id;         /* increasing in the queue, never reused */
	uint64_t event;      /* the event it carries: a duplicate has the same */
	double entered;      /* seconds, the caller's clock */
	double visible_at;   /* receivable from then on */
	uint32_t receipt;    /* times received so far; a handle names the latest */
	bool gone;           /* committed */
	bool fulfillment;
	uint8_t state;
	int8_t last_state;
	vtime_t last_change, current_change;
	char order_id[32];
};

typedef struct {
	struct fq_msg *v;
	size_t head, n, cap; /* messages are v[head..n), some gone */
	size_t live;         /* not gone */
	uint64_t next_id;
} feed_queue;

/* Appends ev (entered now) as message of event number `event`, receivable from visible_at. */
void fq_push(feed_queue *q, const struct order_event *ev, uint64_t event, double now, double visible_at);
/* Drops the messages that entered before `before`, committed or not; returns how many were not. */
size_t fq_expire(feed_queue *q, double before);
/* Takes up to max messages receivable at now, in queue order: each gets a new
 * receipt and stays invisible until now + timeout. out[] points into the
 * queue until its next change. */
size_t fq_receive(feed_queue *q, size_t max, double now, double timeout, struct fq_msg **out);
/* Removes message id if `receipt` is its latest; false when it is not (unknown, gone or stale). */
bool fq_commit(feed_queue *q, uint64_t id, uint32_t receipt);
/* When the oldest message entered, or -1 when the queue is empty. */
double fq_oldest(const feed_queue *q);
void fq_free(feed_queue *q);

#endif
