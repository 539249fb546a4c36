#include "options.h"
#include "cluster.h"
#include "schema.h"
#include "buf.h"
#include "warehouse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char help[] =
	"Usage: bq-load [OPTION]... [FILE]...\n"
	"Load rows (NDJSON from the FILEs or stdin, as ndjson-normalize writes them) into\n"
	"the warehouse: each row goes to the table named by its _table field (or --table),\n"
	"with _batch_id and _loaded_at added. Tables and columns are created when first\n"
	"seen; a row whose _row_id its table already holds is not loaded again, however\n"
	"the input is cut into batches. One JSON line per table and batch on stdout says\n"
	"what became of it.\n"
	"\n"
	"  -t, --target TARGET     duckdb:PATH (default duckdb:warehouse.duckdb) or\n"
	"                          bigquery:PROJECT[.DATASET] (env BQ_TARGET)\n"
	"  -d, --dataset NAME      DuckDB schema, or BigQuery dataset when TARGET has none\n"
	"                          (env BQ_LOAD_DATASET; bronze)\n"
	"  -T, --table NAME        table for rows without _table (env BQ_LOAD_TABLE)\n"
	"  -m, --mode MODE         BigQuery: load (load jobs) or stream (insertAll)\n"
	"                          (env BQ_LOAD_MODE; load)\n"
	"      --batch-bytes SIZE  end a batch at this many input bytes (env BQ_LOAD_BATCH_BYTES;\n"
	"                          256M into DuckDB, 64M into BigQuery)\n"
	"      --batch-rows N      end a batch at this many rows (env BQ_LOAD_BATCH_ROWS; no limit)\n"
	"      --flush-ms MS       end a batch once its first row is this old (rows go out at\n"
	"                          least this often) (env BQ_LOAD_FLUSH_MS; 1000 in stream\n"
	"                          mode, else 0: only at size or end of input)\n"
	"      --stream-rows N     insertAll: rows per request (env BQ_LOAD_STREAM_ROWS; 500)\n"
	"      --stream-bytes SIZE insertAll: bytes per request (env BQ_LOAD_STREAM_BYTES; 5M)\n"
	"      --resumable-over SIZE  load jobs: batches larger than this go up through a\n"
	"                          resumable upload, smaller ones multipart (env BQ_LOAD_RESUMABLE_OVER; 5M)\n"
	"      --schema-dir DIR    TABLE.json files with BigQuery schemas; columns found\n"
	"                          there take that type (env BQ_LOAD_SCHEMA_DIR)\n"
	"      --endpoint URL      BigQuery API base URL, e.g. an emulator\n"
	"                          (env BQ_LOAD_ENDPOINT; https://bigquery.googleapis.com)\n"
	"      --location LOC      BigQuery job location (env BQ_LOAD_LOCATION)\n"
	"      --cacert FILE       trust this CA (PEM) too for BigQuery and its token\n"
	"                          endpoint; TLS is always verified (env BQ_LOAD_CACERT)\n"
	"      --kms-key NAME      customer-managed key for tables a load creates (env BQ_LOAD_KMS_KEY)\n"
	"      --partition FIELD[:TYPE]  time partitioning of BigQuery tables bq-load creates,\n"
	"                          TYPE DAY, HOUR, MONTH or YEAR, or none (env BQ_LOAD_PARTITION;\n"
	"                          _loaded_at:DAY)\n"
	"      --cluster SPEC      clustering of BigQuery tables bq-load creates: [TABLE=]F1[,F2]\n"
	"                          entries separated by ;, TABLE may hold *; none: no clustering\n"
	"                          (env BQ_LOAD_CLUSTER; the business key of each table, see bq-load(1))\n"
	"      --lock-timeout SEC  wait this long for another writer's lock on the DuckDB\n"
	"                          file (env BQ_LOAD_LOCK_TIMEOUT; 120)\n"
	"      --tmp-dir DIR       staging files (env BQ_LOAD_TMPDIR, TMPDIR; /tmp)\n"
	"      --rejects FILE      rows that cannot be loaded, with the reason (env BQ_LOAD_REJECTS)\n"
	"      --ack-to PATH       at each checkpoint barrier line, once every row before it is\n"
	"                          loaded and committed, write the barrier to PATH: the source's\n"
	"                          FIFO, or a file (env BQ_LOAD_ACK_TO). Without it a barrier\n"
	"                          still ends the batch, and is dropped; it is never a row\n"
	"  -n, --dry-run           load nothing: print each table's schema and row count\n"
	CLI_INPUT_HELP
	CLI_COMMON_HELP
	"\n"
	"BigQuery credentials: BQ_TOKEN or BQ_TOKEN_FILE (a bearer token), else\n"
	"GOOGLE_APPLICATION_CREDENTIALS (a service-account key), else the metadata server.\n"
	"An encrypted DuckDB warehouse: its key in VP_DUCKDB_KEY or the file VP_DUCKDB_KEY_FILE.\n"
	"Files made (the warehouse, rejects) are mode 0600.\n"
	"Exit status: 0 all rows loaded, 1 some rejected, 64 usage error, 65 unusable input,\n"
	"69 BigQuery project or dataset not found, 74 input not readable or output\n"
	"closed, 75 temporary failure (retry later), 78 bad credentials or configuration.\n"
	"See bq-load(1).\n";

