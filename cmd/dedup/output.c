#include "output.h"
#include "exitcode.h"
#include "log.h"

#include <stdlib.h>
#include <unistd.h>

void output_init(output *o, state *st, const seen *s, bool acked)
{
	o->w = ndjson_writer_open(STDOUT_FILENO, "stdout");
	o->st = st;
	o->seen = s;
	o->pending = (buf){ 0 };
	o->acked = st && acked;
	held_init(&o->held);
}

/* With entries held, a snapshot must leave out their keys, and with them
 * the older version of a key the journal may hold (its records would pass
 * once more after a restart): at a clean end the journal, which holds
 * exactly what was acknowledged, is kept as it is unless it is due. */
static bool compact(output *o, bool at_end)
{
	if (!o->acked)
		return state_compact(o->st, o->seen, NULL);
	if (at_end && !state_compact_due(o->st))
		return true;
	keytab skip;
	keytab_init(&skip, false);
	held_keys(&o->held, &skip);
	bool ok = state_compact(o->st, o->seen, &skip);
	keytab_free(&skip);
	return ok;
}

/* A journal that cannot be written ends the run: going on would emit records
 * the state cannot remember (state_append has logged why). */
static void journal(output *o)
{
	if (!o->st)
		return;
	if (o->pending.len && !o->acked)
		o->journalled = true;
	if (!state_append(o->st, &o->pending) || (state_compact_due(o->st) && !compact(o, false)))
		exit(VP_EXIT_IOERR);
}

void output_line(output *o, const char *text, size_t len, fp128 fp, const version *v)
{
	unsigned long long before = ndjson_writer_bytes(o->w);

	if (o->st)
		state_entry(o->acked ? &o->held.open : &o->pending, fp, v);
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

/* The stretch the barrier ends is held; the stretches it says were
 * acknowledged are journalled. */
static void hold(output *o, const char *text, size_t len)
{
	if (!o->acked) {
		if (o->journalled)
			log_warn("barriers in the input: from now on keys are journalled once acknowledged; those of "
				 "the records before the first barrier were journalled at once (give --state-on-ack)");
		/* What is not journalled yet waits too. */
		if (o->pending.len)
			buf_put(&o->held.open, o->pending.data, o->pending.len);
		o->pending.len = 0;
		o->acked = true;
	}
	barrier_info b;
	if (!barrier_parse(text, len, &b)) {
		if (o->unreadable++ == 0)
			log_warn("a barrier line that cannot be read: the keys before it wait for the next barrier");
		return;
	}
	size_t dropped = o->held.dropped.len;
	held_barrier(&o->held, &b, &o->pending);
	if (o->held.dropped.len != dropped)
		log_info("a barrier of another run: the keys held for the last one are not journalled (their "
			 "records pass again after a restart)", LS("run", b.run));
	if (o->pending.len) {
		journal(o);
		if (!state_sync(o->st))
			exit(VP_EXIT_IOERR);
	}
}

void output_barrier(output *o, const char *text, size_t len)
{
	o->barriers++;
	if (o->st)
		hold(o, text, len);
	output_flush(o);
	ndjson_write_line(o->w, text, len);
	ndjson_writer_flush(o->w);
}

size_t output_held_bytes(const output *o)
{
	return o->acked ? held_bytes(&o->held) : 0;
}

bool output_close(output *o)
{
	output_flush(o);
	if (o->acked) {
		if (!o->barriers)
			log_warn("--state-on-ack, and no barrier came: no key was journalled");
		held_end(&o->held);
	}
	return ndjson_writer_close(o->w);
}

bool output_compact(output *o)
{
	return compact(o, true);
}

void output_free(output *o)
{
	buf_free(&o->pending);
	held_free(&o->held);
}
