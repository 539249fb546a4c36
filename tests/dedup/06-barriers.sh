#!/usr/bin/env bash
# Barriers (vtex-pipes(7), ACKNOWLEDGEMENTS). A line starting with
# {"vtex_pipes_barrier": is no record: it passes byte for byte and in order,
# never keyed, rejected or counted, in every input file, flushed at once in a
# pipe with the rejects before it already written. --latest-only emits the
# latest record of each key per stretch between barriers. --state journals
# the keys of the records before a barrier only once a later barrier of the
# same run says it was acknowledged: the scripted replay (run 1: A B, barrier
# 1, C D, barrier 2 acknowledging 1, E; then kill -9 or the end of input; run
# 2 replays) must pass C D E again and drop A B.
. "$(dirname "$0")/../lib.sh"
command -v jq >/dev/null || { echo "needs jq"; exit 77; }
cd "$T_TMP"
# bar RUN SEQ COMMITTED: a barrier line as a source writes it.
bar() { printf '{"vtex_pipes_barrier":{"source":"test","run":"%s","seq":%s,"committed":%s,"commit":{}}}' "$1" "$2" "$3"; }
# keys FILE: the "k" of each record line, barriers as "|".
keys() { jq -Rr 'if startswith("{\"vtex_pipes_barrier\":") then "|" else (fromjson | .k | tostring) end' "$1" | xargs; }
# journal_entries STATE: keep-first entries in STATE.journal (38-byte header, 20 bytes each).
journal_entries() { echo $((($(stat -c %s "$1.journal") - 38) / 20)); }

# Streaming: barriers out unchanged and in order, records around them de-duplicated
# across them; not counted, not rejected.
b1=$(bar r1 1 0) b2=$(bar r1 2 1)
printf '%s\n' '{"k":1}' '{"k":1}' "$b1" '{"x":1}' '{"k":1}' '{"k":2}' 'not json' "$b2" '{"k":2}' '{"k":3}' >in
dedup --key k --rejects rej --metrics-file m.prom in >out 2>err
t_eq "records rejected: exit 1" 1 $?
printf '%s\n' '{"k":1}' "$b1" '{"k":2}' "$b2" '{"k":3}' >want
t_same_file "barriers pass byte for byte and in order; keys de-duplicated across them" want out
t_eq "only records are rejected" '[4,7]' "$(jq -sc 'map(.line)' rej)"
t_eq "barriers are not counted: in, out, duplicate, rejected" "8 3 3 2" \
	"$(for o in in out duplicate rejected; do prom_value "vtex_pipes_records_total{outcome=\"$o\"}" <m.prom; done | xargs)"
printf '%s\n' '{"k":1}' "$b1" >f1
printf '%s\n' "$b2" '{"k":1}' '{"k":2}' "$(bar r1 3 2)" >f2
dedup --key k f1 f2 >out 2>err
t_eq "barriers in every input file, in order" "1 | | 2 |" "$(keys out)"
# A malformed barrier is a barrier all the same: the prefix decides.
printf '%s\n' '{"k":1}' '{"vtex_pipes_barrier":{"seq":"x"' '{ "vtex_pipes_barrier":1,"k":2}' >in
dedup --key k in >out 2>err
t_eq "a malformed barrier passes; a space after the brace makes a record" "1 | 2" "$(keys out)"

# In a pipe: a barrier goes out at once, after the records before it, with the
# rejects before it in the rejects file; after kill -9 they are still there.
mkfifo fifo
dedup --key k --rejects prej <fifo >pout 2>perr &
pid=$!
t_on_exit "kill -9 $pid 2>/dev/null"
exec 3>fifo
printf '%s\n' '{"k":1}' '{"nokey":1}' '{"k":2}' "$b1" >&3
for _ in $(seq 400); do grep -q vtex_pipes_barrier pout && break; sleep 0.05; done
t_eq "in a pipe: the barrier out after the records before it" "1 2 |" "$(keys pout)"
t_eq "... the rejects before it already written" '{"nokey":1}' "$(jq -c .record prej)"
kill -9 $pid
wait $pid 2>/dev/null
exec 3>&-
t_eq "after kill -9: the rejects before the barrier kept" '{"nokey":1}' "$(jq -c .record prej)"

# --latest-only: no record held back past a barrier; the latest of each key
# per stretch between barriers.
printf '%s\n' '{"k":1,"v":1}' '{"k":2,"v":5}' '{"k":1,"v":2}' "$b1" '{"k":2,"v":4}' '{"k":1,"v":3}' '{"k":2,"v":1}' \
	"$b2" >in
dedup --key k --newest-by v --latest-only in >out 2>err
t_eq "--latest-only: the latest of each key per stretch, barriers in place" \
	'[1,2] [2,5] | [2,4] [1,3] |' \
	"$(jq -Rr 'if startswith("{\"vtex_pipes_barrier\":") then "|" else (fromjson | [.k,.v] | tojson) end' out | xargs)"
