# Shared by the bq-load tests (sourced after tests/lib.sh): the DuckDB query
# helper, built against the pinned library bq-load links.
. "$VP_ROOT/scripts/versions.env"
DUCKDB_DIR=${DUCKDB_DIR:-${VP_CACHE:-$HOME/.cache/vtex-pipes}/duckdb-$DUCKDB_VERSION}
bq_build_query_helper() {
	[ -f "$DUCKDB_DIR/include/duckdb.h" ] || { echo "DuckDB $DUCKDB_VERSION not installed (scripts/bootstrap 30-duckdb)"; exit 1; }
	cc -O1 -I"$DUCKDB_DIR/include" -o "$T_TMP/duckdb_query" "$VP_ROOT/tests/bq-load/duckdb_query.c" \
		-L"$DUCKDB_DIR/lib" -lduckdb -Wl,-rpath,"$DUCKDB_DIR/lib" || exit 1
}
# q DB SQL: one query's rows.
q() { "$T_TMP/duckdb_query" "$@"; }
# A free TCP port on 127.0.0.1.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
