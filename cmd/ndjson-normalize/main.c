/* ndjson-normalize: nested JSON records to relational rows (see normalize.h).
 * Barriers pass as they came (barrier.h). */
#include "barrier.h"
#include "cli_table.h"
#include "exitcode.h"
#include "json_arena.h"
#include "log.h"
#include "metrics.h"
#include "ndjson_reader.h"
#include "ndjson_writer.h"
#include "normalize.h"
#include "presets.h"
#include "progress.h"
#include "rejects.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char synopsis[] =
	"Usage: ndjson-normalize (--entity NAME | --root NAME) [OPTION]... [FILE]...\n"
	"Turn nested JSON records (NDJSON, from the FILEs or stdin) into relational rows\n"
	"(NDJSON on stdout): each record is a row of the root table, nested objects\n"
	"become columns a__b, arrays become child tables <table>__<field>, names are\n"
	"snake_case, and every row carries _table, _row_id, _parent_row_id, _root_id, _idx.\n"
	"Barrier lines ({\"vtex_pipes_barrier\":...) pass as they came, not as rows, in\n"
	"order, after the rows of what came before them (vtex-pipes(7)).\n"
	"\n";
static const char epilogue[] =
	"\n"
	"Exit status: 0 all records normalized, 1 some rejected, 64 usage error,\n"
	"74 input not readable or output closed.\n"
	"See ndjson-normalize(1) for the tables each preset produces.\n";

typedef struct {
	normalizer *norm;
	ndjson_writer *out;
	rejects *rej;
	progress prog;
	metric *m_in, *m_out, *m_rejected, *m_rows, *m_bytes;
} run;

/* In a long-lived pipe (the real-time orders flow) rows go on as soon as the
 * input pauses, not when the output buffer fills. */
static void flush_when_idle(void *ctx)
{
	run *r = ctx;
	ndjson_writer_flush(r->out);
}

/* A barrier is no record: it goes on as it came, not as rows, once the rows
 * of what was read before it are out, its rejects on disk first
 * (vtex-pipes(7), ACKNOWLEDGEMENTS). */
static void pass_barrier(run *r, const ndjson_line *line)
{
	barrier_forward(r->out, r->rej, line->text, line->len);
	log_debug("barrier passed", LI("line", line->lineno));
}

/* Normalizes every line of one input; false when it cannot be read. */
static bool normalize_input(void *ctx, int fd, const char *name)
{
	run *r = ctx;
	ndjson_reader *in = ndjson_reader_open(fd, name);
	ndjson_reader_on_idle(in, flush_when_idle, r);
	ndjson_line line;
	enum ndjson_status st;

	while ((st = ndjson_next_line(in, &line)) == NDJSON_OK || st == NDJSON_BAD) {
		if (st == NDJSON_OK && barrier_is(line.text, line.len)) {
			pass_barrier(r, &line);
			continue;
		}
		const char *reason = line.reason; /* an overlong line's */
		cJSON *rec = st == NDJSON_OK ? ndjson_parse_object(line.text, line.len, &reason) : NULL;

		metric_add(r->m_in, 1);
		metric_add(r->m_bytes, (double)line.len + 1);
		progress_add(&r->prog, 1);
		if (!rec) {
			rejects_add(r->rej, name, line.lineno, reason, line.text, line.len, false);
			metric_add(r->m_rejected, 1);
			json_arena_reset();
			continue;
		}
		size_t rows = normalize_record(r->norm, rec, line.text, line.len, ndjson_line_buf(r->out), &reason);
		if (rows) {
			ndjson_end_lines(r->out, rows);
			metric_add(r->m_out, 1);
			metric_add(r->m_rows, (double)rows);
		} else {
			rejects_add(r->rej, name, line.lineno, reason, line.text, line.len, true);
			metric_add(r->m_rejected, 1);
		}
		json_arena_reset();
	}
	if (st == NDJSON_IOERR)
		log_error("cannot read input", LS("input", name), LS("error", strerror(errno)));
	ndjson_reader_close(in);
	return st != NDJSON_IOERR;
}

