/* An open-addressing hash table (linear probing, power-of-two capacity, load
 * at most 3/4) of key fingerprints, each slot optionally carrying one 64-bit
 * value and a 2-bit tag. A slot is 16 bytes (no value) or 24 bytes, so a key
 * costs slot / load: 21 to 43 bytes without a value, 32 to 64 with one, and
 * while the table doubles the old and new arrays are both held. */
#ifndef DEDUP_KEYTAB_H
#define DEDUP_KEYTAB_H

#include "fingerprint.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint64_t *slots;  /* cap * words */
	size_t cap, count;
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
/* Bytes held now, and at the peak of adding one more key (both arrays while doubling). */
size_t keytab_bytes(const keytab *t);
size_t keytab_bytes_to_add(const keytab *t);

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

/* Visits every occupied slot (in table order). */
#define KEYTAB_EACH(t, s) \
	for (keytab_slot s = (t)->slots; s && s < (t)->slots + (t)->cap * (t)->words; s += (t)->words) \
		if (s[0])

#endif
