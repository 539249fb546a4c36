/* A key's fingerprint: 125 bits of XXH3-128 over the typed values of the key
 * fields. Bit 0 of hi is always 1 (a table slot whose hi is 0 is empty) and
 * bits 1-2 of hi are 0 (the table keeps a 2-bit tag there). */
#ifndef DEDUP_FINGERPRINT_H
#define DEDUP_FINGERPRINT_H

#include <stdint.h>

typedef struct {
	uint64_t hi, lo;
} fp128;

#define FP_TAG_MASK UINT64_C(6)

static inline fp128 fp_make(uint64_t hi, uint64_t lo)
{
	return (fp128){ (hi & ~FP_TAG_MASK) | 1, lo };
}

#endif
