#!/usr/bin/env bash
# vtex-fetch feed against the sandbox's order Feed v3 in live mode: 404 before
# any configuration (exit 78); --configure posts once and is idempotent; the
# reader writes each event as a hook line the hook gate accepts; with
# --ack-from, handles are committed only once their barrier comes back from
# the sink (a shell sink echoing barrier lines to the FIFO), and not at all
# when none comes (kill -9, or SIGTERM past --ack-timeout): those events come
# back after the visibility timeout. Then, with faults on every endpoint and
# acknowledgements flowing, no event is missed and every one is committed.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox.sh"
cd "$T_TMP"
live="--products 10 --clients 100 --orders 50 --orders-per-second 20 --live-step-seconds 0.5"
metric() { prom_value "$1" < <(curl -s "$VTEX_BASE_URL/metrics"); }
committed() { metric 'vtex_sandbox_feed_commits_total{outcome="committed"}'; }
# until_true CMD...: tries CMD every 0.1 s, 300 times at most.
until_true() { local i; for i in $(seq 300); do "$@" && return 0; sleep 0.1; done; return 1; }
events() { [ -e "$1" ] || { echo 0; return; }; grep -v '^{"vtex_pipes_barrier":' "$1" | wc -l; }
barriers() { grep -c '^{"vtex_pipes_barrier":' "$1"; }
at_least() { [ "$(events "$1")" -ge "$2" ]; }
committed_at_least() { [ "$(committed)" -ge "$1" ]; }
fast="--poll-ms 100 --barrier-ms 200 --backoff-base 0.01 --backoff-max 0.2"
# The sinks write to a FIFO the test holds open read-write (fd 5), so that no
# open waits for a reader, even when the reader under test is gone.
ack_fifo() { rm -f ack; mkfifo ack; exec 5<>ack; }

sb_start $live --log-level debug
ack_fifo
t_exit "no feed configured: exit 78" 78 bash -c "vtex-fetch feed --ack-from ack $fast >/dev/null 2>e404"
grep -q 'vtex-fetch feed --configure' e404 && t_ok "... naming vtex-fetch feed --configure" ||
	t_fail "... naming vtex-fetch feed --configure" "$(cat e404)"
t_exit "--retention below 4 days: usage error" 64 vtex-fetch feed --configure --retention 3600 2>/dev/null
t_exit "--ack-from without feed: usage error" 64 vtex-fetch orders --from-hooks --ack-from x </dev/null 2>/dev/null

feed_config() { curl -s -H "X-VTEX-API-AppKey: $VTEX_APP_KEY" -H "X-VTEX-API-AppToken: $VTEX_APP_TOKEN" \
	"$VTEX_BASE_URL/api/orders/feed/config" | jq -c '[.filter, .queue]'; }
posts() { grep -c 'method=POST url=/api/orders/feed/config status=200' "$T_TMP/sandbox.$SB_N.log"; }
vtex-fetch feed --configure 2>/dev/null
rc=$?
t_eq "--configure" 0 "$rc"
[ "$rc" = 0 ] || t_done # nothing after it can pass
t_eq "... every status, 250 s, 4 days" \
	'[{"type":"FromWorkflow"},{"visibilityTimeoutInSeconds":250,"messageRetentionPeriodInSeconds":345600}]' "$(feed_config)"
t_run "--configure again" vtex-fetch feed --configure 2>/dev/null
t_eq "... posts nothing" 1 "$(posts)"
t_run "--configure --status" vtex-fetch feed --configure --status payment-approved,invoiced --retention 1209600 2>/dev/null
t_eq "... replaces it" '[{"type":"FromWorkflow","status":["payment-approved","invoiced"]},{"visibilityTimeoutInSeconds":250,"messageRetentionPeriodInSeconds":1209600}]' \
	"$(feed_config)"
t_run "--configure back to every status" vtex-fetch feed --configure 2>/dev/null
t_eq "... posted three times in all" 3 "$(posts)"

# Acknowledgements held: the sink keeps the barriers in a file; nothing is
# committed until the test hands some back.
ack_fifo
vtex-fetch feed --ack-from ack $fast --metrics-file m.a \
	> >(tee out.a | grep --line-buffered '^{"vtex_pipes_barrier":' >held) 2>e.a &
reader=$!
with_handles() { [ "$(jq -s '[.[].vtex_pipes_barrier.commit.handles | select(. > 0)] | length' held)" -ge 3 ]; }
t_run "barriers come, covering events" until_true with_handles
t_eq "nothing committed while the acknowledgements are held" 0 "$(committed)"
head -2 held >two
two_handles=$(jq -s 'map(.vtex_pipes_barrier.commit.handles) | add' two)
cat two >&5
until_true committed_at_least "$two_handles"
t_eq "the first two barriers acknowledged: exactly their handles committed" "$two_handles" "$(committed)"
t_eq "the barriers count their handles" "$(head -n "$(grep -n '"seq":2,' out.a | cut -d: -f1)" out.a | grep -vc vtex_pipes_barrier)" \
	"$two_handles"
tail -n +1 -f held >&5 &
forward=$!
until_true at_least out.a 100
kill -TERM "$reader"
wait "$reader"
t_eq "SIGTERM: exit 0" 0 $?
kill "$forward"
wait "$forward" 2>/dev/null
t_eq "... a last barrier, then every handle written is committed" "$(events out.a)" "$(committed)"
t_eq "... as its metrics say" "$(events out.a) $(events out.a)" \
	"$(prom_value vtex_pipes_fetch_feed_events_total <m.a) $(prom_value vtex_pipes_fetch_feed_handles_committed_total <m.a)"