enum {
	OPT_BATCH_BYTES = CLI_OPT_TOOL, OPT_BATCH_ROWS, OPT_FLUSH_MS, OPT_STREAM_ROWS,
	OPT_STREAM_BYTES, OPT_SCHEMA_DIR, OPT_ENDPOINT, OPT_LOCATION, OPT_KMS_KEY,
	OPT_PARTITION, OPT_CLUSTER, OPT_LOCK_TIMEOUT, OPT_TMPDIR, OPT_REJECTS, OPT_RESUMABLE_OVER,
	OPT_CACERT, OPT_ACK_TO,
};

static const struct option longopts[] = {
	{ "target", required_argument, 0, 't' },
	{ "dataset", required_argument, 0, 'd' },
	{ "table", required_argument, 0, 'T' },
	{ "mode", required_argument, 0, 'm' },
	{ "batch-bytes", required_argument, 0, OPT_BATCH_BYTES },
	{ "batch-rows", required_argument, 0, OPT_BATCH_ROWS },
	{ "flush-ms", required_argument, 0, OPT_FLUSH_MS },
	{ "stream-rows", required_argument, 0, OPT_STREAM_ROWS },
	{ "stream-bytes", required_argument, 0, OPT_STREAM_BYTES },
	{ "resumable-over", required_argument, 0, OPT_RESUMABLE_OVER },
	{ "schema-dir", required_argument, 0, OPT_SCHEMA_DIR },
	{ "endpoint", required_argument, 0, OPT_ENDPOINT },
	{ "location", required_argument, 0, OPT_LOCATION },
	{ "cacert", required_argument, 0, OPT_CACERT },
	{ "kms-key", required_argument, 0, OPT_KMS_KEY },
	{ "partition", required_argument, 0, OPT_PARTITION },
	{ "cluster", required_argument, 0, OPT_CLUSTER },
	{ "lock-timeout", required_argument, 0, OPT_LOCK_TIMEOUT },
	{ "tmp-dir", required_argument, 0, OPT_TMPDIR },
	{ "rejects", required_argument, 0, OPT_REJECTS },
	{ "ack-to", required_argument, 0, OPT_ACK_TO },
	{ "dry-run", no_argument, 0, 'n' },
	CLI_COMMON_LONGOPTS,
	CLI_INPUT_LONGOPTS,
	{ 0 },
};

static void parse_target(options *o)
{
	const char *err;
	wh_target w;
	if (!wh_target_parse(o->target, &w, &err))
		cli_usage_error(&o->cli, "--target: '%s': %s", o->target, err);
	o->kind = w.kind == WH_DUCKDB ? TARGET_DUCKDB : TARGET_BIGQUERY;
	o->duck_path = w.duck_path;
	o->project = w.project;
	if (w.dataset)
		o->dataset = o->dataset_own = w.dataset;
}

