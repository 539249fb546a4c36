/* Load mode into a table with _row_id: each version loaded once, whatever
 * the batching. The batch's rows go by load job into a staging table of
 * their own (_vtex_pipes_stage_BATCHID_TABLE, made with a one-day expiry,
 * emptied and refilled by WRITE_TRUNCATE if a crashed run left it), then one
 * query job, a single INSERT ... SELECT, copies into the table only the rows
 * whose _row_id it does not hold yet (the first of each id; rows without an
 * id always). One DML statement is atomic: the rows all go in or none do.
 * The staging table is then deleted. The table itself is created (with
 * --partition and --cluster) or given its new fields beforehand, since an
 * INSERT cannot add columns. */
#ifndef BQLOAD_BQ_DEDUP_H
#define BQLOAD_BQ_DEDUP_H

#include "bq_table.h"
#include "target.h"

/* body: the rows as BigQuery takes them (rows of them); fields: the table's fields for this
 * batch; added: whether any is new. On success *st is TB_LOADED with
 * *inserted rows added, or TB_REJECTED with *why (free it). *job_id: the
 * INSERT's job (free it). Returns an exit code. */
int bq_dedup_load(bq_tables *ts, bq_table *tb, const table_batch *t, const buf *body, const cJSON *fields,
		  size_t rows, bool added, const char *loaded_at, tb_status *st, size_t *inserted, char **job_id, char **why);

#endif
