#include "bq_load.h"
#include "bq_table.h"
#include "exitcode.h"
#include "json_path.h"
#include "log.h"
#include "progress.h"

#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { JOB_ATTEMPTS = 3 };

/* A job's body up to its jobReference's end: '{"jobReference":{...}'. */
static void job_reference(buf *b, const options *o, const char *job_id)
{
	buf_puts(b, "{\"jobReference\":{\"projectId\":");
	buf_json_string(b, o->project, strlen(o->project));
	buf_puts(b, ",\"jobId\":");
	buf_json_string(b, job_id, strlen(job_id));
	if (o->location) {
		buf_puts(b, ",\"location\":");
		buf_json_string(b, o->location, strlen(o->location));
	}
	buf_putc(b, '}');
}

static void load_json(buf *b, const options *o, const bq_load_dest *dst, const char *job_id, const cJSON *fields)
{
	job_reference(b, o, job_id);
	buf_puts(b, ",\"configuration\":{\"load\":{\"sourceFormat\":\"NEWLINE_DELIMITED_JSON\","
		    "\"destinationTable\":{\"projectId\":");
	buf_json_string(b, o->project, strlen(o->project));
	buf_puts(b, ",\"datasetId\":");
	buf_json_string(b, o->dataset, strlen(o->dataset));
	buf_puts(b, ",\"tableId\":");
	buf_json_string(b, dst->table, strlen(dst->table));
	buf_puts(b, "},\"schema\":{\"fields\":");
	json_write(b, fields);
	if (dst->staging)
		/* The staging table exists already (made with its expiry and key). */
		buf_puts(b, "},\"autodetect\":false,\"writeDisposition\":\"WRITE_TRUNCATE\","
			    "\"createDisposition\":\"CREATE_NEVER\",\"maxBadRecords\":0,\"ignoreUnknownValues\":false");
	else {
		buf_puts(b, "},\"autodetect\":false,\"writeDisposition\":\"WRITE_APPEND\","
			    "\"createDisposition\":\"CREATE_IF_NEEDED\",\"schemaUpdateOptions\":[\"ALLOW_FIELD_ADDITION\"],"
			    "\"maxBadRecords\":0,\"ignoreUnknownValues\":false");
		/* Only for a table the job creates: BigQuery refuses a load whose
		 * partitioning or clustering differs from the existing table's. */
		if (!dst->exists)
			bq_table_options_load(b, o, dst->table, fields);
	}
	buf_puts(b, "}}}");
}

static void query_json(buf *b, const options *o, const char *job_id, const char *sql)
{
	job_reference(b, o, job_id);
	buf_puts(b, ",\"configuration\":{\"query\":{\"useLegacySql\":false,\"query\":");
	buf_json_string(b, sql, strlen(sql));
	buf_puts(b, "}}}");
}

static void jobs_path(buf *b, const options *o, bool upload)
{
	buf_puts(b, upload ? "/upload/bigquery/v2/projects/" : "/bigquery/v2/projects/");
	buf_url_escape(b, o->project);
	buf_puts(b, "/jobs");
}

/* Inserts the job with its data (none for a query). The reply is the Job
 * resource (200), or 409. */
