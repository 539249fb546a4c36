# Python virtualenvs for dbt and Airflow, each from its committed lock file
# (dbt/requirements.lock, airflow/requirements.lock: `pip freeze` of the pinned
# requirements.txt beside it). A venv is rebuilt only when its lock or the
# interpreter changes: a stamp inside it holds the hash of both.
# Venvs live under $VP_CACHE (venv-dbt, venv-airflow) so CI reuses them.
set -euo pipefail
: "${VP_ROOT:?run through scripts/bootstrap}" "${VP_CACHE:?run through scripts/bootstrap}"
python=${VP_PYTHON:-$(command -v python3.11 || command -v python3)}
if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
	echo "bootstrap: installing python3-venv"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
fi
py_version=$("$python" -c 'import sys; print(sys.version)')

make_venv() { # name lockfile
	local venv=$VP_CACHE/venv-$1 lock=$2 want
	want=$( { sha256sum <"$lock"; echo "$py_version"; } | sha256sum | cut -d' ' -f1)
	if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.lock-stamp" 2>/dev/null)" = "$want" ]; then
		return
	fi
	echo "bootstrap: building $venv from ${lock#"$VP_ROOT"/} (a few minutes)"
	rm -rf "$venv"
	"$python" -m venv "$venv"
	# The lock is a full freeze: no resolution needed, and pip check proves it is whole.
	"$venv/bin/pip" install -q --disable-pip-version-check --no-deps -r "$lock"
	"$venv/bin/pip" check --disable-pip-version-check >/dev/null
	echo "$want" >"$venv/.lock-stamp"
}
make_venv dbt "$VP_ROOT/dbt/requirements.lock"
make_venv airflow "$VP_ROOT/airflow/requirements.lock"
