#!/usr/bin/env bash
# ndjson-normalize --entity order on generated orders (bench/gen-orders): the
# same rows as the jq reference program of the benchmark, sound links, one
# root id per order version.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/checks.sh"
N=ndjson-normalize

"$VP_ROOT/bench/gen-orders" --count 25 --seed 11 --versions 3 >"$T_TMP/orders"
t_eq "generator is deterministic" "$(md5sum <"$T_TMP/orders")" \
	"$("$VP_ROOT/bench/gen-orders" --count 25 --seed 11 --versions 3 | md5sum)"
$N --entity order "$T_TMP/orders" >"$T_TMP/o" 2>/dev/null
t_eq "exit 0" 0 $?
check_rows "generated orders" "$T_TMP/orders" "$T_TMP/o"

# Without the ids (jq cannot hash), the rows equal those of bench/jq/normalize-orders.jq.
strip='del(._row_id, ._parent_row_id, ._root_id)'
jq -c "$strip" "$T_TMP/o" >"$T_TMP/ours"
jq -c -f "$VP_ROOT/bench/jq/normalize-orders.jq" "$T_TMP/orders" | jq -c "$strip" >"$T_TMP/jq"
t_same_file "same rows as the jq program" "$T_TMP/jq" "$T_TMP/ours"

t_eq "one root id per order version" "$(jq -r '"\(.orderId) \(.lastChange)"' "$T_TMP/orders" | sort -u | wc -l)" \
	"$(jq -r 'select(._table == "orders") | ._row_id' "$T_TMP/o" | sort -u | wc -l)"
t_run "versions of one order share order_id" test "$(jq -r 'select(._table == "orders") | .order_id' "$T_TMP/o" | sort | uniq -d | wc -l)" -gt 0
t_run "orders have items, totals, payments, logistics" test "$(tables "$T_TMP/o" | grep -cE '^orders__(items|totals|payment_data__transactions__payments|shipping_data__logistics_info) ')" -eq 4
t_done
