#!/usr/bin/env bash
# orders --from-hooks between a source and its sink (vtex-pipes(7),
# ACKNOWLEDGEMENTS): a barrier line is passed on unchanged and in order, only
# once every event before it has its order (or failure record, or reject) out,
# and no order of an event after it comes out before it (though it is fetched
# meanwhile, and held); a barrier is never
# counted, fetched or rejected. Against a sandbox with latency and faults, so
# fetches finish out of order; then streaming, where the side files hold the
# failures of a stretch when its barrier appears, even after a kill -9.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox.sh"
cd "$T_TMP"
sb_start --seed 6 --products 20 --clients 200 --orders 400 --latency-ms 5 \
	--fault-rate 0.3 --faults 5xx,reset,truncate,slow --slow-ms 300 --fault-seed 9
opts="--concurrency 8 --retries 12 --backoff-base 0.01 --backoff-max 0.2 --timeout 0.2"
vtex-fetch orders --created-since "$SB_SINCE" --created-until "$SB_UNTIL" $opts >all.ndjson 2>/dev/null
jq -c '{Domain:"Marketplace", OrderId:.orderId, State:.status, LastState:"handling",
	LastChange:.lastChange, CurrentChange:.lastChange, Origin:{Account:"sandbox", Key:"k"}}' all.ndjson >events
t_eq "events for the test" "$(jq .orders "$SB_TRUTH")" "$(wc -l <events)"

barrier() { # SEQ
	printf '{"vtex_pipes_barrier":{"source":"test","run":"0123456789abcdef0123456789abcdef","seq":%d,"committed":%d,"commit":{"n":%d}}}\n' \
		"$1" "$(($1 - 1))" "$1"
}
# Stretches of several sizes (0: two barriers in a row), each followed by a
# barrier; a ping, a bad line and an unknown order in some of them.
{
	n=0 seq=0
	for size in 1 7 0 40 3 0 0 120 15 60 1 90 63; do
		[ "$size" -gt 0 ] && sed -n "$((n + 1)),$((n + size))p" events
		n=$((n + size))
		case $seq in
		2) echo '{"hookConfig":"ping"}' ;;
		4) echo 'not json' ;;
		6) echo '{"OrderId":"9999999999999-01","State":"invoiced"}' ;;
		esac
		seq=$((seq + 1))
		barrier "$seq"
	done
	sed -n "$((n + 1)),\$p" events
} >input
t_exit "exit 1 (a reject and an unknown order)" 1 bash -c \
	"vtex-fetch orders --from-hooks $opts --failures fail --rejects rej --metrics-file m <input >out 2>err"

t_eq "every barrier comes out, unchanged and in order" "$(grep '^{"vtex_pipes_barrier":' input)" \
	"$(grep '^{"vtex_pipes_barrier":' out)"
# Each order under the number of barriers before its event, and before it in
# the output: the same pairs mean every order came out after the barriers
# before its event and before the barriers after it.
stretches() { awk '/^\{"vtex_pipes_barrier":/ { s++; next } { print s + 0, $0 }'; }
stretches <input | grep -v -e 9999999999999 -e hookConfig -e 'not json' |
	sed -E 's/^([0-9]+) .*"OrderId":"([^"]*)".*/\1 \2/' | sort >want.pairs
stretches <out | sed -E 's/^([0-9]+) .*"orderId":"([^"]*)".*/\1 \2/' | sort >got.pairs
t_same_file "each order comes out between the barriers its event was between" want.pairs got.pairs
t_eq "one order per event (barriers not counted)" "$(wc -l <events)" \
	"$(prom_value 'vtex_pipes_records_total{outcome="out"}' <m)"
t_eq "the unknown order is the only failure" '9999999999999-01' "$(jq -r .orderId fail)"
t_eq "the bad line is the only reject (no barrier rejected)" 'not json' "$(jq -r .raw rej)"
grep -q 'skipped a hook ping' err && t_ok "the ping is skipped" || t_fail "the ping is skipped"
t_eq "the faults were met (fetches retried, finishing out of order)" 1 \
	"$(awk '/^vtex_pipes_http_retries_total/ { print ($2 > 10) }' m)"
t_eq "orders after a waiting barrier were fetched meanwhile (held, not waited for)" 1 \
	"$(awk '/^vtex_pipes_fetch_orders_held_total/ { print ($2 > 0) }' m)"

# Streaming: a stretch with an unknown order and a bad line, then a barrier,
# while the input stays open. When the barrier is out, its failure record and
# reject are in their files already; a kill -9 then loses none of it.
mkfifo in.fifo
vtex-fetch orders --from-hooks $opts --failures sfail --rejects srej <in.fifo >sout 2>serr &
fetch=$!
exec 3>in.fifo
{ head -30 events; echo '{"OrderId":"9999999999999-01","State":"invoiced"}'; echo '[1]'; barrier 1; } >&3
for _ in $(seq 400); do grep -q '^{"vtex_pipes_barrier":' sout && break; sleep 0.05; done
t_eq "streaming: the barrier is passed on while the input is open" "$(barrier 1)" \
	"$(grep '^{"vtex_pipes_barrier":' sout)"
t_eq "... after the 30 orders before it" 30 "$(grep -c orderId sout)"
t_eq "... with the failure record on file" '9999999999999-01' "$(jq -r .orderId sfail)"
t_eq "... and the reject" '[1]' "$(jq -r .raw srej)"
sed -n 31,40p events >&3
kill -9 "$fetch"
wait "$fetch" 2>/dev/null
exec 3>&-
t_eq "after kill -9: the orders before the barrier, then the barrier, still there" \
	"$(head -30 events | jq -r .OrderId | sort) $(barrier 1)" \
	"$(head -30 sout | jq -r .orderId | sort) $(sed -n 31p sout)"
t_done
