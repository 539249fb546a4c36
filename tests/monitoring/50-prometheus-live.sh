#!/usr/bin/env bash
# The dashboard and the alerts against data: a real Prometheus scrapes, every
# second, node_exporter's textfile collector over the flows' VP_METRICS_DIR and
# the servers' /metrics (vtex-webhook, vtex-gateway, kafka-cat -C) during a
# short real run: the live store's hooks through orders-ingest and
# orders-process, and the catalog (into DuckDB, then into the BigQuery
# emulator), clients and orders-reconcile flows, every VTEX request through
# vtex-gateway. Then every panel's query and every alert's expression (its
# comparison left out, so that it shows the series it compares; absent(X) as
# X) is evaluated through Prometheus' HTTP API: each returns series.
. "$(dirname "$0")/../lib.sh"
. "$VP_ROOT/tests/kafka-cat/broker.sh"
. "$VP_ROOT/tests/vtex-sandbox/sandbox_lib.sh"
. "$VP_ROOT/tests/vtex-gateway/gateway_lib.sh"
. "$VP_ROOT/tests/bq-load/common.sh"
for c in prometheus prometheus-node-exporter; do
	command -v $c >/dev/null || { echo "no $c (scripts/bootstrap 10-debian)"; exit 77; }
done
kafka_need
for t in vtex-gateway vtex-webhook vtex-sandbox vtex-fetch ndjson-validate dedup ndjson-normalize bq-load kafka-cat; do
	[ -x "$VP_BIN/$t" ] || { echo "bin/$t not built"; exit 77; }
done
flows=$VP_ROOT/scripts/flows
kafka_start --set num.partitions=2
export VP_VAR=$T_TMP/var VP_METRICS_DIR=$T_TMP/var/metrics ORDERS_FLUSH_MS=300 VTEX_ACCOUNT=sandbox
mkdir -p "$VP_METRICS_DIR"
export VTEX_WEBHOOK_SECRET=prom-secret-$RANDOM-0123456789 VTEX_SANDBOX_HOOK_SECRET
VTEX_SANDBOX_HOOK_SECRET=$VTEX_WEBHOOK_SECRET
hook_port=$(free_port) lag_port=$(free_port) ne_port=$(free_port) prom_port=$(free_port)

prometheus-node-exporter --collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$VP_METRICS_DIR" --web.listen-address="127.0.0.1:$ne_port" >"$T_TMP/ne.log" 2>&1 &
t_on_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"

BQ_TARGET=duckdb:$T_TMP/ingest.duckdb VTEX_WEBHOOK_LISTEN=127.0.0.1:$hook_port "$flows/orders-ingest" 2>"$T_TMP/ingest.log" &
ingest=$!
t_on_exit "kill $ingest 2>/dev/null; wait $ingest 2>/dev/null"
wait_for 20 curl -sf -o /dev/null "http://127.0.0.1:$hook_port/healthz" || { cat "$T_TMP/ingest.log"; t_fail "orders-ingest starts"; t_done; }
sb_start s --seed 3 --products 20 --clients 40 --orders 120 --history-days 10 --orders-per-second 2 \
	--live-step-seconds 0.4 --hook-url "http://127.0.0.1:$hook_port/hook" \
	--account-limits oms=100,catalog=100,catalog_endpoint=60,window=2,oms_pause=2 || { t_fail "sandbox starts"; t_done; }
