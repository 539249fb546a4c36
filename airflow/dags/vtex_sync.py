"""Gold to the internal APIs, after each gold build (the gold asset vtex_dbt
updates): customer_360 changes to the CRM (crm-sync) and orders_current
changes to the ERP (erp-sync), side by side. Each flow sends what changed
since its own watermark, so a run that comes late or twice sends nothing
twice; a flow exiting 75 (the API kept failing) is retried."""
from datetime import timedelta

from airflow.sdk import DAG
from vtex_pipes.flow_operator import DEFAULT_ARGS, GOLD, INTERVAL_END, START_DATE, FlowOperator

# An asset-triggered run's data interval may be empty (start = end); the
# interval only names the flow's run (the watermark decides what is sent):
# the 15 minutes before the run's end.
SYNC_START = ("{{ ((data_interval_end or dag_run.run_after) - macros.timedelta(minutes=15))"
              ".isoformat() }}")

with DAG(
    dag_id="vtex_sync",
    description="gold changes to the CRM and the ERP APIs",
    schedule=[GOLD],
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=1),
    default_args=DEFAULT_ARGS,
    tags=["vtex-pipes", "export"],
) as dag:
    FlowOperator(task_id="crm_sync", flow="crm-sync", args=f"{SYNC_START} {INTERVAL_END}",
                 api_connection=("crm_api", "CRM_API"), execution_timeout=timedelta(minutes=45))
    FlowOperator(task_id="erp_sync", flow="erp-sync", args=f"{SYNC_START} {INTERVAL_END}",
                 api_connection=("erp_api", "ERP_API"), execution_timeout=timedelta(minutes=45))
