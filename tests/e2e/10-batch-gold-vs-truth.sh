#!/usr/bin/env bash
# End to end, batch: vtex-sandbox as the store; the catalog, clients and
# orders-reconcile flows load a DuckDB warehouse, the dbt flow builds it, and
# silver and gold equal the sandbox's truth file; running the reconcile
# interval again (in other batches) or an overlapping window adds no bronze row
# and changes nothing. (Live hooks, dropped, repeated or reordered,
# are the real-time path's end-to-end test.)
. "$(dirname "$0")/../lib.sh"
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
py=$VP_CACHE/venv-dbt/bin/python
missing=()
for t in vtex-sandbox vtex-fetch ndjson-normalize dedup bq-load; do
	[ -x "$VP_BIN/$t" ] || missing+=("$t")
done
[ -x "$py" ] || missing+=("dbt virtualenv (scripts/bootstrap)")
if [ ${#missing[@]} -gt 0 ]; then
	echo "needs ${missing[*]} (not built yet)"; exit 77
fi
flows=$VP_ROOT/scripts/flows
export VP_VAR=$T_TMP/var BQ_TARGET=duckdb:$T_TMP/warehouse.duckdb
export VTEX_APP_KEY=vtexappkey-sandbox-TEST VTEX_APP_TOKEN=sandbox-token VTEX_ACCOUNT=sandbox
now=2026-01-15T12:00:00Z
vtex-sandbox --listen 127.0.0.1:0 --ready-file "$T_TMP/ready" --seed 7 --products 40 --clients 120 \
	--orders 400 --now "$now" --history-days 60 --truth "$T_TMP/truth.json" 2>"$T_TMP/sandbox.log" &
t_on_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
for _ in $(seq 300); do [ -s "$T_TMP/ready" ] && break; sleep 0.1; done
[ -s "$T_TMP/ready" ] || { tail "$T_TMP/sandbox.log"; t_fail "sandbox started"; t_done; }
export VTEX_BASE_URL=$(cat "$T_TMP/ready")

t_exit "catalog flow" 0 "$flows/catalog" 2026-01-15T06:00:00Z 2026-01-15T12:00:00Z
t_exit "clients flow (everything up to now)" 0 "$flows/clients" 2000-01-01T00:00:00Z 2026-01-15T12:00:01Z
reconcile=(2025-11-01T00:00:00Z 2026-01-15T12:00:01Z)
t_exit "orders-reconcile flow over the whole history" 0 "$flows/orders-reconcile" "${reconcile[@]}"
t_exit "dbt flow" 0 "$flows/dbt" 2026-01-15T11:45:00Z "$now"
"$py" "$VP_ROOT/tests/e2e/compare-truth.py" "${BQ_TARGET#duckdb:}" "$T_TMP/truth.json" "first load"

# bronze_rows: "TABLE ROWS" for every bronze table but the bookkeeping and the rejects.
bronze_rows() { "$py" -c 'import duckdb, sys
c = duckdb.connect(sys.argv[1], read_only=True)
for (t,) in c.execute("select table_name from information_schema.tables where table_schema = $$bronze$$"
                      " and table_name not in ($$_vtex_pipes_batches$$, $$rejects$$) order by 1").fetchall():
    print(t, c.execute("select count(*) from bronze.\"%s\"" % t).fetchone()[0])' "${BQ_TARGET#duckdb:}"; }
bronze_rows >"$T_TMP/bronze.before"
t_run "bronze has the relational order tables" \
	grep -qE '^orders [1-9]' "$T_TMP/bronze.before"
t_run "... with their children" grep -qE '^orders__items [1-9]' "$T_TMP/bronze.before"

# The interval again, cut into other batches, then an overlapping window: each
# order version is in bronze once already, so not one row is added.
BQ_LOAD_BATCH_ROWS=997 t_exit "orders-reconcile flow, same interval again, other batches" 0 \
	"$flows/orders-reconcile" "${reconcile[@]}"
t_exit "orders-reconcile flow, an overlapping window" 0 "$flows/orders-reconcile" 2025-12-15T00:00:00Z 2026-01-15T12:00:01Z
bronze_rows >"$T_TMP/bronze.after"
t_eq "0 rows added to any bronze table ($(wc -l <"$T_TMP/bronze.before") tables)" "" \
	"$(diff "$T_TMP/bronze.before" "$T_TMP/bronze.after" | grep '^>' | paste -sd' ')"
t_run "bq-load counted them as skipped" grep -q '"skipped":[1-9]' \
	"$VP_VAR/runs/orders-reconcile/orders-reconcile-20251215T000000Z-20260115T120001Z/bq-load.out.ndjson"
t_exit "dbt flow again" 0 "$flows/dbt" 2026-01-15T11:45:00Z "$now"
"$py" "$VP_ROOT/tests/e2e/compare-truth.py" "${BQ_TARGET#duckdb:}" "$T_TMP/truth.json" "interval run twice"
t_done
