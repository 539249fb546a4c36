/* A scheduler per endpoint class: a queue per priority, the class's budget
 * (a token bucket), its concurrency cap, one pause for every caller after a
 * 429, and retries with jitter, shared by a few loops (threads). Each loop
 * runs its share of the callers (gw_serve_fn: a libmicrohttpd daemon of the
 * front's), then every class's queues, starting what they allow on its own
 * libcurl multi client (lib/http.h, one attempt per submit: retries are the
 * scheduler's, so each goes through the budget and the queue again). A
 * request its class may start at once is started by the loop that read it
 * as it is queued (one lock), and answered there: it crosses no thread
 * (only one that waited may be started by another loop, which then wakes
 * the first), where the hand-offs between an HTTP server thread and a
 * class's libcurl thread, two wakeups each way, were most of the latency
 * the gateway added (bench/RESULTS.md).
 *
 * Budget: a class with budget N per window W starts at most N requests in any
 * W seconds: a bucket of B = max(1, N/W/10) tokens (a tenth of a second's worth) refilled
 * at (N - B)/W a second. An endpoint budget is a second bucket per endpoint.
 *
 * Priorities, no starvation: of every 10 starts while all three wait, 7 go to
 * realtime, 2 to batch, 1 to backfill; a share its priority does not use goes
 * to the highest priority waiting. So realtime is served first, batch takes
 * what is left, backfill the idle budget, and each still moves under load. */
#ifndef GW_SCHED_H
#define GW_SCHED_H

#include "buf.h"
#include "classes.h"
#include "http.h"

#include <stdbool.h>

enum gw_priority { GW_REALTIME, GW_BATCH, GW_BACKFILL, GW__PRIORITIES };

const char *gw_priority_name(int p);
/* "realtime", "batch", "backfill" (case-insensitive); -1 otherwise. */
int gw_priority_parse(const char *s);

typedef void (*gw_done_fn)(void *ctx);

/* One caller's request, from the front end to VTEX and back. */
typedef struct gw_job {
	int cls, prio;
	char *method, *url; /* upstream */
	struct curl_slist *headers;
	buf body;
	bool has_body;
	char endpoint[160];
	gw_done_fn done;    /* called once, on a loop's thread, with the result filled */
	void *ctx;
	/* the result */
	int status;          /* what the caller gets */
	buf resp_body;
	buf resp_headers;    /* "Name: value\r\n" lines to pass on */
	int attempts;
	double queued_s, upstream_s;
	/* the scheduler's */
	double enqueued, not_before;
	void *owner;         /* its class */
	void *home;          /* the loop that read it */
	struct gw_job *next;
} gw_job;

typedef struct {
	gw_class_cfg cls[GW__CLASSES];
	const char *base_url, *pricing_url;
	const char *cacert;
	http_retry_policy retry;
	double max_queue_s;  /* a request waiting longer gets 503 and Retry-After */
	double timeout_s, connect_timeout_s;
} gw_sched_cfg;

typedef struct gw_sched gw_sched;

/* What a loop serves beside VTEX, called on its thread at every turn before
 * the queues are served (it may submit jobs): sets *fd, whose readability
 * calls it again, and returns the milliseconds after which it wants to be
 * called at the latest. */
typedef int (*gw_serve_fn)(void *ctx, int *fd);

/* The scheduler and the VTEX clients of its loops, with the credentials
 * (vtex_add_credentials); NULL with *why when they are missing. */
gw_sched *gw_sched_new(const gw_sched_cfg *cfg, unsigned loops, const char **why, const char **hint);
/* Starts loop i's thread. */
void gw_sched_start(gw_sched *s, unsigned i, gw_serve_fn serve, void *ctx);
/* Queues a job (the class owns it until done runs); from a loop's serve. */
void gw_sched_submit(gw_sched *s, gw_job *j);
/* Answers every queued job 503, lets the ones in flight finish, joins the
 * loops (started or not); a job submitted after it is answered 503 at once. */
void gw_sched_stop(gw_sched *s);
/* After gw_sched_stop, once nothing can submit any more (the front stopped). */
void gw_sched_free(gw_sched *s);
void gw_job_free(gw_job *j);

#endif
