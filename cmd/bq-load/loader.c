#include "loader.h"
#include "exitcode.h"
#include "log.h"
#include "progress.h"

#include <string.h>

/* Acknowledges the barrier lines in p ('\n' after each): the rejects of the
 * rows before them on disk, the summary lines written, then each barrier
 * to --ack-to. Called with the loader idle or by the loader thread. */
static int acknowledge(load_ctx *c, const char *p, size_t n)
{
	if (!n)
		return VP_EXIT_OK;
	pthread_mutex_lock(&c->rej_lock);
	bool synced = rejects_sync(c->rej);
	pthread_mutex_unlock(&c->rej_lock);
	if (!synced) {
		log_error("cannot write the rejects file", LS("path", c->o->rejects));
		return VP_EXIT_IOERR;
	}
	ndjson_writer_flush(c->out);
	for (const char *end = p + n, *nl; c->ack && p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!ack_sink_write(c->ack, p, (size_t)(nl - p)))
			return VP_EXIT_IOERR;
		metric_add(c->m_acks, 1);
	}
	return VP_EXIT_OK;
}

static void *loader_main(void *arg)
{
	loader *l = arg;
	pthread_mutex_lock(&l->mu);
	for (;;) {
		while (!l->job && !l->quit)
			pthread_cond_wait(&l->cv, &l->mu);
		if (!l->job)
			break;
		batch *b = l->job;
		pthread_mutex_unlock(&l->mu);

		double t0 = progress_now();
		int rc = l->tgt->load(l->tgt, b, l->ctx);
		metric_add(l->ctx->m_batches, 1);
		log_debug("batch done", LI("rows", b->rows), LI("bytes", b->bytes), LD("seconds", progress_now() - t0));
		batch_reset(b);

		pthread_mutex_lock(&l->mu);
		if (rc == VP_EXIT_OK && !l->failed) /* a failed load acknowledges nothing after it */
			rc = acknowledge(l->ctx, b->barriers.data, b->barriers.len);
		b->barriers.len = 0;
		if (rc != VP_EXIT_OK && !l->failed)
			l->failed = rc;
		l->job = NULL;
		pthread_cond_broadcast(&l->cv);
	}
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

void loader_start(loader *l, target *tgt, load_ctx *ctx)
{
	l->tgt = tgt;
	l->ctx = ctx;
	l->job = NULL;
	l->quit = false;
	l->failed = VP_EXIT_OK;
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
	if (pthread_create(&l->thread, NULL, loader_main, l) != 0) {
		log_error("cannot start the loader thread");
		exit(VP_EXIT_SOFTWARE);
	}
}

int loader_wait(loader *l)
{
	pthread_mutex_lock(&l->mu);
	while (l->job)
		pthread_cond_wait(&l->cv, &l->mu);
	int rc = l->failed;
	pthread_mutex_unlock(&l->mu);
	return rc;
}

bool loader_busy(loader *l)
{
	pthread_mutex_lock(&l->mu);
	bool busy = l->job != NULL;
	pthread_mutex_unlock(&l->mu);
	return busy;
}

void loader_submit(loader *l, batch *b)
{
	pthread_mutex_lock(&l->mu);
	l->job = b;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

int loader_barrier(loader *l, const char *text, size_t len)
{
	int rc = VP_EXIT_OK;
	pthread_mutex_lock(&l->mu);
	if (l->job) {
		buf_put(&l->job->barriers, text, len);
		buf_putc(&l->job->barriers, '\n');
	} else if (l->failed) {
		rc = l->failed;
	} else {
		char *line = xmalloc(len + 1);
		memcpy(line, text, len);
		line[len] = '\n';
		rc = l->failed = acknowledge(l->ctx, line, len + 1);
		free(line);
	}
	pthread_mutex_unlock(&l->mu);
	return rc;
}

void loader_stop(loader *l)
{
	loader_wait(l);
	pthread_mutex_lock(&l->mu);
	l->quit = true;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
	pthread_join(l->thread, NULL);
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->cv);
}
