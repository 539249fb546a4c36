#!/usr/bin/env bash
# Two kafka-cat consumers in one group share a six-partition topic: each gets
# partitions, every message is consumed; then one is killed (SIGKILL) and the
# other takes its partitions over: nothing lost. SIGTERM stops the survivor
# cleanly (exit 0). The committed offsets then cover everything: a third
# member of the group finds nothing left. A member started before its topic
# existed reads it once it appears.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/broker.sh"
kafka_need
cd "$T_TMP"
kafka_start --set num.partitions=6
# A short session so the group notices a killed member within seconds.
GX=(-X session.timeout.ms=6000 -X heartbeat.interval.ms=500 --commit-interval-ms 200)

seq_lines() { python3 -c "
import sys
for i in range($1, $2): print('{\"OrderId\":\"o%d\",\"seq\":%d}' % (i % 997, i))"; }
seq_lines 0 1 | kafka-cat -P -t orders --key-field OrderId -q # creates the topic

kafka-cat -C -G g1 -t orders "${GX[@]}" >a.out 2>a.err &
A=$!
kafka-cat -C -G g1 -t orders "${GX[@]}" >b.out 2>b.err &
Bp=$!
t_on_exit "kill -9 $A $Bp 2>/dev/null"
# Both members assigned before the data goes in.
wait_for 30 eval 'grep -q "partitions assigned" a.err && grep -q "partitions assigned" b.err && [ $(grep -c "partitions assigned" a.err) -ge 1 ]'
sleep 2
seq_lines 1 12001 | kafka-cat -P -t orders --key-field OrderId -q
count() { cat a.out b.out | sort -u | wc -l; }
wait_for 60 eval '[ $(count) -ge 12001 ]'
t_eq "two members: every message consumed" 12001 "$(count)"
na=$(wc -l <a.out) nb=$(wc -l <b.out)
[ "$na" -gt 0 ] && [ "$nb" -gt 0 ] && t_ok "both members got messages ($na + $nb)" || t_fail "both members got messages" "$na + $nb"
t_eq "no message twice while both run" 12001 "$((na + nb))"
pa=$(grep -o '"seq":[0-9]*' a.out | head -1)
# Each member's partitions: the assignment lines in its log.
assigned() { grep "partitions assigned" "$1" | tail -1 | sed 's/.*count=\([0-9]*\).*/\1/'; }
t_eq "the six partitions split 3 + 3" "3 3" "$(assigned a.err) $(assigned b.err)"

# Kill A outright; B takes its partitions over and gets everything new.
kill -9 $A
wait $A 2>/dev/null
seq_lines 12001 24001 | kafka-cat -P -t orders --key-field OrderId -q
wait_for 90 eval '[ $(count) -ge 24001 ]'
t_eq "after A was killed: every message consumed" 24001 "$(count)"
wait_for 10 eval '[ "$(assigned b.err)" = 6 ]'
t_eq "B took over all six partitions" 6 "$(assigned b.err)"
dups=$(( $(cat a.out b.out | wc -l) - 24001 ))
echo "# duplicates after the kill (re-read past A's last commit): $dups"

kill -TERM $Bp
wait $Bp
t_eq "SIGTERM: the survivor exits 0" 0 $?
# Everything was committed: a new member of g1 reads nothing.
kafka-cat -C -G g1 -t orders -e "${GX[@]}" >c.out 2>c.err
t_eq "a later member of the group exits 0 at the end" 0 $?
t_eq "nothing left uncommitted" 0 "$(wc -l <c.out)"

# A member subscribed before its topic exists (the flow's consumer started
# before its producer) reads it once it appears, from the beginning.
kafka-cat -C -G g2 -t later "${GX[@]}" >d.out 2>d.err &
D=$!
t_on_exit "kill -9 $D 2>/dev/null"
sleep 2
seq_lines 0 10 | kafka-cat -P -t later --key-field OrderId -q
wait_for 40 eval '[ $(wc -l <d.out) -ge 10 ]'
t_eq "a member started before its topic existed reads all of it" 10 "$(wc -l <d.out)"
kill -TERM $D
t_done
