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
#                                (NAME is also the stage's VTEX_PIPES_STAGE)
#   stream_wait [--gate ENTITY] NAME...
#                                waits for the pipeline, loads the stages'
#                                rejects when a stage is the quality gate
#                                (flow_gate, rejects.sh), then flow_finish
. "$(dirname "${BASH_SOURCE[0]}")/rejects.sh"
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
	VTEX_PIPES_STAGE=$name "$@" </dev/null &
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
	VTEX_PIPES_STAGE=$name "$@"
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

# stream_wait [--gate ENTITY] NAME...: waits for the background pipeline ($!)
# and exits with flow_finish over the stages, in pipeline order. With --gate,
# the stage named validate is ndjson-validate --entity ENTITY: every stage's
# rejects go to bronze.rejects and the gate's exit 1 counts as flow_gate says.
stream_wait() {
	local pipe=$! name status gate= args=()
	if [ "$1" = --gate ]; then gate=$2; shift 2; fi
	while kill -0 "$pipe" 2>/dev/null; do
		wait "$pipe" 2>/dev/null
	done
	rm -f "$FLOW_RUN_DIR"/*.pid
	FLOW_END=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	[ -z "$gate" ] || flow_gate "$gate" "$(cat "$FLOW_RUN_DIR/validate.status" 2>/dev/null || echo 70)" "$@"
	for name in "$@"; do
		status=$(cat "$FLOW_RUN_DIR/$name.status" 2>/dev/null || echo 70)
		# The run directory keeps what the gate returned; the flow counts flow_gate's verdict.
		[ -z "$gate" ] || [ "$name" != validate ] || status=$FLOW_GATE_STATUS
		args+=("$name=$status")
	done
	[ -z "$gate" ] || args+=("rejects-load=$FLOW_REJECTS_LOAD_STATUS")
	flow_finish "${args[@]}"
}
