/* The spool: a journal on disk where events are appended and fdatasync'd
 * before they are acknowledged, then forwarded to the output by another
 * thread, so a slow or restarting downstream loses nothing.
 *
 * DIR holds journal.EPOCH.ndjson files (appends go to the newest one) and
 * "forwarded", which records where the next run starts forwarding ("EPOCH
 * OFFSET"). On open, journals left by an earlier run are forwarded first,
 * from that point on (a line may go out twice after a crash, never zero
 * times); a torn last line (a crash in the middle of an append, never
 * acknowledged) is dropped. The current journal is rotated when forwarding
 * has caught up with it and it has grown past rotate_bytes.
 *
 * Two positions: how far forwarding got (in memory), and how far is
 * committed (the "forwarded" file). Without acknowledgements the two move
 * together: a line is committed once it is written to the output. With them
 * (vtex-webhook --ack-from), only spool_acknowledge() commits, when the end of
 * the pipe says a position is durable; the "forwarded" file is then replaced
 * atomically (temporary file, fsync, rename, fsync of the directory). A
 * journal is deleted once committed to its end.
 *
 * DIR/lock is flock(2)ed while the spool is open: a second vtex-webhook on
 * the same DIR is refused.
 *
 * spool_append() and spool_forward() may run on two threads at once;
 * spool_forwarded() and spool_acknowledge() belong to the forwarding thread. */
#ifndef VW_SPOOL_H
#define VW_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct spool spool;

/* A place in the spool: a journal and an offset in it (at a line's start). */
typedef struct {
	unsigned long long epoch;
	long long offset;
} spool_pos;

/* acked: commit only through spool_acknowledge(). NULL with *err set (a
 * static message; errno tells more) on failure. */
spool *spool_open(const char *dir, size_t rotate_bytes, bool acked, const char **err);
/* Appends whole lines (data ends with '\n') and syncs them to disk. On
 * failure the journal is cut back to where it was and false returned;
 * *broken is set when even that failed (the spool is unusable). */
bool spool_append(spool *s, const char *data, size_t len, bool *broken);
/* Forwards up to max bytes of whole lines, and at most max_lines lines (0:
 * no limit), to fd (waiting while fd is not writable); *lines gets how many
 * lines went out. Returns the bytes forwarded, 0 when caught up, -1 on a
 * write error (errno set). */
ssize_t spool_forward(spool *s, int fd, size_t max, size_t max_lines, size_t *lines);
/* How far forwarding got: everything before it is written out. */
spool_pos spool_forwarded(spool *s);
/* Commits p (a position spool_forwarded() gave; one before the committed
 * position is ignored): records it, then deletes the journals wholly before
 * it. False when it cannot be recorded (logged; nothing deleted). */
bool spool_acknowledge(spool *s, spool_pos p);
/* Bytes appended and not yet forwarded (all journals). */
unsigned long long spool_backlog(spool *s);
/* Bytes appended and not yet committed: what the next run would forward. */
unsigned long long spool_uncommitted(spool *s);
/* Lines dropped as torn when the spool was opened. */
unsigned long long spool_torn_bytes(const spool *s);
/* Frees the spool; when everything was committed, removes the last journal. */
void spool_close(spool *s);

#endif
