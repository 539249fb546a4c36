#!/usr/bin/env bash
# ndjson-normalize --entity order against jq doing the same flattening
# (bench/jq/normalize-orders.jq: same tables, columns and rows, ids aside) and
# against `mlr --ijsonl --ojsonl flatten`, with `cat` as the I/O floor, on
# generated order details (bench/gen-orders). Every tool writes to /dev/null
# from a file in the page cache.
# jq and Miller are too slow for the whole file in a few minutes on a shared
# machine, so they run on slices (the first lines of the same file), and
# ndjson-normalize and cat run on each slice too: each ratio compares runs on
# the same bytes, side by side.
# Usage: bench/run normalize   (BENCH_NORMALIZE_SIZE=1G, _MLR=64M, _JQ=16M)
. "$(dirname "$0")/lib.sh"
SIZE=${BENCH_NORMALIZE_SIZE:-1G}
MLR_SLICE=${BENCH_NORMALIZE_MLR:-64M}
JQ_SLICE=${BENCH_NORMALIZE_JQ:-16M}
SEED=42
OUT=$VP_ROOT/bench/results/normalize.md
for tool in jq mlr ndjson-normalize; do
	command -v "$tool" >/dev/null || { echo "bench normalize: $tool is missing (scripts/bootstrap)"; exit 1; }
done

FULL=$BENCH_DATA/orders-$SIZE-seed$SEED.ndjson
if [ ! -s "$FULL" ]; then
	echo "generating $FULL"
	"$VP_ROOT/bench/gen-orders" --size "$SIZE" --seed "$SEED" >"$FULL.tmp" && mv "$FULL.tmp" "$FULL"
fi
# The first whole lines of FULL holding about SIZE bytes.
slice() {
	local f=$BENCH_DATA/orders-$1-seed$SEED.ndjson
	[ -s "$f" ] || head -n "$(head -c "$(numfmt --from=iec "$1")" "$FULL" | wc -l)" "$FULL" >"$f"
	echo "$f"
}
MLR_IN=$(slice "$MLR_SLICE")
JQ_IN=$(slice "$JQ_SLICE")

rows=()

cat "$FULL" >/dev/null # into the page cache
LOAD=$(cut -d' ' -f1 /proc/loadavg)
N="ndjson-normalize --entity order --log-level warn"
R="$(jq -c 'select(._table == "orders")' <(head -1 "$FULL" | $N) | wc -l)"
[ "$R" = 1 ] || { echo "bench normalize: ndjson-normalize gives no orders row"; exit 1; }

echo "whole file ($(bytes "$FULL") bytes)"
measure "cat, whole file" "$FULL" 3 cat "$FULL"
CAT_FULL=$MBS CAT_FULL_T=$T
measure "ndjson-normalize --entity order, whole file" "$FULL" 3 $N "$FULL"
NORM_FULL=$MBS NORM_FULL_T=$T
OUT_BYTES=$($N --metrics-file "$BENCH_DATA/normalize.prom" "$FULL" | wc -c)
ROWS=$(awk '/^vtex_pipes_rows_total/ { print $2 }' "$BENCH_DATA/normalize.prom")
RECS=$(awk '/^vtex_pipes_records_total.*outcome="out"/ { print $2 }' "$BENCH_DATA/normalize.prom")

echo "Miller slice ($(bytes "$MLR_IN") bytes)"
measure "cat, $MLR_SLICE slice" "$MLR_IN" 3 cat "$MLR_IN"
measure "ndjson-normalize --entity order, $MLR_SLICE slice" "$MLR_IN" 3 $N "$MLR_IN"
NORM_MLR_T=$T NORM_MLR_CPU=$CPU
measure "mlr --ijsonl --ojsonl flatten, $MLR_SLICE slice" "$MLR_IN" 1 mlr --ijsonl --ojsonl flatten "$MLR_IN"
MLR_T=$T MLR_CPU=$CPU MLR_RSS=$((RSS / 1024))

echo "jq slice ($(bytes "$JQ_IN") bytes)"
measure "ndjson-normalize --entity order, $JQ_SLICE slice" "$JQ_IN" 3 $N "$JQ_IN"
NORM_JQ_T=$T NORM_JQ_CPU=$CPU
measure "jq -c -f bench/jq/normalize-orders.jq, $JQ_SLICE slice" "$JQ_IN" 1 jq -c -f "$VP_ROOT/bench/jq/normalize-orders.jq" "$JQ_IN"
JQ_T=$T JQ_CPU=$CPU
measure "jq -c . (parse and print only), $JQ_SLICE slice" "$JQ_IN" 1 jq -c . "$JQ_IN"
JQ_ID=$MBS JQ_ID_T=$T

{
	echo "## ndjson-normalize"
	echo
	echo "Machine: $(bench_machine)."
	echo
	echo "Reproduce: \`bench/run normalize\` (input: \`bench/gen-orders --size $SIZE --seed $SEED\`;"
	echo "slices are its first lines). Input: $(bytes "$FULL") bytes, $RECS order details"
	echo "(1 to 40 items each); ndjson-normalize --entity order writes $ROWS rows from them. Every"
	echo "command reads a file in the page cache and writes to /dev/null; MB/s are input bytes (10^6)"
	echo "per wall-clock second, the best of 3 runs (jq and Miller: 1 run); CPU is user + system"
	echo "seconds of that run. The load average was $LOAD when the run began: other jobs share the"
	echo "machine, so absolute figures move from run to run; the ratios less so."
	echo
	echo "| command | seconds | CPU s | MB/s | peak RSS MiB |"
	echo "|---|---:|---:|---:|---:|"
	for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
	echo
	echo "Ratios, each between runs on the same bytes (quotients of the seconds above):"
	echo
	echo "- ndjson-normalize vs jq doing the same flattening: **$(ratio "$JQ_T" "$NORM_JQ_T")** faster (goal: 10x;"
	echo "  by CPU time $(ratio "$JQ_CPU" "$NORM_JQ_CPU"))."
	echo "  jq spends most of its time (about 5/6 when measured apart) snake_casing keys with gsub; but even \`jq -c .\`, which only"
	echo "  parses and prints, runs at $JQ_ID MB/s: $(ratio "$JQ_ID_T" "$NORM_JQ_T") slower than ndjson-normalize,"
	echo "  a bound on any jq program doing this work."
	echo "- ndjson-normalize vs \`mlr flatten\`: $(ratio "$MLR_T" "$NORM_MLR_T") faster (by CPU time $(ratio "$MLR_CPU" "$NORM_MLR_CPU")); Miller only flattens each order"
	echo "  into one wide row with a.b.1.c keys (no child tables, ids or snake_case) and peaked at $MLR_RSS MiB."
	echo "- ndjson-normalize vs the \`cat\` floor, whole file: $NORM_FULL vs $CAT_FULL MB/s, that is"
	echo "  $(awk -v a="$CAT_FULL_T" -v b="$NORM_FULL_T" 'BEGIN { printf "%.1f", 100 * a / b }')% of the floor ($(ratio "$NORM_FULL_T" "$CAT_FULL_T") cat's time): it parses every value (cJSON) and"
	echo "  writes $(awk -v o="$OUT_BYTES" -v i="$(bytes "$FULL")" 'BEGIN { printf "%.2f", o / i }')x the input as rows, where cat copies pages from the page cache."
	echo
	echo "Scaled down: jq ran on $JQ_SLICE and Miller on $MLR_SLICE instead of $SIZE, because at their speed"
	echo "the whole file would take from several minutes (Miller) to more than an hour (jq) on this shared"
	echo "2-core machine."
} >"$OUT"
echo "wrote $OUT"
