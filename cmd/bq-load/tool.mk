# bq-load links DuckDB's official shared library (see lib/lib.mk).
CFLAGS_bq-load := $(DUCKDB_CFLAGS)
LDLIBS_bq-load := $(DUCKDB_LDLIBS)
