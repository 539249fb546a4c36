/* Text helpers for generated data: ASCII slugs of unicode names (link ids,
 * e-mail local parts), GUIDs and hex ids drawn from the seed. */
#ifndef SB_TEXT_H
#define SB_TEXT_H

#include "buf.h"

#include <stddef.h>
#include <stdint.h>

/* Lower-case ASCII slug of UTF-8 text: Latin accents folded (ã -> a, ß -> ss),
 * other scripts dropped, runs of anything else become one `sep`. */
void text_slug(buf *out, const char *s, char sep);
/* 8-4-4-4-12 lower-case GUID (version 4 layout) from two 64-bit draws; out holds 37 bytes. */
char *text_guid(uint64_t a, uint64_t b, char *out);
/* n hex digits (n <= 32) from two 64-bit draws; out holds n+1 bytes. */
char *text_hex(uint64_t a, uint64_t b, int n, int upper, char *out);

#endif
