#!/usr/bin/env bash
# vtex-webhook under load on loopback: wrk with 64 connections POSTing a
# realistic hook notification with the secret header (bench/webhook-post.lua),
# output to a file; plain (written and flushed before 200) and --spool
# (journalled and fdatasync'd before 200); next to a Python ThreadingHTTPServer
# receiver doing the same checks and the same write+flush (the peer). Then,
# when kafka-cat is built, the latency from hook to Kafka through
# scripts/flows/orders-ingest. Writes bench/results/webhook.md.
. "$(dirname "$0")/lib.sh"
OUT=$VP_ROOT/bench/results/webhook.md
WORK=$BENCH_DATA/webhook
DUR=${BENCH_WEBHOOK_SECONDS:-10}
CONNS=64
rm -rf "$WORK" && mkdir -p "$WORK"
export WH_SECRET=bench-secret-$RANDOM-0123456789 VTEX_WEBHOOK_SECRET
VTEX_WEBHOOK_SECRET=$WH_SECRET
# Whatever this starts is stopped on every way out: the processes in pids
# (the flow stops its own stages on SIGTERM), then the broker, if one was
# started. (Every step may fail without ending the trap: set -e holds in it,
# and a kill of what had already ended used to leave the flow and the broker
# running.)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	[ ! -d "$WORK/kafka" ] || "$VP_ROOT/scripts/kafka/stop" --dir "$WORK/kafka" --timeout 10 >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wrk_run URL: "req/s p50 p99 non2xx"
wrk_run() {
	wrk -t2 -c"$CONNS" -d"${DUR}s" --latency -s "$VP_ROOT/bench/webhook-post.lua" "$1" >"$WORK/wrk.txt" 2>&1
	awk '
		/Requests\/sec/ { rps = $2 }
		$1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
		/Non-2xx/ { bad = $NF }
		END { printf "%.0f %s %s %s\n", rps, p50, p99, bad ? bad : 0 }' "$WORK/wrk.txt"
}

start_webhook() { # NAME ARGS...
	local name=$1
	shift
	vtex-webhook --listen 127.0.0.1:0 --ready-file "$WORK/$name.url" --log-level warn "$@" 2>"$WORK/$name.log" &
	pids+=($!)
	for _ in $(seq 100); do [ -s "$WORK/$name.url" ] && break; sleep 0.05; done
}

rows=()
start_webhook plain --output "$WORK/plain.ndjson" --no-spool
read -r rps p50 p99 bad < <(wrk_run "$(cat "$WORK/plain.url")/hook")
lines=$(wc -l <"$WORK/plain.ndjson")
rows+=("| vtex-webhook --no-spool, output file (write+flush before 200) | $rps | $p50 | $p99 | $bad | $lines |")
plain_rps=$rps
metrics=$(curl -s "$(cat "$WORK/plain.url")/metrics")
batch=$(awk '$1 ~ /^vtex_pipes_webhook_batch_lines_sum($|\{)/ { s = $2 } $1 ~ /^vtex_pipes_webhook_batch_lines_count($|\{)/ { c = $2 } END { printf "%.1f", c ? s / c : 0 }' <<<"$metrics")
kill "${pids[-1]}"; wait "${pids[-1]}" || true

start_webhook spool --output "$WORK/spool.ndjson" --spool "$WORK/spool"
read -r rps p50 p99 bad < <(wrk_run "$(cat "$WORK/spool.url")/hook")
sleep 1
lines=$(wc -l <"$WORK/spool.ndjson")
rows+=("| vtex-webhook --spool (append+fdatasync before 200) | $rps | $p50 | $p99 | $bad | $lines |")
spool_batch=$(curl -s "$(cat "$WORK/spool.url")/metrics" | awk '$1 ~ /^vtex_pipes_webhook_batch_lines_sum($|\{)/ { s = $2 } $1 ~ /^vtex_pipes_webhook_batch_lines_count($|\{)/ { c = $2 } END { printf "%.1f", c ? s / c : 0 }')
kill "${pids[-1]}"; wait "${pids[-1]}" || true

port=$(free_port)
python3 "$VP_ROOT/bench/webhook_peer.py" "$port" "$WORK/peer.ndjson" 2>"$WORK/peer.log" &
pids+=($!)
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.05; done
read -r rps p50 p99 bad < <(wrk_run "http://127.0.0.1:$port/hook")
lines=$(wc -l <"$WORK/peer.ndjson")
rows+=("| peer: Python ThreadingHTTPServer, same checks, write+flush | $rps | $p50 | $p99 | $bad | $lines |")
peer_rps=$rps
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

