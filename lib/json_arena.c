#include "json_arena.h"
#include "buf.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

enum { BLOCK = 1 << 20, ALIGN = 16, KEEP_AT_MOST = 64 << 20 };

typedef struct block {
	struct block *prev;
	size_t used, cap;
	_Alignas(ALIGN) char data[];
} block;

static block *top;
static size_t total; /* capacity of all blocks, to size the one kept after a reset */

static void *arena_malloc(size_t n)
{
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (!top || top->cap - top->used < n) {
		size_t cap = n > BLOCK ? n : BLOCK;
		block *b = xmalloc(sizeof *b + cap);
		b->prev = top;
		b->used = 0;
		b->cap = cap;
		top = b;
		total += cap;
	}
	void *p = top->data + top->used;
	top->used += n;
	return p;
}

static void arena_free(void *p)
{
	(void)p;
}

/* Scoped use: the arena only inside a scope, malloc and free outside. */
static bool in_scope;

static void *scoped_malloc(size_t n)
{
	return in_scope ? arena_malloc(n) : malloc(n);
}

static bool from_arena(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	for (const block *b = top; b; b = b->prev)
		if (a >= (uintptr_t)b->data && a < (uintptr_t)(b->data + b->cap))
			return true;
	return false;
}

static void scoped_free(void *p)
{
	if (!from_arena(p))
		free(p);
}

static void release(void)
{
	while (top) {
		block *b = top;
		top = b->prev;
		free(b);
	}
	total = 0;
}

void json_arena_install(void)
{
	cJSON_Hooks h = { arena_malloc, arena_free };
	cJSON_InitHooks(&h);
}

void json_arena_reset(void)
{
	if (top && !top->prev) {
		top->used = 0;
		return;
	}
	/* Several blocks: keep one as large as all of them, so that the next
	 * record of this size fits in a single block (but do not hold on to
	 * the memory of one huge record). */
	size_t want = total > KEEP_AT_MOST ? BLOCK : total;
	release();
	if (want) {
		arena_malloc(want);
		top->used = 0;
	}
}

void json_arena_install_scoped(void)
{
	cJSON_Hooks h = { scoped_malloc, scoped_free };
	cJSON_InitHooks(&h);
}

void json_arena_scope_begin(void)
{
	json_arena_reset();
	in_scope = true;
}

void json_arena_scope_end(void)
{
	in_scope = false;
}

void json_arena_uninstall(void)
{
	cJSON_InitHooks(NULL);
	in_scope = false;
	release();
}
