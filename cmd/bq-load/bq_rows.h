/* Rows as BigQuery takes them: each staged line re-read, its values made to
 * fit the table's column types, nulls left out, _table dropped, _batch_id
 * and _loaded_at added. A value converts when nothing is lost (a number or
 * a boolean into STRING becomes its text, an object into STRING its JSON
 * text, an integer into FLOAT stays); otherwise the row is refused, since
 * BigQuery cannot widen a column's type in place. Integers beyond 2^53 lose
 * precision on the way (they are read as doubles). */
#ifndef BQLOAD_BQ_ROWS_H
#define BQLOAD_BQ_ROWS_H

#include "buf.h"
#include "schema.h"

#include <cjson/cJSON.h>

/* Appends the row `row` (a parsed staged line) as a JSON object to out, using
 * `types` (the effective column types of the table, by name). Returns NULL,
 * or why the row cannot be loaded (out is then left as it was). */
const char *bq_row_json(buf *out, const cJSON *row, const schema *types, const char *batch_id,
			const char *loaded_at);

#endif
