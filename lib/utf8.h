/* UTF-8 validation (bq-load: the warehouses refuse a whole load for one bad byte, so
 * rows are checked one by one first; kafka-cat: bytes that are not UTF-8 go
 * into a JSON envelope as base64). */
#ifndef VP_UTF8_H
#define VP_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool utf8_valid(const char *s, size_t n);

#endif