t_exit "every line passes the hook gate (rules/hook.json)" 0 bash -c \
	"grep -v vtex_pipes_barrier out.a | ndjson-validate --entity hook --rejects rej.a >/dev/null 2>&1"
t_eq "... hook-shaped, with the event's id" '["CurrentChange","Domain","EventId","LastChange","LastState","OrderId","Origin","State"] {"Account":"sandbox","Key":"vtexappkey-sandbox-TEST"}' \
	"$(grep -v vtex_pipes_barrier out.a | grep '"LastState":"[a-z]' | head -1 | jq -c '[keys, .Origin] | map(tojson) | join(" ")' -r)"

# No acknowledgement at all, and a kill -9: nothing is committed, and with a
# 2 s visibility timeout the same events come back to the next reader.
t_run "--configure --visibility-timeout 2" vtex-fetch feed --configure --visibility-timeout 2 2>/dev/null
before=$(committed)
ack_fifo
vtex-fetch feed --ack-from ack $fast >out.b 2>e.b &
reader=$!
until_true at_least out.b 20
kill -9 "$reader"
wait "$reader" 2>/dev/null
t_eq "kill -9 without acknowledgements: nothing committed" "$before" "$(committed)"
grep -v vtex_pipes_barrier out.b | jq -r .EventId | sort -u >ids.b
# Without --ack-from each lot is committed once written.
vtex-fetch feed $fast --metrics-file m.c >out.c 2>e.c &
reader=$!
all_back() { grep -v vtex_pipes_barrier out.c | jq -r .EventId | sort -u >ids.c; [ -z "$(comm -23 ids.b ids.c)" ]; }
t_run "the events not committed come back after the visibility timeout" until_true all_back
kill -TERM "$reader"
wait "$reader"
t_eq "without --ack-from: exit 0" 0 $?
t_eq "... no barrier written" 0 "$(barriers out.c)"
t_eq "... every lot committed once written" "$(events out.c)" \
	"$(prom_value vtex_pipes_fetch_feed_handles_committed_total <m.c)"
t_eq "the sandbox counted redeliveries" 1 "$(metric 'vtex_sandbox_feed_deliveries_total{outcome="redelivery"}' | awk '{print ($1 > 0)}')"

# SIGTERM while no acknowledgement comes: exit 0 after --ack-timeout, nothing
# committed past what was. Waiting 2 s, the events pass 80% of the 2 s
# visibility timeout, which draws a warning.
before=$(committed)
ack_fifo
vtex-fetch feed --ack-from ack --ack-timeout 2 $fast >out.d 2>e.d &
reader=$!
until_true at_least out.d 5
kill -TERM "$reader"
wait "$reader"
t_eq "SIGTERM, no acknowledgement: exit 0" 0 $?
grep -q 'no acknowledgement for --ack-timeout' e.d && t_ok "... saying so" || t_fail "... saying so" "$(cat e.d)"
t_eq "... nothing committed" "$before" "$(committed)"
grep -q 'not committed yet close to the visibility timeout' e.d && t_ok "... warning of the visibility timeout" ||
	t_fail "... warning of the visibility timeout" "$(cat e.d)"
sb_stop

# A distant store (every answer a second late): SIGTERM while a lot is in
# flight waits for it and writes it, so every event handed out is written
# and committed, none left to come back.
sb_start $live --latency-ms 1000 --feed-config '{}'
vtex-fetch feed $fast >out.l 2>e.l &
reader=$!
until_true at_least out.l 1
kill -TERM "$reader"
wait "$reader"
t_eq "SIGTERM with a lot in flight: exit 0" 0 $?
t_eq "... every event handed out is written" \
	"$(( $(metric 'vtex_sandbox_feed_deliveries_total{outcome="first"}') + $(metric 'vtex_sandbox_feed_deliveries_total{outcome="redelivery"}') ))" \
	"$(events out.l)"
t_eq "... and committed" "$(events out.l)" "$(committed)"
sb_stop

# Faults on every endpoint (the feed, its commits, its configuration), events
# duplicated and out of order: after the store is frozen and the reader has
# caught up, every event came out and every message was committed.
sb_start $live --fault-rate 0.2 --faults 429,5xx,reset,truncate --retry-after 1 \
	--feed-config '{"queue":{"visibilityTimeoutInSeconds":3}}'
ack_fifo
vtex-fetch feed --ack-from ack $fast --retries 20 --retry-after-max 0.2 --metrics-file m.f \
	> >(tee out.f | grep --line-buffered '^{"vtex_pipes_barrier":' >&5) 2>e.f &
reader=$!
until_true at_least out.f 150
kill -USR2 "$SB_PID"
drained() { [ "$(metric vtex_sandbox_feed_messages)" = 0 ]; }
t_run "faults: the feed drains once the store is frozen" until_true drained
kill -TERM "$reader"
wait "$reader"
t_eq "faults: exit 0" 0 $?
t_eq "faults: every event that entered the feed came out" "$(metric vtex_sandbox_feed_events_total)" \
	"$(grep -v vtex_pipes_barrier out.f | jq -r .EventId | sort -u | wc -l)"
t_eq "faults: they were met and retried" 1 "$(awk '/^vtex_pipes_http_retries_total/ { print ($2 > 0) }' m.f)"
t_done
