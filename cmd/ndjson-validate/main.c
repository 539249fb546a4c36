/* ndjson-validate: the quality gate. Records that keep every blocking rule
 * pass (byte for byte when they keep every rule; with the flagging rules they
 * broke named in --flags-field otherwise); the others go to the rejects file
 * with every rule they broke (see rules.h). Barriers pass unchecked (barrier.h). */
#include "barrier.h"
#include "cli_table.h"
#include "exitcode.h"
#include "json_arena.h"
#include "log.h"
#include "metrics.h"
#include "ndjson_reader.h"
#include "ndjson_writer.h"
#include "progress.h"
#include "rejects.h"
#include "rules.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char synopsis[] =
	"Usage: ndjson-validate (--entity NAME | --rules FILE) [OPTION]... [FILE]...\n"
	"Check each record (NDJSON, from the FILEs or stdin) against a rule file: records\n"
	"that keep every rule are written to stdout byte for byte; those that break only\n"
	"flagging rules (\"warn\": true) pass with the rules named in --flags-field; the\n"
	"others go to the rejects file with every rule they broke. Barrier lines ({\"vtex_pipes_barrier\":...)\n"
	"pass unchecked and in order, after what came before them (vtex-pipes(7)).\n"
	"\n";
static const char epilogue[] =
	"\n"
	"Exit status: 0 every record passed, 1 some were rejected, 64 usage error,\n"
	"74 input not readable or output closed, 78 rule file missing or invalid.\n"
	"See ndjson-validate(1) for the rule file format.\n";

typedef struct {
	ruleset rs;
	bool *skip;             /* by rule index */
	metric **m_rule;        /* records that broke each rule */
	ndjson_writer *out;
	const char *flags_field; /* NULL: records pass unchanged */
	rejects *rej;
	progress prog;
	violations vs;
	size_t max_places;
	unsigned long long warned;
	buf reason, fields;
	metric *m_in, *m_out, *m_rejected, *m_bytes, *m_warned;
} run;

static bool read_file(const char *path, buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	char tmp[65536];
	ssize_t n;
	while ((n = read(fd, tmp, sizeof tmp)) > 0)
		buf_put(b, tmp, (size_t)n);
	int saved = errno;
	close(fd);
	errno = saved;
	return n == 0;
}

/* The rules directory: dir, else beside the binary <bindir>/../rules (a
 * build tree), then <bindir>/../share/vtex-pipes/rules (make install).
 * Sets path to DIR/ENTITY.json; false when no rules directory exists. */
static bool entity_file(const char *dir, const char *entity, buf *path)
{
	struct stat st;
	if (dir) {
		buf_printf(path, "%s/%s.json", dir, entity);
		return true;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	static const char *const rel[] = { "../rules", "../share/vtex-pipes/rules" };
	for (size_t i = 0; i < 2; i++) {
		path->len = 0;
		buf_printf(path, "%s/%s", exe, rel[i]);
		if (stat(buf_cstr(path), &st) == 0 && S_ISDIR(st.st_mode)) {
			buf_printf(path, "/%s.json", entity);
			return true;
		}
	}
	path->len = 0;
	return false;
}

static bool valid_entity_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

/* Marks the rules --skip names; false (with the name) when one names nothing. */
static bool apply_skip(run *r, const char *list, const char **unknown)
{
	char *copy = xstrdup(list), *save = NULL;
	bool ok = true;
	for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		bool any = false;
		size_t n = strlen(name);
		for (size_t i = 0; i < r->rs.n; i++) {
			const char *rn = r->rs.rules[i].name;
			if (strcmp(rn, name) == 0 || (strncmp(rn, name, n) == 0 && rn[n] == ':')) {
				r->skip[i] = true;
				any = true;
			}
		}
		if (!any) {
			static char bad[128];
			snprintf(bad, sizeof bad, "%s", name);
			*unknown = bad;
			ok = false;
			break;
		}
	}
	free(copy);
	return ok;
}

