/* Standard base64 (RFC 4648 section 4, with '=' padding), for bytes that must
 * travel inside JSON text (kafka-cat's envelope carries keys, values and
 * header values that are not UTF-8 this way). */
#ifndef VP_BASE64_H
#define VP_BASE64_H

#include "buf.h"

#include <stdbool.h>
#include <stddef.h>

void base64_encode(buf *out, const void *data, size_t len);
/* Appends the decoded bytes; false (out unchanged) when s is not canonical
 * padded base64 (wrong length, characters outside the alphabet, bad padding). */
bool base64_decode(buf *out, const char *s, size_t n);

#endif
