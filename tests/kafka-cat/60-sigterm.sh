#!/usr/bin/env bash
# SIGTERM to a producer whose input is still open: it stops reading, delivers
# what it has read, waits for every delivery report and exits 0; the log, the
# metrics file and the topic agree on the count. A line cut short by the
# signal is rejected, not produced half. SIGTERM to a consumer: flush, commit,
# exit 0. And scripts/kafka/start|stop on a running / stopped broker.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/broker.sh"
kafka_need
cd "$T_TMP"
kafka_start
again=$("$VP_ROOT/scripts/kafka/start" --dir "$KAFKA_TEST_DIR")
t_eq "start on a running broker prints its address again" "$KAFKA_BROKERS" "$again"

# An input that never ends: 500 lines every 0.1 s.
python3 -c '
import sys, time
i = 0
while True:
    for _ in range(500):
        sys.stdout.write("{\"seq\":%d}\n" % i); i += 1
    sys.stdout.flush(); time.sleep(0.1)' 2>/dev/null | kafka-cat -P -t open --metrics-file m.prom 2>p.err &
P=$!
sleep 3
kill -TERM $P
wait $P
t_eq "SIGTERM with input open: exit 0" 0 $?
delivered=$(sed -n 's/.*msg=done .*delivered=\([0-9]*\) undelivered=0.*/\1/p' p.err)
[ -n "$delivered" ] && [ "$delivered" -gt 0 ] && t_ok "log: delivered=$delivered undelivered=0" || t_fail "log counts" "$(tail -2 p.err)"
[ "$(prom_value 'vtex_pipes_kafka_messages_total{mode="produce",outcome="delivered"}' <m.prom)" = "$delivered" ] &&
	t_ok "metrics file agrees" || t_fail "metrics file agrees" "$(grep kafka_cat m.prom)"
t_eq "the topic holds every delivered message" "$delivered" "$(kafka-cat -C -t open -e -q | wc -l)"

# The signal arrives while a line is half written.
mkfifo half
( printf '{"seq":1}\n{"seq":2}\n{"seq":3,"cut'; exec sleep 30 ) >half &
W=$!
t_on_exit "kill $W 2>/dev/null"
kafka-cat -P -t cut --rejects rej.ndjson <half 2>cut.err &
P=$!
sleep 2
kill -TERM $P
wait $P
t_eq "a line cut short by SIGTERM: exit 1 (rejected)" 1 $?
grep -q '"reason":"line cut short by the stop signal"' rej.ndjson && t_ok "the piece is in the rejects file" ||
	t_fail "the piece is in the rejects file" "$(cat rej.ndjson)"
kafka-cat -C -t cut -e -q >cut.out
printf '{"seq":1}\n{"seq":2}\n' >cut.want
t_same_file "the whole lines went out" cut.want cut.out
kill $W 2>/dev/null

# A group consumer stops on SIGTERM, its offsets committed.
kafka-cat -C -G gs -t open --metrics-file c.prom >c.out 2>c.err &
C=$!
wait_for 30 eval '[ $(wc -l <c.out) -ge "$delivered" ]'
kill -TERM $C
wait $C
t_eq "consumer SIGTERM: exit 0" 0 $?
t_eq "consumer wrote every message" "$delivered" "$(wc -l <c.out)"
[ "$(prom_value 'vtex_pipes_kafka_messages_total{mode="consume",outcome="consumed"}' <c.prom)" = "$delivered" ] &&
	t_ok "consumer metrics file" || t_fail "consumer metrics file" "$(grep kafka_cat c.prom)"
kafka-cat -C -G gs -t open -e -q >c2.out
t_eq "its offsets were committed: nothing to read again" 0 "$(wc -l <c2.out)"

kafka_stop
t_eq "stop exits 0" 0 $?
kafka_stop
t_eq "stop on a stopped broker exits 0" 0 $?
t_done
