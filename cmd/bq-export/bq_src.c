/* Rows out of BigQuery, page by page: a table without --since is read with
 * tabledata.list (no query cost), anything else runs as a query (jobs.query,
 * then getQueryResults until the job is done and for each further page). A
 * page (--page-rows rows) is parsed, written out and freed before the next
 * is asked for. Values come as text in BigQuery's row format ({"f":[{"v":..}]})
 * and are typed by the schema. */
#include "bq_api.h"
#include "exitcode.h"
#include "export.h"
#include "log.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	bool numeric;
	double key;
} wm_hint;

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Timestamps: microseconds (formatOptions.useInt64Timestamp) or, from
 * servers that ignore it, seconds as a float ("1.7E9"). */
static bool ts_micros(const char *s, int64_t *us)
{
	char *end;
	if (strpbrk(s, ".eE")) {
		double d = strtod(s, &end);
		if (*end || !isfinite(d))
			return false;
		*us = (int64_t)llround(d * 1e6);
		return true;
	}
	long long v = strtoll(s, &end, 10);
	*us = v;
	return *s && !*end;
}

static void put_field(buf *b, const cJSON *f, const cJSON *v, bool in_list, wm_hint *h);

static void put_record(buf *b, const cJSON *fields, const cJSON *rec)
{
	const cJSON *cells = cJSON_GetObjectItemCaseSensitive(rec, "f");
	buf_putc(b, '{');
	const cJSON *f;
	const cJSON *cell = cJSON_IsArray(cells) ? cells->child : NULL;
	bool first = true;
	cJSON_ArrayForEach(f, fields) {
		const char *name = str(f, "name");
		if (!first)
			buf_putc(b, ',');
		first = false;
		buf_json_string(b, name ? name : "", name ? strlen(name) : 0);
		buf_putc(b, ':');
		put_field(b, f, cell ? cJSON_GetObjectItemCaseSensitive(cell, "v") : NULL, false, NULL);
		if (cell)
			cell = cell->next;
	}
	buf_putc(b, '}');
}

static void put_field(buf *b, const cJSON *f, const cJSON *v, bool in_list, wm_hint *h)
{
	const char *type = str(f, "type"), *mode = str(f, "mode");
	if (h)
		h->numeric = false;
	if (!in_list && mode && !strcmp(mode, "REPEATED")) {
		buf_putc(b, '[');
		const cJSON *e, *list = cJSON_IsArray(v) ? v : NULL;
		bool first = true;
		cJSON_ArrayForEach(e, list) {
			if (!first)
				buf_putc(b, ',');
			first = false;
			put_field(b, f, cJSON_GetObjectItemCaseSensitive(e, "v"), true, NULL);
		}
		buf_putc(b, ']');
		return;
	}
	if (!v || cJSON_IsNull(v) || !type) {
		buf_puts(b, "null");
		return;
	}
	if (!strcmp(type, "RECORD") || !strcmp(type, "STRUCT")) {
		put_record(b, cJSON_GetObjectItemCaseSensitive(f, "fields"), v);
		return;
	}
	if (!cJSON_IsString(v)) {
		buf_puts(b, "null");
		return;
	}
	const char *s = v->valuestring;
	if (!strcmp(type, "INTEGER") || !strcmp(type, "INT64") || !strcmp(type, "NUMERIC") ||
	    !strcmp(type, "BIGNUMERIC") || !strcmp(type, "FLOAT") || !strcmp(type, "FLOAT64")) {
		/* Integers and decimals as BigQuery wrote them (exact); NaN and infinities as null. */
		char *end;
		double d = strtod(s, &end);
		if (*end || !*s || !isfinite(d)) {
			buf_puts(b, "null");
			return;
		}
		if (!strcmp(type, "FLOAT") || !strcmp(type, "FLOAT64"))
			buf_put_double(b, d);
		else
			buf_puts(b, s);
		if (h) {
			h->numeric = true;
			h->key = d;
		}
	} else if (!strcmp(type, "BOOLEAN") || !strcmp(type, "BOOL")) {
		buf_puts(b, !strcmp(s, "true") ? "true" : "false");
	} else if (!strcmp(type, "TIMESTAMP")) {
		int64_t us;
		if (!ts_micros(s, &us)) {
			buf_json_string(b, s, strlen(s));
			return;
		}
		put_timestamp_us(b, us);
		if (h) {
			h->numeric = true;
			h->key = (double)us;
		}
	} else if (!strcmp(type, "JSON")) {
		cJSON *j = cJSON_Parse(s);
		if (j)
			buf_puts(b, s);
		else
			buf_json_string(b, s, strlen(s));
		cJSON_Delete(j);
	} else {
		/* STRING, BYTES (base64 already), DATE, TIME, DATETIME, GEOGRAPHY, INTERVAL. */
		buf_json_string(b, s, strlen(s));
	}
}

