#!/usr/bin/env bash
# DuckDB for real: a million rows in one run, all there, each once.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"
bq_build_query_helper
D=$T_TMP DB=$T_TMP/w.duckdb

awk 'BEGIN { for (i = 0; i < 1000000; i++) {
	t = (i % 4 == 0) ? "orders" : "orders__items";
	printf "{\"_table\":\"%s\",\"_row_id\":\"r%d\",\"n\":%d,\"v\":%d.25,\"s\":\"row %d\",\"ok\":%s}\n", t, i, i, i, i, (i % 2 ? "true" : "false") } }' >"$D/m.ndjson"
bq-load --target duckdb:"$DB" --batch-bytes 16M --metrics-file "$D/metrics" <"$D/m.ndjson" >"$D/out" 2>"$D/err"
t_eq "a million rows load" 0 $?
t_eq "all rows, each once, values intact" "1000000	1000000	499999500000	250000" \
	"$(q "$DB" "select count(*), count(distinct _row_id), sum(n), sum(case when ok then 0 else 1 end) // 2 from (select * from bronze.orders union all select * from bronze.orders__items)")"
t_eq "split by table" "250000 750000" "$(q "$DB" "select count(*) from bronze.orders" "select count(*) from bronze.orders__items" | paste -sd' ')"
t_run "metrics count the loaded rows" grep -q 'vtex_pipes_records_total{tool="bq-load",stage="bq-load",outcome="loaded"} 1000000' "$D/metrics"
t_done
