/* A growable byte buffer, and JSON text emission into it. */
#ifndef VP_BUF_H
#define VP_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	char *data;
	size_t len;
	size_t cap;
} buf;

/* Grows so that `extra` more bytes fit; aborts the process when memory runs out. */
void buf_reserve(buf *b, size_t extra);
void buf_put(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s (n bytes, UTF-8) as a quoted JSON string; control characters escaped. */
void buf_json_string(buf *b, const char *s, size_t n);
void buf_put_i64(buf *b, int64_t v);
/* Appends a double the way JSON wants it: shortest exact form, integers without ".0". */
void buf_put_double(buf *b, double v);
/* Appends s percent-encoded for a URL path segment or query value (all but
 * RFC 3986's unreserved characters). */
void buf_url_escape(buf *b, const char *s);
/* Ensures data is NUL-terminated (not counted in len). */
const char *buf_cstr(buf *b);
void buf_free(buf *b);

/* malloc/realloc/strdup that abort with a message instead of returning NULL. */
/* 2^53: JSON numbers below it are exact integers in a double. */
#define JSON_SAFE_INT_LIMIT 9007199254740992.0

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
