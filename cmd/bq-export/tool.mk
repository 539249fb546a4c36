# bq-export links DuckDB's official shared library (see lib/lib.mk).
CFLAGS_bq-export := $(DUCKDB_CFLAGS)
LDLIBS_bq-export := $(DUCKDB_LDLIBS)
