/* DuckDB helpers for the tools that use the warehouse file (bq-load,
 * bq-export): opening it while another process may hold its lock, and SQL
 * quoting. Needs DuckDB's header (lib/lib.mk); a tool using this links
 * $(DUCKDB_LDLIBS). */
#ifndef VP_DUCK_H
#define VP_DUCK_H

#include "buf.h"

#include <duckdb.h>
#include <stdbool.h>

/* The warehouse file is encrypted (DuckDB's database encryption) when a key
 * is set: $VP_DUCKDB_KEY, or the file named by $VP_DUCKDB_KEY_FILE (never a
 * flag). It is then attached under this name and made the default catalog. */
#define DUCK_KEY_ENV "VP_DUCKDB_KEY"
#define DUCK_CATALOG "vp_warehouse"

/* Opens path (read_only: ACCESS_MODE READ_ONLY) and connects, waiting up to
 * lock_timeout seconds while another process holds the file's lock. Returns
 * VP_EXIT_OK, VP_EXIT_TEMPFAIL (still locked), VP_EXIT_CONFIG (cannot open)
 * or VP_EXIT_SOFTWARE; logs the reason. */
int duck_open(const char *path, bool read_only, double lock_timeout, duckdb_database *db, duckdb_connection *con);
/* Appends name as a quoted SQL identifier ("a""b"). */
void duck_sql_ident(buf *b, const char *name);
/* Appends s as a quoted SQL string literal ('it''s'). */
void duck_sql_str(buf *b, const char *s);

#endif
