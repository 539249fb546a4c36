#!/usr/bin/env bash
# The catalog flow marks a complete run in bronze.catalog_runs with every SKU
# VTEX listed (what silver.products_active keeps, tests/dbt/50); a run whose
# fetch fails (VTEX refuses the credentials) marks nothing.
. "$(dirname "$0")/../lib.sh"
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
py=$VP_CACHE/venv-dbt/bin/python
[ -x "$py" ] || { echo "no dbt virtualenv under $VP_CACHE (duckdb for the checks): run scripts/bootstrap"; exit 77; }
wh=$T_TMP/warehouse.duckdb
export VP_VAR=$T_TMP/var BQ_TARGET=duckdb:$wh
export VTEX_APP_KEY=vtexappkey-sandbox-TEST VTEX_APP_TOKEN=sandbox-token VTEX_ACCOUNT=sandbox
vtex-sandbox --listen 127.0.0.1:0 --ready-file "$T_TMP/ready" --seed 7 --products 15 --clients 5 \
	--orders 5 --now 2026-01-15T12:00:00Z --history-days 5 2>"$T_TMP/sandbox.log" &
t_on_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
for _ in $(seq 300); do [ -s "$T_TMP/ready" ] && break; sleep 0.1; done
export VTEX_BASE_URL=$(cat "$T_TMP/ready")
q() { "$py" -c 'import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True)
for r in c.execute(sys.argv[2]).fetchall(): print(*r)' "$wh" "$1"; }

"$VP_ROOT/scripts/flows/catalog" 2026-01-15T00:00:00Z 2026-01-15T06:00:00Z 2>"$T_TMP/err1"
t_eq "the catalog flow succeeds" 0 $?
skus=$(q "select count(distinct id) from bronze.products__skus")
t_run "SKUs were loaded" test "$skus" -gt 0
t_eq "one complete run marked, listing every SKU loaded" "1 $skus $skus" \
	"$(q "select count(*), any_value(sku_count), any_value(json_array_length(sku_ids::json)) from bronze.catalog_runs")"
t_eq "... named after the run" catalog-20260115T000000Z-20260115T060000Z "$(q "select run_id from bronze.catalog_runs")"
VTEX_APP_TOKEN=wrong "$VP_ROOT/scripts/flows/catalog" 2026-01-15T06:00:00Z 2026-01-15T12:00:00Z 2>"$T_TMP/err2"
t_run "a run whose fetch fails fails" test $? -ne 0
t_eq "... and marks nothing" 1 "$(q "select count(*) from bronze.catalog_runs")"
t_done
