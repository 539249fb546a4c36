#!/usr/bin/env bash
# vtex-webhook when its output stalls or goes away: 503 within the write
# deadline (always under VTEX's 5 s), nothing acknowledged that was not
# written, nothing written for a request answered 503 before it started.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/webhook_lib.sh"

post_many() { # URL FROM TO: one status per line, "N STATUS"
	seq "$2" "$3" | xargs -P 8 -I{} bash -c '. "$0"; echo "{} $(wh_post "$1" "$(wh_event {})")"' \
		"$(dirname "$0")/webhook_lib.sh" "$1"
}

# --- Stalled reader: a FIFO whose reader we stop with SIGSTOP.
mkfifo "$T_TMP/pipe"
cat "$T_TMP/pipe" >"$T_TMP/got" &
reader=$!
t_on_exit "kill -CONT $reader 2>/dev/null; kill $reader 2>/dev/null"
WH_STDOUT=$T_TMP/pipe wh_start a --write-deadline-ms 700 --max-body 256K || { t_fail "webhook starts"; t_done; }
t_eq "a request goes through while the reader reads" 200 "$(wh_post "$WH_URL" "$(wh_event 1)")"
kill -STOP "$reader"
# Fill the pipe: 100 events of ~20 KB (more than a pipe holds).
pad=$(head -c 20000 /dev/zero | tr '\0' p)
fat() { printf '{"OrderId":"v%07d-01","State":"invoiced","LastChange":"2026-01-15T17:11:39Z","Pad":"%s"}' "$1" "$pad"; }
: >"$T_TMP/stall.codes"
for i in $(seq 2 40); do
	echo "$i $(wh_post "$WH_URL" "$(fat "$i")")" >>"$T_TMP/stall.codes"
done
t_run "while the reader is stopped, requests get 503" grep -q ' 503$' "$T_TMP/stall.codes"
t0=$(date +%s.%N)
code=$(wh_post "$WH_URL" "$(wh_event 41)")
t1=$(date +%s.%N)
t_eq "a small event during the stall: 503" 503 "$code"
t_eq "answered within VTEX's 5 s" true "$(echo "$t1 - $t0 < 5" | bc | sed 's/1/true/;s/0/false/')"
echo "# 503 after $(echo "$t1 - $t0" | bc) s with --write-deadline-ms 700"
t_eq "/healthz stays 200 (the output is slow, not closed)" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$WH_URL/healthz")"
kill -CONT "$reader"
sleep 0.5
t_eq "once the reader reads again: 200" 200 "$(wh_post "$WH_URL" "$(wh_event 42)")"
kill -TERM "$(wh_pid a)"
wh_wait a
t_eq "SIGTERM after a stall: exit 0" 0 "$WH_RC"
wait "$reader"
ids() { grep -o '"OrderId":"[^"]*"' "$1" | sort; }
acked=$( (echo "1 200"; cat "$T_TMP/stall.codes"; echo "42 200") | awk '$2 == 200 { printf "\"OrderId\":\"v%07d-01\"\n", $1 }' | sort)
t_eq "every event answered 200 is in the output" "" "$(comm -23 <(echo "$acked") <(ids "$T_TMP/got" | sort -u))"
t_eq "every line is whole JSON" "$(wc -l <"$T_TMP/got")" "$(jq -c . "$T_TMP/got" 2>/dev/null | wc -l)"
refused=$(awk '$2 == 503' "$T_TMP/stall.codes" | wc -l)
written_503=$(comm -12 <(awk '$2 == 503 { printf "\"OrderId\":\"v%07d-01\"\n", $1 }' "$T_TMP/stall.codes" | sort) <(ids "$T_TMP/got" | sort -u) | wc -l)
t_eq "of $refused events answered 503, at most one (cut mid-write) went out" true "$([ "$written_503" -le 1 ] && echo true || echo false)"
t_eq "the small event answered 503 was not written" 0 "$(grep -c 'v0000041-01' "$T_TMP/got")"

# --- Closed reader: it exits after two lines.
rm -f "$T_TMP/pipe2"; mkfifo "$T_TMP/pipe2"
head -n 2 "$T_TMP/pipe2" >"$T_TMP/got2" &
WH_STDOUT=$T_TMP/pipe2 wh_start b || { t_fail "webhook starts"; t_done; }
t_eq "first event: 200" 200 "$(wh_post "$WH_URL" "$(wh_event 1)")"
t_eq "second event: 200" 200 "$(wh_post "$WH_URL" "$(wh_event 2)")"
sleep 0.3
codes=$(for i in 3 4 5; do wh_post "$WH_URL" "$(wh_event "$i")"; echo; done | sort -u | tr '\n' ' ')
t_eq "after the reader exits: 503 (or refused once it stopped)" true \
	"$([[ $codes =~ ^((503|000)\ )+$ ]] && echo true || echo "false: $codes")"
wh_wait b
t_eq "the closed output ends it with 74" 74 "$WH_RC"
t_run "it says the output closed" grep -q 'output closed' "$T_TMP/b.log"
t_eq "the reader got the two acknowledged events" 2 "$(wc -l <"$T_TMP/got2")"
t_done
