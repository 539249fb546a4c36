#!/usr/bin/env bash
# dbt on DuckDB from committed bronze fixture rows (tests/fixtures/dbt): every
# model and data test passes; gold equals the hand-checked expected-gold.txt
# after an incremental run that brings an order first seen late (as when the
# reconcile flow repairs a dropped hook), a hook delivered twice, a status
# change out of order, an item removed, a customer and a catalog change;
# re-running the same interval, and a full refresh,
# leave gold as it was; late changes (cancellations and status changes of
# old orders, a buyer and a customer match that change) give the same gold
# incrementally as by a full refresh. Also: orders_current shows a landed row
# before dbt runs and ignores older versions landing after it, and the
# BigQuery target parses and compiles offline.
. "$(dirname "$0")/../lib.sh"
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
venv=$VP_CACHE/venv-dbt
if [ ! -x "$venv/bin/dbt" ]; then
	echo "no dbt virtualenv at $venv: run scripts/bootstrap"; exit 77
fi
fix=$VP_ROOT/tests/fixtures/dbt
wh=$T_TMP/warehouse.duckdb
export DBT_PROFILES_DIR=$VP_ROOT/dbt DBT_TARGET_PATH=$T_TMP/target DBT_LOG_PATH=$T_TMP/logs
export DUCKDB_PATH=$wh DBT_TARGET=duckdb DBT_SEND_ANONYMOUS_USAGE_STATS=false
as_of='{as_of: "2024-04-01 00:00:00"}'
load() { "$venv/bin/python" "$VP_ROOT/tests/dbt/load-fixture.py" "$wh" "$fix/$1" "$2" "${@:3}"; }
gold() { "$venv/bin/python" "$VP_ROOT/tests/dbt/dump-gold.py" "$wh" "$@"; }
dbt_build() { # name [dbt args]: passes when dbt build exits 0 (every model and test)
	local name=$1; shift
	if (cd "$VP_ROOT/dbt" && "$venv/bin/dbt" build --vars "$as_of" "$@") >"$T_TMP/dbt.out" 2>&1; then
		t_ok "$name ($(grep -oE 'PASS=[0-9]+' "$T_TMP/dbt.out" | tail -1))"
	else
		t_fail "$name"; grep -E 'ERROR|FAIL|Error|error' "$T_TMP/dbt.out" | head -20
	fi
}

load batch-1.ndjson "2024-03-12 00:00:00"
dbt_build "first build on batch 1"

load batch-2.ndjson "2024-03-20 00:00:00"
gold orders_current >"$T_TMP/live.txt"
t_eq "orders_current shows the newest status before dbt runs" \
	"status=invoiced" "$(grep -o 'order_id=1003-01|status=[a-z-]*' "$T_TMP/live.txt" | cut -d'|' -f2)"
t_run "orders_current shows a new order before dbt runs" grep -q 'order_id=1006-01' "$T_TMP/live.txt"

dbt_build "incremental build on batch 2"
gold >"$T_TMP/gold.txt"
t_same_file "gold equals the expected after the incremental run" "$fix/expected-gold.txt" "$T_TMP/gold.txt"

# Versions silver already beats, landing after the build (batch 1 replayed
# late): the live view keeps silver's rows (they are in its window, and not in
# orders_current_settled, found before they landed).
gold orders_current >"$T_TMP/live-before.txt"
load batch-1.ndjson "2024-03-20 00:30:00"
gold orders_current >"$T_TMP/live.txt"
t_same_file "orders_current keeps silver's rows when older versions land after the build" \
	"$T_TMP/live-before.txt" "$T_TMP/live.txt"

# The same interval fetched again in another order and loaded: a new batch
# with the same rows (or none of them, once bq-load skips rows it holds).
load batch-2.ndjson "2024-03-20 01:00:00" --reverse
# A field VTEX starts sending: bq-load adds its column; staging passes it on.
sql() { "$venv/bin/python" -c 'import sys, duckdb; print(*duckdb.connect(sys.argv[1]).execute(sys.argv[2]).fetchall())' "$@"; }
sql "$wh" "alter table bronze.orders add column gift_registry_data__id varchar" >/dev/null
dbt_build "build after the interval was loaded twice"
t_eq "a new bronze column reaches staging without a code change" "(1,)" \
	"$(sql "$wh" "select count(*) from information_schema.columns where table_name = 'stg_orders' and column_name = 'gift_registry_data__id'")"
