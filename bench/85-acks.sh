#!/usr/bin/env bash
# The real-time path with end-to-end acknowledgements (vtex-pipes(7),
# ACKNOWLEDGEMENTS), side by side in one run with the same stages without them
# (the source commits once its line is written, as before acknowledgements):
#  1. orders-process's pipeline over the same topic of hook events (one per
#     order of a sandbox store), from the first message to the last row
#     committed: rounds alternating, the median compared;
#  2. hook-to-bronze freshness with the live store firing hooks at
#     orders-ingest and orders-process (ORDERS_FLUSH_MS=500), acknowledged and
#     not, one live run each, alternating which goes first;
#  3. VTEX's order feed: events per second vtex-fetch feed reads and commits
#     (acknowledged at once by a shell sink) from the sandbox's feed;
#  4. recovery: seconds from a SIGKILL of every process of orders-process
#     (its restart loop waits 2 s, as the systemd unit's RestartSec) to the
#     next hook's order landing in bronze, with static group membership.
# ACKS_BENCH_ORDERS (20000), ACKS_BENCH_ROUNDS (3), ACKS_BENCH_LIVE (40 s)
# scale it. With ACKS_BENCH_INTO=WAREHOUSE (a DuckDB file) only 2. runs, the
# flows as they are, into a copy of that warehouse: freshness with bronze's
# history already there (bench/results/acks-history.md; the 1,000,000-order
# copy bench/95-gold makes, say).
. "$(dirname "$0")/lib.sh"
cd "$VP_ROOT"
n=${ACKS_BENCH_ORDERS:-20000}
rounds=${ACKS_BENCH_ROUNDS:-3}
live=${ACKS_BENCH_LIVE:-40}
into=${ACKS_BENCH_INTO:-}
out=$VP_ROOT/bench/out/acks
rm -rf "$out"
mkdir -p "$out"
export VTEX_APP_KEY=vtexappkey-bench-ACKS VTEX_APP_TOKEN=bench-token-$RANDOM$RANDOM VTEX_ACCOUNT=sandbox
export VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
py=$VP_CACHE/venv-dbt/bin/python
B=$(KAFKA_HEAP=1g scripts/kafka/start --dir "$out/broker" --port 0 --set num.partitions=3)
export KAFKA_BROKERS=$B
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	scripts/kafka/stop --dir "$out/broker" >/dev/null 2>&1 || true
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
now_s() { date +%s.%N; }
sandbox() { # NAME ARGS...: starts a sandbox; its URL in $SB
	local name=$1
	shift
	rm -f "$out/$name.url"
	bin/vtex-sandbox --listen 127.0.0.1:0 --ready-file "$out/$name.url" --now 2026-01-15T12:00:00Z "$@" \
		>"$out/$name.log" 2>&1 &
	pids+=($!)
	SB_PID=$!
	for _ in $(seq 600); do [ -s "$out/$name.url" ] && break; sleep 0.1; done
	SB=$(cat "$out/$name.url")
}

# ---- 1. throughput ----
if [ -z "$into" ]; then
sandbox store --seed 5 --products 300 --clients 3000 --orders "$n" --history-days 30
export VTEX_BASE_URL=$SB
bin/vtex-fetch orders --created-since 2025-01-01T00:00:00Z --created-until 2026-01-15T12:00:00Z 2>"$out/list.log" |
	jq -c '{Domain: "Fulfillment", OrderId: .orderId, State: .status, LastState: .status,
		LastChange: .lastChange, CurrentChange: .lastChange, Origin: {Account: "sandbox", Key: env.VTEX_APP_KEY}}' \
	>"$out/hooks.ndjson"
