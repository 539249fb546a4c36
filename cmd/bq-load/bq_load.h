/* One load job per table and batch (--mode load). The job id is derived from
 * the table and the batch id, plus an attempt number: a job that already
 * exists (409, a re-run or a retried request) is looked up instead of loaded
 * again; one that failed for a passing reason (backendError, internalError,
 * rateLimitExceeded) is tried again under the next attempt number. The rows
 * go up in the same request as the job (multipart) or, above
 * --resumable-over, through a resumable upload session (one PUT). The job is
 * then polled until DONE; its errorResult rejects the rows with its reason. */
#ifndef BQLOAD_BQ_LOAD_H
#define BQLOAD_BQ_LOAD_H

#include "bq_api.h"
#include "options.h"
#include "target.h"

#include <cjson/cJSON.h>

/* body: the NDJSON rows; fields: the schema to send. *status says what
 * became of the rows, *job_id the job that decided it (free it). Returns an
 * exit code; *why is set (free it) when the rows were refused. */
int bq_load_job(bq_api *a, const options *o, const char *table, const char *batch_id, const buf *body, const cJSON *fields,
		tb_status *status, char **job_id, char **why);

#endif
