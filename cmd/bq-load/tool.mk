# bq-load links DuckDB's official shared library, the version pinned in
# scripts/versions.env, installed by scripts/bootstrap (30-duckdb) under the cache.
include scripts/versions.env
VP_CACHE ?= $(HOME)/.cache/vtex-pipes
DUCKDB_DIR ?= $(VP_CACHE)/duckdb-$(DUCKDB_VERSION)
CFLAGS_bq-load := -isystem $(DUCKDB_DIR)/include
LDLIBS_bq-load := -L$(DUCKDB_DIR)/lib -lduckdb -Wl,-rpath,$(DUCKDB_DIR)/lib
ifeq ($(wildcard $(DUCKDB_DIR)/include/duckdb.h),)
$(warning bq-load needs DuckDB $(DUCKDB_VERSION) in $(DUCKDB_DIR): run scripts/bootstrap 30-duckdb)
endif
