#!/usr/bin/env bash
# ndjson-validate --entity order (every rule of rules/order.json) against jq
# checking six of those rules (bench/jq/validate-orders.jq), with `cat` as the
# I/O floor and ndjson-normalize (which also parses every record) beside it,
# on generated order details (bench/gen-orders). Every tool reads a file in
# the page cache and writes to /dev/null. jq runs on a slice (the first lines
# of the same file) and ndjson-validate on that slice too, so the ratio
# compares runs on the same bytes. A second input, the same file with every
# 10th order broken (a quantity of 0), measures the cost of rejecting.
# Usage: bench/run validate   (BENCH_VALIDATE_SIZE=256M, BENCH_VALIDATE_JQ=16M)
. "$(dirname "$0")/lib.sh"
SIZE=${BENCH_VALIDATE_SIZE:-256M}
JQ_SLICE=${BENCH_VALIDATE_JQ:-16M}
SEED=42
OUT=$VP_ROOT/bench/results/validate.md
for tool in jq ndjson-validate ndjson-normalize; do
	command -v "$tool" >/dev/null || { echo "bench validate: $tool is missing (make; scripts/bootstrap)"; exit 1; }
done

FULL=$BENCH_DATA/orders-$SIZE-seed$SEED.ndjson
if [ ! -s "$FULL" ]; then
	echo "generating $FULL"
	"$VP_ROOT/bench/gen-orders" --size "$SIZE" --seed "$SEED" >"$FULL.tmp" && mv "$FULL.tmp" "$FULL"
fi
JQ_IN=$BENCH_DATA/orders-$JQ_SLICE-seed$SEED.ndjson
[ -s "$JQ_IN" ] || head -n "$(head -c "$(numfmt --from=iec "$JQ_SLICE")" "$FULL" | wc -l)" "$FULL" >"$JQ_IN"
BAD=$BENCH_DATA/orders-$SIZE-seed$SEED-bad10.ndjson
[ -s "$BAD" ] || awk 'NR % 10 == 0 { sub(/"quantity":[0-9]+,"seller"/, "\"quantity\":0,\"seller\"") } { print }' "$FULL" >"$BAD"

rows=()

V="ndjson-validate --entity order --log-level error"
RULES=$(ndjson-validate --entity order --list-rules | wc -l)
[ "$($V "$JQ_IN" | wc -l)" = "$(jq -c -f "$VP_ROOT/bench/jq/validate-orders.jq" "$JQ_IN" | wc -l)" ] ||
	{ echo "bench validate: ndjson-validate and jq disagree on the slice"; exit 1; }
cat "$FULL" "$BAD" >/dev/null
LOAD=$(cut -d' ' -f1 /proc/loadavg)

echo "whole file ($(bytes "$FULL") bytes)"
measure "cat, whole file" "$FULL" 3 cat "$FULL"
CAT_T=$T CAT=$MBS
measure "ndjson-validate --entity order, whole file" "$FULL" 3 $V "$FULL"
VAL_T=$T VAL=$MBS
measure "ndjson-validate, every 10th order broken, rejects to a file" "$BAD" 3 $V --rejects "$BENCH_DATA/validate.rejects" "$BAD"
BAD_T=$T
REJ=$(wc -l <"$BENCH_DATA/validate.rejects")
[ "$REJ" -gt 0 ] || { echo "bench validate: the broken copy gave no rejects"; exit 1; }
measure "ndjson-normalize --entity order, whole file" "$FULL" 1 ndjson-normalize --entity order --log-level error "$FULL"
NORM_T=$T
RECS=$(wc -l <"$FULL")

echo "jq slice ($(bytes "$JQ_IN") bytes)"
measure "ndjson-validate --entity order, $JQ_SLICE slice" "$JQ_IN" 3 $V "$JQ_IN"
VAL_JQ_T=$T VAL_JQ_CPU=$CPU
measure "jq -c -f bench/jq/validate-orders.jq, $JQ_SLICE slice" "$JQ_IN" 1 jq -c -f "$VP_ROOT/bench/jq/validate-orders.jq" "$JQ_IN"
JQ_T=$T JQ_CPU=$CPU

{
	echo "## ndjson-validate"
	echo
	echo "Machine: $(bench_machine)."
	echo
	echo "Reproduce: \`bench/run validate\` (input: \`bench/gen-orders --size $SIZE --seed $SEED\`, $RECS order"
	echo "details; the jq slice is its first lines; the broken copy sets a quantity to 0 in every 10th"
	echo "order). ndjson-validate checks all $RULES rules of rules/order.json; jq checks six of them"
	echo "(bench/jq/validate-orders.jq: order id, items, quantities, prices, e-mail, the two sums) and"
	echo "re-serializes what passes, where ndjson-validate writes the input lines as they are. Both"
	echo "keep the same records on the slice. Every command reads a file in the page cache and writes"
	echo "to /dev/null; MB/s are input bytes (10^6) per wall-clock second, the best of 3 runs (jq and"
	echo "ndjson-normalize: 1); CPU is user + system seconds of that run. Load average at the start:"
	echo "$LOAD (a shared machine: the ratios are steadier than the absolute figures)."
	echo
	echo "| command | seconds | CPU s | MB/s | peak RSS MiB |"
	echo "|---|---:|---:|---:|---:|"
	for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
	echo
	echo "- ndjson-validate vs jq on the same bytes: **$(ratio "$JQ_T" "$VAL_JQ_T")** faster (by CPU time"
	echo "  $(ratio "$JQ_CPU" "$VAL_JQ_CPU")), checking $RULES rules to jq's six."
	echo "- Whole file: $VAL MB/s against cat's $CAT MB/s ($(ratio "$VAL_T" "$CAT_T") cat's time); ndjson-normalize"
	echo "  takes $(ratio "$NORM_T" "$VAL_T") the gate's time on the same file, so the gate does not slow a flow down."
	echo "- Rejecting every 10th record ($REJ rejects: reasons, rule lists and the record into the rejects file):"
	echo "  $(awk -v a="$BAD_T" -v b="$VAL_T" 'BEGIN { printf "%+.0f%%", 100 * (a - b) / b }') time against the clean file."
	echo
	echo "Scaled down: jq ran on $JQ_SLICE instead of $SIZE, because at its speed the whole file would"
	echo "take minutes on this shared 2-core machine."
} >"$OUT"
echo "wrote $OUT"
