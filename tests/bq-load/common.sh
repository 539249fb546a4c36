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
# bq_start_emulator DATASET: goccy/bigquery-emulator (project test, that
# dataset) on free ports, stopped at exit; sets EP to its base URL. Skips the
# test (77) when it is not installed.
bq_start_emulator() {
	local emu=${VP_CACHE:-$HOME/.cache/vtex-pipes}/go/bin/bigquery-emulator port grpc pid
	if [ ! -x "$emu" ]; then
		echo "bigquery-emulator is not installed: run scripts/bootstrap 40-bigquery-emulator"
		exit 77
	fi
	port=$(free_port) grpc=$(free_port)
	"$emu" --project=test --dataset="$1" --host=127.0.0.1 --port="$port" --grpc-port="$grpc" >"$T_TMP/emu.log" 2>&1 &
	pid=$!
	t_on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
	EP=http://127.0.0.1:$port
	for _ in $(seq 100); do
		curl -sf "$EP/bigquery/v2/projects/test/datasets" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	t_fail "emulator starts" "$(tail -5 "$T_TMP/emu.log")"
	t_done
}
