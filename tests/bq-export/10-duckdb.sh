#!/usr/bin/env bash
# bq-export on a real DuckDB file: every type to its JSON form, tables, views
# and queries, --since with an atomic --state watermark across runs, the
# errors (no such table, bad query, column missing, state of another column,
# a locked file), and a table of 2 million rows streamed in bounded memory.
. "$(dirname "$0")/../lib.sh"
. "$VP_ROOT/tests/bq-load/common.sh"
bq_build_query_helper
D=$T_TMP
W=$D/w.duckdb

bq-export --help >"$D/help"
t_eq "--help exits 0" 0 $?
t_exit "--table or --query is needed" 64 bq-export -t duckdb:"$W" 2>/dev/null
t_exit "not both" 64 bq-export -t duckdb:"$W" -T a -q 'select 1' 2>/dev/null
t_exit "--state needs --since" 64 bq-export -t duckdb:"$W" -T a --state "$D/s" 2>/dev/null
t_exit "a bad --table name" 64 bq-export -t duckdb:"$W" -T 'a;drop' 2>/dev/null

q "$W" "create schema gold" "create table gold.types as select
  1::int as i, 9223372036854775807::bigint as big, 170141183460469231731687303715884105727::hugeint as huge,
  18446744073709551615::ubigint as ubig, 123.45::decimal(10,2) as dec, -0.5::decimal(38,10) as dec38,
  12345678901234567890.123456789::decimal(38,9) as dec_wide, 1.5::double as d, 0.1::float as f,
  'nan'::double as nan, 'infinity'::double as inf, 'a\"b\\c
é'::varchar as s, null::varchar as n, true as b,
  timestamp '2024-03-01 12:00:00.123456' as ts, timestamptz '2024-03-01 12:00:00+02' as tstz,
  timestamp_s '2024-03-01 12:00:01' as ts_s, timestamp_ms '2024-03-01 12:00:00.25' as ts_ms,
  timestamp_ns '2024-03-01 12:00:00.123456789' as ts_ns,
  date '2024-02-29' as dt, date '1960-01-01' as old, time '12:34:56.5' as tm,
  interval '1 month 2 days 3.5 seconds' as iv, [1,2,null] as l, {'a': 1, 'b': 'x', 'c': [{'d': null}]} as st,
  map {'k': 1} as m, map {1: 'x'} as m_int, 'ab'::blob as bl,
  '00112233-4455-6677-8899-aabbccddeeff'::uuid as u, '{\"x\":[1,true]}'::json as j, [1,2]::int[2] as arr,
  'b'::enum('a','b') as e" >/dev/null
bq-export -t duckdb:"$W" -T gold.types >"$D/types.out" 2>"$D/types.err"
t_eq "every type: exit 0" 0 $?
cat >"$D/types.want" <<'JSON'
{"i":1,"big":9223372036854775807,"huge":170141183460469231731687303715884105727,"ubig":18446744073709551615,"dec":123.45,"dec38":-0.5000000000,"dec_wide":12345678901234567890.123456789,"d":1.5,"f":0.1,"nan":null,"inf":null,"s":"a\"b\\c\né","n":null,"b":true,"ts":"2024-03-01T12:00:00.123456Z","tstz":"2024-03-01T10:00:00Z","ts_s":"2024-03-01T12:00:01Z","ts_ms":"2024-03-01T12:00:00.25Z","ts_ns":"2024-03-01T12:00:00.123456Z","dt":"2024-02-29","old":"1960-01-01","tm":"12:34:56.500000","iv":"P1M2DT3.500000S","l":[1,2,null],"st":{"a":1,"b":"x","c":[{"d":null}]},"m":{"k":1},"m_int":[{"key":1,"value":"x"}],"bl":"YWI=","u":"00112233-4455-6677-8899-aabbccddeeff","j":{"x":[1,true]},"arr":[1,2],"e":"b"}
JSON
t_same_file "values typed as JSON: exact integers and decimals, RFC 3339 UTC, null, nested" "$D/types.want" "$D/types.out"
t_run "the output is valid JSON for a JSON parser" python3 -c "import json,sys; json.loads(open(sys.argv[1]).read())" "$D/types.out"

q "$W" "create table gold.u as select 1::union(a int, b varchar) as x" >/dev/null
t_exit "a type without a JSON form: 78" 78 bq-export -t duckdb:"$W" -T gold.u 2>"$D/u.err"
t_run "it says to cast it" grep -q 'cast it in --query' "$D/u.err"
t_exit "a cast in --query exports it" 0 bash -c "bq-export -t duckdb:'$W' -q 'select x::varchar as x from gold.u' >/dev/null 2>&1"
t_exit "no such table: 69" 69 bq-export -t duckdb:"$W" -T gold.nope 2>/dev/null
t_exit "a bad query: 78" 78 bq-export -t duckdb:"$W" -q 'selec 1' 2>/dev/null
t_exit "no such file: 78" 78 bq-export -t duckdb:"$D/none/x.duckdb" -T a 2>/dev/null

# Incremental: orders changing over time, exported by their load time.
q "$W" "create table gold.orders as select 'o' || i as order_id, 'new' as status,
  timestamp '2024-01-01' + i * interval 1 minute as loaded_at, (i * 10.5)::decimal(12,2) as total from range(10) r(i)" \
  "create view gold.orders_v as select * from gold.orders" >/dev/null
