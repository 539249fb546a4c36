/* bq-export: a table, a view or a query out of the warehouse as NDJSON (see
 * bq-export(1)). Rows stream from DuckDB chunk by chunk, or from BigQuery
 * page by page; --since/--state keep a watermark so that each run exports
 * only what changed since the last complete one. */
#include "cli_table.h"
#include "export.h"
#include "private_file.h"
#include "exitcode.h"
#include "json_file.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char synopsis[] =
	"Usage: bq-export [OPTION]... (--table [DATASET.]NAME | --query SQL)\n"
	"Read a table, a view or a query's result from the warehouse and write it as\n"
	"NDJSON on stdout, one object per row, values typed as JSON: numbers as numbers\n"
	"(decimals exact), timestamps as RFC 3339 UTC, NULL as null, lists and structs\n"
	"as arrays and objects. Rows stream: memory stays bounded whatever the size.\n"
	"\n";
static const char epilogue[] =
	"\n"
	"BigQuery credentials: BQ_TOKEN or BQ_TOKEN_FILE (a bearer token), else\n"
	"GOOGLE_APPLICATION_CREDENTIALS (a service-account key), else the metadata server.\n"
	"An encrypted DuckDB warehouse: its key in VP_DUCKDB_KEY or the file VP_DUCKDB_KEY_FILE.\n"
	"Exit status: 0 exported, 64 usage error, 69 BigQuery table, dataset or project\n"
	"not found, 74 output closed, 75 temporary failure (DuckDB file locked, BigQuery\n"
	"unavailable: retry later), 78 bad query, credentials or state file.\n"
	"See bq-export(1).\n";

static char *since_copy;

/* What options_parse allocated. */
static void options_free(options *o)
{
	free(since_copy);
	wh_target_free(&o->wh);
}

