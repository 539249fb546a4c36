#include "rejects.h"
#include "buf.h"
#include "log.h"
#include "exitcode.h"
#include "ndjson_writer.h"

#include <stdlib.h>
#include <string.h>

enum { LOGGED_ONE_BY_ONE = 20 };

struct rejects {
	ndjson_writer *out;
	const char *tool;
	unsigned long long count;
};

rejects *rejects_open(const char *path, const char *tool)
{
	rejects *r = xcalloc(1, sizeof *r);
	r->tool = tool;
	if (path) {
		r->out = ndjson_writer_open_file(path, false);
		if (!r->out) {
			free(r);
			return NULL;
		}
	}
	return r;
}

void rejects_add(rejects *r, const char *source, size_t lineno, const char *reason,
		 const char *text, size_t len, bool json_ok)
{
	rejects_add_with(r, source, lineno, reason, NULL, text, len, json_ok);
}

void rejects_add_with(rejects *r, const char *source, size_t lineno, const char *reason, const char *fields,
		      const char *text, size_t len, bool json_ok)
{
	r->count++;
	/* The first refusals are logged one by one; a flood is summed up at close. */
	if (r->count <= LOGGED_ONE_BY_ONE)
		log_warn("record rejected", LS("source", source), LI("line", lineno), LS("reason", reason));
	if (!r->out)
		return;
	buf *b = ndjson_line_buf(r->out);
	buf_puts(b, "{\"tool\":");
	buf_json_string(b, r->tool, strlen(r->tool));
	buf_puts(b, ",\"source\":");
	buf_json_string(b, source, strlen(source));
	buf_puts(b, ",\"line\":");
	buf_put_i64(b, (long long)lineno);
	buf_puts(b, ",\"reason\":");
	buf_json_string(b, reason, strlen(reason));
	if (fields && *fields) {
		buf_putc(b, ',');
		buf_puts(b, fields);
	}
	if (json_ok) {
		buf_puts(b, ",\"record\":");
		buf_put(b, text, len);
	} else {
		buf_puts(b, ",\"raw\":");
		buf_json_string(b, text, len);
	}
	buf_putc(b, '}');
	ndjson_end_line(r->out);
}

bool rejects_sync(rejects *r)
{
	return !r->out || ndjson_writer_sync(r->out);
}

unsigned long long rejects_count(const rejects *r)
{
	return r ? r->count : 0;
}

bool rejects_close(rejects *r)
{
	bool ok = true;
	if (!r)
		return true;
	if (r->count > LOGGED_ONE_BY_ONE)
		log_warn("records rejected in all", LI("count", r->count));
	if (r->out)
		ok = ndjson_writer_close(r->out);
	free(r);
	return ok;
}

int rejects_finish_run(ndjson_writer *out, rejects *r, const char *rejects_path, int status,
		       unsigned long long *rejected)
{
	if (!ndjson_writer_close(out))
		status = vp_exit_worst(status, VP_EXIT_IOERR);
	*rejected = rejects_count(r);
	if (!rejects_close(r)) {
		log_error("cannot write the rejects file", LS("path", rejects_path));
		status = vp_exit_worst(status, VP_EXIT_IOERR);
	}
	if (*rejected)
		status = vp_exit_worst(status, VP_EXIT_REJECTS);
	return status;
}
