#!/usr/bin/env bash
# scripts/cron: the crontab schedules the same flows as the DAGs; run-flow
# runs a flow over the last whole period (gold equals the expected for the
# period ending 2024-04-01 00:00), skips while the flow is still running, and
# retries only exit 75.
. "$(dirname "$0")/../lib.sh"
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
py=$VP_CACHE/venv-dbt/bin/python
[ -x "$py" ] || { echo "no dbt virtualenv under $VP_CACHE: run scripts/bootstrap"; exit 77; }
fix=$VP_ROOT/tests/fixtures/dbt
wh=$T_TMP/warehouse.duckdb
run_flow=$VP_ROOT/scripts/cron/run-flow
export VP_VAR=$T_TMP/var BQ_TARGET=duckdb:$wh

jobs=$(grep -vE '^\s*(#|$|[A-Z_]+=)' "$VP_ROOT/scripts/cron/crontab" | awk '{print $1, $2, $3, $4, $5, $NF == "gold" ? $(NF-2) : $(NF-1)}')
t_eq "crontab runs the flows on the DAGs' schedules" \
"0 */6 * * * catalog
0 0 * * * clients
0 * * * * orders-reconcile
*/15 * * * * dbt" "$jobs"
for f in $(awk '{print $NF}' <<<"$jobs"); do
	t_run "crontab's flow $f exists" test -x "$VP_ROOT/scripts/flows/$f"
done

"$py" "$VP_ROOT/tests/dbt/load-fixture.py" "$wh" "$fix/batch-1.ndjson" "2024-03-12 00:00:00"
"$py" "$VP_ROOT/tests/dbt/load-fixture.py" "$wh" "$fix/batch-2.ndjson" "2024-03-20 00:00:00"
t_exit "run-flow dbt over the last 15 minutes" 0 env VP_NOW=2024-04-01T00:07:00Z "$run_flow" dbt 900 gold
t_run "the interval was [23:45, 00:00)" test -d "$VP_VAR/runs/dbt/dbt-20240331T234500Z-20240401T000000Z"
"$py" "$VP_ROOT/tests/dbt/dump-gold.py" "$wh" >"$T_TMP/gold.txt"
t_same_file "gold equals the expected" "$fix/expected-gold.txt" "$T_TMP/gold.txt"

exec 9>"$VP_VAR/locks/dbt.lock"
flock 9
t_exit "a second run while one is running exits at once" 0 "$run_flow" dbt 900 gold 2>"$T_TMP/err"
t_run "... saying so" grep -q 'still running' "$T_TMP/err"
exec 9>&-

"$py" -c 'import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print("held", flush=True); time.sleep(120)' \
	"$wh" >"$T_TMP/holder.out" 2>&1 &
holder=$!
t_on_exit "kill $holder"
for _ in $(seq 100); do grep -q held "$T_TMP/holder.out" && break; sleep 0.1; done
: >"$VP_VAR/log/dbt.log"
t_exit "exit 75 is retried, then returned" 75 env VP_CRON_RETRIES=1 VP_CRON_RETRY_DELAY=0 "$run_flow" dbt 900 gold
t_eq "tried twice" 2 "$(grep -c 'msg="failed"' "$VP_VAR/log/dbt.log")"
: >"$VP_VAR/log/dbt.log"
t_exit "a usage error is not retried" 64 env VP_CRON_RETRIES=3 VP_CRON_RETRY_DELAY=0 "$run_flow" --lookback -5 dbt 900 gold
t_done