static void options_parse(options *o, int argc, char **argv)
{
	memset(o, 0, sizeof *o);
	const char *since = NULL;
	const cli_opt opts[] = {
		{ .name = "target", .short_name = 't', .type = CLI_STRING, .dest = &o->target, .arg = "TARGET",
		  .env = "BQ_TARGET", .def = "duckdb:warehouse.duckdb",
		  .help = "duckdb:PATH or bigquery:PROJECT[.DATASET]",
		  .man = ".BI duckdb: PATH\nor\n.BI bigquery: PROJECT [. DATASET ]\\fR." },
		{ .name = "table", .short_name = 'T', .type = CLI_STRING, .dest = &o->table, .arg = "[DATASET.]NAME",
		  .env = "BQ_EXPORT_TABLE", .help = "a table or a view" },
		{ .name = "query", .short_name = 'q', .type = CLI_STRING, .dest = &o->query, .arg = "SQL",
		  .env = "BQ_EXPORT_QUERY", .help = "a SELECT in the warehouse's dialect",
		  .man = "a SELECT in the warehouse's dialect; with\n.B \\-\\-since\nit is wrapped as\n"
			 ".BI \"SELECT * FROM (\" SQL \") WHERE \" COLUMN \" > \" bound\\fR.\n"
			 "On BigQuery, unqualified tables are looked up in the target's dataset\n"
			 ".RB ( \\-\\-dataset )." },
		{ .name = "dataset", .short_name = 'd', .type = CLI_STRING, .dest = &o->dataset, .arg = "NAME",
		  .env = "BQ_EXPORT_DATASET",
		  .help = "DuckDB schema or BigQuery dataset of --table when it names none (default: "
			  "TARGET's dataset, else main)" },
		{ .name = "since", .type = CLI_STRING, .dest = &since, .arg = "COLUMN[=VALUE]",
		  .env = "BQ_EXPORT_SINCE",
		  .help = "only rows whose COLUMN is greater than the watermark in --state, or than VALUE "
			  "when the state has none yet (see Incremental exports in bq-export(1))" },
		{ .name = "state", .type = CLI_PATH, .dest = &o->state, .arg = "FILE", .env = "BQ_EXPORT_STATE",
		  .help = "watermark file: the greatest COLUMN value exported, written atomically after a "
			  "complete export; needs --since" },
		{ .name = "page-rows", .type = CLI_COUNT, .dest = &o->page_rows, .arg = "N",
		  .env = "BQ_EXPORT_PAGE_ROWS", .def = "10000", .min = 1, .max = 1000000,
		  .help = "BigQuery: rows per page" },
		{ .name = "endpoint", .type = CLI_STRING, .dest = &o->endpoint, .arg = "URL",
		  .env = "BQ_EXPORT_ENDPOINT", .def = "https://bigquery.googleapis.com",
		  .help = "BigQuery API base URL, e.g. an emulator" },
		{ .name = "location", .type = CLI_STRING, .dest = &o->location, .arg = "LOC",
		  .env = "BQ_EXPORT_LOCATION", .help = "BigQuery job location" },
		{ .name = "cacert", .type = CLI_PATH, .dest = &o->cacert, .arg = "FILE", .env = "BQ_EXPORT_CACERT",
		  .help = "trust this CA (PEM) too for BigQuery and its token endpoint; TLS is always verified",
		  .man = "Trust this CA certificate (PEM) as well, for BigQuery and for the OAuth token\n"
			 "endpoint of a service-account key.\n"
			 "TLS is always verified: a certificate no trusted CA signed ends the run with exit 78." },
		{ .name = "lock-timeout", .type = CLI_DURATION, .dest = &o->lock_timeout, .arg = "SEC",
		  .env = "BQ_EXPORT_LOCK_TIMEOUT", .def = "120", .min = 0, .max = 86400,
		  .help = "wait this long for another writer's lock on the DuckDB file" },
		{ 0 },
	};
	const cli_spec spec = { .synopsis = synopsis, .epilogue = epilogue, .opts = opts };

	cli_init(&o->cli, "bq-export");
	int first = cli_table_parse(&o->cli, &spec, argc, argv);
	if (first < argc)
		cli_usage_error(&o->cli, "unexpected argument '%s'", argv[first]);
	if (o->cacert && access(o->cacert, R_OK) != 0)
		cli_usage_error(&o->cli, "--cacert: cannot read '%s'", o->cacert);
	const char *err;
	if (!wh_target_parse(o->target, &o->wh, &err))
		cli_usage_error(&o->cli, "--target: '%s': %s", o->target, err);
	if (!o->table == !o->query)
		cli_usage_error(&o->cli, "give one of --table or --query");
	if (o->table) {
		const char *dot = strchr(o->table, '.');
		if (!wh_ident_ok(dot ? dot + 1 : o->table, 1024) ||
		    (dot && (dot == o->table || strchr(dot + 1, '.'))))
			cli_usage_error(&o->cli, "--table: '%s' is not [DATASET.]NAME (letters, digits, _)", o->table);
	}
	if (!o->dataset)
		o->dataset = o->wh.dataset ? o->wh.dataset : "main";
	if (!wh_ident_ok(o->dataset, 1024))
		cli_usage_error(&o->cli, "--dataset: '%s' is not a valid name (letters, digits, _)", o->dataset);
	if (since) {
		since_copy = xstrdup(since);
		char *eq = strchr(since_copy, '=');
		if (eq) {
			*eq = '\0';
			o->since_val = eq + 1;
		}
		o->since_col = since_copy;
		if (!wh_ident_ok(o->since_col, 300))
			cli_usage_error(&o->cli, "--since: '%s' is not a column name", o->since_col);
	}
	if (o->state && !o->since_col)
		cli_usage_error(&o->cli, "--state needs --since COLUMN");
}

/* A watermark as an SQL literal: a number as it is, anything else quoted
 * (both engines take a quoted timestamp or date where one is compared).
 * DuckDB doubles a quote; BigQuery escapes it and the backslash. */
static char *literal_of(const char *text, bool numeric, bool bigquery)
{
	buf b = { 0 };
	if (numeric) {
		buf_puts(&b, text);
		return (char *)buf_cstr(&b);
	}
	buf_putc(&b, '\'');
	for (const char *p = text; *p; p++) {
		if (*p == '\'')
			buf_putc(&b, bigquery ? '\\' : '\'');
		else if (*p == '\\' && bigquery)
			buf_putc(&b, '\\');
		buf_putc(&b, *p);
	}
	buf_putc(&b, '\'');
	return (char *)buf_cstr(&b);
}

/* Whether s is a plain decimal number (what may go into SQL unquoted). */
static bool is_number(const char *s)
{
	const char *p = s + (*s == '-');
	bool digits = false, point = false;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits = true;
		else if (*p == '.' && !point)
			point = true;
		else if ((*p == 'e' || *p == 'E') && digits && (p[1] == '-' || p[1] == '+' || (p[1] >= '0' && p[1] <= '9')))
			return is_number(p[1] == '-' || p[1] == '+' ? p + 2 : p + 1) && !strchr(p + 1, '.');
		else
			return false;
	}
	return digits;
}

