#!/usr/bin/env bash
# vtex-gateway in front of vtex-sandbox: callers send no VTEX credentials (the
# gateway adds its own), the gateway's caller token, priorities, 429s never
# reach a caller (one pause for the class, retried here), realtime served
# before batch while the class waits, pricing routed to its host, the metrics,
# and the refusals (no TLS or token beyond loopback, bad priority, bad config).
. "$(dirname "$0")/../lib.sh"
. "$VP_ROOT/tests/vtex-sandbox/sandbox_lib.sh"
. "$(dirname "$0")/gateway_lib.sh"

t_exit "--help" 0 vtex-gateway --help
t_exit "beyond loopback without TLS and a token: configuration error" 78 \
	env VTEX_BASE_URL=http://127.0.0.1:1 vtex-gateway --listen 0.0.0.0:0
echo '{"oms":{"budget":"many"}}' >"$T_TMP/bad.json"
t_exit "a bad config file: configuration error" 78 env VTEX_BASE_URL=http://127.0.0.1:1 vtex-gateway -c "$T_TMP/bad.json" --listen 127.0.0.1:0
t_exit "no VTEX credentials: configuration error" 78 \
	env -u VTEX_APP_KEY -u VTEX_APP_TOKEN VTEX_BASE_URL=http://127.0.0.1:1 vtex-gateway --listen 127.0.0.1:0

sb_start s --products 20 --orders 60 --clients 10 \
	--account-limits oms=10,catalog=100,catalog_endpoint=100,window=2,oms_pause=2 || { t_fail "sandbox starts"; t_done; }
# The gateway's budget is above the store's: its pause and retries meet the store's 429s.
echo '{"oms":{"budget":40,"window":2,"pause":2,"concurrency":4}}' >"$T_TMP/gw.json"
gw_start g -c "$T_TMP/gw.json" --listen 127.0.0.1:0 || { t_fail "gateway starts"; t_done; }
t_eq "a caller without credentials is served" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$GW_URL/api/oms/pvt/orders?per_page=1")"
t_eq "a caller's own credentials are replaced by the gateway's" 200 \
	"$(curl -s -o /dev/null -w '%{http_code}' -H 'X-VTEX-API-AppKey: wrong' -H 'X-VTEX-API-AppToken: wrong' "$GW_URL/api/oms/pvt/orders?per_page=1")"
t_eq "a bad priority: 400" 400 "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-VTEX-Pipes-Priority: urgent' "$GW_URL/api/oms/pvt/orders")"
sku=$(curl -s "$GW_URL/api/catalog_system/pvt/sku/stockkeepingunitids?page=1&pagesize=1" | jq '.[0]')
t_eq "pricing goes to the pricing host (the account's path)" "\"$sku\"" "$(curl -s "$GW_URL/pricing/prices/$sku" | jq .itemId)"
t_eq "upstream status passes through (404)" 404 "$(curl -s -o /dev/null -w '%{http_code}' "$GW_URL/api/oms/pvt/orders/nope-01")"
long=$(head -c 12000 /dev/zero | tr '\0' a)
t_eq "a 12 KB request line is served" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$GW_URL/api/oms/pvt/orders?per_page=1&x=$long")"
t_eq "a 20 KB one is refused (414, the man page's limit)" 414 \
	"$(curl -s -o /dev/null -w '%{http_code}' "$GW_URL/api/oms/pvt/orders?per_page=1&x=$long$long")"

ids=$(curl -s "$GW_URL/api/oms/pvt/orders?per_page=40" | jq -r '.list[].orderId')
sleep 2
# 40 batch details at once and, once they wait, 5 realtime ones: no 429
# reaches anyone, and the realtime ones get through before the batch queue.
for id in $ids; do printf 'url = "%s/api/oms/pvt/orders/%s"\noutput = "/dev/null"\n' "$GW_URL" "$id"; done |
	curl -s --parallel --parallel-max 40 -H 'X-VTEX-Pipes-Priority: batch' -w '%{http_code}\n' -K - >"$T_TMP/batch.txt" 2>/dev/null &
batch=$!
sleep 1
for id in $(head -5 <<<"$ids"); do printf 'url = "%s/api/oms/pvt/orders/%s"\noutput = "/dev/null"\n' "$GW_URL" "$id"; done |
	curl -s --parallel -H 'X-VTEX-Pipes-Priority: realtime' -H 'X-VTEX-Pipes-Run-Id: rt-run-1' -w '%{http_code}\n' -K - >"$T_TMP/rt.txt" 2>/dev/null
rt_done=$(date +%s.%N)
wait $batch
t_eq "every batch request answered 200" "40" "$(grep -c '^200$' "$T_TMP/batch.txt")"
t_eq "every realtime request answered 200" "5" "$(grep -c '^200$' "$T_TMP/rt.txt")"
m=$(curl -s "$SB_URL/metrics")
t_run "the store did throttle ($(prom_value 'vtex_sandbox_throttled_total{class="oms"}' <<<"$m") 429s): they stayed in the gateway" \
	test "$(prom_value 'vtex_sandbox_throttled_total{class="oms"}' <<<"$m")" -gt 0
