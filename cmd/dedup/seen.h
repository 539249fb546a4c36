/* The keys emitted so far, each with the newest version emitted for it: what
 * streaming dedup checks every record against, and what --state persists.
 *
 * Keep-first: a 16-byte slot per key. With --newest-by: a 24-byte slot (the
 * version's kind in the slot's tag; a number as its double, a timestamp as its
 * ticks, a string as offset and length into a string arena, whose bytes come on
 * top). See keytab.h for the load factor. */
#ifndef DEDUP_SEEN_H
#define DEDUP_SEEN_H

#include "buf.h"
#include "keytab.h"
#include "version.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
	keytab tab;
	bool versioned;
	buf strings;      /* string versions, back to back */
	size_t garbage;   /* bytes of strings no slot points to any more */
} seen;

enum seen_verdict {
	SEEN_OLD,   /* key seen at this version or a newer one: a duplicate */
	SEEN_NEW,   /* key unseen, or this version newer: recorded */
	SEEN_FULL,  /* would be new, but recording it would pass the memory limit */
};

void seen_init(seen *s, bool versioned);
void seen_free(seen *s);
/* Whether a record with fp and v would be new, without recording it. */
bool seen_is_new(const seen *s, fp128 fp, const version *v);
/* Records fp at v when that is new, unless that would make the table hold
 * more than limit bytes (SIZE_MAX: no limit). */
enum seen_verdict seen_offer(seen *s, fp128 fp, const version *v, size_t limit);
size_t seen_bytes(const seen *s);
size_t seen_keys(const seen *s);
/* The version held in a slot (for iteration with KEYTAB_EACH over s->tab). */
version seen_slot_version(const seen *s, const keytab_slot slot);

#endif
