/* dedup: streaming de-duplication of NDJSON records by key, keep-first or
 * newest-version-wins, or (--latest-only) the latest record of each key at the
 * end of input; bounded memory, optional persistent state. Barrier lines pass
 * on in order (vtex-pipes(7), ACKNOWLEDGEMENTS; output.h, held.h). */
#include "barrier.h"
#include "cli_table.h"
#include "exitcode.h"
#include "keyspec.h"
#include "latest.h"
#include "log.h"
#include "metrics.h"
#include "ndjson_reader.h"
#include "output.h"
#include "progress.h"
#include "rejects.h"
#include "seen.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static const char synopsis[] =
	"Usage: dedup --key FIELD[,FIELD...] [OPTION]... [FILE]...\n"
	"Copy NDJSON records from the FILEs (or standard input) to standard output,\n"
	"dropping duplicates by key. Each line goes out byte for byte as it came in.\n"
	"Barrier lines ({\"vtex_pipes_barrier\":...) are no records: they pass in order,\n"
	"after what came before them (vtex-pipes(7)); see dedup(1) for --latest-only and\n"
	"--state with barriers.\n"
	"\n";
static const char epilogue[] =
	"\n"
	"Exit status: 0 done; 1 done, some records rejected; 64 usage; 65 state file\n"
	"damaged; 70 keys outgrew --max-memory; 74 output closed or I/O error; 75 state\n"
	"in use by another dedup; 78 state written for other fields. See dedup(1).\n";

typedef struct {
	cli_common cli;
	const char *key, *version_field, *state_path, *tmpdir, *rejects_path;
	bool latest_only, state_on_ack;
	size_t max_memory, state_compact;
	char **inputs;
	int ninputs;
} options;

typedef struct {
	options *opt;
	keyspec ks;
	seen seen;
	state *st;
	latest *lat;
	size_t lat_peak;   /* of the latest sets ended at barriers */
	output out;
	rejects *rej;
	progress prog;
	uint64_t ord;
	metric *m_in, *m_out, *m_dup, *m_rej;
} dedup;

/* Deprecated: --newest-by was spelt --version FIELD, which collided with every
 * tool's --version. A --version followed by a word that is no option (or
 * --version=FIELD) still names the field, with a warning; any other --version
 * is the version flag. Goes when the old spelling does. */
static void deprecated_version_field(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		bool split = strcmp(argv[i], "--version") == 0 && i + 1 < argc && argv[i + 1][0] != '-';
		bool joined = strncmp(argv[i], "--version=", 10) == 0;
		if (!split && !joined)
			continue;
		log_warn("--version FIELD is deprecated: use --newest-by FIELD");
		if (split)
			argv[i++] = "--newest-by";
		else if (asprintf(&argv[i], "--newest-by=%s", argv[i] + 10) < 0)
			exit(VP_EXIT_SOFTWARE);
	}
}

