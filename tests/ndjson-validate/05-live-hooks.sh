#!/usr/bin/env bash
# The hook notifications vtex-sandbox's live mode really posts (new orders and
# status changes, duplicates, the ping) pass the hook rules byte for byte; so
# do the order details they name, fetched by vtex-fetch --from-hooks.
. "$(dirname "$0")/../lib.sh"
. "$VP_ROOT/tests/vtex-sandbox/sandbox_lib.sh"
command -v jq >/dev/null || { echo "needs jq"; exit 77; }
cd "$T_TMP"

hr_start live
sb_start main --products 30 --clients 60 --orders 100 --orders-per-second 10 --live-step-seconds 0.2 \
	--hook-url "$HR_URL" --hook-dup-rate 0.3 || { t_fail "sandbox starts"; t_done; }
for _ in $(seq 100); do [ "$(wc -l <"$HR_OUT")" -ge 40 ] && break; sleep 0.1; done
jq -c .body "$HR_OUT" >hooks.ndjson
t_run "the sandbox posted notifications" test "$(grep -c OrderId hooks.ndjson)" -ge 20
ndjson-validate -e hook --rejects rej.ndjson hooks.ndjson >out.ndjson 2>err
rc=$?
t_eq "every notification passes" "0 0" "$rc $(wc -l <rej.ndjson)"
t_run "... byte for byte" cmp -s hooks.ndjson out.ndjson
export VTEX_BASE_URL=$SB_URL
grep OrderId hooks.ndjson | vtex-fetch orders --from-hooks >orders.ndjson 2>/dev/null
ndjson-validate -e order --rejects rej2.ndjson orders.ndjson >out2.ndjson 2>err
t_eq "the orders they name pass" "0 0 $(wc -l <orders.ndjson)" "$? $(wc -l <rej2.ndjson) $(wc -l <out2.ndjson)"
t_done
