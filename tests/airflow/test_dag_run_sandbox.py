"""dag.test() of every batch DAG against vtex-sandbox and a DuckDB warehouse
(tests/airflow/30-dag-test-sandbox.sh starts the sandbox; the VTEX
credentials reach the flows through the vtex_default connection)."""
import os
from pathlib import Path

import pendulum
import pytest
from airflow.dag_processing.dagbag import BundleDagBag

DAGS = Path(os.environ["VP_ROOT"]) / "airflow" / "dags"
NOW = pendulum.parse(os.environ["VP_SANDBOX_NOW"])


@pytest.fixture(scope="module")
def bag():
    return BundleDagBag(dag_folder=str(DAGS), bundle_path=DAGS)


@pytest.mark.parametrize("dag_id, task_id", [
    ("vtex_catalog", "catalog"),
    ("vtex_clients", "clients"),
    ("vtex_orders_reconcile", "orders_reconcile"),
    ("vtex_dbt", "dbt_build"),
])
def test_dag_run_succeeds(bag, dag_id, task_id, capfd, caplog):
    dag_run = bag.dags[dag_id].test(logical_date=NOW)
    (ti,) = [ti for ti in dag_run.get_task_instances() if ti.task_id == task_id]
    assert (dag_run.state, ti.state, ti.try_number) == ("success", "success", 1)
    # The flow's lines carry the run id naming this DAG run, task and try.
    run_id = f"run_id={dag_id}.{task_id}.{dag_run.run_id}.try1"
    out, err = capfd.readouterr()
    text = out + err + "\n".join(r.getMessage() for r in caplog.records)
    flow_lines = [line for line in text.splitlines() if " flow=" in line and " msg=" in line]
    assert flow_lines and all(run_id in line for line in flow_lines), flow_lines[:3]