static void parse_options(options *o, int argc, char **argv)
{
	const cli_opt opts[] = {
		{ .name = "key", .short_name = 'k', .type = CLI_STRING, .dest = &o->key, .arg = "FIELDS",
		  .env = "DEDUP_KEY",
		  .help = "key fields, comma-separated; dots reach into nested objects (orderId, "
			  "clientProfileData.email)",
		  .man = "The key fields (required), comma-separated; dots reach into nested objects\n"
			 "(orderId, clientProfileData.email)." },
		{ .name = "newest-by", .type = CLI_STRING, .dest = &o->version_field, .arg = "FIELD",
		  .env = "DEDUP_NEWEST_BY",
		  .help = "emit a record only when FIELD (its version) is newer than every version emitted "
			  "for its key: numbers as numbers, VTEX timestamps as instants, other strings "
			  "bytewise; without it the first record of each key wins. --version FIELD and "
			  "DEDUP_VERSION_FIELD: deprecated spellings of it",
		  .man = "Emit a record only when\n.IR FIELD ,\nits version, is newer than every version "
			 "emitted for its key (see Versions).\n.B \\-\\-version\n.I FIELD\n(or\n"
			 ".BI \\-\\-version= FIELD\\fR)\nand\n.B DEDUP_VERSION_FIELD\nare its former, "
			 "deprecated spellings: they still work, with a warning. A\n.B \\-\\-version\n"
			 "followed by an option, or last on the command line, prints\n.BR dedup 's\n"
			 "version and exits, as every tool's does." },
		{ .name = "latest-only", .type = CLI_FLAG, .dest = &o->latest_only, .env = "DEDUP_LATEST_ONLY",
		  .help = "batch mode: at end of input (and at each barrier) emit only the latest record of "
			  "each key, in first-seen order; spills to disk past --max-memory",
		  .man = "Batch mode: emit only the latest record of each key, at the end of input (and\n"
			 "at each barrier: see Barriers), in first-seen order." },
		{ .name = "state", .type = CLI_PATH, .dest = &o->state_path, .arg = "FILE", .env = "DEDUP_STATE",
		  .help = "keep emitted keys and versions in FILE (and FILE.journal) across runs; crash-safe",
		  .man = "Keep the emitted keys and versions in\n.I FILE\nand\n.IB FILE .journal\n"
			 "(created mode 0600)\nacross runs. With\n.BR \\-\\-latest\\-only ,\nneeds\n"
			 ".BR \\-\\-newest\\-by ." },
		{ .name = "state-on-ack", .type = CLI_FLAG, .dest = &o->state_on_ack, .env = "DEDUP_STATE_ON_ACK",
		  .help = "the input carries barriers: journal no key before the sink has acknowledged its "
			  "record, from the first record on (without it, from the first barrier on)",
		  .man = "The input carries barriers (its source was started with\n.BR \\-\\-ack\\-from ):\n"
			 "journal no key before the sink has acknowledged its record, from the first\n"
			 "record on, not only from the first barrier on (see Barriers). With no barrier\n"
			 "at all in the input nothing is journalled (and a warning says so). Needs\n"
			 ".BR \\-\\-state ." },
		{ .name = "state-compact", .type = CLI_BYTES, .dest = &o->state_compact, .arg = "SIZE",
		  .env = "DEDUP_STATE_COMPACT", .def = "16M",
		  .help = "compact the journal into FILE once it passes SIZE and FILE's size",
		  .man = "Compact the journal into the snapshot once the journal passes\n.I SIZE\n"
			 "(K, M or G suffixes) and the snapshot's size." },
		{ .name = "max-memory", .type = CLI_BYTES, .dest = &o->max_memory, .arg = "SIZE",
		  .env = "DEDUP_MAX_MEMORY", .def = "1G", .min = 1 << 20,
		  .help = "memory for keys and held records, e.g. 512M, at least 1M; streaming mode exits 70 "
			  "past it",
		  .man = "The memory for keys, versions and held records: a number of bytes with an optional\n"
			 "K, M or G suffix (powers of 1024); at least 1M. Streaming mode exits 70 past it;\n"
			 ".B \\-\\-latest\\-only\nspills to disk." },
		{ .name = "tmpdir", .type = CLI_PATH, .dest = &o->tmpdir, .arg = "DIR", .env = "DEDUP_TMPDIR",
		  .help = "where --latest-only spills (else $TMPDIR, else /tmp)",
		  .man = "Where\n.B \\-\\-latest\\-only\nspills; without it\n.BR TMPDIR ,\nthen\n.BR /tmp ." },
		{ .name = "rejects", .type = CLI_PATH, .dest = &o->rejects_path, .arg = "FILE",
		  .env = "DEDUP_REJECTS", .help = "write records without a usable key or version there",
		  .man = "Write each rejected record there, with its line number and the reason (see\n"
			 ".BR vtex\\-pipes (7)):\nlines that are not JSON objects, records without a key "
			 "(a key field missing or\nnull), records whose version is missing or unusable. "
			 "Rejected records are never\nemitted." },
		{ 0 },
	};
	const cli_spec spec = { .synopsis = synopsis, .epilogue = epilogue, .opts = opts, .input = true };

	cli_init(&o->cli, "dedup");
	deprecated_version_field(argc, argv);
	int first = cli_table_parse(&o->cli, &spec, argc, argv);
	if (!o->version_field && (o->version_field = cli_env("DEDUP_VERSION_FIELD", NULL)))
		log_warn("DEDUP_VERSION_FIELD is deprecated: use DEDUP_NEWEST_BY");
	if (!o->tmpdir)
		o->tmpdir = cli_env("TMPDIR", "/tmp");
	if (!o->key)
		cli_usage_error(&o->cli, "--key is required");
	if (o->version_field && !*o->version_field)
		cli_usage_error(&o->cli, "--newest-by: empty field name");
	if (o->state_on_ack && !o->state_path)
		cli_usage_error(&o->cli, "--state-on-ack needs --state");
	if (o->latest_only && o->state_path && !o->version_field)
		cli_usage_error(&o->cli, "--latest-only with --state needs --newest-by");
	o->inputs = argv + first;
	o->ninputs = argc - first;
}

