#!/usr/bin/env bash
# Airflow dag.test() of each batch DAG (catalog, clients, orders reconcile,
# dbt, in that order) against vtex-sandbox and a DuckDB warehouse: every run
# succeeds on its first try, and the orders in silver and gold equal the
# sandbox's truth (the reconcile lookback covers the whole history).
. "$(dirname "$0")/../lib.sh"
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
af=$VP_CACHE/venv-airflow/bin
py=$VP_CACHE/venv-dbt/bin/python
missing=()
for t in vtex-sandbox vtex-fetch ndjson-normalize dedup bq-load; do
	[ -x "$VP_BIN/$t" ] || missing+=("$t")
done
[ -x "$af/python" ] && [ -x "$py" ] || missing+=("virtualenvs (scripts/bootstrap)")
if [ ${#missing[@]} -gt 0 ]; then
	echo "needs ${missing[*]} (not built yet)"; exit 77
fi
export VP_SANDBOX_NOW=2026-01-15T12:00:00Z
VTEX_APP_KEY=vtexappkey-sandbox-TEST VTEX_APP_TOKEN=sandbox-token \
	vtex-sandbox --listen 127.0.0.1:0 --ready-file "$T_TMP/ready" --seed 11 --products 30 --clients 80 \
	--orders 300 --now "$VP_SANDBOX_NOW" --history-days 30 --truth "$T_TMP/truth.json" 2>"$T_TMP/sandbox.log" &
t_on_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
for _ in $(seq 300); do [ -s "$T_TMP/ready" ] && break; sleep 0.1; done
[ -s "$T_TMP/ready" ] || { tail "$T_TMP/sandbox.log"; t_fail "sandbox started"; t_done; }

# Secrets only through Airflow: the connection (env-var backend) and a variable.
export AIRFLOW_CONN_VTEX_DEFAULT="{\"conn_type\":\"http\",\"host\":\"$(cat "$T_TMP/ready")\",\"login\":\"vtexappkey-sandbox-TEST\",\"password\":\"sandbox-token\",\"extra\":{\"account\":\"sandbox\"}}"
export AIRFLOW_VAR_VTEX_RECONCILE_LOOKBACK_HOURS=800
unset VTEX_APP_KEY VTEX_APP_TOKEN VTEX_APP_TOKEN_FILE VTEX_BASE_URL VTEX_ACCOUNT
wh=$T_TMP/warehouse.duckdb
export VP_ROOT VP_VAR=$T_TMP/var BQ_TARGET=duckdb:$wh PYTHONDONTWRITEBYTECODE=1 \
	AIRFLOW_HOME=$T_TMP/airflow AIRFLOW__CORE__LOAD_EXAMPLES=False AIRFLOW__CORE__DAGS_FOLDER=$VP_ROOT/airflow/dags
if ! "$af/airflow" db migrate >"$T_TMP/migrate.out" 2>&1; then
	tail -20 "$T_TMP/migrate.out"; t_fail "airflow db migrate"; t_done
fi
"$af/python" -m pytest -q -rA -p no:cacheprovider "$VP_ROOT/tests/airflow/test_dag_run_sandbox.py" >"$T_TMP/pytest.out" 2>&1
status=$?
sed -nE 's/^PASSED (tests\/.*)/ok - \1/p; s/^(FAILED|ERROR) (tests\/.*)/not ok - \2/p' "$T_TMP/pytest.out"
[ "$status" -eq 0 ] || grep -E '^E |level=(error|warn)' "$T_TMP/pytest.out" | head -30
t_eq "pytest exit status" 0 "$status"
"$py" "$VP_ROOT/tests/e2e/compare-truth.py" --orders "$wh" "$T_TMP/truth.json" "after the DAG runs"
t_done
