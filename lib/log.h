/* Structured logging to stderr: one line per event, logfmt (default) or JSON.
 *
 *   log_info("fetched", LI("records", n), LS("entity", "orders"));
 *
 * Every line carries ts, level, tool, msg and, when VTEX_PIPES_RUN_ID is set,
 * run_id, so the lines of one flow run can be tied together. Never pass a
 * secret or a whole customer record as a value. */
#ifndef VP_LOG_H
#define VP_LOG_H

#include <stdbool.h>

enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERROR };
enum log_format { LOG_FMT_LOGFMT, LOG_FMT_JSON };

enum log_kv_type { LOG_KV_END, LOG_KV_STR, LOG_KV_INT, LOG_KV_DBL };
typedef struct {
	const char *key;
	enum log_kv_type type;
	union { const char *s; long long i; double d; } v;
} log_kv;

#define LS(k, val) ((log_kv){ .key = (k), .type = LOG_KV_STR, .v.s = (val) })
#define LI(k, val) ((log_kv){ .key = (k), .type = LOG_KV_INT, .v.i = (long long)(val) })
#define LD(k, val) ((log_kv){ .key = (k), .type = LOG_KV_DBL, .v.d = (double)(val) })
#define LOG_KV_LAST ((log_kv){ .key = 0, .type = LOG_KV_END })

/* Sets the tool name; reads VTEX_PIPES_LOG_LEVEL, VTEX_PIPES_LOG_FORMAT and
 * VTEX_PIPES_RUN_ID from the environment. */
void log_init(const char *tool);
/* Returns false when the name is not a level / format. */
bool log_set_level(const char *name);
bool log_set_format(const char *name);
bool log_enabled(enum log_level level);

/* Variadic list of log_kv ended by LOG_KV_LAST; use the macros below. */
void log_emit(enum log_level level, const char *msg, ...);

#define log_debug(...) log_emit(LOG_LVL_DEBUG, __VA_ARGS__, LOG_KV_LAST)
#define log_info(...)  log_emit(LOG_LVL_INFO, __VA_ARGS__, LOG_KV_LAST)
#define log_warn(...)  log_emit(LOG_LVL_WARN, __VA_ARGS__, LOG_KV_LAST)
#define log_error(...) log_emit(LOG_LVL_ERROR, __VA_ARGS__, LOG_KV_LAST)

#endif
