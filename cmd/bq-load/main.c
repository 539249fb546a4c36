/* bq-load: rows to the warehouse (see bq-load(1)). Reads NDJSON, cuts it
 * into batches (by size, by idle time, at each checkpoint barrier, at the end
 * of each input), and hands each batch to the target. */
#include "barrier.h"
#include "private_file.h"
#include "batch.h"
#include "loader.h"
#include "exitcode.h"
#include "log.h"
#include "ndjson_reader.h"
#include "options.h"
#include "progress.h"
#include "target.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Input quiet this long lets the target release the warehouse (see target.h). */
enum { IDLE_MS = 1000 };

typedef struct {
	options *o;
	target *tgt;
	batch bufs[2];        /* one being filled while the other is loaded */
	batch *cur;
	loader ld;
	load_ctx ctx;
	progress prog;
	metric *m_in, *m_bytes;
	int fatal;            /* exit code of a failure that ended the run */
} run;

/* Hands the batch being filled to the loader thread and goes on with the other. */
static void flush(run *r, const char *source)
{
	if (!r->cur->rows || r->fatal)
		return;
	if ((r->fatal = loader_wait(&r->ld)))
		return;
	if (!batch_close(r->cur)) {
		log_error("cannot write a staging file", LS("dir", r->o->tmpdir), LS("error", strerror(errno)));
		r->fatal = VP_EXIT_IOERR;
		return;
	}
	/* The loader is idle: what it reads of ctx can change now. */
	load_stamp_now(r->ctx.loaded_at);
	r->ctx.source = source;
	loader_submit(&r->ld, r->cur);
	r->cur = r->cur == &r->bufs[0] ? &r->bufs[1] : &r->bufs[0];
}

static bool batch_full(const run *r)
{
	return r->cur->bytes >= r->o->batch_bytes ||
	       (r->o->batch_rows && (long long)r->cur->rows >= r->o->batch_rows) ||
	       (r->o->flush_ms && r->cur->rows &&
		(progress_now() - r->cur->started) * 1000 >= (double)r->o->flush_ms);
}

/* Waits for input, ending the batch when it has been idle past --flush-ms;
 * tells the target when the input has had nothing for a while. */
static void wait_for_input(run *r, ndjson_reader *in, int fd)
{
	const char *source = ndjson_reader_name(in);
	while (r->o->flush_ms && r->cur->rows && !ndjson_reader_buffered(in) && !r->fatal) {
		double left_ms = r->cur->started * 1000 + (double)r->o->flush_ms - progress_now() * 1000;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (left_ms <= 0 || poll(&p, 1, (int)left_ms + 1) == 0) {
			flush(r, source);
			break;
		}
		if (p.revents)
			return;
	}
	if (r->tgt->idle && !r->fatal && !ndjson_reader_buffered(in)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, IDLE_MS) == 0 && !(r->fatal = loader_wait(&r->ld)))
			r->tgt->idle(r->tgt);
	}
}

/* A checkpoint barrier (vtex-pipes(7), ACKNOWLEDGEMENTS) ends the batch;
 * the loader acknowledges it once every row read before it is committed and
 * its rejects are on disk, while the rows after it are read. A failed load
 * acknowledges nothing: the run ends with the load's exit code and the
 * source sends the rows again. While a load is in progress a barrier joins
 * the batch being read instead (acknowledged once that batch is committed):
 * the barriers that queued up behind a long load then make one batch, not
 * one small batch each, which would fall further behind with every load.
 * --flush-ms still ends that batch in time. */
static void at_barrier(run *r, const char *source, const char *text, size_t len)
{
	if (r->cur->rows && loader_busy(&r->ld)) {
		buf_put(&r->cur->barriers, text, len);
		buf_putc(&r->cur->barriers, '\n');
		return;
	}
	flush(r, source);
	if (!r->fatal)
		r->fatal = loader_barrier(&r->ld, text, len);
}

static void read_input(run *r, int fd, const char *name)
{
	ndjson_reader *in = ndjson_reader_open(fd, name);
	ndjson_line line;
	enum ndjson_status st;

	for (;;) {
		wait_for_input(r, in, fd);
		if (r->fatal)
			break;
		st = ndjson_next_line(in, &line);
		if (st == NDJSON_EOF)
			break;
		if (st == NDJSON_IOERR) {
			log_error("cannot read the input", LS("source", name), LS("error", strerror(errno)));
			r->fatal = VP_EXIT_IOERR;
			break;
		}
		if (st == NDJSON_BAD) { /* overlong */
			metric_add(r->m_in, 1);
			load_reject_line(&r->ctx, name, line.lineno, line.reason, line.text, line.len, false);
			continue;
		}
		metric_add(r->m_bytes, (double)line.len + 1);
		if (barrier_is(line.text, line.len)) { /* never a row */
			at_barrier(r, name, line.text, line.len);
			continue;
		}
		metric_add(r->m_in, 1);
		progress_add(&r->prog, 1);
		bool is_json;
		const char *why = batch_add(r->cur, line.text, line.len, line.lineno, &is_json);
		if (why)
			load_reject_line(&r->ctx, name, line.lineno, why, line.text, line.len, is_json);
		if (batch_full(r))
			flush(r, name);
	}
	/* A batch never spans two inputs, so its rows' line numbers name one source. */
	flush(r, name);
	ndjson_reader_close(in);
}

