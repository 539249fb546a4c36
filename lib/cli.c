#include "cli.h"
#include "exitcode.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "ndjson_reader.h"
#include "ndjson_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <time.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *cli_env(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return v && *v ? v : fallback;
}

/* VTEX_PIPES_METRICS_INTERVAL: a thread rewrites the metrics file every so
 * many seconds while the tool runs (stages of a long-running pipeline, read
 * by a textfile collector), until cli_finish writes the last one. */
static pthread_mutex_t flush_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t flush_cond = PTHREAD_COND_INITIALIZER;
static pthread_t flush_thread;
static bool flush_running, flush_stop;
static double flush_interval;

static void *flush_loop(void *arg)
{
	cli_common *c = arg;
	struct timespec t;
	pthread_mutex_lock(&flush_lock);
	clock_gettime(CLOCK_REALTIME, &t);
	while (!flush_stop) {
		double next = (double)t.tv_sec + (double)t.tv_nsec / 1e9 + flush_interval;
		t.tv_sec = (time_t)next;
		t.tv_nsec = (long)((next - (double)t.tv_sec) * 1e9);
		if (pthread_cond_timedwait(&flush_cond, &flush_lock, &t) != ETIMEDOUT)
			continue; /* woken to stop (or spuriously: the loop checks) */
		if (c->metrics_file && !metrics_write_file(c->metrics_file))
			log_warn("cannot write the metrics file", LS("path", c->metrics_file),
				 LS("error", strerror(errno)));
	}
	pthread_mutex_unlock(&flush_lock);
	return NULL;
}

static void flush_start(cli_common *c)
{
	const char *v = cli_env("VTEX_PIPES_METRICS_INTERVAL", NULL);
	if (!v)
		return;
	char *end;
	double s = strtod(v, &end);
	if (end == v || *end || !isfinite(s) || s < 0.1 || s > 86400) {
		log_warn("VTEX_PIPES_METRICS_INTERVAL is not a number of seconds (0.1 to 86400); ignored",
			 LS("value", v));
		return;
	}
	flush_interval = s;
	flush_stop = false;
	flush_running = pthread_create(&flush_thread, NULL, flush_loop, c) == 0;
}

static void flush_end(void)
{
	if (!flush_running)
		return;
	pthread_mutex_lock(&flush_lock);
	flush_stop = true;
	pthread_cond_signal(&flush_cond);
	pthread_mutex_unlock(&flush_lock);
	pthread_join(flush_thread, NULL);
	flush_running = false;
}

/* Sets the maximum input line length from a size (opt names it in errors). */
static void cli_set_max_line(const cli_common *c, const char *opt, const char *arg)
{
	size_t n = cli_parse_bytes(c, opt, arg);
	if (n < 1024)
		cli_usage_error(c, "%s: '%s' is below 1K", opt, arg);
	ndjson_reader_set_max_line(n);
}

void cli_init(cli_common *c, const char *tool)
{
	c->tool = tool;
	c->metrics_file = cli_env("VTEX_PIPES_METRICS_FILE", NULL);
	log_init(tool);
	metrics_const_label("tool", tool);
	metrics_const_label("stage", cli_env("VTEX_PIPES_STAGE", tool));
	const char *flow = cli_env("VTEX_PIPES_FLOW", NULL);
	if (flow)
		metrics_const_label("flow", flow);
	flush_start(c);
	vp_ignore_sigpipe();
	const char *max_line = cli_env("VTEX_PIPES_MAX_LINE", NULL);
	if (max_line)
		cli_set_max_line(c, "VTEX_PIPES_MAX_LINE", max_line);
	const char *max_response = cli_env("VTEX_PIPES_MAX_RESPONSE", NULL);
	if (max_response)
		http_set_max_body(cli_parse_bytes(c, "VTEX_PIPES_MAX_RESPONSE", max_response));
}

noreturn void cli_usage_error(const cli_common *c, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", c->tool);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", c->tool);
	exit(VP_EXIT_USAGE);
}