typedef struct {
	const options *o;
	sink *s;
	bq_api api;
	cJSON *fields;             /* the result's schema */
	char **keys;
	size_t nkeys;
} bqx;

static void take_schema(bqx *x, const cJSON *schema)
{
	if (x->fields)
		return;
	x->fields = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(schema, "fields"), true);
	x->nkeys = (size_t)cJSON_GetArraySize(x->fields);
	x->keys = xcalloc(x->nkeys ? x->nkeys : 1, sizeof *x->keys);
	size_t i = 0;
	const cJSON *f;
	cJSON_ArrayForEach(f, x->fields) {
		const char *name = str(f, "name");
		buf k = { 0 };
		buf_json_string(&k, name ? name : "", name ? strlen(name) : 0);
		buf_putc(&k, ':');
		x->keys[i] = (char *)buf_cstr(&k);
		if (x->o->since_col && name && !strcmp(name, x->o->since_col))
			x->s->wm_col = (int)i;
		i++;
	}
}

static void write_rows(bqx *x, const cJSON *rows)
{
	const cJSON *row;
	sink *s = x->s;
	cJSON_ArrayForEach(row, rows) {
		const cJSON *cells = cJSON_GetObjectItemCaseSensitive(row, "f");
		const cJSON *cell = cJSON_IsArray(cells) ? cells->child : NULL;
		const cJSON *f;
		size_t i = 0;
		buf *b = sink_row_begin(s);
		cJSON_ArrayForEach(f, x->fields) {
			if (i)
				buf_putc(b, ',');
			buf_puts(b, x->keys[i]);
			size_t at = b->len;
			wm_hint h = { 0 };
			const cJSON *v = cell ? cJSON_GetObjectItemCaseSensitive(cell, "v") : NULL;
			bool wm = (int)i == s->wm_col;
			put_field(b, f, v, false, wm ? &h : NULL);
			if (wm && !(b->len - at == 4 && !memcmp(b->data + at, "null", 4))) {
				if (h.numeric)
					wm_offer_num(&s->wm, h.key, b->data + at, b->len - at);
				else
					wm_offer_text(&s->wm, b->data + at, b->len - at);
			}
			if (cell)
				cell = cell->next;
			i++;
		}
		sink_row_end(s);
	}
}

/* 200 gives the parsed body; else the exit code the status means. */
static int reply_json(bqx *x, bq_reply *rep, const char *call, cJSON **out)
{
	(void)x;
	*out = NULL;
	int rc = bq_status_exit(rep, call);
	if (rc)
		return rc;
	if (rep->status != 200) {
		char *msg = bq_error_message(rep);
		log_error(rep->status == 400 ? "BigQuery refused the query or request" : "BigQuery failed the call",
			  LS("call", call), LS("error", msg));
		free(msg);
		return rep->status == 400 ? VP_EXIT_CONFIG : VP_EXIT_TEMPFAIL;
	}
	if (!(*out = cJSON_Parse(rep->body.data))) {
		log_error("BigQuery's answer is not JSON", LS("call", call));
		return VP_EXIT_TEMPFAIL;
	}
	return VP_EXIT_OK;
}

static int call(bqx *x, const char *label, const char *method, const buf *path, const buf *body, cJSON **out)
{
	bq_reply rep;
	int rc = bq_call(&x->api, label, method, buf_cstr((buf *)path), body ? "application/json" : NULL,
			 body ? body->data : NULL, body ? body->len : 0, NULL, &rep);
	if (rc == VP_EXIT_OK)
		rc = reply_json(x, &rep, label, out);
	bq_reply_free(&rep);
	return rc;
}

static void query_args(bqx *x, buf *p, const char *token)
{
	buf_printf(p, "?maxResults=%lld&formatOptions.useInt64Timestamp=true", x->o->page_rows);
	if (token) {
		buf_puts(p, "&pageToken=");
		buf_url_escape(p, token);
	}
}

