#!/usr/bin/env bash
# Everything vtex-sandbox generates, fetched by vtex-fetch, passes the
# repository's rules byte for byte: the whole catalog with prices, every
# client, every order of the history (several seeds), and the hook events of
# the live mode's orders (built from the orders' own ids and states).
. "$(dirname "$0")/../lib.sh"
. "$VP_ROOT/tests/vtex-fetch/sandbox.sh"
command -v jq >/dev/null || { echo "needs jq"; exit 77; }
cd "$T_TMP"

check() { # NAME ENTITY FILE
	local name=$1 entity=$2 f=$3
	ndjson-validate -e "$entity" --rejects rej.ndjson --metrics-file m.prom "$f" >out.ndjson 2>err
	local rc=$?
	if [ "$rc" -eq 0 ] && cmp -s "$f" out.ndjson && [ -s "$f" ]; then
		t_ok "$name: $(wc -l <"$f") records pass byte for byte"
	else
		t_fail "$name" "exit $rc; $(head -c 600 rej.ndjson | jq -r .reason 2>/dev/null)"
	fi
	t_run "$name: nothing warned" grep -q 'outcome="warned"} 0' m.prom
}

for seed in 7 23; do
	sb_start --seed "$seed" --products 60 --clients 150 --orders 600
	vtex-fetch catalog --prices >catalog.ndjson 2>/dev/null
	vtex-fetch clients >clients.ndjson 2>/dev/null
	vtex-fetch orders --created-since "$SB_SINCE" --created-until "$SB_UNTIL" >orders.ndjson 2>/dev/null
	check "seed $seed catalog" product catalog.ndjson
	check "seed $seed clients" client clients.ndjson
	check "seed $seed orders" order orders.ndjson
	t_run "seed $seed: orders of every status and affiliate prefix" \
		test "$(jq -r '.orderId | sub("[0-9].*"; "")' orders.ndjson | sort -u | wc -l)" -ge 2
	# Hook events as the sandbox sends them (routes of its hooks.c): one per order.
	jq -c '{Domain: (if .origin == "Fulfillment" then "Fulfillment" else "Marketplace" end), OrderId: .orderId,
		State: .status, LastState: "", LastChange: .lastChange, CurrentChange: .lastChange,
		Origin: {Account: "sandbox", Key: "vtexappkey-sandbox-TEST"}}' orders.ndjson >hooks.ndjson
	check "seed $seed hook events" hook hooks.ndjson
	sb_stop
done
t_done
