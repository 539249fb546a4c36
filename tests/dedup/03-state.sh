#!/usr/bin/env bash
# --state: keys and versions persist across runs; a dedup fed through a pipe
# flushes while its input is idle and journals what it flushed; kill -9 at
# random moments (also during compactions) never makes the state claim a
# record that was not emitted; torn journal; lock; other fields refused.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP"
gen=$VP_ROOT/tests/dedup/gen.py

# Across runs, keep-first.
printf '%s\n' '{"k":1}' '{"k":2}' >a
printf '%s\n' '{"k":2,"again":1}' '{"k":3}' '{"k":1,"again":1}' '{"k":4}' >b
dedup --key k --state s1 a >out 2>err
t_same_file "first run emits all" a out
dedup --key k --state s1 b >out 2>err
printf '%s\n' '{"k":3}' '{"k":4}' >want
t_same_file "second run: keys from the first run dropped" want out
t_eq "clean end: journal compacted into the snapshot" "yes" "$([ -s s1 ] && echo yes)"

# Across runs, newest version; the state remembers the version.
printf '%s\n' '{"k":"a","v":"2024-01-02T03:04:05.12Z"}' '{"k":"b","v":5}' >a
printf '%s\n' '{"k":"a","v":"2024-01-02T03:04:05.1234567Z"}' '{"k":"a","v":"2024-01-02T03:04:05.1Z"}' \
	'{"k":"b","v":5}' '{"k":"b","v":"6"}' >b
dedup --key k --newest-by v --state s2 a >/dev/null 2>err
dedup --key k --newest-by v --state s2 b >out 2>err
printf '%s\n' '{"k":"a","v":"2024-01-02T03:04:05.1234567Z"}' '{"k":"b","v":"6"}' >want
t_same_file "versions persist across runs" want out
dedup --key k --newest-by v --state s2 --latest-only b >out 2>err
t_eq "latest-only with a state: nothing newer, nothing out" 0 "$(wc -l <out)"

# Other fields: refused, not misread.
dedup --key k --state s2 a >/dev/null 2>err
t_eq "a state written for other fields: exit 78" 78 $?

# A long-lived dedup in a pipe: output flushed while input is idle, and
# journalled right after; kill -9 then loses nothing and repeats nothing.
mkfifo fifo
dedup --key k --state s3 <fifo >out 2>err &
pid=$!
t_on_exit "kill -9 $pid 2>/dev/null"
exec 3>fifo
printf '%s\n' '{"k":1}' '{"k":2}' '{"k":1}' '{"k":3}' >&3
for _ in $(seq 400); do [ "$(wc -l <out)" -ge 3 ] && break; sleep 0.05; done
t_eq "idle input: emitted lines flushed at once" 3 "$(wc -l <out)"
# The journal: a 38-byte header (magic, fields, seed), then 20 bytes per key.
for _ in $(seq 400); do [ "$(stat -c %s s3.journal)" -ge $((38 + 3 * 20)) ] && break; sleep 0.05; done
t_eq "idle input: the flushed records journalled at once" $((38 + 3 * 20)) "$(stat -c %s s3.journal)"
dedup --key k --state s3 </dev/null >/dev/null 2>err2
t_eq "a second dedup on a state in use: exit 75" 75 $?
kill -9 $pid
wait $pid 2>/dev/null
exec 3>&-
printf '%s\n' '{"k":1}' '{"k":2}' '{"k":3}' '{"k":4}' | dedup --key k --state s3 >out 2>err
t_eq "after kill -9: the journal kept the flushed records" '{"k":4}' "$(cat out)"

# A torn journal (a crash in mid-append) is cut at the last whole entry.
printf '%s\n' '{"k":5}' >c
mkfifo fifo2
dedup --key k --state s4 <fifo2 >out 2>err &
pid=$!
t_on_exit "kill -9 $pid 2>/dev/null"
exec 4>fifo2
printf '%s\n' '{"k":1}' '{"k":2}' >&4
for _ in $(seq 400); do [ "$(wc -l <out)" -ge 2 ] && [ "$(stat -c %s s4.journal)" -ge $((38 + 2 * 20)) ] && break; sleep 0.05; done
kill -9 $pid
wait $pid 2>/dev/null
exec 4>&-
truncate -s -3 s4.journal
printf '%s\n' '{"k":1}' '{"k":2}' | dedup --key k --state s4 >out 2>err
t_eq "torn journal: the torn entry's record is emitted again" '{"k":2}' "$(cat out)"
grep -q 'torn or damaged' err && t_ok "torn journal: warned" || t_fail "torn journal warning" "$(cat err)"

# kill -9 at moments spread over a run (when its output reaches a given size),
# with a small compaction threshold so that compactions happen all along.
# Every key of the input must come out of the interrupted run or of the rerun:
# the state never claims a record that was not emitted.
python3 "$gen" 300000 200000 11 >load.ndjson
jq -r .orderId load.ndjson | sort -u >keys.all
dedup --key orderId load.ndjson 2>/dev/null | wc -c >size.all
# Runs dedup in the background and kills it once out1 holds $1 bytes.
run_and_kill() { # bytes dedup-args...
	local at=$1 pid
	shift
	: >out1
	dedup "$@" >out1 2>err &
	pid=$!
	while kill -0 $pid 2>/dev/null && [ "$(stat -c %s out1)" -lt "$at" ]; do sleep 0.002; done
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	# A line cut short was not emitted.
	sed '$ { /}$/!d }' out1 >out1.whole
}
for pct in 5 30 60 90; do
	rm -f s5 s5.journal s5.tmp
	run_and_kill $(($(cat size.all) * pct / 100)) --key orderId --state s5 --state-compact 64K load.ndjson
	dedup --key orderId --state s5 --state-compact 64K load.ndjson >out2 2>err
	rc=$?
	cat out1.whole out2 | jq -r .orderId | sort -u >keys.out
	lost=$(comm -23 keys.all keys.out | wc -l)
	again=$(($(wc -l <out1.whole) + $(wc -l <out2) - $(wc -l <keys.all)))
	t_eq "kill -9 at ${pct}% of the output: rerun exits 0, no key lost ($(wc -l <out1.whole) lines before, $again again)" \
		"0 0" "$rc $lost"
done

# Same with versions: the newest version of every key comes out in the end.
python3 "$gen" 100000 20000 12 >vload.ndjson
dedup --key orderId --newest-by lastChange --latest-only vload.ndjson >want.latest 2>err
dedup --key orderId --newest-by lastChange vload.ndjson 2>/dev/null | wc -c >size.all
for pct in 20 70; do
	rm -f s6 s6.journal
	run_and_kill $(($(cat size.all) * pct / 100)) --key orderId --newest-by lastChange --state s6 \
		--state-compact 32K vload.ndjson
	dedup --key orderId --newest-by lastChange --state s6 vload.ndjson >out2 2>err
	cat out1.whole out2 >both
	dedup --key orderId --newest-by lastChange --latest-only both >got 2>err
	t_eq "versions, kill -9 at ${pct}%: the newest version of every key was emitted" \
		"$(jq -c '[.orderId,.i]' want.latest | sort | md5sum)" "$(jq -c '[.orderId,.i]' got | sort | md5sum)"
done
t_done
