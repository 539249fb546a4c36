"""dbt: gold (and the silver it needs) every 15 minutes, and every layer after
each load (a run triggered by the bronze asset the load DAGs update); each
build updates the gold asset, which starts vtex_sync."""
from datetime import timedelta

from airflow.sdk import DAG, AssetOrTimeSchedule, CronDataIntervalTimetable
from vtex_pipes.flow_operator import (BRONZE, DEFAULT_ARGS, GOLD, INTERVAL_END, INTERVAL_START,
                                      START_DATE, FlowOperator)

# A scheduled run builds gold; an asset-triggered one (no data interval) all.
MODE = "{{ 'gold' if data_interval_end else 'all' }}"

with DAG(
    dag_id="vtex_dbt",
    description="dbt build of silver and gold",
    schedule=AssetOrTimeSchedule(
        timetable=CronDataIntervalTimetable("*/15 * * * *", timezone="UTC"), assets=BRONZE),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(minutes=30),
    default_args=DEFAULT_ARGS,
    tags=["vtex-pipes", "dbt"],
) as dag:
    FlowOperator(task_id="dbt_build", flow="dbt", args=f"{MODE} {INTERVAL_START} {INTERVAL_END}",
                 outlets=[GOLD], execution_timeout=timedelta(minutes=25))