events=$(wc -l <"$out/hooks.ndjson")
bin/kafka-cat -P -q -b "$B" -t bench.hooks --key-field OrderId <"$out/hooks.ndjson"
declare -A secs
process() { # MODE ROUND: orders-process's stages over the whole topic (-e)
	local mode=$1 r=$2 from=() to=() t0
	if [ "$mode" = acks ]; then
		from=(--ack-from "$out/acks-$r" --barrier-ms 1000 --ack-timeout 600) # -e waits for the whole backlog
		to=(--ack-to "$out/acks-$r")
	fi
	t0=$(now_s)
	bin/kafka-cat -C -q -b "$B" -G "bench-$mode-$r" -t bench.hooks -e "${from[@]}" |
		bin/dedup --key OrderId,State,LastChange |
		bin/vtex-fetch orders --from-hooks |
		bin/dedup --key orderId,lastChange |
		bin/ndjson-validate --entity order |
		bin/ndjson-normalize --entity order --raw |
		bin/bq-load --target "duckdb:$out/wh-$mode-$r.duckdb" --flush-ms 1000 --batch-bytes 16M "${to[@]}" \
			>/dev/null 2>"$out/process-$mode-$r.log"
	secs[$mode]="${secs[$mode]:-} $(awk -v a="$t0" -v b="$(now_s)" 'BEGIN { printf "%.2f", b - a }')"
	echo "   $mode round $r: $(awk -v a="$t0" -v b="$(now_s)" 'BEGIN { printf "%.2f", b - a }') s"
}
for r in $(seq "$rounds"); do
	echo "== throughput round $r"
	if [ $((r % 2)) -eq 1 ]; then process acks "$r"; process plain "$r"; else process plain "$r"; process acks "$r"; fi
done
for mode in acks plain; do
	rows=$("$py" -c "import duckdb,sys; print(duckdb.connect(sys.argv[1], read_only=True).execute('select count(*) from bronze.orders__raw').fetchone()[0])" "$out/wh-$mode-1.duckdb")
	[ "$rows" -ge "$events" ] || { echo "$mode: bronze holds $rows raw orders of $events"; exit 1; }
done
kill "$SB_PID"
fi

