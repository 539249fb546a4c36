/* Paths into a JSON record, as rule files write them:
 *
 *   orderId                  a key of the record
 *   clientProfileData.email  keys of nested objects, separated by dots
 *   items[].quantity         [] visits every element of an array
 *   items[0].id              [N] one element (0-based)
 *   totals[id=Items].value   [FIELD=VALUE] the elements whose FIELD is the
 *                            string VALUE (or the number it spells)
 *
 * A key may hold any character but '.', '[' and ']'. */
#ifndef NV_VPATH_H
#define NV_VPATH_H

#include "buf.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

enum { VPATH_MAX_SEGS = 32 };

typedef enum { SEG_KEY, SEG_EACH, SEG_INDEX, SEG_SELECT } seg_kind;

typedef struct {
	seg_kind kind;
	char *key;       /* SEG_KEY: the key; SEG_SELECT: the field compared */
	char *value;     /* SEG_SELECT: the value it must have */
	long index;      /* SEG_INDEX */
} vpath_seg;

typedef struct {
	char *text;      /* as written */
	vpath_seg *segs;
	size_t n;
} vpath;

/* Parses text; false with *err (static text) when it is not a path. */
bool vpath_parse(vpath *p, const char *text, const char **err);
void vpath_free(vpath *p);

/* Where a visit is: the element index taken at each SEG_EACH/SEG_SELECT. */
typedef struct {
	const vpath *path;
	size_t depth;                 /* segments walked (== path->n for a value) */
	long idx[VPATH_MAX_SEGS];
} vpath_where;

/* Called for each value at the path (v != NULL), and, when visiting missing
 * places is asked for, for each place where the walk stopped short: a key
 * absent from an object or a non-object met on the way (v == NULL, where.depth
 * = the segment that failed), or a [FIELD=VALUE] that matched nothing. A null
 * value is visited as a value (cJSON_IsNull). Return false to stop the walk. */
typedef bool (*vpath_visit)(const cJSON *v, const vpath_where *where, void *ctx);

/* Walks root along p. Returns false if a visit stopped it. */
bool vpath_walk(const cJSON *root, const vpath *p, bool missing, vpath_visit fn, void *ctx);

/* The concrete place of a visit, as "items[2].quantity" (the first depth
 * segments, with the element indexes); appended to b. */
void vpath_where_format(const vpath_where *w, buf *b);

#endif
