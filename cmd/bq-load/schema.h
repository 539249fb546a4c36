/* Column types derived from JSON values, the rule that widens them, and a
 * table's column list (ordered as first seen, found by name in O(1)).
 *
 * A value's type: null -> NULL (no information), true/false -> BOOL, a number
 * with an integral value that fits 64 bits -> INT, any other number -> DOUBLE,
 * a string -> STRING, an object or array -> JSON. Two types join to the
 * narrowest type holding both: equal types stay, INT and DOUBLE give DOUBLE,
 * NULL gives the other, anything else gives STRING. A column typed outside
 * this set (a table made by hand, a --schema-dir file) is FOREIGN: kept as it
 * is, values handed to the warehouse to convert. */
#ifndef BQLOAD_SCHEMA_H
#define BQLOAD_SCHEMA_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum { CT_NULL, CT_BOOL, CT_INT, CT_DOUBLE, CT_STRING, CT_JSON, CT_FOREIGN } coltype;

/* The type of one JSON value; false for a number that is not finite. */
bool coltype_of(const cJSON *v, coltype *out);
coltype coltype_join(coltype a, coltype b);
/* DuckDB and BigQuery names of a type (NULL columns are made STRING). */
const char *coltype_duckdb(coltype t);
const char *coltype_bigquery(coltype t);
/* A type name as DuckDB's information_schema or BigQuery's tables.get spell
 * it, back to a coltype (CT_FOREIGN when it is none of ours). */
coltype coltype_from_duckdb(const char *name);
coltype coltype_from_bigquery(const char *name);

typedef struct {
	char *name;
	coltype type;
	char *foreign;      /* the warehouse's type name when type is CT_FOREIGN */
	unsigned row_stamp; /* last row that had this column (duplicate keys) */
	int next;           /* column that followed this one in the last row (-1: none) */
	bool cased;         /* another column's name differs from this one only by letter case */
} column;

typedef struct {
	column *cols;
	size_t n, cap;
	int *slots;         /* open-addressing index on lower-cased names, -1 empty */
	size_t nslots;
	int first;          /* first column of the last row, the lookup's first guess */
} schema;

void schema_init(schema *s);
void schema_free(schema *s);
/* Index of the column named exactly name, or -1. When a column differs only
 * by letter case, *case_clash (if not NULL) is set to its index. */
int schema_find(const schema *s, const char *name, int *case_clash);
/* Same, guessing first the column after `prev` in the last row (-1: row start). */
int schema_find_next(schema *s, int prev, const char *name, int *case_clash);
/* Appends a column (the name must not be present); returns its index. */
int schema_add(schema *s, const char *name, coltype t, const char *foreign);

/* Column names the warehouses accept: a letter or '_' then letters, digits
 * and '_', at most 300 bytes (BigQuery's rule, applied to DuckDB as well so
 * one stream fits both). */
bool column_name_ok(const char *name);
/* Table names: the same characters, at most 1024 bytes. */
bool table_name_ok(const char *name);

#endif
