/* Buffered NDJSON output. Lines accumulate in memory and go out in large
 * writes; ndjson_writer_flush() pushes them now (a tool that acknowledges
 * something, or commits an offset, flushes first).
 *
 * A closed output (EPIPE: the reader went away) or any other write error
 * ends the tool through the writer's failure handler: the default logs
 * "output closed" and exits VP_EXIT_IOERR (74), never a silent SIGPIPE death.
 * vp_ignore_sigpipe() must be called once at start-up (cli_init does it). */
#ifndef VP_NDJSON_WRITER_H
#define VP_NDJSON_WRITER_H

#include "buf.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct ndjson_writer ndjson_writer;

/* Called on a write error with errno's value; the default exits the process. */
typedef void (*ndjson_write_failed)(ndjson_writer *w, int err, void *ctx);

ndjson_writer *ndjson_writer_open(int fd, const char *name);
/* Opens (creating or appending to) a file; NULL with errno set on failure. */
ndjson_writer *ndjson_writer_open_file(const char *path, bool append);
void ndjson_writer_on_failure(ndjson_writer *w, ndjson_write_failed cb, void *ctx);

/* Appends one line; a trailing '\n' is added. The text must not contain '\n'. */
void ndjson_write_line(ndjson_writer *w, const char *text, size_t len);
/* The writer's buffer, to build a line in place; end it with ndjson_end_line(). */
buf *ndjson_line_buf(ndjson_writer *w);
void ndjson_end_line(ndjson_writer *w);
/* Counts n whole lines (each ended by '\n') appended to ndjson_line_buf() at
 * once, e.g. all the rows made from one record, so none is flushed half done. */
void ndjson_end_lines(ndjson_writer *w, unsigned long long n);

/* Writes out everything buffered. Returns false if the handler returned after a failure. */
bool ndjson_writer_flush(ndjson_writer *w);
/* Flushes, then fsync(2)s the file (not again when nothing was written since
 * the last sync); for journals that must survive a crash. */
bool ndjson_writer_sync(ndjson_writer *w);
unsigned long long ndjson_writer_lines(const ndjson_writer *w);
/* Bytes written out so far (flushed). */
unsigned long long ndjson_writer_bytes(const ndjson_writer *w);
/* Flushes and frees; closes the fd if the writer opened it. Returns false on a write error. */
bool ndjson_writer_close(ndjson_writer *w);

void vp_ignore_sigpipe(void);

#endif