/* tabledata.list, page after page. */
static int read_table(bqx *x, const char *ds, const char *table)
{
	buf base = { 0 };
	buf_puts(&base, "/bigquery/v2/projects/");
	buf_url_escape(&base, x->o->wh.project);
	buf_puts(&base, "/datasets/");
	buf_url_escape(&base, ds);
	buf_puts(&base, "/tables/");
	buf_url_escape(&base, table);
	cJSON *t = NULL;
	buf p = { 0 };
	buf_puts(&p, buf_cstr(&base));
	int rc = call(x, "tables.get", "GET", &p, NULL, &t);
	if (rc == VP_EXIT_OK)
		take_schema(x, cJSON_GetObjectItemCaseSensitive(t, "schema"));
	cJSON_Delete(t);
	char *token = NULL;
	while (rc == VP_EXIT_OK) {
		cJSON *page = NULL;
		p.len = 0;
		buf_printf(&p, "%s/data", buf_cstr(&base));
		query_args(x, &p, token);
		rc = call(x, "tabledata.list", "GET", &p, NULL, &page);
		if (rc != VP_EXIT_OK)
			break;
		write_rows(x, cJSON_GetObjectItemCaseSensitive(page, "rows"));
		free(token);
		const char *next = str(page, "pageToken");
		token = next && *next ? xstrdup(next) : NULL;
		cJSON_Delete(page);
		if (!token)
			break;
	}
	free(token);
	buf_free(&p);
	buf_free(&base);
	return rc;
}

/* jobs.query, then getQueryResults while the job runs and for each next page. */
static int run_query(bqx *x, const char *sql)
{
	const options *o = x->o;
	buf body = { 0 }, p = { 0 };
	buf_puts(&body, "{\"query\":");
	buf_json_string(&body, sql, strlen(sql));
	buf_printf(&body, ",\"useLegacySql\":false,\"maxResults\":%lld,\"timeoutMs\":10000,"
		   "\"formatOptions\":{\"useInt64Timestamp\":true}", o->page_rows);
	buf_puts(&body, ",\"defaultDataset\":{\"projectId\":");
	buf_json_string(&body, o->wh.project, strlen(o->wh.project));
	buf_puts(&body, ",\"datasetId\":");
	buf_json_string(&body, o->dataset, strlen(o->dataset));
	buf_putc(&body, '}');
	if (o->location) {
		buf_puts(&body, ",\"location\":");
		buf_json_string(&body, o->location, strlen(o->location));
	}
	buf_putc(&body, '}');
	buf_puts(&p, "/bigquery/v2/projects/");
	buf_url_escape(&p, o->wh.project);
	buf_puts(&p, "/queries");
	cJSON *page = NULL;
	int rc = call(x, "jobs.query", "POST", &p, &body, &page);
	buf_free(&body);
	char *job = NULL, *loc = NULL, *token = NULL;
	if (rc == VP_EXIT_OK) {
		const cJSON *ref = cJSON_GetObjectItemCaseSensitive(page, "jobReference");
		const char *j = str(ref, "jobId"), *l = str(ref, "location");
		job = j ? xstrdup(j) : NULL;
		loc = l ? xstrdup(l) : o->location ? xstrdup(o->location) : NULL;
	}
	while (rc == VP_EXIT_OK) {
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(page, "jobComplete"))) {
			take_schema(x, cJSON_GetObjectItemCaseSensitive(page, "schema"));
			write_rows(x, cJSON_GetObjectItemCaseSensitive(page, "rows"));
			const char *next = str(page, "pageToken");
			free(token);
			token = next && *next ? xstrdup(next) : NULL;
			if (!token)
				break;
		}
		if (!job) {
			log_error("BigQuery's query answer names no job to read further pages from");
			rc = VP_EXIT_TEMPFAIL;
			break;
		}
		cJSON_Delete(page);
		page = NULL;
		p.len = 0;
		buf_puts(&p, "/bigquery/v2/projects/");
		buf_url_escape(&p, o->wh.project);
		buf_puts(&p, "/queries/");
		buf_url_escape(&p, job);
		query_args(x, &p, token);
		buf_puts(&p, "&timeoutMs=10000");
		if (loc) {
			buf_puts(&p, "&location=");
			buf_url_escape(&p, loc);
		}
		rc = call(x, "getQueryResults", "GET", &p, NULL, &page);
	}
	cJSON_Delete(page);
	free(job);
	free(loc);
	free(token);
	buf_free(&p);
	return rc;
}

int bq_export(const options *o, const char *literal, sink *s)
{
	bqx x = { .o = o, .s = s };
	int rc = bq_api_init(&x.api, o->endpoint, 300, o->cacert);
	if (rc == VP_EXIT_OK) {
		if (o->table && !literal) {
			const char *dot = strchr(o->table, '.');
			char *ds = dot ? xstrndup(o->table, (size_t)(dot - o->table)) : xstrdup(o->dataset);
			rc = read_table(&x, ds, dot ? dot + 1 : o->table);
			free(ds);
		} else {
			buf sql = { 0 };
			export_sql(&sql, o, literal, true);
			log_debug("sql", LS("statement", buf_cstr(&sql)));
			rc = run_query(&x, buf_cstr(&sql));
			buf_free(&sql);
		}
	}
	for (size_t i = 0; i < x.nkeys; i++)
		free(x.keys[i]);
	free(x.keys);
	cJSON_Delete(x.fields);
	bq_api_free(&x.api);
	return rc;
}
