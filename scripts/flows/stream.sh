# Sourced by the streaming flows (orders-ingest, orders-process): they run
# until SIGTERM or SIGINT, which goes to the pipeline's FIRST stage only; it
# finishes what it has in flight and exits, EOF flows down the pipe, and each
# later stage finishes its work (flushes, commits, loads its last batch)
# before it exits. The flow's status is flow_finish's over the stages'.
# (Under systemd use KillMode=mixed, so the stop signal reaches only the
# flow's shell: a signal to every stage at once would stop the later ones
# before the first one's last lines reach them.)
#
# Usage:
#   stream_begin                 sets FLOW_RUN/FLOW_RUN_DIR for this run
#   stream_head NAME CMD... | stream_stage NAME CMD... | ... &
#   stream_wait NAME...          waits for the pipeline, then flow_finish
stream_begin() {
	local now
	now=$(date -u +%Y%m%dT%H%M%SZ)
	FLOW_START=$(date -u +%Y-%m-%dT%H:%M:%SZ) FLOW_END=running
	FLOW_RUN=$flow_name-$now
	FLOW_RUN_DIR=$VP_VAR/runs/$flow_name/$FLOW_RUN
	mkdir -p "$FLOW_RUN_DIR"
	stream_stopping=0
	trap stream_stop TERM INT
}

# The first stage: its pid goes to NAME.pid (for the stop signal), its exit
# status to NAME.status.
stream_head() {
	local name=$1 rc
	shift
	"$@" </dev/null &
	echo "$!" >"$FLOW_RUN_DIR/$name.pid"
	wait "$!"
	rc=$?
	echo "$rc" >"$FLOW_RUN_DIR/$name.status"
	return "$rc"
}

# A later stage: its exit status to NAME.status.
stream_stage() {
	local name=$1 rc
	shift
	"$@"
	rc=$?
	echo "$rc" >"$FLOW_RUN_DIR/$name.status"
	return "$rc"
}

stream_stop() {
	local f
	stream_stopping=1
	flow_log info "stopping: signal passed to the first stage" run="$FLOW_RUN"
	for f in "$FLOW_RUN_DIR"/*.pid; do
		[ -e "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null
	done
	return 0
}

# stream_wait NAME...: waits for the background pipeline ($!) and exits with
# flow_finish over the stages, in pipeline order.
stream_wait() {
	local pipe=$! name args=()
	while kill -0 "$pipe" 2>/dev/null; do
		wait "$pipe" 2>/dev/null
	done
	for name in "$@"; do
		args+=("$name=$(cat "$FLOW_RUN_DIR/$name.status" 2>/dev/null || echo 70)")
	done
	rm -f "$FLOW_RUN_DIR"/*.pid
	FLOW_END=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	flow_finish "${args[@]}"
}
