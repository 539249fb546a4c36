#!/usr/bin/env bash
# Every flow of one account through one vtex-gateway, against a store that
# enforces VTEX's per-class limits (small budgets): the catalog and clients
# flows, an orders-reconcile over the whole history at concurrency 32, and the
# real-time orders-ingest and orders-process (the live store's hooks) at once.
# Mid-run the gateway is killed (SIGKILL) and started again on its port. No
# 429 reaches a tool, every flow completes, silver and gold equal the truth;
# the real-time fetches' latency is recorded. Then the same reconcile without
# the gateway, for contrast: the store throttles, and a real-time fetch beside
# it waits out the pause (recorded).
# One DuckDB file takes one writer at a time, so each flow loads a file of its
# own and merge-warehouses.py sums their bronze before dbt (on BigQuery they
# would share the dataset).
. "$(dirname "$0")/../lib.sh"
. "$VP_ROOT/tests/kafka-cat/broker.sh"
. "$VP_ROOT/tests/vtex-sandbox/sandbox_lib.sh"
. "$(dirname "$0")/gateway_lib.sh"
kafka_need
py=${VP_CACHE:-$HOME/.cache/vtex-pipes}/venv-dbt/bin/python
for t in vtex-gateway vtex-webhook vtex-sandbox vtex-fetch ndjson-validate dedup ndjson-normalize bq-load kafka-cat; do
	[ -x "$VP_BIN/$t" ] || { echo "bin/$t not built"; exit 77; }
done
[ -x "$py" ] || { echo "no dbt virtualenv (scripts/bootstrap)"; exit 77; }
flows=$VP_ROOT/scripts/flows
kafka_start --set num.partitions=3
export VP_VAR=$T_TMP/var ORDERS_FLUSH_MS=300 VTEX_ACCOUNT=sandbox
export VTEX_WEBHOOK_SECRET=gw-secret-$RANDOM-0123456789 VTEX_SANDBOX_HOOK_SECRET
VTEX_SANDBOX_HOOK_SECRET=$VTEX_WEBHOOK_SECRET
hook_port=$(free_port) gw_port=$(free_port)
truth=$T_TMP/truth.json
limits=oms=60,catalog=150,catalog_endpoint=100,window=2,oms_pause=3
echo '{"oms":{"budget":60,"window":2,"pause":3},"catalog":{"budget":150,"endpoint_budget":100,"window":2}}' >"$T_TMP/gw.json"

BQ_TARGET=duckdb:$T_TMP/ingest.duckdb VTEX_WEBHOOK_LISTEN=127.0.0.1:$hook_port "$flows/orders-ingest" 2>"$T_TMP/ingest.log" &
ingest=$!
t_on_exit "kill $ingest 2>/dev/null; wait $ingest 2>/dev/null"
wait_for 20 curl -sf -o /dev/null "http://127.0.0.1:$hook_port/healthz" || { cat "$T_TMP/ingest.log"; t_fail "orders-ingest starts"; t_done; }
sb_start s --seed 5 --products 30 --clients 60 --orders 300 --history-days 20 --truth "$truth" \
	--orders-per-second 1 --live-step-seconds 0.4 --new-client-share 0 --client-updates-per-second 0 \
	--hook-url "http://127.0.0.1:$hook_port/hook" --account-limits "$limits" || { t_fail "sandbox starts"; t_done; }
gw_start g --listen "127.0.0.1:$gw_port" -c "$T_TMP/gw.json" || { t_fail "gateway starts"; t_done; }
gw_url=$GW_URL

# The flows hold no VTEX credentials: only the gateway does.
through_gw=(env -u VTEX_APP_KEY -u VTEX_APP_TOKEN -u VTEX_BASE_URL VTEX_GATEWAY="$gw_url")
"${through_gw[@]}" BQ_TARGET=duckdb:$T_TMP/stream.duckdb "$flows/orders-process" 2>"$T_TMP/process.log" &
process=$!
t_on_exit "kill $process 2>/dev/null; wait $process 2>/dev/null"

