/* One VTEX hook notification: is the body a ping, an order event, or
 * unusable; and the NDJSON line an event becomes (the payload as sent,
 * whitespace outside strings removed, plus "_received_at"). Pure functions,
 * no I/O. */
#ifndef VW_EVENT_H
#define VW_EVENT_H

#include "buf.h"

#include <stddef.h>

typedef enum {
	EVENT_ORDER, /* {"OrderId":..., "State":..., "LastChange":..., ...} */
	EVENT_PING,  /* {"hookConfig":"ping"}: answered 200, written nowhere */
	EVENT_BAD,   /* anything else; *why says what is wrong (static text) */
} event_kind;

/* Longest OrderId and State accepted (VTEX's are far shorter). */
enum { EVENT_MAX_FIELD = 256 };
/* Top-level fields accepted (VTEX sends 8). */
enum { EVENT_MAX_FIELDS = 256 };

event_kind event_check(const char *body, size_t len, const char **why);

/* Appends the NDJSON line (no '\n') for a body event_check() accepted as an
 * order event; received_at is an RFC 3339 timestamp. */
void event_line(buf *out, const char *body, size_t len, const char *received_at);

#endif
