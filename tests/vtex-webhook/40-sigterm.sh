#!/usr/bin/env bash
# vtex-webhook on SIGTERM: no new connections, the requests in flight are
# finished and answered 200 once written, exit 0.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/webhook_lib.sh"

mkfifo "$T_TMP/pipe"
cat "$T_TMP/pipe" >"$T_TMP/got" &
reader=$!
t_on_exit "kill -CONT $reader 2>/dev/null; kill $reader 2>/dev/null"
WH_STDOUT=$T_TMP/pipe wh_start a --write-deadline-ms 4000 || { t_fail "webhook starts"; t_done; }
U=$WH_URL
kill -STOP "$reader"
wh_fill_pipe "$T_TMP/pipe"
# Five requests now wait for the pipe.
for i in 1 2 3 4 5; do
	( echo "$i $(wh_post "$U" "$(wh_event "$i")")" >"$T_TMP/code.$i" ) &
done
sleep 0.5
kill -TERM "$(wh_pid a)"
sleep 0.3
t_eq "after SIGTERM, new connections are refused" 000 "$(wh_post "$U" "$(wh_event 9)")"
kill -CONT "$reader"
wait $(jobs -p | grep -v "^$reader\$" | grep -v "^$(wh_pid a)\$") 2>/dev/null
wh_wait a
t_eq "SIGTERM: exit 0" 0 "$WH_RC"
t_eq "the five requests in flight were answered 200" "1 200 2 200 3 200 4 200 5 200" "$(cat "$T_TMP"/code.* | sort | tr '\n' ' ' | sed 's/ $//')"
wait "$reader"
t_eq "and their five lines were written" 5 "$(grep -c OrderId "$T_TMP/got")"
t_run "the event refused after SIGTERM was not" bash -c "! grep -q v0000009 '$T_TMP/got'"
t_run "the log says why it stopped" grep -q 'why=SIGTERM' "$T_TMP/a.log"
t_done
