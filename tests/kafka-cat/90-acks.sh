#!/usr/bin/env bash
# The acknowledgement protocol (vtex-pipes(7), ACKNOWLEDGEMENTS) at both ends
# of kafka-cat, against a real broker.
# -C --ack-from, with a shell sink that writes the barrier lines back to the
# FIFO: (a) nothing is committed before an acknowledgement (kill -9 before
# any came back: every message comes again); (b) what was acknowledged is
# committed (kill -9 after: nothing comes again); (c) SIGTERM writes a last
# barrier, closes the output, waits for it and commits (exit 0), and without
# an acknowledgement exits 75 with nothing committed; (d) before a rebalance
# revokes its partitions a member commits what came back: none read twice.
# -P --ack-to: a barrier goes back only after the messages before it are in
# the topic, and is never produced (nor without --ack-to); a message too
# large (refused by the client, and by the broker) goes whole to --rejects and
# the barrier after it still goes back; the broker gone past
# message.timeout.ms: no acknowledgement, input no longer read, exit 75.
# And a mirror, -C --ack-from | -P --ack-to.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/broker.sh"
kafka_need
cd "$T_TMP"
kafka_start --set num.partitions=3
BARRIER='^{"vtex_pipes_barrier":'
records() { python3 -c "
import sys
for i in range(int(sys.argv[1]), int(sys.argv[2])): print('{\"seq\":%d,\"OrderId\":\"o%d\"}' % (i, i))" "$1" "$2"; }
records_in() { cat "$1" 2>/dev/null | grep -vc "$BARRIER"; }
records 0 300 | kafka-cat -P -t a --key-field OrderId -q

# ---- the source: kafka-cat -C --ack-from ----
# A short session, so that the group notices a killed member within seconds.
GX=(-X session.timeout.ms=6000 -X heartbeat.interval.ms=500)
# start_consumer NAME ACK ARGS...: kafka-cat -C -G g on topic a into a shell
# sink that keeps every line in NAME.out and, with ACK=1, appends each
# barrier line to the FIFO "acks" (its acknowledgement). Sets KC and SINK.
start_consumer() {
	local n=$1 ack=$2
	shift 2
	rm -f "$n.pipe"
	mkfifo "$n.pipe"
	if [ "$ack" = 1 ]; then
		(tee "$n.out" <"$n.pipe" | grep --line-buffered "$BARRIER" >>acks) &
	else
		cat <"$n.pipe" >"$n.out" &
	fi
	SINK=$!
	kafka-cat -C -G g -t a --ack-from acks --barrier-ms 200 "${GX[@]}" "$@" >"$n.pipe" 2>"$n.err" &
	KC=$!
	t_on_exit "kill -9 $KC 2>/dev/null"
}

# (a) A sink that never acknowledges; kill -9 once every message is out.
start_consumer c1 0
wait_for 60 eval '[ "$(records_in c1.out)" -ge 300 ] && grep -q "$BARRIER" c1.out'
{ kill -9 $KC; wait $KC $SINK; } 2>/dev/null
t_eq "(a) the consumer wrote every message, with barriers between them" 300 "$(records_in c1.out)"
[ -p acks ] && [ "$(stat -c %a acks)" = 600 ] && t_ok "the FIFO was created, mode 0600" ||
	t_fail "the FIFO was created, mode 0600" "$(ls -l acks)"
grep -m1 "$BARRIER" c1.out | python3 -c '
import json, sys
b = json.loads(sys.stdin.readline())["vtex_pipes_barrier"]
assert b["source"] == "kafka-cat" and len(b["run"]) == 32 and b["seq"] == 1 and b["committed"] == 0, b
offs = b["commit"]["offsets"]
assert offs and all(o["topic"] == "a" and o["offset"] > 0 for o in offs), offs
' && t_ok "a barrier line: source, run, seq, committed, the offsets it covers" ||
	t_fail "a barrier line's shape" "$(grep -m1 "$BARRIER" c1.out)"
start_consumer c2 1 -e
wait $KC
t_eq "(a) restarted with an acknowledging sink, -e: exit 0" 0 $?
wait $SINK
t_eq "(a) nothing had been committed before an acknowledgement: all 300 again" 300 "$(records_in c2.out)"

# (b) Acknowledged and committed, then kill -9: nothing comes again.
records 300 500 | kafka-cat -P -t a --key-field OrderId -q
# The sum of the offsets of the last commit (kafka-cat logs them at debug).
committed() {
	grep 'msg="offsets committed"' "$1" | tail -1 | sed 's/.*offsets="\([^"]*\)".*/\1/' | tr ' ' '\n' |
		awk -F= '{ s += $2 } END { print s + 0 }'
}
start_consumer c3 1 --log-level debug
wait_for 60 eval '[ "$(records_in c3.out)" -ge 200 ] && [ "$(committed c3.err)" -ge 500 ]'
t_eq "(b) the acknowledged offsets were committed" 500 "$(committed c3.err)"
{ kill -9 $KC; wait $KC $SINK; } 2>/dev/null
start_consumer c4 1 -e
wait $KC
t_eq "(b) restarted after kill -9: exit 0" 0 $?
wait $SINK
t_eq "(b) what was acknowledged is not read again" 0 "$(records_in c4.out)"

# (c) SIGTERM: last barrier, output closed, acknowledgement awaited, commit.
records 500 600 | kafka-cat -P -t a --key-field OrderId -q
start_consumer c5 1
wait_for 60 eval '[ "$(records_in c5.out)" -ge 100 ]'
kill -TERM $KC
wait $KC
t_eq "(c) SIGTERM: exit 0 once the last barrier is back" 0 $?
wait $SINK
grep -q 'msg="output closed, waiting for the last acknowledgements"' c5.err && t_ok "(c) output closed before the wait" ||
	t_fail "(c) output closed before the wait" "$(tail -3 c5.err)"
start_consumer c6 1 -e
wait $KC
wait $SINK
t_eq "(c) everything was committed" 0 "$(records_in c6.out)"
# A sink that never answers: exit 75 after --ack-timeout, nothing committed.
records 600 650 | kafka-cat -P -t a --key-field OrderId -q
start_consumer c7 0 --ack-timeout 2
wait_for 60 eval '[ "$(records_in c7.out)" -ge 50 ]'
kill -TERM $KC
wait $KC
t_eq "(c) SIGTERM, no acknowledgement within --ack-timeout: exit 75" 75 $?
wait $SINK
start_consumer c8 1 -e
wait $KC
wait $SINK
t_eq "(c) ... and the unacknowledged messages come again" 50 "$(records_in c8.out)"

# (d) A rebalance: a second member joins while the first holds messages no
# barrier covered yet (--barrier-ms 60000); before its partitions are revoked
# the first writes a barrier, waits for it and commits, so the second starts
# after what it wrote: no message read twice.
records 0 300 | kafka-cat -P -t d --key-field OrderId -q
member() { # NAME: a member of group gd with its own FIFO and acknowledging sink
	mkfifo "$1.pipe" "$1.acks"
	(tee "$1.out" <"$1.pipe" | grep --line-buffered "$BARRIER" >>"$1.acks") &
	kafka-cat -C -G gd -t d --ack-from "$1.acks" --barrier-ms 60000 "${GX[@]}" --log-level debug \
		>"$1.pipe" 2>"$1.err" &
	eval "PID_$1=$!"
	t_on_exit "kill -9 $! 2>/dev/null"
}
member da
wait_for 60 eval '[ "$(records_in da.out)" -ge 300 ]'
member db
wait_for 60 grep -qs "partitions assigned" db.err
records 300 600 | kafka-cat -P -t d --key-field OrderId -q
both() { cat da.out db.out | grep -v "$BARRIER" | sort -u | wc -l; }
wait_for 60 eval '[ "$(both)" -ge 600 ]'
t_eq "(d) after the rebalance every message is read" 600 "$(both)"
t_eq "(d) ... and none twice: the first member committed before it let go" 600 \
	"$(($(records_in da.out) + $(records_in db.out)))"
# Its first commit came with the revocation (no barrier was due before it).
first() { grep -n "$1" da.err | head -1 | cut -d: -f1; }
[ -n "$(first 'partitions revoked')" ] && [ "$(first 'offsets committed')" -gt "$(first 'partitions revoked')" ] &&
	t_ok "(d) the first member committed when its partitions were revoked" ||
	t_fail "(d) the first member committed when its partitions were revoked" "$(grep -e partitions -e committed da.err)"
kill -TERM "$PID_da" "$PID_db"
wait "$PID_da"
ra=$?
wait "$PID_db"
t_eq "(d) SIGTERM to both: exit 0 0" "0 0" "$ra $?"

# ---- the sink: kafka-cat -P --ack-to ----
barrier() { printf '{"vtex_pipes_barrier":{"source":"test","run":"r1","seq":%d,"committed":%d,"commit":{}}}\n' "$1" $(($1 - 1)); }
mkfifo pin
exec 7<>pin
# (7>&-: the producer must not hold the FIFO's write end itself)
kafka-cat -P -t b --key-field OrderId --ack-to b.acks --rejects b.rej <pin 2>b.err 7>&- &
P=$!
t_on_exit "kill -9 $P 2>/dev/null"
{ records 0 100; barrier 1; } >&7
wait_for 60 grep -qs "$BARRIER" b.acks
t_eq "the acknowledgement came while input is still open" "$(barrier 1)" "$(cat b.acks)"
t_eq "... after every message before it reached the topic" 100 "$(kafka-cat -C -t b -e -q | wc -l)"
{ records 100 150; barrier 2; records 150 160; } >&7
exec 7>&-
wait $P
t_eq "input ends: exit 0" 0 $?
printf '%s\n%s\n' "$(barrier 1)" "$(barrier 2)" >b.want
t_same_file "both barriers acknowledged, unchanged, in order" b.want b.acks
kafka-cat -C -t b -e -q >b.topic
t_eq "every record produced" 160 "$(wc -l <b.topic)"
t_eq "no barrier produced" 0 "$(grep -c "$BARRIER" b.topic)"
[ -e b.rej ] && [ ! -s b.rej ] && [ "$(stat -c %a b.acks)" = 600 ] && t_ok "no rejects; the acknowledgement file is 0600" ||
	t_fail "no rejects; acknowledgement file 0600" "$(ls -l b.rej b.acks)"

{ records 0 5; barrier 1; records 5 10; } | kafka-cat -P -t b2 2>b2.err
t_eq "without --ack-to: exit 0" 0 $?
t_eq "without --ack-to the barrier is dropped, not produced" "10 0" \
	"$(kafka-cat -C -t b2 -e -q >b2.topic; echo "$(wc -l <b2.topic) $(grep -c "$BARRIER" b2.topic)")"

# Too large: 3.2 MB is past the client's message.max.bytes (refused when
# queued), 2 MB past the broker's (refused in the delivery report).
python3 - <<'PY' >big.in
import json
def rec(seq, pad=0): print(json.dumps({"seq": seq, "OrderId": "o%s" % seq, "pad": "x" * pad}))
def barrier(n): print('{"vtex_pipes_barrier":{"source":"test","run":"r2","seq":%d,"committed":%d,"commit":{}}}' % (n, n - 1))
rec(1); rec("client", 3200000); rec(2); barrier(1)
rec(3); rec("broker", 2000000); rec(4); barrier(2)
PY
kafka-cat -P -t big --key-field OrderId -X message.max.bytes=3000000 --ack-to big.acks --rejects big.rej <big.in 2>big.err
t_eq "too large: exit 1 (rejected)" 1 $?
t_eq "both barriers acknowledged" 2 "$(grep -c "$BARRIER" big.acks)"
python3 - big.rej <<'PY' >big.check
import json, sys
out = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    out.append("%s %s %s %d %s" % (r["record"]["seq"], r["error"], r["key"], len(r["record"]["pad"]), r["reason"].startswith("refused by Kafka")))
print("\n".join(out))
PY
printf 'client MSG_SIZE_TOO_LARGE oclient 3200000 True\nbroker MSG_SIZE_TOO_LARGE obroker 2000000 True\n' >big.want
t_same_file "the two refused messages are in --rejects whole (key, value, error)" big.want big.check
t_eq "the others were produced" "1 2 3 4" "$(kafka-cat -C -t big -e -q | python3 -c '
import json, sys; print(" ".join(sorted(str(json.loads(l)["seq"]) for l in sys.stdin)))')"
# With -J the reject's record is the message's envelope, which -P -J takes back.
python3 -c '
import json
print(json.dumps({"key": "k1", "value": "v" * 1100000, "headers": [["h", "x"]]}))
print("{\"vtex_pipes_barrier\":{\"source\":\"test\",\"run\":\"r3\",\"seq\":1,\"committed\":0,\"commit\":{}}}")' |
	kafka-cat -P -J -t bigj --ack-to bigj.acks --rejects bigj.rej 2>bigj.err
t_eq "-J, too large: exit 1" 1 $?
t_eq "-J: the barrier acknowledged" 1 "$(grep -c "$BARRIER" bigj.acks)"
python3 -c '
import json, sys
r = json.loads(open("bigj.rej").readline())["record"]
print(r["topic"], r["key"], r["headers"], len(r["value"]))' >bigj.check
t_eq "-J: the envelope is in --rejects whole" "bigj k1 [['h', 'x']] 1100000" "$(cat bigj.check)"

# The broker gone past message.timeout.ms: no acknowledgement, exit 75, while
# the input is still open.
mkfifo pin2
exec 8<>pin2
kafka-cat -P -t gone --key-field OrderId -X message.timeout.ms=3000 --ack-to gone.acks --rejects gone.rej \
	<pin2 2>gone.err 8>&- &
P=$!
t_on_exit "kill -9 $P 2>/dev/null"
{ records 0 20; barrier 1; } >&8
wait_for 60 grep -qs "$BARRIER" gone.acks
kafka_stop
{ records 20 40; barrier 2; } >&8
wait $P
t_eq "broker gone: exit 75 with the input still open" 75 $?
exec 8>&-
t_eq "only the barrier before the outage was acknowledged" "$(barrier 1)" "$(cat gone.acks)"
grep -q 'no longer read' gone.err && t_ok "the log says input stopped" || t_fail "the log says input stopped" "$(tail -3 gone.err)"
kafka_restart

# A mirror: offsets of a committed only once the copy is delivered.
kafka-cat -C -G m -t a --ack-from macks -e 2>m1.err | kafka-cat -P -t a.copy --ack-to macks --rejects m.rej 2>m2.err
t_eq "mirror: both ends exit 0" "0 0" "${PIPESTATUS[*]}"
t_eq "mirror: every message copied" 650 "$(kafka-cat -C -t a.copy -e -q | wc -l)"
kafka-cat -C -G m -t a --ack-from macks -e 2>m3.err | kafka-cat -P -t a.copy --ack-to macks --rejects m.rej 2>m4.err
t_eq "mirror again: nothing left to copy" 650 "$(kafka-cat -C -t a.copy -e -q | wc -l)"
t_done
