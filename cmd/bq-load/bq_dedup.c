#include "bq_dedup.h"
#include "bq_load.h"
#include "exitcode.h"
#include "json_path.h"
#include "log.h"

#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STAGE_PREFIX "_vtex_pipes_stage_"
#define STAGE_TTL_MS (24LL * 3600 * 1000)

static void table_sql(buf *b, const options *o, const char *table)
{
	buf_printf(b, "`%s.%s.%s`", o->project, o->dataset, table);
}

/* Creates the staging table (a crashed run's one is reused: the load truncates it). */
static int stage_create(bq_tables *ts, const char *stage, const cJSON *fields, char **why)
{
	const options *o = ts->o;
	buf path = { 0 }, body = { 0 };
	bq_reply rep;
	bq_table_path(&path, o, NULL);
	buf_puts(&body, "{\"tableReference\":{\"projectId\":");
	buf_json_string(&body, o->project, strlen(o->project));
	buf_puts(&body, ",\"datasetId\":");
	buf_json_string(&body, o->dataset, strlen(o->dataset));
	buf_puts(&body, ",\"tableId\":");
	buf_json_string(&body, stage, strlen(stage));
	buf_puts(&body, "},\"schema\":{\"fields\":");
	json_write(&body, fields);
	buf_printf(&body, "},\"expirationTime\":\"%lld\"", (long long)time(NULL) * 1000 + STAGE_TTL_MS);
	if (o->kms_key) {
		buf_puts(&body, ",\"encryptionConfiguration\":{\"kmsKeyName\":");
		buf_json_string(&body, o->kms_key, strlen(o->kms_key));
		buf_putc(&body, '}');
	}
	buf_putc(&body, '}');
	int rc = bq_call(ts->api, "tables.insert(staging)", "POST", buf_cstr(&path), "application/json", body.data,
			 body.len, NULL, &rep);
	buf_free(&path);
	buf_free(&body);
	if (rc != VP_EXIT_OK)
		return rc;
	if (rep.status != 200 && rep.status != 409 && !(rc = bq_status_exit(&rep, "tables.insert"))) {
		if (rep.status >= 500 || rep.status == 429)
			rc = VP_EXIT_TEMPFAIL;
		else
			*why = bq_error_message(&rep);
	}
	bq_reply_free(&rep);
	return rc;
}

static void stage_drop(bq_tables *ts, const char *stage)
{
	buf path = { 0 };
	bq_reply rep;
	bq_table_path(&path, ts->o, stage);
	if (bq_call(ts->api, "tables.delete(staging)", "DELETE", buf_cstr(&path), NULL, NULL, 0, NULL, &rep) ==
	    VP_EXIT_OK) {
		if (rep.status != 200 && rep.status != 204 && rep.status != 404)
			log_warn("cannot delete a staging table; it expires in a day", LS("table", stage),
				 LI("status", rep.status));
		bq_reply_free(&rep);
	}
	buf_free(&path);
}

static void insert_sql(buf *b, const options *o, const char *table, const char *stage, const cJSON *fields)
{
	buf cols = { 0 };
	const cJSON *f;
	cJSON_ArrayForEach(f, fields) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(f, "name");
		if (cJSON_IsString(n))
			buf_printf(&cols, "%s`%s`", cols.len ? ", " : "", n->valuestring);
	}
	buf_puts(b, "INSERT INTO ");
	table_sql(b, o, table);
	buf_printf(b, " (%s) SELECT %s FROM ", buf_cstr(&cols), buf_cstr(&cols));
	table_sql(b, o, stage);
	buf_puts(b, " AS s WHERE NOT EXISTS (SELECT 1 FROM ");
	table_sql(b, o, table);
	buf_puts(b, " AS t WHERE t._row_id = s._row_id)"
		    " QUALIFY s._row_id IS NULL OR ROW_NUMBER() OVER (PARTITION BY s._row_id) = 1");
	buf_free(&cols);
}

/* numDmlAffectedRows of a finished DML job, -1 when the job does not say. */
static long long dml_rows(const cJSON *job)
{
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(job, "statistics"), "query");
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(q, "numDmlAffectedRows");
	if (cJSON_IsString(n))
		return strtoll(n->valuestring, NULL, 10);
	return cJSON_IsNumber(n) ? (long long)n->valuedouble : -1;
}

/* The rows this batch put in the table, counted by their _batch_id and
 * _loaded_at (for a peer that does not report numDmlAffectedRows: the
 * emulator); -1 when unknown. */