static int insert(bq_api *a, const options *o, const char *job, const buf *body, bq_reply *rep)
{
	buf path = { 0 };
	int rc;
	jobs_path(&path, o, body != NULL);
	if (!body) {
		rc = bq_call(a, "jobs.insert(query)", "POST", buf_cstr(&path), "application/json; charset=UTF-8", job,
			     strlen(job), NULL, rep);
		buf_free(&path);
		return rc;
	}
	if (body->len <= o->resumable_over) {
		unsigned char rnd[12];
		char boundary[64];
		buf mp = { 0 }, ctype = { 0 };
		RAND_bytes(rnd, sizeof rnd);
		strcpy(boundary, "vtexpipes");
		for (size_t i = 0; i < sizeof rnd; i++)
			snprintf(boundary + 9 + 2 * i, 3, "%02x", rnd[i]);
		buf_printf(&mp, "--%s\r\ncontent-type: application/json; charset=UTF-8\r\n\r\n%s\r\n"
				"--%s\r\ncontent-type: application/octet-stream\r\n\r\n", boundary, job, boundary);
		buf_put(&mp, body->data, body->len);
		buf_printf(&mp, "\r\n--%s--\r\n", boundary);
		buf_printf(&ctype, "multipart/related; boundary=%s", boundary);
		buf_puts(&path, "?uploadType=multipart");
		rc = bq_call(a, "jobs.insert(multipart)", "POST", buf_cstr(&path), buf_cstr(&ctype), mp.data, mp.len,
			     NULL, rep);
		buf_free(&mp);
		buf_free(&ctype);
		buf_free(&path);
		return rc;
	}
	buf len_hdr = { 0 };
	buf_printf(&len_hdr, "X-Upload-Content-Length: %zu", body->len);
	buf_puts(&path, "?uploadType=resumable");
	rc = bq_call(a, "jobs.insert(resumable)", "POST", buf_cstr(&path), "application/json; charset=UTF-8", job,
		     strlen(job), buf_cstr(&len_hdr), rep);
	buf_free(&len_hdr);
	buf_free(&path);
	if (rc != VP_EXIT_OK || rep->status != 200)
		return rc;
	if (!rep->location[0]) {
		log_error("BigQuery opened an upload session without a Location");
		rep->status = 502;
		return VP_EXIT_OK;
	}
	char session[sizeof rep->location];
	strcpy(session, rep->location);
	bq_reply_free(rep);
	/* The whole batch in one PUT; a retried PUT sends it all again. */
	return bq_call_url(a, "upload", "PUT", session, "application/octet-stream", body->data, body->len, NULL, rep);
}

static int get_job(bq_api *a, const options *o, const char *job_id, bq_reply *rep)
{
	buf path = { 0 };
	jobs_path(&path, o, false);
	buf_putc(&path, '/');
	buf_url_escape(&path, job_id);
	if (o->location) {
		buf_puts(&path, "?location=");
		buf_url_escape(&path, o->location);
	}
	int rc = bq_call(a, "jobs.get", "GET", buf_cstr(&path), NULL, NULL, 0, NULL, rep);
	buf_free(&path);
	return rc;
}

static const char *job_state(const cJSON *job)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(job, "status"), "state");
	return cJSON_IsString(s) ? s->valuestring : "";
}

/* Polls until the job is DONE; *job is replaced by the latest resource. */
static int wait_done(bq_api *a, const options *o, const char *job_id, cJSON **job)
{
	double wait = 0.25;
	while (strcmp(job_state(*job), "DONE")) {
		struct timespec ts = { (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9) };
		nanosleep(&ts, NULL);
		wait = wait * 2 > 5 ? 5 : wait * 2;
		bq_reply rep;
		int rc = get_job(a, o, job_id, &rep);
		if (rc != VP_EXIT_OK)
			return rc;
		if (rep.status != 200) {
			rc = bq_status_exit(&rep, "jobs.get");
			if (!rc) {
				char *msg = bq_error_message(&rep);
				log_error("cannot read a load job's state", LS("job_id", job_id), LS("error", msg));
				free(msg);
				rc = VP_EXIT_TEMPFAIL;
			}
			bq_reply_free(&rep);
			return rc;
		}
		cJSON_Delete(*job);
		*job = cJSON_Parse(rep.body.data);
		bq_reply_free(&rep);
		if (!*job) {
			log_error("BigQuery sent a job that is not JSON", LS("job_id", job_id));
			return VP_EXIT_TEMPFAIL;
		}
	}
	return VP_EXIT_OK;
}

static bool passing_reason(const char *r)
{
	return !strcmp(r, "backendError") || !strcmp(r, "internalError") || !strcmp(r, "rateLimitExceeded") ||
	       !strcmp(r, "jobBackendError");
}

