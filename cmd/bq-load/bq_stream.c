#include "bq_stream.h"
#include "bq_table.h"
#include "exitcode.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

/* Reasons of the insertErrors of one row, joined; sets *stopped when the row
 * was only held back because of another row. */
static char *row_errors(const cJSON *errors, bool *stopped)
{
	buf b = { 0 };
	const cJSON *e;
	*stopped = true;
	cJSON_ArrayForEach(e, errors) {
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(e, "reason");
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "message");
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(e, "location");
		if (!cJSON_IsString(r) || strcmp(r->valuestring, "stopped"))
			*stopped = false;
		buf_printf(&b, "%sinsertAll refused the row: %s%s%s%s%s", b.len ? "; " : "",
			   cJSON_IsString(r) ? r->valuestring : "invalid",
			   cJSON_IsString(l) && *l->valuestring ? " at " : "", cJSON_IsString(l) ? l->valuestring : "",
			   cJSON_IsString(m) ? ": " : "", cJSON_IsString(m) ? m->valuestring : "");
	}
	if (!b.len)
		buf_puts(&b, "insertAll refused the row");
	return (char *)buf_cstr(&b);
}

/* One request with rows[idx[0..n)]. Rows refused for their own sake get
 * .refused; the indexes of "stopped" rows are put back in idx, *n updated. */
static int send(bq_api *a, const options *o, const char *table, bq_stream_row *rows, size_t *idx, size_t *n)
{
	buf path = { 0 }, body = { 0 };
	bq_reply rep;
	bq_table_path(&path, o, table);
	buf_puts(&path, "/insertAll");
	buf_puts(&body, "{\"skipInvalidRows\":false,\"ignoreUnknownValues\":false,\"rows\":[");
	for (size_t i = 0; i < *n; i++) {
		bq_stream_row *r = &rows[idx[i]];
		buf_puts(&body, i ? ",{\"insertId\":\"" : "{\"insertId\":\"");
		buf_puts(&body, r->insert_id);
		buf_puts(&body, "\",\"json\":");
		buf_put(&body, r->json.data, r->json.len);
		buf_putc(&body, '}');
	}
	buf_puts(&body, "]}");
	int rc = bq_call(a, "insertAll", "POST", buf_cstr(&path), "application/json", body.data, body.len, NULL, &rep);
	buf_free(&path);
	buf_free(&body);
	if (rc != VP_EXIT_OK)
		return rc;
	if (rep.status != 200) {
		rc = bq_status_exit(&rep, "insertAll");
		if (!rc && (rep.status >= 500 || rep.status == 429))
			rc = VP_EXIT_TEMPFAIL;
		if (!rc) {
			/* The whole request refused (400: too large, bad JSON...): so is each row. */
			char *msg = bq_error_message(&rep);
			for (size_t i = 0; i < *n; i++)
				rows[idx[i]].refused = xstrdup(msg);
			free(msg);
			*n = 0;
		}
		bq_reply_free(&rep);
		return rc;
	}
	cJSON *j = cJSON_Parse(rep.body.data);
	bq_reply_free(&rep);
	size_t again = 0;
	const cJSON *ie;
	bool *stopped_at = xcalloc(*n ? *n : 1, sizeof *stopped_at);
	cJSON_ArrayForEach(ie, cJSON_GetObjectItemCaseSensitive(j, "insertErrors")) {
		const cJSON *index = cJSON_GetObjectItemCaseSensitive(ie, "index");
		if (!cJSON_IsNumber(index) || index->valuedouble < 0 || index->valuedouble >= (double)*n)
			continue;
		size_t k = (size_t)index->valuedouble;
		bool stopped;
		char *why = row_errors(cJSON_GetObjectItemCaseSensitive(ie, "errors"), &stopped);
		if (stopped) {
			stopped_at[k] = true;
			free(why);
		} else {
			free(rows[idx[k]].refused);
			rows[idx[k]].refused = why;
		}
	}
	for (size_t i = 0; i < *n; i++)
		if (stopped_at[i])
			idx[again++] = idx[i];
	free(stopped_at);
	cJSON_Delete(j);
	*n = again;
	return VP_EXIT_OK;
}

int bq_stream_rows(bq_api *a, const options *o, const char *table, bq_stream_row *rows, size_t n)
{
	size_t *idx = xmalloc((n ? n : 1) * sizeof *idx);
	size_t i = 0;
	int rc = VP_EXIT_OK;
	while (i < n && rc == VP_EXIT_OK) {
		/* A request: up to --stream-rows rows and --stream-bytes bytes (at least one row). */
		size_t k = 0, bytes = 64;
		while (i < n && (long long)k < o->stream_rows &&
		       (k == 0 || bytes + rows[i].json.len + 120 <= o->stream_bytes)) {
			bytes += rows[i].json.len + 120;
			idx[k++] = i++;
		}
		/* Rows held back only because of a refused one go again, until none is left. */
		while (k && rc == VP_EXIT_OK) {
			size_t before = k;
			rc = send(a, o, table, rows, idx, &k);
			if (k == before && rc == VP_EXIT_OK) {
				for (size_t j = 0; j < k; j++)
					rows[idx[j]].refused = xstrdup("insertAll stopped the row and would not take it alone");
				break;
			}
		}
	}
	free(idx);
	return rc;
}