# ---- 2. freshness, and 4. recovery ----
# A flow under a restart loop (2 s between runs, as RestartSec=2).
supervise() { # NAME CMD...
	local name=$1
	shift
	rm -f "$out/$name.stop"
	(while [ ! -e "$out/$name.stop" ]; do
		"$@" 2>>"$out/$name.log" &
		echo "$!" >"$out/$name.pid"
		wait "$!" || true
		[ -e "$out/$name.stop" ] || sleep 2
	done) &
	pids+=($!)
}
unsupervise() { # NAME [PATTERN: the first stage of a hand-made pipeline, which SIGTERM stops]
	touch "$out/$1.stop"
	if [ -n "${2:-}" ]; then pkill -TERM -f "$2" || true; else kill -TERM "$(cat "$out/$1.pid")" 2>/dev/null || true; fi
	while kill -0 "$(cat "$out/$1.pid")" 2>/dev/null; do sleep 0.2; done
}
# The same two flows without acknowledgements: their stages as before.
plain_ingest() {
	bin/vtex-webhook --spool "$VP_VAR/spool" | bin/ndjson-validate --entity hook |
		bin/kafka-cat -P -q -b "$KAFKA_BROKERS" -t "$ORDERS_HOOK_TOPIC" --key-field OrderId
}
plain_process() {
	bin/kafka-cat -C -q -b "$KAFKA_BROKERS" -G "$ORDERS_GROUP" -t "$ORDERS_HOOK_TOPIC" | bin/dedup --key OrderId,State,LastChange |
		bin/vtex-fetch orders --from-hooks | bin/dedup --key orderId,lastChange | bin/ndjson-validate --entity order |
		bin/ndjson-normalize --entity order --raw | bin/bq-load --flush-ms 500 --batch-bytes 16M \
		>>"$VP_VAR/runs/plain/process/bq-load.out.ndjson" # its report lines, as the flows keep them
}
export -f plain_ingest plain_process
declare -A fresh
live_run() { # MODE: a live store for $live seconds through ingest and process
	local mode=$1 port secret
	port=$(free_port) secret=bench-secret-$RANDOM$RANDOM-0123456789
	export VP_VAR=$out/var-$mode BQ_TARGET=duckdb:$out/live-$mode.duckdb ORDERS_FLUSH_MS=500
	export VTEX_WEBHOOK_SECRET=$secret VTEX_SANDBOX_HOOK_SECRET=$secret VTEX_WEBHOOK_LISTEN=127.0.0.1:$port
	export ORDERS_HOOK_TOPIC=live-$mode ORDERS_GROUP=live-$mode VTEX_PIPES_METRICS_INTERVAL=0.2
	mkdir -p "$VP_VAR/spool"
	[ "$mode" != plain ] || mkdir -p "$VP_VAR/runs/plain/process"
	[ "$mode" != history ] || cp "$into" "${BQ_TARGET#duckdb:}"
	# The topic exists before the consumer subscribes (a consumer subscribed to a
	# topic not there yet sees it only at its next metadata refresh).
	bin/kafka-cat -L -b "$B" -t "live-$mode" >/dev/null 2>&1 || true
	# The store first (its hooks are retried until the webhook answers), so
	# the flows start with its address.
	sandbox "live-$mode" --seed 9 --products 100 --clients 1000 --orders 2000 --orders-per-second 20 \
		--hook-url "http://127.0.0.1:$port/hook"
	export VTEX_BASE_URL=$SB
	if [ "$mode" != plain ]; then
		supervise "ingest-$mode" scripts/flows/orders-ingest
		supervise "process-$mode" scripts/flows/orders-process
	else
		supervise "ingest-$mode" bash -c plain_ingest
		supervise "process-$mode" bash -c plain_process
	fi
	sleep "$live"
	if [ "$mode" = recover ]; then recovery; fi
	kill -USR2 "$SB_PID"
	sleep 5
	if [ "$mode" != plain ]; then
		unsupervise "ingest-$mode"
		sleep 3
		unsupervise "process-$mode"
	else
		unsupervise "ingest-$mode" "vtex-webhook --spool $VP_VAR/spool"
		sleep 3
		unsupervise "process-$mode" "kafka-cat -C -q -b $KAFKA_BROKERS -G $ORDERS_GROUP"
	fi
	kill "$SB_PID"
	bin/kafka-cat -C -q -b "$B" -t "live-$mode" -o beginning -e -J >"$out/live-$mode.hooks" 2>/dev/null
	"$py" scripts/stream-freshness.py --markdown "${BQ_TARGET#duckdb:}" "$out/live-$mode.hooks" \
		"$VP_VAR"/runs/*/*/bq-load.out.ndjson >"$out/fresh-$mode.md"
}
# Recovery: SIGKILL every process of the current orders-process run, then
# the time until the restarted run's bq-load has loaded a row.
declare -a recoveries
recovery() {
	local k run t0 f
	for k in 1 2 3; do
		run=$(ls -td "$VP_VAR/runs/orders-process"/*/ | head -1)
		t0=$(now_s)
		kill -KILL "$(cat "$out/process-recover.pid")" $(cat "$run"/*.pid "$run"/*.stage-pid 2>/dev/null) 2>/dev/null || true
		for _ in $(seq 600); do
			f=$(ls -td "$VP_VAR/runs/orders-process"/*/ | head -1)
			if [ "$f" != "$run" ] && [ -s "$f/bq-load.prom" ] &&
				awk '/^vtex_pipes_records_total[{].*outcome="loaded"/ && $NF > 0 { ok = 1 } END { exit !ok }' "$f/bq-load.prom"; then
				break
			fi
			sleep 0.1
		done
		recoveries+=("$(awk -v a="$t0" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }')")
		echo "   recovery $k: ${recoveries[-1]} s"
		sleep 5
	done
}
echo "== live runs ($live s each)"
if [ -n "$into" ]; then
	live_run history
	{
		echo "## The real-time path on a warehouse with history"
		echo
		echo "Machine: $(bench_machine); the broker (3 partitions), vtex-sandbox and every stage on the same two cores."
		echo
		echo "Reproduce: \`ACKS_BENCH_INTO=$into bench/run acks\`: $live s of a live store at 20 orders/s"
		echo "firing hooks at orders-ingest and orders-process (ORDERS_FLUSH_MS=500), as in \"The real-time path"
		echo "with end-to-end acknowledgements\","
		echo "into a copy of that warehouse ($(python3 -c 'import os, sys; print(os.path.getsize(sys.argv[1]) >> 20)' "$into") MiB,"
		echo "$("$py" -c "import duckdb,sys; print(duckdb.connect(sys.argv[1], read_only=True).execute('select count(*) from bronze.orders').fetchone()[0])" "$into") rows in bronze.orders before the run). Hook to the commit of the batch that brought the order's"
		echo "change (scripts/stream-freshness.py):"
		echo
		echo "| hook events | count | p50 | p95 | p99 | max |"
		echo "|---|---:|---:|---:|---:|---:|"
		cat "$out/fresh-history.md"
	} >bench/results/acks-history.md
	cat bench/results/acks-history.md
	exit 0
fi
if [ $((RANDOM % 2)) -eq 0 ]; then live_run acks; live_run plain; else live_run plain; live_run acks; fi
# Recovery in a live run of its own, so its outages stay out of the freshness figures.
live_run recover

