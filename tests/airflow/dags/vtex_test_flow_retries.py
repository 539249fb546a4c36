"""Test-only DAGs (a second bundle, tests/airflow/20-dag-test.sh): a flow that
fails with a usage error (64) and one that meets a held warehouse (75), each
with two retries and no delay, to see which failure Airflow retries."""
import os
import sys
from datetime import timedelta

import pendulum
from airflow.sdk import DAG

sys.path.insert(0, os.path.join(os.environ["VP_ROOT"], "airflow", "dags"))
from vtex_pipes.flow_operator import FlowOperator  # noqa: E402

for dag_id, args in (("vtex_test_usage_error", "2024-04-02T00:00:00Z 2024-04-01T00:00:00Z"),
                     ("vtex_test_tempfail", "2024-03-31T00:00:00Z 2024-04-01T00:00:00Z")):
    with DAG(dag_id=dag_id, schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
             catchup=False):
        FlowOperator(task_id="flow", flow="dbt", args=args, retries=2,
                     retry_delay=timedelta(0), retry_exponential_backoff=False)
