#!/usr/bin/env bash
# The BigQuery failure paths the emulator does not reproduce, against a
# scripted FAKE server (fake_bigquery_server.py): an errorResult reported only
# when polling, 409 on a duplicate job id, 429 and 5xx then success, a
# backendError retried under a new job id, a token revoked or expiring
# mid-run (service-account JWT checked with openssl), the metadata server,
# 401/403, insertAll refusing one row, and what a load job asks for (schema
# additions, partitioning, clustering, KMS key; the KMS key also on a table
# created for streaming; the default layout of new tables), a DML job's
# numDmlAffectedRows.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"
D=$T_TMP
FAKE=$VP_ROOT/tests/bq-load/fake_bigquery_server.py
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$D/key.pem" 2>/dev/null
openssl pkey -in "$D/key.pem" -pubout -out "$D/pub.pem"
fake_pid=

# fake SCENARIO: (re)starts the fake; sets EP and LOG.
fake() {
	[ -n "$fake_pid" ] && { kill "$fake_pid" 2>/dev/null; wait "$fake_pid" 2>/dev/null; }
	LOG=$D/$1.log
	rm -f "$D/port"
	python3 "$FAKE" "$D/port" "$LOG" "$1" "$D/pub.pem" 2>"$D/$1.fake-err" &
	fake_pid=$!
	for _ in $(seq 100); do [ -s "$D/port" ] && break; sleep 0.05; done
	EP=http://127.0.0.1:$(cat "$D/port")
}
t_on_exit '[ -n "$fake_pid" ] && kill $fake_pid 2>/dev/null'
# A service-account key file pointing at the fake's token endpoint.
keyfile() {
	python3 - "$D/key.pem" "$EP/token" >"$D/sa.json" <<'PY'
import json, sys
print(json.dumps({"type": "service_account", "client_email": "loader@p.iam.gserviceaccount.com",
                  "private_key_id": "k1", "private_key": open(sys.argv[1]).read(), "token_uri": sys.argv[2]}))
PY
	chmod 600 "$D/sa.json"
}
count() { grep -c "$1" "$LOG" || true; }
# Rows without _row_id: the load job straight into the table (the job
# mechanics; rows with _row_id go through a staging table, scenario dml).
rows() { printf '%s\n' '{"_table":"orders","id":"a","n":1}' '{"_table":"orders","id":"b","n":2}' \
	'{"_table":"items","id":"c","q":3}'; }
load() { BQ_TOKEN=${BQ_TOKEN-t0} bq-load --target bigquery:p.d --endpoint "$EP" "$@"; }

fake errorresult
rows | load --rejects "$D/rej1" >"$D/out1" 2>"$D/err1"
t_eq "errorResult when polling: exit 1" 1 $?
t_eq "the job was polled until DONE (3 polls per job)" 6 "$(count '"method": "GET", "path": "/bigquery/v2/projects/p/jobs/')"
t_eq "its rows are rejected with the job's error" 3 "$(grep -c 'JSON table encountered too many errors' "$D/rej1")"
t_run "the error details are kept" grep -q 'no such field: nope' "$D/rej1"
t_eq "summary says rejected" 2 "$(grep -c '"status":"rejected"' "$D/out1")"

fake duplicate
rows | load >"$D/out2" 2>"$D/err2"
t_eq "409 on a duplicate job id: exit 0" 0 $?
t_eq "the existing job is looked up, not loaded again" "2 2" "$(count 'uploadType=multipart') $(count '/jobs/vtexpipes_')"
t_eq "reported as already loaded" 2 "$(grep -c '"status":"already_loaded"' "$D/out2")"