/* Drops violations of skipped rules and recounts the errors. */
static void drop_skipped(run *r)
{
	violations *vs = &r->vs;
	size_t j = 0;
	vs->errors = 0;
	for (size_t i = 0; i < vs->n; i++) {
		violation v = vs->v[i];
		if (r->skip[v.rule]) {
			free(v.where);
			free(v.message);
			continue;
		}
		vs->v[j++] = v;
	}
	vs->n = j;
	for (size_t i = 0; i < vs->n; i++) {
		bool first = true;
		for (size_t k = 0; k < i; k++)
			if (vs->v[k].rule == vs->v[i].rule)
				first = false;
		if (first && !r->rs.rules[vs->v[i].rule].warn)
			vs->errors++;
	}
}

/* The reject line's reason (every violation, cut at about 2000 bytes) and
 * members "rules" (each broken rule once) and "violations". */
static void describe(run *r, bool errors_only)
{
	violations *vs = &r->vs;
	r->reason.len = 0;
	r->fields.len = 0;
	buf_puts(&r->fields, "\"rules\":[");
	bool first_rule = true;
	for (size_t i = 0; i < vs->n; i++) {
		const rule *ru = &r->rs.rules[vs->v[i].rule];
		if (errors_only && ru->warn)
			continue;
		bool seen = false;
		for (size_t k = 0; k < i; k++)
			if (vs->v[k].rule == vs->v[i].rule)
				seen = true;
		if (seen)
			continue;
		if (!first_rule)
			buf_putc(&r->fields, ',');
		first_rule = false;
		buf_json_string(&r->fields, ru->name, strlen(ru->name));
	}
	buf_puts(&r->fields, "],\"violations\":[");
	bool first = true;
	for (size_t i = 0; i < vs->n; i++) {
		const violation *v = &vs->v[i];
		const rule *ru = &r->rs.rules[v->rule];
		if (!first)
			buf_putc(&r->fields, ',');
		first = false;
		buf_puts(&r->fields, "{\"rule\":");
		buf_json_string(&r->fields, ru->name, strlen(ru->name));
		buf_puts(&r->fields, ",\"path\":");
		buf_json_string(&r->fields, v->where, strlen(v->where));
		buf_puts(&r->fields, ",\"message\":");
		buf_json_string(&r->fields, v->message, strlen(v->message));
		if (ru->warn)
			buf_puts(&r->fields, ",\"warn\":true");
		buf_putc(&r->fields, '}');
		if ((errors_only && ru->warn) || r->reason.len > 2000)
			continue;
		if (r->reason.len)
			buf_puts(&r->reason, "; ");
		buf_printf(&r->reason, "%s: %s %s", ru->name, v->where, v->message);
	}
	buf_putc(&r->fields, ']');
}

static void count_rules(run *r)
{
	violations *vs = &r->vs;
	for (size_t i = 0; i < vs->n; i++) {
		bool seen = false;
		for (size_t k = 0; k < i; k++)
			if (vs->v[k].rule == vs->v[i].rule)
				seen = true;
		if (!seen)
			metric_add(r->m_rule[vs->v[i].rule], 1);
	}
}

/* A record that passed with flags, written with flags_field added: the
 * flagging rules it broke, each once, comma-separated. A record that already
 * has the member (validated before) goes on as it came. */
static void write_flagged(run *r, const ndjson_line *line, const cJSON *rec)
{
	size_t end = line->len;
	while (end > 0 && line->text[end - 1] != '}')
		end--;
	if (!r->flags_field || end == 0 || cJSON_GetObjectItemCaseSensitive(rec, r->flags_field)) {
		ndjson_write_line(r->out, line->text, line->len);
		return;
	}
	buf *b = ndjson_line_buf(r->out);
	buf_put(b, line->text, end - 1);
	if (rec->child)
		buf_putc(b, ',');
	buf_json_string(b, r->flags_field, strlen(r->flags_field));
	buf flags = { 0 };
	for (size_t i = 0; i < r->vs.n; i++) {
		bool seen = false;
		for (size_t k = 0; k < i; k++)
			if (r->vs.v[k].rule == r->vs.v[i].rule)
				seen = true;
		if (seen)
			continue;
		if (flags.len)
			buf_putc(&flags, ',');
		buf_puts(&flags, r->rs.rules[r->vs.v[i].rule].name);
	}
	buf_putc(b, ':');
	buf_json_string(b, flags.data ? flags.data : "", flags.len);
	buf_putc(b, '}');
	buf_free(&flags);
	ndjson_end_line(r->out);
}

