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
/* RFC 3339 UTC with 7 fractional digits, trailing zeros dropped: 2024-01-02T03:04:05.12Z.
 * out must hold 40 bytes. Returns out. */
char *vtime_format(vtime_t t, char *out);
vtime_t vtime_now(void);

#endif
