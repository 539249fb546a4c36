/* What bq-load knows of each BigQuery table: whether it exists and its
 * fields (read once with tables.get, then kept up to date with what bq-load
 * itself adds), and the schema a batch needs: the fields the table has, then
 * the batch's new columns (typed by --schema-dir, else by the data, NULL-only
 * ones as STRING), then _batch_id and _loaded_at. */
#ifndef BQLOAD_BQ_TABLE_H
#define BQLOAD_BQ_TABLE_H

#include "batch.h"
#include "bq_api.h"
#include "options.h"
#include "schema_dir.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

typedef struct {
	char *name;
	bool exists;
	cJSON *fields;        /* BigQuery's fields array, as it is (or will be once loaded) */
} bq_table;

typedef struct {
	bq_api *api;
	const options *o;
	schema_dir *sd;
	bq_table *t;
	size_t n;
} bq_tables;

/* The table's entry, read from BigQuery the first time. Returns an exit code. */
int bq_table_lookup(bq_tables *ts, const char *name, bq_table **out);
/* The fields the table needs for this batch (a new array, caller deletes),
 * and in *types each column's effective type, for bq_row_json. *added tells
 * whether any field is new. */
cJSON *bq_table_fields_for(bq_tables *ts, const bq_table *tb, const table_batch *t, schema *types, bool *added);
/* The field of that name in a fields array, or NULL; names compared without
 * letter case, as BigQuery compares them. */
const cJSON *field_named(const cJSON *fields, const char *name);
/* The table and its fields as they are after a successful load or change. */
void bq_table_update(bq_table *tb, const cJSON *fields);
/* Streaming needs the table to exist with every field: creates or patches it.
 * Returns an exit code; *why is set (free it) when BigQuery refused the schema. */
int bq_table_ensure(bq_tables *ts, bq_table *tb, const cJSON *fields, char **why);
/* The "tableReference"-style path /bigquery/v2/projects/P/datasets/D/tables[/T]. */
void bq_table_path(buf *b, const options *o, const char *table);
/* Adds the --partition, --cluster (cluster.h) and --kms-key settings (object
 * fields) of table, whose fields are given, to a load configuration. A
 * partitioning or clustering field the table lacks is left out. */
void bq_table_options_load(buf *b, const options *o, const char *table, const cJSON *fields);
void bq_tables_free(bq_tables *ts);

#endif
