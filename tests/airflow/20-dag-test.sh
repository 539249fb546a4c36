#!/usr/bin/env bash
# Airflow dag.test() (SQLite metadata DB, no scheduler): vtex_dbt runs the dbt
# flow on a DuckDB warehouse holding the dbt fixture's bronze and its gold
# equals tests/fixtures/dbt/expected-gold.txt; vtex_sync then sends gold to the
# test API servers standing for the CRM (credentials from an Airflow
# connection) and the ERP (from the environment), and a second run sends
# nothing; a flow failing with 64 is not retried, one failing with 75
# (warehouse held by another writer) is.
. "$(dirname "$0")/../lib.sh"
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
af=$VP_CACHE/venv-airflow/bin
export VP_DBT_PYTHON=$VP_CACHE/venv-dbt/bin/python
for p in "$af/python" "$VP_DBT_PYTHON"; do
	[ -x "$p" ] || { echo "no virtualenv for $p: run scripts/bootstrap"; exit 77; }
done
fix=$VP_ROOT/tests/fixtures/dbt
wh=$T_TMP/warehouse.duckdb
"$VP_DBT_PYTHON" "$VP_ROOT/tests/dbt/load-fixture.py" "$wh" "$fix/batch-1.ndjson" "2024-03-12 00:00:00"
"$VP_DBT_PYTHON" "$VP_ROOT/tests/dbt/load-fixture.py" "$wh" "$fix/batch-2.ndjson" "2024-03-20 00:00:00"

# The CRM and the ERP: tests/ndjson-post/api_test_server.py.
. "$VP_ROOT/tests/ndjson-post/common.sh"
api_start crm --bearer crm-t0ken
export AIRFLOW_CONN_CRM_API="{\"conn_type\":\"http\",\"password\":\"crm-t0ken\",\"extra\":{\"auth\":\"bearer\",\"url\":\"$URL/customers/{customer_key}\"}}"
api_start erp
export ERP_API_URL=$URL/orders ERP_API_METHOD=POST ERP_API_AUTH=none ERP_API_BATCH=100
export VP_TEST_CRM_LOG=$T_TMP/crm.log VP_TEST_ERP_LOG=$T_TMP/erp.log
bundle() { printf '{"name":"%s","classpath":"airflow.dag_processing.bundles.local.LocalDagBundle","kwargs":{"path":"%s"}}' "$1" "$2"; }
export VP_ROOT VP_VAR=$T_TMP/var BQ_TARGET=duckdb:$wh PYTHONDONTWRITEBYTECODE=1 \
	AIRFLOW_HOME=$T_TMP/airflow AIRFLOW__CORE__LOAD_EXAMPLES=False \
	AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST="[$(bundle dags-folder "$VP_ROOT/airflow/dags"),$(bundle vtex-tests "$VP_ROOT/tests/airflow/dags")]"
if ! "$af/airflow" db migrate >"$T_TMP/migrate.out" 2>&1; then
	tail -20 "$T_TMP/migrate.out"; t_fail "airflow db migrate"; t_done
fi
"$af/python" -m pytest -q -rA -p no:cacheprovider "$VP_ROOT/tests/airflow/test_dag_run.py" >"$T_TMP/pytest.out" 2>&1
status=$?
sed -nE 's/^PASSED (tests\/.*)/ok - \1/p; s/^(FAILED|ERROR) (tests\/.*)/not ok - \2/p' "$T_TMP/pytest.out"
[ "$status" -eq 0 ] || grep -E '^E ' "$T_TMP/pytest.out" | head -30
t_eq "pytest exit status" 0 "$status"
"$VP_DBT_PYTHON" "$VP_ROOT/tests/dbt/dump-gold.py" "$wh" >"$T_TMP/gold.txt"
t_same_file "gold after the vtex_dbt run equals the expected" "$fix/expected-gold.txt" "$T_TMP/gold.txt"
t_done
