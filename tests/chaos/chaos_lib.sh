# Helpers for the kill-anywhere tests (sourced after tests/lib.sh,
# tests/kafka-cat/broker.sh and tests/vtex-sandbox/sandbox_lib.sh).
#
#   supervise NAME CMD...   runs CMD again and again in the background until
#                           `unsupervise NAME`, as systemd's Restart=always
#                           would (0.5 s between runs); each run's exit status
#                           is appended to $T_TMP/NAME.exits, its stderr to
#                           $T_TMP/NAME.log; sets SUP_PID_NAME
#   unsupervise NAME        stops the loop, SIGTERMs the running flow (a clean
#                           stop: it drains and commits) and waits for it
#   stage_pid FLOW STAGE    the pid of a stage of FLOW's current run (empty
#                           when the flow is between runs)
#   chaos_kill FLOW STAGE   SIGKILLs that stage; one kill in three comes after
#                           a SIGSTOP of 2 to 4 s (a hung call, a long pause),
#                           so the stage is killed holding work in flight.
#                           Counts in CHAOS_KILLS, CHAOS_STALLED; false when the
#                           stage was not running
#   restarts NAME           how many times NAME's flow ended and was started again
CHAOS_KILLS=0 CHAOS_STALLED=0

supervise() {
	local name=$1
	shift
	rm -f "$T_TMP/$name.stop"
	: >"$T_TMP/$name.exits"
	(
		while [ ! -e "$T_TMP/$name.stop" ]; do
			"$@" 2>>"$T_TMP/$name.log" &
			echo "$!" >"$T_TMP/$name.flow-pid"
			wait "$!"
			echo "$?" >>"$T_TMP/$name.exits"
			[ -e "$T_TMP/$name.stop" ] || sleep 0.5
		done
	) &
	eval "SUP_PID_${name//-/_}=$!"
	t_on_exit "touch '$T_TMP/$name.stop'; kill \$(cat '$T_TMP/$name.flow-pid' 2>/dev/null) 2>/dev/null; wait $! 2>/dev/null"
}

unsupervise() {
	local name=$1 pid
	touch "$T_TMP/$name.stop"
	pid=$(cat "$T_TMP/$name.flow-pid" 2>/dev/null)
	[ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null
	eval "wait \$SUP_PID_${name//-/_}" 2>/dev/null
}

stage_pid() {
	local run f
	run=$(ls -td "$VP_VAR/runs/$1"/*/ 2>/dev/null | head -1)
	[ -n "$run" ] || return 0
	for f in "$run/$2.pid" "$run/$2.stage-pid"; do
		[ -s "$f" ] && { cat "$f"; return 0; }
	done
	return 0
}

chaos_kill() {
	local pid
	pid=$(stage_pid "$1" "$2")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	if [ $((RANDOM % 3)) -eq 0 ]; then
		kill -STOP "$pid" 2>/dev/null
		sleep "$((2 + RANDOM % 3))"
		CHAOS_STALLED=$((CHAOS_STALLED + 1))
	fi
	kill -KILL "$pid" 2>/dev/null || return 1
	CHAOS_KILLS=$((CHAOS_KILLS + 1))
	echo "# killed $1/$2 (pid $pid)"
}

restarts() {
	local n
	n=$(wc -l <"$T_TMP/$1.exits")
	echo $((n > 0 ? n - 1 : 0))
}

# The consumer group's lag summed over partitions, from the current
# orders-process run's metrics (empty while none is written yet).
process_lag() {
	local run
	run=$(ls -td "$VP_VAR/runs/orders-process"/*/ 2>/dev/null | head -1)
	[ -s "$run/consume.prom" ] || return 0
	awk '/^vtex_pipes_kafka_consumer_lag_messages[{ ]/ { s += $NF; n++ } END { if (n) print s }' "$run/consume.prom"
}
