# Sourced by the batch flows: fetched records -> bronze rows -> warehouse.
# flow_load ENTITY FETCH-ARGS...: vtex-fetch FETCH-ARGS | ndjson-normalize
# --entity ENTITY --raw | dedup (rows repeated within the run) | bq-load into
# BQ_TARGET (its report lines go to the run directory); exits with the flow's
# status (flow_finish).
# ndjson-validate (issue 7) goes between normalize and dedup once it exists.
flow_load() {
	local entity=$1; shift
	flow_need vtex-fetch ndjson-normalize dedup bq-load
	flow_log info "start" run="$FLOW_RUN" start="$FLOW_START" end="$FLOW_END" target="$BQ_TARGET"
	set +e
	VTEX_PIPES_STAGE=fetch vtex-fetch "$@" --metrics-file="$FLOW_RUN_DIR/fetch.prom" \
		--failures="$FLOW_RUN_DIR/fetch.failures.ndjson" --rejects="$FLOW_RUN_DIR/fetch.rejects.ndjson" |
		VTEX_PIPES_STAGE=normalize ndjson-normalize --entity "$entity" --raw $(flow_files normalize) |
		VTEX_PIPES_STAGE=dedup dedup --key _table,_row_id $(flow_files dedup) |
		VTEX_PIPES_STAGE=bq-load bq-load $(flow_files bq-load) >"$FLOW_RUN_DIR/bq-load.out.ndjson"
	local st=("${PIPESTATUS[@]}")
	set -e
	flow_finish fetch="${st[0]}" normalize="${st[1]}" dedup="${st[2]}" bq-load="${st[3]}"
}
