/* vtex-webhook --spool --ack-from FIFO: the source's side of the
 * acknowledgement protocol (vtex-pipes(7), ACKNOWLEDGEMENTS; lib/barrier.h).
 *
 * The spool's forwarder writes a barrier between lines (never inside one)
 * when one is due; its commit is the spool position reached, {"epoch":E,
 * "offset":O}. When the barrier comes back on the FIFO, that position is
 * committed (spool_acknowledge: the "forwarded" file, then the journals
 * wholly before it are deleted); until then a restart forwards again from
 * the last acknowledged position.
 *
 * Everything here runs on the forwarding thread, then (once it has ended)
 * on the main thread for the final wait. */
#ifndef VW_ACKS_H
#define VW_ACKS_H

#include "barrier.h"
#include "spool.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct spool_acks spool_acks;

/* Opens (creating) the FIFO; barriers go to out_fd. NULL with *err set (a
 * static message; errno tells more) on failure. */
spool_acks *spool_acks_open(const char *fifo, barrier_policy policy, spool *sp, int out_fd, const char **err);
/* Lines that may be forwarded before a barrier is due by count. */
size_t spool_acks_room(const spool_acks *a);
/* Counts lines just forwarded (the output is at a line boundary). */
void spool_acks_forwarded(spool_acks *a, size_t lines);
/* Takes the acknowledgements waiting (committing the newest position) and
 * writes a barrier when one is due. False when the output cannot be written
 * (errno set). */
bool spool_acks_tick(spool_acks *a);
/* Milliseconds the forwarder may sleep before it should tick again. */
int spool_acks_wait_ms(const spool_acks *a);
/* Writes the last barrier, once everything is forwarded. False as tick. */
bool spool_acks_last(spool_acks *a);
/* Waits for every barrier written to come back, committing as they do, while
 * one comes back at least every timeout_ms (0: only takes what is there);
 * true when none is missing. */
bool spool_acks_drain(spool_acks *a, int timeout_ms);
/* Barriers written and not acknowledged. */
size_t spool_acks_pending(const spool_acks *a);
/* Closes the FIFO; positions never acknowledged are not committed. */
void spool_acks_close(spool_acks *a);

#endif
