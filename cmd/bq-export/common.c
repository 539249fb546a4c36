#include "export.h"
#include "base64.h"
#include "duck.h"
#include "vtime.h"

#include <stdlib.h>
#include <string.h>

static void bq_ident(buf *b, const char *name)
{
	/* Names are checked (letters, digits, _): backquotes need no escaping. */
	buf_putc(b, '`');
	buf_puts(b, name);
	buf_putc(b, '`');
}

static void ident(buf *b, const char *name, bool bigquery)
{
	if (bigquery)
		bq_ident(b, name);
	else
		duck_sql_ident(b, name);
}

void export_sql(buf *b, const options *o, const char *literal, bool bigquery)
{
	buf_puts(b, "SELECT * FROM ");
	if (o->table) {
		const char *dot = strchr(o->table, '.');
		char *ds = dot ? xstrndup(o->table, (size_t)(dot - o->table)) : xstrdup(o->dataset);
		if (bigquery) {
			buf_putc(b, '`');
			buf_printf(b, "%s.%s.%s", o->wh.project, ds, dot ? dot + 1 : o->table);
			buf_putc(b, '`');
		} else {
			duck_sql_ident(b, ds);
			buf_putc(b, '.');
			duck_sql_ident(b, dot ? dot + 1 : o->table);
		}
		free(ds);
	} else {
		buf_puts(b, "(");
		buf_puts(b, o->query);
		buf_puts(b, "\n) AS _bq_export_q");
	}
	if (literal) {
		buf_puts(b, " WHERE ");
		ident(b, o->since_col, bigquery);
		buf_printf(b, " > %s", literal);
	}
}

buf *sink_row_begin(sink *s)
{
	buf *b = ndjson_line_buf(s->out);
	buf_putc(b, '{');
	return b;
}

void sink_row_end(sink *s)
{
	buf *b = ndjson_line_buf(s->out);
	buf_putc(b, '}');
	ndjson_end_line(s->out);
	s->rows++;
	metric_add(s->m_rows, 1);
	progress_add(&s->prog, 1);
}

static void wm_take(watermark *w, const char *json, size_t len)
{
	w->json.len = 0;
	buf_put(&w->json, json, len);
	buf_cstr(&w->json);
	w->have = true;
}

void wm_offer_num(watermark *w, double key, const char *json, size_t len)
{
	if (!w->have || key > w->key) {
		w->numeric = true;
		w->key = key;
		wm_take(w, json, len);
	}
}

void wm_offer_text(watermark *w, const char *json, size_t len)
{
	if (!w->have) {
		wm_take(w, json, len);
		return;
	}
	size_t n = len < w->json.len ? len : w->json.len;
	int c = memcmp(json, w->json.data, n);
	if (c > 0 || (c == 0 && len > w->json.len))
		wm_take(w, json, len);
}

void put_timestamp_us(buf *b, int64_t us)
{
	char t[VTIME_FORMAT_SIZE];
	buf_putc(b, '"');
	buf_puts(b, vtime_format((vtime_t)us * 10, t));
	buf_putc(b, '"');
}

void put_date_days(buf *b, int32_t days)
{
	/* Civil date from days since 1970-01-01 (proleptic Gregorian). */
	int64_t z = (int64_t)days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	buf_printf(b, "\"%04lld-%02lld-%02lld\"", (long long)(y + (m <= 2)), (long long)m, (long long)d);
}

void put_time_us(buf *b, int64_t us)
{
	int64_t s = us / 1000000, f = us % 1000000;
	buf_printf(b, "\"%02lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60), (long long)(s % 60));
	if (f)
		buf_printf(b, ".%06lld", (long long)f);
	buf_putc(b, '"');
}

void put_base64(buf *b, const void *data, size_t len)
{
	buf_putc(b, '"');
	base64_encode(b, data, len);
	buf_putc(b, '"');
}
