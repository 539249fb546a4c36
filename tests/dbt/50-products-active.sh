#!/usr/bin/env bash
# silver.products_active keeps only the SKUs of the latest complete catalog run
# (bronze.catalog_runs, as scripts/flows/catalog writes it through bq-load):
# before any run is marked, the newest fetch alone decides; a run that does
# not list a SKU makes it inactive; a newer run listing it again brings it back.
. "$(dirname "$0")/../lib.sh"
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
venv=$VP_CACHE/venv-dbt
[ -x "$venv/bin/dbt" ] || { echo "no dbt virtualenv at $venv: run scripts/bootstrap"; exit 77; }
wh=$T_TMP/warehouse.duckdb
export DBT_PROFILES_DIR=$VP_ROOT/dbt DBT_TARGET_PATH=$T_TMP/target DBT_LOG_PATH=$T_TMP/logs
export DUCKDB_PATH=$wh DBT_TARGET=duckdb DBT_SEND_ANONYMOUS_USAGE_STATS=false
unset VP_PII_HASH
"$venv/bin/python" "$VP_ROOT/tests/dbt/load-fixture.py" "$wh" "$VP_ROOT/tests/fixtures/dbt/batch-1.ndjson" "2024-03-12 00:00:00"
build() { (cd "$VP_ROOT/dbt" && "$venv/bin/dbt" run --select "$@") >"$T_TMP/dbt.out" 2>&1 || { tail -20 "$T_TMP/dbt.out"; return 1; }; }
active() { "$venv/bin/python" -c 'import duckdb, sys
print(*[r[0] for r in duckdb.connect(sys.argv[1], read_only=True).execute("select sku_id from silver.products_active order by 1").fetchall()])' "$wh"; }
mark() { # RUN SKU...: a complete run listing these SKUs
	local run=$1; shift
	jq -nc --arg run "$run" --args '{_table: "catalog_runs", run_id: $run, completed_at: "2024-03-12T06:00:00Z",
		sku_count: ($ARGS.positional | length), sku_ids: ($ARGS.positional | tojson)}' "$@" |
		bq-load --target duckdb:"$wh" >/dev/null 2>&1
}
t_run "builds without any catalog run" build +products_active
all=$(active)
t_run "some SKUs are active" test -n "$all"
set -- $all
first=$1; shift
mark run-1 "$@"
t_run "builds with a complete run" build products_active
t_eq "a SKU the latest complete run does not list is no longer active" "$*" "$(active)"
mark run-2 $all
build products_active
t_eq "a newer run listing it again brings it back" "$all" "$(active)"
t_done
