#!/usr/bin/env bash
# DuckDB for real: a re-run batch is loaded once, and a row already in its table
# (by _row_id) is not loaded again whatever the batching; a batch DuckDB refuses leaves
# no partial rows; a crash (kill -9) mid-run leaves only whole batches and a
# re-run completes the load exactly; another writer's lock is waited for;
# --flush-ms ends a batch when the input goes idle.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"
bq_build_query_helper
D=$T_TMP DB=$T_TMP/w.duckdb

python3 - "$D/orders.ndjson" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        f.write(json.dumps({"_table": "orders", "_row_id": "o%d" % i, "_root_id": "o%d" % i, "value": i,
                            "status": "invoiced"}) + "\n")
        for j in range(2):
            f.write(json.dumps({"_table": "orders__items", "_row_id": "o%d-%d" % (i, j), "_parent_row_id": "o%d" % i,
                                "_root_id": "o%d" % i, "_idx": j, "qty": j + 1, "price": 9.9}) + "\n")
PY
bq-load --target duckdb:"$DB" --batch-rows 1000 <"$D/orders.ndjson" >"$D/out1" 2>/dev/null
t_eq "first run loads every row" "3000 6000" "$(q "$DB" "select count(*) from bronze.orders" "select count(*) from bronze.orders__items" | paste -sd' ')"
bq-load --target duckdb:"$DB" --batch-rows 1000 <"$D/orders.ndjson" >"$D/out2" 2>"$D/err2"
t_eq "a re-run exits 0" 0 $?
t_eq "a re-run loads nothing twice" "3000 6000" "$(q "$DB" "select count(*) from bronze.orders" "select count(*) from bronze.orders__items" | paste -sd' ')"
t_eq "the re-run reports every batch as already loaded" "$(grep -c . "$D/out1")" "$(grep -c '"already_loaded"' "$D/out2")"
t_eq "same batch ids both times" "$(grep -o '"batch_id":"[0-9a-f]*"' "$D/out1")" "$(grep -o '"batch_id":"[0-9a-f]*"' "$D/out2")"
t_eq "each (table, batch) once in the bookkeeping table" "$(grep -c . "$D/out1")" \
	"$(q "$DB" "select count(distinct (table_name, batch_id)) from bronze._vtex_pipes_batches")"

# Whatever the batching: the same rows in another order and other batches add
# nothing (an anti-join on _row_id inside the load's INSERT), counted as skipped.
tac "$D/orders.ndjson" | bq-load --target duckdb:"$DB" --batch-rows 777 --metrics-file "$D/re.prom" >"$D/out2b" 2>"$D/err2b"
t_eq "re-batched and reversed: exit 0" 0 $?
t_eq "no row added" "3000 6000" "$(q "$DB" "select count(*) from bronze.orders" "select count(*) from bronze.orders__items" | paste -sd' ')"
t_eq "the report lines: 0 loaded, 9000 skipped" "0 9000" \
	"$(python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; print(sum(x["rows"] for x in r), sum(x["skipped"] for x in r))' "$D/out2b")"
t_eq "skipped rows counted per table" "3000 6000" \
	"$(prom_value 'vtex_pipes_bq_rows_skipped_total{table="orders"}' <"$D/re.prom") $(prom_value 'vtex_pipes_bq_rows_skipped_total{table="orders__items"}' <"$D/re.prom")"
t_run "and in the done line" grep -q 'msg=done .*skipped=9000' "$D/err2b"
# In input order (roots first, as ndjson-normalize writes them), other
# batches that cut records in two: an item is looked up unless the batch
# itself added its order's root row, which none of these did.
bq-load --target duckdb:"$DB" --batch-rows 500 <"$D/orders.ndjson" >"$D/out2d" 2>/dev/null
t_eq "re-batched, records cut between batches: 0 loaded, 9000 skipped; no row added" "0 9000 3000 6000" \
	"$(python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; print(sum(x["rows"] for x in r), sum(x["skipped"] for x in r))' "$D/out2d") $(q "$DB" "select count(*) from bronze.orders" "select count(*) from bronze.orders__items" | paste -sd' ')"
