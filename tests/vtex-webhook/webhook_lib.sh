# Helpers for the vtex-webhook integration tests (sourced after tests/lib.sh).
# wh_start NAME ARGS...: starts vtex-webhook on a free port, with --no-spool
#   unless ARGS name a --spool (stdout to
#   $WH_STDOUT if set, else --output must be among ARGS or it goes to
#   $T_TMP/NAME.stdout); sets WH_URL and WH_PID_<NAME>; stops it at the end.
# wh_post URL BODY [curl args...]: POSTs BODY with the right secret; prints the status.
# wh_event N: a realistic hook body for order N (as VTEX sends it).
WH_SECRET=${WH_SECRET:-whsec-$RANDOM$RANDOM-0123456789abcdef}
export WH_SECRET
export VTEX_WEBHOOK_SECRET=$WH_SECRET
# The default spool directory is under $XDG_STATE_HOME: the test's own.
export XDG_STATE_HOME=$T_TMP/state
unset STATE_DIRECTORY VTEX_WEBHOOK_SPOOL

wh_start() {
	local name=$1 i spool=--no-spool
	shift
	# The spool is the default: a test that wants it names its own directory
	# (--spool); the others run unspooled (--no-spool), never in $HOME.
	case " $* " in *" --spool "*|*" --spool="*|*" --no-spool "*) spool= ;; esac
	rm -f "$T_TMP/$name.url"
	vtex-webhook --listen 127.0.0.1:0 --ready-file "$T_TMP/$name.url" $spool "$@" \
		>"${WH_STDOUT:-$T_TMP/$name.stdout}" 2>"$T_TMP/$name.log" </dev/null &
	eval "WH_PID_$name=$!"
	t_on_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
	for i in $(seq 100); do
		[ -s "$T_TMP/$name.url" ] && break
		kill -0 "$(wh_pid "$name")" 2>/dev/null || break
		sleep 0.05
	done
	if [ ! -s "$T_TMP/$name.url" ]; then
		echo "# vtex-webhook $name did not start:"; sed 's/^/# /' "$T_TMP/$name.log"
		return 1
	fi
	WH_URL=$(cat "$T_TMP/$name.url")
}

wh_pid() { eval "echo \$WH_PID_$1"; }

# wh_wait NAME: waits for it to exit; its exit status in WH_RC.
wh_wait() {
	WH_RC=0
	wait "$(wh_pid "$1")" || WH_RC=$?
}

wh_post() {
	local url=$1 body=$2
	shift 2
	curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "key: $WH_SECRET" \
		-H 'Content-Type: application/json; charset=utf-8' --data-binary "$body" "$@" "$url/hook"
}

wh_event() {
	printf '{"Domain":"Fulfillment","OrderId":"v%07d-01","State":"ready-for-handling","LastState":"window-to-cancel","LastChange":"2026-01-15T17:11:39.2550122Z","CurrentChange":"2026-01-15T17:12:48.0965893Z","Origin":{"Account":"sandbox","Key":"vtexappkey-sandbox-TEST"}}' "$1"
}

# wh_metric URL NAME{LABELS}: a value from /metrics (0 when absent).
wh_metric() {
	curl -s "$1/metrics" | prom_value "$2"
}

# wh_fill_pipe FIFO: fills the pipe behind FIFO with newlines until it takes
# no more (its reader must be stopped), so the next write to it blocks.
wh_fill_pipe() {
	python3 - "$1" <<'PY'
import errno, os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_NONBLOCK)
n = 0
try:
    while True:
        n += os.write(fd, b"\n" * 4096)
except BlockingIOError:
    pass
try:
    while True:
        n += os.write(fd, b"\n")
except BlockingIOError:
    pass
os.close(fd)
PY
}
