/* The target's work on a second thread: while one batch is being loaded,
 * the next one is read, checked and staged (two cores: parsing and the
 * warehouse's work overlap). One batch at a time is loaded, in input order,
 * and the checkpoint barriers that followed its rows are acknowledged by this
 * thread once it is committed, so reading never waits for a commit. */
#ifndef BQLOAD_LOADER_H
#define BQLOAD_LOADER_H

#include "batch.h"
#include "target.h"

#include <pthread.h>
#include <stdbool.h>

typedef struct {
	target *tgt;
	load_ctx *ctx;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	batch *job;           /* being loaded, NULL when idle */
	bool quit;
	int failed;           /* exit code of the first failed load, 0 if none */
} loader;

void loader_start(loader *l, target *tgt, load_ctx *ctx);
/* Waits until the batch handed over last is loaded (and emptied for reuse).
 * Returns the exit code of a failed load, else VP_EXIT_OK. */
int loader_wait(loader *l);
/* Whether a batch is being loaded now. */
bool loader_busy(loader *l);
/* Hands b over (after loader_wait); ctx->loaded_at and ctx->source must be set. */
void loader_submit(loader *l, batch *b);
/* A checkpoint barrier read after every row handed over so far: acknowledged
 * (ctx->ack) once those rows are committed, at once when nothing is being
 * loaded. Returns an exit code when the acknowledgement made now failed;
 * a later one's failure comes back from loader_wait. */
int loader_barrier(loader *l, const char *text, size_t len);
/* Waits, then ends the thread. */
void loader_stop(loader *l);

#endif
