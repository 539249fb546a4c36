/* Standard output, tied to the state journal: a record's journal entry is
 * written only after its line has gone out (write(2) to standard output
 * returned), so the state never claims a record that was not emitted. */
#ifndef DEDUP_OUTPUT_H
#define DEDUP_OUTPUT_H

#include "fingerprint.h"
#include "ndjson_writer.h"
#include "seen.h"
#include "state.h"
#include "version.h"

typedef struct {
	ndjson_writer *w;
	state *st;          /* NULL without --state */
	const seen *seen;   /* what the state persists */
	buf pending;        /* journal entries of lines not yet flushed */
} output;

void output_init(output *o, state *st, const seen *s);
/* Emits one record's line; (fp, v) is what the state records for it. */
void output_line(output *o, const char *text, size_t len, fp128 fp, const version *v);
/* Pushes buffered lines out, then their journal entries. A write error on
 * either ends the process with exit status 74. */
void output_flush(output *o);
/* Flushes and closes standard output. */
bool output_close(output *o);

#endif
