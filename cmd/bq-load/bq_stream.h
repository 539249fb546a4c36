/* --mode stream: tabledata.insertAll. The table is created (or given its
 * new fields) first, since insertAll needs every field to exist; rows go in
 * requests of at most --stream-rows rows and --stream-bytes bytes, each
 * with insertId = the row's _row_id (BigQuery's best-effort de-duplication).
 * Rows BigQuery refuses go to the rejects with its reason; rows it only
 * "stopped" because another row of the request was bad are sent again. */
#ifndef BQLOAD_BQ_STREAM_H
#define BQLOAD_BQ_STREAM_H

#include "bq_api.h"
#include "options.h"

#include <cjson/cJSON.h>
#include <stddef.h>

typedef struct {
	buf json;             /* the row as BigQuery takes it */
	char insert_id[80];
	size_t index;         /* index of the staged row */
	char *refused;        /* why BigQuery refused it (set by bq_stream_rows) */
} bq_stream_row;

/* Sends rows[0..n); on return each refused row has .refused set. Returns an exit code. */
int bq_stream_rows(bq_api *a, const options *o, const char *table, bq_stream_row *rows, size_t n);

#endif
