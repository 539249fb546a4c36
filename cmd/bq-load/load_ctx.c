/* What targets share: the summary lines on stdout and the rejects. */
#include "target.h"

#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

void load_stamp_now(char out[32])
{
	struct timeval tv;
	struct tm tm;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%06ldZ", (long)tv.tv_usec);
}

static const char *status_name[] = { "loaded", "already_loaded", "rejected" };

/* Per table, so that a table whose rows keep coming back shows. */
static void count_skipped(load_ctx *c, const char *table, size_t n)
{
	buf labels = { 0 };
	buf_puts(&labels, "table=");
	buf_json_string(&labels, table, strlen(table)); /* table names are letters, digits and _ */
	metric_add(metrics_counter("vtex_pipes_bq_rows_skipped_total",
				   "Rows not loaded because their _row_id was already in the table, by table.",
				   buf_cstr(&labels)),
		   (double)n);
	buf_free(&labels);
	c->skipped += n;
}

void load_report(load_ctx *c, const table_batch *t, tb_status st, size_t rows, size_t skipped, const char *job_id)
{
	buf *b = ndjson_line_buf(c->out);
	buf_puts(b, "{\"table\":");
	buf_json_string(b, t->name, strlen(t->name));
	buf_puts(b, ",\"batch_id\":\"");
	buf_puts(b, t->id);
	buf_puts(b, "\",\"status\":\"");
	buf_puts(b, status_name[st]);
	buf_puts(b, "\",\"rows\":");
	buf_put_i64(b, (long long)rows);
	if (st == TB_LOADED) {
		buf_puts(b, ",\"skipped\":");
		buf_put_i64(b, (long long)skipped);
	}
	buf_puts(b, ",\"bytes\":");
	buf_put_i64(b, (long long)t->bytes);
	if (job_id) {
		buf_puts(b, ",\"job_id\":");
		buf_json_string(b, job_id, strlen(job_id));
	}
	buf_puts(b, ",\"loaded_at\":\"");
	buf_puts(b, c->loaded_at);
	/* Reported once the rows are durable (committed, or the job done):
	 * when readers can see them, _loaded_at being stamped before. */
	char now[32];
	load_stamp_now(now);
	buf_puts(b, "\",\"committed_at\":\"");
	buf_puts(b, now);
	buf_puts(b, "\"}");
	ndjson_end_line(c->out);
	metric_add(st == TB_LOADED ? c->m_loaded : st == TB_ALREADY_LOADED ? c->m_already : c->m_rejected,
		   (double)rows);
	if (skipped)
		count_skipped(c, t->name, skipped);
}

void load_reject_line(load_ctx *c, const char *source, size_t lineno, const char *reason, const char *text,
		      size_t len, bool json_ok)
{
	pthread_mutex_lock(&c->rej_lock);
	rejects_add(c->rej, source, lineno, reason, text, len, json_ok);
	pthread_mutex_unlock(&c->rej_lock);
}

void load_reject_row(load_ctx *c, table_batch *t, size_t i, const char *text, size_t len, const char *reason)
{
	load_reject_line(c, c->source, t->linenos[i], reason, text, len, true);
}

void load_reject_all(load_ctx *c, table_batch *t, const char *reason)
{
	size_t len, i = 0;
	const char *p = batch_table_text(t, &len), *end = p ? p + len : NULL;
	if (!p) {
		/* The staged copy is unreadable: the rows are still named, by line. */
		for (i = 0; i < t->rows; i++)
			load_reject_line(c, c->source, t->linenos[i], reason, "", 0, false);
		return;
	}
	while (p < end && i < t->rows) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		load_reject_row(c, t, i++, p, n, reason);
		p += n + 1;
	}
}