# A real-time probe: one order's detail every 0.5 s, as orders-process fetches it; its seconds per fetch.
probe_id=$(sb_get '/api/oms/pvt/orders?per_page=1' | jq -r '.list[0].orderId')
probe() { # OUT ENV...: runs until killed
	local out=$1; shift
	while :; do
		local t0=$(date +%s.%N)
		env "$@" VTEX_GATEWAY_PRIORITY=realtime vtex-fetch order "$probe_id" >/dev/null 2>&1
		echo "$(date +%s.%N) - $t0" | bc >>"$out"
		sleep 0.5
	done
}
pctl() { # FILE of seconds: p50, p99, max, count
	sort -n "$1" | awk '{ v[NR] = $1 }
		END {
			if (!NR) { print "none"; exit }
			a = int(NR * 0.5 + 0.5); b = int(NR * 0.99 + 0.5)
			if (a < 1) a = 1
			if (b < 1) b = 1
			if (b > NR) b = NR
			printf "p50=%.3fs p99=%.3fs max=%.3fs n=%d", v[a], v[b], v[NR], NR
		}'
}
probe "$T_TMP/probe-gw.txt" -u VTEX_APP_KEY -u VTEX_APP_TOKEN -u VTEX_BASE_URL VTEX_GATEWAY="$gw_url" &
probe_pid=$!
t_on_exit "kill $probe_pid 2>/dev/null"

t0=$SECONDS
"${through_gw[@]}" BQ_TARGET=duckdb:$T_TMP/catalog.duckdb "$flows/catalog" 2026-01-15T06:00:00Z 2026-01-15T13:00:00Z 2>"$T_TMP/catalog.log" &
catalog=$!
"${through_gw[@]}" BQ_TARGET=duckdb:$T_TMP/clients.duckdb "$flows/clients" 2000-01-01T00:00:00Z 2026-01-15T13:00:00Z 2>"$T_TMP/clients.log" &
clients=$!
"${through_gw[@]}" BQ_TARGET=duckdb:$T_TMP/reconcile.duckdb VTEX_FETCH_CONCURRENCY=32 \
	"$flows/orders-reconcile" 2025-12-20T00:00:00Z "$SB_NOW" 2>"$T_TMP/reconcile.log" &
reconcile=$!

sleep 3
kill -KILL "$(gw_pid g)"
sleep 1
gw_start g --listen "127.0.0.1:$gw_port" -c "$T_TMP/gw.json" || { t_fail "gateway starts again on its port"; t_done; }
t_ok "gateway killed (SIGKILL) mid-run and started again"

rc=0; wait $catalog || rc=$?; t_eq "catalog flow completes" 0 "$rc"
rc=0; wait $clients || rc=$?; t_eq "clients flow completes" 0 "$rc"
rc=0; wait $reconcile || rc=$?; t_eq "orders-reconcile (concurrency 32) completes" 0 "$rc"
echo "# batch flows took $((SECONDS - t0)) s through the gateway"
kill $probe_pid 2>/dev/null; wait $probe_pid 2>/dev/null