# Hook to Kafka: orders-ingest (vtex-webhook | kafka-cat -P) on a local broker;
# a consumer stamps each message as it arrives.
kafka_rows=()
if [ -x "$VP_ROOT/bin/kafka-cat" ] && [ -x "$VP_ROOT/scripts/kafka/start" ] && [ -x "$VP_ROOT/scripts/flows/orders-ingest" ]; then
	brokers=$("$VP_ROOT/scripts/kafka/start" --dir "$WORK/kafka" --port 0 2>"$WORK/kafka.log")
	wport=$(free_port)
	topic=bench.hooks.$RANDOM
	KAFKA_BROKERS=$brokers VP_VAR=$WORK/var VTEX_WEBHOOK_LISTEN=127.0.0.1:$wport ORDERS_HOOK_TOPIC=$topic \
		"$VP_ROOT/scripts/flows/orders-ingest" 2>"$WORK/ingest.log" &
	pids+=($!)
	for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$wport/healthz" && break; sleep 0.1; done
	# The consumer runs kafka-cat itself, so that stopping it stops kafka-cat
	# too (which would wait for its 1000 messages forever when fewer come).
	python3 -c '
import json, signal, subprocess, sys, time
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
signal.signal(signal.SIGTERM, lambda *_: (p.terminate(), sys.exit(0)))
for line in p.stdout:
    m = json.loads(line)
    print(json.loads(m["value"])["OrderId"], time.time(), flush=True)
' kafka-cat -C -b "$brokers" -t "$topic" -o beginning -c 1000 -J >"$WORK/arrived.txt" &
	pids+=($!)
	sleep 2
	# 1000 hooks at about 100/s, each stamped when sent.
	python3 - "$wport" "$WH_SECRET" >"$WORK/sent.txt" <<'PY'
import http.client, json, sys, time
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
for i in range(1000):
    oid = "v%09dbnch-01" % i  # VTEX's form (rules/hook.json): the gate drops others
    body = json.dumps({"Domain": "Fulfillment", "OrderId": oid, "State": "invoiced",
                       "LastChange": "2026-01-15T17:11:39.2550122Z"})
    t = time.time()
    c.request("POST", "/hook", body, {"key": sys.argv[2], "Content-Type": "application/json"})
    c.getresponse().read()
    print(oid, t, flush=True)
    time.sleep(0.01)
PY
	for _ in $(seq 100); do [ "$(wc -l <"$WORK/arrived.txt")" -ge 1000 ] && break; sleep 0.1; done
	read -r n kp50 kp99 < <(python3 - "$WORK/sent.txt" "$WORK/arrived.txt" <<'PY'
import sys
sent = dict(l.split() for l in open(sys.argv[1]))
lat = sorted((float(t) - float(sent[o])) * 1000 for o, t in (l.split() for l in open(sys.argv[2])) if o in sent)
q = lambda p: "%.1f" % lat[min(len(lat) - 1, int(p * len(lat)))] if lat else "-"
print(len(lat), q(0.5), q(0.99))
PY
)
	kafka_rows+=("| hook POST sent -> message consumed from Kafka (orders-ingest, 100 hooks/s) | $n/1000 | ${kp50} ms | ${kp99} ms |")
fi

{
	echo "## vtex-webhook"
	echo
	echo "Machine: $(bench_machine). wrk 2 threads, $CONNS connections, ${DUR} s each, loopback;"
	echo "each request POSTs a ~330-byte VTEX hook notification with the secret header"
	echo "(bench/webhook-post.lua). vtex-webhook runs with its defaults (2 server threads)."
	echo
	echo "| receiver | req/s | p50 | p99 | non-2xx | lines written |"
	echo "|---|---:|---:|---:|---:|---:|"
	printf '%s\n' "${rows[@]}"
	echo
	echo "vtex-webhook / peer: $(echo "scale=1; $plain_rps / $peer_rps" | bc)x requests/s. Group commit: $batch events per"
	echo "write on average (plain), $spool_batch per append+fdatasync (--spool). Goal: >= 20,000 req/s with p99 < 10 ms"
	echo "(wrk shares the 2 cores with the server)."
	echo
	echo "Load average when this ran: $(cut -d' ' -f1-3 /proc/loadavg) (other jobs share the machine; p99 moves"
	echo "most with it: on this 2-core machine repeated 4 s runs of the plain case gave p99 from 6 to 50 ms"
	echo "at 26,000-37,000 req/s depending on the load of other processes)."
	if [ "${#kafka_rows[@]}" -gt 0 ]; then
		echo
		echo "| hook to Kafka | messages | p50 | p99 |"
		echo "|---|---:|---:|---:|"
		printf '%s\n' "${kafka_rows[@]}"
	else
		echo
		echo "Hook to Kafka: not measured in this run (kafka-cat or scripts/kafka not built)."
	fi
	echo
	echo "Reproduce: \`make && bench/75-webhook.sh\` (BENCH_WEBHOOK_SECONDS=$DUR)."
} >"$OUT"
cat "$OUT"
