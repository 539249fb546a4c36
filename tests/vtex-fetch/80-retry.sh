#!/usr/bin/env bash
# --failures and retry: with no retries against a store failing half of its
# requests, what could not be fetched is written as failure records (exit 75);
# `vtex-fetch retry` on that file fetches the rest, and the two runs together
# are exactly the truth.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox.sh"
cd "$T_TMP"
sb_start --seed 8 --products 80 --clients 500 --orders 700 --fault-rate 0.5 --faults 5xx --fault-seed 5
win="--created-since $SB_SINCE --created-until $SB_UNTIL"

t_exit "orders without retries: exit 75" 75 bash -c \
	"vtex-fetch orders $win --retries 0 --failures f.orders >o1 2>/dev/null"
t_eq "every failure record is retryable" "" "$(jq -r 'select(.retryable != true) | .kind' f.orders)"
t_eq "only order and orders-slice records" "" "$(jq -r 'select(.kind != "order" and .kind != "orders-slice") | .kind' f.orders)"
# 40 retries: at half the requests failing, 12 left one order in about every 25 runs
# without an answer (2^-13 each, some 350 orders); 40 make that 2^-41.
t_run "retry" bash -c "vtex-fetch retry f.orders --retries 40 --backoff-base 0.01 --failures f2.orders >o2 2>/dev/null"
t_eq "nothing left" 0 "$(wc -l <f2.orders)"
cat o1 o2 >orders
sb_check_orders "first run + retry" orders

t_exit "catalog without retries: exit 75" 75 bash -c \
	"vtex-fetch catalog --prices --retries 0 --failures f.cat >p1 2>/dev/null"
t_run "retry the catalog failures (from stdin)" bash -c \
	"vtex-fetch retry --retries 40 --backoff-base 0.01 <f.cat >p2 2>/dev/null"
cat p1 p2 >catalog
sb_check_catalog "first run + retry" catalog

t_exit "a failures file with an unknown kind: exit 1" 1 bash -c \
	"echo '{\"kind\":\"nonsense\"}' | vtex-fetch retry --rejects rej >/dev/null 2>&1"
t_eq "... rejected with the reason" "unknown failure kind" "$(jq -r .reason rej)"
t_done
