#!/usr/bin/env bash
# vtex-fetch feed against a scripted fake (fake_vtex_feed.py), for what the
# sandbox cannot answer: a commit that fails for good is logged and counted,
# not fatal (the reader goes on and exits 0 on SIGTERM); an event without a
# handle is still written but never committed; an item that is not an object
# is not written; a lot that is not a JSON array ends the reader with 69.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP"
export VTEX_APP_KEY=vtexappkey-fake-TEST VTEX_APP_TOKEN=token VTEX_ACCOUNT=fake
fake() { # MODE
	rm -f port
	python3 "$VP_ROOT/tests/vtex-fetch/fake_vtex_feed.py" "$1" port commits.log &
	fake_pid=$!
	t_on_exit "kill $! 2>/dev/null"
	for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
	export VTEX_BASE_URL=http://127.0.0.1:$(cat port)
}
until_true() { local i; for i in $(seq 300); do "$@" && return 0; sleep 0.1; done; return 1; }
tried() { [ -e commits.log ] && [ "$(wc -l <commits.log)" -ge 2 ]; }

fake odd
vtex-fetch feed --poll-ms 50 --retries 1 --backoff-base 0.01 --metrics-file m >out 2>err &
reader=$!
t_run "the commit is tried, and tried again" until_true tried
kill -TERM "$reader"
wait "$reader"
t_eq "a commit failing for good is not fatal: exit 0 on SIGTERM" 0 $?
t_eq "every event that is an object is written, with or without a handle" "E1 E2 E3" "$(jq -r .EventId out | paste -sd' ')"
t_eq "the commit named the handles there were" '{"handles":["h1","h3"]}' "$(head -1 commits.log)"
t_eq "... counted as a commit failure, nothing committed" "1 0" \
	"$(prom_value vtex_pipes_fetch_feed_commit_failures_total <m) $(prom_value vtex_pipes_fetch_feed_handles_committed_total <m)"
grep -q 'feed commit failed' err && t_ok "... and logged" || t_fail "... and logged" "$(cat err)"
grep -q 'feed event without a handle' err && t_ok "the event without a handle is logged" ||
	t_fail "the event without a handle is logged"
t_eq "four events read, in one partial lot" "4 1" \
	"$(prom_value vtex_pipes_fetch_feed_events_total <m) $(prom_value 'vtex_pipes_fetch_feed_lots_total{fill="partial"}' <m)"

kill "$fake_pid"
fake notlot
t_exit "a lot that is not an array: exit 69" 69 bash -c "vtex-fetch feed >/dev/null 2>err.notlot"
grep -q 'not a lot' err.notlot && t_ok "... saying so" || t_fail "... saying so" "$(cat err.notlot)"
t_done
