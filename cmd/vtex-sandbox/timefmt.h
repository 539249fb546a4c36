/* VTEX writes timestamps in several shapes; the sandbox uses each where VTEX
 * does, so clients meet them all (API.md §1.3). */
#ifndef SB_TIMEFMT_H
#define SB_TIMEFMT_H

#include "buf.h"
#include "vtime.h"

enum tfmt {
	TF_OFFSET7, /* 2024-02-06T20:46:11.7010747+00:00  (OMS detail lastChange) */
	TF_OFFSET6, /* 2024-02-04T20:09:43.899958+00:00   (OMS detail creationDate) */
	TF_OFFSET0, /* 2019-02-04T10:29:11+00:00          (OMS list rows) */
	TF_Z7,      /* 2019-08-14T17:11:39.2550122Z       (hooks, Master Data) */
	TF_Z0,      /* 2017-12-07T14:30:00Z               (Pricing date ranges) */
	TF_LOCAL0,  /* 2020-01-06T00:00:00                (Catalog, no zone) */
};

/* Writes t in shape f into out (at least 40 bytes); returns out. */
char *tf_format(vtime_t t, enum tfmt f, char *out);
/* Appends t as a quoted JSON string. */
void tf_put(buf *b, vtime_t t, enum tfmt f);
/* Appends t as a quoted JSON string, or null when t is 0. */
void tf_put_or_null(buf *b, vtime_t t, enum tfmt f);

#define VT_SEC VTIME_TICKS_PER_SEC
#define VT_MIN (60 * VT_SEC)
#define VT_HOUR (60 * VT_MIN)
#define VT_DAY (24 * VT_HOUR)

#endif