static void reject(dedup *d, const char *source, const ndjson_line *l, const char *why, bool json_ok)
{
	rejects_add(d->rej, source, l->lineno, why, l->text, l->len, json_ok);
	metric_add(d->m_rej, 1);
}

/* Ends a streaming run whose keys no longer fit: what went out is flushed and
 * journalled first, so the state stays true. */
static _Noreturn void out_of_memory(dedup *d)
{
	output_flush(&d->out);
	log_error("the keys outgrew --max-memory; raise it, or use --latest-only for batch input",
		  LI("keys", seen_keys(&d->seen)), LI("bytes", seen_bytes(&d->seen)),
		  LI("held_bytes", output_held_bytes(&d->out)), LI("max_memory", d->opt->max_memory));
	exit(VP_EXIT_SOFTWARE);
}

/* --max-memory less the journal entries held for acknowledgements. */
static size_t key_room(const dedup *d)
{
	size_t held = output_held_bytes(&d->out);
	return held < d->opt->max_memory ? d->opt->max_memory - held : 0;
}

static void take(dedup *d, const char *source, const ndjson_line *l)
{
	const char *why;
	fp128 fp;
	version v;
	cJSON *obj = ndjson_parse_object(l->text, l->len, &why);

	metric_add(d->m_in, 1);
	progress_add(&d->prog, 1);
	if (!obj) {
		reject(d, source, l, why, false);
		return;
	}
	if ((why = keyspec_read(&d->ks, obj, &fp, &v)) != NULL) {
		reject(d, source, l, why, true);
	} else if (d->lat) {
		if (d->st && !seen_is_new(&d->seen, fp, &v))
			metric_add(d->m_dup, 1);
		else
			latest_add(d->lat, d->ord++, fp, &v, l->text, l->len);
	} else {
		switch (seen_offer(&d->seen, fp, &v, key_room(d))) {
		case SEEN_NEW:
			output_line(&d->out, l->text, l->len, fp, &v);
			metric_add(d->m_out, 1);
			break;
		case SEEN_OLD:
			metric_add(d->m_dup, 1);
			break;
		case SEEN_FULL:
			cJSON_Delete(obj);
			out_of_memory(d);
		}
	}
	cJSON_Delete(obj);
}

static void emit_latest(void *ctx, const char *text, size_t len, fp128 fp, const version *v)
{
	dedup *d = ctx;
	if (d->st)
		seen_offer(&d->seen, fp, v, SIZE_MAX);
	output_line(&d->out, text, len, fp, v);
	metric_add(d->m_out, 1);
}

/* --latest-only's records: what is left of --max-memory by the keys of the
 * state and the entries held. */
static latest *new_latest(const dedup *d)
{
	size_t used = seen_bytes(&d->seen) + output_held_bytes(&d->out);
	size_t limit = d->opt->max_memory > used + (1 << 20) ? d->opt->max_memory - used : 1 << 20;
	return latest_new(d->opt->version_field != NULL, limit, d->opt->tmpdir);
}

/* A barrier: what was read before it goes out first, --latest-only's records
 * too (so latest-only holds the latest record of each key per stretch
 * between barriers: none is held back past one), then the rejects are made
 * durable and the barrier passes. It is no record: not counted, not keyed. */
static void barrier(dedup *d, const ndjson_line *l)
{
	if (d->lat) {
		latest_finish(d->lat, emit_latest, d);
		if (latest_peak_bytes(d->lat) > d->lat_peak)
			d->lat_peak = latest_peak_bytes(d->lat);
		latest_free(d->lat);
		d->lat = new_latest(d);
	}
	if (!rejects_sync(d->rej))
		exit(VP_EXIT_IOERR);
	output_barrier(&d->out, l->text, l->len);
	log_debug("barrier passed", LI("line", l->lineno));
}

static void flush_when_idle(void *ctx)
{
	output_flush(&((dedup *)ctx)->out);
}

static bool read_input(void *ctx, int fd, const char *name)
{
	dedup *d = ctx;
	ndjson_reader *r = ndjson_reader_open(fd, name);
	ndjson_line l;
	enum ndjson_status st;

	ndjson_reader_on_idle(r, flush_when_idle, d);
	while ((st = ndjson_next_line(r, &l)) == NDJSON_OK || st == NDJSON_BAD) {
		if (st == NDJSON_BAD) { /* overlong */
			metric_add(d->m_in, 1);
			reject(d, name, &l, l.reason, false);
		} else if (barrier_is(l.text, l.len))
			barrier(d, &l);
		else
			take(d, name, &l);
	}
	if (st == NDJSON_IOERR)
		log_error("cannot read input", LS("input", name), LS("error", strerror(errno)));
	ndjson_reader_close(r);
	return st != NDJSON_IOERR;
}

