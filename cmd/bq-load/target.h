/* A warehouse bq-load writes to: DuckDB, BigQuery (load jobs or streaming),
 * or none (--dry-run). A target loads one batch at a time and tells, through
 * the load context, what became of each table's rows. */
#ifndef BQLOAD_TARGET_H
#define BQLOAD_TARGET_H

#include "barrier.h"
#include "batch.h"
#include "metrics.h"
#include "ndjson_writer.h"
#include "options.h"
#include "rejects.h"

#include <pthread.h>

typedef struct {
	const options *o;
	rejects *rej;
	pthread_mutex_t rej_lock;  /* rejects come from the reading and the loading thread */
	const char *source;   /* input name of this batch's rows, for rejects */
	ndjson_writer *out;   /* one summary line per table and batch */
	char loaded_at[32];   /* this batch's _loaded_at, RFC 3339 UTC with microseconds */
	metric *m_loaded, *m_already, *m_rejected, *m_batches;
	ack_sink *ack;        /* --ack-to, or NULL */
	metric *m_acks;
	size_t skipped;       /* rows left out as already in their table (by _row_id), this run */
} load_ctx;

/* The time now, RFC 3339 UTC with microseconds. */
void load_stamp_now(char out[32]);

/* What became of one table's rows in a batch. */
typedef enum { TB_LOADED, TB_ALREADY_LOADED, TB_REJECTED } tb_status;

/* Writes the summary line and counts the rows; job_id may be NULL. skipped:
 * rows of the batch left out because their _row_id was already in the table
 * (or earlier in the batch); rows: the rows loaded (or already, or rejected). */
void load_report(load_ctx *c, const table_batch *t, tb_status st, size_t rows, size_t skipped, const char *job_id);
/* Sends every staged row of t to the rejects stream with the reason. */
void load_reject_all(load_ctx *c, table_batch *t, const char *reason);
/* A refused input line (from the reading thread). */
void load_reject_line(load_ctx *c, const char *source, size_t lineno, const char *reason, const char *text,
		      size_t len, bool json_ok);
/* Sends the staged row at index i (0-based, in staging order) to the rejects stream. */
void load_reject_row(load_ctx *c, table_batch *t, size_t i, const char *text, size_t len, const char *reason);

typedef struct target target;
struct target {
	/* Loads every table of b (tables without rows are skipped). Returns
	 * VP_EXIT_OK, or the exit code of a failure that ends the run. */
	int (*load)(target *t, batch *b, load_ctx *c);
	/* At the end of input; returns an exit code as load does. */
	int (*finish)(target *t, load_ctx *c);
	/* The input has nothing ready: a good moment to let others at the
	 * warehouse (DuckDB closes its file). May be NULL. */
	void (*idle)(target *t);
	void (*free)(target *t);
};

/* Each returns NULL and sets *exit_code when the target cannot be used. */
target *duck_target_new(const options *o, int *exit_code);
target *bq_target_new(const options *o, int *exit_code);
target *dry_target_new(const options *o);

#endif
