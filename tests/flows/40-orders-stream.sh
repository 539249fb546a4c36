#!/usr/bin/env bash
# The real-time flows end to end on a real broker: vtex-sandbox in live mode
# fires hooks (some twice, some out of order) at scripts/flows/orders-ingest
# (vtex-webhook | kafka-cat -P); every event the sandbox sent reaches Kafka,
# keyed by OrderId. scripts/flows/orders-process (kafka-cat -C -G | dedup |
# vtex-fetch --from-hooks | dedup | ndjson-normalize | bq-load) brings every
# hooked order into bronze.orders at its current state in the store. SIGTERM
# stops both flows cleanly (exit 0).
. "$(dirname "$0")/../lib.sh"
. "$VP_ROOT/tests/kafka-cat/broker.sh"
. "$VP_ROOT/tests/vtex-sandbox/sandbox_lib.sh"
kafka_need
for t in vtex-webhook vtex-sandbox vtex-fetch dedup ndjson-normalize bq-load; do
	[ -x "$VP_BIN/$t" ] || { echo "bin/$t not built"; exit 77; }
done
py=${VP_CACHE:-$HOME/.cache/vtex-pipes}/venv-dbt/bin/python
flows=$VP_ROOT/scripts/flows
kafka_start --set num.partitions=3
export VP_VAR=$T_TMP/var BQ_TARGET=duckdb:$T_TMP/warehouse.duckdb
export VTEX_WEBHOOK_SECRET=flow-secret-$RANDOM-0123456789 VTEX_SANDBOX_HOOK_SECRET
VTEX_SANDBOX_HOOK_SECRET=$VTEX_WEBHOOK_SECRET
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

VTEX_WEBHOOK_LISTEN=127.0.0.1:$port "$flows/orders-ingest" 2>"$T_TMP/ingest.log" &
ingest=$!
t_on_exit "kill $ingest 2>/dev/null; wait $ingest 2>/dev/null"
wait_for 20 curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" || { cat "$T_TMP/ingest.log"; t_fail "orders-ingest starts"; t_done; }
sb_start s --products 30 --clients 60 --orders 100 --orders-per-second 10 --live-step-seconds 0.4 \
	--hook-url "http://127.0.0.1:$port/hook" --hook-dup-rate 0.2 --hook-reorder-rate 0.2 ||
	{ t_fail "sandbox starts"; t_done; }
export VTEX_BASE_URL=$SB_URL
"$flows/orders-process" 2>"$T_TMP/process.log" &
process=$!
t_on_exit "kill $process 2>/dev/null; wait $process 2>/dev/null"

sleep 6
kill -USR2 "$(sb_pid s)"
sb_hooks_drained
events=$SB_HOOK_EVENTS ok=$SB_HOOK_OK dup=$SB_HOOK_DUP dropped=$SB_HOOK_DROPPED
echo "# sandbox: $events events, $ok deliveries answered 200 ($dup sent twice), $dropped dropped"
t_eq "the sandbox fired hooks, none dropped" "true 0" "$([ "$events" -gt 30 ] && echo true || echo false) $dropped"

# Kafka: every event, keyed by OrderId.
msgs() { kafka-cat -C -q -b "$KAFKA_BROKERS" -t vtex.orders.hooks -o beginning -e -J 2>/dev/null >"$T_TMP/msgs.ndjson"; }
for _ in $(seq 50); do
	msgs
	[ "$(wc -l <"$T_TMP/msgs.ndjson")" -ge "$ok" ] && break
	sleep 0.2
done
t_eq "every delivery answered 200 is a Kafka message" "$ok" "$(wc -l <"$T_TMP/msgs.ndjson")"
t_eq "every event the sandbox sent reached Kafka" "$events" \
	"$(jq -r '.value | fromjson | [.OrderId, .State, .CurrentChange] | @tsv' "$T_TMP/msgs.ndjson" | sort -u | wc -l)"
t_eq "each message is keyed by its OrderId" 0 "$(jq -r 'select(.key != (.value | fromjson | .OrderId)) | .offset' "$T_TMP/msgs.ndjson" | wc -l)"
t_eq "an order's events share one partition" 0 \
	"$(jq -r '[.key, .partition] | @tsv' "$T_TMP/msgs.ndjson" | sort -u | cut -f1 | uniq -d | wc -l)"
t_eq "each message carries _received_at" 0 "$(jq -r 'select((.value | fromjson | ._received_at) == null) | .offset' "$T_TMP/msgs.ndjson" | wc -l)"

# bronze.orders: every hooked order at its state in the store.
jq -r '.value | fromjson | .OrderId' "$T_TMP/msgs.ndjson" | sort -u >"$T_TMP/hooked.txt"
sed 's|^|/api/oms/pvt/orders/|' "$T_TMP/hooked.txt" | sb_get_many | jq -r '[.orderId, .status, .lastChange] | @tsv' |
	sort >"$T_TMP/store.tsv"
if [ -x "$py" ]; then
	bronze() {
		"$py" - "$T_TMP/warehouse.duckdb" <<'PY' 2>/dev/null
import duckdb, sys
c = duckdb.connect(sys.argv[1], read_only=True)
for oid, st, lc in c.execute('''select order_id, status, last_change from bronze.orders
        qualify row_number() over (partition by order_id order by last_change desc) = 1 order by 1''').fetchall():
    print(f"{oid}\t{st}\t{lc}")
PY
	}
	for _ in $(seq 150); do
		bronze >"$T_TMP/bronze.tsv" && [ "$(cut -f1,2 "$T_TMP/bronze.tsv")" = "$(cut -f1,2 "$T_TMP/store.tsv")" ] && break
		sleep 0.2
	done
	t_eq "bronze.orders holds every hooked order ($(wc -l <"$T_TMP/hooked.txt"))" "$(wc -l <"$T_TMP/hooked.txt")" "$(wc -l <"$T_TMP/bronze.tsv")"
	t_eq "each at its current status in the store" "" "$(diff <(cut -f1,2 "$T_TMP/store.tsv") <(cut -f1,2 "$T_TMP/bronze.tsv") | head -5)"
else
	t_skip "bronze.orders checks" "no dbt virtualenv (duckdb for Python)"
fi

kill -TERM "$ingest" "$process"
rc_i=0; wait "$ingest" || rc_i=$?
rc_p=0; wait "$process" || rc_p=$?
t_eq "SIGTERM: orders-ingest exits 0" 0 "$rc_i"
t_eq "SIGTERM: orders-process exits 0" 0 "$rc_p"
t_run "orders-ingest logged its run" grep -q 'flow=orders-ingest msg="done"' "$T_TMP/ingest.log"
t_eq "the spool is empty after a clean stop" "" "$(ls "$VP_VAR/spool/orders-ingest/"journal.* 2>/dev/null)"
t_done
