#!/usr/bin/env bash
# Credentials: VTEX's 401 (missing or refused) and 403 (denied) stop the run
# with a clear message and exit 78; nothing read is lost (each hook event
# becomes a failure record); a missing setting is 78 before any request; the
# token never appears in the logs, even at debug level.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox.sh"
cd "$T_TMP"
sb_start --seed 2 --products 20 --clients 100 --orders 300
good=$VTEX_APP_TOKEN

# 403: the sandbox answers a token that is not the store's with 403.
t_exit "403: exit 78" 78 bash -c "VTEX_APP_TOKEN=wrong-$good vtex-fetch catalog >out 2>err403"
grep -q 'HTTP 403' err403 && t_ok "403: the message names the status" || t_fail "403: the message names the status"
grep -q 'hint=.*VTEX_APP_KEY' err403 && t_ok "403: the message says what to check" || t_fail "403: the message says what to check"
t_eq "403: nothing on stdout" 0 "$(wc -c <out)"

# 401: an empty token file sends no token header; VTEX (and the sandbox) answer 401.
: >empty.token
chmod 600 empty.token
t_exit "401: exit 78" 78 bash -c "unset VTEX_APP_TOKEN; VTEX_APP_TOKEN_FILE=$T_TMP/empty.token \
	vtex-fetch order 1-01 >out 2>err401"
grep -q 'VTEX refused the credentials (HTTP 401)' err401 && t_ok "401: a clear message" || t_fail "401: a clear message"

# Hook events read before the refusal all come back as failure records.
vtex-fetch orders --created-since "$SB_SINCE" --created-until "$SB_UNTIL" 2>/dev/null |
	jq -c '{Domain:"Marketplace", OrderId:.orderId, State:.status}' | head -50 >events
t_exit "hooks with a refused token: exit 78" 78 bash -c \
	"VTEX_APP_TOKEN=nope vtex-fetch orders --from-hooks --failures fail.ndjson <events >out 2>errh"
t_eq "every event read is in the failures file" "$(wc -l <events)" "$(jq -r .orderId fail.ndjson | sort -u | wc -l)"
t_eq "the failure records carry their event" "$(sort events | md5sum)" "$(jq -c .event fail.ndjson | sort | md5sum)"
t_run "the failures go through once the token is right" bash -c \
	"vtex-fetch retry fail.ndjson --failures fail2.ndjson >again 2>/dev/null"
t_eq "... every order" "$(jq -r .OrderId events | sort | md5sum)" "$(jq -r .orderId again | sort | md5sum)"

# Missing configuration: no request at all.
t_exit "no VTEX_APP_KEY: exit 78" 78 bash -c "unset VTEX_APP_KEY; vtex-fetch catalog >/dev/null 2>errk"
grep -q 'VTEX_APP_KEY' errk && t_ok "the message names the missing setting" || t_fail "the message names the missing setting"
t_exit "no account and no base URL: exit 78" 78 bash -c \
	"unset VTEX_BASE_URL VTEX_ACCOUNT; vtex-fetch catalog >/dev/null 2>/dev/null"

# Secrets stay out of the logs.
vtex-fetch catalog --log-level debug >/dev/null 2>debug.log
grep -q 'msg=http ' debug.log && t_ok "debug logs one line per request" || t_fail "debug logs one line per request"
grep -qF "$good" debug.log err403 err401 errh && t_fail "the token is never logged" || t_ok "the token is never logged"
grep -qF "$VTEX_APP_KEY" debug.log && t_fail "the app key is never logged in full" || t_ok "the app key is never logged in full"
t_done
