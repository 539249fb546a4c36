#include "jw.h"

#include <string.h>

void jw_init(jw *w, buf *b)
{
	w->b = b;
	w->depth = 0;
	w->has_items = 0;
	w->is_array = 0;
	w->after_key = false;
}

/* Called before every key or value: a comma unless first in its container or after a key. */
static void sep(jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	uint32_t bit = 1u << w->depth;
	if (w->has_items & bit)
		buf_putc(w->b, ',');
	w->has_items |= bit;
}

static void open_c(jw *w, char c)
{
	sep(w);
	buf_putc(w->b, c);
	w->depth++;
	w->has_items &= ~(1u << w->depth);
	if (c == '[')
		w->is_array |= 1u << w->depth;
	else
		w->is_array &= ~(1u << w->depth);
}

void jw_obj(jw *w) { open_c(w, '{'); }
void jw_arr(jw *w) { open_c(w, '['); }

void jw_end(jw *w)
{
	buf_putc(w->b, (w->is_array >> w->depth) & 1 ? ']' : '}');
	w->depth--;
}

void jw_key(jw *w, const char *key)
{
	sep(w);
	buf_json_string(w->b, key, strlen(key));
	buf_putc(w->b, ':');
	w->after_key = true;
}

void jw_str(jw *w, const char *s) { sep(w); buf_json_string(w->b, s, strlen(s)); }
static void jw_str_or_null(jw *w, const char *s) { if (s) jw_str(w, s); else jw_null(w); }
void jw_i64(jw *w, int64_t v) { sep(w); buf_put_i64(w->b, v); }
void jw_num(jw *w, double v) { sep(w); buf_put_double(w->b, v); }
void jw_bool(jw *w, bool v) { sep(w); buf_puts(w->b, v ? "true" : "false"); }
void jw_null(jw *w) { sep(w); buf_puts(w->b, "null"); }
void jw_raw(jw *w, const char *json) { sep(w); buf_puts(w->b, json); }
void jw_time(jw *w, vtime_t t, enum vtime_shape f) { sep(w); tf_put(w->b, t, f); }
static void jw_time_or_null(jw *w, vtime_t t, enum vtime_shape f) { sep(w); tf_put_or_null(w->b, t, f); }

void jw_units(jw *w, int64_t cents)
{
	sep(w);
	if (cents < 0) {
		buf_putc(w->b, '-');
		cents = -cents;
	}
	buf_put_i64(w->b, cents / 100);
	if (cents % 100) {
		int c = (int)(cents % 100);
		buf_putc(w->b, '.');
		buf_putc(w->b, (char)('0' + c / 10));
		if (c % 10)
			buf_putc(w->b, (char)('0' + c % 10));
	}
}

void jw_kstr(jw *w, const char *k, const char *s) { jw_key(w, k); jw_str(w, s); }
void jw_kstr_or_null(jw *w, const char *k, const char *s) { jw_key(w, k); jw_str_or_null(w, s); }
void jw_ki64(jw *w, const char *k, int64_t v) { jw_key(w, k); jw_i64(w, v); }
void jw_knum(jw *w, const char *k, double v) { jw_key(w, k); jw_num(w, v); }
void jw_kbool(jw *w, const char *k, bool v) { jw_key(w, k); jw_bool(w, v); }
void jw_knull(jw *w, const char *k) { jw_key(w, k); jw_null(w); }
void jw_kunits(jw *w, const char *k, int64_t cents) { jw_key(w, k); jw_units(w, cents); }
void jw_ktime(jw *w, const char *k, vtime_t t, enum vtime_shape f) { jw_key(w, k); jw_time(w, t, f); }
void jw_ktime_or_null(jw *w, const char *k, vtime_t t, enum vtime_shape f) { jw_key(w, k); jw_time_or_null(w, t, f); }
void jw_kraw(jw *w, const char *k, const char *json) { jw_key(w, k); jw_raw(w, json); }

void jw_kid(jw *w, const char *k, int64_t v)
{
	jw_key(w, k);
	sep(w);
	buf_putc(w->b, '"');
	buf_put_i64(w->b, v);
	buf_putc(w->b, '"');
}
