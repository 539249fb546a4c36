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
#   chaos_setup             skips the script without the tools, the broker's jars
#                           or dbt's virtualenv; starts a broker (3 partitions)
#                           and sets the flows' environment; $port is for the
#                           hooks, $truth for the store's truth file, $py dbt's Python
#   chaos_flows_start       (after sb_start) configures the store's feed, starts
#                           orders-ingest and orders-feed, loads the history with
#                           orders-reconcile, then starts orders-process
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

chaos_setup() {
	local t
	kafka_need
	py=${VP_CACHE:-$HOME/.cache/vtex-pipes}/venv-dbt/bin/python
	for t in vtex-webhook vtex-sandbox vtex-fetch ndjson-validate dedup ndjson-normalize bq-load kafka-cat; do
		[ -x "$VP_BIN/$t" ] || { echo "bin/$t not built"; exit 77; }
	done
	[ -x "$py" ] || { echo "no dbt virtualenv (scripts/bootstrap)"; exit 77; }
	flows=$VP_ROOT/scripts/flows
	kafka_start --set num.partitions=3
	export VP_VAR=$T_TMP/var BQ_TARGET=duckdb:$T_TMP/warehouse.duckdb ORDERS_FLUSH_MS=300 VTEX_ACCOUNT=sandbox
	export VTEX_PIPES_METRICS_INTERVAL=1 VTEX_WEBHOOK_SECRET=chaos-secret-$RANDOM$RANDOM-0123456789
	export VTEX_SANDBOX_HOOK_SECRET=$VTEX_WEBHOOK_SECRET
	# A killed consumer's group member is replaced at once (static membership).
	export ORDERS_INSTANCE_ID=chaos-process-$$
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	truth=$T_TMP/truth.json
}

chaos_flows_start() {
	export VTEX_BASE_URL=$SB_URL
	# The feed exists from the store's start (a feed sees only later changes), with a
	# short visibility timeout, so an event whose commit a kill prevented comes back soon.
	export VTEX_FETCH_VISIBILITY_TIMEOUT=20 # orders-feed's own --configure then finds it as asked
	t_exit "vtex-fetch feed --configure finds the feed as asked" 0 vtex-fetch feed --configure
	supervise orders-ingest env VTEX_WEBHOOK_LISTEN="127.0.0.1:$port" "$flows/orders-ingest"
	supervise orders-feed "$flows/orders-feed"
	# The history, loaded first (orders-process, which holds the DuckDB file while
	# it runs, starts after it; Kafka keeps the events meanwhile): every later
	# change must come by hook or feed.
	t_exit "orders-reconcile over the history before the live store" 0 \
		"$flows/orders-reconcile" 2025-11-01T00:00:00Z "$SB_NOW"
	supervise orders-process "$flows/orders-process"
}
