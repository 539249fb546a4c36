/* A set of string ids (order ids, client GUIDs): open addressing, grows as
 * needed. Used to count distinct rows of a listing and to keep a restarted
 * scroll from emitting a record twice. */
#ifndef VF_IDSET_H
#define VF_IDSET_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
	char **slots;
	size_t cap, len;
} idset;

/* Adds id; returns true when it was not there yet. */
bool idset_add(idset *s, const char *id);
bool idset_has(const idset *s, const char *id);
void idset_clear(idset *s);
void idset_free(idset *s);

#endif
