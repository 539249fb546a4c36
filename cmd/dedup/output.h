/* Standard output, tied to the state journal: a record's journal entry is
 * written only after its line has gone out (write(2) to standard output
 * returned), so the state never claims a record that was not emitted.
 *
 * Once barriers flow (from the first one, or from the start with
 * --state-on-ack) an entry waits longer: until the sink has acknowledged its
 * record (held.h), so that a record replayed after a crash further down the
 * pipe is not taken for a duplicate of one that never reached the sink. */
#ifndef DEDUP_OUTPUT_H
#define DEDUP_OUTPUT_H

#include "fingerprint.h"
#include "held.h"
#include "ndjson_writer.h"
#include "seen.h"
#include "state.h"
#include "version.h"

typedef struct {
	ndjson_writer *w;
	state *st;          /* NULL without --state */
	const seen *seen;   /* what the state persists */
	buf pending;        /* journal entries of lines not yet flushed, or released */
	bool acked;         /* entries wait in held for their acknowledgement */
	bool journalled;    /* entries were journalled before barriers came */
	unsigned long long barriers, unreadable;
	held held;
} output;

/* acked: entries wait for acknowledgements from the first record on. */
void output_init(output *o, state *st, const seen *s, bool acked);
/* Emits one record's line; (fp, v) is what the state records for it. */
void output_line(output *o, const char *text, size_t len, fp128 fp, const version *v);
/* Pushes buffered lines out, then their journal entries. A write error on
 * either ends the process with exit status 74. */
void output_flush(output *o);
/* Passes a barrier line on: the lines before it go out, then (with a state)
 * the stretch it ends is held, the entries it says were acknowledged are
 * journalled and fsync'd, and then the line goes out and is flushed. The
 * caller has made its rejects durable first. */
void output_barrier(output *o, const char *text, size_t len);
/* Bytes of journal entries held back, for the --max-memory accounting. */
size_t output_held_bytes(const output *o);
/* Flushes and closes standard output; what is still held is dropped. */
bool output_close(output *o);
/* At a clean end, after output_close: writes the state's snapshot (once
 * barriers came: only when the journal is due, the keys not journalled left
 * out). */
bool output_compact(output *o);
void output_free(output *o);

#endif