bool cli_common_option(cli_common *c, int opt, const char *arg)
{
	switch (opt) {
	case 'V':
		printf("%s %s\n", c->tool, VP_VERSION);
		exit(VP_EXIT_OK);
	case CLI_OPT_LOG_LEVEL:
		if (!log_set_level(arg))
			cli_usage_error(c, "--log-level: '%s' is not one of debug, info, warn, error", arg);
		return true;
	case CLI_OPT_LOG_FORMAT:
		if (!log_set_format(arg))
			cli_usage_error(c, "--log-format: '%s' is not logfmt or json", arg);
		return true;
	case CLI_OPT_MAX_LINE:
		cli_set_max_line(c, "--max-line", arg);
		return true;
	case CLI_OPT_METRICS_FILE:
		pthread_mutex_lock(&flush_lock);
		c->metrics_file = arg;
		pthread_mutex_unlock(&flush_lock);
		return true;
	case '?':
		/* getopt has printed what was wrong. */
		fprintf(stderr, "Try '%s --help' for more information.\n", c->tool);
		exit(VP_EXIT_USAGE);
	default:
		return false;
	}
}

void cli_finish(const cli_common *c)
{
	flush_end();
	if (c->metrics_file && !metrics_write_file(c->metrics_file))
		log_error("cannot write the metrics file", LS("path", c->metrics_file),
			  LS("error", strerror(errno)));
}

long long cli_parse_ll(const cli_common *c, const char *opt, const char *s, long long min, long long max)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		cli_usage_error(c, "%s: '%s' is not a whole number", opt, s);
	if (v < min || v > max)
		cli_usage_error(c, "%s: %lld is out of range (%lld to %lld)", opt, v, min, max);
	return v;
}

double cli_parse_double(const cli_common *c, const char *opt, const char *s, double min, double max)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v))
		cli_usage_error(c, "%s: '%s' is not a number", opt, s);
	if (v < min || v > max)
		cli_usage_error(c, "%s: %g is out of range (%g to %g)", opt, v, min, max);
	return v;
}

double cli_parse_duration(const cli_common *c, const char *opt, const char *s, double min, double max)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	double unit = 1;
	if (!errno && end != s && isfinite(v)) {
		switch (*end) {
		case 's': end++; break;
		case 'm': unit = 60; end++; break;
		case 'h': unit = 3600; end++; break;
		}
	}
	if (errno || end == s || *end || !isfinite(v))
		cli_usage_error(c, "%s: '%s' is not a duration (seconds, or such as 90s, 5m, 1h)", opt, s);
	v *= unit;
	if (v < min || v > max)
		cli_usage_error(c, "%s: '%s' is out of range (%g to %g seconds)", opt, s, min, max);
	return v;
}

size_t cli_parse_bytes(const cli_common *c, const char *opt, const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned long long mult = 1;
	if (errno || end == s || *s == '-')
		cli_usage_error(c, "%s: '%s' is not a size (such as 512, 64K, 256M, 2G)", opt, s);
	switch (*end) {
	case 'k': case 'K': mult = 1ULL << 10; end++; break;
	case 'm': case 'M': mult = 1ULL << 20; end++; break;
	case 'g': case 'G': mult = 1ULL << 30; end++; break;
	case '\0': break;
	default:
		cli_usage_error(c, "%s: '%s' is not a size (such as 512, 64K, 256M, 2G)", opt, s);
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || (v && mult > ~0ULL / v))
		cli_usage_error(c, "%s: '%s' is not a size (such as 512, 64K, 256M, 2G)", opt, s);
	return (size_t)(v * mult);
}

bool cli_each_input(char *const *names, int count, bool (*read)(void *ctx, int fd, const char *name), void *ctx)
{
	if (count == 0)
		return read(ctx, STDIN_FILENO, "-");
	for (int i = 0; i < count; i++) {
		bool is_stdin = strcmp(names[i], "-") == 0;
		int fd = is_stdin ? STDIN_FILENO : open(names[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			log_error("cannot open input", LS("input", names[i]), LS("error", strerror(errno)));
			return false;
		}
		bool ok = read(ctx, fd, names[i]);
		if (!is_stdin)
			close(fd);
		if (!ok)
			return false;
	}
	return true;
}
