/* One load job per table and batch (--mode load). The job id is derived from
 * the table and the batch id, plus an attempt number: a job that already
 * exists (409, a re-run or a retried request) is looked up instead of loaded
 * again; one that failed for a passing reason (backendError, internalError,
 * rateLimitExceeded) is tried again under the next attempt number. The rows
 * go up in the same request as the job (multipart) or, above
 * --resumable-over, through a resumable upload session (one PUT). The job is
 * then polled until DONE; its errorResult rejects the rows with its reason.
 * Query jobs (bq_dedup.h's de-duplicating INSERT) go the same way. */
#ifndef BQLOAD_BQ_LOAD_H
#define BQLOAD_BQ_LOAD_H

#include "bq_api.h"
#include "options.h"
#include "target.h"

#include <cjson/cJSON.h>

typedef struct {
	const char *table;      /* destination table */
	const char *job_prefix; /* the job id is PREFIX_N, N the attempt */
	bool staging;           /* WRITE_TRUNCATE into an existing table; no table options */
	bool exists;            /* the table exists: no table options either */
} bq_load_dest;

/* body: the NDJSON rows; fields: the schema to send. *status says what
 * became of the rows, *job_id the job that decided it (free it). Returns an
 * exit code; *why is set (free it) when the rows were refused. */
int bq_load_job(bq_api *a, const options *o, const bq_load_dest *dst, const buf *body, const cJSON *fields,
		tb_status *status, char **job_id, char **why);
/* A query job (GoogleSQL), the same way: tried again under PREFIX_N+1 for a
 * passing reason; *job: the finished Job resource (cJSON_Delete it) when it
 * succeeded. */
int bq_query_job(bq_api *a, const options *o, const char *job_prefix, const char *sql, tb_status *status,
		 cJSON **job, char **job_id, char **why);

#endif
