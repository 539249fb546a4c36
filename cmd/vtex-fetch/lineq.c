#include "lineq.h"
#include "buf.h"
#include "log.h"
#include "ndjson_reader.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct lineq {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t not_full, not_empty;
	ndjson_reader *reader;
	lineq_line *ring;
	size_t max, head, count;
	bool ended, failed;
	void (*wake)(void *);
	void *ctx;
};

static void *reader_main(void *arg)
{
	lineq *q = arg;
	ndjson_line line;
	enum ndjson_status st;
	while ((st = ndjson_next_line(q->reader, &line)) == NDJSON_OK || st == NDJSON_BAD) {
		lineq_line l = { xstrndup(line.text, line.len), line.len, line.lineno,
				 st == NDJSON_BAD ? xstrdup(line.reason) : NULL };
		pthread_mutex_lock(&q->lock);
		while (q->count == q->max)
			pthread_cond_wait(&q->not_full, &q->lock);
		q->ring[(q->head + q->count++) % q->max] = l;
		pthread_cond_signal(&q->not_empty);
		pthread_mutex_unlock(&q->lock);
		q->wake(q->ctx);
	}
	if (st == NDJSON_IOERR)
		log_error("cannot read the input", LS("input", ndjson_reader_name(q->reader)),
			  LS("error", strerror(errno)));
	pthread_mutex_lock(&q->lock);
	q->ended = true;
	q->failed = st == NDJSON_IOERR;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
	q->wake(q->ctx);
	return NULL;
}

lineq *lineq_start(int fd, const char *name, size_t max_lines, void (*wake)(void *), void *ctx)
{
	lineq *q = xcalloc(1, sizeof *q);
	q->max = max_lines ? max_lines : 1;
	q->ring = xcalloc(q->max, sizeof *q->ring);
	q->reader = ndjson_reader_open(fd, name);
	q->wake = wake;
	q->ctx = ctx;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->not_full, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	if (pthread_create(&q->thread, NULL, reader_main, q) != 0) {
		log_error("cannot start the input thread");
		abort();
	}
	return q;
}

int lineq_pop(lineq *q, lineq_line *out)
{
	return lineq_pop_wait(q, out, 0);
}

int lineq_pop_wait(lineq *q, lineq_line *out, int timeout_ms)
{
	int got;
	pthread_mutex_lock(&q->lock);
	if (!q->count && !q->ended && timeout_ms > 0) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += timeout_ms / 1000;
		until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!q->count && !q->ended &&
		       pthread_cond_timedwait(&q->not_empty, &q->lock, &until) == 0)
			;
	}
	if (q->count) {
		*out = q->ring[q->head];
		q->head = (q->head + 1) % q->max;
		q->count--;
		pthread_cond_signal(&q->not_full);
		got = 1;
	} else {
		got = q->ended ? -1 : 0;
	}
	pthread_mutex_unlock(&q->lock);
	return got;
}

bool lineq_failed(const lineq *q)
{
	return q->failed;
}

void lineq_free(lineq *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	bool ended = q->ended;
	pthread_mutex_unlock(&q->lock);
	if (!ended) {
		pthread_detach(q->thread);
		return;
	}
	pthread_join(q->thread, NULL);
	for (size_t i = 0; i < q->count; i++) {
		lineq_line *l = &q->ring[(q->head + i) % q->max];
		free(l->text);
		free(l->reason);
	}
	free(q->ring);
	ndjson_reader_close(q->reader);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->not_full);
	pthread_cond_destroy(&q->not_empty);
	free(q);
}
