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

# sb_get_many < PATHS: GET each path (one per line) over one connection; the
# bodies come out one per line.
sb_get_many() {
	sed "s|^|url = \"$SB_URL|; s|\$|\"|" | curl -sS "${SB_AUTH[@]}" -w '\n' -K -
}

# hr_start NAME ARGS...: starts hook_receiver.py on a free port (ARGS: its
# options); sets HR_URL and HR_OUT (its JSON lines).
hr_start() {
	local name=$1 i
	shift
	HR_OUT=$T_TMP/$name.hooks
	: >"$HR_OUT"
	python3 "$VP_ROOT/tests/vtex-sandbox/hook_receiver.py" --out "$HR_OUT" --port-file "$T_TMP/$name.port" "$@" \
		>"$T_TMP/$name.hr.log" 2>&1 &
	t_on_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
	for i in $(seq 100); do [ -s "$T_TMP/$name.port" ] && break; sleep 0.1; done
	HR_URL=http://127.0.0.1:$(cat "$T_TMP/$name.port")/vtex/hook
}

# sb_hooks_drained [TRIES]: after SIGUSR2, waits (0.1 s per try, 150) until
# every queued hook notification was delivered or dropped; sets SB_HOOK_EVENTS,
# SB_HOOK_OK (deliveries answered 200), SB_HOOK_DUP (sent twice), SB_HOOK_DROPPED.
sb_hooks_drained() {
	local i m
	for i in $(seq "${1:-150}"); do
		m=$(curl -s "$SB_URL/metrics")
		SB_HOOK_EVENTS=$(prom_value vtex_sandbox_hook_events_total <<<"$m")
		SB_HOOK_OK=$(prom_value 'vtex_sandbox_hook_deliveries_total{outcome="ok"}' <<<"$m")
		SB_HOOK_DUP=$(prom_value vtex_sandbox_hook_duplicates_total <<<"$m")
		SB_HOOK_DROPPED=$(prom_value 'vtex_sandbox_hook_deliveries_total{outcome="dropped"}' <<<"$m")
		[ "$((SB_HOOK_OK + SB_HOOK_DROPPED))" -ge "$((SB_HOOK_EVENTS + SB_HOOK_DUP))" ] && return 0
		sleep 0.1
	done
	return 1
}
