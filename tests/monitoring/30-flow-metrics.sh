#!/usr/bin/env bash
# What the tools really write, through a real flow: the catalog flow against
# vtex-sandbox into DuckDB. One run id in every log line of the run (the flow's
# and each tool's); the published metrics files (VP_METRICS_DIR) carry tool,
# stage and flow on every series, pass promtool's lint, use only names the
# sources declare (tests/monitoring/20-metric-names.sh relies on that), and
# add up across runs; a failed run counts as a failure, keeps the last success
# and sets the exit code the alert reads.
. "$(dirname "$0")/../lib.sh"
. "$VP_ROOT/tests/vtex-fetch/sandbox.sh"
for t in vtex-sandbox vtex-fetch ndjson-normalize dedup bq-load; do
	command -v "$t" >/dev/null || { echo "$t not built"; exit 77; }
done
sb_start --products 40 --orders 50 --clients 50
export VP_VAR=$T_TMP/var BQ_TARGET=duckdb:$T_TMP/var/warehouse.duckdb
unset VTEX_PIPES_RUN_ID VTEX_PIPES_FLOW VTEX_PIPES_STAGE
M=$VP_VAR/metrics
flow=$VP_ROOT/scripts/flows/catalog

"$flow" 2026-01-15T00:00:00Z 2026-01-15T06:00:00Z 2>"$T_TMP/err1"
t_eq "catalog flow: exit 0" 0 $?
t_eq "every log line carries a run_id" "$(wc -l <"$T_TMP/err1")" "$(grep -c ' run_id=' "$T_TMP/err1")"
t_eq "one run id for the whole run" 1 "$(grep -oE ' run_id=[^ ]+' "$T_TMP/err1" | sort -u | wc -l)"
t_eq "lines from the flow and from each of its four tools" "flow tool=bq-load tool=ndjson-normalize tool=ndjson-validate tool=vtex-fetch" \
	"$(grep -oE 'tool=[a-z-]+|flow=catalog msg' "$T_TMP/err1" | sed 's/=catalog msg//' | sort -u | paste -sd' ')"
t_eq "published: the flow's file and one per stage" "catalog-bq-load.prom catalog-catalog-mark.prom catalog-fetch.prom catalog-normalize.prom catalog-rejects.prom catalog-validate.prom catalog.prom" \
	"$(cd "$M" && ls | paste -sd' ')"

# Every series of a stage file: tool, stage and flow labels; names the sources declare.
grep -rohE '"vtex_[a-z0-9_]+"' "$VP_ROOT/cmd" "$VP_ROOT/lib" --include=*.c | tr -d '"' | sort -u >"$T_TMP/declared"
for s in fetch:vtex-fetch validate:ndjson-validate normalize:ndjson-normalize bq-load:bq-load; do
	stage=${s%%:*} tool=${s#*:} f=$M/catalog-$stage.prom
	t_eq "$stage: every series has tool=\"$tool\", stage=\"$stage\", flow=\"catalog\"" "" \
		"$(awk -v t="tool=\"$tool\"" -v s="stage=\"$stage\"" '!/^#/ && !(index($0, t) && index($0, s) && index($0, "flow=\"catalog\""))' "$f")"
	undeclared=$(grep -v '^#' "$f" | sed -E 's/[{ ].*//; s/_(bucket|sum|count)$//' | sort -u | comm -23 - "$T_TMP/declared" | paste -sd' ')
	t_eq "$stage: every name is declared in the sources" "" "$undeclared"
done
t_run "bq-load counted the loaded rows" grep -qE '^vtex_pipes_records_total\{.*outcome="loaded"\} [1-9]' "$M/catalog-bq-load.prom"
t_run "vtex-fetch's request durations are a histogram" grep -q '^vtex_pipes_http_request_duration_seconds_bucket{.*le="+Inf"}' "$M/catalog-fetch.prom"
t_eq "the flow's exit code is 0" 0 "$(awk '/^vtex_pipes_flow_last_exit_code/ {print $2}' "$M/catalog.prom")"
t_eq "one successful run" 1 "$(awk '/^vtex_pipes_flow_runs_total.*success/ {print $2}' "$M/catalog.prom")"
ok1=$(awk '/^vtex_pipes_flow_last_success_timestamp_seconds/ {print $2}' "$M/catalog.prom")
t_run "the last success is now" test "$((ok1 - $(date +%s)))" -le 0 -a "$(($(date +%s) - ok1))" -lt 600
req1=$(awk '/^vtex_pipes_http_requests_total.*code="200"/ {print $2}' "$M/catalog-fetch.prom")
dur1=$(awk '/^vtex_pipes_http_request_duration_seconds_count/ {print $2}' "$M/catalog-fetch.prom")

