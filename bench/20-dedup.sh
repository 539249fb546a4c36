#!/usr/bin/env bash
# dedup against Miller: 10 M order-like records over 1 M distinct keys.
# Rows: dedup keep-first, dedup --newest-by (streaming, newest wins), dedup
# --latest-only (in memory, then spilled with a 64 MiB limit), and Miller's
# keep-first `head -n 1 -g`, measured side by side in one run. Bytes per key =
# (peak RSS - baseline) / keys; dedup's baseline is its run on the same input
# keyed on status (5 keys: every buffer touched, no table to speak of), Miller's
# its run on empty input.
# DEDUP_BENCH_RECORDS / DEDUP_BENCH_KEYS scale it (default 10000000 / 1000000).
. "$(dirname "$0")/lib.sh"
cd "$VP_ROOT"
n=${DEDUP_BENCH_RECORDS:-10000000}
k=${DEDUP_BENCH_KEYS:-1000000}
data=$BENCH_DATA/dedup-$n-$k.ndjson
out=$VP_ROOT/bench/out/dedup
mkdir -p "$out"
if [ ! -s "$data" ]; then
	echo "generating $data"
	python3 bench/gen-dedup-input.py "$n" "$k" >"$data.tmp"
	mv "$data.tmp" "$data"
fi
bytes=$(stat -c %s "$data")

bench_time mlr --ijsonl --ojsonl head -n 1 -g orderId </dev/null >/dev/null
mlr_base=$BENCH_RSS_KB

rows=()
mlr_secs=""
# measure LABEL BASE_RSS_KB CMD...: one timed run, output kept for checks.
measure() {
	local label=$1 base=$2 file
	shift 2
	file=$out/$(echo "$label" | tr -c 'a-z0-9\n' '_').out
	echo "== $label"
	bench_time "$@" <"$data" >"$file" 2>"$file.log"
	local recs per_key rate
	recs=$(wc -l <"$file")
	rate=$(awk -v n="$n" -v s="$BENCH_SECS" 'BEGIN { printf "%.0f", n / s }')
	per_key=$(awk -v r="$BENCH_RSS_KB" -v b="$base" -v k="$k" 'BEGIN { printf "%.0f", (r - b) * 1024 / k }')
	[ "$base" -gt 0 ] || per_key=-
	rows+=("$label|\`$*\`|$BENCH_SECS|$rate|$((BENCH_RSS_KB / 1024))|$per_key|$recs")
	echo "   $BENCH_SECS s, $rate records/s, peak $((BENCH_RSS_KB / 1024)) MiB, $per_key bytes/key, $recs out"
}
measure "dedup keep-first, 5 keys (baseline)" 0 dedup --key status
dedup_base=$BENCH_RSS_KB
measure "mlr head -n 1 -g (keep-first)" "$mlr_base" mlr --ijsonl --ojsonl head -n 1 -g orderId
mlr_secs=$BENCH_SECS
measure "dedup keep-first" "$dedup_base" dedup --key orderId
measure "dedup --newest-by" "$dedup_base" dedup --key orderId --newest-by lastChange
measure "dedup --latest-only" "$dedup_base" dedup --key orderId --newest-by lastChange --latest-only
measure "dedup --latest-only, spilled" "$dedup_base" \
	dedup --key orderId --newest-by lastChange --latest-only --max-memory 64M --tmpdir bench/out/dedup

# The two keep-first outputs hold the same records in the same order (Miller
# re-serialises them, with a space after each colon).
same=$(cmp -s <(grep -o '"orderId": *"[^"]*"' "$out/mlr_head__n_1__g__keep_first_.out" | tr -d ' ') \
	<(grep -o '"orderId":"[^"]*"' "$out/dedup_keep_first.out") && echo yes || echo NO)
same_latest=$(cmp -s "$out/dedup___latest_only.out" "$out/dedup___latest_only__spilled.out" && echo yes || echo NO)
spills=$(grep -o 'msg="spilled to disk" spills=[0-9]* runs=[0-9]* bytes=[0-9]*' "$out/dedup___latest_only__spilled.out.log" |
	sed 's/msg="spilled to disk" //' || echo "no spill")

{
	echo "## dedup"
	echo
	echo "Machine: $(bench_machine)"
	echo
	echo "Reproduce: \`bench/run dedup\` (input: \`bench/gen-dedup-input.py $n $k\`, $((bytes / 1048576)) MiB,"
	echo "$n order-like records over exactly $k keys, each key's lastChange one of ten moments in"
	echo "random order, 0-7 fraction digits, UTC or -03:00). Wall time and peak RSS from"
	echo "\`/usr/bin/time\`; bytes per key = (peak RSS - baseline) / $k, where dedup's baseline is its run"
	echo "keyed on status (5 keys, every buffer touched) and Miller's its run on empty input."
	echo
	echo "| run | command | seconds | records/s | peak RSS MiB | bytes/key | records out | speed vs Miller |"
	echo "|---|---|---|---|---|---|---|---|"
	for r in "${rows[@]}"; do
		IFS='|' read -r label cmd secs rate rss per_key recs <<<"$r"
		ratio=$(awk -v m="$mlr_secs" -v s="$secs" 'BEGIN { printf "%.1fx", m / s }')
		echo "| $label | $cmd | $secs | $rate | $rss | $per_key | $recs | $ratio |"
	done
	echo
	echo "Keep-first outputs of dedup and Miller hold the same records in the same order: $same."
	echo "--latest-only in memory and spilled (64 MiB limit; $spills) give identical output: $same_latest."
	echo "Baselines: dedup $((dedup_base / 1024)) MiB (fixed buffers: 3 MiB input, 256 KiB output), Miller"
	echo "$((mlr_base / 1024)) MiB. dedup's key table is 32 bytes/key keep-first and 48 bytes/key with --newest-by"
	echo "at 1 M keys (2 M slots of 16 or 24 bytes, see dedup(1), Memory); --latest-only also holds each"
	echo "key's record (about 150 bytes here) and 64 bytes of bookkeeping."
} >bench/results/dedup.md
rm -rf "$out"
cat bench/results/dedup.md
