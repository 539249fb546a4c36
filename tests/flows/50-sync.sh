#!/usr/bin/env bash
# scripts/flows/crm-sync and erp-sync: gold in a DuckDB file -> the test API
# server (tests/ndjson-post/api_test_server.py) standing for the CRM / ERP.
# Every customer arrives once; a re-run sends nothing new; changed rows go
# again; while the API fails (75) the watermark stays, and the next run
# delivers; refused rows (1) are in the run's rejects and the watermark moves.
. "$(dirname "$0")/../lib.sh"
. "$VP_ROOT/tests/bq-load/common.sh"
. "$VP_ROOT/tests/ndjson-post/common.sh"
bq_build_query_helper
D=$T_TMP
W=$D/warehouse.duckdb
export VP_VAR=$D/var BQ_TARGET=duckdb:$W
q "$W" "create schema gold" \
	"create table gold.customer_360 as select 'c' || lpad(i::varchar, 3, '0') as customer_key,
	   case when i % 4 = 0 then null else 'c' || i end as customer_id, 'c' || i || '@example.com' as email,
	   i % 3 as order_count, (i * 12.34)::decimal(18,2) as ltv,
	   timestamp '2024-03-01 00:00:00' + i * interval 1 hour as last_order_at,
	   timestamp '2024-03-20 00:00:00' + i * interval 1 second as changed_at from range(30) r(i)" \
	"create table gold.orders_current as select 'o' || i || '-01' as order_id, 'invoiced' as status,
	   timestamp '2024-03-01 00:00:00' + i * interval 1 minute as last_change_at,
	   (i * 9.99)::decimal(18,2) as total_value, timestamp '2024-03-20 00:00:00.123456' + i * interval 1 second as loaded_at
	   from range(20) r(i)" >/dev/null
printf 'crm-t0ken\n' >"$D/crm.token"
chmod 600 "$D/crm.token"
api_start crm --bearer crm-t0ken
export CRM_API_URL="$URL/customers/{customer_key}" CRM_API_TOKEN_FILE=$D/crm.token
interval=(2024-03-20T00:00:00Z 2024-03-20T00:15:00Z)
sent() { wc -l <"$D/crm.log"; }

t_exit "crm-sync: exit 0" 0 "$VP_ROOT/scripts/flows/crm-sync" "${interval[@]}" 2>"$D/crm1.err"
t_eq "the CRM got every customer" 30 "$(sort -u "$D/crm.store" | wc -l)"
t_eq "once each, by PUT to its URL with the token" 30 "$(log_count "$D/crm.log" 'e["method"] == "PUT" and e["path"].startswith("/customers/c0") and e["authorization"] == "Bearer crm-t0ken" and e["status"] == 200')"
t_eq "the body as bq-export typed it (exact decimal, RFC 3339 UTC, null)" \
	'{"customer_key":"c000","customer_id":null,"email":"c0@example.com","order_count":0,"ltv":0.00,"last_order_at":"2024-03-01T00:00:00Z","changed_at":"2024-03-20T00:00:00Z"}' \
	"$(python3 -c "
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e['path'] == '/customers/c000':
        print(e['body'])" "$D/crm.log")"
t_run "the watermark under the state dir" grep -q '"watermark":"2024-03-20T00:00:29Z"' "$VP_VAR/state/crm-sync.json"
t_run "the token is not in the logs" bash -c "! grep -q crm-t0ken '$D/crm1.err'"
t_run "metrics of both stages in the run dir" bash -c "ls '$VP_VAR'/runs/crm-sync/*/bq-export.prom '$VP_VAR'/runs/crm-sync/*/ndjson-post.prom >/dev/null"

t_exit "run again: exit 0" 0 "$VP_ROOT/scripts/flows/crm-sync" 2024-03-20T00:15:00Z 2024-03-20T00:30:00Z 2>/dev/null
t_eq "nothing new sent" 30 "$(sent)"

q "$W" "update gold.customer_360 set ltv = ltv + 1, changed_at = timestamp '2024-03-21 00:00:00' where customer_key in ('c003', 'c017')" \
	"insert into gold.customer_360 values ('c100', 'c100', 'new@example.com', 1, 5.00, timestamp '2024-03-20', timestamp '2024-03-21 00:00:01')" >/dev/null
