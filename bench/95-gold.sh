#!/usr/bin/env bash
# dbt and gold.orders_current on the demo's warehouse (100,000 orders) and on
# a 10x copy of its order history (1,000,000 orders: every bronze order table
# repeated ten times under other ids, so the history grows and nothing else
# changes), side by side in one run: full build, a "15 minutes of live
# orders" increment (BENCH_LIVE_ORDERS order details from bench/gen-orders,
# the demo's 20 orders/s for 15 min by default, through ndjson-normalize and
# bq-load) then the incremental build, orders_current's one-order lookup and
# full scan (with the increment still only in bronze, and after the build),
# and the warehouse's bytes per order against the JSON they came from.
# Needs var/demo/warehouse.duckdb and var/demo/stages.txt (make demo).
# BENCH_GOLD_SCALES: which of w100k and w1m to run (both by default).
. "$(dirname "$0")/lib.sh"
cd "$VP_ROOT"
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
py=$VP_CACHE/venv-dbt/bin/python dbt=$VP_CACHE/venv-dbt/bin/dbt
src=var/demo/warehouse.duckdb
[ -f "$src" ] || { echo "no $src: run make demo first"; exit 1; }
live=${BENCH_LIVE_ORDERS:-18000}
work=${BENCH_TMP:-bench/data/gold}
rm -rf "$work"; mkdir -p "$work"
out=bench/results/gold.md
export DBT_PROFILES_DIR=$VP_ROOT/dbt DBT_TARGET=duckdb DBT_SEND_ANONYMOUS_USAGE_STATS=false

scales=${BENCH_GOLD_SCALES:-w100k w1m}
cp "$src" "$work/w100k.duckdb"
[[ $scales != *w1m* ]] || cp "$src" "$work/w1m.duckdb"
[[ $scales != *w1m* ]] || "$py" - "$work/w1m.duckdb" <<'PY'
import sys, duckdb
c = duckdb.connect(sys.argv[1])
tables = [t for t, in c.execute("select table_name from information_schema.tables where table_schema = 'bronze'"
                                " and table_name like 'orders%' and table_name not like '%\\_\\_raw' escape '\\'").fetchall()]
for t in tables:
    cols = [x for x, in c.execute("select column_name from information_schema.columns where table_schema = 'bronze'"
                                  " and table_name = ? order by ordinal_position", [t]).fetchall()]
    ids = {"_row_id", "_root_id", "_parent_row_id", "_batch_id"} | ({"order_id"} if t == "orders" else set())
    sel = ", ".join(f"{q} || '~' || k" if x in ids else q for x in cols for q in [f'"{x}"'])
    c.execute(f'insert into bronze."{t}" select {sel} from bronze."{t}", range(1, 10) as r(k)')
c.execute("checkpoint")
PY
# History is history: make demo loads its whole two years in minutes, so every
# row would sit inside silver's incremental lookback (3 h) and orders_current's
# window, and each "incremental" build would redo everything. Bronze's load
# times are spread over the two years before 30 days ago instead, rising with
# each table's row order (as bq-load appends, so zone maps still prune), as if
# a daily flow had loaded them; bq-load's bookkeeping moves 30 days back.
for w in $scales; do
	"$py" - "$work/$w.duckdb" <<'PY'
import sys, duckdb
c = duckdb.connect(sys.argv[1])
for t, in c.execute("select table_name from information_schema.columns where table_schema = 'bronze'"
                    " and column_name = '_loaded_at'").fetchall():
    c.execute(f'update bronze."{t}" set _loaded_at = cast(current_timestamp as timestamp) - interval 30 day'
              f' - to_microseconds(cast((s.mx - bronze."{t}".rowid) * (730 * 86400000000.0 / greatest(s.n, 1)) as bigint))'
              f' from (select max(rowid) as mx, count(*) as n from bronze."{t}") as s')
c.execute("update bronze._vtex_pipes_batches set loaded_at = loaded_at - interval 30 day")
c.execute("checkpoint")
PY
done

livejson=bench/data/gold-live-$live.json # kept between runs: the same increment
[ -s "$livejson" ] || bench/gen-orders --count "$live" --seed 95 >"$livejson"
live_bytes=$(bytes "$livejson")
ndjson-normalize --entity order <"$livejson" >"$work/live.rows" 2>/dev/null

