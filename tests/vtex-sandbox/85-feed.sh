#!/usr/bin/env bash
# vtex-sandbox: VTEX's order feed v3 (API.md §4.4): the configuration and its
# bounds, maxlot, 404 without a feed, live-mode events in the documented
# shape, invisible while in flight and received again after the visibility
# timeout, removed by a commit of their latest handle, one feed per app key,
# messages dropped past the retention and an idle feed deleted (with the
# test-only --feed-min-retention), the rate limit.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox_lib.sh"

KEY2=vtexappkey-sandbox-SECOND TOKEN2=second-token
export VTEX_SANDBOX_APP_KEYS="$KEY2=$TOKEN2"
AUTH1=("${SB_AUTH[@]}")
AUTH2=(-H "X-VTEX-API-AppKey: $KEY2" -H "X-VTEX-API-AppToken: $TOKEN2")
# req KEY METHOD PATH [BODY]: the status on the first line, the body after it.
req() {
	local -n auth=AUTH$1
	local args=(-s -X "$2" "${auth[@]}" -o "$T_TMP/body" -w '%{http_code}\n')
	[ $# -ge 4 ] && args+=(-H 'Content-Type: application/json' -d "$4")
	curl "${args[@]}" "$SB_URL$3"
	cat "$T_TMP/body"
}
code() { req "$@" | head -1; }
body() { req "$@" | tail -n +2; }
metric() { curl -s "$SB_URL/metrics" | prom_value "$1"; }

# --- configuration, on a store without live mode ---
sb_start cfg --products 20 --clients 10 --orders 10 || { t_fail "sandbox starts"; t_done; }
t_eq "no feed: GET /api/orders/feed 404" 404 "$(code 1 GET '/api/orders/feed?maxlot=1')"
t_eq "no feed: GET config 404" 404 "$(code 1 GET /api/orders/feed/config)"
t_eq "no feed: DELETE 404" 404 "$(code 1 DELETE /api/orders/feed/config)"
t_eq "status with expression: 409" 409 \
	"$(code 1 POST /api/orders/feed/config '{"filter":{"type":"FromWorkflow","status":["invoiced"],"expression":"value > 100"}}')"
t_eq "status with disableSingleFire: 409" 409 \
	"$(code 1 POST /api/orders/feed/config '{"filter":{"status":["invoiced"],"disableSingleFire":true}}')"
t_eq "an unknown filter type: 400" 400 "$(code 1 POST /api/orders/feed/config '{"filter":{"type":"FromNowhere"}}')"
t_eq "retention under 4 days: 400" 400 \
	"$(code 1 POST /api/orders/feed/config '{"queue":{"MessageRetentionPeriodInSeconds":345599}}')"
t_eq "retention over 14 days: 400" 400 \
	"$(code 1 POST /api/orders/feed/config '{"queue":{"messageRetentionPeriodInSeconds":1209601}}')"
t_eq "visibility timeout 0: 400" 400 "$(code 1 POST /api/orders/feed/config '{"queue":{"visibilityTimeoutInSeconds":0}}')"
t_eq "not JSON: 400" 400 "$(code 1 POST /api/orders/feed/config 'feed me')"
t_eq "refusals leave no feed" 404 "$(code 1 GET /api/orders/feed/config)"
t_eq "VTEX's documented body: 200" 200 \
	"$(code 1 POST /api/orders/feed/config '{"filter":{"type":"FromWorkflow","status":["invoiced","canceled"]},"queue":{"visibilityTimeoutInSeconds":250,"MessageRetentionPeriodInSeconds":345600}}')"
t_eq "GET: filter, queue (GET's casing), quantity, age" \
	'{"filter":{"type":"FromWorkflow","status":["invoiced","canceled"]},"queue":{"visibilityTimeoutInSeconds":250,"messageRetentionPeriodInSeconds":345600},"quantity":0,"approximateAgeOfOldestMessageInSeconds":0}' \
	"$(body 1 GET /api/orders/feed/config | jq -c .)"
t_eq "the lower-case retention is read too; configuring again replaces" 1209600 \
	"$(code 1 POST /api/orders/feed/config '{"queue":{"messageRetentionPeriodInSeconds":1209600}}' >/dev/null
	   body 1 GET /api/orders/feed/config | jq .queue.messageRetentionPeriodInSeconds)"
t_eq "no filter is FromWorkflow" FromWorkflow "$(body 1 GET /api/orders/feed/config | jq -r .filter.type)"
t_eq "FromOrders with an expression is accepted (not evaluated)" 200 \
	"$(code 1 POST /api/orders/feed/config '{"filter":{"type":"FromOrders","expression":"value > 100","disableSingleFire":false}}')"
for lot in 0 11 -1 x ''; do
	t_eq "maxlot=$lot: 400" 400 "$(code 1 GET "/api/orders/feed?maxlot=$lot")"
