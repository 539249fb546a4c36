#!/usr/bin/env bash
# bq-load into DuckDB in the real-time flows' shape: small batches, each ended
# by a checkpoint barrier (orders-process sends one a second), acknowledged to
# a file. The same rows, cut the same way, loaded by bq-load built from this
# tree and by a bq-load built before (BENCH_BASELINE_BIN: a bin/ directory,
# e.g. git archive e73d0b6 | tar -x -C /tmp/old && make -C /tmp/old bin/bq-load),
# each into a new file; rounds alternate which goes first; medians reported.
# Input: BENCH_SMALL_ORDERS (2000) generated order details (bench/gen-orders
# --seed 3) through ndjson-normalize, a barrier every BENCH_SMALL_PER_BATCH (50)
# orders. BENCH_SMALL_ROUNDS (3).
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
secs() { # BIN NAME: wall seconds of one load into a new file
	rm -f "$W/$2.duckdb" "$W/$2.duckdb.wal" "$W/$2.acks"
	local t0 t1
	t0=$(date +%s%N)
	"$1" --target "duckdb:$W/$2.duckdb" --flush-ms 1000 --batch-bytes 16M --ack-to "$W/$2.acks" \
		<"$W/rows.ndjson" >"$W/$2.out" 2>"$W/$2.log"
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
old=() new=()
for r in $(seq "$ROUNDS"); do
	if [ $((r % 2)) -eq 1 ]; then
		old+=("$(secs "$OLD/bq-load" old)")
		new+=("$(secs "$VP_ROOT/bin/bq-load" new)")
	else
		new+=("$(secs "$VP_ROOT/bin/bq-load" new)")
		old+=("$(secs "$OLD/bq-load" old)")
	fi
	echo "round $r: before ${old[-1]} s, now ${new[-1]} s"
done
same=$(for s in old new; do jq -r '"\(.table) \(.status) \(.rows) \(.skipped)"' "$W/$s.out" | sort | md5sum; done | uniq | wc -l)
mo=$(printf '%s\n' "${old[@]}" | median) mn=$(printf '%s\n' "${new[@]}" | median)
{
	echo "## bq-load into DuckDB in small acknowledged batches (the real-time shape)"
	echo
	echo "Machine: $(bench_machine); load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
	echo
	echo "Command: \`BENCH_BASELINE_BIN=... bench/run bqload-small\` ($ROUNDS rounds alternating which goes"
	echo "first, median). Input: $N generated orders, $rows normalized rows in $batches batches of $PER orders,"
	echo "each ended by a barrier, acknowledged to a file; each run into a new DuckDB file."
	echo "The baseline is bq-load built at ${BENCH_BASELINE_REV:-an earlier commit} (BENCH_BASELINE_REV)."
	echo
	echo "| bq-load | rounds (s) | median s | rows/s | batches/s |"
	echo "|---|---|---:|---:|---:|"
	echo "| before | ${old[*]} | $mo | $(awk -v r="$rows" -v s="$mo" 'BEGIN { printf "%.0f", r / s }') | $(awk -v r="$batches" -v s="$mo" 'BEGIN { printf "%.2f", r / s }') |"
	echo "| now | ${new[*]} | $mn | $(awk -v r="$rows" -v s="$mn" 'BEGIN { printf "%.0f", r / s }') | $(awk -v r="$batches" -v s="$mn" 'BEGIN { printf "%.2f", r / s }') |"
	echo
	echo "Rows loaded and skipped per table: $([ "$same" = 1 ] && echo "the same for both" || echo "DIFFERENT (see $W)")."
} >"$OUT"
cat "$OUT"
