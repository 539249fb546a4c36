#!/usr/bin/env bash
# scripts/flows/dbt on a DuckDB warehouse holding the dbt fixture's bronze:
# gold equals the expected, stale sources are logged, running the interval
# again leaves gold as it was, the gold mode works, a bad interval is a usage
# error (64), and a warehouse file held by another writer gives 75 (safe to
# retry). Every row is tested on a mode's first run, and again once the
# last such run is DBT_FULL_TESTS_HOURS old.
. "$(dirname "$0")/../lib.sh"
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
py=$VP_CACHE/venv-dbt/bin/python
[ -x "$py" ] || { echo "no dbt virtualenv under $VP_CACHE: run scripts/bootstrap"; exit 77; }
fix=$VP_ROOT/tests/fixtures/dbt
wh=$T_TMP/warehouse.duckdb
export VP_VAR=$T_TMP/var BQ_TARGET=duckdb:$wh
flow=$VP_ROOT/scripts/flows/dbt
"$py" "$VP_ROOT/tests/dbt/load-fixture.py" "$wh" "$fix/batch-1.ndjson" "2024-03-12 00:00:00"
"$py" "$VP_ROOT/tests/dbt/load-fixture.py" "$wh" "$fix/batch-2.ndjson" "2024-03-20 00:00:00"
# END (2024-04-01) is the "now" of expected-gold.txt.
interval=(2024-03-31T00:00:00Z 2024-04-01T00:00:00+00:00)

t_exit "dbt flow builds everything" 0 "$flow" "${interval[@]}" 2>"$T_TMP/err"
"$py" "$VP_ROOT/tests/dbt/dump-gold.py" "$wh" >"$T_TMP/gold.txt"
t_same_file "gold equals the expected" "$fix/expected-gold.txt" "$T_TMP/gold.txt"
t_run "logs one logfmt line per event" grep -q 'flow=dbt msg="done" run=dbt-20240331T000000Z-20240401T000000Z' "$T_TMP/err"
t_eq "logs the stale bronze sources (the fixture is from 2024)" 3 "$(grep -c 'level=error flow=dbt msg="stale source"' "$T_TMP/err")"
# The vars the last dbt build ran with (what dbt itself recorded).
build_vars() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["args"].get("vars") or {})' \
	"$VP_VAR/dbt/target/run_results.json"; }
t_run "the first run tests every row" grep -q 'msg="start" mode=all .* tests=full' "$T_TMP/err"
t_eq "... dbt build ran with full_tests" "{'full_tests': True}" "$(build_vars)"

# Another END between two runs of the same interval: dbt keeps its saved
# parse and must still compile gold with each run's "now" (VP_AS_OF).
t_exit "dbt flow, gold only, a later END" 0 "$flow" gold 2024-04-10T00:00:00Z 2024-04-11T00:00:00Z 2>/dev/null
"$py" "$VP_ROOT/tests/dbt/dump-gold.py" "$wh" >"$T_TMP/gold-later.txt"
t_run "a later END moves gold's days since" sh -c '! cmp -s "$0" "$1"' "$fix/expected-gold.txt" "$T_TMP/gold-later.txt"

t_exit "dbt flow, gold only, same interval" 0 "$flow" gold "${interval[@]}" 2>/dev/null
"$py" "$VP_ROOT/tests/dbt/dump-gold.py" "$wh" >"$T_TMP/gold.txt"
t_same_file "re-running the interval leaves gold as it was" "$fix/expected-gold.txt" "$T_TMP/gold.txt"

t_exit "START after END is a usage error" 64 "$flow" 2024-04-02T00:00:00Z 2024-04-01T00:00:00Z 2>/dev/null
t_exit "a bad time is a usage error" 64 "$flow" yesterday-ish 2024-04-01T00:00:00Z 2>/dev/null

# Another process holds the DuckDB file (as bq-load does while loading).
"$py" -c 'import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print("held", flush=True); time.sleep(120)' \
	"$wh" >"$T_TMP/holder.out" 2>&1 &
holder=$!
t_on_exit "kill $holder"
for _ in $(seq 100); do grep -q held "$T_TMP/holder.out" && break; sleep 0.1; done
stamp=$VP_VAR/state/dbt-all.full-tests
touch -d '-21 hours' "$stamp"
t_exit "a warehouse held by another writer is a temporary failure (75)" 75 "$flow" "${interval[@]}" 2>"$T_TMP/err"
t_run "the last full test 21 h ago: this run tests every row" grep -q 'tests=full' "$T_TMP/err"
t_run "a failed run leaves the full tests due" test -n "$(find "$stamp" -mmin +1200)"
kill "$holder"; wait "$holder" 2>/dev/null
t_exit "the run after it" 0 "$flow" "${interval[@]}" 2>"$T_TMP/err"
t_run "tests every row" grep -q 'tests=full' "$T_TMP/err"
t_eq "... dbt build ran with full_tests" "{'full_tests': True}" "$(build_vars)"
t_exit "and the next" 0 "$flow" "${interval[@]}" 2>"$T_TMP/err"
t_run "tests the recent rows" grep -q 'tests=recent' "$T_TMP/err"
t_eq "... dbt build ran without full_tests" "{}" "$(build_vars)"
t_exit "DBT_FULL_TESTS=yes" 0 env DBT_FULL_TESTS=yes "$flow" "${interval[@]}" 2>"$T_TMP/err"
t_run "tests every row" grep -q 'tests=full' "$T_TMP/err"
t_exit "DBT_FULL_TESTS=maybe is a configuration error (78)" 78 env DBT_FULL_TESTS=maybe "$flow" "${interval[@]}" 2>/dev/null
t_done
