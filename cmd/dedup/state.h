/* --state FILE: the emitted keys and versions, kept across runs.
 *
 * FILE is a snapshot, FILE.journal an append-only log of what was emitted
 * since. A journal entry is appended only after the record's line has been
 * written to standard output (with barriers in the input: only once the sink
 * has acknowledged it, see held.h), so neither file ever holds a key whose
 * record was not emitted: a crash at any moment (kill -9, power loss) can
 * only make the next run emit a record again, never skip one. Every entry carries a
 * checksum; loading stops at the first torn or damaged entry of the journal
 * (a crash in mid-append) and cuts the journal there. A snapshot is written to
 * FILE.tmp, fsync'd and renamed over FILE, and only then is the journal
 * emptied, so a crash during compaction leaves either the old snapshot and the
 * whole journal or the new snapshot (entries are idempotent: replaying one
 * keeps the newer version). Files record the key and version fields and the
 * hash seed; a state is never read with other fields. An exclusive lock
 * (flock on the journal) keeps a second dedup off the same state. */
#ifndef DEDUP_STATE_H
#define DEDUP_STATE_H

#include "buf.h"
#include "fingerprint.h"
#include "seen.h"
#include "version.h"

#include <stdint.h>

typedef struct state state;

/* Loads path into s (fresh when the files are absent). *seed is the hash seed
 * to use: the state's own, or the given one for a new state. On failure logs
 * why and returns NULL with *exit_code set. */
state *state_open(const char *path, const char *spec, uint64_t *seed, seen *s, int *exit_code);
/* Appends the journal entry for (fp, v) to pending (to be written once the record is out). */
void state_entry(buf *pending, fp128 fp, const version *v);
/* The key of the entry that starts at p (in a buffer state_entry filled) and
 * the entry's length. */
size_t state_entry_key(const char *p, fp128 *fp);
/* Writes pending entries to the journal and empties pending. Call only when
 * the records they stand for have been written out. False on an I/O error
 * (logged). */
bool state_append(state *st, buf *pending);
/* Makes what was appended durable (fsync). False on an I/O error (logged). */
bool state_sync(state *st);
/* Whether the journal has grown past the size at which it is compacted: the
 * size state_compact_at set (16 MiB by default) and the snapshot's. */
bool state_compact_due(const state *st);
void state_compact_at(state *st, size_t bytes);
/* Writes a snapshot of s and empties the journal. Call only when every key s
 * holds is journalled, except those in skip (NULL: none), which the
 * snapshot leaves out. */
bool state_compact(state *st, const seen *s, const keytab *skip);
void state_close(state *st);

#endif
