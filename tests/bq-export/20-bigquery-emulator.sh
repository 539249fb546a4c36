#!/usr/bin/env bash
# bq-export against BigQuery's REST API as goccy/bigquery-emulator serves it:
# rows loaded by bq-load come back typed, through tabledata.list (a table) and
# jobs.query (a query, and any --since); the watermark works across runs.
. "$(dirname "$0")/../lib.sh"
. "$VP_ROOT/tests/bq-load/common.sh"
D=$T_TMP
bq_start_emulator gold
export BQ_TOKEN=test-token

python3 - >"$D/in.ndjson" <<'PY'
import json
for i in range(25):
    print(json.dumps({"_table": "customer_360", "customer_key": "c%02d" % i, "ltv": 1000 + i, "ratio": i / 8,
                      "vip": i % 2 == 0, "email": None if i % 5 == 0 else "c%d@example.com" % i,
                      "name": 'quote " and \\ backslash' if i == 3 else "São Paulo",
                      "changed_at": "2024-03-01T12:%02d:00.5Z" % i}, ensure_ascii=False))
PY
bq-load --target bigquery:test.gold --endpoint "$EP" <"$D/in.ndjson" >/dev/null 2>"$D/load.err" ||
	{ t_fail "bq-load fills the emulator" "$(tail -3 "$D/load.err")"; t_done; }

# What came in, without _table, as the export should give it back.
python3 - "$D/in.ndjson" >"$D/want" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l); del r["_table"]
    print(json.dumps(r))
PY

bq-export -t bigquery:test.gold --endpoint "$EP" -T customer_360 --log-level debug >"$D/t.out" 2>"$D/t.err"
t_eq "a table: exit 0" 0 $?
t_run "read with tabledata.list" grep -q 'label=tabledata.list' "$D/t.err"
python3 - "$D/want" "$D/t.out" <<'PY' && t_ok "every row back, typed (integers, floats, booleans, null, strings, RFC 3339 UTC)" || t_fail "every row back, typed"
import json, sys
want = sorted((json.loads(l) for l in open(sys.argv[1])), key=lambda r: r["customer_key"])
got = sorted((json.loads(l) for l in open(sys.argv[2])), key=lambda r: r["customer_key"])
for r in got:
    r.pop("_batch_id"); r.pop("_loaded_at")
assert want == got and all(type(w[k]) is type(g[k]) or {type(w[k]), type(g[k])} == {int, float}
                           for w, g in zip(want, got) for k in w), (want[:2], got[:2])
PY

bq-export -t bigquery:test.gold --endpoint "$EP" -q 'select customer_key, ltv from customer_360 where vip order by customer_key' \
	--log-level debug >"$D/q.out" 2>"$D/q.err"
t_eq "a query: exit 0" 0 $?
t_run "run with jobs.query" grep -q 'label=jobs.query' "$D/q.err"
t_eq "its rows, in its order" '{"customer_key":"c00","ltv":1000} 13' "$(head -1 "$D/q.out") $(wc -l <"$D/q.out")"

S=$D/crm.state
bq-export -t bigquery:test.gold --endpoint "$EP" -T customer_360 --since changed_at=2024-03-01T12:19:00Z --state "$S" >"$D/s1" 2>"$D/s1.err"
t_eq "--since on BigQuery: exit 0" 0 $?
t_eq "the rows after VALUE" "c20 c21 c22 c23 c24" "$(python3 -c "import json,sys; print(' '.join(sorted(json.loads(l)['customer_key'] for l in open(sys.argv[1]))))" "$D/s1")"
t_eq "the watermark" '{"column":"changed_at","watermark":"2024-03-01T12:24:00.5Z","numeric":false}' "$(cat "$S")"
bq-export -t bigquery:test.gold --endpoint "$EP" -T customer_360 --since changed_at --state "$S" >"$D/s2" 2>/dev/null
t_eq "again: nothing new" 0 "$(wc -l <"$D/s2")"
printf '%s\n' '{"_table":"customer_360","customer_key":"c99","ltv":5,"ratio":0.5,"vip":false,"email":null,"name":"n","changed_at":"2024-03-02T00:00:00Z"}' |
	bq-load --target bigquery:test.gold --endpoint "$EP" >/dev/null 2>&1
bq-export -t bigquery:test.gold --endpoint "$EP" -T customer_360 --since changed_at --state "$S" >"$D/s3" 2>/dev/null
t_eq "a new row: only it" c99 "$(python3 -c "import json,sys; print(' '.join(json.loads(l)['customer_key'] for l in open(sys.argv[1])))" "$D/s3")"

t_exit "no such table: 69" 69 bq-export -t bigquery:test.gold --endpoint "$EP" -T nope 2>/dev/null
t_exit "a bad query: 78" 78 bq-export -t bigquery:test.gold --endpoint "$EP" -q 'selec 1' 2>/dev/null
t_done
