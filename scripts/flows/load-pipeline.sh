# Sourced by the batch flows: fetched records -> quality gate -> bronze rows -> warehouse.
. "$(dirname "${BASH_SOURCE[0]}")/rejects.sh"
# flow_load ENTITY FETCH-ARGS...: vtex-fetch FETCH-ARGS | ndjson-validate
# --entity ENTITY (rules/ENTITY.json) | ndjson-normalize --entity ENTITY
# (--raw with BRONZE_RAW=yes, lib.sh) | bq-load into BQ_TARGET (its report
# lines go to the run directory); then every stage's rejects into the table
# bronze.rejects (flow_load_rejects); exits with the flow's status (flow_finish).
# No dedup stage: bq-load loads a row whose _row_id its table (or its batch)
# already holds once, so a row repeated within the run, or loaded by an
# earlier run, adds nothing; a dedup on _table,_row_id before it did the same
# work again (a fifth of the reconcile's CPU time).
#
# The gate sits before normalize so that its rules see VTEX's records whole
# (items, totals) and a rejected record is kept whole; how its exit 1 and the
# rejects count for the flow: flow_gate (rejects.sh).
# With FLOW_FETCH_IDS=FILE and FLOW_FETCH_IDS_JQ=FILTER, the ids FILTER finds
# in each fetched record are kept in FILE (the catalog's SKUs: flow_catalog_mark).
flow_fetch_ids() {
	if [ -n "${FLOW_FETCH_IDS:-}" ]; then
		tee >(jq -r "$FLOW_FETCH_IDS_JQ" >"$FLOW_FETCH_IDS")
		local rc=$?
		wait $! # the ids are all written before the stage ends
		return $rc
	else
		cat
	fi
}

flow_load() {
	local entity=$1; shift
	flow_need vtex-fetch ndjson-validate ndjson-normalize bq-load
	flow_log info "start" run="$FLOW_RUN" start="$FLOW_START" end="$FLOW_END" target="$BQ_TARGET"
	set +e
	(VTEX_PIPES_STAGE=fetch vtex-fetch "$@" --metrics-file="$FLOW_RUN_DIR/fetch.prom" \
		--failures="$FLOW_RUN_DIR/fetch.failures.ndjson" --rejects="$FLOW_RUN_DIR/fetch.rejects.ndjson" |
		flow_fetch_ids; exit "${PIPESTATUS[0]}") |
		VTEX_PIPES_STAGE=validate ndjson-validate --entity "$entity" $(flow_files validate) |
		VTEX_PIPES_STAGE=normalize ndjson-normalize --entity "$entity" "${FLOW_RAW[@]}" $(flow_files normalize) |
		VTEX_PIPES_STAGE=bq-load bq-load $(flow_files bq-load) >"$FLOW_RUN_DIR/bq-load.out.ndjson"
	local st=("${PIPESTATUS[@]}")
	set -e
	flow_gate "$entity" "${st[1]}" fetch validate normalize
	flow_finish fetch="${st[0]}" validate="$FLOW_GATE_STATUS" normalize="${st[2]}" \
		bq-load="${st[3]}" rejects-load="$FLOW_REJECTS_LOAD_STATUS"
}

