#!/usr/bin/env bash
# orders --from-hooks: every hook event yields its order or a failure record,
# in any order; pings are skipped, unusable lines rejected; output flows while
# input is still open; faults are retried.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox.sh"
cd "$T_TMP"
sb_start --seed 4 --products 30 --clients 300 --orders 600 --fault-rate 0.3 --faults 5xx,reset,truncate --fault-seed 1
opts="--retries 12 --backoff-base 0.01 --backoff-max 0.2"

vtex-fetch orders --created-since "$SB_SINCE" --created-until "$SB_UNTIL" $opts >all.ndjson 2>/dev/null
# Events as vtex-webhook writes them, some orders twice, plus a ping, a bad
# line and an order that does not exist.
jq -c '{Domain:"Marketplace", OrderId:.orderId, State:.status, LastState:"handling",
	LastChange:.lastChange, CurrentChange:.lastChange, Origin:{Account:"sandbox", Key:"k"}}' all.ndjson >events
head -40 events >>events
{ cat events; echo '{"hookConfig":"ping"}'; echo 'not json'; echo '{"Domain":"Fulfillment"}'
  echo '{"OrderId":"9999999999999-01","State":"invoiced"}'; } >input
t_exit "from-hooks: exit 1 (a reject and an unknown order)" 1 bash -c \
	"vtex-fetch orders --from-hooks $opts --failures fail --rejects rej <input >out 2>err"
t_eq "one order per event" "$(wc -l <events)" "$(wc -l <out)"
t_eq "each event's order" "$(jq -r .OrderId events | sort | md5sum)" "$(jq -r .orderId out | sort | md5sum)"
t_eq "the unknown order is a failure record with its event" '9999999999999-01 404 false' \
	"$(jq -r '"\(.event.OrderId) \(.status) \(.retryable)"' fail)"
t_eq "the bad lines are rejected" "2" "$(wc -l <rej)"
grep -q 'skipped a hook ping' err && t_ok "the ping is skipped and logged" || t_fail "the ping is skipped and logged"

# Streaming: the first orders come out while the input is still open.
mkfifo in.fifo
vtex-fetch orders --from-hooks $opts <in.fifo >stream 2>/dev/null &
fetch=$!
exec 3>in.fifo
head -5 events >&3
for _ in $(seq 200); do [ "$(wc -l <stream)" -ge 5 ] && break; sleep 0.05; done
t_eq "orders come out before the input ends" 5 "$(wc -l <stream)"
sed -n 6,10p events >&3
exec 3>&-
wait "$fetch"
t_eq "then the rest, at the end of input" 10 "$(wc -l <stream)"
t_done
