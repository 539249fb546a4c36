#!/usr/bin/env bash
# bq-load's command line: help, version, usage errors, a bad target, and --dry-run.
. "$(dirname "$0")/../lib.sh"
D=$T_TMP

bq-load --help >"$D/help" 2>&1
t_exit "--help exits 0" 0 bash -c "bq-load --help >/dev/null"
t_run "--help names both targets" grep -q 'bigquery:PROJECT' "$D/help"
t_run "--version prints the version" bash -c 'bq-load --version | grep -q "^bq-load "'
t_exit "unknown flag is a usage error" 64 bq-load --no-such-flag
t_exit "bad target is a usage error" 64 bq-load --target mysql:x </dev/null
t_exit "bad mode is a usage error" 64 bq-load --target bigquery:p.d --mode fast </dev/null
t_exit "stream mode needs BigQuery" 64 bq-load --target duckdb:"$D/w.duckdb" --mode stream </dev/null
t_exit "bad --dataset is a usage error" 64 bq-load --target duckdb:"$D/w.duckdb" --dataset 'a-b' </dev/null
t_exit "a DuckDB file in a missing directory is a configuration error" 78 \
	bq-load --target duckdb:"$D/no/such/dir/w.duckdb" </dev/null 2>/dev/null
t_exit "BQ_TARGET is read" 64 env BQ_TARGET=nothing bq-load </dev/null

printf '%s\n' '{"_table":"a","x":1,"y":"s"}' '{"_table":"a","x":2.5,"z":null}' '{"_table":"b","k":true}' \
	'{"no_table":1}' >"$D/in.ndjson"
bq-load --dry-run --target duckdb:"$D/never.duckdb" <"$D/in.ndjson" >"$D/dry" 2>"$D/err"
t_eq "--dry-run exits 1 when a row would be rejected" 1 $?
t_run "--dry-run creates no database" test ! -e "$D/never.duckdb"
t_eq "--dry-run: table a, 2 rows, joined types" \
	'{"table":"a","rows":2,"bytes":61,"batches":1,"schema":[{"name":"x","type":"DOUBLE"},{"name":"y","type":"VARCHAR"},{"name":"z","type":"VARCHAR"},{"name":"_batch_id","type":"VARCHAR"},{"name":"_loaded_at","type":"TIMESTAMP"}]}' \
	"$(head -1 "$D/dry")"
t_eq "--dry-run: BigQuery type names" '{"name":"k","type":"BOOLEAN"}' \
	"$(bq-load --dry-run --target bigquery:p.d <"$D/in.ndjson" 2>/dev/null | tail -1 | grep -o '{"name":"k"[^}]*}')"
t_done
