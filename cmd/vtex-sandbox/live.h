/* Live mode: new orders at --orders-per-second, each moving along its
 * workflow a step every few seconds (and so do the orders that were open at
 * the start), older orders invoiced or canceled weeks late (--late-share),
 * new customers, profile edits; every order step is announced to the hook and
 * enters the feeds. One thread makes every change. */
#ifndef SB_LIVE_H
#define SB_LIVE_H

#include "app.h"

struct live;

struct live *live_start(app *a);
void live_stop(struct live *l);
/* Holds changes back while the truth is computed, so it matches one instant. */
void live_pause(struct live *l);
void live_resume(struct live *l);

#endif
