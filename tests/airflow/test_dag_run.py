"""dag.test() runs of the DAGs (a migrated SQLite metadata DB, no scheduler):
vtex_dbt builds the warehouse named by BQ_TARGET, and a flow's exit status
decides retries: 75 is retried, anything else fails at once."""
import json
import os
import subprocess
from pathlib import Path

import pendulum
import pytest
from airflow.dag_processing.dagbag import BundleDagBag

DAGS = Path(os.environ["VP_ROOT"]) / "airflow" / "dags"


@pytest.fixture(scope="module")
def bag():
    return BundleDagBag(dag_folder=str(DAGS), bundle_path=DAGS)


def task_instance(dag_run, task_id):
    (ti,) = [ti for ti in dag_run.get_task_instances() if ti.task_id == task_id]
    return ti


@pytest.fixture(scope="module")
def test_bag():
    path = Path(__file__).parent / "dags"
    return BundleDagBag(dag_folder=str(path), bundle_path=path)


def test_vtex_dbt_builds_gold(bag):
    # A manual run at 2024-04-01 00:00 UTC covers the 15 minutes before it;
    # the interval's end is the "now" of tests/fixtures/dbt/expected-gold.txt.
    dag_run = bag.dags["vtex_dbt"].test(logical_date=pendulum.datetime(2024, 4, 1, tz="UTC"))
    assert task_instance(dag_run, "dbt_build").state == "success"
    assert dag_run.state == "success"


def _requests(log):
    return [json.loads(line) for line in open(os.environ[log])]


def test_vtex_sync_sends_gold_to_the_apis(bag):
    # After vtex_dbt built gold (the test above): every customer to the CRM,
    # by PUT with the connection's token, every order to the ERP in one batch.
    dag_run = bag.dags["vtex_sync"].test(logical_date=pendulum.datetime(2024, 4, 1, 0, 5, tz="UTC"))
    assert dag_run.state == "success"
    crm = _requests("VP_TEST_CRM_LOG")
    assert len(crm) == 5 and all(e["status"] == 200 and e["method"] == "PUT" for e in crm)
    assert all(e["authorization"] == "Bearer crm-t0ken" for e in crm)
    assert sorted(json.loads(e["body"])["customer_key"] for e in crm)[0] == "c-0001"
    (erp,) = _requests("VP_TEST_ERP_LOG")
    assert erp["status"] == 200 and len(json.loads(erp["body"])) == 7
    # A second run: the watermarks say nothing changed.
    dag_run = bag.dags["vtex_sync"].test(logical_date=pendulum.datetime(2024, 4, 1, 0, 10, tz="UTC"))
    assert dag_run.state == "success"
    assert len(_requests("VP_TEST_CRM_LOG")) == 5 and len(_requests("VP_TEST_ERP_LOG")) == 1


def test_failure_other_than_75_is_not_retried(test_bag):
    dag_run = test_bag.dags["vtex_test_usage_error"].test()
    ti = task_instance(dag_run, "flow")
    assert (dag_run.state, ti.state, ti.try_number) == ("failed", "failed", 1)


@pytest.fixture
def held_warehouse():
    """Another process holds the DuckDB file, as bq-load does while it loads."""
    holder = subprocess.Popen(
        [os.environ["VP_DBT_PYTHON"], "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(300)",
         os.environ["BQ_TARGET"].removeprefix("duckdb:")], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    yield
    holder.kill()
    holder.wait()


def test_exit_75_is_retried(test_bag, held_warehouse):
    dag_run = test_bag.dags["vtex_test_tempfail"].test()
    ti = task_instance(dag_run, "flow")
    assert (dag_run.state, ti.state, ti.try_number) == ("failed", "failed", 3)