# New orders, with one old order's rows among them: the new orders' items go
# in without a lookup, the old order's rows are skipped.
python3 - "$D/more.ndjson" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in [3000, 3001, 5, 3002]:
        f.write(json.dumps({"_table": "orders", "_row_id": "o%d" % i, "_root_id": "o%d" % i, "value": i}) + "\n")
        for j in range(2):
            f.write(json.dumps({"_table": "orders__items", "_row_id": "o%d-%d" % (i, j), "_parent_row_id": "o%d" % i,
                                "_root_id": "o%d" % i, "_idx": j, "qty": j + 1}) + "\n")
PY
bq-load --target duckdb:"$DB" <"$D/more.ndjson" >"$D/out2e" 2>/dev/null
t_eq "three new orders and an old one: 3+6 loaded, 1+2 skipped" "3 1 6 2 3003 6006" \
	"$(python3 -c 'import json,sys; [print(x["rows"], x["skipped"]) for x in map(json.loads, open(sys.argv[1]))]' "$D/out2e" | paste -sd' ') $(q "$DB" "select count(*) from bronze.orders" "select count(*) from bronze.orders__items" | paste -sd' ')"
# Within a batch a repeated row goes in once; a row without _row_id always goes in.
printf '%s\n' '{"_table":"orders","_row_id":"new1","value":1}' '{"_table":"orders","_row_id":"new1","value":1}' \
	'{"_table":"orders","value":2}' '{"_table":"orders","_row_id":"o7","value":7}' |
	bq-load --target duckdb:"$DB" >"$D/out2c" 2>/dev/null
t_eq "a new row, its repeat, a row without id, an old row: 2 loaded, 2 skipped" \
	'"rows":2,"skipped":2 3005' "$(grep -o '"rows":[0-9]*,"skipped":[0-9]*' "$D/out2c") $(q "$DB" "select count(*) from bronze.orders")"

# A batch DuckDB refuses: a table made by hand with a narrow column, and the
# last row of the batch overflows it. Nothing of that table's batch stays;
# its rows go to the rejects with DuckDB's message; the other table loads.
q "$DB" "create table bronze.narrow (_row_id varchar, n integer, _batch_id varchar, _loaded_at timestamp)"
printf '%s\n' '{"_table":"narrow","_row_id":"a","n":1}' '{"_table":"wide","w":1}' \
	'{"_table":"narrow","_row_id":"b","n":2}' '{"_table":"narrow","_row_id":"c","n":99999999999}' >"$D/fail.ndjson"
bq-load --target duckdb:"$DB" --rejects "$D/rej" <"$D/fail.ndjson" >"$D/out3" 2>"$D/err3"
t_eq "a refused batch exits 1" 1 $?
t_eq "no partial rows of the refused batch" 0 "$(q "$DB" "select count(*) from bronze.narrow")"
t_eq "all its rows rejected, the good ones too" "a b c" \
	"$(python3 -c 'import json,sys; print(*[json.loads(l)["record"]["_row_id"] for l in open(sys.argv[1])])' "$D/rej")"
t_run "with DuckDB's reason" grep -q 'Failed to cast value' "$D/rej"
t_eq "the rest of the batch is loaded" 1 "$(q "$DB" "select w from bronze.wide")"
t_eq "summary says rejected" 1 "$(grep -c '"table":"narrow".*"status":"rejected"' "$D/out3")"

# A crash mid-run: batches are all-or-nothing, and a re-run completes the load
# without a duplicate (committed batches are recognised by their ids).
python3 - "$D/big.ndjson" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(200000):
        f.write(json.dumps({"_table": "events", "_row_id": "e%d" % i, "n": i, "pad": "x" * 40}) + "\n")
