/* The core of ndjson-normalize: one JSON record in, its relational rows out.
 *
 * The record is one row of the root table. In a row, a nested object's keys
 * become columns a__b; an array becomes rows of the child table
 * <table>__<column>, one per element, after the row itself (depth first); an
 * element that is not an object is read as {"value": element}. Every row
 * starts with the link columns _table, _row_id, _parent_row_id, _root_id and
 * _idx (position in the parent array; null, as is _parent_row_id, at the
 * root), then its columns in the record's key order. Empty objects and arrays
 * add nothing. A column name already taken in the row (keys that snake_case
 * alike, duplicate keys, a key named like a link column) becomes name_2,
 * name_3, ...: the first key in document order keeps the name.
 *
 * Levels: the record is level 0; a nested object or an array one level deeper
 * than the row or object holding it (array elements are rows at the array's
 * level). An object or array beyond max_depth stays one column holding its
 * JSON text as a string. */
#ifndef NN_NORMALIZE_H
#define NN_NORMALIZE_H

#include "buf.h"
#include "keyspec.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
	const char *root;     /* root table name */
	key_spec key;         /* how the root row id is derived */
	int max_depth;        /* < 0: no limit */
	bool raw;             /* also a <root>__raw row holding the record's text */
} normalize_opts;

typedef struct normalizer normalizer;

normalizer *normalizer_new(const normalize_opts *o);
void normalizer_free(normalizer *n);

/* Appends rec's rows to out as NDJSON lines (each ends in '\n') and returns
 * how many; text/len is the record as it was read (for the raw row). Returns 0
 * and sets *reason (valid until the next call) when rec cannot be normalized;
 * out is then unchanged. */
size_t normalize_record(normalizer *n, const cJSON *rec, const char *text, size_t len, buf *out,
			const char **reason);

/* True when name can be a table name: [a-z_][a-z0-9_]*. */
bool normalize_valid_table_name(const char *name);

#endif
