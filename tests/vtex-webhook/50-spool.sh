#!/usr/bin/env bash
# vtex-webhook --spool: requests are answered 200 once journalled and synced,
# even while the output is stalled; after kill -9 the journal is replayed on
# restart (a torn last line dropped); a clean stop trims it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/webhook_lib.sh"

spool=$T_TMP/spool
mkfifo "$T_TMP/pipe"
cat "$T_TMP/pipe" >"$T_TMP/got1" &
reader=$!
t_on_exit "kill -CONT $reader 2>/dev/null; kill $reader 2>/dev/null"
WH_STDOUT=$T_TMP/pipe wh_start a --spool "$spool" --write-deadline-ms 1000 || { t_fail "webhook starts"; t_done; }
t_eq "spool: an event goes through" 200 "$(wh_post "$WH_URL" "$(wh_event 1)")"
kill -STOP "$reader"
wh_fill_pipe "$T_TMP/pipe"
: >"$T_TMP/codes"
for i in $(seq 2 30); do echo "$i $(wh_post "$WH_URL" "$(wh_event "$i")")" >>"$T_TMP/codes"; done
t_eq "with the output stalled, events are still answered 200 (journalled)" 29 "$(grep -c ' 200$' "$T_TMP/codes")"
t_eq "the backlog shows in /metrics" true \
	"$(sleep 0.3; wh_metric "$WH_URL" vtex_pipes_webhook_spool_backlog_bytes | awk '{ print ($1 > 0) ? "true" : "false" }')"
kill -KILL "$(wh_pid a)"
wh_wait a
kill -CONT "$reader"
wait "$reader"
journal=$(ls "$spool"/journal.*.ndjson | tail -1)
t_run "the journal survived kill -9" test -s "$journal"
printf '{"OrderId":"torn-01","State":"inv' >>"$journal"   # an append a crash cut short

wh_start b --spool "$spool" --output "$T_TMP/got2" || { t_fail "webhook restarts"; t_done; }
for _ in $(seq 100); do [ "$(grep -c OrderId "$T_TMP/got2")" -ge 29 ] && break; sleep 0.05; done
t_eq "after restart every event is out: 30 distinct events in the two outputs" 30 \
	"$(cat "$T_TMP/got1" "$T_TMP/got2" | grep -o '"OrderId":"v[0-9]*-01"' | sort -u | wc -l)"
t_eq "the torn line was dropped" 0 "$(grep -c torn "$T_TMP/got2")"
t_run "and the drop logged" grep -q 'torn line' "$T_TMP/b.log"
t_eq "every replayed line is whole JSON" "$(wc -l <"$T_TMP/got2")" "$(jq -c . "$T_TMP/got2" | wc -l)"
t_eq "new events after the replay: 200" 200 "$(wh_post "$WH_URL" "$(wh_event 31)")"
for _ in $(seq 50); do grep -q v0000031 "$T_TMP/got2" && break; sleep 0.05; done
t_run "and forwarded" grep -q v0000031 "$T_TMP/got2"
kill -TERM "$(wh_pid b)"
wh_wait b
t_eq "SIGTERM: exit 0" 0 "$WH_RC"
t_eq "everything forwarded: the journal is trimmed away" "" "$(ls "$spool"/journal.*.ndjson 2>/dev/null)"
wh_start c --spool "$spool" --output "$T_TMP/got3" || { t_fail "webhook starts again"; t_done; }
sleep 0.3
kill -TERM "$(wh_pid c)"
wh_wait c
t_eq "a clean restart replays nothing" 0 "$(wc -c <"$T_TMP/got3")"
t_done
