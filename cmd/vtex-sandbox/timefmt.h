/* Timestamps in the sandbox's JSON: VTEX writes them in several shapes
 * (enum vtime_shape, lib/vtime.h); the sandbox uses each where VTEX does, so
 * clients meet them all (API.md §1.3). */
#ifndef SB_TIMEFMT_H
#define SB_TIMEFMT_H

#include "buf.h"
#include "vtime.h"

/* Appends t as a quoted JSON string. */
void tf_put(buf *b, vtime_t t, enum vtime_shape f);
/* Appends t as a quoted JSON string, or null when t is 0. */
void tf_put_or_null(buf *b, vtime_t t, enum vtime_shape f);

#define VT_SEC VTIME_TICKS_PER_SEC
#define VT_MIN (60 * VT_SEC)
#define VT_HOUR (60 * VT_MIN)
#define VT_DAY (24 * VT_HOUR)

#endif
