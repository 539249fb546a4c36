/* --state with barriers in the input (vtex-pipes(7), ACKNOWLEDGEMENTS): the
 * journal entries of emitted records, held back until the sink has
 * acknowledged those records.
 *
 * The entries of the records between two barriers form a stretch, tagged with
 * the seq of the barrier that ends it. A later barrier of the same run whose
 * committed is at least that seq says the sink made everything before that
 * barrier durable: the stretch is released, to be journalled. When a barrier
 * of another run comes, the acknowledgement of the stretches held can no
 * longer be read: they are dropped, and so is whatever is still held at the
 * end of input. A dropped key is never journalled (its record, replayed by
 * the source, passes again after a restart: a duplicate, never a loss), and
 * a snapshot leaves it out (held_keys).
 *
 * A barrier that cannot be parsed ends no stretch: the records before it wait
 * for the next barrier, whose acknowledgement covers them too. */
#ifndef DEDUP_HELD_H
#define DEDUP_HELD_H

#include "barrier.h"
#include "buf.h"
#include "keytab.h"

#include <stddef.h>

typedef struct {
	unsigned long long seq;  /* of the barrier that ends it */
	buf entries;
} stretch;

typedef struct {
	char run[sizeof ((barrier_info){ 0 }).run]; /* of the stretches held; "" before any */
	stretch *s;              /* oldest first */
	size_t n, cap;
	buf open;                /* entries of the records since the last barrier */
	buf dropped;             /* entries never to be journalled */
} held;

void held_init(held *h);
void held_free(held *h);
/* The barrier b ends the open stretch. Appends to release the entries of
 * every stretch b says was acknowledged (they leave h). */
void held_barrier(held *h, const barrier_info *b, buf *release);
/* Drops every entry still held (at the end of input). */
void held_end(held *h);
/* Bytes held, for the --max-memory accounting. */
size_t held_bytes(const held *h);
/* Adds the key of every entry held or dropped to t (with_value false): the
 * keys a snapshot must leave out. */
void held_keys(const held *h, keytab *t);

#endif
