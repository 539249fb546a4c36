# Sourced by every flow in scripts/flows/: strict mode, paths and settings from
# the environment, the interval arguments, logfmt lines on stderr, and the
# exit status of a pipeline. A flow is the only place its pipeline is written;
# Airflow (airflow/dags/) and cron (scripts/cron/crontab) both call it.
#
# Environment: BQ_TARGET (duckdb:PATH, the default $VP_VAR/warehouse.duckdb, or
# bigquery:PROJECT.DATASET), VP_VAR (run files: rejects, failures, metrics;
# default <repo>/var), VP_STATE (watermarks the flows keep between runs;
# default $VP_VAR/state), VP_BIN (the tools; default <repo>/bin), VP_METRICS_DIR
# (the textfile-collector directory the flows publish their metrics to;
# default $VP_VAR/metrics), VTEX_PIPES_RUN_ID (default: one made here),
# BRONZE_RAW (yes: also keep each record's original JSON in bronze's
# <root>__raw tables, for rebuilds; default no: dbt/README.md), and
# what the tools read themselves (VTEX_BASE_URL, VTEX_ACCOUNT, VTEX_APP_KEY,
# VTEX_APP_TOKEN or VTEX_APP_TOKEN_FILE, or VTEX_GATEWAY with
# VTEX_GATEWAY_TOKEN(_FILE) and VTEX_GATEWAY_PRIORITY (realtime for the
# real-time flows, batch for the others, unless set),
# GOOGLE_APPLICATION_CREDENTIALS, ...).
#
# Observability: one run id per flow run, in every log line of the flow and
# of its tools (VTEX_PIPES_RUN_ID); every tool's metrics carry flow="<flow>"
# (VTEX_PIPES_FLOW) and stage="<stage>" (VTEX_PIPES_STAGE, set per command).
# At exit the flow publishes the stages' metrics files and the flow's own metrics
# (last run, last success, exit code, runs by outcome) into VP_METRICS_DIR,
# which node_exporter's textfile collector reads (monitoring/README.md).
set -euo pipefail
flow_name=$(basename "$0")
VP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VP_BIN=${VP_BIN:-$VP_ROOT/bin}
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
VP_VAR=${VP_VAR:-$VP_ROOT/var}
VP_STATE=${VP_STATE:-$VP_VAR/state}
VP_METRICS_DIR=${VP_METRICS_DIR:-$VP_VAR/metrics}
export PATH="$VP_BIN:$PATH"
# Set once per flow run (kept when the caller gave one, e.g. a scheduler's id).
export VTEX_PIPES_RUN_ID=${VTEX_PIPES_RUN_ID:-$flow_name-$(date -u +%Y%m%dT%H%M%SZ)-$$}
export VTEX_PIPES_FLOW=$flow_name
# Through a vtex-gateway (VTEX_GATEWAY set), the real-time flows go first.
case $flow_name in
orders-process | orders-feed | orders-ingest) export VTEX_GATEWAY_PRIORITY=${VTEX_GATEWAY_PRIORITY:-realtime} ;;
*) export VTEX_GATEWAY_PRIORITY=${VTEX_GATEWAY_PRIORITY:-batch} ;;
esac
FLOW_T0=$(date +%s)
export BQ_TARGET=${BQ_TARGET:-duckdb:$VP_VAR/warehouse.duckdb}

# Exit codes (lib/exitcode.h).
EX_USAGE=64 EX_IOERR=74 EX_TEMPFAIL=75

flow_log() { # LEVEL MESSAGE [KEY=VALUE...]
	local level=$1 msg=$2; shift 2
	printf 'ts=%s level=%s flow=%s msg="%s"%s run_id=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$level" \
		"$flow_name" "$msg" "${*:+ $*}" "$VTEX_PIPES_RUN_ID" >&2
}

flow_usage() { echo "usage: $flow_name $1" >&2; exit "$EX_USAGE"; }

# ndjson-normalize's --raw when BRONZE_RAW=yes, in FLOW_RAW (an array). Every
# field of a record is in the relational tables already; the raw copy is
# for rebuilding them by another normalization (dbt/README.md, Rebuilds).
case ${BRONZE_RAW:-no} in
yes) FLOW_RAW=(--raw) ;;
no) FLOW_RAW=() ;;
*) echo "$flow_name: BRONZE_RAW must be yes or no" >&2; exit "$EX_USAGE" ;;
esac

