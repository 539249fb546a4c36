/* Which fields make a record's key (--key F[,F...], dotted paths into nested
 * objects) and its version (--newest-by F), and the fingerprint of a record's key.
 *
 * The fingerprint is XXH3-128 (seeded; the seed is kept in the state file) of
 * the key values in field order, each typed: a string as 's', its length and
 * its bytes (after JSON unescaping), a number as 'n' and its IEEE double (so
 * 1, 1.0 and 1e0 are one key, and "1" is another), true/false as 't'/'f', an
 * array or object as 'j' and its compact JSON text. A missing or null key
 * field makes the record keyless: it is rejected, never merged with others. */
#ifndef DEDUP_KEYSPEC_H
#define DEDUP_KEYSPEC_H

#include "buf.h"
#include "fingerprint.h"
#include "version.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	char **fields;
	size_t nfields;
	const char *version_field;   /* NULL: keep-first */
	uint64_t seed;
	buf scratch;                 /* the bytes hashed, and refusal reasons */
} keyspec;

/* Splits "a,b.c" into fields; returns false when a field is empty. */
bool keyspec_init(keyspec *k, const char *key_list, const char *version_field);
void keyspec_free(keyspec *k);
/* A text naming the key fields and version field, stored in state files so a
 * state is never read with another key. */
void keyspec_describe(const keyspec *k, buf *out);

/* Computes obj's fingerprint, and its version when a version field is set.
 * Returns NULL, or the reason the record has no usable key or version (valid
 * until the next call). */
const char *keyspec_read(keyspec *k, const cJSON *obj, fp128 *fp, version *v);

#endif