/* In a long-lived pipe (the real-time flow) what passed goes on as soon as
 * the input pauses, not when a buffer fills. */
static void flush_when_idle(void *ctx)
{
	ndjson_writer_flush(((run *)ctx)->out);
}

/* A barrier is no record: it goes on as it came, once what was read before
 * it is out, its rejects on disk first (vtex-pipes(7), ACKNOWLEDGEMENTS). */
static void pass_barrier(run *r, const ndjson_line *line)
{
	barrier_forward(r->out, r->rej, line->text, line->len);
	log_debug("barrier passed", LI("line", line->lineno));
}

static bool validate_input(void *ctx, int fd, const char *name)
{
	run *r = ctx;
	ndjson_reader *in = ndjson_reader_open(fd, name);
	ndjson_line line;
	enum ndjson_status st;

	ndjson_reader_on_idle(in, flush_when_idle, r);
	while ((st = ndjson_next_line(in, &line)) == NDJSON_OK || st == NDJSON_BAD) {
		if (st == NDJSON_OK && barrier_is(line.text, line.len)) {
			pass_barrier(r, &line);
			continue;
		}
		const char *why = line.reason; /* an overlong line's */
		cJSON *rec = st == NDJSON_OK ? ndjson_parse_object(line.text, line.len, &why) : NULL;

		metric_add(r->m_in, 1);
		metric_add(r->m_bytes, (double)line.len + 1);
		progress_add(&r->prog, 1);
		if (!rec) {
			rejects_add_with(r->rej, name, line.lineno, why, "\"rules\":[\"json\"]", line.text, line.len,
					 false);
			metric_add(r->m_rejected, 1);
			json_arena_reset();
			continue;
		}
		ruleset_check(&r->rs, rec, &r->vs, r->max_places);
		if (r->vs.n)
			drop_skipped(r);
		if (r->vs.n)
			count_rules(r);
		if (r->vs.errors) {
			describe(r, false);
			rejects_add_with(r->rej, name, line.lineno, buf_cstr(&r->reason), buf_cstr(&r->fields),
					 line.text, line.len, true);
			metric_add(r->m_rejected, 1);
		} else {
			if (r->vs.n) {
				metric_add(r->m_warned, 1);
				if (++r->warned <= 20) {
					describe(r, false);
					log_warn("record kept with warnings", LS("source", name), LI("line", line.lineno),
						 LS("reason", buf_cstr(&r->reason)));
				}
				write_flagged(r, &line, rec);
			} else
				ndjson_write_line(r->out, line.text, line.len);
			metric_add(r->m_out, 1);
		}
		json_arena_reset();
	}
	if (st == NDJSON_IOERR)
		log_error("cannot read input", LS("input", name), LS("error", strerror(errno)));
	ndjson_reader_close(in);
	return st != NDJSON_IOERR;
}

static void list_rules(const run *r)
{
	for (size_t i = 0; i < r->rs.n; i++) {
		const rule *ru = &r->rs.rules[i];
		printf("%s\t%s\t%s%s\n", ru->name, ru->warn ? "warn" : "error", ru->path.text,
		       r->skip[i] ? "\t(skipped)" : "");
	}
}