echo '{"oms":{"budget":100,"window":2,"pause":2},"catalog":{"budget":100,"endpoint_budget":60,"window":2}}' >"$T_TMP/gw.json"
gw_start g --listen 127.0.0.1:0 -c "$T_TMP/gw.json" || { t_fail "gateway starts"; t_done; }
gw_hostport=${GW_URL#http://}
through_gw=(env -u VTEX_APP_KEY -u VTEX_APP_TOKEN -u VTEX_BASE_URL VTEX_GATEWAY="$GW_URL")

cat >"$T_TMP/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $VP_ROOT/monitoring/alerts.yml
scrape_configs:
  - job_name: vtex-pipes-flows
    static_configs:
      - targets: ["127.0.0.1:$ne_port"]
  - job_name: vtex-pipes-servers
    static_configs:
      - targets: ["127.0.0.1:$hook_port"]
        labels: { tool: vtex-webhook }
      - targets: ["127.0.0.1:$lag_port"]
        labels: { tool: kafka-cat }
      - targets: ["$gw_hostport"]
        labels: { tool: vtex-gateway }
EOC
prometheus --config.file="$T_TMP/prometheus.yml" --storage.tsdb.path="$T_TMP/tsdb" \
	--web.listen-address="127.0.0.1:$prom_port" >"$T_TMP/prometheus.log" 2>&1 &
t_on_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
PROM=http://127.0.0.1:$prom_port
wait_for 30 curl -sf -o /dev/null "$PROM/-/ready" || { tail "$T_TMP/prometheus.log"; t_fail "prometheus starts"; t_done; }

"${through_gw[@]}" BQ_TARGET=duckdb:$T_TMP/stream.duckdb KAFKA_CAT_METRICS_LISTEN=127.0.0.1:$lag_port \
	VTEX_PIPES_METRICS_INTERVAL=1 "$flows/orders-process" 2>"$T_TMP/process.log" &
process=$!
t_on_exit "kill $process 2>/dev/null; wait $process 2>/dev/null"

export BQ_TARGET=duckdb:$T_TMP/warehouse.duckdb
t_exit "catalog flow" 0 "${through_gw[@]}" "$flows/catalog" 2026-01-15T06:00:00Z 2026-01-15T13:00:00Z
t_exit "clients flow" 0 "${through_gw[@]}" "$flows/clients" 2000-01-01T00:00:00Z 2026-01-15T13:00:00Z
t_exit "orders-reconcile flow" 0 "${through_gw[@]}" VTEX_FETCH_CONCURRENCY=16 "$flows/orders-reconcile" 2025-12-20T00:00:00Z "$SB_NOW"
bq_start_emulator bronze
t_exit "catalog flow into the BigQuery emulator" 0 "${through_gw[@]}" BQ_TARGET=bigquery:test.bronze BQ_TOKEN=test-token \
	BQ_LOAD_ENDPOINT="$EP" "$flows/catalog" 2026-01-15T12:00:00Z 2026-01-15T13:00:00Z
sleep 3 # a few more scrapes of everything

# The expressions: each panel target ($flow as every flow) and each alert.
python3 - "$VP_ROOT/monitoring/grafana-dashboard.json" "$VP_ROOT/monitoring/alerts.yml" >"$T_TMP/exprs.tsv" <<'PY'
import json, re, sys
dash = json.load(open(sys.argv[1]))
for p in dash["panels"]:
    for t in p.get("targets", []):
        print(f'panel {p["title"]} [{t["refId"]}]\t{t["expr"].replace("$flow", ".*")}')
# alerts.yml: "- alert: NAME" then "expr: EXPR" (one line, or a >- block)
lines = open(sys.argv[2]).read().split("\n")
i = 0
while i < len(lines):
    m = re.match(r"\s*- alert: (\S+)", lines[i])
    if m:
        name = m.group(1)
        while "expr:" not in lines[i]:
            i += 1
        e = lines[i].split("expr:", 1)[1].strip()
        if e == ">-":
            block = []
            ind = len(lines[i + 1]) - len(lines[i + 1].lstrip())
            while i + 1 < len(lines) and lines[i + 1].strip() and len(lines[i + 1]) - len(lines[i + 1].lstrip()) >= ind:
                i += 1
                block.append(lines[i].strip())
            e = " ".join(block)
        e = re.sub(r"\s*(>|<|==|!=|>=|<=)\s*[0-9.* ]+$", "", e)
        a = re.fullmatch(r"absent\((.*)\)", e)
        print(f"alert {name}\t{a.group(1) if a else e}")
    i += 1
PY
t_run "the dashboard and the alerts have expressions ($(wc -l <"$T_TMP/exprs.tsv"))" test "$(wc -l <"$T_TMP/exprs.tsv")" -ge 30
while IFS=$'\t' read -r what expr; do
	n=$(curl -s --data-urlencode "query=$expr" "$PROM/api/v1/query" | jq '.data.result | length')
	t_run "$what returns series ($n)" test "${n:-0}" -gt 0
done <"$T_TMP/exprs.tsv"

kill -TERM "$process"; wait "$process" 2>/dev/null
kill -TERM "$ingest"; wait "$ingest" 2>/dev/null
t_done
