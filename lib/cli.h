/* Command-line conventions shared by every tool: getopt_long with the common
 * flags, environment fallbacks, number parsing with clear usage errors. */
#ifndef VP_CLI_H
#define VP_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>

/* getopt codes of the common flags; an option table's own (cli_table.h) are
 * numbered from CLI_OPT_TOOL. */
enum {
	CLI_OPT_LOG_LEVEL = 0x1000,
	CLI_OPT_LOG_FORMAT,
	CLI_OPT_METRICS_FILE,
	CLI_OPT_MAX_LINE,
	CLI_OPT_TOOL = 0x1100,
};

/* The common flags' getopt entries, which cli_table_parse adds to a table's. */
#define CLI_COMMON_LONGOPTS                                                   \
	{ "help", no_argument, 0, 'h' }, { "version", no_argument, 0, 'V' }, \
	{ "log-level", required_argument, 0, CLI_OPT_LOG_LEVEL },              \
	{ "log-format", required_argument, 0, CLI_OPT_LOG_FORMAT },            \
	{ "metrics-file", required_argument, 0, CLI_OPT_METRICS_FILE }

/* For the tools that read NDJSON: the longest line taken (ndjson_reader.h);
 * the environment's VTEX_PIPES_MAX_LINE is read by cli_init. */
#define CLI_INPUT_LONGOPTS { "max-line", required_argument, 0, CLI_OPT_MAX_LINE }

typedef struct {
	const char *tool;
	const char *metrics_file;  /* from --metrics-file or VTEX_PIPES_METRICS_FILE */
} cli_common;

/* Logging set-up from the environment, SIGPIPE ignored (see ndjson_writer.h).
 * Every metric series gets the labels tool (the tool's name), stage
 * ($VTEX_PIPES_STAGE, default the tool's name: a flow names each stage, e.g.
 * two dedups in one pipeline) and, when $VTEX_PIPES_FLOW is set, flow. */
void cli_init(cli_common *c, const char *tool);
/* Handles -V and the common long options (--help is the option table's:
 * cli_table.h); returns false for any other code. '?' (getopt's error) ends
 * the process with VP_EXIT_USAGE. */
bool cli_common_option(cli_common *c, int opt, const char *arg);
/* Prints "tool: message" and a hint to stderr and exits VP_EXIT_USAGE (64). */
noreturn void cli_usage_error(const cli_common *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Writes the metrics file when one was asked for; logs when it cannot. With
 * VTEX_PIPES_METRICS_INTERVAL=SECONDS set, cli_init starts a thread that
 * also rewrites it that often while the tool runs; cli_finish stops it. */
void cli_finish(const cli_common *c);

/* Reads each input in turn with read(ctx, fd, name): the files named (a "-"
 * is standard input), or standard input when there are none. Stops at the
 * first that cannot be opened (logged) or whose read returns false; returns
 * whether every input was read. */
bool cli_each_input(char *const *names, int count, bool (*read)(void *ctx, int fd, const char *name), void *ctx);

/* getenv() that treats an empty value as unset, with a default. */
const char *cli_env(const char *name, const char *fallback);
/* Integer within [min, max], or a usage error naming the option. */
long long cli_parse_ll(const cli_common *c, const char *opt, const char *s, long long min, long long max);
double cli_parse_double(const cli_common *c, const char *opt, const char *s, double min, double max);
/* Seconds, or a number with s, m or h, within [min, max] seconds. */
double cli_parse_duration(const cli_common *c, const char *opt, const char *s, double min, double max);
/* A size such as 512, 64K, 256M, 2G (powers of 1024). */
size_t cli_parse_bytes(const cli_common *c, const char *opt, const char *s);

#endif
