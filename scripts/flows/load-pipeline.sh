# Sourced by the batch flows: fetched records -> quality gate -> bronze rows -> warehouse.
# flow_load ENTITY FETCH-ARGS...: vtex-fetch FETCH-ARGS | ndjson-validate
# --entity ENTITY (rules/ENTITY.json) | ndjson-normalize --entity ENTITY --raw
# | dedup (rows repeated within the run) | bq-load into BQ_TARGET (its report
# lines go to the run directory); then every stage's rejects into the table
# bronze.rejects (flow_load_rejects); exits with the flow's status (flow_finish).
#
# The gate sits before normalize so that its rules see VTEX's records whole
# (items, totals) and a rejected record is kept whole. A record the gate
# rejects is not an error of the run: ndjson-validate's exit 1 counts as
# success once its rejects are in bronze.rejects, and the flow logs a warning
# and writes vtex_pipes_flow_rejects_total to the run's flow.prom. If the
# rejects cannot be loaded, the flow fails with bq-load's status (the file
# stays in the run directory). Any other stage's exit 1 (a record refused
# after the gate) still fails the run; its rejects are loaded all the same.
flow_load() {
	local entity=$1; shift
	flow_need vtex-fetch ndjson-validate ndjson-normalize dedup bq-load
	flow_log info "start" run="$FLOW_RUN" start="$FLOW_START" end="$FLOW_END" target="$BQ_TARGET"
	set +e
	VTEX_PIPES_STAGE=fetch vtex-fetch "$@" --metrics-file="$FLOW_RUN_DIR/fetch.prom" \
		--failures="$FLOW_RUN_DIR/fetch.failures.ndjson" --rejects="$FLOW_RUN_DIR/fetch.rejects.ndjson" |
		VTEX_PIPES_STAGE=validate ndjson-validate --entity "$entity" $(flow_files validate) |
		VTEX_PIPES_STAGE=normalize ndjson-normalize --entity "$entity" --raw $(flow_files normalize) |
		VTEX_PIPES_STAGE=dedup dedup --key _table,_row_id $(flow_files dedup) |
		VTEX_PIPES_STAGE=bq-load bq-load $(flow_files bq-load) >"$FLOW_RUN_DIR/bq-load.out.ndjson"
	local st=("${PIPESTATUS[@]}")
	set -e
	local validate=${st[1]} rejects=0
	flow_load_rejects "$entity" fetch validate normalize dedup || rejects=$?
	if [ "$validate" -eq 1 ] && [ "$rejects" -eq 0 ]; then
		flow_log warn "records rejected by the quality gate, loaded into rejects" \
			run="$FLOW_RUN" entity="$entity" rejected="$FLOW_REJECTS_validate" \
			rules="$(flow_rejected_rules "$FLOW_RUN_DIR/validate.prom")"
		validate=0
	fi
	flow_finish fetch="${st[0]}" validate="$validate" normalize="${st[2]}" dedup="${st[3]}" bq-load="${st[4]}" \
		rejects-load="$rejects"
}

# flow_load_rejects ENTITY STAGE...: each STAGE's rejects file of this run
# (lib/rejects lines: tool, source, line, reason, record or raw; the gate's
# also rules and violations) into bronze.rejects, with entity, flow, run_id
# and stage columns and without the line number; sets FLOW_REJECTS_<stage> to its line count and writes
# them to the run's flow.prom. Loading the same run again adds nothing
# (bq-load's batch ids come from the rows). Returns bq-load's status.
flow_load_rejects() {
	local entity=$1 stage f n total=0 status=0 prom=$FLOW_RUN_DIR/flow.prom
	shift
	: >"$FLOW_RUN_DIR/rejects.rows.ndjson"
	: >"$prom.tmp"
	echo "# HELP vtex_pipes_flow_rejects_total Records a stage of the flow rejected, loaded into bronze.rejects." >>"$prom.tmp"
	echo "# TYPE vtex_pipes_flow_rejects_total counter" >>"$prom.tmp"
	for stage in "$@"; do
		f=$FLOW_RUN_DIR/$stage.rejects.ndjson
		n=0
		[ -s "$f" ] && n=$(wc -l <"$f")
		printf -v "FLOW_REJECTS_$stage" %s "$n"
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
