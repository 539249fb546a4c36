/* The order Feed v3 (API.md 4.4) as a source: `vtex-fetch feed` reads lots
 * of order events, writes each as a hook-shaped line and commits their
 * handles once the pipe's sink has acknowledged them (vtex-pipes(7),
 * ACKNOWLEDGEMENTS); `vtex-fetch feed --configure` sets the feed up. */
#ifndef VF_FEED_H
#define VF_FEED_H

#include "barrier.h"
#include "fetch.h"

typedef struct {
	const char *ack_from;   /* the acknowledgement FIFO; NULL: commit once written */
	barrier_policy policy;
	double ack_timeout_s;   /* at the end, how long to wait for the last acknowledgement */
	double poll_ms;         /* after an empty lot, the wait before asking again */
} feed_options;

/* Reads until SIGTERM or SIGINT (then exits cleanly: a last barrier,
 * standard output closed, the acknowledgements waited for, the handles
 * committed) or until the feed fails (404: not configured, 78; the retry
 * budget spent, 75). The exit status goes to f. */
void feed_run(fetch *f, const feed_options *o);

typedef struct {
	const char *status;     /* comma-separated workflow states; NULL: every state */
	long visibility_s, retention_s;
} feed_config_options;

/* POST /api/orders/feed/config unless VTEX holds that configuration already;
 * returns the exit status. */
int feed_configure(fetch *f, const feed_config_options *o);

#endif
