# Sourced by every flow in scripts/flows/: strict mode, paths and settings from
# the environment, the interval arguments, logfmt lines on stderr, and the
# exit status of a pipeline. A flow is the only place its pipeline is written;
# Airflow (airflow/dags/) and cron (scripts/cron/crontab) both call it.
#
# Environment: BQ_TARGET (duckdb:PATH, the default $VP_VAR/warehouse.duckdb, or
# bigquery:PROJECT.DATASET), VP_VAR (run files: rejects, failures, metrics;
# default <repo>/var), VP_STATE (watermarks the flows keep between runs;
# default $VP_VAR/state), VP_BIN (the tools; default <repo>/bin), and what the
# tools read themselves (VTEX_BASE_URL, VTEX_ACCOUNT, VTEX_APP_KEY,
# VTEX_APP_TOKEN or VTEX_APP_TOKEN_FILE, GOOGLE_APPLICATION_CREDENTIALS, ...).
set -euo pipefail
flow_name=$(basename "$0")
VP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VP_BIN=${VP_BIN:-$VP_ROOT/bin}
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
VP_VAR=${VP_VAR:-$VP_ROOT/var}
VP_STATE=${VP_STATE:-$VP_VAR/state}
export PATH="$VP_BIN:$PATH"
export BQ_TARGET=${BQ_TARGET:-duckdb:$VP_VAR/warehouse.duckdb}

# Exit codes (lib/exitcode.h).
EX_USAGE=64 EX_IOERR=74 EX_TEMPFAIL=75

flow_log() { # LEVEL MESSAGE [KEY=VALUE...]
	local level=$1 msg=$2; shift 2
	printf 'ts=%s level=%s flow=%s msg="%s"%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$level" \
		"$flow_name" "$msg" "${*:+ $*}" >&2
}

flow_usage() { echo "usage: $flow_name $1" >&2; exit "$EX_USAGE"; }

# flow_interval START END: the half-open interval [START, END) this run covers,
# as UTC RFC 3339 in FLOW_START and FLOW_END; FLOW_RUN names the run (the same
# interval, the same name) and FLOW_RUN_DIR holds its rejects, failures and
# metrics. Running an interval again is harmless: bq-load loads a batch it
# has already loaded only once, and silver keeps one row per key anyway.
flow_interval() {
	local s e
	s=$(date -u -d "$1" +%s 2>/dev/null) || flow_usage "START END: START '$1' is not a time"
	e=$(date -u -d "$2" +%s 2>/dev/null) || flow_usage "START END: END '$2' is not a time"
	[ "$s" -lt "$e" ] || flow_usage "START END: START must be before END"
	FLOW_START=$(date -u -d "@$s" +%Y-%m-%dT%H:%M:%SZ)
	FLOW_END=$(date -u -d "@$e" +%Y-%m-%dT%H:%M:%SZ)
	FLOW_RUN=$flow_name-$(date -u -d "@$s" +%Y%m%dT%H%M%SZ)-$(date -u -d "@$e" +%Y%m%dT%H%M%SZ)
	FLOW_RUN_DIR=$VP_VAR/runs/$flow_name/$FLOW_RUN
	mkdir -p "$FLOW_RUN_DIR"
}

# flow_finish STAGE=STATUS...: the flow's exit status from its pipeline's
# (pass "${PIPESTATUS[@]}" zipped with the stage names). The first stage that
# failed is the cause: later stages fail because their input stopped, earlier
# ones with 74 because their output was closed. So 75 from vtex-fetch (retry
# budget spent) stays 75, safe to retry, whatever the stages after it did.
flow_finish() {
	local s name status cause=0 closed=0
	for s in "$@"; do
		name=${s%%=*} status=${s#*=}
		[ "$status" -eq 0 ] && continue
		flow_log warn "stage failed" stage="$name" status="$status"
		if [ "$status" -eq "$EX_IOERR" ]; then
			closed=1
		elif [ "$cause" -eq 0 ]; then
			cause=$status
		fi
	done
	[ "$cause" -eq 0 ] && [ "$closed" -eq 1 ] && cause=$EX_IOERR
	if [ "$cause" -eq 0 ]; then
		flow_log info "done" run="$FLOW_RUN" start="$FLOW_START" end="$FLOW_END"
	else
		flow_log error "failed" run="$FLOW_RUN" status="$cause" run_dir="$FLOW_RUN_DIR"
	fi
	return "$cause"
}

# flow_need TOOL...: exit 78 (configuration) when a tool is not built.
flow_need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || { flow_log error "missing tool (run make)" tool="$t"; exit 78; }
	done
}

# Metrics and rejects of one stage of this run: --metrics-file/--rejects args.
flow_files() { # STAGE
	echo "--metrics-file=$FLOW_RUN_DIR/$1.prom --rejects=$FLOW_RUN_DIR/$1.rejects.ndjson"
}