# ---- 3. feed ----
sandbox feed --seed 13 --products 100 --clients 1000 --orders 2000 --orders-per-second 150 --feed-config '{}'
export VTEX_BASE_URL=$SB
sleep 20
kill -USR2 "$SB_PID" # freeze: the queue stops growing
feed_left() { curl -s "$SB/metrics" | awk '/^vtex_sandbox_feed_messages[{ ]/ { s += $NF } END { print s + 0 }'; }
queued=$(feed_left)
mkfifo "$out/feed-acks"
t0=$(now_s)
(bin/vtex-fetch feed --ack-from "$out/feed-acks" --barrier-ms 200 --metrics-file "$out/feed.prom" 2>"$out/feed.log" |
	tee >(grep --line-buffered '^{"vtex_pipes_barrier":' >"$out/feed-acks") | grep -vc '^{"vtex_pipes_barrier":' >"$out/feed.count") &
feeder=$!
for _ in $(seq 1200); do [ "$(feed_left)" = 0 ] && break; sleep 0.1; done
feed_secs=$(awk -v a="$t0" -v b="$(now_s)" 'BEGIN { printf "%.2f", b - a }')
pkill -TERM -f "vtex-fetch feed --ack-from $out/feed-acks" || true
wait "$feeder" || true
read_events=$(cat "$out/feed.count")

thr_a=$(median "${secs[acks]}") thr_p=$(median "${secs[plain]}")
{
	echo "## The real-time path with end-to-end acknowledgements"
	echo
	echo "Machine: $(bench_machine); the broker (3 partitions), vtex-sandbox and every stage on the same two cores."
	echo
	echo "Reproduce: \`bench/run acks\`. \"acks\" is the flows as they run now (kafka-cat -C and vtex-webhook"
	echo "commit only what bq-load / kafka-cat -P acknowledged, barriers every second); \"plain\" the same stages"
	echo "without --ack-from/--ack-to (a source commits once its line is written: the design before)."
	echo
	echo "orders-process's stages over one topic of $events hook events (one per order of a $n-order store),"
	echo "from the first message to the last row committed in DuckDB, $rounds rounds alternating which goes first:"
	echo
	echo "| pipeline | rounds (s) | median s | events/s | vs plain |"
	echo "|---|---|---:|---:|---:|"
	echo "| acks |${secs[acks]} | $thr_a | $(awk -v n="$events" -v s="$thr_a" 'BEGIN { printf "%.0f", n / s }') | $(awk -v a="$thr_a" -v p="$thr_p" 'BEGIN { printf "%.2fx", p / a }') |"
	echo "| plain |${secs[plain]} | $thr_p | $(awk -v n="$events" -v s="$thr_p" 'BEGIN { printf "%.0f", n / s }') | 1.00x |"
	echo
	echo "Hook-to-bronze freshness ($live s of a live store at 20 orders/s firing hooks at orders-ingest,"
	echo "orders-process with ORDERS_FLUSH_MS=500; scripts/stream-freshness.py, as in the demo section):"
	echo
	echo "**acks:**"
	echo
	echo "| hook events | count | p50 | p95 | p99 | max |"
	echo "|---|---:|---:|---:|---:|---:|"
	cat "$out/fresh-acks.md"
	echo
	echo "**plain:**"
	echo
	echo "| hook events | count | p50 | p95 | p99 | max |"
	echo "|---|---:|---:|---:|---:|---:|"
	cat "$out/fresh-plain.md"
	echo
	echo "Recovery: every process of orders-process SIGKILLed while hooks keep coming; its restart loop"
	echo "waits 2 s (the systemd unit's RestartSec); seconds from the kill to the restarted run's first"
	echo "row in bronze, with static group membership (ORDERS_INSTANCE_ID): ${recoveries[*]} (median"
	echo "$(median "${recoveries[*]}") s). Without it the killed member holds its partitions for the"
	echo "broker's session timeout (45 s by default)."
	echo
	echo "VTEX's order feed: $read_events events read from the sandbox's feed ($queued queued; maxlot 10 a"
	echo "request, as VTEX allows) and their handles committed once a shell sink acknowledged each"
	echo "barrier (every 200 ms), in $feed_secs s: $(awk -v n="$read_events" -v s="$feed_secs" 'BEGIN { printf "%.0f", n / s }') events/s. No peer tool reads"
	echo "Feed v3; the figure is the ceiling the sandbox and maxlot 10 leave, not a comparison."
} >bench/results/acks.md
cat bench/results/acks.md
