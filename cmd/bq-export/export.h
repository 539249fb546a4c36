/* bq-export's settings and the pieces its two sources (DuckDB, BigQuery)
 * share: the output, the --since watermark, and JSON rendering of values. */
#ifndef BQEXPORT_EXPORT_H
#define BQEXPORT_EXPORT_H

#include "buf.h"
#include "cli.h"
#include "metrics.h"
#include "ndjson_writer.h"
#include "progress.h"
#include "warehouse.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
	cli_common cli;
	const char *target;
	wh_target wh;
	const char *dataset;       /* of --table when it names none */
	const char *table;         /* --table [DATASET.]NAME */
	const char *query;         /* --query SQL */
	const char *since_col;     /* --since COLUMN[=VALUE] */
	const char *since_val;     /* NULL: none given */
	const char *state;         /* --state FILE */
	const char *endpoint;
	const char *location;
	const char *cacert;        /* extra CA (PEM) for BigQuery and the token endpoint */
	long long page_rows;
	double lock_timeout;
} options;

/* The greatest value of the --since column seen so far. Numbers (and
 * timestamps, as instants) compare as numbers, other values bytewise. */
typedef struct {
	bool have;
	bool numeric;
	double key;
	buf json;                  /* the value as JSON text */
} watermark;

typedef struct {
	const options *o;
	ndjson_writer *out;
	int wm_col;                /* index of the --since column in the result; -1: none */
	watermark wm;
	progress prog;
	metric *m_rows, *m_bytes;
	unsigned long long rows;
} sink;

/* The SELECT that reads the table or wraps the query, with the --since
 * filter when there is a lower bound (literal: SQL text, or NULL). Quoting
 * for DuckDB (bigquery false: "x") or BigQuery (`x`). */
void export_sql(buf *b, const options *o, const char *literal, bool bigquery);

/* Row output: open a row, add each column (name already escaped by the
 * caller once: "\"name\":"), close it. */
buf *sink_row_begin(sink *s);
void sink_row_end(sink *s);

void wm_offer_num(watermark *w, double key, const char *json, size_t len);
void wm_offer_text(watermark *w, const char *json, size_t len);

/* Value formatting shared by both sources. */
/* Micro-seconds since the epoch as RFC 3339 UTC. */
void put_timestamp_us(buf *b, int64_t us);
/* Days since the epoch as "YYYY-MM-DD". */
void put_date_days(buf *b, int32_t days);
/* Microseconds since midnight as "HH:MM:SS[.ffffff]". */
void put_time_us(buf *b, int64_t us);
/* base64 of bytes, as a JSON string. */
void put_base64(buf *b, const void *data, size_t len);

/* Each returns an exit code. */
int duck_export(const options *o, const char *literal, sink *s);
int bq_export(const options *o, const char *literal, sink *s);

#endif
