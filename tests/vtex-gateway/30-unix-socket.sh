#!/usr/bin/env bash
# vtex-gateway on a Unix socket (--listen unix:PATH), whose file's permissions
# are the access control: vtex-fetch with VTEX_GATEWAY=unix:PATH gets orders
# through it with no credentials at all; the socket gets --socket-mode (0660),
# a stale one is replaced, a live one or another file is left alone, and it is
# removed at exit; a user the mode leaves out is refused (78) with a clear
# error, one it lets in is served.
. "$(dirname "$0")/../lib.sh"
. "$VP_ROOT/tests/vtex-sandbox/sandbox_lib.sh"
. "$(dirname "$0")/gateway_lib.sh"

sb_start s --products 10 --orders 40 --clients 5 || { t_fail "sandbox starts"; t_done; }
# Searchable by everyone (the checks as another user need it), short enough for a socket address.
dir=$(mktemp -d /tmp/vp-gwsock.XXXXXX)
chmod 0755 "$dir"
t_on_exit "rm -rf '$dir'"
sock=$dir/gw.sock
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$sock" # its server gone
gw_start g --listen "unix:$sock" || { t_fail "the gateway starts on a Unix socket"; t_done; }
t_eq "its ready file holds unix:PATH" "unix:$sock" "$GW_URL"
t_eq "the socket is created 0660" "srw-rw----" "$(stat -c %A "$sock")"
t_run "a stale socket is replaced" grep -q 'msg="stale socket replaced"' "$T_TMP/g.gw.log"

nocreds=(env -u VTEX_APP_KEY -u VTEX_APP_TOKEN -u VTEX_GATEWAY_TOKEN -u VTEX_GATEWAY_TOKEN_FILE VTEX_GATEWAY="unix:$sock")
"${nocreds[@]}" vtex-fetch orders --created-since 2000-01-01T00:00:00Z --created-until "$SB_NOW" \
	>"$T_TMP/orders.ndjson" 2>"$T_TMP/fetch.log"
t_eq "vtex-fetch gets every order through the socket, without credentials" 40 \
	"$(jq -r .orderId "$T_TMP/orders.ndjson" | sort -u | wc -l)"
t_run "the gateway logged them" grep -q 'msg=request.*status=200' "$T_TMP/g.gw.log"

t_exit "a live socket is not taken over: 69" 69 env VTEX_BASE_URL="$SB_URL" vtex-gateway --listen "unix:$sock" 2>/dev/null
: >"$dir/file"
t_exit "a file that is not a socket is left alone: 69" 69 env VTEX_BASE_URL="$SB_URL" vtex-gateway --listen "unix:$dir/file" 2>/dev/null
t_run "... and still there" test -f "$dir/file"
t_exit "--socket-mode takes an octal mode only: 64" 64 vtex-gateway --listen "unix:$dir/x" --socket-mode 0999 2>/dev/null

# Another user, outside the socket's owner and group: refused before any request.
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
id=$(jq -r .orderId "$T_TMP/orders.ndjson" | head -1)
rc=0
"${as_nobody[@]}" "${nocreds[@]}" vtex-fetch order "$id" >/dev/null 2>"$T_TMP/denied.log" || rc=$?
t_eq "a user the socket's mode leaves out: configuration error (78)" 78 "$rc"
t_run "... saying so" grep -q 'Unix socket this user may not open (permission denied)' "$T_TMP/denied.log"

kill "$(gw_pid g)"
wait "$(gw_pid g)" 2>/dev/null
t_run "the socket is removed at exit" test ! -e "$sock"

gw_start g2 --listen "unix:$sock" --socket-mode 0666 || { t_fail "the gateway starts with --socket-mode 0666"; t_done; }
t_eq "--socket-mode sets the mode" "srw-rw-rw-" "$(stat -c %A "$sock")"
"${as_nobody[@]}" "${nocreds[@]}" vtex-fetch order "$id" >"$T_TMP/one.ndjson" 2>"$T_TMP/allowed.log"
t_eq "a user the mode lets in is served" "$id" "$(jq -r .orderId "$T_TMP/one.ndjson")"
t_done
