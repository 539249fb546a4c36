/* An append-only array that readers on any thread index without locks while
 * one writer appends: elements live in fixed chunks that never move, and the
 * count is published with release semantics after the element is written. */
#ifndef SB_SEGARR_H
#define SB_SEGARR_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define SEG_SHIFT 16
#define SEG_CHUNK (1u << SEG_SHIFT)
#define SEG_MAX_CHUNKS 4096 /* 268 million elements */

typedef struct {
	size_t elem;
	char *chunks[SEG_MAX_CHUNKS];
	_Atomic uint32_t count;
} segarr;

void seg_init(segarr *a, size_t elem);
void seg_free(segarr *a);
/* Element i; only for i < seg_count(a). */
static inline void *seg_at(const segarr *a, uint32_t i)
{
	return a->chunks[i >> SEG_SHIFT] + (size_t)(i & (SEG_CHUNK - 1)) * a->elem;
}
static inline uint32_t seg_count(const segarr *a)
{
	return atomic_load_explicit(&((segarr *)a)->count, memory_order_acquire);
}
/* Writer only: the zeroed slot for element seg_count(a), not yet visible. */
void *seg_next_slot(segarr *a);
/* Writer only: makes the slot from seg_next_slot visible to readers. */
void seg_publish(segarr *a);

#endif
