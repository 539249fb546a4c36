#!/usr/bin/env bash
# bq-load into DuckDB against DuckDB itself loading the same NDJSON with
# read_json (the floor), on 1 GiB of normalized order rows (bench/gen-orders
# | ndjson-normalize --entity order). DuckDB's own load gets the rows already
# split by table (one file per table, split outside the timing, which favours
# it): CREATE TABLE t AS SELECT * FROM read_json(file). bq-load reads the one
# mixed stream, routes, types, stages and loads each batch in a
# transaction (256 MiB, the default). Both write a fresh database file on the same disk.
# For BigQuery it counts what goes over the wire per mode against the
# emulator (a smaller slice: the emulator is slow to ingest): request bytes
# per row and API calls per 100,000 rows.
# Usage: bench/run bqload   (BENCH_BQLOAD_SIZE=1G, BENCH_BQLOAD_BQ_ROWS=20000)
. "$(dirname "$0")/lib.sh"
. "$VP_ROOT/scripts/versions.env"
SIZE=${BENCH_BQLOAD_SIZE:-1G}
BQ_ROWS=${BENCH_BQLOAD_BQ_ROWS:-20000}
OUT=$VP_ROOT/bench/results/bqload.md
DUCKDB_DIR=${VP_CACHE:-$HOME/.cache/vtex-pipes}/duckdb-$DUCKDB_VERSION
EMU=${VP_CACHE:-$HOME/.cache/vtex-pipes}/go/bin/bigquery-emulator
WORK=$BENCH_DATA/bqload
mkdir -p "$WORK"

ROWS_FILE=$BENCH_DATA/normalized-orders-$SIZE.ndjson
if [ ! -s "$ROWS_FILE" ]; then
	echo "generating $ROWS_FILE"
	want=$(numfmt --from=iec "$SIZE")
	# About 1.8 normalized bytes per raw byte; a little more, then cut at SIZE.
	# (head ends the generator early: its broken pipe is expected.)
	(set +o pipefail; "$VP_ROOT/bench/gen-orders" --size "$((want * 6 / 10))" --seed 7 2>/dev/null |
		ndjson-normalize --entity order 2>/dev/null | head -c "$want" | sed '$d') >"$ROWS_FILE.tmp"
	mv "$ROWS_FILE.tmp" "$ROWS_FILE"
fi
bytes=$(stat -c %s "$ROWS_FILE")
nrows=$(wc -l <"$ROWS_FILE")
ntables=$(grep -o '^{"_table":"[a-z_]*"' "$ROWS_FILE" | sort -u | wc -l)

# The floor's input: the same rows, one file per table.
SPLIT=$WORK/split
if [ ! -s "$SPLIT/orders.ndjson" ]; then
	rm -rf "$SPLIT"
	mkdir -p "$SPLIT"
	awk -v d="$SPLIT" '{ i = index($0, "\"_table\":\"") + 10; t = substr($0, i); t = substr(t, 1, index(t, "\"") - 1);
		print > (d "/" t ".ndjson") }' "$ROWS_FILE"
fi
cc -O2 -I"$DUCKDB_DIR/include" -o "$WORK/duckdb_query" "$VP_ROOT/tests/bq-load/duckdb_query.c" \
	-L"$DUCKDB_DIR/lib" -lduckdb -Wl,-rpath,"$DUCKDB_DIR/lib"
