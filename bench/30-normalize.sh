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

bytes() { stat -c %s "$1"; }
mbs() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }
# Best wall time of N runs of a command (writes to /dev/null); sets T and RSS.
best_of() {
	local n=$1 best="" rss=0
	shift
	for _ in $(seq "$n"); do
		bench_time bash -c "$* >/dev/null"
		if [ -z "$best" ] || awk -v a="$BENCH_SECS" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$BENCH_SECS
			rss=$BENCH_RSS_KB
		fi
	done
	T=$best
	RSS=$rss
}

rows=()
# measure LABEL FILE RUNS COMMAND...: one table row; sets MBS.
measure() {
	local label=$1 file=$2 runs=$3
	shift 3
	best_of "$runs" "$@"
	MBS=$(mbs "$(bytes "$file")" "$T")
	rows+=("$label|$T|$MBS|$((RSS / 1024))")
	echo "  $label: ${T}s ${MBS} MB/s"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (a / b >= 10 ? "%.0f" : "%.2f"), a / b }'; }

cat "$FULL" >/dev/null # into the page cache
N="ndjson-normalize --entity order --log-level warn"
R="$(jq -c 'select(._table == "orders")' <(head -1 "$FULL" | $N) | wc -l)"
[ "$R" = 1 ] || { echo "bench normalize: ndjson-normalize gives no orders row"; exit 1; }

echo "whole file ($(bytes "$FULL") bytes)"
measure "cat, whole file" "$FULL" 3 cat "$FULL"
CAT_FULL=$MBS
measure "ndjson-normalize --entity order, whole file" "$FULL" 3 $N "$FULL"
NORM_FULL=$MBS
$N --metrics-file "$BENCH_DATA/normalize.prom" "$FULL" >/dev/null
ROWS=$(awk '/^vtex_pipes_rows_total/ { print $2 }' "$BENCH_DATA/normalize.prom")
RECS=$(awk '/^vtex_pipes_records_total.*outcome="out"/ { print $2 }' "$BENCH_DATA/normalize.prom")

echo "Miller slice ($(bytes "$MLR_IN") bytes)"
measure "cat, $MLR_SLICE slice" "$MLR_IN" 3 cat "$MLR_IN"
measure "ndjson-normalize --entity order, $MLR_SLICE slice" "$MLR_IN" 3 $N "$MLR_IN"
NORM_MLR=$MBS
measure "mlr --ijsonl --ojsonl flatten, $MLR_SLICE slice" "$MLR_IN" 1 mlr --ijsonl --ojsonl flatten "$MLR_IN"
MLR=$MBS

echo "jq slice ($(bytes "$JQ_IN") bytes)"
measure "ndjson-normalize --entity order, $JQ_SLICE slice" "$JQ_IN" 3 $N "$JQ_IN"
NORM_JQ=$MBS
measure "jq -c -f bench/jq/normalize-orders.jq, $JQ_SLICE slice" "$JQ_IN" 1 jq -c -f "$VP_ROOT/bench/jq/normalize-orders.jq" "$JQ_IN"
JQ=$MBS
measure "jq -c . (parse and print only), $JQ_SLICE slice" "$JQ_IN" 1 jq -c . "$JQ_IN"
JQ_ID=$MBS

{
	echo "## ndjson-normalize"
	echo
	echo "Machine: $(bench_machine)."
	echo
	echo "Reproduce: \`bench/run normalize\` (input: \`bench/gen-orders --size $SIZE --seed $SEED\`;"
	echo "slices are its first lines). Input: $(bytes "$FULL") bytes, $RECS order details"
	echo "(1 to 40 items each); ndjson-normalize --entity order writes $ROWS rows from them. Every"
	echo "command reads a file in the page cache and writes to /dev/null; MB/s are input bytes (10^6)"
	echo "per wall-clock second, the best of 3 runs (jq and Miller: 1 run)."
	echo
	echo "| command | seconds | MB/s | peak RSS MiB |"
	echo "|---|---:|---:|---:|"
	for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
	echo
	echo "Ratios, each between runs on the same bytes:"
	echo
	echo "- ndjson-normalize vs jq doing the same flattening: **$(ratio "$NORM_JQ" "$JQ")x** faster (goal: 10x)."
	echo "  jq's time goes mostly to snake_casing every key with gsub; even \`jq -c .\`, which only parses and"
	echo "  prints, runs at $JQ_ID MB/s ($(ratio "$NORM_JQ" "$JQ_ID")x slower than ndjson-normalize)."
	echo "- ndjson-normalize vs \`mlr flatten\`: $(ratio "$NORM_MLR" "$MLR")x faster (Miller only flattens into"
	echo "  one wide row per order with a.b.1.c keys: no child tables, no ids, no snake_case)."
	echo "- ndjson-normalize vs the \`cat\` floor, whole file: $(ratio "$NORM_FULL" "$CAT_FULL") of cat's speed"
	echo "  ($NORM_FULL vs $CAT_FULL MB/s): parsing and writing about twice the input as rows is the cost."
	echo
	echo "Scaled down: jq ran on $JQ_SLICE and Miller on $MLR_SLICE instead of $SIZE, because at their speed"
	echo "the whole file would take from several minutes (Miller) to most of an hour (jq) on this shared"
	echo "2-core machine."
} >"$OUT"
echo "wrote $OUT"
