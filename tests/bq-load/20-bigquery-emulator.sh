#!/usr/bin/env bash
# BigQuery's REST API for real, as goccy/bigquery-emulator serves it: a load
# job by multipart upload, one by a (single-request) resumable upload, and
# insertAll streaming; the rows are read back through the API and compared
# with the input. Rows already in a table (by _row_id) are not loaded again.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"
D=$T_TMP
bq_start_emulator bronze
export BQ_TOKEN=test-token

# Orders and their items, with every type; each mode gets its own tables.
gen() { # PREFIX
	python3 - "$1" <<'PY'
import json, sys
p = sys.argv[1]
for i in range(60):
    o = {"_table": p + "orders", "_row_id": "o%d" % i, "_parent_row_id": None, "order_id": "1%05d-01" % i,
         "value": 1000 + i, "rate": i / 8, "is_completed": i % 2 == 0, "status": "invoiced", "note": None,
         "city": "São Paulo" if i % 3 else 'quote " and \\ backslash'}
    print(json.dumps(o, ensure_ascii=False))
    for j in range(i % 3 + 1):
        print(json.dumps({"_table": p + "orders__items", "_row_id": "o%d-%d" % (i, j), "_parent_row_id": "o%d" % i,
                          "_idx": j, "sku": "sku-%d" % j, "qty": j + 1, "price": 19.9}))
PY
}

gen mp_ >"$D/mp.ndjson"
bq-load --target bigquery:test.bronze --endpoint "$EP" <"$D/mp.ndjson" >"$D/mp.out" 2>"$D/mp.err"
t_eq "load jobs by multipart upload: exit 0" 0 $?
t_eq "two tables loaded by job" 2 "$(grep -c '"status":"loaded".*"job_id":"vtexpipes_mp_orders' "$D/mp.out")"
t_run "the rows read back through the API are the rows sent" python3 "$VP_ROOT/tests/bq-load/bq_readback.py" "$EP" test bronze "$D/mp.ndjson"

gen ru_ >"$D/ru.ndjson"
bq-load --target bigquery:test.bronze --endpoint "$EP" --resumable-over 1K --log-level debug \
	<"$D/ru.ndjson" >"$D/ru.out" 2>"$D/ru.err"
t_eq "load jobs by resumable upload: exit 0" 0 $?
t_run "went through an upload session" grep -q 'label=upload method=PUT' "$D/ru.err"
t_run "the rows read back are the rows sent" python3 "$VP_ROOT/tests/bq-load/bq_readback.py" "$EP" test bronze "$D/ru.ndjson"

gen st_ >"$D/st.ndjson"
bq-load --target bigquery:test.bronze --endpoint "$EP" --mode stream --stream-rows 25 --log-level debug \
	<"$D/st.ndjson" >"$D/st.out" 2>"$D/st.err"
t_eq "insertAll streaming: exit 0" 0 $?
t_eq "in requests of at most 25 rows (60 + 120 rows)" 8 "$(grep -c 'label=insertAll' "$D/st.err")"
t_run "the rows read back are the rows streamed" python3 "$VP_ROOT/tests/bq-load/bq_readback.py" "$EP" test bronze "$D/st.ndjson"

# Each version loaded once: the same rows again, in another order and cut
# into other batches, add no row (a staging table, then one INSERT of the
# _row_ids the table lacks); rows skipped are counted per table.
# bqcount SQL: the first column of the first row of a query's answer.
bqcount() {
	curl -s -X POST -H 'Content-Type: application/json' "$EP/bigquery/v2/projects/test/queries" \
		-d "$(python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1], "useLegacySql": False}))' "$1")" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["f"][0]["v"])'
}
gen dd_ >"$D/dd.ndjson"
bq-load --target bigquery:test.bronze --endpoint "$EP" --cluster 'dd_orders=order_id;*__*=_parent_row_id' \
	<"$D/dd.ndjson" >"$D/dd1.out" 2>"$D/dd1.err"
t_eq "first load: exit 0" 0 $?
tac "$D/dd.ndjson" | bq-load --target bigquery:test.bronze --endpoint "$EP" --batch-rows 70 --metrics-file "$D/dd.prom" \
	>"$D/dd2.out" 2>"$D/dd2.err"
t_eq "the same rows again, reversed, in batches of 70: exit 0" 0 $?
t_eq "0 rows loaded, 180 skipped" "0 180" \
	"$(python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; print(sum(x["rows"] for x in r), sum(x["skipped"] for x in r))' "$D/dd2.out")"
t_eq "the tables still hold each row once" "60 60 120 120" \
	"$(bqcount 'SELECT COUNT(*) FROM bronze.dd_orders') $(bqcount 'SELECT COUNT(DISTINCT _row_id) FROM bronze.dd_orders') $(bqcount 'SELECT COUNT(*) FROM bronze.dd_orders__items') $(bqcount 'SELECT COUNT(DISTINCT _row_id) FROM bronze.dd_orders__items')"
t_eq "skipped rows counted per table" "60 120" \
	"$(prom_value 'vtex_pipes_bq_rows_skipped_total{table="dd_orders"}' <"$D/dd.prom") $(prom_value 'vtex_pipes_bq_rows_skipped_total{table="dd_orders__items"}' <"$D/dd.prom")"
t_run "and in the done line" grep -q 'msg=done .*skipped=180' "$D/dd2.err"
{ head -40 "$D/dd.ndjson"; sed 's/_row_id": "o/_row_id": "n/g' "$D/dd.ndjson" | head -10; } |
	bq-load --target bigquery:test.bronze --endpoint "$EP" >"$D/dd3.out" 2>"$D/dd3.err"
t_eq "old and new rows together: only the new go in" "10 40" \
	"$(python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; print(sum(x["rows"] for x in r), sum(x["skipped"] for x in r))' "$D/dd3.out")"
t_eq "no staging table left behind" "" \
	"$(curl -s "$EP/bigquery/v2/projects/test/datasets/bronze/tables" | grep -o '_vtex_pipes_stage_[a-z0-9_]*' | head -3)"
t_eq "a table bq-load made: partitioned by load day, clustered by its key" \
	"{'field': '_loaded_at', 'type': 'DAY'} {'fields': ['order_id']} {'fields': ['_parent_row_id']}" \
	"$(for t in dd_orders dd_orders__items; do curl -s "$EP/bigquery/v2/projects/test/datasets/bronze/tables/$t"; echo; done |
		python3 -c 'import json,sys; t=[json.loads(l) for l in sys.stdin]; print(t[0].get("timePartitioning"), t[0].get("clustering"), t[1].get("clustering"))')"

# (Schema evolution is checked against the fake server, 30-bigquery-fake.sh:
# the emulator keeps a load job's new fields, and those tables.patch adds,
# out of its storage.)

# A dataset the project does not have: 404 -> 69.
head -3 "$D/mp.ndjson" | bq-load --target bigquery:test.nosuch --endpoint "$EP" >/dev/null 2>"$D/404.err"
t_eq "a missing dataset exits 69" 69 $?
t_run "with a clear message" grep -q 'no such project or dataset' "$D/404.err"
t_done