int main(int argc, char **argv)
{
	options o;
	private_umask(); /* DuckDB creates the warehouse file and its WAL itself */
	options_parse(&o, argc, argv);
	cJSON *state = NULL;
	char *literal = NULL;
	bool bigquery = o.wh.kind == WH_BIGQUERY;
	if (o.state) {
		if (!(state = json_file_load(o.state))) {
			options_free(&o);
			return VP_EXIT_CONFIG;
		}
		const cJSON *col = cJSON_GetObjectItemCaseSensitive(state, "column");
		const cJSON *wm = cJSON_GetObjectItemCaseSensitive(state, "watermark");
		const cJSON *num = cJSON_GetObjectItemCaseSensitive(state, "numeric");
		if (cJSON_IsString(col) && strcmp(col->valuestring, o.since_col)) {
			log_error("the state file holds another column's watermark", LS("path", o.state),
				  LS("state_column", col->valuestring), LS("since", o.since_col));
			cJSON_Delete(state);
			options_free(&o);
			return VP_EXIT_CONFIG;
		}
		if (wm && (!cJSON_IsString(wm) || (cJSON_IsTrue(num) && !is_number(wm->valuestring)))) {
			log_error("the state file's watermark is not a string (or a number when numeric)",
				  LS("path", o.state));
			cJSON_Delete(state);
			options_free(&o);
			return VP_EXIT_CONFIG;
		}
		if (wm)
			literal = literal_of(wm->valuestring, cJSON_IsTrue(num), bigquery);
	}
	if (!literal && o.since_val)
		literal = literal_of(o.since_val, is_number(o.since_val), bigquery);

	sink s = { .o = &o, .wm_col = -1 };
	s.out = ndjson_writer_open(STDOUT_FILENO, "-");
	s.m_rows = metrics_counter("vtex_pipes_records_total", "Records by outcome.", "outcome=\"out\"");
	s.m_bytes = metrics_counter("vtex_pipes_output_bytes_total", "Bytes written.", "");
	metric *m_secs = metrics_gauge("vtex_pipes_export_seconds", "Duration of the export.", "");
	progress_start(&s.prog, "rows");
	double t0 = progress_now();
	log_info("export", LS("target", o.target), LS(o.table ? "table" : "query", o.table ? o.table : "(given)"),
		 LS("since", o.since_col ? o.since_col : ""), LS("after", literal ? literal : ""));
	int rc = o.wh.kind == WH_DUCKDB ? duck_export(&o, literal, &s) : bq_export(&o, literal, &s);
	progress_end(&s.prog);
	if (!ndjson_writer_close(s.out))
		rc = vp_exit_worst(rc, VP_EXIT_IOERR);
	metric_set(m_secs, progress_now() - t0);
	if (rc == VP_EXIT_OK && o.since_col && s.wm_col < 0) {
		log_error("the --since column is not in the result", LS("column", o.since_col));
		rc = VP_EXIT_CONFIG;
	}
	/* The watermark moves only after a complete export. */
	if (rc == VP_EXIT_OK && o.state && s.wm.have) {
		cJSON *v = cJSON_ParseWithLength(s.wm.json.data, s.wm.json.len);
		cJSON_DeleteItemFromObjectCaseSensitive(state, "column");
		cJSON_DeleteItemFromObjectCaseSensitive(state, "watermark");
		cJSON_DeleteItemFromObjectCaseSensitive(state, "numeric");
		cJSON_AddStringToObject(state, "column", o.since_col);
		/* A number is kept as its text: exact beyond a double's 53 bits. */
		cJSON_AddStringToObject(state, "watermark", cJSON_IsString(v) ? v->valuestring : buf_cstr(&s.wm.json));
		cJSON_AddBoolToObject(state, "numeric", cJSON_IsNumber(v));
		cJSON_Delete(v);
		if (!json_file_save(o.state, state))
			rc = VP_EXIT_IOERR;
	}
	if (rc == VP_EXIT_OK)
		log_info("done", LI("rows", s.rows), LD("seconds", progress_now() - t0),
			 LS("watermark", s.wm.have ? buf_cstr(&s.wm.json) : ""));
	cJSON_Delete(state);
	free(literal);
	buf_free(&s.wm.json);
	options_free(&o);
	cli_finish(&o.cli);
	return rc;
}
