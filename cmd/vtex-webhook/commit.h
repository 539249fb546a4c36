/* Group commit: lines handed in by concurrent requests are written together
 * (one write, or one append + fdatasync to the spool journal), then every
 * request of the batch is answered at once.
 *
 * Each submitted line is answered exactly once through the answer callback,
 * from one of the queue's threads: 200 once the line is written out (or in
 * the journal and synced), 503 when its deadline passes first or the output
 * is closed. A line answered 503 before any byte of it went out is never
 * written; only a line cut by a stall mid-write may still go out after its
 * 503 (a duplicate, which the pipeline tolerates). */
#ifndef VW_COMMIT_H
#define VW_COMMIT_H

#include "acks.h"
#include "spool.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct commitq commitq;

typedef void (*commit_answer_fn)(void *owner, int status, void *ctx);

typedef struct {
	int out_fd;              /* where lines go (without a spool), or where the spool forwards */
	spool *sp;               /* NULL: write to out_fd directly */
	spool_acks *acks;        /* with sp: barriers between forwarded lines, and the spool's
				  * position committed only when they come back (NULL: once forwarded) */
	double deadline_s;       /* a line not committed this long after submission is answered 503 */
	size_t max_batch_bytes;  /* a batch closes past this size */
	commit_answer_fn answer;
	void *ctx;
} commit_options;

commitq *commitq_start(const commit_options *o);
/* Queues a copy of line (without '\n'). false when the queue no longer takes
 * lines (output closed, or stopping): answer the request 503 yourself. */
bool commitq_submit(commitq *q, const char *line, size_t len, void *owner);
/* True once the output was found closed (EPIPE or a write error). */
bool commitq_closed(const commitq *q);
typedef enum {
	COMMITQ_STOPPED,      /* everything written (and forwarded; with acks, the last barrier too) */
	COMMITQ_OUT_CLOSED,   /* the output was closed */
	COMMITQ_BACKLOG,      /* the spool's forwarder is still stuck on the output:
			       * the journal keeps the rest; do not free the spool, exit */
} commitq_end;
/* Refuses new lines, writes (or answers) every queued one, lets the spool
 * forward what it holds (for at most drain_s seconds), joins the threads and
 * frees the queue (not on COMMITQ_BACKLOG). */
commitq_end commitq_stop(commitq *q, double drain_s);

#endif
