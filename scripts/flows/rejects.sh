# Sourced by every flow that has a quality gate (the batch flows through
# load-pipeline.sh, orders-ingest and orders-process): the stages' rejects of
# a run into the warehouse table bronze.rejects.
#
# flow_gate ENTITY VALIDATE_STATUS STAGE...: loads the STAGEs' rejects
# (flow_load_rejects) and decides what ndjson-validate's status means for the
# flow. A record the gate rejects is not an error of the run: its exit 1
# counts as success once its rejects are in bronze.rejects, and the flow logs
# a warning and writes vtex_pipes_flow_rejects_total to the run's rejects.prom.
# If the rejects cannot be loaded, the flow fails with bq-load's status (the
# file stays in the run directory). Any other stage's exit 1 (a record refused
# after the gate) still fails the run; its rejects are loaded all the same.
# Sets FLOW_GATE_STATUS (the gate's status as the flow counts it) and
# FLOW_REJECTS_LOAD_STATUS.
flow_gate() {
	local entity=$1
	FLOW_GATE_STATUS=$2 FLOW_REJECTS_LOAD_STATUS=0
	shift 2
	flow_load_rejects "$entity" "$@" || FLOW_REJECTS_LOAD_STATUS=$?
	if [ "$FLOW_GATE_STATUS" -eq 1 ] && [ "$FLOW_REJECTS_LOAD_STATUS" -eq 0 ]; then
		flow_log warn "records rejected by the quality gate, loaded into rejects" \
			run="$FLOW_RUN" entity="$entity" rejected="$FLOW_REJECTS_validate" \
			rules="$(flow_rejected_rules "$FLOW_RUN_DIR/validate.prom")"
		FLOW_GATE_STATUS=0
	fi
}

# flow_load_rejects ENTITY STAGE...: each STAGE's rejects file of this run
# (lib/rejects lines: tool, source, line, reason, record or raw; the gate's
# also rules and violations) into bronze.rejects, with entity, flow, run_id
# and stage columns and without the line number; sets FLOW_REJECTS_<stage>
# (- as _) to its line count and writes them to the run's rejects.prom. Loading the same run again adds nothing
# (bq-load's batch ids come from the rows). Returns bq-load's status.
flow_load_rejects() {
	local entity=$1 stage f n total=0 status=0 prom=$FLOW_RUN_DIR/rejects.prom
	shift
	: >"$FLOW_RUN_DIR/rejects.rows.ndjson"
	: >"$prom.tmp"
	echo "# HELP vtex_pipes_flow_rejects_total Records a stage of the flow rejected, loaded into bronze.rejects." >>"$prom.tmp"
	echo "# TYPE vtex_pipes_flow_rejects_total counter" >>"$prom.tmp"
	for stage in "$@"; do
		f=$FLOW_RUN_DIR/$stage.rejects.ndjson
		n=0
		[ -s "$f" ] && n=$(wc -l <"$f")
		printf -v "FLOW_REJECTS_${stage//-/_}" %s "$n"
		echo "vtex_pipes_flow_rejects_total{flow=\"$flow_name\",entity=\"$entity\",stage=\"$stage\"} $n" >>"$prom.tmp"
		total=$((total + n))
		[ "$n" -gt 0 ] || continue
		# Every reject line starts with {"tool":"...","source":"...","line":N,
		# (lib/rejects.c). The line number, which depends on the order records
		# were fetched in, stays in the run directory's file: without it, and
		# sorted, the rows of a run fetched again are the same batch, loaded once.
		sed "s/^{\(\"tool\":\"[^\"]*\",\"source\":\"[^\"]*\",\)\"line\":[0-9]*,/{\"_table\":\"rejects\",\"entity\":\"$entity\",\"flow\":\"$flow_name\",\"run_id\":\"$FLOW_RUN\",\"stage\":\"$stage\",\1/" \
			"$f" >>"$FLOW_RUN_DIR/rejects.rows.ndjson"
	done
	mv "$prom.tmp" "$prom"
	LC_ALL=C sort -o "$FLOW_RUN_DIR/rejects.rows.ndjson" "$FLOW_RUN_DIR/rejects.rows.ndjson"
	[ "$total" -gt 0 ] || return 0
	VTEX_PIPES_STAGE=rejects-load bq-load --metrics-file="$FLOW_RUN_DIR/rejects-load.prom" --rejects="$FLOW_RUN_DIR/rejects-load.rejects.ndjson" \
		<"$FLOW_RUN_DIR/rejects.rows.ndjson" >"$FLOW_RUN_DIR/rejects-load.out.ndjson" || status=$?
	if [ "$status" -ne 0 ]; then
		flow_log error "cannot load the rejects into bronze.rejects" run="$FLOW_RUN" status="$status" \
			file="$FLOW_RUN_DIR/rejects.rows.ndjson"
	fi
	return "$status"
}

# flow_rejected_rules PROM: the rules broken, with their record counts
# ("a:min=3,b:sum=1"), from ndjson-validate's metrics file.
flow_rejected_rules() {
	[ -s "$1" ] || return 0
	awk -F'rule="' '/^vtex_pipes_validate_violations_total/ && $NF !~ / 0$/ {
		split($2, a, "\",severity="); n = $0; sub(/.* /, "", n)
		printf "%s%s=%s", out++ ? "," : "", a[1], n }' "$1"
}