dedup --key k --latest-only in >out 2>err
t_eq "--latest-only without versions: the last of each key per stretch" \
	'[1,2] [2,5] | [2,1] [1,3] |' \
	"$(jq -Rr 'if startswith("{\"vtex_pipes_barrier\":") then "|" else (fromjson | [.k,.v] | tojson) end' out | xargs)"
dedup --key k --newest-by v --latest-only --state ls in >out 2>err
t_eq "--latest-only --state: a stretch's records no newer than what went out are dropped" \
	'[1,2] [2,5] | [1,3] |' \
	"$(jq -Rr 'if startswith("{\"vtex_pipes_barrier\":") then "|" else (fromjson | [.k,.v] | tojson) end' out | xargs)"
# With a pipe: the records of a stretch go out with its barrier, not at the end.
mkfifo lfifo
dedup --key k --latest-only <lfifo >lout 2>lerr &
pid=$!
t_on_exit "kill -9 $pid 2>/dev/null"
exec 3>lfifo
printf '%s\n' '{"k":1,"v":1}' '{"k":1,"v":2}' "$b1" '{"k":2}' >&3
for _ in $(seq 400); do grep -q vtex_pipes_barrier lout && break; sleep 0.05; done
t_eq "--latest-only in a pipe: the stretch's latest records out with its barrier" '1 |' "$(keys lout)"
exec 3>&-
wait $pid
t_eq "... and the rest at the end of input" '1 | 2' "$(keys lout)"

# --state, the scripted replay, run 1 ending with its input.
printf '%s\n' A B "$b1" C D "$b2" E | sed 's/^\([A-E]\)$/{"k":"\1"}/' >run1
printf '%s\n' A B C D E | sed 's/^\([A-E]\)$/{"k":"\1"}/' >replay
printf '%s\n' "$(bar r2 1 0)" >>replay
dedup --key k --state s1 run1 >out 2>err
t_same_file "--state, run 1: every line out" run1 out
dedup --key k --state s1 replay >out 2>err
t_eq "run 2 (another run): A B dropped, C D E (not acknowledged) pass again" "C D E |" "$(keys out)"

# The same with kill -9 while run 1 is in a pipe: the journal holds A B once
# barrier 2 is out (synced before it is passed on), and nothing more.
mkfifo sfifo
dedup --key k --state s2 <sfifo >sout 2>serr &
pid=$!
t_on_exit "kill -9 $pid 2>/dev/null"
exec 3>sfifo
printf '%s\n' A B "$b1" C D | sed 's/^\([A-E]\)$/{"k":"\1"}/' >&3
for _ in $(seq 400); do [ "$(keys sout)" = "A B | C D" ] && break; sleep 0.05; done
t_eq "kill -9 run: A B, barrier 1, C D out" "A B | C D" "$(keys sout)"
t_eq "... nothing journalled before an acknowledgement" 0 "$(journal_entries s2)"
printf '%s\n' "$b2" '{"k":"E"}' >&3
for _ in $(seq 400); do [ "$(keys sout)" = "A B | C D | E" ] && break; sleep 0.05; done
t_eq "... barrier 2, E out" "A B | C D | E" "$(keys sout)"
t_eq "... barrier 2 acknowledged barrier 1: A B journalled, C D E not" 2 "$(journal_entries s2)"
kill -9 $pid
wait $pid 2>/dev/null
exec 3>&-
dedup --key k --state s2 replay >out 2>err
t_eq "after kill -9, run 2: A B dropped, C D E pass again" "C D E |" "$(keys out)"
dedup --key k --state s2 replay >out 2>err
t_eq "run 3: C D E still not acknowledged (no later barrier of run 2): pass again" "C D E |" "$(keys out)"
printf '%s\n' C "$(bar r3 1 0)" F "$(bar r3 2 1)" | sed 's/^\([A-F]\)$/{"k":"\1"}/' >run4
dedup --key k --state s2 run4 >/dev/null 2>err
dedup --key k --state s2 replay >out 2>err
t_eq "once acknowledged by a later barrier of its run, C is journalled" "D E |" "$(keys out)"

# With versions: an acknowledged version is remembered, a later one not yet.
printf '%s\n' '{"k":"a","v":1}' "$b1" '{"k":"a","v":2}' "$b2" '{"k":"a","v":3}' >vrun1
dedup --key k --newest-by v --state s3 vrun1 >/dev/null 2>err
printf '%s\n' '{"k":"a","v":2}' '{"k":"a","v":3}' >vreplay
dedup --key k --newest-by v --state s3 vreplay >out 2>err
t_eq "versions: the versions not acknowledged pass again" '2 3' "$(jq -r .v out | xargs)"

# A barrier of another run: the stretches held for the first run are dropped
# (their acknowledgement can no longer be read), the records before the new
# run's first barrier wait for its acknowledgement.
printf '%s\n' A "$b1" B "$(bar r2 1 0)" C "$(bar r2 2 1)" | sed 's/^\([A-F]\)$/{"k":"\1"}/' >mixed
dedup --key k --state s4 mixed >/dev/null 2>err
grep -q 'barrier of another run' err && t_ok "another run: said so" || t_fail "another run message" "$(cat err)"
printf '%s\n' A B C | sed 's/^\([A-F]\)$/{"k":"\1"}/' >abc
dedup --key k --state s4 abc >out 2>err
t_eq "another run: A dropped, not journalled; B acknowledged by the new run; C not yet" "A C" "$(keys out)"

