/* One declaration per option: a tool describes each of its options once, in a
 * table, and getopt_long's table, the environment fallbacks, the defaults,
 * the bounds checks (usage errors, exit 64), the option lines of --help and
 * the OPTIONS section of its man page all come from it (make man). */
#ifndef VP_CLI_TABLE_H
#define VP_CLI_TABLE_H

#include "cli.h"

#include <stdio.h>

typedef enum {
	CLI_STRING,   /* const char *: the argument as given */
	CLI_PATH,     /* const char *: a file or directory name */
	CLI_FLAG,     /* bool: takes no argument; its variable is 1, true, yes, 0, false or no */
	CLI_COUNT,    /* long long: a whole number within [min, max] */
	CLI_BYTES,    /* size_t: a size such as 512, 64K, 256M, 2G, at least min */
	CLI_NUMBER,   /* double: a number within [min, max] */
	CLI_DURATION, /* double: seconds (or with s, m, h) within [min, max] seconds */
	CLI_ENUM,     /* int: the index of the argument in choices */
	CLI_CUSTOM,   /* parse(dest, from, value): the variable's value first, then each argument in turn
	               * (without arg: takes none, and value is NULL), in order with the other CLI_CUSTOMs */
	CLI_COMMON,   /* the suite's common options (cli.h): documented here, handled there */
} cli_type;

typedef struct cli_opt cli_opt;
struct cli_opt {
	const char *name;  /* long name, without the dashes; NULL for a short option only */
	char short_name;   /* 0 when none; a table ends at an entry with neither name */
	cli_type type;
	void *dest;        /* where the value goes, of the type's C type */
	const char *arg;   /* the argument's name in the help (FILE, SIZE, ...) */
	const char *env;   /* read when the option is not given */
	const char *def;   /* the default, written as the argument would be (not for CLI_CUSTOM) */
	double min, max;   /* CLI_COUNT, CLI_NUMBER, CLI_DURATION: bounds; CLI_BYTES: min (max 0: none) */
	const char *const *choices; /* CLI_ENUM: the names, NULL-terminated */
	/* CLI_CUSTOM: takes one value (NULL without arg); from names it for errors (--option or VARIABLE). */
	void (*parse)(void *dest, const char *from, const char *value);
	const char **given;  /* set to name when the (long) option is on the command line */
	const char *heading; /* starts a group of options: "HEADING:" in --help, .SS in the man page */
	const char *help;  /* one line for --help and, without man, the man page */
	const char *man;   /* roff for the man page, when it says more than help */
};

typedef struct {
	const char *synopsis; /* --help before the options: usage line and paragraphs */
	const char *epilogue; /* --help after the options: exit status, see also */
	const cli_opt *opts;  /* the tool's options, ended by { 0 } */
	bool input;           /* reads NDJSON: takes --max-line too */
	bool options_first;   /* options end at the first operand (getopt's "+") */
} cli_spec;

/* Whether o is the entry that ends a table. */
static inline bool cli_opt_end(const cli_opt *o)
{
	return !o->name && !o->short_name;
}

/* Sets every option of the table from argv, else from its environment
 * variable, else from its default (a destination is left as it is when none
 * applies), and handles the common options (cli_common_option). A value that
 * does not parse or is out of bounds is a usage error naming where it came
 * from (--option or VARIABLE). A CLI_CUSTOM option takes its variable's value
 * (when set) and then each argument, in turn. --help prints the help (with
 * VTEX_PIPES_HELP_FORMAT=roff: the man page's OPTIONS, see make man) and
 * exits. Returns the index of the first operand. */
int cli_table_parse(cli_common *c, const cli_spec *s, int argc, char **argv);

/* The whole --help text. */
void cli_table_help(FILE *f, const cli_spec *s);
/* The man page's option entries (.TP paragraphs), common options included. */
void cli_table_roff(FILE *f, const cli_spec *s);

#endif