gold >"$T_TMP/gold.txt"
t_same_file "gold unchanged by the repeated interval" "$fix/expected-gold.txt" "$T_TMP/gold.txt"

dbt_build "full refresh" --full-refresh
gold >"$T_TMP/gold.txt"
t_same_file "full refresh gives the same gold as the incremental runs" "$fix/expected-gold.txt" "$T_TMP/gold.txt"

# Late changes of old orders (batch 3): 1004-01, its day's only order, and
# 1005-01 canceled (1005-01's new version without items, 1004-01's without
# payments: its day keeps no payment row), 1007-01's buyer now
# known by userProfileId (its customer key changes), and c-0002's e-mail
# changed (order 1003-01 no longer matches it). The incremental gold models
# rebuild only the days and customers these touch: they must give what a
# full refresh gives, with the data tests of both passing.
load batch-3.ndjson "2024-03-27 00:00:00"
dbt_build "incremental build on late changes"
gold >"$T_TMP/gold-incremental.txt"
t_eq "a day left without payment rows loses its old ones" "(0,)" \
	"$(sql "$wh" "select count(*) from silver.order_payments where order_id = '1004-01'")"
t_run "... which change gold" sh -c "! cmp -s '$fix/expected-gold.txt' '$T_TMP/gold-incremental.txt'"
dbt_build "full refresh after late changes" --full-refresh
gold >"$T_TMP/gold.txt"
t_same_file "incremental gold equals the full refresh's after late changes" "$T_TMP/gold.txt" "$T_TMP/gold-incremental.txt"

# A column the models need, missing from bronze: the build stops and says which.
cp "$wh" "$T_TMP/broken.duckdb"
sql "$T_TMP/broken.duckdb" "alter table bronze.orders rename column last_change to last_change_renamed" >/dev/null
(cd "$VP_ROOT/dbt" && DUCKDB_PATH=$T_TMP/broken.duckdb "$venv/bin/dbt" run -s stg_orders) >"$T_TMP/broken.out" 2>&1
t_eq "a missing needed column fails the build" 1 $?
t_run "... naming the table and the column" grep -q 'bronze.orders lacks the column(s) last_change that stg_orders needs' "$T_TMP/broken.out"

# BigQuery: no network, so parse, then compile both branches of every model
# with a throw-away service-account key (no request is made).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T_TMP/key.pem" 2>/dev/null
"$venv/bin/python" - "$T_TMP/key.pem" "$T_TMP/sa.json" <<'PY'
import json, sys
json.dump({"type": "service_account", "project_id": "offline-project", "private_key_id": "0",
           "private_key": open(sys.argv[1]).read(), "client_id": "0",
           "client_email": "dbt@offline-project.iam.gserviceaccount.com",
           "token_uri": "https://oauth2.googleapis.com/token"}, open(sys.argv[2], "w"))
PY
bq() { (cd "$VP_ROOT/dbt" && DBT_TARGET=bigquery BQ_PROJECT=offline-project VP_PII_SALT=offline-compile-salt-0123456789 \
	GOOGLE_APPLICATION_CREDENTIALS=$T_TMP/sa.json DBT_TARGET_PATH=$T_TMP/target-bq "$venv/bin/dbt" "$@") \
	>"$T_TMP/bq.out" 2>&1 || { tail -20 "$T_TMP/bq.out"; return 1; }; }
t_run "parses for BigQuery" bq parse
t_run "compiles for BigQuery (full build)" bq compile --no-introspect --no-populate-cache --vars '{offline_compile: full}'
t_run "compiles for BigQuery (incremental run)" bq compile --no-introspect --no-populate-cache --vars '{offline_compile: incremental}'
t_run "BigQuery SQL uses its own dialect" grep -q 'safe_cast(' "$T_TMP/target-bq/compiled/vtex_pipes/models/staging/stg_order_items.sql"
t_done
