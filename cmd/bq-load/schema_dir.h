/* --schema-dir: one file per table, DIR/TABLE.json, holding a BigQuery
 * schema: the fields array as `bq show --schema` prints it, or an object
 * with "fields" (or "schema": {"fields": ...}). Columns declared there get
 * the declared type (and mode, description) instead of one derived from the
 * data; columns not declared are still derived and added. */
#ifndef BQLOAD_SCHEMA_DIR_H
#define BQLOAD_SCHEMA_DIR_H

#include <cjson/cJSON.h>

typedef struct schema_dir schema_dir;

/* NULL (logged) when the directory cannot be read. */
schema_dir *schema_dir_open(const char *path);
void schema_dir_free(schema_dir *sd);
/* The declared field of table.column (a cJSON object with name, type, ...), or NULL. */
const cJSON *schema_dir_field(schema_dir *sd, const char *table, const char *column);
/* The DuckDB type matching the declared BigQuery type, or NULL when undeclared. */
const char *schema_dir_duckdb_type(schema_dir *sd, const char *table, const char *column);

#endif
