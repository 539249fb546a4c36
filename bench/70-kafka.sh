#!/usr/bin/env bash
# kafka-cat against kcat (Debian's, the same librdkafka 2.0.2): producing and
# consuming 1,000,000 NDJSON lines of about 1 KB on a local single-node broker
# (scripts/kafka/start, three partitions), side by side in one run, each tool
# with the same librdkafka settings: acks=all, idempotence, linger.ms=5, lz4,
# murmur2_random. Each round produces into a fresh topic per tool, then each
# tool consumes the topic kafka-cat produced (-o beginning -e, through a pipe
# into wc -l, which also checks the count). Three rounds, tools alternating;
# the median is compared. KAFKA_BENCH_MESSAGES scales it.
. "$(dirname "$0")/lib.sh"
cd "$VP_ROOT"
n=${KAFKA_BENCH_MESSAGES:-1000000}
rounds=${KAFKA_BENCH_ROUNDS:-3}
data=$BENCH_DATA/kafka-$n.ndjson
out=$VP_ROOT/bench/out/kafka
command -v kcat >/dev/null || { echo "kcat not installed: skipping"; exit 0; }
if [ ! -s "$data" ]; then
	echo "generating $data"
	python3 bench/gen-kafka-input.py "$n" >"$data.tmp"
	mv "$data.tmp" "$data"
fi
bytes=$(stat -c %s "$data")
rm -rf "$out"
mkdir -p "$out"
B=$(KAFKA_HEAP=1g scripts/kafka/start --dir "$out/broker" --port 0 --set num.partitions=3)
trap 'scripts/kafka/stop --dir "$out/broker" || true' EXIT
X=(-X acks=all -X enable.idempotence=true -X linger.ms=5 -X compression.type=lz4 -X partitioner=murmur2_random)

# Warm-up: the broker's first idempotent producer waits for its transaction
# coordinator to load; neither tool should pay for that in a timed run.
echo warm | bin/kafka-cat -P -b "$B" -t warmup "${X[@]}" -q
echo warm | kcat -P -b "$B" -t warmup "${X[@]}"

declare -A secs
run() { # KEY CMD... (stdin: the data or nothing); appends wall seconds to secs[KEY]
	local key=$1 count
	shift
	bench_time "$@" >"$out/$key.count" 2>"$out/$key.log"
	secs[$key]="${secs[$key]:-} $BENCH_SECS"
	echo "   $key: $BENCH_SECS s $(cat "$out/$key.count" 2>/dev/null)"
}
count_lines() { # CMD...: runs CMD | wc -l (the pipe a consumer feeds in a flow)
	"$@" | wc -l
}
for r in $(seq "$rounds"); do
	echo "== round $r"
	run produce_kc bash -c "bin/kafka-cat -P -b $B -t kc-$r ${X[*]} -q <'$data'"
	run produce_kcat bash -c "kcat -P -b $B -t kcat-$r ${X[*]} <'$data'"
	run consume_kcat bash -c "kcat -C -b $B -t kc-$r -o beginning -e -q | wc -l"
	run consume_kc bash -c "bin/kafka-cat -C -b $B -t kc-$r -e -q | wc -l"
	[ "$(cat "$out/consume_kc.count")" = "$n" ] || { echo "kafka-cat read $(cat "$out/consume_kc.count") of $n"; exit 1; }
	[ "$(cat "$out/consume_kcat.count")" = "$n" ] || { echo "kcat read $(cat "$out/consume_kcat.count") of $n"; exit 1; }
done
# Both tools' topics hold every message.
for t in kc-1 kcat-1; do
	got=$(bin/kafka-cat -C -b "$B" -t "$t" -e -q | wc -l)
	[ "$got" = "$n" ] || { echo "topic $t holds $got of $n"; exit 1; }
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

{
	echo "## kafka-cat"
	echo
	echo "Machine: $(bench_machine); the broker (Kafka $(. scripts/versions.env; echo "$KAFKA_VERSION"), 1 GiB heap) on the same two cores."
	echo
	echo "Reproduce: \`bench/run kafka\` (input: \`bench/gen-kafka-input.py $n\`, $((bytes / 1048576)) MiB, $n order-hook"
	echo "lines of $((bytes / n)) bytes on average). Both tools with \`${X[*]}\`,"
	echo "three partitions; consumers read from the beginning to the end (\`-e\`) into \`wc -l\`."
	echo "Wall seconds of each of $rounds rounds (tools alternating), the median compared."
	echo
	echo "| operation | kafka-cat s | kcat s | kafka-cat msg/s | kcat msg/s | kafka-cat MB/s | speed vs kcat |"
	echo "|---|---|---|---|---|---|---|"
	for op in produce consume; do
		a=$(median "${secs[${op}_kc]}") b=$(median "${secs[${op}_kcat]}")
		echo "| $op $n (rounds:${secs[${op}_kc]} /${secs[${op}_kcat]}) | $a | $b | $(awk -v n="$n" -v s="$a" 'BEGIN { printf "%.0f", n / s }') | $(awk -v n="$n" -v s="$b" 'BEGIN { printf "%.0f", n / s }') | $(awk -v b="$bytes" -v s="$a" 'BEGIN { printf "%.0f", b / s / 1e6 }') | $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2fx", b / a }') |"
	done
	echo
	echo "kafka-cat -P also waits for every delivery report and counts failures (exit 75); kcat -P"
	echo "flushes at EOF too. Both consumers here read without a group (no commits); kafka-cat -C -G"
	echo "adds a commit per --commit-interval-ms (1 s), after a flush."
} >bench/results/kafka.md
cat bench/results/kafka.md
rm -rf "$out"