void options_parse(options *o, int argc, char **argv)
{
	const char *v;
	const char *partition = cli_env("BQ_LOAD_PARTITION", "_loaded_at:DAY");
	const char *flush = cli_env("BQ_LOAD_FLUSH_MS", NULL);
	const char *mode = cli_env("BQ_LOAD_MODE", "load");

	memset(o, 0, sizeof *o);
	cli_init(&o->cli, "bq-load", help);
	o->target = cli_env("BQ_TARGET", "duckdb:warehouse.duckdb");
	o->dataset = cli_env("BQ_LOAD_DATASET", NULL);
	o->table = cli_env("BQ_LOAD_TABLE", NULL);
	o->schema_dir = cli_env("BQ_LOAD_SCHEMA_DIR", NULL);
	o->rejects = cli_env("BQ_LOAD_REJECTS", NULL);
	o->ack_to = cli_env("BQ_LOAD_ACK_TO", NULL);
	o->tmpdir = cli_env("BQ_LOAD_TMPDIR", cli_env("TMPDIR", "/tmp"));
	o->endpoint = cli_env("BQ_LOAD_ENDPOINT", "https://bigquery.googleapis.com");
	o->location = cli_env("BQ_LOAD_LOCATION", NULL);
	o->cacert = cli_env("BQ_LOAD_CACERT", NULL);
	o->kms_key = cli_env("BQ_LOAD_KMS_KEY", NULL);
	o->cluster = cli_env("BQ_LOAD_CLUSTER", CLUSTER_DEFAULT);
	const char *batch_bytes = cli_env("BQ_LOAD_BATCH_BYTES", NULL);
	o->batch_rows = cli_parse_ll(&o->cli, "BQ_LOAD_BATCH_ROWS", cli_env("BQ_LOAD_BATCH_ROWS", "0"), 0, 1LL << 50);
	o->stream_rows = cli_parse_ll(&o->cli, "BQ_LOAD_STREAM_ROWS", cli_env("BQ_LOAD_STREAM_ROWS", "500"), 1, 50000);
	o->stream_bytes = cli_parse_bytes(&o->cli, "BQ_LOAD_STREAM_BYTES", cli_env("BQ_LOAD_STREAM_BYTES", "5M"));
	o->resumable_over = cli_parse_bytes(&o->cli, "BQ_LOAD_RESUMABLE_OVER", cli_env("BQ_LOAD_RESUMABLE_OVER", "5M"));
	o->lock_timeout = cli_parse_double(&o->cli, "BQ_LOAD_LOCK_TIMEOUT", cli_env("BQ_LOAD_LOCK_TIMEOUT", "120"), 0, 86400);

	int opt;
	while ((opt = getopt_long(argc, argv, "t:d:T:m:nhV", longopts, NULL)) != -1) {
		v = optarg;
		switch (opt) {
		case 't': o->target = v; break;
		case 'd': o->dataset = v; break;
		case 'T': o->table = v; break;
		case 'm': mode = v; break;
		case 'n': o->dry_run = true; break;
		case OPT_BATCH_BYTES: batch_bytes = v; break;
		case OPT_BATCH_ROWS: o->batch_rows = cli_parse_ll(&o->cli, "--batch-rows", v, 0, 1LL << 50); break;
		case OPT_FLUSH_MS: flush = v; break;
		case OPT_STREAM_ROWS: o->stream_rows = cli_parse_ll(&o->cli, "--stream-rows", v, 1, 50000); break;
		case OPT_STREAM_BYTES: o->stream_bytes = cli_parse_bytes(&o->cli, "--stream-bytes", v); break;
		case OPT_RESUMABLE_OVER: o->resumable_over = cli_parse_bytes(&o->cli, "--resumable-over", v); break;
		case OPT_SCHEMA_DIR: o->schema_dir = v; break;
		case OPT_ENDPOINT: o->endpoint = v; break;
		case OPT_LOCATION: o->location = v; break;
		case OPT_CACERT: o->cacert = v; break;
		case OPT_KMS_KEY: o->kms_key = v; break;
		case OPT_PARTITION: partition = v; break;
		case OPT_CLUSTER: o->cluster = v; break;
		case OPT_LOCK_TIMEOUT: o->lock_timeout = cli_parse_double(&o->cli, "--lock-timeout", v, 0, 86400); break;
		case OPT_TMPDIR: o->tmpdir = v; break;
		case OPT_REJECTS: o->rejects = v; break;
		case OPT_ACK_TO: o->ack_to = v; break;
		default:
			if (!cli_common_option(&o->cli, opt, v))
				cli_usage_error(&o->cli, "unknown option");
		}
	}
	o->files = argv + optind;
	o->nfiles = argc - optind;

	parse_target(o);
	if (o->ack_to && !*o->ack_to)
		o->ack_to = NULL;
	if (o->ack_to && o->dry_run)
		cli_usage_error(&o->cli, "--ack-to with --dry-run would acknowledge rows never loaded");
	if (o->cacert && access(o->cacert, R_OK) != 0)
		cli_usage_error(&o->cli, "--cacert: cannot read '%s'", o->cacert);
	/* DuckDB writes each commit's rows to its WAL first: fewer, larger batches
	 * load faster (measured in bench/50-bqload.sh). */
	o->batch_bytes = cli_parse_bytes(&o->cli, "--batch-bytes",
					 batch_bytes ? batch_bytes : o->kind == TARGET_DUCKDB ? "256M" : "64M");
	if (!o->dataset)
		o->dataset = "bronze";
	if (!table_name_ok(o->dataset))
		cli_usage_error(&o->cli, "--dataset: '%s' is not a valid name (letters, digits, _)", o->dataset);
	if (o->table && !table_name_ok(o->table))
		cli_usage_error(&o->cli, "--table: '%s' is not a valid name (letters, digits, _)", o->table);
	if (!strcmp(mode, "load"))
		o->mode = MODE_LOAD;
	else if (!strcmp(mode, "stream"))
		o->mode = MODE_STREAM;
	else
		cli_usage_error(&o->cli, "--mode: '%s' is not load or stream", mode);
	if (o->mode == MODE_STREAM && o->kind != TARGET_BIGQUERY)
		cli_usage_error(&o->cli, "--mode stream needs a bigquery: target");
	o->flush_ms = flush ? cli_parse_ll(&o->cli, "--flush-ms", flush, 0, 86400000LL)
			    : (o->mode == MODE_STREAM ? 1000 : 0);
	if (o->batch_bytes < 1024)
		cli_usage_error(&o->cli, "--batch-bytes: at least 1K");
	if (o->stream_bytes < 1024 || o->stream_bytes > 10u << 20)
		cli_usage_error(&o->cli, "--stream-bytes: between 1K and 10M (BigQuery's request limit)");
	const char *why = cluster_spec_error(o->cluster);
	if (why)
		cli_usage_error(&o->cli, "--cluster: '%s': %s", o->cluster, why);
	if (!strcmp(partition, "none"))
		partition = NULL;
	if (partition) {
		const char *colon = strchr(partition, ':');
		o->partition_field = colon ? xstrndup(partition, (size_t)(colon - partition)) : xstrdup(partition);
		o->partition_type = colon ? colon + 1 : "DAY";
		if (strcmp(o->partition_type, "DAY") && strcmp(o->partition_type, "HOUR") &&
		    strcmp(o->partition_type, "MONTH") && strcmp(o->partition_type, "YEAR"))
			cli_usage_error(&o->cli, "--partition: type '%s' is not DAY, HOUR, MONTH or YEAR", o->partition_type);
		if (!column_name_ok(o->partition_field))
			cli_usage_error(&o->cli, "--partition: '%s' is not a column name", o->partition_field);
	}
}

void options_free(options *o)
{
	free(o->duck_path);
	free(o->project);
	free(o->dataset_own);
	free((char *)o->partition_field);
}
