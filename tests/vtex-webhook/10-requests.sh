#!/usr/bin/env bash
# vtex-webhook over real HTTP (curl): the ping, events written with
# _received_at, every kind of bad request refused with the right status and
# nothing written for it, /healthz and /metrics.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/webhook_lib.sh"

out=$T_TMP/events.ndjson
wh_start a --output "$out" --max-body 4K || { t_fail "webhook starts"; t_done; }
U=$WH_URL

t_eq "ping answered 200" 200 "$(wh_post "$U" '{"hookConfig":"ping"}')"
t_eq "the ping is written nowhere" 0 "$(wc -l <"$out")"
t_eq "event answered 200" 200 "$(wh_post "$U" "$(wh_event 1)")"
t_eq "one line per event" 1 "$(wc -l <"$out")"
t_eq "the line is the payload plus _received_at" "$(wh_event 1 | jq -cS .)" "$(jq -cS 'del(._received_at)' "$out")"
t_run "_received_at is an RFC 3339 UTC time" grep -qE '"_received_at":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z"}$' "$out"
pretty=$(printf '{\n  "OrderId" : "v9-01",\n\t"State": "invoiced",\n  "LastChange": "2026-01-15T17:11:39Z",\n  "Note": "a b\\nc",\n  "Big": 12345678901234567890\n}\n')
t_eq "a pretty-printed event answered 200" 200 "$(wh_post "$U" "$pretty")"
t_eq "it becomes one line, strings and numbers as sent" \
	'{"OrderId":"v9-01","State":"invoiced","LastChange":"2026-01-15T17:11:39Z","Note":"a b\nc","Big":12345678901234567890,' \
	"$(tail -1 "$out" | sed 's/"_received_at".*//')"
t_eq "two lines so far" 2 "$(wc -l <"$out")"

# Refused: each gets its status and writes nothing.
t_eq "malformed JSON: 400" 400 "$(wh_post "$U" '{"OrderId":')"
t_eq "not an object: 400" 400 "$(wh_post "$U" '["OrderId"]')"
t_eq "empty body: 400" 400 "$(wh_post "$U" '')"
t_eq "OrderId missing: 400" 400 "$(wh_post "$U" '{"State":"invoiced","LastChange":"2026-01-15T17:11:39Z"}')"
t_eq "State missing: 400" 400 "$(wh_post "$U" '{"OrderId":"v1-01","LastChange":"2026-01-15T17:11:39Z"}')"
t_eq "LastChange missing: 400" 400 "$(wh_post "$U" '{"OrderId":"v1-01","State":"invoiced"}')"
t_eq "LastChange not a time: 400" 400 "$(wh_post "$U" '{"OrderId":"v1-01","State":"invoiced","LastChange":"yesterday"}')"
t_eq "OrderId a number: 400" 400 "$(wh_post "$U" '{"OrderId":1,"State":"invoiced","LastChange":"2026-01-15T17:11:39Z"}')"
t_eq "a ping that is not one: 400" 400 "$(wh_post "$U" '{"hookConfig":"pong"}')"
t_eq "wrong secret: 401" 401 "$(curl -s -o /dev/null -w '%{http_code}' -H 'key: guess' --data-binary "$(wh_event 2)" "$U/hook")"
t_eq "secret of another length: 401" 401 "$(curl -s -o /dev/null -w '%{http_code}' -H "key: ${WH_SECRET}x" --data-binary "$(wh_event 2)" "$U/hook")"
t_eq "no secret: 401" 401 "$(curl -s -o /dev/null -w '%{http_code}' --data-binary "$(wh_event 2)" "$U/hook")"
t_eq "the ping needs the secret too: 401" 401 "$(curl -s -o /dev/null -w '%{http_code}' --data-binary '{"hookConfig":"ping"}' "$U/hook")"
t_eq "GET on the hook path: 405" 405 "$(curl -s -o /dev/null -w '%{http_code}' -H "key: $WH_SECRET" "$U/hook")"
t_eq "another path: 404" 404 "$(wh_post "$U/other" "$(wh_event 2)")"
big=$(head -c 5000 /dev/zero | tr '\0' x)
t_eq "body over --max-body: 413" 413 "$(wh_post "$U" "{\"OrderId\":\"$big\"}")"
t_eq "chunked body over --max-body: 413" 413 "$(wh_post "$U" "{\"OrderId\":\"$big\"}" -H 'Transfer-Encoding: chunked')"
t_eq "headers over --max-header: refused (431)" 431 "$(wh_post "$U" "$(wh_event 2)" -H "X-Pad: $(head -c 20000 /dev/zero | tr '\0' p)")"
t_eq "nothing written for any refused request" 2 "$(wc -l <"$out")"
body=$(curl -s -H 'key: guess' --data-binary "$(wh_event 2)" "$U/hook")
t_eq "error bodies reveal nothing" '{"error":"unauthorized"}' "$body"
t_run "logs never hold the secret" bash -c "! grep -q '$WH_SECRET' '$T_TMP/a.log'"
t_run "a refusal is logged with its reason" grep -q 'reason="secret header wrong"' "$T_TMP/a.log"

t_eq "/healthz: 200" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$U/healthz")"
t_eq "/metrics: 200s counted (ping, 2 events)" 3 "$(wh_metric "$U" 'vtex_pipes_webhook_requests_total{code="200"}')"
t_eq "/metrics: 400s counted" 9 "$(wh_metric "$U" 'vtex_pipes_webhook_requests_total{code="400"}')"
t_eq "/metrics: 401s counted" 5 "$(wh_metric "$U" 'vtex_pipes_webhook_requests_total{code="401"}')"
t_eq "/metrics: 413s counted" 2 "$(wh_metric "$U" 'vtex_pipes_webhook_requests_total{code="413"}')"
t_eq "/metrics: latency histogram" true "$(wh_metric "$U" vtex_pipes_webhook_request_duration_seconds_count | awk '{ print ($1 >= 17) ? "true" : "false" }')"
t_eq "/metrics: last success time" true "$(wh_metric "$U" vtex_pipes_webhook_last_success_timestamp_seconds | awk -v now="$(date +%s)" '{ print ($1 > now - 60 && $1 <= now + 1) ? "true" : "false" }')"

# Concurrent requests: every one answered 200 is one line.
seq 3 202 | xargs -P 16 -I{} bash -c '. "$0"; echo "$(wh_post "$1" "$(wh_event {})")"' "$(dirname "$0")/webhook_lib.sh" "$U" \
	>"$T_TMP/codes" 2>/dev/null
t_eq "200 concurrent events all answered 200" 200 "$(grep -c '^200$' "$T_TMP/codes")"
t_eq "and all 202 lines written, each whole JSON" 202 "$(jq -c . "$out" | wc -l)"
t_eq "events sharing a batch: batches fewer than events" true \
	"$(wh_metric "$U" vtex_pipes_webhook_write_batches_total | awk '{ print ($1 <= 202) ? "true" : "false" }')"
kill -TERM "$(wh_pid a)"
wh_wait a
t_eq "SIGTERM: exit 0" 0 "$WH_RC"
t_done
