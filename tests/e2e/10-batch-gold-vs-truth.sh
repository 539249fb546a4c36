#!/usr/bin/env bash
# End to end, batch: vtex-sandbox as the store; the catalog, clients and
# orders-reconcile flows load a DuckDB warehouse, the dbt flow builds it, and
# silver and gold equal the sandbox's truth file; running the reconcile
# interval again changes nothing. (Live hooks, dropped, repeated or reordered,
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

t_exit "orders-reconcile flow, same interval again" 0 "$flows/orders-reconcile" "${reconcile[@]}"
t_exit "dbt flow again" 0 "$flows/dbt" 2026-01-15T11:45:00Z "$now"
"$py" "$VP_ROOT/tests/e2e/compare-truth.py" "${BQ_TARGET#duckdb:}" "$T_TMP/truth.json" "interval run twice"
t_done
