/* VTEX timestamps: 0 to 7 fractional digits, 'Z', '+hh:mm', '-hh:mm' (or
 * '+hhmm') or no zone (read as UTC); a bare date 'YYYY-MM-DD' is midnight UTC.
 * Parsed to one comparable instant: 100 ns ticks since 1970-01-01T00:00:00Z. */
#ifndef VP_VTIME_H
#define VP_VTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t vtime_t;

#define VTIME_TICKS_PER_SEC 10000000LL

/* Returns false when s[0..len) is not such a timestamp (trailing bytes refused). */
bool vtime_parse(const char *s, size_t len, vtime_t *out);
/* The room a formatted timestamp needs (the longest, with an offset, is 33 bytes). */
#define VTIME_FORMAT_SIZE 40

/* The shapes a timestamp is written in: the suite's own, and those VTEX writes
 * (API.md §1.3; vtex-sandbox uses each where VTEX does). All UTC. */
enum vtime_shape {
	VTIME_TRIMMED_Z, /* 2024-01-02T03:04:05.12Z: 7 digits, trailing zeros dropped */
	VTIME_OFFSET7,   /* 2024-02-06T20:46:11.7010747+00:00  (OMS detail lastChange) */
	VTIME_OFFSET6,   /* 2024-02-04T20:09:43.899958+00:00   (OMS detail creationDate) */
	VTIME_OFFSET0,   /* 2019-02-04T10:29:11+00:00          (OMS list rows) */
	VTIME_Z7,        /* 2019-08-14T17:11:39.2550122Z       (hooks, Master Data) */
	VTIME_Z0,        /* 2017-12-07T14:30:00Z               (Pricing date ranges) */
	VTIME_LOCAL0,    /* 2020-01-06T00:00:00                (Catalog, no zone) */
};

/* Writes t in the given shape into out (VTIME_FORMAT_SIZE bytes); returns out. */
char *vtime_format_as(vtime_t t, enum vtime_shape shape, char *out);
/* vtime_format_as(t, VTIME_TRIMMED_Z, out): RFC 3339 UTC, 2024-01-02T03:04:05.12Z. */
char *vtime_format(vtime_t t, char *out);
vtime_t vtime_now(void);

#endif
