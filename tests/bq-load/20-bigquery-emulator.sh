#!/usr/bin/env bash
# BigQuery's REST API for real, as goccy/bigquery-emulator serves it: a load
# job by multipart upload, one by a (single-request) resumable upload, and
# insertAll streaming; the rows are read back through the API and compared
# with the input.
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

# (Schema evolution is checked against the fake server, 30-bigquery-fake.sh:
# the emulator keeps a load job's new fields out of its storage.)

# A dataset the project does not have: 404 -> 69.
head -3 "$D/mp.ndjson" | bq-load --target bigquery:test.nosuch --endpoint "$EP" >/dev/null 2>"$D/404.err"
t_eq "a missing dataset exits 69" 69 $?
t_run "with a clear message" grep -q 'no such project or dataset' "$D/404.err"
t_done