static long long count_loaded(bq_tables *ts, const char *table, const char *batch_id, const char *loaded_at)
{
	const options *o = ts->o;
	buf sql = { 0 }, body = { 0 }, path = { 0 };
	bq_reply rep;
	long long n = -1;
	buf_puts(&sql, "SELECT COUNT(*) FROM ");
	table_sql(&sql, o, table);
	/* loaded_at is RFC 3339 with a Z; BigQuery's literal wants an offset. */
	buf_printf(&sql, " WHERE _batch_id = '%s' AND _loaded_at = TIMESTAMP '%.*s+00:00'", batch_id,
		   (int)strlen(loaded_at) - 1, loaded_at);
	buf_puts(&body, "{\"useLegacySql\":false,\"timeoutMs\":60000,\"query\":");
	buf_json_string(&body, buf_cstr(&sql), sql.len);
	if (o->location) {
		buf_puts(&body, ",\"location\":");
		buf_json_string(&body, o->location, strlen(o->location));
	}
	buf_putc(&body, '}');
	buf_puts(&path, "/bigquery/v2/projects/");
	buf_url_escape(&path, o->project);
	buf_puts(&path, "/queries");
	if (bq_call(ts->api, "jobs.query(count)", "POST", buf_cstr(&path), "application/json", body.data, body.len,
		    NULL, &rep) == VP_EXIT_OK) {
		cJSON *j = rep.status == 200 ? cJSON_Parse(rep.body.data) : NULL;
		const cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "rows"), 0);
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(row, "f"), 0), "v");
		if (cJSON_IsString(v))
			n = strtoll(v->valuestring, NULL, 10);
		cJSON_Delete(j);
		bq_reply_free(&rep);
	}
	buf_free(&sql);
	buf_free(&body);
	buf_free(&path);
	return n;
}

int bq_dedup_load(bq_tables *ts, bq_table *tb, const table_batch *t, const buf *body, const cJSON *fields,
		  size_t rows, bool added, const char *loaded_at, tb_status *st, size_t *inserted, char **job_id, char **why)
{
	const options *o = ts->o;
	int rc = VP_EXIT_OK;
	*why = NULL;
	*job_id = NULL;
	*inserted = 0;
	*st = TB_REJECTED;
	if (added || !tb->exists)
		rc = bq_table_ensure(ts, tb, fields, why);
	if (rc != VP_EXIT_OK || *why)
		return rc;

	/* A run's own suffix on the job ids: the INSERT is what makes a row
	 * load once, so a job id need not be recognised across runs (and the
	 * emulator answers a known job id with 400, not 409). */
	unsigned char rnd[4];
	char run[9];
	RAND_bytes(rnd, sizeof rnd);
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(run + 2 * i, 3, "%02x", rnd[i]);
	buf stage = { 0 }, prefix = { 0 }, sql = { 0 };
	buf_printf(&stage, STAGE_PREFIX "%s_%.900s", t->id, t->name);
	if ((rc = stage_create(ts, buf_cstr(&stage), fields, why)) != VP_EXIT_OK || *why)
		goto out;
	buf_printf(&prefix, "vtexpipes_stage_%.200s_%s_%s", t->name, t->id, run);
	bq_load_dest dst = { .table = buf_cstr(&stage), .job_prefix = buf_cstr(&prefix), .staging = true };
	tb_status lst;
	rc = bq_load_job(ts->api, o, &dst, body, fields, &lst, job_id, why);
	if (rc != VP_EXIT_OK || lst == TB_REJECTED)
		goto out;
	free(*job_id);
	*job_id = NULL;

	insert_sql(&sql, o, t->name, buf_cstr(&stage), fields);
	prefix.len = 0;
	buf_printf(&prefix, "vtexpipes_%.200s_%s_%s", t->name, t->id, run);
	cJSON *job = NULL;
	rc = bq_query_job(ts->api, o, buf_cstr(&prefix), buf_cstr(&sql), st, &job, job_id, why);
	if (rc == VP_EXIT_OK && *st != TB_REJECTED) {
		*st = TB_LOADED;
		long long n = dml_rows(job);
		if (n < 0)
			n = count_loaded(ts, t->name, t->id, loaded_at);
		if (n < 0) {
			log_warn("cannot tell how many rows the INSERT added; counting them all as loaded",
				 LS("table", t->name), LS("job_id", *job_id));
			n = (long long)rows;
		}
		*inserted = (size_t)n;
	}
	cJSON_Delete(job);
	stage_drop(ts, buf_cstr(&stage));
out:
	buf_free(&stage);
	buf_free(&prefix);
	buf_free(&sql);
	return rc;
}