sql=""
for f in "$SPLIT"/*.ndjson; do
	t=$(basename "$f" .ndjson)
	sql="$sql CREATE TABLE $t AS SELECT * FROM read_json('$f', format = 'newline_delimited');"
done

cat "$ROWS_FILE" "$SPLIT"/*.ndjson >/dev/null   # both inputs in the page cache
mbs() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }
rps() { awk -v r="$nrows" -v s="$1" 'BEGIN { printf "%.0f", r / s }'; }
# Alternate the two, twice each, and keep each one's best time.
floor_t="" ours_t=""
for round in 1 2 3; do
	rm -f "$WORK/floor.duckdb"* "$WORK/ours.duckdb"*
	bench_time bash -c '"$0" "$1" "$2" >/dev/null' "$WORK/duckdb_query" "$WORK/floor.duckdb" "$sql"
	[ -z "$floor_t" ] || awk -v a="$BENCH_SECS" -v b="$floor_t" 'BEGIN { exit !(a < b) }' && { floor_t=$BENCH_SECS; floor_rss=$BENCH_RSS_KB; }
	bench_time bash -c 'bq-load --target duckdb:"$0" --tmp-dir "$1" "$2" >/dev/null 2>&1' "$WORK/ours.duckdb" "$WORK" "$ROWS_FILE"
	[ -z "$ours_t" ] || awk -v a="$BENCH_SECS" -v b="$ours_t" 'BEGIN { exit !(a < b) }' && { ours_t=$BENCH_SECS; ours_rss=$BENCH_RSS_KB; }
	echo "round $round: duckdb read_json ${floor_t}s, bq-load ${ours_t}s"
done
loaded=$("$WORK/duckdb_query" "$WORK/ours.duckdb" "SELECT sum(row_count) FROM bronze._vtex_pipes_batches")
[ "$loaded" = "$nrows" ] || { echo "bench bqload: bq-load loaded $loaded rows of $nrows"; exit 1; }
ratio=$(awk -v f="$floor_t" -v o="$ours_t" 'BEGIN { printf "%.2f", f / o }')

# BigQuery: what each mode sends, against the emulator.
bq_section=""
if [ -x "$EMU" ]; then
	head -n "$BQ_ROWS" "$ROWS_FILE" >"$WORK/bq-slice.ndjson"
	bq_section="| mode | rows | API calls | calls per 100,000 rows | request bytes | bytes sent per row | input bytes per row | wall s |
|---|---:|---:|---:|---:|---:|---:|---:|"
	in_bytes=$(stat -c %s "$WORK/bq-slice.ndjson")
	for mode in load stream; do
		# A fresh emulator per mode, so each starts with no tables.
		port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
		grpc=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
		"$EMU" --project=bench --dataset=bronze --host=127.0.0.1 --port="$port" --grpc-port="$grpc" >"$WORK/emu.log" 2>&1 &
		emu=$!
		trap 'kill $emu 2>/dev/null || true' EXIT
		for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/bigquery/v2/projects/bench/datasets" >/dev/null && break; sleep 0.2; done
		m=$WORK/metrics-$mode.prom
		bench_time bash -c 'BQ_TOKEN=bench bq-load --target bigquery:bench.bronze --endpoint "$0" --mode "$1" \
			--metrics-file "$2" "$3" >/dev/null 2>"$4"' "http://127.0.0.1:$port" "$mode" "$m" "$WORK/bq-slice.ndjson" "$WORK/bq-$mode.err"
		kill $emu 2>/dev/null
		wait $emu 2>/dev/null
		calls=$(awk '/^vtex_pipes_bq_calls_total/ { print $2 }' "$m")
		sent=$(awk '/^vtex_pipes_bq_request_bytes_total/ { printf "%.0f", $2 }' "$m")
		got=$(awk '/^vtex_pipes_records_total.*outcome="loaded"/ { print $2 }' "$m")
		bq_section="$bq_section
| $mode | $got | $calls | $(awk -v c="$calls" -v r="$BQ_ROWS" 'BEGIN { printf "%.0f", c * 100000 / r }') | $sent | $(awk -v s="$sent" -v r="$BQ_ROWS" 'BEGIN { printf "%.0f", s / r }') | $(awk -v s="$in_bytes" -v r="$BQ_ROWS" 'BEGIN { printf "%.0f", s / r }') | $BENCH_SECS |"
	done
fi

{
	echo "## bq-load"
	echo
	echo "$(bench_machine); DuckDB $DUCKDB_VERSION. Reproduce: \`bench/run bqload\`."
	echo
	echo "Input: $(awk -v b="$bytes" 'BEGIN { printf "%.2f GB", b / 1e9 }') of normalized order rows ($nrows rows, $ntables tables;"
	echo "\`bench/gen-orders | ndjson-normalize --entity order\`), in the page cache. Best of three alternating runs each (timings on this shared machine vary a lot from run to run)."
	echo
	echo "| load into a new DuckDB file | seconds | rows/s | MB/s | peak RSS MiB |"
	echo "|---|---:|---:|---:|---:|"
	echo "| DuckDB read_json, one file per table (the floor) | $floor_t | $(rps "$floor_t") | $(mbs "$floor_t") | $((floor_rss / 1024)) |"
	echo "| bq-load --target duckdb (256 MiB batches, the default; staging in --tmp-dir on the same disk) | $ours_t | $(rps "$ours_t") | $(mbs "$ours_t") | $((ours_rss / 1024)) |"
	echo
	echo "bq-load's speed relative to DuckDB's own load: **${ratio}x** (goal: at least 0.5x)."
	echo
	if [ -n "$bq_section" ]; then
		echo "BigQuery, against bigquery-emulator $BIGQUERY_EMULATOR_VERSION, the first $BQ_ROWS rows of the same input"
		echo "(API calls and request body bytes from bq-load's metrics; the wall time is the emulator's, not BigQuery's):"
		echo
		echo "$bq_section"
		echo
		echo "Each mode starts on an emulator with no tables. Load mode: per table a tables.get (first sight),"
		echo "then per table and batch one jobs.insert carrying the rows and the jobs.get polls; stream mode: per"
		echo "table a tables.get and a tables.insert, then one insertAll per 500 rows of a table (insertId and the"
		echo "JSON envelope add the bytes above the row's own). The input bytes per row include _table, which is"
		echo "not sent."
	else
		echo "BigQuery figures skipped: bigquery-emulator is not installed (scripts/bootstrap 40-bigquery-emulator)."
	fi
} >"$OUT"
cat "$OUT"
