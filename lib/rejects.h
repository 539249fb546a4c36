/* The rejects stream every tool shares: one JSON line per refused record,
 *   {"tool":"dedup","source":"-","line":12,"reason":"...","record":{...}}
 * ("raw":"<text>" instead of "record" when the line was not JSON). Without a
 * rejects file each refusal is still logged (line number and reason, never
 * the record), and counted, so nothing disappears silently. */
#ifndef VP_REJECTS_H
#define VP_REJECTS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct rejects rejects;

/* path NULL: log only. Returns NULL (errno set) when the file cannot be opened. */
rejects *rejects_open(const char *path, const char *tool);
/* text/len: the record as it came in; json_ok: whether text is a JSON value. */
void rejects_add(rejects *r, const char *source, size_t lineno, const char *reason,
		 const char *text, size_t len, bool json_ok);
/* The same, with more members in the reject line after "reason": fields is
 * JSON object members without the braces (e.g. "\"rules\":[\"a\"]"), or NULL. */
void rejects_add_with(rejects *r, const char *source, size_t lineno, const char *reason, const char *fields,
		      const char *text, size_t len, bool json_ok);
unsigned long long rejects_count(const rejects *r);
/* Writes out and fsyncs what was added so far (a tool does so before it
 * passes a barrier on: barrier.h). False on a write error. */
bool rejects_sync(rejects *r);
/* Flushes and closes; returns false on a write error. */
bool rejects_close(rejects *r);

struct ndjson_writer;
/* The end of a filter's run (records in, records or rejects out): closes its
 * output and its rejects (rejects_path names the file in the error) and
 * returns its exit status, the worst (exitcode.h) of status, 74 when either
 * could not be written and 1 when records were rejected. *rejected: how many. */
int rejects_finish_run(struct ndjson_writer *out, rejects *r, const char *rejects_path, int status,
		       unsigned long long *rejected);

#endif
