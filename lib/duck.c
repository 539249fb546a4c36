/* Built only where DuckDB's header is installed (scripts/bootstrap 30-duckdb). */
#if __has_include(<duckdb.h>)
#include "duck.h"
#include "exitcode.h"
#include "log.h"
#include "progress.h"
#include "secret.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* The warehouse's encryption key (DuckDB's database encryption, AES-GCM):
 * $VP_DUCKDB_KEY or the file $VP_DUCKDB_KEY_FILE; NULL when neither is set. */
static char *warehouse_key(int *rc)
{
	const char *err = NULL;
	char *key = secret_read(DUCK_KEY_ENV, &err);
	*rc = VP_EXIT_OK;
	if (!key && err) {
		log_error("cannot read the warehouse key", LS("variable", DUCK_KEY_ENV "_FILE"), LS("error", err));
		*rc = VP_EXIT_CONFIG;
	}
	return key;
}

/* One try: the file opened directly, or (with a key) an in-memory database
 * that attaches it encrypted and makes it the default catalog, so every
 * statement reads as it would on the file itself. On failure *msg is set
 * (free it); it never holds the key. */
static bool try_open(const char *path, bool read_only, const char *key, duckdb_config cfg, duckdb_database *db,
		     duckdb_connection *con, char **msg)
{
	char *m = NULL;
	*msg = NULL;
	if (duckdb_open_ext(key ? NULL : path, db, key ? NULL : cfg, &m) != DuckDBSuccess) {
		*msg = xstrdup(m ? m : "unknown DuckDB error");
		duckdb_free(m);
		return false;
	}
	if (duckdb_connect(*db, con) != DuckDBSuccess) {
		duckdb_close(db);
		*msg = xstrdup("cannot connect");
		return false;
	}
	if (!key)
		return true;
	buf sql = { 0 };
	/* Writing encrypted files needs OpenSSL's generator, which httpfs brings
	 * (scripts/bootstrap.d/55-duckdb-httpfs.sh installs it). */
	buf_puts(&sql, "LOAD httpfs; ATTACH ");
	duck_sql_str(&sql, path);
	buf_puts(&sql, " AS " DUCK_CATALOG " (ENCRYPTION_KEY ");
	duck_sql_str(&sql, key);
	buf_puts(&sql, read_only ? ", READ_ONLY); USE " DUCK_CATALOG : "); USE " DUCK_CATALOG);
	duckdb_result res;
	bool ok = duckdb_query(*con, buf_cstr(&sql), &res) == DuckDBSuccess;
	if (!ok) {
		const char *e = duckdb_result_error(&res);
		*msg = xstrdup(!e ? "unknown DuckDB error" : strstr(e, key) ? "DuckDB refused the ATTACH" : e);
	}
	duckdb_destroy_result(&res);
	memset(sql.data, 0, sql.cap);
	buf_free(&sql);
	if (!ok) {
		duckdb_disconnect(con);
		duckdb_close(db);
	}
	return ok;
}

int duck_open(const char *path, bool read_only, double lock_timeout, duckdb_database *db, duckdb_connection *con)
{
	double deadline = progress_now() + lock_timeout, wait = 0.05;
	duckdb_config cfg = NULL;
	int rc;
	char *key = warehouse_key(&rc);
	if (rc != VP_EXIT_OK)
		return rc;
	if (read_only && (duckdb_create_config(&cfg) != DuckDBSuccess ||
			  duckdb_set_config(cfg, "access_mode", "READ_ONLY") != DuckDBSuccess)) {
		duckdb_destroy_config(&cfg);
		secret_free(key);
		log_error("cannot configure DuckDB", LS("path", path));
		return VP_EXIT_SOFTWARE;
	}
	for (;;) {
		char *msg = NULL;
		if (try_open(path, read_only, key, cfg, db, con, &msg)) {
			rc = VP_EXIT_OK;
			break;
		}
		bool locked = strstr(msg, "lock") != NULL;
		if (!locked || progress_now() + wait > deadline) {
			log_error(locked ? "the DuckDB file stays locked by another process"
					 : "cannot open the DuckDB database",
				  LS("path", path), LS("encrypted", key ? "yes" : "no"), LS("error", msg));
			free(msg);
			rc = locked ? VP_EXIT_TEMPFAIL : VP_EXIT_CONFIG;
			break;
		}
		free(msg);
		struct timespec ts = { (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9) };
		nanosleep(&ts, NULL);
		wait = wait * 2 > 2 ? 2 : wait * 2;
	}
	if (cfg)
		duckdb_destroy_config(&cfg);
	secret_free(key);
	return rc;
}

#else
typedef int vp_duck_unavailable;
#endif
