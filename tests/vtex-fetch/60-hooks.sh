#!/usr/bin/env bash
# orders --from-hooks: every hook event yields its order or a failure record,
# in any order (events of one order waiting together share one fetch, and a
# failure record each); pings are skipped, unusable lines rejected; output
# flows while input is still open; faults are retried.
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
	"vtex-fetch orders --from-hooks $opts --failures fail --rejects rej --metrics-file m <input >out 2>err"
t_eq "one order per event, but for events folded into a waiting fetch" "$(wc -l <events)" \
	"$(($(wc -l <out) + $(prom_value vtex_pipes_fetch_events_folded_total <m)))"
t_eq "each event's order" "$(jq -r .OrderId events | sort -u | md5sum)" "$(jq -r .orderId out | sort -u | md5sum)"
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

# Events of one order that wait together (one fetch at a time, a slow store)
# are fetched once; not across a barrier; a failed fetch gives each of its
# events a failure record.
sb_stop
sb_start --seed 4 --products 30 --clients 300 --orders 600 --latency-ms 100
a=$(sed -n 1p events) b=$(sed -n 2p events)
barrier='{"vtex_pipes_barrier":{"source":"test","run":"0123456789abcdef0123456789abcdef","seq":1,"committed":0,"commit":{}}}'
{ for _ in 1 2 3 4 5; do echo "$a"; echo "$b"; done
  for s in invoiced canceled handling; do echo "{\"OrderId\":\"9999999999999-01\",\"State\":\"$s\"}"; done
  echo "$barrier"; echo "$a"; echo "$a"; } >fold.in
t_exit "folded: exit 1 (the unknown order)" 1 bash -c \
	"vtex-fetch orders --from-hooks --concurrency 1 --failures fold.fail --metrics-file fold.m <fold.in >fold.out 2>fold.err"
folded=$(prom_value vtex_pipes_fetch_events_folded_total <fold.m)
# (The first event may be in flight before the rest is read: 10 at least.)
t_eq "events folded: 3 or 4 of a's, 4 of b's, 2 of the unknown one's, 1 after the barrier" 1 \
	"$(awk -v f="$folded" 'BEGIN { print (f >= 10) }')"
t_eq "one order out per fetch (15 events, the unknown order's fetch fails)" "$((15 - folded - 1))" \
	"$(grep -vc vtex_pipes_barrier fold.out)"
t_eq "a's order comes out after the barrier too (no folding across it)" 1 \
	"$(sed -n '/vtex_pipes_barrier/,$p' fold.out | grep -vc vtex_pipes_barrier)"
t_eq "each event of the failed fetch has its failure record" "invoiced canceled handling" \
	"$(jq -r .event.State fold.fail | tr '\n' ' ' | sed 's/ $//')"
t_done
