/* Creation-date windows for the OMS list: VTEX's filter takes inclusive
 * millisecond bounds, our windows are half-open [since, until) in 100 ns
 * ticks; a window holding more than the list can page through is split in
 * halves on a millisecond boundary. */
#ifndef VF_WINDOW_H
#define VF_WINDOW_H

#include "vtime.h"

#include <stdbool.h>

#define WINDOW_TICKS_PER_MS (VTIME_TICKS_PER_SEC / 1000)

typedef struct {
	vtime_t since, until; /* [since, until) */
} window;

/* Splits w at a millisecond boundary near its middle; false when w spans
 * no more than one millisecond (it cannot be split on the filter's grid). */
bool window_split(window w, window *left, window *right);
/* The f_creationDate value covering w: creationDate:[floor_ms(since) TO ceil_ms(until)].
 * Rows on the edges that fall outside w are dropped with window_holds(). */
void window_filter(window w, const char *field, char *out, size_t outsz);
bool window_holds(window w, vtime_t t);
/* RFC 3339 UTC with exactly 3 fractional digits: 2024-01-02T03:04:05.120Z. */
void window_format_ms(vtime_t t, char *out, size_t outsz);

#endif
