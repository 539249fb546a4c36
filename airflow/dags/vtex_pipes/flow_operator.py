"""FlowOperator: a BashOperator that runs one of scripts/flows/ with the run's
interval, retried only when the flow exits 75 (temporary failure; re-running
an interval is safe). Secrets never appear in a DAG: the VTEX credentials come
from the Airflow connection `vtex_default` when it exists (login = app key,
password = app token, host = base URL, extra {"account": ...}; or extra
{"gateway": URL} alone, a vtex-gateway that holds them, with the gateway's own
token as password), else from the worker's environment; the warehouse from the Variable `vtex_bq_target`, else
the environment's BQ_TARGET. The internal APIs' credentials (crm-sync,
erp-sync) come from the connections `crm_api` and `erp_api` when they exist
(login and password, extra {"auth": "bearer"|"basic"|"hmac", "url": ...}),
else from the worker's environment (CRM_API_*, ERP_API_*). The flow's run id
(VTEX_PIPES_RUN_ID, on every log line of the flow and its tools) names the DAG
run, task and try, so a line leads back to the Airflow task log."""
from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import Asset, BaseHook, Variable
from airflow.sdk.exceptions import AirflowException, AirflowFailException

ROOT = Path(os.environ.get("VTEX_PIPES_ROOT") or Path(__file__).resolve().parents[3])
FLOWS = ROOT / "scripts" / "flows"
EX_TEMPFAIL = 75
# Past, so a test can run any recent interval; catchup=False starts no backlog.
START_DATE = pendulum.datetime(2024, 1, 1, tz="UTC")
# Every load updates bronze; vtex_dbt runs when it does.
BRONZE = Asset("vtex_pipes_bronze")
# Every dbt build updates gold; vtex_sync (CRM, ERP) runs when it does.
GOLD = Asset("vtex_pipes_gold")
VTEX_CONN_ID = "vtex_default"

DEFAULT_ARGS = {
    "owner": "vtex-pipes",
    "retries": 3,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=20),
}

# The run's interval for the flow's START END arguments. Runs that an asset
# triggered have no data interval: they cover the 15 minutes before they were due.
INTERVAL_END = "{{ (data_interval_end or dag_run.run_after).isoformat() }}"
INTERVAL_START = ("{{ (data_interval_start or dag_run.run_after - macros.timedelta(minutes=15))"
                  ".isoformat() }}")


def _vtex_env() -> dict[str, str]:
    try:
        conn = BaseHook.get_connection(VTEX_CONN_ID)
    except Exception:  # no such connection: the environment provides them
        return {}
    env = {}
    gateway = (conn.extra_dejson or {}).get("gateway")
    if gateway:  # the gateway holds the VTEX credentials; the tools send none
        env["VTEX_GATEWAY"] = gateway
        if conn.password:
            env["VTEX_GATEWAY_TOKEN"] = conn.password
        return env
    if conn.host:
        env["VTEX_BASE_URL"] = conn.host if "://" in conn.host else f"https://{conn.host}"
    if conn.login:
        env["VTEX_APP_KEY"] = conn.login
    if conn.password:
        env["VTEX_APP_TOKEN"] = conn.password
    account = (conn.extra_dejson or {}).get("account")
    if account:
        env["VTEX_ACCOUNT"] = account
    return env


# Where an API connection's password goes, by its kind of auth.
_SECRET_ENV = {"bearer": "TOKEN", "basic": "PASSWORD", "hmac": "HMAC_KEY"}


def _api_env(conn_id: str, prefix: str) -> dict[str, str]:
    try:
        conn = BaseHook.get_connection(conn_id)
    except Exception:  # no such connection: the environment provides them
        return {}
    extra = conn.extra_dejson or {}
    auth = extra.get("auth") or ("basic" if conn.login else "bearer")
    env = {f"{prefix}_AUTH": auth}
    if extra.get("url"):
        env[f"{prefix}_URL"] = extra["url"]
    if conn.login:
        env[f"{prefix}_USER"] = conn.login
    if conn.password and auth in _SECRET_ENV:
        env[f"{prefix}_{_SECRET_ENV[auth]}"] = conn.password
    return env


class FlowOperator(BashOperator):
    """Runs scripts/flows/FLOW ARGS (ARGS are templated). api_connection:
    (connection id, environment prefix) of an internal API the flow feeds."""

    def __init__(self, *, flow: str, args: str, api_connection: tuple[str, str] | None = None, **kwargs):
        self.flow = flow
        self.api_connection = api_connection
        command = (f'"{FLOWS / flow}" {args}; status=$?; '
                   'echo "$status" >"$VP_FLOW_STATUS_FILE"; exit "$status"')
        kwargs.setdefault("append_env", True)
        kwargs.setdefault("skip_on_exit_code", None)  # 99 is not "skipped" here
        super().__init__(bash_command=command, **kwargs)

    def execute(self, context):
        env = dict(self.env or {})
        env.update(_vtex_env())
        if self.api_connection:
            env.update(_api_env(*self.api_connection))
        ti = context["ti"]
        env["VTEX_PIPES_RUN_ID"] = f"{ti.dag_id}.{ti.task_id}.{context['run_id']}.try{ti.try_number}"
        target = Variable.get("vtex_bq_target", default=None)
        if target:
            env["BQ_TARGET"] = target
        with tempfile.TemporaryDirectory(prefix="vtex-flow-") as tmp:
            status_file = Path(tmp) / "status"
            env["VP_FLOW_STATUS_FILE"] = str(status_file)
            self.env = env
            try:
                return super().execute(context)
            except AirflowException as err:
                if isinstance(err, AirflowFailException):
                    raise
                status = status_file.read_text().strip() if status_file.exists() else "?"
                if status == str(EX_TEMPFAIL):
                    raise  # temporary: Airflow retries
                raise AirflowFailException(
                    f"flow {self.flow} exited {status}: not retried (only exit 75 is)") from err