t_exit "after changes: exit 0" 0 "$VP_ROOT/scripts/flows/crm-sync" 2024-03-21T00:00:00Z 2024-03-21T00:15:00Z 2>/dev/null
t_eq "only the changed and the new customers" "/customers/c003 /customers/c017 /customers/c100" \
	"$(tail -n +31 "$D/crm.log" | python3 -c "import json,sys; print(' '.join(sorted(json.loads(l)['path'] for l in sys.stdin)))")"

# The CRM down: the flow exits 75 and keeps the watermark; the next run delivers.
before=$(cat "$VP_VAR/state/crm-sync.json")
api_start crmdown --bearer crm-t0ken --fail-first 100
q "$W" "update gold.customer_360 set changed_at = timestamp '2024-03-22 00:00:00' where customer_key = 'c005'" >/dev/null
CRM_API_URL="$URL/customers/{customer_key}" NDJSON_POST_RETRIES=2 \
	"$VP_ROOT/scripts/flows/crm-sync" 2024-03-22T00:00:00Z 2024-03-22T00:15:00Z 2>"$D/down.err"
t_eq "the API failing: exit 75 (retried by Airflow and cron)" 75 $?
t_eq "the watermark stays" "$before" "$(cat "$VP_VAR/state/crm-sync.json")"
t_exit "the API back: exit 0" 0 "$VP_ROOT/scripts/flows/crm-sync" 2024-03-22T00:15:00Z 2024-03-22T00:30:00Z 2>/dev/null
t_eq "the customer delivered then" "/customers/c005" "$(tail -n 1 "$D/crm.log" | python3 -c "import json,sys; print(json.loads(sys.stdin.readline())['path'])")"

# The ERP: orders by load time, refused ones in the run's rejects.
api_start erp --reject '"o7-01"'
export ERP_API_URL="$URL/orders" ERP_API_METHOD=POST ERP_API_AUTH=none ERP_API_BATCH=5
"$VP_ROOT/scripts/flows/erp-sync" "${interval[@]}" 2>/dev/null
t_eq "erp-sync with a refused order: exit 1" 1 $?
t_eq "the others stored" 15 "$(wc -l <"$D/erp.store")"
t_eq "the refused batch's orders in the run's rejects, each with the status" 5 "$(cat "$VP_VAR"/runs/erp-sync/*/ndjson-post.rejects.ndjson | wc -l)"
t_run "the watermark moved (rejects are final)" grep -q '"watermark":"2024-03-20T00:00:19.123456Z"' "$VP_VAR/state/erp-sync.json"
n=$(wc -l <"$D/erp.log")
t_exit "erp-sync again: nothing to send, exit 0" 0 "$VP_ROOT/scripts/flows/erp-sync" 2024-03-20T00:15:00Z 2024-03-20T00:30:00Z 2>/dev/null
t_eq "no request" "$n" "$(wc -l <"$D/erp.log")"

# cron: after a dbt run (a stand-in dbt here), run-flow runs the sync flows
# whose API URL is set, as vtex_sync follows the gold asset.
api_start crm2 --bearer crm-t0ken
q "$W" "update gold.customer_360 set changed_at = timestamp '2024-03-23 00:00:00' where customer_key = 'c009'" >/dev/null
n=$(wc -l <"$D/erp.log")
CRM_API_URL="$URL/customers/{customer_key}" DBT_BIN=/bin/true VP_NOW=2024-03-23T00:16:00Z \
	"$VP_ROOT/scripts/cron/run-flow" dbt 900 gold 2>/dev/null
t_eq "cron: dbt, then the sync flows: exit 0" 0 $?
t_eq "the changed customer sent after the dbt run" "/customers/c009" "$(python3 -c "import json,sys; print(' '.join(json.loads(l)['path'] for l in open(sys.argv[1])))" "$D/crm2.log")"
t_eq "erp-sync ran too, with nothing new" "$n" "$(wc -l <"$D/erp.log")"
t_run "each in its own cron log" test -s "$VP_VAR/log/crm-sync.log" -a -s "$VP_VAR/log/erp-sync.log"

t_exit "no API URL: 78" 78 env -u ERP_API_URL "$VP_ROOT/scripts/flows/erp-sync" "${interval[@]}" 2>/dev/null
t_exit "no interval: 64" 64 "$VP_ROOT/scripts/flows/crm-sync" 2>/dev/null
t_done
