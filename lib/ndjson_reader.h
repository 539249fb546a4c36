/* NDJSON input: lines read in large blocks (no per-byte system calls), CRLF
 * accepted, blank lines skipped, each line parsed as one JSON object under
 * the rule of json_text.h (UTF-8, no raw control character, no \u0000). A
 * line that is not such an object is reported with its number and the
 * reason; the caller decides whether to reject it and go on. A line longer
 * than the maximum (--max-line, VTEX_PIPES_MAX_LINE: cli.h) is reported the
 * same way, with its length, and dropped as it is read, never held whole. */
#ifndef VP_NDJSON_READER_H
#define VP_NDJSON_READER_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct ndjson_reader ndjson_reader;

/* The default maximum line length: 16 MiB (a VTEX order of a thousand items
 * is a few hundred KiB). */
#define NDJSON_MAX_LINE_DEFAULT ((size_t)16 << 20)

enum ndjson_status {
	NDJSON_OK,     /* a line (and with ndjson_next_object, a parsed object) */
	NDJSON_EOF,    /* no more input */
	NDJSON_BAD,    /* the line is not a JSON object (or, from ndjson_next_line too,
	                  longer than the maximum): see reason */
	NDJSON_IOERR,  /* read(2) failed: errno is set */
};

typedef struct {
	char *text;        /* the line without its line ending, NUL-terminated; valid until the next call
	                      (of an overlong line, its first KiB) */
	size_t len;
	size_t lineno;     /* 1-based line number in the input */
	const char *reason;/* for NDJSON_BAD: why the line was refused */
	bool unterminated; /* the last line of the input, without its '\n' */
} ndjson_line;

/* The maximum line length of the readers opened from now on (0: the default). */
void ndjson_reader_set_max_line(size_t bytes);

/* Reads from fd (not closed at the end); name is used in messages ("-" for stdin). */
ndjson_reader *ndjson_reader_open(int fd, const char *name);
const char *ndjson_reader_name(const ndjson_reader *r);
void ndjson_reader_close(ndjson_reader *r);

/* True when the next ndjson_next_line() call will not wait for input: a
 * whole line, or the end of input, is already buffered. A tool that must act
 * when input goes idle polls its fd only when this is false. */
bool ndjson_reader_buffered(const ndjson_reader *r);

/* Calls cb(ctx) whenever the reader is about to wait for input (no complete
 * line buffered and nothing ready to read on the fd), so that a long-lived
 * tool in a pipe can flush what it holds while its input is idle. */
void ndjson_reader_on_idle(ndjson_reader *r, void (*cb)(void *ctx), void *ctx);

/* Next non-blank line, not parsed; NDJSON_BAD for an overlong one. */
enum ndjson_status ndjson_next_line(ndjson_reader *r, ndjson_line *line);

/* Next non-blank line parsed as a JSON object. On NDJSON_OK *obj is owned by
 * the caller (cJSON_Delete). On NDJSON_BAD line->reason says why and *obj is NULL. */
enum ndjson_status ndjson_next_object(ndjson_reader *r, ndjson_line *line, cJSON **obj);

/* Parses one line's text as a JSON object; returns NULL and sets *reason when it is not one. */
cJSON *ndjson_parse_object(const char *text, size_t len, const char **reason);

#endif
