#!/usr/bin/env bash
# --rps: the token bucket holds the request rate. Against a sandbox that
# answers 429 above 40 requests a second, --rps 36 draws no 429 and runs at
# 36/s within 10%; without --rps the same fetch does draw 429s (so the limit
# is real), and still completes.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox.sh"
cd "$T_TMP"
sb_start --seed 9 --products 10 --clients 100 --orders 220 --rate-limit 40

count() { awk -v c="code=\"$2\"" 'index($0, c) && /^vtex_pipes_http_requests_total/ {n += $2} END {print n + 0}' "$1"; }
start=$(date +%s.%N)
t_run "orders at --rps 36" bash -c "vtex-fetch orders --created-since $SB_SINCE --created-until $SB_UNTIL \
	--rps 36 --concurrency 16 --metrics-file m.rps >o.rps 2>e.rps"
end=$(date +%s.%N)
sb_check_orders "at --rps 36" o.rps
t_eq "no 429 under the store's limit" 0 "$(count m.rps 429)"
requests=$(awk '/^vtex_pipes_http_requests_total/ {n += $2} END {print n}' m.rps)
# The bucket starts with a tenth of a second's worth (3.6 requests).
rate=$(awk -v n="$requests" -v a="$start" -v b="$end" 'BEGIN {print (n - 3.6) / (b - a)}')
if awk -v r="$rate" 'BEGIN {exit !(r >= 32.4 && r <= 39.6)}'; then
	t_ok "the rate holds within 10% of 36/s ($(printf %.1f "$rate")/s over $requests requests)"
else
	t_fail "the rate holds within 10% of 36/s" "$(printf %.1f "$rate")/s over $requests requests"
fi

t_run "orders without --rps" bash -c "vtex-fetch orders --created-since $SB_SINCE --created-until $SB_UNTIL \
	--concurrency 16 --retry-after-max 1 --metrics-file m.free >o.free 2>e.free"
sb_check_orders "without --rps" o.free
n429=$(count m.free 429)
[ "$n429" -gt 0 ] && t_ok "without --rps the store's limit answers 429 ($n429)" ||
	t_fail "without --rps the store's limit answers 429"
t_done
