#!/usr/bin/env bash
# vtex-webhook's durable defaults and its answers when the disk or the client
# misbehaves: the spool is on without being asked for (in $XDG_STATE_HOME
# here), one process per spool; a partial last line left in the output by a
# crash is ended on start; a write that fails on a full disk (a small tmpfs)
# answers 503 and leaves no half line; a client trickling its request in is
# cut off at --request-deadline, however steadily it sends.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/webhook_lib.sh"
cd "$T_TMP"

# The spool by default.
vtex-webhook --listen 127.0.0.1:0 --ready-file d.url --output d.out 2>d.log </dev/null &
dpid=$!
t_on_exit "kill $dpid 2>/dev/null"
for _ in $(seq 100); do [ -s d.url ] && break; sleep 0.05; done
t_eq "without --spool: 200" 200 "$(wh_post "$(cat d.url)" "$(wh_event 1)")"
spool=$XDG_STATE_HOME/vtex-pipes/webhook-spool
t_run "... journalled in the default spool directory" bash -c "ls $spool/journal.*.ndjson >/dev/null"
t_eq "... made mode 0700" 700 "$(stat -c %a "$spool")"
t_exit "a second vtex-webhook on the same spool: refused (78)" 78 \
	vtex-webhook --listen 127.0.0.1:0 --output d2.out 2>d2.log </dev/null
t_run "... saying the spool is in use" grep -q 'in use by another vtex-webhook' d2.log
kill "$dpid"; wait "$dpid" 2>/dev/null
t_eq "... and forwarded to the output" 1 "$(grep -c '"OrderId":"v0000001-01"' d.out)"

# A partial last line (a crash mid-write) is ended on start.
printf '{"OrderId":"v0000009-01","State":"inv' > p.out
wh_start p --output p.out || { t_fail "webhook starts"; t_done; }
t_eq "after a partial last line: 200" 200 "$(wh_post "$WH_URL" "$(wh_event 2)")"
t_eq "the piece stays a line of its own, the event the next line" \
	'{"OrderId":"v0000009-01","State":"inv|v0000002-01' "$(sed -n 1p p.out)|$(sed -n 2p p.out | jq -r .OrderId)"
t_run "... with a warning" grep -q 'ended a partial last line' "$T_TMP/p.log"

# A full disk, without the spool: 503, no half line, exit 74.
mkdir mnt
if mount -t tmpfs -o size=64k tmpfs mnt 2>/dev/null; then
	t_on_exit "umount $T_TMP/mnt"
	wh_start full --output mnt/out || { t_fail "webhook starts"; t_done; }
	head -c 60000 /dev/zero > mnt/filler 2>/dev/null
	codes=() i=0
	while [ $i -lt 200 ]; do
		i=$((i + 1))
		c=$(wh_post "$WH_URL" "$(wh_event $i)")
		codes+=("$c")
		[ "$c" = 200 ] || break
	done
	t_eq "disk full: the event that does not fit is answered 503" 503 "${codes[-1]}"
	wh_wait full
	t_eq "... and vtex-webhook stops with 74" 74 "$WH_RC"
	t_eq "every line in the output is whole JSON (no half line)" "" \
		"$(jq -c . mnt/out 2>&1 >/dev/null | head -1)"
	t_eq "... one per event answered 200" "$((${#codes[@]} - 1))" "$(wc -l < mnt/out)"
	t_eq "... and the file ends with a newline" "" "$(tail -c1 mnt/out | tr -d '\n')"
	t_run "... it says it cut the half line" grep -q 'half-written line was cut' "$T_TMP/full.log"
else
	t_skip "disk full (tmpfs)" "cannot mount a tmpfs here"
fi

# A request trickled in (a header line every 0.5 s) is cut off at the deadline.
wh_start slow --output slow.out --request-deadline 5 --timeout 10 || { t_fail "webhook starts"; t_done; }
port=${WH_URL##*:}
python3 - "$port" > slow.result <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"POST /hook HTTP/1.1\r\nHost: x\r\n")
sent = 0
try:
    for i in range(60):  # 30 s of headers, one every 0.5 s: never idle for --timeout
        time.sleep(0.5)
        s.sendall(b"X-Slow-%d: y\r\n" % i)
        sent += 1
    print("held", sent)
except OSError:
    print("closed", sent)
PY
read -r what sent < slow.result
t_eq "a trickling client is closed before it is done" closed "$what"
[ "${sent:-99}" -lt 59 ] && t_ok "... after $sent header lines" || t_fail "closed early" "sent $sent"
t_eq "... counted" 1 "$(wh_metric "$WH_URL" vtex_pipes_webhook_deadline_closed_total)"
t_eq "a normal request still answered 200" 200 "$(wh_post "$WH_URL" "$(wh_event 3)")"
t_done
