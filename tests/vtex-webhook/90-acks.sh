#!/usr/bin/env bash
# vtex-webhook --spool --ack-from (vtex-pipes(7), ACKNOWLEDGEMENTS): barriers
# go out between the lines; the spool's position is committed, and a journal
# deleted, only when a barrier comes back. kill -9 after events were forwarded
# but not acknowledged: the restart forwards them again, and not the
# acknowledged ones. SIGTERM: last barrier, output closed, acknowledgements
# waited for (exit 0), or not given in time (exit 75, kept for the next start).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/webhook_lib.sh"

spool=$T_TMP/spool
ACKS=$T_TMP/acks
BARRIER='{"vtex_pipes_barrier":'

# ack LINE: writes LINE back to the acknowledgement FIFO, as a sink does (not
# waiting forever when no webhook holds the FIFO open).
ack() { timeout 5 bash -c 'printf "%s\n" "$1" >"$2"' _ "$1" "$ACKS"; }
# sink NAME: the pipe's last stage, reading the FIFO $T_TMP/NAME.out: every
# line to NAME.lines; a barrier acknowledged only while $T_TMP/autoack exists
# (the test acknowledges by hand otherwise); NAME.eof once the output closed.
sink() {
	local line
	while IFS= read -r line; do
		printf '%s\n' "$line" >>"$T_TMP/$1.lines"
		case $line in "$BARRIER"*) [ -e "$T_TMP/autoack" ] && ack "$line" ;; esac
	done <"$T_TMP/$1.out"
	: >"$T_TMP/$1.eof"
}
# start NAME ARGS...: a sink, then vtex-webhook writing to it.
start() {
	local name=$1
	shift
	mkfifo "$T_TMP/$name.out"
	: >"$T_TMP/$name.lines"
	sink "$name" &
	eval "SINK_$name=$!"
	t_on_exit "kill $! 2>/dev/null"
	WH_STDOUT=$T_TMP/$name.out wh_start "$name" --spool "$spool" --ack-from "$ACKS" --barrier-ms 50 "$@"
}
# until_ok CMD...: retries CMD every 50 ms, for 15 s at most.
until_ok() { local _; for _ in $(seq 300); do "$@" && return 0; sleep 0.05; done; return 1; }
events() { grep -c OrderId "$T_TMP/$1.lines"; }
# covered NAME N: N events went out, and a barrier after the last of them.
covered() { [ "$(events "$1")" = "$2" ] && tail -1 "$T_TMP/$1.lines" | grep -q "^$BARRIER"; }
last_barrier() { grep "^$BARRIER" "$T_TMP/$1.lines" | tail -1; }
commit_of() { jq -r '.vtex_pipes_barrier.commit | "\(.epoch) \(.offset)"' <<<"$1"; }
position() { awk '{ print $1 + 0, $2 + 0 }' "$spool/forwarded"; }
position_is() { [ "$(position)" = "$1" ]; }
journals() { (cd "$spool" && ls journal.*.ndjson 2>/dev/null | paste -sd' '); }
journals_are() { [ "$(journals)" = "$1" ]; }
post() { local i; for i in "$@"; do [ "$(wh_post "$WH_URL" "$(wh_event "$i")")" = 200 ] || return 1; done; }
order_ids() { grep -o '"OrderId":"v[0-9]*-01"' "$@" | grep -o '[1-9][0-9]*-' | tr -d - | sort -n | paste -sd' '; }

t_exit "--ack-from with --no-spool is a usage error" 64 vtex-webhook --ack-from "$ACKS" --no-spool 2>/dev/null
t_run "and makes no FIFO" test ! -e "$ACKS"

start a || { t_fail "webhook starts"; t_done; }
t_run "the acknowledgement FIFO is made, mode 0600" \
	bash -c "[ -p '$ACKS' ] && [ \"\$(stat -c %a '$ACKS')\" = 600 ]"
t_eq "a hook body led by the reserved member is refused" 400 \
	"$(wh_post "$WH_URL" '{"vtex_pipes_barrier":{"source":"x","run":"r","seq":1,"committed":0},"OrderId":"v9-01","State":"s","LastChange":"2026-01-15T17:11:39Z"}')"
