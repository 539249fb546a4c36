#include "delay.h"
#include "buf.h"
#include "progress.h"

#include <math.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

struct pending {
	double due;
	struct MHD_Connection *conn;
};

struct delayer {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct pending *heap; /* min-heap on due */
	size_t n, cap;
	bool stopping;
};

static void heap_push(struct delayer *d, struct pending p)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 256;
		d->heap = xrealloc(d->heap, d->cap * sizeof *d->heap);
	}
	size_t i = d->n++;
	while (i > 0 && d->heap[(i - 1) / 2].due > p.due) {
		d->heap[i] = d->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	d->heap[i] = p;
}

static struct pending heap_pop(struct delayer *d)
{
	struct pending top = d->heap[0], last = d->heap[--d->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= d->n)
			break;
		if (c + 1 < d->n && d->heap[c + 1].due < d->heap[c].due)
			c++;
		if (d->heap[c].due >= last.due)
			break;
		d->heap[i] = d->heap[c];
		i = c;
	}
	if (d->n)
		d->heap[i] = last;
	return top;
}

/* Absolute CLOCK_MONOTONIC timespec for the condition variable. */
static struct timespec abs_time(double t)
{
	struct timespec ts;
	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - floor(t)) * 1e9);
	return ts;
}

static void *run(void *arg)
{
	struct delayer *d = arg;
	pthread_mutex_lock(&d->lock);
	for (;;) {
		if (d->n == 0) {
			if (d->stopping)
				break;
			pthread_cond_wait(&d->wake, &d->lock);
			continue;
		}
		double now = progress_now();
		if (d->heap[0].due <= now || d->stopping) {
			struct pending p = heap_pop(d);
			MHD_resume_connection(p.conn);
			continue;
		}
		struct timespec ts = abs_time(d->heap[0].due);
		pthread_cond_timedwait(&d->wake, &d->lock, &ts);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

struct delayer *delayer_start(void)
{
	struct delayer *d = xcalloc(1, sizeof *d);
	pthread_condattr_t ca;
	pthread_mutex_init(&d->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->wake, &ca);
	pthread_condattr_destroy(&ca);
	pthread_create(&d->thread, NULL, run, d);
	return d;
}

void delayer_add(struct delayer *d, struct MHD_Connection *conn, double due)
{
	pthread_mutex_lock(&d->lock);
	if (d->stopping) { /* shutting down: no more waiting */
		pthread_mutex_unlock(&d->lock);
		MHD_resume_connection(conn);
		return;
	}
	bool earliest = d->n == 0 || due < d->heap[0].due;
	heap_push(d, (struct pending){ due, conn });
	if (earliest)
		pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
}

void delayer_stop(struct delayer *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	d->stopping = true;
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL);
}

void delayer_free(struct delayer *d)
{
	if (!d)
		return;
	pthread_cond_destroy(&d->wake);
	pthread_mutex_destroy(&d->lock);
	free(d->heap);
	free(d);
}