build() { # WAREHOUSE ARGS...: seconds of dbt build
	local wh=$1; shift
	local t0; t0=$(date +%s.%N)
	(cd dbt && DUCKDB_PATH=$VP_ROOT/$wh DBT_TARGET_PATH=$VP_ROOT/$work/target DBT_LOG_PATH=$VP_ROOT/$work/logs \
		"$dbt" build "$@") >"$work/dbt.out" 2>&1 || { tail -30 "$work/dbt.out"; exit 1; }
	echo "$(date +%s.%N) - $t0" | bc
}
current() { # WAREHOUSE: lookup and scan times of gold.orders_current (median of 5, ms)
	"$py" - "$1" <<'PY'
import statistics, sys, time, duckdb
c = duckdb.connect(sys.argv[1], read_only=True)
ids = [x for x, in c.execute("select order_id from silver.orders using sample 5 rows").fetchall()]
def ms(sql, *a):
    t = time.perf_counter(); c.execute(sql, list(a)).fetchall(); return (time.perf_counter() - t) * 1000
look = statistics.median(ms("select * from gold.orders_current where order_id = ?", i) for i in ids)
# The whole view materialized inside DuckDB: the query's cost, not the
# Python client's conversion of 100,000 rows into objects (that alone took
# most of a fetchall() here).
scan = statistics.median(ms("create or replace temp table scan as select * from gold.orders_current") for _ in range(5))
n = c.execute("select count(*) from gold.orders_current").fetchone()[0]
print(f"{look:.1f} {scan:.0f} {n}")
PY
}
floor() { # seconds of a dbt invocation that selects nothing: start, parse, exit
	local t0; t0=$(date +%s.%N)
	(cd dbt && DUCKDB_PATH=$VP_ROOT/$1 DBT_TARGET_PATH=$VP_ROOT/$work/target DBT_LOG_PATH=$VP_ROOT/$work/logs \
		"$dbt" build --select tag:vp_bench_selects_nothing) >"$work/dbt-floor.out" 2>&1
	echo "$(date +%s.%N) - $t0" | bc
}
orders() { "$py" -c "import sys,duckdb; print(duckdb.connect(sys.argv[1], read_only=True).execute('select count(distinct order_id) from bronze.orders').fetchone()[0])" "$1"; }
declare -A r
for w in $scales; do
	wh=$work/$w.duckdb
	r[$w,orders]=$(orders "$wh")
	r[$w,full]=$(build "$wh" --full-refresh)
	r[$w,bytes0]=$(bytes "$wh")
	bq-load --target "duckdb:$wh" --dataset bronze <"$work/live.rows" >/dev/null 2>&1
	"$py" -c "import sys,duckdb; duckdb.connect(sys.argv[1]).execute('checkpoint')" "$wh"
	r[$w,bytes1]=$(bytes "$wh")
	r[$w,tail]=$(current "$wh")
	r[$w,incr]=$(build "$wh")
	r[$w,after]=$(current "$wh")
	r[$w,incr2]=$(build "$wh")
	r[$w,floor]=$(floor "$wh")
done
set +u # a scale not run (BENCH_GOLD_SCALES) has no figures: its cells stay empty
f() { [ -n "$1" ] && printf '%.1f' "$1" || printf 'not run'; }
{
	echo "## dbt build and gold.orders_current, 100,000 and 1,000,000 orders"
	echo
	echo "Machine: $(bench_machine); load average $(cut -d' ' -f1-3 /proc/loadavg) at the end (one round each: a round takes minutes here)."
	echo
	echo "Reproduce: \`make demo; bench/run 95-gold\`. 100k: the warehouse \`make demo\` leaves."
	echo "1M: the same with every bronze order table repeated ten times under other ids (the"
	echo "history grows tenfold, nothing else). In both, bronze's load times are spread over the two"
	echo "years before 30 days ago, in row order (the demo loads two years in minutes: every row would"
	echo "sit in silver's 3 h incremental lookback). Increment: $live order details (\`bench/gen-orders\`,"
	echo "$(awk -v b="$live_bytes" -v n="$live" 'BEGIN { printf "%.1f", b / n / 1024 }') KiB of JSON each on average; 15 min of the demo's 20 orders/s) through"
	echo "ndjson-normalize and bq-load. Times are dbt build's wall time (models and their tests);"
	echo "orders_current: median of 5 (DuckDB, the Python client)."
	echo
	echo "| | 100k orders | 1M orders |"
	echo "|---|---|---|"
	echo "| orders in bronze | ${r[w100k,orders]} | ${r[w1m,orders]} |"
	echo "| dbt build --full-refresh | $(f "${r[w100k,full]}") s | $(f "${r[w1m,full]}") s |"
	echo "| dbt build, incremental after the increment | $(f "${r[w100k,incr]}") s | $(f "${r[w1m,incr]}") s |"
	echo "| dbt build, incremental with nothing new | $(f "${r[w100k,incr2]}") s | $(f "${r[w1m,incr2]}") s |"
	echo "| dbt build selecting nothing (dbt's own start and parse) | $(f "${r[w100k,floor]}") s | $(f "${r[w1m,floor]}") s |"
	set -- ${r[w100k,tail]}; a1=$1 a2=$2; set -- ${r[w1m,tail]}
	echo "| orders_current, one order, increment only in bronze | $a1 ms | $1 ms |"
	echo "| orders_current, full scan (materialized in DuckDB), increment only in bronze | $a2 ms | $2 ms |"
	set -- ${r[w100k,after]}; a1=$1 a2=$2; set -- ${r[w1m,after]}
	echo "| orders_current, one order, after the build | $a1 ms | $1 ms |"
	echo "| orders_current, full scan (materialized in DuckDB), after the build | $a2 ms | $2 ms |"
	echo "| warehouse file (after the full build) | $((r[w100k,bytes0] / 1048576)) MiB | $((r[w1m,bytes0] / 1048576)) MiB |"
	echo "| warehouse growth per order of the increment (bronze only) vs its JSON | $(( (r[w100k,bytes1] - r[w100k,bytes0]) / live )) B vs $((live_bytes / live)) B | $(( (r[w1m,bytes1] - r[w1m,bytes0]) / live )) B vs $((live_bytes / live)) B |"
	echo
	echo "\`make demo\` that made the 100k warehouse (var/demo/stages.txt; total after bootstrap and"
	echo "build: $(awk '!/^bootstrap|^build/ { t += $(NF-1) } END { printf "%.0f", t }' var/demo/stages.txt) s):"
	echo
	echo '```'
	cat var/demo/stages.txt
	echo '```'
	echo
} >"$out"
cat "$out"
