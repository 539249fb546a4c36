/* bq-load's settings: flags, each with an environment variable. */
#ifndef BQLOAD_OPTIONS_H
#define BQLOAD_OPTIONS_H

#include "cli.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum { TARGET_DUCKDB, TARGET_BIGQUERY } target_kind;
typedef enum { MODE_LOAD, MODE_STREAM } load_mode;

typedef struct {
	cli_common cli;
	target_kind kind;
	const char *target;          /* as given */
	char *duck_path;             /* duckdb:PATH */
	char *project;               /* bigquery:PROJECT.DATASET */
	const char *dataset;         /* schema (DuckDB) or dataset (BigQuery) */
	char *dataset_own;           /* the dataset named in TARGET */
	const char *table;           /* --table: rows without _table */
	load_mode mode;
	size_t batch_bytes;
	long long batch_rows;
	long long flush_ms;          /* 0: no time-based flush */
	long long stream_rows;
	size_t stream_bytes;
	size_t resumable_over;       /* load jobs: bodies larger than this use a resumable upload */
	const char *schema_dir;
	const char *rejects;
	const char *ack_to;          /* barriers acknowledged there (vtex-pipes(7), ACKNOWLEDGEMENTS) */
	const char *tmpdir;
	const char *endpoint;        /* BigQuery API base URL */
	const char *location;
	const char *cacert;          /* extra CA (PEM) for BigQuery and the token endpoint */
	const char *kms_key;
	const char *partition_field; /* NULL: no time partitioning */
	const char *partition_type;  /* DAY, HOUR, MONTH, YEAR */
	const char *cluster;         /* clustering spec (cluster.h) */
	double lock_timeout;         /* seconds to wait for the DuckDB file's lock */
	bool dry_run;
	char **files;                /* input files; none: stdin */
	int nfiles;
} options;

void options_parse(options *o, int argc, char **argv);
void options_free(options *o);

#endif
