"""The DAG folder imports with no errors, and each DAG has the schedule,
guards and flow it should (no scheduler, no metadata DB needed)."""
import os
from pathlib import Path

import pytest
from airflow.dag_processing.dagbag import BundleDagBag
from airflow.sdk import AssetOrTimeSchedule, CronDataIntervalTimetable

DAGS = Path(os.environ["VP_ROOT"]) / "airflow" / "dags"
EXPECTED = {  # dag_id: (cron, flow)
    "vtex_catalog": ("0 */6 * * *", "catalog"),
    "vtex_clients": ("0 0 * * *", "clients"),
    "vtex_orders_reconcile": ("0 * * * *", "orders-reconcile"),
    "vtex_dbt": ("*/15 * * * *", "dbt"),
}
# Asset-scheduled DAGs: dag_id: {task_id: flow}.
SYNC = {"vtex_sync": {"crm_sync": "crm-sync", "erp_sync": "erp-sync"}}


@pytest.fixture(scope="module")
def bag():
    # As the dag processor parses a bundle: its folder is on sys.path, so the
    # DAGs import their shared vtex_pipes package.
    return BundleDagBag(dag_folder=str(DAGS), bundle_path=DAGS)


def test_no_import_errors(bag):
    assert bag.import_errors == {}


def test_exactly_the_expected_dags(bag):
    assert sorted(bag.dag_ids) == sorted([*EXPECTED, *SYNC])


@pytest.mark.parametrize("dag_id", sorted(EXPECTED))
def test_schedule(bag, dag_id):
    timetable = bag.dags[dag_id].timetable
    if dag_id == "vtex_dbt":  # also after each load: the bronze asset
        assert isinstance(timetable, AssetOrTimeSchedule)
        timetable = timetable.timetable
    assert isinstance(timetable, CronDataIntervalTimetable)
    assert timetable.expression == EXPECTED[dag_id][0]
    assert str(timetable.timezone) == "UTC"


@pytest.mark.parametrize("dag_id", sorted(EXPECTED))
def test_no_catchup_storm(bag, dag_id):
    dag = bag.dags[dag_id]
    assert dag.catchup is False
    assert dag.max_active_runs == 1


@pytest.mark.parametrize("dag_id", sorted(EXPECTED))
def test_calls_its_flow_with_the_interval(bag, dag_id):
    (task,) = bag.dags[dag_id].tasks
    assert task.task_type == "FlowOperator"
    assert f"scripts/flows/{EXPECTED[dag_id][1]}\"" in task.bash_command
    assert "data_interval_end" in task.bash_command
    assert task.append_env is True


def test_no_secret_in_dag_files():
    for path in DAGS.rglob("*.py"):
        text = path.read_text()
        for word in ("APP_TOKEN=", "AppToken", "password=", "private_key"):
            assert word not in text, f"{path.name} holds {word!r}"


def test_loads_update_the_bronze_asset(bag):
    for dag_id in ("vtex_catalog", "vtex_clients", "vtex_orders_reconcile"):
        (task,) = bag.dags[dag_id].tasks
        assert [a.name for a in task.outlets] == ["vtex_pipes_bronze"]


def test_dbt_updates_the_gold_asset(bag):
    (task,) = bag.dags["vtex_dbt"].tasks
    assert [a.name for a in task.outlets] == ["vtex_pipes_gold"]


def test_sync_runs_after_gold_is_built(bag):
    dag = bag.dags["vtex_sync"]
    assert [a.name for a in dag.timetable.asset_condition.objects] == ["vtex_pipes_gold"]
    assert dag.catchup is False
    assert dag.max_active_runs == 1


@pytest.mark.parametrize("dag_id", sorted(SYNC))
def test_sync_calls_its_flows(bag, dag_id):
    tasks = {t.task_id: t for t in bag.dags[dag_id].tasks}
    assert sorted(tasks) == sorted(SYNC[dag_id])
    for task_id, flow in SYNC[dag_id].items():
        task = tasks[task_id]
        assert task.task_type == "FlowOperator"
        assert f"scripts/flows/{flow}\"" in task.bash_command
        assert task.upstream_task_ids == set()  # side by side
