#include "options.h"
#include "cli_table.h"
#include "cluster.h"
#include "schema.h"
#include "buf.h"
#include "warehouse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char synopsis[] =
	"Usage: bq-load [OPTION]... [FILE]...\n"
	"Load rows (NDJSON from the FILEs or stdin, as ndjson-normalize writes them) into\n"
	"the warehouse: each row goes to the table named by its _table field (or --table),\n"
	"with _batch_id and _loaded_at added. Tables and columns are created when first\n"
	"seen; a row whose _row_id its table already holds is not loaded again, however\n"
	"the input is cut into batches. One JSON line per table and batch on stdout says\n"
	"what became of it.\n"
	"\n";
static const char epilogue[] =
	"\n"
	"BigQuery credentials: BQ_TOKEN or BQ_TOKEN_FILE (a bearer token), else\n"
	"GOOGLE_APPLICATION_CREDENTIALS (a service-account key), else the metadata server.\n"
	"An encrypted DuckDB warehouse: its key in VP_DUCKDB_KEY or the file VP_DUCKDB_KEY_FILE.\n"
	"Files made (the warehouse, rejects) are mode 0600.\n"
	"Exit status: 0 all rows loaded, 1 some rejected, 64 usage error, 65 unusable input,\n"
	"69 BigQuery project or dataset not found, 74 input not readable or output\n"
	"closed, 75 temporary failure (retry later), 78 bad credentials or configuration.\n"
	"See bq-load(1).\n";

static const char *const modes[] = { "load", "stream", NULL };

/* The table: o's fields, and the locals of options_parse whose final value
 * depends on other options (given as pointers). */
