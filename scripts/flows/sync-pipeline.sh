# Sourced by the flows that feed internal APIs from gold (crm-sync, erp-sync):
# the rows of a gold table changed since the last complete run -> the API.
# flow_sync PREFIX TABLE COLUMN KEYS: bq-export --table TABLE --since COLUMN
# with the watermark $VP_STATE/<flow>.json | ndjson-post to $PREFIX_URL, with
# idempotency keys from KEYS (fields). The watermark moves only when the API
# took every row (ndjson-post 0) or refused some for good (1: they are in the
# run's rejects); after 75 (the API kept failing) or any other failure it
# stays, and the next run sends the same rows again (same keys: harmless).
#
# Settings, PREFIX being CRM_API or ERP_API: PREFIX_URL (required; {field}
# takes a field of the row), PREFIX_METHOD (PUT), PREFIX_AUTH (bearer; none,
# basic, hmac), and its secret from the environment or a file, never from an
# argument: PREFIX_TOKEN[_FILE], PREFIX_USER + PREFIX_PASSWORD[_FILE],
# PREFIX_HMAC_KEY[_FILE] (+ PREFIX_HMAC_HEADER); PREFIX_BATCH (1),
# PREFIX_RPS (10), PREFIX_CONCURRENCY (4), PREFIX_CACERT.
# Copies PREFIX_NAME to NDJSON_POST_NAME for each NAME that is set.
sync_env() {
	local prefix=$1 name var; shift
	for name in "$@"; do
		var=${prefix}_$name
		if [ -n "${!var:-}" ]; then export "NDJSON_POST_$name=${!var}"; fi
	done
}

flow_sync() {
	local prefix=$1 table=$2 column=$3 keys=$4 url_var=${1}_URL
	flow_need bq-export ndjson-post
	[ -n "${!url_var:-}" ] || { flow_log error "no API URL: set $url_var"; exit 78; }
	mkdir -p -m 0700 "$VP_STATE"
	local state=$VP_STATE/$flow_name.json next=$FLOW_RUN_DIR/state.next.json
	rm -f "$next"
	[ ! -f "$state" ] || cp "$state" "$next"
	sync_env "$prefix" TOKEN TOKEN_FILE USER PASSWORD PASSWORD_FILE HMAC_KEY HMAC_KEY_FILE HMAC_HEADER CACERT
	local method_var=${prefix}_METHOD auth_var=${prefix}_AUTH batch_var=${prefix}_BATCH
	local rps_var=${prefix}_RPS conc_var=${prefix}_CONCURRENCY
	flow_log info "start" run="$FLOW_RUN" table="$table" since="$column" target="$BQ_TARGET" \
		watermark="$(sed -n 's/.*"watermark":"\([^"]*\)".*/\1/p' "$next" 2>/dev/null)"
	set +e
	bq-export --table "$table" --since "$column" --state "$next" \
		--metrics-file="$FLOW_RUN_DIR/bq-export.prom" |
		ndjson-post --url "${!url_var}" --method "${!method_var:-PUT}" --auth "${!auth_var:-bearer}" \
			--batch "${!batch_var:-1}" --rps "${!rps_var:-10}" --concurrency "${!conc_var:-4}" \
			--idempotency-key "$keys" $(flow_files ndjson-post)
	local st=("${PIPESTATUS[@]}")
	set -e
	if [ "${st[0]}" -eq 0 ] && { [ "${st[1]}" -eq 0 ] || [ "${st[1]}" -eq 1 ]; } && [ -f "$next" ]; then
		mv "$next" "$state"
		flow_log info "watermark moved" state="$state"
	fi
	flow_finish bq-export="${st[0]}" ndjson-post="${st[1]}"
}