S=$D/orders.state
bq-export -t duckdb:"$W" -T gold.orders_v --since loaded_at=2024-01-01T00:04:00Z --state "$S" >"$D/r1" 2>/dev/null
t_eq "first run from VALUE, through a view: rows after it" "o5 o6 o7 o8 o9" "$(python3 -c "import json,sys; print(' '.join(json.loads(l)['order_id'] for l in open(sys.argv[1])))" "$D/r1")"
t_eq "the watermark is the greatest loaded_at" '{"column":"loaded_at","watermark":"2024-01-01T00:09:00Z","numeric":false}' "$(cat "$S")"
bq-export -t duckdb:"$W" -T gold.orders_v --since loaded_at=2024-01-01T00:04:00Z --state "$S" >"$D/r2" 2>/dev/null
t_eq "run again: nothing new (the state wins over VALUE)" 0 "$(wc -l <"$D/r2")"
t_eq "the state is left as it was" '{"column":"loaded_at","watermark":"2024-01-01T00:09:00Z","numeric":false}' "$(cat "$S")"
q "$W" "update gold.orders set status = 'invoiced', loaded_at = timestamp '2024-01-01 01:00:00.5' where order_id in ('o2', 'o8')" \
  "insert into gold.orders values ('o10', 'new', timestamp '2024-01-01 00:30:00', 1)" >/dev/null
bq-export -t duckdb:"$W" -T gold.orders_v --since loaded_at --state "$S" >"$D/r3" 2>/dev/null
t_eq "changed and new rows only" "o10 o2 o8" "$(python3 -c "import json,sys; print(' '.join(sorted(json.loads(l)['order_id'] for l in open(sys.argv[1]))))" "$D/r3")"
t_run "the watermark moved, sub-second kept" grep -q '"watermark":"2024-01-01T01:00:00.5Z"' "$S"
bq-export -t duckdb:"$W" -q 'select order_id, total from gold.orders' --since total=80 --state "$D/num.state" >"$D/r4" 2>/dev/null
t_eq "a numeric watermark from a decimal column" '{"column":"total","watermark":"94.50","numeric":true}' "$(cat "$D/num.state")"
t_eq "rows above 80" 2 "$(wc -l <"$D/r4")"
t_exit "the column not in the result: 78" 78 bash -c "bq-export -t duckdb:'$W' -q 'select order_id from gold.orders' --since total >/dev/null 2>&1"
t_exit "a state file of another column: 78" 78 bq-export -t duckdb:"$W" -T gold.orders --since loaded_at --state "$D/num.state" 2>/dev/null
printf 'garbage' >"$D/bad.state"
t_exit "an unreadable state file: 78" 78 bq-export -t duckdb:"$W" -T gold.orders --since loaded_at --state "$D/bad.state" 2>/dev/null
before=$(cat "$S")
q "$W" "insert into gold.orders values ('o11', 'new', timestamp '2024-02-01', 1)" >/dev/null
t_exit "output not writable: 74" 74 bash -c "bq-export -t duckdb:'$W' -T gold.orders --since loaded_at --state '$S' >/dev/full 2>/dev/null"
t_eq "a failed run leaves the watermark as it was" "$before" "$(cat "$S")"
t_eq "the next run exports the row again" o11 "$(bq-export -t duckdb:"$W" -T gold.orders --since loaded_at --state "$S" 2>/dev/null | python3 -c "import json,sys; print(json.loads(sys.stdin.readline())['order_id'])")"

# Another process holding the file's lock is waited for, up to --lock-timeout.
"$T_TMP/duckdb_query" --hold 3 "$W" >"$D/hold.out" &
holder=$!
for _ in $(seq 50); do grep -q holding "$D/hold.out" 2>/dev/null && break; sleep 0.1; done
t_exit "still locked after --lock-timeout: 75" 75 bq-export -t duckdb:"$W" -T gold.orders --lock-timeout 0.3 2>/dev/null
t_exit "the lock waited for" 0 bash -c "bq-export -t duckdb:'$W' -T gold.orders --lock-timeout 30 >/dev/null 2>&1"
wait $holder

# 2 million rows (about 200 MB of NDJSON) stream through in bounded memory.
q "$W" "create table gold.big as select i as id, 'customer-' || i as name, i * 0.01 as value,
  timestamp '2024-01-01' + i * interval 1 second as at from range(2000000) r(i)" >/dev/null
/usr/bin/time -f '%M' -o "$D/rss" bq-export -t duckdb:"$W" -T gold.big --metrics-file "$D/big.prom" 2>/dev/null |
	python3 -c "
import sys, json
n = 0; last = None
for line in sys.stdin:
    n += 1; last = line
print(n, json.loads(last)['id'])" >"$D/big.count"
t_eq "2 million rows out" "2000000 1999999" "$(cat "$D/big.count")"
rss=$(tail -1 "$D/rss")
out_mb=$(python3 -c "print(2000000 * 100 // 1000000)")
[ "$rss" -lt 300000 ] && t_ok "bounded memory: max RSS ${rss} kB for ~${out_mb} MB out" || t_fail "bounded memory" "max RSS ${rss} kB"
t_run "metrics count the rows" grep -q 'vtex_pipes_records_total{tool="bq-export",stage="bq-export",outcome="out"} 2000000' "$D/big.prom"
t_done