static void parse_table(options *o, const char **partition, int argc, char **argv)
{
	const cli_opt opts[] = {
		{ .name = "target", .short_name = 't', .type = CLI_STRING, .dest = &o->target, .arg = "TARGET",
		  .env = "BQ_TARGET", .def = "duckdb:warehouse.duckdb",
		  .help = "duckdb:PATH or bigquery:PROJECT[.DATASET]",
		  .man = ".BI duckdb: PATH\nor\n.BI bigquery: PROJECT\\fR[\\fP. DATASET\\fR]\\fP" },
		{ .name = "dataset", .short_name = 'd', .type = CLI_STRING, .dest = &o->dataset, .arg = "NAME",
		  .env = "BQ_LOAD_DATASET",
		  .help = "DuckDB schema, or BigQuery dataset when TARGET has none (default bronze)" },
		{ .name = "table", .short_name = 'T', .type = CLI_STRING, .dest = &o->table, .arg = "NAME",
		  .env = "BQ_LOAD_TABLE", .help = "table for rows without _table" },
		{ .name = "mode", .short_name = 'm', .type = CLI_ENUM, .dest = &o->mode, .choices = modes,
		  .arg = "MODE", .env = "BQ_LOAD_MODE", .def = "load",
		  .help = "BigQuery: load (load jobs) or stream (insertAll)" },
		{ .name = "batch-bytes", .type = CLI_BYTES, .dest = &o->batch_bytes, .arg = "SIZE",
		  .env = "BQ_LOAD_BATCH_BYTES", .min = 1024,
		  .help = "end a batch at this many input bytes (default 256M into DuckDB, 64M into BigQuery)",
		  .man = "End a batch at this many input bytes, such as 512K, 64M (default\n"
			 "256M into DuckDB, 64M into BigQuery). DuckDB writes each commit's rows to its\n"
			 "write-ahead log before it checkpoints them, so larger batches load faster;\n"
			 "memory grows with the batch (about 700 MiB at 256M)." },
		{ .name = "batch-rows", .type = CLI_COUNT, .dest = &o->batch_rows, .arg = "N",
		  .env = "BQ_LOAD_BATCH_ROWS", .def = "0", .min = 0, .max = 1LL << 50,
		  .help = "end a batch at this many rows; 0: no limit" },
		{ .name = "flush-ms", .type = CLI_COUNT, .dest = &o->flush_ms, .arg = "MS",
		  .env = "BQ_LOAD_FLUSH_MS", .min = 0, .max = 86400000,
		  .help = "end a batch once its first row is this old (rows go out at least this often; "
			  "default 1000 in stream mode, else 0: only at size or end of input)",
		  .man = "End a batch once its first row is this old, whether or not more input is\n"
			 "waiting, so rows go out at least this often (default\n"
			 "1000 in stream mode, else 0: only by size and at the end of input). Batches\n"
			 "cut by time are not reproducible; the rows still carry\n.B _row_id\n"
			 "for de-duplication downstream." },
		{ .name = "stream-rows", .type = CLI_COUNT, .dest = &o->stream_rows, .arg = "N",
		  .env = "BQ_LOAD_STREAM_ROWS", .def = "500", .min = 1, .max = 50000,
		  .help = "insertAll: rows per request" },
		{ .name = "stream-bytes", .type = CLI_BYTES, .dest = &o->stream_bytes, .arg = "SIZE",
		  .env = "BQ_LOAD_STREAM_BYTES", .def = "5M", .min = 1024, .max = 10 << 20,
		  .help = "insertAll: bytes per request, at most 10M (BigQuery's request limit)" },
		{ .name = "resumable-over", .type = CLI_BYTES, .dest = &o->resumable_over, .arg = "SIZE",
		  .env = "BQ_LOAD_RESUMABLE_OVER", .def = "5M",
		  .help = "load jobs: batches larger than this go up through a resumable upload, smaller "
			  "ones multipart" },
		{ .name = "schema-dir", .type = CLI_PATH, .dest = &o->schema_dir, .arg = "DIR",
		  .env = "BQ_LOAD_SCHEMA_DIR",
		  .help = "TABLE.json files with BigQuery schemas; columns found there take that type",
		  .man = ".IB DIR / TABLE .json\nholds a BigQuery schema (the fields array, as\n"
			 ".B bq show \\-\\-schema\nprints it, or an object with\n.BR fields ).\n"
			 "Declared columns take the declared type (and mode and description), on DuckDB\n"
			 "too (STRING VARCHAR, INTEGER BIGINT, FLOAT DOUBLE, NUMERIC DECIMAL(38,9),\n"
			 "TIMESTAMP TIMESTAMPTZ, DATETIME TIMESTAMP, DATE, TIME, BYTES BLOB, RECORD and\n"
			 "REPEATED fields JSON); other columns are still derived from the data." },
		{ .name = "endpoint", .type = CLI_STRING, .dest = &o->endpoint, .arg = "URL",
		  .env = "BQ_LOAD_ENDPOINT", .def = "https://bigquery.googleapis.com",
		  .help = "BigQuery API base URL, e.g. an emulator",
		  .man = "BigQuery API base URL. A plain http:// URL to a host other than the\n"
			 "loopback is refused (exit 78: the token would cross the network in clear) unless\n"
			 ".BR VTEX_PIPES_ALLOW_PLAIN_HTTP=1 ." },
		{ .name = "location", .type = CLI_STRING, .dest = &o->location, .arg = "LOC",
		  .env = "BQ_LOAD_LOCATION", .help = "BigQuery job location" },
		{ .name = "cacert", .type = CLI_PATH, .dest = &o->cacert, .arg = "FILE", .env = "BQ_LOAD_CACERT",
		  .help = "trust this CA (PEM) too for BigQuery and its token endpoint; TLS is always verified",
		  .man = "Trust this CA certificate (PEM) as well, for BigQuery and for the OAuth token\n"
			 "endpoint of a service-account key.\n"
			 "TLS is always verified: a certificate no trusted CA signed ends the run with exit 78\n"
			 "(\"the server's TLS certificate is not trusted\"), before any row is sent." },
		{ .name = "kms-key", .type = CLI_STRING, .dest = &o->kms_key, .arg = "NAME",
		  .env = "BQ_LOAD_KMS_KEY", .help = "customer-managed key for tables a load creates" },
		{ .name = "partition", .type = CLI_STRING, .dest = partition, .arg = "FIELD[:TYPE]",
		  .env = "BQ_LOAD_PARTITION", .def = "_loaded_at:DAY",
		  .help = "time partitioning of BigQuery tables bq-load creates, TYPE DAY, HOUR, MONTH or "
			  "YEAR, or none",
		  .man = "Time partitioning of the BigQuery tables\n.B bq-load\n"
			 "creates, by a TIMESTAMP or DATE column; TYPE DAY, HOUR, MONTH or YEAR (DAY);\n"
			 ".B none\nfor none. A table without that column is not partitioned." },
		{ .name = "cluster", .type = CLI_STRING, .dest = &o->cluster, .arg = "SPEC",
		  .env = "BQ_LOAD_CLUSTER", .def = CLUSTER_DEFAULT,
		  .help = "clustering of BigQuery tables bq-load creates: [TABLE=]F1[,F2] entries separated "
			  "by ;, TABLE may hold *; none: no clustering (see bq-load(1))",
		  .man = "Clustering of the BigQuery tables\n.B bq-load\ncreates.\n.I SPEC\n"
			 "is a list of entries separated by\n.BR ; ,\neach\n"
			 ".RI [ TABLE\\fB=\\fP ] FIELD [\\fB,\\fP FIELD ...]\n(at most 4 fields) or\n"
			 ".IB TABLE =none\\fR;\\fP\n.I TABLE\nmay hold\n.B *\n"
			 "(any characters), and an entry without one is for every table. The first\n"
			 "entry that matches a table decides; fields the table lacks are left out;\n"
			 ".B none\nalone clusters nothing. The default is vtex-pipes' convention, see\n"
			 ".BR BigQuery ." },
		{ .name = "lock-timeout", .type = CLI_DURATION, .dest = &o->lock_timeout, .arg = "SEC",
		  .env = "BQ_LOAD_LOCK_TIMEOUT", .def = "120", .min = 0, .max = 86400,
		  .help = "wait this long for another writer's lock on the DuckDB file" },
		{ .name = "tmp-dir", .type = CLI_PATH, .dest = &o->tmpdir, .arg = "DIR", .env = "BQ_LOAD_TMPDIR",
		  .help = "staging files (else $TMPDIR, else /tmp)" },
		{ .name = "rejects", .type = CLI_PATH, .dest = &o->rejects, .arg = "FILE", .env = "BQ_LOAD_REJECTS",
		  .help = "rows that cannot be loaded, with the reason",
		  .man = "Rows that cannot be loaded, one JSON line each with the reason (see\n"
			 ".BR vtex-pipes (7))." },
		{ .name = "ack-to", .type = CLI_PATH, .dest = &o->ack_to, .arg = "PATH", .env = "BQ_LOAD_ACK_TO",
		  .help = "at each checkpoint barrier line, once every row before it is loaded and committed, "
			  "write the barrier to PATH: the source's FIFO, or a file. Without it a barrier still "
			  "ends the batch, and is dropped; it is never a row",
		  .man = "Acknowledge each checkpoint barrier there once the rows before it are\n"
			 "committed (see\n.BR Acknowledgements ).\nNot with\n.BR \\-\\-dry-run ." },
		{ .name = "dry-run", .short_name = 'n', .type = CLI_FLAG, .dest = &o->dry_run,
		  .help = "load nothing: print each table's schema and row count" },
		{ 0 },
	};
	const cli_spec spec = { .synopsis = synopsis, .epilogue = epilogue, .opts = opts, .input = true };
	int first = cli_table_parse(&o->cli, &spec, argc, argv);
	o->files = argv + first;
	o->nfiles = argc - first;
}

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
	const char *partition = NULL;

	memset(o, 0, sizeof *o);
	o->flush_ms = -1;
	cli_init(&o->cli, "bq-load");
	parse_table(o, &partition, argc, argv);
	if (!o->tmpdir)
		o->tmpdir = cli_env("TMPDIR", "/tmp");

	parse_target(o);
	if (o->ack_to && !*o->ack_to)
		o->ack_to = NULL;
	if (o->ack_to && o->dry_run)
		cli_usage_error(&o->cli, "--ack-to with --dry-run would acknowledge rows never loaded");
	if (o->cacert && access(o->cacert, R_OK) != 0)
		cli_usage_error(&o->cli, "--cacert: cannot read '%s'", o->cacert);
	/* DuckDB writes each commit's rows to its WAL first: fewer, larger batches
	 * load faster (measured in bench/50-bqload.sh). */
	if (!o->batch_bytes)
		o->batch_bytes = o->kind == TARGET_DUCKDB ? 256u << 20 : 64u << 20;
	if (!o->dataset)
		o->dataset = "bronze";
	if (!table_name_ok(o->dataset))
		cli_usage_error(&o->cli, "--dataset: '%s' is not a valid name (letters, digits, _)", o->dataset);
	if (o->table && !table_name_ok(o->table))
		cli_usage_error(&o->cli, "--table: '%s' is not a valid name (letters, digits, _)", o->table);
	if (o->mode == MODE_STREAM && o->kind != TARGET_BIGQUERY)
		cli_usage_error(&o->cli, "--mode stream needs a bigquery: target");
	if (o->flush_ms < 0)
		o->flush_ms = o->mode == MODE_STREAM ? 1000 : 0;
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
