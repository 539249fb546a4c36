"""Catalog every 6 hours: scripts/flows/catalog over the run's data interval."""
from datetime import timedelta

from airflow.sdk import DAG, CronDataIntervalTimetable
from vtex_pipes.flow_operator import (BRONZE, DEFAULT_ARGS, INTERVAL_END, INTERVAL_START,
                                      START_DATE, FlowOperator)

with DAG(
    dag_id="vtex_catalog",
    description="VTEX catalog (products, SKUs, prices) into bronze",
    schedule=CronDataIntervalTimetable("0 */6 * * *", timezone="UTC"),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=3),
    default_args=DEFAULT_ARGS,
    tags=["vtex-pipes", "load"],
) as dag:
    FlowOperator(task_id="catalog", flow="catalog", args=f"{INTERVAL_START} {INTERVAL_END}",
                 outlets=[BRONZE], execution_timeout=timedelta(hours=2))
