#!/usr/bin/env bash
# End to end, real time: vtex-sandbox in live mode fires hooks (some twice,
# some held back so later ones overtake them) at orders-ingest (vtex-webhook |
# ndjson-validate | kafka-cat -P) on a real broker; orders-process brings the
# hooked orders into bronze. Then orders-ingest is stopped while the store goes
# on, so the hooks of those seconds are dropped (the sandbox tries once), and
# the store freezes. The batch flows and dbt then show gold missing exactly
# what the dropped hooks announced; orders-reconcile over the live window
# repairs it: gold equals the sandbox's truth, and running that interval
# again changes nothing.
. "$(dirname "$0")/../lib.sh"
. "$VP_ROOT/tests/kafka-cat/broker.sh"
. "$VP_ROOT/tests/vtex-sandbox/sandbox_lib.sh"
kafka_need
py=${VP_CACHE:-$HOME/.cache/vtex-pipes}/venv-dbt/bin/python
for t in vtex-webhook vtex-sandbox vtex-fetch ndjson-validate dedup ndjson-normalize bq-load kafka-cat; do
	[ -x "$VP_BIN/$t" ] || { echo "bin/$t not built"; exit 77; }
done
[ -x "$py" ] || { echo "no dbt virtualenv (scripts/bootstrap)"; exit 77; }
flows=$VP_ROOT/scripts/flows
kafka_start --set num.partitions=3
export VP_VAR=$T_TMP/var BQ_TARGET=duckdb:$T_TMP/warehouse.duckdb ORDERS_FLUSH_MS=300 VTEX_ACCOUNT=sandbox
export VTEX_WEBHOOK_SECRET=e2e-secret-$RANDOM-0123456789 VTEX_SANDBOX_HOOK_SECRET
VTEX_SANDBOX_HOOK_SECRET=$VTEX_WEBHOOK_SECRET
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
truth=$T_TMP/truth.json

VTEX_WEBHOOK_LISTEN=127.0.0.1:$port "$flows/orders-ingest" 2>"$T_TMP/ingest.log" &
ingest=$!
t_on_exit "kill $ingest 2>/dev/null; wait $ingest 2>/dev/null"
wait_for 20 curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" || { cat "$T_TMP/ingest.log"; t_fail "orders-ingest starts"; t_done; }
sb_start s --seed 11 --products 30 --clients 80 --orders 150 --history-days 20 --truth "$truth" \
	--orders-per-second 8 --live-step-seconds 0.4 --hook-url "http://127.0.0.1:$port/hook" \
	--hook-dup-rate 0.2 --hook-reorder-rate 0.2 --hook-max-attempts 1 --hook-timeout-ms 2000 ||
	{ t_fail "sandbox starts"; t_done; }
export VTEX_BASE_URL=$SB_URL
VTEX_PIPES_METRICS_INTERVAL=1 "$flows/orders-process" 2>"$T_TMP/process.log" &
process=$!
t_on_exit "kill $process 2>/dev/null; wait $process 2>/dev/null"

sleep 6
kill -TERM "$ingest"
rc=0; wait "$ingest" || rc=$?
t_eq "orders-ingest stops cleanly while the store goes on" 0 "$rc"
sleep 3
kill -USR2 "$(sb_pid s)" # freeze: the truth file is written
sb_hooks_drained
held=$(curl -s "$SB_URL/metrics" | prom_value vtex_sandbox_hook_held_total)
echo "# sandbox: $SB_HOOK_EVENTS events, $SB_HOOK_OK delivered, $SB_HOOK_DUP sent twice, $held held back, $SB_HOOK_DROPPED dropped"
t_run "hooks were delivered twice ($SB_HOOK_DUP)" test "$SB_HOOK_DUP" -gt 0
t_run "hooks were delivered out of order ($held)" test "$held" -gt 0
t_run "hooks were dropped while the receiver was down ($SB_HOOK_DROPPED)" test "$SB_HOOK_DROPPED" -gt 0

# orders-process has consumed every message once its consumer's count reaches
# the topic's; SIGTERM then drains the pipeline into bronze.
topic_count() { kafka-cat -C -q -b "$KAFKA_BROKERS" -t vtex.orders.hooks -o beginning -e 2>/dev/null | wc -l; }
consumed() {
	cat "$VP_VAR"/runs/orders-process/*/consume.prom 2>/dev/null |
		prom_value 'vtex_pipes_kafka_messages_total{mode="consume",outcome="consumed"}'
}
wait_for 60 eval '[ "$(consumed)" -ge "$(topic_count)" ]'
t_eq "orders-process consumed every hook in Kafka" "$(topic_count)" "$(consumed)"
kill -TERM "$process"
rc=0; wait "$process" || rc=$?
t_eq "orders-process drains and stops cleanly" 0 "$rc"

end=2026-01-15T13:00:00Z # past the sandbox's clock at the freeze
t_exit "catalog flow" 0 "$flows/catalog" 2026-01-15T06:00:00Z "$end"
t_exit "clients flow (new customers of the live store too)" 0 "$flows/clients" 2000-01-01T00:00:00Z "$end"
t_exit "orders-reconcile over the history before the live store" 0 \
	"$flows/orders-reconcile" 2025-12-20T00:00:00Z "$SB_NOW"
t_exit "dbt flow" 0 "$flows/dbt" 2026-01-15T11:45:00Z "$SB_NOW"
"$py" "$VP_ROOT/tests/e2e/compare-truth.py" "${BQ_TARGET#duckdb:}" "$truth" "before repair" >"$T_TMP/before.txt"
t_run "before repair, gold misses what the dropped hooks announced ($(grep -c '^not ok' "$T_TMP/before.txt") checks differ)" \
	grep -q '^not ok' "$T_TMP/before.txt"

t_exit "orders-reconcile over the live window repairs it" 0 "$flows/orders-reconcile" "$SB_NOW" "$end"
t_exit "dbt flow" 0 "$flows/dbt" 2026-01-15T11:45:00Z "$end"
"$py" "$VP_ROOT/tests/e2e/compare-truth.py" "${BQ_TARGET#duckdb:}" "$truth" "after repair"
t_exit "orders-reconcile, same interval again" 0 "$flows/orders-reconcile" "$SB_NOW" "$end"
t_exit "dbt flow again" 0 "$flows/dbt" 2026-01-15T11:45:00Z "$end"
"$py" "$VP_ROOT/tests/e2e/compare-truth.py" "${BQ_TARGET#duckdb:}" "$truth" "interval run twice"
t_done
