#!/usr/bin/env bash
# vtex-sandbox: POST/GET/DELETE /api/orders/hook/config; the ping must get 200;
# one hook per app key.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox_lib.sh"

export VTEX_SANDBOX_APP_KEYS="vtexappkey-sandbox-SECOND=second-token"
AUTH2=(-H "X-VTEX-API-AppKey: vtexappkey-sandbox-SECOND" -H "X-VTEX-API-AppToken: second-token")

sb_start main --products 20 --clients 10 --orders 10 --hook-timeout-ms 2000 || { t_fail "sandbox starts"; t_done; }
hr_start good
good=$HR_URL
good_out=$HR_OUT
hr_start bad --ping-status 503
bad=$HR_URL
hr_start good2
other=$HR_URL # a receiver for the second key

config() { # URL [filter JSON]
	jq -nc --arg u "$1" --argjson f "${2:-{\"type\":\"FromWorkflow\",\"status\":[\"invoiced\",\"canceled\"]\}}" \
		'{filter: $f, hook: {url: $u, headers: {key: "s3cret"}}}'
}
post() { sb_get /api/orders/hook/config -X POST -H 'Content-Type: application/json' -d "$1" -o "$T_TMP/resp.json" -w '%{http_code}'; }

t_eq "no hook yet: GET 404" 404 "$(sb_status /api/orders/hook/config)"
t_eq "a receiver that answers the ping: 200" 200 "$(post "$(config "$good")")"
t_eq "the ping came with VTEX's body" '{"hookConfig":"ping"}' "$(jq -c '.body' "$good_out" | head -1)"
t_eq "the ping carried the configured headers" s3cret "$(jq -r '.headers.key' "$good_out" | head -1)"
t_eq "GET returns the configuration" "$good" "$(sb_get /api/orders/hook/config | jq -r .hook.url)"
t_eq "a receiver that fails the ping: 400" 400 "$(post "$(config "$bad")")"
t_eq "a refused configuration leaves the old one" "$good" "$(sb_get /api/orders/hook/config | jq -r .hook.url)"
t_eq "nobody listening: 400" 400 "$(post "$(config http://127.0.0.1:9/nothing)")"
t_eq "status with expression: 409" 409 "$(post "$(config "$good" '{"type":"FromWorkflow","status":["invoiced"],"expression":"value > 100"}')")"
t_eq "no hook.url: 400" 400 "$(post '{"filter":{"type":"FromWorkflow"},"hook":{"headers":{}}}')"
t_eq "no hook.headers: 400" 400 "$(post "{\"filter\":{\"type\":\"FromWorkflow\"},\"hook\":{\"url\":\"$good\"}}")"
t_eq "not JSON: 400" 400 "$(post 'hook please')"
t_eq "FromOrders with an expression is accepted" 200 "$(post "$(config "$good" '{"type":"FromOrders","expression":"value > 100","disableSingleFire":false}')")"
if t_have_shared; then
	body=$(jq -c --arg u "$good" '.hook.url = $u' "$VP_SHARED/vtex/examples/orders-hook-config-request.json")
	t_eq "VTEX's example request is accepted" 200 "$(post "$body")"
else
	t_skip "VTEX's example request is accepted" "no $VP_SHARED"
fi
t_eq "another app key has no hook" 404 "$(curl -s -o /dev/null -w '%{http_code}' "${AUTH2[@]}" "$SB_URL/api/orders/hook/config")"
t_eq "nor can it delete the first key's" 404 \
	"$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "${AUTH2[@]}" "$SB_URL/api/orders/hook/config")"
t_eq "its own configuration is its own" "200 $good" "$(curl -s -o /dev/null -w '%{http_code}' "${AUTH2[@]}" -X POST \
	-H 'Content-Type: application/json' -d "$(config "$other")" "$SB_URL/api/orders/hook/config") $(sb_get /api/orders/hook/config | jq -r .hook.url)"
t_eq "DELETE removes it" 200 "$(sb_status /api/orders/hook/config -X DELETE)"
t_eq "then GET: 404" 404 "$(sb_status /api/orders/hook/config)"
t_eq "DELETE again: 404" 404 "$(sb_status /api/orders/hook/config -X DELETE)"
t_done
