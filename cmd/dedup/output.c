#include "output.h"
#include "exitcode.h"

#include <stdlib.h>
#include <unistd.h>

void output_init(output *o, state *st, const seen *s)
{
	o->w = ndjson_writer_open(STDOUT_FILENO, "stdout");
	o->st = st;
	o->seen = s;
	o->pending = (buf){ 0 };
}

/* A journal that cannot be written ends the run: going on would emit records
 * the state cannot remember (state_append has logged why). */
static void journal(output *o)
{
	if (o->st && !state_append(o->st, &o->pending, o->seen))
		exit(VP_EXIT_IOERR);
}

void output_line(output *o, const char *text, size_t len, fp128 fp, const version *v)
{
	unsigned long long before = ndjson_writer_bytes(o->w);

	if (o->st)
		state_entry(&o->pending, fp, v);
	ndjson_write_line(o->w, text, len);
	/* The writer flushes by itself when its buffer fills: that line is out too. */
	if (ndjson_writer_bytes(o->w) != before)
		journal(o);
}

void output_flush(output *o)
{
	ndjson_writer_flush(o->w);
	journal(o);
}

bool output_close(output *o)
{
	output_flush(o);
	bool ok = ndjson_writer_close(o->w);
	buf_free(&o->pending);
	return ok;
}
