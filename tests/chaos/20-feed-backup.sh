#!/usr/bin/env bash
# The feed as the hooks' backup: orders-ingest is down for a while and the
# store drops each hook after one failed try (--hook-max-attempts 1), so every
# change of those seconds is announced by nothing but VTEX's order feed.
# orders-feed and orders-process run throughout (orders-process killed once on
# the way); after the store freezes and the flows drain, silver and gold equal
# the truth with no orders-reconcile over the live window.
. "$(dirname "$0")/../lib.sh"
. "$VP_ROOT/tests/kafka-cat/broker.sh"
. "$VP_ROOT/tests/vtex-sandbox/sandbox_lib.sh"
. "$(dirname "$0")/chaos_lib.sh"
kafka_need
py=${VP_CACHE:-$HOME/.cache/vtex-pipes}/venv-dbt/bin/python
for t in vtex-webhook vtex-sandbox vtex-fetch ndjson-validate dedup ndjson-normalize bq-load kafka-cat; do
	[ -x "$VP_BIN/$t" ] || { echo "bin/$t not built"; exit 77; }
done
[ -x "$py" ] || { echo "no dbt virtualenv (scripts/bootstrap)"; exit 77; }
flows=$VP_ROOT/scripts/flows
kafka_start --set num.partitions=3
export VP_VAR=$T_TMP/var BQ_TARGET=duckdb:$T_TMP/warehouse.duckdb ORDERS_FLUSH_MS=300 VTEX_ACCOUNT=sandbox
export VTEX_PIPES_METRICS_INTERVAL=1 VTEX_WEBHOOK_SECRET=feed-secret-$RANDOM$RANDOM-0123456789 VTEX_SANDBOX_HOOK_SECRET
VTEX_SANDBOX_HOOK_SECRET=$VTEX_WEBHOOK_SECRET ORDERS_INSTANCE_ID=feed-backup
export ORDERS_INSTANCE_ID
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
truth=$T_TMP/truth.json

sb_start s --seed 31 --products 20 --clients 50 --orders 120 --history-days 60 --truth "$truth" \
	--orders-per-second 3 --live-step-seconds 0.5 --hook-url "http://127.0.0.1:$port/hook" \
	--hook-max-attempts 1 --hook-timeout-ms 2000 \
	--feed-config '{"queue":{"visibilityTimeoutInSeconds":20}}' ||
	{ t_fail "sandbox starts"; t_done; }
export VTEX_BASE_URL=$SB_URL
# The feed exists from the store's start (a feed sees only later changes), with a
# short visibility timeout, so an event whose commit a kill prevented comes back soon.
export VTEX_FETCH_VISIBILITY_TIMEOUT=20 # orders-feed's own --configure then finds it as asked
t_exit "vtex-fetch feed --configure finds the feed as asked" 0 vtex-fetch feed --configure
supervise orders-ingest env VTEX_WEBHOOK_LISTEN="127.0.0.1:$port" "$flows/orders-ingest"
supervise orders-feed "$flows/orders-feed"
# The history, loaded first (orders-process, which holds the DuckDB file while
# it runs, starts after it; Kafka keeps the events meanwhile): every later
# change must come by hook or feed.
t_exit "orders-reconcile over the history before the live store" 0 \
	"$flows/orders-reconcile" 2025-11-01T00:00:00Z "$SB_NOW"
supervise orders-process "$flows/orders-process"
sleep 5
unsupervise orders-ingest
echo "# orders-ingest down"
sleep 6
chaos_kill orders-process bq-load || true
sleep 6
supervise orders-ingest env VTEX_WEBHOOK_LISTEN="127.0.0.1:$port" "$flows/orders-ingest"
echo "# orders-ingest up again"
sleep 5
kill -USR2 "$(sb_pid s)"
sb_hooks_drained 300
echo "# sandbox: $SB_HOOK_EVENTS events, $SB_HOOK_OK hooks answered 200, $SB_HOOK_DROPPED dropped"
t_run "hooks were dropped while orders-ingest was down ($SB_HOOK_DROPPED)" test "$SB_HOOK_DROPPED" -gt 0
feed_left() { curl -s "$SB_URL/metrics" | prom_value vtex_sandbox_feed_messages; }
wait_for 120 eval '[ "$(feed_left)" = 0 ]'
t_eq "every feed event was committed" 0 "$(feed_left)"
unsupervise orders-ingest
unsupervise orders-feed
wait_for 120 eval '[ "$(process_lag)" = 0 ]'
t_eq "orders-process caught up with the topic" 0 "$(process_lag)"
sleep 2
unsupervise orders-process

fed=$(kafka-cat -C -q -b "$KAFKA_BROKERS" -t vtex.orders.hooks -o beginning -e 2>/dev/null |
	jq -r 'select(.EventId != null) | .EventId' | sort -u | wc -l)
t_eq "every event the store put in its feed is in Kafka" \
	"$(curl -s "$SB_URL/metrics" | prom_value vtex_sandbox_feed_events_total)" "$fed"

end=2026-01-15T13:00:00Z
t_exit "catalog flow" 0 "$flows/catalog" 2026-01-15T06:00:00Z "$end"
t_exit "clients flow" 0 "$flows/clients" 2000-01-01T00:00:00Z "$end"
t_exit "dbt flow" 0 "$flows/dbt" 2026-01-15T11:45:00Z "$end"
"$py" "$VP_ROOT/tests/e2e/compare-truth.py" "${BQ_TARGET#duckdb:}" "$truth" "feed as backup"
t_done