int main(int argc, char **argv)
{
	cli_common cli;
	normalize_opts o = { 0 };
	const char *entity = NULL, *root = NULL, *pk = NULL, *rejects_path = NULL;
	long long depth = -1;
	const cli_opt opts[] = {
		{ .name = "entity", .short_name = 'e', .type = CLI_STRING, .dest = &entity, .arg = "NAME",
		  .env = "NDJSON_NORMALIZE_ENTITY",
		  .help = "VTEX preset: order, product, client or hook (root table and row ids)",
		  .man = "VTEX preset:\n.BR order ,\n.BR product ,\n.B client\nor\n.B hook\n"
			 "(root table and row ids; see\n.BR PRESETS )." },
		{ .name = "root", .short_name = 'r', .type = CLI_STRING, .dest = &root, .arg = "NAME",
		  .env = "NDJSON_NORMALIZE_ROOT",
		  .help = "root table name, [a-z_][a-z0-9_]*; overrides the preset's",
		  .man = "Root table name, matching\n.BR [a-z_][a-z0-9_]* ;\noverrides the preset's. "
			 "Required without\n.BR \\-\\-entity ." },
		{ .name = "pk", .short_name = 'k', .type = CLI_STRING, .dest = &pk, .arg = "FIELD[,FIELD]",
		  .env = "NDJSON_NORMALIZE_PK",
		  .help = "root row id from these dotted fields instead of the preset's key or the record's content",
		  .man = "Root row ids from these fields (dotted paths such as\n.BR clientProfileData.email ,\n"
			 "at most 8) instead of the preset's key or the record's content. A record\n"
			 "missing one of them is rejected." },
		{ .name = "max-depth", .short_name = 'd', .type = CLI_COUNT, .dest = &depth, .arg = "N",
		  .env = "NDJSON_NORMALIZE_MAX_DEPTH", .min = 0, .max = 1000000,
		  .help = "objects and arrays nested deeper than N levels stay one JSON string column "
			  "(no limit when not given)",
		  .man = "Objects and arrays nested deeper than\n.I N\nlevels stay one column holding their "
			 "JSON text as a string. The record is\nlevel 0; a nested object or an array is one "
			 "level deeper than the row or\nobject holding it, and array elements are rows at "
			 "their array's level. So\n.B \\-\\-max\\-depth 0\nunfolds nothing (a single "
			 "table), and\n.B \\-\\-max\\-depth 1\ngives\n.B orders__items\nrows whose\n"
			 ".B additional_info\nis JSON text. Without it: no limit." },
		{ .name = "raw", .type = CLI_FLAG, .dest = &o.raw, .env = "NDJSON_NORMALIZE_RAW",
		  .help = "also write each record's text to the table <root>__raw",
		  .man = "Also write each record's text to the table\n.IB <root> __raw\\fR." },
		{ .name = "rejects", .type = CLI_PATH, .dest = &rejects_path, .arg = "FILE",
		  .env = "NDJSON_NORMALIZE_REJECTS",
		  .help = "write records that cannot be normalized there, with the reason",
		  .man = "Write the records that cannot be normalized to\n.I FILE\n"
			 "(created or truncated), one JSON line each with the reason." },
		{ 0 },
	};
	const cli_spec spec = { .synopsis = synopsis, .epilogue = epilogue, .opts = opts, .input = true };

	cli_init(&cli, "ndjson-normalize");
	int first = cli_table_parse(&cli, &spec, argc, argv);

	if (entity) {
		const preset *p = preset_find(entity);
		if (!p)
			cli_usage_error(&cli, "--entity: '%s' is not one of %s", entity, preset_names());
		o.root = p->root;
		o.key = p->key;
	}
	if (root)
		o.root = root;
	if (!o.root)
		cli_usage_error(&cli, "give --entity or --root");
	if (!normalize_valid_table_name(o.root))
		cli_usage_error(&cli, "--root: '%s' is not a table name ([a-z_][a-z0-9_]*)", o.root);
	char *pk_fields = pk ? xstrdup(pk) : NULL;
	if (pk_fields && !key_spec_parse(&o.key, pk_fields))
		cli_usage_error(&cli, "--pk: '%s' is not a comma-separated list of at most %d fields", pk,
				KEY_MAX_PARTS);
	o.max_depth = (int)depth;

	run r = { 0 };
	const char *labels_in = "outcome=\"in\"";
	r.m_in = metrics_counter("vtex_pipes_records_total", "Records by outcome.", labels_in);
	r.m_out = metrics_counter("vtex_pipes_records_total", "Records by outcome.",
				  "outcome=\"out\"");
	r.m_rejected = metrics_counter("vtex_pipes_records_total", "Records by outcome.",
				       "outcome=\"rejected\"");
	r.m_rows = metrics_counter("vtex_pipes_rows_total", "Rows written, all tables.", "");
	r.m_bytes = metrics_counter("vtex_pipes_input_bytes_total", "Bytes read.", "");
	r.rej = rejects_open(rejects_path, cli.tool);
	if (!r.rej) {
		log_error("cannot open the rejects file", LS("path", rejects_path), LS("error", strerror(errno)));
		return VP_EXIT_IOERR;
	}
	r.norm = normalizer_new(&o);
	json_arena_install();
	r.out = ndjson_writer_open(STDOUT_FILENO, "stdout");
	progress_start(&r.prog, "records");

	int status = cli_each_input(argv + first, argc - first, normalize_input, &r) ? VP_EXIT_OK : VP_EXIT_IOERR;

	progress_end(&r.prog);
	unsigned long long rejected;
	status = rejects_finish_run(r.out, r.rej, rejects_path, status, &rejected);
	log_info("done", LI("records", metric_value(r.m_in)), LI("rows", metric_value(r.m_rows)),
		 LI("rejected", rejected), LD("seconds", progress_now() - r.prog.started));
	cli_finish(&cli);
	normalizer_free(r.norm);
	json_arena_uninstall();
	free(pk_fields);
	metrics_reset();
	return status;
}
