#!/usr/bin/env bash
# orders by creation window past the OMS list's 30-page cap: a store whose
# busiest day holds more than 3,000 orders; the whole history comes out
# exactly (checked against the sandbox's truth), the busy day on its own too.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox.sh"
cd "$T_TMP"
sb_start --seed 7 --products 200 --clients 3000 --orders 7000 --busy-day-share 0.5

t_run "orders over the whole history" bash -c \
	"vtex-fetch orders --created-since $SB_SINCE --created-until $SB_UNTIL --concurrency 16 \
	 --metrics-file m.prom >all.ndjson 2>err"
sb_check_orders "whole history" all.ndjson
busy=$(jq -r '.creationDate[0:10]' all.ndjson | sort | uniq -c | sort -rn | head -1)
read -r busy_n busy_day <<<"$busy"
[ "$busy_n" -gt 3000 ] && t_ok "the busiest day holds more than 3000 orders ($busy_n)" ||
	t_fail "the busiest day holds more than 3000 orders" "$busy_n"
splits=$(awk '/^vtex_pipes_fetch_order_window_splits_total/ {print $2}' m.prom)
[ "${splits%.*}" -gt 0 ] && t_ok "windows were split ($splits)" || t_fail "windows were split" "$splits"

# The busy day alone (a one-day window over the cap).
next=$(date -u -d "$busy_day + 1 day" +%F)
t_run "orders of the busy day" bash -c \
	"vtex-fetch orders --created-since $busy_day --created-until $next >day.ndjson 2>err2"
t_eq "the busy day: every order of that day" "$busy_n" "$(wc -l <day.ndjson)"
t_eq "the busy day: no order twice" "$busy_n" "$(jq -r .orderId day.ndjson | sort -u | wc -l)"
t_eq "the busy day: the same orders as in the whole history" \
	"$(jq -r "select(.creationDate[0:10] == \"$busy_day\") | .orderId" all.ndjson | sort | md5sum)" \
	"$(jq -r .orderId day.ndjson | sort | md5sum)"
t_eq "the busy day: nothing outside the window" 0 \
	"$(jq -r "select(.creationDate[0:10] != \"$busy_day\") | .orderId" day.ndjson | wc -l)"
t_done
