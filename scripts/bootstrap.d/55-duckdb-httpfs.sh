# DuckDB's httpfs extension in DuckDB's extension directory (~/.duckdb), where
# both libduckdb (bq-load, bq-export) and dbt's Python duckdb find it with
# `LOAD httpfs`. An encrypted warehouse (VP_DUCKDB_KEY) needs it: DuckDB writes
# encrypted files only with OpenSSL's random generator, which httpfs brings.
# The extension comes from the dbt venv's wheel (duckdb-extension-httpfs, the
# same version as duckdb); DuckDB checks its signature when it loads it.
set -euo pipefail
: "${VP_ROOT:?run through scripts/bootstrap}" "${VP_CACHE:?run through scripts/bootstrap}"
py=$VP_CACHE/venv-dbt/bin/python
"$py" - <<'PY'
import os
import duckdb
import duckdb_extension_httpfs

con = duckdb.connect()
loaded = con.execute("select installed from duckdb_extensions() where extension_name = 'httpfs'").fetchone()
if not (loaded and loaded[0]):
    src = os.path.join(os.path.dirname(duckdb_extension_httpfs.__file__), "extensions",
                       "v" + duckdb.__version__, "httpfs.duckdb_extension")
    con.execute("INSTALL '%s'" % src.replace("'", "''"))
    print("bootstrap: DuckDB httpfs extension installed")
con.execute("LOAD httpfs")
PY