static uint64_t random_seed(void)
{
	uint64_t seed = 0;
	if (getrandom(&seed, sizeof seed, 0) != (ssize_t)sizeof seed)
		seed = (uint64_t)getpid() * 0x9E3779B97F4A7C15u ^ (uint64_t)progress_now();
	return seed;
}

static void init_metrics(dedup *d)
{
	static const char *help = "Records by outcome.";
	d->m_in = metrics_counter("vtex_pipes_records_total", help, "outcome=\"in\"");
	d->m_out = metrics_counter("vtex_pipes_records_total", help, "outcome=\"out\"");
	d->m_dup = metrics_counter("vtex_pipes_records_total", help, "outcome=\"duplicate\"");
	d->m_rej = metrics_counter("vtex_pipes_records_total", help, "outcome=\"rejected\"");
}

int main(int argc, char **argv)
{
	options o = { 0 };
	dedup d = { .opt = &o };
	int rc = VP_EXIT_OK;

	parse_options(&o, argc, argv);
	if (!keyspec_init(&d.ks, o.key, o.version_field))
		cli_usage_error(&o.cli, "--key: '%s' is not a comma-separated list of field paths", o.key);
	init_metrics(&d);
	seen_init(&d.seen, o.version_field != NULL);
	d.ks.seed = random_seed();
	if (o.state_path) {
		buf spec = { 0 };
		keyspec_describe(&d.ks, &spec);
		d.st = state_open(o.state_path, buf_cstr(&spec), &d.ks.seed, &d.seen, &rc);
		buf_free(&spec);
		if (!d.st)
			goto out;
		state_compact_at(d.st, o.state_compact);
	}
	d.rej = rejects_open(o.rejects_path, "dedup");
	if (!d.rej) {
		log_error("cannot open the rejects file", LS("path", o.rejects_path), LS("error", strerror(errno)));
		rc = VP_EXIT_IOERR;
		goto out;
	}
	output_init(&d.out, d.st, &d.seen, o.state_on_ack);
	if (o.latest_only)
		d.lat = new_latest(&d);
	progress_start(&d.prog, "records");

	bool read_ok = cli_each_input(o.inputs, o.ninputs, read_input, &d);
	if (read_ok && d.lat)
		latest_finish(d.lat, emit_latest, &d);
	progress_end(&d.prog);
	if (!output_close(&d.out))
		rc = vp_exit_worst(rc, VP_EXIT_IOERR);
	if (d.st && read_ok && rc == VP_EXIT_OK && !output_compact(&d.out))
		rc = VP_EXIT_IOERR;
	unsigned long long rejected = rejects_count(d.rej);
	if (!rejects_close(d.rej)) {
		log_error("cannot write the rejects file", LS("path", o.rejects_path));
		rc = vp_exit_worst(rc, VP_EXIT_IOERR);
	}
	if (!read_ok)
		rc = vp_exit_worst(rc, VP_EXIT_IOERR);
	size_t keys = d.lat ? latest_keys(d.lat) : seen_keys(&d.seen);
	size_t bytes = seen_bytes(&d.seen);
	if (d.lat)
		bytes = latest_peak_bytes(d.lat) > d.lat_peak ? latest_peak_bytes(d.lat) : d.lat_peak;
	metric_set(metrics_gauge("vtex_pipes_dedup_keys", "Keys held at the end.", ""), (double)keys);
	metric_set(metrics_gauge("vtex_pipes_dedup_memory_bytes", "Peak bytes held for keys and records.",
				 ""), (double)bytes);
	log_info("done", LI("in", metric_value(d.m_in)), LI("out", metric_value(d.m_out)),
		 LI("duplicates", metric_value(d.m_dup)), LI("rejected", metric_value(d.m_rej)),
		 LI("keys", keys), LI("memory_bytes", bytes));
	if (rejected > 0)
		rc = vp_exit_worst(rc, VP_EXIT_REJECTS);
	cli_finish(&o.cli);
out:
	output_free(&d.out);
	state_close(d.st);
	latest_free(d.lat);
	seen_free(&d.seen);
	keyspec_free(&d.ks);
	metrics_reset();
	return rc;
}