done
t_eq "no maxlot: 400" 400 "$(code 1 GET /api/orders/feed)"
t_eq "maxlot=10: 200 and an array" "200 []" "$(req 1 GET '/api/orders/feed?maxlot=10' | paste -sd' ')"
t_eq "another app key has no feed" 404 "$(code 2 GET '/api/orders/feed?maxlot=1')"
t_eq "a commit body without handles: 400" 400 "$(code 1 POST /api/orders/feed '{"handle":"x"}')"
t_eq "unknown handles are ignored: 200" 200 "$(code 1 POST /api/orders/feed '{"handles":["nope","AAAA"]}')"
t_eq "PUT: 405" 405 "$(code 1 PUT /api/orders/feed '{}')"
t_eq "DELETE removes the feed" "200 404" "$(code 1 DELETE /api/orders/feed/config) $(code 1 GET '/api/orders/feed?maxlot=1')"
sb_stop cfg

t_exit "--feed-config that the endpoint would refuse is a usage error" 64 \
	vtex-sandbox --listen 127.0.0.1:0 --orders 1 --feed-config '{"queue":{"visibilityTimeoutInSeconds":99999}}' 2>/dev/null
t_exit "a malformed VTEX_SANDBOX_APP_KEYS: 78" 78 \
	env VTEX_SANDBOX_APP_KEYS=keywithouttoken vtex-sandbox --listen 127.0.0.1:0 --orders 1 2>/dev/null

# --- a live store: the first app key's feed from the command line ---
sb_start live --seed 3 --products 30 --clients 60 --orders 300 --history-days 30 --orders-per-second 10 \
	--live-step-seconds 0.2 --hook-dup-rate 0 --hook-reorder-rate 0 --feed-min-retention 3 \
	--feed-config '{"queue":{"visibilityTimeoutInSeconds":2}}' || { t_fail "sandbox starts"; t_done; }
t_eq "--feed-config configured the feed of VTEX_APP_KEY" 2 "$(body 1 GET /api/orders/feed/config | jq .queue.visibilityTimeoutInSeconds)"
t_eq "the second app key configures its own" 200 \
	"$(code 2 POST /api/orders/feed/config '{"filter":{"type":"FromWorkflow","status":["invoiced"]},"queue":{"visibilityTimeoutInSeconds":60,"MessageRetentionPeriodInSeconds":3}}')"
t_eq "a retention down to --feed-min-retention, not below" 400 \
	"$(code 2 POST /api/orders/feed/config '{"queue":{"MessageRetentionPeriodInSeconds":2}}')"
