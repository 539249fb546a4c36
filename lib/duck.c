/* Built only where DuckDB's header is installed (scripts/bootstrap 30-duckdb). */
#if __has_include(<duckdb.h>)
#include "duck.h"
#include "exitcode.h"
#include "log.h"
#include "progress.h"

#include <string.h>
#include <time.h>

int duck_open(const char *path, bool read_only, double lock_timeout, duckdb_database *db, duckdb_connection *con)
{
	double deadline = progress_now() + lock_timeout, wait = 0.05;
	duckdb_config cfg = NULL;
	if (read_only && (duckdb_create_config(&cfg) != DuckDBSuccess ||
			  duckdb_set_config(cfg, "access_mode", "READ_ONLY") != DuckDBSuccess)) {
		duckdb_destroy_config(&cfg);
		log_error("cannot configure DuckDB", LS("path", path));
		return VP_EXIT_SOFTWARE;
	}
	for (;;) {
		char *msg = NULL;
		if (duckdb_open_ext(path, db, cfg, &msg) == DuckDBSuccess) {
			if (cfg)
				duckdb_destroy_config(&cfg);
			if (duckdb_connect(*db, con) == DuckDBSuccess)
				return VP_EXIT_OK;
			duckdb_close(db);
			log_error("cannot connect to the DuckDB database", LS("path", path));
			return VP_EXIT_SOFTWARE;
		}
		bool locked = msg && strstr(msg, "lock");
		if (!locked || progress_now() + wait > deadline) {
			log_error(locked ? "the DuckDB file stays locked by another process"
					 : "cannot open the DuckDB database",
				  LS("path", path), LS("error", msg ? msg : "unknown"));
			duckdb_free(msg);
			if (cfg)
				duckdb_destroy_config(&cfg);
			return locked ? VP_EXIT_TEMPFAIL : VP_EXIT_CONFIG;
		}
		duckdb_free(msg);
		struct timespec ts = { (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9) };
		nanosleep(&ts, NULL);
		wait = wait * 2 > 2 ? 2 : wait * 2;
	}
}

static void quoted(buf *b, const char *s, char q)
{
	buf_putc(b, q);
	for (; *s; s++) {
		if (*s == q)
			buf_putc(b, q);
		buf_putc(b, *s);
	}
	buf_putc(b, q);
}

void duck_sql_ident(buf *b, const char *name) { quoted(b, name, '"'); }
void duck_sql_str(buf *b, const char *s) { quoted(b, s, '\''); }
#else
typedef int vp_duck_unavailable;
#endif
