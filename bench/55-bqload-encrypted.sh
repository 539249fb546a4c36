#!/usr/bin/env bash
# bq-load into a plain DuckDB file against an encrypted one (VP_DUCKDB_KEY:
# DuckDB's database encryption, AES-GCM through httpfs's OpenSSL), side by
# side in one run on the same normalized order rows (bench/gen-orders |
# ndjson-normalize --entity order), rounds alternating, median of each; and
# bq-export reading the table back from each.
# Usage: bench/run bqload-encrypted   (BENCH_ENC_SIZE=128M, BENCH_ENC_ROUNDS=3)
. "$(dirname "$0")/lib.sh"
SIZE=${BENCH_ENC_SIZE:-128M}
ROUNDS=${BENCH_ENC_ROUNDS:-3}
OUT=$VP_ROOT/bench/results/bqload-encrypted.md
WORK=$BENCH_DATA/bqload-encrypted
mkdir -p "$WORK"
ROWS_FILE=$BENCH_DATA/normalized-orders-$SIZE.ndjson
if [ ! -s "$ROWS_FILE" ]; then
	want=$(numfmt --from=iec "$SIZE")
	(set +o pipefail; "$VP_ROOT/bench/gen-orders" --size "$((want * 6 / 10))" --seed 7 2>/dev/null |
		ndjson-normalize --entity order 2>/dev/null | head -c "$want" | sed '$d') >"$ROWS_FILE.tmp"
	mv "$ROWS_FILE.tmp" "$ROWS_FILE"
fi
bytes=$(stat -c %s "$ROWS_FILE")
nrows=$(wc -l <"$ROWS_FILE")
export BENCH_KEY=bench-key-0123456789abcdef
cat "$ROWS_FILE" >/dev/null
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
: >"$WORK/plain.t"; : >"$WORK/enc.t"; : >"$WORK/plain.x"; : >"$WORK/enc.x"
for round in $(seq "$ROUNDS"); do
	kinds=(plain enc)
	[ $((round % 2)) -eq 0 ] && kinds=(enc plain) # neither side always first
	for kind in "${kinds[@]}"; do
		rm -f "$WORK/$kind.duckdb"*
		key=; [ "$kind" = plain ] || key=$BENCH_KEY
		bench_time env VP_DUCKDB_KEY="$key" bash -c '[ -n "$VP_DUCKDB_KEY" ] || unset VP_DUCKDB_KEY
			bq-load --target duckdb:"$0" --tmp-dir "$1" "$2" >/dev/null 2>&1' "$WORK/$kind.duckdb" "$WORK" "$ROWS_FILE"
		echo "$BENCH_SECS" >>"$WORK/$kind.t"
		bench_time env VP_DUCKDB_KEY="$key" bash -c '[ -n "$VP_DUCKDB_KEY" ] || unset VP_DUCKDB_KEY
			bq-export --target duckdb:"$0" --table bronze.orders >/dev/null 2>&1' "$WORK/$kind.duckdb"
		echo "$BENCH_SECS" >>"$WORK/$kind.x"
	done
	echo "round $round: load plain $(tail -1 "$WORK/plain.t")s, encrypted $(tail -1 "$WORK/enc.t")s"
done
pt=$(median <"$WORK/plain.t") et=$(median <"$WORK/enc.t") px=$(median <"$WORK/plain.x") ex=$(median <"$WORK/enc.x")
psize=$(stat -c %s "$WORK/plain.duckdb") esize=$(stat -c %s "$WORK/enc.duckdb")
{
	echo "## bq-load and bq-export on an encrypted DuckDB warehouse"
	echo
	echo "Machine: $(bench_machine); shared with other jobs (load average $(cut -d' ' -f1 /proc/loadavg) at the end): figures are indicative."
	echo "Command: \`bench/run bqload-encrypted\` (BENCH_ENC_SIZE=$SIZE, $ROUNDS alternating rounds, median)."
	echo "Input: $nrows normalized order rows, $bytes bytes."
	echo
	echo "| warehouse | bq-load s | MB/s | bq-export bronze.orders s | file bytes |"
	echo "|---|---:|---:|---:|---:|"
	echo "| plain | $pt | $(mbs "$bytes" "$pt") | $px | $psize |"
	echo "| encrypted (VP_DUCKDB_KEY) | $et | $(mbs "$bytes" "$et") | $ex | $esize |"
	echo
	echo "Encrypted / plain load time: $(awk -v a="$et" -v b="$pt" 'BEGIN { printf "%.2f", a / b }')."
} >"$OUT"
cat "$OUT"
