#include "feed_queue.h"
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fq_push(feed_queue *q, const struct order_event *ev, uint64_t event, double now, double visible_at)
{
	if (q->n == q->cap) {
		if (q->head) { /* reuse the room the front left */
			memmove(q->v, q->v + q->head, (q->n - q->head) * sizeof *q->v);
			q->n -= q->head;
			q->head = 0;
		}
		if (q->n == q->cap) {
			q->cap = q->cap ? q->cap * 2 : 256;
			q->v = xrealloc(q->v, q->cap * sizeof *q->v);
		}
	}
	struct fq_msg *m = &q->v[q->n++];
	memset(m, 0, sizeof *m);
	m->id = ++q->next_id;
	m->event = event;
	m->entered = now;
	m->visible_at = visible_at;
	m->fulfillment = ev->fulfillment;
	m->state = (uint8_t)ev->state;
	m->last_state = (int8_t)ev->last_state;
	m->last_change = ev->last_change;
	m->current_change = ev->current_change;
	snprintf(m->order_id, sizeof m->order_id, "%s", ev->order_id);
	q->live++;
}

/* Skips the committed messages at the front; squeezes them out of the
 * middle once they outnumber the live ones. */
static void tidy(feed_queue *q)
{
	while (q->head < q->n && q->v[q->head].gone)
		q->head++;
	if (q->head == q->n) {
		q->head = q->n = 0;
		return;
	}
	size_t gone = q->n - q->head - q->live;
	if (gone <= q->live + 64)
		return;
	size_t w = 0;
	for (size_t r = q->head; r < q->n; r++)
		if (!q->v[r].gone)
			q->v[w++] = q->v[r];
	q->head = 0;
	q->n = w;
}

size_t fq_expire(feed_queue *q, double before)
{
	size_t dropped = 0;
	while (q->head < q->n && (q->v[q->head].gone || q->v[q->head].entered < before)) {
		if (!q->v[q->head].gone) {
			q->live--;
			dropped++;
		}
		q->head++;
	}
	tidy(q);
	return dropped;
}

size_t fq_receive(feed_queue *q, size_t max, double now, double timeout, struct fq_msg **out)
{
	size_t got = 0;
	for (size_t i = q->head; i < q->n && got < max; i++) {
		struct fq_msg *m = &q->v[i];
		if (m->gone || m->visible_at > now)
			continue;
		m->receipt++;
		m->visible_at = now + timeout;
		out[got++] = m;
	}
	return got;
}

bool fq_commit(feed_queue *q, uint64_t id, uint32_t receipt)
{
	size_t lo = q->head, hi = q->n;
	while (lo < hi) { /* ids increase along the queue */
		size_t mid = lo + (hi - lo) / 2;
		if (q->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == q->n || q->v[lo].id != id || q->v[lo].gone || q->v[lo].receipt != receipt || !receipt)
		return false;
	q->v[lo].gone = true;
	q->live--;
	tidy(q);
	return true;
}

double fq_oldest(const feed_queue *q)
{
	for (size_t i = q->head; i < q->n; i++)
		if (!q->v[i].gone)
			return q->v[i].entered;
	return -1;
}

void fq_free(feed_queue *q)
{
	free(q->v);
	memset(q, 0, sizeof *q);
}
