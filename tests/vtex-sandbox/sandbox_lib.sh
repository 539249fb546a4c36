# Helpers for the vtex-sandbox integration tests (sourced after tests/lib.sh).
# sb_start NAME ARGS...: starts a sandbox on a free port; sets SB_URL_<NAME>
# (and SB_URL for the last one started) and stops it when the script ends.
# sb_stop NAME: stops it now (SIGTERM) and waits for it to exit.
SB_KEY=vtexappkey-sandbox-TEST
SB_TOKEN=sandbox-test-token
export VTEX_APP_KEY=$SB_KEY VTEX_APP_TOKEN=$SB_TOKEN
SB_NOW=2026-01-15T12:00:00Z
SB_AUTH=(-H "X-VTEX-API-AppKey: $SB_KEY" -H "X-VTEX-API-AppToken: $SB_TOKEN")

sb_start() {
	local name=$1 i
	shift
	rm -f "$T_TMP/$name.url"
	vtex-sandbox --listen 127.0.0.1:0 --ready-file "$T_TMP/$name.url" --now "$SB_NOW" "$@" \
		>"$T_TMP/$name.log" 2>&1 </dev/null &
	eval "SB_PID_$name=$!"
	t_on_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
	for i in $(seq 100); do
		[ -s "$T_TMP/$name.url" ] && break
		kill -0 "$(sb_pid "$name")" 2>/dev/null || break
		sleep 0.1
	done
	if [ ! -s "$T_TMP/$name.url" ]; then
		echo "sandbox $name did not start:"; cat "$T_TMP/$name.log"
		return 1
	fi
	SB_URL=$(cat "$T_TMP/$name.url")
	eval "SB_URL_$name=$SB_URL"
}

sb_pid() { eval "echo \$SB_PID_$1"; }

sb_stop() {
	local pid
	pid=$(sb_pid "$1")
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# sb_get PATH [curl args...]: GET with the right credentials; body on stdout.
sb_get() {
	local path=$1
	shift
	curl -sS "${SB_AUTH[@]}" "$@" "$SB_URL$path"
}

# sb_status PATH [curl args...]: the HTTP status only.
sb_status() {
	local path=$1
	shift
	curl -s -o /dev/null -w '%{http_code}' "${SB_AUTH[@]}" "$@" "$SB_URL$path"
}
