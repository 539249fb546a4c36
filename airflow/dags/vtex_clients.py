"""Customers daily, incrementally: the CL documents updated since the last
complete run, by the flow's own watermark (scripts/flows/clients), up to the end
of the run's data interval. catchup=False loses nothing: a day skipped or
failed is fetched by the next run, which starts from the watermark."""
from datetime import timedelta

from airflow.sdk import DAG, CronDataIntervalTimetable
from vtex_pipes.flow_operator import (BRONZE, DEFAULT_ARGS, INTERVAL_END, INTERVAL_START,
                                      START_DATE, FlowOperator)

with DAG(
    dag_id="vtex_clients",
    description="VTEX Master Data CL, incremental by updatedIn from a watermark, into bronze",
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=2),
    default_args=DEFAULT_ARGS,
    tags=["vtex-pipes", "load"],
) as dag:
    FlowOperator(task_id="clients", flow="clients", args=f"{INTERVAL_START} {INTERVAL_END}",
                 outlets=[BRONZE], execution_timeout=timedelta(hours=1))
