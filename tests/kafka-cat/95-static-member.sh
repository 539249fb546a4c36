#!/usr/bin/env bash
# Static group membership (--instance-id): a group consumer killed outright
# (SIGKILL) and started again with the same id consumes new messages again,
# the group's session timeout left at its default (45 s). With
# KAFKA_TEST_PLAIN_MEMBER=1 a plain member does the same side by side, for
# comparison: it has to wait for the dead member's session to expire (45 s
# more, so not in every `make test`). The delays are printed as "# " lines;
# neither is a pass/fail threshold. Two processes given the same id: the
# older is fenced and exits 75.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/broker.sh"
kafka_need
cd "$T_TMP"
kafka_start --set num.partitions=4
echo "# librdkafka $(pkg-config --modversion rdkafka 2>/dev/null || echo '(pkg-config: unknown)')"
seq_line() { printf '{"seq":"%s","OrderId":"%s"}\n' "$1" "$1"; }
seq_line first | kafka-cat -P -t s --key-field OrderId -q

# start NAME ARGS...: a group consumer of topic s writing NAME.out.
start() {
	local n=$1
	shift
	kafka-cat -C -t s "$@" >>"$n.out" 2>>"$n.err" &
	eval "PID_$n=$!"
	t_on_exit "kill -9 $! 2>/dev/null"
}
plain=${KAFKA_TEST_PLAIN_MEMBER:-0}
start static -G gs --instance-id orders-process-1
if [ "$plain" = 1 ]; then start plain -G gp; else : >plain.out; PID_plain=; fi
wait_for 60 eval 'grep -q first static.out && { [ "$plain" != 1 ] || grep -q first plain.out; }'
t_eq "the member consumes" 1 "$(grep -c '"seq":"first"' static.out)"

{ kill -9 "$PID_static" $PID_plain; wait "$PID_static" $PID_plain; } 2>/dev/null
t0=$(date +%s.%N)
start static -G gs --instance-id orders-process-1
[ "$plain" = 1 ] && start plain -G gp
for i in 1 2 3 4 5 6 7 8; do seq_line "after-$i"; done | kafka-cat -P -t s --key-field OrderId -q
# Wait for each (generously: the plain member waits out the session timeout).
static_s="" plain_s=""
end=$((SECONDS + 150))
while { [ -z "$static_s" ] || { [ "$plain" = 1 ] && [ -z "$plain_s" ]; }; } && [ $SECONDS -lt $end ]; do
	now=$(date +%s.%N)
	[ -z "$static_s" ] && [ "$(grep -c after- static.out)" -ge 8 ] && static_s=$(awk "BEGIN { print $now - $t0 }")
	[ -z "$plain_s" ] && [ "$(grep -c after- plain.out)" -ge 8 ] && plain_s=$(awk "BEGIN { print $now - $t0 }")
	sleep 0.2
done
[ -n "$static_s" ] && t_ok "static member restarted with the same --instance-id consumes new messages" ||
	t_fail "static member resumes" "$(tail -5 static.err)"
if [ "$plain" = 1 ]; then
	[ -n "$plain_s" ] && t_ok "plain member restarted consumes new messages (after the session timeout)" ||
		t_fail "plain member resumes" "$(tail -5 plain.err)"
	printf '# kill -9 and restart, until every new message is consumed: plain member %.1f s (session.timeout.ms 45000)\n' "${plain_s:-0}"
	kill -TERM "$PID_plain"
	wait "$PID_plain"
fi
printf '# kill -9 and restart, until every new message is consumed: static member (--instance-id) %.1f s\n' "${static_s:-0}"
# The static member took its partitions back without the group rebalancing:
# it was assigned all four at once, as before the kill.
t_eq "static member: all four partitions back" 4 "$(grep 'partitions assigned' static.err | tail -1 | sed 's/.*count=\([0-9]*\).*/\1/')"

# A clean stop of a static member: exit 0, offsets committed.
kill -TERM "$PID_static"
wait "$PID_static"
t_eq "static member: SIGTERM exits 0" 0 $?
kafka-cat -C -G gs --instance-id orders-process-1 -t s -e >again.out 2>again.err
t_eq "static member restarted with -e: exit 0" 0 $?
t_eq "its offsets were committed: nothing read again" 0 "$(wc -l <again.out)"

# Two processes with one id: the broker fences the older, which exits 75.
start first -G gs --instance-id orders-process-1
wait_for 60 grep -q "partitions assigned" first.err
start second -G gs --instance-id orders-process-1
wait "$PID_first"
t_eq "the same --instance-id twice: the older member is fenced, exit 75" 75 $?
grep -q 'msg="fatal consumer error".*fenced' first.err && t_ok "the log says it was fenced" ||
	t_fail "the log says it was fenced" "$(tail -2 first.err)"
kill -TERM "$PID_second"
wait "$PID_second"
t_done
