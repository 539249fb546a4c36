#include "acks.h"
#include "log.h"
#include "ndjson_writer.h"
#include "progress.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

struct spool_acks {
	ack_source *src;
	spool *sp;
	ndjson_writer *w;        /* the output, for barriers only (lines go out with write(2)) */
	int werr;                /* the output's write error, 0 if none */
	unsigned long records;   /* the policy's count */
	unsigned long since;     /* lines forwarded since the last barrier */
	spool_pos *newest;       /* the newest position acknowledged and not yet committed */
};

static void write_failed(ndjson_writer *w, int err, void *ctx)
{
	(void)w;
	((spool_acks *)ctx)->werr = err;
}

spool_acks *spool_acks_open(const char *fifo, barrier_policy policy, spool *sp, int out_fd, const char **err)
{
	ack_source *src = ack_source_open(fifo, "vtex-webhook", policy, err);
	if (!src)
		return NULL;
	spool_acks *a = xcalloc(1, sizeof *a);
	a->src = src;
	a->sp = sp;
	a->records = policy.records;
	a->w = ndjson_writer_open(out_fd, "output");
	ndjson_writer_on_failure(a->w, write_failed, a);
	return a;
}

size_t spool_acks_room(const spool_acks *a)
{
	return a->since < a->records ? a->records - a->since : 1;
}

void spool_acks_forwarded(spool_acks *a, size_t lines)
{
	a->since += lines;
	for (size_t i = 0; i < lines; i++)
		ack_source_record(a->src);
}

/* ack_done_fn: only the newest position matters (it covers the older ones),
 * so a burst of acknowledgements costs one commit. */
static void acked(void *user, unsigned long long seq, void *ctx)
{
	spool_acks *a = user;
	(void)seq;
	free(a->newest);
	a->newest = ctx;
}

static void commit_newest(spool_acks *a)
{
	if (!a->newest)
		return;
	spool_acknowledge(a->sp, *a->newest); /* a failure is logged; a later acknowledgement tries again */
	log_debug("spool position acknowledged", LI("epoch", a->newest->epoch), LI("offset", a->newest->offset));
	free(a->newest);
	a->newest = NULL;
}

/* Takes what the FIFO holds, reading it only when something is there (as
 * ack_source_drain does). */
static void take_waiting(spool_acks *a)
{
	struct pollfd p = { .fd = ack_source_fd(a->src), .events = POLLIN };
	if (poll(&p, 1, 0) > 0)
		ack_source_take(a->src, acked, a); /* a read error is logged; the FIFO is ours, it will not recur */
	commit_newest(a);
}

static bool emit(spool_acks *a)
{
	spool_pos *p = xmalloc(sizeof *p);
	*p = spool_forwarded(a->sp);
	char commit[96];
	snprintf(commit, sizeof commit, "{\"epoch\":%llu,\"offset\":%lld}", p->epoch, p->offset);
	ack_source_emit(a->src, a->w, commit, p);
	a->since = 0;
	if (a->werr) {
		errno = a->werr;
		return false;
	}
	return true;
}

bool spool_acks_tick(spool_acks *a)
{
	take_waiting(a);
	double now = progress_now();
	ack_source_check_stalled(a->src, now);
	return ack_source_due(a->src, now) ? emit(a) : true;
}

int spool_acks_wait_ms(const spool_acks *a)
{
	int ms = ack_source_due_in_ms(a->src, progress_now());
	/* While barriers are out, look for their acknowledgements often. */
	int most = ack_source_pending(a->src) ? 50 : 200;
	return ms < most ? ms : most;
}

bool spool_acks_last(spool_acks *a)
{
	take_waiting(a);
	return emit(a);
}

bool spool_acks_drain(spool_acks *a, int timeout_ms)
{
	take_waiting(a);
	bool all = timeout_ms > 0 ? ack_source_drain(a->src, timeout_ms, acked, a, NULL) == 1 : ack_source_pending(a->src) == 0;
	commit_newest(a);
	return all;
}

size_t spool_acks_pending(const spool_acks *a)
{
	return ack_source_pending(a->src);
}

void spool_acks_close(spool_acks *a)
{
	if (!a)
		return;
	ack_source_close(a->src, free);
	free(a->newest);
	/* The fd is the output's: the writer does not own it. */
	ndjson_writer_close(a->w);
	free(a);
}
