# Helpers for the vtex-gateway tests (sourced after tests/lib.sh and
# tests/vtex-sandbox/sandbox_lib.sh).
# gw_start NAME ARGS...: starts a gateway in front of $SB_URL; sets GW_URL and
# GW_PID_<NAME>; stopped when the script ends. ARGS: its options.
gw_start() {
	local name=$1 i
	shift
	rm -f "$T_TMP/$name.gwurl"
	VTEX_BASE_URL=$SB_URL VTEX_ACCOUNT=sandbox vtex-gateway --ready-file "$T_TMP/$name.gwurl" "$@" \
		>>"$T_TMP/$name.gw.log" 2>&1 </dev/null &
	eval "GW_PID_$name=$!"
	t_on_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
	for i in $(seq 100); do
		[ -s "$T_TMP/$name.gwurl" ] && break
		kill -0 "$(gw_pid "$name")" 2>/dev/null || break
		sleep 0.1
	done
	if [ ! -s "$T_TMP/$name.gwurl" ]; then
		echo "gateway $name did not start:"; cat "$T_TMP/$name.gw.log"
		return 1
	fi
	GW_URL=$(cat "$T_TMP/$name.gwurl")
}
gw_pid() { eval "echo \$GW_PID_$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
