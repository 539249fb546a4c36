#!/usr/bin/env bash
# The cost of the input rule (lib/json_text.c: UTF-8, no raw control
# character, no \u0000, checked on every line before cJSON parses it) and of
# the --max-line bookkeeping: ndjson-validate --entity order and dedup --key
# orderId, built from this tree, against the same tools built from the commit
# before the rule (BENCH_BASELINE_BIN: a bin/ directory built there, e.g.
#   git archive 82a2662 | tar -x -C /tmp/old && make -C /tmp/old bin/dedup bin/ndjson-validate),
# on generated order details (bench/gen-orders) read from the page cache,
# written to /dev/null. Rounds alternate baseline and new; the median of each
# is reported.
# Usage: BENCH_BASELINE_BIN=/tmp/old/bin bench/run input-rule   (BENCH_RULE_SIZE=64M, BENCH_RULE_ROUNDS=5)
. "$(dirname "$0")/lib.sh"
SIZE=${BENCH_RULE_SIZE:-64M}
ROUNDS=${BENCH_RULE_ROUNDS:-5}
bench_baseline "built before the input rule"
OUT=$VP_ROOT/bench/results/input-rule.md
IN=$BENCH_DATA/orders-$SIZE-seed42.ndjson
if [ ! -s "$IN" ]; then
	"$VP_ROOT/bench/gen-orders" --size "$SIZE" --seed 42 >"$IN.tmp" && mv "$IN.tmp" "$IN"
fi
cat "$IN" >/dev/null

# secs BIN ARGS...: wall seconds of one run (exit 1, rejects, counts as a run).
secs() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" <"$IN" >/dev/null 2>&1 || [ $? -eq 1 ]
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

rows=()
for tool in "ndjson-validate --entity order" "dedup --key orderId"; do
	set -- $tool
	name=$1
	shift
	old=() new=()
	for r in $(seq "$ROUNDS"); do # which build goes first alternates
		if [ $((r % 2)) -eq 1 ]; then
			old+=("$(secs "$OLD/$name" "$@")")
			new+=("$(secs "$VP_ROOT/bin/$name" "$@")")
		else
			new+=("$(secs "$VP_ROOT/bin/$name" "$@")")
			old+=("$(secs "$OLD/$name" "$@")")
		fi
	done
	mo=$(printf '%s\n' "${old[@]}" | median) mn=$(printf '%s\n' "${new[@]}" | median)
	rows+=("| \`$tool\` | $(mbs "$(bytes "$IN")" "$mo") | $(mbs "$(bytes "$IN")" "$mn") | $(awk -v a="$mo" -v b="$mn" 'BEGIN { printf "%+.1f%%", (b - a) / a * 100 }') |")
done

{
	echo "## Input rule (hostile-input)"
	echo
	echo "Machine: $(bench_machine); shared with other jobs (load average $(cut -d' ' -f1-3 /proc/loadavg)),"
	echo "so single runs vary by tens of percent: medians of $ROUNDS alternating rounds."
	echo "Input: $(numfmt --to=iec "$(bytes "$IN")") of generated order details ($(wc -l <"$IN") lines)."
	echo "Command: \`BENCH_BASELINE_BIN=... bench/run input-rule\`."
	echo
	echo "| tool | MB/s before the rule | MB/s with it | wall time, median |"
	echo "|---|---|---|---|"
	printf '%s\n' "${rows[@]}"
} >"$OUT"
cat "$OUT"
