/* The JSON envelope of -C -J and -P -J: one line per message,
 *   {"topic":"t","partition":0,"offset":42,"timestamp":1733300000000,
 *    "key":"k","headers":[["name","value"]],"value":"..."}
 * key, value and each header value are a JSON string when the bytes are
 * UTF-8 without NUL, {"base64":"..."} otherwise, or null (no key, a tombstone,
 * a header without value). timestamp is milliseconds since the epoch, null
 * when the message has none. -P -J reads back what -C -J wrote: the same key,
 * value, headers (in order) and timestamp, to the envelope's partition unless
 * -p says otherwise; offset is ignored. A partition of null (or none) leaves
 * the choice to the partitioner. */
#ifndef KAFKACAT_ENVELOPE_H
#define KAFKACAT_ENVELOPE_H

#include "buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	const char *data; /* NULL: null */
	size_t len;
} kc_bytes;

typedef struct {
	kc_bytes name, value;
} kc_header;

typedef struct {
	const char *topic;     /* NULL when absent (decode) */
	size_t topic_len;
	int32_t partition;     /* -1: absent (decode) */
	int64_t offset;        /* -1: absent */
	int64_t timestamp;     /* -1: none */
	kc_bytes key, value;
	kc_header *headers;
	size_t nheaders;
} kc_msg;

/* Appends the envelope of m (no newline). */
void kc_envelope_encode(buf *out, const kc_msg *m);
/* Appends bytes as the envelope writes them: a JSON string, {"base64":...} or null. */
void kc_bytes_encode(buf *out, kc_bytes b);

/* A decoded envelope; its kc_msg points into storage it owns. */
typedef struct {
	kc_msg msg;
	void *json;            /* cJSON tree */
	buf *blobs;            /* decoded base64 */
	size_t nblobs, capblobs;
} kc_envelope;

/* Decodes one line. Returns NULL on success (free with kc_envelope_free),
 * else the reason (static text) and nothing to free. */
const char *kc_envelope_decode(kc_envelope *e, const char *text, size_t len);
void kc_envelope_free(kc_envelope *e);

#endif
