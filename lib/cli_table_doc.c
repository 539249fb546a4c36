/* An option table (cli_table.h) written out: the option lines of --help, and
 * the .TP entries of a man page's OPTIONS (spliced in by scripts/man-options). */
#include "cli_table.h"

#include <string.h>

enum { HELP_COLUMN = 26, HELP_WIDTH = 80 };

/* The suite's common options, handled by cli_common_option; the input option
 * first, for the tools that read NDJSON. */
static const cli_opt input_opts[] = {
	{ .name = "max-line", .type = CLI_COMMON, .arg = "SIZE", .env = "VTEX_PIPES_MAX_LINE", .def = "16M",
	  .help = "longer input lines go to the rejects with their length",
	  .man = "An input line longer than\n.I SIZE\nbytes (such as 512K, 16M) goes to the rejects with its "
		 "length (and its first KiB as\n.BR \\(dqraw\\(dq ),\nread past without being held whole (see\n"
		 ".BR vtex-pipes (7),\nINPUT)." },
	{ 0 },
};
static const cli_opt common_opts[] = {
	{ .name = "log-level", .type = CLI_COMMON, .arg = "LEVEL", .env = "VTEX_PIPES_LOG_LEVEL", .def = "info",
	  .help = "debug, info, warn or error" },
	{ .name = "log-format", .type = CLI_COMMON, .arg = "FMT", .env = "VTEX_PIPES_LOG_FORMAT", .def = "logfmt",
	  .help = "logfmt or json" },
	{ .name = "metrics-file", .type = CLI_COMMON, .arg = "PATH", .env = "VTEX_PIPES_METRICS_FILE",
	  .help = "write Prometheus metrics there at exit" },
	{ .name = "help", .short_name = 'h', .type = CLI_COMMON, .help = "show this help and exit" },
	{ .name = "version", .short_name = 'V', .type = CLI_COMMON, .help = "show the version and exit" },
	{ 0 },
};

static bool takes_arg(const cli_opt *o)
{
	return o->type != CLI_FLAG && o->arg;
}

/* Writes words from s, wrapped at HELP_WIDTH with continuation lines indented
 * to HELP_COLUMN; col is where the cursor is. Returns the new column. */
static int put_words(FILE *f, const char *s, int col)
{
	while (*s) {
		while (*s == ' ')
			s++;
		int len = (int)strcspn(s, " ");
		if (!len)
			break;
		if (col > HELP_COLUMN && col + 1 + len > HELP_WIDTH) {
			fprintf(f, "\n%*s", HELP_COLUMN, "");
			col = HELP_COLUMN;
		} else if (col > HELP_COLUMN) {
			fputc(' ', f);
			col++;
		}
		fwrite(s, 1, (size_t)len, f);
		col += len;
		s += len;
	}
	return col;
}

static void help_line(FILE *f, const cli_opt *o)
{
	char left[128], note[256] = "";
	if (o->heading)
		fprintf(f, "%s:\n", o->heading);
	const char *sep = takes_arg(o) ? " " : "", *arg = takes_arg(o) ? o->arg : "";
	int n = o->name ? snprintf(left, sizeof left, "  %c%c%s--%s%s%s", o->short_name ? '-' : ' ',
				   o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name, sep, arg)
			: snprintf(left, sizeof left, "  -%c%s%s", o->short_name, sep, arg);
	fputs(left, f);
	if (n >= HELP_COLUMN)
		fprintf(f, "\n%*s", HELP_COLUMN, "");
	else
		fprintf(f, "%*s", HELP_COLUMN - n, "");
	if (o->env && o->type == CLI_FLAG)
		snprintf(note, sizeof note, "(env %s=1)", o->env);
	else if (o->env)
		snprintf(note, sizeof note, "(env %s%s%s)", o->env, o->def ? "; default " : "", o->def ? o->def : "");
	else if (o->def)
		snprintf(note, sizeof note, "(default %s)", o->def);
	put_words(f, note, put_words(f, o->help, HELP_COLUMN));
	fputc('\n', f);
}

static void help_lines(FILE *f, const cli_opt *opts)
{
	for (const cli_opt *o = opts; !cli_opt_end(o); o++)
		help_line(f, o);
}

void cli_table_help(FILE *f, const cli_spec *s)
{
	fputs(s->synopsis, f);
	help_lines(f, s->opts);
	if (s->input)
		help_lines(f, input_opts);
	help_lines(f, common_opts);
	fputs(s->epilogue, f);
}

/* Plain text as roff: backslashes and hyphens escaped. */
static void roff_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

static void roff_entry(FILE *f, const cli_opt *o)
{
	/* As the hand-written pages have it: .BR -x ", " --name " " ARG, .BI --name " ARG", .B --name,
	 * .BI -x " ARG", .B -x */
	if (o->heading)
		fprintf(f, ".SS %s\n", o->heading);
	fputs(".TP\n", f);
	if (!o->name)
		fprintf(f, "%s\\-%c", takes_arg(o) ? ".BI " : ".B ", o->short_name);
	else if (o->short_name)
		fprintf(f, ".BR \\-%c \", \" ", o->short_name);
	else
		fputs(takes_arg(o) ? ".BI " : ".B ", f);
	if (o->name) {
		fputs("\\-\\-", f);
		roff_text(f, o->name);
	}
	if (takes_arg(o) && o->short_name && o->name) {
		fputs(" \" \" \\fI", f);
		roff_text(f, o->arg);
		fputs("\\fR", f);
	} else if (takes_arg(o)) {
		fputs(" \" ", f);
		roff_text(f, o->arg);
		fputc('"', f);
	}
	fputc('\n', f);
	if (o->man) {
		fprintf(f, "%s\n", o->man);
	} else {
		if (*o->help == '.' || *o->help == '\'')
			fputs("\\&", f);
		roff_text(f, o->help);
		fputs(".\n", f);
	}
	if (o->env) {
		fputs("Environment:\n.BR \"", f);
		roff_text(f, o->env);
		fputs(o->type == CLI_FLAG ? "=1" : "", f);
		fputs(o->def ? "\" ;\ndefault\n" : "\" .\n", f);
	} else if (o->def) {
		fputs("Default:\n", f);
	}
	if (o->def) {
		/* A long list may break after its commas and semicolons (\:). */
		fputs(".BR \"", f);
		for (const char *p = o->def; *p; p++) {
			char one[2] = { *p, 0 };
			roff_text(f, one);
			if (*p == ',' || *p == ';')
				fputs("\\:", f);
		}
		fputs("\" .\n", f);
	}
}

static void roff_entries(FILE *f, const cli_opt *opts)
{
	for (const cli_opt *o = opts; !cli_opt_end(o); o++)
		roff_entry(f, o);
}

void cli_table_roff(FILE *f, const cli_spec *s)
{
	roff_entries(f, s->opts);
	if (s->input)
		roff_entries(f, input_opts);
	roff_entries(f, common_opts);
}
