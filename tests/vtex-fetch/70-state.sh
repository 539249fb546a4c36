#!/usr/bin/env bash
# --state: a run without a start time continues from the watermark of the last
# complete run (minus --overlap); the watermark moves only after a complete run.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox.sh"
cd "$T_TMP"
sb_start --seed 6 --products 10 --clients 800 --orders 900
vtex-fetch orders --created-since "$SB_SINCE" --created-until "$SB_UNTIL" >all 2>/dev/null

t_run "first run with an explicit window" bash -c \
	"vtex-fetch orders --state st --created-since $SB_SINCE --created-until 2025-10-01T00:00:00Z >r1 2>/dev/null"
t_eq "the watermark is the end of that window" '2025-10-01T00:00:00Z' "$(jq -r .orders.created_until st)"
t_run "second run from the watermark (no overlap)" bash -c \
	"vtex-fetch orders --state st --overlap 0 --created-until $SB_UNTIL >r2 2>/dev/null"
t_eq "the two runs together are every order, none twice" "$(jq -r .orderId all | sort | md5sum)" \
	"$(cat r1 r2 | jq -r .orderId | sort | md5sum)"
t_eq "the watermark moved on" "$SB_UNTIL" "$(jq -r .orders.created_until st)"

# With the default overlap (15 minutes) the next run starts before the watermark.
cp st st.before
t_run "a run with the default overlap" bash -c "vtex-fetch orders --state st --created-until $SB_UNTIL >r3 2>err3"
t_eq "nothing created after the watermark, and nothing outside the overlap" 0 \
	"$(jq -r 'select(.creationDate < "2026-01-15T23:45:00") | .orderId' r3 | wc -l)"

# A run that cannot complete leaves the watermark alone.
sb_stop
t_exit "a failing run exits 75" 75 bash -c \
	"vtex-fetch orders --state st --retries 1 --backoff-base 0.01 --connect-timeout 0.5 >r4 2>/dev/null"
t_same_file "... and leaves the state file as it was" st.before st

# Clients: without a watermark a full export, then incremental from it.
sb_start --seed 6 --products 10 --clients 800 --orders 900
t_run "clients with an empty state: full export" bash -c "vtex-fetch clients --state st >c1 2>/dev/null"
t_eq "every client" "$(jq .clients "$SB_TRUTH")" "$(wc -l <c1)"
jq -e '.clients.updated_until and .orders.created_until' st >/dev/null && t_ok "both watermarks kept in one file" ||
	t_fail "both watermarks kept in one file"
t_run "clients from the watermark" bash -c "vtex-fetch clients --state st >c2 2>/dev/null"
t_eq "nothing changed since: no client" 0 "$(wc -l <c2)"
t_exit "an unreadable state file is a configuration error" 78 bash -c \
	"echo garbage >bad; vtex-fetch clients --state bad >/dev/null 2>&1"
t_done
