/* Deterministic row ids: 128-bit XXH3 hashes (xxHash 0.8, whose XXH3 output is
 * frozen), written as 32 lowercase hex digits in canonical (big-endian) order.
 *
 *   root row:  XXH3-128 of the root table name and the record's id parts
 *              (see keyspec.h), each part framed as tag byte + length + bytes;
 *   child row: XXH3-128 of parent id (16 bytes) + path hash (8) + index (8)
 *              [+ occurrence (8), only when the same key repeats in one object].
 *
 * The path hash of a field is XXH3-64 of its raw key seeded with the path hash
 * of the enclosing object (0 at the row), so it names the exact key path from
 * the parent row to the array, independently of how names are snake_cased. */
#ifndef NN_ROWID_H
#define NN_ROWID_H

#include "buf.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint8_t b[16];
} rowid;

enum { ROWID_HEX_LEN = 32 };

/* The hash input of a root id is built in a buf with these, then hashed. */
void rowid_frame(buf *in, char tag, const void *p, size_t n);
rowid rowid_of(const void *p, size_t n);
rowid rowid_child(const rowid *parent, uint64_t path_hash, uint64_t idx, uint64_t occurrence);
uint64_t rowid_path_hash(uint64_t parent_path_hash, const char *key, size_t n);
/* Writes 32 hex digits (no NUL). */
void rowid_hex(const rowid *id, char out[ROWID_HEX_LEN]);

#endif
