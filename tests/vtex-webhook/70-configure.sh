#!/usr/bin/env bash
# vtex-webhook configure against vtex-sandbox's hook configuration API: the
# sandbox pings the receiver, saves the hook only when the ping gets 200,
# and then sends order hooks to it with the secret header.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/webhook_lib.sh"
. "$VP_ROOT/tests/vtex-sandbox/sandbox_lib.sh"

sb_start s --products 20 --clients 20 --orders 50 || { t_fail "sandbox starts"; t_done; }
export VTEX_BASE_URL=$SB_URL
wh_start w --output "$T_TMP/out" || { t_fail "webhook starts"; t_done; }

vtex-webhook configure --url "$WH_URL/hook" --status payment-approved,invoiced >"$T_TMP/conf.json" 2>"$T_TMP/conf.log"
t_eq "configure: exit 0" 0 "$?"
t_eq "the receiver answered the sandbox's ping" 1 "$(wh_metric "$WH_URL" vtex_pipes_webhook_pings_total)"
t_eq "and wrote nothing for it" 0 "$(wc -c <"$T_TMP/out")"
t_eq "the configuration printed has the filter" '["payment-approved","invoiced"]' "$(jq -c .filter.status "$T_TMP/conf.json")"
t_eq "and the URL" "$WH_URL/hook" "$(jq -r .hook.url "$T_TMP/conf.json")"
t_eq "the secret is masked in what is printed" '***' "$(jq -r .hook.headers.key "$T_TMP/conf.json")"
t_run "and never in the log" bash -c "! grep -q '$WH_SECRET' '$T_TMP/conf.log' '$T_TMP/conf.json'"
t_eq "the sandbox holds the secret header" "$WH_SECRET" "$(sb_get /api/orders/hook/config | jq -r .hook.headers.key)"
t_eq "the sandbox holds the status filter" '["payment-approved","invoiced"]' "$(sb_get /api/orders/hook/config | jq -c .filter.status)"
vtex-webhook configure --show >"$T_TMP/show.json" 2>/dev/null
t_eq "--show: exit 0, masked" '***' "$(jq -r .hook.headers.key "$T_TMP/show.json")"

# All statuses when none is given.
vtex-webhook configure --url "$WH_URL/hook" >/dev/null 2>&1
t_eq "without --status: every workflow state" '{"type":"FromWorkflow"}' "$(sb_get /api/orders/hook/config | jq -c .filter)"

# A receiver with another secret refuses the ping: VTEX (the sandbox) saves nothing.
WH_SECRET=other-secret-0123456789 VTEX_WEBHOOK_SECRET=other-secret-0123456789 wh_start w2 --output "$T_TMP/out2" || t_fail "second webhook starts"
vtex-webhook configure --url "$WH_URL/hook" >/dev/null 2>"$T_TMP/refused.log"
t_eq "a ping refused (401): exit 69" 69 "$?"
t_run "VTEX's reason is logged" grep -q 'did not answer the ping' "$T_TMP/refused.log"
t_eq "the previous hook stays" "$(jq -r .hook.url "$T_TMP/conf.json")" "$(sb_get /api/orders/hook/config | jq -r .hook.url)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
vtex-webhook configure --url "http://127.0.0.1:$port/hook" >/dev/null 2>&1
t_eq "nothing listening at the URL: exit 69" 69 "$?"
VTEX_APP_TOKEN=wrong vtex-webhook configure --url "$WH_URL/hook" >/dev/null 2>&1
t_eq "credentials refused: exit 78" 78 "$?"
env -u VTEX_BASE_URL -u VTEX_ACCOUNT vtex-webhook configure --url "$WH_URL/hook" >/dev/null 2>&1
t_eq "no store configured: exit 78" 78 "$?"
env -u VTEX_WEBHOOK_SECRET vtex-webhook configure --url "$WH_URL/hook" >/dev/null 2>&1
t_eq "no secret: exit 78" 78 "$?"
t_exit "--delete: exit 0" 0 vtex-webhook configure --delete 2>/dev/null
t_eq "the hook is gone" 404 "$(sb_status /api/orders/hook/config)"
t_exit "--show with no hook: exit 69" 69 vtex-webhook configure --show 2>/dev/null
t_done
