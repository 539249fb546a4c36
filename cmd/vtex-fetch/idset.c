#include "idset.h"
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static size_t find(char **slots, size_t cap, const char *id)
{
	size_t i = hash(id) & (cap - 1);
	while (slots[i] && strcmp(slots[i], id) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

bool idset_has(const idset *s, const char *id)
{
	return s->cap && s->slots[find(s->slots, s->cap, id)];
}

bool idset_add(idset *s, const char *id)
{
	if ((s->len + 1) * 4 > s->cap * 3) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		char **slots = xcalloc(cap, sizeof *slots);
		for (size_t i = 0; i < s->cap; i++)
			if (s->slots[i])
				slots[find(slots, cap, s->slots[i])] = s->slots[i];
		free(s->slots);
		s->slots = slots;
		s->cap = cap;
	}
	size_t i = find(s->slots, s->cap, id);
	if (s->slots[i])
		return false;
	s->slots[i] = xstrdup(id);
	s->len++;
	return true;
}

void idset_clear(idset *s)
{
	for (size_t i = 0; i < s->cap; i++) {
		free(s->slots[i]);
		s->slots[i] = NULL;
	}
	s->len = 0;
}

void idset_free(idset *s)
{
	idset_clear(s);
	free(s->slots);
	*s = (idset){ 0 };
}
