#include "log.h"
#include "buf.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static const char *log_tool = "vtex-pipes";
static const char *log_run_id;
static enum log_level log_min = LOG_LVL_INFO;
static enum log_format log_fmt = LOG_FMT_LOGFMT;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

bool log_set_level(const char *name)
{
	for (size_t i = 0; i < sizeof level_names / sizeof *level_names; i++) {
		if (strcasecmp(name, level_names[i]) == 0) {
			log_min = (enum log_level)i;
			return true;
		}
	}
	if (strcasecmp(name, "warning") == 0) {
		log_min = LOG_LVL_WARN;
		return true;
	}
	return false;
}

bool log_set_format(const char *name)
{
	if (strcmp(name, "logfmt") == 0)
		log_fmt = LOG_FMT_LOGFMT;
	else if (strcmp(name, "json") == 0)
		log_fmt = LOG_FMT_JSON;
	else
		return false;
	return true;
}

void log_init(const char *tool)
{
	const char *v;

	log_tool = tool;
	if ((v = getenv("VTEX_PIPES_LOG_LEVEL")) && *v && !log_set_level(v))
		fprintf(stderr, "%s: ignoring unknown VTEX_PIPES_LOG_LEVEL\n", tool);
	if ((v = getenv("VTEX_PIPES_LOG_FORMAT")) && *v && !log_set_format(v))
		fprintf(stderr, "%s: ignoring unknown VTEX_PIPES_LOG_FORMAT\n", tool);
	if ((v = getenv("VTEX_PIPES_RUN_ID")) && *v)
		log_run_id = v;
}

bool log_enabled(enum log_level level)
{
	return level >= log_min;
}

/* logfmt values are quoted when they hold a space, '=', '"', a backslash, a
 * control character or nothing: a value from outside (a path, a reason
 * quoting a peer) holding '\r' or an ANSI escape could otherwise forge a log
 * line or rewrite a terminal; quoted, every control character is escaped. */
static void logfmt_value(buf *b, const char *s)
{
	bool quote = *s == '\0';
	for (const unsigned char *p = (const unsigned char *)s; *p && !quote; p++)
		quote = *p <= ' ' || *p == '=' || *p == '"' || *p == '\\' || *p == 0x7f;
	if (!quote) {
		buf_puts(b, s);
		return;
	}
	buf_json_string(b, s, strlen(s));
}

/* Appends one key and its value (str when given, else kv's typed value). */
static void put_field(buf *b, const char *key, const log_kv *kv, const char *str)
{
	char num[64];
	bool first = b->len <= 1;

	if (!first)
		buf_putc(b, log_fmt == LOG_FMT_JSON ? ',' : ' ');
	if (log_fmt == LOG_FMT_JSON) {
		buf_json_string(b, key, strlen(key));
		buf_putc(b, ':');
	} else {
		buf_puts(b, key);
		buf_putc(b, '=');
	}
	if (str) {
		if (log_fmt == LOG_FMT_JSON)
			buf_json_string(b, str, strlen(str));
		else
			logfmt_value(b, str);
		return;
	}
	switch (kv->type) {
	case LOG_KV_INT:
		snprintf(num, sizeof num, "%lld", kv->v.i);
		buf_puts(b, num);
		break;
	case LOG_KV_DBL:
		snprintf(num, sizeof num, "%.6g", kv->v.d);
		buf_puts(b, num);
		break;
	default:
		if (log_fmt == LOG_FMT_JSON)
			buf_json_string(b, kv->v.s ? kv->v.s : "", kv->v.s ? strlen(kv->v.s) : 0);
		else
			logfmt_value(b, kv->v.s ? kv->v.s : "");
	}
}

void log_emit(enum log_level level, const char *msg, ...)
{
	char ts[96];
	struct timespec now;
	struct tm tm;
	buf b = { 0 };
	va_list ap;

	if (level < log_min)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(now.tv_nsec / 1000000));

	/* JSON lines open with '{' so the first field sees len 1, logfmt with len 0. */
	if (log_fmt == LOG_FMT_JSON)
		buf_putc(&b, '{');
	put_field(&b, "ts", NULL, ts);
	put_field(&b, "level", NULL, level_names[level]);
	put_field(&b, "tool", NULL, log_tool);
	if (log_run_id)
		put_field(&b, "run_id", NULL, log_run_id);
	put_field(&b, "msg", NULL, msg);
	va_start(ap, msg);
	for (;;) {
		log_kv kv = va_arg(ap, log_kv);
		if (kv.type == LOG_KV_END)
			break;
		put_field(&b, kv.key, &kv, NULL);
	}
	va_end(ap);
	if (log_fmt == LOG_FMT_JSON)
		buf_putc(&b, '}');
	buf_putc(&b, '\n');

	pthread_mutex_lock(&log_lock);
	fwrite(b.data, 1, b.len, stderr);
	fflush(stderr);
	pthread_mutex_unlock(&log_lock);
	buf_free(&b);
}
