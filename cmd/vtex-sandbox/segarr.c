#include "segarr.h"
#include "buf.h"
#include "exitcode.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

void seg_init(segarr *a, size_t elem)
{
	memset(a, 0, sizeof *a);
	a->elem = elem;
}

void seg_free(segarr *a)
{
	for (size_t i = 0; i < SEG_MAX_CHUNKS && a->chunks[i]; i++)
		free(a->chunks[i]);
	memset(a->chunks, 0, sizeof a->chunks);
	atomic_store(&a->count, 0);
}

void *seg_next_slot(segarr *a)
{
	uint32_t i = atomic_load_explicit(&a->count, memory_order_relaxed);
	size_t c = i >> SEG_SHIFT;
	if (c >= SEG_MAX_CHUNKS) {
		log_error("segmented array full", LI("elements", i));
		exit(VP_EXIT_SOFTWARE);
	}
	if (!a->chunks[c])
		a->chunks[c] = xcalloc(SEG_CHUNK, a->elem);
	void *p = seg_at(a, i);
	memset(p, 0, a->elem);
	return p;
}

void seg_publish(segarr *a)
{
	atomic_fetch_add_explicit(&a->count, 1, memory_order_release);
}
