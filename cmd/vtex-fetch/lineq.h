/* Standard input read on its own thread, so a long-running `orders
 * --from-hooks` keeps its transfers going while it waits for the next event:
 * lines go through a bounded queue (the reader blocks when it is full, which
 * is the backpressure on the producer) and each new line wakes the HTTP loop. */
#ifndef VF_LINEQ_H
#define VF_LINEQ_H

#include <stdbool.h>
#include <stddef.h>

typedef struct lineq lineq;

typedef struct {
	char *text;    /* malloc'd, NUL-terminated; the caller frees it */
	size_t len;
	size_t lineno;
	char *reason;  /* malloc'd: why a line longer than --max-line was dropped
	                  (text is then its head); NULL for a whole line */
} lineq_line;

/* wake(ctx) is called from the reader thread after each line and at EOF. */
lineq *lineq_start(int fd, const char *name, size_t max_lines, void (*wake)(void *), void *ctx);
/* 1: a line; 0: none now; -1: input ended (or failed: see lineq_failed) and drained. */
int lineq_pop(lineq *q, lineq_line *out);
/* The same, waiting up to timeout_ms for a line when none is there yet. */
int lineq_pop_wait(lineq *q, lineq_line *out, int timeout_ms);
bool lineq_failed(const lineq *q);
/* Joins the reader once input has ended; otherwise leaves it blocked in
 * read(2) for the process exit to end. */
void lineq_free(lineq *q);

#endif
