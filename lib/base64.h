/* base64 (RFC 4648): the standard alphabet with '=' padding, for bytes that
 * must travel inside JSON text (kafka-cat's envelope carries keys, values and
 * header values that are not UTF-8 this way) or HTTP headers; the URL
 * alphabet without padding for JWTs (lib/bq_auth). */
#ifndef VP_BASE64_H
#define VP_BASE64_H

#include "buf.h"

#include <stdbool.h>
#include <stddef.h>

/* Append data encoded: standard alphabet (+/) with padding. */
void base64_encode(buf *out, const void *data, size_t len);
/* Append data encoded: URL alphabet (-_), no padding (section 5, JWT). */
void base64url_encode(buf *out, const void *data, size_t len);
/* Appends the decoded bytes; false (out unchanged) when s is not canonical
 * padded base64 (wrong length, characters outside the alphabet, bad padding). */
bool base64_decode(buf *out, const char *s, size_t n);

#endif