int main(int argc, char **argv)
{
	cli_common cli;
	const char *entity = NULL, *rules_path = NULL, *rules_dir = NULL, *skip = NULL, *rejects_path = NULL;
	const char *flags_field = NULL;
	long long places = 0;
	bool list = false;
	const cli_opt opts[] = {
		{ .name = "entity", .short_name = 'e', .type = CLI_STRING, .dest = &entity, .arg = "NAME",
		  .env = "NDJSON_VALIDATE_ENTITY",
		  .help = "the rules of a VTEX entity: order, product, client or hook (NAME.json in the "
			  "rules directory)" },
		{ .name = "rules", .short_name = 'r', .type = CLI_PATH, .dest = &rules_path, .arg = "FILE",
		  .env = "NDJSON_VALIDATE_RULES", .help = "a rule file of your own; wins over --entity" },
		{ .name = "rules-dir", .type = CLI_PATH, .dest = &rules_dir, .arg = "DIR",
		  .env = "NDJSON_VALIDATE_RULES_DIR",
		  .help = "where --entity looks (default ../rules, then ../share/vtex-pipes/rules, beside "
			  "the binary)" },
		{ .name = "skip", .type = CLI_STRING, .dest = &skip, .arg = "RULE[,RULE]",
		  .env = "NDJSON_VALIDATE_SKIP",
		  .help = "do not check these rules (a rule's full name, or the name before ':' for all of "
			  "its checks)",
		  .man = "do not check these rules: a full name\n.RB ( items[].quantity:min )\n"
			 "or a name before the colon for all its checks\n.RB ( items-total ).\n"
			 "A name that matches no rule is a usage error." },
		{ .name = "rejects", .type = CLI_PATH, .dest = &rejects_path, .arg = "FILE",
		  .env = "NDJSON_VALIDATE_REJECTS", .help = "write refused records there, with the broken rules" },
		{ .name = "flags-field", .type = CLI_STRING, .dest = &flags_field, .arg = "NAME",
		  .env = "NDJSON_VALIDATE_FLAGS_FIELD", .def = "_quality_flags",
		  .help = "member added to a record that passes with flags: the flagging rules it broke, "
			  "comma-separated; '' adds none",
		  .man = "the member added at the end of a record that passes with flags: the flagging\n"
			 "rules it broke, each once, comma-separated, as\n.B \\-\\-list\\-rules\n"
			 "names them; an empty NAME adds nothing, so such records pass byte for byte.\n"
			 "A record that already has the member goes on as it came." },
		{ .name = "max-places", .type = CLI_COUNT, .dest = &places, .arg = "N",
		  .env = "NDJSON_VALIDATE_MAX_PLACES", .def = "5", .min = 1, .max = 1000000,
		  .help = "places reported per broken rule and record",
		  .man = "places reported per broken rule in one record. Every place still breaks the rule." },
		{ .name = "list-rules", .type = CLI_FLAG, .dest = &list,
		  .help = "print the rules (name, severity, path) and exit",
		  .man = "print the rules, one per line: name, severity\n.RB ( error \" or \" warn ),\n"
			 "path, tab-separated, and exit." },
		{ 0 },
	};
	const cli_spec spec = { .synopsis = synopsis, .epilogue = epilogue, .opts = opts, .input = true };

	cli_init(&cli, "ndjson-validate");
	int first = cli_table_parse(&cli, &spec, argc, argv);

	run r = { .max_places = (size_t)places, .flags_field = *flags_field ? flags_field : NULL };
	buf path = { 0 }, text = { 0 }, err = { 0 };
	if (rules_path) {
		buf_puts(&path, rules_path);
	} else if (entity) {
		if (!valid_entity_name(entity))
			cli_usage_error(&cli, "--entity: '%s' is not a name (order, product, client, hook)", entity);
		if (!entity_file(rules_dir, entity, &path)) {
			log_error("no rules directory beside the binary: give --rules-dir or --rules",
				  LS("entity", entity));
			buf_free(&path);
			return VP_EXIT_CONFIG;
		}
	} else {
		cli_usage_error(&cli, "give --entity or --rules");
	}
	if (!read_file(buf_cstr(&path), &text)) {
		log_error("cannot read the rule file", LS("path", buf_cstr(&path)), LS("error", strerror(errno)),
			  LS("hint", entity && !rules_path ? "the entities are order, product, client and hook" : ""));
		buf_free(&path);
		buf_free(&text);
		return VP_EXIT_CONFIG;
	}
	if (!ruleset_parse(&r.rs, text.data ? text.data : "", text.len, &err)) {
		log_error("invalid rule file", LS("path", buf_cstr(&path)), LS("error", buf_cstr(&err)));
		buf_free(&path);
		buf_free(&text);
		buf_free(&err);
		return VP_EXIT_CONFIG;
	}
	buf_free(&text);
	buf_free(&err);
	const char *label_entity = r.rs.entity ? r.rs.entity : entity ? entity : "custom";

	r.skip = xcalloc(r.rs.n ? r.rs.n : 1, sizeof *r.skip);
	const char *unknown = NULL;
	if (skip && !apply_skip(&r, skip, &unknown))
		cli_usage_error(&cli, "--skip: no rule is named '%s' (see --list-rules)", unknown);
	if (list) {
		list_rules(&r);
		ruleset_free(&r.rs);
		free(r.skip);
		buf_free(&path);
		return VP_EXIT_OK;
	}

	static const char help_records[] = "Records by outcome.";
	r.m_in = metrics_counter("vtex_pipes_records_total", help_records, "outcome=\"in\"");
	r.m_out = metrics_counter("vtex_pipes_records_total", help_records, "outcome=\"out\"");
	r.m_rejected = metrics_counter("vtex_pipes_records_total", help_records,
				       "outcome=\"rejected\"");
	r.m_warned = metrics_counter("vtex_pipes_records_total", help_records, "outcome=\"warned\"");
	r.m_bytes = metrics_counter("vtex_pipes_input_bytes_total", "Bytes read.", "");
	r.m_rule = xcalloc(r.rs.n ? r.rs.n : 1, sizeof *r.m_rule);
	for (size_t i = 0; i < r.rs.n; i++) {
		if (r.skip[i])
			continue;
		buf lab = { 0 };
		buf_puts(&lab, "entity=");
		buf_json_string(&lab, label_entity, strlen(label_entity));
		buf_puts(&lab, ",rule=");
		buf_json_string(&lab, r.rs.rules[i].name, strlen(r.rs.rules[i].name));
		buf_printf(&lab, ",severity=\"%s\"", r.rs.rules[i].warn ? "warn" : "error");
		r.m_rule[i] = metrics_counter("vtex_pipes_validate_violations_total",
					      "Records that broke each rule (once per record).", buf_cstr(&lab));
		buf_free(&lab);
	}

	r.rej = rejects_open(rejects_path, cli.tool);
	if (!r.rej) {
		log_error("cannot open the rejects file", LS("path", rejects_path), LS("error", strerror(errno)));
		return VP_EXIT_IOERR;
	}
	json_arena_install();
	r.out = ndjson_writer_open(STDOUT_FILENO, "stdout");
	progress_start(&r.prog, "records");

	int status = cli_each_input(argv + first, argc - first, validate_input, &r) ? VP_EXIT_OK : VP_EXIT_IOERR;

	progress_end(&r.prog);
	unsigned long long rejected;
	status = rejects_finish_run(r.out, r.rej, rejects_path, status, &rejected);
	/* The rules broken most, for the log line. */
	log_info("done", LS("entity", label_entity), LI("records", metric_value(r.m_in)),
		 LI("passed", metric_value(r.m_out)), LI("rejected", rejected), LI("warned", metric_value(r.m_warned)),
		 LD("seconds", progress_now() - r.prog.started));
	for (size_t i = 0; i < r.rs.n; i++)
		if (r.m_rule[i] && metric_value(r.m_rule[i]) > 0)
			log_info("rule broken", LS("rule", r.rs.rules[i].name),
				 LS("severity", r.rs.rules[i].warn ? "warn" : "error"),
				 LI("records", metric_value(r.m_rule[i])));
	cli_finish(&cli);
	json_arena_uninstall();
	violations_free(&r.vs);
	ruleset_free(&r.rs);
	buf_free(&r.reason);
	buf_free(&r.fields);
	buf_free(&path);
	free(r.skip);
	free(r.m_rule);
	metrics_reset();
	return status;
}
