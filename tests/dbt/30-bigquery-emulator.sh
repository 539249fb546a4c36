#!/usr/bin/env bash
# dbt on BigQuery as far as goccy/bigquery-emulator goes: the fixture's
# records through ndjson-normalize and bq-load into the emulator's bronze,
# dbt (target bigquery, api_endpoint = the emulator, an access token)
# introspects bronze and compiles every model, then each model's full-build
# SQL runs on the emulator in dependency order (bq-emulator-run.py: dbt's own
# run stops at the first DDL, whose job reply the emulator gets wrong). The
# staging views must run; every model's outcome is printed, and dbt/README.md
# lists what the emulator cannot execute and why.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../bq-load/common.sh"
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
venv=$VP_CACHE/venv-dbt
[ -x "$venv/bin/dbt" ] || { echo "no dbt virtualenv at $venv: run scripts/bootstrap"; exit 77; }
bq_start_emulator bronze
export BQ_TOKEN=test-token VP_PII_SALT=emulator-salt-0123456789 # hashing is on by default on BigQuery
fix=$VP_ROOT/tests/fixtures/dbt

for d in staging silver gold analytics; do # dbt's CREATE SCHEMA trips on the emulator's job reply
	curl -sf -X POST -H 'Content-Type: application/json' "$EP/bigquery/v2/projects/test/datasets" \
		-d "{\"datasetReference\":{\"projectId\":\"test\",\"datasetId\":\"$d\"}}" >/dev/null
done
for e in client:clients product:products order:orders; do
	jq -r "select(._table == \"${e#*:}__raw\") | .raw" "$fix/batch-1.ndjson" | ndjson-normalize --entity "${e%%:*}" 2>/dev/null |
		bq-load --target bigquery:test.bronze --endpoint "$EP" >/dev/null 2>>"$T_TMP/load.err" ||
		{ t_fail "bronze ${e#*:} loads into the emulator" "$(tail -3 "$T_TMP/load.err")"; t_done; }
done
t_ok "the fixture's bronze loads into the emulator"

export DBT_PROFILES_DIR=$VP_ROOT/dbt DBT_TARGET_PATH=$T_TMP/target DBT_LOG_PATH=$T_TMP/logs DBT_SEND_ANONYMOUS_USAGE_STATS=false
export DBT_TARGET=bigquery BQ_AUTH_METHOD=oauth-secrets BQ_API_ENDPOINT=$EP BQ_PROJECT=test BQ_DATASET=analytics BQ_LOCATION=US
# --no-populate-cache: listing a dataset's relations also lists its routines,
# which the emulator does not serve (500, retried for 10 minutes).
t_run "dbt compiles every model against the emulator (bronze introspected)" \
	sh -c 'cd "$0/dbt" && "$1/bin/dbt" compile --no-populate-cache --vars "{as_of: \"2024-04-01 00:00:00\"}" >"$2/compile.out" 2>&1 || { tail -20 "$2/compile.out"; exit 1; }' \
	"$VP_ROOT" "$venv" "$T_TMP"
"$venv/bin/python" "$VP_ROOT/tests/dbt/bq-emulator-run.py" "$EP" test "$T_TMP/target/manifest.json" >"$T_TMP/models.tsv"
sed 's/^/# /' "$T_TMP/models.tsv"
for m in stg_orders stg_order_items stg_order_payments stg_customers stg_products; do
	t_eq "$m runs on the emulator" ok "$(awk -F'\t' -v m="$m" '$1 == m { print $2 }' "$T_TMP/models.tsv")"
done
t_done
