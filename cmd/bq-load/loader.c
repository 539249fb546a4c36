#include "loader.h"
#include "exitcode.h"
#include "log.h"
#include "progress.h"

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

void loader_submit(loader *l, batch *b)
{
	pthread_mutex_lock(&l->mu);
	l->job = b;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
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