wait_quantity() { # KEY N: until the feed holds at least N messages
	local i
	for i in $(seq 100); do
		[ "$(body "$1" GET /api/orders/feed/config | jq .quantity)" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
t_run "live-mode changes enter the feed" wait_quantity 1 25

body 1 GET '/api/orders/feed?maxlot=10' >"$T_TMP/lot1.json"
body 1 GET '/api/orders/feed?maxlot=10' >"$T_TMP/lot2.json" # at once: lot1 is still in flight
t_eq "maxlot=10: ten events" 10 "$(jq length "$T_TMP/lot1.json")"
t_eq "each event has the fields of VTEX's example" \
	'["currentChange","domain","eventId","handle","lastChange","lastState","orderId","state"]' \
	"$(jq -c '[.[] | keys] | unique | .[]' "$T_TMP/lot1.json")"
if t_have_shared; then
	t_eq "the same fields as examples/orders-feed-items.json" "$(jq -c '.[0] | keys' "$VP_SHARED/vtex/examples/orders-feed-items.json")" \
		"$(jq -c '.[0] | keys' "$T_TMP/lot1.json")"
else
	t_skip "the same fields as examples/orders-feed-items.json" "no $VP_SHARED"
fi
t_eq "events name real orders, in their current or an earlier state" true "$(
	jq -r '.[].orderId' "$T_TMP/lot1.json" | sort -u | sed 's|^|/api/oms/pvt/orders/|' | sb_get_many |
		jq -s --slurpfile lot "$T_TMP/lot1.json" '
		  (map({(.orderId): .lastChange}) | add) as $last
		  | all($lot[0][]; $last[.orderId] != null and ($last[.orderId] | sub("\\+00:00$"; "")) >= (.currentChange | rtrimstr("Z")))')"
t_eq "events in flight are not received again before the timeout" 0 \
	"$(jq -n --slurpfile a "$T_TMP/lot1.json" --slurpfile b "$T_TMP/lot2.json" '[$a[0][].eventId] - ([$a[0][].eventId] - [$b[0][].eventId]) | length')"
commit() { # KEY FILE JQ-FILTER: commits the handles the filter picks
	local h
	h=$(jq -c "{handles: [$3 | .handle]}" "$2")
	code "$1" POST /api/orders/feed "$h"
}
t_eq "committing the first five: 200" 200 "$(commit 1 "$T_TMP/lot1.json" '.[0:5][]')"
t_eq "and the other lot: 200" 200 "$(commit 1 "$T_TMP/lot2.json" '.[]')"
sleep 2.5 # past the visibility timeout of 2 s
body 1 GET '/api/orders/feed?maxlot=10' >"$T_TMP/lot3.json"
t_eq "after the timeout the five not committed come again, first" \
	"$(jq -c '[.[5:][].eventId]' "$T_TMP/lot1.json")" "$(jq -c '[.[0:5][].eventId]' "$T_TMP/lot3.json")"
t_eq "with new handles" 0 \
	"$(jq -n --slurpfile a "$T_TMP/lot1.json" --slurpfile b "$T_TMP/lot3.json" '[$a[0][].handle] - ([$a[0][].handle] - [$b[0][].handle]) | length')"
t_eq "the committed ones never come again" 0 \
	"$(jq -n --slurpfile a "$T_TMP/lot1.json" --slurpfile b "$T_TMP/lot3.json" '[$a[0][0:5][].eventId] - ([$a[0][0:5][].eventId] - [$b[0][].eventId]) | length')"
ignored=$(metric 'vtex_sandbox_feed_commits_total{outcome="ignored"}')
t_eq "stale handles (of the first delivery): 200" 200 "$(commit 1 "$T_TMP/lot1.json" '.[5:][]')"
t_eq "... and ignored" "$((ignored + 5))" "$(metric 'vtex_sandbox_feed_commits_total{outcome="ignored"}')"
t_eq "another app key's handles: 200, ignored" "200 $((ignored + 15))" \
	"$(commit 2 "$T_TMP/lot3.json" '.[]') $(metric 'vtex_sandbox_feed_commits_total{outcome="ignored"}')"
t_eq "the latest handles commit" 200 "$(commit 1 "$T_TMP/lot3.json" '.[]')"
t_run "redeliveries are counted" test "$(metric 'vtex_sandbox_feed_deliveries_total{outcome="redelivery"}')" -ge 5
t_eq "committed messages are counted" "$((15 + $(jq length "$T_TMP/lot3.json")))" \
	"$(metric 'vtex_sandbox_feed_commits_total{outcome="committed"}')"

# One feed per app key: the second sees only its filter's events, and its own configuration.
t_run "the second app key's feed fills" wait_quantity 2 1
body 2 GET '/api/orders/feed?maxlot=10' >"$T_TMP/k2.json"
t_eq "the second feed holds only invoiced events" '["invoiced"]' "$(jq -c '[.[].state] | unique' "$T_TMP/k2.json")"
t_eq "each key reads its own configuration" "2 60" \
	"$(body 1 GET /api/orders/feed/config | jq .queue.visibilityTimeoutInSeconds) $(body 2 GET /api/orders/feed/config | jq .queue.visibilityTimeoutInSeconds)"
t_eq "the second key's messages are its own (no handle of the first)" true \
	"$(jq -n --slurpfile a "$T_TMP/k2.json" --slurpfile b "$T_TMP/lot3.json" '([$a[0][].handle] - [$b[0][].handle]) == [$a[0][].handle]')"

# Retention (3 s, test only): the second feed's messages, received with a 60 s
# timeout and never committed, are dropped; the first feed's are not.
dropped=$(metric 'vtex_sandbox_feed_dropped_total{reason="retention"}')
sleep 3.5
t_eq "messages older than the retention are gone" false \
	"$(body 2 GET /api/orders/feed/config | jq '.approximateAgeOfOldestMessageInSeconds > 3')"
t_run "and counted as dropped" test "$(metric 'vtex_sandbox_feed_dropped_total{reason="retention"}')" -gt "$dropped"
t_run "a retention of 4 days keeps them" test "$(body 1 GET /api/orders/feed/config | jq .approximateAgeOfOldestMessageInSeconds)" -ge 3
kill -USR2 "$(sb_pid live)" # freeze: no more events
sleep 3.5
t_eq "a feed no event entered for its retention is deleted" 404 "$(code 2 GET /api/orders/feed/config)"
t_eq "the other stays" 200 "$(code 1 GET /api/orders/feed/config)"
t_eq "the queue depth gauge is the first feed's quantity" "$(body 1 GET /api/orders/feed/config | jq .quantity)" \
	"$(metric vtex_sandbox_feed_messages)"
t_run "events enqueued are counted" test "$(metric vtex_sandbox_feed_events_total)" -gt 25
t_eq "requests counted under the feed routes" true \
	"$(curl -s "$SB_URL/metrics" | grep -q 'vtex_sandbox_requests_total{.*route="feed",code="200"}' && echo true)"
sb_stop live

# The rate limit applies to the feed as to every endpoint.
sb_start rl --products 20 --orders 10 --clients 10 --rate-limit 5 --feed-config '{}' || { t_fail "sandbox starts"; t_done; }
for i in $(seq 40); do printf 'url = "%s/api/orders/feed?maxlot=10"\noutput = "/dev/null"\n' "$SB_URL"; done |
	curl -s "${SB_AUTH[@]}" -w '%{http_code} %header{retry-after}\n' -K - >"$T_TMP/rl.txt"
t_eq "above the rate limit: 429 with Retry-After" true "$(grep -q '^429 1$' "$T_TMP/rl.txt" && echo true)"
t_eq "within it: served" true "$(grep -q '^200' "$T_TMP/rl.txt" && echo true)"
t_done
