#!/usr/bin/env bash
# Each fault kind of the sandbox at a high rate (30% of requests): 429 with
# Retry-After, 5xx, connection reset, truncated body, slow answer (past
# --timeout). Orders, clients and catalog with prices still come out exactly
# as the truth: nothing missing, nothing twice.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox.sh"
cd "$T_TMP"
# Short backoffs keep the test quick; the retry budget is generous for 30% faults.
opts="--concurrency 16 --retries 12 --backoff-base 0.01 --backoff-max 0.2 --retry-after-max 0.05 --timeout 0.4"
for kind in 429 5xx reset truncate slow; do
	sb_start --seed 3 --products 120 --clients 2500 --orders 1200 \
		--fault-rate 0.3 --faults "$kind" --slow-ms 1500 --fault-seed 42
	t_run "$kind: orders" bash -c "vtex-fetch orders --created-since $SB_SINCE --created-until $SB_UNTIL \
		$opts --metrics-file m.$kind >o.$kind 2>e.$kind"
	sb_check_orders "$kind: orders" "o.$kind"
	t_run "$kind: clients" bash -c "vtex-fetch clients $opts >c.$kind 2>>e.$kind"
	sb_check_clients "$kind: clients" "c.$kind"
	t_run "$kind: catalog --prices" bash -c "vtex-fetch catalog --prices $opts >p.$kind 2>>e.$kind"
	sb_check_catalog "$kind: catalog" "p.$kind"
	retries=$(awk '/^vtex_pipes_http_retries_total/ {print $2}' "m.$kind")
	[ "${retries%.*}" -gt 100 ] && t_ok "$kind: faults were met and retried ($retries)" ||
		t_fail "$kind: faults were met and retried" "$retries"
	sb_stop
done
t_done
