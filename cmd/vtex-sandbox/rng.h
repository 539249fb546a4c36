/* Deterministic pseudo-randomness: every generated value is a pure function
 * of (seed, tag, index), so any entity can be rebuilt alone, in any order,
 * by any thread, and the same seed always gives the same store. */
#ifndef SB_RNG_H
#define SB_RNG_H

#include <stdbool.h>
#include <stdint.h>

/* One stream per kind of entity, so that adding a field to one kind never
 * shifts the values of another. */
enum rng_tag {
	TAG_PRODUCT = 1, TAG_SKU, TAG_PRICE, TAG_ORDER, TAG_TIMELINE, TAG_CLIENT,
	TAG_DAYS, TAG_DAYTIME, TAG_ORDER_CLIENT, TAG_LIVE, TAG_HOOK, TAG_FAULT, TAG_GUID,
	TAG_FEED, TAG_LATE, TAG_RARE,
};

static inline uint64_t mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

typedef struct {
	uint64_t s;
} rng;

static inline rng rng_for(uint64_t seed, enum rng_tag tag, uint64_t index)
{
	rng r = { mix64(seed ^ mix64(((uint64_t)tag << 56) ^ index)) };
	return r;
}

static inline uint64_t rng_next(rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix64(r->s);
}

/* Uniform in [0, n). */
static inline uint32_t rng_below(rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static inline int64_t rng_range(rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)((unsigned __int128)rng_next(r) * (uint64_t)(hi - lo + 1) >> 64);
}

/* Uniform in [0, 1). */
static inline double rng_unit(rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1p-53;
}

static inline bool rng_chance(rng *r, double p)
{
	return rng_unit(r) < p;
}

#define NELEM(a) (sizeof(a) / sizeof(*(a)))
#define RNG_PICK(r, a) ((a)[rng_below((r), NELEM(a))])

#endif
