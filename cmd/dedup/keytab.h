/* An open-addressing hash table of key fingerprints, each slot optionally
 * carrying one 64-bit value and a 2-bit tag. A slot is 16 bytes (no value) or
 * 24 bytes. The table is 64 shards (by the top 6 bits of fp.lo), each with
 * linear probing, a power-of-two capacity and a load of at most 3/4, doubled
 * on its own: a key costs slot / load, 21 to 43 bytes without a value, 32 to
 * 64 with one, and while one shard doubles, only that shard's old and new
 * arrays are held together (1/64 of the table on top, not the whole table). */
#ifndef DEDUP_KEYTAB_H
#define DEDUP_KEYTAB_H

#include "fingerprint.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { KEYTAB_SHARD_BITS = 6, KEYTAB_SHARDS = 1 << KEYTAB_SHARD_BITS };

typedef struct {
	uint64_t *slots;  /* cap * words */
	size_t cap, count;
} keytab_shard;

typedef struct {
	keytab_shard shard[KEYTAB_SHARDS];
	size_t count, bytes;
	unsigned words;   /* 2: fingerprint only; 3: fingerprint and value */
} keytab;

/* A slot: s[0] = hi | tag << 1, s[1] = lo, s[2] = value (words == 3). */
typedef uint64_t *keytab_slot;

void keytab_init(keytab *t, bool with_value);
void keytab_free(keytab *t);
/* The slot holding fp, or NULL. */
keytab_slot keytab_get(const keytab *t, fp128 fp);
/* The slot holding fp, added (tag and value 0) when absent; *added says which. */
keytab_slot keytab_put(keytab *t, fp128 fp, bool *added);
/* Bytes held now, and at the peak of adding fp (its shard's old and new
 * arrays while it doubles). */
size_t keytab_bytes(const keytab *t);
size_t keytab_bytes_to_add(const keytab *t, fp128 fp);

static inline unsigned keytab_tag(const keytab_slot s)
{
	return (unsigned)((s[0] & FP_TAG_MASK) >> 1);
}
static inline void keytab_set_tag(keytab_slot s, unsigned tag)
{
	s[0] = (s[0] & ~FP_TAG_MASK) | ((uint64_t)(tag & 3) << 1);
}
static inline fp128 keytab_fp(const keytab_slot s)
{
	return fp_make(s[0], s[1]);
}

/* Visits every occupied slot. */
#define KEYTAB_EACH(t, s)                                                                   \
	for (const keytab_shard *s##_sh = (t)->shard; s##_sh < (t)->shard + KEYTAB_SHARDS; s##_sh++) \
		for (keytab_slot s = s##_sh->slots; s && s < s##_sh->slots + s##_sh->cap * (t)->words; \
		     s += (t)->words)                                                         \
			if (s[0])

#endif