t_run "and the log says why" until_ok grep -q 'reason="vtex_pipes_barrier is reserved' "$T_TMP/a.log"

t_run "events 1-5 are answered 200" post 1 2 3 4 5
t_run "they go out, a barrier after them" until_ok covered a 5
b5=$(last_barrier a)
t_eq "every line out is an event or a barrier" "$(wc -l <"$T_TMP/a.lines")" \
	"$(grep -c -e OrderId -e "^$BARRIER" "$T_TMP/a.lines")"
t_run "the barrier names the spool position reached" \
	test "$(commit_of "$b5")" = "1 $(cat "$spool"/journal.*.ndjson | head -5 | wc -c)"
t_eq "nothing is committed before the acknowledgement" "1 0" "$(position)"
ack "$b5"
t_run "once acknowledged, its position is committed" until_ok position_is "$(commit_of "$b5")"

t_run "events 6-10 are answered 200" post 6 7 8 9 10
t_run "they go out, a barrier after them" until_ok covered a 10
t_eq "not acknowledged: the position stays" "$(commit_of "$b5")" "$(position)"
kill -KILL "$(wh_pid a)"
wh_wait a
eval "wait \$SINK_a"
t_run "kill -9: the journal keeps the events not acknowledged" grep -q v0000010 "$spool/journal.0000000000000001.ndjson"

start b || { t_fail "webhook restarts"; t_done; }
t_run "after the restart, the events forwarded but not acknowledged go out again" until_ok covered b 5
t_eq "exactly those: the acknowledged ones are not sent again" "6 7 8 9 10" "$(order_ids "$T_TMP/b.lines")"
t_eq "the old journal stays until acknowledged" "journal.0000000000000001.ndjson journal.0000000000000002.ndjson" "$(journals)"
ack "$(last_barrier b)"
t_run "acknowledged: the old journal is deleted" until_ok journals_are journal.0000000000000002.ndjson
t_eq "and the position is in the new one" "2 0" "$(position)"

# A clean stop, with a sink that acknowledges.
touch "$T_TMP/autoack"
t_run "events 11-12 are answered 200" post 11 12
kill -TERM "$(wh_pid b)"
wh_wait b
t_eq "SIGTERM, everything acknowledged: exit 0" 0 "$WH_RC"
t_run "the output was closed (the sink saw its end)" test -e "$T_TMP/b.eof"
t_run "after a last barrier" bash -c "tail -1 '$T_TMP/b.lines' | grep -q '^$BARRIER'"
t_eq "events 11 and 12 went out" "6 7 8 9 10 11 12" "$(order_ids "$T_TMP/b.lines")"
t_eq "everything committed: no journal left" "" "$(journals)"
t_run "the log says so" grep -q 'every barrier acknowledged' "$T_TMP/b.log"

# A stop whose last acknowledgement does not come in time.
rm "$T_TMP/autoack"
start c --ack-timeout 0.5 || { t_fail "webhook starts again"; t_done; }
t_run "event 13 is answered 200" post 13
t_run "and goes out" until_ok covered c 1
kill -TERM "$(wh_pid c)"
wh_wait c
t_eq "SIGTERM, not acknowledged within --ack-timeout: exit 75" 75 "$WH_RC"
t_run "the log says why" grep -q 'not acknowledged' "$T_TMP/c.log"
t_run "the event stays in the journal" bash -c "cat '$spool'/journal.*.ndjson | grep -q v0000013"

touch "$T_TMP/autoack"
start d || { t_fail "webhook starts once more"; t_done; }
t_run "the next start forwards it again" until_ok covered d 1
t_eq "only it" 13 "$(order_ids "$T_TMP/d.lines")"
t_run "acknowledged this time: its journal is deleted" until_ok bash -c "! grep -qs v0000013 '$spool'/journal.*.ndjson"
kill -TERM "$(wh_pid d)"
wh_wait d
t_eq "SIGTERM: exit 0" 0 "$WH_RC"
t_eq "nothing lost over the four runs: events 1-13" "$(seq -s' ' 13)" \
	"$(cat "$T_TMP"/[abcd].lines | grep OrderId | sort -u | order_ids -)"
t_done