int main(int argc, char **argv)
{
	options o;
	run r = { .o = &o };
	int rc = VP_EXIT_OK;

	private_umask(); /* DuckDB creates the warehouse file and its WAL itself */
	options_parse(&o, argc, argv);
	r.ctx.o = &o;
	r.ctx.rej = rejects_open(o.rejects, "bq-load");
	if (!r.ctx.rej) {
		log_error("cannot open the rejects file", LS("path", o.rejects), LS("error", strerror(errno)));
		return VP_EXIT_CONFIG;
	}
	r.m_in = metrics_counter("vtex_pipes_records_total", "Records by outcome.", "outcome=\"in\"");
	r.ctx.m_loaded = metrics_counter("vtex_pipes_records_total", "Records by outcome.", "outcome=\"loaded\"");
	r.ctx.m_already = metrics_counter("vtex_pipes_records_total", "Records by outcome.", "outcome=\"already_loaded\"");
	r.ctx.m_rejected = metrics_counter("vtex_pipes_records_total", "Records by outcome.", "outcome=\"rejected\"");
	r.ctx.m_batches = metrics_counter("vtex_pipes_batches_total", "Batches handed to the warehouse.", "");
	r.m_bytes = metrics_counter("vtex_pipes_input_bytes_total", "Bytes read.", "");
	r.ctx.m_acks = metrics_counter("vtex_pipes_acks_written_total",
				   "Checkpoint barriers acknowledged (written to --ack-to) once their rows were committed.", "");
	r.ctx.out = ndjson_writer_open(STDOUT_FILENO, "-");

	int code = VP_EXIT_OK;
	if (o.dry_run)
		r.tgt = dry_target_new(&o);
	else if (o.kind == TARGET_DUCKDB)
		r.tgt = duck_target_new(&o, &code);
	else
		r.tgt = bq_target_new(&o, &code);
	if (!r.tgt) {
		rejects_close(r.ctx.rej);
		ndjson_writer_close(r.ctx.out);
		options_free(&o);
		return code;
	}
	const char *dest = o.kind == TARGET_DUCKDB ? o.dataset : NULL;
	char bqdest[2048];
	if (!dest) {
		snprintf(bqdest, sizeof bqdest, "%s.%s", o.project, o.dataset);
		dest = bqdest;
	}
	batch_init(&r.bufs[0], dest, o.tmpdir, o.table);
	batch_init(&r.bufs[1], dest, o.tmpdir, o.table);
	r.cur = &r.bufs[0];
	if (o.ack_to)
		r.ctx.ack = ack_sink_new(o.ack_to);
	pthread_mutex_init(&r.ctx.rej_lock, NULL);
	loader_start(&r.ld, r.tgt, &r.ctx);
	progress_start(&r.prog, "rows");

	if (o.nfiles == 0)
		read_input(&r, STDIN_FILENO, "-");
	for (int i = 0; i < o.nfiles && !r.fatal; i++) {
		int fd = open(o.files[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			log_error("cannot open an input file", LS("path", o.files[i]), LS("error", strerror(errno)));
			r.fatal = VP_EXIT_IOERR;
			break;
		}
		read_input(&r, fd, o.files[i]);
		close(fd);
	}
	int last = loader_wait(&r.ld);
	if (!r.fatal)
		r.fatal = last;
	loader_stop(&r.ld);
	if (!r.fatal)
		r.fatal = r.tgt->finish(r.tgt, &r.ctx);
	progress_end(&r.prog);

	unsigned long long rejected = rejects_count(r.ctx.rej);
	log_info("done", LI("rows", metric_value(r.m_in)), LI("loaded", metric_value(r.ctx.m_loaded)),
		 LI("already_loaded", metric_value(r.ctx.m_already)), LI("skipped", r.ctx.skipped), LI("rejected", rejected),
		 LI("batches", metric_value(r.ctx.m_batches)), LI("acks", metric_value(r.ctx.m_acks)));
	if (!rejects_close(r.ctx.rej)) {
		log_error("cannot write the rejects file", LS("path", o.rejects));
		rc = VP_EXIT_IOERR;
	}
	ndjson_writer_close(r.ctx.out);
	ack_sink_free(r.ctx.ack);
	r.tgt->free(r.tgt);
	batch_free(&r.bufs[0]);
	batch_free(&r.bufs[1]);
	pthread_mutex_destroy(&r.ctx.rej_lock);
	cli_finish(&o.cli);
	options_free(&o);
	rc = vp_exit_worst(rc, r.fatal);
	return rejected ? vp_exit_worst(rc, VP_EXIT_REJECTS) : rc;
}
