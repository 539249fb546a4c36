/* The spool: a journal on disk where events are appended and fdatasync'd
 * before they are acknowledged, then forwarded to the output by another
 * thread, so a slow or restarting downstream loses nothing.
 *
 * DIR holds journal.EPOCH.ndjson files (appends go to the newest one) and
 * "forwarded", which records how far forwarding got ("EPOCH OFFSET"). On
 * open, journals left by an earlier run are forwarded first, from that
 * point on (a line may go out twice after a crash, never zero times); a torn
 * last line (a crash in the middle of an append, never acknowledged) is
 * dropped. A journal is deleted once forwarded; the current one is rotated
 * when forwarding has caught up with it and it has grown past rotate_bytes.
 *
 * spool_append() and spool_forward() may run on two threads at once. */
#ifndef VW_SPOOL_H
#define VW_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct spool spool;

/* NULL with *err set (a static message; errno tells more) on failure. */
spool *spool_open(const char *dir, size_t rotate_bytes, const char **err);
/* Appends whole lines (data ends with '\n') and syncs them to disk. On
 * failure the journal is cut back to where it was and false returned;
 * *broken is set when even that failed (the spool is unusable). */
bool spool_append(spool *s, const char *data, size_t len, bool *broken);
/* Forwards up to max bytes of whole lines to fd (waiting while fd is not
 * writable); returns the bytes forwarded, 0 when caught up, -1 on a write
 * error (errno set). */
ssize_t spool_forward(spool *s, int fd, size_t max);
/* Bytes appended and not yet forwarded (all journals). */
unsigned long long spool_backlog(spool *s);
/* Lines dropped as torn when the spool was opened. */
unsigned long long spool_torn_bytes(const spool *s);
/* Frees the spool; when everything was forwarded, removes the last journal. */
void spool_close(spool *s);

#endif
