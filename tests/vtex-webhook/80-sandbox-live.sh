#!/usr/bin/env bash
# vtex-sandbox in live mode fires order hooks at vtex-webhook (some twice,
# some out of order); after the store is frozen (SIGUSR2) and its queue has
# drained, every event it sent is in the webhook's output, and for every
# order the latest event's State is the order's status in the store.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/webhook_lib.sh"
. "$VP_ROOT/tests/vtex-sandbox/sandbox_lib.sh"

wh_start w --output "$T_TMP/events.ndjson" || { t_fail "webhook starts"; t_done; }
export VTEX_SANDBOX_HOOK_SECRET=$WH_SECRET
sb_start s --products 30 --clients 50 --orders 100 --orders-per-second 20 --live-step-seconds 0.3 \
	--hook-url "$WH_URL/hook" --hook-dup-rate 0.2 --hook-reorder-rate 0.2 --truth "$T_TMP/truth.json" ||
	{ t_fail "sandbox starts"; t_done; }
sleep 5
kill -USR2 "$(sb_pid s)"
sb_hooks_drained
events=$SB_HOOK_EVENTS ok=$SB_HOOK_OK dup=$SB_HOOK_DUP dropped=$SB_HOOK_DROPPED
echo "# sandbox: $events events, $ok deliveries answered 200 ($dup sent twice), $dropped dropped"
t_eq "the sandbox fired hooks" true "$([ "$events" -gt 50 ] && echo true || echo false)"
t_eq "none dropped" 0 "$dropped"
t_eq "every delivery answered 200 is a line" "$ok" "$(wc -l <"$T_TMP/events.ndjson")"
t_eq "every event the sandbox sent is written (distinct OrderId, State, CurrentChange)" "$events" \
	"$(jq -r '[.OrderId, .State, .CurrentChange] | @tsv' "$T_TMP/events.ndjson" | sort -u | wc -l)"
t_eq "webhook's count agrees" "$ok" "$(wh_metric "$WH_URL" 'vtex_pipes_webhook_events_total{outcome="written"}')"

# The latest event of each order names the order's status in the store.
jq -s -r 'group_by(.OrderId)[] | max_by(.CurrentChange) | [.OrderId, .State] | @tsv' "$T_TMP/events.ndjson" |
	sort >"$T_TMP/latest.tsv"
cut -f1 "$T_TMP/latest.tsv" | sed 's|^|/api/oms/pvt/orders/|' | sb_get_many | jq -r '[.orderId, .status] | @tsv' |
	sort >"$T_TMP/store.tsv"
t_eq "for every order hooked, the last State is its status in the store" "" \
	"$(diff "$T_TMP/latest.tsv" "$T_TMP/store.tsv" | head -5)"
kill -TERM "$(wh_pid w)"
wh_wait w
t_eq "webhook: exit 0" 0 "$WH_RC"
t_done
