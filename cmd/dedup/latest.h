/* --latest-only: holds the latest record of each key (the newest version, the
 * first read of that version; without --newest-by the last one read) and, at the
 * end of input, emits them in the order their keys were first seen.
 *
 * The records are held in memory while they fit in the limit. Past it, what is
 * held is written out to 16 partition files chosen by 4 bits of each key's
 * fingerprint, memory is emptied and reading goes on (and spills again when
 * full). At the end each partition is reduced the same way, in memory or by
 * splitting it again on the next 4 bits, into a run of winners sorted by
 * first-seen position; the runs are merged (at most 64 at a time) into the
 * output order. Spill files live in the temporary directory, unlinked from the
 * start. */
#ifndef DEDUP_LATEST_H
#define DEDUP_LATEST_H

#include "fingerprint.h"
#include "version.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct latest latest;

/* Called for each record to emit, in output order. */
typedef void (*latest_emit)(void *ctx, const char *text, size_t len, fp128 fp, const version *v);

latest *latest_new(bool versioned, size_t limit, const char *tmpdir);
/* Takes the record read at position ord (positions increase). */
void latest_add(latest *l, uint64_t ord, fp128 fp, const version *v, const char *text, size_t len);
/* Emits every key's latest record in first-seen order. */
void latest_finish(latest *l, latest_emit emit, void *ctx);
/* Keys held in memory now, spills so far, and the peak of memory held. */
size_t latest_keys(const latest *l);
unsigned latest_spills(const latest *l);
size_t latest_peak_bytes(const latest *l);
void latest_free(latest *l);

#endif