kill -USR2 "$(sb_pid s)" # freeze: the truth file is written
sb_hooks_drained
topic_count() { kafka-cat -C -q -b "$KAFKA_BROKERS" -t vtex.orders.hooks -o beginning -e 2>/dev/null | wc -l; }
consumed() {
	cat "$VP_VAR"/runs/orders-process/*/consume.prom 2>/dev/null |
		prom_value 'vtex_pipes_kafka_messages_total{mode="consume",outcome="consumed"}'
}
wait_for 60 eval '[ "$(consumed)" -ge "$(topic_count)" ]'
kill -TERM "$process"; rc=0; wait "$process" || rc=$?
t_eq "orders-process drains and stops cleanly" 0 "$rc"
kill -TERM "$ingest"; rc=0; wait "$ingest" || rc=$?
t_eq "orders-ingest stops cleanly" 0 "$rc"

gm=$(curl -s "$gw_url/metrics")
sm=$(curl -s "$SB_URL/metrics")
# tool_answers CODE: the tools' HTTP answers with that status, from their runs' metrics.
tool_answers() { cat "$VP_VAR"/runs/*/*/*.prom 2>/dev/null | grep -a '^vtex_pipes_http_requests_total{' |
	grep -a "code=\"$1\"" | awk '{ s += $2 } END { print s + 0 }'; }
t_run "the tools' metrics hold their answers ($(tool_answers 200) answered 200)" test "$(tool_answers 200)" -gt 0
t_eq "no 429 reached a tool" 0 "$(tool_answers 429)"
t_eq "no 429 answered by the gateway" "" "$(grep -a '^vtex_pipes_gateway_requests_total' <<<"$gm" | grep -a 'code="429"')"
echo "# store's 429s to the gateway: oms $(prom_value 'vtex_sandbox_throttled_total{class="oms"}' <<<"$sm"), catalog $(prom_value 'vtex_sandbox_throttled_total{class="catalog"}' <<<"$sm")"
grep -a 'msg=request' "$T_TMP/g.gw.log" | grep -a 'priority=realtime' | sed -n 's/.* seconds=\([^ ]*\).*/\1/p' >"$T_TMP/rt-gw.txt"
grep -a 'msg=request' "$T_TMP/g.gw.log" | grep -a 'priority=batch' | grep -a 'class=oms' | sed -n 's/.* seconds=\([^ ]*\).*/\1/p' >"$T_TMP/batch-gw.txt"
t_run "real-time fetches went through the gateway ($(wc -l <"$T_TMP/rt-gw.txt"))" test -s "$T_TMP/rt-gw.txt"
echo "# through the gateway, in the gateway: realtime $(pctl "$T_TMP/rt-gw.txt"); batch oms $(pctl "$T_TMP/batch-gw.txt")"
echo "# through the gateway, the probe's vtex-fetch order (process start included): $(pctl "$T_TMP/probe-gw.txt")"

"$py" "$VP_ROOT/tests/vtex-gateway/merge-warehouses.py" "$T_TMP/warehouse.duckdb" \
	"$T_TMP"/{catalog,clients,reconcile,stream,ingest}.duckdb 2>"$T_TMP/merge.log" || { cat "$T_TMP/merge.log"; t_fail "warehouses merge"; }
export BQ_TARGET=duckdb:$T_TMP/warehouse.duckdb
t_exit "dbt flow" 0 "$flows/dbt" 2026-01-15T11:45:00Z 2026-01-15T13:00:00Z
"$py" "$VP_ROOT/tests/e2e/compare-truth.py" "$T_TMP/warehouse.duckdb" "$truth" "through the gateway"

# Contrast: the same reconcile straight at the store, a real-time probe beside it.
sb_start c --seed 5 --products 30 --clients 60 --orders 300 --history-days 20 --account-limits "$limits" ||
	{ t_fail "sandbox starts"; t_done; }
probe_id=$(sb_get '/api/oms/pvt/orders?per_page=1' | jq -r '.list[0].orderId')
probe "$T_TMP/probe-direct.txt" VTEX_BASE_URL="$SB_URL" &
probe_pid=$!
t0=$SECONDS
rc=0
VTEX_BASE_URL=$SB_URL BQ_TARGET=duckdb:$T_TMP/direct.duckdb VTEX_FETCH_CONCURRENCY=32 \
	"$flows/orders-reconcile" 2025-12-20T00:00:00Z "$SB_NOW" 2>"$T_TMP/direct.log" || rc=$?
kill $probe_pid 2>/dev/null; wait $probe_pid 2>/dev/null
sm=$(curl -s "$SB_URL/metrics")
throttled=$(prom_value 'vtex_sandbox_throttled_total{class="oms"}' <<<"$sm")
t_run "without the gateway the store throttles ($throttled 429s)" test "${throttled:-0}" -gt 0
echo "# without the gateway: reconcile exit $rc after $((SECONDS - t0)) s; the probe's vtex-fetch order: $(pctl "$T_TMP/probe-direct.txt")"
[ -n "${VP_TEST_KEEP:-}" ] && cp "$T_TMP"/*.log "$VP_TEST_KEEP"/
t_done
