/* ndjson-post's pieces that need no network: the URL template, the
 * idempotency key, the HMAC signature (tests/unit/test_ndjson_post.c). */
#ifndef NDJSON_POST_POST_H
#define NDJSON_POST_POST_H

#include "buf.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* --url 'https://crm.internal/customers/{customer_id}': literal text and
 * {field} slots (dots reach into nested objects). */
typedef struct {
	size_t n;
	char **lit;        /* n + 1 literal pieces */
	char **field;      /* n field paths */
} url_template;

/* False with *err (static text) on an unclosed or empty {}. */
bool url_template_parse(url_template *t, const char *text, const char **err);
/* The URL for rec: each slot's value (a string as it is, a number or boolean
 * as its JSON text) percent-encoded, '/' included. False with *field set to
 * the field and *why to the reason when one is absent, null, an object or an
 * array, or empty, "." or ".." (which would change the path: curl and servers
 * remove dot segments, so /c/{id}/notes with id ".." would be /notes). */
bool url_template_expand(const url_template *t, const cJSON *rec, buf *out, const char **field, const char **why);
void url_template_free(url_template *t);

/* Idempotency key: the first 128 bits of SHA-256, in hex (32 chars), over
 * the whole body (fields NULL) or over the JSON text of each listed field of
 * each record, separated. */
typedef struct {
	char **fields;
	size_t n;
} key_fields;

/* "a,b.c" -> fields; NULL or "line" -> whole line. */
void key_fields_parse(key_fields *k, const char *spec);
void key_fields_free(key_fields *k);
/* Adds one record's part of the key material to m. */
void key_material_add(const key_fields *k, const cJSON *rec, const char *line, size_t len, buf *m);
/* out: 33 bytes. */
void idempotency_key(const void *material, size_t len, char out[33]);

/* HMAC-SHA256 of body with key, as lowercase hex (out: 65 bytes). */
void hmac_sha256_hex(const char *key, size_t keylen, const void *body, size_t len, char out[65]);

#endif