PY
CRASH=$D/crash.duckdb
bq-load --target duckdb:"$CRASH" --batch-rows 20000 <"$D/big.ndjson" >"$D/out4" 2>/dev/null &
pid=$!
sleep 1.5
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
n=$(q "$CRASH" "select count(*) from bronze.events" 2>/dev/null || echo 0)
t_eq "after kill -9 only whole batches are there ($n rows)" 0 $((n % 20000))
t_eq "every committed batch is recorded with its rows" "$n" \
	"$(q "$CRASH" "select coalesce(sum(row_count), 0) from bronze._vtex_pipes_batches" 2>/dev/null || echo 0)"
bq-load --target duckdb:"$CRASH" --batch-rows 20000 <"$D/big.ndjson" >"$D/out5" 2>/dev/null
t_eq "the re-run after the crash exits 0" 0 $?
t_eq "exactly every row once after the re-run" "200000 200000" \
	"$(q "$CRASH" "select count(*), count(distinct _row_id) from bronze.events" | tr '\t' ' ')"

# Another process holds the file: bq-load waits, and gives up with 75.
"$T_TMP/duckdb_query" --hold 3 "$DB" >"$D/hold.out" &
holder=$!
t_on_exit "kill $holder 2>/dev/null"
for _ in $(seq 50); do grep -q holding "$D/hold.out" 2>/dev/null && break; sleep 0.1; done
printf '%s\n' '{"_table":"late","v":1}' >"$D/late.ndjson"
bq-load --target duckdb:"$DB" --lock-timeout 0.5 <"$D/late.ndjson" >/dev/null 2>"$D/err-lock"
t_eq "a lock held past --lock-timeout is a temporary failure" 75 $?
t_run "and says why" grep -q 'stays locked by another process' "$D/err-lock"
bq-load --target duckdb:"$DB" --lock-timeout 20 <"$D/late.ndjson" >/dev/null 2>&1
t_eq "with a longer --lock-timeout it waits and loads" 0 $?
wait $holder
t_eq "loaded after the wait" 1 "$(q "$DB" "select v from bronze.late")"

# --flush-ms: idle input ends the batch, so rows are in before the input ends.
{ echo '{"_table":"trickle","v":1}'; sleep 1.2; echo '{"_table":"trickle","v":2}'; } |
	bq-load --target duckdb:"$DB" --flush-ms 200 >"$D/out6" 2>/dev/null
t_eq "two batches from one idle gap" 2 "$(grep -c '"status":"loaded"' "$D/out6")"
t_eq "both rows loaded" 2 "$(q "$DB" "select count(*) from bronze.trickle")"
# Each summary line says when its rows became visible: after the batch's stamp.
t_eq "committed_at on each line, not before loaded_at" "2 2" "$(python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
print(sum("committed_at" in l for l in lines), sum(l["committed_at"] >= l["loaded_at"] for l in lines))' "$D/out6")"

# --flush-ms also bounds a batch's age when the input never pauses that long.
for i in $(seq 15); do echo "{\"_table\":\"steady\",\"v\":$i}"; sleep 0.1; done |
	bq-load --target duckdb:"$DB" --flush-ms 400 >"$D/out7" 2>/dev/null
t_run "rows arriving every 100 ms are loaded in batches of at most ~400 ms" test "$(grep -c '"status":"loaded"' "$D/out7")" -ge 3
t_eq "all of them" 15 "$(q "$DB" "select count(*) from bronze.steady")"

# While its input is quiet, bq-load lets go of the file: another process can use it.
{ echo '{"_table":"quiet","v":1}'; sleep 3; echo '{"_table":"quiet","v":2}'; } |
	bq-load --target duckdb:"$DB" --flush-ms 100 >/dev/null 2>&1 &
loader=$!
sleep 2
t_eq "the file is free while the input is quiet" 1 "$(q "$DB" "select count(*) from bronze.quiet" 2>&1)"
wait $loader
t_eq "and the loader goes on afterwards" 2 "$(q "$DB" "select count(*) from bronze.quiet")"
t_done