/* The job's errorResult as text ("reason: message; first errors..."), or NULL. */
static char *job_error(const cJSON *job, bool *passing)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(job, "status");
	const cJSON *er = cJSON_GetObjectItemCaseSensitive(st, "errorResult");
	if (!cJSON_IsObject(er))
		return NULL;
	const cJSON *reason = cJSON_GetObjectItemCaseSensitive(er, "reason");
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(er, "message");
	buf b = { 0 };
	const char *r = cJSON_IsString(reason) ? reason->valuestring : "error";
	*passing = passing_reason(r);
	buf_printf(&b, "job failed: %s: %s", r, cJSON_IsString(msg) ? msg->valuestring : "");
	const cJSON *e;
	int shown = 0;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(st, "errors")) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "message");
		if (cJSON_IsString(m) && shown++ < 3 && (!cJSON_IsString(msg) || strcmp(m->valuestring, msg->valuestring)))
			buf_printf(&b, "; %s", m->valuestring);
	}
	return (char *)buf_cstr(&b);
}

/* One job, tried again under the next id PREFIX_N when it fails for a passing
 * reason. sql: a query job, else a load job of body into dst. *done_job: the
 * final Job resource when the caller wants it. */
static int run_job(bq_api *a, const options *o, const char *prefix, const bq_load_dest *dst, const buf *body,
		   const cJSON *fields, const char *sql, tb_status *status, char **job_id, char **why, cJSON **done_job)
{
	*why = NULL;
	*job_id = NULL;
	for (int attempt = 0; attempt < JOB_ATTEMPTS; attempt++) {
		buf id = { 0 }, job = { 0 };
		bq_reply rep;
		bool existed = false;
		buf_printf(&id, "%s_%d", prefix, attempt);
		free(*job_id);
		*job_id = xstrdup(buf_cstr(&id));
		buf_free(&id);
		if (sql)
			query_json(&job, o, *job_id, sql);
		else
			load_json(&job, o, dst, *job_id, fields);
		int rc = insert(a, o, buf_cstr(&job), sql ? NULL : body, &rep);
		buf_free(&job);
		if (rc != VP_EXIT_OK)
			return rc;
		if (rep.status == 409) {
			/* This job already exists: a re-run, or a request that went through before. */
			existed = true;
			bq_reply_free(&rep);
			if ((rc = get_job(a, o, *job_id, &rep)) != VP_EXIT_OK)
				return rc;
		}
		if (rep.status != 200 && rep.status != 201) {
			rc = bq_status_exit(&rep, "jobs.insert");
			if (!rc && (rep.status >= 500 || rep.status == 429))
				rc = VP_EXIT_TEMPFAIL;
			if (!rc) {
				*why = bq_error_message(&rep);
				*status = TB_REJECTED;
			}
			bq_reply_free(&rep);
			return rc;
		}
		cJSON *j = cJSON_Parse(rep.body.data);
		bq_reply_free(&rep);
		if (!j) {
			log_error("BigQuery sent a job that is not JSON", LS("job_id", *job_id));
			return VP_EXIT_TEMPFAIL;
		}
		rc = wait_done(a, o, *job_id, &j);
		if (rc != VP_EXIT_OK) {
			cJSON_Delete(j);
			return rc;
		}
		bool passing = false;
		char *err = job_error(j, &passing);
		if (!err) {
			*status = existed ? TB_ALREADY_LOADED : TB_LOADED;
			if (done_job)
				*done_job = j;
			else
				cJSON_Delete(j);
			return VP_EXIT_OK;
		}
		cJSON_Delete(j);
		if (passing && attempt + 1 < JOB_ATTEMPTS) {
			log_warn("a job failed for a passing reason; trying again under a new job id",
				 LS("job_id", *job_id), LS("error", err));
			free(err);
			continue;
		}
		*why = err;
		*status = TB_REJECTED;
		return VP_EXIT_OK;
	}
	return VP_EXIT_TEMPFAIL; /* not reached: the last attempt returns */
}

int bq_load_job(bq_api *a, const options *o, const bq_load_dest *dst, const buf *body, const cJSON *fields,
		tb_status *status, char **job_id, char **why)
{
	return run_job(a, o, dst->job_prefix, dst, body, fields, NULL, status, job_id, why, NULL);
}

int bq_query_job(bq_api *a, const options *o, const char *job_prefix, const char *sql, tb_status *status,
		 cJSON **job, char **job_id, char **why)
{
	*job = NULL;
	return run_job(a, o, job_prefix, NULL, NULL, NULL, sql, status, job_id, why, job);
}
