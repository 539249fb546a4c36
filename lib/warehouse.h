/* The warehouse a tool reads or writes (bq-load, bq-export): --target
 * duckdb:PATH (an embedded DuckDB file) or bigquery:PROJECT[.DATASET]. */
#ifndef VP_WAREHOUSE_H
#define VP_WAREHOUSE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { WH_DUCKDB, WH_BIGQUERY } wh_kind;

typedef struct {
	wh_kind kind;
	char *duck_path;   /* duckdb:PATH */
	char *project;     /* bigquery:PROJECT[.DATASET] */
	char *dataset;     /* NULL when the target names none */
} wh_target;

/* Fills t from text; false with *err (static text) when it is neither form. */
bool wh_target_parse(const char *text, wh_target *t, const char **err);
void wh_target_free(wh_target *t);

/* Letters, digits and _, not starting with a digit, at most max bytes: a
 * name both DuckDB and BigQuery take (1024 for a dataset or table, 300 for
 * a column). */
bool wh_ident_ok(const char *s, size_t max);

#endif