last_batch=$(grep -a 'priority=batch' "$T_TMP/g.gw.log" | grep -a 'msg=request' | tail -1 | sed 's/^ts=\([^ ]*\).*/\1/')
last_rt=$(grep -a 'priority=realtime' "$T_TMP/g.gw.log" | grep -a 'msg=request' | tail -1 | sed 's/^ts=\([^ ]*\).*/\1/')
t_run "the realtime requests were answered before the batch queue ran dry ($last_rt < $last_batch)" test "$last_rt" \< "$last_batch"
t_eq "the access log carries the caller's run id" 5 "$(grep -a 'msg=request' "$T_TMP/g.gw.log" | grep -ac 'run_id=rt-run-1')"
gm=$(curl -s "$GW_URL/metrics")
t_run "the gateway counts VTEX's 429s" test "$(prom_value 'vtex_pipes_gateway_throttled_total{class="oms"}' <<<"$gm")" -gt 0
t_eq "no 429 answered to a caller" "" "$(grep -a 'vtex_pipes_gateway_requests_total' <<<"$gm" | grep -a 'code="429"')"
t_run "queue waits by priority" test "$(prom_value 'vtex_pipes_gateway_queue_wait_seconds_count{class="oms",priority="realtime"}' <<<"$gm")" -eq 5
echo "# realtime queue wait: $(prom_value 'vtex_pipes_gateway_queue_wait_seconds_sum{class="oms",priority="realtime"}' <<<"$gm") s in all;" \
	"batch: $(prom_value 'vtex_pipes_gateway_queue_wait_seconds_sum{class="oms",priority="batch"}' <<<"$gm") s"

# vtex-fetch through the gateway: no credentials of its own.
env -u VTEX_APP_KEY -u VTEX_APP_TOKEN VTEX_GATEWAY=$GW_URL VTEX_ACCOUNT=sandbox \
	vtex-fetch order $(head -3 <<<"$ids") >"$T_TMP/fetched.ndjson" 2>"$T_TMP/fetch.log"
t_eq "vtex-fetch through the gateway, without VTEX credentials" 3 "$(jq -r .orderId "$T_TMP/fetched.ndjson" | sort -u | wc -l)"
t_exit "vtex-fetch refuses a bad VTEX_GATEWAY_PRIORITY" 78 env VTEX_GATEWAY=$GW_URL VTEX_GATEWAY_PRIORITY=soon vtex-fetch order x
kill "$(gw_pid g)"; wait "$(gw_pid g)" 2>/dev/null

# A token of the gateway's own: callers without it get 401.
export VTEX_GATEWAY_TOKEN=gateway-test-token-0123456789
gw_start t --listen 127.0.0.1:0 || { t_fail "gateway with a token starts"; t_done; }
t_eq "no token: 401" 401 "$(curl -s -o /dev/null -w '%{http_code}' "$GW_URL/api/oms/pvt/orders")"
t_eq "a wrong token: 401" 401 "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer nope' "$GW_URL/api/oms/pvt/orders")"
t_eq "the token: 200" 200 "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $VTEX_GATEWAY_TOKEN" "$GW_URL/api/oms/pvt/orders?per_page=1")"
env -u VTEX_APP_KEY -u VTEX_APP_TOKEN VTEX_GATEWAY=$GW_URL vtex-fetch order $(head -1 <<<"$ids") >"$T_TMP/f2.ndjson" 2>/dev/null
t_eq "vtex-fetch sends VTEX_GATEWAY_TOKEN" 1 "$(wc -l <"$T_TMP/f2.ndjson")"
kill "$(gw_pid t)"; wait "$(gw_pid t)" 2>/dev/null

# HTTPS with the token, as for callers on other hosts; the callers verify its certificate.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
	-keyout "$T_TMP/gw.key" -out "$T_TMP/gw.pem" 2>/dev/null
chmod 600 "$T_TMP/gw.key"
gw_start tls --listen 127.0.0.1:0 --tls-cert "$T_TMP/gw.pem" --tls-key "$T_TMP/gw.key" || { t_fail "gateway with TLS starts"; t_done; }
t_eq "HTTPS: the gateway's URL" https "${GW_URL%%:*}"
env -u VTEX_APP_KEY -u VTEX_APP_TOKEN VTEX_GATEWAY=$GW_URL VTEX_FETCH_CACERT=$T_TMP/gw.pem \
	vtex-fetch order $(head -1 <<<"$ids") >"$T_TMP/f3.ndjson" 2>/dev/null
t_eq "vtex-fetch over HTTPS with the token and the gateway's CA" 1 "$(wc -l <"$T_TMP/f3.ndjson")"
rc=0; env -u VTEX_APP_KEY -u VTEX_APP_TOKEN VTEX_GATEWAY=$GW_URL vtex-fetch order x >/dev/null 2>&1 || rc=$?
t_eq "vtex-fetch refuses the gateway's certificate without its CA (78)" 78 "$rc"
t_done
