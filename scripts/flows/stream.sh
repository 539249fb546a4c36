# Sourced by the streaming flows (orders-ingest, orders-process): they run
# until SIGTERM or SIGINT, which goes to the pipeline's FIRST stage only; it
# finishes what it has in flight and exits, EOF flows down the pipe, and each
# later stage finishes its work (flushes, commits, loads its last batch)
# before it exits. The flow's status is flow_finish's over the stages'.
# (Under systemd use KillMode=mixed, so the stop signal reaches only the
# flow's shell: a signal to every stage at once would stop the later ones
# before the first one's last lines reach them.)
#
# Acknowledgements (vtex-pipes(7), ACKNOWLEDGEMENTS): the first stage is the
# source (--ack-from "$FLOW_ACKS"), the last the sink (--ack-to "$FLOW_ACKS");
# the source commits only what came back. A stage that dies (killed, crashed,
# exit 74 on a closed pipe, 75 on a failed delivery) while the flow is not
# stopping ends the whole pipeline at once (SIGKILL to the other stages: what
# they hold was never acknowledged, so nothing is lost), and the flow exits
# non-zero for its supervisor to restart it; the source replays from its last
# acknowledged barrier.
#
# Usage:
#   stream_begin                 sets FLOW_RUN/FLOW_RUN_DIR for this run and
#                                FLOW_ACKS, the FIFO of acknowledgements
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
	chmod 700 "$FLOW_RUN_DIR"
	FLOW_ACKS=$FLOW_RUN_DIR/acks
	mkfifo -m 600 "$FLOW_ACKS"
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
	exec >/dev/null
	wait "$!"
	rc=$?
	echo "$rc" >"$FLOW_RUN_DIR/$name.status"
	stream_stage_ended "$name" "$rc"
	return "$rc"
}

# A later stage: its pid to NAME.stage-pid, its exit status to NAME.status.
# (Started in the background with standard input given explicitly, which a
# background command would otherwise lose to /dev/null.)
stream_stage() {
	local name=$1 rc
	shift
	VTEX_PIPES_STAGE=$name "$@" <&0 &
	echo "$!" >"$FLOW_RUN_DIR/$name.stage-pid"
	# This shell lets go of the pipes, so the stage's neighbours see its end.
	exec </dev/null >/dev/null
	wait "$!"
	rc=$?
	echo "$rc" >"$FLOW_RUN_DIR/$name.status"
	stream_stage_ended "$name" "$rc"
	return "$rc"
}

# After a stage ended: unless the flow is stopping, a stage that failed (not
# 0, not 1: some records rejected) takes the others down with it.
stream_stage_ended() {
	local f pid
	[ "$2" -gt 1 ] && [ ! -e "$FLOW_RUN_DIR/stopping" ] || return 0
	flow_log warn "stage failed: ending the pipeline (the source replays what was not acknowledged)" \
		run="$FLOW_RUN" stage="$1" status="$2"
	for f in "$FLOW_RUN_DIR"/*.pid "$FLOW_RUN_DIR"/*.stage-pid; do
		[ -e "$f" ] && pid=$(cat "$f") && kill -KILL "$pid" 2>/dev/null
	done
	return 0
}

stream_stop() {
	local f
	stream_stopping=1
	: >"$FLOW_RUN_DIR/stopping"
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
	rm -f "$FLOW_RUN_DIR"/*.pid "$FLOW_RUN_DIR"/*.stage-pid "$FLOW_RUN_DIR/stopping" "$FLOW_ACKS"
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
