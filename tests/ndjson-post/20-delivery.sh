#!/usr/bin/env bash
# Every record arrives exactly once while the API fails transiently (503, 429
# with Retry-After, and answers lost after the record was stored): retries
# carry the same idempotency key, so the server recognises them. Records the
# API refuses go to the rejects with the status; retries that run out end
# with 75.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"
D=$T_TMP
gen_records 120 >"$D/in.ndjson"

api_start flaky --fail-first 1 --fail-after-store 2
ndjson-post --url "$URL/customers/{customer_id}" -X PUT --concurrency 8 --retries 6 \
	--metrics-file "$D/flaky.prom" <"$D/in.ndjson" 2>"$D/flaky.err"
t_eq "503 then a lost answer: exit 0" 0 $?
t_same_file "every record stored exactly once" <(canon "$D/in.ndjson") <(canon "$D/flaky.store")
t_eq "three attempts per record reached the server" 360 "$(wc -l <"$D/flaky.log")"
t_eq "the third attempt of each was recognised by its key" 120 "$(log_count "$D/flaky.log" 'e.get("duplicate")')"
t_eq "one key per record" 120 "$(log_count "$D/flaky.log" 'e["status"] == 200')"
t_eq "each record under its own URL, percent-encoded as needed" 3 "$(log_count "$D/flaky.log" 'e["path"] == "/customers/c7" and e["method"] == "PUT"')"
t_run "metrics count 120 sent" grep -q 'vtex_pipes_records_total{tool="ndjson-post",stage="ndjson-post",outcome="sent"} 120' "$D/flaky.prom"
t_run "metrics count the retries" grep -q '^vtex_pipes_http_retries_total{tool="ndjson-post",stage="ndjson-post"} 240' "$D/flaky.prom"

api_start busy --fail-first 2 --fail-status 429 --retry-after 1
gen_records 5 >"$D/five.ndjson"
ndjson-post --url "$URL/c" --concurrency 2 <"$D/five.ndjson" 2>"$D/busy.err"
t_eq "429 with Retry-After: exit 0" 0 $?
t_same_file "after 429s every record once" <(canon "$D/five.ndjson") <(canon "$D/busy.store")
python3 - "$D/busy.log" <<'PY' && t_ok "Retry-After honoured: no retry of a key sooner than 1 s" || t_fail "Retry-After honoured"
import json, sys
by = {}
for l in open(sys.argv[1]):
    e = json.loads(l); by.setdefault(e["key"], []).append(e["t"])
sys.exit(0 if all(b - a >= 0.95 for t in by.values() for a, b in zip(t, t[1:])) else 1)
PY

api_start picky --reject BAD
{ gen_records 10; echo '{"customer_id":"BAD1","ltv":1}'; echo 'not json'; echo '{"ltv":2}'; echo '{"customer_id":"BAD2"}'; } >"$D/mixed.ndjson"
ndjson-post --url "$URL/customers/{customer_id}" --rejects "$D/rej.ndjson" <"$D/mixed.ndjson" 2>"$D/picky.err"
t_eq "refused records: exit 1" 1 $?
t_eq "four rejects" 4 "$(wc -l <"$D/rej.ndjson")"
t_eq "422s named with the status and the answer" 2 "$(grep -c '"reason":"HTTP 422: {\\"error\\":\\"invalid record' "$D/rej.ndjson")"
t_run "the refused record is in the rejects" grep -q '"line":11,.*"record":{"customer_id":"BAD1","ltv":1}' "$D/rej.ndjson"
t_run "a record without the URL's field is rejected" grep -q '"line":13,"reason":"the URL.s field {customer_id} is missing' "$D/rej.ndjson"
t_eq "the good ones stored" 10 "$(wc -l <"$D/picky.store")"
t_run "no record text in the logs" bash -c "! grep -q 'BAD1' '$D/picky.err'"

api_start down --fail-first 1000
ndjson-post --url "$URL/c" --retries 2 --metrics-file "$D/down.prom" <"$D/five.ndjson" 2>"$D/down.err"
t_eq "retries ran out: exit 75" 75 $?
t_run "failed records counted" grep -q 'outcome="failed"} 5' "$D/down.prom"
t_eq "two attempts each" 10 "$(wc -l <"$D/down.log")"
t_done