# flow_interval START END: the half-open interval [START, END) this run covers,
# as UTC RFC 3339 in FLOW_START and FLOW_END; FLOW_RUN names the run (the same
# interval, the same name) and FLOW_RUN_DIR holds its rejects, failures and
# metrics. Running an interval again is harmless: bq-load loads a row whose
# _row_id is already in its table only once, and silver keeps one row per key anyway.
flow_interval() {
	local s e
	s=$(date -u -d "$1" +%s 2>/dev/null) || flow_usage "START END: START '$1' is not a time"
	e=$(date -u -d "$2" +%s 2>/dev/null) || flow_usage "START END: END '$2' is not a time"
	[ "$s" -lt "$e" ] || flow_usage "START END: START must be before END"
	FLOW_START=$(date -u -d "@$s" +%Y-%m-%dT%H:%M:%SZ)
	FLOW_END=$(date -u -d "@$e" +%Y-%m-%dT%H:%M:%SZ)
	FLOW_RUN=$flow_name-$(date -u -d "@$s" +%Y%m%dT%H%M%SZ)-$(date -u -d "@$e" +%Y%m%dT%H%M%SZ)
	FLOW_RUN_DIR=$VP_VAR/runs/$flow_name/$FLOW_RUN
	mkdir -p -m 0700 "$FLOW_RUN_DIR"
	# A rerun of the interval: the metrics of the run before are published already.
	rm -f "$FLOW_RUN_DIR"/*.prom
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

# At exit, whatever the way out (usage error, missing tool, flow_finish's
# status), the run's metrics are published.
trap 'flow_publish_metrics $?' EXIT

# flow_publish_metrics STATUS: adds each stage's metrics file of this run to
# VP_METRICS_DIR/<flow>-<stage>.prom (counters and histograms accumulate
# across runs, so rate() and increase() work on them: prom-accumulate.awk;
# gauges are the last run's) and writes VP_METRICS_DIR/<flow>.prom with the
# flow's own series; each file is renamed into place, so the collector never
# reads half a file. The last success and the run counters survive from the
# previous file. A failure to publish is logged, never fatal.
flow_publish_metrics() {
	local status=$1 now f stage out prev ok=0 failed=0 last_ok=
	set +e # at exit: nothing here may change the flow's status
	now=$(date +%s)
	mkdir -p "$VP_METRICS_DIR" 2>/dev/null || { flow_log warn "cannot publish metrics" dir="$VP_METRICS_DIR"; return 0; }
	# Two runs of one flow ending together (dbt all and dbt gold) add up in turn.
	local lock
	exec {lock}>>"$VP_METRICS_DIR/.$flow_name.lock" && flock -w 30 "$lock"
	if [ -n "${FLOW_RUN_DIR:-}" ]; then
		for f in "$FLOW_RUN_DIR"/*.prom; do
			[ -e "$f" ] || continue
			stage=$(basename "$f" .prom)
			out=$VP_METRICS_DIR/$flow_name-$stage.prom
			prev=$out; [ -r "$prev" ] || prev=/dev/null
			awk -f "$VP_ROOT/scripts/flows/prom-accumulate.awk" "$prev" "$f" >"$out.tmp.$$" &&
				mv "$out.tmp.$$" "$out" || flow_log warn "cannot publish metrics" file="$out"
		done
	fi
	prev=$VP_METRICS_DIR/$flow_name.prom
	if [ -r "$prev" ]; then
		ok=$(awk '/^vtex_pipes_flow_runs_total\{.*outcome="success"/ {print $2}' "$prev")
		failed=$(awk '/^vtex_pipes_flow_runs_total\{.*outcome="failure"/ {print $2}' "$prev")
		last_ok=$(awk '/^vtex_pipes_flow_last_success_timestamp_seconds\{/ {print $2}' "$prev")
	fi
	ok=${ok:-0} failed=${failed:-0}
	if [ "$status" -eq 0 ]; then ok=$((ok + 1)) last_ok=$now; else failed=$((failed + 1)); fi
	local l="flow=\"$flow_name\""
	{
		echo "# HELP vtex_pipes_flow_runs_total Flow runs by outcome (exit 0 or not)."
		echo "# TYPE vtex_pipes_flow_runs_total counter"
		echo "vtex_pipes_flow_runs_total{$l,outcome=\"success\"} $ok"
		echo "vtex_pipes_flow_runs_total{$l,outcome=\"failure\"} $failed"
		echo "# HELP vtex_pipes_flow_last_run_timestamp_seconds When the last run of the flow ended."
		echo "# TYPE vtex_pipes_flow_last_run_timestamp_seconds gauge"
		echo "vtex_pipes_flow_last_run_timestamp_seconds{$l} $now"
		echo "# HELP vtex_pipes_flow_last_exit_code Exit status of the last run (0 success; see vtex-pipes(7))."
		echo "# TYPE vtex_pipes_flow_last_exit_code gauge"
		echo "vtex_pipes_flow_last_exit_code{$l} $status"
		echo "# HELP vtex_pipes_flow_last_duration_seconds How long the last run took."
		echo "# TYPE vtex_pipes_flow_last_duration_seconds gauge"
		echo "vtex_pipes_flow_last_duration_seconds{$l} $((now - FLOW_T0))"
		if [ -n "$last_ok" ]; then
			echo "# HELP vtex_pipes_flow_last_success_timestamp_seconds When the last successful run of the flow ended."
			echo "# TYPE vtex_pipes_flow_last_success_timestamp_seconds gauge"
			echo "vtex_pipes_flow_last_success_timestamp_seconds{$l} $last_ok"
		fi
	} >"$prev.tmp.$$" && mv "$prev.tmp.$$" "$prev" || flow_log warn "cannot publish metrics" file="$prev"
}

# flow_need TOOL...: exit 78 (configuration) when a tool is not built.
flow_need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || { flow_log error "missing tool (run make)" tool="$t"; exit 78; }
	done
}

# Metrics and rejects of one stage of this run: --metrics-file/--rejects args.
# Run the stage's command with VTEX_PIPES_STAGE=STAGE so its metrics say so.
flow_files() { # STAGE
	echo "--metrics-file=$FLOW_RUN_DIR/$1.prom --rejects=$FLOW_RUN_DIR/$1.rejects.ndjson"
}