if command -v promtool >/dev/null; then
	for f in "$M"/*.prom; do
		if promtool check metrics <"$f" >"$T_TMP/lint" 2>&1; then
			t_ok "promtool check metrics: $(basename "$f")"
		else
			t_fail "promtool check metrics: $(basename "$f")" "$(cat "$T_TMP/lint")"
		fi
	done
	curl -s "$VTEX_BASE_URL/metrics" >"$T_TMP/sandbox.prom"
	if promtool check metrics <"$T_TMP/sandbox.prom" >"$T_TMP/lint" 2>&1; then
		t_ok "promtool check metrics: vtex-sandbox's /metrics"
	else
		t_fail "promtool check metrics: vtex-sandbox's /metrics" "$(cat "$T_TMP/lint")"
	fi
else
	t_skip "promtool check metrics" "no promtool (Debian package prometheus)"
fi

# The same interval again: counters add up, gauges are the last run's.
sleep 1
"$flow" 2026-01-15T00:00:00Z 2026-01-15T06:00:00Z 2>"$T_TMP/err2"
t_eq "second run: exit 0" 0 $?
t_run "a new run id" test "$(grep -oE ' run_id=[^ ]+' "$T_TMP/err1" | head -1)" != "$(grep -oE ' run_id=[^ ]+' "$T_TMP/err2" | head -1)"
t_eq "HTTP requests add up across runs" "$((req1 * 2))" "$(awk '/^vtex_pipes_http_requests_total.*code="200"/ {print $2}' "$M/catalog-fetch.prom")"
t_eq "so do histogram counts" "$((dur1 * 2))" "$(awk '/^vtex_pipes_http_request_duration_seconds_count/ {print $2}' "$M/catalog-fetch.prom")"
t_eq "two successful runs" 2 "$(awk '/^vtex_pipes_flow_runs_total.*success/ {print $2}' "$M/catalog.prom")"
ok2=$(awk '/^vtex_pipes_flow_last_success_timestamp_seconds/ {print $2}' "$M/catalog.prom")

# A run that fails (VTEX refuses the credentials: 78).
sleep 1
VTEX_APP_TOKEN=wrong "$flow" 2026-01-15T06:00:00Z 2026-01-15T12:00:00Z 2>"$T_TMP/err3"
t_eq "a run with bad credentials: exit 78" 78 $?
t_run "its failure line names the run id" grep -qE 'msg="failed" .* run_id=catalog-' "$T_TMP/err3"
t_eq "the exit code the alert reads" 78 "$(awk '/^vtex_pipes_flow_last_exit_code/ {print $2}' "$M/catalog.prom")"
t_eq "one failed run, two successful" "1 2" "$(awk '/^vtex_pipes_flow_runs_total.*failure/ {f=$2} /^vtex_pipes_flow_runs_total.*success/ {s=$2} END {print f, s}' "$M/catalog.prom")"
t_eq "the last success is kept" "$ok2" "$(awk '/^vtex_pipes_flow_last_success_timestamp_seconds/ {print $2}' "$M/catalog.prom")"
t_run "the refusal (403) is counted" grep -q '^vtex_pipes_http_requests_total{.*code="403"} [1-9]' "$M/catalog-fetch.prom"
t_run "the 200s of the runs before are still there" grep -q "^vtex_pipes_http_requests_total{.*code=\"200\"} $((req1 * 2))\$" "$M/catalog-fetch.prom"

# A caller's run id (a scheduler's) is kept.
VTEX_PIPES_RUN_ID=airflow-run-42 "$flow" 2026-01-15T12:00:00Z 2026-01-15T18:00:00Z 2>"$T_TMP/err4"
t_eq "a run id given by the caller is used on every line" "$(wc -l <"$T_TMP/err4")" "$(grep -c ' run_id=airflow-run-42' "$T_TMP/err4")"
t_done
