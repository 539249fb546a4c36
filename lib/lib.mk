# DuckDB's official shared library, the version pinned in scripts/versions.env,
# installed by scripts/bootstrap (30-duckdb) under the cache. lib/duck.c needs
# its header; the tools using the warehouse file (bq-load, bq-export) link it
# with $(DUCKDB_LDLIBS).
include scripts/versions.env
VP_CACHE ?= $(HOME)/.cache/vtex-pipes
DUCKDB_DIR ?= $(VP_CACHE)/duckdb-$(DUCKDB_VERSION)
DUCKDB_CFLAGS := -isystem $(DUCKDB_DIR)/include
DUCKDB_LDLIBS := -L$(DUCKDB_DIR)/lib -lduckdb -Wl,-rpath,$(DUCKDB_DIR)/lib
CFLAGS_lib := $(DUCKDB_CFLAGS)
ifeq ($(wildcard $(DUCKDB_DIR)/include/duckdb.h),)
$(warning bq-load and bq-export need DuckDB $(DUCKDB_VERSION) in $(DUCKDB_DIR): run scripts/bootstrap 30-duckdb)
endif
