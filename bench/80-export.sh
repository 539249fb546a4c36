#!/usr/bin/env bash
# Gold out of the warehouse. ndjson-post: records per second into the test API
# server (tests/ndjson-post/api_test_server.py) answering every request 20 ms
# late, at concurrency 1 and 16, side by side with a sequential curl loop
# (bench/export-curl-loop.sh). bq-export: rows per second out of a DuckDB
# table to NDJSON, next to DuckDB's own COPY ... TO (FORMAT json) from the
# Python duckdb of the dbt virtualenv (the same DuckDB version).
# Writes bench/results/export.md.
. "$(dirname "$0")/lib.sh"
POSTS=${EXPORT_BENCH_POSTS:-400}
ROWS=${EXPORT_BENCH_ROWS:-4000000}
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
py=$VP_CACHE/venv-dbt/bin/python
work=$(mktemp -d "$BENCH_DATA/export.XXXXXX")
trap 'kill $srv 2>/dev/null; wait $srv 2>/dev/null; rm -rf "$work"' EXIT

python3 "$VP_ROOT/tests/ndjson-post/api_test_server.py" --port-file "$work/port" --log "$work/api.log" \
	--latency 20 --quiet-log &
srv=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
URL=http://127.0.0.1:$(cat "$work/port")/customers
python3 -c "
import json
for i in range($POSTS):
    print(json.dumps({'customer_key': 'c%06d' % i, 'email': 'c%d@example.com' % i, 'ltv': i * 12.34,
                      'order_count': i % 7, 'changed_at': '2024-03-20T00:00:00Z'}))" >"$work/posts.ndjson"

rate() { awk -v n="$1" -v s="$2" 'BEGIN {printf "%.0f", n / s}'; }
bench_time bench/export-curl-loop.sh "$URL" <"$work/posts.ndjson"
curl_s=$BENCH_SECS
bench_time ndjson-post --url "$URL" --concurrency 1 <"$work/posts.ndjson" 2>/dev/null
c1_s=$BENCH_SECS c1_rss=$BENCH_RSS_KB
bench_time ndjson-post --url "$URL" --concurrency 16 <"$work/posts.ndjson" 2>/dev/null
c16_s=$BENCH_SECS c16_rss=$BENCH_RSS_KB
bench_time ndjson-post --url "$URL" --concurrency 16 --batch 50 <"$work/posts.ndjson" 2>/dev/null
b_s=$BENCH_SECS
got=$(wc -l <"$work/api.log")
kill $srv; wait $srv 2>/dev/null || true

# bq-export vs COPY TO on one DuckDB table: integers, text, a decimal, a double, a timestamp.
W=$work/w.duckdb
"$py" -c "
import duckdb, sys
c = duckdb.connect(sys.argv[1])
c.execute('create schema gold')
c.execute('''create table gold.t as select i as id, 'customer-' || i as name, (i % 100000 * 0.01)::decimal(12,2) as ltv,
  i / 7.0 as ratio, timestamp '2024-01-01' + i * interval 1 second as changed_at from range($ROWS) r(i)''')" "$W"
bench_time bash -c "bq-export -t duckdb:'$W' -T gold.t >'$work/bqx.ndjson' 2>/dev/null"
bqx_s=$BENCH_SECS bqx_rss=$BENCH_RSS_KB
bench_time "$py" -c "
import duckdb, sys
duckdb.connect(sys.argv[1], read_only=True).execute(\"copy (select * from gold.t) to '$work/copy.ndjson' (format json)\")" "$W"
copy_s=$BENCH_SECS copy_rss=$BENCH_RSS_KB
bqx_n=$(wc -l <"$work/bqx.ndjson") copy_n=$(wc -l <"$work/copy.ndjson")
bqx_mb=$(( $(stat -c %s "$work/bqx.ndjson") / 1048576 )) copy_mb=$(( $(stat -c %s "$work/copy.ndjson") / 1048576 ))
line_bqx=$(head -2 "$work/bqx.ndjson" | tail -1) line_copy=$(head -2 "$work/copy.ndjson" | tail -1)

{
	echo "## bq-export and ndjson-post: gold out to internal APIs"
	echo
	echo "Machine: $(bench_machine)."
	echo "Reproduce: \`bench/run export\` (env EXPORT_BENCH_POSTS=$POSTS, EXPORT_BENCH_ROWS=$ROWS)."
	echo
	echo "ndjson-post: $POSTS customer records POSTed to tests/ndjson-post/api_test_server.py"
	echo "(Python ThreadingHTTPServer) answering each request 20 ms late, over loopback HTTP/1.1;"
	echo "the server logged $got requests in all runs. The peer is a sequential curl loop, one"
	echo "curl process per record (bench/export-curl-loop.sh)."
	echo
	echo "| run | records | seconds | records/s | vs curl loop |"
	echo "|---|---|---|---|---|"
	for r in "bench/export-curl-loop.sh (one curl per record)|$curl_s" "ndjson-post --concurrency 1|$c1_s" \
		"ndjson-post --concurrency 16|$c16_s" "ndjson-post --concurrency 16 --batch 50 (JSON arrays)|$b_s"; do
		s=${r#*|}
		printf '| %s | %s | %.2f | %s | %sx |\n' "${r%%|*}" "$POSTS" "$s" "$(rate "$POSTS" "$s")" \
			"$(awk -v a="$curl_s" -v b="$s" 'BEGIN {printf "%.1f", a / b}')"
	done
	echo
	echo "Peak RSS of ndjson-post: $c1_rss KiB at concurrency 1, $c16_rss KiB at 16."
	echo
	echo "bq-export: a DuckDB table of $ROWS rows (id, name, DECIMAL(12,2), DOUBLE, TIMESTAMP) to an"
	echo "NDJSON file, next to DuckDB's own \`COPY (SELECT * FROM gold.t) TO ... (FORMAT json)\`"
	echo "(Python duckdb of the dbt virtualenv, the same DuckDB version; COPY runs on every core"
	echo "and writes timestamps as \`YYYY-MM-DD HH:MM:SS\` without a zone, bq-export as RFC 3339 UTC,"
	echo "streaming one chunk at a time on one thread)."
	echo
	echo "| run | rows | MiB out | seconds | rows/s | peak RSS KiB | vs COPY TO |"
	echo "|---|---|---|---|---|---|---|"
	printf '| DuckDB COPY ... TO (FORMAT json) | %s | %s | %.2f | %s | %s | 1.00x |\n' "$copy_n" "$copy_mb" "$copy_s" \
		"$(rate "$copy_n" "$copy_s")" "$copy_rss"
	printf '| bq-export -T gold.t | %s | %s | %.2f | %s | %s | %sx |\n' "$bqx_n" "$bqx_mb" "$bqx_s" \
		"$(rate "$bqx_n" "$bqx_s")" "$bqx_rss" "$(awk -v a="$copy_s" -v b="$bqx_s" 'BEGIN {printf "%.2f", a / b}')"
	echo
	echo "A row from each: \`$line_copy\` (COPY) and \`$line_bqx\` (bq-export)."
} >bench/results/export.md
cat bench/results/export.md