# Records before the first barrier: journalled at once (as without barriers,
# with a warning at the first barrier) unless --state-on-ack holds them too.
printf '%s\n' A B | sed 's/^\([A-F]\)$/{"k":"\1"}/' >ab
for mode in plain on-ack; do
	opt=() && [ $mode = on-ack ] && opt=(--state-on-ack)
	rm -f s5 s5.journal
	mkfifo f5
	dedup --key k --state s5 "${opt[@]}" <f5 >o5 2>e5 &
	pid=$!
	t_on_exit "kill -9 $pid 2>/dev/null"
	exec 3>f5
	cat ab >&3
	for _ in $(seq 400); do [ "$(keys o5)" = "A B" ] && break; sleep 0.05; done
	# The journal is written right after the output is flushed.
	want=2 && [ $mode = on-ack ] && want=0
	for _ in $(seq 400); do [ "$(journal_entries s5)" -ge "$want" ] && break; sleep 0.05; done
	kill -9 $pid
	wait $pid 2>/dev/null
	exec 3>&-
	rm f5
	dedup --key k --state s5 ab >out 2>err
	if [ $mode = plain ]; then
		t_eq "without --state-on-ack, records before any barrier: journalled at once" "" "$(keys out)"
	else
		t_eq "--state-on-ack: records before the first barrier wait for it, pass again" "A B" "$(keys out)"
	fi
done
# (A record journalled before the first barrier: in a pipe, flushed while idle.)
mkfifo f6
dedup --key k --state s6 <f6 >/dev/null 2>err &
pid=$!
t_on_exit "kill -9 $pid 2>/dev/null"
exec 3>f6
echo '{"k":"A"}' >&3
for _ in $(seq 400); do [ "$(journal_entries s6)" -ge 1 ] && break; sleep 0.05; done
echo "$b1" >&3
exec 3>&-
wait $pid
grep -q 'give --state-on-ack' err && t_ok "records journalled before the first barrier: a warning" ||
	t_fail "warning before the first barrier" "$(cat err)"
dedup --key k --state s6 --state-on-ack ab >/dev/null 2>err
grep -q 'no barrier came' err && t_ok "--state-on-ack without barriers: a warning" || t_fail "warning" "$(cat err)"
dedup --key k --state s6 ab >out 2>err
t_eq "--state-on-ack without barriers: nothing journalled" "B" "$(keys out)"
t_exit "--state-on-ack without --state: usage error" 64 dedup --key k --state-on-ack </dev/null 2>/dev/null

# The entries held count in --max-memory: keys and held entries stay within it.
python3 "$VP_ROOT/tests/dedup/gen.py" 200000 100000 3 >many
dedup --key orderId --max-memory 1M --state s8 --state-on-ack many >/dev/null 2>err
t_eq "held entries past --max-memory: exit 70" 70 $?
set -- $(grep -o 'outgrew.* bytes=[0-9]* held_bytes=[0-9]*' err | grep -o '[0-9]*' | tail -2)
[ "${2:-0}" -gt 0 ] && [ $(($1 + $2)) -le $((1 << 20)) ] && t_ok "keys ($1 bytes) and held entries ($2 bytes) within 1M" ||
	t_fail "keys and held entries within 1M" "$(cat err)"

# Compactions while keys are held (a 1K threshold: every release compacts):
# the snapshot leaves out what is not acknowledged; kill -9 after them.
python3 -c '
import sys
bar = lambda s, c: sys.stdout.write("{\"vtex_pipes_barrier\":{\"source\":\"t\",\"run\":\"r9\",\"seq\":%d,\"committed\":%d,\"commit\":{}}}\n" % (s, c))
for s in range(1, 21):
    for i in range(100):
        sys.stdout.write("{\"k\":%d}\n" % ((s - 1) * 100 + i))
    bar(s, max(s - 2, 0))
' >big
jq -c 'select(.k != null)' big >big.records
mkfifo f7
dedup --key k --state s7 --state-compact 1K <f7 >o7 2>e7 &
pid=$!
t_on_exit "kill -9 $pid 2>/dev/null"
exec 3>f7
cat big >&3
for _ in $(seq 400); do [ "$(grep -c vtex_pipes_barrier o7)" -ge 20 ] && break; sleep 0.05; done
t_eq "compactions: every barrier out" 20 "$(grep -c vtex_pipes_barrier o7)"
kill -9 $pid
wait $pid 2>/dev/null
exec 3>&-
t_eq "... and snapshots written" yes "$([ -s s7 ] && echo yes)"
dedup --key k --state s7 big.records >out 2>err
# Barrier 20 acknowledged 18: stretches 19 and 20 (keys 1800 to 1999) are not.
t_eq "after kill -9: the keys acknowledged dropped, the others pass again" "200 1800 1999" \
	"$(jq -s '[length, (map(.k) | min), (map(.k) | max)] | join(" ")' -r out)"
t_done