fake flaky
rows | load --log-level debug >"$D/out3" 2>"$D/err3"
t_eq "429 and 503 then success: exit 0" 0 $?
t_eq "three tries of the first job insert, then one for the other table" 4 "$(count 'uploadType=multipart')"
t_eq "all loaded" 2 "$(grep -c '"status":"loaded"' "$D/out3")"
t_eq "the same job id on every try" 1 "$(grep -o '"jobId": "vtexpipes_orders_[^"]*"' "$LOG" | sort -u | wc -l)"

fake backend
rows | load >"$D/out4" 2>"$D/err4"
t_eq "backendError in errorResult: exit 0" 0 $?
t_run "tried again under the next job id" grep -q '"job_id":"vtexpipes_orders_[0-9a-f]*_1"' "$D/out4"

fake resumable-flaky
rows | load --resumable-over 10 >"$D/out5" 2>"$D/err5"
t_eq "resumable upload, PUT refused once with 503: exit 0" 0 $?
t_eq "the PUT is sent again" 3 "$(count '"method": "PUT"')"
t_eq "and carries every row" 3 "$(grep '"method": "PUT"' "$LOG" | grep '"status": 200' | grep -o '"rows": [0-9]*' | awk '{s += $2} END {print s}')"

fake revoke
keyfile
rows | BQ_TOKEN= GOOGLE_APPLICATION_CREDENTIALS=$D/sa.json load --log-level debug >"$D/out6" 2>"$D/err6"
t_eq "tokens revoked mid-run (401): exit 0" 0 $?
t_run "every JWT verified by the fake (RS256, openssl)" bash -c "! grep -q '\"jwt_ok\": false' '$LOG'"
t_run "a new token after each 401" test "$(count '"path": "/token"')" -ge 2
t_eq "all loaded" 2 "$(grep -c '"status":"loaded"' "$D/out6")"
t_run "no token in the logs" bash -c "! grep -q 'tok-[0-9]' '$D/err6'"

fake expiry
keyfile
{ rows; sleep 1.5; rows | sed 's/"a"/"a2"/'; } |
	BQ_TOKEN= GOOGLE_APPLICATION_CREDENTIALS=$D/sa.json load --flush-ms 100 >"$D/out7" 2>"$D/err7"
t_eq "tokens that expire after 1 s, a run of 1.5 s: exit 0" 0 $?
t_run "renewed before expiry during the run" test "$(count '"path": "/token"')" -ge 2
t_eq "never sent an expired token" 0 "$(count '"status": 401')"

fake ok
rows | BQ_TOKEN= GOOGLE_APPLICATION_CREDENTIALS= BQ_METADATA_URL=$EP load >"$D/out8" 2>"$D/err8"
t_eq "metadata server credentials: exit 0" 0 $?
t_eq "one token from the metadata server" 1 "$(count 'computeMetadata')"

rows | BQ_TOKEN= GOOGLE_APPLICATION_CREDENTIALS=$D/nothing.json load >/dev/null 2>"$D/err9"
t_eq "an unreadable key file: exit 78" 78 $?

fake unauthorized
rows | load >/dev/null 2>"$D/err10"
t_eq "401 with a fixed token: exit 78" 78 $?
t_run "says to check the credentials" grep -q 'refused the credentials' "$D/err10"

fake forbidden
rows | load >/dev/null 2>"$D/err11"
t_eq "403: exit 78" 78 $?
t_run "names the roles needed" grep -q 'Data Editor and Job User' "$D/err11"

fake ok
printf '%s\n' '{"_table":"s","_row_id":"r1","v":1}' '{"_table":"s","_row_id":"r2","v":2,"bad":true}' \
	'{"_table":"s","_row_id":"r3","v":3}' | load --mode stream --rejects "$D/rej12" >"$D/out12" 2>"$D/err12"
t_eq "insertAll refuses a row: exit 1" 1 $?
t_eq "that row is rejected with the API's reason" "r2 insertAll refused the row: invalid at bad: no such field: bad." \
	"$(python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).readline()); print(r["record"]["_row_id"], r["reason"])' "$D/rej12")"
t_eq "the stopped rows are sent again, with insertId = _row_id" '["r1", "r3"]' \
	"$(grep insertAll "$LOG" | tail -1 | python3 -c 'import json,sys; print(json.dumps(json.loads(sys.stdin.read())["insert_ids"]))')"
t_run "the table was created first" grep -q '"method": "POST", "path": "/bigquery/v2/projects/p/datasets/d/tables"' "$LOG"
t_eq "2 rows streamed" '"rows":2' "$(grep -o '"rows":2' "$D/out12")"

fake existing
printf '%s\n' '{"_table":"orders","id":"a","n":1,"note":5,"coupon":"X"}' '{"_table":"orders","id":"b","n":1.5}' |
	load --partition _loaded_at:DAY --cluster id,n --kms-key projects/p/locations/eu/keyRings/r/cryptoKeys/k \
	--location EU --rejects "$D/rej13" >"$D/out13" 2>"$D/err13"
t_eq "a value that does not fit an existing column: exit 1" 1 $?
t_run "rejected with the reason" grep -q 'field n: a number does not fit its INTEGER column' "$D/rej13"
# jobopts LOG: per load job, its table, schema and the table options it asks for.
jobopts() {
	python3 - "$1" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if "load" not in e.get("job", {}).get("configuration", {}):
        continue
    job = e["job"]
    load = job["configuration"]["load"]
    print(load["destinationTable"]["tableId"], [f["name"] for f in load["schema"]["fields"]])
    print(load.get("schemaUpdateOptions"), load["writeDisposition"], load["sourceFormat"], job["jobReference"].get("location"))
    print(load.get("timePartitioning"), load.get("clustering"), load.get("destinationEncryptionConfiguration"))
PY
}
jobopts "$LOG" >"$D/job13"
t_eq "the job's schema: the table's fields, then the new ones" \
	"orders ['id', 'n', 'note', 'coupon', '_batch_id', '_loaded_at']" "$(sed -n 1p "$D/job13")"
t_eq "appends, and may add fields" "['ALLOW_FIELD_ADDITION'] WRITE_APPEND NEWLINE_DELIMITED_JSON EU" "$(sed -n 2p "$D/job13")"
t_eq "an existing table: no partitioning, clustering or key asked (BigQuery refuses a mismatch)" \
	"None None None" "$(sed -n 3p "$D/job13")"
t_run "a number into a STRING column goes as its text" grep -q '\\"note\\":\\"5\\"' "$LOG"

# Tables a load creates: partitioned by load day and clustered by their key (by
# default, the vtex-pipes convention), or as --partition/--cluster say.
fake ok
: >"$LOG"
printf '%s\n' '{"_table":"orders","order_id":"o1","n":1}' '{"_table":"orders__items","_root_id":"r","q":1}' \
	'{"_table":"plain","x":1}' | load --kms-key projects/p/locations/eu/keyRings/r/cryptoKeys/k >/dev/null 2>"$D/err16"
t_eq "new tables with the default layout: exit 0" 0 $?
jobopts "$LOG" | sed -n '3p;6p;9p' >"$D/job16"
t_eq "orders: by load day, clustered by order_id" \
	"{'type': 'DAY', 'field': '_loaded_at'} {'fields': ['order_id']} {'kmsKeyName': 'projects/p/locations/eu/keyRings/r/cryptoKeys/k'}" \
	"$(sed -n 1p "$D/job16")"
t_eq "a child table: clustered by _root_id" "{'type': 'DAY', 'field': '_loaded_at'} {'fields': ['_root_id']}" \
	"$(sed -n 2p "$D/job16" | cut -d' ' -f1-6)"
t_eq "a table the convention does not name: partitioned only" "{'type': 'DAY', 'field': '_loaded_at'} None" \
	"$(sed -n 3p "$D/job16" | cut -d' ' -f1-5)"
fake ok
: >"$LOG"
printf '%s\n' '{"_table":"orders","order_id":"o1","n":1}' '{"_table":"plain","x":1}' |
	load --partition none --cluster 'orders=none;n,x,nope' >/dev/null 2>"$D/err17"
t_eq "--partition none, --cluster with entries: exit 0" 0 $?
t_eq "no partitioning; orders=none; the catch-all entry, fields the table has" "None None|None {'fields': ['x']}" \
	"$(jobopts "$LOG" | sed -n '3p;6p' | sed 's/ None$//' | paste -sd'|')"
t_exit "a malformed --cluster is a usage error" 64 load --cluster 'a=b=c' </dev/null

# Rows with _row_id: a staging table, then one INSERT of the ids the table
# lacks; the count comes from the job's numDmlAffectedRows (which the
# emulator does not report; 20-bigquery-emulator.sh checks the rows).
fake dml
printf '%s\n' '{"_table":"orders","_row_id":"a","n":1}' '{"_table":"orders","_row_id":"b","n":2}' |
	load --location EU >"$D/out18" 2>"$D/err18"
t_eq "load through a staging table: exit 0" 0 $?
t_eq "the summary counts the job's numDmlAffectedRows: 1 loaded, 1 skipped" '"rows":1,"skipped":1' \
	"$(grep -o '"rows":[0-9]*,"skipped":[0-9]*' "$D/out18")"
python3 - "$LOG" >"$D/dml18" <<'PY'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
made = [e["table"] for e in log if e["method"] == "POST" and "table" in e]
print(made[0]["tableReference"]["tableId"], made[1]["tableReference"]["tableId"].startswith("_vtex_pipes_stage_"),
      "expirationTime" in made[1])
load = [e["job"]["configuration"]["load"] for e in log if "load" in e.get("job", {}).get("configuration", {})][0]
print(load["destinationTable"]["tableId"] == made[1]["tableReference"]["tableId"], load["writeDisposition"])
q = [e["job"] for e in log if "query" in e.get("job", {}).get("configuration", {})][0]
print(q["jobReference"]["location"], "NOT EXISTS" in q["configuration"]["query"]["query"])
print([e["method"] for e in log if e["path"].endswith(made[1]["tableReference"]["tableId"])])
PY
t_eq "the table, then a staging table that expires" "orders True True" "$(sed -n 1p "$D/dml18")"
t_eq "the rows loaded into the staging table, replacing what a crashed run left" "True WRITE_TRUNCATE" "$(sed -n 2p "$D/dml18")"
t_eq "one INSERT of the ids the table lacks, in the job's location" "EU True" "$(sed -n 3p "$D/dml18")"
t_eq "the staging table is deleted" "['DELETE']" "$(sed -n 4p "$D/dml18")"

fake ok
printf '%s\n' '{"_table":"s","_row_id":"r1","v":1}' |
	load --mode stream --kms-key projects/p/locations/eu/keyRings/r/cryptoKeys/k2 >/dev/null 2>"$D/err15"
t_eq "stream mode with --kms-key: exit 0" 0 $?
t_eq "the table it creates carries the KMS key" "projects/p/locations/eu/keyRings/r/cryptoKeys/k2" \
	"$(python3 -c 'import json,sys; print([json.loads(l)["table"] for l in open(sys.argv[1]) if "\"table\": {" in l][-1]["encryptionConfiguration"]["kmsKeyName"])' "$LOG")"

fake ok
rows | load --target bigquery:p.nosuch >/dev/null 2>"$D/err14"
t_eq "a missing dataset: exit 69" 69 $?
t_done
