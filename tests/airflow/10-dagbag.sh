#!/usr/bin/env bash
# Airflow: the DAG folder imports cleanly, schedules and guards are as
# specified (pytest in the Airflow virtualenv; no scheduler, no metadata DB).
. "$(dirname "$0")/../lib.sh"
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
py=$VP_CACHE/venv-airflow/bin/python
[ -x "$py" ] || { echo "no Airflow virtualenv under $VP_CACHE: run scripts/bootstrap"; exit 77; }
export VP_ROOT AIRFLOW_HOME=$T_TMP/airflow AIRFLOW__CORE__LOAD_EXAMPLES=False \
	AIRFLOW__CORE__DAGS_FOLDER=$VP_ROOT/airflow/dags PYTHONDONTWRITEBYTECODE=1
# pytest's own lines become this script's TAP lines.
"$py" -m pytest -q -rA -p no:cacheprovider "$VP_ROOT/tests/airflow/test_dagbag.py" >"$T_TMP/pytest.out" 2>&1
status=$?
sed -nE 's/^PASSED (tests\/.*)/ok - \1/p; s/^(FAILED|ERROR) (tests\/.*)/not ok - \2/p' "$T_TMP/pytest.out"
[ "$status" -eq 0 ] || tail -40 "$T_TMP/pytest.out"
t_eq "pytest exit status" 0 "$status"
t_done
