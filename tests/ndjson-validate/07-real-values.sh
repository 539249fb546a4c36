#!/usr/bin/env bash
# Real-shaped VTEX orders: items sold by measurement unit (unitMultiplier 0.25
# kg, 1.5 m) whose Items total is sum(price x quantity x unitMultiplier) pass
# with no flag (sum(price x quantity) would be off by far); the same order with
# a wrong Items total is flagged for it and still passes; a malformed e-mail
# is flagged, not rejected; a value that is not a number is rejected. The
# status lists of rules/order.json and hook.json are the seed's
# (dbt/seeds/vtex_order_statuses.csv, scripts/vtex-order-statuses).
. "$(dirname "$0")/../lib.sh"
command -v jq >/dev/null || { echo "needs jq"; exit 77; }
cd "$T_TMP"
fix=$VP_ROOT/tests/fixtures/validate/order.ndjson
# Three items: 0.25 kg at 3990/kg x 2, 1.5 m at 1200/m x 3, one unit at 4600.
jq -c '.items |= [.[0] + {price: 3990, quantity: 2, unitMultiplier: 0.25, measurementUnit: "kg"},
                  .[1] + {price: 1200, quantity: 3, unitMultiplier: 1.5, measurementUnit: "m"},
                  .[2] + {price: 4600, quantity: 1, unitMultiplier: 1, measurementUnit: "un"}]
       | .totals[0].value = (1995 + 5400 + 4600) | .totals[1].value = -995
       | .value = ([.totals[].value] | add)' "$fix" >um.ndjson
t_eq "the Items total is not sum(price x quantity)" "11995 16180" \
	"$(jq -j '.totals[0].value, " ", ([.items[] | .price * .quantity] | add)' um.ndjson)"
ndjson-validate -e order --log-level error --rejects rej.ndjson um.ndjson >out.ndjson
t_eq "unitMultiplier honoured: passes, byte for byte, no flag" "0 0" "$? $(wc -l <rej.ndjson)"
t_run "... byte for byte" cmp -s um.ndjson out.ndjson
jq -c '.totals[0].value += 500 | .value += 500' um.ndjson >off.ndjson
ndjson-validate -e order --log-level error --rejects rej.ndjson off.ndjson >out.ndjson
t_eq "a wrong Items total: passes, flagged" '0 0 "items-total-is-sum-of-items:sum"' \
	"$? $(wc -l <rej.ndjson) $(jq -c ._quality_flags out.ndjson)"
jq -c '.clientProfileData.email = "maria.silva@@example"' "$fix" >mail.ndjson
ndjson-validate -e order --log-level error --rejects rej.ndjson mail.ndjson >out.ndjson
t_eq "a malformed e-mail: passes, flagged" '0 0 "email-format:format"' \
	"$? $(wc -l <rej.ndjson) $(jq -c ._quality_flags out.ndjson)"
jq -c '.value = "2112,34"' "$fix" >value.ndjson
ndjson-validate -e order --log-level error --rejects rej.ndjson value.ndjson >out.ndjson
t_eq "a value that is not a number: rejected (blocking)" '1 0 ["value:type"]' \
	"$? $(wc -l <out.ndjson) $(jq -c .rules rej.ndjson)"
t_run "the rules' status lists are dbt's seed" "$VP_ROOT/scripts/vtex-order-statuses" --check
jq -c '.status = "waiting-for-sellers-confirmation"' "$fix" >status.ndjson
ndjson-validate -e order --log-level error status.ndjson >out.ndjson
t_run "waiting-for-sellers-confirmation passes unflagged" cmp -s status.ndjson out.ndjson
t_done
