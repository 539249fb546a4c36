/* End-to-end acknowledgement through the pipes (vtex-pipes(7), section
 * ACKNOWLEDGEMENTS): checkpoint barriers.
 *
 * A source (kafka-cat -C, vtex-webhook --spool, vtex-fetch feed) started with
 * --ack-from FIFO writes, between its records, control lines of one reserved
 * shape:
 *
 *   {"vtex_pipes_barrier":{"source":"kafka-cat","run":"9f2c...","seq":7,"committed":6,"commit":{...}}}
 *
 * run names the source's process (random), seq counts its barriers from 1,
 * committed is the highest seq acknowledged so far (0: none) and commit says
 * what the source will commit once this line comes back (informational: the
 * source acts on what it remembers itself, never on the line's text).
 *
 * Every tool in between forwards the line unchanged, in order, after
 * everything it read before the line is written out (and its rejects,
 * failures and state are on disk). The sink (bq-load --ack-to, kafka-cat -P
 * --ack-to) makes everything before the line durable (loads the open batch,
 * waits for delivery reports) and then writes the line to its ack output. The
 * source reads it back and only then commits (offsets, spool position, feed
 * handles). An acknowledgement covers every barrier before it of the same run.
 *
 * A crash anywhere replays from the last acknowledged barrier: duplicates,
 * which the sinks absorb, never a gap. */
#ifndef VP_BARRIER_H
#define VP_BARRIER_H

#include "buf.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

struct ndjson_writer;

/* The reserved prefix: a line starting with these bytes is a barrier. */
#define BARRIER_PREFIX "{\"vtex_pipes_barrier\":"
#define BARRIER_PREFIX_LEN (sizeof BARRIER_PREFIX - 1)

static inline bool barrier_is(const char *text, size_t len)
{
	return len >= BARRIER_PREFIX_LEN && __builtin_memcmp(text, BARRIER_PREFIX, BARRIER_PREFIX_LEN) == 0;
}

/* The parts of a barrier line a tool in between may need. */
typedef struct {
	char run[33];
	unsigned long long seq, committed;
} barrier_info;

/* Parses a barrier line; false when it is not a well-formed one. */
bool barrier_parse(const char *text, size_t len, barrier_info *b);

struct rejects;
/* What a stage in between does with a barrier once everything read before it
 * is written to out: syncs its rejects (exit 74 when it cannot: the barrier
 * must not pass ahead of them), then writes the line as it came and flushes. */
void barrier_forward(struct ndjson_writer *out, struct rejects *rej, const char *line, size_t len);

/* ---- the source's side ---- */

typedef struct ack_source ack_source;

/* When a source emits a barrier (defaults in parentheses). */
typedef struct {
	double interval_ms;        /* at most this long after the first record not yet covered (1000) */
	unsigned long records;     /* or once this many records are not yet covered (10000) */
	double keepalive_ms;       /* and, while idle, this often, so a closed pipe is noticed (5000) */
} barrier_policy;

#define BARRIER_POLICY_DEFAULT ((barrier_policy){ .interval_ms = 1000, .records = 10000, .keepalive_ms = 5000 })

/* Opens path for reading acknowledgements, creating it as a FIFO (mode 0600)
 * when absent; an existing path must be a FIFO. It is opened read-write, so
 * the source never sees end-of-file when a sink closes or restarts. NULL with
 * *err set (errno tells more) on failure. source is the tool's name. */
ack_source *ack_source_open(const char *path, const char *source, barrier_policy policy, const char **err);
/* The fd to poll(2) for acknowledgements (POLLIN). */
int ack_source_fd(const ack_source *a);

/* Counts one record written since the last barrier. */
void ack_source_record(ack_source *a);
/* True when a barrier is due now (policy above, now from progress_now()). */
bool ack_source_due(const ack_source *a, double now);
/* Milliseconds until a barrier is due (0: now), for a poll timeout. */
int ack_source_due_in_ms(const ack_source *a, double now);

/* Writes the next barrier to w and flushes w. commit is a JSON object's text
 * (NULL: {}), ctx what the source will act on once it is acknowledged; the
 * source keeps ownership of ctx until the done callback gets it back. Returns
 * the barrier's seq. */
unsigned long long ack_source_emit(ack_source *a, struct ndjson_writer *w, const char *commit, void *ctx);

/* Called for each barrier acknowledged, oldest first; ctx is what emit got. */
typedef void (*ack_done_fn)(void *user, unsigned long long seq, void *ctx);

/* Reads the acknowledgements waiting on the FIFO without blocking and calls
 * done for every pending barrier they cover. Lines of another run or of
 * unknown barriers are ignored (logged at debug). Returns the number of
 * barriers acknowledged, or -1 on a read error (logged). */
int ack_source_take(ack_source *a, ack_done_fn done, void *user);
/* The one wait of every source's --ack-timeout: waits for every pending
 * barrier to be acknowledged (calling done as they are) while they keep
 * coming back, and gives up once idle_ms pass without one (a backlog that a
 * long pipe drains slowly is no stall), or as soon as *stop is set (looked at
 * every 200 ms; stop may be NULL). 1: none is pending any more; 0: gave up;
 * -1: a read error (logged). */
int ack_source_drain(ack_source *a, int idle_ms, ack_done_fn done, void *user, const volatile sig_atomic_t *stop);
/* The same rule for a source with an event loop of its own: true while
 * barriers are pending and one came back (or the wait began, at since)
 * less than idle_s ago. */
bool ack_source_waiting(const ack_source *a, double since, double idle_s, double now);

/* Barriers emitted and not yet acknowledged. */
size_t ack_source_pending(const ack_source *a);
unsigned long long ack_source_committed(const ack_source *a);
/* Logs (once a minute at most) when the oldest barrier has waited more than
 * a minute: a sink without --ack-to, or a stage that drops barriers. */
void ack_source_check_stalled(ack_source *a, double now);

/* Closes the FIFO; drop (may be NULL) gets the ctx of every barrier still
 * pending, which is then never committed. */
void ack_source_close(ack_source *a, void (*drop)(void *ctx));

/* ---- the sink's side ---- */

typedef struct ack_sink ack_sink;

/* path: a FIFO (the source's) or a regular file (appended to, created 0600).
 * Opened at the first acknowledgement, so the sink never waits for a source
 * at start. */
ack_sink *ack_sink_new(const char *path);
/* Writes one barrier line (as it came, without '\n') as an acknowledgement.
 * A source that is gone (no reader on the FIFO) is not an error: the
 * acknowledgement is dropped with a warning, and its source, when it comes
 * back, replays from its last commit. False only on another write error. */
bool ack_sink_write(ack_sink *s, const char *line, size_t len);
unsigned long long ack_sink_count(const ack_sink *s);
void ack_sink_free(ack_sink *s);

#endif
