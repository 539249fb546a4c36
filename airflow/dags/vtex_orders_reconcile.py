"""Orders reconcile hourly: every order created in a lookback window ending
at the run's data interval end (Variable vtex_reconcile_lookback_hours,
default 72), so lost or reordered hooks are repaired."""
from datetime import timedelta

from airflow.sdk import DAG, CronDataIntervalTimetable
from vtex_pipes.flow_operator import BRONZE, DEFAULT_ARGS, INTERVAL_END, START_DATE, FlowOperator

LOOKBACK_START = ("{{ ((data_interval_end or dag_run.run_after) - macros.timedelta(hours="
                  "var.value.get('vtex_reconcile_lookback_hours', 72) | int)).isoformat() }}")

with DAG(
    dag_id="vtex_orders_reconcile",
    description="VTEX orders created in a lookback window, into bronze",
    schedule=CronDataIntervalTimetable("0 * * * *", timezone="UTC"),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(minutes=55),
    default_args=DEFAULT_ARGS,
    tags=["vtex-pipes", "load"],
) as dag:
    FlowOperator(task_id="orders_reconcile", flow="orders-reconcile",
                 args=f"{LOOKBACK_START} {INTERVAL_END}",
                 outlets=[BRONZE], execution_timeout=timedelta(minutes=50))
