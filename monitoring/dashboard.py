# Builds monitoring/grafana-dashboard.json (edit this, then: python3 monitoring/dashboard.py >monitoring/grafana-dashboard.json).
# Every query uses only metrics the tools emit (tests/monitoring/20-metric-names.sh).
import json
panels = []
y = 0
pid = 0
def row(title):
    global y, pid
    pid += 1
    panels.append({"type": "row", "title": title, "id": pid, "collapsed": False,
                   "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}, "panels": []})
    y += 1
x = 0
def panel(title, kind, targets, w=12, h=8, unit=None, desc=None):
    global x, y, pid
    pid += 1
    if x + w > 24:
        x = 0; y += h
    p = {"type": kind, "title": title, "id": pid, "datasource": {"type": "prometheus", "uid": "${datasource}"},
         "gridPos": {"h": h, "w": w, "x": x, "y": y},
         "targets": [{"refId": chr(65 + i), "expr": e, "legendFormat": l,
                      "datasource": {"type": "prometheus", "uid": "${datasource}"}} for i, (e, l) in enumerate(targets)],
         "fieldConfig": {"defaults": {"unit": unit or "short"}, "overrides": []},
         "options": {}}
    if desc: p["description"] = desc
    if kind == "table":
        for t in p["targets"]: t["instant"] = True; t["format"] = "table"
    panels.append(p)
    x += w
    if x >= 24:
        x = 0; y += h
def endrow():
    global x, y
    if x: x = 0; y += 8

F = 'flow=~"$flow"'
row("Volume per entity")
panel("Rows loaded into the warehouse, per flow (entity)", "timeseries",
      [(f'sum by (flow) (increase(vtex_pipes_records_total{{tool="bq-load",outcome="loaded",{F}}}[1h]))', "{{flow}}")],
      desc="bq-load's loaded rows per hour; catalog = products, clients = customers, orders-* = orders.")
panel("Records fetched from VTEX, per flow", "timeseries",
      [(f'sum by (flow) (increase(vtex_pipes_records_total{{tool="vtex-fetch",outcome="out",{F}}}[1h]))', "{{flow}}")])
panel("Records by stage and outcome (24 h)", "table",
      [(f'sum by (flow, stage, outcome) (increase(vtex_pipes_records_total{{{F}}}[24h]))', "")], w=12)
panel("Relational rows written by normalize (1 h)", "timeseries",
      [(f'sum by (flow) (increase(vtex_pipes_rows_total{{{F}}}[1h]))', "{{flow}}")])
endrow()
row("Failures")
panel("Last exit status per flow", "stat", [(f'vtex_pipes_flow_last_exit_code{{{F}}}', "{{flow}}")], w=8,
      desc="0 success; 1 rejects; 64 usage; 69 unavailable; 74 I/O; 75 temporary (retried); 78 configuration.")
panel("Failed runs (24 h)", "stat",
      [(f'sum by (flow) (increase(vtex_pipes_flow_runs_total{{outcome="failure",{F}}}[24h]))', "{{flow}}")], w=8)
panel("Rejected or failed records (1 h)", "timeseries",
      [(f'sum by (flow, stage) (increase(vtex_pipes_records_total{{outcome=~"rejected|failed",{F}}}[1h]))', "{{flow}}/{{stage}}")], w=8)
panel("HTTP attempts by status (1 h)", "timeseries",
      [(f'sum by (tool, code) (increase(vtex_pipes_http_requests_total{{{F}}}[1h]))', "{{tool}} {{code}}")])
panel("HTTP retries and requests given up (1 h)", "timeseries",
      [(f'sum by (tool) (increase(vtex_pipes_http_retries_total{{{F}}}[1h]))', "{{tool}} retries"),
       (f'sum by (tool, reason) (increase(vtex_pipes_http_failures_total{{{F}}}[1h]))', "{{tool}} gave up: {{reason}}")])
panel("Webhook answers by status", "timeseries",
      [('sum by (code) (rate(vtex_pipes_webhook_requests_total[5m]))', "{{code}}")], unit="reqps")
panel("Validation failures by rule (24 h)", "table",
      [(f'sum by (rule) (increase(vtex_pipes_validate_violations_total{{{F}}}[24h]))', "")])
endrow()
row("Latency")
panel("VTEX and BigQuery request duration, p50 and p95", "timeseries",
      [(f'histogram_quantile(0.5, sum by (le, tool) (rate(vtex_pipes_http_request_duration_seconds_bucket{{{F}}}[1h])))', "{{tool}} p50"),
       (f'histogram_quantile(0.95, sum by (le, tool) (rate(vtex_pipes_http_request_duration_seconds_bucket{{{F}}}[1h])))', "{{tool}} p95")],
      unit="s")
panel("Webhook answer time, p95", "timeseries",
      [('histogram_quantile(0.95, sum by (le) (rate(vtex_pipes_webhook_request_duration_seconds_bucket[5m])))', "p95")], unit="s")
panel("Flow run duration (last run)", "timeseries", [(f'vtex_pipes_flow_last_duration_seconds{{{F}}}', "{{flow}}")], unit="s")
panel("BigQuery API calls and bytes sent (1 h)", "timeseries",
      [(f'sum by (flow) (increase(vtex_pipes_bq_calls_total{{{F}}}[1h]))', "{{flow}} calls"),
       (f'sum by (flow) (increase(vtex_pipes_bq_request_bytes_total{{{F}}}[1h]))', "{{flow}} bytes")])
endrow()
row("Lag")
panel("Kafka consumer lag (messages)", "timeseries",
      [('sum by (group, topic) (vtex_pipes_kafka_consumer_lag_messages)', "{{group}} {{topic}}")])
panel("Share of vtex-fetch attempts that were retries (1 h)", "timeseries",
      [(f'sum by (flow) (increase(vtex_pipes_http_retries_total{{tool="vtex-fetch",{F}}}[1h])) / sum by (flow) (increase(vtex_pipes_http_requests_total{{tool="vtex-fetch",{F}}}[1h]))', "{{flow}}")],
      unit="percentunit")
endrow()
row("VTEX budget (vtex-gateway)")
panel("Budget used and left in the current window, per class", "timeseries",
      [('max by (class) (vtex_pipes_gateway_budget_used_requests)', "{{class}} used"),
       ('max by (class) (vtex_pipes_gateway_budget_left_requests)', "{{class}} left")],
      desc="Requests started and left in the class's budget window (vtex_pipes_gateway_budget_window_seconds); alert VtexPipesVtexBudgetExhausted.")
panel("Queue wait by priority, p50 and p99", "timeseries",
      [('histogram_quantile(0.5, sum by (le, priority) (rate(vtex_pipes_gateway_queue_wait_seconds_bucket[5m])))', "{{priority}} p50"),
       ('histogram_quantile(0.99, sum by (le, priority) (rate(vtex_pipes_gateway_queue_wait_seconds_bucket[5m])))', "{{priority}} p99")],
      unit="s", desc="Realtime should stay low while batch and backfill wait (7:2:1 share).")
panel("Requests waiting, by class and priority", "timeseries",
      [('sum by (class, priority) (vtex_pipes_gateway_queued_requests)', "{{class}} {{priority}}")])
panel("VTEX 429s and retries per class (1 h)", "timeseries",
      [('sum by (class) (increase(vtex_pipes_gateway_throttled_total[1h]))', "{{class}} 429"),
       ('sum by (class) (increase(vtex_pipes_gateway_retries_total[1h]))', "{{class}} retries")],
      desc="Each 429 pauses its class for every caller; none is passed on to a tool.")
panel("VTEX latency through the gateway, p95 per class", "timeseries",
      [('histogram_quantile(0.95, sum by (le, class) (rate(vtex_pipes_gateway_upstream_seconds_bucket[5m])))', "{{class}} p95")],
      unit="s")
panel("Answers to callers by priority and status (5 m)", "timeseries",
      [('sum by (priority, code) (rate(vtex_pipes_gateway_requests_total[5m]))', "{{priority}} {{code}}")], unit="reqps")
endrow()
row("Freshness")
panel("Time since the last successful run", "stat",
      [(f'time() - vtex_pipes_flow_last_success_timestamp_seconds{{{F}}}', "{{flow}}")], unit="s", w=12,
      desc="catalog every 6 h (alert at 7 h), clients daily, orders-reconcile hourly, dbt gold every 15 min.")
panel("Time since the last run ended", "stat",
      [(f'time() - vtex_pipes_flow_last_run_timestamp_seconds{{{F}}}', "{{flow}}")], unit="s", w=12)
endrow()

dash = {
    "title": "vtex-pipes",
    "uid": "vtex-pipes",
    "description": "vtex-pipes flows and servers: volume, failures, latency, lag, freshness. Metrics: man 7 vtex-pipes; monitoring/README.md.",
    "tags": ["vtex-pipes"],
    "schemaVersion": 39,
    "version": 1,
    "editable": True,
    "time": {"from": "now-2d", "to": "now"},
    "refresh": "1m",
    "timezone": "utc",
    "templating": {"list": [
        {"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Prometheus"},
        {"name": "flow", "type": "query", "label": "flow", "datasource": {"type": "prometheus", "uid": "${datasource}"},
         "query": {"query": "label_values(vtex_pipes_flow_runs_total, flow)", "refId": "flow"},
         "definition": "label_values(vtex_pipes_flow_runs_total, flow)",
         "includeAll": True, "multi": True, "allValue": ".*", "current": {"text": "All", "value": "$__all"}, "refresh": 2},
    ]},
    "annotations": {"list": []},
    "panels": panels,
}
print(json.dumps(dash, indent=2))
