#!/usr/bin/env bash
# bq-load into DuckDB in the real-time flows' shape: small batches, each ended
# by a checkpoint barrier (orders-process sends one a second), acknowledged to
# a file. The same rows, cut the same way, loaded by bq-load built from this
# tree and by a bq-load built before (BENCH_BASELINE_BIN: a bin/ directory,
# e.g. git archive e73d0b6 | tar -x -C /tmp/old && make -C /tmp/old bin/bq-load),
# each into a new file; rounds alternate which goes first; medians reported.
# Input: BENCH_SMALL_ORDERS (2000) generated order details (bench/gen-orders
# --seed 3) through ndjson-normalize, a barrier every BENCH_SMALL_PER_BATCH (50)
# orders. BENCH_SMALL_ROUNDS (3). BENCH_SMALL_INTO: warehouses (DuckDB files,
# space-separated) to load into as well, each run into a fresh copy: the
# real-time path's cost as bronze's history grows (the demo's warehouse, and
# its tenfold copy bench/95-gold makes: BENCH_SMALL_INTO="var/demo/warehouse.duckdb
# bench/data/gold/w1m.duckdb" after BENCH_TMP=... bench/95-gold keeps it).
. "$(dirname "$0")/lib.sh"
N=${BENCH_SMALL_ORDERS:-2000}
PER=${BENCH_SMALL_PER_BATCH:-50}
ROUNDS=${BENCH_SMALL_ROUNDS:-3}
bench_baseline "with an earlier bq-load"
OUT=$VP_ROOT/bench/results/bqload-small.md
W=$BENCH_DATA/bqload-small
rm -rf "$W"
mkdir -p "$W"
"$VP_ROOT/bench/gen-orders" --count "$N" --seed 3 | ndjson-normalize --entity order 2>/dev/null |
	awk -v per="$PER" '/^\{"_table":"orders",/ { if (n && n % per == 0) printf "{\"vtex_pipes_barrier\":{\"source\":\"bench\",\"run\":\"0123456789abcdef0123456789abcdef\",\"seq\":%d,\"committed\":0,\"commit\":{}}}\n", ++s; n++ } { print }' \
		>"$W/rows.ndjson"
rows=$(grep -vc vtex_pipes_barrier "$W/rows.ndjson")
batches=$(($(grep -c vtex_pipes_barrier "$W/rows.ndjson") + 1))
secs() { # BIN NAME INTO: wall seconds of one load into a copy of INTO ("new": a new file)
	rm -f "$W/$2.duckdb" "$W/$2.duckdb.wal" "$W/$2.acks"
	[ "$3" = new ] || cp "$3" "$W/$2.duckdb"
	local t0 t1
	t0=$(date +%s%N)
	"$1" --target "duckdb:$W/$2.duckdb" --flush-ms 1000 --batch-bytes 16M --ack-to "$W/$2.acks" \
		<"$W/rows.ndjson" >"$W/$2.out" 2>"$W/$2.log"
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# Per batch, from the cut to the commit (the orders table's report lines:
# committed_at - loaded_at), p50 and p99 in ms over every round's batches.
commit_ms() {
	python3 -c '
import json, sys
from datetime import datetime
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
d = sorted((t(r["committed_at"]) - t(r["loaded_at"])) * 1000 for f in sys.argv[1:] for r in map(json.loads, open(f))
           if r["table"] == "orders" and "committed_at" in r)
print("%.0f ms / %.0f ms" % (d[len(d) // 2], d[min(len(d) - 1, int(0.99 * len(d)))]) if d else "-")' "$@"
}
rowsof() { awk -v r="$rows" -v s="$1" 'BEGIN { printf "%.0f", r / s }'; }
batchesof() { awk -v r="$batches" -v s="$1" 'BEGIN { printf "%.2f", r / s }'; }
table=() differ=""
for into in new ${BENCH_SMALL_INTO:-}; do
	label="a new file"
	[ "$into" = new ] || label="a copy of $into ($(python3 -c 'import os, sys; print(os.path.getsize(sys.argv[1]) >> 20)' "$into") MiB)"
	old=() new=()
	rm -f "$W"/*.all
	for r in $(seq "$ROUNDS"); do
		if [ $((r % 2)) -eq 1 ]; then
			old+=("$(secs "$OLD/bq-load" old "$into")")
			new+=("$(secs "$VP_ROOT/bin/bq-load" new "$into")")
		else
			new+=("$(secs "$VP_ROOT/bin/bq-load" new "$into")")
			old+=("$(secs "$OLD/bq-load" old "$into")")
		fi
		cp "$W/new.out" "$W/new.out.$r.all"
		cp "$W/old.out" "$W/old.out.$r.all"
		echo "into $label, round $r: before ${old[-1]} s, now ${new[-1]} s"
	done
	# Per table, the rows loaded and skipped in all (the two cut other batches).
	same=$(for s in old new; do jq -s -c 'group_by(.table) | map([.[0].table, (map(select(.status == "loaded") | .rows) | add),
		(map(.skipped // 0) | add)])' "$W/$s.out" | md5sum; done | uniq | wc -l)
	[ "$same" = 1 ] || differ="$differ $label"
	mo=$(printf '%s\n' "${old[@]}" | median) mn=$(printf '%s\n' "${new[@]}" | median)
	table+=("| $label | before | ${old[*]} | $mo | $(rowsof "$mo") | $(batchesof "$mo") | $(grep -c '"table":"orders"' "$W/old.out") | $(commit_ms "$W"/old.out.*.all) |")
	table+=("| $label | now | ${new[*]} | $mn | $(rowsof "$mn") | $(batchesof "$mn") | $(grep -c '"table":"orders"' "$W/new.out") | $(commit_ms "$W"/new.out.*.all) |")
	rm -f "$W"/*.duckdb "$W"/*.duckdb.wal
done
{
	echo "## bq-load into DuckDB in small acknowledged batches (the real-time shape)"
	echo
	echo "Machine: $(bench_machine); load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
	echo
	echo "Command: \`BENCH_BASELINE_BIN=... bench/run bqload-small\` ($ROUNDS rounds alternating which goes"
	echo "first, median). Input: $N generated orders, $rows normalized rows in $batches batches of $PER orders,"
	echo "each ended by a barrier, acknowledged to a file; each run into a new DuckDB file, and with"
	echo "BENCH_SMALL_INTO into a fresh copy of each warehouse it names (bronze's history already there)."
	echo "The baseline is bq-load built at ${BENCH_BASELINE_REV:-an earlier commit} (BENCH_BASELINE_REV)."
	echo "Per batch: from the batch's cut to its commit (report lines' committed_at - loaded_at;"
	echo "\"-\" for a bq-load older than that field). batches/s: the input's batches (barriers + 1) a"
	echo "second; committed: the batches the last round committed (a bq-load from 46d0074 on lets a"
	echo "barrier that comes during a load join the next batch: read from a file, most do, and the"
	echo "same rows go in fewer, larger batches; the per-batch times then compare other batches)."
	echo
	echo "| into | bq-load | rounds (s) | median s | rows/s | batches/s | committed | per batch p50 / p99 |"
	echo "|---|---|---|---:|---:|---:|---:|---:|"
	printf '%s\n' "${table[@]}"
	echo
	echo "Rows loaded and skipped per table, in all: $([ -z "$differ" ] && echo "the same for both" || echo "DIFFERENT into$differ (see $W)")."
} >"$OUT"
cat "$OUT"
