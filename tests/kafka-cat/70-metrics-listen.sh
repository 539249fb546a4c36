#!/usr/bin/env bash
# kafka-cat -C --metrics-listen: while a group consumer runs, GET /metrics
# answers with the Prometheus text of its registry (messages consumed, the
# lag gauge per partition, the tool/stage labels every series carries) and
# /healthz with ok; the counts follow the data, the lag goes to 0 once the
# consumer has caught up. Wrong paths 404, wrong methods 405; the flag on a
# producer or a malformed address is a usage error (64), an address in use
# exit 69. The metrics file at exit agrees with the last scrape.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/broker.sh"
kafka_need
command -v curl >/dev/null || { echo "curl not installed"; exit 77; }
cd "$T_TMP"

t_exit "--metrics-listen on a producer: 64" 64 kafka-cat -P -t t --metrics-listen 127.0.0.1:0 </dev/null 2>err
grep -q "for consumers" err && t_ok "says it is for consumers" || t_fail "says it is for consumers" "$(cat err)"
t_exit "malformed --metrics-listen: 64" 64 kafka-cat -C -t t --metrics-listen localhost 2>err
grep -q "localhost" err && t_ok "the bad address named" || t_fail "the bad address named" "$(cat err)"
# The environment's listener is for consumers only: a producer ignores it.
KAFKA_CAT_METRICS_LISTEN=nonsense kafka-cat -P -t t -b 127.0.0.1:1 -m 1 </dev/null 2>err
t_eq "KAFKA_CAT_METRICS_LISTEN: a producer ignores it (no usage error)" 69 $?

kafka_start --set num.partitions=2
seq_lines() { python3 -c "
for i in range($1, $2): print('{\"OrderId\":\"o%d\",\"seq\":%d}' % (i, i))"; }
seq_lines 0 300 | kafka-cat -P -t m --key-field OrderId -q

KAFKA_CAT_METRICS_LISTEN=127.0.0.1:0 kafka-cat -C -G gm -t m --metrics-file exit.prom >out 2>err &
C=$!
t_on_exit "kill -9 $C 2>/dev/null"
wait_for 30 grep -q 'msg="serving metrics"' err
url=$(sed -n 's/.*msg="serving metrics" url=\([^ ]*\).*/\1/p' err | head -1)
[[ $url =~ ^http://127\.0\.0\.1:[0-9]+$ ]] && t_ok "the listener's URL logged ($url)" || t_fail "URL logged" "$(head -3 err)"

t_eq "/healthz answers ok" "ok" "$(curl -s "$url/healthz")"
wait_for 60 eval '[ $(wc -l <out) -ge 300 ]'
t_eq "the consumer wrote every message" 300 "$(wc -l <out)"
scrape() { curl -s "$url/metrics" >scrape.prom; }
consumed() { scrape && [ "$(prom_value 'vtex_pipes_kafka_messages_total{mode="consume",outcome="consumed"}' <scrape.prom)" = "$1" ]; }
wait_for 10 consumed 300
t_eq "/metrics: 300 messages consumed" 300 \
	"$(prom_value 'vtex_pipes_kafka_messages_total{mode="consume",outcome="consumed"}' <scrape.prom)"
grep -q '^vtex_pipes_kafka_messages_total{tool="kafka-cat",stage="[^"]*".*outcome="consumed"} 300$' scrape.prom &&
	t_ok "series carry the tool and stage labels" || t_fail "tool/stage labels" "$(grep messages_total scrape.prom)"
ct=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$url/metrics")
t_eq "/metrics: 200, Prometheus text content type" "200 text/plain; version=0.0.4" "$ct"

# More data while it runs: the counter follows, the lag returns to 0 on both partitions.
seq_lines 300 1300 | kafka-cat -P -t m --key-field OrderId -q
lag0() {
	scrape || return 1
	local p v
	for p in 0 1; do
		v=$(prom_value "vtex_pipes_kafka_consumer_lag_messages{group=\"gm\",topic=\"m\",partition=\"$p\"}" <scrape.prom)
		grep -q "^vtex_pipes_kafka_consumer_lag_messages{.*partition=\"$p\"}" scrape.prom && [ "$v" = 0 ] || return 1
	done
	[ "$(prom_value 'vtex_pipes_kafka_messages_total{outcome="consumed"}' <scrape.prom)" = 1300 ]
}
if wait_for 60 lag0; then
	t_ok "caught up: 1300 consumed, lag 0 on partitions 0 and 1"
else
	t_fail "caught up: lag 0" "$(grep -E 'lag_messages|outcome="consumed"' scrape.prom)"
fi
grep -q '^# TYPE vtex_pipes_kafka_consumer_lag_messages gauge$' scrape.prom && t_ok "the lag is a gauge" || t_fail "lag gauge TYPE"

# A second member of the group, with a listener of its own: the partitions
# are shared out; the lag summed over both members' /metrics counts each
# partition once (a revoked partition's gauge drops to 0) and comes to 0.
kafka-cat -C -G gm -t m --metrics-listen 127.0.0.1:0 >out2 2>err2 &
C2=$!
t_on_exit "kill -9 $C2 2>/dev/null"
wait_for 30 grep -q 'msg="serving metrics"' err2
url2=$(sed -n 's/.*msg="serving metrics" url=\([^ ]*\).*/\1/p' err2 | head -1)
wait_for 30 grep -q "partitions assigned" err2
seq_lines 1300 2300 | kafka-cat -P -t m --key-field OrderId -q
lag_sum() {
	{ curl -s "$url/metrics"; curl -s "$url2/metrics"; } |
		awk '/^vtex_pipes_kafka_consumer_lag_messages\{/ { s += $2 } END { print s + 0 }'
}
total() {
	local a b
	a=$(curl -s "$url/metrics" | prom_value 'vtex_pipes_kafka_messages_total{outcome="consumed"}')
	b=$(curl -s "$url2/metrics" | prom_value 'vtex_pipes_kafka_messages_total{outcome="consumed"}')
	echo $((a + b))
}
wait_for 60 eval '[ "$(total)" -ge 2300 ] && [ "$(lag_sum)" = 0 ]'
t_eq "two members: 2300 consumed between them" 2300 "$(total)"
t_eq "two members: the group's lag summed over both scrapes is 0" 0 "$(lag_sum)"
kill -TERM $C2
wait $C2
t_eq "the second member stops: exit 0" 0 $?

t_eq "POST /metrics: 405" 405 "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/metrics")"
t_eq "GET /nope: 404" 404 "$(curl -s -o /dev/null -w '%{http_code}' "$url/nope")"

# The same address again while it is taken: 69 with the address named.
port=${url##*:}
kafka-cat -C -G gm2 -t m --metrics-listen "127.0.0.1:$port" >/dev/null 2>busy.err
t_eq "address in use: 69" 69 $?
grep -q "127.0.0.1:$port" busy.err && t_ok "the busy address named" || t_fail "busy address named" "$(cat busy.err)"

curl -s "$url/metrics" >last.prom
kill -TERM $C
wait $C
t_eq "SIGTERM: exit 0" 0 $?
t_eq "the metrics file at exit agrees with the last scrape" "$(prom_value 'vtex_pipes_kafka_messages_total{outcome="consumed"}' <last.prom)" \
	"$(prom_value 'vtex_pipes_kafka_messages_total{outcome="consumed"}' <exit.prom)"
curl -s -m 2 "$url/healthz" >/dev/null && t_fail "listener closed after exit" || t_ok "listener closed after exit"
t_done
