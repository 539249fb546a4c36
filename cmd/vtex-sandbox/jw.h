/* A small streaming JSON writer into a buf: it places the commas, so the
 * generators read like the payloads they produce. Nesting up to 32 levels. */
#ifndef SB_JW_H
#define SB_JW_H

#include "buf.h"
#include "timefmt.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
	buf *b;
	int depth;
	uint32_t has_items; /* bit d: the container at depth d already holds something */
	uint32_t is_array;  /* bit d: the container at depth d is an array */
	bool after_key;
} jw;

void jw_init(jw *w, buf *b);
void jw_obj(jw *w);
void jw_arr(jw *w);
void jw_end(jw *w); /* closes the innermost object or array */
void jw_key(jw *w, const char *key);

void jw_str(jw *w, const char *s);
void jw_i64(jw *w, int64_t v);
void jw_num(jw *w, double v);
void jw_bool(jw *w, bool v);
void jw_null(jw *w);
/* Cents as decimal currency units (Pricing API, truth file). */
void jw_units(jw *w, int64_t cents);
void jw_time(jw *w, vtime_t t, enum vtime_shape f);
/* Pre-rendered JSON text. */
void jw_raw(jw *w, const char *json);

/* key + value shorthands */
void jw_kstr(jw *w, const char *k, const char *s);
void jw_kstr_or_null(jw *w, const char *k, const char *s);
void jw_ki64(jw *w, const char *k, int64_t v);
void jw_knum(jw *w, const char *k, double v);
void jw_kbool(jw *w, const char *k, bool v);
void jw_knull(jw *w, const char *k);
void jw_kunits(jw *w, const char *k, int64_t cents);
void jw_ktime(jw *w, const char *k, vtime_t t, enum vtime_shape f);
void jw_ktime_or_null(jw *w, const char *k, vtime_t t, enum vtime_shape f);
void jw_kraw(jw *w, const char *k, const char *json);
/* "key": "<decimal integer>" (VTEX's ids-as-strings) */
void jw_kid(jw *w, const char *k, int64_t v);

#endif
